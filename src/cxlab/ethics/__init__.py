"""Ethics: keeping customers' personal data out of what an analysis shows.

Customers write contact and payment details into free text — "call me back on 07700 900123",
"refund to GB82 WEST 1234 5698 7654 32" — and a report that quotes their comments would pass
those details on to everyone who reads it. Every chapter that shows client text masks it first
with :func:`redact`.

Personal data in text
---------------------
redact
    Mask e-mail addresses, phone numbers, payment card numbers and IBANs in a text or a column
    of texts.
find_pii
    Where those details are in one text, and of which kind.
KINDS, PLACEHOLDERS
    The kinds of detail recognised, and what replaces each.

The detection itself lives in :mod:`cxlab.pii`, under every layer, so that the contract's
``cxlab init`` can flag columns that hold personal data; this package is where the chapters
find it.

Examples
--------
>>> from cxlab import ethics
>>> ethics.redact("Ring 07700 900123 or write to jo.bloggs@example.com, thanks")
'Ring [phone number removed] or write to [e-mail removed], thanks'
"""

from cxlab.pii import KINDS, PLACEHOLDERS, PiiMatch, find_pii, redact

__all__ = ["KINDS", "PLACEHOLDERS", "PiiMatch", "find_pii", "redact"]
