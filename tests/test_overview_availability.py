"""cxlab.overview on bundles that lack tables: missing figures, undated tables, absent sections."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cxlab import headlines, overview
from cxlab.contract.bundle import Bundle
from cxlab.contract.config import BundleConfig

CUSTOMERS = pd.DataFrame({"customer_id": ["a", "b", "c"], "churned": [True, False, False]})


def _customers_only(name: str = "shop") -> Bundle:
    return Bundle(Path(name), BundleConfig(), customers=CUSTOMERS)


def test_key_figures_of_a_customers_only_bundle_publish_with_reasons():
    bundle = _customers_only()
    shown = headlines.publish(
        overview.key_figures(bundle), notes=overview.key_figure_notes(bundle), display=False
    )
    assert shown.data["customers"] == 3
    assert shown.data["orders"] is None and shown.data["first_date"] is None
    text = repr(shown)
    assert "orders: not available, because the data has no transactions table" in text
    assert "events: not available, because the data has no events table" in text
    assert "first_date: not available, because no table of the data is dated" in text


def test_key_figure_notes_are_empty_when_every_figure_exists():
    tx = pd.DataFrame(
        {"customer_id": ["a"], "date": pd.to_datetime(["2024-02-01"]), "amount": [5.0]}
    )
    resp = pd.DataFrame({"date": pd.to_datetime(["2024-02-02"]), "nps": [9]})
    ev = pd.DataFrame(
        {"customer_id": ["a"], "timestamp": pd.to_datetime(["2024-02-03"]), "stage": ["visit"]}
    )
    bundle = Bundle(
        Path("shop"),
        BundleConfig(),
        customers=CUSTOMERS,
        transactions=tx,
        responses=resp,
        events=ev,
    )
    assert overview.key_figure_notes(bundle) == {}


def test_tables_summary_says_not_dated_instead_of_nat():
    tx = pd.DataFrame(
        {
            "customer_id": ["a", "b"],
            "date": pd.to_datetime(["2024-03-09 14:00", "2024-01-02 09:15"]),
        }
    )
    bundle = Bundle(Path("shop"), BundleConfig(), customers=CUSTOMERS, transactions=tx)
    table = overview.tables_summary(bundle)
    assert table.loc["customers", ["from", "to"]].tolist() == ["not dated", "not dated"]
    assert table.loc["transactions", ["from", "to"]].tolist() == ["2024-01-02", "2024-03-09"]
    assert "NaT" not in table.to_string()


@pytest.mark.parametrize(
    ("table", "enables"),
    [
        ("transactions", "the customer segments"),
        ("responses", "the satisfaction scores"),
        ("events", "the journey map"),
    ],
)
def test_a_missing_table_is_noted_with_what_would_enable_it(table, enables):
    note = overview.missing_table_finding(_customers_only(), table)
    assert not note.supported
    assert note.text.startswith(f"This data has no {table} table, so this section is left out")
    assert note.text.endswith(f"here, and {enables}.")
    # a client reads it: no column names, no chapter numbers
    assert "_" not in note.text and "chapter" not in note.text


def test_a_present_table_needs_no_note():
    tx = pd.DataFrame({"customer_id": ["a"], "date": pd.to_datetime(["2024-02-01"])})
    bundle = Bundle(Path("shop"), BundleConfig(), customers=CUSTOMERS, transactions=tx)
    assert overview.missing_table_finding(bundle, "transactions") is None


def test_an_unknown_section_table_is_refused():
    with pytest.raises(ValueError, match="customers"):
        overview.missing_table_finding(_customers_only(), "customers")
