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

Defaults when a key is absent: CSAT 1–5 with 4 as satisfied; CES 1–7, higher is easier; NPS is
always 0–10; churn after 180 days without a transaction; dates before 1950-01-01 implausible.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

from cxlab.contract._spec import CSAT_SCALES
from cxlab.errors import Problem

__all__ = ["DATE_FLOOR", "BundleConfig", "ChurnRule", "Scale", "TableSource"]

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
    #: Path of the cxlab.yml it came from (None when defaults were used).
    source: str | None = None
    #: Warnings found while reading the file (e.g. unknown keys); errors raise instead.
    problems: tuple[Problem, ...] = field(default=(), compare=False, repr=False)
