"""The chapter-07 helpers of cxlab.text and its sentence explorer."""

from __future__ import annotations

import pandas as pd
import pytest

from cxlab import text, widgets
from cxlab.errors import DataError

XSS = "<img src=x onerror=alert(1)>"


def test_score_comments_keeps_non_blank_strings_and_adds_months():
    r = pd.DataFrame(
        {
            "date": pd.to_datetime(["2024-01-31", "2024-02-01", "2024-03-01", "2024-03-02"]),
            "comment": ["Far too slow", None, "   ", "No problems at all"],
        }
    )
    out = text.score_comments(r)
    assert list(out.index) == [0, 3]
    assert out["month"].tolist() == ["2024-01", "2024-03"]
    assert out["label"].tolist() == ["negative", "positive"]
    assert out.attrs["responses"] == 4


def test_score_comments_without_a_comment_column_names_it():
    with pytest.raises(DataError, match="comment"):
        text.score_comments(pd.DataFrame({"nps": [1]}))


def test_segment_column_skips_ids_numbers_and_sensitive_columns():
    c = pd.DataFrame(
        {
            "customer_id": ["a", "b", "c"],
            "spend": [1.0, 2.0, 3.0],
            "age_band": ["18-24", "25-34", "18-24"],
            "channel": ["web", "shop", "web"],
        }
    )
    assert text.segment_column(c, sensitive=["age_band"]) == "channel"
    assert text.segment_column(None) is None
    assert text.segment_column(c[["customer_id", "spend"]]) is None


def test_group_finding_says_when_groups_are_too_small():
    t = pd.DataFrame(
        {"n": [5], "negative_share": [0.4], "low": [0.1], "high": [0.8], "small": [True]},
        index=["a"],
    )
    f = text.group_finding(t, by="touchpoint", overall={"share": 0.2, "low": 0.1, "high": 0.3})
    assert not f.supported


def test_group_finding_escapes_a_hostile_group_name():
    t = pd.DataFrame(
        {
            "n": [40, 40],
            "negative_share": [0.6, 0.1],
            "low": [0.45, 0.04],
            "high": [0.74, 0.23],
            "small": [False, False],
        },
        index=[XSS, "ok"],
    )
    f = text.group_finding(t, by="touchpoint", overall={"share": 0.3, "low": 0.2, "high": 0.4})
    assert "<img" not in f.to_markdown()
    assert f.facts["apart"] is True  # 0.45 > 0.4


def test_comments_finding_counts_and_flags_few_comments():
    s = pd.DataFrame({"status": ["ok"] * 5})
    s.attrs["responses"] = 20
    f = text.comments_finding(s, client="Shop")
    assert f.text.startswith("5 of the 20 survey responses")
    assert "too few" in f.text


def test_loop_actions_without_nps_replies_to_negative_comments():
    a = text.loop_actions(None, pd.Series(["negative", "positive", "negative"]), None, [])
    assert a["loop"].tolist() == ["inner"]
    assert a.loc[0, "who"] == "2 negative comments"
    assert "customers themselves" in text.loop_finding(a).text


def test_loop_actions_skip_themes_whose_interval_reaches_zero():
    themes = [{"theme": "price", "impact": -2.0, "low": -5.0, "high": 1.0, "n": 40}]
    a = text.loop_actions(pd.Series([None]), pd.Series(["positive"]), pd.Series([10]), themes)
    assert "outer" not in set(a["loop"])


def test_compare_with_vader_marks_the_changed_labels():
    t = text.compare_with_vader(["The wait was far too long", "Great food"])
    assert t["changed"].tolist() == [True, False]
    assert t.loc[0, "rules"] == "too much of a bad thing"


# -- the sentence explorer -----------------------------------------------------------------------


def test_sentence_explorer_scores_the_last_changed_input_and_escapes_it():
    w = widgets.sentence_explorer(["No issues at all", "The queue was far too long"])
    assert w.draws == 1
    w.controls["example"].value = "The queue was far too long"
    assert w.draws == 2
    assert "queue" in w.output.outputs[0]["data"]["text/plain"]
    w.controls["own"].value = XSS
    first = w.output.outputs[0]["data"]["text/markdown"]
    assert "<img" not in first and "&#60;img" in first
    table = w.output.outputs[1]["data"]["text/html"]
    assert "plain VADER" in table and "with the CX layer" in table
