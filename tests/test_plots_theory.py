"""Tests for the theory figures in cxlab.plots: concept diagrams drawn without client data."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest

from cxlab import plots
from cxlab.plots._theory import JOURNEY_LAYERS


@pytest.fixture(autouse=True)
def _close_figures():
    plots.use_theme()
    yield
    plt.close("all")


def _texts(ax) -> list[str]:
    return [t.get_text() for t in ax.texts]


def _caption(ax) -> str:
    italic = [t.get_text() for t in ax.texts if t.get_fontstyle() == "italic"]
    assert len(italic) == 1, "one caption in the figure"
    return italic[0]


def test_nps_buckets_colour_0_to_6_7_to_8_and_9_to_10_apart():
    ax = plots.nps_buckets_diagram()
    colours = [tuple(p.get_facecolor()) for p in ax.patches]
    assert len(colours) == 11
    assert len(set(colours[0:7])) == 1 and len(set(colours[7:9])) == 1
    assert len(set(colours[9:11])) == 1
    assert len({colours[0], colours[7], colours[9]}) == 3
    assert "passives sit in n" in _caption(ax)


def test_journey_layers_has_a_cell_for_every_stage_and_layer():
    ax = plots.journey_layers_diagram(["discover", "buy", "use"])
    assert len(ax.patches) == 3 * len(JOURNEY_LAYERS)
    assert {"discover", "buy", "use", *JOURNEY_LAYERS} <= set(_texts(ax))
    assert "persona" in _caption(ax)
    with pytest.raises(ValueError, match="at least one stage"):
        plots.journey_layers_diagram([])


def test_rfm_diagram_names_each_segment_once_over_25_cells():
    ax = plots.rfm_diagram()
    assert len(ax.patches) == 25
    names = [t for t in _texts(ax) if t != _caption(ax)]
    assert len(names) == len(set(names))
    assert {"champions", "lost", "can't lose them", "new"} <= set(names)


def test_interval_width_title_states_the_narrowing_computed_by_hand():
    # Wilson, 95 %, 80 % of n: n = 25 -> half-width 1.96*sqrt(.16/25 + 1.96**2/(4*25**2))
    # / (1 + 1.96**2/25) = 0.151 (±15); n = 400 -> 0.0392 (±4).
    ax = plots.interval_width_diagram(0.8, [400, 25, 100])
    assert ax.get_title(loc="left") == (
        "From 25 to 400 answers the interval narrows from ±15 to ±4 points"
    )
    assert "four times the answers" in _caption(ax)


def test_interval_width_refuses_a_share_outside_0_1_and_a_single_size():
    with pytest.raises(ValueError, match="share"):
        plots.interval_width_diagram(1.2)
    with pytest.raises(ValueError, match="two or more"):
        plots.interval_width_diagram(0.5, [10])
