"""cxlab.metrics.rolling_alerts: a touchpoint's rolling CSAT against its control limits."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cxlab import metrics


def _answers(tp: str, scores: list[int], start: str = "2024-01-01") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "touchpoint": tp,
            "date": pd.date_range(start, periods=len(scores), freq="D"),
            "csat": scores,
        }
    )


def test_alert_fires_at_the_first_window_below_the_lower_limit():
    # baseline: 60 answers, 48 satisfied (80 %); window 10 -> limits
    # 0.8 ± 3*sqrt(0.8*0.2/10) = 0.8 ± 0.379 -> lcl 42.1 %. After 2024-03-01 (answer 61) the
    # answers are all 1: rolling shares 7/10, 6/10, 5/10, 4/10 -> the 4th (2024-03-04) fires.
    r = _answers("checkout", [5, 5, 4, 4, 2] * 12 + [1] * 10)
    a = metrics.rolling_alerts(r, since="2024-03-01", window=10)
    row = a.loc["checkout"]
    assert row["baseline_n"] == 60 and row["watched"] == 10
    assert row["centre"] == pytest.approx(80.0)
    assert row["lcl"] == pytest.approx(100 * (0.8 - 3 * np.sqrt(0.016)))
    assert bool(row["fired"])
    assert row["first_alert"] == pd.Timestamp("2024-03-04")
    assert row["lowest"] == pytest.approx(0.0)


def test_a_steady_touchpoint_stays_within_limits_and_alerts_sort_first():
    steady = _answers("delivery", [5, 5, 4, 4, 2] * 14)
    falling = _answers("checkout", [5, 5, 4, 4, 2] * 12 + [1] * 10)
    a = metrics.rolling_alerts(pd.concat([steady, falling]), since="2024-03-01", window=10)
    assert a.index.tolist() == ["checkout", "delivery"]
    assert not bool(a.loc["delivery", "fired"])
    assert a.loc["delivery", "status"] == "within limits"
    assert pd.isna(a.loc["delivery", "first_alert"])


def test_the_satisfied_threshold_follows_the_scale():
    # on a 1–10 scale 8 and above is satisfied, so answers of 5 are all dissatisfied
    r = _answers("support", [9, 9, 8, 8, 5] * 12 + [5] * 10)
    a = metrics.rolling_alerts(r, since="2024-03-01", window=10, scale=10)
    assert a.loc["support", "centre"] == pytest.approx(80.0)
    assert bool(a.loc["support", "fired"])


def test_a_thin_baseline_is_not_monitored_and_says_why():
    r = _answers("returns", [5, 4, 2] * 5 + [1] * 5)
    a = metrics.rolling_alerts(r, since="2024-01-16", window=5)
    assert not bool(a.loc["returns", "fired"])
    assert "15 baseline answers (fewer than 50)" in a.loc["returns", "status"]


def test_bad_arguments_are_refused_with_the_reason():
    r = _answers("checkout", [5] * 70)
    with pytest.raises(ValueError, match="window"):
        metrics.rolling_alerts(r, since="2024-03-01", window=1)
    with pytest.raises(ValueError, match="sigma"):
        metrics.rolling_alerts(r, since="2024-03-01", sigma=0)
    with pytest.raises(ValueError, match="on or after 2030-01-01"):
        metrics.rolling_alerts(r, since="2030-01-01")
    with pytest.raises(KeyError, match="'csat'"):
        metrics.rolling_alerts(r.drop(columns="csat"), since="2024-03-01")
