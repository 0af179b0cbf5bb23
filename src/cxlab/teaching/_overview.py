"""Chapter 00 · welcome: the exercises of the tour of a client's data.

The chapter's analytics module is :mod:`cxlab.overview`, which names this file; the set keeps
the name ``welcome`` that the chapter's notebook calls (``teaching.welcome``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from cxlab.teaching._core import (
    Exercise,
    ExerciseSet,
    Option,
    Question,
    Quiz,
    Unavailable,
    register,
)

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


QUIZ = Quiz(
    (
        Question(
            "A bakery's bread is excellent, yet a regular leaves unhappy. What does the "
            "expectation–disconfirmation view of satisfaction say is going on?",
            (
                Option(
                    "The bread cannot be as good as it seems",
                    "Quality can be high and still disappoint: the model says satisfaction "
                    "comes from comparing what was received with what was expected.",
                ),
                Option(
                    "What the regular received fell short of what they expected",
                    "Satisfaction is the outcome of that comparison (Oliver, 1980); a regular "
                    "expects to be recognised, and nobody greeted them.",
                ),
                Option(
                    "The price was too high",
                    "Price is one expectation among many; nothing in the story points to it.",
                ),
            ),
            answer="b",
        ),
        Question(
            "An owner says: 'Customer-centricity is too expensive for a shop our size.' "
            "Which reply answers the objection?",
            (
                Option(
                    "Agree, and wait until the business can afford a CRM system",
                    "That accepts the myth: the first steps need no software budget.",
                ),
                Option(
                    "Start with cheap habits — ask for feedback, use the customer's history "
                    "when writing, let staff fix problems on the spot",
                    "These cost little, and keeping a customer is cheaper than finding a new "
                    "one, so the objection does not hold.",
                ),
                Option(
                    "Redesign every process around the customer at once",
                    "That answers a different myth the wrong way: change can be made one "
                    "step at a time, starting with the most important customers.",
                ),
            ),
            answer="b",
        ),
        Question(
            "Which practice marks a customer-centric business rather than a product-centric one?",
            (
                Option(
                    "Complaints are dealt with as they arrive",
                    "That is the reactive use of feedback typical of a product-centric business.",
                ),
                Option(
                    "Success is measured in units sold",
                    "Units sold measure the product; a customer-centric business tracks "
                    "satisfaction, loyalty and lifetime value.",
                ),
                Option(
                    "Feedback is sought out regularly and used to improve",
                    "Proactive listening is the customer-centric use of feedback.",
                ),
            ),
            answer="c",
        ),
        Question(
            "Fader's refinement of customer-centricity says the business should...",
            (
                Option(
                    "treat every customer exactly alike",
                    "Fader argues the opposite: customers differ in the value they create.",
                ),
                Option(
                    "align itself with the customers who create the most value over time",
                    "That is why later chapters segment customers and estimate their "
                    "lifetime value.",
                ),
                Option(
                    "serve whoever complains loudest first",
                    "Loud complaints deserve an answer, but they are not a strategy for whom "
                    "to build the business around.",
                ),
            ),
            answer="b",
        ),
        Question(
            "Which is radical customer empathy rather than good service?",
            (
                Option(
                    "Answering every e-mail within a day",
                    "That is good service: it meets a need, but it does not change how "
                    "decisions are made.",
                ),
                Option(
                    "A month-long discount campaign",
                    "A campaign is a one-off; empathy is meant as a lasting founding value.",
                ),
                Option(
                    "Rewriting the returns policy after staff return a wrong-size order the "
                    "way a customer has to",
                    "Deciding from the customer's side of the counter, after living their "
                    "situation, is what radical empathy asks for.",
                ),
            ),
            answer="c",
        ),
    )
)


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
        quiz=QUIZ,
    )
)
