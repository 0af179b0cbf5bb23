"""The journey map as data: stages × touchpoints with volume, scores, pain points and delights."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np
import pandas as pd

from cxlab import stats
from cxlab.checks import missing_columns, raise_problems, require_columns
from cxlab.errors import DataError, Problem
from cxlab.journey._common import (
    NO_STAGE,
    answered,
    as_float,
    check_metrics,
    metric_options,
    touchpoint_stages,
    unpack,
)
from cxlab.journey._flow import _funnel_table, _reach
from cxlab.journey._log import EventLog, prepare
from cxlab.metrics import breakdown, ces, csat, nps

__all__ = ["JourneyMap", "emotion_curve", "journey_map"]

_SCORERS = {"nps": nps, "csat": csat, "ces": ces}

#: Signal labels of a touchpoint's score against the rest of the journey.
WORSE, BETTER = "worse", "better"

Sentiment = str | Callable[[pd.Series], Any]


@dataclass(frozen=True)
class JourneyMap:
    """A journey map as tables; see :func:`journey_map`.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per touchpoint, indexed by ``(stage, touchpoint)`` — or ``(by, stage,
        touchpoint)`` per segment — with volume, scores, signals, ``impact``, ``pain_point`` and
        ``delight``.
    funnel : pandas.DataFrame
        The funnel (see :func:`funnel`), per segment when ``by`` is given.
    overall : pandas.DataFrame
        The journey as a whole: each metric's score over every touchpoint answer (``n``,
        ``value``, ``low``, ``high``), per segment when ``by`` is given.
    metrics : tuple of str
        The metrics scored (those with answers).
    by : str or None
        The segment column.
    confidence : float
        Confidence level of intervals and tests.
    correction : str
        Multiple-testing adjustment used.
    notes : tuple of str
        What was left out and why (e.g. a metric no touchpoint answer carries).
    """

    table: pd.DataFrame
    funnel: pd.DataFrame
    overall: pd.DataFrame
    metrics: tuple[str, ...]
    by: str | None = None
    confidence: float = 0.95
    correction: str = "holm"
    notes: tuple[str, ...] = field(default=())

    @property
    def pain_points(self) -> pd.DataFrame:
        """Touchpoints significantly worse than the rest of the journey, worst first."""
        rows = self.table[self.table["pain_point"]]
        return rows.sort_values("impact", kind="stable")

    @property
    def delights(self) -> pd.DataFrame:
        """Moments of delight: significantly better, and worse on nothing; best first."""
        rows = self.table[self.table["delight"]]
        return rows.sort_values("impact", ascending=False, kind="stable")

    def to_frame(self) -> pd.DataFrame:
        """Return the touchpoint table (a copy)."""
        return self.table.copy()


def journey_map(
    events: Any,
    responses: pd.DataFrame | None = None,
    *,
    customers: pd.DataFrame | None = None,
    by: str | None = None,
    stages: Sequence[str] | str | None = None,
    touchpoint: str = "touchpoint",
    customer: str = "customer_id",
    stage: str = "stage",
    timestamp: str = "timestamp",
    metrics: Sequence[str] = ("csat", "ces", "nps"),
    csat_scale: Any = None,
    ces_scale: Any = None,
    sentiment: Sentiment | None = None,
    comment: str = "comment",
    min_n: int = 5,
    correction: Literal["holm", "fdr_bh"] = "holm",
    confidence: float = 0.95,
) -> JourneyMap:
    """Build the journey map: every touchpoint in its stage, with volume, scores and signals.

    For each touchpoint of the event log: its stage (the stage of most of its events), how many
    events and distinct customers it has, and — from survey answers that name the touchpoint —
    CSAT, CES and NPS with their intervals, from :func:`cxlab.metrics.breakdown`. Breakdown
    compares each touchpoint with all other touchpoint answers together and adjusts the
    p-values for testing every touchpoint (Holm by default). A metric's ``signal`` is
    ``"worse"`` or ``"better"`` where the adjusted p-value is below ``1 - confidence``
    (lower CSAT or NPS, or more effort — CES direction taken from its scale); otherwise empty.

    * A **pain point** is a touchpoint worse on at least one metric.
    * A **moment of delight** is better on at least one metric and worse on none.
    * ``impact`` is one score's flagged gap as a share of its scale's range (CSAT points /
      100, NPS points / 200, CES points / (max − min), signed so negative is worse): for a
      pain point the worst flagged gap, for a moment of delight the best. Gaps are not added
      up, because CSAT and CES answered by the same customers about the same moment measure
      one problem, and adding them would count it twice. 0 when nothing differs, NaN when
      nothing was tested. Pain points are listed from the most negative.

    Touchpoints with survey answers but no events get stage ``"(no events)"``; touchpoints
    with fewer than ``min_n`` answers are listed without scores. Survey answers without a
    touchpoint (relationship surveys) are left out, of ``overall`` too: it scores the same
    touchpoint answers the comparisons use.

    Parameters
    ----------
    events : pandas.DataFrame or Bundle
        The event log, or a bundle: its events, responses, customers, CSAT and CES scales and
        declared stages (if ``cxlab.yml`` declares any) are used where the arguments are None.
    responses : pandas.DataFrame, optional
        Survey answers with a touchpoint column; without them the map has volume only.
    customers : pandas.DataFrame, optional
        Customers table, to take the ``by`` column from.
    by : str, optional
        Segment or persona column: one map per value, each touchpoint compared with the rest
        of the journey *within the segment*. Taken from the events and responses when they
        hold it, else joined from ``customers`` on ``customer`` (answers without a customer id
        then drop out of segment maps).
    stages : sequence of str, "infer" or None
        The stages in journey order (see :func:`funnel`).
    touchpoint, customer, stage, timestamp : str
        Column names (``touchpoint`` and ``customer`` in both tables).
    metrics : sequence of {"csat", "ces", "nps"}
        Metrics to score; those without touchpoint answers are left out (see ``notes``).
    csat_scale, ces_scale : int, (int, int) or Scale, optional
        Scales, e.g. ``bundle.config.csat_scale`` (default 1–5 and 1–7, higher is easier).
    sentiment : str or callable, optional
        Comment sentiment per touchpoint — the hook for the voice-of-customer chapter. A
        column of ``responses`` holding a sentiment score per answer (e.g. −1 to 1), or a
        function given the ``comment`` column (a Series of text, missing where no comment) that
        returns one score per answer (NaN where none). The map then shows ``sentiment_n``,
        ``sentiment`` (mean) and its t interval. Sentiment is shown, not tested: it does not
        make a pain point or a delight.
    comment : str, default "comment"
        Comment column passed to a ``sentiment`` function.
    min_n : int, default 5
        Fewest answers for a touchpoint to be scored and tested.
    correction : {"holm", "fdr_bh"}, default "holm"
        Multiple-testing adjustment across touchpoints.
    confidence : float, default 0.95
        Confidence level of intervals; a signal needs an adjusted p-value below
        ``1 - confidence``.

    Returns
    -------
    JourneyMap
        ``table``, ``funnel``, ``overall``, ``metrics``, ``notes``; ``pain_points`` and
        ``delights`` (rows of ``table``), ``to_frame()``. Per metric ``m`` the table has
        ``m_n``, ``m``, ``m_low``, ``m_high``, ``m_difference`` (touchpoint minus the rest),
        ``m_p_adjusted`` and ``m_signal``.

    Raises
    ------
    cxlab.errors.DataError
        If the event log is invalid (see :func:`funnel`), a column is missing (``touchpoint``
        in events, the ``by`` column anywhere), or a score is out of its scale.
    ValueError
        If a metric or an option is invalid.

    References
    ----------
    .. [1] Holm, S. (1979). A simple sequentially rejective multiple test procedure.
       *Scandinavian Journal of Statistics*, 6(2), 65–70.
    .. [2] Rosenbaum, M. S., Otalora, M. L., & Ramírez, G. C. (2017). How to create a
       realistic customer journey map. *Business Horizons*, 60(1), 143–150.

    Examples
    --------
    >>> ev = pd.DataFrame(
    ...     {
    ...         "customer_id": ["a", "a", "b", "b"],
    ...         "timestamp": pd.to_datetime(["2024-01-01", "2024-01-02"] * 2),
    ...         "stage": ["purchase", "service"] * 2,
    ...         "touchpoint": ["checkout", "delivery"] * 2,
    ...     }
    ... )
    >>> r = pd.DataFrame(
    ...     {
    ...         "touchpoint": ["checkout"] * 40 + ["delivery"] * 40,
    ...         "csat": [2, 3, 2, 4] * 10 + [5, 4, 5, 5] * 10,
    ...     }
    ... )
    >>> m = journey_map(ev, r, metrics=["csat"])
    >>> m.table[["events", "csat", "csat_signal", "pain_point"]]  # doctest: +NORMALIZE_WHITESPACE
                         events   csat csat_signal  pain_point
    stage    touchpoint
    purchase checkout         2   25.0       worse        True
    service  delivery         2  100.0      better       False
    >>> m.pain_points.index.tolist()
    [('purchase', 'checkout')]
    """
    level = stats.check_confidence(confidence)
    wanted = check_metrics(metrics)
    inp = unpack(events, responses, customers, stages, csat_scale, ces_scale)
    ev = inp.events
    log = prepare(
        ev,
        stages=inp.stages,
        customer=customer,
        stage=stage,
        timestamp=timestamp,
        sort=False,
        extra={touchpoint: "touchpoint"},
    )
    names = log.stages
    resp = inp.responses
    if resp is not None:
        require_columns(resp, {touchpoint: "touchpoint"}, table="responses")
    sent = _sentiment_values(resp, sentiment, comment) if resp is not None else None
    notes: list[str] = []
    present = tuple(m for m in wanted if resp is not None and _has_answers(resp, m, touchpoint))
    for m in wanted:
        if m not in present and resp is not None:
            notes.append(f"{m}: no answers name a touchpoint, so it is not on the map")
    if resp is None:
        notes.append("no survey responses: the map shows volume only")
    tp_stage = touchpoint_stages(ev, touchpoint=touchpoint, stage=stage, names=names)
    settings = dict(
        touchpoint=touchpoint,
        stage=stage,
        customer=customer,
        metrics=present,
        csat_scale=inp.csat_scale,
        ces_scale=inp.ces_scale,
        min_n=min_n,
        correction=correction,
        level=level,
    )
    if by is None:
        table, overall = _one_map(ev, resp, sent, tp_stage, names, **settings)
        reached, visited = _reach(log)
        funnel_table = _funnel_table(names, reached, visited, level, log.n_customers, log.n_events)
    else:
        ev_by, resp_by = _segments(ev, resp, inp.customers, by=by, customer=customer)
        levels = sorted(
            set(ev_by.dropna().unique().tolist())
            | (set(resp_by.dropna().unique().tolist()) if resp_by is not None else set()),
            key=str,
        )
        if not levels:
            raise DataError.make(
                f"column {by!r} has no value for any event or answer, so there are no "
                "segments to map",
                rule="all_missing",
                table="customers" if by not in ev.columns else "events",
                column=by,
                hint="check that the customer ids of the events match those of the customers "
                "table, and that the segment column is filled in",
            )
        tables, overalls, funnels = {}, {}, {}
        for value in levels:
            # Missing segment values (nullable dtypes give NA, not False) belong to no level.
            in_ev = (ev_by == value).fillna(False).to_numpy(dtype=bool)
            in_resp = (
                None if resp is None else (resp_by == value).fillna(False).to_numpy(dtype=bool)
            )
            part_resp = None if resp is None else resp[in_resp]
            part_sent = None if sent is None else sent[in_resp]
            tables[value], overalls[value] = _one_map(
                ev[in_ev], part_resp, part_sent, tp_stage, names, **settings
            )
            if in_ev.any():
                sub = _subset(log, in_ev)
                reached, visited = _reach(sub)
                funnels[value] = _funnel_table(
                    names, reached, visited, level, sub.n_customers, sub.n_events
                )
        table = pd.concat(tables, names=[by])
        overall = pd.concat(overalls, names=[by])
        funnel_table = pd.concat(funnels, names=[by])
    return JourneyMap(
        table=table,
        funnel=funnel_table,
        overall=overall,
        metrics=present,
        by=by,
        confidence=level,
        correction=correction,
        notes=tuple(notes),
    )


def _has_answers(resp: pd.DataFrame, metric: str, touchpoint: str) -> bool:
    return answered(resp[resp[touchpoint].notna()], metric)


def _subset(log: EventLog, mask: np.ndarray) -> EventLog:
    """Return the events of ``mask`` as a log of their own (customer codes renumbered)."""
    cust = log.cust[mask]
    codes, uniques = pd.factorize(cust, sort=True)
    return replace(
        log,
        customers=log.customers[uniques],
        cust=codes.astype("int64"),
        stage=log.stage[mask],
        ts=log.ts[mask],
        rows=log.rows[mask],
    )


def _segments(
    events: pd.DataFrame,
    responses: pd.DataFrame | None,
    customers: pd.DataFrame | None,
    *,
    by: str,
    customer: str,
) -> tuple[pd.Series, pd.Series | None]:
    """Find the segment of every event and every answer."""
    lookup = None
    problems: list[Problem] = []

    def from_customers() -> pd.Series | None:
        nonlocal lookup
        if lookup is None:
            if customers is None:
                return None
            found = missing_columns(customers, {customer: "customer", by: "by"}, table="customers")
            if found:
                problems.extend(found)
                return None
            lookup = customers.drop_duplicates(customer).set_index(customer)[by]
        return lookup

    def segment_of(df: pd.DataFrame, table: str) -> pd.Series | None:
        if by in df.columns:
            return df[by]
        table_lookup = from_customers()
        if table_lookup is None:
            if not problems:
                problems.append(
                    Problem(
                        "error",
                        "missing_column",
                        f"the {table} table has no column {by!r} and no customers table "
                        "was given to take it from",
                        table=table,
                        column=by,
                        hint="pass customers=bundle.customers (with the segment column), or "
                        "add the column to the table",
                    )
                )
            return None
        if customer not in df.columns:
            return pd.Series(np.nan, index=df.index)
        return df[customer].map(table_lookup)

    ev_by = segment_of(events, "events")
    resp_by = segment_of(responses, "responses") if responses is not None else None
    raise_problems(problems, source="events")
    assert ev_by is not None
    return ev_by, resp_by


def _sentiment_values(
    responses: pd.DataFrame, sentiment: Sentiment | None, comment: str
) -> np.ndarray | None:
    if sentiment is None:
        return None
    if isinstance(sentiment, str):
        require_columns(responses, {sentiment: "sentiment"}, table="responses")
        return as_float(responses[sentiment])
    if not callable(sentiment):
        raise TypeError(
            f"sentiment must be a column name or a function of the comments; got "
            f"{type(sentiment).__name__}"
        )
    require_columns(responses, {comment: "comment"}, table="responses")
    values = as_float(np.asarray(sentiment(responses[comment]), dtype="float64"))
    if len(values) != len(responses):
        raise ValueError(
            f"the sentiment function returned {len(values)} scores for {len(responses)} answers; "
            "it must return one score per answer (NaN where there is no comment)"
        )
    return values


def _impact_scale(whole: Any) -> float:
    """Divide a difference by this to put it on a −1..1 footing, signed so negative is worse."""
    if whole.metric == "nps":
        return 200.0
    if whole.metric == "csat":
        return 100.0
    lo, hi = whole.scale
    return float(hi - lo) if whole.higher_is_easier else -float(hi - lo)


def _one_map(
    events: pd.DataFrame,
    responses: pd.DataFrame | None,
    sentiment: np.ndarray | None,
    tp_stage: pd.Series,
    names: Sequence[str],
    *,
    touchpoint: str,
    stage: str,
    customer: str,
    metrics: tuple[str, ...],
    csat_scale: Any,
    ces_scale: Any,
    min_n: int,
    correction: str,
    level: float,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Map one group of customers: the touchpoint table and the overall scores."""
    tp = events[touchpoint].astype("str").where(events[touchpoint].notna())
    grouped = events[customer].groupby(tp, sort=False)
    volume = pd.DataFrame({"events": grouped.size(), "customers": grouped.nunique()})
    touchpoints = [t for t in tp_stage.index if t in volume.index]
    scored_tp: set[str] = set()
    resp = None
    if responses is not None:
        keep = responses[touchpoint].notna().to_numpy()
        resp = responses[keep].assign(**{touchpoint: responses.loc[keep, touchpoint].astype("str")})
        if sentiment is not None:
            sentiment = sentiment[keep]
        scored_tp = set(resp[touchpoint].unique().tolist())
    extra = sorted(scored_tp - set(touchpoints))
    stage_of = [tp_stage.get(t, NO_STAGE) for t in touchpoints] + [NO_STAGE] * len(extra)
    order = touchpoints + extra
    index = pd.MultiIndex.from_arrays(
        [pd.Index(stage_of, dtype="str"), pd.Index(order, dtype="str")],
        names=[stage, touchpoint],
    )
    table = pd.DataFrame(index=index)
    table["events"] = volume["events"].reindex(order).fillna(0).to_numpy(dtype="int64")
    table["customers"] = volume["customers"].reindex(order).fillna(0).to_numpy(dtype="int64")
    worst = np.full(len(order), np.inf)
    best = np.full(len(order), -np.inf)
    worse_any = np.zeros(len(order), dtype=bool)
    better_any = np.zeros(len(order), dtype=bool)
    tested_any = np.zeros(len(order), dtype=bool)
    overall_rows = {}
    for m in metrics:
        opts = metric_options(m, csat_scale, ces_scale)
        cols = {c: np.full(len(order), np.nan) for c in ("low", "high", "difference", "p")}
        n = np.zeros(len(order), dtype="int64")
        value = np.full(len(order), np.nan)
        signal = np.full(len(order), "", dtype=object)
        if resp is not None and answered(resp, m):
            b = breakdown(
                resp,
                by=touchpoint,
                metric=m,
                min_n=min_n,
                correction=correction,
                confidence=level,
                **opts,
            )
            b = b.reindex(pd.Index(order, dtype="str"))
            n = b["n"].fillna(0).to_numpy(dtype="int64")
            value = b["value"].to_numpy(dtype="float64")
            cols["low"] = b["low"].to_numpy(dtype="float64")
            cols["high"] = b["high"].to_numpy(dtype="float64")
            cols["difference"] = b["difference"].to_numpy(dtype="float64")
            cols["p"] = b["p_adjusted"].to_numpy(dtype="float64")
            differs = b["differs"].fillna(False).to_numpy(dtype=bool)
            whole = _SCORERS[m](resp[m], confidence=level, **opts)
            overall_rows[m] = {"n": whole.n, "value": whole.value, "low": whole.low}
            overall_rows[m]["high"] = whole.high
            signed = cols["difference"] / _impact_scale(whole)
            with np.errstate(invalid="ignore"):
                worse = differs & (signed < 0)
                better = differs & (signed > 0)
            signal[worse] = WORSE
            signal[better] = BETTER
            worse_any |= worse
            better_any |= better
            worst = np.where(worse, np.minimum(worst, signed), worst)
            best = np.where(better, np.maximum(best, signed), best)
            tested_any |= ~np.isnan(cols["p"])
        table[f"{m}_n"] = n
        table[m] = value
        table[f"{m}_low"] = cols["low"]
        table[f"{m}_high"] = cols["high"]
        table[f"{m}_difference"] = cols["difference"]
        table[f"{m}_p_adjusted"] = cols["p"]
        table[f"{m}_signal"] = pd.array(signal, dtype="str")
    if sentiment is not None and resp is not None:
        _add_sentiment(table, resp[touchpoint], sentiment, order, level)
    impact = np.where(worse_any, worst, np.where(better_any, best, 0.0))
    table["impact"] = np.where(tested_any, impact, np.nan)
    table["pain_point"] = worse_any
    table["delight"] = better_any & ~worse_any
    overall = pd.DataFrame.from_dict(
        overall_rows, orient="index", columns=["n", "value", "low", "high"]
    )
    overall.index.name = "metric"
    overall = overall.astype({"n": "int64"})
    return table, overall


def _add_sentiment(
    table: pd.DataFrame, groups: pd.Series, values: np.ndarray, order: list[str], level: float
) -> None:
    s = pd.Series(values, index=groups.index)
    g = s.groupby(groups.to_numpy())
    n = g.count().reindex(order).fillna(0).to_numpy(dtype="int64")
    mean = g.mean().reindex(order).to_numpy(dtype="float64")
    sd = g.std().reindex(order).to_numpy(dtype="float64")
    with np.errstate(invalid="ignore", divide="ignore"):
        low, high = stats.t_interval(mean, sd, n, level)
    table["sentiment_n"] = n
    table["sentiment"] = mean
    table["sentiment_low"] = low
    table["sentiment_high"] = high


def emotion_curve(
    jmap: JourneyMap | None,
    responses: pd.DataFrame | None,
    *,
    metric: str | None,
    touchpoint: str = "touchpoint",
    min_n: int = 5,
    **options: Any,
) -> pd.DataFrame | None:
    """Score each stage from the answers at its touchpoints: the map's emotion curve.

    Every answer that names a touchpoint of the map is given that touchpoint's stage, and the
    answers of each stage are pooled and scored with :func:`cxlab.metrics.breakdown` (so each
    stage has its interval, its ``n`` and a comparison with the other stages).

    Parameters
    ----------
    jmap : JourneyMap or None
        Output of :func:`journey_map` (without ``by``).
    responses : pandas.DataFrame or None
        The survey answers the map was scored from.
    metric : {"csat", "ces", "nps"} or None
        The score.
    touchpoint : str, default "touchpoint"
        Touchpoint column of the answers.
    min_n : int, default 5
        Fewest answers for a stage to be scored.
    **options
        Scale options of the metric, e.g. ``scale=bundle.config.csat_scale``.

    Returns
    -------
    pandas.DataFrame or None
        The breakdown by ``stage`` (``n``, ``value``, ``low``, ``high``, ...), or None without a
        map, answers, a metric, or any answer placed on a stage.

    Examples
    --------
    >>> ev = pd.DataFrame(
    ...     {
    ...         "customer_id": ["a", "a"],
    ...         "timestamp": pd.to_datetime(["2024-01-01", "2024-01-02"]),
    ...         "stage": ["purchase", "service"],
    ...         "touchpoint": ["checkout", "delivery"],
    ...     }
    ... )
    >>> r = pd.DataFrame(
    ...     {"touchpoint": ["checkout"] * 6 + ["delivery"] * 6, "csat": [2, 4] * 3 + [5] * 6}
    ... )
    >>> m = journey_map(ev, r, metrics=["csat"])
    >>> emotion_curve(m, r, metric="csat")[["n", "value"]]  # doctest: +NORMALIZE_WHITESPACE
              n  value
    stage
    purchase  6   50.0
    service   6  100.0
    """
    if jmap is None or responses is None or metric is None or touchpoint not in responses:
        return None
    stage_of = jmap.table.reset_index().drop_duplicates(touchpoint).set_index(touchpoint)
    stage_of = stage_of[jmap.table.index.names[-2]]
    answers = responses.assign(
        stage=responses[touchpoint].astype("str").map(stage_of).where(responses[touchpoint].notna())
    ).dropna(subset=["stage"])
    if answers.empty or not answered(answers, metric):
        return None
    return breakdown(answers, by="stage", metric=metric, min_n=min_n, **options)
