"""Customer equity over time: what the refits and the interval cost on each demo client and CDNOW.

``cxlab.clv.equity_over_time`` refits BG/NBD and Gamma-Gamma at every quarter end. Measured per
data set, alternating in one process: the call with its delta-method interval, and the same call
with ``interval=False`` (baseline: the refits and point values alone), so the ratio is what the
interval adds. Target: at most 5 s per demo client with the interval, so the chapter stays quick.
CDNOW (``CDNOW_master.txt``: 23,570 customers, six quarter ends) runs when the reference data
are where ``CXLAB_REFERENCE_DATA`` (or ``../shared/reference-data``) says.

Run: ``.venv/bin/python benchmarks/bench_clv_equity.py``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _harness import alternate

DEMO_SECONDS_TARGET = 5.0

ROOT = Path(__file__).resolve().parents[1]

CDNOW_SETUP = """
import pandas as pd
from cxlab.clv import equity_over_time
raw = pd.read_csv({path!r}, sep=r"\\s+", dtype={{"customer_id": str}})
raw["date"] = pd.to_datetime(raw["date"].astype(str), format="%Y%m%d")
data = raw.rename(columns={{"dollar_value": "amount"}})
"""

DEMO_SETUP = """
from cxlab.clv import equity_over_time
from cxlab.datasets import load_demo
data = load_demo({name!r})
"""


def cdnow_path() -> Path | None:
    configured = os.environ.get("CXLAB_REFERENCE_DATA")
    folder = Path(configured) if configured else ROOT.parent / "shared" / "reference-data"
    path = folder / "cdnow" / "CDNOW_master.txt"
    return path if path.is_file() else None


def main() -> None:
    from cxlab.datasets import DEMOS

    cases = {name: DEMO_SETUP.format(name=name) for name in DEMOS}
    path = cdnow_path()
    if path is None:
        print("CDNOW reference data not found: only the demo clients are measured")
    else:
        cases["CDNOW_master"] = CDNOW_SETUP.format(path=str(path))
    stmts = {
        "with interval": "equity_over_time(data)",
        "refits only (baseline)": "equity_over_time(data, interval=False)",
    }
    print(f"{'data':<20} {'with interval':>14} {'refits only':>12} {'x baseline':>11}")
    worst = 0.0
    for name, setup in cases.items():
        best = alternate(setup, stmts, repeat=2)
        ours, base = best["with interval"], best["refits only (baseline)"]
        print(f"{name:<20} {ours:>14.2f} {base:>12.2f} {ours / base:>11.2f}")
        if name != "CDNOW_master":
            worst = max(worst, ours)
    verdict = "met" if worst <= DEMO_SECONDS_TARGET else "MISSED"
    print(f"slowest demo client {worst:.2f} s; target {DEMO_SECONDS_TARGET:.0f} s: {verdict}")


if __name__ == "__main__":
    main()
