"""Tests for chapter 02's exercises (cxlab.teaching.drivers) on every demo and on thin bundles."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cxlab import datasets, drivers, metrics, teaching
from cxlab.contract.bundle import Bundle
from cxlab.contract.config import BundleConfig
from cxlab.teaching import Unavailable

DEMOS = ["clothing_retailer", "saas", "restaurant", "consulting"]


@pytest.fixture(scope="module", params=DEMOS)
def demo(request):
    return request.param, datasets.load_demo(request.param)


def _ask(number: int, bundle: Bundle):
    """Exercise ``number``'s question on ``bundle`` itself, not on the quarter it is asked of."""
    return teaching.drivers[number].solve.question(bundle)


def test_chapter_02_set_is_registered_under_the_drivers_name():
    assert teaching.exercise_set("02") is teaching.drivers
    assert len(teaching.drivers) >= 3


def test_every_solution_passes_its_own_check_on_every_demo(demo):
    _, bundle = demo
    for exercise in teaching.drivers:
        try:
            solution = teaching.drivers.solution(exercise.number, bundle)
        except Unavailable:  # too few answers per touchpoint in that quarter
            assert isinstance(exercise.solve, teaching.Scoped)
            continue
        assert teaching.drivers.check(exercise.number, solution, bundle).ok, exercise.title


def test_lowest_csat_and_most_effort_are_the_planted_pain_point(demo):
    name, bundle = demo
    pain = datasets.planted_truth(name).pain_point
    assert _ask(1, bundle) == pain
    assert _ask(3, bundle) == pain


def test_lowest_csat_agrees_with_the_breakdown(demo):
    _, bundle = demo
    table = metrics.breakdown(
        bundle.responses, by="touchpoint", metric="csat", scale=bundle.config.csat_scale
    )
    assert _ask(1, bundle) == table["value"].idxmin()


def test_detractor_share_agrees_with_nps_groups(demo):
    _, bundle = demo
    counts = metrics.nps_groups(bundle.responses).counts
    expected = 100 * counts.loc["detractor", "share"]
    assert teaching.drivers.solution(2, bundle) == pytest.approx(expected)


def test_detractor_share_as_a_fraction_is_marked_wrong(demo):
    _, bundle = demo
    share = teaching.drivers.solution(2, bundle) / 100
    result = teaching.drivers.check(2, share, bundle)
    assert result.status == "incorrect"
    assert "percent" in result.message


def test_driver_rows_and_top_driver_agree_with_key_drivers(demo):
    name, bundle = demo
    items = list(bundle.config.drivers)
    years = bundle.responses["date"].dt.year
    latest = bundle.responses[years == years.max()]
    key_latest = drivers.key_drivers(latest, outcome="nps", drivers=items, n_boot=0)
    assert teaching.drivers.solution(4, bundle) == key_latest.n
    # one item's r² can never exceed the R² of all items together (same complete rows or more)
    top_r2 = teaching.drivers.solution(5, bundle)
    assert 0 < top_r2
    assert top_r2 <= key_latest.r2 + 0.05  # pairwise rows may differ slightly from complete rows
    key = drivers.key_drivers(bundle.responses, outcome="nps", drivers=items, n_boot=0)
    weights = datasets.planted_truth(name).drivers.weights
    assert key.ranking[0] == max(weights, key=weights.get)


def test_restaurant_csat_uses_its_own_satisfied_threshold():
    bundle = datasets.load_demo("restaurant")
    assert bundle.config.csat_scale.satisfied == 8
    r = bundle.responses.dropna(subset=["touchpoint", "csat"])
    wrong_threshold = (r["csat"] >= 4).groupby(r["touchpoint"]).mean().idxmin()
    assert _ask(1, bundle) == "table_booking"
    assert wrong_threshold in r["touchpoint"].unique()  # the check computes, not assumes 1-5


# --------------------------------------------------------------------------------------------
# bundles that cannot support an exercise


def _bundle(responses: pd.DataFrame, **config) -> Bundle:
    return Bundle(Path("shop"), BundleConfig(**config), responses=responses)


def test_exercises_are_skipped_with_a_reason_when_columns_are_missing():
    responses = pd.DataFrame(
        {"date": pd.to_datetime(["2024-01-01"] * 4), "nps": pd.array([9, 3, 7, 10], "Int64")}
    )
    bundle = _bundle(responses)
    one = teaching.drivers.check(1, "checkout", bundle)
    assert one.status == "skipped"
    assert "'touchpoint'" in one.message
    assert teaching.drivers.check(2, 25.0, bundle).ok
    four = teaching.drivers.check(4, 10, bundle)
    assert four.status == "skipped"
    assert "drivers" in four.message
    with pytest.raises(Unavailable):
        teaching.drivers.solution(5, bundle)


def test_touchpoint_exercises_need_two_touchpoints_with_enough_answers():
    responses = pd.DataFrame(
        {
            "date": pd.to_datetime(["2024-01-01"] * 40),
            "touchpoint": ["web"] * 35 + ["store"] * 5,
            "csat": pd.array([5, 2] * 20, "Int64"),
        }
    )
    result = teaching.drivers.check(1, "store", _bundle(responses))
    assert result.status == "skipped"
    assert "fewer than two touchpoints" in result.message
