"""Tests for cxlab.plots: the figure theme and the welcome tour's plots."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import calendar
import inspect

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.colors import to_hex
from matplotlib.figure import Figure

from cxlab import overview, plots
from cxlab.plots._docs import KIND, PIECES, axes_level, figure_level


@pytest.fixture(autouse=True)
def _close_figures():
    plots.use_theme()
    yield
    plt.close("all")


def _title(ax: Axes) -> str:
    return ax.get_title(loc="left") or ax.get_title()


# --------------------------------------------------------------------------------------------
# the plot convention

_HELPERS = {"use_theme", "palette", "close"}


def _plot_functions():
    return [
        (name, getattr(plots, name))
        for name in plots.__all__
        if callable(getattr(plots, name)) and name not in _HELPERS
    ]


def test_every_plot_function_is_marked_axes_or_figure_level():
    kinds = {name: getattr(func, KIND, None) for name, func in _plot_functions()}
    assert set(kinds.values()) == {"axes", "figure"}, kinds
    assert kinds["journey_heatmap"] == "figure" and kinds["funnel_chart"] == "axes"


@pytest.mark.parametrize("name", plots.__all__)
def test_axes_level_takes_ax_and_returns_axes_figure_level_returns_a_figure(name):
    func = getattr(plots, name)
    kind = getattr(func, KIND, None)
    if kind is None:
        assert name in _HELPERS or not callable(func)
        return
    params = inspect.signature(func).parameters
    annotation = str(inspect.signature(func).return_annotation)
    assert params["title"].kind is inspect.Parameter.KEYWORD_ONLY
    if kind == "axes":
        assert params["ax"].kind is inspect.Parameter.KEYWORD_ONLY
        assert params["ax"].default is None
        assert annotation == "Axes"
        assert PIECES["ax"].splitlines()[1].strip() in func.__doc__
        assert PIECES["returns_axes"].splitlines()[1].strip() in func.__doc__
    else:
        assert "ax" not in params
        assert annotation == "Figure"
        assert "figure-level" in func.__doc__
    assert "{ax}" not in func.__doc__ and "{returns_" not in func.__doc__


def test_axes_level_draws_on_the_axes_given_and_returns_it():
    fig, (left, right) = plt.subplots(1, 2)
    monthly = overview.monthly_revenue(
        pd.DataFrame(
            {
                "customer_id": ["a", "b"],
                "date": pd.to_datetime(["2024-01-05", "2024-02-01"]),
                "amount": [10.0, 25.0],
            }
        )
    )
    assert plots.monthly_revenue(monthly, ax=right) is right
    assert right.figure is fig and left.get_title(loc="left") == ""


def test_the_markers_refuse_a_function_that_breaks_the_convention():
    def no_ax(data, *, title=None):
        """Draw."""

    def with_ax(data, *, ax=None, title=None):
        """Draw."""

    def positional_ax(data, ax=None):
        """Draw."""

    with pytest.raises(TypeError, match="keyword-only ax"):
        axes_level(no_ax)
    with pytest.raises(TypeError, match="keyword-only ax"):
        axes_level(positional_ax)
    with pytest.raises(TypeError, match="must not take ax"):
        figure_level(with_ax)


def test_shared_pieces_are_indented_like_their_placeholder():
    def chart(data, *, ax=None, title=None):
        """Draw a chart.

        Parameters
        ----------
        data : pandas.DataFrame
            The data.
        {ax}

        Returns
        -------
        {returns_axes}
        """

    doc = axes_level(chart).__doc__
    assert "\nax : matplotlib.axes.Axes, optional\n    Where to draw;" in doc
    assert "\nmatplotlib.axes.Axes\n    The Axes drawn on" in doc


# --------------------------------------------------------------------------------------------
# theme


def test_use_theme_is_idempotent():
    plots.use_theme()
    first = {k: repr(v) for k, v in mpl.rcParams.items()}
    plots.use_theme()
    second = {k: repr(v) for k, v in mpl.rcParams.items()}
    assert first == second


def test_theme_uses_the_colorblind_palette():
    cycle = [to_hex(c) for c in mpl.rcParams["axes.prop_cycle"].by_key()["color"]]
    assert cycle == [to_hex(c) for c in sns.color_palette("colorblind")]
    assert [to_hex(c) for c in plots.palette(3)] == cycle[:3]


def test_theme_keeps_figures_light():
    width, height = mpl.rcParams["figure.figsize"]
    assert mpl.rcParams["figure.dpi"] <= 100
    assert mpl.rcParams["savefig.dpi"] <= 100
    assert width * height <= 40


def test_theme_fonts_are_readable():
    assert mpl.rcParams["font.size"] >= 9
    assert mpl.rcParams["xtick.labelsize"] >= 8


def test_close_accepts_axes_and_figures():
    fig, ax = plt.subplots()
    plots.close(ax)
    assert not plt.fignum_exists(fig.number)


# --------------------------------------------------------------------------------------------
# the tour's plots


def _monthly() -> pd.DataFrame:
    rng = np.random.default_rng(5)
    months = pd.date_range("2023-01-01", periods=24, freq="MS")
    revenue = 1000 + 100 * rng.random(24)
    revenue[22] = 5000.0  # November 2024
    return pd.DataFrame(
        {
            "revenue": revenue,
            "sales": revenue + 50,
            "refunds": np.full(24, 50.0),
            "orders": np.full(24, 10),
            "customers": np.full(24, 8),
        },
        index=pd.DatetimeIndex(months, name="month"),
    )


def test_monthly_revenue_title_names_the_peak_and_axes_carry_units():
    ax = plots.monthly_revenue(_monthly(), currency="EUR")
    assert isinstance(ax, Axes)
    assert _title(ax) == "Revenue peaks in November 2024 at 5,000 EUR"
    assert ax.get_ylabel() == "Revenue per month (EUR)"
    assert ax.get_xlabel() == "Month"


def test_monthly_revenue_accepts_a_title_and_an_axes():
    _, ax = plt.subplots()
    out = plots.monthly_revenue(_monthly(), ax=ax, title="Custom")
    assert out is ax
    assert _title(ax) == "Custom"


def test_seasonal_index_title_names_strongest_and_weakest_month():
    seasonal = pd.DataFrame(
        {"index": [0.6] + [1.0] * 10 + [1.4], "years": 2, "method": "mean"},
        index=pd.Index(range(1, 13), name="month"),
    )
    seasonal.insert(0, "month_name", [calendar.month_name[m] for m in range(1, 13)])
    ax = plots.seasonal_index(seasonal)
    assert _title(ax) == "December runs 40% above an ordinary month, January 40% below"
    assert "1 = ordinary month" in ax.get_ylabel()
    assert len(ax.patches) == 12


def test_responses_per_month_title_names_top_touchpoint_share():
    counts = pd.DataFrame(
        {"web": [6, 3], "store": [1, 0]},
        index=pd.DatetimeIndex(["2024-01-01", "2024-02-01"], name="month"),
    )
    counts.columns.name = "touchpoint"
    ax = plots.responses_per_month(counts)
    assert _title(ax) == "web collects the most feedback: 90% of 10 responses"
    assert ax.get_ylabel() == "Responses per month (count)"
    assert ax.get_legend() is not None


def test_responses_per_month_title_skips_the_missing_group_and_reports_it():
    counts = pd.DataFrame(
        {"web": [2, 1], overview.MISSING: [6, 0], "store": [1, 0]},
        index=pd.DatetimeIndex(["2024-01-01", "2024-02-01"], name="month"),
    )
    counts.columns.name = "touchpoint"
    ax = plots.responses_per_month(counts)
    assert _title(ax) == (
        "web collects the most feedback: 30% of 10 responses; 60% name no touchpoint"
    )


def test_responses_per_month_single_group_reports_monthly_rate():
    counts = pd.DataFrame(
        {"all": [6, 4]}, index=pd.DatetimeIndex(["2024-01-01", "2024-02-01"], name="month")
    )
    ax = plots.responses_per_month(counts)
    assert _title(ax) == "10 responses, about 5 a month"


def test_score_distributions_panels_show_each_metric_with_its_n():
    responses = pd.DataFrame(
        {
            "nps": pd.array([10, 9, 9, 3, None], dtype="Int64"),
            "csat": pd.array([4, 4, 5, 2, 1], dtype="Int64"),
        }
    )
    fig = plots.score_distributions(overview.score_distributions(responses))
    assert isinstance(fig, Figure)
    titles = [_title(ax) for ax in fig.axes]
    assert titles == ["NPS (0–10), n = 4", "CSAT (1–5), n = 5"]
    assert fig.get_suptitle().startswith("Most common answer: NPS 9, CSAT 4")
    labels = [t.get_text() for t in fig.axes[0].texts]
    assert labels == ["0", "0", "0", "1", "0", "0", "0", "0", "0", "2", "1"]


def test_score_distributions_rejects_empty_input():
    with pytest.raises(ValueError, match="empty"):
        plots.score_distributions(overview.score_distributions(pd.DataFrame({"x": [1]})))


def test_attribute_bars_draw_one_panel_per_attribute():
    customers = pd.DataFrame(
        {
            "customer_id": list("abcdefgh"),
            "region": ["north"] * 5 + ["south"] * 3,
            "plan": ["pro", "pro", "basic", "basic", "basic", "basic", None, "pro"],
        }
    )
    fig = plots.attribute_bars(overview.attribute_counts(customers), ncols=3)
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert [_title(ax) for ax in visible] == [
        "Region\nnorth leads (62%)",
        "Plan\nbasic leads (50%)",
    ]
    assert "8 customers" in fig.get_suptitle()
    assert all(ax.get_xlabel() == "Share of customers (%)" for ax in visible)


def test_attribute_bars_write_names_in_words_and_yes_no_columns_as_yes_and_no():
    customers = pd.DataFrame(
        {
            "customer_id": list("abcde"),
            "marketing_consent": [True, True, True, False, False],
            "fee_discount": ["false", "false", "true", "false", "true"],  # as a file wrote it
        }
    )
    fig = plots.attribute_bars(overview.attribute_counts(customers), ncols=2)
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert [_title(ax) for ax in visible] == [
        "Marketing consent\nyes leads (60%)",
        "Fee discount\nno leads (60%)",
    ]
    ticks = [[t.get_text() for t in ax.get_yticklabels()] for ax in visible]
    assert ticks == [["yes", "no"], ["no", "yes"]]  # largest group first


def test_responses_per_month_legend_names_the_grouping_in_words():
    idx = pd.period_range("2024-01", periods=2, freq="M").to_timestamp()
    counts = pd.DataFrame({"web": [3, 4], "store": [1, 2]}, index=idx)
    counts.columns.name = "sales_channel"
    ax = plots.responses_per_month(counts)
    assert ax.get_legend().get_title().get_text() == "Sales channel"


def test_attribute_bars_rejects_empty_counts():
    empty = overview.attribute_counts(pd.DataFrame({"customer_id": ["a"]}))
    with pytest.raises(ValueError, match="empty"):
        plots.attribute_bars(empty)


def test_journey_stages_title_names_the_biggest_drop_of_a_funnel():
    stages = pd.DataFrame(
        {
            "events": [10, 8, 3],
            "customers": [10, 8, 2],
            "share": [1.0, 0.8, 0.2],
            "step_conversion": [np.nan, 0.8, 0.25],
        },
        index=pd.Index(["awareness", "consideration", "purchase"], name="stage"),
    )
    ax = plots.journey_stages(stages)
    assert _title(ax) == (
        "The biggest drop is from consideration to purchase: 75% of customers do not go on"
    )
    assert [t.get_text() for t in ax.texts] == ["10 (100%)", "8 (80%)", "2 (20%)"]
    assert ax.get_xlabel() == "Customers with an event in the stage (count)"


def test_journey_stages_without_any_drop_uses_neutral_title():
    stages = pd.DataFrame(
        {
            "events": [2, 2],
            "customers": [2, 2],
            "share": [1.0, 1.0],
            "step_conversion": [np.nan, 1],
        },
        index=pd.Index(["a", "b"], name="stage"),
    )
    assert _title(plots.journey_stages(stages)) == "Customers at each journey stage"


def test_journey_stages_that_rise_again_name_most_and_least_recorded_stage():
    stages = pd.DataFrame(
        {
            "events": [5, 9, 4],
            "customers": [5, 9, 4],
            "share": [0.5, 0.9, 0.4],
            "step_conversion": [np.nan, 1.8, 4 / 9],
        },
        index=pd.Index(["awareness", "purchase", "loyalty"], name="stage"),
    )
    assert _title(plots.journey_stages(stages)) == (
        "Purchase is recorded for the most customers (90%), loyalty for the fewest (40%)"
    )
