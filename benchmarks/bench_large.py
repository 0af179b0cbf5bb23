"""The whole suite on the large synthetic client: wall time and peak memory of all its processes.

Writes :func:`cxlab.datasets.write_large` (70k customers, about 1M transactions, 1M events and
100k responses) to a temporary folder, then runs ``cxlab run --jobs N`` on it as a consultant
would, in a child process. While it runs, the resident memory of the run's whole process tree
(the runner, its notebook workers, the kernel zygote and the kernels) is summed every half second;
the largest sum is the peak. Two sums are kept: resident memory (RSS), which counts the pages a
forked kernel shares with the zygote once per process and so overstates the total, and on Linux
the proportional set size (PSS), which splits each shared page between the processes sharing it
and adds up to the memory the run really holds. Targets: at most 5 minutes and at most 4 GB.

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


def _tree_memory(root: psutil.Process) -> tuple[int, int]:
    """Return the summed RSS and PSS (0 where the system reports none) of ``root``'s tree."""
    rss = pss = 0
    for proc in [root, *root.children(recursive=True)]:
        try:
            rss += proc.memory_info().rss
            pss += getattr(proc.memory_full_info(), "pss", 0)
        except psutil.Error:  # ended between listing and reading
            pass
    return rss, pss


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
        root, peak, peak_pss = psutil.Process(child.pid), 0, 0
        while child.poll() is None:
            rss, pss = _tree_memory(root)
            peak, peak_pss = max(peak, rss), max(peak_pss, pss)
            time.sleep(0.5)
        seconds = time.perf_counter() - t0
        print(child.stdout.read())
        held = peak_pss or peak
        verdict = "met" if seconds <= TARGET_SECONDS and held <= TARGET_BYTES else "MISSED"
        print(
            f"large client, --jobs {args.jobs}: {seconds:.1f} s (target {TARGET_SECONDS} s), "
            f"peak memory of all processes {held / 1024**3:.2f} GiB PSS "
            f"({peak / 1024**3:.2f} GiB RSS, counting shared pages once per process) "
            f"(target 4 GiB): {verdict}; exit code {child.returncode}"
        )


if __name__ == "__main__":
    main()
