"""What the key-driver finding says, on survey tables built here with a known structure."""

import re

import numpy as np
import pandas as pd
import pytest

from cxlab import drivers

PAYLOAD = "<img src=x onerror=alert(1)>"
ITEMS = ["quality", "price", "speed"]


def survey(n: int = 300, *, seed: int = 1, shift: dict[str, float] | None = None) -> pd.DataFrame:
    """Items on 1–5 driven by one mood; NPS driven by quality, less by price, not by speed."""
    rng = np.random.default_rng(seed)
    mood = rng.normal(size=n)
    shift = shift or {}
    items = {
        name: np.clip(np.round(3 + shift.get(name, 0) + 0.6 * mood + rng.normal(size=n)), 1, 5)
        for name in ITEMS
    }
    nps = 5 + 1.5 * (items["quality"] - 3) + 0.7 * (items["price"] - 3) + rng.normal(size=n)
    return pd.DataFrame(items).assign(nps=np.clip(np.round(nps), 0, 10))


def finding(df: pd.DataFrame, items=ITEMS, **options):
    result = drivers.key_drivers(
        df, outcome=options.pop("outcome", "nps"), drivers=items, **options
    )
    return result, drivers.key_drivers_finding(result, df)


def test_finding_states_rows_used_and_that_none_was_left_out():
    _, f = finding(survey())
    assert f.text.startswith(
        "The analysis uses 300 of 300 responses — those answering NPS and all 3 items; none is "
        "left out."
    )
    assert "**300 of 300 responses**" in f.to_markdown()


def test_finding_says_most_rows_were_left_out_for_a_missing_outcome():
    # 100 rows without NPS, 10 without an item: 110 dropped, most for the outcome
    df = survey(410)
    df.loc[300:399, "nps"] = np.nan
    df.loc[400:409, "speed"] = np.nan
    result, f = finding(df)
    assert (result.n, result.n_dropped) == (300, 110)
    assert "300 of 410 responses" in f.text
    assert "110 are left out, most of them without an answer to NPS." in f.text
    assert f.facts["key_driver_rows"] == {"n": 300, "dropped": 110, "r2": result.r2}


def test_finding_says_most_rows_were_left_out_for_a_missing_item():
    df = survey(410)
    df.loc[300:399, "speed"] = np.nan
    df.loc[400:409, "nps"] = np.nan
    _, f = finding(df)
    assert "110 are left out, most of them for a missing item." in f.text


def test_finding_names_the_planted_strongest_driver_first():
    result, f = finding(survey())
    assert result.ranking[0] == "quality"
    assert re.search(r"Largest shares of that: quality \d+% \(\d+–\d+%\); price", f.text)
    assert [d["driver"] for d in f.facts["top_drivers"]] == list(result.ranking[:3])


def test_finding_calls_the_quadrant_weak_when_items_score_alike():
    # the three items share one distribution: their means differ by noise only
    df = survey()
    _, f = finding(df)
    means = df[ITEMS].mean()
    assert f"lie within {means.max() - means.min():.2f} points of each other" in f.text
    assert "treat the quadrant labels as a hint only" in f.text


def test_finding_calls_the_quadrant_meaningful_when_items_score_apart():
    # speed sits about 1.5 points below the others on the 1–5 scale
    df = survey(shift={"speed": -1.5})
    _, f = finding(df)
    means = df[ITEMS].mean()
    assert f"mean scores span {means.max() - means.min():.2f} points, well beyond" in f.text
    assert "the quadrant's performance split is meaningful" in f.text


def test_finding_with_two_items_does_not_read_the_quadrant():
    _, f = finding(survey(), items=["quality", "price"])
    assert "With only 2 items, cutting importance and performance at their averages" in f.text


def test_finding_without_bootstrap_gives_no_intervals():
    _, f = finding(survey(), n_boot=0)
    assert re.search(r"R² = 0\.\d\d of the variation in NPS", f.text)
    assert re.search(r"Largest shares of that: quality \d+%; price \d+%; speed \d+%\.", f.text)


def test_finding_passes_on_the_analysis_warning():
    _, f = finding(survey(20))
    assert "Note: Only 20 complete responses for 3 driver(s)" in f.text


def test_finding_names_another_outcome_by_its_column():
    df = survey().assign(satisfied=lambda d: d["nps"] >= 7)
    _, f = finding(df.drop(columns="nps"), outcome="satisfied")
    assert "those answering satisfied and all 3 items" in f.text
    assert "of the variation in satisfied" in f.text


def test_finding_is_unsupported_when_the_items_explain_nothing():
    result, _ = finding(survey())
    nothing = drivers.KeyDrivers(
        table=result.table,
        outcome="nps",
        method=result.method,
        r2=0.0,
        r2_low=0.0,
        r2_high=0.0,
        n=10,
        n_dropped=0,
        n_boot=0,
        confidence=0.95,
        warning="",
    )
    f = drivers.key_drivers_finding(nothing, survey(10))
    assert not f.supported
    assert f.text == (
        "The 3 items explain none of the variation in NPS on the 10 complete responses, so "
        "there is no ranking to read."
    )


def test_finding_keeps_the_top_drivers_for_the_headlines():
    result, f = finding(survey())
    top = f.facts["top_drivers"]
    assert len(top) == 3
    first = result.table.iloc[0]
    assert top[0] == {
        "driver": "quality",
        "weight": first["rescaled_weight"],
        "low": first["rescaled_low"],
        "high": first["rescaled_high"],
        "quadrant": str(first["quadrant"]),
    }


@pytest.mark.parametrize("top", [1, 2])
def test_finding_names_as_many_drivers_as_asked(top):
    result = drivers.key_drivers(survey(), outcome="nps", drivers=ITEMS)
    f = drivers.key_drivers_finding(result, survey(), top=top)
    assert len(f.facts["top_drivers"]) == top


def test_finding_escapes_driver_names():
    df = survey().rename(columns={"quality": PAYLOAD})
    _, f = finding(df, items=[PAYLOAD, "price", "speed"])
    assert PAYLOAD in f.text
    assert "<img" not in f.to_markdown()
    assert "&#60;img src=x onerror=alert&#40;1&#41;&#62;" in f.to_markdown()


def test_finding_says_means_closer_than_their_uncertainty():
    # price and speed hold the values of quality in another order: the three means are equal
    df = survey()
    rng = np.random.default_rng(5)
    df["price"] = rng.permutation(df["quality"].to_numpy())
    df["speed"] = rng.permutation(df["quality"].to_numpy())
    _, f = finding(df)
    assert "lie within 0.00 points of each other, less than the ±" in f.text
