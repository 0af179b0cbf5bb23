"""Customer journeys from an event log: funnel, flows, paths, the journey map and its health.

The journey is a sequence of **stages** (by default awareness → consideration → purchase →
service → loyalty, :data:`DEFAULT_STAGES`; a client may declare its own) and, within them,
**touchpoints** where the customer meets the business. The event log (the contract's
``events`` table: ``customer_id``, ``timestamp``, ``stage``, ``touchpoint``, ...) says who met
which touchpoint when; the survey answers say how it went. Everything here takes DataFrames (or
a Bundle) and returns DataFrames or a small result object; nothing draws or prints.

From the event log
------------------
funnel
    Customers reaching each stage, conversion and drop-off from the previous stage (Wilson).
transitions
    Directly-follows counts between stages and the probability of each next stage.
durations
    Time between one stage and the next: count, mean and quantiles per pair.
variants
    The most common paths and the share of customers on each.
exits
    Where customers leave: the stage of their last event, and the furthest stage reached.
infer_stage_order
    The stage order the data suggest, for a client without declared stages.

Process logs
------------
plan, plan_for, JourneyPlan
    Which activities of a log are the journey's stages (milestones, in order), which are
    outcomes (declined, cancelled, ...), work items (repeated or unordered) or left out — as
    declared under ``stages:`` in ``cxlab.yml``, or inferred by documented rules;
    ``JourneyPlan.apply`` gives the log the funnel, transitions and variants read.
outcomes
    How cases end: the share of cases whose last outcome event is each outcome (Wilson).
gaps
    Which parts of the analysis the data cannot support, each with what would enable it.

With survey answers
-------------------
journey_map, JourneyMap
    Stages × touchpoints with volume, CSAT/CES/NPS and their intervals (through
    :mod:`cxlab.metrics`), pain points and moments of delight, per segment with ``by=``, and a
    ``sentiment=`` hook for the voice-of-customer chapter.
health
    Per period: funnel conversion and touchpoint scores with change and control-limit flags.

Semantics of an event log
-------------------------
These rules hold for every function here, and each has a test in ``tests/test_journey*.py``.

* **Order.** Events are ordered per customer by timestamp; the table's row order does not
  matter (out-of-order rows are sorted). Events of one customer at the *same* timestamp are
  ordered by the declared stage order (``awareness`` before ``purchase``), then by row.
* **Repeated events.** The funnel counts a customer once per stage. Transitions keep repeats
  as self-loops by default (``purchase → purchase``; counts add up to events − customers);
  ``collapse=True`` merges consecutive repeats first (counts add up to stage runs −
  customers). Variants collapse repeats by default (``collapse=False`` keeps them).
* **Skipped stages.** The funnel counts a customer at a stage when they reached it *or any
  later stage* — their furthest stage in the declared order — so a customer first seen at
  ``purchase`` counts at ``awareness`` and ``consideration`` too, and the funnel never rises.
  Its ``visited`` column counts customers with an event at exactly that stage. Transitions and
  paths record what happened: ``awareness → purchase`` stays a direct step.
* **Single-event customers** are in the funnel and the variants (a one-stage path) and have
  no transitions or durations.
* **Bad logs** raise :class:`cxlab.errors.DataError` naming the column, the rule and example
  rows with a hint: a missing column, an empty log, events without a customer, without a
  timestamp or with one that is not a date, without a stage, or with a stage that is not
  declared (the message lists the unknown names). Several problems are reported at once as a
  :class:`cxlab.errors.BundleError` (a ``DataError``).

Why not a process-mining library: pm4py, the obvious one, is AGPL-licensed, and the few
operations needed here are a sort and some counting in pandas and numpy — a million events
take well under a second each (``benchmarks/bench_journey.py``).

Examples
--------
>>> import pandas as pd
>>> from cxlab import journey
>>> ev = pd.DataFrame(
...     {
...         "customer_id": ["a", "a", "b"],
...         "timestamp": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-01"]),
...         "stage": ["awareness", "purchase", "awareness"],
...     }
... )
>>> journey.funnel(ev)["customers"].tolist()
[2, 1, 1, 0, 0]
"""

from cxlab.journey._flow import durations, exits, funnel, transitions, variants
from cxlab.journey._health import ALL_TOUCHPOINTS, HEALTH_COLUMNS, health
from cxlab.journey._map import JourneyMap, journey_map
from cxlab.journey._stages import DEFAULT_STAGES, infer_stage_order

__all__ = [
    "ALL_TOUCHPOINTS",
    "DEFAULT_STAGES",
    "HEALTH_COLUMNS",
    "JourneyMap",
    "durations",
    "exits",
    "funnel",
    "health",
    "infer_stage_order",
    "journey_map",
    "transitions",
    "variants",
]

# What the journey chapter states, and the workshop it holds the data against.
from cxlab.journey._findings import (
    comments_finding,
    durations_finding,
    exits_finding,
    flagged_touchpoints,
    format_duration,
    funnel_finding,
    health_finding,
    health_flags,
    health_flags_table,
    journey_headlines,
    log_finding,
    map_finding,
    timeline_finding,
    transitions_finding,
    variants_finding,
    worst_touchpoint,
)
from cxlab.journey._gaps import gaps
from cxlab.journey._map import emotion_curve
from cxlab.journey._milestones import (
    MAX_STAGES,
    OUTCOME_WORDS,
    JourneyPlan,
    activity_roles,
    outcomes,
    outcomes_finding,
    plan,
    plan_finding,
    plan_for,
)
from cxlab.journey._personas import (
    Personas,
    persona_cards,
    persona_finding,
    persona_gap_finding,
    persona_scores,
    personas,
)
from cxlab.journey._stages import declared_journey, stages_for
from cxlab.journey._workshop import (
    FALLBACK_IDEA,
    IDEAS,
    WORKSHOP_MAPS,
    Idea,
    WorkshopRow,
    compare_workshop,
    ideas_for,
    improvements,
    improvements_finding,
    workshop_finding,
    workshop_map,
)

__all__ += [
    "FALLBACK_IDEA",
    "IDEAS",
    "MAX_STAGES",
    "OUTCOME_WORDS",
    "WORKSHOP_MAPS",
    "Idea",
    "JourneyPlan",
    "Personas",
    "WorkshopRow",
    "activity_roles",
    "comments_finding",
    "compare_workshop",
    "declared_journey",
    "durations_finding",
    "emotion_curve",
    "exits_finding",
    "flagged_touchpoints",
    "format_duration",
    "funnel_finding",
    "gaps",
    "health_finding",
    "health_flags",
    "health_flags_table",
    "ideas_for",
    "improvements",
    "improvements_finding",
    "journey_headlines",
    "log_finding",
    "map_finding",
    "outcomes",
    "outcomes_finding",
    "persona_cards",
    "persona_finding",
    "persona_gap_finding",
    "persona_scores",
    "personas",
    "plan",
    "plan_finding",
    "plan_for",
    "stages_for",
    "timeline_finding",
    "transitions_finding",
    "variants_finding",
    "workshop_finding",
    "workshop_map",
    "worst_touchpoint",
]
