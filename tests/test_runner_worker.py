"""What one notebook worker costs besides its notebook: the modules it loads, the saves it makes.

A run starts one worker per chapter, so whatever a worker does for itself is paid ten times per
client. These tests pin the two costs that were larger than some chapters' analysis: loading
pandas, Arrow and jsonschema's IRI grammar, which a worker never uses, and writing the whole output
notebook twice per cell. The command line's own process skips the IRI grammar too.
"""

from __future__ import annotations

import json
import subprocess
import sys

import nbformat
import pytest

from cxlab.runner import _worker

_LOADED = """
import json, sys
from cxlab.runner import _worker
_worker._skip_iri_grammar()
import jsonschema, papermill
ok = jsonschema.FormatChecker().conforms("2026-12-06T12:00:00+00:00", "date-time")
print(json.dumps({"pandas": "pandas" in sys.modules, "arrow": "pyarrow" in sys.modules,
                  "iri": sys.modules.get("rfc3987_syntax") is not None,
                  "date_time_checked": ok}))
"""


def test_a_worker_loads_neither_pandas_nor_arrow_nor_the_iri_grammar():
    done = subprocess.run(
        [sys.executable, "-c", _LOADED], capture_output=True, text=True, check=True, timeout=120
    )
    loaded = json.loads(done.stdout.strip().splitlines()[-1])
    assert loaded == {"pandas": False, "arrow": False, "iri": False, "date_time_checked": True}


_CLI = """
import json, sys
from cxlab import cli
code = cli.main(["run", "--data", sys.argv[1], "--out", sys.argv[2]])
print(json.dumps({"code": code, "nbformat": "nbformat" in sys.modules,
                  "iri": sys.modules.get("rfc3987_syntax") is not None}))
"""


def test_the_command_line_runner_does_not_build_the_iri_grammar_either(tmp_path):
    # a run whose data folder is missing stops after the runner, and nbformat, are imported
    done = subprocess.run(
        [sys.executable, "-c", _CLI, str(tmp_path / "missing"), str(tmp_path / "out")],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    loaded = json.loads(done.stdout.strip().splitlines()[-1])
    assert loaded == {"code": 2, "nbformat": True, "iri": False}


def _notebook(path, cells: int) -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [nbformat.v4.new_code_cell(f"print({i} * {i})") for i in range(cells)]
    nbformat.write(nb, path)


@pytest.fixture
def counted_saves(monkeypatch):
    """Count the output notebook's saves made while the cells run (papermill's manager)."""
    import papermill.engines as engines

    saves: list[str] = []
    real = engines.write_ipynb

    def write(nb, path, **kwargs):
        saves.append(str(path))
        return real(nb, path, **kwargs)

    monkeypatch.setattr(engines, "write_ipynb", write)
    _worker._register_engine()
    return saves


CELLS = 12


@pytest.mark.parametrize("engine, fewest, most", [(_worker.ENGINE, 2, 2), (None, 2 * CELLS, None)])
def test_quick_cells_are_saved_at_the_start_and_the_end_not_twice_each(
    tmp_path, counted_saves, engine, fewest, most
):
    import papermill

    source, output = tmp_path / "in.ipynb", tmp_path / "out.ipynb"
    _notebook(source, CELLS)
    papermill.execute_notebook(
        str(source),
        str(output),
        kernel_name="python3",
        engine_name=engine,
        progress_bar=False,
        cwd=str(tmp_path),
    )
    # papermill's own engine (None) writes at every cell's start and end: the comparison shows
    # what is counted is the saves the sparse engine leaves out
    assert len(counted_saves) >= fewest
    if most is not None:
        assert len(counted_saves) <= most
    cells = nbformat.read(output, as_version=4).cells
    assert [c.outputs[0]["text"] for c in cells] == [f"{i * i}\n" for i in range(CELLS)]


def test_with_no_wait_between_saves_every_cell_is_saved(tmp_path, counted_saves, monkeypatch):
    import papermill

    monkeypatch.setattr(_worker, "SAVE_EVERY", 0.0)
    source, output = tmp_path / "in.ipynb", tmp_path / "out.ipynb"
    _notebook(source, 3)
    papermill.execute_notebook(
        str(source),
        str(output),
        kernel_name="python3",
        engine_name=_worker.ENGINE,
        progress_bar=False,
        cwd=str(tmp_path),
    )
    assert len(counted_saves) >= 2 * 3
