"""Summary tables of segments: size and revenue, loyalty ideas, co-purchase rules, planted truth.

These are the tables a segmentation chapter shows and its findings
(:mod:`cxlab.segmentation._findings`) read: how many customers and how much net revenue each
segment holds, which RFM segments each loyalty or community idea is for, the co-purchase rules
with the basket that gives any, and — for a demo client only — the segments its generator
planted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from cxlab.segmentation._personalize import association_rules

__all__ = [
    "LOYALTY_IDEAS",
    "co_purchase_rules",
    "loyalty_ideas",
    "segment_summary",
    "summary_headlines",
]

#: Loyalty and community ideas and the RFM segments each is for (common practice, in our words):
#: recognition and a community for the best customers, a first tier for newcomers, a personal
#: word for those slipping away, and cheap reactivation for those long gone.
LOYALTY_IDEAS: dict[str, tuple[str, ...]] = {
    "community and ambassadors": ("champions", "loyal"),
    "loyalty programme, first tier": ("new", "promising", "potential loyalists"),
    "personal win-back": ("can't lose them", "at risk", "need attention"),
    "low-cost reactivation": ("about to sleep", "hibernating", "lost"),
}


def segment_summary(
    segments: pd.Series,
    spend: pd.Series,
    *,
    plays: Mapping[str, str] | None = None,
    order: Sequence[Any] | None = None,
) -> pd.DataFrame:
    """Count each segment's customers and net revenue, and their shares of the whole.

    Parameters
    ----------
    segments : pandas.Series
        Segment of each customer, indexed by customer id (customers without one are left out).
    spend : pandas.Series
        Net spend by customer id (e.g. ``rfm(...)["monetary"]``); a customer missing here
        counts as spending nothing.
    plays : mapping of segment to text, optional
        A play per segment (e.g. :data:`~cxlab.segmentation.RFM_PLAYS`), added as ``play``.
    order : sequence, optional
        Row order; default: by share of revenue, largest first.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``segment``: ``customers``, ``revenue``, ``share_of_customers`` and
        ``share_of_revenue`` (both 0–1; the revenue share is NaN when net revenue is not
        positive), and ``play`` if ``plays`` is given.

    Examples
    --------
    >>> seg = pd.Series({"A": "loyal", "B": "loyal", "C": "new", "D": "lost"})
    >>> spend = pd.Series({"A": 60.0, "B": 20.0, "C": 15.0, "D": 5.0})
    >>> segment_summary(seg, spend)  # doctest: +NORMALIZE_WHITESPACE
             customers  revenue  share_of_customers  share_of_revenue
    segment
    loyal            2     80.0                0.50              0.80
    new              1     15.0                0.25              0.15
    lost             1      5.0                0.25              0.05
    """
    money = spend.reindex(segments.index).astype("float64").fillna(0.0)
    groups = money.groupby(segments, observed=True)
    out = pd.DataFrame({"customers": groups.size().astype("int64"), "revenue": groups.sum()})
    total = float(out["revenue"].sum())
    out["share_of_customers"] = out["customers"] / max(int(out["customers"].sum()), 1)
    out["share_of_revenue"] = out["revenue"] / total if total > 0 else np.nan
    if plays is not None:
        out["play"] = [plays.get(s) for s in out.index]
    if order is None:
        out = out.sort_values("share_of_revenue", ascending=False, kind="mergesort")
    else:
        out = out.loc[[s for s in order if s in out.index]]
    out.index.name = "segment"
    return out


def summary_headlines(summary: pd.DataFrame) -> dict[str, dict[str, float]]:
    """Turn a :func:`segment_summary` into headline numbers: customers and shares per segment.

    Parameters
    ----------
    summary : pandas.DataFrame
        From :func:`segment_summary`.

    Returns
    -------
    dict
        Segment name → ``customers`` (int), ``share_of_customers`` and ``share_of_revenue``
        (rounded to 4 decimals; None where not defined).

    Examples
    --------
    >>> s = pd.DataFrame(
    ...     {
    ...         "customers": [2, 1],
    ...         "share_of_customers": [2 / 3, 1 / 3],
    ...         "share_of_revenue": [0.9, 0.1],
    ...     },
    ...     index=["loyal", "new"],
    ... )
    >>> summary_headlines(s)["loyal"]
    {'customers': 2, 'share_of_customers': 0.6667, 'share_of_revenue': 0.9}
    """

    def share(value: Any) -> float | None:
        return None if pd.isna(value) else round(float(value), 4)

    return {
        str(s): {
            "customers": int(r["customers"]),
            "share_of_customers": share(r["share_of_customers"]),
            "share_of_revenue": share(r["share_of_revenue"]),
        }
        for s, r in summary.iterrows()
    }


def loyalty_ideas(
    rfm_table: pd.DataFrame, *, ideas: Mapping[str, Sequence[str]] | None = None
) -> pd.DataFrame:
    """Size each loyalty or community idea by the RFM segments it is for.

    Parameters
    ----------
    rfm_table : pandas.DataFrame
        From :func:`~cxlab.segmentation.rfm` (``segment`` and ``monetary`` per customer).
    ideas : mapping of idea to RFM segment names, optional
        Default :data:`LOYALTY_IDEAS`.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``idea``: ``RFM segments`` (text), ``customers`` and ``share_of_revenue``
        (0–1; NaN when net revenue is not positive).

    Examples
    --------
    >>> t = pd.DataFrame(
    ...     {
    ...         "segment": ["champions", "loyal", "new", "lost"],
    ...         "monetary": [50.0, 30.0, 15.0, 5.0],
    ...     }
    ... )
    >>> loyalty_ideas(t)[["customers", "share_of_revenue"]]  # doctest: +NORMALIZE_WHITESPACE
                                   customers  share_of_revenue
    idea
    community and ambassadors              2              0.80
    loyalty programme, first tier          1              0.15
    personal win-back                      0              0.00
    low-cost reactivation                  1              0.05
    """
    ideas = LOYALTY_IDEAS if ideas is None else ideas
    total = float(rfm_table["monetary"].sum())
    rows = []
    for idea, groups in ideas.items():
        inside = rfm_table["segment"].isin(list(groups))
        revenue = float(rfm_table.loc[inside, "monetary"].sum())
        rows.append(
            {
                "idea": idea,
                "RFM segments": ", ".join(groups),
                "customers": int(inside.sum()),
                "share_of_revenue": revenue / total if total > 0 else np.nan,
            }
        )
    return pd.DataFrame(rows).set_index("idea")


def co_purchase_rules(
    transactions: pd.DataFrame,
    *,
    item: str = "category",
    baskets: Sequence[str] = ("order_id", "customer_id"),
    **options: Any,
) -> pd.DataFrame:
    """Co-purchase rules over the first kind of basket that yields any.

    Orders are the natural basket; where each order holds a single item (a subscription, a
    restaurant visit), no pair is ever bought in one order, and a customer's whole history is
    the basket instead. Each column of ``baskets`` present in the table is tried in turn with
    :func:`~cxlab.segmentation.association_rules`, and the first non-empty set of rules is
    returned (else the last one tried).

    Parameters
    ----------
    transactions : pandas.DataFrame
        The transactions log.
    item : str, default "category"
        The item column.
    baskets : sequence of str, default ("order_id", "customer_id")
        Basket columns, in order of preference.
    **options
        Passed to :func:`~cxlab.segmentation.association_rules` (``min_support`` ...).

    Returns
    -------
    pandas.DataFrame
        The rules; ``attrs``: ``baskets`` (how many), ``basket`` (the column used, None when no
        basket column exists), ``item``, and ``missing`` (the item column, when the table has
        none — then there are no rules).

    Examples
    --------
    >>> tx = pd.DataFrame(
    ...     {
    ...         "order_id": [1, 2, 3, 4],
    ...         "customer_id": ["A", "A", "B", "B"],
    ...         "category": ["lunch", "dinner", "lunch", "dinner"],
    ...     }
    ... )
    >>> rules = co_purchase_rules(tx)
    >>> rules.attrs["basket"], len(rules)
    ('customer_id', 2)
    """
    columns = ["antecedent", "consequent", "n_both", "support", "confidence", "lift"]
    rules = pd.DataFrame(columns=columns)
    rules.attrs.update(baskets=0, basket=None)
    if item not in transactions.columns:
        rules.attrs.update(item=item, missing=item)
        return rules
    for basket in [b for b in baskets if b in transactions.columns]:
        rules = association_rules(transactions, item=item, basket=basket, **options)
        rules.attrs["basket"] = basket
        if len(rules):
            break
    rules.attrs["item"] = item
    return rules
