"""Tests for cxlab.segmentation's findings: the sentences chapter 04 states.

Every input is a small table written here; the expected numbers are worked out by hand in the
comments. Each finding is checked for what it says, for saying plainly when the data do not
support it, and for showing client text (segment, item and attribute names) escaped.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from cxlab.segmentation import (
    FeatureChoice,
    MicroSegmenter,
    Segmentation,
    association_rules,
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
    value_segments,
)

PAYLOAD = "<img src=x onerror=alert(1)>"
ESCAPED = "&#60;img src=x onerror=alert&#40;1&#41;&#62;"


def assert_escaped(finding):
    out = finding.to_markdown()
    assert "<img" not in out
    assert ESCAPED in out


# ------------------------------------------------------------------------------ industry
def test_industry_finding_states_what_the_industry_segments_by():
    f = industry_finding("Hospitality")
    assert f.supported
    assert f.text.startswith("Industry: restaurant, which segments mainly by behaviour")


def test_industry_finding_without_an_industry_says_what_to_set_in_cxlab_yml():
    f = industry_finding(None)
    assert not f.supported
    assert "cxlab.yml names no industry" in f.text
    assert "add `industry: ecommerce` (or saas, restaurant, consulting) to cxlab.yml" in f.text


def test_industry_finding_for_an_industry_without_playbook_says_so():
    f = industry_finding("dentistry")
    assert not f.supported
    assert "no playbook for the industry “dentistry”" in f.text


def test_industry_finding_escapes_the_industry_name():
    assert_escaped(industry_finding(PAYLOAD))


def test_feature_choice_finding_names_the_features_and_why():
    f = feature_choice_finding(FeatureChoice(("a", "b"), "requested", None, 120, ("zzz",)))
    assert f.text == (
        "Clustered 120 customers on the features asked for: a, b. This bundle has no feature zzz."
    )
    assert f.facts == {"customers": 120, "features": ["a", "b"]}


def test_feature_choice_finding_names_features_in_words():
    choice = FeatureChoice(("price_per_unit", "units_per_line"), "requested", None, 9, ("aov",))
    f = feature_choice_finding(choice)
    assert f.text == (
        "Clustered 9 customers on the features asked for: price per unit, units per line. "
        "This bundle has no feature AOV."
    )


def test_feature_choice_finding_for_general_features():
    f = feature_choice_finding(FeatureChoice(("recency",), "default", None, 40))
    assert f.text == "Clustered 40 customers on general purchase features: recency."


def test_feature_choice_finding_escapes_feature_names():
    assert_escaped(
        feature_choice_finding(
            FeatureChoice((f"category:{PAYLOAD}",), "industry", "consulting", 50)
        )
    )


# ------------------------------------------------------------------------------ RFM
def rfm_table(n: int = 40) -> pd.DataFrame:
    """``n`` customers cycling through four (R, F) score pairs.

    Per block of four: (5, 5) and (4, 4) are recent and frequent; (1, 1) and (5, 1) are in the
    lowest frequency column. With 40 customers: 20 recent and frequent (50 %), 20 in F = 1.
    """
    pairs = [(5, 5), (4, 4), (1, 1), (5, 1)] * (n // 4)
    t = pd.DataFrame(
        {
            "recency": [10] * n,
            "frequency": [3] * n,
            "monetary": [25.0] * n,
            "r_score": [r for r, _ in pairs],
            "f_score": [f for _, f in pairs],
        },
        index=[f"C{i:02d}" for i in range(n)],
    )
    t.attrs.update(asof="2025-01-01", notes=[], bins=5)
    return t


def test_rfm_finding_counts_recent_frequent_and_rare_buyers():
    f = rfm_finding(rfm_table())
    assert f.supported
    assert f.text == (
        "Looking from 2025-01-01, 20 customers (50%) score 4 or 5 on both recency and frequency, "
        "while 20 sit in the lowest frequency column."
    )
    assert f.facts == {"customers": 40, "recent_and_frequent": 20, "lowest_frequency": 20}


def test_rfm_finding_confirms_a_hand_calculation_that_agrees():
    t = rfm_table()
    f = rfm_finding(t, by_hand=t[["recency", "frequency", "monetary"]].copy())
    assert f.text.startswith(
        "The hand calculation agrees with `segmentation.rfm` for all 40 buying"
    )
    assert f.facts["agree"] == 40


def test_rfm_finding_points_to_cleaning_when_the_hand_calculation_differs():
    t = rfm_table()
    t.attrs["notes"] = ["1 exact duplicate row(s) were dropped"]
    hand = t[["recency", "frequency", "monetary"]].copy()
    hand.loc["C00", "monetary"] = 50.0  # the duplicate counted twice by hand
    f = rfm_finding(t, by_hand=hand)
    assert "for 39 of 40 buying customers" in f.text
    assert "cxlab cleaned the log, which the hand calculation does not: 1 exact duplicate" in f.text
    assert f.facts["agree"] == 39


def test_rfm_finding_without_cleaning_notes_says_which_to_compare():
    t = rfm_table()
    hand = t[["recency", "frequency", "monetary"]].copy()
    hand.loc[["C00", "C01"], "recency"] = 11
    assert "compare the two tables for the other 2." in rfm_finding(t, by_hand=hand).text


def test_rfm_finding_is_unsupported_below_thirty_customers():
    f = rfm_finding(rfm_table(28))
    assert not f.supported
    assert "Only 28 customers have bought" in f.text
    assert "score 4 or 5" not in f.text


def test_rfm_finding_is_unsupported_without_buyers():
    f = rfm_finding(rfm_table(0))
    assert not f.supported
    assert "no RFM scores" in f.text


def rfm_summary(
    names=("champions", "hibernating", "lost"), customers=(10, 25, 5), revenue=(0.6, 0.3, 0.1)
):
    total = sum(customers)
    return pd.DataFrame(
        {
            "customers": list(customers),
            "share_of_customers": [c / total for c in customers],
            "share_of_revenue": list(revenue),
            "play": ["thank them", "wake them", "let go"],
        },
        index=pd.Index(list(names), name="segment"),
    )


def test_rfm_segments_finding_names_the_revenue_leader_and_the_largest_group():
    f = rfm_segments_finding(rfm_summary())
    # champions: 10 of 40 customers = 25 %, 60 % of revenue; hibernating the largest (25).
    assert f.text == (
        "champions bring the largest share of revenue: 60% from 25% of the buying customers (10), "
        "while the largest group by head count is hibernating (25 customers, 30% of revenue). "
        "The play for champions: thank them."
    )
    assert f.facts["lead"] == "champions"
    assert f.facts["largest"] == "hibernating"


def test_rfm_segments_finding_when_the_leader_is_also_the_largest():
    f = rfm_segments_finding(rfm_summary(customers=(25, 10, 5)))
    assert "(25), and they are also the largest group by head count." in f.text


def test_rfm_segments_finding_says_when_two_segments_tie_for_revenue():
    f = rfm_segments_finding(rfm_summary(revenue=(0.4, 0.4, 0.2)))
    assert f.text.startswith(
        "“champions” and “hibernating” tie for the largest share of revenue, 40% each."
    )


def test_rfm_segments_finding_is_unsupported_for_few_customers():
    f = rfm_segments_finding(rfm_summary(customers=(10, 10, 5)))
    assert not f.supported
    assert "Only 25 customers" in f.text


def test_rfm_segments_finding_is_unsupported_without_positive_revenue():
    f = rfm_segments_finding(rfm_summary(revenue=(np.nan, np.nan, np.nan)))
    assert not f.supported
    assert "Net revenue is not positive" in f.text


def test_rfm_segments_finding_escapes_segment_names():
    assert_escaped(rfm_segments_finding(rfm_summary(names=(PAYLOAD, "b", "c"))))


# ------------------------------------------------------------------------------ value tiers
def spend_log(customers_file: bool = True):
    """40 buyers: 8 spend 100, 12 spend 50, 20 spend 11 (total 800 + 600 + 220 = 1,620).

    Top 20 % = the 8 at 100: 800 / 1,620 = 49.4 %. Lowest half = the 20 at 11: 220 / 1,620 =
    13.6 %. Two more customers on file never bought.
    """
    spend = [100.0] * 8 + [50.0] * 12 + [11.0] * 20
    ids = [f"C{i:02d}" for i in range(40)]
    tx = pd.DataFrame({"customer_id": ids, "date": "2024-05-01", "amount": spend})
    customers = pd.DataFrame({"customer_id": [*ids, "X1", "X2"]})
    return value_segments(tx, customers=customers if customers_file else None)


def test_value_finding_states_the_pareto_share_and_the_bottom_half():
    f = value_finding(spend_log(), currency="EUR")
    assert f.text == (
        "The top 8 customers — 20% of the buyers, each spending at least 100 EUR — bring 49% of "
        "net revenue; the lowest 50% of the buyers bring 14%. 2 customers on file never bought."
    )
    assert f.facts["pareto"] == pytest.approx(800 / 1620)
    assert f.facts["never_bought"] == 2


def test_value_finding_through_strategy_finding_without_non_buyers():
    f = strategy_finding(spend_log(customers_file=False), currency="EUR")
    assert "never bought" not in f.text
    assert f.facts["buyers"] == 40


def test_value_finding_is_unsupported_for_few_buyers():
    tx = pd.DataFrame({"customer_id": list("ABCDE"), "date": "2024-05-01", "amount": 10.0})
    f = value_finding(value_segments(tx))
    assert not f.supported
    assert "Only 5 buying customers" in f.text


def test_value_finding_is_unsupported_without_revenue():
    prof = pd.DataFrame(
        {"n": [10, 15, 25], "revenue_share": np.nan, "min_spend": 0.0},
        index=["top", "middle", "low"],
    )
    prof.attrs["pareto"] = np.nan
    f = value_finding(Segmentation("value", pd.DataFrame(), prof))
    assert not f.supported
    assert "Net revenue is not positive" in f.text


# ------------------------------------------------------------------------------ strategies
def clustering(strategy: str, sizes, names) -> Segmentation:
    prof = pd.DataFrame({"n": list(sizes)}, index=pd.Index(list(names), name="segment"))
    prof["share"] = prof["n"] / prof["n"].sum()
    return Segmentation(strategy, pd.DataFrame(), prof)


def test_behavioural_finding_names_the_largest_segment():
    f = strategy_finding(clustering("behavioural", (60, 30, 10), ("a", "b", "c")))
    assert f.supported
    assert f.text == "Behavioural clustering finds 3 segments, the largest “a” with 60% of buyers."


def test_needs_finding_says_what_the_largest_group_rates_high():
    f = strategy_finding(
        clustering(
            "needs", (24, 16), ("rates speed high, price low", "rates price high, speed low")
        )
    )
    assert f.text == (
        "By their survey priorities, the largest group of respondents (60% of 40) rates speed "
        "high, price low."
    )


def test_a_clustering_where_one_segment_holds_nearly_everyone_is_unsupported():
    f = strategy_finding(clustering("behavioural", (95, 5), ("a", "b")))
    assert not f.supported
    assert "One segment, “a”, holds 95% of the customers — nearly everyone" in f.text


def test_two_segments_with_the_same_name_are_said_plainly():
    f = strategy_finding(
        clustering("behavioural", (50, 30, 20), ("low spenders", "low spenders (2)", "b"))
    )
    assert not f.supported
    assert (
        "Two segments get the same name, “low spenders” "
        "(shown as “low spenders” and “low spenders (2)”)" in f.text
    )


def test_a_clustering_of_few_customers_is_unsupported():
    f = strategy_finding(clustering("needs", (12, 8), ("a", "b")))
    assert not f.supported
    assert "Only 20 customers answered the driver items" in f.text


def test_strategy_finding_escapes_segment_names():
    assert_escaped(strategy_finding(clustering("behavioural", (60, 40), (PAYLOAD, "b"))))


def psychographic(sizes, spend, names=("vegan", "none", "other")) -> Segmentation:
    prof = pd.DataFrame(
        {"n": list(sizes), "monetary": list(spend)}, index=pd.Index(list(names), name="segment")
    )
    prof["share"] = prof["n"] / prof["n"].sum()
    return Segmentation("psychographic", pd.DataFrame(), prof)


def test_psychographic_finding_compares_the_groups_big_enough():
    # "other" (12 customers) is below 30 and left out, even though it spends most.
    f = strategy_finding(
        psychographic((40, 50, 12), (420.0, 300.0, 900.0)),
        currency="GBP",
        attribute="dietary_preference",
    )
    assert f.text == (
        "By dietary preference, the biggest spenders on average are “vegan” (420 GBP per buying "
        "customer; 40 customers) against 300 GBP for “none” (50 customers). Groups under 30 "
        "customers are left out of this comparison."
    )
    assert f.facts["highest"] == "vegan"


def test_psychographic_finding_with_too_few_big_groups_is_unsupported():
    f = strategy_finding(psychographic((40, 20, 12), (420.0, 300.0, 900.0)), attribute="plan")
    assert not f.supported
    assert "fewer than two groups have 30 customers or more" in f.text


def test_psychographic_finding_says_when_every_group_spends_the_same():
    f = strategy_finding(psychographic((40, 50, 30), (300.0, 300.0, 300.0)), currency="GBP")
    assert not f.supported
    assert "every group spends the same on average (300 GBP" in f.text


def test_psychographic_finding_with_one_group_is_unsupported():
    f = strategy_finding(psychographic((40,), (300.0,), names=("none",)), attribute="plan")
    assert not f.supported
    assert "all 40 customers fall into one group" in f.text


def test_psychographic_finding_escapes_declared_values():
    assert_escaped(
        strategy_finding(
            psychographic((40, 50, 30), (400.0, 300.0, 200.0), names=(PAYLOAD, "b", "c"))
        )
    )


def test_strategy_finding_refuses_an_unknown_strategy():
    with pytest.raises(ValueError, match="unknown segmentation strategy"):
        strategy_finding(clustering("astrological", (30, 30), ("a", "b")))


# ------------------------------------------------------------------------------ micro-segments
def fitted(sizes, scores, k, min_stability=0.8):
    """A stand-in for a fitted MicroSegmenter: labels 0..k-1 with the given sizes."""
    labels = np.repeat(np.arange(k), sizes)
    table = pd.DataFrame(scores, columns=["k", "silhouette", "stability"]).set_index("k")
    return SimpleNamespace(scores_=table, k_=k, labels_=labels, min_stability=min_stability)


def test_clusters_finding_reports_the_choice_of_k():
    model = fitted([30, 20], [(2, 0.6, 1.0), (3, 0.4, 0.7)], k=2)
    f = clusters_finding(model)
    assert f.supported
    assert f.text == (
        "Of the 2 candidates, 1 is stable (ARI between runs at least 0.80); k = 2 has the "
        "silhouette 0.60 and the stability 1.00. Segment sizes: 30, 20 customers."
    )
    assert f.facts["sizes"] == [30, 20]


def test_clusters_finding_says_when_no_k_is_stable():
    model = fitted([30, 20], [(2, 0.6, 0.5), (3, 0.4, 0.7)], k=2)
    f = clusters_finding(model)
    assert not f.supported
    assert "Of the 2 candidates, 0 are stable" in f.text
    assert "No candidate is stable" in f.text


def test_clusters_finding_says_when_the_silhouette_shows_no_structure():
    f = clusters_finding(fitted([30, 20], [(2, 0.2, 1.0)], k=2))
    assert not f.supported
    assert "no substantial structure (Kaufman & Rousseeuw, 1990)" in f.text


def test_clusters_finding_says_when_one_cluster_holds_nearly_everyone():
    f = clusters_finding(fitted([190, 10], [(2, 0.7, 1.0)], k=2))
    assert not f.supported
    assert "holds 95% of the customers — nearly everyone" in f.text


def test_clusters_finding_is_unsupported_for_few_customers():
    f = clusters_finding(fitted([15, 10], [(2, 0.7, 1.0)], k=2))
    assert not f.supported
    assert "Only 25 customers" in f.text


def test_clusters_finding_on_two_planted_blobs_is_supported():
    rng = np.random.default_rng(1)
    X = np.vstack([rng.normal(0, 1, (60, 2)), rng.normal(10, 1, (40, 2))])
    f = clusters_finding(MicroSegmenter(k_range=(2, 3)).fit(X))
    assert f.supported
    assert f.facts["k"] == 2
    assert f.facts["sizes"] == [60, 40]


def micro_summary(names=("a", "b", "c"), customers=(50, 30, 20), revenue=(0.45, 0.35, 0.20)):
    total = sum(customers)
    return pd.DataFrame(
        {
            "customers": list(customers),
            "share_of_customers": [c / total for c in customers],
            "share_of_revenue": list(revenue),
        },
        index=pd.Index(list(names), name="segment"),
    )


def test_micro_segments_finding_picks_the_most_revenue_per_head_not_the_most_revenue():
    # Revenue share / customer share: a 0.45/0.5 = 0.9, b 0.35/0.3 = 1.17, c 0.2/0.2 = 1.0.
    f = micro_segments_finding(micro_summary())
    assert f.supported
    assert f.text == (
        "The 3 micro-segments are: a (50 customers, 45% of revenue); b (30 customers, 35% of "
        "revenue); c (20 customers, 20% of revenue). “b” carries the most revenue per head: 1.2 "
        "times its share of customers."
    )
    assert f.facts["best"] == "b"


def test_micro_segments_finding_shows_names_in_bold_and_escaped():
    f = micro_segments_finding(micro_summary(names=(PAYLOAD, "b", "c")))
    assert_escaped(f)
    assert f"**{ESCAPED}**" in f.to_markdown()


def test_micro_segments_finding_says_when_two_segments_share_a_name():
    f = micro_segments_finding(micro_summary(names=("x", "x (2)", "c")))
    assert not f.supported
    assert "Two segments get the same name, “x”" in f.text


def test_micro_segments_finding_says_when_one_segment_holds_nearly_everyone():
    f = micro_segments_finding(micro_summary(customers=(92, 5, 3), revenue=(0.9, 0.05, 0.05)))
    assert not f.supported
    assert "One segment, “a”, holds 92% of the customers" in f.text


def test_micro_segments_finding_says_when_revenue_cannot_be_compared():
    f = micro_segments_finding(micro_summary(revenue=(np.nan, np.nan, np.nan)))
    assert "revenue per head is not compared" in f.text


def test_planted_truth_finding_on_a_perfect_recovery():
    found = pd.Series(["a"] * 20 + ["b"] * 20, index=range(40))
    planted = pd.Series(["big_spenders"] * 20 + ["bargain_hunters"] * 20, index=range(40))
    f = planted_truth_finding(found, planted, demo="toy")
    assert f.facts["ari"] == pytest.approx(1.0)
    assert "Mostly: “a” ≈ big spenders; “b” ≈ bargain hunters." in f.text


def test_planted_truth_finding_names_a_planted_segment_no_found_one_recovers():
    # both found segments are mostly x; z is never a majority
    found = pd.Series(["a"] * 20 + ["b"] * 20, index=range(40))
    planted = pd.Series(["x"] * 15 + ["z"] * 5 + ["x"] * 12 + ["z"] * 8, index=range(40))
    f = planted_truth_finding(found, planted, demo="toy")
    assert f.facts["majority"] == {"a": "x", "b": "x"}
    assert f.text.endswith("No found segment is mostly z.")


def test_planted_truth_finding_compares_only_customers_in_both():
    found = pd.Series(["a"] * 25 + ["b"] * 8, index=range(33))  # customers 0..32
    planted = pd.Series(["x"] * 40, index=range(5, 45))  # customers 5..44: 28 in common
    f = planted_truth_finding(found, planted)
    assert not f.supported
    assert "Only 28 customers are in both" in f.text


# ------------------------------------------------------------------------------ plays
def test_plays_finding_lists_each_match_with_its_first_play():
    plays = pd.DataFrame(
        {
            "label": ["Regulars", "Families"],
            "score": [0.9, 0.4],
            "plays": ["a card; a night", "bundles"],
        },
        index=["frequent", "big tables"],
    )
    f = plays_finding(plays)
    assert f.supported
    assert f.text == (
        "Matched to the playbook: “frequent” → Regulars (first play: a card); “big tables” → "
        "Families (first play: bundles)."
    )


def test_plays_finding_marks_a_match_that_rests_on_nothing():
    plays = pd.DataFrame(
        {"label": ["Regulars", "Families"], "score": [0.9, 0.0], "plays": ["a card", "bundles"]},
        index=["frequent", "big tables"],
    )
    f = plays_finding(plays)
    assert f.supported
    assert "Families (first play: bundles) — a weak match" in f.text
    assert f.facts["weak"] == ["big tables"]


def test_plays_finding_where_every_match_is_weak_is_unsupported():
    plays = pd.DataFrame({"label": ["Regulars"], "score": [-0.3], "plays": ["a card"]}, index=["x"])
    f = plays_finding(plays)
    assert not f.supported
    assert "these matches are guesses" in f.text


def test_plays_finding_keeps_a_match_set_by_hand():
    plays = pd.DataFrame(
        {"label": ["Regulars"], "score": [np.nan], "plays": ["a card"]}, index=["x"]
    )
    assert plays_finding(plays).supported


def test_plays_finding_escapes_segment_names():
    plays = pd.DataFrame(
        {"label": ["Regulars"], "score": [1.0], "plays": ["a card"]}, index=[PAYLOAD]
    )
    assert_escaped(plays_finding(plays))


# ------------------------------------------------------------------------------ co-purchase
def basket_log() -> pd.DataFrame:
    """100 orders: 40 hold tea and cake, 20 tea only, 40 coffee only.

    tea is in 60 baskets, cake in 40; the pair in 40. cake → tea: confidence 40/40 = 100 %,
    lift 1.0 / (60/100) = 1.67; tea → cake: confidence 40/60, lift (2/3) / 0.4 = 1.67.
    """
    rows = []
    for i in range(100):
        items = ["tea", "cake"] if i < 40 else ["tea"] if i < 60 else ["coffee"]
        rows += [(i, item) for item in items]
    return pd.DataFrame(rows, columns=["order_id", "product"])


def test_rules_finding_names_the_strongest_link():
    f = rules_finding(association_rules(basket_log()))
    assert f.supported
    assert f.text == (
        "The strongest link: 100% of baskets with “cake” also hold “tea”, 1.67 times the usual "
        "rate (support 40.0%, 40 baskets). It is also the most common pair."
    )
    assert f.facts["antecedent"] == "cake"


def rules(lift=(1.5, 1.5, 1.0, 1.0), n_both=(35, 35, 300, 300), baskets=1000):
    r = pd.DataFrame(
        {
            "antecedent": ["jam", "scone", "tea", "cake"],
            "consequent": ["scone", "jam", "cake", "tea"],
            "n_both": list(n_both),
            "support": [n / baskets for n in n_both],
            "confidence": [0.7, 0.5, 0.6, 0.4],
            "lift": list(lift),
        }
    )
    r.attrs["baskets"] = baskets
    return r


def test_rules_finding_separates_the_most_common_pair_from_the_strongest_link():
    f = rules_finding(rules())
    assert "The strongest link: 70% of baskets with “jam” also hold “scone”" in f.text
    assert f.text.endswith(
        "The most common pair is “tea” and “cake” (300 baskets, lift 1.00): a common pair is not "
        "necessarily a strong link."
    )


def test_rules_finding_with_no_lift_above_one_is_unsupported():
    f = rules_finding(rules(lift=(0.9, 0.9, 0.8, 0.8)))
    assert not f.supported
    assert f.text.startswith(
        "No pair is bought together more often than chance would give: the highest lift is 0.90"
    )


def test_rules_finding_on_a_link_from_few_baskets_is_unsupported():
    f = rules_finding(rules(n_both=(12, 12, 300, 300)))
    assert not f.supported
    assert "It rests on only 12 baskets, too few to rely on" in f.text


def test_rules_finding_on_few_baskets_is_unsupported():
    f = rules_finding(rules(baskets=20))
    assert not f.supported
    assert "Only 20 baskets" in f.text


def test_rules_finding_without_rules_is_unsupported():
    empty = rules().iloc[:0]
    empty.attrs["baskets"] = 500
    f = rules_finding(empty)
    assert not f.supported
    assert "No two items are bought together often enough" in f.text


def test_rules_finding_without_the_item_column_says_so():
    r = rules().iloc[:0]
    r.attrs.update(baskets=0, missing="category")
    f = rules_finding(r)
    assert not f.supported
    assert f.text == "The transactions have no category column, so there is nothing to pair."


def test_rules_finding_escapes_item_names():
    r = rules()
    r.loc[0, "antecedent"] = PAYLOAD
    assert_escaped(rules_finding(r))


# ------------------------------------------------------------------------------ satisfaction
def satisfaction(
    nps=(-10.0, 30.0, 20.0),
    n=(40, 50, 60),
    unhappy=(True, False, False),
    names=("at risk", "champions", "new"),
):
    return pd.DataFrame(
        {
            "nps_n": list(n),
            "nps": list(nps),
            "nps_low": [v - 20 for v in nps],
            "nps_high": [v + 20 for v in nps],
            "unhappy": list(unhappy),
        },
        index=pd.Index(list(names), name="segment"),
    )


def test_satisfaction_finding_names_the_lowest_and_the_significant_ones():
    f = satisfaction_finding(satisfaction())
    assert f.supported
    assert f.text == (
        "“at risk” has the lowest NPS, −10 from 40 answers (−30 to 10). Significantly below the "
        "rest on NPS or CSAT: “at risk” — fix what upsets them before offering them more."
    )
    assert f.facts["segment"] == "at risk"


def test_satisfaction_finding_when_no_segment_is_significantly_lower():
    f = satisfaction_finding(satisfaction(unhappy=(False, False, False)))
    assert f.text.endswith("No segment is significantly less satisfied than the others.")


def test_satisfaction_finding_says_when_segments_tie_for_lowest():
    f = satisfaction_finding(satisfaction(nps=(5.0, 5.0, 20.0)))
    assert f.text.startswith("“at risk” and “champions” tie for the lowest NPS, 5")
    assert f.facts["segment"] == "at risk"


def test_satisfaction_finding_on_few_answers_is_unsupported():
    f = satisfaction_finding(satisfaction(n=(12, 50, 60)))
    assert not f.supported
    assert "fewer than 30 answers" in f.text


def test_satisfaction_finding_skips_segments_without_a_score():
    f = satisfaction_finding(satisfaction(nps=(np.nan, 30.0, 20.0)))
    assert f.facts["segment"] == "new"


def test_satisfaction_finding_with_one_scored_segment_is_unsupported():
    f = satisfaction_finding(satisfaction(nps=(np.nan, np.nan, 20.0)))
    assert not f.supported
    assert "Only one segment, “new”, has NPS answers" in f.text


def test_satisfaction_finding_without_scores_is_unsupported():
    f = satisfaction_finding(satisfaction(nps=(np.nan, np.nan, np.nan)))
    assert not f.supported
    assert f.text == (
        "No segment has enough NPS answers to score, so satisfaction by segment is not compared."
    )


def test_satisfaction_finding_escapes_segment_names():
    assert_escaped(satisfaction_finding(satisfaction(names=(PAYLOAD, "b", "c"))))


# ------------------------------------------------------------------------------ loyalty
def loyalty(customers=(20, 10, 5, 5), revenue=(0.6, 0.2, 0.1, 0.1)):
    return pd.DataFrame(
        {"customers": list(customers), "share_of_revenue": list(revenue)},
        index=pd.Index(
            [
                "community and ambassadors",
                "personal win-back",
                "loyalty programme, first tier",
                "low-cost reactivation",
            ],
            name="idea",
        ),
    )


def test_loyalty_finding_sizes_the_community_and_the_win_back():
    f = loyalty_finding(loyalty())
    assert f.supported
    assert f.text == (
        "A community of champions and loyal customers would start with 20 people who bring 60% of "
        "revenue; 10 customers (20% of revenue) deserve a personal win-back message rather than "
        "another mass mailing."
    )


def test_loyalty_finding_without_champions_says_the_community_has_no_one():
    f = loyalty_finding(loyalty(customers=(0, 20, 10, 10), revenue=(0.0, 0.5, 0.3, 0.2)))
    assert f.text.startswith("No customer is a champion or loyal yet")


def test_loyalty_finding_on_few_customers_is_unsupported():
    f = loyalty_finding(loyalty(customers=(5, 5, 5, 5)))
    assert not f.supported
    assert "Only 20 customers" in f.text


def test_loyalty_finding_without_revenue_is_unsupported():
    f = loyalty_finding(loyalty(revenue=(np.nan,) * 4))
    assert not f.supported
    assert "cannot be weighed by revenue" in f.text
