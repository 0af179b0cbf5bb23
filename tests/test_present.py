"""cxlab.present: what a reader sees for numbers, scores, p-values, dates and tables.

Every expected string below is written out by hand from the rule it checks.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from cxlab import present


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("p_adjusted", "p (Holm-adjusted)"),
        ("p_value", "p"),
        ("nps_low", "NPS low"),
        ("csat_high", "CSAT high"),
        ("diff_low", "Difference low"),
        ("share_of_customers", "Share of customers"),
        ("customer_id", "Customer ID"),
        ("rfm", "RFM"),
        ("worst_touchpoint_csat", "Worst touchpoint CSAT"),
        ("Revenue (GBP)", "Revenue (GBP)"),
        ("n", "n"),
        ("price_per_unit vs all", "Price per unit vs all"),
        ("share of csat_answers", "share of CSAT answers"),
    ],
)
def test_label_turns_names_into_words(name, expected):
    assert present.label(name) == expected


@pytest.mark.parametrize(
    ("x", "digits", "expected"),
    [
        (318955.77, None, "318,956"),
        (762.0, None, "762"),
        (1234567, None, "1,234,567"),
        (3.14159, None, "3.1"),
        (0.1913, None, "0.19"),
        (-12.5, 1, "−12.5"),
        (-0.04, 1, "0.0"),  # no "−0.0"
        (np.int64(2000), None, "2,000"),
        (float("nan"), None, "–"),
        (None, None, "–"),
    ],
)
def test_number_has_separators_and_sensible_decimals(x, digits, expected):
    assert present.number(x, digits) == expected


def test_percent_of_a_share():
    assert present.percent(0.1913) == "19%"
    assert present.percent(0.0062, digits=1) == "0.6%"
    assert present.percent(1) == "100%"


@pytest.mark.parametrize(
    ("p", "expected"),
    [(2.3e-31, "< 0.001"), (0.0, "< 0.001"), (0.0042, "0.004"), (0.05, "0.05"), (0.8746, "0.87")],
)
def test_p_value_never_shows_zero(p, expected):
    assert present.p_value(p) == expected


def test_score_with_interval_and_n():
    assert present.score(27.122, 22.28, 31.79, 907) == "27 (22 to 32), n = 907"
    assert present.score(4.82, 4.734, 4.906, 1028) == "4.8 (4.7 to 4.9), n = 1,028"
    assert present.score(0.4106, 0.3863, 0.4353, 1549, share=True) == "41% (39% to 44%), n = 1,549"
    assert present.score(-0.85, -11.18, 9.58) == "−0.8 (−11.2 to 9.6)"
    assert present.score(12, float("nan"), None, 3) == "12 (no interval), n = 3"


def test_dates_read_as_dates():
    assert present.date("2024-01-01T00:00:00") == "1 Jan 2024"
    assert present.date(dt.date(2025, 12, 31)) == "31 Dec 2025"
    assert present.date(pd.Timestamp("2025-03-09 08:05:00")) == "9 Mar 2025 08:05"
    assert present.date(pd.NaT) == "–"


def test_value_chooses_the_form_from_type_and_name():
    assert present.value(True) == "yes"
    assert present.value(np.False_) == "no"
    assert present.value("2024-02-29") == "29 Feb 2024"
    assert present.value("checkout") == "checkout"
    assert present.value(0.25, name="share_of_revenue") == "25%"
    assert present.value(1.5, name="share_ratio") == "1.5"  # not a share: above 1
    assert present.value(0.0001, name="p_adjusted") == "< 0.001"
    assert present.value(["a", "b"]) == "a, b"


def test_table_labels_formats_and_drops_row_numbers():
    df = pd.DataFrame(
        {
            "touchpoint": ["checkout", "delivery"],
            "revenue": [318955.77, 1200.0],
            "share": [0.1913, 0.05],
            "p_adjusted": [2.3e-31, 0.2],
            "masked": [False, True],
            "since": pd.to_datetime(["2024-01-01", None]),
        }
    )
    t = present.table(df)
    assert list(t.frame.columns) == [
        "Touchpoint",
        "Revenue",
        "Share",
        "p (Holm-adjusted)",
        "Masked",
        "Since",
    ]
    assert t.frame.values.tolist() == [
        ["checkout", "318,956", "19%", "< 0.001", "no", "1 Jan 2024"],
        ["delivery", "1,200", "5%", "0.20", "yes", "–"],
    ]
    assert t.note == ""
    html = t.to_html()
    assert "<th>Touchpoint</th>" in html and ">0<" not in html  # no index column


def test_table_keeps_a_named_index_as_a_column():
    df = pd.DataFrame({"n": [3, 40]}, index=pd.Index(["sms", "email"], name="channel"))
    t = present.table(df)
    assert list(t.frame.columns) == ["Channel", "n"]
    assert t.frame.values.tolist() == [["sms", "3"], ["email", "40"]]


def test_small_cells_are_suppressed_with_a_note():
    df = pd.DataFrame({"group": ["a", "b", "c"], "n": [4, 50, 9], "csat": [80.0, 61.2, 12.0]})
    t = present.table(df, min_n=10)
    assert t.frame["CSAT"].tolist() == ["–", "61", "–"]
    assert t.frame["n"].tolist() == ["4", "50", "9"]
    assert t.note == "2 rows rest on fewer than 10 answers; their numbers are not shown."


def test_small_cell_suppression_needs_the_n_column():
    with pytest.raises(KeyError, match="'answers'"):
        present.table(pd.DataFrame({"n": [1]}), min_n=5, n_column="answers")


def test_table_html_escapes_client_text():
    t = present.table(pd.DataFrame({"comment": ["<script>alert(1)</script>"]}))
    assert "<script>" not in t.to_html() and "&lt;script&gt;" in t.to_html()


@pytest.mark.parametrize(
    ("p", "name", "expected"),
    [
        (0.8746, "p", "p = 0.87"),
        (2.3e-31, "p", "p < 0.001"),
        (0.0042, "Holm-adjusted p", "Holm-adjusted p = 0.004"),
        (None, "p", "p not available"),
    ],
)
def test_p_phrase_reads_in_a_sentence(p, name, expected):
    assert present.p_phrase(p, name=name) == expected


def test_table_joins_a_score_and_its_interval_in_one_column():
    df = pd.DataFrame(
        {
            "touchpoint": ["checkout", "support", "tiny"],
            "value": [23.53, 45.76, 80.0],
            "low": [18.88, 39.93, 30.0],
            "high": [28.92, 51.71, 99.0],
            "n": [272, 271, 3],
            "ces": [3.504, 4.69, 6.0],
            "ces_low": [3.34, 4.53, 4.0],
            "ces_high": [3.66, 4.84, 7.0],
        }
    )
    t = present.table(
        df,
        intervals={"CSAT": ("value", "low", "high"), "CES": ("ces", "ces_low", "ces_high")},
        min_n=10,
    )
    assert list(t.frame.columns) == ["Touchpoint", "CSAT", "n", "CES"]
    # 23.53 -> 24, 18.88 -> 19, 28.92 -> 29; below 10 one decimal: 3.504 -> 3.5
    assert t.frame.values.tolist() == [
        ["checkout", "24 (19 to 29)", "272", "3.5 (3.3 to 3.7)"],
        ["support", "46 (40 to 52)", "271", "4.7 (4.5 to 4.8)"],
        ["tiny", "–", "3", "–"],
    ]
    assert t.note == "One row rests on fewer than 10 answers; its numbers are not shown."


def test_table_interval_of_shares_reads_as_percentages():
    df = pd.DataFrame({"stage": ["service"], "share": [0.4106], "lo": [0.3863], "hi": [0.4353]})
    t = present.table(df, percent_columns=["share"], intervals={"Lost": ("share", "lo", "hi")})
    assert t.frame.values.tolist() == [["service", "41% (39% to 44%)"]]


def test_table_transposed_keeps_each_columns_format():
    df = pd.DataFrame(
        {"n": [762, 547], "share": [0.4313, 0.3096], "price_per_unit": [24.031, 82.49]},
        index=["low price", "high price"],
    )
    t = present.table(df, transpose=True)
    assert list(t.frame.columns) == ["", "low price", "high price"]
    assert t.frame.values.tolist() == [
        ["n", "762", "547"],
        ["Share", "43%", "31%"],
        ["Price per unit", "24", "82"],
    ]


def test_table_flattens_two_level_column_headings():
    columns = pd.MultiIndex.from_tuples([("2024", "n"), ("2024", "value"), ("2025", "n")])
    df = pd.DataFrame([[191, 23.04, 81]], columns=columns, index=pd.Index(["checkout"], name="tp"))
    t = present.table(df)
    assert list(t.frame.columns) == ["Tp", "2024 n", "2024 value", "2025 n"]
    assert t.frame.values.tolist() == [["checkout", "191", "23", "81"]]


def test_a_score_with_a_narrow_interval_keeps_the_decimals_that_tell_its_ends_apart():
    assert present.score(0.8132, 0.7914, 0.8365, 1524) == "0.81 (0.79 to 0.84), n = 1,524"
    assert present.score(0.8132, 0.8101, 0.8165) == "0.813 (0.810 to 0.817)"
    assert present.score(4.82, 4.73, 4.91) == "4.8 (4.7 to 4.9)"  # one decimal already separates
    assert present.score(27.0, 22.0, 32.0) == "27 (22 to 32)"


def test_auc_reads_as_an_acronym():
    assert present.label("auc") == "AUC"


@pytest.mark.parametrize(
    ("x", "digits", "expected"),
    [(9.6, 1, "+9.6"), (-0.8, 1, "−0.8"), (-11.24, 1, "−11.2"), (-0.04, 1, "0.0"), (3, 0, "+3")],
)
def test_signed_writes_plus_and_a_true_minus(x, digits, expected):
    assert present.signed(x, digits) == expected


@pytest.mark.parametrize(
    ("x", "expected"),
    [
        (True, "yes"),
        (False, "no"),
        ("True", "yes"),
        ("false", "no"),
        ("Truex", "Truex"),
        ("NW", "NW"),
    ],
)
def test_level_reads_booleans_as_yes_no_and_keeps_client_values(x, expected):
    assert present.level(x) == expected
