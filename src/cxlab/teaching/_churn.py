"""Chapter 05 · churn: exercises on churn rates of groups the chapter does not print.

Every expected answer is computed here with plain pandas from the learner's bundle — the
churn rule applied by hand (a label column, or no purchase in the ``inactive_days`` after the
cutoff, the cutoff being the last purchase day minus ``inactive_days``) — not by calling
:mod:`cxlab.churn`, so a check is an independent second calculation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from cxlab.teaching._core import Exercise, ExerciseSet, Unavailable, register

if TYPE_CHECKING:  # pragma: no cover
    from cxlab.contract.bundle import Bundle

__all__ = ["churn"]

#: Support contacts that make a customer a frequent contact in exercise 1.
FREQUENT_CONTACTS = 2

#: Days before the cutoff that count as "joined recently" in exercise 3.
RECENT_DAYS = 365


def _labels(bundle: Bundle) -> tuple[pd.Series, pd.Timestamp | None]:
    """Churned or not per customer, and the cutoff (None for a label column)."""
    rule = bundle.config.churn
    if rule.label:
        if not bundle.has("customers") or rule.label not in bundle.customers:
            raise Unavailable(f"the customers table has no {rule.label!r} column")
        c = bundle.customers.dropna(subset=[rule.label]).drop_duplicates("customer_id")
        return c.set_index("customer_id")[rule.label].astype(bool), None
    if not bundle.has("transactions"):
        raise Unavailable("churn by inactivity needs the transactions table")
    tx = bundle.transactions.dropna(subset=["customer_id", "date"])
    tx = tx[tx["amount"] > 0] if "amount" in tx else tx
    day = tx["date"].dt.normalize()
    cutoff = day.max() - pd.Timedelta(days=int(rule.inactive_days))
    before = set(tx.loc[day <= cutoff, "customer_id"])
    after = set(tx.loc[day > cutoff, "customer_id"])
    return pd.Series({c: c not in after for c in before}, dtype=bool), cutoff


def _rate(churned: pd.Series) -> float:
    if len(churned) == 0:
        raise Unavailable("no customer is in the group")
    return 100 * float(churned.mean())


def _frequent_contacts(bundle: Bundle) -> float:
    if not bundle.has("events"):
        raise Unavailable("the bundle has no events table")
    labels, cutoff = _labels(bundle)
    ev = bundle.events.dropna(subset=["customer_id"])
    if cutoff is not None:
        ev = ev[ev["timestamp"].dt.normalize() <= cutoff]
    text = ev.get("touchpoint", pd.Series("", index=ev.index)).astype("string").fillna("")
    support = ev[text.str.contains("support", case=False)]
    if support.empty:
        raise Unavailable("no event is at a support touchpoint")
    counts = support.groupby("customer_id").size().reindex(labels.index, fill_value=0)
    return _rate(labels[counts >= FREQUENT_CONTACTS])


def _unsatisfied(bundle: Bundle) -> float:
    if not bundle.has("responses") or "csat" not in bundle.responses:
        raise Unavailable("the bundle has no CSAT answers")
    labels, cutoff = _labels(bundle)
    r = bundle.responses.dropna(subset=["customer_id", "csat"])
    if cutoff is not None:
        r = r[r["date"].dt.normalize() <= cutoff]
    mean = r.groupby("customer_id")["csat"].mean().reindex(labels.index)
    return _rate(labels[mean < bundle.config.csat_scale.satisfied])


def _recent_joiners(bundle: Bundle) -> float:
    if not bundle.has("customers") or "signup_date" not in bundle.customers:
        raise Unavailable("the customers table has no signup_date column")
    labels, cutoff = _labels(bundle)
    c = bundle.customers.drop_duplicates("customer_id").set_index("customer_id")
    signup = c["signup_date"].reindex(labels.index)
    ref = cutoff if cutoff is not None else signup.max()
    if pd.isna(ref):
        raise Unavailable("no signup dates")
    recent = (signup > ref - pd.Timedelta(days=RECENT_DAYS)) & (signup <= ref)
    return _rate(labels[recent])


_LABEL_NOTE = (
    "Churned means: the label column with a label rule; with an inactivity rule, a customer who "
    "bought on or before the cutoff (last purchase day minus inactive_days) and not after it."
)

churn = register(
    ExerciseSet(
        "05",
        (
            Exercise(
                1,
                f"churn rate of customers with {FREQUENT_CONTACTS} or more support contacts",
                _frequent_contacts,
                requires=("events",),
                tolerance=0.5,
                why="The denominator is the customers who can churn (bought before the cutoff) "
                f"and had {FREQUENT_CONTACTS}+ contacts at a support touchpoint up to the cutoff; "
                "counting contacts after the cutoff would leak the future. " + _LABEL_NOTE,
                hint="Apply the churn rule by hand, count support events per customer dated on "
                "or before the cutoff (0 for none), keep those with at least "
                f"{FREQUENT_CONTACTS}, and take the mean of churned × 100.",
            ),
            Exercise(
                2,
                "churn rate of customers whose average CSAT is below 'satisfied'",
                _unsatisfied,
                requires=("responses",),
                tolerance=0.5,
                why="Average each customer's CSAT answers up to the cutoff and compare it with "
                "the scale's satisfied threshold (cxlab.yml); customers who never answered are "
                "not in the group, a common wrong denominator. " + _LABEL_NOTE,
                hint="Group the responses dated on or before the cutoff by customer_id, take "
                "the mean csat, keep the churn-eligible customers below "
                "bundle.config.csat_scale.satisfied, and take the mean of churned × 100.",
            ),
            Exercise(
                3,
                f"churn rate of customers who joined in the {RECENT_DAYS} days before the cutoff",
                _recent_joiners,
                requires=("customers",),
                tolerance=0.5,
                why="New customers often churn more: they have not yet built a habit. With a "
                "label column there is no cutoff, so the reference day is the latest signup. "
                + _LABEL_NOTE,
                hint=f"Keep the churn-eligible customers whose signup_date is within {RECENT_DAYS} "
                "days before the cutoff (after ref − 365 days, on or before ref) and take the "
                "mean of churned × 100.",
            ),
        ),
    )
)
