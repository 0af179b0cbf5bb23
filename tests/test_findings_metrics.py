"""Findings of chapter 02's analyses, the survey view and the survey's own history.

Inputs are small tables written here; expected sentences and numbers are worked out by hand in
the comments next to them.
"""

from pathlib import Path

import pandas as pd
import pytest

from cxlab import metrics
from cxlab.contract.bundle import Bundle
from cxlab.contract.config import BundleConfig, Scale
from cxlab.errors import DataError
from cxlab.findings import Finding

PAYLOAD = "<img src=x onerror=alert(1)>"


def csat_table(groups: dict[str, list[int]], *, by: str = "touchpoint", min_n: int = 5):
    """A CSAT breakdown of the given answers per group."""
    rows = [(g, v) for g, values in groups.items() for v in values]
    df = pd.DataFrame(rows, columns=[by, "csat"])
    return df, metrics.breakdown(df, by=by, metric="csat", min_n=min_n)


def survey_of(responses, customers=None, **config):
    """A SurveyData of a bundle built from the given tables."""
    bundle = Bundle(
        path=Path("client"),
        config=BundleConfig(client="Shop", **config),
        responses=responses,
        customers=customers,
    )
    return metrics.survey_data(bundle)


# -- breakdown_finding ------------------------------------------------------------------------


def test_breakdown_finding_names_the_lowest_group_with_score_n_and_gap():
    # web: 40 of 40 satisfied (100%); till: 10 of 40 (25%); gap 25 - 100 = -75
    _, table = csat_table({"web": [5, 4] * 20, "till": [2, 4, 2, 2] * 10})
    f = metrics.breakdown_finding(table)
    assert f.supported
    assert "till scores lowest: 25% satisfied" in f.text
    assert "n = 40), 75 points below the rest" in f.text
    # 40 of 40 against 10 of 40: p is about 1e-11, said as "< 0.001", never in e-notation
    assert "the gap is larger than chance explains (Holm-adjusted p < 0.001)" in f.text
    assert "Of 2 touchpoints scored, 1 scores clearly below the rest (till)" in f.text
    worst = f.facts["worst_touchpoint_csat"]
    assert (worst["touchpoint"], worst["value"], worst["n"], worst["differs"]) == (
        "till",
        25.0,
        40,
        True,
    )


def test_breakdown_finding_states_the_overall_score_first():
    # 40 + 12 satisfied of 80 answers = 65 %
    df, table = csat_table({"web": [5] * 40, "till": [4] * 12 + [1] * 28})
    f = metrics.breakdown_finding(table, overall=metrics.csat(df["csat"]))
    assert f.text.startswith(
        "Overall, 65% of 80 CSAT answers are satisfied (a score of 4 or more on 1–5). "
    )


def test_breakdown_finding_says_when_the_gap_could_be_chance():
    # 18 of 30 against 17 of 30: one answer apart
    _, table = csat_table({"web": [5] * 18 + [1] * 12, "till": [5] * 17 + [1] * 13})
    f = metrics.breakdown_finding(table)
    assert "but after the adjustment the gap could still be chance" in f.text
    assert "0 score clearly below the rest (none) and 0 clearly above (none)" in f.text
    assert f.facts["worst_touchpoint_csat"]["differs"] is False


def test_breakdown_finding_says_when_two_groups_tie_for_lowest():
    # app and till both 10 of 40 satisfied
    _, table = csat_table(
        {"web": [5] * 40, "app": [5] * 10 + [1] * 30, "till": [1] * 30 + [5] * 10}
    )
    assert (
        "app and till tie for the lowest score: 25% satisfied"
        in metrics.breakdown_finding(table).text
    )


def test_breakdown_finding_counts_masked_groups():
    _, table = csat_table({"web": [5] * 40, "till": [1] * 40, "fax": [1, 5, 5]}, min_n=5)
    assert "; 1 with fewer than 5 answers is masked." in metrics.breakdown_finding(table).text


def test_breakdown_finding_flags_a_small_lowest_group():
    _, table = csat_table({"web": [5] * 40, "till": [1] * 12})
    assert (
        "with only 12 answers, treat its score as indicative"
        in metrics.breakdown_finding(table).text
    )


def test_breakdown_finding_is_unsupported_when_every_group_is_masked():
    _, table = csat_table({"web": [5, 4, 1], "till": [1, 2]}, min_n=20)
    f = metrics.breakdown_finding(table)
    assert not f.supported
    assert "None of the 2 groups of touchpoint has 20 or more CSAT answers" in f.text
    assert metrics.headline_numbers([f]) == {}


def test_breakdown_finding_is_unsupported_with_a_single_group():
    _, table = csat_table({"web": [5, 4, 1] * 10})
    f = metrics.breakdown_finding(table)
    assert not f.supported
    assert "Only web has enough CSAT answers to be scored" in f.text


def test_breakdown_finding_writes_nps_in_points():
    # A: 30 promoters (+100); B: 10 promoters, 20 detractors of 30: (10 - 20) / 30 = -33
    df = pd.DataFrame({"touchpoint": ["A"] * 30 + ["B"] * 30, "nps": [10] * 40 + [0] * 20})
    f = metrics.breakdown_finding(metrics.breakdown(df, by="touchpoint", metric="nps"))
    assert "B scores lowest: NPS −33 (95% interval −" in f.text
    assert "worst_touchpoint_nps" in f.facts


def test_breakdown_finding_escapes_group_names():
    _, table = csat_table({"web": [5] * 40, PAYLOAD: [1] * 40})
    f = metrics.breakdown_finding(table)
    assert PAYLOAD in f.text
    assert "<img" not in f.to_markdown()
    assert "&#60;img src=x onerror=alert&#40;1&#41;&#62;" in f.to_markdown()


def test_breakdown_finding_refuses_effort():
    df = pd.DataFrame({"touchpoint": ["a", "b"] * 20, "ces": [3, 6] * 20})
    with pytest.raises(ValueError, match="effort_finding"):
        metrics.breakdown_finding(metrics.breakdown(df, by="touchpoint", metric="ces"))


def test_breakdown_records_its_minimum_and_correction():
    _, table = csat_table({"web": [5] * 10}, min_n=7)
    assert (table.attrs["min_n"], table.attrs["correction"]) == (7, "holm")


# -- the survey view --------------------------------------------------------------------------


RESPONSES = pd.DataFrame(
    {
        "customer_id": ["c1", "c2", "c3", None] * 10,
        "date": pd.to_datetime(["2023-05-01", "2023-06-01", "2024-05-01", "2024-06-01"] * 10),
        "channel": ["email", "email", "sms", "sms"] * 10,
        "touchpoint": ["web", "till", "web", "till"] * 10,
        "csat": [5, 1, 4, 2] * 10,
        "nps": [10, 3, None, None] * 10,
    }
)
CUSTOMERS = pd.DataFrame(
    {
        "customer_id": ["c1", "c2", "c3"],
        "region": ["North", "South", "North"],
        "plan": ["pro", "free", None],
        "channel": ["shop", "web", "web"],
    }
)


def test_survey_data_picks_the_first_default_attribute_the_customers_have():
    survey = survey_of(RESPONSES, CUSTOMERS)
    assert (survey.attribute, survey.group_column) == ("plan", "plan")  # plan before region


def test_survey_data_renames_an_attribute_the_responses_already_have():
    survey = metrics.survey_data(
        Bundle(Path("x"), BundleConfig(), responses=RESPONSES, customers=CUSTOMERS),
        attribute="channel",
    )
    assert survey.group_column == "channel_customer"
    assert survey.scored["channel_customer"].fillna("-").tolist()[:4] == ["shop", "web", "web", "-"]


def test_survey_data_names_a_close_column_for_an_unknown_attribute():
    bundle = Bundle(Path("x"), BundleConfig(), responses=RESPONSES, customers=CUSTOMERS)
    with pytest.raises(DataError, match="no column 'plann'") as err:
        metrics.survey_data(bundle, attribute="plann")
    assert "did you mean 'plan'?" in str(err.value)


def test_survey_data_without_customer_ids_has_no_attribute():
    survey = survey_of(RESPONSES.drop(columns="customer_id"), CUSTOMERS)
    assert survey.customers is None and survey.attribute is None
    assert "no customer attribute to break scores down by" in survey.summary().text


def test_survey_summary_counts_responses_names_scores_and_escapes_the_client():
    survey = metrics.survey_data(
        Bundle(Path("x"), BundleConfig(), responses=RESPONSES, customers=CUSTOMERS),
        client=PAYLOAD,
    )
    f = survey.summary()
    assert f.text == (
        f"Working with {PAYLOAD}: 40 survey responses; scores: NPS, CSAT; customer attribute "
        "for breakdowns: plan."
    )
    assert "<img" not in f.to_markdown()


def test_survey_has_needs_one_response_that_fills_every_column():
    df = pd.DataFrame({"csat": [5, None], "touchpoint": [None, "web"]})
    survey = survey_of(df)
    assert survey.has("csat") and survey.has("touchpoint")
    assert not survey.has("csat", "touchpoint")
    assert not survey.has("ces")


def test_survey_counts_answers_linked_to_the_attribute():
    # c1 (pro) and c2 (free) have a plan: 20 of the 40 CSAT answers
    assert survey_of(RESPONSES, CUSTOMERS).linked("csat") == (20, 40)


def test_survey_options_carry_the_declared_scales():
    survey = survey_of(
        RESPONSES,
        csat_scale=Scale(1, 10, satisfied=8),
        ces_scale=Scale(1, 5, direction="higher_is_harder"),
    )
    assert survey.options["csat"]["scale"].satisfied == 8
    assert survey.higher_is_easier is False
    assert survey.higher_is_better("ces") is False and survey.higher_is_better("csat")


def test_survey_lists_segments_years_and_scores():
    survey = survey_of(RESPONSES, CUSTOMERS)
    assert survey.segments() == ["touchpoint", "channel", "plan"]
    assert survey.years() == ["2023", "2024"]
    assert survey.scores() == ["csat", "nps"]


def test_survey_breaks_down_by_segment_in_one_year():
    # 2024: web answers 4 (satisfied), till answers 2: 10 each
    table = survey_of(RESPONSES).breakdown("csat", by="touchpoint", year=2024, min_n=5)
    assert table["n"].to_dict() == {"till": 10, "web": 10}
    assert table["value"].to_dict() == {"till": 0.0, "web": 100.0}


def test_survey_breakdown_is_none_without_answers_in_that_year():
    assert survey_of(RESPONSES).breakdown("nps", by="touchpoint", year=2024, min_n=5) is None


def test_survey_by_year_sets_the_years_side_by_side():
    wide = survey_of(RESPONSES).by_year("csat", by="touchpoint", min_n=5)
    assert list(wide.columns[:5]) == [
        ("2023", "n"),
        ("2023", "value"),
        ("2023", "low"),
        ("2023", "high"),
        ("2023", "differs"),
    ]
    assert wide[("2023", "n")].to_dict() == {"till": 10, "web": 10}


def test_survey_panels_split_by_channel_and_attribute():
    panels = survey_of(RESPONSES, CUSTOMERS).panels("csat", min_n=5)
    assert list(panels) == ["survey channel", "plan"]
    assert panels["plan"]["n"].to_dict() == {"free": 10, "pro": 10}


# -- touchpoint_order -------------------------------------------------------------------------


EVENTS = pd.DataFrame(
    {
        "touchpoint": ["till", "web", "web", "app", "app", "app", "mail"],
        "stage": [
            "purchase",
            "consideration",
            "consideration",
            "consideration",
            "consideration",
            "purchase",
            "awareness",
        ],
    }
)


def test_touchpoint_order_follows_the_stages_then_volume():
    # mail: awareness; app (3 events) and web (2): consideration; till: purchase; desk: none
    order = metrics.touchpoint_order(["till", "web", "desk", "app", "mail"], EVENTS)
    assert order.index.tolist() == ["mail", "app", "web", "till", "desk"]
    assert order.tolist() == ["awareness", "consideration", "consideration", "purchase", None]


def test_touchpoint_order_without_events_is_alphabetical():
    assert metrics.touchpoint_order(["web", "app", "till"]).index.tolist() == ["app", "till", "web"]


def test_touchpoint_order_takes_given_stages():
    order = metrics.touchpoint_order(["web", "till"], EVENTS, stages=["purchase", "consideration"])
    assert order.index.tolist() == ["till", "web"]


def test_touchpoint_order_reads_other_stages_from_the_log():
    events = pd.DataFrame(
        {
            "customer_id": ["a", "a", "b", "b"],
            "timestamp": pd.to_datetime(["2024-01-01", "2024-01-02"] * 2),
            "touchpoint": ["form", "call", "form", "call"],
            "stage": ["apply", "decide", "apply", "decide"],
        }
    )
    assert metrics.touchpoint_order(["call", "form"], events).to_dict() == {
        "form": "apply",
        "call": "decide",
    }


# -- panels_finding ---------------------------------------------------------------------------


def test_panels_finding_counts_groups_that_differ_and_answers_linked():
    survey = survey_of(RESPONSES, CUSTOMERS)
    f = metrics.panels_finding(survey.panels("csat", min_n=5), survey)
    # email: 5 and 1 alternate (50%), sms: 4 and 2 (50%): no difference; pro 100% vs free 0%
    assert f.text == (
        "By survey channel, 0 of 2 groups differ from the rest after Holm's adjustment (none). "
        "By plan, 2 of 2 groups differ from the rest after Holm's adjustment (free, pro). "
        "20 of 40 CSAT answers could be linked to a customer's plan; the others are anonymous "
        "or from customers without that attribute."
    )


def test_panels_finding_lists_masked_groups():
    df = pd.DataFrame({"channel": ["email"] * 30 + ["sms"] * 30 + ["fax"] * 2, "csat": [5, 1] * 31})
    survey = survey_of(df)
    f = metrics.panels_finding(survey.panels("csat", min_n=5), survey)
    assert "; fax had fewer than 5 answers and is masked." in f.text
    assert "There is no customer-group panel" in f.text


def test_panels_finding_is_unsupported_without_answers():
    survey = survey_of(RESPONSES.drop(columns="csat"))
    assert not metrics.panels_finding({}, survey).supported


def test_panels_finding_escapes_the_attribute_name():
    customers = CUSTOMERS.rename(columns={"plan": PAYLOAD})
    survey = metrics.survey_data(
        Bundle(Path("x"), BundleConfig(), responses=RESPONSES, customers=customers),
        attribute=PAYLOAD,
    )
    f = metrics.panels_finding(survey.panels("csat", min_n=5), survey)
    assert "<img" not in f.to_markdown() and "&#60;img" in f.to_markdown()


def test_panels_finding_names_a_snake_case_attribute_in_words():
    customers = CUSTOMERS.rename(columns={"plan": "age_band"})
    survey = metrics.survey_data(
        Bundle(Path("x"), BundleConfig(), responses=RESPONSES, customers=customers),
        attribute="age_band",
    )
    f = metrics.panels_finding(survey.panels("csat", min_n=5), survey)
    assert "By age band, 2 of 2 groups differ" in f.text
    assert "linked to a customer's age band;" in f.text and "age_band" not in f.text


# -- promoters, passives, detractors ----------------------------------------------------------


def test_nps_groups_finding_gives_the_three_shares_and_the_score():
    # 20 promoters, 10 passives, 10 detractors of 40: NPS (20 - 10) / 40 = +25
    df = pd.DataFrame({"nps": [10] * 20 + [8] * 10 + [3] * 10})
    f = metrics.nps_groups_finding(metrics.nps_groups(df), metrics.nps(df["nps"]))
    assert f.text.startswith(
        "Of 40 NPS answers, 50% are promoters, 25% passives and 25% detractors: NPS +25 (95% "
    )
    assert f.facts["nps_groups"] == {"detractor": 0.25, "passive": 0.25, "promoter": 0.5, "n": 40}
    assert f.facts["nps"].value == 25.0


def test_nps_groups_finding_names_who_is_over_represented_and_flags_small_groups():
    # promoters all on pro, detractors and passives all on free
    df = pd.DataFrame({"customer_id": list("abcdefghij"), "nps": [10] * 4 + [2] * 4 + [7] * 2})
    customers = pd.DataFrame(
        {"customer_id": list("abcdefghij"), "plan": ["pro"] * 4 + ["free"] * 6}
    )
    f = metrics.nps_groups_finding(
        metrics.nps_groups(df, customers=customers), metrics.nps(df["nps"])
    )
    assert "With only 10 answers, treat the score as indicative." in f.text
    assert (
        "What sets detractors apart most: plan: free (100% of detractors, 0% of promoters). "
        "What sets promoters apart: plan: pro (0% of detractors, 100% of promoters). "
        "These are associations, not causes. With only 4 answers in the smaller group"
    ) in f.text


def test_nps_groups_finding_writes_a_yes_no_attribute_in_words():
    # promoters all gave marketing consent, detractors and passives none
    df = pd.DataFrame({"customer_id": list("abcdefghij"), "nps": [10] * 4 + [2] * 4 + [7] * 2})
    consent = [True] * 4 + [False] * 6
    customers = pd.DataFrame({"customer_id": list("abcdefghij"), "marketing_consent": consent})
    f = metrics.nps_groups_finding(
        metrics.nps_groups(df, customers=customers), metrics.nps(df["nps"])
    )
    assert "marketing consent: no (100% of detractors, 0% of promoters)" in f.text
    assert "marketing consent: yes (0% of detractors, 100% of promoters)" in f.text
    assert "True" not in f.text and "False" not in f.text


def test_nps_groups_finding_says_when_no_attribute_sets_groups_apart():
    df = pd.DataFrame({"customer_id": list("abcd"), "nps": [10, 10, 2, 2]})
    customers = pd.DataFrame({"customer_id": list("abcd"), "plan": ["pro"] * 4})
    f = metrics.nps_groups_finding(
        metrics.nps_groups(df, customers=customers), metrics.nps(df["nps"])
    )
    assert "No customer attribute is more common among detractors than among promoters." in f.text


def test_nps_groups_finding_escapes_attribute_values():
    df = pd.DataFrame({"customer_id": list("ab"), "nps": [10, 2]})
    customers = pd.DataFrame({"customer_id": list("ab"), "plan": [PAYLOAD, "free"]})
    f = metrics.nps_groups_finding(
        metrics.nps_groups(df, customers=customers), metrics.nps(df["nps"])
    )
    assert PAYLOAD in f.text and "<img" not in f.to_markdown()


# -- comments ---------------------------------------------------------------------------------


def test_comments_finding_masks_personal_details_and_escapes_markup():
    df = pd.DataFrame(
        {"nps": [10, 2], "comment": ["Lovely", "<svg onload=alert(1)> mail jo@example.com"]}
    )
    f = metrics.comments_finding(metrics.nps_groups(df))
    assert f.text == (
        "- *promoter*: “Lovely”\n- *detractor*: “<svg onload=alert(1)> mail [e-mail removed]”"
    )
    shown = f.to_markdown()
    assert "<svg" not in shown and "example" not in shown and "&#60;svg" in shown


def test_comments_finding_draws_n_per_group_reproducibly():
    df = pd.DataFrame({"nps": [10] * 6 + [7] * 6, "comment": [f"c{i}" for i in range(12)]})
    groups = metrics.nps_groups(df)
    a = metrics.comments_finding(groups, n=2, seed=3)
    assert a.text == metrics.comments_finding(groups, n=2, seed=3).text
    assert a.text.count("*promoter*") == 2 and a.text.count("*passive*") == 2


def test_comments_finding_without_comments_says_so():
    df = pd.DataFrame({"nps": [10, 2]})
    assert metrics.comments_finding(metrics.nps_groups(df)).text == (
        "The responses carry no comments to read."
    )
    empty = pd.DataFrame({"nps": [10, 2], "comment": [None, " "]})
    f = metrics.comments_finding(metrics.nps_groups(empty))
    assert not f.supported and f.text == "No group has comments."


# -- effort -----------------------------------------------------------------------------------


EFFORT = pd.DataFrame(
    {"touchpoint": ["web"] * 40 + ["till"] * 40, "ces": [6, 7] * 20 + [2, 3] * 20}
)


def test_effort_finding_names_the_hardest_touchpoint_on_an_easier_is_higher_scale():
    # till: mean 2.5, no answer of 5 or more; all: 40 of 80 answers low effort (50%)
    table = metrics.breakdown(EFFORT, by="touchpoint", metric="ces")
    f = metrics.effort_finding(table, EFFORT, overall=metrics.ces(EFFORT["ces"]))
    assert f.text.startswith("Effort peaks at till: mean 2.50 on 1–7 (higher is easier; ")
    assert "against 4.50 overall" in f.text
    assert "0% of its answers report low effort, against 50% across all touchpoints." in f.text
    assert f.facts["most_effort_touchpoint"]["touchpoint"] == "till"


def test_effort_finding_follows_a_harder_is_higher_scale():
    scale = Scale(1, 7, direction="higher_is_harder")
    table = metrics.breakdown(EFFORT, by="touchpoint", metric="ces", scale=scale)
    f = metrics.effort_finding(
        table, EFFORT, overall=metrics.ces(EFFORT["ces"], scale=scale), scale=scale
    )
    assert f.text.startswith("Effort peaks at web: mean 6.50 on 1–7 (higher is harder; ")


def test_effort_finding_states_the_journey_order():
    table = metrics.breakdown(EFFORT, by="touchpoint", metric="ces")
    order = metrics.touchpoint_order(table.index, EVENTS)
    f = metrics.effort_finding(table, EFFORT, overall=metrics.ces(EFFORT["ces"]), order=order)
    assert f.text.startswith("Journey order: web (consideration) → till (purchase). ")


def test_effort_finding_is_unsupported_when_every_touchpoint_is_masked():
    table = metrics.breakdown(EFFORT, by="touchpoint", metric="ces", min_n=50)
    f = metrics.effort_finding(table, EFFORT, overall=metrics.ces(EFFORT["ces"]))
    assert not f.supported and "No touchpoint has 50 or more effort answers" in f.text


def test_effort_finding_refuses_a_csat_table():
    _, table = csat_table({"web": [5] * 10, "till": [1] * 10})
    with pytest.raises(ValueError, match="CES"):
        metrics.effort_finding(table, EFFORT, overall=metrics.ces(EFFORT["ces"]))


# -- trends -----------------------------------------------------------------------------------


def monthly(satisfied: list[int], n: int = 10) -> pd.DataFrame:
    """``n`` CSAT answers a month from January 2024, ``satisfied[i]`` of them a 5, else 1."""
    rows = []
    for month, k in enumerate(satisfied, start=1):
        date = pd.Timestamp(2024, month, 15)
        rows += [(date, 5)] * k + [(date, 1)] * (n - k)
    return pd.DataFrame(rows, columns=["date", "csat"])


def test_trend_finding_spots_eight_periods_on_one_side():
    # 4 months at 20 %, 8 at 80 %: centre 72 / 120 = 60 %; limits 60 ± 3·sqrt(.24/10) =
    # 60 ± 46.5, so nothing is outside; the last 8 months sit above the centre
    f = metrics.trend_finding(metrics.trend(monthly([2] * 4 + [8] * 8), metric="csat"))
    assert f.text == (
        "Over 12 periods from 2024-01 to 2024-12, CSAT ranges from 20% (2024-01) to 80% "
        "(2024-05) around a centre line of 60%, on 10 answers per period. No period falls "
        "outside the control limits. But 8 periods in a row, 2024-05 to 2024-12, sit above the "
        "centre line: a sustained shift rather than chance. 12 periods have fewer than 30 "
        "answers, so their points say little on their own."
    )


def test_trend_finding_lists_periods_outside_the_limits():
    # 50 a month at 100 %, 80 %, 20 %: centre 66.7 %, limits ± 3·sqrt(.222/50) = ± 20 points
    f = metrics.trend_finding(metrics.trend(monthly([50, 40, 10], n=50), metric="csat"))
    assert "2 periods fall outside the control limits (2024-01, 2024-03)" in f.text
    # January and February (80 %) sit above the centre, March below
    assert "The longest run on one side of the centre line is 2 periods, short of" in f.text


def test_trend_finding_is_unsupported_with_one_period():
    f = metrics.trend_finding(metrics.trend(monthly([5]), metric="csat"))
    assert not f.supported
    assert f.text == "All CSAT answers fall in one period (2024-01), so there is no trend to read."


def test_mix_finding_compares_the_lowest_groups_share_in_each_half():
    # first half (1–2 Jan): till, till; second half (1–2 Mar): till, web
    df = pd.DataFrame(
        {
            "date": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-03-01", "2024-03-02"] * 10),
            "touchpoint": ["till", "till", "till", "web"] * 10,
            "csat": [2, 3, 2, 5] * 10,
        }
    )
    table = metrics.breakdown(df, by="touchpoint", metric="csat")
    f = metrics.mix_finding(df, table)
    assert "till, the lowest-scoring touchpoint, gave 100% of CSAT answers in the first half" in (
        f.text
    )
    assert "and 50% in the second." in f.text


def test_mix_finding_is_unsupported_without_dates():
    df, table = csat_table({"web": [5] * 10, "till": [1] * 10})
    assert not metrics.mix_finding(df, table).supported


def test_waves_finding_counts_waves_and_stray_answers():
    df = pd.DataFrame(
        {
            "date": pd.to_datetime(["2024-02-01"] * 30 + ["2024-05-01"] * 2 + ["2024-08-01"] * 30),
            "nps": [9, 10, 6] * 10 + [8, 8] + [10, 9, 7] * 10,
        }
    )
    f = metrics.waves_finding(metrics.trend(df, freq="Q", metric="nps"), min_n=20)
    assert f.text == (
        "2 of 3 quarters hold a survey wave of at least 20 NPS answers (Q1 2024, Q3 2024); "
        "1 other quarter holds 2 stray answers and is left out."
    )


def test_waves_finding_says_when_every_period_has_enough_answers():
    df = pd.DataFrame(
        {
            "date": pd.to_datetime(["2024-02-01"] * 25 + ["2024-05-01"] * 40),
            "nps": [9] * 65,
        }
    )
    f = metrics.waves_finding(metrics.trend(df, freq="Q", metric="nps"), min_n=20)
    assert f.supported
    assert f.text == (
        "Every one of the 2 quarters holds at least 20 NPS answers (25 to 40 a quarter), so "
        "each quarter has a score of its own to compare with the one before."
    )


def test_waves_finding_is_unsupported_without_a_wave():
    df = pd.DataFrame({"date": pd.to_datetime(["2024-02-01", "2024-03-01"]), "nps": [9, 3]})
    f = metrics.waves_finding(metrics.trend(df, freq="M", metric="nps"), min_n=20)
    assert not f.supported and "None of the 2 months holds a survey wave" in f.text


# -- the survey's own history -----------------------------------------------------------------


QUARTERS = pd.DataFrame(
    {
        "date": pd.to_datetime(["2024-01-05"] * 40 + ["2024-02-07"] * 2 + ["2024-04-02"] * 40),
        # Q1: 20 of 40 satisfied, plus two stray answers in February (one satisfied)
        "csat": [5, 1] * 20 + [5, 1] + [5, 5, 4, 1] * 10,
        # Q1: 20 promoters, 10 passives, 10 detractors (+25); Q2: 30, 0, 10 (+50)
        "nps": [10, 8, 10, 2] * 10 + [None, None] + [10, 10, 10, 2] * 10,
    }
)


def test_period_scores_scores_each_period_with_enough_answers():
    scores = metrics.period_scores(QUARTERS, metric="nps", min_n=20)
    assert {str(p): s.value for p, s in scores.items()} == {"2024Q1": 25.0, "2024Q2": 50.0}
    monthly_scores = metrics.period_scores(QUARTERS, metric="csat", freq="M", min_n=5)
    assert [str(p) for p in monthly_scores] == ["2024-01", "2024-04"]  # February has 2


def test_period_scores_is_empty_without_dates():
    assert metrics.period_scores(QUARTERS.drop(columns="date"), metric="nps") == {}


def test_latest_change_compares_the_last_two_periods():
    change = metrics.latest_change(metrics.period_scores(QUARTERS, metric="csat"))
    # Q1: 21 of 42 = 50 %; Q2: 30 of 40 = 75 %
    assert (change.label, change.periods) == ("CSAT Q2 2024 vs Q1 2024", "Q2 2024 vs Q1 2024")
    assert change.comparison.difference == 25.0
    assert change.to_frame().index.tolist() == ["CSAT Q2 2024 vs Q1 2024"]
    assert change.to_frame().columns.tolist() == [
        "value_a",
        "value_b",
        "difference",
        "low",
        "high",
        "p_value",
        "n_a",
        "n_b",
    ]


def test_latest_change_needs_two_periods():
    assert metrics.latest_change(metrics.period_scores(QUARTERS.iloc[:40], metric="nps")) is None


def daily(days: int, start: str = "2024-01-01", values=(5, 1)) -> pd.DataFrame:
    dates = pd.date_range(start, periods=days, freq="D")
    return pd.DataFrame({"date": dates, "csat": [values[i % len(values)] for i in range(days)]})


def test_own_benchmark_cuts_at_the_month_start_nearest_the_middle():
    # 1 Jan to 30 Apr 2024 (121 days): middle 1 Mar; + 15 days is in March: cut 1 Mar;
    # earlier 1 Jan–29 Feb (60 answers, 30 satisfied: 50 %), later 61 answers
    own = metrics.own_benchmark(daily(121), metric="csat", by=None)
    assert own.cut == pd.Timestamp("2024-03-01")
    assert (own.n_earlier, own.n_later) == (60, 61)
    assert own.source == "Own survey 01 Jan 2024–29 Feb 2024"
    row = own.rows.iloc[0]
    assert (row["metric"], row["segment"], row["value"], row["n"], row["scale"]) == (
        "csat",
        "",
        50.0,
        60,
        "1-5",
    )
    assert own.enough and isinstance(own.current, metrics.CSATScore)


def test_own_benchmark_splits_a_short_survey_the_day_after_the_middle():
    # 10–19 Jan: middle 14 Jan noon, no month start after 10 Jan before the end: cut 15 Jan
    own = metrics.own_benchmark(daily(10, "2024-01-10"), metric="csat", by=None, min_n=5)
    assert own.cut == pd.Timestamp("2024-01-15")
    assert (own.n_earlier, own.n_later) == (5, 5)


def test_own_benchmark_with_too_few_answers_has_no_rows():
    own = metrics.own_benchmark(daily(121), metric="csat", by=None, min_n=100)
    assert not own.enough and own.rows.empty and own.current is None
    assert own.n_earlier == 60


def test_own_benchmark_leaves_out_small_segments():
    df = daily(121).assign(touchpoint=["web"] * 118 + ["till"] * 3)
    own = metrics.own_benchmark(df, metric="csat", min_n=20)
    assert own.rows["segment"].tolist() == ["web"]
    assert own.by == "touchpoint"


def test_own_benchmark_rows_read_back_as_a_benchmark_file(tmp_path):
    own = metrics.own_benchmark(daily(121), metric="csat", by=None)
    own.rows.to_csv(tmp_path / "b.csv", index=False)
    back = metrics.read_benchmarks(tmp_path / "b.csv")
    assert back.loc[0, "value"] == 50.0 and back.loc[0, "source"] == own.source


def test_benchmark_finding_counts_comparisons():
    # earlier part all dissatisfied, later all satisfied: the intervals cannot overlap
    df = daily(121, values=(1,))
    df.loc[df["date"] >= "2024-03-01", "csat"] = 5
    own = metrics.own_benchmark(df, metric="csat", by=None)
    f = metrics.benchmark_finding(metrics.benchmark(own.current, own.rows), own)
    assert f.text.startswith(
        "Against the benchmark *Own survey 01 Jan 2024–29 Feb 2024*, the later period (1 Mar "
        "2024 onwards) is above it in 1, below it in 0 and not clearly different in 0 of 1 "
        "comparisons (CSAT). The move is +100.0."
    )


def test_benchmark_finding_is_unsupported_when_the_survey_cannot_be_split():
    own = metrics.own_benchmark(daily(121), metric="csat", by=None, min_n=100)
    f = metrics.benchmark_finding(None, own)
    assert not f.supported
    assert f.text == (
        "The CSAT answers (1 Jan 2024 to 30 Apr 2024) are too few or span too short a period "
        "to split into a benchmark part and a later part of 100+ answers each."
    )
    undated = metrics.own_benchmark(daily(10).drop(columns="date"), metric="csat")
    assert "carry no dates" in metrics.benchmark_finding(None, undated).text


def test_benchmark_finding_escapes_segment_names():
    df = daily(121).assign(touchpoint=PAYLOAD)
    own = metrics.own_benchmark(df, metric="csat")
    f = metrics.benchmark_finding(metrics.benchmark(own.current, own.rows), own)
    assert PAYLOAD in f.text and "<img" not in f.to_markdown()


def test_detectable_change_is_the_first_gain_the_answers_can_show():
    latest = metrics.nps([10] * 110 + [8] * 90 + [3] * 48)
    d = metrics.detectable_change(latest)
    assert metrics.sample_size("nps", baseline=latest, change=d) <= latest.n
    assert metrics.sample_size("nps", baseline=latest, change=d - 1) > latest.n


def test_detectable_change_is_none_when_no_allowed_gain_is_detectable():
    # 49 of 50 satisfied (98 %): only a 1-point gain is possible, and it needs far more answers
    assert metrics.detectable_change(metrics.csat([5] * 49 + [1])) is None


def test_detectable_change_of_effort_steps_by_a_tenth():
    latest = metrics.ces([2, 6] * 200)  # mean 4, sd 2
    d = metrics.detectable_change(latest)
    assert abs(d * 10 - round(d * 10)) < 1e-9
    assert metrics.sample_size("ces", baseline=latest, change=d) <= 400


def test_sample_size_table_lists_each_gain_beside_the_latest_n():
    latest = metrics.nps([10] * 60 + [8] * 20 + [3] * 20)  # +40, passives 20 %
    table = metrics.sample_size_table(latest, [5, 50], period="wave")
    assert table.index.name == "NPS change to detect (points)"
    assert table.loc[5, "answers needed per wave"] == metrics.sample_size(
        "nps", baseline=latest, change=5
    )
    assert pd.isna(table.loc[50, "answers needed per wave"])  # +90 is beyond 80 % non-passives
    assert table["latest wave had"].tolist() == [100, 100]


# -- did it change, goals and targets ---------------------------------------------------------


def change_of(before: list[int], after: list[int], metric: str = "csat"):
    dates = ["2024-02-01"] * len(before) + ["2024-05-01"] * len(after)
    df = pd.DataFrame({"date": pd.to_datetime(dates), metric: before + after})
    return metrics.latest_change(metrics.period_scores(df, metric=metric))


def test_trend_finding_counts_a_single_period_in_the_singular():
    # 12 months of 40 answers, then one month of 5: one period rests on fewer than 30
    dates = [f"2024-{m:02d}-10" for m in range(1, 13) for _ in range(40)] + ["2025-01-10"] * 5
    r = pd.DataFrame({"date": pd.to_datetime(dates), "csat": [5, 4, 3, 2] * 121 + [5]})
    f = metrics.trend_finding(metrics.trend(r, freq="M", metric="csat"))
    assert "1 period has fewer than 30 answers, so its point says little on its own." in f.text
    assert "(s)" not in f.text


def test_change_finding_says_a_large_change_is_more_than_chance():
    # 5 of 40 satisfied (12.5 %), then 35 of 40 (87.5 %)
    f = metrics.change_finding(change_of([1] * 35 + [5] * 5, [5] * 35 + [1] * 5))
    assert f.text.startswith(
        "CSAT Q2 2024 vs Q1 2024: 87.5 against 12.5, a change of +75.0 points (95% interval "
    )
    assert f.text.endswith("— larger than chance explains.")
    numbers = f.facts["csat_change"]
    assert (numbers["periods"], numbers["difference"]) == ("Q2 2024 vs Q1 2024", 75.0)


def test_change_finding_says_when_the_data_cannot_tell():
    f = metrics.change_finding(change_of([5, 1] * 20, [1, 5] * 20))
    assert "a change of 0.0 points" in f.text  # no sign on no change
    assert f.text.endswith(
        "within what chance alone produces; the data cannot say the score moved."
    )


def test_change_finding_writes_a_fall_with_a_true_minus():
    # 35 of 40 satisfied (87.5 %), then 5 of 40 (12.5 %): a fall of 75 points
    f = metrics.change_finding(change_of([5] * 35 + [1] * 5, [1] * 35 + [5] * 5))
    assert "12.5 against 87.5, a change of −75.0 points (95% interval −" in f.text
    assert "-" not in f.text.replace("Holm-", "")


def test_change_finding_warns_about_small_periods():
    f = metrics.change_finding(change_of([5, 1] * 5, [5, 5] * 5))
    assert "Read with care: group a: only 10 responses" in f.text


def test_goal_finding_gives_the_answers_needed_and_the_smallest_detectable_gain():
    latest = metrics.nps([10] * 110 + [8] * 90 + [3] * 48)
    f = metrics.goal_finding(latest, goal=5, period="2025Q3")
    needed = metrics.sample_size("nps", baseline=latest, change=5)
    smallest = metrics.detectable_change(latest)
    assert f.text == (
        f"To show a gain of 5 points over wave Q3 2025 (NPS +25, n = 248), the next wave and this "
        f"one would each need about {needed:,} answers, {needed / 248:.1f} times what the latest "
        f"wave collected. With 248 answers per wave, only changes of about {smallest:g} points or "
        "more can be shown reliably from one wave to the next."
    )
    assert f.facts == {
        "nps_goal": {"change": 5, "answers_needed_per_wave": needed, "latest_wave_n": 248}
    }


def test_goal_finding_says_when_the_gain_is_impossible():
    f = metrics.goal_finding(metrics.nps([10] * 40), goal=5, period="2025Q3")
    assert f.text == (
        "A gain of 5 points is beyond what the latest mix of answers allows (NPS +100 in wave "
        "Q3 2025). No gain that the scale allows could be shown with 40 answers per wave."
    )
    assert f.facts == {}


def test_goal_finding_says_when_the_latest_period_already_suffices():
    f = metrics.goal_finding(metrics.nps([10, 8, 3] * 5000), goal=5, period="2025Q3")
    assert "which the latest wave already collected." in f.text


def test_target_finding_states_target_and_verdict():
    # Q1: 20 promoters and 10 detractors of 40 (+25); target +30
    change = change_of([10, 9, 7, 3] * 10, [10, 10, 7, 3] * 10, metric="nps")
    test = metrics.against_target(change.latest_score, target=30.0)
    f = metrics.target_finding(test, change, goal=5)
    assert f.text.startswith(
        "Target for Q2 2024: Q1 2024's NPS +25.0 plus 5 = +30.0. The latest NPS"
    )
    assert f.text.endswith(f": {test.verdict} (p = {test.p_value:.2g}).")
    assert f.facts == {"nps_goal": {"target": 30.0, "verdict": test.verdict}}


# -- headline numbers -------------------------------------------------------------------------


def test_headline_numbers_merge_parts_of_one_entry_and_skip_unsupported():
    parts = [
        Finding("a", numbers={"nps_goal": {"change": 5}, "nps": 27}),
        None,
        Finding.unsupported("no trend", n=3),
        Finding("b", numbers={"nps_goal": {"target": 33.0}}),
    ]
    assert metrics.headline_numbers(parts) == {"nps_goal": {"change": 5, "target": 33.0}, "nps": 27}


def test_headline_numbers_of_the_demo_match_the_numbers_before_the_findings():
    from cxlab import datasets

    bundle = datasets.load_demo("clothing_retailer")
    survey = metrics.survey_data(bundle)
    r = survey.responses
    table = metrics.breakdown(r, by="touchpoint", metric="csat", min_n=20, **survey.options["csat"])
    worst = metrics.breakdown_finding(table).facts["worst_touchpoint_csat"]
    # the planted pain point: checkout has the lowest CSAT, 55 of its 262 answers satisfied
    # (counted in datasets/clothing_retailer/responses.csv: touchpoint checkout, csat >= 4)
    assert (worst["touchpoint"], worst["n"], round(worst["value"], 2)) == ("checkout", 262, 20.99)


def test_panels_finding_agrees_the_verb_with_one_group():
    # c: 4 of 40 satisfied against about half of the 800 others; a and b sit near the rest
    df = pd.DataFrame(
        {
            "channel": ["a"] * 400 + ["b"] * 400 + ["c"] * 40,
            "csat": [5, 1] * 400 + [5] * 4 + [1] * 36,
        }
    )
    survey = survey_of(df)
    f = metrics.panels_finding(survey.panels("csat", min_n=5), survey)
    assert f.text.startswith(
        "By survey channel, 1 of 3 groups differs from the rest after Holm's adjustment (c)."
    )
