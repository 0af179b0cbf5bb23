"""A tiny harness for side-by-side measurements: each case runs in a fresh Python process.

Running every case in its own process makes peak memory (the child's maximum resident set size)
comparable between a cxlab call and its baseline, and keeps one case's caches from helping another.
Each case is timed ``repeat`` times; the table shows the best (least disturbed) wall time.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap


def measure(setup: str, stmt: str, *, repeat: int = 3) -> dict[str, float]:
    """Run ``setup`` then time ``stmt`` in a fresh interpreter; return seconds and peak MiB."""
    code = textwrap.dedent(
        f"""
        import json, resource, time
        {setup}
        best = float("inf")
        for _ in range({repeat}):
            t0 = time.perf_counter()
            {stmt}
            best = min(best, time.perf_counter() - t0)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps({{"seconds": best, "peak_mib": peak}}))
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def alternate(setup: str, stmts: dict[str, str], *, repeat: int = 3) -> dict[str, float]:
    """Run ``setup`` then each statement in turn, ``repeat`` rounds, in one fresh interpreter.

    On a shared machine the load changes from one minute to the next; alternating the cases in
    one process exposes each of them to the same conditions, so their ratio is fair even when
    their absolute times are not. Returns the best seconds of each case.
    """
    body = "\n".join(
        f"t0 = time.perf_counter()\n{stmt}\nbest[{name!r}] = min(best.get({name!r}, 1e9), "
        "time.perf_counter() - t0)"
        for name, stmt in stmts.items()
    )
    code = (
        textwrap.dedent(setup)
        + "\nimport json, time\nbest = {}\n"
        + f"for _ in range({repeat}):\n"
        + textwrap.indent(body, "    ")
        + "\nprint(json.dumps(best))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def table(rows: list[tuple[str, dict[str, float]]], *, baseline: str) -> str:
    """Format measurements as a text table with each row's ratio to the baseline row."""
    base = dict(rows)[baseline]["seconds"]
    lines = [f"{'case':<44} {'seconds':>9} {'x baseline':>11} {'peak MiB':>9}"]
    for name, m in rows:
        lines.append(
            f"{name:<44} {m['seconds']:>9.3f} {m['seconds'] / base:>11.2f} {m['peak_mib']:>9.0f}"
        )
    return "\n".join(lines)
