"""A reader's pass over the pandas tables a chapter shows, before they go into the report.

A chapter that shows a DataFrame as it is leaves marks of the code in the report: snake_case
column names, ``True``/``False``, ``NaN`` and ``NaT``, row numbers 0, 1, 2, ... as a first
column, an index name on a header row of its own, p-values printed as ``0.000`` and large
numbers without separators. Chapters should format their tables with :mod:`cxlab.present`;
until every table does, the report applies the same rules to what it receives, so the reader
never sees them. Only tables pandas wrote (``class="dataframe"``, already sanitised) are
touched, and only text is changed: headings go through :func:`cxlab.present.label`, cells are
reformatted where their text is unambiguous, and nothing is recomputed.

Examples
--------
>>> t = (
...     '<table class="dataframe"><thead><tr><th></th><th>p_adjusted</th><th>masked</th></tr>'
...     "</thead><tbody><tr><th>0</th><td>0.000</td><td>False</td></tr></tbody></table>"
... )
>>> polish_tables(t)
'<table class="dataframe"><thead><tr><th>p (Holm-adjusted)</th><th>Masked</th></tr></thead><tbody><tr><td class="num">&lt; 0.001</td><td>no</td></tr></tbody></table>'
"""  # noqa: E501

from __future__ import annotations

import re

from cxlab import present

__all__ = ["polish_tables"]

_TABLE = re.compile(r"<table\b[^>]*\bclass=\"dataframe\"[^>]*>.*?</table>", re.S)
_ROW = re.compile(r"<tr\b[^>]*>(.*?)</tr>", re.S)
_CELL = re.compile(r"<(th|td)\b([^>]*)>(.*?)</\1>", re.S)
_IDENT = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_NUMBER = re.compile(r"^(-?)(\d+)(\.\d+)?$")
_MISSING = frozenset({"nan", "NaN", "NaT", "<NA>", "&lt;NA&gt;", "None"})


def _heading(text: str) -> str:
    text = text.strip()
    if _IDENT.match(text):
        return present.label(text)
    return present.label(text) if "_" in text and "&" not in text else text


def _cell(text: str, column: str = "") -> str:
    text = text.strip()
    if text in ("True", "False"):
        return present.boolean(text == "True")
    if text in _MISSING:
        return present.DASH
    m = _NUMBER.match(text)
    if not m:
        return text
    key = column.lower()
    if column and present.is_p_name(key):
        return present.p_value(float(text)).replace("<", "&lt;")
    if ("share" in key or "rate" in key) and "%" not in key and 0 <= float(text) <= 1:
        return present.percent(float(text))
    sign, whole, decimals = m.groups()
    body = f"{int(whole):,}{decimals or ''}"
    return ("−" if sign and body.strip("0.,") else "") + body


def _cells(row: str) -> list[tuple[str, str, str]]:
    return _CELL.findall(row)


def _merge_index_names(head_rows: list[list[tuple[str, str, str]]]) -> list[str] | None:
    """Return one row of column names, or None when the heading has more levels than that.

    pandas writes the index names on a second header row of their own; they move into the
    empty leading cells of the first.
    """
    if any("span" in attrs for row in head_rows for _, attrs, _ in row):
        return None
    names = [text.strip() for _, _, text in head_rows[0]]
    if len(head_rows) == 1:
        return names
    second = [text.strip() for _, _, text in head_rows[1]]
    k = next((i for i, t in enumerate(second) if not t), len(second))
    if len(head_rows) == 2 and k and not any(second[k:]) and not any(names[:k]):
        return second[:k] + names[k:]
    return None


def _polish(table: str) -> str:
    head = re.search(r"<thead>(.*?)</thead>", table, re.S)
    body = re.search(r"<tbody>(.*?)</tbody>", table, re.S)
    if not head or not body:
        return table
    head_rows = [_cells(r) for r in _ROW.findall(head.group(1))]
    body_rows = [_cells(r) for r in _ROW.findall(body.group(1))]
    names = _merge_index_names(head_rows) if head_rows else None
    if names is None:
        # Grouped headings: relabel and reformat in place, keep the structure.
        table = re.sub(
            r"(<thead>.*?</thead>)",
            lambda m: _CELL.sub(lambda c: f"<{c[1]}{c[2]}>{_heading(c[3])}</{c[1]}>", m[1]),
            table,
            flags=re.S,
        )
        return re.sub(r"<td\b([^>]*)>(.*?)</td>", lambda c: f"<td{c[1]}>{_cell(c[2])}</td>", table)
    spans = any("span" in attrs for row in body_rows for _, attrs, _ in row)
    row_labels = [row[0][2].strip() for row in body_rows if row and row[0][0] == "th"]
    drop = (
        not spans
        and bool(names)
        and not names[0]
        and len(row_labels) == len(body_rows)
        and row_labels == [str(i) for i in range(len(body_rows))]
    )
    start = 1 if drop else 0
    width = len(names) - start
    kind = "dataframe wide" if width > 8 else "dataframe"
    out = [f'<table class="{kind}"><thead><tr>']
    out += [f"<th>{_heading(name)}</th>" for name in names[start:]]
    out.append("</tr></thead><tbody>")
    for row in body_rows:
        out.append("<tr>")
        # A row whose leading label is spanned from the row above has fewer cells: align right.
        offset = len(names) - len(row) if not drop else start
        for j, (tag, attrs, text) in enumerate(row[start if drop else 0 :]):
            column = names[j + offset] if 0 <= j + offset < len(names) else ""
            value = text.strip() if tag == "th" else _cell(text, column)
            keep = re.findall(r'(?:rowspan|colspan)="\d+"', attrs)
            if tag == "td" and _NUMBER.match(text.strip()):
                keep.append('class="num"')  # a number never breaks across lines
            out.append(f"<{tag}{''.join(' ' + k for k in keep)}>{value}</{tag}>")
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def polish_tables(html_text: str) -> str:
    """Return ``html_text`` with every pandas table in it made readable (see the module)."""
    return _TABLE.sub(lambda m: _polish(m.group(0)), html_text)
