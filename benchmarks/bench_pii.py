"""Scanning a million survey comments for personal details, against one combined regex pass.

``cxlab.pii.pii_scan`` looks in every comment for e-mail addresses (also written with "at" and
"dot"), phone numbers in national and international form, card numbers that pass the Luhn check
and IBANs that pass their mod-97 check, and returns each with a masked example; it skips, in
one vectorised pass, comments that hold neither an "@" nor a digit. The baseline, measured in
the same run on the same comments, is the least a user could do: one ``str.findall`` with a
single regular expression joining a plain pattern for each kind (no checksums, no masking),
which is fast but also flags order numbers, prices and dates. ``cxlab.pii.redact`` (the
masking every report applies) is measured too.

The comments are generated: sentences built from a customer-feedback vocabulary, a third of
them with harmless digits (order numbers, prices, dates, quantities, gift-card and tracking
numbers that look like cards and phones), and 5 % with a personal
detail (planted from reserved example domains, drama phone ranges and published test card and
IBAN numbers). The summary line counts what each method finds on the first 100,000 comments
against what was planted there. Target: ``pii_scan`` of 1,000,000 comments in 60 s or less on
2 cores.

Run: ``.venv/bin/python benchmarks/bench_pii.py [N_COMMENTS]``.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import numpy as np
import pandas as pd
from _harness import measure, table

SECONDS_TARGET = 60.0

#: One alternation per kind, the plain patterns a first attempt would use (the baseline).
COMBINED = (
    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"  # e-mail
    r"|\+?\d[\d \-()]{7,}\d"  # phone or card: a long run of digits with separators
    r"|\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){3,7}(?: ?[A-Z0-9]{1,3})?\b"  # IBAN
)

OPENINGS = ["The", "My", "Our", "This", "Last", "Your"]
SUBJECTS = [
    "delivery",
    "order",
    "parcel",
    "refund",
    "checkout",
    "jacket",
    "app",
    "website",
    "support team",
    "courier",
    "size guide",
    "return",
]
VERDICTS = [
    "was late",
    "arrived damaged",
    "was great",
    "took too long",
    "never came",
    "was easy",
    "felt slow",
    "was friendly",
    "did not fit",
    "was confusing",
]
EXTRAS = [
    "Order {n} still not here.",
    "Paid £{p}.{c:02d} for it.",
    "Ordered on {d}/{m}/2025.",
    "Bought {q} items.",
    "Waited {q} days.",
    "Gift card 6035 1234 {n} did not work.",
    "Tracking ref 2025 {x:04d} {n}.",
    "Ticket {n} open.",
]
DETAILS = [
    "Call me on 020 7946 {x:04d}.",
    "Mobile 07700 900{y:03d} please.",
    "Reach me at +44 20 7946 {x:04d}.",
    "Write to shopper{x}@example.org.",
    "My e-mail is j.doe{x} [at] example [dot] net.",
    "Charged twice on 4111 1111 1111 1111.",
    "Card 5500-0000-0000-0004 was refused.",
    "Refund to GB82 WEST 1234 5698 7654 32.",
    "Send it to DE89370400440532013000.",
]


def make_comments(n: int, seed: int = 0) -> tuple[pd.Series, np.ndarray]:
    """``n`` comments and a mask of the ones holding a planted personal detail."""
    rng = np.random.default_rng(seed)
    base = (
        pd.Series(rng.choice(OPENINGS, n))
        + " "
        + rng.choice(SUBJECTS, n)
        + " "
        + rng.choice(VERDICTS, n)
        + "."
    )
    extra_kind = rng.integers(0, len(EXTRAS), n)
    has_extra = rng.random(n) < 1 / 3
    planted = rng.random(n) < 0.05
    detail_kind = rng.integers(0, len(DETAILS), n)
    xs, ys = rng.integers(0, 10_000, n), rng.integers(0, 1_000, n)
    ns, ps, qs = rng.integers(100_000, 999_999, n), rng.integers(5, 400, n), rng.integers(1, 9, n)
    days, months, cents = rng.integers(1, 29, n), rng.integers(1, 13, n), rng.integers(0, 100, n)
    tails = [
        (
            EXTRAS[extra_kind[i]].format(
                n=ns[i], x=xs[i], p=ps[i], c=cents[i], d=days[i], m=months[i], q=qs[i]
            )
            if has_extra[i]
            else ""
        )
        + (" " + DETAILS[detail_kind[i]].format(x=xs[i], y=ys[i]) if planted[i] else "")
        for i in range(n)
    ]
    return (base + " " + pd.Series(tails)).str.strip().astype("string"), planted


def make_files(n: int, folder: str) -> None:
    """Write the comments and a summary of what each method finds on the first 100,000."""
    from cxlab.pii import pii_scan

    comments, planted = make_comments(n)
    comments.to_frame("comment").to_parquet(Path(folder) / "comments.parquet")
    k = min(n, 100_000)
    head = comments.iloc[:k]
    found = pii_scan(head.to_frame("comment"))
    rows = set(found["row"])
    true = set(np.flatnonzero(planted[:k]))
    naive = head.str.contains(COMBINED, regex=True)
    naive_rows = set(np.flatnonzero(naive.to_numpy()))
    Path(folder, "summary.txt").write_text(
        f"{n:,} comments, {int(planted.sum()):,} with a planted detail; on the first {k:,}: "
        f"{len(true):,} planted; pii_scan flags {len(rows):,} comments "
        f"({len(rows & true):,} planted, {len(rows - true):,} others), the combined regex "
        f"{len(naive_rows):,} ({len(naive_rows & true):,} planted, "
        f"{len(naive_rows - true):,} others)",
        encoding="utf-8",
    )


def main() -> None:
    if sys.argv[1:2] == ["--make"]:
        make_files(int(sys.argv[2]), sys.argv[3])
        return
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "comments.parquet")
        # made in a child process so the parent's memory does not inflate each case's peak
        subprocess.run([sys.executable, __file__, "--make", str(n), tmp], check=True)
        print(Path(tmp, "summary.txt").read_text(encoding="utf-8"))
        setup = f"import pandas as pd, re; df = pd.read_parquet({path!r})"
        base = "one combined regex, str.findall (baseline)"
        rows = [
            (
                base,
                measure(setup, f"df['comment'].str.findall({COMBINED!r})", repeat=1),
            ),
            (
                "cxlab pii_scan (checksums, masks)",
                measure(setup + "; from cxlab.pii import pii_scan", "pii_scan(df)", repeat=1),
            ),
            (
                "cxlab redact",
                measure(
                    setup + "; from cxlab.pii import redact", "redact(df['comment'])", repeat=1
                ),
            ),
        ]
        print(table(rows, baseline=base))
        scan = dict(rows)["cxlab pii_scan (checksums, masks)"]["seconds"]
        print(f"pii_scan of {n:,} comments: {scan:.1f} s (target ≤ {SECONDS_TARGET:.0f} s)")


if __name__ == "__main__":
    assert re.compile(COMBINED)
    main()
