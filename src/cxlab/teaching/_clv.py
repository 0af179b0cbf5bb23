"""Chapter 06 · lifetime value and ROI: exercises on purchase days, acquisition and retention cost.

The expected answers are computed here with plain pandas, not by calling :mod:`cxlab.clv`, so
each check is a second, independent calculation: one-time buyers counted in purchase *days*
(the models' unit), the cheapest acquisition channel of a second demo client and its cost per
new customer (the chapter prints its own client's costs), and the retention cost per active
customer-month of a year.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from cxlab.teaching._core import (
    Exercise,
    ExerciseSet,
    Mistake,
    Option,
    Question,
    Quiz,
    Unavailable,
    on_demo,
    register,
    share_for_percent,
)

if TYPE_CHECKING:  # pragma: no cover
    from cxlab.contract.bundle import Bundle

__all__ = ["clv"]

#: The year exercise 3 asks about.
CRC_YEAR = 2024

#: The second client whose acquisition costs exercise 2 asks about.
CAC_DEMO = "restaurant"


def _purchases(bundle: Bundle) -> pd.DataFrame:
    tx = bundle.transactions.dropna(subset=["customer_id", "date", "amount"])
    tx = tx[tx["amount"] >= 0]
    if tx.empty:
        raise Unavailable("the transactions table has no dated purchases with a customer id")
    return tx


def _one_day_share(bundle: Bundle, *, by_orders: bool = False) -> float:
    tx = _purchases(bundle)
    if by_orders:  # orders, not purchase days
        if "order_id" not in tx:
            raise Unavailable("the transactions have no order_id column")
        counts = tx.groupby("customer_id")["order_id"].nunique()
    else:
        counts = tx.assign(day=tx["date"].dt.normalize()).groupby("customer_id")["day"].nunique()
    return round(100 * float((counts == 1).mean()), 1)


def _costs(bundle: Bundle) -> pd.DataFrame:
    if not bundle.has("costs"):
        raise Unavailable("the bundle has no costs table")
    return bundle.costs.dropna(subset=["period", "kind", "amount"])


def _cheapest_channel(
    bundle: Bundle, *, everyone: bool = False, highest: bool = False
) -> tuple[str, float]:
    """Return the channel with the lowest (or highest) cost per new customer, and that cost."""
    costs = _costs(bundle)
    if not bundle.has("customers") or "channel" not in bundle.customers:
        raise Unavailable("the customers table has no acquisition channel")
    start, end = costs["period"].min(), costs["period"].max() + pd.offsets.MonthEnd(0)
    c = bundle.customers
    if not everyone:  # only the customers won within the costs' period
        c = c[c["signup_date"].between(start, end)]
    new = c.groupby("channel").size()
    spend = costs[costs["kind"] == "acquisition"].groupby("channel")["amount"].sum()
    cac = (spend / new).dropna()
    if cac.empty:
        raise Unavailable("no acquisition spend is recorded against a customer channel")
    channel = cac.idxmax() if highest else cac.idxmin()
    return str(channel), round(float(cac[channel]), 2)


def _crc(bundle: Bundle, *, per_customer: bool = False, all_spend: bool = False) -> float:
    costs = _costs(bundle)
    kind = costs["kind"].notna() if all_spend else costs["kind"] == "retention"
    retention = costs[kind & (costs["period"].dt.year == CRC_YEAR)]
    tx = _purchases(bundle)
    tx = tx[(tx["amount"] > 0) & (tx["date"].dt.year == CRC_YEAR)]
    months = tx.assign(m=tx["date"].dt.month)[["customer_id", "m"]].drop_duplicates()
    if retention.empty or months.empty:
        raise Unavailable(f"no retention spend or no purchases in {CRC_YEAR}")
    base = months["customer_id"].nunique() if per_customer else len(months)
    return round(float(retention["amount"].sum()) / base, 2)


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
                mistakes=(
                    Mistake(
                        "counted orders instead of purchase days",
                        solve=lambda b: _one_day_share(b, by_orders=True),
                        why="Two orders on one day are one purchase day for the model: count "
                        "distinct dates.",
                    ),
                    share_for_percent(lambda b: _one_day_share(b)),
                ),
            ),
            Exercise(
                2,
                "the cheapest acquisition channel at the restaurant demo and its cost per new "
                "customer",
                on_demo(CAC_DEMO, _cheapest_channel),
                requires=("transactions",),  # the chapter's own tables, as every exercise
                tolerance=0.01,
                why="CAC is acquisition spend divided by the customers it won: per channel, "
                "the channel's acquisition rows over the customers whose signup_date falls "
                "in the costs' period and whose channel is that channel. Customers who joined "
                "earlier were won by earlier spend, so counting them makes every channel look "
                "cheaper than it is.",
                hint=f'Load cxlab.datasets.load_demo("{CAC_DEMO}"). Sum its costs.amount for '
                "kind == 'acquisition' by channel; count its customers by channel among those "
                "who signed up between the first cost period and the end of the last one; "
                "divide, and answer with the cheapest as a pair (channel, cost rounded to 2 "
                "decimals).",
                mistakes=(
                    Mistake(
                        "divided by every customer, those who joined before the costs too",
                        solve=on_demo(CAC_DEMO, lambda b: _cheapest_channel(b, everyone=True)),
                        why="Spend in the period won only the customers who joined in it: "
                        "keep the sign-ups between the first and the last cost period.",
                    ),
                    Mistake(
                        "took the channel with the highest cost per new customer",
                        solve=on_demo(CAC_DEMO, lambda b: _cheapest_channel(b, highest=True)),
                        why="The question asks for the lowest.",
                    ),
                    Mistake(
                        "used the chapter's client instead of the restaurant demo",
                        solve=_cheapest_channel,
                        why=f'Load the second client with cxlab.datasets.load_demo("{CAC_DEMO}").',
                    ),
                ),
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
                mistakes=(
                    Mistake(
                        "divided by distinct customers instead of customer-months",
                        solve=lambda b: _crc(b, per_customer=True),
                        why="Retention money is spent every month a customer is kept: count "
                        "(customer, month) pairs.",
                    ),
                    Mistake(
                        "summed every kind of cost, not only retention",
                        solve=lambda b: _crc(b, all_spend=True),
                        why="Keep the rows whose kind is 'retention'; acquisition and service "
                        "spend are other costs.",
                    ),
                ),
            ),
        ),
        quiz=Quiz(
            (
                Question(
                    "Why does predictive lifetime value need a model of whether a customer is "
                    "still a customer?",
                    (
                        Option(
                            "In a non-contractual business nobody says when they leave, so a "
                            "quiet customer may be gone or only between purchases",
                            "Right: BG/NBD turns the silence after the last purchase into "
                            "P(alive).",
                        ),
                        Option(
                            "Because historical value cannot be computed without it",
                            "Historical value is a plain sum of past spend; it needs no model.",
                        ),
                        Option(
                            "To make the values larger",
                            "Accounting for customers who have left makes forecasts smaller, "
                            "not larger.",
                        ),
                    ),
                    answer="a",
                ),
                Question(
                    "Two customers bought 10 times; one last bought a week ago, the other a "
                    "year ago. What does BG/NBD say?",
                    (
                        Option(
                            "They are equally likely to be active: same frequency",
                            "Recency matters: a frequent buyer gone quiet for long is a "
                            "warning sign.",
                        ),
                        Option(
                            "The one who bought a week ago is more likely still a customer",
                            "Right: for a frequent buyer, a long silence is unusual, so "
                            "P(alive) falls.",
                        ),
                        Option(
                            "The one who bought a year ago is more likely active, being due "
                            "a purchase",
                            "Purchases are random in the model; nobody is 'due' one.",
                        ),
                    ),
                    answer="b",
                ),
                Question(
                    "Raising the annual discount rate from 10 % to 20 % does what to customer "
                    "equity over a 12-month horizon?",
                    (
                        Option(
                            "Doubles it",
                            "Discounting divides future money; a higher rate lowers value.",
                        ),
                        Option(
                            "Leaves it unchanged: the customers are the same",
                            "The purchases are the same, but later ones are worth less today.",
                        ),
                        Option(
                            "Lowers it a little: later purchases are worth less today",
                            "Right: over one year the effect is small; over longer horizons "
                            "it grows.",
                        ),
                    ),
                    answer="c",
                ),
                Question(
                    "Why check the purchase forecast on a holdout period?",
                    (
                        Option(
                            "To see whether it predicts purchases it was not fitted to",
                            "Right: a good fit to past data does not prove a good forecast.",
                        ),
                        Option(
                            "To have more data for fitting",
                            "A holdout leaves data out of the fit, so there is less.",
                        ),
                        Option(
                            "Because the Gamma-Gamma model requires it",
                            "Neither model requires it; it is how we earn trust in them.",
                        ),
                    ),
                    answer="a",
                ),
                Question(
                    "Customer equity over time refits the models at each quarter end on the "
                    "purchases known then. Why not value every past quarter with today's "
                    "fitted model?",
                    (
                        Option(
                            "Today's model is fitted on more data, so it is always the better "
                            "choice for every quarter",
                            "More data, but data the business did not have then: the past "
                            "would be judged with hindsight.",
                        ),
                        Option(
                            "Today's model has seen purchases made after those quarter ends, "
                            "so the trend would borrow knowledge from the future",
                            "Right: each point may use only what was known on its date, or "
                            "the trend looks smoother and surer than it could have been.",
                        ),
                        Option(
                            "Refitting is only needed when the discount rate changes",
                            "The discount rate enters after the fit; refitting is about which "
                            "purchases the models may see.",
                        ),
                    ),
                    answer="b",
                ),
            )
        ),
    )
)
