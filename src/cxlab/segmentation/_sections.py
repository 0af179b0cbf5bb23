"""What a bundle allows the segmentation chapter to do, and the notes for what it leaves out.

A client's bundle rarely has every table: a shop may send its transactions only, a survey may
lack driver items, a customers table may hold nothing but ids. Each section of the chapter
then either runs or is skipped with one plain line saying what is missing and what the client
could send to enable it (:func:`skipped_finding`). :func:`bundle_finding` opens the chapter
with what was received, and :func:`needs_respondents` counts who can be grouped by needs.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from cxlab.findings import Finding, md
from cxlab.segmentation._findings import MIN_N

__all__ = ["SECTION_NEEDS", "bundle_finding", "needs_respondents", "skipped_finding"]

#: Per skippable section: what it needs, said as what would enable it. ``{n}`` is the count
#: the bundle has (when known) and ``{min_n}`` the fewest needed (:data:`MIN_N`).
SECTION_NEEDS: dict[str, str] = {
    "needs": "Needs-based segments are skipped: they need a responses table with at least two "
    "driver items (listed under drivers: in cxlab.yml) answered by {min_n} or more customers.",
    "psychographic": "Psychographic segments are skipped: they need a customers table with a "
    "declared attribute not marked sensitive (such as plan, diet, lifestyle or industry).",
    "plays": "Industry plays are skipped: set industry: in cxlab.yml (ecommerce, saas, "
    "restaurant or consulting) to match the segments to a playbook; until then the RFM plays "
    "of section 2 apply.",
    "satisfaction": "Satisfaction by segment is skipped: it needs a responses table with NPS "
    "answers from customers who have a segment, at least 5 in a segment.",
    "planted": "The check against planted segments is skipped: only the demo clients have "
    "segments planted by their generator.",
    "recommendations": "Suggestions per customer are skipped: they need co-purchase rules, "
    "that is an item column (category or product) and baskets holding two or more items.",
}


def skipped_finding(section: str, *, n: int | None = None) -> Finding:
    """Say in one line that a section is skipped and what would enable it.

    Parameters
    ----------
    section : str
        A key of :data:`SECTION_NEEDS`.
    n : int, optional
        How many customers (or answers) the bundle has for the section; when given, the
        sentence ends with it.

    Returns
    -------
    Finding
        Not supported; facts ``section`` (and ``n`` when given).

    Raises
    ------
    ValueError
        If the section is unknown.

    Examples
    --------
    >>> print(skipped_finding("needs", n=12).text)  # doctest: +NORMALIZE_WHITESPACE
    Needs-based segments are skipped: they need a responses table with at least two driver
    items (listed under drivers: in cxlab.yml) answered by 30 or more customers. This bundle
    has 12.
    """
    if section not in SECTION_NEEDS:
        raise ValueError(f"unknown section {section!r}; choose one of {', '.join(SECTION_NEEDS)}")
    template = SECTION_NEEDS[section]
    values: dict[str, object] = {"min_n": MIN_N}
    if n is not None:
        template += " This bundle has {n:,}."
        values["n"] = int(n)
    out = Finding.unsupported(template, **values)
    facts = {"section": section, **({"n": int(n)} if n is not None else {})}
    return Finding(out.template, out.values, supported=False, numbers=facts)


def bundle_finding(
    client: str,
    transactions: pd.DataFrame,
    *,
    customers: pd.DataFrame | None = None,
    customer: str = "customer_id",
) -> Finding:
    """Open the chapter with what the bundle holds: customers and transaction lines.

    Parameters
    ----------
    client : str
        The client's display name.
    transactions : pandas.DataFrame
        The transactions log.
    customers : pandas.DataFrame, optional
        The customers table; without one, customers are counted from the log, and the
        sentence says that those who never bought are not among them.
    customer : str, default "customer_id"
        The customer id column of the log.

    Returns
    -------
    Finding
        Facts ``customers``, ``lines`` and ``customers_table`` (bool).

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["A", "A", "B", None]})
    >>> print(bundle_finding("Shop", tx).text)  # doctest: +NORMALIZE_WHITESPACE
    Working with Shop: 4 transaction lines from 2 customers. There is no customers table, so
    customers who never bought are not counted.
    """
    lines = len(transactions)
    if customers is not None:
        out = md(
            "Working with **{client}**: {customers:,} customers, {lines:,} transaction lines.",
            client=client,
            customers=len(customers),
            lines=lines,
        )
        n, has_table = len(customers), True
    else:
        n = int(transactions[customer].nunique()) if customer in transactions else 0
        out = md(
            "Working with **{client}**: {lines:,} transaction lines from {customers:,} "
            "customers. There is no customers table, so customers who never bought are not "
            "counted.",
            client=client,
            customers=n,
            lines=lines,
        )
        has_table = False
    return Finding(
        out.template,
        out.values,
        supported=True,
        numbers={"customers": n, "lines": lines, "customers_table": has_table},
    )


def needs_respondents(
    responses: pd.DataFrame | None, items: Sequence[str], *, customer: str = "customer_id"
) -> int:
    """Count the customers whom needs-based segmentation can group.

    They are the customers (responses with an id) who answered at least one of ``items``, as
    :func:`~cxlab.segmentation.needs_segments` counts them; 0 without a responses table,
    with fewer than two items present, or without a customer id column.

    Parameters
    ----------
    responses : pandas.DataFrame or None
        The responses table.
    items : sequence of str
        The driver items (``bundle.config.drivers``); those absent from the table are ignored.
    customer : str, default "customer_id"

    Returns
    -------
    int

    Examples
    --------
    >>> r = pd.DataFrame(
    ...     {
    ...         "customer_id": ["A", "A", "B", None, "C"],
    ...         "speed": [4, None, None, 5, None],
    ...         "price": [None, 3, 2, 1, None],
    ...     }
    ... )
    >>> needs_respondents(r, ["speed", "price", "quality"])
    2
    """
    if responses is None or customer not in responses:
        return 0
    present = [c for c in items if c in responses.columns]
    if len(present) < 2:
        return 0
    answers = responses[present].apply(pd.to_numeric, errors="coerce").notna().any(axis=1)
    return int(responses.loc[answers & responses[customer].notna(), customer].nunique())
