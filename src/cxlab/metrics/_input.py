"""Turning a column of answers into counts per scale point, and the checks on the way.

Every score in :mod:`cxlab.metrics` rests on a :class:`Sample`: the distinct answers (``points``)
and how often each was given (``counts``). For whole-number answers, the normal case, the points
are the whole scale and the counts come from one :func:`numpy.bincount`, so ten million answers
cost about as much as counting them; every statistic (shares, means, variances, bootstrap
resamples) is then computed from a dozen numbers instead of the raw column.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from cxlab.checks import rows_problem
from cxlab.contract import Scale
from cxlab.errors import DataError

__all__ = [
    "NPS_SCALE",
    "Sample",
    "ScaleLike",
    "ces_scale",
    "csat_scale",
    "sample",
]

#: NPS is always asked on 0–10.
NPS_SCALE: tuple[int, int] = (0, 10)

#: What a ``scale`` argument may be: the highest score (the lowest is then 1), a ``(min, max)``
#: pair, or an object with ``min`` and ``max`` attributes such as
#: :class:`cxlab.contract.config.Scale` (``bundle.config.csat_scale``), whose
#: ``satisfied_threshold`` (CSAT) and ``higher_is_easier`` (CES) are used as the defaults.
ScaleLike = Any

_LABELS = {"nps": "NPS", "csat": "CSAT", "ces": "CES"}


@dataclass(frozen=True)
class Sample:
    """Answers reduced to distinct values and their counts.

    Parameters
    ----------
    name : str
        The column the answers came from (for messages).
    points : numpy.ndarray
        Distinct answer values, ascending (float64). For whole-number answers: every point of
        the scale, including those nobody chose.
    counts : numpy.ndarray
        How many answers took each point (int64).
    """

    name: str
    points: np.ndarray
    counts: np.ndarray

    @property
    def n(self) -> int:
        """Number of (non-missing) answers."""
        return int(self.counts.sum())

    def mean(self) -> float:
        """Mean answer."""
        return float(self.points @ self.counts) / self.n

    def sd(self) -> float:
        """Sample standard deviation (``n - 1`` in the denominator); NaN for one answer."""
        n = self.n
        if n < 2:
            return float("nan")
        dev = self.points - self.mean()
        return float(np.sqrt((self.counts @ (dev * dev)) / (n - 1)))

    def count_at_least(self, threshold: float) -> int:
        """Answers at or above ``threshold``."""
        return int(self.counts[self.points >= threshold].sum())

    def count_at_most(self, threshold: float) -> int:
        """Answers at or below ``threshold``."""
        return int(self.counts[self.points <= threshold].sum())


def _bounds(scale: ScaleLike, *, what: str) -> tuple[int, int]:
    if hasattr(scale, "min") and hasattr(scale, "max") and not isinstance(scale, Sequence):
        lo, hi = scale.min, scale.max
    elif isinstance(scale, Sequence) and not isinstance(scale, str):
        if len(scale) != 2:
            raise ValueError(f"{what} scale must be (min, max); got {scale!r}")
        lo, hi = scale
    else:
        lo, hi = 1, scale
    if isinstance(lo, bool) or isinstance(hi, bool):
        raise ValueError(f"{what} scale must be whole numbers; got {scale!r}")
    try:
        lo_i, hi_i = int(lo), int(hi)
    except (TypeError, ValueError):
        raise ValueError(
            f"{what} scale must be the highest score or (min, max); got {scale!r}"
        ) from None
    if lo_i != lo or hi_i != hi or lo_i < 0 or hi_i <= lo_i:
        raise ValueError(
            f"{what} scale must run between two whole numbers, low < high, low >= 0; got {scale!r}"
        )
    return lo_i, hi_i


def csat_scale(scale: ScaleLike = 5, threshold: int | None = None) -> tuple[int, int, int]:
    """Resolve a CSAT scale and its satisfied threshold.

    Parameters
    ----------
    scale : int, (int, int) or Scale-like, default 5
        See :data:`ScaleLike`.
    threshold : int, optional
        Lowest score that counts as satisfied. Default: the scale's
        :attr:`~cxlab.contract.config.Scale.satisfied_threshold` — what it declares, else the
        data contract's default for the scale (the top two boxes on 1–5, 1–7 and 0–5; 8–10 on
        1–10), else ``max - 1``.

    Returns
    -------
    tuple of int
        ``(min, max, threshold)``.

    Raises
    ------
    ValueError
        If the scale is malformed or the threshold is not above ``min`` and at most ``max``.

    Examples
    --------
    >>> csat_scale(5), csat_scale((0, 5)), csat_scale(10), csat_scale(10, threshold=9)
    ((1, 5, 4), (0, 5, 4), (1, 10, 8), (1, 10, 9))
    """
    lo, hi = _bounds(scale, what="CSAT")
    if threshold is None:
        threshold = Scale(lo, hi, satisfied=getattr(scale, "satisfied", None)).satisfied_threshold
    if isinstance(threshold, bool) or int(threshold) != threshold or not lo < threshold <= hi:
        raise ValueError(
            f"the satisfied threshold must be a whole number above {lo} and at most {hi} "
            f"(the lowest score that counts as satisfied); got {threshold!r}"
        )
    return lo, hi, int(threshold)


def ces_scale(
    scale: ScaleLike = 7,
    higher_is_easier: bool | None = None,
    easy_threshold: int | None = None,
) -> tuple[int, int, bool, int]:
    """Resolve a CES scale, its direction and where low effort starts.

    Parameters
    ----------
    scale : int, (int, int) or Scale-like, default 7
        See :data:`ScaleLike`.
    higher_is_easier : bool, optional
        Direction of the scale. Default: the scale's
        :attr:`~cxlab.contract.config.Scale.higher_is_easier` (from ``direction:`` in
        ``cxlab.yml``) when it has one, else True (the contract's default, and the demo
        clients' declaration).
    easy_threshold : int, optional
        The score where low-effort answers start: with ``higher_is_easier`` answers at or above
        it count as low effort, otherwise answers at or below it. Default: every point on the
        easy side of the scale's midpoint (5–7 on 1–7, 4–5 on 1–5).

    Returns
    -------
    tuple
        ``(min, max, higher_is_easier, easy_threshold)``.

    Raises
    ------
    ValueError
        If the scale, direction or threshold is malformed.

    Examples
    --------
    >>> ces_scale(7), ces_scale(5, higher_is_easier=False)
    ((1, 7, True, 5), (1, 5, False, 2))
    """
    lo, hi = _bounds(scale, what="CES")
    if higher_is_easier is None:
        higher_is_easier = getattr(scale, "higher_is_easier", True)
    mid = (lo + hi) / 2
    if easy_threshold is None:
        easy_threshold = int(np.floor(mid)) + 1 if higher_is_easier else int(np.ceil(mid)) - 1
    if (
        isinstance(easy_threshold, bool)
        or int(easy_threshold) != easy_threshold
        or not lo <= easy_threshold <= hi
    ):
        raise ValueError(
            f"easy_threshold must be a whole number from {lo} to {hi}; got {easy_threshold!r}"
        )
    return lo, hi, bool(higher_is_easier), int(easy_threshold)


def _error(rule: str, message: str, hint: str, *, name: str) -> DataError:
    return DataError.make(message, rule=rule, hint=hint, column=name)


def _empty(name: str, total: int, metric: str) -> DataError:
    if total == 0:
        return _error(
            "empty",
            f"column {name!r} holds no answers, so there is no {_LABELS[metric]} to compute",
            "check that the filter or group before this call kept some rows",
            name=name,
        )
    return _error(
        "all_missing",
        f"all {total:,} values in column {name!r} are missing, so there is no "
        f"{_LABELS[metric]} to compute",
        "check the column mapping in cxlab.yml (is the right column renamed to "
        f"{metric!r}?) and that the survey asked this question",
        name=name,
    )


def _bad_rows(
    rule: str,
    message: str,
    hint: str,
    *,
    name: str,
    index: pd.Index | None,
    positions: np.ndarray,
    values: np.ndarray,
) -> DataError:
    return DataError(
        rows_problem(
            rule, message, hint, column=name, index=index, positions=positions, values=values
        )
    )


def _scale_text(lo: int, hi: int) -> str:
    return f"{lo}–{hi}"


def _as_array(scores: Any, *, name: str, fill: int) -> tuple[np.ndarray, pd.Index | None, int, int]:
    """Return the answers as a numeric array, the index for messages, the raw length, and fills.

    Missing values of a nullable integer column are replaced by ``fill`` (the bottom of the
    scale) rather than converted to NaN in a float copy, which keeps the fast integer path; the
    last element says how many were filled, so the caller can take them off the counts.
    """
    index: pd.Index | None = None
    if isinstance(scores, pd.DataFrame):
        raise TypeError(
            "give one column of answers (a Series or array), not a DataFrame; "
            "e.g. nps(responses['nps'])"
        )
    if not isinstance(scores, pd.Series):
        arr = np.asarray(scores)
        if arr.ndim != 1:
            raise ValueError(f"answers must be one-dimensional; got shape {arr.shape}")
        if arr.dtype.kind in "iuf":
            return arr, None, len(arr), 0
        scores = pd.Series(arr, name=name)
    index = scores.index
    dtype = scores.dtype
    if pd.api.types.is_bool_dtype(dtype):
        raise _error(
            "not_a_score",
            f"column {name!r} holds true/false values, not scores",
            "pass the column with the rating answers",
            name=name,
        )
    if pd.api.types.is_numeric_dtype(dtype):
        if isinstance(dtype, np.dtype):
            return scores.to_numpy(), index, len(scores), 0
        integer = pd.api.types.is_integer_dtype(dtype)
        if not scores.hasnans:
            return scores.to_numpy(dtype="int64" if integer else "float64"), index, len(scores), 0
        if integer:
            filled = int(scores.isna().sum())
            return scores.to_numpy(dtype="int64", na_value=fill), index, len(scores), filled
        return scores.to_numpy(dtype="float64", na_value=np.nan), index, len(scores), 0
    numeric = pd.to_numeric(scores, errors="coerce")
    bad = (numeric.isna() & scores.notna()).to_numpy()
    if bad.any():
        positions = np.flatnonzero(bad)
        raise _bad_rows(
            "not_a_number",
            f"column {name!r} has {len(positions):,} value(s) that are not numbers",
            "recode text answers to scores in cxlab.yml (recode: responses: ...) or remove them",
            name=name,
            index=index,
            positions=positions,
            values=scores.to_numpy(dtype=object)[positions],
        )
    return numeric.to_numpy(dtype="float64", na_value=np.nan), index, len(scores), 0


def sample(
    scores: Any,
    *,
    metric: str,
    lo: int,
    hi: int,
    whole: bool,
) -> Sample:
    """Check a column of answers and reduce it to counts.

    Parameters
    ----------
    scores : pandas.Series or array-like
        The answers; missing values are dropped.
    metric : {"nps", "csat", "ces"}
        For messages (and the default column name when ``scores`` has none).
    lo, hi : int
        The scale.
    whole : bool
        Whether answers must be whole numbers (NPS).

    Returns
    -------
    Sample

    Raises
    ------
    cxlab.errors.DataError
        With rule ``empty``, ``all_missing``, ``not_a_number``, ``out_of_scale`` or
        ``not_whole``, naming the column and up to five example rows (index labels when the
        series has an integer index, else 0-based positions).

    Examples
    --------
    >>> s = sample(pd.Series([5, 4, None, 5], name="csat"), metric="csat", lo=1, hi=5, whole=False)
    >>> s.n, s.counts.tolist()
    (3, [0, 0, 0, 1, 2])
    """
    raw_name = getattr(scores, "name", None)
    name = str(raw_name) if raw_name is not None else metric
    arr, index, total, filled = _as_array(scores, name=name, fill=lo)
    label = _LABELS[metric]
    scale_hint = f"{label} answers run from {lo} to {hi}; fix or remove these rows" + (
        "" if metric == "nps" else ", or pass the scale the survey used (scale=...)"
    )

    def out_of_scale(positions: np.ndarray, values: np.ndarray) -> DataError:
        return _bad_rows(
            "out_of_scale",
            f"column {name!r} has {len(positions):,} value(s) outside the {label} scale "
            f"{_scale_text(lo, hi)}",
            scale_hint,
            name=name,
            index=index,
            positions=positions,
            values=values,
        )

    if arr.dtype.kind in "iu":
        if arr.dtype.kind == "u" and arr.dtype.itemsize >= 8:
            arr = arr.astype("int64")  # bincount cannot take uint64
        if arr.size == filled:
            raise _empty(name, total, metric)
        counts = None
        if arr.max() <= hi:
            try:
                counts = np.bincount(arr, minlength=hi + 1)
            except ValueError:  # negative values
                counts = None
            if counts is not None and counts[:lo].any():
                counts = None
        if counts is None:
            positions = np.flatnonzero((arr < lo) | (arr > hi))
            raise out_of_scale(positions, arr[positions])
        counts = counts[lo:].astype("int64")
        counts[0] -= filled  # missing answers were filled with the bottom of the scale
        return Sample(name, np.arange(lo, hi + 1, dtype="float64"), counts)

    arr = arr.astype("float64", copy=False)
    missing = np.isnan(arr)
    kept_at: np.ndarray | None = None
    if missing.any():
        kept_at = np.flatnonzero(~missing)
        arr = arr[kept_at]
    if arr.size == 0:
        raise _empty(name, total, metric)

    def positions_of(mask: np.ndarray) -> np.ndarray:
        where = np.flatnonzero(mask)
        return kept_at[where] if kept_at is not None else where

    outside = ~((arr >= lo) & (arr <= hi))
    if outside.any():
        positions = positions_of(outside)
        raise out_of_scale(positions, arr[outside])
    as_int = arr.astype("int64")
    fraction = as_int != arr
    if not fraction.any():
        counts = np.bincount(as_int - lo, minlength=hi - lo + 1)
        return Sample(name, np.arange(lo, hi + 1, dtype="float64"), counts.astype("int64"))
    if whole:
        positions = positions_of(fraction)
        raise _bad_rows(
            "not_whole",
            f"column {name!r} has {len(positions):,} {label} value(s) that are not whole numbers",
            f"{label} answers are whole numbers from {lo} to {hi}; an average or a rescaled "
            "score is not an NPS — use the original answers",
            name=name,
            index=index,
            positions=positions,
            values=arr[fraction],
        )
    points, counts = np.unique(arr, return_counts=True)
    return Sample(name, points, counts.astype("int64"))
