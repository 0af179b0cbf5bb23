"""The one-line notes that stand in for a section the survey data cannot support.

A chapter leaves a section out when the responses lack what it needs — a score nobody answered,
no touchpoint, no dates, a single period — and says so in one line: what is left out, what the
data lack, and what would enable it. The notes are findings, so the report shows the same line
as the notebook, and the reason is worked out from the data rather than written in advance.

:func:`readable_table` does the same for tables: a value the data cannot give (the score of a
group too small to score) shows as a dash, not as ``NaN``.
"""

from __future__ import annotations

import pandas as pd

from cxlab.findings import Finding

__all__ = ["SECTIONS", "left_out_finding", "readable_table"]

#: Each section a chapter may leave out: its name in the note, and the responses columns it needs.
SECTIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "csat_by_touchpoint": ("CSAT by touchpoint", ("csat", "touchpoint")),
    "csat_panels": ("CSAT by channel and customer group", ("csat",)),
    "nps_groups": ("The count of promoters, passives and detractors", ("nps",)),
    "effort_by_touchpoint": ("Effort by touchpoint", ("ces", "touchpoint")),
    "csat_trend": ("The CSAT trend", ("csat", "date")),
    "nps_waves": ("NPS by quarter", ("nps", "date")),
    "changes": ("The change since the previous quarter", ("date",)),
    "nps_goal": ("Planning the next NPS wave", ("nps", "date")),
    "nps_target": ("Testing the NPS against a goal", ("nps", "date")),
    "nps_margins": ("The NPS margin tables", ("nps",)),
}

#: What the responses would need, per column, in the words of the note.
_ENABLE: dict[str, str] = {
    "nps": "an NPS question (likelihood to recommend, 0–10) mapped to nps in cxlab.yml",
    "csat": "a satisfaction rating mapped to csat in cxlab.yml",
    "ces": "an effort rating mapped to ces in cxlab.yml",
    "touchpoint": "a touchpoint column saying where each answer was given",
    "date": "the date of each answer",
}

#: How the note names each missing column.
_LACK: dict[str, str] = {
    "nps": "no NPS answers",
    "csat": "no CSAT answers",
    "ces": "no CES answers",
    "touchpoint": "no touchpoint",
    "date": "no dates",
}


def left_out_finding(
    responses: pd.DataFrame | None,
    *,
    section: str,
    periods: int | None = None,
    need: int = 2,
    freq: str = "quarter",
) -> Finding | None:
    """Say in one line why a section is left out and what would enable it, if it is.

    Parameters
    ----------
    responses : pandas.DataFrame or None
        The survey responses (None when the bundle has none).
    section : str
        A key of :data:`SECTIONS`.
    periods : int, optional
        For sections that need periods: how many periods have enough answers; fewer than
        ``need`` leaves the section out.
    need : int, default 2
        Periods the section needs (2 to compare, 1 to plan from the latest).
    freq : str, default "quarter"
        The period's name in the note.

    Returns
    -------
    Finding or None
        None when the data support the section; else an unsupported finding.

    Raises
    ------
    ValueError
        For an unknown ``section``.

    Examples
    --------
    >>> df = pd.DataFrame({"date": pd.to_datetime(["2024-01-02", "2024-01-09"]), "csat": [4, 5]})
    >>> print(left_out_finding(df, section="nps_margins"))  # doctest: +NORMALIZE_WHITESPACE
    The NPS margin tables are left out: the responses have no NPS answers; an NPS question
    (likelihood to recommend, 0–10) mapped to nps in cxlab.yml would enable them.
    >>> print(left_out_finding(df, section="csat_trend", periods=1, freq="month"))
    ... # doctest: +NORMALIZE_WHITESPACE
    The CSAT trend is left out: fewer than two months have enough answers; answers spread over
    at least two would enable it.
    >>> left_out_finding(df, section="csat_trend", periods=2) is None
    True
    """
    if section not in SECTIONS:
        raise ValueError(f"section must be one of {', '.join(SECTIONS)}, not {section!r}")
    title, needs = SECTIONS[section]
    them = "them" if title.endswith("tables") else "it"
    verb = "are" if them == "them" else "is"
    if responses is None:
        return Finding.unsupported(
            "{title} " + verb + " left out: the data has no survey responses; a file of survey "
            "answers would enable " + them + ".",
            title=title,
        )
    missing = [c for c in needs if c not in responses or responses[c].notna().sum() == 0]
    if not missing and len(needs) > 1:
        together = responses[list(needs)].notna().all(axis=1).any()
        if not together:
            missing = list(needs[1:])
    if missing:
        return Finding.unsupported(
            "{title} "
            + verb
            + " left out: the responses have {lack}; {enable} would enable "
            + them
            + ".",
            title=title,
            lack=" and ".join(_LACK[c] for c in missing),
            enable=" and ".join(_ENABLE[c] for c in missing),
        )
    if periods is not None and periods < need:
        lack = (
            "no {freq} has enough answers; more answers per {freq}"
            if need == 1
            else "fewer than two {freq}s have enough answers; answers spread over at least two"
        )
        return Finding.unsupported(
            "{title} " + verb + " left out: " + lack + " would enable " + them + ".",
            title=title,
            freq=freq,
        )
    return None


def readable_table(table: pd.DataFrame, *, digits: int = 3, missing: str = "–") -> pd.DataFrame:
    """Round a results table for reading and show its missing values as ``missing``.

    Scores of groups too small to score, intervals of a single answer and the like are missing
    values; a table shown to a client says so with a dash rather than printing ``NaN``.

    Parameters
    ----------
    table : pandas.DataFrame
        A results table (a breakdown, a year-by-year view, ...).
    digits : int, default 3
        Decimals kept in float columns.
    missing : str, default "–"
        Text shown for a missing value.

    Returns
    -------
    pandas.DataFrame
        The same shape; columns with a missing value become text columns.

    Examples
    --------
    >>> df = pd.DataFrame({"n": [5, 40], "value": [float("nan"), 61.23456]}, index=["a", "b"])
    >>> readable_table(df, digits=1)["value"].tolist()
    ['–', 61.2]
    """
    out = table.round(digits)
    gaps = out.isna()
    if not gaps.any().any():
        return out
    out = out.astype(object)
    return out.where(~gaps, missing)
