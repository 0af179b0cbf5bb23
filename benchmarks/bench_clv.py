"""BG/NBD on the full CDNOW log against lifetimes, and lifetime value for a million customers.

Fit: the 23,570 customers of ``CDNOW_master.txt`` summarised weekly with ``cxlab.clv.rfm_summary``
(calibration to 1997-09-30, as Fader, Hardie & Lee 2005), then ``cxlab.clv.BetaGeo().fit`` on
that summary. Baseline, measured in the same run on the same summary: ``lifetimes``'
``BetaGeoFitter().fit`` (its default settings), run by the Python of a separate environment
given as ``LIFETIMES_PYTHON`` (lifetimes is unmaintained and never a dependency of cxlab). The
two fits must reach the same log-likelihood (within 0.1); target: cxlab at least as fast.

Value: ``cxlab.clv.clv`` over a 12-month horizon for 1,000,000 customers drawn from the BG/NBD
story with the CDNOW parameters on a daily grid over 78 weeks (so, as in real logs, many share a
history). Baseline: the same call on 100,000 customers. Target: at most 5 s for the million.

Run: ``LIFETIMES_PYTHON=/tmp/lt/bin/python .venv/bin/python benchmarks/bench_clv.py [N]``, with
the reference data where ``CXLAB_REFERENCE_DATA`` (or ``../shared/reference-data``) says.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import numpy as np
import pandas as pd
from _harness import measure, table

FIT_RATIO_TARGET = 1.0
CLV_SECONDS_TARGET = 5.0

ROOT = Path(__file__).resolve().parents[1]


def reference_dir() -> Path | None:
    configured = os.environ.get("CXLAB_REFERENCE_DATA")
    path = Path(configured) if configured else ROOT.parent / "shared" / "reference-data"
    return path if (path / "cdnow" / "CDNOW_master.txt").is_file() else None


def cdnow_summary(folder: Path) -> pd.DataFrame:
    from cxlab.clv import rfm_summary

    raw = pd.read_csv(folder / "cdnow" / "CDNOW_master.txt", sep=r"\s+")
    raw["date"] = pd.to_datetime(raw["date"].astype(str), format="%Y%m%d")
    return rfm_summary(
        raw, customer="customer_id", amount="dollar_value", calibration_end="1997-09-30"
    )


def simulate(n: int, seed: int = 0) -> pd.DataFrame:
    """Summaries of ``n`` customers from the BG/NBD story (CDNOW parameters), daily grid."""
    rng = np.random.default_rng(seed)
    r, alpha, a, b = 0.243, 4.414, 0.793, 2.426
    T = np.round(rng.uniform(1, 78, n) * 7) / 7
    lam = rng.gamma(r, 1 / alpha, n)
    p = rng.beta(a, b, n)
    x = np.zeros(n)
    t_x = np.zeros(n)
    alive = np.ones(n, bool)
    t = np.zeros(n)
    while alive.any():
        idx = np.flatnonzero(alive)
        t[idx] += rng.exponential(1 / np.maximum(lam[idx], 1e-12))
        bought = idx[t[idx] <= T[idx]]
        alive[idx[t[idx] > T[idx]]] = False
        x[bought] += 1
        t_x[bought] = np.round(t[bought] * 7) / 7
        alive[bought[rng.random(bought.size) < p[bought]]] = False
    monetary = np.where(x > 0, np.round(rng.gamma(6.25, 35 / 6.25, n), 2), 0.0)
    s = pd.DataFrame({"frequency": x, "recency": t_x, "T": T, "monetary": monetary})
    s.attrs["days_per_unit"] = 7.0
    return s


LIFETIMES_FIT = """
import json, sys, time
import pandas as pd
from lifetimes import BetaGeoFitter
s = pd.read_csv(sys.argv[1])
best = float("inf")
for _ in range(3):
    t0 = time.perf_counter()
    f = BetaGeoFitter().fit(s["frequency"], s["recency"], s["T"])
    best = min(best, time.perf_counter() - t0)
print(json.dumps({"seconds": best, "params": {k: float(v) for k, v in f.params_.items()}}))
"""


def main() -> None:
    n_value = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    folder = reference_dir()
    rows: list[tuple[str, dict[str, float]]] = []
    if folder is None:
        print("CDNOW reference data not found: the fit comparison is skipped")
    else:
        summary = cdnow_summary(folder)
        print(f"CDNOW_master: {len(summary):,} customers in the weekly calibration summary")
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "summary.csv"
            summary[["frequency", "recency", "T"]].to_csv(path, index=False)
            setup = (
                "import pandas as pd; from cxlab.clv import BetaGeo; "
                f"s = pd.read_csv({str(path)!r})"
            )
            ours = measure(setup, 'f = BetaGeo().fit(s["frequency"], s["recency"], s["T"])')
            rows.append(("cxlab.clv.BetaGeo().fit", ours))
            from cxlab.clv import BetaGeo

            fit = BetaGeo().fit(summary["frequency"], summary["recency"], summary["T"])
            print(f"cxlab: LL {fit.diagnostics_.log_likelihood:,.3f}, params "
                  f"{ {k: round(v, 4) for k, v in fit.params_.items()} }")  # fmt: skip
            lt = os.environ.get("LIFETIMES_PYTHON")
            if lt:
                done = subprocess.run(
                    [lt, "-c", LIFETIMES_FIT, str(path)], capture_output=True, text=True
                )
                if done.returncode == 0:
                    res = json.loads(done.stdout.strip().splitlines()[-1])
                    params = res["params"]
                    theirs = BetaGeo()
                    theirs.params_ = pd.Series(params)
                    ll = float(
                        theirs.log_likelihood(
                            summary["frequency"], summary["recency"], summary["T"]
                        ).sum()
                    )
                    print(f"lifetimes: LL {ll:,.3f} (its parameters under our likelihood), "
                          f"params { {k: round(v, 4) for k, v in params.items()} }")  # fmt: skip
                    rows.append(
                        ("lifetimes BetaGeoFitter().fit (baseline)",
                         {"seconds": res["seconds"], "peak_mib": float("nan")})
                    )  # fmt: skip
                else:
                    print("lifetimes failed to run:", done.stderr.strip().splitlines()[-1:])
            else:
                print("LIFETIMES_PYTHON not set: no lifetimes baseline")
        if len(rows) == 2:
            print(table(rows, baseline=rows[1][0]))
            print(f"target: cxlab within {FIT_RATIO_TARGET:.1f}x of lifetimes")
        else:
            print(table(rows, baseline=rows[0][0]))

    setup = (
        "import sys; sys.path.insert(0, {bench!r}); import pandas as pd; "
        "from bench_clv import simulate; from cxlab import clv; "
        "bg = clv.BetaGeo(); bg.params_ = pd.Series({{'r': 0.243, 'alpha': 4.414, 'a': 0.793, "
        "'b': 2.426}}); gg = clv.GammaGamma(); gg.params_ = pd.Series({{'p': 6.25, 'q': 3.74, "
        "'v': 15.44}}); s = simulate({n})"
    )
    bench = str(Path(__file__).parent)
    stmt = "clv.clv(s, bg, gg, horizon_months=12, discount_rate=0.10)"
    small = measure(setup.format(bench=bench, n=n_value // 10), stmt, repeat=3)
    big = measure(setup.format(bench=bench, n=n_value), stmt, repeat=3)
    rows = [
        (f"clv, {n_value // 10:,} customers (baseline)", small),
        (f"clv, {n_value:,} customers", big),
    ]
    print(table(rows, baseline=rows[0][0]))
    print(f"target: {n_value:,} customers within {CLV_SECONDS_TARGET:.0f} s")


if __name__ == "__main__":
    main()
