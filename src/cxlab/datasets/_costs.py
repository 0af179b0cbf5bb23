"""A plausible costs table for each demo: what the business spent to win, keep and serve customers.

The spend follows the other tables, so the metrics computed from it can be checked:

* **acquisition**, per month and acquisition channel: the customers who signed up that month
  through the channel times the channel's planted cost per new customer (referral rewards are
  the cheapest way in);
* **retention**, per month: the customers who bought that month times a planted cost per active
  customer, lower in the second year than in the first (the business got better at keeping
  customers cheaply: the seeds' "CRC reduction");
* **service**, per month: the support contacts that month (events at the ``support``
  touchpoint) times a planted cost per contact.

Each amount carries a little multiplicative noise. The noise comes from the demo's own seed
stream (``numpy.random.SeedSequence(seed, spawn_key=(COSTS_STREAM,))``), separate from the
generator that made the other tables, so adding this table changed none of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

__all__ = ["COSTS_STREAM", "PLANS", "CostPlan", "CostsTruth", "make_costs"]

#: Spawn key of the costs generator's seed stream.
COSTS_STREAM = 6

#: Spread (sd of the log) of the monthly noise on every amount.
NOISE = 0.10


@dataclass(frozen=True)
class CostPlan:
    """What one demo spends.

    Parameters
    ----------
    cac : dict of str to float
        Cost per new customer, by acquisition channel (the customers' ``channel``).
    retention_per_active : tuple of float
        Retention spend per customer who bought in the month: first year, second year.
    retention_channel : str
        Where retention money goes (``email``, ``loyalty_app``, ``account_management``).
    per_contact : float
        Cost of one support contact.
    """

    cac: dict[str, float]
    retention_per_active: tuple[float, float]
    retention_channel: str
    per_contact: float


PLANS: dict[str, CostPlan] = {
    "clothing_retailer": CostPlan(
        cac={"social": 22.0, "search": 28.0, "email": 12.0, "marketplace": 18.0, "referral": 6.0},
        retention_per_active=(3.20, 2.60),
        retention_channel="email",
        per_contact=4.50,
    ),
    "saas": CostPlan(
        cac={
            "search": 260.0,
            "webinar": 180.0,
            "partner": 320.0,
            "referral": 90.0,
            "social": 210.0,
            "outbound": 540.0,
        },
        retention_per_active=(14.0, 11.5),
        retention_channel="account_management",
        per_contact=18.0,
    ),
    "restaurant": CostPlan(
        cac={"app": 9.0, "in_person": 3.0, "website": 7.0},
        retention_per_active=(2.40, 2.00),
        retention_channel="loyalty_app",
        per_contact=3.50,
    ),
    "consulting": CostPlan(
        cac={"referral": 450.0, "event": 1600.0, "linkedin": 900.0, "website": 700.0,
             "tender": 3200.0},
        retention_per_active=(240.0, 200.0),
        retention_channel="account_management",
        per_contact=45.0,
    ),
}  # fmt: skip


@dataclass(frozen=True)
class CostsTruth:
    """What was planted in a demo's costs table.

    Parameters
    ----------
    cac : dict of str to float
        Planted cost per new customer by acquisition channel.
    retention_per_active : tuple of float
        Planted retention spend per active customer-month, first and second year.
    per_contact : float
        Planted cost of a support contact.
    realised_cac : dict of str to float
        Acquisition spend over the period divided by the customers who signed up in it, per
        channel, as the committed file has it.
    description : str
    """

    cac: dict[str, float]
    retention_per_active: tuple[float, float]
    per_contact: float
    realised_cac: dict[str, float] = field(default_factory=dict)
    description: str = ""


def _month(s: pd.Series) -> pd.Series:
    return s.dt.to_period("M").dt.to_timestamp()


def make_costs(
    name: str,
    tables: dict[str, pd.DataFrame],
    seed: int,
    period: tuple[pd.Timestamp, pd.Timestamp],
) -> tuple[pd.DataFrame, CostsTruth]:
    """Build the costs table of demo ``name`` from its other tables.

    Parameters
    ----------
    name : str
        Demo name (a key of :data:`PLANS`).
    tables : dict of str to pandas.DataFrame
        The demo's customers, transactions and events.
    seed : int
        The demo's seed; the costs use their own stream of it.
    period : tuple of pandas.Timestamp
        First and last day of the data.

    Returns
    -------
    pandas.DataFrame, CostsTruth
        Columns ``period`` (first of the month), ``channel``, ``kind``, ``amount``.
    """
    plan = PLANS[name]
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(COSTS_STREAM,)))
    start, end = period
    months = pd.date_range(start.to_period("M").to_timestamp(), end, freq="MS")
    customers = tables["customers"]
    joined = customers[customers["signup_date"].between(start, end)]
    new = (
        joined.assign(period=_month(joined["signup_date"]))
        .groupby(["period", "channel"])
        .size()
        .rename("n")
        .reset_index()
    )
    tx = tables["transactions"]
    active = (
        tx[tx["amount"] > 0].assign(period=_month(tx["date"])).groupby("period")["customer_id"]
    ).nunique()
    ev = tables["events"]
    support = ev[ev["touchpoint"] == "support"]
    contacts = _month(support["timestamp"]).value_counts()

    rows = []
    for month in months:
        for channel in plan.cac:
            hit = new[(new["period"] == month) & (new["channel"] == channel)]
            n = int(hit["n"].sum())
            if n:
                rows.append((month, channel, "acquisition", plan.cac[channel] * n))
        year = 0 if month.year == start.year else 1
        n_active = int(active.get(month, 0))
        if n_active:
            rows.append(
                (month, plan.retention_channel, "retention",
                 plan.retention_per_active[year] * n_active)
            )  # fmt: skip
        n_contacts = int(contacts.get(month, 0))
        if n_contacts:
            rows.append((month, "support", "service", plan.per_contact * n_contacts))
    costs = pd.DataFrame(rows, columns=["period", "channel", "kind", "amount"])
    noise = np.exp(rng.normal(0.0, NOISE, len(costs)) - NOISE**2 / 2)
    costs["amount"] = np.round(costs["amount"].to_numpy() * noise, 2)
    costs["period"] = pd.to_datetime(costs["period"])

    spent = costs[costs["kind"] == "acquisition"].groupby("channel")["amount"].sum()
    joined_by = joined.groupby("channel").size()
    realised = {c: round(float(spent.get(c, 0.0) / joined_by[c]), 2) for c in joined_by.index}
    truth = CostsTruth(
        cac=dict(plan.cac),
        retention_per_active=plan.retention_per_active,
        per_contact=plan.per_contact,
        realised_cac=realised,
        description=(
            "monthly acquisition spend per channel = new customers x planted cost per new "
            "customer; retention = active customers x a planted cost that falls in the second "
            "year; service = support contacts x a planted cost per contact; lognormal noise "
            f"(sd {NOISE}) on every amount"
        ),
    )
    return costs, truth
