"""The data contract as data: which columns each table needs, and what kind of values they hold.

The reading, mapping and validation code consults these tables instead of hard-coding column
names, so the contract is written down once (``docs/data-contract.md`` describes it in prose).
"""

from __future__ import annotations

import difflib
import re

__all__ = [
    "BOOL_FALSE",
    "BOOL_TRUE",
    "CES_SCALES",
    "COST_KINDS",
    "CSAT_SCALES",
    "DATE_COLUMNS",
    "KINDS",
    "MISSING",
    "NPS_RANGE",
    "REQUIRED",
    "REVIEW_RATING",
    "SCORES",
    "column_key",
    "required_present",
    "suggest_column",
]

#: Columns a table must have (responses need at least one of :data:`SCORES`, or a declared
#: yes/no outcome; their date is optional: an undated survey is valid).
REQUIRED: dict[str, tuple[str, ...]] = {
    "customers": ("customer_id",),
    "transactions": ("customer_id", "date", "amount"),
    "responses": (),
    "events": ("customer_id", "timestamp", "stage"),
    "reviews": ("business", "rating"),
    "costs": ("period", "kind", "amount"),
}

#: Review ratings are stars from 1 to 5.
REVIEW_RATING = (1, 5)

#: The kinds of spend a costs row may record (its ``kind`` column).
COST_KINDS: tuple[str, ...] = ("acquisition", "retention", "service")

#: The survey scores; a responses table needs at least one.
SCORES: tuple[str, ...] = ("nps", "csat", "ces")

#: NPS is always asked on 0–10.
NPS_RANGE = (0, 10)

#: CSAT scales cxlab accepts, with the default "satisfied" threshold: the top two boxes on
#: 5- and 7-point scales, 8 to 10 on a 10-point scale.
CSAT_SCALES: dict[tuple[int, int], int] = {(1, 5): 4, (1, 7): 6, (1, 10): 8, (0, 5): 4}

#: CES scales cxlab accepts.
CES_SCALES: tuple[tuple[int, int], ...] = ((1, 5), (1, 7))

#: What kind of value each known column holds, per table. Kinds: ``id`` (text identifier),
#: ``date``, ``amount`` (float), ``count`` (whole number), ``score`` (NPS/CSAT/CES),
#: ``bool``, ``text``. Columns not listed are client attributes; their kind is inferred.
KINDS: dict[str, dict[str, str]] = {
    "customers": {
        "customer_id": "id",
        "signup_date": "date",
        "region": "text",
        "channel": "text",
        "plan": "text",
        "industry": "text",
        "age_band": "text",
        "gender": "text",
        "consent": "bool",
    },
    "transactions": {
        "customer_id": "id",
        "date": "date",
        "amount": "amount",
        "order_id": "id",
        "product": "text",
        "category": "text",
        "channel": "text",
        "quantity": "count",
    },
    "responses": {
        "date": "date",
        "nps": "score",
        "csat": "score",
        "ces": "score",
        "response_id": "id",
        "customer_id": "id",
        "touchpoint": "text",
        "channel": "text",
        "comment": "text",
    },
    "events": {
        "customer_id": "id",
        "timestamp": "date",
        "stage": "text",
        "touchpoint": "text",
        "channel": "text",
        "event": "text",
        "outcome": "text",
    },
    "reviews": {
        "date": "date",
        "business": "text",
        "rating": "score",
        "text": "text",
        "source": "text",
    },
    "costs": {
        "period": "date",
        "kind": "text",
        "amount": "amount",
        "channel": "text",
    },
}

#: The date column that dates each table's rows (customers have none that is required).
DATE_COLUMNS: dict[str, str] = {
    "transactions": "date",
    "responses": "date",
    "events": "timestamp",
    "reviews": "date",
    "costs": "period",
}

#: Cell texts read as "no value" (after stripping surrounding spaces). Deliberately short:
#: words such as "None" or "-" can be real answers in a comment column.
MISSING: tuple[str, ...] = ("", "NA", "N/A", "n/a", "#N/A", "NULL", "null", "NaN", "nan")

#: Texts accepted as true / false in boolean columns (compared case-insensitively).
BOOL_TRUE: tuple[str, ...] = ("true", "yes", "y", "1", "t")
BOOL_FALSE: tuple[str, ...] = ("false", "no", "n", "0", "f")

# Names clients often use for contract columns; only used to suggest a rename, never applied
# silently (a "total" column may or may not be the amount paid).
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "customer_id": (
        "customer",
        "customerno",
        "customernumber",
        "client",
        "clientid",
        "kunde",
        "kundenid",
        "kundennummer",
        "userid",
        "accountid",
        "memberid",
    ),
    "date": (
        "orderdate",
        "purchasedate",
        "createdat",
        "created",
        "submittedat",
        "submitted",
        "responsedate",
        "surveydate",
        "datum",
        "day",
        "time",
        "timestamp",
    ),
    "amount": (
        "total",
        "ordertotal",
        "revenue",
        "value",
        "price",
        "sales",
        "netamount",
        "grossamount",
        "betrag",
        "umsatz",
        "sum",
    ),
    "timestamp": ("time", "datetime", "eventtime", "date", "createdat", "zeit", "datum"),
    "stage": ("step", "phase", "funnelstage", "journeystage", "status"),
    "signup_date": ("registered", "registrationdate", "joindate", "joined", "created"),
    "nps": ("recommend", "likelihoodtorecommend", "npsscore", "weiterempfehlung"),
    "csat": ("satisfaction", "csatscore", "zufriedenheit", "rating"),
    "ces": ("effort", "customereffort", "cesscore", "aufwand"),
}


def column_key(name: object) -> str:
    """Comparison key for a column name: case, spaces, ``_``, ``-`` and ``.`` do not matter.

    Parameters
    ----------
    name : object
        A header cell or a configured column name.

    Returns
    -------
    str
        The key; ``"Customer ID"``, ``"customer_id"`` and ``"CustomerID"`` share one.

    Examples
    --------
    >>> column_key(" Customer ID ") == column_key("customer_id")
    True
    """
    return re.sub(r"[\s_\-\.]+", "", str(name)).casefold()


def required_present(table: str, columns: set[str]) -> bool:
    """Whether contract column names ``columns`` cover what ``table`` needs.

    Parameters
    ----------
    table : str
        Contract table name.
    columns : set of str
        Contract names present.

    Returns
    -------
    bool
        True when every required column is there (responses: and at least one score).

    Examples
    --------
    >>> required_present("responses", {"date", "csat"})
    True
    >>> required_present("responses", {"date"})
    False
    """
    if not set(REQUIRED[table]) <= columns:
        return False
    return table != "responses" or bool(columns & set(SCORES))


def suggest_column(wanted: str, found: list[str]) -> str | None:
    """Guess the client column most likely meant as contract column ``wanted``.

    Parameters
    ----------
    wanted : str
        Contract column name.
    found : list of str
        Column names in the client's file.

    Returns
    -------
    str or None
        A column from ``found``: one whose name is a common synonym, else the closest spelling.

    Examples
    --------
    >>> suggest_column("amount", ["Kunde", "Datum", "Betrag"])
    'Betrag'
    >>> suggest_column("customer_id", ["custmer_id", "date"])
    'custmer_id'
    """
    keys = {column_key(f): f for f in found}
    for synonym in _SYNONYMS.get(wanted, ()):
        if synonym in keys:
            return keys[synonym]
    close = difflib.get_close_matches(column_key(wanted), list(keys), n=1, cutoff=0.6)
    if close:
        return keys[close[0]]
    return None
