"""Customer-owned data: a portable copy of one customer's data, and erasure on request.

The GDPR gives a customer the right to receive the data they provided "in a structured,
commonly used and machine-readable format" (Art. 20, portability) and to have them erased
(Art. 17). :func:`export_customer` writes every row the bundle holds about one customer as one
JSON document and one CSV file per table; :func:`erase_customers` writes a copy of the bundle
with the customers removed from every table, and their ids and contact details masked in the
free text of the rows that remain (a comment by a colleague that names them, say).

Both write into a temporary folder next to the destination and move it into place only when
everything is written, so an interrupted run never leaves a half-written export or bundle.

The erased bundle is written in contract form: one CSV per table with the contract's column
names, ISO dates, ``true``/``false``, and a ``cxlab.yml`` that keeps the client's settings
(name, currency, scales, drivers, sensitive, consent, churn) but drops the keys that mapped the
original export files (``tables``, ``columns``, ``recode``, ``dates``, ...), which the new files
no longer need. Files in the folder that the contract does not read are not copied.

Erasure from the analysis bundle does not erase the customer from the business's own systems,
and tax law may require invoices to be kept (e.g. six years in the UK); the business decides
what its systems keep and documents why.

References
----------
.. [1] Regulation (EU) 2016/679 (General Data Protection Regulation), Art. 17 and 20.
.. [2] Article 29 Working Party (2017). *Guidelines on the right to data
   portability*, WP 242 rev.01.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from cxlab.checks import did_you_mean
from cxlab.errors import DataError

if TYPE_CHECKING:  # pragma: no cover
    from cxlab.contract.bundle import Bundle

__all__ = ["ERASED", "customer_rows", "erase_customers", "export_customer"]

#: What replaces an erased customer's id or contact detail in the free text that remains.
ERASED = "[removed on request]"

#: cxlab.yml keys that map original export files and do not apply to contract-form files.
_MAPPING_KEYS = (
    "tables",
    "columns",
    "recode",
    "dates",
    "defaults",
    "derive",
    "filters",
    "credit_notes",
    "stages",
)


def _bundle(source: Bundle | str | os.PathLike[str]) -> Bundle:
    from cxlab.contract import load_bundle
    from cxlab.contract.bundle import Bundle

    return source if isinstance(source, Bundle) else load_bundle(source)


def _known_ids(bundle: Bundle) -> pd.Index:
    ids = [
        df["customer_id"].dropna().astype(str)
        for df in bundle.tables.values()
        if "customer_id" in df
    ]
    return pd.Index(pd.concat(ids).unique() if ids else [])


def _check_ids(bundle: Bundle, ids: Sequence[str]) -> list[str]:
    wanted = [str(i).strip() for i in ids]
    if not wanted or any(not i for i in wanted):
        raise DataError.make(
            "no customer id given",
            rule="missing_customer",
            hint="give the customer's id as it appears in the customer_id column, e.g. C00042",
        )
    known = _known_ids(bundle)
    unknown = [i for i in wanted if i not in known]
    if unknown:
        raise DataError.make(
            f"customer {unknown[0]!r} is not in any table of the bundle at {bundle.path}",
            rule="unknown_customer",
            column="customer_id",
            hint=f"{did_you_mean(unknown[0], known)}check the id against the customer_id column "
            "(ids are matched exactly, with case)",
        )
    return wanted


def customer_rows(bundle: Bundle, customer_id: str) -> dict[str, pd.DataFrame]:
    """Every row the bundle holds about one customer, by table.

    Parameters
    ----------
    bundle : cxlab.Bundle
    customer_id : str

    Returns
    -------
    dict of str to pandas.DataFrame
        For each table with a ``customer_id`` column, the customer's rows (possibly none).

    Raises
    ------
    cxlab.errors.DataError
        If the id is in no table.

    Examples
    --------
    >>> from cxlab import datasets
    >>> rows = customer_rows(datasets.load_demo("consulting"), "C00001")
    >>> sorted(rows), len(rows["customers"])
    (['customers', 'events', 'responses', 'transactions'], 1)
    """
    (cid,) = _check_ids(bundle, [customer_id])
    return {
        name: df[df["customer_id"].astype("string") == cid].reset_index(drop=True)
        for name, df in bundle.tables.items()
        if "customer_id" in df
    }


def _plain(value: Any) -> Any:
    """Return a JSON-ready value: ISO dates, plain numbers, None for missing."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and np.isnan(value):
        return None
    if isinstance(value, pd.Timestamp | dt.datetime):
        return (
            value.isoformat()
            if (value.hour or value.minute or value.second)
            else value.date().isoformat()
        )
    if isinstance(value, np.generic):
        return value.item()
    return value


def _csv_text(df: pd.DataFrame) -> str:
    out = {}
    for col in df.columns:
        s = df[col]
        if pd.api.types.is_datetime64_any_dtype(s):
            times = s.dropna()
            timed = bool(len(times)) and bool((times != times.dt.normalize()).any())
            out[col] = s.dt.strftime("%Y-%m-%dT%H:%M:%S" if timed else "%Y-%m-%d")
        elif pd.api.types.is_bool_dtype(s):
            out[col] = s.map({True: "true", False: "false"}).astype("string")
        else:
            out[col] = s
    return pd.DataFrame(out, index=df.index).to_csv(index=False, lineterminator="\n")


def _publish(tmp: Path, dest: Path) -> None:
    """Move a finished temporary folder to its destination."""
    os.replace(tmp, dest)


def _new_folder(dest: Path, command: str) -> Path:
    if dest.exists():
        raise FileExistsError(
            f"{dest} already exists; {command} writes a new folder and never overwrites one. "
            "Choose another destination or remove the old one first."
        )
    dest.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{dest.name}.", dir=dest.parent))


def export_customer(
    source: Bundle | str | os.PathLike[str],
    customer_id: str,
    out: str | os.PathLike[str],
) -> Path:
    """Write everything the bundle holds about one customer, as JSON and as CSV.

    The folder ``out`` gets ``<customer_id>.json`` (the client, the date of the export and,
    per table, the customer's rows as records) and one ``<table>.csv`` per table holding the
    customer's rows. The export is for the customer: their own comments are included as
    written, contact details and all, because portability covers the data they provided.

    Parameters
    ----------
    source : cxlab.Bundle or path
        The bundle, or its folder.
    customer_id : str
        The customer, exactly as in ``customer_id``.
    out : path
        The folder to create; it must not exist.

    Returns
    -------
    pathlib.Path
        The folder written.

    Raises
    ------
    cxlab.errors.DataError
        If the id is in no table.
    FileExistsError
        If ``out`` exists.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from cxlab import datasets
    >>> folder = export_customer(
    ...     datasets.load_demo("saas"), "C00002", pathlib.Path(tempfile.mkdtemp()) / "export"
    ... )
    >>> sorted(p.name for p in folder.iterdir())
    ['C00002.json', 'customers.csv', 'events.csv', 'responses.csv', 'transactions.csv']
    """
    bundle = _bundle(source)
    rows = customer_rows(bundle, customer_id)
    dest = Path(out)
    tmp = _new_folder(dest, "the export")
    try:
        document = {
            "customer_id": str(customer_id),
            "client": bundle.name,
            "exported_on": dt.date.today().isoformat(),
            "tables": {
                name: [{k: _plain(v) for k, v in rec.items()} for rec in df.to_dict("records")]
                for name, df in rows.items()
            },
        }
        safe = re.sub(r"[^\w.-]", "_", str(customer_id))
        (tmp / f"{safe}.json").write_text(
            json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8"
        )
        for name, df in rows.items():
            (tmp / f"{name}.csv").write_text(_csv_text(df), encoding="utf-8")
        _publish(tmp, dest)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return dest


def _identifying_strings(bundle: Bundle, ids: list[str]) -> list[str]:
    """Collect the erased customers' ids and the contact details in their customers rows."""
    from cxlab.ethics._privacy import identifier_roles

    found = set(ids)
    customers = bundle.customers
    if customers is not None and "customer_id" in customers:
        mine = customers[customers["customer_id"].astype("string").isin(ids)]
        roles = identifier_roles(customers, key="customer_id")
        direct = roles.loc[roles["role"] == "direct identifier", "column"]
        for col in direct:
            if col != "customer_id":
                found |= {str(v).strip() for v in mine[col].dropna() if len(str(v).strip()) >= 4}
    return sorted(found, key=len, reverse=True)


def _scrub(values: pd.Series, pattern: re.Pattern[str]) -> pd.Series:
    def one(v: Any) -> Any:
        return pattern.sub(ERASED, v) if isinstance(v, str) else v

    return values.map(one)


def _config_text(bundle: Bundle) -> str | None:
    import yaml

    source = bundle.config.source
    if not source or not Path(source).is_file():
        return None
    raw = yaml.safe_load(Path(source).read_text(encoding="utf-8")) or {}
    kept = {k: v for k, v in raw.items() if k not in _MAPPING_KEYS}
    head = "# Written by cxlab erase: the client's settings, for contract-form files.\n"
    return head + yaml.safe_dump(kept, sort_keys=False, allow_unicode=True, width=100)


def erase_customers(
    source: Bundle | str | os.PathLike[str],
    customer_ids: Iterable[str],
    out: str | os.PathLike[str],
) -> Path:
    """Write a copy of the bundle with some customers removed from every table.

    Every row whose ``customer_id`` is one of them is dropped from every table, and in the text
    cells of the rows that remain, their ids and the contact details held in their customers
    rows (columns that :func:`cxlab.ethics.identifier_roles` finds to be direct identifiers)
    are replaced by ``"[removed on request]"``. The copy is written in contract form (see the
    module docstring).

    Parameters
    ----------
    source : cxlab.Bundle or path
        The bundle, or its folder.
    customer_ids : iterable of str
        The customers to erase, exactly as in ``customer_id``.
    out : path
        The folder to create; it must not exist.

    Returns
    -------
    pathlib.Path
        The folder written.

    Raises
    ------
    cxlab.errors.DataError
        If no id is given or an id is in no table.
    FileExistsError
        If ``out`` exists.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from cxlab import datasets, load_bundle
    >>> folder = erase_customers(
    ...     datasets.demo_path("restaurant"),
    ...     ["C00001"],
    ...     pathlib.Path(tempfile.mkdtemp()) / "erased",
    ... )
    >>> b = load_bundle(folder)
    >>> any(
    ...     (df["customer_id"] == "C00001").any() for df in b.tables.values() if "customer_id" in df
    ... )
    False
    """
    bundle = _bundle(source)
    ids = _check_ids(bundle, list(customer_ids))
    strings = _identifying_strings(bundle, ids)
    pattern = re.compile(
        "|".join(rf"(?<![\w]){re.escape(s)}(?![\w])" for s in strings), re.IGNORECASE
    )
    dest = Path(out)
    tmp = _new_folder(dest, "erasure")
    try:
        for name, df in bundle.tables.items():
            kept = df
            if "customer_id" in df:
                kept = df[~df["customer_id"].astype("string").isin(ids).fillna(False)]
            kept = kept.copy()
            for col in kept.columns:
                if col != "customer_id" and (
                    pd.api.types.is_string_dtype(kept[col])
                    or pd.api.types.is_object_dtype(kept[col])
                ):
                    kept[col] = _scrub(kept[col], pattern)
            (tmp / f"{name}.csv").write_text(_csv_text(kept), encoding="utf-8")
        config = _config_text(bundle)
        if config is not None:
            (tmp / "cxlab.yml").write_text(config, encoding="utf-8")
        _publish(tmp, dest)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return dest
