"""RFM on a large transactions log against a DuckDB group-by, and clustering 100,000 customers.

``cxlab.segmentation.rfm`` checks and cleans the log (missing ids, exact duplicates, dates after
``asof``), groups line items into orders, leaves refunds out of recency and frequency, scores
1–5 and names segments. The baseline, measured in the same run on the same data, is the least a
user could do: one DuckDB ``GROUP BY customer_id`` with ``max(date)``, ``count(DISTINCT
order_id)`` and ``sum(amount)`` over the same columns (no cleaning, no scores). Target: ``rfm``
on 1,000,000 lines within 2x of that.

Clustering: ``MicroSegmenter`` with its defaults (k from 2 to 8 by silhouette and stability over
3 seeds on a 2,000-customer sample, then the final fit on everyone) on the behavioural features
of 100,000 customers. Baseline: one k-means fit with a fixed k on the same scaled features.
Target: at most 10 s.

Run: ``.venv/bin/python benchmarks/bench_segmentation.py [N_LINES] [N_CUSTOMERS]``.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import numpy as np
import pandas as pd
from _harness import measure, table

RFM_RATIO_TARGET = 2.0
CLUSTER_SECONDS_TARGET = 10.0


def make_log(n_lines: int, n_customers: int, seed: int = 0) -> pd.DataFrame:
    """A line-item log: ~2.5 lines per order, 8 % refunds, 0.1 % missing ids, a few duplicates."""
    rng = np.random.default_rng(seed)
    n_orders = max(n_lines * 2 // 5, 1)
    extra = rng.integers(0, n_orders, max(n_lines - n_orders, 0))
    order = np.sort(np.concatenate([np.arange(min(n_orders, n_lines)), extra]))  # every order used
    # customers differ in how often they buy: a skewed weight per customer
    weight = rng.gamma(0.8, 1.0, n_customers)
    owner = rng.choice(n_customers, size=n_orders, p=weight / weight.sum())
    first = min(n_customers, n_orders)
    owner[rng.choice(n_orders, first, replace=False)] = np.arange(first)  # everyone orders
    cust = owner[order]
    day = (order * 730 // n_orders).astype("int64")
    refund = rng.random(n_lines) < 0.08
    amount = np.round(rng.lognormal(3.0, 0.6, n_lines), 2) * np.where(refund, -1, 1)
    ids = pd.array(np.char.add("C", np.char.zfill(cust.astype(str), 6)), dtype="string")
    ids[rng.random(n_lines) < 0.001] = pd.NA
    log = pd.DataFrame(
        {
            "order_id": pd.array(np.char.add("O", np.char.zfill(order.astype(str), 7)), "string"),
            "customer_id": ids,
            "date": (pd.Timestamp("2024-01-01") + pd.to_timedelta(day, unit="D")).astype(
                "datetime64[us]"
            ),
            "amount": amount,
            "quantity": pd.array(rng.integers(1, 4, n_lines), dtype="Int64"),
            "category": pd.array(rng.choice(["tops", "shoes", "coats", "bags"], n_lines), "string"),
            "channel": pd.array(rng.choice(["web", "app"], n_lines), "string"),
        }
    )
    dup = log.sample(n=max(n_lines // 1000, 1), random_state=seed)
    return pd.concat([log, dup], ignore_index=True)


FEATURES = ["recency", "orders_per_year", "avg_order_value", "units_per_line", "refund_share"]


def make_files(n_lines: int, n_customers: int, folder: str) -> None:
    """Write the log, the customers' features and a one-line summary into ``folder``."""
    from cxlab.segmentation import customer_features

    log = make_log(n_lines, n_customers)
    log.to_parquet(Path(folder) / "log.parquet")
    feats = customer_features(log)
    feats[FEATURES].to_parquet(Path(folder) / "features.parquet")
    Path(folder, "summary.txt").write_text(
        f"log: {len(log):,} lines, {log['order_id'].nunique():,} orders, "
        f"{log['customer_id'].nunique():,} customers; features: {len(feats):,} buying "
        f"customers × {len(FEATURES)} columns",
        encoding="utf-8",
    )


def main() -> None:
    if sys.argv[1:2] == ["--make"]:
        make_files(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4])
        return
    n_lines = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    n_customers = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
    with tempfile.TemporaryDirectory() as tmp:
        log_path = str(Path(tmp) / "log.parquet")
        feat_path = str(Path(tmp) / "features.parquet")
        # The data are made in a child process: Linux keeps a process's peak memory across
        # fork + exec, so a large parent would inflate every case's "peak MiB".
        subprocess.run(
            [sys.executable, __file__, "--make", str(n_lines), str(n_customers), tmp], check=True
        )
        print(Path(tmp, "summary.txt").read_text(encoding="utf-8"))

        setup = f"import pandas as pd; tx = pd.read_parquet({log_path!r})"
        sql = (
            "SELECT customer_id, max(date), count(DISTINCT order_id), sum(amount) "
            "FROM tx GROUP BY customer_id"
        )
        base = "duckdb GROUP BY, same columns (baseline)"
        rows = [
            (
                base,
                measure(
                    setup + "; import duckdb; con = duckdb.connect()", f"con.sql({sql!r}).df()"
                ),
            ),
            (
                "pandas groupby max/nunique/sum",
                measure(
                    setup,
                    "tx.groupby('customer_id').agg(last=('date', 'max'), "
                    "orders=('order_id', 'nunique'), spend=('amount', 'sum'))",
                ),
            ),
            (
                "cxlab rfm (clean, orders, scores, segments)",
                measure(setup + "; from cxlab.segmentation import rfm", "rfm(tx)"),
            ),
            (
                "cxlab customer_features",
                measure(
                    setup + "; from cxlab.segmentation import customer_features",
                    "customer_features(tx)",
                ),
            ),
        ]
        print(table(rows, baseline=base))
        ratio = (
            dict(rows)["cxlab rfm (clean, orders, scores, segments)"]["seconds"]
            / dict(rows)[base]["seconds"]
        )
        print(f"rfm / duckdb: {ratio:.2f} (target ≤ {RFM_RATIO_TARGET})\n")

        fsetup = (
            f"import pandas as pd, numpy as np; X = pd.read_parquet({feat_path!r}); "
            "from cxlab.segmentation import MicroSegmenter"
        )
        kbase = "one KMeans fit, k=5, n_init=4 (baseline)"
        crows = [
            (
                kbase,
                measure(
                    fsetup + "; from sklearn.cluster import KMeans; "
                    "Z = MicroSegmenter(k=2).fit(X).transform(X)",
                    "KMeans(n_clusters=5, n_init=4, random_state=0).fit(Z)",
                    repeat=1,
                ),
            ),
            (
                "MicroSegmenter() k-means, k 2–8",
                measure(fsetup, "MicroSegmenter().fit(X)", repeat=1),
            ),
            (
                "MicroSegmenter(method='gmm'), k 2–8",
                measure(fsetup, "MicroSegmenter(method='gmm').fit(X)", repeat=1),
            ),
        ]
        print(table(crows, baseline=kbase))
        worst = max(m["seconds"] for name, m in crows if name != kbase)
        print(f"slowest MicroSegmenter: {worst:.1f} s (target ≤ {CLUSTER_SECONDS_TARGET:.0f} s)")


if __name__ == "__main__":
    main()
