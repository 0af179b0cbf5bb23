"""Tests for chapter 02's figures: breakdowns, control charts, NPS groups and key drivers."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from cxlab import datasets, drivers, metrics, plots, present
from cxlab.plots._drivers import _longest_run


@pytest.fixture(autouse=True)
def _close_figures():
    plots.use_theme()
    yield
    plt.close("all")


def _title(ax: Axes) -> str:
    return " ".join((ax.get_title(loc="left") or ax.get_title()).split())


def _ticks(ax: Axes) -> list[str]:
    return [t.get_text() for t in ax.get_yticklabels()]


# --------------------------------------------------------------------------------------------
# breakdown_chart


def _csat_responses() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "touchpoint": ["web"] * 60 + ["store"] * 60 + ["phone"] * 60 + ["fax"] * 3,
            "csat": [5, 4, 4, 5] * 15 + [2, 3, 2, 4] * 15 + [5, 4, 3, 2] * 15 + [5, 5, 5],
        }
    )


def test_breakdown_title_names_the_worst_group_that_differs_with_its_score():
    table = metrics.breakdown(_csat_responses(), by="touchpoint", metric="csat")
    ax = plots.breakdown_chart(table)
    store = table.loc["store"]
    rest = store["value"] - store["difference"]
    assert _title(ax) == (
        f"store scores worst: {store['value']:.0f}% satisfied against {rest:.0f}% for the rest"
    )


def test_breakdown_lists_masked_groups_with_their_n_but_no_point():
    table = metrics.breakdown(_csat_responses(), by="touchpoint", metric="csat", min_n=5)
    ax = plots.breakdown_chart(table)
    assert "fax (n = 3) – too few to score" in _ticks(ax)
    points = [line for line in ax.lines if line.get_marker() == "o"]
    assert len(points) == 3  # fax has no point


def test_breakdown_follows_the_given_order_and_appends_the_rest():
    table = metrics.breakdown(_csat_responses(), by="touchpoint", metric="csat")
    ax = plots.breakdown_chart(table, order=["web", "nowhere", "phone"])
    names = [t.split(" (")[0] for t in _ticks(ax)]
    assert names == ["web", "phone", "fax", "store"]


def test_breakdown_says_so_when_no_group_is_worse():
    r = pd.DataFrame({"channel": ["a"] * 50 + ["b"] * 50, "csat": [5, 2] * 50})
    ax = plots.breakdown_chart(metrics.breakdown(r, by="channel", metric="csat"))
    assert _title(ax).startswith("No channel scores clearly worse")


def test_breakdown_of_effort_respects_the_direction_of_the_scale():
    r = pd.DataFrame(
        {"touchpoint": ["easy"] * 60 + ["hard"] * 60, "ces": [7, 6] * 30 + [2, 3] * 30}
    )
    table = metrics.breakdown(r, by="touchpoint", metric="ces", scale=7)
    assert _title(plots.breakdown_chart(table)).startswith("hard takes the most effort")
    harder = plots.breakdown_chart(table, higher_is_better=False)
    assert _title(harder).startswith("easy takes the most effort")


def test_breakdown_draws_the_overall_line_and_labels_the_axis_with_the_scale():
    table = metrics.breakdown(_csat_responses(), by="touchpoint", metric="csat")
    ax = plots.breakdown_chart(table, overall=55.0)
    assert any(list(line.get_xdata()) == [55.0, 55.0] for line in ax.lines)
    assert ax.get_xlabel() == "CSAT: satisfied answers (%, 1–5 scale)"


def test_breakdown_long_titles_wrap_instead_of_running_off_the_figure():
    table = metrics.breakdown(_csat_responses(), by="touchpoint", metric="csat")
    ax = plots.breakdown_chart(table, title="word " * 40)
    assert "\n" in ax.get_title(loc="left")


def test_breakdown_of_an_empty_table_raises():
    empty = metrics.breakdown(_csat_responses(), by="touchpoint", metric="csat").iloc[:0]
    with pytest.raises(ValueError, match="no groups"):
        plots.breakdown_chart(empty)


def test_breakdown_draws_on_a_given_axes():
    _, ax = plt.subplots()
    table = metrics.breakdown(_csat_responses(), by="touchpoint", metric="csat")
    assert plots.breakdown_chart(table, ax=ax) is ax


# --------------------------------------------------------------------------------------------
# control_chart


def _monthly(values: list[float], n: int = 60) -> pd.DataFrame:
    """Responses whose monthly CSAT share is close to the given percentages."""
    rows = []
    for month, share in enumerate(values, start=1):
        k = round(share / 100 * n)
        date = pd.Timestamp(2024 + (month - 1) // 12, (month - 1) % 12 + 1, 10)
        rows += [(date, 5)] * k + [(date, 2)] * (n - k)
    return pd.DataFrame(rows, columns=["date", "csat"])


def test_control_chart_names_a_period_outside_the_limits():
    trend = metrics.trend(_monthly([60, 62, 58, 61, 59, 10, 60, 61]), metric="csat")
    ax = plots.control_chart(trend)
    assert _title(ax) == "1 month falls below the control limits: 2024-06"


def test_control_chart_names_a_sustained_run_inside_the_limits():
    values = [50, 52, 49, 51, 50, 48, 58, 59, 60, 58, 59, 60, 61, 59]
    trend = metrics.trend(_monthly(values), metric="csat")
    assert not trend["outside"].any()
    title = _title(plots.control_chart(trend))
    assert title.startswith("No month leaves the control limits, but 8 in a row sit above")
    assert "(2024-07 to 2025-02)" in title
    assert _title(plots.control_chart(trend, run=0)).startswith("Every month stays inside")


def test_control_chart_leaves_out_quiet_periods():
    r = pd.concat(
        [_monthly([60, 61, 59]), pd.DataFrame({"date": [pd.Timestamp("2024-05-01")], "csat": [5]})]
    )
    trend = metrics.trend(r, metric="csat")
    ax = plots.control_chart(trend, min_n=20)
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert "2024-05" not in labels and "2024-04" not in labels
    with pytest.raises(ValueError, match="at least 1000"):
        plots.control_chart(trend, min_n=1000)


def test_control_chart_words_quarters():
    r = _monthly([60, 61, 59, 60, 62, 58])
    ax = plots.control_chart(metrics.trend(r, metric="csat", freq="Q"))
    assert ax.get_xlabel() == "Quarter"
    assert "quarter" in _title(ax)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([1, 2, 3, 6, 7, 8, 9, 2], (3, 7, "above")),
        ([1, 2, 3], (0, 3, "below")),
        ([6, 4, 6, 4], (0, 1, "above")),
        ([], (0, 0, "above")),
    ],
)
def test_longest_run_finds_the_first_longest_stretch_on_one_side(values, expected):
    assert _longest_run(np.array(values, dtype=float), 5.0) == expected


def test_longest_run_is_broken_by_points_on_the_centre_line():
    assert _longest_run(np.array([6, 6, 5, 6, 6, 6], dtype=float), 5.0) == (3, 6, "above")


# --------------------------------------------------------------------------------------------
# nps_group_chart


def test_nps_group_chart_title_gives_shares_and_the_score():
    r = pd.DataFrame({"nps": [10, 9, 9, 8, 7, 3, 2, 10]})
    fig = plots.nps_group_chart(metrics.nps_groups(r))
    assert isinstance(fig, Figure)
    assert fig.get_suptitle() == "50% promoters, 25% detractors: NPS +25 from 8 answers"
    assert len(fig.axes) == 1


def test_nps_group_chart_profiles_the_most_distinctive_attribute():
    responses = pd.DataFrame({"customer_id": list("abcdefgh"), "nps": [10, 10, 9, 9, 2, 3, 1, 8]})
    customers = pd.DataFrame(
        {
            "customer_id": list("abcdefgh"),
            "plan": ["pro"] * 4 + ["free"] * 4,
            "region": ["n", "s"] * 4,
        }
    )
    fig = plots.nps_group_chart(metrics.nps_groups(responses, customers=customers))
    assert len(fig.axes) == 2
    assert fig.axes[1].get_title(loc="left") == "Plan free: 100% of detractors, 0% of promoters"


def test_nps_group_chart_writes_column_names_in_words_and_booleans_as_yes_no():
    responses = pd.DataFrame({"customer_id": list("abcdefgh"), "nps": [10, 10, 9, 9, 2, 3, 1, 8]})
    customers = pd.DataFrame(
        {"customer_id": list("abcdefgh"), "marketing_consent": [True] * 4 + [False] * 4}
    )
    fig = plots.nps_group_chart(metrics.nps_groups(responses, customers=customers))
    # the four detractors (2, 3, 1 and the passive 8 aside) all gave no consent
    title = fig.axes[1].get_title(loc="left")
    assert title == "Marketing consent no: 100% of detractors, 0% of promoters"
    assert sorted(_ticks(fig.axes[1])) == ["no", "yes"]


# --------------------------------------------------------------------------------------------
# driver_chart


@pytest.fixture(scope="module")
def retailer_drivers():
    bundle = datasets.load_demo("clothing_retailer")
    return drivers.key_drivers(
        bundle.responses, outcome="nps", drivers=list(bundle.config.drivers), seed=1, n_boot=50
    )


def test_driver_chart_title_names_the_planted_top_driver(retailer_drivers):
    fig = plots.driver_chart(retailer_drivers)
    top = retailer_drivers.table.iloc[0]
    assert fig.get_suptitle() == (
        f"Product quality carries {top['rescaled_weight']:.0f}% of the explained variation in "
        f"NPS (R² {retailer_drivers.r2:.2f}, n = {retailer_drivers.n:,})"
    )


def test_driver_chart_keeps_small_performance_differences_small(retailer_drivers):
    fig = plots.driver_chart(retailer_drivers)
    low, high = fig.axes[1].get_xlim()
    assert high - low >= 0.5  # at least half a scale point, however close the items score


def test_driver_chart_orders_bars_by_importance(retailer_drivers):
    fig = plots.driver_chart(retailer_drivers)
    assert _ticks(fig.axes[0]) == [present.label(d) for d in retailer_drivers.ranking]


def test_driver_chart_names_items_in_words(retailer_drivers):
    fig = plots.driver_chart(retailer_drivers)
    names = _ticks(fig.axes[0]) + [t.get_text() for t in fig.axes[1].texts]
    assert "Product quality" in names
    assert not [n for n in names if "_" in n]


def test_breakdown_chart_says_the_grouping_in_words_and_booleans_as_yes_no():
    r = pd.DataFrame({"repeat_buyer": [True] * 40 + [False] * 40, "csat": [5, 4] * 40})
    ax = plots.breakdown_chart(metrics.breakdown(r, by="repeat_buyer", metric="csat"))
    assert " ".join(ax.get_title(loc="left").split()) == (
        "No repeat buyer scores clearly worse than the rest once chance is allowed for"
    )
    assert sorted(_ticks(ax)) == ["no (n = 40)", "yes (n = 40)"]


# --------------------------------------------------------------------------------------------
# the planted pain point comes out in every demo


@pytest.mark.parametrize("demo", ["clothing_retailer", "saas", "restaurant", "consulting"])
def test_breakdown_chart_titles_the_planted_pain_point(demo):
    bundle = datasets.load_demo(demo)
    pain = datasets.planted_truth(demo).pain_point
    csat = metrics.breakdown(
        bundle.responses, by="touchpoint", metric="csat", scale=bundle.config.csat_scale
    )
    ces = metrics.breakdown(
        bundle.responses, by="touchpoint", metric="ces", scale=bundle.config.ces_scale
    )
    assert _title(plots.breakdown_chart(csat)).startswith(f"{pain} scores worst")
    assert _title(plots.breakdown_chart(ces)).startswith(f"{pain} takes the most effort")
