"""Tests for cxlab.teaching: the answer checker and the chapter exercise sets."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from cxlab import teaching
from cxlab.contract.bundle import Bundle
from cxlab.contract.config import BundleConfig
from cxlab.teaching import (
    CheckResult,
    Exercise,
    ExerciseSet,
    Mistake,
    Option,
    Question,
    Quiz,
    Unavailable,
    check,
)

# --------------------------------------------------------------------------------------------
# check(): verdicts


def test_none_means_not_answered_yet():
    result = check(None, 5, name="count")
    assert result.status == "unanswered"
    assert not result.ok
    assert "Not answered yet" in result.message
    assert "in place of None" in result.message


def test_exact_number_is_correct_and_shows_why():
    result = check(12, 12, name="count", why="Twelve rows.")
    assert result.ok
    assert result.message.endswith("Twelve rows.")


def test_numpy_number_matches_python_number():
    assert check(np.int64(7), 7, name="n").ok
    assert check(np.float64(2.5), 2.5, name="x").ok


def test_float_noise_is_not_marked_wrong():
    assert check(0.1 + 0.2, 0.3, name="sum").ok


def test_number_outside_absolute_tolerance_is_wrong_and_says_direction():
    result = check(10.6, 10.0, name="x", tolerance=0.5)
    assert result.status == "incorrect"
    assert "too high" in result.message
    assert check(9.4, 10.0, name="x", tolerance=0.5).message.count("too low") == 1


def test_number_inside_absolute_tolerance_is_correct():
    assert check(10.4, 10.0, name="x", tolerance=0.5).ok


def test_relative_tolerance_scales_with_expected_value():
    assert check(1040.0, 1000.0, name="x", tolerance=0.05, relative=True).ok
    assert not check(1060.0, 1000.0, name="x", tolerance=0.05, relative=True).ok


def test_wrong_number_message_does_not_reveal_expected_value():
    result = check(41, 987654, name="x")
    assert "987654" not in result.message
    assert "987,654" not in result.message


def test_number_given_as_text_gets_quote_advice():
    result = check("12", 12, name="count")
    assert result.status == "incorrect"
    assert "without quotes" in result.message


def test_non_numeric_text_for_number_names_the_kind():
    result = check("twelve", 12, name="count")
    assert "expected a number but got text" in result.message


def test_one_value_series_for_number_suggests_item():
    result = check(pd.Series([3]), 3, name="count")
    assert ".item()" in result.message


def test_nan_answer_is_wrong_with_explanation():
    assert "NaN" in check(float("nan"), 1.0, name="x").message


def test_bool_is_not_accepted_as_number():
    result = check(True, 1, name="count")
    assert result.status == "incorrect"
    assert "True/False" in result.message


@settings(deadline=None)
@given(
    st.floats(min_value=-1e6, max_value=1e6, allow_nan=False),
    st.floats(min_value=0, max_value=1e3, allow_nan=False),
    st.floats(min_value=-1, max_value=1, allow_nan=False),
)
def test_any_answer_within_absolute_tolerance_is_correct(expected, tolerance, fraction):
    answer = expected + tolerance * fraction * 0.999
    assert check(answer, expected, name="x", tolerance=tolerance).ok


# --------------------------------------------------------------------------------------------
# text, booleans, dates


def test_text_ignores_case_and_spacing():
    assert check("  Online   Store ", "online store", name="channel").ok


def test_different_text_is_wrong_and_quotes_the_answer_only():
    result = check("web", "store", name="channel")
    assert result.status == "incorrect"
    assert "'web'" in result.message
    assert "store" not in result.message.split(":", 1)[1]


def test_number_for_text_asks_for_quotes():
    assert "quotes" in check(5, "five", name="x").message


@settings(deadline=None)
@given(
    st.text(alphabet=st.characters(categories=["L", "N"]), min_size=1, max_size=20),
    st.integers(0, 3),
    st.booleans(),
)
def test_text_match_survives_case_and_padding(word, pad, upper):
    assume(word.upper().casefold() == word.lower().casefold())  # a few letters change length
    answer = " " * pad + (word.upper() if upper else word.lower()) + " " * pad
    assert check(answer, word, name="w").ok


def test_bool_answers():
    assert check(np.bool_(True), True, name="b").ok
    assert not check(False, True, name="b").ok
    assert "without quotes" in check("True", True, name="b").message


def test_month_as_text_matches_period():
    assert check("2024-11", pd.Period("2024-11", freq="M"), name="m").ok
    assert check(pd.Timestamp("2024-11-01"), pd.Period("2024-11", freq="M"), name="m").ok


def test_wrong_month_is_named_in_message():
    result = check("2024-10", pd.Period("2024-11", freq="M"), name="m")
    assert "2024-10 is not the expected period" in result.message


def test_unreadable_month_says_how_to_write_it():
    assert "2024-05" in check("soon", pd.Period("2024-11", freq="M"), name="m").message


def test_date_as_text_matches_timestamp():
    assert check("2024-03-05", pd.Timestamp("2024-03-05"), name="d").ok
    assert check(dt.date(2024, 3, 5), pd.Timestamp("2024-03-05"), name="d").ok
    assert not check("2024-03-06", dt.date(2024, 3, 5), name="d").ok


def test_number_for_date_is_a_type_mismatch():
    assert "expected a date" in check(20240305, pd.Timestamp("2024-03-05"), name="d").message


# --------------------------------------------------------------------------------------------
# collections


@settings(deadline=None)
@given(st.lists(st.sampled_from(["a", "b", "c", "d", "e"]), unique=True), st.randoms())
def test_set_accepts_any_order_and_list_like(items, rnd):
    shuffled = list(items)
    rnd.shuffle(shuffled)
    assert check(shuffled, set(items), name="s").ok
    assert check(pd.Index(shuffled), set(items), name="s").ok


def test_set_message_counts_missing_without_naming_them():
    result = check({"a", "zzz"}, {"a", "b", "c"}, name="s")
    assert "2 expected item(s) are missing" in result.message
    assert "'zzz'" in result.message
    assert "'b'" not in result.message


def test_text_for_set_is_a_type_mismatch():
    assert "collection" in check("a, b", {"a", "b"}, name="s").message


def test_list_order_matters_and_is_explained():
    result = check(["b", "a"], ["a", "b"], name="l")
    assert result.status == "incorrect"
    assert "order" in result.message


def test_list_length_mismatch():
    assert "has 1 item(s)" in check([1], [1, 2], name="l").message


def test_list_items_compared_with_tolerance():
    assert check([1.01, 2.0], [1.0, 2.0], name="l", tolerance=0.02).ok


def test_dict_compares_keys_then_values():
    assert check({"a": 1, "b": "X"}, {"a": 1, "b": "x"}, name="d").ok
    assert "missing" in check({"a": 1}, {"a": 1, "b": 2}, name="d").message
    assert "under 'b'" in check({"a": 1, "b": 3}, {"a": 1, "b": 2}, name="d").message


# --------------------------------------------------------------------------------------------
# pandas


def test_frame_equal_ignoring_dtype():
    expected = pd.DataFrame({"n": [1, 2]}, index=["a", "b"])
    answer = pd.DataFrame({"n": [1.0, 2.0]}, index=["a", "b"])
    assert check(answer, expected, name="f").ok


def test_frame_difference_does_not_quote_expected_values():
    expected = pd.DataFrame({"n": [1, 2, 98765]})
    answer = pd.DataFrame({"n": [1, 2, 3]})
    result = check(answer, expected, name="f")
    assert result.status == "incorrect"
    assert "98765" not in result.message


def test_series_for_frame_suggests_to_frame():
    result = check(pd.Series([1]), pd.DataFrame({"n": [1]}), name="f")
    assert "to_frame" in result.message


def test_series_names_are_ignored_and_tolerance_applies():
    expected = pd.Series([0.5, 0.25], index=["x", "y"], name="share")
    answer = pd.Series([0.501, 0.249], index=["x", "y"], name="other")
    assert check(answer, expected, name="s", tolerance=0.01).ok
    assert not check(answer, expected, name="s").ok


def test_list_for_series_is_a_type_mismatch():
    assert "Series" in check([1, 2], pd.Series([1, 2]), name="s").message


# --------------------------------------------------------------------------------------------
# CheckResult display


def test_plain_repr_is_the_message():
    result = check(1, 1, name="one")
    assert repr(result) == result.message == "✔ Correct — one."


def test_html_repr_escapes_markup():
    result = check("<b>", "<i>", name="tag <x>")
    html = result._repr_html_()
    assert "<b>" not in html.split("</strong>", 1)[1]
    assert "&lt;x&gt;" in html


def test_result_is_truthy_only_when_correct():
    assert bool(check(1, 1, name="x"))
    assert not bool(check(2, 1, name="x"))
    assert not bool(CheckResult("x", "skipped", reason="no data"))


# --------------------------------------------------------------------------------------------
# exercise sets


def _bundle(**tables) -> Bundle:
    return Bundle(Path("shop"), BundleConfig(), **tables)


def _customers(n: int) -> pd.DataFrame:
    return pd.DataFrame({"customer_id": [f"c{i}" for i in range(n)]})


def test_exercise_set_requires_consecutive_numbers():
    ex = Exercise(2, "x", lambda b: 1)
    with pytest.raises(ValueError, match="numbered"):
        ExerciseSet("99", (ex,))


def test_registering_a_chapter_twice_fails():
    with pytest.raises(ValueError, match="already"):
        teaching.register(ExerciseSet("00", ()))


def test_exercise_set_lookup_by_number():
    assert teaching.exercise_set("00") is teaching.welcome
    assert teaching.exercise_set(0) is teaching.welcome
    with pytest.raises(KeyError):
        teaching.exercise_set(42)


def test_unknown_exercise_number_raises_key_error():
    with pytest.raises(KeyError):
        teaching.welcome[99]


def test_exercise_is_skipped_when_table_missing():
    result = teaching.welcome.check(2, 100.0, _bundle(customers=_customers(2)))
    assert result.status == "skipped"
    assert "'transactions'" in result.message


def test_exercise_is_skipped_when_solver_says_unavailable():
    def solve(bundle):
        raise Unavailable("no nps column in this export")

    exercises = ExerciseSet("98", (Exercise(1, "nps", solve),))
    result = exercises.check(1, 5, _bundle())
    assert result.status == "skipped"
    assert "no nps column" in result.message


def test_unanswered_exercise_does_not_need_to_solve():
    def solve(bundle):
        raise AssertionError("should not be called")

    exercises = ExerciseSet("97", (Exercise(1, "x", solve),))
    assert exercises.check(1, None, _bundle()).status == "unanswered"


def test_to_frame_lists_exercises():
    frame = teaching.welcome.to_frame()
    assert list(frame.index) == list(range(1, len(teaching.welcome) + 1))
    assert frame.loc[1, "requires"] == "customers"


# --------------------------------------------------------------------------------------------
# mistakes: wrong answers recognised by name


def _share_of_nines(bundle: Bundle) -> float:
    nps = bundle.responses["nps"]
    return 100 * float((nps >= 9).mean())


def _nines_exercise() -> Exercise:
    # nps below: 10, 9, 8, 3 -> promoters 2 of 4 = 50 %; of the 3 non-passives 66.7 %;
    # as a share 0.5.
    return Exercise(
        1,
        "share of promoters",
        _share_of_nines,
        tolerance=0.05,
        hint="Count answers of 9 or 10.",
        mistakes=(
            Mistake(
                "left the passives out of n",
                lambda b: 100 * 2 / 3,
                why="Passives answered the question, so they count in n.",
            ),
            Mistake("gave a share (0–1) instead of a percentage", lambda b: 0.5),
        ),
    )


def _nps_bundle() -> Bundle:
    return _bundle(responses=pd.DataFrame({"nps": [10, 9, 8, 3]}))


def test_a_wrong_answer_that_matches_a_mistake_is_named():
    result = _nines_exercise().check(66.7, _nps_bundle())
    assert result.status == "incorrect"
    assert result.mistake == "left the passives out of n"
    assert "answer you get if you left the passives out of n" in result.message
    assert "Passives answered the question" in result.message


def test_the_second_mistake_is_recognised_too():
    result = _nines_exercise().check(0.5, _nps_bundle())
    assert result.mistake == "gave a share (0–1) instead of a percentage"


def test_a_mistake_is_matched_within_the_exercise_tolerance():
    assert _nines_exercise().check(66.64, _nps_bundle()).mistake == "left the passives out of n"
    assert _nines_exercise().check(66.5, _nps_bundle()).mistake == ""


def test_a_wrong_answer_matching_no_mistake_gets_the_generic_hint():
    result = _nines_exercise().check(40.0, _nps_bundle())
    assert result.mistake == ""
    assert "too low" in result.message
    assert "Count answers of 9 or 10." in result.message


def test_the_right_answer_is_correct_even_with_mistakes_listed():
    assert _nines_exercise().check(50.0, _nps_bundle()).ok


def test_a_mistake_that_cannot_be_made_on_the_bundle_is_passed_over():
    def unavailable(bundle):
        raise Unavailable("no such column")

    exercise = Exercise(1, "x", lambda b: 3, mistakes=(Mistake("m1", unavailable),))
    assert exercise.check(4, _bundle()).status == "incorrect"
    assert exercise.diagnose(4, _bundle()) is None


def test_a_mistake_of_another_type_does_not_match():
    exercise = Exercise(1, "x", lambda b: "checkout", mistakes=(Mistake("m", lambda b: 5),))
    assert exercise.check("5", _bundle()).mistake == ""


def test_mistake_message_renders_as_escaped_html():
    exercise = Exercise(1, "x", lambda b: 1, mistakes=(Mistake("<b>bold</b>", lambda b: 2),))
    assert "&lt;b&gt;" in exercise.check(2, _bundle())._repr_html_()


# --------------------------------------------------------------------------------------------
# quizzes


def _quiz() -> Quiz:
    return Quiz(
        (
            Question(
                "Which answers are promoters?",
                (
                    Option("7 to 10", "7 and 8 are passives."),
                    Option("9 and 10", "The NPS counts only 9 and 10 as promoters."),
                    Option("10 only", "9 counts too."),
                ),
                answer="b",
            ),
            Question(
                "Is a CSAT of 80 % on 5 answers precise?",
                (
                    Option("Yes", "Five answers give an interval tens of points wide."),
                    Option("No", "With n = 5 the interval spans most of the scale."),
                ),
                answer="b",
            ),
        )
    )


def test_quiz_right_choice_is_correct_with_its_reason():
    result = _quiz().ask(1, "b")
    assert result.ok
    assert "(b) The NPS counts only 9 and 10 as promoters." in result.message


def test_quiz_wrong_choice_says_why_that_option_is_wrong():
    result = _quiz().ask(1, "a")
    assert result.status == "incorrect"
    assert "7 and 8 are passives" in result.message
    assert "9 and 10" not in result.message  # the right option is not given away


def test_quiz_accepts_capitals_and_brackets():
    assert _quiz().ask(1, " (B) ").ok


def test_quiz_unknown_letter_and_non_text_are_explained():
    assert "not one of the options a, b, c" in _quiz().ask(1, "d").message
    assert "letter in quotes" in _quiz().ask(2, 2).message
    assert _quiz().ask(2, None).status == "unanswered"


def test_quiz_ask_all_checks_every_question_in_order():
    verdicts = _quiz().ask_all({1: "b", 2: None})
    assert [v.status for v in verdicts] == ["correct", "unanswered"]
    assert verdicts.score == 1
    assert repr(verdicts).count("\n") == 1


def test_quiz_unknown_question_numbers_raise():
    with pytest.raises(KeyError, match="1 to 2"):
        _quiz().ask(3, "a")
    with pytest.raises(KeyError, match="1 to 2"):
        _quiz().ask_all({0: "a"})


def test_quiz_shows_questions_and_options_but_not_reasons():
    text = repr(_quiz())
    assert "1. Which answers are promoters?" in text
    assert "(c) 10 only" in text
    assert "passives" not in text


def test_question_rejects_an_answer_that_is_not_an_option():
    with pytest.raises(ValueError, match="not one of ab"):
        Question("q", (Option("x", "r"), Option("y", "r")), answer="c")


def test_question_needs_a_reason_for_every_option():
    with pytest.raises(ValueError, match="reason"):
        Question("q", (Option("x", "r"), Option("y", " ")), answer="a")


def test_exercise_set_carries_its_quiz():
    exercises = ExerciseSet("96", (Exercise(1, "x", lambda b: 1),), quiz=_quiz())
    assert exercises.quiz.ask(2, "b").ok


# --------------------------------------------------------------------------------------------
# chapter 00 exercises on a bundle whose answers are planted here


@pytest.fixture
def small_bundle() -> Bundle:
    transactions = pd.DataFrame(
        {
            "customer_id": ["c0", "c1", "c1", "c2", "c2"],
            "date": pd.to_datetime(
                ["2024-01-03", "2024-02-10", "2024-02-11", "2024-03-01", "2024-02-20"]
            ),
            "amount": [50.0, 30.0, 40.0, 60.0, -20.0],
        }
    )
    responses = pd.DataFrame(
        {
            "date": pd.to_datetime(["2024-01-05", "2024-02-05", "2024-02-06"]),
            "customer_id": pd.array(["c0", None, "c2"], dtype="str"),
            "nps": pd.array([9, None, 4], dtype="Int64"),
            "csat": pd.array([5, 4, 2], dtype="Int64"),
        }
    )
    return _bundle(customers=_customers(3), transactions=transactions, responses=responses)


def test_welcome_latest_year_signups_and_their_mistakes(small_bundle):
    # signups: c0 and c1 in 2024, c2 in 2025 -> latest year 1; every customer 3; first year 2
    small_bundle.customers["signup_date"] = pd.to_datetime(
        ["2024-01-01", "2024-06-01", "2025-02-01"]
    )
    assert teaching.welcome.check(1, 1, small_bundle).ok
    assert teaching.welcome.check(1, 3, small_bundle).mistake.startswith("counted every")
    assert teaching.welcome.check(1, 2, small_bundle).mistake.startswith("counted the first")


def test_welcome_signups_skipped_without_signup_dates(small_bundle):
    assert teaching.welcome.check(1, 3, small_bundle).status == "skipped"


def test_welcome_best_month_nets_refunds(small_bundle):
    # February: 30 + 40 - 20 = 50; March: 60; January: 50 -> the best month takes 60 net
    assert teaching.welcome.check(2, 60, small_bundle).ok
    assert teaching.welcome.check(2, 60.4, small_bundle).ok
    assert not teaching.welcome.check(2, 50, small_bundle).ok


def test_welcome_nps_answers(small_bundle):
    # all three responses are dated 2024; two carry an NPS answer
    assert teaching.welcome.check(3, 2, small_bundle).ok
    assert teaching.welcome.check(3, 3, small_bundle).mistake.startswith("counted every response")


def test_welcome_refunds_make_the_gross_peak_a_named_mistake(small_bundle):
    # gross: February 30 + 40 = 70 beats March 60; net February 50 does not
    assert teaching.welcome.check(2, 70, small_bundle).mistake.startswith("summed the sales")


def test_welcome_share_heard_from(small_bundle):
    # responses from c0 and c2 (one anonymous) out of 3 customers -> 66.7 %
    assert teaching.welcome.check(4, 66.67, small_bundle).ok
    assert teaching.welcome.check(4, 0.6667, small_bundle).mistake.startswith("gave a share")


def test_welcome_nps_skipped_without_nps_column(small_bundle):
    small_bundle.responses = small_bundle.responses.drop(columns="nps")
    assert teaching.welcome.check(3, 2, small_bundle).status == "skipped"


# --------------------------------------------------------------------------------------------
# every registered set on the demo client


@pytest.fixture(scope="module")
def demo() -> Bundle:
    from cxlab import datasets

    return datasets.load_demo("clothing_retailer")


@pytest.mark.parametrize("chapter", sorted(teaching.EXERCISE_SETS))
def test_every_exercise_solution_passes_its_own_check_on_the_demo(chapter, demo):
    exercises = teaching.EXERCISE_SETS[chapter]
    assert len(exercises) >= 3
    for exercise in exercises:
        solution = exercises.solution(exercise.number, demo)
        result = exercises.check(exercise.number, solution, demo)
        assert result.ok, result.message
        assert exercises.check(exercise.number, None, demo).status == "unanswered"


# Every mistake must give another answer than the solution on the chapter's own demo, and be
# recognised by its name there: tests/test_notebooks.py, which knows each chapter's demo.


def test_quiz_folds_the_unanswered_questions_into_one_line():
    quiz = Quiz(_quiz().questions * 2)
    text = repr(quiz.ask_all({2: "a"}))
    assert text.splitlines()[0].startswith("✘ Not quite — Quiz question 2")
    assert text.splitlines()[1].startswith("… Not answered yet — Quiz questions 1, 3, 4")
    assert len(text.splitlines()) == 2
