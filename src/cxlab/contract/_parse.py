"""Vectorised parsing of raw cell values into numbers, dates and booleans.

Each parser returns the parsed values together with a boolean mask of the cells that were present
but could not be parsed, so the caller can report the exact raw values and their rows. Nothing
here loops over rows in Python; the loops are over a handful of candidate formats.

Date inference is written here rather than left to ``pd.to_datetime`` without a format: pandas
guesses from the first value only and warns when it cannot, and day-first versus month-first must
be decided from the whole column, then reported when the column cannot tell them apart.

Plain decimal numbers in Arrow-backed text are converted by Arrow's cast (:func:`_to_float`)
rather than ``pd.to_numeric``, which first turns every cell into a Python string: on a client
with a million transactions that was about 2 of the seconds validation took. Only a column whose
every value Arrow reads takes that path (Arrow reads a subset of what pandas reads, each value
alike); anything else goes to ``pd.to_numeric``, so what counts as a number does not change.
Dates take the same route: Arrow's cast reads the plainest ISO 8601 (a tenth of the time of the
regex check and ``pd.to_datetime``), and a column holding anything else is parsed as before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cxlab.contract._spec import BOOL_FALSE, BOOL_TRUE

__all__ = [
    "DATE_FORMATS",
    "SENTINEL_DAYS",
    "DateResult",
    "as_text",
    "boolean_values",
    "date_hint",
    "id_text",
    "implausible_dates",
    "number_hint",
    "parse_bool",
    "parse_dates",
    "parse_numbers",
    "to_int",
]

#: Formats tried, in order, when a date column is not ISO 8601 and no format is declared.
#: Day-first comes before month-first: cxlab's default audience writes 31/12/2024.
DATE_FORMATS: tuple[str, ...] = (
    "%d.%m.%Y",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%y",
    "%d/%m/%Y",
    "%m/%d/%Y",
    "%d/%m/%Y %H:%M",
    "%m/%d/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %I:%M %p",
    "%d/%m/%y",
    "%m/%d/%y",
    "%Y/%m/%d",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%d-%m-%Y",
    "%m-%d-%Y",
    "%d %b %Y",
    "%d %B %Y",
    "%b %d, %Y",
    "%B %d, %Y",
    "%d-%b-%Y",
)
#: Days that stand for "no date" rather than a real one: what spreadsheets show for an empty or
#: zero date cell (day 0 or 1 of Excel's 1900 date system, and 1899-12-30, the zero of Excel's
#: and LibreOffice's serial numbers) and the Unix epoch (1970-01-01, or 1969-12-31 where a time
#: zone west of Greenwich shifts it), which systems write for a zero timestamp.
SENTINEL_DAYS: tuple[str, ...] = (
    "1899-12-30",
    "1899-12-31",
    "1900-01-01",
    "1969-12-31",
    "1970-01-01",
)
#: Texts that are a boolean written out, as CSV and database exports write them.
_BOOLEAN_WORDS = ("true", "false", "t", "f")
_SAMPLE = 500
_MAX_INT = 2**53
_ISO = r"\d{4}-\d{1,2}-\d{1,2}(?:$|[ T]\d)"
_CURRENCY = re.compile(r"[€$£¥₹]|\b(?:EUR|USD|GBP|CHF|SEK|NOK|DKK|PLN|kr)\b", re.IGNORECASE)


def as_text(s: pd.Series) -> pd.Series:
    """Any column as ``str`` values, integral floats without ``.0`` (ids, recoding)."""
    if pd.api.types.is_string_dtype(s.dtype) and s.dtype != object:
        return s
    if pd.api.types.is_float_dtype(s.dtype):
        integral = s.notna() & np.isfinite(s) & (s % 1 == 0) & (s.abs() < _MAX_INT)
        out = s.astype("str")
        out[integral] = s[integral].astype("int64").astype("str")
        return out
    return s.astype("str")


def id_text(s: pd.Series) -> pd.Series:
    """Write identifiers as text; float-looking whole numbers lose their ``.0``.

    ``12345.0`` becomes ``12345``. Spreadsheets and data frames that held a column of numbers
    with gaps write whole numbers as floats, so a customer number arrives as ``12345.0`` in one
    file and ``12345`` in another. Other ids (``C-12.0``, ``1.5``) are kept as written.

    Examples
    --------
    >>> id_text(pd.Series(["12345.0", "C-12.0", "017.00", None, "1.5"])).tolist()
    ['12345', 'C-12.0', '017', nan, '1.5']
    >>> id_text(pd.Series([12345.0, None])).tolist()
    ['12345', nan]
    """
    text = as_text(s)
    if not pd.api.types.is_string_dtype(text.dtype) or text.dtype == object:
        text = text.astype("str")
    dotted = text.str.endswith(".0").fillna(False) | text.str.endswith(".00").fillna(False)
    if not dotted.any():
        return text
    floaty = text.str.fullmatch(r"[+-]?\d+\.0+").fillna(False).astype(bool)
    if floaty.any():
        text = text.copy()
        text[floaty] = text[floaty].str.replace(r"\.0+$", "", regex=True)
    return text


def parse_numbers(s: pd.Series, decimal: str = ".") -> tuple[pd.Series, pd.Series]:
    """Parse numbers written as text with ``decimal`` as separator (thousands groups allowed).

    Parameters
    ----------
    s : pandas.Series
        Raw values (text, or already numeric for Parquet columns).
    decimal : {".", ","}
        The decimal separator.

    Returns
    -------
    values : pandas.Series of float64
        NaN where missing or not a number.
    bad : pandas.Series of bool
        Present but not a finite number. Booleans (a boolean column from Parquet, or the texts
        ``true``/``false``) are not numbers: they are never read as 1 and 0.

    Examples
    --------
    >>> values, bad = parse_numbers(pd.Series(["1.234,50", "12,5", "€3", None]), ",")
    >>> values.tolist()[:2], bad.tolist()
    ([1234.5, 12.5], [False, False, True, False])
    >>> parse_numbers(pd.Series([True, False]))[1].tolist()
    [True, True]
    """
    if pd.api.types.is_bool_dtype(s.dtype):
        present = s.notna().astype(bool)
        return pd.Series(np.nan, index=s.index, dtype="float64"), present
    if pd.api.types.is_numeric_dtype(s.dtype):
        values = s.astype("float64")
        bad = values.notna() & ~np.isfinite(values.fillna(0.0))
        return values.where(~bad), bad
    text = as_text(s)
    present = text.notna()
    other = "," if decimal == "." else "."
    if decimal == ".":
        simple = text
    else:
        simple = text.where(~text.str.contains(".", regex=False)).str.replace(",", ".", regex=False)
    values = _to_float(simple)
    failed = present & values.isna()
    if failed.any():
        group = re.escape(other) + r"|[' \u00a0\u202f]"
        grouped = rf"[+-]?\d{{1,3}}(?:(?:{group})\d{{3}})+(?:{re.escape(decimal)}\d+)?"
        candidates = text[failed]
        ok = candidates.str.fullmatch(grouped).fillna(False).astype(bool)
        if ok.any():
            cleaned = candidates[ok].str.replace(group, "", regex=True)
            cleaned = cleaned.str.replace(decimal, ".", regex=False)
            values[cleaned.index] = pd.to_numeric(cleaned, errors="coerce").astype("float64")
    bad = present & (values.isna() | ~np.isfinite(values.fillna(0.0)))
    return values.where(~bad), bad


def _to_float(text: pd.Series) -> pd.Series:
    """``pd.to_numeric(text, errors="coerce")`` as float64, by Arrow when it reads every value.

    Arrow's cast reads a subset of what pandas reads (plain decimals with an optional exponent,
    ``nan`` and ``inf``, which the caller reports as not finite), each value as pandas does, and
    refuses the column as a whole for anything else (``1_000``, ``0x10``, ``€3``); that column
    goes to ``pd.to_numeric``.
    """
    if isinstance(text.array, pd.arrays.ArrowStringArray):
        import pyarrow as pa
        import pyarrow.compute as pc

        try:
            floats = pc.cast(pa.array(text.array), pa.float64()).to_numpy(zero_copy_only=False)
            return pd.Series(floats, index=text.index, dtype="float64")
        except pa.ArrowInvalid:
            pass
    return pd.to_numeric(text, errors="coerce").astype("float64")


def boolean_values(s: pd.Series) -> pd.Series:
    """Mark the cells that hold a boolean: a boolean dtype, or the texts true/false/t/f.

    Excel's TRUE and FALSE cells arrive as the texts ``true`` and ``false``; Parquet keeps a
    boolean dtype; CSV and database exports write ``TRUE``, ``False`` or ``t``/``f``.

    Parameters
    ----------
    s : pandas.Series
        Raw values.

    Returns
    -------
    pandas.Series of bool

    Examples
    --------
    >>> boolean_values(pd.Series(["TRUE", "12.5", "f", None])).tolist()
    [True, False, True, False]
    """
    if pd.api.types.is_bool_dtype(s.dtype):
        return s.notna().astype(bool)
    if pd.api.types.is_numeric_dtype(s.dtype) or pd.api.types.is_datetime64_any_dtype(s.dtype):
        return pd.Series(False, index=s.index)
    text = as_text(s).str.strip().str.casefold()
    return text.isin(_BOOLEAN_WORDS).fillna(False).astype(bool)


def implausible_dates(values: pd.Series, floor: object) -> tuple[pd.Series, pd.Series]:
    """Mark dates that stand for "no date": the :data:`SENTINEL_DAYS`, and days before ``floor``.

    Parameters
    ----------
    values : pandas.Series of datetime64
        Parsed dates.
    floor : date-like
        The earliest plausible day (``date_floor`` in cxlab.yml).

    Returns
    -------
    sentinel, early : pandas.Series of bool
        On one of the sentinel days; before the floor (and not a sentinel).

    Examples
    --------
    >>> text = ["1900-01-01", "1931-05-02", "1970-01-01 01:00", "2024-03-01", None]
    >>> days = pd.Series(pd.to_datetime(text, format="ISO8601"))
    >>> sentinel, early = implausible_dates(days, "1950-01-01")
    >>> sentinel.tolist(), early.tolist()
    ([True, False, True, False, False], [False, True, False, False, False])
    """
    day = values.dt.normalize()
    sentinel = day.isin(pd.to_datetime(list(SENTINEL_DAYS))).fillna(False).astype(bool)
    early = (values < pd.Timestamp(floor)).fillna(False).astype(bool) & ~sentinel
    return sentinel, early


def number_hint(bad_values: list[object], decimal: str, *, currency: str = "EUR") -> str:
    """Suggest a concrete fix for numbers that did not parse, judged from a few of them."""
    texts = [str(v) for v in bad_values if v is not None]
    if any(_CURRENCY.search(t) for t in texts):
        return (
            "remove currency symbols and codes: amounts are plain numbers such as 12.50, in the "
            f"currency set by 'currency:' in cxlab.yml (now {currency})"
        )
    if decimal == "." and any(re.fullmatch(r"[+-]?\d+(?:\.\d{3})*,\d+", t) for t in texts):
        return (
            'these numbers use a comma as decimal separator: declare decimal: "," for this '
            "table under 'tables:' in cxlab.yml"
        )
    if decimal == "," and any(re.fullmatch(r"[+-]?\d+(?:,\d{3})*\.\d+", t) for t in texts):
        return (
            'these numbers use a point as decimal separator, but decimal: "," is declared; '
            "remove it from cxlab.yml or fix the values"
        )
    if any(re.fullmatch(r"\(\s*[\d.,]+\s*\)", t) for t in texts):
        return "write negative numbers with a minus sign (-12.50), not in parentheses"
    if any(t.lower() in ("inf", "-inf", "infinity") for t in texts):
        return "replace infinite values with the real number, or leave the cell empty"
    sep = "12,50" if decimal == "," else "12.50"
    return f"write plain numbers such as {sep}, without units or text; leave unknown values empty"


def to_int(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Whole numbers as ``Int64``; also return the mask of non-integer values (e.g. 7.5).

    Examples
    --------
    >>> ints, frac = to_int(pd.Series([7.0, 7.5, np.nan]))
    >>> ints.tolist(), frac.tolist()
    ([7, <NA>, <NA>], [False, True, False])
    """
    present = values.notna()
    fractional = present & ((values % 1 != 0) | (values.abs() >= _MAX_INT))
    ints = values.where(present & ~fractional).round().astype("Int64")
    return ints, fractional


@dataclass
class DateResult:
    """Parsed dates and what parsing learned."""

    values: pd.Series  # datetime64[us], NaT where missing or unparsable
    bad: pd.Series  # present but unparsable
    format: str | None  # the inferred (or declared) format, None for ISO 8601
    ambiguous: str | None = None  # the other reading when day and month could not be told apart


def _strict_iso(text: pd.Series) -> pd.Series | None:
    """Parse the column with Arrow's cast to a timestamp; None when Arrow refuses any value.

    Arrow parses the plainest ISO 8601 (``2024-01-02``, then ``T`` or a space and ``hh``,
    ``hh:mm``, ``hh:mm:ss`` or ``hh:mm:ss.ffffff``, no zone) in compiled code, about a tenth of
    the time of the regex check and ``pd.to_datetime`` below: 0.03 s against 0.3 s for a million
    event timestamps. It refuses everything else (``2024-1-2``, a zone offset, nanoseconds,
    ``2024-02-30``, a trailing space), and then the column goes the way it always went, so the
    values and the problems reported do not change; where Arrow accepts a value it reads the same
    instant as pandas (``tests/test_contract_parse.py``).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        stamps = pc.cast(pa.array(text.array), pa.timestamp("us"))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, TypeError):
        return None
    values = stamps.to_numpy(zero_copy_only=False)  # by position: the index holds row numbers
    return pd.Series(values, index=text.index, name=text.name, dtype="datetime64[us]")


def _to_datetime(text: pd.Series, fmt: str) -> pd.Series:
    if fmt == "ISO8601":
        fast = _strict_iso(text)
        if fast is not None:
            return fast
        # pandas' ISO parser also takes "2024" or "2024.01.12"; keep it strict
        text = text.where(text.str.match(_ISO).fillna(False).astype(bool))
    parsed = pd.to_datetime(text, format=fmt, errors="coerce", utc=True)
    return parsed.dt.tz_localize(None).astype("datetime64[us]")


def parse_dates(s: pd.Series, fmt: str | None = None) -> DateResult:
    """Parse a date column: the declared format, else ISO 8601, else an inferred format.

    ISO 8601 values are always accepted (Excel date cells arrive in that form even when the
    text cells of the same column use the declared format). Times with a UTC offset are
    converted to UTC and stored without a time zone.

    Parameters
    ----------
    s : pandas.Series
        Raw values, or a datetime column from Parquet.
    fmt : str, optional
        A ``strftime`` format declared under ``dates:`` in cxlab.yml.

    Returns
    -------
    DateResult

    Examples
    --------
    >>> r = parse_dates(pd.Series(["31.12.2024", "01.02.2025", "soon"]))
    >>> r.format, r.values.iloc[:2].dt.month.tolist(), r.bad.tolist()
    ('%d.%m.%Y', [12, 2], [False, False, True])
    """
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        values = s
        if getattr(s.dt, "tz", None) is not None:
            values = s.dt.tz_convert("UTC").dt.tz_localize(None)
        return DateResult(values.astype("datetime64[us]"), pd.Series(False, index=s.index), None)
    text = as_text(s)
    present = text.notna()
    if fmt:
        values = _to_datetime(text, fmt)
        rest = present & values.isna()
        if rest.any():
            values[rest] = _to_datetime(text[rest], "ISO8601")
        return DateResult(values, present & values.isna(), fmt)
    values = _to_datetime(text, "ISO8601")
    rest = present & values.isna()
    if not rest.any():
        return DateResult(values, rest, None)
    sample = pd.Series(text[rest].unique()[:_SAMPLE], dtype="str")
    scores = [int(_to_datetime(sample, f).notna().sum()) for f in DATE_FORMATS]
    best = int(np.argmax(scores))
    if scores[best] == 0:
        return DateResult(values, rest, None)
    chosen = DATE_FORMATS[best]
    values[rest] = _to_datetime(text[rest], chosen)
    swapped = chosen.replace("%d", "\0").replace("%m", "%d").replace("\0", "%m")
    ambiguous = None
    if swapped != chosen and swapped in DATE_FORMATS:
        if scores[DATE_FORMATS.index(swapped)] == scores[best]:
            ambiguous = swapped
    return DateResult(values, present & values.isna(), chosen, ambiguous)


def date_hint(bad_values: list[object], table: str, column: str, fmt: str | None) -> str:
    """Suggest a fix for dates that did not parse, with a format guessed from the values."""
    texts = [str(v) for v in bad_values if v is not None]
    if fmt:
        return (
            f"these values do not match the declared format {fmt!r} (dates.{table}.{column} "
            "in cxlab.yml); fix the values or the format"
        )
    if texts and all(re.fullmatch(r"\d{4,5}(?:\.\d+)?", t) for t in texts):
        return (
            "these look like Excel day numbers: format the column as a date in Excel before "
            "exporting"
        )
    guess = None
    for t in texts:
        for f in DATE_FORMATS:
            if _to_datetime(pd.Series([t], dtype="str"), f).notna().all():
                guess = f
                break
        if guess:
            break
    example = guess or "%d/%m/%Y"
    return (
        f"write dates as 2024-12-31, or declare their format in cxlab.yml: "
        f'dates: {{{table}: {{{column}: "{example}"}}}}'
    )


def parse_bool(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse true/false, yes/no, y/n, 1/0 (any case) into the nullable ``boolean`` dtype.

    Examples
    --------
    >>> values, bad = parse_bool(pd.Series(["Yes", "n", "TRUE", "maybe", None]))
    >>> values.tolist(), bad.tolist()
    ([True, False, True, <NA>, <NA>], [False, False, False, True, False])
    """
    if pd.api.types.is_bool_dtype(s.dtype):
        return s.astype("boolean"), pd.Series(False, index=s.index)
    text = as_text(s).str.casefold()
    true, false = text.isin(BOOL_TRUE), text.isin(BOOL_FALSE)
    values = pd.Series(pd.NA, index=s.index, dtype="boolean")
    values[true] = True
    values[false] = False
    bad = text.notna() & ~true & ~false
    return values, bad
