"""Stopping a run: SIGINT and SIGTERM end every notebook worker, and nothing outlives the run.

Each notebook runs in a worker process of its own session (``start_new_session``), and the
worker's kernel starts a session of its own too (jupyter_client does that so it can interrupt
the kernel's process group). A terminal's Ctrl-C or a ``kill`` of ``cxlab run`` therefore reaches
none of them by itself. This module closes that gap in three layers:

1. **Every worker is registered** when it is started (:func:`spawn`), with a ``psutil.Process``
   handle that remembers the process's start time, so a recycled process id is never mistaken
   for it.
2. **While a run is going, SIGINT and SIGTERM are caught** (:func:`stop_on_signals`, installed
   by ``run_client`` and ``run_batch`` when they run on the main thread). The first signal marks
   the run as stopping, kills every registered worker with all its descendants and their process
   groups (:func:`end_tree`), and raises :class:`RunInterrupted` on the main thread, whose
   unwinding removes the run's temporary folder. Workers not yet started are never started
   (:func:`spawn` refuses once the run is stopping), and a thread that is between two steps
   gives up at the next :func:`raise_if_stopping`. Further signals while stopping are absorbed,
   so a second Ctrl-C cannot cut the clean-up short. Inside :func:`deferred_signals` (moving the
   results into place, removing the temporary folder) the exception waits until the block ends,
   so those steps are never left half-done.
3. **A worker dies with its parent** even when the parent cannot react (SIGKILL, a crash): see
   :mod:`cxlab.runner._worker`, which watches its parent process and ends its own kernel. The
   run's kernel zygote (:mod:`cxlab.runner._zygote`) watches its parent the same way and ends
   every kernel it forked; it also ends a kernel whose worker has gone.

A signal that was ignored when the run began (a background job started by a non-interactive
shell ignores SIGINT) stays ignored: the runner only takes over signals that would have stopped
the program anyway.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import psutil

__all__ = [
    "WATCH_INTERVAL",
    "RunInterrupted",
    "death_signal_on_parent_exit",
    "deferred_signals",
    "end_tree",
    "handle",
    "raise_if_stopping",
    "spawn",
    "stop_on_signals",
    "stopping",
    "unregister",
]

#: The signals that stop a run.
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
#: ``PR_SET_PDEATHSIG`` from ``<linux/prctl.h>``.
PR_SET_PDEATHSIG = 1
#: Seconds between two looks at its parent by a process that must die with it (a notebook
#: worker, the kernel zygote).
WATCH_INTERVAL = 0.5


def death_signal_on_parent_exit(signum: int = signal.SIGTERM) -> None:
    """Ask Linux to send this process ``signum`` the moment its parent exits; elsewhere, nothing.

    ``prctl(PR_SET_PDEATHSIG)`` (through ctypes) is immediate, but Linux-only, it fires when the
    parent *thread* that started this process ends, and it cannot cover a parent that died
    before the call: callers also compare ``os.getppid()`` with their parent's id, at once and
    every :data:`WATCH_INTERVAL` seconds.
    """
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, int(signum), 0, 0, 0)
    except (OSError, AttributeError):
        pass  # no prctl here: the parent watch alone does the job


class RunInterrupted(KeyboardInterrupt):
    """A run was stopped by SIGINT or SIGTERM; its workers were ended and its results discarded.

    It derives from :class:`KeyboardInterrupt`, like the exception Python raises for Ctrl-C, so
    that ``except Exception`` clauses (one client's fault in a batch, for instance) do not catch
    it and a caller sees the run as interrupted.

    Parameters
    ----------
    signum : int
        The signal that stopped the run.

    Attributes
    ----------
    exit_code : int
        The conventional exit status of a program stopped by that signal: 128 plus its number
        (130 for SIGINT, 143 for SIGTERM).

    Examples
    --------
    >>> exc = RunInterrupted(signal.SIGTERM)
    >>> exc.exit_code
    143
    >>> str(exc)
    'stopped by SIGTERM: every notebook worker was ended and the unfinished results were removed'
    """

    def __init__(self, signum: int):
        self.signum = int(signum)
        self.exit_code = 128 + self.signum
        super().__init__(
            f"stopped by {signal.Signals(self.signum).name}: every notebook worker was ended "
            "and the unfinished results were removed"
        )

    def __str__(self) -> str:
        return str(self.args[0])


class _Stopped(RuntimeError):
    """Raised on a thread other than the main one when the run it belongs to is stopping.

    The main thread raises :class:`RunInterrupted`; a worker thread (a client of a batch, a
    notebook of a client run with ``jobs > 1``, a task of an in-process Dask cluster) ends
    its part with this ordinary exception instead, so thread pools and Dask record it as a
    failed task rather than treating it as an interrupt of their own machinery.
    """


class _State:
    """What the signal handler and the worker threads share."""

    def __init__(self) -> None:
        self.lock = threading.Lock()  # taken around starting a worker, never by the handler
        self.live: dict[int, tuple[subprocess.Popen, psutil.Process]] = {}
        self.signum: int | None = None
        self.guards = 0  # nesting depth of stop_on_signals on the main thread
        self.deferring = 0  # nesting depth of deferred_signals on the main thread


_STATE = _State()


def stopping() -> int | None:
    """Return the signal that is stopping the current run, or None while it goes on."""
    return _STATE.signum


def raise_if_stopping() -> None:
    """Raise when the run is stopping: :class:`RunInterrupted` on the main thread.

    On other threads the exception is an ordinary ``RuntimeError`` subclass (see
    :class:`_Stopped`), so that the thread's part of the run ends without a pool or a Dask
    worker mistaking it for an interrupt of its own.
    """
    signum = _STATE.signum
    if signum is None:
        return
    if threading.current_thread() is threading.main_thread():
        raise RunInterrupted(signum)
    raise _Stopped(f"the run was stopped by {signal.Signals(signum).name}")


def end_tree(root: psutil.Process | int) -> None:
    """Kill a process, every process below it, and their process groups.

    The tree is read before anything is killed, because a process whose parent dies is
    adopted elsewhere and can no longer be found from the root. Each process of the tree is
    killed through its ``psutil.Process`` (which checks the start time, so a recycled id is
    left alone), then each process group the tree used (the worker's and the kernel's own) is
    killed as a whole, which takes anything the kernel started in its group in the meantime.
    The caller's own process group is never signalled.

    Parameters
    ----------
    root : psutil.Process or int
        The top of the tree (a worker process).
    """
    try:
        top = root if isinstance(root, psutil.Process) else psutil.Process(root)
        tree = [top, *top.children(recursive=True)]
    except psutil.Error:
        return
    groups = set()
    for proc in tree:
        try:
            groups.add(os.getpgid(proc.pid))
        except OSError:
            pass
    groups.discard(os.getpgrp())
    for proc in tree:
        try:
            proc.kill()
        except psutil.Error:
            pass
    for group in groups:
        try:
            os.killpg(group, signal.SIGKILL)
        except OSError:
            pass


def spawn(cmd: Sequence[str], **popen: Any) -> subprocess.Popen | None:
    """Start a worker process in a session of its own and register it, unless the run is stopping.

    Parameters
    ----------
    cmd : sequence of str
        The command.
    **popen
        Further arguments for :class:`subprocess.Popen`.

    Returns
    -------
    subprocess.Popen or None
        The started process (call :func:`unregister` when it has ended), or None when the run
        is already stopping and nothing was started.
    """
    proc = None
    try:
        with _STATE.lock:
            if _STATE.signum is not None:
                return None
            proc = subprocess.Popen(list(cmd), start_new_session=True, **popen)
            _STATE.live[proc.pid] = (proc, psutil.Process(proc.pid))
    except BaseException:
        # Interrupted between starting the process and registering it: end it here.
        if proc is not None:
            end_tree(proc.pid)
            _STATE.live.pop(proc.pid, None)
        raise
    if _STATE.signum is not None:  # the stop came while it was starting
        end_tree(handle(proc))
    return proc


def unregister(proc: subprocess.Popen) -> None:
    """Forget a worker that has ended."""
    _STATE.live.pop(proc.pid, None)


def handle(proc: subprocess.Popen) -> psutil.Process | int:
    """Return the registered ``psutil.Process`` of a worker (its id when it is not registered)."""
    entry = _STATE.live.get(proc.pid)
    return entry[1] if entry is not None and entry[0] is proc else proc.pid


def _end_all() -> None:
    for _proc, handle_ in list(_STATE.live.values()):
        end_tree(handle_)


def _on_signal(signum: int, frame: Any) -> None:
    if _STATE.signum is not None:
        return  # already stopping: let the first signal's clean-up finish
    _STATE.signum = signum
    _end_all()
    if _STATE.deferring:
        return  # raised when the deferred block ends
    raise RunInterrupted(signum)


@contextmanager
def stop_on_signals() -> Iterator[None]:
    """Catch SIGINT and SIGTERM for the duration of a run (see the module docstring).

    Installs the handlers only on the main thread (the only one Python delivers signals to)
    and only once when nested; elsewhere it does nothing. On the way out, by any path, the
    previous handlers come back, any worker still registered is ended, and the stop state is
    cleared so a later run in the same process starts afresh.

    Raises
    ------
    RunInterrupted
        When a signal arrives inside the block.
    """
    if threading.current_thread() is not threading.main_thread() or _STATE.guards:
        yield
        return
    previous = {}
    for signum in STOP_SIGNALS:
        current = signal.getsignal(signum)
        if current is signal.SIG_IGN:
            continue  # ignored on purpose by whoever started us: keep it so
        previous[signum] = current
        signal.signal(signum, _on_signal)
    _STATE.guards += 1
    _STATE.signum = None
    try:
        yield
    finally:
        _end_all()
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        _STATE.guards -= 1
        _STATE.signum = None


@contextmanager
def deferred_signals() -> Iterator[None]:
    """Run a block that a stop must not cut in half; a stop that arrives meanwhile is raised after.

    On threads other than the main one this only checks for a stop at the end, since signals
    interrupt the main thread alone.

    Raises
    ------
    RunInterrupted
        After the block, when a signal arrived during it (on the main thread).
    """
    main = threading.current_thread() is threading.main_thread()
    if main:
        _STATE.deferring += 1
    try:
        yield
    finally:
        if main:
            _STATE.deferring -= 1
    raise_if_stopping()
