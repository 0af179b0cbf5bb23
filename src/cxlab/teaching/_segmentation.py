"""Chapter 04 · segmentation and personalization: the exercises on recency, value and baskets.

The chapter's practical part segments a client's customers with :mod:`cxlab.segmentation`; the
exercises ask for the raw numbers those segments rest on — recent buyers, the revenue share of
the best customers, one-time buyers, the pair of categories bought together most often — so a
learner works them out with a few lines of pandas on the transactions table.

Every expected answer is computed here with plain pandas from the learner's bundle, not by
calling :mod:`cxlab.segmentation`, so a check is an independent second calculation of what the
chapter teaches. Like the package, the calculations count a *purchase* as a line with a positive
amount, net spend as purchases minus refunds, and look from the day after the last transaction.
"""

from __future__ import annotations

import math
from itertools import combinations
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
    customers_where,
    on_demo,
    register,
    within,
)

if TYPE_CHECKING:  # pragma: no cover
    from cxlab.contract.bundle import Bundle

__all__ = ["segmentation"]

#: Days that count as "recently" in exercise 1.
RECENT_DAYS = 90

#: Share of customers that counts as "the top" in exercise 2 (the chapter prints the top fifth).
TOP_SHARE = 0.1


def _transactions(bundle: Bundle) -> pd.DataFrame:
    """Dated transaction lines with a customer id (the rows every exercise can use)."""
    tx = bundle.transactions.dropna(subset=["customer_id", "date", "amount"])
    tx = tx[tx["customer_id"].astype(str).str.strip() != ""]
    if tx.empty:
        raise Unavailable("the transactions table has no dated amounts with a customer id")
    return tx


def _purchases(bundle: Bundle) -> pd.DataFrame:
    tx = _transactions(bundle)
    purchases = tx[tx["amount"] > 0]
    if purchases.empty:
        raise Unavailable("the transactions table has no purchases (positive amounts)")
    return purchases


def _recent_buyers(bundle: Bundle) -> int:
    tx = _transactions(bundle)
    asof = tx["date"].max().normalize() + pd.Timedelta(days=1)
    purchases = _purchases(bundle)
    recent = purchases[purchases["date"] >= asof - pd.Timedelta(days=RECENT_DAYS)]
    return int(recent["customer_id"].nunique())


def _top_fifth_share(bundle: Bundle) -> float:
    tx = _transactions(bundle)
    buyers = _purchases(bundle)["customer_id"].unique()
    spend = tx.groupby("customer_id")["amount"].sum().reindex(buyers)
    total = spend.sum()
    if total <= 0:
        raise Unavailable("the customers' net spend adds up to nothing")
    top = math.ceil(TOP_SHARE * len(spend))
    return 100 * float(spend.sort_values(ascending=False).head(top).sum() / total)


def _top_fifth_share_gross(bundle: Bundle) -> float:
    purchases = _purchases(bundle)
    spend = purchases.groupby("customer_id")["amount"].sum()
    top = math.ceil(TOP_SHARE * len(spend))
    return 100 * float(spend.sort_values(ascending=False).head(top).sum() / spend.sum())


def _top_fifth_share_fraction(bundle: Bundle) -> float:
    return _top_fifth_share(bundle) / 100


def _recent_lines(bundle: Bundle) -> int:
    tx = _transactions(bundle)
    asof = tx["date"].max().normalize() + pd.Timedelta(days=1)
    purchases = _purchases(bundle)
    return int((purchases["date"] >= asof - pd.Timedelta(days=RECENT_DAYS)).sum())


def _one_line_buyers(bundle: Bundle) -> int:
    per_customer = _purchases(bundle).groupby("customer_id").size()
    return int((per_customer == 1).sum())


def _orders(purchases: pd.DataFrame) -> pd.Series:
    """Order of each purchase line: the order id, else the customer and the day."""
    day = purchases["customer_id"].astype(str) + "@" + purchases["date"].dt.strftime("%Y-%m-%d")
    if "order_id" not in purchases:
        return day
    return purchases["order_id"].astype("string").fillna(day)


def _one_time_buyers(bundle: Bundle) -> int:
    purchases = _purchases(bundle)
    orders = purchases.assign(order=_orders(purchases))
    per_customer = orders.groupby("customer_id")["order"].nunique()
    return int((per_customer == 1).sum())


#: Days without a purchase after which exercise 5 calls a customer lapsed.
LAPSED_DAYS = 120

#: Exercise 5's rule: a median of this many orders or more calls for a personal win-back (a),
#: of ``REPEAT_ORDERS`` or more for a reminder with an incentive (b), else a low-cost
#: reactivation (c).
REGULAR_ORDERS = 6
REPEAT_ORDERS = 4

#: The acquisition channel whose customers' baskets exercise 4 asks about; the chapter's basket
#: analysis covers every customer and never splits by channel.
BASKET_CHANNEL = "marketplace"


def _lapsed_frequencies(bundle: Bundle, *, lines: bool = False) -> pd.Series:
    """Orders (or purchase lines) per customer whose last purchase is over 120 days old."""
    tx = _transactions(bundle)
    asof = tx["date"].max().normalize() + pd.Timedelta(days=1)
    purchases = _purchases(bundle)
    last = purchases.groupby("customer_id")["date"].max()
    lapsed = last.index[last < asof - pd.Timedelta(days=LAPSED_DAYS)]
    if lapsed.empty:
        raise Unavailable(f"no customer has gone {LAPSED_DAYS} days without a purchase")
    purchases = purchases[purchases["customer_id"].isin(lapsed)]
    if lines:
        return purchases.groupby("customer_id").size()
    orders = purchases.assign(order=_orders(purchases))
    return orders.groupby("customer_id")["order"].nunique()


def _play(median_orders: float) -> str:
    if median_orders >= REGULAR_ORDERS:
        return "a"
    return "b" if median_orders >= REPEAT_ORDERS else "c"


def _lapsed_play(bundle: Bundle) -> str:
    """Apply the rule: the lapsed customers' median number of orders picks the play."""
    return _play(float(_lapsed_frequencies(bundle).median()))


def _lapsed_play_by_lines(bundle: Bundle) -> str:
    return _play(float(_lapsed_frequencies(bundle, lines=True).median()))


def _lapsed_play_by_mean(bundle: Bundle) -> str:
    return _play(float(_lapsed_frequencies(bundle).mean()))


def _top_category_pair(bundle: Bundle) -> set[str]:
    purchases = _purchases(bundle)
    if "category" not in purchases or "order_id" not in purchases:
        raise Unavailable("the transactions table needs 'category' and 'order_id' columns")
    lines = purchases.dropna(subset=["order_id", "category"])
    baskets = lines.groupby("order_id")["category"].agg(lambda c: sorted(set(map(str, c))))
    pairs = pd.Series(
        [pair for basket in baskets if len(basket) > 1 for pair in combinations(basket, 2)],
        dtype="object",
    )
    if pairs.empty:
        raise Unavailable("no order holds two different categories")
    counts = pairs.value_counts()
    if len(counts) > 1 and counts.iloc[0] == counts.iloc[1]:
        raise Unavailable("two category pairs are bought together equally often")
    return set(counts.index[0])


QUIZ = Quiz(
    (
        Question(
            "Bread is in 40 % of baskets; among baskets with butter, 30 % hold bread. Should "
            "the shop suggest bread to butter buyers?",
            (
                Option(
                    "Yes: 30 % of butter buyers take bread",
                    "Confidence alone ignores how common bread is anyway.",
                ),
                Option(
                    "No: the lift is 0.75, so butter buyers take bread less often than others",
                    "Lift = 0.30 / 0.40 = 0.75 < 1: the suggestion would work against the "
                    "grain; recommend only on a lift above 1.",
                ),
                Option(
                    "Yes, because bread is popular",
                    "Popular items need no suggestion; a rule earns its place by lift.",
                ),
            ),
            answer="b",
        ),
        Question(
            "A customer last bought 300 days ago but ordered 20 times before. Which cell of "
            "the R × F grid, and which play?",
            (
                Option(
                    "Champions: a thank-you",
                    "Champions bought recently; this customer has gone quiet.",
                ),
                Option(
                    "Can't lose them: a personal win-back before they are gone",
                    "Low recency, high frequency: valuable and slipping away.",
                ),
                Option(
                    "New: a welcome series",
                    "New customers have one order; this one has twenty.",
                ),
            ),
            answer="b",
        ),
        Question(
            "Clustering gives a silhouette of 0.310 for k = 3 and 0.307 for k = 4. What follows?",
            (
                Option(
                    "k = 3 is clearly better",
                    "A gap of 0.003 is within what another random start or sample would "
                    "change: the data do not decide.",
                ),
                Option(
                    "Either is defensible; choose the k whose segments lead to different plays",
                    "When the statistic cannot separate them, usefulness (distinct, "
                    "actionable segments, stable across starts) decides.",
                ),
                Option(
                    "Use k = 10 to be safe",
                    "More clusters fragment the base into segments too small to act on.",
                ),
            ),
            answer="b",
        ),
    )
)


segmentation = register(
    ExerciseSet(
        "04",
        (
            Exercise(
                1,
                f"customers who bought in the last {RECENT_DAYS} days",
                _recent_buyers,
                requires=("transactions",),
                why="Recency is counted from the day after the last transaction in the log; a "
                f"customer with a purchase (positive amount) at most {RECENT_DAYS} days before "
                "it is recent. This is the R of RFM: these are the customers a message reaches "
                "while the shop is still on their mind.",
                hint="Take asof = the latest date (normalised) plus one day, keep the lines with "
                f"amount > 0 dated on or after asof − {RECENT_DAYS} days, and count the distinct "
                "customer_id values.",
                mistakes=(
                    Mistake(
                        "counted purchase lines rather than customers",
                        _recent_lines,
                        why="Each customer counts once: use .nunique() on customer_id.",
                    ),
                ),
            ),
            Exercise(
                2,
                "revenue share of the top 10 % of customers",
                _top_fifth_share,
                requires=("transactions",),
                tolerance=0.1,
                why="Rank the buying customers by net spend (purchases minus refunds); the first "
                "10 % (rounded up) against the whole net revenue of the buyers is the Pareto "
                "share at a tenth. Well above 10 % means a few customers carry the business.",
                hint="Sum amount per customer_id over the buyers (customers with at least one "
                "positive amount), sort it in descending order, take the first ceil(0.1 × n) "
                "and divide their sum by the total. Answer in percent (e.g. 37.5, not 0.375); "
                "answers within ±0.1 count.",
                mistakes=(
                    Mistake(
                        "ranked gross purchases, leaving refunds out of net spend",
                        _top_fifth_share_gross,
                        why="Net spend is purchases minus refunds: sum every amount per "
                        "customer, refunds included.",
                    ),
                    Mistake(
                        "gave a share (0–1) instead of a percentage",
                        _top_fifth_share_fraction,
                        why="Multiply by 100.",
                    ),
                ),
            ),
            Exercise(
                3,
                "customers who bought only once",
                _one_time_buyers,
                requires=("transactions",),
                why="Frequency counts distinct orders among the purchase lines (a line without "
                "an order id counts as one order per customer and day). One-time buyers are the "
                "frequency-1 column of the R × F grid: new, promising or lost.",
                hint="Keep the lines with amount > 0, count distinct order_id per customer_id, "
                "and count the customers with exactly one.",
                mistakes=(
                    Mistake(
                        "counted purchase lines rather than orders",
                        _one_line_buyers,
                        why="An order can hold several lines (categories); count distinct "
                        "order_id values per customer.",
                    ),
                ),
            ),
            Exercise(
                4,
                f"the pair of categories most often bought in one order by customers who came "
                f"through the {BASKET_CHANNEL}",
                within(customers_where("channel", BASKET_CHANNEL), _top_category_pair),
                requires=("transactions",),
                why="Support counts the baskets that hold both items; the pair with the most "
                "baskets has the highest support. Customers who arrived another way can fill "
                "their baskets differently, so a suggestion tuned on the whole base may miss "
                "them. A high support is not a strong link by itself — lift compares it with "
                "what chance would give.",
                hint=f"Keep the purchase lines of the customers whose channel is "
                f"{BASKET_CHANNEL!r} in the customers table, collect each order's distinct "
                "categories, list every pair within an order (itertools.combinations) and count "
                'them. Answer with a set of two names, e.g. {"knitwear", "trousers"}.',
                mistakes=(
                    Mistake(
                        f"used every customer's orders, not only those who came through the "
                        f"{BASKET_CHANNEL}",
                        _top_category_pair,
                        why=f"Keep the purchase lines of the customers whose channel is "
                        f"{BASKET_CHANNEL!r} first.",
                    ),
                ),
            ),
            Exercise(
                5,
                "the play for the lapsed customers",
                _lapsed_play,
                requires=("transactions",),
                why="Lapsed customers who used to order often are the can't-lose-them cell of "
                "the R × F grid and worth a personal call; those who ordered once are cheaper "
                "to remind in bulk. The median order count says which the typical one is.",
                hint="Take the as-of date as the day after the last transaction, keep the "
                f"buyers whose last purchase is more than {LAPSED_DAYS} days before it, count "
                f"their distinct orders, take the median and apply the rule: {REGULAR_ORDERS} "
                f"or more → a, {REPEAT_ORDERS} or more → b, else c.",
                mistakes=(
                    Mistake(
                        "counted purchase lines rather than orders",
                        _lapsed_play_by_lines,
                        why="An order can hold several lines; frequency counts orders.",
                    ),
                    Mistake(
                        "took the mean number of orders instead of the median",
                        _lapsed_play_by_mean,
                        why="A few former regulars pull the mean up; the rule reads the median.",
                    ),
                ),
            ),
            Exercise(
                6,
                "customers who bought only once at the saas demo",
                on_demo("saas", _one_time_buyers),
                requires=("transactions",),  # the chapter's own tables, as every exercise
                why="The same frequency count on a subscription business: a customer who signed "
                "one contract and never renewed or upgraded is a one-time buyer too.",
                hint='Load cxlab.datasets.load_demo("saas") and repeat exercise 3 on its '
                "transactions.",
                mistakes=(
                    Mistake(
                        "used the chapter's client instead of the saas demo",
                        _one_time_buyers,
                        why='Load the second client with cxlab.datasets.load_demo("saas").',
                    ),
                ),
            ),
        ),
        quiz=QUIZ,
    )
)
