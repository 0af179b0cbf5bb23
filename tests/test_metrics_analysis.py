"""Tests for cxlab.metrics comparisons, targets, breakdowns, trends and planted truth."""

from __future__ import annotations

import functools
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from cxlab.datasets import DEMOS, load_demo, planted_truth
from cxlab.errors import DataError
from cxlab.metrics import against_target, breakdown, compare, csat, nps, trend

Z95 = 1.959963984540054


def nps_answers(promoters: int, passives: int, detractors: int) -> list[int]:
    return [10] * promoters + [8] * passives + [3] * detractors


# --------------------------------------------------------------------------------------------
# compare


def test_compare_nps_matches_the_adjusted_wald_difference_by_hand():
    # a: 15 promoters, 10 passives, 5 detractors; b: 8, 7, 10
    pa, da, na = (15 + 0.75) / 33, (5 + 0.75) / 33, 33
    pb, db, nb = (8 + 0.75) / 28, (10 + 0.75) / 28, 28
    var_a = (pa + da - (pa - da) ** 2) / na
    var_b = (pb + db - (pb - db) ** 2) / nb
    diff = (pa - da) - (pb - db)  # 0.374459
    se = math.sqrt(var_a + var_b)  # 0.204085
    c = compare(nps_answers(15, 10, 5), nps_answers(8, 7, 10), metric="nps")
    assert c.difference == pytest.approx(100 * (10 / 30 - (-2 / 25)))
    assert c.low == pytest.approx(100 * (diff - Z95 * se))
    assert c.high == pytest.approx(100 * (diff + Z95 * se))
    assert c.p_value == pytest.approx(2 * stats.norm.sf(diff / se))
    assert (round(c.low, 2), round(c.high, 2), round(c.p_value, 4)) == (-2.55, 77.45, 0.0665)
    assert (c.n_a, c.n_b) == (30, 25)
    assert not c.significant


def test_compare_csat_reproduces_newcombes_worked_example():
    # Newcombe (1998), Table II: 56/70 − 48/80, method 10 (hybrid score): 0.0524 to 0.3339
    a = [1] * 56 + [0] * 14
    b = [1] * 48 + [0] * 32
    c = compare(a, b, metric="csat", scale=(0, 1), threshold=1)
    assert c.difference == pytest.approx(20.0)
    assert c.low == pytest.approx(5.24, abs=0.01)
    assert c.high == pytest.approx(33.39, abs=0.01)
    assert "Newcombe" in c.method


def test_compare_ces_is_welchs_t_by_hand():
    a = [7, 6, 6, 5, 7, 6]  # mean 37/6, sum of squared deviations 17/6 → var 17/30
    b = [4, 5, 3, 6, 2, 4, 5, 3]  # mean 4, sum of squared deviations 12 → var 12/7
    va, vb = (17 / 30) / 6, (12 / 7) / 8
    se = math.sqrt(va + vb)
    df = (va + vb) ** 2 / (va**2 / 5 + vb**2 / 7)
    diff = 37 / 6 - 4
    c = compare(a, b, metric="ces")
    assert c.difference == pytest.approx(diff)
    half = stats.t.ppf(0.975, df) * se
    assert (c.low, c.high) == pytest.approx((diff - half, diff + half))
    assert c.p_value == pytest.approx(2 * stats.t.sf(diff / se, df))
    assert "Welch" in c.method


def test_compare_accepts_score_results_and_infers_the_metric():
    a, b = [5, 4, 4, 2, 5, 5, 1] * 5, [3, 2, 4, 2, 1] * 6
    from_results = compare(csat(a), csat(b))
    from_answers = compare(a, b, metric="csat")
    assert from_results.metric == "csat"
    assert from_results.to_dict() == from_answers.to_dict()


def test_compare_refuses_mixed_metrics():
    with pytest.raises(ValueError, match="different metrics"):
        compare(nps([10, 9]), csat([5, 4]))


def test_compare_warns_about_small_groups():
    c = compare([10] * 12, [0] * 40)
    assert "group a: only 12 responses" in c.warning
    assert "group b" not in c.warning


def test_compare_csat_with_everyone_satisfied_in_both_groups_has_p_1():
    c = compare([5] * 20, [4] * 30, metric="csat")
    assert c.difference == 0.0
    assert c.p_value == 1.0


@settings(max_examples=100, deadline=None)
@given(
    st.tuples(st.integers(0, 40), st.integers(0, 40), st.integers(0, 40)).filter(
        lambda t: sum(t) > 0
    ),
    st.tuples(st.integers(0, 40), st.integers(0, 40), st.integers(0, 40)).filter(
        lambda t: sum(t) > 0
    ),
)
def test_property_nps_difference_test_and_interval_agree(a, b):
    c = compare(nps_answers(*a), nps_answers(*b))
    excludes_zero = c.low > 0 or c.high < 0
    assert excludes_zero == (c.p_value < 0.05) or abs(c.p_value - 0.05) < 1e-9


# --------------------------------------------------------------------------------------------
# against_target


def test_against_target_csat_is_the_one_proportion_score_test_by_hand():
    answers = [5] * 45 + [4] * 40 + [2] * 15  # 85 of 100 satisfied
    z = (0.85 - 0.75) / math.sqrt(0.75 * 0.25 / 100)  # 2.3094
    t = against_target(answers, metric="csat", target=75)
    assert t.difference == pytest.approx(10.0)
    assert t.p_above == pytest.approx(stats.norm.sf(z))
    assert t.p_value == pytest.approx(2 * stats.norm.sf(z))
    assert t.verdict == "above target"


def test_against_target_verdict_agrees_with_the_wilson_interval():
    answers = [5] * 24 + [2] * 6  # 80 %, Wilson [62.7, 90.5]
    r = csat(answers)
    for target in [50, 60, 62, 63, 70, 80, 90, 91, 95]:
        t = against_target(answers, metric="csat", target=target)
        inside = r.low <= target <= r.high
        assert (t.verdict == "not distinguishable from target") == inside, target


def test_against_target_nps_below_target():
    t = against_target(nps_answers(10, 20, 30), target=20)
    assert t.value == pytest.approx(-100 / 3)
    assert t.verdict == "below target"
    assert t.p_below < 0.05 < t.p_above


def test_against_target_ces_one_sample_t_by_hand():
    answers = [6, 7, 5, 2, 6, 7, 3, 6]  # mean 5.25, sd sqrt(23.5 / 7)
    se = math.sqrt(23.5 / 7) / math.sqrt(8)
    t = against_target(answers, metric="ces", target=4)
    assert t.p_above == pytest.approx(stats.t.sf((5.25 - 4) / se, 7))
    assert t.verdict == "not distinguishable from target"


def test_against_target_accepts_a_result_and_a_census_is_exact():
    r = nps(nps_answers(15, 10, 5), population=30)
    t = against_target(r, target=33)
    assert t.verdict == "above target"
    assert t.p_value == 0.0
    assert "finite-population corrected" in t.method


def test_against_target_rejects_impossible_targets():
    with pytest.raises(ValueError, match="strictly between 0 and 100"):
        against_target([5, 4], metric="csat", target=100)
    with pytest.raises(ValueError, match="-100 to 100"):
        against_target([10, 9], metric="nps", target=140)
    with pytest.raises(ValueError, match="scale 1–7"):
        against_target([5, 4], metric="ces", target=9)


# --------------------------------------------------------------------------------------------
# breakdown


def _groups_frame(spec: dict[str, list[int]], score: str = "csat") -> pd.DataFrame:
    rows = [(g, v) for g, values in spec.items() for v in values]
    return pd.DataFrame(rows, columns=["touchpoint", score])


def test_breakdown_masks_small_groups_but_lists_them():
    df = _groups_frame({"web": [5] * 10, "store": [1] * 10, "phone": [5, 5, 5], "chat": [4] * 5})
    b = breakdown(df, by="touchpoint", metric="csat", min_n=5)
    assert b.loc["phone", "masked"] and b.loc["phone", "n"] == 3
    assert b.loc["phone", ["value", "low", "high", "p_value", "p_adjusted"]].isna().all()
    assert not b.loc["phone", "differs"]
    assert not b.loc["chat", "masked"]  # exactly min_n is scored
    assert b.loc["chat", "value"] == 100.0
    assert b.index.tolist() == ["chat", "phone", "store", "web"]


def test_breakdown_compares_each_group_with_all_the_other_answers():
    df = _groups_frame({"a": [5] * 10, "b": [1] * 10, "c": [5, 5, 5]})
    b = breakdown(df, by="touchpoint", metric="csat", min_n=5)
    # rest of "a" = b and the masked c: 3 satisfied of 13
    assert b.loc["a", "difference"] == pytest.approx(100 - 100 * 3 / 13)
    assert b.loc["b", "difference"] == pytest.approx(0 - 100 * 13 / 13)


def _holm(p: list[float]) -> list[float]:
    m = len(p)
    order = sorted(range(m), key=lambda i: p[i])
    adjusted, running = [0.0] * m, 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[i]))
        adjusted[i] = running
    return adjusted


def _bh(p: list[float]) -> list[float]:
    m = len(p)
    order = sorted(range(m), key=lambda i: p[i], reverse=True)
    adjusted, running = [0.0] * m, 1.0
    for k, i in enumerate(order):
        rank = m - k
        running = min(running, p[i] * m / rank)
        adjusted[i] = running
    return adjusted


@pytest.mark.parametrize(("correction", "reference"), [("holm", _holm), ("fdr_bh", _bh)])
def test_breakdown_adjusts_p_values_for_many_groups(correction, reference):
    rng = np.random.default_rng(7)
    spec = {f"g{i}": rng.integers(1, 6, size=40).tolist() for i in range(5)}
    spec["g5"] = [1, 2, 2, 3, 4] * 8
    b = breakdown(_groups_frame(spec), by="touchpoint", metric="csat", correction=correction)
    raw = b["p_value"].tolist()
    assert b["p_adjusted"].tolist() == pytest.approx(reference(raw))
    assert (b["differs"] == (b["p_adjusted"] < 0.05)).all()


def test_breakdown_drops_rows_without_group_or_answer():
    df = pd.DataFrame(
        {
            "touchpoint": ["web", None, "web", "web", "web", "web"],
            "nps": pd.array([10, 10, None, 9, 0, 7], dtype="Int64"),
        }
    )
    b = breakdown(df, by="touchpoint", min_n=1)
    assert b.loc["web", "n"] == 4
    assert math.isnan(b.loc["web", "difference"])  # there is no rest to compare with


def test_breakdown_reports_every_bad_row_of_the_column_at_once():
    df = _groups_frame({"web": [5, 9], "store": [4, 0]})
    with pytest.raises(DataError) as info:
        breakdown(df, by="touchpoint", metric="csat")
    assert info.value.problem.rows == ((1, 9), (3, 0))


def test_breakdown_checks_its_options():
    df = _groups_frame({"web": [5, 4]})
    with pytest.raises(ValueError, match="correction"):
        breakdown(df, by="touchpoint", metric="csat", correction="bonferroni")
    with pytest.raises(ValueError, match="do not apply to nps"):
        breakdown(df.rename(columns={"csat": "nps"}), by="touchpoint", threshold=4)


def test_breakdown_names_a_missing_group_column_and_how_to_pass_another():
    df = _groups_frame({"web": [5, 4]})
    with pytest.raises(DataError) as info:
        breakdown(df, by="region", metric="csat")
    problem = info.value.problem
    assert (problem.table, problem.column, problem.rule) == (
        "responses",
        "region",
        "missing_column",
    )
    assert "by='<column>'" in problem.hint
    assert "touchpoint" in problem.hint  # the columns it has


def test_breakdown_and_trend_report_every_missing_column_at_once():
    df = pd.DataFrame({"when": ["2024-01-01"], "score": [5]})
    with pytest.raises(DataError) as info:
        breakdown(df, by="touchpoint", metric="csat")
    text = str(info.value)
    assert "'csat'" in text and "'touchpoint'" in text
    with pytest.raises(DataError) as info:
        trend(df, metric="csat", score="score")
    assert info.value.problem.column == "date"
    assert "date='<column>'" in info.value.problem.hint


# --------------------------------------------------------------------------------------------
# Planted truth: the pain point is the worst CSAT touchpoint on every demo


@functools.cache
def _demo(name: str):
    return load_demo(name)


@functools.cache
def _truth(name: str):
    return planted_truth(name)


@pytest.mark.parametrize("name", DEMOS)
def test_breakdown_recovers_the_planted_pain_point_as_worst_csat(name):
    bundle = _demo(name)
    truth = _truth(name)
    scale = bundle.config.csat_scale  # restaurant: 1–10, satisfied from 8
    b = breakdown(bundle.responses, by="touchpoint", metric="csat", scale=scale)
    assert b["value"].idxmin() == truth.pain_point
    assert b.loc[truth.pain_point, "differs"]
    assert b.loc[truth.pain_point, "difference"] < 0


def test_restaurant_csat_is_read_on_its_declared_1_to_10_scale():
    scale = _demo("restaurant").config.csat_scale
    assert (scale.min, scale.max, scale.satisfied) == (1, 10, 8)
    with pytest.raises(DataError, match="outside the CSAT scale 1–5"):
        csat(_demo("restaurant").responses["csat"])


@pytest.mark.parametrize("name", DEMOS)
def test_breakdown_finds_the_pain_point_hardest_on_ces(name):
    bundle = _demo(name)
    b = breakdown(bundle.responses, by="touchpoint", metric="ces", scale=bundle.config.ces_scale)
    assert b["value"].idxmin() == _truth(name).pain_point  # higher is easier
    assert b.loc[_truth(name).pain_point, "differs"]


# --------------------------------------------------------------------------------------------
# trend


def _dated(spec: dict[str, list[int]], score: str) -> pd.DataFrame:
    rows = [(pd.Timestamp(d), v) for d, values in spec.items() for v in values]
    return pd.DataFrame(rows, columns=["date", score])


def test_trend_csat_p_chart_limits_by_hand():
    df = _dated(
        {
            "2024-01-10": [5] * 50,
            "2024-02-10": [4] * 40 + [1] * 10,
            "2024-03-10": [5] * 10 + [1] * 40,
        },
        "csat",
    )
    t = trend(df, metric="csat")
    p = 100 / 150  # pooled share satisfied
    half = 3 * math.sqrt(p * (1 - p)) / math.sqrt(50)
    assert t["centre"].tolist() == pytest.approx([100 * p] * 3)
    assert t["lcl"].tolist() == pytest.approx([100 * (p - half)] * 3)
    assert t["ucl"].tolist() == pytest.approx([100 * (p + half)] * 3)
    assert t["outside"].tolist() == [True, False, True]
    assert t.index.astype(str).tolist() == ["2024-01", "2024-02", "2024-03"]


def test_trend_limits_widen_for_periods_with_fewer_answers():
    df = _dated({"2024-01-05": [10, 9, 0, 7] * 25, "2024-02-05": [10, 9, 0, 7]}, "nps")
    t = trend(df, metric="nps")
    # pooled: 52 promoters, 26 detractors of 104 → NPS 25, σ = sqrt(0.75 - 0.0625)
    sigma = math.sqrt(0.75 - 0.25**2)
    assert t["centre"].iloc[0] == pytest.approx(25.0)
    assert t["ucl"].iloc[0] == pytest.approx(100 * (0.25 + 3 * sigma / 10))
    assert t["ucl"].iloc[1] == pytest.approx(100.0)  # 0.25 + 3σ/2 > 1, clipped
    assert t["lcl"].iloc[1] == pytest.approx(100 * (0.25 - 3 * sigma / 2))


def test_trend_ces_xbar_chart_uses_the_pooled_within_period_sd():
    df = _dated({"2024-01-02": [4, 6, 5, 5], "2024-02-02": [2, 4, 3]}, "ces")
    # period sds: var 2/3 (n 4) and 1 (n 3); pooled var = (3 * 2/3 + 2 * 1) / 5 = 0.8.
    # Montgomery's A3(n) = 3 / (c4(n) sqrt(n)), c4(n) = sqrt(2 / (n - 1)) Γ(n/2) / Γ((n - 1)/2)
    c4_4 = math.sqrt(2 / 3) * math.gamma(2) / math.gamma(1.5)  # 0.9213
    c4_3 = math.sqrt(2 / 2) * math.gamma(1.5) / math.gamma(1)  # 0.8862
    t = trend(df, metric="ces")
    centre = (20 + 9) / 7
    assert t["centre"].iloc[0] == pytest.approx(centre)
    assert t["ucl"].iloc[0] == pytest.approx(centre + 3 / (c4_4 * 2) * math.sqrt(0.8))
    assert t["lcl"].iloc[1] == pytest.approx(centre - 3 / (c4_3 * math.sqrt(3)) * math.sqrt(0.8))


def test_trend_keeps_empty_periods_as_gaps():
    df = _dated({"2024-01-15": [5, 4], "2024-03-15": [2, 5]}, "csat")
    t = trend(df, metric="csat")
    assert t["n"].tolist() == [2, 0, 2]
    assert t.loc[pd.Period("2024-02", "M"), ["value", "centre", "lcl"]].isna().all()
    assert not t["outside"].iloc[1]


def test_trend_by_quarter_on_a_demo_counts_every_answer():
    bundle = _demo("saas")
    t = trend(bundle.responses, metric="csat", freq="Q", scale=bundle.config.csat_scale)
    assert int(t["n"].sum()) == int(bundle.responses["csat"].notna().sum())
    assert len(t) == 8  # two years
    assert (t["low"] <= t["value"]).all() and (t["value"] <= t["high"]).all()
