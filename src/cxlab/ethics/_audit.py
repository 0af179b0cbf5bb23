"""The audit record: every finding of the ethics audit with its severity, evidence and action.

One :class:`AuditRecord` collects what the chapter found — personal data in text, consent,
minimisation, k-anonymity, fairness of benefits and models, response styles — each as an
:class:`AuditItem` with a severity (high: act before the next campaign or model; medium: plan a
fix; low: note and keep watching), the evidence as a :class:`cxlab.findings.Finding` and the
recommended action. The severities follow fixed rules (:func:`audit_record`), so two auditors
reach the same record from the same data. The record renders as the findings-based section of
the client's report, and :func:`oversight_checklist` is the human-oversight list that goes
with it, after the accountability questions of the UK ICO's AI auditing framework and the
European Commission's assessment list for trustworthy AI.

References
----------
.. [1] Information Commissioner's Office (2020). *Guidance on AI and data protection* (AI
   auditing framework).
.. [2] High-Level Expert Group on AI (2020). *Assessment List for Trustworthy Artificial
   Intelligence (ALTAI)*. European Commission.
.. [3] Raji, I. D., et al. (2020). Closing the AI accountability gap: defining an end-to-end
   framework for internal algorithmic auditing. *FAT* '20*, 33–44.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from cxlab.ethics._fairness import FOUR_FIFTHS, FairnessReport, ModelAudit
from cxlab.ethics._findings import (
    ERS_GAP,
    consent_finding,
    fairness_finding,
    k_anonymity_finding,
    model_finding,
    pii_finding,
    styles_finding,
    usage_finding,
)
from cxlab.ethics._privacy import MIN_CELL, KAnonymity
from cxlab.findings import Finding, join, md

__all__ = ["SEVERITIES", "AuditItem", "AuditRecord", "audit_record", "oversight_checklist"]

#: Severities, most urgent first.
SEVERITIES = ("high", "medium", "low")

#: Equalized-odds difference above which a model's error gap is worth fixing.
ODDS_GAP = 0.10


@dataclass(frozen=True)
class AuditItem:
    """One finding of the audit.

    Attributes
    ----------
    area : str
        Privacy, consent, minimisation, fairness, cross-cultural care.
    severity : {"high", "medium", "low"}
    evidence : Finding
        The sentence and numbers it rests on.
    action : str
        What to do (our words; no client text).
    """

    area: str
    severity: str
    evidence: Finding
    action: str

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"severity must be one of {SEVERITIES}; got {self.severity!r}")


@dataclass(frozen=True)
class AuditRecord:
    """All findings of an ethics audit, most severe first; see :func:`audit_record`."""

    items: tuple[AuditItem, ...] = field(default_factory=tuple)

    def counts(self) -> dict[str, int]:
        """Count the findings by severity: ``{"high": .., "medium": .., "low": ..}``.

        Examples
        --------
        >>> AuditRecord((AuditItem("privacy", "low", md("ok"), "none"),)).counts()
        {'high': 0, 'medium': 0, 'low': 1}
        """
        return {s: sum(i.severity == s for i in self.items) for s in SEVERITIES}

    def to_frame(self) -> pd.DataFrame:
        """One row per finding: severity, area, evidence (plain text) and action."""
        return pd.DataFrame(
            [(i.severity, i.area, i.evidence.text, i.action) for i in self.items],
            columns=["severity", "area", "evidence", "action"],
        )

    def finding(self) -> Finding:
        """Return the record as Markdown: a summary line, then one paragraph per finding."""
        c = self.counts()
        head = md(
            "The audit records **{high} high**, **{medium} medium** and **{low} low** severity "
            "findings.",
            **c,
        )
        parts: list[Finding | str] = [head]
        for item in self.items:
            parts.append(
                join(
                    [
                        f"- **{item.severity.capitalize()}** · {item.area} —",
                        item.evidence,
                        md("*Action:* {action}", action=item.action),
                    ]
                )
            )
        return join(parts, sep="\n\n")

    def _repr_markdown_(self) -> str:
        return self.finding().to_markdown()

    def __repr__(self) -> str:
        return self.finding().text


def _order(items: list[AuditItem]) -> tuple[AuditItem, ...]:
    return tuple(sorted(items, key=lambda i: SEVERITIES.index(i.severity)))


def audit_record(
    *,
    pii: tuple[pd.DataFrame, int] | None = None,
    consent: tuple[pd.DataFrame, bool, str | None] | None = None,
    usage: pd.DataFrame | None = None,
    k_anon: KAnonymity | None = None,
    benefits: Sequence[tuple[str, FairnessReport]] = (),
    model: ModelAudit | None = None,
    styles: tuple[pd.DataFrame, str] | None = None,
) -> AuditRecord:
    """Collect the audit's findings with severities by fixed rules.

    Parameters
    ----------
    pii : (scan, rows), optional
        A :func:`cxlab.pii.pii_scan` result with a ``table`` column, and the rows searched.
        Details found: **medium** (stored, masked in reports; stop collecting them in free text).
    consent : (effect, declared, column), optional
        :func:`consent_effect`, whether a consent column is declared, and its name. No consent
        record: **high**; otherwise **low** (a note of its effect).
    usage : pandas.DataFrame, optional
        :func:`column_usage`. Unused columns: **low**.
    k_anon : KAnonymity, optional
        k = 1: **high**; k below 5: **medium**; else **low**.
    benefits : sequence of (what, FairnessReport)
        Offer or benefit audits. Interval entirely below 0.8: **high**; ratio below 0.8:
        **medium**; else **low**.
    model : ModelAudit, optional
        Equalized odds difference above 0.10 or ratio below 0.8: **medium**; else **low**.
    styles : (response_styles table, by), optional
        Extreme-response shares differing by 0.10 or more: **medium**; else **low**.

    Returns
    -------
    AuditRecord

    Examples
    --------
    >>> e = pd.DataFrame(
    ...     {"rows": [10], "rows_usable": [10], "rows_left_out": [0], "share_left_out": [0.0]},
    ...     index=pd.Index(["customers"], name="table"),
    ... )
    >>> audit_record(consent=(e, False, None)).counts()
    {'high': 1, 'medium': 0, 'low': 0}
    """
    items: list[AuditItem] = []
    if pii is not None:
        scan, rows = pii
        items.append(
            AuditItem(
                "privacy",
                "medium" if len(scan) else "low",
                pii_finding(scan, rows=rows),
                "Keep masking free text in every report and export; ask customers not to write "
                "contact or payment details in surveys, and delete them at source."
                if len(scan)
                else "Keep scanning new exports before analysis.",
            )
        )
    if consent is not None:
        effect, declared, column = consent
        items.append(
            AuditItem(
                "consent",
                "low" if declared else "high",
                consent_finding(effect, declared=declared, column=column),
                "Use only consenting customers for personalisation, targeting and modelling "
                "(cxlab.ethics.consenting); record when and how consent was given."
                if declared
                else "Record consent per customer and name the column under consent: in "
                "cxlab.yml before any targeting or modelling.",
            )
        )
    if usage is not None:
        unused = bool(usage["unused"].any())
        items.append(
            AuditItem(
                "minimisation",
                "low",
                usage_finding(usage),
                "Agree with the business which unused columns to drop from future exports."
                if unused
                else "Review the purposes when a new analysis is added.",
            )
        )
    if k_anon is not None:
        severity = "high" if k_anon.k <= 1 else "medium" if k_anon.k < MIN_CELL else "low"
        items.append(
            AuditItem(
                "privacy",
                severity,
                k_anonymity_finding(k_anon),
                "Before sharing customer-level data outside the business, coarsen or drop "
                "quasi-identifiers until every group has at least 5 customers, and pseudonymise "
                "ids with a kept secret key."
                if severity != "low"
                else "Keep quasi-identifiers coarse in any shared extract.",
            )
        )
    for what, report in benefits:
        hi = report.ratio_interval[1]
        ratio = report.demographic_parity_ratio
        severity = "high" if hi < FOUR_FIFTHS else "medium" if ratio < FOUR_FIFTHS else "low"
        items.append(
            AuditItem(
                "fairness",
                severity,
                fairness_finding(report, what=what),
                "Find out how the list is drawn up; if the gap remains at equal spend, change the "
                "rule and re-audit before the next round."
                if severity != "low"
                else "Re-audit each new round of the benefit.",
            )
        )
    if model is not None:
        r = model.report
        flagged = (
            r.equalized_odds_difference or 0
        ) > ODDS_GAP or r.demographic_parity_ratio < FOUR_FIFTHS
        items.append(
            AuditItem(
                "fairness",
                "medium" if flagged else "low",
                model_finding(model),
                "Do not automate decisions on this model's scores without a person reviewing "
                "them; compare a mitigated version's cost before deploying."
                if flagged
                else "Re-audit when the model is retrained.",
            )
        )
    if styles is not None:
        table, by = styles
        shown = table[~table["small"]] if len(table) else table
        gap = float(shown["ers"].max() - shown["ers"].min()) if len(shown) >= 2 else 0.0
        items.append(
            AuditItem(
                "cross-cultural care",
                "medium" if gap >= ERS_GAP else "low",
                styles_finding(table, by=by),
                "Compare groups on within-person standardised scores, and say so in the report."
                if gap >= ERS_GAP
                else "Keep checking response styles when new regions or languages join.",
            )
        )
    return AuditRecord(_order(items))


def oversight_checklist() -> pd.DataFrame:
    """Return the human-oversight checklist that goes with every audit.

    Returns
    -------
    pandas.DataFrame
        ``step``, ``question`` and ``who`` (the role that answers it), in order.

    Examples
    --------
    >>> oversight_checklist().shape[1], oversight_checklist()["step"].iloc[0]
    (3, 'purpose')
    """
    rows = [
        (
            "purpose",
            "Is every data use tied to a stated purpose the customers were told about?",
            "owner",
        ),
        (
            "consent",
            "Are non-consenting customers excluded from targeting and models, and is that tested?",
            "analyst",
        ),
        (
            "minimisation",
            "Have unused columns been dropped from the export since the last audit?",
            "owner",
        ),
        (
            "privacy",
            "Do reports and exports mask personal details by default, and is the pseudonym "
            "key stored apart from the data?",
            "analyst",
        ),
        (
            "fairness",
            "Were benefits and model decisions compared across protected groups, with "
            "intervals, before use?",
            "analyst",
        ),
        (
            "human review",
            "Does a person review automated decisions that affect a customer (offers, "
            "service level, churn outreach) before they act?",
            "owner",
        ),
        (
            "contestability",
            "Can a customer ask why they were (not) selected, and get an answer and a correction?",
            "owner",
        ),
        (
            "rights",
            "Can the business export and erase one customer's data within a month of a request?",
            "analyst",
        ),
        ("accountability", "Who signs off this audit, and when is the next one due?", "owner"),
    ]
    return pd.DataFrame(rows, columns=["step", "question", "who"])
