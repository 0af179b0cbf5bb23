"""The one figure theme of the suite and the small helpers every chapter's plots share."""

from __future__ import annotations

from typing import Any

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator, PercentFormatter

__all__ = ["PALETTE", "THEME_RC", "close", "palette", "use_theme"]

#: Name of the seaborn palette every figure uses (safe for the common colour-vision deficiencies).
PALETTE = "colorblind"

#: Matplotlib settings of the theme, applied on top of seaborn's ``whitegrid`` style.
THEME_RC: dict[str, Any] = {
    "figure.figsize": (7.0, 3.6),
    "figure.dpi": 85,
    "savefig.dpi": 85,
    "figure.constrained_layout.use": True,
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.labelsize": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "legend.fontsize": 9,
    "legend.frameon": False,
    "figure.titlesize": 12,
    "figure.titleweight": "bold",
    "svg.hashsalt": "cxlab",
}

METRIC_LABEL = {"nps": "NPS", "csat": "CSAT", "ces": "CES"}


def use_theme() -> None:
    """Apply the cxlab figure theme to matplotlib; calling it again changes nothing.

    Examples
    --------
    >>> use_theme()
    >>> import matplotlib as mpl
    >>> mpl.rcParams["figure.dpi"]
    85.0
    """
    sns.set_theme(context="notebook", style="whitegrid", palette=PALETTE, rc=THEME_RC)


def palette(n: int = 10) -> list[tuple[float, float, float]]:
    """Return ``n`` colours of the theme's palette (cycling when ``n`` exceeds ten).

    Examples
    --------
    >>> len(palette(3))
    3
    """
    return sns.color_palette(PALETTE, n)


def close(obj: Axes | Figure) -> None:
    """Close the figure an ``Axes`` or ``Figure`` belongs to (frees memory in loops and tests)."""
    fig = obj if isinstance(obj, Figure) else obj.figure
    plt.close(fig)


def axes_or_new(ax: Axes | None, figsize: tuple[float, float] | None = None) -> Axes:
    if ax is not None:
        return ax
    _, ax = plt.subplots(figsize=figsize)
    return ax


def money(value: float) -> str:
    return f"{value:,.0f}"


def thousands_axis(ax: Axes, axis: str = "y") -> None:
    fmt = FuncFormatter(lambda v, _pos: f"{v:,.0f}")
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(fmt)


def percent_axis(axis: Any) -> None:
    """Put whole-number percent ticks on an axis whose values are already in percent."""
    axis.set_major_locator(MaxNLocator(nbins=5, steps=[1, 2, 5, 10]))
    axis.set_major_formatter(PercentFormatter(decimals=0))


def month_axis(ax: Axes) -> None:
    locator = mdates.AutoDateLocator(minticks=4, maxticks=10)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
