"""Reading a client bundle: :func:`load_bundle`, :func:`validate_bundle`, :func:`read_config`.

A bundle is a folder holding up to four contract tables (``customers``, ``transactions``,
``responses``, ``events``) as CSV, Excel or Parquet files, and optionally a ``cxlab.yml`` that maps
the client's export onto the contract. It may also be a single ``.xlsx`` workbook whose sheets are
named like the tables. ``docs/data-contract.md`` documents the format and every rule.

Loading and validating are one code path (:func:`_load`): validation reads, maps and parses the
same way loading does, so a bundle that validates is a bundle that loads, and files are read once.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING

from cxlab.contract._yaml import ConfigResult, parse_config
from cxlab.contract.bundle import TABLES, Bundle, SourceFile
from cxlab.contract.config import BundleConfig
from cxlab.contract.snapshot import read_snapshot
from cxlab.errors import BundleError, ConfigError, Problem, ValidationReport

if TYPE_CHECKING:  # pragma: no cover
    from cxlab.contract._read import Candidate
    from cxlab.contract._validate import TableResult

__all__ = ["load_bundle", "read_config", "validate_bundle"]

#: Rules whose errors leave no usable table: they stop loading even with ``validate=False``.
STRUCTURAL_RULES = frozenset(
    {
        "not_found",
        "not_a_bundle",
        "invalid_yaml",
        "yaml_aliases",
        "file_too_large",
        "invalid_config",
        "duplicate_config",
        "duplicate_key",
        "no_tables",
        "missing_file",
        "missing_sheet",
        "two_files",
        "unsupported_format",
        "unreadable_file",
        "outside_bundle",
        "not_a_regular_file",
        "encoding",
        "delimiter",
        "malformed_file",
        "empty_file",
        "no_data_rows",
        "missing_column",
        "duplicate_column",
        "unknown_column",
        "no_scores",
        "empty_column",
        "missing_table",
    }
)


def read_config(folder: str | Path) -> BundleConfig:
    r"""Read a bundle's ``cxlab.yml`` (or ``cxlab.yaml``); defaults when there is none.

    Parameters
    ----------
    folder : str or pathlib.Path
        The bundle folder. A workbook path, or a folder without a configuration file, gives the
        defaults.

    Returns
    -------
    BundleConfig
        The configuration. Warnings (such as unknown keys, each with a suggestion) are in its
        ``problems`` attribute.

    Raises
    ------
    FileNotFoundError
        When ``folder`` does not exist.
    ConfigError
        For invalid YAML (naming the file, line and column) or invalid settings (e.g. a CSAT
        scale other than 1–5, 1–7, 1–10 or 0–5). The first error is the exception's problem;
        ``.problems`` holds them all.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> read_config(folder).csat_scale
    Scale(min=1, max=5, satisfied=4, direction=None)
    >>> _ = (folder / "cxlab.yml").write_text("scales:\n  csat: {min: 1, max: 10}\n")
    >>> read_config(folder).csat_scale.satisfied
    8
    """
    folder = Path(folder)
    if not folder.exists():
        raise FileNotFoundError(f"{folder} does not exist; give the bundle folder")
    if not folder.is_dir():
        return BundleConfig()
    result = parse_config(folder)
    errors = [p for p in result.problems if p.severity == "error"]
    if errors:
        exc = ConfigError(errors[0])
        exc.problems = list(result.problems)  # type: ignore[attr-defined]
        raise exc
    return result.config


def validate_bundle(path: str | Path) -> ValidationReport:
    r"""Check a bundle against the data contract and report every problem at once.

    Never raises on bad data or a bad ``cxlab.yml``: those become problems in the report.

    Parameters
    ----------
    path : str or pathlib.Path
        The bundle folder, or a single ``.xlsx`` workbook with sheets named like the tables.

    Returns
    -------
    ValidationReport
        Errors and warnings, each naming the file (and sheet), the column as the client named it,
        example rows with their raw values, and a hint; ``report.ok`` is True without errors.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "responses.csv").write_text("date,nps\n2024-03-01,9\n2024-03-02,12\n")
    >>> report = validate_bundle(folder)
    >>> report.ok
    False
    >>> problem = report.errors[0]
    >>> problem.rule, problem.file, problem.column, problem.rows
    ('out_of_scale', 'responses.csv', 'nps', ((3, '12'),))
    """
    return _load(path, full=True)[1]


def load_bundle(path: str | Path, *, validate: bool = True) -> Bundle:
    r"""Load a client bundle into canonical tables.

    Parameters
    ----------
    path : str or pathlib.Path
        The bundle folder, a single ``.xlsx`` workbook with sheets named like the tables, or a
        folder holding one such workbook.
    validate : bool, default True
        Run every check and raise on any error. With False, the row-level checks (missing values,
        duplicate ids, scales, cross-table references) and the warnings are skipped; values that
        cannot be parsed become missing. Problems that leave no usable table (unreadable files,
        missing required columns, an invalid ``cxlab.yml``) still raise.

    Returns
    -------
    Bundle
        Tables in canonical form: contract column names, dates as ``datetime64``, amounts as
        ``float64``, scores and rating items as ``Int64``, ids and text as ``str``, consent and
        churn labels as ``boolean``. ``bundle.report`` holds the warnings.

    Raises
    ------
    BundleError
        When the bundle has errors; ``.report`` holds every problem.

    Notes
    -----
    Inside a ``cxlab run``, the bundle the runner validated is read from the run's private
    snapshot instead, when the inputs are byte for byte the ones it validated
    (:mod:`cxlab.contract.snapshot`); the result is the same bundle.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "responses.csv").write_text("Date;NPS\n01.03.2024;9\n02.03.2024;4\n")
    >>> bundle = load_bundle(folder)
    >>> bundle.responses["nps"].tolist()
    [9, 4]
    >>> str(bundle.responses["date"].dtype), str(bundle.responses["nps"].dtype)
    ('datetime64[us]', 'Int64')
    """
    if validate and (kept := read_snapshot(path)) is not None:
        return kept  # validated once by ``cxlab run`` for this run (see contract.snapshot)
    bundle, report = _load(path, full=validate)
    if validate and not report.ok:
        raise BundleError(report)
    if bundle is None or any(p.rule in STRUCTURAL_RULES for p in report.errors):
        raise BundleError(report)
    return bundle


def _load(path: str | Path, *, full: bool = True) -> tuple[Bundle | None, ValidationReport]:
    """Read, map and check a bundle once; return the bundle (when it can be built) and report."""
    # Imported here: a chapter inside ``cxlab run`` reads the run's snapshot and never needs
    # the readers or pandera, which take most of ``import cxlab``'s time.
    from cxlab.contract._read import Workbooks, discover, read_table
    from cxlab.contract._validate import check_references, check_table

    path = Path(path)
    report = ValidationReport(str(path))
    if not path.exists():
        report.add(
            Problem(
                "error",
                "not_found",
                f"{path} does not exist",
                file=str(path),
                hint="give the folder that holds the client's files",
            )
        )
        return None, report
    cfg = parse_config(path) if path.is_dir() else ConfigResult(BundleConfig())
    report.extend(cfg.problems)
    if cfg.fatal:
        return None, report
    config = cfg.config
    problems: list[Problem] = []
    with Workbooks() as books:
        candidates = discover(path, config, cfg.file, books, problems)
        _skip_derived(config, candidates, problems)
        raws = {
            t: read_table(c, path, config, cfg.file, books, problems) for t, c in candidates.items()
        }
    report.extend(problems)
    _unused_config(config, cfg, set(raws) | set(config.derived_tables), report)
    results: dict[str, TableResult] = {}
    for table in TABLES:
        raw = raws.get(table)
        if raw is None:
            continue
        result, table_problems = check_table(raw, config, cfg, full=full)
        report.extend(table_problems)
        results[table] = result
    sources = {t: r.raw.source for t, r in results.items()}
    derived_ok = _derive_tables(config, cfg, results, sources, report)
    if full:
        report.extend(check_references(results))
    if (
        not derived_ok
        or len(results) < len(raws) + len(config.derived_tables)
        or any(r.frame is None for r in results.values())
    ):
        return None, report
    frames = {t: r.frame for t, r in results.items()}
    bundle = Bundle(path=path, config=config, sources=sources, report=report, **frames)
    return bundle, report


def _skip_derived(
    config: BundleConfig, candidates: dict[str, Candidate], problems: list[Problem]
) -> None:
    """Leave out files found for a table that cxlab.yml builds from another table."""
    for table, spec in config.derived_tables.items():
        cand = candidates.pop(table, None)
        if cand is None:
            continue
        label = cand.path.name + (f" [sheet {cand.sheet!r}]" if cand.sheet else "")
        problems.append(
            Problem(
                "warning",
                "ignored_file",
                f"{label} is ignored because cxlab.yml builds the {table} table from "
                f"{spec.source} (tables.{table}.from)",
                table=table,
                file=cand.path.name,
                hint=f"to read {label} instead, map it under tables.{table} and remove 'from:'",
            )
        )


def _derive_tables(
    config: BundleConfig,
    cfg: ConfigResult,
    results: dict[str, TableResult],
    sources: dict[str, SourceFile],
    report: ValidationReport,
) -> bool:
    """Build the tables cxlab.yml derives from others; False when one cannot be built."""
    from cxlab.contract._derive import build_customers
    from cxlab.contract._validate import TableResult

    ok = True
    for table, spec in config.derived_tables.items():
        src = results.get(spec.source)
        if src is None:
            ok = False
            report.add(
                Problem(
                    "error",
                    "missing_table",
                    f"tables.{table} (line {spec.line}) builds {table} from {spec.source}, "
                    "which the bundle does not have",
                    table=table,
                    file=cfg.file,
                    hint=f"add the {spec.source} file, or map a file to {table} instead",
                )
            )
            continue
        if src.frame is None:  # the source has errors of its own, already reported
            ok = False
            continue
        frame, problems = build_customers(
            spec,
            src.frame,
            src.client,
            config,
            source_file=src.raw.file,
            cfg_file=cfg.file,
            lines=cfg.lines,
        )
        report.extend(problems)
        if frame is None:
            ok = False
            continue
        raw = dataclasses.replace(
            src.raw, table=table, file=f"the {table} built from {src.raw.file}"
        )
        ids = frame["customer_id"]
        results[table] = TableResult(table, raw, frame, ids, {})
        sources[table] = dataclasses.replace(src.raw.source, table=table, derived_from=spec.source)
    return ok


def _unused_config(
    config: BundleConfig, cfg: ConfigResult, present: set[str], report: ValidationReport
) -> None:
    """Warn about settings for tables the bundle does not have."""
    sections = {
        "columns": set(config.columns),
        "recode": set(config.recode),
        "dates": set(config.dates),
    }
    if config.drivers:
        sections["drivers"] = {"responses"}
    if config.sensitive or config.consent or config.churn.label:
        sections["sensitive/consent/churn.label"] = {"customers"}
    sections["defaults"] = set(config.defaults)
    sections["derive"] = set(config.derive)
    sections["filters"] = set(config.filters)
    if config.credit_notes is not None:
        sections["credit_notes"] = {"transactions"}
    if config.stages is not None:
        sections["stages"] = {"events"}
    if config.outcome:
        sections["outcome"] = {"responses"}
    per_table = ("columns", "recode", "dates", "defaults", "derive", "filters")
    for section, tables in sections.items():
        for table in sorted(tables & set(config.derived_tables)):
            if section not in per_table:
                continue
            source = config.derived_tables[table].source
            report.add(
                Problem(
                    "warning",
                    "unused_setting",
                    f"{section} refers to the {table} table, which cxlab.yml builds from "
                    f"{source}; the setting is not used",
                    table=table,
                    file=cfg.file,
                    hint=f"set it for {source} instead: the {table} table takes its columns, "
                    f"as mapped there, under tables.{table}.attributes",
                )
            )
        for table in sorted(tables - present):
            report.add(
                Problem(
                    "warning",
                    "unused_setting",
                    f"{section} refers to the {table} table, which the bundle does not have; "
                    "the setting is not used",
                    table=table,
                    file=cfg.file,
                    hint=f"add the {table} file, or remove the setting from cxlab.yml",
                )
            )
