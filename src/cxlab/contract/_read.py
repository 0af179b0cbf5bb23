"""Finding a bundle's files and reading them into frames of raw cell values.

Discovery decides which file (and sheet) holds which contract table. The readers turn CSV, Excel
and Parquet files into one shape: a :class:`RawTable` whose frame has the client's header names as
columns, the file's row numbers as index (counted as a spreadsheet counts them) and the cell
values as text (Parquet keeps its typed columns). Nothing here knows what a valid value is; that is
the job of :mod:`cxlab.contract._validate`.

CSV sniffing is written here rather than left to :class:`csv.Sniffer` because the header line is
the only reliable witness in client exports (data lines hold commas inside comments and decimal
commas), and because the header may sit below title rows.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
from openpyxl.utils import get_column_letter

from cxlab.contract._spec import KINDS, MISSING, column_key, required_present
from cxlab.contract._yaml import CONFIG_NAMES
from cxlab.contract.bundle import TABLES, SourceFile
from cxlab.contract.config import BundleConfig, TableSource
from cxlab.errors import Problem, examples

__all__ = ["Candidate", "RawTable", "Workbooks", "discover", "read_table"]

CSV_SUFFIXES = (".csv", ".tsv", ".txt")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
PARQUET_SUFFIXES = (".parquet", ".pq")
READABLE = CSV_SUFFIXES + EXCEL_SUFFIXES + PARQUET_SUFFIXES
#: Formats clients send that cxlab cannot read, with what to do instead.
UNSUPPORTED = {
    ".xls": "the old .xls format cannot be read; open it in Excel and save it as .xlsx",
    ".ods": "open it in LibreOffice and save it as .xlsx or .csv",
    ".numbers": "export it from Numbers as .xlsx or .csv",
    ".json": "export the table as .csv, .xlsx or .parquet",
}
DELIMITERS = (",", ";", "\t", "|")
#: How many rows at the top of a file are searched for the header.
HEADER_SEARCH_ROWS = 30


@dataclass
class Candidate:
    """A file (and sheet) chosen to hold one table."""

    table: str
    path: Path
    options: TableSource = field(default_factory=lambda: TableSource(file=""))
    #: Sheet to read; None for CSV/Parquet, or for a workbook whose sheet is decided on reading.
    sheet: str | None = None


@dataclass
class RawTable:
    """One table as found in the file, before any mapping."""

    table: str
    source: SourceFile
    file: str  # path relative to the bundle, for messages
    sheet: str | None
    frame: pd.DataFrame  # client header names; index = row numbers in the file
    decimal: str
    #: Header as written, by (stripped and de-duplicated) column name, for messages.
    written: dict[str, str] = field(default_factory=dict)


class Workbooks:
    """Open workbooks, shared by discovery and reading, closed together at the end."""

    def __init__(self) -> None:
        self._open: dict[Path, openpyxl.Workbook] = {}

    def get(self, path: Path) -> openpyxl.Workbook:
        if path not in self._open:
            self._open[path] = openpyxl.load_workbook(path, read_only=True, data_only=True)
        return self._open[path]

    def close(self) -> None:
        for wb in self._open.values():
            wb.close()
        self._open.clear()

    def __enter__(self) -> Workbooks:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# -- discovery ------------------------------------------------------------------------------


def _table_of(name: str) -> str | None:
    key = column_key(name)
    return next((t for t in TABLES if t == key), None)


def _unreadable(path: Path, rel: str, exc: Exception, table: str | None = None) -> Problem:
    return Problem(
        "error",
        "unreadable_file",
        f"the file cannot be opened: {type(exc).__name__}: {exc}",
        table=table,
        file=rel,
        hint="check that the file is not damaged or password-protected; re-export it from the "
        "source system",
    )


def discover(
    root: Path,
    config: BundleConfig,
    cfg_file: str | None,
    books: Workbooks,
    problems: list[Problem],
) -> dict[str, Candidate]:
    """Decide which file (and sheet) holds each table; report ignored and conflicting files.

    Parameters
    ----------
    root : pathlib.Path
        The bundle folder, or a single workbook.
    config : BundleConfig
        Supplies ``tables:``.
    cfg_file : str or None
        The configuration file name, for located messages.
    books : Workbooks
        Workbook cache.
    problems : list of Problem
        Receives what discovery finds.

    Returns
    -------
    dict of str to Candidate
        One candidate per table that has exactly one source.
    """
    if root.is_file():
        if root.suffix.lower() not in EXCEL_SUFFIXES:
            problems.append(
                Problem(
                    "error",
                    "not_a_bundle",
                    f"{root.name} is neither a folder nor an Excel workbook",
                    file=root.name,
                    hint="give the folder that holds customers.csv, transactions.csv, "
                    "responses.csv and events.csv (or a workbook with sheets named so)",
                )
            )
            return {}
        found = _container_sheets(root, root.name, books, problems, set())
        if not found and not any(p.rule == "unreadable_file" for p in problems):
            sheets = ", ".join(repr(s) for s in books.get(root).sheetnames)
            problems.append(
                Problem(
                    "error",
                    "no_tables",
                    f"none of the workbook's sheets ({sheets}) is named like a contract table",
                    file=root.name,
                    hint="rename the sheets to customers, transactions, responses and events "
                    "(only the ones you have)",
                )
            )
        return {t: cs[0] for t, cs in found.items() if _single(t, cs, problems)}

    files = sorted(p for p in root.iterdir() if not _hidden(p.name))
    by_name = {p.name: p for p in files}
    by_lower = {p.name.lower(): p for p in files}
    used: set[Path] = set()
    found: dict[str, list[Candidate]] = {}
    options: dict[str, TableSource] = {}

    for table, ts in config.tables.items():
        if not ts.file:
            options[table] = ts
            continue
        path = by_name.get(ts.file) or by_lower.get(ts.file.lower())
        if path is None or not path.is_file():
            close = difflib.get_close_matches(ts.file, [p.name for p in files], n=1, cutoff=0.5)
            present = ", ".join(p.name for p in files if p.is_file()) or "no files"
            problems.append(
                Problem(
                    "error",
                    "missing_file",
                    f"tables.{table} names the file {ts.file!r}, which is not in the folder",
                    table=table,
                    file=cfg_file,
                    column=None,
                    hint=(f"did you mean {close[0]!r}? " if close else "")
                    + f"the folder holds: {present}",
                )
            )
            continue
        used.add(path)
        found.setdefault(table, []).append(Candidate(table, path, ts, ts.sheet))

    explicit = {t for t, ts in config.tables.items() if ts.file}
    containers: list[Path] = [
        p for p in used if p.suffix.lower() in EXCEL_SUFFIXES and _table_of(p.stem) is None
    ]
    for path in files:
        if path in used or path.name.lower() in CONFIG_NAMES:
            continue
        if path.name.lower().startswith("readme"):
            continue
        rel = path.name
        if path.is_dir():
            problems.append(
                Problem(
                    "warning",
                    "ignored_file",
                    f"the folder {rel}/ is ignored; only files directly in the bundle are read",
                    file=rel,
                    hint="move the table files up into the bundle folder if they belong to it",
                )
            )
            continue
        suffix = path.suffix.lower()
        table = _table_of(path.stem)
        if table is not None and suffix in READABLE:
            if table in config.tables and config.tables[table].file:
                problems.append(
                    Problem(
                        "warning",
                        "ignored_file",
                        f"{rel} is ignored because cxlab.yml maps {table} to "
                        f"{config.tables[table].file!r}",
                        table=table,
                        file=rel,
                        hint=f"delete {rel} or remove tables.{table} from cxlab.yml",
                    )
                )
                continue
            ts = options.get(table, TableSource(file=""))
            found.setdefault(table, []).append(Candidate(table, path, ts, ts.sheet))
        elif suffix in EXCEL_SUFFIXES:
            containers.append(path)
        elif table is not None and suffix in UNSUPPORTED:
            problems.append(
                Problem(
                    "error",
                    "unsupported_format",
                    f"{rel} looks like the {table} table, but {UNSUPPORTED[suffix]}",
                    table=table,
                    file=rel,
                    hint="cxlab reads .csv, .xlsx and .parquet files",
                )
            )
        else:
            why = UNSUPPORTED.get(suffix, "")
            problems.append(
                Problem(
                    "warning",
                    "ignored_file",
                    f"{rel} is not named like a contract table and is ignored",
                    file=rel,
                    hint=(why + "; " if why else "")
                    + "name table files customers, transactions, responses or events (.csv, "
                    ".xlsx or .parquet), or map the file under 'tables:' in cxlab.yml",
                )
            )

    for path in containers:
        sheets = _container_sheets(path, path.name, books, problems, explicit, options)
        if sheets:
            for table, cands in sheets.items():
                found.setdefault(table, []).extend(cands)
        elif path in used:
            continue
        elif not any(p.file == path.name and p.rule == "unreadable_file" for p in problems):
            problems.append(
                Problem(
                    "warning",
                    "ignored_file",
                    f"{path.name} is ignored: neither its name nor any of its sheets is named "
                    "like a contract table",
                    file=path.name,
                    hint="name the sheets customers, transactions, responses or events, or map "
                    "them under 'tables:' in cxlab.yml",
                )
            )

    chosen = {t: cs[0] for t, cs in found.items() if _single(t, cs, problems)}
    if not found and not any(p.severity == "error" for p in problems):
        present = ", ".join(p.name for p in files) or "nothing"
        problems.append(
            Problem(
                "error",
                "no_tables",
                f"the folder holds none of the four contract tables (it holds: {present})",
                file=root.name,
                hint="name the files customers.csv, transactions.csv, responses.csv and "
                "events.csv (only the ones you have; .xlsx and .parquet work too), or map your "
                "file names under 'tables:' in cxlab.yml",
            )
        )
    return {t: chosen[t] for t in TABLES if t in chosen}


def _hidden(name: str) -> bool:
    return name.startswith((".", "~$", "__"))


def _container_sheets(
    path: Path,
    rel: str,
    books: Workbooks,
    problems: list[Problem],
    skip: set[str],
    options: dict[str, TableSource] | None = None,
) -> dict[str, list[Candidate]]:
    try:
        names = books.get(path).sheetnames
    except Exception as exc:  # a damaged workbook must not stop validation of the rest
        problems.append(_unreadable(path, rel, exc))
        return {}
    out: dict[str, list[Candidate]] = {}
    for sheet in names:
        table = _table_of(sheet)
        if table is not None and table not in skip:
            ts = (options or {}).get(table, TableSource(file=""))
            out.setdefault(table, []).append(Candidate(table, path, ts, sheet))
    return out


def _single(table: str, cands: list[Candidate], problems: list[Problem]) -> bool:
    if len(cands) == 1:
        return True
    where = [c.path.name + (f" [sheet {c.sheet!r}]" if c.sheet else "") for c in cands]
    problems.append(
        Problem(
            "error",
            "two_files",
            f"more than one source for the {table} table: {', '.join(where)}",
            table=table,
            file=cands[0].path.name,
            hint="keep one of them, or say which one to read under 'tables:' in cxlab.yml",
        )
    )
    return False


# -- reading ----------------------------------------------------------------------------------


def read_table(
    cand: Candidate,
    root: Path,
    config: BundleConfig,
    cfg_file: str | None,
    books: Workbooks,
    problems: list[Problem],
) -> RawTable | None:
    """Read one table's file into a :class:`RawTable`; None when it cannot be read."""
    rel = cand.path.name
    suffix = cand.path.suffix.lower()
    renames = config.columns.get(cand.table, {})
    try:
        if suffix in EXCEL_SUFFIXES:
            return _read_excel(cand, rel, renames, cfg_file, books, problems)
        if suffix in PARQUET_SUFFIXES:
            return _read_parquet(cand, rel, problems)
        return _read_csv(cand, rel, renames, problems)
    except Exception as exc:  # damaged files are a data problem, reported, never a traceback
        problems.append(_unreadable(cand.path, rel, exc, cand.table))
        return None


def _decode(raw: bytes, declared: str | None) -> tuple[str, str]:
    """Return (text, encoding). Raises UnicodeDecodeError only for a declared encoding."""
    if declared:
        return raw.decode(declared), declared
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw.decode("utf-8-sig"), "utf-8-sig"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16"), "utf-16"
    for enc in ("utf-8", "cp1252"):
        try:
            return raw.decode(enc), enc
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1"), "latin-1"


def _head(text: str, lines: int = 200) -> str:
    pos = 0
    for _ in range(lines):
        nxt = text.find("\n", pos)
        if nxt < 0:
            return text
        pos = nxt + 1
    return text[:pos]


def _records(head: str, delimiter: str, limit: int) -> list[tuple[list[str], int]]:
    """Split the first records of ``head``; pair each with the physical lines read so far."""
    reader = csv.reader(io.StringIO(head, newline=None), delimiter=delimiter)
    out: list[tuple[list[str], int]] = []
    try:
        for fields in reader:
            out.append((fields, reader.line_num))
            if len(out) >= limit:
                break
    except csv.Error:
        pass
    return out


def _recognised(table: str, cells: list[object], renames: dict[str, str]) -> set[str]:
    """Contract column names a row would provide as a header."""
    rename_keys = {column_key(k): v for k, v in renames.items()}
    exact = {k.strip(): v for k, v in renames.items()}
    known = {column_key(c): c for c in KINDS[table]}
    out = set()
    for cell in cells:
        if cell is None:
            continue
        text = str(cell).strip()
        target = exact.get(text) or rename_keys.get(column_key(text))
        if target is None:
            target = known.get(column_key(text))
        if target is not None:
            out.add(target)
    return out


def _find_header(table: str, rows: list[list[object]], renames: dict[str, str]) -> int | None:
    """Index of the first row that names the table's required columns."""
    for i, cells in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if required_present(table, _recognised(table, cells, renames)):
            return i
    return None


def _fallback_header(rows: list[list[object]]) -> int:
    """First of the fullest rows at the top: title rows hold one cell, headers hold many."""
    counts = [
        sum(c is not None and str(c).strip() != "" for c in cells)
        for cells in rows[:HEADER_SEARCH_ROWS]
    ]
    if not counts or max(counts) == 0:
        return 0
    return counts.index(max(counts))


def _sniff(head: str, table: str, renames: dict[str, str]) -> tuple[str, int | None]:
    """Choose the delimiter; also return the header record index when it was recognised."""
    for delim in DELIMITERS:
        recs = _records(head, delim, HEADER_SEARCH_ROWS)
        idx = _find_header(table, [list(r) for r, _ in recs], renames)
        if idx is not None and len(recs[idx][0]) > 1:
            return delim, idx
    for line in head.splitlines():
        counts = [line.count(d) for d in DELIMITERS]
        if max(counts) > 0:
            return DELIMITERS[counts.index(max(counts))], None
    return ",", None


def _read_csv(
    cand: Candidate, rel: str, renames: dict[str, str], problems: list[Problem]
) -> RawTable | None:
    table, opts = cand.table, cand.options
    raw = cand.path.read_bytes()
    if not raw.strip():
        problems.append(
            Problem(
                "error",
                "empty_file",
                "the file is empty",
                table=table,
                file=rel,
                hint="export the table again; the file should start with a header line naming "
                "the columns",
            )
        )
        return None
    try:
        text, encoding = _decode(raw, opts.encoding)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problems.append(
            Problem(
                "error",
                "encoding",
                f"the file is not {opts.encoding} text: byte {raw[exc.start : exc.start + 1]!r} "
                f"on line {line} cannot be decoded",
                table=table,
                file=rel,
                hint="remove 'encoding:' from cxlab.yml to let cxlab detect it, or declare the "
                "encoding the file was saved with (utf-8, cp1252, latin-1)",
            )
        )
        return None
    head = _head(text)
    del text
    if opts.delimiter:
        delim = opts.delimiter
        recs = _records(head, delim, HEADER_SEARCH_ROWS)
        found = _find_header(table, [list(r) for r, _ in recs], renames)
    else:
        delim, found = _sniff(head, table, renames)
        recs = _records(head, delim, HEADER_SEARCH_ROWS)
    rows = [list(r) for r, _ in recs]
    if opts.header_row:
        header_idx = opts.header_row - 1
        if header_idx >= len(recs):
            problems.append(
                Problem(
                    "error",
                    "no_data_rows",
                    f"header_row is {opts.header_row}, but the file has only {len(recs)} rows",
                    table=table,
                    file=rel,
                    hint=f"check tables.{table}.header_row in cxlab.yml",
                )
            )
            return None
    else:
        header_idx = found if found is not None else _fallback_header(rows)
    skip = recs[header_idx - 1][1] if header_idx > 0 else 0
    header_row = header_idx + 1
    try:
        grid = pd.read_csv(
            io.BytesIO(raw),
            sep=delim,
            header=None,
            dtype=str,
            encoding=encoding,
            skiprows=skip,
            skip_blank_lines=False,
            keep_default_na=False,
            na_values=[""],
            engine="c",
        )
    except pd.errors.ParserError as exc:
        problems.append(_ragged(raw.decode(encoding), delim, skip, header_row, rel, table, exc))
        return None
    except pd.errors.EmptyDataError:
        grid = pd.DataFrame(dtype="str")
    header = list(grid.iloc[0]) if len(grid) else []
    data = grid.iloc[1:]
    return _finish(cand, rel, header, data, header_row, opts.decimal, renames, problems)


def _ragged(
    text: str,
    delim: str,
    skip: int,
    header_row: int,
    rel: str,
    table: str,
    exc: Exception,
) -> Problem:
    """Locate every row with more fields than the header (only on the error path)."""
    reader = csv.reader(io.StringIO(text, newline=None), delimiter=delim)
    width = None
    bad_rows, bad_values = [], []
    n = 0
    try:
        for _ in range(skip):
            next(reader)
        for i, fields in enumerate(reader):
            if width is None:
                width = len(fields)
                continue
            if len(fields) > width:
                n += 1
                if len(bad_rows) < 5:
                    bad_rows.append(header_row + i)
                    bad_values.append(delim.join(fields))
    except (csv.Error, StopIteration):
        pass
    shown = "tab" if delim == "\t" else repr(delim)
    if n:
        message = f"{n} row(s) have more fields than the header's {width} when split at {shown}"
    else:
        message = f"the file cannot be split into columns: {exc}"
    return Problem(
        "error",
        "malformed_file",
        message,
        table=table,
        file=rel,
        rows=examples(bad_rows, bad_values),
        n_rows=n,
        hint=f"a value probably contains the delimiter {shown} without quotes around it; quote "
        "such values when exporting, or declare another delimiter under 'tables:' in cxlab.yml",
    )


def _cell_text(value: object, decimal: str) -> str | None:
    """Render an Excel cell as the text a CSV export would hold."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        text = repr(value)
        return text.replace(".", ",") if decimal == "," else text
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _read_excel(
    cand: Candidate,
    rel: str,
    renames: dict[str, str],
    cfg_file: str | None,
    books: Workbooks,
    problems: list[Problem],
) -> RawTable | None:
    table, opts = cand.table, cand.options
    wb = books.get(cand.path)
    sheet = cand.sheet
    if sheet is not None and sheet not in wb.sheetnames:
        match = [s for s in wb.sheetnames if s.strip().lower() == sheet.strip().lower()]
        if not match:
            problems.append(
                Problem(
                    "error",
                    "missing_sheet",
                    f"tables.{table} names the sheet {sheet!r}, which {rel} does not have",
                    table=table,
                    file=cfg_file or rel,
                    hint=f"the workbook's sheets are: {', '.join(map(repr, wb.sheetnames))}",
                )
            )
            return None
        sheet = match[0]
    if sheet is None:
        named = [s for s in wb.sheetnames if _table_of(s) == table]
        sheet = named[0] if named else wb.sheetnames[0]
    ws = wb[sheet]
    rows = [[_cell_text(v, opts.decimal) for v in row] for row in ws.iter_rows(values_only=True)]
    label_sheet = sheet
    if not any(any(c is not None and c.strip() for c in row) for row in rows):
        problems.append(
            Problem(
                "error",
                "empty_file",
                "the sheet is empty",
                table=table,
                file=rel,
                sheet=label_sheet,
                hint="check that the data were exported to this sheet",
            )
        )
        return None
    if opts.header_row:
        header_idx = opts.header_row - 1
    else:
        found = _find_header(table, rows, renames)  # type: ignore[arg-type]
        header_idx = found if found is not None else _fallback_header(rows)  # type: ignore[arg-type]
    if header_idx >= len(rows):
        header_idx = len(rows) - 1
    width = max(len(r) for r in rows)
    body = [r + [None] * (width - len(r)) for r in rows[header_idx + 1 :]]
    header = rows[header_idx] + [None] * (width - len(rows[header_idx]))
    data = (
        pd.DataFrame(body, columns=range(width), dtype="str")
        if body
        else pd.DataFrame(columns=range(width), dtype="str")
    )
    cand = Candidate(cand.table, cand.path, opts, sheet)
    return _finish(cand, rel, header, data, header_idx + 1, opts.decimal, renames, problems)


def _read_parquet(cand: Candidate, rel: str, problems: list[Problem]) -> RawTable | None:
    frame = pd.read_parquet(cand.path)
    for col in frame.columns:
        s = frame[col]
        if isinstance(s.dtype, pd.CategoricalDtype) or s.dtype == object:
            frame[col] = s.astype("str")
    header = [str(c) for c in frame.columns]
    data = frame.set_axis(range(len(header)), axis=1)
    return _finish(cand, rel, header, data, 0, cand.options.decimal, {}, problems)


def _finish(
    cand: Candidate,
    rel: str,
    header: list[object],
    data: pd.DataFrame,
    header_row: int,
    decimal: str,
    renames: dict[str, str],
    problems: list[Problem],
) -> RawTable | None:
    """Name the columns, number the rows, normalise blanks; shared by every reader."""
    table, sheet = cand.table, cand.sheet
    source = SourceFile(table, cand.path, sheet, header_row)
    data = data.set_axis(np.arange(header_row + 1, header_row + 1 + len(data)), axis=0)
    cols = {}
    for pos in data.columns:
        s = data[pos]
        if pd.api.types.is_string_dtype(s.dtype):
            s = s.str.strip()
            s = s.mask(s.isin(MISSING))
        cols[pos] = s
    data = pd.DataFrame(cols, index=data.index) if cols else data
    names: list[str] = []
    written: dict[str, str] = {}
    keep = []
    rename_keys = {column_key(k) for k in renames} | {column_key(c) for c in KINDS[table]}
    seen: dict[str, int] = {}
    for pos, cell in enumerate(header):
        text = "" if cell is None or (isinstance(cell, float) and np.isnan(cell)) else str(cell)
        text = text.strip()
        col = data[pos] if pos in data.columns else None
        if not text:
            if col is None or col.isna().all():
                continue  # an empty column beside the table, e.g. Excel formatting
            letter = get_column_letter(pos + 1)
            text = f"column {letter}"
            problems.append(
                Problem(
                    "warning",
                    "unnamed_column",
                    f"column {letter} holds values but has no header; it is kept as {text!r}",
                    table=table,
                    file=rel,
                    sheet=sheet,
                    column=text,
                    hint="give the column a header in the file, or delete it if it is not needed",
                )
            )
        if text in seen:
            seen[text] += 1
            new = f"{text} ({seen[text]})"
            contract = column_key(text) in rename_keys
            problems.append(
                Problem(
                    "error" if contract else "warning",
                    "duplicate_column",
                    f"the header {text!r} appears more than once"
                    + ("" if contract else f"; the repeat is kept as {new!r}"),
                    table=table,
                    file=rel,
                    sheet=sheet,
                    column=text,
                    hint="rename or delete the repeated column so each header is unique",
                )
            )
            written[new] = text
            text = new
        else:
            seen[text] = 1
            written[text] = text
        names.append(text)
        keep.append(pos)
    data = data[keep].set_axis(names, axis=1) if keep else data.iloc[:, :0]
    raw_rows = len(data)
    if len(data.columns):
        data = data[data.notna().any(axis=1)]
    if raw_rows == 0 or len(data) == 0:
        problems.append(
            Problem(
                "error",
                "no_data_rows",
                "the file has a header but no data rows"
                if raw_rows == 0
                else "every row below the header is blank",
                table=table,
                file=rel,
                sheet=sheet,
                hint="export the table again with its rows; delete the file if the client has "
                "no such data",
            )
        )
        return None
    return RawTable(table, source, rel, sheet, data, decimal, written)
