"""The `cxlab` command line apart from `validate`: demos, versions and wrong usage."""

from __future__ import annotations

import subprocess
import sys

import pytest

from cxlab import datasets
from cxlab.cli import main


def test_demo_list_names_every_demo_with_its_description(capsys):
    assert main(["demo", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == list(datasets.DEMOS)
    for line, name in zip(lines, datasets.DEMOS, strict=True):
        assert datasets.describe(name) in line


@pytest.mark.parametrize("name", datasets.DEMOS)
def test_demo_path_prints_a_folder_that_validates(name, capsys):
    assert main(["demo", "path", name]) == 0
    folder = capsys.readouterr().out.strip()
    assert main(["validate", folder]) == 0


def test_demo_path_of_an_unknown_demo_exits_two_and_lists_the_choices(capsys):
    assert main(["demo", "path", "bakery"]) == 2
    err = capsys.readouterr().err
    assert "unknown demo 'bakery'" in err
    for name in datasets.DEMOS:
        assert name in err


def test_demo_regenerate_writes_every_demo_into_the_given_folder(tmp_path, capsys):
    assert main(["demo", "regenerate", "--out", str(tmp_path)]) == 0
    written = [line.removeprefix("wrote ") for line in capsys.readouterr().out.splitlines()]
    assert written
    for name in datasets.DEMOS:
        assert (tmp_path / name / "cxlab.yml").is_file()
        assert any(path.startswith(str(tmp_path / name)) for path in written)


def test_versions_lists_cxlab_and_the_libraries_it_stands_on(capsys):
    import pandas

    import cxlab

    assert main(["versions"]) == 0
    out = capsys.readouterr().out
    assert f"cxlab         {cxlab.__version__}" in out
    assert f"pandas        {pandas.__version__}" in out


def test_validate_a_missing_path_exits_two_with_a_hint(tmp_path, capsys):
    assert main(["validate", str(tmp_path / "nowhere")]) == 2
    err = capsys.readouterr().err
    assert "does not exist" in err and "nowhere" in err


@pytest.mark.parametrize("argv", [[], ["frobnicate"], ["demo", "remove"]])
def test_wrong_usage_exits_two_with_usage_not_a_traceback(argv):
    run = subprocess.run(
        [sys.executable, "-m", "cxlab.cli", *argv], capture_output=True, text=True, check=False
    )
    assert run.returncode == 2
    assert "usage: cxlab" in run.stderr
    assert "Traceback" not in run.stderr


def test_demo_large_without_out_exits_two_and_asks_for_a_folder(capsys):
    assert main(["demo", "large"]) == 2
    assert "--out DIR" in capsys.readouterr().err
