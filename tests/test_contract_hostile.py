"""The hostile-bundle collection: files a careless or malicious client could send.

Every bundle is generated here, in ``tmp_path``, from the small clean tables in ``conftest.py``:
a ``cxlab.yml`` that would expand to billions of values, links leading out of the bundle folder,
booleans posing as amounts, placeholder dates, files split by an unusual delimiter, UTF-16 without
a byte-order mark, binary content named ``.csv``, and values full of control characters. Each
test asserts the message names the real cause, the file, the column and rows where they apply,
and a fix; none of them may hang, so the refusals are checked to happen before the expensive
step (expanding aliases, opening a pipe) could start.
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import os
import threading
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from conftest import CUSTOMERS, EVENTS, RESPONSES, TRANSACTIONS, clean_files
from hypothesis import given
from hypothesis import strategies as st

from cxlab.cli import main
from cxlab.contract import _yaml, load_bundle, read_config, validate_bundle
from cxlab.errors import (
    BundleError,
    ConfigError,
    Problem,
    ValidationReport,
    excerpt,
    listing,
    quoted,
)


def only(report: ValidationReport, rule: str, severity: str = "error") -> Problem:
    """The single problem of ``rule``; fails with the whole report otherwise."""
    found = [p for p in report.problems if p.rule == rule and p.severity == severity]
    assert len(found) == 1, report.format()
    return found[0]


def rules(report: ValidationReport, severity: str = "error") -> list[str]:
    return sorted(p.rule for p in report.problems if p.severity == severity)


def printable(text: str) -> bool:
    """Every line of ``text`` is printable (no control characters, escapes or overrides)."""
    return all(line.isprintable() for line in text.split("\n"))


def billion_laughs(levels: int = 9, width: int = 9) -> str:
    """Nested anchors: each level lists the previous one ``width`` times (width**levels values)."""
    lines = ["l1: &l1 [" + ", ".join(['"lol"'] * width) + "]"]
    for n in range(2, levels + 1):
        lines.append(f"l{n}: &l{n} [" + ", ".join([f"*l{n - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


@pytest.fixture
def no_walk(monkeypatch):
    """Fail the test if the node graph is ever walked, i.e. if aliases start to be expanded."""

    def refuse(*args, **kwargs):
        # Drop the arguments before failing: printing a traceback shows a frame's arguments,
        # and the repr of an alias bomb's node graph is itself the expansion to be avoided.
        del args, kwargs
        raise AssertionError("the configuration was walked; it should have been refused first")

    monkeypatch.setattr(_yaml._Builder, "_convert", refuse)


# -- cxlab.yml: alias bombs, depth and size --------------------------------------------------------


def test_billion_laughs_is_refused_before_any_alias_is_expanded(make_bundle, no_walk):
    folder = make_bundle(clean_files(), yml=billion_laughs())
    report = validate_bundle(folder)
    problem = only(report, "yaml_aliases")
    assert problem.file == "cxlab.yml"
    # the last line, l9, uses the alias *l8, which stands for 9**7 lists of 9 strings
    assert "(line 9)" in problem.message
    assert "*l8" in problem.message
    assert "write the settings out in full" in problem.hint
    assert report.errors == [problem]  # the data are not checked against a refused mapping


def test_billion_laughs_in_read_config_raises_a_config_error(make_bundle, no_walk):
    folder = make_bundle(clean_files(), yml=billion_laughs())
    with pytest.raises(ConfigError) as err:
        read_config(folder)
    assert err.value.problem.rule == "yaml_aliases"
    assert err.value.problem.file == "cxlab.yml"


def test_billion_laughs_stops_load_bundle_and_the_command_line(make_bundle, capsys, no_walk):
    folder = make_bundle(clean_files(), yml=billion_laughs())
    with pytest.raises(BundleError):
        load_bundle(folder, validate=False)
    assert main(["validate", str(folder)]) == 1
    out = capsys.readouterr().out
    assert "ERROR [yaml_aliases] cxlab.yml" in out
    assert "fix:" in out


def test_an_alias_that_contains_itself_is_refused(make_bundle, no_walk):
    yml = "drivers: &loop [quality, *loop]\n"
    problem = only(validate_bundle(make_bundle(clean_files(), yml=yml)), "yaml_aliases")
    assert "(line 1)" in problem.message
    assert "*loop" in problem.message
    assert "contains it" in problem.message


def test_more_than_a_hundred_aliases_are_refused_at_the_hundred_and_first(make_bundle):
    lines = ["client: &name Acme"] + [f"k{i}: *name" for i in range(101)]
    yml = "\n".join(lines) + "\n"
    problem = only(validate_bundle(make_bundle(clean_files(), yml=yml)), "yaml_aliases")
    assert "more than 100 aliases" in problem.message
    assert "(line 102)" in problem.message  # alias 1 is on line 2, alias 101 on line 102


def test_a_few_aliases_reusing_a_recode_table_still_work(make_bundle):
    customers = "customer_id,consent,churned\nC1,Ja,Nein\nC2,Nein,Ja\n"
    yml = (
        "recode:\n"
        "  customers:\n"
        "    consent: &ja_nein {Ja: true, Nein: false}\n"
        "    churned: *ja_nein\n"
        "consent: consent\n"
        "churn: {label: churned}\n"
    )
    bundle = load_bundle(make_bundle({"customers.csv": customers}, yml=yml))
    assert bundle.customers["consent"].tolist() == [True, False]
    assert bundle.customers["churned"].tolist() == [False, True]


def test_nesting_beyond_forty_levels_is_refused(make_bundle, no_walk):
    yml = "drivers: " + "[" * 41 + "]" * 41 + "\n"
    problem = only(validate_bundle(make_bundle(clean_files(), yml=yml)), "invalid_yaml")
    assert "nested more than 40 levels" in problem.message
    assert "(line 1)" in problem.message


def test_a_configuration_larger_than_one_mebibyte_is_not_read(make_bundle, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a too large configuration was parsed")

    monkeypatch.setattr(_yaml, "_Loader", refuse)
    yml = "client: Acme\n" + "# padding\n" * (1024 * 1024 // 10 + 1)
    problem = only(validate_bundle(make_bundle(clean_files(), yml=yml)), "file_too_large")
    assert problem.file == "cxlab.yml"
    assert "larger than 1 MiB" in problem.message
    assert "the data belong in the table files" in problem.hint


def test_a_configuration_of_more_than_ten_thousand_values_is_refused(make_bundle, no_walk):
    yml = "drivers: [" + ", ".join(f"q{i}" for i in range(10_001)) + "]\n"
    problem = only(validate_bundle(make_bundle(clean_files(), yml=yml)), "file_too_large")
    assert "more than 10,000 values" in problem.message


@pytest.mark.parametrize(
    ("client", "why"),
    [("x" * 201, "201 characters long"), ('"Acme\\u001b[2J"', "control characters")],
)
def test_client_names_must_be_short_plain_text(make_bundle, client, why):
    problem = only(
        validate_bundle(make_bundle(clean_files(), yml=f"client: {client}\n")), "invalid_config"
    )
    assert why in problem.message
    assert "client (line 1)" in problem.message
    assert printable(problem.format())


# -- links and special files -----------------------------------------------------------------------


SECRET = "root:x:0:0:SECRET-LINE:/root:/bin/bash\n"


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A file outside every bundle folder, holding a line that must never be echoed."""
    path = tmp_path / "elsewhere" / "passwd"
    path.parent.mkdir()
    path.write_text(SECRET)
    return path


def test_a_table_linked_to_a_file_outside_the_bundle_is_refused(make_bundle, outside):
    folder = make_bundle({"transactions.csv": TRANSACTIONS})
    (folder / "customers.csv").symlink_to(outside)
    report = validate_bundle(folder)
    problem = only(report, "outside_bundle")
    assert (problem.file, problem.table) == ("customers.csv", "customers")
    assert "link to a file outside the bundle folder" in problem.message
    assert "copy the file itself into the bundle folder" in problem.hint
    assert "SECRET" not in report.format()
    assert str(outside) not in report.format()  # the target's path is not shown either
    with pytest.raises(BundleError):
        load_bundle(folder, validate=False)


def test_a_link_mapped_under_tables_is_refused(make_bundle, outside):
    folder = make_bundle({}, yml="tables:\n  customers: clients.csv\n")
    (folder / "clients.csv").symlink_to(outside)
    report = validate_bundle(folder)
    problem = only(report, "outside_bundle")
    assert problem.file == "clients.csv"
    assert "SECRET" not in report.format()


def test_a_path_leaving_the_folder_under_tables_is_not_followed(make_bundle, outside):
    yml = f"tables:\n  customers: ../elsewhere/passwd\n  events: {outside}\n"
    folder = make_bundle({}, yml=yml)
    report = validate_bundle(folder)
    assert rules(report) == ["missing_file", "missing_file"]
    assert "SECRET" not in report.format()


def test_a_linked_configuration_is_refused_without_echoing_it(make_bundle, outside):
    folder = make_bundle(clean_files())
    (folder / "cxlab.yml").symlink_to(outside)
    report = validate_bundle(folder)
    problem = only(report, "outside_bundle")
    assert problem.file == "cxlab.yml"
    assert "SECRET" not in report.format()


def test_a_linked_workbook_is_not_opened(make_bundle, tmp_path):
    book = tmp_path / "elsewhere.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "customers"
    wb.active.append(["customer_id"])
    wb.active.append(["SECRET-ID"])
    wb.save(book)
    folder = make_bundle({})
    (folder / "export.xlsx").symlink_to(book)
    report = validate_bundle(folder)
    assert only(report, "outside_bundle").file == "export.xlsx"
    assert "SECRET" not in report.format()


def test_a_link_inside_the_bundle_folder_is_read(make_bundle):
    folder = make_bundle({".kunden_export.csv": CUSTOMERS, ".umsatz.csv": TRANSACTIONS})
    (folder / "customers.csv").symlink_to(".kunden_export.csv")  # relative link
    (folder / "transactions.csv").symlink_to(folder / ".umsatz.csv")  # absolute link
    bundle = load_bundle(folder)
    assert bundle.customers["customer_id"].tolist() == ["C1", "C2", "C3", "C4"]
    assert len(bundle.transactions) == 5


def test_a_dangling_link_named_like_a_table_is_an_error(make_bundle, tmp_path):
    folder = make_bundle({"transactions.csv": TRANSACTIONS})
    (folder / "customers.csv").symlink_to(tmp_path / "gone.csv")
    problem = only(validate_bundle(folder), "not_a_regular_file")
    assert problem.file == "customers.csv"
    assert "target does not exist" in problem.message


def test_an_unrelated_link_leaving_the_folder_is_only_ignored(make_bundle, outside):
    folder = make_bundle(clean_files())
    (folder / "notes.txt").symlink_to(outside)
    report = validate_bundle(folder)
    assert report.ok, report.format()
    assert only(report, "outside_bundle", "warning").file == "notes.txt"
    assert "SECRET" not in report.format()


def test_a_named_pipe_is_refused_without_being_opened(make_bundle):
    folder = make_bundle({"transactions.csv": TRANSACTIONS})
    fifo = folder / "customers.csv"
    os.mkfifo(fifo)
    # Should the pipe ever be opened for reading, this writer lets the read end at once (with
    # an empty file, which fails the assertion below) instead of blocking the test for ever.
    writer = threading.Thread(target=lambda: open(fifo, "wb").close(), daemon=True)
    writer.start()
    try:
        problem = only(validate_bundle(folder), "not_a_regular_file")
        assert problem.file == "customers.csv"
        assert "not a regular file" in problem.message
    finally:
        os.close(os.open(fifo, os.O_RDONLY | os.O_NONBLOCK))  # release the writer
        writer.join(timeout=60)


# -- short, printable excerpts ---------------------------------------------------------------------


def test_a_very_long_header_is_cut_in_every_message(make_bundle):
    header = "Kunde" + "x" * 5000
    folder = make_bundle({"customers.csv": f"{header},region\nC1,North\n"})
    report = validate_bundle(folder)
    problem = only(report, "missing_column")
    assert len(problem.hint) < 400
    assert "…" in problem.hint
    assert max(len(line) for line in report.format().split("\n")) < 600


def test_control_characters_in_values_are_shown_escaped(make_bundle):
    bad = "\x1b[2J\x1b[31mfree money\u202e"
    text = TRANSACTIONS.replace("2024-03-02", bad)
    report = validate_bundle(make_bundle({"transactions.csv": text}))
    problem = only(report, "unparsable_date")
    assert problem.rows == ((3, "\\x1b[2J\\x1b[31mfree money\\u202e"),)
    text = report.format()
    assert "\x1b" not in text and "\u202e" not in text
    assert printable(text)
    assert "row 3: '\\x1b[2J\\x1b[31mfree money\\u202e'" in text


def test_control_characters_in_file_names_are_shown_escaped(make_bundle):
    report = validate_bundle(make_bundle(clean_files() | {"notes\x1b[2J.txt": "x"}))
    problem = only(report, "ignored_file", "warning")
    assert problem.file == "notes\\x1b[2J.txt"
    assert printable(report.format())


def test_a_problem_keeps_only_excerpts_of_long_or_unprintable_text():
    problem = Problem(
        "error",
        "invalid",
        "m" * 5000,
        file="f\x00" * 100,
        column="c" * 500,
        rows=((2, "v" * 1000), (3, 7)),
        hint="line one\nline two",
    )
    assert len(problem.message) == 1000 and problem.message.endswith("…")
    assert len(problem.file) == 120 and problem.file.startswith("…")  # the end of a path
    assert len(problem.column) == 120
    assert problem.rows == ((2, "v" * 99 + "…"), (3, 7))
    assert problem.hint == "line one\\nline two"
    assert printable(problem.format())


def test_excerpt_quoted_and_listing_by_hand():
    assert excerpt("Betrag") == "Betrag"
    assert excerpt("a\tb\x00") == "a\\tb\\x00"
    assert excerpt("abcdef", limit=4) == "abc…"
    assert quoted("x" * 50, 10) == "'xxxxxxxxx…'"
    assert listing(["a", "b", "c", "d"], 3) == "'a', 'b', 'c' and 1 more"
    assert listing([]) == ""


@given(st.text(), st.integers(min_value=1, max_value=200))
def test_an_excerpt_is_always_printable_and_within_its_limit(text, limit):
    shown = excerpt(text, limit)
    assert shown.isprintable()
    assert len(shown) <= limit
    if text.isprintable() and len(text) <= limit:
        assert shown == text


# -- booleans are not numbers ----------------------------------------------------------------------


def test_a_parquet_boolean_amount_is_an_error_not_ones_and_zeros(make_bundle):
    frame = pd.DataFrame(
        {
            "customer_id": ["C1", "C2", "C3"],
            "date": pd.to_datetime(["2024-03-01", "2024-03-02", "2024-03-03"]),
            "amount": [True, False, True],
        }
    )
    folder = make_bundle({"transactions.parquet": frame})
    report = validate_bundle(folder)
    problem = only(report, "boolean_not_number")
    assert (problem.file, problem.column) == ("transactions.parquet", "amount")
    assert problem.rows == ((1, True), (2, False), (3, True))  # Parquet rows count from 1
    assert "not amounts" in problem.message
    assert "'columns:'" in problem.hint
    assert "not_numeric" not in rules(report)
    amounts = load_bundle(folder, validate=False).transactions["amount"]
    assert amounts.isna().all()  # never 1.0 and 0.0


def test_excel_true_false_cells_in_an_nps_column_are_an_error(make_bundle):
    rows = [["date", "nps"], ["2024-03-01", True], ["2024-03-02", 9], ["2024-03-03", False]]
    report = validate_bundle(make_bundle({"responses.xlsx": {"responses": rows}}))
    problem = only(report, "boolean_not_number")
    assert (problem.file, problem.sheet, problem.column) == ("responses.xlsx", "responses", "nps")
    assert problem.rows == ((2, "true"), (4, "false"))
    assert "a yes/no answer is not NPS" in problem.hint
    assert 'recode: {responses: {nps: {"true": ..., "false": ...}}}' in problem.hint


def test_csv_true_false_beside_other_text_gets_both_messages(make_bundle):
    text = RESPONSES.replace(",9,5,6,", ",9,TRUE,6,").replace(",3,2,2,", ",3,meh,2,")
    report = validate_bundle(make_bundle({"responses.csv": text}))
    assert only(report, "boolean_not_number").rows == ((2, "TRUE"),)
    assert only(report, "not_numeric").rows == ((3, "meh"),)


def test_boolean_driver_items_and_quantities_are_errors(make_bundle):
    responses = "date,nps,on_time\n2024-03-01,9,true\n2024-03-02,4,false\n"
    item = only(
        validate_bundle(make_bundle({"responses.csv": responses}, yml="drivers: [on_time]\n")),
        "boolean_not_number",
    )
    assert (item.column, item.rows) == ("on_time", ((2, "true"), (3, "false")))
    assert "leave a yes/no question out of 'drivers:'" in item.hint
    transactions = TRANSACTIONS.replace(",2,Jeans", ",t,Jeans")
    count = only(
        validate_bundle(make_bundle({"transactions.csv": transactions})), "boolean_not_number"
    )
    assert (count.column, count.rows) == ("quantity", ((3, "t"),))
    assert "not counts" in count.message


def test_booleans_recoded_explicitly_are_accepted(make_bundle):
    frame = pd.DataFrame({"date": ["2024-03-01", "2024-03-02"], "nps": [True, False]})
    yml = 'recode:\n  responses:\n    nps: {"true": 10, "false": 0}\n'
    bundle = load_bundle(make_bundle({"responses.parquet": frame}, yml=yml))
    assert bundle.responses["nps"].tolist() == [10, 0]


def test_yes_no_attributes_stay_booleans(make_bundle):
    frame = pd.DataFrame({"customer_id": ["C1", "C2"], "vip": [True, False]})
    bundle = load_bundle(make_bundle({"customers.parquet": frame}))
    assert bundle.customers["vip"].tolist() == [True, False]


# -- implausible dates -----------------------------------------------------------------------------

#: Transactions rows 2-7: real dates on rows 2 and 7, placeholders and a typo in between.
PLACEHOLDER_DATES = (
    "customer_id,date,amount\n"
    "C1,2024-03-01,10\n"  # row 2
    "C2,1900-01-01,11\n"  # row 3: Excel's empty date
    "C3,1899-12-30,12\n"  # row 4: serial number zero
    "C4,1970-01-01 00:00:00,13\n"  # row 5: Unix epoch zero
    "C5,1931-05-02,14\n"  # row 6: before 1950
    "C6,2024-03-09,15\n"  # row 7
)


def test_placeholder_and_ancient_dates_are_a_warning_naming_rows(make_bundle):
    report = validate_bundle(make_bundle({"transactions.csv": PLACEHOLDER_DATES}))
    assert report.ok, report.format()
    problem = only(report, "implausible_date", "warning")
    assert (problem.file, problem.column) == ("transactions.csv", "date")
    assert problem.rows == (
        (3, "1900-01-01"),
        (4, "1899-12-30"),
        (5, "1970-01-01 00:00:00"),
        (6, "1931-05-02"),
    )
    assert "4 date(s) are implausible and are read as missing" in problem.message
    assert "3 on 1899-12-30, 1900-01-01, 1970-01-01" in problem.message
    assert "1 before 1950-01-01" in problem.message
    assert "date_floor: 1931-01-01" in problem.hint


def test_implausible_dates_become_missing_and_leave_the_period(make_bundle):
    for validate in (True, False):
        bundle = load_bundle(
            make_bundle({"transactions.csv": PLACEHOLDER_DATES}), validate=validate
        )
        dates = bundle.transactions["date"]
        assert dates.isna().tolist() == [False, True, True, True, True, False]
        assert bundle.transactions["amount"].tolist() == [10, 11, 12, 13, 14, 15]  # rows kept
        period = (pd.Timestamp("2024-03-01"), pd.Timestamp("2024-03-09"))
        assert bundle.period == period
        summary = bundle.summary().loc["transactions"]
        assert (summary["from"], summary["to"]) == period


def test_date_floor_raises_or_lowers_the_limit(make_bundle):
    low = load_bundle(
        make_bundle({"transactions.csv": PLACEHOLDER_DATES}, yml="date_floor: 1900\n")
    )
    assert low.transactions["date"].iloc[4] == pd.Timestamp("1931-05-02")
    sentinels = only(low.report, "implausible_date", "warning")
    assert [r for r, _ in sentinels.rows] == [3, 4, 5]  # placeholders stay placeholders
    high = validate_bundle(
        make_bundle({"transactions.csv": PLACEHOLDER_DATES}, yml="date_floor: 2024-03-05\n")
    )
    problem = only(high, "implausible_date", "warning")
    assert [r for r, _ in problem.rows] == [2, 3, 4, 5, 6]
    assert "2 before 2024-03-05" in problem.message


@pytest.mark.parametrize(
    ("value", "why"),
    [("soon", "expected a date such as 1990-01-01"), ("2999-01-01", "lies in the future")],
)
def test_an_invalid_date_floor_is_a_config_error(make_bundle, value, why):
    folder = make_bundle(clean_files(), yml=f"client: Acme\ndate_floor: {value}\n")
    with pytest.raises(ConfigError) as err:
        read_config(folder)
    assert why in err.value.problem.message
    assert "date_floor (line 2)" in err.value.problem.message


def test_read_config_reads_date_floor(make_bundle):
    folder = make_bundle({}, yml="date_floor: 2015-06-01\n")
    assert read_config(folder).date_floor == dt.date(2015, 6, 1)
    assert read_config(make_bundle({})).date_floor == dt.date(1950, 1, 1)


def test_excel_empty_date_cells_and_signup_dates_are_caught(make_bundle):
    rows = [
        ["customer_id", "signup_date"],
        ["C1", dt.datetime(2023, 5, 1)],
        ["C2", dt.datetime(1900, 1, 1)],
    ]
    folder = make_bundle({"customers.xlsx": {"customers": rows}})
    problem = only(validate_bundle(folder), "implausible_date", "warning")
    assert (problem.sheet, problem.column, problem.rows) == (
        "customers",
        "signup_date",
        ((3, "1900-01-01"),),
    )
    assert load_bundle(folder).customers["signup_date"].isna().tolist() == [False, True]


def test_other_declared_date_columns_keep_old_dates(make_bundle):
    text = "customer_id,birth_date\nC1,12.04.1941\nC2,03.09.1988\n"
    yml = 'dates:\n  customers: {birth_date: "%d.%m.%Y"}\n'
    bundle = load_bundle(make_bundle({"customers.csv": text}, yml=yml))
    assert bundle.customers["birth_date"].tolist() == [
        pd.Timestamp("1941-04-12"),
        pd.Timestamp("1988-09-03"),
    ]
    assert "implausible_date" not in rules(bundle.report, "warning")


# -- delimiters ------------------------------------------------------------------------------------


def test_a_colon_delimited_file_names_the_colon_and_the_key(make_bundle):
    text = TRANSACTIONS.replace(",", ":")
    report = validate_bundle(make_bundle({"transactions.csv": text}))
    problem = only(report, "delimiter")
    assert problem.file == "transactions.csv"
    assert "look separated by ':'" in problem.message
    assert "the header has 6 columns ('order_id', 'customer_id'" in problem.message
    assert 'tables: {transactions: {delimiter: ":"}}' in problem.hint
    assert "missing_column" not in rules(report)  # not blamed on column names


def test_declaring_the_named_delimiter_fixes_the_file(make_bundle):
    text = TRANSACTIONS.replace(",", ":")
    yml = 'tables:\n  transactions: {delimiter: ":"}\n'
    bundle = load_bundle(make_bundle({"transactions.csv": text}, yml=yml))
    assert bundle.transactions["amount"].tolist() == [25.0, 40.5, 12.25, 99.9, -5.0]


def test_colons_inside_times_ask_for_quotes(make_bundle):
    text = EVENTS.replace(",", ":")
    problem = only(validate_bundle(make_bundle({"events.csv": text})), "delimiter")
    assert 'tables: {events: {delimiter: ":"}}' in problem.hint
    assert "must then be in double quotes" in problem.hint


def test_a_wrongly_declared_delimiter_says_so(make_bundle):
    yml = 'tables:\n  transactions: {delimiter: ";"}\n'
    report = validate_bundle(make_bundle({"transactions.csv": TRANSACTIONS}, yml=yml))
    problem = only(report, "delimiter")
    assert "tables.transactions.delimiter in cxlab.yml declares ';'" in problem.message
    assert "separated by ','" in problem.message
    assert 'delimiter: ","' in problem.hint
    assert "remove the delimiter setting" in problem.hint
    assert "missing_column" not in rules(report)


def test_a_wrongly_declared_tab_on_a_semicolon_export_says_so(make_bundle):
    text = "Kunde;Datum;Betrag\nK1;01.03.2024;12,50\nK2;02.03.2024;8,00\n"
    yml = "tables:\n  transactions: {delimiter: tab}\n"
    problem = only(validate_bundle(make_bundle({"transactions.csv": text}, yml=yml)), "delimiter")
    assert "declares tab" in problem.message
    assert "separated by ';'" in problem.message
    assert "('Kunde', 'Datum', 'Betrag')" in problem.message


def test_a_declared_delimiter_that_splits_rows_evenly_but_wrongly_says_so(make_bundle):
    text = (
        'customer_id;date;amount;"note, free text"\n'
        "C1;2024-03-01;12,50;a, b, c\n"
        "C2;2024-03-02;8,00;d, e, f\n"
    )
    yml = 'tables:\n  transactions: {delimiter: ",", decimal: ","}\n'
    report = validate_bundle(make_bundle({"transactions.csv": text}, yml=yml))
    problem = only(report, "delimiter")
    assert "split at ',', no row names the table's columns" in problem.message
    assert "separated by ';'" in problem.message
    assert rules(report) == ["delimiter"]


def test_a_title_row_that_misleads_the_sniffer_names_the_right_delimiter(make_bundle):
    text = (
        "Export, März 2024\n"  # the title's comma makes ',' look like the delimiter
        "Kunde;Datum;Betrag;Notiz\n"
        "K1;01.03.2024;12,50;gut\n"
        "K2;02.03.2024;8,00;schnell, freundlich\n"
    )
    report = validate_bundle(make_bundle({"transactions.csv": text}))
    problem = only(report, "delimiter")
    assert "split at ',', no row names the table's columns" in problem.message
    assert "('Kunde', 'Datum', 'Betrag', 'Notiz')" in problem.message
    assert 'tables: {transactions: {delimiter: ";"}}' in problem.hint
    assert rules(report) == ["delimiter"]


def test_a_single_column_table_is_not_mistaken_for_a_delimiter_problem(make_bundle):
    bundle = load_bundle(make_bundle({"customers.csv": "customer_id\nC1\nC:2\n"}))
    assert bundle.customers["customer_id"].tolist() == ["C1", "C:2"]


# -- encodings and binary content ------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_byte_order_mark_is_read(make_bundle, encoding):
    text = "customer_id,name\nC1,Zoë\nC2,Łukasz\n"
    bundle = load_bundle(make_bundle({"customers.csv": text.encode(encoding)}))
    assert bundle.customers["name"].tolist() == ["Zoë", "Łukasz"]


def test_utf16_with_another_encoding_declared_says_set_utf16(make_bundle):
    yml = "tables:\n  customers: {encoding: latin-1}\n"
    folder = make_bundle({"customers.csv": CUSTOMERS.encode("utf-16-le")}, yml=yml)
    report = validate_bundle(folder)
    problem = only(report, "encoding")
    assert problem.file == "customers.csv"
    assert "looks like UTF-16" in problem.message
    assert "'latin-1'" in problem.message
    assert "set encoding: utf-16 under tables.customers" in problem.hint
    assert rules(report) == ["encoding"]


def test_cut_off_utf16_is_reported_as_damaged(make_bundle):
    raw = CUSTOMERS.encode("utf-16-le") + b"\x00\xd8"  # half of a surrogate pair at the end
    problem = only(validate_bundle(make_bundle({"customers.csv": raw})), "encoding")
    assert "looks like UTF-16" in problem.message
    assert "cut off or damaged" in problem.message


def _xlsx_bytes() -> bytes:
    buffer = io.BytesIO()
    wb = openpyxl.Workbook()
    wb.active.append(["customer_id"])
    wb.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "what", "fix"),
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, "a PNG image", "not a picture of it"),
        ("xlsx", "a zip archive", "rename it to .xlsx"),
        ("gzip", "a gzip-compressed file", "unpack it"),
        (b"%PDF-1.7\n" + bytes(range(256)), "a PDF document", "not a printout"),
        (bytes(range(256)) * 16, "binary data", "export it again"),
        (bytes(range(1, 32)) * 40, "binary data", "export it again"),
    ],
)
def test_binary_content_is_not_a_text_table(make_bundle, content, what, fix):
    if content == "xlsx":
        content = _xlsx_bytes()
    elif content == "gzip":
        content = gzip.compress(TRANSACTIONS.encode(), mtime=0)
    report = validate_bundle(make_bundle({"transactions.csv": content}))
    problem = only(report, "unsupported_format")
    assert problem.file == "transactions.csv"
    assert problem.message.startswith("not a text table")
    assert what in problem.message
    assert fix in problem.hint
    assert rules(report) == ["unsupported_format"]  # not a split or column problem
    assert printable(report.format())
    assert len(report.format()) < 800  # a few lines, never pages of bytes


def test_text_named_like_a_workbook_suggests_renaming_it(make_bundle):
    problem = only(validate_bundle(make_bundle({"customers.xlsx": CUSTOMERS})), "unreadable_file")
    assert "the file holds plain text, not a workbook" in problem.hint
    assert "rename it to .csv" in problem.hint


def test_hostile_bundles_never_raise_from_the_command_line(make_bundle, outside, capsys):
    files = clean_files()
    files["transactions.csv"] = bytes(range(256)) * 4
    files["responses.csv"] = RESPONSES.replace(",", ":")
    files["events.csv"] = EVENTS.encode("utf-16-le")
    folder = make_bundle({k: v for k, v in files.items() if k != "customers.csv"})
    (folder / "customers.csv").symlink_to(outside)
    assert main(["validate", str(folder)]) == 1
    out = capsys.readouterr().out
    for rule in ("unsupported_format", "delimiter", "outside_bundle"):
        assert f"[{rule}]" in out
    assert "SECRET" not in out
    assert printable(out)
