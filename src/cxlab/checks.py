"""Input checks that every analytics module shares: columns, rows, hints, one report.

An analysis handed a table checks it before computing anything, and says what is wrong in the
same way wherever the table came from. This module holds those checks once:

* :func:`missing_columns` lists each column a table lacks as a :class:`~cxlab.errors.Problem`
  that names the table and the column, suggests a close match among the columns the table has
  (:func:`did_you_mean`), lists them, and says how to point the analysis at another column;
* :func:`rows_problem` describes rows that break a rule: how many, the first few with their
  values (:func:`row_labels` says which row numbers a message shows), and the fix;
* :func:`raise_problems` raises what was found at once: a :class:`~cxlab.errors.DataError`
  for one problem, a :class:`~cxlab.errors.BundleError` carrying the whole report for several.

The checks sit just above :mod:`cxlab.errors` and below every analytics module (they import
nothing else from cxlab), so any module — the contract layer included — can use them. They are
public because a chapter written later, or a user's own analysis, should report bad input the
same way the shipped ones do.

Examples
--------
>>> import pandas as pd
>>> orders = pd.DataFrame({"customer": ["a"], "amount_eur": [9.5]})
>>> problems = missing_columns(orders, {"customer_id": "customer", "amount": "amount"},
...                            table="transactions")
>>> [p.column for p in problems]
['customer_id', 'amount']
>>> print(problems[1].hint)
did you mean 'amount_eur'? its columns are: 'customer', 'amount_eur'; pass amount='<column>' \
to use another column, or rename it in cxlab.yml under columns:
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from cxlab.errors import MAX_EXAMPLES, BundleError, DataError, Problem, ValidationReport, examples

__all__ = [
    "did_you_mean",
    "list_columns",
    "missing_columns",
    "raise_problems",
    "require_columns",
    "require_frame",
    "row_labels",
    "rows_problem",
]

#: Columns a missing-column hint lists before it stops with "...".
LISTED_COLUMNS = 12


def did_you_mean(name: Any, candidates: Iterable[Any], *, cutoff: float = 0.6) -> str:
    """Return ``"did you mean 'x'? "`` for the closest candidate to ``name``, or ``""``.

    Closeness is :func:`difflib.get_close_matches`' similarity ratio; the text is meant to
    start a hint, so it ends with a space.

    Parameters
    ----------
    name : object
        What was asked for (shown as text).
    candidates : iterable
        What exists (shown as text).
    cutoff : float, default 0.6
        Lowest similarity ratio, 0–1, that still counts as a close match.

    Returns
    -------
    str

    Examples
    --------
    >>> did_you_mean("amout", ["amount", "date"])
    "did you mean 'amount'? "
    >>> did_you_mean("zz", ["amount", "date"])
    ''
    """
    close = difflib.get_close_matches(str(name), [str(c) for c in candidates], n=1, cutoff=cutoff)
    return f"did you mean {close[0]!r}? " if close else ""


def list_columns(columns: Iterable[Any], *, limit: int = LISTED_COLUMNS) -> str:
    """Return column names quoted and comma-separated, the first ``limit`` of them.

    Examples
    --------
    >>> list_columns(["a", "b", "c"], limit=2)
    "'a', 'b', ..."
    >>> list_columns([])
    'none'
    """
    names = [str(c) for c in columns]
    if not names:
        return "none"
    shown = ", ".join(repr(c) for c in names[:limit])
    return shown + (", ..." if len(names) > limit else "")


def require_frame(df: Any, *, table: str) -> None:
    """Raise :class:`TypeError` unless ``df`` is a :class:`pandas.DataFrame`.

    Examples
    --------
    >>> require_frame([1, 2], table="events")
    Traceback (most recent call last):
    ...
    TypeError: the events table must be a pandas DataFrame; got list
    """
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"the {table} table must be a pandas DataFrame; got {type(df).__name__}")


def missing_columns(
    df: pd.DataFrame, wanted: Mapping[str, str] | Sequence[str], *, table: str
) -> list[Problem]:
    """One problem for each column in ``wanted`` that ``df`` lacks.

    Parameters
    ----------
    df : pandas.DataFrame
        The table.
    wanted : mapping of str to str, or sequence of str
        The columns needed. A mapping gives for each column the keyword argument that names it
        (``{"timestamp": "timestamp"}``), or how to pass another (``"drivers=[...]"``), so the
        hint can say exactly what to change; with a plain sequence the hint speaks of "the
        keyword argument that names it".
    table : str
        The table's name in messages (``"events"``, ``"responses"``, ...).

    Returns
    -------
    list of Problem
        Rule ``missing_column``, naming table and column; the hint suggests a close match,
        lists the table's columns and says how to use another column or rename one.

    Raises
    ------
    TypeError
        If ``df`` is not a DataFrame.

    Examples
    --------
    >>> df = pd.DataFrame({"when": ["2024-01-01"]})
    >>> [p.message for p in missing_columns(df, ["when", "stage"], table="events")]
    ["the events table has no column 'stage'"]
    """
    require_frame(df, table=table)
    fixes = dict(wanted) if isinstance(wanted, Mapping) else dict.fromkeys(wanted, "")
    have = list_columns(df.columns)
    problems = []
    for column, argument in fixes.items():
        if column in df.columns:
            continue
        if not argument:
            how = "pass the column's name as the keyword argument that names it"
        elif "=" in argument:
            how = f"pass {argument}"
        else:
            how = f"pass {argument}='<column>'"
        problems.append(
            Problem(
                "error",
                "missing_column",
                f"the {table} table has no column {column!r}",
                table=table,
                column=column,
                hint=f"{did_you_mean(column, df.columns)}its columns are: {have}; {how} to use "
                "another column, or rename it in cxlab.yml under columns:",
            )
        )
    return problems


def require_columns(
    df: pd.DataFrame, wanted: Mapping[str, str] | Sequence[str], *, table: str
) -> None:
    """Raise every :func:`missing_columns` problem at once (see :func:`raise_problems`).

    Examples
    --------
    >>> require_columns(pd.DataFrame({"date": []}), ["date"], table="responses")  # all there
    >>> require_columns(pd.DataFrame({"date": []}), {"nps": "score"}, table="responses")
    Traceback (most recent call last):
    ...
    cxlab.errors.DataError: ERROR [missing_column] table 'responses' › column 'nps': ...
    """
    raise_problems(missing_columns(df, wanted, table=table), source=table)


def row_labels(index: pd.Index | None, positions: np.ndarray) -> np.ndarray:
    """Row identifiers for messages: the index labels when they are integers, else positions.

    An integer index is usually the row number the user sees (``df.loc[...]`` finds the row);
    other labels (dates, ids) are not row numbers, so 0-based positions are shown instead.

    Examples
    --------
    >>> row_labels(pd.Index([10, 11, 12]), np.array([0, 2])).tolist()
    [10, 12]
    >>> row_labels(pd.Index(["x", "y"]), np.array([1])).tolist()
    [1]
    """
    positions = np.asarray(positions)
    if index is not None and pd.api.types.is_integer_dtype(index.dtype):
        return np.asarray(index)[positions]
    return positions


def rows_problem(
    rule: str,
    message: str,
    hint: str,
    *,
    column: str | None,
    positions: Sequence[int] | np.ndarray,
    values: Sequence[Any] | np.ndarray,
    index: pd.Index | None = None,
    table: str | None = None,
    file: str | None = None,
    severity: str = "error",
) -> Problem:
    """Describe the rows at ``positions`` as one problem, with the first few as examples.

    Parameters
    ----------
    rule, message, hint : str
        What rule the rows break, one sentence on what is wrong, and how to fix it.
    column : str or None
        The column the rule concerns.
    positions : array-like of int
        0-based positions of every offending row.
    values : array-like
        The offending values, one per position (at least the first few).
    index : pandas.Index, optional
        The table's index; its labels are shown when they are integers (see
        :func:`row_labels`), else the positions.
    table, file : str, optional
        Where the rows are.
    severity : {"error", "warning"}, default "error"

    Returns
    -------
    Problem
        With ``n_rows`` the number of positions and up to five ``(row, value)`` examples.

    Examples
    --------
    >>> p = rows_problem(
    ...     "bad_amount",
    ...     "2 amounts are not numbers",
    ...     "write plain numbers",
    ...     column="amount",
    ...     positions=[1, 3],
    ...     values=["ten", "€5"],
    ...     table="t",
    ... )
    >>> p.rows, p.n_rows
    (((1, 'ten'), (3, '€5')), 2)
    """
    positions = np.asarray(positions, dtype="int64")
    shown = row_labels(index, positions[:MAX_EXAMPLES])
    return Problem(
        severity,  # type: ignore[arg-type]
        rule,
        message,
        table=table,
        file=file,
        column=column,
        rows=examples(list(shown), list(values[:MAX_EXAMPLES])),
        n_rows=len(positions),
        hint=hint,
    )


def raise_problems(problems: Sequence[Problem], source: str) -> None:
    """Raise what was found: nothing, one :class:`DataError`, or a :class:`BundleError`.

    Parameters
    ----------
    problems : sequence of Problem
        Every problem found (report them all at once, so the input can be fixed in one pass).
    source : str
        What the report is about when there are several (a table or file name).

    Raises
    ------
    cxlab.errors.DataError
        For exactly one problem; :class:`cxlab.errors.BundleError` (a ``DataError`` whose
        ``report`` lists them all, and whose ``problem`` is the first) for several.

    Examples
    --------
    >>> raise_problems([], source="events")  # nothing to report
    """
    if not problems:
        return
    if len(problems) == 1:
        raise DataError(problems[0])
    raise BundleError(ValidationReport(source, list(problems)))
