"""Tests for cxlab.metrics planning and context: sample sizes, benchmarks, NPS groups."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
from scipy import stats

import cxlab.metrics
from cxlab.errors import BundleError, DataError
from cxlab.metrics import (
    BENCHMARK_COLUMNS,
    benchmark,
    breakdown,
    ces,
    csat,
    nps,
    nps_groups,
    read_benchmarks,
    sample_size,
)

Z_ALPHA = stats.norm.ppf(0.975)  # 1.959964
Z_POWER = stats.norm.ppf(0.8)  # 0.841621


# --------------------------------------------------------------------------------------------
# sample_size


def test_sample_size_nps_from_the_mix_by_hand():
    # NPS 30 with 30 % passives: p = 0.5, d = 0.2, V1 = 0.7 − 0.09 = 0.61; after +5 points:
    # p = 0.525, d = 0.175, V2 = 0.7 − 0.1225 = 0.5775. n = (z_a + z_b)² (V1 + V2) / Δ²
    n = (Z_ALPHA + Z_POWER) ** 2 * (0.61 + 0.5775) / 0.05**2  # 3728.2
    assert sample_size("nps", baseline=30, change=5, passives=0.3) == math.ceil(n) == 3729


def test_sample_size_nps_default_assumes_no_passives_the_largest_variance():
    n = (Z_ALPHA + Z_POWER) ** 2 * ((1 - 0.09) + (1 - 0.1225)) / 0.05**2
    assert sample_size("nps", baseline=30, change=5) == math.ceil(n)
    assert sample_size("nps", baseline=30, change=5) > sample_size(
        "nps", baseline=30, change=5, passives=0.5
    )


def test_sample_size_nps_takes_the_mix_from_a_result():
    last = nps([10] * 50 + [8] * 30 + [3] * 20)  # 50 % promoters, 30 % passives
    assert sample_size("nps", baseline=last, change=5) == sample_size(
        "nps", baseline=30, change=5, passives=0.3
    )


def test_sample_size_csat_uses_cohens_h_by_hand():
    h = 2 * math.asin(math.sqrt(0.85)) - 2 * math.asin(math.sqrt(0.80))  # 0.1319
    n = 2 * ((Z_ALPHA + Z_POWER) / h) ** 2  # 902.3 per group
    assert sample_size("csat", baseline=80, change=5) == math.ceil(n)


def test_sample_size_ces_is_close_to_the_normal_approximation():
    normal = 2 * ((Z_ALPHA + Z_POWER) / (0.3 / 1.5)) ** 2  # 392.4; the t test needs ~1 more
    n = sample_size("ces", baseline=5.0, change=0.3, sd=1.5)
    assert math.ceil(normal) <= n <= math.ceil(normal) + 2
    assert sample_size("ces", baseline=ces([5, 6, 4, 5, 6, 4]), change=0.3) > 0


def test_sample_size_falls_as_the_change_grows_and_power_drops():
    sizes = [sample_size("csat", baseline=70, change=c) for c in (2, 5, 10)]
    assert sizes == sorted(sizes, reverse=True)
    assert sample_size("csat", baseline=70, change=5, power=0.9) > sizes[1]
    assert sample_size("csat", baseline=70, change=-5) > 0


def test_sample_size_refuses_impossible_requests():
    with pytest.raises(ValueError, match="impossible"):
        sample_size("nps", baseline=60, change=5, passives=0.5)
    with pytest.raises(ValueError, match="non-zero"):
        sample_size("csat", baseline=70, change=0)
    with pytest.raises(ValueError, match="sd="):
        sample_size("ces", baseline=5, change=0.2)
    with pytest.raises(ValueError, match="strictly between 0 and 100"):
        sample_size("csat", baseline=98, change=5)


# --------------------------------------------------------------------------------------------
# Benchmarks: the user's table, checked


GOOD = (
    "metric,source,segment,value,low,high,n,year,scale\n"
    "nps,Own survey 2024,,31,24.5,37.2,412,2024,\n"
    "csat,Own survey 2024,checkout,84,,,120,2024,1-5\n"
    "CES,Head office target,,5.5,,,,2025,1-7\n"
)


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "benchmarks.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_read_benchmarks_parses_the_documented_format(tmp_path):
    table = read_benchmarks(_write(tmp_path, GOOD))
    assert list(table.columns) == list(BENCHMARK_COLUMNS)
    assert table["metric"].tolist() == ["nps", "csat", "ces"]
    assert table["value"].tolist() == [31.0, 84.0, 5.5]
    assert table["n"].tolist()[:2] == [412, 120] and pd.isna(table["n"].iloc[2])
    assert pd.isna(table["segment"].iloc[0]) and table["segment"].iloc[1] == "checkout"


def test_read_benchmarks_needs_the_required_columns(tmp_path):
    with pytest.raises(DataError) as info:
        read_benchmarks(_write(tmp_path, "metric,value\nnps,31\n"))
    p = info.value.problem
    assert (p.rule, p.file, p.column) == ("missing_column", "benchmarks.csv", "source")


@pytest.mark.parametrize(
    ("line", "rule", "column", "value"),
    [
        ("nsp,Own,,31,,,,,", "unknown_metric", "metric", "nsp"),
        ("nps,Own,,abc,,,,,", "not_a_number", "value", "abc"),
        ("nps,Own,,131,,,,,", "out_of_range", "value", "131"),
        ("csat,Own,,0.84,,,,,", "share_not_percent", "value", "0.84"),
        ("nps,Own,,31,35,40,,,", "interval_order", "value", "31"),
        ("nps,Own,,31,25,,,,", "half_interval", "low", "25"),
        ("nps,,,31,,,,,", "missing_value", "source", ""),
        ("nps,Own,,31,,,12.5,,", "not_a_count", "n", "12.5"),
        ("nps,Own,,31,,,,24,", "bad_year", "year", "24"),
        ("csat,Own,,80,,,,,five", "bad_scale", "scale", "five"),
        ("ces,Own,,9,,,,,1-7", "out_of_range", "value", "9"),
    ],
)
def test_read_benchmarks_names_file_column_and_spreadsheet_row(tmp_path, line, rule, column, value):
    text = "metric,source,segment,value,low,high,n,year,scale\nnps,Own,,31,,,,,\n" + line + "\n"
    with pytest.raises(DataError) as info:
        read_benchmarks(_write(tmp_path, text))
    p = info.value.problem
    assert (p.rule, p.column, p.file) == (rule, column, "benchmarks.csv")
    assert p.rows == ((3, value),)  # header is row 1, the good row is row 2
    assert p.hint


def test_read_benchmarks_reports_every_problem_at_once(tmp_path):
    text = "metric,source,value\nnsp,Own,31\nnps,,31\nnps,Own,abc\n"
    with pytest.raises(BundleError) as info:
        read_benchmarks(_write(tmp_path, text))
    assert isinstance(info.value, DataError)
    rules = {p.rule for p in info.value.report.errors}
    assert rules == {"unknown_metric", "missing_value", "not_a_number"}


def test_read_benchmarks_missing_file():
    with pytest.raises(FileNotFoundError):
        read_benchmarks("no/such/benchmarks.csv")


def test_cxlab_ships_no_benchmark_figures():
    package = Path(cxlab.metrics.__file__).parent
    assert {p.suffix for p in package.iterdir() if p.is_file()} == {".py"}  # code, no data


# --------------------------------------------------------------------------------------------
# benchmark(): lining scores up with the table


def _table(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows).astype(str).replace("nan", "")


def test_benchmark_reads_the_comparison_from_the_intervals():
    r = csat([5] * 45 + [4] * 40 + [2] * 15)  # 85 %, Wilson about [76.7, 90.7]
    table = _table(
        [
            {"metric": "csat", "source": "low bar", "value": 70},
            {"metric": "csat", "source": "close", "value": 80, "low": 75, "high": 85},
            {"metric": "csat", "source": "high bar", "value": 95, "low": 93, "high": 97},
            {"metric": "nps", "source": "other metric", "value": 40},
        ]
    )
    b = benchmark(r, table)
    assert b["source"].tolist() == ["low bar", "close", "high bar"]
    assert b["comparison"].tolist() == ["above", "overlapping", "below"]
    assert b["difference"].tolist() == pytest.approx([15.0, 5.0, -10.0])


def test_benchmark_flags_figures_on_another_scale():
    r = csat([5, 4, 2, 5] * 10)
    table = _table([{"metric": "csat", "source": "1-7 survey", "value": 60, "scale": "1-7"}])
    b = benchmark(r, table)
    assert not b["comparable"].iloc[0]
    assert b["comparison"].iloc[0] == "not comparable"


def test_benchmark_matches_breakdown_groups_by_segment(tmp_path):
    responses = pd.DataFrame(
        {"touchpoint": ["checkout"] * 40 + ["delivery"] * 40, "csat": [2, 3] * 20 + [5, 4] * 20}
    )
    table = read_benchmarks(_write(tmp_path, GOOD))
    b = benchmark(breakdown(responses, by="touchpoint", metric="csat"), table)
    assert b["segment"].tolist() == ["checkout"]
    assert b["comparison"].tolist() == ["below"]
    assert b["comparable"].tolist() == [True]


def test_benchmark_accepts_a_path_and_validates_a_raw_table(tmp_path):
    r = nps([10] * 30 + [0] * 10)
    assert benchmark(r, _write(tmp_path, GOOD))["benchmark"].tolist() == [31.0]
    with pytest.raises(DataError, match="metric other than nps"):
        benchmark(r, pd.DataFrame({"metric": ["nsp"], "source": ["x"], "value": [1]}))


# --------------------------------------------------------------------------------------------
# nps_groups


RESPONSES = pd.DataFrame(
    {
        "customer_id": ["a", "b", "c", "d", "e", "a", None, "f"],
        "nps": pd.array([10, 9, 8, 7, 6, 0, 10, None], dtype="Int64"),
        "channel": ["web", "web", "app", "app", "web", "app", "web", "web"],
        "comment": ["Love it", "", "Fine", None, "Slow", "Broken twice", "Great", "n/a"],
    }
)
CUSTOMERS = pd.DataFrame(
    {
        "customer_id": ["a", "b", "c", "d", "e", "f"],
        "plan": ["pro", "pro", "free", "free", "free", "pro"],
        "channel": ["ads", "ads", "search", "ads", "search", "ads"],
        "email": ["a@x", "b@x", "c@x", "d@x", "e@x", "f@x"],
    }
)


def test_nps_groups_names_a_missing_score_column():
    with pytest.raises(DataError) as info:
        nps_groups(RESPONSES.rename(columns={"nps": "recommend"}))
    problem = info.value.problem
    assert (problem.table, problem.column) == ("responses", "nps")
    assert "score='<column>'" in problem.hint and "recommend" in problem.hint


def test_nps_groups_names_a_missing_key_or_attribute_column():
    with pytest.raises(DataError) as info:
        nps_groups(RESPONSES, customers=CUSTOMERS.rename(columns={"customer_id": "id"}))
    assert (info.value.problem.table, info.value.problem.column) == ("customers", "customer_id")
    assert "customer='<column>'" in info.value.problem.hint
    with pytest.raises(DataError) as info:
        nps_groups(RESPONSES, customers=CUSTOMERS, attributes=["plann"])
    problem = info.value.problem
    assert (problem.table, problem.column) == ("customers", "plann")
    assert "plan" in problem.hint


def test_nps_groups_labels_at_the_boundaries_and_counts():
    g = nps_groups(RESPONSES)
    assert g.responses["nps_group"].tolist() == [
        "promoter",
        "promoter",
        "passive",
        "passive",
        "detractor",
        "detractor",
        "promoter",
    ]
    assert g.counts["n"].to_dict() == {"detractor": 2, "passive": 2, "promoter": 3}
    assert g.counts["share"].sum() == pytest.approx(1.0)
    assert g.profile is None


def test_nps_groups_profile_shares_by_hand():
    g = nps_groups(RESPONSES, customers=CUSTOMERS, attributes=["plan"])
    # promoters: a (pro), b (pro), anonymous → pro 2/3, (missing) 1/3
    # detractors: e (free), a (pro) → 1/2 each
    plan = g.profile.loc["plan"]
    assert plan.loc["pro", "promoter"] == pytest.approx(2 / 3)
    assert plan.loc["(missing)", "promoter"] == pytest.approx(1 / 3)
    assert plan.loc["pro", "detractor"] == pytest.approx(1 / 2)
    assert plan.loc["pro", "gap"] == pytest.approx(2 / 3 - 1 / 2)
    assert plan[["detractor", "passive", "promoter"]].sum().tolist() == pytest.approx([1, 1, 1])


def test_nps_groups_default_attributes_skip_ids_and_many_valued_columns():
    g = nps_groups(RESPONSES, customers=CUSTOMERS, max_levels=3)
    attrs = g.profile.index.get_level_values("attribute").unique().tolist()
    assert attrs == ["plan", "channel_customer"]  # email has 6 levels; channel collides


def test_nps_groups_keeps_response_and_customer_columns_apart():
    g = nps_groups(RESPONSES, customers=CUSTOMERS, attributes=["channel"])
    assert g.responses["channel"].tolist()[:2] == ["web", "web"]
    assert g.responses["channel_customer"].tolist()[:2] == ["ads", "ads"]


def test_nps_groups_comments_are_seeded_non_empty_and_from_the_group():
    g = nps_groups(RESPONSES)
    promoters = g.comments("promoters", n=5, seed=1)
    assert set(promoters) == {"Love it", "Great"}  # "" does not count
    detractors = g.comments("detractor", n=1, seed=2)
    assert len(detractors) == 1 and detractors.iloc[0] in {"Slow", "Broken twice"}
    assert g.comments("detractor", n=1, seed=2).equals(detractors)
    picks = {g.comments("detractor", n=1, seed=s).iloc[0] for s in range(10)}
    assert picks == {"Slow", "Broken twice"}
    with pytest.raises(ValueError, match="group must be one of"):
        g.comments("fans")


def test_nps_groups_reject_bad_scores():
    bad = RESPONSES.assign(nps=[10, 9, 8, 7, 6, 0, 10, 11])
    with pytest.raises(DataError, match="outside the NPS scale"):
        nps_groups(bad)
