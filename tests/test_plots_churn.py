"""Figures of chapter 05 state their finding in the title."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from cxlab import churn, plots, widgets


def test_gains_chart_title_reads_the_riskiest_fifth():
    gains = churn.gains_table([1, 1, 0, 0, 0, 0, 0, 0, 0, 0], list(range(10, 0, -1)), bins=5)
    ax = plots.gains_chart(gains)
    # the riskiest 20 % (the first bin of five) holds both churners
    assert ax.get_title(loc="left") == "Calling the riskiest 20% reaches 100% of churners"
    plt.close(ax.figure)


def test_survival_chart_draws_one_curve_per_group():
    d = pd.DataFrame({"duration": [1, 2, 3, 4] * 5, "churned": [True, False] * 10})
    groups = pd.Series(["a"] * 10 + ["b"] * 10)
    km = churn.kaplan_meier(d, groups, min_n=5)
    ax = plots.survival_chart(km)
    assert len(ax.get_lines()) == 2
    plt.close(ax.figure)


def test_targeting_chart_and_explorer_redraw_with_the_budget():
    risk = pd.Series([0.9, 0.5, 0.4], index=["a", "b", "c"])
    value = pd.Series([1000.0, 500.0, 100.0], index=["a", "b", "c"])
    ex = widgets.targeting_explorer(risk, value, currency="EUR", contact_cost=10.0)
    assert ex.draws == 1
    first = ex.output.outputs[-1]["data"]["text/plain"]
    ex.controls["budget"].value = 10.0
    assert ex.draws == 2
    # at a 25 % save rate: a saves 0.9·1000·0.25 − 10 = 215; only one call fits a budget of 10
    assert "Calling the 1 customer whose" in ex.output.outputs[-1]["data"]["text/plain"]
    assert first != ex.output.outputs[-1]["data"]["text/plain"]
