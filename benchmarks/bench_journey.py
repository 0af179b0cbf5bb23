"""Funnel, transitions and variants of a million events, against DuckDB computing the same counts.

``cxlab.journey`` checks the log, codes customers and stages as integers, sorts once by
customer, time and stage order (``numpy.lexsort``) and then counts with ``numpy.bincount`` and
neighbour comparisons; variants are byte strings of stage codes per customer, counted by pandas.
The baseline is DuckDB (a columnar SQL engine, multi-threaded) answering the same three
questions on the same DataFrame: furthest stage per customer, directly-follows pairs with
``lead()``, and collapsed paths with ``string_agg``. Before timing, the script checks that both
give the same counts. Target: the three cxlab calls together in 3 s or less.

The log is synthetic (numpy): customers start at awareness or purchase and walk forwards, stay
or step back with fixed probabilities; timestamps are shuffled out of row order so the sort is
real work.

Run: ``.venv/bin/python benchmarks/bench_journey.py [N_EVENTS]``.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))
from _harness import measure, table

from cxlab import journey

STAGES = journey.DEFAULT_STAGES

FUNNEL_SQL = """
    WITH r AS (SELECT customer_id, max(rank) AS f FROM ev JOIN st USING (stage) GROUP BY 1)
    SELECT f, count(*) AS n FROM r GROUP BY f ORDER BY f
"""
TRANSITIONS_SQL = """
    WITH o AS (
        SELECT stage AS a,
               lead(stage) OVER (PARTITION BY customer_id ORDER BY timestamp, rank) AS b
        FROM ev JOIN st USING (stage))
    SELECT a, b, count(*) AS n FROM o WHERE b IS NOT NULL GROUP BY a, b
"""
VARIANTS_SQL = """
    WITH o AS (
        SELECT customer_id, stage, timestamp, rank,
               lag(stage) OVER (PARTITION BY customer_id ORDER BY timestamp, rank) AS prev
        FROM ev JOIN st USING (stage)),
    p AS (
        SELECT customer_id, string_agg(stage, ' → ' ORDER BY timestamp, rank) AS path
        FROM o WHERE prev IS NULL OR prev <> stage GROUP BY customer_id)
    SELECT path, count(*) AS n FROM p GROUP BY path ORDER BY n DESC, path LIMIT 10
"""


def synthetic_log(n_events: int, *, seed: int = 0) -> pd.DataFrame:
    """About ``n_events`` events of customers with 1–30 events each, rows in random order."""
    rng = np.random.default_rng(seed)
    lengths = np.minimum(rng.geometric(1 / 7, size=n_events // 4), 30)
    lengths = lengths[np.cumsum(lengths) <= n_events]
    n_customers = len(lengths)
    cust = np.repeat(np.arange(n_customers), lengths)
    starts = np.repeat(np.cumsum(lengths) - lengths, lengths)
    first = np.r_[True, cust[1:] != cust[:-1]]
    step = rng.choice([-1, 0, 1], size=len(cust), p=[0.15, 0.35, 0.5])
    step[first] = np.where(rng.random(n_customers) < 0.7, 0, 2)  # start at awareness or purchase
    walk = np.cumsum(step)
    stage = np.clip(walk - (walk[starts] - step[starts]), 0, len(STAGES) - 1)
    begin = rng.integers(0, 730 * 86_400, size=n_customers)
    gaps = rng.exponential(5 * 86_400, size=len(cust)).astype("int64")
    gaps[first] = 0
    seconds = (
        np.repeat(begin, lengths)
        + np.cumsum(gaps)
        - np.repeat(np.cumsum(gaps)[np.cumsum(lengths) - lengths], lengths)
    )
    frame = pd.DataFrame(
        {
            "customer_id": pd.array(np.char.add("C", cust.astype("U7")), dtype="str"),
            "timestamp": pd.Timestamp("2024-01-01") + pd.to_timedelta(seconds, unit="s"),
            "stage": pd.array(np.asarray(STAGES, dtype=object)[stage], dtype="str"),
        }
    )
    return frame.sample(frac=1.0, random_state=seed).reset_index(drop=True)


def _duckdb(ev: pd.DataFrame) -> dict[str, pd.DataFrame]:
    import duckdb

    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    con.register("ev", ev)
    con.register("st", pd.DataFrame({"stage": list(STAGES), "rank": range(len(STAGES))}))
    return {
        name: con.execute(sql).df()
        for name, sql in (
            ("funnel", FUNNEL_SQL),
            ("transitions", TRANSITIONS_SQL),
            ("variants", VARIANTS_SQL),
        )
    }


def check_same_counts(ev: pd.DataFrame) -> None:
    """Assert that cxlab and DuckDB agree on the funnel, the transitions and the top variants."""
    sql = _duckdb(ev)
    furthest = sql["funnel"].set_index("f")["n"].reindex(range(len(STAGES)), fill_value=0)
    reached = furthest.to_numpy()[::-1].cumsum()[::-1]
    assert journey.funnel(ev)["customers"].tolist() == reached.tolist()
    ours = journey.transitions(ev).set_index(["from", "to"])["count"].sort_index()
    theirs = sql["transitions"].set_index(["a", "b"])["n"].sort_index()
    assert ours.to_dict() == theirs.to_dict()
    top = journey.variants(ev, top=10)["customers"].iloc[:10]
    assert top.to_dict() == sql["variants"].set_index("path")["n"].to_dict()


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    ev = synthetic_log(n)
    print(
        f"{len(ev):,} events of {ev['customer_id'].nunique():,} customers, "
        f"{len(STAGES)} stages, rows shuffled; best of 3 runs, fresh process each"
    )
    check_same_counts(ev)
    print("check: cxlab and DuckDB give the same funnel, transitions and top-10 variants")
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "events.parquet")
        ev.to_parquet(path)
        load = f"import pandas as pd; ev = pd.read_parquet({path!r})"
        cx = f"{load}; from cxlab import journey"
        duck = (
            f"{load}; import duckdb; con = duckdb.connect(); "
            "con.execute('SET enable_progress_bar = false'); con.register('ev', ev); "
            f"con.register('st', pd.DataFrame({{'stage': {list(STAGES)!r}, "
            f"'rank': range({len(STAGES)})}}))"
        )
        sql = "; ".join(
            f"con.execute({q!r}).fetchall()" for q in (FUNNEL_SQL, TRANSITIONS_SQL, VARIANTS_SQL)
        )
        baseline = "duckdb, the same three counts (baseline)"
        rows = [
            (baseline, measure(duck, sql)),
            (
                "cxlab: funnel + transitions + variants",
                measure(cx, "journey.funnel(ev); journey.transitions(ev); journey.variants(ev)"),
            ),
            ("  journey.funnel", measure(cx, "journey.funnel(ev)")),
            ("  journey.transitions", measure(cx, "journey.transitions(ev)")),
            ("  journey.variants", measure(cx, "journey.variants(ev)")),
            ("  journey.durations (not in the target)", measure(cx, "journey.durations(ev)")),
        ]
    print(table(rows, baseline=baseline))


if __name__ == "__main__":
    main()
