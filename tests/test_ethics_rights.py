"""Portability and erasure, as functions and as `cxlab export` / `cxlab erase`."""

import json
import shutil

import pandas as pd
import pytest

from cxlab import datasets, ethics, load_bundle
from cxlab.cli import main
from cxlab.errors import DataError


@pytest.fixture
def bundle_dir(tmp_path):
    """A copy of a demo whose comments name a customer and quote a customer's e-mail."""
    src = datasets.demo_path("consulting")
    dest = tmp_path / "bundle"
    shutil.copytree(src, dest)
    customers = pd.read_csv(dest / "customers.csv", dtype=str, keep_default_na=False)
    customers.insert(1, "email", [f"client{i}@example.org" for i in range(len(customers))])
    customers.to_csv(dest / "customers.csv", index=False, lineterminator="\n")
    responses = pd.read_csv(dest / "responses.csv", dtype=str, keep_default_na=False)
    responses.loc[10, "comment"] = "Ask C00001 about it, or write to client0@example.org"
    responses.to_csv(dest / "responses.csv", index=False, lineterminator="\n")
    return dest


def test_export_holds_every_row_of_the_customer(bundle_dir, tmp_path):
    b = load_bundle(bundle_dir)
    out = ethics.export_customer(b, "C00001", tmp_path / "export")
    doc = json.loads((out / "C00001.json").read_text(encoding="utf-8"))
    for table, df in b.tables.items():
        if "customer_id" not in df:  # reviews and costs are about no one customer
            assert table not in doc["tables"], table
            continue
        mine = df[df["customer_id"] == "C00001"]
        assert len(doc["tables"][table]) == len(mine), table
        csv = pd.read_csv(out / f"{table}.csv", dtype=str)
        assert len(csv) == len(mine)
        assert set(csv.get("customer_id", pd.Series(dtype=str))) <= {"C00001"}
    assert doc["tables"]["customers"][0]["email"] == "client0@example.org"


def test_erasure_leaves_no_trace_in_any_table(bundle_dir, tmp_path):
    before = load_bundle(bundle_dir)
    out = ethics.erase_customers(bundle_dir, ["C00001"], tmp_path / "erased")
    after = load_bundle(out)
    assert set(after.tables) == set(before.tables)
    for table, df in after.tables.items():
        kept = before.tables[table]
        if "customer_id" in kept:
            assert len(df) == int((kept["customer_id"] != "C00001").sum()), table
        else:  # reviews and costs hold no customer's rows
            assert len(df) == len(kept), table
        for col in df.columns:
            text = df[col].astype("string").fillna("")
            assert not text.str.contains("C00001", regex=False).any(), (table, col)
            assert not text.str.contains("client0@example.org", regex=False).any()
    assert ethics.ERASED in after.responses["comment"].tolist()[10]
    assert after.config.consent == before.config.consent
    assert after.config.sensitive == before.config.sensitive


def test_unknown_customer_is_named_with_a_suggestion(bundle_dir, tmp_path):
    with pytest.raises(DataError, match=r"(?s)not in any table.*did you mean"):
        ethics.erase_customers(bundle_dir, ["C0001"], tmp_path / "x")
    assert not (tmp_path / "x").exists()


def test_existing_destination_is_never_overwritten(bundle_dir, tmp_path):
    (tmp_path / "x").mkdir()
    with pytest.raises(FileExistsError, match="never overwrites"):
        ethics.export_customer(bundle_dir, "C00001", tmp_path / "x")


def test_failed_write_leaves_no_half_written_folder(bundle_dir, tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(ethics._rights, "_publish", broken)
    with pytest.raises(OSError, match="disk full"):
        ethics.erase_customers(bundle_dir, ["C00001"], tmp_path / "erased")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bundle"]


def test_cli_export_and_erase(bundle_dir, tmp_path, capsys):
    assert main(["export", "--data", str(bundle_dir), "--customer", "C00002",
                 "--out", str(tmp_path / "e")]) == 0  # fmt: skip
    assert "C00002.json" in capsys.readouterr().out
    code = main(["erase", "--data", str(bundle_dir), "--customer", "C00002", "--customer",
                 "C00003", "--out", str(tmp_path / "r")])  # fmt: skip
    assert code == 0
    assert "rows removed: customers 2" in capsys.readouterr().out
    ids = load_bundle(tmp_path / "r").customers["customer_id"]
    assert not ids.isin(["C00002", "C00003"]).any()


def test_cli_errors_are_messages_not_tracebacks(bundle_dir, tmp_path, capsys):
    assert main(["erase", "--data", str(tmp_path / "nope"), "--customer", "C1",
                 "--out", str(tmp_path / "r")]) == 2  # fmt: skip
    assert "does not exist" in capsys.readouterr().err
    assert main(["export", "--data", str(bundle_dir), "--customer", "X9",
                 "--out", str(tmp_path / "e")]) == 2  # fmt: skip
    err = capsys.readouterr().err
    assert "'X9' is not in any table" in err and "Traceback" not in err
