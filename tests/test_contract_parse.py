"""Dates and numbers: the fast readings by Arrow give what pandas gives, value for value."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cxlab.contract._parse import _strict_iso, parse_dates, parse_numbers

#: What the contract accepts as ISO 8601 before pandas reads it (a date first, then a time).
ISO_START = re.compile(r"\d{4}-\d{1,2}-\d{1,2}(?:$|[ T]\d)")


def pandas_reading(values: list[str | None]) -> pd.Series:
    """The reference: pandas' own ISO 8601 parser on the values that start like a date."""
    text = pd.Series(values, dtype="str")
    kept = text.where(text.map(lambda v: isinstance(v, str) and bool(ISO_START.match(v))))
    parsed = pd.to_datetime(kept, format="ISO8601", errors="coerce", utc=True)
    return parsed.dt.tz_localize(None).astype("datetime64[us]")


PLAIN = [
    "2024-01-02",
    "2024-01-02T10:11:12",
    "2024-01-02 10:11:12",
    "2024-01-02T10:11",
    "2024-01-02T10",
    "2024-01-02T10:11:12.5",
    "2024-01-02T10:11:12.123456",
    "1900-01-01",
    "2024-02-29",
]
#: Values Arrow does not read as a whole column; pandas reads some of them, rejects others.
OTHERS = [
    "2024-1-2",
    "2024-01-02T10:11:12Z",
    "2024-01-02T10:11:12+01:00",
    "2024-01-02T10:11:12-05",
    "2024-01-02T10:11:12.123456789",
    "2024-02-30",
    "2023-02-29",
    "2024-01-02T24:00:00",
    "20240102",
    "2024-01-02 ",
    "soon",
    "31/12/2024",
]


def test_plain_iso_values_are_read_by_arrow_as_pandas_reads_them() -> None:
    values = [*PLAIN, None]
    fast = _strict_iso(pd.Series(values, dtype="str"))
    assert fast is not None, "Arrow reads plain ISO 8601"
    pd.testing.assert_series_equal(fast, pandas_reading(values), check_names=False)


def test_values_keep_their_rows_whatever_the_index() -> None:
    """A table's rows are numbered from the line below the header, not from 0."""
    rows = range(2, 2 + len(PLAIN))
    text = pd.Series(PLAIN, index=rows, dtype="str")
    result = parse_dates(text)
    assert list(result.values.index) == list(rows)
    assert result.values.tolist() == pandas_reading(PLAIN).tolist()
    assert not result.bad.any()


@pytest.mark.parametrize("odd", OTHERS)
def test_one_value_arrow_refuses_sends_the_column_the_old_way(odd: str) -> None:
    values = [*PLAIN, odd]
    assert _strict_iso(pd.Series(values, dtype="str")) is None
    result = parse_dates(pd.Series(values, dtype="str"))
    expected = pandas_reading(values)
    if pd.isna(expected.iloc[-1]):  # pandas rejects it: then it is reported as bad (or inferred)
        assert result.bad.iloc[-1] or result.format is not None
    else:
        assert result.values.iloc[-1] == expected.iloc[-1]
    pd.testing.assert_series_equal(
        result.values.iloc[:-1], expected.iloc[:-1], check_names=False, check_index=False
    )


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.datetimes(
                min_value=pd.Timestamp("1900-01-01").to_pydatetime(),
                max_value=pd.Timestamp("2100-12-31").to_pydatetime(),
            ),
            st.sampled_from(["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H"]),
            st.booleans(),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_any_plain_iso_column_reads_the_same_instants(rows) -> None:
    values = [None if missing else moment.strftime(fmt) for moment, fmt, missing in rows]
    fast = _strict_iso(pd.Series(values, dtype="str"))
    assert fast is not None
    pd.testing.assert_series_equal(fast, pandas_reading(values), check_names=False)
    result = parse_dates(pd.Series(values, dtype="str"))
    assert not result.bad.any() and result.format is None


def test_a_large_timestamp_column_with_one_bad_value_still_names_its_row() -> None:
    stamps = pd.date_range("2024-01-01", periods=50_000, freq="min").strftime("%Y-%m-%dT%H:%M:%S")
    values = list(stamps)
    values[31_337] = "2024-13-01T00:00:00"
    result = parse_dates(pd.Series(values, dtype="str"))
    assert result.bad.sum() == 1 and bool(result.bad.iloc[31_337])
    assert result.values.iloc[0] == pd.Timestamp("2024-01-01")


#: Texts as a client's export may hold them in a number column, odd ones included.
NUMBER_TEXTS = [
    "1", "1.5", "-1.5", "+1.5", ".5", "5.", "1e5", "1E-5", "1.e5", "00012", "1e999", "nan",
    "inf", "-inf", "Infinity", "0x10", "1_000", "1.5.5", "--1", "+", "1d5", "0b1", "١٢",
    "12.345678901234567890",
]  # fmt: skip


@pytest.mark.parametrize("text", NUMBER_TEXTS)
def test_a_number_reads_as_pandas_reads_it_alone_and_among_plain_numbers(text: str) -> None:
    expected = pd.to_numeric(pd.Series([text], dtype="str"), errors="coerce").iloc[0]
    for column in ([text], ["12.50", text, "-3"]):
        values, bad = parse_numbers(pd.Series(column, dtype="str"))
        got = values.iloc[column.index(text)]
        if np.isfinite(expected):
            assert got == expected and not bad.iloc[column.index(text)]
        else:  # missing, infinite or not a number: reported, never kept
            assert np.isnan(got) and bad.iloc[column.index(text)]


#: Cells padded with spaces, and the ways exports write "no value", some padded too.
PADDED = (
    "response_id,date,csat,comment\n"
    "R1, 2024-03-01 , 4 ,  Quick and kind \n"
    "R2,2024-03-02,N/A,NA\n"
    "R3,2024-03-03, null ,\u00a0n/a\u00a0\n"
    "R4,2024-03-04,,#N/A\n"
    "R5,2024-03-05,5,Café crème  \n"
)


def test_padding_and_missing_markers_read_alike_by_either_csv_reader(make_bundle) -> None:
    """UTF-8 files go through Arrow's reader and kernels, others through pandas' C parser."""
    import cxlab

    utf8 = cxlab.load_bundle(make_bundle({"responses.csv": PADDED}))
    other = cxlab.load_bundle(make_bundle({"responses.csv": PADDED}, encoding="cp1252"))
    for bundle in (utf8, other):
        r = bundle.responses
        assert r["csat"].tolist() == [4, pd.NA, pd.NA, pd.NA, 5]
        assert r["comment"].iloc[0] == "Quick and kind" and r["comment"].iloc[4] == "Café crème"
        assert r["comment"].iloc[1:4].isna().all()
        assert r["date"].iloc[0] == pd.Timestamp("2024-03-01")
    pd.testing.assert_frame_equal(utf8.responses, other.responses)
