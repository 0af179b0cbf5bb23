"""Tests for cxlab.curriculum: the curriculum map as data, in step with the notebooks."""

from __future__ import annotations

import importlib
import importlib.util
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
    assert frame.loc["09", "your data"] == "ready"  # each section says what it lacks instead


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


# --------------------------------------------------------------------------------------------
# the newcomer's map: notebook ↔ module ↔ plots ↔ teaching ↔ tests

#: cxlab modules a notebook imports that are not a chapter's analytics: the course machinery,
#: presentation and the shared foundations every chapter may use.
NOT_ANALYTICS = {
    "checks",
    "contract",
    "curriculum",
    "datasets",
    "errors",
    "findings",
    "headlines",
    "pii",
    "plots",
    "present",
    "stats",
    "teaching",
    "widgets",
    "versions",
}


def _cxlab_modules_imported(notebook: Path) -> set[str]:
    """``cxlab.<name>`` of every cxlab module the notebook's code cells import."""
    import ast
    import json

    found: set[str] = set()
    for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
        for node in ast.walk(ast.parse("\n".join(lines))):
            if isinstance(node, ast.ImportFrom) and node.module == "cxlab":
                found |= {f"cxlab.{alias.name}" for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("cxlab."):
                found.add(".".join(node.module.split(".")[:2]))
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names if a.name.startswith("cxlab.")]
                found |= {".".join(name.split(".")[:2]) for name in names}
    return {m for m in found if importlib.util.find_spec(m) is not None}


def _analytics(modules: set[str]) -> set[str]:
    return {m for m in modules if m.removeprefix("cxlab.") not in NOT_ANALYTICS}


def test_chapter_pieces_are_named_after_the_chapter_module():
    journey = curriculum.chapter("03")
    assert (journey.topic, journey.plots_module, journey.teaching_module, journey.tests) == (
        "journey",
        "cxlab.plots._journey",
        "cxlab.teaching._journey",
        "tests/test_journey*.py",
    )
    assert curriculum.chapter("02").modules == ("cxlab.drivers", "cxlab.metrics", "cxlab.journey")


def test_chapter_rejects_a_module_that_is_not_a_cxlab_topic():
    with pytest.raises(ValueError, match=r"cxlab\.<topic>"):
        Chapter("01", "t", "01_t.ipynb", "metrics", ("responses",), "c")
    with pytest.raises(ValueError, match=r"cxlab\.<topic>"):
        Chapter("01", "t", "01_t.ipynb", "cxlab.t", ("responses",), "c", uses=("cxlab.a.b",))


@pytest.mark.parametrize("chapter", curriculum.available(), ids=lambda c: c.number)
def test_every_piece_of_an_available_chapter_exists_where_the_map_says(chapter):
    for module in (*chapter.modules, chapter.plots_module, chapter.teaching_module):
        assert importlib.util.find_spec(module) is not None, module
    assert sorted(ROOT.glob(chapter.tests)), f"no {chapter.tests}"


@pytest.mark.parametrize("chapter", curriculum.available(), ids=lambda c: c.number)
def test_the_map_lists_every_analytics_module_the_chapter_notebooks_import(chapter):
    imported = _cxlab_modules_imported(NOTEBOOKS / chapter.notebook)
    imported |= _cxlab_modules_imported(NOTEBOOKS / "solutions" / chapter.solutions)
    assert chapter.module in imported
    assert _analytics(imported) <= set(chapter.modules), (
        f"chapter {chapter.number} imports {sorted(_analytics(imported) - set(chapter.modules))}"
        " without listing them in cxlab.curriculum (uses=...)"
    )


def test_the_teaching_module_of_a_chapter_registers_that_chapters_exercises():
    from cxlab import teaching

    for chapter in curriculum.available():
        module = importlib.import_module(chapter.teaching_module)
        sets = [v for v in vars(module).values() if isinstance(v, teaching.ExerciseSet)]
        assert [s.chapter for s in sets] == [chapter.number], chapter.teaching_module


def test_every_chapter_plots_and_teaching_file_belongs_to_a_chapter():
    package = ROOT / "src" / "cxlab"
    topics = {c.topic for c in curriculum.CHAPTERS}
    # the theme, the plot convention, the check machinery, the concept diagrams of several
    # Theories, and the worked drills (a planted drop for the alert rule)
    shared = {"_base", "_docs", "_core", "_theory", "_drills"}
    for folder in ("plots", "teaching"):
        names = {p.stem for p in (package / folder).glob("_*.py")} - {"__init__"} - shared
        assert {n.removeprefix("_") for n in names} <= topics, folder


def test_the_architecture_page_draws_the_same_map():
    rows = [
        [cell.strip().strip("`") for cell in line.strip().strip("|").split("|")]
        for line in (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8").splitlines()
        if line.startswith("| 0")
    ]
    drawn = [
        (r[0], r[1] + ".ipynb", r[2], tuple(f"cxlab.{m.strip()}" for m in r[3].split(",") if m))
        for r in rows
    ]
    pieces = [tuple(r[4:7]) for r in rows]
    expected = [(c.number, c.notebook, c.module, c.uses) for c in curriculum.available()]
    expected_pieces = [
        (f"plots/_{c.topic}.py", f"teaching/_{c.topic}.py", c.tests.removeprefix("tests/"))
        for c in curriculum.available()
    ]
    assert pieces == expected_pieces
    assert drawn == expected
