"""cxlab.headlines: what a chapter publishes is plain JSON, shown once, and found by the runner."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest

from cxlab.headlines import MIMETYPE, Headlines, collect, publish, to_json


class _Score:
    def to_dict(self):
        return {
            "value": np.float64(31.5),
            "low": 20.0,
            "high": np.float64("nan"),
            "n": np.int64(88),
        }


def test_values_become_plain_json():
    data = to_json(
        {
            "count": np.int64(3),
            "share": np.float32(0.5),
            "flag": np.bool_(True),
            "missing": float("inf"),
            "when": pd.Timestamp("2024-05-01"),
            "day": dt.date(2024, 5, 2),
            "month": pd.Period("2024-05", "M"),
            "series": pd.Series({"a": np.int64(1)}),
            "items": (np.int64(1), "two"),
            "score": _Score(),
        }
    )
    assert data == {
        "count": 3,
        "share": 0.5,
        "flag": True,
        "missing": None,
        "when": "2024-05-01T00:00:00",
        "day": "2024-05-02",
        "month": "2024-05",
        "series": {"a": 1},
        "items": [1, "two"],
        "score": {"value": 31.5, "low": 20.0, "high": None, "n": 88},
    }
    json.dumps(data, allow_nan=False)  # raises if anything non-JSON slipped through


@pytest.mark.parametrize(
    ("value", "where"), [({"df": pd.DataFrame({"a": [1]})}, "headlines.df"), ({1: 2}, "keys")]
)
def test_unpublishable_values_are_refused_by_name(value, where):
    with pytest.raises(TypeError, match=where):
        publish(value, display=False)


def test_publish_shows_the_numbers_once(capsys):
    assert publish({"nps": 12.5, "n": 40}) is None
    out = capsys.readouterr().out
    assert out.count("Headline numbers") == 1
    assert "nps: 12.5" in out and "n: 40" in out


def test_the_display_carries_json_html_and_text():
    bundle = Headlines(
        {"nps": 12.5, "worst": {"touchpoint": "checkout", "csat": 61.0}}
    )._repr_mimebundle_()
    assert json.loads(bundle[MIMETYPE]) == {
        "nps": 12.5,
        "worst": {"touchpoint": "checkout", "csat": 61.0},
    }
    assert "<caption>Headline numbers</caption>" in bundle["text/html"]
    assert "touchpoint checkout, csat 61" in bundle["text/plain"]


def test_collect_merges_outputs_in_order_and_ignores_the_rest():
    outputs = [
        {"output_type": "stream", "text": "hello"},
        {"output_type": "display_data", "data": {MIMETYPE: {"a": 1, "b": 1}}},
        {"output_type": "display_data", "data": {"text/plain": "x"}},
        {"output_type": "display_data", "data": {MIMETYPE: json.dumps({"b": 2})}},
    ]
    assert collect(outputs) == {"a": 1, "b": 2}
    assert collect([]) == {}


def test_nested_numbers_read_as_text_not_python_literals():
    text = repr(Headlines({"top": [{"driver": "speed", "weight": 41.23}, {"driver": "price"}]}))
    assert "top: driver speed, weight 41.23; driver price" in text
    assert "{" not in text


def test_missing_values_are_published_as_null():
    shown = publish(
        {"orders": pd.NA, "first_date": pd.NaT, "revenue": None, "share": float("nan")},
        display=False,
    )
    assert shown.data == {"orders": None, "first_date": None, "revenue": None, "share": None}
    assert json.loads(shown._repr_mimebundle_()[MIMETYPE])["orders"] is None


def test_a_missing_value_shows_as_not_available_with_its_reason():
    shown = publish(
        {"customers": 4, "orders": pd.NA, "events": None},
        notes={"orders": "the data has <no> transactions table"},
        display=False,
    )
    text = repr(shown)
    assert "orders: not available, because the data has <no> transactions table" in text
    assert "events: not available" in text and "customers: 4" in text
    html_table = shown._repr_mimebundle_()["text/html"]
    assert "because the data has &lt;no&gt; transactions table" in html_table
    assert "notes" not in json.loads(shown._repr_mimebundle_()[MIMETYPE])
