"""The :class:`Bundle`: a client's tables in canonical form plus their configuration."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from cxlab.contract._spec import DATE_COLUMNS, column_key
from cxlab.contract.config import BundleConfig
from cxlab.errors import DataError, ValidationReport

__all__ = ["TABLES", "Bundle", "SourceFile"]

#: The contract tables, in the order they are documented (reviews and costs are optional, like all).
TABLES: tuple[str, ...] = ("customers", "transactions", "responses", "events", "reviews", "costs")


@dataclass(frozen=True)
class SourceFile:
    """Where one table came from.

    Parameters
    ----------
    table : str
        Contract table name.
    path : pathlib.Path
        The file on disk.
    sheet : str, optional
        Sheet name for Excel workbooks.
    header_row : int
        Row number (1-based, as in a spreadsheet) of the header.
    derived_from : str, optional
        For a table built from another one (``tables: {customers: {from: transactions}}``):
        that table; ``path`` is then the file the other table came from.
    """

    table: str
    path: Path
    sheet: str | None = None
    header_row: int = 1
    derived_from: str | None = None

    @property
    def label(self) -> str:
        """File name, with the sheet when there is one, for messages."""
        label = self.path.name + (f" [sheet {self.sheet!r}]" if self.sheet else "")
        if self.derived_from:
            return f"built from {self.derived_from} ({label})"
        return label


@dataclass
class Bundle:
    """A client's data, read through the contract.

    Every notebook and analytics module reads client data through a Bundle. Tables the client did
    not send are ``None``; tables that are present are in canonical form (contract column names,
    parsed dates, numeric scores, string ids).

    Parameters
    ----------
    path : pathlib.Path
        The bundle folder.
    config : BundleConfig
        The parsed ``cxlab.yml`` (defaults when the file is absent).
    customers, transactions, responses, events : pandas.DataFrame or None
        The contract tables.
    reviews : pandas.DataFrame or None
        Public reviews of the client and its competitors (``business``, ``rating`` 1–5,
        ``date``, ``text``, ``source``).
    costs : pandas.DataFrame or None
        What the business spent per period on acquiring, retaining and serving customers.
    sources : dict of str to SourceFile
        Which file (and sheet) each present table came from.
    report : ValidationReport
        Problems found while loading; only warnings when loading succeeded.
    """

    path: Path
    config: BundleConfig
    customers: pd.DataFrame | None = None
    transactions: pd.DataFrame | None = None
    responses: pd.DataFrame | None = None
    events: pd.DataFrame | None = None
    reviews: pd.DataFrame | None = None
    costs: pd.DataFrame | None = None
    sources: dict[str, SourceFile] = field(default_factory=dict)
    report: ValidationReport | None = None

    @property
    def name(self) -> str:
        """The client's display name (``client`` in ``cxlab.yml``, else the folder name)."""
        return self.config.client or self.path.name

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables that are present, by name, in contract order."""
        return {t: getattr(self, t) for t in TABLES if getattr(self, t) is not None}

    def has(self, *tables: str) -> bool:
        """Whether every named table is present."""
        return all(getattr(self, t, None) is not None for t in tables)

    def has_dates(self, table: str) -> bool:
        """Whether a table is present and dates at least one of its rows.

        Surveys and reviews are often exported without a date. Such a responses table is
        valid, and nothing invents a date for it; analyses over time ask this first and skip
        (saying why) when it is False. The dating column is ``date`` for transactions and
        responses, ``timestamp`` for events and ``signup_date`` for customers.

        Examples
        --------
        >>> import pathlib
        >>> survey = pd.DataFrame({"nps": pd.array([9, 4], dtype="Int64")})
        >>> bundle = Bundle(pathlib.Path("survey"), BundleConfig(), responses=survey)
        >>> bundle.has_dates("responses"), bundle.has_dates("transactions")
        (False, False)
        """
        if table not in TABLES:
            raise ValueError(f"unknown table {table!r}; the contract has {', '.join(TABLES)}")
        df = getattr(self, table)
        col = {**DATE_COLUMNS, "customers": "signup_date"}[table]
        return df is not None and col in df and bool(df[col].notna().any())

    @property
    def outcome(self) -> str | None:
        """The responses column holding the yes/no outcome (``outcome:`` in cxlab.yml), if any.

        The column is ``boolean``: True for a satisfied (or otherwise positive) answer.
        """
        name = self.config.outcome
        if not name or self.responses is None:
            return None
        if name in self.responses:
            return name
        key = column_key(name)
        return next((c for c in self.responses.columns if column_key(c) == key), None)

    @property
    def stage_order(self) -> tuple[str, ...]:
        """The journey stages in order (``stages.order`` in cxlab.yml), else ``()``."""
        return self.config.stages.order if self.config.stages is not None else ()

    def require(self, *tables: str) -> None:
        """Raise a helpful :class:`~cxlab.errors.DataError` unless every named table is present.

        Raises
        ------
        DataError
            Naming the first missing table and how to supply it.
        """
        for t in tables:
            if t not in TABLES:
                raise ValueError(f"unknown table {t!r}; the contract has {', '.join(TABLES)}")
            if getattr(self, t) is None:
                raise DataError.make(
                    f"this analysis needs the {t!r} table, which the bundle does not have",
                    rule="missing_table",
                    table=t,
                    file=str(self.path),
                    hint=f"add {t}.csv (or .xlsx/.parquet) to the folder, or map a file to it "
                    f"under 'tables:' in cxlab.yml",
                )

    @property
    def period(self) -> tuple[pd.Timestamp, pd.Timestamp] | None:
        """First and last date seen in transactions, responses and events (None if no dates).

        Implausible dates (spreadsheet placeholders such as 1900-01-01, the Unix epoch's zero,
        dates before ``date_floor``) are already missing in the tables, so they never stretch
        the period.
        """
        stamps = []
        for table, col in (
            ("transactions", "date"),
            ("responses", "date"),
            ("events", "timestamp"),
        ):
            df = getattr(self, table)
            if df is not None and col in df and df[col].notna().any():
                stamps += [df[col].min(), df[col].max()]
        return (min(stamps), max(stamps)) if stamps else None

    def summary(self) -> pd.DataFrame:
        """One row per present table: source file, rows, columns, and date range.

        The date range leaves out missing dates, implausible ones included (see :attr:`period`).
        """
        rows = []
        for t, df in self.tables.items():
            col = {"transactions": "date", "responses": "date", "events": "timestamp"}.get(t)
            start = df[col].min() if col and col in df else pd.NaT
            end = df[col].max() if col and col in df else pd.NaT
            rows.append(
                {
                    "table": t,
                    "source": self.sources[t].label if t in self.sources else "",
                    "rows": len(df),
                    "columns": len(df.columns),
                    "from": start,
                    "to": end,
                }
            )
        return pd.DataFrame(rows).set_index("table")

    def __repr__(self) -> str:
        parts = ", ".join(f"{t}={len(df)} rows" for t, df in self.tables.items())
        return f"Bundle({self.name!r}: {parts or 'no tables'})"
