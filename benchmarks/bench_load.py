"""Loading a large client bundle through the contract, against plain pandas reading the same files.

The contract layer reads every cell as text first (to report bad values exactly), maps, parses and
validates. The baseline is the least a user could do: ``pandas.read_csv`` of each file with dtype
inference and date parsing. Target: ``load_bundle`` within a small multiple of the baseline.

Run: ``.venv/bin/python benchmarks/bench_load.py [N_CUSTOMERS]``.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _harness import measure, table

from cxlab.datasets import write_demo


def main() -> None:
    n_customers = int(sys.argv[1]) if len(sys.argv) > 1 else 70_000
    with tempfile.TemporaryDirectory() as tmp:
        folder = write_demo("clothing_retailer", Path(tmp) / "big", n_customers=n_customers)
        sizes = {p.name: p.stat().st_size / 2**20 for p in sorted(folder.glob("*.csv"))}
        rows = sum(1 for _ in open(folder / "transactions.csv", encoding="utf-8")) - 1
        print(
            f"bundle: {n_customers:,} customers, {rows:,} transactions; files (MiB): "
            + ", ".join(f"{k} {v:.1f}" for k, v in sizes.items())
        )
        baseline = measure(
            "import pandas as pd",
            textwrap_stmt(folder),
        )
        cxlab = measure("import cxlab", f"cxlab.load_bundle({str(folder)!r})")
        print(
            table(
                [
                    ("pandas.read_csv of the four files (baseline)", baseline),
                    ("cxlab.load_bundle (read, map, validate)", cxlab),
                ],
                baseline="pandas.read_csv of the four files (baseline)",
            )
        )


def textwrap_stmt(folder: Path) -> str:
    dates = {
        "transactions": ["date"],
        "responses": ["date"],
        "events": ["timestamp"],
        "customers": ["signup_date"],
    }
    calls = [
        f"pd.read_csv({str(folder / (t + '.csv'))!r}, parse_dates={cols!r})"
        for t, cols in dates.items()
    ]
    return "; ".join(calls)


if __name__ == "__main__":
    main()
