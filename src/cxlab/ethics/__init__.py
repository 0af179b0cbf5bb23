"""Ethics audit: privacy, consent, minimisation, customer rights, fairness and oversight.

A small business's customer data serve its customers only if they are handled with care. This
package is what chapter 08 audits with, and what the other chapters call to stay within bounds:
personal details are masked before any text is shown, non-consenting customers are left out of
targeting and models, and breakdowns never show cells resting on fewer than five people.

Personal data (detection lives in :mod:`cxlab.pii`, under every layer)
-----------------------------------------------------------------------
redact, find_pii, pii_scan, mask, KINDS, PLACEHOLDERS
    Mask e-mail addresses, phone, card and IBAN numbers in text; find them in one text or in
    every text column of a table (with masked examples only).
identifier_roles
    Direct identifiers, quasi-identifiers and other columns of a table.
k_anonymity, KAnonymity
    Smallest group over quasi-identifiers (k), l-diversity, the smallest groups.
suppress_small_cells, MIN_CELL
    Blank the cells of a breakdown resting on fewer than five records.
pseudonymise
    Keyed-hash (HMAC-SHA-256) customer ids; the key is a parameter, kept outside the data.

Minimisation, consent and customer rights
-----------------------------------------
column_usage, CHAPTER_COLUMNS, declare_columns, benefit_columns
    Which chapter uses each column; columns no analysis uses.
consenting, consent_effect
    Who may be used for personalisation, targeting and modelling; what that leaves out.
export_customer, erase_customers, customer_rows
    Portability (JSON and CSV) and erasure (a new bundle without them); also ``cxlab export``
    and ``cxlab erase``.

Fairness (figures equal to fairlearn's)
----------------------------------------
fairness_report, FairnessReport, intersect
    Selection, true and false positive rates by group with bootstrap intervals; demographic
    parity difference and ratio (four-fifths rule), equalized odds difference.
offer_fairness, gap_at_equal_spend
    Audit a benefit or offer list, also at equal spend.
churn_frame, audit_model, mitigate, ModelAudit, Mitigation
    Audit any scikit-learn classifier on held-out customers; mitigate with fairlearn's
    ThresholdOptimizer and measure the accuracy it costs.

Cross-cultural care and the audit record
----------------------------------------
response_styles, standardise_within
    Extreme, acquiescent and midpoint answering per group; within-person standardisation.
audit_record, AuditRecord, AuditItem, oversight_checklist
    The findings with severity, evidence and action; the human-oversight checklist.

Examples
--------
>>> from cxlab import ethics
>>> ethics.redact("Ring 07700 900123 or write to jo.bloggs@example.com, thanks")
'Ring [phone number removed] or write to [e-mail removed], thanks'
"""

from cxlab.ethics._audit import (
    SEVERITIES,
    AuditItem,
    AuditRecord,
    audit_record,
    oversight_checklist,
)
from cxlab.ethics._consent import consent_effect, consenting, to_bool
from cxlab.ethics._culture import response_styles, standardise_within
from cxlab.ethics._fairness import (
    FOUR_FIFTHS,
    FairnessReport,
    Mitigation,
    ModelAudit,
    ModelData,
    audit_model,
    churn_frame,
    fairness_report,
    gap_at_equal_spend,
    intersect,
    mitigate,
    offer_fairness,
)
from cxlab.ethics._findings import (
    consent_finding,
    fairness_finding,
    k_anonymity_finding,
    mitigation_finding,
    model_finding,
    pii_finding,
    skipped_finding,
    styles_finding,
    usage_finding,
)
from cxlab.ethics._privacy import (
    MIN_CELL,
    KAnonymity,
    identifier_roles,
    k_anonymity,
    pseudonymise,
    suppress_small_cells,
)
from cxlab.ethics._rights import ERASED, customer_rows, erase_customers, export_customer
from cxlab.ethics._usage import CHAPTER_COLUMNS, benefit_columns, column_usage, declare_columns
from cxlab.pii import KINDS, PLACEHOLDERS, PiiMatch, find_pii, mask, pii_scan, redact

__all__ = [
    "CHAPTER_COLUMNS",
    "ERASED",
    "FOUR_FIFTHS",
    "KINDS",
    "MIN_CELL",
    "PLACEHOLDERS",
    "SEVERITIES",
    "AuditItem",
    "AuditRecord",
    "FairnessReport",
    "KAnonymity",
    "Mitigation",
    "ModelAudit",
    "ModelData",
    "PiiMatch",
    "audit_model",
    "audit_record",
    "benefit_columns",
    "churn_frame",
    "column_usage",
    "consent_effect",
    "consent_finding",
    "consenting",
    "customer_rows",
    "declare_columns",
    "erase_customers",
    "export_customer",
    "fairness_finding",
    "fairness_report",
    "find_pii",
    "gap_at_equal_spend",
    "identifier_roles",
    "intersect",
    "k_anonymity",
    "k_anonymity_finding",
    "mask",
    "mitigate",
    "mitigation_finding",
    "model_finding",
    "offer_fairness",
    "oversight_checklist",
    "pii_finding",
    "pii_scan",
    "pseudonymise",
    "redact",
    "response_styles",
    "skipped_finding",
    "standardise_within",
    "styles_finding",
    "suppress_small_cells",
    "to_bool",
    "usage_finding",
]
