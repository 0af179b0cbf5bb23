"""Mapping a real-shaped export with cxlab.yml alone, against validating the same file plainly.

The bundle is one invoice-line export (one row per line, like a shop system writes it): invoice
number with a ``C`` prefix on credit notes, stock code, description (postage and fee lines
among them), quantity, date, unit price, a customer id written as a float (``17850.0``) and
empty for guest checkouts, country, and the line total. The same file is validated twice, in
the same run:

- **baseline**: cxlab.yml only renames columns and declares the date format; the line total
  is the amount;
- **mapped**: cxlab.yml also derives the amount as ``Quantity * UnitPrice``, drops guest lines
  and postage lines, keeps a date range, marks credit notes, and builds the customers table
  from the transactions (first purchase as signup date, the most frequent country).

Target: the mapped validation takes at most 1.5 times the baseline.

Run: ``.venv/bin/python benchmarks/bench_contract_exports.py [N_LINES]`` (default 1,000,000).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))
from _harness import measure, table

BASELINE_YML = """\
columns:
  transactions: {InvoiceNo: order_id, CustomerID: customer_id, InvoiceDate: date,
                 LineTotal: amount, Description: product}
dates:
  transactions: {date: "%m/%d/%Y %H:%M"}
"""

MAPPED_YML = """\
tables:
  transactions: online_retail.csv
  customers: {from: transactions, attributes: {Country: most_frequent}}
columns:
  transactions: {InvoiceNo: order_id, CustomerID: customer_id, InvoiceDate: date,
                 Description: product}
dates:
  transactions: {date: "%m/%d/%Y %H:%M"}
derive:
  transactions:
    amount: "Quantity * UnitPrice"
filters:
  transactions:
    - drop: {column: CustomerID, missing: true}
    - drop: {column: Description, matches: "*postage*"}
    - keep: {column: InvoiceDate, from: 2010-12-01, to: 2011-11-30}
credit_notes: {column: InvoiceNo, starts_with: C}
"""


def write_export(path: Path, n: int, seed: int = 7) -> dict[str, int]:
    """Write an invoice-line export of ``n`` lines; return how many lines of each kind."""
    rng = np.random.default_rng(seed)
    invoice = rng.integers(536_000, 580_000, n)
    credit = rng.random(n) < 0.02
    guest = rng.random(n) < 0.05
    postage = rng.random(n) < 0.01
    quantity = rng.integers(1, 48, n)
    quantity[credit] *= -1
    price = np.round(rng.gamma(2.0, 2.0, n) + 0.1, 2)
    products = np.array([f"PRODUCT {i:04d}" for i in range(3_000)])
    description = products[rng.integers(0, len(products), n)]
    description[postage] = "POSTAGE"
    codes = np.array([f"{i:05d}" for i in range(3_000)])
    stock = codes[rng.integers(0, len(codes), n)]
    stock[postage] = "POST"
    seconds = rng.integers(0, 375 * 86_400, n)
    stamps = pd.Timestamp("2010-12-01") + pd.to_timedelta(np.sort(seconds), unit="s")
    customer = rng.integers(12_000, 18_500, n).astype("float64")
    countries = np.array(["United Kingdom"] * 8 + ["Germany", "France", "EIRE", "Spain"])
    frame = pd.DataFrame(
        {
            "InvoiceNo": np.where(credit, "C", "") + invoice.astype(str),
            "StockCode": stock,
            "Description": description,
            "Quantity": quantity,
            "InvoiceDate": [f"{t.month}/{t.day}/{t.year} {t.hour}:{t.minute:02d}" for t in stamps],
            "UnitPrice": price,
            "CustomerID": np.where(guest, np.nan, customer),
            "Country": countries[rng.integers(0, len(countries), n)],
            "LineTotal": np.round(quantity * price, 2),
        }
    )
    frame.to_csv(path, index=False)
    late = int((stamps >= pd.Timestamp("2011-12-01")).sum())
    return {"lines": n, "guests": int(guest.sum()), "postage": int(postage.sum()), "late": late}


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    with tempfile.TemporaryDirectory() as tmp:
        base, mapped = Path(tmp) / "baseline", Path(tmp) / "mapped"
        base.mkdir()
        mapped.mkdir()
        counts = write_export(base / "transactions.csv", n)
        (mapped / "online_retail.csv").hardlink_to(base / "transactions.csv")
        (base / "cxlab.yml").write_text(BASELINE_YML)
        (mapped / "cxlab.yml").write_text(MAPPED_YML)
        size = (base / "transactions.csv").stat().st_size / 2**20
        print(
            f"export: {counts['lines']:,} lines, {size:.0f} MiB; {counts['guests']:,} guest "
            f"lines, {counts['postage']:,} postage lines, {counts['late']:,} after the range"
        )
        setup = "import cxlab"
        rows = [
            (
                "validate, renames only (baseline)",
                measure(setup, f"cxlab.validate_bundle({str(base)!r})"),
            ),
            (
                "mapped (derive, filters, credits, customers)",
                measure(setup, f"cxlab.validate_bundle({str(mapped)!r})"),
            ),
        ]
        print(table(rows, baseline="validate, renames only (baseline)"))


if __name__ == "__main__":
    main()
