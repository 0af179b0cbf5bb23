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
from typing import Any

import nbformat

from cxlab import present
from cxlab.headlines import MIMETYPE, collect
from cxlab.runner._safe_html import CONTENT_SECURITY_POLICY, markdown_to_html, safe_outputs
from cxlab.runner._tables import polish_tables

__all__ = ["ChapterPart", "card_lines", "render_report"]

#: Cell tags never shown in the report.
DROP_TAGS = frozenset({"widget", "parameters", "injected-parameters", "cxlab-run-note"})
#: The rule name a data check's message starts with.
_RULE_NAME = re.compile(r"^\[\w+\] ")
#: At most this many headline sentences on a chapter's card.
CARD_LIMIT = 5


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


def _title(nb: nbformat.NotebookNode, fallback: str) -> str:
    """Return the chapter's title for a client: its report title, or its unnumbered heading."""
    own = nb.metadata.get("cxlab", {}).get("report_title")
    if own:
        return str(own)
    for cell in nb.cells:
        if "cxlab-run-note" in cell.get("metadata", {}).get("tags", []):
            continue
        if cell.cell_type == "markdown":
            first = cell.source.strip().splitlines()[0] if cell.source.strip() else ""
            if first.startswith("# "):
                return re.sub(r"^\d+\s*[·.:-]\s*", "", first[2:].strip()) or fallback
            break
    return fallback


_NUMBERED = re.compile(r"(?m)^### \d+\.\s+")


def _report_cells(nb: nbformat.NotebookNode, *, name: str) -> list[nbformat.NotebookNode]:
    """Keep the client's cells of one executed chapter (see :mod:`cxlab.runner._audience`).

    A student-only cell that opens a ``###`` heading leaves the heading when client cells
    follow under it; headings are renumbered 1, 2, ... over what the client sees, and the
    headline numbers' own output is left out (the chapter's card states them).
    """
    # Imported here so that ``python -m cxlab.runner._audience`` runs it as a fresh module.
    from cxlab.runner._audience import CLIENT, audiences, report_heading

    kept: list[nbformat.NotebookNode] = []
    pending = ""
    counter = 0

    def numbered(text: str) -> str:
        nonlocal counter

        def one(_: re.Match) -> str:
            nonlocal counter
            counter += 1
            return f"### {counter}. "

        return _NUMBERED.sub(one, text)

    for cell, readers in zip(nb.cells, audiences(nb, name=name), strict=True):
        heads = report_heading(cell)
        if cell.cell_type == "markdown" and (heads or cell.source.lstrip().startswith("## ")):
            pending = ""  # a new heading: an earlier one without client cells is dropped
        if CLIENT not in readers or DROP_TAGS & set(cell.get("metadata", {}).get("tags", [])):
            if heads:
                pending = heads
            continue
        if cell.cell_type == "markdown" and cell.source.lstrip().startswith("# "):
            continue  # the title: the report writes its own chapter heading
        cell = copy.deepcopy(cell)
        if cell.cell_type == "markdown":
            if cell.source.lstrip().startswith("## Practical"):
                continue  # the section heading and its note to the learner
            cell.source = numbered(re.sub(r"(?m)^## ", "### ", cell.source))
        elif cell.cell_type == "code":
            outputs = [
                o
                for o in cell.get("outputs", [])
                if MIMETYPE not in (o.get("data") or {})
                and not (o.get("output_type") == "stream" and o.get("name") == "stderr")
            ]
            cell.outputs = safe_outputs(outputs)
            for output in cell.outputs:
                data = output.get("data") or {}
                if "text/html" in data:
                    data["text/html"] = polish_tables(data["text/html"])
            if not cell.outputs:
                continue
        if pending:
            # a fixed id, not nbformat's random one: the same run gives the same page; the
            # prefix keeps it apart from the ids of the notebook's own cells
            heading = nbformat.v4.new_markdown_cell(numbered(pending), id=f"cxlab-h{len(kept)}")
            kept.append(heading)
            pending = ""
        kept.append(cell)
    return kept


def _exporter() -> Any:
    """Make the HTML exporter of a report's chapters: outputs and Markdown, no prompts.

    One per report: an exporter compiles its Jinja templates on first use and keeps them, which
    is about a third of what converting the ten chapters costs.
    """
    from nbconvert import HTMLExporter

    return HTMLExporter(
        template_name="basic",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )


def _render_cells(nb: nbformat.NotebookNode, cells: list, prefix: str, exporter: Any) -> str:
    part = copy.copy(nb)
    part.cells = cells
    part.metadata = {k: v for k, v in nb.metadata.items() if k in ("kernelspec", "language_info")}
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


#: Keys of a headline mapping that describe how a number was made rather than what it says.
_QUIET_KEYS = frozenset(
    {"metric", "method", "column", "confidence", "population", "warning", "differs", "scale"}
)
#: The key holding a mapping's main number, in order of preference.
_CENTRAL = ("value", "share", "difference", "weight")


def _qualifiers(item: dict) -> str:
    if isinstance(item.get("from"), str) and isinstance(item.get("to"), str):
        return f"{item['from']} to {item['to']}"
    words = [v for k, v in item.items() if isinstance(v, str) and v and k not in _QUIET_KEYS]
    return ", ".join(words)


def _card_line(key: str, item, *, client: str, currency: str = "") -> tuple[int, str] | None:
    """One headline as ``(rank, sentence)``, or None when it has no one-line form.

    Rank 0: a number with its interval; 1: a plain number; 2: text, dates and lists.
    """
    name = present.label(key)
    if isinstance(item, dict):
        central = next((c for c in _CENTRAL if isinstance(item.get(c), int | float)), None)
        if central is None or not {"low", "high"} <= set(item):
            return None
        share = central == "share" or (
            "share" in key and all(0 <= (item.get(k) or 0) <= 1 for k in ("low", "high"))
        )
        text = present.score(
            item[central], item.get("low"), item.get("high"), item.get("n"), share=share
        )
        if central == "difference" and not share and item[central] > 0:
            text = "+" + text
        if isinstance(item.get("p_value"), int | float):
            text += f", p {_p(item['p_value'])}"
        where = _qualifiers(item)
        line = f"{name} ({where}): {text}" if where else f"{name}: {text}"
        if item.get("warning"):
            line += f" — {item['warning']}"
        return 0, line
    if isinstance(item, bool) or item is None:
        return None
    if isinstance(item, int | float):
        if currency and present.is_money_name(key):
            return 1, f"{name}: {present.money(item, currency)}"
        return 1, f"{name}: {present.value(item, name=key)}"
    if isinstance(item, str):
        if not item or item == client or (key == "currency" and item == currency):
            return None
        return 2, f"{name}: {present.value(item, name=key)}"
    if isinstance(item, list) and item and all(isinstance(v, str) for v in item):
        return 2, f"{name}: {present.value(item)}"
    return None


def _client_headlines(nb: nbformat.NotebookNode, *, name: str) -> dict:
    """Return the headline numbers published in the cells the client reads.

    A number published in a ``student-only`` cell (a check against a demo's planted answer,
    say) is filed in ``metrics.json`` but has no place on the client's card.
    """
    from cxlab.runner._audience import CLIENT, audiences

    cells = [c for c, r in zip(nb.cells, audiences(nb, name=name), strict=True) if CLIENT in r]
    return collect(o for c in cells for o in c.get("outputs", []))


def _p(p: float) -> str:
    text = present.p_value(p)
    return text if text.startswith("<") else f"= {text}"


def card_lines(
    headlines: dict, *, client: str = "", currency: str = "", limit: int = CARD_LIMIT
) -> list[str]:
    """Turn a chapter's published headline numbers into at most ``limit`` sentences.

    The runner knows nothing about what the numbers mean; the sentence follows the shape of
    each published value (see docs/runner.md, *Headline cards*): a mapping with a main number
    (``value``, ``share``, ``difference`` or ``weight``) and ``low``/``high`` reads as that
    number with its interval and ``n``, named by its key and by the text fields it carries; a
    number reads as a labelled number (a key holding ``share`` makes it a percentage); text,
    dates and lists of text read as labelled text. Numbers with intervals come first, then
    plain numbers, then text, each in the order published. Nested tables and lists of
    mappings stay in ``metrics.json`` only, as does text equal to the client's name. With a
    ``currency``, a number whose key names money (``net_revenue``) carries the currency code,
    and a ``currency`` key repeating it is left out.

    Parameters
    ----------
    headlines : dict
        The chapter's headline numbers as filed in ``metrics.json``.
    client : str
        The client's name.
    currency : str
        The client's currency code (``bundle.config.currency``), or empty.
    limit : int
        The most sentences to return.

    Returns
    -------
    list of str
        Plain-text sentences.

    Examples
    --------
    >>> card_lines(
    ...     {
    ...         "client": "Ada",
    ...         "customers": 2000,
    ...         "nps": {
    ...             "value": 27.1,
    ...             "low": 22.3,
    ...             "high": 31.8,
    ...             "n": 907,
    ...             "method": "adjusted Wald",
    ...         },
    ...     },
    ...     client="Ada",
    ... )
    ['NPS: 27 (22 to 32), n = 907', 'Customers: 2,000']
    >>> card_lines({"net_revenue": 939044.51, "currency": "GBP"}, currency="GBP")
    ['Net revenue: 939,045 GBP']
    """
    lines = []
    for key, item in headlines.items():
        got = _card_line(key, item, client=client, currency=currency)
        if got is not None:
            lines.append((got[0], len(lines), got[1]))
    return [text for _, _, text in sorted(lines)[:limit]]


def _methods(item) -> list[str]:
    if isinstance(item, dict):
        found = [item["method"]] if isinstance(item.get("method"), str) and item["method"] else []
        return found + [m for v in item.values() for m in _methods(v)]
    if isinstance(item, list):
        return [m for v in item for m in _methods(v)]
    return []


def _card_html(lines: list[str], *, heading: str = "Key results") -> str:
    if not lines:
        return ""
    items = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
    return f'<div class="card"><p class="card-title">{heading}</p><ul>{items}</ul></div>'


_INTERVAL_NOTE = (
    "Figures in brackets give the range within which the true value lies with 95% confidence "
    "(a chapter says so where it uses another level); n is the number of answers or customers "
    "a figure rests on."
)


def _appendix(
    metrics: dict | None, methods: list[tuple[str, list[str]]], version: str, data_label: str
) -> str:
    esc = html.escape
    rows = []
    for title, found in methods:
        if found:
            unique = list(dict.fromkeys(found))
            rows.append(f"<tr><td>{esc(title)}</td><td>{esc('; '.join(unique))}</td></tr>")
    parts = ['<section id="appendix" class="appendix"><h2 class="chapter">Methods and data</h2>']
    parts.append(
        "<p>Every number in this report was computed from the data described below by cxlab "
        f"{esc(version)}; the figures and statements of each chapter come from the same run.</p>"
    )
    if rows:
        parts.append(
            "<h3>Methods</h3><p>How the intervals of the key results were computed, "
            "with the work each method comes from.</p>"
            '<table class="plain"><thead><tr><th>Chapter</th><th>Methods</th></tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>"
        )
    metrics = metrics or {}
    data = metrics.get("data", {})
    parts.append(f"<h3>Data</h3><dl class='facts'><dt>Data folder</dt><dd>{esc(data_label)}</dd>")
    if metrics:
        period = data.get("period")
        span = (
            f"{present.date(period['start'])} to {present.date(period['end'])}"
            if period
            else "no dated records"
        )
        facts = [
            ("Period", span),
            ("Generated", metrics.get("generated_at", "")),
            ("cxlab version", metrics.get("cxlab_version", version)),
            ("Random seed", metrics.get("parameters", {}).get("seed", "")),
        ]
        for k, v in facts:
            v = present.date(v) if k == "Generated" and v else present.value(v)
            parts.append(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>")
    parts.append("</dl>")
    if metrics:
        tables = data.get("tables", {})
        if tables:
            body = "".join(
                f"<tr><td>{esc(present.label(name))}</td><td>{esc(t.get('file', ''))}</td>"
                f"<td>{present.number(t.get('rows'))}</td>"
                f"<td>{present.number(t.get('columns'))}</td></tr>"
                for name, t in tables.items()
            )
            parts.append(
                '<table class="plain"><thead><tr><th>Table</th><th>File</th><th>Rows</th>'
                f"<th>Columns</th></tr></thead><tbody>{body}</tbody></table>"
            )
        files = data.get("files", [])
        if files:
            body = "".join(
                f"<tr><td>{esc(f['name'])}</td><td>{present.number(f['bytes'])}</td>"
                f'<td class="hash">{esc(f["sha256"])}</td></tr>'
                for f in files
            )
            parts.append(
                "<h3>Input files</h3><p>The SHA-256 fingerprint of each file read: the same "
                "fingerprints mean the same data.</p>"
                '<table class="plain files"><thead><tr><th>File</th><th>Bytes</th>'
                f"<th>SHA-256</th></tr></thead><tbody>{body}</tbody></table>"
            )
        warnings = data.get("warnings", [])
        if warnings:
            # the rule's code name ("[negative_amount] ...") is for the analyst's log
            said = [_RULE_NAME.sub("", w) for w in warnings]
            items = "".join(f"<li>{esc(w)}</li>" for w in said)
            parts.append(
                "<h3>Data checks</h3><p>What the data check noted when the data were read, "
                f"and what was done about it:</p><ul>{items}</ul>"
            )
    parts.append(f"<h3>Reading the numbers</h3><p>{esc(_INTERVAL_NOTE)}</p></section>")
    return "".join(parts)


def render_report(
    parts: Sequence[ChapterPart],
    *,
    client: str,
    period: tuple[str, str] | None,
    generated: str,
    version: str,
    data_label: str,
    metrics: dict | None = None,
    executive: str | None = None,
    currency: str = "",
) -> str:
    """Assemble the report page.

    The page holds a cover, the contents, an executive summary (the key results of every
    chapter that ran, and what the report covers), the chapters, each opening with its key
    results, and an appendix of methods and data.

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
    metrics : dict, optional
        The run's ``metrics.json`` content, for the appendix (data period, tables, input
        files and their hashes, validation warnings, seed).
    executive : str, optional
        The executive summary as Markdown (from the function a chapter names, see
        :mod:`cxlab.runner._run`); it opens the summary, before the chapters' cards. Rendered
        with raw HTML shown as text, like every Markdown output.
    currency : str
        The client's currency code, for the amounts of money on the cards.

    Returns
    -------
    str
        A complete, self-contained HTML document.
    """
    esc = html.escape
    sections, toc, summary, cards, methods = [], [], [], [], []
    exporter = None  # made for the first chapter that ran
    for part in parts:
        anchor = f"c{part.number}"
        nb = nbformat.read(part.executed, as_version=4) if part.executed else None
        title = _title(nb, part.name) if nb is not None else part.name
        label = {"ok": "included", "failed": "could not be completed", "skipped": "not covered"}
        status = (
            f'<span class="status-{part.status}">{esc(label.get(part.status, part.status))}</span>'
        )
        summary.append(
            f'<tr><td><a href="#{anchor}">{esc(title)}</a></td><td>{status}</td>'
            f"<td>{esc(part.reason)}</td></tr>"
        )
        body, subs = "", []
        if part.status == "ok" and nb is not None:
            numbers = _client_headlines(nb, name=part.name)
            lines = card_lines(numbers, client=client, currency=currency)
            methods.append((title, _methods(numbers)))
            if lines:
                cards.append(
                    f'<div class="summary-card"><h3><a href="#{anchor}">{esc(title)}</a></h3>'
                    f"{_card_html(lines, heading='')}</div>"
                )
            cells = _report_cells(nb, name=part.name)
            exporter = exporter or _exporter()
            body = _card_html(lines) + _render_cells(nb, cells, anchor, exporter)
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
            f'<section id="{anchor}" class="chapter"><h2 class="chapter">{esc(title)}</h2>'
            f"{body}</section>"
        )
        items = "".join(f'<li><a href="#{a}">{esc(t)}</a></li>' for a, t in subs)
        toc.append(
            f'<li><a href="#{anchor}">{esc(title)}</a>{f"<ol>{items}</ol>" if items else ""}</li>'
        )
    span = (
        f"{present.date(period[0])} to {present.date(period[1])}" if period else "no dated records"
    )
    no_cards = "<p>No chapter produced key results for this data.</p>"
    opening = (
        f'<div class="executive">{markdown_to_html(executive)}</div><h3>Key results by chapter</h3>'
        if executive
        else ""
    )
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
<dt>Period</dt><dd>{esc(span)}</dd>
<dt>Prepared</dt><dd>{esc(generated)}</dd>
</dl>
</header>
<nav class="toc" aria-label="Contents">
<h2>Contents</h2>
<ol><li><a href="#summary">Summary</a></li>{"".join(toc)}
<li><a href="#appendix">Methods and data</a></li></ol>
</nav>
<section id="summary" class="run-summary">
<h2>Summary</h2>
<p>The key results of each part of this report. {esc(_INTERVAL_NOTE)}</p>
{opening}
<div class="summary-cards">{"".join(cards) or no_cards}</div>
<h3>What this report covers</h3>
<table class="summary"><thead><tr><th>Part</th><th>Status</th><th>Note</th></tr></thead>
<tbody>{"".join(summary)}</tbody></table>
</section>
{"".join(sections)}
{_appendix(metrics, methods, version, data_label)}
<footer>Prepared with cxlab {esc(version)} on {esc(generated)}. The executed notebooks and
the file metrics.json next to this report hold every number shown here.</footer>
</main>
</body>
</html>
"""
