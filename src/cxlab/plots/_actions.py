"""The figure of chapter 09 (proactive service), from :mod:`cxlab.actions`.

:func:`demand_forecast` draws the weekly history, the holdout check against the seasonal-naive
baseline and the forecast with its interval; its default title says whether the model beat the
baseline.
"""

from __future__ import annotations

from matplotlib.axes import Axes

from cxlab.plots._base import axes_or_new, palette, thousands_axis
from cxlab.plots._docs import axes_level

__all__ = ["demand_forecast"]


@axes_level
def demand_forecast(
    forecast, *, unit: str = "orders", ax: Axes | None = None, title: str | None = None
) -> Axes:
    """Weekly demand: history, the holdout check and the forecast with its interval.

    Parameters
    ----------
    forecast : cxlab.actions.DemandForecast
        From :func:`cxlab.actions.forecast_demand`.
    unit : str, default "orders"
        What is counted, for the axis label.
    {ax}
    title : str, optional
        By default: whether the model beat the baseline on the holdout, and by how much.

    Returns
    -------
    {returns_axes}

    Examples
    --------
    >>> import pandas as pd, numpy as np
    >>> from cxlab.actions import forecast_demand
    >>> weeks = pd.date_range("2024-01-01", periods=60, freq="7D")
    >>> fc = forecast_demand(pd.Series(50 + 10 * np.sin(np.arange(60) / 4), index=weeks))
    >>> ax = demand_forecast(fc)
    >>> ax.get_ylabel()
    'orders per week'
    >>> import matplotlib.pyplot as plt
    >>> plt.close(ax.figure)
    """
    ax = axes_or_new(ax, figsize=(8, 3.6))
    c = palette(4)
    hist, back, fut = forecast.history, forecast.backtest, forecast.forecast
    ax.plot(hist.index, hist.to_numpy(), color=c[0], lw=1.2, label="actual")
    ax.plot(back.index, back["baseline"], color=c[3], lw=1.2, ls=":", label=forecast.baseline)
    ax.plot(back.index, back["model"], color=c[1], lw=1.4, ls="--", label="model on the holdout")
    ax.fill_between(fut.index, fut["low"], fut["high"], color=c[1], alpha=0.2, lw=0)
    ax.plot(fut.index, fut["forecast"], color=c[1], lw=1.8, label="forecast (95% interval)")
    ax.axvline(back.index[0], color=(0.6, 0.6, 0.6), lw=0.8)
    ax.set_ylabel(f"{unit} per week")
    ax.set_xlabel("week")
    thousands_axis(ax)
    ax.legend(loc="upper left", fontsize=8, frameon=False, ncol=2)
    if title is None:
        if forecast.beats_baseline:
            title = (
                f"The forecast's weekly error is {1 - forecast.skill:.0%} smaller than "
                f"the {forecast.baseline} one's"
            )
        else:
            title = f"The model does not beat the {forecast.baseline} forecast on the holdout"
    ax.set_title(title, loc="left")
    return ax
