"""How long `cxlab run` takes per demo client, and what a batch saves over single runs.

Three measurements, all in this one run so they share the machine's state:

1. The kernel-start floor: an empty chapter notebook (parameters cell only) run the way the runner
   runs every chapter, on a kernel started from nothing (``fork_kernels=False``): what running
   a notebook costs before it does anything. Measured twice: alone (best of 3), and with ten
   empty notebooks run at `--jobs N`, the way the chapters run (median), since a notebook that
   shares the cores with another takes longer than one alone. For comparison, the same ten
   empty notebooks on kernels forked from the run's zygote, as the chapters now run.
2. `cxlab run --jobs N` (default 2, one notebook per core) on each demo client: total wall
   time, and each notebook's seconds as a multiple of the floor at the same `--jobs`. Targets:
   the full suite per demo client in 60 s or less on 2 cores, and each notebook no more than 2x
   the floor. A second multiple leaves out the chapter's setup cell (its imports and the
   bundle's load, the first code cell after the parameters), which every chapter pays before
   its analysis: it shows what the analysis itself costs against the floor.
3. A batch of N clients (default 20, cycling through the demos) with two workers, against the
   target of N x one client / workers, where "one client" is that demo's own `cxlab run` alone
   (one notebook at a time, as each batch worker runs them), measured in this run. Target: the
   batch at most 1.1x that.

Usage: python benchmarks/bench_run.py [--clients 20] [--jobs 2]   (--clients 0: no batch)
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import nbformat
import yaml

from cxlab import datasets
from cxlab.runner import read_batch, run_batch, run_client
from cxlab.runner._notebooks import notebooks_dir


def _floor_notebooks(folder: Path, copies: int = 1) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    cell = nbformat.v4.new_code_cell('client_name = ""\ndata_dir = ""\nseed = 42')
    cell.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell("# 00 · Empty\nThe floor."), cell]
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(copies):
        nbformat.write(nb, folder / f"{i:02d}_empty.ipynb")
    return folder


def _setup_seconds(executed: Path) -> float:
    """Seconds of a chapter's setup cell: the first code cell after the parameters."""
    if not executed.exists():
        return 0.0
    cells = [c for c in nbformat.read(executed, as_version=4).cells if c.cell_type == "code"]
    tags = [set(c.metadata.get("tags", [])) for c in cells]
    after = max(
        (i for i, t in enumerate(tags) if t & {"parameters", "injected-parameters"}), default=-1
    )
    if after + 1 >= len(cells):
        return 0.0
    return float(cells[after + 1].metadata.get("papermill", {}).get("duration") or 0.0)


def main() -> None:
    """Run the three measurements and print their tables."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--notebooks-dir", help="chapter notebooks (default: notebooks/)")
    args = parser.parse_args()
    nb_dir = Path(args.notebooks_dir) if args.notebooks_dir else notebooks_dir()
    chapters = [p.stem for p in sorted(nb_dir.glob("[0-9][0-9]_*.ipynb"))]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        floor_dir = _floor_notebooks(tmp / "floor")
        floors = []
        restaurant = datasets.demo_path("restaurant")
        for _ in range(3):
            r = run_client(restaurant, out=tmp / "f", notebook_dir=floor_dir, fork_kernels=False)
            floors.append(r.notebooks[0].seconds)
        alone = min(floors)
        side_dir = _floor_notebooks(tmp / "floor-jobs", copies=len(chapters))
        medians = {}
        for fork in (False, True):
            r = run_client(
                restaurant, out=tmp / "fj", notebook_dir=side_dir, jobs=args.jobs, fork_kernels=fork
            )
            medians[fork] = sorted(n.seconds for n in r.notebooks)[len(r.notebooks) // 2]
        floor = medians[False]
        print(f"kernel-start floor (empty notebook, new kernel, best of 3 alone): {alone:.2f} s")
        print(
            f"kernel-start floor ({len(chapters)} empty notebooks at --jobs {args.jobs}, "
            f"new kernels, median): {floor:.2f} s"
        )
        print(f"the same on forked kernels, median: {medians[True]:.2f} s")
        print(f"chapters: {', '.join(chapters)}\n")
        print(
            f"{'demo':<20} {'total s':>8} {'target':>7}  per notebook: s (x floor at --jobs; "
            "x floor without the setup cell)"
        )
        for demo in datasets.DEMOS:
            r = run_client(
                datasets.demo_path(demo), out=tmp / "single", notebook_dir=nb_dir, jobs=args.jobs
            )
            setup = {n.name: _setup_seconds(r.folder / f"{n.name}.ipynb") for n in r.notebooks}
            parts = ", ".join(
                f"{n.name} {n.seconds:.1f} ({n.seconds / floor:.1f}x; "
                f"{(n.seconds - setup[n.name]) / floor:.1f}x) {n.status}"
                for n in r.notebooks
            )
            verdict = "met" if r.seconds <= 60 else "MISSED"
            print(f"{demo:<20} {r.seconds:>8.1f} {verdict:>7}  {parts}")

        if args.clients <= 0:
            return
        clients = [
            {"name": f"Client {i:02d}", "data": str(datasets.demo_path(datasets.DEMOS[i % 4]))}
            for i in range(args.clients)
        ]
        batch_file = tmp / "clients.yml"
        batch_file.write_text(
            yaml.safe_dump({"out": str(tmp / "batch"), "clients": clients}), encoding="utf-8"
        )
        single = {}
        for demo in datasets.DEMOS:
            r = run_client(datasets.demo_path(demo), out=tmp / "alone", notebook_dir=nb_dir)
            single[demo] = r.seconds
            print(f"one client alone ({demo}, one notebook at a time): {r.seconds:.1f} s")
        target = sum(single[datasets.DEMOS[i % 4]] for i in range(args.clients)) / args.jobs
        t0 = time.perf_counter()
        results = run_batch(
            read_batch(batch_file), jobs=args.jobs, notebook_dir=nb_dir, progress=False
        )
        batch = time.perf_counter() - t0
        ok = sum(r.ok for r in results)
        ratio = batch / target
        print(
            f"\n{args.clients} clients with {args.jobs} workers: {batch:.1f} s; "
            f"{args.clients} x one client / {args.jobs} = {target:.1f} s; ratio {ratio:.2f} "
            f"({'met' if ratio <= 1.1 else 'MISSED'}, target 1.1); {ok}/{len(results)} ok"
        )


if __name__ == "__main__":
    main()
