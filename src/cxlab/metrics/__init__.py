"""Satisfaction metrics with their uncertainty: NPS, CSAT and CES, compared, broken down, tracked.

A small business rarely has thousands of survey answers a month, so every score here comes with
a confidence interval, a count, the name of the interval method, and a plain-language warning
below 30 answers. The functions take a column of answers (a Series or array) or a responses
table and return small frozen result objects (with ``to_frame()`` and ``to_dict()``; the
latter is what :func:`cxlab.headlines.publish` files) or DataFrames. Nothing here draws or
prints.

Scores
------
nps
    Net Promoter Score in points (−100..100), adjusted-Wald interval (Rocks 2016).
csat
    Percent satisfied (top-two box by default), Wilson interval.
ces
    Mean effort with a t or seeded bootstrap interval, and the share of low-effort answers.

Comparing and tracking
----------------------
compare
    Two independent groups: difference, interval, p-value.
against_target
    One score against a target (one-sample test with the interval).
breakdown
    Every group against the rest, with Holm or Benjamini–Hochberg adjusted p-values and small
    groups masked.
trend
    Score per period with control-chart limits (Montgomery).
rolling_alerts, alerts_table
    A real-time rule: the touchpoints whose rolling CSAT falls below their control limits.

Planning and context
--------------------
sample_size
    Answers per period needed to detect a change.
margin_curve
    The margin of error each score would have at other sample sizes, same answer mix.
read_benchmarks, benchmark, benchmark_table
    A benchmark table the user supplies (cxlab ships no industry figures), checked and lined
    up with the scores.
nps_groups
    Promoters, passives and detractors: counts, profile and sample comments.
by_metric
    Score results keyed by metric (nps, csat, ces), for figures and tables of all three.

A survey's own history, and findings in words
---------------------------------------------
survey_data, touchpoint_order
    A bundle's responses with their scales and a customer attribute; touchpoints in journey
    order.
period_scores, latest_change, own_benchmark
    Scores per period, the latest against the previous, the earlier part as a benchmark.
detectable_change, sample_size_table
    The smallest gain a period's answers can show; answers needed for several gains.
breakdown_finding, panels_finding, nps_groups_finding, comments_finding, effort_finding,
trend_finding, mix_finding, waves_finding, change_finding, benchmark_finding, goal_finding,
target_finding, headline_numbers
    The sentence each analysis supports (a :class:`cxlab.findings.Finding`), saying plainly
    when the data do not support it, and the headline numbers behind them.

Where the statistics live
-------------------------
The interval, test and multiple-testing formulas behind every score are public in
:mod:`cxlab.stats`, shared with the other chapters' modules; that module's docstring says which
come from statsmodels and scipy and which are written there, and why (the adjusted-Wald NPS
interval of Rocks 2016, the finite-population correction, a bootstrap over counts per scale
point). Written here, because no library we depend on has it: the NPS sample-size formula.
Power comes from ``statsmodels.stats.power``, the multiple-testing adjustment of
:func:`breakdown` from :func:`cxlab.stats.adjust_pvalues`.

Speed: answers are reduced once to counts per scale point with :func:`numpy.bincount`, so a
score of ten million answers costs about as much as counting them (see
``benchmarks/bench_metrics.py``).

Examples
--------
>>> from cxlab.metrics import nps, csat, compare
>>> print(nps([10, 9, 9, 8, 7, 6, 3, 10, 9, 10]))  # doctest: +NORMALIZE_WHITESPACE
NPS 40.0 (95% CI -12.6 to 74.1; n = 10; adjusted Wald (Rocks 2016)) — only 10 responses:
the interval is wide; treat the score as indicative
>>> csat([5, 4, 4, 2, 5], scale=5).value
80.0
"""

from cxlab.metrics._alerts import alerts_table, rolling_alerts
from cxlab.metrics._benchmarks import (
    BENCHMARK_COLUMNS,
    benchmark,
    benchmark_table,
    read_benchmarks,
)
from cxlab.metrics._breakdown import breakdown, trend
from cxlab.metrics._compare import Comparison, TargetTest, against_target, compare
from cxlab.metrics._findings import (
    benchmark_finding,
    breakdown_finding,
    change_finding,
    comments_finding,
    effort_finding,
    goal_finding,
    headline_numbers,
    mix_finding,
    nps_groups_finding,
    panels_finding,
    target_finding,
    trend_finding,
    waves_finding,
)
from cxlab.metrics._findings_scores import (
    FIRST_ACTIONS,
    MIN_SURVEY,
    NPS_MIXES,
    answered_metrics,
    definitions_finding,
    hand_check_finding,
    intervals_finding,
    margins_finding,
    mix_margins_finding,
    nps_for_mix,
    nps_mix_margins,
    score_responses,
    small_surveys,
    small_surveys_finding,
    survey_finding,
    warning_signs,
    warning_signs_finding,
)
from cxlab.metrics._groups import GROUPS, NPSGroups, nps_groups
from cxlab.metrics._history import (
    OwnBenchmark,
    PeriodChange,
    detectable_change,
    latest_change,
    own_benchmark,
    period_scores,
    sample_size_table,
)
from cxlab.metrics._left_out import SECTIONS, left_out_finding, readable_table
from cxlab.metrics._planning import by_metric, margin_curve, sample_size
from cxlab.metrics._scores import (
    METRICS,
    SMALL_N,
    CESScore,
    CSATScore,
    NPSScore,
    Score,
    ces,
    csat,
    nps,
)
from cxlab.metrics._survey import DEFAULT_ATTRIBUTES, SurveyData, survey_data, touchpoint_order

__all__ = [
    "BENCHMARK_COLUMNS",
    "DEFAULT_ATTRIBUTES",
    "FIRST_ACTIONS",
    "GROUPS",
    "METRICS",
    "MIN_SURVEY",
    "NPS_MIXES",
    "SECTIONS",
    "SMALL_N",
    "CESScore",
    "CSATScore",
    "Comparison",
    "NPSGroups",
    "NPSScore",
    "OwnBenchmark",
    "PeriodChange",
    "Score",
    "SurveyData",
    "TargetTest",
    "against_target",
    "alerts_table",
    "answered_metrics",
    "benchmark",
    "benchmark_finding",
    "benchmark_table",
    "breakdown",
    "breakdown_finding",
    "by_metric",
    "ces",
    "change_finding",
    "comments_finding",
    "compare",
    "csat",
    "definitions_finding",
    "detectable_change",
    "effort_finding",
    "goal_finding",
    "hand_check_finding",
    "headline_numbers",
    "intervals_finding",
    "latest_change",
    "left_out_finding",
    "margin_curve",
    "margins_finding",
    "mix_finding",
    "mix_margins_finding",
    "nps",
    "nps_for_mix",
    "nps_groups",
    "nps_groups_finding",
    "nps_mix_margins",
    "own_benchmark",
    "panels_finding",
    "period_scores",
    "read_benchmarks",
    "readable_table",
    "rolling_alerts",
    "sample_size",
    "sample_size_table",
    "score_responses",
    "small_surveys",
    "small_surveys_finding",
    "survey_data",
    "survey_finding",
    "target_finding",
    "touchpoint_order",
    "trend",
    "trend_finding",
    "warning_signs",
    "warning_signs_finding",
    "waves_finding",
]
