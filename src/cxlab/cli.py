"""The ``cxlab`` command line.

Sub-commands
------------
``cxlab validate PATH``
    Check a client bundle against the contract; print every problem; exit 1 on errors.
``cxlab init PATH [--force]``
    Inspect a folder of client exports and write a commented draft ``PATH/cxlab.yml``: which
    file is which table, which column is which, scales, date formats, suspected personal data.
    An existing ``cxlab.yml`` is replaced only with ``--force``.
``cxlab demo list`` / ``cxlab demo path NAME`` / ``cxlab demo regenerate [--out DIR]``
    The demo clients: list them, print a demo's folder, or regenerate the committed files.
``cxlab demo large --out DIR [--seed N]``
    Write the large synthetic client (70,000 customers, about a million transactions and a
    million events) into ``DIR``, for benchmarks.
``cxlab run --data PATH [--client NAME] [--notebooks 00,01|all] [--out DIR] [--jobs N|auto]``
    Run the chapter notebooks on one client's bundle; write ``OUT/<client>/`` with the executed
    notebooks, ``report.html``, ``metrics.json`` and ``run.log``. By default as many notebooks
    run at once as the machine has cores, at most four, as memory allows.
``cxlab batch CLIENTS.yml [--jobs N|auto] [--engine local|dask] [--scheduler ADDRESS]``
    Run many clients; write ``OUT/index.html`` linking every report.
``cxlab export --data PATH --customer ID --out DIR``
    Write everything the bundle holds about one customer (portability): ``DIR/<ID>.json`` and
    one CSV per table. ``DIR`` must not exist.
``cxlab erase --data PATH --customer ID [--customer ID ...] --out DIR``
    Write a copy of the bundle to ``DIR`` with those customers removed from every table and
    their ids and contact details masked in the text that remains. ``DIR`` must not exist.
``cxlab versions``
    Print the versions of cxlab and its libraries.

Exit codes: 0 success (warnings and skipped notebooks allowed), 1 the data has errors, 2 the
command was used wrongly (for example a path that does not exist), 3 a notebook failed (run) or a
client failed or had invalid data (batch), 130 or 143 ``run`` or ``batch`` was stopped by SIGINT
(Ctrl-C) or SIGTERM, after ending its notebooks and removing its unfinished results.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

__all__ = ["main"]


def _cmd_validate(args: argparse.Namespace) -> int:
    from cxlab.contract import load_bundle
    from cxlab.errors import BundleError, ValidationReport

    path = Path(args.path)
    if not path.exists():
        print(
            f"cxlab validate: {path} does not exist; give the folder holding the client's files.",
            file=sys.stderr,
        )
        return 2
    # One reading does both: the report of every problem (what ``validate_bundle`` returns)
    # and, when there are no errors, the tables the driver check needs.
    try:
        bundle = load_bundle(path)
    except BundleError as exc:
        bundle, report = None, exc.report
    else:
        report = bundle.report if bundle.report is not None else ValidationReport(str(path))
    if bundle is not None:
        report.extend(_unused_drivers(bundle))
    print(report.format())
    return 0 if report.ok else 1


def _unused_drivers(bundle) -> list:
    """Warnings for driver items declared in cxlab.yml that the key-driver analysis cannot use."""
    if not bundle.config.drivers:
        return []  # and the driver analysis, with scipy, is not even imported
    from cxlab.drivers import usable_drivers
    from cxlab.errors import Problem

    return [
        Problem(
            "warning",
            "unused_driver",
            f"the driver item {item!r} declared under drivers: cannot be used: {why}",
            table="responses",
            column=item,
            hint="fix the item's answers, or leave it out of drivers: in cxlab.yml",
        )
        for item, why in usable_drivers(bundle).items()
    ]


def _cmd_init(args: argparse.Namespace) -> int:
    from cxlab.contract import write_draft
    from cxlab.errors import excerpt

    path = Path(args.path)
    shown = excerpt(path, 200)
    if not path.exists():
        print(
            f"cxlab init: {shown} does not exist; give the folder holding the client's files.",
            file=sys.stderr,
        )
        return 2
    if not path.is_dir():
        print(
            f"cxlab init: {shown} is not a folder; give the folder holding the client's "
            "export files (cxlab init writes cxlab.yml into it).",
            file=sys.stderr,
        )
        return 2
    try:
        target, draft = write_draft(path, force=args.force)
    except FileExistsError as exc:
        if exc.filename:  # a configuration is there; the other refusals carry no file name
            message = (
                f"{shown} already has a {excerpt(exc.filename or 'cxlab.yml', 40)}; cxlab init "
                "does not overwrite it. Check it with `cxlab validate`, or replace it with a "
                "new draft: cxlab init --force " + shown
            )
        else:
            message = excerpt(exc, 400)
        print(f"cxlab init: {message}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(
            f"cxlab init: cannot write cxlab.yml in {shown}: {excerpt(exc, 200)}",
            file=sys.stderr,
        )
        return 2
    print(f"wrote {excerpt(target, 200)}, a draft to check:")
    for src in draft.sources:
        if src.table:
            unit = "events" if src.fmt == "xes" else "rows"
            what = f"{src.table} ({src.rows:,} {unit})"
        else:
            what = src.note or "not used"
        print(f"  {excerpt(src.label, 60)} -> {excerpt(what, 160)}")
    if draft.personal:
        print("personal data suspected (see the draft):")
        for line in draft.personal:
            print(f"  {line}")
    if not draft.tables:
        print("no file was recognised as a table; map them in the draft by hand")
    print("next: read the draft, settle the lines marked DECIDE, then run: cxlab validate " + shown)
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    from cxlab import datasets

    if args.action == "list":
        for name in datasets.DEMOS:
            print(f"{name:<20} {datasets.describe(name)}")
        return 0
    if args.action == "path":
        if args.name not in datasets.DEMOS:
            print(
                f"cxlab demo path: unknown demo {args.name!r}; choose one of "
                f"{', '.join(datasets.DEMOS)}",
                file=sys.stderr,
            )
            return 2
        print(datasets.demo_path(args.name))
        return 0
    if args.action == "large":
        if not args.out:
            print(
                "cxlab demo large: say where to write it with --out DIR (about 120 MiB)",
                file=sys.stderr,
            )
            return 2
        folder = datasets.write_large(args.out, seed=args.seed)
        for path in sorted(folder.iterdir()):
            print(f"wrote {path}")
        return 0
    # regenerate
    out = Path(args.out) if args.out else None
    for path in datasets.regenerate(out):
        print(f"wrote {path}")
    return 0


def _jobs(text: str) -> int | str:
    """``--jobs``: a whole number, or ``auto`` for the runner to choose."""
    if text.strip().lower() == "auto":
        return "auto"
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is neither a whole number nor 'auto' (for example --jobs 2)"
        ) from None


def _usage_error(command: str, exc: Exception) -> int:
    problem = getattr(exc, "problem", None)
    text = problem.format() if problem is not None else str(exc)
    print(f"cxlab {command}: {text}", file=sys.stderr)
    return 2


def _interrupted(command: str, exc: BaseException) -> int:
    print(f"cxlab {command}: {exc}", file=sys.stderr)
    return exc.exit_code


def _light_runner() -> None:
    """Set this process up for the runner: see :func:`cxlab.runner.skip_iri_grammar`."""
    from cxlab.runner import skip_iri_grammar

    skip_iri_grammar()


def _cmd_run(args: argparse.Namespace) -> int:
    _light_runner()
    from cxlab.errors import RunError
    from cxlab.runner import RunInterrupted, run_client

    try:
        result = run_client(
            args.data,
            client=args.client,
            notebooks=args.notebooks,
            out=args.out,
            timeout=args.timeout,
            jobs=args.jobs,
            seed=args.seed,
            notebook_dir=args.notebooks_dir,
            echo=None if args.quiet else (lambda line: print(line, file=sys.stderr)),
        )
    except RunInterrupted as exc:
        return _interrupted("run", exc)
    except (RunError, FileNotFoundError) as exc:
        return _usage_error("run", exc)
    except OSError as exc:  # e.g. an output folder that cannot be written
        print(f"cxlab run: cannot write the results: {exc}; choose another --out", file=sys.stderr)
        return 2
    print(result.summary())
    if result.status == "invalid":
        return 1
    print(f"report: {result.folder / 'report.html'}")
    return 0 if result.ok else 3


def _cmd_batch(args: argparse.Namespace) -> int:
    _light_runner()
    from cxlab.errors import RunError
    from cxlab.runner import RunInterrupted, read_batch, run_batch, summary_table

    try:
        batch = read_batch(args.file)
        results = run_batch(
            batch,
            jobs=args.jobs,
            engine=args.engine,
            scheduler=args.scheduler,
            notebook_dir=args.notebooks_dir,
            progress=not args.quiet,
        )
    except RunInterrupted as exc:
        return _interrupted("batch", exc)
    except (RunError, FileNotFoundError) as exc:
        return _usage_error("batch", exc)
    except OSError as exc:
        print(f"cxlab batch: cannot write the results: {exc}; change 'out:'", file=sys.stderr)
        return 2
    print(summary_table(results))
    print(f"index: {batch.out / 'index.html'}")
    return 0 if all(r.ok for r in results) else 3


def _rights_error(command: str, exc: Exception) -> int:
    from cxlab.errors import excerpt

    problem = getattr(exc, "problem", None)
    text = problem.format() if problem is not None else excerpt(exc, 400)
    print(f"cxlab {command}: {text}", file=sys.stderr)
    return 2


def _load_for(command: str, data: str):
    """Load a bundle for export or erase; print the problem and return None when it fails."""
    from cxlab.contract import load_bundle
    from cxlab.errors import BundleError, DataError

    path = Path(data)
    if not path.exists():
        print(
            f"cxlab {command}: {path} does not exist; give the folder holding the client's files.",
            file=sys.stderr,
        )
        return None
    try:
        return load_bundle(path)
    except BundleError as exc:
        print(f"cxlab {command}: the bundle has errors:\n{exc.report.format()}", file=sys.stderr)
    except DataError as exc:
        _rights_error(command, exc)
    return None


def _cmd_export(args: argparse.Namespace) -> int:
    from cxlab.errors import DataError
    from cxlab.ethics import export_customer

    bundle = _load_for("export", args.data)
    if bundle is None:
        return 1 if Path(args.data).exists() else 2
    try:
        folder = export_customer(bundle, args.customer, args.out)
    except (DataError, FileExistsError) as exc:
        return _rights_error("export", exc)
    except OSError as exc:
        print(
            f"cxlab export: cannot write {args.out}: {exc}; choose another --out", file=sys.stderr
        )
        return 2
    files = sorted(p.name for p in folder.iterdir())
    print(f"wrote {folder}: {', '.join(files)}")
    return 0


def _cmd_erase(args: argparse.Namespace) -> int:
    from cxlab.errors import DataError
    from cxlab.ethics import erase_customers

    bundle = _load_for("erase", args.data)
    if bundle is None:
        return 1 if Path(args.data).exists() else 2
    before = {name: len(df) for name, df in bundle.tables.items()}
    try:
        folder = erase_customers(bundle, args.customer, args.out)
    except (DataError, FileExistsError) as exc:
        return _rights_error("erase", exc)
    except OSError as exc:
        print(f"cxlab erase: cannot write {args.out}: {exc}; choose another --out", file=sys.stderr)
        return 2
    from cxlab.contract import load_bundle

    after = load_bundle(folder, validate=False).tables
    removed = ", ".join(f"{t} {before[t] - len(after[t]):,}" for t in before if t in after)
    print(f"wrote {folder} without {len(args.customer)} customer(s); rows removed: {removed}")
    return 0


def _cmd_versions(args: argparse.Namespace) -> int:
    from cxlab.versions import show_versions

    show_versions()
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cxlab", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("validate", help="check a client bundle against the data contract")
    p.add_argument("path", help="bundle folder (or a single .xlsx workbook)")
    p.set_defaults(func=_cmd_validate)

    p = sub.add_parser("init", help="draft a commented cxlab.yml for a folder of client exports")
    p.add_argument("path", help="the folder holding the client's export files")
    p.add_argument("--force", action="store_true", help="replace an existing cxlab.yml")
    p.set_defaults(func=_cmd_init)

    p = sub.add_parser("demo", help="the embedded demo clients")
    p.add_argument("action", choices=["list", "path", "regenerate", "large"])
    p.add_argument("name", nargs="?", default="clothing_retailer", help="demo name (for 'path')")
    p.add_argument(
        "--out",
        help="folder to write into (regenerate: default the repository's datasets/; "
        "large: required)",
    )
    p.add_argument("--seed", type=int, help="seed of the large client (default: the demo's own)")
    p.set_defaults(func=_cmd_demo)

    p = sub.add_parser("run", help="run the notebooks on one client's data and write its report")
    p.add_argument("--data", required=True, help="the client's bundle folder (or .xlsx workbook)")
    p.add_argument("--client", help="display name (default: client in cxlab.yml, else folder)")
    p.add_argument("--notebooks", default="all", help="'all' or chapter numbers, e.g. 00,01")
    p.add_argument(
        "--out", default="reports", help="parent folder of the results (default: reports)"
    )
    p.add_argument("--timeout", type=float, default=600.0, help="per-cell timeout in seconds")
    p.add_argument(
        "--jobs",
        type=_jobs,
        default="auto",
        help="notebooks run at the same time, or 'auto': one per core, at most 4, as memory "
        "allows (default: auto)",
    )
    p.add_argument("--seed", type=int, default=42, help="random seed handed to the notebooks")
    p.add_argument("--notebooks-dir", help="folder of the chapter notebooks (default: notebooks/)")
    p.add_argument("--quiet", action="store_true", help="print only the summary")
    p.set_defaults(func=_cmd_run)

    p = sub.add_parser("batch", help="run many clients listed in a YAML file")
    p.add_argument("file", help="the batch file (see docs/runner.md)")
    p.add_argument(
        "--jobs",
        type=_jobs,
        help="clients at the same time, or 'auto' (default: the file's jobs, else auto)",
    )
    p.add_argument("--engine", choices=["local", "dask"], default="local")
    p.add_argument("--scheduler", help="Dask scheduler address (default: a local cluster)")
    p.add_argument("--notebooks-dir", help="folder of the chapter notebooks (default: notebooks/)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=_cmd_batch)

    p = sub.add_parser("export", help="export everything held about one customer (portability)")
    p.add_argument("--data", required=True, help="the client's bundle folder (or .xlsx workbook)")
    p.add_argument("--customer", required=True, help="the customer's id, as in customer_id")
    p.add_argument("--out", required=True, help="the folder to create for the export")
    p.set_defaults(func=_cmd_export)

    p = sub.add_parser("erase", help="write the bundle without some customers (erasure)")
    p.add_argument("--data", required=True, help="the client's bundle folder (or .xlsx workbook)")
    p.add_argument(
        "--customer", required=True, action="append", help="a customer's id; repeat for more"
    )
    p.add_argument("--out", required=True, help="the folder to create for the new bundle")
    p.set_defaults(func=_cmd_erase)

    p = sub.add_parser("versions", help="print versions of cxlab and its libraries")
    p.set_defaults(func=_cmd_versions)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments without the program name (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        0 on success, 1 when the data has errors, 2 on wrong usage.
    """
    args = _parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
