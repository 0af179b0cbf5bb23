"""Personas from the data: which groups, what their cards say, and when there are none."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cxlab import journey
from cxlab.contract import Bundle, BundleConfig

XSS = "<img src=x onerror=alert(1)>"


def shop(channel_of=None, sensitive=("gender",), channels=None):
    """Six customers: web w1–w4, shop s1–s2; the web ones all reach loyalty, the shop ones none.

    Every customer: awareness (ad) on 1 Jan, purchase (checkout) on 2 Jan; web customers also
    loyalty (review) on 3 Jan. Answers at checkout: web 4 answers, all 5 (CSAT 100 %); shop
    4 answers, 5, 1, 1, 1 (CSAT 25 %). At review: web 2 answers of 5.
    """
    channel_of = channel_of or {"w": "web", "s": "shop"}
    ids = ["w1", "w2", "w3", "w4", "s1", "s2"]
    customers = pd.DataFrame(
        {
            "customer_id": ids,
            "channel": channels or [channel_of[i[0]] for i in ids],
            "gender": ["f", "m", "f", "m", "f", "f"],
            "plan": ["basic", "basic", "pro", "team", "pro", "pro"],
        }
    )
    rows = []
    for c in ids:
        rows += [(c, "2024-01-01", "awareness", "ad"), (c, "2024-01-02", "purchase", "checkout")]
        if c.startswith("w"):
            rows.append((c, "2024-01-03", "loyalty", "review"))
    events = pd.DataFrame(rows, columns=["customer_id", "timestamp", "stage", "touchpoint"])
    events["timestamp"] = pd.to_datetime(events["timestamp"])
    responses = pd.DataFrame(
        {
            "customer_id": ["w1", "w2", "w3", "w4", "s1", "s2", "s1", "s2", "w1", "w2"],
            "touchpoint": ["checkout"] * 8 + ["review"] * 2,
            "csat": [5, 5, 5, 5, 5, 1, 1, 1, 5, 5],
        }
    )
    config = BundleConfig(sensitive=sensitive)
    return Bundle(Path("shop"), config, customers=customers, events=events, responses=responses)


def test_personas_are_the_largest_groups():
    p = journey.personas(shop(), n=2, min_n=2)
    assert p.available
    assert p.names == ("web", "shop")
    assert p.sensitive == ("gender",)


def test_persona_cards_describe_profile_behaviour_and_feeling():
    cards = journey.persona_cards(journey.personas(shop(), n=2, min_n=2), watch="purchase")
    assert cards.loc["customers"].tolist() == ["4 (67% of all)", "2 (33% of all)"]
    # plan among web: basic 2 of 4 (50 %); among shop: pro 2 of 2 (100 %)
    assert cards.loc["profile: plan"].tolist() == ["basic (50%)", "pro (100%)"]
    assert "profile: gender" not in cards.index  # sensitive: never on a card
    assert cards.loc["behaviour: reached loyalty"].tolist() == ["100%", "0%"]
    # events: web 3 each, shop 2 each
    assert cards.loc["behaviour: events per customer"].tolist() == ["3.0", "2.0"]
    # web answers: 6 of 6 satisfied; shop: 1 of 4
    assert cards.loc["feeling: CSAT of their answers"].tolist() == ["100% (n 6)", "25% (n 4)"]


def test_persona_finding_names_who_gets_furthest_and_flags_small_groups():
    found = journey.persona_finding(journey.personas(shop(), n=2, min_n=2))
    assert found.text == (
        "The 2 largest channel groups cover 100% of the customers. The *web* persona reaches "
        "loyalty most often (100%), the *shop* persona least often (0%). Few customers stand "
        "behind web (4) and shop (2), so their shares are rough. Sensitive attributes left out "
        "of the cards: gender."
    )


def test_persona_finding_names_sensitive_attributes_in_words():
    bundle = shop(sensitive=("gender", "home_region"))
    bundle.customers["home_region"] = "north"
    found = journey.persona_finding(journey.personas(bundle, n=2, min_n=2))
    assert found.text.endswith("Sensitive attributes left out of the cards: gender, home region.")


def test_persona_finding_with_a_single_persona_compares_nothing():
    p = journey.personas(shop({"w": "web", "s": "web"}), n=2, min_n=2)
    # 4 of the 6 reach loyalty
    assert "The *web* persona reaches loyalty in 67% of cases." in journey.persona_finding(p).text


def test_persona_finding_says_when_personas_reach_the_end_equally():
    # a = w1, w2, s1 and b = w3, w4, s2: two of three reach loyalty in each
    p = journey.personas(shop(channels=["a", "a", "b", "b", "a", "b"]), n=2, min_n=2)
    assert "Both personas reach loyalty equally often (67%)." in journey.persona_finding(p).text


def test_persona_finding_escapes_persona_names():
    p = journey.personas(shop({"w": XSS, "s": "shop"}), n=2, min_n=2)
    text = journey.persona_finding(p).to_markdown()
    assert "<img" not in text
    assert "&#60;img" in text


def test_persona_scores_mark_pain_points_and_give_n():
    p = journey.personas(shop(), n=2, min_n=2)
    scores = journey.persona_scores(p)
    # within each persona a single touchpoint is tested against a single other one, with too
    # few answers for a flag: no marks
    assert scores.loc[("purchase", "checkout"), "web"] == "100% (n 4)"
    assert scores.loc[("purchase", "checkout"), "shop"] == "25% (n 4)"


def test_persona_gap_finding_names_the_widest_touchpoint():
    p = journey.personas(shop(), n=2, min_n=2)
    # checkout: web 100 %, shop 25 % → a gap of 75 points; review is scored for web only
    found = journey.persona_gap_finding(p)
    assert found.text == (
        "The personas differ most at checkout: from 25% (shop, n 4) to 100% (web, n 4)."
    )


def test_persona_gap_finding_needs_two_scored_personas():
    p = journey.personas(shop(), n=1, min_n=2)
    assert not journey.persona_gap_finding(p).supported


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"customers": None}, "no customers table"),
        ({"by": "region"}, "no column"),
        ({"by": "gender"}, "marked sensitive"),
        ({"no_touchpoints": True}, "name no touchpoints"),
    ],
)
def test_without_the_data_for_personas_the_reason_is_said(change, why):
    b = shop()
    if "customers" in change:
        b = Bundle(b.path, b.config, customers=None, events=b.events, responses=b.responses)
    if change.get("no_touchpoints"):
        b = Bundle(
            b.path, b.config, customers=b.customers, events=b.events.drop(columns="touchpoint")
        )
    p = journey.personas(b, by=change.get("by", "channel"))
    assert not p.available
    assert journey.persona_cards(p, watch="purchase").empty
    assert journey.persona_scores(p).empty
    found = journey.persona_finding(p)
    assert not found.supported
    assert why in found.text


def test_persona_finding_says_when_no_persona_reaches_the_end():
    b = shop()
    b = Bundle(
        b.path, b.config, customers=b.customers, events=b.events[b.events["stage"] != "loyalty"]
    )
    found = journey.persona_finding(
        journey.personas(b, n=2, stages=["awareness", "purchase", "loyalty"])
    )
    assert "No persona reaches loyalty." in found.text
