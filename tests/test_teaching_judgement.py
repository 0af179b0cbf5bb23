"""Judgement exercises and second-client exercises of chapters 01–04, on inputs worked by hand."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from cxlab import teaching
from cxlab.contract.bundle import Bundle
from cxlab.contract.config import BundleConfig
from cxlab.teaching._core import on_demo
from cxlab.teaching._drivers import wilson95
from cxlab.teaching._metrics import _nps_change_from_points, _nps_change_verdict
from cxlab.teaching._segmentation import _play


def _nps_years(before: list[int], after: list[int]) -> SimpleNamespace:
    dates = ["2024-06-01"] * len(before) + ["2025-06-01"] * len(after)
    responses = pd.DataFrame({"date": dates, "nps": before + after})
    return SimpleNamespace(responses=responses, has=lambda table: table == "responses")


def test_wilson_interval_of_8_in_10_matches_the_textbook_value():
    # Wilson (1927) for k = 8, n = 10 at 95 %: 0.4902 to 0.9433 (worked by hand).
    low, high = wilson95(8, 10)
    assert low == pytest.approx(0.4902, abs=1e-4)
    assert high == pytest.approx(0.9433, abs=1e-4)


def test_a_clear_rise_in_nps_is_called_up():
    # 100 detractors then 100 promoters: NPS −100 then +100, intervals far apart.
    bundle = _nps_years([0] * 100, [10] * 100)
    assert _nps_change_verdict(bundle) == "up"
    assert _nps_change_verdict(_nps_years([10] * 100, [0] * 100)) == "down"


def test_a_small_rise_within_overlapping_intervals_is_unclear_but_points_say_up():
    # 5 promoters, 5 detractors of 10 (NPS 0), then 6 and 4 (NPS +20): intervals overlap.
    bundle = _nps_years([10] * 5 + [0] * 5, [10] * 6 + [0] * 4)
    assert _nps_change_verdict(bundle) == "unclear"
    assert _nps_change_from_points(bundle) == "up"
    people = pd.DataFrame({"customer_id": ["r", "o"], "channel": ["referral", "search"]})
    answers = bundle.responses.assign(customer_id="r")
    referred = Bundle(Path("shop"), BundleConfig(), customers=people, responses=answers)
    result = teaching.metrics.check(6, "up", referred)
    assert result.status == "incorrect"
    assert result.mistake == "read the change off the two scores and ignored their intervals"
    assert teaching.metrics.check(6, "unclear", referred).ok


@pytest.mark.parametrize(
    ("median", "play"), [(1, "c"), (3.5, "c"), (4, "b"), (5.5, "b"), (6, "a"), (9, "a")]
)
def test_lapsed_play_follows_the_stated_thresholds(median, play):
    assert _play(median) == play


def test_a_second_client_exercise_ignores_the_bundle_it_is_given():
    count = on_demo("saas", lambda bundle: len(bundle.customers))
    assert count(None) == count(SimpleNamespace()) > 0


@pytest.mark.parametrize(("chapter", "number"), [("01", 7), ("02", 7), ("03", 6), ("04", 6)])
def test_each_chapter_has_a_second_client_exercise_that_names_its_demo(chapter, number):
    exercise = teaching.exercise_set(chapter)[number]
    assert "load_demo(" in exercise.hint
    assert isinstance(exercise.solve, teaching.Scoped)
    assert exercise.solve.scope.names(None) == ()  # another client: nothing the chapter prints
