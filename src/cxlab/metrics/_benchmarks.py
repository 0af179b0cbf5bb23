"""Comparing scores with a benchmark table the user supplies.

cxlab ships no benchmark figures. Published "industry averages" differ in survey method,
scale, sample and year, are often proprietary, and a wrong number presented as a norm does more
harm than none. The user brings the table — last year's own survey, a head-office target, a
figure from a report they have the rights to — in a documented CSV format, and cxlab checks it
and lines it up with their scores.

The benchmark file is read here with :func:`pandas.read_csv` rather than through the data
contract because it is not client data (it is reference figures) and has its own small format.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cxlab import present
from cxlab.checks import did_you_mean, raise_problems, rows_problem
from cxlab.errors import Problem
from cxlab.metrics._scores import METRICS, CESScore, CSATScore, Score

__all__ = ["BENCHMARK_COLUMNS", "benchmark", "benchmark_table", "read_benchmarks"]

#: Columns of a benchmark table, in the documented order (metric, source, value required).
BENCHMARK_COLUMNS: tuple[str, ...] = (
    "metric",
    "source",
    "segment",
    "value",
    "low",
    "high",
    "n",
    "year",
    "scale",
)
_REQUIRED = ("metric", "source", "value")
_FLOATS = ("value", "low", "high")
_SCALE = re.compile(r"^\s*(\d+)\s*[-–]\s*(\d+)\s*$")


def _problem(rule: str, message: str, hint: str, *, file: str | None, **where: Any) -> Problem:
    return Problem("error", rule, message, file=file, hint=hint, **where)


def _check(raw: pd.DataFrame, file: str | None, first_row: int) -> list[Problem]:
    """Every problem of a benchmark table held as text."""
    problems: list[Problem] = []
    missing = [c for c in _REQUIRED if c not in raw.columns]
    if missing:
        problems.append(
            _problem(
                "missing_column",
                f"the benchmark table lacks column(s) {', '.join(missing)}",
                did_you_mean(missing[0], raw.columns)
                + "the header must name at least metric, source and value; optional: "
                "segment, low, high, n, year, scale",
                file=file,
                column=missing[0],
            )
        )
        return problems
    rownum = pd.Index(np.arange(len(raw)) + first_row)

    def flag(mask: pd.Series, column: str, rule: str, message: str, hint: str) -> None:
        bad = np.flatnonzero(mask.to_numpy())
        if len(bad):
            problems.append(
                rows_problem(
                    rule,
                    message.format(k=len(bad)),
                    hint,
                    file=file,
                    column=column,
                    index=rownum,
                    positions=bad,
                    values=raw[column].to_numpy()[bad],
                )
            )

    text = {c: raw[c].fillna("").astype(str).str.strip() for c in raw.columns}
    metric = text["metric"].str.lower()
    flag(
        ~metric.isin(METRICS),
        "metric",
        "unknown_metric",
        "{k} row(s) name a metric other than nps, csat or ces",
        "write nps, csat or ces",
    )
    flag(
        text["source"] == "",
        "source",
        "missing_value",
        "{k} row(s) have no source",
        "say where each figure comes from (e.g. 'Own survey 2024')",
    )
    numbers: dict[str, pd.Series] = {}
    for col in _FLOATS:
        if col not in raw.columns:
            continue
        numbers[col] = pd.to_numeric(text[col].where(text[col] != ""), errors="coerce")
        flag(
            numbers[col].isna() & (text[col] != ""),
            col,
            "not_a_number",
            "{k} value(s) are not numbers",
            "write plain numbers with a decimal point, e.g. 31.5",
        )
    flag(
        text["value"] == "",
        "value",
        "missing_value",
        "{k} row(s) have no value",
        "every benchmark row needs its value",
    )
    value = numbers["value"]
    flag(
        (metric == "nps") & ((value < -100) | (value > 100)),
        "value",
        "out_of_range",
        "{k} NPS value(s) outside −100..100",
        "an NPS is in points from −100 to 100",
    )
    flag(
        (metric == "csat") & ((value < 0) | (value > 100)),
        "value",
        "out_of_range",
        "{k} CSAT value(s) outside 0–100",
        "CSAT benchmarks are percent satisfied, from 0 to 100",
    )
    flag(
        (metric == "csat") & (value > 0) & (value <= 1),
        "value",
        "share_not_percent",
        "{k} CSAT value(s) look like shares (0–1) rather than percent",
        "write CSAT as percent satisfied: 84, not 0.84",
    )
    if "low" in numbers and "high" in numbers:
        lo, hi = numbers["low"], numbers["high"]
        flag(
            lo.notna() != hi.notna(),
            "low" if "low" in raw.columns else "high",
            "half_interval",
            "{k} row(s) give only one end of the interval",
            "give both low and high, or neither",
        )
        flag(
            (lo > value) | (hi < value),
            "value",
            "interval_order",
            "{k} value(s) lie outside their own low–high interval",
            "check that low ≤ value ≤ high",
        )
    elif "low" in numbers or "high" in numbers:
        col = "low" if "low" in numbers else "high"
        problems.append(
            _problem(
                "half_interval",
                f"the table has column {col!r} without its partner",
                "give both low and high columns, or neither",
                file=file,
                column=col,
            )
        )
    for col, lo_ok, hi_ok, what in (("n", 1, None, "a count"), ("year", 1900, 2100, "a year")):
        if col not in raw.columns:
            continue
        num = pd.to_numeric(text[col].where(text[col] != ""), errors="coerce")
        bad = (text[col] != "") & (num.isna() | (num != num.round()) | (num < lo_ok))
        if hi_ok is not None:
            bad |= num > hi_ok
        flag(
            bad,
            col,
            "not_a_count" if col == "n" else "bad_year",
            "{k} value(s) are not " + what,
            f"{col} must be a whole number" + (" of answers" if col == "n" else ", e.g. 2024"),
        )
    if "scale" in raw.columns:
        parsed = text["scale"].str.extract(_SCALE).astype("float64")
        bad = (text["scale"] != "") & (parsed[0].isna() | (parsed[0] >= parsed[1]))
        flag(
            bad,
            "scale",
            "bad_scale",
            "{k} scale(s) are not of the form min-max",
            "write the scale the figure was measured on, e.g. 1-5 or 1-7",
        )
        ces_value = (metric == "ces") & parsed[0].notna()
        flag(
            ces_value & ((value < parsed[0]) | (value > parsed[1])),
            "value",
            "out_of_range",
            "{k} CES value(s) lie outside their scale",
            "a CES benchmark is a mean on the scale named in the scale column",
        )
    return problems


def _finish(raw: pd.DataFrame, file: str | None, first_row: int) -> pd.DataFrame:
    raw = raw.rename(columns=lambda c: str(c).strip().lower())
    problems = _check(raw, file, first_row)
    raise_problems(problems, source=file or "benchmark table")
    out = pd.DataFrame(index=pd.RangeIndex(len(raw)))
    text = {c: raw[c].fillna("").astype(str).str.strip() for c in raw.columns}
    out["metric"] = text["metric"].str.lower()
    out["source"] = text["source"]
    out["segment"] = text["segment"].replace("", pd.NA) if "segment" in raw else pd.NA
    for col in (*_FLOATS, "n", "year"):
        if col in raw:
            num = pd.to_numeric(text[col].where(text[col] != ""), errors="coerce")
        else:
            num = pd.Series(np.nan, index=out.index)
        out[col] = num.astype("float64" if col in _FLOATS else "Int64").to_numpy()
    out["scale"] = text["scale"].replace("", pd.NA) if "scale" in raw else pd.NA
    out = out.astype({"metric": "str", "source": "str", "segment": "str", "scale": "str"})
    extra = [c for c in raw.columns if c not in BENCHMARK_COLUMNS]
    for c in extra:
        out[c] = raw[c].to_numpy()
    return out


def read_benchmarks(path: str | os.PathLike) -> pd.DataFrame:
    r"""Read and check a benchmark table the user supplies.

    The file is a UTF-8 CSV with a header row; ``metric``, ``source`` and ``value`` are
    required, the other columns optional, and further columns are kept as they are::

        metric,source,segment,value,low,high,n,year,scale
        nps,Own survey 2024,,31,24.5,37.2,412,2024,
        csat,Own survey 2024,delivery,84,,,120,2024,1-5

    ========  ==================================================================================
    metric    ``nps``, ``csat`` or ``ces``
    source    where the figure comes from (own survey, head-office target, a report you may use)
    segment   what it applies to (a touchpoint, region, plan...); empty = the whole business
    value     NPS in points (−100..100), CSAT in percent satisfied (0–100), CES as a mean
    low/high  the figure's own interval, if published (both or neither); taken as 95 %
    n         answers behind the figure
    year      year of the figure
    scale     scale it was measured on, ``min-max`` (e.g. ``1-5``); CSAT and CES figures on
              different scales are not comparable
    ========  ==================================================================================

    Parameters
    ----------
    path : path-like
        The CSV file.

    Returns
    -------
    pandas.DataFrame
        One row per benchmark, with every column above (missing optional ones filled with
        NA), metric names in lower case.

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    cxlab.errors.DataError
        If the table breaks a rule: the message names the file, column, rows (as in a
        spreadsheet: the header is row 1) and a fix. With several problems a
        :class:`cxlab.errors.BundleError` (a DataError) carries them all in ``.report``.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = Path(tmp) / "benchmarks.csv"
    ...     _ = path.write_text("metric,source,value\nnps,Own survey 2024,31\n")
    ...     table = read_benchmarks(path)
    >>> table.loc[0, "metric"], table.loc[0, "source"], float(table.loc[0, "value"])
    ('nps', 'Own survey 2024', 31.0)
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no benchmark file at {path}")
    raw = pd.read_csv(
        path, dtype=str, keep_default_na=False, encoding="utf-8-sig", skipinitialspace=True
    )
    return _finish(raw, path.name, first_row=2)


def _scale_of(x: Any) -> str | None:
    if isinstance(x, CSATScore | CESScore):
        return f"{x.scale[0]}-{x.scale[1]}"
    return None


def _same_scale(ours: str | None, theirs: Any) -> bool:
    if ours is None or theirs is None or pd.isna(theirs):
        return True
    m = _SCALE.match(str(theirs))
    return bool(m) and f"{m.group(1)}-{m.group(2)}" == ours


def benchmark(
    result: Any,
    table: pd.DataFrame | str | os.PathLike,
    *,
    metric: str | None = None,
) -> pd.DataFrame:
    """Line up scores with the user's benchmark figures.

    A score result is compared with every benchmark row of its metric; a :func:`breakdown`
    table with the rows whose ``segment`` equals the group. The comparison is read from the
    intervals: ``"above"`` when our interval lies wholly above the benchmark (its interval when
    it has one, else its value), ``"below"`` likewise, else ``"overlapping"``. Two 95 %
    intervals that do not overlap signal a difference more strictly than a 5 % test would, so
    "overlapping" does not mean "the same".

    Parameters
    ----------
    result : score result or pandas.DataFrame
        A result of :func:`nps`, :func:`csat` or :func:`ces`, or a :func:`breakdown` table.
    table : pandas.DataFrame or path-like
        The benchmarks: a path (read with :func:`read_benchmarks`) or a table it returned.
    metric : {"nps", "csat", "ces"}, optional
        The metric of a breakdown table (default: its ``attrs["metric"]``).

    Returns
    -------
    pandas.DataFrame
        One row per pairing with ``segment`` (our group, or NA), ``value``, ``low``, ``high``
        (ours), ``source``, ``benchmark_segment``, ``year``, ``benchmark`` (its value),
        ``benchmark_low``, ``benchmark_high``, ``difference`` (ours minus benchmark),
        ``comparable`` (False when the benchmark was measured on another scale) and
        ``comparison`` (``"above"``, ``"below"``, ``"overlapping"`` or ``"not comparable"``).
        Empty when nothing matches.

    Raises
    ------
    cxlab.errors.DataError
        If the table breaks a rule of the format.
    ValueError
        If the metric cannot be told.

    Examples
    --------
    >>> table = pd.DataFrame(
    ...     {"metric": ["csat"], "source": ["Own survey 2024"], "value": ["70"], "scale": ["1-5"]}
    ... )
    >>> from cxlab.metrics import csat
    >>> b = benchmark(csat([5] * 45 + [4] * 40 + [2] * 15), table)
    >>> b[["value", "benchmark", "difference", "comparison"]].values.tolist()
    [[85.0, 70.0, 15.0, 'above']]
    """
    if isinstance(table, str | os.PathLike):
        table = read_benchmarks(table)
    elif set(BENCHMARK_COLUMNS) - set(table.columns) or table["value"].dtype != "float64":
        table = _finish(table.astype(str).replace({"nan": "", "<NA>": "", "None": ""}), None, 0)
    if isinstance(result, Score):
        metric = result.metric
        ours = [(pd.NA, result.value, result.low, result.high, _scale_of(result))]
        rows = table[table["metric"] == metric]
        pairs = [(o, r) for o in ours for _, r in rows.iterrows()]
    elif isinstance(result, pd.DataFrame):
        metric = metric or result.attrs.get("metric")
        if metric not in METRICS:
            raise ValueError(
                "say which metric the table holds: benchmark(table, ..., metric='nps')"
            )
        rows = table[table["metric"] == metric]
        scale = result.attrs.get("scale")
        pairs = []
        for group, g in result.iterrows():
            if pd.isna(g["value"]):
                continue
            for _, r in rows[rows["segment"] == str(group)].iterrows():
                pairs.append(((str(group), g["value"], g["low"], g["high"], scale), r))
    else:
        raise TypeError("result must be a score result (nps, csat, ces) or a breakdown table")
    out = []
    for (segment, value, low, high, scale), r in pairs:
        b_low = r["low"] if pd.notna(r["low"]) else r["value"]
        b_high = r["high"] if pd.notna(r["high"]) else r["value"]
        comparable = _same_scale(scale, r["scale"])
        if not comparable:
            verdict = "not comparable"
        elif low > b_high:
            verdict = "above"
        elif high < b_low:
            verdict = "below"
        else:
            verdict = "overlapping"
        out.append(
            {
                "segment": segment,
                "value": value,
                "low": low,
                "high": high,
                "source": r["source"],
                "benchmark_segment": r["segment"],
                "year": r["year"],
                "benchmark": r["value"],
                "benchmark_low": r["low"],
                "benchmark_high": r["high"],
                "difference": value - r["value"],
                "comparable": comparable,
                "comparison": verdict,
            }
        )
    cols = [
        "segment",
        "value",
        "low",
        "high",
        "source",
        "benchmark_segment",
        "year",
        "benchmark",
        "benchmark_low",
        "benchmark_high",
        "difference",
        "comparable",
        "comparison",
    ]
    frame = pd.DataFrame(out, columns=cols)
    return frame.astype({"year": "Int64", "comparable": "bool"})


def benchmark_table(lined_up: pd.DataFrame) -> present.Table:
    """Show :func:`benchmark`'s comparison as a reader would.

    Each row gives the segment, our score and the benchmark's, each with its interval, the
    difference and the verdict, to one decimal. The source and year, which every row of one
    benchmark table shares, are for the sentence beside it (:func:`benchmark_finding`).

    Parameters
    ----------
    lined_up : pandas.DataFrame
        From :func:`benchmark`.

    Returns
    -------
    cxlab.present.Table

    Examples
    --------
    >>> lined_up = pd.DataFrame(
    ...     {"segment": ["checkout"], "value": [11.42], "low": [6.1], "high": [20.3],
    ...      "benchmark": [25.1], "benchmark_low": [19.4], "benchmark_high": [31.9],
    ...      "difference": [-13.68], "comparison": ["overlapping"]}
    ... )  # fmt: skip
    >>> benchmark_table(lined_up).frame.iloc[0].tolist()
    ['checkout', '11.4 (6.1 to 20.3)', '25.1 (19.4 to 31.9)', '−13.7', 'overlapping']
    """
    shown = lined_up.drop(
        columns=["source", "benchmark_segment", "year", "comparable"], errors="ignore"
    )
    spans = {
        "Own score": ("value", "low", "high"),
        "Benchmark": ("benchmark", "benchmark_low", "benchmark_high"),
    }
    one_decimal = dict.fromkeys(["value", "benchmark", "difference"], 1)
    return present.table(shown, intervals=spans, digits=one_decimal)
