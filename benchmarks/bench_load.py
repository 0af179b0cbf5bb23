"""Validating the large client through the contract, against plain pandas reading the same files.

The contract layer reads every cell as text first (to report bad values exactly), maps, parses and
validates. The baseline is the least a user could do: ``pandas.read_csv`` of each file with dtype
inference and date parsing. Target: ``validate_bundle`` (what ``cxlab validate`` runs) and
``load_bundle`` at most 3x the baseline; the whole ``cxlab validate`` command is also timed
against a Python process that does the baseline's reading, start-up and imports included.

The bundle is :func:`cxlab.datasets.write_large` (70,000 customers, about a million transactions,
a million events and 100,000 responses), written to a temporary folder. On a machine shared with
other work, absolute times drift; the cases run alternately in one process, best of three, so
their ratios are measured under the same conditions. A second table measures peak memory, each
case in its own process.

Run: ``.venv/bin/python benchmarks/bench_load.py [--quick] [--data DIR]`` (``--quick``: one
round, no memory table; ``--data DIR``: measure the bundle in ``DIR``, for example one written by
``cxlab demo large --out DIR``, instead of writing the large client first).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _harness import alternate, measure, table

from cxlab.datasets import write_large

BASELINE = "pandas.read_csv of the four files (baseline)"
VALIDATE = "cxlab.validate_bundle (cxlab validate)"
LOAD = "cxlab.load_bundle (read, map, validate)"


def read_csv_stmt(folder: Path) -> str:
    """The baseline: ``pandas.read_csv`` of each table with its date column parsed."""
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


def _alternate_commands(commands: dict[str, list[str]], repeat: int) -> dict[str, float]:
    """Best wall time of each command, the commands taking turns ``repeat`` times."""
    best: dict[str, float] = {}
    for _ in range(repeat):
        for name, argv in commands.items():
            t0 = time.perf_counter()
            subprocess.run(argv, check=False, capture_output=True)
            best[name] = min(best.get(name, float("inf")), time.perf_counter() - t0)
    return best


def main() -> None:
    args = sys.argv[1:]
    quick = "--quick" in args
    repeat = 1 if quick else 3
    with tempfile.TemporaryDirectory() as tmp:
        if "--data" in args:
            folder = Path(args[args.index("--data") + 1])
        else:
            folder = write_large(Path(tmp) / "large")
        sizes = {p.name: p.stat().st_size / 2**20 for p in sorted(folder.glob("*.csv"))}
        rows = {p.stem: sum(1 for _ in open(p, encoding="utf-8")) - 1 for p in folder.glob("*.csv")}
        print(
            "bundle: "
            + ", ".join(f"{t} {n:,} rows ({sizes[t + '.csv']:.1f} MiB)" for t, n in rows.items())
        )
        setup = "import pandas as pd\nimport cxlab\nfrom cxlab.contract import validate_bundle"
        stmts = {
            BASELINE: read_csv_stmt(folder),
            VALIDATE: f"report = validate_bundle({str(folder)!r}); assert report.ok, report",
            LOAD: f"cxlab.load_bundle({str(folder)!r})",
        }
        best = alternate(setup, stmts, repeat=repeat)
        base = best[BASELINE]
        print(f"\ntime, cases alternated in one process, best of {repeat}")
        print(f"{'case':<44} {'seconds':>9} {'x read_csv':>11}")
        for name, seconds in best.items():
            print(f"{name:<44} {seconds:>9.2f} {seconds / base:>11.2f}")
        print(f"\nwhole commands, alternated, best of {repeat} (imports and start-up included)")
        commands = {
            BASELINE: [sys.executable, "-c", "import pandas as pd; " + stmts[BASELINE]],
            "cxlab validate DIR (the command)": [
                sys.executable,
                "-m",
                "cxlab",
                "validate",
                str(folder),
            ],
        }
        whole = _alternate_commands(commands, repeat)
        base = whole[BASELINE]
        for name, seconds in whole.items():
            print(f"{name:<44} {seconds:>9.2f} {seconds / base:>11.2f}")
        if quick:
            return
        print("\npeak memory, each case in its own process")
        rows_mem = [
            (BASELINE, measure("import pandas as pd", stmts[BASELINE], repeat=1)),
            (LOAD, measure("import cxlab", stmts[LOAD], repeat=1)),
        ]
        print(table(rows_mem, baseline=BASELINE))


if __name__ == "__main__":
    main()
