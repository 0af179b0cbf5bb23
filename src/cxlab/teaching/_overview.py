"""Chapter 00 · welcome: the exercises of the tour of a client's data.

The chapter's analytics module is :mod:`cxlab.overview`, which names this file; the set keeps
the name ``welcome`` that the chapter's notebook calls (``teaching.welcome``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from cxlab.teaching._core import Exercise, ExerciseSet, Unavailable, register

if TYPE_CHECKING:  # pragma: no cover
    from cxlab.contract.bundle import Bundle

__all__ = ["welcome"]


def _customer_count(bundle: Bundle) -> int:
    return len(bundle.customers)


def _peak_revenue_month(bundle: Bundle) -> pd.Period:
    tx = bundle.transactions.dropna(subset=["date", "amount"])
    if tx.empty:
        raise Unavailable("the transactions table has no dated amounts")
    by_month = tx.groupby(tx["date"].dt.to_period("M"))["amount"].sum()
    return by_month.idxmax()


def _nps_answers(bundle: Bundle) -> int:
    responses = bundle.responses
    if "nps" not in responses:
        raise Unavailable("the responses table has no 'nps' column")
    return int(responses["nps"].notna().sum())


def _columns_with_gaps(bundle: Bundle) -> set[str]:
    responses = bundle.responses
    return {str(c) for c in responses.columns if responses[c].isna().any()}


welcome = register(
    ExerciseSet(
        "00",
        (
            Exercise(
                1,
                "customers in the bundle",
                _customer_count,
                requires=("customers",),
                why="The customers table holds one row per customer, so its length is the count; "
                "customer_id is unique by contract.",
                hint="Count the rows of bundle.customers, for example with len().",
            ),
            Exercise(
                2,
                "month with the highest net revenue",
                _peak_revenue_month,
                requires=("transactions",),
                why="Net revenue per month is the sum of amounts in that month, refunds "
                "included as negative amounts; the tour's monthly revenue chart shows the peak.",
                hint="Group the transactions by month (date.dt.to_period('M')), sum amount, "
                "and take the month of the largest sum; answer as text such as '2024-11'.",
            ),
            Exercise(
                3,
                "responses with an NPS answer",
                _nps_answers,
                requires=("responses",),
                why="This is the n of the NPS distribution: every score is read against the "
                "number of answers it rests on.",
                hint="Not every response answers every question: count the non-missing values "
                "of the nps column.",
            ),
            Exercise(
                4,
                "responses columns with missing values",
                _columns_with_gaps,
                requires=("responses",),
                why="Gaps are normal in survey data (anonymous answers, skipped questions, no "
                "comment); knowing where they are tells you which n each analysis can use.",
                hint="Look at the missing counts in the table profile, or use "
                "bundle.responses.isna().any(); answer with a set of column names.",
            ),
        ),
    )
)
