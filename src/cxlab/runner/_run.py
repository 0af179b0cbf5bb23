"""Run the suite for one client: validate, execute, report, and move the result into place."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import importlib
import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import nbformat

from cxlab.contract import load_bundle
from cxlab.contract.snapshot import ENV_KEY, ENV_PATH, new_key, write_snapshot
from cxlab.errors import BundleError, Problem, RunError, ValidationReport
from cxlab.headlines import collect
from cxlab.runner._execute import auto_jobs, execute, kernel_env
from cxlab.runner._notebooks import NotebookSpec, check_layout, discover, notebooks_dir, select
from cxlab.runner._report import ChapterPart, render_report
from cxlab.runner._signals import deferred_signals, raise_if_stopping, stop_on_signals
from cxlab.runner._slug import slugify
from cxlab.runner._tempdirs import make_temp, release, remove_stale
from cxlab.runner._zygote import kernel_zygote, preload_for

__all__ = ["NotebookResult", "RunResult", "metrics_schema", "run_client"]

#: Default per-cell timeout in seconds.
DEFAULT_TIMEOUT = 600.0
#: Default seed handed to every notebook.
DEFAULT_SEED = 42


@dataclass(frozen=True)
class NotebookResult:
    """How one notebook of a run ended.

    Parameters
    ----------
    name : str
        Notebook name without extension (``"00_welcome"``).
    status : {"ok", "failed", "skipped"}
        The outcome.
    reason : str
        Why it failed or was skipped; empty when ok.
    seconds : float
        Execution wall time (0 when skipped).
    headlines : dict
        The headline numbers it published (see :mod:`cxlab.headlines`).
    """

    name: str
    status: str
    reason: str = ""
    seconds: float = 0.0
    headlines: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RunResult:
    """The outcome of one client's run.

    Parameters
    ----------
    client : str
        Display name.
    slug : str
        Folder name of the client's results.
    status : {"ok", "failed", "invalid"}
        ``invalid``: the bundle did not validate and nothing ran; ``failed``: at least one
        notebook failed; ``ok`` otherwise (skipped notebooks allowed).
    folder : pathlib.Path or None
        The client's result folder (None when invalid).
    notebooks : tuple of NotebookResult
        Per notebook, in chapter order.
    seconds : float
        Wall time of the whole run.
    validation : ValidationReport or None
        The bundle's problems (errors when invalid, else its warnings).
    """

    client: str
    slug: str
    status: str
    folder: Path | None
    notebooks: tuple[NotebookResult, ...] = ()
    seconds: float = 0.0
    validation: ValidationReport | None = None

    @property
    def ok(self) -> bool:
        """True when the run produced a report with no failed notebook."""
        return self.status == "ok"

    def summary(self) -> str:
        """Return a plain-text table of the notebooks with status, seconds and notes."""
        if self.status == "invalid":
            report = self.validation.format() if self.validation else "invalid bundle"
            return f"{self.client}: the data did not validate; nothing was run.\n{report}"
        width = max([len(n.name) for n in self.notebooks] + [8])
        lines = [f"{'notebook':<{width}}  status   seconds  note"]
        for n in self.notebooks:
            lines.append(f"{n.name:<{width}}  {n.status:<7}  {n.seconds:7.1f}  {n.reason}")
        counts = {
            s: sum(n.status == s for n in self.notebooks) for s in ("ok", "failed", "skipped")
        }
        lines.append(
            f"{self.client}: {counts['ok']} ok, {counts['failed']} failed, "
            f"{counts['skipped']} skipped in {self.seconds:.1f} s → {self.folder}"
        )
        return "\n".join(lines)


def metrics_schema() -> dict[str, Any]:
    """Return the JSON Schema of ``metrics.json`` (documented in docs/metrics-json.md)."""
    text = resources.files("cxlab.runner").joinpath("metrics.schema.json").read_text("utf-8")
    return json.loads(text)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _input_files(bundle) -> list[Path]:
    files = {src.path.resolve() for src in bundle.sources.values()}
    if bundle.config.source:
        files.add(Path(bundle.config.source).resolve())
    return sorted(files)


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.name


def _data_section(bundle) -> dict[str, Any]:
    root = Path(bundle.path).resolve()
    root_dir = root if root.is_dir() else root.parent
    period = bundle.period
    return {
        "folder": root.name,
        "period": (
            {"start": period[0].date().isoformat(), "end": period[1].date().isoformat()}
            if period
            else None
        ),
        "tables": {
            name: {
                "file": bundle.sources[name].label if name in bundle.sources else "",
                "rows": len(df),
                "columns": len(df.columns),
            }
            for name, df in bundle.tables.items()
        },
        "files": [
            {"name": _relative(p, root_dir), "bytes": p.stat().st_size, "sha256": _sha256(p)}
            for p in _input_files(bundle)
        ],
        "warnings": [
            f"[{p.rule}] {p.location}: {p.message}"
            for p in (bundle.report.warnings if bundle.report else [])
        ],
    }


def _skip_reason(spec: NotebookSpec, bundle) -> str:
    missing = [t for t in spec.requires if not bundle.has(t)]
    if missing:
        tables = " and ".join(missing)
        return f"needs the {tables} table{'s' if len(missing) > 1 else ''}, which this data lacks"
    for table, columns in spec.requires_any.items():
        df = getattr(bundle, table, None)
        if df is not None and not any(c in df and df[c].notna().any() for c in columns):
            names = (
                ", ".join(columns[:-1]) + f" or {columns[-1]}" if len(columns) > 1 else columns[0]
            )
            return f"needs answers in {names} in the {table} table, which this data lacks"
    return ""


def _executive_summary(specs: list[NotebookSpec], metrics: dict, log) -> str | None:
    """Return the executive summary (Markdown) from the function a chapter names, or None.

    A chapter notebook names the function in its metadata (``"cxlab": {"summary":
    "cxlab.actions:summary_page"}``); it is called with the run's ``metrics.json`` content
    whether or not that chapter was selected or ran, so the summary covers every run. The
    runner imports it by name and knows nothing of what it computes. A function outside the
    ``cxlab`` package is refused, and one that fails is logged; the report then opens with the
    chapters' headline cards alone.
    """
    for spec in specs:
        if not spec.summary:
            continue
        module, _, function = spec.summary.partition(":")
        if not module.startswith("cxlab.") or not function.isidentifier():
            log(f"executive summary: {spec.name} names {spec.summary!r}, not a cxlab function")
            continue
        try:
            build = getattr(importlib.import_module(module), function)
            page = build(metrics)
        except Exception as exc:  # a broken summary must not cost the client the report
            log(f"executive summary: {spec.summary} failed ({type(exc).__name__}: {exc})")
            continue
        if isinstance(page, str) and page.strip():
            return page
    return None


class _Log:
    """The run log: timestamped lines, kept in memory and written with the results."""

    def __init__(self, echo: Callable[[str], None] | None):
        self.lines: list[str] = []
        self.echo = echo

    def __call__(self, text: str, *, echo: bool = True) -> None:
        stamp = dt.datetime.now(dt.UTC).strftime("%H:%M:%S")
        for line in text.rstrip("\n").splitlines() or [""]:
            self.lines.append(f"{stamp} {line}")
        if self.echo and echo:
            self.echo(text)


def _replace_folder(tmp: Path, final: Path) -> None:
    """Move ``tmp`` to ``final``; a previous ``final`` is swapped out first, then deleted.

    The previous results wait under ``tmp``'s name plus ``.old``, so that a run killed between
    the two renames is recognised by its temporary folder's owner file and the previous results
    are put back by the next run (see :mod:`cxlab.runner._tempdirs`).
    """
    old = None
    if final.exists():
        old = tmp.with_name(f"{tmp.name}.old")
        os.rename(final, old)
    try:
        os.rename(tmp, final)
    except OSError:
        if old is not None:
            os.rename(old, final)  # put the previous run back
        raise
    release(final)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def run_client(
    data: str | os.PathLike,
    *,
    client: str | None = None,
    notebooks: str | None = "all",
    out: str | os.PathLike = "reports",
    timeout: float = DEFAULT_TIMEOUT,
    jobs: int | str = 1,
    seed: int = DEFAULT_SEED,
    notebook_dir: str | os.PathLike | None = None,
    echo: Callable[[str], None] | None = None,
    snapshot: bool = True,
    fork_kernels: bool = True,
) -> RunResult:
    """Run the chapter notebooks on one client's bundle and write its results folder.

    The bundle is validated first; when it has errors nothing runs and nothing is written (the
    result's ``validation`` holds every problem). Otherwise each chosen notebook runs with
    papermill in a process of its own, with ``client_name``, ``data_dir`` and ``seed``
    injected; a notebook whose tables the bundle lacks is skipped with the reason. The results
    are assembled in a hidden temporary folder next to the destination and moved into
    ``OUT/<slug>/`` at the end, replacing a previous run of the same client, so the client's
    folder is never half-written.

    Parameters
    ----------
    data : path-like
        The client's bundle (folder or workbook).
    client : str, optional
        Display name; default: ``client`` in the bundle's ``cxlab.yml``, else the folder name.
    notebooks : str, optional
        ``"all"`` or chapter numbers such as ``"00,01"``.
    out : path-like, default "reports"
        Parent folder of the client's results folder.
    timeout : float, default 600
        Per-cell timeout in seconds.
    jobs : int or "auto", default 1
        Notebooks executed at the same time; ``"auto"`` (what ``cxlab run`` does unless told)
        picks one per core, at most four, as memory allows (:func:`auto_jobs`).
    seed : int, default 42
        Random seed handed to every notebook.
    notebook_dir : path-like, optional
        Folder holding the chapter notebooks; default: the source tree's ``notebooks/``.
    echo : callable, optional
        Called with each progress line (the CLI prints them).
    snapshot : bool, default True
        Hand the chapters the bundle validated here (a signed snapshot in the run's private
        folder, see :mod:`cxlab.contract.snapshot`) instead of letting each validate it again.
        The results are the same either way; False is for comparing the two.
    fork_kernels : bool, default True
        Fork each chapter's kernel from one process that imported the chapters' libraries once
        (on Linux; see :mod:`cxlab.runner._zygote`) instead of starting every kernel from
        nothing, when at least two notebooks are chosen. The results are the same either way; False
        is for comparing the two.

    Returns
    -------
    RunResult
        Status, the results folder, and per-notebook outcomes.

    Raises
    ------
    RunError
        When the run cannot start as asked (no such data folder, unknown notebook number,
        a timeout or job count that is not positive).
    """
    with stop_on_signals():
        return _run_client(
            Path(data),
            client=client,
            notebooks=notebooks,
            out=Path(out),
            timeout=timeout,
            jobs=auto_jobs() if jobs == "auto" else jobs,
            seed=seed,
            notebook_dir=notebook_dir,
            echo=echo,
            snapshot=snapshot,
            fork_kernels=fork_kernels,
        )


def _run_client(
    data: Path,
    *,
    client: str | None,
    notebooks: str | None,
    out: Path,
    timeout: float,
    jobs: int,
    seed: int,
    notebook_dir: str | os.PathLike | None,
    echo: Callable[[str], None] | None,
    snapshot: bool,
    fork_kernels: bool,
) -> RunResult:
    started = time.perf_counter()
    raise_if_stopping()
    if not data.exists():
        raise RunError(
            Problem(
                "error",
                "not_found",
                f"the data folder {str(data)!r} does not exist",
                file=str(data),
                hint="give the folder holding the client's export (see docs/data-contract.md)",
            )
        )
    if timeout <= 0 or not isinstance(jobs, int) or jobs < 1:
        raise RunError(
            Problem(
                "error",
                "invalid_option",
                f"timeout must be positive and jobs a whole number of at least 1 or 'auto' "
                f"(got {timeout}, {jobs!r})",
                hint="for example --timeout 600 --jobs 2, or --jobs auto",
            )
        )
    every = discover(Path(notebook_dir) if notebook_dir else notebooks_dir())
    specs = select(every, notebooks)
    check_layout(specs)
    # The zygote starts first, so that it imports the chapters' libraries while the bundle is
    # validated and its snapshot written. It pays off from the second notebook on: alone, a
    # notebook imports only what it uses.
    enabled = fork_kernels and len(specs) >= 2
    preload = preload_for([s.path for s in specs]) if enabled else ()
    with kernel_zygote(kernel_env(), enabled=enabled, preload=preload) as forked:
        return _run_specs(
            data,
            specs,
            every,
            client=client,
            out=out,
            timeout=timeout,
            jobs=jobs,
            seed=seed,
            echo=echo,
            snapshot=snapshot,
            forked=forked,
            started=started,
        )


def _run_specs(
    data: Path,
    specs: list[NotebookSpec],
    every: list[NotebookSpec],
    *,
    client: str | None,
    out: Path,
    timeout: float,
    jobs: int,
    seed: int,
    echo: Callable[[str], None] | None,
    snapshot: bool,
    forked: dict[str, str],
    started: float,
) -> RunResult:
    log = _Log(echo)
    try:
        # Loaded at the path the chapters are given, so the snapshot is the bundle they would load.
        bundle = load_bundle(data.resolve())
    except BundleError as exc:
        name = client or data.name
        return RunResult(
            name,
            slugify(name),
            "invalid",
            None,
            seconds=time.perf_counter() - started,
            validation=exc.report,
        )
    name = client or bundle.name
    slug = slugify(name)
    out.mkdir(parents=True, exist_ok=True)
    at_once = "1 notebook" if jobs == 1 else f"{jobs} notebooks"
    log(f"cxlab run: {name} ({slug}) from {data}, {at_once} at a time")
    for line in remove_stale(out):
        log(f"clean-up of {out}: {line}")
    raise_if_stopping()
    tmp = None
    try:
        with deferred_signals():  # a stop raises only once ``tmp`` is known to the clean-up
            tmp = make_temp(out, slug)
        log(bundle.report.format() if bundle.report else "no validation report")
        params = {"client_name": name, "data_dir": str(data.resolve()), "seed": int(seed)}
        with _snapshot_for_chapters(bundle, tmp, enabled=snapshot) as env:
            results = _execute_all(
                specs, bundle, tmp, params, timeout=timeout, jobs=jobs, log=log, env=env | forked
            )
        raise_if_stopping()  # a stopped run keeps none of its results
        seconds = time.perf_counter() - started
        generated = dt.datetime.now(dt.UTC).replace(microsecond=0)
        metrics = _metrics(name, slug, bundle, results, specs, timeout, jobs, seed, seconds)
        metrics["generated_at"] = generated.isoformat().replace("+00:00", "Z")
        _validate_metrics(metrics)
        (tmp / "metrics.json").write_text(
            json.dumps(metrics, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        parts = [
            ChapterPart(
                s.number,
                s.name,
                r.status,
                r.reason,
                (tmp / f"{s.name}.ipynb") if (tmp / f"{s.name}.ipynb").exists() else None,
            )
            for s, r in zip(specs, results, strict=True)
        ]
        period = metrics["data"]["period"]
        page = render_report(
            parts,
            client=name,
            period=(period["start"], period["end"]) if period else None,
            generated=generated.strftime("%Y-%m-%d %H:%M UTC"),
            version=metrics["cxlab_version"],
            data_label=metrics["data"]["folder"],
            metrics=metrics,
            executive=_executive_summary(every, metrics, log),
            currency=bundle.config.currency or "",
        )
        (tmp / "report.html").write_text(page, encoding="utf-8")
        status = "failed" if any(r.status == "failed" for r in results) else "ok"
        result = RunResult(
            name,
            slug,
            status,
            out / slug,
            tuple(results),
            time.perf_counter() - started,
            bundle.report,
        )
        log(result.summary(), echo=False)
        (tmp / "run.log").write_text("\n".join(log.lines) + "\n", encoding="utf-8")
        tmp.chmod(0o755)  # mkdtemp makes it private; the results are meant to be shared
        raise_if_stopping()
        with deferred_signals():
            _replace_folder(tmp, out / slug)
        return result
    finally:
        with deferred_signals():
            if tmp is not None and tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)


#: Source that replaces an interactive widget cell in a runner's copy of a notebook.
WIDGET_STANDIN = (
    "# Interactive cell: not run by cxlab run (a static report cannot show a live control)."
)


def _without_widgets(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Return the notebook with every cell tagged ``widget`` turned into a comment.

    A widget needs a live front end; run headless it shows nothing, the report drops it anyway,
    and a control that waits on its front end can stall the kernel until the cell timeout. By
    the template's convention a widget cell defines nothing later cells use (a static
    equivalent follows it), so the runner does not execute it.
    """
    for cell in nb.cells:
        if cell.cell_type == "code" and "widget" in cell.get("metadata", {}).get("tags", []):
            cell.source = WIDGET_STANDIN
            cell.outputs = []
    return nb


@contextlib.contextmanager
def _snapshot_for_chapters(bundle, tmp: Path, *, enabled: bool) -> Iterator[dict[str, str]]:
    """Write the validated bundle to a private snapshot for the chapters; remove it afterwards.

    Yields the environment variables that point the chapters' kernels to it (none when
    disabled). The snapshot lives in a folder of its own inside the run's private temporary
    folder and is removed before the results are moved into place, so it never reaches them.
    """
    if not enabled:
        yield {}
        return
    with tempfile.TemporaryDirectory(prefix=".snapshot-", dir=tmp) as folder:
        key = new_key()
        target = Path(folder) / "bundle.pickle"
        write_snapshot(bundle, target, key)
        yield {ENV_PATH: str(target), ENV_KEY: key}


#: Sub-folder of a client's results where chapters write the files they export (contact lists,
#: follow-up queues), for chapters whose parameters cell declares ``out_dir``.
EXPORTS = "exports"

_OUT_DIR = re.compile(r"^out_dir\s*:", re.MULTILINE)


def _declares_out_dir(nb: nbformat.NotebookNode) -> bool:
    """Whether the parameters cell declares ``out_dir`` (papermill warns of unknown ones)."""
    return any(
        "parameters" in c.get("metadata", {}).get("tags", []) and _OUT_DIR.search(c.source)
        for c in nb.cells
        if c.cell_type == "code"
    )


def _execute_all(
    specs: list[NotebookSpec],
    bundle,
    tmp: Path,
    params: dict[str, Any],
    *,
    timeout: float,
    jobs: int,
    log: _Log,
    env: dict[str, str],
) -> list[NotebookResult]:
    def one(spec: NotebookSpec) -> NotebookResult:
        raise_if_stopping()
        reason = _skip_reason(spec, bundle)
        if reason:
            log(f"{spec.name}: skipped, {reason}")
            return NotebookResult(spec.name, "skipped", reason)
        source = _without_widgets(nbformat.read(spec.path, as_version=4))
        code_cells = sum(c.cell_type == "code" for c in source.cells)
        given = dict(params)
        if _declares_out_dir(source):
            given["out_dir"] = str(tmp / EXPORTS)
        output = tmp / f"{spec.name}.ipynb"
        # The scratch folder lives in the run's temporary folder, so that whatever removes
        # that folder (the run itself, or a later run after this one was killed) removes it too.
        with tempfile.TemporaryDirectory(
            prefix=".cwd-", dir=tmp, ignore_cleanup_errors=True
        ) as scratch:
            log(f"{spec.name}: running")
            prepared = Path(scratch) / spec.path.name
            nbformat.write(source, prepared)
            outcome = execute(
                prepared,
                output,
                parameters=given,
                cwd=Path(scratch),
                timeout=timeout,
                wall_limit=timeout * (code_cells + 2) + 120,
                env=env,
            )
        if outcome.status != "ok" and outcome.log.strip():
            log(f"{spec.name}: papermill log\n{outcome.log.strip()}")
        headlines: dict[str, Any] = {}
        if output.exists():
            try:
                nb = nbformat.read(output, as_version=4)
                headlines = collect(o for c in nb.cells for o in c.get("outputs", []))
            except (OSError, ValueError) as exc:
                log(f"{spec.name}: cannot read the executed notebook: {exc}")
        log(f"{spec.name}: {outcome.status} in {outcome.seconds:.1f} s {outcome.reason}".rstrip())
        return NotebookResult(spec.name, outcome.status, outcome.reason, outcome.seconds, headlines)

    if jobs == 1 or len(specs) <= 1:
        return [one(s) for s in specs]
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(one, specs))


def _metrics(
    name: str,
    slug: str,
    bundle,
    results: list[NotebookResult],
    specs: list[NotebookSpec],
    timeout: float,
    jobs: int,
    seed: int,
    seconds: float,
) -> dict[str, Any]:
    import cxlab

    return {
        "schema_version": 1,
        "client": {"name": name, "slug": slug},
        "cxlab_version": cxlab.__version__,
        "generated_at": "",
        "parameters": {
            "seed": int(seed),
            "notebooks": [s.name for s in specs],
            "timeout": float(timeout),
            "jobs": int(jobs),
        },
        "data": _data_section(bundle),
        "notebooks": {
            r.name: {
                "status": r.status,
                "reason": r.reason,
                "seconds": round(r.seconds, 3),
                "headlines": r.headlines,
            }
            for r in results
        },
        "summary": {
            "ok": sum(r.status == "ok" for r in results),
            "failed": sum(r.status == "failed" for r in results),
            "skipped": sum(r.status == "skipped" for r in results),
            "seconds": round(seconds, 3),
        },
    }


def _validate_metrics(metrics: dict[str, Any]) -> None:
    import jsonschema

    jsonschema.validate(metrics, metrics_schema(), format_checker=jsonschema.FormatChecker())
