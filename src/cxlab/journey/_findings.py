"""What the journey chapter states, as findings: each sentence with the numbers it rests on.

One function per analysis the chapter narrates — the funnel, the moves between stages, the
paths, where customers leave, the time between stages, the measured map's pain points and
moments of delight, what customers wrote at the worst touchpoint, and journey health per
period — each taking the analysis' own output and returning a :class:`cxlab.findings.Finding`.
A finding says plainly when the data do not support it (no customers, a single stage or
period, nothing scored, too few answers, ties), so the sentence is true for whichever client
is loaded. Stage, touchpoint and persona names are client text: they are values of the
finding, escaped when it is shown as Markdown.

Durations are written in the unit that fits them (:func:`format_duration`): a journey measured
in hours reads "5.5 hours", never "0 days".
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from cxlab import present
from cxlab.findings import Finding, join
from cxlab.journey._health import ALL_TOUCHPOINTS
from cxlab.journey._map import JourneyMap
from cxlab.journey._stages import resolve_stages
from cxlab.metrics import SMALL_N

__all__ = [
    "comments_finding",
    "durations_finding",
    "exits_finding",
    "flagged_touchpoints",
    "format_duration",
    "funnel_finding",
    "health_finding",
    "health_flags",
    "health_flags_table",
    "journey_headlines",
    "log_finding",
    "map_finding",
    "timeline_finding",
    "transitions_finding",
    "variants_finding",
    "worst_touchpoint",
]

#: Comments holding an e-mail address or a run of three digits (a phone number, an order
#: number, a postcode) are not quoted: they may identify the person and add nothing to the map.
CONTACT_DETAILS = r"@|\d{3}"

#: Columns of :func:`health_flags`.
FLAG_COLUMNS: tuple[str, ...] = (
    "what",
    "n",
    "value",
    "previous",
    "change",
    "p_adjusted",
    "changed",
    "lcl",
    "ucl",
    "outside",
)

_UNITS = (("second", 1.0), ("minute", 60.0), ("hour", 3600.0), ("day", 86400.0))


def _number(value: float, digits: int | None) -> str:
    """Round and drop trailing zeros: 10.20 → "10.2", 81.0 → "81", 1234.5 → "1,234.5".

    ``digits=None`` keeps one decimal below 10 and none from 10 on.
    """
    if digits is None:
        digits = 1 if abs(value) < 9.95 else 0
    text = f"{round(value, digits):,.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _unit(seconds: float) -> tuple[str, float]:
    """Choose the unit a duration reads best in.

    Seconds below 90 s, minutes below 90 min, hours below two days, days from two days on.
    """
    size = abs(seconds)
    if size < 90:
        return _UNITS[0]
    if size < 90 * 60:
        return _UNITS[1]
    if size < 48 * 3600:
        return _UNITS[2]
    return _UNITS[3]


def _seconds(value: Any) -> float:
    td = pd.Timedelta(value)
    if pd.isna(td):
        raise ValueError("a duration is missing (NaT); there is no time to write")
    return td.total_seconds()


def _in_unit(seconds: float, unit: tuple[str, float], digits: int | None) -> str:
    name, size = unit
    number = _number(seconds / size, digits)
    return f"{number} {name}" + ("" if number in ("1", "-1") else "s")


def format_duration(value: Any, *, digits: int | None = None) -> str:
    """Write a duration in the unit that fits it: seconds, minutes, hours or days.

    Below 90 seconds in seconds, below 90 minutes in minutes, below two days in hours, and
    from two days on in days, rounded to ``digits`` decimals with trailing zeros dropped. A
    journey step of a few hours so reads "5.5 hours", never "0 days".

    Parameters
    ----------
    value : pandas.Timedelta, numpy.timedelta64, datetime.timedelta or str
        The duration (anything :class:`pandas.Timedelta` accepts).
    digits : int, optional
        Decimals to keep; by default one below 10 (of the unit) and none from 10 on.

    Returns
    -------
    str

    Raises
    ------
    ValueError
        If the duration is missing (NaT).

    Examples
    --------
    >>> format_duration(pd.Timedelta(days=10, hours=5))
    '10 days'
    >>> format_duration(pd.Timedelta(days=10, hours=5), digits=1)
    '10.2 days'
    >>> format_duration(pd.Timedelta(hours=5, minutes=30))
    '5.5 hours'
    >>> format_duration(pd.Timedelta(hours=47))
    '47 hours'
    >>> format_duration(pd.Timedelta(days=2))
    '2 days'
    >>> format_duration(pd.Timedelta(minutes=1))
    '60 seconds'
    >>> format_duration(pd.Timedelta(minutes=1, seconds=30), digits=0)
    '2 minutes'
    """
    seconds = _seconds(value)
    return _in_unit(seconds, _unit(seconds), digits)


def _span(low: Any, high: Any, digits: int | None = None) -> str:
    """Write a range of durations, with one unit when both read best in it ("25 to 159 days")."""
    a, b = _seconds(low), _seconds(high)
    unit_a, unit_b = _unit(a), _unit(b)
    if unit_a == unit_b:
        return f"{_number(a / unit_a[1], digits)} to {_in_unit(b, unit_b, digits)}"
    return f"{_in_unit(a, unit_a, digits)} to {_in_unit(b, unit_b, digits)}"


def _count(n: int, word: str, plural: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else (plural or word + 's')}"


def _label(name: Any) -> str:
    """Write a stage or touchpoint name as the chapter does (underscores read as spaces)."""
    return str(name).replace("_", " ")


def _names(names: Sequence[Any], *, label: bool = True) -> str:
    """Write names as a list in a sentence: "a", "a and b", "a, b and c"."""
    items = [_label(n) if label else str(n) for n in names]
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _score_text(value: float, metric: str) -> str:
    """Write a score as the chapter does: CSAT as a percentage, NPS in signed points, CES."""
    if metric == "csat":
        return f"{value:.0f}%"
    if metric == "nps":
        return f"{value:+.0f}"
    return f"{value:.2f}"


def _level(attrs: dict[str, Any]) -> str:
    return f"{attrs.get('confidence', 0.95):.0%}"


# --------------------------------------------------------------------------------------------
# one customer, the funnel, paths, exits, durations


def log_finding(
    events: pd.DataFrame,
    *,
    stages: Sequence[str] | None,
    responses: pd.DataFrame | None = None,
    customer: str = "customer_id",
    touchpoint: str = "touchpoint",
) -> Finding:
    """Say what the event log holds: events, customers, the stages in order, and the answers.

    Parameters
    ----------
    events : pandas.DataFrame
        The event log.
    stages : sequence of str or None
        The stages in journey order (None: the default five).
    responses : pandas.DataFrame, optional
        The survey answers that can be placed on the map (those with a touchpoint column).
    customer, touchpoint : str
        Column names.

    Returns
    -------
    Finding
        Unsupported when the log has no events.

    Examples
    --------
    >>> ev = pd.DataFrame(
    ...     {
    ...         "customer_id": ["a", "a", "b"],
    ...         "stage": ["visit", "buy", "visit"],
    ...         "touchpoint": "web",
    ...     }
    ... )
    >>> print(log_finding(ev, stages=["visit", "buy"]).text)  # doctest: +NORMALIZE_WHITESPACE
    The log holds 3 events of 2 customers, in 2 stages: visit → buy. No survey answer names a
    touchpoint, so the map shows volume only.
    >>> print(log_finding(ev.drop(columns="touchpoint"), stages=["visit", "buy"]).text)
    ... # doctest: +NORMALIZE_WHITESPACE
    The log holds 3 events of 2 customers, in 2 stages: visit → buy. The events name no
    touchpoint, so there is no map of touchpoints.
    """
    if events.empty:
        return Finding.unsupported("The event log is empty, so there is no journey to map.")
    names = list(resolve_stages(stages))
    customers = int(events[customer].nunique()) if customer in events else 0
    scored = responses is not None and touchpoint in responses
    mapped = touchpoint in events and bool(events[touchpoint].notna().any())
    return Finding(
        "The log holds {events} of {customers}, in {k}: {stages}. "
        + (
            "The events name no touchpoint, so there is no map of touchpoints."
            if not mapped
            else "Survey answers name touchpoints, so the map can be scored."
            if scored
            else "No survey answer names a touchpoint, so the map shows volume only."
        ),
        {
            "events": _count(len(events), "event"),
            "customers": _count(customers, "customer"),
            "k": _count(len(names), "stage"),
            "stages": " → ".join(names),
        },
        numbers={"events": len(events), "customers": customers, "stages": names},
    )


def timeline_finding(
    events: pd.DataFrame, *, customer: str = "customer_id", timestamp: str = "timestamp"
) -> Finding:
    """Say how many events one customer has and over how long a time.

    Parameters
    ----------
    events : pandas.DataFrame
        The events of one customer.
    customer, timestamp : str
        Column names.

    Returns
    -------
    Finding
        "10 events of one customer over 81 days." — the time in the unit that fits it
        (:func:`format_duration`). Unsupported when there are no events or no timestamps.

    Raises
    ------
    ValueError
        If the events belong to more than one customer.

    Examples
    --------
    >>> one = pd.DataFrame(
    ...     {
    ...         "customer_id": ["a", "a", "a"],
    ...         "timestamp": pd.to_datetime(
    ...             ["2024-01-01 08:00", "2024-01-01 12:00", "2024-01-01 13:30"]
    ...         ),
    ...     }
    ... )
    >>> timeline_finding(one).text
    '3 events of one customer over 5.5 hours.'
    """
    if customer in events and events[customer].nunique() > 1:
        raise ValueError(
            f"timeline_finding describes one customer; the events hold "
            f"{events[customer].nunique()} customers (select one customer's rows first)"
        )
    times = pd.to_datetime(events[timestamp]).dropna() if timestamp in events else pd.Series()
    if times.empty:
        return Finding.unsupported("This customer has no dated events, so there is no timeline.")
    n = len(events)
    if n == 1:
        return Finding("One event of one customer: a journey of a single step.", {"events": 1})
    return Finding(
        "{events} of one customer over {span}.",
        {"events": _count(n, "event"), "span": format_duration(times.max() - times.min())},
        numbers={"events": n, "span": times.max() - times.min()},
    )


def funnel_finding(funnel: pd.DataFrame) -> Finding:
    """State how many customers the journey keeps, and where it loses most of them.

    Reads the output of :func:`cxlab.journey.funnel`: the share of customers reaching the last
    stage, the step with the largest drop-off and its Wilson interval, and the step with the
    smallest. Ties are named as ties; a step whose first stage was reached by fewer than 30
    customers is flagged as a wide interval.

    Parameters
    ----------
    funnel : pandas.DataFrame
        Output of :func:`cxlab.journey.funnel`.

    Returns
    -------
    Finding
        Unsupported when the log has no customers or a single stage.

    Examples
    --------
    >>> f = pd.DataFrame(
    ...     {
    ...         "customers": [100, 80, 20],
    ...         "share": [1.0, 0.8, 0.2],
    ...         "drop_off": [np.nan, 0.2, 0.75],
    ...         "drop_off_low": [np.nan, 0.13, 0.65],
    ...         "drop_off_high": [np.nan, 0.29, 0.83],
    ...     },
    ...     index=pd.Index(["visit", "buy", "return"], name="stage"),
    ... )
    >>> print(funnel_finding(f).text)  # doctest: +NORMALIZE_WHITESPACE
    Of 100 customers, 20% reach return. The largest loss is from buy to return: 75.0% (95%
    interval 65.0% to 83.0%) of the 80 customers who reached buy go no further. The smallest step
    loss is into buy (20.0%).
    """
    if funnel.empty or not funnel["customers"].iloc[0]:
        return Finding.unsupported("The log has no customers, so there is no funnel to read.")
    n = int(funnel["customers"].iloc[0])
    stages = [str(s) for s in funnel.index]
    if len(stages) < 2:
        return Finding.unsupported(
            "All {n:,} customers are in the journey's only stage, **{stage}**: with one stage "
            "there is no step at which to lose them.",
            n=n,
            stage=_label(stages[0]),
        )
    last = stages[-1]
    reach = float(funnel["share"].iloc[-1])
    steps = funnel["drop_off"].dropna()
    opening = Finding(
        "Of {n:,} customers, {reach:.0%} reach {last}.",
        {"n": n, "reach": reach, "last": _label(last)},
    )
    biggest = float(steps.max())
    if biggest == 0:
        return join(
            [opening, Finding("No stage loses a customer.", {}, numbers={"biggest_drop_off": 0.0})]
        )
    top = [str(s) for s in steps.index[np.isclose(steps.to_numpy(), biggest)]]
    before = {s: stages[stages.index(s) - 1] for s in steps.index.astype(str)}
    parts: list[Finding] = [opening]
    if len(top) > 1:
        parts.append(
            Finding(
                "The largest loss, {drop:.1%} of the customers who got that far, comes at {k} "
                "steps alike: {steps}.",
                {
                    "drop": biggest,
                    "k": len(top),
                    "steps": _names([f"{before[s]} → {s}" for s in top]),
                },
            )
        )
    else:
        to = top[0]
        row = funnel.loc[to]
        n_from = int(funnel.loc[before[to], "customers"])
        parts.append(
            Finding(
                "The largest loss is from **{frm} to {to}**: {drop:.1%} ({level} interval "
                "{low:.1%} to {high:.1%}) of the {n_from:,} customers who reached {frm} go no "
                "further.",
                {
                    "frm": _label(before[to]),
                    "to": _label(to),
                    "drop": float(row["drop_off"]),
                    "level": _level(funnel.attrs),
                    "low": float(row["drop_off_low"]),
                    "high": float(row["drop_off_high"]),
                    "n_from": n_from,
                },
            )
        )
        if n_from < SMALL_N:
            parts.append(
                Finding(
                    "Only {n_from} customers reached {frm}, so that interval is wide.",
                    {"n_from": n_from, "frm": _label(before[to])},
                )
            )
    if len(steps) > 1:
        least = float(steps.min())
        low = [str(s) for s in steps.index[np.isclose(steps.to_numpy(), least)]]
        if least == 0:
            parts.append(
                Finding("No customer is lost on the way into {into}.", {"into": _names(low)})
            )
        else:
            parts.append(
                Finding(
                    "The smallest step loss is into {into} ({least:.1%}).",
                    {"into": _names(low), "least": least},
                )
            )
    return join(parts)


def transitions_finding(transitions: pd.DataFrame, *, stages: Sequence[str] | None) -> Finding:
    """State how often customers move back to an earlier stage, and which move back is commonest.

    Parameters
    ----------
    transitions : pandas.DataFrame
        Output of :func:`cxlab.journey.transitions` (``from``, ``to``, ``count``).
    stages : sequence of str or None
        The stages in journey order, as passed to ``transitions`` (None: the default five).

    Returns
    -------
    Finding
        Unsupported when no customer moves from one stage to another. Fewer than 30 moves
        between stages are flagged.

    Examples
    --------
    >>> t = pd.DataFrame(
    ...     {"from": ["visit", "buy", "buy"], "to": ["buy", "visit", "buy"], "count": [30, 10, 5]}
    ... )
    >>> transitions_finding(t, stages=["visit", "buy"]).text
    '25% of the moves between stages go backwards, most often buy → visit (10 moves).'
    """
    order = {s: i for i, s in enumerate(resolve_stages(stages))}
    between = transitions[transitions["from"] != transitions["to"]]
    if between.empty:
        return Finding.unsupported(
            "No customer moves from one stage to another, so there is no flow between stages "
            "to describe."
        )
    unknown = sorted(set(between["from"]).union(between["to"]) - set(order), key=str)
    if unknown:
        raise ValueError(
            f"the transitions name stages not in stages=: {', '.join(map(str, unknown))}; pass "
            "the stages the transitions were computed with"
        )
    total = int(between["count"].sum())
    back = between[
        [order[t] < order[f] for f, t in zip(between["from"], between["to"], strict=True)]
    ]
    parts: list[Finding] = []
    if back.empty and total < SMALL_N:
        return Finding(
            "None of the {total} moves between stages goes back to an earlier stage; so few "
            "moves say little.",
            {"total": total},
            numbers={"back": 0, "total": total},
        )
    if back.empty:
        parts.append(
            Finding("No customer moves back to an earlier stage.", {}, numbers={"back": 0})
        )
    else:
        most = int(back["count"].max())
        top = back[back["count"] == most]
        moves = _names([f"{f} → {t}" for f, t in zip(top["from"], top["to"], strict=True)])
        parts.append(
            Finding(
                "{share:.0%} of the moves between stages go backwards, most often {moves} "
                "({count}{each}).",
                {
                    "share": back["count"].sum() / total,
                    "moves": moves,
                    "count": _count(most, "move"),
                    "each": " each" if len(top) > 1 else "",
                },
            )
        )
    if total < SMALL_N:
        parts.append(
            Finding(
                "With only {total} moves between stages, that share is rough.", {"total": total}
            )
        )
    return join(parts)


def variants_finding(variants: pd.DataFrame) -> Finding:
    """State the most common path through the journey and the share of customers on it.

    Parameters
    ----------
    variants : pandas.DataFrame
        Output of :func:`cxlab.journey.variants`.

    Returns
    -------
    Finding
        Ties between the commonest paths are named as ties; when the commonest path covers
        under a tenth of the customers the finding says that no path dominates. Unsupported
        without customers; fewer than 30 customers are flagged.

    Examples
    --------
    >>> v = pd.DataFrame(
    ...     {"customers": [6, 4], "share": [0.6, 0.4], "path": [("visit", "buy"), ("visit",)]},
    ...     index=pd.Index(["visit → buy", "visit"], name="variant"),
    ... )
    >>> print(variants_finding(v).text)  # doctest: +NORMALIZE_WHITESPACE
    The most common path, *visit → buy*, is taken by 60% of customers (6). With only 10
    customers, these shares are rough.
    """
    paths = variants[variants["path"].notna()]
    if paths.empty or not int(paths["customers"].max()):
        return Finding.unsupported("The log has no customers, so there are no paths to count.")
    total = int(variants.attrs.get("customers", variants["customers"].sum()))
    most = int(paths["customers"].max())
    top = paths[paths["customers"] == most]
    share = most / total
    routes = [" → ".join(map(str, p)) for p in top["path"]]
    parts: list[Finding] = []
    if len(top) == 1:
        parts.append(
            Finding(
                "The most common path, *{path}*, is taken by {share:.0%} of customers "
                "({customers:,}).",
                {"path": routes[0], "share": share, "customers": most},
            )
        )
    else:
        parts.append(
            Finding(
                "{k} paths are equally common, each taken by {share:.0%} of customers "
                "({customers:,} each): {paths}.",
                {"k": len(top), "share": share, "customers": most, "paths": "; ".join(routes)},
            )
        )
    n_variants = int(variants.attrs.get("variants", len(paths)))
    if share < 0.1 and n_variants > 10:
        parts.append(
            Finding(
                "No path dominates: the customers take {n:,} different paths.", {"n": n_variants}
            )
        )
    if total < SMALL_N:
        parts.append(Finding("With only {n} customers, these shares are rough.", {"n": total}))
    return join(parts)


def exits_finding(exits: pd.DataFrame) -> Finding:
    """State the stage where customers' last recorded event most often falls.

    Parameters
    ----------
    exits : pandas.DataFrame
        Output of :func:`cxlab.journey.exits`.

    Returns
    -------
    Finding
        Ties are named as ties; unsupported without customers.

    Examples
    --------
    >>> e = pd.DataFrame(
    ...     {"last": [1, 3], "last_share": [0.25, 0.75]},
    ...     index=pd.Index(["visit", "buy"], name="stage"),
    ... )
    >>> exits_finding(e).text
    "Customers' last recorded event is most often in buy (75% of customers)."
    """
    if exits.empty or not int(exits["last"].sum()):
        return Finding.unsupported("The log has no customers, so there is no last event to place.")
    most = int(exits["last"].max())
    top = exits[exits["last"] == most]
    share = float(top["last_share"].iloc[0])
    if len(top) == 1:
        return Finding(
            "Customers' last recorded event is most often in **{stage}** ({share:.0%} of "
            "customers).",
            {"stage": _label(top.index[0]), "share": share},
        )
    return Finding(
        "Customers' last recorded event falls equally often in {stages} ({share:.0%} of customers "
        "each).",
        {"stages": _names(list(top.index)), "share": share},
    )


def durations_finding(durations: pd.DataFrame, *, stages: Sequence[str] | None) -> Finding:
    """State the median time from each stage to the next, and how spread the slowest step is.

    Reads the summary of :func:`cxlab.journey.durations` (best with ``collapse=True``: time
    from entering one stage to entering the next). Only steps from a stage to the next one in
    journey order are read. Times are written in the unit that fits them
    (:func:`format_duration`); a step with fewer than 30 moves is marked as such.

    Parameters
    ----------
    durations : pandas.DataFrame
        Output of :func:`cxlab.journey.durations` (summary), with ``median`` and, when
        present, ``q25``, ``q75`` and ``q90``.
    stages : sequence of str or None
        The stages in journey order (None: the default five).

    Returns
    -------
    Finding
        Unsupported when no customer goes from one stage straight to the next.

    Examples
    --------
    >>> d = pd.DataFrame(
    ...     {
    ...         "from": ["visit", "buy"],
    ...         "to": ["buy", "return"],
    ...         "count": [40, 40],
    ...         "median": pd.to_timedelta(["5h", "3D"]),
    ...         "q25": pd.to_timedelta(["1h", "2D"]),
    ...         "q75": pd.to_timedelta(["9h", "6D"]),
    ...     }
    ... )
    >>> found = durations_finding(d, stages=["visit", "buy", "return"])
    >>> print(found.text)  # doctest: +NORMALIZE_WHITESPACE
    Median time from one stage to the next: visit → buy 5 hours; buy → return 3 days. The
    slowest step, buy → return, has a middle half from 2 to 6 days.
    """
    order = {s: i for i, s in enumerate(resolve_stages(stages))}
    forward = durations[
        [
            f in order and t in order and order[t] == order[f] + 1
            for f, t in zip(durations["from"], durations["to"], strict=True)
        ]
    ].reset_index(drop=True)
    if forward.empty:
        return Finding.unsupported(
            "No customer goes from one stage straight to the next, so there is no time between "
            "stages to report."
        )
    steps = []
    for _, row in forward.iterrows():
        took = format_duration(row["median"], digits=1)
        text = f"{_label(row['from'])} → {_label(row['to'])} {took}"
        if int(row["count"]) < SMALL_N:
            text += f" (only {_count(int(row['count']), 'move')})"
        steps.append(text)
    fields = "; ".join(f"{{step{i}}}" for i in range(len(steps)))
    head = Finding(
        "Median time from one stage to the next: " + fields + ".",
        {f"step{i}": s for i, s in enumerate(steps)},
        numbers={
            f"{f} → {t}": m
            for f, t, m in zip(forward["from"], forward["to"], forward["median"], strict=True)
        },
    )
    slow = forward.loc[forward["median"].idxmax()]
    tied = int((forward["median"] == slow["median"]).sum()) > 1
    if (
        "q25" not in forward
        or "q75" not in forward
        or pd.isna(slow["q25"])
        or pd.isna(slow["q75"])
        or slow["q25"] == slow["q75"]
    ):
        return head
    what = "One of the slowest steps" if tied else "The slowest step"
    tail = Finding(
        what + ", {frm} → {to}, has a middle half from {span}.",
        {
            "frm": _label(slow["from"]),
            "to": _label(slow["to"]),
            "span": _span(slow["q25"], slow["q75"]),
        },
    )
    parts = [head, tail]
    if "q90" in forward and pd.notna(slow["q90"]) and slow["q90"] > slow["q75"]:
        parts.append(
            Finding(
                "One move in ten takes longer than {q90}: the median alone hides them.",
                {"q90": format_duration(slow["q90"])},
            )
        )
    return join(parts)


# --------------------------------------------------------------------------------------------
# the measured journey map


def worst_touchpoint(
    jmap: JourneyMap | None, *, metric: str | None, higher_is_better: bool = True
) -> tuple[str, str] | None:
    """Return the ``(stage, touchpoint)`` with the worst score, or None when nothing is scored.

    Parameters
    ----------
    jmap : JourneyMap or None
        Output of :func:`cxlab.journey.journey_map` (without ``by``).
    metric : {"csat", "ces", "nps"} or None
        The score to read.
    higher_is_better : bool, default True
        False for a CES asked as "how hard was it".

    Returns
    -------
    tuple of str, or None
        The first of the worst in the map's order when several tie.

    Examples
    --------
    >>> t = pd.DataFrame(
    ...     {"csat": [80.0, 40.0]},
    ...     index=pd.MultiIndex.from_tuples(
    ...         [("buy", "web"), ("service", "phone")], names=["stage", "touchpoint"]
    ...     ),
    ... )
    >>> m = JourneyMap(table=t, funnel=pd.DataFrame(), overall=pd.DataFrame(), metrics=("csat",))
    >>> worst_touchpoint(m, metric="csat")
    ('service', 'phone')
    """
    if jmap is None or metric is None or metric not in jmap.table:
        return None
    scored = jmap.table[metric].dropna()
    if scored.empty:
        return None
    at = scored.idxmin() if higher_is_better else scored.idxmax()
    return str(at[0]), str(at[1])


def flagged_touchpoints(jmap: JourneyMap) -> pd.DataFrame:
    """Show the map's pain points and moments of delight in numbers.

    Each flagged touchpoint with its customers, and per metric its score, interval, ``n``,
    difference from the rest of the journey and signal, and a ``kind`` column.

    Parameters
    ----------
    jmap : JourneyMap
        Output of :func:`cxlab.journey.journey_map` (without ``by``).

    Returns
    -------
    pandas.DataFrame
        Indexed like the map's table; empty (with the columns) when nothing is flagged.

    Examples
    --------
    >>> t = pd.DataFrame(
    ...     {
    ...         "customers": [10, 12],
    ...         "csat": [80.0, 40.0],
    ...         "csat_low": [70.0, 30.0],
    ...         "csat_high": [88.0, 50.0],
    ...         "csat_n": [40, 40],
    ...         "csat_difference": [10.0, -30.0],
    ...         "csat_signal": ["", "worse"],
    ...         "pain_point": [False, True],
    ...         "delight": [False, False],
    ...     },
    ...     index=pd.MultiIndex.from_tuples(
    ...         [("buy", "web"), ("service", "phone")], names=["stage", "touchpoint"]
    ...     ),
    ... )
    >>> m = JourneyMap(table=t, funnel=pd.DataFrame(), overall=pd.DataFrame(), metrics=("csat",))
    >>> flagged_touchpoints(m)[["csat", "kind"]]  # doctest: +NORMALIZE_WHITESPACE
                        csat        kind
    stage   touchpoint
    service phone       40.0  pain point
    """
    table = jmap.table
    flagged = table[table["pain_point"] | table["delight"]]
    cols = ["customers"] + [
        f"{m}{s}"
        for m in jmap.metrics
        for s in ("", "_low", "_high", "_n", "_difference", "_signal")
    ]
    kind = flagged["pain_point"].map({True: "pain point", False: "delight"}).astype("str")
    return flagged[cols].round(2).assign(kind=kind)


def map_finding(
    jmap: JourneyMap | None,
    *,
    metric: str | None,
    curve: pd.DataFrame | None = None,
    higher_is_better: bool = True,
) -> Finding:
    """State what the measured map shows: the worst touchpoint, pain points, delights, the dip.

    The worst-scoring touchpoint with its score, interval and ``n`` against the score of all
    touchpoint answers; the pain points and moments of delight (flagged by
    :func:`cxlab.journey.journey_map` after the adjustment for testing every touchpoint); the
    stage where the emotion curve dips; and how many touchpoints carry enough answers to be
    scored.

    Parameters
    ----------
    jmap : JourneyMap or None
        Output of :func:`cxlab.journey.journey_map` (without ``by``); None when the log names
        no touchpoints.
    metric : {"csat", "ces", "nps"} or None
        The score the map is read by; None when no answer names a touchpoint.
    curve : pandas.DataFrame, optional
        The emotion curve (:func:`cxlab.journey.emotion_curve`).
    higher_is_better : bool, default True
        False for a CES asked as "how hard was it".

    Returns
    -------
    Finding
        Unsupported without a map, without scores (it then names the busiest touchpoint), or
        with a single scored touchpoint (nothing to rank it against).

    Examples
    --------
    >>> t = pd.DataFrame(
    ...     {
    ...         "customers": [10, 12],
    ...         "csat": [80.0, 40.0],
    ...         "csat_low": [70.0, 30.0],
    ...         "csat_high": [88.0, 50.0],
    ...         "csat_n": [40, 40],
    ...         "pain_point": [False, True],
    ...         "delight": [False, False],
    ...         "impact": [0.0, -0.3],
    ...     },
    ...     index=pd.MultiIndex.from_tuples(
    ...         [("buy", "web"), ("service", "phone")], names=["stage", "touchpoint"]
    ...     ),
    ... )
    >>> o = pd.DataFrame({"n": [80], "value": [60.0]}, index=pd.Index(["csat"], name="metric"))
    >>> m = JourneyMap(table=t, funnel=pd.DataFrame(), overall=o, metrics=("csat",))
    >>> print(map_finding(m, metric="csat").text)  # doctest: +NORMALIZE_WHITESPACE
    phone (service) scores lowest: CSAT 40% (95% interval 30% to 50%, n = 40), against 60% for all
    touchpoint answers. Pain points: phone. Moments of delight: none. Every touchpoint
    carries enough answers to be scored.
    """
    if jmap is None:
        return Finding.unsupported("The events name no touchpoints, so there is no map to read.")
    table = jmap.table
    scored = (
        pd.DataFrame() if metric is None or metric not in table else table.dropna(subset=[metric])
    )
    if scored.empty:
        if table.empty:
            return Finding.unsupported("The map has no touchpoints.")
        busiest = table["customers"].idxmax()
        why = (
            "no survey answer names a touchpoint"
            if metric is None
            else "no touchpoint has enough answers to be scored"
        )
        return Finding.unsupported(
            "Without scores ({why}), the map shows traffic: **{tp}** reaches the most customers "
            "({n:,}).",
            why=why,
            tp=_label(busiest[1]),
            n=int(table.loc[busiest, "customers"]),
        )
    name = metric.upper()
    if len(scored) == 1:
        at = scored.index[0]
        row = scored.iloc[0]
        return Finding.unsupported(
            "Only **{tp}** ({stage}) carries enough answers to be scored ({name} {value}, n = "
            "{n:,}), so there is no other touchpoint to rank it against.",
            tp=_label(at[1]),
            stage=_label(at[0]),
            name=name,
            value=_score_text(row[metric], metric),
            n=int(row[f"{metric}_n"]),
        )
    values = scored[metric]
    worst_value = values.min() if higher_is_better else values.max()
    tied = scored[np.isclose(values.to_numpy(), worst_value)]
    overall = _score_text(jmap.overall.loc[metric, "value"], metric)
    parts: list[Finding] = []
    if len(tied) == 1:
        at, row = tied.index[0], tied.iloc[0]
        n = int(row[f"{metric}_n"])
        parts.append(
            Finding(
                "**{tp}** ({stage}) scores lowest: {name} {value} ({level} interval {low} to "
                "{high}, n = {n:,}), against {overall} for all touchpoint answers.",
                {
                    "tp": _label(at[1]),
                    "stage": _label(at[0]),
                    "name": name,
                    "value": _score_text(row[metric], metric),
                    "level": f"{jmap.confidence:.0%}",
                    "low": _score_text(row[f"{metric}_low"], metric),
                    "high": _score_text(row[f"{metric}_high"], metric),
                    "n": n,
                    "overall": overall,
                },
                numbers={"touchpoint": at[1], "stage": at[0], "value": row[metric], "n": n},
            )
        )
        if n < SMALL_N:
            parts.append(
                Finding("That score rests on only {n} answers, so read it with care.", {"n": n})
            )
    else:
        parts.append(
            Finding(
                "{tps} share the lowest score, {name} {value}, against {overall} for all "
                "touchpoint answers.",
                {
                    "tps": _names([t for _, t in tied.index]),
                    "name": name,
                    "value": _score_text(worst_value, metric),
                    "overall": overall,
                },
            )
        )
    pains = [t for _, t in jmap.pain_points.index]
    delights = [t for _, t in jmap.delights.index]
    parts.append(
        Finding(
            "Pain points: {pains}. Moments of delight: {delights}.",
            {
                "pains": ", ".join(map(_label, pains)) or "none",
                "delights": ", ".join(map(_label, delights)) or "none",
            },
            numbers={"pain_points": pains, "delights": delights},
        )
    )
    total = len(table)
    coverage = (
        "{scored} of {total} touchpoints carry enough answers to be scored, so the grey tiles "
        "are blind spots of the survey, not neutral steps."
        if len(scored) < total
        else "every touchpoint carries enough answers to be scored."
    )
    counts = {"scored": len(scored), "total": total}
    valid = pd.DataFrame() if curve is None else curve.dropna(subset=["value"])
    if len(valid) > 1:
        dip = valid["value"].idxmin() if higher_is_better else valid["value"].idxmax()
        parts.append(
            Finding(
                "The emotion curve dips at **{stage}** ({value}, n = {n:,}); " + coverage,
                {
                    "stage": _label(dip),
                    "value": _score_text(valid.loc[dip, "value"], metric),
                    "n": int(valid.loc[dip, "n"]),
                }
                | counts,
            )
        )
    else:
        parts.append(Finding(coverage[0].upper() + coverage[1:], counts))
    return join(parts)


def comments_finding(
    responses: pd.DataFrame | None,
    *,
    touchpoint: str | None,
    n: int = 2,
    seed: int | None = None,
    comment: str = "comment",
    column: str = "touchpoint",
) -> Finding:
    """Quote a few comments customers left at one touchpoint, skipping contact details.

    Comments that contain an e-mail address or a run of three digits (a phone or order
    number) are skipped (:data:`CONTACT_DETAILS`): they are personal data and add nothing to
    the map. The others are drawn at random with ``seed`` and quoted, each as its own
    Markdown quotation, the customer's words escaped.

    Parameters
    ----------
    responses : pandas.DataFrame or None
        Survey answers with a touchpoint and a comment column.
    touchpoint : str or None
        The touchpoint whose comments to quote.
    n : int, default 2
        How many comments to quote at most.
    seed : int, optional
        Random seed of the draw.
    comment, column : str
        The comment and touchpoint columns.

    Returns
    -------
    Finding
        Unsupported when there is no comment to quote, saying why.

    Examples
    --------
    >>> r = pd.DataFrame(
    ...     {
    ...         "touchpoint": ["till", "till", "web"],
    ...         "comment": ["Slow <b>queue</b>", "call me on 0123 456", "fine"],
    ...     }
    ... )
    >>> comments_finding(r, touchpoint="till", seed=1).to_markdown()
    '> Slow &#60;b&#62;queue&#60;&#47;b&#62;'
    """
    if (
        responses is None
        or touchpoint is None
        or comment not in responses
        or column not in responses
    ):
        return Finding.unsupported("No comments to show.")
    said = responses.loc[responses[column].astype("str") == str(touchpoint), comment].dropna()
    said = said[said.astype("str").str.strip() != ""]
    if said.empty:
        return Finding.unsupported("Nobody left a comment at **{tp}**.", tp=_label(touchpoint))
    usable = said[~said.astype("str").str.contains(CONTACT_DETAILS, regex=True)]
    if usable.empty:
        return Finding.unsupported(
            "Every comment left at **{tp}** contains contact details, so none is quoted.",
            tp=_label(touchpoint),
        )
    picked = usable.sample(min(n, len(usable)), random_state=seed)
    return join([Finding("> {text}", {"text": str(text)}) for text in picked], sep="\n\n")


# --------------------------------------------------------------------------------------------
# journey health


def health_flags(health: pd.DataFrame) -> pd.DataFrame:
    """List what the latest period puts in front of the owner: every measure flagged in it.

    Parameters
    ----------
    health : pandas.DataFrame
        Output of :func:`cxlab.journey.health`.

    Returns
    -------
    pandas.DataFrame
        One row per measure of the latest period that changed significantly from the period
        before or left its control limits, with ``what`` ("conversion into purchase", "CSAT at
        checkout", "CSAT of all answers") and the columns :data:`FLAG_COLUMNS`.
        ``attrs["period"]`` is the latest period (None without periods).

    Examples
    --------
    >>> h = pd.DataFrame(
    ...     {
    ...         "period": pd.PeriodIndex(["2024-01", "2024-02", "2024-02"], freq="M"),
    ...         "measure": ["conversion", "conversion", "csat"],
    ...         "stage": ["buy", "buy", "service"],
    ...         "touchpoint": [None, None, "phone"],
    ...         "n": [50, 60, 40],
    ...         "value": [0.5, 0.9, 70.0],
    ...         "previous": [np.nan, 0.5, 72.0],
    ...         "change": [np.nan, 0.4, -2.0],
    ...         "p_adjusted": [np.nan, 0.001, 0.8],
    ...         "changed": [False, True, False],
    ...         "lcl": [0.4, 0.4, 50.0],
    ...         "ucl": [0.9, 0.9, 90.0],
    ...         "outside": [False, False, False],
    ...     }
    ... )
    >>> health_flags(h)["what"].tolist()
    ['conversion into buy']
    """
    if health.empty:
        out = pd.DataFrame({c: [] for c in FLAG_COLUMNS})
        out.attrs["period"] = None
        return out
    latest = health["period"].max()
    now = health[(health["period"] == latest) & (health["changed"] | health["outside"])]
    what = [
        f"conversion into {s}"
        if m == "conversion"
        else f"{str(m).upper()} of all answers"
        if t == ALL_TOUCHPOINTS
        else f"{str(m).upper()} at {t}"
        for m, s, t in zip(now["measure"], now["stage"], now["touchpoint"], strict=True)
    ]
    out = now.assign(what=pd.array(what, dtype="str"))[list(FLAG_COLUMNS)].reset_index(drop=True)
    out.attrs["period"] = latest
    return out


def health_flags_table(flags: pd.DataFrame) -> present.Table:
    """Show :func:`health_flags` for readers, each row in its measure's unit.

    One table mixes measures: a conversion is a share (0 to 1), a CSAT a percentage (0 to 100),
    an NPS points and a CES a mean on its scale. Each row is written in its own unit —
    conversions and CSAT as percentages with their changes in percentage points, NPS in
    points, CES with two decimals — so no column shows ``0.98`` next to ``36``.

    Parameters
    ----------
    flags : pandas.DataFrame
        Output of :func:`health_flags`.

    Returns
    -------
    cxlab.present.Table
        Columns "What", "n", "Value", "Previous", "Change", "p (Holm-adjusted)", "Changed",
        "Control limits" and "Outside".

    Examples
    --------
    >>> flags = pd.DataFrame(
    ...     {
    ...         "what": ["conversion into buy", "CSAT at phone"],
    ...         "n": [60, 40],
    ...         "value": [0.9, 70.0],
    ...         "previous": [0.5, 72.5],
    ...         "change": [0.4, -2.5],
    ...         "p_adjusted": [0.0004, 0.8],
    ...         "changed": [True, False],
    ...         "lcl": [0.4, 50.0],
    ...         "ucl": [0.92, 90.0],
    ...         "outside": [False, True],
    ...     }
    ... )
    >>> health_flags_table(flags).frame.values.tolist()[0]
    ['conversion into buy', '60', '90%', '50%', '+40 points', '< 0.001', 'yes', '40% to 92%', 'no']
    >>> health_flags_table(flags).frame.values.tolist()[1][2:5]
    ['70%', '72%', '−2.5 points']
    """
    rows = []
    for r in flags.itertuples(index=False):
        what = str(r.what)
        scale, digits, unit = 1.0, 0, "%"
        if what.startswith("conversion"):
            scale = 100.0
        elif what.startswith("NPS"):
            unit = ""
        elif what.startswith("CES"):
            digits, unit = 2, ""

        def show(x: Any, scale: float = scale, digits: int = digits, unit: str = unit) -> str:
            text = present.number(None if x is None else float(x) * scale, digits)
            return text if text == present.DASH else text + unit

        change = float(r.change) * scale
        change_digits = digits if digits else (0 if abs(change) >= 10 else 1)
        moved = present.signed(change, change_digits)
        if moved != present.DASH:
            moved += " points" if unit == "%" or what.startswith("NPS") else ""
        rows.append(
            {
                "What": what,
                "n": present.number(r.n, 0),
                "Value": show(r.value),
                "Previous": show(r.previous),
                "Change": moved,
                "p (Holm-adjusted)": present.p_value(r.p_adjusted),
                "Changed": present.boolean(r.changed),
                "Control limits": f"{show(r.lcl)} to {show(r.ucl)}",
                "Outside": present.boolean(r.outside),
            }
        )
    columns = ["What", "n", "Value", "Previous", "Change", "p (Holm-adjusted)", "Changed"]
    columns += ["Control limits", "Outside"]
    return present.Table(pd.DataFrame(rows, columns=columns))


def health_finding(
    health: pd.DataFrame,
    *,
    stage: str,
    metric: str | None = None,
    touchpoint: str | None = None,
) -> Finding:
    """State what the health check shows over time and what the latest period flags.

    It reads one stage's conversion and, optionally, one touchpoint's score.

    A conversion is tracked over the periods in which customers reached the stage before it:
    how many periods fell outside the control limits and how many changes from one period to
    the next survived the adjustment. A touchpoint score resting on fewer than 30 answers a
    period is said to be able to flag only large shifts. When nearly every conversion step is
    flagged in the latest period at once, the finding points at the data (an incomplete
    period, the end of the log) before the journey.

    Parameters
    ----------
    health : pandas.DataFrame
        Output of :func:`cxlab.journey.health`.
    stage : str
        The stage whose conversion (into it) to follow.
    metric, touchpoint : str, optional
        A score and the touchpoint to follow it at.

    Returns
    -------
    Finding
        Unsupported when the stage has no conversion in any period, or when the data cover a
        single period (nothing to compare it with).

    Examples
    --------
    >>> h = pd.DataFrame(
    ...     {
    ...         "period": pd.PeriodIndex(["2024-01", "2024-02"], freq="M"),
    ...         "measure": ["conversion"] * 2,
    ...         "stage": ["buy"] * 2,
    ...         "touchpoint": [None] * 2,
    ...         "n": [50, 60],
    ...         "value": [0.5, 0.9],
    ...         "previous": [np.nan, 0.5],
    ...         "change": [np.nan, 0.4],
    ...         "p_adjusted": [np.nan, 0.001],
    ...         "changed": [False, True],
    ...         "lcl": [0.4, 0.4],
    ...         "ucl": [0.9, 0.95],
    ...         "outside": [False, False],
    ...     }
    ... )
    >>> print(health_finding(h, stage="buy").text)  # doctest: +NORMALIZE_WHITESPACE
    Conversion into buy is tracked over 2 periods from 55 customers a period (median); no
    period fell outside the control limits and 1 change from one period to the next was
    flagged. In the latest period (2024-02) 1 measure is flagged: a flag is a reason to look
    at what changed that period, not yet a verdict.
    """
    conv = health[
        (health["measure"] == "conversion") & (health["stage"] == stage) & (health["n"] > 0)
    ]
    if conv.empty:
        return Finding.unsupported(
            "No period has customers at the stage before **{stage}**, so its conversion cannot be "
            "tracked.",
            stage=_label(stage),
        )
    periods = health["period"].nunique()
    if periods < 2:
        return Finding.unsupported(
            "The data cover a single period ({period}), so there is nothing to compare it with: "
            "journey health needs two periods or more.",
            period=str(health["period"].iloc[0]),
        )
    outside, changed = int(conv["outside"].sum()), int(conv["changed"].sum())
    parts = [
        Finding(
            "Conversion into {stage} is tracked over {periods} from {n:,} customers a period "
            "(median); {outside} fell outside the control limits and {changed} from one period "
            "to the next {verb} flagged.",
            {
                "stage": _label(stage),
                "periods": _count(len(conv), "period"),
                "n": int(conv["n"].median()),
                "outside": _count(outside, "period") if outside else "no period",
                "changed": _count(changed, "change") if changed else "no change",
                "verb": "was" if changed <= 1 else "were",
            },
            numbers={"periods": len(conv), "outside": outside, "changed": changed},
        )
    ]
    per_period = int(conv["n"].median())
    if per_period < SMALL_N:
        parts.append(
            Finding(
                "With only {n:,} customers a period (median, fewer than {small}), the control "
                "limits are wide and only large changes can be flagged: a quiet chart here is "
                "not evidence that nothing changed.",
                {"n": per_period, "small": SMALL_N},
            )
        )
    if metric is not None and touchpoint is not None:
        tp_rows = health[
            (health["measure"] == metric) & (health["touchpoint"] == touchpoint) & (health["n"] > 0)
        ]
        if len(tp_rows):
            n = int(tp_rows["n"].median())
            k = int(tp_rows["changed"].sum())
            values = {"name": metric.upper(), "tp": _label(touchpoint), "n": n, "k": k}
            if n < SMALL_N:
                parts.append(
                    Finding(
                        "The {name} of {tp} rests on only {n} answers a period (median), so its "
                        "intervals are wide and only a large shift could be flagged ({k} "
                        "{verb}). Event data give the fast signal; survey scores need longer "
                        "periods.",
                        values | {"verb": "was" if k == 1 else "were"},
                    )
                )
            else:
                parts.append(
                    Finding(
                        "The {name} of {tp} rests on {n:,} answers a period (median); {changes} "
                        "from one period to the next {verb} flagged.",
                        values
                        | {"changes": _count(k, "change"), "verb": "was" if k == 1 else "were"},
                    )
                )
    flags = health_flags(health)
    latest = flags.attrs["period"]
    steps = int(health.loc[health["measure"] == "conversion", "stage"].nunique())
    flagged_steps = int(flags["what"].str.startswith("conversion into ").sum())
    lead = Finding(
        "In the latest period ({period}) {k} {verb} flagged",
        {
            "period": str(latest),
            "k": _count(len(flags), "measure") if len(flags) else "no measure",
            "verb": "is" if len(flags) <= 1 else "are",
        },
        numbers={"period": latest, "flagged": len(flags)},
    )
    if steps > 1 and flagged_steps >= max(2, steps - 1):
        every = (
            "every conversion step"
            if flagged_steps == steps
            else f"{flagged_steps} of the {steps} conversion steps"
        )
        parts.append(
            join(
                [
                    lead,
                    Finding(
                        ", {every} at once: a jump across the whole journey usually points at the "
                        "data (an incomplete period, the end of the log, a change in tracking) "
                        "rather than at one step, so check the export before acting.",
                        {"every": every},
                    ),
                ],
                sep="",
            )
        )
    elif len(flags):
        parts.append(
            join(
                [
                    lead,
                    ": a flag is a reason to look at what changed that period, not yet a verdict.",
                ],
                sep="",
            )
        )
    else:
        parts.append(join([lead, "."], sep=""))
    return join(parts)


# --------------------------------------------------------------------------------------------
# headline numbers


def journey_headlines(
    funnel: pd.DataFrame,
    variants: pd.DataFrame,
    health: pd.DataFrame,
    jmap: JourneyMap | None = None,
    *,
    metric: str | None = None,
    higher_is_better: bool = True,
) -> dict[str, Any]:
    """Gather the chapter's headline numbers, for :func:`cxlab.headlines.publish`.

    Parameters
    ----------
    funnel, variants, health : pandas.DataFrame
        Outputs of :func:`cxlab.journey.funnel`, :func:`cxlab.journey.variants` and
        :func:`cxlab.journey.health`.
    jmap : JourneyMap, optional
        The measured map; adds the worst touchpoint, the pain points and the delights.
    metric : str, optional
        The score the map is read by.
    higher_is_better : bool, default True
        False for a CES asked as "how hard was it".

    Returns
    -------
    dict
        ``customers_in_journey``, ``stages``, ``biggest_drop_off`` (None with a single stage
        or no loss), ``most_common_path`` (None without customers), ``health_latest`` and, with
        a scored map, ``worst_touchpoint``, ``pain_points`` and ``delights``. The first of tied
        steps or paths is reported.

    Examples
    --------
    >>> f = pd.DataFrame(
    ...     {
    ...         "customers": [10, 4],
    ...         "drop_off": [np.nan, 0.6],
    ...         "drop_off_low": [np.nan, 0.3],
    ...         "drop_off_high": [np.nan, 0.85],
    ...         "dropped": [0, 6],
    ...     },
    ...     index=pd.Index(["visit", "buy"], name="stage"),
    ... )
    >>> v = pd.DataFrame(
    ...     {"customers": [6, 4], "share": [0.6, 0.4], "path": [("visit",), ("visit", "buy")]}
    ... )
    >>> journey_headlines(f, v, pd.DataFrame())["biggest_drop_off"]["dropped"]
    6
    """
    steps = funnel["drop_off"].dropna() if len(funnel) > 1 else pd.Series(dtype="float64")
    stages = [str(s) for s in funnel.index]
    drop = None
    if len(steps) and steps.max() > 0:
        to = str(steps.idxmax())
        frm = stages[stages.index(to) - 1]
        row = funnel.loc[to]
        drop = {
            "from": frm,
            "to": to,
            "share": row["drop_off"],
            "low": row["drop_off_low"],
            "high": row["drop_off_high"],
            "dropped": int(row["dropped"]),
            "n": int(funnel.loc[frm, "customers"]),
        }
    paths = variants[variants["path"].notna()]
    path = None
    if len(paths):
        top = paths.iloc[0]
        path = {
            "path": " → ".join(map(str, top["path"])),
            "share": top["share"],
            "customers": int(top["customers"]),
        }
    flags = health_flags(health)
    published: dict[str, Any] = {
        "customers_in_journey": int(funnel["customers"].iloc[0]) if len(funnel) else 0,
        "stages": stages,
        "biggest_drop_off": drop,
        "most_common_path": path,
        "health_latest": {"period": flags.attrs["period"], "flagged": flags["what"].tolist()},
    }
    at = worst_touchpoint(jmap, metric=metric, higher_is_better=higher_is_better)
    if jmap is not None and metric is not None and at is not None:
        row = jmap.table.loc[at]
        published["worst_touchpoint"] = {
            "stage": at[0],
            "touchpoint": at[1],
            "metric": metric,
            "value": row[metric],
            "low": row[f"{metric}_low"],
            "high": row[f"{metric}_high"],
            "n": int(row[f"{metric}_n"]),
            "pain_point": bool(row["pain_point"]),
        }
        published["pain_points"] = [t for _, t in jmap.pain_points.index]
        published["delights"] = [t for _, t in jmap.delights.index]
    return published
