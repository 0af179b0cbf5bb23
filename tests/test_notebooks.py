"""Conformance of every notebook to the house template (STYLE.md §2).

Checked for every ``.ipynb`` under ``notebooks/`` (chapters, ``solutions/``, ``templates/``):
kernel, execution state, the ``cxlab`` metadata key, widget tagging, size, and outputs free of
machine paths. Chapter notebooks and the template additionally need the parameters cell, the
template's headings in order with a synced contents list, and three or more exercises whose
checks run unanswered, a quiz, and no exercise answer visible in their stored outputs;
solutions notebooks must exist for each chapter and pass every check.
"""

from __future__ import annotations

import ast
import base64
import io
import json
import math
import numbers
import re
import tokenize
from functools import cache
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from cxlab import curriculum, teaching
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
def test_every_attached_image_is_a_theory_figure_the_package_redraws(path):
    """An image attachment lives in a markdown cell that names the diagram drawing it."""
    from cxlab import plots
    from cxlab.plots._theory import DIAGRAMS, theory_figure_png

    for cell in _read(path).cells:
        attachments = cell.get("attachments") or {}
        figure = cell.get("metadata", {}).get("cxlab", {}).get("figure")
        if not attachments and figure is None:
            continue
        where = f"cell {cell.get('id')!r}"
        assert cell.cell_type == "markdown", f"{where}: a figure cell is markdown"
        assert figure in DIAGRAMS and callable(getattr(plots, figure)), f"{where}: {figure!r}"
        assert set(attachments) == {f"{figure}.png"}, f"{where}: attachments {set(attachments)}"
        assert f"(attachment:{figure}.png)" in cell.source, f"{where} does not show its image"
        assert "student-only" in _tags(cell), f"{where}: theory figures are for the student"
        png = base64.b64decode(attachments[f"{figure}.png"]["image/png"])
        assert png.startswith(b"\x89PNG"), f"{where}: the attachment is not a PNG"
        assert theory_figure_png(figure).startswith(b"\x89PNG")  # draws without error


def test_attached_figures_redraw_from_the_metadata(tmp_path):
    """A figure cell with a stale image gets a fresh drawing; one without a name is refused."""
    from cxlab.plots._theory import redraw_theory_figures, theory_figure_png

    cell = nbformat.v4.new_markdown_cell("![grid](attachment:rfm_diagram.png)")
    cell.metadata["cxlab"] = {"figure": "rfm_diagram"}
    cell["attachments"] = {"rfm_diagram.png": {"image/png": "c3RhbGU="}}  # b"stale"
    path = tmp_path / "figures.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[cell]), path)
    assert redraw_theory_figures(path) == [cell.id]
    stored = _read(path).cells[0].attachments["rfm_diagram.png"]["image/png"]
    assert base64.b64decode(stored) == theory_figure_png("rfm_diagram")
    del cell.metadata["cxlab"]
    nbformat.write(nbformat.v4.new_notebook(cells=[cell]), path)
    with pytest.raises(ValueError, match=r"figures\.ipynb.*no figure name"):
        redraw_theory_figures(path)


def test_make_notebooks_redraws_the_theory_figures_before_executing():
    target = (ROOT / "Makefile").read_text().split("\nnotebooks:", 1)[1].split("\n\n", 1)[0]
    assert "cxlab.plots._theory" in target
    assert target.index("cxlab.plots._theory") < target.index("nbconvert")


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


@pytest.mark.parametrize("path", CHAPTERS, ids=_id)
def test_chapters_show_a_quiz_of_three_to_five_unanswered_questions(path):
    nb = _read(path)
    quiz = teaching.exercise_set(nb.metadata["cxlab"]["chapter"]).quiz
    assert quiz is not None, "register the chapter's Quiz with its ExerciseSet(quiz=...)"
    assert 3 <= len(quiz) <= 5
    cells = [c for c in _section_cells(nb, "Exercises") if c.cell_type == "code"]
    asked = [c for c in cells if "quiz.ask" in c.source]
    assert asked, "the Exercises section checks the quiz with .quiz.ask_all(...) or .ask(...)"
    for cell in asked:
        assert _verdict(cell).startswith(CHECK_MARKS["unanswered"]), _verdict(cell)[:120]


# --------------------------------------------------------------------------------------------
# no exercise answer visible in a chapter
#
# Each registered exercise's answer is computed on the demo client the chapter loads and searched
# for, in the forms a chapter would show it, in everything a learner reads before answering: the
# stored outputs, the markdown cells and the exercise's hint. Which answers are searchable:
#
# - whole numbers of 100 or more, written plainly or with thousands separators;
# - other numbers at the precision the check accepts (the fewest decimals whose rounding lands
#   within the tolerance) and one decimal more, when that rendering has at least three
#   significant digits (so "52.1" and "0.376" are searched, "3" and "18" are not);
# - text of four or more characters that is not a value of any column of the bundle: a computed
#   answer, not a label such as a touchpoint or a stage, which every table of that column shows;
# - the items of a list, set or mapping, by the rules above.
#
# Dates, months, labels and numbers with fewer digits cannot be told apart from the rest of a
# table by a text search; for those the exercise itself must ask about something the chapter
# does not print (another period, segment or client). Numbers drawn inside a figure are not
# searched either. For labels that is enforced below (test_label_answers_...).

MIN_SIGNIFICANT = 3
MIN_TEXT = 4

#: The words a rule-based exercise answers when nothing qualifies ("which touchpoint to fix":
#: "none"; "did the NPS change": "unclear"). A search for them would hit every sentence that
#: uses the word, so they are treated as labels: not searched, and asked of data the chapter
#: does not print.
RULE_WORDS = frozenset({"none", "unclear"})


def _significant_digits(rendered: str) -> int:
    digits = rendered.replace(",", "").replace(".", "").lstrip("-").lstrip("0")
    return len(digits)


def _number_forms(value: float, *, tolerance: float, relative: bool) -> set[str]:
    if isinstance(value, numbers.Integral) or (tolerance == 0 and float(value).is_integer()):
        whole = abs(int(value))
        return {f"{whole}", f"{whole:,}"} if whole >= 100 else set()
    value = abs(float(value))
    if not math.isfinite(value):
        return set()
    allowed = tolerance * value if relative else tolerance
    decimals = 2
    if allowed > 0:
        decimals = next(d for d in range(0, 12) if 0.5 * 10**-d <= allowed + 1e-12)
    forms = set()
    for d in (decimals, decimals + 1):
        for rendered in (f"{value:.{d}f}", f"{value:,.{d}f}"):
            if _significant_digits(rendered) >= MIN_SIGNIFICANT:
                forms.add(rendered)
    return forms


def answer_forms(value, *, tolerance: float = 0.0, relative: bool = False, labels=frozenset()):
    """The searchable renderings of an exercise answer (see the rules above)."""
    if isinstance(value, bool) or value is None:
        return set()
    if isinstance(value, numbers.Real):
        return _number_forms(value, tolerance=tolerance, relative=relative)
    if isinstance(value, str):
        text = " ".join(value.split())
        keep = len(text) >= MIN_TEXT and text.casefold() not in labels
        return {text} if keep else set()
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list | tuple | set | frozenset):
        found = set()
        for item in value:
            found |= answer_forms(item, tolerance=tolerance, relative=relative, labels=labels)
        return found
    return set()  # dates, months, tables: see the rules above


def find_forms(forms: set[str], text: str) -> list[str]:
    """The forms that occur in ``text`` as whole numbers or whole words."""
    found = []
    for form in sorted(forms):
        if re.fullmatch(r"[\d.,]+", form):
            pattern = rf"(?<![\d.,]){re.escape(form)}(?![\d]|[.,]\d)"
            flags = 0
        else:
            pattern = rf"(?<!\w){re.escape(form)}(?!\w)"
            flags = re.IGNORECASE
        if re.search(pattern, text, flags):
            found.append(form)
    return found


@cache
def _demo_bundle(name: str):
    from cxlab import datasets

    return datasets.load_demo(name)


@cache
def _labels(name: str) -> frozenset[str]:
    bundle = _demo_bundle(name)
    labels: set[str] = set()
    for table in bundle.tables:
        frame = getattr(bundle, table)
        for column in frame.columns:
            values = frame[column]
            if not (pd.api.types.is_string_dtype(values) or values.dtype == object):
                continue
            distinct = values.dropna().astype(str).unique()
            if len(distinct) <= 5_000:
                labels.update(" ".join(v.split()).casefold() for v in distinct)
    return frozenset(labels)


def _visible_text(nb) -> str:
    parts = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            parts.append(cell.source)
        elif cell.cell_type == "code":
            for out in cell.get("outputs", []):
                if out.get("output_type") == "stream":
                    parts.append(out.get("text", ""))
                for mime, value in out.get("data", {}).items():
                    if mime.startswith("text/"):
                        parts.append(value if isinstance(value, str) else "".join(value))
    return "\n".join(parts)


def _chapter_demo(nb) -> str:
    params = _parameters(_code_cells(nb)[0])
    return params["demo"][1] if "demo" in params else "clothing_retailer"


@pytest.mark.parametrize("path", CHAPTERS, ids=_id)
def test_no_exercise_answer_is_visible_in_the_chapter(path):
    nb = _read(path)
    exercises = teaching.exercise_set(nb.metadata["cxlab"]["chapter"])
    demo = _chapter_demo(nb)
    bundle = _demo_bundle(demo)
    text = _visible_text(nb)
    leaks = []
    for exercise in exercises:
        try:
            answer = exercises.solution(exercise.number, bundle)
        except teaching.Unavailable:
            continue
        forms = answer_forms(
            answer,
            tolerance=exercise.tolerance,
            relative=exercise.relative,
            labels=_labels(demo) | RULE_WORDS,
        )
        shown = find_forms(forms, text + "\n" + exercise.hint)
        if shown:
            leaks.append((exercise.number, shown))
    assert not leaks, f"answers visible before the learner works them out (exercise, as): {leaks}"


# --------------------------------------------------------------------------------------------
# label answers are asked of data the chapter does not print
#
# A label (a touchpoint, a stage, a category, a path, a pair) cannot be searched for, so an
# exercise whose answer holds one must ask it of data the chapter does not show: its solve is
# ``teaching.within(scope, question)`` (``on_demo`` is one), and
#
# - no stored output names the scope ("2025Q2", "Q2 2025", "Wales"; another client has no
#   name to search, its outputs are not in the chapter), and
# - the same question on the chapter's own data gives another answer, so the label the chapter
#   shows (its pain point, its top pair) is not the answer either.


@cache
def _all_labels() -> frozenset[str]:
    from cxlab import datasets

    return frozenset().union(*(_labels(name) for name in datasets.DEMOS)) | RULE_WORDS


def label_items(value, labels) -> list[str]:
    """The items of an answer that are labels (text in ``labels``, case and spaces ignored)."""
    if isinstance(value, str):
        text = " ".join(value.split()).casefold()
        return [text] if text in labels else []
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list | tuple | set | frozenset):
        return [found for item in value for found in label_items(item, labels)]
    return []


def _output_text(nb) -> str:
    """The stored outputs of the chapter before its Exercises, which name what they ask."""
    exercises = {id(c) for c in _section_cells(nb, "Exercises")}
    cells = [c for c in nb.cells if c.cell_type == "code" and id(c) not in exercises]
    return _visible_text(nbformat.v4.new_notebook(cells=cells))


def label_leak(exercise, bundle, outputs: str) -> str | None:
    """Why the label answer of ``exercise`` can be read or guessed from the chapter, or None."""
    solve = exercise.solve
    if not isinstance(solve, teaching.Scoped):
        return "asked of the chapter's own data"
    shown = find_forms(set(solve.scope.names(bundle)), outputs)
    if shown:
        return f"the chapter prints its scope ({', '.join(shown)})"
    try:
        plain = solve.question(bundle)
    except teaching.Unavailable:
        return None
    if exercise.check(plain, bundle).ok:
        return "the chapter's own data give the same answer"
    return None


@pytest.mark.parametrize("path", CHAPTERS, ids=_id)
def test_label_answers_are_asked_of_data_the_chapter_does_not_print(path):
    nb = _read(path)
    chapter = nb.metadata["cxlab"]["chapter"]
    exercises = teaching.exercise_set(chapter)
    bundle = _demo_bundle(_chapter_demo(nb))
    outputs = _output_text(nb)
    leaks = {}
    for exercise in exercises:
        try:
            answer = exercises.solution(exercise.number, bundle)
        except teaching.Unavailable:
            continue
        if label_items(answer, _all_labels()):
            why = label_leak(exercise, bundle, outputs)
            if why:
                leaks[(chapter, exercise.number)] = why
    assert not leaks, f"label answers the chapter gives away (chapter, exercise): {leaks}"


def test_label_items_find_labels_in_answers_of_every_shape():
    labels = frozenset({"checkout", "returns desk", "none"})
    assert label_items("Checkout", labels) == ["checkout"]
    assert label_items(["awareness", " Returns  Desk"], labels) == ["returns desk"]
    assert label_items({"a": "none", "b": 3}, labels) == ["none"]
    assert label_items(42.0, labels) == []
    assert label_items("yes", labels) == []


def _exercise_on(solve, number=1):
    return teaching.Exercise(number, "x", solve)


def test_the_label_rule_fails_on_a_label_asked_of_the_chapter_data():
    exercise = _exercise_on(lambda b: "checkout")
    assert label_leak(exercise, None, "") == "asked of the chapter's own data"


def test_the_label_rule_fails_when_the_chapter_prints_the_scope():
    scope = teaching.Scope(lambda b: b, lambda b: ("Q2 2025", "2025Q2"))
    exercise = _exercise_on(teaching.within(scope, lambda b: "returns"))
    assert label_leak(exercise, None, "CSAT 2025Q2 vs 2025Q1") == (
        "the chapter prints its scope (2025Q2)"
    )


def test_the_label_rule_fails_when_the_chapter_data_give_the_same_label():
    scope = teaching.Scope(lambda b: {"part": True}, lambda b: ("Wales",))
    same = teaching.within(scope, lambda b: "checkout")
    assert label_leak(_exercise_on(same), {"part": False}, "London") == (
        "the chapter's own data give the same answer"
    )
    other = teaching.within(scope, lambda b: "returns" if b["part"] else "checkout")
    assert label_leak(_exercise_on(other), {"part": False}, "London") is None


# --------------------------------------------------------------------------------------------
# every mistake can be diagnosed on the data the exercise is checked on


def silent_mistakes(exercises, bundle) -> dict[tuple[int, str], str]:
    """Mistakes of ``exercises`` that cannot be diagnosed on ``bundle``, with the reason."""
    silent = {}
    for exercise in exercises:
        for mistake in exercise.mistakes:
            key = (exercise.number, mistake.name)
            try:
                wrong = mistake.solve(bundle)
            except teaching.Unavailable as err:
                silent[key] = f"cannot be made: {err}"
                continue
            result = exercise.check(wrong, bundle)
            if result.ok:
                silent[key] = "gives the right answer"
            elif result.mistake != mistake.name:
                silent[key] = f"is taken for {result.mistake or 'no mistake'!r}"
    return silent


@pytest.mark.parametrize("path", CHAPTERS, ids=_id)
def test_every_mistake_differs_from_the_solution_on_the_chapter_demo(path):
    nb = _read(path)
    chapter = nb.metadata["cxlab"]["chapter"]
    silent = silent_mistakes(teaching.exercise_set(chapter), _demo_bundle(_chapter_demo(nb)))
    assert not silent, f"mistakes not diagnosable on the demo: {silent}"


def test_a_mistake_equal_to_the_solution_is_reported():
    same = teaching.Mistake("rounded first", lambda b: 10)
    other = teaching.Mistake("rounded last", lambda b: 11)
    exercise = teaching.Exercise(1, "x", lambda b: 10, mistakes=(same, other))
    assert silent_mistakes([exercise], None) == {(1, "rounded first"): "gives the right answer"}


def test_a_mistake_shadowed_by_an_earlier_one_is_reported():
    first = teaching.Mistake("rounded first", lambda b: 11)
    twin = teaching.Mistake("rounded twice", lambda b: 11)
    exercise = teaching.Exercise(1, "x", lambda b: 10, mistakes=(first, twin))
    assert silent_mistakes([exercise], None) == {
        (1, "rounded twice"): "is taken for 'rounded first'"
    }


def test_answer_forms_search_numbers_at_the_checked_precision():
    assert answer_forms(52.08, tolerance=0.5) == {"52.1"}  # "52" has two digits only
    assert answer_forms(18.47, tolerance=0.05) == {"18.5", "18.47"}
    assert answer_forms(1234, tolerance=0) == {"1234", "1,234"}
    assert answer_forms(385, tolerance=0.03, relative=True) == {"385"}
    assert answer_forms(385.2, tolerance=0.03, relative=True) == {"385", "385.2"}


def test_answer_forms_leave_out_short_numbers_and_labels():
    assert answer_forms(3) == set()
    assert answer_forms(42) == set()
    assert answer_forms(7.5, tolerance=0.5) == set()  # "8", "7.5": under three digits
    assert answer_forms("checkout", labels=frozenset({"checkout"})) == set()
    assert answer_forms("abc") == set()
    labels = frozenset({"delivery"})
    assert answer_forms(["delivery", 125.0], tolerance=0.5, labels=labels) == {"125", "125.0"}
    assert answer_forms(True) == set()


def test_find_forms_matches_whole_numbers_only():
    assert find_forms({"52.1"}, "the top fifth holds 52.1 % of revenue") == ["52.1"]
    assert find_forms({"52.1"}, "the top fifth holds 152.1 or 52.13") == []
    assert find_forms({"1,234"}, "n = 1,234.") == ["1,234"]
    assert find_forms({"1234"}, "id 12345") == []
    assert find_forms({"returns desk"}, "Fix the Returns Desk first") == ["returns desk"]


def test_the_rule_fails_on_a_planted_leak():
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("Answer in percent, e.g. 52.1."),
        nbformat.v4.new_code_cell("x", outputs=[]),
    ]
    assert find_forms(answer_forms(52.08, tolerance=0.5), _visible_text(nb)) == ["52.1"]


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


def _same(got, expected) -> bool:
    """Equal, floats within a relative 1e-9 (a summation order may move the last digits)."""
    if isinstance(expected, dict):
        return (
            isinstance(got, dict)
            and got.keys() == expected.keys()
            and all(_same(got[k], v) for k, v in expected.items())
        )
    if isinstance(expected, list):
        return (
            isinstance(got, list)
            and len(got) == len(expected)
            and all(_same(g, e) for g, e in zip(got, expected, strict=True))
        )
    if isinstance(expected, float) and isinstance(got, float):
        return math.isclose(got, expected, rel_tol=1e-9, abs_tol=1e-12)
    return got == expected


def test_same_compares_floats_to_their_last_digits_only():
    assert _same({"a": [1.0, "x"]}, {"a": [1.0 + 1e-13, "x"]})
    assert not _same({"a": [1.0, "x"]}, {"a": [1.001, "x"]})
    assert not _same({"a": 1.0}, {"a": 1.0, "b": 2})


def test_headline_numbers_unchanged_by_moving_logic_into_the_package():
    # Values recorded from the executed chapters before their logic moved into the package; nbval
    # keeps the committed outputs equal to a fresh run, so comparing them compares the runs.
    from cxlab import headlines

    before = json.loads(HEADLINES_BEFORE.read_text(encoding="utf-8"))
    for name, expected in before.items():
        nb = _read(NOTEBOOK_DIR / f"{name}.ipynb")
        got = headlines.collect(o for c in _code_cells(nb) for o in c.get("outputs", []))
        assert _same(got, expected), name
