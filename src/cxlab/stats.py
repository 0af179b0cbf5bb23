"""Shared statistics: intervals, tests and multiple-testing corrections, vectorised over counts.

Every chapter that puts a number in front of a client gives its uncertainty, and the formulas
behind those intervals live here once, public, so that each analytics module — satisfaction
scores (:mod:`cxlab.metrics`), journeys (:mod:`cxlab.journey`), and the chapters to come on
churn, lifetime value and fairness — uses the same ones. The functions take plain numbers or
numpy arrays of counts and return numpy arrays or floats; proportions are on 0–1 and the NPS on
−1..1 (the score functions of :mod:`cxlab.metrics` convert to percent and points).

What a library provides is used: Wilson intervals come from
:func:`statsmodels.stats.proportion.proportion_confint`, Newcombe's interval for a difference of
proportions from :func:`statsmodels.stats.proportion.confint_proportions_2indep` and its score
test from :func:`statsmodels.stats.proportion.test_proportions_2indep`, the Benjamini–Hochberg
adjustment from :func:`statsmodels.stats.multitest.multipletests`, quantiles from
:mod:`scipy.stats`. What is written here is what no library we depend on offers, or offers at a
cost we cannot pay:

* the adjusted-Wald interval for the NPS (Rocks 2016), for one score and for a difference;
* the finite-population correction of every interval (statsmodels' intervals assume an infinite
  population);
* a bootstrap of the mean that resamples the *counts* per scale point (a multinomial draw)
  rather than the raw answers, which is the same resampling distribution at a cost that does
  not grow with the number of answers (``scipy.stats.bootstrap`` resamples the raw data and
  would need gigabytes for ten million answers);
* Holm's step-down adjustment: ``multipletests`` gives the same numbers but runs
  ``gc.collect()`` on every call, a tenth of a second each with pandas loaded, which adds up
  when a table is adjusted period by period.

Intervals
---------
wilson
    Wilson score interval of a proportion.
nps_adjusted_wald, nps_adjusted
    Adjusted-Wald interval of the NPS, and its ingredients (Rocks 2016).
t_interval
    Student-t interval of a mean.
bootstrap_mean
    Percentile bootstrap interval of a mean, resampling counts per distinct value.
fpc_factor
    Finite-population correction of a standard error.

Comparing two groups
--------------------
nps_difference, csat_difference, ces_difference
    Interval and p-value of a difference of two NPS, two proportions, two means.

Multiple testing
----------------
adjust_pvalues, holm
    Holm's or Benjamini–Hochberg's adjusted p-values for a family of tests.

Helpers
-------
check_confidence, z_value
    A checked confidence level, and its two-sided standard-normal quantile.

References
----------
.. [1] Rocks, B. (2016). Interval estimation for the "net promoter score". *The American
   Statistician*, 70(4), 365–372.
.. [2] Wilson, E. B. (1927). Probable inference, the law of succession, and statistical
   inference. *Journal of the American Statistical Association*, 22(158), 209–212.
.. [3] Newcombe, R. G. (1998). Interval estimation for the difference between independent
   proportions: comparison of eleven methods. *Statistics in Medicine*, 17(8), 873–890.
.. [4] Holm, S. (1979). A simple sequentially rejective multiple test procedure. *Scandinavian
   Journal of Statistics*, 6(2), 65–70.
.. [5] Benjamini, Y., & Hochberg, Y. (1995). Controlling the false discovery rate: a practical
   and powerful approach to multiple testing. *Journal of the Royal Statistical Society B*,
   57(1), 289–300.
.. [6] Efron, B., & Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*. Chapman & Hall.

Examples
--------
>>> from cxlab import stats
>>> low, high = stats.wilson(24, 30)
>>> round(float(low), 3), round(float(high), 3)
(0.627, 0.905)
>>> stats.adjust_pvalues([0.01, 0.04, 0.03], method="holm").round(2).tolist()
[0.03, 0.06, 0.06]
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    proportion_confint,
)
from statsmodels.stats.proportion import (
    test_proportions_2indep as score_test_2indep,  # not named test_*: pytest would collect it
)

__all__ = [
    "CORRECTIONS",
    "adjust_pvalues",
    "bootstrap_mean",
    "ces_difference",
    "check_confidence",
    "check_correction",
    "csat_difference",
    "fpc_factor",
    "holm",
    "nps_adjusted",
    "nps_adjusted_wald",
    "nps_difference",
    "t_interval",
    "wilson",
    "z_value",
]

#: Pseudo-responses added by the adjusted-Wald NPS interval (Rocks 2016): 3/4 promoter,
#: 3/4 detractor and 3/2 passive.
NPS_PSEUDO = 3.0

#: Multiple-testing corrections :func:`adjust_pvalues` knows: Holm's step-down method (controls
#: the chance of any false alarm) and Benjamini–Hochberg (controls the share of false alarms).
CORRECTIONS: tuple[str, ...] = ("holm", "fdr_bh")


def check_confidence(confidence: float) -> float:
    """Return ``confidence`` as a float after checking 0 < confidence < 1."""
    if isinstance(confidence, bool) or not 0 < float(confidence) < 1:
        raise ValueError(f"confidence must be between 0 and 1 (e.g. 0.95); got {confidence!r}")
    return float(confidence)


def z_value(confidence: float) -> float:
    """Two-sided standard-normal quantile for a confidence level.

    Examples
    --------
    >>> round(z_value(0.95), 4)
    1.96
    """
    return float(stats.norm.ppf(0.5 + check_confidence(confidence) / 2))


def fpc_factor(n: int, population: int | None) -> float:
    """Finite-population correction ``sqrt((N - n) / (N - 1))`` of a standard error.

    Parameters
    ----------
    n : int
        Answers in the sample.
    population : int or None
        Size ``N`` of the population sampled (the customer base); None means infinite (1.0).

    Returns
    -------
    float
        Between 0 (a census, ``n == N``) and 1.

    Raises
    ------
    ValueError
        If ``population`` is not a whole number at least as large as ``n``.

    Examples
    --------
    >>> fpc_factor(30, None), fpc_factor(30, 30), round(fpc_factor(30, 121), 4)
    (1.0, 0.0, 0.8708)
    """
    if population is None:
        return 1.0
    if isinstance(population, bool) or int(population) != population or population < 1:
        raise ValueError(f"population must be a whole number of customers; got {population!r}")
    if population < n:
        raise ValueError(
            f"population ({population:,}) is smaller than the number of answers ({n:,}); "
            "it should be the size of the customer base the answers were drawn from"
        )
    if population == 1:
        return 0.0
    return math.sqrt((population - n) / (population - 1))


def nps_adjusted(
    promoters: Any, detractors: Any, n: Any, fpc: Any = 1.0
) -> tuple[np.ndarray, np.ndarray]:
    """Return the adjusted NPS (−1..1) and its standard error (adjusted-Wald ingredients).

    Adds ``3/4 * fpc**2`` to promoters and to detractors and ``3 * fpc**2`` to ``n`` (Rocks
    2016; the finite-population factor ``fpc`` shrinks the pseudo-responses with the variance,
    the way a smaller ``z`` shrinks those of an Agresti–Coull interval, so that a census has no
    adjustment at all). The standard error is ``fpc * sqrt(V' / n')`` with
    ``V' = p' + d' - (p' - d')**2``.
    """
    f2 = np.square(np.asarray(fpc, dtype="float64"))
    extra = NPS_PSEUDO * f2
    nn = np.asarray(n, dtype="float64") + extra
    p = (np.asarray(promoters, dtype="float64") + extra / 4) / nn
    d = (np.asarray(detractors, dtype="float64") + extra / 4) / nn
    centre = p - d
    var = np.maximum(p + d - centre * centre, 0.0)
    return centre, np.sqrt(f2) * np.sqrt(var / nn)


def nps_adjusted_wald(
    promoters: Any, detractors: Any, n: Any, confidence: float = 0.95, fpc: Any = 1.0
) -> tuple[np.ndarray, np.ndarray]:
    """Adjusted-Wald interval of the NPS on −1..1 (Rocks 2016), vectorised.

    ``(p' - d') ± z * se`` from :func:`nps_adjusted`, extended where needed to contain the
    observed NPS (at very small ``n`` or near ±1 the interval, centred on the shrunken score,
    can miss it; extending only widens, so coverage cannot fall) and clipped to [−1, 1].

    Examples
    --------
    >>> low, high = nps_adjusted_wald(15, 5, 30)
    >>> round(float(low), 4), round(float(high), 4)
    (0.0478, 0.5583)
    """
    z = z_value(confidence)
    centre, se = nps_adjusted(promoters, detractors, n, fpc)
    raw = (np.asarray(promoters, dtype="float64") - detractors) / np.asarray(n, dtype="float64")
    census = np.asarray(fpc) == 0  # no adjustment and no spread: exactly the observed score
    low = np.where(census, raw, np.clip(np.minimum(centre - z * se, raw), -1.0, 1.0))
    high = np.where(census, raw, np.clip(np.maximum(centre + z * se, raw), -1.0, 1.0))
    return low, high


def wilson(
    count: Any, n: Any, confidence: float = 0.95, fpc: float = 1.0
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of a proportion (0–1), with an optional finite-population factor.

    The Wilson interval inverts the score test ``(p̂ - p) / sqrt(p (1 - p) / n)``; with the
    finite-population correction the test's standard error is multiplied by ``fpc``, which is
    the same as using ``z * fpc`` in place of ``z``. That is what is passed to statsmodels.

    Examples
    --------
    >>> low, high = wilson(24, 30)
    >>> round(float(low), 3), round(float(high), 3)
    (0.627, 0.905)
    """
    z = z_value(confidence) * fpc
    alpha = float(2 * stats.norm.sf(z))
    low, high = proportion_confint(count, n, alpha=alpha, method="wilson")
    share = np.asarray(count, dtype="float64") / np.asarray(n, dtype="float64")
    low = np.clip(np.minimum(np.asarray(low, dtype="float64"), share), 0.0, 1.0)
    high = np.clip(np.maximum(np.asarray(high, dtype="float64"), share), 0.0, 1.0)
    return low, high


def t_interval(
    mean: Any, sd: Any, n: Any, confidence: float = 0.95, fpc: float = 1.0
) -> tuple[np.ndarray, np.ndarray]:
    """Student-t interval of a mean; NaN where ``n < 2``.

    Examples
    --------
    >>> low, high = t_interval(5.0, 1.0, 25)
    >>> round(float(low), 3), round(float(high), 3)
    (4.587, 5.413)
    """
    n = np.asarray(n, dtype="float64")
    ok = n >= 2
    df = np.where(ok, n - 1, 1.0)
    tq = stats.t.ppf(0.5 + check_confidence(confidence) / 2, df)
    se = np.asarray(sd, dtype="float64") * fpc / np.sqrt(np.where(ok, n, 1.0))
    half = np.where(ok, tq * se, np.nan)
    mean = np.asarray(mean, dtype="float64")
    return mean - half, mean + half


def bootstrap_mean(
    points: np.ndarray,
    counts: np.ndarray,
    confidence: float = 0.95,
    *,
    resamples: int = 2000,
    seed: int | None = 0,
    fpc: float = 1.0,
) -> tuple[float, float]:
    """Percentile bootstrap interval of a mean, resampling counts per distinct value.

    Drawing ``n`` answers with replacement from the sample is a multinomial draw of ``n`` over
    the distinct values with their observed shares, so each resample is one
    ``numpy.random.Generator.multinomial`` row. With a finite population the distances from
    the mean to the two percentiles are multiplied by ``fpc``.

    Examples
    --------
    >>> low, high = bootstrap_mean(np.array([1.0, 2.0]), np.array([10, 10]), seed=1)
    >>> bool(1.2 < low < 1.5 < high < 1.8)
    True
    """
    if int(resamples) != resamples or resamples < 100:
        raise ValueError(f"resamples must be a whole number of at least 100; got {resamples!r}")
    level = check_confidence(confidence)
    n = int(counts.sum())
    rng = np.random.default_rng(seed)
    draws = rng.multinomial(n, counts / n, size=int(resamples))
    means = draws @ points / n
    q_lo, q_hi = np.quantile(means, [(1 - level) / 2, (1 + level) / 2])
    mean = float(points @ counts) / n
    low = min(mean - fpc * (mean - q_lo), mean)
    high = max(mean + fpc * (q_hi - mean), mean)
    return float(low), float(high)


def nps_difference(
    a: tuple[int, int, int], b: tuple[int, int, int], confidence: float = 0.95
) -> tuple[float, float, float]:
    """Adjusted-Wald interval and z test for a difference of two independent NPS (−2..2).

    Parameters
    ----------
    a, b : tuple of int
        ``(promoters, detractors, n)`` of each group.
    confidence : float
        Confidence level of the interval.

    Returns
    -------
    tuple of float
        ``(low, high, p_value)``: the interval is ``(A' - B') ± z sqrt(se_A'^2 + se_B'^2)`` with
        each group adjusted as in :func:`nps_adjusted`; the p-value is the two-sided z test of
        ``(A' - B') / se``, so it is below ``1 - confidence`` exactly when the interval excludes 0.
    """
    ca, sa = nps_adjusted(a[0], a[1], a[2])
    cb, sb = nps_adjusted(b[0], b[1], b[2])
    diff = float(ca - cb)
    se = float(np.hypot(sa, sb))
    z = z_value(confidence)
    p = float(2 * stats.norm.sf(abs(diff) / se))
    return max(diff - z * se, -2.0), min(diff + z * se, 2.0), p


def csat_difference(
    a: tuple[int, int], b: tuple[int, int], confidence: float = 0.95
) -> tuple[float, float, float]:
    """Newcombe hybrid-score interval and score test for a difference of two proportions (0–1).

    Parameters
    ----------
    a, b : tuple of int
        ``(satisfied, n)`` of each group.
    confidence : float
        Confidence level of the interval.

    Returns
    -------
    tuple of float
        ``(low, high, p_value)``; the p-value is the score test of ``p_a = p_b`` (1.0 when both
        groups are all satisfied or all unsatisfied, where the test has no variance).
    """
    alpha = 1 - check_confidence(confidence)
    low, high = confint_proportions_2indep(
        a[0], a[1], b[0], b[1], method="newcomb", compare="diff", alpha=alpha
    )
    pooled = (a[0] + b[0]) / (a[1] + b[1])
    if pooled in (0.0, 1.0):
        p = 1.0
    else:
        with np.errstate(divide="ignore", invalid="ignore"):  # statsmodels also forms p1 / p2
            test = score_test_2indep(a[0], a[1], b[0], b[1], method="score", compare="diff")
        p = float(test.pvalue)
    return float(low), float(high), p


def ces_difference(
    a: tuple[float, float, int], b: tuple[float, float, int], confidence: float = 0.95
) -> tuple[float, float, float]:
    """Welch t interval and test for a difference of two means.

    Parameters
    ----------
    a, b : tuple
        ``(mean, sd, n)`` of each group.
    confidence : float
        Confidence level of the interval.

    Returns
    -------
    tuple of float
        ``(low, high, p_value)`` with Welch–Satterthwaite degrees of freedom; NaN when a group
        has fewer than two answers.
    """
    level = check_confidence(confidence)
    (ma, sa, na), (mb, sb, nb) = a, b
    if na < 2 or nb < 2:
        return float("nan"), float("nan"), float("nan")
    diff = ma - mb
    va, vb = sa * sa / na, sb * sb / nb
    se = math.sqrt(va + vb)
    if se == 0:
        return diff, diff, 1.0 if diff == 0 else 0.0
    df = (va + vb) ** 2 / (va * va / (na - 1) + vb * vb / (nb - 1))
    tq = float(stats.t.ppf(0.5 + level / 2, df))
    p = float(2 * stats.t.sf(abs(diff) / se, df))
    return diff - tq * se, diff + tq * se, p


def holm(p: Any) -> np.ndarray:
    """Holm's step-down adjusted p-values.

    The ``k``-th smallest p-value is multiplied by ``m - k + 1`` (``m`` tests), the products
    are made non-decreasing in that order and capped at 1 [4]_. The same numbers as
    ``multipletests(p, method="holm")[1]``, without its ``gc.collect()`` on every call.

    Parameters
    ----------
    p : array-like of float
        The p-values of one family of tests.

    Returns
    -------
    numpy.ndarray
        Adjusted p-values, in the order given.

    References
    ----------
    .. [4] Holm, S. (1979). A simple sequentially rejective multiple test procedure.
       *Scandinavian Journal of Statistics*, 6(2), 65–70.

    Examples
    --------
    >>> holm(np.array([0.01, 0.04, 0.03])).round(2).tolist()
    [0.03, 0.06, 0.06]
    """
    p = np.asarray(p, dtype="float64")
    m = len(p)
    order = np.argsort(p, kind="stable")
    stepped = np.maximum.accumulate(p[order] * np.arange(m, 0, -1))
    out = np.empty(m)
    out[order] = np.minimum(stepped, 1.0)
    return out


def check_correction(correction: str) -> str:
    """Return ``correction`` after checking it is one of :data:`CORRECTIONS`."""
    if correction not in CORRECTIONS:
        raise ValueError(f"correction must be 'holm' or 'fdr_bh'; got {correction!r}")
    return correction


def adjust_pvalues(p: Any, method: str = "holm") -> np.ndarray:
    """Adjust the p-values of one family of tests for multiplicity.

    Parameters
    ----------
    p : array-like of float
        The p-values (no missing values).
    method : {"holm", "fdr_bh"}, default "holm"
        Holm's step-down method [4]_ (controls the familywise error rate) or
        Benjamini–Hochberg [5]_ (controls the false discovery rate).

    Returns
    -------
    numpy.ndarray
        Adjusted p-values in the order given; a test counts as significant at level ``alpha``
        when its adjusted p-value is below ``alpha``.

    Raises
    ------
    ValueError
        For an unknown method.

    References
    ----------
    .. [4] Holm, S. (1979). A simple sequentially rejective multiple test procedure.
       *Scandinavian Journal of Statistics*, 6(2), 65–70.
    .. [5] Benjamini, Y., & Hochberg, Y. (1995). Controlling the false discovery rate.
       *Journal of the Royal Statistical Society B*, 57(1), 289–300.

    Examples
    --------
    >>> adjust_pvalues([0.01, 0.04, 0.03], method="fdr_bh").round(2).tolist()
    [0.03, 0.04, 0.04]
    """
    check_correction(method)
    p = np.asarray(p, dtype="float64")
    if method == "holm":
        return holm(p)
    return np.asarray(multipletests(p, method=method)[1], dtype="float64")
