"""Which parts of chapter 03 a bundle cannot support, and what would enable them (journey.gaps)."""

from __future__ import annotations

import pandas as pd

from cxlab import journey


def events(times=("2024-01-02", "2024-02-03"), touchpoints=("web", "shop")) -> pd.DataFrame:
    out = pd.DataFrame(
        {"customer_id": ["a", "b"], "timestamp": pd.to_datetime(list(times)), "stage": ["x", "y"]}
    )
    if touchpoints is not None:
        out["touchpoint"] = list(touchpoints)
    return out


def answers(**columns) -> pd.DataFrame:
    return pd.DataFrame({"touchpoint": ["web", "shop"], **columns})


def test_a_full_bundle_supports_every_part():
    r = answers(csat=[4, 5], comment=["fine", None])
    assert journey.gaps(events(), r) == {}


def test_events_only_miss_scores_and_comments_with_what_would_enable_them():
    found = journey.gaps(events())
    assert sorted(found) == ["comments", "scores"]
    assert "survey responses with a touchpoint column and a score" in found["scores"].text
    assert "a comment column in the survey responses" in found["comments"].text
    assert not any(f.supported for f in found.values())


def test_no_touchpoint_column_or_an_empty_one_means_no_map():
    assert "map" in journey.gaps(events(touchpoints=None))
    assert "map" in journey.gaps(events(touchpoints=(None, None)))
    assert "touchpoint column in the events" in journey.gaps(events(touchpoints=None))["map"].text


def test_scores_without_a_touchpoint_do_not_score_the_map():
    r = pd.DataFrame({"touchpoint": [None, None], "csat": [4, 5]})
    assert "scores" in journey.gaps(events(), r)
    assert "scores" in journey.gaps(events(), answers(comment=["a", "b"]))  # no score column


def test_one_month_is_a_single_period_but_two_months_are_not():
    one = journey.gaps(events(times=("2024-01-02", "2024-01-30")), answers(csat=[1, 2]))
    assert one["health"].text == (
        "The events cover a single period (2024-01), so there is no period-by-period health "
        "check: it needs events from two periods or more."
    )
    assert "health" not in journey.gaps(events(), answers(csat=[1, 2]))
    # the same two dates fall in one quarter
    assert "health" in journey.gaps(events(), answers(csat=[1, 2]), freq="Q")


def test_events_without_valid_times_have_no_health_check():
    ev = events().assign(timestamp=["not a date", None])
    assert "no valid times" in journey.gaps(ev)["health"].text
