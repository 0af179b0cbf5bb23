"""A hostile client: script in its text never runs in the report, its personal details never show.

The bundle is a small copy of the SaaS demo client (a churn label, subscriptions, a sensitive
attribute of its own) whose every free-text value — customer attributes, products, touchpoints,
stages, comments — is replaced by one of the payloads below, and whose client name is a script.
``cxlab run`` executes every chapter on it; the report must then hold no live script, no
event-handler attribute and no ``javascript:`` link, and must show the payloads as text. The
client's own ``cxlab.yml`` names are kept, so every chapter has data to narrate. The same report
must read without code or course leftovers, as the default demo's does (:mod:`test_report_render`).

The same client also carries personal details where real clients have them (see
:mod:`test_pii_leaks`, which plants them): e-mail addresses, phone numbers, card numbers and
IBANs in some comments and in a notes column. No file the run writes may show any of them. Both
threats come from the client's own text, and one run of every chapter checks both.
"""

from __future__ import annotations

import html
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from test_pii_leaks import leaks, plant
from test_realshaped import client_text, client_words, code_identifiers, leftovers

from cxlab import datasets
from cxlab.runner import run_client
from cxlab.runner._notebooks import discover, notebooks_dir

pytestmark = pytest.mark.slow  # runs every chapter

PAYLOADS = [
    "<script>alert('x')</script>",
    "<svg onload=alert(1)>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
]
CLIENT = "<script>alert('client')</script> & Co"

#: Text columns of the demo tables that carry client text, and are not ids, dates or numbers.
TEXT_COLUMNS = {
    "customers.csv": ["region", "channel", "industry", "company_size", "plan", "owner_gender"],
    "transactions.csv": ["category", "channel"],
    "responses.csv": ["touchpoint", "channel", "comment"],
    "events.csv": ["stage", "touchpoint", "channel", "event"],
}


class _Live(HTMLParser):
    """Collect what would run or navigate in a browser: script/svg/iframe tags, on* handlers,
    and javascript: URLs."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "svg", "iframe", "object", "embed"}:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.lower().startswith("on"):
                self.found.append(f"{tag} {name}=")
            if value and value.strip().lower().startswith("javascript:"):
                self.found.append(f"{tag} {name}=javascript:")
            if tag == "img" and name == "src" and value == "x":
                self.found.append("<img src=x>")


def _poison(folder: Path) -> dict[str, int]:
    """Replace the text columns' values by the payloads, cycling; return how many were set."""
    counts = {}
    for name, columns in TEXT_COLUMNS.items():
        path = folder / name
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
        for col in columns:
            if col not in df:
                continue
            # Keep the column's variety (chapters group by it) but make each value hostile.
            levels = {
                v: f"{PAYLOADS[i % len(PAYLOADS)]} {v}" for i, v in enumerate(sorted(set(df[col])))
            }
            df[col] = df[col].map(lambda v, levels=levels: levels[v] if v else v)
            counts[f"{name}:{col}"] = int((df[col] != "").sum())
        df.to_csv(path, index=False)
    return counts


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory):
    base = tmp_path_factory.mktemp("hostile")
    folder = datasets.write_demo("saas", base / "client", n_customers=400)
    counts = _poison(folder)
    plant(folder)  # after the payloads: some comments become personal details instead
    result = run_client(folder, client=CLIENT, out=base / "out", jobs=2)
    return result, counts


def test_every_chapter_ran_on_the_hostile_bundle(hostile_report):
    result, counts = hostile_report
    assert all(counts.values()), counts
    status = {n.name: n.status for n in result.notebooks}
    chapters = {spec.path.stem for spec in discover(notebooks_dir())}
    assert set(status) == chapters
    assert all(s == "ok" for s in status.values()), status


def test_no_output_of_any_chapter_shows_planted_pii(hostile_report):
    result, _ = hostile_report
    outputs = Path(result.folder)
    for name in ("report.html", "metrics.json", "run.log"):
        assert (outputs / name).exists(), name
    assert any(outputs.rglob("*.ipynb"))  # the executed notebooks are searched too
    assert any(outputs.rglob("exports/*.csv"))  # and the exports (the follow-up queue)
    found = leaks(outputs)
    assert not found, "\n".join(found)


def test_no_client_text_is_live_html_in_the_report(hostile_report):
    result, _ = hostile_report
    page = (result.folder / "report.html").read_text(encoding="utf-8")
    parser = _Live()
    parser.feed(page)
    assert not parser.found, parser.found[:10]


def test_the_payloads_are_shown_as_text(hostile_report):
    result, _ = hostile_report
    page = (result.folder / "report.html").read_text(encoding="utf-8")
    text = html.unescape(page)
    assert "alert('client')" in text
    shown = [p for p in PAYLOADS if p in text or html.escape(p) in page]
    assert len(shown) >= 3, f"payloads shown as text: {shown}"


def test_the_report_forbids_scripts(hostile_report):
    result, _ = hostile_report
    page = (result.folder / "report.html").read_text(encoding="utf-8")
    assert "Content-Security-Policy" in page and "script-src 'none'" in page


def test_the_report_shows_no_code_identifiers(hostile_report):
    result, _ = hostile_report
    page = (result.folder / "report.html").read_text(encoding="utf-8")
    folder = result.folder.parent.parent / "client"  # the poisoned bundle next to out/
    assert code_identifiers(page, client_words(folder)) == []


def test_the_report_shows_no_course_leftovers(hostile_report):
    result, _ = hostile_report
    page = (result.folder / "report.html").read_text(encoding="utf-8")
    folder = result.folder.parent.parent / "client"
    assert leftovers(page, client_text(folder)) == []
