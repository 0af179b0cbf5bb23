"""Tests for cxlab.segmentation's summary tables: segment size and revenue, loyalty ideas,
co-purchase rules over the right basket, and the planted segments of a demo.

Expected values are worked out by hand in the comments.
"""

from __future__ import annotations

import math
import shutil

import numpy as np
import pandas as pd
import pytest

from cxlab.datasets import demo_path, planted_segments
from cxlab.segmentation import (
    RFM_SEGMENTS,
    co_purchase_rules,
    loyalty_ideas,
    segment_summary,
    summary_headlines,
)


def test_segment_summary_counts_customers_and_revenue_largest_revenue_first():
    seg = pd.Series({"A": "x", "B": "y", "C": "y", "D": "z"})
    spend = pd.Series({"A": 10.0, "B": 20.0, "C": 40.0, "D": 30.0})
    out = segment_summary(seg, spend)
    # y: 2 customers, 60 of 100; z: 1, 30; x: 1, 10
    assert list(out.index) == ["y", "z", "x"]
    assert out["customers"].tolist() == [2, 1, 1]
    assert out["revenue"].tolist() == [60.0, 30.0, 10.0]
    assert out["share_of_customers"].tolist() == [0.5, 0.25, 0.25]
    assert out["share_of_revenue"].tolist() == pytest.approx([0.6, 0.3, 0.1])
    assert out.index.name == "segment"


def test_segment_summary_keeps_a_given_order_and_adds_plays():
    seg = pd.Series({"A": "x", "B": "y"})
    spend = pd.Series({"A": 10.0, "B": 30.0})
    out = segment_summary(seg, spend, plays={"x": "call them"}, order=["x", "y", "w"])
    assert list(out.index) == ["x", "y"]
    assert out.loc["x", "play"] == "call them"
    assert pd.isna(out.loc["y", "play"])


def test_segment_summary_counts_a_customer_without_spend_as_spending_nothing():
    seg = pd.Series({"A": "x", "B": "x"})
    out = segment_summary(seg, pd.Series({"A": 10.0}))
    assert out.loc["x", "customers"] == 2
    assert out.loc["x", "revenue"] == 10.0


def test_segment_summary_leaves_out_empty_categories():
    seg = pd.Series(
        pd.Categorical(["loyal", "lost"], categories=list(RFM_SEGMENTS)), index=["A", "B"]
    )
    out = segment_summary(seg, pd.Series({"A": 5.0, "B": 15.0}))
    assert sorted(out.index) == ["lost", "loyal"]


def test_segment_summary_has_no_revenue_share_without_positive_revenue():
    seg = pd.Series({"A": "x", "B": "y"})
    out = segment_summary(seg, pd.Series({"A": 10.0, "B": -10.0}))
    assert out["share_of_revenue"].isna().all()


def test_summary_headlines_round_shares_and_keep_missing_ones_missing():
    summary = pd.DataFrame(
        {
            "customers": [2, 1],
            "share_of_customers": [2 / 3, 1 / 3],
            "share_of_revenue": [0.8, np.nan],
        },
        index=["x", "y"],
    )
    assert summary_headlines(summary) == {
        "x": {"customers": 2, "share_of_customers": 0.6667, "share_of_revenue": 0.8},
        "y": {"customers": 1, "share_of_customers": 0.3333, "share_of_revenue": None},
    }


def test_loyalty_ideas_add_up_the_rfm_segments_of_each_idea():
    t = pd.DataFrame(
        {
            "segment": ["champions", "loyal", "at risk", "lost", "lost"],
            "monetary": [50.0, 20.0, 20.0, 5.0, 5.0],
        }
    )
    out = loyalty_ideas(t)
    # community: champions + loyal = 2 customers, 70 of 100; win-back: at risk = 1, 20
    assert out.loc["community and ambassadors", "customers"] == 2
    assert out.loc["community and ambassadors", "share_of_revenue"] == pytest.approx(0.7)
    assert out.loc["personal win-back", "customers"] == 1
    assert out.loc["low-cost reactivation", "share_of_revenue"] == pytest.approx(0.1)
    assert out.loc["loyalty programme, first tier", "customers"] == 0
    assert (
        out.loc["personal win-back", "RFM segments"] == "can't lose them, at risk, need attention"
    )


def test_loyalty_ideas_take_ideas_of_ones_own():
    t = pd.DataFrame({"segment": ["new", "lost"], "monetary": [10.0, 30.0]})
    out = loyalty_ideas(t, ideas={"welcome pack": ["new"]})
    assert list(out.index) == ["welcome pack"]
    assert out.loc["welcome pack", "share_of_revenue"] == pytest.approx(0.25)


def test_co_purchase_rules_use_orders_when_orders_hold_pairs():
    tx = pd.DataFrame(
        {
            "order_id": [1, 1, 2, 2],
            "customer_id": ["A", "A", "B", "B"],
            "category": ["tea", "cake", "tea", "cake"],
        }
    )
    rules = co_purchase_rules(tx)
    assert rules.attrs["basket"] == "order_id"
    assert rules.attrs["baskets"] == 2
    assert len(rules) == 2  # tea -> cake and cake -> tea


def test_co_purchase_rules_fall_back_to_customers_when_orders_hold_one_item():
    tx = pd.DataFrame(
        {
            "order_id": [1, 2, 3, 4],
            "customer_id": ["A", "A", "B", "B"],
            "category": ["lunch", "dinner", "lunch", "dinner"],
        }
    )
    rules = co_purchase_rules(tx)
    assert rules.attrs["basket"] == "customer_id"
    assert rules.attrs["baskets"] == 2
    assert set(rules["antecedent"]) == {"lunch", "dinner"}


def test_co_purchase_rules_without_the_item_column_are_empty_and_say_why():
    tx = pd.DataFrame({"order_id": [1], "customer_id": ["A"], "amount": [5.0]})
    rules = co_purchase_rules(tx)
    assert rules.empty
    assert rules.attrs["missing"] == "category"
    assert rules.attrs["basket"] is None


def test_co_purchase_rules_skip_basket_columns_the_log_lacks():
    tx = pd.DataFrame({"customer_id": ["A", "A"], "category": ["tea", "cake"]})
    assert co_purchase_rules(tx).attrs["basket"] == "customer_id"


def test_planted_segments_of_a_demo_by_name():
    truth = planted_segments("saas")
    assert truth.attrs["demo"] == "saas"
    assert truth.name == "planted segment"
    assert truth.nunique() == 3


def test_planted_segments_of_a_demo_by_its_folder():
    assert planted_segments(demo_path("consulting")).attrs["demo"] == "consulting"


def test_a_copy_of_a_demo_elsewhere_has_no_planted_truth(tmp_path):
    copy = shutil.copytree(demo_path("restaurant"), tmp_path / "restaurant")
    assert planted_segments(copy) is None


@pytest.mark.parametrize("source", ["", "my_shop", "/no/such/folder"])
def test_any_other_bundle_has_no_planted_truth(source):
    assert planted_segments(source) is None


def test_summary_shares_add_up_to_one():
    rng = np.random.default_rng(3)
    seg = pd.Series(rng.choice(list("abcd"), 200), index=range(200))
    spend = pd.Series(rng.gamma(2.0, 50.0, 200), index=range(200))
    out = segment_summary(seg, spend)
    assert math.isclose(out["share_of_customers"].sum(), 1.0)
    assert math.isclose(out["share_of_revenue"].sum(), 1.0)
    assert out["customers"].sum() == 200
