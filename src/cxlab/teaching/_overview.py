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
    Mistake,
    Option,
    Question,
    Quiz,
    Unavailable,
    register,
)

if TYPE_CHECKING:  # pragma: no cover
    from cxlab.contract.bundle import Bundle

__all__ = ["welcome"]


def _signup_years(bundle: Bundle) -> pd.Series:
    customers = bundle.customers
    if "signup_date" not in customers:
        raise Unavailable("the customers table has no 'signup_date' column")
    years = pd.to_datetime(customers["signup_date"]).dt.year
    if years.isna().all():
        raise Unavailable("no customer has a signup date")
    return years


def _latest_year_signups(bundle: Bundle) -> int:
    years = _signup_years(bundle)
    return int((years == years.max()).sum())


def _first_year_signups(bundle: Bundle) -> int:
    years = _signup_years(bundle)
    return int((years == years.min()).sum())


def _every_customer(bundle: Bundle) -> int:
    return len(bundle.customers)


def _monthly(bundle: Bundle, *, refunds: bool) -> pd.Series:
    tx = bundle.transactions.dropna(subset=["date", "amount"])
    if not refunds:
        tx = tx[tx["amount"] > 0]
    if tx.empty:
        raise Unavailable("the transactions table has no dated amounts")
    return tx.groupby(tx["date"].dt.to_period("M"))["amount"].sum()


def _best_month_revenue(bundle: Bundle) -> float:
    return float(_monthly(bundle, refunds=True).max())


def _best_month_gross(bundle: Bundle) -> float:
    return float(_monthly(bundle, refunds=False).max())


def _latest_year_responses(bundle: Bundle) -> pd.DataFrame:
    responses = bundle.responses
    years = pd.to_datetime(responses["date"]).dt.year
    if years.isna().all():
        raise Unavailable("the responses table has no dates")
    return responses[years == years.max()]


def _nps_answers_latest_year(bundle: Bundle) -> int:
    responses = _latest_year_responses(bundle)
    if "nps" not in responses:
        raise Unavailable("the responses table has no 'nps' column")
    return int(responses["nps"].notna().sum())


def _responses_latest_year(bundle: Bundle) -> int:
    return len(_latest_year_responses(bundle))


def _nps_answers_all_years(bundle: Bundle) -> int:
    if "nps" not in bundle.responses:
        raise Unavailable("the responses table has no 'nps' column")
    return int(bundle.responses["nps"].notna().sum())


def _surveyed_ids(bundle: Bundle) -> pd.Series:
    if "customer_id" not in bundle.responses:
        raise Unavailable("the responses table has no 'customer_id' column")
    ids = bundle.responses["customer_id"].dropna().astype(str)
    return ids[ids.isin(set(bundle.customers["customer_id"].astype(str)))]


def _share_heard_from(bundle: Bundle) -> float:
    return 100 * _surveyed_ids(bundle).nunique() / len(bundle.customers)


def _responses_per_customer(bundle: Bundle) -> float:
    return 100 * len(_surveyed_ids(bundle)) / len(bundle.customers)


def _share_heard_from_fraction(bundle: Bundle) -> float:
    return _share_heard_from(bundle) / 100


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
                "customers who signed up in the latest year",
                _latest_year_signups,
                requires=("customers",),
                why="The customers table holds one row per customer with the date they signed "
                "up; counting the rows of the latest calendar year gives this year's intake, the "
                "number every retention figure is later read against.",
                hint="Take the year of bundle.customers['signup_date'] (.dt.year), keep the "
                "largest year and count the customers in it.",
                mistakes=(
                    Mistake(
                        "counted every customer, whenever they signed up",
                        _every_customer,
                        why="The question is about one year's intake; filter on the signup year "
                        "first.",
                    ),
                    Mistake(
                        "counted the first year instead of the latest",
                        _first_year_signups,
                        why="The latest year is the largest value of signup_date.dt.year.",
                    ),
                ),
            ),
            Exercise(
                2,
                "net revenue of the best month",
                _best_month_revenue,
                requires=("transactions",),
                tolerance=0.5,
                why="Net revenue per month is the sum of amounts in that month, refunds "
                "included as negative amounts; the tour's monthly revenue chart shows which "
                "month peaks, the sum says by how much.",
                hint="Group the transactions by month (date.dt.to_period('M')), sum amount "
                "(refunds are negative amounts) and answer with the largest sum, to the "
                "nearest unit of money; answers within ±0.5 count.",
                mistakes=(
                    Mistake(
                        "summed the sales only and left the refunds out (gross, not net)",
                        _best_month_gross,
                        why="Refunds are negative amounts and belong in the month's net "
                        "revenue: sum every amount, not only the positive ones.",
                    ),
                ),
            ),
            Exercise(
                3,
                "NPS answers in the latest year",
                _nps_answers_latest_year,
                requires=("responses",),
                why="This is the n of the year's NPS: every score is read against the number of "
                "answers it rests on, and the relationship surveys that ask the NPS question are "
                "only part of the responses.",
                hint="Keep the responses dated in the latest calendar year and count the "
                "non-missing values of the nps column.",
                mistakes=(
                    Mistake(
                        "counted every response of the year, not only those with an NPS answer",
                        _responses_latest_year,
                        why="Touchpoint surveys do not ask the NPS question; count the "
                        "non-missing nps values.",
                    ),
                    Mistake(
                        "counted the NPS answers of every year",
                        _nps_answers_all_years,
                        why="Keep the latest calendar year of the date column first.",
                    ),
                ),
            ),
            Exercise(
                4,
                "share of customers heard from in a survey",
                _share_heard_from,
                requires=("customers", "responses"),
                tolerance=0.05,
                why="Distinct customer ids among the responses, out of all customers: the rest "
                "have never told the business anything, so every score speaks for this share "
                "of the base at most (anonymous answers cannot be counted).",
                hint="Count the distinct non-missing customer_id values of bundle.responses "
                "that are in bundle.customers, divide by the number of customers, and answer "
                "in percent.",
                mistakes=(
                    Mistake(
                        "counted responses rather than distinct customers",
                        _responses_per_customer,
                        why="A customer who answered twice is still one customer: use "
                        ".nunique() on customer_id.",
                    ),
                    Mistake(
                        "gave a share (0–1) instead of a percentage",
                        _share_heard_from_fraction,
                        why="Multiply the share by 100.",
                    ),
                ),
            ),
        ),
        quiz=QUIZ,
    )
)
