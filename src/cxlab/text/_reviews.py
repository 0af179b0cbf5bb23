"""Side-by-side comparison of businesses from their public reviews."""

from __future__ import annotations

import numpy as np
import pandas as pd

from cxlab import stats
from cxlab.errors import DataError, Problem

__all__ = ["compare_businesses"]


#: How :func:`compare_businesses`' scores read in one column each (``cxlab.present.table``'s
#: ``intervals=``): the stars and the share of negative reviews, each with its interval.
REVIEW_SCORES = {
    "Stars": ("rating", "rating_low", "rating_high"),
    "Negative reviews": ("negative_share", "low", "high"),
}


def compare_businesses(
    reviews: pd.DataFrame,
    scores: pd.DataFrame,
    *,
    mentions: pd.DataFrame | None = None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Reviews per business: rating, negative share with interval, and theme shares.

    Parameters
    ----------
    reviews : pandas.DataFrame
        The contract's ``reviews`` table (``business``, ``rating``, ``text`` …).
    scores : pandas.DataFrame
        :func:`cxlab.text.sentiment` of ``reviews["text"]`` (same index).
    mentions : pandas.DataFrame, optional
        Boolean theme mentions of the reviews (same row order); adds one share column each.
    confidence : float
        Confidence level of the intervals.

    Returns
    -------
    pandas.DataFrame
        Indexed by business: ``n``, ``rating`` (mean), ``rating_low``, ``rating_high``
        (t interval), ``negative_share``, ``low``, ``high`` (Wilson), then theme shares.

    Raises
    ------
    DataError
        If the reviews have no ``business`` column.

    Examples
    --------
    >>> r = pd.DataFrame({"business": ["A", "A", "B"], "rating": [5, 1, 4]})
    >>> s = pd.DataFrame({"label": ["positive", "negative", "positive"]})
    >>> compare_businesses(r, s)["negative_share"].to_dict()
    {'A': 0.5, 'B': 0.0}
    """
    if "business" not in reviews:
        raise DataError(
            Problem(
                "error",
                "missing_column",
                "the reviews have no business column",
                table="reviews",
                column="business",
                hint="map the column naming the reviewed business to 'business'",
            )
        )
    rows = []
    biz = reviews["business"].astype(str).to_numpy()
    lab = scores["label"].to_numpy()
    rating = pd.to_numeric(reviews.get("rating"), errors="coerce") if "rating" in reviews else None
    for name in pd.unique(biz):
        sel = biz == name
        scored = lab[sel]
        scored = scored[pd.notna(scored)]
        n = int(sel.sum())
        k = int((scored == "negative").sum())
        lo, hi = stats.wilson(k, len(scored), confidence) if len(scored) else (np.nan, np.nan)
        row = {
            "business": name,
            "n": n,
            "negative_share": k / len(scored) if len(scored) else np.nan,
            "low": float(lo),
            "high": float(hi),
        }
        if rating is not None:
            r = rating[sel].dropna()
            row["rating"] = float(r.mean()) if len(r) else np.nan
            rl, rh = stats.t_interval(r.mean(), r.std(ddof=1), len(r), confidence)
            row["rating_low"], row["rating_high"] = float(rl), float(rh)
        if mentions is not None:
            for theme in mentions.columns:
                row[theme] = float(mentions[theme].to_numpy(dtype=bool)[sel].mean())
        rows.append(row)
    table = pd.DataFrame(rows).set_index("business")
    first = [c for c in ("n", "rating", "rating_low", "rating_high") if c in table]
    rest = [c for c in table.columns if c not in first]
    return table[first + rest]
