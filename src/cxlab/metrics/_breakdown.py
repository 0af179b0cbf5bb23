"""Scores per group, each against the rest, and scores per period with control limits."""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy.special import gammaln

from cxlab import stats
from cxlab.checks import require_columns
from cxlab.metrics._compare import compare_scores
from cxlab.metrics._scores import CESScore, CSATScore, NPSScore, Scorer, scorer

__all__ = ["breakdown", "trend"]

_BREAKDOWN_COLUMNS = [
    "n",
    "value",
    "low",
    "high",
    "warning",
    "masked",
    "difference",
    "diff_low",
    "diff_high",
    "p_value",
    "p_adjusted",
    "differs",
]


def _columns(df: pd.DataFrame, *wanted: tuple[str, str]) -> list[pd.Series]:
    """Return the named columns of a responses table, or raise one error naming each missing.

    Each of ``wanted`` is a column and the keyword argument that names it, so the hint can say
    what to pass instead.
    """
    require_columns(df, dict(wanted), table="responses")
    return [df[name] for name, _ in wanted]


def breakdown(
    df: pd.DataFrame,
    *,
    by: str,
    metric: Literal["nps", "csat", "ces"] = "nps",
    score: str | None = None,
    min_n: int = 5,
    correction: Literal["holm", "fdr_bh"] = "holm",
    confidence: float = 0.95,
    **options: Any,
) -> pd.DataFrame:
    """Score every group, compare each with the rest, and flag the groups that differ.

    Each group's score and interval are those of :func:`nps`, :func:`csat` or :func:`ces` on the
    group's answers. Each group is then compared with all other answers together ("the rest")
    by :func:`compare`, and the p-values are adjusted for testing many groups at once with
    :func:`cxlab.stats.adjust_pvalues`: Holm's step-down method (controls the chance of any
    false flag) or Benjamini–Hochberg (controls the expected share of false flags; more power
    with many groups). A group differs when its adjusted p-value is at most ``1 - level``.

    Groups with fewer than ``min_n`` answers are *masked*: listed with their ``n`` but without a
    score, and left out of the tests, because a score from a handful of answers says little
    and can identify the people who gave it.

    Parameters
    ----------
    df : pandas.DataFrame
        The responses table (or any table with the score and group columns).
    by : str
        The group column (e.g. ``"touchpoint"``). Rows with no group are left out.
    metric : {"nps", "csat", "ces"}, default "nps"
        The score.
    score : str, optional
        The score column; default: the metric's name.
    min_n : int, default 5
        Smallest group that is scored.
    correction : {"holm", "fdr_bh"}, default "holm"
        Multiple-testing adjustment.
    confidence : float, default 0.95
        Confidence level of the intervals; a group differs when its adjusted p-value is below
        ``1 - confidence``.
    **options
        Scale options of the metric (see :func:`csat` and :func:`ces`), e.g.
        ``scale=bundle.config.csat_scale``.

    Returns
    -------
    pandas.DataFrame
        Indexed by group (sorted), with ``n``, ``value``, ``low``, ``high``, ``warning`` (True
        when the group has fewer than 30 answers), ``masked``, ``difference`` (group minus the
        rest), ``diff_low``, ``diff_high``, ``p_value``, ``p_adjusted`` and ``differs``.
        Masked groups have NaN scores and p-values and ``differs`` False. ``attrs["metric"]``
        names the metric, ``attrs["min_n"]`` and ``attrs["correction"]`` repeat those
        arguments, and for CSAT and CES ``attrs["scale"]`` names the scale (``"1-5"``).

    Raises
    ------
    cxlab.errors.DataError
        If a column is missing (naming the column, a close match and how to pass another), or
        if the score column has no answers or invalid ones (every bad row is reported at once).
    ValueError
        If an option is invalid.

    References
    ----------
    .. [1] Holm, S. (1979). A simple sequentially rejective multiple test procedure.
       *Scandinavian Journal of Statistics*, 6(2), 65–70.
    .. [2] Benjamini, Y., & Hochberg, Y. (1995). Controlling the false discovery rate.
       *Journal of the Royal Statistical Society B*, 57(1), 289–300.

    Examples
    --------
    >>> r = pd.DataFrame(
    ...     {
    ...         "touchpoint": ["web"] * 40 + ["store"] * 40 + ["phone"] * 3,
    ...         "csat": [5, 4, 4, 5] * 10 + [2, 3, 4, 2] * 10 + [5, 5, 5],
    ...     }
    ... )
    >>> b = breakdown(r, by="touchpoint", metric="csat")
    >>> b[["n", "value", "masked", "differs"]]  # doctest: +NORMALIZE_WHITESPACE
                n  value  masked  differs
    touchpoint
    phone       3    NaN    True    False
    store      40   25.0   False     True
    web        40  100.0   False     True
    """
    stats.check_correction(correction)
    if isinstance(min_n, bool) or int(min_n) != min_n or min_n < 1:
        raise ValueError(f"min_n must be a whole number of at least 1; got {min_n!r}")
    level = stats.check_confidence(confidence)
    sc = scorer(metric, **options)
    values, groups = _columns(df, (score or metric, "score"), (by, "by"))
    sc.sample(values)  # check every answer once, so all bad rows are reported together
    keep = values.notna() & groups.notna()
    values, groups = values[keep], groups[keep]
    labels = sorted(groups.unique().tolist(), key=str)
    rows = []
    tested: list[int] = []
    for i, label in enumerate(labels):
        inside = (groups == label).to_numpy()
        n = int(inside.sum())
        row: dict[str, Any] = dict.fromkeys(_BREAKDOWN_COLUMNS, np.nan)
        row.update(n=n, warning=n < 30, masked=n < min_n, differs=False)
        rest = values[~inside]
        if n >= min_n:
            g = sc.score(sc.sample(values[inside]), confidence=level)
            row.update(value=g.value, low=g.low, high=g.high)
            if len(rest):
                c = compare_scores(g, sc.score(sc.sample(rest), confidence=level), confidence=level)
                row.update(
                    difference=c.difference, diff_low=c.low, diff_high=c.high, p_value=c.p_value
                )
                if not np.isnan(c.p_value):
                    tested.append(i)
        rows.append(row)
    out = pd.DataFrame(rows, columns=_BREAKDOWN_COLUMNS, index=pd.Index(labels, name=by))
    if tested:
        p = out["p_value"].to_numpy()[tested]
        # cxlab.stats, not statsmodels' multipletests: its Holm branch runs a full garbage
        # collection on every call, 0.08 s each in a kernel holding a bundle, and a journey map
        # per region calls this dozens of times (2.6 s against 0.4 s)
        adjusted = stats.adjust_pvalues(p, method=correction)
        out.iloc[tested, out.columns.get_loc("p_adjusted")] = adjusted
        out.iloc[tested, out.columns.get_loc("differs")] = adjusted <= 1 - level
    out = out.astype({"n": "int64", "warning": "bool", "masked": "bool", "differs": "bool"})
    out.attrs["metric"] = metric
    out.attrs["min_n"] = int(min_n)
    out.attrs["correction"] = correction
    if metric != "nps":
        out.attrs["scale"] = f"{sc.lo}-{sc.hi}"
    return out


def _period_scores(sc: Scorer, values: pd.Series, periods: pd.Series, level: float) -> list:
    out = []
    for period, part in values.groupby(periods, sort=True, observed=True):
        out.append((period, sc.score(sc.sample(part), confidence=level)))
    return out


def trend(
    df: pd.DataFrame,
    *,
    date: str = "date",
    freq: str = "M",
    metric: Literal["nps", "csat", "ces"] = "nps",
    score: str | None = None,
    confidence: float = 0.95,
    sigma: float = 3.0,
    **options: Any,
) -> pd.DataFrame:
    """Score per period, with a control chart's centre line and limits.

    Each period gets its score and interval (as :func:`nps`, :func:`csat`, :func:`ces`). The
    control-chart view asks a different question: is a period's score further from the
    long-run level than the period's sample size can explain? Its centre line is the score of
    all periods pooled, and its limits are ``centre ± sigma · σ / sqrt(n_i)`` with the period's
    own ``n_i``, so the limits are narrow in busy periods and wide in quiet ones:

    * **CSAT**: a p chart with variable sample size, ``σ = sqrt(p̄ (1 − p̄))``.
    * **NPS**: the same for the mean of per-answer scores +1 (promoter), 0, −1 (detractor):
      ``σ = sqrt(p̄ + d̄ − (p̄ − d̄)²)`` from the pooled shares (a "p-chart-like" NPS chart).
    * **CES**: an x̄ chart with variable sample size (x̄ and s charts, Montgomery 6.3.2): ``σ``
      the pooled within-period standard deviation ``s̄ = sqrt(Σ (n_i − 1) s_i² / Σ (n_i − 1))``
      and limits ``centre ± sigma · s̄ / (c4(n_i) sqrt(n_i))``, i.e. Montgomery's ``A3(n_i) s̄``
      for ``sigma = 3``. A period with a single answer gets ``centre ± sigma · s̄`` (an
      individuals chart's width).

    Limits are clipped to the score's range. These are retrospective (phase I) limits computed
    from the same periods they judge; a period ``outside`` them deserves a look, not a verdict.

    Parameters
    ----------
    df : pandas.DataFrame
        The responses table.
    date : str, default "date"
        Date column. Rows without a date or a score are left out.
    freq : str, default "M"
        Period length, a pandas period alias: ``"W"``, ``"M"``, ``"Q"``, ``"Y"``.
    metric : {"nps", "csat", "ces"}, default "nps"
        The score.
    score : str, optional
        The score column; default: the metric's name.
    confidence : float, default 0.95
        Confidence level of each period's interval.
    sigma : float, default 3.0
        Width of the control limits in standard errors (3 is Shewhart's choice).
    **options
        Scale options of the metric (see :func:`csat` and :func:`ces`).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``period`` (a PeriodIndex, every period from the first to the last answer),
        with ``n``, ``value``, ``low``, ``high``, ``centre``, ``lcl``, ``ucl`` and ``outside``
        (True when the score is beyond a limit). Periods without answers have ``n = 0`` and NaN
        scores. ``attrs["metric"]`` names the metric.

    Raises
    ------
    cxlab.errors.DataError
        If a column is missing (naming the column, a close match and how to pass another), or
        if the score column has no answers or invalid ones.

    References
    ----------
    .. [1] Montgomery, D. C. (2019). *Introduction to Statistical Quality Control* (8th ed.).
       Wiley. Section 7.2.2 (p chart with variable sample size) and section 6.3.2 (x̄ and s
       charts with variable sample size).

    Examples
    --------
    >>> r = pd.DataFrame(
    ...     {
    ...         "date": pd.to_datetime(
    ...             ["2024-01-10"] * 50 + ["2024-02-10"] * 50 + ["2024-03-10"] * 50
    ...         ),
    ...         "csat": [5, 4, 4, 5, 5] * 10 + [5, 4, 2, 5, 4] * 10 + [2, 2, 1, 3, 4] * 10,
    ...     }
    ... )
    >>> t = trend(r, metric="csat")
    >>> t[["n", "value", "outside"]]  # doctest: +NORMALIZE_WHITESPACE
             n  value  outside
    period
    2024-01  50  100.0     True
    2024-02  50   80.0    False
    2024-03  50   20.0     True
    """
    level = stats.check_confidence(confidence)
    if isinstance(sigma, bool) or not float(sigma) > 0:
        raise ValueError(f"sigma must be a positive number of standard errors; got {sigma!r}")
    sc = scorer(metric, **options)
    values, dates = _columns(df, (score or metric, "score"), (date, "date"))
    sc.sample(values)
    keep = values.notna() & dates.notna()
    values, dates = values[keep], pd.to_datetime(dates[keep])
    periods = dates.dt.to_period(freq)
    scored = _period_scores(sc, values, periods, level)
    index = pd.period_range(periods.min(), periods.max(), freq=periods.dt.freq, name="period")
    cols = ["n", "value", "low", "high", "centre", "lcl", "ucl", "outside"]
    out = pd.DataFrame(np.nan, index=index, columns=cols)
    out["n"] = 0
    out["outside"] = False
    if scored:  # one assignment per column: a .loc per period cost a millisecond each
        rows = index.get_indexer([period for period, _ in scored])
        for col in ("n", "value", "low", "high"):
            column = out[col].to_numpy(dtype="float64", copy=True)
            column[rows] = [getattr(s, col) for _, s in scored]
            out[col] = column
    n = out["n"].to_numpy(dtype="float64")
    results = [s for _, s in scored]
    centre, spread, bounds = _chart(results)
    with np.errstate(divide="ignore", invalid="ignore"):
        half = sigma * spread / np.sqrt(n)
        if metric == "ces":
            half = half / _c4(n)
    has = n > 0
    out["centre"] = np.where(has, centre, np.nan)
    out["lcl"] = np.where(has, np.clip(centre - half, *bounds), np.nan)
    out["ucl"] = np.where(has, np.clip(centre + half, *bounds), np.nan)
    value = out["value"].to_numpy()
    with np.errstate(invalid="ignore"):
        outside = has & ((value < out["lcl"].to_numpy()) | (value > out["ucl"].to_numpy()))
    out["outside"] = outside
    out = out.astype({"n": "int64", "outside": "bool"})
    out.attrs["metric"] = metric
    return out


def _c4(n: np.ndarray) -> np.ndarray:
    """Bias constant of the standard deviation, ``E[s] = c4(n) σ`` (1 where ``n < 2``)."""
    n = np.asarray(n, dtype="float64")
    ok = n >= 2
    m = np.where(ok, n, 2.0)
    c4 = np.sqrt(2 / (m - 1)) * np.exp(gammaln(m / 2) - gammaln((m - 1) / 2))
    return np.where(ok, c4, 1.0)


def _chart(results: list) -> tuple[float, float, tuple[float, float]]:
    """Centre line, per-answer spread σ and the range to clip limits to."""
    n = sum(r.n for r in results)
    first = results[0]
    if isinstance(first, NPSScore):
        p = sum(r.promoters for r in results) / n
        d = sum(r.detractors for r in results) / n
        return 100 * (p - d), 100 * float(np.sqrt(max(p + d - (p - d) ** 2, 0.0))), (-100, 100)
    if isinstance(first, CSATScore):
        p = sum(r.satisfied for r in results) / n
        return 100 * p, 100 * float(np.sqrt(p * (1 - p))), (0, 100)
    assert isinstance(first, CESScore)
    centre = sum(r.value * r.n for r in results) / n
    dof = sum(r.n - 1 for r in results if r.n >= 2)
    pooled = sum((r.n - 1) * r.sd**2 for r in results if r.n >= 2)
    spread = float(np.sqrt(pooled / dof)) if dof else float("nan")
    return centre, spread, (float(first.scale[0]), float(first.scale[1]))
