"""Execute one notebook with papermill, in a process of its own.

Each notebook runs in a child Python process (``python -m cxlab.runner._worker``) that calls
papermill, and papermill starts the notebook's kernel. The extra process is what isolates
failures: a cell that raises, a cell that outlasts the per-cell timeout, a kernel that dies, or
papermill itself going wrong ends that notebook only, and the parent records why. The parent
also holds a wall-clock limit over the whole child, so a kernel that never answers cannot stall
the run.

The child always leaves the executed notebook at ``output`` when it got as far as starting it
(papermill saves it as it goes, the failing cell's traceback included), and prints one JSON line
as its last line of output: ``{"status": "ok" | "failed", "reason": "..."}``.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["Outcome", "execute"]

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
    nb["cells"].insert(0, _note_cell(f"**cxlab run stopped this notebook:** {reason}"))
    output.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def _kill(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        proc.kill()


def execute(
    notebook: Path,
    output: Path,
    *,
    parameters: dict[str, Any],
    cwd: Path,
    timeout: float,
    wall_limit: float,
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

    Returns
    -------
    Outcome
        Status, reason, seconds and the child's log.
    """
    cmd = [
        sys.executable,
        "-m",
        "cxlab.runner._worker",
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
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}  # the kernel draws inline
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=True,  # its own process group, so a kill takes the kernel too
    )
    try:
        out, err = proc.communicate(timeout=wall_limit)
    except subprocess.TimeoutExpired:
        _kill(proc)
        out, err = proc.communicate()
        seconds = time.perf_counter() - start
        reason = f"the notebook ran longer than its {wall_limit:g} s limit and was stopped"
        mark_stopped(output, reason)
        return Outcome("failed", reason, seconds, err)
    seconds = time.perf_counter() - start
    last = out.strip().splitlines()[-1] if out.strip() else ""
    try:
        result = json.loads(last)
        return Outcome(result["status"], result["reason"], seconds, err)
    except (ValueError, KeyError, TypeError):
        tail = err.strip().splitlines()[-1] if err.strip() else f"exit code {proc.returncode}"
        return Outcome("failed", f"the notebook process failed: {tail}", seconds, err)
