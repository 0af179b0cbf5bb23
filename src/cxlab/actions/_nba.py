"""Next-best-action: one documented, deterministic action per customer.

Each customer gets the action of the **first rule that matches**, in the order of :data:`RULES`,
together with the rule's id, so anyone can see why a customer got what they got. The rules
combine churn risk, value, recent experience, tenure and consent:

===  ==========================  ===============================================================
id   action                      when
===  ==========================  ===============================================================
R1   service-recovery call       the customer is in the follow-up queue (a poor recent answer)
R2   retention offer             churn risk ≥ 0.5 and value percentile ≥ 0.5 (marketing)
R3   onboarding help             signed up within the last 90 days and at most one purchase
R4   recommendation              churn risk < 0.5 and at least two purchases (marketing)
R5   no action                   none of the above
===  ==========================  ===============================================================

**Consent.** R2 and R4 are marketing. A customer whose consent column (``consent:`` in
``cxlab.yml``) is not True — False, blank, or no consent column at all — never gets them: the
rule is skipped and the next one is tried, and the ``rule`` column says which marketing rule was
withheld. Service contacts (R1, R3) concern the customer's own account and are not marketing.

**Customers who already left.** When ``cxlab.yml`` names a churn label (``churn: {label: ...}``),
a customer whose label is True has already churned: keeping them is no longer possible, so rule
R2 gives them a **win-back offer** instead of a retention offer (same rule, same review; the
message a team sends differs). Without a label nobody is known to have left and R2 always reads
"retention offer".

**Human review.** R2, R3 and R4 are sent by automation (an e-mail or in-app message); R1 is a
person's call. An automated action is flagged for human review when its impact is high: every
retention offer (it gives away margin), and any automated action for a customer in the top
fifth by value (a mistake there costs most). This follows the human-oversight principle of the
EU's Ethics Guidelines for Trustworthy AI (2019) and the "human in the loop" for consequential
automated decisions (GDPR Art. 22).

The thresholds are parameters of :func:`next_best_action`; the defaults are round numbers, not
fitted ones — a business should move them to what its team can act on.

References
----------
.. [1] High-Level Expert Group on AI (2019). *Ethics Guidelines for Trustworthy AI*. European
   Commission. (Requirement 1: human agency and oversight.)
.. [2] Regulation (EU) 2016/679 (GDPR), Article 22: automated individual decision-making.
.. [3] Rust, R. T., Lemon, K. N., & Zeithaml, V. A. (2004). Return on marketing: Using customer
   equity to focus marketing strategy. *Journal of Marketing*, 68(1), 109–127.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from cxlab.actions._queue import follow_up_queue
from cxlab.actions._signals import customer_signals

__all__ = ["ACTIONS", "RULES", "WIN_BACK", "Rule", "next_best_action"]


@dataclass(frozen=True)
class Rule:
    """One next-best-action rule: its id, action, and how the action is carried out."""

    id: str
    action: str
    when: str
    marketing: bool
    automated: bool


#: The rules, tried in this order; the first that matches (and is allowed) wins.
RULES: tuple[Rule, ...] = (
    Rule("R1", "service-recovery call", "in the follow-up queue", False, False),
    Rule("R2", "retention offer", "risk ≥ {risk} and value percentile ≥ {value}", True, True),
    Rule("R3", "onboarding help", "signed up ≤ {days} days ago, ≤ 1 purchase", False, True),
    Rule("R4", "recommendation", "risk < {risk} and ≥ 2 purchases", True, True),
    Rule("R5", "no action", "no other rule matched", False, False),
)
#: What rule R2 offers a customer whose churn label says they already left.
WIN_BACK = "win-back offer"
#: The actions, in rule order (R2's win-back wording right after it).
ACTIONS: tuple[str, ...] = (
    *(r.action for r in RULES[:2]),
    WIN_BACK,
    *(r.action for r in RULES[2:]),
)
#: Value percentile from which a customer is "top fifth" (high impact).
TOP_VALUE = 0.8


def _consent(bundle, index: pd.Index) -> tuple[pd.Series, str]:
    column = bundle.config.consent
    customers = bundle.customers
    if not column or customers is None or column not in customers:
        return pd.Series(False, index=index), "none"
    given = customers.set_index(customers["customer_id"].astype(str))[column]
    given = given[~given.index.duplicated()]
    return given.reindex(index).eq(True).fillna(False).astype(bool), column


def _churned(bundle, index: pd.Index) -> pd.Series:
    """Mark the customers whose churn label (``churn: {label: ...}``) says they already left."""
    column = bundle.config.churn.label if bundle.config.churn else None
    customers = bundle.customers
    if not column or customers is None or column not in customers:
        return pd.Series(False, index=index)
    label = customers.set_index(customers["customer_id"].astype(str))[column]
    label = label[~label.index.duplicated()]
    return label.reindex(index).eq(True).fillna(False).astype(bool)


def _purchases(bundle, index: pd.Index) -> pd.Series:
    tx = bundle.transactions
    if tx is None:
        return pd.Series(0, index=index)
    bought = tx[tx["amount"] > 0].dropna(subset=["customer_id"])
    key = bought["order_id"] if "order_id" in bought else bought["date"]
    per = bought.assign(_k=key.astype(str)).groupby(bought["customer_id"].astype(str))["_k"]
    return per.nunique().reindex(index).fillna(0).astype(int)


def next_best_action(
    bundle,
    *,
    churn_risk: pd.Series | None = None,
    value: pd.Series | None = None,
    segment: pd.Series | None = None,
    queue: pd.DataFrame | None = None,
    risk_threshold: float = 0.5,
    value_threshold: float = 0.5,
    onboarding_days: int = 90,
    asof: pd.Timestamp | None = None,
) -> pd.DataFrame:
    """One action per customer by the rules of :data:`RULES` (see the module docstring).

    Parameters
    ----------
    bundle : cxlab.Bundle
        The client's data; the customers table lists who gets an action (else every buyer).
    churn_risk, value : pandas.Series, optional
        By customer id (``cxlab.churn.scores(bundle)``, ``cxlab.clv.customer_value(bundle)``);
        the recency and spend proxies otherwise.
    segment : pandas.Series, optional
        A segment name per customer id, carried into the table for the team's reference.
    queue : pandas.DataFrame, optional
        The follow-up queue (built here with the same signals when not given and the bundle
        has identified answers).
    risk_threshold, value_threshold : float
        The churn-risk and value-percentile cut-offs of rules R2 and R4.
    onboarding_days : int
        How recent a sign-up counts as new for rule R3.
    asof : pandas.Timestamp, optional
        The day the actions are decided; default the day after the last dated record.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``customer_id``: ``action`` (one of :data:`ACTIONS`), ``rule`` (id, and
        any rule withheld for lack of consent), ``churn_risk``, ``value``, ``value_pct``,
        ``consent``, ``automated``, ``marketing``, ``impact`` (``high``/``normal``),
        ``human_review`` and ``segment``, ranked by action order then value.
        ``attrs["signals"]`` and ``attrs["notes"]``.
    """
    signals = customer_signals(bundle, churn_risk=churn_risk, value=value)
    if bundle.customers is not None and "customer_id" in bundle.customers:
        index = pd.Index(bundle.customers["customer_id"].dropna().astype(str).unique())
    else:
        index = signals.value.index.union(signals.risk.index)
    index = index.rename("customer_id")
    risk = signals.risk.reindex(index)
    val = signals.value.reindex(index)
    pct = signals.value_rank.reindex(index).fillna(0.0)
    consent, consent_col = _consent(bundle, index)
    orders = _purchases(bundle, index)
    if queue is None and bundle.responses is not None and "customer_id" in bundle.responses:
        queue = follow_up_queue(bundle, churn_risk=churn_risk, value=value)
    queued = index.isin(queue["customer_id"].astype(str)) if queue is not None else False
    if asof is None and bundle.period is not None:
        asof = bundle.period[1].normalize() + pd.Timedelta(days=1)
    new = pd.Series(False, index=index)
    cust = bundle.customers
    if asof is not None and cust is not None and "signup_date" in cust:
        signup = cust.set_index(cust["customer_id"].astype(str))["signup_date"]
        signup = signup[~signup.index.duplicated()].reindex(index)
        new = (signup >= asof - pd.Timedelta(days=onboarding_days)).fillna(False)
    matches = {
        "R1": pd.Series(queued, index=index),
        "R2": risk.ge(risk_threshold).fillna(False) & pct.ge(value_threshold),
        "R3": new & orders.le(1),
        "R4": risk.lt(risk_threshold).fillna(False) & orders.ge(2),
        "R5": pd.Series(True, index=index),
    }
    action = pd.Series("", index=index, dtype=object)
    rule = pd.Series("", index=index, dtype=object)
    withheld = pd.Series("", index=index, dtype=object)
    done = pd.Series(False, index=index)
    for r in RULES:
        hit = matches[r.id] & ~done
        if r.marketing:
            blocked = hit & ~consent
            withheld[blocked] += f"{r.id} withheld (no marketing consent); "
            hit &= consent
        action[hit], rule[hit] = r.action, r.id
        done |= hit
    action[rule.eq("R2") & _churned(bundle, index)] = WIN_BACK
    by_id = {r.id: r for r in RULES}
    automated = rule.map(lambda i: by_id[i].automated)
    marketing = rule.map(lambda i: by_id[i].marketing)
    high = rule.eq("R2") | (automated & pct.ge(TOP_VALUE))
    out = pd.DataFrame(
        {
            "action": action,
            "rule": (withheld + rule).str.strip(),
            "churn_risk": risk,
            "value": val,
            "value_pct": pct,
            "consent": consent,
            "automated": automated.astype(bool),
            "marketing": marketing.astype(bool),
            "impact": high.map({True: "high", False: "normal"}),
            "human_review": (automated & high).astype(bool),
            "segment": segment.reindex(index) if segment is not None else pd.NA,
        },
        index=index,
    )
    order = rule.map({r.id: i for i, r in enumerate(RULES)})
    out = out.assign(_o=order, _v=out["value"].fillna(-1.0))
    out = out.sort_values(["_o", "_v"], ascending=[True, False], kind="mergesort")
    out = out.drop(columns=["_o", "_v"])
    out.attrs.update(signals=signals, notes=_notes(signals, consent_col, int((~consent).sum())))
    return out


def _notes(signals, consent_col: str, without: int) -> list[str]:
    notes = []
    if signals.risk_source == "recency proxy":
        notes.append("Churn risk is the recency proxy, not a fitted churn model.")
    if signals.value_source == "historical spend":
        notes.append("Value is historical net spend, not a predicted lifetime value.")
    if consent_col == "none":
        notes.append(
            "The data record no marketing consent (consent: in cxlab.yml), so no customer gets "
            "a marketing action."
        )
    elif without:
        notes.append(
            "1 customer without marketing consent gets no marketing action."
            if without == 1
            else f"{without:,} customers without marketing consent get no marketing action."
        )
    return notes
