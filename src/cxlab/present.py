"""Presentation for readers: numbers, labels and tables as a client reads them.

One place decides how a number looks in a report or a notebook table, so every chapter says it
the same way: thousands separators (``318,956``), shares as percentages (``19%``), a score with
its interval and the answers it rests on (``27 (22 to 32), n = 907``), p-values that never show
as ``0.000`` (``< 0.001``), dates as dates (``1 Jan 2024``), booleans as words, missing values
as a dash, and column names in words (``p_adjusted`` → ``p (Holm-adjusted)``, ``nps_low`` →
``NPS low``). :func:`table` applies all of it to a DataFrame and leaves out the index column;
with ``min_n`` it blanks rows resting on too few answers and says so under the table.

Everything here only formats: it computes no statistic. Client text inside a table is escaped
when the table becomes HTML.

Examples
--------
>>> score(27.12, 22.28, 31.79, 907)
'27 (22 to 32), n = 907'
>>> label("p_adjusted"), label("nps_low"), label("share_of_revenue")
('p (Holm-adjusted)', 'NPS low', 'Share of revenue')
>>> number(318955.77), percent(0.1913), p_value(2.3e-31)
('318,956', '19%', '< 0.001')
"""

from __future__ import annotations

import datetime as dt
import html
import math
import numbers
import re
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "DASH",
    "LABELS",
    "Table",
    "boolean",
    "date",
    "is_money_name",
    "is_p_name",
    "label",
    "level",
    "money",
    "number",
    "p_phrase",
    "p_value",
    "percent",
    "period",
    "score",
    "signed",
    "table",
    "term",
    "value",
]

#: What a missing value shows as.
DASH = "–"

#: Column and key names whose words a generic rule would get wrong.
LABELS: dict[str, str] = {
    "p": "p",
    "p_value": "p",
    "p_adjusted": "p (Holm-adjusted)",
    "n": "n",
    "k": "Number of segments",
    "r2": "R²",
    "sd": "Standard deviation",
    "diff": "Difference",
    "diff_low": "Difference low",
    "diff_high": "Difference high",
    "top20_revenue_share": "Revenue share of the top 20% of customers",
    "adjusted_rand_index": "Adjusted Rand index",
    "biggest_drop_off": "Biggest drop-off",
    "lcl": "Lower control limit",
    "ucl": "Upper control limit",
    "value_a": "Value (first)",
    "value_b": "Value (second)",
    "n_a": "n (first)",
    "n_b": "n (second)",
    "n_both": "Baskets with both",
    "nps": "NPS",
    "csat": "CSAT",
    "ces": "CES",
    "follow_ups": "Follow-ups",
    "follow_up_value": "Value of the customers to follow up",
    "customers_with_action": "Customers with a next action",
    "actions_for_review": "Actions waiting for human review",
}

# Words written in capitals wherever they appear in a snake_case name.
_ACRONYMS = {"nps": "NPS", "csat": "CSAT", "ces": "CES", "rfm": "RFM", "clv": "CLV", "id": "ID"}
_ACRONYMS |= {"ci": "CI", "kpi": "KPI", "roi": "ROI", "aov": "AOV"}
_ACRONYMS |= {
    "cac": "CAC",
    "crc": "CRC",
    "bgnbd": "BG/NBD",
    "auc": "AUC",
    "tpr": "TPR",
    "fpr": "FPR",
}
# Names written the way their owners write them (a channel called "linkedin" in the data).
_ACRONYMS |= {"linkedin": "LinkedIn", "youtube": "YouTube", "tiktok": "TikTok"}
_MINUS = "−"
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")


def label(name: str) -> str:
    """Return a column or key name in words.

    Names in :data:`LABELS` take their entry; any other snake_case name becomes words with the
    first one capitalised and known abbreviations in capitals (``worst_touchpoint_csat`` →
    ``Worst touchpoint CSAT``). A name that already holds a space is left as written.

    Parameters
    ----------
    name : str
        The name.

    Returns
    -------
    str

    Examples
    --------
    >>> label("customer_id"), label("csat_high"), label("Already fine")
    ('Customer ID', 'CSAT high', 'Already fine')
    >>> label("price_per_unit vs all"), label("mean of nps_score")
    ('Price per unit vs all', 'mean of NPS score')
    >>> label("linkedin"), term("linkedin_ads")
    ('LinkedIn', 'LinkedIn ads')
    """
    name = str(name)
    if name in LABELS:
        return LABELS[name]
    if not name:
        return name
    if " " in name.strip():  # words already; only snake_case names inside become words
        return re.sub(
            r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b",
            lambda m: _inner(label(m.group(0))) if m.start() else label(m.group(0)),
            name,
        )
    words = [w for w in re.split(r"[_\s]+", name) if w]
    out = [_ACRONYMS.get(w.lower(), w.lower() if w.isupper() and len(w) > 1 else w) for w in words]
    first = out[0]
    if first not in _ACRONYMS.values() and first != "n":
        out[0] = first[:1].upper() + first[1:]
    return " ".join(out)


def term(name: str) -> str:
    """Return a column or key name in words for use inside a sentence.

    As :func:`label`, with the first letter in lower case unless it starts an abbreviation
    (``age_band`` → ``age band``, ``nps_score`` → ``NPS score``).

    Examples
    --------
    >>> term("age_band"), term("marketing_consent"), term("nps_score"), term("region")
    ('age band', 'marketing consent', 'NPS score', 'region')
    """
    return _inner(label(name))


def _inner(words: str) -> str:
    """Lower-case the first letter of a label used inside a sentence (not an abbreviation)."""
    first = words.split(" ", 1)[0]
    return words if first in _ACRONYMS.values() else words[:1].lower() + words[1:]


def _missing(x: Any) -> bool:
    if x is None or x is pd.NaT:
        return True
    if isinstance(x, float | np.floating):
        return not math.isfinite(float(x))
    try:
        return bool(pd.isna(x)) if np.ndim(x) == 0 else False
    except (TypeError, ValueError):
        return False


def _auto_digits(x: float) -> int:
    if float(x).is_integer() or abs(x) >= 10:
        return 0
    return 1 if abs(x) >= 1 else 2


def number(x: Any, digits: int | None = None) -> str:
    """Return a number with thousands separators and a true minus sign.

    Parameters
    ----------
    x : number or None
        The number; missing values (None, NaN) give :data:`DASH`.
    digits : int, optional
        Decimal places; by default none for whole numbers and numbers of 10 or more, one for
        numbers from 1 to 10, two below 1.

    Returns
    -------
    str

    Examples
    --------
    >>> number(1234567), number(762.0), number(-3.14159), number(0.1913), number(None)
    ('1,234,567', '762', '−3.1', '0.19', '–')
    >>> number(27.5, digits=0), number(-0.04, digits=1)
    ('28', '0.0')
    """
    if _missing(x):
        return DASH
    if isinstance(x, bool | np.bool_):
        return boolean(x)
    x = float(x)
    if digits is None:
        digits = _auto_digits(x)
    text = f"{x:,.{digits}f}"
    if text.startswith("-"):
        body = text[1:]
        return body if not body.strip("0.,") else _MINUS + body
    return text


def signed(x: Any, digits: int | None = None) -> str:
    """Return a change with its sign written out: ``+9.6``, ``−0.8`` (a true minus), ``0.0``.

    Parameters
    ----------
    x : number or None
        The change; missing values give :data:`DASH`.
    digits : int, optional
        Decimal places, as in :func:`number`.

    Examples
    --------
    >>> signed(9.6), signed(-0.8, digits=1), signed(-0.04, digits=1), signed(12), signed(None)
    ('+9.6', '−0.8', '0.0', '+12', '–')
    """
    text = number(x, digits)
    if text == DASH or text.startswith(_MINUS) or not text.strip("0.,"):
        return text
    return "+" + text


def level(x: Any) -> str:
    """Return a data value for a chart label or a sentence: booleans as *yes*/*no*.

    A value the client wrote (a touchpoint, a region) stays as written; ``True``/``False`` —
    as booleans or as the text ``"True"``/``"false"`` that a yes/no column becomes once counted
    — read *yes*/*no*, and a missing value is a dash.

    Examples
    --------
    >>> level(True), level("False"), level("true"), level("London"), level(None)
    ('yes', 'no', 'yes', 'London', '–')
    """
    if _missing(x):
        return DASH
    if isinstance(x, bool | np.bool_):
        return boolean(x)
    text = str(x)
    if text.lower() in ("true", "false"):
        return boolean(text.lower() == "true")
    return text


#: Words that make a column or key name an amount of money.
_MONEY_WORDS = frozenset(
    {"revenue", "spend", "sales", "monetary", "clv", "aov", "amount", "equity", "cac", "crc"}
)
#: Headline keys holding money whose words alone do not say so ("value" is often a score).
_MONEY_KEYS = frozenset({"contact_list_value", "follow_up_value"})


def is_money_name(key: str) -> bool:
    """Return whether a column or key name holds an amount of money.

    Examples
    --------
    >>> is_money_name("net_revenue"), is_money_name("mean_spend"), is_money_name("revenue_share")
    (True, True, False)
    >>> (
    ...     is_money_name("customer_equity"),
    ...     is_money_name("contact_list_value"),
    ...     is_money_name("value"),
    ... )
    (True, True, False)
    """
    if str(key).lower() in _MONEY_KEYS:
        return True
    words = str(key).lower().split("_")
    return bool(_MONEY_WORDS & set(words)) and not {"share", "rate"} & set(words)


def money(x: Any, currency: str = "", digits: int | None = None) -> str:
    """Return an amount of money with separators and its currency code after it.

    Examples
    --------
    >>> money(939044.51, "GBP"), money(-12.5, "EUR", digits=2), money(7.0), money(None, "GBP")
    ('939,045 GBP', '−12.50 EUR', '7', '–')
    """
    if _missing(x):
        return DASH
    text = number(x, digits)
    return f"{text} {currency}" if currency else text


def percent(x: Any, digits: int = 0) -> str:
    """Return a share (0 to 1) as a percentage.

    Examples
    --------
    >>> percent(0.5206), percent(0.0062, digits=1), percent(float("nan"))
    ('52%', '0.6%', '–')
    """
    if _missing(x):
        return DASH
    return number(100 * float(x), digits) + "%"


def p_value(p: Any) -> str:
    """Return a p-value as readers expect it: ``< 0.001`` below a thousandth, never ``0.000``.

    Two decimals from 0.01 up, three below.

    Examples
    --------
    >>> p_value(0.8746), p_value(0.0042), p_value(0.0004), p_value(None)
    ('0.87', '0.004', '< 0.001', '–')
    """
    if _missing(p):
        return DASH
    p = float(p)
    if p < 0.001:
        return "< 0.001"
    return f"{p:.3f}" if p < 0.01 else f"{p:.2f}"


def p_phrase(p: Any, *, name: str = "p") -> str:
    """Return a p-value for a sentence: ``p = 0.03`` or ``p < 0.001``.

    Parameters
    ----------
    p : number or None
        The p-value.
    name : str, default "p"
        What the value is called in the sentence (``"Holm-adjusted p"``).

    Examples
    --------
    >>> p_phrase(0.8746), p_phrase(2.3e-31), p_phrase(0.004, name="Holm-adjusted p")
    ('p = 0.87', 'p < 0.001', 'Holm-adjusted p = 0.004')
    >>> p_phrase(float("nan"))
    'p not available'
    """
    if _missing(p):
        return f"{name} not available"
    text = p_value(p)
    return f"{name} {text}" if text.startswith("<") else f"{name} = {text}"


def score(
    value: Any,
    low: Any = None,
    high: Any = None,
    n: Any = None,
    *,
    digits: int | None = None,
    share: bool = False,
) -> str:
    """Return a score with its interval and its number of answers.

    Parameters
    ----------
    value, low, high : number or None
        The estimate and its interval; a missing interval says so.
    n : int, optional
        The answers (or customers) it rests on.
    digits : int, optional
        Decimal places for the value and the interval; by default none from 10 up, one below,
        and more when the interval is narrower than that (an AUC of 0.81 from 0.79 to 0.84
        keeps two, rather than reading "0.8 (0.8 to 0.8)").
    share : bool, default False
        The numbers are shares from 0 to 1: show them as percentages.

    Returns
    -------
    str

    Examples
    --------
    >>> score(4.82, 4.73, 4.91, 1028)
    '4.8 (4.7 to 4.9), n = 1,028'
    >>> score(0.4106, 0.3863, 0.4353, 1549, share=True)
    '41% (39% to 44%), n = 1,549'
    >>> score(12.0, None, None, 3)
    '12 (no interval), n = 3'
    >>> score(0.8132, 0.7914, 0.8365, 1524)
    '0.81 (0.79 to 0.84), n = 1,524'
    """
    if _missing(value):
        return DASH
    if share:
        fmt = lambda v: percent(v, digits or 0)  # noqa: E731
    else:
        d = digits if digits is not None else _digits(value, low, high)
        fmt = lambda v: number(v, d)  # noqa: E731
    interval = "no interval" if _missing(low) or _missing(high) else f"{fmt(low)} to {fmt(high)}"
    text = f"{fmt(value)} ({interval})"
    return text if _missing(n) else f"{text}, n = {number(n, 0)}"


def _digits(value: Any, low: Any, high: Any) -> int:
    """Decimal places for a score: none from 10 up, one below, more for a narrow interval."""
    d = 0 if abs(float(value)) >= 10 else 1
    if not (_missing(low) or _missing(high)) and float(high) > float(low):
        d = max(d, min(3, math.ceil(-math.log10(float(high) - float(low)))))
    return d


def date(x: Any) -> str:
    """Return a date (or a timestamp) as a date a reader recognises.

    A time of day is kept only when it is not midnight.

    Examples
    --------
    >>> date("2024-01-01T00:00:00"), date(pd.Timestamp("2025-12-31 23:43:16")), date(pd.NaT)
    ('1 Jan 2024', '31 Dec 2025 23:43', '–')
    """
    if _missing(x):
        return DASH
    ts = pd.Timestamp(x)
    text = f"{ts.day} {ts.strftime('%b %Y')}"
    if (ts.hour, ts.minute, ts.second) != (0, 0, 0):
        text += ts.strftime(" %H:%M")
    return text


def period(x: Any) -> str:
    """Return a period (a quarter, a month, a year) as a reader says it.

    Examples
    --------
    >>> period(pd.Period("2025Q4")), period(pd.Period("2025-11", "M")), period(pd.Period("2025"))
    ('Q4 2025', 'Nov 2025', '2025')
    >>> period("2025Q3"), period("spring wave"), period(pd.NaT)
    ('Q3 2025', 'spring wave', '–')
    """
    if _missing(x):
        return DASH
    try:
        p = x if isinstance(x, pd.Period) else pd.Period(x)
    except (TypeError, ValueError):
        return str(x)
    kind = p.freqstr[0]
    if kind == "Q":
        return f"Q{p.quarter} {p.year}"
    if kind == "M":
        return p.strftime("%b %Y")
    if kind in "YA":
        return str(p.year)
    return str(p)


def boolean(x: Any, *, yes: str = "yes", no: str = "no") -> str:
    """Return a boolean as a word.

    Examples
    --------
    >>> boolean(True), boolean(np.False_), boolean(None)
    ('yes', 'no', '–')
    """
    if _missing(x):
        return DASH
    return yes if bool(x) else no


def is_p_name(key: str) -> bool:
    """Return whether a (lower-case) column or key name holds p-values.

    Examples
    --------
    >>> is_p_name("p_adjusted"), is_p_name("promoters")
    (True, False)
    """
    return key in ("p", "pvalue") or key.startswith("p_")


def value(x: Any, *, name: str = "") -> str:
    """Return any single value as text, choosing the form from its type and its name.

    Booleans become words, dates and ISO date strings dates, numbers get separators (shares —
    names holding ``share`` or ``rate`` with a value from 0 to 1 — become percentages, p-value
    names use :func:`p_value`), lists become comma-separated words, and missing values a dash.

    Examples
    --------
    >>> value(True), value("2024-03-01"), value(0.25, name="share_of_revenue")
    ('yes', '1 Mar 2024', '25%')
    >>> value(0.0004, name="p_adjusted"), value(["checkout", "support"]), value(318955.77)
    ('< 0.001', 'checkout, support', '318,956')
    """
    if _missing(x):
        return DASH
    if isinstance(x, bool | np.bool_):
        return boolean(x)
    if isinstance(x, pd.Timestamp | dt.datetime | dt.date | np.datetime64):
        return date(x)
    if isinstance(x, str):
        return date(x) if _ISO.match(x) else x
    if isinstance(x, numbers.Number):
        key = name.lower()
        if is_p_name(key):
            return p_value(x)
        if ("share" in key or "rate" in key) and 0 <= float(x) <= 1:
            return percent(x)
        return number(x)
    if isinstance(x, list | tuple):
        return ", ".join(value(v) for v in x)
    return str(x)


class Table:
    """A table formatted for readers; shows as HTML without an index column.

    Made by :func:`table`. ``frame`` holds the formatted text, ``note`` the sentence shown
    under the table (empty when there is nothing to say).
    """

    def __init__(self, frame: pd.DataFrame, note: str = ""):
        self.frame = frame
        self.note = note

    def to_html(self) -> str:
        """Return the table as an HTML fragment, every cell escaped."""
        head = "".join(f"<th>{html.escape(str(c))}</th>" for c in self.frame.columns)
        rows = []
        for row in self.frame.itertuples(index=False):
            rows.append("<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>")
        note = f"<p class='cxlab-note'>{html.escape(self.note)}</p>" if self.note else ""
        return (
            f"<table class='cxlab-table'><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>{note}"
        )

    def _repr_html_(self) -> str:
        return self.to_html()

    def __repr__(self) -> str:
        text = self.frame.to_string(index=False)
        return text + (f"\n{self.note}" if self.note else "")


def table(
    df: pd.DataFrame,
    *,
    labels: Mapping[str, str] | None = None,
    percent_columns: Iterable[str] = (),
    digits: Mapping[str, int] | None = None,
    min_n: int | None = None,
    n_column: str = "n",
    intervals: Mapping[str, tuple[str, str, str]] | None = None,
    transpose: bool = False,
) -> Table:
    """Format a DataFrame for readers.

    A meaningful index (a named one, or any index that is not 0, 1, 2, ...) becomes the first
    column; the row numbers of a plain index are left out. Each column is formatted by
    :func:`value` (its name guides percentages and p-values), and its name goes through
    :func:`label` unless ``labels`` names it.

    Parameters
    ----------
    df : pandas.DataFrame
        The table.
    labels : mapping, optional
        Column headings that replace the generic ones.
    percent_columns : iterable of str
        Columns holding shares (0 to 1) to show as percentages whatever their name.
    digits : mapping of str to int, optional
        Decimal places for given numeric columns.
    min_n : int, optional
        Suppress small cells: rows whose ``n_column`` is below ``min_n`` keep their text
        columns, show a dash in every numeric column, and a note under the table says how many
        rows and why.
    n_column : str, default "n"
        The column holding each row's number of answers.
    intervals : mapping of str to (str, str, str), optional
        Scores to show in one column each, as ``24 (19 to 29)``: the new heading and the
        columns holding the value, the low and the high end of its interval. The three columns
        are replaced by the new one where the value column stood; a value column listed in
        ``percent_columns`` reads as percentages.
    transpose : bool, default False
        Show each row of ``df`` as a column (a wide table with few rows fits the page better
        this way). Every column is formatted first; its label then heads a row.

    Returns
    -------
    Table

    Raises
    ------
    KeyError
        If ``min_n`` is given and ``n_column`` is not a column of ``df``.

    Examples
    --------
    >>> df = pd.DataFrame(
    ...     {
    ...         "touchpoint": ["checkout", "delivery"],
    ...         "csat": [23.53, 71.2],
    ...         "n": [272, 4],
    ...         "p_adjusted": [0.0002, 0.31],
    ...     }
    ... )
    >>> t = table(df, min_n=10)
    >>> list(t.frame.columns)
    ['Touchpoint', 'CSAT', 'n', 'p (Holm-adjusted)']
    >>> t.frame.values.tolist()
    [['checkout', '24', '272', '< 0.001'], ['delivery', '–', '4', '–']]
    >>> t.note
    'One row rests on fewer than 10 answers; its numbers are not shown.'
    >>> df["low"], df["high"] = [18.88, 40.0], [28.92, 95.0]
    >>> table(df, intervals={"CSAT": ("csat", "low", "high")}).frame["CSAT"].tolist()
    ['24 (19 to 29)', '71 (40 to 95)']
    >>> table(df.set_index("touchpoint")[["n"]], transpose=True).frame.values.tolist()
    [['n', '272', '4']]
    """
    frame = df.copy()
    if frame.index.name is not None or any(n is not None for n in frame.index.names[1:]):
        frame = frame.reset_index()
    elif not isinstance(frame.index, pd.RangeIndex) or not frame.index.equals(
        pd.RangeIndex(len(frame))
    ):
        if not pd.api.types.is_integer_dtype(frame.index):
            frame = frame.reset_index(names=[""])
    frame = frame.reset_index(drop=True)
    frame.columns = [
        " ".join(str(x) for x in c if str(x)) if isinstance(c, tuple) else str(c)
        for c in frame.columns
    ]
    digits = dict(digits or {})
    shares = set(percent_columns)
    small = pd.Series(False, index=frame.index)
    if min_n is not None:
        if n_column not in frame.columns:
            raise KeyError(f"table: min_n needs the column {n_column!r}; columns: {list(frame)}")
        small = pd.to_numeric(frame[n_column], errors="coerce").fillna(0) < min_n
    out = {}
    for col in frame.columns:
        series = frame[col]
        numeric = pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)
        if col in shares:
            cells = [percent(v, digits.get(col, 0)) for v in series]
        elif col in digits:
            cells = [number(v, digits[col]) for v in series]
        elif numeric and col != n_column and not is_p_name(col.lower()):
            cells = _column_numbers(series)
        else:
            cells = [value(v, name=col) for v in series]
        if numeric and col != n_column:
            cells = [DASH if s else c for c, s in zip(cells, small, strict=True)]
        out[_heading(col, labels)] = cells
    for heading, (mid, lo, hi) in (intervals or {}).items():
        share = mid in shares
        cells = []
        rows = frame[[mid, lo, hi]].itertuples(index=False)
        for (v, a, b), hide in zip(rows, small, strict=True):
            text = DASH if hide else score(v, a, b, digits=digits.get(mid), share=share)
            cells.append(text.replace(" (no interval)", ""))
        drop = {_heading(lo, labels), _heading(hi, labels)}
        mid_head = _heading(mid, labels)
        out = {
            (heading if k == mid_head else k): (cells if k == mid_head else v)
            for k, v in out.items()
            if k not in drop
        }
    hidden = int(small.sum())
    note = ""
    if hidden:
        rows = "One row rests" if hidden == 1 else f"{hidden} rows rest"
        their = "its" if hidden == 1 else "their"
        note = f"{rows} on fewer than {min_n} answers; {their} numbers are not shown."
    result = pd.DataFrame(out, columns=list(out))
    if transpose:
        first = result.columns[0]
        body = result.set_index(first).T
        result = body.reset_index(names=[first if first else ""])
        result.columns = [str(c) for c in result.columns]
    return Table(result, note)


def _heading(col: str, labels: Mapping[str, str] | None) -> str:
    return (labels or {}).get(col, label(col))


def _column_numbers(series: pd.Series) -> list[str]:
    """Format a numeric column with one number of decimals for the whole column."""
    name = str(series.name).lower()
    values = pd.to_numeric(series, errors="coerce")
    finite = values[np.isfinite(values.astype(float))]
    if ("share" in name or "rate" in name) and len(finite) and finite.between(0, 1).all():
        return [percent(v) for v in series]
    if not len(finite):
        return [DASH] * len(series)
    whole = bool((finite == finite.round()).all())
    d = 0 if whole else _auto_digits(float(finite.abs().median()) or 0.5)
    return [number(v, d) for v in series]
