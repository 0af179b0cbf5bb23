"""Consent: who agreed to personalised marketing and modelling, and what honouring it costs.

A bundle records consent in the customers column named by ``consent:`` in ``cxlab.yml``. Under
the GDPR (Art. 6(1)(a) and 7, Art. 21 on profiling for direct marketing) and the ePrivacy rules
a customer who did not agree is left out of personalisation, targeting and modelling; a missing
answer is not an agreement (Art. 4(11): consent is an *unambiguous* indication). Every chapter
that targets or models customers asks :func:`consenting` who may be used.

References
----------
.. [1] Regulation (EU) 2016/679 (General Data Protection Regulation), Art. 4(11), 6, 7, 21.
.. [2] Information Commissioner's Office (2023). *Guide to the UK GDPR: Consent*.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from cxlab.errors import DataError

if TYPE_CHECKING:  # pragma: no cover
    from cxlab.contract.bundle import Bundle

__all__ = ["consent_effect", "consenting", "to_bool"]

_TRUE = {"true", "yes", "y", "1", "t", "ja", "oui", "si", "sí", "consented", "agreed"}
_FALSE = {"false", "no", "n", "0", "f", "nein", "non", "declined", "refused", ""}


def to_bool(values: pd.Series) -> pd.Series:
    """Read a yes/no column (booleans, 0/1, or text such as ``true``/``no``) as boolean.

    Anything else, and missing values, become ``<NA>``.

    Examples
    --------
    >>> to_bool(pd.Series(["true", "No", None, 1, "maybe"])).tolist()
    [True, False, <NA>, True, <NA>]
    """
    if pd.api.types.is_bool_dtype(values):
        return values.astype("boolean")

    def one(v: object) -> object:
        if isinstance(v, bool):
            return v
        if isinstance(v, int | float) and not pd.isna(v) and v in (0, 1):
            return bool(v)
        if isinstance(v, str):
            t = v.strip().lower()
            return True if t in _TRUE else False if t in _FALSE and t else pd.NA
        return pd.NA

    return pd.Series([one(v) for v in values], index=values.index, dtype="boolean")


def consenting(bundle: Bundle) -> pd.Series:
    """Which customers may be used for personalisation, targeting and modelling.

    Parameters
    ----------
    bundle : cxlab.Bundle
        The client's bundle. Its ``cxlab.yml`` names the consent column under ``consent:``.

    Returns
    -------
    pandas.Series of bool
        Indexed by ``customer_id`` (one entry per customer in the customers table), named
        ``consent``: True only for an explicit yes; a no, an empty cell or an unreadable value is
        False. ``attrs["declared"]`` is False when the bundle declares no consent column, in
        which case every customer is True (nothing records a refusal) and the ethics audit
        reports the missing record as a finding.

    Raises
    ------
    cxlab.errors.DataError
        If the bundle has no customers table, or the declared column is not in it.

    Examples
    --------
    >>> from cxlab import datasets
    >>> ok = consenting(datasets.load_demo("clothing_retailer"))
    >>> ok.name, ok.dtype.name, len(ok) == 2000, bool(ok.attrs["declared"])
    ('consent', 'bool', True, True)
    """
    if not bundle.has("customers"):
        raise DataError.make(
            "the bundle has no customers table, so consent cannot be read",
            rule="missing_table",
            table="customers",
            hint="add customers.csv with customer_id and a consent column, and name the column "
            "under consent: in cxlab.yml",
        )
    customers = bundle.customers
    ids = customers["customer_id"].astype("string")
    column = bundle.config.consent
    if not column:
        out = pd.Series(True, index=pd.Index(ids, name="customer_id"), name="consent")
        out.attrs["declared"] = False
        return out
    if column not in customers:
        raise DataError.make(
            f"cxlab.yml names {column!r} as the consent column, but the customers table has no "
            "such column",
            rule="missing_column",
            table="customers",
            column=column,
            hint="correct consent: in cxlab.yml, or add the column to customers",
        )
    agreed = to_bool(customers[column]).fillna(False).astype(bool)
    out = pd.Series(agreed.to_numpy(), index=pd.Index(ids, name="customer_id"), name="consent")
    out.attrs["declared"] = True
    out.attrs["column"] = column
    return out


def consent_effect(bundle: Bundle) -> pd.DataFrame:
    """How many customers and rows honouring consent leaves out of targeting and modelling.

    Parameters
    ----------
    bundle : cxlab.Bundle

    Returns
    -------
    pandas.DataFrame
        One row per table with a ``customer_id`` column: ``rows``, ``rows_usable`` (rows of
        consenting customers; rows without a customer id are anonymous and stay usable for
        aggregate statistics but cannot be targeted), ``rows_left_out`` and ``share_left_out``;
        the ``customers`` row counts customers.

    Examples
    --------
    >>> from cxlab import datasets
    >>> e = consent_effect(datasets.load_demo("saas"))
    >>> bool((e["rows_usable"] + e["rows_left_out"] == e["rows"]).all())
    True
    """
    ok = consenting(bundle)
    refused = set(ok.index[~ok.to_numpy()])
    rows = []
    for name, df in bundle.tables.items():
        if "customer_id" not in df:
            continue
        ids = df["customer_id"].astype("string")
        out = int(ids.isin(refused).sum())
        rows.append((name, len(df), len(df) - out, out, out / len(df) if len(df) else 0.0))
    return pd.DataFrame(
        rows, columns=["table", "rows", "rows_usable", "rows_left_out", "share_left_out"]
    ).set_index("table")
