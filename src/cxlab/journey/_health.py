"""Journey health over time: funnel conversion and touchpoint scores per period, with flags."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from cxlab import stats
from cxlab.checks import raise_problems, require_columns
from cxlab.journey._common import (
    answered,
    check_metrics,
    metric_options,
    touchpoint_stages,
    unpack,
)
from cxlab.journey._log import prepare, timestamps
from cxlab.metrics import ces, compare, csat, nps, trend

__all__ = ["ALL_TOUCHPOINTS", "HEALTH_COLUMNS", "health"]

#: ``touchpoint`` label of the rows scoring every answer of a period together.
ALL_TOUCHPOINTS = "(all)"

#: Columns of the table :func:`health` returns.
HEALTH_COLUMNS: tuple[str, ...] = (
    "period",
    "measure",
    "stage",
    "touchpoint",
    "n",
    "value",
    "low",
    "high",
    "previous",
    "change",
    "change_low",
    "change_high",
    "p_value",
    "p_adjusted",
    "changed",
    "centre",
    "lcl",
    "ucl",
    "outside",
)

_SCORERS = {"nps": nps, "csat": csat, "ces": ces}


def health(
    events: Any,
    responses: pd.DataFrame | None = None,
    *,
    freq: str = "M",
    stages: Sequence[str] | str | None = None,
    touchpoint: str = "touchpoint",
    customer: str = "customer_id",
    stage: str = "stage",
    timestamp: str = "timestamp",
    date: str = "date",
    metrics: Sequence[str] = ("csat", "ces", "nps"),
    csat_scale: Any = None,
    ces_scale: Any = None,
    correction: Literal["holm", "fdr_bh"] = "holm",
    confidence: float = 0.95,
    sigma: float = 3.0,
) -> pd.DataFrame:
    """Journey health per period: funnel conversion and touchpoint scores, with change flags.

    One long table, a row per period and measure:

    * ``measure="conversion"``, one row per stage after the first: the period's funnel (see
      :func:`funnel`, on that period's events alone: a customer counts at the furthest stage
      reached *within the period*), ``value`` the conversion from the previous stage (0–1)
      with its Wilson interval, ``n`` the customers at the previous stage.
    * ``measure`` a metric (``"csat"``, ``"ces"``, ``"nps"``), one row per touchpoint with
      answers and one for all answers of the period (``touchpoint="(all)"``, relationship
      surveys without a touchpoint included): score and interval from :mod:`cxlab.metrics`
      (CSAT and NPS in points, CES on its scale).

    Two flags, answering two questions:

    * ``changed``: did it change since the previous period? Each row is compared with the
      same row of the immediately preceding period (:func:`cxlab.metrics.compare`; for
      conversion Newcombe's interval and the score test), and the p-values of one period are
      adjusted together (Holm by default) for the many rows tested. No comparison (NaN)
      where either period has no data. The test treats the two periods as independent
      samples; customers active in both make it approximate.
    * ``outside``: is it beyond the control limits? For scores, the limits of
      :func:`cxlab.metrics.trend`; for conversion, a p chart with variable sample size
      (centre: conversion pooled over all periods, limits ``± sigma · sqrt(p̄(1 − p̄)/n)``).

    **Periods.** A period's funnel sees only that period's events, so it describes the
    journey activity of the period, not a cohort: where journeys take longer than a period
    (a purchase in January, a delivery in February), late stages convert less than in
    :func:`funnel`. Choose ``freq`` longer than a typical journey step to compare like
    with like.

    **Monitoring new data.** ``health`` recomputes every period from the whole log, and
    rerunning it when new events arrive is the incremental update (two years of a demo
    client take a few seconds, most of it in :func:`cxlab.metrics.trend`). Each period's
    scores, intervals and
    ``changed`` flag depend only on that period and the one before, so appending data leaves
    earlier rows unchanged — except the control limits, which are retrospective (phase I):
    they pool all periods given and move as periods are added. To judge new periods against a
    fixed baseline, compute the baseline's health once and read ``centre`` from it.

    Parameters
    ----------
    events : pandas.DataFrame or Bundle
        The event log, or a bundle (events, responses and scales are taken from it where the
        arguments are None; see :func:`journey_map`).
    responses : pandas.DataFrame, optional
        Survey answers; without them only conversion is tracked.
    freq : str, default "M"
        Period length, a pandas period alias: ``"W"``, ``"M"``, ``"Q"``, ``"Y"``.
    stages : sequence of str, "infer" or None
        The stages in journey order (see :func:`funnel`).
    touchpoint, customer, stage, timestamp : str
        Event log columns (``touchpoint`` also in the responses; optional in the events).
    date : str, default "date"
        Date column of the responses.
    metrics : sequence of {"csat", "ces", "nps"}
        Metrics to track; those without answers are skipped.
    csat_scale, ces_scale : int, (int, int) or Scale, optional
        Scales (see :func:`journey_map`).
    correction : {"holm", "fdr_bh"}, default "holm"
        Adjustment of the change tests within a period.
    confidence : float, default 0.95
        Confidence level of intervals; a change is flagged when its adjusted p-value is below
        ``1 - confidence``.
    sigma : float, default 3.0
        Width of the control limits in standard errors.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`HEALTH_COLUMNS`: ``period`` (a pandas Period), ``measure``, ``stage``
        (conversion: the stage converted *into*; scores: the touchpoint's stage, missing for
        ``(all)``), ``touchpoint`` (missing for conversion), ``n``, ``value``, ``low``,
        ``high``, ``previous`` (last period's value), ``change`` (value − previous),
        ``change_low``, ``change_high``, ``p_value``, ``p_adjusted``, ``changed``, ``centre``,
        ``lcl``, ``ucl``, ``outside``. Sorted by period, then conversion before scores, stage
        order and touchpoint. Periods run from the first to the last event or answer; a
        period without data for a row has ``n = 0``.

    Raises
    ------
    cxlab.errors.DataError
        If the event log is invalid (see :func:`funnel`) or the responses lack a column or
        hold invalid scores.
    ValueError
        If an option is invalid.

    References
    ----------
    .. [1] Montgomery, D. C. (2019). *Introduction to Statistical Quality Control* (8th ed.),
       section 7.2.2 (p chart with variable sample size). Wiley.
    .. [2] Newcombe, R. G. (1998). Interval estimation for the difference between independent
       proportions: comparison of eleven methods. *Statistics in Medicine*, 17(8), 873–890.

    Examples
    --------
    >>> ev = pd.DataFrame(
    ...     {
    ...         "customer_id": [f"c{i}" for i in range(200) for _ in range(2)],
    ...         "timestamp": pd.to_datetime(
    ...             ["2024-01-05", "2024-01-06"] * 100 + ["2024-02-05", "2024-02-06"] * 100
    ...         ),
    ...         "stage": ["visit", "buy"] * 50
    ...         + ["visit", "visit"] * 50
    ...         + ["visit", "buy"] * 90
    ...         + ["visit", "visit"] * 10,
    ...     }
    ... )
    >>> h = health(ev, stages=["visit", "buy"])
    >>> h[["period", "stage", "n", "value", "change", "changed"]]  # doctest: +NORMALIZE_WHITESPACE
        period stage    n  value  change  changed
    0  2024-01   buy  100    0.5     NaN    False
    1  2024-02   buy  100    0.9     0.4     True
    """
    level = stats.check_confidence(confidence)
    if isinstance(sigma, bool) or not float(sigma) > 0:
        raise ValueError(f"sigma must be a positive number of standard errors; got {sigma!r}")
    wanted = check_metrics(metrics)
    inp = unpack(events, responses, None, stages, csat_scale, ces_scale)
    ev = inp.events
    log = prepare(
        ev, stages=inp.stages, customer=customer, stage=stage, timestamp=timestamp, sort=False
    )
    names = log.stages
    periods = pd.Series(log.ts).dt.to_period(freq)
    resp = inp.responses
    score_periods = None
    if resp is not None:
        require_columns(resp, {date: "date"}, table="responses")
        parsed, problems = timestamps(resp[date], column=date, table="responses")
        raise_problems([p for p in problems if p.rule != "missing_timestamp"], source="responses")
        score_periods = pd.Series(parsed, index=resp.index).dt.to_period(freq)
    first = periods.min() if score_periods is None else min(periods.min(), score_periods.min())
    last = periods.max() if score_periods is None else max(periods.max(), score_periods.max())
    span = pd.period_range(first, last, freq=periods.dt.freq, name="period")

    parts = [_conversion(log, periods, span, names, level, sigma)]
    if resp is not None:
        tp_stage = (
            touchpoint_stages(ev, touchpoint=touchpoint, stage=stage, names=names)
            if touchpoint in ev.columns
            else pd.Series(dtype="str")
        )
        has_tp = touchpoint in resp.columns
        for m in wanted:
            if not answered(resp, m):
                continue
            opts = metric_options(m, inp.csat_scale, inp.ces_scale)
            items: list[tuple[str, str | None, np.ndarray]] = [
                (ALL_TOUCHPOINTS, None, np.ones(len(resp), dtype=bool))
            ]
            if has_tp:
                tps = resp[touchpoint].astype("str").where(resp[touchpoint].notna())
                known = [t for t in tp_stage.index if t in set(tps.dropna())]
                others = sorted(set(tps.dropna()) - set(known))
                for t in known + others:
                    items.append((t, tp_stage.get(t), (tps == t).to_numpy()))
            for label, tp_stage_name, mask in items:
                part = resp[mask]
                if not answered(part, m):
                    continue
                parts.append(
                    _scores(
                        part,
                        score_periods[mask],
                        span,
                        metric=m,
                        options=opts,
                        stage=tp_stage_name,
                        touchpoint=label,
                        date=date,
                        freq=freq,
                        level=level,
                        sigma=sigma,
                    )
                )
    out = pd.concat(parts, ignore_index=True)
    out = _adjust(out, correction, level)
    measure_order = {"conversion": 0} | {m: i + 1 for i, m in enumerate(wanted)}
    stage_order = {s: i for i, s in enumerate(names)}
    keys = pd.DataFrame(
        {
            "p": out["period"].map(lambda p: p.ordinal),
            "m": out["measure"].map(measure_order),
            "all": (out["touchpoint"] != ALL_TOUCHPOINTS).astype("int64"),
            "s": out["stage"].map(stage_order).astype("float64").fillna(len(names)),
            "t": out["touchpoint"].fillna(""),
        }
    )
    order = keys.sort_values(["p", "m", "all", "s", "t"], kind="stable").index
    out = out.loc[order].reset_index(drop=True)
    return out[list(HEALTH_COLUMNS)]


def _frame(span: pd.PeriodIndex, **columns: Any) -> pd.DataFrame:
    base = {c: np.nan for c in HEALTH_COLUMNS}
    base.update(period=span, changed=False, outside=False)
    base.update(columns)
    return pd.DataFrame(base, index=range(len(span)))


def _conversion(
    log: Any,
    periods: pd.Series,
    span: pd.PeriodIndex,
    names: Sequence[str],
    level: float,
    sigma: float,
) -> pd.DataFrame:
    """Per period and stage: conversion from the previous stage, change and p-chart flags."""
    k = len(names)
    p_code = np.asarray(periods.array.asi8, dtype="int64") - span[0].ordinal
    n_periods = len(span)
    key = (p_code * log.n_customers + log.cust) * k + log.stage
    pairs = np.unique(key)
    owner = pairs // k
    last = np.ones(len(pairs), dtype=bool)
    last[:-1] = owner[1:] != owner[:-1]
    furthest = pairs[last]
    cell = (furthest // k // log.n_customers) * k + furthest % k
    counts = np.bincount(cell, minlength=n_periods * k).reshape(n_periods, k)
    reached = counts[:, ::-1].cumsum(axis=1)[:, ::-1]
    frames = []
    for j in range(1, k):
        n = reached[:, j - 1].astype("int64")
        x = reached[:, j].astype("int64")
        has = n > 0
        value = np.full(n_periods, np.nan)
        low = np.full(n_periods, np.nan)
        high = np.full(n_periods, np.nan)
        value[has] = x[has] / n[has]
        if has.any():
            low[has], high[has] = stats.wilson(x[has], n[has], level)
        change = np.full((n_periods, 4), np.nan)
        for i in range(1, n_periods):
            if has[i] and has[i - 1]:
                lo, hi, p = stats.csat_difference((x[i], n[i]), (x[i - 1], n[i - 1]), level)
                change[i] = (value[i] - value[i - 1], lo, hi, p)
        previous = np.r_[np.nan, value[:-1]]
        total = n.sum()
        centre = x.sum() / total if total else np.nan
        with np.errstate(divide="ignore", invalid="ignore"):
            half = sigma * np.sqrt(centre * (1 - centre) / n)
        lcl = np.where(has, np.clip(centre - half, 0, 1), np.nan)
        ucl = np.where(has, np.clip(centre + half, 0, 1), np.nan)
        with np.errstate(invalid="ignore"):
            outside = has & ((value < lcl) | (value > ucl))
        frames.append(
            _frame(
                span,
                measure="conversion",
                stage=names[j],
                touchpoint=None,
                n=n,
                value=value,
                low=low,
                high=high,
                previous=np.where(has, previous, np.nan),
                change=change[:, 0],
                change_low=change[:, 1],
                change_high=change[:, 2],
                p_value=change[:, 3],
                centre=np.where(has, centre, np.nan),
                lcl=lcl,
                ucl=ucl,
                outside=outside,
            )
        )
    if not frames:
        return _frame(span[:0], measure="conversion", stage=None, touchpoint=None, n=0)
    return pd.concat(frames, ignore_index=True)


def _scores(
    part: pd.DataFrame,
    periods: pd.Series,
    span: pd.PeriodIndex,
    *,
    metric: str,
    options: dict[str, Any],
    stage: str | None,
    touchpoint: str,
    date: str,
    freq: str,
    level: float,
    sigma: float,
) -> pd.DataFrame:
    """Per period: one touchpoint's score, its change from the previous period, its limits."""
    chart = trend(
        part, date=date, freq=freq, metric=metric, confidence=level, sigma=sigma, **options
    )
    chart = chart.reindex(span)
    chart["n"] = chart["n"].fillna(0).astype("int64")
    chart["outside"] = chart["outside"].astype("boolean").fillna(False).astype(bool)
    scorer = _SCORERS[metric]
    values = part[metric]
    keep = values.notna() & periods.notna()
    scores = {
        period: scorer(group, confidence=level, **options)
        for period, group in values[keep].groupby(periods[keep], sort=True)
    }
    change = np.full((len(span), 4), np.nan)
    for i in range(1, len(span)):
        a, b = scores.get(span[i]), scores.get(span[i - 1])
        if a is not None and b is not None:
            c = compare(a, b, confidence=level)
            change[i] = (c.difference, c.low, c.high, c.p_value)
    value = chart["value"].to_numpy(dtype="float64")
    return _frame(
        span,
        measure=metric,
        stage=stage,
        touchpoint=touchpoint,
        n=chart["n"].to_numpy(),
        value=value,
        low=chart["low"].to_numpy(dtype="float64"),
        high=chart["high"].to_numpy(dtype="float64"),
        previous=np.where(chart["n"].to_numpy() > 0, np.r_[np.nan, value[:-1]], np.nan),
        change=change[:, 0],
        change_low=change[:, 1],
        change_high=change[:, 2],
        p_value=change[:, 3],
        centre=chart["centre"].to_numpy(dtype="float64"),
        lcl=chart["lcl"].to_numpy(dtype="float64"),
        ucl=chart["ucl"].to_numpy(dtype="float64"),
        outside=chart["outside"].to_numpy(),
    )


def _adjust(out: pd.DataFrame, correction: str, level: float) -> pd.DataFrame:
    """Adjust the change p-values within each period; flag the adjusted ones below alpha."""
    stats.check_correction(correction)
    out = out.copy()
    adjusted = np.full(len(out), np.nan)
    changed = np.zeros(len(out), dtype=bool)
    p = out["p_value"].to_numpy(dtype="float64")
    tested = ~np.isnan(p)
    alpha = 1 - level
    for _, rows in out[tested].groupby("period", sort=False).indices.items():
        positions = np.flatnonzero(tested)[rows]
        adj = stats.adjust_pvalues(p[positions], method=correction)
        adjusted[positions] = adj
        changed[positions] = adj < alpha
    out["p_adjusted"] = adjusted
    out["changed"] = changed
    out["n"] = out["n"].astype("int64")
    out["outside"] = out["outside"].astype(bool)
    out["measure"] = out["measure"].astype("str")
    out["stage"] = out["stage"].astype("str")
    out["touchpoint"] = out["touchpoint"].astype("str")
    return out
