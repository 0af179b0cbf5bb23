"""Every chapter cell is for the student, the client or both; the report keeps the client's.

The chapter notebooks must be classified completely and carry the tags the rules in
``cxlab.runner._audience`` give (re-tag with ``python -m cxlab.runner._audience
notebooks/[0-9]*.ipynb``). Small synthetic notebooks check the rules themselves.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from cxlab.runner import _audience
from cxlab.runner._audience import AudienceError, apply, audiences
from cxlab.runner._report import _report_cells, _title

NOTEBOOKS = sorted((Path(__file__).parents[1] / "notebooks").glob("[0-9][0-9]_*.ipynb"))
STUDENT, CLIENT = frozenset({"student"}), frozenset({"client"})
BOTH = STUDENT | CLIENT


def _nb(*cells, meta=None) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["cxlab"] = meta or {"chapter": "42"}
    for cell in cells:
        if isinstance(cell, str):
            nb.cells.append(nbformat.v4.new_markdown_cell(cell))
        else:
            nb.cells.append(cell)
    return nb


def _code(source: str, *tags: str, text: str = "") -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(source)
    if tags:
        cell.metadata["tags"] = list(tags)
    if text:
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=text)]
    return cell


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_chapter_cell_has_an_audience(path):
    nb = nbformat.read(path, as_version=4)
    found = audiences(nb, name=path.name)
    assert len(found) == len(nb.cells)
    assert all(a and a <= BOTH for a in found)
    assert any(CLIENT <= a for a in found[1:]), "the client sees something of every chapter"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_chapter_tags_follow_the_rules(path):
    nb = nbformat.read(path, as_version=4)
    assert not apply(nb), f"re-tag: python -m cxlab.runner._audience {path.name}"


def test_every_rule_still_finds_its_cells():
    texts = {
        p.stem[:2]: "\n".join(c.source for c in nbformat.read(p, as_version=4).cells)
        for p in NOTEBOOKS
    }
    for rule in _audience.RULES:
        pool = texts.values() if rule.chapter == "*" else [texts.get(rule.chapter, "")]
        wanted = rule.heading or rule.text
        assert any(wanted in t for t in pool), f"rule matches nothing: {rule}"


def test_welcome_chapter_gives_the_client_about_this_data_only():
    path = next(p for p in NOTEBOOKS if p.stem.startswith("00"))
    nb = nbformat.read(path, as_version=4)
    assert _title(nb, path.stem) == "About this data"
    client = "\n".join(c.source for c in _report_cells(nb, name=path.name))
    for teaching in ("Welcome to cxlab", "curriculum", "bundle.summary()", "running kernel"):
        assert teaching not in client
    assert "Who the customers are" in client


def test_sections_set_the_default_audience():
    nb = _nb(
        "# 42 · Demo",
        "## Aims\nLearn.",
        "## Theory\nWhy.",
        "## Practical",
        _code("x = 1", "parameters"),
        "### 1. Sales\nMonthly sales.",
        _code("plot()"),
        "## Discussion\nAbout the demo.",
        "## Exercises\nDo this.",
        "## Key takeaways\n- one",
        "## Further reading\n- a book",
    )
    found = audiences(nb)
    assert found == [BOTH, STUDENT, STUDENT, BOTH, STUDENT, BOTH, BOTH] + [STUDENT] * 4


def test_tags_override_the_section():
    only = _code("teach()", "student-only")
    discussion = nbformat.v4.new_markdown_cell("## Discussion\nFor the client too.")
    discussion.metadata["tags"] = ["student-and-client"]
    client = _code("deliverable()", "client-only")
    nb = _nb("# 42 · Demo", "## Practical", only, client, discussion)
    assert audiences(nb)[2:] == [STUDENT, CLIENT, BOTH]


def test_a_cell_outside_the_template_is_refused_with_its_place():
    nb = _nb("# 42 · Demo", "Stray text.", "## Practical")
    with pytest.raises(AudienceError, match=r"demo\.ipynb, cell 1: no '## ' section"):
        audiences(nb, name="demo.ipynb")
    nb = _nb("# 42 · Demo", "## Appendix\nMore.")
    with pytest.raises(AudienceError, match="'## Appendix' is not one of"):
        audiences(nb, name="demo.ipynb")


def test_contradicting_tags_are_refused():
    nb = _nb("# 42 · Demo", "## Practical", _code("x", "student-only", "client-only"))
    with pytest.raises(AudienceError, match="contradict"):
        audiences(nb)


def test_teaching_asides_in_the_practical_are_tagged_by_apply():
    nb = _nb(
        "# 42 · Demo",
        "## Practical",
        "### 1. Sales\nWe call `sales.monthly()` here.",
        _code("sales.monthly()", text="Sales rose 5%.\n"),
        "Drawn with the notebook's seed.",
        "Plain narrative for the owner.",
    )
    assert apply(nb) is True
    assert apply(nb) is False, "idempotent"
    tags = [c.metadata.get("tags", []) for c in nb.cells]
    assert tags == [[], [], ["student-only"], [], ["student-only"], []]


def test_report_keeps_the_heading_of_a_student_only_introduction():
    nb = _nb(
        "# 42 · Demo",
        "## Practical\nA note to the learner.",
        "### 1. By hand\nCompute `x` yourself.",
        _code("by_hand()", "student-only", text="hand table\n"),
        "### 2. Sales\nWe call `sales.monthly()` here.",
        _code("sales.monthly()", text="Sales rose 5%.\n"),
        "## Discussion\nNot for the client.",
    )
    apply(nb)
    kept = _report_cells(nb, name="demo")
    assert [c.cell_type for c in kept] == ["markdown", "code"]
    assert kept[0].source == "### 1. Sales", "renumbered, introduction left out"
    assert kept[1].outputs[0]["text"] == "Sales rose 5%.\n"
