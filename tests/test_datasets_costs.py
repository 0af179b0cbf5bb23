"""The demo clients' costs tables: plausible, from their own seed stream, and what they plant."""

from __future__ import annotations

import pandas as pd
import pytest

from cxlab.datasets import DEMOS, generate, load_demo, planted_truth


@pytest.mark.parametrize("name", DEMOS)
def test_costs_recover_the_planted_cost_per_new_customer(name):
    bundle = load_demo(name)
    truth = planted_truth(name)
    start, end = truth.period
    costs, customers = bundle.costs, bundle.customers
    new = customers[customers["signup_date"].between(start, end)].groupby("channel").size()
    spent = costs[costs["kind"] == "acquisition"].groupby("channel")["amount"].sum()
    for channel, planted in truth.costs.cac.items():
        realised = spent[channel] / new[channel]
        assert realised == pytest.approx(planted, rel=0.08), channel
    assert min(truth.costs.cac, key=truth.costs.cac.get) in {"referral", "in_person"}


@pytest.mark.parametrize("name", DEMOS)
def test_retention_cost_per_active_customer_falls_in_the_second_year(name):
    bundle = load_demo(name)
    tx = bundle.transactions
    buying = tx[tx["amount"] > 0]
    active = buying.groupby(buying["date"].dt.year)["customer_id"].apply(
        lambda s: s.groupby(buying.loc[s.index, "date"].dt.month).nunique().sum()
    )
    costs = bundle.costs
    retention = costs[costs["kind"] == "retention"].groupby(costs["period"].dt.year)["amount"].sum()
    per_active = retention / active
    first, second = planted_truth(name).costs.retention_per_active
    # Each month's amount carries lognormal noise with sd 0.10 of the log; a year's ratio is the
    # active-weighted mean of 12 such factors, so its sd is about 0.10 / sqrt(12) = 0.029. The
    # plant guarantees the ratio within three of those (0.09), not within 0.05 (1.7 sd: the
    # regenerated restaurant's second year lands 5.2 % low on noise alone).
    tolerance = 3 * 0.10 / 12**0.5
    assert per_active[2024] == pytest.approx(first, rel=tolerance)
    assert per_active[2025] == pytest.approx(second, rel=tolerance)
    assert per_active[2025] < per_active[2024]


def test_costs_have_every_kind_positive_monthly_amounts():
    costs = load_demo("restaurant").costs
    assert set(costs["kind"]) == {"acquisition", "retention", "service"}
    assert (costs["amount"] > 0).all()
    assert (costs["period"].dt.day == 1).all()
    assert costs["period"].min() == pd.Timestamp("2024-01-01")


def test_other_seeds_change_the_costs_but_not_the_planted_rates():
    a = generate("consulting", seed=1, n_customers=300)
    b = generate("consulting", seed=2, n_customers=300)
    assert not a.tables["costs"].equals(b.tables["costs"])
    assert a.truth.costs.cac == b.truth.costs.cac
