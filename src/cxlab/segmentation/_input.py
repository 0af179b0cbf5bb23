"""Checking and cleaning a transactions log before segmentation.

Real exports are messy in a few predictable ways, and every function of
:mod:`cxlab.segmentation` that reads transactions treats them the same way, here:

* **missing customer ids** (guest checkouts, till sales) cannot be attributed to anyone: the rows
  are dropped and counted;
* **exact duplicate rows** (the same line exported twice) are dropped and counted; a log whose
  genuine repeated lines are identical in every column should carry a line number, or be passed
  with ``drop_duplicates=False``;
* **rows after** ``asof`` are left out and counted, so an analysis "as of" a date sees only what
  was known then;
* **missing dates** (a blank cell, or a placeholder such as 1900-01-01 that the contract turns
  into a missing date) cannot be placed in time: the rows are dropped and counted;
* an unreadable **date** or a missing or unreadable **amount** stops the analysis with a
  :class:`~cxlab.errors.DataError` that lists every bad row at once, because guessing them would
  change the answer silently.

What was dropped is returned as a :class:`Cleaning` record; the public functions put it on the
result's ``attrs["cleaning"]`` (a dict) and ``attrs["notes"]`` (plain sentences), never print.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from cxlab.checks import raise_problems, require_columns, rows_problem

__all__ = ["Cleaning", "TransactionLog", "clean_transactions"]


@dataclass(frozen=True)
class Cleaning:
    """What cleaning did to a transactions log.

    Parameters
    ----------
    rows_in : int
        Rows received.
    missing_customer : int
        Rows dropped because the customer id was missing.
    missing_date : int
        Rows dropped because the date was missing (and the customer id was not).
    duplicates : int
        Exact duplicate rows dropped (the first copy is kept).
    after_asof : int
        Rows dropped because they are dated after ``asof``.
    rows_used : int
        Rows left.
    """

    rows_in: int
    missing_customer: int
    missing_date: int
    duplicates: int
    after_asof: int
    rows_used: int

    def notes(self) -> list[str]:
        """Plain sentences about every non-zero count."""
        out = []
        if self.missing_customer:
            out.append(
                f"{self.missing_customer:,} row(s) without a customer id were left out "
                "(they cannot be attributed to a customer)"
            )
        if self.missing_date:
            out.append(
                f"{self.missing_date:,} row(s) without a date were left out "
                "(they cannot be placed in time)"
            )
        if self.duplicates:
            out.append(
                f"{self.duplicates:,} exact duplicate row(s) were dropped (the first copy kept)"
            )
        if self.after_asof:
            out.append(f"{self.after_asof:,} row(s) dated after the as-of date were left out")
        return out

    def to_dict(self) -> dict[str, int]:
        """Return the counts as a dict (what ``attrs["cleaning"]`` holds)."""
        return asdict(self)


@dataclass(frozen=True, eq=False)
class TransactionLog:
    """A cleaned transactions log as integer codes and numpy arrays.

    Parameters
    ----------
    customers : pandas.Index
        The distinct customer ids, sorted; ``cust`` indexes into it.
    cust : numpy.ndarray
        Customer code of each kept row (int64).
    day : numpy.ndarray
        Date of each kept row as days since 1970-01-01 (int64).
    amount : numpy.ndarray
        Amount of each kept row (float64; refunds negative).
    rows : numpy.ndarray
        Position of each kept row in the table as given (to fetch further columns).
    order : numpy.ndarray or None
        Integer code of each kept row's order id (-1 where missing), when an order column was
        given.
    cleaning : Cleaning
    asof : pandas.Timestamp
        The as-of date (midnight).
    """

    customers: pd.Index
    cust: np.ndarray
    day: np.ndarray
    amount: np.ndarray
    rows: np.ndarray
    order: np.ndarray | None
    cleaning: Cleaning
    asof: pd.Timestamp

    @property
    def asof_day(self) -> int:
        """The as-of date as days since 1970-01-01."""
        return int(self.asof.value // 86_400_000_000_000)

    def column(self, df: pd.DataFrame, name: str) -> np.ndarray:
        """Values of a further column for the kept rows."""
        return df[name].to_numpy()[self.rows]


_MIX = (
    np.uint64(0x9E3779B97F4A7C15),
    np.uint64(0xC2B2AE3D27D4EB4F),
    np.uint64(0x165667B19E3779F9),
)


def _duplicates(df: pd.DataFrame, cust: np.ndarray, day: np.ndarray, amount: np.ndarray):
    """Mask of exact duplicate rows (all columns equal to an earlier row).

    Any two identical rows share customer, date and amount, so rows whose (customer, date,
    amount) key is unique cannot be duplicates; only the few candidate rows are compared on every
    column. This keeps the check fast on a million rows.
    """
    with np.errstate(over="ignore"):
        h = cust.astype(np.uint64) * _MIX[0]
        h ^= day.astype(np.uint64) * _MIX[1]
        h ^= np.ascontiguousarray(amount, dtype=np.float64).view(np.uint64) * _MIX[2]
    # First pass: count hashes in about 4n buckets (one bincount); only rows sharing a bucket
    # can be duplicates. Second pass: exact hash duplicates among those rows.
    buckets = 1 << max(int(4 * len(h) - 1).bit_length(), 4)
    slot = (h >> np.uint64(20)) & np.uint64(buckets - 1)
    shared = np.flatnonzero(np.bincount(slot.astype(np.int64), minlength=buckets)[slot] > 1)
    same = pd.Series(h[shared]).duplicated(keep=False).to_numpy()
    candidates = shared[same]
    mask = np.zeros(len(df), dtype=bool)
    if len(candidates):
        mask[candidates] = df.iloc[candidates].duplicated().to_numpy()
    return mask


_NS_PER_UNIT = {"ns": 1, "us": 1_000, "ms": 1_000_000, "s": 1_000_000_000}


def _days(values: np.ndarray) -> np.ndarray:
    """Days since 1970-01-01 of naive datetime64 values (floor, so earlier dates are negative)."""
    unit = np.datetime_data(values.dtype)[0]
    if unit not in _NS_PER_UNIT:
        return values.astype("datetime64[D]").astype(np.int64)
    return values.view(np.int64) // (86_400_000_000_000 // _NS_PER_UNIT[unit])


def _codes(column: pd.Series) -> tuple[np.ndarray, Any]:
    """Integer codes (-1 for missing) and the distinct values of a column."""
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    return codes.astype(np.int64, copy=False), uniques


def clean_transactions(
    transactions: pd.DataFrame,
    *,
    customer: str,
    date: str,
    amount: str,
    order: str | None = None,
    keep: Sequence[str] = (),
    asof: Any = None,
    drop_duplicates: bool = True,
) -> TransactionLog:
    """Check, clean and cut a transactions log.

    Parameters
    ----------
    transactions : pandas.DataFrame
        One row per line, purchase or refund.
    customer, date, amount : str
        Column names.
    order : str, optional
        Order id column, coded as integers into ``TransactionLog.order``.
    keep : sequence of str
        Further columns the caller will read; they must exist.
    asof : date-like, optional
        Rows dated after it are dropped. Default: the day after the last transaction.
    drop_duplicates : bool, default True
        Drop exact duplicate rows (equal in every column of the table as given).

    Returns
    -------
    TransactionLog

    Raises
    ------
    cxlab.errors.DataError
        If a column is missing, or dates or amounts are missing or unreadable (every bad row
        of both columns is reported at once).
    """
    wanted = {customer: "customer", date: "date", amount: "amount"}
    if order is not None:
        wanted[order] = "order"
    require_columns(transactions, dict.fromkeys(keep, "") | wanted, table="transactions")
    df = transactions
    n_in = len(df)
    problems = []
    raw_dates = df[date]
    if (
        pd.api.types.is_datetime64_any_dtype(raw_dates.dtype)
        and getattr(raw_dates.dtype, "tz", None) is None
    ):
        dates = raw_dates
    else:
        dates = pd.to_datetime(raw_dates, errors="coerce", format="mixed")
        if getattr(dates.dtype, "tz", None) is not None:
            dates = dates.dt.tz_localize(None)
    undated = pd.isna(raw_dates).to_numpy(dtype=bool)
    bad = dates.isna().to_numpy() & ~undated
    if bad.any():
        problems.append(
            rows_problem(
                "bad_date",
                f"{int(bad.sum()):,} row(s) have an unreadable date",
                "fill in or correct the dates (ISO format 2024-03-01 reads everywhere)",
                table="transactions",
                column=date,
                index=df.index,
                positions=np.flatnonzero(bad),
                values=np.asarray(raw_dates)[bad],
            )
        )
    raw_amounts = df[amount]
    amounts = pd.to_numeric(raw_amounts, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    bad = ~np.isfinite(amounts)
    if bad.any():
        problems.append(
            rows_problem(
                "bad_amount",
                f"{int(bad.sum()):,} row(s) have a missing or non-numeric amount",
                "amounts must be plain numbers (refunds negative), without currency signs",
                table="transactions",
                column=amount,
                index=df.index,
                positions=np.flatnonzero(bad),
                values=np.asarray(raw_amounts)[bad],
            )
        )
    raise_problems(problems, source="transactions")
    day = _days(dates.to_numpy())
    # Coding the ids is most of the work on a large log; the customer ids (then the duplicate
    # check) and the order ids are coded in two threads (pandas and pyarrow release the GIL).
    with ThreadPoolExecutor(max_workers=2) as pool:
        orders = pool.submit(_codes, df[order]) if order is not None else None
        codes, uniques = _codes(df[customer])
        blank = np.zeros(len(uniques) + 1, dtype=bool)  # last slot: the NA sentinel -1
        blank[-1] = True
        if len(uniques) and (
            uniques.dtype == object or pd.api.types.is_string_dtype(uniques.dtype)
        ):
            text = pd.Series(uniques).astype("string").str.strip()
            blank[:-1] = (text == "").fillna(True).to_numpy(dtype=bool)
        missing = blank[codes]
        if drop_duplicates and n_in:
            dup = _duplicates(df, codes, day, amounts)
        else:
            dup = np.zeros(0, dtype=bool)
        order_codes = orders.result()[0] if orders is not None else None
    if asof is None:
        ok = ~missing & ~undated
        last = int(day[ok].max()) if ok.any() else 0
        stamp = pd.Timestamp(last + 1, unit="D")
    else:
        stamp = pd.Timestamp(asof)
        if stamp.tzinfo is not None:
            raise ValueError(f"asof must be a date without a time zone; got {asof!r}")
        stamp = stamp.normalize()
    asof_day = int(stamp.value // 86_400_000_000_000)
    later = day > asof_day
    drop = missing.copy()
    no_date = undated & ~drop
    drop |= no_date
    n_dup = 0
    if len(dup):
        dup &= ~drop
        n_dup = int(dup.sum())
        drop |= dup
    later &= ~drop
    drop |= later
    rows = np.flatnonzero(~drop)
    # customer codes renumbered so that they index the sorted distinct ids of kept rows
    used = np.flatnonzero(np.bincount(codes[rows], minlength=len(uniques)) > 0)
    ids = pd.Index(uniques.take(used), name=customer)
    order = np.asarray(ids.argsort())
    ids = ids.take(order)
    remap = np.full(len(uniques), -1, dtype=np.int64)
    remap[used[order]] = np.arange(len(used))
    cleaning = Cleaning(
        rows_in=n_in,
        missing_customer=int(missing.sum()),
        missing_date=int(no_date.sum()),
        duplicates=n_dup,
        after_asof=int(later.sum()),
        rows_used=len(rows),
    )
    return TransactionLog(
        customers=ids,
        cust=remap[codes[rows]],
        day=day[rows],
        amount=amounts[rows],
        rows=rows,
        order=order_codes[rows] if order_codes is not None else None,
        cleaning=cleaning,
        asof=stamp,
    )
