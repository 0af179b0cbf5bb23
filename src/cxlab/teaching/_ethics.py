"""Chapter 08 · ethics audit: exercises on consent, the denominator of a parity ratio, and k.

The chapter audits a client's data with :mod:`cxlab.ethics`; the exercises ask for numbers the
chapter did not print — non-consenting customers who answered a survey, a benefit's parity
ratio among the buyers who signed up in 2025 (the chapter audits all buyers), and k over two
other quasi-identifiers — so a learner works them out with plain pandas. Every expected answer
is computed here with pandas, not by calling :mod:`cxlab.ethics`, so a check is an independent
second calculation. Each exercise lists the wrong answers learners predictably give (every
refuser counted whether they answered or not, the wrong denominator, each quasi-identifier
taken alone, the number of groups instead of the smallest one).
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

__all__ = ["ethics"]

_YES = {"true", "yes", "y", "1", "t"}
#: The sign-up year whose buyers exercise 2 audits (the chapter audits every buyer).
SIGNUP_YEAR = 2025


def _words(values: pd.Series) -> pd.Series:
    return values.astype("string").str.strip().str.lower()


def _agreed(values: pd.Series) -> pd.Series:
    return _words(values).isin(_YES).fillna(False)


def _consent(bundle: Bundle) -> pd.Series:
    column = bundle.config.consent
    if not column or column not in bundle.customers:
        raise Unavailable("the bundle records no consent column")
    return bundle.customers[column]


def _answered(bundle: Bundle) -> pd.Series:
    return bundle.responses["customer_id"].dropna().astype(str)


def _refusers_who_answered(bundle: Bundle) -> int:
    c = bundle.customers
    refused = set(c.loc[~_agreed(_consent(bundle)).to_numpy(), "customer_id"].astype(str))
    return len(refused & set(_answered(bundle)))


def _refusers_answers(bundle: Bundle) -> int:
    """Count responses rather than customers (the mistake)."""
    c = bundle.customers
    refused = set(c.loc[~_agreed(_consent(bundle)).to_numpy(), "customer_id"].astype(str))
    return int(_answered(bundle).isin(refused).sum())


def _refusers(bundle: Bundle) -> int:
    """Count every customer without consent, answered or not (the mistake)."""
    return int((~_agreed(_consent(bundle))).sum())


def _benefit(bundle: Bundle) -> str:
    words = ("offer", "reward", "discount", "voucher", "coupon", "promo", "benefit", "priority")
    for col in bundle.customers.columns:
        if any(w in str(col).lower() for w in words):
            return str(col)
    raise Unavailable("the customers table has no column named like a benefit or offer")


def _new_customers(bundle: Bundle, *, buyers_only: bool) -> pd.DataFrame:
    if not bundle.config.sensitive or bundle.config.sensitive[0] not in bundle.customers:
        raise Unavailable("cxlab.yml declares no sensitive attribute the customers table holds")
    c = bundle.customers
    if "signup_date" not in c or c["signup_date"].isna().all():
        raise Unavailable("the customers table has no sign-up dates")
    c = c[c["signup_date"].dt.year == SIGNUP_YEAR]
    if buyers_only:
        if not bundle.has("transactions"):
            raise Unavailable("without transactions there are no buyers to audit")
        tx = bundle.transactions
        bought = set(tx.loc[pd.to_numeric(tx["amount"], errors="coerce") > 0, "customer_id"])
        c = c[c["customer_id"].isin(bought)]
    if c.empty:
        raise Unavailable(f"no customer signed up in {SIGNUP_YEAR}")
    return c


def _rates(bundle: Bundle, *, buyers_only: bool = True) -> pd.Series:
    c = _new_customers(bundle, buyers_only=buyers_only)
    attribute = bundle.config.sensitive[0]
    got = _agreed(c[_benefit(bundle)])
    rates = got.groupby(c[attribute].astype("string").fillna("(not recorded)")).mean()
    if rates.max() == 0:
        raise Unavailable("nobody in this group received the benefit")
    return rates


def _ratio_new_buyers(bundle: Bundle) -> float:
    rates = _rates(bundle)
    return float(rates.min() / rates.max())


def _ratio_new_customers(bundle: Bundle) -> float:
    """Take every 2025 sign-up as the denominator, buyers or not (the mistake)."""
    rates = _rates(bundle, buyers_only=False)
    return float(rates.min() / rates.max())


def _ratio_upside_down(bundle: Bundle) -> float:
    rates = _rates(bundle)
    if rates.min() == 0:
        raise Unavailable("a group received nothing, so the inverted ratio is infinite")
    return float(rates.max() / rates.min())


def _difference_new_buyers(bundle: Bundle) -> float:
    rates = _rates(bundle)
    return float(rates.max() - rates.min())


def _region_channel(bundle: Bundle) -> pd.DataFrame:
    c = bundle.customers
    if not {"region", "channel"} <= set(c.columns):
        raise Unavailable("the customers table lacks region or channel")
    return c[["region", "channel"]].astype("string")


def _k_region_channel(bundle: Bundle) -> int:
    return int(_region_channel(bundle).fillna("(empty)").value_counts().min())


def _groups_region_channel(bundle: Bundle) -> int:
    """Count the groups rather than the customers in the smallest (the mistake)."""
    return len(_region_channel(bundle).fillna("(empty)").value_counts())


def _k_each_column(bundle: Bundle) -> int:
    """Take each quasi-identifier's smallest group alone, not their combinations (the mistake)."""
    both = _region_channel(bundle).fillna("(empty)")
    return int(min(both[column].value_counts().min() for column in both))


QUIZ = Quiz(
    (
        Question(
            "The consent column is blank for a customer. May the business send them a "
            "personalised offer?",
            (
                Option(
                    "Yes: they did not say no",
                    "Consent must be given, not assumed; silence is not agreement.",
                ),
                Option(
                    "No: only an explicit yes is consent",
                    "Right: a blank is treated as a refusal for marketing, targeting and "
                    "modelling.",
                ),
                Option(
                    "Only if they bought in the last year",
                    "A recent purchase is a reason to write about the order, not consent to "
                    "marketing.",
                ),
            ),
            answer="b",
        ),
        Question(
            "A benefit's parity ratio is 0.74 with a 95 % interval of 0.58 to 0.93. What do "
            "you report?",
            (
                Option(
                    "The benefit is fair: the interval reaches above 0.8",
                    "The estimate fails the four-fifths rule; an interval that straddles 0.8 "
                    "does not clear it.",
                ),
                Option(
                    "Clear proof of discrimination",
                    "The interval reaches above 0.8, so chance is not ruled out; and a gap in "
                    "rates alone does not say why it arose.",
                ),
                Option(
                    "A possible adverse impact that needs a closer look (e.g. at equal spend) "
                    "and more data",
                    "Right: the estimate fails the screen but the evidence is not conclusive; "
                    "compare like with like before concluding.",
                ),
            ),
            answer="c",
        ),
        Question(
            "Over age band, gender and region the customers table has k = 1. What does that mean?",
            (
                Option(
                    "At least one customer is alone in their combination and can be singled "
                    "out by anyone who knows those three facts",
                    "Right: k is the size of the smallest group; 1 means a unique record.",
                ),
                Option(
                    "Every customer is anonymous",
                    "That would need a large k; k = 1 is the worst possible value.",
                ),
                Option(
                    "There is one combination of values",
                    "k counts records in the smallest group, not the number of groups.",
                ),
            ),
            answer="a",
        ),
        Question(
            "A threshold optimiser equalises the churn model's selection rates across groups "
            "and costs 3 points of accuracy. Which statement is right?",
            (
                Option(
                    "It is free: the model stays the same",
                    "The scores stay the same but the thresholds differ by group, so some "
                    "decisions change — that is where the accuracy goes.",
                ),
                Option(
                    "Whether to use it is a business and legal decision to be written down, "
                    "weighing the accuracy lost against the harm of unequal treatment",
                    "Right: the audit measures the trade-off; a person owns the choice.",
                ),
                Option(
                    "Removing the sensitive attribute from the model has the same effect",
                    "Other features can stand in for it; leaving it out does not equalise "
                    "the rates.",
                ),
            ),
            answer="b",
        ),
    )
)


ethics = register(
    ExerciseSet(
        "08",
        (
            Exercise(
                1,
                "non-consenting customers who answered a survey",
                _refusers_who_answered,
                requires=("customers", "responses"),
                why="Their answers may still count in anonymous aggregates (an NPS), but they "
                "may not be targeted with a follow-up offer or fed into a churn model.",
                hint="Take the customers whose consent column is not an explicit yes (a blank "
                "is not consent), and count how many of their ids appear in "
                "responses.customer_id; count customers, not responses.",
                mistakes=(
                    Mistake(
                        "counted survey responses rather than customers",
                        _refusers_answers,
                        why="A customer who answered three surveys is one person: count "
                        "distinct customer ids.",
                    ),
                    Mistake(
                        "counted every customer without consent, whether or not they answered "
                        "a survey",
                        _refusers,
                        why="Keep only the refusers whose id appears in responses.customer_id.",
                    ),
                ),
            ),
            Exercise(
                2,
                f"the benefit's parity ratio among buyers who signed up in {SIGNUP_YEAR}",
                _ratio_new_buyers,
                requires=("customers", "transactions"),
                tolerance=0.005,
                why="The benefit can only go to people who buy, so buyers are the denominator; "
                "a ratio below 0.8 among the newest customers says the gap is not a legacy of "
                "old decisions.",
                hint=f"Keep the customers whose signup_date falls in {SIGNUP_YEAR} and who have "
                "at least one transaction with amount > 0. For the first attribute under "
                "sensitive: in cxlab.yml, compute the share receiving the benefit in each "
                "group, then divide the lowest share by the highest.",
                mistakes=(
                    Mistake(
                        f"took the parity ratio over all customers who signed up in "
                        f"{SIGNUP_YEAR}, not only the buyers",
                        _ratio_new_customers,
                        why="Customers who never bought could not earn the benefit; including "
                        "them mixes who buys with who is chosen. Keep customers with a "
                        "positive amount in transactions.",
                    ),
                    Mistake(
                        "divided the highest rate by the lowest",
                        _ratio_upside_down,
                        why="The parity ratio is lowest / highest, between 0 and 1.",
                    ),
                    Mistake(
                        "gave the difference of the rates instead of their ratio",
                        _difference_new_buyers,
                        why="The four-fifths rule reads the ratio lowest / highest.",
                    ),
                ),
            ),
            Exercise(
                3,
                "k over region and channel",
                _k_region_channel,
                requires=("customers",),
                why="k is the size of the smallest group of customers sharing both values; "
                "below 5, those customers can be singled out by anyone who knows them.",
                hint="Group customers by region and channel together (a blank is a value of "
                "its own), count each group, and take the smallest count — not the number of "
                "groups.",
                mistakes=(
                    Mistake(
                        "counted the groups rather than the customers in the smallest one",
                        _groups_region_channel,
                        why="k is a group size: value_counts() and then .min().",
                    ),
                    Mistake(
                        "took the smallest group of region and of channel separately, not of "
                        "their combinations",
                        _k_each_column,
                        why="k is over the quasi-identifiers together: someone who knows both "
                        "a customer's region and channel narrows them to the group sharing "
                        "both, which is smaller than either alone.",
                    ),
                ),
            ),
        ),
        quiz=QUIZ,
    )
)
