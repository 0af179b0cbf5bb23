"""Which parts of the journey chapter a bundle's data cannot support, and what would enable them."""

from __future__ import annotations

import pandas as pd

from cxlab.findings import Finding

__all__ = ["SECTIONS", "gaps"]

#: The parts of the journey analysis that need more than an event log, in chapter order.
SECTIONS: tuple[str, ...] = ("map", "scores", "comments", "health")

_SCORES = ("csat", "ces", "nps")


def _answered(table: pd.DataFrame | None, column: str) -> bool:
    return table is not None and column in table and bool(table[column].notna().any())


def gaps(
    events: pd.DataFrame,
    responses: pd.DataFrame | None = None,
    *,
    freq: str = "M",
    touchpoint: str = "touchpoint",
    timestamp: str = "timestamp",
    comment: str = "comment",
) -> dict[str, Finding]:
    """Say which parts of the journey analysis the data cannot support, each with its remedy.

    ``map``: the events name no touchpoint, so there is no journey map. ``scores``: no survey
    answer with a CSAT, CES or NPS score names a touchpoint, so the map shows volume only.
    ``comments``: no survey answer holds a comment. ``health``: the events fall in a single
    period of ``freq`` (or have no valid time), so nothing can be compared over time.

    Parameters
    ----------
    events : pandas.DataFrame
        The event log.
    responses : pandas.DataFrame, optional
        The survey answers that can be placed on the map.
    freq : str, default "M"
        The period of the health check (a pandas period alias: "W", "M", "Q", "Y").
    touchpoint, timestamp, comment : str
        Column names.

    Returns
    -------
    dict of str to Finding
        One unsupported finding per part that cannot run (keys among :data:`SECTIONS`), its
        sentence a single line saying why and what data would enable it; empty when all can.

    Examples
    --------
    >>> ev = pd.DataFrame(
    ...     {"customer_id": ["a", "b"], "timestamp": pd.to_datetime(["2024-01-02", "2024-01-20"])}
    ... )
    >>> sorted(gaps(ev))
    ['comments', 'health', 'map', 'scores']
    >>> print(gaps(ev)["health"].text)  # doctest: +NORMALIZE_WHITESPACE
    The events cover a single period (2024-01), so there is no period-by-period health
    check: it needs events from two periods or more.
    """
    out: dict[str, Finding] = {}
    if not _answered(events, touchpoint):
        out["map"] = Finding.unsupported(
            "The events name no touchpoint, so there is no journey map and nothing to compare "
            "with a workshop map: a touchpoint column in the events would enable them."
        )
    has_tp = responses is not None and touchpoint in responses
    scored = has_tp and any(
        bool((responses[s].notna() & responses[touchpoint].notna()).any())
        for s in _SCORES
        if s in responses
    )
    if not scored:
        out["scores"] = Finding.unsupported(
            "No survey answer with a CSAT, CES or NPS score names a touchpoint, so the map "
            "shows volume only and flags nothing: survey responses with a touchpoint column "
            "and a score would find its pain points."
        )
    if not _answered(responses, comment):
        out["comments"] = Finding.unsupported(
            "No survey answer holds a comment, so there is nothing customers wrote to quote: "
            "a comment column in the survey responses would add it."
        )
    if timestamp in events:
        times = pd.to_datetime(events[timestamp], errors="coerce", utc=True).dt.tz_localize(None)
        periods = times.dropna().dt.to_period(freq).unique()
    else:
        periods = []
    if not len(periods):
        out["health"] = Finding.unsupported(
            "The events have no valid times, so there is no period-by-period health check: "
            "it needs timestamped events from two periods or more."
        )
    elif len(periods) == 1:
        out["health"] = Finding.unsupported(
            "The events cover a single period ({period}), so there is no period-by-period "
            "health check: it needs events from two periods or more.",
            period=str(periods[0]),
        )
    return out
