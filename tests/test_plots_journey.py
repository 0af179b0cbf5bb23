"""Tests for chapter 03's figures (cxlab.plots._journey): each draws; its title states the data."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.patches import FancyArrowPatch, Rectangle

from cxlab import datasets, journey, metrics, plots
from cxlab.contract.config import Scale


@pytest.fixture(autouse=True)
def _close_figures():
    plots.use_theme()
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def retailer():
    return datasets.load_demo("clothing_retailer")


@pytest.fixture(scope="module")
def retailer_map(retailer):
    return journey.journey_map(retailer)


def _title(ax) -> str:
    return " ".join((ax.get_title(loc="left") or ax.get_title()).split())


def _suptitle(fig) -> str:
    return " ".join(fig.get_suptitle().split())


def _small_log() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": ["a", "a", "a", "b", "b", "c"],
            "timestamp": pd.to_datetime(
                [
                    "2024-01-01",
                    "2024-01-03",
                    "2024-01-10",
                    "2024-01-02",
                    "2024-01-05",
                    "2024-01-04",
                ]
            ),
            "stage": ["visit", "buy", "visit", "visit", "buy", "visit"],
            "touchpoint": ["site", "checkout", "site", "site", "checkout", "site"],
        }
    )


# --------------------------------------------------------------------------------------------
# journey map


def test_plots_reexports_the_journey_figures():
    for name in (
        "journey_heatmap",
        "funnel_chart",
        "flow_diagram",
        "variants_chart",
        "stage_durations",
        "health_chart",
    ):
        assert name in plots.__all__
        assert callable(getattr(plots, name))


def test_heatmap_title_names_the_planted_pain_point_with_its_numbers(retailer, retailer_map):
    fig = plots.journey_heatmap(retailer_map, metric="csat")
    row = retailer_map.table.loc[("purchase", "checkout")]
    title = _suptitle(fig)
    assert title.startswith(
        f"{datasets.planted_truth('clothing_retailer').pain_point.capitalize()}"
    )
    assert f"{row['csat']:.0f}%" in title
    assert f"n = {int(row['csat_n'])}" in title


def test_heatmap_colour_bar_spans_the_scores_seen_not_beyond(retailer_map):
    fig = plots.journey_heatmap(retailer_map, metric="csat")
    scores = retailer_map.table["csat"].dropna()
    bar = fig.axes[1]  # the colour bar beside the map
    assert bar.get_ylim() == pytest.approx((scores.min(), scores.max()))
    assert bar.get_ylim()[1] <= 100  # a share of satisfied answers never passes 100%
    plt.close(fig)


def test_heatmap_draws_one_tile_per_touchpoint_and_frames_flags(retailer_map):
    fig = plots.journey_heatmap(retailer_map, metric="csat")
    ax = fig.axes[0]
    tiles = [p for p in ax.patches if isinstance(p, Rectangle)]
    assert len(tiles) == len(retailer_map.table)
    texts = [t.get_text() for t in ax.texts]
    flagged = retailer_map.table["pain_point"] | retailer_map.table["delight"]
    assert sum(t.startswith(("▼", "▲")) for t in texts) == int(flagged.sum())
    assert any(t.startswith("▼ checkout") for t in texts)


def test_heatmap_with_curve_adds_the_emotion_curve_panel(retailer, retailer_map):
    stage_of = retailer_map.table.reset_index().set_index("touchpoint")["stage"]
    r = retailer.responses
    answers = r.assign(stage=r["touchpoint"].map(stage_of)).dropna(subset=["stage"])
    curve = metrics.breakdown(answers, by="stage", metric="csat", scale=retailer.config.csat_scale)
    fig = plots.journey_heatmap(retailer_map, metric="csat", curve=curve)
    curve_ax = fig.axes[0]
    assert "Emotion curve" in curve_ax.get_title(loc="left")
    labels = [t.get_text() for t in curve_ax.texts]
    assert f"{curve.loc['purchase', 'value']:.0f}% (n {int(curve.loc['purchase', 'n'])})" in labels
    assert labels.count("no answers") == 2  # awareness and loyalty have no touchpoint surveys


def test_heatmap_without_scores_shows_volume(retailer):
    jmap = journey.journey_map(retailer.events)
    fig = plots.journey_heatmap(jmap)
    assert "volume only" in _suptitle(fig)
    assert any("customers" in t.get_text() for t in fig.axes[0].texts)


def test_heatmap_of_a_segment_map_needs_a_segment(retailer):
    events = retailer.events.assign(
        persona=retailer.events["customer_id"].map(
            retailer.customers.set_index("customer_id")["channel"]
        )
    )
    jmap = journey.journey_map(events, by="persona")
    with pytest.raises(ValueError, match="segment"):
        plots.journey_heatmap(jmap)
    fig = plots.journey_heatmap(jmap, segment="social", title="social")
    assert _suptitle(fig) == "Social"


def test_heatmap_ces_lower_is_better_picks_the_highest_as_worst():
    ev = pd.DataFrame(
        {
            "customer_id": ["a", "a"],
            "timestamp": pd.to_datetime(["2024-01-01", "2024-01-02"]),
            "stage": ["purchase", "service"],
            "touchpoint": ["checkout", "delivery"],
        }
    )
    r = pd.DataFrame(
        {"touchpoint": ["checkout"] * 30 + ["delivery"] * 30, "ces": [6, 7] * 15 + [1, 2] * 15}
    )
    jmap = journey.journey_map(
        ev, r, metrics=["ces"], ces_scale=Scale(1, 7, direction="higher_is_harder")
    )
    fig = plots.journey_heatmap(jmap, metric="ces", higher_is_better=False)
    assert _suptitle(fig).startswith("Checkout is the low point")
    assert bool(jmap.table.loc[("purchase", "checkout"), "pain_point"])


# --------------------------------------------------------------------------------------------
# funnel, flows, paths, time


def test_funnel_title_states_the_biggest_drop_with_interval(retailer_map):
    f = retailer_map.funnel
    ax = plots.funnel_chart(f)
    worst = f["drop_off"].idxmax()
    title = _title(ax)
    assert f"to {worst}" in title
    assert f"{f.loc[worst, 'drop_off']:.0%}" in title
    assert (
        f"{100 * f.loc[worst, 'drop_off_low']:.0f}–{100 * f.loc[worst, 'drop_off_high']:.0f}%"
        in title
    )


def test_funnel_bars_match_the_counts():
    f = journey.funnel(_small_log(), stages=["visit", "buy"])
    ax = plots.funnel_chart(f)
    widths = [p.get_width() for p in ax.patches]
    assert widths == f["customers"].tolist()


def test_flow_diagram_draws_one_arrow_per_move_between_stages():
    moves = journey.transitions(_small_log(), stages=["visit", "buy"])
    ax = plots.flow_diagram(moves, stages=["visit", "buy"])
    arrows = [p for p in ax.patches if isinstance(p, FancyArrowPatch)]
    assert len(arrows) == int((moves["from"] != moves["to"]).sum())
    assert (
        _title(ax)
        == "Visit → buy is the busiest step (2 moves); 1 of 3 moves between stages go back"
    )


def test_flow_diagram_arrow_width_grows_with_count(retailer):
    moves = journey.transitions(retailer.events)
    ax = plots.flow_diagram(moves, stages=journey.DEFAULT_STAGES)
    arrows = [p for p in ax.patches if isinstance(p, FancyArrowPatch)]
    widths = [a.get_linewidth() for a in arrows]
    assert widths == sorted(widths)  # drawn from the smallest count to the largest


def test_variants_chart_greys_the_other_paths_and_states_the_top_path(retailer):
    v = journey.variants(retailer.events)
    ax = plots.variants_chart(v)
    assert len(ax.patches) == len(v)
    top = " → ".join(v["path"].iloc[0])
    assert top in _title(ax)
    assert f"{100 * v['share'].iloc[0]:.0f}%" in _title(ax)
    grey = ax.patches[-1].get_facecolor()[:3]
    assert np.allclose(grey, (0.62, 0.62, 0.62))


def test_stage_durations_leaves_out_repeats_and_names_quickest_and_slowest(retailer):
    d = journey.durations(retailer.events, collapse=True)
    ax = plots.stage_durations(d, stages=journey.DEFAULT_STAGES)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert all(a != b for a, b in (label.split(" → ") for label in labels))
    assert labels[0] == "awareness → consideration"
    assert "quickest" in _title(ax) and "slowest" in _title(ax)


def test_stage_durations_without_enough_moves_raises():
    d = journey.durations(_small_log(), stages=["visit", "buy"])
    with pytest.raises(ValueError, match="no move"):
        plots.stage_durations(d, min_count=50)


# --------------------------------------------------------------------------------------------
# health


def test_health_chart_counts_flags_in_its_title():
    ev = pd.DataFrame(
        {
            "customer_id": [f"c{i}" for i in range(200) for _ in range(2)],
            "timestamp": pd.to_datetime(
                ["2024-01-05", "2024-01-06"] * 100 + ["2024-02-05", "2024-02-06"] * 100
            ),
            "stage": ["visit", "buy"] * 50
            + ["visit", "visit"] * 50
            + ["visit", "buy"] * 90
            + ["visit", "visit"] * 10,
        }
    )
    h = journey.health(ev, stages=["visit", "buy"])
    ax = plots.health_chart(h, measure="conversion", stage="buy")
    title = _title(ax)
    assert title.startswith("Conversion into buy:")
    assert "1 significant change" in title
    assert "latest 90% (n = 100)" in title


def test_health_chart_for_a_touchpoint_score(retailer):
    h = journey.health(retailer, metrics=["csat"])
    ax = plots.health_chart(h, measure="csat", touchpoint="checkout")
    assert _title(ax).startswith("CSAT at checkout:")
    assert "of 24 months" in _title(ax)


def test_health_chart_without_matching_rows_raises(retailer):
    h = journey.health(retailer.events)
    with pytest.raises(ValueError, match="no period"):
        plots.health_chart(h, measure="csat", touchpoint="checkout")


# --------------------------------------------------------------------------------------------
# many stages and short steps


def _chain(n_customers: int, furthest, n_stages: int, step: str = "1D") -> pd.DataFrame:
    """Customers walking stages s00, s01, ... in order, customer k as far as furthest(k)."""
    rows = [
        (f"c{k:03d}", pd.Timestamp("2024-01-01") + j * pd.Timedelta(step), f"s{j:02d}")
        for k in range(n_customers)
        for j in range(furthest(k) + 1)
    ]
    return pd.DataFrame(rows, columns=["customer_id", "timestamp", "stage"])


def test_funnel_chart_draws_at_most_max_stages_and_notes_the_rest():
    names = [f"s{j:02d}" for j in range(20)]
    # customer k reaches stage min(k, 19): stage j has 40 - j customers, so the drop-off
    # 1 / (41 - j) is largest into the last stage, s19 (1 of 22 go no further)
    f = journey.funnel(_chain(40, lambda k: min(k, 19), 20), stages=names)
    ax = plots.funnel_chart(f)
    assert len(ax.patches) == 12
    assert "8 later stages not drawn (the funnel table holds all 20)" in ax.get_xlabel()
    assert _title(ax).startswith("The biggest drop-off is from s18 to s19: 5% of customers")


def test_flow_diagram_merges_the_least_busy_stages_into_one_node():
    names = [f"s{j:02d}" for j in range(15)]
    moves = journey.transitions(_chain(50, lambda k: 14, 15), stages=names)
    ax = plots.flow_diagram(moves, stages=names)
    nodes = [t.get_text() for t in ax.texts if t.get_fontsize() == 7.8]
    # the first and last stage stay; of the middle ones, each with 100 moves in and out, the
    # first seven in journey order fill the other places; s08-s13 are merged
    expected = [f"s{j:02d}" for j in range(8)] + ["s14", "(other stages)"]
    assert [n.split("\n")[0] for n in nodes] == expected
    note = [t.get_text() for t in ax.texts if t.get_text().startswith("Not drawn")]
    assert note == ["Not drawn: 6 less busy stages merged into (other stages)."]
    assert _title(ax).startswith("S00 → s01 is the busiest step (50 moves)")


def test_flow_diagram_leaves_out_rare_moves_and_says_how_many():
    t = pd.DataFrame({"from": ["a", "b", "a"], "to": ["b", "c", "c"], "count": [200, 199, 1]})
    ax = plots.flow_diagram(t, stages=["a", "b", "c"])
    assert len([p for p in ax.patches if isinstance(p, FancyArrowPatch)]) == 2
    note = [t.get_text() for t in ax.texts if t.get_text().startswith("Not drawn")]
    assert note == ["Not drawn: 1 rare move (1 of 400, each under 1%) not drawn."]


def test_variants_chart_shortens_long_paths_to_their_ends():
    path = tuple(f"s{j:02d}" for j in range(12))
    v = pd.DataFrame(
        {"customers": [5], "share": [1.0], "path": [path]},
        index=pd.Index([" → ".join(path)], name="variant"),
    )
    ax = plots.variants_chart(v)
    label = " ".join(ax.get_yticklabels()[0].get_text().split())
    assert label == "s00 → s01 → s02 → … 6 more … → s09 → s10 → s11"


def test_stage_durations_writes_minutes_as_minutes_and_reaches_down_to_them():
    # every customer: visit, then buy 5 minutes later
    ev = _chain(20, lambda k: 1, 2, step="5min")
    d = journey.durations(ev, stages=["s00", "s01"])
    ax = plots.stage_durations(d, stages=["s00", "s01"])
    notes = [t.get_text() for t in ax.texts]
    assert notes == ["median 5 minutes (n 20)"]
    assert _title(ax) == "S00 → s01 is the quickest step (median 5 minutes)"
    assert ax.get_xlim()[0] < 5 / 1440


def test_stage_durations_draws_at_most_max_rows():
    names = [f"s{j:02d}" for j in range(8)]
    d = journey.durations(_chain(10, lambda k: 7, 8), stages=names)
    ax = plots.stage_durations(d, stages=names, max_rows=4)
    assert len(ax.get_yticklabels()) == 4
    assert "3 less frequent moves not drawn" in ax.get_xlabel()


def test_funnel_chart_singles_out_no_step_when_nobody_is_lost():
    f = journey.funnel(_chain(5, lambda k: 2, 3), stages=["s00", "s01", "s02"])
    ax = plots.funnel_chart(f)
    assert _title(ax) == "5 customers enter the journey and no stage loses any of them"
    assert not any(t.get_fontweight() == "bold" for t in ax.texts)
