"""Many clients in one go: ``cxlab batch CLIENTS.yml``.

The batch file lists the clients; paths in it are relative to the file::

    out: reports              # parent folder of every client's results (default: reports)
    jobs: 2                   # clients run at the same time (default: auto, one per core, at
                              # most four, as memory allows; --jobs overrides)
    defaults:                 # options for every client (each may override them)
      notebooks: all          #   "all" or chapter numbers such as "00,01"
      timeout: 600            #   per-cell timeout in seconds
      seed: 42
    clients:
      - name: Loomwell Apparel
        data: exports/loomwell
      - name: Tallyfold
        data: exports/tallyfold
        notebooks: "00,01"

Each client runs exactly as ``cxlab run`` would (:func:`~cxlab.runner.run_client`), so one
client's bad data or failing notebook never touches another's results. Locally the clients run
on a pool of threads (each notebook is a process of its own, so threads are enough to keep the
cores busy); with ``engine="dask"`` each client is a task on a Dask cluster — a ``LocalCluster``
by default, or the scheduler at ``scheduler`` — whose workers see the same files (a shared
folder) and have cxlab installed. At the end ``OUT/index.html`` links every report.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from cxlab.errors import CxlabError, Problem, RunError, ValidationReport
from cxlab.runner._execute import auto_jobs
from cxlab.runner._report import _style
from cxlab.runner._run import DEFAULT_SEED, DEFAULT_TIMEOUT, RunResult, run_client
from cxlab.runner._safe_html import CONTENT_SECURITY_POLICY
from cxlab.runner._signals import stop_on_signals
from cxlab.runner._slug import slugify

__all__ = ["BatchSpec", "ClientSpec", "read_batch", "run_batch", "write_index"]

_CLIENT_KEYS = {"name", "data", "notebooks", "timeout", "seed", "jobs"}
_TOP_KEYS = {"out", "jobs", "defaults", "clients"}


@dataclass(frozen=True)
class ClientSpec:
    """One client of a batch.

    Parameters
    ----------
    name : str
        Display name.
    data : pathlib.Path
        The client's bundle.
    notebooks : str
        ``"all"`` or chapter numbers.
    timeout : float
        Per-cell timeout in seconds.
    seed : int
        Seed handed to the notebooks.
    jobs : int
        Notebooks of this client run at the same time.
    """

    name: str
    data: Path
    notebooks: str = "all"
    timeout: float = DEFAULT_TIMEOUT
    seed: int = DEFAULT_SEED
    jobs: int = 1

    @property
    def slug(self) -> str:
        """Folder name of the client's results."""
        return slugify(self.name)


@dataclass(frozen=True)
class BatchSpec:
    """A parsed batch file.

    Parameters
    ----------
    clients : tuple of ClientSpec
        The clients, in file order.
    out : pathlib.Path
        Parent folder of the results.
    jobs : int
        Clients run at the same time.
    source : str
        The batch file, for messages.
    """

    clients: tuple[ClientSpec, ...]
    out: Path
    jobs: int = 1
    source: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def _fail(path: Path, message: str, hint: str, where: str = "") -> RunError:
    return RunError(
        Problem(
            "error",
            "invalid_batch",
            f"{where}: {message}" if where else message,
            file=path.name,
            hint=hint,
        )
    )


def read_batch(path: str | os.PathLike) -> BatchSpec:
    """Read and check a batch file.

    Parameters
    ----------
    path : path-like
        The YAML file (format in this module's docstring).

    Returns
    -------
    BatchSpec
        The clients with every option resolved.

    Raises
    ------
    RunError
        For a missing or unreadable file, invalid YAML, unknown keys, a client without a name or
        data path, options of the wrong type, or two clients whose names give the same folder.
    """
    path = Path(path)
    if not path.is_file():
        raise _fail(path, "the batch file does not exist", "give the path of a clients.yml file")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise _fail(
            path, f"not valid YAML{at}", "check indentation and quoting; see cxlab batch --help"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise _fail(path, f"cannot read the file: {exc}", "save it as UTF-8 text") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("clients"), list) or not raw["clients"]:
        raise _fail(
            path,
            "the file must be a mapping with a non-empty 'clients:' list",
            "start from the example in docs/runner.md",
        )
    unknown = set(raw) - _TOP_KEYS
    if unknown:
        raise _fail(
            path, f"unknown key(s) {sorted(unknown)}", f"allowed: {', '.join(sorted(_TOP_KEYS))}"
        )
    base = path.parent
    defaults = raw.get("defaults") or {}
    if not isinstance(defaults, dict) or set(defaults) - (_CLIENT_KEYS - {"name", "data"}):
        raise _fail(
            path,
            "'defaults' must be a mapping of notebooks, timeout, seed and jobs",
            "for example defaults: {notebooks: all, timeout: 600}",
        )
    clients = []
    for i, entry in enumerate(raw["clients"], start=1):
        where = f"client {i}"
        if not isinstance(entry, dict):
            raise _fail(path, "each client must be a mapping", "give name: and data:", where)
        unknown = set(entry) - _CLIENT_KEYS
        if unknown:
            raise _fail(
                path,
                f"unknown key(s) {sorted(unknown)}",
                f"allowed: {', '.join(sorted(_CLIENT_KEYS))}",
                where,
            )
        merged = {**defaults, **entry}
        if not str(merged.get("name") or "").strip() or not merged.get("data"):
            raise _fail(path, "needs both name: and data:", "name the client and its folder", where)
        try:
            spec = ClientSpec(
                name=str(merged["name"]).strip(),
                data=(base / str(merged["data"])),
                notebooks=str(merged.get("notebooks", "all")),
                timeout=float(merged.get("timeout", DEFAULT_TIMEOUT)),
                seed=int(merged.get("seed", DEFAULT_SEED)),
                jobs=int(merged.get("jobs", 1)),
            )
        except (TypeError, ValueError) as exc:
            raise _fail(
                path,
                f"an option has the wrong type ({exc})",
                "timeout, seed and jobs are numbers",
                where,
            ) from None
        if spec.timeout <= 0 or spec.jobs < 1:
            raise _fail(
                path, "timeout must be positive and jobs at least 1", "e.g. timeout: 600", where
            )
        clients.append(spec)
    seen: dict[str, str] = {}
    for spec in clients:
        if spec.slug in seen:
            raise _fail(
                path,
                f"clients {seen[spec.slug]!r} and {spec.name!r} would share the results folder "
                f"{spec.slug!r}",
                "give the clients distinct names",
            )
        seen[spec.slug] = spec.name
    jobs = raw.get("jobs", "auto")
    try:
        jobs = auto_jobs() if str(jobs).strip().lower() == "auto" else int(jobs)
    except (TypeError, ValueError):
        raise _fail(
            path, "'jobs' must be a whole number or auto", "for example jobs: 2, or jobs: auto"
        ) from None
    return BatchSpec(tuple(clients), base / str(raw.get("out", "reports")), max(jobs, 1), str(path))


def _run_one(spec: ClientSpec, out: str, notebook_dir: str | None) -> RunResult:
    """Run one client; turn a run that cannot start into an ``invalid`` result."""
    try:
        return run_client(
            spec.data,
            client=spec.name,
            notebooks=spec.notebooks,
            out=out,
            timeout=spec.timeout,
            jobs=spec.jobs,
            seed=spec.seed,
            notebook_dir=notebook_dir,
        )
    except CxlabError as exc:
        problem = getattr(exc, "problem", None) or Problem("error", "run_error", str(exc))
        return RunResult(
            spec.name,
            spec.slug,
            "invalid",
            None,
            validation=ValidationReport(str(spec.data), [problem]),
        )
    except Exception as exc:  # one client's unexpected fault must not stop the others
        problem = Problem(
            "error",
            "run_error",
            f"the run stopped: {type(exc).__name__}: {exc}",
            hint="run this client alone with cxlab run to see the full log",
        )
        return RunResult(
            spec.name,
            spec.slug,
            "failed",
            None,
            validation=ValidationReport(str(spec.data), [problem]),
        )


def _local(
    batch: BatchSpec, jobs: int, notebook_dir: str | None
) -> Iterator[tuple[ClientSpec, RunResult]]:
    pool = ThreadPoolExecutor(max_workers=jobs)
    try:
        futures = {pool.submit(_run_one, c, str(batch.out), notebook_dir): c for c in batch.clients}
        for future in as_completed(futures):
            yield futures[future], future.result()
    finally:
        # After a stop, clients that have not started never start; running ones give up at
        # their next step, their notebook workers having been ended already.
        pool.shutdown(wait=True, cancel_futures=True)


def _dask(
    batch: BatchSpec, jobs: int, notebook_dir: str | None, scheduler: str | None
) -> Iterator[tuple[ClientSpec, RunResult]]:
    from dask.distributed import Client, LocalCluster, as_completed

    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        cluster = LocalCluster(
            n_workers=jobs, threads_per_worker=1, processes=False, dashboard_address=None
        )
        client = Client(cluster)
    futures = {}
    try:
        futures = {
            client.submit(_run_one, c, str(batch.out), notebook_dir, pure=False): c
            for c in batch.clients
        }
        for future in as_completed(futures):
            yield futures[future], future.result()
    finally:
        # After a stop, the scheduler drops the clients not yet started. A client already
        # running on a remote worker finishes there (Dask cannot interrupt a running task);
        # with the local cluster its workers are threads of this process and were ended.
        client.cancel(list(futures))
        client.close()
        if cluster is not None:
            cluster.close()


def run_batch(
    batch: BatchSpec,
    *,
    jobs: int | str | None = None,
    engine: str = "local",
    scheduler: str | None = None,
    notebook_dir: str | os.PathLike | None = None,
    progress: bool = True,
    echo: Callable[[str], None] | None = None,
) -> list[RunResult]:
    """Run every client of a batch and write ``OUT/index.html``.

    Parameters
    ----------
    batch : BatchSpec
        From :func:`read_batch`.
    jobs : int or "auto", optional
        Clients at the same time; default: the batch file's ``jobs`` (itself ``auto`` when the
        file does not say: one per core, at most four, as memory allows; see
        :func:`cxlab.runner._execute.auto_jobs`).
    engine : {"local", "dask"}
        Threads on this machine, or tasks on a Dask cluster.
    scheduler : str, optional
        Address of a running Dask scheduler (``tcp://host:8786``); default: a local cluster with
        ``jobs`` workers. Only with ``engine="dask"``.
    notebook_dir : path-like, optional
        Folder of the chapter notebooks; default: the source tree's ``notebooks/``.
    progress : bool, default True
        Show a progress bar on standard error (only on a terminal).
    echo : callable, optional
        Called with one line per finished client.

    Returns
    -------
    list of RunResult
        In the batch file's order.

    Raises
    ------
    RunError
        For an unknown engine.
    """
    from tqdm.auto import tqdm

    jobs = auto_jobs() if jobs == "auto" else max(int(jobs or batch.jobs), 1)
    nb_dir = str(notebook_dir) if notebook_dir else None
    if engine == "local":
        stream = _local(batch, jobs, nb_dir)
    elif engine == "dask":
        stream = _dask(batch, jobs, nb_dir, scheduler)
    else:
        raise RunError(
            Problem("error", "invalid_option", f"unknown engine {engine!r}", hint="local or dask")
        )
    batch.out.mkdir(parents=True, exist_ok=True)
    done: dict[str, RunResult] = {}
    bar = tqdm(
        total=len(batch.clients),
        desc="clients",
        unit="client",
        disable=None if progress else True,
        file=sys.stderr,
    )
    with stop_on_signals():
        try:
            with bar:
                for spec, result in stream:
                    done[spec.slug] = result
                    bar.update(1)
                    if echo:
                        echo(f"{result.client}: {result.status} in {result.seconds:.1f} s")
        finally:
            # On a stop, wait here for the clients' threads to remove their temporary folders
            # (their workers are already ended), instead of leaving that to garbage collection.
            stream.close()
        results = [done[c.slug] for c in batch.clients]
        write_index(results, batch.out)
    return results


def summary_table(results: list[RunResult]) -> str:
    """Plain-text table of clients, status, seconds and where the report is."""
    width = max([len(r.client) for r in results] + [6])
    lines = [f"{'client':<{width}}  status   seconds  report"]
    for r in results:
        where = str(r.folder / "report.html") if r.folder else _first_error(r)
        lines.append(f"{r.client:<{width}}  {r.status:<7}  {r.seconds:7.1f}  {where}")
    return "\n".join(lines)


def _first_error(result: RunResult) -> str:
    if result.validation and result.validation.errors:
        p = result.validation.errors[0]
        more = len(result.validation.errors) - 1
        return f"[{p.rule}] {p.location}: {p.message}" + (f" (+{more} more)" if more else "")
    return "no report"


def write_index(results: list[RunResult], out: Path) -> Path:
    """Write ``out/index.html``, linking every client's report, and return its path."""
    esc = html.escape
    rows = []
    for r in results:
        if r.folder is not None:
            link = f'<a href="{esc(r.slug)}/report.html">{esc(r.client)}</a>'
            detail = f'<a href="{esc(r.slug)}/metrics.json">metrics.json</a> · ' + (
                f'<a href="{esc(r.slug)}/run.log">run log</a>'
            )
            failed = [n.name for n in r.notebooks if n.status == "failed"]
            if failed:
                detail += f" · failed: {esc(', '.join(failed))}"
        else:
            link = esc(r.client)
            report = r.validation.format() if r.validation else ""
            detail = (
                f"<details><summary>{esc(_first_error(r))}</summary>"
                f"<pre>{esc(report)}</pre></details>"
            )
        rows.append(
            f'<tr><td>{link}</td><td class="status-{esc(r.status)}">{esc(r.status)}</td>'
            f"<td>{r.seconds:.1f}</td><td>{detail}</td></tr>"
        )
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    ok = sum(r.status == "ok" for r in results)
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">
<title>cxlab batch · {len(results)} clients</title>
<style>{_style()}</style></head><body><main>
<h1>Client reports</h1>
<p>{ok} of {len(results)} clients ran without a failure · generated {esc(stamp)}</p>
<table class="summary"><thead>
<tr><th>Client</th><th>Status</th><th>Seconds</th><th>Details</th></tr></thead>
<tbody>{"".join(rows)}</tbody></table>
</main></body></html>
"""
    out.mkdir(parents=True, exist_ok=True)
    target = out / "index.html"
    tmp = out / f".index.html.{os.getpid()}-{time.monotonic_ns()}"
    tmp.write_text(page, encoding="utf-8")
    os.replace(tmp, target)
    return target
