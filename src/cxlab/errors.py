r"""One family of exceptions, and the validation report they carry.

Every problem cxlab finds in a client's data is a :class:`Problem`: it names the file (and sheet),
the table, the column, the rule that was broken, up to five example rows with their values, and a
hint that says how to fix it. Validation collects *all* problems into a :class:`ValidationReport`
instead of stopping at the first, so a client export can be fixed in one pass.

Client data are untrusted text, and a problem repeats some of it (a header, a cell, a file name).
A :class:`Problem` therefore keeps only a short, printable excerpt of every value it carries:
characters that are not printable (control characters, NUL bytes, terminal escape sequences,
direction overrides) are written as escapes such as ``\x1b``, and long texts are cut with ``…``.
:func:`excerpt`, :func:`quoted` and :func:`listing` do the same for values placed inside a
message, so that a file of binary garbage or a one-line header of ten thousand characters gives a
message of a few lines.

Exceptions
----------
CxlabError
    Base class of everything cxlab raises on purpose.
DataError
    A single located problem with the data (file, column, rule, rows, hint).
ConfigError
    A problem with a bundle's ``cxlab.yml``.
BundleError
    Validation found errors; ``.report`` holds every problem.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "BundleError",
    "ConfigError",
    "CxlabError",
    "DataError",
    "Problem",
    "RunError",
    "ValidationReport",
    "excerpt",
    "listing",
    "quoted",
]

Severity = Literal["error", "warning"]

#: How many example rows a problem shows at most.
MAX_EXAMPLES = 5
#: Longest message or hint a problem keeps, in characters; longer ones are cut with "…".
MAX_TEXT = 1000
#: Longest file, sheet or column name a problem keeps.
MAX_NAME = 120
#: Longest example value a problem keeps (the printed report shows at most 40 characters).
MAX_VALUE = 100


def excerpt(value: Any, limit: int = 40) -> str:
    r"""Cut ``value`` down to a short, printable excerpt for a message.

    Characters that are not printable are written as Python escapes (``\x00``, ``\n``,
    ``\u202e``); a text longer than ``limit`` characters (after escaping) is cut and ends in
    ``…``.

    Parameters
    ----------
    value : object
        Any value; it is turned into text with ``str``.
    limit : int, default 40
        Most characters kept, the ``…`` included.

    Returns
    -------
    str

    Examples
    --------
    >>> excerpt("ok\x00\x1b[31mred")
    'ok\\x00\\x1b[31mred'
    >>> excerpt("x" * 100, limit=10)
    'xxxxxxxxx…'
    """
    text = str(value)[: limit * 2 + 1]
    if not text.isprintable():
        text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    full = len(str(value)) <= limit * 2 and len(text) <= limit
    return text if full else text[: max(limit - 1, 0)] + "…"


def quoted(value: Any, limit: int = 40) -> str:
    """Quote an :func:`excerpt` of ``value`` the way messages quote names.

    Examples
    --------
    >>> quoted("Betrag")
    "'Betrag'"
    """
    return f"'{excerpt(value, limit)}'"


def listing(values: Iterable[Any], limit: int = 12, *, width: int = 40) -> str:
    """List quoted excerpts of the first ``limit`` values, then say how many more there are.

    Examples
    --------
    >>> listing(["a", "b", "c"], limit=2)
    "'a', 'b' and 1 more"
    """
    items = list(values)
    shown = ", ".join(quoted(v, width) for v in items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def _tail(text: str, limit: int) -> str:
    """Keep ``text`` printable; when too long, keep its end (a path's telling part) after "…"."""
    clean = excerpt(text, len(text) * 4 + 4)
    return clean if len(clean) <= limit else "…" + clean[-(limit - 1) :]


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or suspicious) in a bundle.

    Parameters
    ----------
    severity : {"error", "warning"}
        Errors stop an analysis; warnings are reported and the run goes on.
    rule : str
        Short name of the rule that was broken, e.g. ``"out_of_scale"``.
    message : str
        One sentence saying what is wrong.
    table : str, optional
        Contract table (``customers``, ``transactions``, ``responses``, ``events``).
    file : str, optional
        File name relative to the bundle folder.
    sheet : str, optional
        Excel sheet, when the table came from a workbook.
    column : str, optional
        Column as named in the client's file (before any renaming).
    rows : tuple of (int, object)
        Up to five examples as ``(row number in the file, value)``. Row numbers count the
        way a spreadsheet does: the header is the row it sits on and data follow it.
    n_rows : int
        How many rows break the rule in total (may exceed the examples shown).
    hint : str
        How to fix it.
    """

    severity: Severity
    rule: str
    message: str
    table: str | None = None
    file: str | None = None
    sheet: str | None = None
    column: str | None = None
    rows: tuple[tuple[int, Any], ...] = ()
    n_rows: int = 0
    hint: str = ""

    def __post_init__(self) -> None:
        # Keep only short, printable excerpts of whatever client text reached this problem.
        clean = {
            "message": excerpt(self.message, MAX_TEXT),
            "hint": excerpt(self.hint, MAX_TEXT),
            "file": None if self.file is None else _tail(self.file, MAX_NAME),
            "sheet": None if self.sheet is None else excerpt(self.sheet, MAX_NAME),
            "column": None if self.column is None else excerpt(self.column, MAX_NAME),
            "rows": tuple(
                (r, excerpt(v, MAX_VALUE) if isinstance(v, str) else v) for r, v in self.rows
            ),
        }
        for name, value in clean.items():
            if value != getattr(self, name):
                object.__setattr__(self, name, value)

    @property
    def location(self) -> str:
        """Where the problem is, as ``file [sheet] › column``."""
        parts = []
        if self.file:
            parts.append(self.file + (f" [sheet {self.sheet!r}]" if self.sheet else ""))
        elif self.table:
            parts.append(f"table {self.table!r}")
        if self.column:
            parts.append(f"column {self.column!r}")
        return " › ".join(parts) if parts else "bundle"

    def format(self) -> str:
        """Render the problem as a few lines of plain text."""
        head = f"{self.severity.upper()} [{self.rule}] {self.location}: {self.message}"
        lines = [head]
        if self.rows:
            shown = ", ".join(f"row {r}: {_show(v)}" for r, v in self.rows)
            more = (
                f" (and {self.n_rows - len(self.rows)} more)"
                if self.n_rows > len(self.rows)
                else ""
            )
            lines.append(f"    rows: {shown}{more}")
        if self.hint:
            lines.append(f"    fix: {self.hint}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.format()


def _show(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "<empty>"
    if isinstance(value, str):
        return quoted(value, 38)
    return excerpt(value, 40)


def examples(row_numbers: Sequence[int], values: Sequence[Any]) -> tuple[tuple[int, Any], ...]:
    """Pair row numbers with values, keeping at most :data:`MAX_EXAMPLES`."""
    pairs = []
    for r, v in zip(row_numbers[:MAX_EXAMPLES], values[:MAX_EXAMPLES], strict=False):
        if isinstance(v, float) and math.isnan(v):
            v = None
        elif hasattr(v, "item"):  # numpy scalar → Python scalar, for readable output
            v = v.item()
        pairs.append((int(r), v))
    return tuple(pairs)


@dataclass
class ValidationReport:
    """Every problem found in a bundle, errors and warnings together.

    Parameters
    ----------
    source : str
        The bundle folder the report is about.
    problems : list of Problem
    """

    source: str
    problems: list[Problem] = field(default_factory=list)

    def add(self, problem: Problem) -> None:
        """Append one problem."""
        self.problems.append(problem)

    def extend(self, problems: Iterable[Problem]) -> None:
        """Append several problems."""
        self.problems.extend(problems)

    @property
    def errors(self) -> list[Problem]:
        """Problems that stop an analysis."""
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        """Problems worth knowing that do not stop an analysis."""
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        """True when there are no errors (warnings allowed)."""
        return not self.errors

    def to_frame(self) -> pd.DataFrame:
        """One row per problem, for display in a notebook."""
        import pandas as pd  # here, so that importing the errors does not load pandas

        cols = [
            "severity",
            "rule",
            "table",
            "file",
            "sheet",
            "column",
            "n_rows",
            "rows",
            "message",
            "hint",
        ]
        return pd.DataFrame([{c: getattr(p, c) for c in cols} for p in self.problems], columns=cols)

    def format(self) -> str:
        """Render the whole report as plain text, errors first."""
        ordered = self.errors + self.warnings
        head = (
            f"{self.source}: {len(self.errors)} error(s), {len(self.warnings)} warning(s)"
            if ordered
            else f"{self.source}: OK, no problems found"
        )
        return "\n".join([head, *(p.format() for p in ordered)])

    def __str__(self) -> str:
        return self.format()


class CxlabError(Exception):
    """Base class of the errors cxlab raises on purpose."""


class DataError(CxlabError, ValueError):
    """A located problem with client data.

    Parameters
    ----------
    problem : Problem
        What is wrong and where.
    """

    def __init__(self, problem: Problem):
        self.problem = problem
        super().__init__(problem.format())

    @classmethod
    def make(
        cls, message: str, *, rule: str = "invalid", hint: str = "", **where: Any
    ) -> DataError:
        """Build the error from keyword fields of :class:`Problem`."""
        return cls(Problem("error", rule, message, hint=hint, **where))


class ConfigError(DataError):
    """A problem with a bundle's ``cxlab.yml``."""


class RunError(DataError):
    """A run cannot start as asked: a malformed batch file, an unknown notebook, a bad option.

    Raised before anything is executed or written; the problem names the file (and the entry)
    and says how to fix it.
    """


class BundleError(DataError):
    """Validation of a bundle found one or more errors.

    Parameters
    ----------
    report : ValidationReport
        Every problem found, errors and warnings.
    """

    def __init__(self, report: ValidationReport):
        self.report = report
        first = report.errors[0] if report.errors else Problem("error", "invalid", "invalid bundle")
        self.problem = first
        Exception.__init__(self, report.format())
