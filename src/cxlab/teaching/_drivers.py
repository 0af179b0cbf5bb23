"""Chapter 02 · metrics in depth: the exercises on breakdowns, NPS groups, effort and drivers.

Every expected answer is computed here from the learner's bundle with plain pandas, not with
:mod:`cxlab.metrics` or :mod:`cxlab.drivers`, so a check does not repeat the function the
learner is meant to call.
"""

from __future__ import annotations

import math
from statistics import NormalDist
from typing import TYPE_CHECKING

import pandas as pd

from cxlab.teaching._core import (
    Exercise,
    ExerciseSet,
    Mistake,
    Option,
    Question,
    Quiz,
    Unavailable,
    on_demo,
    quarter_back,
    register,
    within,
)

if TYPE_CHECKING:  # pragma: no cover
    from pandas.api.typing import SeriesGroupBy

    from cxlab.contract.bundle import Bundle

__all__ = ["drivers"]

#: Touchpoints with fewer answers than this are left out of the "which touchpoint" exercises,
#: as a score from a handful of answers is too uncertain to single a touchpoint out.
MIN_ANSWERS = 30

#: The quarter exercises 1, 3 and 6 ask about: two before the latest in the data (Q2 2025 for
#: the demo), which the chapter does not break down, so its touchpoints have to be worked out.
QUARTER = quarter_back(2)

#: Two-sided 95 % standard-normal quantile.
Z95 = NormalDist().inv_cdf(0.975)


def _columns(bundle: Bundle, *names: str) -> pd.DataFrame:
    responses = bundle.responses
    missing = [c for c in names if c not in responses.columns]
    if missing:
        raise Unavailable(
            f"the responses table has no {', '.join(repr(c) for c in missing)} column"
        )
    return responses


def _by_touchpoint(bundle: Bundle, score: str, *, least: int = MIN_ANSWERS) -> SeriesGroupBy:
    responses = _columns(bundle, "touchpoint", score)
    answered = responses.dropna(subset=["touchpoint", score])
    sizes = answered.groupby("touchpoint")[score].size()
    keep = sizes.index[sizes >= least]
    if len(keep) < 2:
        raise Unavailable(
            f"fewer than two touchpoints have {MIN_ANSWERS} or more {score.upper()} answers"
        )
    answered = answered[answered["touchpoint"].isin(keep)]
    return answered.assign(**{score: answered[score].astype("float64")}).groupby("touchpoint")[
        score
    ]


def _lowest_csat_touchpoint(bundle: Bundle, *, below: int = 0, least: int = MIN_ANSWERS) -> str:
    threshold = bundle.config.csat_scale.satisfied_threshold - below
    groups = _by_touchpoint(bundle, "csat", least=least)
    return str(groups.apply(lambda s: (s >= threshold).mean()).idxmin())


def _lowest_csat_one_below_threshold(bundle: Bundle) -> str:
    return _lowest_csat_touchpoint(bundle, below=1)


def _lowest_csat_any_answers(bundle: Bundle) -> str:
    return _lowest_csat_touchpoint(bundle, least=1)


def _detractor_percent(bundle: Bundle) -> float:
    nps = _columns(bundle, "nps")["nps"].dropna().astype("float64")
    if nps.empty:
        raise Unavailable("no response answers the NPS question")
    return float(100 * (nps <= 6).mean())


def _highest_effort_touchpoint(bundle: Bundle) -> str:
    means = _by_touchpoint(bundle, "ces").mean()
    higher_is_easier = bundle.config.ces_scale.higher_is_easier
    return str(means.idxmin() if higher_is_easier else means.idxmax())


def _driver_columns(bundle: Bundle) -> list[str]:
    items = list(bundle.config.drivers)
    if not items:
        raise Unavailable("the bundle's cxlab.yml lists no driver items (drivers:)")
    _columns(bundle, "nps", *items)
    return items


def _latest_year(bundle: Bundle) -> pd.DataFrame:
    responses = _columns(bundle, "date")
    years = pd.to_datetime(responses["date"]).dt.year
    if years.isna().all():
        raise Unavailable("the responses table has no dates")
    return responses[years == years.max()]


def _complete_rows(bundle: Bundle) -> int:
    items = _driver_columns(bundle)
    return int(_latest_year(bundle)[["nps", *items]].notna().all(axis=1).sum())


def _complete_rows_all_years(bundle: Bundle) -> int:
    items = _driver_columns(bundle)
    return int(bundle.responses[["nps", *items]].notna().all(axis=1).sum())


def _nps_rows_latest_year(bundle: Bundle) -> int:
    _driver_columns(bundle)
    return int(_latest_year(bundle)["nps"].notna().sum())


def _detractor_share(bundle: Bundle) -> float:
    return _detractor_percent(bundle) / 100


def _detractors_and_passives(bundle: Bundle) -> float:
    nps = _columns(bundle, "nps")["nps"].dropna().astype("float64")
    if nps.empty:
        raise Unavailable("no response answers the NPS question")
    return float(100 * (nps <= 8).mean())


def _least_effort_touchpoint(bundle: Bundle) -> str:
    means = _by_touchpoint(bundle, "ces").mean()
    higher_is_easier = bundle.config.ces_scale.higher_is_easier
    return str(means.idxmax() if higher_is_easier else means.idxmin())


def _r2_latest_year(bundle: Bundle) -> pd.Series:
    items = _driver_columns(bundle)
    table = _latest_year(bundle)[["nps", *items]].astype("float64")
    r2 = table.corr()["nps"].drop("nps") ** 2
    if r2.isna().all():
        raise Unavailable("no driver item can be correlated with NPS")
    return r2


def _top_driver_by_r2(bundle: Bundle) -> float:
    return float(_r2_latest_year(bundle).max())


def _top_driver_correlation(bundle: Bundle) -> float:
    r2 = _r2_latest_year(bundle)
    return float(r2.max() ** 0.5)


def _top_driver_r2_all_years(bundle: Bundle) -> float:
    items = _driver_columns(bundle)
    table = bundle.responses[["nps", *items]].astype("float64")
    return float((table.corr()["nps"].drop("nps") ** 2).max())


def wilson95(k: int, n: int) -> tuple[float, float]:
    """Wilson's 95 % interval of the share k / n."""
    p = k / n
    centre = (p + Z95**2 / (2 * n)) / (1 + Z95**2 / n)
    half = Z95 * math.sqrt(p * (1 - p) / n + Z95**2 / (4 * n**2)) / (1 + Z95**2 / n)
    return centre - half, centre + half


def _touchpoint_to_fix(bundle: Bundle) -> str:
    """Apply the rule: fix the touchpoint whose interval lies wholly below the rest's share."""
    threshold = bundle.config.csat_scale.satisfied_threshold
    groups = _by_touchpoint(bundle, "csat")
    satisfied = groups.apply(lambda s: int((s >= threshold).sum()))
    n = groups.size()
    below = {}
    for tp in n.index:
        rest = (satisfied.sum() - satisfied[tp]) / (n.sum() - n[tp])
        high = wilson95(int(satisfied[tp]), int(n[tp]))[1]
        if high < rest:
            below[tp] = high
    return min(below, key=below.get) if below else "none"


def _csat_all_touchpoints_share(bundle: Bundle) -> float:
    threshold = bundle.config.csat_scale.satisfied_threshold
    csat = _columns(bundle, "csat")["csat"].dropna().astype("float64")
    return float((csat >= threshold).mean())


QUIZ = Quiz(
    (
        Question(
            "Five touchpoints are each tested against the rest at α = 0.05. If no touchpoint "
            "really differs and the tests were independent, the chance of at least one false "
            "flag is about...",
            (
                Option("5 %", "That is the chance for one test, not for five."),
                Option(
                    "23 %",
                    "1 − 0.95⁵ ≈ 0.23 — for independent tests; tests against overlapping "
                    "'rest' groups are not quite independent, which is why Holm's method, "
                    "valid under any dependence, is used.",
                ),
                Option("50 %", "Too high: five tests at 5 % do not reach a coin flip."),
            ),
            answer="b",
        ),
        Question(
            "Relative weights of three drivers are 0.20, 0.10 and 0.05 with R² = 0.35. What "
            "share of the explained variance does the first driver carry?",
            (
                Option("20 %", "0.20 is its raw weight, in units of R², not a share."),
                Option("57 %", "0.20 / 0.35 ≈ 57 %: raw weights sum to R², shares to 100 %."),
                Option("35 %", "That is R² itself, the variance all drivers explain together."),
            ),
            answer="b",
        ),
        Question(
            "Which benchmark is the fairest first target for a small shop?",
            (
                Option(
                    "The national index of the largest retailers",
                    "Different customers, scale and survey method: the gap tells little.",
                ),
                Option(
                    "Its own score from the same period last year, with its interval",
                    "An internal benchmark uses the same survey and customers; the interval "
                    "says whether a change is more than noise.",
                ),
                Option(
                    "A competitor's star rating online",
                    "A useful indirect signal, but a different scale and self-selected "
                    "reviewers, so not a target.",
                ),
            ),
            answer="b",
        ),
    )
)


drivers = register(
    ExerciseSet(
        "02",
        (
            Exercise(
                1,
                "touchpoint with the lowest CSAT two quarters before the latest",
                within(QUARTER, _lowest_csat_touchpoint),
                requires=("responses",),
                why="CSAT is the share of satisfied answers, compared only where enough "
                "answers stand behind it. In a single quarter the whole-period ranking can "
                "change: a touchpoint with few answers drops out, and chance moves the rest.",
                hint="Keep the responses dated in that quarter (pd.Period(date, 'Q') equal to "
                "the latest quarter minus 2) with a touchpoint and a CSAT answer, count an "
                "answer as satisfied when it reaches bundle.config.csat_scale.satisfied, take "
                f"the share per touchpoint (touchpoints with at least {MIN_ANSWERS} answers "
                "that quarter) and pick the smallest; answer with its name as text.",
                mistakes=(
                    Mistake(
                        "counted the answer just below the satisfied threshold as satisfied",
                        within(QUARTER, _lowest_csat_one_below_threshold),
                        why="Satisfied starts at bundle.config.csat_scale.satisfied (4 on a "
                        "1–5 scale); a 3 is neutral.",
                    ),
                    Mistake(
                        f"kept touchpoints with fewer than {MIN_ANSWERS} answers",
                        within(QUARTER, _lowest_csat_any_answers),
                        why=f"A share from a handful of answers is too uncertain to single a "
                        f"touchpoint out; leave out those with fewer than {MIN_ANSWERS}.",
                    ),
                ),
            ),
            Exercise(
                2,
                "share of detractors",
                _detractor_percent,
                requires=("responses",),
                tolerance=0.5,
                why="Detractors answer 0–6; together with the promoters' share this gives the "
                "NPS (promoters % − detractors %).",
                hint="Among the responses that answer the NPS question, take the share that "
                "scored 0 to 6, in percent (e.g. 18.5, not 0.185); an answer within ±0.5 "
                "points counts.",
                mistakes=(
                    Mistake(
                        "gave a share (0–1) instead of a percentage",
                        _detractor_share,
                        why="Multiply by 100.",
                    ),
                    Mistake(
                        "counted the passives (7–8) as detractors",
                        _detractors_and_passives,
                        why="Detractors answer 0–6 only.",
                    ),
                ),
            ),
            Exercise(
                3,
                "touchpoint that takes the most effort two quarters before the latest",
                within(QUARTER, _highest_effort_touchpoint),
                requires=("responses",),
                why="This is where customers worked hardest that quarter; compare it with the "
                "whole period in section 4 to see whether the effort moved.",
                hint=f"Keep the responses of the quarter of exercise 1, average the CES answers "
                f"per touchpoint (touchpoints with at least {MIN_ANSWERS} answers). Read the "
                "scale's direction in bundle.config.ces_scale: when higher is easier, the most "
                "effort is the lowest mean.",
                mistakes=(
                    Mistake(
                        "used every quarter, not only that one",
                        _highest_effort_touchpoint,
                        why="Keep the responses dated in the quarter two before the latest first.",
                    ),
                    Mistake(
                        "read the CES scale the wrong way round",
                        within(QUARTER, _least_effort_touchpoint),
                        why="Check bundle.config.ces_scale.higher_is_easier: on an easy-is-high "
                        "scale the most effort is the lowest mean.",
                    ),
                ),
            ),
            Exercise(
                4,
                "rows behind a key-driver analysis of the latest year",
                _complete_rows,
                requires=("responses",),
                why="Relative weights need the outcome and every driver item on the same row; "
                "post-interaction surveys do not ask NPS, so most responses drop out.",
                hint="Keep the responses of the latest calendar year, then count those where "
                "nps and every column listed in bundle.config.drivers are all filled: "
                ".notna().all(axis=1).sum().",
                mistakes=(
                    Mistake(
                        "counted the rows of every year",
                        _complete_rows_all_years,
                        why="Keep the latest calendar year of the date column first.",
                    ),
                    Mistake(
                        "counted the rows with an NPS answer, whatever the driver items",
                        _nps_rows_latest_year,
                        why="A row enters the analysis only when the outcome and every driver "
                        "item are filled.",
                    ),
                ),
            ),
            Exercise(
                5,
                "squared correlation of the top driver in the latest year",
                _top_driver_by_r2,
                requires=("responses",),
                tolerance=0.005,
                why="For uncorrelated items the squared correlation is the relative weight; "
                "the items here are correlated, so relative weights share the overlap out and "
                "are smaller, but they sum to R² and rank the same top driver.",
                hint="Keep the latest calendar year, correlate each driver item with nps "
                "(DataFrame.corr() uses every row where both are filled), square the "
                "correlations and answer with the largest, a number between 0 and 1.",
                mistakes=(
                    Mistake(
                        "gave the correlation r instead of r²",
                        _top_driver_correlation,
                        why="Square the correlation: r² is the share of the NPS variance the "
                        "item explains on its own.",
                    ),
                    Mistake(
                        "used every year, not the latest",
                        _top_driver_r2_all_years,
                        why="Keep the latest calendar year of the date column first.",
                    ),
                ),
            ),
            Exercise(
                6,
                "which touchpoint to fix first two quarters before the latest, given the intervals",
                within(QUARTER, _touchpoint_to_fix),
                requires=("responses",),
                why="A touchpoint is singled out only when even the top of its 95 % interval "
                "is below the share satisfied at all the other touchpoints: then its low score "
                "is not chance. Among several, the lowest upper bound is the surest problem; "
                "when none is below, a quarter's answers do not say which to fix.",
                hint="In the quarter of exercise 1, for each touchpoint with 30 or more CSAT "
                "answers, take its satisfied count k and answers n, its 95 % Wilson interval, "
                "and the share satisfied of all the other touchpoints' answers pooled. Answer "
                "with the name of the touchpoint whose upper bound is lowest among those below "
                'that share, or "none".',
                mistakes=(
                    Mistake(
                        "used every quarter, not only that one",
                        _touchpoint_to_fix,
                        why="Keep the responses dated in the quarter two before the latest "
                        "first; over the whole period far more answers narrow the intervals.",
                    ),
                    Mistake(
                        "picked the lowest share satisfied without looking at the intervals",
                        within(QUARTER, _lowest_csat_touchpoint),
                        why="The lowest point estimate may rest on few answers; the rule asks "
                        "for an interval wholly below the other touchpoints.",
                    ),
                ),
            ),
            Exercise(
                7,
                "share of detractors at the restaurant demo",
                on_demo("restaurant", _detractor_percent),
                requires=("responses",),  # the chapter's own tables, as every exercise
                tolerance=0.5,
                why="NPS groups do not depend on the client's CSAT scale: detractors are the "
                "0–6 answers of the 0–10 recommendation question at every client.",
                hint='Load cxlab.datasets.load_demo("restaurant"), keep its NPS answers and take '
                "the share scored 0 to 6, in percent.",
                mistakes=(
                    Mistake(
                        "gave a share (0–1) instead of a percentage",
                        on_demo("restaurant", _detractor_share),
                        why="Multiply the share by 100.",
                    ),
                    Mistake(
                        "counted the passives (7–8) as detractors",
                        on_demo("restaurant", _detractors_and_passives),
                        why="Detractors answer 0–6 only.",
                    ),
                    Mistake(
                        "used the chapter's client instead of the restaurant demo",
                        _detractor_percent,
                        why='Load the second client with cxlab.datasets.load_demo("restaurant").',
                    ),
                ),
            ),
        ),
        quiz=QUIZ,
    )
)
