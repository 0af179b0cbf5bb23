"""The figures of chapter 06 (lifetime value and ROI), from :mod:`cxlab.clv`.

* :func:`p_alive_matrix` shades P(alive) over the frequency × recency grid;
* :func:`holdout_chart` sets predicted against actual holdout purchases by calibration frequency;
* :func:`value_by_group` draws mean lifetime value per group (NPS group, tier) with intervals;
* :func:`spend_chart` stacks acquisition, retention and service spend per year;
* :func:`equity_chart` follows customer equity over time with its interval, and the customers.
"""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from cxlab.clv import BetaGeo
from cxlab.plots._base import axes_or_new, palette, thousands_axis
from cxlab.plots._docs import axes_level, figure_level

__all__ = ["equity_chart", "holdout_chart", "p_alive_matrix", "spend_chart", "value_by_group"]


def _set_title(ax: Axes, text: str) -> None:
    width = ax.figure.get_figwidth()
    ax.set_title(textwrap.fill(text, width=max(40, int(13 * width))), loc="left")


@axes_level
def p_alive_matrix(
    bgf: BetaGeo,
    *,
    T: float,
    max_frequency: int = 20,
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """Heat-map of P(alive) for a customer observed ``T`` weeks, by repeat purchases and recency.

    Parameters
    ----------
    bgf : BetaGeo
        A fitted model.
    T : float
        Weeks since the first purchase (the grid's customer).
    max_frequency : int
        Highest number of repeat purchases shown.
    {ax}
    title : str, optional
        By default: what the corner of frequent buyers who went quiet shows.

    Returns
    -------
    {returns_axes}

    Examples
    --------
    >>> bg = BetaGeo()
    >>> bg.params_ = pd.Series({"r": 0.24, "alpha": 4.4, "a": 0.79, "b": 2.43})
    >>> ax = p_alive_matrix(bg, T=40, max_frequency=10)
    >>> "alive" in ax.get_title(loc="left")
    True
    >>> import matplotlib.pyplot as plt
    >>> plt.close(ax.figure)
    """
    freq = np.arange(0, max_frequency + 1)
    rec = np.linspace(0, T, 41)
    x, t = np.meshgrid(freq, rec)
    grid = np.asarray(
        bgf.p_alive(x.ravel(), np.where(x.ravel() > 0, t.ravel(), 0), np.full(x.size, T))
    )
    grid = grid.reshape(x.shape)
    ax = axes_or_new(ax, figsize=(6.0, 4.2))
    image = ax.imshow(
        grid, origin="lower", aspect="auto", cmap="viridis", vmin=0, vmax=1,
        extent=(-0.5, max_frequency + 0.5, 0, T),
    )  # fmt: skip
    ax.set_xlabel("repeat purchases (frequency)")
    ax.set_ylabel("weeks from first to last purchase (recency)")
    ax.grid(False)
    ax.figure.colorbar(image, ax=ax, label="P(alive)", shrink=0.85)
    if title is None:
        quiet = float(bgf.p_alive(max_frequency, T / 2, T))
        title = (
            f"A customer who bought {max_frequency} times and then went quiet for half the "
            f"time is alive with probability {quiet:.0%}"
        )
    _set_title(ax, title)
    return ax


@axes_level
def holdout_chart(check: pd.DataFrame, *, ax: Axes | None = None, title: str | None = None) -> Axes:
    """Mean predicted and actual holdout purchases by calibration frequency.

    Parameters
    ----------
    check : pandas.DataFrame
        Output of :func:`cxlab.clv.holdout_check`.
    {ax}
    title : str, optional
        By default: the total's relative error.

    Returns
    -------
    {returns_axes}

    Examples
    --------
    >>> c = pd.DataFrame(
    ...     {"customers": [5, 3], "actual": [0.2, 1.5], "predicted": [0.25, 1.4]},
    ...     index=pd.Index([0, 1], name="frequency"),
    ... )
    >>> c.attrs["error"] = -0.02
    >>> ax = holdout_chart(c)
    >>> ax.get_title(loc="left")
    'Predicted holdout purchases are within 2% of the actual total'
    >>> import matplotlib.pyplot as plt
    >>> plt.close(ax.figure)
    """
    ax = axes_or_new(ax, figsize=(6.0, 3.8))
    colours = palette(2)
    labels = [f"{i}+" if i == check.index.max() and i >= 7 else str(i) for i in check.index]
    pos = np.arange(len(check))
    ax.plot(pos, check["actual"], marker="o", color=colours[0], label="actual")
    ax.plot(pos, check["predicted"], marker="s", ls="--", color=colours[1], label="predicted")
    ax.set_xticks(pos, labels)
    ax.set_xlabel("repeat purchases in the calibration period")
    ax.set_ylabel("mean purchases in the holdout")
    ax.legend(frameon=False)
    if title is None:
        err = check.attrs.get("error", float("nan"))
        if np.isfinite(err):
            word = "within" if abs(err) < 0.1 else "off by"
            title = f"Predicted holdout purchases are {word} {abs(err):.0%} of the actual total"
        else:
            title = "Predicted and actual holdout purchases"
    _set_title(ax, title)
    return ax


@axes_level
def value_by_group(
    table: pd.DataFrame,
    *,
    currency: str = "",
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """Mean lifetime value per group with its interval, one bar per group.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`cxlab.clv.clv_by_group` (``mean_clv``, ``low``, ``high``, ``n``).
    currency : str
        For the axis label.
    {ax}
    title : str, optional
        By default: the group worth most.

    Returns
    -------
    {returns_axes}

    Examples
    --------
    >>> t = pd.DataFrame(
    ...     {
    ...         "n": [40, 50],
    ...         "mean_clv": [300.0, 200.0],
    ...         "low": [250.0, 170.0],
    ...         "high": [350.0, 230.0],
    ...     },
    ...     index=["promoter", "detractor"],
    ... )
    >>> ax = value_by_group(t, currency="GBP")
    >>> ax.get_title(loc="left")
    'promoter customers are worth most: GBP 300 on average'
    >>> import matplotlib.pyplot as plt
    >>> plt.close(ax.figure)
    """
    ax = axes_or_new(ax, figsize=(6.0, 3.6))
    pos = np.arange(len(table))
    mean = table["mean_clv"].to_numpy(dtype="float64")
    low = np.nan_to_num(mean - table["low"].to_numpy(dtype="float64"))
    high = np.nan_to_num(table["high"].to_numpy(dtype="float64") - mean)
    ax.bar(pos, mean, color=palette(len(table)), yerr=[low, high], capsize=4)
    ax.set_xticks(
        pos, [f"{g}\n(n = {int(n):,})" for g, n in zip(table.index, table["n"], strict=True)]
    )
    ax.set_ylabel(f"mean lifetime value{' (' + currency + ')' if currency else ''}")
    if title is None:
        best = table["mean_clv"].idxmax()
        title = (
            f"{best} customers are worth most: {currency + ' ' if currency else ''}"
            f"{table.loc[best, 'mean_clv']:,.0f} on average"
        )
    _set_title(ax, title)
    return ax


@axes_level
def spend_chart(
    years: pd.DataFrame, *, currency: str = "", ax: Axes | None = None, title: str | None = None
) -> Axes:
    """Acquisition, retention and service spend per year, stacked.

    Parameters
    ----------
    years : pandas.DataFrame
        Output of :func:`cxlab.clv.cost_by_year`.
    currency : str
        For the axis label.
    {ax}
    title : str, optional
        By default: where most of the money went in the last year.

    Returns
    -------
    {returns_axes}

    Examples
    --------
    >>> y = pd.DataFrame(
    ...     {"acquisition": [10.0], "retention": [30.0], "service": [5.0]},
    ...     index=pd.Index([2025], name="year"),
    ... )
    >>> ax = spend_chart(y)
    >>> ax.get_title(loc="left")
    'In 2025 most customer spend went on retention (67%)'
    >>> import matplotlib.pyplot as plt
    >>> plt.close(ax.figure)
    """
    ax = axes_or_new(ax, figsize=(6.0, 3.6))
    kinds = ["acquisition", "retention", "service"]
    bottom = np.zeros(len(years))
    pos = np.arange(len(years))
    for kind, colour in zip(kinds, palette(3), strict=True):
        values = years[kind].to_numpy(dtype="float64")
        ax.bar(pos, values, bottom=bottom, color=colour, label=kind)
        bottom += values
    ax.set_xticks(pos, [str(y) for y in years.index])
    ax.set_ylabel(f"spend{' (' + currency + ')' if currency else ''}")
    ax.legend(frameon=False)
    if title is None:
        last = years.iloc[-1][kinds]
        top = last.idxmax()
        title = (
            f"In {years.index[-1]} most customer spend went on {top} ({last[top] / last.sum():.0%})"
        )
    _set_title(ax, title)
    return ax


@figure_level
def equity_chart(trend: pd.DataFrame, *, currency: str = "", title: str | None = None) -> Figure:
    """Draw customer equity at each date with its interval, and the customers valued below.

    Dates where the models could not be fitted are marked with a cross at zero; the bars
    count the customers who had bought by each date.

    Parameters
    ----------
    trend : pandas.DataFrame
        Output of :func:`cxlab.clv.equity_over_time`.
    currency : str
        For the axis label.
    title : str, optional
        By default: the growth from the base date to the last one, or that there is none.

    Returns
    -------
    {returns_figure}

    Examples
    --------
    >>> t = pd.DataFrame(
    ...     {
    ...         "customers": [20, 40, 60],
    ...         "equity": [float("nan"), 100.0, 150.0],
    ...         "low": [float("nan"), 80.0, 130.0],
    ...         "high": [float("nan"), 120.0, 170.0],
    ...         "growth": [float("nan"), 0.0, 0.5],
    ...     },
    ...     index=pd.to_datetime(["2024-03-31", "2024-06-30", "2024-09-30"]),
    ... )
    >>> fig = equity_chart(t, currency="EUR")
    >>> " ".join(fig.get_suptitle().split())
    'Customer equity grew 50% from 30 Jun 2024 to 30 Sep 2024, to EUR 150'
    >>> plt.close(fig)
    """
    from cxlab.present import date

    fig, (top, bottom) = plt.subplots(2, 1, figsize=(6.4, 4.8), sharex=True, height_ratios=[2.2, 1])
    colours = palette(2)
    pos = np.arange(len(trend))
    ok = trend["equity"].notna().to_numpy()
    equity = trend["equity"].to_numpy(dtype="float64")
    low = trend["low"].to_numpy(dtype="float64") if "low" in trend else np.full(len(pos), np.nan)
    high = trend["high"].to_numpy(dtype="float64") if "high" in trend else low
    level = float(trend.attrs.get("confidence", 0.95))
    top.plot(pos[ok], equity[ok], marker="o", color=colours[0], label="customer equity")
    banded = ok & np.isfinite(low) & np.isfinite(high)
    if banded.any():
        top.errorbar(
            pos[banded],
            equity[banded],
            yerr=[equity[banded] - low[banded], high[banded] - equity[banded]],
            ls="",
            color=colours[0],
            capsize=4,
            label=f"{level:.0%} interval (model parameters)",
        )
    if (~ok).any():
        top.plot(
            pos[~ok],
            np.zeros((~ok).sum()),
            ls="",
            marker="x",
            color="0.4",
            clip_on=False,
            label="too little data to fit",
        )
    peak = np.nanmax(np.concatenate([equity[ok], high[banded]])) if ok.any() else 1.0
    top.set_ylim(0, 1.35 * peak)  # room for the legend above the data
    top.set_ylabel(f"equity{f' ({currency})' if currency else ''}")
    thousands_axis(top)
    top.legend(frameon=False, fontsize="small", loc="upper left", ncol=2)
    bottom.bar(pos, trend["customers"], width=0.5, color=colours[1])
    bottom.set_ylabel("customers")
    thousands_axis(bottom)
    bottom.set_xticks(pos, [f"{d:%b %Y}" for d in pd.DatetimeIndex(trend.index)])
    bottom.tick_params(axis="x", labelrotation=45)
    if title is None:
        grown = trend[ok & trend["growth"].notna().to_numpy()]
        if len(grown) >= 2:
            g = float(grown["growth"].iloc[-1])
            title = (
                f"Customer equity {'grew' if g >= 0 else 'fell'} {abs(g):.0%} from "
                f"{date(grown.index[0])} to {date(grown.index[-1])}, to "
                f"{currency + ' ' if currency else ''}{grown['equity'].iloc[-1]:,.0f}"
            )
        else:
            title = "Too few dates with a fitted model to show how customer equity changed"
    fig.suptitle(textwrap.fill(title, 60), x=0.01, ha="left")
    return fig
