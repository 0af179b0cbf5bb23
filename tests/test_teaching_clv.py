"""Chapter 06's exercises: answers recover the planted costs, and predictable mistakes fail."""

from __future__ import annotations

import pytest

from cxlab import teaching
from cxlab.datasets import DEMOS, load_demo, planted_truth

ex = teaching.clv


@pytest.mark.parametrize("name", DEMOS)
def test_cheapest_channel_is_the_planted_one(name):
    planted = planted_truth(name).costs.cac
    assert ex.exercises[1].solve(load_demo(name)) == min(planted, key=planted.get)


@pytest.mark.parametrize("name", DEMOS)
def test_crc_recovers_the_planted_first_year_rate(name):
    planted = planted_truth(name).costs.retention_per_active[0]
    assert ex.exercises[2].solve(load_demo(name)) == pytest.approx(planted, rel=0.05)


def test_crc_per_customer_instead_of_customer_month_is_wrong():
    bundle = load_demo("restaurant")
    costs, tx = bundle.costs, bundle.transactions
    spend = costs[(costs["kind"] == "retention") & (costs["period"].dt.year == 2024)]["amount"]
    buyers = tx[(tx["amount"] > 0) & (tx["date"].dt.year == 2024)]["customer_id"].nunique()
    result = ex.check(3, round(spend.sum() / buyers, 2), bundle)
    assert result.status == "incorrect"


def test_one_day_share_counts_days_not_orders():
    bundle = load_demo("clothing_retailer")
    tx = bundle.transactions
    orders = tx[tx["amount"] >= 0].groupby("customer_id")["order_id"].nunique()
    wrong = round(100 * float((orders == 1).mean()), 1)
    right = ex.exercises[0].solve(bundle)
    assert ex.check(1, right, bundle).status == "correct"
    if wrong != right:
        assert ex.check(1, wrong, bundle).status == "incorrect"


def test_exercises_needing_costs_are_unavailable_without_them():
    bundle = load_demo("saas")
    bundle.costs = None
    assert ex.check(2, "referral", bundle).status == "skipped"
