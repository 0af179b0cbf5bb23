"""The figures of chapter 02 (metrics in depth): breakdowns, control charts, NPS groups, drivers.

Each function takes a result of :mod:`cxlab.metrics` or :mod:`cxlab.drivers` — a breakdown or
trend table, an :class:`~cxlab.metrics.NPSGroups`, a :class:`~cxlab.drivers.KeyDrivers` — and
writes its default title from it, so the title states what the data show.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from cxlab.plots._base import METRIC_LABEL, axes_or_new, palette, percent_axis
from cxlab.plots._docs import axes_level, figure_level
from cxlab.present import label, level, term

if TYPE_CHECKING:  # pragma: no cover
    from cxlab.drivers import KeyDrivers
    from cxlab.metrics import NPSGroups

__all__ = ["breakdown_chart", "control_chart", "driver_chart", "nps_group_chart"]

_GREY = (0.62, 0.62, 0.62)
_PERIOD_WORD = {"M": "month", "Q": "quarter", "W": "week", "Y": "year", "D": "day"}


def _axis_label(metric: str, scale: str | None, higher_is_better: bool) -> str:
    span = (scale or "").replace("-", "–")
    if metric == "csat":
        return f"CSAT: satisfied answers (%{', ' + span + ' scale' if span else ''})"
    if metric == "ces":
        direction = "higher = easier" if higher_is_better else "higher = harder"
        return f"CES: mean effort score ({span + ', ' if span else ''}{direction})"
    return "NPS (points, −100 to 100)"


def _fmt(metric: str, value: float) -> str:
    if metric == "csat":
        return f"{value:.0f}%"
    if metric == "nps":
        return f"{value:+.0f}"
    return f"{value:.2f}"


def _set_title(ax: Axes, text: str, *, legend_outside: bool = True) -> None:
    """Set a left-hand title, wrapped to the width the axes leave for it.

    About 13 characters of bold 11-point text fit in an inch; a legend outside on the right
    takes about a fifth of the axes' width.
    """
    width = ax.figure.get_figwidth() * ax.get_position().width * (0.78 if legend_outside else 1)
    ax.set_title(textwrap.fill(text, width=max(30, int(13 * width))), loc="left")


def _period_word(index: pd.Index) -> str:
    freq = getattr(index, "freqstr", None) or ""
    return _PERIOD_WORD.get(freq[:1], "period")


# --------------------------------------------------------------------------------------------
# groups


@axes_level
def breakdown_chart(
    table: pd.DataFrame,
    *,
    ax: Axes | None = None,
    order: Sequence[str] | None = None,
    overall: float | None = None,
    higher_is_better: bool = True,
    title: str | None = None,
) -> Axes:
    """Each group's score with its interval, coloured by whether it differs from the rest.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`cxlab.metrics.breakdown` (its ``attrs`` name the metric and scale).
    {ax}
    order : sequence of str, optional
        Groups from top to bottom (e.g. journey order); groups not listed follow, and listed
        groups not in the table are ignored. Default: the table's order.
    overall : float, optional
        The score of all answers together, drawn as a dashed line.
    higher_is_better : bool, default True
        Direction of the score (False for a CES asked as "how hard was it").
    title : str, optional
        By default: the group that scores worst among those that differ from the rest after
        the multiple-testing adjustment, against the rest; or that no group differs.

    Returns
    -------
    {returns_axes}
        Groups are labelled with their ``n``; masked (too small) groups are listed without a
        score.

    Examples
    --------
    >>> from cxlab import metrics
    >>> r = pd.DataFrame(
    ...     {"touchpoint": ["web"] * 40 + ["store"] * 40, "csat": [5, 4] * 20 + [2, 4] * 20}
    ... )
    >>> ax = breakdown_chart(metrics.breakdown(r, by="touchpoint", metric="csat"))
    >>> " ".join(ax.get_title(loc="left").split())
    'store scores worst: 50% satisfied against 100% for the rest'
    >>> plt.close(ax.figure)
    """
    if table.empty:
        raise ValueError("nothing to draw: the breakdown table has no groups")
    metric = table.attrs.get("metric", "nps")
    labels = [str(g) for g in table.index]
    if order is not None:
        wanted = [str(g) for g in order if str(g) in labels]
        labels = wanted + [g for g in labels if g not in wanted]
    rows = table.set_axis([str(g) for g in table.index]).loc[labels]
    ax = axes_or_new(ax, figsize=(7.0, 0.9 + 0.42 * len(rows)))
    blue, orange = palette(2)
    y = np.arange(len(rows))
    sign = 1 if higher_is_better else -1
    for i, (_, g) in enumerate(rows.iterrows()):
        if g["masked"]:
            continue
        if g["differs"]:
            colour = blue if sign * g["difference"] > 0 else orange
        else:
            colour = _GREY
        low, high = g["low"], g["high"]
        ax.plot([low, high], [i, i], color=colour, lw=2.2, solid_capstyle="round")
        ax.plot([g["value"]], [i], "o", color=colour, ms=7)
    if overall is not None:
        ax.axvline(
            overall, color="0.35", lw=0.9, ls="--", label=f"all answers {_fmt(metric, overall)}"
        )
    ticks = [
        f"{level(name)} (n = {int(n):,})" + (" – too few to score" if masked else "")
        for name, n, masked in zip(labels, rows["n"], rows["masked"], strict=True)
    ]
    ax.set_yticks(y, ticks)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.grid(axis="y", visible=False)
    if metric == "csat":
        percent_axis(ax.xaxis)
    ax.set_xlabel(_axis_label(metric, table.attrs.get("scale"), higher_is_better))
    handles = [
        plt.Line2D([], [], color=c, marker="o", lw=2, label=text)
        for c, text in (
            (blue, "better than the rest"),
            (orange, "worse than the rest"),
            (_GREY, "no clear difference"),
        )
    ]
    if overall is not None:
        handles.append(plt.Line2D([], [], color="0.35", ls="--", label="all answers"))
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), title="95% interval")
    if title is None:
        scored = rows[~rows["masked"] & rows["differs"]]
        worse = scored[sign * scored["difference"] < 0]
        by = term(table.index.name) if table.index.name else "group"
        if worse.empty:
            title = f"No {by} scores clearly worse than the rest once chance is allowed for"
        else:
            worst = (worse["value"] * sign).idxmin()
            g = worse.loc[worst]
            worst = level(worst)
            rest = g["value"] - g["difference"]
            value, other = _fmt(metric, g["value"]), _fmt(metric, rest)
            if metric == "ces":
                title = f"{worst} takes the most effort: mean {value} against {other} for the rest"
            elif metric == "csat":
                title = f"{worst} scores worst: {value} satisfied against {other} for the rest"
            else:
                title = f"{worst} scores worst: NPS {value} against {other} for the rest"
    _set_title(ax, title)
    return ax


# --------------------------------------------------------------------------------------------
# time


@axes_level
def control_chart(
    table: pd.DataFrame,
    *,
    ax: Axes | None = None,
    min_n: int = 1,
    run: int = 8,
    title: str | None = None,
) -> Axes:
    """Score per period with its interval, and the control chart's centre line and limits.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`cxlab.metrics.trend`.
    {ax}
    min_n : int, default 1
        Periods with fewer answers are left out (e.g. the quiet quarters between survey
        waves).
    run : int, default 8
        The longest stretch of consecutive periods on one side of the centre line is marked
        when it is at least this long — the Western Electric rule for a sustained shift, which
        points inside the limits can hide; 0 turns the rule off.
    title : str, optional
        By default: the periods outside the control limits, or else a run of ``run`` or more
        periods on one side of the centre line, or that neither occurs.

    Returns
    -------
    {returns_axes}

    Examples
    --------
    >>> from cxlab import metrics
    >>> r = pd.DataFrame(
    ...     {
    ...         "date": pd.to_datetime(["2024-01-10"] * 50 + ["2024-02-10"] * 50),
    ...         "csat": [5, 4, 2, 5, 4] * 20,
    ...     }
    ... )
    >>> ax = control_chart(metrics.trend(r, metric="csat"))
    >>> " ".join(ax.get_title(loc="left").split())
    'Every month stays inside the control limits: no single month stands out'
    >>> plt.close(ax.figure)
    """
    metric = table.attrs.get("metric", "nps")
    shown = table[table["n"] >= max(int(min_n), 1)]
    if shown.empty:
        raise ValueError(f"no period has at least {min_n} answers")
    ax = axes_or_new(ax)
    blue, orange = palette(2)
    x = np.arange(len(shown))
    labels = [str(p) for p in shown.index]
    ax.fill_between(
        x,
        shown["lcl"],
        shown["ucl"],
        step="mid",
        color=blue,
        alpha=0.10,
        lw=0,
        label="control limits (±3σ)",
    )
    ax.step(x, shown["lcl"], where="mid", color=blue, lw=0.8, alpha=0.6)
    ax.step(x, shown["ucl"], where="mid", color=blue, lw=0.8, alpha=0.6)
    ax.axhline(float(shown["centre"].iloc[0]), color="0.35", lw=0.9, ls="--", label="centre line")
    ax.errorbar(
        x,
        shown["value"],
        yerr=[shown["value"] - shown["low"], shown["high"] - shown["value"]],
        fmt="o-",
        ms=4,
        lw=1.2,
        elinewidth=0.8,
        capsize=0,
        color=blue,
        ecolor=(*blue, 0.45),
        label="score and 95% interval",
    )
    out = shown["outside"].to_numpy(dtype=bool)
    if out.any():
        ax.plot(
            x[out],
            shown["value"][out],
            "o",
            ms=9,
            mfc="none",
            mec=orange,
            mew=2,
            label="outside the limits",
        )
    longest = _longest_run(shown["value"].to_numpy(dtype=float), float(shown["centre"].iloc[0]))
    marked = run > 0 and longest[1] - longest[0] >= run
    if marked:
        first, stop, side = longest
        ax.axvspan(
            first - 0.4,
            stop - 0.6,
            color=orange,
            alpha=0.12,
            lw=0,
            label=f"{stop - first} in a row {side} the centre",
        )
    step = max(1, int(np.ceil(len(x) / 12)))
    ax.set_xticks(
        x[::step],
        labels[::step],
        rotation=0 if len(x) <= 8 else 45,
        ha="center" if len(x) <= 8 else "right",
    )
    word = _period_word(table.index)
    ax.set_xlabel(word.capitalize())
    ax.set_ylabel(_axis_label(metric, table.attrs.get("scale"), True).split(" (")[0])
    if metric == "csat":
        percent_axis(ax.yaxis)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    if title is None:
        if out.any():
            periods = [labels[i] for i in np.flatnonzero(out)]
            centre = float(shown["centre"].iloc[0])
            sides = {
                "above" if shown["value"].iloc[i] > centre else "below" for i in np.flatnonzero(out)
            }
            side = sides.pop() if len(sides) == 1 else "outside"
            listed = ", ".join(periods[:3]) + (" …" if len(periods) > 3 else "")
            noun = word if len(periods) == 1 else f"{word}s"
            verb = "falls" if len(periods) == 1 else "fall"
            title = f"{len(periods)} {noun} {verb} {side} the control limits: {listed}"
        elif marked:
            first, stop, side = longest
            title = (
                f"No {word} leaves the control limits, but {stop - first} in a row sit {side} "
                f"the centre line ({labels[first]} to {labels[stop - 1]}): a sustained shift"
            )
        else:
            title = f"Every {word} stays inside the control limits: no single {word} stands out"
    _set_title(ax, title)
    return ax


def _longest_run(values: np.ndarray, centre: float) -> tuple[int, int, str]:
    """Return ``(start, stop, side)`` of the longest run of values on one side of ``centre``.

    Values exactly on the centre line or missing break a run.
    """
    best = (0, 0, "above")
    start = 0
    for i in range(1, len(values) + 1):
        same = (
            i < len(values) and np.sign(values[i] - centre) == np.sign(values[start] - centre) != 0
        )
        if not same:
            if np.sign(values[start] - centre) != 0 and i - start > best[1] - best[0]:
                best = (start, i, "above" if values[start] > centre else "below")
            start = i
    return best


# --------------------------------------------------------------------------------------------
# NPS groups

_GROUP_LABEL = {
    "detractor": "detractors (0–6)",
    "passive": "passives (7–8)",
    "promoter": "promoters (9–10)",
}


def _group_colours() -> dict[str, tuple[float, float, float]]:
    blue, orange = palette(2)
    return {"detractor": orange, "passive": _GREY, "promoter": blue}


def _distinctive_attribute(profile: pd.DataFrame) -> str:
    """Return the attribute with the widest promoter–detractor gap in any of its values."""
    gaps = profile["gap"].abs().groupby(level="attribute", sort=False).max()
    return str(gaps.idxmax())


@figure_level
def nps_group_chart(
    groups: NPSGroups,
    *,
    attribute: str | None = None,
    title: str | None = None,
) -> Figure:
    """Shares of promoters, passives and detractors, and who is over-represented among them.

    Parameters
    ----------
    groups : cxlab.metrics.NPSGroups
        Output of :func:`cxlab.metrics.nps_groups`.
    attribute : str, optional
        Attribute of the profile to draw in the second panel. Default: the one whose values
        split promoters and detractors most (largest absolute ``gap``). No second panel when
        the groups carry no profile.
    title : str, optional
        By default: the shares of promoters and detractors and the NPS they give.

    Returns
    -------
    {returns_figure}

    Examples
    --------
    >>> from cxlab import metrics
    >>> r = pd.DataFrame({"nps": [10, 9, 9, 8, 7, 3, 2, 10]})
    >>> fig = nps_group_chart(metrics.nps_groups(r))
    >>> fig.get_suptitle()
    '50% promoters, 25% detractors: NPS +25 from 8 answers'
    >>> plt.close(fig)
    """
    counts = groups.counts
    profile = groups.profile
    two = profile is not None and not profile.empty
    fig, axes = plt.subplots(
        1,
        2 if two else 1,
        figsize=(9.0, 3.0) if two else (6.0, 2.4),
        squeeze=False,
        width_ratios=[1, 1.25] if two else None,
    )
    colours = _group_colours()
    ax = axes[0, 0]
    names = list(counts.index)
    ax.barh(
        [_GROUP_LABEL.get(g, g) for g in names],
        100 * counts["share"],
        color=[colours.get(g, _GREY) for g in names],
    )
    ax.bar_label(
        ax.containers[0],
        labels=[f"{n:,} ({s:.0%})" for n, s in zip(counts["n"], counts["share"], strict=True)],
        padding=3,
        size=8,
    )
    ax.invert_yaxis()
    ax.set_xlim(0, max(100 * float(counts["share"].max()) * 1.35, 5))
    percent_axis(ax.xaxis)
    ax.set_xlabel("Share of NPS answers (%)")
    ax.grid(axis="y", visible=False)
    ax.set_title("The three groups", fontsize=10)
    if two:
        assert profile is not None
        name = attribute or _distinctive_attribute(profile)
        part = profile.loc[name]
        ax2 = axes[0, 1]
        y = np.arange(len(part))
        height = 0.38
        for offset, group in ((-height / 2, "promoter"), (height / 2, "detractor")):
            ax2.barh(
                y + offset,
                100 * part[group],
                height=height,
                color=colours[group],
                label=_GROUP_LABEL[group],
            )
        ax2.set_yticks(y, [level(v) for v in part.index])
        ax2.invert_yaxis()
        percent_axis(ax2.xaxis)
        ax2.set_xlabel("Share of the group's answers (%)")
        ax2.grid(axis="y", visible=False)
        ax2.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
        widest = part["gap"].idxmin()  # the value most over-represented among detractors
        row = part.loc[widest]
        ax2.set_title(
            f"{label(name)} {level(widest)}: {row['detractor']:.0%} of detractors, "
            f"{row['promoter']:.0%} of promoters",
            fontsize=10,
        )
    total = int(counts["n"].sum())
    p = float(counts.loc["promoter", "share"]) if "promoter" in counts.index else 0.0
    d = float(counts.loc["detractor", "share"]) if "detractor" in counts.index else 0.0
    default = (
        f"{p:.0%} promoters, {d:.0%} detractors: NPS {100 * (p - d):+.0f} from {total:,} answers"
    )
    fig.suptitle(title or default, x=0.01, ha="left")
    return fig


# --------------------------------------------------------------------------------------------
# key drivers


@figure_level
def driver_chart(result: KeyDrivers, *, title: str | None = None) -> Figure:
    """Relative weights with their intervals, and the importance × performance quadrant.

    Parameters
    ----------
    result : cxlab.drivers.KeyDrivers
        Output of :func:`cxlab.drivers.key_drivers`.
    title : str, optional
        By default: the most important driver, its share of the explained variation, R² and n.

    Returns
    -------
    {returns_figure}
        Left: rescaled weights (percent of R²) with bootstrap intervals, most important on top.
        Right: importance against performance (mean item score), cut at the drivers' means,
        with the quadrant names in the corners. The performance axis spans at least half a
        scale point, so that small differences between items do not look large.

    Examples
    --------
    >>> from cxlab import drivers
    >>> rng = np.random.default_rng(0)
    >>> items = pd.DataFrame(rng.integers(1, 6, size=(200, 3)), columns=["a", "b", "c"])
    >>> items["nps"] = (2 * items["a"] + items["b"] + rng.normal(0, 1, 200)).clip(0, 10)
    >>> kd = drivers.key_drivers(items, outcome="nps", drivers=["a", "b", "c"], n_boot=50)
    >>> fig = driver_chart(kd)
    >>> fig.get_suptitle().startswith("A carries")
    True
    >>> plt.close(fig)
    """
    table = result.table
    fig, (left, right) = plt.subplots(1, 2, figsize=(9.5, 0.9 + max(2.6, 0.5 * len(table))))
    colours = dict(
        zip(
            ("fix first", "keep up", "possible overkill", "low priority"),
            (palette(2)[1], palette(1)[0], palette(3)[2], _GREY),
            strict=True,
        )
    )
    names = [label(str(d)) for d in table.index]
    y = np.arange(len(table))
    weights = table["rescaled_weight"].to_numpy(dtype=float)
    low = table["rescaled_low"].to_numpy(dtype=float)
    high = table["rescaled_high"].to_numpy(dtype=float)
    left.barh(y, weights, color=palette(1)[0], alpha=0.85)
    if np.isfinite(low).all():
        left.errorbar(
            weights,
            y,
            xerr=[weights - low, high - weights],
            fmt="none",
            ecolor="0.2",
            elinewidth=1,
            capsize=3,
        )
    left.set_yticks(y, names)
    left.invert_yaxis()
    left.grid(axis="y", visible=False)
    percent_axis(left.xaxis)
    left.set_xlabel("Share of explained variation (% of R²)")
    left.set_title("Relative weight, 95% bootstrap interval", fontsize=10)

    perf = table["performance"].to_numpy(dtype=float)
    quads = [str(q) for q in table["quadrant"]]
    for x, w, q in zip(perf, weights, quads, strict=True):
        right.plot(x, w, "o", ms=8, color=colours.get(q, _GREY))
    for x, w, name in zip(perf, weights, names, strict=True):
        right.annotate(name, (x, w), xytext=(5, 4), textcoords="offset points", fontsize=8)
    centre_x, centre_y = float(perf.mean()), float(weights.mean())
    half = max(0.6 * float(perf.max() - perf.min()), 0.25)
    right.set_xlim(centre_x - half, centre_x + half)
    right.set_ylim(0, max(float(weights.max()) * 1.2, centre_y * 2))
    right.axvline(centre_x, color="0.45", lw=0.8, ls="--")
    right.axhline(centre_y, color="0.45", lw=0.8, ls="--")
    corner = {"fontsize": 8, "color": "0.35", "style": "italic"}
    right.text(0.02, 0.97, "fix first", transform=right.transAxes, va="top", **corner)
    right.text(0.98, 0.97, "keep up", transform=right.transAxes, va="top", ha="right", **corner)
    right.text(0.98, 0.03, "possible overkill", transform=right.transAxes, ha="right", **corner)
    right.text(0.02, 0.03, "low priority", transform=right.transAxes, **corner)
    right.set_xlabel("Performance: mean score of the item")
    right.set_ylabel("Importance (% of R²)")
    right.set_title("Importance × performance", fontsize=10)
    top = table.iloc[0]
    default = (
        f"{names[0]} carries {top['rescaled_weight']:.0f}% of the explained variation in "
        f"{METRIC_LABEL.get(result.outcome, result.outcome)} (R² {result.r2:.2f}, "
        f"n = {result.n:,})"
    )
    fig.suptitle(title or default, x=0.01, ha="left")
    return fig
