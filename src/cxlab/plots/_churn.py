"""Figures of chapter 05 (churn): calibration, gains, survival curves, drivers, targeting."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from cxlab.plots._base import axes_or_new, palette
from cxlab.plots._docs import axes_level

__all__ = [
    "calibration_chart",
    "churn_drivers_chart",
    "gains_chart",
    "survival_chart",
    "targeting_chart",
]


@axes_level
def calibration_chart(
    calibration: pd.DataFrame, *, ax: Axes | None = None, title: str | None = None
) -> Axes:
    """Predicted against observed churn rate per bin of predicted risk.

    Parameters
    ----------
    calibration : pandas.DataFrame
        ``predicted``, ``observed`` and ``n`` per bin (``Evaluation.calibration``).
    {ax}
    title : str, optional
        By default: how far predictions are from what happened, on average.

    Returns
    -------
    {returns_axes}

    Examples
    --------
    >>> c = pd.DataFrame({"predicted": [0.1, 0.5], "observed": [0.12, 0.45], "n": [50, 50]})
    >>> ax = calibration_chart(c)
    >>> ax.get_title(loc="left")
    'Predicted risk is off by 3.5 points on average'
    >>> import matplotlib.pyplot as plt
    >>> plt.close(ax.figure)
    """
    ax = axes_or_new(ax, figsize=(5.0, 4.2))
    ax.plot([0, 100], [0, 100], color="grey", lw=1, ls="--", label="perfect calibration")
    ax.plot(
        100 * calibration["predicted"],
        100 * calibration["observed"],
        marker="o",
        color=palette(1)[0],
        label="model",
    )
    ax.set_xlabel("predicted churn risk (%)")
    ax.set_ylabel("observed churn rate (%)")
    ax.legend(loc="upper left", frameon=False)
    gap = np.average(
        (calibration["predicted"] - calibration["observed"]).abs(), weights=calibration["n"]
    )
    ax.set_title(title or f"Predicted risk is off by {100 * gap:.1f} points on average", loc="left")
    return ax


@axes_level
def gains_chart(gains: pd.DataFrame, *, ax: Axes | None = None, title: str | None = None) -> Axes:
    """Cumulative gains: share of churners caught against share of customers contacted.

    Parameters
    ----------
    gains : pandas.DataFrame
        ``share_contacted`` and ``gain`` per decile (``Evaluation.gains``).
    {ax}
    title : str, optional
        By default: the share of churners in the riskiest 20 %.

    Returns
    -------
    {returns_axes}
    """
    ax = axes_or_new(ax, figsize=(5.0, 4.2))
    x = np.r_[0, 100 * gains["share_contacted"]]
    y = np.r_[0, 100 * gains["gain"]]
    ax.plot(x, y, marker="o", color=palette(1)[0], label="model ranking")
    ax.plot([0, 100], [0, 100], color="grey", lw=1, ls="--", label="random calls")
    ax.set_xlabel("customers contacted, riskiest first (%)")
    ax.set_ylabel("churners reached (%)")
    ax.legend(loc="lower right", frameon=False)
    two = float(np.interp(20, x, y))
    ax.set_title(title or f"Calling the riskiest 20% reaches {two:.0f}% of churners", loc="left")
    return ax


@axes_level
def survival_chart(
    km: pd.DataFrame, *, unit: str = "days", ax: Axes | None = None, title: str | None = None
) -> Axes:
    """Kaplan–Meier curves with their 95 % bands, one per group.

    Parameters
    ----------
    km : pandas.DataFrame
        From :func:`cxlab.churn.kaplan_meier`.
    unit : str
        The time unit, for the axis label.
    {ax}
    title : str, optional

    Returns
    -------
    {returns_axes}
    """
    ax = axes_or_new(ax, figsize=(6.4, 4.2))
    groups = list(dict.fromkeys(km["group"]))
    for colour, (name) in zip(palette(len(groups)), groups, strict=True):
        part = km[km["group"] == name]
        t = np.r_[0, part["time"]]
        ax.step(
            t,
            100 * np.r_[1, part["survival"]],
            where="post",
            color=colour,
            label=f"{name} (n = {int(part['n'].iloc[0]):,})",
        )
        ax.fill_between(
            t,
            100 * np.r_[1, part["low"]],
            100 * np.r_[1, part["high"]],
            step="post",
            color=colour,
            alpha=0.15,
            lw=0,
        )
    ax.set_xlabel(f"time as a customer ({unit})")
    ax.set_ylabel("still customers (%)")
    ax.set_ylim(0, 102)
    ax.legend(loc="lower left", frameon=False, fontsize=8)
    ax.set_title(title or "How long customers stay", loc="left")
    return ax


@axes_level
def churn_drivers_chart(
    table: pd.DataFrame, *, top: int = 8, ax: Axes | None = None, title: str | None = None
) -> Axes:
    """Permutation importance of the top columns, with one standard deviation.

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`cxlab.churn.drivers`.
    top : int
    {ax}
    title : str, optional

    Returns
    -------
    {returns_axes}
    """
    t = table.head(top).iloc[::-1]
    ax = axes_or_new(ax, figsize=(6.4, 0.45 * len(t) + 1.4))
    ax.barh(t["driver"], t["importance"], xerr=t["importance_sd"], color=palette(1)[0])
    ax.set_xlabel("drop in ROC-AUC when the column is shuffled")
    lead = t["driver"].iloc[-1] if len(t) else "nothing"
    ax.set_title(title or f"The model leans most on {lead}", loc="left")
    return ax


@axes_level
def targeting_chart(
    targets: pd.DataFrame,
    *,
    currency: str = "",
    budget: Any = None,
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """Cumulative expected value saved against the number of customers called.

    Parameters
    ----------
    targets : pandas.DataFrame
        From :func:`cxlab.churn.targeting`.
    currency : str
    budget : float, optional
        Drawn as the spending limit.
    {ax}
    title : str, optional

    Returns
    -------
    {returns_axes}
    """
    ax = axes_or_new(ax, figsize=(6.0, 4.0))
    ax.plot(np.r_[0, targets["rank"]], np.r_[0, targets["cumulative_saved"]], color=palette(1)[0])
    if budget is not None and len(targets):
        calls = targets["cumulative_cost"].le(budget).sum()
        ax.axvline(calls, color="grey", ls="--", lw=1, label=f"budget: {calls:,} calls")
        ax.legend(loc="lower right", frameon=False)
    ax.set_xlabel("customers contacted, best first")
    ax.set_ylabel(f"expected value saved, net ({currency})".replace(" ()", ""))
    total = targets["expected_saved"].sum() if len(targets) else 0.0
    ax.set_title(
        title or f"{len(targets):,} calls worth {total:,.0f} {currency}".strip(), loc="left"
    )
    return ax
