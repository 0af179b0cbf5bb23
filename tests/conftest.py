"""Shared fixtures: small client bundles, clean or deliberately broken, written to ``tmp_path``.

The clean tables are tiny and written out by hand, so tests can state expectations (row numbers,
raw values, counts) by reading the text below rather than by running the code under test.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, settings

# No property test may depend on how busy the machine is: no per-example deadline and no
# "too slow" health check (both time examples); no example database, so runs repeat exactly.
settings.register_profile(
    "cxlab", deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("cxlab")

#: A clean customers table: 4 customers, header on row 1, C1 on row 2 ... C4 on row 5.
CUSTOMERS = (
    "customer_id,signup_date,region,consent\n"
    "C1,2024-01-03,North,yes\n"
    "C2,2024-01-10,South,no\n"
    "C3,2024-02-01,North,yes\n"
    "C4,2024-02-15,West,no\n"
)

#: A clean transactions table: 5 rows (rows 2–6), one refund of -5.00 on row 6.
TRANSACTIONS = (
    "order_id,customer_id,date,amount,quantity,product\n"
    "O1,C1,2024-03-01,25.00,1,Shirt\n"
    "O2,C2,2024-03-02,40.50,2,Jeans\n"
    "O3,C1,2024-03-05,12.25,1,Socks\n"
    "O4,C3,2024-03-09,99.90,3,Jacket\n"
    "O5,C1,2024-03-12,-5.00,1,Socks\n"
)

#: A clean responses table: 4 rows (rows 2–5), NPS 0–10, CSAT 1–5, CES 1–7.
RESPONSES = (
    "response_id,customer_id,date,touchpoint,nps,csat,ces,comment\n"
    "R1,C1,2024-03-03,delivery,9,5,6,Fast delivery\n"
    "R2,C2,2024-03-04,checkout,3,2,2,Payment failed twice\n"
    "R3,C3,2024-03-10,delivery,10,5,7,\n"
    "R4,,2024-03-11,website,7,4,5,Anonymous answer\n"
)

#: A clean events table: 4 rows (rows 2–5).
EVENTS = (
    "customer_id,timestamp,stage,touchpoint\n"
    "C1,2024-03-01 10:00:00,awareness,ad\n"
    "C1,2024-03-01 10:05:00,purchase,website\n"
    "C2,2024-03-02 18:30:00,awareness,search\n"
    "C2,2024-03-02 18:41:00,purchase,website\n"
)


def clean_files() -> dict[str, str]:
    """The four clean tables as file name -> CSV text."""
    return {
        "customers.csv": CUSTOMERS,
        "transactions.csv": TRANSACTIONS,
        "responses.csv": RESPONSES,
        "events.csv": EVENTS,
    }


def write_xlsx(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    """Write a workbook with openpyxl: sheet name -> rows (lists of cell values, None = empty)."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    ws.cell(row=r, column=c, value=value)
    wb.save(path)
    return path


def csv_rows(text: str) -> list[list[object]]:
    """Split a small comma-separated text (no quoting) into rows, for writing it to a sheet."""
    return [line.split(",") for line in text.strip("\n").split("\n")]


BundleFiles = dict[str, "str | bytes | pd.DataFrame | dict[str, list[list[object]]]"]


@pytest.fixture
def make_bundle(tmp_path: Path) -> Callable[..., Path]:
    """Build a bundle folder in ``tmp_path`` and return its path.

    Call it with a mapping of file name to content: ``str`` (written as UTF-8 unless
    ``encoding`` says otherwise), ``bytes`` (written as is), a DataFrame (for ``.parquet``
    files), or for ``.xlsx`` files a mapping of sheet name to rows. ``yml`` is written to
    ``cxlab.yml`` when given.
    """
    counter = {"n": 0}

    def make(
        files: BundleFiles,
        *,
        yml: str | None = None,
        encoding: str = "utf-8",
        name: str | None = None,
    ) -> Path:
        counter["n"] += 1
        folder = tmp_path / (name or f"bundle{counter['n']}")
        folder.mkdir()
        for fname, content in files.items():
            target = folder / fname
            if isinstance(content, bytes):
                target.write_bytes(content)
            elif isinstance(content, str):
                target.write_bytes(content.encode(encoding))
            elif isinstance(content, pd.DataFrame):
                content.to_parquet(target, index=False)
            else:
                write_xlsx(target, content)
        if yml is not None:
            (folder / "cxlab.yml").write_text(yml, encoding="utf-8")
        return folder

    return make


@pytest.fixture(scope="session")
def reference_data() -> Path:
    """The published reference data (CDNOW, VADER corpora); skips with the reason when absent."""
    from reference import reference_data_dir

    path, how = reference_data_dir()
    if path is None:
        pytest.skip(how)
    return path
