"""Process logs are not linear funnels: milestones, outcomes and work items (cxlab.journey)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cxlab import journey

T0 = pd.Timestamp("2024-03-01 09:00")


def log(cases: dict[str, list[str]], *, step: str = "1h") -> pd.DataFrame:
    """An event log from activity lists, one event per ``step`` within each case."""
    rows = [
        (case, T0 + i * pd.Timedelta(step), activity)
        for case, activities in cases.items()
        for i, activity in enumerate(activities)
    ]
    return pd.DataFrame(rows, columns=["customer_id", "timestamp", "stage"])


# c1 passes every milestone; c2 is declined after an offer, c3 cancelled early; "call" repeats.
LOAN = {
    "c1": ["submit", "check", "call", "call", "offer", "accept"],
    "c2": ["submit", "check", "call", "offer", "declined"],
    "c3": ["submit", "call", "check", "cancelled"],
    "c4": ["submit", "check", "offer", "accept"],
}


def loan_log(seed: int = 3, cases: int = 400) -> pd.DataFrame:
    """A loan-application-like log with 25 activities: 10 milestones in order, 4 outcome
    activities, 7 work items that repeat anywhere in a case, and 4 rare activities."""
    rng = np.random.default_rng(seed)
    milestones = [
        "A_create",
        "A_submitted",
        "A_preaccepted",
        "A_accepted",
        "O_selected",
        "O_created",
        "O_sent",
        "O_sent_back",
        "A_registered",
        "A_activated",
    ]
    work = [f"W_{w}" for w in ("call", "complete", "validate", "leads", "fix", "missing", "fraud")]
    rare = ["R_audit", "R_escalate", "R_manual", "R_appeal"]
    rows = []
    for c in range(cases):
        t = pd.Timestamp("2024-01-01") + pd.Timedelta(hours=int(rng.integers(0, 24 * 200)))
        seq: list[str] = []
        end = None
        for i, m in enumerate(milestones):
            seq.append(m)
            if 2 <= i < len(milestones) - 1 and rng.random() < 0.12:
                end = str(rng.choice(["A_declined", "A_cancelled", "O_cancelled", "O_declined"]))
                break
            if i >= 1:
                for w in rng.choice(work, size=int(rng.poisson(0.8)), replace=True):
                    seq.append(str(w))
        if end:
            seq.append(end)
        if c % 25 == 0:  # each rare activity in 1 case of 100
            seq.insert(int(rng.integers(1, len(seq))), rare[(c // 25) % len(rare)])
        for a in seq:
            t = t + pd.Timedelta(minutes=int(rng.integers(5, 60 * 24 * 3)))
            rows.append((f"L{c:04d}", t, a, a.split("_")[0]))
    return pd.DataFrame(rows, columns=["customer_id", "timestamp", "stage", "touchpoint"])


def test_roles_of_a_small_process_log_worked_by_hand():
    p = journey.plan(log(LOAN))
    # call: 1 of its 3 cases has it twice (1/3 >= 0.3) -> work item; declined, cancelled by name
    assert p.stages == ("submit", "check", "offer", "accept")
    assert set(p.outcomes) == {"declined", "cancelled"}
    assert p.work_items == ("call",)
    assert p.ignored == ()
    assert p.inferred
    assert p.roles.loc["check", "cases"] == 4
    assert p.roles.loc["call", "repeat_share"] == pytest.approx(1 / 3)


def test_outcomes_are_never_funnel_stages_and_the_funnel_reads_milestones():
    events = log(LOAN)
    p = journey.plan(events)
    f = journey.funnel(p.apply(events), stages=p.stages)
    assert f["customers"].tolist() == [4, 4, 3, 2]
    assert "declined" not in f.index


def test_outcome_shares_count_how_cases_end():
    out = journey.outcomes(log(LOAN), outcomes=["declined", "cancelled"])
    # one case each, ties by name; two cases have no outcome
    assert out.index.tolist() == ["cancelled", "declined", "(no outcome yet)"]
    assert out["cases"].tolist() == [1, 1, 2]
    assert out["share"].tolist() == [0.25, 0.25, 0.5]
    assert (out["low"] <= out["share"]).all() and (out["share"] <= out["high"]).all()
    assert out.attrs["cases"] == 4


def test_the_last_outcome_event_of_a_case_is_its_outcome():
    events = log({"a": ["apply", "withdrawn", "apply", "rejected"], "b": ["apply"]})
    out = journey.outcomes(events, outcomes=["withdrawn", "rejected"])
    assert out["cases"].to_dict() == {"rejected": 1, "(no outcome yet)": 1}


def test_activity_that_occurs_early_and_late_is_a_work_item():
    # note comes before a in 1 of 4 cases (reversal 1/4), before b in 2 (2/4), before c in
    # 3 (1/4): median reversal 1/4 >= 0.1, in every case; a, b, c keep their order (0)
    events = log(
        {
            "c1": ["note", "a", "b", "c"],
            "c2": ["a", "b", "c", "note"],
            "c3": ["a", "note", "b", "c"],
            "c4": ["a", "b", "note", "c"],
        }
    )
    p = journey.plan(events)
    assert p.work_items == ("note",)
    assert p.roles.loc["note", "order_mix"] == pytest.approx(0.25)
    assert p.roles.loc["b", "order_mix"] == 0
    assert p.stages == ("a", "b", "c")


def test_rare_activities_and_steps_that_lose_nobody_are_left_out_of_a_long_funnel():
    cases = {f"c{i:02d}": ["a", "b"] + (["c"] if i < 10 else []) for i in range(25)}
    cases["c00"] = ["a", "odd", "b", "c"]  # odd: 1 of 25 cases, 4% < 5%
    p = journey.plan(log(cases), max_stages=2)
    # three candidates for two places: b is reached by the same 25 cases as a
    assert p.stages == ("a", "c")
    assert set(p.ignored) == {"odd", "b"}
    assert p.roles.loc["odd", "reason"] == "rare"
    assert p.roles.loc["b", "reason"] == "reached by the same cases as a"


def test_beyond_max_stages_the_first_the_last_and_the_most_common_are_kept():
    # a in 20 cases, b in 15, c in 10, d (last) in 5: nested, so no two share their cases
    cases = {
        f"c{i:02d}": ["a", "b", "c", "d"][: 1 + (i < 15) + (i < 10) + (i < 5)] for i in range(20)
    }
    p = journey.plan(log(cases), max_stages=3)
    assert p.stages == ("a", "b", "d")
    assert p.roles.loc["c", "reason"] == "beyond the 3 kept"
    assert journey.plan(log(cases)).stages == ("a", "b", "c", "d")


def test_explicit_outcomes_and_ignore_win_over_the_rules():
    p = journey.plan(log(LOAN), outcomes=["accept"], ignore=["check"])
    assert "accept" in p.outcomes and "check" in p.ignored
    assert p.stages == ("submit", "offer")


def test_default_stages_are_taken_as_declared_and_nothing_is_dropped():
    events = log({"a": ["awareness", "purchase", "purchase", "loyalty"], "b": ["awareness"]})
    p = journey.plan(events)
    assert p.stages == journey.DEFAULT_STAGES
    assert not p.inferred
    assert p.work_items == () and p.outcomes == ()
    assert len(p.apply(events)) == len(events)


def test_declared_stages_keep_their_order_and_outcome_names_are_still_outcomes():
    events = log({"a": ["b_step", "a_step", "Rejected"], "b": ["a_step", "other"]})
    p = journey.plan(events, stages="a_step, b_step")
    assert p.stages == ("a_step", "b_step")
    assert p.outcomes == ("Rejected",)
    assert p.ignored == ("other",)
    assert p.roles.loc["other", "reason"] == "not a declared stage"


def test_stage_of_groups_activities_into_one_stage():
    events = log({"a": ["A_SUBMITTED", "A_PARTLY", "O_SENT"], "b": ["A_SUBMITTED", "A_DECLINED"]})
    p = journey.plan(
        events, stage_of={"A_SUBMITTED": "apply", "A_PARTLY": "apply", "O_SENT": "offer"}
    )
    assert p.stages == ("apply", "offer")
    applied = p.apply(events)
    assert applied["stage"].tolist() == ["apply", "apply", "offer", "apply"]
    assert journey.funnel(applied, stages=p.stages)["customers"].tolist() == [2, 1]
    assert p.outcomes == ("A_DECLINED",)


def test_a_stage_cannot_also_be_an_outcome():
    with pytest.raises(ValueError, match="both stages and outcomes: a"):
        journey.plan(log({"x": ["a", "b"]}), stages=["a", "b"], outcomes=["a"])


def test_max_stages_below_one_is_refused():
    with pytest.raises(ValueError, match="max_stages"):
        journey.plan(log(LOAN), max_stages=0)


def test_outcome_words_match_the_start_of_a_word_only():
    events = log({"a": ["apply", "Application cancelled", "relost", "O_DECLINED"]})
    p = journey.plan(events, stages=["apply"])
    assert set(p.outcomes) == {"Application cancelled", "O_DECLINED"}
    assert p.ignored == ("relost",)


def test_a_25_activity_process_log_gets_a_short_funnel_without_outcomes():
    events = loan_log()
    p = journey.plan(events)
    assert p.activities == 25
    assert set(p.outcomes) == {"A_declined", "A_cancelled", "O_cancelled", "O_declined"}
    assert set(p.work_items) == {
        f"W_{w}" for w in ("call", "complete", "validate", "leads", "fix", "missing", "fraud")
    }
    # A_submitted and A_preaccepted are reached by every case, as A_create is: left out
    assert p.stages == (
        "A_create",
        "A_accepted",
        "O_selected",
        "O_created",
        "O_sent",
        "O_sent_back",
        "A_registered",
        "A_activated",
    )
    assert p.roles.loc["A_submitted", "reason"] == "reached by the same cases as A_create"
    f = journey.funnel(p.apply(events), stages=p.stages)
    assert f["customers"].iloc[0] == events["customer_id"].nunique()
    assert not any("declin" in s or "cancel" in s for s in f.index)


def test_a_shop_log_with_its_own_stage_names_keeps_its_funnel_although_stages_repeat():
    # 12 customers who come back: visit repeats in every case, basket and order in the 8 that
    # get there, delivery in the 6 that get there; review once. 4 of the 5 activities repeat
    # (more than half), so repetition marks no work item; first events are always in order.
    full = ["visit", "basket", "visit", "order", "delivery", "visit", "basket", "order"]
    full += ["delivery", "review"]
    cases = {f"c{i:02d}": full for i in range(6)}
    cases |= {f"c{i:02d}": [*full[:4], "visit", "basket", "order"] for i in range(6, 8)}
    cases |= {f"c{i:02d}": ["visit", "visit"] for i in range(8, 12)}
    p = journey.plan(log(cases))
    assert p.inferred
    assert p.work_items == ()
    assert p.stages == ("visit", "basket", "order", "delivery", "review")
    assert p.roles.loc["order", "repeat_share"] == 1.0
    f = journey.funnel(p.apply(log(cases)), stages=p.stages)
    assert f["customers"].tolist() == [12, 8, 8, 6, 6]


def test_repetition_is_a_work_item_only_where_most_activities_do_not_repeat():
    # four activities repeat in every case (visit, basket, order, delivery); with two one-off
    # steps before them 4 of 6 repeat, more than half: no work item. With four one-off steps
    # 4 of 8 repeat, not more than half, and the repeated ones become work items.
    base = ["visit", "basket", "visit", "order", "visit", "basket", "order", "delivery"]
    two = {f"c{i}": ["sign_up", "confirm", *base, "delivery"] for i in range(5)}
    assert journey.plan(log(two)).work_items == ()
    once = ["sign_up", "confirm", "verify", "welcome"]
    four = {f"c{i}": [*once, *base, "delivery"] for i in range(5)}
    p = journey.plan(log(four))
    assert set(p.work_items) == {"visit", "basket", "order", "delivery"}
    assert p.stages == tuple(once)


def test_the_loan_process_log_keeps_repeated_work_items_and_outcomes_out_of_the_funnel(tmp_path):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent))
    from realshaped import LOAN_OUTCOMES, process_log

    import cxlab

    bundle = cxlab.load_bundle(process_log(tmp_path))
    p = journey.plan_for(bundle)
    assert set(p.outcomes) == set(LOAN_OUTCOMES)
    assert set(p.work_items) == {
        "Additional information requested",
        "Additional information received",
    }
    assert not (set(p.stages) & (set(p.outcomes) | set(p.work_items)))
    assert p.stages[0] == "Application submitted"
    assert 3 <= len(p.stages) <= journey.MAX_STAGES


def test_plan_finding_names_milestones_and_what_is_left_out():
    text = journey.plan_finding(journey.plan(log(LOAN))).text
    assert "The log has 7 activities" in text
    assert "4 milestones in the order the data suggest: submit → check → offer → accept" in text
    assert (
        "2 outcomes (cancelled and declined)" in text
        or "2 outcomes (declined and cancelled)" in text
    )
    assert "1 work item (call), which repeats" in text


def test_plan_finding_without_any_stage_is_unsupported():
    p = journey.plan(log({"a": ["declined"], "b": ["cancelled"]}))
    found = journey.plan_finding(p)
    assert not found.supported
    assert "stages: in cxlab.yml" in found.text


def test_outcomes_finding_reads_the_largest_outcome_and_flags_small_samples():
    out = journey.outcomes(log(LOAN), outcomes=["declined", "cancelled"])
    text = journey.outcomes_finding(out).text
    assert text.startswith("Of 4 cases, 25% end cancelled (95% interval")
    assert "Then 25% declined." in text
    assert "50% end without an outcome event (still open, or completed)." in text
    assert "fewer than 30" in text


def test_outcomes_finding_without_outcome_events_is_unsupported():
    out = journey.outcomes(log({"a": ["x"]}), outcomes=["declined"])
    assert not journey.outcomes_finding(out).supported


def test_outcomes_finding_without_outcome_activities_says_how_to_name_them():
    out = journey.outcomes(log({"a": ["x"]}), outcomes=[])
    found = journey.outcomes_finding(out)
    assert not found.supported
    assert "names no outcome activity" in found.text and "cxlab.yml" in found.text


def test_findings_escape_activity_names():
    bad = "<img src=x onerror=alert(1)>"
    events = log({"a": ["apply", bad], "b": ["apply"]})
    p = journey.plan(events, stages=["apply"], outcomes=[bad])
    markdown = journey.plan_finding(p).to_markdown()
    assert "<img" not in markdown and "&#60;img" in markdown
    out = journey.outcomes(events, outcomes=[bad])
    assert "<img" not in journey.outcomes_finding(out).to_markdown()


def test_plan_for_reads_the_declared_journey_in_either_form_and_the_order_parameter_wins():
    from types import SimpleNamespace

    events = log({"a": ["A1", "A2", "B1", "no"], "b": ["A1", "X"]})
    config = SimpleNamespace(
        stages={
            "order": ["apply", "offer"],
            "outcomes": ["no"],
            "activities": {"apply": ["A1", "A2"], "offer": ["B1"]},
        }
    )
    p = journey.plan_for(SimpleNamespace(events=events, config=config))
    assert p.stages == ("apply", "offer")
    assert p.outcomes == ("no",)
    assert p.ignored == ("X",)
    assert p.apply(events)["stage"].tolist() == ["apply", "apply", "offer", "apply"]
    listed = SimpleNamespace(events=events, config=SimpleNamespace(stages=["A1", "B1"]))
    assert journey.plan_for(listed).stages == ("A1", "B1")
    assert journey.plan_for(listed, "B1, A1").stages == ("B1", "A1")


def test_plan_for_without_events_says_what_to_add():
    from types import SimpleNamespace

    from cxlab.errors import DataError

    with pytest.raises(DataError, match="no events table"):
        journey.plan_for(SimpleNamespace(events=None, config=None))


def test_plan_finding_on_the_standard_stages_says_so_and_leaves_nothing_out():
    events = log({"a": ["awareness", "purchase"], "b": ["awareness"]})
    text = journey.plan_finding(journey.plan(events)).text
    assert text == (
        "The log has 2 activities. The funnel follows 5 stages in the standard order: "
        "awareness → consideration → purchase → service → loyalty."
    )


def test_plan_finding_gives_the_reason_each_left_out_activity_is_left_out():
    cases = {f"c{i:02d}": ["a", "b"] + (["c"] if i < 10 else []) for i in range(25)}
    cases["c00"] = ["a", "odd", "b", "c"]
    text = journey.plan_finding(journey.plan(log(cases), max_stages=2)).text
    assert "1 rare activity (odd), each in under 5% of cases" in text
    assert "1 activity (b) reached by the same cases as the milestone before" in text


def test_a_milestone_seen_out_of_order_now_and_then_stays_a_milestone():
    # 19 cases a, b, c and one b, a, c: a and b reversed in 1 of 20 cases (0.05 < 0.1)
    cases = {f"c{i:02d}": ["a", "b", "c"] for i in range(19)} | {"c19": ["b", "a", "c"]}
    p = journey.plan(log(cases))
    assert p.stages == ("a", "b", "c")
    assert p.roles.loc["a", "order_mix"] == pytest.approx(0.025)  # median of 0.05 and 0


def test_the_default_stages_with_an_outcome_stay_the_default_journey():
    events = log(
        {"a": ["awareness", "purchase", "purchase", "order_cancelled"], "b": ["awareness"]}
    )
    p = journey.plan(events)
    assert p.stages == journey.DEFAULT_STAGES and not p.inferred
    assert p.outcomes == ("order_cancelled",)
    assert p.work_items == ()


def test_stages_declared_in_cxlab_yml_reach_the_plan_as_the_contract_applied_them(tmp_path):
    import cxlab
    from cxlab import journey as jr

    (tmp_path / "events.csv").write_text(
        "case,activity,at\n"
        "1,A_SUBMITTED,2024-01-01 09:00\n1,O_SENT,2024-01-02 09:00\n1,A_DECLINED,2024-01-03 09:00\n"
        "2,A_SUBMITTED,2024-01-01 10:00\n2,W_call,2024-01-01 11:00\n2,O_SENT,2024-01-02 10:00\n"
        "2,A_FINALIZED,2024-01-05 10:00\n",
        encoding="utf-8",
    )
    (tmp_path / "cxlab.yml").write_text(
        "columns:\n  events: {case: customer_id, activity: event, at: timestamp}\n"
        "stages:\n  activities:\n    application: A_SUBMITTED\n    offer: ['O_*']\n"
        "    decision: A_FINALIZED\n  outcomes:\n    declined: A_DECLINED\n  ignore: ['W_*']\n",
        encoding="utf-8",
    )
    bundle = cxlab.load_bundle(tmp_path)
    plan = jr.plan_for(bundle, None)
    assert plan.stages == ("application", "offer", "decision")
    assert plan.outcomes == ("declined",)
    funnel = jr.funnel(plan.apply(bundle.events), stages=list(plan.stages))
    # both cases applied and got an offer; only case 2 reached a decision
    assert funnel["customers"].tolist() == [2, 2, 1]
