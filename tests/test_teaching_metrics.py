"""Tests for chapter 01's exercise set, cxlab.teaching.metrics."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import cxlab
from cxlab import datasets, metrics, teaching

DEMOS = ("clothing_retailer", "saas", "restaurant", "consulting")

#: 2023 has 4 answers; 2024, the latest year, has 10: NPS 5 promoters, 3 passives, 2 detractors
#: (NPS 30); CSAT 7 of 9 at 4 or more; CES 6 answers, so CES rests on the fewest.
RESPONSES = "date,nps,csat,ces\n" + "".join(
    f"{date},{nps},{csat},{ces}\n"
    for date, nps, csat, ces in [
        ("2023-05-01", 0, 1, 1),
        ("2023-06-01", 0, 1, 1),
        ("2023-07-01", 1, 2, 2),
        ("2023-08-01", 2, 1, ""),
        ("2024-01-05", 10, 5, 7),
        ("2024-02-05", 10, 5, 6),
        ("2024-03-05", 9, 4, 5),
        ("2024-04-05", 9, 4, 5),
        ("2024-05-05", 9, 4, 4),
        ("2024-06-05", 8, 4, 3),
        ("2024-07-05", 7, 4, ""),
        ("2024-08-05", 7, 2, ""),
        ("2024-09-05", 3, 1, ""),
        ("2024-10-05", 6, "", ""),
    ]
)


@pytest.fixture(scope="module", params=DEMOS)
def demo(request) -> cxlab.Bundle:
    return datasets.load_demo(request.param)


@pytest.fixture
def small(make_bundle) -> cxlab.Bundle:
    return cxlab.load_bundle(make_bundle({"responses.csv": RESPONSES}))


def _latest(bundle) -> pd.DataFrame:
    r = bundle.responses
    return r[r["date"].dt.year == r["date"].dt.year.max()]


def test_the_set_is_chapter_01_and_registered():
    assert teaching.metrics.chapter == "01"
    assert teaching.exercise_set(1) is teaching.metrics
    assert len(teaching.metrics) >= 3


def test_expected_answers_on_a_hand_made_bundle(small):
    ex = teaching.metrics
    assert ex.solution(1, small) == pytest.approx(30.0)
    assert ex.solution(2, small) == pytest.approx(700 / 9)
    assert ex.solution(3, small) == "ces"
    low, high = metrics.nps(_latest(small)["nps"]).low, metrics.nps(_latest(small)["nps"]).high
    assert ex.solution(4, small) == pytest.approx(high - low)


def test_latest_year_answers_agree_with_cxlab_metrics_on_every_demo(demo):
    latest = _latest(demo)
    ex = teaching.metrics
    nps = metrics.nps(latest["nps"])
    assert ex.solution(1, demo) == pytest.approx(nps.value)
    csat = metrics.csat(latest["csat"], scale=demo.config.csat_scale)
    assert ex.solution(2, demo) == pytest.approx(csat.value)
    counts = latest[list(metrics.METRICS)].notna().sum()
    assert ex.solution(3, demo) == counts.idxmin()
    assert ex.solution(4, demo) == pytest.approx(nps.high - nps.low)


def test_restaurant_csat_counts_eight_to_ten_as_satisfied():
    bundle = datasets.load_demo("restaurant")
    answers = _latest(bundle)["csat"].dropna()
    assert teaching.metrics.solution(2, bundle) == pytest.approx(100 * (answers >= 8).mean())
    assert teaching.metrics.solution(2, bundle) != pytest.approx(100 * (answers >= 4).mean())


def test_answers_for_margin_is_the_smallest_survey_reaching_five_points(demo):
    needed = teaching.metrics.solution(5, demo)
    all_nps = metrics.nps(demo.responses["nps"])
    shares = all_nps.shares

    def margin(n: float) -> float:
        n_adj = n + 3
        p = (shares["promoters"] * n + 0.75) / n_adj
        d = (shares["detractors"] * n + 0.75) / n_adj
        return 100 * 1.959964 * math.sqrt((p + d - (p - d) ** 2) / n_adj)

    assert margin(needed) <= 5.0 < margin(needed - 1)


def test_the_textbook_sample_size_formula_is_accepted(demo):
    r = metrics.nps(demo.responses["nps"])
    p, d = r.promoters / r.n, r.detractors / r.n
    simple = math.ceil(1.96**2 * (p + d - (p - d) ** 2) / 0.05**2)
    assert teaching.metrics.check(5, simple, demo).ok
    assert not teaching.metrics.check(5, round(simple * 1.2), demo).ok


def test_plain_wald_width_is_a_named_mistake_and_a_halved_width_is_wrong(demo):
    latest = _latest(demo)["nps"].dropna()
    p, d = (latest >= 9).mean(), (latest <= 6).mean()
    wald = 2 * 100 * 1.96 * math.sqrt((p + d - (p - d) ** 2) / len(latest))
    plain = teaching.metrics.check(4, wald, demo)
    assert plain.mistake == "used the plain Wald interval, without Rocks' adjustment"
    assert teaching.metrics.check(4, wald / 2, demo).status == "incorrect"


def test_csat_on_the_wrong_threshold_is_marked_wrong():
    bundle = datasets.load_demo("restaurant")
    answers = _latest(bundle)["csat"].dropna()
    result = teaching.metrics.check(2, 100 * (answers >= 9).mean(), bundle)
    assert result.status == "incorrect"
    assert "threshold" in result.message


def test_every_exercise_is_unanswered_when_none(small):
    for exercise in teaching.metrics:
        assert teaching.metrics.check(exercise.number, None, small).status == "unanswered"


def test_exercises_are_skipped_when_a_column_is_missing(small):
    small.responses = small.responses.drop(columns="nps")
    for number in (1, 4, 5):
        result = teaching.metrics.check(number, 1.0, small)
        assert result.status == "skipped"
        assert "'nps'" in result.message
    assert teaching.metrics.check(3, "ces", small).ok


def test_fewest_answers_needs_two_scores(small):
    small.responses = small.responses.drop(columns=["csat", "ces"])
    result = teaching.metrics.check(3, "nps", small)
    assert result.status == "skipped"


def test_fewest_answers_is_skipped_on_a_tie(small):
    small.responses = small.responses.assign(ces=small.responses["csat"])
    result = teaching.metrics.check(3, "csat", small)
    assert result.status == "skipped"
    assert "same number" in result.message


def test_a_bundle_without_responses_skips_every_exercise(small):
    small.responses = None
    for exercise in teaching.metrics:
        assert teaching.metrics.check(exercise.number, 1, small).status == "skipped"


def test_answers_for_margin_is_unavailable_without_spread(small):
    only_passives = small.responses.assign(nps=np.where(small.responses["nps"].notna(), 8, np.nan))
    small.responses = only_passives
    assert teaching.metrics.check(5, 10, small).status == "skipped"
