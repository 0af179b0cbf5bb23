"""What one thread per kernel saves: `cxlab run` with the default caps against a thread per core.

The runner gives every kernel one thread for OpenMP, OpenBLAS and MKL. The baseline sets the
three variables to the machine's core count, which is what each kernel started before. The two
runs alternate (A B A B ...) so that they share the machine's state, and the medians of wall and
CPU time (this process's children: the runner, its workers and their kernels) are compared.

Usage: python benchmarks/bench_threads.py [--demo saas] [--notebooks 04,05] [--jobs 2]
       [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cxlab import datasets

VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def _run(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and CPU seconds of one run of ``cmd`` and everything it started."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    """Alternate the two settings and print their medians side by side."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--demo", default="saas")
    parser.add_argument("--notebooks", default="04,05")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    cores = str(
        len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    )
    base = {k: v for k, v in os.environ.items() if k not in VARIABLES}
    settings = {
        "one thread (default)": base,
        f"{cores} threads (baseline)": base | dict.fromkeys(VARIABLES, cores),
    }
    results: dict[str, list[tuple[float, float]]] = {name: [] for name in settings}
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [
            sys.executable, "-m", "cxlab", "run", "--data", str(datasets.demo_path(args.demo)),
            "--out", str(Path(tmp) / "out"), "--notebooks", args.notebooks,
            "--jobs", str(args.jobs),
        ]  # fmt: skip
        for _ in range(args.repeat):
            for name, env in settings.items():
                results[name].append(_run(cmd, env))
    print(f"{args.demo}, notebooks {args.notebooks}, --jobs {args.jobs}, {args.repeat} runs each")
    print(f"{'setting':<26} {'wall s':>8} {'cpu s':>8}  (medians)")
    medians = {}
    for name, runs in results.items():
        wall = statistics.median(w for w, _ in runs)
        cpu = statistics.median(c for _, c in runs)
        medians[name] = (wall, cpu)
        print(f"{name:<26} {wall:8.1f} {cpu:8.1f}")
    (w1, c1), (w2, c2) = medians.values()
    print(f"one thread / baseline: wall {w1 / w2:.2f}x, cpu {c1 / c2:.2f}x")


if __name__ == "__main__":
    main()
