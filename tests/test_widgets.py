"""Explorers hold their own state, draw at once, and redraw when a control changes.

These run without a front end: an explorer writes its views into its output widget's
``outputs``, which is what JupyterLab shows (the browser tests check that part live).
"""

from __future__ import annotations

import dataclasses
import re

import pandas as pd
import pytest

from cxlab import datasets, journey, metrics, widgets


def _mimes(explorer) -> list[set[str]]:
    return [set(o["data"]) for o in explorer.output.outputs]


def _shows_view(explorer) -> bool:
    return any({"image/png", "text/html"} & m for m in _mimes(explorer))


@pytest.fixture(scope="module")
def shop():
    return datasets.load_demo("clothing_retailer")


def test_table_explorer_draws_at_once_and_redraws_on_a_new_table(shop):
    ex = widgets.table_explorer(shop)
    assert ex.draws == 1 and _shows_view(ex)
    first = ex.output.outputs
    ex.controls["table"].value = "responses"
    assert ex.draws == 2 and ex.output.outputs != first
    assert ex.output._dom_classes == ("cxlab-draw-2",)
    assert "touchpoint" in ex.output.outputs[0]["data"]["text/html"]


def test_nps_explorer_shows_table_and_figure_and_narrows_with_more_answers():
    ex = widgets.nps_interval_explorer(promoters=0.4, detractors=0.2, answers=30)
    assert [("text/html" in m, "image/png" in m) for m in _mimes(ex)][:2] == [
        (True, False),
        (False, True),
    ]
    wide = ex.output.outputs[0]["data"]["text/plain"]
    ex.controls["answers"].value = 2000
    narrow = ex.output.outputs[0]["data"]["text/plain"]
    margin = {t: float(t.split()[-1]) for t in (wide, narrow)}
    assert margin[narrow] < margin[wide]


def test_nps_explorer_refuses_shares_over_one_hundred_percent():
    ex = widgets.nps_interval_explorer(promoters=0.6, detractors=0.2)
    ex.controls["detractors"].value = 0.6
    [only] = ex.output.outputs
    assert "cannot be more than 100%" in only["data"]["text/plain"]


def test_breakdown_explorer_redraws_for_each_control(shop):
    survey = metrics.survey_data(shop)
    ex = widgets.breakdown_explorer(survey, min_n=30)
    assert _shows_view(ex)
    for name, control in ex.controls.items():
        before = ex.output.outputs
        other = next(o for o in control.options if o != control.value)
        control.value = other
        assert ex.output.outputs != before, name


def test_breakdown_explorer_says_when_a_choice_has_no_answers(shop):
    # A survey whose NPS question names no touchpoint (the demo's touchpoint surveys ask it)
    responses = shop.responses.copy()
    responses.loc[responses["nps"].notna(), "touchpoint"] = pd.NA
    survey = metrics.survey_data(dataclasses.replace(shop, responses=responses))
    ex = widgets.breakdown_explorer(survey, min_n=30)
    ex.controls["score"].value = "nps"
    ex.controls["segment"].value = "touchpoint"
    text = ex.output.outputs[0]["data"]["text/plain"]
    assert text == f"No NPS answers by touchpoint in {ex.controls['period'].value}."


def test_persona_explorer_draws_the_first_persona_at_once(shop):
    people = journey.personas(shop, by="channel", n=2)
    ex = widgets.persona_explorer(people, persona_by="channel")
    assert ex.controls["persona"].value == people.names[0]
    assert "image/png" in _mimes(ex)[0]
    before = ex.output.outputs
    ex.controls["persona"].value = people.names[1]
    assert ex.output.outputs != before


def test_segment_explorer_compares_a_segment_with_all_and_escapes_play_text():
    profile = pd.DataFrame(
        {"n": [10, 30, 40], "share": [0.25, 0.75, 1.0]}, index=["Loyal <b>", "New", "all"]
    )
    plays = pd.DataFrame(
        {"label": ["<img src=x onerror=alert(1)>"], "plays": ["call"]}, index=["Loyal <b>"]
    )
    ex = widgets.segment_explorer(profile, plays=plays)
    html_table, play = ex.output.outputs
    assert "Loyal &lt;b&gt;" in html_table["data"]["text/html"]
    assert "<img" not in play["data"]["text/markdown"]
    ex.controls["segment"].value = "New"
    assert len(ex.output.outputs) == 1  # no play for this segment
    assert "New" in ex.output.outputs[0]["data"]["text/html"]


def test_an_explorer_displays_as_its_controls_and_output(shop):
    ex = widgets.table_explorer(shop)
    bundle = ex._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle


def test_clv_explorer_equity_falls_with_a_higher_discount_rate():
    import pandas as pd

    from cxlab import clv

    bg = clv.BetaGeo()
    bg.params_ = pd.Series({"r": 0.24, "alpha": 4.4, "a": 0.79, "b": 2.43})
    gg = clv.GammaGamma()
    gg.params_ = pd.Series({"p": 6.25, "q": 3.74, "v": 15.44})
    s = pd.DataFrame(
        {"frequency": [0, 2, 5], "recency": [0.0, 20.0, 30.0], "T": [30.0, 35.0, 38.0]}
    ).assign(monetary=[0.0, 20.0, 40.0])
    ex = widgets.clv_explorer(s, bg, gg, currency="GBP")
    assert ex.draws == 1 and _shows_view(ex)
    shown = ex.output.outputs[0]["data"]["text/html"]
    equity = clv.clv(s, bg, gg, discount_rate=0.10).sum()
    assert f"{equity:,.0f} GBP" in shown, "equity reads as money, with separators and currency"
    assert re.search(r"<td>\d+(\.\d)?%</td>", shown), "the top decile's share is a percentage"
    low = clv.clv(s, bg, gg, discount_rate=0.0).sum()
    ex.controls["discount_rate"].value = 0.25
    assert ex.draws == 2 and _shows_view(ex)
    assert clv.clv(s, bg, gg, discount_rate=0.25).sum() < low
