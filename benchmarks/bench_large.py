"""The whole suite on the large synthetic client: wall time and peak memory of all its processes.

Writes :func:`cxlab.datasets.write_large` (70k customers, about 1M transactions, 1M events and
100k responses) to a temporary folder, then runs ``cxlab run --jobs N`` on it as a consultant
would, in a child process. While it runs, the resident memory of the run's whole process tree
(the runner, its notebook workers and their kernels) is summed every half second; the largest sum
is the peak. Targets: at most 5 minutes and at most 4 GB.

The baseline measured in the same run is the time to read the bundle's CSV files with plain
``pandas.read_csv``, the least any analysis of these files can cost.

Usage: python benchmarks/bench_large.py [--jobs 2] [--notebooks all]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import psutil

from cxlab import datasets

TARGET_SECONDS = 300
TARGET_BYTES = 4 * 1024**3


def _tree_rss(root: psutil.Process) -> int:
    total = 0
    for proc in [root, *root.children(recursive=True)]:
        try:
            total += proc.memory_info().rss
        except psutil.Error:  # ended between listing and reading
            pass
    return total


def main() -> None:
    """Write the large client, run the suite on it, and print time, memory and chapters."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--notebooks", default="all")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        t0 = time.perf_counter()
        data = datasets.write_large(tmp / "large")
        print(f"large client written in {time.perf_counter() - t0:.1f} s")
        t0 = time.perf_counter()
        for csv in sorted(data.glob("*.csv")):
            pd.read_csv(csv)
        print(f"baseline, pandas.read_csv of every table: {time.perf_counter() - t0:.1f} s")
        cmd = [
            sys.executable, "-m", "cxlab", "run", "--data", str(data), "--out", str(tmp / "out"),
            "--jobs", str(args.jobs), "--notebooks", args.notebooks,
        ]  # fmt: skip
        t0 = time.perf_counter()
        child = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        root, peak = psutil.Process(child.pid), 0
        while child.poll() is None:
            peak = max(peak, _tree_rss(root))
            time.sleep(0.5)
        seconds = time.perf_counter() - t0
        print(child.stdout.read())
        verdict = "met" if seconds <= TARGET_SECONDS and peak <= TARGET_BYTES else "MISSED"
        print(
            f"large client, --jobs {args.jobs}: {seconds:.1f} s (target {TARGET_SECONDS} s), "
            f"peak memory of all processes {peak / 1024**3:.2f} GiB (target 4 GiB): {verdict}; "
            f"exit code {child.returncode}"
        )


if __name__ == "__main__":
    main()
