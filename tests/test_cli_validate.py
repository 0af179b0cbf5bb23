"""The `cxlab validate PATH` command: exit 1 on errors, 0 otherwise, 2 without a path."""

from __future__ import annotations

import subprocess
import sys

from conftest import RESPONSES, TRANSACTIONS, clean_files

from cxlab.cli import main


def test_clean_bundle_prints_ok_and_exits_zero(make_bundle, capsys):
    folder = make_bundle({"responses.csv": RESPONSES})
    assert main(["validate", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "OK, no problems found" in out


def test_warnings_alone_exit_zero_and_are_printed(make_bundle, capsys):
    folder = make_bundle(clean_files())  # the clean transactions hold one refund
    assert main(["validate", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "0 error(s), 1 warning(s)" in out
    assert "WARNING [negative_amount] transactions.csv › column 'amount'" in out


def test_errors_exit_one_and_name_file_column_and_rows(make_bundle, capsys):
    text = RESPONSES.replace(",5,6,Fast", ",5,9,Fast")  # CES 9 on row 2, outside 1–7
    folder = make_bundle({"responses.csv": text})
    assert main(["validate", str(folder)]) == 1
    out = capsys.readouterr().out
    assert "ERROR [out_of_scale] responses.csv › column 'ces'" in out
    assert "row 2: '9'" in out
    assert "fix:" in out


def test_every_error_is_printed(make_bundle, capsys):
    files = {
        "responses.csv": RESPONSES.replace(",5,6,Fast", ",5,9,Fast"),
        "transactions.csv": TRANSACTIONS.replace("2024-03-02", "someday"),
    }
    assert main(["validate", str(make_bundle(files))]) == 1
    out = capsys.readouterr().out
    assert "2 error(s)" in out
    assert "[out_of_scale]" in out and "[unparsable_date]" in out


def test_missing_path_exits_two_with_a_message(tmp_path, capsys):
    assert main(["validate", str(tmp_path / "nowhere")]) == 2
    captured = capsys.readouterr()
    assert "does not exist" in captured.err
    assert captured.out == ""


def test_invalid_yaml_is_reported_not_raised(make_bundle, capsys):
    folder = make_bundle(clean_files(), yml="columns:\n  responses: {Score: nps\n")
    assert main(["validate", str(folder)]) == 1
    out = capsys.readouterr().out
    assert "ERROR [invalid_yaml] cxlab.yml" in out


def test_malformed_bundle_prints_no_traceback_from_the_command_line(make_bundle):
    files = clean_files()
    files["customers.csv"] = b""
    files["transactions.csv"] = TRANSACTIONS.replace("25.00", "\u20ac25").encode("cp1252")
    files["events.csv"] = "customer_id,timestamp\nC1,2024-01-01\n"
    folder = make_bundle(files, yml="scales:\n  csat: {min: 1, max: 6}\n")
    result = subprocess.run(
        [sys.executable, "-m", "cxlab.cli", "validate", str(folder)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    for rule in ("empty_file", "not_numeric", "missing_column", "invalid_config"):
        assert f"[{rule}]" in result.stdout


def test_declared_drivers_that_cannot_be_used_are_warned_about(make_bundle, capsys):
    responses = (
        "response_id,date,csat,speed,price\n"
        "R1,2024-03-01,1,1,3\n"
        "R2,2024-03-02,2,2,3\n"
        "R3,2024-03-03,3,2,3\n"
        "R4,2024-03-04,4,4,3\n"
        "R5,2024-03-05,5,5,3\n"
    )
    folder = make_bundle({"responses.csv": responses}, yml="drivers: [speed, price]\n")
    assert main(["validate", str(folder)]) == 0  # a warning, not an error
    out = capsys.readouterr().out
    assert "unused_driver" in out
    assert "'price'" in out and "every answer is the same (3)" in out
    # with price out, speed is the only usable item, and key drivers need two
    assert "'speed'" in out and "at least two usable items" in out


def test_usable_drivers_give_no_warning(make_bundle, capsys):
    responses = (
        "response_id,date,csat,speed,price\n"
        "R1,2024-03-01,1,1,2\n"
        "R2,2024-03-02,2,2,1\n"
        "R3,2024-03-03,3,2,3\n"
        "R4,2024-03-04,4,4,5\n"
        "R5,2024-03-05,5,5,4\n"
    )
    folder = make_bundle({"responses.csv": responses}, yml="drivers: [speed, price]\n")
    assert main(["validate", str(folder)]) == 0
    assert "unused_driver" not in capsys.readouterr().out


def test_the_command_reads_the_bundle_once_and_loads_no_statistics(make_bundle):
    """Reading is most of a large client's validation; scipy alone would take about a second."""
    responses = (
        "response_id,date,csat,speed,price\n"
        "R1,2024-03-01,1,1,3\n"
        "R2,2024-03-02,2,2,3\n"
        "R3,2024-03-03,3,2,3\n"
    )
    folder = make_bundle({"responses.csv": responses}, yml="drivers: [speed, price]\n")
    probe = (
        "import sys\n"
        "import cxlab.contract.load as load\n"
        "from cxlab.cli import main\n"
        "reads = []\n"
        "real = load._load\n"
        "load._load = lambda *a, **k: reads.append(a) or real(*a, **k)\n"
        f"code = main(['validate', {str(folder)!r}])\n"
        "print('reads', len(reads), 'code', code)\n"
        "print('heavy', sorted(m for m in ('scipy.stats', 'statsmodels') if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    assert "unused_driver" in result.stdout, "the driver check still runs"
    assert "reads 1 code 0" in result.stdout
    assert "heavy []" in result.stdout
