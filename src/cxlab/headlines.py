"""Headline numbers: how a chapter notebook hands its key results to the client's metrics.json.

A chapter ends its practical part with one call::

    headlines.publish({"nps": nps_result, "top_driver": "delivery_speed"})

which shows the numbers as a small table (the learner and the client report see it) and
attaches the same numbers, as JSON text, to the cell's output under the MIME type
:data:`MIMETYPE`. The runner (:mod:`cxlab.runner`) reads every output of that type from the
executed notebook and files the merged mapping under the notebook's name in ``metrics.json``.
The notebook needs no file, no path and no knowledge of the runner, and running it by hand or
with papermill directly works the same.

Values are turned into plain JSON as they are published, so that what the notebook shows is
exactly what the runner files: numbers (numpy scalars included; NaN and infinity become
``null``), text, booleans, dates and periods (as ISO text), lists and mappings of those, and any
result object with a ``to_dict()`` method (the score results of :mod:`cxlab.metrics`, say).
Missing values (``None``, ``pd.NA``, ``pd.NaT``, NaN) become ``null``: a bundle without a table
has no number for it, and the table shows "not available", with the reason when the chapter
gives one (``notes=``).
Anything else is refused with a ``TypeError`` naming the key, rather than written half-way.

This is written here rather than taken from scrapbook, the library papermill once used for the
same purpose, because scrapbook is no longer maintained; the mechanism (a custom MIME type in a
display output) is the one it used.

Examples
--------
>>> import numpy as np
>>> h = publish(
...     {"customers": np.int64(1200), "share": 0.25, "period": "2024-01/2024-12"}, display=False
... )
>>> h.data
{'customers': 1200, 'share': 0.25, 'period': '2024-01/2024-12'}
>>> collect([{"output_type": "display_data", "data": h._repr_mimebundle_()}])
{'customers': 1200, 'share': 0.25, 'period': '2024-01/2024-12'}
"""

from __future__ import annotations

import datetime as dt
import html
import json
import math
import numbers
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["MIMETYPE", "Headlines", "collect", "publish", "to_json"]

#: MIME type of the JSON payload a published cell output carries.
MIMETYPE = "application/vnd.cxlab.headlines+json"


def to_json(value: Any, *, key: str = "value") -> Any:
    """Turn a value into plain JSON data (dict, list, str, int, float, bool or None).

    Parameters
    ----------
    value : object
        The value to convert; see the module docstring for what is accepted.
    key : str
        Name used in the error message when the value cannot be converted.

    Returns
    -------
    object
        The JSON-ready value.

    Raises
    ------
    TypeError
        If the value (or something inside it) has no JSON form.

    Examples
    --------
    >>> to_json({"low": np.float64("nan"), "when": pd.Period("2024-03", "M")})
    {'low': None, 'when': '2024-03'}
    >>> to_json({"orders": pd.NA, "first": pd.NaT, "last": None})
    {'orders': None, 'first': None, 'last': None}
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, bool | str):
        return value
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        number = float(value)
        return number if math.isfinite(number) else None
    if isinstance(value, pd.Timestamp | dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, pd.Period):
        return str(value)
    if hasattr(value, "to_dict") and not isinstance(value, pd.DataFrame | pd.Series):
        return to_json(value.to_dict(), key=key)
    if isinstance(value, pd.Series):
        return to_json(value.to_dict(), key=key)
    if isinstance(value, Mapping):
        out = {}
        for k, v in value.items():
            if not isinstance(k, str):
                raise TypeError(f"headline {key!r}: keys must be text, got {k!r}")
            out[k] = to_json(v, key=f"{key}.{k}")
        return out
    if isinstance(value, list | tuple | np.ndarray):
        return [to_json(v, key=f"{key}[{i}]") for i, v in enumerate(value)]
    raise TypeError(
        f"headline {key!r}: cannot publish a {type(value).__name__}; give a number, text, date, "
        "list, mapping, or an object with to_dict()"
    )


class Headlines:
    """Published headline numbers; displays as a table and carries the JSON for the runner.

    Parameters
    ----------
    data : dict
        JSON-ready headline numbers (see :func:`to_json`).
    notes : dict of str to str, optional
        Why a number is missing, by key (``"the data has no transactions table"``); shown as
        "not available, because ..." in place of a missing value. Not part of the JSON.
    """

    def __init__(self, data: dict[str, Any], notes: Mapping[str, str] | None = None):
        self.data = data
        self.notes = dict(notes or {})

    def _rows(self) -> list[tuple[str, str]]:
        rows = []
        for name, value in self.data.items():
            if value is None:
                note = self.notes.get(name)
                rows.append((name, f"not available, because {note}" if note else "not available"))
            else:
                rows.append((name, _short(value)))
        return rows

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        body = "".join(
            f"<tr><th style='text-align:left'>{html.escape(k)}</th>"
            f"<td style='text-align:left'>{html.escape(v)}</td></tr>"
            for k, v in self._rows()
        )
        return {
            # JSON text rather than an object: notebook tools that compare or diff outputs
            # (nbval, nbdime) treat text uniformly; collect() parses it back.
            MIMETYPE: json.dumps(self.data, ensure_ascii=False),
            "text/html": f"<table class='cxlab-headlines'><caption>Headline numbers</caption>"
            f"{body}</table>",
            "text/plain": repr(self),
        }

    def __repr__(self) -> str:
        lines = ["Headline numbers"] + [f"  {k}: {v}" for k, v in self._rows()]
        return "\n".join(lines)


def _short(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4g}"
    if isinstance(value, list):
        return ("; " if any(isinstance(v, dict) for v in value) else ", ").join(
            _short(v) for v in value
        )
    if isinstance(value, dict):
        return ", ".join(f"{k} {_short(v)}" for k, v in value.items())
    if value is None:
        return "–"
    return str(value)


def publish(
    numbers: Mapping[str, Any],
    *,
    notes: Mapping[str, str] | None = None,
    display: bool = True,
) -> Headlines | None:
    """Publish a chapter's headline numbers for the client's ``metrics.json``.

    Parameters
    ----------
    numbers : mapping of str to value
        The headline numbers; keys are short snake_case names (``"nps"``, ``"worst_touchpoint"``).
        A missing value (None, ``pd.NA``, ``pd.NaT``, NaN) is published as ``null``.
    notes : mapping of str to str, optional
        Why a number is missing, by key: shown as "not available, because <note>" instead of
        the value; the JSON keeps ``null``.
    display : bool, default True
        Show them in the notebook (the normal case); ``False`` only builds the object.

    Returns
    -------
    Headlines or None
        None once shown (so the cell does not show the numbers twice); the converted numbers
        when ``display`` is False.

    Raises
    ------
    TypeError
        If a value has no JSON form.
    """
    result = Headlines(to_json(dict(numbers), key="headlines"), notes)
    if not display:
        return result
    from IPython.display import display as show

    show(result)
    return None


def collect(outputs: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Merge the headline numbers found in a sequence of notebook cell outputs.

    Later outputs override earlier ones key by key, so a notebook can publish in several cells.

    Parameters
    ----------
    outputs : iterable of mapping
        Cell outputs in nbformat form (``{"output_type": ..., "data": {...}}``).

    Returns
    -------
    dict
        The merged headline numbers (empty when none were published).
    """
    merged: dict[str, Any] = {}
    for output in outputs:
        data = output.get("data") or {}
        payload = data.get(MIMETYPE)
        if payload is None:
            continue
        if isinstance(payload, str):  # some writers store JSON payloads as text
            payload = json.loads(payload)
        merged.update(payload)
    return merged
