"""Mapping a raw table onto the contract and checking its values.

The steps, in order: renames (``columns:`` and forgiving matching of contract names) → checks of
the column names cxlab.yml refers to → required columns → recodes (``recode:``) → presence checks
(missing required values, duplicate ids, boolean vocabularies; with pandera) → parsing of dates and
numbers (parse failures are found here, with their raw values; booleans are refused as numbers,
and implausible contract dates become missing) → range checks of scores and items (with pandera)
→ warnings. Every problem is collected; nothing stops at the first.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pandera.pandas as pa

from cxlab.contract import _derive, _parse
from cxlab.contract._read import RawTable
from cxlab.contract._spec import (
    BOOL_FALSE,
    BOOL_TRUE,
    COST_KINDS,
    KINDS,
    NPS_RANGE,
    REQUIRED,
    REVIEW_RATING,
    SCORES,
    column_key,
    suggest_column,
)
from cxlab.contract._yaml import ConfigResult
from cxlab.contract.config import BundleConfig
from cxlab.errors import Problem, examples, excerpt, listing, quoted

__all__ = ["TableResult", "check_references", "check_table"]

_ID_LIKE = ("id", "code", "zip", "postcode", "plz", "phone", "tel", "number", "no")
_NUMBER_KINDS = ("amount", "count", "score", "item")
#: Names of a quantity column and parts of a unit-price column's name (compared as column keys),
#: for the hint that derives an invoice line's amount.
_QUANTITY_NAMES = ("quantity", "qty", "menge", "anzahl", "units", "quantité", "cantidad")
_PRICE_PARTS = ("price", "preis", "prix", "precio", "unitcost")


@dataclass
class TableResult:
    """A table after mapping and checking."""

    table: str
    raw: RawTable
    #: Canonical frame (None when required columns are missing, so it cannot be built).
    frame: pd.DataFrame | None
    #: Parsed customer ids by row number, for cross-table checks (None without the column).
    customer_ids: pd.Series | None = None
    #: Client column name of each canonical column.
    client: dict[str, str] = field(default_factory=dict)


class _Ctx:
    """Per-table helpers for building located problems."""

    def __init__(self, raw: RawTable, cfg: ConfigResult):
        self.raw = raw
        self.table = raw.table
        self.cfg = cfg
        self.problems: list[Problem] = []
        self.client: dict[str, str] = {}
        self.orig: pd.DataFrame = raw.frame
        #: Columns whose unreadable numbers were reported already (by a derived column).
        self.reported: set[str] = set()
        #: Credit notes whose amounts were made negative.
        self.flipped = 0

    def name(self, column: str) -> str:
        canon = self.client.get(column, column)
        return self.raw.written.get(canon, canon)

    def add(
        self,
        severity: str,
        rule: str,
        message: str,
        *,
        column: str | None = None,
        rows: pd.Index | None = None,
        hint: str = "",
    ) -> None:
        pairs: tuple[tuple[int, object], ...] = ()
        n = 0
        if rows is not None:
            rows = pd.Index(rows).sort_values()
            n = len(rows)
            shown = list(rows[:5])
            values = (
                list(self.orig[column].loc[shown]) if column in self.orig else [None] * len(shown)
            )
            pairs = examples(shown, values)
        self.problems.append(
            Problem(
                severity,  # type: ignore[arg-type]
                rule,
                message,
                table=self.table,
                file=self.raw.file,
                sheet=self.raw.sheet,
                column=self.name(column) if column is not None else None,
                rows=pairs,
                n_rows=n,
                hint=hint,
            )
        )

    def config_problem(self, section: str, where: str, name: str, known: list[str]) -> None:
        line = self.cfg.lines.get((section, self.table, name))
        at = f" (line {line})" if line else ""
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.5)
        if not close:
            by_key = [k for k in known if column_key(k) == column_key(name)]
            close = by_key[:1]
        self.problems.append(
            Problem(
                "error",
                "unknown_column",
                f"{where}{at} names the column {quoted(name)}, which {self.raw.file} does not have",
                table=self.table,
                file=self.cfg.file,
                column=name,
                hint=(f"did you mean {quoted(close[0])}? " if close else "")
                + f"the {self.table} columns are: {listing(known, 20)}",
            )
        )


def _rows(mask: pd.Series) -> pd.Index:
    return mask.index[mask.to_numpy(dtype=bool, na_value=False)]


# -- mapping ------------------------------------------------------------------------------------


def _map_columns(ctx: _Ctx, config: BundleConfig) -> dict[str, str]:
    """Client header -> canonical name, with rename and conflict problems."""
    table = ctx.table
    headers = list(ctx.raw.frame.columns)
    renamed: dict[str, str] = {}
    for key, new in config.columns.get(table, {}).items():
        match = [h for h in headers if h == key.strip()]
        match = match or [h for h in headers if column_key(h) == column_key(key)]
        if not match:
            ctx.config_problem("columns", f"columns.{table}", key, headers)
            continue
        renamed.setdefault(match[0], new)
    known = {column_key(c): c for c in KINDS[table]}
    mapping: dict[str, str] = {}
    owner: dict[str, str] = {}
    order = [h for h in headers if h in renamed] + [h for h in headers if h not in renamed]
    for h in order:
        canon = renamed.get(h) or known.get(column_key(h)) or h
        if canon in owner:
            ctx.problems.append(
                Problem(
                    "error",
                    "duplicate_column",
                    f"both {owner[canon]!r} and {h!r} would become the column {canon!r}",
                    table=table,
                    file=ctx.raw.file,
                    sheet=ctx.raw.sheet,
                    column=ctx.raw.written.get(h, h),
                    hint=f"keep one column for {canon!r}: delete or rename the other in the "
                    "file, or change 'columns:' in cxlab.yml",
                )
            )
            continue
        owner[canon] = h
        mapping[h] = canon
    return {h: mapping[h] for h in headers if h in mapping}


def _resolve(name: str, mapping: dict[str, str]) -> str | None:
    canon = set(mapping.values())
    if name in canon:
        return name
    if name in mapping:
        return mapping[name]
    key = column_key(name)
    for client, c in mapping.items():
        if column_key(c) == key or column_key(client) == key:
            return c
    return None


def _references(
    ctx: _Ctx, config: BundleConfig, mapping: dict[str, str]
) -> dict[str, dict[str, str]]:
    """Resolve every column cxlab.yml names for this table; report the ones that do not exist."""
    table = ctx.table
    known = list(ctx.raw.frame.columns)
    refs: dict[str, dict[str, str]] = {
        "recode": {},
        "dates": {},
        "drivers": {},
        "bool": {},
        "outcome": {},
    }
    wanted: list[tuple[str, str, str, str]] = []  # (section, where, name, bucket)
    for col in config.recode.get(table, {}):
        wanted.append(("recode", f"recode.{table}", col, "recode"))
    for col in config.dates.get(table, {}):
        wanted.append(("dates", f"dates.{table}", col, "dates"))
    if table == "responses":
        wanted += [("drivers", "drivers", c, "drivers") for c in config.drivers]
        if config.outcome:
            wanted.append(("outcome", "outcome", config.outcome, "outcome"))
    if table == "customers":
        wanted += [("sensitive", "sensitive", c, "") for c in config.sensitive]
        if config.consent:
            wanted.append(("consent", "consent", config.consent, "bool"))
        if config.churn.label:
            wanted.append(("churn", "churn.label", config.churn.label, "bool"))
    for section, where, name, bucket in wanted:
        canon = _resolve(name, mapping)
        if canon is None:
            ctx.config_problem(section, where, name, known)
        elif bucket:
            refs[bucket][name] = canon
    return refs


def _name_in_expression(name: str) -> str:
    """Write a column name as an expression in ``derive:`` takes it (backticks when needed)."""
    return name if name.isidentifier() and not name.startswith("__") else f"`{name}`"


def _missing_column_hint(table: str, column: str, headers: list[str], taken: set[str]) -> str:
    free = [h for h in headers if h not in taken]
    found = listing(headers, 20) or "none"
    if table == "transactions" and column == "amount":
        quantity = [h for h in headers if column_key(h) in _QUANTITY_NAMES]
        price = [h for h in headers if any(p in column_key(h) for p in _PRICE_PARTS)]
        if quantity and price:  # an invoice-line export: the amount is their product
            expr = f"{_name_in_expression(quantity[0])} * {_name_in_expression(price[0])}"
            return (
                f"columns found: {found}. The file has a quantity and a unit price: compute "
                f'the amount in cxlab.yml: derive: {{transactions: {{amount: "{expr}"}}}}'
            )
    guess = suggest_column(column, free)
    if guess is not None:
        return (
            f"columns found: {found}. If {quoted(guess)} holds the {column}, add to cxlab.yml: "
            f'columns: {{{table}: {{"{guess}": {column}}}}}'
        )
    return (
        f"columns found: {found}. Add the column, or map the client's column to it in "
        f'cxlab.yml: columns: {{{table}: {{"Your column": {column}}}}}'
    )


# -- recoding -------------------------------------------------------------------------------------


def _recode_text(value: object, decimal: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        text = repr(value)
        return text.replace(".", ",") if decimal == "," else text
    return str(value).strip()


def _recode(s: pd.Series, mapping: dict, decimal: str) -> pd.Series:
    """Replace values found in ``mapping`` (matched ignoring case); leave the others as they are."""
    text = _parse.as_text(s)
    lookup: dict[str, str | None] = {}
    for key, value in mapping.items():
        lookup.setdefault(str(key).strip().casefold(), _recode_text(value, decimal))
    for key, value in mapping.items():  # an exact-case key wins over a case-insensitive one
        lookup[str(key).strip().casefold()] = _recode_text(value, decimal)
    folded = text.str.casefold()
    hit = folded.isin(list(lookup)).to_numpy(dtype=bool, na_value=False)
    out = text.copy()
    out[hit] = folded[hit].map(lookup)
    return out


# -- pandera checks -------------------------------------------------------------------------------


def _run_schema(
    ctx: _Ctx,
    frame: pd.DataFrame,
    columns: dict[str, pa.Column],
    report: Callable[[str, str, pd.Index], None],
) -> None:
    """Validate lazily and hand each (column, check) failure group to ``report``."""
    if not columns:
        return
    schema = pa.DataFrameSchema(columns, strict=False, coerce=False)
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
        cases = cases[cases["index"].notna()]
        for (column, check), group in cases.groupby(["column", "check"], sort=False):
            rows = pd.Index(np.unique(group["index"].to_numpy(dtype="int64")))
            report(str(column), str(check).split("(")[0], rows)


# -- the table ------------------------------------------------------------------------------------


def check_table(
    raw: RawTable, config: BundleConfig, cfg: ConfigResult, *, full: bool = True
) -> tuple[TableResult, list[Problem]]:
    """Map one raw table onto the contract and check it.

    Parameters
    ----------
    raw : RawTable
        The table as read.
    config : BundleConfig
        The bundle's configuration.
    cfg : ConfigResult
        Where configuration entries sit (for located messages) and which were invalid.
    full : bool
        Run the row-level checks and warnings (False: map and parse only).

    Returns
    -------
    TableResult, list of Problem
    """
    ctx = _Ctx(raw, cfg)
    table = raw.table
    decimal = raw.decimal
    mapping = _map_columns(ctx, config)
    ctx.client = {canon: client for client, canon in mapping.items()}
    orig = raw.frame[list(mapping)].set_axis(list(mapping.values()), axis=1)
    ctx.orig = orig.copy()  # columns added by defaults and derive join it, for messages
    work = orig.copy()
    #: Canonical column -> the name a user may write for it (grows with new columns).
    client = dict(ctx.client)

    # defaults, and the names the later steps create
    defaults = config.defaults.get(table, {})
    work = _derive.add_defaults(ctx, work, defaults, client, decimal, full)
    exprs = config.derive.get(table, {})
    derived = {_derive.canonical_name(table, t) for t in exprs}
    stages = config.stages if table == "events" else None
    created = set(derived)
    if stages is not None and stages.activities:
        created.add("stage")
    if stages is not None and stages.outcomes:
        created.add("outcome")
    names = dict(mapping)
    names.update({c: c for c in [*work.columns, *created] if c not in names.values()})
    refs = _references(ctx, config, names)
    present = set(work.columns) | created

    missing = [c for c in REQUIRED[table] if c not in present]
    broken = [c for c in missing if f"derive.{table}.{column_key(c)}" in cfg.invalid]
    missing = [c for c in missing if c not in broken]  # its expression was reported already
    headers = [raw.written.get(h, h) for h in raw.frame.columns]
    taken = {h for h, c in mapping.items() if c in KINDS[table]}
    for col in missing:
        ctx.add(
            "error",
            "missing_column",
            f"the required column {col!r} is missing",
            column=col,
            hint=_missing_column_hint(table, col, headers, taken),
        )
    outcome = refs["outcome"].get(config.outcome or "") if table == "responses" else None
    scores = [c for c in SCORES if c in present] if table == "responses" else []
    if table == "responses" and not scores and not outcome:
        guesses = [g for g in (suggest_column(s, headers) for s in SCORES) if g]
        ctx.add(
            "error",
            "no_scores",
            "the responses table has none of the score columns nps, csat or ces",
            hint=f"columns found: {listing(headers, 20)}. "
            + (
                f"If {quoted(guesses[0])} is a score, rename it under 'columns:' in cxlab.yml. "
                if guesses
                else ""
            )
            + "A survey export needs at least one of NPS (0–10), CSAT or CES, or a yes/no "
            "outcome declared as outcome: <column> in cxlab.yml",
        )

    # kinds
    kinds: dict[str, str] = {c: KINDS[table].get(c, "extra") for c in present}
    for c in refs["dates"].values():
        kinds[c] = "date"
    for c in refs["drivers"].values():
        kinds[c] = "item"
    for c in refs["bool"].values():
        kinds[c] = "bool"
    if outcome:
        kinds[outcome] = "bool"

    # recoding (columns that derive creates are recoded once they exist)
    for name, col in refs["recode"].items():
        if col in work and col not in derived:
            work[col] = _recode(work[col], config.recode[table][name], decimal)

    # filters, derived columns, stages, credit notes
    date_cache: dict[str, _parse.DateResult] = {}

    def date_of(col: str, s: pd.Series) -> _parse.DateResult | None:
        if kinds.get(col) != "date":
            return None
        if col not in date_cache:
            date_cache[col] = _parse.parse_dates(s, _date_format(config, table, col, names, ctx))
        return date_cache[col]

    rules = list(enumerate(config.filters.get(table, ()), start=1))
    later = created | derived  # filters on columns that derive or stages write run after them
    on_derived = [(n, r) for n, r in rules if _resolve(r.condition.column, names) in later]
    on_file = [(n, r) for n, r in rules if (n, r) not in on_derived]
    parse_later = {c for c, k in kinds.items() if k in ("date", *_NUMBER_KINDS)}
    filtering = {"decimal": decimal, "date_of": date_of, "parse_later": parse_later, "full": full}
    work = _derive.apply_filters(ctx, work, on_file, client, **filtering)
    operands = _derive.Operands(ctx, work, decimal, config.currency)
    work, failed = _derive.derive_columns(ctx, work, exprs, client, operands, full)
    for name, col in refs["recode"].items():
        if col in derived and col in work:
            work[col] = _recode(work[col], config.recode[table][name], decimal)
            operands.numbers.pop(col, None)  # parse the recoded values, not the ones before
    if stages is not None:
        work = _derive.apply_stages(ctx, work, stages, client, full)
    work = _derive.apply_filters(ctx, work, on_derived, client, **filtering)
    notes = None
    if table == "transactions" and config.credit_notes is not None:
        notes = _derive.credit_note_rows(ctx, work, config.credit_notes.condition, client, decimal)
    ctx.reported = operands.reported
    if len(work) == 0:
        ctx.add(
            "error",
            "no_data_rows",
            f"the filters and stages in cxlab.yml removed every one of the {len(orig):,} row(s)",
            hint="check the filters against the file: a keep filter's values or date range "
            "may not match how the file writes them (the warnings above say how many rows each "
            "removed)",
        )
        return TableResult(table, raw, None, None, ctx.client), ctx.problems
    unbuilt = [c for c in REQUIRED[table] if c not in work and c not in missing]

    # fully empty columns
    empty = {c for c in work.columns if work[c].isna().all()}
    for c in work.columns:
        if c not in empty:
            continue
        if c in REQUIRED[table]:
            ctx.add(
                "error",
                "empty_column",
                f"the required column {c!r} is entirely empty (fully missing column)",
                column=c,
                hint="the export probably left this column out; export it again with values",
            )
        else:
            ctx.add(
                "warning",
                "empty_column",
                "the column is entirely empty; analyses that need it will skip it",
                column=c,
                hint="fill it in or delete it from the file",
            )
    answered = [c for c in [*scores, outcome] if c and c in work]
    if answered and all(c in empty for c in answered):
        ctx.add(
            "error",
            "no_scores",
            f"the score column(s) {', '.join(answered)} are entirely empty",
            hint="export the survey answers again; at least one score needs values",
        )

    if full:
        _presence_checks(ctx, work, kinds, empty)

    # parsing
    parsed: dict[str, pd.Series] = {}
    num_values: dict[str, pd.Series] = {}
    for col in work.columns:
        kind = kinds.get(col, "extra")
        s = work[col]
        if kind == "id":
            parsed[col] = _parse.id_text(s)
        elif kind == "text":
            parsed[col] = _parse.as_text(s)
        elif kind == "date":
            fmt = _date_format(config, table, col, names, ctx)
            parsed[col] = _dates(ctx, s, col, fmt, full, date_cache.get(col))
            if KINDS[table].get(col) == "date":
                parsed[col] = _plausible(ctx, parsed[col], col, config, full)
        elif kind == "bool":
            parsed[col] = _parse.parse_bool(s)[0]
        elif kind in ("amount", "count", "score", "item"):
            values = _numbers(ctx, s, col, kind, raw.decimal, config, operands.numbers.get(col))
            if kind == "amount":
                if col == "amount" and notes is not None:
                    line = config.credit_notes.line  # type: ignore[union-attr]
                    cond = config.credit_notes.condition  # type: ignore[union-attr]
                    values, ctx.flipped = _derive.negate_credit_notes(
                        ctx, values, notes, cond, line, full
                    )
                    if "amount" in derived:  # show the amounts as they are now
                        ctx.orig["amount"] = values
                parsed[col] = values
            else:
                ints, fractional = _parse.to_int(values)
                if fractional.any():
                    what = "scores" if kind in ("score", "item") else "counts"
                    ctx.add(
                        "error",
                        "non_integer",
                        f"{int(fractional.sum())} value(s) are not whole numbers",
                        column=col,
                        rows=_rows(fractional),
                        hint=f"{what} are whole numbers; a value such as 7.5 is probably an "
                        "average of several answers; use the individual answers",
                    )
                parsed[col] = ints
                num_values[col] = values.where(~fractional)
        else:
            parsed[col] = _infer(s, col, table, raw.decimal)

    if full:
        _range_checks(ctx, num_values, kinds, config)
        _warnings(ctx, work, parsed, kinds, answered, empty)
    if table == "costs":
        if full:
            _cost_checks(ctx, parsed, empty)
        parsed = _cost_kinds(parsed)

    no_answers = table == "responses" and not scores and not outcome
    if missing or broken or unbuilt or failed or no_answers:
        frame = None
    else:
        frame = pd.DataFrame(parsed, index=work.index).reset_index(drop=True)
    ids = parsed.get("customer_id")
    return TableResult(table, raw, frame, ids, ctx.client), ctx.problems


def _date_format(
    config: BundleConfig, table: str, col: str, mapping: dict[str, str], ctx: _Ctx
) -> str | None:
    for name, fmt in config.dates.get(table, {}).items():
        if _resolve(name, mapping) == col:
            return fmt
    return None


def _dates(
    ctx: _Ctx,
    s: pd.Series,
    col: str,
    fmt: str | None,
    full: bool,
    cached: _parse.DateResult | None = None,
) -> pd.Series:
    if cached is not None:  # parsed before filtering, for a date range; keep the rows left
        result = _parse.DateResult(
            cached.values.loc[s.index],
            cached.bad.loc[s.index],
            cached.format,
            cached.ambiguous,
        )
    else:
        result = _parse.parse_dates(s, fmt)
    if result.bad.any():
        rows = _rows(result.bad)
        ctx.add(
            "error",
            "unparsable_date",
            f"{len(rows)} value(s) cannot be read as dates",
            column=col,
            rows=rows,
            hint=_parse.date_hint(list(ctx.orig[col].loc[rows[:5]]), ctx.table, ctx.name(col), fmt),
        )
    if full and result.ambiguous:
        ctx.add(
            "warning",
            "ambiguous_date",
            f"the dates could be read as {result.format} or as {result.ambiguous}; cxlab read "
            f"them as {result.format}",
            column=col,
            hint=f"declare the format in cxlab.yml to be sure: "
            f'dates: {{{ctx.table}: {{{ctx.name(col)}: "{result.format}"}}}}',
        )
    return result.values


def _plausible(
    ctx: _Ctx, values: pd.Series, col: str, config: BundleConfig, full: bool
) -> pd.Series:
    """Read the contract dates that stand for "no date" as missing; warn about them."""
    floor = config.date_floor
    sentinel, early = _parse.implausible_dates(values, floor)
    wrong = sentinel | early
    if not wrong.any():
        return values
    if full:
        parts = []
        if sentinel.any():
            days = sorted({f"{d:%Y-%m-%d}" for d in values[sentinel].dt.normalize()})
            parts.append(
                f"{int(sentinel.sum())} on {', '.join(days)}, a spreadsheet's or a system's "
                "placeholder for an empty date"
            )
        if early.any():
            parts.append(f"{int(early.sum())} before {floor:%Y-%m-%d}")
        hint = (
            "these dates are left out of every analysis and of the period the report covers; "
            "if the export filled empty cells with a placeholder, leave them empty instead"
        )
        if early.any():
            hint += (
                f"; if dates before {floor:%Y-%m-%d} are real, lower the floor in cxlab.yml, "
                f"e.g. date_floor: {min(values[early]).year}-01-01"
            )
        ctx.add(
            "warning",
            "implausible_date",
            f"{int(wrong.sum())} date(s) are implausible and are read as missing: "
            + "; ".join(parts),
            column=col,
            rows=_rows(wrong),
            hint=hint,
        )
    return values.mask(wrong)


_BOOLEAN_HINTS = {
    "amount": "an amount is a number per row; a true/false column is a flag (paid, refunded), "
    "so map the column that holds the money under 'columns:' in cxlab.yml",
    "count": "a quantity is a whole number per row; map the column that holds it under "
    "'columns:' in cxlab.yml",
}


def _booleans(ctx: _Ctx, s: pd.Series, col: str, kind: str, bad: pd.Series) -> pd.Series:
    """Report booleans in a number column (never read as 1 and 0); return the other bad cells."""
    booleans = bad & _parse.boolean_values(s)
    if not booleans.any():
        return bad
    what = {"amount": "amounts", "count": "counts"}.get(kind, "scores")
    if kind in _BOOLEAN_HINTS:
        hint = _BOOLEAN_HINTS[kind]
    else:
        label = col.upper() if col in SCORES else f"the rating item {col!r}"
        hint = (
            f"a yes/no answer is not {label}: map the column that holds the scores under "
            "'columns:' in cxlab.yml"
            + (", or leave a yes/no question out of 'drivers:'" if kind == "item" else "")
            + "; if true and false really stand for two scores, say which ones: "
            f'recode: {{{ctx.table}: {{{col}: {{"true": ..., "false": ...}}}}}}'
        )
    ctx.add(
        "error",
        "boolean_not_number",
        f"{int(booleans.sum())} value(s) are true/false, not {what}; cxlab does not read "
        "them as 1 and 0",
        column=col,
        rows=_rows(booleans),
        hint=hint,
    )
    return bad & ~booleans


def _numbers(
    ctx: _Ctx,
    s: pd.Series,
    col: str,
    kind: str,
    decimal: str,
    config: BundleConfig,
    parsed: pd.Series | None = None,
) -> pd.Series:
    if parsed is not None:  # parsed for a derived column; its bad values were reported there
        return parsed.loc[s.index]
    values, bad = _parse.parse_numbers(s, decimal)
    if bad.any() and col in ctx.reported:  # reported already, where derive computes with it
        return values
    if bad.any():
        bad = _booleans(ctx, s, col, kind, bad)
    if bad.any():
        rows = _rows(bad)
        sample = list(ctx.orig[col].loc[rows[:5]])
        if kind in ("score", "item"):
            texts = list(dict.fromkeys(str(v) for v in s.loc[rows[:50]]))[:3]
            pairs = ", ".join(f'"{excerpt(t, 30)}": …' for t in texts)
            hint = (
                "scores must be numbers; if the survey exported answer labels, recode them in "
                f"cxlab.yml: recode: {{{ctx.table}: {{{col}: {{{pairs}}}}}}}"
            )
        else:
            hint = _parse.number_hint(sample, decimal, currency=config.currency)
        ctx.add(
            "error",
            "not_numeric",
            f"{len(rows)} value(s) are not numbers",
            column=col,
            rows=rows,
            hint=hint,
        )
    return values


def _infer(s: pd.Series, col: str, table: str, decimal: str) -> pd.Series:
    """Attribute columns: numbers when every value is one (ids and codes stay text)."""
    if not pd.api.types.is_string_dtype(s.dtype) or s.dtype == object:
        if pd.api.types.is_numeric_dtype(s.dtype) or pd.api.types.is_datetime64_any_dtype(s.dtype):
            return s
        return _parse.as_text(s)
    present = s.dropna()
    if present.empty:
        return s
    key = column_key(col)
    if table != "responses" and key.endswith(_ID_LIKE):
        return s
    head = present.iloc[:1000]
    if _parse.parse_numbers(head, decimal)[1].any():
        return s
    if table != "responses" and present.str.match(r"[+-]?0\d").any():
        return s  # leading zeros: a code, not a quantity
    values, bad = _parse.parse_numbers(s, decimal)
    if bad.any():
        return s
    ints, fractional = _parse.to_int(values)
    return values if fractional.any() else ints


def _presence_checks(ctx: _Ctx, work: pd.DataFrame, kinds: dict[str, str], empty: set) -> None:
    table = ctx.table
    frame: dict[str, pd.Series] = {}
    columns: dict[str, pa.Column] = {}
    for col in REQUIRED[table]:
        if col in work and col not in empty:
            frame[col] = work[col]
            columns[col] = pa.Column(
                nullable=False, unique=(table == "customers" and col == "customer_id")
            )
    if table == "responses" and "response_id" in work and "response_id" not in empty:
        frame["response_id"] = work["response_id"]
        columns["response_id"] = pa.Column(nullable=True, unique=True)
    allowed = list(BOOL_TRUE + BOOL_FALSE)
    for col, kind in kinds.items():
        if kind == "bool" and col not in empty and not pd.api.types.is_bool_dtype(work[col]):
            frame[col] = _parse.as_text(work[col]).str.casefold()
            columns[col] = pa.Column(nullable=True, checks=pa.Check.isin(allowed))

    def report(col: str, check: str, rows: pd.Index) -> None:
        if check == "not_nullable":
            ctx.add(
                "error",
                "missing_value",
                f"{len(rows)} row(s) have no {col}",
                column=col,
                rows=rows,
                hint=f"every {table} row needs a {col}; fill it in, or delete rows that are "
                "not real records (totals, notes)"
                + (
                    "; to leave out rows without a customer (guest checkouts), filter them in "
                    f"cxlab.yml: filters: {{{table}: [{{drop: {{column: {ctx.name(col)}, "
                    "missing: true}}]}"
                    if col == "customer_id"
                    else ""
                ),
            )
        elif check == "field_uniqueness" and col == "customer_id":
            n_ids = ctx.orig.loc[rows, col].nunique()
            ctx.add(
                "error",
                "duplicate_id",
                f"{n_ids} customer id(s) appear more than once ({len(rows)} rows)",
                column=col,
                rows=rows,
                hint="each customer must appear once in customers; merge the duplicate rows or "
                "give different customers different ids",
            )
        elif check == "field_uniqueness":
            ctx.add(
                "warning",
                "duplicate_id",
                f"{len(rows)} rows share a {col} with another row",
                column=col,
                rows=rows,
                hint="the same survey answer may have been exported twice; remove repeats",
            )
        elif check == "isin":
            ctx.add(
                "error",
                "not_boolean",
                f"{len(rows)} value(s) are not yes/no values",
                column=col,
                rows=rows,
                hint="use true/false, yes/no, y/n or 1/0, or recode the values in cxlab.yml: "
                f'recode: {{{table}: {{{col}: {{"Ja": true, "Nein": false}}}}}}',
            )

    _run_schema(ctx, pd.DataFrame(frame, index=work.index), columns, report)


def _scale_of(col: str, kind: str, config: BundleConfig, cfg: ConfigResult):
    if kind == "item":
        if config.item_scale is None or "scales.items" in cfg.invalid:
            return None
        return (config.item_scale.min, config.item_scale.max, "scales.items")
    if col == "nps":
        return (*NPS_RANGE, None)
    if col == "rating":
        return (*REVIEW_RATING, "rating")
    if col == "csat":
        if "scales.csat" in cfg.invalid:
            return None
        return (config.csat_scale.min, config.csat_scale.max, "scales.csat")
    if col == "ces":
        if "scales.ces" in cfg.invalid:
            return None
        return (config.ces_scale.min, config.ces_scale.max, "scales.ces")
    return None


def _range_checks(
    ctx: _Ctx, values: dict[str, pd.Series], kinds: dict[str, str], config: BundleConfig
) -> None:
    frame: dict[str, pd.Series] = {}
    columns: dict[str, pa.Column] = {}
    scales: dict[str, tuple] = {}
    for col, s in values.items():
        if kinds[col] not in ("score", "item"):
            continue
        scale = _scale_of(col, kinds[col], config, ctx.cfg)
        if scale is None:
            continue
        lo, hi, _ = scale
        scales[col] = scale
        frame[col] = s
        columns[col] = pa.Column(nullable=True, checks=pa.Check.in_range(lo, hi))

    def report(col: str, check: str, rows: pd.Index) -> None:
        lo, hi, key = scales[col]
        del check  # the only check here is the range
        label = col.upper() if col in SCORES else f"item {col!r}"
        if key == "rating":
            label = "review rating"
            hint = (
                "review ratings are stars from 1 to 5; convert another scale before loading "
                "(a rating out of 10: divide by 2) or recode the values in cxlab.yml"
            )
        elif key is None:
            hint = "NPS answers are 0 (not at all likely) to 10 (extremely likely)"
        else:
            hint = (
                f"the {label} scale is {lo}–{hi} ({key} in cxlab.yml, or the default); if the "
                f"survey used another scale, declare it: scales: {{{key.split('.')[1]}: "
                f"{{min: ..., max: ...}}}}"
            )
        ctx.add(
            "error",
            "out_of_scale",
            f"{len(rows)} value(s) are outside the {label} scale {lo}–{hi}",
            column=col,
            rows=rows,
            hint=hint,
        )

    if frame:
        index = next(iter(frame.values())).index
        _run_schema(ctx, pd.DataFrame(frame, index=index), columns, report)


def _cost_kinds(parsed: dict[str, pd.Series]) -> dict[str, pd.Series]:
    """Write each cost kind in lower case without surrounding spaces (``Acquisition`` counts)."""
    if "kind" in parsed:
        parsed = {**parsed, "kind": parsed["kind"].str.strip().str.casefold()}
    return parsed


def _cost_checks(ctx: _Ctx, parsed: dict[str, pd.Series], empty: set) -> None:
    """Check the costs table's own rules: known kinds, no negative spend, no repeated rows."""
    kinds = ", ".join(COST_KINDS)
    if "kind" in parsed and "kind" not in empty:
        kind = parsed["kind"].str.strip().str.casefold()
        unknown = kind.notna() & ~kind.isin(COST_KINDS)
        if unknown.any():
            ctx.add(
                "error",
                "unknown_cost_kind",
                f"{int(unknown.sum())} cost row(s) have a kind other than {kinds}",
                column="kind",
                rows=_rows(unknown),
                hint=f"write each row's kind as one of {kinds} (acquisition: winning new "
                "customers, retention: keeping existing ones, service: support); to keep "
                "another label, recode it in cxlab.yml: recode: {costs: {kind: "
                '{"Marketing": acquisition}}}',
            )
    if "amount" in parsed and "amount" not in empty:
        negative = parsed["amount"] < 0
        if negative.any():
            ctx.add(
                "error",
                "negative_cost",
                f"{int(negative.sum())} cost amount(s) are negative",
                column="amount",
                rows=_rows(negative),
                hint="costs are money spent, written as positive amounts; a refund from a "
                "supplier belongs in the row of the spend it reduces",
            )
    keys = [c for c in ("period", "channel", "kind") if c in parsed and c not in empty]
    if {"period", "kind"} <= set(keys):
        frame = pd.DataFrame({c: parsed[c] for c in keys})
        frame["kind"] = frame["kind"].str.strip().str.casefold()
        repeated = frame.notna().all(axis=1) & frame.duplicated(keep=False)
        if repeated.any():
            ctx.add(
                "warning",
                "duplicate_cost",
                f"{int(repeated.sum())} cost row(s) repeat the period, "
                f"{'channel and ' if 'channel' in keys else ''}kind of another row; their "
                "amounts are added up",
                rows=_rows(repeated),
                hint="nothing to do if these are separate invoices; if the same cost was "
                "exported twice, delete the copy",
            )


def _warnings(
    ctx: _Ctx,
    work: pd.DataFrame,
    parsed: dict[str, pd.Series],
    kinds: dict[str, str],
    scores: list[str],
    empty: set,
) -> None:
    if "amount" in parsed and kinds.get("amount") == "amount" and ctx.table != "costs":
        negative = parsed["amount"] < 0
        if negative.any():
            total = float(parsed["amount"][negative].sum())
            flipped = (
                f" ({ctx.flipped:,} of them credit notes made negative by credit_notes)"
                if ctx.flipped
                else ""
            )
            ctx.add(
                "warning",
                "negative_amount",
                f"{int(negative.sum())} negative amount(s), totalling {total:,.2f}{flipped}: "
                "read as refunds",
                column="amount",
                rows=_rows(negative),
                hint="nothing to do if these are refunds or returns; otherwise correct the sign",
            )
    if scores and not all(c in empty for c in scores):
        none = work[scores].isna().all(axis=1)
        if none.any():
            ctx.add(
                "warning",
                "no_score",
                f"{int(none.sum())} response(s) have none of the scores "
                f"{', '.join(scores)}; they count only where comments are analysed",
                rows=_rows(none),
                hint="check the export if every response should have a score",
            )
    if ctx.table == "responses" and "date" in parsed and "date" not in empty:
        undated = work["date"].isna()
        if undated.any():
            ctx.add(
                "warning",
                "missing_value",
                f"{int(undated.sum()):,} response(s) have no date; analyses over time leave "
                "them out",
                column="date",
                rows=_rows(undated),
                hint="fill in the dates if the export has them; a survey without any dates is "
                "valid too",
            )
    now = pd.Timestamp.now()
    for col, kind in kinds.items():
        if kind != "date" or col not in parsed:
            continue
        future = parsed[col] > now
        if future.any():
            newest = parsed[col][~future].max()
            newest_text = "none" if pd.isna(newest) else f"{newest:%Y-%m-%d}"
            ctx.add(
                "warning",
                "future_date",
                f"{int(future.sum())} date(s) lie in the future (after {now:%Y-%m-%d}; the "
                f"newest other date is {newest_text})",
                column=col,
                rows=_rows(future),
                hint="check for typing errors in the year, or for a day/month mix-up",
            )


def _isin(values: pd.Series, known: pd.Series) -> np.ndarray:
    """Mark the values found in ``known``, as ``values.isin(known)`` does.

    For text in Arrow-backed strings on both sides the lookup is Arrow's ``is_in`` on the two
    arrays: pandas' ``isin`` turns each wanted value into an Arrow scalar in a Python loop first,
    which took 3 of the 15 seconds of validating a client with 70,000 customers.
    """
    if isinstance(values.array, pd.arrays.ArrowStringArray) and isinstance(
        known.array, pd.arrays.ArrowStringArray
    ):
        import pyarrow as pyarrow_
        import pyarrow.compute as pc

        wanted = pyarrow_.array(known.array)
        if isinstance(wanted, pyarrow_.ChunkedArray):
            wanted = wanted.combine_chunks()
        given = pyarrow_.array(values.array)
        hit = pc.is_in(given, value_set=wanted.cast(given.type))
        return np.asarray(hit.to_numpy(zero_copy_only=False), dtype=bool)
    return values.isin(known).to_numpy(dtype=bool)


def check_references(results: dict[str, TableResult]) -> list[Problem]:
    """Warn about rows whose customer id is not in the customers table.

    Parameters
    ----------
    results : dict of str to TableResult
        The checked tables.

    Returns
    -------
    list of Problem
    """
    customers = results.get("customers")
    if customers is None or customers.customer_ids is None:
        return []
    known = customers.customer_ids.dropna().drop_duplicates()
    problems = []
    for table in ("transactions", "responses", "events"):
        res = results.get(table)
        if res is None or res.customer_ids is None:
            continue
        ids = res.customer_ids
        orphan = ids.notna() & ~_isin(ids, known)
        if not orphan.any():
            continue
        rows = _rows(orphan)
        client = res.client.get("customer_id", "customer_id")
        source = res.raw.frame[client] if client in res.raw.frame else ids
        values = list(source.loc[rows[:5]])
        problems.append(
            Problem(
                "warning",
                "unknown_customer",
                f"{len(rows)} row(s) refer to {ids[orphan].nunique()} customer id(s) that are "
                f"not in {customers.raw.file}",
                table=table,
                file=res.raw.file,
                sheet=res.raw.sheet,
                column=res.raw.written.get(client, client),
                rows=examples(list(rows[:5]), values),
                n_rows=len(rows),
                hint="these rows are kept; analyses that join to customers leave them out. "
                "Check that both files come from the same export",
            )
        )
    return problems
