"""Data minimisation and purpose limitation: which columns the analyses use, and which none do.

The GDPR asks that personal data be "adequate, relevant and limited to what is necessary" for
the purposes they are processed for (Art. 5(1)(c)) and not used for other purposes (Art. 5(1)(b)).
For an analysis project that means being able to say, per column the client sent, which chapter
uses it and why — and flagging the columns no chapter uses, which the client need not have sent
and can delete from the export.

:data:`CHAPTER_COLUMNS` declares, per chapter, the contract columns its module reads. It was
written by reading what each module takes (the chapters' keyword defaults and the columns their
findings name). Names in angle brackets stand for columns the bundle's ``cxlab.yml`` names:
``<drivers>`` (the driver items), ``<sensitive>``, ``<consent>``, ``<churn>`` (the churn label
column) and ``<outcome>``; ``<declared>`` stands for the declared customer attributes chapter 04
may segment on and chapter 03 may describe personas by (non-sensitive text attributes).
A chapter added later declares its own entry by calling :func:`declare_columns` in its package's
``__init__`` (e.g. ``declare_columns("05", {"customers": ("customer_id", "<churn>")})``), so the
map stays next to the code it describes.

References
----------
.. [1] Regulation (EU) 2016/679 (General Data Protection Regulation), Art. 5(1)(b)–(c), 25.
.. [2] Information Commissioner's Office (2023). *Guide to the UK GDPR: Data minimisation*.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:  # pragma: no cover
    from cxlab.contract.bundle import Bundle

__all__ = ["CHAPTER_COLUMNS", "column_usage", "declare_columns"]

#: Which contract columns each chapter's analyses read, by table (see the module docstring).
CHAPTER_COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    "01": {
        "responses": ("nps", "csat", "ces", "comment"),
    },
    "02": {
        "responses": ("date", "touchpoint", "nps", "csat", "ces", "<drivers>", "<outcome>"),
    },
    "03": {
        "customers": ("customer_id", "<declared>"),
        "events": ("customer_id", "timestamp", "stage", "touchpoint", "channel", "event"),
        "responses": ("customer_id", "touchpoint", "csat", "ces", "comment"),
    },
    "04": {
        "customers": ("customer_id", "<declared>"),
        "transactions": (
            "customer_id",
            "order_id",
            "date",
            "amount",
            "quantity",
            "category",
            "channel",
        ),
        "responses": ("customer_id", "nps", "csat", "<drivers>"),
    },
    "08": {
        "customers": ("customer_id", "<sensitive>", "<consent>", "<churn>", "<benefits>"),
        "transactions": ("customer_id", "date", "amount"),
        "responses": ("customer_id", "comment", "<drivers>"),
        "events": ("customer_id", "touchpoint"),
    },
}

#: Declared customer attributes chapter 03 and 04 may describe or segment by.
_DECLARED = (
    "dietary_preference",
    "lifestyle",
    "plan",
    "industry",
    "household_size",
    "company_size",
    "seats",
    "region",
    "channel",
    "age_band",
)

#: Words in a customers column name that mark it as a benefit handed out (an offer list).
BENEFIT_WORDS = ("offer", "reward", "discount", "voucher", "coupon", "promo", "benefit", "priority")


def declare_columns(chapter: str, columns: Mapping[str, Sequence[str]]) -> None:
    """Declare (or replace) the columns a chapter's analyses read.

    Parameters
    ----------
    chapter : str
        The chapter number, e.g. ``"05"``.
    columns : mapping of str to sequence of str
        Contract columns by table; placeholders in angle brackets as in :data:`CHAPTER_COLUMNS`.

    Examples
    --------
    >>> declare_columns("99", {"customers": ["customer_id"]})
    >>> CHAPTER_COLUMNS.pop("99")
    {'customers': ('customer_id',)}
    """
    CHAPTER_COLUMNS[str(chapter)] = {t: tuple(c) for t, c in columns.items()}


def benefit_columns(customers: pd.DataFrame, *, exclude: Sequence[str] = ()) -> list[str]:
    """List the customers columns that look like a benefit handed out (yes/no, named so).

    Examples
    --------
    >>> c = pd.DataFrame({"offer_received": ["true", "false"], "region": ["N", "S"]})
    >>> benefit_columns(c)
    ['offer_received']
    """
    from cxlab.ethics._consent import to_bool

    out = []
    for c in customers.columns:
        name = str(c).lower()
        if c in exclude or not any(w in name for w in BENEFIT_WORDS):
            continue
        values = customers[c].dropna()
        if len(values) and to_bool(values).notna().all():
            out.append(str(c))
    return out


def _expand(name: str, bundle: Bundle, table: str) -> list[str]:
    config = bundle.config
    df = bundle.tables.get(table)
    if name == "<drivers>":
        return list(config.drivers)
    if name == "<sensitive>":
        return list(config.sensitive)
    if name == "<consent>":
        return [config.consent] if config.consent else []
    if name == "<churn>":
        return [config.churn.label] if config.churn.label else []
    if name == "<outcome>":
        return [config.outcome] if config.outcome else []
    if name == "<declared>":
        return [c for c in _DECLARED if c not in config.sensitive]
    if name == "<benefits>":
        exclude = [config.consent or "", config.churn.label or ""]
        return [] if df is None else benefit_columns(df, exclude=exclude)
    return [name]


def column_usage(bundle: Bundle, *, chapters: Sequence[str] | None = None) -> pd.DataFrame:
    """Which chapters use each column the bundle holds; columns no chapter uses are flagged.

    Parameters
    ----------
    bundle : cxlab.Bundle
    chapters : sequence of str, optional
        The chapters that count (default every chapter in :data:`CHAPTER_COLUMNS`).

    Returns
    -------
    pandas.DataFrame
        One row per table and column: ``table``, ``column``, ``used_by`` (the chapter numbers,
        comma-separated; empty when none) and ``unused`` (True: no chapter uses it, a candidate
        for deletion from the export). Chapter 00's profile of every column is not a use.

    Examples
    --------
    >>> from cxlab import datasets
    >>> u = column_usage(datasets.load_demo("clothing_retailer"))
    >>> u.loc[u["column"] == "nps", "used_by"].item()
    '01, 02, 04'
    """
    wanted = list(chapters) if chapters is not None else sorted(CHAPTER_COLUMNS)
    rows = []
    for table, df in bundle.tables.items():
        for col in df.columns:
            users = [
                ch
                for ch in wanted
                if any(
                    col in _expand(name, bundle, table)
                    for name in CHAPTER_COLUMNS.get(ch, {}).get(table, ())
                )
            ]
            rows.append((table, str(col), ", ".join(users), not users))
    return pd.DataFrame(rows, columns=["table", "column", "used_by", "unused"])
