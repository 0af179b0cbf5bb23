"""The workshop map and improvement ideas: data chosen by industry, matched to the touchpoints."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cxlab import journey
from cxlab.journey import JourneyMap

XSS = "<img src=x onerror=alert(1)>"


def map_of(rows, metric="csat"):
    """A JourneyMap from rows of (stage, touchpoint, customers, score, n, pain, delight, impact)."""
    index = pd.MultiIndex.from_tuples([r[:2] for r in rows], names=["stage", "touchpoint"])
    table = pd.DataFrame(
        {
            "events": [r[2] for r in rows],
            "customers": [r[2] for r in rows],
            metric: [r[3] for r in rows],
            f"{metric}_n": [r[4] for r in rows],
            "pain_point": [r[5] for r in rows],
            "delight": [r[6] for r in rows],
            "impact": [r[7] for r in rows],
        },
        index=index,
    )
    return JourneyMap(table=table, funnel=pd.DataFrame(), overall=pd.DataFrame(), metrics=(metric,))


SHOP = [
    ("awareness", "social_ad", 500, np.nan, 0, False, False, np.nan),
    ("consideration", "product_page", 800, 75.0, 200, False, True, 0.2),
    ("purchase", "checkout", 1500, 25.0, 250, True, False, -0.6),
    ("service", "order_confirmation", 400, np.nan, 0, False, False, np.nan),
    ("service", "delivery", 700, 50.0, 150, False, False, 0.0),
    ("service", "support", 900, 45.0, 120, True, False, -0.1),
    ("loyalty", "review", 300, np.nan, 0, False, False, np.nan),
]


# ---------------------------------------------------------------------------------------------
# the data


@pytest.mark.parametrize("industry", sorted(journey.WORKSHOP_MAPS))
def test_every_workshop_row_has_a_default_stage_and_a_known_expectation(industry):
    for row in journey.WORKSHOP_MAPS[industry]:
        assert row.stage in journey.DEFAULT_STAGES
        assert row.expects in ("pain point", "opportunity")
        assert row.keywords


@pytest.mark.parametrize("industry", sorted(journey.WORKSHOP_MAPS))
def test_every_workshop_map_expects_some_pain_and_some_opportunity(industry):
    expects = {row.expects for row in journey.WORKSHOP_MAPS[industry]}
    assert expects == {"pain point", "opportunity"}


def test_workshop_map_accepts_an_alias_and_refuses_an_unknown_industry():
    assert journey.workshop_map("retail").equals(journey.workshop_map("ecommerce"))
    with pytest.raises(ValueError, match="no workshop map for the industry 'banking'"):
        journey.workshop_map("banking")


# ---------------------------------------------------------------------------------------------
# matching the client's touchpoints


def test_compare_workshop_shows_the_clients_touchpoints_and_what_the_data_say():
    c = journey.compare_workshop(map_of(SHOP), industry="ecommerce", metric="csat")
    assert c["workshop touchpoint"].tolist() == [
        "ad on social media",
        "product page",
        "checkout",
        "order confirmation",
        "delivery",
        "follow-up asking for feedback",
    ]
    assert c["measured touchpoint"].tolist() == [
        "social_ad (awareness)",
        "product_page (consideration)",
        "checkout (purchase)",
        "order_confirmation (service)",  # no confirmation in purchase: any stage will do
        "delivery (service)",
        "review (loyalty)",
    ]
    assert c["the data say"].tolist() == [
        "not surveyed; 500 customers pass here",
        "moment of delight: CSAT 75% (n 200)",
        "pain point: CSAT 25% (n 250)",
        "not surveyed; 400 customers pass here",
        "no different from the rest: CSAT 50% (n 150)",
        "not surveyed; 300 customers pass here",
    ]
    assert c.attrs["unmatched"] == []


def test_compare_workshop_prefers_the_rows_stage_then_the_busiest_touchpoint():
    m = map_of(
        [
            ("purchase", "web_order", 10, np.nan, 0, False, False, np.nan),
            ("purchase", "phone_order", 30, np.nan, 0, False, False, np.nan),
            ("service", "order_status", 90, np.nan, 0, False, False, np.nan),
        ]
    )
    c = journey.compare_workshop(m, industry="ecommerce")
    # checkout's keywords include "order": three hits, two in purchase; phone_order is busier
    assert c["measured touchpoint"].tolist() == ["phone_order (purchase)"]


def test_compare_workshop_matches_whole_words_only():
    # "address" contains "ad" and "broadcast" contains "ad" too, but neither is the word "ad"
    m = map_of([("awareness", "address_check", 10, np.nan, 0, False, False, np.nan)])
    m2 = map_of([("awareness", "broadcast", 10, np.nan, 0, False, False, np.nan)])
    assert journey.compare_workshop(m, industry="ecommerce").empty
    assert journey.compare_workshop(m2, industry="ecommerce").empty


def test_compare_workshop_names_the_most_common_action():
    ev = pd.DataFrame(
        {
            "touchpoint": ["checkout", "checkout", "checkout", "delivery"],
            "event": ["pay", "order_placed", "order_placed", "parcel"],
        }
    )
    c = journey.compare_workshop(map_of(SHOP), industry="ecommerce", events=ev, metric="csat")
    assert c.set_index("workshop touchpoint").loc["checkout", "action in the log"] == "order_placed"
    assert c.set_index("workshop touchpoint").loc["delivery", "action in the log"] == "parcel"


def test_compare_workshop_never_shows_another_business_touchpoints():
    # a loan process: none of the shop's workshop rows has a counterpart
    loan = map_of(
        [
            ("application", "application_form", 100, np.nan, 0, False, False, np.nan),
            ("decision", "credit_check", 90, np.nan, 0, False, False, np.nan),
            ("decision", "loan_decision", 80, np.nan, 0, False, False, np.nan),
        ]
    )
    c = journey.compare_workshop(loan, industry="ecommerce")
    assert c.empty
    found = journey.workshop_finding(c)
    assert not found.supported
    assert found.text == (
        "None of the 6 touchpoints of the ecommerce workshop map has a counterpart among the "
        "client's 3 touchpoints, so there is nothing to compare."
    )


def test_compare_workshop_uses_the_industrys_own_map():
    saas = map_of(
        [
            ("consideration", "free_trial", 700, 40.0, 90, True, False, -0.3),
            ("service", "onboarding", 600, 80.0, 90, False, True, 0.3),
        ]
    )
    c = journey.compare_workshop(saas, industry="saas", metric="csat")
    assert c["workshop touchpoint"].tolist() == ["free trial", "onboarding"]
    assert "checkout" not in c["workshop touchpoint"].tolist()


def test_without_an_industry_the_workshop_says_what_to_set():
    c = journey.compare_workshop(map_of(SHOP), industry=None, metric="csat")
    assert c.empty
    found = journey.workshop_finding(c)
    assert not found.supported
    assert "cxlab.yml declares no industry" in found.text
    assert "industry: ecommerce" in found.text


def test_an_industry_without_a_workshop_map_is_said_plainly_and_escaped():
    c = journey.compare_workshop(map_of(SHOP), industry=XSS, metric="csat")
    found = journey.workshop_finding(c)
    assert not found.supported
    assert "<img" not in found.to_markdown()
    assert "&#60;img" in found.to_markdown()


def test_without_touchpoints_there_is_nothing_to_compare():
    found = journey.workshop_finding(journey.compare_workshop(None, industry="ecommerce"))
    assert not found.supported
    assert "name no touchpoints" in found.text


# ---------------------------------------------------------------------------------------------
# the workshop finding


def test_workshop_finding_counts_confirmed_and_contradicted_pain_points():
    c = journey.compare_workshop(map_of(SHOP), industry="ecommerce", metric="csat")
    # expected pains: product page (delight → contradicted), checkout (pain → confirmed),
    # delivery (no different → contradicted); 3 rows not surveyed
    assert journey.workshop_finding(c).text == (
        "Of the workshop's 3 expected pain points, the data confirm 1 (checkout) and contradict 2 "
        "(product page, delivery); for 3 of the 6 rows the data have no scores, so only customers "
        "can tell how those steps feel."
    )


def test_workshop_finding_flags_a_pain_where_an_opportunity_was_expected_and_left_out_rows():
    m = map_of(
        [
            ("awareness", "social_ad", 500, 20.0, 90, True, False, -0.4),
            ("purchase", "checkout", 900, 70.0, 90, False, False, 0.0),
        ]
    )
    text = journey.workshop_finding(
        journey.compare_workshop(m, industry="ecommerce", metric="csat")
    ).text
    assert "The data flag ad on social media as a pain point where the workshop expected an " in (
        text
    )
    assert (
        "4 of the 6 rows of the ecommerce workshop map (product page, order confirmation, "
        "delivery, follow-up asking for feedback) have no counterpart" in text
    )


def test_workshop_finding_needs_the_comparison_table():
    with pytest.raises(ValueError, match="compare_workshop"):
        journey.workshop_finding(pd.DataFrame())


# ---------------------------------------------------------------------------------------------
# ideas and improvements


def test_ideas_for_prefers_the_industrys_own_ideas():
    assert journey.ideas_for("menu_page", "restaurant").startswith("prices, allergens")
    assert journey.ideas_for("menu_page", "hospitality").startswith("prices, allergens")
    assert journey.ideas_for("menu_page", None).startswith("say plainly what is offered")
    assert journey.ideas_for("menu_page", "ecommerce").startswith("fuller descriptions")
    assert journey.ideas_for("support", "ecommerce").endswith("solve the problem")
    assert "tracking" in journey.ideas_for("support", "ecommerce")
    assert "tracking" not in journey.ideas_for("support", "consulting")


def test_ideas_for_an_unknown_kind_of_touchpoint_falls_back():
    assert journey.ideas_for("loan_decision", "ecommerce") == journey.FALLBACK_IDEA


def test_ideas_for_matches_by_words_and_plurals():
    assert journey.ideas_for("Returns-Desk", "retail").startswith("a prepaid label")
    assert journey.ideas_for("invoices", "consulting").startswith("invoice against the milestones")


def test_improvements_rank_pain_points_by_impact_times_customers():
    t = journey.improvements(map_of(SHOP), metric="csat", industry="ecommerce")
    # checkout: 0.6 × 1500 = 900; support: 0.1 × 900 = 90
    assert t.index.tolist() == [1, 2]
    assert t["touchpoint"].tolist() == ["checkout", "support"]
    assert t["priority"].tolist() == [900.0, 90.0]
    assert t["score (n)"].tolist() == ["25% (n 250)", "45% (n 120)"]
    assert t.loc[1, "ideas to discuss"].startswith("show the full price")
    assert t.loc[2, "ideas to discuss"].startswith("answer the most frequent questions")


def test_improvements_are_empty_without_pain_points_or_scores():
    calm = map_of([("purchase", "checkout", 10, 70.0, 50, False, False, 0.0)])
    assert journey.improvements(calm, metric="csat").empty
    assert journey.improvements(map_of(SHOP), metric=None).empty
    assert journey.improvements(None, metric="csat").empty


def test_improvements_finding_names_the_first_and_the_runner_up():
    m = map_of(SHOP)
    found = journey.improvements_finding(journey.improvements(m, metric="csat"), m)
    assert found.text == (
        "checkout comes first: an impact of −0.60 (share of the scale) for 1,500 customers "
        "(priority 900), ahead of support (priority 90). The moments of delight to protect and "
        "copy: product page."
    )


def test_improvements_finding_names_a_tie():
    m = map_of(
        [
            ("purchase", "checkout", 100, 20.0, 50, True, False, -0.5),
            ("service", "support", 50, 20.0, 50, True, False, -1.0),
        ]
    )
    found = journey.improvements_finding(journey.improvements(m, metric="csat"), m)
    # equal priority (0.5 × 100 = 1.0 × 50 = 50); the pain point with the larger impact first
    assert found.text.startswith(
        "support and checkout share the first place, with a priority of 50"
    )


def test_improvements_finding_says_why_nothing_is_ranked():
    calm = map_of([("purchase", "checkout", 10, 70.0, 50, False, False, 0.0)])
    empty = journey.improvements(calm, metric="csat")
    found = journey.improvements_finding(empty, calm)
    assert not found.supported
    assert "no touchpoint scores significantly worse" in found.text
    assert "no touchpoints" in journey.improvements_finding(empty, None).text


def test_improvements_finding_escapes_the_touchpoint():
    m = map_of([("purchase", XSS, 100, 20.0, 50, True, False, -0.5)])
    text = journey.improvements_finding(journey.improvements(m, metric="csat"), m).to_markdown()
    assert "<img" not in text
    assert "&#60;img" in text


def test_a_thin_score_neither_confirms_nor_contradicts_the_workshop():
    # checkout: not flagged, but on 8 answers — too few to call it "no different"
    m = map_of([("purchase", "checkout", 9, 25.0, 8, False, False, 0.0)])
    c = journey.compare_workshop(m, industry="ecommerce", metric="csat")
    assert c["the data say"].tolist() == ["too few answers to tell: CSAT 25% (n 8)"]
    text = journey.workshop_finding(c).text
    assert text.startswith(
        "The data neither confirm nor contradict any of the workshop's 1 expected pain points; "
        "for 1 of the 1 rows the data have no scores or too few answers"
    )
    assert "5 of the 6 rows of the ecommerce workshop map" in text


def test_one_row_left_out_is_said_in_the_singular():
    rows = [r for r in SHOP if r[1] != "delivery"]
    c = journey.compare_workshop(map_of(rows), industry="ecommerce", metric="csat")
    assert "1 of the 6 rows of the ecommerce workshop map (delivery) has no counterpart among " in (
        journey.workshop_finding(c).text
    )
