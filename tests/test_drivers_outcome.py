"""cxlab.drivers: the outcome chosen from the data, and declared drivers that cannot be used."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cxlab import drivers
from cxlab.contract.bundle import Bundle
from cxlab.contract.config import BundleConfig

#: Six answers to two items: enough complete rows (two items + 2 = 4) for any outcome.
ITEMS = {"speed": [1, 2, 3, 4, 5, 2], "price": [2, 2, 3, 5, 4, 1]}


def test_nps_is_chosen_first_when_answered():
    df = pd.DataFrame(ITEMS | {"nps": [0, 3, 6, 9, 10, 4], "csat": [1, 2, 3, 5, 5, 2]})
    chosen = drivers.driver_outcome(df, drivers=["speed", "price"])
    assert (chosen.column, chosen.kind, chosen.n, chosen.passed_over) == ("nps", "nps", 6, {})
    assert drivers.driver_outcome_finding(chosen).text == (
        "The key drivers explain NPS, answered with every item by 6 responses."
    )


def test_csat_is_chosen_when_too_few_answer_nps_with_the_items():
    # NPS is answered on 3 rows only; 4 are needed for two items
    df = pd.DataFrame(ITEMS | {"nps": [9, 3, 7, None, None, None], "csat": [1, 2, 3, 5, 5, 2]})
    chosen = drivers.driver_outcome(df, drivers=["speed", "price"])
    assert chosen.column == "csat" and chosen.n == 6
    assert chosen.passed_over == {
        "nps": "only 3 response(s) answer NPS and every item; at least 4 are needed"
    }
    assert "(NPS is not used: only 3 response(s)" in drivers.driver_outcome_finding(chosen).text


def test_a_yes_no_satisfied_text_column_is_read_as_one_and_zero():
    answers = ["satisfied", "neutral or dissatisfied", "satisfied", None, "satisfied"]
    df = pd.DataFrame({k: v[:5] for k, v in ITEMS.items()} | {"Satisfaction": answers})
    chosen = drivers.driver_outcome(df, drivers=["speed", "price"])
    assert (chosen.column, chosen.kind, chosen.positive, chosen.n) == (
        "Satisfaction",
        "binary",
        "satisfied",
        4,
    )
    assert chosen.values(df).tolist()[:3] == [1.0, 0.0, 1.0]
    assert np.isnan(chosen.values(df).iloc[3])
    assert "the yes/no answer in Satisfaction" in drivers.driver_outcome_finding(chosen).text


def test_a_boolean_column_without_a_satisfaction_name_is_not_taken_as_the_outcome():
    df = pd.DataFrame(ITEMS | {"repeat_buyer": [True, False, True, True, False, True]})
    chosen = drivers.driver_outcome(df, drivers=["speed", "price"])
    assert chosen.column is None
    assert not drivers.driver_outcome_finding(chosen).supported


def test_a_declared_outcome_is_used_even_when_nps_is_present():
    df = pd.DataFrame(ITEMS | {"nps": [0, 3, 6, 9, 10, 4], "loyalty": [1, 2, 3, 4, 5, 1]})
    chosen = drivers.driver_outcome(df, drivers=["speed", "price"], outcome="loyalty")
    assert (chosen.column, chosen.kind) == ("loyalty", "declared")


def test_a_constant_outcome_is_passed_over_with_the_reason():
    df = pd.DataFrame(ITEMS | {"csat": [5] * 6})
    chosen = drivers.driver_outcome(df, drivers=["speed", "price"])
    assert chosen.column is None
    assert chosen.passed_over == {"csat": "every answer to CSAT is the same"}
    text = drivers.driver_outcome_finding(chosen).text
    assert text.startswith("Key drivers need an outcome to explain")
    assert "CSAT is not used: every answer to CSAT is the same" in text


def test_one_driver_item_is_too_few_whatever_the_outcome():
    df = pd.DataFrame({"speed": ITEMS["speed"], "nps": [0, 3, 6, 9, 10, 4]})
    chosen = drivers.driver_outcome(df, drivers=["speed"])
    assert chosen.column is None
    assert drivers.driver_outcome_finding(chosen).text == (
        "Key drivers are left out: only one driver item (speed) is in the responses; key "
        "drivers need at least two, listed under drivers: in cxlab.yml."
    )


def test_no_declared_driver_items_are_said_plainly():
    df = pd.DataFrame({"nps": [0, 3, 6, 9, 10, 4]})
    chosen = drivers.driver_outcome(df, drivers=[])
    assert drivers.driver_outcome_finding(chosen).text == (
        "Key drivers are left out: no driver items (rating questions such as product quality "
        "or delivery speed) are listed under drivers: in cxlab.yml."
    )


def test_the_finding_escapes_the_outcome_column_name():
    df = pd.DataFrame(ITEMS | {"<b>satisfied</b>": [True, False, True, True, False, True]})
    chosen = drivers.driver_outcome(df, drivers=["speed", "price"])
    markdown = drivers.driver_outcome_finding(chosen).to_markdown()
    assert "<b>" not in markdown and "&#60;b&#62;" in markdown


def test_key_drivers_run_on_the_chosen_binary_outcome():
    rng = np.random.default_rng(3)
    speed, price = rng.integers(1, 6, 200), rng.integers(1, 6, 200)
    happy = np.where(speed + rng.normal(0, 1, 200) > 3, "yes", "no")
    df = pd.DataFrame({"speed": speed, "price": price, "happy_customer": happy})
    chosen = drivers.driver_outcome(df, drivers=["speed", "price"])
    result = drivers.key_drivers(
        chosen.frame(df), outcome=chosen.column, drivers=["speed", "price"], n_boot=0
    )
    assert result.table.index[0] == "speed"


def _bundle(responses: pd.DataFrame | None, declared: tuple[str, ...]) -> Bundle:
    return Bundle(Path("shop"), BundleConfig(drivers=declared), responses=responses)


def test_every_declared_driver_is_usable_with_an_outcome():
    df = pd.DataFrame(ITEMS | {"csat": [1, 2, 3, 5, 5, 2]})
    assert drivers.usable_drivers(_bundle(df, ("speed", "price"))) == {}


def test_no_declared_drivers_means_nothing_to_warn_about():
    assert drivers.usable_drivers(_bundle(None, ())) == {}


def test_declared_drivers_without_a_responses_table_are_unusable():
    assert drivers.usable_drivers(_bundle(None, ("speed", "price"))) == {
        "speed": "the data has no responses table",
        "price": "the data has no responses table",
    }


def test_declared_drivers_without_an_outcome_are_unusable_with_the_reason():
    df = pd.DataFrame(ITEMS | {"ces": [1, 2, 3, 4, 5, 6]})
    why = drivers.usable_drivers(_bundle(df, ("speed", "price")))
    assert set(why) == {"speed", "price"}
    assert why["speed"].startswith("there is no outcome to explain (NPS, CSAT or a yes/no")


@pytest.mark.parametrize(
    ("column", "values", "reason"),
    [
        ("price", [3] * 6, "every answer is the same (3)"),
        ("price", ["a", "b", "c", "d", "e", "f"], "it holds no numeric answers"),
    ],
)
def test_an_unusable_item_leaves_one_item_and_so_none(column, values, reason):
    df = pd.DataFrame(ITEMS | {column: values, "csat": [1, 2, 3, 5, 5, 2]})
    assert drivers.usable_drivers(_bundle(df, ("speed", "price"))) == {
        "price": reason,
        "speed": "key drivers need at least two usable items",
    }


def test_a_declared_driver_missing_from_the_responses_is_named():
    df = pd.DataFrame(ITEMS | {"wifi": [1, 5, 2, 4, 3, 3], "csat": [1, 2, 3, 5, 5, 2]})
    why = drivers.usable_drivers(_bundle(df.drop(columns="wifi"), ("speed", "price", "wifi")))
    assert why == {"wifi": "the responses have no such column"}
