"""Customer lifetime value: buy-till-you-die models, customer equity and the return on customers.

Lifetime value is what a customer relationship is worth. *Historical* value adds up what a
customer has spent; *predictive* value forecasts what they will spend, which needs a model of
whether they are still a customer and how often and how much they will buy. The functions take
the contract's transactions table (``bundle.transactions``) and return DataFrames, Series or
fitted models. Nothing here draws or prints.

Predictive value
----------------
rfm_summary
    Per customer: repeat purchase days, recency, time observed and mean repeat spend, with an
    optional calibration / holdout split.
BetaGeo
    The BG/NBD model (Fader, Hardie & Lee 2005): expected purchases, P(alive).
GammaGamma
    The Gamma-Gamma spend model (Fader, Hardie & Lee 2005; Fader & Hardie 2013): conditional
    expected spend per transaction.
fit_models, clv, customer_equity, customer_value, prepare, ValueModel, holdout
    Both models fitted with the checks a client's data need; discounted value over a horizon;
    its sum; the one call other chapters use.
holdout_check
    Predicted against actual purchases in a holdout period.
cdnow_summary
    The published CDNOW summary (reference data, not shipped), to reproduce the paper.
top_share, value_tiers, clv_by_group, nps_groups
    How concentrated value is, tiers, and value by group (such as NPS group) with intervals.

Return on customer-centricity
-----------------------------
historical_value, cohort_value
    Net spend to date; mean cumulative spend by quarter of first purchase (CLTV growth).
equity_over_time, equity_trend, equity_growth, EquityGrowth
    Customer equity at each quarter end with the models refitted on the purchases known then,
    with an interval; its growth.
cost_by_year, roi_metrics
    CAC, CRC by year from the optional costs table; the seeds' metrics table, each metric
    with the tables it needs and the reason when it is missing.

Findings
--------
fit_finding, holdout_finding, equity_finding, equity_growth_finding, top_share_finding,
nps_value_finding, spend_finding, value_findings
    The sentences chapter 06 states.
chapter_headlines
    The chapter's headline numbers for ``metrics.json`` and why any is missing.

Why written here: ``lifetimes`` is unmaintained and fails on current NumPy, and
``pymc-marketing`` fits these models by MCMC, heavy for a small-business laptop; both likelihoods
are a few lines of ``scipy.special`` (see ``benchmarks/bench_clv.py`` for a comparison).
"""

from cxlab.clv._equity import EquityGrowth, equity_growth, equity_over_time, equity_trend
from cxlab.clv._findings import (
    chapter_headlines,
    equity_finding,
    equity_growth_finding,
    fit_finding,
    holdout_finding,
    nps_value_finding,
    skipped_finding,
    spend_finding,
    top_share_finding,
    value_findings,
)
from cxlab.clv._models import BOUNDS, BetaGeo, FitDiagnostics, GammaGamma
from cxlab.clv._reference import cdnow_summary
from cxlab.clv._roi import cohort_value, cost_by_year, historical_value, nps_groups, roi_metrics
from cxlab.clv._summary import DAYS_PER_UNIT, rfm_summary
from cxlab.clv._value import (
    MIN_CUSTOMERS,
    ValueModel,
    ValueShare,
    bundle_summary,
    clv,
    clv_by_group,
    customer_equity,
    customer_value,
    fit_models,
    holdout,
    holdout_check,
    monthly_rate,
    prepare,
    top_share,
    value_tiers,
)

__all__ = [
    "BOUNDS",
    "DAYS_PER_UNIT",
    "MIN_CUSTOMERS",
    "BetaGeo",
    "EquityGrowth",
    "FitDiagnostics",
    "GammaGamma",
    "ValueModel",
    "ValueShare",
    "bundle_summary",
    "cdnow_summary",
    "chapter_headlines",
    "clv",
    "clv_by_group",
    "cohort_value",
    "cost_by_year",
    "customer_equity",
    "customer_value",
    "equity_finding",
    "equity_growth",
    "equity_growth_finding",
    "equity_over_time",
    "equity_trend",
    "fit_finding",
    "fit_models",
    "historical_value",
    "holdout",
    "holdout_check",
    "holdout_finding",
    "monthly_rate",
    "nps_groups",
    "nps_value_finding",
    "prepare",
    "rfm_summary",
    "roi_metrics",
    "skipped_finding",
    "spend_finding",
    "top_share",
    "top_share_finding",
    "value_findings",
    "value_tiers",
]
