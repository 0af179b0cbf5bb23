"""Kernels forked from the run's zygote behave as kernels started from nothing.

A forked kernel must start in the state a new kernel would have after the same imports (pandas'
and matplotlib's options, the plotting backend and its hooks, the widget comm targets, warnings,
paths and environment), report its exit, end when the worker that asked for it lets go or when the
zygote ends, and a worker whose zygote cannot serve it must start its kernel the usual way.
Whole runs with and without forking are compared in ``test_runner.py``.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from pathlib import Path

import nbformat
import pytest
from conftest import CUSTOMERS, RESPONSES
from jupyter_client.manager import AsyncKernelManager

from cxlab.runner._execute import kernel_env
from cxlab.runner._zygote import (
    ENV_SOCKET,
    PRELOAD,
    ForkedKernelManager,
    _alive,
    kernel_zygote,
    preload_for,
    supported,
)

pytestmark = [
    pytest.mark.slow,  # starts kernels
    pytest.mark.skipif(not supported(), reason="kernels are forked on Linux only"),
]

#: What a chapter's first cell imports, then the state a kernel's libraries have decided,
#: including the threads of BLAS and OpenMP, which read their caps when they are loaded.
PROBE = """
import json, os, signal, sys, warnings
import cxlab.plots, cxlab.widgets, cxlab.teaching
import matplotlib, matplotlib.pyplot as plt, numpy as np, pandas as pd, sklearn.ensemble
from threadpoolctl import threadpool_info
plt.figure(); plt.close("all")
ip = get_ipython()
print(json.dumps({
    "pandas": {k: repr(pd.get_option(k)) for k in pd._config.config._registered_options
               if k not in pd._config.config._deprecated_options},
    "matplotlib": {k: repr(v) for k, v in matplotlib.rcParams.items()},
    "backend": matplotlib.get_backend(),
    "numpy": repr(np.get_printoptions()),
    "warnings": sorted(repr(f) for f in warnings.filters),
    "comm targets": sorted(ip.kernel.comm_manager.targets),
    "post_execute": sorted(f.__qualname__ for f in ip.events.callbacks["post_execute"]),
    "formatters": sorted(ip.display_formatter.formatters),
    "cwd": os.getcwd(),
    "path": sys.path,
    "argv": [os.path.basename(sys.argv[0]), *sys.argv[1:2]],
    "env": {k: v for k, v in os.environ.items() if k != "JPY_PARENT_PID"},
    "signals": {s.name: repr(signal.getsignal(s)) for s in (signal.SIGINT, signal.SIGTERM,
                signal.SIGCHLD, signal.SIGPIPE)},
    "threads": sorted((i["user_api"], i["num_threads"]) for i in threadpool_info()),
    "parent": os.getppid(),
    "session leader": os.getsid(0) == os.getpid(),
}))
"""


async def _probe(manager_class: type, cwd: Path) -> tuple[dict, object]:
    km = manager_class(kernel_name="python3")
    await km.start_kernel(env=kernel_env(), cwd=str(cwd))
    process = km.provisioner.process
    kc = km.client()
    kc.start_channels()
    out: list[str] = []
    try:
        await kc.wait_for_ready(timeout=120)

        def hook(msg):
            if msg["msg_type"] == "stream" and msg["content"]["name"] == "stdout":
                out.append(msg["content"]["text"])
            elif msg["msg_type"] == "error":
                out.append("\n".join(msg["content"]["traceback"]))

        reply = await kc.execute_interactive(PROBE, timeout=120, output_hook=hook)
        assert reply["content"]["status"] == "ok", "".join(out)
    finally:
        kc.stop_channels()
        await km.shutdown_kernel()
    return json.loads("".join(out)), process


@pytest.fixture(scope="module")
def running_zygote():
    """A zygote as a run starts it, shared by the module's tests; yields its name and id."""
    before = set(_children())
    with kernel_zygote(kernel_env()) as env:
        assert ENV_SOCKET in env, "the zygote is listening"
        (pid,) = set(_children()) - before
        yield env[ENV_SOCKET], pid


@pytest.fixture
def zygote(running_zygote, monkeypatch):
    """Point this test's workers at the shared zygote; return its process id."""
    name, pid = running_zygote
    monkeypatch.setenv(ENV_SOCKET, name)
    return pid


def _children() -> list[int]:
    import psutil

    return [p.pid for p in psutil.Process().children()]


def test_a_forked_kernel_starts_as_a_new_kernel_would_and_reports_its_exit(zygote, tmp_path):
    forked, process = asyncio.run(_probe(ForkedKernelManager, tmp_path))
    os.environ.pop(ENV_SOCKET)
    new, _ = asyncio.run(_probe(AsyncKernelManager, tmp_path))
    assert forked.pop("parent") == zygote, "the kernel was forked by the zygote"
    assert new.pop("parent") == os.getpid()
    for key in new:
        assert forked[key] == new[key], (key, forked[key], new[key])
    assert process.returncode == 0, "a kernel asked to shut down reports a clean exit"


def _fork_one(tmp_path: Path):
    from jupyter_client.connect import write_connection_file

    from cxlab.runner._zygote import _fork_request

    connection, _ = write_connection_file(str(tmp_path / "kernel.json"))
    cmd = [sys.executable, "-m", "ipykernel_launcher", "-f", connection]
    kernel = _fork_request(os.environ[ENV_SOCKET], cmd, {"env": kernel_env(), "cwd": tmp_path})
    assert kernel is not None
    return kernel


def _wait_gone(pid: int) -> None:
    deadline = time.monotonic() + 60
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(pid), f"kernel {pid} still runs"


def test_a_kernel_ends_when_its_worker_lets_go(zygote, tmp_path):
    kernel = _fork_one(tmp_path)
    assert _alive(kernel.pid) and kernel.poll() is None
    kernel._conn.close()  # what a worker's death does to its connection
    _wait_gone(kernel.pid)


def test_kernels_end_with_their_zygote(monkeypatch, tmp_path):
    with kernel_zygote(kernel_env()) as env:
        monkeypatch.setenv(ENV_SOCKET, env[ENV_SOCKET])
        kernel = _fork_one(tmp_path)
        assert kernel.poll() is None
    _wait_gone(kernel.pid)
    assert kernel.wait(timeout=60) is not None


def test_a_worker_whose_zygote_is_gone_starts_its_kernel_the_usual_way(monkeypatch, tmp_path):
    monkeypatch.setenv(ENV_SOCKET, "cxlab-kernels-nobody-listens-here")
    state, _ = asyncio.run(_probe(ForkedKernelManager, tmp_path))
    assert state["parent"] == os.getpid()


def test_a_zygote_that_cannot_fork_leaves_the_worker_to_start_its_kernel(monkeypatch, tmp_path):
    # what the zygote does when fork fails: it reads the request, then closes the connection
    import socket
    import threading

    from cxlab.runner._zygote import _read_request

    name = f"cxlab-kernels-test-{os.getpid()}"
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind("\0" + name)
    listener.listen(1)

    def refuse():
        conn, _ = listener.accept()
        _, fds = _read_request(conn)
        for fd in fds:
            os.close(fd)
        conn.close()

    thread = threading.Thread(target=refuse)
    thread.start()
    monkeypatch.setenv(ENV_SOCKET, name)
    try:
        state, _ = asyncio.run(_probe(ForkedKernelManager, tmp_path))
    finally:
        thread.join(timeout=60)
        listener.close()
    assert state["parent"] == os.getpid()


def test_without_forking_no_zygote_is_started():
    before = set(_children())
    with kernel_zygote(kernel_env(), enabled=False) as env:
        assert env == {}
        assert set(_children()) == before


@pytest.mark.parametrize(("notebooks", "started"), [("00", False), ("00,01", True)])
def test_a_run_forks_kernels_from_its_second_notebook_on(
    monkeypatch, make_bundle, tmp_path, notebooks, started
):
    from cxlab.runner import _run, run_client

    asked = []
    real = _run.kernel_zygote

    def spy(env, *, enabled=True, preload=()):
        asked.append(enabled)
        return real(env, enabled=enabled, preload=preload)

    monkeypatch.setattr(_run, "kernel_zygote", spy)
    # the zygote starts before the bundle is validated, so an invalid bundle shows the choice
    # without running a chapter
    bad = make_bundle({"responses.csv": RESPONSES.replace(",9,5,6,", ",12,5,6,")})
    result = run_client(bad, out=tmp_path / "out", notebooks=notebooks)
    assert result.status == "invalid"
    assert asked == [started]


def _importing(path: Path, *sources: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    nbformat.write(nb, path)
    return path


def test_the_chapters_preload_everything_and_lighter_notebooks_what_they_import(tmp_path):
    from cxlab.runner._notebooks import notebooks_dir

    chapters = sorted(notebooks_dir().glob("[0-9][0-9]_*.ipynb"))
    assert preload_for(chapters) == PRELOAD
    assert all(preload_for([path]) == PRELOAD for path in chapters)
    light = _importing(tmp_path / "a.ipynb", "import cxlab\nfrom cxlab import headlines")
    stats = _importing(tmp_path / "b.ipynb", "%matplotlib inline\nfrom scipy import stats")
    assert preload_for([light]) == (
        "ipykernel.kernelapp",
        "IPython.display",
        "cxlab",
        "cxlab.headlines",
    )
    assert preload_for([light, stats]) == (
        "ipykernel.kernelapp",
        "IPython.display",
        "scipy.stats",
        "cxlab",
        "cxlab.headlines",
    )
    analysis = _importing(tmp_path / "c.ipynb", "from cxlab import metrics")
    assert preload_for([light, analysis]) == PRELOAD
    broken = _importing(tmp_path / "d.ipynb", "def broken(:")
    assert preload_for([light, broken]) == PRELOAD
    (tmp_path / "e.ipynb").write_text("not a notebook")
    assert preload_for([light, tmp_path / "e.ipynb"]) == PRELOAD


LIGHT_PROBE = """import os, sys, psutil
parent = " ".join(psutil.Process(os.getppid()).cmdline())
print("forked:", "cxlab.runner._zygote" in parent, "sklearn:", "sklearn" in sys.modules)"""


@pytest.mark.slow  # executes two stand-in notebooks
def test_kernels_of_lighter_notebooks_come_from_a_zygote_without_the_heavy_libraries(
    make_bundle, tmp_path
):
    from cxlab.runner import run_client

    folder = tmp_path / "chapters"
    folder.mkdir()
    for name in ("00_a", "01_b"):
        path = _importing(folder / f"{name}.ipynb", "import cxlab", LIGHT_PROBE)
        nb = nbformat.read(path, as_version=4)
        nb.metadata["kernelspec"] = {
            "name": "python3",
            "display_name": "Python 3",
            "language": "python",
        }
        nb.cells[:0] = [
            nbformat.v4.new_markdown_cell(f"# {name[:2]} · Probe"),
            nbformat.v4.new_markdown_cell("## Practical"),
        ]
        nbformat.write(nb, path)
    data = make_bundle({"customers.csv": CUSTOMERS})
    result = run_client(data, out=tmp_path / "out", notebook_dir=folder, jobs=2)
    assert result.ok, result.summary()
    for name in ("00_a", "01_b"):
        executed = nbformat.read(result.folder / f"{name}.ipynb", as_version=4)
        assert executed.cells[-1].outputs[0]["text"].split() == [
            "forked:",
            "True",
            "sklearn:",
            "False",
        ]
