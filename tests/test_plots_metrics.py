"""Tests for chapter 01's figures in cxlab.plots: score categories, small surveys, margins."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes
from matplotlib.colors import to_hex
from matplotlib.figure import Figure

from cxlab import metrics, overview, plots
from cxlab.contract.config import Scale


@pytest.fixture(autouse=True)
def _close_figures():
    plots.use_theme()
    yield
    plt.close("all")


def _title(ax: Axes) -> str:
    return ax.get_title(loc="left") or ax.get_title()


def _answers() -> pd.DataFrame:
    """Ten answers: NPS 5 promoters, 3 passives, 2 detractors; CSAT 1–5; CES 1–7."""
    return pd.DataFrame(
        {
            "nps": [10, 10, 9, 9, 9, 8, 7, 7, 3, 6],
            "csat": [5, 5, 4, 4, 4, 4, 3, 2, 1, 5],
            "ces": [7, 6, 5, 5, 4, 3, 2, 6, 7, 1],
        }
    )


def _scores(answers: pd.DataFrame, **ces_options) -> dict[str, metrics.Score]:
    return {
        "nps": metrics.nps(answers["nps"]),
        "csat": metrics.csat(answers["csat"]),
        "ces": metrics.ces(answers["ces"], **ces_options),
    }


def _bar_colours(ax: Axes) -> list[str]:
    return [to_hex(p.get_facecolor()) for p in ax.patches]


# --------------------------------------------------------------------------------------------
# score_categories


def test_score_categories_draws_one_panel_per_score_with_its_calculation():
    answers = _answers()
    fig = plots.score_categories(overview.score_distributions(answers), _scores(answers))
    assert isinstance(fig, Figure)
    titles = [_title(ax) for ax in fig.axes]
    assert titles[0] == "NPS = 50% − 20% = 30\nn = 10"
    assert titles[1] == "CSAT = 70% satisfied (4–5)\nn = 10"
    assert titles[2] == "CES mean 4.60 (1–7)\n60% easy (5–7), n = 10"
    assert fig.get_suptitle() == (
        "50% promote and 20% detract, 70% are satisfied and 60% found it easy"
    )


def test_score_categories_colours_promoters_detractors_and_the_rest():
    answers = _answers()
    fig = plots.score_categories(overview.score_distributions(answers), _scores(answers))
    good, bad = (to_hex(c) for c in plots.palette(2))
    grey = to_hex((0.72, 0.72, 0.72))
    nps_colours = _bar_colours(fig.axes[0])
    assert nps_colours == [bad] * 7 + [grey] * 2 + [good] * 2
    assert _bar_colours(fig.axes[1]) == [grey] * 3 + [good] * 2


def test_score_categories_follows_the_direction_of_the_effort_scale():
    answers = _answers()
    harder = _scores(answers, scale=Scale(1, 7, direction="higher_is_harder"))
    fig = plots.score_categories(overview.score_distributions(answers), {"ces": harder["ces"]})
    good = to_hex(plots.palette(1)[0])
    grey = to_hex((0.72, 0.72, 0.72))
    assert _bar_colours(fig.axes[0]) == [good] * 3 + [grey] * 4
    assert "easy (1–3)" in _title(fig.axes[0])


def test_score_categories_reads_the_threshold_of_a_ten_point_csat_scale():
    answers = pd.DataFrame({"csat": [10, 9, 8, 7, 7, 3]})
    dist = overview.score_distributions(answers, scales={"csat": (1, 10)})
    fig = plots.score_categories(dist, [metrics.csat(answers["csat"], scale=Scale(1, 10, 8))])
    assert _title(fig.axes[0]).startswith("CSAT = 50% satisfied (8–10)")


def test_score_categories_skips_metrics_without_a_result():
    answers = _answers()
    fig = plots.score_categories(
        overview.score_distributions(answers), [metrics.nps(answers["nps"])]
    )
    assert len(fig.axes) == 1
    assert fig.get_suptitle() == "50% promote and 20% detract"


def test_score_categories_rejects_nothing_to_draw_and_foreign_objects():
    answers = _answers()
    dist = overview.score_distributions(answers[["csat"]])
    with pytest.raises(ValueError, match="no metric"):
        plots.score_categories(dist, [metrics.nps(answers["nps"])])
    with pytest.raises(TypeError, match=r"cxlab\.metrics"):
        plots.score_categories(dist, [42])


# --------------------------------------------------------------------------------------------
# small_surveys


def _surveys() -> tuple[pd.DataFrame, metrics.Score]:
    rng = np.random.default_rng(3)
    pool = pd.Series(rng.choice([10, 9, 8, 7, 5, 2], size=400), name="nps")
    small = pd.concat(
        [metrics.nps(pool.sample(20, random_state=rng)).to_frame() for _ in range(12)],
        ignore_index=True,
    )
    return small, metrics.nps(pool)


def test_small_surveys_title_gives_the_spread_and_the_overall_score():
    small, reference = _surveys()
    ax = plots.small_surveys(small, reference=reference)
    low, high = small["value"].min(), small["value"].max()
    expected = (
        f"12 surveys of 20 answers: NPS from {low:.0f} to {high:.0f}, "
        f"all answers {reference.value:.0f}"
    ).replace("-", "−")
    assert _title(ax) == expected
    assert ax.get_xlabel() == "NPS (points)"


def test_small_surveys_marks_intervals_that_miss_the_reference():
    small, reference = _surveys()
    small.loc[0, ["value", "low", "high"]] = [-90.0, -95.0, -80.0]
    ax = plots.small_surveys(small, reference=reference)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[-1] == "misses it"
    assert labels[0] == "all 400 answers"


def test_small_surveys_draws_on_a_given_axes_with_a_given_title():
    small, reference = _surveys()
    _, ax = plt.subplots()
    assert plots.small_surveys(small, reference=reference, ax=ax, title="Custom") is ax
    assert _title(ax) == "Custom"


def test_small_surveys_rejects_an_empty_table():
    _, reference = _surveys()
    with pytest.raises(ValueError, match="empty"):
        plots.small_surveys(
            pd.DataFrame(columns=["value", "low", "high", "n"]), reference=reference
        )


# --------------------------------------------------------------------------------------------
# margin_curve and margin_by_sample_size


def test_margin_curve_matches_the_interval_of_each_score_at_its_own_n():
    answers = _answers()
    scores = _scores(answers)
    curve = metrics.margin_curve(scores)
    for metric, score in scores.items():
        own = curve[(curve["metric"] == metric) & curve["observed"]]
        assert own["n"].tolist() == [score.n]
        if metric != "nps":  # the NPS interval is centred on the adjusted score, not the value
            assert own["margin"].iloc[0] == pytest.approx((score.high - score.low) / 2)


def test_margin_curve_of_the_nps_is_half_the_adjusted_wald_width():
    score = metrics.nps([10] * 300 + [8] * 200 + [4] * 100)
    curve = metrics.margin_curve([score], sizes=[600])
    assert curve["margin"].iloc[0] == pytest.approx((score.high - score.low) / 2)


def test_margin_curve_shrinks_with_the_square_root_of_n():
    score = metrics.csat([5] * 60 + [2] * 40)
    curve = metrics.margin_curve([score], sizes=[100, 400, 1600])
    margins = curve["margin"].to_numpy()
    assert np.all(np.diff(margins) < 0)
    assert margins[0] / margins[1] == pytest.approx(2, rel=0.02)
    assert margins[1] / margins[2] == pytest.approx(2, rel=0.01)


def test_margin_curve_default_sizes_include_the_small_sample_mark():
    curve = metrics.margin_curve([metrics.nps([10, 9, 3] * 40)])
    assert metrics.SMALL_N in set(curve["n"])
    assert curve["n"].min() == 10
    assert curve["n"].max() >= 2000


def test_margin_curve_rejects_bad_sizes():
    with pytest.raises(ValueError, match="at least 2"):
        metrics.margin_curve([metrics.nps([10, 9, 3])], sizes=[1, 10])
    with pytest.raises(ValueError, match="no score"):
        metrics.margin_curve([])


def test_margin_by_sample_size_titles_the_small_and_the_observed_margin():
    score = metrics.nps([10] * 50 + [8] * 30 + [3] * 20)
    curve = metrics.margin_curve([score])
    fig = plots.margin_by_sample_size(curve)
    at_30 = curve.loc[curve["n"] == 30, "margin"].iloc[0]
    at_own = curve.loc[curve["observed"], "margin"].iloc[0]
    assert fig.get_suptitle() == (
        f"With 30 answers the NPS is known to ±{at_30:.0f} points; "
        f"with the 100 it rests on, to ±{at_own:.1f}"
    )
    assert fig.axes[0].get_ylabel() == "Margin of error (± points)"
    assert fig.axes[0].get_xscale() == "log"


def test_margin_by_sample_size_shares_the_points_axis_and_gives_ces_its_own():
    answers = _answers()
    fig = plots.margin_by_sample_size(metrics.margin_curve(_scores(answers)))
    nps_ax, csat_ax, ces_ax = fig.axes
    assert nps_ax.get_ylim() == csat_ax.get_ylim()
    assert ces_ax.get_ylabel() == "Margin of error (± scale points)"
    assert [_title(ax) for ax in fig.axes] == ["NPS", "CSAT", "CES"]


def test_margin_by_sample_size_without_the_small_mark_uses_a_general_title():
    curve = metrics.margin_curve([metrics.nps([10, 9, 3] * 40)], sizes=[50, 500])
    fig = plots.margin_by_sample_size(curve)
    assert fig.get_suptitle() == "The margin of error shrinks with the square root of the answers"


def test_chapter_figures_keep_to_the_theme_size():
    answers = _answers()
    scores = _scores(answers)
    small, reference = _surveys()
    figures = [
        plots.score_categories(overview.score_distributions(answers), scores),
        plots.small_surveys(small, reference=reference).figure,
        plots.margin_by_sample_size(metrics.margin_curve(scores)),
    ]
    for fig in figures:
        width, height = fig.get_size_inches()
        assert width <= 9.5
        assert height <= 6
        assert fig.dpi <= 100
