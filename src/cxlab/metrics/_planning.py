"""How many answers a period needs to detect a change of a given size."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd
from statsmodels.stats.power import NormalIndPower, TTestIndPower
from statsmodels.stats.proportion import proportion_effectsize

from cxlab import stats
from cxlab.metrics._scores import METRICS, SMALL_N, CESScore, CSATScore, NPSScore, Score

__all__ = ["by_metric", "margin_curve", "sample_size"]


def _probability(x: float, name: str) -> float:
    if isinstance(x, bool) or not 0 < float(x) < 1:
        raise ValueError(f"{name} must be between 0 and 1; got {x!r}")
    return float(x)


def sample_size(
    metric: Literal["nps", "csat", "ces"],
    *,
    baseline: Any,
    change: float,
    power: float = 0.8,
    alpha: float = 0.05,
    passives: float | None = None,
    sd: float | None = None,
) -> int:
    """Answers needed per period to detect a change of a score between two periods.

    The design is two independent samples of equal size (this period against the last, or
    one touchpoint against another) and a two-sided test at level ``alpha``; the answer is the
    size of *each* sample. Power calculations use :mod:`statsmodels.stats.power`.

    * **CSAT**: ``baseline`` in percent satisfied, ``change`` in percentage points; Cohen's
      arcsine effect size ``h`` and the normal power of two independent proportions.
    * **NPS**: ``baseline`` in points, ``change`` in points. The variance of an NPS depends on
      the mix, not only on the score: per answer it is ``V = (p + d) - (p - d)²`` with ``p``
      promoters and ``d`` detractors (Rocks 2016). The mix is taken from ``baseline`` when it
      is an :func:`nps` result; otherwise from ``passives``, the share of passives, assumed the
      same in both periods. **Default assumption: no passives**, which gives the largest
      variance an NPS of that size can have, and so a sample size that is enough whatever the
      mix; give the passives share you observe for a smaller, tighter answer. The effect size
      is ``change / sqrt((V₁ + V₂) / 2)`` and the power that of two independent means.
    * **CES**: ``baseline`` the mean (or a :func:`ces` result, whose ``sd`` is used), ``change``
      in scale points, ``sd`` the standard deviation of answers; Cohen's ``d = change / sd``
      and the power of the two-sample t test.

    Parameters
    ----------
    metric : {"nps", "csat", "ces"}
        The score.
    baseline : float or score result
        The current level, or a result of :func:`nps` / :func:`csat` / :func:`ces`.
    change : float
        The smallest change worth detecting, in the score's unit (positive or negative).
    power : float, default 0.8
        Chance of detecting a change of that size.
    alpha : float, default 0.05
        Significance level (two-sided).
    passives : float, optional
        NPS only: share (0–1) of passives; see above for the default.
    sd : float, optional
        CES only: standard deviation of the answers (taken from a :func:`ces` result when one
        is given as ``baseline``).

    Returns
    -------
    int
        Answers needed in each period (rounded up).

    Raises
    ------
    ValueError
        If the change is zero, the baseline or the changed score is impossible (e.g. an NPS of
        60 with half the answers passive), or an option is missing or invalid.

    References
    ----------
    .. [1] Cohen, J. (1988). *Statistical Power Analysis for the Behavioral Sciences* (2nd
       ed.), chapters 2 and 6. Lawrence Erlbaum.
    .. [2] Rocks, B. (2016). Interval estimation for the "net promoter score". *The American
       Statistician*, 70(4), 365–372.

    Examples
    --------
    >>> sample_size("nps", baseline=30, change=5, passives=0.3)
    3729
    >>> sample_size("nps", baseline=30, change=5) > sample_size(
    ...     "nps", baseline=30, change=5, passives=0.3
    ... )
    True
    >>> sample_size("csat", baseline=80, change=5)
    903
    >>> sample_size("ces", baseline=5.0, change=0.3, sd=1.5)
    394
    """
    if metric not in METRICS:
        raise ValueError(f"metric must be one of {', '.join(METRICS)}; got {metric!r}")
    power = _probability(power, "power")
    alpha = _probability(alpha, "alpha")
    if isinstance(change, bool) or not math.isfinite(float(change)) or float(change) == 0:
        raise ValueError(f"change must be a non-zero number; got {change!r}")
    change = float(change)
    if metric == "csat":
        if isinstance(baseline, CSATScore):
            baseline = baseline.value
        elif not isinstance(baseline, int | float) or isinstance(baseline, bool):
            raise ValueError(
                f"a CSAT baseline is a percentage or a csat() result; got {baseline!r}"
            )
        p1, p2 = float(baseline) / 100, (float(baseline) + change) / 100
        for p, what in ((p1, "baseline"), (p2, "baseline + change")):
            if not 0 < p < 1:
                raise ValueError(f"CSAT {what} must lie strictly between 0 and 100 percent")
        effect = abs(float(proportion_effectsize(p2, p1)))
        n = NormalIndPower().solve_power(effect_size=effect, alpha=alpha, power=power, ratio=1)
    elif metric == "nps":
        if isinstance(baseline, NPSScore):
            if passives is None:
                passives = baseline.passives / baseline.n
            baseline = baseline.value
        elif not isinstance(baseline, int | float) or isinstance(baseline, bool):
            raise ValueError(f"an NPS baseline is in points or an nps() result; got {baseline!r}")
        q = 0.0 if passives is None else float(passives)
        if not 0 <= q < 1:
            raise ValueError(f"passives must be a share from 0 to below 1; got {passives!r}")
        variances = []
        for b, what in ((baseline / 100, "baseline"), ((baseline + change) / 100, "the change")):
            if abs(b) > 1 - q:
                raise ValueError(
                    f"an NPS of {100 * b:g} is impossible with {q:.0%} passives (at most "
                    f"{100 * (1 - q):g} either way); check the baseline, {what} or passives"
                )
            variances.append((1 - q) - b * b)
        spread = math.sqrt(sum(variances) / 2)
        if spread == 0:
            raise ValueError("the NPS has no spread at this baseline and mix (all one category)")
        effect = abs(change / 100) / spread
        n = NormalIndPower().solve_power(effect_size=effect, alpha=alpha, power=power, ratio=1)
    else:
        if isinstance(baseline, CESScore):
            sd = baseline.sd if sd is None else sd
        if sd is None:
            raise ValueError(
                "CES needs sd=..., the standard deviation of answers (e.g. ces(last_period).sd, "
                "or pass that result as baseline)"
            )
        if isinstance(sd, bool) or not float(sd) > 0:
            raise ValueError(f"sd must be a positive number; got {sd!r}")
        effect = abs(change) / float(sd)
        n = TTestIndPower().solve_power(effect_size=effect, alpha=alpha, power=power, ratio=1)
    return math.ceil(float(n) - 1e-9)


def by_metric(scores: Mapping[str, Score] | Iterable[Score]) -> dict[str, Score]:
    """Key score results by their metric, in the order nps, csat, ces.

    Parameters
    ----------
    scores : mapping or iterable of Score
        Results of :func:`cxlab.metrics.nps`, :func:`~cxlab.metrics.csat` or
        :func:`~cxlab.metrics.ces`; a later result of the same metric replaces an earlier one.

    Returns
    -------
    dict of str to Score

    Raises
    ------
    TypeError
        If an item is not a score result.

    Examples
    --------
    >>> from cxlab.metrics import csat, nps
    >>> list(by_metric([csat([5, 4, 2]), nps([10, 9, 3])]))
    ['nps', 'csat']
    """
    items = scores.values() if isinstance(scores, Mapping) else scores
    found: dict[str, Score] = {}
    for score in items:
        if not isinstance(score, Score):
            raise TypeError(
                f"expected results of cxlab.metrics.nps/csat/ces; got {type(score).__name__}"
            )
        found[score.metric] = score
    return {m: found[m] for m in METRICS if m in found}


def _half_width(score: Score, n: np.ndarray) -> np.ndarray:
    """Half the interval width the score would have with ``n`` answers and the same mix."""
    if isinstance(score, NPSScore):
        promoters, detractors = score.promoters / score.n * n, score.detractors / score.n * n
        low, high = stats.nps_adjusted_wald(promoters, detractors, n, score.confidence)
        return 100 * (high - low) / 2
    if isinstance(score, CSATScore):
        low, high = stats.wilson(score.satisfied_share * n, n, score.confidence)
        return 100 * (high - low) / 2
    if isinstance(score, CESScore):
        sd = 0.0 if np.isnan(score.sd) else score.sd
        low, high = stats.t_interval(score.value, sd, n, score.confidence)
        return (high - low) / 2
    raise TypeError(f"no margin for a {type(score).__name__}")


def margin_curve(
    scores: Mapping[str, Score] | Iterable[Score], *, sizes: Sequence[int] | None = None
) -> pd.DataFrame:
    """Compute the margin of error each score would have at other sample sizes, same answer mix.

    The margin is half the width of the score's interval, at the score's confidence level, when
    ``n`` answers split like the observed ones: the same shares of promoters and detractors
    (NPS, adjusted Wald), the same share satisfied (CSAT, Wilson), the same standard deviation
    (CES, Student's t). Intervals near the ends of a scale are not symmetric, so "half the
    width" is the typical distance to either end.

    Parameters
    ----------
    scores : mapping or iterable of score results
        Results of :func:`cxlab.metrics.nps`, :func:`~cxlab.metrics.csat`,
        :func:`~cxlab.metrics.ces`.
    sizes : sequence of int, optional
        The sample sizes (default: 60 sizes spaced evenly on a log scale from 10 to the larger
        of 2,000 and twice the largest observed ``n``, plus each score's own ``n`` and
        :data:`cxlab.metrics.SMALL_N`). Given sizes are used as they are.

    Returns
    -------
    pandas.DataFrame
        Columns ``metric``, ``n``, ``margin`` (points for NPS and CSAT, scale points for CES)
        and ``observed`` (True on the row of the score's own ``n``).

    Examples
    --------
    >>> from cxlab import metrics
    >>> r = metrics.csat([5] * 12 + [4] * 12 + [2] * 6)
    >>> curve = margin_curve([r], sizes=[30, 120])
    >>> curve[["n", "margin"]].round(1).values.tolist()
    [[30.0, 13.9], [120.0, 7.1]]
    """
    results = by_metric(scores)
    if not results:
        raise ValueError("no score results given")
    if sizes is None:
        top = max(2000, 2 * max(s.n for s in results.values()))
        grid = np.unique(np.geomspace(10, top, 60).round().astype(int))
    else:
        grid = np.asarray(sorted({int(n) for n in sizes}), dtype=int)
        if grid.size == 0 or grid.min() < 2:
            raise ValueError("sizes must be whole numbers of at least 2")
    parts = []
    for metric, score in results.items():
        extra = [score.n, SMALL_N] if sizes is None else []
        n = np.unique(np.concatenate([grid, np.asarray(extra, dtype=int)]))
        n = n[n >= 2]
        margin = _half_width(score, n.astype(float))
        parts.append(
            pd.DataFrame({"metric": metric, "n": n, "margin": margin, "observed": n == score.n})
        )
    return pd.concat(parts, ignore_index=True)
