"""The run's bundle snapshot: used only when it is this run's, untouched, and of these inputs."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

import cxlab
from cxlab.contract import load, snapshot
from cxlab.contract.snapshot import ENV_KEY, ENV_PATH, new_key, write_snapshot
from cxlab.datasets import write_demo

CUSTOMERS = "customer_id,signup_date,region\nC1,2024-01-05,North\nC2,2024-02-10,South\n"


@pytest.fixture
def bundle_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "client"
    folder.mkdir()
    (folder / "customers.csv").write_text(CUSTOMERS, encoding="utf-8")
    (folder / "cxlab.yml").write_text("client: Snap & Co\n", encoding="utf-8")
    return folder


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record every full load (read, map and validate) that load_bundle makes."""
    calls: list[str] = []
    real = load._load

    def counting(path, *, full=True):
        calls.append(str(path))
        return real(path, full=full)

    monkeypatch.setattr(load, "_load", counting)
    return calls


@pytest.fixture
def snapshot_of(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, loads: list[str]):
    """Validate a bundle, write its snapshot and point the environment at it (as a run does)."""

    def make(folder: Path) -> Path:
        bundle = cxlab.load_bundle(folder.resolve())
        private = tmp_path / "private"
        private.mkdir(exist_ok=True)
        target = private / "bundle.pickle"
        key = new_key()
        write_snapshot(bundle, target, key)
        monkeypatch.setenv(ENV_PATH, str(target))
        monkeypatch.setenv(ENV_KEY, key)
        loads.clear()  # the validation the run makes once does not count
        return target

    return make


def _same(a, b) -> None:
    assert a.config == b.config
    assert a.name == b.name
    for table in ("customers", "transactions", "responses", "events"):
        left, right = getattr(a, table), getattr(b, table)
        assert (left is None) == (right is None)
        if left is not None:
            pd.testing.assert_frame_equal(left, right)


def test_a_matching_snapshot_is_used_without_validating_again(bundle_dir, snapshot_of, loads):
    snapshot_of(bundle_dir)
    kept = cxlab.load_bundle(str(bundle_dir.resolve()))
    assert loads == []
    _same(kept, load._load(bundle_dir.resolve())[0])


def test_without_the_environment_every_load_validates(bundle_dir, loads):
    cxlab.load_bundle(bundle_dir)
    assert len(loads) == 1


@pytest.mark.parametrize(
    "change",
    [
        lambda f: (f / "customers.csv").write_text(CUSTOMERS.replace("North", "Nörth"), "utf-8"),
        lambda f: (f / "cxlab.yml").write_text("client: Snap and Co\n", encoding="utf-8"),
        lambda f: (f / "responses.csv").write_text("nps\n9\n", encoding="utf-8"),
        lambda f: (f / "customers.csv").unlink(),
    ],
    ids=["one input byte", "cxlab.yml", "a new file", "a file removed"],
)
def test_any_change_to_the_inputs_means_a_full_validation(
    bundle_dir, snapshot_of, loads, change
) -> None:
    snapshot_of(bundle_dir)
    change(bundle_dir)
    try:
        cxlab.load_bundle(bundle_dir.resolve())
    except cxlab.BundleError:
        pass  # a removed table is reported by the full validation, as it should be
    assert len(loads) == 1


def test_a_changed_input_is_seen_in_the_loaded_bundle(bundle_dir, snapshot_of) -> None:
    snapshot_of(bundle_dir)
    (bundle_dir / "customers.csv").write_text(CUSTOMERS.replace("North", "East"), "utf-8")
    bundle = cxlab.load_bundle(bundle_dir.resolve())
    assert bundle.customers["region"].tolist() == ["East", "South"]


def test_a_new_cxlab_version_means_a_full_validation(
    bundle_dir, snapshot_of, loads, monkeypatch
) -> None:
    snapshot_of(bundle_dir)
    monkeypatch.setattr(cxlab, "__version__", cxlab.__version__ + ".post1")
    cxlab.load_bundle(bundle_dir.resolve())
    assert len(loads) == 1


def test_another_folder_with_the_same_files_does_not_use_it(
    bundle_dir, snapshot_of, loads, tmp_path
) -> None:
    snapshot_of(bundle_dir)
    twin = shutil.copytree(bundle_dir, tmp_path / "twin")
    cxlab.load_bundle(twin)
    assert len(loads) == 1


def test_a_tampered_snapshot_is_never_unpickled(bundle_dir, snapshot_of, loads, monkeypatch):
    target = snapshot_of(bundle_dir)
    data = bytearray(target.read_bytes())
    data[-3] ^= 0xFF
    target.write_bytes(bytes(data))
    unpickled: list[bytes] = []
    monkeypatch.setattr(snapshot.pickle, "loads", lambda b: unpickled.append(b))
    cxlab.load_bundle(bundle_dir.resolve())
    assert unpickled == [] and len(loads) == 1


def test_a_snapshot_under_another_key_is_never_unpickled(
    bundle_dir, snapshot_of, loads, monkeypatch
) -> None:
    snapshot_of(bundle_dir)
    monkeypatch.setenv(ENV_KEY, new_key())
    unpickled: list[bytes] = []
    monkeypatch.setattr(snapshot.pickle, "loads", lambda b: unpickled.append(b))
    cxlab.load_bundle(bundle_dir.resolve())
    assert unpickled == [] and len(loads) == 1


def test_a_missing_or_garbled_snapshot_falls_back_to_validation(
    bundle_dir, snapshot_of, loads, monkeypatch
) -> None:
    target = snapshot_of(bundle_dir)
    target.unlink()
    cxlab.load_bundle(bundle_dir.resolve())
    monkeypatch.setenv(ENV_KEY, "not hex")
    cxlab.load_bundle(bundle_dir.resolve())
    assert len(loads) == 2


def test_the_snapshot_file_is_private_to_its_owner(bundle_dir, snapshot_of) -> None:
    target = snapshot_of(bundle_dir)
    assert target.stat().st_mode & 0o077 == 0


def test_validate_false_never_reads_the_snapshot(bundle_dir, snapshot_of, loads) -> None:
    snapshot_of(bundle_dir)
    cxlab.load_bundle(bundle_dir.resolve(), validate=False)
    assert len(loads) == 1


def test_a_demo_bundle_round_trips_whole(tmp_path, snapshot_of, loads) -> None:
    folder = write_demo("saas", tmp_path / "saas", n_customers=150)
    snapshot_of(folder)
    kept = cxlab.load_bundle(folder.resolve())
    assert loads == []
    fresh = load._load(folder.resolve())[0]
    _same(kept, fresh)
    assert kept.report.format() == fresh.report.format()
    assert kept.stage_order == fresh.stage_order


@pytest.mark.slow  # executes a notebook
def test_the_chapters_of_a_run_read_the_snapshot(tmp_path, bundle_dir) -> None:
    import nbformat

    from cxlab.runner import run_client

    chapters = tmp_path / "chapters"
    chapters.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.metadata["cxlab"] = {"requires": ["customers"]}
    params = nbformat.v4.new_code_cell('client_name: str = ""\ndata_dir: str = ""\nseed: int = 1')
    params.metadata["tags"] = ["parameters"]
    probe = (
        "from cxlab.contract.snapshot import read_snapshot\n"
        "print('kept:', read_snapshot(data_dir) is not None)"
    )
    nb.cells = [
        nbformat.v4.new_markdown_cell("# 00 · Probe"),
        nbformat.v4.new_markdown_cell("## Practical"),
        params,
        nbformat.v4.new_code_cell(probe),
    ]
    nbformat.write(nb, chapters / "00_probe.ipynb")
    for flag in (True, False):
        run = run_client(
            bundle_dir, out=tmp_path / f"out-{flag}", notebook_dir=chapters, snapshot=flag
        )
        assert run.ok, run.summary()
        executed = nbformat.read(run.folder / "00_probe.ipynb", as_version=4)
        assert f"kept: {flag}" in executed.cells[-1].outputs[0]["text"]


def test_a_chapter_reading_the_snapshot_imports_no_reader_or_validator(
    tmp_path, bundle_dir
) -> None:
    import subprocess
    import sys

    bundle = cxlab.load_bundle(bundle_dir.resolve())
    key = new_key()
    write_snapshot(bundle, tmp_path / "bundle.pickle", key)
    probe = (
        "import sys, cxlab\n"
        f"b = cxlab.load_bundle({str(bundle_dir.resolve())!r})\n"
        "print(len(b.customers), sorted(m for m in ('pandera', 'openpyxl', "
        "'cxlab.contract._read', 'cxlab.contract._validate', 'cxlab.contract._init') "
        "if m in sys.modules))"
    )
    env = {**os.environ, ENV_PATH: str(tmp_path / "bundle.pickle"), ENV_KEY: key}
    out = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["2", "[]"]
