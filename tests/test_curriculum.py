"""Tests for cxlab.curriculum: the curriculum map as data, in step with the notebooks."""

from __future__ import annotations

import importlib
from pathlib import Path

import pandas as pd
import pytest

from cxlab import curriculum
from cxlab.contract.bundle import TABLES, Bundle
from cxlab.contract.config import BundleConfig
from cxlab.curriculum import Chapter

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"


def test_chapters_run_from_00_to_09_in_order():
    assert [c.number for c in curriculum.CHAPTERS] == [f"{i:02d}" for i in range(10)]


def test_notebooks_and_modules_are_unique():
    assert len({c.notebook for c in curriculum.CHAPTERS}) == len(curriculum.CHAPTERS)
    assert len({c.module for c in curriculum.CHAPTERS}) == len(curriculum.CHAPTERS)


def test_every_chapter_names_a_cxlab_module_and_contract_tables():
    for c in curriculum.CHAPTERS:
        assert c.module.startswith("cxlab.")
        assert c.requires
        assert set(c.requires) <= set(TABLES)
        assert c.status in curriculum.STATUSES


def test_welcome_is_available_and_needs_only_customers():
    welcome = curriculum.chapter("00")
    assert welcome.status == "available"
    assert welcome.requires == ("customers",)
    assert welcome.solutions == "00_welcome_solutions.ipynb"


@pytest.mark.parametrize("key", ["03", "3", 3])
def test_chapter_lookup_accepts_text_and_numbers(key):
    assert curriculum.chapter(key).number == "03"


@pytest.mark.parametrize("key", [10, "xx", "-1"])
def test_unknown_chapter_raises_key_error(key):
    with pytest.raises(KeyError):
        curriculum.chapter(key)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"number": "1"}, "two digits"),
        ({"notebook": "welcome.ipynb"}, "must be named"),
        ({"requires": ("orders",)}, "unknown tables"),
        ({"status": "draft"}, "status"),
    ],
)
def test_chapter_rejects_malformed_entries(fields, message):
    base = {
        "number": "01",
        "title": "t",
        "notebook": "01_t.ipynb",
        "module": "cxlab.t",
        "requires": ("customers",),
        "covers": "c",
        "status": "planned",
    }
    with pytest.raises(ValueError, match=message):
        Chapter(**(base | fields))


def _bundle(*tables: str) -> Bundle:
    frames = {t: pd.DataFrame({"customer_id": ["a"]}) for t in tables}
    return Bundle(Path("shop"), BundleConfig(), **frames)


def test_to_frame_has_one_row_per_chapter():
    frame = curriculum.to_frame()
    assert list(frame.index) == [c.number for c in curriculum.CHAPTERS]
    assert frame.loc["04", "requires"] == "customers, transactions"
    assert "your data" not in frame


def test_to_frame_says_which_tables_a_bundle_lacks():
    frame = curriculum.to_frame(_bundle("customers"))
    assert frame.loc["00", "your data"] == "ready"
    assert frame.loc["04", "your data"] == "needs transactions"
    assert frame.loc["09", "your data"] == "needs transactions, responses"


def test_runnable_keeps_available_chapters_the_bundle_can_feed():
    chapters = (
        curriculum.chapter("00"),
        Chapter("01", "x", "01_x.ipynb", "cxlab.x", ("responses",), "", status="available"),
        Chapter("02", "y", "02_y.ipynb", "cxlab.y", ("customers",), "", status="planned"),
    )
    assert [c.number for c in curriculum.runnable(_bundle("customers"), chapters)] == ["00"]
    both = curriculum.runnable(_bundle("customers", "responses"), chapters)
    assert [c.number for c in both] == ["00", "01"]


# --------------------------------------------------------------------------------------------
# the map agrees with the repository


def test_available_chapters_have_notebook_solutions_and_module():
    for c in curriculum.available():
        assert (NOTEBOOKS / c.notebook).is_file(), c.notebook
        assert (NOTEBOOKS / "solutions" / c.solutions).is_file(), c.solutions
        importlib.import_module(c.module)


def test_every_chapter_notebook_in_the_repository_is_listed_as_available():
    on_disk = sorted(p.name for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    listed = sorted(c.notebook for c in curriculum.available())
    assert on_disk == listed


def test_readme_curriculum_table_matches_the_chapter_list():
    rows = [
        [cell.strip().strip("`") for cell in line.strip().strip("|").split("|")]
        for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
        if line.startswith("| 0")
    ]
    listed = [(r[0], r[1] + ".ipynb", r[-1]) for r in rows]
    expected = [(c.number, c.notebook, c.status) for c in curriculum.CHAPTERS]
    assert listed == expected
