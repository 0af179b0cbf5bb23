r"""Who each notebook cell is for: the student, the client, or both.

One notebook serves two readers. The student works through all of it; the client report keeps
only what a client should read. Every cell's audience follows from two things:

1. **Its section** (the last ``##`` heading above it). *Aims*, *Theory*, *Discussion*,
   *Exercises*, *Key takeaways* and *Further reading* are for the student (the discussion is
   written about the method and the demo data, not about the client at hand). *Practical* is
   for both. The chapter's title cell is for both (the report writes its own heading).
2. **Its tags**, which override the section: ``student-only`` (teaching asides, hand
   calculations, course navigation, text about the code), ``client-only`` (shown in the report,
   hidden from nobody but meant for the client) and ``student-and-client`` (a cell of a
   student section that the client report keeps too). Cells tagged ``widget`` or
   ``parameters`` are for the student: a static page cannot show a live control.

A ``student-only`` cell that opens a ``###`` heading still gives the report its heading when
client cells follow under it, so an analysis keeps its title while its teaching introduction is
left out.

The tags are written by :func:`apply`, from the rules below, so that they can be re-applied
after the notebooks change (``python -m cxlab.runner._audience notebooks/*.ipynb``; with
``--check`` it only reports notebooks whose tags are out of date). The rules are of three kinds:
generic ones for every chapter (a Practical Markdown cell that shows code, LaTeX or talks about
the notebook itself is a teaching aside), whole subsections by heading, and single cells by a
piece of their text. :func:`audiences` classifies every cell and refuses a notebook with a cell
it cannot place.

Examples
--------
>>> import nbformat
>>> nb = nbformat.v4.new_notebook()
>>> nb.cells = [
...     nbformat.v4.new_markdown_cell(s)
...     for s in ("# 09 · Demo", "## Theory\nWhy.", "## Practical", "### 1. Sales\nCall `f()`.")
... ]
>>> _ = apply(nb)
>>> [sorted(a) for a in audiences(nb)]
[['client', 'student'], ['student'], ['client', 'student'], ['student']]
>>> report_heading(nb.cells[3])
'### 1. Sales'
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import nbformat

__all__ = ["AudienceError", "Rule", "apply", "audiences", "report_heading"]

STUDENT, CLIENT = "student", "client"
BOTH = frozenset({STUDENT, CLIENT})
#: Tags that set a cell's audience; :func:`apply` owns them.
STUDENT_ONLY, CLIENT_ONLY, STUDENT_AND_CLIENT = "student-only", "client-only", "student-and-client"
AUDIENCE_TAGS = (STUDENT_ONLY, CLIENT_ONLY, STUDENT_AND_CLIENT)
#: Tags of cells that only a running notebook can use, and the runner's own note cell.
LIVE_TAGS = frozenset({"widget", "parameters", "injected-parameters", "cxlab-run-note"})

#: The ``##`` sections of the chapter template and who reads them by default.
SECTIONS: dict[str, frozenset[str]] = {
    "Aims": frozenset({STUDENT}),
    "Theory": frozenset({STUDENT}),
    "Practical": BOTH,
    "Discussion": frozenset({STUDENT}),
    "Exercises": frozenset({STUDENT}),
    "Key takeaways": frozenset({STUDENT}),
    "Further reading": frozenset({STUDENT}),
}


class AudienceError(ValueError):
    """A notebook cell whose audience cannot be decided."""


@dataclass(frozen=True)
class Rule:
    """Tag cells of one chapter (``chapter="*"``: every chapter).

    Parameters
    ----------
    chapter : str
        Chapter number (``"00"``), or ``"*"``.
    tag : str
        One of :data:`AUDIENCE_TAGS`.
    heading : str, optional
        The start of a ``###`` heading: the rule covers that heading's cell and every cell up
        to the next heading.
    text : str, optional
        A piece of text: the rule covers the cells whose source holds it.
    """

    chapter: str
    tag: str
    heading: str | None = None
    text: str | None = None


def _subsection(chapter: str, heading: str) -> Rule:
    return Rule(chapter, STUDENT_ONLY, heading=heading)


def _cell(chapter: str, text: str) -> Rule:
    return Rule(chapter, STUDENT_ONLY, text=text)


RULES: tuple[Rule, ...] = (
    # every chapter: the set-up cell greets the learner with what was loaded
    _cell("*", "cxlab.load_bundle("),
    _cell("*", '"Working with'),
    # 00: the client reads a short "About this data", not the course welcome
    _cell("00", "A bundle that loads has no errors"),
    _cell("00", "if problems:"),
    _cell("00", "Five transactions picked at random"),
    _cell("00", ".sample(5"),
    _subsection("00", "### 6. Each table against the contract"),
    _subsection("00", "### 7. The curriculum map"),
    # 01: the hand calculation and the classroom experiment with small samples
    _subsection("01", "### 1. The three scores by hand"),
    _subsection("01", "### 3. What a small survey can tell"),
    # 02: the greeting of the set-up cell; the benchmark file's round trip prints console lines
    _cell("02", "survey.summary()"),
    _cell("02", "import tempfile"),
    _cell("02", "Choose how to split the answers"),  # the selector's introduction
    _subsection("02", "### 10. Headline numbers"),
    # 03: the notebook's shared settings; one customer's raw event log is an illustration
    _cell("03", "A few settings every section shares"),
    _cell("03", "Behind every persona are individual journeys"),
    _cell("03", "pick = events"),
    _subsection("03", "### 10. Headline numbers"),
    # 04: the hand-computed RFM table and its check, the per-customer tables, the answer key
    _cell("04", "before trusting a package"),
    _cell("04", "purchases = tx["),
    _cell("04", "table = segmentation.rfm(tx)"),
    _cell("04", "rfm_finding("),
    _cell("04", "sample = labels.groupby"),
    _subsection("04", "### 7. Checking against the planted truth"),
    _cell("04", "Choose a micro-segment"),  # the selector's introduction
)

#: Chapters whose part of the client report has a title of its own (notebook metadata
#: ``cxlab.report_title``, written by :func:`apply`).
REPORT_TITLES: dict[str, str] = {"00": "About this data"}

#: Practical Markdown that is about the notebook rather than the client's data: inline code,
#: LaTeX, the notebook's own controls and parameters, the course's other sections.
_TEACHING = re.compile(
    r"`|\$[^$\s][^$]*\$|running kernel|\bselector\b|\bsliders?\b|\bseed\b|\bparameters?\b"
    r"|\bthe Theory\b|theory section|\*Headline numbers:\*|metrics\.json",
    re.I,
)


def _sections(nb: nbformat.NotebookNode) -> list[tuple[str | None, str | None]]:
    """Return, for each cell, its ``##`` section and its ``###`` subsection heading line."""
    out, section, sub = [], None, None
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("## "):
                    section, sub = line[3:].strip(), None
                elif line.startswith("### "):
                    sub = line.strip()
        out.append((section, sub))
    return out


def _chapter(nb: nbformat.NotebookNode) -> str:
    meta = nb.metadata.get("cxlab", {})
    if meta.get("chapter"):
        return str(meta["chapter"])
    for cell in nb.cells[:1]:
        m = re.match(r"#\s+(\d+)", cell.source)
        if m:
            return m.group(1)
    return ""


def _title_index(nb: nbformat.NotebookNode) -> int | None:
    """Return the index of the chapter's title cell (the first cell, the runner's note aside)."""
    for i, cell in enumerate(nb.cells):
        if set(cell.metadata.get("tags", [])) & LIVE_TAGS:
            continue
        if cell.cell_type == "markdown" and cell.source.lstrip().startswith("# "):
            return i
        return None
    return None


def _wanted(nb: nbformat.NotebookNode, rules: Sequence[Rule]) -> list[str | None]:
    chapter = _chapter(nb)
    mine = [r for r in rules if r.chapter in ("*", chapter)]
    wanted: list[str | None] = [None] * len(nb.cells)
    for i, ((section, sub), cell) in enumerate(zip(_sections(nb), nb.cells, strict=True)):
        tags = set(cell.metadata.get("tags", []))
        if section != "Practical" or tags & LIVE_TAGS:
            continue
        if cell.cell_type == "markdown" and cell.source.lstrip().startswith("## "):
            continue  # the section's own heading and note: the report never shows them
        for rule in mine:
            hit = rule.heading is not None and sub is not None and sub.startswith(rule.heading)
            hit |= rule.text is not None and rule.text in cell.source
            if hit:
                wanted[i] = rule.tag
        if wanted[i] is None and cell.cell_type == "markdown" and _TEACHING.search(cell.source):
            wanted[i] = STUDENT_ONLY
    return wanted


def apply(nb: nbformat.NotebookNode, rules: Sequence[Rule] = RULES) -> bool:
    """Write the audience tags the rules give; return whether anything changed.

    Idempotent, and it only adds: a tag set by hand (``student-only`` on a cell no rule
    covers, ``client-only``, ``student-and-client``) is a decision the rules leave alone, and
    a cell already tagged ``client-only`` or ``student-and-client`` gets no ``student-only``.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The notebook, changed in place.
    rules : sequence of Rule
        The rules; :data:`RULES` by default.

    Returns
    -------
    bool
    """
    changed = False
    title = REPORT_TITLES.get(_chapter(nb))
    meta = nb.metadata.get("cxlab", {})
    if title and meta.get("report_title") != title:
        nb.metadata["cxlab"] = {**meta, "report_title": title}
        changed = True
    for cell, tag in zip(nb.cells, _wanted(nb, rules), strict=True):
        tags = list(cell.metadata.get("tags", []))
        if tag is None or set(AUDIENCE_TAGS) & set(tags):
            continue
        cell.metadata["tags"] = [*tags, tag]
        changed = True
    return changed


def audiences(nb: nbformat.NotebookNode, *, name: str = "notebook") -> list[frozenset[str]]:
    """Return each cell's readers: a set of ``"student"`` and ``"client"``.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The notebook.
    name : str
        How error messages name the notebook.

    Returns
    -------
    list of frozenset

    Raises
    ------
    AudienceError
        If a cell lies outside the template's sections, under a section the template does not
        know, or carries two audience tags.
    """
    out = []
    title = _title_index(nb)
    for i, ((section, _), cell) in enumerate(zip(_sections(nb), nb.cells, strict=True)):
        tags = set(cell.metadata.get("tags", []))
        given = tags & set(AUDIENCE_TAGS)
        if len(given) > 1:
            raise AudienceError(f"{name}, cell {i}: tags {sorted(given)} contradict each other")
        if i == title:
            out.append(BOTH)
            continue
        if tags & LIVE_TAGS:
            out.append(frozenset({STUDENT}))
            continue
        if section is None:
            raise AudienceError(
                f"{name}, cell {i}: no '## ' section above it; put it under one of "
                f"{', '.join(SECTIONS)}"
            )
        if section not in SECTIONS:
            raise AudienceError(
                f"{name}, cell {i}: section '## {section}' is not one of {', '.join(SECTIONS)}"
            )
        if STUDENT_ONLY in given:
            out.append(frozenset({STUDENT}))
        elif CLIENT_ONLY in given:
            out.append(frozenset({CLIENT}))
        elif STUDENT_AND_CLIENT in given:
            out.append(BOTH)
        else:
            out.append(SECTIONS[section])
    return out


def report_heading(cell: nbformat.NotebookNode) -> str:
    """Return the ``###`` heading lines a student-only Markdown cell still gives the report."""
    if cell.cell_type != "markdown":
        return ""
    return "\n".join(ln for ln in cell.source.splitlines() if ln.startswith("### "))


def main(argv: Iterable[str] | None = None) -> int:
    """Tag notebooks in place (``--check``: only list those whose tags are out of date)."""
    args = list(sys.argv[1:] if argv is None else argv)
    check = "--check" in args
    paths = [Path(a) for a in args if a != "--check"]
    stale = []
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        try:
            audiences(nb, name=path.name)
        except AudienceError as err:
            print(f"cannot tag: {err}", file=sys.stderr)
            return 2
        if apply(nb):
            stale.append(path)
            if not check:
                nbformat.write(nb, path)
    verb = "out of date" if check else "tagged"
    for path in stale:
        print(f"{verb}: {path}")
    return 1 if check and stale else 0


if __name__ == "__main__":
    raise SystemExit(main())
