"""The contract layer: reading, mapping and validating client bundles.

Each malformed bundle is built in ``tmp_path`` from the small clean tables in ``conftest.py`` with
one deliberate fault; the expected rows and values are read off the text written, so a problem
must name the file, the column (as the client named it), the rows and their raw values.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pytest
from conftest import CUSTOMERS, EVENTS, RESPONSES, TRANSACTIONS, clean_files, csv_rows, write_xlsx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxlab.contract import load_bundle, read_config, validate_bundle
from cxlab.errors import BundleError, ConfigError, Problem, ValidationReport


def only(report: ValidationReport, rule: str, severity: str = "error") -> Problem:
    """The single problem of ``rule``; fails with the whole report otherwise."""
    found = [p for p in report.problems if p.rule == rule and p.severity == severity]
    assert len(found) == 1, report.format()
    return found[0]


def rules(report: ValidationReport, severity: str = "error") -> list[str]:
    return sorted(p.rule for p in report.problems if p.severity == severity)


def replace_line(text: str, number: int, new: str) -> str:
    """Replace 1-based line ``number`` of ``text`` (the header is line 1)."""
    lines = text.split("\n")
    lines[number - 1] = new
    return "\n".join(lines)


# -- clean bundles ---------------------------------------------------------------------------------


def test_clean_folder_without_yml_loads_all_four_tables(make_bundle):
    bundle = load_bundle(make_bundle(clean_files()))
    assert {t: len(df) for t, df in bundle.tables.items()} == {
        "customers": 4,
        "transactions": 5,
        "responses": 4,
        "events": 4,
    }
    assert bundle.report.ok
    assert bundle.config.source is None


def test_clean_bundle_validates_with_only_expected_warnings(make_bundle):
    report = validate_bundle(make_bundle(clean_files()))
    assert report.ok
    assert rules(report, "warning") == ["negative_amount"]  # the planted refund on row 6
    refund = only(report, "negative_amount", "warning")
    assert refund.rows == ((6, "-5.00"),)


def test_canonical_dtypes(make_bundle):
    bundle = load_bundle(make_bundle(clean_files()))
    c, t, r, e = bundle.customers, bundle.transactions, bundle.responses, bundle.events
    assert c["customer_id"].dtype == "str"
    assert pd.api.types.is_datetime64_dtype(c["signup_date"])
    assert c["consent"].dtype == "boolean"
    assert c["consent"].tolist() == [True, False, True, False]
    assert t["amount"].dtype == "float64"
    assert t["quantity"].dtype == "Int64"
    assert t["order_id"].dtype == "str"
    assert pd.api.types.is_datetime64_dtype(t["date"])
    for score in ("nps", "csat", "ces"):
        assert r[score].dtype == "Int64"
    assert r["customer_id"].isna().sum() == 1  # the anonymous answer stays anonymous
    assert pd.api.types.is_datetime64_dtype(e["timestamp"])
    assert e["stage"].dtype == "str"
    assert t["amount"].tolist() == [25.0, 40.5, 12.25, 99.9, -5.0]
    assert e["timestamp"].iloc[1] == pd.Timestamp("2024-03-01 10:05:00")
    assert list(r.index) == [0, 1, 2, 3]


def test_bundle_records_sources_and_period(make_bundle):
    folder = make_bundle(clean_files())
    bundle = load_bundle(folder)
    assert bundle.sources["responses"].path == folder / "responses.csv"
    assert bundle.sources["responses"].header_row == 1
    assert bundle.period == (pd.Timestamp("2024-03-01"), pd.Timestamp("2024-03-12"))
    assert bundle.name == folder.name


def test_header_matching_ignores_case_spaces_and_separators(make_bundle):
    text = " Customer_ID ,Signup Date\nC1,2024-01-01\n"
    bundle = load_bundle(make_bundle({"customers.csv": text}))
    assert list(bundle.customers.columns) == ["customer_id", "signup_date"]


def test_anonymous_survey_only_bundle_loads(make_bundle):
    text = "Submitted,Score,Comment\n2024-05-01,9,Great\n2024-05-02,6,\n"
    yml = "columns:\n  responses: {Submitted: date, Score: nps}\n"
    bundle = load_bundle(make_bundle({"responses.csv": text}, yml=yml))
    assert bundle.tables.keys() == {"responses"}
    assert bundle.responses["nps"].tolist() == [9, 6]
    assert "customer_id" not in bundle.responses


# -- missing tables and columns --------------------------------------------------------------------


def test_missing_required_column_names_file_columns_found_and_closest_match(make_bundle):
    text = TRANSACTIONS.replace("amount", "Betrag")
    report = validate_bundle(make_bundle({"transactions.csv": text}))
    problem = only(report, "missing_column")
    assert problem.file == "transactions.csv"
    assert problem.column == "amount"
    assert "'Betrag'" in problem.hint
    assert '"Betrag": amount' in problem.hint  # how to rename it in cxlab.yml
    assert "transactions.csv" in report.format()


def test_missing_table_file_named_in_yml_is_an_error(make_bundle):
    yml = "tables:\n  customers: clients.xlsx\n"
    report = validate_bundle(make_bundle(clean_files(), yml=yml))
    problem = only(report, "missing_file")
    assert problem.file == "cxlab.yml"
    assert "clients.xlsx" in problem.message
    assert "tables.customers" in problem.message


def test_folder_without_any_table_is_an_error(make_bundle):
    report = validate_bundle(make_bundle({"orders_2024.csv": TRANSACTIONS}))
    problem = only(report, "no_tables")
    assert "orders_2024.csv" in problem.message
    assert only(report, "ignored_file", "warning").file == "orders_2024.csv"


def test_responses_without_any_score_is_an_error(make_bundle):
    text = "date,comment\n2024-01-01,hello\n"
    report = validate_bundle(make_bundle({"responses.csv": text}))
    problem = only(report, "no_scores")
    assert problem.file == "responses.csv"


def test_fully_missing_required_column_is_an_error(make_bundle):
    text = "customer_id,date,amount\nC1,2024-03-01,\nC2,2024-03-02,\n"
    report = validate_bundle(make_bundle({"transactions.csv": text}))
    problem = only(report, "empty_column")
    assert (problem.file, problem.column) == ("transactions.csv", "amount")
    assert "fully missing column" in problem.message
    assert "missing_value" not in rules(report)  # reported once, not once per row


def test_empty_optional_column_is_only_a_warning(make_bundle):
    files = clean_files()
    files["customers.csv"] = "customer_id,region\nC1,\nC2,\n"
    report = validate_bundle(make_bundle(files))
    assert report.ok
    assert only(report, "empty_column", "warning").column == "region"


def test_two_files_for_one_table_is_an_error(make_bundle):
    files = clean_files()
    files["Customers.xlsx"] = {"Sheet1": csv_rows(CUSTOMERS)}
    problem = only(validate_bundle(make_bundle(files)), "two_files")
    assert "customers.csv" in problem.message and "Customers.xlsx" in problem.message


def test_unrelated_files_are_ignored_with_a_warning_naming_them(make_bundle):
    files = clean_files() | {"notes.txt": "call the client", "README.md": "about", ".DS_Store": ""}
    report = validate_bundle(make_bundle(files))
    assert report.ok
    assert only(report, "ignored_file", "warning").file == "notes.txt"


# -- bad values ------------------------------------------------------------------------------------


def test_unparsable_dates_report_rows_and_raw_values(make_bundle):
    text = replace_line(TRANSACTIONS, 3, "O2,C2,next Tuesday,40.50,2,Jeans")
    text = replace_line(text, 5, "O4,C3,2024-13-45,99.90,3,Jacket")
    report = validate_bundle(make_bundle({"transactions.csv": text}))
    problem = only(report, "unparsable_date")
    assert (problem.file, problem.column) == ("transactions.csv", "date")
    assert problem.rows == ((3, "next Tuesday"), (5, "2024-13-45"))
    assert problem.n_rows == 2
    assert "dates:" in problem.hint
    assert "row 3: 'next Tuesday'" in report.format()


def test_nps_outside_its_scale_reports_rows_and_values(make_bundle):
    text = RESPONSES.replace("R2,C2,2024-03-04,checkout,3,", "R2,C2,2024-03-04,checkout,11,")
    text = text.replace("R4,,2024-03-11,website,7,", "R4,,2024-03-11,website,-1,")
    report = validate_bundle(make_bundle({"responses.csv": text}))
    problem = only(report, "out_of_scale")
    assert (problem.file, problem.column) == ("responses.csv", "nps")
    assert problem.rows == ((3, "11"), (5, "-1"))
    assert "0–10" in problem.message


def test_non_integer_nps_is_an_error(make_bundle):
    text = RESPONSES.replace("R3,C3,2024-03-10,delivery,10,", "R3,C3,2024-03-10,delivery,7.5,")
    report = validate_bundle(make_bundle({"responses.csv": text}))
    problem = only(report, "non_integer")
    assert (problem.column, problem.rows) == ("nps", ((4, "7.5"),))
    assert "out_of_scale" not in rules(report)


def test_text_in_a_score_column_suggests_recoding(make_bundle):
    text = RESPONSES.replace("R1,C1,2024-03-03,delivery,9,5,", "R1,C1,2024-03-03,delivery,9,Happy,")
    problem = only(validate_bundle(make_bundle({"responses.csv": text})), "not_numeric")
    assert (problem.column, problem.rows) == ("csat", ((2, "Happy"),))
    assert "recode:" in problem.hint and '"Happy"' in problem.hint


def test_decimal_comma_amounts_hint_the_decimal_setting(make_bundle):
    text = replace_line(TRANSACTIONS, 2, 'O1,C1,2024-03-01,"12,50",1,Shirt')
    problem = only(validate_bundle(make_bundle({"transactions.csv": text})), "not_numeric")
    assert (problem.file, problem.column, problem.rows) == (
        "transactions.csv",
        "amount",
        ((2, "12,50"),),
    )
    assert 'decimal: ","' in problem.hint


def test_currency_symbols_in_amounts_hint_their_removal(make_bundle):
    text = replace_line(TRANSACTIONS, 4, "O3,C1,2024-03-05,€12,1,Socks")
    problem = only(validate_bundle(make_bundle({"transactions.csv": text})), "not_numeric")
    assert problem.rows == ((4, "€12"),)
    assert "currency" in problem.hint


def test_duplicate_customer_ids_report_every_occurrence(make_bundle):
    text = CUSTOMERS + "C2,2024-03-01,East,yes\n"  # row 6 repeats C2 from row 3
    problem = only(validate_bundle(make_bundle({"customers.csv": text})), "duplicate_id")
    assert (problem.file, problem.column) == ("customers.csv", "customer_id")
    assert problem.rows == ((3, "C2"), (6, "C2"))
    assert "1 customer id" in problem.message


def test_missing_customer_id_in_transactions_is_an_error(make_bundle):
    text = replace_line(TRANSACTIONS, 5, "O4,,2024-03-09,99.90,3,Jacket")
    problem = only(validate_bundle(make_bundle({"transactions.csv": text})), "missing_value")
    assert (problem.column, problem.rows) == ("customer_id", ((5, None),))


def test_invalid_consent_values_are_reported(make_bundle):
    text = CUSTOMERS.replace("C3,2024-02-01,North,yes", "C3,2024-02-01,North,maybe")
    problem = only(validate_bundle(make_bundle({"customers.csv": text})), "not_boolean")
    assert (problem.column, problem.rows) == ("consent", ((4, "maybe"),))


def test_problem_column_is_named_as_in_the_clients_file(make_bundle):
    text = "Kunde,Datum,Betrag\nC1,2024-03-01,oops\n"
    yml = "columns:\n  transactions: {Kunde: customer_id, Datum: date, Betrag: amount}\n"
    problem = only(validate_bundle(make_bundle({"transactions.csv": text}, yml=yml)), "not_numeric")
    assert (problem.column, problem.rows) == ("Betrag", ((2, "oops"),))


# -- files that cannot be read as tables -----------------------------------------------------------


def test_empty_file_is_an_error(make_bundle):
    files = clean_files() | {"events.csv": b""}
    problem = only(validate_bundle(make_bundle(files)), "empty_file")
    assert problem.file == "events.csv"
    assert "file is empty" in problem.message


def test_header_only_file_is_an_error(make_bundle):
    files = clean_files() | {"events.csv": "customer_id,timestamp,stage\n"}
    problem = only(validate_bundle(make_bundle(files)), "no_data_rows")
    assert problem.file == "events.csv"
    assert "no data rows" in problem.message


def test_row_with_an_unquoted_delimiter_is_located(make_bundle):
    text = RESPONSES.replace("Payment failed twice", "Payment failed, twice")
    problem = only(validate_bundle(make_bundle({"responses.csv": text})), "malformed_file")
    assert problem.rows == ((3, "R2,C2,2024-03-04,checkout,3,2,2,Payment failed, twice"),)


def test_blank_lines_keep_spreadsheet_row_numbers(make_bundle):
    text = "customer_id,date,amount\nC1,2024-03-01,10\n\nC2,2024-03-02,ten\n"
    problem = only(validate_bundle(make_bundle({"transactions.csv": text})), "not_numeric")
    assert problem.rows == ((4, "ten"),)


# -- encodings and delimiters ----------------------------------------------------------------------


def test_latin1_csv_is_accepted_with_values_intact(make_bundle):
    text = "customer_id,name,city\nC1,Zoë Müller,Köln\nC2,José Núñez,Málaga\n"
    bundle = load_bundle(make_bundle({"customers.csv": text}, encoding="latin-1"))
    assert bundle.customers["name"].tolist() == ["Zoë Müller", "José Núñez"]
    assert bundle.customers["city"].tolist() == ["Köln", "Málaga"]


def test_cp1252_euro_sign_survives(make_bundle):
    text = "customer_id,note\nC1,paid 5 € in cash\n"
    bundle = load_bundle(make_bundle({"customers.csv": text}, encoding="cp1252"))
    assert bundle.customers["note"].tolist() == ["paid 5 € in cash"]


def test_utf8_with_bom_is_accepted_with_header_intact(make_bundle):
    text = "customer_id,name\nC1,Zoë\nC2,Müller\n"
    bundle = load_bundle(make_bundle({"customers.csv": text}, encoding="utf-8-sig"))
    assert list(bundle.customers.columns) == ["customer_id", "name"]
    assert bundle.customers["name"].tolist() == ["Zoë", "Müller"]


def test_semicolon_delimited_csv_is_accepted(make_bundle):
    text = "customer_id;date;amount;note\nC1;2024-03-01;12.50;a, b and c\nC2;2024-03-02;7;\n"
    bundle = load_bundle(make_bundle({"transactions.csv": text}))
    assert bundle.transactions["amount"].tolist() == [12.5, 7.0]
    assert bundle.transactions["note"].iloc[0] == "a, b and c"


def test_tab_delimited_csv_is_accepted(make_bundle):
    text = "customer_id\tdate\tamount\nC1\t2024-03-01\t12.50\n"
    bundle = load_bundle(make_bundle({"transactions.csv": text}))
    assert bundle.transactions["amount"].tolist() == [12.5]


def test_german_export_with_declared_decimal_comma(make_bundle):
    text = "Kunde;Datum;Betrag\nC1;01.03.2024;1.234,50\nC2;15.03.2024;-12,00\n"
    yml = (
        "tables:\n"
        '  transactions: {file: transactions.csv, decimal: ","}\n'
        "columns:\n"
        "  transactions: {Kunde: customer_id, Datum: date, Betrag: amount}\n"
    )
    bundle = load_bundle(make_bundle({"transactions.csv": text}, yml=yml))
    assert bundle.transactions["amount"].tolist() == [1234.5, -12.0]
    assert bundle.transactions["date"].tolist() == [
        pd.Timestamp("2024-03-01"),
        pd.Timestamp("2024-03-15"),
    ]


# -- Excel and Parquet -----------------------------------------------------------------------------


def test_excel_with_title_rows_above_the_header_is_accepted(make_bundle):
    rows = [["Survey export – March"], [], *csv_rows(RESPONSES)]
    folder = make_bundle({"responses.xlsx": {"Export": rows}})
    bundle = load_bundle(folder)
    assert len(bundle.responses) == 4
    assert bundle.responses["nps"].tolist() == [9, 3, 10, 7]
    assert bundle.sources["responses"].header_row == 3
    assert bundle.sources["responses"].sheet == "Export"


def test_excel_rows_are_numbered_as_the_sheet_shows_them(make_bundle):
    rows = [["Survey export – March"], [], ["date", "nps"], [dt.datetime(2024, 3, 1), 9]]
    rows.append([dt.datetime(2024, 3, 2), 12])  # sheet row 5
    problem = only(validate_bundle(make_bundle({"responses.xlsx": {"S": rows}})), "out_of_scale")
    assert (problem.file, problem.sheet, problem.rows) == ("responses.xlsx", "S", ((5, "12"),))
    assert "[sheet 'S']" in problem.format()


def test_excel_date_and_number_cells_are_typed_correctly(make_bundle):
    rows = [
        ["customer_id", "date", "amount"],
        ["C1", dt.datetime(2024, 3, 1, 14, 30), 12.5],
        [1002, dt.date(2024, 3, 2), 7],
    ]
    bundle = load_bundle(make_bundle({"transactions.xlsx": {"Sheet1": rows}}))
    t = bundle.transactions
    assert t["customer_id"].tolist() == ["C1", "1002"]
    assert t["date"].tolist() == [pd.Timestamp("2024-03-01 14:30"), pd.Timestamp("2024-03-02")]
    assert t["amount"].tolist() == [12.5, 7.0]


def test_single_workbook_with_sheets_named_like_tables(tmp_path):
    path = write_xlsx(
        tmp_path / "client_export.xlsx",
        {
            "Customers": csv_rows(CUSTOMERS),
            "Transactions": csv_rows(TRANSACTIONS),
            "Notes": [["nothing to see"]],
        },
    )
    bundle = load_bundle(path)
    assert set(bundle.tables) == {"customers", "transactions"}
    assert bundle.sources["transactions"].sheet == "Transactions"
    assert len(bundle.transactions) == 5


def test_folder_holding_one_workbook(make_bundle):
    sheets = {"responses": csv_rows(RESPONSES), "events": csv_rows(EVENTS)}
    bundle = load_bundle(make_bundle({"export.xlsx": sheets}))
    assert set(bundle.tables) == {"responses", "events"}


def test_workbook_sheet_chosen_in_yml(make_bundle):
    sheets = {"Info": [["About this export"]], "Survey": csv_rows(RESPONSES)}
    yml = "tables:\n  responses: {file: export.xlsx, sheet: Survey}\n"
    bundle = load_bundle(make_bundle({"export.xlsx": sheets}, yml=yml))
    assert bundle.sources["responses"].sheet == "Survey"


def test_missing_sheet_named_in_yml_is_an_error(make_bundle):
    yml = "tables:\n  responses: {file: export.xlsx, sheet: Umfrage}\n"
    folder = make_bundle({"export.xlsx": {"Survey": csv_rows(RESPONSES)}}, yml=yml)
    problem = only(validate_bundle(folder), "missing_sheet")
    assert "'Survey'" in problem.hint


def test_parquet_tables_load_with_canonical_dtypes(make_bundle):
    frame = pd.DataFrame(
        {
            "customer_id": [1001, 1002],
            "date": pd.to_datetime(["2024-03-01", "2024-03-02"]),
            "amount": [12.5, 7.0],
        }
    )
    bundle = load_bundle(make_bundle({"transactions.parquet": frame}))
    t = bundle.transactions
    assert t["customer_id"].tolist() == ["1001", "1002"]
    assert t["amount"].dtype == "float64"
    assert t["date"].tolist() == [pd.Timestamp("2024-03-01"), pd.Timestamp("2024-03-02")]


def test_parquet_rows_are_counted_from_one(make_bundle):
    frame = pd.DataFrame({"date": ["2024-03-01", "2024-03-02"], "nps": [9, 14]})
    problem = only(validate_bundle(make_bundle({"responses.parquet": frame})), "out_of_scale")
    assert problem.rows == ((2, 14),)


# -- cxlab.yml -------------------------------------------------------------------------------------


def test_invalid_yaml_names_the_file_line_and_column(make_bundle):
    yml = "client: Acme\ncolumns:\n  responses: {Score: nps\n"
    report = validate_bundle(make_bundle(clean_files(), yml=yml))
    problem = only(report, "invalid_yaml")
    assert problem.file == "cxlab.yml"
    assert "line 4" in problem.message and "column" in problem.message
    assert problem.hint


def test_tab_indentation_gets_a_specific_hint(make_bundle):
    yml = "columns:\n\tresponses: {Score: nps}\n"
    problem = only(validate_bundle(make_bundle(clean_files(), yml=yml)), "invalid_yaml")
    assert "tab" in problem.hint


def test_unquoted_percent_date_format_gets_a_specific_hint(make_bundle):
    yml = "dates:\n  transactions: {date: %d/%m/%Y}\n"
    problem = only(validate_bundle(make_bundle(clean_files(), yml=yml)), "invalid_yaml")
    assert "quote" in problem.hint


def test_read_config_raises_config_error_for_invalid_yaml(make_bundle):
    folder = make_bundle({}, yml="scales: [csat\n")
    with pytest.raises(ConfigError) as info:
        read_config(folder)
    assert info.value.problem.file == "cxlab.yml"
    assert "line" in str(info.value)


def test_read_config_without_file_gives_defaults(tmp_path):
    config = read_config(tmp_path)
    assert (config.csat_scale.min, config.csat_scale.max, config.csat_scale.satisfied) == (1, 5, 4)
    assert (config.ces_scale.max, config.ces_scale.direction) == (7, "higher_is_easier")
    assert config.churn.inactive_days == 180 and config.churn.label is None
    assert config.source is None


def test_read_config_of_a_missing_folder_raises(tmp_path):
    with pytest.raises(FileNotFoundError):
        read_config(tmp_path / "nowhere")


def test_read_config_reads_every_section(make_bundle):
    yml = """\
client: Threadline Apparel
currency: gbp
tables:
  transactions:
    file: orders.csv
    delimiter: tab
    encoding: cp1252
    decimal: ","
  responses: {file: export.xlsx, sheet: Survey, header_row: 3}
columns:
  responses: {"Likelihood to recommend": nps}
recode:
  customers:
    consent: {Yes: true, No: false}
dates:
  transactions: {date: "%d/%m/%Y"}
scales:
  csat: {min: 1, max: 10, satisfied: 9}
  ces: {min: 1, max: 5, direction: higher_is_harder}
  items: {min: 1, max: 7}
drivers: [quality, speed]
sensitive: gender
consent: marketing_ok
churn: {label: churned}
"""
    config = read_config(make_bundle({}, yml=yml))
    assert config.client == "Threadline Apparel" and config.currency == "GBP"
    orders = config.tables["transactions"]
    assert (orders.file, orders.delimiter, orders.encoding, orders.decimal) == (
        "orders.csv",
        "\t",
        "cp1252",
        ",",
    )
    assert config.tables["responses"].header_row == 3
    assert config.columns == {"responses": {"Likelihood to recommend": "nps"}}
    assert config.recode["customers"]["consent"] == {"Yes": True, "No": False}
    assert config.dates == {"transactions": {"date": "%d/%m/%Y"}}
    assert (config.csat_scale.max, config.csat_scale.satisfied) == (10, 9)
    assert (config.ces_scale.max, config.ces_scale.direction) == (5, "higher_is_harder")
    assert (config.item_scale.min, config.item_scale.max) == (1, 7)
    assert config.drivers == ("quality", "speed")
    assert config.sensitive == ("gender",)
    assert config.consent == "marketing_ok"
    assert (config.churn.label, config.churn.inactive_days) == ("churned", None)


@pytest.mark.parametrize(
    ("scale", "line"),
    [
        ("csat: {min: 1, max: 6}", "CSAT scale of 1–6"),
        ("ces: {min: 1, max: 10}", "CES scale of 1–10"),
        ("nps: {min: 1, max: 5}", "NPS is always asked on 0–10"),
        ("csat: {min: 1, max: 5, satisfied: 6}", "satisfied threshold 6"),
        ("ces: {min: 1, max: 7, direction: up}", "direction must be"),
        ("csat: {min: one, max: 5}", "expected a whole number"),
    ],
)
def test_invalid_scales_raise_config_error(make_bundle, scale, line):
    folder = make_bundle({}, yml=f"scales:\n  {scale}\n")
    with pytest.raises(ConfigError, match=line) as info:
        read_config(folder)
    assert "line 2" in info.value.problem.message


@pytest.mark.parametrize(
    "churn",
    ["churn: {label: churned, inactive_days: 90}", "churn: {}", "churn: {inactive_days: 0}"],
)
def test_churn_needs_exactly_one_valid_rule(make_bundle, churn):
    with pytest.raises(ConfigError, match="churn"):
        read_config(make_bundle({}, yml=churn + "\n"))


def test_config_errors_become_problems_in_the_report(make_bundle):
    yml = "scales:\n  csat: {min: 1, max: 6}\ncurrency: euros\n"
    report = validate_bundle(make_bundle(clean_files(), yml=yml))
    assert rules(report) == ["invalid_config", "invalid_config"]
    assert all(p.file == "cxlab.yml" for p in report.errors)


def test_unknown_top_level_key_warns_with_a_suggestion(make_bundle):
    folder = make_bundle(clean_files(), yml="colums:\n  responses: {Score: nps}\n")
    config = read_config(folder)
    assert [p.rule for p in config.problems] == ["unknown_key"]
    report = validate_bundle(folder)
    problem = only(report, "unknown_key", "warning")
    assert "'columns'" in problem.hint
    assert report.ok


def test_duplicate_yaml_key_is_an_error(make_bundle):
    yml = "client: Acme\nclient: Other\n"
    problem = only(validate_bundle(make_bundle(clean_files(), yml=yml)), "duplicate_key")
    assert "line 2" in problem.message


@pytest.mark.parametrize(
    ("yml", "where"),
    [
        ("columns:\n  responses: {Score: nps}\n", "columns.responses"),
        ("recode:\n  customers:\n    status: {A: 1}\n", "recode.customers"),
        ('dates:\n  events: {time: "%d.%m.%Y"}\n', "dates.events"),
        ("drivers: [quality]\n", "drivers"),
        ("sensitive: [gender]\n", "sensitive"),
        ("consent: marketing_ok\n", "consent"),
        ("churn: {label: churned}\n", "churn.label"),
    ],
)
def test_unknown_columns_named_in_yml_are_errors_at_cxlab_yml(make_bundle, yml, where):
    report = validate_bundle(make_bundle(clean_files(), yml=yml))
    problem = only(report, "unknown_column")
    assert problem.file == "cxlab.yml"
    assert problem.message.startswith(where)
    assert problem.column in yml
    assert "columns are:" in problem.hint
    assert "(line " in problem.message


def test_unknown_column_suggests_the_closest_existing_one(make_bundle):
    yml = "drivers: [delivery_sped]\n"
    text = "date,nps,delivery_speed\n2024-01-01,9,4\n"
    problem = only(validate_bundle(make_bundle({"responses.csv": text}, yml=yml)), "unknown_column")
    assert "did you mean 'delivery_speed'" in problem.hint


# -- every problem at once -------------------------------------------------------------------------


def test_every_problem_is_reported_at_once(make_bundle):
    files = clean_files()
    files["customers.csv"] = CUSTOMERS + "C1,2024-03-01,East,no\n"
    files["transactions.csv"] = replace_line(TRANSACTIONS, 3, "O2,C2,31/02/2024,40.50,2,Jeans")
    files["responses.csv"] = RESPONSES.replace(",5,6,Fast", ",5,9,Fast")
    report = validate_bundle(make_bundle(files))
    assert rules(report) == ["duplicate_id", "out_of_scale", "unparsable_date"]
    assert [p.file for p in report.errors] == ["customers.csv", "transactions.csv", "responses.csv"]


def test_load_bundle_raises_bundle_error_carrying_the_report(make_bundle):
    files = clean_files() | {"responses.csv": RESPONSES.replace(",5,6,Fast", ",5,9,Fast")}
    with pytest.raises(BundleError) as info:
        load_bundle(make_bundle(files))
    assert [p.rule for p in info.value.report.errors] == ["out_of_scale"]
    assert "responses.csv" in str(info.value)


def test_validate_false_returns_a_bundle_with_unparsable_values_missing(make_bundle):
    files = clean_files() | {"responses.csv": RESPONSES.replace(",5,6,Fast", ",5,x,Fast")}
    bundle = load_bundle(make_bundle(files), validate=False)
    assert bundle.responses["ces"].isna().tolist() == [True, False, False, False]


def test_validate_false_still_raises_when_a_table_cannot_be_built(make_bundle):
    files = {"transactions.csv": TRANSACTIONS.replace("amount", "Betrag")}
    with pytest.raises(BundleError, match="missing"):
        load_bundle(make_bundle(files), validate=False)


def test_missing_path_is_reported_not_raised(tmp_path):
    report = validate_bundle(tmp_path / "nowhere")
    assert rules(report) == ["not_found"]


# -- declared scales -------------------------------------------------------------------------------


def test_declared_csat_1_to_10_accepts_8_and_rejects_11(make_bundle):
    text = "date,csat\n2024-01-01,8\n2024-01-02,10\n2024-01-03,11\n"
    yml = "scales:\n  csat: {min: 1, max: 10, satisfied: 8}\n"
    folder = make_bundle({"responses.csv": text}, yml=yml)
    problem = only(validate_bundle(folder), "out_of_scale")
    assert problem.rows == ((4, "11"),)
    assert "1–10" in problem.message
    assert read_config(folder).csat_scale.satisfied == 8


def test_default_csat_scale_rejects_values_a_1_to_10_survey_allows(make_bundle):
    text = "date,csat\n2024-01-01,8\n2024-01-02,4\n"
    problem = only(validate_bundle(make_bundle({"responses.csv": text})), "out_of_scale")
    assert problem.rows == ((2, "8"),)
    assert "scales:" in problem.hint


def test_declared_csat_0_to_5_accepts_zero(make_bundle):
    text = "date,csat\n2024-01-01,0\n2024-01-02,5\n"
    assert not validate_bundle(make_bundle({"responses.csv": text})).ok
    yml = "scales:\n  csat: {min: 0, max: 5}\n"
    assert validate_bundle(make_bundle({"responses.csv": text}, yml=yml)).ok


def test_declared_ces_1_to_5_higher_is_harder(make_bundle):
    text = "date,ces\n2024-01-01,5\n2024-01-02,6\n"
    yml = "scales:\n  ces: {min: 1, max: 5, direction: higher_is_harder}\n"
    folder = make_bundle({"responses.csv": text}, yml=yml)
    problem = only(validate_bundle(folder), "out_of_scale")
    assert problem.rows == ((3, "6"),)
    assert read_config(folder).ces_scale.direction == "higher_is_harder"


def test_driver_items_are_checked_against_the_item_scale(make_bundle):
    text = "date,nps,quality,speed\n2024-01-01,9,5,4\n2024-01-02,7,6,3\n"
    yml = "drivers: [quality, speed]\nscales:\n  items: {min: 1, max: 5}\n"
    report = validate_bundle(make_bundle({"responses.csv": text}, yml=yml))
    problem = only(report, "out_of_scale")
    assert (problem.column, problem.rows) == ("quality", ((3, "6"),))


def test_undeclared_rating_columns_become_int64_driver_candidates(make_bundle):
    text = "date,nps,quality\n2024-01-01,9,5\n2024-01-02,7,3\n"
    bundle = load_bundle(make_bundle({"responses.csv": text}))
    assert bundle.responses["quality"].dtype == "Int64"


# -- recoding and dates ----------------------------------------------------------------------------


def test_recode_yes_no_consent_to_boolean(make_bundle):
    text = "customer_id,marketing_ok\nC1,Yes\nC2,No\nC3,\n"
    yml = "consent: marketing_ok\nrecode:\n  customers:\n    marketing_ok: {Yes: true, No: false}\n"
    bundle = load_bundle(make_bundle({"customers.csv": text}, yml=yml))
    assert bundle.customers["marketing_ok"].dtype == "boolean"
    assert bundle.customers["marketing_ok"].tolist() == [True, False, pd.NA]


def test_german_ja_nein_needs_a_recode_and_works_with_one(make_bundle):
    text = "customer_id,consent\nC1,Ja\nC2,Nein\n"
    problem = only(validate_bundle(make_bundle({"customers.csv": text})), "not_boolean")
    assert problem.rows == ((2, "Ja"), (3, "Nein"))
    yml = "recode:\n  customers:\n    consent: {ja: true, nein: false}\n"
    bundle = load_bundle(make_bundle({"customers.csv": text}, yml=yml))
    assert bundle.customers["consent"].tolist() == [True, False]


def test_recode_text_csat_ratings(make_bundle):
    text = (
        "date,Satisfaction\n2024-01-01,Very satisfied\n2024-01-02,neutral\n"
        "2024-01-03,Dissatisfied\n"
    )
    yml = """\
columns:
  responses: {Satisfaction: csat}
recode:
  responses:
    csat: {"Very dissatisfied": 1, "Dissatisfied": 2, "Neutral": 3, "Satisfied": 4,
           "Very satisfied": 5}
"""
    bundle = load_bundle(make_bundle({"responses.csv": text}, yml=yml))
    assert bundle.responses["csat"].tolist() == [5, 3, 2]


def test_unmatched_recode_values_are_caught_by_the_type_rules(make_bundle):
    text = "date,csat\n2024-01-01,Satisfied\n2024-01-02,Meh\n"
    yml = 'recode:\n  responses:\n    csat: {"Satisfied": 4}\n'
    problem = only(validate_bundle(make_bundle({"responses.csv": text}, yml=yml)), "not_numeric")
    assert problem.rows == ((3, "Meh"),)


def test_declared_date_format_decides_day_and_month(make_bundle):
    text = "customer_id,date,amount\nC1,03/04/2024,1\nC2,12/01/2024 ,2\n"
    yml = 'dates:\n  transactions: {date: "%m/%d/%Y"}\n'
    bundle = load_bundle(make_bundle({"transactions.csv": text}, yml=yml))
    assert bundle.transactions["date"].tolist() == [
        pd.Timestamp("2024-03-04"),
        pd.Timestamp("2024-12-01"),
    ]


def test_values_not_matching_a_declared_format_name_it_in_the_hint(make_bundle):
    text = "customer_id,date,amount\nC1,03/04/2024,1\nC2,2024.01.12,2\n"
    yml = 'dates:\n  transactions: {date: "%d/%m/%Y"}\n'
    report = validate_bundle(make_bundle({"transactions.csv": text}, yml=yml))
    problem = only(report, "unparsable_date")
    assert problem.rows == ((3, "2024.01.12"),)
    assert "%d/%m/%Y" in problem.hint


def test_day_first_dates_are_inferred_when_unambiguous(make_bundle):
    text = "customer_id,date,amount\nC1,25/03/2024,1\nC2,02/04/2024,2\n"
    report = validate_bundle(make_bundle({"transactions.csv": text}))
    assert report.ok and "ambiguous_date" not in rules(report, "warning")
    bundle = load_bundle(make_bundle({"transactions.csv": text}))
    assert bundle.transactions["date"].iloc[1] == pd.Timestamp("2024-04-02")


def test_ambiguous_dates_load_day_first_with_a_warning(make_bundle):
    text = "customer_id,date,amount\nC1,03/04/2024,1\nC2,05/06/2024,2\n"
    report = validate_bundle(make_bundle({"transactions.csv": text}))
    problem = only(report, "ambiguous_date", "warning")
    assert "%d/%m/%Y" in problem.message and "dates:" in problem.hint


def test_dates_with_time_zones_become_utc_without_zone(make_bundle):
    text = "customer_id,timestamp,stage\nC1,2024-03-01T10:00:00+02:00,visit\n"
    bundle = load_bundle(make_bundle({"events.csv": text}))
    assert bundle.events["timestamp"].tolist() == [pd.Timestamp("2024-03-01 08:00")]


# -- warnings do not fail --------------------------------------------------------------------------


def test_warnings_do_not_fail_loading(make_bundle):
    files = clean_files()
    files["transactions.csv"] = TRANSACTIONS + "O6,C99,2024-03-13,10.00,1,Hat\n"
    files["responses.csv"] = RESPONSES + "R5,C1,2099-01-01,website,,,,no score\n"
    files["export_old.json"] = "{}"
    bundle = load_bundle(make_bundle(files))
    assert rules(bundle.report, "warning") == [
        "future_date",
        "ignored_file",
        "negative_amount",
        "no_score",
        "unknown_customer",
    ]
    orphan = only(bundle.report, "unknown_customer", "warning")
    assert (orphan.file, orphan.rows) == ("transactions.csv", ((7, "C99"),))
    future = only(bundle.report, "future_date", "warning")
    assert future.rows == ((6, "2099-01-01"),)
    assert len(bundle.transactions) == 6


def test_refunds_are_counted(make_bundle):
    text = TRANSACTIONS + "O6,C2,2024-03-13,-7.50,1,Jeans\n"
    problem = only(
        validate_bundle(make_bundle({"transactions.csv": text})), "negative_amount", "warning"
    )
    assert problem.n_rows == 2
    assert "-12.50" in problem.message


def test_decimal_option_without_file_applies_to_the_file_found_by_name(make_bundle):
    text = "customer_id;date;amount\nC1;2024-03-01;12,50\n"
    yml = 'tables:\n  transactions: {decimal: ","}\n'
    bundle = load_bundle(make_bundle({"transactions.csv": text}, yml=yml))
    assert bundle.transactions["amount"].tolist() == [12.5]


def test_table_file_mapped_in_yml_replaces_the_file_named_like_the_table(make_bundle):
    files = {"orders.csv": TRANSACTIONS, "transactions.csv": "customer_id,date,amount\n"}
    report = validate_bundle(make_bundle(files, yml="tables:\n  transactions: orders.csv\n"))
    assert report.ok, report.format()
    assert only(report, "ignored_file", "warning").file == "transactions.csv"


def test_utf16_export_with_byte_order_mark_is_accepted(make_bundle):
    text = "customer_id\tname\nC1\tZoë\n"
    bundle = load_bundle(make_bundle({"customers.csv": text}, encoding="utf-16"))
    assert bundle.customers["name"].tolist() == ["Zoë"]


def test_csv_title_rows_above_the_header_are_skipped(make_bundle):
    text = "Orders export – March\n\n" + TRANSACTIONS.replace("25.00", "25 EUR")
    problem = only(validate_bundle(make_bundle({"transactions.csv": text})), "not_numeric")
    assert problem.rows == ((4, "25 EUR"),)  # header on row 3, first data row 4


def test_damaged_workbook_is_reported_not_raised(make_bundle):
    problem = only(
        validate_bundle(make_bundle({"responses.xlsx": b"not a zip"})), "unreadable_file"
    )
    assert problem.file == "responses.xlsx"


def test_old_xls_format_is_an_error_with_a_conversion_hint(make_bundle):
    problem = only(
        validate_bundle(make_bundle({"customers.xls": b"\xd0\xcf"})), "unsupported_format"
    )
    assert ".xlsx" in problem.message


def test_repeated_contract_header_is_an_error(make_bundle):
    text = "date,nps,NPS\n2024-01-01,9,8\n"
    problem = only(validate_bundle(make_bundle({"responses.csv": text})), "duplicate_column")
    assert problem.column == "NPS"


def test_values_under_an_empty_header_are_kept_with_a_warning(make_bundle):
    text = "date,nps,\n2024-01-01,9,x\n"
    folder = make_bundle({"responses.csv": text})
    problem = only(validate_bundle(folder), "unnamed_column", "warning")
    assert problem.column == "column C"
    assert load_bundle(folder).responses["column C"].tolist() == ["x"]


def test_each_file_is_read_once(make_bundle, monkeypatch):
    calls = []
    real = pd.read_csv

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(pd, "read_csv", counting)
    load_bundle(make_bundle(clean_files()))
    assert len(calls) == 4


# -- properties ------------------------------------------------------------------------------------


@contextmanager
def _responses_folder(column: str, scores: list[int], yml: str = "") -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        lines = [f"date,{column}"]
        lines += [f"2024-01-{1 + i % 28:02d},{s}" for i, s in enumerate(scores)]
        (folder / "responses.csv").write_text("\n".join(lines) + "\n")
        if yml:
            (folder / "cxlab.yml").write_text(yml)
        yield folder


#: (column, cxlab.yml, lowest, highest) for every scale a client may declare.
SCALES = [
    ("nps", "", 0, 10),
    ("csat", "", 1, 5),
    ("csat", "scales:\n  csat: {min: 1, max: 7}\n", 1, 7),
    ("csat", "scales:\n  csat: {min: 1, max: 10}\n", 1, 10),
    ("csat", "scales:\n  csat: {min: 0, max: 5}\n", 0, 5),
    ("ces", "", 1, 7),
    ("ces", "scales:\n  ces: {min: 1, max: 5}\n", 1, 5),
]


@st.composite
def scored(draw, *, valid: bool):
    column, yml, lo, hi = draw(st.sampled_from(SCALES))
    inside = st.integers(lo, hi)
    if valid:
        scores = draw(st.lists(inside, min_size=1, max_size=40))
    else:
        outside = st.one_of(st.integers(hi + 1, 10**6), st.integers(-(10**6), lo - 1))
        scores = draw(
            st.lists(st.one_of(inside, outside), min_size=1, max_size=40).filter(
                lambda xs: any(not lo <= x <= hi for x in xs)
            )
        )
    return column, yml, lo, hi, scores


@settings(
    max_examples=30, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(scored(valid=True))
def test_valid_score_columns_always_load(case):
    column, yml, _, _, scores = case
    with _responses_folder(column, scores, yml) as folder:
        bundle = load_bundle(folder)
    assert bundle.responses[column].tolist() == scores


@settings(
    max_examples=30, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(scored(valid=False))
def test_out_of_scale_scores_always_reported_at_the_right_rows(case):
    column, yml, lo, hi, scores = case
    with _responses_folder(column, scores, yml) as folder:
        report = validate_bundle(folder)
    bad = [(i + 2, str(s)) for i, s in enumerate(scores) if not lo <= s <= hi]
    problem = only(report, "out_of_scale")
    assert problem.column == column
    assert problem.n_rows == len(bad)
    assert list(problem.rows) == bad[:5]


# -- the demo clients ------------------------------------------------------------------------------

try:
    from cxlab.datasets import DEMOS, demo_path
except ImportError as exc:  # reported by test_demo_clients_are_available, not skipped
    DEMOS, demo_path, _DEMO_IMPORT_ERROR = (), None, exc
else:
    _DEMO_IMPORT_ERROR = None


def test_demo_clients_are_available():
    assert _DEMO_IMPORT_ERROR is None, f"cxlab.datasets cannot be imported: {_DEMO_IMPORT_ERROR}"
    assert len(DEMOS) == 4


@pytest.mark.parametrize("name", DEMOS)
def test_demo_client_validates_and_loads(name):
    folder = demo_path(name)
    report = validate_bundle(folder)
    assert report.ok, report.format()
    bundle = load_bundle(folder)
    assert bundle.tables
    for df in bundle.tables.values():
        assert len(df) > 0
