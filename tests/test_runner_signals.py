"""A stopped or killed run leaves no process and no temporary folder behind.

Each end-to-end test starts ``cxlab run`` (or ``cxlab batch``) as a process of its own on a
stand-in chapter whose cell writes a marker file and then sleeps for an hour. The test waits for
the marker, so the notebook's worker and kernel are certainly running, reads the command's whole
process tree, sends the signal to the command alone (as Ctrl-C in a terminal or ``kill`` would:
the workers live in sessions of their own), and then checks by process id that every process of
that tree has ended and that no temporary folder is left. Every wait polls for a condition with
a generous limit, so nothing depends on how fast the machine is.

The clean-up of folders left by a killed run is also tested directly, on folders laid out by
hand, including the cases where it must leave a folder alone.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import nbformat
import psutil
import pytest
from conftest import CUSTOMERS

from cxlab.runner import run_client
from cxlab.runner._tempdirs import OWNER_FILE, STALE_AFTER, make_temp, remove_stale

#: Generous limits (seconds) for a kernel to start and for processes to end.
START_LIMIT = 300.0
END_LIMIT = 120.0

#: Runs the command line as the console script does, with Ctrl-C's usual meaning restored
#: (a test runner started in the background may hand its children SIGINT ignored).
LAUNCH = (
    "import signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
    "from cxlab.cli import main; sys.exit(main(sys.argv[1:]))"
)


def _chapter(folder: Path, name: str, cells: list[str]) -> Path:
    folder.mkdir(exist_ok=True)
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    params = nbformat.v4.new_code_cell('client_name = ""\ndata_dir = ""\nseed = 0')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [
        nbformat.v4.new_markdown_cell(f"# {name[:2]} · Stand-in"),
        nbformat.v4.new_markdown_cell("## Practical"),
        params,
        *(nbformat.v4.new_code_cell(c) for c in cells),
    ]
    nbformat.write(nb, folder / f"{name}.ipynb")
    return folder


def _sleeper(folder: Path, markers: Path) -> Path:
    """A chapter that announces its kernel in ``markers/<client>.running``, then sleeps an hour."""
    markers.mkdir(exist_ok=True)
    cell = (
        "import os, pathlib, time\n"
        f"pathlib.Path({str(markers)!r}, client_name + '.running').write_text(str(os.getpid()))\n"
        "time.sleep(3600)"
    )
    return _chapter(folder, "00_sleep", [cell])


def _wait_for(condition: Callable[[], bool], limit: float, what: str) -> None:
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {limit:g} s for {what}")
        time.sleep(0.1)


def _ended(proc: psutil.Process) -> bool:
    try:
        return not proc.is_running() or proc.status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def _temporary(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir() if ".tmp-" in p.name) if out.exists() else []


@pytest.fixture
def started() -> Iterator[list[psutil.Process]]:
    """Every process a test saw in the command's tree; any still alive is killed afterwards."""
    seen: list[psutil.Process] = []
    yield seen
    for proc in seen:
        try:
            proc.kill()
        except psutil.Error:
            pass


def _start(tmp_path: Path, argv: list[str], started: list) -> subprocess.Popen:
    log = tmp_path / "command.log"
    with log.open("w", encoding="utf-8") as sink:
        proc = subprocess.Popen(
            [sys.executable, "-c", LAUNCH, *argv], stdout=sink, stderr=subprocess.STDOUT
        )
    started.append(psutil.Process(proc.pid))
    return proc


def _running_tree(
    proc: subprocess.Popen, markers: list[Path], started: list
) -> list[psutil.Process]:
    """Wait until every marker exists; return the command and all its descendants."""

    def ready() -> bool:
        if proc.poll() is not None:
            raise AssertionError(f"the command ended early with exit code {proc.returncode}")
        return all(m.exists() for m in markers)

    _wait_for(ready, START_LIMIT, "the stand-in chapters' kernels to start")
    root = psutil.Process(proc.pid)
    tree = [root, *root.children(recursive=True)]
    started.extend(tree[1:])
    kernels = {int(m.read_text()) for m in markers}
    assert kernels <= {p.pid for p in tree}, "each kernel is a descendant of the command"
    return tree


def _assert_all_ended(tree: list[psutil.Process]) -> None:
    def all_ended() -> bool:
        return all(_ended(p) for p in tree)

    try:
        _wait_for(all_ended, END_LIMIT, "every process of the run to end")
    except AssertionError:
        alive = [f"{p.pid} {' '.join(p.cmdline()[:4])}" for p in tree if not _ended(p)]
        raise AssertionError(f"still running after {END_LIMIT:g} s: {alive}") from None


@pytest.fixture
def sleepy(make_bundle) -> Path:
    return make_bundle({"customers.csv": CUSTOMERS}, yml="client: Sleepy Co\n", name="sleepy")


@pytest.mark.parametrize(
    ("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)], ids=["SIGINT", "SIGTERM"]
)
def test_a_stopped_run_ends_its_workers_and_leaves_no_temporary_folder(
    tmp_path, sleepy, started, signum, code
):
    markers = tmp_path / "markers"
    chapters = _sleeper(tmp_path / "chapters", markers)
    out = tmp_path / "out"
    argv = ["run", "--data", str(sleepy), "--out", str(out), "--notebooks-dir", str(chapters)]
    proc = _start(tmp_path, argv, started)
    tree = _running_tree(proc, [markers / "Sleepy Co.running"], started)
    assert len(_temporary(out)) == 1, "the run is assembling its results"

    os.kill(proc.pid, signum)
    assert proc.wait(timeout=END_LIMIT) == code
    message = (tmp_path / "command.log").read_text(encoding="utf-8")
    assert f"cxlab run: stopped by {signal.Signals(signum).name}" in message
    assert "Traceback" not in message
    _assert_all_ended(tree)
    assert _temporary(out) == []
    assert not (out / "sleepy-co").exists(), "a stopped run publishes nothing"


def test_a_killed_run_takes_its_workers_along_and_the_next_run_cleans_up(tmp_path, sleepy, started):
    markers = tmp_path / "markers"
    chapters = _sleeper(tmp_path / "chapters", markers)
    out = tmp_path / "out"
    argv = ["run", "--data", str(sleepy), "--out", str(out), "--notebooks-dir", str(chapters)]
    proc = _start(tmp_path, argv, started)
    tree = _running_tree(proc, [markers / "Sleepy Co.running"], started)

    os.kill(proc.pid, signal.SIGKILL)
    assert proc.wait(timeout=END_LIMIT) == -signal.SIGKILL
    _assert_all_ended(tree)  # the workers noticed their parent's death and ended their kernels
    [left] = _temporary(out)  # a killed process cannot clean up after itself
    owner = json.loads((out / left / OWNER_FILE).read_text(encoding="utf-8"))
    assert owner["pid"] == proc.pid

    quick = _chapter(tmp_path / "quick", "00_quick", ["print('quick')"])
    result = run_client(sleepy, out=out, notebook_dir=quick)
    assert result.ok, result.summary()
    assert _temporary(out) == []
    log = (result.folder / "run.log").read_text(encoding="utf-8")
    assert f"removed {left}: its run (process {proc.pid}) has ended" in log


@pytest.mark.parametrize(
    ("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)], ids=["SIGINT", "SIGTERM"]
)
def test_a_stopped_batch_ends_every_clients_workers(tmp_path, make_bundle, started, signum, code):
    import yaml

    markers = tmp_path / "markers"
    chapters = _sleeper(tmp_path / "chapters", markers)
    clients = [
        {"name": name, "data": make_bundle({"customers.csv": CUSTOMERS}).name}
        for name in ("Alder", "Birch")
    ]
    batch = tmp_path / "clients.yml"
    batch.write_text(yaml.safe_dump({"out": "reports", "jobs": 2, "clients": clients}), "utf-8")
    argv = ["batch", str(batch), "--notebooks-dir", str(chapters), "--quiet"]
    proc = _start(tmp_path, argv, started)
    tree = _running_tree(proc, [markers / "Alder.running", markers / "Birch.running"], started)
    assert len(tree) >= 5, "the command, two workers and two kernels"

    os.kill(proc.pid, signum)
    assert proc.wait(timeout=END_LIMIT) == code
    message = (tmp_path / "command.log").read_text(encoding="utf-8")
    assert f"cxlab batch: stopped by {signal.Signals(signum).name}" in message
    _assert_all_ended(tree)
    out = tmp_path / "reports"
    assert _temporary(out) == []
    assert not (out / "index.html").exists()


# ------------------------------------------------------------------------------------------
# clean-up of what a killed run left


def _leftover(out: Path, slug: str, **owner) -> Path:
    """A temporary folder as a run makes it, with its owner record changed by ``owner``."""
    out.mkdir(exist_ok=True)
    tmp = make_temp(out, slug)
    record = json.loads((tmp / OWNER_FILE).read_text(encoding="utf-8"))
    (tmp / OWNER_FILE).write_text(json.dumps({**record, **owner}), encoding="utf-8")
    (tmp / "00_welcome.ipynb").write_text("{}", encoding="utf-8")
    return tmp


def _dead_pid() -> tuple[int, float]:
    """The id and start time of a process that has ended."""
    proc = subprocess.Popen(
        [sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE
    )
    started = psutil.Process(proc.pid).create_time()
    proc.communicate(b"")
    return proc.pid, started


def test_the_folder_of_a_live_run_is_never_removed(tmp_path):
    out = tmp_path / "out"
    live = _leftover(out, "acme")  # owned by this very process
    assert remove_stale(out) == []
    assert remove_stale(out, now=time.time() + 10 * STALE_AFTER) == []
    assert live.is_dir()


def test_the_folder_of_a_run_that_ended_is_removed(tmp_path):
    out = tmp_path / "out"
    pid, started = _dead_pid()
    if psutil.pid_exists(pid):
        pytest.skip(f"process id {pid} was recycled at once; the case cannot be set up")
    dead = _leftover(out, "acme", pid=pid, started=started)
    assert remove_stale(out) == [f"removed {dead.name}: its run (process {pid}) has ended"]
    assert not dead.exists()


def test_a_recycled_process_id_is_not_taken_for_the_owner(tmp_path):
    out = tmp_path / "out"
    # This process's id, but a start time a minute earlier: the owner was another process.
    me = psutil.Process()
    dead = _leftover(out, "acme", pid=me.pid, started=me.create_time() - 60)
    assert len(remove_stale(out)) == 1
    assert not dead.exists()


@pytest.mark.parametrize("owner", ["another host", "no owner file"])
def test_an_unverifiable_folder_is_removed_only_after_a_day_unchanged(tmp_path, owner):
    out = tmp_path / "out"
    if owner == "another host":
        folder = _leftover(out, "acme", host=f"not-{socket.gethostname()}", pid=1)
    else:
        folder = _leftover(out, "acme")
        (folder / OWNER_FILE).unlink()
    assert remove_stale(out, now=time.time() + STALE_AFTER / 2) == []
    assert folder.is_dir()
    [line] = remove_stale(out, now=time.time() + STALE_AFTER + 3600)
    assert line.startswith(f"removed {folder.name}: it has not changed for 2")
    assert not folder.exists()


def test_previous_results_set_aside_by_a_killed_run_are_put_back(tmp_path):
    out = tmp_path / "out"
    pid, started = _dead_pid()
    if psutil.pid_exists(pid):
        pytest.skip(f"process id {pid} was recycled at once; the case cannot be set up")
    tmp = _leftover(out, "acme", pid=pid, started=started)
    # Killed between the two renames: the previous results wait under the .old name.
    previous = out / f"{tmp.name}.old"
    previous.mkdir()
    (previous / "report.html").write_text("previous report", encoding="utf-8")
    lines = remove_stale(out)
    assert lines[0].startswith(f"restored acme/ from {previous.name}")
    assert (out / "acme" / "report.html").read_text(encoding="utf-8") == "previous report"
    assert sorted(p.name for p in out.iterdir()) == ["acme"]


def test_previous_results_left_after_a_finished_swap_are_removed(tmp_path):
    out = tmp_path / "out"
    (out / "acme").mkdir(parents=True)
    (out / "acme" / "report.html").write_text("new report", encoding="utf-8")
    (out / ".acme.tmp-abc123.old").mkdir()
    assert remove_stale(out) == [
        "removed .acme.tmp-abc123.old: previous results a finished run had left"
    ]
    assert sorted(p.name for p in out.iterdir()) == ["acme"]


def test_other_folders_are_left_alone(tmp_path):
    out = tmp_path / "out"
    for name in ("acme", ".hidden", ".acme.backup", "index.html.tmp-x"):
        (out / name).mkdir(parents=True)
    assert remove_stale(out, now=time.time() + 10 * STALE_AFTER) == []
    assert len(list(out.iterdir())) == 4
