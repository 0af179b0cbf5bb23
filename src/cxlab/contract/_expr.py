"""A small, safe expression language for derived columns in ``cxlab.yml``.

``derive: {transactions: {amount: "Quantity * UnitPrice"}}`` computes a column from others. The
expression comes with the client's data, so it is never handed to Python's ``eval``: the text is
parsed with :func:`ast.parse` (``mode="eval"``, which builds a syntax tree and runs nothing), the
tree is checked against a short allowlist, and the allowed nodes are then evaluated here, one
vectorised pandas operation per node.

Allowed:

- column names, as bare names (``Quantity``) or in backticks when they hold spaces or other
  characters (```Unit Price```, ```case:concept:name```);
- numbers (``100``, ``0.19``) and text in quotes (``"EUR"``);
- ``+``, ``-``, ``*``, ``/``, a leading minus, and parentheses;
- ``round(x)``, ``round(x, 2)`` and ``abs(x)``;
- text joined with ``+`` (``"INV-" + InvoiceNo``): a ``+`` with quoted text on either side
  joins texts, and columns joined so are used as text.

Everything else is refused with a message naming what is not allowed and where: attribute
access (``a.b``), subscripts (``x[0]``), calls of anything but ``round`` and ``abs``, lambdas,
comprehensions, comparisons, names starting with ``__``, and expressions longer than
:data:`MAX_CHARS` characters, deeper than :data:`MAX_DEPTH` levels or with more than
:data:`MAX_NODES` parts. A pandas ``DataFrame.eval`` or ``numexpr`` would evaluate more than
this (attribute access, comparisons, ``@`` variables), which is why the language is written here.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

__all__ = [
    "MAX_CHARS",
    "MAX_DEPTH",
    "MAX_NODES",
    "Expression",
    "ExpressionError",
    "compile_expression",
    "evaluate",
]

#: Longest expression accepted, in characters (a real one is a few dozen).
MAX_CHARS = 500
#: Deepest nesting of operations accepted.
MAX_DEPTH = 30
#: Most parts (names, numbers, operators) an expression may hold.
MAX_NODES = 200
#: Functions an expression may call, with the number of arguments each takes.
FUNCTIONS: dict[str, tuple[int, ...]] = {"round": (1, 2), "abs": (1,)}

_ALLOWED = "column names, numbers, text in quotes, + - * /, parentheses, round() and abs()"
_OPS: dict[type, str] = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}
#: What each refused kind of syntax is called in a message.
_REFUSED: dict[type, str] = {
    ast.Attribute: "attribute access with '.'",
    ast.Subscript: "subscripts with [ ]",
    ast.Lambda: "lambda functions",
    ast.ListComp: "comprehensions",
    ast.SetComp: "comprehensions",
    ast.DictComp: "comprehensions",
    ast.GeneratorExp: "comprehensions",
    ast.Compare: "comparisons",
    ast.BoolOp: "'and' and 'or'",
    ast.IfExp: "'if … else'",
    ast.List: "lists",
    ast.Tuple: "tuples",
    ast.Dict: "mappings",
    ast.Set: "sets",
    ast.JoinedStr: "f-strings",
    ast.Starred: "'*' unpacking",
    ast.NamedExpr: "':=' assignments",
    ast.Await: "'await'",
    ast.Yield: "'yield'",
    ast.YieldFrom: "'yield'",
}


class ExpressionError(ValueError):
    """An expression that is not allowed or not valid; ``hint`` says how to write it."""

    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.message = message
        self.hint = hint or f"an expression may use {_ALLOWED}, e.g. Quantity * UnitPrice"


@dataclass(frozen=True)
class Expression:
    """A checked expression, ready to evaluate.

    Attributes
    ----------
    text : str
        The expression as written.
    columns : tuple of str
        The column names it uses, in order of first use.
    kind : {"number", "text", "column"}
        What it yields: numbers; text (quoted text joined with ``+``); or a plain copy of one
        column (an expression that is only a column name).
    """

    text: str
    columns: tuple[str, ...]
    kind: Literal["number", "text", "column"]
    tree: ast.expr = field(compare=False, repr=False)
    #: The placeholder names standing for backticked column names, and the names they stand for.
    names: dict[str, str] = field(compare=False, repr=False, default_factory=dict)


def _backticks(text: str) -> tuple[str, dict[str, str], list[int]]:
    """Replace each ```column name``` by a placeholder name.

    Returns the new text, the placeholders (placeholder -> column name) and, for each character
    of the new text, its position in ``text`` (so messages point at what the user wrote).
    Quoted text is skipped, so a backtick inside quotes stays text.
    """
    prefix = "_c"
    while prefix in text:
        prefix += "x"
    out: list[str] = []
    origin: list[int] = []
    names: dict[str, str] = {}
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in "\"'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            out.append(text[i : j + 1])
            origin.extend(range(i, min(j + 1, n)))
            i = j + 1
            continue
        if c == "`":
            j = text.find("`", i + 1)
            if j < 0:
                raise ExpressionError(
                    f"the backtick at character {i + 1} is not closed",
                    "write column names with spaces or other characters between two "
                    "backticks, e.g. `Unit Price` * Quantity",
                )
            name = text[i + 1 : j].strip()
            if not name:
                raise ExpressionError(
                    f"the backticks at character {i + 1} hold no column name",
                    "write the column name between the backticks, e.g. `Unit Price`",
                )
            placeholder = f"{prefix}{len(names)}_"
            names[placeholder] = name
            out.append(f" {placeholder} ")
            origin.extend([i] * (len(placeholder) + 2))
            i = j + 1
            continue
        out.append(c)
        origin.append(i)
        i += 1
    return "".join(out), names, origin


def _refuse(node: ast.AST, what: str) -> ExpressionError:
    col = getattr(node, "col_offset", None)
    at = f" (at character {col + 1})" if col is not None else ""
    return ExpressionError(f"not allowed: {what}{at}")


def compile_expression(text: str) -> Expression:
    """Parse and check an expression; raise :class:`ExpressionError` for anything not allowed.

    Parameters
    ----------
    text : str
        The expression, e.g. ``"Quantity * UnitPrice"``.

    Returns
    -------
    Expression

    Raises
    ------
    ExpressionError
        Naming what is not allowed (and where), with a hint.

    Examples
    --------
    >>> compile_expression("Quantity * `Unit Price`").columns
    ('Quantity', 'Unit Price')
    >>> try:
    ...     compile_expression("__import__('os')")
    ... except ExpressionError as exc:
    ...     print(exc)
    not allowed: calling '__import__' (at character 1); only round() and abs() can be called
    """
    if not isinstance(text, str) or not text.strip():
        raise ExpressionError("the expression is empty")
    if len(text) > MAX_CHARS:
        raise ExpressionError(
            f"the expression is {len(text):,} characters long; at most {MAX_CHARS} are allowed",
            "derive a column from a few others; split a long calculation into several derived "
            "columns, each using the ones before it",
        )
    if any(c in text for c in "\n\r\x00"):
        raise ExpressionError(
            "the expression holds a line break or a NUL character",
            "write the expression on one line",
        )
    source, names, origin = _backticks(text)
    lead = len(source) - len(source.lstrip())
    try:
        tree = ast.parse(source.strip(), mode="eval").body
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        detail = getattr(exc, "msg", None) or type(exc).__name__
        hint = (
            "put column names with spaces or other characters in backticks, e.g. "
            "`Unit Price` * Quantity"
            if "invalid syntax" in str(detail) or "never closed" in str(detail)
            else ""
        )
        raise ExpressionError(f"the expression cannot be read: {detail}", hint) from None
    _check_size(tree)
    for node in ast.walk(tree):  # point messages at the text as written, backticks included
        if hasattr(node, "col_offset"):
            at = node.col_offset + lead
            node.col_offset = origin[at] if at < len(origin) else at
    columns: list[str] = []
    kind = _check(tree, names, columns)
    if isinstance(tree, ast.Name):
        kind = "column"
    return Expression(text, tuple(columns), kind, tree, names)


def _check_size(tree: ast.AST) -> None:
    """Refuse trees that are too deep or too large, without recursion."""
    stack: list[tuple[ast.AST, int]] = [(tree, 1)]
    count = 0
    while stack:
        node, depth = stack.pop()
        count += 1
        if depth > MAX_DEPTH:
            raise ExpressionError(
                f"the expression is nested more than {MAX_DEPTH} levels deep",
                "split the calculation into several derived columns, each using the ones before it",
            )
        if count > MAX_NODES:
            raise ExpressionError(
                f"the expression has more than {MAX_NODES} parts",
                "split the calculation into several derived columns, each using the ones before it",
            )
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))


def _check(node: ast.AST, names: dict[str, str], columns: list[str]) -> str:
    """Check one node against the allowlist; return ``"number"``, ``"text"`` or ``"any"``."""
    if isinstance(node, ast.Constant):
        value = node.value
        if isinstance(value, bool) or value is None or value is Ellipsis:
            raise _refuse(node, f"the constant {value!r}")
        if isinstance(value, int | float):
            if not np.isfinite(float(value)):
                raise _refuse(node, "infinite numbers")
            return "number"
        if isinstance(value, str):
            return "text"
        raise _refuse(node, f"constants of type {type(value).__name__}")
    if isinstance(node, ast.Name):
        name = names.get(node.id, node.id)
        if node.id not in names and node.id.startswith("__"):
            raise ExpressionError(
                f"not allowed: names starting with '__' (at character {node.col_offset + 1})",
                "write column names as they appear in the file; put unusual ones in backticks",
            )
        if name not in columns:
            columns.append(name)
        return "any"
    if isinstance(node, ast.UnaryOp):
        if not isinstance(node.op, ast.USub | ast.UAdd):
            raise _refuse(node, "the operator 'not' or '~'")
        if _check(node.operand, names, columns) == "text":
            raise _refuse(node, "a minus sign before text")
        return "number"
    if isinstance(node, ast.BinOp):
        op = type(node.op)
        if op not in _OPS:
            symbol = {
                ast.Pow: "**",
                ast.FloorDiv: "//",
                ast.Mod: "%",
                ast.MatMult: "@",
                ast.BitAnd: "&",
                ast.BitOr: "|",
                ast.BitXor: "^",
                ast.LShift: "<<",
                ast.RShift: ">>",
            }.get(op, op.__name__)
            raise _refuse(node, f"the operator '{symbol}'")
        left = _check(node.left, names, columns)
        right = _check(node.right, names, columns)
        if "text" in (left, right):
            if op is not ast.Add:
                raise ExpressionError(
                    f"text can only be joined with '+', not used with '{_OPS[op]}' "
                    f"(at character {node.col_offset + 1})",
                    "put column names with spaces in backticks, not quotes: `Unit Price`; "
                    "quotes mean text",
                )
            for side in (node.left, node.right):
                if not _joinable(side):
                    raise ExpressionError(
                        "text can be joined only with column names and other quoted text "
                        f"(at character {side.col_offset + 1})",
                        'compute the number in its own derived column, then join: "A-" + code',
                    )
            return "text"
        return "number"
    if isinstance(node, ast.Call):
        func = node.func
        if not isinstance(func, ast.Name) or func.id not in FUNCTIONS or func.id in names:
            if isinstance(func, ast.Name):
                what = f"'{names.get(func.id, func.id)}'"
            elif isinstance(func, ast.Attribute):
                what = f"the method '.{func.attr}'"
            else:
                what = "the result of an expression"
            raise ExpressionError(
                f"not allowed: calling {what} (at character {node.col_offset + 1}); only "
                "round() and abs() can be called"
            )
        if node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
            raise _refuse(node, f"keyword or '*' arguments to {func.id}()")
        if len(node.args) not in FUNCTIONS[func.id]:
            counts = " or ".join(str(n) for n in FUNCTIONS[func.id])
            raise ExpressionError(
                f"{func.id}() takes {counts} argument(s), not {len(node.args)} "
                f"(at character {node.col_offset + 1})",
                "write round(x) or round(x, 2), and abs(x)",
            )
        if _check(node.args[0], names, columns) == "text":
            raise _refuse(node, f"{func.id}() of text")
        if len(node.args) == 2:
            digits = node.args[1]
            if not (
                isinstance(digits, ast.Constant)
                and isinstance(digits.value, int)
                and not isinstance(digits.value, bool)
                and 0 <= digits.value <= 10
            ):
                raise ExpressionError(
                    "the digits of round() must be a whole number from 0 to 10 "
                    f"(at character {digits.col_offset + 1})",
                    "write round(x, 2) for two decimal places",
                )
        return "number"
    what = _REFUSED.get(type(node), f"'{type(node).__name__}' expressions")
    raise _refuse(node, what)


def _joinable(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant | ast.Name):
        return True
    return isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add) and _text_chain(node)


def _text_chain(node: ast.BinOp) -> bool:
    return _joinable(node.left) and _joinable(node.right)


def evaluate(
    expr: Expression,
    column: Callable[[str, str], pd.Series],
    index: pd.Index,
) -> pd.Series:
    """Evaluate a checked expression over whole columns.

    Parameters
    ----------
    expr : Expression
        From :func:`compile_expression`.
    column : callable
        ``column(name, as_)`` returns the named column as numbers (``as_="number"``: float64,
        NaN where missing or not a number), as text (``"text"``) or as it is (``"raw"``).
    index : pandas.Index
        The rows, for an expression made only of constants.

    Returns
    -------
    pandas.Series
        float64 for numbers (missing where an operand is missing, and where the result is not
        finite, e.g. after a division by zero); text for joined text; the column itself for a
        plain column name.

    Examples
    --------
    >>> frame = pd.DataFrame({"q": [2.0, 3.0, None], "p": [1.5, 2.0, 4.0]})
    >>> expr = compile_expression("round(q * p + 0.25, 1)")
    >>> evaluate(expr, lambda name, as_: frame[name], frame.index).tolist()
    [3.2, 6.2, nan]
    """
    if expr.kind == "column":
        return column(expr.names.get(expr.tree.id, expr.tree.id), "raw")  # type: ignore[attr-defined]
    if expr.kind == "text":
        out = _text(expr.tree, expr.names, column, index)
        return out if isinstance(out, pd.Series) else pd.Series(out, index=index, dtype="str")
    out = _number(expr.tree, expr.names, column)
    if not isinstance(out, pd.Series):
        out = pd.Series(float(out), index=index, dtype="float64")
    out = out.astype("float64")
    return out.where(np.isfinite(out.to_numpy(dtype="float64", na_value=np.nan)))


def _number(node: ast.AST, names: dict[str, str], column: Callable) -> pd.Series | float:
    if isinstance(node, ast.Constant):
        return float(node.value)
    if isinstance(node, ast.Name):
        return column(names.get(node.id, node.id), "number")
    if isinstance(node, ast.UnaryOp):
        value = _number(node.operand, names, column)
        return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, ast.BinOp):
        left = _number(node.left, names, column)
        right = _number(node.right, names, column)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            if isinstance(node.op, ast.Add):
                return left + right
            if isinstance(node.op, ast.Sub):
                return left - right
            if isinstance(node.op, ast.Mult):
                return left * right
            if not isinstance(right, pd.Series) and right == 0.0:
                return left * np.nan  # a division by the constant 0: missing, never an error
            return left / right
    if isinstance(node, ast.Call):
        value = _number(node.args[0], names, column)
        if node.func.id == "abs":  # type: ignore[attr-defined]
            return abs(value)
        digits = node.args[1].value if len(node.args) == 2 else 0  # type: ignore[attr-defined]
        if isinstance(value, pd.Series):
            return value.round(digits)
        return float(round(value, digits))
    raise ExpressionError(f"'{type(node).__name__}' cannot be evaluated")  # checked before


def _text(node: ast.AST, names: dict[str, str], column: Callable, index: pd.Index):
    if isinstance(node, ast.Constant):
        return str(node.value) if not isinstance(node.value, float) else repr(node.value)
    if isinstance(node, ast.Name):
        return column(names.get(node.id, node.id), "text")
    left = _text(node.left, names, column, index)  # type: ignore[attr-defined]
    right = _text(node.right, names, column, index)  # type: ignore[attr-defined]
    return left + right
