"""Behavioural features of each customer, from the transactions log."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from cxlab.segmentation._input import clean_transactions
from cxlab.segmentation._rfm import purchase_summary

__all__ = ["FEATURE_ROLES", "customer_features"]

#: What the standard feature columns measure, for naming segments: ``recency`` (higher = longer
#: ago), ``frequency`` (higher = more often) and ``value`` (higher = spends more).
FEATURE_ROLES: dict[str, str] = {
    "recency": "recency",
    "frequency": "frequency",
    "orders_per_year": "frequency",
    "monetary": "value",
    "avg_order_value": "value",
}

#: Shortest observation window (days) used to turn orders into orders per year, so that a
#: customer who bought once last week is not counted as buying 50 times a year.
MIN_WINDOW_DAYS = 91


def _shares(codes: np.ndarray, cust: np.ndarray, k: int, n: int) -> np.ndarray:
    """Share of each customer's purchase lines per label: an (n, k) array.

    Rows sum to 1 for customers with a labelled purchase line, else 0. Counted as floats
    and divided in place, so a product-level item column with thousands of values costs
    one n × k array rather than several.
    """
    ok = codes >= 0
    shares = np.bincount(
        cust[ok] * k + codes[ok], weights=np.ones(int(ok.sum())), minlength=n * k
    ).reshape(n, k)
    shares /= np.maximum(shares.sum(axis=1, keepdims=True), 1.0)
    return shares


def customer_features(
    transactions: pd.DataFrame,
    *,
    customer: str = "customer_id",
    date: str = "date",
    amount: str = "amount",
    order: str | None = "order_id",
    quantity: str | None = "quantity",
    category: str | None = "category",
    channel: str | None = "channel",
    asof: Any = None,
    drop_duplicates: bool = True,
) -> pd.DataFrame:
    """Describe each buying customer's purchase pattern in one row of numbers.

    Purchases, orders, refunds, missing ids, duplicates and ``asof`` are treated exactly as in
    :func:`~cxlab.segmentation.rfm`. Optional columns (``order``, ``quantity``, ``category``,
    ``channel``) are used when the table has them and skipped otherwise (or when passed None).

    Parameters
    ----------
    transactions : pandas.DataFrame
        One row per order line, purchase or refund.
    customer, date, amount : str
        Column names.
    order, quantity, category, channel : str or None
        Optional column names.
    asof : date-like, optional
        Default: the day after the last transaction.
    drop_duplicates : bool, default True
        Drop exact duplicate rows.

    Returns
    -------
    pandas.DataFrame
        Indexed by customer id (buyers only, sorted):

        ``recency``
            Days since the last purchase.
        ``frequency``
            Orders (or purchase days).
        ``monetary``
            Net spend.
        ``tenure_days``
            Days since the first purchase.
        ``orders_per_year``
            ``frequency`` per year since the first purchase (window at least 91 days).
        ``avg_order_value``
            Gross spend per order (refunds not deducted).
        ``lines_per_order``
            Purchase lines per order.
        ``units_per_line``, ``price_per_unit``
            With a quantity column: mean quantity per purchase line, gross spend per unit.
        ``refund_share``
            Share of gross spend refunded (0–1 and above if refunds exceed purchases).
        ``category:<value>``, ``channel:<value>``
            Share of the customer's purchase lines in each category and sales channel.

        ``attrs["cleaning"]`` and ``attrs["notes"]`` say what was dropped.

    Examples
    --------
    >>> tx = pd.DataFrame(
    ...     {
    ...         "customer_id": ["A", "A", "A", "B"],
    ...         "order_id": ["o1", "o1", "o2", "o3"],
    ...         "date": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-03-01", "2024-03-01"]),
    ...         "amount": [10.0, 30.0, 20.0, 8.0],
    ...         "quantity": [1, 3, 2, 1],
    ...         "category": ["tops", "shoes", "tops", "tops"],
    ...     }
    ... )
    >>> f = customer_features(tx)
    >>> f[["frequency", "avg_order_value", "units_per_line", "category:tops"]]
    ... # doctest: +NORMALIZE_WHITESPACE
                 frequency  avg_order_value  units_per_line  category:tops
    customer_id
    A                    2             30.0             2.0       0.666667
    B                    1              8.0             1.0       1.000000
    """
    cols = transactions.columns
    order = order if order is not None and order in cols else None
    quantity = quantity if quantity is not None and quantity in cols else None
    extra = [c for c in (category, channel) if c is not None and c in cols]
    keep = [c for c in (quantity,) if c is not None] + extra
    log = clean_transactions(
        transactions,
        customer=customer,
        date=date,
        amount=amount,
        order=order,
        keep=keep,
        asof=asof,
        drop_duplicates=drop_duplicates,
    )
    s = purchase_summary(log)
    n = len(log.customers)
    buyer = s["buyer"]
    buy = log.amount > 0
    orders = np.maximum(s["orders"], 1)
    tenure = (log.asof_day - s["first"]).astype(np.float64)
    refunds = -np.bincount(log.cust[~buy], weights=log.amount[~buy], minlength=n)
    gross = s["gross"]
    data: dict[str, np.ndarray] = {
        "recency": (log.asof_day - s["last"]).astype(np.float64),
        "frequency": s["orders"],
        "monetary": s["net"],
        "tenure_days": tenure,
        "orders_per_year": s["orders"] * 365.25 / np.maximum(tenure, MIN_WINDOW_DAYS),
        "avg_order_value": gross / orders,
        "lines_per_order": s["lines"] / orders,
    }
    if quantity is not None:
        q = pd.to_numeric(transactions[quantity], errors="coerce").to_numpy(
            dtype="float64", na_value=np.nan
        )[log.rows]
        q = np.where(np.isfinite(q) & (q > 0), q, 1.0)  # a purchase line is at least one unit
        units = np.bincount(log.cust[buy], weights=q[buy], minlength=n)
        data["units_per_line"] = units / np.maximum(s["lines"], 1)
        data["price_per_unit"] = gross / np.maximum(units, 1)
    data["refund_share"] = np.where(gross > 0, refunds / np.where(gross > 0, gross, 1), 0.0)
    keep = np.flatnonzero(buyer)
    index = log.customers[keep]
    frames = [pd.DataFrame({name: v[keep] for name, v in data.items()}, index=index)]
    for col in extra:
        codes, labels = pd.factorize(log.column(transactions, col)[buy], sort=True)
        shares = _shares(codes.astype(np.int64), log.cust[buy], len(labels), n)
        frames.append(
            pd.DataFrame(
                shares[keep] if len(keep) < n else shares,
                index=index,
                columns=[f"{col}:{label}" for label in labels],
            )
        )
    out = pd.concat(frames, axis=1) if len(frames) > 1 else frames[0]
    out["recency"] = out["recency"].astype(np.int64)
    out["tenure_days"] = out["tenure_days"].astype(np.int64)
    out.attrs.update(
        asof=log.asof.date().isoformat(),
        cleaning={**log.cleaning.to_dict(), "refund_only_customers": int((~buyer).sum())},
        notes=log.cleaning.notes(),
    )
    return out
