"""The published CDNOW summary, for checking the models against Fader, Hardie & Lee (2005).

The data are not part of cxlab (see the project's reference-data README); they are read from a
folder given explicitly or by the environment variable ``CXLAB_REFERENCE_DATA``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

__all__ = ["cdnow_summary"]


def cdnow_summary(folder: str | os.PathLike | None = None) -> pd.DataFrame | None:
    """Read the 2,357-customer CDNOW calibration summary, or return None when it is absent.

    Parameters
    ----------
    folder : path-like, optional
        The reference-data folder (holding ``cdnow/``); default: ``CXLAB_REFERENCE_DATA``.

    Returns
    -------
    pandas.DataFrame or None
        ``ID``, ``frequency``, ``recency``, ``T`` (weeks), as published.

    Examples
    --------
    >>> cdnow_summary("/nowhere") is None
    True
    """
    folder = folder or os.environ.get("CXLAB_REFERENCE_DATA")
    if not folder:
        return None
    path = Path(folder) / "cdnow" / "cdnow_customers_summary.csv"
    return pd.read_csv(path) if path.is_file() else None
