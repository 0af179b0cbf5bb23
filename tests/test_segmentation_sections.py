"""Tests for chapter 04's adaptation to the data it is given.

The category cap of behavioural segments (a product-level item column must not flood the
clustering), the notes that say which sections a bundle cannot support and what would enable
them, the opening sentence for bundles with and without a customers table, and the count of
customers needs-based segments can group. Expected values are counted by hand from the small
tables written here.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from cxlab.datasets import demo_path
from cxlab.findings import Finding
from cxlab.segmentation import (
    MAX_CATEGORIES,
    MIN_N,
    SECTION_NEEDS,
    MicroSegmenter,
    behavioural_segments,
    bundle_finding,
    clusters_finding,
    micro_segments_finding,
    needs_respondents,
    plays_finding,
    skipped_finding,
)

HOSTILE = "<img src=x onerror=alert(1)>"


def six_baskets() -> pd.DataFrame:
    """Six customers, one order each. Lines per category: a 5, b 4, c 2, d 1."""
    lines = {
        "A": ["a", "a", "c"],
        "B": ["a", "b"],
        "C": ["a", "b", "d"],
        "D": ["a", "b"],
        "E": ["c"],
        "F": ["b"],
    }
    rows = [  # amounts differ line by line, so no line is an exact duplicate of another
        (cust, f"o{i}", f"2024-0{i + 1}-01", 10.0 + i + j, cat)
        for i, (cust, cats) in enumerate(lines.items())
        for j, cat in enumerate(cats)
    ]
    tx = pd.DataFrame(rows, columns=["customer_id", "order_id", "date", "amount", "category"])
    tx["date"] = pd.to_datetime(tx["date"])
    return tx


# ------------------------------------------------------------------------ category cap
def test_behavioural_segments_keep_the_most_bought_categories_and_pool_the_rest():
    seg = behavioural_segments(six_baskets(), k=2, max_categories=2)
    shares = [c for c in seg.profile.columns if c.startswith("category:") and "vs all" not in c]
    assert shares == ["category:a", "category:b", "category:other"]


def test_pooled_share_is_the_share_of_the_other_categories_lines():
    # other share per customer: A 1/3 (c), B 0, C 1/3 (d), D 0, E 1 (c), F 0 -> mean 5/18
    prof = behavioural_segments(six_baskets(), k=2, max_categories=2).profile
    mean = (prof["n"] * prof["category:other"]).sum() / prof["n"].sum()
    assert mean == pytest.approx(5 / 18)


def test_categories_within_the_cap_are_all_kept_and_nothing_pooled():
    prof = behavioural_segments(six_baskets(), k=2, max_categories=4).profile
    shares = {c for c in prof.columns if c.startswith("category:") and "vs all" not in c}
    assert shares == {"category:a", "category:b", "category:c", "category:d"}


def test_a_category_named_other_keeps_its_own_column():
    # "other" is now the most bought category; the pooled c and d get "other_"
    tx = six_baskets().replace({"category": {"a": "other"}})
    prof = behavioural_segments(tx, k=2, max_categories=2).profile
    shares = [c for c in prof.columns if c.startswith("category:") and "vs all" not in c]
    assert shares == ["category:b", "category:other", "category:other_"]


@pytest.mark.parametrize("bad", [0, -1, 1.5, True])
def test_max_categories_must_be_a_positive_whole_number(bad):
    with pytest.raises(ValueError, match="max_categories"):
        behavioural_segments(six_baskets(), k=2, max_categories=bad)


def test_default_cap_keeps_every_demo_category():
    # the demos have at most 9 categories, so their behavioural segments do not change
    assert MAX_CATEGORIES >= 9


# ------------------------------------------------------------------------ skipped sections
def test_skipped_note_says_what_would_enable_the_section():
    f = skipped_finding("psychographic")
    assert not f.supported
    assert "customers table" in f.text and "declared attribute" in f.text
    assert f.facts == {"section": "psychographic"}


def test_skipped_note_gives_the_count_when_known():
    f = skipped_finding("needs", n=1234)
    assert f.text.endswith("This bundle has 1,234.")
    assert f"{MIN_N} or more customers" in f.text
    assert f.facts == {"section": "needs", "n": 1234}


def test_every_section_note_is_one_line_that_renders():
    for section in SECTION_NEEDS:
        text = skipped_finding(section).to_markdown()
        assert "\n" not in text and "{" not in text


def test_unknown_section_is_refused_with_the_choices():
    with pytest.raises(ValueError, match="needs, psychographic"):
        skipped_finding("moods")


# ------------------------------------------------------------------------ opening sentence
def test_opening_counts_the_customers_table_when_there_is_one():
    tx = pd.DataFrame({"customer_id": ["A", "A", "B"]})
    customers = pd.DataFrame({"customer_id": ["A", "B", "C", "D"]})
    f = bundle_finding("Shop", tx, customers=customers)
    assert f.text == "Working with Shop: 4 customers, 3 transaction lines."
    assert f.facts == {"customers": 4, "lines": 3, "customers_table": True}


def test_opening_without_customers_table_counts_buyers_and_says_so():
    tx = pd.DataFrame({"customer_id": ["A", "A", "B", None, "C"]})
    f = bundle_finding("Shop", tx)
    assert f.facts == {"customers": 3, "lines": 5, "customers_table": False}
    assert "no customers table" in f.text and "never bought are not counted" in f.text


def test_opening_escapes_the_client_name():
    tx = pd.DataFrame({"customer_id": ["A"]})
    out = bundle_finding(HOSTILE, tx).to_markdown()
    assert "<img" not in out and "&#60;img" in out


# ------------------------------------------------------------------------ needs respondents
def test_needs_respondents_counts_customers_with_any_driver_answer():
    r = pd.DataFrame(
        {
            "customer_id": ["A", "A", "B", None, "C", "D"],
            "speed": [4, None, None, 5, None, "n/a"],
            "price": [None, 3, 2, 1, None, None],
        }
    )
    # A (twice) and B answered; the anonymous row, C (nothing) and D (unreadable) do not count
    assert needs_respondents(r, ["speed", "price"]) == 2


def test_needs_respondents_needs_two_items_present():
    r = pd.DataFrame({"customer_id": ["A", "B"], "speed": [4, 5]})
    assert needs_respondents(r, ["speed", "price"]) == 0


def test_needs_respondents_without_responses_is_zero():
    assert needs_respondents(None, ["speed", "price"]) == 0


# ------------------------------------------------------------------------ k choice and ties
def fitted(silhouettes, stabilities, k, sizes=(40, 30, 30)):
    """A stand-in for a fitted MicroSegmenter: its scores, chosen k and labels."""
    ks = range(2, 2 + len(silhouettes))
    scores = pd.DataFrame(
        {"silhouette": silhouettes, "stability": stabilities}, index=pd.Index(ks, name="k")
    )
    scores["chosen"] = scores.index == k
    labels = np.repeat(np.arange(len(sizes)), sizes)
    return SimpleNamespace(scores_=scores, k_=k, labels_=labels, min_stability=0.8)


def test_k_choice_says_when_another_stable_k_is_as_good():
    # k = 3 chosen at 0.51; k = 2 at 0.50 is stable and 0.01 away (< 0.02); k = 4 is 0.11 away
    f = clusters_finding(fitted([0.50, 0.51, 0.40], [1.0, 1.0, 0.95], k=3))
    assert f.facts["close"] == [2]
    assert "No k is clearly better: k = 2 comes within 0.02" in f.text
    assert f.supported  # the segments hold up; only their number is a choice


def test_k_choice_with_a_clear_winner_says_nothing_about_ties():
    f = clusters_finding(fitted([0.45, 0.51, 0.40], [1.0, 1.0, 0.95], k=3))
    assert f.facts["close"] == []
    assert "clearly better" not in f.text


def test_unstable_candidates_do_not_count_as_close():
    # k = 2 has the same silhouette but changes with the seed (stability 0.5 < 0.8)
    f = clusters_finding(fitted([0.51, 0.51, 0.40], [0.5, 1.0, 0.95], k=3))
    assert f.facts["close"] == []


def test_several_close_candidates_are_listed():
    f = clusters_finding(fitted([0.50, 0.51, 0.52], [1.0, 1.0, 0.95], k=3))
    assert f.facts["close"] == [2, 4]
    assert "k = 2, 4 come within" in f.text


# ------------------------------------------------------------------------ clusters that fail
WEAK = Finding.unsupported("The clustering does not hold up.")
PLAYS = pd.DataFrame(
    {"label": ["Regulars"], "score": [0.9], "plays": ["a loyalty card; a tasting"]},
    index=[HOSTILE],
)
SUMMARY = pd.DataFrame(
    {"customers": [60, 40], "share_of_customers": [0.6, 0.4], "share_of_revenue": [0.2, 0.8]},
    index=["bargain hunters", "big baskets"],
)


def test_plays_are_not_stated_for_clusters_that_do_not_hold_up():
    f = plays_finding(PLAYS, clusters=WEAK)
    assert not f.supported
    assert "RFM plays apply instead" in f.text
    assert "Regulars" not in f.text and "img" not in f.text


def test_plays_are_stated_for_clusters_that_hold_up():
    f = plays_finding(PLAYS, clusters=Finding("fine"))
    assert f.supported and "Regulars" in f.text
    assert "<img" not in f.to_markdown()


def test_micro_segments_of_a_failed_clustering_are_a_description_not_a_finding():
    f = micro_segments_finding(SUMMARY, clusters=WEAK)
    assert not f.supported
    assert "describe the data rather than groups to plan for" in f.text


def test_micro_segments_of_a_sound_clustering_are_supported():
    assert micro_segments_finding(SUMMARY, clusters=Finding("fine")).supported


def test_nearly_everyone_in_one_cluster_is_said_and_gets_no_plays():
    # 95 customers alike and 5 far away: the two clusters are 95 and 5, 95 % in one
    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal(0, 1, (95, 2)), rng.normal(30, 1, (5, 2))])
    model = MicroSegmenter(k=2, log=None).fit(X)
    clusters = clusters_finding(model)
    assert np.bincount(model.labels_).tolist() == [95, 5]
    assert not clusters.supported
    assert "holds 95% of the customers" in clusters.text
    plays = pd.DataFrame(
        {"label": ["Regulars", "Families"], "score": [0.5, 0.5], "plays": ["a", "b"]},
        index=["typical customers", "big baskets"],
    )
    assert not plays_finding(plays, clusters=clusters).supported


# ------------------------------------------------------------------------ the chapter, thin
CHAPTER = Path(__file__).parents[1] / "notebooks" / "04_segmentation_and_personalization.ipynb"


def thin_bundle(folder: Path, *, customers: int, tables: tuple[str, ...]) -> Path:
    """The first ``customers`` buyers of the retail demo, with only ``tables``; no industry."""
    demo = Path(demo_path("clothing_retailer"))
    tx = pd.read_csv(demo / "transactions.csv")
    ids = sorted(tx["customer_id"].unique())[:customers]
    folder.mkdir()
    for table in tables:
        rows = pd.read_csv(demo / f"{table}.csv")
        rows[rows["customer_id"].isin(ids)].to_csv(folder / f"{table}.csv", index=False)
    (folder / "cxlab.yml").write_text("client: Thin Shop\ncurrency: EUR\n", encoding="utf-8")
    return folder


def chapter_text(bundle: Path, out: Path) -> str:
    """Run chapter 04 on ``bundle`` and return every Markdown and text output, joined."""
    import nbformat
    import papermill

    papermill.execute_notebook(
        str(CHAPTER), str(out), parameters={"data_dir": str(bundle)}, progress_bar=False
    )
    nb = nbformat.read(out, as_version=4)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    return "\n".join(
        o.get("data", {}).get("text/markdown", "") or o.get("text", "") for o in outputs
    )


@pytest.mark.slow  # executes the chapter twice
def test_chapter_completes_on_thin_bundles_and_says_what_it_skips(tmp_path):
    only_tx = thin_bundle(tmp_path / "tx", customers=200, tables=("transactions",))
    text = chapter_text(only_tx, tmp_path / "tx.ipynb")
    assert "There is no customers table" in text
    for section in ("needs", "psychographic", "plays", "satisfaction", "planted"):
        assert skipped_finding(section).to_markdown() in text
    tiny = thin_bundle(
        tmp_path / "tiny", customers=8, tables=("transactions", "customers", "responses")
    )
    text = chapter_text(tiny, tmp_path / "tiny.ipynb")
    assert "Working with **Thin Shop**: 8 customers" in text
    assert "too few to cluster" in text
