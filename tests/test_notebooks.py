"""Conformance of every notebook to the house template (STYLE.md §2).

Checked for every ``.ipynb`` under ``notebooks/`` (chapters, ``solutions/``, ``templates/``):
kernel, execution state, the ``cxlab`` metadata key, widget tagging, size, and outputs free of
machine paths. Chapter notebooks and the template additionally need the parameters cell, the
template's headings in order with a synced contents list, and three or more exercises whose
checks run unanswered; solutions notebooks must exist for each chapter and pass every check.
"""

from __future__ import annotations

import ast
import io
import json
import re
import tokenize
from pathlib import Path

import nbformat
import pytest

from cxlab import curriculum
from cxlab.contract.bundle import TABLES

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = ROOT / "notebooks"
ALL = sorted(p for p in NOTEBOOK_DIR.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
CHAPTERS = sorted(NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb"))
SOLUTIONS = sorted((NOTEBOOK_DIR / "solutions").glob("*.ipynb"))
TEMPLATES = sorted((NOTEBOOK_DIR / "templates").glob("*.ipynb"))
TEACHING = CHAPTERS + TEMPLATES  # notebooks that follow the full lesson template

SECTIONS = [
    "Aims",
    "Theory",
    "Practical",
    "Discussion",
    "Exercises",
    "Key takeaways",
    "Further reading",
]
REQUIRED_PARAMETERS = ("client_name", "data_dir", "seed")
MAX_BYTES = 1_000_000
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
MACHINE_PATH = re.compile(
    r"(?<![\w.~])/(?:home|root|tmp|work|Users|var|opt|usr|private|mnt|srv)/|\b[A-Za-z]:\\\\"
)
CHECK_MARKS = {"correct": "✔ Correct", "unanswered": "… Not answered yet", "skipped": "– Skipped"}


def _id(path: Path) -> str:
    return str(path.relative_to(NOTEBOOK_DIR))


def _read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def _code_cells(nb) -> list:
    return [c for c in nb.cells if c.cell_type == "code"]


def _tags(cell) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def _output_texts(cell) -> list[str]:
    texts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream":
            texts.append(out.get("text", ""))
        for mime, value in out.get("data", {}).items():
            if mime.startswith("text/") or mime == "application/json":
                texts.append(value if isinstance(value, str) else json.dumps(value))
    return texts


def _verdict(cell) -> str:
    """The text a check cell returns (its execute_result), ignoring anything it printed."""
    results = [o for o in cell.get("outputs", []) if o.get("output_type") == "execute_result"]
    return results[-1]["data"].get("text/plain", "") if results else ""


def _headings(nb, level: int) -> list[str]:
    marker = "#" * level + " "
    found = []
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for line in cell.source.splitlines():
            if line.startswith(marker):
                found.append(line[len(marker) :].strip())
    return found


def _section_cells(nb, name: str) -> list:
    """Cells from the ``## name`` heading up to the next level-2 heading."""
    cells, inside = [], False
    for cell in nb.cells:
        heads = (
            [ln[3:].strip() for ln in cell.source.splitlines() if ln.startswith("## ")]
            if cell.cell_type == "markdown"
            else []
        )
        if heads:
            if inside and heads[0] != name:
                break
            inside = inside or name in heads
        if inside:
            cells.append(cell)
    return cells


def _check_cells(nb) -> list:
    return [c for c in _code_cells(nb) if re.search(r"\.check\(", c.source)]


# --------------------------------------------------------------------------------------------
# the suite is there


def test_suite_has_the_welcome_notebook_and_the_template():
    assert NOTEBOOK_DIR / "00_welcome.ipynb" in CHAPTERS
    assert NOTEBOOK_DIR / "templates" / "chapter_template.ipynb" in TEMPLATES


@pytest.mark.parametrize("path", CHAPTERS, ids=_id)
def test_every_chapter_has_a_solutions_notebook(path):
    assert (NOTEBOOK_DIR / "solutions" / f"{path.stem}_solutions.ipynb").is_file()


# --------------------------------------------------------------------------------------------
# every notebook


@pytest.mark.parametrize("path", ALL, ids=_id)
def test_kernel_is_python3(path):
    assert _read(path).metadata["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("path", ALL, ids=_id)
def test_notebook_was_executed_top_to_bottom(path):
    run = [c for c in _code_cells(_read(path)) if "widget" not in _tags(c)]  # widgets: not run
    counts = [c.execution_count for c in run]
    assert counts, "no code cells"
    assert counts == list(range(1, len(counts) + 1)), counts


@pytest.mark.parametrize("path", ALL, ids=_id)
def test_no_error_outputs(path):
    for cell in _code_cells(_read(path)):
        errors = [o for o in cell.outputs if o.get("output_type") == "error"]
        assert not errors, f"error in cell {cell.source[:60]!r}"


@pytest.mark.parametrize("path", ALL, ids=_id)
def test_notebook_stays_under_one_megabyte(path):
    assert path.stat().st_size < MAX_BYTES


@pytest.mark.parametrize("path", ALL, ids=_id)
def test_outputs_show_no_machine_paths(path):
    nb = _read(path)
    for cell in _code_cells(nb):
        for text in _output_texts(cell):
            assert str(ROOT) not in text
            assert not MACHINE_PATH.search(text), f"{cell.source[:60]!r}: {text[:200]!r}"


@pytest.mark.parametrize("path", ALL, ids=_id)
def test_cxlab_metadata_names_chapter_and_contract_tables(path):
    meta = _read(path).metadata.get("cxlab")
    assert isinstance(meta, dict), "notebook metadata needs a 'cxlab' key"
    requires = meta.get("requires")
    assert isinstance(requires, list) and requires
    assert set(requires) <= set(TABLES)
    if path in TEMPLATES:
        assert meta["chapter"] == "NN"
    else:
        assert meta["chapter"] == path.name[:2]


@pytest.mark.parametrize("path", CHAPTERS + SOLUTIONS, ids=_id)
def test_metadata_requirements_match_the_curriculum(path):
    meta = _read(path).metadata["cxlab"]
    assert tuple(meta["requires"]) == curriculum.chapter(meta["chapter"]).requires


@pytest.mark.parametrize("path", ALL, ids=_id)
def test_cells_with_widgets_are_tagged_widget(path):
    for cell in _code_cells(_read(path)):
        uses_widgets = "ipywidgets" in cell.source or any(
            WIDGET_MIME in out.get("data", {}) for out in cell.outputs
        )
        if uses_widgets:
            assert "widget" in _tags(cell), f"untagged widget cell: {cell.source[:60]!r}"


@pytest.mark.parametrize("path", ALL, ids=_id)
def test_widget_cells_are_not_run_headless(path):
    # Executing widgets without a front end can stall the kernel (jupyter/nbclient#312), so
    # nbval skips them (nbval-skip), as do `make notebooks` and the runner (tag "widget").
    for cell in _code_cells(_read(path)):
        if "widget" in _tags(cell):
            assert "nbval-skip" in _tags(cell), cell.source[:60]


@pytest.mark.parametrize("path", ALL, ids=_id)
def test_notebook_loads_data_through_cxlab_only(path):
    for cell in _code_cells(_read(path)):
        assert not re.search(r"read_(csv|excel|parquet)\(", cell.source), cell.source[:80]
        assert "../datasets" not in cell.source


# --------------------------------------------------------------------------------------------
# chapters and the template: the lesson structure


def _parameters(cell) -> dict[str, tuple[str, object, str]]:
    """Name -> (annotation, default, comment) of a parameters cell; fails on anything else."""
    tree = ast.parse(cell.source)
    comments = {
        tok.start[0]: tok.string.lstrip("#").strip()
        for tok in tokenize.generate_tokens(io.StringIO(cell.source).readline)
        if tok.type == tokenize.COMMENT
    }
    found = {}
    for stmt in tree.body:
        assert isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name), (
            f"only annotated assignments belong in the parameters cell: {ast.unparse(stmt)!r}"
        )
        assert stmt.value is not None, f"{stmt.target.id} has no default"
        default = ast.literal_eval(stmt.value)  # a literal: nothing derived
        comment = comments.get(stmt.lineno, "")
        assert comment, f"parameter {stmt.target.id} needs a comment"
        found[stmt.target.id] = (ast.unparse(stmt.annotation), default, comment)
    return found


@pytest.mark.parametrize("path", TEACHING, ids=_id)
def test_first_code_cell_is_the_only_parameters_cell(path):
    code = _code_cells(_read(path))
    tagged = [c for c in code if "parameters" in _tags(c)]
    assert len(tagged) == 1
    assert code[0] is tagged[0]


@pytest.mark.parametrize("path", TEACHING, ids=_id)
def test_parameters_are_typed_commented_literals(path):
    cell = _code_cells(_read(path))[0]
    params = _parameters(cell)
    for name in REQUIRED_PARAMETERS:
        assert name in params, f"missing parameter {name}"
    assert params["seed"][0] == "int"
    assert params["data_dir"][0] == "str"
    assert params["client_name"][0] == "str"


@pytest.mark.parametrize("path", TEACHING, ids=_id)
def test_title_line_names_number_and_chapter(path):
    first = _read(path).cells[0]
    assert first.cell_type == "markdown"
    title = first.source.splitlines()[0]
    if path in CHAPTERS:
        chapter = curriculum.chapter(path.name[:2])
        assert title == f"# {chapter.number} · {chapter.title}"
    else:
        assert re.match(r"^# NN · \S", title), title
    assert len(first.source.splitlines()) >= 2, "the title is followed by one sentence"


@pytest.mark.parametrize("path", TEACHING, ids=_id)
def test_sections_follow_the_template_in_order(path):
    assert _headings(_read(path), 2) == SECTIONS


def _subheadings(nb, section: str) -> list[str]:
    cells = [c for c in _section_cells(nb, section) if c.cell_type == "markdown"]
    return [ln[4:].strip() for c in cells for ln in c.source.splitlines() if ln.startswith("### ")]


@pytest.mark.parametrize("path", TEACHING, ids=_id)
def test_contents_list_matches_the_headings(path):
    nb = _read(path)
    aims = "\n".join(c.source for c in _section_cells(nb, "Aims") if c.cell_type == "markdown")
    assert "Contents" in aims
    contents = aims.split("Contents", 1)[1]
    links = re.findall(r"^([ \t]*)(?:[-*]|\d+\.)[ \t]+\[([^\]]+)\]\(#([^)]+)\)", contents, re.M)
    top: list[str] = []
    nested: dict[str, list[str]] = {}
    for indent, text, anchor in links:
        assert anchor == text.replace(" ", "-"), f"the anchor of {text!r} should be the heading"
        if indent:
            nested.setdefault(top[-1], []).append(text)
        else:
            top.append(text)
    assert top == SECTIONS[1:]
    for section in SECTIONS[1:]:
        assert nested.get(section, []) == _subheadings(nb, section), section


@pytest.mark.parametrize("path", TEACHING, ids=_id)
def test_practical_analyses_are_numbered(path):
    practical = _subheadings(_read(path), "Practical")
    assert practical
    assert [int(h.split(".", 1)[0]) for h in practical] == list(range(1, len(practical) + 1))


@pytest.mark.parametrize("path", TEACHING, ids=_id)
def test_parameters_cell_is_followed_by_the_bundle_load(path):
    second = _code_cells(_read(path))[1]
    assert "bundle = " in second.source
    assert "load_bundle(data_dir)" in second.source
    assert "load_demo(demo)" in second.source


@pytest.mark.parametrize("path", CHAPTERS, ids=_id)
def test_chapters_have_three_or_more_unanswered_exercises(path):
    exercises = [c for c in _section_cells(_read(path), "Exercises") if c.cell_type == "code"]
    checks = [c for c in exercises if ".check(" in c.source]
    assert len(checks) >= 3
    for cell in checks:
        assert re.search(r"^answer = None\b", cell.source, re.M), cell.source[:80]
        assert _verdict(cell).startswith((CHECK_MARKS["unanswered"], CHECK_MARKS["skipped"]))


@pytest.mark.parametrize("path", TEMPLATES, ids=_id)
def test_template_shows_an_exercise_and_the_widget_convention(path):
    nb = _read(path)
    exercises = [c for c in _section_cells(nb, "Exercises") if c.cell_type == "code"]
    assert any(".check(" in c.source for c in exercises)
    assert any("widget" in _tags(c) for c in _code_cells(nb))


# --------------------------------------------------------------------------------------------
# solutions


@pytest.mark.parametrize("path", SOLUTIONS, ids=_id)
def test_solutions_belong_to_a_chapter(path):
    assert path.name.endswith("_solutions.ipynb")
    assert (NOTEBOOK_DIR / path.name.replace("_solutions", "")).is_file()


@pytest.mark.parametrize("path", SOLUTIONS, ids=_id)
def test_every_solution_passes_its_check(path):
    checks = _check_cells(_read(path))
    assert len(checks) >= 3
    for cell in checks:
        assert _verdict(cell).startswith(CHECK_MARKS["correct"]), _verdict(cell)[:200]


@pytest.mark.parametrize("path", SOLUTIONS, ids=_id)
def test_solutions_answer_every_exercise_of_the_chapter(path):
    chapter = path.name[:2]
    chapter_nb = _read(NOTEBOOK_DIR / path.name.replace("_solutions", ""))
    assert len(_check_cells(_read(path))) == len(_check_cells(chapter_nb))
    assert chapter == chapter_nb.metadata["cxlab"]["chapter"]


# --------------------------------------------------------------------------------------------
# papermill sees the parameters


def _papermill_parameters() -> dict[str, dict]:
    import papermill

    return papermill.inspect_notebook(str(NOTEBOOK_DIR / "00_welcome.ipynb"))


def test_papermill_lists_the_welcome_demo_and_seed_parameters_with_types():
    params = _papermill_parameters()
    assert params["demo"]["inferred_type_name"] == "str"
    assert params["seed"]["inferred_type_name"] == "int"
    assert params["demo"]["help"] and params["seed"]["help"]


def test_papermill_lists_all_four_welcome_parameters_with_types():
    types = {name: p["inferred_type_name"] for name, p in _papermill_parameters().items()}
    assert types == {"client_name": "str", "data_dir": "str", "demo": "str", "seed": "int"}


def test_papermill_injects_data_dir_right_after_the_parameters_cell():
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    nb = load_notebook_node(str(NOTEBOOK_DIR / "00_welcome.ipynb"))
    injected = parameterize_notebook(nb, {"data_dir": "client_export"}, report_mode=False)
    code = _code_cells(injected)
    assert "parameters" in _tags(code[0])
    assert "injected-parameters" in _tags(code[1])
    assert 'data_dir = "client_export"' in code[1].source
    assert "load_bundle(data_dir)" in code[2].source


# --- Thin notebooks (STYLE.md §1): the logic lives in the package, where unit tests see it. ---
#: Code lines a chapter or solutions cell may hold, blank and comment-only lines not counted.
#: A call with its arguments, a figure and a finding fit in twelve; more means a package function
#: is missing. Widget cells are exempt (they build controls around a package object).
MAX_CODE_LINES = 12
THIN = CHAPTERS + SOLUTIONS
HEADLINES_BEFORE = ROOT / "tests" / "data" / "headlines_before_house_rules.json"


def _code_lines(source: str) -> int:
    return sum(
        1 for line in source.splitlines() if line.strip() and not line.strip().startswith("#")
    )


@pytest.mark.parametrize("path", THIN, ids=_id)
def test_no_def_or_class_outside_widget_cells(path):
    offenders = []
    for i, cell in enumerate(_read(path).cells):
        if cell.cell_type != "code" or "widget" in _tags(cell):
            continue
        tree = ast.parse(
            "\n".join(ln for ln in cell.source.splitlines() if not ln.startswith(("%", "!")))
        )
        defs = [
            n.name
            for n in ast.walk(tree)
            if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
        ]
        if defs:
            offenders.append((i, defs))
    assert not offenders, f"def/class in cells (move them into the package): {offenders}"


@pytest.mark.parametrize("path", THIN, ids=_id)
def test_code_cells_stay_short(path):
    long_cells = [
        (i, _code_lines(cell.source))
        for i, cell in enumerate(_read(path).cells)
        if cell.cell_type == "code"
        and "widget" not in _tags(cell)
        and _code_lines(cell.source) > MAX_CODE_LINES
    ]
    assert not long_cells, f"cells over {MAX_CODE_LINES} code lines (cell, lines): {long_cells}"


@pytest.mark.parametrize("path", CHAPTERS, ids=_id)
def test_no_markdown_built_from_f_strings(path):
    # Client text reaches Markdown only through cxlab.findings, which escapes every value.
    pattern = re.compile(r"Markdown\(\s*(f[\"']|[\"'][^\"']*[\"']\s*\.format|\w+\s*\+)")
    offenders = [
        i
        for i, cell in enumerate(_read(path).cells)
        if cell.cell_type == "code" and pattern.search(cell.source)
    ]
    assert not offenders, f"cells build Markdown from f-strings; use cxlab.findings.md: {offenders}"


def test_headline_numbers_unchanged_by_moving_logic_into_the_package():
    # Values recorded from the executed chapters before their logic moved into the package; nbval
    # keeps the committed outputs equal to a fresh run, so comparing them compares the runs.
    from cxlab import headlines

    before = json.loads(HEADLINES_BEFORE.read_text(encoding="utf-8"))
    for name, expected in before.items():
        nb = _read(NOTEBOOK_DIR / f"{name}.ipynb")
        got = headlines.collect(o for c in _code_cells(nb) for o in c.get("outputs", []))
        assert got == expected, name
