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

Planning and context
--------------------
sample_size
    Answers per period needed to detect a change.
margin_curve
    The margin of error each score would have at other sample sizes, same answer mix.
read_benchmarks, benchmark
    A benchmark table the user supplies (cxlab ships no industry figures), checked and lined
    up with the scores.
nps_groups
    Promoters, passives and detractors: counts, profile and sample comments.

Why some intervals are written here
-----------------------------------
Where a library has the method, it is used: Wilson intervals come from statsmodels'
``proportion_confint``, Newcombe's interval for two proportions and its score test from
``confint_proportions_2indep`` and ``test_proportions_2indep``, power from
``statsmodels.stats.power``, multiple-testing adjustment from ``multipletests``. Written here,
because no library we depend on has them: the adjusted-Wald interval of the NPS and of a
difference of two NPS (Rocks 2016; the NPS is a difference of two dependent proportions, which
no binomial routine covers), the finite-population correction of every interval (statsmodels'
intervals assume an infinite population), the NPS sample-size formula, and a bootstrap of the
mean that resamples counts per scale point instead of raw answers (``scipy.stats.bootstrap``
resamples the raw data, which for ten million answers would need gigabytes; the multinomial
draw is the same resampling distribution at a cost independent of ``n``).

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

from cxlab.metrics._benchmarks import BENCHMARK_COLUMNS, benchmark, read_benchmarks
from cxlab.metrics._breakdown import breakdown, trend
from cxlab.metrics._compare import Comparison, TargetTest, against_target, compare
from cxlab.metrics._groups import GROUPS, NPSGroups, nps_groups
from cxlab.metrics._planning import margin_curve, sample_size
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

__all__ = [
    "BENCHMARK_COLUMNS",
    "GROUPS",
    "METRICS",
    "SMALL_N",
    "CESScore",
    "CSATScore",
    "Comparison",
    "NPSGroups",
    "NPSScore",
    "Score",
    "TargetTest",
    "against_target",
    "benchmark",
    "breakdown",
    "ces",
    "compare",
    "csat",
    "margin_curve",
    "nps",
    "nps_groups",
    "read_benchmarks",
    "sample_size",
    "trend",
]

# Chapter 01: every answered question scored at once, simulated small surveys, NPS margins for
# given answer mixes, each score's warning sign, and the sentences the chapter states.
from cxlab.metrics._findings_scores import (
    FIRST_ACTIONS,
    MIN_SURVEY,
    NPS_MIXES,
    answered_metrics,
    definitions_finding,
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

__all__ += [
    "FIRST_ACTIONS",
    "MIN_SURVEY",
    "NPS_MIXES",
    "answered_metrics",
    "definitions_finding",
    "intervals_finding",
    "margins_finding",
    "mix_margins_finding",
    "nps_for_mix",
    "nps_mix_margins",
    "score_responses",
    "small_surveys",
    "small_surveys_finding",
    "survey_finding",
    "warning_signs",
    "warning_signs_finding",
]
