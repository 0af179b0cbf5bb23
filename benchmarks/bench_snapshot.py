"""What validating once per run saves: `cxlab run` with and without the bundle snapshot.

With the snapshot (the default) the runner validates the bundle once and every chapter reads the
validated bundle; without it every chapter loads and validates the files again. Both runs use the
same demo client and chapters, alternated so they share the machine's state; the best of
``--repeat`` runs of each is reported.

Usage: python benchmarks/bench_snapshot.py [--demo clothing_retailer] [--notebooks all]
       [--customers N] [--repeat 2] [--jobs 2]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from cxlab import datasets
from cxlab.runner import run_client


def main() -> None:
    """Time the two kinds of run and print them side by side."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--demo", default="clothing_retailer")
    parser.add_argument("--notebooks", default="all")
    parser.add_argument(
        "--customers", type=int, default=None, help="demo size (default: as committed)"
    )
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = (
            datasets.write_demo(args.demo, Path(tmp) / "data", n_customers=args.customers)
            if args.customers
            else datasets.demo_path(args.demo)
        )
        best: dict[bool, float] = {}
        for i in range(args.repeat):
            for snapshot in (True, False):
                start = time.perf_counter()
                result = run_client(
                    data,
                    notebooks=args.notebooks,
                    out=Path(tmp) / f"out-{snapshot}-{i}",
                    jobs=args.jobs,
                    snapshot=snapshot,
                )
                seconds = time.perf_counter() - start
                if not result.ok:
                    raise SystemExit(result.summary())
                best[snapshot] = min(best.get(snapshot, seconds), seconds)
    print(f"{args.demo}, chapters {args.notebooks}, --jobs {args.jobs}, best of {args.repeat}:")
    print(f"  validated once (snapshot)   {best[True]:7.1f} s")
    print(f"  validated in every chapter  {best[False]:7.1f} s")
    print(f"  saved                       {best[False] - best[True]:7.1f} s")


if __name__ == "__main__":
    main()
