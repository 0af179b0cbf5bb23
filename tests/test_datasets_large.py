"""The event-intensity knob of the demo generator and the large synthetic client built with it."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from cxlab.datasets import (
    LARGE_EVENT_INTENSITY,
    LARGE_N_CUSTOMERS,
    generate,
    write_demo,
    write_large,
)

#: What the large client is for: 70k customers, 1M transactions, 100k responses, 1M events.
TARGETS = {
    "customers": 70_000,
    "transactions": 1_000_000,
    "responses": 100_000,
    "events": 1_000_000,
}


def _stage_counts(demo) -> pd.Series:
    return demo.tables["events"]["stage"].value_counts()


def test_a_busier_journey_adds_events_and_leaves_the_rest_alone():
    calm = generate("clothing_retailer", seed=11, n_customers=2_000)
    busy = generate("clothing_retailer", seed=11, n_customers=2_000, event_intensity=3.0)
    # Customers and transactions are drawn before the events, from the same seed.
    pd.testing.assert_frame_equal(calm.tables["transactions"], busy.tables["transactions"])
    for col in ("customer_id", "signup_date"):
        assert calm.tables["customers"][col].equals(busy.tables["customers"][col])
    a, b = _stage_counts(calm), _stage_counts(busy)
    # Purchases (first two orders) and awareness do not depend on the intensity ...
    assert a["purchase"] == b["purchase"]
    assert a["awareness"] == b["awareness"]
    # ... the repeatable moments do.
    for stage in ("consideration", "service", "loyalty"):
        assert b[stage] > 1.4 * a[stage], stage
    # Responses sample each surveyed touchpoint towards a fixed share of customers.
    n_calm, n_busy = len(calm.tables["responses"]), len(busy.tables["responses"])
    assert abs(n_busy - n_calm) < 0.15 * n_calm


def test_a_busier_journey_keeps_the_planted_support_contacts():
    busy = generate("clothing_retailer", seed=11, n_customers=1_000, event_intensity=3.0)
    ev = busy.tables["events"]
    counts = ev[ev["touchpoint"] == "support"].groupby("customer_id").size()
    planted = busy.truth.customers["support_contacts"]
    assert counts.reindex(planted.index, fill_value=0).equals(planted)


@pytest.mark.parametrize("bad", [0, -1.0, math.nan, math.inf])
def test_event_intensity_must_be_a_positive_number(bad):
    with pytest.raises(ValueError, match="event_intensity must be a positive number"):
        generate("saas", n_customers=200, event_intensity=bad)


def test_same_seed_and_intensity_give_the_same_files_and_another_seed_does_not(tmp_path):
    # write_large is this call with more customers: its bytes follow the seed the same way
    kwargs = {"n_customers": 300, "event_intensity": LARGE_EVENT_INTENSITY}
    a = write_demo("clothing_retailer", tmp_path / "a", seed=5, **kwargs)
    b = write_demo("clothing_retailer", tmp_path / "b", seed=5, **kwargs)
    c = write_demo("clothing_retailer", tmp_path / "c", seed=6, **kwargs)
    names = sorted(p.name for p in a.iterdir())
    assert names == [
        "costs.csv",
        "customers.csv",
        "cxlab.yml",
        "events.csv",
        "responses.csv",
        "reviews.csv",
        "transactions.csv",
    ]
    for name in names:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    # the reviews and the costs have seed streams of their own; each follows the seed too
    for name in ("events.csv", "reviews.csv", "costs.csv"):
        assert (a / name).read_bytes() != (c / name).read_bytes(), name


@pytest.fixture(scope="module")
def large(tmp_path_factory):
    return write_large(tmp_path_factory.mktemp("large") / "large")


def _rows(path) -> int:
    return len(pd.read_csv(path, usecols=[0]))


@pytest.mark.slow  # writes 2.2 million rows
def test_large_client_has_the_target_sizes_within_five_percent(large):
    assert LARGE_N_CUSTOMERS == TARGETS["customers"]
    for table, target in TARGETS.items():
        rows = _rows(large / f"{table}.csv")
        assert abs(rows - target) <= 0.05 * target, f"{table}: {rows:,} rows, target {target:,}"
    comments = pd.read_csv(large / "responses.csv", usecols=["comment"])["comment"]
    assert comments.notna().mean() > 0.3


@pytest.mark.slow  # validates 2.2 million rows
def test_large_client_passes_the_contract_with_no_errors(large):
    from cxlab.contract import load_bundle

    bundle = load_bundle(large)
    assert bundle.report is None or bundle.report.ok, bundle.report
    assert len(bundle.customers) == TARGETS["customers"]
