"""The figures of chapter 01 (satisfaction metrics), drawn from :mod:`cxlab.metrics` results.

Three figures teach how a score is read and how far it can be trusted:

* :func:`score_categories` colours each answer by what the score counts (promoters and
  detractors, satisfied answers, low-effort answers);
* :func:`small_surveys` lines up the intervals of many small surveys against the score of all
  answers, to show what a 95 % interval promises;
* :func:`margin_by_sample_size` draws how the margin of error of each score shrinks as the number
  of answers grows, from :func:`cxlab.metrics.margin_curve`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

from cxlab.metrics import (
    METRICS,
    SMALL_N,
    CESScore,
    CSATScore,
    NPSScore,
    Score,
    by_metric,
)
from cxlab.plots._base import METRIC_LABEL, axes_or_new, palette, percent_axis
from cxlab.plots._docs import axes_level, figure_level

__all__ = ["margin_by_sample_size", "score_categories", "small_surveys"]

#: Grey for answers a score does not count.
OTHER = (0.72, 0.72, 0.72)


def _counted(score: Score, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Masks of the scale points a score counts for (positive) and against (negative)."""
    if isinstance(score, NPSScore):
        return points >= 9, points <= 6
    if isinstance(score, CSATScore):
        return points >= score.threshold, np.zeros(len(points), dtype=bool)
    if isinstance(score, CESScore):
        easy = (
            points >= score.easy_threshold
            if score.higher_is_easier
            else points <= score.easy_threshold
        )
        return easy, np.zeros(len(points), dtype=bool)
    raise TypeError(f"no categories for a {type(score).__name__}")


def _range_text(points: np.ndarray) -> str:
    return f"{int(points.min())}–{int(points.max())}" if len(points) else "none"


def _panel_title(score: Score, points: np.ndarray, positive: np.ndarray) -> str:
    if isinstance(score, NPSScore):
        p, d = score.promoters / score.n, score.detractors / score.n
        return f"NPS = {p:.0%} − {d:.0%} = {score.value:.0f}\nn = {score.n:,}"
    if isinstance(score, CSATScore):
        return (
            f"CSAT = {score.value:.0f}% satisfied ({_range_text(points[positive])})\n"
            f"n = {score.n:,}"
        )
    assert isinstance(score, CESScore)
    lo, hi = score.scale
    return (
        f"CES mean {score.value:.2f} ({lo}–{hi})\n{score.low_effort_share:.0%} easy "
        f"({_range_text(points[positive])}), n = {score.n:,}"
    )


def _finding(scores: dict[str, Score]) -> str:
    parts = []
    if "nps" in scores:
        s = scores["nps"]
        assert isinstance(s, NPSScore)
        parts.append(f"{s.promoters / s.n:.0%} promote and {s.detractors / s.n:.0%} detract")
    if "csat" in scores:
        parts.append(f"{scores['csat'].value:.0f}% are satisfied")
    if "ces" in scores:
        s = scores["ces"]
        assert isinstance(s, CESScore)
        parts.append(f"{s.low_effort_share:.0%} found it easy")
    if len(parts) > 1:
        return ", ".join(parts[:-1]) + " and " + parts[-1]
    return parts[0]


@figure_level
def score_categories(
    dist: pd.DataFrame,
    scores: Mapping[str, Score] | Iterable[Score],
    *,
    title: str | None = None,
) -> Figure:
    """One panel per score: the share of answers at each point, coloured by what the score counts.

    Promoters (9–10), satisfied answers and low-effort answers are drawn in the palette's first
    colour, detractors (0–6) in its second, everything the score does not count in grey, so the
    figure shows how each score is read off the answers.

    Parameters
    ----------
    dist : pandas.DataFrame
        Output of :func:`cxlab.overview.score_distributions`.
    scores : mapping or iterable of score results
        Results of :func:`cxlab.metrics.nps`, :func:`~cxlab.metrics.csat` and
        :func:`~cxlab.metrics.ces` for the same answers; a metric is drawn when both its
        distribution and its result are given. Their thresholds and scale direction decide the
        colours.
    title : str, optional
        By default: the shares behind each score ("44% promote and 17% detract, ...").

    Returns
    -------
    {returns_figure}
        Panel titles give each score's calculation and ``n``; bar labels the share in percent.

    Raises
    ------
    ValueError
        If no metric has both a distribution and a result.

    Examples
    --------
    >>> from cxlab import metrics, overview
    >>> answers = pd.DataFrame({"nps": [10, 9, 8, 3], "csat": [5, 4, 2, 4]})
    >>> dist = overview.score_distributions(answers)
    >>> fig = score_categories(dist, [metrics.nps(answers["nps"]), metrics.csat(answers["csat"])])
    >>> fig.get_suptitle()
    '50% promote and 25% detract and 75% are satisfied'
    >>> plt.close(fig)
    """
    results = by_metric(scores)
    metrics = [m for m in dict.fromkeys(dist["metric"]) if m in results]
    if not metrics:
        raise ValueError("no metric has both a distribution and a score result to draw")
    results = {m: results[m] for m in metrics}
    widths = [max(int((dist["metric"] == m).sum()), 3) for m in metrics]
    width = min(9.5, 1.8 + 0.36 * sum(widths))
    fig, axes = plt.subplots(
        1, len(metrics), figsize=(width, 3.4), width_ratios=widths, squeeze=False
    )
    good, bad = palette(2)
    for ax, metric in zip(axes.flat, metrics, strict=True):
        part = dist[dist["metric"] == metric]
        points = part["score"].to_numpy(dtype=float)
        positive, negative = _counted(results[metric], points)
        colours = [
            good if p else bad if q else OTHER for p, q in zip(positive, negative, strict=True)
        ]
        share = part["share"].to_numpy(dtype=float) * 100
        ax.bar(part["score"].astype(int).astype(str), share, color=colours)
        ax.bar_label(ax.containers[0], labels=[f"{v:.0f}" for v in share], padding=1, size=7)
        percent_axis(ax.yaxis)
        ax.set_ylim(0, float(share.max()) * 1.2 + 1)
        ax.set_xlabel(f"{METRIC_LABEL[metric]} answer")
        ax.grid(axis="x", visible=False)
        ax.set_title(_panel_title(results[metric], points, positive), fontsize=9.5)
    axes.flat[0].set_ylabel("Share of answers (%)")
    handles = [Patch(color=good, label="promoters · satisfied · low effort")]
    if "nps" in results:
        handles.append(Patch(color=bad, label="detractors (subtracted)"))
    handles.append(Patch(color=OTHER, label="not counted"))
    fig.legend(handles=handles, loc="outside lower center", ncols=len(handles))
    fig.suptitle(title or _finding(results).capitalize(), x=0.01, ha="left")
    return fig


# --------------------------------------------------------------------------------------------
# uncertainty


def _unit_label(score: Score) -> str:
    if isinstance(score, NPSScore):
        return "NPS (points)"
    if isinstance(score, CSATScore):
        return "CSAT (% satisfied)"
    lo, hi = score.scale if isinstance(score, CESScore) else (0, 0)
    return f"CES (mean on {lo}–{hi})"


def _fmt(score: Score, value: float) -> str:
    digits = 2 if isinstance(score, CESScore) else 0
    return f"{value:.{digits}f}".replace("-", "−")


@axes_level
def small_surveys(
    surveys: pd.DataFrame,
    *,
    reference: Score,
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """Each small survey's score and interval, against the score of all answers.

    Parameters
    ----------
    surveys : pandas.DataFrame
        One row per survey with columns ``value``, ``low``, ``high`` and ``n`` — for example
        the ``to_frame()`` of several :func:`cxlab.metrics.nps` results, concatenated.
    reference : score result
        The score of all the answers the surveys were drawn from; drawn as a line with its
        interval as a band.
    {ax}
    title : str, optional
        By default: how far the surveys' scores spread, and the reference score.

    Returns
    -------
    {returns_axes}
        Intervals that miss the reference score are drawn in the palette's second colour.

    Examples
    --------
    >>> from cxlab import metrics
    >>> small = pd.concat([metrics.nps(a).to_frame() for a in ([10, 9, 3], [8, 9, 10])])
    >>> ax = small_surveys(small, reference=metrics.nps([10, 9, 3, 8, 9, 10]))
    >>> ax.get_title(loc="left")
    '2 surveys of 3 answers: NPS from 33 to 67, all answers 50'
    >>> plt.close(ax.figure)
    """
    if surveys.empty:
        raise ValueError("no surveys to draw: the table is empty")
    n_surveys = len(surveys)
    height = min(6.0, 1.8 + 0.12 * n_surveys)
    ax = axes_or_new(ax, figsize=(7.0, height))
    good, bad = palette(2)
    values = surveys["value"].to_numpy(dtype=float)
    low = surveys["low"].to_numpy(dtype=float)
    high = surveys["high"].to_numpy(dtype=float)
    holds = (low <= reference.value) & (reference.value <= high)
    y = np.arange(1, n_surveys + 1)
    ax.axvspan(reference.low, reference.high, color=OTHER, alpha=0.5, lw=0)
    ax.axvline(reference.value, color="0.25", lw=1.2)
    for mask, colour in ((holds, good), (~holds, bad)):
        if mask.any():
            ax.errorbar(
                values[mask],
                y[mask],
                xerr=[values[mask] - low[mask], high[mask] - values[mask]],
                fmt="o",
                ms=3.5,
                color=colour,
                elinewidth=1.2,
                capsize=2,
            )
    ax.set_ylim(n_surveys + 0.8, 0.2)
    ax.yaxis.set_major_locator(FixedLocator([1, n_surveys] if n_surveys > 1 else [1]))
    ax.set_ylabel("Simulated survey")
    ax.set_xlabel(_unit_label(reference))
    ax.grid(axis="y", visible=False)
    level = f"{reference.confidence:.0%}"
    handles = [
        Line2D([], [], color="0.25", lw=1.2, label=f"all {reference.n:,} answers"),
        Patch(color=OTHER, alpha=0.5, label=f"its {level} interval"),
        Line2D([], [], color=good, marker="o", ms=3.5, label="survey interval holds it"),
    ]
    if (~holds).any():
        handles.append(Line2D([], [], color=bad, marker="o", ms=3.5, label="misses it"))
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncols=len(handles))
    sizes = sorted({int(n) for n in surveys["n"]})
    size = f"{sizes[0]:,}" if len(sizes) == 1 else f"{sizes[0]:,}–{sizes[-1]:,}"
    default = (
        f"{n_surveys} surveys of {size} answers: {reference.label} from "
        f"{_fmt(reference, values.min())} to {_fmt(reference, values.max())}, "
        f"all answers {_fmt(reference, reference.value)}"
    )
    ax.set_title(title or default, loc="left")
    return ax


def _at(curve: pd.DataFrame, n: int) -> float:
    return float(curve.loc[curve["n"] == n, "margin"].iloc[0])


@figure_level
def margin_by_sample_size(
    curve: pd.DataFrame,
    *,
    small_n: int = SMALL_N,
    title: str | None = None,
) -> Figure:
    """How the margin of error of each score falls as answers grow, the client's ``n`` marked.

    Parameters
    ----------
    curve : pandas.DataFrame
        Output of :func:`cxlab.metrics.margin_curve` (with its default sizes, or sizes that include
        ``small_n``).
    small_n : int, default 30
        The sample size marked as small (:data:`cxlab.metrics.SMALL_N`, below which scores carry
        a warning); the default title quotes the margin there.
    title : str, optional
        By default: the first score's margin at ``small_n`` answers and at the client's ``n``.

    Returns
    -------
    {returns_figure}
        One panel per metric, sample size on a logarithmic axis; the NPS and CSAT panels share
        their unit (points) and their vertical axis.

    Examples
    --------
    >>> from cxlab import metrics
    >>> curve = metrics.margin_curve([metrics.nps([10] * 50 + [8] * 30 + [3] * 20)])
    >>> fig = margin_by_sample_size(curve)
    >>> fig.get_suptitle()
    'With 30 answers the NPS is known to ±27 points; with the 100 it rests on, to ±15.1'
    >>> plt.close(fig)
    """
    metrics = list(dict.fromkeys(curve["metric"]))
    if not metrics:
        raise ValueError("no margins to draw: the curve is empty")
    points = [m for m in metrics if m in ("nps", "csat")]
    fig, axes = plt.subplots(
        1, len(metrics), figsize=(min(9.5, 1.2 + 3.1 * len(metrics)), 3.3), squeeze=False
    )
    colours = dict(zip(METRICS, palette(3), strict=True))
    top_points = max(
        (float(curve.loc[curve["metric"] == m, "margin"].max()) for m in points), default=0.0
    )
    ticks = (10, 30, 100, 300, 1000, 3000, 10000, 30000, 100000)
    for ax, metric in zip(axes.flat, metrics, strict=True):
        part = curve[curve["metric"] == metric]
        label = METRIC_LABEL[metric]
        ax.plot(part["n"], part["margin"], color=colours[metric], lw=1.8)
        own = part[part["observed"]]
        if not own.empty:
            n_own, m_own = int(own["n"].iloc[0]), float(own["margin"].iloc[0])
            ax.plot([n_own], [m_own], "o", color=colours[metric], ms=5)
            ax.annotate(
                f"your n = {n_own:,}\n±{m_own:.2f}"
                if metric == "ces"
                else f"your n = {n_own:,}\n±{m_own:.1f}",
                (n_own, m_own),
                xytext=(-2, 10),
                textcoords="offset points",
                ha="right",
                fontsize=8,
            )
        ax.axvline(small_n, color="0.4", lw=0.9, ls="--")
        ax.text(
            small_n,
            0.98,
            f" n = {small_n}",
            transform=ax.get_xaxis_transform(),
            fontsize=8,
            va="top",
        )
        ax.set_xscale("log")
        lo, hi = int(part["n"].min()), int(part["n"].max())
        ax.xaxis.set_major_locator(FixedLocator([t for t in ticks if lo <= t <= hi]))
        ax.xaxis.set_minor_locator(NullLocator())
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:,.0f}"))
        ax.set_xlabel("Answers (log scale)")
        if metric in points:
            ax.set_ylim(0, top_points * 1.08)
            ax.set_ylabel("Margin of error (± points)")
        else:
            ax.set_ylim(0, float(part["margin"].max()) * 1.08)
            ax.set_ylabel("Margin of error (± scale points)")
        ax.set_title(label, fontsize=10)
    if title is None:
        first = curve[curve["metric"] == metrics[0]]
        own = first[first["observed"]]
        label = METRIC_LABEL[metrics[0]]
        unit = " scale points" if metrics[0] == "ces" else " points"
        small_digits, own_digits = (".2f", ".2f") if metrics[0] == "ces" else (".0f", ".1f")
        if (first["n"] == small_n).any() and not own.empty:
            n_own = int(own["n"].iloc[0])
            at_small, at_own = _at(first, small_n), _at(first, n_own)
            title = (
                f"With {small_n} answers the {label} is known to ±{at_small:{small_digits}}"
                f"{unit}; with the {n_own:,} it rests on, to ±{at_own:{own_digits}}"
            )
        else:
            title = "The margin of error shrinks with the square root of the answers"
    fig.suptitle(title, x=0.01, ha="left")
    return fig
