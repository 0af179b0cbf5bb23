"""Chapter 01 · satisfaction metrics: the exercises on NPS, CSAT and their uncertainty.

The chapter's practical part scores all of a client's answers; exercises 1–4 ask for the same
scores for the latest calendar year in the responses (the figures an owner wants for an annual
review), so a learner applies the method rather than copies a printed number. Exercise 5 plans a
survey from the mix of all NPS answers.

Every expected answer is computed here with plain pandas and numpy from the learner's bundle —
not by calling :mod:`cxlab.metrics` — so a check is an independent second calculation of what
the chapter teaches, and the same exercises work on the demo client and on a client's export.
"""

from __future__ import annotations

import math
from statistics import NormalDist
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from cxlab.teaching._core import (
    Exercise,
    ExerciseSet,
    Mistake,
    Option,
    Question,
    Quiz,
    Unavailable,
    customers_where,
    on_demo,
    register,
    within,
)

if TYPE_CHECKING:  # pragma: no cover
    from cxlab.contract.bundle import Bundle

__all__ = ["metrics"]

#: The customers exercise 6 asks about: those who came through referrals, a channel the chapter
#: never scores on its own, whose yearly NPS rests on far fewer answers than the whole base's.
REFERRALS = customers_where("channel", "referral")

#: The three score columns of the responses table, in the order the chapter teaches them.
SCORES = ("nps", "csat", "ces")

#: Margin of error (± NPS points) that exercise 5 plans for.
TARGET_MARGIN = 5.0

#: Two-sided 95 % standard-normal quantile.
Z95 = NormalDist().inv_cdf(0.975)


def _latest_year(bundle: Bundle) -> pd.DataFrame:
    """Return the responses dated in the latest calendar year of the ``date`` column."""
    responses = bundle.responses
    years = pd.to_datetime(responses["date"]).dt.year
    if years.isna().all():
        raise Unavailable("the responses table has no dates")
    return responses[years == years.max()]


def _answers(bundle: Bundle, column: str, *, latest: bool = True) -> pd.Series:
    responses = _latest_year(bundle) if latest else bundle.responses
    if column not in responses:
        raise Unavailable(f"the responses table has no {column!r} column")
    answers = pd.to_numeric(responses[column], errors="coerce").dropna()
    if answers.empty:
        raise Unavailable(f"no response answers the {column} question")
    return answers


def _nps_counts(bundle: Bundle, *, latest: bool = True) -> tuple[int, int, int]:
    """``(promoters, detractors, n)`` of the NPS answers (latest year, or all)."""
    answers = _answers(bundle, "nps", latest=latest)
    return int((answers >= 9).sum()), int((answers <= 6).sum()), len(answers)


def _nps_by_hand(bundle: Bundle) -> float:
    promoters, detractors, n = _nps_counts(bundle)
    return 100 * (promoters - detractors) / n


def _csat_satisfied(bundle: Bundle) -> float:
    answers = _answers(bundle, "csat")
    threshold = bundle.config.csat_scale.satisfied_threshold
    return 100 * float((answers >= threshold).mean())


def _fewest_answers(bundle: Bundle) -> str:
    responses = _latest_year(bundle)
    counts = {m: int(responses[m].notna().sum()) for m in SCORES if m in responses}
    counts = {m: n for m, n in counts.items() if n > 0}
    if len(counts) < 2:
        raise Unavailable("the latest year answers fewer than two of NPS, CSAT and CES")
    fewest = min(counts.values())
    tied = [m for m, n in counts.items() if n == fewest]
    if len(tied) > 1:
        raise Unavailable(f"{' and '.join(tied)} rest on the same number of answers")
    return tied[0]


def _adjusted_wald(promoters: float, detractors: float, n: float) -> tuple[float, float]:
    """Rocks' (2016) adjusted-Wald 95 % interval of the NPS, on −1..1."""
    n_adj = n + 3
    p = (promoters + 0.75) / n_adj
    d = (detractors + 0.75) / n_adj
    centre = p - d
    half = Z95 * math.sqrt(max(p + d - centre**2, 0.0) / n_adj)
    observed = (promoters - detractors) / n
    low = max(min(centre - half, observed), -1.0)
    high = min(max(centre + half, observed), 1.0)
    return low, high


def _nps_interval_width(bundle: Bundle) -> float:
    low, high = _adjusted_wald(*_nps_counts(bundle))
    return 100 * (high - low)


def _answers_for_margin(bundle: Bundle) -> int:
    promoters, detractors, n = _nps_counts(bundle, latest=False)
    p, d = promoters / n, detractors / n
    if p + d - (p - d) ** 2 <= 0:
        raise Unavailable("every NPS answer falls in one group, so the score has no spread")
    sizes = np.arange(2, 1_000_001, dtype="float64")
    n_adj = sizes + 3
    p_adj = (p * sizes + 0.75) / n_adj
    d_adj = (d * sizes + 0.75) / n_adj
    margin = 100 * Z95 * np.sqrt((p_adj + d_adj - (p_adj - d_adj) ** 2) / n_adj)
    enough = np.flatnonzero(margin <= TARGET_MARGIN)
    if enough.size == 0:
        raise Unavailable("no survey of up to a million answers reaches that margin")
    return int(sizes[enough[0]])


def _nps_passives_as_detractors(bundle: Bundle) -> float:
    answers = _answers(bundle, "nps")
    return 100 * float((answers >= 9).mean() - (answers <= 8).mean())


def _nps_without_passives(bundle: Bundle) -> float:
    promoters, detractors, _ = _nps_counts(bundle)
    if promoters + detractors == 0:
        raise Unavailable("every answer is a passive")
    return 100 * (promoters - detractors) / (promoters + detractors)


def _nps_all_years(bundle: Bundle) -> float:
    promoters, detractors, n = _nps_counts(bundle, latest=False)
    return 100 * (promoters - detractors) / n


def _csat_top_box_only(bundle: Bundle) -> float:
    answers = _answers(bundle, "csat")
    return 100 * float((answers >= bundle.config.csat_scale.max).mean())


def _csat_mean_as_percent(bundle: Bundle) -> float:
    answers = _answers(bundle, "csat")
    return 100 * float(answers.mean()) / bundle.config.csat_scale.max


def _csat_all_years(bundle: Bundle) -> float:
    answers = _answers(bundle, "csat", latest=False)
    return 100 * float((answers >= bundle.config.csat_scale.satisfied_threshold).mean())


def _nps_interval_half_width(bundle: Bundle) -> float:
    return _nps_interval_width(bundle) / 2


def _nps_plain_wald_width(bundle: Bundle) -> float:
    promoters, detractors, n = _nps_counts(bundle)
    p, d = promoters / n, detractors / n
    return 2 * 100 * Z95 * math.sqrt(max(p + d - (p - d) ** 2, 0.0) / n)


def _answers_for_width(bundle: Bundle) -> int:
    """Return the survey size for a ±2.5-point margin (±5 read as the width)."""
    promoters, detractors, n = _nps_counts(bundle, latest=False)
    p, d = promoters / n, detractors / n
    return math.ceil(Z95**2 * (p + d - (p - d) ** 2) / 0.025**2)


def _answers_with_binomial_variance(bundle: Bundle) -> int:
    promoters, _, n = _nps_counts(bundle, latest=False)
    p = promoters / n
    return math.ceil(Z95**2 * p * (1 - p) / 0.05**2)


def _nps_years(bundle: Bundle) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    """Promoter, detractor and answer counts of the previous and the latest calendar year."""
    responses = bundle.responses
    if "nps" not in responses:
        raise Unavailable("the responses table has no 'nps' column")
    years = pd.to_datetime(responses["date"]).dt.year
    if years.isna().all():
        raise Unavailable("the responses table has no dates")
    latest = years.max()
    counts = []
    for year in (latest - 1, latest):
        answers = pd.to_numeric(responses.loc[years == year, "nps"], errors="coerce").dropna()
        if answers.empty:
            raise Unavailable(f"no NPS answer is dated in {int(year)}")
        counts.append((int((answers >= 9).sum()), int((answers <= 6).sum()), len(answers)))
    return counts[0], counts[1]


def _nps_change_verdict(bundle: Bundle) -> str:
    """Apply the rule: a change is real only when the two years' intervals do not overlap."""
    before, after = (_adjusted_wald(*counts) for counts in _nps_years(bundle))
    if after[0] > before[1]:
        return "up"
    if after[1] < before[0]:
        return "down"
    return "unclear"


def _nps_change_from_points(bundle: Bundle) -> str:
    before, after = ((p - d) / n for p, d, n in _nps_years(bundle))
    return "up" if after > before else "down" if after < before else "unclear"


QUIZ = Quiz(
    (
        Question(
            "A café's NPS survey: 10 answers of 9–10, 5 of 7–8, 5 of 0–6. What is the NPS?",
            (
                Option("50", "That leaves the 5 passives out of n: (10 − 5) / 10 is not it."),
                Option(
                    "25",
                    "(10 − 5) / 20 = 25 %: passives count in n but in neither group.",
                ),
                Option("75", "That counts passives as promoters."),
            ),
            answer="b",
        ),
        Question(
            "CSAT went from 78 % (n = 40) to 85 % (n = 40). What can the owner say?",
            (
                Option(
                    "Satisfaction rose by 7 points",
                    "With 40 answers each, each score's interval is about ±12 points wide, "
                    "so a 7-point change is within the noise.",
                ),
                Option(
                    "The change is within what 40 answers per period can show by chance",
                    "Both intervals overlap widely; more answers, or a longer period, are "
                    "needed before calling it a rise.",
                ),
                Option(
                    "Satisfaction fell",
                    "The point estimate went up; the honest reading is that we cannot tell.",
                ),
            ),
            answer="b",
        ),
        Question(
            "Which metric fits the question 'was it easy to return the jumper?'",
            (
                Option("NPS", "NPS asks about the relationship as a whole, not one task."),
                Option("CSAT", "CSAT asks how satisfied, not how much effort it took."),
                Option(
                    "CES",
                    "Effort is what CES measures, right after the interaction; high effort "
                    "predicts disloyalty better than low delight predicts loyalty.",
                ),
            ),
            answer="c",
        ),
        Question(
            "To halve the margin of error of a score, a survey needs...",
            (
                Option("twice the answers", "The margin falls with √n, not with n."),
                Option(
                    "four times the answers",
                    "The margin is proportional to 1/√n, so halving it takes n × 4.",
                ),
                Option(
                    "the same answers on a longer scale",
                    "A longer scale changes the question, not n.",
                ),
            ),
            answer="b",
        ),
    )
)


metrics = register(
    ExerciseSet(
        "01",
        (
            Exercise(
                1,
                "NPS of the latest year",
                _nps_by_hand,
                requires=("responses",),
                tolerance=0.05,
                why="Promoters answer 9–10, detractors 0–6; the NPS is the percentage of "
                "promoters minus the percentage of detractors, both out of everyone who "
                "answered the question (passives count in the total).",
                hint="Keep the latest year's responses and drop the missing NPS values, then "
                "take (answers >= 9).mean() minus (answers <= 6).mean() and multiply by 100. "
                "Answer in points, e.g. 47.5.",
                mistakes=(
                    Mistake(
                        "counted the passives (7–8) as detractors",
                        _nps_passives_as_detractors,
                        why="Detractors answer 0–6 only; 7 and 8 are passives.",
                    ),
                    Mistake(
                        "left the passives out of n",
                        _nps_without_passives,
                        why="Passives answered the question, so they count in n though in "
                        "neither group.",
                    ),
                    Mistake(
                        "scored every year, not the latest",
                        _nps_all_years,
                        why="Keep the responses of the latest calendar year first.",
                    ),
                ),
            ),
            Exercise(
                2,
                "CSAT of the latest year",
                _csat_satisfied,
                requires=("responses",),
                tolerance=0.05,
                why="CSAT counts the answers at or above the bundle's satisfied threshold "
                "(bundle.config.csat_scale.satisfied) out of all CSAT answers; on a 1–10 scale "
                "that is 8–10, not 4–5.",
                hint="Keep the latest year's responses, read the threshold from "
                "bundle.config.csat_scale.satisfied, drop missing answers, and take the share "
                "at or above the threshold, in percent.",
                mistakes=(
                    Mistake(
                        "counted only the top box as satisfied",
                        _csat_top_box_only,
                        why="The satisfied threshold is bundle.config.csat_scale."
                        "satisfied_threshold, usually the top two boxes.",
                    ),
                    Mistake(
                        "took the mean score as a percentage of the scale",
                        _csat_mean_as_percent,
                        why="CSAT is a share of satisfied answers, not an average rating.",
                    ),
                    Mistake(
                        "scored every year, not the latest",
                        _csat_all_years,
                        why="Keep the responses of the latest calendar year first.",
                    ),
                ),
            ),
            Exercise(
                3,
                "the score with the fewest answers in the latest year",
                _fewest_answers,
                requires=("responses",),
                why="Each score rests on its own n — the responses that answered its question — "
                "and the score with the smallest n has the widest interval for the same spread.",
                hint="In the latest year's responses, count the non-missing values of nps, csat "
                "and ces and answer with the name of the column with the smallest count.",
            ),
            Exercise(
                4,
                "width of the latest year's NPS interval",
                _nps_interval_width,
                requires=("responses",),
                tolerance=0.01,
                why="Rocks' adjusted Wald adds 3/4 of a promoter, 3/4 of a detractor and 3/2 of "
                "a passive (n' = n + 3), then takes (p' − d') ± 1.96·√((p' + d' − (p' − d')²)/n'); "
                "the width is twice that margin, in points.",
                hint="With the latest year's counts, compute p' = (promoters + 0.75)/(n + 3) "
                "and d' likewise, the margin "
                "1.96·sqrt((p' + d' − (p' − d')**2)/(n + 3)), and answer 2 × 100 × margin.",
                mistakes=(
                    Mistake(
                        "gave the margin (half the width)",
                        _nps_interval_half_width,
                        why="The width is high − low, twice the ± margin.",
                    ),
                    Mistake(
                        "used the plain Wald interval, without Rocks' adjustment",
                        _nps_plain_wald_width,
                        why="Add 3/4 of a promoter and 3/4 of a detractor and use n + 3.",
                    ),
                ),
            ),
            Exercise(
                5,
                "answers for a ±5-point NPS",
                _answers_for_margin,
                requires=("responses",),
                tolerance=0.03,
                relative=True,
                why="Solving 1.96·√(V/n) = 0.05 for n with V = p + d − (p − d)² gives "
                "n = 1.96²·V/0.05²; the adjusted-Wald version needs a few answers less. The "
                "margin falls with √n, so halving it takes four times the answers.",
                hint="Use the shares of promoters p and detractors d (0–1) of all NPS answers: "
                "V = p + d − (p − d)**2 and n = 1.96**2 * V / 0.05**2, rounded up.",
                mistakes=(
                    Mistake(
                        "read ±5 points as the width of the interval (a ±2.5 margin)",
                        _answers_for_width,
                        why="±5 points is the margin, half the width: use 0.05 in the formula.",
                    ),
                    Mistake(
                        "used the variance of a single share, p(1 − p), for the NPS",
                        _answers_with_binomial_variance,
                        why="The NPS is a difference of two shares; its variance is "
                        "p + d − (p − d)².",
                    ),
                ),
            ),
            Exercise(
                6,
                "did the NPS of the customers who came through referrals really change from "
                "the previous year",
                within(REFERRALS, _nps_change_verdict),
                requires=("responses",),
                why="Each year's NPS is an estimate from a sample; the rule calls a change real "
                "only when the two 95 % adjusted-Wald intervals do not overlap. Overlapping "
                "intervals do not prove that nothing changed: they say the answers cannot tell "
                "— and a segment's few answers often cannot.",
                hint="Keep the responses of the customers whose channel is 'referral' in the "
                "customers table, score the previous and the latest calendar year separately "
                "with metrics.score_responses (or by hand), compare each year's low and high, "
                'and answer "up", "down" or "unclear".',
                mistakes=(
                    Mistake(
                        "read the change off the two scores and ignored their intervals",
                        within(REFERRALS, _nps_change_from_points),
                        why="Two point estimates always differ a little; only intervals that "
                        "do not overlap show a change the sample can support.",
                    ),
                ),
            ),
            Exercise(
                7,
                "NPS of the saas demo's latest year",
                on_demo("saas", _nps_by_hand),
                requires=("responses",),  # the chapter's own tables, as every exercise
                tolerance=0.05,
                why="The method does not change with the client: promoters (9–10) minus "
                "detractors (0–6), both as percentages of everyone who answered in that year.",
                hint='Load the client with cxlab.datasets.load_demo("saas"), keep its latest '
                "calendar year of responses and score the NPS as in exercise 1.",
                mistakes=(
                    Mistake(
                        "counted the passives (7–8) as detractors",
                        on_demo("saas", _nps_passives_as_detractors),
                        why="Detractors answer 0–6 only; 7 and 8 are passives.",
                    ),
                    Mistake(
                        "left the passives out of n",
                        on_demo("saas", _nps_without_passives),
                        why="Passives count in n though in neither group.",
                    ),
                    Mistake(
                        "scored every year, not the latest",
                        on_demo("saas", _nps_all_years),
                        why="Keep the responses of the latest calendar year first.",
                    ),
                    Mistake(
                        "scored the chapter's client instead of the saas demo",
                        _nps_by_hand,
                        why='Load the second client with cxlab.datasets.load_demo("saas").',
                    ),
                ),
            ),
        ),
        quiz=QUIZ,
    )
)
