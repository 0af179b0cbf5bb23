"""Event logs and compressed exports: XES files, .gz and .zip archives, and header detection.

Every file is built here. The XES log below is written line by line so that counts and line
numbers can be worked out by reading the builder: six traces, trace ``t`` (t = 0…5) holding
``5 + t`` activities, each logged twice (``start`` and ``complete``), plus one trace without
events — 2 × (5 + 6 + 7 + 8 + 9 + 10) = 90 events over all 25 activities ``A01`` … ``A25``.
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import zipfile

import pandas as pd
import pytest
from conftest import EVENTS, TRANSACTIONS

from cxlab.contract import _archive, _xes, load_bundle, validate_bundle
from cxlab.errors import Problem, ValidationReport

MAPPING = (
    "columns:\n"
    '  events: {"case:concept:name": customer_id, "time:timestamp": timestamp,\n'
    '           "concept:name": stage}\n'
)
START = dt.datetime(2024, 3, 1, 9, 0)


def only(report: ValidationReport, rule: str, severity: str = "error") -> Problem:
    found = [p for p in report.problems if p.rule == rule and p.severity == severity]
    assert len(found) == 1, report.format()
    return found[0]


def rules(report: ValidationReport, severity: str = "error") -> list[str]:
    return sorted(p.rule for p in report.problems if p.severity == severity)


def activity(t: int, j: int) -> str:
    return f"A{(t * 4 + j) % 25 + 1:02d}"


def xes_log(*, bad_time: tuple[int, int] | None = None) -> str:
    """The log described in the module docstring; ``bad_time`` spoils one event's timestamp."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<log xes.version="1.0" xes.features="nested-attributes" '
        'xmlns="http://www.xes-standard.org/">',
        '  <extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>',
        '  <global scope="event"><string key="concept:name" value="__INVALID__"/></global>',
        '  <classifier name="Activity" keys="concept:name"/>',
        '  <string key="concept:name" value="the whole log"/>',
    ]
    for t in range(6):
        lines.append("  <trace>")
        lines.append(f'    <string key="concept:name" value="case-{t}"/>')
        lines.append(f'    <string key="channel" value="{"web" if t % 2 else "store"}"/>')
        lines.append(f'    <float key="RequestedAmount" value="{1000 * (t + 1)}.5"/>')
        for j in range(5 + t):
            for k, transition in enumerate(("start", "complete")):
                when = START + dt.timedelta(days=t, hours=j, minutes=10 * k)
                stamp = when.isoformat() + ".000+01:00"
                if bad_time == (t, j) and transition == "complete":
                    stamp = "yesterday"
                lines.append("    <event>")
                lines.append(f'      <string key="concept:name" value="{activity(t, j)}"/>')
                lines.append(f'      <string key="lifecycle:transition" value="{transition}"/>')
                lines.append(f'      <date key="time:timestamp" value="{stamp}"/>')
                lines.append(f'      <string key="org:resource" value="R{j % 3}">')
                lines.append('        <string key="note" value="meta-attribute, not read"/>')
                lines.append("      </string>")
                lines.append(
                    '      <list key="tags"><values><string key="x" value="y"/></values></list>'
                )
                lines.append("    </event>")
        lines.append("  </trace>")
    lines.append('  <trace><string key="concept:name" value="case-empty"/></trace>')
    lines.append("</log>")
    return "\n".join(lines) + "\n"


def zipped(name: str, content: bytes, *more: tuple[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, content)
        for other, data in more:
            archive.writestr(other, data)
    return buffer.getvalue()


# -- XES -----------------------------------------------------------------------------------------


def test_xes_log_maps_onto_events_with_every_event_and_attribute(make_bundle):
    folder = make_bundle({"events.xes": xes_log()}, yml=MAPPING)
    report = validate_bundle(folder)
    assert report.ok and not report.problems, report.format()
    events = load_bundle(folder).events
    assert len(events) == 90  # 2 × (5 + 6 + 7 + 8 + 9 + 10)
    assert events["stage"].nunique() == 25
    assert sorted(events["stage"].unique()) == [f"A{i:02d}" for i in range(1, 26)]
    assert events["lifecycle:transition"].value_counts().to_dict() == {"start": 45, "complete": 45}
    assert events.groupby("customer_id").size().to_dict() == {
        f"case-{t}": 2 * (5 + t) for t in range(6)
    }
    # trace attributes are prefixed case:, and repeated on each of the trace's events
    assert events.loc[events["customer_id"] == "case-1", "case:channel"].unique().tolist() == [
        "web"
    ]
    assert events["case:RequestedAmount"].iloc[0] == 1000.5
    # the log's own attributes, globals, meta-attributes and lists are not columns
    assert not {"note", "tags", "x", "concept:name"} & set(events.columns)
    # 2024-03-01 09:00 at UTC+1 is 08:00 UTC; trace 2's third activity completes 2 days, 2 h,
    # 10 min after the start
    first = events.iloc[0]
    assert (first["customer_id"], first["stage"], first["timestamp"]) == (
        "case-0",
        "A01",
        pd.Timestamp("2024-03-01 08:00"),
    )
    row = events[(events["customer_id"] == "case-2") & (events["stage"] == activity(2, 2))]
    assert row["timestamp"].max() == pd.Timestamp("2024-03-03 10:10")


def test_gzipped_and_zipped_logs_read_like_the_plain_one(make_bundle):
    text = xes_log().encode()
    plain = load_bundle(make_bundle({"events.xes": text}, yml=MAPPING)).events
    gz = make_bundle({"events.xes.gz": gzip.compress(text, mtime=0)}, yml=MAPPING)
    zp = make_bundle({"events.zip": zipped("export/log.xes", text)}, yml=MAPPING)
    for folder in (gz, zp):
        report = validate_bundle(folder)
        assert report.ok and not report.problems, report.format()
        pd.testing.assert_frame_equal(load_bundle(folder).events, plain)


def test_a_log_named_otherwise_is_mapped_under_tables(make_bundle):
    yml = "tables: {events: BPI_export.xes.gz}\n" + MAPPING
    text = gzip.compress(xes_log().encode(), mtime=0)
    folder = make_bundle({"BPI_export.xes.gz": text}, yml=yml)
    assert len(load_bundle(folder).events) == 90


def test_rows_of_a_log_are_the_lines_where_its_events_start(make_bundle):
    text = xes_log(bad_time=(3, 4))
    folder = make_bundle({"events.xes": text}, yml=MAPPING)
    problem = only(validate_bundle(folder), "unparsable_date")
    lines = text.splitlines()
    bad = next(i for i, line in enumerate(lines, start=1) if 'value="yesterday"' in line)
    # the <event> tag is three lines above the timestamp: name, transition, then the date
    assert lines[bad - 4].strip() == "<event>"
    assert problem.rows == ((bad - 3, "yesterday"),)
    assert problem.column == "time:timestamp" and problem.file == "events.xes"


def test_events_written_on_one_line_are_numbered_in_order(make_bundle):
    one_line = "".join(line.strip() for line in xes_log().splitlines()[1:])
    events = load_bundle(make_bundle({"events.xes": one_line}, yml=MAPPING)).events
    assert len(events) == 90


def test_unclosed_tag_is_malformed_with_its_line(make_bundle):
    lines = xes_log().splitlines()
    cut = next(i for i, line in enumerate(lines) if line.strip() == "</event>")
    del lines[cut]  # the first <event> is never closed; its </trace> does not match
    folder = make_bundle({"events.xes": "\n".join(lines)}, yml=MAPPING)
    report = validate_bundle(folder)
    problem = only(report, "malformed_file")
    assert rules(report) == ["malformed_file"]
    assert "not well-formed XML: mismatched tag" in problem.message
    closing = next(i for i, line in enumerate(lines, 1) if line.strip() == "</trace>")
    assert f"(line {closing}," in problem.message
    assert problem.file == "events.xes" and problem.table == "events"


def test_cut_off_log_says_so(make_bundle):
    text = xes_log()
    folder = make_bundle({"events.xes": text[: len(text) // 2]}, yml=MAPPING)
    problem = only(validate_bundle(folder), "malformed_file")
    assert "cut off" in problem.hint


BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n'
    "<!DOCTYPE log [\n"
    '  <!ENTITY lol "lol">\n'
    + "".join(
        f'  <!ENTITY lol{n} "{f"&lol{n - 1};" * 10 if n > 1 else "&lol;" * 10}">\n'
        for n in range(1, 10)
    )
    + "]>\n"
    '<log><trace><event><string key="concept:name" value="&lol9;"/></event></trace></log>\n'
)


class Counting(io.BytesIO):
    """A stream that remembers how many bytes were read from it."""

    def __init__(self, data: bytes):
        super().__init__(data)
        self.taken = 0

    def read(self, size: int | None = -1) -> bytes:
        out = super().read(size)
        self.taken += len(out)
        return out


def test_billion_laughs_is_refused_at_its_doctype(make_bundle):
    folder = make_bundle({"events.xes": BILLION_LAUGHS}, yml=MAPPING)
    report = validate_bundle(folder)
    problem = only(report, "unsupported_format")
    assert rules(report) == ["unsupported_format"]
    assert "declares a document type (<!DOCTYPE log …>) on line 2" in problem.message
    assert "<!DOCTYPE" in problem.hint
    assert len(report.format()) < 1000


def test_doctype_is_refused_before_the_rest_of_the_log_is_read():
    # the declaration sits in the first chunk; 3 MiB of events follow it
    events = b'<trace><event><string key="concept:name" value="A"/></event></trace>\n'
    body = BILLION_LAUGHS.encode().replace(
        b"</log>", events * (3 * 2**20 // len(events)) + b"</log>"
    )
    stream = Counting(body)
    with pytest.raises(_archive.FileRefused) as refused:
        _xes.read_log(stream)
    assert refused.value.rule == "unsupported_format"
    assert stream.taken <= _xes._CHUNK < len(body)


def test_doctype_naming_an_external_file_is_refused_and_never_fetched(make_bundle):
    text = xes_log().replace(
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<?xml version="1.0"?>\n<!DOCTYPE log SYSTEM "file:///etc/passwd">',
    )
    problem = only(validate_bundle(make_bundle({"events.xes": text})), "unsupported_format")
    assert "document type" in problem.message
    assert "passwd" not in problem.message


def test_xml_that_is_not_an_event_log_is_named_as_such(make_bundle):
    text = '<?xml version="1.0"?>\n<orders><order id="1"/></orders>\n'
    problem = only(validate_bundle(make_bundle({"events.xes": text})), "unsupported_format")
    assert "not an XES event log" in problem.message and "<orders>" in problem.message


def test_binary_file_named_xes_is_one_short_error(make_bundle):
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 64
    report = validate_bundle(make_bundle({"events.xes": png}))
    problem = only(report, "unsupported_format")
    assert "a PNG image" in problem.message
    assert rules(report) == ["unsupported_format"]
    assert len(report.format()) < 800


def test_log_without_events_and_empty_log(make_bundle):
    no_events = '<log><trace><string key="concept:name" value="c1"/></trace></log>'
    problem = only(validate_bundle(make_bundle({"events.xes": no_events})), "no_data_rows")
    assert "no events (1 trace(s) without events)" in problem.message
    only(validate_bundle(make_bundle({"events.xes": "  \n"})), "empty_file")


# -- compressed CSV --------------------------------------------------------------------------------


def test_gzipped_and_zipped_csv_read_like_plain_files(make_bundle):
    plain = load_bundle(make_bundle({"transactions.csv": TRANSACTIONS})).transactions
    packed = {
        "transactions.csv.gz": gzip.compress(TRANSACTIONS.encode(), mtime=0),
        "events.zip": zipped("events.csv", EVENTS.encode()),
    }
    bundle = load_bundle(make_bundle(packed))
    pd.testing.assert_frame_equal(bundle.transactions, plain)
    assert len(bundle.events) == 4
    assert bundle.sources["transactions"].path.name == "transactions.csv.gz"


def test_zip_holding_two_files_lists_them(make_bundle):
    content = zipped("transactions.csv", TRANSACTIONS.encode(), ("notes.txt", b"hello"))
    report = validate_bundle(make_bundle({"transactions.zip": content}))
    problem = only(report, "unsupported_format")
    assert "holds 2 files ('transactions.csv', 'notes.txt')" in problem.message
    assert "unpack it" in problem.hint
    assert rules(report) == ["unsupported_format"]


def test_zip_junk_from_macos_is_not_counted(make_bundle):
    content = zipped(
        "transactions.csv",
        TRANSACTIONS.encode(),
        ("__MACOSX/._transactions.csv", b"\x00\x05"),
        (".DS_Store", b"\x00"),
    )
    assert len(load_bundle(make_bundle({"transactions.zip": content})).transactions) == 5


def test_zip_of_a_workbook_says_to_unpack_it(make_bundle):
    content = zipped("transactions.xlsx", b"PK\x03\x04 not really")
    problem = only(
        validate_bundle(make_bundle({"transactions.zip": content})), "unsupported_format"
    )
    assert "'transactions.xlsx'" in problem.message


@pytest.fixture
def small_cap(monkeypatch):
    cap = 2**20
    monkeypatch.setattr(_archive, "MAX_UNPACKED_BYTES", cap)
    produced: list[int] = []
    real = _archive._Capped.read

    def counting(self, size=_archive._CHUNK):
        out = real(self, size)
        produced.append(len(out))
        return out

    monkeypatch.setattr(_archive._Capped, "read", counting)
    return cap, produced


def test_gzip_bomb_stops_at_the_cap(make_bundle, small_cap):
    cap, produced = small_cap
    member = gzip.compress(b"customer_id,date,amount\n" + b"C1,2024-01-01,1\n" * 40_000, mtime=0)
    bomb = member * 2_000  # about 1.3 GB unpacked from a file of a few megabytes
    report = validate_bundle(make_bundle({"transactions.csv.gz": bomb}))
    problem = only(report, "file_too_large")
    assert "unpacks to more than 1,048,576 bytes" in problem.message
    assert "1 MiB" in problem.message
    assert rules(report) == ["file_too_large"]
    assert sum(produced) <= cap + _archive._CHUNK  # stopped at the cap, not at the end


def test_zip_member_declared_over_the_cap_is_refused_unread(make_bundle, small_cap):
    _, produced = small_cap
    content = zipped("events.csv", EVENTS.encode() + b"C1,2024-03-01,x\n" * 100_000)
    problem = only(validate_bundle(make_bundle({"events.zip": content})), "file_too_large")
    assert "would unpack to" in problem.message
    assert produced == []


def test_xes_gzip_bomb_stops_at_the_cap(make_bundle, small_cap):
    trace = (
        '<trace><event><string key="concept:name" value="A"/></event></trace>\n' * 10_000
    ).encode()
    text = gzip.compress(b"<log>" + trace * 30 + b"</log>", mtime=0)
    problem = only(validate_bundle(make_bundle({"events.xes.gz": text})), "file_too_large")
    assert problem.file == "events.xes.gz"


def test_damaged_and_misnamed_archives(make_bundle):
    packed = gzip.compress(TRANSACTIONS.encode(), mtime=0)
    cut = validate_bundle(make_bundle({"transactions.csv.gz": packed[: len(packed) // 2]}))
    assert "cut off or damaged" in only(cut, "unreadable_file").message
    plain = validate_bundle(make_bundle({"transactions.csv.gz": TRANSACTIONS}))
    problem = only(plain, "unsupported_format")
    assert "not gzip-compressed" in problem.message and "end in .csv" in problem.hint
    fake = validate_bundle(make_bundle({"transactions.zip": TRANSACTIONS}))
    assert "not a zip archive" in only(fake, "unsupported_format").message


def test_gz_without_inner_suffix_says_how_to_name_it(make_bundle):
    packed = gzip.compress(TRANSACTIONS.encode(), mtime=0)
    problem = only(validate_bundle(make_bundle({"transactions.gz": packed})), "unsupported_format")
    assert "transactions.csv.gz" in problem.message


def test_gzip_named_csv_suggests_the_gz_suffix(make_bundle):
    packed = gzip.compress(TRANSACTIONS.encode(), mtime=0)
    problem = only(validate_bundle(make_bundle({"transactions.csv": packed})), "unsupported_format")
    assert ".csv.gz" in problem.hint


# -- header detection -----------------------------------------------------------------------------


def test_to_csv_index_column_is_dropped_with_a_warning(make_bundle):
    frame = pd.DataFrame(
        {"Submitted": ["2024-05-01", "2024-05-02", "2024-05-03"], "Score": [9, 6, 10]}
    )
    text = frame.to_csv()  # ",Submitted,Score\n0,2024-05-01,9\n…"
    assert text.startswith(",Submitted,Score\n0,")
    yml = "columns:\n  responses: {Submitted: date, Score: nps}\n"
    folder = make_bundle({"responses.csv": text}, yml=yml)
    report = validate_bundle(folder)
    problem = only(report, "index_column", "warning")
    assert "DataFrame.to_csv" in problem.message and "index=False" in problem.hint
    assert report.ok and len(report.problems) == 1, report.format()
    responses = load_bundle(folder).responses
    assert list(responses.columns) == ["date", "nps"]
    assert responses["nps"].tolist() == [9, 6, 10]


def test_index_of_a_filtered_frame_is_dropped_too(make_bundle):
    text = ",date,nps\n3,2024-05-01,9\n7,2024-05-02,6\n12,2024-05-03,10\n"
    folder = make_bundle({"responses.csv": text})
    only(validate_bundle(folder), "index_column", "warning")
    assert list(load_bundle(folder).responses.columns) == ["date", "nps"]


@pytest.mark.parametrize(
    "first", [["5", "3", "9"], ["a", "b", "c"], ["0", "1", ""], ["0", "0", "1"]]
)
def test_other_unnamed_first_columns_are_kept(make_bundle, first):
    rows = [f"{v},2024-05-0{i + 1},{9 - i}" for i, v in enumerate(first)]
    folder = make_bundle({"responses.csv": ",date,nps\n" + "\n".join(rows) + "\n"})
    report = validate_bundle(folder)
    assert "index_column" not in rules(report, "warning")
    assert "column A" in load_bundle(folder).responses.columns


def test_header_on_row_four_is_found_and_rows_keep_their_numbers(make_bundle):
    text = "Shop export\nPeriod: March 2024\n\n" + TRANSACTIONS.replace("-5.00", "x")
    folder = make_bundle({"transactions.csv": text})
    problem = only(validate_bundle(folder), "not_numeric")
    assert problem.rows == ((9, "x"),)  # header on row 4, O5 is the fifth row below it
    assert "header_row" not in rules(validate_bundle(folder), "warning")


PREAMBLE = (
    "Exported,2024-04-02,by,admin\n"
    "Period,2024-03-01,to,2024-03-31\n"
    "Rows,5,,\n"
    "Kunde,Datum,Betrag,Artikel\n"
    "K1,2024-03-01,25.00,Shirt\n"
    "K2,2024-03-02,40.50,Jeans\n"
)
PREAMBLE_YML = "columns:\n  transactions: {Kunde: customer_id, Datum: date, Betrag: amount}\n"


def test_header_that_looks_like_data_suggests_the_header_row(make_bundle):
    yml = "columns:\n  transactions: {Client: customer_id}\n"  # names nothing in the file
    report = validate_bundle(make_bundle({"transactions.csv": PREAMBLE}, yml=yml))
    problem = only(report, "header_row", "warning")
    assert "the header row looks wrong" in problem.message
    assert "(row 1) holds values ('2024-04-02')" in problem.message
    assert "try header_row: 4" in problem.hint
    assert "tables: {transactions: {header_row: 4}}" in problem.hint


def test_declaring_the_suggested_row_reads_the_file(make_bundle):
    yml = PREAMBLE_YML + "tables:\n  transactions: {header_row: 4}\n"
    folder = make_bundle({"transactions.csv": PREAMBLE}, yml=yml)
    report = validate_bundle(folder)
    assert report.ok and not report.problems, report.format()
    assert load_bundle(folder).transactions["amount"].tolist() == [25.0, 40.5]


def test_header_row_declared_on_a_data_row_is_questioned(make_bundle):
    yml = PREAMBLE_YML + "tables:\n  transactions: {header_row: 5}\n"
    report = validate_bundle(make_bundle({"transactions.csv": PREAMBLE}, yml=yml))
    problem = only(report, "header_row", "warning")
    assert "tables.transactions.header_row is 5, but row 5 holds values" in problem.message
    assert "try header_row: 4" in problem.hint


def test_file_without_a_header_says_so(make_bundle):
    text = "C1,2024-03-01,25.00\nC2,2024-03-02,40.50\n"
    report = validate_bundle(make_bundle({"transactions.csv": text}))
    problem = only(report, "header_row", "warning")
    assert "no header row" in problem.hint
    assert "missing_column" in rules(report)


def test_workbook_header_that_looks_like_data_is_questioned(make_bundle):
    rows = [r.split(",") for r in PREAMBLE.strip().split("\n")]
    folder = make_bundle({"transactions.xlsx": {"transactions": rows}})
    problem = only(validate_bundle(folder), "header_row", "warning")
    assert problem.sheet == "transactions"
    assert "try header_row: 4" in problem.hint
