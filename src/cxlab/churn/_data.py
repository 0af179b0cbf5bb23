"""Churn labels, observation and prediction windows, and the features known at the cutoff."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from cxlab.errors import DataError

if TYPE_CHECKING:  # pragma: no cover
    from cxlab.contract.bundle import Bundle

__all__ = ["SUPPORT_PATTERN", "Windows", "churn_features", "churn_labels", "leaky_features"]

#: Events whose touchpoint, stage or event name matches this count as support contacts.
SUPPORT_PATTERN = re.compile(r"support|complain|ticket|helpdesk|help desk|call.?cent", re.I)

#: Days in each half of the purchase trend (orders in the last 90 days minus the 90 before).
TREND_DAYS = 90

_DAY = pd.Timedelta(days=1)


@dataclass(frozen=True)
class Windows:
    """How churn is defined for a bundle and which data the features may use.

    Parameters
    ----------
    rule : {"label", "inactive_days"}
    cutoff : pandas.Timestamp or None
        Last day of the observation window: features use rows dated on or before it only.
        None for a label column (the label carries no date, see :func:`churn_features`).
    start, end : pandas.Timestamp or None
        First and last day of the data; the prediction window runs from the day after the
        cutoff to ``end``.
    inactive_days : int or None
    label : str or None
        The label column, for ``rule == "label"``.
    """

    rule: str
    cutoff: pd.Timestamp | None
    start: pd.Timestamp | None
    end: pd.Timestamp | None
    inactive_days: int | None = None
    label: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the windows as plain values (dates as ISO text)."""
        day = lambda t: None if t is None else t.date().isoformat()  # noqa: E731
        return {
            "rule": self.rule,
            "cutoff": day(self.cutoff),
            "start": day(self.start),
            "end": day(self.end),
            "inactive_days": self.inactive_days,
            "label": self.label,
        }


def _purchases(bundle: Bundle) -> pd.DataFrame:
    tx = bundle.transactions
    tx = tx.dropna(subset=[c for c in ("customer_id", "date") if c in tx])
    if "amount" in tx:
        tx = tx[pd.to_numeric(tx["amount"], errors="coerce") > 0]
    return tx.assign(date=pd.to_datetime(tx["date"]).dt.normalize())


def _data_end(bundle: Bundle) -> pd.Timestamp | None:
    ends = []
    for table, col in (("transactions", "date"), ("responses", "date"), ("events", "timestamp")):
        if bundle.has(table) and col in bundle.tables[table]:
            last = pd.to_datetime(bundle.tables[table][col]).max()
            if pd.notna(last):
                ends.append(last.normalize())
    return max(ends) if ends else None


def churn_labels(bundle: Bundle, *, cutoff: Any = None) -> pd.Series:
    """Who churned, by the bundle's churn rule, with the windows in ``attrs["windows"]``.

    With ``churn: {label: COLUMN}`` the label is the customers column (customers with a blank
    label are left out). With ``churn: {inactive_days: N}`` the **observation window** runs
    from the first transaction to the cutoff (default: the last transaction day minus N days)
    and the **prediction window** from the day after the cutoff to the last day: a customer who
    bought in the observation window churned when they bought nothing in the prediction
    window. Customers who never bought before the cutoff cannot churn and are left out.

    Parameters
    ----------
    bundle : cxlab.contract.Bundle
    cutoff : date-like, optional
        Last day of the observation window (inactivity rule only).

    Returns
    -------
    pandas.Series
        Boolean, named ``churned``, indexed by ``customer_id``; ``attrs["windows"]`` holds the
        :class:`Windows`.

    Raises
    ------
    cxlab.errors.DataError
        If the rule needs a table or column the bundle lacks, or the period is too short.

    Examples
    --------
    >>> from cxlab.datasets import load_demo
    >>> y = churn_labels(load_demo("restaurant"))
    >>> y.attrs["windows"].inactive_days, round(float(y.mean()), 2) > 0
    (120, True)
    """
    rule = bundle.config.churn
    if rule.label:
        if not bundle.has("customers") or rule.label not in bundle.customers:
            raise DataError.make(
                f"cxlab.yml names the churn label column {rule.label!r}, but the customers "
                "table has no such column.",
                rule="missing_column",
                table="customers",
                column=rule.label,
                hint="Name the yes/no churn column under churn: {label: ...}.",
            )
        c = bundle.customers.dropna(subset=[rule.label])
        y = pd.Series(c[rule.label].astype(bool).to_numpy(), index=c["customer_id"], name="churned")
        y = y[~y.index.duplicated()]
        end = _data_end(bundle)
        start = None
        y.attrs["windows"] = Windows("label", None, start, end, None, rule.label)
        return y
    days = int(rule.inactive_days)
    if not bundle.has("transactions"):
        raise DataError.make(
            f"Churn is defined as {days} days without a purchase, but the bundle has no "
            "transactions table to see purchases in.",
            rule="missing_table",
            table="transactions",
            hint="Add the transactions table, or name a yes/no churn column in cxlab.yml "
            "(churn: {label: churned}).",
        )
    tx = _purchases(bundle)
    if tx.empty:
        raise DataError.make(
            "The transactions table has no dated purchases with a customer id.",
            rule="empty",
            table="transactions",
            column="date",
            hint="Check the date, amount and customer_id columns.",
        )
    start, end = tx["date"].min(), tx["date"].max()
    cut = end - days * _DAY if cutoff is None else pd.Timestamp(cutoff).normalize()
    if cut <= start or cut >= end:
        raise DataError.make(
            f"The purchases span {start.date()} to {end.date()}, too short to watch a customer "
            f"for {days} days after a cutoff with history before it.",
            rule="short_period",
            table="transactions",
            column="date",
            hint="Use a longer export, or a smaller churn: {inactive_days: N} in cxlab.yml.",
        )
    before = tx.loc[tx["date"] <= cut, "customer_id"].unique()
    after = set(tx.loc[tx["date"] > cut, "customer_id"].unique())
    y = pd.Series(
        [c not in after for c in before],
        index=pd.Index(before, name="customer_id"),
        name="churned",
        dtype=bool,
    )
    y = y.sort_index()
    y.attrs["windows"] = Windows("inactive_days", cut, start, end, days, None)
    return y


def _id_like(col: pd.Series) -> bool:
    s = col.dropna()
    return len(s) > 20 and not pd.api.types.is_numeric_dtype(s.dtype) and s.nunique() > 0.9 * len(s)


def _attributes(bundle: Bundle, asof: pd.Timestamp | None) -> pd.DataFrame:
    c = bundle.customers.drop_duplicates("customer_id").set_index("customer_id")
    cfg = bundle.config
    drop = {cfg.churn.label, cfg.consent, *cfg.sensitive} - {None}
    out = {}
    for name in c.columns:
        col = c[name]
        if name in drop or _id_like(col):
            continue
        if pd.api.types.is_datetime64_any_dtype(col.dtype):
            if asof is not None and "tenure_days" not in out:
                out["tenure_days"] = (asof - col.dt.normalize()).dt.days.astype("float64")
            continue
        out[name] = col
    frame = pd.DataFrame(out, index=c.index)
    if "tenure_days" in frame:
        frame.loc[frame["tenure_days"] < 0, "tenure_days"] = np.nan
    return frame


def _before(frame: pd.DataFrame, col: str, cutoff: pd.Timestamp | None) -> pd.DataFrame:
    frame = frame.dropna(subset=["customer_id"])
    if cutoff is None or col not in frame:
        return frame
    dates = pd.to_datetime(frame[col])
    return frame[dates.notna() & (dates < cutoff + _DAY)]


def churn_features(
    bundle: Bundle, *, cutoff: Any = None, labels: pd.Series | None = None
) -> pd.DataFrame:
    """One row of raw features per customer, from data dated on or before the cutoff only.

    - **customers**: every attribute except the churn label, the consent column, the
      sensitive attributes (``sensitive:`` in ``cxlab.yml``, kept out of who gets called) and
      id-like text; the first date column becomes ``tenure_days`` at the cutoff;
    - **transactions** (inactivity rule only): ``orders``, ``spend``, ``recency_days``,
      ``first_purchase_days`` and ``order_trend`` (orders in the last 90 days before the
      cutoff minus the 90 before);
    - **responses**: ``csat_mean``, ``ces_mean``, ``nps_latest``, ``answers``;
    - **events**: ``support_contacts`` (events at a support, complaint or ticket touchpoint).

    With a label column the label has no date, so no cutoff can be placed: purchases after a
    cancellation are missing *because of* it, so transaction features would leak the label
    and are left out; survey answers and support contacts are averages and counts over the
    whole period.

    Parameters
    ----------
    bundle : cxlab.contract.Bundle
    cutoff : date-like, optional
        Default: the cutoff of :func:`churn_labels` (inactivity rule) or none (label rule).
        Pass the last day of the data to score customers today.
    labels : pandas.Series, optional
        The labels, to align the rows to (default: every customer the data know).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``customer_id``; ``attrs["cutoff"]`` holds the cutoff used.
    """
    rule = bundle.config.churn
    if cutoff is None and rule.inactive_days is not None:
        cutoff = (labels if labels is not None else churn_labels(bundle)).attrs["windows"].cutoff
    cut = None if cutoff is None else pd.Timestamp(cutoff).normalize()
    asof = cut if cut is not None else _data_end(bundle)
    parts: list[pd.DataFrame] = []
    if bundle.has("customers"):
        parts.append(_attributes(bundle, asof))
    if bundle.has("transactions") and rule.inactive_days is not None:
        tx = _before(_purchases(bundle), "date", cut)
        if not tx.empty:
            ref = cut if cut is not None else tx["date"].max()
            order = tx["order_id"] if "order_id" in tx else tx["date"].astype(str)
            g = tx.assign(order=order).groupby("customer_id")
            age = (ref - tx["date"]).dt.days
            recent = tx[age < TREND_DAYS].groupby("customer_id")["date"].size()
            earlier = (
                tx[(age >= TREND_DAYS) & (age < 2 * TREND_DAYS)]
                .groupby("customer_id")["date"]
                .size()
            )
            feats = pd.DataFrame(
                {
                    "orders": g["order"].nunique().astype("float64"),
                    "spend": g["amount"].sum() if "amount" in tx else np.nan,
                    "recency_days": (ref - g["date"].max()).dt.days.astype("float64"),
                    "first_purchase_days": (ref - g["date"].min()).dt.days.astype("float64"),
                }
            )
            feats["order_trend"] = recent.reindex(feats.index, fill_value=0) - earlier.reindex(
                feats.index, fill_value=0
            )
            parts.append(feats)
    if bundle.has("responses"):
        r = _before(bundle.responses, "date", cut)
        feats = {}
        for col, name in (("csat", "csat_mean"), ("ces", "ces_mean")):
            if col in r and r[col].notna().any():
                feats[name] = (
                    pd.to_numeric(r[col], errors="coerce").groupby(r["customer_id"]).mean()
                )
        if "nps" in r and r["nps"].notna().any():
            answered = r.dropna(subset=["nps"])
            if "date" in answered:
                answered = answered.sort_values("date", kind="stable")
            feats["nps_latest"] = answered.groupby("customer_id")["nps"].last().astype("float64")
        if feats:
            feats["answers"] = r.groupby("customer_id").size().astype("float64")
            parts.append(pd.DataFrame(feats))
    if bundle.has("events"):
        ev = _before(bundle.events, "timestamp", cut)
        text = pd.Series("", index=ev.index)
        for col in ("touchpoint", "stage", "event"):
            if col in ev:
                text = text + " " + ev[col].astype("string").fillna("")
        is_support = text.str.contains(SUPPORT_PATTERN)
        if is_support.any() or (
            bundle.events.get("touchpoint", pd.Series(dtype=str))
            .astype("string")
            .str.contains(SUPPORT_PATTERN)
            .fillna(False)
            .any()
        ):
            parts.append(
                ev[is_support]
                .groupby("customer_id")
                .size()
                .astype("float64")
                .rename("support_contacts")
                .to_frame()
            )
    index = labels.index if labels is not None else None
    if not parts:
        frame = pd.DataFrame(index=index if index is not None else pd.Index([], name="customer_id"))
    else:
        frame = pd.concat(parts, axis=1)
        frame.index.name = "customer_id"
        if index is not None:
            frame = frame.reindex(index)
    for col in ("support_contacts", "answers", "orders"):
        if col in frame:
            frame[col] = frame[col].fillna(0.0)
    frame.attrs["cutoff"] = cut
    return frame


def leaky_features(bundle: Bundle, labels: pd.Series) -> pd.DataFrame:
    """Build the features a careless analyst would: activity counted up to the last day.

    Purchases (recency, orders) are counted to the end of the data, *after* the cutoff, so the
    features contain the very silence that defines churn. A model trained on them scores an
    AUC near 1 on paper and is useless in practice: at the moment of deciding whom to call,
    the future purchases are not known yet.

    Parameters
    ----------
    bundle : cxlab.contract.Bundle
    labels : pandas.Series
        From :func:`churn_labels`.

    Returns
    -------
    pandas.DataFrame
        The honest features plus ``recency_days_at_end`` and ``orders_to_end``, aligned to
        ``labels``.

    Raises
    ------
    cxlab.errors.DataError
        If the bundle has no dated transactions, so no leak can be shown.
    """
    honest = churn_features(bundle, labels=labels)
    if not bundle.has("transactions"):
        raise DataError.make(
            "The bundle has no transactions, so there is no later activity to leak.",
            rule="missing_table",
            table="transactions",
            hint="The leakage example needs a dated transaction log.",
        )
    tx = _purchases(bundle)
    end = tx["date"].max()
    g = tx.groupby("customer_id")
    leak = pd.DataFrame(
        {
            "recency_days_at_end": (end - g["date"].max()).dt.days.astype("float64"),
            "orders_to_end": g["date"].size().astype("float64"),
        }
    ).reindex(labels.index)
    return pd.concat([honest, leak], axis=1)
