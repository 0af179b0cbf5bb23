"""Execute one notebook with papermill, in a process of its own.

Each notebook runs in a child Python process (``python -m cxlab.runner._worker``) that calls
papermill, and papermill starts the notebook's kernel. The extra process is what isolates
failures: a cell that raises, a cell that outlasts the per-cell timeout, a kernel that dies, or
papermill itself going wrong ends that notebook only, and the parent records why. The parent
also holds a wall-clock limit over the whole child, so a kernel that never answers cannot stall
the run.

The child always leaves the executed notebook at ``output`` when it got as far as starting it
(saved when the notebook ends however it ends, the failing cell's traceback included, and every
few seconds while it runs), and prints one JSON line as its last line of output:
``{"status": "ok" | "failed", "reason": "..."}``.

Ending a child ends its whole tree: the kernel runs in a session of its own, so killing the
child's process group alone would leave it running (see :func:`cxlab.runner._signals.end_tree`).
Children are started through :func:`cxlab.runner._signals.spawn`, which registers them so that
a SIGINT or SIGTERM of the run ends them too, and each child is told its parent's process id so
that it ends itself and its kernel when the parent dies (:mod:`cxlab.runner._worker`).

Every kernel's numeric libraries (OpenMP, OpenBLAS, MKL) run one thread
(:func:`thread_limits`), for two reasons. The numbers: a multi-threaded BLAS sums a long dot
product in pieces, one per thread, so a likelihood or a standard error can change in its last
digits with the machine's cores, and a report must not depend on the machine it ran on. The time:
kernels side by side (``--jobs``, a batch) that each start a thread per core crowd each other out
— scikit-learn's gradient boosting spins on its OpenMP threads. Variables the user has set are
left as they are.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil

from cxlab.findings import escape_markdown
from cxlab.runner import _signals

__all__ = ["Outcome", "auto_jobs", "execute", "kernel_env", "skip_iri_grammar", "thread_limits"]


def skip_iri_grammar() -> None:
    """Keep jsonschema from building its IRI grammar in this process.

    The runner and every notebook worker read notebooks through nbformat, which imports
    jsonschema, and jsonschema imports ``rfc3987_syntax`` when it is installed (JupyterLab's
    dependencies install it) to check the "iri" string format. That module compiles some thirty
    Lark parsers as it is imported: over a second of CPU in each process, for a format the
    notebook schema never uses. Marked absent before jsonschema is imported, jsonschema leaves
    that one format unchecked, as it does wherever the module is not installed.

    Only for processes of cxlab's own (the command line, the notebook worker): a program that
    imports the runner as a library keeps its jsonschema as it is. Once jsonschema is imported
    this does nothing.

    Examples
    --------
    >>> import sys
    >>> import jsonschema  # already imported: nothing changes
    >>> before = sys.modules.get("rfc3987_syntax", "absent")
    >>> skip_iri_grammar()
    >>> sys.modules.get("rfc3987_syntax", "absent") is before
    True
    """
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)


#: The variables that cap the threads of OpenMP (scikit-learn), OpenBLAS and MKL (numpy, scipy).
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def thread_limits() -> dict[str, str]:
    """Return the thread caps every kernel gets: one thread for each library the user left unset.

    Returns
    -------
    dict
        Each variable of :data:`THREAD_VARIABLES` not already in the environment, set to "1".

    Examples
    --------
    >>> import os
    >>> caps = thread_limits()
    >>> all(caps[name] == "1" for name in THREAD_VARIABLES if name not in os.environ)
    True
    """
    return {name: "1" for name in THREAD_VARIABLES if name not in os.environ}


def kernel_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """Return the environment of a notebook's worker and kernel.

    This process's environment without ``MPLBACKEND`` (the kernel sets its inline backend),
    with the thread caps of :func:`thread_limits` and then ``extra``.
    """
    inherited = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    return inherited | thread_limits() | (extra or {})


#: The most notebooks ``--jobs auto`` runs at once: past four, kernels side by side gain little on
#: a laptop and their memory adds up on a large client.
AUTO_JOBS_CAP = 4
#: Memory set aside for each notebook run at once under ``--jobs auto``. The large synthetic client
#: (70k customers, 1M transactions and events) peaks at 2.5 GiB for the run and two chapters side
#: by side (``benchmarks/bench_large.py``); a demo client needs a fifth of that.
AUTO_JOBS_MEMORY = int(1.5 * 2**30)


def auto_jobs(cores: int | None = None, available: int | None = None) -> int:
    """Return how many notebooks to run at once when the user leaves it to cxlab (``--jobs auto``).

    One per core this process may use, at most :data:`AUTO_JOBS_CAP`, and no more than the
    memory now available holds at :data:`AUTO_JOBS_MEMORY` each; never fewer than one. Every
    kernel runs one thread (:func:`thread_limits`), so a notebook per core keeps the cores busy
    without crowding them.

    Parameters
    ----------
    cores : int, optional
        Cores to count on; default: those this process may run on.
    available : int, optional
        Bytes of memory to count on; default: what the system reports as available.

    Returns
    -------
    int
        The number of notebooks to run at the same time.

    Examples
    --------
    >>> auto_jobs(cores=8, available=64 * 2**30)
    4
    >>> auto_jobs(cores=8, available=4 * 2**30)
    2
    >>> auto_jobs(cores=1, available=64 * 2**30)
    1
    >>> auto_jobs(cores=2, available=2**20)
    1
    """
    if cores is None:
        try:
            cores = len(os.sched_getaffinity(0))
        except AttributeError:  # macOS and Windows have no affinity masks
            cores = os.cpu_count() or 1
    if available is None:
        available = psutil.virtual_memory().available
    return max(1, min(cores, AUTO_JOBS_CAP, available // AUTO_JOBS_MEMORY))


#: Seconds papermill waits for a kernel to start.
KERNEL_START_TIMEOUT = 60


@dataclass(frozen=True)
class Outcome:
    """How one notebook execution ended.

    Parameters
    ----------
    status : {"ok", "failed"}
        Whether every cell ran without an error.
    reason : str
        Why it failed (empty when ok).
    seconds : float
        Wall time of the child process.
    log : str
        What the child wrote to its standard error (papermill's log), for the run log.
    """

    status: str
    reason: str
    seconds: float
    log: str


def _note_cell(text: str) -> dict[str, Any]:
    return {
        "cell_type": "markdown",
        "id": "cxlab-run-note",
        "metadata": {"tags": ["cxlab-run-note"]},
        "source": text,
    }


def mark_stopped(output: Path, reason: str) -> None:
    """Put a note at the top of a notebook that stopped without a cell error of its own."""
    try:
        nb = json.loads(output.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    note = f"**cxlab run stopped this notebook:** {escape_markdown(reason)}"
    nb["cells"].insert(0, _note_cell(note))
    output.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


#: Reason recorded for a notebook the run did not start or ended because it was stopping.
STOPPED = "the run was stopped before this notebook finished"


def _end(proc: subprocess.Popen) -> tuple[str, str]:
    """End a child and its whole tree; return what it had written."""
    _signals.end_tree(_signals.handle(proc))
    try:
        return proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:  # an output pipe held open by a process that left the tree
        proc.kill()
        proc.wait()
        return "", ""


def execute(
    notebook: Path,
    output: Path,
    *,
    parameters: dict[str, Any],
    cwd: Path,
    timeout: float,
    wall_limit: float,
    env: dict[str, str] | None = None,
) -> Outcome:
    """Execute ``notebook`` into ``output`` in a child process.

    Parameters
    ----------
    notebook, output : pathlib.Path
        The notebook to run and where the executed copy goes.
    parameters : dict
        Papermill parameters (JSON-serialisable).
    cwd : pathlib.Path
        Working directory of the kernel.
    timeout : float
        Per-cell timeout in seconds.
    wall_limit : float
        Limit for the whole child process in seconds; past it the child and its kernel are
        killed and the notebook fails.
    env : dict, optional
        Environment variables added for the child and its kernel (the run's bundle snapshot);
        the thread caps of :func:`thread_limits` are always added.

    Returns
    -------
    Outcome
        Status, reason, seconds and the child's log.
    """
    cmd = [
        sys.executable,
        "-m",
        "cxlab.runner._worker",
        "--parent-pid",
        str(os.getpid()),
        "--input",
        str(notebook),
        "--output",
        str(output),
        "--cwd",
        str(cwd),
        "--timeout",
        str(timeout),
        "--params",
        json.dumps(parameters),
    ]
    env = kernel_env(env)
    start = time.perf_counter()
    proc = _signals.spawn(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    if proc is None:
        return Outcome("failed", STOPPED, 0.0, "")
    try:
        out, err = proc.communicate(timeout=wall_limit)
    except subprocess.TimeoutExpired:
        out, err = _end(proc)
        seconds = time.perf_counter() - start
        reason = f"the notebook ran longer than its {wall_limit:g} s limit and was stopped"
        mark_stopped(output, reason)
        return Outcome("failed", reason, seconds, err)
    except BaseException:  # the run is stopping (or failing): the child must not outlive it
        _end(proc)
        raise
    finally:
        _signals.unregister(proc)
    if _signals.stopping() is not None:
        return Outcome("failed", STOPPED, time.perf_counter() - start, err)
    seconds = time.perf_counter() - start
    last = out.strip().splitlines()[-1] if out.strip() else ""
    try:
        result = json.loads(last)
        return Outcome(result["status"], result["reason"], seconds, err)
    except (ValueError, KeyError, TypeError):
        tail = err.strip().splitlines()[-1] if err.strip() else f"exit code {proc.returncode}"
        return Outcome("failed", f"the notebook process failed: {tail}", seconds, err)
