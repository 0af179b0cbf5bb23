"""The figures of chapter 07 (voice of the customer), from :mod:`cxlab.text`.

Each function takes a result of the text module and writes its default title from it, so the
title states what the data show:

* :func:`vader_vs_cx` sets plain VADER's score of a few sentences beside ours (the Theory figure);
* :func:`negative_share_chart` shows the share of negative comments per group with intervals;
* :func:`theme_impact_chart` shows how many NPS points each theme costs or adds, with intervals;
* :func:`review_comparison` puts the client's negative reviews beside its competitors'.
"""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.ticker import PercentFormatter

from cxlab.plots._base import axes_or_new, palette
from cxlab.plots._docs import axes_level

__all__ = ["negative_share_chart", "review_comparison", "theme_impact_chart", "vader_vs_cx"]


def _set_title(ax: Axes, text: str) -> None:
    width = ax.figure.get_figwidth()
    ax.set_title(textwrap.fill(text, width=max(40, int(13 * width))), loc="left")


def _share_axis(axis) -> None:
    """Whole-number percent ticks on an axis holding shares (0 to 1)."""
    axis.set_major_formatter(PercentFormatter(xmax=1, decimals=0))


def _short(text: str, width: int = 46) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


@axes_level
def vader_vs_cx(table: pd.DataFrame, *, ax: Axes | None = None, title: str | None = None) -> Axes:
    """Plain VADER's compound score of each sentence beside the score with the CX layer.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`cxlab.text.compare_with_vader` (``text``, ``vader``, ``ours``,
        ``changed``).
    {ax}
    title : str, optional
        By default: how many of the sentences change label with the layer.

    Returns
    -------
    {returns_axes}

    Examples
    --------
    >>> t = pd.DataFrame(
    ...     {
    ...         "text": ["no issues", "lovely"],
    ...         "vader": [-0.3, 0.6],
    ...         "ours": [0.5, 0.6],
    ...         "changed": [True, False],
    ...     }
    ... )
    >>> ax = vader_vs_cx(t)
    >>> ax.get_title(loc="left")
    'The CX layer changes the label of 1 of 2 sentences'
    >>> import matplotlib.pyplot as plt
    >>> plt.close(ax.figure)
    """
    rows = table.reset_index(drop=True)
    ax = axes_or_new(ax, figsize=(8.0, max(2.4, 0.42 * len(rows) + 1.2)))
    colours = palette(2)
    y = np.arange(len(rows))[::-1]
    ax.barh(y + 0.2, rows["vader"], height=0.38, color=colours[0], label="plain VADER")
    ax.barh(y - 0.2, rows["ours"], height=0.38, color=colours[1], label="with the CX layer")
    ax.axvspan(-0.05, 0.05, color="0.85", zorder=0, label="neutral band (±0.05)")
    ax.axvline(0, color="0.3", lw=0.8)
    ax.set_yticks(y, [f"“{_short(str(t))}”" for t in rows["text"]])
    ax.set_xlim(-1, 1)
    ax.set_xlabel("compound sentiment score (−1 negative to +1 positive)")
    ax.legend(loc="lower left", bbox_to_anchor=(1.0, 0.0))
    if title is None:
        k = int(rows["changed"].sum())
        title = f"The CX layer changes the label of {k} of {len(rows)} sentences"
    _set_title(ax, title)
    return ax


@axes_level
def negative_share_chart(
    table: pd.DataFrame,
    *,
    by: str | None = None,
    chronological: bool = False,
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """Share of negative comments per group, with its 95 % interval; small groups in grey.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`cxlab.text.sentiment_by` (``n``, ``negative_share``, ``low``,
        ``high``, ``small``).
    by : str, optional
        What the groups are, for the axis label (default: the table's index name).
    chronological : bool
        Keep the groups in index order (months) instead of worst first.
    {ax}
    title : str, optional
        By default: the group with the highest share (among groups that are not small).

    Returns
    -------
    {returns_axes}

    Raises
    ------
    ValueError
        If no group has a share to draw.

    Examples
    --------
    >>> t = pd.DataFrame(
    ...     {
    ...         "n": [40, 50],
    ...         "negative_share": [0.5, 0.1],
    ...         "low": [0.35, 0.04],
    ...         "high": [0.65, 0.21],
    ...         "small": [False, False],
    ...     },
    ...     index=pd.Index(["checkout", "delivery"], name="touchpoint"),
    ... )
    >>> ax = negative_share_chart(t)
    >>> ax.get_title(loc="left")
    'Comments on checkout are the most negative: 50% (n = 40)'
    >>> import matplotlib.pyplot as plt
    >>> plt.close(ax.figure)
    """
    rows = table.dropna(subset=["negative_share"])
    if rows.empty:
        raise ValueError("no group has a negative share to draw")
    if chronological:
        rows = rows.sort_index()
    else:
        rows = rows.sort_values("negative_share", kind="stable")
    name = by or rows.index.name or "group"
    colours = palette(2)
    if chronological:
        ax = axes_or_new(ax, figsize=(8.0, 3.4))
        x = np.arange(len(rows))
        ax.fill_between(x, rows["low"], rows["high"], color=colours[0], alpha=0.2, lw=0)
        ax.plot(x, rows["negative_share"], marker="o", color=colours[0])
        small = rows["small"].to_numpy(dtype=bool)
        ax.scatter(x[small], rows["negative_share"][small], color="0.6", zorder=3)
        step = max(1, len(rows) // 12)
        ax.set_xticks(x[::step], [str(i) for i in rows.index[::step]], rotation=45, ha="right")
        ax.set_xlabel(name)
        ax.set_ylabel("negative comments")
        _share_axis(ax.yaxis)
    else:
        ax = axes_or_new(ax, figsize=(8.0, max(2.4, 0.36 * len(rows) + 1.4)))
        y = np.arange(len(rows))
        for i, (_key, row) in enumerate(rows.iterrows()):
            colour = "0.6" if row["small"] else colours[1]
            ax.plot([row["low"], row["high"]], [i, i], color=colour, lw=2)
            ax.scatter([row["negative_share"]], [i], color=colour, zorder=3)
        labels = [f"{k} (n = {int(n):,})" for k, n in zip(rows.index, rows["n"], strict=True)]
        ax.set_yticks(y, labels)
        ax.set_xlabel("negative comments (95 % interval)")
        _share_axis(ax.xaxis)
        if rows["small"].any():
            ax.legend(
                [Line2D([], [], color="0.6", lw=2)],
                ["fewer than 30 comments"],
                loc="lower right",
            )
    if title is None:
        ok = rows[~rows["small"].astype(bool)]
        ok = ok if len(ok) else rows
        worst = ok["negative_share"].idxmax()
        share = ok.loc[worst, "negative_share"]
        n = int(ok.loc[worst, "n"])
        what = f"in {worst}" if chronological else f"on {worst}"
        title = f"Comments {what} are the most negative: {100 * share:.0f}% (n = {n:,})"
    _set_title(ax, title)
    return ax


@axes_level
def theme_impact_chart(
    impact: pd.DataFrame, *, ax: Axes | None = None, title: str | None = None
) -> Axes:
    """NPS points each theme costs (left of zero) or adds, with its 95 % interval.

    Parameters
    ----------
    impact : pandas.DataFrame
        Output of :func:`cxlab.text.theme_impact` (``impact``, ``low``, ``high``, ``n``,
        ``small``).
    {ax}
    title : str, optional
        By default: the theme that costs the most, or that none pulls the NPS down.

    Returns
    -------
    {returns_axes}

    Raises
    ------
    ValueError
        If no theme has an impact to draw.

    Examples
    --------
    >>> t = pd.DataFrame(
    ...     {
    ...         "n": [50, 40],
    ...         "impact": [-5.0, 2.0],
    ...         "low": [-8.0, 0.5],
    ...         "high": [-2.0, 3.0],
    ...         "small": [False, False],
    ...     },
    ...     index=pd.Index(["price", "staff"], name="theme"),
    ... )
    >>> ax = theme_impact_chart(t)
    >>> ax.get_title(loc="left")
    'Mentions of “price” cost the NPS 5.0 points'
    >>> import matplotlib.pyplot as plt
    >>> plt.close(ax.figure)
    """
    rows = impact.dropna(subset=["impact"]).sort_values("impact", ascending=False, kind="stable")
    if rows.empty:
        raise ValueError("no theme has an impact to draw")
    ax = axes_or_new(ax, figsize=(8.0, max(2.4, 0.38 * len(rows) + 1.4)))
    colours = palette(3)
    for i, (_theme, row) in enumerate(rows.iterrows()):
        hurts = row["high"] < 0
        colour = "0.6" if row["small"] else (colours[1] if hurts else colours[0])
        ax.plot([row["low"], row["high"]], [i, i], color=colour, lw=2)
        ax.scatter([row["impact"]], [i], color=colour, zorder=3)
    ax.axvline(0, color="0.3", lw=0.8)
    labels = [
        f"{_short(str(t), 34)} (n = {int(n):,})" for t, n in zip(rows.index, rows["n"], strict=True)
    ]
    ax.set_yticks(np.arange(len(rows)), labels)
    ax.set_xlabel("NPS points: overall NPS minus NPS of those not mentioning it")
    ax.legend(
        [Line2D([], [], color=c, lw=2) for c in (colours[1], colours[0], "0.6")],
        ["costs NPS (interval below 0)", "no clear cost", "fewer than 30 mentions"],
        loc="lower left",
        bbox_to_anchor=(1.0, 0.0),
    )
    if title is None:
        worst = rows.iloc[-1]
        if worst["impact"] < 0:
            title = f"Mentions of “{rows.index[-1]}” cost the NPS {-worst['impact']:.1f} points"
        else:
            title = "No theme pulls the NPS down"
    _set_title(ax, title)
    return ax


@axes_level
def review_comparison(
    table: pd.DataFrame,
    *,
    client: str | None = None,
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """Negative reviews per business with 95 % intervals, the client highlighted, stars noted.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`cxlab.text.compare_businesses` (``n``, ``negative_share``, ``low``,
        ``high``, optionally ``rating``).
    client : str, optional
        The client's business name, drawn in its own colour.
    {ax}
    title : str, optional
        By default: which business has the fewest negative reviews.

    Returns
    -------
    {returns_axes}

    Raises
    ------
    ValueError
        If no business has a share to draw.

    Examples
    --------
    >>> t = pd.DataFrame(
    ...     {
    ...         "n": [100, 80],
    ...         "rating": [4.2, 3.9],
    ...         "negative_share": [0.1, 0.2],
    ...         "low": [0.05, 0.12],
    ...         "high": [0.17, 0.3],
    ...     },
    ...     index=pd.Index(["Us", "Them"], name="business"),
    ... )
    >>> ax = review_comparison(t, client="Us")
    >>> ax.get_title(loc="left")
    'Us has the fewest negative reviews: 10%'
    >>> import matplotlib.pyplot as plt
    >>> plt.close(ax.figure)
    """
    rows = table.dropna(subset=["negative_share"]).sort_values(
        "negative_share", ascending=False, kind="stable"
    )
    if rows.empty:
        raise ValueError("no business has a negative share to draw")
    ax = axes_or_new(ax, figsize=(8.0, max(2.2, 0.5 * len(rows) + 1.2)))
    colours = palette(2)
    for i, (name, row) in enumerate(rows.iterrows()):
        colour = colours[1] if name == client else colours[0]
        ax.plot([row["low"], row["high"]], [i, i], color=colour, lw=3)
        ax.scatter([row["negative_share"]], [i], color=colour, zorder=3, s=40)
    labels = []
    for name, row in rows.iterrows():
        stars = f", {row['rating']:.1f}★" if "rating" in rows and pd.notna(row["rating"]) else ""
        labels.append(f"{name} (n = {int(row['n']):,}{stars})")
    ax.set_yticks(np.arange(len(rows)), labels)
    ax.set_xlabel("negative reviews (95 % interval)")
    _share_axis(ax.xaxis)
    if title is None:
        best, share = rows.index[-1], rows.iloc[-1]["negative_share"]
        title = f"{best} has the fewest negative reviews: {100 * share:.0f}%"
    _set_title(ax, title)
    return ax
