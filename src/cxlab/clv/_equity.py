"""Customer equity over time: the models refitted at each period end on the data known then."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from cxlab.clv._models import (
    BetaGeo,
    GammaGamma,
    _hessian,
    _pool,
    alive_probability,
    bgnbd_loglik,
    conditional_purchases,
    gamma_gamma_loglik,
    spend_expectation,
)
from cxlab.clv._summary import DAYS_PER_UNIT, rfm_summary
from cxlab.clv._value import (
    _DAYS_PER_MONTH,
    MIN_CUSTOMERS,
    MIN_REPEAT_BUYERS,
    _pooled,
    bundle_summary,
    clv,
    customer_equity,
    fit_models,
    monthly_rate,
)
from cxlab.contract import Bundle
from cxlab.errors import DataError
from cxlab.stats import check_confidence

__all__ = ["EquityGrowth", "equity_growth", "equity_over_time", "equity_trend"]

#: Period ends of :func:`equity_over_time`, by ``freq``: month, quarter or year ends.
PERIOD_ENDS = {"M": "ME", "Q": "QE", "Y": "YE"}

_COLUMNS = [
    "customers",
    "repeat_buyers",
    "revenue_to_date",
    "equity",
    "low",
    "high",
    "equity_per_customer",
    "change",
    "growth",
    "growth_low",
    "growth_high",
    "reason",
    "note",
]


def _log(data: Bundle | pd.DataFrame) -> pd.DataFrame:
    """Return customer, day and amount of every usable row, after the summary's own checks."""
    if isinstance(data, Bundle):
        bundle_summary(data)  # no table, no dates, nothing to model: a DataError that says so
        tx = data.transactions
    else:
        rfm_summary(data)  # unreadable amounts or dates: a DataError naming the rows
        tx = data
    dates = tx["date"]
    if not pd.api.types.is_datetime64_any_dtype(dates):
        dates = pd.to_datetime(dates, errors="coerce", format="ISO8601")
    log = pd.DataFrame(
        {
            "customer_id": tx["customer_id"],
            "date": dates.dt.normalize(),
            "amount": pd.to_numeric(tx["amount"], errors="coerce"),
        }
    )
    return log[log["customer_id"].notna() & log["date"].notna()]


def _purchases(bg: np.ndarray, summary: pd.DataFrame, months: int, rate: float):
    """Discounted expected purchases per distinct history, one row per (r, alpha, a, b) row."""
    unit = float(summary.attrs.get("days_per_unit", DAYS_PER_UNIT["W"]))
    per_month = _DAYS_PER_MONTH / unit
    (ux, ut, uT), inverse = _pooled(
        *(summary[c].to_numpy(dtype="float64") for c in ("frequency", "recency", "T"))
    )
    r, alpha, a, b = (bg[:, [i]] for i in range(4))
    purchases = np.zeros((bg.shape[0], ux.size))
    previous = np.zeros_like(purchases)
    with np.errstate(all="ignore"):
        for k in range(1, months + 1):
            cumulative = conditional_purchases(k * per_month, r, alpha, a, b, ux, uT)
            purchases += (cumulative - previous) / (1 + rate) ** k
            previous = cumulative
        purchases *= alive_probability(r, alpha, a, b, ux, ut, uT)
    return purchases, inverse


def _spend_by_history(gg: np.ndarray, summary: pd.DataFrame, inverse: np.ndarray, size: int):
    """Total expected spend per purchase of the customers sharing each history, per (p, q, v)."""
    x = summary["frequency"].to_numpy(dtype="float64")
    m = summary["monetary"].to_numpy(dtype="float64")
    p, q, v = (gg[:, [i]] for i in range(3))
    with np.errstate(all="ignore"):
        spend = spend_expectation(p, q, v, x, m)
    return np.vstack([np.bincount(inverse, weights=row, minlength=size) for row in spend])


def _log_covariance(negll, params: np.ndarray, free: np.ndarray) -> np.ndarray | None:
    """Inverse Hessian of ``negll`` in the free log-parameters, or None if not positive definite."""
    with np.errstate(all="ignore"):
        hess = _hessian(lambda lp: negll(np.exp(lp)), np.log(params))[np.ix_(free, free)]
    if not np.isfinite(hess).all():
        return None
    try:
        cov = np.linalg.inv(hess)
        np.linalg.cholesky(cov)
    except np.linalg.LinAlgError:
        return None
    return cov


def _log_sd(
    summary: pd.DataFrame, bgf: BetaGeo, ggf: GammaGamma, *, months: int, rate: float
) -> tuple[float | None, str]:
    """Return the standard error of log customer equity (delta method), or None and why not.

    The gradient of log equity in the free log-parameters is taken by forward differences;
    the covariance is the inverse Hessian of each model's negative log-likelihood (the two
    likelihoods are separate, so the covariance is block-diagonal).
    """
    (x, t_x, T), w = _pool(
        *(summary[c].to_numpy(dtype="float64") for c in ("frequency", "recency", "T"))
    )
    keep = ((summary["frequency"] > 0) & (summary["monetary"] > 0)).to_numpy()
    gx = summary["frequency"].to_numpy(dtype="float64")[keep]
    gm = summary["monetary"].to_numpy(dtype="float64")[keep]
    models = [
        (bgf, lambda p: -float(np.sum(w * bgnbd_loglik(p, x, t_x, T)))),
        (ggf, lambda p: -float(np.sum(gamma_gamma_loglik(p, gx, gm)))),
    ]
    covs, bases = [], []
    for model, negll in models:
        params = model.params_[list(model._names)].to_numpy(dtype="float64")
        free = np.array([n not in model.diagnostics_.at_bound for n in model._names])
        cov = _log_covariance(negll, params, free) if free.any() else np.zeros((0, 0))
        if cov is None:
            return None, "the likelihood's curvature gives no standard errors"
        names = np.array(model._names)[free]
        loose = [n for n, sd in zip(names, np.sqrt(np.diag(cov)), strict=True) if sd > 1]
        if loose:
            return None, f"{', '.join(loose)} known only to within a factor of e or more"
        covs.append(cov)
        bases.append((params, free))
    h = 1e-4
    steps = []
    for (params, free), _ in zip(bases, covs, strict=True):
        rows = [params]
        for j in np.flatnonzero(free):
            moved = params.copy()
            moved[j] *= np.exp(h)
            rows.append(moved)
        steps.append(np.vstack(rows))
    purchases, inverse = _purchases(steps[0], summary, months, rate)
    spend = _spend_by_history(steps[1], summary, inverse, purchases.shape[1])
    log_bg = np.log((purchases * spend[0]).sum(axis=1))
    log_gg = np.log((spend * purchases[0]).sum(axis=1))
    if not (np.isfinite(log_bg).all() and np.isfinite(log_gg).all()):
        return None, "the value cannot be computed near the fitted parameters"
    variance = 0.0
    for logs, cov in zip((log_bg, log_gg), covs, strict=True):
        grad = (logs[1:] - logs[0]) / h
        variance += float(grad @ cov @ grad)
    return float(np.sqrt(variance)), ""


def _notes(bgf: BetaGeo, ggf: GammaGamma) -> list[str]:
    notes = []
    bound = list(bgf.diagnostics_.at_bound) + list(ggf.diagnostics_.at_bound)
    if bound:
        notes.append(
            f"{', '.join(bound)} at the edge of the search range (held fixed in the interval)"
        )
    if not (bgf.diagnostics_.converged and ggf.diagnostics_.converged):
        notes.append("the optimiser did not report convergence")
    if not np.isfinite(ggf.population_mean_spend):
        notes.append(
            "mean spend per purchase not defined (q <= 1): customers without a repeat purchase "
            "valued at the repeat buyers' mean spend"
        )
    return notes


def equity_over_time(
    data: Bundle | pd.DataFrame,
    *,
    freq: str = "Q",
    horizon_months: int = 12,
    discount_rate: float = 0.10,
    min_repeat_buyers: int = MIN_REPEAT_BUYERS,
    interval: bool = True,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Return customer equity at each period end, from the purchases known on that date only.

    For each date ``d`` — every month, quarter or year end in the history, and the last date of
    the log — the weekly :func:`rfm_summary` is built from the purchases up to ``d``
    (``observation_end=d``), BG/NBD and Gamma-Gamma are fitted afresh (:func:`fit_models`) and
    customer equity is the sum of the discounted lifetime values (:func:`clv`) of the customers
    who had bought by ``d``. Refitting at each date means no point uses a purchase made after
    it, so the series shows what the business could have known then; valuing today's customers
    with today's model instead would read the present into the past. The last point is today's
    customer equity, the one :func:`customer_value` sums.

    A date without enough data — fewer than :data:`MIN_CUSTOMERS` buyers, fewer than
    ``min_repeat_buyers`` repeat buyers (and never fewer than :data:`MIN_REPEAT_BUYERS`), spend
    that does not vary, or a fit that gives no finite value — keeps its row with the reason.

    **Uncertainty.** The interval covers the uncertainty of the fitted parameters, by the delta
    method on the log scale (Oehlert 1992): the maximum-likelihood estimates of the log-parameters
    are asymptotically normal with covariance the inverse Hessian of the negative
    log-likelihood (the two models' likelihoods are separate, so the covariance is
    block-diagonal); the gradient of log equity in them (forward differences) gives the standard
    error of log equity, and the interval is ``equity * exp(±z se)``, positive like equity. It
    is deterministic and costs a handful of extra evaluations per date; drawing parameter sets
    (Krinsky & Robb 1986) agrees with it when the parameters are well determined and costs a
    hundred times more. Parameters at an end of :data:`BOUNDS` are held fixed (a note says so).
    A date with a parameter whose logarithm has a standard error above 1 (the parameter is known
    only to within a factor of e), or with no curvature, gets no interval, with the note.
    Growth is measured from the first date whose fit is well determined (it has an interval),
    so that a shaky early fit on a few weeks of purchases is not the yardstick; its interval
    treats the two dates' fits as independent, and as the later fit contains the earlier data,
    that interval errs wide. The intervals do not cover the sampling of customers, nor a future
    that differs from the past.

    Parameters
    ----------
    data : Bundle or pandas.DataFrame
        A bundle with dated transactions, or a transactions table (``customer_id``, ``date``,
        ``amount``).
    freq : {"Q", "M", "Y"}, default "Q"
        Period ends: quarters, months or years.
    horizon_months : int, default 12
    discount_rate : float, default 0.10
        Annual.
    min_repeat_buyers : int, default :data:`MIN_REPEAT_BUYERS`
        Repeat buyers a date needs before the models are fitted on it.
    interval : bool, default True
        Whether to compute the intervals (False: ``low``, ``high`` and the growth interval
        stay empty).
    confidence : float, default 0.95

    Returns
    -------
    pandas.DataFrame
        Index ``date`` (period ends, then the last date of the log); columns ``customers``
        (buyers so far), ``repeat_buyers``, ``revenue_to_date`` (net spend up to the date),
        ``equity`` with ``low`` and ``high``, ``equity_per_customer``, ``change`` (relative
        to the previous date with a value), ``growth`` with ``growth_low`` and ``growth_high``
        (relative to the *base*: the first date whose equity has an interval, or the first
        date with a value when no earlier date has one; empty before the base), ``reason``
        (why a date has no value, else empty) and ``note`` (a fit to read with care, else
        empty). ``attrs`` holds the arguments.

    Raises
    ------
    DataError
        No transactions table, no dates, or values that cannot be read.

    Examples
    --------
    >>> from cxlab.datasets import load_demo
    >>> trend = equity_over_time(load_demo("restaurant"), interval=False)
    >>> trend.index[-1] == load_demo("restaurant").transactions["date"].max()
    True
    >>> bool(trend["equity"].dropna().gt(0).all())
    True

    References
    ----------
    Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). RFM and CLV: using iso-value curves for
    customer base analysis. *Journal of Marketing Research* 42(4), 415–430.

    Gupta, S., Lehmann, D. R. & Stuart, J. A. (2004). Valuing customers. *Journal of Marketing
    Research* 41(1), 7–18.

    Oehlert, G. W. (1992). A note on the delta method. *The American Statistician* 46(1),
    27–29.

    Krinsky, I. & Robb, A. L. (1986). On approximating the statistical properties of
    elasticities. *Review of Economics and Statistics* 68(4), 715–719.
    """
    if freq not in PERIOD_ENDS:
        raise ValueError(f"freq must be one of {', '.join(PERIOD_ENDS)}; got {freq!r}")
    level = check_confidence(confidence)
    z = float(stats.norm.ppf((1 + level) / 2))
    rate = monthly_rate(discount_rate)
    log = _log(data)
    first, last = log["date"].min(), log["date"].max()
    ends = pd.date_range(first, last, freq=PERIOD_ENDS[freq])
    ends = ends.append(pd.DatetimeIndex([last])).unique()
    rows, spread = [], {}
    for end in ends:
        cut = log[log["date"] <= end]
        row = dict.fromkeys(_COLUMNS, np.nan) | {"reason": "", "note": ""}
        row["revenue_to_date"] = float(cut["amount"].sum())
        try:
            summary = rfm_summary(cut, observation_end=end)
        except DataError as err:
            rows.append(row | {"customers": 0, "repeat_buyers": 0, "reason": err.problem.message})
            continue
        repeat = int((summary["frequency"] > 0).sum())
        row |= {"customers": len(summary), "repeat_buyers": repeat}
        if len(summary) >= MIN_CUSTOMERS and 0 < repeat < min_repeat_buyers:
            row["reason"] = (
                f"only {repeat} of {len(summary):,} customers had bought more than once; "
                f"the models need at least {min_repeat_buyers} repeat buyers"
            )
            rows.append(row)
            continue
        try:
            bgf, ggf = fit_models(summary)
        except DataError as err:
            rows.append(row | {"reason": err.problem.message})
            continue
        equity = customer_equity(
            clv(summary, bgf, ggf, horizon_months=horizon_months, discount_rate=discount_rate)
        )
        if not np.isfinite(equity):
            rows.append(row | {"reason": "the fitted models give no finite value"})
            continue
        notes = _notes(bgf, ggf)
        row |= {"equity": equity, "equity_per_customer": equity / len(summary)}
        if interval:
            sd, why = _log_sd(summary, bgf, ggf, months=int(horizon_months), rate=rate)
            if sd is None:
                notes.append(f"no interval: {why}")
            else:
                row |= {"low": equity * np.exp(-z * sd), "high": equity * np.exp(z * sd)}
                spread[end] = sd
        row["note"] = "; ".join(notes)
        rows.append(row)
    out = pd.DataFrame(rows, index=pd.DatetimeIndex(ends, name="date"), columns=_COLUMNS)
    out[["customers", "repeat_buyers"]] = out[["customers", "repeat_buyers"]].astype("int64")
    _growth_columns(out, spread, z)
    out.attrs = {
        "freq": freq,
        "horizon_months": int(horizon_months),
        "discount_rate": discount_rate,
        "interval": bool(interval),
        "confidence": level,
    }
    return out


def equity_trend(bundle: Bundle, **options) -> tuple[pd.DataFrame | None, str | None]:
    """Run :func:`equity_over_time` on a bundle, or say why it cannot run.

    Parameters
    ----------
    bundle : Bundle
    **options
        Passed to :func:`equity_over_time` (``freq``, ``horizon_months``, ...).

    Returns
    -------
    pandas.DataFrame or None, str or None
        The table, or None and the reason (no transactions, no dates, no purchases).

    Examples
    --------
    >>> from cxlab.contract.config import BundleConfig
    >>> import pathlib
    >>> equity_trend(Bundle(pathlib.Path("shop"), BundleConfig()))[1]
    'the bundle has no transactions table'
    """
    if not bundle.has("transactions"):
        return None, "the bundle has no transactions table"
    try:
        return equity_over_time(bundle, **options), None
    except DataError as err:
        return None, err.problem.message


def _growth_columns(out: pd.DataFrame, spread: dict, z: float) -> None:
    ok = out["equity"].notna()
    if not ok.any():
        return
    supported = out.loc[ok, "equity"]
    out.loc[ok, "change"] = supported / supported.shift(1) - 1
    determined = [d for d in supported.index[:-1] if d in spread]
    base_date = determined[0] if determined else supported.index[0]
    later = supported[supported.index >= base_date]
    out.loc[later.index, "growth"] = later / later.iloc[0] - 1
    if base_date not in spread:
        return
    out.loc[base_date, ["growth_low", "growth_high"]] = [0.0, 0.0]
    for when in later.index[1:]:
        if when in spread:
            sd = np.hypot(spread[base_date], spread[when])
            ratio = supported[when] / supported[base_date]
            out.loc[when, ["growth_low", "growth_high"]] = [
                ratio * np.exp(-z * sd) - 1,
                ratio * np.exp(z * sd) - 1,
            ]


@dataclass(frozen=True)
class EquityGrowth:
    """How customer equity changed between the first and the last date the models could fit.

    Parameters
    ----------
    growth, low, high : float
        Relative change (0.25: +25 %) with its interval (missing without one).
    first, last : pandas.Timestamp or None
        The first and the last supported dates.
    equity_first, equity_last : float
        Equity at those dates.
    customers_first, customers_last : int
        Customers valued at those dates.
    points : int
        Dates with a value from ``first`` to ``last``.
    dates : int
        Dates in the table.
    rises : int
        Steps from one of these dates to the next in which equity rose (``points - 1`` steps).
    earlier : int
        Dates with a value before ``first`` that are not the base because their fit is poorly
        determined (no interval).
    undetermined : int
        Dates from ``first`` on with a value but no interval (a poorly determined fit).
    reason : str or None
        Why growth cannot be measured (None when it can).
    first_gap : str
        The reason the earliest unsupported date gives (empty when every date is supported).
    freq : str
        The table's period (``"Q"``, ``"M"``, ``"Y"``).
    confidence : float
        Of the interval.
    """

    growth: float = float("nan")
    low: float = float("nan")
    high: float = float("nan")
    first: pd.Timestamp | None = None
    last: pd.Timestamp | None = None
    equity_first: float = float("nan")
    equity_last: float = float("nan")
    customers_first: int = 0
    customers_last: int = 0
    points: int = 0
    dates: int = 0
    rises: int = 0
    earlier: int = 0
    undetermined: int = 0
    reason: str | None = None
    first_gap: str = ""
    freq: str = "Q"
    confidence: float = 0.95

    @property
    def ok(self) -> bool:
        """Whether growth was measured (two supported dates or more)."""
        return self.reason is None

    def to_dict(self) -> dict[str, object] | None:
        """Return the headline card: ``share`` (growth), ``low``, ``high``, ``n`` and the dates.

        ``n`` is the customers valued at the last date; ``points`` the dates the growth rests on.
        """
        if not self.ok:
            return None

        def rounded(x: float) -> float | None:
            return round(float(x), 4) if np.isfinite(x) else None

        return {
            "share": rounded(self.growth),
            "low": rounded(self.low),
            "high": rounded(self.high),
            "n": int(self.customers_last),
            "from": f"{self.first:%Y-%m-%d}",
            "to": f"{self.last:%Y-%m-%d}",
            "points": int(self.points),
        }


def equity_growth(trend: pd.DataFrame | None, *, reason: str | None = None) -> EquityGrowth:
    """Summarise :func:`equity_over_time`: growth from its base date to the last date.

    The base is the first date whose fit is well determined (see :func:`equity_over_time`).

    Parameters
    ----------
    trend : pandas.DataFrame or None
        From :func:`equity_over_time`; None when it could not be computed.
    reason : str, optional
        Why ``trend`` is None (such as "the transactions have no dates").

    Returns
    -------
    EquityGrowth
        With ``reason`` set when there is no table, or fewer than two supported dates.

    Examples
    --------
    >>> t = pd.DataFrame(
    ...     {
    ...         "customers": [20, 40, 60, 80],
    ...         "equity": [float("nan"), 100.0, 90.0, 150.0],
    ...         "growth": [float("nan"), 0.0, -0.1, 0.5],
    ...         "growth_low": [float("nan"), 0.0, -0.3, 0.2],
    ...         "growth_high": [float("nan"), 0.0, 0.1, 0.9],
    ...         "reason": ["too few buyers", "", "", ""],
    ...     },
    ...     index=pd.to_datetime(["2024-03-31", "2024-06-30", "2024-09-30", "2024-12-31"]),
    ... )
    >>> g = equity_growth(t)
    >>> g.growth, g.low, g.high, g.points, g.rises, g.first_gap
    (0.5, 0.2, 0.9, 3, 1, 'too few buyers')
    >>> equity_growth(None, reason="the transactions have no dates").reason
    'the transactions have no dates'
    """
    if trend is None:
        return EquityGrowth(reason=reason or "customer equity over time was not computed")
    freq = str(trend.attrs.get("freq", "Q"))
    if trend.empty:
        return EquityGrowth(reason="there are no purchases to value", freq=freq)
    ok = trend["equity"].notna()
    gaps = trend.loc[~ok, "reason"]
    first_gap = str(gaps.iloc[0]) if len(gaps) else ""
    common = {
        "points": int(ok.sum()),
        "dates": len(trend),
        "first_gap": first_gap,
        "freq": freq,
        "confidence": float(trend.attrs.get("confidence", 0.95)),
    }
    if ok.sum() < 2:
        why = (
            "no date has enough purchases to fit the models"
            if ok.sum() == 0
            else f"only one date ({trend.index[ok][0]:%Y-%m-%d}) has enough purchases to fit "
            "the models, so there is no earlier value to compare with"
        )
        if first_gap:
            why += f" ({first_gap})"
        return EquityGrowth(reason=why, **common)
    grown = trend[ok & trend["growth"].notna()]
    head, tail = grown.iloc[0], grown.iloc[-1]
    steps = grown["equity"].diff().dropna()
    return EquityGrowth(
        growth=float(tail["growth"]),
        low=float(tail["growth_low"]),
        high=float(tail["growth_high"]),
        first=grown.index[0],
        last=grown.index[-1],
        equity_first=float(head["equity"]),
        equity_last=float(tail["equity"]),
        customers_first=int(head["customers"]),
        customers_last=int(tail["customers"]),
        rises=int((steps > 0).sum()),
        earlier=int((ok & (trend.index < grown.index[0])).sum()),
        undetermined=int(grown["low"].isna().sum()) if "low" in grown else 0,
        **common | {"points": len(grown)},
    )
