"""The figures of chapter 03 (journey mapping), drawn from :mod:`cxlab.journey` results.

Each function takes a result of :mod:`cxlab.journey` — a :class:`~cxlab.journey.JourneyMap`, a
funnel, transitions, variants, durations or health table — and writes its default title from
it, so the title states what the data show. Nothing here computes a score or an interval: the
figures only place what the analytics returned. The flow diagram is drawn with matplotlib
rather than Graphviz, so the suite needs no system package to show it.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.colors import Normalize, TwoSlopeNorm
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch, Rectangle
from matplotlib.ticker import FixedLocator, NullLocator, PercentFormatter

from cxlab.journey import format_duration
from cxlab.plots._base import METRIC_LABEL, axes_or_new, palette, percent_axis
from cxlab.plots._docs import axes_level, figure_level

if TYPE_CHECKING:  # pragma: no cover
    from cxlab.journey import JourneyMap

__all__ = [
    "DURATIONS_MAX_ROWS",
    "FLOW_MAX_STAGES",
    "FLOW_MIN_SHARE",
    "FUNNEL_MAX_STAGES",
    "OTHER_STAGES",
    "PATH_MAX_STEPS",
    "flow_diagram",
    "funnel_chart",
    "health_chart",
    "journey_heatmap",
    "stage_durations",
    "variants_chart",
]

_GREY = (0.62, 0.62, 0.62)
_EMPTY = (0.93, 0.93, 0.93)
_PERIOD_WORD = {"M": "month", "Q": "quarter", "W": "week", "Y": "year", "D": "day"}


def _label(name: object) -> str:
    """Write a stage or touchpoint name as words (``order_confirmation``: order confirmation)."""
    return str(name).replace("_", " ")


def _fmt(metric: str, value: float) -> str:
    if metric == "csat":
        return f"{value:.0f}%"
    if metric == "nps":
        return f"{value:+.0f}"
    return f"{value:.2f}"


def _metric_axis(metric: str, higher_is_better: bool) -> str:
    if metric == "csat":
        return "CSAT (% satisfied)"
    if metric == "ces":
        return "CES (mean, " + ("higher = easier)" if higher_is_better else "higher = harder)")
    return "NPS (points)"


def _wrap(text: str, width: int) -> str:
    return textwrap.fill(text, width=width, break_on_hyphens=False)


def _suptitle(fig: Figure, text: str) -> None:
    width = int(9.5 * fig.get_figwidth())
    fig.suptitle(_wrap(text[:1].upper() + text[1:], width), x=0.01, ha="left")


def _set_title(ax: Axes, text: str) -> None:
    """Set a left-hand title wrapped to the axes' width once tick labels have taken their share."""
    engine = ax.figure.get_layout_engine()
    if engine is not None:
        engine.execute(ax.figure)
    width = ax.figure.get_figwidth() * ax.get_position().width
    ax.set_title(_wrap(text[:1].upper() + text[1:], max(36, int(11 * width))), loc="left")


def _stage_order(names: Sequence[str], stages: Sequence[str] | None) -> list[str]:
    seen = list(dict.fromkeys(str(s) for s in names))
    if stages is None:
        return seen
    wanted = [str(s) for s in stages]
    return wanted + [s for s in seen if s not in wanted]


# --------------------------------------------------------------------------------------------
# the journey map


@figure_level
def journey_heatmap(
    jmap: JourneyMap,
    *,
    metric: str | None = None,
    curve: pd.DataFrame | None = None,
    segment: object = None,
    higher_is_better: bool = True,
    title: str | None = None,
) -> Figure:
    """Draw the journey map: an emotion curve over a stage × touchpoint heat-map.

    The lower panel has one column per stage, in journey order, and in it one tile per
    touchpoint of that stage (busiest first). A tile's colour is the touchpoint's score —
    blue above the journey's overall score, red below, on a colour-blind-safe diverging scale —
    and its text gives the score and its ``n``; touchpoints without enough answers are grey
    and show their volume instead. Pain points carry a ▼ and a dark orange frame, moments of
    delight a ▲ and a green frame. The upper panel is the emotion curve: each stage's score
    with its interval (``curve``), against the journey's overall score.

    Parameters
    ----------
    jmap : JourneyMap
        Output of :func:`cxlab.journey.journey_map`.
    metric : {"csat", "ces", "nps"}, optional
        The score to colour by; default: the first of the map's metrics. When the map has no
        scores (no survey answers name a touchpoint), tiles are coloured by the number of
        customers instead.
    curve : pandas.DataFrame, optional
        The score of each stage, indexed by stage with ``value``, ``low``, ``high`` and ``n``
        (e.g. :func:`cxlab.metrics.breakdown` of the touchpoint answers with each answer's stage
        as ``by``). Without it, the upper panel is left out.
    segment : object, optional
        For a map made with ``by=``: which segment to draw (required then).
    higher_is_better : bool, default True
        Direction of the score (False for a CES asked as "how hard was it").
    title : str, optional
        By default: the lowest-scoring touchpoint with its score, interval and ``n``, and the
        highest; without scores, the busiest touchpoint.

    Returns
    -------
    {returns_figure}

    Raises
    ------
    ValueError
        If the map is per segment and no ``segment`` (or an unknown one) is given.

    Examples
    --------
    >>> from cxlab import journey
    >>> ev = pd.DataFrame(
    ...     {
    ...         "customer_id": ["a", "a", "b", "b"],
    ...         "timestamp": pd.to_datetime(["2024-01-01", "2024-01-02"] * 2),
    ...         "stage": ["purchase", "service"] * 2,
    ...         "touchpoint": ["checkout", "delivery"] * 2,
    ...     }
    ... )
    >>> r = pd.DataFrame(
    ...     {
    ...         "touchpoint": ["checkout"] * 40 + ["delivery"] * 40,
    ...         "csat": [2, 3, 2, 4] * 10 + [5, 4, 5, 5] * 10,
    ...     }
    ... )
    >>> fig = journey_heatmap(journey.journey_map(ev, r, metrics=["csat"]))
    >>> finding, best = " ".join(fig.get_suptitle().split()).split("; ")
    >>> finding
    'Checkout is the low point of the journey: CSAT 25% (95% interval 14–40%, n = 40)'
    >>> best
    'delivery scores highest at 100%'
    >>> plt.close(fig)
    """
    table = jmap.table
    if jmap.by is not None:
        levels = table.index.get_level_values(0)
        if segment is None or segment not in set(levels):
            raise ValueError(
                f"the map is per {jmap.by!r}: name one segment with segment=, one of "
                f"{sorted(set(levels), key=str)}"
            )
        table = table.xs(segment, level=0)
    if metric is None and jmap.metrics:
        metric = jmap.metrics[0]
    scored = metric is not None and metric in jmap.metrics and table[metric].notna().any()
    present = [str(s) for s in table.index.get_level_values(0)]
    declared = [str(s) for s in jmap.funnel.index.get_level_values(-1)]
    stages = _stage_order(present, list(dict.fromkeys(declared)))
    columns = {s: table.xs(s, level=0) if s in present else None for s in stages}
    slots = max([len(c) for c in columns.values() if c is not None] + [1])

    has_curve = curve is not None and scored
    height = 1.2 + 0.62 * slots + (1.7 if has_curve else 0)
    fig = plt.figure(figsize=(8.4, height))
    if has_curve:
        grid = fig.add_gridspec(2, 2, height_ratios=[1.7, 0.62 * slots], width_ratios=[40, 1])
        ax_curve = fig.add_subplot(grid[0, 0])
        ax_map = fig.add_subplot(grid[1, 0], sharex=ax_curve)
        ax_bar = fig.add_subplot(grid[1, 1])
    else:
        grid = fig.add_gridspec(1, 2, width_ratios=[40, 1])
        ax_map = fig.add_subplot(grid[0, 0])
        ax_bar = fig.add_subplot(grid[0, 1])
    colours = palette(10)
    pain_colour, delight_colour = colours[3], colours[2]

    if scored:
        values = table[metric].dropna()
        centre = _overall(jmap, metric, segment)
        if centre is None or not np.isfinite(centre):
            centre = float(values.mean())
        low, high = float(values.min()), float(values.max())
        span = max(abs(high - centre), abs(centre - low), 1e-9)
        norm: Normalize = TwoSlopeNorm(vcenter=centre, vmin=centre - span, vmax=centre + span)
        cmap = plt.get_cmap("RdBu" if higher_is_better else "RdBu_r")
        bar_label = _metric_axis(metric, higher_is_better)
    else:
        volume = table["customers"].astype(float)
        norm = Normalize(vmin=0, vmax=max(float(volume.max()), 1.0))
        cmap = plt.get_cmap("Blues")
        bar_label = "Customers at the touchpoint"

    for x, stage in enumerate(stages):
        rows = columns[stage]
        if rows is None:
            ax_map.text(x, 0, "no touchpoints", ha="center", va="center", fontsize=8, color=_GREY)
            continue
        if scored:
            order = rows.assign(_n=rows[f"{metric}_n"]).sort_values(
                ["_n", "events"], ascending=False, kind="stable"
            )
        else:
            order = rows.sort_values("events", ascending=False, kind="stable")
        for y, (touchpoint, row) in enumerate(order.iterrows()):
            value = row[metric] if scored else np.nan
            if scored and np.isfinite(value):
                face = cmap(norm(value))
                detail = f"{_fmt(metric, value)} · n {int(row[f'{metric}_n']):,}"
            elif scored:
                face = _EMPTY
                detail = f"no score · {int(row['customers']):,} cust."
            else:
                face = cmap(norm(row["customers"]) * 0.75)
                detail = f"{int(row['customers']):,} customers"
            edge, width, mark = "white", 1.5, ""
            if bool(row.get("pain_point", False)):
                edge, width, mark = pain_colour, 2.6, "▼ "
            elif bool(row.get("delight", False)):
                edge, width, mark = delight_colour, 2.6, "▲ "
            ax_map.add_patch(
                Rectangle(
                    (x - 0.47, y - 0.44), 0.94, 0.88, facecolor=face, edgecolor=edge, lw=width
                )
            )
            dark = _is_dark(face)
            ax_map.text(
                x,
                y - 0.1,
                mark + _label(touchpoint),
                ha="center",
                va="center",
                fontsize=7.8,
                fontweight="bold" if mark else "normal",
                color="white" if dark else "0.1",
            )
            ax_map.text(
                x,
                y + 0.2,
                detail,
                ha="center",
                va="center",
                fontsize=7.2,
                color="white" if dark else "0.25",
            )
    ax_map.set_xlim(-0.5, len(stages) - 0.5)
    ax_map.set_ylim(slots - 0.5, -0.5)
    ax_map.set_xticks(range(len(stages)), [_label(s) for s in stages])
    ax_map.yaxis.set_major_locator(NullLocator())
    ax_map.grid(False)
    for side in ("left", "bottom"):
        ax_map.spines[side].set_visible(False)
    ax_map.tick_params(axis="x", length=0)
    ax_map.set_xlabel("Journey stage")
    what = f"{METRIC_LABEL.get(metric, metric)} per touchpoint" if scored else "customers"
    ax_map.set_title(
        f"Touchpoints by stage — {what}; ▼ pain point, ▲ delight", fontsize=9.5, loc="left"
    )
    mappable = plt.cm.ScalarMappable(norm=norm, cmap=cmap)
    bar = fig.colorbar(mappable, cax=ax_bar)
    if scored and high > low:  # the scale is symmetric about the centre: show only the scores
        bar.ax.set_ylim(low, high)  # seen, never a CSAT of 110%
    bar.set_label(bar_label, fontsize=8)
    bar.ax.tick_params(labelsize=7)

    if has_curve:
        _emotion_curve(ax_curve, curve, stages, metric, _overall(jmap, metric, segment))
        plt.setp(ax_curve.get_xticklabels(), visible=False)

    if title is None:
        title = _map_title(table, metric if scored else None, higher_is_better)
    _suptitle(fig, title)
    return fig


def _overall(jmap: JourneyMap, metric: str, segment: object) -> float | None:
    overall = jmap.overall
    if segment is not None and jmap.by is not None:
        if segment not in set(overall.index.get_level_values(0)):
            return None
        overall = overall.xs(segment, level=0)
    if metric not in overall.index:
        return None
    return float(overall.loc[metric, "value"])


def _is_dark(colour: tuple) -> bool:
    r, g, b = colour[:3]
    return 0.299 * r + 0.587 * g + 0.114 * b < 0.5


def _emotion_curve(
    ax: Axes, curve: pd.DataFrame, stages: list[str], metric: str, overall: float | None
) -> None:
    blue = palette(1)[0]
    rows = curve.set_axis([str(s) for s in curve.index]).reindex(stages)
    x = np.arange(len(stages))
    value = rows["value"].to_numpy(dtype=float)
    has = np.isfinite(value)
    ax.plot(x[has], value[has], "-", color=blue, lw=1.6)
    ax.errorbar(
        x[has],
        value[has],
        yerr=[
            value[has] - rows["low"].to_numpy(float)[has],
            rows["high"].to_numpy(float)[has] - value[has],
        ],
        fmt="o",
        ms=5,
        color=blue,
        elinewidth=1.0,
        capsize=2,
    )
    if overall is not None and np.isfinite(overall):
        ax.axhline(overall, color="0.35", lw=0.9, ls="--")
        ax.text(
            len(stages) - 0.5,
            overall,
            f"journey {_fmt(metric, overall)}",
            ha="right",
            va="bottom",
            fontsize=7.5,
            color="0.35",
        )
    top = np.nanmax(rows["high"].to_numpy(float)) if has.any() else 1.0
    bottom = np.nanmin(rows["low"].to_numpy(float)) if has.any() else 0.0
    pad = 0.12 * max(top - bottom, 1e-9)
    ax.set_ylim(bottom - pad, top + 2.2 * pad)
    for xi, (_, row) in zip(x, rows.iterrows(), strict=True):
        if np.isfinite(row["value"]):
            ax.annotate(
                f"{_fmt(metric, row['value'])} (n {int(row['n']):,})",
                (xi, row["high"]),
                xytext=(0, 3),
                textcoords="offset points",
                ha="center",
                fontsize=7.5,
                bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.85},
            )
        else:
            ax.text(
                xi,
                (bottom + top) / 2,
                "no answers",
                ha="center",
                va="center",
                fontsize=7.5,
                color=_GREY,
            )
    if metric == "csat":
        ax.yaxis.set_major_formatter(PercentFormatter(decimals=0))
    ax.set_ylabel(METRIC_LABEL.get(metric, metric) + " of the stage", fontsize=8.5)
    ax.set_title(
        "Emotion curve — each stage's answers pooled, with 95% intervals",
        fontsize=9.5,
        loc="left",
    )
    ax.grid(axis="x", visible=False)


def _map_title(table: pd.DataFrame, metric: str | None, higher_is_better: bool) -> str:
    if metric is None:
        busiest = table["customers"].idxmax()
        return (
            f"{_label(busiest[-1]).capitalize()} sees the most customers "
            f"({int(table['customers'].max()):,}); no survey answers name a touchpoint, so the "
            "map shows volume only"
        )
    values = table[metric].dropna()
    worst = values.idxmin() if higher_is_better else values.idxmax()
    best = values.idxmax() if higher_is_better else values.idxmin()
    row = table.loc[worst]
    label = METRIC_LABEL.get(metric, metric)
    interval = f"{_fmt(metric, row[f'{metric}_low'])}–{_fmt(metric, row[f'{metric}_high'])}"
    interval = interval if metric != "csat" else interval.replace("%–", "–")
    text = (
        f"{_label(worst[-1])} is the low point of the journey: {label} "
        f"{_fmt(metric, row[metric])} (95% interval {interval}, "
        f"n\u00a0=\u00a0{int(row[f'{metric}_n']):,})"
    )
    if best != worst:
        text += f"; {_label(best[-1])} scores highest at {_fmt(metric, table.loc[best, metric])}"
    return text


# --------------------------------------------------------------------------------------------
# funnel


#: Most stages the funnel chart draws; beyond them it notes how many are left out.
FUNNEL_MAX_STAGES = 12


@axes_level
def funnel_chart(
    funnel: pd.DataFrame,
    *,
    max_stages: int = FUNNEL_MAX_STAGES,
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """Draw the customers reaching each stage, with each drop-off and its interval.

    Parameters
    ----------
    funnel : pandas.DataFrame
        Output of :func:`cxlab.journey.funnel` (or ``JourneyMap.funnel`` without ``by``).
    max_stages : int, default :data:`FUNNEL_MAX_STAGES`
        Most stages drawn: a longer funnel shows its first ``max_stages`` stages and a note
        under the axis says how many follow (the default title still reads the whole funnel).
    {ax}
    title : str, optional
        By default: the step with the largest drop-off, its share and 95% interval.

    Returns
    -------
    {returns_axes}

    Examples
    --------
    >>> from cxlab import journey
    >>> ev = pd.DataFrame(
    ...     {
    ...         "customer_id": ["a", "a", "b", "c", "c"],
    ...         "timestamp": pd.to_datetime(["2024-01-01", "2024-01-02"] * 2 + ["2024-01-03"]),
    ...         "stage": ["visit", "buy", "visit", "visit", "buy"],
    ...     }
    ... )
    >>> ax = funnel_chart(journey.funnel(ev, stages=["visit", "buy"]))
    >>> " ".join(ax.get_title(loc="left").split())
    'The biggest drop-off is from visit to buy: 33% of customers go no further (95% interval 6–79%)'
    >>> plt.close(ax.figure)
    """
    if funnel.empty:
        raise ValueError("nothing to draw: the funnel has no stages")
    if int(max_stages) < 2:
        raise ValueError(f"max_stages must be at least 2; got {max_stages!r}")
    whole = funnel
    hidden = max(len(funnel) - int(max_stages), 0)
    funnel = funnel.iloc[: int(max_stages)]
    ax = axes_or_new(ax, figsize=(7.6, 0.9 + 0.5 * len(funnel) + (0.3 if hidden else 0)))
    blue, orange = palette(4)[0], palette(4)[3]
    names = [_label(s) for s in funnel.index]
    y = np.arange(len(funnel))
    customers = funnel["customers"].to_numpy(dtype=float)
    ax.barh(y, customers, color=blue, height=0.62)
    top = max(customers.max(), 1.0)
    for i, (n, share) in enumerate(zip(customers, funnel["share"], strict=True)):
        ax.text(n + top * 0.01, i, f"{int(n):,} ({share:.0%})", va="center", fontsize=8)
    drop = funnel["drop_off"].to_numpy(dtype=float)
    every = whole["drop_off"].to_numpy(dtype=float)
    worst = int(np.nanargmax(every)) if np.isfinite(every).any() else None
    if worst is not None and every[worst] <= 0:
        worst = None  # nobody is lost anywhere: no step to single out
    for i in range(1, len(funnel)):
        if not np.isfinite(drop[i]):
            continue
        row = funnel.iloc[i]
        text = (
            f"▼ {drop[i]:.1%} drop ({row['drop_off_low']:.1%}–{row['drop_off_high']:.1%}),"
            f" {int(row['dropped']):,} customers"
        )
        ax.text(
            top * 1.2,
            i - 0.5,
            text,
            va="center",
            fontsize=7.8,
            color=orange if i == worst else "0.3",
            fontweight="bold" if i == worst else "normal",
        )
    ax.set_yticks(y, names)
    ax.set_ylim(len(funnel) - 0.5, -0.6)
    ax.set_xlim(0, top * 1.95)
    ax.set_xticks([t for t in ax.get_xticks() if 0 <= t <= top * 1.05])
    label = "Customers who reached the stage or a later one (count)"
    if hidden:
        label += (
            f"\n{hidden:,} later {'stage' if hidden == 1 else 'stages'} not drawn "
            f"(the funnel table holds all {len(whole):,})"
        )
    ax.set_xlabel(label)
    ax.set_ylabel("Journey stage")
    ax.grid(axis="y", visible=False)
    if title is None:
        every_name = [_label(s) for s in whole.index]
        if worst is None:
            title = f"{int(customers[0]):,} customers enter the journey"
            if np.isfinite(every).any():
                title += " and no stage loses any of them"
        else:
            row = whole.iloc[worst]
            title = (
                f"The biggest drop-off is from {every_name[worst - 1]} to {every_name[worst]}: "
                f"{every[worst]:.0%} of customers go no further "
                f"(95% interval {100 * row['drop_off_low']:.0f}–{100 * row['drop_off_high']:.0f}%)"
            )
    _set_title(ax, title)
    return ax


# --------------------------------------------------------------------------------------------
# flows and paths


#: Most stages the flow diagram draws as nodes; the others are merged into one node.
FLOW_MAX_STAGES = 10

#: Moves between two stages rarer than this share of all such moves are not drawn.
FLOW_MIN_SHARE = 0.01

#: Name of the node the flow diagram merges the least busy stages into.
OTHER_STAGES = "(other stages)"


@axes_level
def flow_diagram(
    transitions: pd.DataFrame,
    *,
    stages: Sequence[str] | None = None,
    max_stages: int = FLOW_MAX_STAGES,
    min_share: float = FLOW_MIN_SHARE,
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """Stages as nodes on a line, with an arrow for every move between two stages.

    Forward moves (to a later stage) arc above the line, moves back below it; an arrow's width
    grows with the number of moves and its label gives the count. Repeats of a stage
    (self-loops) are written in the stage's node (↻). So that the diagram stays readable with
    many stages, at most ``max_stages`` nodes are drawn — the first and the last stage, the
    busiest others (moves in and out), in journey order, and one node :data:`OTHER_STAGES`
    that merges the rest — and moves
    rarer than ``min_share`` of all moves between stages are left out; a note under the
    diagram says what was merged and left out. The default title reads the full table.

    Parameters
    ----------
    transitions : pandas.DataFrame
        Output of :func:`cxlab.journey.transitions` (``from``, ``to``, ``count``).
    stages : sequence of str, optional
        The stages in journey order (default: order of first appearance in the table).
    max_stages : int, default :data:`FLOW_MAX_STAGES`
        Most nodes drawn (at least 4).
    min_share : float, default :data:`FLOW_MIN_SHARE`
        Moves with fewer than this share of all moves between two stages are not drawn.
    {ax}
    title : str, optional
        By default: the busiest move between two different stages and how many moves go back.

    Returns
    -------
    {returns_axes}

    Examples
    --------
    >>> t = pd.DataFrame(
    ...     {"from": ["visit", "buy", "buy"], "to": ["buy", "visit", "buy"], "count": [8, 2, 3]}
    ... )
    >>> ax = flow_diagram(t, stages=["visit", "buy"])
    >>> " ".join(ax.get_title(loc="left").split())
    'Visit → buy is the busiest step (8 moves); 2 of 10 moves between stages go back'
    >>> plt.close(ax.figure)
    """
    if int(max_stages) < 4:
        raise ValueError(f"max_stages must be at least 4; got {max_stages!r}")
    names = _stage_order(pd.concat([transitions["from"], transitions["to"]]), stages)
    position = {s: i for i, s in enumerate(names)}
    table = transitions.assign(
        **{"from": transitions["from"].astype("str"), "to": transitions["to"].astype("str")}
    )
    if title is None:
        title = _flow_title(table[table["from"] != table["to"]], position)
    notes = []
    if len(names) > int(max_stages):
        between = table[table["from"] != table["to"]]
        busy = (
            between.groupby("from")["count"]
            .sum()
            .add(between.groupby("to")["count"].sum(), fill_value=0)
        ).reindex(names, fill_value=0)
        ends = {names[0], names[-1]}
        middle = busy.drop(list(ends)).sort_values(ascending=False, kind="stable")
        top = ends | set(middle.index[: max(int(max_stages) - 3, 0)])
        merged = [n for n in names if n not in top]
        table = (
            table.assign(
                **{
                    "from": table["from"].where(table["from"].isin(top), OTHER_STAGES),
                    "to": table["to"].where(table["to"].isin(top), OTHER_STAGES),
                }
            )
            .groupby(["from", "to"], sort=False, as_index=False)["count"]
            .sum()
        )
        names = [n for n in names if n in top] + [OTHER_STAGES]
        position = {s: i for i, s in enumerate(names)}
        notes.append(f"{len(merged):,} less busy stages merged into {OTHER_STAGES}")
    between = table[table["from"] != table["to"]]
    floor = float(min_share) * float(between["count"].sum())
    moves = between[between["count"] >= floor]
    rare = between[between["count"] < floor]
    if len(rare):
        notes.append(
            f"{len(rare):,} rare {'move' if len(rare) == 1 else 'moves'} "
            f"({int(rare['count'].sum()):,} of "
            f"{int(between['count'].sum()):,}, each under {min_share:.0%}) not drawn"
        )
    loops = table[table["from"] == table["to"]].set_index("from")["count"]
    rad = -0.5
    spans = [
        abs(position[str(a)] - position[str(b)])
        for a, b in zip(moves["from"], moves["to"], strict=True)
    ]
    reach = 0.5 * abs(rad) * max([*spans, 1])
    ax = axes_or_new(ax, figsize=(8.4, 1.2 + 1.6 * (2 * reach + 0.5)))
    forward_colour, back_colour = palette(2)
    biggest = max(float(moves["count"].max()) if len(moves) else 1.0, 1.0)
    for _, row in moves.sort_values("count", kind="stable").iterrows():
        a, b = position[str(row["from"])], position[str(row["to"])]
        forward = b > a
        width = 0.6 + 7.5 * row["count"] / biggest
        colour = forward_colour if forward else back_colour
        arrow = FancyArrowPatch(
            (a, 0.12 if forward else -0.12),
            (b, 0.12 if forward else -0.12),
            connectionstyle=f"arc3,rad={rad}",
            arrowstyle="-|>",
            mutation_scale=8 + width * 1.2,
            lw=width,
            color=colour,
            alpha=0.75,
            shrinkA=4,
            shrinkB=4,
            zorder=2,
        )
        ax.add_patch(arrow)
        height = 0.5 * abs(rad) * abs(b - a) + 0.12
        ax.text(
            (a + b) / 2,
            height if forward else -height,
            f"{int(row['count']):,}",
            ha="center",
            va="center",
            fontsize=7.5,
            color="0.15",
            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.85},
            zorder=4,
        )
    for stage, x in position.items():
        repeats = int(loops.get(stage, 0))
        text = _label(stage) + (f"\n↻ {repeats:,}" if repeats else "")
        ax.text(
            x,
            0,
            text,
            ha="center",
            va="center",
            fontsize=7.8,
            zorder=5,
            bbox={"boxstyle": "round,pad=0.35", "fc": "white", "ec": "0.3", "lw": 1.0},
        )
    ax.set_xlim(-0.55, len(names) - 0.45)
    ax.set_ylim(-reach - 0.3, reach + 0.3)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.legend(
        handles=[
            Line2D([], [], color=forward_colour, lw=3, label="forward (arcs above)"),
            Line2D([], [], color=back_colour, lw=3, label="back (arcs below)"),
            Line2D([], [], ls="none", label="↻ repeats of a stage"),
        ],
        loc="lower left",
        bbox_to_anchor=(0.0, -0.05),
        ncols=3,
    )
    if notes:
        ax.text(
            0.0,
            -0.12,
            "Not drawn: " + "; ".join(notes) + ".",
            transform=ax.transAxes,
            fontsize=7.5,
            color="0.3",
            va="top",
        )
    _set_title(ax, title)
    return ax


def _flow_title(moves: pd.DataFrame, position: dict[str, int]) -> str:
    if moves.empty:
        return "No customer moves between two different stages"
    top = moves.loc[moves["count"].idxmax()]
    back = moves[
        [
            position[str(t)] < position[str(f)]
            for f, t in zip(moves["from"], moves["to"], strict=True)
        ]
    ]
    return (
        f"{_label(top['from'])} → {_label(top['to'])} is the busiest step "
        f"({int(top['count']):,} moves); {int(back['count'].sum()):,} of "
        f"{int(moves['count'].sum()):,} moves between stages go back"
    )


@axes_level
def variants_chart(
    variants: pd.DataFrame, *, ax: Axes | None = None, title: str | None = None
) -> Axes:
    """Draw the most common paths through the journey as bars of their share of customers.

    Parameters
    ----------
    variants : pandas.DataFrame
        Output of :func:`cxlab.journey.variants` (its ``(other variants)`` row, if any, is
        drawn in grey).
    {ax}
    title : str, optional
        By default: the most common path and its share, and the share the listed paths cover.

    Returns
    -------
    {returns_axes}

    Examples
    --------
    >>> v = pd.DataFrame(
    ...     {"customers": [6, 4], "share": [0.6, 0.4], "path": [("visit", "buy"), ("visit",)]},
    ...     index=pd.Index(["visit → buy", "visit"], name="variant"),
    ... )
    >>> ax = variants_chart(v)
    >>> " ".join(ax.get_title(loc="left").split())
    'The most common path, visit → buy, is taken by 60% of customers'
    >>> plt.close(ax.figure)
    """
    if variants.empty:
        raise ValueError("nothing to draw: there are no paths")
    if not isinstance(variants["path"].iloc[0], tuple) and len(variants) == 1:
        raise ValueError("nothing to draw: every path is in the other variants")
    paths = [
        _short_path(p) if isinstance(p, tuple) else str(v)
        for v, p in zip(variants.index, variants["path"], strict=True)
    ]
    labels = [_wrap(p, 46) for p in paths]
    lines = sum(label.count("\n") + 1 for label in labels)
    ax = axes_or_new(ax, figsize=(8.4, 0.8 + 0.24 * lines + 0.12 * len(labels)))
    blue = palette(1)[0]
    other = [not isinstance(p, tuple) for p in variants["path"]]
    colours = [_GREY if o else blue for o in other]
    y = np.arange(len(variants))
    share = variants["share"].to_numpy(dtype=float) * 100
    ax.barh(y, share, color=colours, height=0.7)
    for i, (s, n) in enumerate(zip(share, variants["customers"], strict=True)):
        ax.text(s + share.max() * 0.01, i, f"{s:.1f}% ({int(n):,})", va="center", fontsize=7.5)
    ax.set_yticks(y, labels, fontsize=7.5)
    ax.set_ylim(len(variants) - 0.5, -0.5)
    ax.set_xlim(0, share.max() * 1.22)
    percent_axis(ax.xaxis)
    ax.set_xlabel("Share of customers on the path (%)")
    ax.grid(axis="y", visible=False)
    if title is None:
        first = int(np.argmax(~np.asarray(other)))
        title = (
            f"The most common path, {paths[first]}, is taken by {share[first]:.0f}% of customers"
        )
        listed = share[~np.asarray(other)].sum()
        if any(other):
            title += f"; the {sum(not o for o in other)} listed paths cover {listed:.0f}%"
    _set_title(ax, title)
    return ax


#: Longest path written out in full on the variants chart; longer ones show their ends.
PATH_MAX_STEPS = 8


def _short_path(path: tuple) -> str:
    """Write a path's stages; a long one as its first and last three with the count between."""
    steps = [_label(s) for s in path]
    if len(steps) <= PATH_MAX_STEPS:
        return " → ".join(steps)
    middle = len(steps) - 6
    return " → ".join([*steps[:3], f"… {middle} more …", *steps[-3:]])


# --------------------------------------------------------------------------------------------
# time


_DAY_TICKS = [
    (1 / 86400, "1 s"),
    (10 / 86400, "10 s"),
    (1 / 1440, "1 min"),
    (10 / 1440, "10 min"),
    (1 / 24, "1 h"),
    (6 / 24, "6 h"),
    (1, "1 d"),
    (7, "1 wk"),
    (30, "1 mo"),
    (91, "3 mo"),
    (365, "1 yr"),
]

#: Most moves the durations chart draws (the most frequent ones); a note counts the rest.
DURATIONS_MAX_ROWS = 15


@axes_level
def stage_durations(
    durations: pd.DataFrame,
    *,
    stages: Sequence[str] | None = None,
    min_count: int = 5,
    max_rows: int = DURATIONS_MAX_ROWS,
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """Time between one stage and the next: the middle half and the median of every move.

    One row per move between two different stages (repeats of a stage are left out), forward
    moves first in journey order, then moves back. The thick bar spans the 25th to the 75th
    percentile, the thin line the 10th to the 90th, the dot is the median; the time axis is
    logarithmic because some steps take hours and others months.

    Parameters
    ----------
    durations : pandas.DataFrame
        Output of :func:`cxlab.journey.durations` (with its default quantiles).
    stages : sequence of str, optional
        The stages in journey order.
    min_count : int, default 5
        Moves observed fewer times are left out.
    max_rows : int, default :data:`DURATIONS_MAX_ROWS`
        Most moves drawn: the most frequent ones, in journey order; a note under the axis
        counts the rest. Times are written in the unit that fits them (seconds to days,
        :func:`cxlab.journey.format_duration`) and the axis reaches down to seconds.
    {ax}
    title : str, optional
        By default: the quickest and the slowest forward step, by median.

    Returns
    -------
    {returns_axes}

    Examples
    --------
    >>> d = pd.DataFrame(
    ...     {
    ...         "from": ["visit", "buy"],
    ...         "to": ["buy", "return"],
    ...         "count": [40, 12],
    ...         **{
    ...             q: pd.to_timedelta([f"{a} days", f"{b} days"])
    ...             for q, a, b in [
    ...                 ("q10", 1, 5),
    ...                 ("q25", 2, 10),
    ...                 ("median", 3, 20),
    ...                 ("q75", 5, 30),
    ...                 ("q90", 8, 60),
    ...             ]
    ...         },
    ...     }
    ... )
    >>> ax = stage_durations(d, stages=["visit", "buy", "return"])
    >>> " ".join(ax.get_title(loc="left").split())
    'Visit → buy is the quickest step (median 3 days); buy → return the slowest (20 days)'
    >>> plt.close(ax.figure)
    """
    names = _stage_order(pd.concat([durations["from"], durations["to"]]), stages)
    position = {s: i for i, s in enumerate(names)}
    rows = durations[
        (durations["from"] != durations["to"]) & (durations["count"] >= max(int(min_count), 1))
    ].copy()
    if rows.empty:
        raise ValueError(f"no move between two stages is observed {min_count} times or more")
    hidden = max(len(rows) - int(max_rows), 0)
    if hidden:
        rows = rows.sort_values("count", ascending=False, kind="stable").head(int(max_rows))
    rows["_a"] = rows["from"].map(lambda s: position[str(s)])
    rows["_b"] = rows["to"].map(lambda s: position[str(s)])
    rows["_back"] = rows["_b"] < rows["_a"]
    rows = rows.sort_values(["_back", "_a", "_b"], kind="stable").reset_index(drop=True)
    days = {
        q: rows[q].dt.total_seconds().to_numpy() / 86400
        for q in ("q10", "q25", "median", "q75", "q90")
    }
    ax = axes_or_new(ax, figsize=(8.0, 0.9 + 0.36 * len(rows)))
    forward_colour, back_colour = palette(2)
    y = np.arange(len(rows))
    for i, row in rows.iterrows():
        colour = back_colour if row["_back"] else forward_colour
        ax.plot([days["q10"][i], days["q90"][i]], [i, i], color=colour, lw=1.0, alpha=0.7)
        ax.plot(
            [days["q25"][i], days["q75"][i]],
            [i, i],
            color=colour,
            lw=7,
            alpha=0.55,
            solid_capstyle="butt",
        )
        ax.plot([days["median"][i]], [i], "o", color=colour, ms=5, mec="white", mew=0.8)
        ax.annotate(
            f"median {_days(days['median'][i])} (n {int(row['count']):,})",
            (days["q90"][i], i),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=7.5,
        )
    labels = [f"{_label(a)} → {_label(b)}" for a, b in zip(rows["from"], rows["to"], strict=True)]
    ax.set_yticks(y, labels)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.set_xscale("log")
    lo = max(min(days["q10"].min(), days["q25"].min()) * 0.7, 1 / 86400)
    hi = days["q90"].max() * 6
    ax.set_xlim(lo, hi)
    ticks = [(v, t) for v, t in _DAY_TICKS if lo <= v <= hi]
    ax.xaxis.set_major_locator(FixedLocator([v for v, _ in ticks]))
    ax.set_xticklabels([t for _, t in ticks])
    ax.xaxis.set_minor_locator(NullLocator())
    label = "Time from one stage to the next (log scale; bar: middle half, line: 10–90%)"
    if hidden:
        label += f"\n{hidden:,} less frequent moves not drawn"
    ax.set_xlabel(label)
    ax.grid(axis="y", visible=False)
    if rows["_back"].any():
        ax.legend(
            handles=[
                Line2D([], [], color=forward_colour, lw=5, alpha=0.6, label="forward"),
                Line2D([], [], color=back_colour, lw=5, alpha=0.6, label="back"),
            ],
            loc="upper right",
        )
    if title is None:
        ahead = rows[~rows["_back"]]
        if ahead.empty:
            ahead = rows
        med = ahead["median"].dt.total_seconds() / 86400
        fast, slow = med.idxmin(), med.idxmax()
        title = (
            f"{_label(rows.loc[fast, 'from'])} → {_label(rows.loc[fast, 'to'])} is the quickest "
            f"step (median {_days(med[fast])})"
        )
        if slow != fast:
            title += (
                f"; {_label(rows.loc[slow, 'from'])} → {_label(rows.loc[slow, 'to'])} the "
                f"slowest ({_days(med[slow])})"
            )
    _set_title(ax, title)
    return ax


def _days(value: float) -> str:
    """Write a number of days in the unit that fits it (seconds, minutes, hours or days)."""
    return format_duration(pd.Timedelta(days=float(value)))


# --------------------------------------------------------------------------------------------
# health over time


@axes_level
def health_chart(
    health: pd.DataFrame,
    *,
    measure: str,
    stage: str | None = None,
    touchpoint: str | None = None,
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """One line of the journey's health per period: value, interval, control limits, flags.

    Periods whose value falls outside the control limits are marked with a cross; periods
    whose change from the period before is significant (after adjustment) with a triangle
    pointing in the direction of the change.

    Parameters
    ----------
    health : pandas.DataFrame
        Output of :func:`cxlab.journey.health`.
    measure : {"conversion", "csat", "ces", "nps"}
        Which measure to draw.
    stage : str, optional
        For ``"conversion"``: the stage converted into.
    touchpoint : str, optional
        For a score: the touchpoint (``"(all)"`` for all answers together).
    {ax}
    title : str, optional
        By default: how many periods fall outside the limits and how many changes are
        flagged, with the latest value.

    Returns
    -------
    {returns_axes}

    Raises
    ------
    ValueError
        If no row of the table matches.

    Examples
    --------
    >>> h = pd.DataFrame(
    ...     {
    ...         "period": pd.period_range("2024-01", periods=3, freq="M"),
    ...         "measure": "conversion",
    ...         "stage": "buy",
    ...         "touchpoint": None,
    ...         "n": [100, 100, 100],
    ...         "value": [0.5, 0.52, 0.9],
    ...         "low": [0.4, 0.42, 0.83],
    ...         "high": [0.6, 0.62, 0.95],
    ...         "change": [np.nan, 0.02, 0.38],
    ...         "changed": [False, False, True],
    ...         "centre": 0.64,
    ...         "lcl": 0.5,
    ...         "ucl": 0.78,
    ...         "outside": [False, False, True],
    ...     }
    ... )
    >>> ax = health_chart(h, measure="conversion", stage="buy")
    >>> flags, latest = " ".join(ax.get_title(loc="left").split()).split("; ")
    >>> flags
    'Conversion into buy: 1 of 3 months outside the control limits, 1 significant change'
    >>> latest
    'latest 90% (n = 100)'
    >>> plt.close(ax.figure)
    """
    rows = health[health["measure"] == measure]
    if stage is not None:
        rows = rows[rows["stage"].astype("str") == str(stage)]
    if touchpoint is not None:
        rows = rows[rows["touchpoint"].astype("str") == str(touchpoint)]
    rows = rows[rows["n"] > 0]
    if rows.empty:
        raise ValueError(
            f"no period has data for measure={measure!r}, stage={stage!r}, "
            f"touchpoint={touchpoint!r}"
        )
    ax = axes_or_new(ax)
    blue, orange = palette(4)[0], palette(4)[3]
    scale = 100.0 if measure in ("conversion",) else 1.0
    x = rows["period"].dt.to_timestamp().to_numpy()
    value = rows["value"].to_numpy(dtype=float) * scale
    low = rows["low"].to_numpy(dtype=float) * scale
    high = rows["high"].to_numpy(dtype=float) * scale
    ax.fill_between(x, low, high, color=blue, alpha=0.15, lw=0, label="95% interval")
    ax.plot(x, value, "o-", color=blue, ms=3.5, lw=1.2, label="value")
    ax.plot(
        x,
        rows["centre"].to_numpy(float) * scale,
        color="0.35",
        lw=0.9,
        ls="--",
        label="centre line",
    )
    ax.plot(
        x, rows["lcl"].to_numpy(float) * scale, color="0.35", lw=0.8, ls=":", label="control limits"
    )
    ax.plot(x, rows["ucl"].to_numpy(float) * scale, color="0.35", lw=0.8, ls=":")
    outside = rows["outside"].to_numpy(dtype=bool)
    if outside.any():
        ax.plot(
            x[outside], value[outside], "x", color=orange, ms=8, mew=2, label="outside the limits"
        )
    changed = rows["changed"].to_numpy(dtype=bool)
    if changed.any():
        ups = changed & (rows["change"].to_numpy(float) > 0)
        downs = changed & ~ups
        for mask, marker in ((ups, "^"), (downs, "v")):
            if mask.any():
                ax.plot(x[mask], value[mask], marker, ms=9, mfc="none", mec=orange, mew=1.6)
        ax.plot([], [], "^", ms=7, mfc="none", mec=orange, mew=1.4, label="significant change")
    if measure in ("conversion", "csat"):
        ax.yaxis.set_major_formatter(PercentFormatter(decimals=0))
    word = _PERIOD_WORD.get(rows["period"].array.freqstr[:1], "period")
    ax.set_xlabel(word.capitalize())
    if measure == "conversion":
        ax.set_ylabel("Conversion (%)")
        what = f"Conversion into {_label(stage)}" if stage else "Conversion"
    else:
        ax.set_ylabel(_metric_axis(measure, True))
        where = "" if touchpoint in (None, "(all)") else f" at {_label(touchpoint)}"
        what = f"{METRIC_LABEL.get(measure, measure)}{where}"
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    if title is None:
        latest = rows.iloc[-1]
        shown = (
            f"{latest['value'] * scale:.0f}%"
            if measure in ("conversion", "csat")
            else (_fmt(measure, latest["value"] * scale))
        )
        title = (
            f"{what}: {int(outside.sum())} of {len(rows)} {word}s outside the control limits, "
            f"{int(changed.sum())} significant change{'s' if changed.sum() != 1 else ''}; "
            f"latest {shown} (n = {int(latest['n']):,})"
        )
    _set_title(ax, title)
    return ax
