"""Generating a large demo client, against plain numpy drawing the same number of random values.

The generator is meant to be vectorised: its cost should be a small multiple of simply drawing
the random numbers it consumes. The baseline counts those numbers (by passing a counting wrapper
around the generator's ``numpy.random.Generator`` once) and times ``rng.random(count)`` alone.
Cases run in fresh processes (see ``_harness.py``), so peak memory is each case's own.

Target: the online retailer at 70,000 customers (about one million transaction rows) in well
under a minute, with peak memory of a few hundred MiB.

Run: ``.venv/bin/python benchmarks/bench_generate.py [N_CUSTOMERS] [DEMO]``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from _harness import measure, table

from cxlab.datasets._archetypes import ARCHETYPES
from cxlab.datasets._generate import build


class CountingGenerator:
    """Wrap a numpy Generator and count every value its methods return."""

    def __init__(self, rng: np.random.Generator):
        self._rng = rng
        self.values = 0

    def __getattr__(self, name):
        method = getattr(self._rng, name)

        def counted(*args, **kwargs):
            out = method(*args, **kwargs)
            self.values += int(np.size(out))
            return out

        return counted


def count_draws(name: str, n_customers: int) -> dict:
    """Generate once with a counting generator; return table sizes and random values drawn."""
    arch = ARCHETYPES[name]
    counter = CountingGenerator(np.random.default_rng(arch.default_seed))
    demo = build(arch, n_customers, counter)
    return {"rows": {t: len(df) for t, df in demo.tables.items()}, "values": counter.values}


def main() -> None:
    n_customers = int(sys.argv[1]) if len(sys.argv) > 1 else 70_000
    name = sys.argv[2] if len(sys.argv) > 2 else "clothing_retailer"
    seed = ARCHETYPES[name].default_seed
    # Counted in a child process too, so this process stays small: a child inherits the
    # parent's peak resident size, which would blur the memory column.
    code = (
        f"import json, sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); "
        "from bench_generate import count_draws; "
        f"print(json.dumps(count_draws({name!r}, {n_customers})))"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    counts = json.loads(out.stdout.strip().splitlines()[-1])
    values = counts["values"]
    print(
        f"{name}, {n_customers:,} customers: "
        + ", ".join(f"{t} {n:,}" for t, n in counts["rows"].items())
        + f"; {values:,} random values drawn"
    )
    baseline = measure("import numpy as np", f"np.random.default_rng({seed}).random({values})")
    gen = measure(
        "from cxlab.datasets import generate", f"generate({name!r}, n_customers={n_customers})"
    )
    write = measure(
        "import tempfile; from pathlib import Path; from cxlab.datasets import write_demo",
        "with tempfile.TemporaryDirectory() as tmp:\n"
        f"                write_demo({name!r}, Path(tmp) / 'demo', n_customers={n_customers})",
        repeat=1,
    )
    base_label = "numpy: draw the same random values"
    print(
        table(
            [
                (base_label, baseline),
                (f"generate ({n_customers:,} customers)", gen),
                ("write_demo (generate + write CSV)", write),
            ],
            baseline=base_label,
        )
    )


if __name__ == "__main__":
    main()
