"""The consultant's runner: the chapter notebooks on a client's data, as a deliverable.

``cxlab run`` (:func:`run_client`) takes one client's bundle, validates it, executes the chosen
chapter notebooks with papermill — each in a process of its own, with the client's parameters
injected and a per-cell timeout — and writes ``OUT/<client-slug>/``:

- the executed notebooks, a failed one with its error;
- ``report.html``, one self-contained client-ready document (see :mod:`cxlab.runner._report`);
- ``metrics.json``, the headline results under the schema in ``metrics.schema.json``
  (documented in ``docs/metrics-json.md``);
- ``run.log``.

``cxlab batch`` (:func:`run_batch`) does the same for many clients from one YAML file, with
parallel workers (threads locally, or a Dask cluster) and an ``index.html`` linking every report.

A run stopped by SIGINT or SIGTERM ends every notebook worker, removes its temporary folder and
raises :class:`RunInterrupted`; workers end themselves when their run is killed outright, and
the next run removes what a killed run left (:mod:`cxlab.runner._signals`,
:mod:`cxlab.runner._tempdirs`).

The runner knows notebooks, parameters and files, and nothing about customer-experience
analytics: chapters hand it their numbers through :mod:`cxlab.headlines` and declare the tables
they need in their notebook metadata (``"cxlab": {"requires": [...]}``).
"""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from cxlab.runner._batch import (
        BatchSpec,
        ClientSpec,
        read_batch,
        run_batch,
        summary_table,
        write_index,
    )
    from cxlab.runner._execute import skip_iri_grammar
    from cxlab.runner._notebooks import NotebookSpec, discover, notebooks_dir, select
    from cxlab.runner._run import NotebookResult, RunResult, metrics_schema, run_client
    from cxlab.runner._signals import RunInterrupted
    from cxlab.runner._slug import slugify

#: Where each public name lives. They are imported when first asked for, so that a notebook
#: worker (``python -m cxlab.runner._worker``, one process per chapter) does not load the
#: report, batch and notebook machinery it never uses.
_HOME = {
    "BatchSpec": "_batch",
    "ClientSpec": "_batch",
    "read_batch": "_batch",
    "run_batch": "_batch",
    "summary_table": "_batch",
    "write_index": "_batch",
    "skip_iri_grammar": "_execute",
    "NotebookSpec": "_notebooks",
    "discover": "_notebooks",
    "notebooks_dir": "_notebooks",
    "select": "_notebooks",
    "NotebookResult": "_run",
    "RunResult": "_run",
    "metrics_schema": "_run",
    "run_client": "_run",
    "RunInterrupted": "_signals",
    "slugify": "_slug",
}


def __getattr__(name: str) -> Any:
    if name in _HOME:
        import importlib

        value = getattr(importlib.import_module(f"cxlab.runner.{_HOME[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'cxlab.runner' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_HOME))


__all__ = [
    "BatchSpec",
    "ClientSpec",
    "NotebookResult",
    "NotebookSpec",
    "RunInterrupted",
    "RunResult",
    "discover",
    "metrics_schema",
    "notebooks_dir",
    "read_batch",
    "run_batch",
    "run_client",
    "select",
    "skip_iri_grammar",
    "slugify",
    "summary_table",
    "write_index",
]
