"""Masking personal contact and payment details in free text.

What is recognised, and by which rule:

* **E-mail addresses** — a local part of the characters RFC 5322 allows in a dot-atom (letters,
  digits and ``!#$%&'*+/=?^`{|}~-``, dots between them), ``@``, and a domain of labels of at most
  63 letters, digits and hyphens that neither start nor end with a hyphen (RFC 1035, §2.3.1)
  ending in an alphabetic top-level label. Letters beyond ASCII are allowed, as in
  internationalised addresses (RFC 6531). The spelled-out forms ``name (at) example (dot) com``
  and ``name[at]example.com`` count too; free-form spellings such as ``name at example dot com``
  do not, because ordinary sentences take that shape.
* **Phone numbers** — digit groups separated by single spaces, hyphens, dots or slashes, an area
  code perhaps in brackets and a national trunk prefix perhaps written ``(0)``, as ITU-T E.123
  writes numbers, accepted in three forms:

  - *international*: ``+`` or ``00`` then a country code that does not start with 0 and at most
    15 digits in all, the E.164 maximum (at least 8, which excludes short codes);
  - *national with a trunk prefix* ``0``, as used across Europe, the UK and much of the world:
    ``0`` then a non-zero digit, 9 to 12 digits in all (``07700 900123``, ``030 1234567``,
    ``06 12 34 56 78``);
  - *North American*: ten digits grouped 3-3-4 (optionally after a ``1``), whose area code and
    exchange start with 2–9 as the North American Numbering Plan requires, written with at least
    one separator or bracket (``(212) 555-0123``, ``1-800-555-0199``).
* **Payment card numbers** — 13 to 19 digits (ISO/IEC 7812-1), written without separators or in
  groups of four (the last group shorter) or 4-6-5 / 4-6-4 (American Express, Diners Club),
  whose first digit is a major industry identifier of a card issuer (2–6: banking, financial,
  travel and entertainment, merchandising) and whose last digit is a correct Luhn check digit
  (Luhn 1960, as ISO/IEC 7812-1 prescribes).
* **IBANs** — a country code from the SWIFT IBAN Registry, two check digits and the national
  account number, with the registry's length for that country, spaces allowed between the
  characters, and correct check digits (ISO 13616-1, checked with ISO/IEC 7064 MOD 97-10).

Numbers that only look similar are left alone: dates (``15.03.2024``, ``03/15/2024 0930``),
decimals, prices, times and short codes fail the digit counts or the shapes above, and a number
introduced as a business reference (``order no. 00123456789``, ``invoice: 0123-4567-89``,
``tracking 0123 456 7890``) is not read as a phone number. Card numbers and IBANs carry check
digits, so an order number rarely passes for one; when it does, it is masked, as it is better to
hide a reference than to show an account. An IBAN with a wrong check digit is not recognised.

The rules are written here rather than taken from a library because the candidates we could use
are either US-centred (``scrubadub``, ``commonregex``) or need a per-country phone metadata
database and a language model (``phonenumbers`` with Presidio) where four documented rules are
enough for comments in a small business's survey.

References
----------
.. [1] Resnick, P. (Ed.) (2008). *Internet Message Format*. RFC 5322, §3.4.1 (addr-spec).
.. [2] Mockapetris, P. (1987). *Domain Names — Implementation and Specification*. RFC 1035,
   §2.3.1 (preferred name syntax).
.. [3] Yao, J., & Mao, W. (2012). *SMTP Extension for Internationalized Email*. RFC 6531.
.. [4] ITU-T (2010). *Recommendation E.164: The international public telecommunication
   numbering plan*.
.. [5] ITU-T (2001). *Recommendation E.123: Notation for national and international telephone
   numbers, e-mail addresses and web addresses*.
.. [6] North American Numbering Plan Administrator. *NANP number format* (NXX-NXX-XXXX).
.. [7] ISO/IEC 7812-1:2017. *Identification cards — Identification of issuers — Part 1:
   Numbering system* (issuer identification number, major industry identifier, check digit).
.. [8] Luhn, H. P. (1960). *Computer for verifying numbers*. US Patent 2,950,048.
.. [9] ISO 13616-1:2020. *Financial services — International bank account number (IBAN) —
   Part 1: Structure of the IBAN*; ISO/IEC 7064:2003, MOD 97-10.
.. [10] SWIFT. *IBAN Registry* (country codes and IBAN lengths).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import pandas as pd

__all__ = ["KINDS", "PLACEHOLDERS", "PiiMatch", "find_pii", "mask", "pii_scan", "redact"]

#: The kinds of personal detail recognised, in the order they are looked for.
KINDS: tuple[str, ...] = ("email", "iban", "card", "phone")

#: What replaces each kind of detail.
PLACEHOLDERS: dict[str, str] = {
    "email": "[e-mail removed]",
    "iban": "[IBAN removed]",
    "card": "[card number removed]",
    "phone": "[phone number removed]",
}

#: Length of the IBAN of each country in the SWIFT IBAN Registry.
IBAN_LENGTHS: dict[str, int] = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22,
    "BI": 27, "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DJ": 27,
    "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FK": 18, "FO": 18, "FR": 27,
    "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28, "IE": 22,
    "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32,
    "LI": 21, "LT": 20, "LU": 20, "LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22, "MK": 19,
    "MN": 20, "MR": 27, "MT": 31, "MU": 30, "NI": 28, "NL": 18, "NO": 15, "OM": 23, "PK": 24,
    "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "RU": 33, "SA": 24, "SC": 31,
    "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25, "SV": 28, "TL": 23,
    "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
}  # fmt: skip


@dataclass(frozen=True)
class PiiMatch:
    """One personal detail found in a text; see :func:`find_pii`.

    Parameters
    ----------
    kind : {"email", "iban", "card", "phone"}
        What it is.
    start, end : int
        Where it is: ``text[start:end]``.
    """

    kind: str
    start: int
    end: int


# -- e-mail addresses -------------------------------------------------------------------------

_ATOM = r"[\w!#$%&'*+/=?^`{|}~-]+"
_LABEL = r"[^\W_](?:[\w-]{0,61}[^\W_])?"
_AT = r"(?:@|\s?[(\[]\s?at\s?[)\]]\s?)"
_DOT = r"(?:\.|\s?[(\[]\s?dot\s?[)\]]\s?)"
_EMAIL = re.compile(
    rf"(?<![\w.!#$%&'*+/=?^`{{|}}~-]){_ATOM}(?:\.{_ATOM})*{_AT}"
    rf"{_LABEL}(?:{_DOT}{_LABEL})*{_DOT}[^\W\d_]{{2,63}}(?![\w-])",
    re.IGNORECASE,
)

# -- IBANs ------------------------------------------------------------------------------------

_IBAN_START = re.compile(r"(?<![A-Za-z0-9])([A-Za-z]{2})([0-9]{2})")


def _alnum(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _iban_checks(compact: str) -> bool:
    """ISO/IEC 7064 MOD 97-10 as ISO 13616 applies it: rotated, letters as 10–35, mod 97 is 1."""
    rotated = compact[4:] + compact[:4]
    return int("".join(str(int(c, 36)) for c in rotated)) % 97 == 1


def _ibans(text: str) -> list[tuple[int, int]]:
    found = []
    for m in _IBAN_START.finditer(text):
        length = IBAN_LENGTHS.get(m.group(1).upper())
        if length is None:
            continue
        compact, i = m.group(0).upper(), m.end()
        while len(compact) < length and i < len(text):
            if _alnum(text[i]):
                compact += text[i].upper()
                i += 1
            elif text[i] == " " and i + 1 < len(text) and _alnum(text[i + 1]):
                i += 1
            else:
                break
        complete = len(compact) == length and not (i < len(text) and _alnum(text[i]))
        # the paper format of ISO 13616 (groups of four) is recognised even with a wrong check
        # digit, since a mistyped account is still someone's account; other spellings need it
        paper = text[m.start() : i].upper() == " ".join(
            compact[k : k + 4] for k in range(0, length, 4)
        )
        if complete and (paper or _iban_checks(compact)):
            found.append((m.start(), i))
    return found


# -- card and phone numbers -------------------------------------------------------------------

# A run of digit groups, each after one separator (a space, or - . / with optional spaces; none
# after a closing bracket), not glued to a word, an address, a '#', a '+' or another code.
_RUN = re.compile(
    r"(?<![\w@#+/\-])(?:\+ ?)?\(?[0-9]+\)?(?:(?: ?[-./] ?| |(?<=\)))\(?[0-9]+\)?)*(?![\w@])"
)
_GROUP = re.compile(r"(?:\+ ?)?\(?[0-9]+\)?")
_REFERENCE = re.compile(
    r"(?i)\b(?:order|invoice|inv|ref|reference|tracking|parcel|shipment|consignment|ticket|case|"
    r"booking|reservation|receipt|sku|item|article|product|model|serial|batch|lot|po)"
    r"(?:\s*(?:no|nr|num|number|id|code))?\.?\s*[#:.]?\s*$"
)
_DECIMAL = re.compile(r"^0[.,][0-9]")
#: Most digit groups a phone or card number is written in (``+33 (0)6 12 34 56 78`` has seven).
_MAX_GROUPS = 8


@dataclass(frozen=True)
class _Window:
    """Consecutive digit groups of a run: their texts, where each is, the separators between."""

    groups: tuple[str, ...]
    spans: tuple[tuple[int, int], ...]
    seps: tuple[str, ...]

    @property
    def start(self) -> int:
        return self.spans[0][0]

    @property
    def end(self) -> int:
        return self.spans[-1][1]

    @property
    def digits(self) -> str:
        return "".join(c for g in self.groups for c in g if c.isdigit())

    @property
    def sizes(self) -> tuple[int, ...]:
        return tuple(sum(c.isdigit() for c in g) for g in self.groups)

    def part(self, i: int, j: int) -> _Window:
        """Return groups ``i`` to ``j - 1``."""
        return _Window(self.groups[i:j], self.spans[i:j], self.seps[i : j - 1])


def _luhn(digits: str) -> bool:
    """Whether the last digit is the Luhn check digit of the others."""
    total = 0
    for i, char in enumerate(reversed(digits)):
        d = int(char)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _is_card(w: _Window) -> bool:
    digits = w.digits
    if not 13 <= len(digits) <= 19 or digits[0] not in "23456":
        return False
    if any(c in "+()" for g in w.groups for c in g):
        return False
    if w.seps and (len(set(w.seps)) > 1 or w.seps[0] not in (" ", "-")):
        return False
    sizes = w.sizes
    grouped = (
        len(sizes) == 1
        or (all(s == 4 for s in sizes[:-1]) and 1 <= sizes[-1] <= 4)
        or sizes in ((4, 6, 5), (4, 6, 4))
    )
    return grouped and _luhn(digits)


def _dates(run: _Window) -> list[tuple[int, int]]:
    """Find the dates in a run.

    A date is d.m.yyyy, m/d/yyyy or yyyy-m-d anywhere in the run, or a date with a two-digit
    year that is the whole run (perhaps followed by a time after a space).
    """
    n, found = len(run.groups), []
    for k in range(n - 2):
        sep = run.seps[k]
        if sep != run.seps[k + 1] or sep.strip() not in (".", "/", "-"):
            continue
        a, b, c = (int(g.strip("()+ ")) for g in run.groups[k : k + 3])
        sa, sb, sc = run.sizes[k : k + 3]
        whole = k == 0 and (n == 3 or (n == 4 and run.seps[2] == " "))
        if (sa == 4 and sb <= 2 and sc <= 2 and 1 <= b <= 12 and 1 <= c <= 31) or (
            sa <= 2
            and sb <= 2
            and (sc == 4 or (sc == 2 and whole))
            and 1 <= a <= 31
            and 1 <= b <= 31
            and min(a, b) <= 12
        ):
            found.append((run.spans[k][0], run.spans[k + 2][1]))
    return found


def _is_phone(w: _Window, text: str, dates: list[tuple[int, int]]) -> bool:
    digits = w.digits
    if w.sizes[-1] < 2:  # no number ends in a lone digit: "07700 900123 2 times"
        return False
    if w.groups[0].startswith("+"):
        return 8 <= len(digits) <= 15
    if _REFERENCE.search(text[max(0, w.start - 40) : w.start]):
        return False
    if any(w.start < end and start < w.end for start, end in dates):
        return False
    if digits.startswith("00"):
        return len(digits) > 2 and digits[2] != "0" and 8 <= len(digits) - 2 <= 15
    if digits.startswith("0"):
        window = text[w.start : w.end]
        return (
            len(digits) >= 2
            and digits[1] != "0"
            and 9 <= len(digits) <= 12
            and not _DECIMAL.match(window)
        )
    sizes = w.sizes
    nanp = (len(sizes) == 3 and sizes == (3, 3, 4)) or (
        len(sizes) == 4 and sizes == (1, 3, 3, 4) and digits[0] == "1"
    )
    if not nanp:
        return False
    area, exchange = digits[-10], digits[-7]
    separated = bool(w.seps) and all(s.strip() in ("", "-", ".") for s in w.seps)
    return area in "23456789" and exchange in "23456789" and separated


def _runs(text: str) -> list[tuple[list[_Window], list[tuple[int, int]]]]:
    """For every digit run: its windows of up to eight groups, longest first, and its dates."""
    out = []
    for match in _RUN.finditer(text):
        found = list(_GROUP.finditer(match.group(0)))
        spans = tuple((match.start() + m.start(), match.start() + m.end()) for m in found)
        seps = tuple(text[a[1] : b[0]] for a, b in pairwise(spans))
        run = _Window(tuple(m.group(0) for m in found), spans, seps)
        n = len(found)
        windows = [
            run.part(i, j) for i in range(n) for j in range(i + 1, min(i + _MAX_GROUPS, n) + 1)
        ]
        windows.sort(key=lambda w: (w.start - w.end, w.start))
        out.append((windows, _dates(run)))
    return out


def _overlaps(span: tuple[int, int], taken: list[tuple[int, int, str]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end, _ in taken)


def _check_kinds(kinds: Sequence[str]) -> tuple[str, ...]:
    if isinstance(kinds, str):
        kinds = (kinds,)
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise ValueError(
            f"unknown kind(s) {', '.join(map(repr, unknown))}; known: {', '.join(KINDS)}"
        )
    return tuple(kinds)


def find_pii(text: str, *, kinds: Sequence[str] = KINDS) -> list[PiiMatch]:
    """Find the e-mail addresses, IBANs, card and phone numbers in a text.

    The rules, and their sources, are in the module docstring. Matches never overlap: an
    e-mail address is looked for first, then IBANs, then card numbers, then phone numbers, and
    a later kind is not looked for inside an earlier one. Within a run of digit groups the
    longest stretch that passes a rule is taken.

    Parameters
    ----------
    text : str
        The text.
    kinds : sequence of str, default all of :data:`KINDS`
        Which kinds of detail to look for.

    Returns
    -------
    list of PiiMatch
        Sorted by position.

    Raises
    ------
    TypeError
        If ``text`` is not a string.
    ValueError
        If a kind is unknown.

    Examples
    --------
    >>> [(m.kind, m.start, m.end) for m in find_pii("Order 1234, call +44 20 7946 0958")]
    [('phone', 17, 33)]
    """
    if not isinstance(text, str):
        raise TypeError(f"find_pii needs a text (str); got {type(text).__name__}")
    wanted = _check_kinds(kinds)
    taken: list[tuple[int, int, str]] = []
    if "email" in wanted:
        taken += [(m.start(), m.end(), "email") for m in _EMAIL.finditer(text)]
    if "iban" in wanted:
        taken += [(a, b, "iban") for a, b in _ibans(text) if not _overlaps((a, b), taken)]
    numbers = [k for k in ("card", "phone") if k in wanted]
    for windows, dates in _runs(text) if numbers else []:
        for w in windows:
            if _overlaps((w.start, w.end), taken):
                continue
            if "card" in numbers and _is_card(w):
                taken.append((w.start, w.end, "card"))
            elif "phone" in numbers and _is_phone(w, text, dates):
                taken.append((w.start, w.end, "phone"))
    return [PiiMatch(kind, start, end) for start, end, kind in sorted(taken)]


def _redact_one(text: str, kinds: tuple[str, ...]) -> str:
    if not _CANDIDATE_RE.search(text):
        return text
    out = text
    for m in reversed(find_pii(text, kinds=kinds)):
        out = out[: m.start] + PLACEHOLDERS[m.kind] + out[m.end :]
    return out


def _missing(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def redact(texts: Any, *, kinds: Sequence[str] = KINDS) -> Any:
    """Mask e-mail addresses, phone numbers, payment card numbers and IBANs in free text.

    Each detail is replaced by its placeholder in :data:`PLACEHOLDERS` (``"[e-mail removed]"``,
    ``"[phone number removed]"``, ...), so a reader sees that something was there but not what.
    The rules and their sources are in the module docstring; dates, prices, decimals and numbers
    introduced as an order, invoice or tracking reference are left as they are. The text is not
    escaped: to show it as Markdown or HTML, pass it through :mod:`cxlab.findings`.

    Parameters
    ----------
    texts : str, pandas.Series or iterable of str
        One text or many. Missing values (None, NaN, NA) and values that are not text are
        returned unchanged.
    kinds : sequence of str, default all of :data:`KINDS`
        Which kinds of detail to mask.

    Returns
    -------
    str, pandas.Series or list
        The masked text; a Series with the same index for a Series; a list for any other
        iterable.

    Raises
    ------
    TypeError
        If ``texts`` is neither text nor an iterable of texts.
    ValueError
        If a kind is unknown.

    Examples
    --------
    >>> redact("Card 4111 1111 1111 1111, order no. 00123456789, delivered 03.02.2024")
    'Card [card number removed], order no. 00123456789, delivered 03.02.2024'
    >>> redact(["Pay back to GB82 WEST 1234 5698 7654 32 please", None])
    ['Pay back to [IBAN removed] please', None]
    >>> redact("call (212) 555-0123 or jo[at]example.org", kinds=["email"])
    'call (212) 555-0123 or [e-mail removed]'
    """
    wanted = _check_kinds(kinds)

    def one(value: Any) -> Any:
        return _redact_one(value, wanted) if isinstance(value, str) else value

    if isinstance(texts, str):
        return one(texts)
    if isinstance(texts, pd.Series):
        return texts.map(one, na_action="ignore")
    if isinstance(texts, Iterable) and not isinstance(texts, bytes | dict):
        return [v if _missing(v) else one(v) for v in texts]
    raise TypeError(
        f"redact needs a text, a pandas Series or a list of texts; got {type(texts).__name__}"
    )


# -- scanning tables --------------------------------------------------------------------------

# A text can hold one of the details only if it has an "@" or a bracketed "at" (e-mail), two
# letters followed by two digits (the start of an IBAN), or eight digits with nothing between
# them but the separators and brackets a phone or card number may use (no accepted phone number
# has fewer than eight digits, no card fewer than thirteen). Most comments have none of these —
# an order number, a price or a date is shorter — and this one vectorised test lets the scan,
# and the redaction, skip them.
_CANDIDATE = r"@|[(\[]\s?at\s?[)\]]|[A-Za-z]{2}[0-9]{2}|[0-9](?:[ ().\-/]{0,5}[0-9]){7}"
_CANDIDATE_RE = re.compile(_CANDIDATE, re.IGNORECASE)


def mask(text: str, kind: str) -> str:
    """Show the shape of a personal detail without the detail itself.

    An e-mail address keeps the first character of its local part and the top-level domain
    (``j***@***.com``); a number keeps its first character and its last two digits, with every
    other digit or letter replaced by ``*`` and separators kept (``07*** ***123`` becomes
    ``0**** ****23``). Enough to tell a reviewer what kind of detail sits where, too little to
    contact or charge anyone.

    Parameters
    ----------
    text : str
        The detail, as :func:`find_pii` found it.
    kind : {"email", "iban", "card", "phone"}
        Its kind.

    Returns
    -------
    str
        The masked detail.

    Examples
    --------
    >>> mask("jo.bloggs@example.com", "email")
    'j***@***.com'
    >>> mask("07700 900123", "phone")
    '0**** ****23'
    >>> mask("4111 1111 1111 1111", "card")
    '4*** **** **** **11'
    """
    _check_kinds((kind,))
    if kind == "email":
        tld = re.split(r"\.|\s?[(\[]\s?dot\s?[)\]]\s?", text)[-1]
        return f"{text[:1]}***@***.{tld}"
    keep = {i for i, c in enumerate(text) if c.isalnum()}
    alnum = sorted(keep)
    shown = set(alnum[:1]) | set(alnum[-2:])
    return "".join(c if (i not in keep or i in shown) else "*" for i, c in enumerate(text))


def pii_scan(
    df: pd.DataFrame, *, columns: Sequence[str] | None = None, kinds: Sequence[str] = KINDS
) -> pd.DataFrame:
    """Find the e-mail addresses, phone, card and IBAN numbers in the text columns of a table.

    Each text cell is searched with :func:`find_pii` (rules and sources in the module
    docstring); cells without an ``@``, a bracketed "at" or a digit cannot hold one of these
    details and are skipped in one vectorised pass, which keeps a scan of a million comments
    within a minute.

    Parameters
    ----------
    df : pandas.DataFrame
        The table, e.g. ``bundle.responses``.
    columns : sequence of str, optional
        The columns to search; default every column holding text (string or object dtype).
    kinds : sequence of str, default all of :data:`KINDS`
        Which kinds of detail to look for.

    Returns
    -------
    pandas.DataFrame
        One row per detail found, in table order: ``row`` (the table's index label),
        ``column``, ``kind``, ``start``, ``end`` (where it is in the cell) and ``masked`` (see
        :func:`mask`; the detail itself is never returned). Empty with these columns when
        nothing is found.

    Raises
    ------
    TypeError
        If ``df`` is not a DataFrame.
    KeyError
        If a named column is not in the table.

    Examples
    --------
    >>> t = pd.DataFrame({"comment": ["Great!", "call 07700 900123 or jo@example.com", None]})
    >>> pii_scan(t)[["row", "column", "kind", "masked"]].to_dict(
    ...     "records"
    ... )  # doctest: +NORMALIZE_WHITESPACE
    [{'row': 1, 'column': 'comment', 'kind': 'phone', 'masked': '0**** ****23'},
     {'row': 1, 'column': 'comment', 'kind': 'email', 'masked': 'j***@***.com'}]
    """
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"pii_scan needs a pandas DataFrame; got {type(df).__name__}")
    wanted = _check_kinds(kinds)
    if columns is None:
        columns = [
            c
            for c in df.columns
            if pd.api.types.is_string_dtype(df[c]) or pd.api.types.is_object_dtype(df[c])
        ]
    else:
        missing = [c for c in columns if c not in df.columns]
        if missing:
            raise KeyError(
                f"pii_scan: no column {', '.join(map(repr, missing))} in the table; it has "
                f"{', '.join(map(str, df.columns))}"
            )
    rows: list[tuple[Any, str, str, int, int, str]] = []
    for col in columns:
        values = df[col]
        text = values.where(values.map(lambda v: isinstance(v, str), na_action="ignore") == True)  # noqa: E712
        text = text.dropna().astype(str)
        hit = text.str.contains(_CANDIDATE, regex=True, flags=re.IGNORECASE)
        for label, value in text[hit].items():
            for m in find_pii(value, kinds=wanted):
                rows.append(
                    (label, str(col), m.kind, m.start, m.end, mask(value[m.start : m.end], m.kind))
                )
    out = pd.DataFrame(rows, columns=["row", "column", "kind", "start", "end", "masked"])
    if rows:
        position = {label: i for i, label in enumerate(df.index)}
        order = out["row"].map(position)
        out = out.assign(_p=order).sort_values(["_p", "column", "start"], kind="stable")
        out = out.drop(columns="_p").reset_index(drop=True)
    return out
