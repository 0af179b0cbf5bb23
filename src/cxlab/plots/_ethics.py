"""Figures of chapter 08 (ethics audit): a decision's rate by group against the four-fifths line."""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.ticker import PercentFormatter

from cxlab.plots._base import axes_or_new, palette
from cxlab.plots._docs import axes_level

__all__ = ["selection_by_group"]


@axes_level
def selection_by_group(report: Any, *, ax: Axes | None = None, title: str | None = None) -> Axes:
    """Draw each group's selection rate with its interval, and four fifths of the highest.

    Parameters
    ----------
    report : cxlab.ethics.FairnessReport
        From :func:`cxlab.ethics.fairness_report` or :func:`cxlab.ethics.offer_fairness`.
        Groups below the report's ``min_n`` are left out.
    {ax}
    title : str, optional
        By default: which group is selected least often and the ratio.

    Returns
    -------
    {returns_axes}

    Examples
    --------
    >>> import pandas as pd
    >>> from cxlab.ethics import fairness_report
    >>> r = fairness_report(
    ...     None,
    ...     [1, 1, 0, 0, 1, 0, 0, 0] * 5,
    ...     sensitive=pd.Series(list("aaaabbbb") * 5, name="g"),
    ...     n_boot=50,
    ... )
    >>> ax = selection_by_group(r)
    >>> ax.get_title(loc="left")
    'b is selected least often (ratio 0.50)'
    >>> import matplotlib.pyplot as plt
    >>> plt.close(ax.figure)
    """
    table = report.by_group[report.by_group["n"] >= report.min_n]
    ax = axes_or_new(ax, figsize=(6.0, 0.45 * len(table) + 1.4))
    y = np.arange(len(table))
    rate = table["selection_rate"].to_numpy()
    err = np.vstack([rate - table["selection_low"], table["selection_high"] - rate])
    colours = palette(2)
    lowest = table["selection_rate"].idxmin() if len(table) else None
    ax.barh(y, rate, color=[colours[1] if g == lowest else colours[0] for g in table.index])
    ax.errorbar(rate, y, xerr=np.nan_to_num(err), fmt="none", ecolor="black", capsize=3)
    if len(table):
        line = 0.8 * float(rate.max())
        ax.axvline(line, color="grey", linestyle="--", linewidth=1)
        ax.text(line, len(table) - 0.4, " four fifths of the highest", fontsize=8, color="grey")
    ax.set_yticks(y, [str(g) for g in table.index])
    ax.set_xlabel("selection rate (95% interval)")
    ax.xaxis.set_major_formatter(PercentFormatter(xmax=1, decimals=0))
    ax.set_title(
        title or f"{lowest} is selected least often (ratio {report.demographic_parity_ratio:.2f})",
        loc="left",
    )
    return ax
