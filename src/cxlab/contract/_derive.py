"""Mapping steps for real exports: defaults, derived columns, filters, credit notes, stages.

:func:`cxlab.contract._validate.check_table` calls these between renaming and parsing, in this
order (``docs/data-contract.md``, section 6, says the same for users):

1. ``defaults:`` — a constant column, or the blanks of an existing one filled;
2. ``recode:``;
3. ``filters:`` on columns of the file (and defaults), in the order written;
4. ``derive:``, in the order written (a derived column may use the ones before it);
5. ``stages:`` (events) — activities to stages, outcomes, ignored work items;
6. ``filters:`` on derived columns and on the ``stage`` and ``outcome`` that stages write;
7. ``credit_notes:`` (transactions) — which rows are credit notes; their amounts are made
   negative once amounts are parsed.

Derived tables (``tables: {customers: {from: transactions}}``) are built afterwards from the
source table in canonical form (:func:`build_customers`); derived tables are the last step.

Every step works on whole columns. Equals and starts-with tests are vectorised string
operations; patterns and activity names are decided once per distinct value and then spread to
the rows with ``isin``, so a pattern filter on a column of a million rows with a few thousand
distinct values costs a few thousand matches.
Patterns (``*`` for any run of characters, ``?`` for one) are translated into regular
expressions whose stars are atomic groups: a match is found in one pass, and a hostile pattern
such as ``*a*a*a*a*b`` cannot make matching take exponential time.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from typing import Any, Protocol

import numpy as np
import pandas as pd

from cxlab.contract import _parse
from cxlab.contract._expr import Expression, evaluate
from cxlab.contract._spec import DATE_COLUMNS, KINDS, column_key
from cxlab.contract.config import BundleConfig, Condition, DerivedTable, RowFilter, Stages
from cxlab.errors import Problem, listing, quoted

__all__ = [
    "Operands",
    "add_defaults",
    "apply_filters",
    "apply_stages",
    "build_customers",
    "canonical_name",
    "condition_mask",
    "credit_note_rows",
    "derive_columns",
    "glob_pattern",
    "negate_credit_notes",
    "value_text",
]


class _Context(Protocol):
    """What the steps need from the table being checked (``_validate._Ctx``)."""

    table: str
    orig: pd.DataFrame

    def add(self, severity: str, rule: str, message: str, **kw: Any) -> None: ...

    def config_problem(self, section: str, where: str, name: str, known: list[str]) -> None: ...

    def name(self, column: str) -> str: ...


def canonical_name(table: str, name: str) -> str:
    """Name the column a new name becomes: a contract column when it matches one forgivingly.

    Examples
    --------
    >>> canonical_name("transactions", "Amount"), canonical_name("transactions", "net value")
    ('amount', 'net value')
    """
    known = {column_key(c): c for c in KINDS[table]}
    return known.get(column_key(name), name.strip())


def value_text(value: Any, decimal: str = ".") -> str | None:
    """Write a configured value as a cell of the file would hold it.

    Examples
    --------
    >>> value_text(dt.date(2024, 5, 1)), value_text(True), value_text(2.5, ",")
    ('2024-05-01', 'true', '2,5')
    """
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, float):
        text = repr(value)
        return text.replace(".", ",") if decimal == "," else text
    return str(value).strip()


def glob_pattern(pattern: str) -> re.Pattern[str]:
    """Compile a pattern with ``*`` (any run of characters) and ``?`` (one character).

    The whole value, in lower case, must match. Each star but the last is an atomic group that
    takes the shortest run up to the next literal part and never gives it back; for these
    patterns the shortest run is always the right one, so matching needs no backtracking
    across stars.

    Examples
    --------
    >>> bool(glob_pattern("*postage*").match("dotcom postage"))
    True
    >>> bool(glob_pattern("W_*").match("A_Submitted"))
    False
    """
    return re.compile(_glob_body(pattern) + r"\Z", re.DOTALL)


def _glob_body(pattern: str) -> str:
    def literal(part: str) -> str:
        return "".join("." if c == "?" else re.escape(c) for c in part)

    parts = pattern.strip().lower().split("*")
    if len(parts) == 1:
        return literal(parts[0])
    middle = "".join(f"(?>.*?{literal(p)})" for p in parts[1:-1] if p)
    return literal(parts[0]) + middle + ".*" + literal(parts[-1])


def _is_pattern(name: str) -> bool:
    return "*" in name or "?" in name


def _text_test(s: pd.Series, cond: Condition) -> pd.Series:
    """Equals and starts-with on whole columns; patterns once per distinct value."""
    text = _parse.as_text(s)
    if cond.equals or cond.starts_with:
        folded = text.str.strip().str.lower()
        if cond.equals:
            hit = folded.isin([v.strip().lower() for v in cond.equals])
        else:
            hit = folded.str.startswith(tuple(v.strip().lower() for v in cond.starts_with))
        return hit.fillna(False).astype(bool)
    uniq = pd.unique(text.dropna())
    bodies = "|".join(f"(?:{_glob_body(p)})" for p in cond.matches)
    anyone = re.compile(f"(?:{bodies})" + r"\Z", re.DOTALL)  # all patterns in one pass
    hits = [u for u in uniq if anyone.match(str(u).strip().lower())]
    return text.isin(hits).fillna(False).astype(bool)


def condition_mask(
    s: pd.Series,
    cond: Condition,
    *,
    decimal: str = ".",
    dates: _parse.DateResult | None = None,
) -> tuple[pd.Series, pd.Series]:
    """Which rows meet a condition, and which cannot be decided (a range on unreadable values).

    Parameters
    ----------
    s : pandas.Series
        The column's values (text as read, or parsed numbers for a derived column).
    cond : Condition
        The test.
    decimal : {".", ","}
        The table's decimal separator, for ranges of numbers.
    dates : DateResult, optional
        The column already parsed as dates (a date range reuses it).

    Returns
    -------
    meets, undecided : pandas.Series of bool
        Missing values meet only ``missing: true``. Values a range cannot read (text in a date
        or number range) are undecided: no filter removes them.

    Examples
    --------
    >>> s = pd.Series(["C536379", "536380", None])
    >>> condition_mask(s, Condition("InvoiceNo", starts_with=("c",)))[0].tolist()
    [True, False, False]
    """
    none = pd.Series(False, index=s.index)
    if cond.missing is not None:
        missing = s.isna().astype(bool)
        return (missing if cond.missing else ~missing), none
    if cond.equals and pd.api.types.is_numeric_dtype(s.dtype):
        wanted = [_parse.parse_numbers(pd.Series(list(cond.equals)), decimal)[0]]
        numbers = wanted[0].dropna().tolist()
        return s.isin(numbers).fillna(False).astype(bool), none
    if cond.equals or cond.starts_with or cond.matches:
        return _text_test(s, cond), none
    bound = cond.low if cond.low is not None else cond.high
    if isinstance(bound, float):
        values, bad = _parse.parse_numbers(s, decimal)
        low = -np.inf if cond.low is None else cond.low
        high = np.inf if cond.high is None else cond.high
        meets = (values >= low) & (values <= high)
        return meets.fillna(False).astype(bool), bad
    if dates is None:
        dates = _parse.parse_dates(s)
    values = dates.values
    meets = pd.Series(True, index=s.index)
    if cond.low is not None:
        meets &= values >= pd.Timestamp(cond.low)
    if cond.high is not None:
        high = pd.Timestamp(cond.high)
        if not isinstance(cond.high, dt.datetime):  # a day: the whole day is in the range
            meets &= values < high + pd.Timedelta(days=1)
        else:
            meets &= values <= high
    return (meets & values.notna()).fillna(False).astype(bool), dates.bad


def _resolve(name: str, columns: Iterable[str], client: dict[str, str]) -> str | None:
    """Find a configured name among the current columns (canonical, then client names)."""
    columns = list(columns)
    if name in columns:
        return name
    by_client = {c: k for k, c in client.items() if k in columns}
    if name in by_client:
        return by_client[name]
    key = column_key(name)
    for c in columns:
        if column_key(c) == key or column_key(client.get(c, c)) == key:
            return c
    return None


# -- per-table steps ------------------------------------------------------------------------------


def add_defaults(
    ctx: _Context,
    work: pd.DataFrame,
    defaults: dict[str, Any],
    client: dict[str, str],
    decimal: str,
    full: bool,
) -> pd.DataFrame:
    """Add constant columns for ``defaults:``; fill the blanks of existing ones, and say so."""
    for name, value in defaults.items():
        text = value_text(value, decimal)
        col = _resolve(name, work.columns, client)
        if col is None:
            col = canonical_name(ctx.table, name)
            work[col] = pd.Series(text, index=work.index, dtype="str")
            ctx.orig[col] = work[col]
            continue
        blank = work[col].isna()
        if not blank.any():
            continue
        work[col] = work[col].where(~blank, text)
        if full:
            ctx.add(
                "warning",
                "filled_values",
                f"{int(blank.sum()):,} empty cell(s) are filled with the default "
                f"{quoted(text)} (defaults.{ctx.table} in cxlab.yml)",
                column=col,
                rows=blank.index[blank.to_numpy()],
                hint="nothing to do if the default is right for these rows; otherwise remove "
                "it from cxlab.yml and fill the cells in the file",
            )
    return work


class Operands:
    """Columns used by expressions, parsed once; unreadable numbers reported once per column."""

    def __init__(self, ctx: _Context, work: pd.DataFrame, decimal: str, currency: str):
        self.ctx, self.work, self.decimal, self.currency = ctx, work, decimal, currency
        self.numbers: dict[str, pd.Series] = {}
        #: Columns whose unreadable numbers were reported (so parsing does not repeat them).
        self.reported: set[str] = set()

    def get(self, col: str, as_: str, where: str) -> pd.Series:
        s = self.work[col]
        if as_ == "raw":
            return s
        if as_ == "text":
            return _parse.as_text(s)
        if col not in self.numbers:
            values, bad = _parse.parse_numbers(s, self.decimal)
            if bad.any() and col not in self.reported:
                self.reported.add(col)
                rows = bad.index[bad.to_numpy()]
                sample = list(self.ctx.orig[col].loc[rows[:5]]) if col in self.ctx.orig else []
                self.ctx.add(
                    "error",
                    "not_numeric",
                    f"{len(rows):,} value(s) are not numbers, and {where} computes with them",
                    column=col,
                    rows=rows,
                    hint=_parse.number_hint(sample, self.decimal, currency=self.currency),
                )
            self.numbers[col] = values
        return self.numbers[col]


def derive_columns(
    ctx: _Context,
    work: pd.DataFrame,
    exprs: dict[str, Expression],
    client: dict[str, str],
    operands: Operands,
    full: bool,
) -> tuple[pd.DataFrame, set[str]]:
    """Compute ``derive:`` columns in order; return the frame and the columns that failed."""
    failed: set[str] = set()
    table = ctx.table
    for target, expr in exprs.items():
        col = canonical_name(table, target)
        where = f"derive.{table}.{target}"
        found: dict[str, str] = {}
        for name in expr.columns:
            resolved = _resolve(name, work.columns, client)
            if resolved is None:
                known = [client.get(c, c) for c in work.columns]
                ctx.config_problem(where, where, name, known)
            else:
                found[name] = resolved
        if len(found) < len(expr.columns):
            failed.add(col)
            continue

        def column(name: str, as_: str, found: dict = found, where: str = where) -> pd.Series:
            return operands.get(found[name], as_, where)

        values = evaluate(expr, column, work.index)
        if expr.kind == "number" and full and expr.columns:
            inputs = pd.concat(
                [operands.get(found[n], "number", where).notna() for n in expr.columns], axis=1
            ).all(axis=1)
            lost = inputs & values.isna()
            if lost.any():
                rows = lost.index[lost.to_numpy()]
                ctx.add(
                    "warning",
                    "not_computable",
                    f"{len(rows):,} row(s) have every value {quoted(expr.text, 60)} needs, but "
                    "it gives no number there (a division by zero); they are read as missing",
                    column=found[expr.columns[-1]],
                    rows=rows,
                    hint=f"check the divisor's values in these rows, or change {where} in "
                    "cxlab.yml",
                )
        work[col] = values
        operands.numbers.pop(col, None)
        ctx.orig[col] = values
        client.setdefault(col, col)
    return work, failed


def apply_filters(
    ctx: _Context,
    work: pd.DataFrame,
    rules: Iterable[tuple[int, RowFilter]],
    client: dict[str, str],
    *,
    decimal: str,
    date_of: Callable[[str, pd.Series], _parse.DateResult | None],
    parse_later: set[str],
    full: bool,
) -> pd.DataFrame:
    """Apply row filters in order; report how many rows each removes.

    ``date_of(column, values)`` gives a date column parsed once (parsing reuses it), or None
    for other columns; ``parse_later`` names the columns that parsing checks anyway, so their
    unreadable values are reported once.
    """
    for number, rule in rules:
        cond = rule.condition
        col = _resolve(cond.column, work.columns, client)
        if col is None:
            known = [client.get(c, c) for c in work.columns]
            ctx.config_problem(rule.where, rule.where, cond.column, known)
            continue
        s = work[col]
        cached = None
        if cond.low is not None or cond.high is not None:
            bound = cond.low if cond.low is not None else cond.high
            parsed = None if isinstance(bound, float) else date_of(col, s)
            if parsed is not None:
                cached = _parse.DateResult(
                    parsed.values.loc[s.index], parsed.bad.loc[s.index], parsed.format
                )
        meets, undecided = condition_mask(s, cond, decimal=decimal, dates=cached)
        if undecided.any() and col not in parse_later:
            rows = undecided.index[undecided.to_numpy()]
            bound = cond.low if cond.low is not None else cond.high
            what = "numbers" if isinstance(bound, float) else "dates"
            ctx.add(
                "error",
                "not_numeric" if what == "numbers" else "unparsable_date",
                f"{len(rows):,} value(s) cannot be read as {what}, so {rule.where} (cxlab.yml "
                f"line {rule.line}) cannot tell whether they are in its range; they are kept",
                column=col,
                rows=rows,
                hint=f"correct these values, or filter on another column; {what} are written "
                + ("like 12.50" if what == "numbers" else "like 2024-12-31"),
            )
        remove = (meets if rule.action == "drop" else ~meets & ~undecided).to_numpy(dtype=bool)
        before = len(work)
        if full:
            rows = work.index[remove]
            verb = "drops rows where" if rule.action == "drop" else "keeps rows where"
            ctx.add(
                "warning",
                "filtered_rows",
                f"filter {number} ({rule.where}, cxlab.yml line {rule.line}) {verb} "
                f"{cond.describe()}: it removed {len(rows):,} of {before:,} row(s)",
                column=col,
                rows=rows if len(rows) else None,
                hint=_hint(
                    "nothing to do if these rows should not be analysed",
                    rows,
                    "otherwise change or remove the filter in cxlab.yml",
                ),
            )
        if remove.any():
            work = work[~remove]
    return work


def credit_note_rows(
    ctx: _Context, work: pd.DataFrame, cond: Condition, client: dict[str, str], decimal: str
) -> tuple[pd.Series, str] | None:
    """Mark the credit notes, and name the column that tells (None when it does not exist)."""
    col = _resolve(cond.column, work.columns, client)
    if col is None:
        known = [client.get(c, c) for c in work.columns]
        ctx.config_problem("credit_notes", "credit_notes", cond.column, known)
        return None
    return condition_mask(work[col], cond, decimal=decimal)[0], col


def negate_credit_notes(
    ctx: _Context,
    amount: pd.Series,
    notes: tuple[pd.Series, str],
    cond: Condition,
    line: int,
    full: bool,
) -> tuple[pd.Series, int]:
    """Make the credit notes' positive amounts negative; report what was done.

    Returns the amounts and how many were made negative.
    """
    mask, col = notes
    mask = mask.reindex(amount.index, fill_value=False).astype(bool)
    flip = mask & (amount > 0).fillna(False).astype(bool)
    if full:
        already = int((mask & (amount <= 0).fillna(False)).sum())
        rows = mask.index[mask.to_numpy()]
        ctx.add(
            "warning",
            "credit_notes",
            f"{len(rows):,} row(s) are credit notes ({cond.describe()}; credit_notes in "
            f"cxlab.yml line {line}): {int(flip.sum()):,} amount(s) made negative, "
            f"{already:,} negative or zero already",
            column=col,
            rows=rows if len(rows) else None,
            hint=_hint(
                "nothing to do if these are returns or refunds",
                rows,
                "otherwise change credit_notes in cxlab.yml",
            ),
        )
    return amount.where(~flip, -amount), int(flip.sum())


# -- stages ----------------------------------------------------------------------------------------


def _classify(names: np.ndarray, stages: Stages) -> tuple[dict[str, tuple[str, str]], set[str]]:
    """Decide each distinct activity: ("stage", s), ("outcome", label) or ("ignore", "").

    A name written out wins over a pattern; among patterns, the one written first wins.
    Returns the decisions and the configured names and patterns that matched nothing.
    """
    rules: list[tuple[str, str, str]] = []  # (name or pattern, what, value)
    rules += [(a, "stage", s) for a, s in stages.activities.items()]
    rules += [(a, "outcome", o) for a, o in stages.outcomes.items()]
    rules += [(a, "ignore", "") for a in stages.ignore]
    exact = {a.strip().lower(): (what, v, a) for a, what, v in rules if not _is_pattern(a)}
    patterns = sorted(
        ((a, what, v) for a, what, v in rules if _is_pattern(a)),
        key=lambda r: stages.lines.get(r[0], 0),
    )
    compiled = [(glob_pattern(a), what, v, a) for a, what, v in patterns]
    decided: dict[str, tuple[str, str]] = {}
    used: set[str] = set()
    for name in names:
        key = str(name).strip().lower()
        if key in exact:
            what, value, source = exact[key]
            decided[name] = (what, value)
            used.add(source)
            continue
        for rx, what, value, source in compiled:
            if rx.match(key):
                decided[name] = (what, value)
                used.add(source)
                break
    unused = {a for a, _, _ in rules} - used
    return decided, unused


def apply_stages(
    ctx: _Context,
    work: pd.DataFrame,
    stages: Stages,
    client: dict[str, str],
    full: bool,
) -> pd.DataFrame:
    """Map activities to stages and outcomes, drop ignored and unmapped activities, report."""
    if not stages.activities and not stages.outcomes and not stages.ignore:
        if full and "stage" in work:
            _check_order(ctx, work["stage"], stages)
        return work
    col = _resolve(stages.column, work.columns, client)
    if col is None:
        known = [client.get(c, c) for c in work.columns]
        ctx.config_problem("stages", "stages.column", stages.column, known)
        return work
    text = _parse.as_text(work[col])
    names = pd.unique(text.dropna())
    decided, unused = _classify(names, stages)
    if full and unused:
        shown = ", ".join(
            f"{quoted(a)} (line {stages.lines[a]})" if a in stages.lines else quoted(a)
            for a in sorted(unused, key=lambda a: stages.lines.get(a, 0))[:10]
        )
        more = f" and {len(unused) - 10} more" if len(unused) > 10 else ""
        ctx.add(
            "warning",
            "unknown_activity",
            f"stages in cxlab.yml names {len(unused)} activit{'y' if len(unused) == 1 else 'ies'} "
            f"that the column {quoted(client.get(col, col))} does not hold: {shown}{more}",
            column=col,
            hint=f"check the spelling against the activities in the file, e.g. "
            f"{listing(sorted(map(str, names))[:6], 6)}; names are compared ignoring case",
        )
    kind = text.map({n: d[0] for n, d in decided.items()})
    value = text.map({n: d[1] for n, d in decided.items()})
    ignored = (kind == "ignore").fillna(False).astype(bool)
    unmapped = (text.notna() & kind.isna()).astype(bool) if stages.activities else None
    if full and ignored.any():
        rows = ignored.index[ignored.to_numpy()]
        ctx.add(
            "warning",
            "filtered_rows",
            f"stages.ignore (cxlab.yml line {stages.lines.get(stages.ignore[0], stages.line)}) "
            f"removed {len(rows):,} of "
            f"{len(work):,} event row(s) whose activities are not journey steps",
            column=col,
            rows=rows,
            hint="nothing to do if these activities are work items; otherwise remove them "
            "from stages.ignore",
        )
    drop = ignored
    if unmapped is not None and unmapped.any():
        counts = text[unmapped].value_counts()
        if full:
            shown = ", ".join(f"{quoted(n)} ({c:,})" for n, c in counts.iloc[:8].items())
            more = f" and {len(counts) - 8} more" if len(counts) > 8 else ""
            ctx.add(
                "warning",
                "unmapped_activity",
                f"{int(unmapped.sum()):,} event row(s) have {len(counts)} activit"
                f"{'y' if len(counts) == 1 else 'ies'} that stages in cxlab.yml does not map "
                f"to a stage, outcome or ignore; the rows are left out: {shown}{more}",
                column=col,
                rows=unmapped.index[unmapped.to_numpy()],
                hint="add each activity under stages.activities (or outcomes), or to "
                "stages.ignore to leave it out without this warning",
            )
        drop = drop | unmapped
    stage = value.where(kind == "stage")
    outcome = value.where(kind == "outcome")
    if stages.outcomes:
        stage = stage.fillna(outcome)
    if stages.activities:
        work["stage"] = stage.astype("str")
        ctx.orig["stage"] = work["stage"]
    if stages.outcomes:
        work["outcome"] = outcome.astype("str")
        ctx.orig["outcome"] = work["outcome"]
    if drop.any():
        work = work[~drop.to_numpy(dtype=bool)]
    if full and not stages.activities and stages.order and "stage" in work:
        _check_order(ctx, work["stage"], stages)  # the events keep their own stages
    return work


def _check_order(ctx: _Context, stage: pd.Series, stages: Stages) -> None:
    known = {s.lower() for s in stages.order}
    found = pd.unique(_parse.as_text(stage).dropna())
    extra = [s for s in found if str(s).strip().lower() not in known]
    if extra:
        ctx.add(
            "warning",
            "unknown_stage",
            f"{len(extra)} stage(s) in the events are not in stages.order: "
            f"{listing(extra, 8)}; analyses by stage order put them last",
            column="stage",
            hint="add them to stages.order in cxlab.yml, or correct their spelling",
        )


# -- derived tables -------------------------------------------------------------------------------


def build_customers(
    spec: DerivedTable,
    frame: pd.DataFrame,
    client: dict[str, str],
    config: BundleConfig,
    *,
    source_file: str,
    cfg_file: str | None,
    lines: dict[tuple[str, str, str], int],
) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Build the customers table from another table in canonical form.

    One row per customer id, in the order the ids first appear in the source. ``signup_date``
    is the customer's first date in the source (the first purchase, for transactions) when the
    source has dates. Attributes take one value per customer: ``first`` — the value on the
    customer's earliest row (by date, then file order; rows where the attribute is empty are
    skipped), ``last`` — on the latest row, ``most_frequent`` — the value on most of the
    customer's rows (a tie goes to the value seen first in the file).

    Parameters
    ----------
    spec : DerivedTable
        ``tables.customers`` from cxlab.yml.
    frame : pandas.DataFrame
        The source table in canonical form.
    client : dict of str to str
        Canonical column -> the client's header, to resolve names written either way.
    config : BundleConfig
        For ``consent``, ``churn.label`` and ``sensitive``, which name customers columns.
    source_file, cfg_file : str
        For messages.
    lines : dict
        Lines of configured names in cxlab.yml.

    Returns
    -------
    frame, problems
        The customers table (None when it cannot be built) and what was found.

    Examples
    --------
    >>> tx = pd.DataFrame(
    ...     {
    ...         "customer_id": ["B", "A", "B", "A", "B"],
    ...         "date": pd.to_datetime(
    ...             ["2024-02-01", "2024-01-05", "2024-01-20", "2024-03-01", "2024-03-02"]
    ...         ),
    ...         "country": ["FR", "DE", "UK", "AT", "FR"],
    ...     }
    ... )
    >>> spec = DerivedTable("transactions", {"country": "first"})
    >>> out, _ = build_customers(
    ...     spec, tx, {}, BundleConfig(), source_file="tx.csv", cfg_file="cxlab.yml", lines={}
    ... )
    >>> out
      customer_id signup_date country
    0           B  2024-01-20      UK
    1           A  2024-01-05      DE
    """
    problems: list[Problem] = []

    def config_error(rule: str, message: str, column: str | None, hint: str) -> None:
        problems.append(
            Problem(
                "error",
                rule,
                message,
                table="customers",
                file=cfg_file,
                column=column,
                hint=hint,
            )
        )

    if "customer_id" not in frame:
        config_error(
            "missing_column",
            f"tables.customers is built from {spec.source} (cxlab.yml line {spec.line}), "
            f"which has no customer_id column",
            "customer_id",
            f"map the column holding customer ids in {source_file}: "
            f'columns: {{{spec.source}: {{"Your column": customer_id}}}}',
        )
        return None, problems
    date_col = DATE_COLUMNS[spec.source]
    rows = frame[frame["customer_id"].notna()]
    if date_col in rows:
        ordered = rows.sort_values(date_col, kind="stable", na_position="last")
    else:
        ordered = rows
    ids = pd.unique(rows["customer_id"])
    out = pd.DataFrame({"customer_id": pd.Series(ids, dtype="str")})
    by = ordered.groupby("customer_id", sort=False)
    if date_col in rows and rows[date_col].notna().any():
        out["signup_date"] = out["customer_id"].map(by[date_col].min()).astype("datetime64[us]")
    known = [c for c in frame.columns if c != "customer_id"]
    for name, rule in spec.attributes.items():
        col = _resolve(name, known, client)
        if col is None:
            line = lines.get(("attributes", spec.source, name))
            shown = [client.get(c, c) for c in known]
            config_error(
                "unknown_column",
                f"tables.customers.attributes{f' (line {line})' if line else ''} names the "
                f"column {quoted(name)}, which {spec.source} ({source_file}) does not have",
                name,
                f"the {spec.source} columns are: {listing(shown, 20)}",
            )
            continue
        if col in out:
            config_error(
                "invalid_config",
                f"tables.customers.attributes names {quoted(name)}, which is already the "
                f"customers column {col!r}",
                name,
                "remove it from attributes; customer_id and signup_date are always built",
            )
            continue
        if rule == "first":
            values = by[col].first()
        elif rule == "last":
            values = by[col].last()
        else:
            values = _most_frequent(rows, col)
        out[col] = out["customer_id"].map(values).astype(frame[col].dtype)
    for section, name in _customer_references(config):
        if _resolve(name, out.columns, {}) is None:
            config_error(
                "unknown_column",
                f"{section} names the customers column {quoted(name)}, but the customers "
                f"built from {spec.source} have only {listing(list(out.columns), 12)}",
                name,
                f"add it under tables.customers.attributes, e.g. attributes: {{{name}: first}}",
            )
    for name in filter(None, (config.consent, config.churn.label)):
        col = _resolve(name, out.columns, {})
        if col is None:
            continue
        values, bad = _parse.parse_bool(out[col])
        if bad.any():
            shown = listing(pd.unique(_parse.as_text(out[col])[bad])[:5], 5)
            config_error(
                "not_boolean",
                f"the customers column {quoted(col)} (built from {spec.source}) must hold "
                f"yes/no values, but {int(bad.sum())} customer(s) have others: {shown}",
                col,
                f"recode the values in {spec.source}: recode: {{{spec.source}: {{{col}: "
                '{"Ja": true, "Nein": false}}}',
            )
        out[col] = values
    if any(p.severity == "error" for p in problems):
        return None, problems
    return out, problems


def _most_frequent(rows: pd.DataFrame, col: str) -> pd.Series:
    """Per customer, the value on most rows; a tie goes to the value seen first."""
    present = rows[["customer_id", col]].dropna()
    if present.empty:
        return pd.Series(dtype=rows[col].dtype)
    present = present.assign(_pos=np.arange(len(present)))
    counts = present.groupby(["customer_id", col], sort=False).agg(
        n=("_pos", "size"), first=("_pos", "min")
    )
    counts = counts.reset_index().sort_values(["n", "first"], ascending=[False, True])
    best = counts.drop_duplicates("customer_id")
    return best.set_index("customer_id")[col]


def _customer_references(config: BundleConfig) -> list[tuple[str, str]]:
    refs = [("sensitive", s) for s in config.sensitive]
    if config.consent:
        refs.append(("consent", config.consent))
    if config.churn.label:
        refs.append(("churn.label", config.churn.label))
    return refs


def _hint(intended: str, rows: Any, otherwise: str) -> str:
    """Return the fix line of a filter-like report: fine if intended, else what to change."""
    if not len(rows):
        otherwise = "no row met the condition: check the column and the values against the file"
    return f"{intended}; {otherwise}"
