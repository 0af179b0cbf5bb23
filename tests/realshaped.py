"""Real-shaped bundles: the shapes of data small businesses hand over, generated from seeds.

Each function writes one bundle folder (the client's files plus a ``cxlab.yml``) under a given
parent folder and returns its path. The shapes follow the exports consultants meet in practice,
not the demo clients: a subset of the tables, no NPS, no dates, line items with refunds, a process
log with many activities, tiny samples. Every ``cxlab.yml`` uses only keys the contract reads today
(``docs/data-contract.md``); where a real export needs a key the contract does not have yet, the
function's docstring says which and the shape is written as the client would send it.

The values are drawn from ``numpy.random.default_rng(seed)``, so a bundle is the same on every run;
what each bundle plants is stated in its docstring, for tests that want to check it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = [
    "BUNDLES",
    "LOAN_ACTIVITIES",
    "LOAN_OUTCOMES",
    "customers_only",
    "every_table_tiny",
    "process_log",
    "reviews_only",
    "transactions_only",
    "undated_survey",
]

_START = pd.Timestamp("2024-01-01")


def _folder(parent: Path, name: str, yml: str) -> Path:
    folder = Path(parent) / name
    folder.mkdir(parents=True, exist_ok=False)
    (folder / "cxlab.yml").write_text(yml, encoding="utf-8")
    return folder


def _days(rng: np.random.Generator, n: int, span: int) -> pd.DatetimeIndex:
    return _START + pd.to_timedelta(rng.integers(0, span, n), unit="D")


def customers_only(parent: Path, *, seed: int = 1, n: int = 400) -> Path:
    """A subscription business's flat customer table with a Yes/No churn column, and nothing else.

    Planted: customers on the ``Monthly`` contract churn at about 45 %, the others at about 10 %;
    ``total_charges`` is blank for customers in their first month (as such exports leave it).
    """
    rng = np.random.default_rng(seed)
    plan = rng.choice(["Monthly", "One year", "Two year"], n, p=[0.5, 0.3, 0.2])
    tenure = rng.integers(0, 72, n)
    monthly = rng.uniform(20, 110, n).round(2)
    churned = rng.random(n) < np.where(plan == "Monthly", 0.45, 0.10)
    total = np.where(tenure == 0, "", (monthly * tenure).round(2).astype(str))
    frame = pd.DataFrame(
        {
            "customerID": [f"{7000 + i}-ACCT" for i in range(n)],
            "signup_date": (pd.Timestamp("2024-12-31") - pd.to_timedelta(30 * tenure, unit="D"))
            .strftime("%Y-%m-%d")
            .to_numpy(),
            "Contract": plan,
            "region": rng.choice(["North", "South", "East", "West"], n),
            "tenure": tenure,
            "MonthlyCharges": monthly,
            "TotalCharges": total,
            "Churn": np.where(churned, "Yes", "No"),
        }
    )
    folder = _folder(
        parent,
        "customers_only",
        "client: Brightwire Broadband\ncurrency: EUR\nindustry: saas\n"
        "columns:\n  customers: {customerID: customer_id, Contract: plan, Churn: churned}\n"
        "churn: {label: churned}\n",
    )
    frame.to_csv(folder / "customers.csv", index=False)
    return folder


def transactions_only(
    parent: Path, *, seed: int = 2, invoices: int = 600, filter_guests: bool = True
) -> Path:
    """An invoice-line export of a shop: one row per line, refunds as negative lines, guest lines.

    Credit notes carry an invoice number starting with ``C`` and negative quantities and amounts
    (about 4 % of invoices); about 10 % of invoices are guest checkouts, whose lines leave the
    customer id blank, as shop systems export them. ``cxlab.yml`` drops those lines with a
    ``filters:`` entry (``drop: {column: CustomerID, missing: true}``), whose warning names the
    rows it removed. With ``filter_guests=False`` the same file comes without that filter, as a
    client first sends it: the contract then rejects the blank ids and names their rows.
    """
    rng = np.random.default_rng(seed)
    products = {
        "Enamel mug": 8.5,
        "Linen tea towel": 6.0,
        "Beeswax candle": 12.0,
        "Ceramic bowl": 15.0,
        "Postage": 4.95,
    }
    names = list(products)
    rows = []
    customers = [str(12000 + i) for i in range(150)]
    for k in range(invoices):
        credit = rng.random() < 0.04
        guest = rng.random() < 0.10
        who = "" if guest else customers[int(rng.integers(0, len(customers)))]
        day = _START + pd.Timedelta(
            days=int(rng.integers(0, 365)), minutes=int(rng.integers(480, 1200))
        )
        for _ in range(int(rng.integers(1, 5))):
            product = names[int(rng.integers(0, len(names)))]
            qty = int(rng.integers(1, 6)) * (-1 if credit else 1)
            rows.append(
                {
                    "InvoiceNo": f"{'C' if credit else ''}{536000 + k}",
                    "Description": product,
                    "Quantity": qty,
                    "InvoiceDate": day.strftime("%d/%m/%Y %H:%M"),
                    "UnitPrice": products[product],
                    "LineTotal": round(qty * products[product], 2),
                    "CustomerID": who,
                }
            )
    guest_filter = (
        "filters:\n  transactions:\n    - drop: {column: CustomerID, missing: true}\n"
        if filter_guests
        else ""
    )
    folder = _folder(
        parent,
        "transactions_only" if filter_guests else "transactions_unfiltered_guests",
        "client: Kiln & Crate\ncurrency: GBP\nindustry: ecommerce\n"
        "columns:\n  transactions: {InvoiceNo: order_id, Description: product,\n"
        "    Quantity: quantity, InvoiceDate: date, LineTotal: amount, CustomerID: customer_id}\n"
        'dates:\n  transactions: {date: "%d/%m/%Y %H:%M"}\n' + guest_filter,
    )
    pd.DataFrame(rows).to_csv(folder / "transactions.csv", index=False)
    return folder


#: Driver items of the undated survey (1–5 ratings, 0 = not applicable).
SURVEY_ITEMS = ("seat_comfort", "cleanliness", "staff_service", "wifi", "boarding")


def undated_survey(parent: Path, *, seed: int = 3, n: int = 500) -> Path:
    """A survey export without a date column: item ratings and a binary satisfied outcome.

    Written as ``DataFrame.to_csv`` writes it, with a blank unnamed index column first. Items are
    rated 1–5 with 0 meaning "not applicable" (about 3 % of answers); the outcome is the text
    ``satisfied`` or ``neutral or dissatisfied``. Planted: ``staff_service`` and
    ``cleanliness`` drive satisfaction most, ``wifi`` barely. ``cxlab.yml`` maps it with the
    keys a real survey export needs: one recode turning 0 into "not applicable" for every item,
    the yes/no outcome, and no date anywhere.
    """
    rng = np.random.default_rng(seed)
    items = {name: rng.integers(1, 6, n) for name in SURVEY_ITEMS}
    weights = {
        "seat_comfort": 0.5,
        "cleanliness": 0.9,
        "staff_service": 1.1,
        "wifi": 0.1,
        "boarding": 0.4,
    }
    latent = sum(w * (items[k] - 3) for k, w in weights.items()) + rng.normal(0, 1.2, n)
    frame = pd.DataFrame(items)
    for name in SURVEY_ITEMS:
        frame.loc[rng.random(n) < 0.03, name] = 0
    frame.insert(0, "id", np.arange(100000, 100000 + n))
    frame["satisfaction"] = np.where(latent > 0, "satisfied", "neutral or dissatisfied")
    folder = _folder(
        parent,
        "undated_survey",
        "client: Northjet Air\ncurrency: EUR\n"
        "columns:\n  responses: {id: response_id}\n"
        "recode:\n  responses:\n"
        f"    [{', '.join(SURVEY_ITEMS)}]: {{0: null}}\n"
        "    satisfaction: {satisfied: true, neutral or dissatisfied: false}\n"
        "scales:\n  items: {min: 1, max: 5}\n"
        "outcome: satisfaction\n"
        f"drivers: [{', '.join(SURVEY_ITEMS)}]\n",
    )
    frame.to_csv(folder / "responses.csv")  # the index goes out as a blank, unnamed first column
    return folder


def reviews_only(parent: Path, *, seed: int = 4, n: int = 350) -> Path:
    """Online reviews: a star rating (1–5), a dated comment and a product, no NPS and no CES."""
    rng = np.random.default_rng(seed)
    stars = rng.choice([1, 2, 3, 4, 5], n, p=[0.08, 0.07, 0.15, 0.3, 0.4])
    good = ["Lovely quality, would buy again", "Arrived quickly and well packed", "Great value"]
    bad = ["Broke after a week", "Not as pictured", "Took three weeks to arrive"]
    comments = [
        (good if s >= 4 else bad)[int(rng.integers(0, 3))] if rng.random() < 0.8 else ""
        for s in stars
    ]
    frame = pd.DataFrame(
        {
            "review_id": [f"rv{i:05d}" for i in range(n)],
            "reviewed_on": _days(rng, n, 540).strftime("%Y-%m-%d"),
            "product": rng.choice(["Walnut board", "Oak spoon set", "Cherry tray"], n),
            "stars": stars,
            "review": comments,
        }
    )
    folder = _folder(
        parent,
        "reviews_only",
        "client: Grainline Woodworks\ncurrency: GBP\n"
        "columns:\n  responses: {review_id: response_id, reviewed_on: date, stars: csat,\n"
        "    review: comment}\n"
        "scales:\n  csat: {min: 1, max: 5, satisfied: 4}\n",
    )
    frame.to_csv(folder / "responses.csv", index=False)
    return folder


#: The 25 activities of the loan-application process log, in the order a case meets them.
LOAN_ACTIVITIES = (
    "Application submitted",
    "Application received",
    "Identity check started",
    "Identity check completed",
    "Documents requested",
    "Documents uploaded",
    "Documents reviewed",
    "Credit check started",
    "Credit check completed",
    "Affordability assessed",
    "Fraud screening",
    "Underwriter assigned",
    "Underwriting review",
    "Additional information requested",
    "Additional information received",
    "Offer prepared",
    "Offer sent",
    "Offer viewed",
    "Offer accepted",
    "Contract signed",
    "Funds released",
    "Case closed",
    "Application declined",
    "Application cancelled",
    "Offer expired",
)
#: Activities that end a case without a loan.
LOAN_OUTCOMES = ("Application declined", "Application cancelled", "Offer expired")


def process_log(parent: Path, *, seed: int = 5, cases: int = 300) -> Path:
    """A loan-application event log (events only): 25 activities, three of them outcomes.

    Each case walks the activities in order, skips optional ones (document and information
    requests, fraud screening) at random, and about 20 % are declined after the credit check,
    10 % cancelled after the documents and 8 % let the offer expire; the rest are funded. Work
    items are not journey stages: in two thirds of the cases that get additional information,
    it is asked for and received again, once or twice. A case lasts a few days.
    """
    rng = np.random.default_rng(seed)
    optional = {4, 5, 6, 10, 13, 14}
    main = LOAN_ACTIVITIES[:22]
    rows = []
    for c in range(cases):
        t = _START + pd.Timedelta(days=int(rng.integers(0, 300)), hours=int(rng.integers(8, 18)))
        fate = rng.choice(["funded", "declined", "cancelled", "expired"], p=[0.62, 0.2, 0.1, 0.08])
        stop = {"declined": 9, "cancelled": 6, "expired": 18, "funded": len(main)}[fate]
        for i, activity in enumerate(main[:stop]):
            if i in optional and rng.random() < 0.5:
                continue
            t += pd.Timedelta(minutes=int(rng.integers(5, 600)))
            rows.append((f"L{20000 + c}", activity, t, f"clerk{int(rng.integers(1, 9))}"))
            if i == 14:  # information asked for again, up to twice: a repeated work item
                for _ in range(int(rng.integers(0, 3))):
                    for again in (LOAN_ACTIVITIES[13], LOAN_ACTIVITIES[14]):
                        t += pd.Timedelta(hours=int(rng.integers(2, 30)))
                        rows.append((f"L{20000 + c}", again, t, f"clerk{int(rng.integers(1, 9))}"))
        if fate != "funded":
            outcome = {"declined": 22, "cancelled": 23, "expired": 24}[fate]
            t += pd.Timedelta(hours=int(rng.integers(1, 48)))
            rows.append((f"L{20000 + c}", LOAN_ACTIVITIES[outcome], t, "system"))
    frame = pd.DataFrame(
        rows, columns=["case:concept:name", "concept:name", "time:timestamp", "org:resource"]
    )
    frame["time:timestamp"] = frame["time:timestamp"].dt.strftime("%Y-%m-%dT%H:%M:%S")
    folder = _folder(
        parent,
        "process_log",
        "client: Harbour Lending\ncurrency: EUR\n"
        "columns:\n  events: {'case:concept:name': customer_id, 'concept:name': stage,\n"
        "    'time:timestamp': timestamp}\n",
    )
    frame.to_csv(folder / "events.csv", index=False)
    return folder


def every_table_tiny(parent: Path, *, seed: int = 6, n: int = 8) -> Path:
    """All four tables for a client with only ``n`` (< 10) customers: every sample is too small."""
    rng = np.random.default_rng(seed)
    ids = [f"T{i}" for i in range(1, n + 1)]
    customers = pd.DataFrame(
        {
            "customer_id": ids,
            "signup_date": _days(rng, n, 60).strftime("%Y-%m-%d"),
            "region": rng.choice(["North", "South"], n),
        }
    )
    k = 2 * n
    transactions = pd.DataFrame(
        {
            "order_id": [f"O{i}" for i in range(k)],
            "customer_id": rng.choice(ids, k),
            "date": _days(rng, k, 300).strftime("%Y-%m-%d"),
            "amount": rng.uniform(10, 90, k).round(2),
            "product": rng.choice(["Haircut", "Colour", "Beard trim"], k),
        }
    )
    responses = pd.DataFrame(
        {
            "customer_id": ids,
            "date": _days(rng, n, 300).strftime("%Y-%m-%d"),
            "touchpoint": rng.choice(["booking", "visit"], n),
            "nps": rng.integers(0, 11, n),
            "csat": rng.integers(1, 6, n),
            "ces": rng.integers(1, 8, n),
            "friendliness": rng.integers(1, 6, n),
            "waiting_time": rng.integers(1, 6, n),
            "comment": ["Nice", "", "Too slow", "", "Great cut", "", "", "Fine"][:n],
        }
    )
    events = pd.DataFrame(
        [
            (cid, (_START + pd.Timedelta(days=3 * i, hours=h)).strftime("%Y-%m-%d %H:%M:%S"), stage)
            for i, cid in enumerate(ids)
            for h, stage in enumerate(["visit", "booking", "appointment"][: 1 + i % 3])
        ],
        columns=["customer_id", "timestamp", "stage"],
    )
    folder = _folder(
        parent,
        "every_table_tiny",
        "client: Snip Studio\ncurrency: EUR\n"
        "drivers: [friendliness, waiting_time]\nchurn: {inactive_days: 90}\n",
    )
    for name, frame in {
        "customers": customers,
        "transactions": transactions,
        "responses": responses,
        "events": events,
    }.items():
        frame.to_csv(folder / f"{name}.csv", index=False)
    return folder


#: Every real-shaped bundle by name: the function that writes it into a parent folder, and why it
#: cannot run end to end yet (empty when it can).
BUNDLES: dict[str, tuple[Callable[[Path], Path], str]] = {
    "customers_only": (customers_only, ""),
    "transactions_only": (transactions_only, ""),
    "undated_survey": (undated_survey, ""),
    "reviews_only": (reviews_only, ""),
    "process_log": (process_log, ""),
    "every_table_tiny": (every_table_tiny, ""),
}
