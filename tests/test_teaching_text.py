"""Tests for chapter 07's exercises (cxlab.teaching.text), by hand and on every demo."""

from __future__ import annotations

import pytest

import cxlab
from cxlab import datasets, teaching

DEMOS = ["clothing_retailer", "saas", "restaurant", "consulting"]

#: Six answers. Commenters: r1 (10, glowing), r2 (2, "far too slow"), r3 (9, "no issues"),
#: r4 (3, "lovely staff, great food", a glowing detractor). Silent: r5 (10), r6 (4).
RESPONSES = (
    "response_id,date,touchpoint,nps,comment\n"
    "r1,2024-01-05,dining,10,Absolutely wonderful evening\n"
    "r2,2024-01-06,delivery,2,Delivery was far too slow\n"
    "r3,2024-02-01,dining,9,No issues at all\n"
    "r4,2024-02-02,dining,3,Lovely staff and great food\n"
    "r5,2024-02-03,dining,10,\n"
    "r6,2024-02-04,delivery,4,\n"
)

#: The client (Shop) has 4 reviews, two in its latest six months (one of them 1 star); the
#: competitor has one 1-star review.
REVIEWS = (
    "date,business,rating,text,source\n"
    "2023-01-10,Shop,2,Slow,Google\n"
    "2023-02-10,Shop,5,Great,Google\n"
    "2024-05-01,Shop,1,Rude staff,Google\n"
    "2024-06-01,Shop,4,Good,Google\n"
    "2024-06-02,Other,1,Awful,Google\n"
)


@pytest.fixture
def small(make_bundle) -> cxlab.Bundle:
    return cxlab.load_bundle(
        make_bundle({"responses.csv": RESPONSES, "reviews.csv": REVIEWS}, yml="client: Shop\n")
    )


def test_the_set_is_chapter_07_with_a_quiz():
    assert teaching.exercise_set("07") is teaching.text
    assert len(teaching.text) >= 3
    assert 3 <= len(teaching.text.quiz) <= 5


def test_silent_nps_by_hand(small):
    # silent: one promoter (10) and one detractor (4) -> NPS 0
    assert teaching.text.solution(1, small) == pytest.approx(0.0)
    assert teaching.text.check(1, 0, small).ok
    assert not teaching.text.check(1, 50, small).ok


def test_negative_comment_cost_by_hand(small):
    # commenters: r1 +, r2 -, r3 +, r4 + (labels); NPS of all four = 100 * (2 - 2) / 4 = 0;
    # without the negative r2: promoters r1, r3 of 3, detractor r4 -> 100 * (2 - 1) / 3 = 33.3
    assert teaching.text.solution(2, small) == pytest.approx(-100 / 3)
    flipped = teaching.text.check(2, 100 / 3, small)
    assert flipped.mistake == "subtracted the other way round"


def test_glowing_detractors_by_hand(small):
    # r4 (NPS 3) is glowing; r2 (NPS 2) is negative
    assert teaching.text.solution(3, small) == 1


def test_recent_reviews_by_hand(small):
    # Shop's latest review is 2024-06-01; after 2023-12-01: 2024-05-01 (1 star), 2024-06-01
    assert teaching.text.solution(4, small) == pytest.approx(50.0)
    # all of Shop's reviews: 2 of 4 at 1-2 stars -> also 50; competitors included, recent: 2 of 3
    assert teaching.text.check(4, 200 / 3, small).mistake.startswith("counted every business")
    assert teaching.text.check(4, 0.5, small).mistake.startswith("gave a share")


def test_reviews_exercise_is_skipped_without_reviews(make_bundle):
    bundle = cxlab.load_bundle(make_bundle({"responses.csv": RESPONSES}))
    assert teaching.text.check(4, 50, bundle).status == "skipped"


def test_touchpoint_judgement_is_none_with_too_few_comments(small):
    assert teaching.text[5].solve.question(small) == "none"


def test_touchpoint_judgement_is_skipped_without_that_quarter(small):
    # the small bundle spans two months: seven quarters before its latest there is nothing
    assert teaching.text.check(5, "none", small).status == "skipped"


def _touchpoint_comments(negative_at_a: int) -> str:
    """12 comments at touchpoint a, 30 at b; 5 of b's and ``negative_at_a`` of a's negative."""
    bad, good = "Terrible and rude service", "Wonderful and lovely visit"
    rows = ["response_id,date,touchpoint,nps,comment"]
    texts = [("a", bad)] * negative_at_a + [("a", good)] * (12 - negative_at_a)
    texts += [("b", bad)] * 5 + [("b", good)] * 25
    for i, (touchpoint, comment) in enumerate(texts):
        rows.append(f"r{i},2024-03-{1 + i % 28:02d},{touchpoint},5,{comment}")
    return "\n".join(rows) + "\n"


@pytest.mark.parametrize(
    ("negative_at_a", "rule", "without_interval"),
    [
        # 10 of 12 at a: share 0.833, Wilson 95 % lower end 0.552 > 15 / 42 = 0.357 overall
        (10, "a", "a"),
        # 5 of 12 at a: share 0.417 > 10 / 42 = 0.238, but its lower end 0.193 is not
        (5, "none", "a"),
    ],
)
def test_touchpoint_judgement_asks_for_the_whole_interval_above(
    make_bundle, negative_at_a, rule, without_interval
):
    bundle = cxlab.load_bundle(
        make_bundle({"responses.csv": _touchpoint_comments(negative_at_a)}, yml="client: Shop\n")
    )
    exercise = teaching.text[5]
    assert exercise.solve.question(bundle) == rule
    mistake = exercise.mistakes[1]
    assert mistake.name.startswith("took a share above")
    assert mistake.solve.question(bundle) == without_interval


@pytest.fixture(scope="module", params=DEMOS)
def demo(request):
    return request.param, datasets.load_demo(request.param)


@pytest.mark.slow
def test_every_solution_and_mistake_on_every_demo(demo):
    _name, bundle = demo
    ex = teaching.text
    for exercise in ex:
        solution = ex.solution(exercise.number, bundle)
        assert ex.check(exercise.number, solution, bundle).ok
        for mistake in exercise.mistakes:
            result = ex.check(exercise.number, mistake.solve(bundle), bundle)
            if not result.ok:
                assert result.mistake == mistake.name


@pytest.mark.slow
def test_touchpoint_to_fix_over_two_years_is_the_planted_pain_point(demo):
    name, bundle = demo
    got = teaching.text[5].solve.question(bundle)
    if name == "restaurant":  # its comments complain most about support, not the pain point
        assert got == "support"
    else:
        assert got == datasets.planted_truth(name).pain_point


def test_quiz_answers_are_checked_and_explained():
    quiz = teaching.text.quiz
    assert quiz.ask(1, "a").ok
    assert not quiz.ask(2, "a").ok
    assert "raw gap" in quiz.ask(2, "a").reason
