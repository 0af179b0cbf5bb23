"""The optional reviews table: contract rules with malformed bundles, and the planted reviews."""

from __future__ import annotations

import pytest

from cxlab import text
from cxlab.contract import load_bundle
from cxlab.datasets import DEMOS, load_demo, planted_truth
from cxlab.errors import BundleError

GOOD = (
    "date,business,rating,text,source\n"
    "2024-01-02,Shop,5,Great service,Google\n"
    "2024-01-03,Rival,2,Slow delivery,Yelp\n"
)


def test_clean_reviews_table_loads(make_bundle):
    bundle = load_bundle(make_bundle({"reviews.csv": GOOD}))
    assert bundle.reviews["rating"].tolist() == [5, 2]
    assert bundle.has_dates("reviews")


def test_missing_business_column_is_named(make_bundle):
    folder = make_bundle({"reviews.csv": "rating,text\n5,Great\n"})
    with pytest.raises(BundleError) as err:
        load_bundle(folder)
    msg = str(err.value)
    assert "reviews.csv" in msg and "'business'" in msg and "missing" in msg


def test_review_without_business_names_the_row(make_bundle):
    folder = make_bundle({"reviews.csv": GOOD + "2024-01-04,,4,Fine,Google\n"})
    with pytest.raises(BundleError) as err:
        load_bundle(folder)
    msg = str(err.value)
    assert "row 4" in msg and "business" in msg


def test_rating_outside_one_to_five_names_rows_and_fix(make_bundle):
    folder = make_bundle({"reviews.csv": GOOD + "2024-01-04,Shop,9,Odd,Google\n"})
    with pytest.raises(BundleError) as err:
        load_bundle(folder)
    msg = str(err.value)
    assert "row 4" in msg and "'9'" in msg and "1 to 5" in msg


@pytest.mark.slow
@pytest.mark.parametrize("name", DEMOS)
def test_planted_reviews_recovered(name):
    bundle = load_demo(name)
    planted = planted_truth(name).reviews
    reviews = bundle.reviews
    assert set(reviews["business"]) == set(planted["businesses"])
    scores = text.sentiment(reviews["text"])
    table = text.compare_businesses(reviews, scores)
    # the lowest planted mean is recovered by the stars and by the comments' sentiment
    lowest = min(planted["businesses"], key=planted["businesses"].get)
    assert table["rating"].idxmin() == lowest
    assert table["negative_share"].idxmax() == lowest
