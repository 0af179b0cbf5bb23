"""Client text can never script or link the client report; the report needs no script at all.

A synthetic executed chapter (written with nbformat below, no kernel needed) carries the usual
payloads in every kind of output a chapter produces: Markdown, HTML, plain text, a stream, and a
script output, next to a client name that is itself a script. The report built from it is parsed
with the standard library's HTML parser and must contain no script element, no event-handler
attribute, no ``javascript:`` address and nothing loaded from outside the file, while the
payloads a reader should see stay visible as text. One test runs a real stand-in chapter through
``run_client`` so that the path from the ``client_name`` parameter to the page is covered too.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from conftest import CUSTOMERS

from cxlab.runner import run_client, write_index
from cxlab.runner._report import ChapterPart, render_report
from cxlab.runner._run import RunResult
from cxlab.runner._safe_html import safe_outputs

CLIENT = '<script>alert("name")</script> & Sons'
MARKDOWN = (
    "**Busiest touchpoint**: <script>alert('md')</script> then <svg onload=alert(1)> and "
    "<img src=x onerror=alert(2)> and [a link](javascript:alert(3)) and "
    "[another](JaVaScRiPt:alert(4))."
)
HTML = (
    "<div><script>alert('html')</script><svg onload=\"alert(5)\"><circle r='1'/></svg>"
    '<img src="x" onerror="alert(6)"><a href="javascript:alert(7)">click</a>'
    '<p onmouseover="alert(8)">Comment kept</p><iframe src="https://tracker.example/"></iframe>'
    '<table class="dataframe"><tr><td style="position: fixed; color: red">'
    "&lt;script&gt;cell text&lt;/script&gt;</td></tr></table></div>"
)
PLAIN = "<script>alert('plain')</script>"
STREAM = "printed <img src=x onerror=alert(9)>\n"


class _Page(HTMLParser):
    """Every element with its attributes, and the text a reader sees (outside style elements)."""

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self._style = 0
        self.feed(page)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, {k.lower(): (v or "") for k, v in attrs}))
        self._style += tag == "style"

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, {k.lower(): (v or "") for k, v in attrs}))

    def handle_endtag(self, tag):
        self._style -= tag == "style"

    def handle_data(self, data):
        if not self._style:
            self.text.append(data)

    @property
    def visible(self) -> str:
        return " ".join(" ".join(self.text).split())


def _assert_nothing_live(page: _Page) -> None:
    tags = [tag for tag, _ in page.elements]
    for dangerous in ("script", "svg", "iframe", "object", "embed", "link", "base", "form"):
        assert dangerous not in tags, f"a <{dangerous}> element reached the page"
    for tag, attrs in page.elements:
        handlers = [name for name in attrs if name.startswith("on")]
        assert not handlers, f"<{tag}> carries {handlers}"
        for name in ("href", "src", "action", "formaction", "xlink:href"):
            value = attrs.get(name, "").strip().lower()
            assert not value.startswith(("javascript:", "vbscript:")), f"<{tag} {name}={value}>"
        if tag == "img" and "src" in attrs:
            assert attrs["src"].startswith("data:image/"), "images are embedded, never fetched"


def _hostile_chapter(path: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    code = nbformat.v4.new_code_cell("show(finding)", execution_count=1)
    code.outputs = [
        nbformat.v4.new_output(
            "display_data", data={"text/markdown": MARKDOWN, "text/plain": "md"}
        ),
        nbformat.v4.new_output("display_data", data={"text/html": HTML, "text/plain": "table"}),
        nbformat.v4.new_output(
            "display_data",
            data={"text/html": "<b>isolated</b>", "text/plain": "iso"},
            metadata={"text/html": {"isolated": True}},
        ),
        nbformat.v4.new_output(
            "display_data",
            data={"application/javascript": "alert(10)", "text/plain": "<Javascript object>"},
        ),
        nbformat.v4.new_output("execute_result", data={"text/plain": PLAIN}, execution_count=1),
        nbformat.v4.new_output("stream", name="stdout", text=STREAM),
    ]
    discussion = nbformat.v4.new_markdown_cell("## Discussion\nPress <kbd>Ctrl</kbd> to compare.")
    discussion.metadata["tags"] = ["student-and-client"]  # a discussion cell the client reads
    nb.cells = [
        nbformat.v4.new_markdown_cell("# 00 · Hostile data"),
        nbformat.v4.new_markdown_cell("## Practical\nA note to the learner."),
        nbformat.v4.new_markdown_cell("### 1. Comments"),
        code,
        discussion,
    ]
    nbformat.write(nb, path)
    return path


@pytest.fixture
def report(tmp_path) -> str:
    chapter = _hostile_chapter(tmp_path / "00_hostile.ipynb")
    return render_report(
        [ChapterPart("00", "00_hostile", "ok", "", chapter)],
        client=CLIENT,
        period=("2024-01-01", "2024-12-31"),
        generated="2024-12-31 12:00 UTC",
        version="0.1.0",
        data_label="<img src=x onerror=alert(11)>",
    )


def test_no_payload_is_live_html_in_the_report(report):
    _assert_nothing_live(_Page(report))


def test_payloads_shown_to_the_reader_stay_visible_as_text(report):
    visible = _Page(report).visible
    assert CLIENT in visible  # the cover and the title
    assert "<script>alert('md')</script>" in visible  # Markdown output: raw HTML shown as text
    assert "<svg onload=alert(1)>" in visible and "<img src=x onerror=alert(2)>" in visible
    assert "<script>cell text</script>" in visible  # text of an HTML table cell
    assert "Comment kept" in visible and "isolated" in visible
    assert PLAIN in visible and STREAM.strip() in visible
    assert "<img src=x onerror=alert(11)>" in visible  # the data folder's name
    assert "alert('html')" not in visible, "a script element goes with its content"
    assert "alert(10)" not in visible and "Javascript object" not in visible


def test_unsafe_links_and_styles_are_dropped_but_the_content_kept(report):
    page = _Page(report)
    anchors = [attrs.get("href", "") for tag, attrs in page.elements if tag == "a"]
    assert all(not h.lower().startswith("javascript") for h in anchors)
    assert "a link" in page.visible and "another" in page.visible and "click" in page.visible
    styles = [attrs["style"] for tag, attrs in page.elements if tag == "td" and "style" in attrs]
    assert styles == ["color:red"], "positioning that could cover the page is dropped"
    assert not any(tag == "iframe" for tag, _ in page.elements), "no isolated frame either"


def test_our_own_markdown_cells_keep_their_markup(report):
    page = _Page(report)
    assert ("kbd", {}) in page.elements
    assert "Press Ctrl to compare." in page.visible


def _policy(page: _Page) -> dict[str, list[str]]:
    metas = [
        attrs["content"]
        for tag, attrs in page.elements
        if tag == "meta" and attrs.get("http-equiv", "").lower() == "content-security-policy"
    ]
    assert len(metas) == 1, "one Content-Security-Policy meta element"
    directives = {}
    for part in metas[0].split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def test_the_report_carries_a_strict_content_security_policy(report):
    page = _Page(report)
    policy = _policy(page)
    assert policy["default-src"] == ["'none'"]
    assert policy["script-src"] == ["'none'"]
    assert policy["style-src"] == ["'unsafe-inline'"]
    assert policy["img-src"] == ["data:"]
    assert not any(
        v.startswith(("http", "*", "'unsafe-eval'")) for values in policy.values() for v in values
    )
    tags = [tag for tag, _ in page.elements]
    policy_at = next(i for i, (tag, a) in enumerate(page.elements) if "http-equiv" in a)
    assert policy_at < tags.index("style") and policy_at < tags.index("body")


def test_the_report_needs_nothing_from_outside_the_file(report):
    page = _Page(report)
    assert "script" not in [tag for tag, _ in page.elements], "readable without scripts"
    for tag, attrs in page.elements:
        for name in ("src", "srcset", "poster", "data"):
            assert not attrs.get(name) or attrs[name].startswith("data:"), (tag, name)
        if tag == "link":
            raise AssertionError("no stylesheet or font is linked")
    assert "mathjax" not in report.lower() and "require.js" not in report.lower()


def test_script_and_widget_outputs_are_left_out():
    outputs = [
        nbformat.v4.new_output(
            "display_data",
            data={"application/vnd.jupyter.widget-view+json": {"model_id": "1"}, "text/plain": "w"},
        ),
        nbformat.v4.new_output("display_data", data={"text/plain": "kept"}),
    ]
    assert [o.data["text/plain"] for o in safe_outputs(outputs)] == ["kept"]
    assert "application/vnd.jupyter.widget-view+json" in outputs[0].data, "inputs are unchanged"


def test_the_batch_index_escapes_names_and_carries_the_policy(tmp_path):
    results = [RunResult(CLIENT, "sons", "ok", tmp_path / "sons")]
    page = _Page(write_index(results, tmp_path).read_text(encoding="utf-8"))
    _assert_nothing_live(page)
    assert CLIENT in page.visible
    assert _policy(page)["script-src"] == ["'none'"]


def test_a_client_name_with_script_stays_text_through_a_real_run(tmp_path, make_bundle):
    chapters = tmp_path / "chapters"
    chapters.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    params = nbformat.v4.new_code_cell('client_name = ""\ndata_dir = ""\nseed = 0')
    params.metadata["tags"] = ["parameters"]
    # A careless chapter: the name goes into Markdown and HTML without cxlab.findings.
    careless = (
        "from IPython.display import HTML, Markdown, display\n"
        "display(Markdown(f'Report for **{client_name}**'))\n"
        "display(HTML(f'<p>Prepared for {client_name}</p>'))"
    )
    nb.cells = [
        nbformat.v4.new_markdown_cell("# 00 · Careless"),
        nbformat.v4.new_markdown_cell("## Practical"),
        params,
        nbformat.v4.new_code_cell(careless),
    ]
    nbformat.write(nb, chapters / "00_careless.ipynb")
    data = make_bundle({"customers.csv": CUSTOMERS})
    name = '<img src=x onerror=alert(1)><script>alert("run")</script>'
    result = run_client(data, client=name, out=tmp_path / "out", notebook_dir=chapters)
    assert result.ok, result.summary()
    page = _Page((result.folder / "report.html").read_text(encoding="utf-8"))
    _assert_nothing_live(page)
    assert f"Report for {name}" in page.visible  # Markdown: escaped, shown as typed
    assert "Prepared for" in page.visible  # HTML: the markup is stripped, the sentence kept
