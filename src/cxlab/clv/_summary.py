"""From a transactions log to one row per customer in the buy-till-you-die sense."""

from __future__ import annotations

import numpy as np
import pandas as pd

from cxlab.checks import raise_problems, require_columns, require_frame, rows_problem
from cxlab.errors import DataError

__all__ = ["DAYS_PER_UNIT", "rfm_summary"]

#: Days in one time unit of :func:`rfm_summary` (``freq``): days, weeks, months (365.25 / 12).
DAYS_PER_UNIT: dict[str, float] = {"D": 1.0, "W": 7.0, "M": 365.25 / 12}


def _timestamp(value, name: str) -> pd.Timestamp | None:
    if value is None:
        return None
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name}={value!r} is not a date; write it as YYYY-MM-DD") from exc
    if pd.isna(stamp):
        raise ValueError(f"{name} must be a date, not a missing value")
    return stamp.normalize()


def rfm_summary(
    transactions: pd.DataFrame,
    *,
    customer: str = "customer_id",
    date: str = "date",
    amount: str = "amount",
    freq: str = "W",
    calibration_end=None,
    observation_end=None,
) -> pd.DataFrame:
    """Summarise a transactions log per customer for the BG/NBD and Gamma-Gamma models.

    A customer's purchases are first collapsed to **purchase days** (several orders on one day
    are one transaction, as in the papers). Then, per customer:

    ``frequency``
        repeat purchase days: purchase days after the first one;
    ``recency``
        time from the first to the last purchase day (0 for one-time buyers);
    ``T``
        time from the first purchase day to the end of the (calibration) period;
    ``monetary``
        the mean spend of the repeat purchase days (0 for one-time buyers: the first purchase
        is left out because its value is often unlike the later ones, e.g. a sign-up order).

    Times are in units of ``freq`` (days, weeks of 7 days, months of 365.25/12 days).

    Note that this **recency** is *not* the recency of RFM segmentation
    (:func:`cxlab.segmentation.rfm`, days since the last purchase, counted back from today):
    here it runs forward from the customer's first purchase to the last, so a larger value means
    a *more* recent last purchase. ``T - recency`` is the RFM recency in these units.

    Rows with a negative amount (refunds, credit notes) are left out of the purchase process (a
    refund is not a visit) and counted in ``attrs["notes"]``, as are rows without a customer id
    or a date; a zero amount (a free order) is a purchase.

    Parameters
    ----------
    transactions : pandas.DataFrame
        One row per order line, order or invoice.
    customer, date, amount : str
        Column names (keyword-only).
    freq : {"W", "D", "M"}, default "W"
        Time unit of ``recency`` and ``T``.
    calibration_end : date-like, optional
        End of the calibration period. Purchases after it form the holdout: the result then has
        ``frequency_holdout`` (purchase days in the holdout), ``monetary_holdout`` (their mean
        spend) and ``duration_holdout`` (holdout length); customers whose first purchase falls
        after it are left out.
    observation_end : date-like, optional
        End of observation: of the holdout when ``calibration_end`` is given, else of the only
        period. Defaults to the last date in the log.

    Returns
    -------
    pandas.DataFrame
        Indexed by customer, columns ``frequency``, ``recency``, ``T``, ``monetary`` (plus the
        holdout columns); ``attrs["freq"]``, ``attrs["days_per_unit"]``, ``attrs["notes"]``.

    Raises
    ------
    DataError
        When a column is missing, amounts are not numbers, dates cannot be read, or nothing is
        left after the checks.

    Examples
    --------
    >>> log = pd.DataFrame(
    ...     {
    ...         "customer_id": ["A", "A", "A", "B"],
    ...         "date": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-15", "2024-01-08"]),
    ...         "amount": [10.0, 5.0, 30.0, 20.0],
    ...     }
    ... )
    >>> rfm_summary(log, observation_end="2024-01-29")  # doctest: +NORMALIZE_WHITESPACE
                 frequency  recency    T  monetary
    customer_id
    A                    1      2.0  4.0      30.0
    B                    0      0.0  3.0       0.0

    References
    ----------
    Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). "Counting your customers" the easy way:
    an alternative to the Pareto/NBD model. *Marketing Science* 24(2), 275–284.
    """
    require_frame(transactions, table="transactions")
    if freq not in DAYS_PER_UNIT:
        raise ValueError(f"freq must be one of {', '.join(DAYS_PER_UNIT)}; got {freq!r}")
    require_columns(
        transactions, {customer: "customer", date: "date", amount: "amount"}, table="transactions"
    )
    cal = _timestamp(calibration_end, "calibration_end")
    obs = _timestamp(observation_end, "observation_end")
    if cal is not None and obs is not None and obs < cal:
        raise ValueError("observation_end must not come before calibration_end")

    df = transactions[[customer, date, amount]]
    problems = []
    amounts = pd.to_numeric(df[amount], errors="coerce")
    bad = amounts.isna() & df[amount].notna()
    if bad.any():
        pos = np.flatnonzero(bad.to_numpy())
        problems.append(
            rows_problem(
                "not_a_number",
                f"{len(pos):,} amount(s) are not numbers",
                "write amounts as plain numbers (12.50), without currency signs or text; "
                "load the file through cxlab.load_bundle, which reads them for you",
                column=amount,
                positions=pos,
                values=df[amount].to_numpy()[pos],
                index=df.index,
                table="transactions",
            )
        )
    dates = df[date]
    if not pd.api.types.is_datetime64_any_dtype(dates):
        parsed = pd.to_datetime(dates, errors="coerce", format="ISO8601")
        bad = parsed.isna() & dates.notna()
        if bad.any():
            pos = np.flatnonzero(bad.to_numpy())
            problems.append(
                rows_problem(
                    "not_a_date",
                    f"{len(pos):,} date(s) cannot be read",
                    "write dates as YYYY-MM-DD, or load the file through cxlab.load_bundle",
                    column=date,
                    positions=pos,
                    values=dates.to_numpy()[pos],
                    index=df.index,
                    table="transactions",
                )
            )
        dates = parsed
    raise_problems(problems, source="transactions")

    notes: list[str] = []
    ids = df[customer]
    no_id = ids.isna()
    no_date = dates.isna() & ~no_id
    not_purchase = ~no_id & ~no_date & ~(amounts >= 0)
    if no_id.any():
        notes.append(f"{int(no_id.sum()):,} row(s) without a customer id were left out")
    if no_date.any():
        notes.append(f"{int(no_date.sum()):,} row(s) without a date were left out")
    if not_purchase.any():
        notes.append(
            f"{int(not_purchase.sum()):,} refund row(s) (negative amounts) were left out of the "
            "purchases"
        )
    keep = ~(no_id | no_date | not_purchase)
    if not keep.any():
        raise DataError.make(
            "no row has a customer id, a date and an amount that is not a refund, so there "
            "are no purchases to model",
            rule="no_purchases",
            table="transactions",
            column=date,
            hint="the lifetime-value models need dated purchases per customer",
        )
    days = (
        pd.DataFrame(
            {
                "c": ids[keep].astype(str).to_numpy(),
                "d": dates[keep].dt.normalize().to_numpy(),
                "a": amounts[keep].to_numpy(),
            }
        )
        .groupby(["c", "d"], sort=True)["a"]
        .sum()
        .reset_index()
    )
    end = obs if obs is not None else days["d"].max()
    if cal is not None:
        calib = days[days["d"] <= cal]
        if calib.empty:
            raise DataError.make(
                f"no purchase falls on or before calibration_end {cal:%Y-%m-%d}",
                rule="empty_calibration",
                table="transactions",
                column=date,
                hint="choose a calibration end after the first purchases in the log",
            )
    else:
        calib = days
    late = days["d"] > end
    if late.any():
        notes.append(f"{int(late.sum()):,} purchase day(s) after {end:%Y-%m-%d} were left out")
    calib = calib[calib["d"] <= end]
    unit = DAYS_PER_UNIT[freq]
    summary = _per_customer(calib, cal if cal is not None else end, unit)
    if cal is not None:
        hold = days[(days["d"] > cal) & (days["d"] <= end)]
        hold = hold[hold["c"].isin(summary.index)]
        grouped = hold.groupby("c")["a"]
        summary["frequency_holdout"] = (
            grouped.size().reindex(summary.index, fill_value=0).astype("int64")
        )
        summary["monetary_holdout"] = grouped.mean().reindex(summary.index, fill_value=0.0)
        summary["duration_holdout"] = (end - cal).days / unit
    summary.index.name = customer
    summary.attrs = {"freq": freq, "days_per_unit": unit, "notes": notes}
    return summary


def _per_customer(days: pd.DataFrame, end: pd.Timestamp, unit: float) -> pd.DataFrame:
    grouped = days.groupby("c", sort=True)
    first = grouped["d"].min()
    last = grouped["d"].max()
    n = grouped.size()
    total = grouped["a"].sum()
    first_amount = days.drop_duplicates("c").set_index("c")["a"].reindex(first.index)
    frequency = (n - 1).astype("int64")
    repeat_total = total - first_amount
    monetary = (repeat_total / frequency.where(frequency > 0)).fillna(0.0)
    return pd.DataFrame(
        {
            "frequency": frequency,
            "recency": (last - first).dt.days / unit,
            "T": (end - first).dt.days / unit,
            "monetary": monetary,
        }
    )
