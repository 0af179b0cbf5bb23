"""Flow through the journey from an event log: funnel, transitions, durations, variants, exits."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from cxlab import stats
from cxlab.journey._log import EventLog, prepare

__all__ = ["durations", "exits", "funnel", "transitions", "variants"]

#: Separator between stage names in a variant's label.
ARROW = " → "

#: Largest customers × stages grid of flags the funnel builds (bytes); beyond it, it sorts.
GRID_LIMIT = 50_000_000


def funnel(
    events: pd.DataFrame,
    *,
    stages: Sequence[str] | str | None = None,
    customer: str = "customer_id",
    stage: str = "stage",
    timestamp: str = "timestamp",
    confidence: float = 0.95,
) -> pd.DataFrame:
    """How many customers reach each stage, and how many go on from one stage to the next.

    A customer counts at a stage when they **reached that stage or a later one**: their furthest
    stage (in the declared order, whatever the times) is at or after it. A customer first seen
    at ``purchase`` (say, one who bought before the log starts) so counts at ``awareness`` and
    ``consideration`` too: skipped stages are taken as passed through. The counts therefore never
    rise along the funnel, each stage's customers are a subset of the previous stage's, and
    ``conversion`` is a proportion with a Wilson interval. A customer is counted once per stage
    however many events they have there. ``visited`` gives the other reading: customers with at
    least one event at exactly that stage.

    Parameters
    ----------
    events : pandas.DataFrame
        The event log: one row per event.
    stages : sequence of str, "infer" or None
        The stages in journey order. Default: :data:`DEFAULT_STAGES`. ``"infer"`` reads the
        order from the data (:func:`infer_stage_order`). Every stage in the log must be declared.
    customer, stage, timestamp : str
        Column names. Timestamps are checked (the funnel itself does not need them).
    confidence : float, default 0.95
        Confidence level of the Wilson intervals.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``stage`` (every declared stage, in order), with ``customers`` (reached this
        stage or later), ``share`` (of all customers), ``visited`` (had an event at this stage),
        ``conversion`` (customers here over customers at the previous stage, 0–1),
        ``conversion_low``, ``conversion_high``, ``dropped`` (customers at the previous stage
        who got no further), ``drop_off`` (``1 - conversion``), ``drop_off_low`` and
        ``drop_off_high``. The first stage has no conversion (NaN, ``dropped`` 0).
        ``attrs`` holds ``customers``, ``events`` and ``confidence``.

    Raises
    ------
    cxlab.errors.DataError
        If a column is missing, the log is empty, or events lack a customer, a valid timestamp
        or a declared stage (every problem is reported, with rows).

    References
    ----------
    .. [1] Wilson, E. B. (1927). Probable inference, the law of succession, and statistical
       inference. *Journal of the American Statistical Association*, 22(158), 209–212.

    Examples
    --------
    >>> ev = pd.DataFrame(
    ...     {
    ...         "customer_id": ["a", "a", "b", "c", "c", "c"],
    ...         "timestamp": pd.to_datetime(
    ...             [
    ...                 "2024-01-01",
    ...                 "2024-01-02",
    ...                 "2024-01-01",
    ...                 "2024-01-03",
    ...                 "2024-01-04",
    ...                 "2024-01-09",
    ...             ]
    ...         ),
    ...         "stage": ["visit", "buy", "visit", "buy", "buy", "return"],
    ...     }
    ... )
    >>> f = funnel(ev, stages=["visit", "buy", "return"])
    >>> f[["customers", "visited", "conversion", "dropped"]].round(
    ...     2
    ... )  # doctest: +NORMALIZE_WHITESPACE
            customers  visited  conversion  dropped
    stage
    visit           3        2         NaN        0
    buy             2        2        0.67        1
    return          1        1        0.50        1
    """
    level = stats.check_confidence(confidence)
    log = prepare(
        events, stages=stages, customer=customer, stage=stage, timestamp=timestamp, sort=False
    )
    reached, visited = _reach(log)
    return _funnel_table(log.stages, reached, visited, level, log.n_customers, log.n_events)


def _reach(log: EventLog) -> tuple[np.ndarray, np.ndarray]:
    """Count customers reaching each stage or a later one, and customers visiting each stage."""
    k = len(log.stages)
    n = log.n_customers
    if n * k <= GRID_LIMIT:  # a customers × stages grid of flags: one pass, no sort
        grid = np.zeros(n * k, dtype=bool)
        grid[log.cust * k + log.stage] = True
        visited = grid.reshape(n, k).sum(axis=0)
        top = np.full(n, -1, dtype="int64")
        np.maximum.at(top, log.cust, log.stage)
        furthest = np.bincount(top, minlength=k)
    else:
        pairs = np.unique(log.cust * k + log.stage)  # one entry per (customer, stage), sorted
        visited = np.bincount(pairs % k, minlength=k)
        owner = pairs // k
        last = np.ones(len(pairs), dtype=bool)
        last[:-1] = owner[1:] != owner[:-1]
        furthest = np.bincount(pairs[last] % k, minlength=k)
    reached = furthest[::-1].cumsum()[::-1]
    return reached, visited


def _funnel_table(
    names: Sequence[str],
    reached: np.ndarray,
    visited: np.ndarray,
    level: float,
    n_customers: int,
    n_events: int,
) -> pd.DataFrame:
    reached = np.asarray(reached, dtype="int64")
    k = len(names)
    conv = np.full(k, np.nan)
    low = np.full(k, np.nan)
    high = np.full(k, np.nan)
    prev, cur = reached[:-1], reached[1:]
    ok = np.flatnonzero(prev > 0)
    if len(ok):
        conv[ok + 1] = cur[ok] / prev[ok]
        lo, hi = stats.wilson(cur[ok], prev[ok], level)
        low[ok + 1], high[ok + 1] = lo, hi
    dropped = np.zeros(k, dtype="int64")
    dropped[1:] = prev - cur
    out = pd.DataFrame(
        {
            "customers": reached,
            "share": reached / n_customers if n_customers else np.full(k, np.nan),
            "visited": np.asarray(visited, dtype="int64"),
            "conversion": conv,
            "conversion_low": low,
            "conversion_high": high,
            "dropped": dropped,
            "drop_off": 1 - conv,
            "drop_off_low": 1 - high,
            "drop_off_high": 1 - low,
        },
        index=pd.Index(list(names), name="stage", dtype="str"),
    )
    out.attrs.update(customers=int(n_customers), events=int(n_events), confidence=level)
    return out


def _steps(log: EventLog, collapse: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Directly-follows pairs of a sorted log: from code, to code, positions of both events."""
    keep = log.runs() if collapse else np.ones(log.n_events, dtype=bool)
    cust, stage = log.cust[keep], log.stage[keep]
    same = np.flatnonzero(cust[1:] == cust[:-1])
    kept = np.flatnonzero(keep)
    return stage[same], stage[same + 1], kept[same + 1], kept[same]


def transitions(
    events: pd.DataFrame,
    *,
    stages: Sequence[str] | str | None = None,
    collapse: bool = False,
    customer: str = "customer_id",
    stage: str = "stage",
    timestamp: str = "timestamp",
) -> pd.DataFrame:
    """Count how often customers go directly from one stage to the next.

    Each customer's events are ordered by time (the table's row order does not matter); events
    at the same time are ordered by the declared stage order, then by row. Each pair of
    consecutive events of one customer is a transition ``from → to`` (the *directly-follows*
    relation of process mining). By default a repeated stage is a self-loop: a customer with
    ``purchase, purchase`` contributes ``purchase → purchase``, so the counts add up to events
    minus customers. With ``collapse=True`` consecutive repeats are merged first, there are no
    self-loops, and the counts add up to stage runs minus customers. A customer with a single
    event (or a single run) contributes no transition.

    Parameters
    ----------
    events : pandas.DataFrame
        The event log.
    stages : sequence of str, "infer" or None
        The stages in journey order (see :func:`funnel`); used for ties and for row order.
    collapse : bool, default False
        Merge consecutive events at the same stage before counting.
    customer, stage, timestamp : str
        Column names. Pass ``stage="touchpoint"`` with ``stages=`` the touchpoints to follow
        touchpoints instead of stages.

    Returns
    -------
    pandas.DataFrame
        One row per pair that occurs, ordered by the declared order of ``from`` then ``to``:
        ``from``, ``to``, ``count`` and ``probability`` (``count`` over all transitions out of
        ``from``, so the probabilities of each ``from`` add up to 1).

    Raises
    ------
    cxlab.errors.DataError
        As :func:`funnel`.

    References
    ----------
    .. [1] van der Aalst, W. M. P. (2016). *Process Mining: Data Science in Action* (2nd ed.),
       section 6.2 (the directly-follows relation). Springer.

    Examples
    --------
    >>> ev = pd.DataFrame(
    ...     {
    ...         "customer_id": ["a", "a", "a", "b", "b"],
    ...         "timestamp": pd.to_datetime(
    ...             ["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-01", "2024-01-05"]
    ...         ),
    ...         "stage": ["visit", "buy", "buy", "visit", "visit"],
    ...     }
    ... )
    >>> transitions(ev, stages=["visit", "buy"])  # doctest: +NORMALIZE_WHITESPACE
        from     to  count  probability
    0  visit visit      1          0.5
    1  visit  buy      1          0.5
    2    buy  buy      1          1.0
    """
    log = prepare(events, stages=stages, customer=customer, stage=stage, timestamp=timestamp)
    a, b, _, _ = _steps(log, collapse)
    k = len(log.stages)
    counts = np.bincount(a * k + b, minlength=k * k).reshape(k, k)
    out_total = counts.sum(axis=1)
    src, dst = np.nonzero(counts)
    names = np.asarray(log.stages, dtype=object)
    out = pd.DataFrame(
        {
            "from": pd.array(names[src], dtype="str"),
            "to": pd.array(names[dst], dtype="str"),
            "count": counts[src, dst].astype("int64"),
            "probability": counts[src, dst] / out_total[src],
        }
    )
    out.attrs.update(collapse=collapse, customers=log.n_customers, events=log.n_events)
    return out


def _quantile_name(q: float) -> str:
    return "median" if q == 0.5 else f"q{100 * q:g}"


def durations(
    events: pd.DataFrame,
    *,
    stages: Sequence[str] | str | None = None,
    collapse: bool = False,
    quantiles: Sequence[float] = (0.1, 0.25, 0.5, 0.75, 0.9),
    summary: bool = True,
    customer: str = "customer_id",
    stage: str = "stage",
    timestamp: str = "timestamp",
) -> pd.DataFrame:
    """Time between one stage and the next, per pair of stages: median and distribution.

    The pairs are those of :func:`transitions` (same ordering, ties and ``collapse``), and each
    transition's duration is the time between its two events. With ``collapse=True`` it is the
    time from the *first* event of the ``from`` run to the first event of the ``to`` run, i.e.
    from entering one stage to entering the next. Durations are skewed (most customers move on
    quickly, a few after months), so the summary leads with quantiles rather than the mean.

    Parameters
    ----------
    events : pandas.DataFrame
        The event log.
    stages : sequence of str, "infer" or None
        The stages in journey order (see :func:`funnel`).
    collapse : bool, default False
        Merge consecutive events at the same stage first (see :func:`transitions`).
    quantiles : sequence of float, default (0.1, 0.25, 0.5, 0.75, 0.9)
        Quantiles to report, each in [0, 1]; 0.5 is named ``median``, others ``q10``, ``q25``...
    summary : bool, default True
        False returns one row per transition instead (for a histogram).
    customer, stage, timestamp : str
        Column names.

    Returns
    -------
    pandas.DataFrame
        With ``summary``: one row per pair that occurs, ``from``, ``to``, ``count``, ``mean``
        and one column per quantile (Timedelta). Without: ``customer``, ``from``, ``to``,
        ``start`` (time of the ``from`` event) and ``duration``, ordered by customer and time.

    Raises
    ------
    cxlab.errors.DataError
        As :func:`funnel`.
    ValueError
        If a quantile is outside [0, 1].

    Examples
    --------
    >>> ev = pd.DataFrame(
    ...     {
    ...         "customer_id": ["a", "a", "b", "b"],
    ...         "timestamp": pd.to_datetime(
    ...             ["2024-01-01", "2024-01-03", "2024-01-01", "2024-01-05"]
    ...         ),
    ...         "stage": ["visit", "buy", "visit", "buy"],
    ...     }
    ... )
    >>> durations(ev, stages=["visit", "buy"], quantiles=[0.5])  # doctest: +NORMALIZE_WHITESPACE
        from   to  count   mean median
    0  visit  buy      2 3 days 3 days
    """
    qs = [float(q) for q in quantiles]
    if any(not 0 <= q <= 1 for q in qs):
        raise ValueError(f"quantiles must lie between 0 and 1; got {list(quantiles)!r}")
    log = prepare(events, stages=stages, customer=customer, stage=stage, timestamp=timestamp)
    a, b, to_pos, from_pos = _steps(log, collapse)
    gaps = log.ts[to_pos] - log.ts[from_pos]
    names = np.asarray(log.stages, dtype=object)
    if not summary:
        return pd.DataFrame(
            {
                "customer": log.customers[log.cust[from_pos]],
                "from": pd.array(names[a], dtype="str"),
                "to": pd.array(names[b], dtype="str"),
                "start": log.ts[from_pos],
                "duration": pd.to_timedelta(gaps),
            }
        )
    k = len(log.stages)
    seconds = gaps / np.timedelta64(1, "s")
    grouped = pd.Series(seconds).groupby(a * k + b, sort=True)
    table = pd.DataFrame({"count": grouped.size(), "mean": grouped.mean()})
    for q in qs:
        table[_quantile_name(q)] = grouped.quantile(q)
    code = table.index.to_numpy()
    out = pd.DataFrame(
        {
            "from": pd.array(names[code // k], dtype="str"),
            "to": pd.array(names[code % k], dtype="str"),
            "count": table["count"].to_numpy(dtype="int64"),
        }
    )
    for col in table.columns[1:]:
        out[col] = pd.to_timedelta(table[col].to_numpy(), unit="s").round("s")
    out.attrs.update(collapse=collapse)
    return out


def variants(
    events: pd.DataFrame,
    *,
    top: int | None = 10,
    stages: Sequence[str] | str | None = None,
    collapse: bool = True,
    customer: str = "customer_id",
    stage: str = "stage",
    timestamp: str = "timestamp",
) -> pd.DataFrame:
    """List the most common paths through the journey (variants), with their share of customers.

    A customer's path is their sequence of stages in time order (ties by the declared stage
    order). By default consecutive repeats are merged (``purchase, purchase, service`` is the
    path ``purchase → service``), so that how often a stage repeats does not split one path into
    many; ``collapse=False`` keeps them. A customer with a single event has a path of one stage.
    Every customer is on exactly one path, so the shares add up to 1; when ``top`` cuts the
    list, a last row gathers the other paths.

    Parameters
    ----------
    events : pandas.DataFrame
        The event log.
    top : int or None, default 10
        Paths to list; None lists all.
    stages : sequence of str, "infer" or None
        The stages in journey order (see :func:`funnel`).
    collapse : bool, default True
        Merge consecutive events at the same stage.
    customer, stage, timestamp : str
        Column names.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``variant`` (stage names joined by ``" → "``), most common first (ties by
        path in stage order), with ``customers``, ``share`` (0–1), ``cumulative_share``,
        ``steps`` (stages on the path) and ``path`` (tuple of stage names). The row
        ``"(other variants)"``, when present, has no ``steps`` or ``path``.
        ``attrs["variants"]`` is the number of distinct paths.

    Raises
    ------
    cxlab.errors.DataError
        As :func:`funnel`.
    ValueError
        If ``top`` is not a positive whole number or None.

    Examples
    --------
    >>> ev = pd.DataFrame(
    ...     {
    ...         "customer_id": ["a", "a", "a", "b", "b", "c"],
    ...         "timestamp": pd.to_datetime(
    ...             [
    ...                 "2024-01-01",
    ...                 "2024-01-02",
    ...                 "2024-01-03",
    ...                 "2024-01-01",
    ...                 "2024-01-05",
    ...                 "2024-01-02",
    ...             ]
    ...         ),
    ...         "stage": ["visit", "buy", "buy", "visit", "buy", "visit"],
    ...     }
    ... )
    >>> variants(ev, stages=["visit", "buy"])[["customers", "share", "steps"]].round(3)
    ... # doctest: +NORMALIZE_WHITESPACE
                 customers  share  steps
    variant
    visit → buy          2  0.667      2
    visit                1  0.333      1
    """
    if top is not None and (isinstance(top, bool) or int(top) != top or top < 1):
        raise ValueError(f"top must be a positive whole number or None; got {top!r}")
    log = prepare(events, stages=stages, customer=customer, stage=stage, timestamp=timestamp)
    keep = log.runs() if collapse else np.ones(log.n_events, dtype=bool)
    cust, codes = log.cust[keep], log.stage[keep]
    dtype = np.uint8 if len(log.stages) < 256 else np.uint32
    width = np.dtype(dtype).itemsize
    buffer = codes.astype(dtype).tobytes()
    starts = np.flatnonzero(np.r_[True, cust[1:] != cust[:-1]]) * width
    ends = np.r_[starts[1:], len(buffer)]
    paths = pd.Series([buffer[s:e] for s, e in zip(starts.tolist(), ends.tolist(), strict=True)])
    counts = paths.value_counts(sort=False)
    table = pd.DataFrame({"key": counts.index.to_numpy(dtype=object), "customers": counts.values})
    table = table.sort_values(["customers", "key"], ascending=[False, True], kind="stable")
    n_total = int(table["customers"].sum())
    n_variants = len(table)
    shown = table if top is None else table.head(int(top))
    names = log.stages
    tuples = [tuple(names[c] for c in np.frombuffer(key, dtype=dtype)) for key in shown["key"]]
    out = pd.DataFrame(
        {
            "customers": shown["customers"].to_numpy(dtype="int64"),
            "share": shown["customers"].to_numpy() / n_total,
            "steps": pd.array([len(t) for t in tuples], dtype="Int64"),
            "path": pd.Series(tuples, dtype=object).to_numpy(),
        },
        index=pd.Index([ARROW.join(t) for t in tuples], name="variant", dtype="str"),
    )
    rest = n_total - int(out["customers"].sum())
    if rest:
        other = pd.DataFrame(
            {
                "customers": [rest],
                "share": [rest / n_total],
                "steps": pd.array([None], dtype="Int64"),
                "path": np.array([None], dtype=object),
            },
            index=pd.Index(["(other variants)"], name="variant", dtype="str"),
        )
        out = pd.concat([out, other])
    out.insert(2, "cumulative_share", out["share"].cumsum())
    out.attrs.update(variants=n_variants, customers=n_total, collapse=collapse)
    return out


def exits(
    events: pd.DataFrame,
    *,
    stages: Sequence[str] | str | None = None,
    customer: str = "customer_id",
    stage: str = "stage",
    timestamp: str = "timestamp",
) -> pd.DataFrame:
    """Where customers leave the journey: the stage of each customer's last event.

    Two readings are given side by side. ``last`` counts customers by the stage of their last
    event in time (ties by the declared stage order): a loyal customer whose last contact was a
    support call left at ``service``. ``furthest`` counts them by the furthest stage they reached
    in the declared order — the same customers the funnel's ``dropped`` column counts one stage
    later. Customers still active when the log ends are counted too: which of them have really
    left depends on how long the client's customers usually stay quiet, which the churn chapter
    decides.

    Parameters
    ----------
    events : pandas.DataFrame
        The event log.
    stages : sequence of str, "infer" or None
        The stages in journey order (see :func:`funnel`).
    customer, stage, timestamp : str
        Column names.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``stage`` (every declared stage), with ``last``, ``last_share``,
        ``furthest`` and ``furthest_share`` (shares of all customers; each adds up to 1).

    Raises
    ------
    cxlab.errors.DataError
        As :func:`funnel`.

    Examples
    --------
    >>> ev = pd.DataFrame(
    ...     {
    ...         "customer_id": ["a", "a", "a", "b"],
    ...         "timestamp": pd.to_datetime(
    ...             ["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-01"]
    ...         ),
    ...         "stage": ["visit", "buy", "visit", "visit"],
    ...     }
    ... )
    >>> exits(ev, stages=["visit", "buy"])[["last", "furthest"]]  # doctest: +NORMALIZE_WHITESPACE
           last  furthest
    stage
    visit     2         1
    buy       0         1
    """
    log = prepare(events, stages=stages, customer=customer, stage=stage, timestamp=timestamp)
    k = len(log.stages)
    is_last = np.ones(log.n_events, dtype=bool)
    is_last[:-1] = log.cust[1:] != log.cust[:-1]
    last = np.bincount(log.stage[is_last], minlength=k)
    reached, _ = _reach(log)
    furthest = reached - np.r_[reached[1:], 0]
    n = log.n_customers
    return pd.DataFrame(
        {
            "last": last.astype("int64"),
            "last_share": last / n,
            "furthest": furthest.astype("int64"),
            "furthest_share": furthest / n,
        },
        index=pd.Index(list(log.stages), name="stage", dtype="str"),
    )
