"""The planted-drop drill behind chapter 03's real-time alert example."""

from __future__ import annotations

import pandas as pd
import pytest

from cxlab import teaching
from cxlab.metrics import rolling_alerts


def _steady(n_base: int = 60, n_watched: int = 40) -> pd.DataFrame:
    # One touchpoint, one answer a day, 4 of every 5 satisfied (80 %), plus a quiet second one.
    days = pd.date_range("2024-01-01", periods=n_base + n_watched, freq="D")
    checkout = pd.DataFrame(
        {"touchpoint": "checkout", "date": days, "csat": ([5, 5, 4, 4, 2] * len(days))[: len(days)]}
    )
    other = checkout.assign(touchpoint="delivery")
    return pd.concat([checkout, other], ignore_index=True)


def test_steady_answers_fire_no_alert():
    alerts = rolling_alerts(_steady(), since="2024-03-01", window=10)
    assert not alerts["fired"].any()


def test_a_planted_drop_fires_and_leaves_the_rest_alone():
    responses = _steady()
    planted = teaching.plant_drop(responses, touchpoint="checkout", since="2024-03-01", share=1.0)
    # 40 watched checkout answers (1 March onwards) all set to 1; nothing else changes.
    changed = planted["csat"] != responses["csat"]
    assert changed.sum() == 40  # 1 March is day 61 of 2024: rows 60-99 of checkout
    watched = (planted["touchpoint"] == "checkout") & (planted["date"] >= "2024-03-01")
    assert (planted.loc[watched, "csat"] == 1).all()
    assert planted.loc[~watched, "csat"].equals(responses.loc[~watched, "csat"])
    assert responses["csat"].min() == 2  # the frame passed in is untouched
    alerts = rolling_alerts(planted, since="2024-03-01", window=10)
    assert alerts.loc["checkout", "fired"] and not alerts.loc["delivery", "fired"]


def test_share_picks_that_many_answers_with_the_seed():
    responses = _steady()
    a = teaching.plant_drop(responses, touchpoint="checkout", since="2024-03-01", share=0.5, seed=3)
    b = teaching.plant_drop(responses, touchpoint="checkout", since="2024-03-01", share=0.5, seed=3)
    assert a.equals(b)
    watched = (a["touchpoint"] == "checkout") & (a["date"] >= "2024-03-01")
    assert (a.loc[watched, "csat"] == 1).sum() == 20  # half of 40


def test_bad_touchpoint_or_share_is_refused_with_the_reason():
    with pytest.raises(
        ValueError, match="'basket' has no csat answer dated on or after 2024-03-01"
    ):
        teaching.plant_drop(_steady(), touchpoint="basket", since="2024-03-01")
    with pytest.raises(ValueError, match="share must be between 0 and 1"):
        teaching.plant_drop(_steady(), touchpoint="checkout", since="2024-03-01", share=1.5)


def test_the_drill_says_nothing_fires_on_real_answers_and_the_planted_one_does():
    responses = _steady(200, 100)
    responses = responses[(responses["touchpoint"] == "checkout") | (responses.index % 2 == 0)]
    real, drill, finding = teaching.alert_drill(responses, watch_days=90, drop_after=10)
    assert not real["fired"].any()
    assert drill["fired"].sum() == 1
    assert "no touchpoint fires" in str(finding) and "the alert fires on" in str(finding)
