"""The child process that executes one notebook: ``python -m cxlab.runner._worker``.

Kept out of the package's imports so that running it as ``__main__`` finds no earlier copy of
itself; :func:`cxlab.runner._execute.execute` starts it and reads its last line of output.

**A worker dies with the run that started it.** The runner ends its workers itself when it is
stopped by SIGINT or SIGTERM, but a parent killed with SIGKILL (or one that crashes) cannot do
anything, and a worker in a session of its own would go on running its notebook. So the worker
watches its parent (:func:`_die_with_parent`), and when the parent is gone it kills its own
descendants — the kernel, in the kernel's own session, and whatever the kernel started — and
exits. (A kernel forked by the run's zygote is not the worker's descendant: it ends because the
worker's exit closes the connection it was forked for, see :mod:`cxlab.runner._zygote`.) Two
mechanisms, because neither is enough alone:

- On Linux, ``prctl(PR_SET_PDEATHSIG, SIGTERM)`` (through ctypes) has the kernel send the
  worker SIGTERM the moment its parent exits. It is immediate, but Linux-only, it fires when
  the parent *thread* that started the worker ends (the runner's threads live until their
  worker has ended, so that is the same moment here), and it cannot cover a parent that died
  before the call was made.
- A watchdog thread compares ``os.getppid()`` with the parent's id, given on the command line,
  every half second. It works on every POSIX system and catches the parent that died before
  the worker started watching (the worker is then already adopted by another process), and it
  does not depend on the main thread, which may be busy inside papermill, being free to run a
  signal handler.

SIGTERM from anyone (the death signal, or a plain ``kill``) also ends the worker's tree first.
The kernel would notice its own parent's death within a second (ipykernel polls it), but
anything the kernel started would not, hence the explicit kill of the whole tree.

**The notebook is saved every few seconds, not after every cell.** Papermill's own engine
writes the whole output notebook, figures included, when each cell starts and again when it
ends: for a chapter of fifty cells that is a hundred copies, serialisations and schema checks of
a notebook that grows to half a megabyte, about as much work as some chapters' analysis, done
in the same moments as the kernel's work. :class:`_SparseSaves` keeps papermill's engine and
changes only when it writes: once as the notebook starts, at most every :data:`SAVE_EVERY`
seconds while cells run, and always once at the end, whether the notebook finished, raised,
timed out or lost its kernel (papermill completes the notebook in a ``finally``). A worker
killed from outside by the wall limit leaves the last periodic save.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
import time
from pathlib import Path

import psutil

from cxlab.runner._execute import KERNEL_START_TIMEOUT, mark_stopped, skip_iri_grammar
from cxlab.runner._signals import WATCH_INTERVAL, death_signal_on_parent_exit, end_tree

#: Least seconds between two saves of the output notebook while its cells run.
SAVE_EVERY = 10.0
#: Name the sparse-saving engine is registered under in papermill.
ENGINE = "cxlab-sparse-saves"


def _skip_iri_grammar() -> None:
    """Keep jsonschema from building its IRI grammar, and papermill from loading Arrow.

    Papermill reads and writes notebooks through nbformat, which imports jsonschema; see
    :func:`cxlab.runner.skip_iri_grammar` for the second of CPU that saves.

    Papermill also imports ``pyarrow.fs`` (with pyarrow and numpy) as it starts, for notebooks
    on HDFS, about a third of its own import time; the worker reads and writes local files
    only. Marked absent, papermill records HDFS as unavailable, as it does where pyarrow is not
    installed. The worker is a process of its own, so nothing else sees either change.
    """
    skip_iri_grammar()
    if "papermill" not in sys.modules:
        sys.modules.setdefault("pyarrow.fs", None)


def _register_engine() -> None:
    """Register papermill's nbclient engine with sparse saves under :data:`ENGINE`."""
    from papermill.engines import NBClientEngine, NotebookExecutionManager, papermill_engines

    class _SparseSaves(NotebookExecutionManager):
        """Write the notebook at most every :data:`SAVE_EVERY` seconds, and always at the end."""

        def save(self, **kwargs):
            finished = self.end_time is not None  # set by notebook_complete just before it saves
            if finished or (self.now() - self.last_save_time).total_seconds() >= SAVE_EVERY:
                super().save(**kwargs)

    class _Engine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, **kwargs):
            # papermill made the manager and saved the fresh notebook once; from the first cell
            # on, the same manager saves sparsely
            nb_man.__class__ = _SparseSaves
            return super().execute_managed_notebook(nb_man, kernel_name, **kwargs)

    papermill_engines.register(ENGINE, _Engine)


def _end_descendants_and_exit(code: int) -> None:
    """Kill everything this worker started, then leave at once."""
    try:
        children = psutil.Process().children()
    except psutil.Error:
        children = []
    for child in children:
        end_tree(child)
    os._exit(code)


def _die_with_parent(parent_pid: int) -> None:
    """Arrange for this worker and its kernel to end when ``parent_pid`` is no longer its parent."""
    signal.signal(signal.SIGTERM, lambda signum, frame: _end_descendants_and_exit(128 + signum))
    death_signal_on_parent_exit(signal.SIGTERM)
    if os.getppid() != parent_pid:  # the parent died before the death signal was armed
        _end_descendants_and_exit(128 + signal.SIGTERM)

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(WATCH_INTERVAL)
        _end_descendants_and_exit(128 + signal.SIGTERM)

    threading.Thread(target=watch, name="cxlab-parent-watch", daemon=True).start()


def _child(args: argparse.Namespace) -> int:
    _skip_iri_grammar()
    import papermill
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    from cxlab.runner._zygote import ENV_SOCKET, ForkedKernelManager

    _register_engine()
    params = json.loads(args.params)
    output = Path(args.output)
    status, reason = "ok", ""
    forked = {}
    if os.environ.get(ENV_SOCKET):  # the run has a zygote: the kernel is forked from it
        forked["kernel_manager_class"] = ForkedKernelManager
    try:
        papermill.execute_notebook(
            args.input,
            str(output),
            parameters=params,
            kernel_name="python3",
            engine_name=ENGINE,
            cwd=args.cwd,
            execution_timeout=args.timeout,
            start_timeout=KERNEL_START_TIMEOUT,
            progress_bar=False,
            log_output=False,
            **forked,
        )
    except papermill.PapermillExecutionError as exc:
        status = "failed"
        reason = f"cell {exc.exec_count} raised {exc.ename}: {exc.evalue}".strip()
    except CellTimeoutError:
        status = "failed"
        reason = f"a cell ran longer than the {args.timeout:g} s per-cell timeout"
        mark_stopped(output, reason)
    except DeadKernelError:
        status = "failed"
        reason = "the kernel died (out of memory, or a crash in compiled code)"
        mark_stopped(output, reason)
    except Exception as exc:  # anything else papermill or the kernel machinery raises
        status = "failed"
        reason = f"{type(exc).__name__}: {exc}"
        mark_stopped(output, reason)
    print(json.dumps({"status": status, "reason": reason}))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the child process."""
    parser = argparse.ArgumentParser(prog="python -m cxlab.runner._worker")
    parser.add_argument("--parent-pid", type=int, required=True)
    parser.add_argument("--input", required=True)
    parser.add_argument("--output", required=True)
    parser.add_argument("--cwd", required=True)
    parser.add_argument("--timeout", type=float, required=True)
    parser.add_argument("--params", required=True)
    args = parser.parse_args(argv)
    _die_with_parent(args.parent_pid)
    return _child(args)


if __name__ == "__main__":
    sys.exit(main())
