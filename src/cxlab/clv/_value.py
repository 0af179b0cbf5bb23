"""Lifetime value from the two models: per customer, summed (equity), checked on a holdout."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from cxlab.clv._models import BetaGeo, GammaGamma
from cxlab.clv._summary import DAYS_PER_UNIT, rfm_summary
from cxlab.contract import Bundle
from cxlab.errors import DataError
from cxlab.stats import bootstrap_mean, check_confidence

__all__ = [
    "MIN_CUSTOMERS",
    "ValueModel",
    "ValueShare",
    "clv",
    "clv_by_group",
    "customer_equity",
    "customer_value",
    "fit_models",
    "holdout",
    "holdout_check",
    "monthly_rate",
    "prepare",
    "top_share",
    "value_tiers",
]

#: Fewer buyers than this and the four BG/NBD parameters are not worth estimating.
MIN_CUSTOMERS = 30

#: Fewer repeat buyers than this and the Gamma-Gamma spend model is not worth estimating.
MIN_REPEAT_BUYERS = 10

_DAYS_PER_MONTH = 365.25 / 12


def monthly_rate(discount_rate: float) -> float:
    """Return the monthly discount rate equivalent to an annual one: ``(1 + d) ** (1/12) - 1``.

    Examples
    --------
    >>> round(monthly_rate(0.10), 6)
    0.007974
    """
    if not 0 <= discount_rate < 1:
        raise ValueError(f"discount_rate is an annual rate in [0, 1); got {discount_rate!r}")
    return (1 + discount_rate) ** (1 / 12) - 1


def _pooled(*arrays: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    """Return the distinct rows of the columns ``arrays`` and, per row, the index of its copy."""
    frame = pd.DataFrame({i: a for i, a in enumerate(arrays)})
    codes = frame.groupby(list(frame.columns), sort=False).ngroup().to_numpy()
    first = np.unique(codes, return_index=True)[1]
    return [a[first] for a in arrays], codes


def clv(
    summary: pd.DataFrame,
    bgf: BetaGeo,
    ggf: GammaGamma,
    *,
    horizon_months: int = 12,
    discount_rate: float = 0.10,
    margin: float = 1.0,
) -> pd.Series:
    """Predictive lifetime value of each customer over a horizon, discounted.

    For months ``m = 1 .. horizon_months`` the BG/NBD gives the purchases expected in month ``m``
    (the difference of the conditional expectation at the month's end and start); each is worth
    the Gamma-Gamma conditional expected spend times ``margin`` and is discounted to today by
    ``(1 + monthly rate) ** m``, the monthly rate being equivalent to the annual
    ``discount_rate``. Customers with the same history are computed once, so a million
    customers take a few seconds.

    Parameters
    ----------
    summary : pandas.DataFrame
        From :func:`rfm_summary`: ``frequency``, ``recency``, ``T``, ``monetary`` and
        ``attrs["days_per_unit"]`` (weeks when absent).
    bgf, ggf : BetaGeo, GammaGamma
        Fitted models.
    horizon_months : int, default 12
        How far ahead.
    discount_rate : float, default 0.10
        Annual discount rate (cost of capital).
    margin : float, default 1.0
        Share of spend that is profit (1.0: value as revenue).

    Returns
    -------
    pandas.Series
        Named ``"clv"``, indexed like ``summary``.

    Examples
    --------
    >>> bg = BetaGeo()
    >>> bg.params_ = pd.Series({"r": 1.0, "alpha": 4.0, "a": 2.0, "b": 1e9})
    >>> gg = GammaGamma()
    >>> gg.params_ = pd.Series({"p": 1.0, "q": 3.0, "v": 20.0})
    >>> s = pd.DataFrame({"frequency": [0], "recency": [0.0], "T": [0.0], "monetary": [0.0]})
    >>> s.attrs["days_per_unit"] = 365.25 / 12  # months
    >>> # nobody dies (b huge): 1/4 purchase a month, worth 10 each, undiscounted over 2 months
    >>> round(float(clv(s, bg, gg, horizon_months=2, discount_rate=0.0).iloc[0]), 3)
    5.0

    References
    ----------
    Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). RFM and CLV: using iso-value curves for
    customer base analysis. *Journal of Marketing Research* 42(4), 415–430.
    """
    if int(horizon_months) != horizon_months or horizon_months < 1:
        raise ValueError(f"horizon_months must be a whole number >= 1; got {horizon_months!r}")
    if not 0 < margin <= 1:
        raise ValueError(f"margin is a share of spend in (0, 1]; got {margin!r}")
    rate = monthly_rate(discount_rate)
    unit = float(summary.attrs.get("days_per_unit", DAYS_PER_UNIT["W"]))
    per_month = _DAYS_PER_MONTH / unit
    x = summary["frequency"].to_numpy(dtype="float64")
    (ux, ut, uT), inverse = _pooled(
        x,
        summary["recency"].to_numpy(dtype="float64"),
        summary["T"].to_numpy(dtype="float64"),
    )
    spend = ggf.conditional_expected_spend(x, summary["monetary"].to_numpy(dtype="float64"))
    purchases = np.zeros(ux.size)  # discounted expected purchases per distinct history
    previous = np.zeros(ux.size)
    for m in range(1, int(horizon_months) + 1):
        cumulative = bgf.expected_purchases(m * per_month, ux, ut, uT)
        purchases += (cumulative - previous) / (1 + rate) ** m
        previous = cumulative
    value = purchases[inverse] * np.asarray(spend) * margin
    return pd.Series(value, index=summary.index, name="clv")


def customer_equity(values: pd.Series) -> float:
    """Return customer equity, the sum of the customers' discounted lifetime values.

    Examples
    --------
    >>> customer_equity(pd.Series([10.0, 5.5, 0.0]))
    15.5
    """
    return float(pd.Series(values, dtype="float64").sum())


@dataclass(frozen=True)
class ValueShare:
    """The share of total value held by the most valuable customers, with a bootstrap interval.

    Parameters
    ----------
    share, low, high : float
        Share and percentile bootstrap interval (customers resampled).
    n : int
        Customers.
    top : float
        The top fraction (0.1: top decile).
    """

    share: float
    low: float
    high: float
    n: int
    top: float

    def to_dict(self) -> dict[str, float | int]:
        """Return the headline card: ``share``, ``low``, ``high``, ``n``."""
        return {
            "share": round(self.share, 4),
            "low": round(self.low, 4),
            "high": round(self.high, 4),
            "n": self.n,
        }


def _share_of_top(values: np.ndarray, k: int) -> np.ndarray:
    """Share of the row total held by the ``k`` largest values in each row."""
    part = np.partition(values, values.shape[-1] - k, axis=-1)[..., -k:]
    total = values.sum(axis=-1)
    return np.divide(part.sum(axis=-1), total, out=np.full(total.shape, np.nan), where=total > 0)


def top_share(
    values: pd.Series,
    *,
    top: float = 0.10,
    resamples: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
) -> ValueShare:
    """Share of total value held by the top ``top`` fraction of customers.

    The interval resamples customers with replacement (percentile bootstrap); it covers the
    sampling of customers, not the uncertainty of the fitted model parameters.

    Examples
    --------
    >>> s = top_share(pd.Series([1.0] * 9 + [91.0]), resamples=200)
    >>> s.share, s.n
    (0.91, 10)
    """
    v = pd.Series(values, dtype="float64").dropna().to_numpy()
    n = v.size
    if n == 0:
        raise ValueError("no values to share out")
    level = check_confidence(confidence)
    k = max(1, round(top * n))
    share = float(_share_of_top(v[None, :], k)[0])
    rng = np.random.default_rng(seed)
    shares = []
    chunk = max(1, 2_000_000 // max(n, 1))
    for start in range(0, resamples, chunk):
        size = min(chunk, resamples - start)
        draws = v[rng.integers(0, n, size=(size, n))]
        shares.append(_share_of_top(draws, k))
    boot = np.concatenate(shares)
    boot = boot[np.isfinite(boot)]
    if boot.size == 0:
        return ValueShare(share, float("nan"), float("nan"), n, top)
    low, high = np.quantile(boot, [(1 - level) / 2, (1 + level) / 2])
    return ValueShare(round(share, 12), float(min(low, share)), float(max(high, share)), n, top)


def value_tiers(values: pd.Series, *, top: float = 0.2, bottom: float = 0.5) -> pd.DataFrame:
    """Top / middle / bottom tiers by lifetime value, with customers, mean value and share.

    Parameters
    ----------
    values : pandas.Series
        Lifetime value per customer.
    top, bottom : float
        Fractions of customers in the top and the bottom tier (by rank).

    Returns
    -------
    pandas.DataFrame
        Index ``tier`` (top, middle, bottom); ``customers``, ``mean_value``, ``total_value``,
        ``share_of_value``.

    Examples
    --------
    >>> value_tiers(pd.Series([1.0, 2.0, 3.0, 4.0, 90.0]), top=0.2, bottom=0.4)[
    ...     "customers"
    ... ].tolist()
    [1, 2, 2]
    """
    v = pd.Series(values, dtype="float64").dropna()
    n = len(v)
    rank = v.rank(method="first", ascending=False)
    n_top = max(1, round(top * n))
    n_bottom = round(bottom * n)
    tier = np.where(rank <= n_top, "top", np.where(rank > n - n_bottom, "bottom", "middle"))
    grouped = v.groupby(pd.Categorical(tier, ["top", "middle", "bottom"]), observed=False)
    total = v.sum()
    out = pd.DataFrame(
        {
            "customers": grouped.size(),
            "mean_value": grouped.mean(),
            "total_value": grouped.sum(),
        }
    )
    out["share_of_value"] = out["total_value"] / total if total > 0 else np.nan
    out.index.name = "tier"
    return out


def holdout_check(summary: pd.DataFrame, bgf: BetaGeo, *, max_frequency: int = 7) -> pd.DataFrame:
    """Predicted against actual holdout purchases, by calibration frequency.

    The usual BG/NBD validation (Fader, Hardie & Lee 2005, figure 4): group customers by their
    repeat purchases in the calibration period (the last group pools ``max_frequency`` and more)
    and compare the mean purchases the model expects in the holdout with the mean observed.

    Parameters
    ----------
    summary : pandas.DataFrame
        From :func:`rfm_summary` with ``calibration_end`` (holdout columns present).
    bgf : BetaGeo
        Fitted on the calibration columns.
    max_frequency : int, default 7
        Where the last group starts.

    Returns
    -------
    pandas.DataFrame
        Index ``frequency`` (0 .. ``max_frequency``); ``customers``, ``actual``, ``predicted``;
        ``attrs`` holds the totals: ``actual_total``, ``predicted_total``, ``error`` (relative
        error of the total) and ``mae`` (mean absolute error per customer).
    """
    needed = {"frequency_holdout", "duration_holdout"}
    if not needed <= set(summary.columns):
        raise ValueError("summary has no holdout; build it with rfm_summary(calibration_end=...)")
    pred = bgf.expected_purchases(
        summary["duration_holdout"].to_numpy(),
        summary["frequency"],
        summary["recency"],
        summary["T"],
    )
    actual = summary["frequency_holdout"].to_numpy(dtype="float64")
    group = np.minimum(summary["frequency"].to_numpy(), max_frequency)
    frame = pd.DataFrame({"g": group, "actual": actual, "predicted": pred})
    out = frame.groupby("g").agg(
        customers=("actual", "size"), actual=("actual", "mean"), predicted=("predicted", "mean")
    )
    out.index.name = "frequency"
    total_a, total_p = float(actual.sum()), float(pred.sum())
    out.attrs = {
        "actual_total": total_a,
        "predicted_total": total_p,
        "error": (total_p - total_a) / total_a if total_a > 0 else float("nan"),
        "mae": float(np.mean(np.abs(pred - actual))),
        "n": len(frame),
    }
    return out


def fit_models(summary: pd.DataFrame) -> tuple[BetaGeo, GammaGamma]:
    """Fit BG/NBD and Gamma-Gamma to a summary, after checking it can support them.

    Raises
    ------
    DataError
        Too few customers, every customer buying once, or too few repeat buyers, each said
        with the numbers.
    """
    n = len(summary)
    repeat = int((summary["frequency"] > 0).sum())
    if n < MIN_CUSTOMERS:
        raise DataError.make(
            f"only {n} customer(s) have dated purchases; the lifetime-value models need at "
            f"least {MIN_CUSTOMERS}",
            rule="too_few_customers",
            table="transactions",
            column="customer_id",
            hint="with so few customers, list them and their spend instead of modelling them",
        )
    if repeat == 0:
        raise DataError.make(
            f"every one of the {n:,} customers bought on a single day, so nothing says how "
            "often customers come back",
            rule="no_repeat_purchases",
            table="transactions",
            column="customer_id",
            hint="a repeat-purchase model needs customers who bought on at least two days; "
            "check that customer ids identify the same customer across orders",
        )
    if repeat < MIN_REPEAT_BUYERS:
        raise DataError.make(
            f"only {repeat} of {n:,} customers bought more than once; the spend model needs "
            f"at least {MIN_REPEAT_BUYERS} repeat buyers",
            rule="too_few_repeat_buyers",
            table="transactions",
            column="customer_id",
            hint="collect a longer period of purchases before predicting lifetime value",
        )
    bgf = BetaGeo().fit(summary["frequency"], summary["recency"], summary["T"])
    ggf = GammaGamma().fit(summary["frequency"], summary["monetary"])
    return bgf, ggf


def customer_value(
    bundle: Bundle, *, horizon_months: int = 12, discount_rate: float = 0.10
) -> pd.Series:
    """Predictive lifetime value of each buying customer of a bundle (BG/NBD + Gamma-Gamma).

    Builds the weekly summary of ``bundle.transactions`` up to its last date, fits both models
    and values the next ``horizon_months`` months at the annual ``discount_rate``, as revenue
    in the client's currency (``bundle.config.currency``). Other chapters use it to weigh
    customers by value.

    Parameters
    ----------
    bundle : Bundle
        A client bundle with a dated transactions table.
    horizon_months : int, default 12
    discount_rate : float, default 0.10
        Annual.

    Returns
    -------
    pandas.Series
        Named ``"clv"``, indexed by ``customer_id`` (customers with at least one purchase).

    Raises
    ------
    DataError
        No transactions table, no dates, too few customers, every customer buying once, too
        few repeat buyers — each with the reason and a fix.

    Examples
    --------
    >>> from cxlab.datasets import load_demo
    >>> values = customer_value(load_demo("consulting"))
    >>> values.name, values.index.name, bool((values >= 0).all())
    ('clv', 'customer_id', True)

    References
    ----------
    Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). "Counting your customers" the easy way.
    *Marketing Science* 24(2), 275–284; and RFM and CLV: using iso-value curves.
    *Journal of Marketing Research* 42(4), 415–430.
    """
    summary = bundle_summary(bundle)
    bgf, ggf = fit_models(summary)
    return clv(summary, bgf, ggf, horizon_months=horizon_months, discount_rate=discount_rate)


def bundle_summary(bundle: Bundle, *, calibration_end=None) -> pd.DataFrame:
    """Return the weekly :func:`rfm_summary` of a bundle's transactions, problems as errors."""
    bundle.require("transactions")
    if not bundle.has_dates("transactions"):
        raise DataError.make(
            "the transactions have no dates, so purchase timing (and lifetime value) cannot be "
            "modelled",
            rule="no_dates",
            table="transactions",
            column="date",
            hint="export the transactions with the order date",
        )
    return rfm_summary(bundle.transactions, calibration_end=calibration_end)


def clv_by_group(
    values: pd.Series, groups: pd.Series, *, order: list[str] | None = None, seed: int = 0
) -> pd.DataFrame:
    """Mean lifetime value per group with a percentile bootstrap interval.

    Parameters
    ----------
    values : pandas.Series
        Lifetime value per customer (index: customer id).
    groups : pandas.Series
        Group per customer (same index); customers missing from either are left out.
    order : list of str, optional
        Groups in this order (others after them).
    seed : int
        For the bootstrap.

    Returns
    -------
    pandas.DataFrame
        Index: group; ``n``, ``mean_clv``, ``low``, ``high``, ``median_clv``, ``small``
        (fewer than 30 customers).

    Examples
    --------
    >>> v = pd.Series([1.0, 3.0, 10.0, 20.0], index=list("abcd"))
    >>> g = pd.Series(["x", "x", "y", "y"], index=list("abcd"))
    >>> clv_by_group(v, g)["mean_clv"].tolist()
    [2.0, 15.0]
    """
    joined = pd.concat({"v": values.astype("float64"), "g": groups}, axis=1, join="inner").dropna()
    rows = {}
    for name, part in joined.groupby("g", sort=True)["v"]:
        pts = part.to_numpy()
        if pts.size >= 2:
            uniq, counts = np.unique(pts, return_counts=True)
            low, high = bootstrap_mean(uniq, counts, seed=seed)
        else:
            low = high = float("nan")
        rows[name] = {
            "n": int(pts.size),
            "mean_clv": float(pts.mean()),
            "low": low,
            "high": high,
            "median_clv": float(np.median(pts)),
            "small": bool(pts.size < 30),
        }
    out = pd.DataFrame.from_dict(rows, orient="index")
    if order:
        first = [g for g in order if g in out.index]
        out = out.loc[first + [g for g in out.index if g not in first]]
    out.index.name = "group"
    return out


@dataclass
class ValueModel:
    """Both models fitted to a bundle, the customers valued, or the reason that failed.

    Parameters
    ----------
    summary : pandas.DataFrame or None
        The weekly :func:`rfm_summary`.
    bgf, ggf : BetaGeo, GammaGamma or None
        The fitted models.
    values : pandas.Series or None
        Predictive lifetime value per customer (:func:`clv`).
    reason : str or None
        Why the bundle cannot support the models (None when it can).
    """

    summary: pd.DataFrame | None = None
    bgf: BetaGeo | None = None
    ggf: GammaGamma | None = None
    values: pd.Series | None = None
    reason: str | None = None

    @property
    def ok(self) -> bool:
        """Whether the models were fitted."""
        return self.reason is None

    def diagnostics(self, check: pd.DataFrame | None = None) -> dict | None:
        """Return BG/NBD diagnostics for metrics.json: parameters, log-likelihood, holdout error."""
        if not self.ok:
            return None
        d = self.bgf.diagnostics_
        return {
            "params": {k: float(f"{v:.4g}") for k, v in self.bgf.params_.items()},
            "standard_errors": {
                k: (float(f"{v:.3g}") if np.isfinite(v) else None)
                for k, v in self.bgf.standard_errors_.items()
            },
            "log_likelihood": round(d.log_likelihood, 1),
            "n": d.n,
            "at_bound": list(d.at_bound),
            "holdout_error": None if check is None else round(float(check.attrs["error"]), 4),
        }


def prepare(bundle: Bundle, *, horizon_months: int = 12, discount_rate: float = 0.10) -> ValueModel:
    """Fit both models to a bundle and value its customers, or say why that is not possible.

    The chapter calls this once; every section that needs the models checks ``ok`` and shows
    ``reason`` otherwise. Errors about the data become the reason; anything else propagates.

    Examples
    --------
    >>> from cxlab.contract.config import BundleConfig
    >>> import pathlib
    >>> tx = pd.DataFrame(
    ...     {"customer_id": ["a"], "date": pd.to_datetime(["2024-01-01"]), "amount": [5.0]}
    ... )
    >>> prepare(Bundle(pathlib.Path("shop"), BundleConfig(), transactions=tx)).reason
    'only 1 customer(s) have dated purchases; the lifetime-value models need at least 30'
    """
    try:
        summary = bundle_summary(bundle)
        bgf, ggf = fit_models(summary)
    except DataError as err:
        return ValueModel(reason=err.problem.message)
    values = clv(summary, bgf, ggf, horizon_months=horizon_months, discount_rate=discount_rate)
    return ValueModel(summary, bgf, ggf, values)


def holdout(bundle: Bundle, *, weeks: int = 26) -> tuple[pd.DataFrame | None, str | None]:
    """Refit BG/NBD without the last ``weeks`` weeks and check it on them.

    Returns
    -------
    pandas.DataFrame or None, str or None
        The :func:`holdout_check` table, or the reason there is none.
    """
    if not bundle.has("transactions") or not bundle.has_dates("transactions"):
        return None, "the transactions have no dates"
    dates = bundle.transactions["date"].dropna()
    start, end = dates.min(), dates.max()
    span = (end - start).days / 7
    if span < 2 * weeks:
        return None, (
            f"the purchases span {span:.1f} weeks; a {weeks}-week holdout needs at least "
            f"{2 * weeks} weeks of history"
        )
    cal = end - pd.Timedelta(weeks=weeks)
    try:
        summary = rfm_summary(bundle.transactions, calibration_end=cal, observation_end=end)
        bgf, _ = fit_models(summary)
    except DataError as err:
        return None, err.problem.message
    return holdout_check(summary, bgf), None
