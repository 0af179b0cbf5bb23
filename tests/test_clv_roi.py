"""cxlab.clv's ROI metrics and findings: hand-worked tables, missing data said, planted costs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cxlab import clv, plots
from cxlab.contract import Bundle
from cxlab.contract.config import BundleConfig
from cxlab.datasets import DEMOS, load_demo, planted_truth

HOSTILE = "<img src=x onerror=alert(1)>"


def small_bundle(**tables) -> Bundle:
    return Bundle(Path("shop"), BundleConfig(), **tables)


def test_cost_by_year_by_hand():
    # 2024: acquisition 100 for 2 sign-ups -> CAC 50; retention 30 over 3 customer-months
    # (A in Jan and Feb, B in Jan; A's two January orders are one customer-month) -> CRC 10.
    costs = pd.DataFrame(
        {
            "period": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-01-01"]),
            "channel": ["search", "search", "email"],
            "kind": ["acquisition", "acquisition", "retention"],
            "amount": [60.0, 40.0, 30.0],
        }
    )
    customers = pd.DataFrame(
        {"customer_id": ["A", "B"], "signup_date": pd.to_datetime(["2024-01-03", "2024-01-20"])}
    )
    tx = pd.DataFrame(
        {
            "customer_id": ["A", "A", "A", "B", "B"],
            "date": pd.to_datetime(
                ["2024-01-05", "2024-01-09", "2024-02-02", "2024-01-21", "2024-01-25"]
            ),
            "amount": [10.0, 5.0, 8.0, 7.0, -7.0],
        }
    )
    years = clv.cost_by_year(small_bundle(costs=costs, customers=customers, transactions=tx))
    row = years.loc[2024]
    assert (row["acquisition"], row["retention"], row["service"]) == (100.0, 30.0, 0.0)
    assert row["cac"] == 50.0 and row["active_months"] == 3 and row["crc"] == 10.0


def test_cohort_value_waits_until_a_whole_cohort_is_old_enough():
    tx = pd.DataFrame(
        {
            "customer_id": ["a", "a", "b", "c"],
            "date": pd.to_datetime(["2024-01-05", "2024-01-20", "2024-03-01", "2024-06-30"]),
            "amount": [10.0, 20.0, 6.0, 1.0],
        }
    )
    out = clv.cohort_value(tx, months=(1, 3))
    # 2024Q1: a (first 5 Jan) spends 30 in its first month, b 6 -> mean 18; at 3 months b
    # (first 1 Mar) has been watched 121 days >= 91.3, a too -> (30 + 6) / 2 = 18 as well.
    assert out.loc["2024Q1", "value_1m"] == 18.0 and out.loc["2024Q1", "value_3m"] == 18.0
    assert np.isnan(out.loc["2024Q2", "value_1m"])  # c joined on the last day


def test_nps_groups_take_the_latest_answer():
    r = pd.DataFrame(
        {
            "customer_id": ["a", "a", "b", "c", None],
            "nps": pd.array([10, 6, 7, 9, 10], dtype="Int64"),
            "date": pd.to_datetime(["2024-01-01", "2024-05-01", "2024-01-01", None, "2024-01-01"]),
        }
    )
    assert clv.nps_groups(r).to_dict() == {"a": "detractor", "b": "passive", "c": "promoter"}


def test_roi_metrics_say_why_costs_metrics_are_missing():
    bundle = load_demo("consulting")
    bundle.costs = None
    table = clv.roi_metrics(bundle)
    for metric in ("CAC", "CRC", "payback (months)"):
        assert np.isnan(table.loc[metric, "value"])
        assert "no costs table" in table.loc[metric, "note"]
    assert "no predictive" in table.loc["customer equity", "note"]


def test_roi_metrics_on_undated_transactions():
    tx = pd.DataFrame(
        {"customer_id": ["a", "b"], "date": pd.to_datetime([None, None]), "amount": [1.0, 2.0]}
    )
    table = clv.roi_metrics(small_bundle(transactions=tx))
    assert table.loc["retention rate", "note"] == "the transactions have no dates"
    assert table["note"].str.len().min() > 0


@pytest.mark.parametrize("name", DEMOS)
def test_planted_costs_recovered_crc_falls_and_cac_matches(name):
    bundle = load_demo(name)
    years = clv.cost_by_year(bundle)
    first, second = planted_truth(name).costs.retention_per_active
    # Monthly lognormal noise (sd 0.10 of the log) averages over a year to an sd of about
    # 0.10 / sqrt(12) = 0.029; the plant holds the yearly CRC within three of those.
    tolerance = 3 * 0.10 / 12**0.5
    assert years.loc[2024, "crc"] == pytest.approx(first, rel=tolerance)
    assert years.loc[2025, "crc"] == pytest.approx(second, rel=tolerance)
    finding = clv.spend_finding(years, currency=bundle.config.currency)
    assert finding.supported and finding.facts["crc_change"] < -0.1


def test_spend_finding_without_costs_is_unsupported_and_says_how():
    f = clv.spend_finding(None, currency="GBP")
    assert not f.supported and "costs.csv" in f.text


@pytest.mark.parametrize("name", ["clothing_retailer", "restaurant"])
def test_promoters_are_worth_more_on_demos_where_satisfaction_drives_churn(name):
    # The demos plant churn that falls with satisfaction, so promoters stay and buy longer.
    bundle = load_demo(name)
    model = clv.prepare(bundle)
    table = clv.clv_by_group(model.values, clv.nps_groups(bundle.responses))
    finding = clv.nps_value_finding(table, currency=bundle.config.currency)
    assert finding.text.startswith("Promoters are worth more here")
    assert table.loc["promoter", "low"] > table.loc["detractor", "high"]


def test_prepare_on_one_time_buyers_says_so():
    n = 40
    tx = pd.DataFrame(
        {
            "customer_id": [f"c{i}" for i in range(n)],
            "date": pd.date_range("2024-01-01", periods=n, freq="D"),
            "amount": 10.0,
        }
    )
    model = clv.prepare(small_bundle(transactions=tx))
    assert not model.ok and "single day" in model.reason
    assert model.diagnostics() is None
    assert "skipped" in clv.skipped_finding("Lifetime value", model.reason).text


def test_client_text_in_findings_is_escaped():
    values = pd.Series([10.0, 20.0])
    f = clv.equity_finding(values, currency=HOSTILE, horizon_months=12, discount_rate=0.1)
    assert "<img" not in f.to_markdown() and HOSTILE in f.text
    table = pd.DataFrame(
        {"n": [40, 40], "mean_clv": [30.0, 10.0], "low": [25.0, 8.0], "high": [35.0, 12.0],
         "small": [False, False]},
        index=["promoter", "detractor"],
    )  # fmt: skip
    assert "<img" not in clv.nps_value_finding(table, currency=HOSTILE).to_markdown()


def test_value_by_group_plot_title_states_the_top_group():
    table = pd.DataFrame(
        {"n": [40, 40], "mean_clv": [30.0, 10.0], "low": [25.0, 8.0], "high": [35.0, 12.0]},
        index=["promoter", "detractor"],
    )
    ax = plots.value_by_group(table, currency="EUR")
    assert ax.get_title(loc="left").startswith("promoter customers are worth most: EUR 30")
    plots.close(ax.figure)


def test_holdout_check_by_hand():
    # No dropout (b huge). A customer with no repeat purchase in T = 5 weeks has the gamma
    # posterior rate r / (alpha + T) = 50 / 55 a week, so 100 / 55 purchases in 2 weeks; the
    # holdout table compares that with the 1 they made.
    bg = clv.BetaGeo()
    bg.params_ = pd.Series({"r": 50.0, "alpha": 50.0, "a": 1.5, "b": 1e4})
    s = pd.DataFrame(
        {"frequency": [0], "recency": [0.0], "T": [5.0], "frequency_holdout": [1]}
    ).assign(duration_holdout=2.0)
    check = clv.holdout_check(s, bg)
    assert check.loc[0, "predicted"] == pytest.approx(100 / 55, rel=1e-3)
    assert check.attrs["error"] == pytest.approx(100 / 55 - 1, rel=1e-3)
