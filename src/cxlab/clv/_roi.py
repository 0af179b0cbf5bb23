"""The return on customer-centricity: historical value, cohorts, retention, CAC, CRC, payback.

Each metric says which tables and columns it needs; :func:`roi_metrics` lists every one with its
value, or with the reason it cannot be computed for this bundle.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cxlab.clv._equity import EquityGrowth, equity_growth, equity_trend
from cxlab.contract import Bundle

__all__ = ["cohort_value", "cost_by_year", "historical_value", "nps_groups", "roi_metrics"]


def _purchases(transactions: pd.DataFrame) -> pd.DataFrame:
    tx = transactions[["customer_id", "date", "amount"]].dropna()
    return tx


def historical_value(transactions: pd.DataFrame) -> pd.Series:
    """Net spend to date per customer (refunds subtracted): historical lifetime value.

    Examples
    --------
    >>> tx = pd.DataFrame(
    ...     {
    ...         "customer_id": ["a", "a", "b"],
    ...         "date": pd.to_datetime(["2024-01-01"] * 3),
    ...         "amount": [10.0, -4.0, 5.0],
    ...     }
    ... )
    >>> historical_value(tx).to_dict()
    {'a': 6.0, 'b': 5.0}
    """
    tx = _purchases(transactions)
    return tx.groupby("customer_id")["amount"].sum().rename("historical_value")


def cohort_value(
    transactions: pd.DataFrame, *, months: tuple[int, ...] = (3, 6, 12)
) -> pd.DataFrame:
    """Mean cumulative net spend per customer, by quarter of first purchase, after ``months``.

    A cohort is shown at a horizon only when all its customers have been observed that long,
    so later cohorts have fewer columns. Rising values from cohort to cohort are "CLTV growth".

    Returns
    -------
    pandas.DataFrame
        Index ``cohort`` (e.g. ``2024Q1``); ``customers`` and one column per horizon
        (``value_3m`` ...), missing where the cohort is too young.

    Examples
    --------
    >>> tx = pd.DataFrame(
    ...     {
    ...         "customer_id": ["a", "a", "b"],
    ...         "date": pd.to_datetime(["2024-01-05", "2024-02-01", "2024-02-10"]),
    ...         "amount": [10.0, 20.0, 6.0],
    ...     }
    ... )
    >>> cohort_value(tx, months=(1,)).loc["2024Q1"].tolist()  # last date 2024-02-10: a only 1m
    [2.0, nan]
    """
    tx = _purchases(transactions)
    first = tx.groupby("customer_id")["date"].min().rename("first")
    tx = tx.join(first, on="customer_id")
    end = tx["date"].max()
    age = (tx["date"] - tx["first"]).dt.days
    out = pd.DataFrame({"customers": first.groupby(first.dt.to_period("Q").astype(str)).size()})
    for m in months:
        days = m * 365.25 / 12
        mature = first[(end - first).dt.days >= days]
        within = tx[(age < days) & tx["customer_id"].isin(mature.index)]
        spend = within.groupby("customer_id")["amount"].sum().reindex(mature.index, fill_value=0)
        by = spend.groupby(mature.dt.to_period("Q").astype(str)).mean()
        complete = first.groupby(first.dt.to_period("Q").astype(str)).max()
        by = by[by.index.isin(complete[(end - complete).dt.days >= days].index)]
        out[f"value_{m}m"] = by
    out.index.name = "cohort"
    return out


def nps_groups(responses: pd.DataFrame) -> pd.Series:
    """Each customer's NPS group from their latest answer: promoter, passive or detractor.

    Examples
    --------
    >>> r = pd.DataFrame(
    ...     {
    ...         "customer_id": ["a", "a", "b"],
    ...         "nps": [3, 9, 8],
    ...         "date": pd.to_datetime(["2024-01-01", "2024-06-01", "2024-01-01"]),
    ...     }
    ... )
    >>> nps_groups(r).to_dict()
    {'a': 'promoter', 'b': 'passive'}
    """
    cols = ["customer_id", "nps"] + (["date"] if "date" in responses else [])
    r = responses[cols].dropna(subset=["customer_id", "nps"])
    if "date" in r:
        r = r.sort_values("date", kind="stable", na_position="first")
    last = r.groupby("customer_id")["nps"].last().astype("float64")
    group = np.select([last >= 9, last >= 7], ["promoter", "passive"], "detractor")
    return pd.Series(group, index=last.index, name="nps_group")


def cost_by_year(bundle: Bundle) -> pd.DataFrame:
    """Spend by year and kind with CAC (per new customer) and CRC (per active customer-month).

    Needs ``costs`` (period, kind, amount); CAC also ``customers.signup_date`` (else first
    purchases count as new customers); CRC needs dated ``transactions``.

    Returns
    -------
    pandas.DataFrame
        Index ``year``; ``acquisition``, ``retention``, ``service`` (spend), ``new_customers``,
        ``active_months`` (customer-months with a purchase), ``cac``, ``crc``.
    """
    costs = bundle.costs
    costs = costs[costs["period"].notna()]
    spend = costs.pivot_table(
        index=costs["period"].dt.year,
        columns="kind",
        values="amount",
        aggfunc="sum",
        fill_value=0.0,
    )
    for kind in ("acquisition", "retention", "service"):
        if kind not in spend:
            spend[kind] = 0.0
    spend = spend[["acquisition", "retention", "service"]]
    spend.index.name = "year"
    years = spend.index
    new = pd.Series(np.nan, index=years)
    active = pd.Series(np.nan, index=years)
    if bundle.has("customers") and bundle.has_dates("customers"):
        new = bundle.customers.groupby(bundle.customers["signup_date"].dt.year).size()
    elif bundle.has_dates("transactions"):
        first = bundle.transactions.groupby("customer_id")["date"].min()
        new = first.groupby(first.dt.year).size()
    if bundle.has_dates("transactions"):
        tx = bundle.transactions
        tx = tx[(tx["amount"] > 0) & tx["date"].notna()]
        months = tx.assign(m=tx["date"].dt.to_period("M"))[["customer_id", "m"]].drop_duplicates()
        active = months.groupby(months["m"].dt.year).size()
    out = spend.copy()
    out["new_customers"] = new.reindex(years)
    out["active_months"] = active.reindex(years)
    out["cac"] = out["acquisition"] / out["new_customers"].where(out["new_customers"] > 0)
    out["crc"] = out["retention"] / out["active_months"].where(out["active_months"] > 0)
    return out


def _row(metric: str, value, needs: str, note: str = "") -> dict:
    return {"metric": metric, "value": value, "needs": needs, "note": note}


def _growth_row(growth: EquityGrowth) -> dict:
    needs = "transactions (dated, two or more period ends with a fit)"
    if not growth.ok:
        return _row("customer equity growth", np.nan, needs, growth.reason or "")
    note = (
        f"{growth.first:%Y-%m-%d} to {growth.last:%Y-%m-%d}, models refitted on the purchases "
        "known at each period end"
    )
    if np.isfinite(growth.low) and np.isfinite(growth.high):
        note += f"; {growth.confidence:.0%} interval {growth.low:+.0%} to {growth.high:+.0%}"
    return _row("customer equity growth", growth.growth, needs, note)


def roi_metrics(
    bundle: Bundle, *, values: pd.Series | None = None, growth: EquityGrowth | None = None
) -> pd.DataFrame:
    """Return the seeds' table of customer-centricity metrics for one bundle, each or why not.

    Parameters
    ----------
    bundle : Bundle
    values : pandas.Series, optional
        Predictive lifetime value per customer (:func:`customer_value`), for payback and equity.
    growth : EquityGrowth, optional
        :func:`equity_growth` of :func:`equity_over_time`, for the equity growth row; computed
        here (quarterly, default horizon and rate) when not given and the transactions are
        dated.

    Returns
    -------
    pandas.DataFrame
        Index ``metric``; ``value`` (a number or missing), ``needs`` (tables and columns),
        ``note`` (the period used, or why the metric is missing).
    """
    rows = []
    dated = bundle.has_dates("transactions")
    tx = bundle.transactions if dated else None
    if values is not None:
        rows.append(
            _row(
                "customer equity",
                float(values.sum()),
                "transactions (dated)",
                "predicted value of today's customers",
            )
        )
    else:
        rows.append(
            _row(
                "customer equity",
                np.nan,
                "transactions (dated)",
                "no predictive lifetime value for this bundle",
            )
        )
    if growth is None:
        trend, why_not = equity_trend(bundle)
        growth = equity_growth(trend, reason=why_not)
    rows.append(_growth_row(growth))
    if dated:
        end = tx["date"].max()
        last = tx[tx["date"] > end - pd.Timedelta(days=365)]
        prev = tx[
            (tx["date"] <= end - pd.Timedelta(days=365))
            & (tx["date"] > end - pd.Timedelta(days=730))
        ]
        before = set(prev.loc[prev["amount"] > 0, "customer_id"])
        kept = before & set(last.loc[last["amount"] > 0, "customer_id"])
        if len(before) >= 10:
            rows.append(
                _row(
                    "retention rate",
                    len(kept) / len(before),
                    "transactions (dated)",
                    f"buyers of the year before who bought again in the last 12 months "
                    f"(n = {len(before):,})",
                )
            )
        else:
            rows.append(
                _row(
                    "retention rate",
                    np.nan,
                    "transactions (dated)",
                    "fewer than two years of purchases, or too few buyers",
                )
            )
        hist = historical_value(tx)
        rows.append(
            _row(
                "historical value per customer",
                float(hist.mean()),
                "transactions",
                f"net spend to date (n = {len(hist):,})",
            )
        )
    else:
        for m in ("retention rate", "historical value per customer"):
            rows.append(_row(m, np.nan, "transactions (dated)", "the transactions have no dates"))
    if bundle.has("costs") and bundle.has_dates("costs"):
        years = cost_by_year(bundle)
        year = years.index.max()
        for metric, col in (("CAC", "cac"), ("CRC", "crc")):
            rows.append(
                _row(
                    metric,
                    float(years.loc[year, col]),
                    "costs + customers / transactions",
                    f"{year}; per new customer"
                    if col == "cac"
                    else f"{year}; retention spend per active customer-month",
                )
            )
        if values is not None and dated and pd.notna(years.loc[year, "cac"]):
            monthly = float(values.mean()) / 12
            rows.append(
                _row(
                    "payback (months)",
                    float(years.loc[year, "cac"]) / monthly if monthly > 0 else np.nan,
                    "costs + transactions",
                    "CAC divided by the predicted monthly value of a customer",
                )
            )
        else:
            rows.append(
                _row(
                    "payback (months)",
                    np.nan,
                    "costs + transactions",
                    "needs CAC and predictive lifetime value",
                )
            )
    else:
        for m in ("CAC", "CRC", "payback (months)"):
            rows.append(_row(m, np.nan, "costs", "no costs table: spend is not in the bundle"))
    if bundle.has("customers") and "channel" in bundle.customers:
        ch = bundle.customers["channel"].dropna().astype(str).str.casefold()
        referred = ch.str.contains("referral|referred|word_of_mouth|recommend")
        rows.append(
            _row(
                "referral rate",
                float(referred.mean()) if len(ch) else np.nan,
                "customers.channel",
                f"share of customers acquired by referral (n = {len(ch):,})",
            )
        )
    else:
        rows.append(
            _row(
                "referral rate", np.nan, "customers.channel", "no acquisition channel per customer"
            )
        )
    if bundle.has("responses") and "nps" in bundle.responses:
        nps = bundle.responses["nps"].dropna()
        rows.append(
            _row(
                "advocacy rate (promoters)",
                float((nps >= 9).mean()) if len(nps) else np.nan,
                "responses.nps",
                f"share of NPS answers 9–10 (n = {len(nps):,})",
            )
        )
    else:
        rows.append(_row("advocacy rate (promoters)", np.nan, "responses.nps", "no NPS answers"))
    if bundle.has_dates("events"):
        ev = bundle.events
        ev = ev[ev["timestamp"].notna()]
        if "stage" in ev:
            ev = ev[ev["stage"].astype(str).str.casefold() != "purchase"]
        months = (
            max(1.0, (ev["timestamp"].max() - ev["timestamp"].min()).days / 30.44)
            if len(ev)
            else 1.0
        )
        n = ev["customer_id"].nunique()
        rows.append(
            _row(
                "engagement (interactions per customer-month)",
                len(ev) / n / months if n else np.nan,
                "events",
                f"events other than purchases (n = {n:,} customers)",
            )
        )
    else:
        rows.append(
            _row(
                "engagement (interactions per customer-month)",
                np.nan,
                "events (dated)",
                "no dated events",
            )
        )
    return pd.DataFrame(rows).set_index("metric")
