"""``cxlab.yml``: how a client's export maps onto the contract.

A bundle folder may hold a ``cxlab.yml``. Every key is optional; a folder of contract-named CSV
files needs none. The format, with every key::

    client: Threadline Apparel        # display name in reports (default: the folder name)
    currency: EUR                     # ISO 4217 code for amounts (default: EUR)
    industry: ecommerce               # the client's industry, for the chapters' industry
                                      # playbooks and workshop prompts: ecommerce, saas,
                                      # restaurant, consulting (others are kept, without a
                                      # playbook); default: none

    tables:                           # which file (or sheet) holds which table
      customers: clients.xlsx         #   a file name in the bundle folder
      transactions:                   #   or a mapping with reading options
        file: orders.csv              #     (leave out to set options for the file found by name)
        delimiter: ";"                #     default: sniffed from the header line
        encoding: latin-1             #     default: utf-8 (with or without BOM), then cp1252
        decimal: ","                  #     default: "."
      responses:
        file: export.xlsx
        sheet: Survey                 #     default: the sheet named like the table, else the first
        header_row: 4                 #     1-based row of the header (default: found automatically)

    columns:                          # renames, per table: client column -> contract column
      responses:
        "Likelihood to recommend": nps
        "Submitted at": date

    recode:                           # value recoding, per table and contract column
      customers:
        consent: {"Yes": true, "No": false}
      responses:
        csat: {"Very dissatisfied": 1, "Dissatisfied": 2, "Neutral": 3, "Satisfied": 4,
               "Very satisfied": 5}

    dates:                            # strptime formats, per table and contract column
      transactions: {date: "%d/%m/%Y"}

    scales:
      csat: {min: 1, max: 5, satisfied: 4}          # 1-5, 1-7, 1-10 or 0-5; satisfied =
                                                    # lowest score that counts as satisfied
      ces: {min: 1, max: 7, direction: higher_is_easier}   # or higher_is_harder
      items: {min: 1, max: 5}                       # scale of the driver items

    drivers: [product_quality, delivery_speed]      # responses columns that are rating items
    sensitive: [gender, age_band]                   # customers columns protected in the ethics
                                                    # audit
    consent: marketing_consent                      # customers column recording consent (boolean)

    churn:                                          # how churn is defined; one of:
      label: churned                                #   a boolean customers column, or
      # inactive_days: 120                          #   N days without a transaction

    date_floor: 1990-01-01                          # earlier dates are implausible: read as
                                                    # missing, with a warning (or a year: 1990)

    outcome: satisfied                              # a yes/no responses column: the survey's
                                                    # outcome (satisfied or not), usable instead
                                                    # of a score

Mapping real exports (``docs/data-contract.md``: section 5 describes each key, section 7
shows them on real-shaped exports)::

    defaults:                         # a value for a column: the whole column when the file
      responses: {date: 2024-05-01}   # lacks it, else its empty cells
    derive:                           # columns computed from others, in a small safe
      transactions:                   # expression language (cxlab.contract._expr)
        amount: "Quantity * UnitPrice"
    recode:
      responses:
        [q1, q2, q3]: {0: null}       # one recode for several columns; null = missing
    filters:                          # rows dropped or kept, in order; validate reports how
      transactions:                   # many rows each removes
        - drop: {column: CustomerID, missing: true}
        - drop: {column: StockCode, equals: [POST, DOT, M]}
        - drop: {column: Description, matches: "*postage*"}
        - keep: {column: InvoiceDate, from: 2010-12-01, to: 2011-11-30}
    credit_notes: {column: InvoiceNo, starts_with: C}   # transactions whose amount is made
                                                        # negative when it is not already
    tables:
      customers: {from: transactions, attributes: {Country: first}}   # a derived table
    stages:                           # event logs: activities -> journey stages
      column: event
      activities:
        application: [A_Create Application, A_Submitted]
        offer: ["O_*"]
      outcomes: {declined: [A_Denied], cancelled: [A_Cancelled]}
      ignore: ["W_*"]

Defaults when a key is absent: CSAT 1–5 with 4 as satisfied; CES 1–7, higher is easier; NPS is
always 0–10; churn after 180 days without a transaction; dates before 1950-01-01 implausible.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

from cxlab.contract._expr import Expression
from cxlab.contract._spec import CSAT_SCALES
from cxlab.errors import Problem

__all__ = [
    "DATE_FLOOR",
    "BundleConfig",
    "ChurnRule",
    "Condition",
    "CreditNotes",
    "DerivedTable",
    "RowFilter",
    "Scale",
    "Stages",
    "TableSource",
]

#: Default ``date_floor``: dates of customers, transactions, responses and events before it
#: are implausible for a small business's customer records (usually a typo or a placeholder).
DATE_FLOOR = dt.date(1950, 1, 1)


@dataclass(frozen=True)
class Scale:
    """A rating scale.

    Parameters
    ----------
    min, max : int
        Lowest and highest score.
    satisfied : int, optional
        For CSAT: the lowest score that counts as satisfied.
    direction : {"higher_is_easier", "higher_is_harder"}, optional
        For CES: what a high score means.
    """

    min: int
    max: int
    satisfied: int | None = None
    direction: Literal["higher_is_easier", "higher_is_harder"] | None = None

    @property
    def satisfied_threshold(self) -> int:
        """The lowest score that counts as satisfied (CSAT).

        ``satisfied`` when the scale declares it, else the contract's default for the scale:
        the top two boxes on 1–5, 1–7 and 0–5, 8 to 10 on 1–10; on any other scale the top
        box and the one below it (``max - 1``).

        Examples
        --------
        >>> Scale(1, 5).satisfied_threshold, Scale(1, 10).satisfied_threshold
        (4, 8)
        >>> Scale(1, 10, satisfied=9).satisfied_threshold
        9
        """
        if self.satisfied is not None:
            return self.satisfied
        return CSAT_SCALES.get((self.min, self.max), self.max - 1)

    @property
    def higher_is_easier(self) -> bool:
        """Whether a higher score means less effort (CES).

        The Python name of the direction that ``cxlab.yml`` declares as ``direction:``; true
        unless the direction is ``"higher_is_harder"`` (the contract's default is easier).

        Examples
        --------
        >>> Scale(1, 7).higher_is_easier, Scale(1, 5, direction="higher_is_harder").higher_is_easier
        (True, False)
        """
        return self.direction != "higher_is_harder"


@dataclass(frozen=True)
class TableSource:
    """Where to read one table from, as declared under ``tables:``.

    Parameters
    ----------
    file : str
        File name in the bundle folder; empty when the mapping only sets reading options for
        the file found by its name (e.g. ``transactions: {decimal: ","}``).
    sheet : str, optional
        Excel sheet (default: the sheet named like the table, else the first).
    header_row : int, optional
        1-based row of the header (default: found automatically).
    delimiter, encoding : str, optional
        CSV reading options (default: sniffed / detected).
    decimal : {".", ","}
        Decimal separator of numbers written as text.
    """

    file: str
    sheet: str | None = None
    header_row: int | None = None
    delimiter: str | None = None
    encoding: str | None = None
    decimal: str = "."


@dataclass(frozen=True)
class ChurnRule:
    """How churn is defined: a label column or a number of inactive days (exactly one)."""

    label: str | None = None
    inactive_days: int | None = None


@dataclass(frozen=True)
class Condition:
    """A test on one column's values, used by row filters and credit-note rules.

    Exactly one test is set. Text is compared ignoring case and surrounding spaces.

    Parameters
    ----------
    column : str
        The column tested (as the client's file names it, or its contract name).
    equals : tuple of str
        The value is one of these.
    matches : tuple of str
        The value matches one of these patterns: ``*`` stands for any run of characters,
        ``?`` for one; the whole value must match (``"*postage*"`` finds it anywhere).
    starts_with : tuple of str
        The value starts with one of these.
    missing : bool, optional
        The cell is empty (True) or filled (False).
    low, high : datetime.date or float, optional
        The value lies in this range, both ends included (``from:`` and ``to:``); dates or
        numbers. An end left out is open.
    line : int
        Line of the rule in cxlab.yml.
    """

    column: str
    equals: tuple[str, ...] = ()
    matches: tuple[str, ...] = ()
    starts_with: tuple[str, ...] = ()
    missing: bool | None = None
    low: dt.date | float | None = None
    high: dt.date | float | None = None
    line: int = field(default=0, compare=False)

    def describe(self) -> str:
        """Say the test in words, for messages (e.g. ``'StockCode' is 'POST' or 'M'``)."""
        col = repr(self.column)
        if self.missing is not None:
            return f"{col} is {'empty' if self.missing else 'filled'}"
        if self.equals:
            return f"{col} is " + " or ".join(repr(v) for v in self.equals)
        if self.matches:
            return f"{col} matches " + " or ".join(repr(v) for v in self.matches)
        if self.starts_with:
            return f"{col} starts with " + " or ".join(repr(v) for v in self.starts_with)
        if self.low is not None and self.high is not None:
            return f"{col} is from {self.low} to {self.high}"
        if self.low is not None:
            return f"{col} is {self.low} or later/more"
        return f"{col} is {self.high} or earlier/less"


@dataclass(frozen=True)
class RowFilter:
    """One entry under ``filters:``: keep or drop the rows whose values meet a condition."""

    action: Literal["keep", "drop"]
    condition: Condition
    #: Where it is written, for messages, e.g. ``filters.transactions[2]``.
    where: str = ""
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class CreditNotes:
    """``credit_notes:``: transactions meeting the condition are credit notes (returns).

    Their amount is made negative when it is not already; quantities are left as they are.
    """

    condition: Condition
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class DerivedTable:
    """A table built from another one instead of read from a file.

    Declared under ``tables:``, e.g. ``customers: {from: transactions}``.

    Parameters
    ----------
    source : str
        The table it is built from (``transactions``, ``responses`` or ``events``).
    attributes : dict of str to str
        Source column -> how one value per customer is chosen: ``first`` (on the customer's
        earliest row), ``last`` (on the latest row) or ``most_frequent``.
    """

    source: str
    attributes: dict[str, str] = field(default_factory=dict)
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Stages:
    """``stages:``: how an event log's activities map onto journey stages.

    Parameters
    ----------
    column : str
        The events column holding the activity names (default ``event``).
    order : tuple of str
        The stages in journey order.
    activities : dict of str to str
        Activity (or pattern with ``*`` and ``?``) -> stage. Empty when the events table
        already has a ``stage`` column and ``order`` only sets the order.
    outcomes : dict of str to str
        Activity (or pattern) -> outcome label (e.g. ``declined``). Outcome rows get the label
        in an ``outcome`` column and, when ``activities`` writes the stages, as their stage
        unless an activity mapping names one.
    ignore : tuple of str
        Activities (or patterns) that are not journey steps (work items): their rows are
        dropped, and validate reports how many.
    """

    column: str = "event"
    order: tuple[str, ...] = ()
    activities: dict[str, str] = field(default_factory=dict)
    outcomes: dict[str, str] = field(default_factory=dict)
    ignore: tuple[str, ...] = ()
    #: Line of each activity or pattern in cxlab.yml, for located messages.
    lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class BundleConfig:
    """A parsed ``cxlab.yml`` with defaults filled in (see the module docstring)."""

    client: str | None = None
    currency: str = "EUR"
    industry: str | None = None
    tables: dict[str, TableSource] = field(default_factory=dict)
    columns: dict[str, dict[str, str]] = field(default_factory=dict)
    recode: dict[str, dict[str, dict[Any, Any]]] = field(default_factory=dict)
    dates: dict[str, dict[str, str]] = field(default_factory=dict)
    csat_scale: Scale = Scale(1, 5, satisfied=4)
    ces_scale: Scale = Scale(1, 7, direction="higher_is_easier")
    item_scale: Scale | None = None
    drivers: tuple[str, ...] = ()
    sensitive: tuple[str, ...] = ()
    consent: str | None = None
    churn: ChurnRule = ChurnRule(inactive_days=180)
    #: Contract dates before this day are implausible: read as missing, with a warning.
    date_floor: dt.date = DATE_FLOOR
    #: The responses column holding a yes/no outcome (e.g. satisfied or not).
    outcome: str | None = None
    #: A value per table and column: the whole column when it is absent, else its blanks.
    defaults: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: Derived columns per table, in the order written: column -> expression.
    derive: dict[str, dict[str, Expression]] = field(default_factory=dict)
    #: Row filters per table, applied in order.
    filters: dict[str, tuple[RowFilter, ...]] = field(default_factory=dict)
    #: Which transactions are credit notes.
    credit_notes: CreditNotes | None = None
    #: Tables built from another table rather than read from a file.
    derived_tables: dict[str, DerivedTable] = field(default_factory=dict)
    #: How an event log's activities map onto stages.
    stages: Stages | None = None
    #: Path of the cxlab.yml it came from (None when defaults were used).
    source: str | None = None
    #: Warnings found while reading the file (e.g. unknown keys); errors raise instead.
    problems: tuple[Problem, ...] = field(default=(), compare=False, repr=False)
