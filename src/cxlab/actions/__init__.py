"""Proactive service and the action plan: follow-ups, next-best-actions, demand, the summary.

Chapter 09 turns the analyses of the other chapters into what a small business does next. The
functions take the contract :class:`~cxlab.Bundle` (or, for the executive summary, the run's
``metrics.json`` mapping) and return DataFrames or small result objects; nothing here draws or
prints.

Signals
-------
customer_signals, recency_risk, spend_value, Signals
    Churn risk and value per customer: a model's scores when given (``cxlab.churn.scores``,
    ``cxlab.clv.customer_value``), else the recency proxy and historical spend, said so.

Closing the loop
----------------
follow_up_queue, flag_responses
    Detractors, low-CSAT and high-effort answers of the recent past, one row per customer,
    ranked by value and churn risk, with the redacted comment, owner, action and due date.
crm_csv, neutralise
    The queue as CSV for a CRM: formula-safe cells, an allowlist of columns, PII masked.

Acting on each customer
-----------------------
next_best_action, RULES
    One action per customer from documented rules (service recovery, retention offer,
    onboarding help, recommendation, no action), consent respected, high-impact automated
    actions flagged for human review.

Demand
------
weekly_demand, forecast_demand, seasonal_naive, DemandForecast
    Weekly orders with a structural model (level, yearly and monthly cycles, intervals),
    checked on a holdout against the seasonal-naive forecast.

Choosing tools and tracking
---------------------------
technology_table, tracking_plan
    The technology decision table tied to what the client's data show, and the measures to
    review each month.

The executive summary
---------------------
executive_summary, recommended_actions, summary_page, ExecutiveSummary, Recommendation
    One page from every chapter's headline numbers, with five recommended actions and the
    evidence behind each; copes with chapters that were skipped or failed.

Findings
--------
queue_finding, nba_finding, forecast_finding, signals_finding, MIN_N
    The sentences chapter 09 states about the above.
"""

from cxlab.actions._export import CRM_COLUMNS, FORMULA_STARTS, crm_csv, neutralise
from cxlab.actions._findings import (
    HEADLINE_NOTES,
    MIN_N,
    chapter_headlines,
    forecast_finding,
    nba_finding,
    queue_finding,
    signals_finding,
    skipped_finding,
)
from cxlab.actions._forecast import (
    HOLDOUT,
    DemandForecast,
    forecast_demand,
    seasonal_naive,
    weekly_demand,
)
from cxlab.actions._nba import ACTIONS, RULES, WIN_BACK, Rule, next_best_action
from cxlab.actions._plan import technology_table, tracking_plan
from cxlab.actions._queue import (
    QUEUE_COLUMNS,
    RECENT_DAYS,
    flag_responses,
    follow_up_queue,
)
from cxlab.actions._signals import (
    Signals,
    customer_signals,
    model_signals,
    recency_risk,
    spend_value,
)
from cxlab.actions._summary import (
    CHAPTER_TITLES,
    SAVE_RATE,
    ExecutiveSummary,
    Recommendation,
    executive_summary,
    recommended_actions,
    summary_markdown,
    summary_page,
)

__all__ = [
    "ACTIONS",
    "CHAPTER_TITLES",
    "CRM_COLUMNS",
    "FORMULA_STARTS",
    "HEADLINE_NOTES",
    "HOLDOUT",
    "MIN_N",
    "QUEUE_COLUMNS",
    "RECENT_DAYS",
    "RULES",
    "SAVE_RATE",
    "WIN_BACK",
    "DemandForecast",
    "ExecutiveSummary",
    "Recommendation",
    "Rule",
    "Signals",
    "chapter_headlines",
    "crm_csv",
    "customer_signals",
    "executive_summary",
    "flag_responses",
    "follow_up_queue",
    "forecast_demand",
    "forecast_finding",
    "model_signals",
    "nba_finding",
    "neutralise",
    "next_best_action",
    "queue_finding",
    "recency_risk",
    "recommended_actions",
    "seasonal_naive",
    "signals_finding",
    "skipped_finding",
    "spend_value",
    "summary_markdown",
    "summary_page",
    "technology_table",
    "tracking_plan",
    "weekly_demand",
]
