"""Comments for people to read: always through PII redaction unless asked otherwise.

Customers write e-mail addresses and phone numbers into comments. Every function here that
returns comments for display or export masks them with :func:`cxlab.pii.redact` (the same
function :mod:`cxlab.ethics` re-exports) unless ``redact=False`` is passed explicitly.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from cxlab.pii import redact as _redact

__all__ = ["example_comments", "export_comments"]


def example_comments(
    frame: pd.DataFrame,
    *,
    text: str = "comment",
    sort_by: str = "compound",
    ascending: bool = True,
    n: int = 5,
    columns: tuple[str, ...] = (),
    max_chars: int = 200,
    redact: bool = True,
) -> pd.DataFrame:
    """Pick a few comments to quote, redacted and shortened.

    Parameters
    ----------
    frame : pandas.DataFrame
        Comments with their scores.
    text : str
        The comment column.
    sort_by : str
        Column to pick the examples by (the most negative first by default).
    ascending : bool
        Sort order.
    n : int
        How many.
    columns : tuple of str
        Other columns to keep beside the comment.
    max_chars : int
        Longer comments are cut and end in "…".
    redact : bool, default True
        Mask e-mail addresses, phone numbers, card numbers and IBANs.

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> df = pd.DataFrame({"comment": ["Call 07700 900123 now", "Fine"], "compound": [-0.5, 0.2]})
    >>> example_comments(df, n=1)["comment"].tolist()
    ['Call [phone number removed] now']
    """
    keep = frame[frame[text].map(lambda v: isinstance(v, str) and bool(v.strip()))]
    keep = keep.sort_values(sort_by, ascending=ascending, kind="stable").head(n)
    out = keep[[*columns, sort_by, text]].copy() if sort_by != text else keep[[*columns, text]]
    shown = _redact(out[text]) if redact else out[text]
    out[text] = shown.map(lambda s: s if len(s) <= max_chars else s[: max_chars - 1] + "…")
    return out.reset_index(drop=True)


def export_comments(
    frame: pd.DataFrame, path: Any, *, text: str = "comment", redact: bool = True
) -> Path:
    """Write comments with their scores to CSV, redacted unless ``redact=False``.

    The file's folder is created when it does not exist yet.

    Parameters
    ----------
    frame : pandas.DataFrame
        Comments and any other columns.
    path : path-like
        The CSV file to write.
    text : str
        The comment column.
    redact : bool, default True
        Mask personal details in the comments.

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> import tempfile
    >>> df = pd.DataFrame({"comment": ["mail me at jo@example.com"]})
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     p = export_comments(df, Path(tmp) / "exports" / "c.csv")
    ...     p.read_text().splitlines()[1]
    'mail me at [e-mail removed]'
    """
    out = frame.copy()
    if redact and text in out:
        out[text] = _redact(out[text])
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    out.to_csv(path, index=False, lineterminator="\n")
    return path
