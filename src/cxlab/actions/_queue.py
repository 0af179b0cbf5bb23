"""The closed-loop follow-up queue: who to contact about a poor experience, in what order.

Closing the loop means that a customer who said something went wrong hears back from a person
who can fix it, soon (Reichheld, 2006, on following up detractors; Fornell & Wernerfelt, 1987, on
why recovering a complaint is cheaper than winning a new customer). The queue lists the
**identified** survey answers of the recent past that signal a poor experience:

* a **detractor**: NPS 0 to 6;
* **low CSAT**: a score below the middle of the bundle's CSAT scale (1–2 on 1–5, 1–5 on 1–10);
* **high effort**: a CES on the hard side of the middle of its scale (1–3 on a 1–7 scale where
  higher is easier).

One row per customer (their most recent flagged answer; the others are counted), ranked by

``priority = 0.5 × value percentile + 0.5 × churn risk``

so a valuable customer at risk comes first; ties go to the customer with more reasons, then to
the one who has waited longest, then by customer id, so the order is fully determined. The value
percentile ranks the customer's value among all customers with a value (0 to 1); customers with
no value or no risk score count as 0 for that half. Each row carries the comment with e-mail
addresses, phone numbers, card numbers and IBANs masked (:func:`cxlab.pii.redact`), the
touchpoint, a suggested owner and action, and a due date in working days from the as-of date:
:data:`URGENT_DAYS` when the priority is at least :data:`URGENT_PRIORITY`, else
:data:`STANDARD_DAYS`.

References
----------
.. [1] Reichheld, F. (2006). *The Ultimate Question*. Boston: Harvard Business School Press.
.. [2] Fornell, C., & Wernerfelt, B. (1987). Defensive marketing strategy by customer complaint
   management. *Journal of Marketing Research*, 24(4), 337–346.
"""

from __future__ import annotations

import pandas as pd

from cxlab.actions._signals import Signals, customer_signals
from cxlab.checks import require_frame
from cxlab.contract.config import Scale
from cxlab.errors import DataError
from cxlab.pii import redact

__all__ = [
    "QUEUE_COLUMNS",
    "RECENT_DAYS",
    "STANDARD_DAYS",
    "URGENT_DAYS",
    "URGENT_PRIORITY",
    "flag_responses",
    "follow_up_queue",
]

#: Answers older than this many days before the as-of date are past following up. Half a year,
#: because relationship (NPS) surveys commonly run twice a year: the window always holds the
#: latest wave, while answers from before it have had their follow-up chance.
RECENT_DAYS = 183
#: Priority from which a follow-up is due within :data:`URGENT_DAYS` working days.
URGENT_PRIORITY = 0.75
#: Working days to the due date of an urgent follow-up.
URGENT_DAYS = 2
#: Working days to the due date of any other follow-up.
STANDARD_DAYS = 5

#: The queue's columns, in order.
QUEUE_COLUMNS = (
    "rank",
    "customer_id",
    "answered",
    "touchpoint",
    "reasons",
    "comment",
    "value",
    "churn_risk",
    "priority",
    "owner",
    "action",
    "due",
    "flagged_answers",
)

_SCORES = ("nps", "csat", "ces")
_CSAT = Scale(1, 5, satisfied=4)
_CES = Scale(1, 7, direction="higher_is_easier")


def _score(responses: pd.DataFrame, column: str) -> pd.Series:
    if column not in responses:
        return pd.Series(float("nan"), index=responses.index)
    return pd.to_numeric(responses[column], errors="coerce").astype(float)


def flag_responses(
    responses: pd.DataFrame,
    *,
    csat_scale: Scale = _CSAT,
    ces_scale: Scale = _CES,
) -> pd.DataFrame:
    """Mark each answer as detractor, low CSAT and high effort (see the module docstring).

    Parameters
    ----------
    responses : pandas.DataFrame
        Contract responses; any of ``nps``, ``csat``, ``ces`` may be absent.
    csat_scale, ces_scale : cxlab.contract.config.Scale
        The bundle's scales (``bundle.config.csat_scale``, ``bundle.config.ces_scale``).

    Returns
    -------
    pandas.DataFrame
        Boolean columns ``detractor``, ``low_csat``, ``high_effort`` and ``reasons`` (their
        count), on the responses' index.

    Examples
    --------
    >>> r = pd.DataFrame({"nps": [3, 9, None], "csat": [5, 2, None], "ces": [None, 6, 2]})
    >>> flag_responses(r)[["detractor", "low_csat", "high_effort", "reasons"]].values.tolist()
    [[True, False, False, 1], [False, True, False, 1], [False, False, True, 1]]
    """
    require_frame(responses, table="responses")
    nps, csat, ces = (_score(responses, c) for c in _SCORES)
    csat_mid = (csat_scale.min + csat_scale.max) / 2
    ces_mid = (ces_scale.min + ces_scale.max) / 2
    hard = ces < ces_mid if ces_scale.higher_is_easier else ces > ces_mid
    out = pd.DataFrame(
        {"detractor": nps <= 6, "low_csat": csat < csat_mid, "high_effort": hard},
        index=responses.index,
    )
    out["reasons"] = out.sum(axis=1).astype(int)
    return out


def _reason_text(row: pd.Series) -> str:
    parts = []
    if row["detractor"]:
        parts.append(f"detractor (NPS {row['nps']:.0f})")
    if row["low_csat"]:
        parts.append(f"low CSAT ({row['csat']:.0f})")
    if row["high_effort"]:
        parts.append(f"high effort (CES {row['ces']:.0f})")
    return "; ".join(parts)


def _owner_action(touchpoint: object, detractor: bool, effort: bool) -> tuple[str, str]:
    """Suggested owner and action for one follow-up (the rule is in the module docstring)."""
    where = str(touchpoint).strip() if isinstance(touchpoint, str) and touchpoint.strip() else ""
    if not where:
        return (
            "account owner",
            "call to hear what went wrong overall and agree one fix",
        )
    owner = "support lead" if where.lower() == "support" else f"owner of {where}"
    if effort:
        action = f"walk the customer through {where}, log what made it hard, fix or explain"
    elif detractor:
        action = f"call about {where}, apologise where due and agree one fix"
    else:
        action = f"service-recovery contact about {where}; offer to put it right"
    return owner, action


def follow_up_queue(
    bundle,
    *,
    churn_risk: pd.Series | None = None,
    value: pd.Series | None = None,
    recent_days: int | None = RECENT_DAYS,
    asof: pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Build the closed-loop follow-up queue (see the module docstring for every rule).

    Parameters
    ----------
    bundle : cxlab.Bundle
        The client's data; needs the responses table with ``customer_id``.
    churn_risk, value : pandas.Series, optional
        By customer id, e.g. ``cxlab.churn.scores(bundle)`` and
        ``cxlab.clv.customer_value(bundle)``; the recency and spend proxies otherwise.
    recent_days : int or None, default 183
        Keep answers at most this many days before the as-of date; None keeps every answer.
        Undated answers are kept (their age is unknown), and counted in the notes.
    asof : pandas.Timestamp, optional
        The day the queue is drawn up; default the day after the last dated answer.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`QUEUE_COLUMNS`, one row per customer, in priority order. ``attrs``
        holds ``signals`` (the :class:`Signals`), ``asof``, ``anonymous`` (flagged answers
        without a customer id, which nobody can follow up), ``undated``, ``flagged`` (answers
        flagged in the window) and ``notes`` (sentences on all of that).

    Raises
    ------
    DataError
        If the bundle has no responses table or no ``customer_id`` column in it.
    """
    bundle.require("responses")
    r = bundle.responses
    if "customer_id" not in r:
        raise DataError.make(
            "the follow-up queue needs to know who answered, but the responses table has no "
            "'customer_id' column",
            rule="missing_column",
            table="responses",
            column="customer_id",
            hint="export the survey with the respondent's customer id, or map it under "
            "columns: responses: in cxlab.yml",
        )
    signals = customer_signals(bundle, churn_risk=churn_risk, value=value)
    config = bundle.config
    flags = flag_responses(r, csat_scale=config.csat_scale, ces_scale=config.ces_scale)
    work = r.assign(**{c: _score(r, c) for c in _SCORES}).join(flags)
    dated = "date" in work and work["date"].notna().any()
    if asof is None:
        asof = (work["date"].max().normalize() + pd.Timedelta(days=1)) if dated else None
    undated = int(work["date"].isna().sum()) if "date" in work else len(work)
    if recent_days is not None and asof is not None:
        keep = work["date"].isna() | (work["date"] >= asof - pd.Timedelta(days=recent_days))
        keep &= work["date"].isna() | (work["date"] < asof)
        work = work[keep]
    flagged = work[work["reasons"] > 0]
    ids = flagged["customer_id"].astype("string").str.strip()
    anonymous = int((ids.isna() | (ids == "")).sum())
    flagged = flagged[ids.notna() & (ids != "")].assign(customer_id=ids.dropna())
    queue = _rank(flagged, signals, asof)
    queue.attrs.update(
        signals=signals,
        asof=asof,
        anonymous=anonymous,
        undated=undated,
        flagged=len(flagged),
        recent_days=recent_days,
        notes=_notes(signals, anonymous, undated, asof, recent_days),
    )
    return queue


def _rank(flagged: pd.DataFrame, signals: Signals, asof: pd.Timestamp | None) -> pd.DataFrame:
    if flagged.empty:
        return pd.DataFrame(columns=list(QUEUE_COLUMNS))
    order = ["customer_id", "date", "response_id"] if "response_id" in flagged else []
    if "date" in flagged:
        flagged = flagged.sort_values([c for c in order if c in flagged] or ["customer_id"])
    counts = flagged.groupby("customer_id").size()
    latest = flagged.groupby("customer_id").tail(1).set_index("customer_id")
    pct = signals.value_rank.reindex(latest.index).fillna(0.0)
    risk = signals.risk.reindex(latest.index).fillna(0.0)
    priority = 0.5 * pct + 0.5 * risk
    touch = latest["touchpoint"] if "touchpoint" in latest else pd.Series(None, latest.index)
    comment = latest["comment"] if "comment" in latest else pd.Series(None, latest.index)
    pairs = [
        _owner_action(t, d, e)
        for t, d, e in zip(touch, latest["detractor"], latest["high_effort"], strict=True)
    ]
    answered = latest["date"] if "date" in latest else pd.Series(pd.NaT, latest.index)
    out = pd.DataFrame(
        {
            "customer_id": latest.index,
            "answered": answered.to_numpy(),
            "touchpoint": touch.to_numpy(),
            "reasons": latest.apply(_reason_text, axis=1).to_numpy(),
            "comment": redact(comment.astype("object")).to_numpy(),
            "value": signals.value.reindex(latest.index).to_numpy(),
            "churn_risk": signals.risk.reindex(latest.index).to_numpy(),
            "priority": priority.to_numpy(),
            "owner": [p[0] for p in pairs],
            "action": [p[1] for p in pairs],
            "flagged_answers": counts.reindex(latest.index).to_numpy(),
            "_n_reasons": latest["reasons"].to_numpy(),
        }
    )
    waited = out["answered"].fillna(pd.Timestamp.max)
    out = (
        out.assign(_waited=waited)
        .sort_values(
            ["priority", "_n_reasons", "_waited", "customer_id"],
            ascending=[False, False, True, True],
            kind="mergesort",
        )
        .drop(columns=["_n_reasons", "_waited"])
        .reset_index(drop=True)
    )
    out["rank"] = range(1, len(out) + 1)
    if asof is not None:
        days = out["priority"].ge(URGENT_PRIORITY).map({True: URGENT_DAYS, False: STANDARD_DAYS})
        out["due"] = [asof + pd.offsets.BDay(int(d)) for d in days]
    else:
        out["due"] = pd.NaT
    return out[list(QUEUE_COLUMNS)]


def _notes(
    signals: Signals,
    anonymous: int,
    undated: int,
    asof: pd.Timestamp | None,
    recent_days: int | None,
) -> list[str]:
    notes = []
    if signals.risk_source == "recency proxy":
        notes.append(
            "Churn risk is the recency proxy (days since the last purchase over the churn "
            "window), not a fitted churn model."
        )
    elif signals.risk_source == "none":
        notes.append("No churn risk is available (no dated purchases), so risk counts as 0.")
    if signals.value_source == "historical spend":
        notes.append("Value is historical net spend, not a predicted lifetime value.")
    elif signals.value_source == "none":
        notes.append("No customer value is available (no transactions), so value counts as 0.")
    if anonymous:
        notes.append(
            "1 flagged answer carries no customer id and cannot be followed up."
            if anonymous == 1
            else f"{anonymous:,} flagged answers carry no customer id and cannot be followed up."
        )
    if asof is None:
        notes.append(
            "The answers carry no dates, so every flagged answer is listed and no due "
            "date can be set."
        )
    elif undated:
        notes.append(
            "1 answer carries no date; if flagged it is listed as recent."
            if undated == 1
            else f"{undated:,} answers carry no date; flagged ones are listed as recent."
        )
    if recent_days is not None and asof is not None:
        notes.append(
            f"Answers from the {recent_days} days before {asof.day} {asof:%b %Y} are included."
        )
    return notes
