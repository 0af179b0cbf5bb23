"""Chapter 06's exercises: answers recover the planted costs, and predictable mistakes fail."""

from __future__ import annotations

import pathlib

import pandas as pd
import pytest

from cxlab import teaching
from cxlab.contract.bundle import Bundle, BundleConfig
from cxlab.datasets import DEMOS, load_demo, planted_truth

ex = teaching.clv


@pytest.mark.parametrize("name", DEMOS)
def test_cheapest_channel_is_the_planted_one(name):
    planted = planted_truth(name).costs.cac
    channel, cost = ex.exercises[1].solve.question(load_demo(name))
    assert channel == min(planted, key=planted.get)
    assert cost == pytest.approx(planted[channel], rel=0.25)


def _acquisition_bundle() -> Bundle:
    # spend in Jan-Feb 2024: web 100, shop 60. Sign-ups inside the period: web 4, shop 1;
    # before it: shop 5 more. CAC inside: web 25.0, shop 60.0; over everyone: shop 10.0.
    costs = pd.DataFrame(
        {
            "period": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-01-01", "2024-02-01"]),
            "channel": ["web", "web", "shop", "shop"],
            "kind": ["acquisition", "acquisition", "acquisition", "retention"],
            "amount": [50.0, 50.0, 60.0, 999.0],
        }
    )
    signups = ["2024-01-05"] * 4 + ["2024-02-20"] + ["2023-06-01"] * 5
    customers = pd.DataFrame(
        {
            "customer_id": [f"c{i}" for i in range(10)],
            "signup_date": pd.to_datetime(signups),
            "channel": ["web"] * 4 + ["shop"] * 6,
        }
    )
    return Bundle(pathlib.Path("x"), BundleConfig(), customers=customers, costs=costs)


def test_cheapest_channel_and_its_cost_by_hand():
    bundle = _acquisition_bundle()
    exercise = ex.exercises[1]
    assert exercise.solve.question(bundle) == ("web", 25.0)
    everyone, highest, _chapter = (m.solve for m in exercise.mistakes)
    assert everyone.question(bundle) == ("shop", 10.0)
    assert highest.question(bundle) == ("shop", 60.0)


def test_cheapest_channel_is_asked_of_the_restaurant_demo_whatever_the_bundle():
    restaurant = ex.exercises[1].solve.question(load_demo("restaurant"))
    assert ex.check(2, restaurant, load_demo("clothing_retailer")).ok
    chapter = ex.exercises[1].solve.question(load_demo("clothing_retailer"))
    result = ex.check(2, chapter, load_demo("clothing_retailer"))
    assert result.mistake == "used the chapter's client instead of the restaurant demo"


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
    assert ex.check(3, 14.43, bundle).status == "skipped"
