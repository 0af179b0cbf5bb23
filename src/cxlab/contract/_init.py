"""Drafting a ``cxlab.yml`` from a folder of client exports: what ``cxlab init`` writes.

The draft is a guess from the files alone, written so that a consultant can check each guess
against its evidence. Every file the folder holds is read the way the contract reads it (CSV
sniffing, workbooks sheet by sheet, Parquet, XES event logs, ``.gz`` and ``.zip``), and every
column is profiled: what kind of values it holds (whole numbers, numbers, dates, yes/no, text),
their range, how many are missing, how many distinct values it has. From the profiles:

* **which file is which table**: by its name (``orders`` is not ``transactions``, but
  ``Transactions.csv`` is), an event log is always ``events``, and otherwise by its columns — a
  customer id with a date and an amount (or a quantity and a unit price) is a transaction log, a
  unique customer id with attributes a customer list, rating columns a survey, a case, an
  activity and a time stamp an event log;
* **which column is which contract column**: by the names exports commonly use (in English and
  German), checked against the values (a date column must hold dates, an NPS 0–10);
* **rating scales**: the smallest usual scale that holds a column's whole numbers (1–5, 1–7,
  0–10, 1–10); a 0–10 "recommend" question is the NPS;
* **date formats**: day-first or month-first, from the values (a day above 12 decides), said to
  be undecidable when no value decides;
* **personal data**: columns whose names say so (e-mail, phone, name, address, birth date) or
  whose values hold e-mail addresses, phone, card or account numbers
  (:func:`cxlab.ethics.find_pii` on a sample of them);
* what the consultant must **decide**: the client's name, industry, currency, the driver items
  and how churn is defined.

Only keys the contract knows are written as YAML; everything else is a comment. The client's
text (file and column names, example values) appears in comments only as short printable
excerpts, so no value can end a comment line and add a setting; names written as YAML keys or
values are quoted with every character that is not printable escaped.
"""

from __future__ import annotations

import errno
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from cxlab.contract import _archive, _parse
from cxlab.contract._files import unsafe_reason
from cxlab.contract._read import (
    EXCEL_SUFFIXES,
    READABLE,
    UNSUPPORTED,
    Candidate,
    RawTable,
    Workbooks,
    read_table,
)
from cxlab.contract._spec import BOOL_FALSE, BOOL_TRUE, CES_SCALES, CSAT_SCALES, KINDS, column_key
from cxlab.contract._yaml import CONFIG_NAMES
from cxlab.contract.bundle import TABLES
from cxlab.contract.config import BundleConfig, TableSource
from cxlab.errors import Problem, excerpt
from cxlab.pii import find_pii

__all__ = ["Draft", "DraftSource", "draft_config", "write_draft"]

#: How many distinct values of a column are searched for personal details.
PII_SAMPLE = 200
#: Share of a column's sampled values holding a personal detail that marks the column as personal.
PII_SHARE = 0.2
#: Widest excerpt of a client value in a comment.
VALUE_WIDTH = 24
#: Widest excerpt of a client column or file name in a comment.
NAME_WIDTH = 40

# -- names exports use ---------------------------------------------------------------------------
# Compared after column_key (case, spaces, "_", "-" and "." removed).

_NAMES: dict[str, frozenset[str]] = {
    "customer_id": frozenset(
        "customerid customer customerno customernumber custid customerkey clientid client "
        "clientno clientnumber kundennr kundennummer kundenid kunde userid accountid memberid "
        "contactid buyerid shopperid".split()
    ),
    "case_id": frozenset("case:concept:name caseid case caseno casenumber".split()),
    "order_id": frozenset(
        "orderid orderno ordernumber order invoiceno invoice invoiceid invoicenumber "
        "transactionid receiptno receiptid bestellnr bestellnummer rechnungsnr "
        "rechnungsnummer".split()
    ),
    "response_id": frozenset(
        "responseid respondentid submissionid answerid surveyresponseid".split()
    ),
    "date": frozenset(
        "date orderdate invoicedate purchasedate transactiondate saledate createdat created "
        "datum bestelldatum rechnungsdatum submittedat submitted responsedate surveydate "
        "completedat completed timestamp time datetime starttime endtime".split()
    ),
    "timestamp": frozenset(
        "time:timestamp timestamp time datetime eventtime eventdate date starttime "
        "completetime createdat zeit datum zeitstempel".split()
    ),
    "signup_date": frozenset(
        "signupdate signup registered registrationdate registeredat joindate joined joinedat "
        "created createdat customersince since firstorderdate registriert anmeldedatum".split()
    ),
    "amount": frozenset(
        "amount total linetotal lineamount ordertotal revenue sales value netamount "
        "grossamount totalamount betrag umsatz sum summe".split()
    ),
    "quantity": frozenset("quantity qty units menge anzahl".split()),
    "unit_price": frozenset("unitprice price priceeach einzelpreis preis".split()),
    "product": frozenset(
        "product productname description item itemname itemdescription article artikel "
        "produkt bezeichnung".split()
    ),
    "category": frozenset("category productcategory kategorie department".split()),
    "channel": frozenset("channel saleschannel kanal".split()),
    "stage": frozenset(
        "concept:name activity activityname stage step phase eventname event status task".split()
    ),
    "touchpoint": frozenset("touchpoint touchpoints".split()),
    "comment": frozenset(
        "comment comments feedback remarks text review reviewtext verbatim kommentar notes "
        "note freetext opencomment".split()
    ),
    "consent": frozenset(
        "consent marketingconsent newsletter optin marketingoptin emailoptin einwilligung".split()
    ),
    "churn": frozenset("churn churned cancelled canceled exited attrition lost".split()),
    "sensitive": frozenset("sex age ageband agegroup alter".split()),
}
#: Parts of a column name that mark a protected attribute (``owner_gender``, ``ethnic_group``).
_SENSITIVE_PARTS = (
    "gender", "ethnic", "religio", "disab", "nationalit", "marital", "geschlecht",
)  # fmt: skip
#: Parts of a column name that say a survey question is a score.
_SCORE_PARTS = {
    "nps": ("recommend", "nps", "weiterempf"),
    "csat": ("satisf", "csat", "zufrieden"),
    "ces": ("effort", "easy", "ces", "aufwand"),
}
#: Parts of a column name that say it holds personal data, with what it holds.
_PII_NAMES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("email", "mail"), "e-mail addresses"),
    (("phone", "telephone", "telefon", "mobile", "handy", "fax"), "phone numbers"),
    (("firstname", "lastname", "fullname", "surname", "vorname", "nachname", "givenname",
      "familyname", "customername", "contactname"), "names"),
    (("address", "street", "strasse", "adresse"), "addresses"),
    (("birth", "geburt"), "birth dates"),
    (("iban", "cardnumber", "creditcard", "accountnumber"), "account or card numbers"),
    (("ipaddress",), "IP addresses"),
)  # fmt: skip
_PII_EXACT = {"name": "names", "dob": "birth dates", "tel": "phone numbers", "ip": "IP addresses"}
_PII_KINDS = {
    "email": "e-mail addresses",
    "phone": "phone numbers",
    "card": "card numbers",
    "iban": "IBANs",
}
_YAML_WORDS = frozenset(
    "y n yes no on off true false null ~ nan inf".split()
)  # words YAML 1.1 reads as booleans or nulls


# -- profiles ------------------------------------------------------------------------------------


@dataclass
class Profile:
    """What one column holds."""

    name: str  # header as the frame has it (what cxlab.yml names)
    written: str  # header as written in the file
    rows: int
    missing: int
    kind: str  # empty, bool, integer, number, date, text
    low: object = None
    high: object = None
    distinct: int = 0
    top: list[tuple[str, int]] = field(default_factory=list)
    decimal: str = "."
    date_format: str | None = None
    ambiguous: str | None = None
    negatives: int = 0
    mean_length: float = 0.0
    pii: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        """The name's comparison key."""
        return column_key(self.name)

    @property
    def present(self) -> int:
        """How many rows have a value."""
        return self.rows - self.missing

    @property
    def unique(self) -> bool:
        """Every present value is different (and there is more than one)."""
        return self.present > 1 and self.distinct == self.present

    @property
    def scale(self) -> tuple[int, int] | None:
        """The smallest usual rating scale holding the column's whole numbers, if any.

        A column of only two values is a flag or too thin to tell; it has no scale.
        """
        if self.kind != "integer" or not 3 <= self.distinct <= 11:
            return None
        low, high = int(self.low), int(self.high)  # type: ignore[call-overload]
        if low < 0 or high > 10 or high == low:
            return None
        if low == 0:
            return (0, 5) if high <= 5 else (0, 10)
        for top in (5, 7, 10):
            if high <= top:
                return (1, top)
        return None


def _profile(name: str, written: str, s: pd.Series) -> Profile:
    rows = len(s)
    present = s.dropna()
    prof = Profile(name, written, rows, rows - len(present), "empty")
    if present.empty:
        return prof
    if pd.api.types.is_bool_dtype(present.dtype):
        prof.kind = "bool"
        _counts(prof, present.astype(str))
        return prof
    if pd.api.types.is_datetime64_any_dtype(present.dtype):
        _dated(prof, present, None, None)
        return prof
    if pd.api.types.is_numeric_dtype(present.dtype):
        _numeric(prof, present.astype("float64"))
        _counts(prof, _parse.as_text(present))
        return prof
    text = _parse.as_text(present).astype("str")
    _counts(prof, text)
    words = text.str.strip().str.casefold()
    if words.isin(BOOL_TRUE + BOOL_FALSE).all() and not words.isin(("0", "1")).all():
        prof.kind = "bool"
    elif (number := _numbers(text)) is not None:
        _numeric(prof, number[0])
        prof.decimal = number[1]
    else:
        dates = _parse.parse_dates(text) if _dates_at_head(text) else None
        if dates is not None and not dates.bad.any() and dates.values.notna().any():
            _dated(prof, dates.values, dates.format, dates.ambiguous)
        else:
            prof.kind = "text"
            prof.mean_length = float(text.str.len().mean())
    if prof.kind in ("text", "integer", "number"):
        prof.pii = _pii_in_values(text)
    return prof


#: Values looked at first: a column whose first values are not all numbers (or dates) is not
#: parsed whole, which keeps a draft of a million-row export to seconds.
_HEAD = 1000


def _numbers(text: pd.Series) -> tuple[pd.Series, str] | None:
    """Parse a column of numbers written as text, with "." or "," as decimal separator."""
    head = text.iloc[:_HEAD]
    for decimal in (".", ","):
        if decimal == "," and not head.str.contains(",", regex=False).any():
            return None
        if _parse.parse_numbers(head, decimal)[1].any():
            continue
        values, bad = _parse.parse_numbers(text, decimal)
        if not bad.any():
            return values, decimal
    return None


def _dates_at_head(text: pd.Series) -> bool:
    return not _parse.parse_dates(text.iloc[:_HEAD]).bad.any()


def _counts(prof: Profile, text: pd.Series) -> None:
    counts = text.value_counts()
    prof.distinct = len(counts)
    prof.top = [(str(v), int(n)) for v, n in counts.iloc[:3].items()]


def _numeric(prof: Profile, values: pd.Series) -> None:
    integral = bool(((values % 1) == 0).all())
    prof.kind = "integer" if integral else "number"
    prof.low, prof.high = float(values.min()), float(values.max())
    prof.negatives = int((values < 0).sum())


def _dated(prof: Profile, values: pd.Series, fmt: str | None, ambiguous: str | None) -> None:
    prof.kind = "date"
    prof.low, prof.high = values.min(), values.max()
    prof.date_format, prof.ambiguous = fmt, ambiguous
    prof.distinct = int(values.nunique())


def _pii_in_values(text: pd.Series) -> list[str]:
    """Kinds of personal detail found in a sample of the column's distinct values."""
    sample = [v for v in text.drop_duplicates().iloc[:PII_SAMPLE] if isinstance(v, str)]
    if not sample:
        return []
    found: Counter[str] = Counter()
    for value in sample:
        for kind in {m.kind for m in find_pii(value[:500])}:
            found[kind] += 1
    return [_PII_KINDS[k] for k, n in found.most_common() if n >= max(1, PII_SHARE * len(sample))]


def _pii_by_name(key: str) -> str | None:
    if key in _PII_EXACT:
        return _PII_EXACT[key]
    for parts, what in _PII_NAMES:
        if any(part in key for part in parts):
            return what
    return None


# -- sources and tables --------------------------------------------------------------------------


@dataclass
class DraftSource:
    """One file (or sheet) of the folder, and what the draft makes of it.

    Parameters
    ----------
    file : str
        The file's name in the folder.
    sheet : str, optional
        The sheet, for workbooks.
    table : str, optional
        The contract table the draft reads it as; None when it is not used.
    rows : int
        Rows (events, for a log) read.
    note : str
        Why it is not used, or what to know about it.
    """

    file: str
    sheet: str | None = None
    table: str | None = None
    rows: int = 0
    note: str = ""
    profiles: list[Profile] = field(default_factory=list, repr=False)
    header_row: int | None = field(default=None, repr=False)
    fmt: str = field(default="csv", repr=False)
    notes: list[str] = field(default_factory=list, repr=False)
    score: dict[str, float] = field(default_factory=dict, repr=False)
    named: str | None = field(default=None, repr=False)

    @property
    def label(self) -> str:
        """File name, with the sheet for workbooks."""
        return self.file + (f" [sheet {self.sheet}]" if self.sheet else "")


@dataclass
class Draft:
    """A drafted ``cxlab.yml`` and what it was drafted from.

    Parameters
    ----------
    text : str
        The draft, YAML with comments.
    sources : list of DraftSource
        Every file (and sheet) looked at, with the table it was taken for.
    personal : list of str
        Columns suspected of holding personal data, as ``"file › column: what"``.
    """

    text: str
    sources: list[DraftSource]
    personal: list[str]

    @property
    def tables(self) -> dict[str, DraftSource]:
        """The source chosen for each table."""
        return {s.table: s for s in self.sources if s.table is not None}


def _table_named(name: str) -> str | None:
    key = column_key(name)
    return next((t for t in TABLES if t == key), None)


def _read_sources(folder: Path, books: Workbooks) -> list[DraftSource]:
    """Read every file of the folder as the contract would, noting the ones it cannot read."""
    sources: list[DraftSource] = []
    for path in sorted(folder.iterdir()):
        name = path.name
        if name.startswith((".", "~$", "__")) or name.lower() in CONFIG_NAMES:
            continue
        if name.lower().startswith("readme"):
            continue
        if unsafe_reason(path, folder) is not None:
            sources.append(DraftSource(name, note="not read: a link or special file"))
            continue
        if path.is_dir():
            sources.append(DraftSource(name + "/", note="a folder; only files are read"))
            continue
        stem, suffix = _archive.name_parts(name)
        if suffix not in READABLE:
            why = UNSUPPORTED.get(suffix)
            sources.append(
                DraftSource(name, note=f"cannot be read: {why}" if why else "not a table file")
            )
            continue
        if suffix in EXCEL_SUFFIXES:
            try:
                sheets = books.get(path).sheetnames
            except Exception as exc:  # a damaged workbook must not stop the draft
                sources.append(DraftSource(name, note=f"cannot be opened ({type(exc).__name__})"))
                continue
            for sheet in sheets:
                named = _table_named(sheet) or _table_named(stem)
                sources.append(_read_one(folder, path, sheet, named, books))
            continue
        sources.append(_read_one(folder, path, None, _table_named(stem), books))
    return sources


def _read_one(
    folder: Path, path: Path, sheet: str | None, named: str | None, books: Workbooks
) -> DraftSource:
    try:
        fmt = _archive.table_format(path)
    except (_archive.FileRefused, OSError, ValueError) as exc:
        message = exc.message if isinstance(exc, _archive.FileRefused) else type(exc).__name__
        return DraftSource(path.name, sheet, note=f"cannot be read: {message}")
    guess = named or ("events" if fmt == "xes" else "transactions")
    src = DraftSource(path.name, sheet, fmt=fmt, named=named)
    raw, problems = _raw(folder, path, sheet, guess, None, books)
    suggested = _suggested_header(problems)
    if raw is not None and suggested is not None:
        again, more = _raw(folder, path, sheet, guess, suggested, books)
        if again is not None:
            raw, problems, src.header_row = again, more, suggested
    if raw is None:
        errors = [p for p in problems if p.severity == "error"]
        src.note = "cannot be read: " + (errors[0].message if errors else "unknown reason")
        return src
    for p in problems:
        if p.rule in ("index_column", "unnamed_column", "duplicate_column", "header_row"):
            src.notes.append(p.message)
    src.rows = len(raw.frame)
    src.profiles = [
        _profile(col, raw.written.get(col, col), raw.frame[col]) for col in raw.frame.columns
    ]
    return src


def _raw(
    folder: Path,
    path: Path,
    sheet: str | None,
    table: str,
    header_row: int | None,
    books: Workbooks,
) -> tuple[RawTable | None, list[Problem]]:
    problems: list[Problem] = []
    options = TableSource(file="", sheet=sheet, header_row=header_row)
    cand = Candidate(table, path, options, sheet)
    raw = read_table(cand, folder, BundleConfig(), None, books, problems)
    return raw, problems


def _suggested_header(problems: list[Problem]) -> int | None:
    """Return the row a ``header_row`` warning proposes (its hint says ``header_row: N``)."""
    for p in problems:
        if p.rule == "header_row":
            found = re.search(r"header_row: (\d+)\}", p.hint)
            if found:
                return int(found.group(1))
    return None


# -- which column is which -----------------------------------------------------------------------


def _named(prof: Profile, role: str) -> bool:
    key = prof.key
    if key in _NAMES[role]:
        return True
    if role == "sensitive":
        return any(part in key for part in _SENSITIVE_PARTS)
    return role == "customer_id" and key.endswith("customerid")


def _score_named(prof: Profile, score: str) -> bool:
    key = prof.key
    parts = _SCORE_PARTS[score]
    if score == "ces":
        return any(p in key for p in parts[:2]) or key == "ces" or key.startswith("ces")
    return any(p in key for p in parts)


def _score_fits(prof: Profile, score: str) -> bool:
    scale = prof.scale
    if scale is None:
        return False
    if score == "nps":
        return scale in ((0, 10), (1, 10), (1, 7), (0, 5), (1, 5)) and scale[1] > 5
    if score == "csat":
        return scale in CSAT_SCALES or (scale[0] == 1 and scale[1] <= 5)
    return scale in CES_SCALES or (scale[0] == 1 and scale[1] <= 7)


def _pick(profiles: list[Profile], taken: set[str], test) -> Profile | None:
    return next((p for p in profiles if p.name not in taken and test(p)), None)


def _assign(table: str, profiles: list[Profile], fmt: str) -> dict[str, Profile]:
    """Contract column -> the client's column chosen for it."""
    out: dict[str, Profile] = {}
    taken: set[str] = set()
    contract = {column_key(c): c for c in KINDS[table]}
    for prof in profiles:  # a column already named like a contract column keeps that role
        canon = contract.get(prof.key)
        if canon is not None and canon not in out:
            out[canon] = prof
            taken.add(prof.name)

    def take(role: str, test) -> None:
        if role in out:
            return
        prof = _pick(profiles, taken, test)
        if prof is not None:
            out[role] = prof
            taken.add(prof.name)

    def dated(role: str):
        return lambda p: p.kind == "date" and _named(p, role)

    if table == "events":
        take(
            "customer_id",
            lambda p: p.key.removeprefix("case:") in _NAMES["customer_id"] and p.kind != "date",
        )
        take("customer_id", lambda p: _named(p, "case_id") and p.kind != "date")
        take("timestamp", dated("timestamp"))
        take("timestamp", lambda p: p.kind == "date")
        take("stage", lambda p: _named(p, "stage") and p.kind == "text")
        take("touchpoint", lambda p: _named(p, "touchpoint"))
        take("channel", lambda p: _named(p, "channel"))
        return out
    take("customer_id", lambda p: _named(p, "customer_id") and p.kind != "date")
    if table == "customers":
        take("signup_date", dated("signup_date"))
        return out
    if table == "transactions":
        take("date", dated("date"))
        take("date", lambda p: p.kind == "date")
        take("amount", lambda p: _named(p, "amount") and p.kind in ("number", "integer"))
        take("order_id", lambda p: _named(p, "order_id"))
        take("quantity", lambda p: _named(p, "quantity") and p.kind == "integer")
        take("product", lambda p: _named(p, "product") and p.kind == "text")
        take("category", lambda p: _named(p, "category"))
        take("channel", lambda p: _named(p, "channel"))
        return out
    # responses
    take("date", dated("date"))
    take("date", lambda p: p.kind == "date")
    for score in ("nps", "csat", "ces"):
        take(score, lambda p, s=score: _score_named(p, s) and _score_fits(p, s))
    take("response_id", lambda p: _named(p, "response_id"))
    take("touchpoint", lambda p: _named(p, "touchpoint"))
    take("channel", lambda p: _named(p, "channel"))
    take("comment", lambda p: _named(p, "comment") and p.kind == "text")
    take("comment", lambda p: p.kind == "text" and p.mean_length >= 20 and not p.pii)
    return out


def _items(profiles: list[Profile], mapped: dict[str, Profile]) -> list[Profile]:
    """Rating items: whole numbers on one usual scale, not already a score (the largest group)."""
    used = {p.name for p in mapped.values()}
    groups: dict[tuple[int, int], list[Profile]] = {}
    for p in profiles:
        if p.name in used or p.scale is None or p.unique or p.distinct < 2:
            continue
        groups.setdefault(p.scale, []).append(p)
    if not groups:
        return []
    best = max(groups.values(), key=len)
    return best if len(best) >= 2 else []


def _table_scores(src: DraftSource) -> dict[str, float]:
    """How well the columns fit each table (about one point per required column found)."""
    profs = src.profiles
    scores: dict[str, float] = {}
    for table in TABLES:
        m = _assign(table, profs, src.fmt)
        if table == "events":
            s = sum(c in m for c in ("customer_id", "timestamp", "stage"))
            s += 1.0 if src.fmt == "xes" else 0.0
        elif table == "transactions":
            s = sum(c in m for c in ("customer_id", "date"))
            if "amount" in m:
                s += 1
            elif any(_named(p, "unit_price") for p in profs) and "quantity" in m:
                s += 0.75
            s += 0.25 * ("order_id" in m) + 0.25 * ("quantity" in m or "product" in m)
            if "customer_id" in m and m["customer_id"].unique:
                s -= 1  # one row per customer is a customer list
        elif table == "responses":
            found = sum(c in m for c in ("nps", "csat", "ces"))
            s = 1.5 * min(found, 2) + (1.0 if len(_items(profs, m)) >= 2 else 0.0)
            s += 0.5 * ("date" in m) + 0.25 * ("comment" in m)
        else:
            s = 0.0
            if "customer_id" in m and m["customer_id"].unique:
                s = 2.0 + 0.5 * ("signup_date" in m)
                if any(p.kind in ("number", "integer") and _named(p, "amount") for p in profs):
                    s -= 0.5
        scores[table] = s
    return scores


def _classify(sources: list[DraftSource]) -> None:
    """Give each table one source: its name first, then the columns that fit it best."""
    readable = [s for s in sources if s.profiles]
    for src in readable:
        src.score = _table_scores(src)
    claims: dict[str, list[tuple[float, DraftSource]]] = {}
    for src in readable:
        if src.named:
            claims.setdefault(src.named, []).append((100.0, src))
        elif src.fmt == "xes":
            claims.setdefault("events", []).append((50.0 + src.score["events"], src))
        else:
            table, best = max(src.score.items(), key=lambda kv: kv[1])
            if best >= 2:
                claims.setdefault(table, []).append((best, src))
            else:
                src.note = "not recognised as one of the four tables (see its columns below)"
    for table, cands in claims.items():
        cands.sort(key=lambda c: -c[0])
        cands[0][1].table = table
        for _, other in cands[1:]:
            other.note = (
                f"also looks like the {table} table, which is read from {cands[0][1].label}; "
                "cxlab reads one source per table: merge them, or choose under 'tables:'"
            )


# -- writing YAML --------------------------------------------------------------------------------


_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def yaml_text(text: str) -> str:
    r"""Write ``text`` as a YAML scalar that reads back as exactly ``text``.

    Plain names stay plain; anything else is double-quoted, with ``\`` and ``"`` escaped and
    every character that is not printable (line breaks, tabs, control and direction
    characters) written as an escape, so no name can end its line or start a new setting.

    Examples
    --------
    >>> yaml_text("Online Retail.csv"), yaml_text("case:concept:name"), yaml_text("Yes")
    ('Online Retail.csv', '"case:concept:name"', '"Yes"')
    >>> yaml_text('Score\nnps: 10 # "x"')
    '"Score\\nnps: 10 # \\"x\\""'
    """
    if (
        re.fullmatch(r"[A-Za-z][\w.\-]*(?: [\w.\-]+)*", text, flags=re.ASCII)
        and text.casefold() not in _YAML_WORDS
    ):
        return text
    out = []
    for char in text:
        if char in '\\"':
            out.append("\\" + char)
        elif char.isprintable():
            out.append(char)
        elif char in _ESCAPES:
            out.append(_ESCAPES[char])
        else:
            code = ord(char)
            out.append(
                f"\\x{code:02x}"
                if code < 0x100
                else f"\\u{code:04x}"
                if code < 0x10000
                else f"\\U{code:08x}"
            )
    return '"' + "".join(out) + '"'


def _c(value: object, width: int = VALUE_WIDTH) -> str:
    """Quote a short printable excerpt of client text, for a comment."""
    return "'" + excerpt(value, width) + "'"


def _number(x: object) -> str:
    value = float(x)  # type: ignore[arg-type]
    if value.is_integer():
        return f"{int(value)}"
    return f"{value:.2f}"


def _day(x: object) -> str:
    stamp = pd.Timestamp(x)  # type: ignore[arg-type]
    return stamp.strftime("%Y-%m-%d") if stamp == stamp.normalize() else str(stamp)


_OFFSET = re.compile(r"(?:[+-]\d\d:?\d\d|Z)$")


def _date_words(fmt: str | None, ambiguous: str | None) -> str:
    if fmt is None:
        return "ISO 8601"
    if ambiguous:
        return f"{fmt} or {ambiguous}: no value decides"
    if "%d" in fmt and "%m" in fmt:
        first = "day-first" if fmt.index("%d") < fmt.index("%m") else "month-first"
        return f"{first}, {fmt}"
    return fmt


def evidence(prof: Profile, *, scale: bool = False) -> str:
    """Describe a column in one line: kind, range or examples, missing values.

    Parameters
    ----------
    prof : Profile
        The column's profile.
    scale : bool, default False
        Name the rating scale its whole numbers fit (for survey answers).

    Examples
    --------
    >>> import pandas as pd
    >>> answers = pd.Series(["4", "5", None, "2"], dtype="str")
    >>> evidence(_profile("Q1", "Q1", answers), scale=True)
    'whole numbers 2–5 (a 1–5 scale), 3 distinct; 25% missing'
    """
    if prof.kind == "empty":
        return "empty"
    if prof.kind == "bool":
        what = "yes/no: " + ", ".join(f"{_c(v)} {n:,}" for v, n in prof.top)
    elif prof.kind in ("integer", "number"):
        kind = "whole numbers" if prof.kind == "integer" else "numbers"
        what = f"{kind} {_number(prof.low)}–{_number(prof.high)}"
        if scale and prof.scale is not None:
            what += f" (a {prof.scale[0]}–{prof.scale[1]} scale)"
        if prof.decimal == ",":
            what += ", decimal comma"
        if prof.negatives:
            what += f", {prof.negatives:,} negative"
        what += f", {prof.distinct:,} distinct"
    elif prof.kind == "date":
        what = (
            f"dates {_day(prof.low)} – {_day(prof.high)} "
            f"({_date_words(prof.date_format, prof.ambiguous)})"
        )
        if any(_OFFSET.search(v) for v, _ in prof.top):
            what += ", with UTC offsets: read as UTC"
    else:
        if prof.unique:
            what = f"text, all {prof.distinct:,} different, e.g. {_c(prof.top[0][0])}"
        else:
            shown = ", ".join(_c(v) for v, _ in prof.top)
            what = f"text, {prof.distinct:,} distinct: {shown}"
    if prof.missing == 0:
        return what + "; none missing"
    share = prof.missing / prof.rows * 100
    return what + f"; {share:.0f}% missing" if share >= 1 else what + "; <1% missing"


class _Lines:
    """YAML lines, some live and some commented, indented by nesting level."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, text: str = "", *, level: int = 0, note: str = "", live: bool = True) -> None:
        pad = "  " * level
        if not text:
            self.lines.append(f"{pad}# {note}" if note else "")
            return
        # A commented setting keeps its own comment after "#", so that deleting the leading
        # "# " leaves a valid line.
        line = f"{pad}{text}" if live else f"{pad}# {text}"
        if note:
            line = f"{line.ljust(40)}  # {note}"
        self.lines.append(line)

    def block(self, title: str) -> None:
        self.lines += ["", f"# -- {title} " + "-" * max(4, 90 - len(title))]


def _flow(entries: dict[str, str]) -> str:
    return "{" + ", ".join(f"{k}: {v}" for k, v in entries.items()) + "}"


def _render(folder: Path, sources: list[DraftSource]) -> tuple[str, list[str]]:
    """Write the draft; also return the suspected personal-data columns for the summary."""
    chosen = {s.table: s for s in sources if s.table}
    out = _Lines()
    out.add(note="cxlab.yml: a draft written by `cxlab init` from the files in this folder.")
    out.add(note="Each setting below is a guess; the comment beside it gives the evidence.")
    out.add(note="Check the guesses, settle the points marked DECIDE, then run:")
    out.add(note="    cxlab validate <this folder>")
    out.add(note="docs/data-contract.md explains every key.")
    out.add()
    out.add(note="Files:")
    for src in sources:
        what = (
            f"{src.table} ({src.rows:,} {'events' if src.fmt == 'xes' else 'rows'})"
            if src.table
            else src.note or "not used"
        )
        out.add(note=f"  {excerpt(src.label, NAME_WIDTH)} -> {excerpt(what, 200)}")
        for note in src.notes:
            out.add(note=f"      {excerpt(note, 160)}")

    personal = _personal(sources)
    if personal:
        out.block("personal data")
        out.add(note="These columns look like they hold personal data. No chapter needs them:")
        out.add(note="ask for an export without them, or delete them before the data travel.")
        for line in personal:
            out.add(note=f"  {line}")

    mapped = {t: _assign(t, s.profiles, s.fmt) for t, s in chosen.items()}
    _render_decisions(out, folder, chosen, mapped)
    _render_tables(out, chosen)
    _render_columns(out, chosen, mapped)
    _render_dates(out, chosen, mapped)
    _render_scales(out, chosen, mapped)
    _render_customers(out, chosen, mapped)
    if unused := [s for s in sources if s.profiles and not s.table]:
        out.block("files not used")
        for src in unused:
            out.add(note=f"{excerpt(src.label, NAME_WIDTH)}: {excerpt(src.note, 200)}")
            for prof in src.profiles[:30]:
                out.add(note=f"  {_c(prof.written, NAME_WIDTH)}: {evidence(prof)}")
    return "\n".join(out.lines).rstrip() + "\n", personal


def _personal_kinds(prof: Profile) -> list[str]:
    """Say what personal data a column seems to hold, by its name and by its values."""
    by_name = _pii_by_name(prof.key)
    what = [by_name] if by_name else []
    return what + [w for w in prof.pii if w not in what]


def _personal(sources: list[DraftSource]) -> list[str]:
    found = []
    for src in sources:
        for prof in src.profiles:
            what = _personal_kinds(prof)
            if what:
                found.append(
                    f"{excerpt(src.label, NAME_WIDTH)} > {_c(prof.written, NAME_WIDTH)}: "
                    + " and ".join(what)
                    + (" (by its name)" if not prof.pii else " (in its values)")
                )
    return found


def _render_decisions(
    out: _Lines,
    folder: Path,
    chosen: dict[str, DraftSource],
    mapped: dict[str, dict[str, Profile]],
) -> None:
    out.block("DECIDE: settings only the consultant can choose")
    name = excerpt(folder.name, NAME_WIDTH)
    out.add(f"client: {yaml_text(name)}", live=False, note="the name on every report")
    out.add("industry: ecommerce", live=False, note="or saas, restaurant, consulting, …")
    out.add("currency: EUR", live=False, note="ISO code of the amounts; EUR when left out")
    customers = chosen["customers"].profiles if "customers" in chosen else []
    label = next((p for p in customers if _named(p, "churn") and p.kind == "bool"), None)
    if label is not None:
        out.add(
            f"churn: {{label: {yaml_text(label.name)}}}",
            live=False,
            note=f"{_c(label.written, NAME_WIDTH)} is {evidence(label)}",
        )
    if "transactions" in chosen:
        out.add(
            "churn: {inactive_days: 180}",
            live=False,
            note=("or " if label else "") + "how long without a purchase counts as churn",
        )
    if "responses" in chosen:
        items = _items(chosen["responses"].profiles, mapped["responses"])
        if items:
            names = ", ".join(yaml_text(p.name) for p in items)
            out.add(
                f"drivers: [{names}]",
                live=False,
                note="rating items found; keep the drivers of satisfaction",
            )


def _tables_entry(table: str, src: DraftSource) -> dict[str, str]:
    entry: dict[str, str] = {}
    if src.named != table or (src.sheet and _table_named(src.sheet) != table):
        entry["file"] = yaml_text(src.file)
        if src.sheet:
            entry["sheet"] = yaml_text(src.sheet)
    if src.header_row:
        entry["header_row"] = str(src.header_row)
    if any(p.decimal == "," for p in src.profiles):
        entry["decimal"] = '","'
    return entry


def _render_tables(out: _Lines, chosen: dict[str, DraftSource]) -> None:
    entries = {t: _tables_entry(t, chosen[t]) for t in TABLES if t in chosen}
    live = {t: e for t, e in entries.items() if e}
    out.block("which file holds which table")
    out.add("tables:", live=bool(live))
    for table, entry in entries.items():
        src = chosen[table]
        if not entry:
            out.add(
                f"{table}: {yaml_text(src.file)}",
                level=1,
                live=False,
                note="found by its name",
            )
        elif list(entry) == ["file"]:
            out.add(f"{table}: {entry['file']}", level=1)
        else:
            out.add(f"{table}: {_flow(entry)}", level=1)
        if src.header_row:
            out.add(
                level=1,
                note=f"no row names the columns; row {src.header_row} is the first that looks "
                "like a header",
            )


def _render_columns(
    out: _Lines, chosen: dict[str, DraftSource], mapped: dict[str, dict[str, Profile]]
) -> None:
    out.block("which column is which (client column: contract column)")
    any_live = any(
        p.key != column_key(c) for t in mapped for c, p in mapped[t].items() if t in chosen
    )
    out.add("columns:", live=any_live)
    for table in TABLES:
        if table not in chosen:
            continue
        src, m = chosen[table], mapped[table]
        by_name = {p.name: c for c, p in m.items()}
        renames = [
            p for p in src.profiles if p.name in by_name and p.key != column_key(by_name[p.name])
        ]
        out.add(f"{table}:", level=1, live=bool(renames))
        for prof in src.profiles:
            canon = by_name.get(prof.name)
            said = evidence(prof, scale=table == "responses" and canon != "nps")
            if _personal_kinds(prof):
                said += "; PERSONAL DATA?"
            if canon is not None and prof.key != column_key(canon):
                out.add(f"{yaml_text(prof.name)}: {canon}", level=2, note=said)
            elif canon is not None:
                out.add(
                    level=2, note=f"{_c(prof.written, NAME_WIDTH)} is {canon} by its name: {said}"
                )
            else:
                out.add(level=2, note=f"{_c(prof.written, NAME_WIDTH)} stays as it is: {said}")
        for line in _missing_notes(table, src, m):
            out.add(level=2, note=line)


def _missing_notes(table: str, src: DraftSource, m: dict[str, Profile]) -> list[str]:
    """Comments on required columns the draft could not find, with the nearest guess."""
    notes: list[str] = []
    profs = src.profiles
    if table == "transactions" and "amount" not in m:
        price = next((p for p in profs if _named(p, "unit_price")), None)
        qty = m.get("quantity")
        if price is not None:
            notes.append(
                f"DECIDE amount: no column holds a line's amount; it is "
                f"{_c(qty.written if qty else 'the quantity', NAME_WIDTH)} × "
                f"{_c(price.written, NAME_WIDTH)}, which a derived column can compute (see "
                "docs/data-contract.md). Until then, the price of one unit is the nearest:"
            )
            notes.append(f"{yaml_text(price.name)}: amount")
        else:
            notes.append("DECIDE amount: no column looks like the amount paid; map one here")
    if table == "transactions" and "customer_id" in m and m["customer_id"].missing:
        notes.append(
            f"{m['customer_id'].missing:,} rows have no customer id (guest orders?); every "
            "transaction needs one"
        )
    if table == "events" and "customer_id" in m and m["customer_id"].key == "case:concept:name":
        notes.append(
            "a case is one order, application or ticket: if the log names the customer in "
            "another attribute, map that to customer_id instead"
        )
    if table == "events" and "stage" in m:
        stage = m["stage"]
        notes.append(
            f"{stage.distinct:,} activities become stages; the most frequent: "
            + ", ".join(f"{_c(v)} ({n:,})" for v, n in stage.top)
        )
        lifecycle = next((p for p in profs if p.key == "lifecycle:transition"), None)
        if lifecycle is not None and lifecycle.distinct > 1:
            notes.append(
                "an activity can appear once per lifecycle transition ("
                + ", ".join(_c(v) for v, _ in lifecycle.top)
                + "); grouping activities into stages is described in docs/data-contract.md"
            )
    if table == "responses" and not any(c in m for c in ("nps", "csat", "ces")):
        notes.append("DECIDE: no column looks like NPS (0–10), CSAT or CES; map at least one here")
    for required in {
        "customers": ["customer_id"],
        "events": ["customer_id", "timestamp", "stage"],
        "transactions": ["customer_id", "date"],
        "responses": ["date"],
        "costs": ["period", "kind", "amount"],
    }[table]:
        if required not in m:
            notes.append(f"DECIDE {required}: no column looks like it; map one here")
    return notes


def _render_dates(
    out: _Lines, chosen: dict[str, DraftSource], mapped: dict[str, dict[str, Profile]]
) -> None:
    rows: dict[str, list[tuple[str, Profile]]] = {}
    for table in TABLES:
        if table not in chosen:
            continue
        for canon, prof in mapped[table].items():
            if KINDS[table].get(canon) == "date" and prof.kind == "date" and prof.date_format:
                rows.setdefault(table, []).append((canon, prof))
    if not rows:
        return
    out.block("date formats (strftime codes), read from the values")
    live = any(not p.ambiguous for entries in rows.values() for _, p in entries)
    out.add("dates:", live=live)
    for table, entries in rows.items():
        firm = [(c, p) for c, p in entries if not p.ambiguous]
        out.add(f"{table}:", level=1, live=bool(firm))
        for canon, prof in entries:
            example = _c(prof.top[0][0]) if prof.top else ""
            if prof.ambiguous:
                out.add(
                    f'{canon}: "{prof.date_format}"',
                    level=2,
                    live=False,
                    note=f"DECIDE: no day above 12, so {example} could also be "
                    f'"{prof.ambiguous}"; left out, cxlab reads it day-first and warns',
                )
            else:
                out.add(f'{canon}: "{prof.date_format}"', level=2, note=evidence(prof))


def _render_scales(
    out: _Lines, chosen: dict[str, DraftSource], mapped: dict[str, dict[str, Profile]]
) -> None:
    if "responses" not in chosen:
        return
    m = mapped["responses"]
    lines: list[tuple[str, str, bool]] = []
    if "csat" in m and m["csat"].scale:
        lo, hi = _csat_scale(m["csat"].scale)
        lines.append((f"csat: {{min: {lo}, max: {hi}}}", evidence(m["csat"], scale=True), True))
    if "ces" in m and m["ces"].scale:
        lo, hi = _ces_scale(m["ces"].scale)
        lines.append(
            (
                f"ces: {{min: {lo}, max: {hi}, direction: higher_is_easier}}",
                "DECIDE direction: is the top answer 'very easy' (else higher_is_harder)?",
                True,
            )
        )
    items = _items(chosen["responses"].profiles, m)
    if items:
        lo, hi = items[0].scale  # type: ignore[misc]
        lines.append(
            (
                f"items: {{min: {lo}, max: {hi}}}",
                f"{len(items)} rating items on {lo}–{hi}; checked once drivers are set",
                True,
            )
        )
    if "nps" in m:
        out.block("rating scales")
        out.add(note=f"{_c(m['nps'].written, NAME_WIDTH)} is the NPS question: always 0–10")
    if not lines:
        return
    if "nps" not in m:
        out.block("rating scales")
    out.add("scales:")
    for text, note, live in lines:
        out.add(text, level=1, live=live, note=note)


def _csat_scale(scale: tuple[int, int]) -> tuple[int, int]:
    if scale in CSAT_SCALES:
        return scale
    return (1, 5)


def _ces_scale(scale: tuple[int, int]) -> tuple[int, int]:
    if scale in CES_SCALES:
        return scale
    return (1, 7) if scale[1] > 5 else (1, 5)


def _render_customers(
    out: _Lines, chosen: dict[str, DraftSource], mapped: dict[str, dict[str, Profile]]
) -> None:
    if "customers" not in chosen:
        return
    profs = chosen["customers"].profiles
    used = {p.name for p in mapped["customers"].values()}
    free = [p for p in profs if p.name not in used]
    sensitive = [p for p in profs if _named(p, "sensitive")]
    # a column named consent is read as consent already; another one is named under consent:
    consent = _pick(free, set(), lambda p: _named(p, "consent") and p.kind == "bool")
    if not sensitive and consent is None:
        return
    out.block("customers: protected attributes and consent")
    if sensitive:
        names = ", ".join(yaml_text(p.name) for p in sensitive)
        out.add(f"sensitive: [{names}]", note="protected attributes, for the ethics audit")
    if consent is not None:
        out.add(f"consent: {yaml_text(consent.name)}", note=evidence(consent))


# -- entry points --------------------------------------------------------------------------------


def draft_config(folder: str | Path) -> Draft:
    r"""Draft a ``cxlab.yml`` for the client exports in ``folder``.

    Every file is read the way :func:`cxlab.load_bundle` reads it, its columns are profiled,
    and the draft says which file is which table and which column is which contract column,
    with the evidence for each guess as a comment (see the module docstring). Only keys that
    ``cxlab.yml`` knows are written as YAML; the rest are comments.

    Parameters
    ----------
    folder : str or pathlib.Path
        The folder holding the client's files.

    Returns
    -------
    Draft
        The draft's text, every file looked at with the table it was taken for, and the
        columns suspected of holding personal data.

    Raises
    ------
    NotADirectoryError
        When ``folder`` is not a folder.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "orders.csv").write_text(
    ...     "Kunde,Bestelldatum,Betrag\nK1,31.01.2024,12.5\nK2,01.02.2024,8\nK1,03.02.2024,3\n"
    ... )
    >>> draft = draft_config(folder)
    >>> draft.tables["transactions"].file
    'orders.csv'
    >>> [
    ...     line.split("  #")[0].rstrip()
    ...     for line in draft.text.splitlines()
    ...     if line.strip() and not line.lstrip().startswith("#")
    ... ]  # doctest: +NORMALIZE_WHITESPACE
    ['tables:', '  transactions: orders.csv', 'columns:', '  transactions:',
     '    Kunde: customer_id', '    Bestelldatum: date', '    Betrag: amount', 'dates:',
     '  transactions:', '    date: "%d.%m.%Y"']
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise NotADirectoryError(f"{folder} is not a folder")
    with Workbooks() as books:
        sources = _read_sources(folder, books)
    _classify(sources)
    text, personal = _render(folder, sources)
    return Draft(text, sources, personal)


def write_draft(folder: str | Path, *, force: bool = False) -> tuple[Path, Draft]:
    """Draft a ``cxlab.yml`` for ``folder`` and write it there.

    Parameters
    ----------
    folder : str or pathlib.Path
        The folder holding the client's files.
    force : bool, default False
        Replace an existing ``cxlab.yml`` (or ``cxlab.yaml``).

    Returns
    -------
    path : pathlib.Path
        The file written.
    draft : Draft
        What was written, and from what.

    Raises
    ------
    FileExistsError
        When a configuration exists and ``force`` is False, when both ``cxlab.yml`` and
        ``cxlab.yaml`` exist, or when the existing one is a link or not a regular file (it is
        never written through).
    NotADirectoryError
        When ``folder`` is not a folder.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise NotADirectoryError(f"{folder} is not a folder")
    existing = [p for p in sorted(folder.iterdir()) if p.name.lower() in CONFIG_NAMES]
    if len(existing) > 1:
        raise FileExistsError(
            f"{folder} holds both {existing[0].name} and {existing[1].name}; delete one first"
        )
    target = existing[0] if existing else folder / "cxlab.yml"
    if existing and (target.is_symlink() or not target.is_file()):
        raise FileExistsError(
            f"{target.name} in {folder} is a link or not a regular file; cxlab init does not "
            "write through it: remove it first"
        )
    if existing and not force:
        raise FileExistsError(errno.EEXIST, f"{target} exists already", target.name)
    draft = draft_config(folder)
    tmp = folder / f".{target.name}.{os.getpid()}.tmp"
    try:
        with tmp.open("x", encoding="utf-8", newline="\n") as fh:
            fh.write(draft.text)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target, draft
