"""Sentiment throughput against plain vaderSentiment, and themes for 100,000 comments.

Texts: every comment of the four demo clients, each repeated with a different order number
appended ("… (order 123)") until there are N distinct texts, so no text is scored twice and the
scoring work per text is that of real comments. Baseline, measured in the same run on the same
texts: plain ``vaderSentiment`` — one ``SentimentIntensityAnalyzer().polarity_scores`` call per
text, in one process. ``cxlab.text.sentiment`` adds the customer-experience layer, the input
checks and a DataFrame; it is timed with its default (one process) and with ``n_jobs=2``.
Target: at least the baseline's throughput (ratio ≤ 1.0).

Themes: ``ThemeModel(8).fit`` on 100,000 such comments. Target: at most 30 s.

Run: ``.venv/bin/python benchmarks/bench_text.py [N_TEXTS] [N_THEME_TEXTS]``.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _harness import measure, table

THEME_SECONDS_TARGET = 30.0

SETUP = (
    "from cxlab.datasets import DEMOS, load_demo; "
    'base = [c for d in DEMOS for c in load_demo(d).responses["comment"].dropna()]; '
    'texts = [f"{base[i % len(base)]} (order {i})" for i in range({n})]; '
)


def main(n_texts: int = 40_000, n_themes: int = 100_000) -> None:
    rows = [
        (
            f"plain vaderSentiment, {n_texts:,} texts",
            measure(
                SETUP.replace("{n}", str(n_texts))
                + "from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer; "
                "a = SentimentIntensityAnalyzer()",
                "[a.polarity_scores(t) for t in texts]",
            ),
        ),
        (
            f"cxlab.text.sentiment, {n_texts:,} texts",
            measure(
                SETUP.replace("{n}", str(n_texts)) + "from cxlab import text",
                "text.sentiment(texts)",
            ),
        ),
        (
            f"cxlab.text.sentiment n_jobs=2, {n_texts:,}",
            measure(
                SETUP.replace("{n}", str(n_texts)) + "from cxlab import text",
                "text.sentiment(texts, n_jobs=2)",
            ),
        ),
    ]
    print(table(rows, baseline=rows[0][0]))
    ratio = rows[1][1]["seconds"] / rows[0][1]["seconds"]
    print(f"throughput target (ratio <= 1.0): {'met' if ratio <= 1.0 else 'MISSED'} ({ratio:.2f})")
    themes = measure(
        SETUP.replace("{n}", str(n_themes)) + "from cxlab.text import ThemeModel",
        "ThemeModel(8).fit(texts)",
        repeat=1,
    )
    secs = themes["seconds"]
    peak = themes["peak_mib"]
    print(f"ThemeModel(8).fit on {n_themes:,} comments: {secs:.1f} s, peak {peak:.0f} MiB")
    verdict = "met" if secs <= THEME_SECONDS_TARGET else "MISSED"
    print(f"themes target (<= {THEME_SECONDS_TARGET:.0f} s): {verdict}")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
