"""Tests for cxlab.segmentation's industry data: the playbook key, clustering features, attributes.

The industry comes from ``cxlab.yml`` only; these tests also pin that a folder's name says
nothing about it.
"""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import clean_files

import cxlab
from cxlab.segmentation import (
    BEHAVIOURAL_FEATURES,
    INDUSTRIES,
    INDUSTRY_FEATURES,
    clustering_features,
    declared_attributes,
    industry_key,
)

#: Columns as customer_features would give them for a shop with three categories.
FEATURES = pd.DataFrame(
    {
        "recency": [10, 200],
        "frequency": [5, 1],
        "orders_per_year": [6.0, 1.0],
        "avg_order_value": [40.0, 90.0],
        "units_per_line": [1.0, 3.0],
        "price_per_unit": [20.0, 30.0],
        "category:dinner": [0.5, 0.0],
        "category:lunch": [0.5, 1.0],
    },
    index=pd.Index(["A", "B"], name="customer_id"),
)


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("ecommerce", "ecommerce"),
        ("E-commerce", "ecommerce"),
        ("e_commerce", "ecommerce"),  # how cxlab.yml stores "e-commerce"
        ("Retail", "ecommerce"),
        ("software", "saas"),
        ("hospitality", "restaurant"),
        ("Professional Services", "consulting"),
        ("professional_services", "consulting"),
    ],
)
def test_industry_key_reads_the_names_a_client_writes(written, key):
    assert industry_key(written) == key


@pytest.mark.parametrize("written", [None, "", "  ", "dentistry"])
def test_industry_key_is_none_without_a_playbook(written):
    assert industry_key(written) is None


def test_every_playbook_industry_has_a_feature_map():
    assert set(INDUSTRY_FEATURES) == set(INDUSTRIES)


def test_industry_features_are_chosen_in_the_maps_order():
    choice = clustering_features(FEATURES, industry="restaurant")
    assert choice.columns == (
        "units_per_line",
        "price_per_unit",
        "category:dinner",
        "orders_per_year",
    )
    assert choice.source == "industry"
    assert choice.missing == ()
    assert choice.n_customers == 2


def test_a_name_ending_in_a_colon_takes_every_column_with_that_prefix():
    choice = clustering_features(FEATURES, industry="consulting")
    assert choice.columns == ("category:dinner", "category:lunch")


def test_features_asked_for_win_over_the_industry():
    choice = clustering_features(FEATURES, industry="restaurant", wanted=" recency , frequency")
    assert choice.columns == ("recency", "frequency")
    assert choice.source == "requested"


def test_features_asked_for_as_a_list_and_the_missing_ones_are_named():
    choice = clustering_features(FEATURES, wanted=["recency", "tenure_days"])
    assert choice.columns == ("recency",)
    assert choice.missing == ("tenure_days",)


def test_a_feature_named_twice_is_used_once():
    choice = clustering_features(FEATURES, wanted="recency, recency")
    assert choice.columns == ("recency",)


def test_no_industry_falls_back_to_the_behavioural_features():
    choice = clustering_features(FEATURES, industry=None)
    assert choice.source == "default"
    assert choice.columns == tuple(c for c in BEHAVIOURAL_FEATURES if c in FEATURES)
    assert choice.missing == ()


def test_industry_features_the_bundle_lacks_fall_back_and_are_named():
    only_rfm = FEATURES[["recency", "orders_per_year"]]
    choice = clustering_features(only_rfm, industry="ecommerce")
    assert choice.source == "default"
    assert choice.columns == ("recency", "orders_per_year")
    assert choice.missing == ("price_per_unit", "units_per_line")


def test_declared_attributes_keep_the_preferred_order_and_skip_sensitive_ones():
    customers = pd.DataFrame(columns=["customer_id", "age_band", "plan", "lifestyle", "region"])
    assert declared_attributes(customers) == ["lifestyle", "plan", "age_band"]
    assert declared_attributes(customers, sensitive=("age_band", "lifestyle")) == ["plan"]


def test_the_industry_comes_from_cxlab_yml(make_bundle):
    folder = make_bundle(clean_files(), yml="industry: Professional services\n")
    bundle = cxlab.load_bundle(folder)
    assert industry_key(bundle.config.industry) == "consulting"


def test_a_folder_named_like_an_industry_has_no_industry(make_bundle):
    bundle = cxlab.load_bundle(make_bundle(clean_files(), name="saas"))
    assert bundle.config.industry is None
    assert industry_key(bundle.config.industry) is None
    assert clustering_features(FEATURES, industry=bundle.config.industry).source == "default"
