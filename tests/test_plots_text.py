"""The figures of chapter 07 (cxlab.plots._text): titles that state the finding, order, refusals."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from cxlab import plots


def test_negative_share_chart_keeps_months_in_order():
    t = pd.DataFrame(
        {
            "n": [40, 40, 40],
            "negative_share": [0.3, 0.1, 0.2],
            "low": [0.2, 0.05, 0.1],
            "high": [0.4, 0.2, 0.3],
            "small": [False, False, False],
        },
        index=pd.Index(["2024-03", "2024-01", "2024-02"], name="month"),
    )
    ax = plots.negative_share_chart(t, chronological=True)
    labels = [x.get_text() for x in ax.get_xticklabels()]
    assert labels == ["2024-01", "2024-02", "2024-03"]
    assert ax.get_title(loc="left") == "Comments in 2024-03 are the most negative: 30% (n = 40)"
    plt.close(ax.figure)


def test_theme_impact_chart_says_when_no_theme_costs():
    t = pd.DataFrame(
        {"n": [40], "impact": [1.0], "low": [-1.0], "high": [3.0], "small": [False]},
        index=pd.Index(["staff"], name="theme"),
    )
    ax = plots.theme_impact_chart(t)
    assert ax.get_title(loc="left") == "No theme pulls the NPS down"
    plt.close(ax.figure)


def test_review_comparison_refuses_an_empty_table():
    empty = pd.DataFrame(columns=["n", "negative_share", "low", "high"])
    with pytest.raises(ValueError, match="no business"):
        plots.review_comparison(empty)
