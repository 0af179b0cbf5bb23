"""Chapter 09 · proactive service: the exercises on follow-ups, consent and weekly demand.

Every expected answer is computed here with plain pandas from the learner's bundle, not by
calling :mod:`cxlab.actions`, so a check is an independent second calculation. The questions ask
for numbers the chapter does not print: detractors in one quarter, customers who may receive
marketing, the busiest week.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from cxlab.teaching._core import Exercise, ExerciseSet, Unavailable, register

if TYPE_CHECKING:  # pragma: no cover
    from cxlab.contract.bundle import Bundle

__all__ = ["actions"]


def _identified_detractors_2025h1(bundle: Bundle) -> int:
    r = bundle.responses
    if "nps" not in r or "customer_id" not in r or "date" not in r or r["date"].isna().all():
        raise Unavailable("the responses need nps, customer_id and date columns")
    nps = pd.to_numeric(r["nps"], errors="coerce")
    when = r["date"]
    keep = (nps <= 6) & when.ge("2025-01-01") & when.lt("2025-07-01")
    ids = r.loc[keep, "customer_id"].astype("string").str.strip()
    return int(ids[ids.notna() & (ids != "")].nunique())


def _consenting(bundle: Bundle) -> int:
    col = bundle.config.consent
    if not col or col not in bundle.customers:
        raise Unavailable("the data record no marketing consent (consent: in cxlab.yml)")
    return int(bundle.customers[col].eq(True).sum())


def _busiest_week(bundle: Bundle) -> pd.Timestamp:
    tx = bundle.transactions
    if tx is None or "order_id" not in tx or tx["date"].isna().all():
        raise Unavailable("the transactions need dates and order ids")
    bought = tx[tx["amount"] > 0].dropna(subset=["date", "order_id"])
    orders = bought.drop_duplicates("order_id")
    monday = orders["date"].dt.normalize() - pd.to_timedelta(orders["date"].dt.day_of_week, "D")
    counts = monday.value_counts()
    if len(counts) > 1 and counts.iloc[0] == counts.iloc[1]:
        raise Unavailable("two weeks tie for the most orders")
    return counts.index[0]


actions = register(
    ExerciseSet(
        "09",
        (
            Exercise(
                1,
                "identified customers who were detractors in the first half of 2025",
                _identified_detractors_2025h1,
                requires=("responses",),
                why="A detractor answers NPS 0 to 6; only answers that carry a customer id can be "
                "followed up, and a customer who answered twice is one call, not two.",
                hint="Keep answers dated 1 January to 30 June 2025 with nps <= 6 and a "
                "customer_id, "
                "then count distinct customer_id values (not answers).",
            ),
            Exercise(
                2,
                "customers who may receive a marketing action",
                _consenting,
                requires=("customers",),
                why="Only customers whose consent column is True may get marketing; a blank is not "
                "a yes. Service contacts about their own account are a different matter.",
                hint="Read the consent column's name from bundle.config.consent and count the "
                "customers where it equals True (blanks do not count).",
            ),
            Exercise(
                3,
                "the Monday of the week with the most orders",
                _busiest_week,
                requires=("transactions",),
                why="Staffing plans start from the busiest week. Count orders (distinct order ids "
                "among positive amounts), not lines: a basket of three items is one order.",
                hint="Drop duplicate order_id among lines with amount > 0, move each date back to "
                "its Monday (date - day_of_week days), count per Monday, and take the largest.",
            ),
        ),
    )
)
