"""The three scores of a responses table, what small surveys do to them, and what they say.

Chapter 01 scores every rating question a client asked (NPS, CSAT, CES), shows how far a small
survey can stray, how the margin of error shrinks with more answers and with a calmer answer
mix, and which warning sign is most common. The analyses are here as functions that return
score results or DataFrames; next to each is a ``*_finding`` function that returns the
sentence the chapter states as a :class:`cxlab.findings.Finding`, built from the numbers and
saying plainly when they do not support it (no answers, fewer than :data:`SMALL_N` answers,
ties, a result with no spread).

Examples
--------
>>> import pandas as pd
>>> r = pd.DataFrame({"nps": [10, 9, 8, 3, None], "csat": [5, 4, None, 2, 1]})
>>> scores = score_responses(r)
>>> list(scores), round(scores["nps"].value, 1)
(['nps', 'csat'], 25.0)
>>> print(warning_signs_finding(warning_signs(scores, r)).text.split(":")[0])
The most common warning sign is in the CSAT answers
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from cxlab import present
from cxlab.findings import Finding, join, md, noun, series
from cxlab.metrics._planning import by_metric
from cxlab.metrics._scores import (
    METRICS,
    SMALL_N,
    CESScore,
    CSATScore,
    NPSScore,
    Score,
    ces,
    csat,
    nps,
)

__all__ = [
    "FIRST_ACTIONS",
    "MIN_SURVEY",
    "NPS_MIXES",
    "answered_metrics",
    "definitions_finding",
    "hand_check_finding",
    "intervals_finding",
    "margins_finding",
    "mix_margins_finding",
    "nps_for_mix",
    "nps_mix_margins",
    "score_responses",
    "small_surveys",
    "small_surveys_finding",
    "survey_finding",
    "warning_signs",
    "warning_signs_finding",
]

#: The first action each score's warning sign suggests (the chapter's table of first actions).
FIRST_ACTIONS: dict[str, str] = {
    "nps": "contact detractors within days, ask what went wrong and fix what can be fixed",
    "csat": "find the touchpoint that disappoints (the breakdown by touchpoint shows it) and let "
    "staff put it right "
    "on the spot",
    "ces": "remove friction: fewer steps and hand-offs, common questions answered up front, "
    "problems solved on the first contact",
}

#: Two reference mixes of promoters and detractors (shares 0–1) for the NPS margin table.
NPS_MIXES: dict[str, tuple[float, float]] = {
    "polarised (45% / 45%)": (0.45, 0.45),
    "mostly passive (20% / 10%)": (0.20, 0.10),
}
_POLARISED, _PASSIVE = NPS_MIXES

#: The fewest answers a simulated small survey may have.
MIN_SURVEY = 10

#: Above this share of the pool per survey, the surveys overlap enough to understate the spread.
_OVERLAP = 0.1

_SCORERS = {"nps": nps, "csat": csat, "ces": ces}


def _labels(scores: Sequence[Score]) -> list[Finding | str]:
    return series([md("{label}", label=s.label) for s in scores])


def _digits(score: Score) -> int:
    """Decimals a sentence gives a score: two on the CES's short scale, one otherwise."""
    return 2 if isinstance(score, CESScore) else 1


# ----------------------------------------------------------------------------------------------
# Scoring a responses table


def answered_metrics(responses: pd.DataFrame | None, *, metrics: Sequence[str] = METRICS) -> list:
    """Return the rating questions a responses table answers at least once.

    Parameters
    ----------
    responses : pandas.DataFrame or None
        The responses table (None when the bundle has none).
    metrics : sequence of str, default ("nps", "csat", "ces")
        The columns to look for, in the order to report them.

    Returns
    -------
    list of str
        The metrics whose column exists and holds at least one answer.

    Examples
    --------
    >>> answered_metrics(pd.DataFrame({"nps": [9, None], "ces": [None, None]}))
    ['nps']
    """
    if responses is None:
        return []
    return [m for m in metrics if m in responses and responses[m].notna().any()]


def score_responses(
    responses: pd.DataFrame,
    *,
    scales: Mapping[str, Any] | None = None,
    confidence: float = 0.95,
) -> dict[str, Score]:
    """Score every rating question a responses table answers, each with its interval.

    Parameters
    ----------
    responses : pandas.DataFrame
        The responses table, with columns ``nps``, ``csat`` and/or ``ces``.
    scales : mapping, optional
        ``{"csat": scale, "ces": scale}``: the bundle's declared scales
        (``bundle.config.csat_scale``, ``bundle.config.ces_scale``) or anything :func:`csat`
        and :func:`ces` accept; a metric left out gets its function's default (1–5, 1–7).
    confidence : float, default 0.95
        Confidence level of every interval.

    Returns
    -------
    dict of str to score result
        :func:`nps`, :func:`csat` and :func:`ces` results keyed by metric, in that order,
        for the questions with at least one answer.

    Raises
    ------
    cxlab.errors.DataError
        If answers lie outside their scale (the message names the column and rows).

    Examples
    --------
    >>> r = pd.DataFrame({"nps": [10, 9, 3, None], "csat": [8, 9, 4, 10]})
    >>> scores = score_responses(r, scales={"csat": 10})
    >>> round(scores["nps"].value, 1), scores["csat"].value, "ces" in scores
    (33.3, 75.0, False)
    """
    scales = dict(scales or {})
    out: dict[str, Score] = {}
    for metric in answered_metrics(responses):
        options = {"scale": scales[metric]} if metric in scales and metric != "nps" else {}
        out[metric] = _SCORERS[metric](responses[metric], confidence=confidence, **options)
    return out


def survey_finding(responses: pd.DataFrame | None, *, client: str) -> Finding:
    """State whose responses are analysed, which questions they answer and which are skipped.

    Parameters
    ----------
    responses : pandas.DataFrame or None
        The responses table (None when the bundle has none).
    client : str
        The client's display name (client text: escaped when shown).

    Returns
    -------
    Finding
        "Working with **Shop**: 2,627 survey responses, answering NPS, CSAT and CES." followed
        by a note for each question never answered. Unsupported without responses or answers.

    Examples
    --------
    >>> r = pd.DataFrame({"nps": [9, 10], "csat": [None, None]})
    >>> print(survey_finding(r, client="Shop"))  # doctest: +NORMALIZE_WHITESPACE
    Working with Shop: 2 survey responses, answering NPS. This bundle has no CSAT answers, so
    every CSAT part is skipped. This bundle has no CES answers, so every CES part is skipped.
    """
    if responses is None:
        return Finding.unsupported(
            "**{client}** has no responses table, so there are no satisfaction scores to compute; "
            "add one to the bundle (see the data contract).",
            client=client,
        )
    answered = answered_metrics(responses)
    if not answered:
        return Finding.unsupported(
            "**{client}** has {n:,} survey " + noun(len(responses), "response") + ", but none "
            "answers an NPS, CSAT or CES question, so there is no score to compute.",
            client=client,
            n=len(responses),
        )
    parts: list[Finding | str] = [
        md(
            "Working with **{client}**: {n:,} survey " + noun(len(responses), "response") + ", "
            "answering ",
            client=client,
            n=len(responses),
        ),
        *series([md("{m}", m=m.upper()) for m in answered]),
        ".",
    ]
    for metric in METRICS:
        if metric not in answered:
            parts.append(
                md(
                    " This bundle has no {m} answers, so every {m} part is skipped.",
                    m=metric.upper(),
                )
            )
    numbers = {"client": client, "responses": len(responses), "answered": answered}
    return replace(join(parts, sep=""), numbers=numbers)


def definitions_finding(scores: Mapping[str, Score]) -> Finding:
    """State each score as its definition counts it: shares, threshold, scale and direction.

    Parameters
    ----------
    scores : mapping of str to score result
        Results of :func:`nps`, :func:`csat` and :func:`ces` (e.g. from
        :func:`score_responses`).

    Returns
    -------
    Finding
        "Counted this way, the NPS is 27.1 from 907 answers (44% promoters minus 17%
        detractors); 55.2% of 1,312 CSAT answers are 4 or higher on the 1–5 scale; the average
        effort answer is 4.82 on 1–7 from 1,028 answers (higher means easier)." Unsupported
        without scores.

    Examples
    --------
    >>> f = definitions_finding({"nps": nps([10, 9, 8, 3])})
    >>> f.text
    'Counted this way, the NPS is 25.0 from 4 answers (50% promoters minus 25% detractors).'
    """
    results = by_metric(scores)
    if not results:
        return Finding.unsupported("No NPS, CSAT or CES answers, so there is nothing to count.")
    clauses: list[Finding | str] = []
    for r in results.values():
        answers = noun(r.n, "answer")
        if isinstance(r, NPSScore):
            shares = r.shares
            clauses.append(
                md(
                    "the NPS is {value:.1f} from {n:,} " + answers + " ({promoters:.0%} promoters "
                    "minus {detractors:.0%} detractors)",
                    value=r.value,
                    n=r.n,
                    promoters=shares["promoters"],
                    detractors=shares["detractors"],
                )
            )
        elif isinstance(r, CSATScore):
            clauses.append(
                md(
                    "{value:.1f}% of {n:,} CSAT " + answers + " are {threshold} or higher on the "
                    "{lo}–{hi} scale",
                    value=r.value,
                    n=r.n,
                    threshold=r.threshold,
                    lo=r.scale[0],
                    hi=r.scale[1],
                )
            )
        else:
            meaning = "easier" if r.higher_is_easier else "more effort"
            clauses.append(
                md(
                    "the average effort answer is {value:.2f} on {lo}–{hi} from {n:,} "
                    + answers
                    + " (higher means "
                    + meaning
                    + ")",
                    value=r.value,
                    lo=r.scale[0],
                    hi=r.scale[1],
                    n=r.n,
                )
            )
    parts = ["Counted this way, ", *series(clauses, sep="; ", last="; "), "."]
    numbers = {m: {"value": r.value, "n": r.n} for m, r in results.items()}
    return replace(join(parts, sep=""), numbers=numbers)


def hand_check_finding(scores: Mapping[str, Score], by_hand: Mapping[str, float]) -> Finding:
    """Say whether cxlab's scores match the same scores computed by hand.

    A teaching check: the client report states the scores (:func:`intervals_finding`), the
    notebook's hand calculation is compared here.

    Parameters
    ----------
    scores : mapping of str to score result
        Results of :func:`nps`, :func:`csat` and :func:`ces`.
    by_hand : mapping of str to float
        The same scores computed by hand, keyed by metric; compared to a relative tolerance of
        1e-9.

    Returns
    -------
    Finding
        "cxlab matches the hand calculation for NPS and CSAT." A disagreement makes the finding
        unsupported and names the metrics and both values; no metric in common is unsupported
        too.

    Examples
    --------
    >>> r = nps([10, 9, 8, 3])
    >>> print(hand_check_finding({"nps": r}, {"nps": 25.0}))
    cxlab matches the hand calculation for NPS.
    >>> hand_check_finding({"nps": r}, {"nps": 30.0}).supported
    False
    """
    compared = [r for m, r in by_metric(scores).items() if m in by_hand]
    if not compared:
        return Finding.unsupported("No score was computed both by hand and by cxlab.")
    wrong = [r for r in compared if not math.isclose(r.value, by_hand[r.metric], rel_tol=1e-9)]
    if not wrong:
        return join(["cxlab matches the hand calculation for ", *_labels(compared), "."], sep="")
    details = [
        md(
            "{label} (by hand {hand}, cxlab {value})",
            label=r.label,
            hand=by_hand[r.metric],
            value=r.value,
        )
        for r in wrong
    ]
    parts = [
        "cxlab and the hand calculation disagree for ",
        *series(details),
        ": check the hand calculation before reading on.",
    ]
    return replace(join(parts, sep=""), supported=False)


def intervals_finding(
    scores: Mapping[str, Score], *, by_hand: Mapping[str, float] | None = None
) -> Finding:
    """State each score with its interval and n, and any small-sample warning.

    Parameters
    ----------
    scores : mapping of str to score result
        Results of :func:`nps`, :func:`csat` and :func:`ces`.
    by_hand : mapping of str to float, optional
        The same scores computed by hand, keyed by metric. When given, the sentence opens with
        :func:`hand_check_finding` (a disagreement makes the finding unsupported). Leave it out
        wherever a client reads the sentence: the comparison is a teaching check.

    Returns
    -------
    Finding
        "With their intervals: NPS 27.1 (95% interval 22.3 to 31.8, n = 907); ... Every score
        rests on at least 30 answers, so none carries a small-sample warning." Scores below 30
        answers are listed with their warning instead. Its ``facts`` map each metric to
        ``value``, ``low``, ``high``, ``n``.

    Examples
    --------
    >>> r = nps([10, 9, 8, 3])
    >>> text = intervals_finding({"nps": r}).text
    >>> "hand" in text, "NPS 25.0 (95% interval −" in text  # a true minus before the low end
    (False, True)
    >>> f = intervals_finding({"nps": r}, by_hand={"nps": 25.0})
    >>> f.supported, f.text.split(". ")[0]
    (True, 'cxlab matches the hand calculation for NPS')
    >>> intervals_finding({"nps": r}, by_hand={"nps": 30.0}).supported
    False
    """
    results = by_metric(scores)
    if not results:
        return Finding.unsupported("No NPS, CSAT or CES answers, so there is no score to show.")
    parts: list[Finding | str] = []
    supported = True
    if by_hand is not None and any(m in by_hand for m in results):
        check = hand_check_finding(results, by_hand)
        supported = check.supported
        parts += [check, " "]
    described: list[Finding | str] = []
    for r in results.values():
        d = _digits(r)
        unit = "%" if isinstance(r, CSATScore) else ""
        if math.isnan(r.low):
            interval = md("no interval from a single answer, n = {n:,}", n=r.n)
        else:
            interval = md(
                "{level:.0%} interval {low} to {high}, n = {n:,}",
                level=r.confidence,
                low=present.number(r.low, d),
                high=present.number(r.high, d),
                n=r.n,
            )
        value = md("{label} {value}" + unit + " (", label=r.label, value=present.number(r.value, d))
        described.append(join([value, interval, ")"], sep=""))
    parts += ["With their intervals: ", *series(described, sep="; ", last="; "), ". "]
    warned = [
        md("{label} — {warning}", label=r.label, warning=r.warning)
        for r in results.values()
        if r.warning
    ]
    if warned:
        parts += ["Read with care: ", *series(warned, sep="; ", last="; "), "."]
    else:
        parts.append(
            md(
                "Every score rests on at least {small_n} answers, so none carries a small-sample "
                "warning.",
                small_n=SMALL_N,
            )
        )
    numbers = {
        m: {"value": r.value, "low": r.low, "high": r.high, "n": r.n} for m, r in results.items()
    }
    finding = join(parts, sep="")
    return replace(finding, supported=supported, numbers=numbers)


# ----------------------------------------------------------------------------------------------
# What a small survey can tell


def _options(reference: Score, seed: int) -> dict[str, Any]:
    """Keyword arguments that score answers exactly as ``reference`` was scored."""
    options: dict[str, Any] = {
        "confidence": reference.confidence,
        "population": reference.population,
    }
    if isinstance(reference, CSATScore):
        options |= {"scale": reference.scale, "threshold": reference.threshold}
    elif isinstance(reference, CESScore):
        bootstrap = reference.method.startswith("percentile bootstrap")
        options |= {
            "scale": reference.scale,
            "higher_is_easier": reference.higher_is_easier,
            "easy_threshold": reference.easy_threshold,
            "method": "bootstrap" if bootstrap else "t",
            "seed": seed,
        }
    return options


def small_surveys(
    answers: Any,
    reference: Score,
    *,
    size: int = 25,
    surveys: int = 20,
    seed: int | None = 0,
) -> pd.DataFrame:
    """Score many small random surveys drawn from the same answers, as if each were the only one.

    Each survey draws ``size`` answers without replacement (different surveys draw
    independently) and is scored the way ``reference`` was: same metric, scale, threshold,
    direction and confidence level. So that the surveys stay small next to the pool, ``size``
    is capped at half the answers; below :data:`MIN_SURVEY` answers per survey nothing is drawn.

    Parameters
    ----------
    answers : pandas.Series or array-like
        The answers to draw from (missing values are dropped).
    reference : score result
        The score of all the answers (:func:`nps`, :func:`csat` or :func:`ces`).
    size : int, default 25
        Answers per survey, before the cap.
    surveys : int, default 20
        How many surveys to draw.
    seed : int or None, default 0
        Seed of :func:`numpy.random.default_rng`, so the same surveys come back every run.

    Returns
    -------
    pandas.DataFrame
        One row per survey: the columns of the reference's ``to_frame()`` (``value``, ``low``,
        ``high``, ``n``, ``warning``, ...). Empty, with those columns, when the pool is too
        small.

    Raises
    ------
    ValueError
        If ``size`` or ``surveys`` is not a positive whole number.

    Examples
    --------
    >>> pool = pd.Series([10] * 30 + [8] * 20 + [3] * 10)
    >>> small = small_surveys(pool, nps(pool), size=12, surveys=3, seed=1)
    >>> small["n"].tolist(), bool(small["warning"].str.startswith("only 12").all())
    ([12, 12, 12], True)
    >>> small_surveys(pool.head(15), nps(pool.head(15))).empty
    True
    """
    for value, name in ((size, "size"), (surveys, "surveys")):
        if isinstance(value, bool) or int(value) != value or value < 1:
            raise ValueError(f"{name} must be a positive whole number; got {value!r}")
    pool = pd.Series(answers).dropna()
    size = min(int(size), len(pool) // 2)
    if size < MIN_SURVEY:
        return reference.to_frame().iloc[0:0].reset_index(drop=True)
    rng = np.random.default_rng(seed)
    score_of = _SCORERS[reference.metric]
    options = _options(reference, 0 if seed is None else seed)
    frames = [
        score_of(pool.sample(size, random_state=rng), **options).to_frame()
        for _ in range(int(surveys))
    ]
    return pd.concat(frames, ignore_index=True)


def small_surveys_finding(small: pd.DataFrame, reference: Score) -> Finding:
    """State how far small surveys strayed, and how many of their intervals held the truth.

    Parameters
    ----------
    small : pandas.DataFrame
        Output of :func:`small_surveys`.
    reference : score result
        The score of all the answers the surveys were drawn from.

    Returns
    -------
    Finding
        "20 surveys of 25 answers each, all drawn from the same customers, put the NPS anywhere
        between 0 and 48, against 27 from all 907 answers. 20 of the 20 intervals contain that
        score — ..." When each survey takes more than a tenth of the answers, it says that the
        overlapping surveys understate the spread; when the score of all answers is itself
        small, it says so. Unsupported when there were too few answers to draw surveys from. Its
        ``facts``: ``surveys``, ``size``, ``lowest``, ``highest``, ``reference`` and ``hold``.

    Examples
    --------
    >>> pool = pd.Series([10] * 30 + [8] * 20 + [3] * 10)
    >>> small = small_surveys(pool, nps(pool), size=12, surveys=3, seed=1)
    >>> f = small_surveys_finding(small, nps(pool))
    >>> f.facts["surveys"], f.facts["size"], f.text.split(",")[0]
    (3, 12, '3 surveys of 12 answers each')
    >>> small_surveys_finding(small.iloc[0:0], nps(pool.head(15))).supported
    False
    """
    if small.empty:
        return Finding.unsupported(
            "Only {n:,} {label} " + noun(reference.n, "answer") + ": too few to draw several "
            "surveys of at least {least} answers from them, so this analysis is skipped.",
            n=reference.n,
            label=reference.label,
            least=MIN_SURVEY,
        )
    d = 2 if isinstance(reference, CESScore) else 0
    count, size = len(small), int(small["n"].iloc[0])
    holds = small["low"].le(reference.value) & small["high"].ge(reference.value)
    numbers = {
        "surveys": count,
        "size": size,
        "lowest": float(small["value"].min()),
        "highest": float(small["value"].max()),
        "reference": reference.value,
        "hold": int(holds.sum()),
    }
    spec = "." + str(d) + "f"
    parts: list[Finding | str] = [
        md(
            "{count} " + noun(count, "survey") + " of {size} answers each, all drawn from the "
            "same customers, put the {label} anywhere between {lowest:" + spec + "} and "
            "{highest:" + spec + "}, against {reference:" + spec + "} from all {n:,} answers. "
            "{hold} of the {count} intervals contain that score — the {level:.0%} the method "
            "promises is about the long run, not any one survey.",
            count=count,
            size=size,
            label=reference.label,
            lowest=numbers["lowest"],
            highest=numbers["highest"],
            reference=reference.value,
            n=reference.n,
            hold=numbers["hold"],
            level=reference.confidence,
        )
    ]
    fraction = size / reference.n
    if fraction > _OVERLAP:
        parts.append(
            md(
                " Each survey takes {fraction:.0%} of the {n:,} answers, so the surveys overlap "
                "and vary less than surveys of a larger customer base would.",
                fraction=fraction,
                n=reference.n,
            )
        )
    warning = str(small["warning"].iloc[0])
    if warning:
        parts.append(
            md(" Each small survey carries cxlab's warning: *{warning}*.", warning=warning)
        )
    if reference.warning:
        parts.append(
            md(
                " The score of all answers is itself indicative: {warning}.",
                warning=reference.warning,
            )
        )
    return replace(join(parts, sep=""), numbers=numbers)


# ----------------------------------------------------------------------------------------------
# How many answers are enough


def _margin_at(curve: pd.DataFrame, metric: str, n: int) -> float | None:
    part = curve[(curve["metric"] == metric) & (curve["n"] == n)]
    return None if part.empty else float(part["margin"].iloc[0])


def margins_finding(curve: pd.DataFrame, scores: Mapping[str, Score]) -> Finding:
    """State each score's margin of error at 30 answers and at its own n, and NPS against CSAT.

    Parameters
    ----------
    curve : pandas.DataFrame
        Output of :func:`margin_curve` for ``scores`` (its default sizes include 30 and each
        score's own ``n``).
    scores : mapping of str to score result
        The scores the curve was computed from.

    Returns
    -------
    Finding
        "Keeping this client's mix, the NPS is known to ±25.0 points with 30 answers and to
        ±4.8 with the 907 it rests on; ... At the same number of answers the NPS margin is 1.5
        times the CSAT margin, so the same precision needs about 2.2 times as many NPS
        answers." A score whose answers are all identical is said to have no spread. Its
        ``facts`` map each metric to ``at_small_n`` and ``at_n``, plus ``nps_to_csat``.
        Unsupported when the curve lacks the rows it needs.

    Examples
    --------
    >>> from cxlab.metrics import margin_curve
    >>> r = csat([5] * 12 + [4] * 12 + [2] * 6)
    >>> f = margins_finding(margin_curve([r]), {"csat": r})
    >>> round(f.facts["csat"]["at_small_n"], 1)
    13.9
    """
    results = by_metric(scores)
    sentences: list[Finding | str] = []
    numbers: dict[str, Any] = {}
    flat = []
    for metric, r in results.items():
        small, own = _margin_at(curve, metric, SMALL_N), _margin_at(curve, metric, r.n)
        if small is None or own is None:
            continue
        numbers[metric] = {"at_small_n": small, "at_n": own}
        d = _digits(r)
        unit = "scale points" if metric == "ces" else "points"
        sentences.append(
            md(
                "the {label} is known to ±{small:." + str(d) + "f} " + unit + " with {small_n} "
                "answers and to ±{own:." + str(d) + "f} with the {n:,} it rests on",
                label=r.label,
                small=small,
                small_n=SMALL_N,
                own=own,
                n=r.n,
            )
        )
        if own == 0:
            flat.append(r)
    if not sentences:
        return Finding.unsupported(
            "The margin curve has no rows at {small_n} answers or at the scores' own n, so "
            "there is no margin to state.",
            small_n=SMALL_N,
        )
    parts: list[Finding | str] = ["Keeping this client's mix, "]
    parts += [*series(sentences, sep="; ", last="; "), "."]
    for r in flat:
        parts.append(
            md(
                " All {n:,} {label} answers are the same, so the formula gives no margin at all: "
                "that says more about how few and alike the answers are than about precision.",
                n=r.n,
                label=r.label,
            )
        )
    if {"nps", "csat"} <= set(numbers) and numbers["csat"]["at_small_n"] > 0:
        ratio = numbers["nps"]["at_small_n"] / numbers["csat"]["at_small_n"]
        numbers["nps_to_csat"] = ratio
        parts.append(
            md(
                " At the same number of answers the NPS margin is {ratio:.1f} times the CSAT "
                "margin, so the same precision needs about {square:.1f} times as many NPS "
                "answers.",
                ratio=ratio,
                square=ratio**2,
            )
        )
    return replace(join(parts, sep=""), numbers=numbers)


def nps_for_mix(
    n: int, promoters: float, detractors: float, *, confidence: float = 0.95
) -> NPSScore:
    """Score a survey of ``n`` NPS answers split into given shares of promoters and detractors.

    The shares are turned into whole answers by rounding (detractors capped so the counts
    fit in ``n``); promoters answer 10, passives 8, detractors 0.

    Parameters
    ----------
    n : int
        Number of answers, at least 1.
    promoters, detractors : float
        Shares (0–1); together at most 1.
    confidence : float, default 0.95
        Confidence level of the interval.

    Returns
    -------
    NPSScore
        The score that survey would report, with its adjusted-Wald interval.

    Raises
    ------
    ValueError
        If ``n`` is below 1, a share lies outside 0–1, or the two add up to more than 1.

    Examples
    --------
    >>> r = nps_for_mix(100, 0.45, 0.45)
    >>> r.promoters, r.passives, r.detractors, r.value
    (45, 10, 45, 0.0)
    """
    if isinstance(n, bool) or int(n) != n or n < 1:
        raise ValueError(f"n must be a whole number of at least 1; got {n!r}")
    for share, name in ((promoters, "promoters"), (detractors, "detractors")):
        if not 0 <= share <= 1:
            raise ValueError(f"{name} must be a share from 0 to 1; got {share!r}")
    if promoters + detractors > 1 + 1e-9:
        raise ValueError(
            f"promoters and detractors together cannot be more than 100% "
            f"({promoters:.0%} + {detractors:.0%})"
        )
    p = round(n * promoters)
    d = min(round(n * detractors), n - p)
    return nps(np.repeat([10, 8, 0], [p, n - p - d, d]), confidence=confidence)


def nps_mix_margins(
    own: NPSScore | None = None,
    *,
    sizes: Sequence[int] = (10, 30, 100, 300, 1000),
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Tabulate the NPS margin of error by sample size for the client's mix and two references.

    Parameters
    ----------
    own : NPSScore, optional
        The client's NPS; its shares of promoters and detractors become the first column.
    sizes : sequence of int, default (10, 30, 100, 300, 1000)
        The numbers of answers (rows).
    confidence : float, default 0.95
        Confidence level of the intervals.

    Returns
    -------
    pandas.DataFrame
        Index ``answers``; one column per mix (named ``"mix (promoters / detractors)"``) of
        :data:`NPS_MIXES`, preceded by the client's own when given: half the width of the
        adjusted-Wald interval, in points, of :func:`nps_for_mix`.

    Examples
    --------
    >>> table = nps_mix_margins(sizes=[100])
    >>> table.round(1).values.tolist()
    [[18.2, 10.5]]
    """
    mixes = dict(NPS_MIXES)
    if own is not None:
        shares = own.shares
        label = f"this client ({shares['promoters']:.0%} / {shares['detractors']:.0%})"
        mixes = {label: (shares["promoters"], shares["detractors"])} | mixes
    columns = {}
    for label, (p, d) in mixes.items():
        margins = []
        for n in sizes:
            r = nps_for_mix(n, p, d, confidence=confidence)
            margins.append((r.high - r.low) / 2)
        columns[label] = margins
    table = pd.DataFrame(columns, index=pd.Index(list(sizes), name="answers"))
    table.columns.name = "mix (promoters / detractors)"
    return table


def mix_margins_finding(margins: pd.DataFrame) -> Finding:
    """State how the answer mix and ten times the answers change the NPS margin.

    Parameters
    ----------
    margins : pandas.DataFrame
        Output of :func:`nps_mix_margins` with rows for 100 and 1,000 answers.

    Returns
    -------
    Finding
        "With 100 answers a polarised base is known to ±18.2 points and a mostly passive one to
        ±10.5; going from 100 to 1,000 answers cuts the polarised margin to ±5.9, about 3.1
        times smaller for ten times the answers." Unsupported when those rows or the reference
        mixes are missing.

    Examples
    --------
    >>> mix_margins_finding(nps_mix_margins(sizes=[100, 1000])).facts["shrink"] > 3
    True
    """
    needed = {100, 1000} <= set(margins.index) and {_POLARISED, _PASSIVE} <= set(margins.columns)
    if not needed:
        return Finding.unsupported(
            "The table needs rows for 100 and 1,000 answers and the polarised and mostly passive "
            "mixes to compare them."
        )
    polarised, passive = margins[_POLARISED], margins[_PASSIVE]
    numbers = {
        "polarised_100": float(polarised[100]),
        "passive_100": float(passive[100]),
        "polarised_1000": float(polarised[1000]),
        "shrink": float(polarised[100] / polarised[1000]),
    }
    return md(
        "With 100 answers a polarised base is known to ±{polarised_100:.1f} points and a mostly "
        "passive one to ±{passive_100:.1f}; going from 100 to 1,000 answers cuts the polarised "
        "margin to ±{polarised_1000:.1f}, about {shrink:.1f} times smaller for ten times the "
        "answers.",
        **numbers,
    )


# ----------------------------------------------------------------------------------------------
# From the scores to a first action


def _span(lo: float, hi: float) -> str:
    return f"{lo:g}" if lo == hi else f"{lo:g}–{hi:g}"


def warning_signs(scores: Mapping[str, Score], responses: pd.DataFrame) -> pd.DataFrame:
    """Tabulate each score's warning sign, its share of the answers and a first action.

    The warning signs are the NPS detractors (0–6), the CSAT answers below the satisfied
    threshold, and the CES answers on the hard side of the scale: the mirror image of where
    low effort starts (on 1–7 with low effort from 5, the answers 1–3 when higher is easier).

    Parameters
    ----------
    scores : mapping of str to score result
        Results of :func:`nps`, :func:`csat` and :func:`ces`.
    responses : pandas.DataFrame
        The answers the scores came from; the CES column (``score.column``) is read to count
        the hard side, which the CES result does not carry.

    Returns
    -------
    pandas.DataFrame
        One row per score, in the order NPS, CSAT, CES: ``score`` (its label), ``warning
        sign``, ``share`` (0–1), ``n`` and ``first action`` (:data:`FIRST_ACTIONS`).

    Examples
    --------
    >>> r = pd.DataFrame({"nps": [10, 9, 6, 3], "ces": [7, 6, 2, 5]})
    >>> signs = warning_signs(score_responses(r), r)
    >>> signs[["score", "share"]].values.tolist()
    [['NPS', 0.5], ['CES', 0.25]]
    """
    rows = []
    for metric, r in by_metric(scores).items():
        if isinstance(r, NPSScore):
            sign, share = "detractors (0–6)", r.detractors / r.n
        elif isinstance(r, CSATScore):
            lo, hi = r.scale
            below = _span(lo, r.threshold - 1)
            sign, share = f"below satisfied ({below} on {lo}–{hi})", 1 - r.satisfied_share
        else:
            lo, hi = r.scale
            edge = lo + hi - r.easy_threshold  # the mirror of where low effort starts
            answers = pd.to_numeric(responses[r.column or metric], errors="coerce").dropna()
            hard = answers <= edge if r.higher_is_easier else answers >= edge
            side = _span(lo, edge) if r.higher_is_easier else _span(edge, hi)
            sign, share = f"on the hard side ({side} on {lo}–{hi})", float(hard.mean())
        rows.append((r.label, sign, share, r.n, FIRST_ACTIONS[metric]))
    return pd.DataFrame(rows, columns=["score", "warning sign", "share", "n", "first action"])


def warning_signs_finding(signs: pd.DataFrame) -> Finding:
    """State the most common warning sign and the first action it suggests.

    Signs that tie for the most common are all named with their actions. Without any warning
    answer the sentence says so; below 30 answers (:data:`SMALL_N`) the top share is called
    indicative; with several scores it says the comparison across questions is rough.

    Parameters
    ----------
    signs : pandas.DataFrame
        Output of :func:`warning_signs`.

    Returns
    -------
    Finding
        "The most common warning sign is in the CSAT answers: 45% of the 1,312 are below
        satisfied (1–3 on 1–5). A first action to consider: ..." Its ``facts``: ``scores``
        (the most common, a list), ``share`` and ``n``. Unsupported without scores.

    Examples
    --------
    >>> signs = pd.DataFrame(
    ...     {
    ...         "score": ["NPS", "CSAT"],
    ...         "warning sign": ["detractors (0–6)", "below satisfied (1–3 on 1–5)"],
    ...         "share": [0.2, 0.2],
    ...         "n": [50, 60],
    ...         "first action": ["call", "fix"],
    ...     }
    ... )
    >>> warning_signs_finding(signs).facts["scores"]
    ['NPS', 'CSAT']
    """
    if signs.empty:
        return Finding.unsupported("There are no scores, so there are no warning signs to compare.")
    share = signs["share"].astype(float)
    top = signs[np.isclose(share, share.max())]
    numbers = {"scores": top["score"].tolist(), "share": float(share.max())}
    if share.max() == 0:
        parts: list[Finding | str] = [
            "No answer shows a warning sign: there are no ",
            *series(
                [
                    md("{score} {sign}", score=r["score"], sign=r["warning sign"])
                    for _, r in signs.iterrows()
                ],
                last=" and no ",
                sep=", no ",
            ),
            ".",
        ]
        numbers["n"] = signs["n"].astype(int).tolist()
        return replace(join(parts, sep=""), numbers=numbers)
    if len(top) == 1:
        row = top.iloc[0]
        numbers["n"] = int(row["n"])
        parts = [
            md(
                "The most common warning sign is in the {score} answers: {share:.0%} of the "
                "{n:,} are {sign}. A first action to consider: {action}.",
                score=row["score"],
                share=row["share"],
                n=int(row["n"]),
                sign=row["warning sign"],
                action=row["first action"],
            )
        ]
        small = [int(row["n"])] if row["n"] < SMALL_N else []
    else:
        numbers["n"] = top["n"].astype(int).tolist()
        each = [
            md(
                "{sign} in the {score} answers (n = {n:,})",
                sign=r["warning sign"],
                score=r["score"],
                n=int(r["n"]),
            )
            for _, r in top.iterrows()
        ]
        actions = [
            md("{action} ({score})", action=r["first action"], score=r["score"])
            for _, r in top.iterrows()
        ]
        parts = [
            md(
                "The most common warning signs tie at {share:.0%} of the answers: ",
                share=share.max(),
            )
        ]
        parts += [*series(each, sep="; ", last="; "), ". First actions to consider: "]
        parts += [*series(actions, sep="; ", last="; "), "."]
        small = [int(n) for n in top["n"] if n < SMALL_N]
    if small:
        parts.append(
            md(
                " With fewer than {small_n} answers behind it, that share is indicative: ask "
                "more customers before acting on it alone.",
                small_n=SMALL_N,
            )
        )
    if len(signs) > 1:
        parts.append(
            " The shares come from different questions, so the comparison is rough — but it "
            "tells a busy owner where to look first."
        )
    return replace(join(parts, sep=""), numbers=numbers)
