"""Finding a bundle's files and reading them into frames of raw cell values.

Discovery decides which file (and sheet) holds which contract table. The readers turn CSV, Excel
and Parquet files into one shape: a :class:`RawTable` whose frame has the client's header names as
columns, the file's row numbers as index (counted as a spreadsheet counts them) and the cell
values as text (Parquet keeps its typed columns). XES event logs become one row per event
(:mod:`cxlab.contract._xes`), and ``.gz`` and ``.zip`` files are read as the CSV or XES file they
hold (:mod:`cxlab.contract._archive`). Nothing here knows what a valid value is; that is the job
of :mod:`cxlab.contract._validate`.

CSV sniffing is written here rather than left to :class:`csv.Sniffer` because the header line is
the only reliable witness in client exports (data lines hold commas inside comments and decimal
commas), and because the header may sit below title rows. The same witness explains a file that
splits badly: when the header reads as one column, the reader tries the other usual delimiters
(``:`` too) and names the one that splits the header and the rows alike. Before any of this, the
bytes are checked: binary content (an image, an archive, a renamed workbook) is "not a text
table", and UTF-16 text without a byte-order mark is recognised by its zero bytes, which every
second byte of mostly Latin text is. A header that holds numbers or dates rather than names is
questioned (``header_row``), and the unnamed index column ``DataFrame.to_csv`` writes is dropped.

Most CSV files are read by pandas' Arrow engine straight into Arrow-backed strings
(:func:`_arrow_grid`): the C parser makes a Python string per cell and then converts them to
Arrow, which was most of the time of validating a large client (about 10 of 15 seconds with a
million-row table). Arrow takes the regular files: UTF-8, the header on the first line, every
record as wide as the first. The others (another encoding, title rows above the header, a short
or long record) and any file Arrow refuses go to the C parser as before, which keeps its
tolerance and the problems it reports.

Only regular files inside the bundle folder are read (:func:`cxlab.contract._files.unsafe_reason`).
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import functools
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
from openpyxl.utils import get_column_letter

from cxlab.contract import _archive, _xes
from cxlab.contract._files import hidden, unsafe_reason
from cxlab.contract._spec import KINDS, MISSING, column_key, required_present
from cxlab.contract._yaml import CONFIG_NAMES
from cxlab.contract.bundle import TABLES, SourceFile
from cxlab.contract.config import BundleConfig, TableSource
from cxlab.errors import Problem, examples, excerpt, listing, quoted

__all__ = ["Candidate", "RawTable", "Workbooks", "discover", "read_table"]

CSV_SUFFIXES = (".csv", ".tsv", ".txt")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
PARQUET_SUFFIXES = (".parquet", ".pq")
XES_SUFFIXES = _archive.XES_SUFFIXES
#: Compressed files read as what they hold (see :mod:`cxlab.contract._archive`).
PACKED_SUFFIXES = (
    *(inner + ".gz" for inner in CSV_SUFFIXES + XES_SUFFIXES),
    ".zip",
    *(inner + ".zip" for inner in CSV_SUFFIXES + XES_SUFFIXES),
)
READABLE = CSV_SUFFIXES + EXCEL_SUFFIXES + PARQUET_SUFFIXES + XES_SUFFIXES + PACKED_SUFFIXES
#: Formats clients send that cxlab cannot read, with what to do instead.
UNSUPPORTED = {
    ".xls": "the old .xls format cannot be read; open it in Excel and save it as .xlsx",
    ".ods": "open it in LibreOffice and save it as .xlsx or .csv",
    ".numbers": "export it from Numbers as .xlsx or .csv",
    ".json": "export the table as .csv, .xlsx or .parquet",
    ".gz": "cxlab unpacks .gz files named after what they hold, e.g. events.xes.gz or "
    "transactions.csv.gz",
    ".bz2": "unpack it, or compress the CSV or XES file with gzip (.gz) or zip instead",
    ".xz": "unpack it, or compress the CSV or XES file with gzip (.gz) or zip instead",
    ".7z": "unpack it, or compress the CSV or XES file with gzip (.gz) or zip instead",
    ".rar": "unpack it, or compress the CSV or XES file with gzip (.gz) or zip instead",
}
DELIMITERS = (",", ";", "\t", "|")
#: Delimiters named when a file splits badly: the detected ones, and ":" which is only ever
#: declared (times such as 10:30 hold it, so it is never chosen by itself).
SUGGESTED_DELIMITERS = (*DELIMITERS, ":")
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
_UNPACK = "unpack it and put the table file inside it into the bundle folder"
#: Leading bytes of binary formats clients send by mistake: (bytes, what it is, what to do).
_SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (
        b"PK\x03\x04",
        "a zip archive",
        "an .xlsx workbook is a zip archive: if this is one, rename it to .xlsx; otherwise "
        "rename it to end in .zip (cxlab reads a zip archive holding one CSV or XES file), or "
        + _UNPACK,
    ),
    (b"PAR1", "a Parquet file", "rename it to .parquet"),
    (
        b"\xd0\xcf\x11\xe0",
        "an old Office file such as an .xls workbook",
        "open it in Excel and save it as .xlsx or as CSV",
    ),
    (
        b"\x1f\x8b",
        "a gzip-compressed file",
        "rename it to end in .csv.gz, which cxlab unpacks while reading, or " + _UNPACK,
    ),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive", _UNPACK),
    (b"Rar!", "a RAR archive", _UNPACK),
    (b"SQLite format 3\x00", "an SQLite database", "export the table from it as CSV"),
    (b"%PDF", "a PDF document", "export the table itself, not a printout of it, as CSV or .xlsx"),
    (b"\x89PNG", "a PNG image", "export the table itself, not a picture of it, as CSV or .xlsx"),
    (b"\xff\xd8\xff", "a JPEG image", "export the table itself, not a picture of it"),
    (b"GIF8", "a GIF image", "export the table itself, not a picture of it"),
)
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


def _parts(path: Path) -> tuple[str, str]:
    """Split a file's name into stem and suffix; ``.csv.gz`` and ``.xes.zip`` are one suffix."""
    return _archive.name_parts(path.name)


def _table_of(name: str) -> str | None:
    key = column_key(name)
    return next((t for t in TABLES if t == key), None)


def _unreadable(path: Path, rel: str, exc: Exception, table: str | None = None) -> Problem:
    hint = (
        "check that the file is not damaged or password-protected; re-export it from the "
        "source system"
    )
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES + PARQUET_SUFFIXES:
        try:
            with path.open("rb") as fh:
                start = fh.read(4096)
        except OSError:
            start = b""
        if start and not start.startswith((b"PK", b"PAR1")) and not _looks_binary(start):
            kind = "workbook" if suffix in EXCEL_SUFFIXES else "Parquet table"
            hint = (
                f"the file holds plain text, not a {kind}: if it is comma- or "
                "semicolon-separated, rename it to .csv"
            )
    return Problem(
        "error",
        "unreadable_file",
        f"the file cannot be opened: {type(exc).__name__}: {excerpt(exc, 160)}",
        table=table,
        file=rel,
        hint=hint,
    )


def _unsafe_problem(path: Path, rule: str, why: str, table: str | None, *, read: bool) -> Problem:
    """Report a bundle entry that is not read: it is not a regular file inside the folder."""
    if read:
        return Problem(
            "error",
            rule,
            f"{path.name} is not read: {why}",
            table=table,
            file=path.name,
            hint="copy the file itself into the bundle folder, in place of the link; cxlab "
            "reads only regular files inside the folder, so that a bundle cannot make it read "
            "other files on this computer",
        )
    return Problem(
        "warning",
        rule,
        f"{path.name} is ignored: {why}",
        file=path.name,
        hint="remove it from the bundle folder; it is not a table file",
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
            sheets = listing(books.get(root).sheetnames)
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

    files = sorted(p for p in root.iterdir() if not hidden(p.name))
    unsafe = {p: r for p in files if (r := unsafe_reason(p, root)) is not None}
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
        if path is not None and path in unsafe:
            problems.append(_unsafe_problem(path, *unsafe[path], table, read=True))
            used.add(path)
            continue
        if path is None or not path.is_file():
            names = [p.name for p in files if p.is_file() and p not in unsafe]
            close = difflib.get_close_matches(ts.file, names, n=1, cutoff=0.5)
            present = listing(names) or "no files"
            problems.append(
                Problem(
                    "error",
                    "missing_file",
                    f"tables.{table} names the file {quoted(ts.file, 60)}, which is not in the "
                    "folder",
                    table=table,
                    file=cfg_file,
                    column=None,
                    hint=(f"did you mean {quoted(close[0], 60)}? " if close else "")
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
        if path in unsafe:
            stem, suffix = _parts(path)
            table = _table_of(stem)
            read = (table is not None and suffix in READABLE) or suffix in EXCEL_SUFFIXES
            problems.append(_unsafe_problem(path, *unsafe[path], table, read=read))
            continue
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
        stem, suffix = _parts(path)
        table = _table_of(stem)
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
                    hint="cxlab reads .csv, .xlsx, .parquet and .xes files, and .csv and .xes "
                    "files compressed as .gz or .zip",
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
        present = listing(p.name for p in files) or "nothing"
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
    renames = config.columns.get(cand.table, {})
    try:
        kind = _archive.table_format(cand.path)
        if kind == "excel":
            return _read_excel(cand, rel, renames, cfg_file, books, problems)
        if kind == "parquet":
            return _read_parquet(cand, rel, problems)
        if kind == "xes":
            return _read_xes(cand, rel, problems)
        return _read_csv(cand, rel, renames, problems)
    except _archive.FileRefused as exc:
        problems.append(
            Problem("error", exc.rule, exc.message, table=cand.table, file=rel, hint=exc.hint)
        )
        return None
    except Exception as exc:  # damaged files are a data problem, reported, never a traceback
        problems.append(_unreadable(cand.path, rel, exc, cand.table))
        return None


def _signature(raw: bytes) -> tuple[str, str] | None:
    """Return (what the file is, what to do) when it starts like a binary format."""
    return next(((what, fix) for magic, what, fix in _SIGNATURES if raw.startswith(magic)), None)


def _utf16_order(raw: bytes) -> str | None:
    r"""Return ``"utf-16-le"`` or ``"utf-16-be"`` for UTF-16 text without a byte-order mark.

    Mostly Latin text in UTF-16 has a zero in every second byte: the odd ones in little-endian
    order, the even ones in big-endian order. Binary files have zeros in both or neither.

    Examples
    --------
    >>> _utf16_order("id,date\nC1,2024-01-01\n".encode("utf-16-le"))
    'utf-16-le'
    >>> _utf16_order(b"id,date\nC1,2024-01-01\n") is None
    True
    """
    sample = raw[:4096]
    sample = sample[: len(sample) // 2 * 2]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    zero_even, zero_odd = even.count(0) / len(even), odd.count(0) / len(odd)
    if zero_odd >= 0.25 and zero_even <= 0.02:
        return "utf-16-le"
    if zero_even >= 0.25 and zero_odd <= 0.02:
        return "utf-16-be"
    return None


def _looks_binary(data: bytes | str) -> bool:
    """Whether the start of a file holds NUL bytes or many other control characters."""
    sample = data[:4096]
    if isinstance(sample, bytes):  # undecodable bytes become U+FFFD, which is not a control
        sample = sample.decode("utf-8", errors="replace")
    if "\x00" in sample:
        return True
    # Control characters only: unassigned code points include emoji newer than this Python.
    odd = sum(1 for c in sample if c not in "\t\n\r\f\v" and unicodedata.category(c) == "Cc")
    return odd > max(2, len(sample) // 100)


def _not_a_text_table(table: str, rel: str, what: str, fix: str) -> Problem:
    return Problem(
        "error",
        "unsupported_format",
        f"not a text table: the file holds {what}, not lines of comma- or semicolon-separated text",
        table=table,
        file=rel,
        hint=f"{fix}; cxlab reads tables as CSV text, .xlsx workbooks or .parquet files",
    )


def _decode(raw: bytes, declared: str | None, utf16: str | None = None) -> tuple[str, str]:
    """Return (text, encoding). Raises UnicodeDecodeError for a declared or detected encoding."""
    if declared:
        return raw.decode(declared), declared
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw.decode("utf-8-sig"), "utf-8-sig"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16"), "utf-16"
    if utf16:
        return raw.decode(utf16), utf16
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
    """First of the fullest rows at the top: title rows hold one cell, headers hold many.

    A header whose first cell is empty while the next is not counts that cell as filled: it is
    the header ``DataFrame.to_csv`` writes above its unnamed index, as wide as the rows below.
    """
    counts = [
        sum(_filled(c) for c in cells)
        + (len(cells) > 1 and not _filled(cells[0]) and _filled(cells[1]))
        for cells in rows[:HEADER_SEARCH_ROWS]
    ]
    if not counts or max(counts) == 0:
        return 0
    return counts.index(max(counts))


def _filled(cell: object) -> bool:
    return cell is not None and str(cell).strip() != ""


# -- header checks ----------------------------------------------------------------------------

_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,']\d+)*|[.,]\d+)%?")
_DATE = re.compile(
    r"(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4})(?:[ T]\d{1,2}:\d{2}.*)?"
)


def _data_like(cell: object) -> str | None:
    """``"date"`` or ``"number"`` when a header cell is a value rather than a column name."""
    text = "" if cell is None else str(cell).strip()
    if _DATE.fullmatch(text):
        return "date"
    if _NUMBER.fullmatch(text):
        return "number"
    return None


def _looks_like_data(cells: list[object]) -> list[str]:
    """List the cells of a supposed header that are values (any date, or half numbers)."""
    filled = [str(c).strip() for c in cells if c is not None and str(c).strip()]
    kinds = {c: _data_like(c) for c in filled}
    values = [c for c in filled if kinds[c]]
    if any(k == "date" for k in kinds.values()) or (filled and len(values) * 2 >= len(filled)):
        return values
    return []


def _header_problem(
    table: str,
    rel: str,
    sheet: str | None,
    rows: list[list[object]],
    header_idx: int,
    declared: bool,
) -> Problem | None:
    """Warn when the header row (guessed or declared) holds numbers or dates as column names.

    The warning names a better row when there is one near the top: the first that holds as many
    cells as the table is wide, none of them a number or a date, with a row of values below it.
    """
    if header_idx >= len(rows):
        return None
    values = _looks_like_data(rows[header_idx])
    if not values:
        return None
    width = max(sum(c is not None and str(c).strip() != "" for c in r) for r in rows[:50])
    better = None
    for i, cells in enumerate(rows[: HEADER_SEARCH_ROWS + 1]):
        filled = [c for c in cells if c is not None and str(c).strip()]
        below = rows[i + 1] if i + 1 < len(rows) else []
        if (
            i != header_idx
            and len(filled) >= max(2, width // 2 + 1)
            and not any(_data_like(c) for c in filled)
            and any(c is not None and str(c).strip() for c in below)
        ):
            better = i + 1
            break
    row = header_idx + 1
    shown = listing(values, 4, width=24)
    if declared:
        message = (
            f"tables.{table}.header_row is {row}, but row {row} holds values ({shown}), "
            "not column names"
        )
    else:
        message = (
            f"the header row looks wrong: no row names the table's columns, and the row taken "
            f"as the header (row {row}) holds values ({shown}), not column names"
        )
    if better is not None:
        hint = (
            f"row {better} looks like the header: try header_row: {better}, i.e. "
            f"tables: {{{table}: {{header_row: {better}}}}} in cxlab.yml"
        )
    else:
        hint = (
            "the file seems to have no header row: add one naming the columns, or, if the "
            f"header is further down, declare its row: tables: {{{table}: {{header_row: N}}}}"
        )
    return Problem("warning", "header_row", message, table=table, file=rel, sheet=sheet, hint=hint)


def _index_column(header: list[object], data: pd.DataFrame) -> bool:
    """Whether the first column is a row index as ``DataFrame.to_csv`` writes it.

    That is: no header, and in every row a whole number, increasing from row to row
    (``0, 1, 2, …``, or the index of a filtered frame such as ``3, 7, 12``).
    """
    if not header or len(data) == 0 or 0 not in data.columns:
        return False
    first = header[0]
    if first is not None and not (isinstance(first, float) and np.isnan(first)):
        if str(first).strip():
            return False
    col = data[0]
    if col.isna().any():
        return False
    if pd.api.types.is_string_dtype(col.dtype):
        if not col.str.fullmatch(r"\d{1,15}").all():
            return False
        numbers = col.astype("int64")
    elif pd.api.types.is_integer_dtype(col.dtype):
        numbers = col.astype("int64")
    else:
        return False
    return bool((numbers >= 0).all() and (numbers.diff().iloc[1:] > 0).all())


def _index_problem(table: str, rel: str, sheet: str | None) -> Problem:
    return Problem(
        "warning",
        "index_column",
        "the first column has no header and numbers the rows (0, 1, 2, …), as pandas writes "
        "a table's index with DataFrame.to_csv; it is not read",
        table=table,
        file=rel,
        sheet=sheet,
        column="column A",
        hint="nothing to do; to leave it out of the export, write it with "
        "DataFrame.to_csv(path, index=False)",
    )


def _shown(delim: str) -> str:
    """Name a delimiter the way messages do."""
    return "tab" if delim == "\t" else repr(delim)


def _yaml_delimiter(delim: str) -> str:
    """Write a delimiter the way cxlab.yml takes it."""
    return "tab" if delim == "\t" else f'"{delim}"'


@dataclass
class _Split:
    """Another delimiter that splits a file better than the one used."""

    delimiter: str
    header: list[str]
    #: The header names the table's required columns when split so.
    recognised: bool
    #: Most data lines have as many fields as the header when split so.
    consistent: bool


def _other_delimiter(head: str, current: str, table: str, renames: dict[str, str]) -> _Split | None:
    """Find the delimiter, other than ``current``, that splits the top of the file into a table."""
    best: tuple[tuple[bool, bool, int], _Split] | None = None
    for delim in SUGGESTED_DELIMITERS:
        if delim == current:
            continue
        rows = [r for r, _ in _records(head, delim, HEADER_SEARCH_ROWS + 20)]
        idx = _find_header(table, rows, renames)  # type: ignore[arg-type]
        recognised = idx is not None and len(rows[idx]) > 1
        if idx is None:
            idx = _fallback_header(rows)  # type: ignore[arg-type]
        if idx >= len(rows):
            continue
        header = rows[idx]
        data = [r for r in rows[idx + 1 :] if any(c.strip() for c in r)][:20]
        consistent = (
            len(header) > 1
            and bool(data)
            and sum(len(r) == len(header) for r in data) >= 0.8 * len(data)
        )
        if not (recognised or consistent):
            continue
        score = (recognised, consistent, len(header))
        if best is None or score > best[0]:
            best = (score, _Split(delim, header, recognised, consistent))
    return best[1] if best else None


def _delimiter_problem(
    table: str, rel: str, current: str, declared: bool, split: _Split, badly: str
) -> Problem:
    """Say which delimiter the file looks split by, and which cxlab.yml key fixes it."""
    other, cur = _shown(split.delimiter), _shown(current)
    names = listing([c.strip() for c in split.header], 6, width=30)
    split_at = f"split at {other}, the header has {len(split.header)} columns ({names})"
    key = f"tables: {{{table}: {{delimiter: {_yaml_delimiter(split.delimiter)}}}}}"
    if declared:
        message = (
            f"tables.{table}.delimiter in cxlab.yml declares {cur}, but the file's lines are "
            f"separated by {other}: split at {cur}, {badly}; {split_at}"
        )
        hint = f"change the delimiter in cxlab.yml to {key}" + (
            ", or remove the delimiter setting: cxlab detects this one by itself"
            if split.delimiter in DELIMITERS
            else ""
        )
    else:
        message = (
            f"the file's lines look separated by {other}, not {cur}: split at {cur}, {badly}; "
            f"{split_at}"
        )
        hint = f"declare the delimiter in cxlab.yml: {key}"
    if not split.consistent:
        hint += (
            f"; values that contain {other} themselves (times such as 10:30, for instance) "
            "must then be in double quotes"
        )
    return Problem("error", "delimiter", message, table=table, file=rel, hint=hint)


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
    raw = _archive.read_unpacked(cand.path)
    if not raw or raw.isspace():  # as ``not raw.strip()``, without copying the file
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
    signature = _signature(raw)
    if signature is not None:
        problems.append(_not_a_text_table(table, rel, *signature))
        return None
    declared = opts.encoding
    utf16 = None if raw.startswith(_BOMS) else _utf16_order(raw)
    if utf16 and declared and "16" not in declared:
        problems.append(
            Problem(
                "error",
                "encoding",
                f"the file looks like UTF-16 text (every second byte is zero), but "
                f"tables.{table}.encoding in cxlab.yml declares {quoted(declared)}",
                table=table,
                file=rel,
                hint=f"set encoding: utf-16 under tables.{table} in cxlab.yml, or remove the "
                "encoding setting: cxlab detects UTF-16 by itself",
            )
        )
        return None
    try:
        text, encoding = _decode(raw, declared, utf16)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        if declared:
            message = (
                f"the file is not {quoted(declared)} text: byte "
                f"{raw[exc.start : exc.start + 1]!r} on line {line} cannot be decoded"
            )
            hint = (
                "remove 'encoding:' from cxlab.yml to let cxlab detect it, or declare the "
                "encoding the file was saved with (utf-8, cp1252, latin-1, utf-16)"
            )
        else:
            message = (
                f"the file looks like UTF-16 text, but byte {exc.start:,} cannot be decoded as "
                "UTF-16: the file is probably cut off or damaged"
            )
            hint = "export the table again, preferably as CSV in UTF-8"
        problems.append(Problem("error", "encoding", message, table=table, file=rel, hint=hint))
        return None
    if _looks_binary(text):
        problems.append(
            _not_a_text_table(
                table,
                rel,
                "binary data (zero bytes or control characters)",
                "check that this is the exported table and not a damaged or other file; export "
                "it again",
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
    header_cells = rows[header_idx] if header_idx < len(rows) else []
    width = sum(1 for c in header_cells if c.strip())
    if found is None:
        # No row names the table's columns: another delimiter may explain why. It must name
        # them itself, or split the rows evenly into more columns than this one does.
        split = _other_delimiter(head, delim, table, renames)
        if split is not None and (
            split.recognised or (split.consistent and len(split.header) > max(width, 1))
        ):
            badly = "the file is one column" if width <= 1 else "no row names the table's columns"
            problems.append(
                _delimiter_problem(table, rel, delim, bool(opts.delimiter), split, badly)
            )
            return None
    if found is None or opts.header_row:
        warning = _header_problem(table, rel, None, rows, header_idx, bool(opts.header_row))
        if warning is not None:
            problems.append(warning)
    skip = recs[header_idx - 1][1] if header_idx > 0 else 0
    header_row = header_idx + 1
    grid = _arrow_grid(raw, encoding, delim, skip)
    try:
        if grid is None:
            grid = _c_grid(raw, encoding, delim, skip)
    except pd.errors.ParserError as exc:
        problems.append(_ragged(raw.decode(encoding), delim, skip, header_row, rel, table, exc))
        return None
    except pd.errors.EmptyDataError:
        grid = pd.DataFrame(dtype="str")
    header = list(grid.iloc[0]) if len(grid) else []
    data = grid.iloc[1:]
    return _finish(cand, rel, header, data, header_row, opts.decimal, renames, problems)


def _c_grid(raw: bytes, encoding: str, delim: str, skip: int) -> pd.DataFrame:
    """Read every cell as text with pandas' C parser: the reader of the files Arrow declines."""
    return pd.read_csv(
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


#: Encodings Arrow's CSV reader reads as they are (it reads UTF-8 only).
_ARROW_ENCODINGS = frozenset({"utf-8", "utf8", "utf-8-sig", "ascii"})


@functools.cache
def _arrow_keeps_text() -> bool:
    """Whether this pandas and pyarrow read ``dtype=str`` as the text written.

    Older pairs infer types first and turn the values into text afterwards (``007`` becomes
    ``7``); with them every file goes to the C parser.
    """
    try:
        grid = pd.read_csv(io.BytesIO(b"007,1.50,true\n"), header=None, dtype=str, engine="pyarrow")
    except (ImportError, ValueError):
        return False
    return grid.iloc[0].tolist() == ["007", "1.50", "true"]


def _arrow_grid(raw: bytes, encoding: str, delim: str, skip: int) -> pd.DataFrame | None:
    """Read every cell as text with pandas' Arrow engine, or None when the file needs the C parser.

    The result is the frame :func:`_c_grid` gives (columns numbered from 0, the header as the
    first row, empty cells missing, text in Arrow-backed strings), made without a Python object
    per cell. Arrow takes only the regular files: UTF-8 text, the header on the first line,
    every record as wide as the first. For anything else (another encoding, rows to skip above
    the header, a short or long record) it returns None, and the C parser reads the file and
    reports its problems as before.
    """
    if (
        skip
        or encoding.lower().replace("_", "-") not in _ARROW_ENCODINGS
        or not _arrow_keeps_text()
    ):
        return None
    import pyarrow as pa

    body = raw[3:] if raw.startswith(b"\xef\xbb\xbf") else raw
    try:
        grid = pd.read_csv(
            io.BytesIO(body),
            sep=delim,
            header=None,
            dtype=str,
            encoding="utf-8",
            skip_blank_lines=False,
            keep_default_na=False,
            na_values=[""],
            engine="pyarrow",
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, pa.ArrowException, ValueError):
        return None
    if not all(isinstance(grid[c].array, pd.arrays.ArrowStringArray) for c in grid.columns):
        return None
    return grid


def _read_xes(cand: Candidate, rel: str, problems: list[Problem]) -> RawTable | None:
    """Read an XES event log (see :mod:`cxlab.contract._xes`): one row per event."""
    with _archive.open_unpacked(cand.path) as stream:
        head = stream.read(4096)
        if not head.strip():
            problems.append(
                Problem(
                    "error",
                    "empty_file",
                    "the file is empty",
                    table=cand.table,
                    file=rel,
                    hint="export the event log again; an XES file starts with <?xml or <log",
                )
            )
            return None
        signature = _signature(head)
        if signature is not None:
            what, fix = signature
            problems.append(
                Problem(
                    "error",
                    "unsupported_format",
                    f"not an event log: the file holds {what}, not XES text",
                    table=cand.table,
                    file=rel,
                    hint=f"{fix}; cxlab reads event logs as .xes files (or .xes.gz)",
                )
            )
            return None
        log = _xes.read_log(_Prefixed(head, stream))
    if not len(log.frame):
        problems.append(
            Problem(
                "error",
                "no_data_rows",
                f"the event log holds no events ({log.traces} trace(s) without events)",
                table=cand.table,
                file=rel,
                hint="export the log again with its events",
            )
        )
        return None
    return _finish(
        cand, rel, log.header, log.frame, 1, ".", {}, problems, row_numbers=_rows_of(log.lines)
    )


class _Prefixed:
    """A stream with bytes already read put back in front of it."""

    def __init__(self, head: bytes, stream: object):
        self.head, self.stream = head, stream

    def read(self, size: int = -1) -> bytes:
        if self.head:
            out, self.head = self.head, b""
            return out
        return self.stream.read(size)  # type: ignore[attr-defined]


def _rows_of(lines: np.ndarray) -> np.ndarray | None:
    """Row numbers for an event log: each event's line, unless several events share a line."""
    if len(lines) and bool(np.all(np.diff(lines) > 0)):
        return lines
    return None


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
        message = f"the file cannot be split into columns: {excerpt(exc, 160)}"
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
                    hint=f"the workbook's sheets are: {listing(wb.sheetnames)}",
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
    found = None
    if opts.header_row:
        header_idx = opts.header_row - 1
    else:
        found = _find_header(table, rows, renames)  # type: ignore[arg-type]
        header_idx = found if found is not None else _fallback_header(rows)  # type: ignore[arg-type]
    if header_idx >= len(rows):
        header_idx = len(rows) - 1
    if found is None:
        warning = _header_problem(table, rel, sheet, rows, header_idx, bool(opts.header_row))  # type: ignore[arg-type]
        if warning is not None:
            problems.append(warning)
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


def _blanks_missing(s: pd.Series) -> pd.Series:
    """Strip each value's surrounding whitespace; a value that is then a missing marker is missing.

    Arrow-backed text goes straight through Arrow's kernels (``utf8_trim_whitespace``,
    ``is_in``, ``if_else``), the ones pandas' ``str.strip``, ``isin`` and ``mask`` call, without
    pandas' steps between them: half the time on a million-row table (0.13 s against 0.27 s for
    the six columns of a million events).
    """
    if not isinstance(s.array, pd.arrays.ArrowStringArray):
        s = s.str.strip()
        return s.mask(s.isin(MISSING))
    import pyarrow as pa
    import pyarrow.compute as pc

    trimmed = pc.utf8_trim_whitespace(pa.array(s.array))
    missing = pc.is_in(trimmed, value_set=pa.array(MISSING, type=trimmed.type))
    kept = trimmed
    if pc.any(missing).as_py():
        kept = pc.if_else(missing, pa.scalar(None, type=trimmed.type), trimmed)
    return pd.Series(pd.arrays.ArrowStringArray(kept, dtype=s.dtype), index=s.index, name=s.name)


def _finish(
    cand: Candidate,
    rel: str,
    header: list[object],
    data: pd.DataFrame,
    header_row: int,
    decimal: str,
    renames: dict[str, str],
    problems: list[Problem],
    *,
    row_numbers: np.ndarray | None = None,
) -> RawTable | None:
    """Name the columns, number the rows, normalise blanks; shared by every reader.

    Rows are numbered from the one below the header, unless ``row_numbers`` gives each row's
    number (an event log numbers its events by the line they start on).
    """
    table, sheet = cand.table, cand.sheet
    source = SourceFile(table, cand.path, sheet, header_row)
    if row_numbers is None:
        row_numbers = np.arange(header_row + 1, header_row + 1 + len(data))
    data = data.set_axis(row_numbers, axis=0)
    cols = {}
    for pos in data.columns:
        s = data[pos]
        if pd.api.types.is_string_dtype(s.dtype):
            s = _blanks_missing(s)
        cols[pos] = s
    data = pd.DataFrame(cols, index=data.index) if cols else data
    if _index_column(header, data):
        data = data.drop(columns=[0])
        problems.append(_index_problem(table, rel, sheet))
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
