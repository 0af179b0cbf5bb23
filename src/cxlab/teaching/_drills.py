"""Drills: copies of a client's data with a known problem planted, to show a method react.

A demo client is generated with a stable experience at every touchpoint, so the real-time alert
rule of chapter 03 (:func:`cxlab.metrics.rolling_alerts`) rightly stays quiet on it. To see the
rule fire, :func:`plant_drop` turns part of one touchpoint's recent answers dissatisfied in a
copy of the responses — a fire drill on data whose answer is known — and :func:`alert_drill`
runs the rule on the real answers and on that copy and says what each shows.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from cxlab.findings import Finding, md
from cxlab.metrics import rolling_alerts

__all__ = ["alert_drill", "plant_drop"]


def plant_drop(
    responses: pd.DataFrame,
    *,
    touchpoint: str,
    since: Any,
    share: float = 0.6,
    scale: Any = 5,
    by: str = "touchpoint",
    date: str = "date",
    score: str = "csat",
    seed: int = 0,
) -> pd.DataFrame:
    """Return a copy of the responses in which one touchpoint's recent answers turn sour.

    From ``since`` on, a random ``share`` of the touchpoint's ``score`` answers is set to the
    lowest point of the scale; every other row, and the frame passed in, are left as they were.

    Parameters
    ----------
    responses : pandas.DataFrame
        Survey answers with ``by``, ``date`` and ``score`` columns.
    touchpoint : str
        The touchpoint whose answers drop.
    since : date-like
        First day of the drop.
    share : float, default 0.6
        Share (0–1) of the touchpoint's answers from ``since`` on that become dissatisfied.
    scale : int, tuple or Scale, default 5
        The CSAT scale (``bundle.config.csat_scale``, a ``(low, high)`` pair, or the top of
        a scale starting at 1); its lowest point is the planted answer.
    by, date, score : str
        Column names: the touchpoint, the answer's date, the CSAT answer.
    seed : int, default 0
        Seed of the random choice of answers.

    Returns
    -------
    pandas.DataFrame
        The copy with the drop planted.

    Raises
    ------
    ValueError
        If ``share`` is outside 0–1, or the touchpoint has no answer from ``since`` on.

    Examples
    --------
    >>> r = pd.DataFrame(
    ...     {
    ...         "touchpoint": "checkout",
    ...         "date": pd.date_range("2024-01-01", periods=4),
    ...         "csat": [5, 5, 5, 5],
    ...     }
    ... )
    >>> plant_drop(r, touchpoint="checkout", since="2024-01-03", share=1.0)["csat"].tolist()
    [5, 5, 1, 1]
    """
    if not 0 <= share <= 1:
        raise ValueError(f"share must be between 0 and 1; got {share!r}")
    low = scale.min if hasattr(scale, "min") else scale[0] if isinstance(scale, tuple) else 1
    start = pd.Timestamp(since)
    rows = responses.index[
        (responses[by] == touchpoint)
        & (pd.to_datetime(responses[date]) >= start)
        & responses[score].notna()
    ]
    if rows.empty:
        raise ValueError(
            f"touchpoint {touchpoint!r} has no {score} answer dated on or after {start.date()}; "
            f"pick a touchpoint and a start date inside the responses"
        )
    rng = np.random.default_rng(seed)
    chosen = rng.choice(rows.to_numpy(), size=round(share * len(rows)), replace=False)
    planted = responses.copy()
    planted.loc[chosen, score] = low
    return planted


def alert_drill(
    responses: pd.DataFrame,
    *,
    scale: Any = 5,
    watch_days: int = 90,
    drop_after: int = 15,
    share: float = 0.8,
    seed: int = 0,
) -> tuple[pd.DataFrame, pd.DataFrame, Finding]:
    """Run the real-time alert rule on the real answers and on a copy with a planted drop.

    The last ``watch_days`` of the responses are watched; in the copy, the touchpoint with the
    most answers in that period has a ``share`` of its answers turned dissatisfied from
    ``drop_after`` days into it (:func:`plant_drop`).

    Parameters
    ----------
    responses : pandas.DataFrame
        Survey answers with ``touchpoint``, ``date`` and ``csat`` columns.
    scale : int, tuple or Scale, default 5
        The CSAT scale (``bundle.config.csat_scale``).
    watch_days, drop_after : int
        Length of the watched period, and the day of it on which the drop starts.
    share : float, default 0.8
        Share of the touchpoint's answers after the drop that become dissatisfied.
    seed : int, default 0
        Seed of :func:`plant_drop`.

    Returns
    -------
    real : pandas.DataFrame
        :func:`cxlab.metrics.rolling_alerts` on the real answers.
    drill : pandas.DataFrame
        The same on the copy with the planted drop.
    finding : Finding
        What each shows, in a sentence or two.
    """
    dates = pd.to_datetime(responses["date"])
    since = dates.max().normalize() - pd.Timedelta(days=watch_days)
    real = rolling_alerts(responses, since=since, scale=scale)
    recent = responses.loc[(dates >= since) & responses["csat"].notna(), "touchpoint"]
    target = str(recent.value_counts().idxmax())
    drop = since + pd.Timedelta(days=drop_after)
    try:
        planted = plant_drop(
            responses, touchpoint=target, since=drop, share=share, scale=scale, seed=seed
        )
    except ValueError:  # no answer at the touchpoint after the drop date: nothing to plant
        planted = None
    drill = real if planted is None else rolling_alerts(planted, since=since, scale=scale)
    fired = real.index[real["fired"]].tolist()
    first = drill.loc[target, "first_alert"]
    real_text = (
        md(
            "On the real answers no touchpoint fires since {since}: every one stays within "
            "its limits.",
            since=str(since.date()),
        )
        if not fired
        else md(
            "On the real answers the rule fires for {tps} since {since}.",
            tps=", ".join(fired),
            since=str(since.date()),
        )
    )
    drill_text = (
        md(
            "No drop can be planted: **{tp}**, the busiest touchpoint, has no answer after {drop}.",
            tp=target,
            drop=str(drop.date()),
        )
        if planted is None
        else md(
            "With a drop planted at **{tp}** from {drop}, the alert fires on {first}, "
            "{days} days later: a touchpoint with few answers a day needs weeks of them "
            "before its rolling share can leave the limits.",
            tp=target,
            drop=str(drop.date()),
            first=str(pd.Timestamp(first).date()),
            days=(pd.Timestamp(first).normalize() - drop).days,
        )
        if bool(drill.loc[target, "fired"])
        else md(
            "Even with a drop planted at **{tp}** from {drop}, the rule stays quiet: too "
            "few answers follow the drop.",
            tp=target,
            drop=str(drop.date()),
        )
    )
    return real, drill, md("{a} {b}", a=real_text, b=drill_text)
