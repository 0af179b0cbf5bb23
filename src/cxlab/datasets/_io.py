"""Writing a demo bundle to disk, byte for byte the same every time, and finding it again."""

from __future__ import annotations

import os
import shutil
import tempfile
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from cxlab.contract.bundle import TABLES

__all__ = ["cache_root", "materialise", "repository_datasets", "write_bundle", "yaml_text"]

#: Columns written with a time of day; every other date column is written as a plain date.
_TIMESTAMP_COLUMNS = frozenset({"timestamp"})


def _csv_bytes(df: pd.DataFrame) -> bytes:
    """Render a table as UTF-8 CSV: ISO dates, true/false, two-decimal amounts, LF endings."""
    out = {}
    for col in df.columns:
        s = df[col]
        if pd.api.types.is_datetime64_any_dtype(s):
            fmt = "%Y-%m-%dT%H:%M:%S" if col in _TIMESTAMP_COLUMNS else "%Y-%m-%d"
            out[col] = s.dt.strftime(fmt)
        elif pd.api.types.is_bool_dtype(s):
            out[col] = pd.Series(np.where(s.to_numpy(dtype=bool), "true", "false"), dtype="str")
        else:
            out[col] = s
    text = pd.DataFrame(out).to_csv(index=False, lineterminator="\n", float_format="%.2f")
    return text.encode("utf-8")


def yaml_text(config: dict, *, client: str) -> str:
    """Render the ``cxlab.yml`` of a demo, with a header comment."""
    body = yaml.safe_dump(
        config, sort_keys=False, default_flow_style=None, allow_unicode=True, width=100
    )
    head = (
        f"# {client}: a fictional demo client of cxlab.\n"
        "# Written by cxlab.datasets.regenerate(); edit the generator, not this file.\n"
    )
    return head + body


def write_bundle(tables: dict[str, pd.DataFrame], config: dict, dest: Path) -> list[Path]:
    """Write the four tables and ``cxlab.yml`` into ``dest``; return the files written."""
    dest.mkdir(parents=True, exist_ok=True)
    written = []
    for table in TABLES:
        if table not in tables:  # optional tables a generator does not make
            continue
        path = dest / f"{table}.csv"
        path.write_bytes(_csv_bytes(tables[table]))
        written.append(path)
    path = dest / "cxlab.yml"
    path.write_bytes(yaml_text(config, client=config["client"]).encode("utf-8"))
    written.append(path)
    return written


def repository_datasets() -> Path | None:
    """Find the ``datasets/`` folder of the source tree this package runs from, if any."""
    for parent in Path(__file__).resolve().parents:
        if (parent / "pyproject.toml").is_file() and (parent / "src" / "cxlab").is_dir():
            return parent / "datasets"
    return None


def _version() -> str:
    try:
        return version("cxlab")
    except PackageNotFoundError:  # pragma: no cover - running from an uninstalled tree
        return "0+unknown"


def cache_root() -> Path:
    """Per-user cache of generated demos: ``~/.cache/cxlab/datasets/<version>``.

    ``$XDG_CACHE_HOME`` replaces ``~/.cache`` when it is set.
    """
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "cxlab" / "datasets" / _version()


def materialise(final: Path, write) -> Path:
    """Create ``final`` by calling ``write(tmp)`` on a temporary sibling and renaming it.

    Two processes racing to create the same demo both succeed: the loser's copy is discarded.
    """
    if (final / "cxlab.yml").is_file():
        return final
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}-", dir=final.parent))
    try:
        write(tmp)
        try:
            os.rename(tmp, final)
        except OSError:
            if not (final / "cxlab.yml").is_file():
                raise
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return final
