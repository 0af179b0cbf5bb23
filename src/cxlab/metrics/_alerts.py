"""A real-time alert: a touchpoint's rolling CSAT leaves its control limits.

A monthly chart tells the owner about a problem weeks after customers met it. Journey analytics
in real time means watching each touchpoint answer by answer and raising a flag the day its
recent answers stop looking like its usual level. The rule here is the p chart of statistical
process control (Montgomery, 2019, section 7.2) applied to a moving window: each touchpoint's
*baseline* (its answers before the monitored period) fixes the centre line ``p̄`` — its usual
share of satisfied answers — and the limits ``p̄ ± sigma · sqrt(p̄ (1 − p̄) / w)`` for a window of
``w`` answers. After every new answer the share satisfied among the last ``w`` answers is
compared with the limits; the alert fires at the first answer where it falls below the lower
limit. Consecutive windows overlap, so one bad spell keeps the share low for several answers:
the rule reports the first crossing, not every answer after it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from cxlab import present
from cxlab.metrics._input import csat_scale

__all__ = ["alerts_table", "rolling_alerts"]

#: Readable headings of the columns :func:`alerts_table` shows.
_ALERT_HEADINGS = {
    "baseline_n": "Answers in the baseline",
    "centre": "Satisfied in the baseline (%)",
    "lcl": "Lower control limit (%)",
    "lowest": "Lowest rolling share (%)",
    "first_alert": "First alert",
    "status": "Status",
}


def rolling_alerts(
    responses: pd.DataFrame,
    *,
    since: Any,
    by: str = "touchpoint",
    date: str = "date",
    score: str = "csat",
    scale: Any = 5,
    window: int = 30,
    sigma: float = 3.0,
    min_baseline: int = 50,
) -> pd.DataFrame:
    """Flag the touchpoints whose rolling CSAT drops below their control limits.

    Parameters
    ----------
    responses : pandas.DataFrame
        Survey answers with ``by``, ``date`` and ``score`` columns.
    since : date-like
        Start of the monitored period. Answers before it form each touchpoint's baseline;
        answers from it on are watched one at a time (the window reaches back into the
        baseline for the first ones).
    by, date, score : str
        Column names: the touchpoint, the answer's date, the CSAT answer.
    scale : int, tuple or Scale, default 5
        The CSAT scale (``bundle.config.csat_scale``); its satisfied threshold decides which
        answers count as satisfied.
    window : int, default 30
        Answers in the rolling window.
    sigma : float, default 3.0
        Width of the limits in standard errors (Shewhart's 3).
    min_baseline : int, default 50
        Touchpoints with fewer baseline answers are not monitored (``status`` says so): a
        centre line from a handful of answers is no baseline.

    Returns
    -------
    pandas.DataFrame
        One row per touchpoint, indexed by ``by``: ``baseline_n``, ``centre`` (baseline share
        satisfied, %), ``lcl`` and ``ucl`` (the limits, %), ``watched`` (answers since
        ``since``), ``lowest`` (the lowest rolling share in the watched period, %),
        ``fired`` (True when the rule fired), ``first_alert`` (the date of the first answer at
        which the rolling share fell below ``lcl``) and ``status`` in words. Sorted with the
        alerts first, earliest first.

    Raises
    ------
    KeyError
        If a column is missing.
    ValueError
        If ``window`` is below 2, ``sigma`` is not positive, or nothing is dated after
        ``since``.

    References
    ----------
    .. [1] Montgomery, D. C. (2019). *Introduction to Statistical Quality Control* (8th ed.).
       Wiley. Section 7.2 (the control chart for fraction nonconforming).

    Examples
    --------
    Sixty baseline answers 80 % satisfied; then ten dissatisfied answers in a row:

    >>> r = pd.DataFrame(
    ...     {
    ...         "touchpoint": "checkout",
    ...         "date": pd.date_range("2024-01-01", periods=70, freq="D"),
    ...         "csat": [5, 5, 4, 4, 2] * 12 + [1] * 10,
    ...     }
    ... )
    >>> a = rolling_alerts(r, since="2024-03-01", window=10)
    >>> row = a.loc["checkout"]
    >>> int(row["baseline_n"]), float(row["centre"]), bool(row["fired"])
    (60, 80.0, True)
    >>> str(a.loc["checkout", "first_alert"].date())
    '2024-03-04'
    """
    missing = [c for c in (by, date, score) if c not in responses.columns]
    if missing:
        raise KeyError(f"the responses table has no {', '.join(map(repr, missing))} column")
    if isinstance(window, bool) or int(window) != window or window < 2:
        raise ValueError(f"window must be a whole number of answers, at least 2; got {window!r}")
    if isinstance(sigma, bool) or not float(sigma) > 0:
        raise ValueError(f"sigma must be a positive number of standard errors; got {sigma!r}")
    _, _, threshold = csat_scale(scale)
    start = pd.Timestamp(since)
    data = responses[[by, date, score]].dropna()
    data = data.assign(
        **{
            date: pd.to_datetime(data[date]),
            "_ok": pd.to_numeric(data[score], errors="coerce") >= threshold,
        }
    )
    if not (data[date] >= start).any():
        raise ValueError(f"no {score} answer is dated on or after {start.date()}")
    rows = {}
    for name, group in data.sort_values(date, kind="stable").groupby(by, sort=True):
        base = group[group[date] < start]
        watched = group[group[date] >= start]
        row = {"baseline_n": len(base), "watched": len(watched)}
        if len(base) < min_baseline or watched.empty:
            why = (
                f"not monitored: {len(base)} baseline answers (fewer than {min_baseline})"
                if len(base) < min_baseline
                else "no answers since the start"
            )
            rows[str(name)] = {**row, "fired": False, "status": why}
            continue
        p = float(base["_ok"].mean())
        half = sigma * np.sqrt(p * (1 - p) / window)
        lcl, ucl = max(p - half, 0.0), min(p + half, 1.0)
        rolling = group["_ok"].astype("float64").rolling(window).mean()
        rolling = rolling[group[date] >= start]
        below = rolling < lcl - 1e-12
        first = watched.loc[below[below].index, date].min() if below.any() else pd.NaT
        rows[str(name)] = {
            **row,
            "centre": 100 * p,
            "lcl": 100 * lcl,
            "ucl": 100 * ucl,
            "lowest": 100 * float(rolling.min()),
            "fired": bool(below.any()),
            "first_alert": first,
            "status": (
                f"alert: rolling CSAT below {100 * lcl:.0f}%" if below.any() else "within limits"
            ),
        }
    cols = ["baseline_n", "centre", "lcl", "ucl", "watched", "lowest", "fired", "first_alert"]
    out = pd.DataFrame.from_dict(rows, orient="index").reindex(columns=[*cols, "status"])
    out["first_alert"] = pd.to_datetime(out["first_alert"])
    out["fired"] = out["fired"].astype(bool)
    out.index.name = by
    out = out.sort_values(["fired", "first_alert"], ascending=[False, True], kind="stable")
    out.attrs.update({"since": start, "window": int(window), "sigma": float(sigma)})
    return out


def alerts_table(alerts: pd.DataFrame) -> present.Table:
    """Show :func:`rolling_alerts` as a reader would: one row per touchpoint, headings in words.

    Parameters
    ----------
    alerts : pandas.DataFrame
        From :func:`rolling_alerts`.

    Returns
    -------
    cxlab.present.Table
        The touchpoint, its baseline answers and share satisfied, the lower control limit, the
        lowest rolling share in the watched period (percentages to one decimal), the date of the
        first alert (a dash when none fired) and the status in words.

    Examples
    --------
    >>> alerts = pd.DataFrame(
    ...     {"baseline_n": [120], "centre": [61.25], "lcl": [38.4], "lowest": [52.0],
    ...      "first_alert": [pd.NaT], "status": ["within limits"]},
    ...     index=pd.Index(["delivery"], name="touchpoint"),
    ... )  # fmt: skip
    >>> alerts_table(alerts).frame.iloc[0].tolist()
    ['delivery', '120', '61.2', '38.4', '52.0', '–', 'within limits']
    """
    shown = alerts[list(_ALERT_HEADINGS)]
    one_decimal = dict.fromkeys(["centre", "lcl", "lowest"], 1)
    return present.table(shown, labels=_ALERT_HEADINGS, digits=one_decimal)
