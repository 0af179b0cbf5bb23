"""cxlab.metrics.left_out_finding: the note that stands in for a section the data cannot support."""

from __future__ import annotations

import pandas as pd
import pytest

from cxlab import metrics

#: Three CSAT answers at two touchpoints, dated in one month; no NPS, no CES.
CSAT_ONLY = pd.DataFrame(
    {
        "date": pd.to_datetime(["2024-05-02", "2024-05-09", "2024-05-20"]),
        "touchpoint": ["web", "shop", "web"],
        "csat": [4, 2, 5],
    }
)


def test_a_section_the_data_support_needs_no_note():
    assert metrics.left_out_finding(CSAT_ONLY, section="csat_by_touchpoint") is None


def test_no_nps_leaves_out_the_margin_tables_and_says_what_enables_them():
    note = metrics.left_out_finding(CSAT_ONLY, section="nps_margins")
    assert not note.supported
    assert note.text == (
        "The NPS margin tables are left out: the responses have no NPS answers; an NPS "
        "question (likelihood to recommend, 0–10) mapped to nps in cxlab.yml would enable them."
    )


def test_a_missing_touchpoint_is_named():
    note = metrics.left_out_finding(
        CSAT_ONLY.drop(columns="touchpoint"), section="csat_by_touchpoint"
    )
    assert note.text.startswith("CSAT by touchpoint is left out: the responses have no touchpoint;")


def test_two_missing_columns_are_both_named():
    note = metrics.left_out_finding(CSAT_ONLY, section="effort_by_touchpoint")
    assert "the responses have no CES answers;" in note.text
    assert "an effort rating mapped to ces in cxlab.yml would enable it" in note.text


def test_columns_never_answered_together_count_as_missing():
    # CSAT and touchpoint are both present, but never on the same row
    df = pd.DataFrame({"csat": [4, None], "touchpoint": [None, "web"]})
    note = metrics.left_out_finding(df, section="csat_by_touchpoint")
    assert "the responses have no touchpoint" in note.text


def test_one_period_leaves_out_a_comparison():
    note = metrics.left_out_finding(CSAT_ONLY, section="changes", periods=1)
    assert note.text == (
        "The change since the previous quarter is left out: fewer than two quarters have enough "
        "answers; answers spread over at least two would enable it."
    )
    assert metrics.left_out_finding(CSAT_ONLY, section="changes", periods=2) is None


def test_planning_needs_one_period_with_enough_answers():
    df = CSAT_ONLY.assign(nps=[9, 3, 10])
    note = metrics.left_out_finding(df, section="nps_goal", periods=0, need=1)
    assert "no quarter has enough answers; more answers per quarter would enable it" in note.text
    assert metrics.left_out_finding(df, section="nps_goal", periods=1, need=1) is None


def test_no_responses_table_is_said_plainly():
    note = metrics.left_out_finding(None, section="nps_groups")
    assert note.text == (
        "The count of promoters, passives and detractors is left out: the data has no survey "
        "responses; a file of survey answers would enable it."
    )


def test_an_unknown_section_is_refused():
    with pytest.raises(ValueError, match="nps_margins"):
        metrics.left_out_finding(CSAT_ONLY, section="nps_margin")


def test_readable_table_shows_a_dash_for_missing_values_and_rounds_the_rest():
    df = pd.DataFrame(
        {"n": [5, 40], "value": [float("nan"), 61.256], "differs": [None, True]},
        index=["booking", "visit"],
    )
    shown = metrics.readable_table(df, digits=1)
    assert shown.loc["booking"].tolist() == [5, "–", "–"]
    assert shown.loc["visit"].tolist() == [40, 61.3, True]
    assert "NaN" not in shown.to_html() and "None" not in shown.to_html()


def test_readable_table_leaves_a_complete_table_numeric():
    df = pd.DataFrame({"value": [1.23456, 2.5]})
    shown = metrics.readable_table(df, digits=2)
    assert shown["value"].tolist() == [1.23, 2.5]
    assert shown["value"].dtype == "float64"
