"""Every chapter on every real-shaped bundle, end to end through the runner.

A chapter must complete on each bundle of :mod:`realshaped`, or skip a section or the whole
chapter with the reason — never fail. Each chapter's report is then read as a client would read
it, for text that belongs to the course rather than to the client's analysis (the demo, the
exercises, widgets, the kernel), raw LaTeX, tracebacks and missing values printed as ``nan``.

Every chapter runs on each bundle in one run, as a consultant runs them; whether each chapter
completed is one test per chapter and bundle, so a failure names both, and each bundle's report is
read once.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from html.parser import HTMLParser
from pathlib import Path

import pytest
from realshaped import (
    BUNDLES,
    LOAN_ACTIVITIES,
    LOAN_OUTCOMES,
    customers_only,
    every_table_tiny,
    process_log,
    reviews_only,
    transactions_only,
    undated_survey,
)

from cxlab import load_bundle
from cxlab.errors import BundleError
from cxlab.runner import RunResult, run_client
from cxlab.runner._notebooks import discover, notebooks_dir

CHAPTERS = [spec.number for spec in discover(notebooks_dir())]

#: Text a client report must never show, with what each pattern catches.
LEFTOVERS = {
    r"\bdemo\b": "a mention of the demo client",
    r"\bexercises?\b": "a mention of the exercises",
    r"\bwidgets?\b": "a mention of widgets",
    r"running kernel": "a mention of the kernel",
    r"\$": "raw LaTeX (a dollar sign)",
    r"Traceback|\b\w+Error:": "a traceback or an exception message",
    r"(?<!\w)(?:nan|NaN|NaT|<NA>)(?!\w)": "a missing value printed as nan",
}


class _Text(HTMLParser):
    """The visible text of an HTML page: no style, no script, no attribute values."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in ("style", "script"):
            self._hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script"):
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def visible_text(page: str) -> str:
    """Return the text a reader sees in ``page``."""
    parser = _Text()
    parser.feed(page)
    return " ".join(parser.parts)


def leftovers(page: str, spared: Iterable[str] = ()) -> list[str]:
    """Every leftover in a report page, each with a little context.

    ``spared`` holds the client's own text (:func:`client_text`): a touchpoint called
    ``demo_call`` or a comment about "the demo" is the client's, not a course leftover.
    """
    text = re.sub(r"\s+", " ", visible_text(page))
    for words in sorted(spared, key=len, reverse=True):
        text = text.replace(words, " ")
    found = []
    for pattern, what in LEFTOVERS.items():
        for match in re.finditer(pattern, text, flags=re.IGNORECASE if "demo" in pattern else 0):
            context = text[max(0, match.start() - 60) : match.end() + 60]
            found.append(f"{what}: ...{context}...")
    return found


#: What betrays code in a report, besides the leftovers above: Python's booleans, pandas dtype
#: names and p-values in e-notation.
CODE = {
    r"\b(?:True|False)\b": "a Python boolean",
    r"\b(?:datetime64|timedelta64|float64|int64|Int64|Float64)\b": "a pandas dtype",
    r"\b\d(?:\.\d+)?e[-+]\d+\b": "a number in e-notation",
    r"\\(?:frac|sum|cdot|le|ge|times|hat|bar|text)\b": "raw LaTeX",
}
_SNAKE = re.compile(r"(?<![\w./-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w/@-])")


def client_words(folder: Path) -> set[str]:
    """Every text value of the client's data (and its folder name): shown as the client wrote it.

    A touchpoint called ``product_page`` is the client's word, not ours; the report may show it.
    """
    bundle = load_bundle(folder)
    words = {folder.name}
    for df in bundle.tables.values():
        for col in df.columns:
            if df[col].dtype == object or str(df[col].dtype) in ("str", "string", "category"):
                words |= {str(v) for v in df[col].dropna().unique()}
    words |= set(bundle.config.drivers)
    return {w for v in words for w in _SNAKE.findall(v)}


def client_text(folder: Path) -> set[str]:
    """The client's text values that mention a demo (a touchpoint ``demo_call``, a comment about
    "the demo call"): as written, with underscores read as spaces, and capitalised as a label."""
    bundle = load_bundle(folder)
    spared: set[str] = set()
    for df in bundle.tables.values():
        for col in df.columns:
            if df[col].dtype == object or str(df[col].dtype) in ("str", "string", "category"):
                for value in df[col].dropna().unique():
                    spaced = str(value).replace("_", " ")
                    if re.search(r"\bdemo\b", spaced, flags=re.IGNORECASE):
                        spared |= {str(value), spaced, spaced.capitalize()}
    return spared


def code_identifiers(page: str, allowed: set[str] = frozenset()) -> list[str]:
    """Every code identifier in a report page: snake_case names that are not client data,
    booleans, dtype names, e-notation numbers and LaTeX commands, each with some context."""
    text = re.sub(r"\s+", " ", visible_text(page))
    found = []
    for match in _SNAKE.finditer(text):
        if match.group(0) not in allowed:
            found.append(
                f"a code name: ...{text[max(0, match.start() - 50) : match.end() + 30]}..."
            )
    for pattern, what in CODE.items():
        for match in re.finditer(pattern, text):
            found.append(f"{what}: ...{text[max(0, match.start() - 50) : match.end() + 30]}...")
    return found


def test_code_identifiers_spare_client_words_and_find_ours() -> None:
    page = (
        "<p>checkout scores lowest (Holm-adjusted p = 2.3e-31); product_page is fine.</p>"
        "<td>age_band</td><td>True</td><td>datetime64[us]</td><td>$\\frac{a}{b}$</td>"
        "<p>see www.shop_x.com and 2024-01_02 and e-mail a_b@x.org</p>"
    )
    found = [f.split(":")[0] for f in code_identifiers(page, allowed={"product_page"})]
    assert found == [
        "a code name",
        "a Python boolean",
        "a pandas dtype",
        "a number in e-notation",
        "raw LaTeX",
    ]


def test_leftovers_finds_course_text_latex_and_nan_but_not_markup() -> None:
    page = (
        "<style>.x{content:'$ demo'}</style><p>Try the exercise below.</p>"
        "<p>NPS is $\\frac{a}{b}$</p><td>NaN</td><p>a banana</p><p title='demo'>ok</p>"
        "<td>&lt;NA&gt;</td>"
    )
    found = leftovers(page)
    assert [f.split(":")[0] for f in found] == [
        "a mention of the exercises",
        "raw LaTeX (a dollar sign)",
        "raw LaTeX (a dollar sign)",
        "a missing value printed as nan",
        "a missing value printed as nan",
    ]


def test_leftovers_spare_the_clients_own_words() -> None:
    page = "<p>Moments of delight: training, demo call.</p><p>Built on the demo data.</p>"
    found = leftovers(page, {"demo_call", "demo call"})
    assert len(found) == 1 and "demo data" in found[0]


def _blank_ids(folder: Path) -> int:
    with (folder / "transactions.csv").open(encoding="utf-8") as fh:
        return sum(row["CustomerID"] == "" for row in csv.DictReader(fh))


def test_blank_guest_ids_without_a_filter_are_reported_with_their_rows(tmp_path: Path) -> None:
    # a shop export leaves the guest lines' customer id blank; without a filter in cxlab.yml the
    # contract names those rows instead of reading them as one unknown customer
    folder = transactions_only(tmp_path, filter_guests=False)
    with pytest.raises(BundleError) as err:
        load_bundle(folder)
    [problem] = [p for p in err.value.report.problems if p.severity == "error"]
    assert problem.rule == "missing_value"
    assert problem.column == "CustomerID"
    blank = _blank_ids(folder)
    assert blank > 0
    assert problem.n_rows == blank


def test_blank_guest_ids_are_dropped_by_the_bundles_filter_with_their_rows_named(
    tmp_path: Path,
) -> None:
    folder = transactions_only(tmp_path)
    bundle = load_bundle(folder)
    blank = _blank_ids(folder)
    [warning] = [p for p in bundle.report.warnings if p.rule == "filtered_rows"]
    assert warning.column == "CustomerID"
    assert warning.n_rows == blank > 0
    assert warning.rows  # example rows, as the client's file numbers them
    assert f"removed {blank:,} of " in warning.message
    with (folder / "transactions.csv").open(encoding="utf-8") as fh:
        lines = sum(1 for _ in csv.DictReader(fh))
    assert len(bundle.transactions) == lines - blank
    assert bundle.transactions["customer_id"].notna().all()
    assert (bundle.transactions["customer_id"].str.strip() != "").all()


def test_each_bundle_is_the_same_on_every_run(tmp_path: Path) -> None:
    for name, (make, _) in BUNDLES.items():
        first, second = make(tmp_path / "a"), make(tmp_path / "b")
        for file in sorted(first.iterdir()):
            assert file.read_bytes() == (second / file.name).read_bytes(), (name, file.name)


def test_customers_only_has_one_table_and_a_churn_label(tmp_path: Path) -> None:
    bundle = load_bundle(customers_only(tmp_path))
    assert list(bundle.tables) == ["customers"]
    assert bundle.config.churn.label == "churned"
    churned = bundle.customers.groupby("plan")["churned"].mean()
    assert churned["Monthly"] > 2 * churned["Two year"]  # the planted contract effect


def test_transactions_only_has_refund_lines_with_credit_note_numbers(tmp_path: Path) -> None:
    bundle = load_bundle(transactions_only(tmp_path))
    assert list(bundle.tables) == ["transactions"]
    tx = bundle.transactions
    refunds = tx[tx["amount"] < 0]
    assert len(refunds) > 0
    assert refunds["order_id"].str.startswith("C").all()
    assert (tx.loc[tx["amount"] > 0, "order_id"].str[0] != "C").all()
    assert tx["customer_id"].str.fullmatch(r"\d+").all()  # real ids only: guests are filtered


def test_reviews_only_has_ratings_and_comments_but_no_nps(tmp_path: Path) -> None:
    bundle = load_bundle(reviews_only(tmp_path))
    assert list(bundle.tables) == ["responses"]
    assert {"csat", "comment"} <= set(bundle.responses.columns)
    assert not {"nps", "ces"} & set(bundle.responses.columns)


def test_process_log_has_25_activities_and_its_outcome_events(tmp_path: Path) -> None:
    bundle = load_bundle(process_log(tmp_path))
    assert list(bundle.tables) == ["events"]
    stages = set(bundle.events["stage"])
    assert stages == set(LOAN_ACTIVITIES) and len(stages) == 25
    ends = bundle.events.sort_values("timestamp").groupby("customer_id")["stage"].last()
    assert set(LOAN_OUTCOMES) <= set(ends)


def test_every_table_tiny_has_all_four_tables_and_fewer_than_ten_customers(
    tmp_path: Path,
) -> None:
    bundle = load_bundle(every_table_tiny(tmp_path))
    assert set(bundle.tables) == {"customers", "transactions", "responses", "events"}
    assert len(bundle.customers) < 10


def test_undated_survey_has_no_date_and_a_blank_first_header(tmp_path: Path) -> None:
    folder = undated_survey(tmp_path)
    with (folder / "responses.csv").open(encoding="utf-8") as fh:
        header = next(csv.reader(fh))
    assert header[0] == "" and "date" not in header
    assert header[-1] == "satisfaction"


#: The run of every chapter on each shape made in this worker, and its data folder, by shape.
_RUNS: dict[str, RunResult] = {}
_DATA: dict[str, Path] = {}


def _run(shape: str, tmp_path_factory: pytest.TempPathFactory) -> RunResult:
    """Every chapter on one shape, in one run as a consultant makes it (made once per worker)."""
    make, not_yet = BUNDLES[shape]
    if not_yet:
        pytest.skip(not_yet)
    if shape not in _RUNS:
        base = tmp_path_factory.mktemp(shape)
        _DATA[shape] = make(base / "data")
        _RUNS[shape] = run_client(_DATA[shape], notebooks="all", out=base / "out", jobs=2)
    result = _RUNS[shape]
    assert result.status != "invalid", result.summary()
    return result


class _EveryChapterOnOneShape:
    """The end-to-end checks of every chapter on one bundle shape.

    One class per shape (made below), so that ``pytest -n 2 --dist loadscope`` (``make test``)
    keeps a shape's run on one worker, where all its tests share it, and spreads the shapes
    over the workers.
    """

    shape: str

    @pytest.mark.slow  # executes notebooks
    @pytest.mark.parametrize("chapter", CHAPTERS)
    def test_chapter_completes_or_skips_with_reason(
        self, chapter: str, tmp_path_factory: pytest.TempPathFactory
    ) -> None:
        result = _run(self.shape, tmp_path_factory)
        [notebook] = [n for n in result.notebooks if n.name.startswith(f"{chapter}_")]
        log = (result.folder / "run.log").read_text(encoding="utf-8")
        assert notebook.status in ("ok", "skipped"), f"{notebook.reason}\n{log[-4000:]}"
        if notebook.status == "skipped":
            assert notebook.reason, "a skipped chapter says why"

    @pytest.mark.slow  # executes notebooks
    def test_report_shows_only_the_clients_analysis(
        self, tmp_path_factory: pytest.TempPathFactory
    ) -> None:
        result = _run(self.shape, tmp_path_factory)
        page = (result.folder / "report.html").read_text(encoding="utf-8")
        assert leftovers(page, client_text(_DATA[self.shape])) == []
        assert code_identifiers(page, client_words(_DATA[self.shape])) == []


for _shape in BUNDLES:
    _name = "TestOn_" + _shape
    globals()[_name] = type(_name, (_EveryChapterOnOneShape,), {"shape": _shape})
