"""Kernels forked from a process that has already imported what the chapters use.

Every chapter's kernel used to start from nothing: a fresh Python, then ipykernel, then pandas,
matplotlib, scipy, scikit-learn and cxlab in the chapter's first cell. That start is the same
two to three seconds for every chapter of every client, about a third of a demo chapter's time,
and it grows with the number of chapters, not with the data. ``cxlab run`` therefore starts one
*zygote* per run (``python -m cxlab.runner._zygote``): a single-threaded process that imports
those libraries once and then forks a kernel for each chapter. A forked kernel shares the
imported modules with the zygote, so it is ready as soon as ipykernel has opened its sockets.

What a chapter sees does not change:

- The kernel is launched by jupyter_client as before, through :class:`ForkedKernelManager`,
  whose provisioner asks the zygote for the fork instead of starting a new process. The kernel
  gets the environment, working folder, command-line arguments and output streams (passed as
  file descriptors) that jupyter_client would have given a new process, runs in a session of its
  own (so interrupting its process group works as before), and its exit status is reported back.
  ``ForkedServerKernelManager`` does the same for a Jupyter server (``jupyter lab
  --AsyncMappingKernelManager.kernel_manager_class=...`` with :data:`ENV_SOCKET` set), which is
  how the browser tests' JupyterLab gets its kernels.
- Libraries that read the environment when they are imported read the zygote's, which the
  runner starts with the kernels' environment (the thread caps of
  :func:`cxlab.runner._execute.thread_limits`, the inline plotting backend); ipykernel itself
  is imported before anything that binds its comm functions at import time, as in a kernel.
- numpy's global random state is reseeded in each kernel, as a new process would have it, and
  the environment variables the preloaded modules set as they were imported are set again in the
  kernel's environment.
- Anything that cannot be forked falls back to a normal kernel: a zygote that failed to start or
  has died, a kernel command other than this Python's ``ipykernel_launcher``, a platform other
  than Linux. Only speed differs.

**Nothing outlives the run.** Each kernel belongs to one connection from the worker that asked
for it; when that connection closes (the worker finished, failed, or was killed, however it
happened) the zygote kills the kernel's process group. The zygote itself dies with the run: it
is started through :func:`cxlab.runner._signals.spawn` like a worker, asks Linux for SIGTERM when
its parent dies, and checks its parent twice a second; on the way out it kills every kernel it
forked. A kernel is told the zygote is its parent (``JPY_PARENT_PID``), so ipykernel's own
watch ends it too should the zygote vanish.

The zygote listens on a Linux abstract Unix socket with a random name and serves only processes
of its own user (``SO_PEERCRED``), so it leaves no file behind, even when the run is killed.

Why written here: jupyter_client starts every kernel as a new process and has no pool that
forks; multiprocessing's ``forkserver`` does fork from a preloaded process, but its children run
a function of multiprocessing's choosing and only the process that started the server can own
them, whereas here the zygote belongs to the run and the kernels to the workers, which are
separate processes. The fork protocol is a few lines of the standard library.
"""

from __future__ import annotations

import argparse
import ast
import atexit
import contextlib
import functools
import importlib
import json
import os
import secrets
import select
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import traceback
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cxlab.runner import _signals
from cxlab.runner._signals import WATCH_INTERVAL, death_signal_on_parent_exit

# and the kernel managers, built on use
__all__ = ["ENV_SOCKET", "imported_modules", "kernel_zygote", "preload_for", "supported"]

#: Environment variable that tells a worker where its run's zygote listens (a worker without it
#: starts its kernel as a new process).
ENV_SOCKET = "CXLAB_KERNEL_ZYGOTE"
#: Seconds the runner waits for the zygote to listen, and a worker for its kernel's process id.
START_TIMEOUT = 60.0
#: The zygote's working folder when it started (``sys.path[0]`` under ``python -m``).
_START_DIR = os.getcwd()
#: The plotting backend of a Jupyter kernel, which ipykernel sets when it starts; the zygote must
#: have it before matplotlib is imported.
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"

#: Modules imported before the first fork: ipykernel first, so that libraries importing its
#: comm functions get the kernel's, as inside a kernel; then what the chapters' first cells and
#: their analyses import. What these decide at import time about running inside a kernel is
#: redone in each kernel (:func:`_as_if_imported_in_a_kernel`).
PRELOAD = (
    "ipykernel.kernelapp",
    "IPython.display",
    "numpy",
    "pandas",
    "pyarrow",
    "scipy.stats",
    "matplotlib.pyplot",
    "ipywidgets",
    "statsmodels.api",
    "statsmodels.tsa.statespace.structural",
    "sklearn.ensemble",
    "sklearn.linear_model",
    "sklearn.model_selection",
    "sklearn.inspection",
    "sklearn.calibration",
    "fairlearn.postprocessing",
    "cxlab",
    "cxlab.datasets",
    "cxlab.contract.snapshot",
    "cxlab.stats",
    "cxlab.overview",
    "cxlab.curriculum",
    "cxlab.metrics",
    "cxlab.drivers",
    "cxlab.journey",
    "cxlab.segmentation",
    "cxlab.churn",
    "cxlab.clv",
    "cxlab.text",
    "cxlab.ethics",
    "cxlab.actions",
    "cxlab.plots",
    "cxlab.present",
    "cxlab.teaching",
    "cxlab.widgets",
    "cxlab.headlines",
)


#: Always preloaded: the kernel itself.
KERNEL_MODULES = ("ipykernel.kernelapp", "IPython.display")
#: The cxlab modules a notebook may import without the scientific stack that cxlab's analyses
#: import as they run (a custom chapter that loads the bundle and publishes headlines).
LIGHT_MODULES = ("cxlab", "cxlab.headlines")


def imported_modules(notebook: Path) -> set[str] | None:
    r"""Return the modules a notebook's code cells import; None when a cell cannot be read.

    ``import a.b`` gives ``a.b``; ``from a import b`` gives ``a`` and ``a.b`` (``b`` may be a
    module). Lines of IPython magic and shell commands are left out before parsing.

    Parameters
    ----------
    notebook : pathlib.Path
        An ``.ipynb`` file.

    Returns
    -------
    set of str or None
        The module names; None when the file is not a notebook or a code cell is not Python.

    Examples
    --------
    >>> import json, tempfile
    >>> cell = {"cell_type": "code", "source": "%matplotlib inline\nfrom cxlab import churn"}
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = Path(tmp) / "n.ipynb"
    ...     _ = path.write_text(json.dumps({"cells": [cell]}))
    ...     sorted(imported_modules(path))
    ['cxlab', 'cxlab.churn']
    """
    try:
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        names: set[str] = set()
        for cell in cells:
            if cell.get("cell_type") != "code":
                continue
            source = cell.get("source", "")
            source = "".join(source) if isinstance(source, list) else source
            kept = [
                "" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines()
            ]
            for node in ast.walk(ast.parse("\n".join(kept))):
                if isinstance(node, ast.Import):
                    names.update(alias.name for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    names.add(node.module)
                    names.update(f"{node.module}.{alias.name}" for alias in node.names)
        return names
    except (OSError, ValueError, KeyError, TypeError, SyntaxError):
        return None


def preload_for(notebooks: list[Path]) -> tuple[str, ...]:
    """Return the modules of :data:`PRELOAD` worth importing before forking ``notebooks``' kernels.

    All of them when a notebook imports any cxlab module besides :data:`LIGHT_MODULES` (the
    suite's chapters do: their analyses import the scientific stack as they run), or when a
    notebook cannot be read. Otherwise the kernel's modules and those of :data:`PRELOAD` the
    notebooks import, so that a run of lighter notebooks does not wait for, or pay, imports
    none of its kernels makes.

    Parameters
    ----------
    notebooks : list of pathlib.Path
        The notebooks a run will execute.

    Returns
    -------
    tuple of str
        Module names, in :data:`PRELOAD`'s order.

    Examples
    --------
    >>> from cxlab.runner import notebooks_dir
    >>> preload_for(sorted(notebooks_dir().glob("0[01]_*.ipynb"))) == PRELOAD
    True
    """
    found: set[str] = set()
    for path in notebooks:
        names = imported_modules(path)
        if names is None:
            return PRELOAD
        found |= names
    if any(n.split(".")[0] == "cxlab" and n not in LIGHT_MODULES for n in found):
        return PRELOAD

    def wanted(module: str) -> bool:
        return any(
            n == module or n.startswith(module + ".") or module.startswith(n + ".")
            for n in found
            if n != "cxlab" or module == "cxlab"
        )

    return tuple(m for m in PRELOAD if m in KERNEL_MODULES or wanted(m))


def supported() -> bool:
    """Whether kernels can be forked here: Linux, where fork and abstract sockets are safe."""
    return sys.platform.startswith("linux") and hasattr(socket, "send_fds")


# --------------------------------------------------------------------------------------------
# The zygote process
# --------------------------------------------------------------------------------------------


def _preload(modules: tuple[str, ...]) -> None:
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception:  # an optional library missing: its chapters import it themselves
            pass


def _recv_exact(conn: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = conn.recv(size - len(data))
        if not chunk:
            raise ConnectionError("the worker closed the connection mid-request")
        data += chunk
    return data


def _read_request(conn: socket.socket) -> tuple[dict[str, Any], list[int]]:
    """Read one fork request: an 8-byte length with the output descriptors, then JSON."""
    head, fds, _, _ = socket.recv_fds(conn, 8, 2)
    try:
        if len(head) < 8:
            head += _recv_exact(conn, 8 - len(head))
        (size,) = struct.unpack("!Q", head)
        request = json.loads(_recv_exact(conn, size))
        if len(fds) != 2:
            raise ValueError("a fork request carries two descriptors")
    except BaseException:
        for fd in fds:
            os.close(fd)
        raise
    return request, fds


def _same_user(conn: socket.socket) -> bool:
    creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    _, uid, _ = struct.unpack("3i", creds)
    return uid == os.getuid()


def _become_kernel(
    request: dict[str, Any], fds: list[int], close: list[Any], imported_env: dict[str, str]
) -> None:
    """Turn this freshly forked child into the kernel the request describes; never returns.

    ``imported_env`` holds the variables the preloaded modules set as they were imported
    (scikit-learn sets ``KMP_INIT_AT_FORK``); they are added to the request's environment as
    those modules add them, without replacing a value the worker gave.
    """
    code = 1
    try:
        signal.set_wakeup_fd(-1)
        for signum in (signal.SIGCHLD, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        for thing in close:
            thing.close()
        os.setsid()
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(fds[0], 1)
        os.dup2(fds[1], 2)
        for fd in (null, *fds):
            os.close(fd)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        for name, value in imported_env.items():
            os.environ.setdefault(name, value)
        os.environ["JPY_PARENT_PID"] = str(os.getppid())
        if sys.path and sys.path[0] == _START_DIR:  # ``python -m`` put it there; the
            del sys.path[0]  # kernel's launcher removes its own
        import ipykernel_launcher
        import numpy

        numpy.random.seed()  # noqa: NPY002 - the legacy global state gets fresh entropy, as in a new process
        sys.argv = [ipykernel_launcher.__file__, *request["args"]]
        from ipykernel.kernelapp import IPKernelApp

        try:
            # ``parent_handle`` defaults to JPY_PARENT_PID as it was when ipykernel was imported
            app = IPKernelApp.instance(parent_handle=os.getppid())
            app.initialize(request["args"])
            _as_if_imported_in_a_kernel()
            app.start()
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        # what an interpreter does as it exits (IPython saves its history); ``os._exit`` below,
        # which keeps the child out of the zygote's own clean-up, would skip it
        atexit._run_exitfuncs()
    except BaseException:
        traceback.print_exc()
    finally:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)


def _as_if_imported_in_a_kernel() -> None:
    """Redo what preloaded libraries decide at import time by whether they run inside a kernel.

    The zygote imports them before any kernel exists; a kernel importing them would decide
    otherwise in a few places, which are redone here once the kernel's shell exists:

    - pandas sets two display defaults when imported: ``display.max_columns`` is 0 (fit the
      terminal) in a terminal and 20 inside a Jupyter kernel
      (``pandas.core.config_init.is_terminal``), and ``display.encoding`` is that of the
      standard output, which the kernel replaces;
    - ipywidgets (which seaborn imports) registers its comm targets with the kernel when it is
      imported inside one (``ipywidgets._handle_ipython``), so that a front end's widgets work.

    ``tests/test_runner_zygote.py`` compares a forked kernel's state with a new kernel's.
    """
    pandas = sys.modules.get("pandas")
    if pandas is not None:
        from pandas._config.display import detect_console_encoding

        pandas.set_option("display.max_columns", 20)
        pandas.set_option("display.encoding", detect_console_encoding())
    ipywidgets = sys.modules.get("ipywidgets")
    if ipywidgets is not None:
        ipywidgets._handle_ipython()


class _Zygote:
    """The zygote's loop: accept fork requests, report exits, kill orphaned kernels."""

    def __init__(
        self, listener: socket.socket, parent_pid: int, imported_env: dict[str, str]
    ) -> None:
        self.listener = listener
        self.imported_env = imported_env
        self.parent_pid = parent_pid
        self.kernels: dict[int, socket.socket | None] = {}  # pid -> its worker's connection
        self.owner: dict[socket.socket, int] = {}
        self.stop = False
        self.wake_r, self.wake_w = os.pipe()
        os.set_blocking(self.wake_r, False)
        os.set_blocking(self.wake_w, False)

    def serve(self) -> None:
        signal.set_wakeup_fd(self.wake_w)
        signal.signal(signal.SIGCHLD, lambda *_: None)
        for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(signum, self._stop)
        try:
            while not self.stop and os.getppid() == self.parent_pid:
                watched = [self.listener, self.wake_r, *self.owner]
                try:
                    ready, _, _ = select.select(watched, [], [], WATCH_INTERVAL)
                except InterruptedError:
                    ready = []
                for thing in ready:
                    if thing is self.listener:
                        self._accept()
                    elif thing == self.wake_r:
                        with contextlib.suppress(BlockingIOError):
                            os.read(self.wake_r, 512)
                    else:
                        self._worker_spoke(thing)
                self._reap()
        finally:
            for pid in list(self.kernels):
                _kill_group(pid)
            deadline = time.monotonic() + 5
            while self.kernels and time.monotonic() < deadline:
                self._reap()
                time.sleep(0.05)

    def _stop(self, signum: int, frame: Any) -> None:
        self.stop = True

    def _accept(self) -> None:
        try:
            conn, _ = self.listener.accept()
        except OSError:
            return
        try:
            conn.settimeout(10)
            if not _same_user(conn):
                raise PermissionError("a process of another user")
            request, fds = _read_request(conn)
        except Exception:
            conn.close()
            return
        close = [self.listener, *self.owner, conn]
        try:
            pid = os.fork()
        except OSError:  # no memory or no process left: this worker starts a new kernel itself
            for fd in fds:
                os.close(fd)
            conn.close()
            return
        if pid == 0:
            os.close(self.wake_r)
            os.close(self.wake_w)
            _become_kernel(request, fds, close, self.imported_env)
        for fd in fds:
            os.close(fd)
        self.kernels[pid] = conn
        self.owner[conn] = pid
        try:
            conn.sendall(f"{pid}\n".encode())
        except OSError:
            self._release(conn)

    def _worker_spoke(self, conn: socket.socket) -> None:
        try:
            data = conn.recv(64)
        except OSError:
            data = b""
        if not data:  # the worker is gone or done with its kernel
            self._release(conn)

    def _release(self, conn: socket.socket) -> None:
        pid = self.owner.pop(conn, None)
        conn.close()
        if pid is not None and pid in self.kernels:
            self.kernels[pid] = None
            _kill_group(pid)

    def _reap(self) -> None:
        while self.kernels:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            conn = self.kernels.pop(pid, None)
            if conn is not None:
                self.owner.pop(conn, None)
                with contextlib.suppress(OSError):
                    conn.sendall(f"exit {os.waitstatus_to_exitcode(status)}\n".encode())
                conn.close()


def _kill_group(pid: int) -> None:
    for kill in (os.killpg, os.kill):
        try:
            kill(pid, signal.SIGKILL)
            return
        except (ProcessLookupError, PermissionError):
            continue


def main(argv: list[str] | None = None) -> int:
    """Entry point of the zygote: listen, preload, then fork kernels until the run ends."""
    parser = argparse.ArgumentParser(prog="python -m cxlab.runner._zygote")
    parser.add_argument("--parent-pid", type=int, required=True)
    parser.add_argument("--socket", required=True, help="abstract socket name, without the NUL")
    parser.add_argument("--preload", default=",".join(PRELOAD), help="modules, comma-separated")
    args = parser.parse_args(argv)
    death_signal_on_parent_exit(signal.SIGTERM)
    if os.getppid() != args.parent_pid:  # the run died before the death signal was armed
        return 1
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind("\0" + args.socket)
    listener.listen(64)
    print("listening", flush=True)
    os.environ.setdefault("MPLBACKEND", INLINE_BACKEND)
    before = dict(os.environ)
    _preload(tuple(m for m in args.preload.split(",") if m))
    imported_env = {k: v for k, v in os.environ.items() if before.get(k) != v}
    if threading.active_count() != 1:  # forking a threaded process is not safe: serve nobody
        print("a preloaded module started a thread; kernels start normally", file=sys.stderr)
        return 1
    _Zygote(listener, args.parent_pid, imported_env).serve()
    return 0


# --------------------------------------------------------------------------------------------
# The runner's side: start and stop the zygote
# --------------------------------------------------------------------------------------------


@contextlib.contextmanager
def kernel_zygote(
    env: dict[str, str], *, enabled: bool = True, preload: tuple[str, ...] = PRELOAD
) -> Iterator[dict[str, str]]:
    """Run a zygote for the duration of the block; yield the variables that point workers to it.

    Parameters
    ----------
    env : dict
        The environment the kernels get (the zygote imports its libraries under it).
    enabled : bool, default True
        False yields no variables, and every kernel starts as a new process.
    preload : tuple of str, default :data:`PRELOAD`
        The modules to import before the first fork (:func:`preload_for`).

    Yields
    ------
    dict
        ``{ENV_SOCKET: name}`` when the zygote is listening, else empty (kernels then start
        as new processes).
    """
    if not enabled or not supported():
        yield {}
        return
    name = f"cxlab-kernels-{os.getpid()}-{secrets.token_hex(8)}"
    cmd = [
        sys.executable,
        "-m",
        "cxlab.runner._zygote",
        "--parent-pid",
        str(os.getpid()),
        "--socket",
        name,
        "--preload",
        ",".join(preload),
    ]
    proc = _signals.spawn(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, env=env
    )
    if proc is None:
        yield {}
        return
    try:
        ready, _, _ = select.select([proc.stdout], [], [], START_TIMEOUT)
        listening = bool(ready) and proc.stdout.readline().strip() == b"listening"
        yield {ENV_SOCKET: name} if listening else {}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            _signals.end_tree(_signals.handle(proc))
            proc.wait()
        proc.stdout.close()
        _signals.unregister(proc)


# --------------------------------------------------------------------------------------------
# The worker's side: a kernel manager whose kernels come from the zygote
# --------------------------------------------------------------------------------------------


class _ForkedKernel:
    """A forked kernel, with the part of :class:`subprocess.Popen` that jupyter_client uses.

    The kernel is the zygote's child, not the worker's, so its exit status comes over the
    connection it was forked for; closing that connection has the zygote kill the kernel.
    """

    stdin = stdout = stderr = None

    def __init__(self, conn: socket.socket, pid: int, rest: bytes) -> None:
        self.pid = pid
        self.returncode: int | None = None
        self._conn = conn
        self._buffer = rest
        self._parse()

    def _parse(self) -> None:
        for line in self._buffer.split(b"\n"):
            if line.startswith(b"exit "):
                self.returncode = int(line[5:])
                self._conn.close()

    def poll(self) -> int | None:
        if self.returncode is None:
            if select.select([self._conn], [], [], 0)[0]:
                data = self._conn.recv(256)
                if data:
                    self._buffer += data
                    self._parse()
                else:  # the zygote is gone, and killed its kernels on the way out
                    self._conn.close()
                    self.returncode = _wait_gone(self.pid)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(["kernel"], timeout or 0)
            time.sleep(0.05)
        return self.returncode  # type: ignore[return-value]

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _wait_gone(pid: int) -> int:
    """Kill a kernel whose zygote vanished (if it still runs), and wait until it is gone."""
    if _alive(pid):
        _kill_group(pid)
    for _ in range(100):
        if not _alive(pid):
            break
        time.sleep(0.05)
    return -signal.SIGKILL


def _fork_request(name: str, cmd: list[str], kwargs: dict[str, Any]) -> _ForkedKernel | None:
    """Ask the zygote ``name`` for a kernel running ``cmd``; None when it cannot give one."""
    if (
        len(cmd) < 3
        or cmd[1:3] != ["-m", "ipykernel_launcher"]
        or os.path.realpath(cmd[0]) != os.path.realpath(sys.executable)
        or any(kwargs.get(k) is not None for k in ("stdin", "stdout", "stderr"))
    ):
        return None
    env = {k: v for k, v in (kwargs.get("env") or os.environ).items() if k != ENV_SOCKET}
    request = {"args": list(cmd[3:]), "env": env, "cwd": str(kwargs.get("cwd") or os.getcwd())}
    payload = json.dumps(request).encode()
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        conn.settimeout(START_TIMEOUT)
        conn.connect("\0" + name)
        socket.send_fds(conn, [struct.pack("!Q", len(payload))], [1, 2])
        conn.sendall(payload)
        data = b""
        while b"\n" not in data:
            chunk = conn.recv(256)
            if not chunk:
                raise ConnectionError("the zygote closed the connection")
            data += chunk
        head, rest = data.split(b"\n", 1)
        conn.settimeout(None)
        return _ForkedKernel(conn, int(head), rest)
    except (OSError, ValueError):
        conn.close()
        return None


@functools.cache
def _provisioner_class():
    from jupyter_client.provisioning import LocalProvisioner

    class ForkedProvisioner(LocalProvisioner):
        """jupyter_client's local provisioner, with kernels forked by the run's zygote."""

        async def launch_kernel(self, cmd: list[str], **kwargs: Any):
            name = os.environ.get(ENV_SOCKET)
            kernel = _fork_request(name, cmd, kwargs) if name else None
            if kernel is None:
                return await super().launch_kernel(cmd, **kwargs)
            self.process = kernel
            self.pid = self.pgid = kernel.pid
            self.cwd = kwargs.get("cwd", Path.cwd())
            return self.connection_info

    return ForkedProvisioner


#: The kernel managers this module builds on first use: papermill's (through nbclient) and a
#: Jupyter server's. The server's serves ``tests/test_browser.py``, whose JupyterLab forks its
#: kernels from a zygote as a run does.
_MANAGER_BASES = {
    "ForkedKernelManager": ("jupyter_client.manager", "AsyncKernelManager"),
    "ForkedServerKernelManager": (
        "jupyter_server.services.kernels.kernelmanager",
        "ServerKernelManager",
    ),
}


@functools.cache
def _manager_class(name: str):
    module, base_name = _MANAGER_BASES[name]
    base = getattr(importlib.import_module(module), base_name)

    async def _async_pre_start_kernel(self, **kw: Any):
        if self.provisioner is None:
            self.kernel_id = self.kernel_id or kw.pop("kernel_id", str(uuid.uuid4()))
            self.provisioner = _provisioner_class()(
                kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self
            )
        return await base._async_pre_start_kernel(self, **kw)

    doc = f"{base_name}, whose kernels the zygote of :data:`ENV_SOCKET` forks."
    return type(name, (base,), {"_async_pre_start_kernel": _async_pre_start_kernel, "__doc__": doc})


def __getattr__(name: str) -> Any:
    # The managers are built on first use, so that the zygote and the runner, which import this
    # module too, do not import jupyter_client for them.
    if name in _MANAGER_BASES:
        return _manager_class(name)
    raise AttributeError(name)


if __name__ == "__main__":
    sys.exit(main())
