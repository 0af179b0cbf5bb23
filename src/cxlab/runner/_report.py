"""One client-ready HTML document from a run's executed notebooks.

What a client reads is the analysis, not the course: from each chapter the report keeps the
title, the ``Practical`` analyses (their narrative and outputs), the ``Discussion`` and the ``Key
takeaways``; it leaves out the learning aims, the theory, the exercises and the reading list,
every code cell's input, the parameters cells, and cells tagged ``widget`` (a static page cannot
show a live control). A chapter that failed or was skipped appears as a short notice with the
reason, so the document says plainly what it does not cover.

nbconvert's ``basic`` template renders each chapter's cells (figures stay embedded as data URIs);
the page around them — header, contents, run summary, style — is written here so the file is
self-contained: it loads nothing from the network when opened, and needs no script to be read
(the ``basic`` template brings in neither MathJax nor require.js, and nothing else here does).

Client text must never become live markup in a document sent to the client. Three layers see
to it: the chapters show client text through :mod:`cxlab.findings`, which escapes it; every
code cell output kept here passes :func:`cxlab.runner._safe_html.safe_outputs` (Markdown
outputs rendered with raw HTML escaped, HTML outputs through an allowlist sanitiser, script
and widget outputs dropped — its docstring says why each); and the page carries a strict
Content-Security-Policy (no script at all, nothing from the network; inline styles and
``data:`` images allowed). The cover's own fields (client name, data folder) are escaped here.
"""

from __future__ import annotations

import copy
import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import nbformat

from cxlab.runner._safe_html import CONTENT_SECURITY_POLICY, safe_outputs

__all__ = ["ChapterPart", "render_report"]

#: ``##`` sections of a chapter that go into the client report, in the template's order.
REPORT_SECTIONS = ("Practical", "Discussion", "Key takeaways")
#: Cell tags never shown in the report.
DROP_TAGS = frozenset({"widget", "parameters", "injected-parameters", "cxlab-run-note"})


def _style() -> str:
    return resources.files("cxlab.runner").joinpath("report.css").read_text(encoding="utf-8")


@dataclass(frozen=True)
class ChapterPart:
    """One chapter's place in the report.

    Parameters
    ----------
    number, name : str
        Chapter number and notebook name (``"00"``, ``"00_welcome"``).
    status : {"ok", "failed", "skipped"}
        How its run ended.
    reason : str
        Why it failed or was skipped.
    executed : pathlib.Path or None
        The executed notebook (None when skipped).
    """

    number: str
    name: str
    status: str
    reason: str
    executed: Path | None


def _section_of(cell: nbformat.NotebookNode) -> str | None:
    """Return the last ``##`` heading a markdown cell opens, if any."""
    if cell.cell_type != "markdown":
        return None
    heads = [ln[3:].strip() for ln in cell.source.splitlines() if ln.startswith("## ")]
    return heads[-1] if heads else None


def _title(nb: nbformat.NotebookNode, fallback: str) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            first = cell.source.strip().splitlines()[0] if cell.source.strip() else ""
            if first.startswith("# "):
                return first[2:].strip()
            break
    return fallback


def _report_cells(nb: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    """Keep the cells of one executed chapter that belong in the client report."""
    kept = []
    section = None
    for i, cell in enumerate(nb.cells):
        if i == 0 and cell.cell_type == "markdown" and cell.source.lstrip().startswith("# "):
            continue  # the title: the report writes its own chapter heading
        opened = _section_of(cell)
        if opened is not None:
            section = opened
            if section == "Practical":
                continue  # the section heading and its note to the learner
        if section not in REPORT_SECTIONS:
            continue
        if DROP_TAGS & set(cell.get("metadata", {}).get("tags", [])):
            continue
        cell = copy.deepcopy(cell)
        if cell.cell_type == "markdown":
            cell.source = re.sub(r"(?m)^## ", "### ", cell.source)
        elif cell.cell_type == "code":
            cell.outputs = safe_outputs(cell.get("outputs", []))
        kept.append(cell)
    return kept


def _render_cells(nb: nbformat.NotebookNode, cells: list, prefix: str) -> str:
    from nbconvert import HTMLExporter

    part = copy.copy(nb)
    part.cells = cells
    part.metadata = {k: v for k, v in nb.metadata.items() if k in ("kernelspec", "language_info")}
    exporter = HTMLExporter(
        template_name="basic",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    body, _ = exporter.from_notebook_node(part)
    # Heading ids repeat from chapter to chapter ("Discussion"): make them unique per chapter.
    body = re.sub(r'id="([^"]+)"', lambda m: f'id="{prefix}-{m.group(1)}"', body)
    body = re.sub(r'href="#([^"]+)"', lambda m: f'href="#{prefix}-{m.group(1)}"', body)
    return body


_H3 = re.compile(r'<h3 id="([^"]+)"[^>]*>(.*?)</h3>', re.S)


def _headings(body: str) -> list[tuple[str, str]]:
    out = []
    for anchor, inner in _H3.findall(body):
        text = re.sub(r"<[^>]+>", "", inner).replace("¶", "").strip()
        out.append((anchor, html.unescape(text)))
    return out


def render_report(
    parts: Sequence[ChapterPart],
    *,
    client: str,
    period: tuple[str, str] | None,
    generated: str,
    version: str,
    data_label: str,
) -> str:
    """Assemble the report page.

    Parameters
    ----------
    parts : sequence of ChapterPart
        The chapters in order.
    client : str
        The client's display name.
    period : (str, str) or None
        First and last date in the data (ISO dates).
    generated : str
        Generation time (ISO, UTC).
    version : str
        cxlab version.
    data_label : str
        How the data is named in the report (the bundle folder's name).

    Returns
    -------
    str
        A complete, self-contained HTML document.
    """
    esc = html.escape
    sections, toc, summary = [], [], []
    for part in parts:
        anchor = f"c{part.number}"
        nb = nbformat.read(part.executed, as_version=4) if part.executed else None
        title = _title(nb, part.name) if nb is not None else part.name
        status = f'<span class="status-{part.status}">{esc(part.status)}</span>'
        summary.append(
            f'<tr><td><a href="#{anchor}">{esc(title)}</a></td><td>{status}</td>'
            f"<td>{esc(part.reason)}</td></tr>"
        )
        body, subs = "", []
        if part.status == "ok" and nb is not None:
            body = _render_cells(nb, _report_cells(nb), anchor)
            subs = _headings(body)
        elif part.status == "failed":
            body = (
                f'<div class="notice"><strong>This chapter could not be completed.</strong> '
                f"{esc(part.reason)}. The executed notebook with the error is "
                f"<code>{esc(part.name)}.ipynb</code> next to this report.</div>"
            )
        else:
            body = (
                f'<div class="notice skipped"><strong>Not covered:</strong> '
                f"{esc(part.reason)}.</div>"
            )
        sections.append(
            f'<section id="{anchor}"><h2 class="chapter">{esc(title)}</h2>{body}</section>'
        )
        items = "".join(f'<li><a href="#{a}">{esc(t)}</a></li>' for a, t in subs)
        toc.append(
            f'<li><a href="#{anchor}">{esc(title)}</a>{f"<ol>{items}</ol>" if items else ""}</li>'
        )
    span = f"{period[0]} to {period[1]}" if period else "no dated records"
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="cxlab {esc(version)}">
<title>{esc(client)} · Customer-experience report</title>
<style>{_style()}</style>
</head>
<body>
<main>
<header class="cover">
<h1>{esc(client)}</h1>
<p class="subtitle">Customer-experience report</p>
<dl class="facts">
<dt>Data</dt><dd>{esc(data_label)}</dd>
<dt>Period</dt><dd>{esc(span)}</dd>
<dt>Generated</dt><dd>{esc(generated)}</dd>
<dt>cxlab</dt><dd>{esc(version)}</dd>
</dl>
</header>
<nav class="toc" aria-label="Contents">
<h2>Contents</h2>
<ol>{"".join(toc)}</ol>
</nav>
<section class="run-summary">
<h2>What this report covers</h2>
<table class="summary"><thead><tr><th>Chapter</th><th>Status</th><th>Note</th></tr></thead>
<tbody>{"".join(summary)}</tbody></table>
<p>Every score in this report is shown with the number of answers it rests on and its uncertainty;
small samples are flagged where they occur.</p>
</section>
{"".join(sections)}
<footer>Prepared with cxlab {esc(version)} on {esc(generated)}. The executed notebooks and
<code>metrics.json</code> next to this file hold every number shown here.</footer>
</main>
</body>
</html>
"""
