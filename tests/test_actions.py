"""cxlab.actions: follow-up queue, CRM export, next-best-action, forecast, executive summary."""

from __future__ import annotations

import csv
import io
import itertools
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cxlab import actions
from cxlab.contract.bundle import Bundle
from cxlab.contract.config import BundleConfig, ChurnRule
from cxlab.datasets import load_demo, planted_truth
from cxlab.errors import DataError

DEMOS = ("clothing_retailer", "saas", "restaurant", "consulting")
HOSTILE = "<img src=x onerror=alert(1)>"


def _bundle(responses, transactions=None, customers=None, **config) -> Bundle:
    cfg = BundleConfig(churn=ChurnRule(inactive_days=100), **config)
    return Bundle(
        Path("client"), cfg, customers=customers, transactions=transactions, responses=responses
    )


def _tx(rows):
    return pd.DataFrame(rows, columns=["customer_id", "date", "amount", "order_id"]).assign(
        date=lambda d: pd.to_datetime(d["date"])
    )


# ------------------------------------------------------------------ queue: known answers
@pytest.fixture
def small():
    # asof = 2024-04-11 (day after the last answer). Churn window 100 days.
    tx = _tx(
        [
            ("A", "2024-04-10", 100.0, "o1"),  # recent, mid value
            ("B", "2024-01-01", 400.0, "o2"),  # 101 days silent: risk 1, top value
            ("C", "2024-03-01", 10.0, "o3"),  # 41 days: risk 0.41, lowest value
            ("D", "2024-04-10", 100.0, "o4"),  # same as A
        ]
    )
    r = pd.DataFrame(
        {
            "response_id": ["R1", "R2", "R3", "R4", "R5", "R6"],
            "customer_id": ["A", "B", "C", "D", None, "A"],
            "date": pd.to_datetime(
                ["2024-04-01", "2024-04-02", "2024-04-03", "2024-03-01", "2024-04-05", "2024-04-10"]
            ),
            "touchpoint": ["checkout", "support", None, "checkout", "checkout", "delivery"],
            "nps": [3, None, 2, None, 0, None],
            "csat": [None, 1, None, 2, None, 2],
            "ces": [None, 2, None, 2, None, None],
            "comment": ["call me on 07700 900123", HOSTILE, None, "=SUM(A1)", "x", "late"],
        }
    )
    return _bundle(r, tx)


def test_queue_order_is_value_and_risk_worked_by_hand(small):
    q = actions.follow_up_queue(small)
    # Value percentiles (average ranks of 100, 400, 10, 100): A .625, B 1, C .25, D .625.
    # Risk: A 0.01, B 1.0, C 0.41, D 0.01.  priority = (pct + risk) / 2:
    # B 1.0, A 0.3175, D 0.3175, C 0.33.  A and D tie: both one reason; D waited longer
    # (answered 1 March vs A's latest 10 April), so D comes before A.
    assert q["customer_id"].tolist() == ["B", "C", "D", "A"]
    assert q["priority"].round(4).tolist() == [1.0, 0.33, 0.3175, 0.3175]
    assert q["rank"].tolist() == [1, 2, 3, 4]


def test_queue_one_row_per_customer_latest_answer_and_anonymous_counted(small):
    q = actions.follow_up_queue(small).set_index("customer_id")
    assert q.loc["A", "flagged_answers"] == 2
    assert q.loc["A", "touchpoint"] == "delivery"  # the later of A's two flagged answers
    assert q.attrs["anonymous"] == 1
    assert q.loc["B", "reasons"] == "low CSAT (1); high effort (CES 2)"


def test_queue_redacts_comment_and_due_dates_in_working_days(small):
    q = actions.follow_up_queue(small).set_index("customer_id")
    assert "07700" not in " ".join(q["comment"].dropna())
    # B has priority 1 ≥ 0.75: due 2 working days after Thursday 11 April 2024 → Monday 15.
    assert q.loc["B", "due"] == pd.Timestamp("2024-04-15")
    assert q.loc["C", "due"] == pd.Timestamp("2024-04-18")  # 5 working days


def test_queue_given_signals_replace_proxies(small):
    risk = pd.Series({"A": 0.9, "B": 0.0, "C": 0.0, "D": 0.0})
    value = pd.Series({"A": 1.0, "B": 1.0, "C": 1.0, "D": 1.0})
    q = actions.follow_up_queue(small, churn_risk=risk, value=value)
    assert q["customer_id"].iloc[0] == "A"
    assert q.attrs["signals"].risk_source == "model"
    assert not any("proxy" in n for n in q.attrs["notes"])


def test_queue_rejects_out_of_range_risk(small):
    with pytest.raises(DataError, match="outside 0 to 1"):
        actions.follow_up_queue(small, churn_risk=pd.Series({"A": 1.5}))


def test_queue_needs_customer_id():
    b = _bundle(pd.DataFrame({"nps": [1, 2]}))
    with pytest.raises(DataError, match="customer_id"):
        actions.follow_up_queue(b)


def test_flags_follow_the_scales():
    r = pd.DataFrame({"csat": [5, 6], "ces": [2, 6]})
    from cxlab.contract.config import Scale

    f = actions.flag_responses(
        r, csat_scale=Scale(1, 10, satisfied=8), ces_scale=Scale(1, 7, direction="higher_is_harder")
    )
    assert f["low_csat"].tolist() == [True, False]  # below 5.5 on 1–10
    assert f["high_effort"].tolist() == [False, True]  # higher is harder: above 4


def test_text_typed_scores_are_read_as_numbers():
    r = pd.DataFrame({"nps": ["3", "9", ""], "customer_id": ["a", "b", "c"]})
    assert actions.flag_responses(r)["detractor"].tolist() == [True, False, False]


# ------------------------------------------------------------------ CSV export
def test_crm_csv_neutralises_formulas_and_holds_no_pii(small, tmp_path):
    q = actions.follow_up_queue(small)
    q["comment"] = ['=HYPERLINK("x")', "+1 mail a@example.com", "@SUM(1)", "\tTab\rCR"]
    q["email"] = "leak@example.com"  # not in the allowlist
    text = actions.crm_csv(q, tmp_path / "queue.csv")
    assert (tmp_path / "queue.csv").read_text(encoding="utf-8") == text
    rows = list(csv.reader(io.StringIO(text)))
    assert "email" not in rows[0]
    for row in rows:
        for cell in row:
            assert not cell.startswith(actions.FORMULA_STARTS), cell
    assert "@example.com" not in text and "07700" not in text
    assert len(rows) == len(q) + 1  # a CR inside a cell does not split a record


def test_neutralise_negative_number_and_text():
    assert actions.neutralise(-3.5) == "'-3.5"
    assert actions.neutralise("- item") == "'- item"
    assert actions.neutralise("ok = fine") == "ok = fine"


# ------------------------------------------------------------------ next-best-action
def test_nba_rules_by_hand_and_consent():
    cust = pd.DataFrame(
        {
            "customer_id": ["Q", "R", "N", "K", "S", "Z"],
            "signup_date": pd.to_datetime(
                ["2023-01-01", "2023-01-01", "2024-04-01", "2023-01-01", "2023-01-01", "2023-01-01"]
            ),
            "ok": [True, True, True, True, False, True],
        }
    )
    tx = _tx(
        [
            ("Q", "2024-04-10", 50.0, "q1"),
            ("R", "2023-12-01", 900.0, "r1"),  # silent 132 days: risk 1, top value
            ("N", "2024-04-05", 20.0, "n1"),  # new, one order
            ("K", "2024-04-01", 60.0, "k1"),
            ("K", "2024-04-08", 60.0, "k2"),  # two orders, recent
            ("S", "2023-12-01", 800.0, "s1"),  # like R but no consent
            ("Z", "2024-04-10", 1.0, "z1"),
        ]
    )
    resp = pd.DataFrame({"customer_id": ["Q"], "date": pd.to_datetime(["2024-04-10"]), "nps": [2]})
    b = Bundle(
        Path("c"),
        BundleConfig(consent="ok", churn=ChurnRule(inactive_days=100)),
        customers=cust,
        transactions=tx,
        responses=resp,
    )
    nba = actions.next_best_action(b)
    assert nba.loc["Q", "rule"] == "R1" and nba.loc["Q", "action"] == "service-recovery call"
    assert nba.loc["R", "action"] == "retention offer" and nba.loc["R", "human_review"]
    assert nba.loc["N", "rule"] == "R3"
    assert nba.loc["K", "rule"] == "R4"
    assert nba.loc["S", "action"] == "no action"
    assert nba.loc["S", "rule"].startswith("R2 withheld (no marketing consent)")
    assert nba.loc["Z", "rule"] == "R5"
    assert not nba.loc[~nba["consent"], "marketing"].any()
    again = actions.next_best_action(b)
    pd.testing.assert_frame_equal(nba, again)  # deterministic


def test_nba_without_consent_column_has_no_marketing():
    b = load_demo("restaurant")
    b2 = Bundle(
        b.path,
        BundleConfig(),
        customers=b.customers,
        transactions=b.transactions,
        responses=b.responses,
    )
    nba = actions.next_best_action(b2)
    assert not nba["marketing"].any()
    assert any("no marketing consent" in n for n in nba.attrs["notes"])


@pytest.mark.parametrize("demo", DEMOS)
def test_demo_nba_respects_consent_and_flags_review(demo):
    b = load_demo(demo)
    nba = actions.next_best_action(b)
    consent = b.customers.set_index("customer_id")[b.config.consent].reindex(nba.index)
    assert not nba.loc[consent.ne(True), "marketing"].any()
    assert (nba["human_review"] == (nba["automated"] & nba["impact"].eq("high"))).all()
    assert set(nba["action"]) <= set(actions.ACTIONS)


# ------------------------------------------------------------------ forecast
def test_seasonal_naive_by_hand():
    assert actions.seasonal_naive(pd.Series([1, 2, 3, 4, 5]), 4, season=3).tolist() == [
        3.0,
        4.0,
        5.0,
        3.0,
    ]


def test_weekly_demand_drops_partial_weeks():
    tx = _tx(
        [
            ("a", "2024-01-03", 1.0, "o1"),
            ("a", "2024-01-08", 1.0, "o2"),
            ("b", "2024-01-09", 1.0, "o3"),
            ("b", "2024-01-20", 1.0, "o4"),
        ]
    )
    w = actions.weekly_demand(_bundle(None, tx))
    # 3 Jan is a Wednesday (week of 1 Jan incomplete), 20 Jan a Saturday (week of 15 Jan
    # incomplete): only the week of 8 January is whole.
    assert w.to_dict() == {pd.Timestamp("2024-01-08"): 2}


def test_forecast_refuses_short_series():
    weeks = pd.date_range("2024-01-01", periods=20, freq="7D")
    with pytest.raises(DataError, match="20 full week"):
        actions.forecast_demand(pd.Series(5, index=weeks))


@pytest.mark.slow
@pytest.mark.parametrize("demo", DEMOS)
def test_forecast_beats_seasonal_naive_on_demo(demo):
    fc = actions.forecast_demand(actions.weekly_demand(load_demo(demo)))
    assert fc.baseline == "seasonal naive"
    assert fc.beats_baseline, (fc.mae_model, fc.mae_baseline)
    assert (fc.forecast["low"] <= fc.forecast["forecast"]).all()
    assert (fc.forecast["forecast"] <= fc.forecast["high"]).all()


@pytest.mark.slow
def test_forecast_recovers_planted_peak_month():
    # Retailer: December is the planted peak; the forecast's December weeks lie above October's.
    b = load_demo("clothing_retailer")
    w = actions.weekly_demand(b)
    fc = actions.forecast_demand(w.iloc[:-8], horizon=8)  # forecast from late October
    f = fc.forecast["forecast"]
    assert f[f.index.month == 12].mean() > f[f.index.month == 11].iloc[:1].mean()
    assert planted_truth("clothing_retailer") is not None


# ------------------------------------------------------------------ executive summary
def _metrics():
    heads = {
        "00_welcome": {"currency": "USD", "client": "T"},
        "01_satisfaction_metrics": {
            "nps": {"value": 21.0, "low": 15.0, "high": 26.0, "n": 738},
            "csat": {"value": 63.0, "low": 60.0, "high": 66.0, "n": 1072},
        },
        "02_metrics_in_depth": {
            "worst_touchpoint_csat": {
                "touchpoint": HOSTILE,
                "value": 22.0,
                "low": 17.0,
                "high": 28.0,
                "n": 200,
            },
            "nps_change": {
                "periods": "2025Q3 vs 2025Q1",
                "difference": 6.8,
                "low": -7.4,
                "high": 20.9,
                "p_value": 0.35,
            },
            "nps_groups": {"detractor": 0.21, "n": 738},
            "top_drivers": [{"driver": "reliability", "weight": 41.0, "low": 35.0, "high": 47.0}],
        },
        "03_journey_mapping": {
            "biggest_drop_off": {
                "from": "service",
                "to": "loyalty",
                "share": 0.44,
                "low": 0.41,
                "high": 0.47,
                "n": 1268,
            }
        },
        "04_segmentation_and_personalization": {
            "top20_revenue_share": 0.85,
            "least_satisfied_segment": "budget",
        },
        "05_churn": {
            "churn_rate": {"share": 0.3, "low": 0.27, "high": 0.33, "n": 900},
            "auc": {"value": 0.8, "low": 0.75, "high": 0.85, "n": 900},
            "top_drivers": ["support contacts"],
            "contact_list_customers": 120,
            "contact_list_value": 50000.0,
        },
        "06_clv_and_roi": {
            "customer_equity": 1234567.0,
            "customer_equity_growth": {
                "share": 0.448,
                "low": 0.324,
                "high": 0.583,
                "n": 1758,
                "from": "2024-09-30",
                "to": "2025-12-31",
            },
            "top_decile_value_share": {"share": 0.5, "low": 0.45, "high": 0.55, "n": 1000},
            "cac": None,
            "crc": None,
        },
        "07_voice_of_the_customer": {
            "negative_comment_share": {"share": 0.2, "low": 0.18, "high": 0.22, "n": 800},
            "top_themes": [
                {"theme": "slow setup", "impact": -0.8, "low": -1.0, "high": -0.6, "n": 90}
            ],
        },
        "08_ethics_audit": {
            "audit_findings": {"high": 1, "medium": 2, "low": 3},
            "pii_found": 6,
            "offer_parity_ratio": {"value": 0.5, "low": 0.4, "high": 0.6, "n": 1200},
        },
        "09_proactive_service": {"follow_ups": 17, "follow_up_value": 900.0},
    }
    return {
        "client": {"name": "T"},
        "notebooks": {k: {"status": "ok", "reason": "", "headlines": v} for k, v in heads.items()},
    }


def test_summary_reads_every_chapter():
    s = actions.executive_summary(_metrics())
    text = s.to_markdown()
    assert [a.chapters[0] for a in s.actions] == ["02", "05", "09", "07", "08"]
    assert "Five things to do next" in text
    # worst touchpoint: gap (63 − 22)% × 200 answers = 82 answers
    assert "about 82 of its 200" in s.actions[0].impact.text
    # retention: 50,000 × 0.2 = 10,000 USD
    assert "10,000 USD" in s.actions[1].impact.text
    for needle in (
        "21 (15 to 26)",
        "+6.8 points",
        "reliability (41%)",
        "1,234,567 USD",
        "Change in customer equity from 30 Sep 2024 to 31 Dec 2025: 45% (32% to 58%)",
        "Share of customer equity held by the top 10% of customers: 50% (45% to 55%)",
        "Customers lost at the journey's biggest drop-off, from service to loyalty:",
        "AUC 0.8",
        "slow setup",
        "1 high",
        "below the 0.8 of the four-fifths rule",
        "17",
        "support contacts",
        "budget",
        "service to loyalty",
    ):
        assert needle in " ".join(f.text for f in s.findings), needle
    assert not s.not_covered


def test_summary_escapes_client_text():
    md_text = actions.summary_page(_metrics())
    assert "<img" not in md_text and "&#60;img" in md_text
    from cxlab.runner._safe_html import markdown_to_html

    assert "<img" not in markdown_to_html(md_text)


_CHAPTERS = list(_metrics()["notebooks"])


@pytest.mark.parametrize(
    "missing",
    [
        *[c for r in (1, 2, 5, 9) for c in itertools.combinations(_CHAPTERS, r)][::7],
        tuple(_CHAPTERS),
    ],
    ids=lambda m: "-".join(x[:2] for x in m),
)
def test_summary_copes_with_any_subset_missing(missing):
    m = _metrics()
    for k in missing:
        if hash(k) % 2:
            del m["notebooks"][k]
        else:
            m["notebooks"][k] = {"status": "failed", "reason": "a cell raised", "headlines": {}}
    s = actions.executive_summary(m)
    assert len(s.actions) <= 5
    text = s.to_markdown()
    assert "<img" not in text
    covered = {f.text.split(":")[0] for f in s.not_covered}
    for k in missing:
        if k != "09_proactive_service":
            assert actions.CHAPTER_TITLES[k[:2]] in covered
    json.dumps([f.text for f in s.findings])


@pytest.mark.parametrize(
    "junk",
    [
        None,
        3,
        "x",
        [],
        {"notebooks": 5},
        {"notebooks": {"01_x": {"status": "ok", "headlines": {"nps": "high"}}}},
        {
            "notebooks": {
                "05_churn": {
                    "status": "ok",
                    "headlines": {"contact_list_customers": "many", "churn_rate": [1]},
                }
            }
        },
    ],
)
def test_summary_never_raises_on_odd_shapes(junk):
    s = actions.executive_summary(junk)
    assert isinstance(s.to_markdown(), str)


def test_summary_on_a_real_run_of_chapters_00_to_04():
    m = json.loads((Path(__file__).parent / "data" / "metrics_saas_00_04.json").read_text())
    s = actions.executive_summary(m)
    assert len(s.actions) == 5
    assert s.actions[0].title.text == "Fix the worst touchpoint: onboarding"
    assert {"05", "06", "07", "08"} <= {
        k
        for k in actions.CHAPTER_TITLES
        if any(actions.CHAPTER_TITLES[k] in f.text for f in s.not_covered)
    }


def test_summary_writes_a_change_with_true_signs():
    m = json.loads((Path(__file__).parent / "data" / "metrics_saas_00_04.json").read_text())
    text = json.dumps(m)
    text = text.replace('"difference": 6.809004305825134', '"difference": -7.04')
    text = text.replace('"low": -7.358802473279641', '"low": -22.4')
    text = text.replace('"high": 20.85871571291178', '"high": 8.9')
    page = actions.summary_page(json.loads(text))
    assert "−7.0 points (−22.4 to +8.9)" in page, page


# ------------------------------------------------------------------ planted truth
@pytest.mark.parametrize("demo", DEMOS)
def test_queue_on_demo_points_at_planted_pain_point(demo):
    b = load_demo(demo)
    q = actions.follow_up_queue(b, recent_days=None)
    pain = {
        "clothing_retailer": "checkout",
        "saas": "onboarding",
        "restaurant": "table_booking",
        "consulting": "invoicing",
    }[demo]
    assert q["touchpoint"].value_counts().index[0] == pain
    planted = (
        {p.response_id for p in planted_truth(demo).pii.itertuples()}
        if hasattr(planted_truth(demo).pii, "itertuples")
        else set()
    )
    assert planted is not None
    text = actions.crm_csv(q)
    assert "@example." not in text and "555-01" not in text and "07700 900" not in text
    assert np.isfinite(q["priority"]).all()


def test_the_forecast_headline_averages_the_future_weeks_with_their_interval():
    weeks = pd.date_range("2025-01-06", periods=2, freq="W-MON")
    fc = actions.DemandForecast(
        history=pd.Series(range(60), dtype=float),
        forecast=pd.DataFrame(
            {"forecast": [10.0, 20.0], "low": [4.0, 6.0], "high": [16.0, 34.0]}, index=weeks
        ),
        backtest=pd.DataFrame(),
        mae_model=3.0,
        mae_baseline=4.0,
        baseline="seasonal naive",
        yearly=False,
        coverage=1.0,
        confidence=0.95,
    )
    assert fc.headline(unit="visits") == {
        "value": 15.0,
        "low": 5.0,
        "high": 25.0,
        "unit": "visits",
        "n": 60,
        "weeks": 2,
        "skill": 0.75,
    }
    assert (
        actions.chapter_headlines(None, None, fc, unit="visits")["demand_forecast"]["value"] == 15.0
    )
    assert set(actions.HEADLINE_NOTES) <= set(actions.chapter_headlines(None, None, None))


def test_model_signals_leave_out_a_model_the_bundle_cannot_feed_and_say_why():
    import dataclasses

    from cxlab.datasets import load_demo

    saas = load_demo("saas")
    risk, value, reasons = actions.model_signals(dataclasses.replace(saas, transactions=None))
    assert value is None and reasons["value"]  # lifetime value needs purchases
    assert risk is not None and "churn_risk" not in reasons  # the churn label is enough
    assert risk.between(0, 1).all() and risk.index.isin(saas.customers["customer_id"]).all()
