"""Tests for cxlab.checks: the one place input checks, hints and reports are written."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cxlab import journey, segmentation
from cxlab.checks import (
    did_you_mean,
    list_columns,
    missing_columns,
    raise_problems,
    require_columns,
    require_frame,
    row_labels,
    rows_problem,
)
from cxlab.drivers import key_drivers
from cxlab.errors import BundleError, DataError, Problem


def test_did_you_mean_names_the_closest_column():
    assert did_you_mean("amout", ["date", "amount", "amounts_eur"]) == "did you mean 'amount'? "


def test_did_you_mean_says_nothing_without_a_close_match():
    assert did_you_mean("zz", ["date", "amount"]) == ""


def test_did_you_mean_cutoff_can_be_loosened():
    # "cust" and "customer_id": ratio 2 * 4 / 15 ≈ 0.53, below the default 0.6
    assert did_you_mean("cust", ["customer_id"]) == ""
    assert did_you_mean("cust", ["customer_id"], cutoff=0.5) == "did you mean 'customer_id'? "


def test_list_columns_quotes_and_stops_at_the_limit():
    assert list_columns(["a", 1]) == "'a', '1'"
    assert list_columns([f"c{i}" for i in range(14)], limit=2) == "'c0', 'c1', ..."
    assert list_columns([]) == "none"


def test_missing_columns_one_problem_each_with_table_column_and_fix():
    df = pd.DataFrame({"when": [1], "stage_name": ["a"]})
    problems = missing_columns(
        df, {"timestamp": "timestamp", "when": "timestamp", "stage": "stage"}, table="events"
    )
    assert [(p.rule, p.table, p.column) for p in problems] == [
        ("missing_column", "events", "timestamp"),
        ("missing_column", "events", "stage"),
    ]
    assert problems[0].message == "the events table has no column 'timestamp'"
    assert "pass timestamp='<column>'" in problems[0].hint
    assert "'when', 'stage_name'" in problems[0].hint
    assert problems[1].hint.startswith("did you mean 'stage_name'? ")
    assert "cxlab.yml under columns:" in problems[1].hint


def test_missing_columns_says_how_to_pass_a_list_argument():
    (p,) = missing_columns(pd.DataFrame({"a": [1]}), {"b": "drivers=[...]"}, table="responses")
    assert "pass drivers=[...] to use another column" in p.hint


def test_missing_columns_from_a_plain_list_speaks_of_the_keyword_argument():
    (p,) = missing_columns(pd.DataFrame({"a": [1]}), ["b"], table="customers")
    assert "keyword argument that names it" in p.hint


def test_missing_columns_refuses_what_is_not_a_table():
    with pytest.raises(TypeError, match="the events table must be a pandas DataFrame; got dict"):
        missing_columns({"a": [1]}, ["a"], table="events")
    with pytest.raises(TypeError, match="got list"):
        require_frame([], table="events")


def test_require_columns_raises_one_data_error_for_one_problem():
    with pytest.raises(DataError) as err:
        require_columns(pd.DataFrame({"a": [1]}), ["b"], table="responses")
    assert not isinstance(err.value, BundleError)
    assert err.value.problem.column == "b"


def test_require_columns_reports_every_missing_column_at_once():
    with pytest.raises(BundleError) as err:
        require_columns(pd.DataFrame({"a": [1]}), ["b", "c"], table="responses")
    assert [p.column for p in err.value.report.errors] == ["b", "c"]
    assert err.value.problem.column == "b"
    assert "'b'" in str(err.value) and "'c'" in str(err.value)


def test_raise_problems_is_silent_without_problems():
    assert raise_problems([], source="events") is None


def test_raise_problems_names_the_source_of_several():
    p = Problem("error", "x", "bad", table="t")
    with pytest.raises(BundleError) as err:
        raise_problems([p, p], source="benchmarks.csv")
    assert err.value.report.source == "benchmarks.csv"


def test_row_labels_use_an_integer_index_and_else_positions():
    assert row_labels(pd.Index([7, 8, 9]), np.array([0, 2])).tolist() == [7, 9]
    assert row_labels(pd.Index(["x", "y", "z"]), np.array([0, 2])).tolist() == [0, 2]
    assert row_labels(None, np.array([4])).tolist() == [4]


def test_rows_problem_counts_every_row_and_shows_five():
    values = ["a", "b", None, "d", "e", "f", "g"]
    p = rows_problem(
        "bad",
        "7 values are bad",
        "fix them",
        column="c",
        index=pd.Index(range(100, 107)),
        positions=np.arange(7),
        values=values,
        table="t",
        file="t.csv",
    )
    assert p.n_rows == 7
    assert p.rows == ((100, "a"), (101, "b"), (102, None), (103, "d"), (104, "e"))
    assert (p.table, p.file, p.column, p.severity) == ("t", "t.csv", "c", "error")


def test_rows_problem_turns_missing_numbers_into_empty_values():
    p = rows_problem(
        "bad", "m", "h", column="x", positions=[3], values=np.array([np.nan]), severity="warning"
    )
    assert p.rows == ((3, None),) and p.severity == "warning"


# --------------------------------------------------------------- the modules that use them
def test_journey_reports_every_missing_column_of_the_log():
    events = pd.DataFrame({"customer_id": ["a"], "time": ["2024-01-01"]})
    with pytest.raises(BundleError) as err:
        journey.funnel(events, stages=["visit", "buy"])
    assert [p.column for p in err.value.report.errors] == ["timestamp", "stage"]
    assert err.value.report.errors[0].hint.startswith("did you mean 'time'? ")


def test_segmentation_suggests_the_column_meant():
    tx = pd.DataFrame(
        {"customer_id": ["a"], "date": ["2024-01-01"], "amout": [5.0]}  # a typo in the export
    )
    with pytest.raises(DataError) as err:
        segmentation.rfm(tx)
    p = err.value.problem
    assert (p.table, p.column) == ("transactions", "amount")
    assert p.hint.startswith("did you mean 'amout'? ")
    assert "pass amount='<column>'" in p.hint


def test_key_drivers_names_the_outcome_argument_when_its_column_is_missing():
    df = pd.DataFrame({"q1": [1, 2, 3], "q2": [3, 2, 1]})
    with pytest.raises(DataError) as err:
        key_drivers(df, outcome="nsp", drivers=["q1", "q2"])
    assert err.value.problem.column == "nsp"
    assert "pass outcome='<column>'" in err.value.problem.hint
