"""Customer segmentation: RFM, the four strategies, micro-segments, and acting on them.

Segments turn one customer base into a few groups a small business can treat differently. The
functions take the contract tables (``bundle.transactions``, ``bundle.customers``,
``bundle.responses``) and return DataFrames or a small :class:`Segmentation` (customer →
segment, plus a profile of each segment). Nothing here draws or prints; what was dropped from
messy logs (missing ids, duplicates, refund-only customers) is counted in ``attrs["cleaning"]``
and said in ``attrs["notes"]``.

RFM
---
rfm
    Recency, frequency, monetary value per customer; 1–5 scores; named segments (champions …
    lost) from the R × F grid :data:`RFM_GRID`.
score, rfm_segment
    The quantile scoring and the grid on their own.

The four strategies
-------------------
behavioural_segments
    Clusters of purchase patterns (frequency, recency, basket, price, and the mix of the
    :data:`MAX_CATEGORIES` most bought categories, the rest pooled).
value_segments
    Top 20 % / middle / low tiers by net spend, with each tier's share of revenue (Pareto).
needs_segments
    Clusters of customers' answers to the survey's driver items (their priorities).
psychographic_segments
    Groups by declared attributes (diet, plan, sector, lifestyle).

Micro-segmentation
------------------
customer_features
    One row of behavioural numbers per customer.
MicroSegmenter
    scikit-learn clusterer: log scaling of skewed columns, k-means or a Gaussian mixture,
    ``k`` chosen by silhouette among seed-stable solutions.
profile, name_segments
    Size, share and means against all customers; plain-language names.

Personalisation
---------------
playbook, match_plays, PLAYBOOK, RFM_PLAYS
    The curriculum's four-industry segmentation table as data, and matching discovered
    segments to it.
association_rules, recommend
    Co-purchase rules (support, confidence, lift) and suggestions per customer.
satisfaction_by_segment
    NPS and CSAT per segment through :func:`cxlab.metrics.breakdown`: who is unhappy.

What the bundle allows
----------------------
bundle_finding, skipped_finding, needs_respondents
    The chapter's opening (with or without a customers table), the one-line note for a
    section the bundle cannot support and what would enable it, and who can be grouped by
    needs.

Why this is written here: RFM and the segment rules are a few vectorised lines over integer
codes (about as fast as a DuckDB group-by; see ``benchmarks/bench_segmentation.py``);
clustering uses scikit-learn; one-to-one association rules are one sparse matrix product,
which does not justify a dependency such as ``mlxtend``.

Examples
--------
>>> from cxlab.datasets import load_demo
>>> from cxlab.segmentation import rfm
>>> r = rfm(load_demo("restaurant").transactions)
>>> r["segment"].value_counts().head(3)  # doctest: +NORMALIZE_WHITESPACE
segment
loyal          266
hibernating    235
at risk        194
Name: count, dtype: int64
"""

from cxlab.segmentation._features import FEATURE_ROLES, customer_features
from cxlab.segmentation._input import Cleaning
from cxlab.segmentation._micro import MicroSegmenter, name_segments, profile, signed_log1p
from cxlab.segmentation._personalize import (
    INDUSTRIES,
    PLAYBOOK,
    RFM_PLAYS,
    Play,
    association_rules,
    match_plays,
    playbook,
    recommend,
    satisfaction_by_segment,
)
from cxlab.segmentation._rfm import RFM_GRID, RFM_SEGMENTS, rfm, rfm_segment, score
from cxlab.segmentation._strategies import (
    BEHAVIOURAL_FEATURES,
    MAX_CATEGORIES,
    Segmentation,
    behavioural_segments,
    needs_segments,
    psychographic_segments,
    value_segments,
)

__all__ = [
    "BEHAVIOURAL_FEATURES",
    "FEATURE_ROLES",
    "INDUSTRIES",
    "MAX_CATEGORIES",
    "PLAYBOOK",
    "RFM_GRID",
    "RFM_PLAYS",
    "RFM_SEGMENTS",
    "Cleaning",
    "MicroSegmenter",
    "Play",
    "Segmentation",
    "association_rules",
    "behavioural_segments",
    "customer_features",
    "match_plays",
    "name_segments",
    "needs_segments",
    "playbook",
    "profile",
    "psychographic_segments",
    "recommend",
    "rfm",
    "rfm_segment",
    "satisfaction_by_segment",
    "score",
    "signed_log1p",
    "value_segments",
]

# What the chapter states: each industry's features, the summary tables and the findings.
from cxlab.segmentation._findings import (
    DOMINANT_SHARE,
    MIN_N,
    SILHOUETTE_MARGIN,
    WEAK_SILHOUETTE,
    clusters_finding,
    feature_choice_finding,
    industry_finding,
    loyalty_finding,
    micro_segments_finding,
    planted_truth_finding,
    plays_finding,
    rfm_finding,
    rfm_segments_finding,
    rules_finding,
    satisfaction_finding,
    strategy_finding,
    value_finding,
)
from cxlab.segmentation._industry import (
    DECLARED_ATTRIBUTES,
    INDUSTRY_FEATURES,
    FeatureChoice,
    clustering_features,
    declared_attributes,
    industry_key,
)
from cxlab.segmentation._sections import (
    SECTION_NEEDS,
    bundle_finding,
    needs_respondents,
    skipped_finding,
)
from cxlab.segmentation._summary import (
    LOYALTY_IDEAS,
    co_purchase_rules,
    loyalty_ideas,
    segment_summary,
    summary_headlines,
)

__all__ += [
    "DECLARED_ATTRIBUTES",
    "DOMINANT_SHARE",
    "INDUSTRY_FEATURES",
    "LOYALTY_IDEAS",
    "MIN_N",
    "SECTION_NEEDS",
    "SILHOUETTE_MARGIN",
    "WEAK_SILHOUETTE",
    "FeatureChoice",
    "bundle_finding",
    "clustering_features",
    "clusters_finding",
    "co_purchase_rules",
    "declared_attributes",
    "feature_choice_finding",
    "industry_finding",
    "industry_key",
    "loyalty_finding",
    "loyalty_ideas",
    "micro_segments_finding",
    "needs_respondents",
    "planted_truth_finding",
    "plays_finding",
    "rfm_finding",
    "rfm_segments_finding",
    "rules_finding",
    "satisfaction_finding",
    "segment_summary",
    "skipped_finding",
    "strategy_finding",
    "summary_headlines",
    "value_finding",
]
