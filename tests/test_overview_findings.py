"""Chapter 00's findings: the welcome tour's sentences, with expected values worked out by hand."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cxlab import overview
from cxlab.contract.bundle import Bundle
from cxlab.contract.config import BundleConfig
from cxlab.findings import Finding

PAYLOAD = "<img src=x onerror=alert(1)>"
ESCAPED = "&#60;img src=x onerror=alert&#40;1&#41;&#62;"


def _tx(rows):
    return pd.DataFrame(
        {
            "customer_id": [r[0] for r in rows],
            "date": pd.to_datetime([r[1] for r in rows]),
            "amount": [r[2] for r in rows],
        }
    )


def _months(revenue, sales=None, start="2024-01-01"):
    """A monthly_revenue-shaped frame: net revenue, sales and refunds per month."""
    sales = list(revenue) if sales is None else sales
    index = pd.date_range(start, periods=len(revenue), freq="MS", name="month")
    refunds = [s - r for s, r in zip(sales, revenue, strict=True)]
    return pd.DataFrame({"revenue": revenue, "sales": sales, "refunds": refunds}, index=index)


# --------------------------------------------------------------------------------------------
# headline


def test_headline_is_a_finding_with_the_key_figures_behind_it():
    tx = _tx([("a", "2024-01-02", 1200.0), ("b", "2024-03-01", -200.0)])
    bundle = Bundle(Path("shop"), BundleConfig(client="Shop"), transactions=tx)
    f = overview.headline(bundle)
    assert isinstance(f, Finding)
    assert f.facts["net_revenue"] == 1000.0  # 1200 sold, 200 refunded
    assert f.facts["client"] == "Shop"


def test_headline_uses_the_singular_for_one():
    tx = _tx([("a", "2024-01-02", 10.0)])
    customers = pd.DataFrame({"customer_id": ["a"]})
    f = overview.headline(Bundle(Path("s"), BundleConfig(client="S"), customers, tx))
    assert f.text.startswith("S: 1 customer; 1 order worth 10 EUR net of refunds;")


@pytest.mark.parametrize("name", ["<script>alert(1)</script>", PAYLOAD])
def test_headline_escapes_a_client_name_given_as_the_display_name(name):
    bundle = Bundle(Path("shop"), BundleConfig(client="Shop"))
    out = overview.headline(bundle, name=name).to_markdown()
    assert "<script" not in out
    assert "<img" not in out
    assert out.startswith("**&#60;")


def test_headline_escapes_the_client_and_currency_from_the_bundle():
    tx = _tx([("a", "2024-01-02", 10.0)])
    config = BundleConfig(client=PAYLOAD, currency="<b>£</b>")
    out = overview.headline(Bundle(Path("x"), config, transactions=tx)).to_markdown()
    assert ESCAPED in out
    assert "&#60;b&#62;£&#60;&#47;b&#62;" in out
    assert "<b>" not in out


# --------------------------------------------------------------------------------------------
# largest_groups_finding


def test_largest_groups_finding_names_the_largest_level_of_each_attribute():
    customers = pd.DataFrame(
        {"customer_id": list("abcde"), "region": list("NNNSS"), "plan": list("xyyyy")}
    )
    f = overview.largest_groups_finding(overview.attribute_counts(customers))
    assert f.text.startswith("Largest group in each attribute — region: N (60%); plan: y (80%).")
    assert f.facts["plan"] == {"levels": ["y"], "n": 4, "share": 0.8}


def test_largest_groups_finding_names_every_level_that_ties():
    customers = pd.DataFrame({"customer_id": list("abcd"), "region": list("NSNS")})
    f = overview.largest_groups_finding(overview.attribute_counts(customers))
    assert f.text.startswith("Largest group in each attribute — region: N and S (50% each).")


def test_largest_groups_finding_says_when_most_values_are_missing():
    customers = pd.DataFrame({"customer_id": list("abcde"), "region": ["N", "S", None, None, None]})
    f = overview.largest_groups_finding(overview.attribute_counts(customers))
    # N and S tie at one customer each; three of five have no region
    assert "region: N and S (20% each), though 60% have no value" in f.text


def test_largest_groups_finding_says_when_an_attribute_has_no_value_at_all():
    customers = pd.DataFrame({"customer_id": list("ab"), "region": pd.array([None, None], "str")})
    counts = overview.attribute_counts(customers, columns=["region"])
    assert "region: no value recorded" in overview.largest_groups_finding(counts).text


def test_largest_groups_finding_calls_shares_of_few_customers_indicative():
    customers = pd.DataFrame({"customer_id": list("abc"), "region": list("NNS")})
    f = overview.largest_groups_finding(overview.attribute_counts(customers))
    assert f.text.endswith("With only 3 customers, these shares are indicative.")


def test_largest_groups_finding_of_many_customers_is_not_flagged():
    customers = pd.DataFrame({"customer_id": range(40), "region": ["N"] * 30 + ["S"] * 10})
    f = overview.largest_groups_finding(overview.attribute_counts(customers))
    assert f.text == "Largest group in each attribute — region: N (75%)."


def test_largest_groups_finding_without_attributes_is_unsupported():
    counts = overview.attribute_counts(pd.DataFrame({"customer_id": ["a"]}))
    f = overview.largest_groups_finding(counts)
    assert not f.supported
    assert "no descriptive attributes" in f.text


def test_largest_groups_finding_escapes_attribute_and_level_names():
    customers = pd.DataFrame({"customer_id": list("ab"), PAYLOAD: [PAYLOAD, PAYLOAD]})
    out = overview.largest_groups_finding(overview.attribute_counts(customers)).to_markdown()
    assert "<img" not in out
    assert out.count(ESCAPED) == 2


# --------------------------------------------------------------------------------------------
# seasonality_finding


def test_seasonality_finding_recovers_a_planted_december_peak():
    months = pd.date_range("2022-01-01", periods=36, freq="MS")
    revenue = [200.0 if m.month == 12 else 100.0 for m in months]
    monthly = _months(revenue, start="2022-01-01")
    f = overview.seasonality_finding(monthly, overview.seasonal_index(monthly))
    assert f.facts["strongest"] == ["December"]
    assert f.text.startswith("Over 36 months, December is the strongest month")
    assert "Method: ratio to a centred 12-month moving average." in f.text


def test_seasonality_finding_states_the_refund_share_and_the_mean_method():
    # net 80, 100, 120 (mean 100); 20 refunded of 320 sold
    monthly = _months([80.0, 100.0, 120.0], sales=[100.0, 100.0, 120.0])
    f = overview.seasonality_finding(monthly, overview.seasonal_index(monthly))
    assert f.text.startswith(
        "Over 3 months, March is the strongest month (index 1.20) and January the weakest "
        "(0.80); refunds take back 6.2% of sales."
    )
    assert "Only 3 of the 12 calendar months appear" in f.text
    assert "Each month's index rests on a single year" in f.text
    assert f.text.endswith(
        "Method: ratio to the average month, which does not separate season from growth."
    )


def test_seasonality_finding_says_when_there_are_no_refunds():
    monthly = _months([100.0, 300.0])
    text = overview.seasonality_finding(monthly, overview.seasonal_index(monthly)).text
    assert "(index 1.50) and January the weakest (0.50); there are no refunds." in text


def test_seasonality_finding_names_months_that_tie():
    monthly = _months([100.0, 300.0, 300.0])  # mean 700 / 3
    text = overview.seasonality_finding(monthly, overview.seasonal_index(monthly)).text
    assert text.startswith(
        "Over 3 months, February and March are the strongest months (index 1.29 each) and "
        "January the weakest (0.43)"
    )


def test_seasonality_finding_says_when_no_month_stands_out():
    monthly = _months([100.0, 100.0, 100.0])
    text = overview.seasonality_finding(monthly, overview.seasonal_index(monthly)).text
    assert text.startswith("Over 3 months, no calendar month stands out: each has the index 1.00")


def test_seasonality_finding_of_a_single_month_is_unsupported():
    monthly = _months([100.0])
    f = overview.seasonality_finding(monthly, overview.seasonal_index(monthly))
    assert not f.supported
    assert "single month" in f.text


def test_seasonality_finding_without_dated_transactions_is_unsupported():
    monthly = overview.monthly_revenue(_tx([]).astype({"amount": "float64"}))
    f = overview.seasonality_finding(monthly, overview.seasonal_index(monthly))
    assert not f.supported
    assert "no dated transactions" in f.text


def test_seasonality_finding_of_zero_net_revenue_is_unsupported():
    monthly = _months([50.0, -50.0], sales=[50.0, 0.0])
    f = overview.seasonality_finding(monthly, overview.seasonal_index(monthly))
    assert not f.supported
    assert "Net revenue sums to zero over the 2 months" in f.text


# --------------------------------------------------------------------------------------------
# answers_finding


def test_answers_finding_gives_each_metrics_n():
    r = pd.DataFrame({"nps": [9.0] * 40 + [None] * 10, "csat": [4.0] * 50})
    dist = overview.score_distributions(r)
    f = overview.answers_finding(dist, responses=50)
    assert f.text == "Of 50 responses, each metric rests on its own n: NPS n = 40, CSAT n = 50."
    assert f.facts == {"nps": 40, "csat": 50}


def test_answers_finding_calls_a_metric_with_few_answers_indicative():
    r = pd.DataFrame({"nps": [9.0] * 40, "ces": [5.0] * 12 + [None] * 28})
    text = overview.answers_finding(overview.score_distributions(r), responses=40).text
    assert text.endswith("CES rests on fewer than 30 answers, so read it as indicative.")


def test_answers_finding_with_one_question_says_so():
    r = pd.DataFrame({"csat": [4.0, 5.0]})
    text = overview.answers_finding(overview.score_distributions(r), responses=2).text
    assert text.startswith("Of 2 responses, only one question is answered: CSAT n = 2.")
    assert text.endswith("CSAT rests on fewer than 30 answers, so read it as indicative.")


def test_answers_finding_without_answers_is_unsupported():
    r = pd.DataFrame({"nps": pd.array([None, None], dtype="Int64")})
    f = overview.answers_finding(overview.score_distributions(r), responses=2)
    assert not f.supported
    assert "None of the 2 responses" in f.text


# --------------------------------------------------------------------------------------------
# stages_finding


def _events(rows):
    return pd.DataFrame(
        {
            "customer_id": [r[0] for r in rows],
            "timestamp": pd.to_datetime([r[1] for r in rows]),
            "stage": [r[2] for r in rows],
        }
    )


def test_stages_finding_states_the_most_and_least_observed_stage():
    ev = _events(
        [
            ("a", "2024-01-01", "visit"),
            ("a", "2024-01-02", "buy"),
            ("b", "2024-01-01", "visit"),
            ("c", "2024-01-01", "visit"),
            ("c", "2024-01-03", "buy"),
            ("d", "2024-01-01", "visit"),
        ]
    )
    f = overview.stages_finding(overview.stage_counts(ev))
    # 4 customers: all four visit, two buy
    assert f.text == (
        "Of 4 customers with events, 100% have at least one visit event and 50% a buy event. "
        "With only 4 customers, these shares are indicative."
    )
    assert f.facts["funnel"] is True


def test_stages_finding_warns_when_the_log_is_not_a_funnel():
    ev = _events(
        [
            ("a", "2024-01-01", "visit"),
            ("a", "2024-01-02", "buy"),
            ("b", "2024-01-02", "buy"),
            ("c", "2024-01-03", "buy"),
        ]
    )
    # the order puts "visit" first: one visitor, three buyers, so buy/visit = 3 > 1
    stages = overview.stage_counts(ev, order=["visit", "buy"])
    f = overview.stages_finding(stages)
    assert f.facts["funnel"] is False
    assert "misses part of the early journey" in f.text


def test_stages_finding_names_stages_that_tie():
    ev = _events(
        [
            ("a", "2024-01-01", "visit"),
            ("a", "2024-01-02", "cart"),
            ("a", "2024-01-03", "buy"),
            ("b", "2024-01-01", "visit"),
            ("b", "2024-01-02", "cart"),
        ]
    )
    f = overview.stages_finding(overview.stage_counts(ev))
    assert f.text.startswith(
        "Of 2 customers with events, the most observed stages visit and cart are each seen for "
        "100% of them, and the least observed buy for 50%."
    )


def test_stages_finding_of_a_single_stage_says_so():
    ev = _events([("a", "2024-01-01", "visit"), ("b", "2024-01-02", "visit")])
    text = overview.stages_finding(overview.stage_counts(ev)).text
    assert text.startswith("Of 2 customers with events, 100% are seen in visit, the only stage")


def test_stages_finding_without_stages_is_unsupported():
    stages = overview.stage_counts(_events([("a", "2024-01-01", None)]))
    assert not overview.stages_finding(stages).supported


def test_stages_finding_escapes_stage_names():
    ev = _events(
        [("a", "2024-01-01", PAYLOAD), ("a", "2024-01-02", "buy"), ("b", "2024-01-01", PAYLOAD)]
    )
    out = overview.stages_finding(overview.stage_counts(ev)).to_markdown()
    assert "<img" not in out
    assert f"**{ESCAPED}**" in out


def test_largest_groups_finding_names_attributes_in_words_and_booleans_as_yes_no():
    customers = pd.DataFrame(
        {
            "customer_id": list("abcd"),
            "age_band": ["25-34", "25-34", "35-44", "25-34"],
            "marketing_consent": [True, True, False, True],
        }
    )
    f = overview.largest_groups_finding(overview.attribute_counts(customers))
    # three of four customers in each largest group: 75%
    assert f.text.startswith(
        "Largest group in each attribute — age band: 25-34 (75%); marketing consent: yes (75%)."
    )
