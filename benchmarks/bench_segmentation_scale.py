"""Chapter 04 at the scale of a realistic small shop: 400,000 line items, 4,000 customers.

A real retail export is line items: an order holds many lines (here about 20), some lines are
refunds (negative amounts), guest checkouts have no customer id, and the item column holds
several hundred products rather than a handful of categories (a coarser ``family`` column is
written too). This benchmark writes such a bundle (``transactions.csv``, ``customers.csv``,
``cxlab.yml``) into a scratch folder and measures

1. each analysis the chapter runs, stage by stage, every stage in a fresh process so its time
   and peak resident memory (``resource.getrusage``) are its own: RFM, customer features, the
   four strategies, the micro-segment k choice and stability, profiles and names, co-purchase
   rules, recommendations and the industry plays;
2. the chapter notebook itself, executed whole with papermill on that bundle (output written
   to the scratch folder), with the peak memory of its kernel.

Target: the whole chapter within 60 s and 1 GiB. Baseline in the same run: reading the bundle
(``cxlab.load_bundle``), which every chapter pays before any analysis.

The item column of the chapter (``category``) holds the products, as when a shop's export has
no coarser grouping. ``--compare=ROOT`` measures another checkout of the project (its ``src``
and chapter notebook, e.g. an export of an earlier commit) on the same bundle, side by side.

Run: ``.venv/bin/python benchmarks/bench_segmentation_scale.py [N_LINES] [N_CUSTOMERS]
[N_PRODUCTS] [--no-notebook] [--compare=ROOT]``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import numpy as np
import pandas as pd
from _harness import measure, table

SECONDS_TARGET = 60.0
MIB_TARGET = 1024.0
ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "04_segmentation_and_personalization.ipynb"


def make_log(n_lines: int, n_customers: int, n_products: int, seed: int = 0) -> pd.DataFrame:
    """A line-item log: ~20 lines per order, 3 % refund lines, 10 % guest orders.

    Customers buy at skewed rates (most once or twice, a few often); product popularity is
    skewed too (a Zipf-like weight), and a product's price is fixed, so a refund line repeats a
    purchase line's price with the sign flipped.
    """
    rng = np.random.default_rng(seed)
    n_orders = max(n_lines // 20, 1)
    size = rng.poisson(19, n_orders) + 1
    size = np.maximum(np.round(size * n_lines / size.sum()).astype(np.int64), 1)
    order = np.repeat(np.arange(n_orders), size)[:n_lines]
    n_lines = len(order)
    weight = rng.gamma(0.6, 1.0, n_customers)
    owner = rng.choice(n_customers, size=n_orders, p=weight / weight.sum())
    first = min(n_customers, n_orders)
    owner[rng.choice(n_orders, first, replace=False)] = np.arange(first)  # everyone orders
    guest = rng.random(n_orders) < 0.10
    day = np.sort(rng.integers(0, 365, n_orders))
    pop = 1.0 / np.arange(1, n_products + 1) ** 0.8
    product = rng.choice(n_products, size=n_lines, p=pop / pop.sum())
    price = np.round(rng.lognormal(1.2, 0.8, n_products), 2) + 0.29
    qty = rng.choice([1, 1, 1, 2, 2, 3, 4, 6, 12, 24], size=n_lines)
    refund = rng.random(n_lines) < 0.03
    ids = np.char.add("C", np.char.zfill(owner.astype(str), 5))
    cust = pd.array(ids[order], dtype="string")
    cust[guest[order]] = pd.NA
    names = np.char.add("P", np.char.zfill(np.arange(n_products).astype(str), 4))
    families = np.array(["kitchen", "garden", "party", "lights", "bags", "stationery", "toys"])
    return pd.DataFrame(
        {
            "order_id": np.char.add("S", np.char.zfill(order.astype(str), 6)),
            "customer_id": cust,
            "date": (pd.Timestamp("2024-01-01") + pd.to_timedelta(day[order], unit="D")).strftime(
                "%Y-%m-%d"
            ),
            "amount": np.round(price[product] * qty, 2) * np.where(refund, -1, 1),
            "quantity": qty,
            "product": names[product],
            "category": names[product],
            "family": families[product % len(families)],
            "channel": rng.choice(["web", "phone"], size=n_lines, p=[0.85, 0.15]),
        }
    )


def make_bundle(folder: str | Path, n_lines: int, n_customers: int, n_products: int) -> str:
    """Write a bundle (transactions, customers, cxlab.yml) into ``folder``; return a summary."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    log = make_log(n_lines, n_customers, n_products)
    n_guest = int(log["customer_id"].isna().sum())
    log.to_csv(folder / "transactions.csv", index=False)
    rng = np.random.default_rng(1)
    pd.DataFrame(
        {
            "customer_id": np.char.add("C", np.char.zfill(np.arange(n_customers).astype(str), 5)),
            "signup_date": "2023-06-01",
            "region": rng.choice(["north", "south", "east", "west"], n_customers),
        }
    ).to_csv(folder / "customers.csv", index=False)
    (folder / "cxlab.yml").write_text(
        "client: Scale Test Shop\ncurrency: GBP\nindustry: ecommerce\n", encoding="utf-8"
    )
    note = ""
    if not _loads(folder):
        # The bundle contract may require a customer id on every line: guest lines then stay
        # out of the bundle (the stage functions themselves accept and count them).
        log = log[log["customer_id"].notna()]
        log.to_csv(folder / "transactions.csv", index=False)
        note = " (guest lines left out: the bundle contract requires a customer id)"
    return (
        f"log: {len(log):,} lines, {log['order_id'].nunique():,} orders, "
        f"{log['customer_id'].nunique():,} customers, {log['product'].nunique():,} products, "
        f"{int((log['amount'] < 0).sum()):,} refund lines, "
        f"{n_guest:,} guest lines{note}"
    )


def _loads(folder: Path) -> bool:
    """Whether ``cxlab.load_bundle`` accepts the bundle in ``folder``."""
    import cxlab

    try:
        cxlab.load_bundle(folder)
    except cxlab.BundleError:
        return False
    return True


# Each stage: (name, setup, statement). Setup loads the bundle and computes what the stage
# needs, so the timed statement is the stage alone; peak memory covers both.
LOAD = "import cxlab; from cxlab import segmentation as sg; b = cxlab.load_bundle({path!r})"
FEATS = LOAD + "; tx = b.transactions; f = sg.customer_features(tx)"
MICRO = (
    FEATS + "; import pandas as pd; X = f[list(sg.clustering_features(f, industry='ecommerce')"
    ".columns)]; m = sg.MicroSegmenter(k_range=(2, 6), random_state=42).fit(X); "
    "lab = pd.Series(m.labels_, index=X.index)"
)
STAGES = [
    ("load_bundle (baseline)", "import cxlab", "cxlab.load_bundle({path!r})"),
    ("rfm", LOAD + "; tx = b.transactions", "sg.rfm(tx)"),
    ("customer_features", LOAD + "; tx = b.transactions", "sg.customer_features(tx)"),
    (
        "value_segments",
        LOAD + "; tx = b.transactions",
        "sg.value_segments(tx, customers=b.customers)",
    ),
    (
        "behavioural_segments k 2-6",
        LOAD + "; tx = b.transactions",
        "sg.behavioural_segments(tx, k_range=(2, 6), random_state=42)",
    ),
    (
        "MicroSegmenter k 2-6 (choice, stability)",
        FEATS + "; X = f[list(sg.clustering_features(f, industry='ecommerce').columns)]",
        "sg.MicroSegmenter(k_range=(2, 6), random_state=42).fit(X)",
    ),
    ("name_segments + profile", MICRO, "sg.name_segments(X, lab); sg.profile(f, lab)"),
    ("match_plays", MICRO, "sg.match_plays(f, lab, industry='ecommerce')"),
    (
        "co_purchase_rules (category)",
        LOAD + "; tx = b.transactions",
        "sg.co_purchase_rules(tx, item='category')",
    ),
    (
        "co_purchase_rules (product)",
        LOAD + "; tx = b.transactions",
        "sg.co_purchase_rules(tx, item='product')",
    ),
    (
        "recommend, 6 customers (category)",
        MICRO + "; r = sg.co_purchase_rules(tx, item='category')",
        "sg.recommend(tx, lab.groupby(lab).head(1).index, top=2, item='category', "
        "basket=r.attrs['basket'], rules=r)",
    ),
]


def run_notebook(bundle: Path, out: Path, root: Path = ROOT) -> dict[str, float]:
    """Execute chapter 04 on ``bundle`` with papermill in a child process; time and peak MiB.

    The kernel is a grandchild of this process; ``RUSAGE_CHILDREN`` of the child that runs
    papermill covers it (the kernel is the largest process of the run).
    """
    code = (
        "import json, resource, time, papermill as pm\n"
        "t0 = time.perf_counter()\n"
        f"pm.execute_notebook({str(root / NOTEBOOK.relative_to(ROOT))!r}, {str(out)!r}, "
        f"parameters={{'data_dir': {str(bundle)!r}}}, kernel_name='python3', "
        "progress_bar=False, log_output=False)\n"
        "s = time.perf_counter() - t0\n"
        "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024\n"
        "print(json.dumps({'seconds': s, 'peak_mib': peak}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=os.environ.copy()
    )
    if done.returncode:
        raise SystemExit(f"the notebook failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure_trees(roots: list[Path], bundle: Path, notebook: bool) -> list[list[tuple[str, dict]]]:
    """Every stage, then the whole notebook, once per tree with its ``src`` first on the path.

    The trees take turns stage by stage, so a busy spell on a shared machine falls on both
    rather than on one tree's whole run.
    """
    out: list[list[tuple[str, dict]]] = [[] for _ in roots]
    path = str(bundle)
    for name, setup, stmt in STAGES:
        for rows, root in zip(out, roots, strict=True):
            os.environ["PYTHONPATH"] = str(root / "src")
            rows.append((name, measure(setup.format(path=path), stmt.format(path=path), repeat=1)))
    if notebook:
        for i, (rows, root) in enumerate(zip(out, roots, strict=True)):
            os.environ["PYTHONPATH"] = str(root / "src")
            done = run_notebook(bundle, bundle.parent / f"04_{i}.ipynb", root)
            rows.append(("chapter 04 notebook, whole", done))
    return out


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    n_lines = int(args[0]) if len(args) > 0 else 400_000
    n_customers = int(args[1]) if len(args) > 1 else 4_000
    n_products = int(args[2]) if len(args) > 2 else 600
    compare = [a.split("=", 1)[1] for a in sys.argv[1:] if a.startswith("--compare=")]
    notebook = "--no-notebook" not in sys.argv
    with tempfile.TemporaryDirectory() as tmp:
        bundle = Path(tmp) / "bundle"
        t0 = time.perf_counter()
        print(make_bundle(bundle, n_lines, n_customers, n_products))
        print(f"bundle written in {time.perf_counter() - t0:.1f} s\n")
        roots = [ROOT, *(Path(c).resolve() for c in compare[:1])]
        now, *others = measure_trees(roots, bundle, notebook)
        print(table(now, baseline=STAGES[0][0]))
        if others:
            before = others[0]
            print(f"\nside by side with {compare[0]}:")
            print(f"{'case':<44} {'s then':>8} {'s now':>8} {'MiB then':>9} {'MiB now':>9}")
            for (name, b), (_, a) in zip(before, now, strict=True):
                print(
                    f"{name:<44} {b['seconds']:>8.2f} {a['seconds']:>8.2f} "
                    f"{b['peak_mib']:>9.0f} {a['peak_mib']:>9.0f}"
                )
        if notebook:
            whole = dict(now)["chapter 04 notebook, whole"]
            print(
                f"\nchapter 04 notebook, whole (papermill): {whole['seconds']:.1f} s, "
                f"peak {whole['peak_mib']:.0f} MiB "
                f"(target ≤ {SECONDS_TARGET:.0f} s and ≤ {MIB_TARGET:.0f} MiB)"
            )


if __name__ == "__main__":
    main()
