"""Theory figures: diagrams of the ideas the chapters teach, drawn without client data.

Each function draws a concept — how the 0–10 answers fall into NPS groups, the layers of a
journey map, the recency × frequency grid, how an interval narrows as answers accumulate — so a
chapter's Theory section can show it before any data is loaded. Every figure carries its caption
inside the figure (below the axes), so it travels with the picture.

In a chapter these figures are images attached to a student-only Theory markdown cell, so the
Theory section reads without running any code. The cell names its figure in its metadata
(``{"cxlab": {"figure": "nps_buckets_diagram"}}``) and :func:`redraw_theory_figures` draws the
attachment again from that function, at the theme's resolution: ``make notebooks`` runs it, and
``python -m cxlab.plots._theory NOTEBOOK ...`` does it by hand.
"""

from __future__ import annotations

import base64
import io
import sys
from collections.abc import Sequence
from pathlib import Path

import matplotlib.pyplot as plt
import nbformat
import numpy as np
from matplotlib.axes import Axes
from matplotlib.patches import Rectangle

from cxlab.journey import DEFAULT_STAGES
from cxlab.plots._base import axes_or_new, palette, use_theme
from cxlab.plots._docs import axes_level
from cxlab.segmentation import RFM_GRID
from cxlab.stats import wilson

__all__ = [
    "interval_width_diagram",
    "journey_layers_diagram",
    "nps_buckets_diagram",
    "redraw_theory_figures",
    "rfm_diagram",
    "theory_figure_png",
]

#: The rows of a journey map, top to bottom.
JOURNEY_LAYERS: tuple[str, ...] = (
    "touchpoints",
    "actions",
    "thoughts",
    "emotions",
    "pain points / delights",
    "ideas to improve",
)


def caption(ax: Axes, text: str) -> None:
    """Write a figure caption under the axes, in the figure itself."""
    ax.annotate(
        text,
        xy=(0, 0),
        xycoords="axes fraction",
        xytext=(0, -30),
        textcoords="offset points",
        ha="left",
        va="top",
        fontsize="small",
        fontstyle="italic",
        wrap=True,
        annotation_clip=False,
    )


@axes_level
def nps_buckets_diagram(*, ax: Axes | None = None, title: str | None = None) -> Axes:
    """Draw the 0–10 recommendation scale split into detractors, passives and promoters.

    Parameters
    ----------
    {ax}
    title : str, optional
        Default: "Only 9 and 10 are promoters; 0 to 6 are detractors".

    Returns
    -------
    {returns_axes}

    References
    ----------
    Reichheld, F. F. (2003). The one number you need to grow. *Harvard Business Review*, 81(12).

    Examples
    --------
    >>> from cxlab import plots
    >>> ax = plots.nps_buckets_diagram()
    >>> [t.get_text() for t in ax.texts if "(" in t.get_text()]
    ['detractors (0–6)', 'passives (7–8)', 'promoters (9–10)']
    >>> plots.close(ax)
    """
    ax = axes_or_new(ax, figsize=(6.5, 2.4))
    red, grey, green = palette(10)[3], palette(10)[7], palette(10)[2]
    groups = [("detractors (0–6)", range(0, 7), red), ("passives (7–8)", range(7, 9), grey)]
    groups.append(("promoters (9–10)", range(9, 11), green))
    for label, scores, colour in groups:
        for s in scores:
            ax.add_patch(Rectangle((s - 0.45, 0), 0.9, 1, color=colour, alpha=0.85))
            ax.text(s, 0.5, str(s), ha="center", va="center", color="white", fontweight="bold")
        ax.text(np.mean(list(scores)), 1.25, label, ha="center", va="bottom", color=colour)
    ax.set_xlim(-0.6, 10.6)
    ax.set_ylim(0, 1.8)
    ax.set_axis_off()
    ax.set_title(title or "Only 9 and 10 are promoters; 0 to 6 are detractors", loc="left")
    caption(
        ax,
        "NPS = % promoters − % detractors, both out of everyone who answered: passives sit in "
        "n but in neither group, so the score runs from −100 to +100.",
    )
    return ax


@axes_level
def journey_layers_diagram(
    stages: Sequence[str] = DEFAULT_STAGES,
    *,
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """Draw a journey map's grid: stages across, layers of the experience down.

    Parameters
    ----------
    stages : sequence of str
        Column headings, in journey order (default: awareness … loyalty).
    {ax}
    title : str, optional
        Default: "A journey map reads across stages and down layers".

    Returns
    -------
    {returns_axes}

    Examples
    --------
    >>> from cxlab import plots
    >>> ax = plots.journey_layers_diagram(["browse", "buy"])
    >>> "buy" in [t.get_text() for t in ax.texts]
    True
    >>> plots.close(ax)
    """
    stages = list(stages)
    if not stages:
        raise ValueError("journey_layers_diagram needs at least one stage")
    ax = axes_or_new(ax, figsize=(7.5, 3.4))
    colours = palette(len(JOURNEY_LAYERS))
    for j, stage in enumerate(stages):
        ax.text(
            j + 0.5,
            len(JOURNEY_LAYERS) + 0.3,
            stage,
            ha="center",
            fontsize="small",
            fontweight="bold",
        )
        ax.annotate(
            "",
            xy=(j + 0.95, len(JOURNEY_LAYERS) + 0.1),
            xytext=(j + 0.05, len(JOURNEY_LAYERS) + 0.1),
            arrowprops={"arrowstyle": "->", "color": "0.4"},
        )
    for i, layer in enumerate(JOURNEY_LAYERS):
        y = len(JOURNEY_LAYERS) - 1 - i
        ax.text(-0.1, y + 0.5, layer, ha="right", va="center")
        for j in range(len(stages)):
            ax.add_patch(
                Rectangle((j + 0.04, y + 0.06), 0.92, 0.88, color=colours[i], alpha=0.35, lw=0)
            )
    ax.set_xlim(-2.2, len(stages))
    ax.set_ylim(0, len(JOURNEY_LAYERS) + 0.8)
    ax.set_axis_off()
    ax.set_title(title or "A journey map reads across stages and down layers", loc="left")
    caption(
        ax,
        "One persona per map. Each column is a stage; each row what the persona meets (touch-"
        "points), does, thinks and feels there, where it hurts or delights, and what to try.",
    )
    return ax


@axes_level
def rfm_diagram(*, ax: Axes | None = None, title: str | None = None) -> Axes:
    """Draw the recency × frequency grid with the segment each cell belongs to.

    Parameters
    ----------
    {ax}
    title : str, optional
        Default: "Recency and frequency place a customer in a segment".

    Returns
    -------
    {returns_axes}

    References
    ----------
    Hughes, A. M. (1994). *Strategic Database Marketing*. Probus.

    Examples
    --------
    >>> from cxlab import plots
    >>> ax = plots.rfm_diagram()
    >>> "champions" in [t.get_text() for t in ax.texts]
    True
    >>> plots.close(ax)
    """
    ax = axes_or_new(ax, figsize=(6.5, 4.2))
    names = sorted(set(RFM_GRID.to_numpy().ravel()))
    colours = dict(zip(names, palette(len(names)), strict=True))
    for r in RFM_GRID.index:
        for f in RFM_GRID.columns:
            name = RFM_GRID.loc[r, f]
            ax.add_patch(Rectangle((f - 0.5, r - 0.5), 1, 1, color=colours[name], alpha=0.45))
    for name in names:  # label each segment once, at the centre of its cells
        cells = [
            (r, f) for r in RFM_GRID.index for f in RFM_GRID.columns if RFM_GRID.loc[r, f] == name
        ]
        r = np.mean([c[0] for c in cells])
        f = np.mean([c[1] for c in cells])
        ax.text(f, r, name, ha="center", va="center", fontsize="small", wrap=True)
    ax.set_xlim(0.5, 5.5)
    ax.set_ylim(0.5, 5.5)
    ax.set_xticks(range(1, 6))
    ax.set_yticks(range(1, 6))
    ax.set_xlabel("frequency score (5 = most orders)")
    ax.set_ylabel("recency score (5 = most recent)")
    ax.grid(False)
    ax.set_title(title or "Recency and frequency place a customer in a segment", loc="left")
    caption(
        ax,
        "Scores are quintiles 1–5. Top right: recent and frequent (champions); bottom right: "
        "frequent but gone quiet (can't lose them); bottom left: lost.",
    )
    return ax


@axes_level
def interval_width_diagram(
    share: float = 0.8,
    sizes: Sequence[int] = (10, 20, 30, 50, 100, 200, 400, 800),
    *,
    confidence: float = 0.95,
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """Draw the Wilson interval of one share at growing sample sizes: it narrows with √n.

    Parameters
    ----------
    share : float, default 0.8
        The observed share (0–1), e.g. 80 % satisfied, held fixed at every size.
    sizes : sequence of int
        Numbers of answers to draw the interval for.
    confidence : float, default 0.95
        Confidence level.
    {ax}
    title : str, optional
        Default: states how much wider the interval is at the smallest size than at the
        largest.

    Returns
    -------
    {returns_axes}

    References
    ----------
    Wilson, E. B. (1927). Probable inference, the law of succession, and statistical
    inference. *Journal of the American Statistical Association*, 22(158), 209–212.

    Examples
    --------
    >>> from cxlab import plots
    >>> ax = plots.interval_width_diagram(0.8, [25, 100])
    >>> ax.get_title(loc="left")
    'From 25 to 100 answers the interval narrows from ±15 to ±8 points'
    >>> plots.close(ax)
    """
    if not 0 < share < 1:
        raise ValueError(f"share must be between 0 and 1 (exclusive); got {share!r}")
    n = np.asarray(sorted(int(s) for s in sizes), dtype="float64")
    if n.size < 2 or n[0] < 1:
        raise ValueError("sizes needs two or more sample sizes of at least 1")
    low, high = wilson(np.round(share * n), n, confidence)
    centre = np.round(share * n) / n
    ax = axes_or_new(ax, figsize=(6.5, 3.2))
    colour = palette(1)[0]
    ax.fill_between(n, 100 * low, 100 * high, color=colour, alpha=0.25, lw=0)
    ax.plot(n, 100 * centre, color=colour, marker="o")
    ax.set_xscale("log")
    ax.set_xticks(n)
    ax.set_xticklabels([f"{int(v):,}" for v in n])
    ax.set_xlabel("answers (n, log scale)")
    ax.set_ylabel("share satisfied (%)")
    half = 100 * (high - low) / 2
    ax.set_title(
        title
        or f"From {int(n[0]):,} to {int(n[-1]):,} answers the interval narrows from "
        f"±{half[0]:.0f} to ±{half[-1]:.0f} points",
        loc="left",
    )
    caption(
        ax,
        f"The same {100 * share:.0f} % satisfied with its {100 * confidence:.0f} % Wilson "
        "interval: the width falls with √n, so halving it takes four times the answers.",
    )
    return ax


#: The diagram functions a notebook cell may name in ``metadata["cxlab"]["figure"]``.
DIAGRAMS = (
    "interval_width_diagram",
    "journey_layers_diagram",
    "nps_buckets_diagram",
    "rfm_diagram",
)


def theory_figure_png(name: str) -> bytes:
    r"""Draw the named diagram with its defaults and return it as PNG bytes.

    The image uses the theme's resolution (``savefig.dpi``), is cropped to its contents and
    carries no software or date stamp, so drawing it twice gives the same bytes.

    Parameters
    ----------
    name : str
        One of :data:`DIAGRAMS`, e.g. ``"nps_buckets_diagram"``.

    Returns
    -------
    bytes
        The PNG image.

    Raises
    ------
    ValueError
        If ``name`` is not a diagram of this module.

    Examples
    --------
    >>> png = theory_figure_png("rfm_diagram")
    >>> png.startswith(b"\x89PNG")
    True
    >>> theory_figure_png("rfm_diagram") == png
    True
    """
    if name not in DIAGRAMS:
        raise ValueError(f"{name!r} is not a theory figure; the figures are: {', '.join(DIAGRAMS)}")
    use_theme()
    ax = globals()[name]()
    buffer = io.BytesIO()
    try:
        ax.figure.savefig(buffer, format="png", bbox_inches="tight", metadata={"Software": None})
    finally:
        plt.close(ax.figure)
    return buffer.getvalue()


def redraw_theory_figures(path: str | Path) -> list[str]:
    """Draw again every figure attached to a notebook's figure cells and save the notebook.

    A figure cell is a markdown cell whose metadata names its diagram, e.g.
    ``{"cxlab": {"figure": "nps_buckets_diagram"}}``; its image is the attachment
    ``<figure>.png``, which this function replaces with a fresh drawing. The notebook file is
    written only when an image changed, so running it twice leaves the file untouched.

    Parameters
    ----------
    path : str or Path
        The notebook (``.ipynb``).

    Returns
    -------
    list of str
        The ids of the cells whose image changed.

    Raises
    ------
    ValueError
        If a cell names a figure that is not a diagram of this module, or a cell has an
        attachment but names no figure (so it could not be drawn again), naming the
        notebook and the cell.

    Examples
    --------
    >>> import nbformat, tempfile, pathlib
    >>> cell = nbformat.v4.new_markdown_cell("![R x F](attachment:rfm_diagram.png)")
    >>> cell.metadata["cxlab"] = {"figure": "rfm_diagram"}
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "theory.ipynb"
    >>> nbformat.write(nbformat.v4.new_notebook(cells=[cell]), path)
    >>> redraw_theory_figures(path) == [cell.id]
    True
    >>> redraw_theory_figures(path)
    []
    """
    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    changed = []
    for cell in nb.cells:
        figure = cell.metadata.get("cxlab", {}).get("figure")
        if figure is None:
            if cell.get("attachments"):
                raise ValueError(
                    f"{path.name}, cell {cell.get('id')!r}: the cell has an image attachment "
                    'but no figure name; add {"cxlab": {"figure": "<diagram>"}} to its metadata'
                )
            continue
        if cell.cell_type != "markdown":
            raise ValueError(f"{path.name}, cell {cell.get('id')!r}: a figure cell is markdown")
        if figure not in DIAGRAMS:
            raise ValueError(
                f"{path.name}, cell {cell.get('id')!r}: {figure!r} is not a theory figure; "
                f"use one of {', '.join(DIAGRAMS)}"
            )
        encoded = base64.b64encode(theory_figure_png(figure)).decode("ascii")
        attachments = cell.setdefault("attachments", {})
        if attachments.get(f"{figure}.png", {}).get("image/png") != encoded:
            attachments[f"{figure}.png"] = {"image/png": encoded}
            changed.append(cell.get("id"))
    if changed:
        nbformat.write(nb, path)
    return changed


def main(argv: Sequence[str] | None = None) -> int:
    """Redraw the theory figures of the notebooks named on the command line."""
    for name in sys.argv[1:] if argv is None else argv:
        for cell_id in redraw_theory_figures(name):
            print(f"{name}: redrew the figure of cell {cell_id}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
