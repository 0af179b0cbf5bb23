"""Chapter 05 · churn: exercises on churn rates of groups the chapter does not print.

Every expected answer is computed here with plain pandas from the learner's bundle — the
churn rule applied by hand (a label column, or no purchase in the ``inactive_days`` after the
cutoff, the cutoff being the last purchase day minus ``inactive_days``) — not by calling
:mod:`cxlab.churn`, so a check is an independent second calculation.
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
    share_for_percent,
)

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


def _frequent_contacts(bundle: Bundle, *, up_to_cutoff: bool = True) -> float:
    if not bundle.has("events"):
        raise Unavailable("the bundle has no events table")
    labels, cutoff = _labels(bundle)
    ev = bundle.events.dropna(subset=["customer_id"])
    if cutoff is not None and up_to_cutoff:
        ev = ev[ev["timestamp"].dt.normalize() <= cutoff]
    text = ev.get("touchpoint", pd.Series("", index=ev.index)).astype("string").fillna("")
    support = ev[text.str.contains("support", case=False)]
    if support.empty:
        raise Unavailable("no event is at a support touchpoint")
    counts = support.groupby("customer_id").size().reindex(labels.index, fill_value=0)
    return _rate(labels[counts >= FREQUENT_CONTACTS])


def _unsatisfied(
    bundle: Bundle, *, up_to_cutoff: bool = True, everyone_as_base: bool = False
) -> float:
    if not bundle.has("responses") or "csat" not in bundle.responses:
        raise Unavailable("the bundle has no CSAT answers")
    labels, cutoff = _labels(bundle)
    r = bundle.responses.dropna(subset=["customer_id", "csat"])
    if cutoff is not None and up_to_cutoff:
        r = r[r["date"].dt.normalize() <= cutoff]
    mean = r.groupby("customer_id")["csat"].mean().reindex(labels.index)
    low = mean < bundle.config.csat_scale.satisfied
    if everyone_as_base:  # churned and unsatisfied over every customer who can churn
        return _rate(labels & low)
    return _rate(labels[low])


def _recent_joiners(bundle: Bundle, *, from_last_day: bool = False) -> float:
    if not bundle.has("customers") or "signup_date" not in bundle.customers:
        raise Unavailable("the customers table has no signup_date column")
    labels, cutoff = _labels(bundle)
    c = bundle.customers.drop_duplicates("customer_id").set_index("customer_id")
    signup = c["signup_date"].reindex(labels.index)
    ref = cutoff if cutoff is not None else signup.max()
    if from_last_day and cutoff is not None:  # the last purchase day, not the cutoff
        ref = cutoff + pd.Timedelta(days=int(bundle.config.churn.inactive_days))
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
                mistakes=(
                    Mistake(
                        "counted the support contacts after the cutoff too",
                        solve=lambda b: _frequent_contacts(b, up_to_cutoff=False),
                        why="Contacts after the cutoff happen inside the churn window: using "
                        "them lets the outcome leak into the group.",
                    ),
                    share_for_percent(lambda b: _frequent_contacts(b)),
                ),
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
                mistakes=(
                    Mistake(
                        "averaged the CSAT answers after the cutoff too",
                        solve=lambda b: _unsatisfied(b, up_to_cutoff=False),
                        why="An answer given after the cutoff may already reflect the "
                        "decision to leave; keep the answers dated on or before it.",
                    ),
                    Mistake(
                        "divided by every customer who can churn instead of the unsatisfied",
                        solve=lambda b: _unsatisfied(b, everyone_as_base=True),
                        why="The rate of a group has the group as its denominator.",
                    ),
                    share_for_percent(lambda b: _unsatisfied(b)),
                ),
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
                mistakes=(
                    Mistake(
                        f"counted the {RECENT_DAYS} days back from the last purchase day",
                        solve=lambda b: _recent_joiners(b, from_last_day=True),
                        why="Count back from the cutoff: customers who joined after it cannot "
                        "be judged yet and are not among those who can churn.",
                    ),
                    share_for_percent(lambda b: _recent_joiners(b)),
                ),
            ),
        ),
        quiz=Quiz(
            (
                Question(
                    "Why is churn measured from a cutoff with a window of inactive days after "
                    "it, rather than from each customer's last purchase today?",
                    (
                        Option(
                            "Because every customer who has not bought today has churned",
                            "A customer between two purchases is not gone: without a window, "
                            "everyone looks lost.",
                        ),
                        Option(
                            "So the features come from before the cutoff and the outcome "
                            "from after it, as when the model is used",
                            "Right: it keeps the future out of the features and gives every "
                            "customer the same time to come back.",
                        ),
                        Option(
                            "Because the window makes the churn rate smaller",
                            "The rate depends on the window's length either way; the reason "
                            "is a fair, leak-free comparison.",
                        ),
                    ),
                    answer="b",
                ),
                Question(
                    "A churn model has an AUC of 0.80. What does that say?",
                    (
                        Option(
                            "80 % of its predictions are right",
                            "That would be accuracy; AUC says nothing about a threshold.",
                        ),
                        Option(
                            "A churner picked at random gets a higher risk than a stayer "
                            "picked at random 80 % of the time",
                            "Right: AUC is a ranking measure.",
                        ),
                        Option(
                            "80 % of the customers it flags will churn",
                            "That is precision at some threshold, which AUC does not give.",
                        ),
                    ),
                    answer="b",
                ),
                Question(
                    "Why check a churn model's calibration as well as its AUC before "
                    "ranking customers by expected loss?",
                    (
                        Option(
                            "Expected loss multiplies the risk by the value, so the risk must "
                            "be a true probability, not only a good ranking",
                            "Right: a model can rank well and still say 60 % where 30 % of "
                            "such customers leave.",
                        ),
                        Option(
                            "Calibration raises the AUC",
                            "Recalibrating keeps the order of the scores, so the AUC stays.",
                        ),
                        Option(
                            "Calibration is only needed with more than two classes",
                            "Any probability used as a number needs it, two classes included.",
                        ),
                    ),
                    answer="a",
                ),
                Question(
                    "Customers who contacted support often churn more. What may you conclude?",
                    (
                        Option(
                            "Support drives customers away: cut contacts",
                            "An association is not a cause: customers with problems both "
                            "contact support and leave.",
                        ),
                        Option(
                            "Nothing: the association must be chance",
                            "With an interval that leaves out zero it is unlikely to be chance.",
                        ),
                        Option(
                            "Frequent contact is a warning sign worth acting on; whether "
                            "support itself helps needs an experiment",
                            "Right: use it to find customers at risk, and test changes to "
                            "support before claiming they work.",
                        ),
                    ),
                    answer="c",
                ),
            )
        ),
    )
)
