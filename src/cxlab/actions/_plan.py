"""Choosing tools and tracking progress: the decision table and the monthly measures.

The five families of affordable tools for customer experience — a CRM, e-mail automation, live
chat and chatbots, social listening, and a feedback platform — each answer a need the data can
show or rule out. :func:`technology_table` ties each to what the client's bundle holds, so the
recommendation rests on the data rather than on a vendor's pitch; :func:`tracking_plan` lists
what to review each month, with today's value as the baseline.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["technology_table", "tracking_plan"]


def _share(part: float, whole: float) -> str:
    return f"{part / whole:.0%}" if whole else "no data"


def technology_table(bundle, *, queue: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per tool family: what it does, what the client's data say, and the verdict.

    Parameters
    ----------
    bundle : cxlab.Bundle
    queue : pandas.DataFrame, optional
        The follow-up queue, whose length sizes the CRM's case load.

    Returns
    -------
    pandas.DataFrame
        Columns ``tool``, ``what_it_does``, ``evidence_in_the_data``, ``verdict``
        (``start now``, ``worth a trial`` or ``not yet``).
    """
    cust, resp, ev = bundle.customers, bundle.responses, bundle.events
    n_cust = len(cust) if cust is not None else 0
    rows = []
    follow = len(queue) if queue is not None else 0
    crm = n_cust >= 200 or follow >= 10
    rows.append(
        (
            "CRM",
            "one record per customer, interaction history, follow-up tasks",
            f"{n_cust:,} customers; {follow:,} waiting for a follow-up",
            "start now" if crm else "worth a trial",
        )
    )
    consent = bundle.config.consent
    if cust is not None and consent and consent in cust:
        agreed = int(cust[consent].eq(True).sum())
        evidence = (
            f"{agreed:,} of {n_cust:,} customers ({_share(agreed, n_cust)}) agreed to marketing"
        )
        verdict = "start now" if agreed >= 100 else "worth a trial"
    else:
        evidence, verdict = "no consent is recorded, so no marketing e-mail may be sent", "not yet"
    rows.append(
        ("E-mail automation", "welcome, onboarding and follow-up sequences", evidence, verdict)
    )
    support = 0
    if ev is not None and "touchpoint" in ev:
        support = int(ev["touchpoint"].astype(str).str.lower().isin(["support", "chat"]).sum())
    rows.append(
        (
            "Live chat and chatbot",
            "instant answers to common questions, hand-over to a person",
            f"{support:,} support contacts recorded" if ev is not None else "no contact log sent",
            "worth a trial" if support >= 200 else "not yet",
        )
    )
    comments = 0
    if resp is not None and "comment" in resp:
        comments = int(resp["comment"].astype("string").str.strip().fillna("").ne("").sum())
    rows.append(
        (
            "Social listening",
            "mentions and sentiment outside the business's own channels",
            f"{comments:,} comments in the business's own survey to learn from first",
            "not yet" if comments >= 100 else "worth a trial",
        )
    )
    answers = len(resp) if resp is not None else 0
    rows.append(
        (
            "Feedback platform",
            "CSAT, NPS and CES surveys sent automatically after each touchpoint",
            f"{answers:,} survey answers" if answers else "no survey answers sent",
            "start now" if answers < 300 else "worth a trial",
        )
    )
    return pd.DataFrame(rows, columns=["tool", "what_it_does", "evidence_in_the_data", "verdict"])


def tracking_plan(bundle, *, queue: pd.DataFrame | None = None) -> pd.DataFrame:
    """List what to review each month, who owns it, and the baseline in the data today.

    Returns
    -------
    pandas.DataFrame
        Columns ``measure``, ``owner``, ``baseline`` (text; "not measured yet" where the data
        hold nothing).
    """
    resp, tx = bundle.responses, bundle.transactions
    rows = []

    def mean_of(col: str) -> str:
        if resp is None or col not in resp or resp[col].notna().sum() == 0:
            return "not measured yet"
        return f"{pd.to_numeric(resp[col], errors='coerce').mean():.1f}"

    if resp is not None and "nps" in resp and resp["nps"].notna().any():
        s = pd.to_numeric(resp["nps"], errors="coerce").dropna()
        nps = 100 * ((s >= 9).mean() - (s <= 6).mean())
        rows.append(("NPS", "owner or manager", f"{nps:.0f} (n = {len(s):,})"))
    else:
        rows.append(("NPS", "owner or manager", "not measured yet"))
    rows.append(("Mean CSAT", "each touchpoint's owner", mean_of("csat")))
    rows.append(("Mean CES", "each touchpoint's owner", mean_of("ces")))
    waiting = "not measured yet" if queue is None else f"{len(queue):,} waiting"
    rows.append(("Follow-ups closed within the due date", "support lead", waiting))
    if tx is not None and bundle.has_dates("transactions"):
        last = tx["date"].max()
        recent = tx[(tx["date"] > last - pd.Timedelta(days=30)) & (tx["amount"] > 0)]
        rows.append(
            (
                "Active customers (bought in the last 30 days)",
                "owner",
                f"{recent['customer_id'].nunique():,}",
            )
        )
    else:
        rows.append(("Active customers (bought in the last 30 days)", "owner", "not measured yet"))
    return pd.DataFrame(rows, columns=["measure", "owner", "baseline"])
