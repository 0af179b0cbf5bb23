"""The demo client's report, opened in headless Chromium and read as a client would.

One run of every chapter on the ``clothing_retailer`` demo client makes the report; the page is
rendered to PNG and to an A4 PDF, measured for tables and figures wider than the printed page,
and its visible text searched for what a client should never read: code, raw LaTeX, missing
value markers, dtype names and teaching material. The files are kept in pytest's temporary
folder (``*/report-render0/``) for a person to look at.

Needs Playwright and Debian's Chromium (``/usr/bin/chromium``); skipped with the reason when
either is missing.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from test_realshaped import client_text, client_words, code_identifiers, leftovers

from cxlab import datasets
from cxlab.runner import run_client
from cxlab.runner._report import card_lines

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: A4 is 210 mm wide; the report's print style keeps 14 mm margins on each side: 182 mm of
#: content, 688 CSS pixels at 96 per inch.
A4_CONTENT_PX = round((210 - 2 * 14) / 25.4 * 96)
#: Text a client must not read, with what it betrays.
FORBIDDEN = {
    r"bundle\.": "code (the bundle object)",
    r"\(\)": "code (a call)",
    r"_low\b": "a raw column name",
    r"p_adjusted": "a raw column name",
    r"\bdtype\b": "a pandas dtype",
    r"datetime64": "a pandas dtype",
    r"\bInt64\b": "a pandas dtype",
    r"\$": "raw LaTeX",
    r"\bnan\b|\bNaN\b": "a missing-value marker",
    r"\bNaT\b": "a missing-value marker",
    r"(?i)welcome to cxlab": "the course welcome",
    r"(?i)exercise": "the exercises",
    r"(?i)widget": "text about widgets",
    r"(?i)running kernel": "text about a live notebook",
    r"(?i)demo clients are invented": "the demo disclaimer",
    r"(?i)\bcurriculum\b": "the course map",
}

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def sync_playwright():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    return api.sync_playwright


@pytest.fixture(scope="module")
def run(tmp_path_factory, sync_playwright):
    out = tmp_path_factory.mktemp("report-render")
    result = run_client(datasets.demo_path("clothing_retailer"), out=out, jobs=2)
    assert result.ok, result.summary()
    return result


@pytest.fixture(scope="module")
def browser(sync_playwright):
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def printed(run, browser):
    """The report laid out as for print, on a page as wide as A4's printable area."""
    page = browser.new_page(viewport={"width": A4_CONTENT_PX, "height": 1100})
    page.goto((run.folder / "report.html").as_uri())
    page.emulate_media(media="print")
    yield page
    page.close()


def test_report_renders_to_png_and_a4_pdf(run, browser):
    page = browser.new_page(viewport={"width": 1000, "height": 1400})
    page.goto((run.folder / "report.html").as_uri())
    png = run.folder.parent / "report.png"
    page.screenshot(path=str(png), full_page=True)
    page.emulate_media(media="print")
    pdf = run.folder.parent / "report.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True, prefer_css_page_size=True)
    page.close()
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    data = pdf.read_bytes()
    assert data[:5] == b"%PDF-"
    pages = len(re.findall(rb"/Type\s*/Page[^s]", data))
    assert pages >= 6, f"a cover, the contents and five chapters need more than {pages} pages"


def test_no_table_or_figure_is_wider_than_the_printed_page(printed):
    too_wide = printed.evaluate(
        """() => {
            const width = document.documentElement.clientWidth;
            return [...document.querySelectorAll('table, img, pre')]
                .filter(e => e.getBoundingClientRect().right > width + 0.5)
                .map(e => [Math.round(e.getBoundingClientRect().width),
                           e.outerHTML.slice(0, 160)]);
        }"""
    )
    assert too_wide == [], f"wider than {A4_CONTENT_PX}px: {too_wide}"
    page_width = printed.evaluate("document.documentElement.scrollWidth")
    assert page_width <= A4_CONTENT_PX


def test_on_screen_wide_tables_scroll_inside_the_page(run, browser):
    page = browser.new_page(viewport={"width": 420, "height": 900})  # a phone
    page.goto((run.folder / "report.html").as_uri())
    assert page.evaluate("document.documentElement.scrollWidth") <= 420
    page.close()


@pytest.mark.parametrize(("pattern", "what"), FORBIDDEN.items(), ids=list(FORBIDDEN.values()))
def test_visible_text_has_nothing_a_client_should_not_read(printed, pattern, what):
    text = printed.inner_text("body")
    found = [text[max(0, m.start() - 60) : m.end() + 40] for m in re.finditer(pattern, text)]
    assert not found, f"{what} in the report: {found[:5]}"


def test_summary_comes_first_and_the_appendix_last(printed):
    headings = printed.eval_on_selector_all("h2", "hs => hs.map(h => h.textContent.trim())")
    assert headings[:2] == ["Contents", "Summary"]
    assert headings[2] == "About this data"
    assert headings[-1] == "Methods and data"


def test_key_results_equal_metrics_json(run, printed):
    metrics = json.loads((run.folder / "metrics.json").read_text(encoding="utf-8"))
    nps = metrics["notebooks"]["01_satisfaction_metrics"]["headlines"]["nps"]
    expected = (
        f"NPS: {round(nps['value'])} ({round(nps['low'])} to {round(nps['high'])}), "
        f"n = {nps['n']:,}"
    )
    text = printed.inner_text("body")
    assert text.count(expected) >= 2, "on the summary and on the chapter's card"
    customers = metrics["notebooks"]["00_welcome"]["headlines"]["customers"]
    assert f"Customers: {customers:,}" in text
    for entry in metrics["data"]["files"]:
        assert entry["sha256"] in text, "the appendix lists every input file's hash"
    assert metrics["cxlab_version"] in text


def test_every_card_line_is_a_number_of_metrics_json(run):
    metrics = json.loads((run.folder / "metrics.json").read_text(encoding="utf-8"))
    page = (run.folder / "report.html").read_text(encoding="utf-8")
    cards = re.findall(r'<div class="card">.*?</div>', page, flags=re.S)
    shown = {html.unescape(li) for card in cards for li in re.findall(r"<li>(.*?)</li>", card)}
    assert shown, "the chapters have cards"
    possible = {
        line
        for entry in metrics["notebooks"].values()
        for line in card_lines(
            entry["headlines"], client=metrics["client"]["name"], currency="GBP", limit=99
        )
    }
    assert shown <= possible, shown - possible
    net = metrics["notebooks"]["00_welcome"]["headlines"]["net_revenue"]
    assert f"Net revenue: {round(net):,} GBP" in shown, "money carries the client's currency"
    assert not any(line.startswith("Adjusted Rand index") for line in shown), "a demo-only check"


def test_report_text_shows_no_code_identifiers(run):
    page = (run.folder / "report.html").read_text(encoding="utf-8")
    allowed = client_words(datasets.demo_path("clothing_retailer"))
    assert code_identifiers(page, allowed) == []


class _OneDemoClientsReport:
    """Another demo client's whole report, read as a client would read it.

    One class per demo client (made below), so that ``pytest -n 2 --dist loadscope`` spreads
    these full runs over the workers instead of queueing them behind this module's others.
    """

    demo: str

    def test_report_reads_without_code(self, tmp_path):
        result = run_client(datasets.demo_path(self.demo), out=tmp_path, jobs=2)
        assert result.ok, result.summary()
        page = (result.folder / "report.html").read_text(encoding="utf-8")
        assert leftovers(page, client_text(datasets.demo_path(self.demo))) == []
        assert code_identifiers(page, client_words(datasets.demo_path(self.demo))) == []


# The SaaS demo's report is read in test_hostile_report, on a poisoned copy of it.
for _demo in (d for d in datasets.DEMOS if d not in ("clothing_retailer", "saas")):
    _name = "TestEveryDemoClientsReport_" + _demo
    globals()[_name] = type(_name, (_OneDemoClientsReport,), {"demo": _demo})
