"""Real-shaped exports mapped by a ``cxlab.yml`` alone: derived columns, defaults, recoding many
columns, row filters, credit notes, derived tables, undated surveys and event-log stages.

Each shape is a small synthetic bundle written here, in the form the systems that make them
write them (an invoice-line export, a flat subscription table, a survey saved with a data
frame's index, a process event log with XES column names). Row counts, amounts and dates
expected after filters and derivations are worked out by hand from the text below, in the
comments next to the data. Every new rule also has a malformed case whose message must name the
file, the key and its line (or the column and rows) and a fix.
"""

from __future__ import annotations

import pandas as pd
import pytest

from cxlab.contract import load_bundle, validate_bundle
from cxlab.contract._derive import glob_pattern
from cxlab.contract._expr import compile_expression, evaluate
from cxlab.contract._parse import id_text
from cxlab.errors import Problem, ValidationReport


def only(report: ValidationReport, rule: str, severity: str = "error") -> Problem:
    """The single problem of ``rule``; fails with the whole report otherwise."""
    found = [p for p in report.problems if p.rule == rule and p.severity == severity]
    assert len(found) == 1, report.format()
    return found[0]


def rules(report: ValidationReport, severity: str = "error") -> list[str]:
    return sorted(p.rule for p in report.problems if p.severity == severity)


def line_of(yml: str, text: str) -> int:
    """1-based line of the first line of ``yml`` containing ``text``."""
    return next(n for n, line in enumerate(yml.split("\n"), start=1) if text in line)


# -- shape 1: an invoice-line export ------------------------------------------------------------

#: One row per invoice line, as a shop system exports it. Header on row 1; rows 2–13.
#: Guest lines (no CustomerID): rows 6 and 10. Postage lines: rows 3 and 10 ("POSTAGE",
#: "DOTCOM POSTAGE"). Credit notes (InvoiceNo starting with C): rows 7 and 8; row 7 has a
#: negative quantity already, row 8 a positive one. Row 12 falls in January 2011, after the
#: December 2010 range kept. Customer ids are floats, as pandas writes a column with gaps.
ONLINE_RETAIL = """\
InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country
536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,12/1/2010 8:26,2.55,17850.0,United Kingdom
536365,POST,POSTAGE,1,12/1/2010 8:26,18.00,17850.0,United Kingdom
536366,22633,HAND WARMER UNION JACK,6,12/1/2010 8:28,1.85,17850.0,United Kingdom
536367,84879,ASSORTED COLOUR BIRD ORNAMENT,32,12/1/2010 8:34,1.69,13047.0,United Kingdom
536368,22960,JAM MAKING SET WITH JARS,6,12/1/2010 8:34,4.25,,United Kingdom
C536379,D,Discount,-1,12/1/2010 9:41,27.50,14527.0,United Kingdom
C536383,35004C,SET OF 3 COLOURED FLYING DUCKS,1,12/1/2010 9:49,4.65,15311.0,United Kingdom
536384,22726,ALARM CLOCK BAKELIKE GREEN,4,12/2/2010 10:03,3.75,13047.0,France
536385,DOT,DOTCOM POSTAGE,1,12/2/2010 10:05,569.77,,United Kingdom
536386,22086,PAPER CHAIN KIT 50'S CHRISTMAS,12,12/2/2010 10:10,2.55,16098.0,Germany
536390,22941,CHRISTMAS LIGHTS,2,1/9/2011 12:00,8.50,17850.0,United Kingdom
536387,22727,ALARM CLOCK BAKELIKE RED,4,12/2/2010 10:04,3.75,13047.0,France
"""

RETAIL_YML = """\
client: Gift shop
currency: GBP
tables:
  transactions: online_retail.csv
  customers: {from: transactions, attributes: {Country: most_frequent}}
columns:
  transactions: {InvoiceNo: order_id, CustomerID: customer_id, InvoiceDate: date}
dates:
  transactions: {date: "%m/%d/%Y %H:%M"}
derive:
  transactions:
    amount: Quantity * UnitPrice
filters:
  transactions:
    - drop: {column: CustomerID, missing: true}
    - drop: {column: Description, matches: "*postage*"}
    - keep: {column: InvoiceDate, from: 2010-12-01, to: 2010-12-31}
credit_notes: {column: InvoiceNo, starts_with: C}
"""


def test_invoice_line_export_validates_with_each_filter_counted(make_bundle):
    report = validate_bundle(make_bundle({"online_retail.csv": ONLINE_RETAIL}, yml=RETAIL_YML))
    assert report.ok, report.format()
    filters = [p for p in report.warnings if p.rule == "filtered_rows"]
    # 12 lines; the guest filter removes rows 6 and 10; of the 10 left the postage filter
    # removes row 3 (row 10 is gone already); of the 9 left the date range removes row 12.
    assert [(p.column, p.n_rows) for p in filters] == [
        ("CustomerID", 2),
        ("Description", 1),
        ("InvoiceDate", 1),
    ]
    assert [r for r, _ in filters[0].rows] == [6, 10]
    assert filters[1].rows == ((3, "POSTAGE"),)
    assert filters[2].rows == ((12, "1/9/2011 12:00"),)
    assert "removed 2 of 12 row(s)" in filters[0].message
    assert "removed 1 of 10 row(s)" in filters[1].message
    assert "removed 1 of 9 row(s)" in filters[2].message
    assert f"cxlab.yml line {line_of(RETAIL_YML, 'missing: true')}" in filters[0].message
    notes = only(report, "credit_notes", "warning")
    assert notes.column == "InvoiceNo"
    assert notes.rows == ((7, "C536379"), (8, "C536383"))
    assert "1 amount(s) made negative, 1 negative or zero already" in notes.message
    refunds = only(report, "negative_amount", "warning")
    assert "totalling -32.15" in refunds.message  # -1 × 27.50 and -(1 × 4.65)


def test_invoice_line_export_loads_amounts_ids_and_customers(make_bundle):
    bundle = load_bundle(make_bundle({"online_retail.csv": ONLINE_RETAIL}, yml=RETAIL_YML))
    t = bundle.transactions
    # Rows 2, 4, 5, 7, 8, 9, 11, 13 remain; amount = quantity × unit price, credit note on
    # row 8 made negative: 6×2.55, 6×1.85, 32×1.69, -1×27.50, -(1×4.65), 4×3.75, 12×2.55,
    # 4×3.75.
    assert len(t) == 8
    assert t["amount"].tolist() == pytest.approx(
        [15.30, 11.10, 54.08, -27.50, -4.65, 15.00, 30.60, 15.00]
    )
    assert t["order_id"].tolist()[3:5] == ["C536379", "C536383"]
    assert t["customer_id"].tolist() == [
        "17850",
        "17850",
        "13047",
        "14527",
        "15311",
        "13047",
        "16098",
        "13047",
    ]
    # Quantity matches the contract's quantity column by name; kept as written
    assert t["quantity"].dtype == "Int64"
    assert t["quantity"].tolist() == [6, 6, 32, -1, 1, 4, 12, 4]
    assert t["date"].iloc[0] == pd.Timestamp("2010-12-01 08:26")
    c = bundle.customers
    # One row per customer, in order of first appearance; signup = first purchase; Country the
    # most frequent (13047: United Kingdom once, France twice).
    assert c["customer_id"].tolist() == ["17850", "13047", "14527", "15311", "16098"]
    assert c["signup_date"].tolist() == [
        pd.Timestamp("2010-12-01 08:26"),
        pd.Timestamp("2010-12-01 08:34"),
        pd.Timestamp("2010-12-01 09:41"),
        pd.Timestamp("2010-12-01 09:49"),
        pd.Timestamp("2010-12-02 10:10"),
    ]
    assert c["Country"].tolist() == [
        "United Kingdom",
        "France",
        "United Kingdom",
        "United Kingdom",
        "Germany",
    ]
    assert bundle.sources["customers"].derived_from == "transactions"
    assert bundle.sources["customers"].label == "built from transactions (online_retail.csv)"
    assert bundle.summary().loc["customers", "rows"] == 5


def test_filters_apply_when_loading_without_validation(make_bundle):
    folder = make_bundle({"online_retail.csv": ONLINE_RETAIL}, yml=RETAIL_YML)
    bundle = load_bundle(folder, validate=False)
    assert len(bundle.transactions) == 8
    assert bundle.transactions["amount"].min() == pytest.approx(-27.5)
    assert bundle.report.warnings == []


# -- shape 2: a flat subscription customer table ----------------------------------------------

#: A subscription business's customer table: no transactions. TotalCharges is text with a
#: blank (a single space) where tenure is 0 (row 5). Churn is Yes/No.
TELCO = (
    "customerID,gender,SeniorCitizen,tenure,Contract,MonthlyCharges,TotalCharges,Churn\n"
    "7590-VHVEG,Female,0,1,Month-to-month,29.85,29.85,No\n"
    "5575-GNVDE,Male,0,34,One year,56.95,1889.5,No\n"
    "3668-QPYBK,Male,0,2,Month-to-month,53.85,108.20,Yes\n"
    "4472-LVYGI,Female,0,0,Two year,52.55, ,No\n"
    "9237-HQITU,Female,1,2,Month-to-month,70.70,151.60,Yes\n"
)
TELCO_YML = """\
industry: saas
tables: {customers: telco_churn.csv}
columns:
  customers: {customerID: customer_id, Contract: plan}
derive:
  customers: {average_charge: "round(TotalCharges / tenure, 2)"}
churn: {label: Churn}
sensitive: [gender, SeniorCitizen]
"""


def test_subscription_table_maps_without_transactions(make_bundle):
    folder = make_bundle({"telco_churn.csv": TELCO}, yml=TELCO_YML)
    report = validate_bundle(folder)
    assert report.ok and report.warnings == [], report.format()
    bundle = load_bundle(folder)
    c = bundle.customers
    assert bundle.tables.keys() == {"customers"}
    assert c["tenure"].dtype == "Int64" and c["tenure"].tolist() == [1, 34, 2, 0, 2]
    assert c["MonthlyCharges"].dtype == "float64"
    assert c["TotalCharges"].dtype == "float64"
    assert c["TotalCharges"].isna().tolist() == [False, False, False, True, False]
    assert c["Churn"].dtype == "boolean"
    assert c["Churn"].tolist() == [False, False, True, False, True]
    assert c["plan"].tolist()[:2] == ["Month-to-month", "One year"]
    # 29.85/1, 1889.5/34 = 55.573…, 108.20/2, blank/0 (missing, no division), 151.60/2
    assert c["average_charge"].tolist()[:3] == pytest.approx([29.85, 55.57, 54.10])
    assert pd.isna(c["average_charge"].iloc[3])
    assert c["average_charge"].iloc[4] == pytest.approx(75.80)
    assert bundle.has_dates("customers") is False


def test_division_by_zero_in_a_derived_column_is_missing_with_a_warning(make_bundle):
    text = TELCO.replace("52.55, ,No", "52.55,0,No")  # tenure 0 and total 0 on row 5
    folder = make_bundle({"telco_churn.csv": text}, yml=TELCO_YML)
    problem = only(validate_bundle(folder), "not_computable", "warning")
    assert problem.file == "telco_churn.csv"
    assert problem.rows == ((5, "0"),)  # the divisor, tenure, as the file writes it
    assert "division by zero" in problem.message
    assert "derive.customers.average_charge" in problem.hint
    assert pd.isna(load_bundle(folder).customers["average_charge"].iloc[3])


# -- shape 3: an undated survey with an index column, 0 = not applicable, a yes/no outcome ------

#: Saved with DataFrame.to_csv: a blank, unnamed index column first. Items are 1–5 with 0 for
#: "not applicable" (rows 2, 3 and 5). No date column. Satisfied is a yes/no outcome in words.
SURVEY = (
    ",respondent,q1_staff,q2_speed,q3_value,Satisfied,comment\n"
    "0,R1,5,4,0,satisfied,Great staff\n"
    "1,R2,2,0,1,dissatisfied,Slow\n"
    "2,R3,4,5,5,satisfied,\n"
    "3,R4,0,0,0,dissatisfied,Did not use the service\n"
)
SURVEY_YML = """\
tables:
  responses: {file: survey_results.csv, header_row: 1}
columns:
  responses: {respondent: response_id, Satisfied: satisfied}
recode:
  responses:
    [q1_staff, q2_speed, q3_value]: {0: null}
    satisfied: {satisfied: true, dissatisfied: false}
drivers: [q1_staff, q2_speed, q3_value]
scales:
  items: {min: 1, max: 5}
outcome: satisfied
"""


def test_undated_survey_with_outcome_and_not_applicable_items_is_valid(make_bundle):
    folder = make_bundle({"survey_results.csv": SURVEY}, yml=SURVEY_YML)
    report = validate_bundle(folder)
    assert report.ok, report.format()
    assert "missing_value" not in rules(report, "warning")
    bundle = load_bundle(folder)
    r = bundle.responses
    assert "date" not in r
    assert bundle.has_dates("responses") is False
    assert bundle.period is None
    assert bundle.outcome == "satisfied"
    assert r["satisfied"].dtype == "boolean"
    assert r["satisfied"].tolist() == [True, False, True, False]
    assert r["q1_staff"].dtype == "Int64"
    assert r["q1_staff"].isna().tolist() == [False, False, False, True]
    assert r["q2_speed"].isna().tolist() == [False, True, False, True]
    assert r["q3_value"].isna().tolist() == [True, False, False, True]
    assert r["q3_value"].dropna().tolist() == [1, 5]
    assert r["response_id"].tolist() == ["R1", "R2", "R3", "R4"]


def test_without_the_recode_a_zero_item_is_out_of_scale(make_bundle):
    yml = SURVEY_YML.replace("    [q1_staff, q2_speed, q3_value]: {0: null}\n", "")
    report = validate_bundle(make_bundle({"survey_results.csv": SURVEY}, yml=yml))
    out = [p for p in report.errors if p.rule == "out_of_scale"]
    assert sorted((p.column, p.n_rows) for p in out) == [
        ("q1_staff", 1),
        ("q2_speed", 2),
        ("q3_value", 2),
    ]


def test_a_survey_date_given_as_a_default_dates_every_response(make_bundle):
    yml = SURVEY_YML + "defaults:\n  responses: {date: 2024-05-01}\n"
    bundle = load_bundle(make_bundle({"survey_results.csv": SURVEY}, yml=yml))
    assert bundle.has_dates("responses")
    assert bundle.responses["date"].tolist() == [pd.Timestamp("2024-05-01")] * 4
    assert bundle.period == (pd.Timestamp("2024-05-01"), pd.Timestamp("2024-05-01"))


def test_responses_without_a_date_column_and_with_nps_load(make_bundle):
    text = "nps,comment\n9,fine\n3,slow\n"
    bundle = load_bundle(make_bundle({"responses.csv": text}))
    assert bundle.responses["nps"].tolist() == [9, 3]
    assert not bundle.has_dates("responses")


def test_responses_with_some_dates_missing_warn_but_load(make_bundle):
    text = "date,nps\n2024-03-01,9\n,3\n2024-03-04,7\n"
    folder = make_bundle({"responses.csv": text})
    problem = only(validate_bundle(folder), "missing_value", "warning")
    assert (problem.file, problem.column, problem.rows) == ("responses.csv", "date", ((3, None),))
    assert "leave them out" in problem.message
    assert load_bundle(folder).has_dates("responses")


def test_an_outcome_that_is_not_yes_no_is_reported_with_rows(make_bundle):
    yml = SURVEY_YML.replace("    satisfied: {satisfied: true, dissatisfied: false}\n", "")
    problem = only(
        validate_bundle(make_bundle({"survey_results.csv": SURVEY}, yml=yml)), "not_boolean"
    )
    assert problem.file == "survey_results.csv"
    assert problem.column == "Satisfied"
    assert [r for r, _ in problem.rows] == [2, 3, 4, 5]
    assert "recode" in problem.hint


def test_an_outcome_naming_no_column_is_located_in_cxlab_yml(make_bundle):
    yml = SURVEY_YML.replace("outcome: satisfied", "outcome: satisfaction")
    problem = only(
        validate_bundle(make_bundle({"survey_results.csv": SURVEY}, yml=yml)), "unknown_column"
    )
    assert problem.file == "cxlab.yml"
    assert f"outcome (line {line_of(yml, 'outcome:')})" in problem.message
    assert "did you mean 'Satisfied'?" in problem.hint


def test_a_survey_with_neither_scores_nor_outcome_names_the_outcome_key(make_bundle):
    yml = SURVEY_YML.replace("outcome: satisfied\n", "")
    problem = only(
        validate_bundle(make_bundle({"survey_results.csv": SURVEY}, yml=yml)), "no_scores"
    )
    assert "outcome:" in problem.hint


def test_recode_group_naming_a_missing_column_is_located(make_bundle):
    yml = SURVEY_YML.replace("q3_value]: {0", "q4_value]: {0")
    problem = only(
        validate_bundle(make_bundle({"survey_results.csv": SURVEY}, yml=yml)), "unknown_column"
    )
    assert problem.file == "cxlab.yml"
    assert problem.column == "q4_value"
    assert f"recode.responses (line {line_of(yml, 'q4_value]')})" in problem.message


def test_a_column_recoded_twice_is_a_config_error(make_bundle):
    yml = SURVEY_YML.replace(
        "    satisfied: {satisfied", "    q2_speed: {9: null}\n    satisfied: {satisfied"
    )
    problem = only(
        validate_bundle(make_bundle({"survey_results.csv": SURVEY}, yml=yml)), "invalid_config"
    )
    assert problem.file == "cxlab.yml" and problem.column == "q2_speed"
    assert f"(line {line_of(yml, 'q2_speed: {9')})" in problem.message
    assert "recoded twice" in problem.message


# -- shape 4: a process event log with XES column names --------------------------------------

#: A loan process log exported as CSV with XES attribute names. Rows 2–14. Row 4 is a SCHEDULE
#: transition (removed by the lifecycle filter); row 5 is a work item (W_…, ignored). Case
#: 173688 ends declined, 173691 cancelled, 173694 finalized. Times carry a +02:00 offset.
EVENT_LOG = """\
case:concept:name,concept:name,time:timestamp,lifecycle:transition,org:resource
173688,A_SUBMITTED,2011-10-01T00:38:44.546+02:00,COMPLETE,112
173688,A_PARTLYSUBMITTED,2011-10-01T00:38:44.880+02:00,COMPLETE,112
173688,W_Afhandelen leads,2011-10-01T11:36:46.437+02:00,SCHEDULE,
173688,W_Afhandelen leads,2011-10-01T11:45:13.917+02:00,COMPLETE,10912
173688,A_PREACCEPTED,2011-10-01T11:42:43.308+02:00,COMPLETE,10862
173688,O_SENT,2011-10-01T12:17:08.924+02:00,COMPLETE,10862
173688,A_DECLINED,2011-10-08T16:26:57.720+02:00,COMPLETE,10629
173691,A_SUBMITTED,2011-10-01T08:08:58.256+02:00,COMPLETE,112
173691,A_PARTLYSUBMITTED,2011-10-01T08:09:02.195+02:00,COMPLETE,112
173691,O_SENT,2011-10-02T10:00:00.000+02:00,COMPLETE,10863
173691,A_CANCELLED,2011-10-10T09:00:00.000+02:00,COMPLETE,10863
173694,A_SUBMITTED,2011-10-01T09:00:00.000+02:00,COMPLETE,112
173694,A_FINALIZED,2011-10-03T09:00:00.000+02:00,COMPLETE,10809
"""
EVENTS_YML = """\
tables: {events: bpi_log.csv}
columns:
  events: {"case:concept:name": customer_id, "concept:name": event, "time:timestamp": timestamp}
filters:
  events:
    - keep: {column: "lifecycle:transition", equals: complete}
stages:
  activities:
    application: [A_SUBMITTED, A_PARTLYSUBMITTED]
    review: A_PREACCEPTED
    offer: ["O_*"]
    decision: [A_FINALIZED, A_APPROVED]
  outcomes:
    declined: A_DECLINED
    cancelled: A_CANCELLED
  ignore: ["W_*"]
"""


def test_event_log_maps_activities_to_stages(make_bundle):
    folder = make_bundle({"bpi_log.csv": EVENT_LOG}, yml=EVENTS_YML)
    report = validate_bundle(folder)
    assert report.ok, report.format()
    filtered = [p for p in report.warnings if p.rule == "filtered_rows"]
    assert [(p.column, p.rows) for p in filtered] == [
        ("lifecycle:transition", ((4, "SCHEDULE"),)),
        ("concept:name", ((5, "W_Afhandelen leads"),)),
    ]
    assert "removed 1 of 13 row(s)" in filtered[0].message
    assert "removed 1 of 12 event row(s)" in filtered[1].message
    unknown = only(report, "unknown_activity", "warning")
    assert f"'A_APPROVED' (line {line_of(EVENTS_YML, 'A_APPROVED')})" in unknown.message
    assert unknown.file == "bpi_log.csv" and unknown.column == "concept:name"

    bundle = load_bundle(folder)
    e = bundle.events
    assert len(e) == 11  # 13 rows, less the schedule row and the work item
    assert e["stage"].value_counts().to_dict() == {
        "application": 5,
        "offer": 2,
        "review": 1,
        "declined": 1,
        "cancelled": 1,
        "decision": 1,
    }
    assert e["outcome"].dropna().tolist() == ["declined", "cancelled"]
    assert e.loc[e["outcome"].notna(), "customer_id"].tolist() == ["173688", "173691"]
    assert e["timestamp"].iloc[0] == pd.Timestamp("2011-09-30 22:38:44.546")  # in UTC
    assert bundle.stage_order == ("application", "review", "offer", "decision")
    assert bundle.has_dates("events")


def test_unmapped_activities_are_left_out_with_a_warning_naming_them(make_bundle):
    yml = EVENTS_YML.replace("    review: A_PREACCEPTED\n", "")
    folder = make_bundle({"bpi_log.csv": EVENT_LOG}, yml=yml)
    problem = only(validate_bundle(folder), "unmapped_activity", "warning")
    assert problem.rows == ((6, "A_PREACCEPTED"),)
    assert "'A_PREACCEPTED' (1)" in problem.message
    assert "stages.ignore" in problem.hint
    assert len(load_bundle(folder).events) == 10


def test_stage_order_alone_checks_the_stage_column(make_bundle):
    text = (
        "customer_id,timestamp,stage\nC1,2024-03-01,visit\nC1,2024-03-02,cart\nC1,2024-03-03,paid\n"
    )
    yml = "stages:\n  order: [visit, cart, checkout]\n"
    folder = make_bundle({"events.csv": text}, yml=yml)
    problem = only(validate_bundle(folder), "unknown_stage", "warning")
    assert "'paid'" in problem.message and problem.column == "stage"
    assert load_bundle(folder).stage_order == ("visit", "cart", "checkout")


def test_a_name_written_out_wins_over_a_pattern(make_bundle):
    yml = EVENTS_YML.replace('    offer: ["O_*"]', '    offer: ["O_*", W_Afhandelen leads]')
    bundle = load_bundle(make_bundle({"bpi_log.csv": EVENT_LOG}, yml=yml))
    assert bundle.events["stage"].value_counts()["offer"] == 3


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ("    review: A_PREACCEPTED\n", "    review: [A_PREACCEPTED, A_SUBMITTED]\n"),
        ('  ignore: ["W_*"]\n', '  ignore: ["W_*", A_DECLINED]\n'),
    ],
)
def test_an_activity_listed_twice_is_a_config_error(make_bundle, change, fragment):
    yml = EVENTS_YML.replace(change, fragment)
    problem = only(
        validate_bundle(make_bundle({"bpi_log.csv": EVENT_LOG}, yml=yml)), "invalid_config"
    )
    assert problem.file == "cxlab.yml"
    assert f"(line {line_of(yml, fragment.strip())})" in problem.message
    assert "listed both as" in problem.message and "once" in problem.hint


def test_a_stage_missing_from_the_order_is_a_config_error(make_bundle):
    yml = EVENTS_YML.replace("stages:\n", "stages:\n  order: [application, offer, decision]\n")
    problem = only(
        validate_bundle(make_bundle({"bpi_log.csv": EVENT_LOG}, yml=yml)), "invalid_config"
    )
    assert f"stages.activities.review (line {line_of(yml, 'review:')})" in problem.message
    assert "stages.order" in problem.hint


def test_stages_without_activities_or_order_is_a_config_error(make_bundle):
    yml = "stages:\n  ignore: [W_x]\n"
    problem = only(
        validate_bundle(make_bundle({"events.csv": EVENT_LOG}, yml=yml)), "invalid_config"
    )
    assert "stages (line 2)" in problem.message


def test_a_stages_column_that_does_not_exist_is_located(make_bundle):
    yml = EVENTS_YML.replace("stages:\n", "stages:\n  column: activity\n")
    problem = only(
        validate_bundle(make_bundle({"bpi_log.csv": EVENT_LOG}, yml=yml)), "unknown_column"
    )
    assert problem.file == "cxlab.yml" and problem.column == "activity"
    assert f"stages.column (line {line_of(yml, 'column: activity')})" in problem.message


# -- the expression language ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "fragment"),
    [
        ("__import__('os')", "calling '__import__'"),
        ("__import__('os').system('ls')", "calling the method '.system'"),
        ("Quantity.real", "attribute access"),
        ("Quantity[0]", "subscripts"),
        ("(lambda: 1)()", "calling the result of an expression"),
        ("open('f')", "calling 'open'"),
        ("[q for q in Quantity]", "comprehensions"),
        ("Quantity if UnitPrice else 0", "'if … else'"),
        ("Quantity > 1", "comparisons"),
        ("Quantity ** 2", "the operator '**'"),
        ("__class__", "names starting with '__'"),
        ("f'{Quantity}'", "f-strings"),
        ("True", "the constant True"),
        ("Quantity * " + "1 + " * 150 + "1", "characters long"),
        ("-" * 40 + "Quantity", "nested more than"),
        ("(" * 210 + "Quantity" + ")" * 210, "cannot be read"),
        ("Unit Price * 2", "cannot be read"),
        ("'Unit' * 2", "text can only be joined with '+'"),
        ("`Unit Price * 2", "not closed"),
        ("round(Quantity, UnitPrice)", "digits of round()"),
    ],
)
def test_expressions_allow_only_arithmetic_on_columns_and_constants(
    make_bundle, expression, fragment
):
    yml = RETAIL_YML.replace("amount: Quantity * UnitPrice", "amount: " + _yaml_quoted(expression))
    report = validate_bundle(make_bundle({"online_retail.csv": ONLINE_RETAIL}, yml=yml))
    problem = only(report, "invalid_config")
    assert problem.file == "cxlab.yml" and problem.column == "amount"
    assert f"derive.transactions.amount (line {line_of(yml, 'amount: ')})" in problem.message
    assert fragment in problem.message, problem.message
    assert problem.hint
    assert "missing_column" not in rules(report)  # the expression's error says it all


def _yaml_quoted(text: str) -> str:
    """Write ``text`` as a double-quoted YAML scalar."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def test_names_in_expressions_are_columns_never_python_objects():
    frame = pd.DataFrame({"open": [2.0, 3.0], "abs": [1.0, -1.0]})
    expr = compile_expression("open * 2 + abs")
    assert expr.columns == ("open", "abs")
    values = evaluate(expr, lambda name, as_: frame[name], frame.index)
    assert values.tolist() == [5.0, 5.0]


def test_expressions_evaluate_columns_constants_and_functions():
    frame = pd.DataFrame(
        {"Unit Price": [2.5, 4.0, None], "qty": [2.0, -3.0, 1.0], "code": ["A", "B", None]}
    )

    def column(name: str, as_: str) -> pd.Series:
        return frame[name] if as_ != "text" else frame[name].astype("str")

    def run(text: str) -> list:
        return evaluate(compile_expression(text), column, frame.index).tolist()

    assert run("`Unit Price` * qty") == [5.0, -12.0, pytest.approx(float("nan"), nan_ok=True)]
    assert run("abs(qty) / 2 + 1")[:2] == [2.0, 2.5]
    assert run("round(`Unit Price` / 3, 1)")[:2] == [0.8, 1.3]
    assert run("-qty")[:2] == [-2.0, 3.0]
    assert run("7")[:2] == [7.0, 7.0]
    assert run('"INV-" + code')[:2] == ["INV-A", "INV-B"]
    assert compile_expression("qty").kind == "column"
    assert compile_expression("  `Unit Price`  ").columns == ("Unit Price",)


def test_an_unknown_column_in_an_expression_is_located_with_a_suggestion(make_bundle):
    yml = RETAIL_YML.replace("Quantity * UnitPrice", "Quantity * UnitPrise")
    problem = only(
        validate_bundle(make_bundle({"online_retail.csv": ONLINE_RETAIL}, yml=yml)),
        "unknown_column",
    )
    assert problem.file == "cxlab.yml" and problem.column == "UnitPrise"
    assert f"derive.transactions.amount (line {line_of(yml, 'UnitPrise')})" in problem.message
    assert "did you mean 'UnitPrice'?" in problem.hint


def test_text_in_an_operand_is_reported_once_with_rows(make_bundle):
    text = ONLINE_RETAIL.replace(",4.65,", ",4.65 GBP,").replace(
        ",2.55,17850.0", ",£2.55,17850.0", 1
    )
    report = validate_bundle(make_bundle({"online_retail.csv": text}, yml=RETAIL_YML))
    problem = only(report, "not_numeric")
    assert problem.file == "online_retail.csv" and problem.column == "UnitPrice"
    assert [r for r, _ in problem.rows] == [2, 8]
    assert "derive.transactions.amount" in problem.message
    assert "currency" in problem.hint


def test_a_derived_column_can_use_an_earlier_one_and_be_a_driver(make_bundle):
    yml = (
        SURVEY_YML
        + 'derive:\n  responses:\n    total: "q1_staff + q2_speed"\n    half: "total / 2"\n'
    )
    r = load_bundle(make_bundle({"survey_results.csv": SURVEY}, yml=yml)).responses
    assert r["total"].tolist()[:1] == [9.0]  # 5 + 4; rows with a missing item stay missing
    assert r["total"].isna().tolist() == [False, True, False, True]
    assert r["half"].tolist()[0] == 4.5


# -- defaults ------------------------------------------------------------------------------------


def test_a_default_fills_only_empty_cells_and_says_how_many(make_bundle):
    text = "customer_id,date,amount,channel\nC1,2024-03-01,10,shop\nC2,2024-03-02,12,\n"
    yml = "defaults:\n  transactions: {channel: online}\n"
    folder = make_bundle({"transactions.csv": text}, yml=yml)
    problem = only(validate_bundle(folder), "filled_values", "warning")
    assert problem.rows == ((3, None),) and problem.column == "channel"
    assert "'online'" in problem.message
    assert load_bundle(folder).transactions["channel"].tolist() == ["shop", "online"]


def test_a_default_must_be_a_single_value(make_bundle):
    yml = "defaults:\n  responses:\n    date: [2024-05-01, 2024-06-01]\n"
    problem = only(
        validate_bundle(make_bundle({"survey_results.csv": SURVEY}, yml=SURVEY_YML + yml)),
        "invalid_config",
    )
    assert problem.file == "cxlab.yml" and problem.column == "date"
    assert "defaults.responses.date (line 15)" in problem.message
    assert "found a list" in problem.message


# -- filters -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "fragment"),
    [
        ("- {column: Country, equals: France}", "exactly one of 'keep:' or 'drop:'"),
        (
            "- {keep: {column: Country, equals: France}, drop: {column: Country, equals: EIRE}}",
            "not both",
        ),
        ("- drop: {column: Country}", "exactly one test"),
        ("- drop: {column: Country, equals: France, starts_with: F}", "exactly one test"),
        ("- drop: {equals: France}", "needs 'column:'"),
        ("- drop: {column: CustomerID, missing: maybe}", "expected true or false"),
        ("- keep: {column: InvoiceDate, from: 2011-01-01, to: 2010-01-01}", "ends"),
        ("- keep: {column: InvoiceDate, from: soon}", "expected a date"),
        ("- keep: {column: InvoiceDate, from: 2011-01-01, to: 5}", "both be dates"),
        ("- drop: {column: Country, equals: []}", "the list is empty"),
    ],
)
def test_malformed_filters_are_config_errors_with_their_line(make_bundle, rule, fragment):
    yml = RETAIL_YML.replace(
        "    - drop: {column: CustomerID, missing: true}\n",
        f"    - drop: {{column: CustomerID, missing: true}}\n    {rule}\n",
    )
    report = validate_bundle(make_bundle({"online_retail.csv": ONLINE_RETAIL}, yml=yml))
    problem = only(report, "invalid_config")
    assert problem.file == "cxlab.yml"
    assert "filters.transactions[2]" in problem.message
    assert f"(line {line_of(yml, rule)})" in problem.message
    assert fragment in problem.message, problem.message
    assert problem.hint


def test_a_filter_on_a_missing_column_is_located(make_bundle):
    yml = RETAIL_YML.replace("column: Description", "column: Descr")
    problem = only(
        validate_bundle(make_bundle({"online_retail.csv": ONLINE_RETAIL}, yml=yml)),
        "unknown_column",
    )
    assert problem.file == "cxlab.yml" and problem.column == "Descr"
    assert f"filters.transactions[2] (line {line_of(yml, 'Descr')})" in problem.message
    assert "did you mean 'Description'?" in problem.hint


def test_a_filter_removing_every_row_is_an_error(make_bundle):
    yml = RETAIL_YML.replace("from: 2010-12-01, to: 2010-12-31", "from: 2012-01-01")
    problem = only(
        validate_bundle(make_bundle({"online_retail.csv": ONLINE_RETAIL}, yml=yml)),
        "no_data_rows",
    )
    assert problem.file == "online_retail.csv"
    assert "removed every one of the 12 row(s)" in problem.message
    assert "date range" in problem.hint


def test_a_filter_that_removes_nothing_says_so(make_bundle):
    yml = RETAIL_YML.replace('matches: "*postage*"', "equals: [GIFT WRAP]")
    report = validate_bundle(make_bundle({"online_retail.csv": ONLINE_RETAIL}, yml=yml))
    second = [p for p in report.warnings if p.rule == "filtered_rows"][1]
    assert "removed 0 of 10 row(s)" in second.message
    assert "no row met the condition" in second.hint


def test_keep_equals_and_starts_with_and_a_range_of_derived_numbers(make_bundle):
    yml = RETAIL_YML.replace(
        "    - drop: {column: CustomerID, missing: true}\n",
        "    - drop: {column: CustomerID, missing: true}\n"
        "    - keep: {column: Country, equals: [united kingdom, FRANCE]}\n"
        "    - drop: {column: StockCode, starts_with: [22]}\n"
        "    - keep: {column: amount, from: 0}\n",
    )
    bundle = load_bundle(make_bundle({"online_retail.csv": ONLINE_RETAIL}, yml=yml))
    # After guests (rows 6, 10): Germany row 11 goes; stock codes 22… (rows 4, 9, 12, 13) go;
    # postage row 3 goes; the date range keeps all that is left; amounts ≥ 0 (on the amount
    # before credit notes are marked) drop row 7 (-27.50): rows 2, 5, 8 remain.
    assert bundle.transactions["order_id"].tolist() == ["536365", "536367", "C536383"]
    assert bundle.transactions["amount"].tolist() == pytest.approx([15.30, 54.08, -4.65])


def test_a_date_range_on_unreadable_text_is_reported_and_keeps_the_rows(make_bundle):
    text = "customer_id,date,amount,shipped\nC1,2024-03-01,10,2024-03-02\nC2,2024-03-02,12,soon\n"
    yml = "filters:\n  transactions:\n    - keep: {column: shipped, from: 2024-03-01}\n"
    folder = make_bundle({"transactions.csv": text}, yml=yml)
    problem = only(validate_bundle(folder), "unparsable_date")
    assert (problem.file, problem.column, problem.rows) == (
        "transactions.csv",
        "shipped",
        ((3, "soon"),),
    )
    assert "filters.transactions[1] (cxlab.yml line 3)" in problem.message
    assert "they are kept" in problem.message
    assert len(load_bundle(folder, validate=False).transactions) == 2


def test_patterns_match_whole_values_ignoring_case_in_one_pass():
    assert glob_pattern("*postage*").match("dotcom postage")
    assert not glob_pattern("post").match("postage")
    assert glob_pattern("O_?ENT").match("o_sent")
    assert glob_pattern("a.b").match("a.b") and not glob_pattern("a.b").match("axb")
    hostile = glob_pattern("*a*a*a*a*a*a*a*a*a*a*a*a*b")
    assert hostile.match("a" * 5_000) is None  # would take astronomically long if backtracking
    assert hostile.match("a" * 5_000 + "b")


# -- credit notes --------------------------------------------------------------------------------


def test_credit_notes_on_a_file_amount_make_positive_amounts_negative(make_bundle):
    text = (
        "invoice,customer_id,date,amount\n"
        "1001,C1,2024-03-01,20.00\n"
        "C1002,C1,2024-03-02,5.00\n"
        "C1003,C2,2024-03-03,-7.00\n"
    )
    yml = "credit_notes: {column: invoice, starts_with: c}\n"
    folder = make_bundle({"transactions.csv": text}, yml=yml)
    report = validate_bundle(folder)
    assert "2 row(s) are credit notes" in only(report, "credit_notes", "warning").message
    refunds = only(report, "negative_amount", "warning")
    assert "totalling -12.00 (1 of them credit notes made negative" in refunds.message
    assert load_bundle(folder).transactions["amount"].tolist() == [20.0, -5.0, -7.0]


def test_credit_notes_naming_a_missing_column_are_located(make_bundle):
    yml = RETAIL_YML.replace("column: InvoiceNo, starts_with", "column: InvoiceNumber, starts_with")
    problem = only(
        validate_bundle(make_bundle({"online_retail.csv": ONLINE_RETAIL}, yml=yml)),
        "unknown_column",
    )
    assert problem.file == "cxlab.yml" and problem.column == "InvoiceNumber"
    assert f"credit_notes (line {line_of(yml, 'InvoiceNumber')})" in problem.message
    assert "did you mean 'InvoiceNo'?" in problem.hint


def test_credit_notes_need_a_test(make_bundle):
    yml = RETAIL_YML.replace("{column: InvoiceNo, starts_with: C}", "{column: InvoiceNo}")
    problem = only(
        validate_bundle(make_bundle({"online_retail.csv": ONLINE_RETAIL}, yml=yml)),
        "invalid_config",
    )
    assert f"credit_notes (line {line_of(yml, 'credit_notes')})" in problem.message


# -- float-looking ids ----------------------------------------------------------------------------


def test_float_looking_ids_match_whole_number_ids_across_tables(make_bundle):
    customers = "customer_id,region\n12345,North\n12346,South\n"
    transactions = "customer_id,date,amount\n12345.0,2024-03-01,10\n12346.0,2024-03-02,5\n"
    folder = make_bundle({"customers.csv": customers, "transactions.csv": transactions})
    report = validate_bundle(folder)
    assert report.ok and "unknown_customer" not in rules(report, "warning"), report.format()
    assert load_bundle(folder).transactions["customer_id"].tolist() == ["12345", "12346"]


def test_float_ids_from_parquet_become_whole_numbers(make_bundle):
    frame = pd.DataFrame(
        {"CustomerID": [17850.0, None], "date": ["2024-03-01", "2024-03-02"], "amount": [1.0, 2.0]}
    )
    yml = (
        "columns:\n  transactions: {CustomerID: customer_id}\n"
        "filters:\n  transactions:\n    - drop: {column: CustomerID, missing: true}\n"
    )
    bundle = load_bundle(make_bundle({"transactions.parquet": frame}, yml=yml))
    assert bundle.transactions["customer_id"].tolist() == ["17850"]


def test_id_text_keeps_ids_that_are_not_whole_numbers():
    assert id_text(pd.Series(["12345.0", "A12.0", "1.50", "-7.000"])).tolist() == [
        "12345",
        "A12.0",
        "1.50",
        "-7",
    ]


# -- derived tables ------------------------------------------------------------------------------

ORDERS = (
    "order,customer_id,date,amount,channel,region\n"
    "O1,C1,2024-03-05,10,web,North\n"  # row 2
    "O2,C2,2024-03-01,20,shop,South\n"  # row 3
    "O3,C1,2024-03-02,30,shop,North\n"  # row 4: C1's earliest purchase
    "O4,C1,2024-03-09,40,web,East\n"  # row 5: C1's latest
)


def test_customers_built_from_transactions_by_first_last_and_most_frequent(make_bundle):
    yml = (
        "tables:\n  customers:\n    from: transactions\n"
        "    attributes: {channel: first, region: last, Channel: most_frequent}\n"
    )
    report = validate_bundle(make_bundle({"transactions.csv": ORDERS}, yml=yml))
    problem = only(report, "invalid_config")  # channel named twice: the second is refused
    assert "already the customers column 'channel'" in problem.message
    yml = (
        "tables:\n  customers:\n    from: transactions\n"
        "    attributes: {channel: first, region: last}\n"
    )
    c = load_bundle(make_bundle({"transactions.csv": ORDERS}, yml=yml)).customers
    assert c["customer_id"].tolist() == ["C1", "C2"]  # in order of first appearance
    assert c["signup_date"].tolist() == [pd.Timestamp("2024-03-02"), pd.Timestamp("2024-03-01")]
    assert c["channel"].tolist() == ["shop", "shop"]  # C1's earliest row is row 4 (shop)
    assert c["region"].tolist() == ["East", "South"]
    yml = "tables:\n  customers: {from: transactions, attributes: {channel: most_frequent}}\n"
    c = load_bundle(make_bundle({"transactions.csv": ORDERS}, yml=yml)).customers
    assert c["channel"].tolist() == ["web", "shop"]  # C1: web twice, shop once


def test_most_frequent_ties_go_to_the_value_seen_first():
    from cxlab.contract._derive import build_customers
    from cxlab.contract.config import BundleConfig, DerivedTable

    tx = pd.DataFrame(
        {
            "customer_id": ["A", "A", "A", "A"],
            "date": pd.to_datetime(["2024-01-04", "2024-01-01", "2024-01-02", "2024-01-03"]),
            "plan": ["pro", "basic", "basic", "pro"],
        }
    )
    spec = DerivedTable("transactions", {"plan": "most_frequent"})
    out, problems = build_customers(
        spec, tx, {}, BundleConfig(), source_file="t.csv", cfg_file="cxlab.yml", lines={}
    )
    assert problems == [] and out["plan"].tolist() == ["pro"]  # 2 each; pro is on row 1


def test_a_customers_file_is_ignored_when_customers_are_derived(make_bundle):
    yml = "tables:\n  customers: {from: transactions}\n"
    customers = "customer_id\nC1\nC2\nC3\n"
    folder = make_bundle({"transactions.csv": ORDERS, "customers.csv": customers}, yml=yml)
    problem = only(validate_bundle(folder), "ignored_file", "warning")
    assert problem.file == "customers.csv"
    assert "builds the customers table from transactions" in problem.message
    assert len(load_bundle(folder).customers) == 2


def test_a_derived_table_without_its_source_is_an_error(make_bundle):
    yml = "tables:\n  customers: {from: transactions}\n"
    folder = make_bundle({"responses.csv": "nps\n9\n"}, yml=yml)
    problem = only(validate_bundle(folder), "missing_table")
    assert problem.file == "cxlab.yml"
    assert "tables.customers (line 2)" in problem.message
    assert "add the transactions file" in problem.hint


@pytest.mark.parametrize(
    ("entry", "rule", "fragment"),
    [
        ("{from: transaction}", "invalid_config", "not 'transaction'"),
        ("{from: transactions, attributes: {channel: most_often}}", "invalid_config", "most_often"),
        ("{from: transactions, attributes: {chanel: first}}", "unknown_column", "'chanel'"),
    ],
)
def test_malformed_derived_tables_are_located(make_bundle, entry, rule, fragment):
    yml = f"tables:\n  customers: {entry}\n"
    problem = only(validate_bundle(make_bundle({"transactions.csv": ORDERS}, yml=yml)), rule)
    assert problem.file == "cxlab.yml"
    assert "(line 2)" in problem.message and fragment in problem.message
    assert problem.hint


def test_only_customers_can_be_derived(make_bundle):
    yml = "tables:\n  events: {from: transactions}\n"
    problem = only(
        validate_bundle(make_bundle({"transactions.csv": ORDERS}, yml=yml)), "invalid_config"
    )
    assert "tables.events.from (line 2)" in problem.message


def test_churn_label_of_derived_customers_comes_from_an_attribute(make_bundle):
    text = ORDERS.replace(",region\n", ",region,lapsed\n").replace("North\n", "North,no\n")
    text = text.replace("South\n", "South,yes\n").replace("East\n", "East,no\n")
    yml = (
        "tables:\n  customers: {from: transactions, attributes: {lapsed: last}}\n"
        "churn: {label: lapsed}\n"
    )
    c = load_bundle(make_bundle({"transactions.csv": text}, yml=yml)).customers
    assert c["lapsed"].dtype == "boolean" and c["lapsed"].tolist() == [False, True]
    problem = only(
        validate_bundle(
            make_bundle(
                {"transactions.csv": text},
                yml="tables:\n  customers: {from: transactions}\nchurn: {label: lapsed}\n",
            )
        ),
        "unknown_column",
    )
    assert "attributes" in problem.hint


def test_one_file_feeds_transactions_and_events(make_bundle):
    text = (
        "order,customer,placed,total,status\n"
        "O1,C1,2024-03-01 10:00,25,paid\n"
        "O2,C2,2024-03-02 11:00,40,shipped\n"
    )
    yml = (
        "tables: {transactions: orders.csv, events: orders.csv}\n"
        "columns:\n"
        "  transactions: {customer: customer_id, placed: date, total: amount}\n"
        "  events: {customer: customer_id, placed: timestamp, status: stage}\n"
    )
    bundle = load_bundle(make_bundle({"orders.csv": text}, yml=yml))
    assert bundle.transactions["amount"].tolist() == [25.0, 40.0]
    assert bundle.events["stage"].tolist() == ["paid", "shipped"]
    assert bundle.sources["events"].path == bundle.sources["transactions"].path


# -- hints that lead to the new keys ------------------------------------------------------------


def test_a_missing_amount_beside_quantity_and_price_hints_the_derive_line(make_bundle):
    yml = "columns:\n  transactions: {CustomerID: customer_id, InvoiceDate: date}\n"
    problem = only(
        validate_bundle(make_bundle({"transactions.csv": ONLINE_RETAIL}, yml=yml)),
        "missing_column",
    )
    assert problem.column == "amount"
    assert 'derive: {transactions: {amount: "Quantity * UnitPrice"}}' in problem.hint


def test_a_missing_amount_hint_puts_names_with_spaces_in_backticks(make_bundle):
    text = ONLINE_RETAIL.replace("UnitPrice", "Unit Price", 1)
    yml = "columns:\n  transactions: {CustomerID: customer_id, InvoiceDate: date}\n"
    problem = only(
        validate_bundle(make_bundle({"transactions.csv": text}, yml=yml)), "missing_column"
    )
    assert 'amount: "Quantity * `Unit Price`"' in problem.hint


def test_missing_customer_ids_in_transactions_hint_the_guest_filter(make_bundle):
    yml = RETAIL_YML.replace("    - drop: {column: CustomerID, missing: true}\n", "")
    problem = only(
        validate_bundle(make_bundle({"online_retail.csv": ONLINE_RETAIL}, yml=yml)),
        "missing_value",
    )
    # row 10, the other guest line, is a postage line and goes with the postage filter
    assert problem.column == "CustomerID" and [r for r, _ in problem.rows] == [6]
    assert "filters: {transactions: [{drop: {column: CustomerID, missing: true}}]}" in problem.hint


# -- reading the configuration alone, and its limits ----------------------------------------------


def test_read_config_raises_a_config_error_naming_the_expression_key_and_line(make_bundle):
    from cxlab.contract import read_config
    from cxlab.errors import ConfigError

    yml = "derive:\n  transactions:\n    amount: \"open('/etc/passwd').read()\"\n"
    folder = make_bundle({"transactions.csv": ORDERS}, yml=yml)
    with pytest.raises(ConfigError) as caught:
        read_config(folder)
    problem = caught.value.problem
    assert problem.file == "cxlab.yml" and problem.column == "amount"
    assert problem.message.startswith("derive.transactions.amount (line 3): not allowed:")
    assert "round() and abs()" in problem.message


def test_read_config_parses_the_new_keys(make_bundle):
    from cxlab.contract import read_config

    config = read_config(make_bundle({"online_retail.csv": ONLINE_RETAIL}, yml=RETAIL_YML))
    assert config.derive["transactions"]["amount"].columns == ("Quantity", "UnitPrice")
    rules = config.filters["transactions"]
    assert [(r.action, r.condition.column) for r in rules] == [
        ("drop", "CustomerID"),
        ("drop", "Description"),
        ("keep", "InvoiceDate"),
    ]
    assert rules[0].condition.missing is True
    assert rules[1].condition.matches == ("*postage*",)
    assert str(rules[2].condition.low) == "2010-12-01"
    assert config.credit_notes.condition.starts_with == ("C",)
    assert config.derived_tables["customers"].source == "transactions"
    assert config.derived_tables["customers"].attributes == {"Country": "most_frequent"}
    assert "customers" not in config.tables


def test_too_many_filters_are_refused(make_bundle):
    many = "".join(f"    - drop: {{column: Country, equals: X{n}}}\n" for n in range(101))
    yml = f"filters:\n  transactions:\n{many}"
    problem = only(
        validate_bundle(make_bundle({"transactions.csv": ORDERS}, yml=yml)), "invalid_config"
    )
    assert "filters.transactions (line 3)" in problem.message
    assert "more than the 100 allowed" in problem.message


def test_settings_for_a_derived_table_say_they_are_not_used(make_bundle):
    yml = "tables:\n  customers: {from: transactions}\nderive:\n  customers: {score: amount * 2}\n"
    problem = only(
        validate_bundle(make_bundle({"transactions.csv": ORDERS}, yml=yml)),
        "unused_setting",
        "warning",
    )
    assert problem.table == "customers"
    assert "builds from transactions" in problem.message
    assert "set it for transactions instead" in problem.hint


def test_a_filter_on_the_outcome_written_by_stages_runs_after_them(make_bundle):
    yml = EVENTS_YML.replace(
        '    - keep: {column: "lifecycle:transition", equals: complete}\n',
        '    - keep: {column: "lifecycle:transition", equals: complete}\n'
        "    - drop: {column: outcome, equals: cancelled}\n",
    )
    folder = make_bundle({"bpi_log.csv": EVENT_LOG}, yml=yml)
    report = validate_bundle(folder)
    assert report.ok, report.format()
    second = [p for p in report.warnings if p.rule == "filtered_rows"][-1]
    assert second.rows == ((12, "cancelled"),)
    assert "removed 1 of 11 row(s)" in second.message  # after the schedule row and work item
    assert "cancelled" not in load_bundle(folder).events["stage"].tolist()


def test_several_patterns_in_one_filter(make_bundle):
    yml = RETAIL_YML.replace('matches: "*postage*"', 'matches: ["*postage*", "*DUCKS", "alarm*"]')
    bundle = load_bundle(make_bundle({"online_retail.csv": ONLINE_RETAIL}, yml=yml))
    # besides postage (row 3), the ducks (row 8) and both alarm clocks (rows 9 and 13) go
    assert bundle.transactions["order_id"].tolist() == [
        "536365",
        "536366",
        "536367",
        "C536379",
        "536386",
    ]


def test_two_rules_naming_one_missing_column_each_give_their_own_line(make_bundle):
    yml = (
        "filters:\n  transactions:\n"
        "    - drop: {column: Kanal, equals: web}\n"
        "    - keep: {column: Kanal, equals: shop}\n"
        "derive:\n  transactions:\n"
        "    a: Kanal + 1\n"
        "    b: Kanal * 2\n"
    )
    report = validate_bundle(make_bundle({"transactions.csv": ORDERS}, yml=yml))
    lines = sorted(p.message.split(" names")[0] for p in report.errors)
    assert lines == [
        "derive.transactions.a (line 7)",
        "derive.transactions.b (line 8)",
        "filters.transactions[1] (line 3)",
        "filters.transactions[2] (line 4)",
    ]
    assert all(p.rule == "unknown_column" and p.column == "Kanal" for p in report.errors)


def test_a_recode_of_a_derived_column_applies_after_derive(make_bundle):
    yml = SURVEY_YML.replace(
        "drivers: [q1_staff, q2_speed, q3_value]", "drivers: [q1_staff, total]"
    )
    yml = yml.replace("items: {min: 1, max: 5}", "items: {min: 1, max: 8}")  # 9 would be out
    yml += 'derive:\n  responses:\n    total: "q1_staff + q2_speed"\n    half: "total / 2"\n'
    yml = yml.replace("    satisfied: {satisfied", "    total: {9: 8}\n    satisfied: {satisfied")
    r = load_bundle(make_bundle({"survey_results.csv": SURVEY}, yml=yml)).responses
    # R1: 5 + 4 and R3: 4 + 5 give 9, recoded to 8 once every column is derived; half was
    # computed from 9 before that. R2 and R4 lack an item, so their total is missing.
    assert r["total"].dtype == "Int64"
    assert r["total"].tolist()[0] == 8 and r["total"].tolist()[2] == 8
    assert r["total"].isna().tolist() == [False, True, False, True]
    assert r["half"].tolist()[0] == 4.5 and r["half"].tolist()[2] == 4.5


def test_float_looking_ids_from_excel_become_whole_numbers(make_bundle):
    rows = [
        ["CustomerID", "date", "amount"],
        [17850.0, "2024-03-01", 1.5],  # a number cell
        ["13047.0", "2024-03-02", 2.5],  # the same written as text
    ]
    yml = "columns:\n  transactions: {CustomerID: customer_id}\n"
    bundle = load_bundle(make_bundle({"transactions.xlsx": {"transactions": rows}}, yml=yml))
    assert bundle.transactions["customer_id"].tolist() == ["17850", "13047"]


def test_outcomes_and_ignore_work_beside_the_events_own_stages(make_bundle):
    text = (
        "customer_id,timestamp,stage,event\n"
        "C1,2024-03-01,visit,page_view\n"
        "C1,2024-03-02,cart,add_to_cart\n"
        "C1,2024-03-03,cart,cart_abandoned\n"
        "C2,2024-03-03,visit,bot_ping\n"
        "C2,2024-03-04,pay,paid\n"
    )
    yml = (
        "stages:\n  order: [visit, cart, checkout]\n"
        "  outcomes: {abandoned: cart_abandoned}\n  ignore: [bot_*]\n"
    )
    folder = make_bundle({"events.csv": text}, yml=yml)
    report = validate_bundle(folder)
    assert "'pay'" in only(report, "unknown_stage", "warning").message
    assert only(report, "filtered_rows", "warning").rows == ((5, "bot_ping"),)
    e = load_bundle(folder).events
    # the file's stages stay; the outcome row gets its label as outcome, its stage as written
    assert e["stage"].tolist() == ["visit", "cart", "cart", "pay"]
    assert e["outcome"].tolist()[2] == "abandoned" and e["outcome"].isna().sum() == 3
