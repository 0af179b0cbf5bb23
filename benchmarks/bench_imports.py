"""What each chapter's first code cell costs in imports, against a kernel's own imports.

For every chapter notebook, the import lines of its first code cell after the parameters (and
``plots.use_theme()`` when it calls it) run in a fresh Python process that has already imported
what a Jupyter kernel loads before any cell (IPython and ipykernel); the best of ``--repeat``
runs is reported with the heavy libraries that ended up loaded. The baseline, measured the same
way in the same run, is the kernel's own imports: the part of every notebook's start that no
chapter can avoid.

Usage: python benchmarks/bench_imports.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import nbformat

from cxlab.runner._notebooks import notebooks_dir

#: Libraries worth naming when a chapter's imports load them.
HEAVY = (
    "scipy.stats",
    "sklearn",
    "statsmodels.api",
    "statsmodels.stats",
    "seaborn",
    "ipywidgets",
    "nltk",
    "vaderSentiment",
    "fairlearn",
    "openpyxl",
    "pyarrow",
)

#: What a kernel has imported before the first cell runs.
KERNEL = "import IPython, ipykernel.kernelapp"

#: Run in a fresh process: ``before`` untimed, then ``code`` timed.
PROBE = """
import json, sys, time
{before}
start = time.perf_counter()
exec(compile({code!r}, "<cell>", "exec"))
seconds = time.perf_counter() - start
print(json.dumps({{"seconds": seconds, "heavy": [m for m in {heavy!r} if m in sys.modules]}}))
"""


def _imports(path: Path) -> str:
    """The import lines of the chapter's first code cell after its parameters cell."""
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    after = next(i for i, c in enumerate(code) if "parameters" in c.metadata.get("tags", []))
    lines = code[after + 1].source.splitlines()
    keep = [ln for ln in lines if ln.startswith(("import ", "from ")) or "use_theme()" in ln]
    return "\n".join(keep)


def _time(code: str, repeat: int, *, before: str = KERNEL) -> tuple[float, list[str]]:
    best, heavy = float("inf"), []
    for _ in range(repeat):
        probe = PROBE.format(before=before, code=code, heavy=HEAVY)
        out = subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True, check=True
        ).stdout
        result = json.loads(out.strip().splitlines()[-1])
        best, heavy = min(best, result["seconds"]), result["heavy"]
    return best, heavy


def main() -> None:
    """Print each chapter's import time and what it loads, against the kernel's own."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    kernel, _ = _time(KERNEL, args.repeat, before="")
    print(f"baseline, a kernel's own imports ({KERNEL}): {kernel:.2f} s\n")
    print(f"{'chapter':<38} {'s':>5} {'x base':>6}  heavy libraries loaded")
    for path in sorted(notebooks_dir().glob("[0-9][0-9]_*.ipynb")):
        seconds, heavy = _time(_imports(path), args.repeat)
        print(f"{path.stem:<38} {seconds:5.2f} {seconds / kernel:6.1f}  {', '.join(heavy)}")


if __name__ == "__main__":
    main()
