"""Chapter 06 · lifetime value and ROI: exercises on purchase days, acquisition and retention cost.

The expected answers are computed here with plain pandas from the learner's bundle, not by
calling :mod:`cxlab.clv`, so each check is a second, independent calculation: one-time buyers
counted in purchase *days* (the models' unit), the cheapest acquisition channel, and the
retention cost per active customer-month of a year.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from cxlab.teaching._core import Exercise, ExerciseSet, Unavailable, register

if TYPE_CHECKING:  # pragma: no cover
    from cxlab.contract.bundle import Bundle

__all__ = ["clv"]

#: The year exercise 3 asks about.
CRC_YEAR = 2024


def _purchases(bundle: Bundle) -> pd.DataFrame:
    tx = bundle.transactions.dropna(subset=["customer_id", "date", "amount"])
    tx = tx[tx["amount"] >= 0]
    if tx.empty:
        raise Unavailable("the transactions table has no dated purchases with a customer id")
    return tx


def _one_day_share(bundle: Bundle) -> float:
    tx = _purchases(bundle)
    days = tx.assign(day=tx["date"].dt.normalize()).groupby("customer_id")["day"].nunique()
    return round(100 * float((days == 1).mean()), 1)


def _costs(bundle: Bundle) -> pd.DataFrame:
    if not bundle.has("costs"):
        raise Unavailable("the bundle has no costs table")
    return bundle.costs.dropna(subset=["period", "kind", "amount"])


def _cheapest_channel(bundle: Bundle) -> str:
    costs = _costs(bundle)
    if not bundle.has("customers") or "channel" not in bundle.customers:
        raise Unavailable("the customers table has no acquisition channel")
    start, end = costs["period"].min(), costs["period"].max() + pd.offsets.MonthEnd(0)
    c = bundle.customers
    new = c[c["signup_date"].between(start, end)].groupby("channel").size()
    spend = costs[costs["kind"] == "acquisition"].groupby("channel")["amount"].sum()
    cac = (spend / new).dropna()
    if cac.empty:
        raise Unavailable("no acquisition spend is recorded against a customer channel")
    return str(cac.idxmin())


def _crc(bundle: Bundle) -> float:
    costs = _costs(bundle)
    retention = costs[(costs["kind"] == "retention") & (costs["period"].dt.year == CRC_YEAR)]
    tx = _purchases(bundle)
    tx = tx[(tx["amount"] > 0) & (tx["date"].dt.year == CRC_YEAR)]
    months = tx.assign(m=tx["date"].dt.month)[["customer_id", "m"]].drop_duplicates()
    if retention.empty or months.empty:
        raise Unavailable(f"no retention spend or no purchases in {CRC_YEAR}")
    return round(float(retention["amount"].sum()) / len(months), 2)


clv = register(
    ExerciseSet(
        "06",
        (
            Exercise(
                1,
                "percentage of buyers who bought on a single day",
                _one_day_share,
                requires=("transactions",),
                tolerance=0.05,
                why="The BG/NBD model counts purchase days, not orders or lines: several orders "
                "on one day are one transaction. These customers have frequency 0, so the "
                "model treats them as certainly still alive (it lets customers leave only "
                "right after a purchase).",
                hint="Keep rows with a customer id, a date and an amount of at least 0; count "
                "the distinct dates (dt.normalize()) per customer_id, and take the share with "
                "exactly one, in percent. Counting order_id instead of days gives a smaller "
                "share: a customer with two orders on one day is still a one-day buyer.",
            ),
            Exercise(
                2,
                "the acquisition channel with the lowest cost per new customer",
                _cheapest_channel,
                requires=("costs", "customers"),
                why="CAC is acquisition spend divided by the customers it won: per channel, "
                "the channel's acquisition rows over the customers whose signup_date falls "
                "in the costs' period and whose channel is that channel.",
                hint="Sum costs.amount for kind == 'acquisition' by channel; count customers "
                "by channel among those who signed up between the first and the last cost "
                "period. Dividing by all customers (those who joined before the period too) "
                "or by buyers only gives the wrong denominator.",
            ),
            Exercise(
                3,
                f"retention cost (CRC) per active customer-month in {CRC_YEAR}",
                _crc,
                requires=("costs", "transactions"),
                tolerance=0.01,
                why="CRC here is the year's retention spend divided by customer-months with a "
                "purchase: a customer who bought in five months of the year counts five "
                "times, because retention money is spent every month a customer is kept.",
                hint=f"Sum the retention amounts of {CRC_YEAR}; count distinct (customer_id, "
                f"month) pairs among the purchases (amount > 0) of {CRC_YEAR}; divide, and "
                "round to 2 decimals. Dividing by distinct customers gives a figure about "
                "five times too high.",
            ),
        ),
    )
)
