"""Per-customer signals the action plan ranks by: churn risk and value, or their proxies.

A churn model (chapter 05) and a lifetime-value model (chapter 06) give the best signals. When a
caller has none, this module supplies two simpler proxies a small business can explain in one
sentence, and the functions that use them say in their output which was used:

* **recency risk** — the days since a customer's last purchase divided by the bundle's churn
  window (``churn: inactive_days`` in ``cxlab.yml``, 180 days when churn is a label), capped at 1:
  a customer who bought yesterday is near 0, one silent for the whole window is 1. Recency is the
  strongest single predictor of whether a customer buys again (Hughes, 1994; Fader, Hardie &
  Lee, 2005), so it is the natural stand-in for a churn score.
* **historical spend** — net spend so far (purchases minus refunds, never below zero). Past
  spend is a biased but widely used stand-in for future value (Gupta et al., 2006).

References
----------
.. [1] Hughes, A. M. (1994). *Strategic Database Marketing*. Chicago: Probus.
.. [2] Fader, P. S., Hardie, B. G. S., & Lee, K. L. (2005). RFM and CLV: Using iso-value curves
   for customer base analysis. *Journal of Marketing Research*, 42(4), 415–430.
.. [3] Gupta, S., Hanssens, D., Hardie, B., et al. (2006). Modeling customer lifetime value.
   *Journal of Service Research*, 9(2), 139–155.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from cxlab.checks import require_columns
from cxlab.errors import DataError

__all__ = [
    "DEFAULT_WINDOW",
    "Signals",
    "customer_signals",
    "model_signals",
    "recency_risk",
    "spend_value",
]

#: Churn window in days when the bundle defines churn by a label rather than by inactivity.
DEFAULT_WINDOW = 180


def _purchases(transactions: pd.DataFrame) -> pd.DataFrame:
    require_columns(transactions, ["customer_id", "date", "amount"], table="transactions")
    tx = transactions.dropna(subset=["customer_id", "amount"])
    return tx[tx["customer_id"].astype(str).str.strip() != ""]


def recency_risk(
    transactions: pd.DataFrame, *, window: int = DEFAULT_WINDOW, asof: pd.Timestamp | None = None
) -> pd.Series:
    """Recency-based churn risk in [0, 1] per buying customer (see the module docstring).

    Parameters
    ----------
    transactions : pandas.DataFrame
        Contract transactions (``customer_id``, ``date``, ``amount``).
    window : int, default 180
        Days of silence that count as fully at risk.
    asof : pandas.Timestamp, optional
        The day the risk is read on; default the day after the last dated transaction.

    Returns
    -------
    pandas.Series
        ``churn_risk`` by ``customer_id``: days since the last purchase / ``window``, at most 1.

    Raises
    ------
    DataError
        If the window is not positive, or no purchase is dated.

    Examples
    --------
    >>> tx = pd.DataFrame(
    ...     {
    ...         "customer_id": ["a", "b"],
    ...         "amount": [10.0, 5.0],
    ...         "date": pd.to_datetime(["2024-03-31", "2024-01-01"]),
    ...     }
    ... )
    >>> recency_risk(tx, window=90).round(3).to_dict()
    {'a': 0.011, 'b': 1.0}
    """
    if window <= 0:
        raise DataError.make(
            f"the churn window must be a positive number of days, got {window}",
            rule="invalid_window",
            hint="set churn: {inactive_days: N} in cxlab.yml with N > 0",
        )
    tx = _purchases(transactions)
    bought = tx[(tx["amount"] > 0) & tx["date"].notna()]
    if bought.empty:
        raise DataError.make(
            "no dated purchase (a positive amount with a date), so recency cannot be measured",
            rule="no_dated_purchases",
            table="transactions",
            column="date",
            hint="send the transactions with their dates, or pass churn_risk= from a churn model",
        )
    if asof is None:
        asof = tx["date"].max().normalize() + pd.Timedelta(days=1)
    days = (asof - bought.groupby("customer_id")["date"].max()).dt.days.clip(lower=0)
    return (days / window).clip(upper=1.0).astype(float).rename("churn_risk")


def spend_value(transactions: pd.DataFrame) -> pd.Series:
    """Net historical spend per customer, never below zero (the value proxy).

    Examples
    --------
    >>> tx = pd.DataFrame(
    ...     {"customer_id": ["a", "a", "b"], "amount": [30.0, -40.0, 12.5], "date": pd.NaT}
    ... )
    >>> spend_value(tx).to_dict()
    {'a': 0.0, 'b': 12.5}
    """
    tx = _purchases(transactions)
    return tx.groupby("customer_id")["amount"].sum().clip(lower=0).astype(float).rename("value")


@dataclass(frozen=True)
class Signals:
    """Churn risk and value per customer, with where each came from.

    Attributes
    ----------
    risk, value : pandas.Series
        ``churn_risk`` in [0, 1] and ``value`` (in the bundle's currency) by ``customer_id``.
    risk_source, value_source : str
        ``"model"`` when the caller passed the series, else ``"recency proxy"`` /
        ``"historical spend"`` (or ``"none"`` when the bundle has no transactions).
    """

    risk: pd.Series
    value: pd.Series
    risk_source: str
    value_source: str

    @property
    def value_rank(self) -> pd.Series:
        """Each customer's value as a percentile among customers with a value (0 to 1)."""
        v = self.value.dropna()
        if v.empty:
            return v
        return v.rank(pct=True, method="average")


def _check_series(s: pd.Series, name: str, *, bounded: bool) -> pd.Series:
    if not isinstance(s, pd.Series):
        raise TypeError(f"{name} must be a pandas Series indexed by customer_id")
    values = pd.to_numeric(s, errors="coerce").astype(float)
    bad = values.notna() & ((values < 0) | (values > 1)) if bounded else values < 0
    if bad.any():
        rows = ", ".join(map(str, list(values.index[bad])[:5]))
        raise DataError.make(
            f"{name} has {int(bad.sum())} {'value' if bad.sum() == 1 else 'values'} outside "
            + ("0 to 1" if bounded else "zero and above"),
            rule="out_of_range",
            column=name,
            hint=f"customers {rows}: pass a probability of churn"
            if bounded
            else f"customers {rows}: pass a value of zero or more",
        )
    values.index = values.index.astype(str)
    return values


def customer_signals(
    bundle, *, churn_risk: pd.Series | None = None, value: pd.Series | None = None
) -> Signals:
    """Churn risk and value per customer: the given series, or the proxies.

    Parameters
    ----------
    bundle : cxlab.Bundle
        The client's data; its transactions feed the proxies.
    churn_risk : pandas.Series, optional
        Probability of churn (0 to 1) by customer id, e.g. ``cxlab.churn.scores(bundle)``.
    value : pandas.Series, optional
        Customer value by customer id, e.g. ``cxlab.clv.customer_value(bundle)``.

    Returns
    -------
    Signals

    Raises
    ------
    DataError
        If a given series has values out of range.
    """
    tx = bundle.transactions
    if churn_risk is not None:
        risk, risk_source = _check_series(churn_risk, "churn_risk", bounded=True), "model"
    elif tx is not None and bundle.has_dates("transactions") and (tx["amount"] > 0).any():
        window = bundle.config.churn.inactive_days or DEFAULT_WINDOW
        risk, risk_source = recency_risk(tx, window=window), "recency proxy"
    else:
        risk, risk_source = pd.Series(dtype=float, name="churn_risk"), "none"
    if value is not None:
        val, value_source = _check_series(value, "value", bounded=False), "model"
    elif tx is not None:
        val, value_source = spend_value(tx), "historical spend"
    else:
        val, value_source = pd.Series(dtype=float, name="value"), "none"
    risk.index = risk.index.astype(str)
    val.index = val.index.astype(str)
    return Signals(risk.rename("churn_risk"), val.rename("value"), risk_source, value_source)


def model_signals(
    bundle, *, random_state: int = 0
) -> tuple[pd.Series | None, pd.Series | None, dict[str, str]]:
    """Churn risk from the churn model and value from the lifetime-value model, where they fit.

    Chapter 05's :func:`cxlab.churn.scores` and chapter 06's :func:`cxlab.clv.customer_value`
    are tried in turn; each that cannot be fitted on this bundle is left out (None) with its
    reason, and :func:`customer_signals` then falls back to its proxy for it.

    Parameters
    ----------
    bundle : cxlab.Bundle
        The client's data.
    random_state : int, default 0
        Seed of the churn model.

    Returns
    -------
    churn_risk, value : pandas.Series or None
        The models' scores by customer id, or None.
    reasons : dict of str to str
        Why a model was left out, under ``"churn_risk"`` or ``"value"``.

    Examples
    --------
    >>> from cxlab.datasets import load_demo
    >>> risk, value, reasons = model_signals(load_demo("consulting"))
    >>> risk is not None and value is not None, reasons
    (True, {})
    """
    from cxlab import churn, clv  # fitted only when asked for: they are the slow part

    found: dict[str, pd.Series | None] = {}
    reasons: dict[str, str] = {}
    for name, fit in (
        ("churn_risk", lambda: churn.scores(bundle, random_state=random_state)),
        ("value", lambda: clv.customer_value(bundle)),
    ):
        try:
            found[name] = fit()
        except DataError as exc:
            found[name], reasons[name] = None, str(exc).splitlines()[0]
    return found["churn_risk"], found["value"], reasons
