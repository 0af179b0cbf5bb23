"""Tests for cxlab.overview: the summaries behind the welcome tour."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cxlab import overview
from cxlab.contract.bundle import Bundle
from cxlab.contract.config import BundleConfig, Scale


def _tx(rows):
    frame = pd.DataFrame(rows, columns=["customer_id", "date", "amount", "order_id"])
    frame["date"] = pd.to_datetime(frame["date"])
    frame["amount"] = frame["amount"].astype("float64")
    return frame


# --------------------------------------------------------------------------------------------
# key_figures


def test_key_figures_counts_tables_and_nets_refunds():
    tx = _tx(
        [
            ("a", "2024-01-02", 100.0, "o1"),
            ("a", "2024-01-02", 20.0, "o1"),
            ("b", "2024-02-15", 50.0, "o2"),
            ("b", "2024-03-01", -30.0, "o2"),
        ]
    )
    customers = pd.DataFrame({"customer_id": ["a", "b", "c"]})
    bundle = Bundle(Path("shop"), BundleConfig(client="Shop", currency="GBP"), customers, tx)
    kf = overview.key_figures(bundle)
    assert kf["client"] == "Shop"
    assert kf["currency"] == "GBP"
    assert kf["customers"] == 3
    assert kf["transactions"] == 4
    assert kf["orders"] == 2
    assert kf["net_revenue"] == pytest.approx(140.0)
    assert kf["first_date"] == pd.Timestamp("2024-01-02")
    assert kf["last_date"] == pd.Timestamp("2024-03-01")


def test_key_figures_marks_absent_tables_missing():
    kf = overview.key_figures(Bundle(Path("empty"), BundleConfig()))
    assert kf["customers"] is pd.NA
    assert kf["net_revenue"] is pd.NA
    assert pd.isna(kf["first_date"])


def test_headline_reports_figures_and_period():
    tx = _tx([("a", "2024-01-02", 1200.0, "o1"), ("b", "2024-03-01", -200.0, "o2")])
    customers = pd.DataFrame({"customer_id": ["a", "b"]})
    bundle = Bundle(Path("shop"), BundleConfig(client="Shop"), customers, tx)
    assert overview.headline(bundle).to_markdown() == (
        "**Shop**: **2** customers; **1** order worth **1,000 EUR** net of refunds; "
        "no responses table; no events table, dated 2 Jan 2024 to 1 Mar 2024."
    )


def test_headline_uses_the_display_name_given():
    bundle = Bundle(Path("shop"), BundleConfig(client="Shop"))
    assert overview.headline(bundle, name="Threadline").to_markdown().startswith("**Threadline**: ")


def test_headline_names_missing_tables_instead_of_zero():
    text = overview.headline(Bundle(Path("empty"), BundleConfig())).text
    assert "no customers table" in text
    assert "dated" not in text


# --------------------------------------------------------------------------------------------
# table_profile


def test_table_profile_counts_missing_and_distinct():
    df = pd.DataFrame(
        {
            "id": ["a", "b", "c", "d"],
            "score": pd.array([1, None, 3, 3], dtype="Int64"),
            "note": pd.array([None, None, None, "x"], dtype="str"),
        }
    )
    profile = overview.table_profile(df)
    assert list(profile.index) == ["id", "score", "note"]
    assert profile.loc["score", "missing"] == 1
    assert profile.loc["note", "missing_share"] == pytest.approx(0.75)
    assert profile.loc["score", "distinct"] == 2
    assert profile.loc["id", "filled"] == 4
    assert profile.loc["score", "dtype"] == "Int64"


def test_table_profile_of_empty_table_has_zero_missing_share():
    profile = overview.table_profile(pd.DataFrame({"a": pd.Series([], dtype="float64")}))
    assert profile.loc["a", "missing_share"] == 0.0


# --------------------------------------------------------------------------------------------
# attribute_counts


def test_attribute_counts_skips_id_dates_and_high_cardinality_columns():
    customers = pd.DataFrame(
        {
            "customer_id": [f"c{i}" for i in range(20)],
            "email": [f"p{i}@example.org" for i in range(20)],
            "signup_date": pd.date_range("2024-01-01", periods=20),
            "region": ["north"] * 12 + ["south"] * 8,
            "consent": [True, False] * 10,
        }
    )
    counts = overview.attribute_counts(customers)
    assert list(dict.fromkeys(counts["attribute"])) == ["region", "consent"]


def test_attribute_counts_orders_levels_and_puts_missing_last():
    customers = pd.DataFrame(
        {"customer_id": list("abcdef"), "plan": ["basic", None, "pro", "pro", "pro", "basic"]}
    )
    counts = overview.attribute_counts(customers)
    assert counts["level"].tolist() == ["pro", "basic", overview.MISSING]
    assert counts["n"].tolist() == [3, 2, 1]
    assert counts["share"].tolist() == pytest.approx([0.5, 2 / 6, 1 / 6])


def test_attribute_counts_honours_explicit_columns():
    customers = pd.DataFrame({"customer_id": list("ab"), "x": ["1", "2"], "y": ["u", "u"]})
    counts = overview.attribute_counts(customers, columns=["y"])
    assert set(counts["attribute"]) == {"y"}


def test_attribute_counts_without_attributes_is_empty_but_typed():
    counts = overview.attribute_counts(pd.DataFrame({"customer_id": ["a"]}))
    assert counts.empty
    assert list(counts.columns) == ["attribute", "level", "n", "share"]


@settings(deadline=None)
@given(st.lists(st.sampled_from(["x", "y", "z", None]), min_size=1, max_size=60))
def test_attribute_shares_add_up_to_one(values):
    customers = pd.DataFrame(
        {"customer_id": [str(i) for i in range(len(values))], "seg": pd.array(values, dtype="str")}
    )
    counts = overview.attribute_counts(customers)
    assert counts["n"].sum() == len(values)
    assert counts["share"].sum() == pytest.approx(1.0)


# --------------------------------------------------------------------------------------------
# monthly_revenue


def test_monthly_revenue_splits_sales_and_refunds_and_fills_empty_months():
    tx = _tx(
        [
            ("a", "2024-01-05", 100.0, "o1"),
            ("b", "2024-01-20", -40.0, "o0"),
            ("b", "2024-03-02", 60.0, "o2"),
            ("c", "2024-03-09", 15.0, "o3"),
        ]
    )
    monthly = overview.monthly_revenue(tx)
    assert list(monthly.index) == list(pd.date_range("2024-01-01", periods=3, freq="MS"))
    assert monthly["sales"].tolist() == [100.0, 0.0, 75.0]
    assert monthly["refunds"].tolist() == [40.0, 0.0, 0.0]
    assert monthly["revenue"].tolist() == [60.0, 0.0, 75.0]
    assert monthly["orders"].tolist() == [1, 0, 2]
    assert monthly["customers"].tolist() == [2, 0, 2]


def test_monthly_revenue_counts_order_lines_once():
    tx = _tx([("a", "2024-05-01", 10.0, "o1"), ("a", "2024-05-01", 12.0, "o1")])
    assert overview.monthly_revenue(tx)["orders"].tolist() == [1]


def test_monthly_revenue_without_order_ids_counts_positive_rows():
    tx = _tx([("a", "2024-05-01", 10.0, None), ("a", "2024-05-03", 12.0, None)])
    assert overview.monthly_revenue(tx.drop(columns="order_id"))["orders"].tolist() == [2]


def test_monthly_revenue_ignores_rows_without_date():
    tx = _tx([("a", "2024-05-01", 10.0, "o1"), ("a", None, 99.0, "o2")])
    assert overview.monthly_revenue(tx)["revenue"].sum() == pytest.approx(10.0)


def test_monthly_revenue_of_no_transactions_is_empty():
    monthly = overview.monthly_revenue(_tx([]))
    assert monthly.empty
    assert list(monthly.columns) == ["revenue", "sales", "refunds", "orders", "customers"]


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.dates(min_value=dt.date(2023, 1, 1), max_value=dt.date(2025, 12, 31)),
            st.floats(min_value=-500, max_value=500, allow_nan=False).map(lambda v: round(v, 2)),
        ),
        min_size=1,
        max_size=40,
    )
)
def test_monthly_revenue_total_equals_sum_of_amounts(rows):
    tx = _tx([("a", d.isoformat(), amount, f"o{i}") for i, (d, amount) in enumerate(rows)])
    monthly = overview.monthly_revenue(tx)
    assert monthly["revenue"].sum() == pytest.approx(sum(a for _, a in rows), abs=1e-6)
    assert (monthly["sales"] >= 0).all()
    assert (monthly["refunds"] >= 0).all()


# --------------------------------------------------------------------------------------------
# seasonal_index


def _planted(months: int, factors: dict[int, float], growth: float) -> pd.DataFrame:
    index = pd.date_range("2022-01-01", periods=months, freq="MS")
    base = 1000.0 * (1 + growth) ** np.arange(months)
    values = [b * factors.get(m.month, 1.0) for b, m in zip(base, index, strict=True)]
    return pd.DataFrame({"revenue": values}, index=index)


def test_seasonal_index_recovers_planted_peak_despite_growth():
    factors = {11: 1.3, 12: 1.8, 1: 0.7, 2: 0.8}
    mean_factor = (sum(factors.values()) + 8) / 12
    seasonal = overview.seasonal_index(_planted(36, factors, growth=0.02))
    assert seasonal["method"].unique().tolist() == ["moving_average"]
    assert int(seasonal["index"].idxmax()) == 12
    assert seasonal.loc[12, "index"] == pytest.approx(1.8 / mean_factor, rel=0.03)
    assert seasonal.loc[1, "index"] == pytest.approx(0.7 / mean_factor, rel=0.03)


def test_seasonal_index_averages_to_one():
    seasonal = overview.seasonal_index(_planted(30, {6: 1.5}, growth=0.0))
    assert seasonal["index"].mean() == pytest.approx(1.0)
    assert list(seasonal.index) == list(range(1, 13))


def test_seasonal_index_falls_back_to_mean_with_short_history():
    seasonal = overview.seasonal_index(_planted(14, {3: 2.0}, growth=0.0))
    assert seasonal["method"].iloc[0] == "mean"
    assert int(seasonal["index"].idxmax()) == 3
    assert seasonal.loc[1, "years"] == 2


def test_seasonal_index_moving_average_needs_two_years():
    with pytest.raises(ValueError, match="24 months"):
        overview.seasonal_index(_planted(20, {}, 0.0), method="moving_average")


def test_seasonal_index_rejects_unknown_method():
    with pytest.raises(ValueError, match="method"):
        overview.seasonal_index(_planted(20, {}, 0.0), method="fourier")


# --------------------------------------------------------------------------------------------
# responses_per_month


def _responses():
    return pd.DataFrame(
        {
            "date": pd.to_datetime(
                ["2024-01-03", "2024-01-09", "2024-01-10", "2024-03-01", "2024-03-02", None]
            ),
            "touchpoint": pd.array(["web", "store", "web", None, "web", "web"], dtype="str"),
            "nps": pd.array([10, 9, 3, None, 7, 8], dtype="Int64"),
            "csat": pd.array([5, 4, None, 1, 9, 5], dtype="Int64"),
        }
    )


def test_responses_per_month_counts_by_touchpoint():
    counts = overview.responses_per_month(_responses())
    assert list(counts.columns) == ["web", "store", overview.MISSING]
    assert counts["web"].tolist() == [2, 0, 1]
    assert counts.to_numpy().sum() == 5  # the undated response is left out


def test_responses_per_month_without_split_has_one_column():
    counts = overview.responses_per_month(_responses(), by=None)
    assert list(counts.columns) == ["all"]
    assert counts["all"].tolist() == [3, 0, 2]


def test_answer_coverage_splits_by_touchpoint_presence():
    coverage = overview.answer_coverage(_responses())
    assert list(coverage.index) == ["with touchpoint", "without touchpoint"]
    assert coverage["responses"].tolist() == [5, 1]
    assert coverage.loc["with touchpoint", "nps"] == 1.0
    assert coverage.loc["with touchpoint", "csat"] == pytest.approx(4 / 5)
    assert coverage.loc["without touchpoint", "nps"] == 0.0
    assert coverage.loc["without touchpoint", "csat"] == 1.0
    assert "ces" not in coverage


def test_answer_coverage_without_the_split_column_puts_everything_in_without():
    coverage = overview.answer_coverage(_responses().drop(columns="touchpoint"))
    assert list(coverage.index) == ["without touchpoint"]
    assert coverage["responses"].tolist() == [6]


# --------------------------------------------------------------------------------------------
# score scales and distributions


def test_score_scales_follow_config():
    config = BundleConfig(csat_scale=Scale(1, 7, satisfied=6), ces_scale=Scale(1, 5))
    assert overview.score_scales(config) == {"nps": (0, 10), "csat": (1, 7), "ces": (1, 5)}


def test_score_distribution_lists_every_scale_point_with_its_n():
    dist = overview.score_distributions(_responses(), scales={"csat": (1, 5)})
    nps = dist[dist["metric"] == "nps"]
    assert nps["score"].tolist() == list(range(11))
    assert nps["total"].unique().tolist() == [5]
    assert nps.set_index("score")["n"].to_dict() == {
        0: 0, 1: 0, 2: 0, 3: 1, 4: 0, 5: 0, 6: 0, 7: 1, 8: 1, 9: 1, 10: 1
    }  # fmt: skip


def test_score_distribution_keeps_out_of_scale_answers_visible():
    dist = overview.score_distributions(_responses(), scales={"csat": (1, 5)})
    csat = dist[dist["metric"] == "csat"]
    assert csat["score"].tolist() == [1, 2, 3, 4, 5, 9]
    assert csat.loc[csat["score"] == 9, "n"].item() == 1


def test_score_distribution_skips_absent_metrics():
    dist = overview.score_distributions(_responses())
    assert set(dist["metric"]) == {"nps", "csat"}


def test_score_distribution_of_no_scores_is_empty():
    dist = overview.score_distributions(pd.DataFrame({"date": []}))
    assert dist.empty
    assert {"metric", "score", "n", "share", "total"} <= set(dist.columns)


@settings(deadline=None)
@given(st.lists(st.one_of(st.none(), st.integers(0, 10)), min_size=1, max_size=80))
def test_score_shares_add_up_to_one_and_counts_to_n(values):
    responses = pd.DataFrame({"nps": pd.array(values, dtype="Int64")})
    dist = overview.score_distributions(responses)
    answered = sum(v is not None for v in values)
    if answered == 0:
        assert dist.empty
    else:
        assert dist["n"].sum() == answered
        assert dist["share"].sum() == pytest.approx(1.0)


# --------------------------------------------------------------------------------------------
# stage_counts


def _events():
    rows = [
        ("a", "2024-01-01", "awareness"),
        ("a", "2024-01-02", "consideration"),
        ("a", "2024-01-03", "purchase"),
        ("a", "2024-01-09", "purchase"),
        ("b", "2024-01-01", "awareness"),
        ("b", "2024-01-05", "consideration"),
        ("c", "2024-01-02", "awareness"),
        ("d", "2024-01-03", "awareness"),
        ("d", "2024-01-04", "consideration"),
        ("d", "2024-01-05", "purchase"),
        ("d", "2024-01-06", None),
    ]
    frame = pd.DataFrame(rows, columns=["customer_id", "timestamp", "stage"])
    frame["timestamp"] = pd.to_datetime(frame["timestamp"])
    return frame


def test_stage_counts_infers_journey_order_from_timestamps():
    stages = overview.stage_counts(_events().sample(frac=1.0, random_state=3))
    assert list(stages.index) == ["awareness", "consideration", "purchase"]


def test_stage_counts_counts_customers_events_and_conversion():
    stages = overview.stage_counts(_events())
    assert stages["customers"].tolist() == [4, 3, 2]
    assert stages["events"].tolist() == [4, 3, 3]
    assert stages["share"].tolist() == pytest.approx([1.0, 0.75, 0.5])
    assert np.isnan(stages["step_conversion"].iloc[0])
    assert stages["step_conversion"].iloc[1:].tolist() == pytest.approx([0.75, 2 / 3])


def test_stage_counts_follows_explicit_order_and_appends_the_rest():
    stages = overview.stage_counts(_events(), order=["purchase", "awareness", "loyalty"])
    assert list(stages.index) == ["purchase", "awareness", "consideration"]
