"""Tests for chapter 03's exercises (cxlab.teaching.journey) on every demo and on thin logs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cxlab import datasets, journey, teaching
from cxlab.contract.bundle import Bundle
from cxlab.contract.config import BundleConfig
from cxlab.teaching import Unavailable

DEMOS = ["clothing_retailer", "saas", "restaurant", "consulting"]


@pytest.fixture(scope="module", params=DEMOS)
def demo(request):
    return request.param, datasets.load_demo(request.param)


def _bundle(events: pd.DataFrame | None) -> Bundle:
    return Bundle(Path("shop"), BundleConfig(), events=events)


def _ask(number: int, bundle: Bundle):
    """Exercise ``number``'s question on ``bundle`` itself, not on the part it is asked of."""
    return teaching.journey[number].solve.question(bundle)


def _ask_or_solve(number: int, bundle: Bundle):
    solve = teaching.journey[number].solve
    return solve.question(bundle) if isinstance(solve, teaching.Scoped) else solve(bundle)


def _log(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    customer, when, stage = zip(*rows, strict=True)
    return pd.DataFrame(
        {"customer_id": customer, "timestamp": pd.to_datetime(when), "stage": stage}
    )


def test_chapter_03_set_is_registered_under_the_journey_name():
    assert teaching.exercise_set("03") is teaching.journey
    assert len(teaching.journey) >= 3
    map_critique = teaching.journey[5]  # judges a map's pain point from the survey answers
    assert map_critique.requires == ("responses",)
    assert all(e.requires == ("events",) for e in teaching.journey if e is not map_critique)


def test_every_solution_passes_its_own_check_on_every_demo(demo):
    _, bundle = demo
    for exercise in teaching.journey:
        try:
            solution = teaching.journey.solution(exercise.number, bundle)
        except Unavailable:  # a region only the clothing demo has
            assert isinstance(exercise.solve, teaching.Scoped)
            continue
        assert teaching.journey.check(exercise.number, solution, bundle).ok, exercise.title


def test_customers_at_purchase_agree_with_the_funnel(demo):
    _, bundle = demo
    events = bundle.events
    latest = events[events["timestamp"].dt.year == events["timestamp"].dt.year.max()]
    f = journey.funnel(latest)
    assert teaching.journey.solution(1, bundle) == f.loc["purchase", "visited"]


def test_biggest_drop_agrees_with_the_funnel(demo):
    _, bundle = demo
    f = journey.funnel(bundle.events).loc[:"purchase"]  # the steps before the sale
    k = int(np.nanargmax(f["drop_off"].to_numpy()))
    assert _ask(2, bundle) == [f.index[k - 1], f.index[k]]


def test_most_common_path_agrees_with_the_variants(demo):
    _, bundle = demo
    v = journey.variants(bundle.events)
    assert _ask(3, bundle) == list(v["path"].iloc[0])


def test_rows_out_of_order_do_not_change_the_answers(demo):
    _, bundle = demo
    shuffled = _bundle(bundle.events.sample(frac=1.0, random_state=7))
    for number in (1, 2, 3, 4):
        assert _ask_or_solve(number, shuffled) == pytest.approx(_ask_or_solve(number, bundle))


def test_repeats_are_merged_in_the_path_and_ties_follow_stage_order():
    log = _log(
        [
            ("a", "2024-01-01", "awareness"),
            ("a", "2024-01-02", "purchase"),
            ("a", "2024-01-03", "purchase"),
            ("b", "2024-01-01", "purchase"),
            ("b", "2024-01-01", "awareness"),  # same time: awareness comes first
            ("c", "2024-01-05", "awareness"),
        ]
    )
    assert _ask(3, _bundle(log)) == ["awareness", "purchase"]


def test_drop_off_counts_customers_first_seen_at_a_later_stage():
    log = _log(
        [
            ("a", "2024-01-01", "awareness"),
            ("b", "2024-01-01", "awareness"),
            ("c", "2024-01-02", "purchase"),  # counts at awareness and consideration too
            ("d", "2024-01-02", "service"),
        ]
    )
    # reached: awareness 4, consideration 2, purchase 2 (service 1, loyalty 0 come after the
    # sale); the step keeping the smallest share up to the sale is awareness → consideration
    assert _ask(2, _bundle(log)) == ["awareness", "consideration"]


def test_days_from_purchase_to_service_keep_positive_gaps_only():
    log = _log(
        [
            ("a", "2024-01-01", "purchase"),
            ("a", "2024-01-03", "service"),
            ("a", "2024-01-04", "purchase"),
            ("b", "2024-01-01", "purchase"),
            ("b", "2024-01-11", "service"),
            ("c", "2024-01-05", "service"),
            ("c", "2024-01-09", "purchase"),  # service before purchase: left out
        ]
    )
    assert teaching.journey.solution(4, _bundle(log)) == pytest.approx(6.0)
    assert teaching.journey.check(4, 6.4, _bundle(log)).ok
    assert not teaching.journey.check(4, 7.0, _bundle(log)).ok


def test_wrong_answers_get_a_hint_without_the_answer(demo):
    _, bundle = demo
    right = teaching.journey.solution(1, bundle)
    result = teaching.journey.check(1, right + 1, bundle)
    assert result.status == "incorrect"
    assert str(right) not in result.message
    assert "nunique" in result.message
    reversed_path = list(reversed(_ask(3, bundle)))
    if len(reversed_path) > 1:
        assert teaching.journey[3].check(reversed_path, bundle).status != "correct"


def test_unanswered_and_missing_events_are_reported():
    assert teaching.journey.check(1, None, datasets.load_demo("saas")).status == "unanswered"
    skipped = teaching.journey.check(1, 10, _bundle(None))
    assert skipped.status == "skipped"
    assert "'events'" in skipped.message


def test_a_log_without_the_named_stage_skips_with_a_reason():
    log = _log([("a", "2024-01-01", "awareness"), ("b", "2024-01-02", "consideration")])
    result = teaching.journey.check(1, 0, _bundle(log))
    assert result.status == "skipped"
    assert "'purchase'" in result.message
    with pytest.raises(Unavailable):
        teaching.journey.solution(4, _bundle(log))


def test_custom_stage_names_skip_the_stage_order_exercises():
    log = _log([("a", "2024-01-01", "browse"), ("a", "2024-01-02", "buy")])
    with pytest.raises(Unavailable, match=r"'browse'|'buy'"):
        _ask(2, _bundle(log))


def test_every_exercise_skips_with_a_reason_on_a_process_log(tmp_path):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent))
    from realshaped import process_log

    from cxlab import load_bundle

    bundle = load_bundle(process_log(tmp_path))
    for number in (1, 2, 3, 4):
        result = teaching.journey.check(number, ["x", "y"], bundle)
        assert result.status == "skipped", (number, result)
        assert result.message
    with pytest.raises(Unavailable, match=r"'Additional information received'.* more"):
        _ask(2, bundle)


def test_tied_most_common_paths_skip_rather_than_pick_one():
    log = _log([("a", "2024-01-01", "awareness"), ("b", "2024-01-01", "purchase")])
    with pytest.raises(Unavailable, match="equally common"):
        _ask(3, _bundle(log))
