"""Scores with intervals on ten million answers, against counting the same answers with numpy.

``cxlab.metrics`` reduces answers to counts per scale point with one ``numpy.bincount`` after
checking them (range, whole numbers), then computes the score, its interval and category counts
from those few numbers. The baseline is the least any score needs: ``numpy.bincount`` of the
same array. Target: each score within 2x of its baseline. Extra rows show the realistic pandas
input (a nullable ``Int64`` column with missing answers) and the seeded CES bootstrap, against
the same baseline. Peak memory of the cxlab rows is mostly the import of cxlab (pandas, scipy,
statsmodels: about 160 MiB over numpy alone); the score itself allocates little beyond the
counts.

Run: ``.venv/bin/python benchmarks/bench_metrics.py [N_ANSWERS]``.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from _harness import measure, table

#: metric -> (scale low, scale high, call on the array ``x``)
CASES = {
    "nps": (0, 10, "metrics.nps(x)"),
    "csat": (1, 5, "metrics.csat(x, scale=5)"),
    "ces": (1, 7, "metrics.ces(x, scale=7)"),
}


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000
    rng = np.random.default_rng(0)
    with tempfile.TemporaryDirectory() as tmp:
        print(f"{n:,} answers per metric (int64 numpy arrays); best of 5 runs, fresh process each")
        for metric, (lo, hi, call) in CASES.items():
            path = Path(tmp) / f"{metric}.npy"
            np.save(path, rng.integers(lo, hi + 1, size=n))
            load = f"import numpy as np; x = np.load({str(path)!r})"
            series = (
                "import pandas as pd; x = pd.Series(x, dtype='Int64'); x[x.index % 20 == 0] = pd.NA"
            )
            base = f"numpy.bincount of the same array ({metric})"
            rows = [
                (base, measure(load, f"np.bincount(x, minlength={hi + 1})", repeat=5)),
                (
                    f"cxlab {call.removeprefix('metrics.')}",
                    measure(f"{load}; from cxlab import metrics", call, repeat=5),
                ),
                (
                    "  same on pandas Int64, 5 % missing",
                    measure(f"{load}; {series}; from cxlab import metrics", call, repeat=5),
                ),
            ]
            if metric == "ces":
                boot = "metrics.ces(x, scale=7, method='bootstrap', seed=0)"
                rows.append(
                    (
                        "  ces bootstrap (2,000 resamples)",
                        measure(f"{load}; from cxlab import metrics", boot, repeat=5),
                    )
                )
            print()
            print(table(rows, baseline=base))


if __name__ == "__main__":
    main()
