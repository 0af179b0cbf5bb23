"""Cross-cultural care: how groups use rating scales, before their scores are compared.

People in different countries, regions and languages use rating scales differently: some favour
the ends of a scale (*extreme response style*), some agree with whatever is asked
(*acquiescence*), some stay in the middle (Baumgartner & Steenkamp 2001; Harzing 2006). A group
that scores lower may simply answer more cautiously. :func:`response_styles` measures, per group,
over a battery of rating items on one scale:

* ``ers`` — extreme response style: the share of answers at either end of the scale;
* ``ars`` — acquiescence: the share of answers above the midpoint (agreeing);
* ``mrs`` — midpoint responding: the share at the midpoint (odd scales only);
* ``mean`` and ``sd`` of all the group's answers, and ``n`` respondents.

When the styles differ noticeably between groups, compare scores after removing each
respondent's own level and spread (within-person standardisation, "ipsatising": Fischer 2004),
which :func:`standardise_within` does, or compare rank orders of items rather than levels.

References
----------
.. [1] Baumgartner, H., & Steenkamp, J.-B. E. M. (2001). Response styles in marketing research:
   a cross-national investigation. *Journal of Marketing Research*, 38(2), 143–156.
.. [2] Harzing, A.-W. (2006). Response styles in cross-national survey research: a 26-country
   study. *International Journal of Cross Cultural Management*, 6(2), 243–266.
.. [3] Fischer, R. (2004). Standardization to account for cross-cultural response bias.
   *Journal of Cross-Cultural Psychology*, 35(3), 263–282.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from cxlab.checks import require_columns
from cxlab.ethics._privacy import MIN_CELL

__all__ = ["response_styles", "standardise_within"]


def _answers(df: pd.DataFrame, items: Sequence[str], low: int, high: int) -> pd.DataFrame:
    values = df[list(items)].apply(pd.to_numeric, errors="coerce").astype("float64")
    return values.where((values >= low) & (values <= high))


def response_styles(
    df: pd.DataFrame,
    *,
    by: str,
    items: Sequence[str],
    scale: tuple[int, int] = (1, 5),
    min_n: int = MIN_CELL,
) -> pd.DataFrame:
    """Response-style indices per group: extreme, acquiescent and midpoint answering.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per respondent (or response), with the item columns and the group column.
    by : str
        The group column (country, language, region).
    items : sequence of str
        Rating items on one scale; more and more varied items make the indices more telling.
    scale : (int, int), default (1, 5)
        Lowest and highest point. Answers outside it are ignored.
    min_n : int, default 5
        Groups with fewer respondents are flagged (``small``) and their indices blanked.

    Returns
    -------
    pandas.DataFrame
        Index: group. ``n`` (respondents with at least one answer), ``answers``, ``mean``,
        ``sd``, ``ers``, ``ars``, ``mrs`` (NaN for even scales), ``small``.

    Examples
    --------
    >>> t = pd.DataFrame({"g": ["x", "x", "y", "y"], "a": [1, 5, 3, 4], "b": [5, 5, 3, 2]})
    >>> s = response_styles(t, by="g", items=["a", "b"], min_n=1)
    >>> s[["ers", "ars", "mrs"]].to_dict("index")
    {'x': {'ers': 1.0, 'ars': 0.75, 'mrs': 0.0}, 'y': {'ers': 0.0, 'ars': 0.25, 'mrs': 0.5}}
    """
    require_columns(df, [by, *items], table="responses")
    low, high = scale
    if high <= low:
        raise ValueError(f"scale must be (lowest, highest) with highest above lowest; got {scale}")
    answers = _answers(df, items, low, high)
    mid = (low + high) / 2
    odd = (high - low) % 2 == 0
    groups = df[by].astype("string").fillna("(not recorded)")
    rows = {}
    for name, part in answers.groupby(groups.to_numpy()):
        flat = part.to_numpy().ravel()
        flat = flat[~np.isnan(flat)]
        n = int(part.notna().any(axis=1).sum())
        if not len(flat):
            continue
        rows[name] = {
            "n": n,
            "answers": len(flat),
            "mean": float(flat.mean()),
            "sd": float(flat.std(ddof=1)) if len(flat) > 1 else float("nan"),
            "ers": float(np.isin(flat, [low, high]).mean()),
            "ars": float((flat > mid).mean()),
            "mrs": float((flat == mid).mean()) if odd else float("nan"),
            "small": n < min_n,
        }
    out = pd.DataFrame.from_dict(rows, orient="index")
    if out.empty:
        return pd.DataFrame(columns=["n", "answers", "mean", "sd", "ers", "ars", "mrs", "small"])
    out.index.name = by
    for c in ("mean", "sd", "ers", "ars", "mrs"):
        out[c] = out[c].astype("float64").where(~out["small"])
    return out


def standardise_within(df: pd.DataFrame, *, items: Sequence[str]) -> pd.DataFrame:
    """Express each respondent's answers relative to their own mean and spread (ipsatising).

    Each answer becomes (answer − the respondent's mean) / the respondent's standard deviation
    over the items they answered; a respondent who gave the same answer everywhere (SD 0) or
    answered fewer than two items gets missing values.

    Examples
    --------
    >>> t = pd.DataFrame({"a": [1, 4], "b": [3, 4], "c": [5, 4]})
    >>> standardise_within(t, items=["a", "b", "c"]).round(2).values.tolist()
    [[-1.0, 0.0, 1.0], [nan, nan, nan]]
    """
    require_columns(df, list(items), table="responses")
    values = df[list(items)].apply(pd.to_numeric, errors="coerce").astype("float64")
    mean = values.mean(axis=1)
    sd = values.std(axis=1, ddof=1)
    sd = sd.where((sd > 0) & (values.notna().sum(axis=1) >= 2))
    return values.sub(mean, axis=0).div(sd, axis=0)
