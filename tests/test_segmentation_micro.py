"""Tests for cxlab.segmentation's micro-segmentation and personalisation.

The demo checks compare with what the generator planted (``planted_truth``): segments recovered
from the features that carry the planted behaviour, playbook matches, and the least satisfied
segment. Association rules are checked against counts done by hand.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.base import clone
from sklearn.impute import SimpleImputer
from sklearn.metrics import adjusted_rand_score
from sklearn.pipeline import Pipeline
from sklearn.utils.estimator_checks import parametrize_with_checks

from cxlab.datasets import DEMOS, load_demo, planted_truth
from cxlab.segmentation import (
    PLAYBOOK,
    RFM_PLAYS,
    RFM_SEGMENTS,
    MicroSegmenter,
    association_rules,
    behavioural_segments,
    customer_features,
    match_plays,
    name_segments,
    playbook,
    profile,
    recommend,
    rfm,
    satisfaction_by_segment,
)

#: Features carrying each demo's planted segment behaviour (see datasets/README.md): the
#: retailer's typical line price; SaaS seats and price per seat; the restaurant's covers,
#: price a head, dinner share and visit rate; the consultancy's service lines.
PLANTED_FEATURES = {
    "clothing_retailer": ["price_per_unit"],
    "saas": ["avg_order_value", "units_per_line", "price_per_unit"],
    "restaurant": ["units_per_line", "price_per_unit", "category:dinner", "orders_per_year"],
    "consulting": "category:",
}

#: Adjusted Rand index reached with k = 3 (k-means, random_state 0) when these thresholds were
#: set: retailer 0.82, SaaS 0.80, restaurant 0.72, consulting 1.00. Thresholds leave a margin.
MIN_ARI = {"clothing_retailer": 0.7, "saas": 0.7, "restaurant": 0.6, "consulting": 0.9}


def blobs(n=(60, 40), seed=0):
    rng = np.random.default_rng(seed)
    return np.vstack([rng.normal(0, 1, (n[0], 2)), rng.normal(8, 1, (n[1], 2))])


def demo_features(name):
    f = customer_features(load_demo(name).transactions)
    cols = PLANTED_FEATURES[name]
    if isinstance(cols, str):
        cols = [c for c in f.columns if c.startswith(cols)]
    truth = planted_truth(name).customers["segment"].reindex(f.index)
    return f, cols, truth


# -------------------------------------------------------------------------------- estimator
@parametrize_with_checks([MicroSegmenter(k=3, n_seeds=2), MicroSegmenter(k_range=(2, 3))])
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)


def test_clone_get_params_and_pipeline():
    seg = MicroSegmenter(k=2, method="gmm", random_state=5)
    assert clone(seg).get_params() == seg.get_params()
    assert seg.get_params()["method"] == "gmm"
    X = blobs()
    X[3, 0] = np.nan
    pipe = Pipeline([("impute", SimpleImputer()), ("segment", MicroSegmenter(k=2))])
    labels = pipe.fit_predict(X)
    assert np.bincount(labels).tolist() == [60, 40]
    assert (pipe.predict(X) == labels).all()


def test_fit_returns_self_with_fitted_attributes():
    seg = MicroSegmenter(k_range=(2, 4))
    assert seg.fit(blobs()) is seg
    assert seg.k_ == 2
    assert seg.scores_.index.tolist() == [2, 3, 4]
    assert list(seg.scores_.columns) == ["silhouette", "stability", "converged", "chosen"]
    assert seg.scores_["chosen"].sum() == 1
    assert seg.cluster_centers_.shape == (2, 2)


def test_segments_numbered_by_size():
    seg = MicroSegmenter(k=2).fit(blobs((30, 70)))
    assert np.bincount(seg.labels_).tolist() == [70, 30]


def test_chosen_k_is_best_silhouette_among_stable():
    X = np.vstack([blobs(), blobs(seed=1) + np.array([0.0, 30.0])])
    seg = MicroSegmenter(k_range=(2, 6)).fit(X)
    stable = seg.scores_[seg.scores_["stability"] >= 0.8]
    assert seg.k_ == stable["silhouette"].idxmax() == 4


def test_deterministic_with_a_seed():
    f, cols, _ = demo_features("saas")
    a = MicroSegmenter(k_range=(2, 5), random_state=7).fit(f[cols])
    b = MicroSegmenter(k_range=(2, 5), random_state=7).fit(f[cols])
    assert (a.labels_ == b.labels_).all()
    pd.testing.assert_frame_equal(a.scores_, b.scores_)


def test_sampled_selection_still_labels_everyone():
    X = np.vstack([blobs((600, 400)), blobs((300, 200), seed=2)])
    seg = MicroSegmenter(k_range=(2, 3), sample_size=200).fit(X)
    assert len(seg.labels_) == len(X)
    assert seg.k_ == 2


def test_log_auto_picks_skewed_non_negative_columns():
    rng = np.random.default_rng(0)
    X = pd.DataFrame(
        {
            "spend": rng.lognormal(3, 1.2, 300),
            "score": rng.normal(0, 1, 300),
            "net": rng.lognormal(3, 1.2, 300) - 5,  # skewed but can be negative
        }
    )
    seg = MicroSegmenter(k=2).fit(X)
    assert seg.log_columns_.tolist() == [0]
    assert MicroSegmenter(k=2, log=["net"]).fit(X).log_columns_.tolist() == [2]
    assert MicroSegmenter(k=2, log=None).fit(X).log_columns_.tolist() == []


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"method": "dbscan"}, "method"),
        ({"k": 200}, "k must be"),
        ({"k_range": (1, 3)}, "k_range"),
        ({"n_seeds": 1}, "n_seeds"),
        ({"log": ["nope"]}, "log column"),
    ],
)
def test_invalid_parameters_raise(params, message):
    with pytest.raises(ValueError, match=message):
        MicroSegmenter(**params).fit(blobs())


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(n=st.integers(12, 80), k=st.integers(2, 4), seed=st.integers(0, 10_000))
def test_property_labels_cover_every_row_and_sizes_add_up(n, k, seed):
    X = np.random.default_rng(seed).normal(size=(n, 3))
    seg = MicroSegmenter(k=k, n_seeds=2, n_init=1).fit(X)
    sizes = np.bincount(seg.labels_, minlength=k)
    assert sizes.sum() == n
    assert (np.diff(sizes) <= 0).all()  # numbered by size
    p = profile(pd.DataFrame(X), seg.labels_)
    assert p.loc["all", "n"] == n
    assert p.drop(index="all")["n"].sum() == n


# -------------------------------------------------------------------------------- planted truth
@pytest.mark.parametrize("name", DEMOS)
def test_planted_segments_recovered(name):
    f, cols, truth = demo_features(name)
    seg = MicroSegmenter(k=3).fit(f[cols])
    assert adjusted_rand_score(truth, seg.labels_) >= MIN_ARI[name]


@pytest.mark.parametrize("name", ["saas", "restaurant", "consulting"])
def test_number_of_planted_segments_chosen(name):
    f, cols, _ = demo_features(name)
    assert MicroSegmenter(k_range=(2, 6)).fit(f[cols]).k_ == 3


@pytest.mark.parametrize("name", DEMOS)
def test_discovered_segments_matched_to_their_playbook_entries(name):
    f, cols, truth = demo_features(name)
    labels = pd.Series(MicroSegmenter(k=3).fit(f[cols]).labels_, index=f.index)
    matched = match_plays(f, labels, industry=name)["playbook"]
    majority = pd.crosstab(labels, truth).idxmax(axis=1)
    assert matched.to_dict() == majority.to_dict()


def test_behavioural_segments_cover_every_buyer():
    tx = load_demo("restaurant").transactions
    seg = behavioural_segments(tx, k=4)
    buyers = tx.loc[tx["amount"] > 0, "customer_id"].nunique()
    assert len(seg.segments) == buyers
    assert seg.counts().sum() == buyers
    assert seg.profile["n"].sum() == buyers
    assert seg.profile.index.is_unique


# -------------------------------------------------------------------------------- profile, names
def test_profile_known_answer():
    f = pd.DataFrame({"spend": [10.0, 20.0, 90.0, 80.0], "visits": [1, 1, 3, 5]})
    p = profile(f, ["a", "a", "b", "b"])
    assert p["n"].tolist() == [2, 2, 4]
    assert p.loc["b", "visits"] == 4.0
    assert p.loc["a", "spend vs all"] == pytest.approx(15 / 50)
    assert p.loc["b", "visits vs all"] == pytest.approx(4 / 2.5)


def test_names_from_roles_and_distinctive_features():
    f = pd.DataFrame(
        {
            "recency": [10, 12, 300, 320, 50, 60],
            "frequency": [9, 11, 1, 1, 4, 4],
            "monetary": [900.0, 1100, 20, 30, 300, 310],
            "category:outerwear": [0.9, 0.8, 0.0, 0.1, 0.2, 0.1],
        }
    )
    names = name_segments(f, [0, 0, 1, 1, 2, 2])
    assert names[0] == "recent frequent high spenders · more outerwear"
    assert names[1].startswith("lapsed low-spending one-timers")
    # recency: mean 125.3, sd 132.0 -> segment 2 (55 days) is 0.53 sd more recent
    assert names[2] == "recent mid spenders · less outerwear"


def test_repeated_names_are_numbered():
    f = pd.DataFrame({"x": [1.0, 1.0, 1.0, 1.0]})
    assert name_segments(f, [0, 0, 1, 1]).tolist() == ["typical customers", "typical customers (2)"]


# -------------------------------------------------------------------------------- playbook
def test_playbook_has_three_segments_per_industry():
    for industry in ("ecommerce", "saas", "restaurant", "consulting"):
        book = playbook(industry)
        assert len(book) == 3 and book["plays"].str.len().gt(0).all()
    assert playbook("clothing_retailer").index.tolist() == [
        "trendy_young_adults",
        "classic_professionals",
        "budget_shoppers",
    ]
    with pytest.raises(ValueError, match="unknown industry"):
        playbook("bakery")
    assert set(RFM_PLAYS) == set(RFM_SEGMENTS)


SEED = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "004_d45716f6f4c2d676.txt"


@pytest.mark.skipif(not SEED.is_file(), reason="the curriculum seed text is not next to the repo")
def test_playbook_is_in_our_own_words():
    def words(text):
        return re.findall(r"[a-z']+", text.lower())

    seed = words(SEED.read_text(encoding="utf-8"))
    runs = {tuple(seed[i : i + 6]) for i in range(len(seed) - 5)}
    for play in PLAYBOOK:
        for text in (play.values, *play.plays):
            w = words(text)
            copied = [w[i : i + 6] for i in range(len(w) - 5) if tuple(w[i : i + 6]) in runs]
            assert not copied, (play.segment, copied)


def test_match_override_by_hand():
    f = pd.DataFrame({"units_per_line": [1.0, 1.2, 6.0, 7.0]})
    m = match_plays(f, ["a", "a", "b", "b"], industry="saas", match={"a": "medium_enterprises"})
    assert m.loc["a", "playbook"] == "medium_enterprises" and np.isnan(m.loc["a", "score"])
    assert m.loc["b", "playbook"] == "enterprise_clients"


# -------------------------------------------------------------------------------- rules
BASKETS = pd.DataFrame(
    {
        "order_id": [1, 1, 1, 2, 2, 3, 3, 4, 5, 5, 6],
        "customer_id": ["A", "A", "A", "B", "B", "C", "C", "D", "A", "A", "E"],
        "product": [
            "tea",
            "cake",
            "jam",
            "tea",
            "cake",
            "tea",
            "jam",
            "tea",
            "cake",
            "cake",
            "jam",
        ],
        "amount": [2.0, 3, 1, 2, 3, 2, 1, 2, 3, -3, 1],
    }
)
# Baskets (purchase lines only; order 5's cake is bought and refunded, so it still counts once
# as bought): 1 {tea, cake, jam}, 2 {tea, cake}, 3 {tea, jam}, 4 {tea}, 5 {cake}, 6 {jam}.
# N = 6; tea 4, cake 3, jam 3; tea&cake 2, tea&jam 2, cake&jam 1.


def test_association_rules_known_answers():
    rules = association_rules(BASKETS).set_index(["antecedent", "consequent"])
    assert rules.attrs["baskets"] == 6
    assert rules.loc[("cake", "tea"), "n_both"] == 2
    assert rules.loc[("cake", "tea"), "support"] == pytest.approx(2 / 6)
    assert rules.loc[("cake", "tea"), "confidence"] == pytest.approx(2 / 3)
    assert rules.loc[("cake", "tea"), "lift"] == pytest.approx((2 / 3) / (4 / 6))
    assert rules.loc[("tea", "jam"), "confidence"] == pytest.approx(2 / 4)
    assert rules.loc[("jam", "cake"), "lift"] == pytest.approx((1 / 3) / (3 / 6))
    assert len(rules) == 6


def test_association_rules_thresholds_and_order():
    rules = association_rules(BASKETS, min_support=0.3, min_confidence=0.6)
    assert list(zip(rules["antecedent"], rules["consequent"], strict=True)) == [
        ("cake", "tea"),
        ("jam", "tea"),
    ]
    assert association_rules(BASKETS, min_lift=1.01).empty


def test_refund_lines_are_not_purchases_in_baskets():
    only_refund = pd.DataFrame(
        {"order_id": [1, 1], "product": ["tea", "cake"], "amount": [2.0, -3.0]}
    )
    assert association_rules(only_refund, min_support=0).empty
    assert len(association_rules(only_refund, min_support=0, amount=None)) == 2


def test_rules_by_customer_basket():
    rules = association_rules(BASKETS, basket="customer_id", min_support=0)
    assert rules.attrs["baskets"] == 5  # A, B, C, D, E


def test_recommend_suggests_unowned_items_best_first():
    rec = recommend(BASKETS, ["D", "B", "Z"], min_support=0.1, min_lift=0)
    d = rec[rec["customer_id"] == "D"]
    # D owns tea: tea -> cake 2/4, tea -> jam 2/4 (tie on confidence and lift: by name)
    assert d["item"].tolist() == ["cake", "jam"] and d["rank"].tolist() == [1, 2]
    b = rec[rec["customer_id"] == "B"]
    # B owns tea and cake: jam via tea (0.5) beats jam via cake (1/3)
    assert b["item"].tolist() == ["jam"] and b["because"].tolist() == ["tea"]
    assert "Z" not in set(rec["customer_id"])
    assert len(recommend(BASKETS, "D", top=1, min_support=0.1, min_lift=0)) == 1


def test_recommend_on_a_demo_never_suggests_owned_categories():
    tx = load_demo("clothing_retailer").transactions
    who = tx["customer_id"].drop_duplicates().head(20).tolist()
    rec = recommend(tx, who, item="category", min_support=0.01, min_lift=0)
    owned = tx[tx["amount"] > 0].groupby("customer_id")["category"].agg(set)
    assert len(rec)
    assert not any(r.item in owned[r.customer_id] for r in rec.itertuples())


def test_recommend_uses_only_rules_with_a_lift_above_one_by_default():
    # 4 baskets: tea+cake, tea+cake, jam, tea. tea -> cake: confidence 2/3, cake in 2 of 4
    # baskets, so lift (2/3) / (2/4) = 4/3 > 1: suggested. D owns tea only.
    tx = pd.DataFrame(
        {
            "customer_id": ["A", "A", "B", "B", "C", "D"],
            "order_id": [1, 1, 2, 2, 3, 4],
            "product": ["tea", "cake", "tea", "cake", "jam", "tea"],
        }
    )
    rec = recommend(tx, "D", min_support=0.2)
    assert rec["item"].tolist() == ["cake"]
    assert rec["lift"].tolist() == pytest.approx([4 / 3])
    # in BASKETS, tea -> cake and tea -> jam both have lift 1: no suggestion for D by default
    assert recommend(BASKETS, "D", min_support=0.1).empty
    with pytest.raises(ValueError, match="min_lift"):
        recommend(BASKETS, "D", min_lift=None)


# -------------------------------------------------------------------------------- satisfaction
LEAST_SATISFIED = {
    "clothing_retailer": "budget_shoppers",
    "saas": "small_businesses",
    "restaurant": "health_conscious",
    "consulting": "large_corporations",
}


@pytest.mark.parametrize("name", DEMOS)
def test_least_satisfied_planted_segment_is_flagged(name):
    b = load_demo(name)
    truth = planted_truth(name).customers["segment"]
    out = satisfaction_by_segment(b.responses, truth, csat_scale=b.config.csat_scale)
    worst = LEAST_SATISFIED[name]
    assert out.loc[worst, "unhappy"]
    assert out["csat"].idxmin() == worst
    assert out.attrs["left_out"] == int(b.responses["customer_id"].isna().sum())


def test_satisfaction_by_rfm_segment_runs_through_metrics():
    b = load_demo("clothing_retailer")
    out = satisfaction_by_segment(b.responses, rfm(b.transactions), min_n=10)
    assert set(out.index) <= set(RFM_SEGMENTS)
    assert {"nps", "nps_low", "csat", "csat_high", "unhappy"} <= set(out.columns)
    assert out["nps"].dropna().between(-100, 100).all()
