"""The optional costs table: what the business spent to win, keep and serve customers.

Each malformed bundle is the clean one from ``conftest.py`` plus a small costs.csv written below
with one fault; rows and values are read off the text.
"""

from __future__ import annotations

import pandas as pd
from conftest import clean_files

from cxlab.contract import load_bundle, validate_bundle
from cxlab.errors import Problem, ValidationReport

#: Clean costs: 4 rows (rows 2–5 of the file).
COSTS = (
    "period,channel,kind,amount\n"
    "2024-03-01,social,acquisition,400.00\n"
    "2024-03-01,email,retention,120.50\n"
    "2024-03-01,,service,300\n"
    "2024-04-01,social,Acquisition,380.00\n"
)


def only(report: ValidationReport, rule: str, severity: str = "error") -> Problem:
    found = [p for p in report.problems if p.rule == rule and p.severity == severity]
    assert len(found) == 1, report.format()
    return found[0]


def bundle_with(make_bundle, costs: str):
    return make_bundle({**clean_files(), "costs.csv": costs})


def test_clean_costs_load_as_a_table_with_dates_and_lower_case_kinds(make_bundle):
    bundle = load_bundle(bundle_with(make_bundle, COSTS))
    costs = bundle.costs
    assert bundle.has("costs") and bundle.has_dates("costs")
    assert costs["kind"].tolist() == ["acquisition", "retention", "service", "acquisition"]
    assert costs["amount"].sum() == 400 + 120.5 + 300 + 380
    assert costs["period"].iloc[3] == pd.Timestamp("2024-04-01")
    assert bundle.sources["costs"].path.name == "costs.csv"
    assert not [p for p in bundle.report.problems if p.table == "costs"]


def test_bundle_without_costs_has_none(make_bundle):
    bundle = load_bundle(make_bundle(clean_files()))
    assert bundle.costs is None and not bundle.has("costs")


def test_unknown_cost_kind_names_file_column_rows_and_values(make_bundle):
    text = COSTS.replace("email,retention", "email,marketing")
    problem = only(validate_bundle(bundle_with(make_bundle, text)), "unknown_cost_kind")
    assert problem.file == "costs.csv" and problem.column == "kind"
    assert problem.rows == ((3, "marketing"),)
    assert "acquisition, retention, service" in problem.hint and "recode" in problem.hint


def test_negative_cost_is_an_error_not_a_refund(make_bundle):
    text = COSTS.replace("300\n", "-300\n")
    report = validate_bundle(bundle_with(make_bundle, text))
    problem = only(report, "negative_cost")
    assert problem.column == "amount" and problem.rows[0][0] == 4
    assert not [p for p in report.problems if p.table == "costs" and p.rule == "negative_amount"]


def test_missing_period_is_reported_with_the_row(make_bundle):
    text = COSTS.replace("2024-04-01,social", ",social")
    problem = only(validate_bundle(bundle_with(make_bundle, text)), "missing_value")
    assert problem.file == "costs.csv" and problem.column == "period"
    assert problem.rows[0][0] == 5


def test_missing_kind_column_is_reported(make_bundle):
    text = COSTS.replace("period,channel,kind,amount", "period,channel,type,amount")
    problem = only(validate_bundle(bundle_with(make_bundle, text)), "missing_column")
    assert problem.file == "costs.csv" and problem.column == "kind"


def test_unreadable_amount_is_reported(make_bundle):
    text = COSTS.replace("120.50", "about 120")
    report = validate_bundle(bundle_with(make_bundle, text))
    problem = next(p for p in report.errors if p.table == "costs")
    assert problem.column == "amount" and problem.rows == ((3, "about 120"),)


def test_repeated_cost_rows_are_a_warning(make_bundle):
    text = COSTS + "2024-03-01,social,acquisition,400.00\n"
    report = validate_bundle(bundle_with(make_bundle, text))
    problem = only(report, "duplicate_cost", severity="warning")
    assert [r for r, _ in problem.rows] == [2, 6]
    assert not report.errors
