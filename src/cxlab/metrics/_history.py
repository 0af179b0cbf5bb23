"""A survey's own history: scores per period, the latest change, a benchmark, a goal's needs.

A small business's fairest yardstick is itself, earlier. This module turns dated answers into
the comparisons a chapter on change and goals makes:

* :func:`period_scores` scores every period (month, quarter...) with enough answers — for a
  relationship survey sent in waves, the quarters that hold a wave;
* :func:`latest_change` compares the last two of them (:func:`cxlab.metrics.compare`);
* :func:`own_benchmark` splits the answers at a month start near the middle of the survey
  period and writes the earlier part's scores as a benchmark table in the format of
  :func:`cxlab.metrics.read_benchmarks`, with the later part's scores to line up against it;
* :func:`sample_size_table` and :func:`detectable_change` say how many answers a goal needs, and
  how small a change the answers one period collects can show (a search over
  :func:`cxlab.metrics.sample_size`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from cxlab import present
from cxlab.metrics._breakdown import breakdown
from cxlab.metrics._compare import Comparison, compare
from cxlab.metrics._planning import sample_size
from cxlab.metrics._scores import METRICS, CESScore, Score, ces, csat, nps

__all__ = [
    "OwnBenchmark",
    "PeriodChange",
    "detectable_change",
    "latest_change",
    "own_benchmark",
    "period_scores",
    "sample_size_table",
]

_SCORE = {"nps": nps, "csat": csat, "ces": ces}
_UNIT = {"nps": "points", "csat": "points", "ces": "scale points"}


def _check_metric(metric: str) -> None:
    if metric not in METRICS:
        raise ValueError(f"metric must be one of {', '.join(METRICS)}; got {metric!r}")


def period_scores(
    df: pd.DataFrame,
    *,
    metric: str,
    freq: str = "Q",
    min_n: int = 1,
    date: str = "date",
    **options: Any,
) -> dict[pd.Period, Score]:
    """Score every period that has at least ``min_n`` answers.

    Parameters
    ----------
    df : pandas.DataFrame
        The responses table.
    metric : {"nps", "csat", "ces"}
        The score (also the column name).
    freq : str, default "Q"
        Period length, a pandas period alias (``"M"``, ``"Q"``, ``"Y"``).
    min_n : int, default 1
        Fewest answers a period needs to be scored: for a survey sent in waves, a period with
        fewer holds only stray answers.
    date : str, default "date"
        The date column. Answers without a date are left out.
    **options
        Scale options of the score (see :func:`cxlab.metrics.csat` and
        :func:`cxlab.metrics.ces`).

    Returns
    -------
    dict of pandas.Period to score result
        In time order; empty when the table has no dated answers.

    Examples
    --------
    >>> r = pd.DataFrame(
    ...     {
    ...         "date": pd.to_datetime(["2024-01-05"] * 3 + ["2024-02-01"] + ["2024-04-02"] * 3),
    ...         "nps": [10, 9, 3, 10, 7, 8, 10],
    ...     }
    ... )
    >>> {str(p): round(s.value, 1) for p, s in period_scores(r, metric="nps", min_n=2).items()}
    {'2024Q1': 50.0, '2024Q2': 33.3}
    """
    _check_metric(metric)
    if isinstance(min_n, bool) or int(min_n) != min_n or min_n < 1:
        raise ValueError(f"min_n must be a whole number of at least 1; got {min_n!r}")
    if date not in df or metric not in df:
        return {}
    answered = df[df[metric].notna() & df[date].notna()]
    periods = pd.to_datetime(answered[date]).dt.to_period(freq)
    out: dict[pd.Period, Score] = {}
    for period in sorted(periods.unique()):
        part = answered.loc[periods == period, metric]
        if len(part) >= min_n:
            out[period] = _SCORE[metric](part, **options)
    return out


@dataclass(frozen=True)
class PeriodChange:
    """The latest period's score against the period before; see :func:`latest_change`.

    Parameters
    ----------
    metric : {"nps", "csat", "ces"}
    latest, previous : pandas.Period
        The two periods.
    latest_score, previous_score : score result
        Their scores.
    comparison : Comparison
        ``latest`` minus ``previous``, with its interval and p-value.
    """

    metric: str
    latest: pd.Period
    previous: pd.Period
    latest_score: Score
    previous_score: Score
    comparison: Comparison

    @property
    def periods(self) -> str:
        """The two periods in words, e.g. ``"Q3 2025 vs Q1 2025"``."""
        return f"{present.period(self.latest)} vs {present.period(self.previous)}"

    @property
    def label(self) -> str:
        """The metric and the periods, e.g. ``"NPS Q3 2025 vs Q1 2025"``."""
        return f"{self.metric.upper()} {self.periods}"

    def to_frame(self) -> pd.DataFrame:
        """Return the comparison as one row indexed by :attr:`label`."""
        c = self.comparison
        columns = ["value_a", "value_b", "difference", "low", "high", "p_value", "n_a", "n_b"]
        return c.to_frame()[columns].set_axis([self.label])


def latest_change(
    scores: Mapping[pd.Period, Score], *, confidence: float = 0.95
) -> PeriodChange | None:
    """Compare the last two periods of :func:`period_scores`.

    Parameters
    ----------
    scores : mapping of pandas.Period to score result
        Scores per period (the last two, in time order, are compared).
    confidence : float, default 0.95
        Confidence level of the difference's interval.

    Returns
    -------
    PeriodChange or None
        None when there are fewer than two periods.

    Examples
    --------
    >>> r = pd.DataFrame(
    ...     {
    ...         "date": pd.to_datetime(["2024-03-01"] * 40 + ["2024-06-01"] * 40),
    ...         "csat": [5, 4, 2, 1] * 10 + [5, 5, 4, 2] * 10,
    ...     }
    ... )
    >>> change = latest_change(period_scores(r, metric="csat"))
    >>> change.label, change.comparison.difference
    ('CSAT Q2 2024 vs Q1 2024', 25.0)
    """
    if len(scores) < 2:
        return None
    (previous, before), (latest, now) = list(scores.items())[-2:]
    comparison = compare(now, before, confidence=confidence)
    return PeriodChange(now.metric, latest, previous, now, before, comparison)


@dataclass(frozen=True, eq=False)
class OwnBenchmark:
    """A survey split into an earlier part, written as a benchmark, and a later part.

    Parameters
    ----------
    metric : {"nps", "csat", "ces"}
    start, cut, end : pandas.Timestamp
        First answer, first day of the later part, last answer.
    n_earlier, n_later : int
        Answers in each part.
    by : str or None
        The segment column the benchmark is split by, or None for the whole business.
    source : str
        The benchmark's name in the table, e.g. ``"Own survey 02 Jan 2024–31 Dec 2024"``.
    rows : pandas.DataFrame
        The benchmark table in the format of :func:`cxlab.metrics.read_benchmarks`: one row per
        segment with at least ``min_n`` earlier answers (columns ``metric``, ``source``,
        ``segment``, ``value``, ``low``, ``high`` rounded to one decimal, ``n``, ``scale``);
        empty when the parts are too small.
    current : score result, pandas.DataFrame or None
        The later part's score (a :func:`cxlab.metrics.breakdown` table when split by a
        segment), to pass to :func:`cxlab.metrics.benchmark`; None when the parts are too small.
    min_n : int
        Fewest answers each part needed.
    """

    metric: str
    start: pd.Timestamp | None
    cut: pd.Timestamp | None
    end: pd.Timestamp | None
    n_earlier: int
    n_later: int
    by: str | None
    source: str
    rows: pd.DataFrame
    current: Score | pd.DataFrame | None
    min_n: int

    @property
    def enough(self) -> bool:
        """Whether both parts have at least ``min_n`` answers."""
        return self.current is not None


def own_benchmark(
    df: pd.DataFrame,
    *,
    metric: str,
    by: str | None = "touchpoint",
    min_n: int = 20,
    date: str = "date",
    **options: Any,
) -> OwnBenchmark:
    """Split the answers in time and write the earlier part's scores as a benchmark table.

    The cut is the month start nearest the middle of the survey period, so each part covers
    whole months; with less than a couple of months of answers (no month start strictly after
    the first answer) the cut is the day after the middle. The earlier part is scored per
    segment of ``by`` (or for the whole business when the column is absent or has no values in
    the earlier part); segments with fewer than ``min_n`` earlier answers are left out of the
    table, as :func:`cxlab.metrics.breakdown` masks them.

    Parameters
    ----------
    df : pandas.DataFrame
        The responses table.
    metric : {"nps", "csat", "ces"}
        The score (also the column name).
    by : str or None, default "touchpoint"
        The segment column.
    min_n : int, default 20
        Fewest answers each part needs, and each segment of the benchmark.
    date : str, default "date"
        The date column.
    **options
        Scale options of the score; a CSAT or CES benchmark row records the scale as
        ``min-max``.

    Returns
    -------
    OwnBenchmark
        With ``enough`` False (and no rows) when either part has fewer than ``min_n`` answers.

    Examples
    --------
    >>> r = pd.DataFrame(
    ...     {
    ...         "date": pd.date_range("2024-01-01", periods=120, freq="3D"),
    ...         "csat": [5, 4, 2] * 40,
    ...     }
    ... )
    >>> own = own_benchmark(r, metric="csat", by=None)
    >>> own.cut.date(), own.n_earlier, own.n_later
    (datetime.date(2024, 7, 1), 61, 59)
    >>> own.rows[["source", "value", "n", "scale"]].to_dict("records")[
    ...     0
    ... ]  # doctest: +NORMALIZE_WHITESPACE
    {'source': 'Own survey 01 Jan 2024–30 Jun 2024', 'value': 67.2, 'n': 61,
     'scale': '1-5'}
    """
    _check_metric(metric)
    answered = df[df[metric].notna()] if metric in df else df.iloc[:0]
    if date in answered:
        answered = answered[answered[date].notna()]
    else:
        answered = answered.iloc[:0]
    empty = pd.DataFrame(
        columns=["metric", "source", "segment", "value", "low", "high", "n", "scale"]
    )
    if answered.empty:
        return OwnBenchmark(metric, None, None, None, 0, 0, None, "", empty, None, min_n)
    stamps = pd.to_datetime(answered[date])
    start, end = stamps.min(), stamps.max()
    middle = start + (end - start) / 2
    cut = (middle + pd.Timedelta(days=15)).to_period("M").to_timestamp()  # nearest month start
    if not start < cut <= end:
        cut = middle.normalize() + pd.Timedelta(days=1)
    earlier, later = answered[stamps < cut], answered[stamps >= cut]
    source = f"Own survey {start:%d %b %Y}–{cut - pd.Timedelta(days=1):%d %b %Y}"
    segmented = by is not None and by in earlier and bool(earlier[by].notna().any())
    split_by = by if segmented else None
    if min(len(earlier), len(later)) < min_n:
        return OwnBenchmark(
            metric, start, cut, end, len(earlier), len(later), split_by, source, empty, None, min_n
        )
    current: Score | pd.DataFrame
    if split_by is not None:
        base = breakdown(earlier, by=split_by, metric=metric, min_n=min_n, **options)
        base = base[~base["masked"]]
        current = breakdown(later, by=split_by, metric=metric, min_n=min_n, **options)
        segments = [str(s) for s in base.index]
        values = base[["value", "low", "high", "n"]]
    else:
        whole = _SCORE[metric](earlier[metric], **options)
        current = _SCORE[metric](later[metric], **options)
        segments = [""]
        values = pd.DataFrame(
            [{"value": whole.value, "low": whole.low, "high": whole.high, "n": whole.n}]
        )
    rows = pd.DataFrame(
        {
            "metric": metric,
            "source": source,
            "segment": segments,
            "value": values["value"].round(1).to_numpy(),
            "low": values["low"].round(1).to_numpy(),
            "high": values["high"].round(1).to_numpy(),
            "n": values["n"].to_numpy(),
            "scale": _scale_text(metric, current),
        }
    )
    return OwnBenchmark(
        metric, start, cut, end, len(earlier), len(later), split_by, source, rows, current, min_n
    )


def _scale_text(metric: str, current: Score | pd.DataFrame) -> str:
    if metric == "nps":
        return ""
    if isinstance(current, pd.DataFrame):
        return str(current.attrs.get("scale", ""))
    lo, hi = current.scale  # type: ignore[attr-defined]
    return f"{lo}-{hi}"


def _unit_step(baseline: Score) -> float:
    return 0.1 if isinstance(baseline, CESScore) else 1.0


def detectable_change(
    baseline: Score,
    *,
    n: int | None = None,
    step: float | None = None,
    power: float = 0.8,
    alpha: float = 0.05,
) -> float | None:
    """Find the smallest gain that periods of ``n`` answers each can show, in whole steps.

    Tries gains of one step, two steps, ... with :func:`cxlab.metrics.sample_size` (same
    power, same significance, the baseline's answer mix) and returns the first that needs no
    more than ``n`` answers per period. The search stops at the first gain the scale does not
    allow (e.g. beyond an NPS of 100 with the baseline's share of passives).

    Parameters
    ----------
    baseline : score result
        The latest period's :func:`cxlab.metrics.nps`, :func:`~cxlab.metrics.csat` or
        :func:`~cxlab.metrics.ces` result.
    n : int, optional
        Answers per period; default the baseline's own ``n``.
    step : float, optional
        Size of a step: default 1 point for NPS and CSAT, 0.1 scale points for CES.
    power : float, default 0.8
        Chance of detecting the gain.
    alpha : float, default 0.05
        Significance level (two-sided).

    Returns
    -------
    float or None
        The smallest detectable gain, or None when no gain the scale allows is detectable.

    Examples
    --------
    >>> latest = nps([10] * 110 + [8] * 90 + [3] * 48)
    >>> detectable_change(latest)
    19.0
    """
    size = baseline.n if n is None else int(n)
    unit = _unit_step(baseline) if step is None else float(step)
    if not unit > 0:
        raise ValueError(f"step must be a positive number; got {step!r}")
    if baseline.metric == "ces":
        lo, hi = baseline.scale  # type: ignore[attr-defined]
        limit = hi - lo
    else:
        limit = 200.0 if baseline.metric == "nps" else 100.0
    k = 1
    while k * unit <= limit + 1e-9:
        change = round(k * unit, 10)
        try:
            if (
                sample_size(
                    baseline.metric, baseline=baseline, change=change, power=power, alpha=alpha
                )
                <= size
            ):
                return change
        except ValueError:  # beyond what the scale and the answer mix allow
            return None
        k += 1
    return None


def sample_size_table(
    baseline: Score,
    changes: Sequence[float],
    *,
    period: str = "period",
    power: float = 0.8,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Answers needed per period to show each of several gains, beside what the baseline had.

    Parameters
    ----------
    baseline : score result
        The latest period's score.
    changes : sequence of float
        The gains to detect, in the score's unit.
    period : str, default "period"
        What a period is called in the column names (``"wave"``, ``"quarter"``...).
    power : float, default 0.8
        Chance of detecting each gain.
    alpha : float, default 0.05
        Significance level (two-sided).

    Returns
    -------
    pandas.DataFrame
        Indexed by the gain (``"<METRIC> change to detect (<unit>)"``), with
        ``answers needed per <period>`` (missing where the scale does not allow the gain)
        and ``latest <period> had``.

    Examples
    --------
    >>> table = sample_size_table(nps([10] * 110 + [8] * 90 + [3] * 48), [5, 10], period="wave")
    >>> table.index.name, table.to_dict("list")  # doctest: +NORMALIZE_WHITESPACE
    ('NPS change to detect (points)',
     {'answers needed per wave': [3522, 855], 'latest wave had': [248, 248]})
    """
    needed: dict[float, int | None] = {}
    for change in changes:
        try:
            needed[change] = sample_size(
                baseline.metric, baseline=baseline, change=change, power=power, alpha=alpha
            )
        except ValueError:  # a change beyond what the scale and the answer mix allow
            needed[change] = None
    table = pd.DataFrame(
        {
            f"answers needed per {period}": pd.Series(needed, dtype="Int64"),
            f"latest {period} had": baseline.n,
        }
    )
    return table.rename_axis(
        f"{baseline.metric.upper()} change to detect ({_UNIT[baseline.metric]})"
    )
