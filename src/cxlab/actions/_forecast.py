"""Weekly demand forecast for staffing and stock, checked against a seasonal-naive baseline.

The series is the number of orders (distinct order ids among purchases) per week from the
transactions table, else the number of journey events per week; the first and last weeks are
left out when the data do not cover them fully, so a half week does not read as a slump.

**Model.** A structural time-series model (Harvey, 1989) fitted by maximum likelihood with
statsmodels' ``UnobservedComponents`` on ``log(1 + count)``:

* a local level (a random walk that follows growth and decline);
* a yearly season as fixed Fourier terms (:data:`YEAR_HARMONICS` pairs of sine and cosine of
  period 52.18 weeks), used only when the training weeks span at least :data:`MIN_YEARLY`
  weeks — a season seen less than one and a half times cannot be told from noise;
* a month-of-year-free monthly cycle (one harmonic of period 4.35 weeks) that captures the pay-day
  and billing-day rhythm a weekly series often shows.

Prediction intervals come from the state-space forecast variance, transformed back from the log
scale, so they are asymmetric and never negative.

**Check.** The last :data:`HOLDOUT` weeks are held out, the model is fitted on the weeks before,
and its mean absolute error (MAE) on the holdout is compared with the **seasonal-naive** forecast
(each week equals the same week a year earlier; Hyndman & Athanasopoulos, 2021) — or, with less
than a year of history, the naive forecast (the last week repeated). The ratio of the two MAEs
below 1 means the model beats the baseline. The forecast shown is then refitted on every week.

Written with statsmodels rather than Prophet or pmdarima: statsmodels is already a dependency and
its structural models give honest intervals on two years of weekly data.

References
----------
.. [1] Harvey, A. C. (1989). *Forecasting, Structural Time Series Models and the Kalman Filter*.
   Cambridge University Press.
.. [2] Hyndman, R. J., & Athanasopoulos, G. (2021). *Forecasting: Principles and Practice*
   (3rd ed.), section 5.2 (simple forecasting methods) and 5.8 (evaluating point forecast
   accuracy). OTexts. https://otexts.com/fpp3/
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from cxlab.errors import DataError

__all__ = [
    "HOLDOUT",
    "MIN_WEEKS",
    "MIN_YEARLY",
    "DemandForecast",
    "forecast_demand",
    "seasonal_naive",
    "weekly_demand",
]

#: Weeks held out to check the forecast.
HOLDOUT = 13
#: Fewest weeks a forecast needs (a holdout plus 13 weeks to fit).
MIN_WEEKS = 26
#: Training weeks from which the yearly season is modelled (one and a half years).
MIN_YEARLY = 78
#: Sine/cosine pairs of the yearly season.
YEAR_HARMONICS = 8
#: Weeks in a year and in a month, on average.
YEAR, MONTH = 52.1775, 4.348


def weekly_demand(bundle) -> pd.Series:
    """Orders (else journey events) per week, Monday to Sunday, full weeks only.

    Parameters
    ----------
    bundle : cxlab.Bundle

    Returns
    -------
    pandas.Series
        Counts indexed by each week's Monday, named ``orders`` or ``events``.

    Raises
    ------
    DataError
        If the bundle has neither dated transactions nor dated events.
    """
    if bundle.has_dates("transactions"):
        tx = bundle.transactions
        bought = tx[(tx["amount"] > 0) & tx["date"].notna()]
        if "order_id" in bought:
            key = (
                bought["order_id"]
                .astype("string")
                .fillna(
                    bought["customer_id"].astype("string") + bought["date"].dt.strftime("%Y%m%d")
                )
            )
            bought = bought.assign(_k=key).drop_duplicates("_k")
        stamps, name, span = bought["date"], "orders", tx["date"]
    elif bundle.has_dates("events"):
        ev = bundle.events
        stamps, name, span = ev["timestamp"].dropna(), "events", ev["timestamp"]
    else:
        raise DataError.make(
            "a demand forecast needs dated transactions or dated events, and the bundle has "
            "neither",
            rule="no_dates",
            table="transactions",
            column="date",
            hint="send the transactions (or the event log) with their dates",
        )
    first, last = span.min().normalize(), span.max().normalize()
    weeks = stamps.dt.normalize() - pd.to_timedelta(stamps.dt.day_of_week, unit="D")
    counts = weeks.value_counts().sort_index()
    start = first if first.day_of_week == 0 else first + pd.Timedelta(days=7 - first.day_of_week)
    end = last - pd.Timedelta(days=last.day_of_week)  # Monday of the last week
    if last.day_of_week != 6:
        end -= pd.Timedelta(days=7)  # the last week is not complete
    index = pd.date_range(start, end, freq="7D") if end >= start else pd.DatetimeIndex([])
    return counts.reindex(index, fill_value=0).astype(int).rename(name).rename_axis("week")


def seasonal_naive(history: pd.Series, horizon: int, *, season: int = 52) -> np.ndarray:
    """Each future week equals the week ``season`` weeks earlier (naive when history is short).

    Examples
    --------
    >>> seasonal_naive(pd.Series([1, 2, 3, 4]), 3, season=2).tolist()
    [3.0, 4.0, 3.0]
    >>> seasonal_naive(pd.Series([5, 7]), 2, season=52).tolist()  # too short: last value
    [7.0, 7.0]
    """
    values = np.asarray(history, dtype=float)
    if len(values) < season:
        return np.repeat(values[-1], horizon)
    return np.array([values[len(values) - season + (h % season)] for h in range(horizon)])


@dataclass(frozen=True)
class DemandForecast:
    """A weekly forecast with its holdout check.

    Attributes
    ----------
    history : pandas.Series
        The weekly counts.
    forecast : pandas.DataFrame
        ``forecast``, ``low``, ``high`` per future week (index: the week's Monday).
    backtest : pandas.DataFrame
        ``actual``, ``model``, ``baseline`` per holdout week.
    mae_model, mae_baseline : float
        Mean absolute errors on the holdout.
    baseline : str
        ``"seasonal naive"`` or ``"naive"``.
    yearly : bool
        Whether the yearly season was modelled.
    coverage : float
        Share of holdout weeks inside the model's interval.
    confidence : float
        Interval level.
    """

    history: pd.Series
    forecast: pd.DataFrame
    backtest: pd.DataFrame
    mae_model: float
    mae_baseline: float
    baseline: str
    yearly: bool
    coverage: float
    confidence: float
    notes: list[str] = field(default_factory=list)

    @property
    def skill(self) -> float:
        """MAE of the model over MAE of the baseline (below 1: the model is better)."""
        return self.mae_model / self.mae_baseline if self.mae_baseline > 0 else float("nan")

    @property
    def beats_baseline(self) -> bool:
        """Whether the model's holdout MAE is below the baseline's."""
        return bool(self.mae_model < self.mae_baseline)

    def headline(self, *, unit: str = "orders") -> dict:
        """Return the mean weekly forecast over the horizon in the headline-card shape.

        ``value``, ``low`` and ``high`` are the forecast and its interval averaged over the
        future weeks; ``n`` is the number of weeks of history, ``skill`` the holdout MAE ratio.
        """
        mean = self.forecast.mean()
        return {
            "value": float(mean["forecast"]),
            "low": float(mean["low"]),
            "high": float(mean["high"]),
            "unit": unit,
            "n": len(self.history),
            "weeks": len(self.forecast),
            "skill": round(self.skill, 3),
        }


def _fit(values: np.ndarray, yearly: bool):
    from statsmodels.tsa.statespace.structural import UnobservedComponents

    seasons = [{"period": MONTH, "harmonics": 1}]
    if yearly:
        seasons.insert(0, {"period": YEAR, "harmonics": YEAR_HARMONICS})
    model = UnobservedComponents(
        np.log1p(values),
        level="local level",
        freq_seasonal=seasons,
        stochastic_freq_seasonal=[False] * len(seasons),
    )
    with warnings.catch_warnings():
        # Maximum likelihood on short series often stops with a convergence note; the fit is
        # judged by its holdout error instead, which is reported.
        warnings.simplefilter("ignore")
        return model.fit(disp=False, maxiter=200)


def _predict(values: np.ndarray, horizon: int, yearly: bool, alpha: float):
    fc = _fit(values, yearly).get_forecast(horizon)
    mean = np.expm1(np.asarray(fc.predicted_mean))
    ci = np.expm1(np.asarray(fc.conf_int(alpha=alpha)))
    return mean.clip(min=0), ci[:, 0].clip(min=0), ci[:, 1].clip(min=0)


def forecast_demand(
    weekly: pd.Series, *, horizon: int = 13, holdout: int = HOLDOUT, confidence: float = 0.95
) -> DemandForecast:
    """Forecast weekly demand and check it on a holdout (see the module docstring).

    Parameters
    ----------
    weekly : pandas.Series
        Counts per week with a DatetimeIndex, e.g. from :func:`weekly_demand`.
    horizon : int, default 13
        Weeks to forecast (a quarter).
    holdout : int, default 13
        Weeks held out for the check.
    confidence : float, default 0.95
        Level of the prediction intervals.

    Returns
    -------
    DemandForecast

    Raises
    ------
    DataError
        If the series has fewer than :data:`MIN_WEEKS` weeks, or holds negative counts.
    """
    if not isinstance(weekly, pd.Series) or not isinstance(weekly.index, pd.DatetimeIndex):
        raise TypeError("weekly must be a pandas Series indexed by week (a DatetimeIndex)")
    if horizon < 1 or holdout < 1:
        raise ValueError("horizon and holdout must be at least one week")
    values = weekly.astype(float).to_numpy()
    if len(values) < max(MIN_WEEKS, holdout + 13):
        raise DataError.make(
            f"the data cover {len(values)} full {'week' if len(values) == 1 else 'weeks'}; "
            "a weekly forecast with a "
            f"{holdout}-week check needs at least {max(MIN_WEEKS, holdout + 13)}",
            rule="too_few_weeks",
            table="transactions",
            column="date",
            hint="forecast once the data cover at least half a year",
        )
    if (values < 0).any() or not np.isfinite(values).all():
        raise DataError.make(
            "weekly counts must be finite and not negative",
            rule="invalid_counts",
            hint="pass counts of orders or visits per week",
        )
    alpha = 1 - confidence
    train, test = values[:-holdout], values[-holdout:]
    yearly_check = len(train) >= MIN_YEARLY
    model, low, high = _predict(train, holdout, yearly_check, alpha)
    base = seasonal_naive(train, holdout)
    baseline = "seasonal naive" if len(train) >= 52 else "naive"
    backtest = pd.DataFrame(
        {"actual": test, "model": model, "low": low, "high": high, "baseline": base},
        index=weekly.index[-holdout:],
    )
    yearly = len(values) >= MIN_YEARLY
    mean, flow, fhigh = _predict(values, horizon, yearly, alpha)
    future = weekly.index[-1] + pd.to_timedelta(7 * np.arange(1, horizon + 1), unit="D")
    forecast = pd.DataFrame(
        {"forecast": mean, "low": flow, "high": fhigh}, index=pd.DatetimeIndex(future, name="week")
    )
    notes = []
    if not yearly:
        notes.append(
            f"The data cover fewer than {MIN_YEARLY} weeks, so no yearly season is modelled."
        )
    if baseline == "naive":
        notes.append(
            "With less than a year before the holdout, the baseline is the naive "
            "forecast (the last week repeated), not the seasonal-naive one."
        )
    return DemandForecast(
        history=weekly,
        forecast=forecast,
        backtest=backtest,
        mae_model=float(np.abs(test - model).mean()),
        mae_baseline=float(np.abs(test - base).mean()),
        baseline=baseline,
        yearly=yearly,
        coverage=float(((test >= low) & (test <= high)).mean()),
        confidence=confidence,
        notes=notes,
    )
