"""Key drivers: which rating items move an outcome most, and where to act first.

A relationship survey asks for an outcome (likelihood to recommend, overall satisfaction, or a
yes/no such as "would buy again") and rates a handful of *driver items* (product quality, value
for money, delivery speed, ...). Key-driver analysis asks how much of the outcome's variation each
item accounts for. The items are correlated — happy customers rate everything higher — so
regression coefficients and correlations both mislead: coefficients split shared variance
arbitrarily and can even flip sign, correlations count it once per item. :func:`key_drivers`
uses Johnson's relative weights [1]_, which divide the model's R² among correlated items:

1. Standardise the items and the outcome and take their correlations, ``R_xx`` among the items
   and ``r_xy`` of each item with the outcome.
2. Eigen-decompose ``R_xx = P Λ Pᵀ`` and form ``L = P Λ^{1/2} Pᵀ``, the correlations between the
   items and their closest orthogonal counterparts (``Z = X R_xx^{-1/2}``).
3. Regress the outcome on the orthogonal counterparts: ``β = L⁻¹ r_xy = P Λ^{-1/2} Pᵀ r_xy``;
   because they are uncorrelated, ``Σ β_k²`` is the model's R².
4. Give each item its share of each counterpart: ``raw weight_j = Σ_k L_jk² β_k²``. Each column
   of ``L²`` sums to one, so the raw weights sum to R² exactly; rescaled to sum to 100 they say
   which share of the explained variation each item carries.

For uncorrelated items the raw weights are the squared correlations with the outcome (equal to
the squared standardised coefficients). For correlated items they closely approximate general
dominance weights (the average gain in R² from adding an item, over all subsets of the others
[3]_), which Johnson [1]_ and LeBreton et al. [4]_ found in simulations to agree closely with
relative weights; Thomas et al. [5]_ show they can part in strongly collinear or suppressor
configurations, so read the ranking, not the third decimal.

Uncertainty comes from the bootstrap [2]_: the rows are resampled ``n_boot`` times and the
weights recomputed on each resample, giving percentile intervals. The resampling is vectorised:
each resample's cross-product matrix is one row of a single matrix product between the bootstrap
counts and the per-row cross-products, so 200 resamples of 100,000 responses and 14 items take
about a second on a two-core machine, some nine times faster than resampling in a loop
(``benchmarks/bench_drivers.py``).

The weights are combined with each item's mean score into the *importance × performance* view
of customer-experience practice: an item that matters more than average and scores below average
is where to act first.

We write this ourselves rather than depend on a library: no maintained Python package offers
relative weights with bootstrap intervals on pandas 3 (``relativeImp`` and ``key-driver-analysis``
on PyPI have not been released since 2019 and 2021 and give point estimates only), and dominance
analysis packages such as ``dominance-analysis`` fit all 2^p subset regressions — 16,384 models
at 14 items, before any bootstrap — where relative weights need one eigen-decomposition.

Functions
---------
key_drivers
    Relative weights, bootstrap intervals, performance and quadrant for each driver item.
key_drivers_finding
    What the analysis rests on and finds, in words, and whether the quadrant means anything.
driver_outcome, driver_outcome_finding
    Which outcome the drivers explain, chosen from the data: NPS, else CSAT, else a yes/no
    satisfied column; and the sentence that says which and why.
usable_drivers
    The declared driver items a bundle cannot use, each with the reason.

Classes
-------
KeyDrivers
    The result: ``table`` (one row per driver), ``r2``, ``n``, ``warning``, ``to_dict()``.

References
----------
.. [1] Johnson, J. W. (2000). A heuristic method for estimating the relative weight of predictor
   variables in multiple regression. *Multivariate Behavioral Research*, 35(1), 1–19.
.. [2] Efron, B., & Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*, chapter 13
   ("Confidence intervals based on bootstrap percentiles"). Chapman & Hall.
.. [3] Azen, R., & Budescu, D. V. (2003). The dominance analysis approach for comparing
   predictors in multiple regression. *Psychological Methods*, 8(2), 129–148.
.. [4] LeBreton, J. M., Ployhart, R. E., & Ladd, R. T. (2004). A Monte Carlo comparison of
   relative importance methodologies. *Organizational Research Methods*, 7(3), 258–282.
.. [5] Thomas, D. R., Zumbo, B. D., Kwan, E., & Schweitzer, L. (2014). On Johnson's (2000)
   relative weights method for assessing variable importance: A reanalysis. *Multivariate
   Behavioral Research*, 49(4), 329–338.
.. [6] Tonidandel, S., & LeBreton, J. M. (2010). Determining the relative importance of
   predictors in logistic regression: An extension of relative weight analysis.
   *Organizational Research Methods*, 13(4), 767–781.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from cxlab import present
from cxlab.checks import require_columns, rows_problem
from cxlab.errors import DataError

__all__ = [
    "DEFAULT_N_BOOT",
    "QUADRANTS",
    "DriverOutcome",
    "KeyDrivers",
    "driver_outcome",
    "driver_outcome_finding",
    "key_drivers",
    "key_drivers_finding",
    "usable_drivers",
]

#: Bootstrap resamples drawn by default: enough for stable 95 % percentile limits of the
#: weights (to about ±0.01 of R² on a few hundred responses) at well under a second for
#: 100,000 responses and 14 items.
DEFAULT_N_BOOT = 200

#: Quadrant labels of the importance × performance view, in the order: high importance & low
#: performance, high & high, low & high, low & low.
QUADRANTS: tuple[str, ...] = ("fix first", "keep up", "possible overkill", "low priority")

#: Smallest eigenvalue of the drivers' correlation matrix below which they count as perfectly
#: collinear (the eigenvalues of a p × p correlation matrix sum to p).
_COLLINEAR_TOL = 1e-10

#: Resampled variance (in units of the full sample's variance) below which a column counts as
#: constant in a bootstrap resample.
_CONSTANT_TOL = 1e-12

#: Rows per chunk when accumulating bootstrap cross-products (bounds the temporary arrays).
_ROW_CHUNK = 8192

#: Random draws per block when building bootstrap counts (bounds the temporary arrays).
_DRAW_BLOCK = 1 << 22


@dataclass(frozen=True, eq=False)
class KeyDrivers:
    """What :func:`key_drivers` found: one row per driver, and the model it came from.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per driver, indexed by ``driver``, most important first. Columns:

        ``rank``
            1 for the driver with the largest weight.
        ``raw_weight``, ``raw_low``, ``raw_high``
            Johnson's relative weight (share of the outcome's variance, in R² units; the raw
            weights sum to :attr:`r2`) and its bootstrap percentile interval.
        ``rescaled_weight``, ``rescaled_low``, ``rescaled_high``
            The same as a percentage of R² (the rescaled weights sum to 100), with its interval
            (from the rescaled weights of each resample).
        ``sign``
            +1 or −1: the sign of the driver's correlation with the outcome (+1 for a
            correlation of exactly zero). The correlation, not the regression coefficient,
            because the coefficient of correlated drivers can flip sign (suppression) while
            the weight measures how much the driver explains, not which way it pushes.
        ``correlation``
            Pearson correlation of the driver with the outcome.
        ``std_coef``
            Standardised coefficient of the driver in the multiple regression, for reference.
        ``performance``
            Mean score of the driver on the rows analysed.
        ``performance_pct``
            ``performance`` as percent of the way from the scale's lowest to its highest
            point (percent of maximum possible; with a 0-based scale, percent of the maximum);
            missing unless ``scale`` was given.
        ``quadrant``
            One of :data:`QUADRANTS` (categorical), from cutting importance at the drivers' mean
            raw weight and performance at their mean performance; a driver exactly at a mean
            counts as high. The cuts compare the drivers with each other, so they assume the
            items share a scale and mean little with fewer than three drivers.
        ``n``
            Rows the weights rest on (the same for every driver: missing values are dropped
            listwise).
    outcome : str
        The outcome column.
    method : str
        The method in words; says "linear probability model" for a binary outcome.
    r2, r2_low, r2_high : float
        R² of the least-squares regression of the outcome on all drivers, and its bootstrap
        interval (missing when ``n_boot == 0``).
    n : int
        Complete rows analysed.
    n_dropped : int
        Rows left out because the outcome or a driver was missing.
    n_boot : int
        Bootstrap resamples drawn.
    confidence : float
        Confidence level of the intervals.
    warning : str
        Sentences on anything that calls for care (small ``n``, degenerate resamples, sign
        reversals among the important drivers); empty when there is none.

    Examples
    --------
    See :func:`key_drivers`.
    """

    table: pd.DataFrame
    outcome: str
    method: str
    r2: float
    r2_low: float
    r2_high: float
    n: int
    n_dropped: int
    n_boot: int
    confidence: float
    warning: str

    @property
    def ranking(self) -> tuple[str, ...]:
        """Drivers from the most to the least important."""
        return tuple(str(d) for d in self.table.index)

    def to_frame(self) -> pd.DataFrame:
        """Return a copy of :attr:`table`."""
        return self.table.copy()

    def to_dict(self, top: int | None = None) -> dict[str, Any]:
        """Return the result as plain JSON-ready Python objects.

        Parameters
        ----------
        top : int, optional
            Keep only the ``top`` most important drivers; default all.

        Returns
        -------
        dict
            ``outcome``, ``method``, ``r2``, ``r2_low``, ``r2_high``, ``n``, ``n_dropped``,
            ``n_boot``, ``confidence``, ``warning`` and ``drivers``: a list, most important
            first, of mappings with ``driver`` and every column of :attr:`table`. Missing
            numbers become ``None``.
        """
        rows = self.table if top is None else self.table.head(top)
        columns = {c: rows[c].astype(object).tolist() for c in rows.columns}
        drivers = [
            {"driver": str(name)} | {c: _plain(columns[c][i]) for c in rows.columns}
            for i, name in enumerate(rows.index)
        ]
        return {
            "outcome": self.outcome,
            "method": self.method,
            "r2": _plain(self.r2),
            "r2_low": _plain(self.r2_low),
            "r2_high": _plain(self.r2_high),
            "n": self.n,
            "n_dropped": self.n_dropped,
            "n_boot": self.n_boot,
            "confidence": self.confidence,
            "warning": self.warning,
            "drivers": drivers,
        }

    def __repr__(self) -> str:
        top = ", ".join(repr(d) for d in self.ranking[:3])
        more = ", ..." if len(self.ranking) > 3 else ""
        flag = ", warning" if self.warning else ""
        return (
            f"KeyDrivers(outcome={self.outcome!r}, n={self.n}, n_dropped={self.n_dropped}, "
            f"r2={self.r2:.3f}, ranking=[{top}{more}]{flag})"
        )


def _plain(value: Any) -> Any:
    """Turn a scalar into a JSON-ready Python value (NaN → None)."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def key_drivers(
    df: pd.DataFrame,
    *,
    outcome: str,
    drivers: Sequence[str],
    n_boot: int = DEFAULT_N_BOOT,
    confidence: float = 0.95,
    seed: int | np.random.Generator | None = 0,
    min_n: int | None = None,
    scale: Any = None,
) -> KeyDrivers:
    """Rank driver items by Johnson's relative weights, with bootstrap intervals and quadrants.

    Rows missing the outcome or any driver are dropped (listwise; how many is in
    ``n_dropped``; in a bundle's responses table most of them are usually post-interaction
    surveys that do not ask the outcome). The weights come from the correlation matrix of what
    remains, as set out in the module docstring, and the outcome may be on any scale: 1–5,
    0–10, or binary (two distinct values, e.g. ``True``/``False``). A binary outcome is analysed
    with the linear probability model — relative weights of the least-squares regression on the
    0/1 outcome, the usual heuristic — rather than the logistic variant of Tonidandel &
    LeBreton [3]_, which divides a pseudo-R² instead. On the promoter flag (NPS 9–10) of the
    four demo clients the two give the same ranking and rescaled weights within four points,
    and the linear version keeps weights that sum to an ordinary R².

    Parameters
    ----------
    df : pandas.DataFrame
        One row per response, e.g. ``bundle.responses``.
    outcome : str
        Column of the outcome (e.g. ``"nps"``); numeric or boolean.
    drivers : sequence of str
        Columns of the driver items (e.g. ``bundle.config.drivers``); numeric or boolean.
    n_boot : int, default :data:`DEFAULT_N_BOOT` (200)
        Bootstrap resamples for the intervals; 0 skips the bootstrap (intervals missing).
    confidence : float, default 0.95
        Confidence level of the percentile intervals.
    seed : int, numpy.random.Generator or None, default 0
        Seed of the bootstrap; the same seed gives the same intervals.
    min_n : int, optional
        Rows below which the result carries a small-sample warning; default
        ``max(30, 10 * len(drivers))``.
    scale : (int, int) or Scale, optional
        Lowest and highest point of the driver items' scale (e.g. ``(1, 5)`` or
        ``bundle.config.item_scale``), for ``performance_pct``.

    Returns
    -------
    KeyDrivers
        ``table`` with one row per driver (weights, intervals, sign, performance, quadrant,
        ``n``), ``r2``, ``n``, ``n_dropped``, ``warning`` and ``to_dict()``. Each interval is
        the bootstrap percentile interval, widened where needed to contain its estimate: a
        weight cannot fall below zero, so for a driver that explains almost nothing the
        resampled weights can all sit above the estimate.

    Raises
    ------
    DataError
        Naming the column, when the outcome or a driver is not in ``df``, is not numeric,
        holds infinite values, or is constant; when drivers are perfectly collinear (one is
        a linear combination of others); when no row is complete; or when fewer than
        ``len(drivers) + 2`` rows are.
    ValueError
        For arguments out of range (``n_boot < 0``, ``confidence`` outside (0, 1), ...).
    TypeError
        If ``drivers`` is a single string.

    References
    ----------
    .. [1] Johnson, J. W. (2000). A heuristic method for estimating the relative weight of
       predictor variables in multiple regression. *Multivariate Behavioral Research*, 35(1),
       1–19.
    .. [2] Efron, B., & Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*, chapter
       13. Chapman & Hall.
    .. [3] Tonidandel, S., & LeBreton, J. M. (2010). Determining the relative importance of
       predictors in logistic regression: An extension of relative weight analysis.
       *Organizational Research Methods*, 13(4), 767–781.

    Examples
    --------
    Recommendation driven mostly by quality, somewhat by price, not at all by speed:

    >>> rng = np.random.default_rng(7)
    >>> mood = rng.normal(size=400)
    >>> items = {
    ...     name: np.clip(np.round(3 + 0.6 * mood + rng.normal(size=400)), 1, 5)
    ...     for name in ("quality", "price", "speed")
    ... }
    >>> nps = 5 + 1.5 * (items["quality"] - 3) + 0.7 * (items["price"] - 3)
    >>> df = pd.DataFrame(items).assign(nps=np.clip(np.round(nps + rng.normal(size=400)), 0, 10))
    >>> result = key_drivers(df, outcome="nps", drivers=["quality", "price", "speed"])
    >>> result
    KeyDrivers(outcome='nps', n=400, n_dropped=0, r2=0.796, ranking=['quality', 'price', 'speed'])
    >>> columns = ["rank", "rescaled_weight", "rescaled_low", "rescaled_high", "quadrant"]
    >>> result.table[columns].round()  # doctest: +NORMALIZE_WHITESPACE
             rank  rescaled_weight  rescaled_low  rescaled_high           quadrant
    driver
    quality     1             77.0          71.0           82.0          fix first
    price       2             21.0          16.0           26.0  possible overkill
    speed       3              3.0           1.0            5.0  possible overkill
    >>> bool(abs(result.table["raw_weight"].sum() - result.r2) < 1e-12)
    True
    >>> result.to_dict(top=1)["drivers"][0]["driver"], result.warning
    ('quality', '')
    """
    names = _check_arguments(df, outcome, drivers, n_boot, confidence, min_n)
    drivers = names[:-1]
    n_boot = int(n_boot)
    p = len(drivers)
    low_high = _scale_bounds(scale)
    data = np.column_stack([_numeric_column(df, c) for c in names])
    complete = ~np.isnan(data).any(axis=1)
    n = int(complete.sum())
    n_dropped = len(data) - n
    _check_rows(data, complete, names, outcome)
    x = data[complete]
    _check_constant(x, names, outcome, np.flatnonzero(complete))

    centred = x - x.mean(axis=0)
    centred /= np.abs(centred).max(axis=0)  # to [-1, 1] first, so the variance cannot overflow
    z1 = np.column_stack([np.ones(n), centred / centred.std(axis=0)])
    corr, _ = _correlations((z1.T @ z1)[None])
    _check_collinear(corr[0, :p, :p], drivers)
    raw, r2, coef, _ = _relative_weights(corr)
    raw, r2, coef = raw[0], float(r2[0]), coef[0]
    r_xy = corr[0, :p, p]
    rescaled = 100 * raw / r2 if r2 > 0 else np.full(p, np.nan)

    notes: list[str] = []
    limit = max(30, 10 * p) if min_n is None else int(min_n)
    if n < limit:
        notes.append(
            f"Only {n} complete responses for {p} driver(s), below the {limit} that stable "
            f"relative weights need (10 per driver, at least 30): treat the ranking as "
            f"tentative and read the intervals."
        )
    if r2 <= 0:
        notes.append("The drivers explain none of the outcome's variation (R² = 0).")
    limits = _bootstrap_limits(z1, n_boot, confidence, seed, raw=raw, rescaled=rescaled, r2=r2)
    if limits["left_out"]:
        notes.append(
            f"{limits['left_out']} of {n_boot} bootstrap resamples had a constant column or "
            f"collinear drivers and were left out of the intervals."
        )

    performance = x[:, :p].mean(axis=0)
    if low_high is None:
        performance_pct = np.full(p, np.nan)
    else:
        performance_pct = 100 * (performance - low_high[0]) / (low_high[1] - low_high[0])
    quadrant = _quadrants(raw, performance)
    sign = np.where(r_xy >= 0, 1, -1)
    important = raw - raw.mean() >= -1e-12
    flipped = [
        d for d, c, r, imp in zip(drivers, coef, r_xy, important, strict=True) if imp and c * r < 0
    ]
    if flipped:
        notes.append(
            "In the regression, "
            + ", ".join(repr(d) for d in flipped)
            + " take(s) the opposite sign to the correlation with the outcome (a suppressor "
            "effect among correlated drivers): the weight says how much a driver explains, "
            "the sign column which way it goes on its own."
        )

    table = pd.DataFrame(
        {
            "raw_weight": raw,
            "raw_low": limits["raw"][0],
            "raw_high": limits["raw"][1],
            "rescaled_weight": rescaled,
            "rescaled_low": limits["rescaled"][0],
            "rescaled_high": limits["rescaled"][1],
            "sign": sign.astype("int64"),
            "correlation": r_xy,
            "std_coef": coef,
            "performance": performance,
            "performance_pct": performance_pct,
            "quadrant": pd.Categorical(quadrant, categories=list(QUADRANTS)),
            "n": np.full(p, n, dtype="int64"),
        },
        index=pd.Index(drivers, name="driver"),
    )
    table = table.iloc[np.argsort(-raw, kind="stable")]
    table.insert(0, "rank", np.arange(1, p + 1, dtype="int64"))
    binary = np.unique(x[:, p]).size == 2
    method = "Johnson's relative weights of the least-squares regression" + (
        " on the binary outcome (linear probability model)" if binary else ""
    )
    return KeyDrivers(
        table=table,
        outcome=outcome,
        method=method,
        r2=r2,
        r2_low=float(limits["r2"][0]),
        r2_high=float(limits["r2"][1]),
        n=n,
        n_dropped=n_dropped,
        n_boot=n_boot,
        confidence=float(confidence),
        warning=" ".join(notes),
    )


# ---------------------------------------------------------------------------------------------
# Computation


def _correlations(sums: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Correlation matrices from stacks of cross-product sums.

    ``sums[b]`` is ``Zᵀ W_b Z`` for ``Z = [1, columns]``: entry ``[0, 0]`` is the number of
    rows, ``[0, j]`` the column sums. Returns the correlations of the columns, shape
    ``(B, q, q)``, and whether every column varies in each stack entry.
    """
    size = sums[:, 0, 0]
    mean = sums[:, 0, 1:] / size[:, None]
    cov = sums[:, 1:, 1:] / size[:, None, None] - mean[:, :, None] * mean[:, None, :]
    var = np.diagonal(cov, axis1=1, axis2=2)
    ok = (var > _CONSTANT_TOL).all(axis=1)
    sd = np.sqrt(np.where(var > _CONSTANT_TOL, var, 1.0))
    corr = cov / (sd[:, :, None] * sd[:, None, :])
    return corr, ok


def _relative_weights(corr: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Johnson's relative weights for a stack of correlation matrices (outcome last).

    Returns raw weights ``(B, p)``, R² ``(B,)``, standardised regression coefficients
    ``(B, p)`` and whether the drivers' correlation matrix is non-singular ``(B,)``.
    """
    p = corr.shape[-1] - 1
    rxx = corr[:, :p, :p]
    rxy = corr[:, :p, p]
    evals, evecs = np.linalg.eigh(rxx)
    ok = evals[:, 0] > _COLLINEAR_TOL
    safe = np.where(evals > _COLLINEAR_TOL, evals, 1.0)
    root = np.sqrt(safe)
    lam = np.einsum("bik,bk,bjk->bij", evecs, root, evecs)  # L = P Λ^½ Pᵀ
    proj = np.einsum("bki,bk->bi", evecs, rxy)  # Pᵀ r_xy
    beta = np.einsum("bik,bk->bi", evecs, proj / root)  # L⁻¹ r_xy
    coef = np.einsum("bik,bk->bi", evecs, proj / safe)  # R_xx⁻¹ r_xy
    raw = np.einsum("bjk,bk->bj", lam**2, beta**2)
    return raw, raw.sum(axis=1), coef, ok


def _bootstrap_counts(n: int, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """How often each row is drawn in each of ``n_boot`` resamples of size ``n``, ``(B, n)``.

    The draws are made in resample order, so the counts depend only on the generator's state.
    Counts cannot exceed ``n``, so ``uint8`` is exact up to 255 rows; above that ``uint16``
    would overflow only for a row drawn 65,536 times, which has probability below 10⁻³⁰⁰⁰⁰⁰.
    """
    counts = np.empty((n_boot, n), dtype=np.uint8 if n <= 255 else np.uint16)
    per_block = max(1, _DRAW_BLOCK // n)
    for start in range(0, n_boot, per_block):
        k = min(per_block, n_boot - start)
        draws = rng.integers(0, n, size=(k, n))
        draws += (np.arange(k) * n)[:, None]
        counts[start : start + k] = np.bincount(draws.ravel(), minlength=k * n).reshape(k, n)
    return counts


def _bootstrap_sums(z1: np.ndarray, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """Cross-product sums ``Zᵀ W_b Z`` of ``n_boot`` bootstrap resamples of the rows of ``z1``.

    One matrix product per chunk of rows: bootstrap counts ``(B, rows)`` times the rows'
    cross-products ``(rows, q(q+1)/2)`` (upper triangle), accumulated over chunks.
    """
    n, q = z1.shape
    iu, ju = np.triu_indices(q)
    counts = _bootstrap_counts(n, n_boot, rng)
    zt = np.ascontiguousarray(z1.T)
    flat = np.zeros((n_boot, iu.size))
    for start in range(0, n, _ROW_CHUNK):
        block = zt[:, start : start + _ROW_CHUNK]
        products = block[iu] * block[ju]
        flat += counts[:, start : start + _ROW_CHUNK].astype(np.float64) @ products.T
    sums = np.empty((n_boot, q, q))
    sums[:, iu, ju] = flat
    sums[:, ju, iu] = flat
    return sums


def _bootstrap_limits(
    z1: np.ndarray,
    n_boot: int,
    confidence: float,
    seed: int | np.random.Generator | None,
    *,
    raw: np.ndarray,
    rescaled: np.ndarray,
    r2: float,
) -> dict[str, Any]:
    """Percentile limits of the raw and rescaled weights and of R², each containing its estimate.

    Returns ``{"raw": (low, high), "rescaled": (low, high), "r2": (low, high), "left_out": k}``
    with NaN limits when ``n_boot`` is 0 or no resample is usable; ``left_out`` counts the
    resamples with a constant column or collinear drivers, which are left out.
    """
    p = raw.size
    missing = (np.full(p, np.nan), np.full(p, np.nan))
    out: dict[str, Any] = {
        "raw": missing,
        "rescaled": missing,
        "r2": (math.nan, math.nan),
        "left_out": 0,
    }
    if n_boot == 0:
        return out
    sums = _bootstrap_sums(z1, n_boot, np.random.default_rng(seed))
    corr, varies = _correlations(sums)
    b_raw, b_r2, _, regular = _relative_weights(corr)
    ok = varies & regular & (b_r2 > 0)
    out["left_out"] = n_boot - int(ok.sum())
    if not ok.any():
        return out
    b_raw, b_r2 = b_raw[ok], b_r2[ok]
    q = [50 * (1 - confidence), 50 * (1 + confidence)]
    out["raw"] = _contain(np.percentile(b_raw, q, axis=0), raw)
    out["rescaled"] = _contain(np.percentile(100 * b_raw / b_r2[:, None], q, axis=0), rescaled)
    low, high = _contain(np.percentile(b_r2, q)[:, None], np.array([r2]))
    out["r2"] = (float(low[0]), float(high[0]))
    return out


def _contain(limits: np.ndarray, estimate: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Widen percentile limits ``(2, k)`` where needed so they contain the estimate."""
    return np.minimum(limits[0], estimate), np.maximum(limits[1], estimate)


def _quadrants(importance: np.ndarray, performance: np.ndarray) -> list[str]:
    """Label each driver by importance and performance against the drivers' means."""
    high_imp = importance - importance.mean() >= -1e-12
    centre = performance.mean()
    high_perf = performance - centre >= -1e-9 * max(1.0, abs(centre))
    fix, keep, overkill, low = QUADRANTS
    return [
        (fix if not hp else keep) if hi else (overkill if hp else low)
        for hi, hp in zip(high_imp, high_perf, strict=True)
    ]


# ---------------------------------------------------------------------------------------------
# Validation


def _check_arguments(
    df: pd.DataFrame,
    outcome: str,
    drivers: Sequence[str],
    n_boot: int,
    confidence: float,
    min_n: int | None,
) -> list[str]:
    """Check the arguments and that the columns exist; return ``[*drivers, outcome]``."""
    if isinstance(drivers, str):
        raise TypeError(f"drivers must be a list of column names, not the string {drivers!r}")
    drivers = list(drivers)
    if not drivers:
        raise ValueError("drivers is empty: name at least one driver column")
    if int(n_boot) != n_boot or n_boot < 0:
        raise ValueError(f"n_boot must be a whole number ≥ 0, got {n_boot!r}")
    # Imported here: ``usable_drivers``, which ``cxlab validate`` runs, needs neither scipy nor
    # statsmodels, which ``cxlab.stats`` loads (about a second).
    from cxlab.stats import check_confidence

    check_confidence(confidence)
    if min_n is not None and min_n < 1:
        raise ValueError(f"min_n must be at least 1, got {min_n!r}")
    seen: set[str] = set()
    for d in drivers:
        if d in seen:
            raise DataError.make(
                f"driver {d!r} is listed twice",
                rule="duplicate_driver",
                column=d,
                hint="name each driver once",
            )
        seen.add(d)
    if outcome in seen:
        raise DataError.make(
            f"the outcome {outcome!r} is also listed as a driver",
            rule="outcome_is_driver",
            column=outcome,
            hint="remove the outcome from drivers",
        )
    wanted = {outcome: "outcome"} | dict.fromkeys(drivers, "drivers=[...]")
    require_columns(df, wanted, table="responses")
    return [*drivers, outcome]


def _numeric_column(df: pd.DataFrame, column: str) -> np.ndarray:
    """Return a column as float64 with NaN for missing values, or raise DataError."""
    s = df[column]
    if isinstance(s, pd.DataFrame):
        raise DataError.make(
            f"the table has more than one column named {column!r}",
            rule="duplicate_column",
            column=column,
            hint="rename the duplicates so each column name is unique",
        )
    if not (pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s)):
        if s.dtype == object or pd.api.types.is_string_dtype(s):
            parsed = pd.to_numeric(s, errors="coerce")
        else:  # dates, categories, ...: every filled value is wrong
            parsed = pd.Series(np.nan, index=s.index)
        bad = np.flatnonzero((s.notna() & parsed.isna()).to_numpy())
        raise DataError(
            rows_problem(
                "not_numeric",
                f"{column!r} holds {s.dtype} values, not numbers",
                "ratings must be numbers: recode text answers to scores (cxlab.yml "
                "'recode:', or pandas.to_numeric); rows are positions in the table",
                column=column,
                positions=bad,
                values=s.iloc[bad].tolist(),
            )
        )
    values = s.to_numpy(dtype="float64", na_value=np.nan)
    infinite = np.flatnonzero(np.isinf(values))
    if infinite.size:
        raise DataError(
            rows_problem(
                "not_finite",
                f"{column!r} holds infinite values",
                "replace them with a score or leave the answer empty; rows are positions "
                "in the table",
                column=column,
                positions=infinite,
                values=values[infinite].tolist(),
            )
        )
    return values


def _check_rows(data: np.ndarray, complete: np.ndarray, names: list[str], outcome: str) -> None:
    """Raise DataError when too few rows are complete."""
    n = int(complete.sum())
    p = len(names) - 1
    if n >= p + 2:
        return
    missing = np.isnan(data).sum(axis=0)
    worst = names[int(np.argmax(missing))] if missing.any() else outcome
    counts = ", ".join(f"{c!r} {int(m)}" for c, m in zip(names, missing, strict=True) if m)
    detail = f"; missing answers: {counts}" if counts else ""
    if n == 0:
        raise DataError.make(
            f"no row answers both the outcome and every driver ({len(data)} rows{detail})",
            rule="no_complete_rows",
            column=worst,
            hint=f"drop a driver that few respondents answered (most missing: {worst!r}), "
            "or analyse a table that holds the survey with these questions",
        )
    raise DataError.make(
        f"only {n} complete row(s) for {p} driver(s); relative weights need at least "
        f"{p + 2}{detail}",
        rule="too_few_rows",
        column=worst,
        hint=f"collect more responses or use fewer drivers (most missing: {worst!r})",
    )


def _check_constant(x: np.ndarray, names: list[str], outcome: str, rows: np.ndarray) -> None:
    """Raise DataError for a column with the same value in every complete row."""
    for j, name in enumerate(names):
        column = x[:, j]
        if column.min() == column.max():
            value = column[0].item()
            shown = int(value) if value.is_integer() else value
            what = "outcome" if name == outcome else "driver"
            raise DataError(
                rows_problem(
                    "constant",
                    f"the {what} {name!r} is {shown} in all {len(column)} complete rows, so it "
                    "cannot explain (or be explained by) differences between responses",
                    "remove it from drivers"
                    if what == "driver"
                    else "pick an outcome that varies between respondents",
                    column=name,
                    positions=rows,
                    values=column.tolist(),
                )
            )


def _check_collinear(rxx: np.ndarray, drivers: list[str]) -> None:
    """Raise DataError when the drivers' correlation matrix is singular, naming the culprits."""
    evals, evecs = np.linalg.eigh(rxx)
    if evals[0] > _COLLINEAR_TOL:
        return
    loading = np.abs(evecs[:, 0])
    involved = [d for d, w in zip(drivers, loading, strict=True) if w > 0.05]
    listed = ", ".join(repr(d) for d in involved)
    raise DataError.make(
        f"the drivers {listed} are perfectly collinear: one is an exact linear combination "
        "of the others (a duplicate, a recoding, or a total of other items)",
        rule="collinear",
        column=involved[-1],
        hint=f"remove one of them from drivers, e.g. the last listed, {involved[-1]!r}",
    )


def _scale_bounds(scale: Any) -> tuple[float, float] | None:
    """Return (lowest, highest) of a scale given as a pair or as an object with min/max."""
    if scale is None:
        return None
    if isinstance(getattr(scale, "min", None), int | float):  # a cxlab Scale
        low, high = scale.min, scale.max
    else:
        low, high = scale
    low, high = float(low), float(high)
    if not high > low:
        raise ValueError(f"scale must run from a lower to a higher point, got {scale!r}")
    return low, high


# ---------------------------------------------------------------------------------------------
# Findings

from cxlab.findings import Finding, md  # noqa: E402


def key_drivers_finding(result: KeyDrivers, df: pd.DataFrame, *, top: int = 3) -> Finding:
    """Say what the key-driver analysis rests on, what the items explain and which lead.

    States the rows used and why the others were left out, the R² with its interval, the
    ``top`` drivers' rescaled weights with their intervals, and whether the importance ×
    performance quadrant means anything here: the performance cut separates the items only
    when their mean scores spread more than about three times the 95 % margin of error of one
    mean (1.96 standard errors, averaged over the items); otherwise which side of the average
    an item falls on is chance.

    Parameters
    ----------
    result : KeyDrivers
        From :func:`key_drivers`.
    df : pandas.DataFrame
        The table it was computed from (for the rows left out and the items' spread).
    top : int, default 3
        Drivers named.

    Returns
    -------
    cxlab.findings.Finding
        Numbers: ``top_drivers`` (driver, weight, low, high, quadrant of the first ``top``)
        and ``key_driver_rows`` (``n``, ``dropped``, ``r2``). Unsupported when the items
        explain none of the outcome's variation.

    References
    ----------
    .. [1] Martilla, J. A., & James, J. C. (1977). Importance-performance analysis. *Journal
       of Marketing*, 41(1), 77–79.

    Examples
    --------
    >>> rng = np.random.default_rng(7)
    >>> mood = rng.normal(size=400)
    >>> items = {
    ...     name: np.clip(np.round(3 + 0.6 * mood + rng.normal(size=400)), 1, 5)
    ...     for name in ("quality", "price", "speed")
    ... }
    >>> nps = 5 + 1.5 * (items["quality"] - 3) + 0.7 * (items["price"] - 3)
    >>> df = pd.DataFrame(items).assign(nps=np.clip(np.round(nps + rng.normal(size=400)), 0, 10))
    >>> result = key_drivers(df, outcome="nps", drivers=["quality", "price", "speed"])
    >>> print(key_drivers_finding(result, df))  # doctest: +NORMALIZE_WHITESPACE
    The analysis uses 400 of 400 responses — those answering NPS and all 3 items; none is left
    out. The items together explain R² = 0.80 (0.76–0.83) of the variation in NPS. Largest
    shares of that: quality 77% (71–82%); price 21% (16–26%); speed 3% (1–5%). The items'
    mean scores lie within 0.14 points of each other, hardly more than the ±0.11 uncertainty
    of each mean, so the performance split of the quadrant is weak here: read the weights, and
    treat the quadrant labels as a hint only.
    """
    items = list(result.table.index)
    outcome = _OUTCOME_NAMES.get(result.outcome, result.outcome)
    total = result.n + result.n_dropped
    values: dict[str, Any] = {
        "n": result.n,
        "total": total,
        "outcome": outcome,
        "k": len(items),
        "dropped": result.n_dropped,
    }
    if not result.r2 > 0:
        return Finding.unsupported(
            "The {k} items explain none of the variation in {outcome} on the {n:,} complete "
            "responses, so there is no ranking to read.",
            **values,
        )
    t = result.table
    shown = t.head(top)
    has_interval = bool(shown[["rescaled_low", "rescaled_high"]].notna().all().all())
    values["top"] = "; ".join(
        f"{present.term(str(d))} {r.rescaled_weight:.0f}%"
        + (f" ({r.rescaled_low:.0f}–{r.rescaled_high:.0f}%)" if has_interval else "")
        for d, r in shown.iterrows()
    )
    values |= {"r2": result.r2, "r2_low": result.r2_low, "r2_high": result.r2_high}
    r2_interval = " ({r2_low:.2f}–{r2_high:.2f})" if not math.isnan(result.r2_low) else ""
    complete = df[[result.outcome, *items]].notna().all(axis=1)
    if result.n_dropped == 0:
        left_out = "none is left out"
    else:
        no_outcome = int(df.loc[~complete, result.outcome].isna().sum())
        why = (
            "most of them without an answer to {outcome}"
            if no_outcome > result.n_dropped / 2
            else "most of them for a missing item"
        )
        left_out = "{dropped:,} are left out, " + why
    used = df.loc[complete, items].astype("float64")
    spread = float(t["performance"].max() - t["performance"].min())
    margin = float((1.96 * used.std() / len(used) ** 0.5).mean())
    values |= {"spread": spread, "margin": margin}
    if len(items) < 3:
        quadrant = (
            "With only {k} items, cutting importance and performance at their averages says "
            "little: read the weights."
        )
    elif spread < 3 * margin:
        than = (
            "less than"
            if spread < margin
            else "hardly more than"
            if spread < 2 * margin
            else "less than three times"
        )
        quadrant = (
            "The items' mean scores lie within {spread:.2f} points of each other, "
            + than
            + " the ±{margin:.2f} uncertainty of each mean, so the performance split of the "
            "quadrant is weak here: read the weights, and treat the quadrant labels as a hint "
            "only."
        )
    else:
        quadrant = (
            "The items' mean scores span {spread:.2f} points, well beyond the ±{margin:.2f} "
            "uncertainty of each mean, so the quadrant's performance split is meaningful."
        )
    template = (
        "The analysis uses **{n:,} of {total:,} responses** — those answering {outcome} and all "
        "{k} items; "
        + left_out
        + ". The items together explain R² = {r2:.2f}"
        + r2_interval
        + " of the variation in {outcome}. Largest shares of that: {top}. "
        + quadrant
    )
    if result.warning:
        values["warning"] = result.warning
        template += " Note: {warning}"
    numbers = {
        "top_drivers": [
            {
                "driver": str(d),
                "weight": r.rescaled_weight,
                "low": r.rescaled_low,
                "high": r.rescaled_high,
                "quadrant": str(r.quadrant),
            }
            for d, r in shown.iterrows()
        ],
        "key_driver_rows": {"n": result.n, "dropped": result.n_dropped, "r2": result.r2},
    }
    return Finding(template, values, numbers=numbers)


#: How an outcome column is named in sentences.
_OUTCOME_NAMES = {"nps": "NPS", "csat": "CSAT", "ces": "CES"}

#: Outcome scores tried in order: the recommendation question, then overall satisfaction.
_SCORE_OUTCOMES = ("nps", "csat")

#: Words in a column name that mark a yes/no column as a satisfaction outcome.
_BINARY_WORDS = ("satisf", "happy", "recommend", "again", "return")


@dataclass(frozen=True)
class DriverOutcome:
    """The outcome a key-driver analysis explains, as chosen by :func:`driver_outcome`.

    Parameters
    ----------
    column : str or None
        The outcome column (None when no column can serve).
    kind : {"nps", "csat", "binary", "declared", "none"}
        What kind of outcome it is.
    n : int
        Rows answering the outcome and every driver item.
    passed_over : dict of str to str
        Outcomes tried before it (or all, when none serves), each with why it was not used.
    positive : object, optional
        For a yes/no outcome stored as text: the value read as "satisfied".
    reason : str
        Why no analysis can run whatever the outcome (too few driver items); empty otherwise.
    """

    column: str | None
    kind: str
    n: int = 0
    passed_over: dict[str, str] = field(default_factory=dict)
    positive: Any = None
    reason: str = ""

    def frame(self, df: pd.DataFrame) -> pd.DataFrame:
        """Return ``df`` with the outcome column ready for :func:`key_drivers`."""
        return df.assign(**{str(self.column): self.values(df)})

    def values(self, df: pd.DataFrame) -> pd.Series:
        """Return the outcome column of ``df`` for :func:`key_drivers` (text yes/no as 1/0)."""
        if self.column is None:
            raise ValueError("there is no outcome column to read")
        col = df[self.column]
        if self.positive is None:
            return col
        return col.eq(self.positive).astype("float64").where(col.notna())


def _binary_positive(col: pd.Series) -> tuple[bool, Any]:
    """Whether ``col`` is a yes/no column, and the value that means "satisfied" if it is text."""
    values = col.dropna().unique()
    if len(values) != 2:
        return False, None
    if pd.api.types.is_bool_dtype(col) or set(map(str, values)) <= {"0", "1", "0.0", "1.0"}:
        return True, None
    texts = {str(v).strip().casefold(): v for v in values}
    for word in ("satisfied", "yes", "true", "happy"):
        if word in texts:
            return True, texts[word]
    return False, None


def _complete_rows(df: pd.DataFrame, outcome: pd.Series, drivers: Sequence[str]) -> int:
    numeric = df[list(drivers)].apply(pd.to_numeric, errors="coerce")
    return int((numeric.notna().all(axis=1) & outcome.notna()).sum())


def driver_outcome(
    df: pd.DataFrame,
    *,
    drivers: Sequence[str],
    outcome: str | None = None,
) -> DriverOutcome:
    """Choose the outcome the driver items explain, from what the data hold.

    In order: the ``outcome`` column when one is named; else NPS (the recommendation question
    most relationship surveys end with); else CSAT (overall satisfaction); else a yes/no column
    whose name says it records satisfaction (``satisfied``, ``would_recommend``, ``buy_again``,
    ...; boolean, 0/1, or two texts one of which is ``satisfied`` or ``yes``). A candidate
    serves when at least ``len(drivers) + 2`` rows answer it and every item (the fewest
    :func:`key_drivers` accepts) and its answers are not all the same; the ones passed over
    are kept with the reason.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per response, e.g. ``bundle.responses``.
    drivers : sequence of str
        The driver item columns (those present in ``df``).
    outcome : str, optional
        A column to use as the outcome regardless of the order above.

    Returns
    -------
    DriverOutcome
        The column, its kind, the complete rows and the candidates passed over; ``column``
        is None when nothing serves.

    Examples
    --------
    >>> df = pd.DataFrame(
    ...     {
    ...         "speed": [1, 2, 3, 4, 5, 2],
    ...         "price": [2, 2, 3, 5, 4, 1],
    ...         "nps": [None] * 6,
    ...         "csat": [1, 2, 3, 5, 5, 2],
    ...     }
    ... )
    >>> chosen = driver_outcome(df, drivers=["speed", "price"])
    >>> chosen.column, chosen.n, chosen.passed_over
    ('csat', 6, {'nps': 'no response answers NPS'})
    """
    if len(drivers) < 2:
        reason = (
            "no driver items (rating questions such as product quality or delivery speed) are "
            "listed under drivers: in cxlab.yml"
            if not drivers
            else f"only one driver item ({drivers[0]}) is in the responses; key drivers need at "
            "least two, listed under drivers: in cxlab.yml"
        )
        return DriverOutcome(None, "none", reason=reason)
    need = len(drivers) + 2
    passed: dict[str, str] = {}
    if outcome is not None:
        candidates = [(outcome, "declared", None)]
    else:
        candidates = [(c, c, None) for c in _SCORE_OUTCOMES if c in df]
        for c in df.columns:
            if (
                c in drivers
                or c in _OUTCOME_NAMES
                or not any(w in str(c).casefold() for w in _BINARY_WORDS)
            ):
                continue
            binary, positive = _binary_positive(df[c])
            if binary:
                candidates.append((c, "binary", positive))
    for column, kind, positive in candidates:
        name = _OUTCOME_NAMES.get(column, column)
        if column not in df:
            passed[column] = f"the responses have no column {column!r}"
            continue
        values = DriverOutcome(column, kind, positive=positive).values(df)
        if values.notna().sum() == 0:
            passed[column] = f"no response answers {name}"
            continue
        if values.dropna().nunique() < 2:
            passed[column] = f"every answer to {name} is the same"
            continue
        n = _complete_rows(df, values, drivers)
        if n < need:
            passed[column] = (
                f"only {n} response(s) answer {name} and every item; at least {need} are needed"
            )
            continue
        return DriverOutcome(column, kind, n, passed, positive)
    return DriverOutcome(None, "none", 0, passed)


def driver_outcome_finding(chosen: DriverOutcome) -> Finding:
    """Say which outcome the key drivers explain and why that one; or why there is none.

    Parameters
    ----------
    chosen : DriverOutcome
        From :func:`driver_outcome`.

    Returns
    -------
    cxlab.findings.Finding
        Unsupported when no outcome serves, naming what would enable the analysis.

    Examples
    --------
    >>> passed = {"nps": "no response answers NPS"}
    >>> print(driver_outcome_finding(DriverOutcome("csat", "csat", 120, passed)))
    ... # doctest: +NORMALIZE_WHITESPACE
    The key drivers explain CSAT, answered with every item by 120 responses (NPS is not used:
    no response answers NPS).
    >>> driver_outcome_finding(DriverOutcome(None, "none")).supported
    False
    """
    skipped = "; ".join(
        f"{_OUTCOME_NAMES.get(c, c)} is not used: {why}" for c, why in chosen.passed_over.items()
    )
    if chosen.reason:
        return Finding.unsupported("Key drivers are left out: {why}.", why=chosen.reason)
    if chosen.column is None:
        return Finding.unsupported(
            "Key drivers need an outcome to explain — NPS, CSAT or a yes/no satisfied column — "
            "answered together with at least two driver items listed under drivers: in "
            "cxlab.yml; this data has none" + (" ({skipped})." if skipped else "."),
            skipped=skipped,
        )
    what = {
        "nps": "NPS",
        "csat": "CSAT",
        "binary": "the yes/no answer in {column}",
        "declared": "{column}, as chosen for this analysis",
    }[chosen.kind]
    template = "The key drivers explain " + what + ", answered with every item by {n:,} responses"
    template += " ({skipped})." if skipped else "."
    return md(template, column=chosen.column, n=chosen.n, skipped=skipped)


def usable_drivers(bundle: Any) -> dict[str, str]:
    """Name the driver items declared under ``drivers:`` that key drivers cannot use, and why.

    A declared item goes unused when the bundle has no responses table, when the column holds
    no numeric answers or only one value, when fewer than two items are usable, or when there
    is no outcome for them to explain (see :func:`driver_outcome`).

    Parameters
    ----------
    bundle : Bundle
        A loaded client bundle.

    Returns
    -------
    dict of str to str
        Declared item -> why it cannot be used; empty when every declared item can.

    Examples
    --------
    >>> from pathlib import Path
    >>> from cxlab.contract.bundle import Bundle
    >>> from cxlab.contract.config import BundleConfig
    >>> responses = pd.DataFrame(
    ...     {
    ...         "date": pd.to_datetime(["2024-01-01"] * 5),
    ...         "csat": [1, 2, 3, 4, 5],
    ...         "speed": [1, 2, 2, 4, 5],
    ...         "price": [3, 3, 3, 3, 3],
    ...     }
    ... )
    >>> config = BundleConfig(drivers=("speed", "price"))
    >>> usable_drivers(Bundle(Path("shop"), config, responses=responses))["price"]
    'every answer is the same (3)'
    """
    declared = tuple(bundle.config.drivers)
    if not declared:
        return {}
    df = bundle.responses
    if df is None:
        return {d: "the data has no responses table" for d in declared}
    why: dict[str, str] = {}
    for d in declared:
        if d not in df:
            why[d] = "the responses have no such column"
            continue
        numeric = pd.to_numeric(df[d], errors="coerce")
        if numeric.notna().sum() == 0:
            why[d] = "it holds no numeric answers"
        elif numeric.nunique() < 2:
            why[d] = f"every answer is the same ({numeric.dropna().iloc[0]:g})"
    usable = [d for d in declared if d not in why]
    if len(usable) < 2:
        for d in usable:
            why[d] = "key drivers need at least two usable items"
        return why
    chosen = driver_outcome(df, drivers=usable)
    if chosen.column is None:
        reason = "there is no outcome to explain (NPS, CSAT or a yes/no satisfied column)"
        if chosen.passed_over:
            reason += ": " + "; ".join(
                f"{_OUTCOME_NAMES.get(c, c)}: {r}" for c, r in chosen.passed_over.items()
            )
        for d in usable:
            why[d] = reason
    return why
