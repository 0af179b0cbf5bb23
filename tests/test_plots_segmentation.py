"""Tests for chapter 04's figures in cxlab.plots: RFM grid, value shares, Pareto, k, profiles."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes

from cxlab import datasets, plots, segmentation


@pytest.fixture(autouse=True)
def _close_figures():
    plots.use_theme()
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def retailer():
    bundle = datasets.load_demo("clothing_retailer")
    return bundle, segmentation.rfm(bundle.transactions)


def _title(ax: Axes) -> str:
    return ax.get_title(loc="left").replace("\n", " ")


def test_rfm_grid_counts_every_customer_once(retailer):
    _, table = retailer
    ax = plots.rfm_grid(table)
    image = ax.get_images()[0].get_array()
    assert image.sum() == len(table)
    assert image.shape == (5, 5)
    share = (table["r_score"].ge(4) & table["f_score"].ge(4)).mean()
    assert _title(ax).startswith(f"{100 * share:.0f}% of customers bought recently and often")


def test_rfm_grid_puts_the_most_recent_on_top():
    t = pd.DataFrame({"r_score": [5, 5, 5, 1], "f_score": [1, 1, 1, 5]})
    grid = plots.rfm_grid(t).get_images()[0].get_array()
    assert grid[0, 0] == 3  # top-left: R 5, F 1
    assert grid[-1, -1] == 1  # bottom-right: R 1, F 5


def test_segment_value_title_names_the_segment_with_most_revenue(retailer):
    _, table = retailer
    ax = plots.segment_value(table)
    revenue = table.groupby("segment", observed=True)["monetary"].sum()
    best = revenue.idxmax()
    share = revenue.max() / revenue.sum()
    assert _title(ax).startswith(f"{best}: ")
    assert _title(ax).endswith(f"bring {100 * share:.0f}% of revenue")
    assert len(ax.patches) == 2 * table["segment"].nunique()


def test_segment_value_follows_a_given_order():
    t = pd.DataFrame({"segment": ["a", "b", "c"], "monetary": [1.0, 2.0, 3.0]})
    ax = plots.segment_value(t, order=["b", "a", "c"])
    assert [tick.get_text() for tick in ax.get_yticklabels()] == ["b", "a", "c"]


def test_pareto_curve_share_matches_value_segments(retailer):
    bundle, table = retailer
    pareto = segmentation.value_segments(bundle.transactions).profile.attrs["pareto"]
    ax = plots.pareto_curve(table["monetary"])
    assert _title(ax) == f"The top 20% of customers bring {100 * pareto:.0f}% of revenue"
    line = ax.get_lines()[0]
    assert line.get_ydata()[-1] == pytest.approx(100)
    assert np.all(np.diff(line.get_ydata()) >= -1e-9) or table["monetary"].min() < 0


def test_pareto_curve_refuses_spend_without_revenue():
    with pytest.raises(ValueError, match="zero or less"):
        plots.pareto_curve(pd.Series([0.0, 0.0]))


def test_k_choice_marks_the_chosen_k_and_says_why():
    scores = pd.DataFrame(
        {
            "silhouette": [0.6, 0.5, 0.4],
            "stability": [0.5, 0.7, 0.9],
            "chosen": [False, False, True],
        },
        index=pd.Index([2, 3, 4], name="k"),
    )
    ax = plots.k_choice(scores)
    assert _title(ax) == "k = 4: the best silhouette (0.40) among the stable solutions"
    assert ax.get_lines()[-1].get_xdata()[0] == 4  # the chosen-k band


def test_k_choice_says_when_no_k_was_stable_enough():
    scores = pd.DataFrame(
        {"silhouette": [0.6, 0.5], "stability": [0.5, 0.7], "chosen": [False, True]},
        index=pd.Index([2, 3], name="k"),
    )
    assert _title(plots.k_choice(scores)) == "k = 3: the most stable solution (none reached 0.8)"


def test_profile_heatmap_uses_names_and_finds_the_most_distinct_cell():
    features = pd.DataFrame({"spend": [10.0, 12, 90, 100], "visits": [5.0, 5, 5, 6]})
    prof = segmentation.profile(features, [0, 0, 1, 1])
    ax = plots.profile_heatmap(prof, names={0: "small baskets", 1: "big baskets"})
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["small baskets (n = 2)", "big baskets (n = 2)"]
    assert _title(ax).startswith("small baskets differs most: spend 0.2×")


def test_profile_heatmap_with_many_features_keeps_its_numbers_apart():
    features = pd.DataFrame({f"f{i}": [1.0, 2.0, 3.0, 4.0] for i in range(12)})
    prof = segmentation.profile(features, [0, 0, 1, 1])
    ax = plots.profile_heatmap(prof, names={0: "a name long enough to need a second line", 1: "b"})
    assert {t.get_fontsize() for t in ax.texts} == {6.5}  # 12 cells a row: smaller numbers
    assert {t.get_rotation() for t in ax.get_xticklabels()} == {45.0}
    assert "\n" in ax.get_yticklabels()[0].get_text()  # the long name wraps
    plt.close(ax.figure)


def test_segment_satisfaction_flags_the_unhappy_segment():
    b = datasets.load_demo("clothing_retailer")
    truth = datasets.planted_truth("clothing_retailer").customers["segment"]
    table = segmentation.satisfaction_by_segment(b.responses, truth, csat_scale=b.config.csat_scale)
    ax = plots.segment_satisfaction(table, metric="csat")
    worst = table["csat"].idxmin()
    assert _title(ax).startswith(f"{worst} is the least satisfied: CSAT")
    assert _title(ax).endswith("significantly below the rest")


def test_segment_satisfaction_wraps_long_names_and_writes_a_true_minus():
    long = "more transformation, more programme management"
    t = pd.DataFrame(
        {
            "nps_n": [196, 536],
            "nps": [-6.6, 36.0],
            "nps_low": [-17.1, 30.0],
            "nps_high": [4.1, 42.0],
            "nps_difference": [-40.0, 40.0],
            "nps_p_adjusted": [0.0001, 0.0001],
        },
        index=pd.Index([long, "more cost review"], name="segment"),
    )
    ax = plots.segment_satisfaction(t)
    ticks = [tick.get_text() for tick in ax.get_yticklabels()]
    assert ticks[0] == "more transformation, more\nprogramme management (n = 196)"
    assert ticks[1] == "more cost review (n = 536)"
    assert f"{long} is the least satisfied: NPS −7 (n = 196)" in _title(ax)
    plt.close(ax.figure)


def test_segment_satisfaction_without_scores_raises():
    t = pd.DataFrame({"nps": [np.nan]}, index=["a"])
    with pytest.raises(ValueError, match="no segment"):
        plots.segment_satisfaction(t)
