"""How long `cxlab run` takes per demo client, and what a batch saves over single runs.

Three measurements, all in this one run so they share the machine's state:

1. The kernel-start floor: an empty chapter notebook (parameters cell only) run the way the runner
   runs every chapter. No chapter can be faster than this.
2. `cxlab run --jobs N` (default 2, one notebook per core) on each demo client: total wall
   time, and each notebook's seconds as a multiple of the floor. Targets: the full suite per
   demo client in 60 s or less on 2 cores, and each notebook no more than 3x the floor.
3. A batch of N clients (default 20, cycling through the demos) with two workers, against the same
   N clients run one after the other with `cxlab run`.

Usage: python benchmarks/bench_run.py [--clients 20] [--jobs 2]
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


def _floor_notebooks(folder: Path) -> Path:
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
    nbformat.write(nb, folder / "00_empty.ipynb")
    return folder


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
        for _ in range(3):
            r = run_client(datasets.demo_path("restaurant"), out=tmp / "f", notebook_dir=floor_dir)
            floors.append(r.notebooks[0].seconds)
        floor = min(floors)
        print(f"kernel-start floor (empty notebook, best of 3): {floor:.2f} s")
        print(f"chapters: {', '.join(chapters)}\n")
        print(f"{'demo':<20} {'total s':>8} {'target':>7}  per notebook (s, x floor)")
        for demo in datasets.DEMOS:
            r = run_client(
                datasets.demo_path(demo), out=tmp / "single", notebook_dir=nb_dir, jobs=args.jobs
            )
            parts = ", ".join(
                f"{n.name} {n.seconds:.1f} ({n.seconds / floor:.1f}x) {n.status}"
                for n in r.notebooks
            )
            verdict = "met" if r.seconds <= 60 else "MISSED"
            print(f"{demo:<20} {r.seconds:>8.1f} {verdict:>7}  {parts}")

        clients = [
            {"name": f"Client {i:02d}", "data": str(datasets.demo_path(datasets.DEMOS[i % 4]))}
            for i in range(args.clients)
        ]
        batch_file = tmp / "clients.yml"
        batch_file.write_text(
            yaml.safe_dump({"out": str(tmp / "batch"), "clients": clients}), encoding="utf-8"
        )
        t0 = time.perf_counter()
        for c in clients:
            run_client(c["data"], client=c["name"], out=tmp / "serial", notebook_dir=nb_dir)
        serial = time.perf_counter() - t0
        t0 = time.perf_counter()
        results = run_batch(
            read_batch(batch_file), jobs=args.jobs, notebook_dir=nb_dir, progress=False
        )
        batch = time.perf_counter() - t0
        ok = sum(r.ok for r in results)
        print(
            f"\n{args.clients} clients: one after the other {serial:.1f} s; "
            f"batch with {args.jobs} workers {batch:.1f} s ({serial / batch:.2f}x faster); "
            f"{ok}/{len(results)} ok"
        )


if __name__ == "__main__":
    main()
