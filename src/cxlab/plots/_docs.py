"""The plot convention, and the docstring pieces every plot function shares, written once.

cxlab's figures come in two kinds, and each public plot function is marked as one:

* **axes-level** (:func:`axes_level`): draws one chart on one ``matplotlib`` Axes. It takes
  ``ax=`` (keyword-only, default a new figure of the theme's size) and returns the Axes it drew
  on, so a notebook can place it as a panel of a larger figure and adjust it afterwards.
* **figure-level** (:func:`figure_level`): lays out several panels of its own (small
  multiples, a chart beside its table). It takes no ``ax`` and returns the new ``Figure``.

Both take ``title=`` (keyword-only); without it the title states the finding, computed from the
data handed in.

A docstring names a shared piece with a line holding only its name in braces — ``{ax}`` in
Parameters, ``{returns_axes}`` or ``{returns_figure}`` in Returns — and the marking decorator
puts the piece's text there, indented like the line, so the text is written once and reads the
same in every function's help.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import TypeVar

__all__ = ["PIECES", "axes_level", "figure_level"]

F = TypeVar("F", bound=Callable)

#: The shared pieces, by name, as numpydoc text indented from column 0.
PIECES: dict[str, str] = {
    "ax": (
        "ax : matplotlib.axes.Axes, optional\n"
        "    Where to draw; by default on a new figure of the theme's size."
    ),
    "returns_axes": (
        "matplotlib.axes.Axes\n"
        "    The Axes drawn on (``ax`` when one was given), for further adjustment; its\n"
        "    figure is ``.figure``."
    ),
    "returns_figure": (
        "matplotlib.figure.Figure\n"
        "    A new figure of its own panels (a figure-level function: it takes no ``ax``)."
    ),
}

#: What kind each marked function is, under the attribute of this name.
KIND = "__cxlab_plot_kind__"


def _fill(doc: str | None, name: str) -> str:
    """Replace every ``{piece}`` line of ``doc`` by the piece, indented like the line."""
    if not doc:
        raise ValueError(f"plot function {name} has no docstring")
    lines = []
    for line in inspect.cleandoc(doc).splitlines():
        key = line.strip()
        if key.startswith("{") and key.endswith("}") and key[1:-1] in PIECES:
            indent = line[: len(line) - len(line.lstrip())]
            lines.extend(indent + piece for piece in PIECES[key[1:-1]].splitlines())
        else:
            lines.append(line)
    return "\n".join(lines)


def axes_level(func: F) -> F:
    """Mark an axes-level plot function and fill its docstring's shared pieces.

    Raises
    ------
    TypeError
        If the function takes no keyword-only ``ax``.
    """
    param = inspect.signature(func).parameters.get("ax")
    if param is None or param.kind is not inspect.Parameter.KEYWORD_ONLY:
        raise TypeError(f"axes-level plot function {func.__name__} must take a keyword-only ax")
    func.__doc__ = _fill(func.__doc__, func.__name__)
    setattr(func, KIND, "axes")
    return func


def figure_level(func: F) -> F:
    """Mark a figure-level plot function and fill its docstring's shared pieces.

    Raises
    ------
    TypeError
        If the function takes an ``ax`` (it draws a figure of its own).
    """
    if "ax" in inspect.signature(func).parameters:
        raise TypeError(f"figure-level plot function {func.__name__} must not take ax")
    func.__doc__ = _fill(func.__doc__, func.__name__)
    setattr(func, KIND, "figure")
    return func
