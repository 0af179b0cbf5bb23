"""Tests for cxlab.segmentation: cleaning, RFM, customer features and the four strategies.

Expected values are worked out by hand in the comments (quantile cut points with numpy's
default linear interpolation: the value at position ``(n - 1) q`` of the sorted values), never
taken from the code under test.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxlab.datasets import load_demo, planted_truth
from cxlab.errors import DataError
from cxlab.segmentation import (
    RFM_GRID,
    RFM_SEGMENTS,
    customer_features,
    needs_segments,
    psychographic_segments,
    rfm,
    rfm_segment,
    score,
    value_segments,
)

ASOF = "2024-04-01"


def hand_log() -> pd.DataFrame:
    """A small, messy log whose RFM is worked out by hand below."""
    rows = [
        # A: order o1 has two lines on 30 March, order o2 one line on 1 Feb; part of o1 is
        # refunded on 31 March (a refund is not a purchase: recency stays 2 days).
        ("o1", "A", "2024-03-30", 10.0, "tops"),
        ("o1", "A", "2024-03-30", 20.0, "shoes"),
        ("o2", "A", "2024-02-01", 50.0, "tops"),
        ("o1", "A", "2024-03-31", -10.0, "tops"),
        # B: one order on 1 Jan: 31 + 29 + 31 = 91 days before 1 April 2024.
        ("o3", "B", "2024-01-01", 100.0, "coats"),
        # C: three small orders; last on 20 March -> 12 days.
        ("o4", "C", "2024-03-01", 5.0, "socks"),
        ("o5", "C", "2024-03-15", 5.0, "socks"),
        ("o6", "C", "2024-03-20", 5.0, "socks"),
        # D: a refund only -> not in the table, counted.
        ("o7", "D", "2024-03-10", -20.0, "tops"),
        # E: one order exported twice (exact duplicate) -> counted once; 7 days.
        ("o8", "E", "2024-03-25", 40.0, "tops"),
        ("o8", "E", "2024-03-25", 40.0, "tops"),
        # no customer id -> dropped, counted
        ("o9", None, "2024-03-28", 30.0, "tops"),
        # after the as-of date -> dropped, counted
        ("o10", "F", "2024-04-05", 99.0, "tops"),
    ]
    return pd.DataFrame(rows, columns=["order_id", "customer_id", "date", "amount", "category"])


# -------------------------------------------------------------------------------- RFM values
def test_rfm_known_recency_frequency_monetary():
    r = rfm(hand_log(), asof=ASOF)
    assert r.index.tolist() == ["A", "B", "C", "E"]
    assert r["recency"].tolist() == [2, 91, 12, 7]
    assert r["frequency"].tolist() == [2, 1, 3, 1]
    assert r["monetary"].tolist() == [70.0, 100.0, 15.0, 40.0]


def test_rfm_known_scores_and_segments():
    # recency sorted 2, 7, 12, 91 -> cuts 5, 8, 11, 43.6; r = 5 - (cuts <= value)
    # frequency sorted 1, 1, 2, 3 -> cuts 1, 1.2, 1.8, 2.4; f = 1 + (cuts < value)
    # monetary sorted 15, 40, 70, 100 -> cuts 30, 46, 64, 82
    r = rfm(hand_log(), asof=ASOF)
    assert r["r_score"].tolist() == [5, 1, 2, 4]
    assert r["f_score"].tolist() == [4, 1, 5, 1]
    assert r["m_score"].tolist() == [4, 5, 1, 2]
    assert r["rfm"].tolist() == ["544", "115", "251", "412"]
    assert r["segment"].astype(str).tolist() == [
        "champions",  # R5 F4
        "lost",  # R1 F1
        "can't lose them",  # R2 F5
        "promising",  # R4 F1
    ]


def test_rfm_ties_first_ranks_ties_by_customer_id():
    # frequency 2, 1, 3, 1 for A, B, C, E: order B, E, A, C -> ranks 0..3 -> 1 + rank*5//4
    r = rfm(hand_log(), asof=ASOF, ties="first")
    assert r["f_score"].tolist() == [3, 1, 4, 2]


def test_rfm_reports_what_was_dropped():
    r = rfm(hand_log(), asof=ASOF)
    c = r.attrs["cleaning"]
    assert c["rows_in"] == 13
    assert c["missing_customer"] == 1
    assert c["duplicates"] == 1
    assert c["after_asof"] == 1
    assert c["refund_only_customers"] == 1
    assert c["rows_used"] == 10
    notes = " ".join(r.attrs["notes"])
    assert "without a customer id" in notes and "duplicate" in notes and "refunds but no" in notes


def test_rfm_default_asof_is_day_after_last_transaction():
    r = rfm(hand_log())
    assert r.attrs["asof"] == "2024-04-06"
    assert r.loc["F", "recency"] == 1


def test_refund_does_not_make_a_customer_recent_but_reduces_monetary():
    tx = pd.DataFrame(
        {
            "customer_id": ["A", "A"],
            "order_id": ["o1", "o1"],
            "date": ["2024-01-01", "2024-03-01"],
            "amount": [80.0, -30.0],
        }
    )
    r = rfm(tx, asof="2024-03-11")
    assert r.loc["A", "recency"] == 70  # 31 + 29 + 10 days from 1 January, not 10
    assert r.loc["A", "frequency"] == 1
    assert r.loc["A", "monetary"] == 50.0


def test_missing_ids_of_every_kind_are_dropped_and_counted():
    tx = pd.DataFrame(
        {
            "customer_id": ["A", None, np.nan, "", "  ", "B"],
            "date": ["2024-01-0" + str(i) for i in range(1, 7)],
            "amount": [1.0, 2, 3, 4, 5, 6],
        }
    )
    r = rfm(tx)
    assert r.index.tolist() == ["A", "B"]
    assert r.attrs["cleaning"]["missing_customer"] == 4


def test_exact_duplicates_dropped_only_when_asked():
    tx = hand_log()
    kept = rfm(tx, asof=ASOF, drop_duplicates=False)
    assert kept.loc["E", "monetary"] == 80.0
    assert kept.loc["E", "frequency"] == 1  # still one order
    assert kept.attrs["cleaning"]["duplicates"] == 0
    assert rfm(tx, asof=ASOF).loc["E", "monetary"] == 40.0


def test_rows_that_differ_in_any_column_are_not_duplicates():
    tx = pd.DataFrame(
        {
            "customer_id": ["A", "A"],
            "order_id": ["o1", "o1"],
            "date": ["2024-01-01", "2024-01-01"],
            "amount": [5.0, 5.0],
            "product": ["socks", "gloves"],
        }
    )
    r = rfm(tx)
    assert r.attrs["cleaning"]["duplicates"] == 0
    assert r.loc["A", "monetary"] == 10.0


def test_line_items_count_as_one_order_and_days_without_order_ids():
    tx = hand_log()
    # A: lines of o1 share a day; o2 another day; without order ids A bought on 2 days
    by_day = rfm(tx.drop(columns="order_id"), asof=ASOF)
    assert by_day.loc["A", "frequency"] == 2
    extra = pd.DataFrame(
        [("o11", "C", "2024-03-20", 7.0, "hats")], columns=tx.columns
    )  # a second order on C's last day
    more = pd.concat([tx, extra], ignore_index=True)
    assert rfm(more, asof=ASOF).loc["C", "frequency"] == 4
    assert rfm(more, asof=ASOF, order=None).loc["C", "frequency"] == 3


def test_line_without_order_id_counts_as_one_order_per_day():
    tx = pd.DataFrame(
        {
            "customer_id": ["A", "A", "A"],
            "order_id": ["o1", None, None],
            "date": ["2024-01-01", "2024-01-02", "2024-01-02"],
            "amount": [5.0, 6.0, 7.0],
        }
    )
    assert rfm(tx).loc["A", "frequency"] == 2


def test_rfm_does_not_depend_on_row_order():
    tx = hand_log()
    shuffled = tx.sample(frac=1.0, random_state=3).reset_index(drop=True)
    pd.testing.assert_frame_equal(rfm(tx, asof=ASOF), rfm(shuffled, asof=ASOF))
    pd.testing.assert_frame_equal(
        rfm(tx, asof=ASOF, ties="first"), rfm(shuffled, asof=ASOF, ties="first")
    )


def test_rfm_reads_text_dates_and_amounts():
    tx = hand_log().astype({"amount": str})
    assert rfm(tx, asof=ASOF)["monetary"].tolist() == [70.0, 100.0, 15.0, 40.0]


# -------------------------------------------------------------------------------- bad input
def test_missing_column_names_it_with_a_hint():
    tx = hand_log().rename(columns={"amount": "amount_gbp"})
    with pytest.raises(DataError) as err:
        rfm(tx)
    p = err.value.problem
    assert p.rule == "missing_column" and p.column == "amount" and p.table == "transactions"
    assert "amount_gbp" in p.hint


def test_bad_dates_and_amounts_reported_together_with_rows():
    tx = hand_log().astype({"amount": object})
    tx.loc[2, "date"] = "not a date"
    tx.loc[5, "amount"] = "£5"
    tx.loc[6, "amount"] = None
    with pytest.raises(DataError) as err:
        rfm(tx)
    text = str(err.value)
    assert "bad_date" in text and "bad_amount" in text
    assert "row 2: 'not a date'" in text
    assert "row 5: '£5'" in text and "row 6: <empty>" in text
    report = err.value.report
    assert [(p.column, p.n_rows) for p in report.problems] == [("date", 1), ("amount", 2)]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"bins": 1}, "bins"), ({"ties": "average"}, "ties"), ({"asof": "2024-01-01T00:00Z"}, "zone")],
)
def test_invalid_options_raise(kwargs, message):
    with pytest.raises(ValueError, match=message):
        rfm(hand_log(), **kwargs)


# -------------------------------------------------------------------------------- scores, grid
def test_score_values_on_a_cut_get_the_lower_score():
    # cuts of 1..10 at q = .2 .4 .6 .8: 2.8, 4.6, 6.4, 8.2
    assert score(np.arange(1, 11)).tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert score([1, 1, 1, 1, 1]).tolist() == [1, 1, 1, 1, 1]  # all tied: every cut is 1
    assert score([1, 1, 1, 1, 1], higher_is_better=False).tolist() == [1, 1, 1, 1, 1]


def test_grid_names_every_cell_with_a_known_segment():
    assert RFM_GRID.shape == (5, 5)
    assert set(RFM_GRID.to_numpy().ravel()) == set(RFM_SEGMENTS)
    r, f = np.meshgrid(np.arange(1, 6), np.arange(1, 6), indexing="ij")
    names = rfm_segment(r.ravel(), f.ravel()).reshape(5, 5)
    assert names[4, 4] == "champions" and names[0, 0] == "lost"
    assert names[0, 4] == "can't lose them" and names[4, 0] == "new"
    assert names[2, 2] == "need attention" and names[3, 3] == "loyal"
    with pytest.raises(ValueError, match="1 to 5"):
        rfm_segment([6], [1])


def test_other_bins_are_put_on_the_five_point_grid():
    r = rfm(hand_log(), asof=ASOF, bins=3)
    assert r["r_score"].between(1, 3).all()
    # bins=3: scores 1, 2, 3 map to grid 1, 3, 5
    grid = {1: 1, 2: 3, 3: 5}
    expected = rfm_segment(r["r_score"].map(grid).to_numpy(), r["f_score"].map(grid).to_numpy())
    assert r["segment"].astype(str).tolist() == expected.tolist()


logs = st.lists(
    st.tuples(
        st.sampled_from(["A", "B", "C", "D", "E", "F", "G", None]),
        st.integers(0, 60),
        st.floats(-50, 500, allow_nan=False).map(lambda x: round(x, 2)),
        st.integers(0, 12),
    ),
    min_size=1,
    max_size=60,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=logs, bins=st.integers(2, 7), ties=st.sampled_from(["shared", "first"]))
def test_property_scores_in_range_and_every_buyer_counted_once(rows, bins, ties):
    tx = pd.DataFrame(rows, columns=["customer_id", "day", "amount", "order_id"])
    tx["date"] = pd.Timestamp("2024-01-01") + pd.to_timedelta(tx["day"], unit="D")
    tx = tx.drop(columns="day")
    r = rfm(tx, bins=bins, ties=ties)
    buyers = set(tx.loc[tx["amount"] > 0, "customer_id"].dropna())
    assert set(r.index) == buyers
    for col in ("r_score", "f_score", "m_score"):
        assert r[col].between(1, bins).all()
    assert r["segment"].value_counts().sum() == len(r)
    assert r["segment"].notna().all()
    assert (r["recency"] >= 1).all() and (r["frequency"] >= 1).all()
    if ties == "first" and len(r):
        counts = np.bincount(r["f_score"], minlength=bins + 1)[1:]
        assert counts.max() - counts.min() <= 1  # equal-sized groups


# -------------------------------------------------------------------------------- features
def test_customer_features_known_values():
    f = customer_features(hand_log().assign(quantity=[1, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]))
    a = f.loc["A"]
    # A: gross 80 over 2 orders and 3 lines of 4 units; 10 refunded
    assert a["avg_order_value"] == 40.0
    assert a["lines_per_order"] == 1.5
    assert a["units_per_line"] == pytest.approx(4 / 3)
    assert a["price_per_unit"] == 20.0
    assert a["refund_share"] == pytest.approx(10 / 80)
    assert a["category:tops"] == pytest.approx(2 / 3)
    assert a["category:shoes"] == pytest.approx(1 / 3)
    # default asof 6 April: first purchase 1 Feb -> 65 days -> window 91 days
    assert a["tenure_days"] == 65
    assert a["orders_per_year"] == pytest.approx(2 * 365.25 / 91)


def test_customer_features_skip_absent_optional_columns():
    f = customer_features(hand_log().drop(columns=["category", "order_id"]))
    assert "units_per_line" not in f.columns
    assert not any(":" in c for c in f.columns)


# -------------------------------------------------------------------------------- strategies
def test_value_tiers_known_answer_and_pareto_share():
    tx = pd.DataFrame(
        {
            "customer_id": list("ABCDEFGHIJ"),
            "date": ["2024-01-01"] * 10,
            "amount": [500.0, 300, 60, 40, 30, 25, 20, 10, 10, 5],
        }
    )
    v = value_segments(tx)
    seg = v.segments["segment"].astype(str)
    assert seg[["A", "B"]].eq("top").all()
    assert seg[["C", "D", "E"]].eq("middle").all()
    assert seg[list("FGHIJ")].eq("low").all()
    assert v.profile.attrs["pareto"] == pytest.approx(0.8)
    assert v.profile["revenue_share"].sum() == pytest.approx(1.0)


def test_value_tie_at_boundary_broken_by_customer_id():
    tx = pd.DataFrame(
        {"customer_id": ["B", "A", "C", "D", "E"], "date": ["2024-01-01"] * 5, "amount": 10.0}
    )
    seg = value_segments(tx, tiers=(0.2,), labels=("top", "rest")).segments["segment"]
    assert seg.astype(str).to_dict() == {
        "A": "top",
        "B": "rest",
        "C": "rest",
        "D": "rest",
        "E": "rest",
    }


def test_value_segments_include_customers_who_never_bought():
    b = load_demo("consulting")
    v = value_segments(b.transactions, customers=b.customers)
    assert len(v.segments) == len(b.customers)
    assert v.counts().sum() == len(b.customers)
    buyers = b.transactions.loc[b.transactions["amount"] > 0, "customer_id"].nunique()
    assert v.counts()["no purchase"] == len(b.customers) - buyers
    assert v.profile.attrs["pareto"] > 0.4  # top fifth of a consultancy's clients


def test_needs_segments_find_planted_priorities():
    rng = np.random.default_rng(4)
    n = 80
    hi, lo = rng.integers(4, 6, n), rng.integers(1, 3, n)
    r = pd.DataFrame(
        {
            "customer_id": [f"C{i:03d}" for i in range(n)],
            "speed": np.where(np.arange(n) < 50, hi, lo),
            "price": np.where(np.arange(n) < 50, lo, hi),
            "quality": rng.integers(2, 5, n),
        }
    )
    anon = r.iloc[:3].assign(customer_id=None)
    seg = needs_segments(pd.concat([r, anon]), items=["speed", "price", "quality"], k=2)
    labels = seg.segments.loc[r["customer_id"], "segment"].to_numpy()
    assert len(set(labels[:50])) == 1 and len(set(labels[50:])) == 1
    assert labels[0].startswith("rates speed high") and labels[-1].startswith("rates price high")
    assert seg.profile["n"].tolist() == [50, 30]
    assert "3 anonymous" in seg.notes[0]


def test_needs_segments_centre_groups_by_priority_not_mood():
    # speed-first and price-first customers, each half happy (+3 on every item), half not
    speed_first = [(5, 4), (2, 1)] * 10
    price_first = [(4, 5), (1, 2)] * 10
    r = pd.DataFrame(speed_first + price_first, columns=["speed", "price"])
    r["customer_id"] = [f"C{i:02d}" for i in range(40)]
    ids = r["customer_id"]
    centred = needs_segments(r, items=["speed", "price"], k=2).segments["segment"]
    assert centred[ids[:20]].nunique() == 1 and centred[ids[20:]].nunique() == 1
    assert centred[ids[0]] != centred[ids[20]]
    raw = needs_segments(r, items=["speed", "price"], k=2, centre=False).segments["segment"]
    assert raw[ids[0]] != raw[ids[1]]  # without centring, mood splits them


def test_psychographic_groups_pool_small_ones():
    c = pd.DataFrame(
        {
            "customer_id": [f"C{i}" for i in range(10)],
            "diet": ["vegan"] * 4 + ["none"] * 5 + [None],
            "size": [1, 1, 3, 3, 1, 1, 1, 1, 1, 1],
        }
    )
    seg = psychographic_segments(c, columns=["diet"], min_size=2)
    assert seg.profile["n"].to_dict() == {"none": 5, "vegan": 4, "other": 1}
    two = psychographic_segments(c, columns=["diet", "size"], min_size=2)
    assert two.segments.loc["C0", "segment"] == "vegan · 1"
    assert two.counts().sum() == 10


def test_psychographic_diet_reflects_planted_health_conscious_segment():
    b = load_demo("restaurant")
    truth = planted_truth("restaurant").customers["segment"]
    seg = psychographic_segments(b.customers, columns=["dietary_preference"])
    vegan = seg.segments.index[seg.segments["segment"] == "vegan"]
    # planted: 30 % of health-conscious diners are vegan against 2–4 % of the others
    assert (truth.reindex(vegan) == "health_conscious").mean() > 0.7


def test_results_save_to_parquet_with_their_attrs(tmp_path):
    r = rfm(hand_log(), asof=ASOF)
    r.to_parquet(tmp_path / "rfm.parquet")
    back = pd.read_parquet(tmp_path / "rfm.parquet")
    assert back.attrs["cleaning"]["duplicates"] == 1
    customer_features(hand_log()).to_parquet(tmp_path / "features.parquet")


def test_rows_without_a_date_are_left_out_and_counted():
    # A blank date (or a placeholder the contract turned into a missing one) cannot be placed
    # in time; RFM is then the same as on the log without that row, and the count says so.
    tx = hand_log()
    undated = tx.index[tx["customer_id"].notna()][0]
    tx.loc[undated, "date"] = pd.NaT
    without = hand_log().drop(index=undated)
    got, expected = rfm(tx, asof=ASOF), rfm(without, asof=ASOF)
    assert got.equals(expected)
    assert got.attrs["cleaning"]["missing_date"] == 1
    assert expected.attrs["cleaning"]["missing_date"] == 0
    assert any("without a date" in note for note in got.attrs["notes"])
