"""The journey chapter's findings: each sentence, its numbers, and when the data do not support it.

Inputs are small tables written here; every expected number is worked out by hand in a comment
next to the table it comes from.
"""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from cxlab import journey
from cxlab.journey import JourneyMap

XSS = "<img src=x onerror=alert(1)>"


def events(rows):
    """An events table from (customer, timestamp, stage[, touchpoint]) tuples."""
    cols = ["customer_id", "timestamp", "stage", "touchpoint"][: len(rows[0])]
    df = pd.DataFrame(rows, columns=cols)
    df["timestamp"] = pd.to_datetime(df["timestamp"])
    return df


def assert_escaped(finding):
    text = finding.to_markdown()
    assert "<img" not in text
    assert "&#60;img src=x onerror=alert&#40;1&#41;&#62;" in text


def map_of(rows, *, metric="csat", overall=60.0, confidence=0.95):
    """A JourneyMap from rows of (stage, touchpoint, customers, score, n, pain, delight, impact)."""
    index = pd.MultiIndex.from_tuples([r[:2] for r in rows], names=["stage", "touchpoint"])
    table = pd.DataFrame(
        {
            "events": [r[2] for r in rows],
            "customers": [r[2] for r in rows],
            metric: [r[3] for r in rows],
            f"{metric}_low": [r[3] - 10 if r[3] == r[3] else np.nan for r in rows],
            f"{metric}_high": [r[3] + 10 if r[3] == r[3] else np.nan for r in rows],
            f"{metric}_n": [r[4] for r in rows],
            f"{metric}_difference": [0.0] * len(rows),
            f"{metric}_signal": [""] * len(rows),
            "pain_point": [r[5] for r in rows],
            "delight": [r[6] for r in rows],
            "impact": [r[7] for r in rows],
        },
        index=index,
    )
    over = pd.DataFrame({"n": [100], "value": [overall]}, index=pd.Index([metric], name="metric"))
    return JourneyMap(
        table=table,
        funnel=pd.DataFrame(),
        overall=over,
        metrics=(metric,),
        confidence=confidence,
    )


# ---------------------------------------------------------------------------------------------
# durations in the right unit


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (pd.Timedelta(days=2), "2 days"),  # the two-day case: never "0 days"
        (pd.Timedelta(hours=36), "36 hours"),
        (pd.Timedelta(hours=5, minutes=30), "5.5 hours"),
        (pd.Timedelta(minutes=45), "45 minutes"),
        (pd.Timedelta(seconds=1), "1 second"),
        (pd.Timedelta(days=81, hours=3), "81 days"),
        (pd.Timedelta(days=3, hours=12), "3.5 days"),
    ],
)
def test_format_duration_picks_the_unit_that_fits(value, text):
    assert journey.format_duration(value) == text


def test_format_duration_keeps_the_digits_asked_for():
    # 10 days 5 hours = 10.208 days
    assert journey.format_duration(pd.Timedelta(days=10, hours=5), digits=1) == "10.2 days"
    assert journey.format_duration(pd.Timedelta(days=10, hours=5)) == "10 days"


def test_format_duration_refuses_a_missing_duration():
    with pytest.raises(ValueError, match="missing"):
        journey.format_duration(pd.NaT)


def test_timeline_of_a_two_day_customer_reads_two_days():
    one = events([("a", "2024-01-01 00:00", "awareness"), ("a", "2024-01-03 00:00", "purchase")])
    assert journey.timeline_finding(one).text == "2 events of one customer over 2 days."


def test_timeline_of_a_same_day_customer_reads_hours():
    one = events([("a", "2024-01-01 10:00", "awareness"), ("a", "2024-01-01 15:30", "purchase")])
    assert journey.timeline_finding(one).text == "2 events of one customer over 5.5 hours."


def test_timeline_of_a_single_event():
    one = events([("a", "2024-01-01 10:00", "awareness")])
    assert journey.timeline_finding(one).text.startswith("One event of one customer")


def test_timeline_refuses_several_customers():
    two = events([("a", "2024-01-01", "awareness"), ("b", "2024-01-02", "awareness")])
    with pytest.raises(ValueError, match="one customer"):
        journey.timeline_finding(two)


# ---------------------------------------------------------------------------------------------
# funnel


def funnel_log():
    """Ten customers: all at a; six reach b, three of those reach c.

    Drop-offs: a → b 4/10 = 40 %, b → c 3/6 = 50 %. Reach of c: 3/10 = 30 %.
    """
    rows = [(f"c{i}", "2024-01-01", "a") for i in range(10)]
    rows += [(f"c{i}", "2024-01-02", "b") for i in range(6)]
    rows += [(f"c{i}", "2024-01-03", "c") for i in range(3)]
    return events(rows)


def test_funnel_finding_names_the_biggest_loss_with_its_interval():
    f = journey.funnel(funnel_log(), stages=["a", "b", "c"])
    found = journey.funnel_finding(f)
    # Wilson 95 % interval for 3 of 6 (z = 1.96): centre (0.5 + z²/12)/(1 + z²/6) = 0.5,
    # half-width z·sqrt(0.25/6 + z²/144)/(1 + z²/6) = 0.3124 → 18.8 % to 81.2 %.
    assert found.text == (
        "Of 10 customers, 30% reach c. The largest loss is from b to c: 50.0% (95% interval "
        "18.8% to 81.2%) of the 6 customers who reached b go no further. Only 6 customers reached "
        "b, so that interval is wide. The smallest step loss is into b (40.0%)."
    )
    assert found.supported


def test_funnel_finding_says_when_two_steps_tie():
    # 8 at a, 4 reach b, 2 reach c: both steps lose 50 %
    rows = [(f"c{i}", "2024-01-01", "a") for i in range(8)]
    rows += [(f"c{i}", "2024-01-02", "b") for i in range(4)]
    rows += [(f"c{i}", "2024-01-03", "c") for i in range(2)]
    found = journey.funnel_finding(journey.funnel(events(rows), stages=["a", "b", "c"]))
    assert "The largest loss, 50.0% of the customers who got that far, comes at 2 steps alike:" in (
        found.text
    )
    assert "a → b and b → c" in found.text


def test_funnel_finding_when_nobody_is_lost():
    rows = [(c, "2024-01-01", "a") for c in "xy"] + [(c, "2024-01-02", "b") for c in "xy"]
    found = journey.funnel_finding(journey.funnel(events(rows), stages=["a", "b"]))
    assert found.text == "Of 2 customers, 100% reach b. No stage loses a customer."


def test_funnel_finding_says_when_a_step_loses_nobody():
    # 4 at a, all 4 reach b, 1 reaches c: a → b loses 0 %, b → c 75 %
    rows = [(c, "2024-01-01", "a") for c in "wxyz"] + [(c, "2024-01-02", "b") for c in "wxyz"]
    rows += [("w", "2024-01-03", "c")]
    found = journey.funnel_finding(journey.funnel(events(rows), stages=["a", "b", "c"]))
    assert found.text.endswith("No customer is lost on the way into b.")


def test_funnel_finding_with_one_stage_is_unsupported():
    f = journey.funnel(events([("x", "2024-01-01", "a")]), stages=["a"])
    found = journey.funnel_finding(f)
    assert not found.supported
    assert "only stage" in found.text


def test_funnel_finding_without_customers_is_unsupported():
    f = pd.DataFrame({"customers": [0, 0], "share": [np.nan] * 2, "drop_off": [np.nan] * 2})
    assert not journey.funnel_finding(f).supported


def test_funnel_finding_escapes_stage_names():
    rows = [(c, "2024-01-01", "a") for c in "xyz"] + [("x", "2024-01-02", XSS)]
    found = journey.funnel_finding(journey.funnel(events(rows), stages=["a", XSS]))
    assert_escaped(found)


# ---------------------------------------------------------------------------------------------
# transitions, variants, exits


def moves(rows):
    return pd.DataFrame(rows, columns=["from", "to", "count"])


def test_transitions_finding_counts_backward_moves_without_self_loops():
    # moves between stages: 30 forward + 10 back = 40; self-loops (5) do not count → 25 %
    t = moves([("visit", "buy", 30), ("buy", "visit", 10), ("buy", "buy", 5)])
    found = journey.transitions_finding(t, stages=["visit", "buy"])
    assert found.text == (
        "25% of the moves between stages go backwards, most often buy → visit (10 moves)."
    )


def test_transitions_finding_when_nobody_goes_back():
    t = moves([("visit", "buy", 40)])
    found = journey.transitions_finding(t, stages=["visit", "buy"])
    assert found.text == "No customer moves back to an earlier stage."


def test_transitions_finding_flags_few_moves():
    t = moves([("visit", "buy", 3), ("buy", "visit", 1)])
    found = journey.transitions_finding(t, stages=["visit", "buy"])
    assert "only 4 moves between stages" in found.text


def test_transitions_finding_names_tied_backward_moves():
    t = moves([("a", "b", 40), ("b", "c", 40), ("c", "a", 5), ("c", "b", 5)])
    found = journey.transitions_finding(t, stages=["a", "b", "c"])
    assert "most often c → a and c → b (5 moves each)" in found.text


def test_transitions_finding_with_only_repeats_is_unsupported():
    found = journey.transitions_finding(moves([("a", "a", 9)]), stages=["a", "b"])
    assert not found.supported


def test_transitions_finding_refuses_stages_it_was_not_given():
    with pytest.raises(ValueError, match="not in stages"):
        journey.transitions_finding(moves([("a", "z", 1)]), stages=["a", "b"])


def test_variants_finding_from_a_small_log():
    # a: visit → buy; b: visit → buy; c: visit only → 2 of 3 on visit → buy (67 %)
    log = events(
        [
            ("a", "2024-01-01", "awareness"),
            ("a", "2024-01-02", "purchase"),
            ("b", "2024-01-01", "awareness"),
            ("b", "2024-01-03", "purchase"),
            ("c", "2024-01-01", "awareness"),
        ]
    )
    found = journey.variants_finding(journey.variants(log))
    assert found.text == (
        "The most common path, *awareness → purchase*, is taken by 67% of customers (2). With "
        "only 3 customers, these shares are rough."
    )


def test_variants_finding_names_tied_paths():
    v = pd.DataFrame(
        {"customers": [20, 20], "share": [0.5, 0.5], "path": [("a", "b"), ("a",)]},
        index=["a → b", "a"],
    )
    found = journey.variants_finding(v)
    assert found.text == (
        "2 paths are equally common, each taken by 50% of customers (20 each): a → b; a."
    )


def test_variants_finding_says_when_no_path_dominates():
    # 100 customers on 50 paths; the most common has 5 (5 %); the rest is gathered
    v = pd.DataFrame(
        {"customers": [5, 95], "share": [0.05, 0.95], "path": [("a", "b"), None]},
        index=["a → b", "(other variants)"],
    )
    v.attrs.update(variants=50, customers=100)
    found = journey.variants_finding(v)
    assert "No path dominates: the customers take 50 different paths." in found.text


def test_variants_finding_escapes_stage_names():
    v = pd.DataFrame({"customers": [40], "share": [1.0], "path": [(XSS,)]}, index=[XSS])
    assert_escaped(journey.variants_finding(v))


def test_exits_finding_names_the_stage_of_most_last_events():
    e = pd.DataFrame(
        {"last": [1, 3], "last_share": [0.25, 0.75]}, index=pd.Index(["visit", "buy"], name="stage")
    )
    assert journey.exits_finding(e).text == (
        "Customers' last recorded event is most often in buy (75% of customers)."
    )


def test_exits_finding_names_ties():
    e = pd.DataFrame({"last": [2, 2], "last_share": [0.5, 0.5]}, index=["visit", "buy"])
    assert journey.exits_finding(e).text == (
        "Customers' last recorded event falls equally often in visit and buy (50% of customers "
        "each)."
    )


def test_exits_finding_without_customers_is_unsupported():
    e = pd.DataFrame({"last": [0, 0], "last_share": [np.nan, np.nan]}, index=["a", "b"])
    assert not journey.exits_finding(e).supported


# ---------------------------------------------------------------------------------------------
# durations


def test_durations_finding_reads_hours_for_a_same_day_step():
    # a: a → b after 2 days; b: a → b after 6 hours; median of the two = 27 hours
    log = events(
        [
            ("a", "2024-01-01 00:00", "awareness"),
            ("a", "2024-01-03 00:00", "purchase"),
            ("b", "2024-01-01 00:00", "awareness"),
            ("b", "2024-01-01 06:00", "purchase"),
        ]
    )
    stages = ["awareness", "purchase"]
    timing = journey.durations(log, stages=stages, collapse=True)
    found = journey.durations_finding(timing, stages=stages)
    assert found.text.startswith(
        "Median time from one stage to the next: awareness → purchase 27 hours (only 2 moves)."
    )
    assert "0 days" not in found.text


def durations_table():
    return pd.DataFrame(
        {
            "from": ["a", "b", "c"],
            "to": ["b", "c", "a"],
            "count": [40, 50, 60],
            "median": pd.to_timedelta(["2D", "10D", "1D"]),
            "q25": pd.to_timedelta(["1D", "5D", "1D"]),
            "q75": pd.to_timedelta(["3D", "30D", "1D"]),
            "q90": pd.to_timedelta(["4D", "90D", "1D"]),
        }
    )


def test_durations_finding_reads_forward_steps_and_the_slowest_spread():
    found = journey.durations_finding(durations_table(), stages=["a", "b", "c"])
    # c → a goes backwards and is not a step "to the next stage"
    assert found.text == (
        "Median time from one stage to the next: a → b 2 days; b → c 10 days. The slowest step, "
        "b → c, has a middle half from 5 to 30 days. One move in ten takes longer than 90 days: "
        "the median alone hides them."
    )


def test_durations_finding_without_forward_steps_is_unsupported():
    found = journey.durations_finding(durations_table().iloc[[2]], stages=["a", "b", "c"])
    assert not found.supported


def test_durations_finding_escapes_stage_names():
    d = durations_table().iloc[[0]].assign(to=XSS)
    assert_escaped(journey.durations_finding(d, stages=["a", XSS]))


# ---------------------------------------------------------------------------------------------
# the measured map


def two_touchpoints(n=40):
    return map_of(
        [
            ("buy", "web", 10, 80.0, n, False, True, 0.2),
            ("service", "phone", 12, 40.0, n, True, False, -0.3),
        ]
    )


def test_worst_touchpoint_follows_the_score_direction():
    m = two_touchpoints()
    assert journey.worst_touchpoint(m, metric="csat") == ("service", "phone")
    assert journey.worst_touchpoint(m, metric="csat", higher_is_better=False) == ("buy", "web")
    assert journey.worst_touchpoint(m, metric=None) is None
    assert journey.worst_touchpoint(None, metric="csat") is None


def test_flagged_touchpoints_lists_pain_points_and_delights():
    t = journey.flagged_touchpoints(two_touchpoints())
    assert t["kind"].tolist() == ["delight", "pain point"]
    assert "csat_n" in t


def test_map_finding_states_worst_touchpoint_pains_and_delights():
    found = journey.map_finding(two_touchpoints(), metric="csat")
    assert found.text == (
        "phone (service) scores lowest: CSAT 40% (95% interval 30% to 50%, n = 40), against 60% "
        "for all touchpoint answers. Pain points: phone. Moments of delight: web. Every touchpoint "
        "carries enough answers to be scored."
    )


def test_map_finding_flags_a_small_sample():
    found = journey.map_finding(two_touchpoints(n=12), metric="csat")
    assert "That score rests on only 12 answers, so read it with care." in found.text


def test_map_finding_reads_the_emotion_curve_and_blind_spots():
    m = map_of(
        [
            ("buy", "web", 10, 80.0, 40, False, False, 0.0),
            ("service", "phone", 12, 40.0, 40, False, False, 0.0),
            ("service", "chat", 3, np.nan, 2, False, False, np.nan),
        ]
    )
    curve = pd.DataFrame({"n": [40, 42], "value": [80.0, 38.0]}, index=["buy", "service"])
    found = journey.map_finding(m, metric="csat", curve=curve)
    assert found.text.endswith(
        "The emotion curve dips at service (38%, n = 42); 2 of 3 touchpoints carry enough answers "
        "to be scored, so the grey tiles are blind spots of the survey, not neutral steps."
    )


def test_map_finding_without_scores_names_the_busiest_touchpoint():
    found = journey.map_finding(two_touchpoints(), metric=None)
    assert not found.supported
    assert found.text == (
        "Without scores (no survey answer names a touchpoint), the map shows traffic: phone "
        "reaches the most customers (12)."
    )


def test_map_finding_with_one_scored_touchpoint_is_unsupported():
    m = map_of(
        [
            ("buy", "web", 10, 80.0, 40, False, False, 0.0),
            ("service", "phone", 12, np.nan, 1, False, False, np.nan),
        ]
    )
    found = journey.map_finding(m, metric="csat")
    assert not found.supported
    assert "no other touchpoint to rank it against" in found.text


def test_map_finding_names_a_tie_for_the_lowest_score():
    m = map_of(
        [
            ("buy", "web", 10, 40.0, 40, False, False, 0.0),
            ("service", "phone", 12, 40.0, 40, False, False, 0.0),
        ]
    )
    found = journey.map_finding(m, metric="csat")
    assert found.text.startswith("web and phone share the lowest score, CSAT 40%")


def test_map_finding_without_a_map_is_unsupported():
    assert not journey.map_finding(None, metric="csat").supported


def test_map_finding_escapes_touchpoint_names():
    m = map_of(
        [
            ("buy", "web", 10, 80.0, 40, False, False, 0.0),
            ("service", XSS, 12, 40.0, 40, True, False, -0.3),
        ]
    )
    assert_escaped(journey.map_finding(m, metric="csat"))


def test_map_finding_writes_ces_on_its_scale():
    m = map_of(
        [
            ("buy", "web", 10, 5.5, 40, False, False, 0.0),
            ("service", "phone", 12, 3.25, 40, False, False, 0.0),
        ],
        metric="ces",
        overall=4.5,
    )
    assert "CES 3.25 (95% interval -6.75 to 13.25" in journey.map_finding(m, metric="ces").text


# ---------------------------------------------------------------------------------------------
# comments


def test_comments_finding_skips_contact_details_and_escapes():
    r = pd.DataFrame(
        {
            "touchpoint": ["till", "till", "till", "web"],
            "comment": [XSS, "mail me at a@b.example", "ring 0123 456 789", "fine"],
        }
    )
    found = journey.comments_finding(r, touchpoint="till", seed=0)
    assert_escaped(found)
    assert "b&#46;example" not in found.to_markdown()
    assert found.to_markdown().startswith("> ")


def test_comments_finding_quotes_at_most_n():
    r = pd.DataFrame({"touchpoint": ["till"] * 5, "comment": list("abcde")})
    found = journey.comments_finding(r, touchpoint="till", n=2, seed=1)
    assert found.to_markdown().count("> ") == 2


def test_comments_finding_says_why_there_is_nothing_to_quote():
    r = pd.DataFrame({"touchpoint": ["till", "web"], "comment": ["call 555 1234", "fine"]})
    assert "contains contact details" in journey.comments_finding(r, touchpoint="till").text
    assert "Nobody left a comment" in journey.comments_finding(r, touchpoint="door").text
    assert not journey.comments_finding(None, touchpoint="till").supported


# ---------------------------------------------------------------------------------------------
# health


def health_rows(rows):
    """Rows of (period, measure, stage, touchpoint, n, changed, outside)."""
    df = pd.DataFrame(
        rows, columns=["period", "measure", "stage", "touchpoint", "n", "changed", "outside"]
    )
    df["period"] = pd.PeriodIndex(df["period"], freq="M")
    for c in ("value", "previous", "change", "p_adjusted", "lcl", "ucl"):
        df[c] = 0.5
    return df


def test_health_flags_keep_only_the_latest_period():
    h = health_rows(
        [
            ("2024-01", "conversion", "b", None, 50, True, False),
            ("2024-02", "conversion", "b", None, 60, False, True),
            ("2024-02", "csat", None, journey.ALL_TOUCHPOINTS, 40, True, False),
            ("2024-02", "csat", "s", "phone", 40, False, False),
        ]
    )
    flags = journey.health_flags(h)
    assert flags["what"].tolist() == ["conversion into b", "CSAT of all answers"]
    assert str(flags.attrs["period"]) == "2024-02"


def test_health_finding_reads_the_conversion_and_a_thin_touchpoint():
    h = health_rows(
        [
            ("2024-01", "conversion", "b", None, 50, False, True),
            ("2024-02", "conversion", "b", None, 70, True, False),
            ("2024-01", "csat", "s", "phone", 8, False, False),
            ("2024-02", "csat", "s", "phone", 12, False, False),
        ]
    )
    found = journey.health_finding(h, stage="b", metric="csat", touchpoint="phone")
    # conversion periods: 2, median customers (50 + 70)/2 = 60, 1 outside, 1 change;
    # phone: median answers (8 + 12)/2 = 10 < 30
    assert found.text == (
        "Conversion into b is tracked over 2 periods from 60 customers a period (median); 1 "
        "period fell outside the control limits and 1 change from one period to the next was "
        "flagged. The CSAT of phone rests on only 10 answers a period (median), so its "
        "intervals are wide and only a large shift could be flagged (0 were). Event data give "
        "the fast signal; survey scores need longer periods. In the latest period (2024-02) 1 "
        "measure is flagged: a flag is a reason to look at what changed that period, not yet a "
        "verdict."
    )


def test_health_finding_points_at_the_data_when_every_step_jumps():
    rows = [("2024-01", "conversion", s, None, 50, False, False) for s in "bcd"]
    rows += [("2024-02", "conversion", s, None, 50, True, True) for s in "bcd"]
    found = journey.health_finding(health_rows(rows), stage="b")
    assert "3 measures are flagged, every conversion step at once" in found.text
    assert "check the export before acting" in found.text


def test_health_finding_counts_nearly_every_step():
    rows = [("2024-01", "conversion", s, None, 50, False, False) for s in "bcde"]
    rows += [("2024-02", "conversion", s, None, 50, s != "e", False) for s in "bcde"]
    found = journey.health_finding(health_rows(rows), stage="b")
    assert "3 of the 4 conversion steps at once" in found.text


def test_health_finding_with_one_period_is_unsupported():
    h = health_rows([("2024-01", "conversion", "b", None, 50, False, False)])
    found = journey.health_finding(h, stage="b")
    assert not found.supported
    assert "single period (2024-01)" in found.text


def test_health_finding_without_customers_before_the_stage_is_unsupported():
    h = health_rows([("2024-01", "conversion", "b", None, 0, False, False)])
    assert not journey.health_finding(h, stage="b").supported


def test_health_finding_escapes_the_touchpoint():
    h = health_rows(
        [
            ("2024-01", "conversion", "b", None, 50, False, False),
            ("2024-02", "conversion", "b", None, 50, False, False),
            ("2024-01", "csat", "s", XSS, 40, False, False),
            ("2024-02", "csat", "s", XSS, 40, False, False),
        ]
    )
    assert_escaped(journey.health_finding(h, stage="b", metric="csat", touchpoint=XSS))


# ---------------------------------------------------------------------------------------------
# headline numbers


def test_journey_headlines_from_small_tables():
    f = journey.funnel(funnel_log(), stages=["a", "b", "c"])
    paths = journey.variants(funnel_log(), stages=["a", "b", "c"])
    h = health_rows([("2024-01", "conversion", "b", None, 50, True, False)])
    found = journey.journey_headlines(f, paths, h, two_touchpoints(), metric="csat")
    assert found["customers_in_journey"] == 10
    assert found["stages"] == ["a", "b", "c"]
    drop = found["biggest_drop_off"]
    assert (drop["from"], drop["to"], drop["dropped"], drop["n"]) == ("b", "c", 3, 6)
    assert math.isclose(drop["share"], 0.5)
    # paths: a → b (3 customers), a → b → c (3), a (4): the most common is a, 4 of 10
    assert found["most_common_path"] == {"path": "a", "share": 0.4, "customers": 4}
    assert found["health_latest"]["flagged"] == ["conversion into b"]
    assert found["worst_touchpoint"]["touchpoint"] == "phone"
    assert found["pain_points"] == ["phone"]
    assert found["delights"] == ["web"]


def test_journey_headlines_with_one_stage_have_no_drop():
    log = events([("x", "2024-01-01", "a")])
    f = journey.funnel(log, stages=["a"])
    found = journey.journey_headlines(f, journey.variants(log, stages=["a"]), pd.DataFrame())
    assert found["biggest_drop_off"] is None
    assert found["health_latest"] == {"period": None, "flagged": []}
    assert "worst_touchpoint" not in found


# ---------------------------------------------------------------------------------------------
# stages and the emotion curve


def test_stages_for_takes_a_given_order_first():
    log = events([("a", "2024-01-01", "awareness")])
    assert journey.stages_for(log, "b, a") == ["b", "a"]
    assert journey.stages_for(log, ["x"]) == ["x"]


def test_stages_for_uses_the_default_five_when_the_log_uses_only_them():
    log = events([("a", "2024-01-01", "purchase")])
    assert journey.stages_for(log, "") == list(journey.DEFAULT_STAGES)


def test_stages_for_infers_other_stages_from_the_log():
    log = events([("a", "2024-01-02", "approved"), ("a", "2024-01-01", "applied")])
    assert journey.stages_for(log) == ["applied", "approved"]


def test_stages_for_takes_the_stages_a_bundle_declares():
    log = events([("a", "2024-01-01", "applied")])
    bundle = SimpleNamespace(events=log, config=SimpleNamespace(stages=["applied", "paid"]))
    assert journey.stages_for(bundle) == ["applied", "paid"]


def test_emotion_curve_pools_the_answers_of_each_stage():
    log = events(
        [
            ("a", "2024-01-01", "purchase", "checkout"),
            ("a", "2024-01-02", "service", "delivery"),
            ("a", "2024-01-03", "service", "support"),
        ]
    )
    # service pools delivery (3 of 3 satisfied) and support (1 of 3): 4 of 6 = 66.7 %
    r = pd.DataFrame(
        {
            "touchpoint": ["checkout"] * 2 + ["delivery"] * 3 + ["support"] * 3,
            "csat": [2, 5, 5, 4, 5, 1, 2, 4],
        }
    )
    m = journey.journey_map(log, r, metrics=["csat"], min_n=1)
    curve = journey.emotion_curve(m, r, metric="csat", min_n=1)
    assert curve.loc["service", "n"] == 6
    assert math.isclose(curve.loc["service", "value"], 400 / 6)
    assert curve.loc["purchase", "n"] == 2


def test_emotion_curve_needs_answers_and_a_metric():
    assert journey.emotion_curve(None, None, metric="csat") is None
    m = two_touchpoints()
    assert journey.emotion_curve(m, pd.DataFrame({"touchpoint": ["web"]}), metric=None) is None


def test_log_finding_says_what_the_log_holds_and_whether_answers_can_be_placed():
    log = events(
        [
            ("a", "2024-01-01", "x", "web"),
            ("a", "2024-01-02", "y", "shop"),
            ("b", "2024-01-01", "x", "web"),
        ]
    )
    answers = pd.DataFrame({"touchpoint": ["web"], "csat": [5]})
    assert journey.log_finding(log, stages=["x", "y"], responses=answers).text == (
        "The log holds 3 events of 2 customers, in 2 stages: x → y. Survey answers name "
        "touchpoints, so the map can be scored."
    )
    assert "shows volume only" in journey.log_finding(log, stages=["x", "y"]).text


def test_log_finding_escapes_stage_names():
    log = events([("a", "2024-01-01", XSS)])
    assert_escaped(journey.log_finding(log, stages=[XSS]))


def test_transitions_finding_with_few_moves_and_none_back_says_it_says_little():
    found = journey.transitions_finding(moves([("visit", "buy", 7)]), stages=["visit", "buy"])
    assert found.text == (
        "None of the 7 moves between stages goes back to an earlier stage; so few moves say little."
    )


def test_durations_finding_without_spread_states_the_medians_only():
    d = durations_table().iloc[[0]].assign(q25=pd.Timedelta("2D"), q75=pd.Timedelta("2D"))
    found = journey.durations_finding(d, stages=["a", "b", "c"])
    assert found.text == "Median time from one stage to the next: a → b 2 days."


def test_health_finding_says_when_nothing_is_flagged():
    h = health_rows(
        [
            ("2024-01", "conversion", "b", None, 50, False, False),
            ("2024-02", "conversion", "b", None, 50, False, False),
        ]
    )
    found = journey.health_finding(h, stage="b")
    assert "no period fell outside the control limits and no change from one period" in found.text
    assert found.text.endswith("In the latest period (2024-02) no measure is flagged.")


def test_log_finding_without_touchpoints_says_there_is_no_map():
    log = events([("a", "2024-01-01", "x"), ("b", "2024-01-02", "y")])
    text = journey.log_finding(
        log.drop(columns="touchpoint", errors="ignore"), stages=["x", "y"]
    ).text
    assert text.endswith("The events name no touchpoint, so there is no map of touchpoints.")


def test_health_finding_warns_that_few_customers_a_period_hide_changes():
    h = health_rows(
        [
            ("2024-01", "conversion", "b", None, 2, False, False),
            ("2024-02", "conversion", "b", None, 4, False, False),
        ]
    )
    # median customers a period (2 + 4) / 2 = 3 < 30
    text = journey.health_finding(h, stage="b").text
    assert (
        "With only 3 customers a period (median, fewer than 30), the control limits are wide "
        "and only large changes can be flagged: a quiet chart here is not evidence that "
        "nothing changed."
    ) in text


def test_health_flags_table_writes_each_row_in_its_own_unit():
    flags = pd.DataFrame(
        {
            "what": ["conversion into purchase", "CSAT at invoicing", "NPS of all answers"],
            "n": [316, 11, 1200],
            "value": [0.984, 36.4, -4.0],
            "previous": [0.956, 50.0, 6.0],
            "change": [0.028, -13.6, -10.0],
            "p_adjusted": [0.19, 0.0004, 0.02],
            "changed": [False, True, True],
            "lcl": [0.92, 5.0, -2.0],
            "ucl": [0.99, 60.0, 14.0],
            "outside": [True, False, True],
        }
    )
    rows = journey.health_flags_table(flags).frame.values.tolist()
    # conversion: shares 0-1 become percentages, the change percentage points (0.028 -> 2.8)
    assert rows[0][2:] == ["98%", "96%", "+2.8 points", "0.19", "no", "92% to 99%", "yes"]
    # CSAT: already in percent; a change of 10 or more without decimals
    assert rows[1][2:5] == ["36%", "50%", "−14 points"]
    # NPS in points, a true minus
    assert rows[2][2:5] == ["−4", "6", "−10 points"]
