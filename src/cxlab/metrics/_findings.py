"""Findings of the breakdowns, comparisons, trends, benchmarks and goals, in words.

Each function turns a result of :mod:`cxlab.metrics` into the sentence a chapter states about it
(a :class:`cxlab.findings.Finding`, which escapes every value when shown), and says plainly when
the data do not support a statement: no answers, every group masked, a single group or period,
a tie, too few answers. The ``numbers`` of a supported finding are its headline entries, keyed as
they are filed in ``metrics.json``; :func:`headline_numbers` gathers them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from cxlab import present
from cxlab.ethics import redact
from cxlab.findings import Finding
from cxlab.metrics._compare import TargetTest
from cxlab.metrics._groups import GROUPS, NPSGroups
from cxlab.metrics._history import OwnBenchmark, PeriodChange, detectable_change
from cxlab.metrics._planning import sample_size
from cxlab.metrics._scores import SMALL_N, CESScore, CSATScore, NPSScore, Score, ces
from cxlab.metrics._survey import SurveyData

__all__ = [
    "benchmark_finding",
    "breakdown_finding",
    "change_finding",
    "comments_finding",
    "effort_finding",
    "goal_finding",
    "headline_numbers",
    "mix_finding",
    "nps_groups_finding",
    "panels_finding",
    "target_finding",
    "trend_finding",
    "waves_finding",
]

_CORRECTION = {"holm": "Holm's adjustment", "fdr_bh": "the Benjamini–Hochberg adjustment"}
_CORRECTED = {"holm": "Holm-adjusted", "fdr_bh": "Benjamini–Hochberg-adjusted"}
_PERIOD = {"M": "month", "Q": "quarter", "Y": "year", "A": "year", "W": "week", "D": "day"}
#: Runs of this many periods on one side of the centre line signal a lasting shift.
_RUN = 8


# -- helpers ----------------------------------------------------------------------------------


def _value(metric: str, x: float) -> str:
    """Write a score as a chapter does: ``24%``, ``+27``, ``3.50``."""
    if metric == "csat":
        return f"{x:.0f}%"
    if metric == "nps":
        return present.signed(x, 0)
    return present.number(x, 2)


def _interval(metric: str, low: float, high: float) -> str:
    if math.isnan(low) or math.isnan(high):
        return "no interval"
    if metric == "csat":
        return f"95% interval {low:.0f}–{high:.0f}%"
    if metric == "nps":
        return f"95% interval {present.signed(low, 0)} to {present.signed(high, 0)}"
    return f"95% interval {present.number(low, 2)}–{present.number(high, 2)}"


def _label(metric: str) -> str:
    return metric.upper()


def _plural(by: str, k: int) -> str:
    by = present.term(by)
    if by in ("touchpoint", "channel", "segment", "region", "plan"):
        return by if k == 1 else f"{by}s"
    return f"{by} group" if k == 1 else f"{by} groups"


def _attribute_words(name: Any) -> str:
    """Return a customer attribute in words.

    ``channel_customer`` (the customer's channel, named apart from the survey channel) reads
    as "customer channel".
    """
    name = str(name)
    if name.endswith("_customer"):
        return "customer " + present.term(name.removesuffix("_customer"))
    return present.term(name)


def _names(labels: Iterable[Any]) -> str:
    names = [present.period(x) if isinstance(x, pd.Period) else str(x) for x in labels]
    return ", ".join(names) if names else "none"


def _attrs(table: pd.DataFrame) -> tuple[str, int | None, str | None, str]:
    metric = table.attrs.get("metric")
    if metric not in ("nps", "csat", "ces"):
        raise ValueError("pass a table from cxlab.metrics.breakdown (its attrs name the metric)")
    by = str(table.index.name) if table.index.name is not None else "group"
    return metric, table.attrs.get("min_n"), table.attrs.get("correction"), by


def _group_numbers(by: str, label: Any, row: pd.Series) -> dict[str, Any]:
    return {
        by: str(label),
        "value": row["value"],
        "low": row["low"],
        "high": row["high"],
        "n": int(row["n"]),
        "differs": bool(row["differs"]),
    }


def _masked_note(k: int, min_n: int | None) -> str:
    if k == 0:
        return ""
    limit = f"fewer than {min_n} answers" if min_n is not None else "too few answers"
    return f"{k} with {limit} {'is' if k == 1 else 'are'} masked"


def headline_numbers(findings: Iterable[Finding | None]) -> dict[str, Any]:
    """Gather the headline entries of the supported findings, in order.

    A finding's ``numbers`` are its entries for ``metrics.json``; two findings that file parts
    of the same entry (a goal's sample size and its test) are merged into one mapping.
    Unsupported findings and None are skipped.

    Parameters
    ----------
    findings : iterable of Finding or None
        The chapter's findings.

    Returns
    -------
    dict
        What :func:`cxlab.headlines.publish` files.

    Examples
    --------
    >>> a = Finding("x", numbers={"goal": {"change": 5}})
    >>> b = Finding("y", numbers={"goal": {"verdict": "above target"}})
    >>> headline_numbers([a, None, b, Finding.unsupported("z")])
    {'goal': {'change': 5, 'verdict': 'above target'}}
    """
    out: dict[str, Any] = {}
    for finding in findings:
        if finding is None or not finding.supported:
            continue
        for key, value in finding.facts.items():
            if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
                out[key] = {**out[key], **value}
            else:
                out[key] = value
    return out


# -- breakdowns -------------------------------------------------------------------------------


def _overall(score: Score | None) -> tuple[str, dict[str, Any]]:
    if score is None:
        return "", {}
    if isinstance(score, CSATScore):
        return (
            "Overall, {o_value:.0f}% of {o_n:,} CSAT answers are satisfied (a score of "
            "{o_threshold} or more on {o_lo}–{o_hi}). ",
            {
                "o_value": score.value,
                "o_n": score.n,
                "o_threshold": score.threshold,
                "o_lo": score.scale[0],
                "o_hi": score.scale[1],
            },
        )
    return (
        "Overall, the {o_metric} is {o_value} from {o_n:,} answers ({o_interval}). ",
        {
            "o_metric": _label(score.metric),
            "o_value": _value(score.metric, score.value),
            "o_n": score.n,
            "o_interval": _interval(score.metric, score.low, score.high),
        },
    )


def breakdown_finding(table: pd.DataFrame, *, overall: Score | None = None) -> Finding:
    """Say which group scores lowest, whether that is more than chance, and how many differ.

    For a CSAT or NPS :func:`cxlab.metrics.breakdown` (higher is better): the lowest-scoring
    group with its score, interval, ``n`` and gap to the rest, whether the gap survives the
    multiple-testing adjustment, and which groups score clearly below and above the rest.

    Parameters
    ----------
    table : pandas.DataFrame
        A CSAT or NPS breakdown.
    overall : score result, optional
        The score of all answers, stated first.

    Returns
    -------
    Finding
        Numbers: ``worst_<by>_<metric>`` with the group (under the key ``<by>``), ``value``,
        ``low``, ``high``, ``n`` and ``differs``. Unsupported when no group is scored, or only
        one (nothing to compare it with).

    Raises
    ------
    ValueError
        For an effort (CES) breakdown, where lower is not worse: use :func:`effort_finding`.

    Examples
    --------
    >>> from cxlab.metrics import breakdown
    >>> r = pd.DataFrame(
    ...     {
    ...         "touchpoint": ["web"] * 40 + ["till"] * 40,
    ...         "csat": [5, 4, 4, 5] * 10 + [2, 3, 4, 2] * 10,
    ...     }
    ... )
    >>> finding = breakdown_finding(breakdown(r, by="touchpoint", metric="csat"))
    >>> print(finding)  # doctest: +NORMALIZE_WHITESPACE
    till scores lowest: 25% satisfied (95% interval 14–40%, n = 40), 75 points below the
    rest; the gap is larger than chance explains (Holm-adjusted p < 0.001). Of 2
    touchpoints scored, 1 scores clearly below the rest (till) and 1 clearly above (web).
    >>> finding.facts["worst_touchpoint_csat"]["n"]
    40
    """
    metric, min_n, correction, by = _attrs(table)
    if metric == "ces":
        raise ValueError("for effort (CES) use effort_finding: a low CES is not always worse")
    head, values = _overall(overall)
    values |= {"by": present.term(by), "metric": _label(metric), "min_n": min_n}
    masked = int(table["masked"].sum())
    shown = table[~table["masked"]]
    if table.empty:
        return Finding.unsupported(
            head + "No {metric} answer names a {by}, so there is nothing to break down.", **values
        )
    if shown.empty:
        return Finding.unsupported(
            head + "None of the {k} groups of {by} has {min_n} or more {metric} answers, so all "
            "are masked and none is scored.",
            k=len(table),
            **values,
        )
    if len(shown) == 1 and shown["p_value"].isna().all():
        only = shown.index[0]
        return Finding.unsupported(
            head + "Only **{only}** has enough {metric} answers to be scored, so there is no "
            "other {by} to compare it with.",
            only=only,
            **values,
        )
    lowest = shown["value"].min()
    tied = [g for g in shown.index if shown.loc[g, "value"] == lowest]
    worst = tied[0]
    w = shown.loc[worst]
    adjusted = _CORRECTED.get(str(correction), "adjusted")
    below = [g for g in shown.index if shown.loc[g, "differs"] and shown.loc[g, "difference"] < 0]
    above = [g for g in shown.index if shown.loc[g, "differs"] and shown.loc[g, "difference"] > 0]
    values |= {
        "worst": worst,
        "others": _names(tied[1:]),
        "score": (
            f"{_value(metric, w['value'])} satisfied"
            if metric == "csat"
            else f"NPS {_value(metric, w['value'])}"
        ),
        "interval": _interval(metric, w["low"], w["high"]),
        "n": int(w["n"]),
        "gap": abs(w["difference"]),
        "side": "below" if w["difference"] < 0 else "above",
        "p": present.p_phrase(w["p_adjusted"], name=f"{adjusted} p"),
        "adjusted": adjusted,
        "k": len(shown),
        "groups": _plural(by, len(shown)),
        "n_below": len(below),
        "below": _names(below),
        "n_above": len(above),
        "above": _names(above),
        "verb": "scores" if len(below) == 1 else "score",
        "masked_note": _masked_note(masked, min_n),
    }
    first = (
        "**{worst}** scores lowest"
        if len(tied) == 1
        else "**{worst}** and {others} tie for the lowest score"
    )
    if w["differs"]:
        verdict = "the gap is larger than chance explains ({p})"
    elif math.isnan(w["p_adjusted"]):
        verdict = "it could not be compared with the rest"
    else:
        verdict = "but after the adjustment the gap could still be chance"
    small = "; with only {n} answers, treat its score as indicative" if w["n"] < SMALL_N else ""
    count = (
        " Of {k} {groups} scored, {n_below} {verb} clearly below the rest ({below}) and "
        "{n_above} clearly above ({above})"
    )
    template = (
        head
        + first
        + ": {score} ({interval}, n = {n:,}), {gap:.0f} points {side} the rest; "
        + verdict
        + small
        + "."
        + count
        + ("; {masked_note}." if masked else ".")
    )
    numbers = {f"worst_{by}_{metric}": _group_numbers(by, worst, w)}
    return Finding(template, values, numbers=numbers)


def panels_finding(
    panels: Mapping[str, pd.DataFrame], survey: SurveyData, *, metric: str = "csat"
) -> Finding:
    """Say, panel by panel, how many groups differ from the rest, and how many answers linked.

    Parameters
    ----------
    panels : mapping of str to pandas.DataFrame
        Breakdowns by name, as :meth:`SurveyData.panels` returns them.
    survey : SurveyData
        Where the panels came from: for the customer attribute and how many answers carry it.
    metric : {"nps", "csat", "ces"}, default "csat"
        The score broken down.

    Returns
    -------
    Finding
        Unsupported when the responses have no answers of the metric.

    Examples
    --------
    >>> from cxlab import datasets
    >>> from cxlab.metrics import survey_data
    >>> survey = survey_data(datasets.load_demo("saas"))
    >>> print(panels_finding(survey.panels("csat", min_n=20), survey))
    ... # doctest: +NORMALIZE_WHITESPACE +ELLIPSIS
    By survey channel, 0 of 2 groups differ from the rest after Holm's adjustment (none). By
    plan, 2 of 3 groups differ from the rest after Holm's adjustment (basic, enterprise); ...
    """
    linked, answers = survey.linked(metric)
    label = _label(metric)
    if answers == 0:
        return Finding.unsupported("There are no {metric} answers to break down.", metric=label)
    templates: list[str] = []
    values: dict[str, Any] = {"metric": label, "linked": linked, "answers": answers}
    for i, (name, table) in enumerate(panels.items()):
        _, min_n, correction, _ = _attrs(table)
        shown = table[~table["masked"]]
        masked = [g for g in table.index if table.loc[g, "masked"]]
        differ = [g for g in shown.index if shown.loc[g, "differs"]]
        values |= {
            f"name{i}": present.term(str(name)),
            f"k{i}": len(differ),
            f"m{i}": len(shown),
            f"differ{i}": _names(differ),
            f"masked{i}": _names(masked),
            f"min_n{i}": min_n,
            f"adj{i}": _CORRECTION.get(str(correction), "the adjustment"),
            f"only{i}": _names(shown.index),
        }
        if shown.empty:
            text = (
                f"By **{{name{i}}}**, no group has {{min_n{i}}} or more answers, so none is scored"
            )
        elif len(shown) == 1:
            text = (
                f"By **{{name{i}}}**, only {{only{i}}} has enough answers, so there is nothing "
                "to compare"
            )
        else:
            verb = "differs" if len(differ) == 1 else "differ"
            text = (
                f"By **{{name{i}}}**, {{k{i}}} of {{m{i}}} groups {verb} from the rest after "
                f"{{adj{i}}} ({{differ{i}}})"
            )
        if masked and not shown.empty:
            verb = "is" if len(masked) == 1 else "are"
            text += f"; {{masked{i}}} had fewer than {{min_n{i}}} answers and {verb} masked"
        templates.append(text + ".")
    if survey.attribute is None:
        templates.append(
            "There is no customer-group panel: it needs a customers table with an attribute such "
            "as age band, plan, company size or region, and responses that name their customer."
        )
    else:
        values["attribute"] = present.term(survey.attribute)
        templates.append(
            "{linked:,} of {answers:,} {metric} answers could be linked to a customer's "
            "{attribute}; the others are anonymous or from customers without that attribute."
        )
    return Finding(" ".join(templates), values, numbers={})


# -- promoters, passives and detractors -------------------------------------------------------


def nps_groups_finding(groups: NPSGroups, score: NPSScore) -> Finding:
    """Say how the NPS splits into promoters, passives and detractors, and who is in each.

    The profile part names the two attribute values most over-represented among detractors
    (relative to promoters) and the two most over-represented among promoters, with their
    shares; values with no gap are not named.

    Parameters
    ----------
    groups : NPSGroups
        From :func:`cxlab.metrics.nps_groups`.
    score : NPSScore
        The NPS of the same answers.

    Returns
    -------
    Finding
        Numbers: ``nps`` (the score) and ``nps_groups`` (each group's share and ``n``).

    Examples
    --------
    >>> from cxlab.metrics import nps, nps_groups
    >>> r = pd.DataFrame({"nps": [10] * 20 + [8] * 10 + [3] * 10})
    >>> print(nps_groups_finding(nps_groups(r), nps(r["nps"])))  # doctest: +NORMALIZE_WHITESPACE
    Of 40 NPS answers, 50% are promoters, 25% passives and 25% detractors: NPS +25 (95%
    interval −1 to +48).
    """
    share = groups.counts["share"]
    count = groups.counts["n"]
    values: dict[str, Any] = {
        "n": score.n,
        "promoters": share["promoter"],
        "passives": share["passive"],
        "detractors": share["detractor"],
        "value": _value("nps", score.value),
        "interval": _interval("nps", score.low, score.high),
    }
    template = (
        "Of {n:,} NPS answers, {promoters:.0%} are promoters, {passives:.0%} passives and "
        "{detractors:.0%} detractors: NPS {value} ({interval})."
    )
    if score.n < SMALL_N:
        template += " With only {n} answers, treat the score as indicative."
    profile = groups.profile
    if profile is not None and len(profile):
        gaps = profile["gap"]
        over_d = gaps[gaps < 0].nsmallest(2)
        over_p = gaps[gaps > 0].nlargest(2)
        parts = []
        for side, items in (("d", over_d), ("p", over_p)):
            said = []
            for i, (attribute, level) in enumerate(items.index):
                key = f"{side}{i}"
                values |= {
                    f"{key}_a": _attribute_words(attribute),
                    f"{key}_v": present.level(level),
                    f"{key}_d": profile.loc[(attribute, level), "detractor"],
                    f"{key}_p": profile.loc[(attribute, level), "promoter"],
                }
                said.append(
                    f"{{{key}_a}}: {{{key}_v}} ({{{key}_d:.0%}} of detractors, "
                    f"{{{key}_p:.0%}} of promoters)"
                )
            parts.append("; ".join(said))
        if parts[0] or parts[1]:
            if parts[0]:
                template += " What sets detractors apart most: " + parts[0] + "."
            if parts[1]:
                template += " What sets promoters apart: " + parts[1] + "."
            template += " These are associations, not causes."
            fewest = min(int(count["promoter"]), int(count["detractor"]))
            if fewest < SMALL_N:
                values["fewest"] = fewest
                template += (
                    " With only {fewest} answers in the smaller group, these shares are rough."
                )
        else:
            template += (
                " No customer attribute is more common among detractors than among promoters."
            )
    numbers = {
        "nps": score,
        "nps_groups": {g: share[g] for g in groups.counts.index} | {"n": score.n},
    }
    return Finding(template, values, numbers=numbers)


def comments_finding(groups: NPSGroups, *, n: int = 2, seed: int | None = 0) -> Finding:
    """Quote a few comments of each NPS group, with personal details masked.

    Comments are drawn at random with :meth:`NPSGroups.comments` (the same ``seed`` gives the
    same comments) and passed through :func:`cxlab.ethics.redact`, so e-mail addresses, phone
    numbers, card numbers and IBANs are replaced by a placeholder; the finding escapes the rest,
    so a comment shows as the text it is.

    Parameters
    ----------
    groups : NPSGroups
        From :func:`cxlab.metrics.nps_groups`.
    n : int, default 2
        Comments per group.
    seed : int or None, default 0
        Seed of the random draw.

    Returns
    -------
    Finding
        A Markdown list, one line per comment. Unsupported when there is no comment column or
        no group has comments.

    Examples
    --------
    >>> from cxlab.metrics import nps_groups
    >>> r = pd.DataFrame({"nps": [10, 2], "comment": ["Lovely", "Ring me on 07700 900123"]})
    >>> print(comments_finding(nps_groups(r)).text)
    - *promoter*: “Lovely”
    - *detractor*: “Ring me on [phone number removed]”
    """
    if groups.comment not in groups.responses:
        return Finding.unsupported("The responses carry no comments to read.")
    lines, values = [], {}
    for group in reversed(GROUPS):  # promoters first
        for i, comment in enumerate(groups.comments(group, n=n, seed=seed)):
            key = f"{group}{i}"
            values[key] = redact(comment)
            lines.append(f"- *{group}*: “{{{key}}}”")
    if not lines:
        return Finding.unsupported("No group has comments.")
    return Finding("\n".join(lines), values, numbers={})


# -- effort along the journey -----------------------------------------------------------------


def effort_finding(
    table: pd.DataFrame,
    responses: pd.DataFrame,
    *,
    overall: CESScore,
    order: pd.Series | None = None,
    **options: Any,
) -> Finding:
    """Say where effort peaks along the journey, against effort overall.

    Parameters
    ----------
    table : pandas.DataFrame
        A CES :func:`cxlab.metrics.breakdown`.
    responses : pandas.DataFrame
        The answers it came from (for the hardest group's share of low-effort answers).
    overall : CESScore
        The CES of all answers.
    order : pandas.Series, optional
        The groups in journey order with their stages, from
        :func:`cxlab.metrics.touchpoint_order`; stated first when given.
    **options
        The CES scale options (``scale=bundle.config.ces_scale``).

    Returns
    -------
    Finding
        Numbers: ``most_effort_<by>`` with the group (under the key ``<by>``), ``value``,
        ``low``, ``high``, ``n`` and ``differs``. Unsupported when no group is scored or only
        one.

    Examples
    --------
    >>> from cxlab.metrics import breakdown, ces
    >>> r = pd.DataFrame(
    ...     {
    ...         "touchpoint": ["web"] * 40 + ["till"] * 40,
    ...         "ces": [6, 7, 5, 6] * 10 + [2, 3, 5, 2] * 10,
    ...     }
    ... )
    >>> table = breakdown(r, by="touchpoint", metric="ces")
    >>> print(effort_finding(table, r, overall=ces(r["ces"])))  # doctest: +NORMALIZE_WHITESPACE
    Effort peaks at till: mean 3.00 on 1–7 (higher is easier; 95% interval 2.60–3.40, n =
    40) against 4.50 overall, a gap larger than chance explains (Holm-adjusted p < 0.001);
    25% of its answers report low effort, against 62% across all touchpoints.
    """
    metric, min_n, correction, by = _attrs(table)
    if metric != "ces":
        raise ValueError("effort_finding needs a CES breakdown")
    easier = overall.higher_is_easier
    shown = table[~table["masked"]]
    values: dict[str, Any] = {"by": present.term(by), "min_n": min_n}
    steps = ""
    if order is not None and len(order):
        values["steps"] = " → ".join(
            f"{t} ({s})" if s is not None and not pd.isna(s) else str(t) for t, s in order.items()
        )
        steps = "Journey order: {steps}. "
    if shown.empty:
        return Finding.unsupported(
            steps + "No {by} has {min_n} or more effort answers, so none is scored.", **values
        )
    if len(shown) == 1 and shown["p_value"].isna().all():
        return Finding.unsupported(
            steps + "Only **{only}** has enough effort answers to be scored, so there is no "
            "other {by} to compare it with.",
            only=shown.index[0],
            **values,
        )
    effort = shown["value"] if easier else -shown["value"]
    tied = [g for g in shown.index if effort[g] == effort.min()]
    hardest = tied[0]
    h = shown.loc[hardest]
    part = ces(responses.loc[responses[by] == hardest, "ces"], **options)
    values |= {
        "hardest": hardest,
        "others": _names(tied[1:]),
        "value": h["value"],
        "lo": part.scale[0],
        "hi": part.scale[1],
        "direction": "higher is easier" if easier else "higher is harder",
        "low": h["low"],
        "high": h["high"],
        "n": int(h["n"]),
        "overall": overall.value,
        "share": part.low_effort_share,
        "overall_share": overall.low_effort_share,
        "adjusted": _CORRECTED.get(str(correction), "adjusted"),
        "p": present.p_phrase(
            h["p_adjusted"], name=f"{_CORRECTED.get(str(correction), 'adjusted')} p"
        ),
        "groups": _plural(by, 2),
    }
    first = (
        "Effort peaks at **{hardest}**"
        if len(tied) == 1
        else "Effort peaks at **{hardest}** and {others} alike"
    )
    if h["differs"]:
        verdict = ", a gap larger than chance explains ({p})"
    else:
        verdict = ", though after the adjustment the gap to the rest could still be chance"
    small = (
        " With only {n} answers there, treat its mean as indicative." if h["n"] < SMALL_N else ""
    )
    template = (
        steps
        + first
        + ": mean {value:.2f} on {lo}–{hi} ({direction}; 95% interval {low:.2f}–{high:.2f}, "
        "n = {n:,}) against {overall:.2f} overall"
        + verdict
        + "; {share:.0%} of its answers report low effort, against {overall_share:.0%} across "
        "all {groups}." + small
    )
    numbers = {f"most_effort_{by}": _group_numbers(by, hardest, h)}
    return Finding(template, values, numbers=numbers)


# -- trends and control limits ----------------------------------------------------------------


def _unit(index: pd.PeriodIndex) -> str:
    code = str(getattr(index, "freqstr", "") or "")
    return _PERIOD.get(code[:1].upper(), "period")


def trend_finding(trend: pd.DataFrame) -> Finding:
    """Say how a score moved over the periods and whether the control chart flags anything.

    Reads a :func:`cxlab.metrics.trend` table: the range of the score around its centre line,
    the periods outside the control limits, and the longest run of periods on one side of the
    centre line (eight or more in a row signal a lasting shift, a Western Electric rule as
    Montgomery describes it). Periods without answers are skipped.

    Parameters
    ----------
    trend : pandas.DataFrame
        A trend table.

    Returns
    -------
    Finding
        Unsupported with fewer than two periods with answers.

    References
    ----------
    .. [1] Montgomery, D. C. (2019). *Introduction to Statistical Quality Control* (8th ed.).
       Wiley. Section 5.3.6 (the Western Electric rules).

    Examples
    --------
    >>> from cxlab.metrics import trend
    >>> r = pd.DataFrame(
    ...     {
    ...         "date": pd.to_datetime(["2024-01-10"] * 50 + ["2024-02-10"] * 50),
    ...         "csat": [5, 4, 4, 5, 2] * 10 + [5, 4, 2, 2, 1] * 10,
    ...     }
    ... )
    >>> print(trend_finding(trend(r, metric="csat")))  # doctest: +NORMALIZE_WHITESPACE
    Over 2 periods from 2024-01 to 2024-02, CSAT ranges from 40% (2024-02) to 80% (2024-01)
    around a centre line of 60%, on 50 answers per period. No period falls outside the
    control limits. The longest run on one side of the centre line is 1 period, short of the
    eight that would signal a lasting shift.
    """
    metric = trend.attrs.get("metric", "csat")
    label = _label(metric)
    seen = trend[trend["n"] > 0]
    if seen.empty:
        return Finding.unsupported(
            "No period has {metric} answers, so there is no trend.", metric=label
        )
    if len(seen) == 1:
        return Finding.unsupported(
            "All {metric} answers fall in one period ({period}), so there is no trend to read.",
            metric=label,
            period=str(seen.index[0]),
        )
    outside = [str(p) for p in seen.index[seen["outside"]]]
    side = (seen["value"] > seen["centre"]).map({True: "above", False: "below"})
    run_id = (side != side.shift()).cumsum()
    runs = side.groupby(run_id).agg(["first", "size"])
    longest_id = runs["size"].idxmax()
    longest = runs.loc[longest_id]
    in_run = [str(p) for p in seen.index[run_id == longest_id]]
    small = int((seen["n"] < SMALL_N).sum())
    values = {
        "k": len(seen),
        "first": str(seen.index[0]),
        "last": str(seen.index[-1]),
        "metric": label,
        "min": _value(metric, seen["value"].min()),
        "at_min": str(seen["value"].idxmin()),
        "max": _value(metric, seen["value"].max()),
        "at_max": str(seen["value"].idxmax()),
        "centre": _value(metric, seen["centre"].iloc[0]),
        "n_min": int(seen["n"].min()),
        "n_max": int(seen["n"].max()),
        "n_out": len(outside),
        "outside": _names(outside),
        "run": int(longest["size"]),
        "run_unit": "period" if int(longest["size"]) == 1 else "periods",
        "n_range": (
            f"{int(seen['n'].min()):,}"
            if seen["n"].min() == seen["n"].max()
            else f"{int(seen['n'].min()):,}–{int(seen['n'].max()):,}"
        ),
        "run_from": in_run[0],
        "run_to": in_run[-1],
        "run_side": longest["first"],
        "small": small,
    }
    template = (
        "Over {k} periods from {first} to {last}, {metric} ranges from {min} ({at_min}) to {max} "
        "({at_max}) around a centre line of {centre}, on {n_range} answers per period. "
    )
    if outside:
        falls = "period falls" if values["n_out"] == 1 else "periods fall"
        template += (
            "{n_out} " + falls + " outside the control limits ({outside}): worth asking what "
            "happened then. "
        )
    else:
        template += "No period falls outside the control limits. "
    if longest["size"] >= _RUN:
        template += ("Also, " if outside else "But ") + (
            "{run} periods in a row, {run_from} to {run_to}, sit {run_side} the centre line: a "
            "sustained shift rather than chance."
        )
    else:
        template += (
            "The longest run on one side of the centre line is {run} {run_unit}, short of the "
            "eight that would signal a lasting shift."
        )
    if small:
        template += (
            " 1 period has fewer than 30 answers, so its point says little on its own."
            if small == 1
            else " {small} periods have fewer than 30 answers, so their points say little on "
            "their own."
        )
    return Finding(template, values, numbers={})


def mix_finding(responses: pd.DataFrame, table: pd.DataFrame, *, date: str = "date") -> Finding:
    """Say how the share of the lowest-scoring group's answers changed between two halves.

    A trend of all answers also moves when the mix of groups answering changes: if the worst
    touchpoint is surveyed less in the second half, the overall score rises with no change in
    service. The survey period (first to last answer of the metric) is cut in the middle.

    Parameters
    ----------
    responses : pandas.DataFrame
        The answers, with the date and group columns.
    table : pandas.DataFrame
        A CSAT or NPS :func:`cxlab.metrics.breakdown` of them.
    date : str, default "date"
        The date column.

    Returns
    -------
    Finding
        Unsupported when no group is scored or the dated answers do not span two halves.

    Examples
    --------
    >>> from cxlab.metrics import breakdown
    >>> r = pd.DataFrame(
    ...     {
    ...         "date": pd.to_datetime(
    ...             ["2024-01-01", "2024-01-02", "2024-03-01", "2024-03-02"] * 10
    ...         ),
    ...         "touchpoint": ["till", "till", "till", "web"] * 10,
    ...         "csat": [2, 3, 2, 5] * 10,
    ...     }
    ... )
    >>> table = breakdown(r, by="touchpoint", metric="csat", min_n=5)
    >>> print(mix_finding(r, table))  # doctest: +NORMALIZE_WHITESPACE
    Read any shift with the mix in mind: till, the lowest-scoring touchpoint, gave 100% of
    CSAT answers in the first half of the period and 50% in the second.
    """
    metric, _, _, by = _attrs(table)
    if metric == "ces":
        raise ValueError("mix_finding needs a CSAT or NPS breakdown, where lower is worse")
    shown = table[~table["masked"]]
    if shown.empty:
        return Finding.unsupported("No {by} is scored, so there is no lowest one to follow.", by=by)
    worst = shown["value"].idxmin()
    rated = responses.dropna(subset=[metric])
    if date not in rated or by not in rated or rated[date].notna().sum() == 0:
        return Finding.unsupported(
            "The {metric} answers carry no dates, so the mix cannot be followed.",
            metric=_label(metric),
        )
    rated = rated[rated[date].notna()]
    start, end = rated[date].min(), rated[date].max()
    half = rated[date] >= start + (end - start) / 2
    share = (rated[by] == worst).groupby(half).mean()
    if len(share) != 2:
        return Finding.unsupported(
            "The dated {metric} answers do not span two halves of a period, so the mix "
            "cannot shift.",
            metric=_label(metric),
        )
    values = {
        "worst": worst,
        "by": by,
        "metric": _label(metric),
        "a": share[False],
        "b": share[True],
    }
    return Finding(
        "Read any shift with the mix in mind: {worst}, the lowest-scoring {by}, gave {a:.0%} of "
        "{metric} answers in the first half of the period and {b:.0%} in the second.",
        values,
        numbers={},
    )


def waves_finding(trend: pd.DataFrame, *, min_n: int) -> Finding:
    """Say which periods hold a survey wave and how many stray answers lie between them.

    When every period holds ``min_n`` answers or more (a survey asked all the time, or a wave
    in every period), the finding says so instead of naming waves.

    Parameters
    ----------
    trend : pandas.DataFrame
        A :func:`cxlab.metrics.trend` table (every period from the first answer to the last).
    min_n : int
        Fewest answers that make a wave.

    Returns
    -------
    Finding
        Unsupported when no period has ``min_n`` answers.

    Examples
    --------
    >>> from cxlab.metrics import trend
    >>> r = pd.DataFrame(
    ...     {
    ...         "date": pd.to_datetime(
    ...             ["2024-02-01"] * 30 + ["2024-05-01"] * 2 + ["2024-08-01"] * 30
    ...         ),
    ...         "nps": [9, 10, 6] * 10 + [8, 8] + [10, 9, 7] * 10,
    ...     }
    ... )
    >>> print(waves_finding(trend(r, freq="Q", metric="nps"), min_n=20))
    ... # doctest: +NORMALIZE_WHITESPACE
    2 of 3 quarters hold a survey wave of at least 20 NPS answers (Q1 2024, Q3 2024); 1 other
    quarter holds 2 stray answers and is left out.
    """
    metric = _label(trend.attrs.get("metric", "nps"))
    unit = _unit(trend.index)
    waves = trend[trend["n"] >= min_n]
    quiet = trend[(trend["n"] > 0) & (trend["n"] < min_n)]
    values = {
        "k": len(waves),
        "m": len(trend),
        "unit": f"{unit}s" if len(trend) != 1 else unit,
        "min_n": min_n,
        "metric": metric,
        "waves": _names(waves.index),
        "q": len(quiet),
        "stray": int(quiet["n"].sum()),
        "one": unit,
    }
    if waves.empty:
        return Finding.unsupported(
            "None of the {m} {unit} holds a survey wave of at least {min_n} {metric} answers, so "
            "there is no wave to follow.",
            **values,
        )
    if len(waves) == len(trend) > 1:
        return Finding(
            "Every one of the {m} {unit} holds at least {min_n} {metric} answers ({low:,} to "
            "{high:,} a {one}), so each {one} has a score of its own to compare with the one "
            "before.",
            {**values, "low": int(trend["n"].min()), "high": int(trend["n"].max())},
            numbers={},
        )
    template = "{k} of {m} {unit} hold a survey wave of at least {min_n} {metric} answers ({waves})"
    if len(quiet):
        if len(quiet) == 1:
            template += "; 1 other {one} holds {stray} stray answers and is left out."
        else:
            template += (
                "; {q} other {one}s hold {stray} stray answers between them and are left out."
            )
    else:
        template += "."
    return Finding(template, values, numbers={})


# -- did it change ----------------------------------------------------------------------------


def change_finding(change: PeriodChange) -> Finding:
    """Say whether the latest period's score differs from the previous one more than by chance.

    Parameters
    ----------
    change : PeriodChange
        From :func:`cxlab.metrics.latest_change`.

    Returns
    -------
    Finding
        Numbers: ``<metric>_change`` with ``periods``, ``difference``, ``low``, ``high`` and
        ``p_value``.

    Examples
    --------
    >>> from cxlab.metrics import latest_change, period_scores
    >>> r = pd.DataFrame(
    ...     {
    ...         "date": pd.to_datetime(["2024-03-01"] * 40 + ["2024-06-01"] * 40),
    ...         "csat": [5, 4, 2, 1] * 10 + [5, 5, 4, 2] * 10,
    ...     }
    ... )
    >>> print(change_finding(latest_change(period_scores(r, metric="csat"))))
    ... # doctest: +NORMALIZE_WHITESPACE
    CSAT Q2 2024 vs Q1 2024: 75.0 against 50.0, a change of +25.0 points (95% interval +3.8 to
    +43.3, p = 0.02) — larger than chance explains.
    """
    c = change.comparison
    unit = "points" if c.metric in ("nps", "csat") else "scale points"
    values = {
        "label": change.label,
        "a": present.number(c.value_a, 1),
        "b": present.number(c.value_b, 1),
        "d": present.signed(c.difference, 1),
        "unit": unit,
        "low": present.signed(c.low, 1),
        "high": present.signed(c.high, 1),
        "p": present.p_phrase(c.p_value),
        "warning": c.warning,
    }
    template = (
        "**{label}**: {a} against {b}, a change of {d} {unit} (95% interval "
        "{low} to {high}, {p}) — "
    )
    if math.isnan(c.p_value):
        template += "the two periods cannot be compared."
    elif c.significant:
        template += "larger than chance explains."
    else:
        template += "within what chance alone produces; the data cannot say the score moved."
    if c.warning:
        template += " Read with care: {warning}."
    numbers = {
        f"{c.metric}_change": {
            "periods": change.periods,
            "difference": c.difference,
            "low": c.low,
            "high": c.high,
            "p_value": c.p_value,
        }
    }
    return Finding(template, values, numbers=numbers)


# -- benchmarks and goals ---------------------------------------------------------------------


def benchmark_finding(lined_up: pd.DataFrame | None, own: OwnBenchmark) -> Finding:
    """Say how the later part of the survey compares with its own earlier part.

    Parameters
    ----------
    lined_up : pandas.DataFrame or None
        :func:`cxlab.metrics.benchmark` of ``own.current`` against ``own.rows``; None when
        the survey could not be split.
    own : OwnBenchmark
        From :func:`cxlab.metrics.own_benchmark`.

    Returns
    -------
    Finding
        Unsupported when the survey has no dated answers, too few to split, or no segment of
        the later part matches a benchmark row.

    Examples
    --------
    >>> from cxlab.metrics import benchmark, own_benchmark
    >>> r = pd.DataFrame(
    ...     {"date": pd.date_range("2024-01-01", periods=120, freq="3D"), "csat": [5, 4, 2] * 40}
    ... )
    >>> own = own_benchmark(r, metric="csat", by=None)
    >>> print(benchmark_finding(benchmark(own.current, own.rows), own))
    ... # doctest: +NORMALIZE_WHITESPACE +ELLIPSIS
    Against the benchmark *Own survey 01 Jan 2024–30 Jun 2024*, the later period (1 Jul 2024
    onwards) is above it in 0, below it in 0 and not clearly different in 1 of 1 comparisons
    (CSAT). The move is −1.1. ...
    """
    metric = _label(own.metric)
    if own.start is None:
        return Finding.unsupported(
            "The {metric} answers carry no dates, so the survey cannot be split into a benchmark "
            "part and a later part.",
            metric=metric,
        )
    if not own.enough or lined_up is None:
        return Finding.unsupported(
            "The {metric} answers ({start} to {end}) are too few or span too short a period to "
            "split into a benchmark part and a later part of {min_n}+ answers each.",
            metric=metric,
            start=present.date(own.start),
            end=present.date(own.end),
            min_n=own.min_n,
        )
    if lined_up.empty:
        return Finding.unsupported(
            "No {by} of the later part has a benchmark row to compare with.", by=own.by or "group"
        )
    counts = lined_up["comparison"].value_counts()
    comparable = lined_up[lined_up["comparable"]]
    values: dict[str, Any] = {
        "source": own.source,
        "since": present.date(own.cut),
        "above": int(counts.get("above", 0)),
        "below": int(counts.get("below", 0)),
        "overlapping": int(counts.get("overlapping", 0)),
        "k": len(lined_up),
        "metric": metric,
        "other_scale": int(counts.get("not comparable", 0)),
    }
    template = (
        "Against the benchmark *{source}*, the later period ({since} onwards) is above it in "
        "{above}, below it in {below} and not clearly different in {overlapping} of {k} "
        "comparisons ({metric})."
    )
    if values["other_scale"]:
        template += (
            " 1 benchmark was measured on another scale and is not compared."
            if values["other_scale"] == 1
            else " {other_scale} benchmarks were measured on another scale and are not compared."
        )
    if len(comparable):
        moved = comparable.loc[comparable["difference"].abs().idxmax()]
        values["moved"] = present.signed(moved["difference"], 1)
        segment = moved["segment"]
        if isinstance(segment, str) and segment:
            values["where"] = segment
            template += " The largest move is {moved} at {where}."
        else:
            template += " The move is {moved}."
    template += (
        " 'Above' and 'below' need the two 95% intervals not to overlap, a stricter test than "
        "comparing the two periods directly, so 'overlapping' does not mean 'unchanged'."
    )
    return Finding(template, values, numbers={})


def goal_finding(latest: Score, *, goal: float, period: Any, name: str = "wave") -> Finding:
    """Say how many answers a period needs to show a goal's gain, and what the survey can show.

    Parameters
    ----------
    latest : score result
        The latest period's score; its answer mix and ``n`` are the basis.
    goal : float
        The gain wanted, in the score's unit (NPS or CSAT points, CES scale points).
    period : object
        The latest period (e.g. a :class:`pandas.Period`), named in the sentence.
    name : str, default "wave"
        What a period is called.

    Returns
    -------
    Finding
        Numbers: ``<metric>_goal`` with ``change``, ``answers_needed_per_<name>`` and
        ``latest_<name>_n``, when the scale allows the gain.

    Examples
    --------
    >>> from cxlab.metrics import nps
    >>> latest = nps([10] * 110 + [8] * 90 + [3] * 48)
    >>> print(goal_finding(latest, goal=5, period="2025Q3"))  # doctest: +NORMALIZE_WHITESPACE
    To show a gain of 5 points over wave Q3 2025 (NPS +25, n = 248), the next wave and this
    one would each need about 3,522 answers, 14.2 times what the latest wave collected. With
    248 answers per wave, only changes of about 19 points or more can be shown reliably from
    one wave to the next.
    """
    unit = "points" if latest.metric in ("nps", "csat") else "scale points"
    values: dict[str, Any] = {
        "goal": goal,
        "unit": unit,
        "name": name,
        "period": present.period(period),
        "metric": _label(latest.metric),
        "value": _value(latest.metric, latest.value),
        "n": latest.n,
    }
    try:
        needed: int | None = sample_size(latest.metric, baseline=latest, change=goal)
    except ValueError:  # a gain beyond what the scale and the answer mix allow
        needed = None
    smallest = detectable_change(latest)
    numbers: dict[str, Any] = {}
    if needed is None:
        template = (
            "A gain of {goal:g} {unit} is beyond what the latest mix of answers allows "
            "({metric} {value} in {name} {period}). "
        )
    else:
        values |= {"needed": needed, "times": needed / latest.n}
        template = (
            "To show a gain of {goal:g} {unit} over {name} {period} ({metric} {value}, n = {n:,}), "
            "the next {name} and this one would each need about **{needed:,} answers**, "
        )
        if needed <= latest.n:
            template += "which the latest {name} already collected. "
        else:
            template += "{times:.1f} times what the latest {name} collected. "
        numbers = {
            f"{latest.metric}_goal": {
                "change": goal,
                f"answers_needed_per_{name}": needed,
                f"latest_{name}_n": latest.n,
            }
        }
    if smallest is None:
        template += "No gain that the scale allows could be shown with {n:,} answers per {name}."
    else:
        values["smallest"] = smallest
        template += (
            "With {n:,} answers per {name}, only changes of about {smallest:g} {unit} or more can "
            "be shown reliably from one {name} to the next."
        )
    return Finding(template, values, numbers=numbers)


def target_finding(test: TargetTest, change: PeriodChange, *, goal: float) -> Finding:
    """Say whether the latest period reached a target set after the previous one.

    Parameters
    ----------
    test : TargetTest
        :func:`cxlab.metrics.against_target` of ``change.latest_score``.
    change : PeriodChange
        The two periods, from :func:`cxlab.metrics.latest_change`.
    goal : float
        The gain the target added to the previous period's score.

    Returns
    -------
    Finding
        Numbers: ``<metric>_goal`` with ``target`` and ``verdict``.

    Examples
    --------
    >>> from cxlab.metrics import against_target, latest_change, period_scores
    >>> r = pd.DataFrame(
    ...     {
    ...         "date": pd.to_datetime(["2024-03-01"] * 40 + ["2024-06-01"] * 40),
    ...         "nps": [10, 9, 7, 3] * 10 + [10, 10, 7, 3] * 10,
    ...     }
    ... )
    >>> change = latest_change(period_scores(r, metric="nps"))
    >>> test = against_target(change.latest_score, target=change.previous_score.value + 5)
    >>> print(target_finding(test, change, goal=5))  # doctest: +NORMALIZE_WHITESPACE
    Target for Q2 2024: Q1 2024's NPS +25.0 plus 5 = +30.0. The latest NPS is +25.0 (95%
    interval −1.4 to +47.9, n = 40): not distinguishable from target (p = 0.59).
    """
    metric = test.metric
    digits = 2 if metric == "ces" else 1

    def fmt(x: float) -> str:
        return present.signed(x, 1) if metric == "nps" else present.number(x, digits)

    values = {
        "latest": present.period(change.latest),
        "previous": present.period(change.previous),
        "metric": _label(metric),
        "before": fmt(change.previous_score.value),
        "goal": goal,
        "target": fmt(test.target),
        "value": fmt(test.value),
        "low": fmt(test.low),
        "high": fmt(test.high),
        "n": test.n,
        "verdict": test.verdict,
        "p": present.p_phrase(test.p_value),
        "warning": test.warning,
    }
    template = (
        "Target for {latest}: {previous}'s {metric} {before} plus {goal:g} = {target}. The latest "
        "{metric} is {value} (95% interval {low} to {high}, n = {n:,}): **{verdict}** "
        "({p})."
    )
    if test.warning:
        template += " Read with care: {warning}."
    numbers = {f"{metric}_goal": {"target": test.target, "verdict": test.verdict}}
    return Finding(template, values, numbers=numbers)
