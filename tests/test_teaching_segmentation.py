"""Tests for chapter 04's exercises (cxlab.teaching.segmentation) on every demo and by hand."""

from __future__ import annotations

import pytest

import cxlab
from cxlab import datasets, segmentation, teaching

DEMOS = ["clothing_retailer", "saas", "restaurant", "consulting"]

#: Four customers: A buys twice (o1 with tops and shoes, o3), B once long ago, C once recently
#: (tops and shoes again), D only returns. The log ends on 2024-06-30.
TRANSACTIONS = (
    "order_id,customer_id,date,amount,quantity,category\n"
    "o1,A,2024-01-10,30.00,1,tops\n"
    "o1,A,2024-01-10,70.00,1,shoes\n"
    "o2,B,2024-01-20,20.00,1,tops\n"
    "o3,A,2024-06-01,50.00,1,bags\n"
    "o4,C,2024-06-30,40.00,1,tops\n"
    "o4,C,2024-06-30,10.00,1,shoes\n"
    "o5,D,2024-05-01,-15.00,1,tops\n"
)


@pytest.fixture(scope="module", params=DEMOS)
def demo(request):
    return datasets.load_demo(request.param)


@pytest.fixture
def small(make_bundle) -> cxlab.Bundle:
    return cxlab.load_bundle(make_bundle({"transactions.csv": TRANSACTIONS}))


def test_the_set_is_chapter_04_and_registered():
    assert teaching.exercise_set("04") is teaching.segmentation
    assert len(teaching.segmentation) >= 3


def test_expected_answers_on_a_hand_made_bundle(small):
    ex = teaching.segmentation
    assert ex.solution(1, small) == 2  # A (June 1) and C (June 30); B is 162 days back
    assert ex.solution(2, small) == pytest.approx(100 * 150 / 220)  # A of A, B, C
    assert ex.solution(3, small) == 2  # B and C
    assert ex[4].solve.question(small) == {"tops", "shoes"}  # in o1 and o4


def test_every_solution_passes_its_own_check_on_every_demo(demo):
    for exercise in teaching.segmentation:
        try:
            solution = teaching.segmentation.solution(exercise.number, demo)
        except teaching.Unavailable:
            continue
        assert teaching.segmentation.check(exercise.number, solution, demo).ok, exercise.title


def test_answers_agree_with_the_segmentation_module(demo):
    table = segmentation.rfm(demo.transactions)
    ex = teaching.segmentation
    assert ex.solution(1, demo) == int(table["recency"].le(90).sum())
    assert ex.solution(3, demo) == int(table["frequency"].eq(1).sum())
    pareto = segmentation.value_segments(demo.transactions).profile.attrs["pareto"]  # top 20 %
    top_tenth = ex.solution(2, demo)
    # the best tenth holds at most what the best fifth holds, and at least half of it
    assert 100 * pareto / 2 - 0.5 <= top_tenth <= 100 * pareto + 1e-9


def test_top_pair_is_the_most_supported_rule():
    bundle = datasets.load_demo("clothing_retailer")
    rules = segmentation.association_rules(bundle.transactions, item="category")
    top = rules.sort_values("n_both", ascending=False).iloc[0]
    assert teaching.segmentation[4].solve.question(bundle) == {top.antecedent, top.consequent}


def test_marketplace_customers_fill_their_baskets_differently():
    bundle = datasets.load_demo("clothing_retailer")
    people = bundle.customers
    chosen = people.loc[people["channel"] == "marketplace", "customer_id"]
    lines = bundle.transactions[bundle.transactions["customer_id"].isin(chosen)]
    rules = segmentation.association_rules(lines, item="category")
    top = rules.sort_values("n_both", ascending=False).iloc[0]
    assert teaching.segmentation.solution(4, bundle) == {top.antecedent, top.consequent}
    assert teaching.segmentation.solution(4, bundle) != teaching.segmentation[4].solve.question(
        bundle
    )


def test_single_category_orders_skip_the_pair_exercise():
    bundle = datasets.load_demo("saas")
    result = teaching.segmentation.check(4, {"subscription", "add_on"}, bundle)
    assert result.status == "skipped"
