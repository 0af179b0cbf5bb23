"""A follow-up queue as a CSV file a CRM can import and a spreadsheet can open safely.

Two risks come with handing a CSV of customer feedback to another system:

* **Formula injection.** A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@``
  (and some also treat a leading tab or carriage return as the start of one) as a formula, so a
  comment such as ``=HYPERLINK("http://evil", "click")`` could act when the file is opened. Every
  such cell is prefixed with a single quote, the neutralisation OWASP recommends for CSV
  injection; a quote is shown by the spreadsheet as text, never run.
* **Personal data.** The file keeps only an allowlist of columns (the customer id, which the CRM
  already holds, plus the queue's own fields), and runs every text cell through
  :func:`cxlab.pii.redact` once more, so no name, e-mail address, phone number, card number or
  IBAN travels with it. Line breaks inside a cell become spaces so every record is one line.

References
----------
.. [1] OWASP Foundation. *CSV Injection*.
   https://owasp.org/www-community/attacks/CSV_Injection
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from cxlab.checks import require_frame
from cxlab.pii import redact

__all__ = ["CRM_COLUMNS", "FORMULA_STARTS", "crm_csv", "neutralise"]

#: First characters that make a spreadsheet read a cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

#: Columns a CRM export may hold, in order (any other column is left out).
CRM_COLUMNS = (
    "rank",
    "customer_id",
    "answered",
    "touchpoint",
    "reasons",
    "comment",
    "value",
    "churn_risk",
    "priority",
    "owner",
    "action",
    "due",
    "flagged_answers",
)


def neutralise(cell: object) -> str:
    r"""Return one cell as text that no spreadsheet will run as a formula.

    Examples
    --------
    >>> neutralise('=HYPERLINK("http://x")'), neutralise("-2"), neutralise("fine")
    ('\'=HYPERLINK("http://x")', "'-2", 'fine')
    >>> neutralise(None), neutralise(0.25)
    ('', '0.25')
    """
    if cell is None or (not isinstance(cell, str) and pd.isna(cell)):
        return ""
    if isinstance(cell, pd.Timestamp):
        text = cell.strftime("%Y-%m-%d")
    elif isinstance(cell, float):
        text = f"{cell:.4f}".rstrip("0").rstrip(".")
    else:
        text = str(cell)
    if "\n" in text or "\r" in text[1:]:
        text = " ".join(text.replace("\r", "\n").split("\n"))
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def crm_csv(queue: pd.DataFrame, path: str | Path | None = None) -> str:
    """Write a follow-up queue as formula-safe, PII-free CSV (see the module docstring).

    Parameters
    ----------
    queue : pandas.DataFrame
        From :func:`cxlab.actions.follow_up_queue`.
    path : str or pathlib.Path, optional
        Where to write the file (UTF-8); the text is returned either way.

    Returns
    -------
    str
        The CSV text.

    Examples
    --------
    >>> q = pd.DataFrame(
    ...     {
    ...         "customer_id": ["C1"],
    ...         "comment": ["=1+1 mail me at a@example.com"],
    ...         "email": ["a@example.com"],
    ...     }
    ... )
    >>> print(crm_csv(q).strip())
    customer_id,comment
    C1,'=1+1 mail me at [e-mail removed]
    """
    require_frame(queue, table="follow-up queue")
    cols = [c for c in CRM_COLUMNS if c in queue.columns]
    frame = queue[cols].copy()
    for c in cols:
        if frame[c].dtype == object or pd.api.types.is_string_dtype(frame[c]):
            frame[c] = redact(frame[c].astype("object"))
        frame[c] = frame[c].map(neutralise, na_action=None).astype("object")
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, lineterminator="\n")
    text = buffer.getvalue()
    if path is not None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_text(text, encoding="utf-8")
    return text
