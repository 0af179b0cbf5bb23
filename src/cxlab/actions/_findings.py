"""Findings of chapter 09: the sentences it states about follow-ups, actions and demand.

Each function reads a result of :mod:`cxlab.actions` and returns a
:class:`cxlab.findings.Finding` that says plainly when the data do not support the statement:
no identified answers, nobody flagged, too few customers (:data:`MIN_N`), a forecast that does
not beat its baseline. Touchpoint names are client text and only ever values of a finding.
"""

from __future__ import annotations

import pandas as pd

from cxlab.actions._forecast import DemandForecast
from cxlab.actions._signals import Signals
from cxlab.findings import Finding, join, md, noun

__all__ = [
    "MIN_N",
    "forecast_finding",
    "nba_finding",
    "queue_finding",
    "signals_finding",
    "skipped_finding",
]

#: Fewest customers a share in these findings rests on.
MIN_N = 30


def signals_finding(signals: Signals) -> Finding:
    """Say which churn-risk and value signals the actions rank by.

    Examples
    --------
    >>> s = Signals(pd.Series(dtype=float), pd.Series(dtype=float), "recency proxy", "model")
    >>> signals_finding(s).text.split(";")[0]
    'Churn risk comes from the recency proxy (days since the last purchase over the churn window)'
    """
    risk = {
        "model": "a fitted churn model",
        "recency proxy": "the recency proxy (days since the last purchase over the churn window)",
        "none": "nowhere: the data hold no dated purchases, so risk counts as zero",
    }[signals.risk_source]
    value = {
        "model": "a predicted lifetime value",
        "historical spend": "historical net spend",
        "none": "nowhere: the data hold no transactions, so value counts as zero",
    }[signals.value_source]
    return md("Churn risk comes from {risk}; value from {value}.", risk=risk, value=value)


def queue_finding(queue: pd.DataFrame) -> Finding:
    """State how many customers wait for a follow-up, where, and how urgently."""
    notes = [md("{n}", n=n) for n in queue.attrs.get("notes", [])]
    if queue.empty:
        return join(
            [
                Finding.unsupported(
                    "No identified answer in the period signals a poor experience, "
                    "so nobody waits for a follow-up."
                ),
                *notes,
            ]
        )
    asof = queue.attrs.get("asof")
    urgent = 0
    if asof is not None and queue["due"].notna().any():
        urgent = int((queue["due"] <= asof + pd.offsets.BDay(2)).sum())
    top = queue["touchpoint"].dropna()
    top = top[top.astype(str).str.strip() != ""]
    parts = [_waiting(len(queue), urgent)]
    if len(top):
        counts = top.value_counts()
        parts.append(
            md(
                "Most follow-ups concern **{tp}** ({k:,} of {n:,}).",
                tp=counts.index[0],
                k=int(counts.iloc[0]),
                n=len(queue),
            )
        )
    return join([*parts, *notes])


def _waiting(n: int, urgent: int) -> Finding:
    """State the queue's size and urgency, in the singular or plural as the counts need.

    Examples
    --------
    >>> _waiting(1, 1).text
    '1 customer waits for a follow-up, and it is urgent (due within two working days).'
    >>> _waiting(5, 1).text
    '5 customers wait for a follow-up; 1 of them is urgent (due within two working days).'
    >>> _waiting(5, 0).text
    '5 customers wait for a follow-up; none is urgent (due within two working days).'
    """
    due = "(due within two working days)"
    if n == 1:
        state = "it is urgent" if urgent else "it is not urgent"
        return md("**1** customer waits for a follow-up, and {s} {d}.", s=state, d=due)
    if urgent == 0:
        tail = md("none is urgent {d}.", d=due)
    elif urgent == n:
        tail = md("all of them are urgent {d}.", d=due)
    else:
        verb = "is" if urgent == 1 else "are"
        tail = md("{u:,} of them {v} urgent {d}.", u=urgent, v=verb, d=due)
    return join([md("**{n:,}** customers wait for a follow-up;", n=n), tail])


def nba_finding(actions: pd.DataFrame) -> Finding:
    """State how the next-best-actions split, how many need review, and what consent held back."""
    n = len(actions)
    notes = [md("{t}", t=t) for t in actions.attrs.get("notes", [])]
    if n == 0:
        return join(
            [Finding.unsupported("There are no customers to decide an action for."), *notes]
        )
    counts = actions["action"].value_counts()
    active = n - int(counts.get("no action", 0))
    review = int(actions["human_review"].sum())
    withheld = int(actions["rule"].str.contains("withheld").sum())
    gets = "gets" if active == 1 else "get"
    if n == 1:
        head = md("{a} customer {g} an action", a="The" if active else "No", g="gets")
    else:
        head = md("{a:,} of {n:,} customers {g} an action", a=active, n=n, g=gets)
    if review == 0:
        wait = md("no automated action is high-impact enough to wait for review")
    elif review == 1:
        wait = md("1 automated action is high-impact and waits for a person's review")
    else:
        wait = md(
            "{r:,} automated actions are high-impact and wait for a person's review", r=review
        )
    held = md(
        "consent held back a marketing action for {w:,} {c}.",
        w=withheld,
        c=noun(withheld, "customer"),
    )
    parts = [join([head, wait, held], sep="; ")]
    if n < MIN_N:
        parts.append(
            md(
                "With only {n} {c}, treat the split as a list, not a pattern.",
                n=n,
                c=noun(n, "customer"),
            )
        )
    return join([*parts, *notes])


def forecast_finding(fc: DemandForecast, *, unit: str = "orders") -> Finding:
    """State the forecast, its interval and whether it beat the baseline on the holdout."""
    f = fc.forecast
    mean = float(f["forecast"].mean())
    parts = [
        md(
            "Over the next {w} {weeks} expect about **{m:,.0f} {unit} a week** (weekly {c:.0%} "
            "intervals from {lo:,.0f} to {hi:,.0f}).",
            w=len(f),
            weeks=noun(len(f), "week"),
            m=mean,
            unit=unit,
            c=fc.confidence,
            lo=float(f["low"].min()),
            hi=float(f["high"].max()),
        )
    ]
    hold = len(fc.backtest)
    if fc.beats_baseline:
        parts.append(
            md(
                "On the last {h} {weeks}, held out, its average error was {a:,.1f} {unit} a week "
                "against {b:,.1f} for the {base} forecast ({p:.0%} smaller).",
                h=hold,
                weeks=noun(hold, "week"),
                a=fc.mae_model,
                b=fc.mae_baseline,
                unit=unit,
                base=fc.baseline,
                p=1 - fc.skill,
            )
        )
    else:
        parts.append(
            Finding.unsupported(
                "On the last {h} {weeks}, held out, the model did not beat the {base} forecast "
                "(error {a:,.1f} against {b:,.1f} a week): plan with the simpler forecast, and "
                "revisit once more weeks are recorded.",
                h=hold,
                weeks=noun(hold, "week"),
                base=fc.baseline,
                a=fc.mae_model,
                b=fc.mae_baseline,
            )
        )
    return join([*parts, *(md("{t}", t=t) for t in fc.notes)])


_SKIPPED = {
    "queue": "No follow-up queue: it needs survey answers with the customer's id "
    "(a responses table with a customer id column), which this data lacks.",
    "nba": "No next-best-actions: they need a customers table or transactions with customer ids.",
    "forecast": "No demand forecast: {why}.",
}


def skipped_finding(section: str, **values) -> Finding:
    """Say in one line why a section of chapter 09 is skipped for this data.

    Examples
    --------
    >>> skipped_finding("forecast", why="the data cover 8 full weeks").text
    'No demand forecast: the data cover 8 full weeks.'
    """
    return Finding.unsupported(_SKIPPED[section], **values)


#: Why each headline of the chapter can be missing (the report's card says so).
HEADLINE_NOTES = {
    "follow_ups": "no identified survey answers",
    "demand_forecast": "no dated weekly history",
}


def chapter_headlines(
    queue: pd.DataFrame | None,
    actions: pd.DataFrame | None,
    forecast: DemandForecast | None,
    *,
    unit: str = "orders",
) -> dict:
    """Return the chapter's headline numbers (``None`` for a part the data could not support).

    Parameters
    ----------
    queue : pandas.DataFrame or None
        From :func:`~cxlab.actions.follow_up_queue`.
    actions : pandas.DataFrame or None
        From :func:`~cxlab.actions.next_best_action`.
    forecast : DemandForecast or None
        From :func:`~cxlab.actions.forecast_demand`.
    unit : str, default "orders"
        What the forecast counts.

    Returns
    -------
    dict
        ``follow_ups``, ``follow_up_value``, ``customers_with_action``, ``actions_for_review``
        and ``demand_forecast`` (see :data:`HEADLINE_NOTES` for why each can be missing).

    Examples
    --------
    >>> q = pd.DataFrame({"value": [120.0, None]})
    >>> a = pd.DataFrame(
    ...     {"action": ["no action", "retention offer"], "human_review": [False, True]}
    ... )
    >>> h = chapter_headlines(q, a, None)
    >>> h["follow_ups"], h["follow_up_value"], h["customers_with_action"], h["actions_for_review"]
    (2, 120.0, 1, 1)
    >>> h["demand_forecast"] is None
    True
    """
    return {
        "follow_ups": None if queue is None else len(queue),
        "follow_up_value": None if queue is None else float(queue["value"].fillna(0).sum()),
        "customers_with_action": (
            None if actions is None else int((actions["action"] != "no action").sum())
        ),
        "actions_for_review": None if actions is None else int(actions["human_review"].sum()),
        "demand_forecast": None if forecast is None else forecast.headline(unit=unit),
    }
