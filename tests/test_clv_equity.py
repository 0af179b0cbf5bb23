"""Customer equity over time: refitted on the past only at each date; its interval and growth."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cxlab import clv, plots
from cxlab.clv._equity import _log_covariance
from cxlab.clv._models import bgnbd_loglik
from cxlab.contract import Bundle
from cxlab.contract.config import BundleConfig
from cxlab.datasets import DEMOS, load_demo
from cxlab.errors import DataError
from cxlab.runner._report import card_lines

HOSTILE = "<img src=x onerror=alert(1)>"


def small_bundle(**tables) -> Bundle:
    return Bundle(Path("shop"), BundleConfig(), **tables)


def simulated_log(customers: int = 300, seed: int = 7) -> pd.DataFrame:
    """Customers arriving through 2024 and 2025, each buying at their own rate and price."""
    rng = np.random.default_rng(seed)
    start, end = pd.Timestamp("2024-01-01"), pd.Timestamp("2025-12-31")
    rows = []
    for i in range(customers):
        first = start + pd.Timedelta(days=int(rng.integers(0, 600)))
        days = (end - first).days
        rate = rng.gamma(2.0, 1 / 40)  # purchases a day while active
        life = rng.exponential(300)
        price = rng.gamma(4.0, 10.0)
        n = rng.poisson(rate * min(days, life))
        later = sorted(
            first + pd.Timedelta(days=int(d)) for d in rng.uniform(0, min(days, life), n)
        )
        when = [first, *later]
        for w in when:
            rows.append((f"c{i:03d}", w, round(price * rng.uniform(0.7, 1.3), 2)))
    log = pd.DataFrame(rows, columns=["customer_id", "date", "amount"])
    return log.sort_values("date", kind="stable").reset_index(drop=True)


@pytest.fixture(scope="module")
def log() -> pd.DataFrame:
    return simulated_log()


@pytest.fixture(scope="module")
def trend(log) -> pd.DataFrame:
    return clv.equity_over_time(log)


def test_dates_are_quarter_ends_then_the_last_purchase_date(log, trend):
    last = log["date"].max()
    quarter_ends = pd.date_range("2024-01-01", last, freq="QE")
    expected = quarter_ends.append(pd.DatetimeIndex([last])).unique()
    assert list(trend.index) == list(expected)
    assert trend.index.name == "date"


def test_customers_and_revenue_to_date_count_by_hand(log, trend):
    for when in trend.index:
        upto = log[log["date"] <= when]
        assert trend.loc[when, "customers"] == upto["customer_id"].nunique()
        assert trend.loc[when, "revenue_to_date"] == pytest.approx(upto["amount"].sum())
        days = upto.drop_duplicates(["customer_id", "date"])
        repeat = int((days.groupby("customer_id").size() > 1).sum())
        assert trend.loc[when, "repeat_buyers"] == repeat


def test_each_point_is_the_equity_of_a_fit_on_that_cut_only(log, trend):
    when = trend.index[4]
    cut = log[log["date"] <= when]
    summary = clv.rfm_summary(cut, observation_end=when)
    bgf, ggf = clv.fit_models(summary)
    expected = clv.customer_equity(clv.clv(summary, bgf, ggf))
    assert trend.loc[when, "equity"] == pytest.approx(expected, rel=1e-9)
    assert trend.loc[when, "equity_per_customer"] == pytest.approx(expected / len(summary))


def test_the_last_point_is_customer_value_on_the_whole_log(log, trend):
    equity = clv.customer_value(small_bundle(transactions=log)).sum()
    assert trend["equity"].iloc[-1] == pytest.approx(equity, rel=1e-9)


def test_leakage_altering_purchases_after_a_date_leaves_that_date_unchanged(log, trend):
    cut = trend.index[3]
    later = log["date"] > cut
    altered = log.copy()
    altered.loc[later, "amount"] *= 3  # later purchases worth three times as much
    extra = pd.DataFrame(
        {
            "customer_id": ["c000", "c001", "new1", "new2"],
            "date": [cut + pd.Timedelta(days=1)] * 3 + [log["date"].max()],
            "amount": [50.0, 60.0, 70.0, 80.0],
        }
    )
    altered = pd.concat([altered, extra], ignore_index=True)
    again = clv.equity_over_time(altered)
    pd.testing.assert_frame_equal(again.loc[:cut], trend.loc[:cut])
    assert not np.allclose(again.loc[cut:, "equity"].iloc[1:], trend.loc[cut:, "equity"].iloc[1:])


def test_interval_matches_the_delta_method_computed_with_the_public_clv(log, trend):
    when = trend.index[-1]
    summary = clv.rfm_summary(log, observation_end=when)
    bgf, ggf = clv.fit_models(summary)
    assert not bgf.diagnostics_.at_bound and not ggf.diagnostics_.at_bound
    (x, t_x, T) = (summary[c].to_numpy(dtype="float64") for c in ("frequency", "recency", "T"))
    rep = (summary["frequency"] > 0) & (summary["monetary"] > 0)
    gx, gm = summary.loc[rep, "frequency"].to_numpy(), summary.loc[rep, "monetary"].to_numpy()
    bg_cov = _log_covariance(
        lambda p: -bgnbd_loglik(p, x, t_x, T).sum(), bgf.params_.to_numpy(), np.ones(4, bool)
    )
    gg_cov = _log_covariance(
        lambda p: -clv._models.gamma_gamma_loglik(p, gx, gm).sum(),
        ggf.params_.to_numpy(),
        np.ones(3, bool),
    )
    # the log-scale covariance agrees with the models' own (natural-scale) standard errors
    assert np.sqrt(np.diag(bg_cov)) * bgf.params_.to_numpy() == pytest.approx(
        bgf.standard_errors_.to_numpy(), rel=0.02
    )
    assert np.sqrt(np.diag(gg_cov)) * ggf.params_.to_numpy() == pytest.approx(
        ggf.standard_errors_.to_numpy(), rel=0.02
    )

    def log_equity(model, j, step):
        moved = model.params_.copy()
        moved.iloc[j] *= np.exp(step)
        other = type(model)()
        other.params_ = moved
        pair = (other, ggf) if model is bgf else (bgf, other)
        return np.log(clv.clv(summary, *pair).sum())

    h = 1e-5
    variance = 0.0
    for model, cov in ((bgf, bg_cov), (ggf, gg_cov)):
        grad = np.array(
            [
                (log_equity(model, j, h) - log_equity(model, j, -h)) / (2 * h)
                for j in range(len(model.params_))
            ]
        )
        variance += grad @ cov @ grad
    half_width = 1.959964 * np.sqrt(variance)
    row = trend.loc[when]
    assert np.log(row["high"] / row["equity"]) == pytest.approx(half_width, rel=0.01)
    assert np.log(row["equity"] / row["low"]) == pytest.approx(half_width, rel=0.01)


def test_twice_the_customers_narrows_the_log_interval_by_root_two(log):
    twin = log.assign(customer_id=log["customer_id"] + "-twin")
    one = clv.equity_over_time(log, freq="Y")
    two = clv.equity_over_time(pd.concat([log, twin], ignore_index=True), freq="Y")
    assert two["equity"].iloc[-1] == pytest.approx(2 * one["equity"].iloc[-1], rel=1e-4)
    width_one = np.log(one["high"] / one["low"]).iloc[-1]
    width_two = np.log(two["high"] / two["low"]).iloc[-1]
    assert width_two == pytest.approx(width_one / np.sqrt(2), rel=0.02)


def test_growth_columns_by_hand(trend):
    ok = trend[trend["growth"].notna()]
    base = ok.index[0]
    assert ok.loc[base, "growth"] == 0
    assert np.isfinite(trend.loc[base, "low"])  # the base is the first date with an interval
    assert trend.loc[:base, "low"].iloc[:-1].isna().all()
    last = ok.iloc[-1]
    assert last["growth"] == pytest.approx(last["equity"] / ok.loc[base, "equity"] - 1)
    # independent fits: the log growth's standard error is the root sum of the two squared ones
    z = 1.959964
    sd = np.hypot(
        np.log(ok.loc[base, "high"] / ok.loc[base, "equity"]) / z,
        np.log(last["high"] / last["equity"]) / z,
    )
    assert np.log1p(last["growth_high"]) - np.log1p(last["growth"]) == pytest.approx(z * sd)
    valued = trend["equity"].dropna()
    assert trend.loc[valued.index[1], "change"] == pytest.approx(
        valued.iloc[1] / valued.iloc[0] - 1
    )


def _few_repeat_buyers_log() -> pd.DataFrame:
    """60 customers first buy in January 2024; 3 come back in February, 40 after March."""
    rng = np.random.default_rng(3)
    jan = pd.Timestamp("2024-01-01")
    rows = [(f"c{i}", jan + pd.Timedelta(days=i % 28), 20.0 + i) for i in range(60)]
    rows += [(f"c{i}", pd.Timestamp("2024-02-15"), 25.0 + i) for i in range(3)]
    for i in range(40):
        for _ in range(1 + i % 3):
            day = pd.Timestamp("2024-04-01") + pd.Timedelta(days=int(rng.integers(0, 270)))
            rows.append((f"c{i}", day, float(rng.gamma(4, 8))))
    rows.append(("c59", pd.Timestamp("2024-12-31"), 30.0))
    return pd.DataFrame(rows, columns=["customer_id", "date", "amount"])


def test_a_date_with_too_few_repeat_buyers_keeps_its_row_with_the_reason():
    trend = clv.equity_over_time(_few_repeat_buyers_log())
    first = trend.loc["2024-03-31"]
    assert np.isnan(first["equity"]) and first["customers"] == 60 and first["repeat_buyers"] == 3
    assert first["reason"] == (
        "only 3 of 60 customers had bought more than once; the models need at least 10 "
        "repeat buyers"
    )
    assert trend["equity"].iloc[1:].notna().all() and (trend["reason"].iloc[1:] == "").all()
    growth = clv.equity_growth(trend)
    text = clv.equity_growth_finding(growth, currency="EUR").text
    assert "At 1 date the models could not be fitted (only 3 of 60 customers" in text


def test_min_repeat_buyers_raises_the_bar():
    trend = clv.equity_over_time(_few_repeat_buyers_log(), min_repeat_buyers=1000)
    assert trend["equity"].isna().all()
    assert trend["reason"].str.contains("at least 1000 repeat buyers").all()
    growth = clv.equity_growth(trend)
    assert not growth.ok and growth.reason.startswith("no date has enough purchases")
    finding = clv.equity_growth_finding(growth, currency="EUR")
    assert not finding.supported and "cannot be measured" in finding.text


def test_too_few_customers_at_every_date_is_said():
    tx = pd.DataFrame(
        {
            "customer_id": ["a", "a", "b", "b"],
            "date": pd.to_datetime(["2024-01-05", "2024-05-01", "2024-02-01", "2024-07-01"]),
            "amount": [10.0, 12.0, 8.0, 9.0],
        }
    )
    trend = clv.equity_over_time(tx)
    assert trend["equity"].isna().all()
    assert trend["reason"].str.contains("need at least 30").all()


def test_only_one_supported_date_says_there_is_nothing_to_compare():
    trend = clv.equity_over_time(_few_repeat_buyers_log(), freq="Y")
    assert trend["equity"].notna().sum() == 1
    growth = clv.equity_growth(trend)
    assert not growth.ok and "only one date (2024-12-31)" in growth.reason


def test_no_dates_and_no_transactions_are_said_plainly():
    undated = pd.DataFrame(
        {"customer_id": ["a", "b"], "date": pd.to_datetime([None, None]), "amount": [1.0, 2.0]}
    )
    bundle = small_bundle(transactions=undated)
    with pytest.raises(DataError, match="no dates"):
        clv.equity_over_time(bundle)
    trend, why = clv.equity_trend(bundle)
    assert trend is None and "no dates" in why
    finding = clv.equity_growth_finding(clv.equity_growth(trend, reason=why), currency="EUR")
    assert not finding.supported and "have no dates" in finding.text
    trend, why = clv.equity_trend(small_bundle())
    assert trend is None and why == "the bundle has no transactions table"


def test_unreadable_amounts_name_the_rows():
    tx = pd.DataFrame(
        {"customer_id": ["a", "b"], "date": ["2024-01-01", "2024-01-02"], "amount": ["1", "x"]}
    )
    with pytest.raises(DataError, match="not numbers"):
        clv.equity_over_time(tx)


def test_bad_arguments_are_refused(log):
    with pytest.raises(ValueError, match="freq"):
        clv.equity_over_time(log, freq="W")
    with pytest.raises(ValueError, match="discount_rate"):
        clv.equity_over_time(log, discount_rate=1.5)


def test_headline_card_and_roi_row_agree_with_the_growth(log, trend):
    growth = clv.equity_growth(trend)
    model = clv.prepare(small_bundle(transactions=log))
    numbers, notes = clv.chapter_headlines(model, None, None, growth=growth)
    card = numbers["customer_equity_growth"]
    assert card["share"] == round(growth.growth, 4) and card["n"] == trend["customers"].iloc[-1]
    assert card["from"] == f"{growth.first:%Y-%m-%d}" and "customer_equity_growth" not in notes
    line = card_lines({"customer_equity_growth": card})[0]
    assert line.startswith(f"Customer equity growth ({card['from']} to {card['to']}): ")
    roi = clv.roi_metrics(small_bundle(transactions=log), values=model.values, growth=growth)
    assert roi.loc["customer equity growth", "value"] == growth.growth
    computed = clv.roi_metrics(small_bundle(transactions=log), values=model.values)
    assert computed.loc["customer equity growth", "value"] == pytest.approx(growth.growth)


def test_headline_is_null_with_the_reason_when_growth_is_unmeasured():
    growth = clv.equity_growth(None, reason="the transactions have no dates")
    numbers, notes = clv.chapter_headlines(
        clv.ValueModel(reason="no dates"), None, None, None, growth
    )
    assert numbers["customer_equity_growth"] is None
    assert notes["customer_equity_growth"] == "the transactions have no dates"


def test_roi_row_without_dates_says_why():
    undated = pd.DataFrame(
        {"customer_id": ["a", "b"], "date": pd.to_datetime([None, None]), "amount": [1.0, 2.0]}
    )
    roi = clv.roi_metrics(small_bundle(transactions=undated))
    assert np.isnan(roi.loc["customer equity growth", "value"])
    assert "no dates" in roi.loc["customer equity growth", "note"]


def test_finding_escapes_client_text(trend):
    growth = clv.equity_growth(trend)
    f = clv.equity_growth_finding(growth, currency=HOSTILE)
    assert "<img" not in f.to_markdown() and HOSTILE in f.text
    assert f.supported and "%" in f.text


def test_equity_chart_marks_dates_without_a_fit():
    trend = clv.equity_over_time(_few_repeat_buyers_log())
    fig = plots.equity_chart(trend, currency="EUR")
    top, bottom = fig.axes
    crosses = [line for line in top.get_lines() if line.get_marker() == "x"]
    assert len(crosses) == 1 and len(crosses[0].get_xdata()) == 1
    assert bottom.get_xticklabels()[0].get_text() == "Mar 2024"
    assert "EUR" in top.get_ylabel() and fig.get_suptitle().startswith("Customer equity")
    plots.close(fig)


def test_equity_chart_without_any_fit_says_so():
    trend = clv.equity_over_time(_few_repeat_buyers_log(), min_repeat_buyers=1000)
    fig = plots.equity_chart(trend)
    assert fig.get_suptitle().startswith("Too few dates with a fitted model")
    plots.close(fig)


@pytest.mark.slow
@pytest.mark.parametrize("name", DEMOS)
def test_demo_equity_ends_at_customer_value_and_every_date_is_valued(name):
    bundle = load_demo(name)
    trend = clv.equity_over_time(bundle)
    assert trend["equity"].notna().all()
    assert trend["equity"].iloc[-1] == pytest.approx(clv.customer_value(bundle).sum(), rel=1e-9)
    valued = trend.dropna(subset=["low"])
    assert ((valued["low"] < valued["equity"]) & (valued["equity"] < valued["high"])).all()
    assert clv.equity_growth(trend).ok


def test_finding_counts_dates_without_an_interval_and_flags_no_change():
    growth = clv.EquityGrowth(
        growth=0.1, low=-0.05, high=0.3, first=pd.Timestamp("2024-06-30"),
        last=pd.Timestamp("2025-06-30"), equity_first=100.0, equity_last=110.0,
        customers_first=50, customers_last=55, points=5, dates=6, rises=3, earlier=1,
        undetermined=2, freq="Q",
    )  # fmt: skip
    text = clv.equity_growth_finding(growth, currency="EUR").text
    assert "+10% (95% interval -5% to +30%)" in text
    assert "The interval includes no change" in text
    assert "At 2 of these quarter ends the fit is too poorly determined" in text
    assert "The earlier quarter end rests" in text and "could not be fitted" not in text
    rough = clv.equity_growth_finding(
        clv.EquityGrowth(**{**growth.__dict__, "low": np.nan, "high": np.nan}), currency="EUR"
    ).text
    assert "too poorly determined for an interval, so read it as a rough guide" in rough
    assert "At 2 of these" not in rough
