"""Chapter 08 · ethics audit: exercises on consent, the denominator of a parity ratio, and k.

The chapter audits a client's data with :mod:`cxlab.ethics`; the exercises ask for numbers the
chapter did not print — non-consenting customers who answered a survey, a benefit's parity
ratio among *all* customers rather than buyers, and k over two other quasi-identifiers — so a
learner works them out with plain pandas. Every expected answer is computed here with pandas,
not by calling :mod:`cxlab.ethics`, so a check is an independent second calculation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from cxlab.teaching._core import Exercise, ExerciseSet, Unavailable, register

if TYPE_CHECKING:  # pragma: no cover
    from cxlab.contract.bundle import Bundle

__all__ = ["ethics"]

_YES = {"true", "yes", "y", "1", "t"}


def _agreed(values: pd.Series) -> pd.Series:
    return values.astype("string").str.strip().str.lower().isin(_YES).fillna(False)


def _refusers_who_answered(bundle: Bundle) -> int:
    column = bundle.config.consent
    if not column or column not in bundle.customers:
        raise Unavailable("the bundle records no consent column")
    c = bundle.customers
    refused = set(c.loc[~_agreed(c[column]).to_numpy(), "customer_id"].astype(str))
    answered = set(bundle.responses["customer_id"].dropna().astype(str))
    return len(refused & answered)


def _benefit(bundle: Bundle) -> str:
    words = ("offer", "reward", "discount", "voucher", "coupon", "promo", "benefit", "priority")
    for col in bundle.customers.columns:
        if any(w in str(col).lower() for w in words):
            return str(col)
    raise Unavailable("the customers table has no column named like a benefit or offer")


def _ratio_all_customers(bundle: Bundle) -> float:
    if not bundle.config.sensitive or bundle.config.sensitive[0] not in bundle.customers:
        raise Unavailable("cxlab.yml declares no sensitive attribute the customers table holds")
    attribute = bundle.config.sensitive[0]
    c = bundle.customers
    got = _agreed(c[_benefit(bundle)])
    rates = got.groupby(c[attribute].astype("string").fillna("(not recorded)")).mean()
    if rates.max() == 0:
        raise Unavailable("nobody received the benefit")
    return float(rates.min() / rates.max())


def _k_region_channel(bundle: Bundle) -> int:
    c = bundle.customers
    if not {"region", "channel"} <= set(c.columns):
        raise Unavailable("the customers table lacks region or channel")
    return int(c[["region", "channel"]].astype("string").fillna("(empty)").value_counts().min())


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
            ),
            Exercise(
                2,
                "the benefit's parity ratio among all customers",
                _ratio_all_customers,
                requires=("customers",),
                tolerance=0.005,
                why="Among all customers the ratio mixes in people who never bought and so "
                "could not earn the benefit; the chapter audits buyers, the people eligible. "
                "Choosing the denominator is part of the audit.",
                hint="For the first attribute under sensitive: in cxlab.yml, compute the share "
                "receiving the benefit in each group over every customer (not only buyers), "
                "then divide the lowest share by the highest.",
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
            ),
        ),
    )
)
