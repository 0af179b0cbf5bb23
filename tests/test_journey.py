"""cxlab.journey from an event log: funnel, transitions, durations, variants, exits, bad logs.

The hand-built log below is small enough to check every expected number by reading it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxlab import journey
from cxlab.errors import BundleError, DataError
from cxlab.journey import _log as journey_log

STAGES = ["awareness", "consideration", "purchase", "service", "loyalty"]

#: (customer, day of January 2024, stage). Read per customer:
#:   a  awareness(1) consideration(2) purchase(3) purchase(4) service(6)  repeats purchase
#:   b  awareness(1) awareness(2) consideration(5)                       repeats awareness
#:   c  purchase(1) service(2) loyalty(4)                                skips the first two
#:   d  awareness(3)                                                     a single event
#:   e  consideration(3) awareness(1)  — rows out of time order
LOG = [
    ("a", 1, "awareness"),
    ("a", 2, "consideration"),
    ("a", 3, "purchase"),
    ("a", 4, "purchase"),
    ("a", 6, "service"),
    ("b", 1, "awareness"),
    ("b", 2, "awareness"),
    ("b", 5, "consideration"),
    ("c", 1, "purchase"),
    ("c", 2, "service"),
    ("c", 4, "loyalty"),
    ("d", 3, "awareness"),
    ("e", 3, "consideration"),
    ("e", 1, "awareness"),
]


def _log(rows=LOG) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["customer_id", "day", "stage"])
    frame["timestamp"] = pd.Timestamp("2023-12-31") + pd.to_timedelta(frame["day"], unit="D")
    return frame.drop(columns="day")


def _pairs(table: pd.DataFrame) -> dict[tuple[str, str], int]:
    return {(f, t): int(c) for f, t, c in table[["from", "to", "count"]].itertuples(index=False)}


# --------------------------------------------------------------------------------------------
# funnel


def test_funnel_counts_customers_reaching_each_stage_or_a_later_one():
    f = journey.funnel(_log(), stages=STAGES)
    assert f.index.tolist() == STAGES
    # a, b, c, d, e all reached awareness or later; a, b, c, e consideration or later; ...
    assert f["customers"].tolist() == [5, 4, 2, 2, 1]
    assert f["share"].tolist() == pytest.approx([1.0, 0.8, 0.4, 0.4, 0.2])
    assert f["dropped"].tolist() == [0, 1, 2, 0, 1]


def test_funnel_conversion_and_drop_off_with_wilson_intervals():
    f = journey.funnel(_log(), stages=STAGES)
    assert np.isnan(f["conversion"].iloc[0])
    assert f["conversion"].iloc[1:].tolist() == pytest.approx([0.8, 0.5, 1.0, 0.5])
    assert f["drop_off"].iloc[1:].tolist() == pytest.approx([0.2, 0.5, 0.0, 0.5])
    # Wilson interval of 4 out of 5 at 95 %: 0.3755 to 0.9638
    assert f.loc["consideration", "conversion_low"] == pytest.approx(0.3755, abs=1e-4)
    assert f.loc["consideration", "conversion_high"] == pytest.approx(0.9638, abs=1e-4)
    assert f.loc["consideration", "drop_off_low"] == pytest.approx(1 - 0.9638, abs=1e-4)


def test_funnel_counts_a_customer_once_per_stage_however_many_events():
    f = journey.funnel(_log(), stages=STAGES)
    # a has two purchase events, b two awareness events: each counts once
    assert f.loc["purchase", "visited"] == 2
    assert f.loc["awareness", "visited"] == 4


def test_funnel_counts_customers_who_skip_stages_at_the_stages_they_skipped():
    f = journey.funnel(_log(), stages=STAGES)
    # c starts at purchase: counted at awareness and consideration, but did not visit them
    assert f.loc["consideration", "customers"] == 4
    assert f.loc["consideration", "visited"] == 3
    only_c = journey.funnel(_log([r for r in LOG if r[0] == "c"]), stages=STAGES)
    assert only_c["customers"].tolist() == [1, 1, 1, 1, 1]
    assert only_c["visited"].tolist() == [0, 0, 1, 1, 1]


def test_funnel_counts_single_event_customers():
    f = journey.funnel(_log([("d", 3, "awareness")]), stages=STAGES)
    assert f["customers"].tolist() == [1, 0, 0, 0, 0]
    assert np.isnan(f.loc["purchase", "conversion"])  # nobody at consideration to convert


def test_funnel_uses_the_default_stages():
    f = journey.funnel(_log())
    assert tuple(f.index) == journey.DEFAULT_STAGES


def test_funnel_with_stages_inferred_from_the_data():
    rows = [("a", 1, "browse"), ("a", 2, "buy"), ("b", 1, "browse"), ("b", 3, "rate")]
    rows += [("c", 2, "buy"), ("c", 5, "rate")]
    f = journey.funnel(_log(rows), stages="infer")
    assert f.index.tolist() == ["browse", "buy", "rate"]
    assert journey.infer_stage_order(_log(rows)) == ["browse", "buy", "rate"]


# --------------------------------------------------------------------------------------------
# transitions


def test_transitions_count_directly_follows_pairs_with_self_loops():
    t = journey.transitions(_log(), stages=STAGES)
    assert _pairs(t) == {
        ("awareness", "awareness"): 1,
        ("awareness", "consideration"): 3,
        ("consideration", "purchase"): 1,
        ("purchase", "purchase"): 1,
        ("purchase", "service"): 2,
        ("service", "loyalty"): 1,
    }
    assert t["count"].sum() == len(LOG) - 5  # events minus customers


def test_transition_probabilities_are_shares_of_the_from_stage():
    t = journey.transitions(_log(), stages=STAGES).set_index(["from", "to"])["probability"]
    assert t["awareness", "awareness"] == pytest.approx(0.25)
    assert t["awareness", "consideration"] == pytest.approx(0.75)
    assert t["purchase", "service"] == pytest.approx(2 / 3)
    assert t["service", "loyalty"] == pytest.approx(1.0)


def test_transitions_collapse_merges_consecutive_repeats():
    t = journey.transitions(_log(), stages=STAGES, collapse=True)
    pairs = _pairs(t)
    assert ("purchase", "purchase") not in pairs
    assert ("awareness", "awareness") not in pairs
    assert pairs[("awareness", "consideration")] == 3
    runs = 4 + 2 + 3 + 1 + 2  # stage runs of a, b, c, d, e
    assert t["count"].sum() == runs - 5


def test_transitions_keep_a_skipped_stage_as_a_direct_step():
    t = journey.transitions(_log([r for r in LOG if r[0] == "c"]), stages=STAGES)
    assert _pairs(t) == {("purchase", "service"): 1, ("service", "loyalty"): 1}


def test_transitions_sort_events_by_time_not_by_row():
    # e's rows are consideration (day 3) then awareness (day 1): time order gives aw -> co
    t = journey.transitions(_log([r for r in LOG if r[0] == "e"]), stages=STAGES)
    assert _pairs(t) == {("awareness", "consideration"): 1}


def test_ties_are_broken_by_the_declared_stage_order():
    rows = [("x", 1, "purchase"), ("x", 1, "awareness"), ("x", 2, "service")]
    t = journey.transitions(_log(rows), stages=STAGES)
    assert _pairs(t) == {("awareness", "purchase"): 1, ("purchase", "service"): 1}
    v = journey.variants(_log(rows), stages=STAGES)
    assert v.index[0] == "awareness → purchase → service"
    # with the stage order reversed the same tie resolves the other way
    reverse = list(reversed(STAGES))
    t = journey.transitions(_log(rows[:2]), stages=reverse)
    assert _pairs(t) == {("purchase", "awareness"): 1}


def test_ties_of_the_same_stage_keep_the_row_order_and_count_as_repeats():
    rows = [("x", 1, "awareness"), ("x", 1, "awareness")]
    assert _pairs(journey.transitions(_log(rows), stages=STAGES)) == {("awareness", "awareness"): 1}


def test_single_event_customers_have_no_transitions():
    t = journey.transitions(_log([("d", 3, "awareness"), ("f", 4, "purchase")]), stages=STAGES)
    assert t.empty
    assert t.columns.tolist() == ["from", "to", "count", "probability"]


def test_transitions_can_follow_touchpoints():
    ev = _log([("a", 1, "awareness"), ("a", 2, "purchase")])
    ev["touchpoint"] = ["ad", "checkout"]
    t = journey.transitions(ev, stage="touchpoint", stages=["ad", "checkout"])
    assert _pairs(t) == {("ad", "checkout"): 1}


# --------------------------------------------------------------------------------------------
# durations


def test_durations_summarise_time_between_consecutive_events():
    d = journey.durations(_log(), stages=STAGES, quantiles=[0.5]).set_index(["from", "to"])
    # awareness -> consideration: a 1 day, b 3 days (day 2 -> 5), e 2 days
    assert d.loc[("awareness", "consideration"), "count"] == 3
    assert d.loc[("awareness", "consideration"), "median"] == pd.Timedelta(days=2)
    assert d.loc[("awareness", "consideration"), "mean"] == pd.Timedelta(days=2)
    # purchase -> service: a 2 days (day 4 -> 6), c 1 day
    assert d.loc[("purchase", "service"), "median"] == pd.Timedelta(hours=36)


def test_durations_with_collapse_run_from_entering_one_stage_to_entering_the_next():
    d = journey.durations(_log(), stages=STAGES, collapse=True, quantiles=[0.5])
    d = d.set_index(["from", "to"])
    # a enters purchase on day 3 and service on day 6; c: day 1 -> day 2
    assert d.loc[("purchase", "service"), "median"] == pd.Timedelta(days=2)
    # b enters awareness on day 1 and consideration on day 5; a 1 day; e 2 days
    assert d.loc[("awareness", "consideration"), "median"] == pd.Timedelta(days=2)
    assert d.loc[("awareness", "consideration"), "mean"] == pd.Timedelta(days=7 / 3).round("s")


def test_durations_name_quantile_columns():
    d = journey.durations(_log(), stages=STAGES)
    quantiles = ["q10", "q25", "median", "q75", "q90"]
    assert d.columns.tolist() == ["from", "to", "count", "mean", *quantiles]


def test_durations_raw_rows_match_the_transitions():
    raw = journey.durations(_log(), stages=STAGES, summary=False)
    assert len(raw) == journey.transitions(_log(), stages=STAGES)["count"].sum()
    b = raw[raw["customer"] == "b"]
    assert b["duration"].tolist() == [pd.Timedelta(days=1), pd.Timedelta(days=3)]


def test_durations_reject_a_quantile_outside_zero_to_one():
    with pytest.raises(ValueError, match="quantiles"):
        journey.durations(_log(), stages=STAGES, quantiles=[50])


# --------------------------------------------------------------------------------------------
# variants and exits


def test_variants_list_paths_with_repeats_collapsed():
    v = journey.variants(_log(), stages=STAGES)
    assert v.index.tolist() == [
        "awareness → consideration",
        "awareness",
        "awareness → consideration → purchase → service",
        "purchase → service → loyalty",
    ]
    assert v["customers"].tolist() == [2, 1, 1, 1]
    assert v["share"].sum() == pytest.approx(1.0)
    assert v["path"].iloc[3] == ("purchase", "service", "loyalty")
    assert v.attrs["variants"] == 4


def test_variants_keep_repeats_when_asked():
    v = journey.variants(_log(), stages=STAGES, collapse=False)
    assert "awareness → awareness → consideration" in v.index  # b
    assert "awareness → consideration → purchase → purchase → service" in v.index  # a


def test_variants_top_gathers_the_rest_so_shares_add_up():
    v = journey.variants(_log(), stages=STAGES, top=2)
    assert v.index.tolist()[-1] == "(other variants)"
    assert v["customers"].tolist() == [2, 1, 2]
    assert v["share"].sum() == pytest.approx(1.0)
    assert v["cumulative_share"].iloc[-1] == pytest.approx(1.0)


def test_variants_reject_a_bad_top():
    with pytest.raises(ValueError, match="top"):
        journey.variants(_log(), top=0)


def test_exits_count_last_and_furthest_stages():
    x = journey.exits(_log(), stages=STAGES)
    # last events: a service, b consideration, c loyalty, d awareness, e consideration
    assert x["last"].tolist() == [1, 2, 0, 1, 1]
    assert x["furthest"].tolist() == [1, 2, 0, 1, 1]
    assert x["last_share"].sum() == pytest.approx(1.0)


def test_exits_last_follows_time_and_furthest_follows_the_stage_order():
    rows = [("x", 1, "purchase"), ("x", 2, "loyalty"), ("x", 3, "service")]
    x = journey.exits(_log(rows), stages=STAGES)
    assert x.loc["service", "last"] == 1
    assert x.loc["loyalty", "furthest"] == 1


# --------------------------------------------------------------------------------------------
# bad logs


def _problem(excinfo) -> tuple[str, str | None, str]:
    p = excinfo.value.problem
    return p.rule, p.column, str(excinfo.value)


@pytest.mark.parametrize("column", ["customer_id", "timestamp", "stage"])
def test_a_missing_column_is_named(column):
    with pytest.raises(DataError) as e:
        journey.funnel(_log().drop(columns=column))
    rule, col, text = _problem(e)
    assert (rule, col) == ("missing_column", column)
    assert f"{column!r}" in text


def test_a_renamed_column_can_be_passed():
    ev = _log().rename(columns={"timestamp": "when"})
    with pytest.raises(DataError, match="timestamp='<column>'"):
        journey.transitions(ev, stages=STAGES)
    assert journey.transitions(ev, stages=STAGES, timestamp="when")["count"].sum() == 9


def test_an_empty_log_is_an_error():
    with pytest.raises(DataError) as e:
        journey.variants(_log().iloc[:0])
    assert e.value.problem.rule == "empty"
    assert "no rows" in str(e.value)


def test_missing_timestamps_leave_their_events_out_of_the_moves():
    ev = _log()
    ev.loc[[2, 7], "timestamp"] = pd.NaT
    without = _log().drop(index=[2, 7]).reset_index(drop=True)
    got = journey.transitions(ev, stages=STAGES)
    assert got.equals(journey.transitions(without, stages=STAGES))


def test_text_timestamps_are_parsed_and_bad_ones_reported():
    ev = _log()
    ev["timestamp"] = ev["timestamp"].dt.strftime("%Y-%m-%d %H:%M").astype(object)
    assert journey.transitions(ev, stages=STAGES)["count"].sum() == 9
    ev.loc[4, "timestamp"] = "next tuesday"
    with pytest.raises(DataError) as e:
        journey.funnel(ev, stages=STAGES)
    assert e.value.problem.rule == "bad_timestamp"
    assert e.value.problem.rows == ((4, "next tuesday"),)


def test_numeric_timestamps_are_rejected():
    ev = _log().assign(timestamp=np.arange(len(LOG)))
    with pytest.raises(DataError) as e:
        journey.funnel(ev)
    assert (e.value.problem.rule, e.value.problem.column) == ("bad_timestamp", "timestamp")


def test_unknown_stages_are_listed_with_rows_and_a_hint():
    ev = _log()
    ev.loc[3, "stage"] = "checkout"
    ev.loc[9, "stage"] = "Checkout"
    with pytest.raises(DataError) as e:
        journey.funnel(ev, stages=STAGES)
    p = e.value.problem
    assert (p.rule, p.column, p.n_rows) == ("unknown_stage", "stage", 2)
    assert "'checkout'" in p.message and "'Checkout'" in p.message
    assert dict(p.rows) == {3: "checkout", 9: "Checkout"}
    assert "stages=" in p.hint


def test_missing_stages_and_customers_are_reported():
    ev = _log()
    ev.loc[5, "stage"] = None
    with pytest.raises(DataError) as e:
        journey.funnel(ev)
    assert (e.value.problem.rule, e.value.problem.column) == ("missing_stage", "stage")
    ev = _log()
    ev.loc[0, "customer_id"] = None
    with pytest.raises(DataError) as e:
        journey.funnel(ev)
    assert (e.value.problem.rule, e.value.problem.column) == ("missing_customer", "customer_id")


def test_every_problem_is_reported_at_once():
    ev = _log()
    ev.loc[1, "stage"] = None
    ev.loc[2, "stage"] = "checkout"
    ev.loc[3, "customer_id"] = None
    with pytest.raises(BundleError) as e:
        journey.variants(ev)
    rules = {p.rule for p in e.value.report.errors}
    assert rules == {"missing_stage", "unknown_stage", "missing_customer"}
    assert isinstance(e.value, DataError)


def test_events_without_a_time_are_left_out_and_counted():
    # A blank time, or a placeholder date the contract turned into a missing one, cannot be
    # placed in a journey; the rest of the log is analysed as if that row were not there.
    ev = _log()
    ev.loc[0, "timestamp"] = pd.NaT
    without = _log().drop(index=0).reset_index(drop=True)
    assert journey.funnel(ev, stages=STAGES).equals(journey.funnel(without, stages=STAGES))
    log = journey_log.prepare(ev, stages=STAGES)
    assert log.undated == 1 and 0 not in log.rows


def test_a_log_without_any_time_is_refused_clearly():
    ev = _log()
    ev["timestamp"] = pd.NaT
    with pytest.raises(DataError) as e:
        journey.funnel(ev, stages=STAGES)
    assert (e.value.problem.rule, e.value.problem.column) == ("missing_timestamp", "timestamp")


def test_row_labels_are_positions_when_the_index_is_not_integer():
    ev = _log()
    ev.index = [f"r{i}" for i in range(len(ev))]
    ev.loc["r6", "stage"] = None
    with pytest.raises(DataError) as e:
        journey.funnel(ev)
    assert [r for r, _ in e.value.problem.rows] == [6]


def test_stage_lists_are_checked():
    with pytest.raises(ValueError, match="more than once"):
        journey.funnel(_log(), stages=["awareness", "awareness"])
    with pytest.raises(ValueError, match="infer"):
        journey.funnel(_log(), stages="awareness")
    with pytest.raises(ValueError, match="at least one"):
        journey.funnel(_log(), stages=[])


def test_time_zone_aware_timestamps_are_ordered_in_utc():
    ev = _log([("x", 1, "purchase"), ("x", 1, "awareness")])
    ev["timestamp"] = pd.Series(["2024-01-01 10:00+02:00", "2024-01-01 09:30+00:00"], dtype=object)
    # 08:00 UTC purchase happens before 09:30 UTC awareness
    assert _pairs(journey.transitions(ev)) == {("purchase", "awareness"): 1}
    ev["timestamp"] = pd.to_datetime(["2024-03-31 03:30", "2024-03-31 01:30"]).tz_localize(
        "Europe/Berlin"
    )
    assert _pairs(journey.transitions(ev)) == {("awareness", "purchase"): 1}


# --------------------------------------------------------------------------------------------
# properties


@st.composite
def logs(draw):
    n = draw(st.integers(1, 40))
    customers = draw(st.lists(st.sampled_from("abcdefg"), min_size=n, max_size=n))
    days = draw(st.lists(st.integers(1, 6), min_size=n, max_size=n))
    stages = draw(st.lists(st.sampled_from(STAGES), min_size=n, max_size=n))
    return _log(list(zip(customers, days, stages, strict=True)))


PROPERTY = settings(deadline=None, max_examples=60, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(logs())
def test_funnel_never_rises_and_starts_with_every_customer(ev):
    f = journey.funnel(ev, stages=STAGES)
    customers = f["customers"].to_numpy()
    assert customers[0] == ev["customer_id"].nunique()
    assert (np.diff(customers) <= 0).all()
    assert (f["visited"] <= f["customers"]).all()
    ok = f["conversion"].notna()
    assert (
        (f.loc[ok, "conversion_low"] <= f.loc[ok, "conversion"])
        & (f.loc[ok, "conversion"] <= f.loc[ok, "conversion_high"])
    ).all()


@PROPERTY
@given(logs(), st.booleans())
def test_transition_counts_and_probabilities_add_up(ev, collapse):
    t = journey.transitions(ev, stages=STAGES, collapse=collapse)
    n_customers = ev["customer_id"].nunique()
    if collapse:
        ordered = ev.sort_values(["customer_id", "timestamp"], kind="stable")
        ordered = ordered.assign(
            rank=ordered["stage"].map({s: i for i, s in enumerate(STAGES)})
        ).sort_values(["customer_id", "timestamp", "rank"], kind="stable")
        new_run = (ordered["customer_id"] != ordered["customer_id"].shift()) | (
            ordered["stage"] != ordered["stage"].shift()
        )
        assert t["count"].sum() == new_run.sum() - n_customers
        assert (t["from"] != t["to"]).all()
    else:
        assert t["count"].sum() == len(ev) - n_customers
    if len(t):
        sums = t.groupby("from")["probability"].sum()
        assert sums.to_numpy() == pytest.approx(np.ones(len(sums)))


@PROPERTY
@given(logs(), st.one_of(st.none(), st.integers(1, 5)))
def test_variant_shares_cover_every_customer(ev, top):
    v = journey.variants(ev, stages=STAGES, top=top)
    assert v["customers"].sum() == ev["customer_id"].nunique()
    assert v["share"].sum() == pytest.approx(1.0)
    x = journey.exits(ev, stages=STAGES)
    assert x["last"].sum() == x["furthest"].sum() == ev["customer_id"].nunique()


@PROPERTY
@given(logs(), st.randoms(use_true_random=False))
def test_row_order_does_not_matter(ev, rnd):
    shuffled = ev.iloc[rnd.sample(range(len(ev)), len(ev))]
    # rows tied on customer, time and stage are interchangeable, so results are identical
    pd.testing.assert_frame_equal(
        journey.transitions(ev, stages=STAGES), journey.transitions(shuffled, stages=STAGES)
    )
    pd.testing.assert_frame_equal(
        journey.variants(ev, stages=STAGES, top=None),
        journey.variants(shuffled, stages=STAGES, top=None),
    )
    pd.testing.assert_frame_equal(
        journey.durations(ev, stages=STAGES), journey.durations(shuffled, stages=STAGES)
    )


# --------------------------------------------------------------------------------------------
# the fast paths agree with the plain ones


def test_event_order_matches_lexsort():
    from cxlab.journey._log import _order

    rng = np.random.default_rng(7)
    n = 5_000
    cust = rng.integers(0, 300, n)
    ts = rng.integers(0, 50, n) * 1_000_000
    stage = rng.integers(0, 5, n)
    expected = np.lexsort((stage, ts, cust))
    got = _order(cust, ts, stage, 5)
    key = np.c_[cust, ts, stage]
    # the same sequence of (customer, time, stage); alike events may swap places
    assert (key[got] == key[expected]).all()
    huge = ts.copy()
    huge[0] = 2**62  # a span that would overflow the combined key: lexsort itself
    assert (_order(cust, huge, stage, 5) == np.lexsort((stage, huge, cust))).all()


def test_funnel_gives_the_same_counts_without_the_grid(monkeypatch):
    from cxlab.journey import _flow

    expected = journey.funnel(_log(), stages=STAGES)
    monkeypatch.setattr(_flow, "GRID_LIMIT", 0)
    pd.testing.assert_frame_equal(journey.funnel(_log(), stages=STAGES), expected)
