"""Churn: leak-free labels, a calibrated model on raw tables, drivers, survival, whom to call.

Churn is a customer leaving: cancelling a plan (a label column, ``churn: {label: churned}`` in
``cxlab.yml``) or going quiet (``churn: {inactive_days: N}``). The functions take the
:class:`cxlab.contract.Bundle` or DataFrames and return DataFrames, dictionaries or small
results; nothing here draws or prints.

Labels and features
-------------------
churn_labels, Windows
    Who churned by the bundle's rule, with the observation window (up to the cutoff) and the
    prediction window (after it).
churn_features
    Raw features per customer from data dated on or before the cutoff only.
leaky_features
    The same plus activity counted to the last day: the leak, for teaching.

Model and evaluation
--------------------
ChurnModel
    scikit-learn classifier on a raw customer table (numbers stored as text, yes/no words,
    categories, blanks), logistic or gradient boosting, calibrated.
evaluate, Evaluation, auc_interval, gains_table
    Out-of-fold scores (time-aware or stratified), ROC-AUC with a bootstrap interval, PR-AUC,
    Brier score, calibration and lift, beside the naive baseline.
drivers, driver_effects, plain_name
    Coefficients and permutation importance; per-unit effects of chosen measures.

Survival and action
-------------------
survival_data, kaplan_meier, logrank, cox_model, segment_column
    How long customers stay, by segment (statsmodels).
scores, customer_value, targeting, contact_list_csv, safe_cell
    P(churn) for the customers who can still churn, the expected value a contact saves, and a
    contact list safe to open in a spreadsheet.
survey_effect
    Does NPS or CSAT predict churn here.

Findings
--------
labels_finding, evaluation_finding, leakage_finding, drivers_finding, survival_finding,
targeting_finding, survey_finding, skipped_finding, churn_rate, churn_headlines
    The sentences the chapter states and its headline numbers.

Why this is written here: scikit-learn supplies the models, calibration and permutation
importance and statsmodels the survival functions and logistic fits; what is ours is the
contract-aware labelling, the leak-free features and the retention arithmetic. lifelines is not
used because it caps pandas below 3.

Examples
--------
>>> from cxlab.datasets import load_demo
>>> from cxlab import churn
>>> risk = churn.scores(load_demo("saas"))
>>> risk.name, bool(risk.between(0, 1).all())
('churn_risk', True)
"""

from cxlab.churn._data import (
    SUPPORT_PATTERN,
    Windows,
    churn_features,
    churn_labels,
    leaky_features,
)
from cxlab.churn._evaluate import (
    Evaluation,
    auc_interval,
    drivers,
    evaluate,
    gains_table,
    plain_name,
)
from cxlab.churn._findings import (
    MIN_CHURNERS,
    churn_headlines,
    churn_rate,
    drivers_finding,
    evaluation_finding,
    labels_finding,
    leakage_finding,
    skipped_finding,
    survey_finding,
    survival_finding,
    targeting_finding,
)
from cxlab.churn._model import KINDS, ChurnModel, RawCleaner, coerce_column
from cxlab.churn._survival import cox_model, kaplan_meier, logrank, segment_column, survival_data
from cxlab.churn._targeting import (
    FORMULA_START,
    contact_list_csv,
    customer_value,
    driver_effects,
    safe_cell,
    scores,
    survey_effect,
    targeting,
)

__all__ = [
    "FORMULA_START",
    "KINDS",
    "MIN_CHURNERS",
    "SUPPORT_PATTERN",
    "ChurnModel",
    "Evaluation",
    "RawCleaner",
    "Windows",
    "auc_interval",
    "churn_features",
    "churn_headlines",
    "churn_labels",
    "churn_rate",
    "coerce_column",
    "contact_list_csv",
    "cox_model",
    "customer_value",
    "driver_effects",
    "drivers",
    "drivers_finding",
    "evaluate",
    "evaluation_finding",
    "gains_table",
    "kaplan_meier",
    "labels_finding",
    "leakage_finding",
    "leaky_features",
    "logrank",
    "plain_name",
    "safe_cell",
    "scores",
    "segment_column",
    "skipped_finding",
    "survey_effect",
    "survey_finding",
    "survival_data",
    "survival_finding",
    "targeting",
    "targeting_finding",
]
