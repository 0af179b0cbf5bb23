"""Recency, frequency and monetary value (RFM) per customer, scored 1–5 and named."""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import pandas as pd

from cxlab.segmentation._input import TransactionLog, clean_transactions

__all__ = ["RFM_GRID", "RFM_SEGMENTS", "purchase_summary", "rfm", "rfm_segment", "score"]

#: The named RFM segments, from the best to the worst placed.
RFM_SEGMENTS: tuple[str, ...] = (
    "champions",
    "loyal",
    "potential loyalists",
    "new",
    "promising",
    "need attention",
    "about to sleep",
    "can't lose them",
    "at risk",
    "hibernating",
    "lost",
)

#: The recency × frequency grid: ``RFM_GRID[r][f]`` for scores 1–5 (index 0 unused). Rows are
#: recency scores (5 = bought most recently), columns frequency scores (5 = most orders).
_ROWS = {
    5: ("new", "potential loyalists", "potential loyalists", "champions", "champions"),
    4: ("promising", "potential loyalists", "potential loyalists", "loyal", "loyal"),
    3: ("about to sleep", "about to sleep", "need attention", "loyal", "loyal"),
    2: ("hibernating", "hibernating", "at risk", "at risk", "can't lose them"),
    1: ("lost", "hibernating", "at risk", "at risk", "can't lose them"),
}
RFM_GRID: pd.DataFrame = pd.DataFrame(
    [_ROWS[r] for r in (5, 4, 3, 2, 1)],
    index=pd.Index([5, 4, 3, 2, 1], name="r_score"),
    columns=pd.Index([1, 2, 3, 4, 5], name="f_score"),
)

_SEGMENT_CODE = np.array(
    [[-1] * 6, *[[-1, *(RFM_SEGMENTS.index(n) for n in _ROWS[r])] for r in (1, 2, 3, 4, 5)]]
)  # _SEGMENT_CODE[r, f]: position in RFM_SEGMENTS
_LOOKUP = np.array(
    [[""] * 6, *[["", *_ROWS[r]] for r in (1, 2, 3, 4, 5)]], dtype=object
)  # _LOOKUP[r, f]


def rfm_segment(r_score: Any, f_score: Any) -> np.ndarray:
    """Name the RFM segment of recency and frequency scores on 1–5.

    The rules are the grid :data:`RFM_GRID` (see :func:`rfm` for the cells in words).

    Parameters
    ----------
    r_score, f_score : int or array-like of int
        Scores from 1 to 5.

    Returns
    -------
    numpy.ndarray of str

    Raises
    ------
    ValueError
        If a score is outside 1–5.

    Examples
    --------
    >>> rfm_segment([5, 1, 2], [5, 1, 5]).tolist()
    ['champions', 'lost', "can't lose them"]
    """
    r = np.asarray(r_score)
    f = np.asarray(f_score)
    for name, s in (("r_score", r), ("f_score", f)):
        if s.size and (not np.issubdtype(s.dtype, np.integer) or s.min() < 1 or s.max() > 5):
            raise ValueError(f"{name} must hold whole numbers from 1 to 5")
    return _LOOKUP[r, f].astype(str) if r.size else np.array([], dtype=str)


def score(
    values: Any,
    *,
    bins: int = 5,
    higher_is_better: bool = True,
    ties: Literal["shared", "first"] = "shared",
) -> np.ndarray:
    """Score values 1..``bins`` by quantiles; ``bins`` is the best.

    Parameters
    ----------
    values : array-like of float
        One value per customer, in a fixed order (the order breaks ties for ``ties="first"``).
    bins : int, default 5
        Number of scores.
    higher_is_better : bool, default True
        False for recency (fewer days since the last purchase is better).
    ties : {"shared", "first"}, default "shared"
        ``"shared"``: cut points are the quantiles ``j / bins`` of the values (linear
        interpolation, :func:`numpy.quantile`); a value's score is one plus the number of cut
        points it is better than, so equal values always share a score and a value lying on a
        cut point gets the lower score. Where many customers tie (most bought once), some scores
        stay empty. ``"first"``: rank the values, breaking ties by position
        (``rank(method="first")``), and cut the ranks into ``bins`` equal groups, as most RFM
        tutorials do; every score is used, but equal values may get different scores.

    Returns
    -------
    numpy.ndarray of int64

    Examples
    --------
    >>> score([1, 1, 1, 2, 5, 9], bins=3).tolist()
    [1, 1, 1, 2, 3, 3]
    >>> score([1, 1, 1, 2, 5, 9], bins=3, ties="first").tolist()
    [1, 1, 2, 2, 3, 3]
    >>> score([3, 30, 300], bins=3, higher_is_better=False).tolist()
    [3, 2, 1]
    """
    x = np.asarray(values, dtype=np.float64)
    if isinstance(bins, bool) or int(bins) != bins or bins < 2:
        raise ValueError(f"bins must be a whole number of at least 2; got {bins!r}")
    if ties not in ("shared", "first"):
        raise ValueError(f"ties must be 'shared' or 'first'; got {ties!r}")
    if np.isnan(x).any():
        raise ValueError("values to score must not be missing")
    bins = int(bins)
    n = len(x)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    if ties == "first":
        key = x if higher_is_better else -x
        order = np.argsort(key, kind="stable")
        rank = np.empty(n, dtype=np.int64)
        rank[order] = np.arange(n)
        return (rank * bins // n + 1).astype(np.int64)
    cuts = np.quantile(x, np.arange(1, bins) / bins)
    if higher_is_better:
        return (1 + np.searchsorted(cuts, x, side="left")).astype(np.int64)
    return (bins - np.searchsorted(cuts, x, side="right")).astype(np.int64)


def purchase_summary(log: TransactionLog) -> dict[str, np.ndarray]:
    """Per customer code: last purchase day, orders, net spend, gross spend, first purchase day.

    A purchase line is a line with a positive amount. Orders are distinct order ids among
    purchase lines (a line without an order id counts as one order per customer and day), or
    distinct purchase days when there is no order column.
    """
    n = len(log.customers)
    buy = log.amount > 0
    cust_b = log.cust[buy]
    day_b = log.day[buy]
    last = np.full(n, np.iinfo(np.int64).min, dtype=np.int64)
    np.maximum.at(last, cust_b, day_b)
    first = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first, cust_b, day_b)
    if log.order is None:
        key = day_b - (day_b.min() if len(day_b) else 0)
    else:
        oc = log.order[buy]
        span = int(oc.max()) + 1 if len(oc) else 0
        key = np.where(oc >= 0, oc, span + day_b - (day_b.min() if len(day_b) else 0))
    width = int(key.max()) + 1 if len(key) else 1
    pairs = pd.unique(cust_b * width + key)
    orders = np.bincount(pairs // width, minlength=n)
    net = np.bincount(log.cust, weights=log.amount, minlength=n)
    gross = np.bincount(cust_b, weights=log.amount[buy], minlength=n)
    lines = np.bincount(cust_b, minlength=n)
    return {
        "last": last,
        "first": first,
        "orders": orders.astype(np.int64),
        "net": net,
        "gross": gross,
        "lines": lines.astype(np.int64),
        "buyer": orders > 0,
    }


def rfm(
    transactions: pd.DataFrame,
    *,
    customer: str = "customer_id",
    date: str = "date",
    amount: str = "amount",
    order: str | None = "order_id",
    asof: Any = None,
    bins: int = 5,
    ties: Literal["shared", "first"] = "shared",
    drop_duplicates: bool = True,
) -> pd.DataFrame:
    """Recency, frequency and monetary value of each customer, scored and named.

    What counts (documented choices for real logs):

    * **Purchase**: a line with a positive amount. A refund (negative amount) or a zero line is
      not a purchase: it does not make a customer recent and does not add an order.
    * **Recency**: whole days from the customer's last purchase to ``asof`` (0 = bought on the
      as-of date). Default ``asof``: the day after the last transaction, so the most recent
      buyers have recency 1. Rows dated after ``asof`` are left out.
    * **Frequency**: distinct orders among purchase lines — order ids when the ``order`` column
      is present (lines of one order count once; a line without an order id counts as one order
      per customer and day), else distinct purchase days (``order=None``, or the column absent).
    * **Monetary**: total net spend, purchases minus refunds, over every row kept.
    * **Missing customer ids** (empty or blank) and **exact duplicate rows** (equal in every
      column; the first copy is kept) are dropped and counted. Customers with refunds but no
      purchase in the log are left out of the table (they have no recency or frequency) and
      counted.

    Scores 1–``bins`` (``bins`` best) come from :func:`score`: recency is scored so that
    fewer days is better, frequency and monetary so that more is better. By default
    (``ties="shared"``) cut points are quantiles and equal values share a score;
    ``ties="first"`` ranks with ties broken by customer id (``rank(method="first")`` on the
    sorted ids, then equal-sized groups).

    Segments come from the recency and frequency scores by the grid :data:`RFM_GRID`, the
    common practitioner convention of naming the cells of the R × F grid (the ten-segment map
    circulated with RFM tutorials, with its bottom-left cell split out as *lost*):

    =======================  ====================================
    segment                  recency score, frequency score
    =======================  ====================================
    champions                R 5, F 4–5
    loyal                    R 3–4, F 4–5
    potential loyalists      R 4–5, F 2–3
    new                      R 5, F 1
    promising                R 4, F 1
    need attention           R 3, F 3
    about to sleep           R 3, F 1–2
    can't lose them          R 1–2, F 5
    at risk                  R 1–2, F 3–4
    hibernating              R 1–2, F 1–2 except R 1 F 1
    lost                     R 1, F 1
    =======================  ====================================

    With ``bins`` other than 5 the scores are first put on the 1–5 grid
    (``1 + round(4 (s − 1) / (bins − 1))``, halves up) to name the segment.

    Parameters
    ----------
    transactions : pandas.DataFrame
        One row per order line, purchase or refund.
    customer, date, amount : str
        Column names: customer id, date (dates or text), amount (refunds negative).
    order : str or None, default "order_id"
        Order id column that groups lines into orders; ignored when the table has no such
        column, so a log without order ids counts purchase days.
    asof : date-like, optional
        The date the analysis looks from; default the day after the last transaction.
    bins : int, default 5
        Number of scores.
    ties : {"shared", "first"}, default "shared"
        How ties are scored; see :func:`score`.
    drop_duplicates : bool, default True
        Drop exact duplicate rows. Set False when genuine repeated lines are identical in every
        column (no line number or quantity tells them apart).

    Returns
    -------
    pandas.DataFrame
        Indexed by customer id (sorted), with ``recency`` (int days), ``frequency`` (int),
        ``monetary`` (float), ``r_score``, ``f_score``, ``m_score`` (int), ``rfm`` (the three
        scores as text, e.g. ``"545"``; ``"5-4-10"`` when ``bins`` exceeds 9) and ``segment``
        (categorical, categories
        :data:`RFM_SEGMENTS`). ``attrs`` (JSON-serialisable, so the table saves to Parquet):
        ``asof`` (ISO date text), ``cleaning`` (counts: rows in,
        ``missing_customer``, ``missing_date``, ``duplicates``, ``after_asof``, ``rows_used``,
        ``refund_only_customers``), ``notes`` (a sentence per non-zero count), ``bins``,
        ``ties``.

    Raises
    ------
    cxlab.errors.DataError
        If a column is missing or dates or amounts are missing or unreadable (all bad rows
        reported at once).
    ValueError
        If ``bins``, ``ties`` or ``asof`` is invalid.

    References
    ----------
    .. [1] Hughes, A. M. (1994). *Strategic Database Marketing*. Chicago: Probus.
    .. [2] Fader, P. S., Hardie, B. G. S., & Lee, K. L. (2005). RFM and CLV: Using iso-value
       curves for customer base analysis. *Journal of Marketing Research*, 42(4), 415–430.

    Examples
    --------
    >>> tx = pd.DataFrame(
    ...     {
    ...         "customer_id": ["A", "A", "A", "B", "C", None],
    ...         "order_id": ["o1", "o1", "o2", "o3", "o4", "o5"],
    ...         "date": pd.to_datetime(
    ...             [
    ...                 "2024-01-01",
    ...                 "2024-01-01",
    ...                 "2024-03-01",
    ...                 "2024-02-01",
    ...                 "2024-03-10",
    ...                 "2024-03-01",
    ...             ]
    ...         ),
    ...         "amount": [10.0, 5.0, 20.0, 8.0, 100.0, 3.0],
    ...     }
    ... )
    >>> r = rfm(tx, bins=3)
    >>> r[["recency", "frequency", "monetary", "rfm"]]  # doctest: +NORMALIZE_WHITESPACE
                 recency  frequency  monetary  rfm
    customer_id
    A                 10          2      35.0  232
    B                 39          1       8.0  111
    C                  1          1     100.0  313
    >>> r.attrs["cleaning"]["missing_customer"]
    1
    """
    has_order = order is not None and order in transactions.columns
    log = clean_transactions(
        transactions,
        customer=customer,
        date=date,
        amount=amount,
        order=order if has_order else None,
        asof=asof,
        drop_duplicates=drop_duplicates,
    )
    s = purchase_summary(log)
    buyer = s["buyer"]
    recency = (log.asof_day - s["last"][buyer]).astype(np.int64)
    frequency = s["orders"][buyer]
    monetary = s["net"][buyer]
    r = score(recency, bins=bins, higher_is_better=False, ties=ties)
    f = score(frequency, bins=bins, ties=ties)
    m = score(monetary, bins=bins, ties=ties)
    bins = int(bins)
    if bins == 5:
        r5, f5 = r, f
    else:
        r5 = 1 + np.floor(4 * (r - 1) / (bins - 1) + 0.5).astype(np.int64)
        f5 = 1 + np.floor(4 * (f - 1) / (bins - 1) + 0.5).astype(np.int64)
    index = log.customers[buyer]
    # the "rfm" text, formatted once per distinct combination
    combined = (r * (bins + 1) + f) * (bins + 1) + m
    distinct, inverse = np.unique(combined, return_inverse=True)
    sep = "" if bins <= 9 else "-"
    text = np.array(
        [
            sep.join(map(str, (c // (bins + 1) ** 2, c // (bins + 1) % (bins + 1), c % (bins + 1))))
            for c in distinct.tolist()
        ],
        dtype=object,
    )
    out = pd.DataFrame(
        {
            "recency": recency,
            "frequency": frequency,
            "monetary": monetary,
            "r_score": r,
            "f_score": f,
            "m_score": m,
            "rfm": pd.array(text[inverse.ravel()] if len(r) else text, dtype="string"),
            "segment": pd.Categorical.from_codes(
                _SEGMENT_CODE[r5, f5], categories=list(RFM_SEGMENTS)
            ),
        },
        index=index,
    )
    refund_only = int((~buyer).sum())
    cleaning = {**log.cleaning.to_dict(), "refund_only_customers": refund_only}
    notes = log.cleaning.notes()
    if refund_only:
        notes.append(
            f"{refund_only:,} customer(s) with refunds but no purchase in the log were left out "
            "(no recency or frequency to score)"
        )
    out.attrs.update(
        asof=log.asof.date().isoformat(), cleaning=cleaning, notes=notes, bins=bins, ties=ties
    )
    return out
