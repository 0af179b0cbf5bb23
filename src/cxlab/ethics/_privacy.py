"""Privacy: who a table identifies, how small its groups are, and ids that do not travel.

* :func:`identifier_roles` sorts a table's columns into *direct identifiers* (a value names one
  person: an e-mail address, a phone number, a name, an account number, the customer id),
  *quasi-identifiers* (harmless alone, identifying together: age band, gender, region, postcode,
  sign-up date — Sweeney 2002 found that ZIP code, birth date and sex single out 87 % of the US
  population) and the rest.
* :func:`k_anonymity` measures how many records share each combination of quasi-identifiers:
  a table is *k*-anonymous when every combination is shared by at least *k* records (Samarati &
  Sweeney 1998; Sweeney 2002), and *l*-diverse for a sensitive column when every such group holds
  at least *l* distinct sensitive values (Machanavajjhala et al. 2007), since a group in which
  everyone has the same value discloses it even when it is large.
* :func:`suppress_small_cells` blanks the cells of a breakdown that rest on fewer than ``min_n``
  records, the disclosure control statistical offices apply to published tables (Hundepool et al.
  2012, ch. 5); every breakdown this package shows uses it.
* :func:`pseudonymise` replaces customer ids with a keyed hash (HMAC-SHA-256, RFC 2104 with FIPS
  180-4): the same id always gives the same pseudonym under one key, so tables still join, but
  without the key nobody can go back from a pseudonym to the id or test a guessed id against it.

The rules are small and written here; a library such as ARX would add generalisation
hierarchies a small business's four tables do not need.

References
----------
.. [1] Sweeney, L. (2002). k-anonymity: a model for protecting privacy. *International Journal
   of Uncertainty, Fuzziness and Knowledge-Based Systems*, 10(5), 557–570.
.. [2] Samarati, P., & Sweeney, L. (1998). *Protecting privacy when disclosing information:
   k-anonymity and its enforcement through generalization and suppression*. SRI technical report.
.. [3] Machanavajjhala, A., Kifer, D., Gehrke, J., & Venkitasubramaniam, M. (2007).
   l-diversity: privacy beyond k-anonymity. *ACM Transactions on Knowledge Discovery from Data*,
   1(1), 3.
.. [4] Hundepool, A., et al. (2012). *Statistical Disclosure Control*. Wiley.
.. [5] Krawczyk, H., Bellare, M., & Canetti, R. (1997). *HMAC: Keyed-Hashing for Message
   Authentication*. RFC 2104.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from cxlab.checks import require_columns
from cxlab.pii import pii_scan

__all__ = [
    "MIN_CELL",
    "KAnonymity",
    "identifier_roles",
    "k_anonymity",
    "pseudonymise",
    "suppress_small_cells",
]

#: Fewest records a published cell may rest on (the usual threshold of statistical offices).
MIN_CELL = 5

#: Shortest key :func:`pseudonymise` accepts, in bytes (the output length of SHA-256).
MIN_KEY_BYTES = 16

_DIRECT_NAME = re.compile(
    r"(?i)(^|_)(e_?mail|mail|phone|mobile|tel|telephone|name|first_?name|last_?name|surname|"
    r"full_?name|address|street|iban|card|account_?number|passport|ssn|national_?id|ip(_address)?)"
    r"($|_)"
)
_QUASI_NAME = re.compile(
    r"(?i)(^|_)(age|age_band|birth|dob|birth_?date|gender|sex|region|postcode|post_code|zip|"
    r"zip_?code|city|town|country|language|nationality|ethnicity|religion|household_size|"
    r"company_size|industry|occupation|job|title|signup_date|marital)($|_)"
)


def identifier_roles(
    df: pd.DataFrame, *, key: str | None = "customer_id", sensitive: Sequence[str] = ()
) -> pd.DataFrame:
    """Sort a table's columns into direct identifiers, quasi-identifiers and other columns.

    A column is a **direct identifier** when it is the table's key (the customer id names one
    customer inside the business), when its name says it holds contact or account details
    (``email``, ``phone``, ``name``, ``address``, ``iban``, ...), or when personal details are
    found in more than half of its non-empty cells. It is a **quasi-identifier** when its name
    is a demographic, location or date attribute (``age_band``, ``gender``, ``region``,
    ``postcode``, ``signup_date``, ...) or it is declared sensitive in ``cxlab.yml``. Free-text
    columns in which some personal details were found are flagged as **free text with personal
    data**. Names are matched as whole words between underscores.

    Parameters
    ----------
    df : pandas.DataFrame
        The table.
    key : str or None, default "customer_id"
        The table's customer key, a direct identifier when present.
    sensitive : sequence of str, default ()
        Columns declared sensitive (``bundle.config.sensitive``).

    Returns
    -------
    pandas.DataFrame
        One row per column: ``column``, ``role`` (``"direct identifier"``,
        ``"quasi-identifier"``, ``"free text with personal data"`` or ``"other"``),
        ``sensitive`` (bool), ``values`` (distinct non-empty values) and ``reason``.

    Examples
    --------
    >>> t = pd.DataFrame(
    ...     {
    ...         "customer_id": ["C1", "C2"],
    ...         "email": ["a@x.org", "b@y.org"],
    ...         "age_band": ["18-24", "55+"],
    ...         "amount": [3.0, 4.5],
    ...     }
    ... )
    >>> identifier_roles(t, sensitive=["age_band"])["role"].tolist()
    ['direct identifier', 'direct identifier', 'quasi-identifier', 'other']
    """
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"identifier_roles needs a pandas DataFrame; got {type(df).__name__}")
    found = pii_scan(df)
    cells = found.drop_duplicates(["row", "column"]).groupby("column").size()
    blocked = set(sensitive)
    rows = []
    for col in df.columns:
        name = str(col)
        filled = int(df[col].notna().sum())
        share = float(cells.get(name, 0)) / filled if filled else 0.0
        if key is not None and name == key:
            role, reason = "direct identifier", "the key that names each customer"
        elif _DIRECT_NAME.search(name):
            role, reason = "direct identifier", "its name says it holds contact or account details"
        elif share > 0.5:
            role, reason = "direct identifier", f"personal details in {share:.0%} of its cells"
        elif _QUASI_NAME.search(name) or name in blocked:
            role = "quasi-identifier"
            reason = (
                "declared sensitive in cxlab.yml"
                if name in blocked
                else "a demographic, location or date attribute"
            )
        elif share > 0:
            role = "free text with personal data"
            reason = f"personal details in {int(cells.get(name, 0))} of its {filled} cells"
        else:
            role, reason = "other", ""
        rows.append((name, role, name in blocked, int(df[col].nunique()), reason))
    return pd.DataFrame(rows, columns=["column", "role", "sensitive", "values", "reason"])


@dataclass(frozen=True)
class KAnonymity:
    """How identifiable a table is through its quasi-identifiers; see :func:`k_anonymity`.

    Attributes
    ----------
    k : int
        Records in the smallest group (0 for an empty table).
    l : int or None
        Fewest distinct sensitive values in a group (None without a sensitive column).
    groups : pandas.DataFrame
        One row per combination of quasi-identifiers, smallest first: the quasi-identifiers,
        ``n`` and, with a sensitive column, ``distinct`` (its distinct values in the group).
    quasi_identifiers : tuple of str
    sensitive : str or None
    n : int
        Records in the table.
    """

    k: int
    l: int | None  # noqa: E741 - the letter of the literature
    groups: pd.DataFrame
    quasi_identifiers: tuple[str, ...]
    sensitive: str | None
    n: int

    def smallest(self, count: int = 5) -> pd.DataFrame:
        """Return the ``count`` smallest groups, with their sizes."""
        return self.groups.head(count)

    def at_risk(self, min_k: int = MIN_CELL) -> int:
        """Count the records in groups smaller than ``min_k``, the most easily singled out."""
        return int(self.groups.loc[self.groups["n"] < min_k, "n"].sum())

    def to_frame(self) -> pd.DataFrame:
        """One row: k, l, records, groups and records in groups below five."""
        return pd.DataFrame(
            [
                {
                    "k": self.k,
                    "l": self.l,
                    "records": self.n,
                    "groups": len(self.groups),
                    "records in groups under 5": self.at_risk(),
                }
            ]
        )


def k_anonymity(
    df: pd.DataFrame, *, quasi_identifiers: Sequence[str], sensitive: str | None = None
) -> KAnonymity:
    """Measure k-anonymity (and l-diversity) of a table over its quasi-identifiers.

    Records are grouped by their combination of quasi-identifier values (an empty value is a
    value of its own, since it is as visible as any other); ``k`` is the size of the smallest
    group. With a ``sensitive`` column, ``l`` is the smallest number of distinct sensitive values
    (empty ones not counted) within a group (distinct l-diversity).

    Parameters
    ----------
    df : pandas.DataFrame
        The table, one row per person.
    quasi_identifiers : sequence of str
        The columns an outsider could know (see :func:`identifier_roles`).
    sensitive : str, optional
        A column whose value should not be inferable from the group.

    Returns
    -------
    KAnonymity

    Raises
    ------
    cxlab.errors.DataError
        If a column is missing (the message names it and suggests the nearest one).
    ValueError
        If no quasi-identifier is given.

    Examples
    --------
    >>> t = pd.DataFrame(
    ...     {
    ...         "age": ["30s", "30s", "30s", "40s", "40s"],
    ...         "region": ["N", "N", "N", "S", "S"],
    ...         "plan": ["a", "b", "a", "c", "c"],
    ...     }
    ... )
    >>> r = k_anonymity(t, quasi_identifiers=["age", "region"], sensitive="plan")
    >>> r.k, r.l, r.groups["n"].tolist()
    (2, 1, [2, 3])
    """
    qi = list(quasi_identifiers)
    if not qi:
        raise ValueError("k_anonymity needs at least one quasi-identifier column")
    require_columns(df, [*qi, *([sensitive] if sensitive else [])], table="k-anonymity input")
    keys = df[qi].astype("string").fillna("(empty)")
    grouped = keys.groupby(qi, sort=True, dropna=False)
    groups = grouped.size().rename("n").reset_index()
    l_value = None
    if sensitive is not None:
        distinct = (
            df[sensitive]
            .groupby([keys[c] for c in qi], sort=True, dropna=False)
            .nunique(dropna=True)
            .rename("distinct")
            .reset_index(drop=True)
        )
        groups["distinct"] = distinct.to_numpy()
        l_value = int(groups["distinct"].min()) if len(groups) else 0
    groups = groups.sort_values(["n", *qi], kind="stable").reset_index(drop=True)
    k = int(groups["n"].min()) if len(groups) else 0
    return KAnonymity(k, l_value, groups, tuple(qi), sensitive, len(df))


def suppress_small_cells(
    table: pd.DataFrame, *, min_n: int = MIN_CELL, count: str | None = "n"
) -> pd.DataFrame:
    """Blank the cells of a breakdown that rest on fewer than ``min_n`` records.

    With ``count`` naming a column of counts (a breakdown with one row per group), every other
    numeric value of a row whose count is below ``min_n`` becomes missing, and the count itself
    is kept so a reader sees why. With ``count=None`` the table is a cross-table of counts: every
    count from 1 to ``min_n - 1`` becomes missing (zeros disclose nothing and stay). A column
    ``suppressed`` says which rows lost values.

    Parameters
    ----------
    table : pandas.DataFrame
        The breakdown.
    min_n : int, default 5
        Fewest records a shown value may rest on.
    count : str or None, default "n"
        The column of counts, or None for a cross-table of counts.

    Returns
    -------
    pandas.DataFrame
        A copy with small cells missing and a boolean ``suppressed`` column.

    Examples
    --------
    >>> t = pd.DataFrame({"n": [40, 3], "rate": [0.25, 0.67]}, index=["a", "b"])
    >>> s = suppress_small_cells(t)
    >>> s["rate"].tolist(), s["suppressed"].tolist()
    ([0.25, nan], [False, True])
    >>> suppress_small_cells(pd.DataFrame({"x": [12, 2, 0]}), count=None)["x"].tolist()
    [12.0, nan, 0.0]
    """
    if min_n < 1:
        raise ValueError(f"min_n must be at least 1; got {min_n}")
    out = table.copy()
    numeric = [
        c
        for c in out.columns
        if pd.api.types.is_numeric_dtype(out[c]) and not pd.api.types.is_bool_dtype(out[c])
    ]
    if count is not None:
        require_columns(out, [count], table="breakdown")
        small = pd.to_numeric(out[count], errors="coerce").fillna(0) < min_n
        for c in numeric:
            if c != count:
                out[c] = out[c].astype("float64").where(~small)
        out["suppressed"] = small.to_numpy()
        return out
    flags = pd.Series(False, index=out.index)
    for c in numeric:
        cell = out[c].astype("float64")
        small = (cell > 0) & (cell < min_n)
        out[c] = cell.where(~small)
        flags |= small
    out["suppressed"] = flags.to_numpy()
    return out


def _key_bytes(key: Any) -> bytes:
    if isinstance(key, str):
        key = key.encode("utf-8")
    if not isinstance(key, bytes | bytearray):
        raise TypeError(
            "pseudonymise needs the key as text or bytes, e.g. "
            "os.environ['CXLAB_PSEUDONYM_KEY'] or secrets.token_bytes(32)"
        )
    if len(key) < MIN_KEY_BYTES:
        raise ValueError(
            f"the pseudonymisation key has {len(key)} bytes; use at least {MIN_KEY_BYTES} random "
            "bytes (secrets.token_hex(32) makes one) kept outside the bundle and the notebook"
        )
    return bytes(key)


def pseudonymise(ids: Any, *, key: str | bytes, length: int = 16) -> Any:
    """Replace customer ids with keyed hashes that still join across tables.

    Each id becomes the first ``length`` hex digits of HMAC-SHA-256(key, id). The key is a
    secret the business keeps apart from the data it pseudonymises: generate it once with
    ``secrets.token_hex(32)``, store it in a password manager or the environment
    (``CXLAB_PSEUDONYM_KEY``), never in the bundle, ``cxlab.yml``, a notebook or the code, and
    pass it here. Whoever holds the key can re-identify (hash a known id and look it up), so a
    pseudonymised table is still personal data under the GDPR (Recital 26); without the key a
    pseudonym reveals nothing and a guessed id cannot be tested. A new key gives unlinkable new
    pseudonyms. Missing ids stay missing.

    Parameters
    ----------
    ids : str, pandas.Series or iterable of str
        The ids.
    key : str or bytes
        The secret key, at least 16 bytes.
    length : int, default 16
        Hex digits kept (16 digits = 64 bits, enough for millions of customers without a clash).

    Returns
    -------
    str, pandas.Series or list
        The pseudonyms, shaped like ``ids``.

    Raises
    ------
    TypeError, ValueError
        If the key is missing, not text or bytes, or too short.

    Examples
    --------
    >>> key = "an example key, never a real one"
    >>> pseudonymise("C00001", key=key) == pseudonymise("C00001", key=key)
    True
    >>> pseudonymise(["C00001", "C00002"], key=key)[0] != pseudonymise("C00002", key=key)
    True
    >>> len(pseudonymise("C00001", key=key))
    16
    """
    secret = _key_bytes(key)
    if not 8 <= length <= 64:
        raise ValueError(f"length must be between 8 and 64 hex digits; got {length}")

    def one(value: Any) -> Any:
        if value is None or (not isinstance(value, str) and pd.isna(value)):
            return value
        digest = hmac.new(secret, str(value).encode("utf-8"), hashlib.sha256).hexdigest()
        return digest[:length]

    if isinstance(ids, str):
        return one(ids)
    if isinstance(ids, pd.Series):
        return ids.map(one).astype("string")
    return [one(v) for v in ids]
