"""The figures of chapter 04 (segmentation and personalization), from :mod:`cxlab.segmentation`.

Each function takes a result of the segmentation module — an RFM table, spend per customer, the
``scores_`` of a :class:`~cxlab.segmentation.MicroSegmenter`, a segment profile, the table of
:func:`~cxlab.segmentation.satisfaction_by_segment` — and writes its default title from it, so
the title states what the data show:

* :func:`rfm_grid` counts customers in each cell of the recency × frequency grid;
* :func:`segment_value` sets each segment's share of customers against its share of revenue;
* :func:`pareto_curve` draws the cumulative share of revenue against the share of customers;
* :func:`k_choice` shows the silhouette and stability behind the chosen number of segments;
* :func:`profile_heatmap` shows how each segment differs from all customers, feature by feature;
* :func:`segment_satisfaction` puts each segment's score and interval side by side.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.colors import TwoSlopeNorm
from matplotlib.lines import Line2D

from cxlab.plots._base import METRIC_LABEL, axes_or_new, palette, percent_axis
from cxlab.plots._docs import axes_level
from cxlab.present import number

__all__ = [
    "k_choice",
    "pareto_curve",
    "profile_heatmap",
    "rfm_grid",
    "segment_satisfaction",
    "segment_value",
]

_GREY = (0.62, 0.62, 0.62)


def _set_title(ax: Axes, text: str) -> None:
    """Set a left-hand title, wrapped to the figure's width (about 13 bold characters an inch)."""
    width = ax.figure.get_figwidth()
    ax.set_title(textwrap.fill(text, width=max(40, int(13 * width))), loc="left")


def _feature(name: str) -> str:
    return name.removeprefix("category:").removeprefix("channel:").replace("_", " ")


def _pct(share: float) -> str:
    return f"{100 * share:.0f}%"


@axes_level
def rfm_grid(table: pd.DataFrame, *, ax: Axes | None = None, title: str | None = None) -> Axes:
    """Heat-map of customers in each cell of the recency × frequency score grid.

    Rows are recency scores (5, the most recent, on top), columns frequency scores; each cell
    is annotated with its number of customers.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`cxlab.segmentation.rfm` (``r_score`` and ``f_score`` columns).
    {ax}
    title : str, optional
        By default: the share of customers who bought both recently and often (R and F
        scores in the top two of the grid).

    Returns
    -------
    {returns_axes}

    Examples
    --------
    >>> t = pd.DataFrame({"r_score": [5, 5, 1, 2], "f_score": [5, 4, 1, 1]})
    >>> ax = rfm_grid(t)
    >>> " ".join(ax.get_title(loc="left").split())
    '50% of customers bought recently and often (R and F scores 4–5)'
    >>> import matplotlib.pyplot as plt
    >>> plt.close(ax.figure)
    """
    bins = int(max(table["r_score"].max(), table["f_score"].max(), 2))
    grid = (
        pd.crosstab(table["r_score"], table["f_score"])
        .reindex(index=range(bins, 0, -1), columns=range(1, bins + 1), fill_value=0)
        .astype(int)
    )
    ax = axes_or_new(ax, figsize=(5.6, 4.0))
    image = ax.imshow(grid.to_numpy(), cmap="Blues", aspect="auto")
    peak = grid.to_numpy().max()
    for i, r in enumerate(grid.index):
        for j, f in enumerate(grid.columns):
            n = int(grid.loc[r, f])
            ax.text(
                j, i, f"{n:,}", ha="center", va="center", fontsize=9,
                color="white" if peak and n > 0.6 * peak else "black",
            )  # fmt: skip
    ax.set_xticks(range(bins), [str(c) for c in grid.columns])
    ax.set_yticks(range(bins), [str(r) for r in grid.index])
    ax.set_xlabel(f"frequency score (1 = fewest orders, {bins} = most)")
    ax.set_ylabel(f"recency score ({bins} = most recent)")
    ax.grid(False)
    ax.figure.colorbar(image, ax=ax, label="customers", shrink=0.85)
    if title is None:
        top = bins - 1
        share = ((table["r_score"] >= top) & (table["f_score"] >= top)).mean()
        title = (
            f"{_pct(share)} of customers bought recently and often (R and F scores {top}–{bins})"
        )
    _set_title(ax, title)
    return ax


def _value_shares(
    table: pd.DataFrame, segment: str, value: str, order: Sequence | None
) -> pd.DataFrame:
    grouped = table.groupby(segment, observed=True)[value].agg(["size", "sum"])
    out = pd.DataFrame(
        {
            "customers": grouped["size"] / grouped["size"].sum(),
            "revenue": grouped["sum"] / grouped["sum"].sum(),
        }
    )
    if order is not None:
        out = out.reindex([s for s in order if s in out.index])
    else:
        out = out.sort_values("revenue", ascending=False)
    return out


@axes_level
def segment_value(
    table: pd.DataFrame,
    *,
    segment: str = "segment",
    value: str = "monetary",
    order: Sequence | None = None,
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """Each segment's share of customers next to its share of revenue.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per customer with a segment and a value column, e.g. the output of
        :func:`cxlab.segmentation.rfm` or the ``segments`` of a value segmentation.
    segment, value : str
        Column names.
    order : sequence, optional
        Segments in the order to draw (default: largest share of revenue first).
    {ax}
    title : str, optional
        By default: the segment with the largest share of revenue, with both shares.

    Returns
    -------
    {returns_axes}

    Examples
    --------
    >>> t = pd.DataFrame({"segment": ["a", "a", "b", "b"], "monetary": [90.0, 60, 30, 20]})
    >>> ax = segment_value(t)
    >>> " ".join(ax.get_title(loc="left").split())
    'a: 50% of customers bring 75% of revenue'
    >>> import matplotlib.pyplot as plt
    >>> plt.close(ax.figure)
    """
    shares = _value_shares(table, segment, value, order)
    ax = axes_or_new(ax, figsize=(7.0, max(2.4, 0.36 * len(shares) + 1.2)))
    y = np.arange(len(shares))
    colours = palette(2)
    ax.barh(y - 0.2, 100 * shares["customers"], height=0.4, color=colours[0], label="customers")
    ax.barh(y + 0.2, 100 * shares["revenue"], height=0.4, color=colours[1], label="revenue")
    ax.set_yticks(y, [str(s) for s in shares.index])
    ax.invert_yaxis()
    percent_axis(ax.xaxis)
    ax.set_xlabel("share of all customers / of net revenue (%)")
    ax.legend(loc="lower right")
    if title is None:
        best = shares["revenue"].idxmax()
        title = (
            f"{best}: {_pct(shares.loc[best, 'customers'])} of customers bring "
            f"{_pct(shares.loc[best, 'revenue'])} of revenue"
        )
    _set_title(ax, title)
    return ax


@axes_level
def pareto_curve(
    spend: pd.Series,
    *,
    mark: float = 0.2,
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """Cumulative share of revenue against the share of customers, best customers first.

    Parameters
    ----------
    spend : pandas.Series
        Net spend per customer (buyers only, e.g. ``rfm(...)["monetary"]``).
    mark : float, default 0.2
        Share of customers marked on the curve: the first ``ceil(mark × n)`` customers, as
        in :func:`cxlab.segmentation.value_segments`.
    {ax}
    title : str, optional
        By default: the share of revenue of the marked customers.

    Returns
    -------
    {returns_axes}

    Raises
    ------
    ValueError
        If the spend adds up to zero or less.

    Examples
    --------
    >>> ax = pareto_curve(pd.Series([500.0, 300, 60, 40, 30, 25, 20, 10, 10, 5]))
    >>> " ".join(ax.get_title(loc="left").split())
    'The top 20% of customers bring 80% of revenue'
    >>> import matplotlib.pyplot as plt
    >>> plt.close(ax.figure)
    """
    values = pd.Series(spend, dtype="float64").dropna().sort_values(ascending=False)
    total = values.sum()
    if len(values) == 0 or total <= 0:
        raise ValueError("the spend adds up to zero or less: no Pareto curve to draw")
    n = len(values)
    x = np.concatenate([[0.0], np.arange(1, n + 1) / n])
    y = np.concatenate([[0.0], values.cumsum().to_numpy() / total])
    top = math.ceil(mark * n)
    share = y[top]
    ax = axes_or_new(ax, figsize=(5.6, 3.8))
    colours = palette(2)
    ax.plot(100 * x, 100 * y, color=colours[0], lw=2, label="customers, best first")
    ax.plot([0, 100], [0, 100], color=_GREY, ls="--", lw=1, label="everyone spends the same")
    ax.plot([100 * top / n] * 2, [0, 100 * share], color=colours[1], lw=1, ls=":")
    ax.plot([0, 100 * top / n], [100 * share] * 2, color=colours[1], lw=1, ls=":")
    ax.scatter([100 * top / n], [100 * share], color=colours[1], zorder=3)
    ax.set_xlim(0, 100)
    ax.set_ylim(0, 100)
    percent_axis(ax.xaxis)
    percent_axis(ax.yaxis)
    ax.set_xlabel("share of customers, highest spend first (%)")
    ax.set_ylabel("cumulative share of net revenue (%)")
    ax.legend(loc="lower right")
    if title is None:
        title = f"The top {_pct(mark)} of customers bring {_pct(share)} of revenue"
    _set_title(ax, title)
    return ax


@axes_level
def k_choice(
    scores: pd.DataFrame,
    *,
    min_stability: float = 0.8,
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """Silhouette and stability of each candidate number of segments, the choice marked.

    Parameters
    ----------
    scores : pandas.DataFrame
        ``MicroSegmenter.scores_``: indexed by ``k``, with ``silhouette``, ``stability`` and
        ``chosen``.
    min_stability : float, default 0.8
        The stability a ``k`` needed to be chosen (drawn as a dashed line).
    {ax}
    title : str, optional
        By default: the chosen ``k`` and why it was chosen.

    Returns
    -------
    {returns_axes}

    Examples
    --------
    >>> s = pd.DataFrame(
    ...     {
    ...         "silhouette": [0.4, 0.5, 0.45],
    ...         "stability": [1.0, 0.95, 0.6],
    ...         "chosen": [False, True, False],
    ...     },
    ...     index=pd.Index([2, 3, 4], name="k"),
    ... )
    >>> ax = k_choice(s)
    >>> " ".join(ax.get_title(loc="left").split())
    'k = 3: the best silhouette (0.50) among the stable solutions'
    >>> import matplotlib.pyplot as plt
    >>> plt.close(ax.figure)
    """
    ax = axes_or_new(ax, figsize=(6.0, 3.4))
    colours = palette(3)
    ks = scores.index.to_numpy()
    ax.plot(ks, scores["silhouette"], marker="o", color=colours[0], label="silhouette")
    ax.plot(ks, scores["stability"], marker="s", color=colours[1], label="stability (ARI)")
    ax.axhline(min_stability, color=colours[1], ls="--", lw=1)
    chosen = scores.index[scores["chosen"].astype(bool)]
    k = int(chosen[0]) if len(chosen) else int(scores["silhouette"].idxmax())
    ax.axvline(k, color=_GREY, lw=6, alpha=0.35, zorder=0)
    ax.set_xticks(ks)
    ax.set_xlabel("number of segments k")
    ax.set_ylabel("score (higher is better)")
    ax.set_ylim(min(0.0, float(scores[["silhouette", "stability"]].min().min())) - 0.02, 1.05)
    handles, labels = ax.get_legend_handles_labels()
    handles += [
        Line2D([], [], color=colours[1], ls="--", lw=1),
        Line2D([], [], color=_GREY, lw=6, alpha=0.35),
    ]
    labels += [f"stability needed ({min_stability:g})", "chosen k"]
    ax.legend(handles, labels, loc="center left", bbox_to_anchor=(1.0, 0.5))
    if title is None:
        stable = bool(scores.loc[k, "stability"] >= min_stability)
        title = (
            f"k = {k}: the best silhouette ({scores.loc[k, 'silhouette']:.2f}) among the "
            "stable solutions"
            if stable
            else f"k = {k}: the most stable solution (none reached {min_stability:g})"
        )
    _set_title(ax, title)
    return ax


@axes_level
def profile_heatmap(
    profile: pd.DataFrame,
    *,
    features: Sequence[str] | None = None,
    names: pd.Series | dict | None = None,
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """How each segment differs from all customers: each feature's mean against the average.

    Cells show the ratio of the segment's mean to the mean of all customers (1× = typical),
    coloured on a log scale: above the average in the palette's warm colour, below in blue.

    Parameters
    ----------
    profile : pandas.DataFrame
        Output of :func:`cxlab.segmentation.profile` (``n`` and ``<feature> vs all`` columns;
        the ``all`` row is left out).
    features : sequence of str, optional
        Features to show (default: every ``vs all`` column).
    names : pandas.Series or dict, optional
        Plain-language name of each segment, e.g. from
        :func:`cxlab.segmentation.name_segments`.
    {ax}
    title : str, optional
        By default: the segment and feature furthest from the average.

    Returns
    -------
    {returns_axes}

    Examples
    --------
    >>> p = pd.DataFrame({"n": [2, 2, 4], "spend vs all": [0.3, 1.7, 1.0]}, index=["a", "b", "all"])
    >>> ax = profile_heatmap(p)
    >>> " ".join(ax.get_title(loc="left").split())
    'Segment a differs most: spend 0.3× the average'
    >>> import matplotlib.pyplot as plt
    >>> plt.close(ax.figure)
    """
    rows = profile.drop(index="all", errors="ignore")
    if features is None:
        features = [c.removesuffix(" vs all") for c in rows.columns if c.endswith(" vs all")]
    ratios = rows[[f"{f} vs all" for f in features]].astype("float64")
    ratios.columns = list(features)
    names = dict(names) if names is not None else {}
    labels = [
        textwrap.fill(f"{names.get(s, s)} (n = {int(rows.loc[s, 'n']):,})", width=30)
        for s in rows.index
    ]
    many = len(features) > 8  # narrower cells: smaller numbers, steeper feature names
    logged = np.log2(ratios.clip(lower=1 / 16, upper=16)).to_numpy()
    span = max(float(np.nanmax(np.abs(logged))) if np.isfinite(logged).any() else 1.0, 0.5)
    ax = axes_or_new(ax, figsize=(min(9.0, 3.6 + 1.0 * len(features)), 0.5 * len(rows) + 1.8))
    image = ax.imshow(logged, cmap="RdBu_r", norm=TwoSlopeNorm(0.0, -span, span), aspect="auto")
    for i in range(len(rows)):
        for j in range(len(features)):
            value = ratios.iat[i, j]
            text = "–" if not np.isfinite(value) else f"{value:.1f}×"
            dark = np.isfinite(logged[i, j]) and abs(logged[i, j]) > 0.6 * span
            ax.text(j, i, text, ha="center", va="center", fontsize=6.5 if many else 9,
                    color="white" if dark else "black")  # fmt: skip
    ax.set_xticks(
        range(len(features)),
        [_feature(f) for f in features],
        rotation=45 if many else 30,
        ha="right" if many else "center",
    )
    ax.set_yticks(range(len(rows)), labels)
    ax.set_xlabel("segment mean ÷ mean of all customers")
    ax.grid(False)
    ax.figure.colorbar(image, ax=ax, label="log2 of the ratio", shrink=0.85)
    if title is None:
        distance = np.abs(np.nan_to_num(logged))
        i, j = np.unravel_index(int(np.argmax(distance)), distance.shape)
        segment = rows.index[i]
        title = (
            f"{'Segment ' if segment not in names else ''}{names.get(segment, segment)} differs "
            f"most: {_feature(features[j])} {ratios.iat[i, j]:.1f}× the average"
        )
    ax.set_title(textwrap.fill(title, width=70), loc="left")  # the plot area, not the labels
    return ax


@axes_level
def segment_satisfaction(
    table: pd.DataFrame,
    *,
    metric: str = "nps",
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """Each segment's score with its interval; segments significantly below the rest stand out.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`cxlab.segmentation.satisfaction_by_segment`.
    metric : {"nps", "csat"}, default "nps"
    {ax}
    title : str, optional
        By default: the segment with the lowest score, and whether it is significantly below
        the others.

    Returns
    -------
    {returns_axes}

    Raises
    ------
    ValueError
        If no segment has a score for ``metric``.

    Examples
    --------
    >>> t = pd.DataFrame(
    ...     {
    ...         "nps_n": [30, 30],
    ...         "nps": [-100.0, 100.0],
    ...         "nps_low": [-100.0, 90.0],
    ...         "nps_high": [-90.0, 100.0],
    ...         "nps_difference": [-200.0, 200.0],
    ...         "nps_p_adjusted": [0.0, 0.0],
    ...         "unhappy": [True, False],
    ...     },
    ...     index=pd.Index(["at risk", "champions"], name="segment"),
    ... )
    >>> ax = segment_satisfaction(t)
    >>> " ".join(ax.get_title(loc="left").split())
    'at risk is the least satisfied: NPS −100 (n = 30), significantly below the rest'
    >>> import matplotlib.pyplot as plt
    >>> plt.close(ax.figure)
    """
    rows = table.dropna(subset=[metric]).sort_values(metric)
    if rows.empty:
        raise ValueError(f"no segment has a {metric} score to draw")
    label = METRIC_LABEL.get(metric, metric)
    ax = axes_or_new(ax, figsize=(9.0, max(2.4, 0.36 * len(rows) + 1.4)))
    colours = palette(2)
    low_p = (
        rows[f"{metric}_p_adjusted"].lt(0.05) & rows[f"{metric}_difference"].lt(0)
        if f"{metric}_p_adjusted" in rows
        else pd.Series(False, index=rows.index)
    )
    y = np.arange(len(rows))
    for i, (segment, row) in enumerate(rows.iterrows()):
        colour = colours[1] if low_p[segment] else colours[0]
        ax.plot([row[f"{metric}_low"], row[f"{metric}_high"]], [i, i], color=colour, lw=2)
        ax.scatter([row[metric]], [i], color=colour, zorder=3)
    names = [
        textwrap.fill(f"{s} (n = {int(n):,})", width=30)  # long segment names wrap, not squeeze
        for s, n in zip(rows.index, rows[f"{metric}_n"], strict=True)
    ]
    ax.set_yticks(y, names)
    ax.set_xlabel(
        "NPS (points, −100 to 100)" if metric == "nps" else f"{label}: satisfied answers (%)"
    )
    ax.legend(
        [Line2D([], [], color=colours[1], lw=2), Line2D([], [], color=colours[0], lw=2)],
        ["significantly below the rest", "not significantly below"],
        loc="lower right",
    )
    if title is None:
        worst = rows.index[0]
        value = rows.loc[worst, metric]
        shown = number(value, 0) if metric == "nps" else f"{value:.0f}%"
        verdict = (
            "significantly below the rest"
            if low_p[worst]
            else "but not significantly below the rest"
        )
        title = (
            f"{worst} is the least satisfied: {label} {shown} "
            f"(n = {int(rows.loc[worst, f'{metric}_n']):,}), {verdict}"
        )
    ax.set_title(textwrap.fill(title, width=70), loc="left")  # the plot area, not the labels
    return ax
