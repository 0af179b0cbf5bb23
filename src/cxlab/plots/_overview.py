"""The figures of the welcome tour (chapter 00), drawn from :mod:`cxlab.overview` results."""

from __future__ import annotations

import calendar
import math
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from cxlab.overview import MISSING
from cxlab.plots._base import (
    METRIC_LABEL,
    axes_or_new,
    money,
    month_axis,
    palette,
    percent_axis,
    thousands_axis,
)
from cxlab.plots._docs import axes_level, figure_level
from cxlab.present import label, level, term

__all__ = [
    "attribute_bars",
    "journey_stages",
    "monthly_revenue",
    "responses_per_month",
    "score_distributions",
    "seasonal_index",
]


# --------------------------------------------------------------------------------------------
# customers


@figure_level
def attribute_bars(
    counts: pd.DataFrame,
    *,
    attributes: Sequence[str] | None = None,
    ncols: int = 3,
    title: str | None = None,
) -> Figure:
    """Small multiples: how customers divide over each attribute.

    Parameters
    ----------
    counts : pandas.DataFrame
        Output of :func:`cxlab.overview.attribute_counts`.
    attributes : sequence of str, optional
        Which attributes to draw, in order (default: all, as they appear).
    ncols : int, default 3
        Panels per row.
    title : str, optional
        Figure title; by default it names the total number of customers.

    Returns
    -------
    {returns_figure}
        One panel per attribute, bars labelled with their count; each panel title names the
        largest group and its share.
    """
    names = list(attributes) if attributes is not None else list(dict.fromkeys(counts["attribute"]))
    if not names:
        raise ValueError("no attributes to draw: the counts table is empty")
    ncols = max(1, min(ncols, len(names)))
    nrows = math.ceil(len(names) / ncols)
    width = 2.6 * ncols + 0.6
    fig, axes = plt.subplots(nrows, ncols, figsize=(width, 2.3 * nrows + 0.5), squeeze=False)
    colour = palette(1)[0]
    for ax, name in zip(axes.flat, names, strict=False):
        part = counts[counts["attribute"] == name]
        ax.barh([level(v) for v in part["level"]], part["share"] * 100, color=colour)
        ax.bar_label(ax.containers[0], labels=[f"{n:,}" for n in part["n"]], padding=2, size=8)
        ax.invert_yaxis()
        percent_axis(ax.xaxis)
        ax.set_xlim(0, max(100 * float(part["share"].max()) * 1.25, 5))
        ax.set_xlabel("Share of customers (%)")
        ax.grid(axis="y", visible=False)
        top = part.iloc[0]
        ax.set_title(
            f"{label(name)}\n{level(top['level'])} leads ({top['share']:.0%})", fontsize=9.5
        )
    for ax in list(axes.flat)[len(names) :]:
        ax.set_visible(False)
    total = int(counts.loc[counts["attribute"] == names[0], "n"].sum())
    default = f"Who the {total:,} customers are, attribute by attribute"
    fig.suptitle(title or default, x=0.01, ha="left")
    return fig


# --------------------------------------------------------------------------------------------
# revenue


@axes_level
def monthly_revenue(
    monthly: pd.DataFrame,
    *,
    currency: str = "EUR",
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """Net revenue per month as a line, refunds as bars below it, with the peak marked.

    Parameters
    ----------
    monthly : pandas.DataFrame
        Output of :func:`cxlab.overview.monthly_revenue`.
    currency : str, default "EUR"
        Shown in the axis label and the title (``bundle.config.currency``).
    {ax}
    title : str, optional
        By default: the peak month and its revenue.

    Returns
    -------
    {returns_axes}
    """
    ax = axes_or_new(ax)
    colours = palette(4)
    ax.plot(monthly.index, monthly["revenue"], marker="o", ms=3, color=colours[0], label="net")
    if "refunds" in monthly and monthly["refunds"].gt(0).any():
        ax.bar(monthly.index, -monthly["refunds"], width=20, color=colours[3], label="refunds")
        ax.axhline(0, color="0.3", lw=0.8)
    peak = monthly["revenue"].idxmax()
    peak_value = float(monthly.loc[peak, "revenue"])
    ax.annotate(
        "peak",
        (peak, peak_value),
        xytext=(0, 8),
        textcoords="offset points",
        ha="center",
        fontsize=8,
    )
    month_axis(ax)
    thousands_axis(ax)
    ax.set_xlabel("Month")
    ax.set_ylabel(f"Revenue per month ({currency})")
    ax.legend(loc="upper left")
    label = f"{calendar.month_name[peak.month]} {peak.year}"
    ax.set_title(title or f"Revenue peaks in {label} at {money(peak_value)} {currency}")
    return ax


@axes_level
def seasonal_index(
    seasonal: pd.DataFrame, *, ax: Axes | None = None, title: str | None = None
) -> Axes:
    """Bars of the seasonal index by calendar month, with the ordinary month at 1.

    Parameters
    ----------
    seasonal : pandas.DataFrame
        Output of :func:`cxlab.overview.seasonal_index`.
    {ax}
    title : str, optional
        By default: the strongest and weakest months and how far they sit from ordinary.

    Returns
    -------
    {returns_axes}
    """
    ax = axes_or_new(ax)
    colours = palette(3)
    index = seasonal["index"]
    colour = [colours[1] if v >= 1 else colours[0] for v in index]
    ax.bar([calendar.month_abbr[m] for m in seasonal.index], index, color=colour)
    ax.axhline(1.0, color="0.3", lw=0.8, ls="--", label="ordinary month (1.0)")
    ax.legend(loc="upper left")
    ax.set_xlabel("Calendar month")
    ax.set_ylabel("Seasonal index (1 = ordinary month)")
    hi, lo = index.idxmax(), index.idxmin()
    default = (
        f"{calendar.month_name[hi]} runs {index[hi] - 1:.0%} above an ordinary month, "
        f"{calendar.month_name[lo]} {1 - index[lo]:.0%} below"
    )
    ax.set_title(title or default)
    return ax


# --------------------------------------------------------------------------------------------
# responses


@axes_level
def responses_per_month(
    counts: pd.DataFrame, *, ax: Axes | None = None, title: str | None = None
) -> Axes:
    """Stacked bars of survey responses per month, one colour per touchpoint.

    Parameters
    ----------
    counts : pandas.DataFrame
        Output of :func:`cxlab.overview.responses_per_month`.
    {ax}
    title : str, optional
        By default: which group collects the most feedback, and its share.

    Returns
    -------
    {returns_axes}
    """
    ax = axes_or_new(ax)
    named = [c for c in counts.columns if c != MISSING]
    colours = dict(zip(named, palette(max(len(named), 1)), strict=False))
    colours[MISSING] = (0.72, 0.72, 0.72)
    bottom = np.zeros(len(counts))
    for col in counts.columns:
        values = counts[col].to_numpy(dtype=float)
        ax.bar(counts.index, values, bottom=bottom, width=25, color=colours[col], label=level(col))
        bottom += values
    month_axis(ax)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("Month")
    ax.set_ylabel("Responses per month (count)")
    if len(counts.columns) > 1:
        group = label(counts.columns.name) if counts.columns.name else None
        ax.legend(title=group, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    total = int(counts.to_numpy().sum())
    sums = counts.sum()
    if named and len(counts.columns) > 1 and total:
        top = sums[named].idxmax()
        default = (
            f"{top} collects the most feedback: {sums[top] / total:.0%} of {total:,} responses"
        )
        if sums.get(MISSING, 0):
            group = term(counts.columns.name) if counts.columns.name else "group"
            default += f"; {sums[MISSING] / total:.0%} name no {group}"
    else:
        default = f"{total:,} responses, about {total / max(len(counts), 1):,.0f} a month"
    ax.set_title(title or default)
    return ax


@figure_level
def score_distributions(dist: pd.DataFrame, *, title: str | None = None) -> Figure:
    """One panel per rating metric: share of answers at each score, each bar labelled with n.

    Parameters
    ----------
    dist : pandas.DataFrame
        Output of :func:`cxlab.overview.score_distributions`.
    title : str, optional
        By default: the most common answer of every metric.

    Returns
    -------
    {returns_figure}
        Panel titles give the metric, its scale and its ``n``.
    """
    metrics = list(dict.fromkeys(dist["metric"]))
    if not metrics:
        raise ValueError("no scores to draw: the distribution table is empty")
    widths = [max(len(dist[dist["metric"] == m]), 3) for m in metrics]
    width = min(9.5, 1.6 + 0.34 * sum(widths))
    fig, axes = plt.subplots(
        1, len(metrics), figsize=(width, 3.2), width_ratios=widths, squeeze=False
    )
    colour = palette(1)[0]
    modes = []
    for ax, metric in zip(axes.flat, metrics, strict=True):
        part = dist[dist["metric"] == metric]
        ax.bar(part["score"].astype(str), part["share"] * 100, color=colour)
        ax.bar_label(ax.containers[0], labels=[f"{n:,}" for n in part["n"]], padding=1, size=7)
        percent_axis(ax.yaxis)
        ax.set_ylim(0, float(part["share"].max()) * 100 * 1.18 + 1)
        ax.set_xlabel("Score")
        ax.grid(axis="x", visible=False)
        label = METRIC_LABEL.get(metric, metric)
        low, high = int(part["score"].min()), int(part["score"].max())
        ax.set_title(f"{label} ({low}–{high}), n = {int(part['total'].iloc[0]):,}", fontsize=10)
        modes.append(f"{label} {int(part.loc[part['n'].idxmax(), 'score'])}")
    axes.flat[0].set_ylabel("Share of answers (%)")
    default = "Most common answer: " + ", ".join(modes) + " (bar labels: number of answers)"
    fig.suptitle(title or default, x=0.01, ha="left")
    return fig


# --------------------------------------------------------------------------------------------
# journey


@axes_level
def journey_stages(
    stages: pd.DataFrame, *, ax: Axes | None = None, title: str | None = None
) -> Axes:
    """Horizontal bars of customers with events in each journey stage, in journey order.

    Parameters
    ----------
    stages : pandas.DataFrame
        Output of :func:`cxlab.overview.stage_counts`.
    {ax}
    title : str, optional
        By default, when the counts fall from stage to stage like a funnel: the step where the
        largest share of customers does not go on. Otherwise (event logs often miss early
        stages): the stages seen for the most and for the fewest customers.

    Returns
    -------
    {returns_axes}
        Bars labelled with the number of customers and their share of all customers.
    """
    ax = axes_or_new(ax)
    colour = palette(1)[0]
    names = [str(s) for s in stages.index]
    ax.barh(names, stages["customers"], color=colour)
    labels = [f"{n:,} ({s:.0%})" for n, s in zip(stages["customers"], stages["share"], strict=True)]
    ax.bar_label(ax.containers[0], labels=labels, padding=3, size=8)
    ax.invert_yaxis()
    ax.set_xlim(0, float(stages["customers"].max()) * 1.22)
    thousands_axis(ax, "x")
    ax.set_xlabel("Customers with an event in the stage (count)")
    ax.set_ylabel("Journey stage")
    ax.grid(axis="y", visible=False)
    conversion = stages["step_conversion"].dropna()
    if title is None and len(stages) > 1:
        if conversion.max() <= 1 and conversion.min() < 1:
            worst = conversion.idxmin()
            before = names[names.index(str(worst)) - 1]
            title = (
                f"The biggest drop is from {before} to {worst}: "
                f"{1 - conversion[worst]:.0%} of customers do not go on"
            )
        elif conversion.max() > 1:
            most, least = stages["customers"].idxmax(), stages["customers"].idxmin()
            title = (
                f"{str(most).capitalize()} is recorded for the most customers "
                f"({stages.loc[most, 'share']:.0%}), {least} for the fewest "
                f"({stages.loc[least, 'share']:.0%})"
            )
    ax.set_title(title or "Customers at each journey stage")
    return ax
