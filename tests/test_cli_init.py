"""`cxlab init PATH`: a commented draft cxlab.yml for a folder of exports, which then validates.

Each export shape is written here by hand (or from a small DataFrame), so the draft's guesses can
be checked against what the test planted: which file is which table, which column is which, the
scales and date formats, the personal data. Where a draft cannot validate by itself (an invoice
export has no line amount), the test makes the edit the draft's comments document — deleting
the "# " of one line — and validates again.
"""

from __future__ import annotations

import gzip
import os

import pandas as pd
import pytest
import yaml
from conftest import clean_files
from test_contract_eventlogs import xes_log

from cxlab.cli import main
from cxlab.contract import _yaml, draft_config, load_bundle, validate_bundle
from cxlab.contract._init import yaml_text


def init(folder, *extra: str) -> int:
    return main(["init", *extra, str(folder)])


def draft_of(folder) -> str:
    return (folder / "cxlab.yml").read_text(encoding="utf-8")


def live(text: str) -> dict:
    """The draft as YAML; its top-level keys must all be keys cxlab.yml knows."""
    data = yaml.safe_load(text) or {}
    assert set(data) <= set(_yaml._TOP_KEYS), set(data) - set(_yaml._TOP_KEYS)
    return data


def uncomment(folder, start: str) -> None:
    """The documented edit: delete the '# ' in front of the one line that starts with ``start``."""
    path = folder / "cxlab.yml"
    lines = path.read_text(encoding="utf-8").split("\n")
    hits = [i for i, line in enumerate(lines) if line.lstrip().startswith("# " + start)]
    assert len(hits) == 1, (start, hits)
    line = lines[hits[0]]
    pad = len(line) - len(line.lstrip())
    lines[hits[0]] = line[:pad] + line[pad + 2 :]
    path.write_text("\n".join(lines), encoding="utf-8")


def assert_ok(folder, *warnings: str) -> None:
    report = validate_bundle(folder)
    assert report.ok, report.format()
    assert sorted(p.rule for p in report.warnings) == sorted(warnings), report.format()


# -- (a) a folder of contract-like files ---------------------------------------------------------


def test_contract_like_folder_drafts_without_renames_and_validates(make_bundle, capsys):
    folder = make_bundle(clean_files(), name="shop")
    assert init(folder) == 0
    out = capsys.readouterr().out
    assert f"wrote {folder / 'cxlab.yml'}, a draft to check:" in out
    for name, table in (
        ("customers.csv", "customers (4 rows)"),
        ("transactions.csv", "transactions (5 rows)"),
        ("responses.csv", "responses (4 rows)"),
        ("events.csv", "events (4 rows)"),
    ):
        assert f"  {name} -> {table}" in out
    assert out.rstrip().endswith(f"then run: cxlab validate {folder}")
    text = draft_of(folder)
    data = live(text)
    assert "columns" not in data and "tables" not in data  # every name already fits
    assert "# 'customer_id' is customer_id by its name" in text
    assert "# client: shop" in text and "# industry:" in text and "# churn:" in text
    assert_ok(folder, "negative_amount")  # the clean transactions hold one refund


# -- (b) an invoice-line export ------------------------------------------------------------------

INVOICES = (
    "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
    "536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,12/1/2010 8:26,2.55,17850,United Kingdom\n"
    "536365,71053,WHITE METAL LANTERN,6,12/1/2010 8:26,3.39,17850,United Kingdom\n"
    "536366,22633,HAND WARMER UNION JACK,6,12/1/2010 8:28,1.85,17850,United Kingdom\n"
    "536367,84879,ASSORTED COLOUR BIRD ORNAMENT,32,12/1/2010 8:34,1.69,13047,United Kingdom\n"
    "536367,22745,POPPY'S PLAYHOUSE BEDROOM,6,12/1/2010 8:34,2.10,13047,United Kingdom\n"
    "536370,22728,ALARM CLOCK BAKELIKE PINK,24,12/13/2010 8:45,3.75,12583,France\n"
    "536370,POST,POSTAGE,3,12/13/2010 8:45,18.00,12583,France\n"
    "C536379,D,Discount,-1,12/14/2010 9:41,27.50,14527,United Kingdom\n"
    "536381,22719,GUMBALL MONOCHROME COAT RACK,36,12/14/2010 9:41,1.06,15311,United Kingdom\n"
)


def test_invoice_export_validates_after_the_documented_amount_edit(make_bundle, capsys):
    folder = make_bundle({"Online Retail.csv": INVOICES})
    assert init(folder) == 0
    assert "  Online Retail.csv -> transactions (9 rows)" in capsys.readouterr().out
    text = draft_of(folder)
    data = live(text)
    assert data["tables"] == {"transactions": "Online Retail.csv"}
    assert data["columns"]["transactions"] == {
        "InvoiceNo": "order_id",
        "Description": "product",
        "InvoiceDate": "date",
    }
    # 13 and 14 can only be days: the dates are month-first
    assert data["dates"] == {"transactions": {"date": "%m/%d/%Y %H:%M"}}
    assert "'CustomerID' is customer_id by its name" in text
    assert "'Quantity' is quantity by its name" in text
    assert "DECIDE amount: no column holds a line's amount; it is 'Quantity' × 'UnitPrice'" in text
    report = validate_bundle(folder)
    assert [p.rule for p in report.errors] == ["missing_column"]
    assert report.errors[0].column == "amount"

    uncomment(folder, "UnitPrice: amount")
    assert_ok(folder)
    transactions = load_bundle(folder).transactions
    assert len(transactions) == 9
    assert transactions["order_id"].tolist()[-2:] == ["C536379", "536381"]
    assert transactions["date"].iloc[5] == pd.Timestamp("2010-12-13 08:45")
    assert transactions["quantity"].min() == -1
    assert transactions["Country"].tolist().count("France") == 2


# -- (c) a survey export -------------------------------------------------------------------------

RECOMMEND = "How likely are you to recommend us to a friend or colleague?"
SATISFIED = "Overall, how satisfied were you?"
ITEMS = ["Q1 Staff were friendly", "Q2 Waiting time", "Q3 Cleanliness", "Q4 Value for money"]


def survey() -> pd.DataFrame:
    answers = [
        # submitted, recommend, satisfied, items…, comment
        ("14/05/2024 09:12", 9, 5, 5, 4, 5, 4, "Lovely staff"),
        ("14/05/2024 10:40", 10, 5, 5, 5, 4, 5, None),
        ("15/05/2024 12:03", 6, 3, 4, 2, 3, 3, "Waited far too long at the counter"),
        ("16/05/2024 16:30", 8, 4, 4, 3, 4, 4, None),
        ("17/05/2024 11:15", 3, 2, 2, 1, 3, 2, "Cold food, nobody came to ask"),
        ("18/05/2024 19:45", 9, 4, 5, 4, 4, 3, None),
        ("20/05/2024 13:20", 7, 4, 3, 3, 5, 4, "Fine"),
        ("21/05/2024 18:05", 0, 1, 1, 1, 2, 1, "Never again"),
    ]
    columns = ["Submitted", RECOMMEND, SATISFIED, *ITEMS, "Comments"]
    return pd.DataFrame(answers, columns=columns)


def test_survey_export_drafts_scores_items_and_day_first_dates(make_bundle, capsys):
    folder = make_bundle({"survey_export.csv": survey().to_csv()})  # with pandas' index column
    assert init(folder) == 0
    out = capsys.readouterr().out
    assert "  survey_export.csv -> responses (8 rows)" in out
    text = draft_of(folder)
    data = live(text)
    assert data["columns"]["responses"] == {
        "Submitted": "date",
        RECOMMEND: "nps",
        SATISFIED: "csat",
        "Comments": "comment",
    }
    assert data["dates"] == {"responses": {"date": "%d/%m/%Y %H:%M"}}
    assert data["scales"] == {"csat": {"min": 1, "max": 5}, "items": {"min": 1, "max": 5}}
    assert "drivers" not in data  # the consultant decides; the found items are a comment
    assert "# drivers: [" + ", ".join(ITEMS) + "]" in text
    assert "the first column has no header and numbers the rows" in text
    assert "is the NPS question: always 0–10" in text
    assert_ok(folder, "index_column")

    uncomment(folder, "drivers:")
    assert_ok(folder, "index_column")
    bundle = load_bundle(folder)
    assert bundle.config.drivers == tuple(ITEMS)
    assert bundle.responses["nps"].tolist() == [9, 10, 6, 8, 3, 9, 7, 0]
    assert bundle.responses["date"].iloc[0] == pd.Timestamp("2024-05-14 09:12")


def test_ambiguous_dates_are_left_to_decide(make_bundle):
    frame = survey()
    frame["Submitted"] = [f"0{d}/05/2024" for d in range(1, 9)]  # every day is 12 or less
    folder = make_bundle({"survey.csv": frame.to_csv(index=False)})
    assert init(folder) == 0
    text = draft_of(folder)
    assert "dates" not in live(text)
    assert '# date: "%d/%m/%Y"' in text and "DECIDE: no day above 12" in text
    assert '"%m/%d/%Y"' in text
    assert_ok(folder, "ambiguous_date")


# -- (d) an event log ----------------------------------------------------------------------------


def test_event_log_drafts_the_xes_mapping(make_bundle, capsys):
    log = gzip.compress(xes_log().encode(), mtime=0)
    folder = make_bundle({"process_export.xes.gz": log})
    assert init(folder) == 0
    assert "  process_export.xes.gz -> events (90 events)" in capsys.readouterr().out
    text = draft_of(folder)
    data = live(text)
    assert data["tables"] == {"events": "process_export.xes.gz"}
    assert data["columns"]["events"] == {
        "case:concept:name": "customer_id",
        "concept:name": "stage",
        "time:timestamp": "timestamp",
    }
    assert "25 activities become stages" in text
    assert "once per lifecycle transition ('start', 'complete')" in text
    assert "with UTC offsets: read as UTC" in text
    assert_ok(folder)
    assert len(load_bundle(folder).events) == 90


# -- more shapes ---------------------------------------------------------------------------------


def test_customer_list_with_personal_data_flags_it(make_bundle, capsys):
    customers = (
        "Kundennr;Vorname;Email;Telefon;Geschlecht;Newsletter;Registriert\n"
        "K-101;Anna;anna@example.com;030 1234567;w;Yes;04.01.2024\n"
        "K-102;Ben;ben@example.org;0170 2345678;m;No;19.01.2024\n"
        "K-103;Cem;cem@example.net;040 7654321;m;yes;11.02.2024\n"
    )
    folder = make_bundle({"kunden.csv": customers})
    assert init(folder) == 0
    out = capsys.readouterr().out
    assert "kunden.csv -> customers (3 rows)" in out
    assert "personal data suspected" in out
    for column, what in (
        ("Vorname", "names"),
        ("Email", "e-mail addresses"),
        ("Telefon", "phone numbers"),
    ):
        assert f"kunden.csv > '{column}': {what}" in out
    text = draft_of(folder)
    data = live(text)
    assert data["columns"]["customers"] == {"Kundennr": "customer_id", "Registriert": "signup_date"}
    assert data["sensitive"] == ["Geschlecht"]
    assert data["consent"] == "Newsletter"
    assert data["dates"] == {"customers": {"signup_date": "%d.%m.%Y"}}
    assert "PERSONAL DATA?" in text
    assert_ok(folder)


def test_header_below_a_data_like_preamble_gets_header_row(make_bundle):
    text = (
        "Exported,2024-04-02,by,admin\n"
        "Period,2024-03-01,to,2024-03-31\n"
        "\n"
        "Kunde,Datum,Betrag,Artikel\n"
        "K1,2024-03-01,25.00,Shirt\n"
        "K2,2024-03-02,40.50,Jeans\n"
        "K1,2024-03-05,12.25,Socks\n"
    )
    folder = make_bundle({"orders.csv": text})
    assert init(folder) == 0
    draft = draft_of(folder)
    data = live(draft)
    assert data["tables"] == {"transactions": {"file": "orders.csv", "header_row": 4}}
    assert data["columns"]["transactions"] == {
        "Kunde": "customer_id",
        "Datum": "date",
        "Betrag": "amount",
        "Artikel": "product",
    }
    assert_ok(folder)
    assert load_bundle(folder).transactions["amount"].sum() == pytest.approx(77.75)


def test_unrecognised_and_unreadable_files_are_listed(make_bundle, capsys):
    folder = make_bundle(
        {
            "transactions.csv": clean_files()["transactions.csv"],
            "notes.csv": "just,some\nwords,here\n",
            "old.xls": b"\xd0\xcf\x11\xe0 old workbook",
            "picture.png": b"\x89PNG\r\n\x1a\n",
        }
    )
    assert init(folder) == 0
    out = capsys.readouterr().out
    assert "  notes.csv -> not recognised as one of the four tables" in out
    assert "  old.xls -> cannot be read: the old .xls format cannot be read" in out
    assert "  picture.png -> not a table file" in out
    text = draft_of(folder)
    assert "# -- files not used" in text and "# notes.csv: not recognised" in text
    live(text)


def test_client_text_cannot_inject_settings(make_bundle):
    header = '"Score\nchurn: {label: x}\nclient: Evil",date\n'
    rows = '"9\n# drivers: [a]\nindustry: evil",2024-03-01\n7,2024-03-02\n'
    folder = make_bundle({"responses.csv": header + rows})
    (folder / "weird\nname: 1 #.csv").write_text("a\n\x1b[31mred\u202e\n")
    assert init(folder) == 0
    text = draft_of(folder)
    data = live(text)
    assert set(data) <= {"columns", "tables", "dates", "scales"}
    for line in text.split("\n"):
        assert line.isprintable(), repr(line)
        assert not line.startswith(("churn", "client", "industry", "drivers", "name"))
    validate_bundle(folder)  # reads the draft without an invalid_yaml error
    assert not [p for p in validate_bundle(folder).problems if p.rule == "invalid_yaml"]


@pytest.mark.parametrize(
    "name",
    ["plain", "Customer no.", "case:concept:name", "Yes", "a#b", 'q"uote', "x\ny", "é\u2028"],
)
def test_yaml_text_reads_back_as_the_name(name):
    assert yaml.safe_load(f"{yaml_text(name)}: 1") == {name: 1}
    assert "\n" not in yaml_text(name)


# -- overwriting, wrong paths ----------------------------------------------------------------------


def test_existing_config_is_kept_without_force(make_bundle, capsys):
    folder = make_bundle(clean_files(), yml="client: Mine\n")
    assert init(folder) == 2
    err = capsys.readouterr().err
    assert "already has a cxlab.yml; cxlab init does not overwrite it" in err
    assert f"cxlab init --force {folder}" in err
    assert draft_of(folder) == "client: Mine\n"
    assert init(folder, "--force") == 0
    assert draft_of(folder).startswith("# cxlab.yml: a draft written by `cxlab init`")
    assert [p.name for p in folder.iterdir() if p.name.startswith(".")] == []


def test_force_replaces_a_cxlab_yaml_in_place(make_bundle):
    folder = make_bundle(clean_files())
    (folder / "cxlab.yaml").write_text("client: Mine\n")
    assert init(folder) == 2
    assert init(folder, "--force") == 0
    assert not (folder / "cxlab.yml").exists()
    assert "a draft written by `cxlab init`" in (folder / "cxlab.yaml").read_text()


def test_a_linked_config_is_never_written_through(make_bundle, tmp_path, capsys):
    outside = tmp_path / "elsewhere.txt"
    outside.write_text("keep me\n")
    folder = make_bundle(clean_files())
    os.symlink(outside, folder / "cxlab.yml")
    assert init(folder, "--force") == 2
    assert "does not write through it" in capsys.readouterr().err
    assert outside.read_text() == "keep me\n"


def test_path_that_is_not_a_folder_is_refused(make_bundle, tmp_path, capsys):
    folder = make_bundle(clean_files())
    assert init(folder / "customers.csv") == 2
    assert "is not a folder" in capsys.readouterr().err
    assert init(tmp_path / "nowhere") == 2
    assert "does not exist" in capsys.readouterr().err
    assert not (folder / "cxlab.yml").exists()


def test_draft_config_is_the_same_text_the_command_writes(make_bundle):
    folder = make_bundle({"survey_export.csv": survey().to_csv()})
    text = draft_config(folder).text
    assert init(folder) == 0
    assert draft_of(folder) == text
