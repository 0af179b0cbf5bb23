"""cxlab.actions: sentences agree with their counts, and customers who left get win-back wording."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cxlab import actions
from cxlab.contract.bundle import Bundle
from cxlab.contract.config import BundleConfig, ChurnRule
from cxlab.datasets import load_demo

ASOF = pd.Timestamp("2024-04-11")


def _queue(dues: list[str], touchpoints: list[str] | None = None) -> pd.DataFrame:
    q = pd.DataFrame(
        {
            "customer_id": [f"C{i}" for i in range(len(dues))],
            "due": pd.to_datetime(dues),
            "touchpoint": touchpoints or ["checkout"] * len(dues),
        }
    )
    q.attrs["asof"] = ASOF
    return q


# 2024-04-11 is a Thursday: due within two working days means on or before Monday 15 April.
@pytest.mark.parametrize(
    ("dues", "expected"),
    [
        (["2024-04-12"], "1 customer waits for a follow-up, and it is urgent"),
        (["2024-04-30"], "1 customer waits for a follow-up, and it is not urgent"),
        (
            ["2024-04-12", "2024-04-30", "2024-05-02"],
            "3 customers wait for a follow-up; 1 of them is urgent",
        ),
        (
            ["2024-04-12", "2024-04-15", "2024-05-02"],
            "3 customers wait for a follow-up; 2 of them are urgent",
        ),
        (["2024-04-29", "2024-04-30"], "2 customers wait for a follow-up; none is urgent"),
        (["2024-04-12", "2024-04-15"], "2 customers wait for a follow-up; all of them are urgent"),
    ],
)
def test_queue_sentence_agrees_with_its_counts(dues, expected):
    text = actions.queue_finding(_queue(dues)).text
    assert text.startswith(expected), text
    assert "(s)" not in text


def test_queue_touchpoint_sentence_counts_by_hand():
    q = _queue(["2024-04-30"] * 3, ["support", "checkout", "support"])
    assert "Most follow-ups concern support (2 of 3)." in actions.queue_finding(q).text


def _nba_frame(actions_: list[str], review: list[bool], rules: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"action": actions_, "human_review": review, "rule": rules})


def test_nba_sentence_for_one_customer_and_one_review():
    one = actions.nba_finding(_nba_frame(["retention offer"], [True], ["R2"])).text
    assert one.startswith(
        "The customer gets an action; 1 automated action is high-impact and "
        "waits for a person's review; consent held back a marketing action "
        "for 0 customers."
    ), one
    none = actions.nba_finding(_nba_frame(["no action"], [False], ["R5"])).text
    assert none.startswith("No customer gets an action; no automated action"), none


def test_nba_sentence_plural_counts_by_hand():
    frame = _nba_frame(
        ["retention offer", "recommendation", "no action", "no action"],
        [True, True, False, False],
        ["R2", "R4", "R2 withheld (no marketing consent); R5", "R5"],
    )
    text = actions.nba_finding(frame).text
    assert text.startswith(
        "2 of 4 customers get an action; 2 automated actions are high-impact and wait for a "
        "person's review; consent held back a marketing action for 1 customer."
    ), text
    single = actions.nba_finding(frame.iloc[[0, 2, 3]]).text
    assert single.startswith("1 of 3 customers gets an action; 1 automated action is"), single


def _left_bundle(label: str | None) -> Bundle:
    # Both customers spent 900 and were silent for 132 days before 2024-04-12: risk 1, top value.
    cust = pd.DataFrame(
        {
            "customer_id": ["GONE", "STAY", "LOW"],
            "signup_date": pd.to_datetime(["2023-01-01"] * 3),
            "ok": [True, True, True],
            "left": [True, False, True],
        }
    )
    tx = pd.DataFrame(
        {
            "customer_id": ["GONE", "STAY", "LOW", "LOW"],
            "date": pd.to_datetime(["2023-12-01", "2023-12-01", "2024-04-01", "2024-04-11"]),
            "amount": [900.0, 900.0, 5.0, 5.0],
            "order_id": ["g1", "s1", "l1", "l2"],
        }
    )
    churn = ChurnRule(label=label) if label else ChurnRule(inactive_days=100)
    cfg = BundleConfig(consent="ok", churn=churn)
    return Bundle(Path("c"), cfg, customers=cust, transactions=tx)


def test_customers_who_already_left_get_a_win_back_offer():
    nba = actions.next_best_action(_left_bundle("left"), asof=pd.Timestamp("2024-04-12"))
    assert nba.loc["GONE", "action"] == "win-back offer" == actions.WIN_BACK
    assert nba.loc["GONE", "rule"] == "R2" and nba.loc["GONE", "human_review"]
    assert nba.loc["STAY", "action"] == "retention offer"
    assert nba.loc["LOW", "action"] == "recommendation"  # R4 is untouched by the label
    assert set(nba["action"]) <= set(actions.ACTIONS)


def test_without_a_churn_label_nobody_gets_win_back_wording():
    nba = actions.next_best_action(_left_bundle(None), asof=pd.Timestamp("2024-04-12"))
    assert nba.loc["GONE", "action"] == nba.loc["STAY", "action"] == "retention offer"


def test_saas_churned_accounts_never_get_a_retention_offer():
    b = load_demo("saas")
    assert b.config.churn.label == "churned"
    nba = actions.next_best_action(b)
    left = b.customers.set_index("customer_id")["churned"].reindex(nba.index).eq(True)
    assert not nba.loc[left, "action"].eq("retention offer").any()
    assert not nba.loc[~left, "action"].eq("win-back offer").any()
    assert nba.loc[left, "action"].eq("win-back offer").any()


def test_notes_agree_with_their_counts():
    b = _left_bundle("left")
    cust = b.customers.assign(ok=[True, False, True])
    one = Bundle(Path("c"), b.config, customers=cust, transactions=b.transactions)
    notes = actions.next_best_action(one, asof=pd.Timestamp("2024-04-12")).attrs["notes"]
    assert "1 customer without marketing consent gets no marketing action." in notes
