"""Chapter 01's scoring helpers and findings: expected values worked out by hand in each test."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from cxlab import metrics
from cxlab.contract.config import Scale

Z95 = 1.959963984540054  # the 97.5 % point of the standard normal
PAYLOAD = "<img src=x onerror=alert(1)>"


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson's interval in percent, written out from the formula in chapter 01's Theory."""
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return 100 * (centre - half), 100 * (centre + half)


def adjusted_wald_margin(promoters: int, detractors: int, n: int, z: float = Z95) -> float:
    """Half the adjusted-Wald NPS interval in points (Rocks 2016), from the Theory's formula."""
    p, d = (promoters + 0.75) / (n + 3), (detractors + 0.75) / (n + 3)
    return 100 * z * math.sqrt((p + d - (p - d) ** 2) / (n + 3))


# --------------------------------------------------------------------------------------------
# answered_metrics and score_responses


def test_answered_metrics_skips_absent_and_empty_columns():
    r = pd.DataFrame({"csat": [None, 4.0], "ces": [None, None], "comment": ["a", "b"]})
    assert metrics.answered_metrics(r) == ["csat"]


def test_answered_metrics_of_no_table_is_empty():
    assert metrics.answered_metrics(None) == []


def test_score_responses_scores_each_answered_question_in_report_order():
    r = pd.DataFrame({"ces": [7, 5, 3, None], "nps": [10, 9, 3, None]})
    scores = metrics.score_responses(r)
    assert list(scores) == ["nps", "ces"]
    assert scores["nps"].value == pytest.approx(100 * (2 - 1) / 3)  # 2 promoters, 1 detractor
    assert scores["ces"].value == pytest.approx(5.0)  # (7 + 5 + 3) / 3


def test_score_responses_uses_the_declared_csat_scale_and_its_threshold():
    r = pd.DataFrame({"csat": [8, 9, 7, 10, 3]})
    scores = metrics.score_responses(r, scales={"csat": Scale(min=1, max=10, satisfied=8)})
    assert scores["csat"].value == pytest.approx(60.0)  # 8, 9, 10 of five answers
    assert scores["csat"].threshold == 8


def test_score_responses_passes_the_confidence_level_on():
    r = pd.DataFrame({"csat": [5] * 24 + [2] * 6})
    score = metrics.score_responses(r, confidence=0.8)["csat"]
    assert score.confidence == 0.8
    low, high = wilson(24, 30, z=1.2815515655446004)  # the 90 % point, for an 80 % interval
    assert (score.low, score.high) == pytest.approx((low, high))


# --------------------------------------------------------------------------------------------
# survey_finding


def test_survey_finding_names_the_client_the_responses_and_the_questions():
    r = pd.DataFrame({"nps": [9, 10, None], "csat": [4, None, 5], "ces": [5, 6, 7]})
    f = metrics.survey_finding(r, client="Shop")
    assert f.supported
    assert f.text == "Working with Shop: 3 survey responses, answering NPS, CSAT and CES."


def test_survey_finding_says_which_questions_are_skipped():
    r = pd.DataFrame({"nps": [9.0], "ces": [None]})
    f = metrics.survey_finding(r, client="Shop")
    assert f.text == (
        "Working with Shop: 1 survey response, answering NPS. "
        "This bundle has no CSAT answers, so every CSAT part is skipped. "
        "This bundle has no CES answers, so every CES part is skipped."
    )


def test_survey_finding_without_a_responses_table_is_unsupported():
    f = metrics.survey_finding(None, client="Shop")
    assert not f.supported
    assert "no responses table" in f.text


def test_survey_finding_without_any_answer_is_unsupported():
    f = metrics.survey_finding(pd.DataFrame({"nps": [None, None]}), client="Shop")
    assert not f.supported
    assert "2 survey responses, but none answers" in f.text


@pytest.mark.parametrize("responses", [pd.DataFrame({"nps": [9]}), None])
def test_survey_finding_escapes_the_client_name(responses):
    out = metrics.survey_finding(responses, client=PAYLOAD).to_markdown()
    assert "<img" not in out
    assert "&#60;img src=x onerror=alert&#40;1&#41;&#62;" in out


# --------------------------------------------------------------------------------------------
# definitions_finding


def test_definitions_finding_states_each_score_as_its_definition_counts_it():
    scores = {
        "nps": metrics.nps([10, 9, 8, 3]),  # 2 promoters, 1 detractor of 4
        "csat": metrics.csat([5, 4, 2, 1]),  # 2 of 4 at 4 or higher
        "ces": metrics.ces([7, 6, 2, 5]),  # mean 20 / 4
    }
    assert metrics.definitions_finding(scores).text == (
        "Counted this way, the NPS is 25.0 from 4 answers (50% promoters minus 25% detractors); "
        "50.0% of 4 CSAT answers are 4 or higher on the 1–5 scale; the average effort answer is "
        "5.00 on 1–7 from 4 answers (higher means easier)."
    )


def test_definitions_finding_reads_the_ces_direction():
    f = metrics.definitions_finding({"ces": metrics.ces([2], higher_is_easier=False)})
    assert f.text == (
        "Counted this way, the average effort answer is 2.00 on 1–7 from 1 answer "
        "(higher means more effort)."
    )


def test_definitions_finding_without_scores_is_unsupported():
    assert not metrics.definitions_finding({}).supported


# --------------------------------------------------------------------------------------------
# intervals_finding


def test_intervals_finding_states_the_interval_and_n_of_each_score():
    r = metrics.csat([5] * 12 + [4] * 12 + [2] * 6)  # 24 of 30 satisfied
    low, high = wilson(24, 30)
    f = metrics.intervals_finding({"csat": r})
    assert f.supported
    assert f.text == (
        f"With their intervals: CSAT 80.0% (95% interval {low:.1f} to {high:.1f}, n = 30). "
        "Every score rests on at least 30 answers, so none carries a small-sample warning."
    )


def test_intervals_finding_confirms_a_matching_hand_calculation():
    scores = {"nps": metrics.nps([10, 9, 8, 3]), "csat": metrics.csat([5, 4, 2, 1])}
    f = metrics.intervals_finding(scores, by_hand={"nps": 25.0, "csat": 50.0})
    assert f.supported
    assert f.text.startswith("cxlab matches the hand calculation for NPS and CSAT. ")


def test_intervals_finding_with_a_wrong_hand_calculation_is_unsupported_and_says_where():
    f = metrics.intervals_finding({"nps": metrics.nps([10, 9, 8, 3])}, by_hand={"nps": 30.0})
    assert not f.supported
    assert f.text.startswith("cxlab and the hand calculation disagree for NPS (by hand 30.0")


def test_intervals_finding_without_a_hand_calculation_says_nothing_about_one():
    scores = {"nps": metrics.nps([10, 9, 8, 3]), "csat": metrics.csat([5, 4, 2, 1])}
    assert "hand" not in metrics.intervals_finding(scores).text


def test_intervals_finding_writes_a_negative_bound_with_a_true_minus():
    # 1 promoter, 3 detractors of 4: NPS -50, its interval reaches far below zero
    text = metrics.intervals_finding({"nps": metrics.nps([10, 3, 2, 1])}).text
    assert "NPS −50.0 (95% interval −" in text
    assert "-" not in text.split("Read with care")[0]


def test_hand_check_finding_confirms_or_names_the_disagreement():
    scores = {"nps": metrics.nps([10, 9, 8, 3]), "csat": metrics.csat([5, 4, 2, 1])}
    same = metrics.hand_check_finding(scores, {"nps": 25.0, "csat": 50.0})
    assert same.supported and same.text == "cxlab matches the hand calculation for NPS and CSAT."
    wrong = metrics.hand_check_finding(scores, {"nps": 25.0, "csat": 40.0})
    assert not wrong.supported and "CSAT (by hand 40.0" in wrong.text
    assert not metrics.hand_check_finding(scores, {"ces": 3.0}).supported


def test_intervals_finding_passes_on_small_sample_warnings():
    f = metrics.intervals_finding({"nps": metrics.nps([10, 9, 8, 3])})
    assert f.text.endswith(
        "Read with care: NPS — only 4 responses: the interval is wide; treat the score as "
        "indicative."
    )


def test_intervals_finding_says_a_single_answer_has_no_interval():
    f = metrics.intervals_finding({"ces": metrics.ces([4])})
    assert "CES 4.00 (no interval from a single answer, n = 1)" in f.text


def test_intervals_finding_without_scores_is_unsupported():
    assert not metrics.intervals_finding({}).supported


# --------------------------------------------------------------------------------------------
# small_surveys and small_surveys_finding


def test_small_surveys_draws_the_requested_number_of_surveys_of_that_size():
    pool = pd.Series([10] * 30 + [8] * 20 + [3] * 10)
    small = metrics.small_surveys(pool, metrics.nps(pool), size=12, surveys=5, seed=3)
    assert len(small) == 5
    assert small["n"].tolist() == [12] * 5


def test_small_surveys_caps_the_size_at_half_the_answers():
    pool = pd.Series([10] * 20 + [0] * 20)  # 40 answers: surveys of at most 20
    small = metrics.small_surveys(pool, metrics.nps(pool), size=25, surveys=2)
    assert small["n"].tolist() == [20, 20]


def test_small_surveys_draw_nothing_from_fewer_than_twenty_answers():
    pool = pd.Series([10] * 19)  # half is 9, below the ten a survey needs
    small = metrics.small_surveys(pool, metrics.nps(pool))
    assert small.empty
    assert {"value", "low", "high", "n", "warning"} <= set(small.columns)


def test_small_surveys_are_the_same_for_the_same_seed():
    pool = pd.Series(list(range(11)) * 6)
    a = metrics.small_surveys(pool, metrics.nps(pool), size=10, surveys=4, seed=7)
    b = metrics.small_surveys(pool, metrics.nps(pool), size=10, surveys=4, seed=7)
    pd.testing.assert_frame_equal(a, b)


def test_small_surveys_score_like_the_reference():
    pool = pd.Series([8] * 30)  # every answer is an 8: satisfied only from 8 upwards
    reference = metrics.csat(pool, scale=10, threshold=8)
    small = metrics.small_surveys(pool, reference, size=10, surveys=3)
    assert small["value"].tolist() == [100.0, 100.0, 100.0]
    assert small["threshold"].tolist() == [8, 8, 8]


@pytest.mark.parametrize("bad", [{"size": 0}, {"surveys": 0}, {"size": 2.5}])
def test_small_surveys_refuse_sizes_that_are_not_positive_whole_numbers(bad):
    pool = pd.Series([10] * 40)
    with pytest.raises(ValueError, match="positive whole number"):
        metrics.small_surveys(pool, metrics.nps(pool), **bad)


def test_small_surveys_finding_states_the_spread_and_how_many_intervals_hold():
    reference = metrics.nps([10] * 20 + [8] * 15 + [3] * 5)  # 20 - 5 of 40: NPS 37.5
    small = pd.DataFrame(
        {
            "value": [10.0, 30.0, 50.0],
            "low": [-20.0, 5.0, 40.0],  # the third interval misses 37.5
            "high": [40.0, 60.0, 70.0],
            "n": [12, 12, 12],
            "warning": ["only 12 responses: the interval is wide; treat the score as indicative"]
            * 3,
        }
    )
    f = metrics.small_surveys_finding(small, reference)
    assert f.text.startswith(
        "3 surveys of 12 answers each, all drawn from the same customers, put the NPS anywhere "
        "between 10 and 50, against 38 from all 40 answers. 2 of the 3 intervals contain that "
        "score"
    )
    assert f.text.endswith(
        "Each small survey carries cxlab's warning: *only 12 responses: "
        "the interval is wide; treat the score as indicative*."
    )
    assert f.facts["hold"] == 2


def test_small_surveys_finding_flags_a_reference_that_is_itself_small():
    reference = metrics.nps([10, 9, 8, 3] * 5)  # 20 answers
    small = metrics.small_surveys(pd.Series([10, 9, 8, 3] * 5), reference, size=10, surveys=2)
    text = metrics.small_surveys_finding(small, reference).text
    assert "The score of all answers is itself indicative: only 20 responses" in text


def test_small_surveys_finding_without_surveys_is_unsupported_and_gives_the_count():
    reference = metrics.nps([10] * 15)
    f = metrics.small_surveys_finding(
        metrics.small_surveys(pd.Series([10] * 15), reference), reference
    )
    assert not f.supported
    assert f.text.startswith("Only 15 NPS answers: too few")


# --------------------------------------------------------------------------------------------
# margins_finding


def _curve(rows):
    return pd.DataFrame(rows, columns=["metric", "n", "margin"])


def test_margins_finding_reads_the_margin_at_thirty_and_at_the_scores_own_n():
    nps_score = metrics.nps([10] * 20 + [8] * 10 + [0] * 10)  # n = 40
    csat_score = metrics.csat([5] * 30 + [1] * 20)  # n = 50
    curve = _curve([("nps", 30, 32.0), ("nps", 40, 28.0), ("csat", 30, 20.0), ("csat", 50, 15.0)])
    f = metrics.margins_finding(curve, {"nps": nps_score, "csat": csat_score})
    assert f.text == (
        "Keeping this client's mix, the NPS is known to ±32.0 points with 30 answers and to "
        "±28.0 with the 40 it rests on; the CSAT is known to ±20.0 points with 30 answers and "
        "to ±15.0 with the 50 it rests on. At the same number of answers the NPS margin is 1.6 "
        "times the CSAT margin, so the same precision needs about 2.6 times as many NPS answers."
    )


def test_margins_finding_says_when_identical_answers_leave_no_margin():
    ces_score = metrics.ces([5] * 40)  # no spread at all
    curve = _curve([("ces", 30, 0.0), ("ces", 40, 0.0)])
    text = metrics.margins_finding(curve, {"ces": ces_score}).text
    assert "±0.00 scale points with 30 answers" in text
    assert "All 40 CES answers are the same, so the formula gives no margin at all" in text


def test_margins_finding_without_the_rows_it_needs_is_unsupported():
    curve = _curve([("nps", 100, 10.0)])
    assert not metrics.margins_finding(curve, {"nps": metrics.nps([10] * 40)}).supported


def test_margins_finding_agrees_with_margin_curve_on_a_planted_mix():
    score = metrics.nps([10] * 20 + [8] * 10 + [0] * 10)  # 20 promoters, 10 detractors of 40
    f = metrics.margins_finding(metrics.margin_curve([score]), {"nps": score})
    # at 30 answers the same mix is 15 promoters and 7.5 detractors
    assert f.facts["nps"]["at_small_n"] == pytest.approx(adjusted_wald_margin(15, 7.5, 30))
    assert f.facts["nps"]["at_n"] == pytest.approx(adjusted_wald_margin(20, 10, 40))


# --------------------------------------------------------------------------------------------
# nps_for_mix, nps_mix_margins and mix_margins_finding


def test_nps_for_mix_splits_the_answers_by_the_shares():
    r = metrics.nps_for_mix(100, 0.45, 0.45)
    assert (r.promoters, r.passives, r.detractors) == (45, 10, 45)
    assert r.value == 0.0


def test_nps_for_mix_caps_rounded_detractors_to_fit():
    r = metrics.nps_for_mix(3, 0.5, 0.5)  # 1.5 rounds to 2 promoters; 2 detractors cannot fit
    assert (r.promoters, r.passives, r.detractors) == (2, 0, 1)


@pytest.mark.parametrize(
    ("n", "promoters", "detractors", "message"),
    [(10, 0.6, 0.5, "more than 100%"), (0, 0.5, 0.1, "at least 1"), (10, -0.1, 0.1, "from 0")],
)
def test_nps_for_mix_refuses_impossible_surveys(n, promoters, detractors, message):
    with pytest.raises(ValueError, match=message):
        metrics.nps_for_mix(n, promoters, detractors)


def test_nps_mix_margins_gives_the_adjusted_wald_half_width_of_each_mix():
    table = metrics.nps_mix_margins(sizes=[100])
    assert list(table.columns) == ["polarised (45% / 45%)", "mostly passive (20% / 10%)"]
    assert table.loc[100, "polarised (45% / 45%)"] == pytest.approx(
        adjusted_wald_margin(45, 45, 100)
    )
    assert table.loc[100, "mostly passive (20% / 10%)"] == pytest.approx(
        adjusted_wald_margin(20, 10, 100)
    )


def test_nps_mix_margins_puts_the_clients_own_mix_first():
    own = metrics.nps([10] * 6 + [8] * 2 + [0] * 2)  # 60 % promoters, 20 % detractors
    table = metrics.nps_mix_margins(own, sizes=[10])
    assert table.columns[0] == "this client (60% / 20%)"
    assert table.iloc[0, 0] == pytest.approx(adjusted_wald_margin(6, 2, 10))


def test_mix_margins_finding_compares_the_mixes_and_the_sizes():
    table = pd.DataFrame(
        {"polarised (45% / 45%)": [18.0, 6.0], "mostly passive (20% / 10%)": [10.0, 3.5]},
        index=pd.Index([100, 1000], name="answers"),
    )
    assert metrics.mix_margins_finding(table).text == (
        "With 100 answers a polarised base is known to ±18.0 points and a mostly passive one to "
        "±10.0; going from 100 to 1,000 answers cuts the polarised margin to ±6.0, about 3.0 "
        "times smaller for ten times the answers."
    )


def test_mix_margins_finding_without_the_rows_it_needs_is_unsupported():
    table = metrics.nps_mix_margins(sizes=[10, 30])
    assert not metrics.mix_margins_finding(table).supported


# --------------------------------------------------------------------------------------------
# warning_signs and warning_signs_finding


def test_warning_signs_counts_each_scores_warning_answers():
    r = pd.DataFrame({"nps": [10, 9, 6, 3], "csat": [5, 4, 3, 4], "ces": [7, 6, 2, 5]})
    signs = metrics.warning_signs(metrics.score_responses(r), r)
    assert signs["score"].tolist() == ["NPS", "CSAT", "CES"]
    assert signs["warning sign"].tolist() == [
        "detractors (0–6)",
        "below satisfied (1–3 on 1–5)",
        "on the hard side (1–3 on 1–7)",
    ]
    assert signs["share"].tolist() == [0.5, 0.25, 0.25]  # 6 and 3; the 3; the 2
    assert signs["first action"].tolist() == [metrics.FIRST_ACTIONS[m] for m in metrics.METRICS]


def test_warning_signs_mirror_the_hard_side_when_higher_is_harder():
    r = pd.DataFrame({"ces": [7, 6, 2, 5]})
    scores = {"ces": metrics.ces(r["ces"], higher_is_easier=False)}  # low effort is 1–3
    signs = metrics.warning_signs(scores, r)
    assert signs.loc[0, "warning sign"] == "on the hard side (5–7 on 1–7)"
    assert signs.loc[0, "share"] == 0.75  # 7, 6 and 5


def test_warning_signs_use_the_declared_csat_threshold():
    r = pd.DataFrame({"csat": [10, 8, 7, 2]})
    signs = metrics.warning_signs(metrics.score_responses(r, scales={"csat": 10}), r)
    assert signs.loc[0, "warning sign"] == "below satisfied (1–7 on 1–10)"
    assert signs.loc[0, "share"] == 0.5


def _signs(shares, ns):
    labels = ["NPS", "CSAT", "CES"][: len(shares)]
    return pd.DataFrame(
        {
            "score": labels,
            "warning sign": [f"sign {label}" for label in labels],
            "share": shares,
            "n": ns,
            "first action": [f"act on {label}" for label in labels],
        }
    )


def test_warning_signs_finding_names_the_most_common_sign_and_its_action():
    f = metrics.warning_signs_finding(_signs([0.1, 0.4, 0.2], [100, 200, 300]))
    assert f.text == (
        "The most common warning sign is in the CSAT answers: 40% of the 200 are sign CSAT. "
        "A first action to consider: act on CSAT. The shares come from different questions, so "
        "the comparison is rough — but it tells a busy owner where to look first."
    )


def test_warning_signs_finding_names_every_sign_that_ties():
    f = metrics.warning_signs_finding(_signs([0.3, 0.3], [100, 200]))
    assert f.facts["scores"] == ["NPS", "CSAT"]
    assert f.text.startswith(
        "The most common warning signs tie at 30% of the answers: sign NPS in the NPS answers "
        "(n = 100); sign CSAT in the CSAT answers (n = 200). First actions to consider: act on "
        "NPS (NPS); act on CSAT (CSAT)."
    )


def test_warning_signs_finding_says_when_no_answer_shows_a_warning():
    f = metrics.warning_signs_finding(_signs([0.0, 0.0], [40, 50]))
    assert (
        f.text == "No answer shows a warning sign: there are no NPS sign NPS and no CSAT sign CSAT."
    )


def test_warning_signs_finding_flags_a_small_sample_and_skips_the_comparison_for_one_score():
    text = metrics.warning_signs_finding(_signs([0.5], [12])).text
    assert "With fewer than 30 answers behind it, that share is indicative" in text
    assert "different questions" not in text


def test_warning_signs_finding_without_scores_is_unsupported():
    assert not metrics.warning_signs_finding(_signs([], [])).supported


def test_warning_signs_finding_escapes_its_values():
    signs = _signs([0.5], [40]).assign(**{"warning sign": [PAYLOAD]})
    out = metrics.warning_signs_finding(signs).to_markdown()
    assert "<img" not in out
    assert "&#60;img" in out


def test_small_surveys_finding_says_when_surveys_take_much_of_a_small_pool():
    pool = pd.Series([10, 9, 8, 3] * 10)  # 40 answers; surveys of 20 take half of them
    reference = metrics.nps(pool)
    small = metrics.small_surveys(pool, reference, size=20, surveys=2)
    text = metrics.small_surveys_finding(small, reference).text
    assert "Each survey takes 50% of the 40 answers, so the surveys overlap" in text


def test_small_surveys_finding_of_a_large_pool_has_no_overlap_note():
    pool = pd.Series([10, 9, 8, 3] * 100)  # surveys of 25 take 6% of 400 answers
    reference = metrics.nps(pool)
    small = metrics.small_surveys(pool, reference, surveys=2)
    assert "overlap" not in metrics.small_surveys_finding(small, reference).text
