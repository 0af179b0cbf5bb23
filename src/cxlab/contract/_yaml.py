"""Reading ``cxlab.yml`` into a :class:`~cxlab.contract.config.BundleConfig`, with located problems.

PyYAML's ``safe_load`` loses two things a client needs: where a value sits in the file (for the
message "line 14: a CSAT scale must be ...") and how a key was written (YAML 1.1 reads an unquoted
``Yes`` as ``True``, so a recode table ``{Yes: true, No: false}`` would otherwise match nothing).
This module therefore walks PyYAML's node graph itself: every value keeps its line and column, and
mapping keys keep the text as written.

A ``cxlab.yml`` comes with the client's data and is read before anything else, so it is read
defensively: at most :data:`MAX_CONFIG_BYTES`, nested at most :data:`MAX_DEPTH` deep, with at
most :data:`MAX_ALIASES` aliases (``*name``) that together expand the file to at most
:data:`MAX_VALUES` values. Composing PyYAML's node graph does not expand aliases (an alias is a
second reference to the anchored node), so these budgets are checked while the graph is composed
and before it is walked: a "billion laughs" file of nested aliases is refused in the time it
takes to read its few lines.
"""

from __future__ import annotations

import codecs
import datetime as dt
import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from cxlab.contract._expr import ExpressionError, compile_expression
from cxlab.contract._files import unsafe_reason
from cxlab.contract._spec import CES_SCALES, CSAT_SCALES, column_key
from cxlab.contract.bundle import TABLES
from cxlab.contract.config import (
    DATE_FLOOR,
    BundleConfig,
    ChurnRule,
    Condition,
    CreditNotes,
    DerivedTable,
    RowFilter,
    Scale,
    Stages,
    TableSource,
)
from cxlab.errors import Problem, excerpt, listing, quoted

__all__ = ["CONFIG_NAMES", "ConfigResult", "parse_config"]

#: File names recognised as a bundle's configuration (compared case-insensitively).
CONFIG_NAMES: tuple[str, ...] = ("cxlab.yml", "cxlab.yaml")
#: Largest configuration file read, in bytes (a real one is a few kilobytes).
MAX_CONFIG_BYTES = 1024 * 1024
#: Most aliases (``*name``) a configuration may use.
MAX_ALIASES = 100
#: Most values (keys, entries and scalars) the configuration may hold once aliases are expanded.
MAX_VALUES = 10_000
#: Longest client name accepted (it heads every report).
MAX_CLIENT = 200
#: Deepest nesting of mappings and lists (a real configuration needs five levels).
MAX_DEPTH = 40

_TOP_KEYS = (
    "client",
    "currency",
    "industry",
    "tables",
    "columns",
    "recode",
    "dates",
    "scales",
    "drivers",
    "sensitive",
    "consent",
    "churn",
    "date_floor",
    "outcome",
    "defaults",
    "derive",
    "filters",
    "credit_notes",
    "stages",
)
_TABLE_KEYS = ("file", "sheet", "header_row", "delimiter", "encoding", "decimal")
#: Keys of a derived table under ``tables:`` (``customers: {from: transactions}``).
_DERIVED_KEYS = ("from", "attributes")
#: Tables a derived table can be built from, and the tables that can be derived.
_DERIVED_SOURCES = ("transactions", "responses", "events")
_DERIVABLE = ("customers",)
_ATTRIBUTE_RULES = ("first", "last", "most_frequent")
_CONDITION_TESTS = ("equals", "matches", "starts_with", "missing", "from", "to")
_STAGES_KEYS = ("column", "order", "activities", "outcomes", "ignore")
#: Longest pattern or value in a condition or stage mapping.
MAX_PATTERN = 200
#: Most filters and derived columns per table; most values in one condition's list; most
#: patterns (names with * or ?) under ``stages:``. Each costs a pass over the table or over
#: its distinct values, so a hostile cxlab.yml cannot make validation run for hours.
MAX_RULES = 100
MAX_LIST = 1000
MAX_STAGE_PATTERNS = 200
_SCALE_KEYS = {
    "csat": ("min", "max", "satisfied"),
    "ces": ("min", "max", "direction"),
    "items": ("min", "max"),
}
_DIRECTIONS = ("higher_is_easier", "higher_is_harder")
_DELIMITER_WORDS = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}


class GroupKey(str):
    """A mapping key written as a list of names, ``[q1, q2, q3]: ...``; ``names`` holds them.

    Only ``recode:`` accepts such keys (one recode for several columns); elsewhere the key is
    its text, ``[q1, q2, q3]``, and is reported as an unknown name.
    """

    names: tuple[str, ...]

    def __new__(cls, names: tuple[str, ...]) -> GroupKey:
        key = super().__new__(cls, "[" + ", ".join(names) + "]")
        key.names = names
        return key


@dataclass
class Node:
    """One YAML value with its position (1-based line and column)."""

    kind: str  # "scalar", "map" or "seq"
    value: Any  # the constructed scalar, a dict of key text -> Node, or a list of Node
    raw: str | None
    line: int
    column: int

    @property
    def text(self) -> str:
        """The scalar as written (numbers and booleans included), for names and keys."""
        if self.value is None:
            return ""
        return self.raw if self.raw is not None else str(self.value)


class _Refused(Exception):
    """The configuration breaks one of the reading budgets; carries the located problem."""

    def __init__(self, rule: str, line: int, message: str, hint: str):
        super().__init__(message)
        self.rule, self.line, self.message, self.hint = rule, line, message, hint


_ALIAS_HINT = (
    "write the settings out in full; anchors (&name) and aliases (*name) are only needed to "
    "repeat a small part such as one recode table, and a cxlab.yml needs a few hundred values "
    "at most"
)


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader, counting aliases and nesting while it composes the node graph."""

    def __init__(self, text: str):
        super().__init__(text)
        #: Each alias used: (anchor name, 1-based line of the alias, the node it stands for).
        self.aliases: list[tuple[str, int, yaml.Node]] = []
        self.depth = 0
        #: Values composed so far (aliases not counted: :func:`_check_expansion` sees them).
        self.nodes = 0

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            line = event.start_mark.line + 1
            if len(self.aliases) >= MAX_ALIASES:
                raise _Refused(
                    "yaml_aliases",
                    line,
                    f"more than {MAX_ALIASES} aliases (*name); cxlab refuses the file rather "
                    "than expand them",
                    _ALIAS_HINT,
                )
            target = self.anchors.get(event.anchor)
            if target is not None:
                self.aliases.append((event.anchor, line, target))
            return super().compose_node(parent, index)
        self.nodes += 1
        if self.nodes > MAX_VALUES:
            raise _Refused(
                "file_too_large",
                self.peek_event().start_mark.line + 1,
                f"the file holds more than {MAX_VALUES:,} values; cxlab stops reading it here",
                "a cxlab.yml needs a few hundred values at most; keep only the settings (see "
                "docs/data-contract.md, section 5), the data belong in the table files",
            )
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                line = self.peek_event().start_mark.line + 1
                raise _Refused(
                    "invalid_yaml",
                    line,
                    f"mappings and lists are nested more than {MAX_DEPTH} levels deep",
                    "a cxlab.yml needs about five levels (tables → table → option); check for "
                    "runaway brackets",
                )
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def _check_expansion(root: yaml.Node, aliases: list[tuple[str, int, yaml.Node]]) -> None:
    """Refuse a graph whose aliases loop or expand it beyond :data:`MAX_VALUES` values.

    Sizes are counted once per node (memoised), so this takes time proportional to the file,
    not to what the aliases would expand to.
    """
    if not aliases:
        return
    sizes: dict[int, int] = {}
    active: set[int] = set()

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in active:
            name, line = next(((a, n) for a, n, t in aliases if t is node), ("?", 0))
            raise _Refused(
                "yaml_aliases",
                line,
                f"the alias *{excerpt(name, 30)} refers to the list or mapping that contains "
                "it, so the file never ends",
                _ALIAS_HINT,
            )
        active.add(key)
        if isinstance(node, yaml.MappingNode):
            total = 1 + sum(size(k) + size(v) for k, v in node.value)
        elif isinstance(node, yaml.SequenceNode):
            total = 1 + sum(size(n) for n in node.value)
        else:
            total = 1
        active.discard(key)
        sizes[key] = total
        return total

    total = size(root)
    if total <= MAX_VALUES:
        return
    name, line, target = max(aliases, key=lambda a: (sizes.get(id(a[2]), 0), a[1]))
    raise _Refused(
        "yaml_aliases",
        line,
        f"the alias *{excerpt(name, 30)} repeats a part of {sizes.get(id(target), 0):,} values, "
        f"and with all its aliases the file would expand to {total:,} values; cxlab reads at "
        f"most {MAX_VALUES:,} and refuses the file rather than expand it",
        _ALIAS_HINT,
    )


@dataclass
class ConfigResult:
    """What reading a bundle's configuration produced."""

    config: BundleConfig
    problems: list[Problem] = field(default_factory=list)
    #: The configuration could not be read at all (invalid YAML): data checks are meaningless.
    fatal: bool = False
    #: File name of the configuration, when there is one.
    file: str | None = None
    #: Line of each configured column reference, for located messages: (section, table, column).
    lines: dict[tuple[str, str, str], int] = field(default_factory=dict)
    #: Settings that were present but invalid (e.g. ``"scales.csat"``); their defaults are used
    #: for reading, but checks that depend on them are skipped to avoid misleading errors.
    invalid: set[str] = field(default_factory=set)


def find_config_file(folder: Path) -> list[Path]:
    """List the configuration files in ``folder`` (normally zero or one).

    Entries that are not regular files (links, pipes) are listed too, so that reading them can
    be refused with a message instead of their being silently ignored.
    """
    if not folder.is_dir():
        return []
    return sorted(
        p
        for p in folder.iterdir()
        if p.name.lower() in CONFIG_NAMES and (p.is_symlink() or not p.is_dir())
    )


def parse_config(folder: Path) -> ConfigResult:
    """Read and check the configuration of the bundle in ``folder``.

    Parameters
    ----------
    folder : pathlib.Path
        The bundle folder (a workbook path has no configuration).

    Returns
    -------
    ConfigResult
        The configuration (defaults for anything absent or invalid) and every problem found.
    """
    files = find_config_file(folder)
    if not files:
        return ConfigResult(BundleConfig())
    if len(files) > 1:
        names = ", ".join(p.name for p in files)
        problem = Problem(
            "error",
            "duplicate_config",
            f"the folder holds more than one configuration file ({names})",
            file=files[0].name,
            hint="keep one cxlab.yml and delete or rename the other",
        )
        return ConfigResult(BundleConfig(), [problem], fatal=True, file=files[0].name)
    path = files[0]
    unsafe = unsafe_reason(path, folder)
    if unsafe is not None:
        rule, why = unsafe
        problem = Problem(
            "error",
            rule,
            f"{path.name} is not read: {why}",
            file=path.name,
            hint="put the configuration itself in the bundle folder as a plain file, not a link",
        )
        return ConfigResult(BundleConfig(), [problem], fatal=True, file=path.name)
    try:
        with path.open("rb") as fh:
            data = fh.read(MAX_CONFIG_BYTES + 1)
    except OSError as exc:
        problem = Problem(
            "error",
            "unreadable_file",
            f"{path.name} cannot be opened: {type(exc).__name__}",
            file=path.name,
            hint="check that the file is readable; save it again from a text editor",
        )
        return ConfigResult(BundleConfig(), [problem], fatal=True, file=path.name)
    if len(data) > MAX_CONFIG_BYTES:
        problem = Problem(
            "error",
            "file_too_large",
            f"{path.name} is larger than {MAX_CONFIG_BYTES // 1024 // 1024} MiB; a "
            "configuration is a few kilobytes, and cxlab does not read it",
            file=path.name,
            hint="keep only the settings in cxlab.yml (see docs/data-contract.md, section 5); "
            "the data belong in the table files",
        )
        return ConfigResult(BundleConfig(), [problem], fatal=True, file=path.name)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problem = Problem(
            "error",
            "invalid_yaml",
            f"{path.name} is not UTF-8 text (byte {exc.start} cannot be decoded)",
            file=path.name,
            hint="save cxlab.yml as UTF-8 (most editors offer it under 'Save as' or 'Encoding')",
        )
        return ConfigResult(BundleConfig(), [problem], fatal=True, file=path.name)
    builder = _Builder(path.name, text)
    root = builder.compose()
    if builder.fatal:
        return ConfigResult(BundleConfig(), builder.problems, fatal=True, file=path.name)
    config = builder.build(root, source=str(path))
    return ConfigResult(
        config,
        builder.problems,
        fatal=builder.fatal,
        file=path.name,
        lines=builder.lines,
        invalid=builder.invalid,
    )


class _Builder:
    """Turns the YAML text into nodes, then nodes into a BundleConfig, collecting problems."""

    def __init__(self, fname: str, text: str):
        self.fname = fname
        self.text = text
        self.problems: list[Problem] = []
        self.fatal = False
        self.lines: dict[tuple[str, str, str], int] = {}
        self.invalid: set[str] = set()
        self.derived: dict[str, DerivedTable] = {}

    # -- problems ---------------------------------------------------------------------------

    def error(
        self,
        node: Node | None,
        where: str,
        message: str,
        hint: str = "",
        *,
        severity: str = "error",
        rule: str = "invalid_config",
        table: str | None = None,
        column: str | None = None,
    ) -> None:
        line = f" (line {node.line})" if node is not None else ""
        self.problems.append(
            Problem(
                severity,  # type: ignore[arg-type]
                rule,
                f"{where}{line}: {message}",
                table=table,
                file=self.fname,
                column=column,
                hint=hint,
            )
        )

    def unknown_keys(self, node: Node, where: str, allowed: tuple[str, ...], what: str) -> None:
        for key, child in node.value.items():
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
                hint = (
                    f"did you mean {close[0]!r}? " if close else ""
                ) + f"known {what}: {', '.join(allowed)}"
                self.error(
                    child,
                    f"{where}{excerpt(key, 40)}",
                    "this key is not known and is ignored",
                    hint,
                    severity="warning",
                    rule="unknown_key",
                )

    # -- YAML -> nodes ----------------------------------------------------------------------

    def compose(self) -> Node | None:
        loader = _Loader(self.text)
        try:
            node = loader.get_single_node()
            if node is None:
                return None
            _check_expansion(node, loader.aliases)
            return self._convert(loader, node)
        except _Refused as exc:
            self.fatal = True
            self.problems.append(
                Problem(
                    "error",
                    exc.rule,
                    f"{self.fname} (line {exc.line}): {exc.message}",
                    file=self.fname,
                    hint=exc.hint,
                )
            )
            return None
        except yaml.YAMLError as exc:
            self._yaml_error(exc)
            return None
        finally:
            loader.dispose()

    def _convert(self, loader: yaml.SafeLoader, node: yaml.Node) -> Node:
        line, col = node.start_mark.line + 1, node.start_mark.column + 1
        if isinstance(node, yaml.MappingNode):
            out: dict[str, Node] = {}
            for key_node, value_node in node.value:
                group = (
                    isinstance(key_node, yaml.SequenceNode)
                    and bool(key_node.value)
                    and all(isinstance(k, yaml.ScalarNode) for k in key_node.value)
                )
                if not isinstance(key_node, yaml.ScalarNode) and not group:
                    self.error(
                        Node("scalar", None, None, key_node.start_mark.line + 1, 1),
                        "cxlab.yml",
                        "a key must be a plain name, not a list or mapping",
                        "write keys as text followed by ':'",
                    )
                    continue
                key = (
                    GroupKey(tuple(str(k.value).strip() for k in key_node.value))
                    if group
                    else key_node.value
                )
                if key in out:
                    self.error(
                        Node("scalar", None, None, key_node.start_mark.line + 1, 1),
                        key,
                        f"the key {key!r} appears twice in the same mapping; only the last "
                        "one would count",
                        "merge the two entries into one",
                        rule="duplicate_key",
                    )
                out[key] = self._convert(loader, value_node)
            return Node("map", out, None, line, col)
        if isinstance(node, yaml.SequenceNode):
            return Node("seq", [self._convert(loader, n) for n in node.value], None, line, col)
        value = loader.construct_object(node, deep=True)
        return Node("scalar", value, node.value, line, col)

    def _yaml_error(self, exc: yaml.YAMLError) -> None:
        self.fatal = True
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        what = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        where = ""
        hint = (
            "check the indentation (spaces only, the same depth for keys of one mapping) and "
            "that each key is followed by ': '; quote values that start with %, @, *, & or `"
        )
        if mark is not None:
            where = f" (line {mark.line + 1}, column {mark.column + 1})"
            lines = self.text.splitlines()
            bad = lines[mark.line] if mark.line < len(lines) else ""
            near = "\n".join(lines[max(0, mark.line - 1) : mark.line + 1])
            opened = [
                (n + 1, text)
                for n, text in enumerate(lines[: mark.line + 1])
                if text.count("{") > text.count("}") or text.count("[") > text.count("]")
            ]
            if "\t" in near:
                hint = "YAML does not allow tabs for indentation; indent with spaces"
            elif opened and opened[-1][0] >= mark.line:
                n, text = opened[-1]
                hint = (
                    f"line {n} opens a '{{' or '[' that is not closed on that line: "
                    f"{quoted(text.strip(), 60)}; close it, or continue the entry on an "
                    "indented line"
                )
            elif "%" in bad:
                hint = 'quote date formats, e.g. date: "%d/%m/%Y" (a bare % starts a directive)'
        self.problems.append(
            Problem(
                "error",
                "invalid_yaml",
                f"{self.fname} is not valid YAML: {what}{where}; the data were not checked "
                "because the mapping they need could not be read",
                file=self.fname,
                hint=hint,
            )
        )

    # -- nodes -> BundleConfig ----------------------------------------------------------------

    def expect(self, node: Node, kind: str, where: str, example: str) -> bool:
        if node.kind == kind and not (kind == "scalar" and node.value is None):
            return True
        wanted = {"map": "a mapping", "seq": "a list", "scalar": "a single value"}[kind]
        got = (
            "nothing"
            if node.value is None
            else {"map": "a mapping", "seq": "a list"}.get(node.kind, f"{node.text!r}")
        )
        self.error(node, where, f"expected {wanted}, found {got}", f"write it like: {example}")
        return False

    def name(self, node: Node, where: str, example: str) -> str | None:
        if not self.expect(node, "scalar", where, example):
            return None
        return node.value if isinstance(node.value, str) else node.text

    def integer(self, node: Node, where: str, example: str) -> int | None:
        if (
            node.kind == "scalar"
            and isinstance(node.value, int)
            and not isinstance(node.value, bool)
        ):
            return node.value
        self.error(node, where, f"expected a whole number, found {node.text!r}", example)
        return None

    def table_name(self, key: str, node: Node, where: str) -> str | None:
        if key in TABLES:
            return key
        close = difflib.get_close_matches(key.lower(), TABLES, n=1, cutoff=0.6)
        hint = (f"did you mean {close[0]!r}? " if close else "") + (
            f"the tables are {', '.join(TABLES)}"
        )
        self.error(node, f"{where}.{key}", f"{key!r} is not a contract table", hint)
        return None

    def build(self, root: Node | None, *, source: str) -> BundleConfig:
        if root is None:
            return BundleConfig(source=source)
        if root.kind != "map":
            self.fatal = True
            self.error(
                root,
                self.fname,
                "the file must be a mapping of keys such as 'tables:' and 'columns:'",
                "start each top-level setting at the beginning of a line, e.g. 'client: Acme'",
            )
            return BundleConfig(source=source)
        self.unknown_keys(root, "", _TOP_KEYS, "top-level keys")
        top = root.value
        kw: dict[str, Any] = {"source": source}
        if "client" in top:
            client = self.name(top["client"], "client", "client: Threadline Apparel")
            if client is not None and (len(client) > MAX_CLIENT or not client.isprintable()):
                self.error(
                    top["client"],
                    "client",
                    f"the client name {quoted(client)} is "
                    + (
                        f"{len(client):,} characters long; at most {MAX_CLIENT} are allowed"
                        if len(client) > MAX_CLIENT
                        else "not plain text: it holds control characters or line breaks"
                    ),
                    "write the name as it should appear on the report, e.g. client: Acme GmbH",
                )
            elif client is not None:
                kw["client"] = client.strip()
        if "currency" in top:
            cur = self.name(top["currency"], "currency", "currency: EUR")
            if cur is not None:
                if len(cur.strip()) == 3 and cur.strip().isalpha():
                    kw["currency"] = cur.strip().upper()
                else:
                    self.error(
                        top["currency"],
                        "currency",
                        f"{cur!r} is not a three-letter ISO 4217 code",
                        "write the code, e.g. EUR, GBP, USD or CHF",
                    )
        if "industry" in top:
            industry = self.name(top["industry"], "industry", "industry: ecommerce")
            if industry is not None:
                key = "_".join(industry.strip().lower().replace("-", " ").split())
                if key.replace("_", "").isalnum():
                    kw["industry"] = key
                else:
                    self.error(
                        top["industry"],
                        "industry",
                        f"{industry!r} is not an industry name",
                        "write one word or a few, e.g. ecommerce, saas, restaurant or consulting",
                    )
        if "tables" in top:
            kw["tables"] = self.tables(top["tables"])
            if self.derived:
                kw["derived_tables"] = dict(self.derived)
        for section in ("columns", "dates"):
            if section in top:
                kw[section] = self.per_table_names(top[section], section)
        if "recode" in top:
            kw["recode"] = self.recode(top["recode"])
        if "scales" in top:
            kw.update(self.scales(top["scales"]))
        for key in ("drivers", "sensitive"):
            if key in top:
                kw[key] = self.name_list(top[key], key)
        if "consent" in top:
            consent = self.name(top["consent"], "consent", "consent: marketing_consent")
            if consent is not None:
                kw["consent"] = consent
                self.lines[("consent", "customers", consent)] = top["consent"].line
        if "churn" in top:
            churn = self.churn(top["churn"])
            if churn is not None:
                kw["churn"] = churn
        if "date_floor" in top:
            floor = self.date_floor(top["date_floor"])
            if floor is not None:
                kw["date_floor"] = floor
        if "outcome" in top:
            outcome = self.name(top["outcome"], "outcome", "outcome: satisfied")
            if outcome is not None:
                kw["outcome"] = outcome.strip()
                self.lines[("outcome", "responses", outcome.strip())] = top["outcome"].line
        if "defaults" in top:
            kw["defaults"] = self.defaults(top["defaults"])
        if "derive" in top:
            kw["derive"] = self.derive(top["derive"])
        if "filters" in top:
            kw["filters"] = self.filters(top["filters"])
        if "credit_notes" in top:
            rule = self.condition(top["credit_notes"], "credit_notes", "transactions")
            if rule is not None:
                kw["credit_notes"] = CreditNotes(rule, line=top["credit_notes"].line)
        if "stages" in top:
            stages = self.stages(top["stages"])
            if stages is not None:
                kw["stages"] = stages
        kw["problems"] = tuple(p for p in self.problems if p.severity == "warning")
        return BundleConfig(**kw)

    def tables(self, node: Node) -> dict[str, TableSource]:
        out: dict[str, TableSource] = {}
        if not self.expect(node, "map", "tables", "tables: {customers: clients.xlsx}"):
            return out
        for key, child in node.value.items():
            table = self.table_name(key, child, "tables")
            if table is None:
                continue
            where = f"tables.{table}"
            if child.kind == "scalar":
                fname = self.name(child, where, f"{table}: {table}.csv")
                if fname is not None:
                    out[table] = TableSource(file=fname)
                    self.lines[("tables", table, fname)] = child.line
                continue
            if not self.expect(child, "map", where, f"{table}: {{file: export.csv, decimal: ','}}"):
                continue
            if "from" in child.value:
                derived = self.derived_table(table, child, where)
                if derived is not None:
                    self.derived[table] = derived
                continue
            self.unknown_keys(child, where + ".", _TABLE_KEYS, "reading options")
            opts = child.value
            kw: dict[str, Any] = {"file": ""}
            if "file" in opts:
                fname = self.name(opts["file"], where + ".file", "file: orders.csv")
                if fname is None:
                    continue
                kw["file"] = fname
                self.lines[("tables", table, fname)] = opts["file"].line
            if "sheet" in opts:
                sheet = self.name(opts["sheet"], where + ".sheet", "sheet: Survey")
                if sheet is not None:
                    kw["sheet"] = sheet
            if "header_row" in opts:
                row = self.integer(opts["header_row"], where + ".header_row", "header_row: 4")
                if row is not None and row < 1:
                    self.error(
                        opts["header_row"],
                        where + ".header_row",
                        f"the header row must be 1 or more, not {row}",
                        "count rows as a spreadsheet does: the first row is 1",
                    )
                elif row is not None:
                    kw["header_row"] = row
            if "delimiter" in opts:
                delim = self.delimiter(opts["delimiter"], where + ".delimiter")
                if delim is not None:
                    kw["delimiter"] = delim
            if "encoding" in opts:
                enc = self.name(opts["encoding"], where + ".encoding", "encoding: latin-1")
                if enc is not None:
                    try:
                        codecs.lookup(enc)
                        kw["encoding"] = enc
                    except LookupError:
                        self.error(
                            opts["encoding"],
                            where + ".encoding",
                            f"{enc!r} is not a known text encoding",
                            "common ones are utf-8, latin-1, cp1252 and utf-16",
                        )
            if "decimal" in opts:
                dec = self.name(opts["decimal"], where + ".decimal", 'decimal: ","')
                if dec is not None and dec in (".", ","):
                    kw["decimal"] = dec
                elif dec is not None:
                    self.error(
                        opts["decimal"],
                        where + ".decimal",
                        f"the decimal separator must be '.' or ',', not {dec!r}",
                        'write decimal: "," for numbers like 12,50',
                    )
            out[table] = TableSource(**kw)
        return out

    def delimiter(self, node: Node, where: str) -> str | None:
        text = self.name(node, where, 'delimiter: ";"')
        if text is None:
            return None
        text = _DELIMITER_WORDS.get(text.lower(), text)
        if len(text) == 1 and text not in "\"'\n\r":
            return text
        self.error(
            node,
            where,
            f"the delimiter must be a single character, not {text!r}",
            'write delimiter: ";" (or "tab" for tab-separated files)',
        )
        return None

    def per_table_names(self, node: Node, section: str) -> dict[str, dict[str, str]]:
        """``columns:`` and ``dates:``: table -> client/contract column -> text."""
        out: dict[str, dict[str, str]] = {}
        example = (
            'columns: {responses: {"Likelihood to recommend": nps}}'
            if section == "columns"
            else 'dates: {transactions: {date: "%d/%m/%Y"}}'
        )
        if not self.expect(node, "map", section, example):
            return out
        for key, child in node.value.items():
            table = self.table_name(key, child, section)
            if table is None or not self.expect(child, "map", f"{section}.{table}", example):
                continue
            entries: dict[str, str] = {}
            targets: dict[str, str] = {}
            for col_key, value in child.value.items():
                where = f"{section}.{table}.{col_key}"
                text = self.name(value, where, example)
                if text is None:
                    continue
                if section == "dates" and "%" not in text:
                    self.error(
                        value,
                        where,
                        f"{text!r} is not a date format",
                        'use strftime codes, e.g. "%d.%m.%Y" for 31.12.2024 or '
                        '"%m/%d/%Y %H:%M" for 12/31/2024 18:30',
                    )
                    continue
                if section == "columns":
                    text = text.strip()
                    if text in targets:
                        self.error(
                            value,
                            where,
                            f"both {targets[text]!r} and {col_key!r} are renamed to {text!r}",
                            "rename only one client column to each contract column",
                            table=table,
                            column=col_key,
                        )
                        continue
                    targets[text] = col_key
                entries[col_key] = text
                self.lines[(section, table, col_key)] = value.line
            out[table] = entries
        return out

    def recode(self, node: Node) -> dict[str, dict[str, dict[Any, Any]]]:
        out: dict[str, dict[str, dict[Any, Any]]] = {}
        example = 'recode: {customers: {consent: {"Yes": true, "No": false}}}'
        if not self.expect(node, "map", "recode", example):
            return out
        for key, child in node.value.items():
            table = self.table_name(key, child, "recode")
            if table is None or not self.expect(child, "map", f"recode.{table}", example):
                continue
            cols: dict[str, dict[Any, Any]] = {}
            for col, mapping in child.value.items():
                where = f"recode.{table}.{excerpt(col, 60)}"
                if not self.expect(mapping, "map", where, example):
                    continue
                values: dict[Any, Any] = {}
                for raw_key, target in mapping.value.items():
                    if target.kind != "scalar":
                        self.error(
                            target,
                            f"{where}.{raw_key}",
                            "a recoded value must be a single value (a number, true/false or text)",
                            example,
                        )
                        continue
                    values[raw_key] = target.value
                names = col.names if isinstance(col, GroupKey) else (col,)
                for name in names:
                    if name in cols:
                        self.error(
                            mapping,
                            where,
                            f"the column {quoted(name)} is recoded twice",
                            "give each column one recode table; list it in one group only",
                            table=table,
                            column=name,
                        )
                        continue
                    cols[name] = values
                    self.lines[("recode", table, name)] = mapping.line
            out[table] = cols
        return out

    def scales(self, node: Node) -> dict[str, Scale]:
        out: dict[str, Scale] = {}
        if not self.expect(node, "map", "scales", "scales: {csat: {min: 1, max: 5}}"):
            return out
        for key, child in node.value.items():
            where = f"scales.{key}"
            if key == "nps":
                self.error(
                    child,
                    where,
                    "NPS is always asked on 0–10 and its scale cannot be changed",
                    "remove scales.nps; if your survey used another scale, the score is not an "
                    "NPS: rename the column (e.g. to recommend_1_5) and treat it as a driver item",
                )
                continue
            if key not in _SCALE_KEYS:
                close = difflib.get_close_matches(key, list(_SCALE_KEYS), n=1, cutoff=0.6)
                self.error(
                    child,
                    where,
                    f"unknown scale {key!r}",
                    (f"did you mean {close[0]!r}? " if close else "")
                    + "scales can be set for csat, ces and items",
                )
                continue
            if not self.expect(child, "map", where, f"{key}: {{min: 1, max: 5}}"):
                self.invalid.add(where)
                continue
            self.unknown_keys(child, where + ".", _SCALE_KEYS[key], "scale settings")
            scale = self.scale(key, child, where)
            if scale is None:
                self.invalid.add(where)
            else:
                out[{"csat": "csat_scale", "ces": "ces_scale", "items": "item_scale"}[key]] = scale
        return out

    def scale(self, key: str, node: Node, where: str) -> Scale | None:
        opts = node.value
        bounds = []
        for part in ("min", "max"):
            if part not in opts:
                self.error(node, where, f"the scale needs '{part}'", f"{key}: {{min: 1, max: 5}}")
                return None
            value = self.integer(opts[part], f"{where}.{part}", f"{part}: 1")
            if value is None:
                return None
            bounds.append(value)
        lo, hi = bounds
        if key == "csat":
            if (lo, hi) not in CSAT_SCALES:
                allowed = ", ".join(f"{a}–{b}" for a, b in CSAT_SCALES)
                self.error(
                    node,
                    where,
                    f"a CSAT scale of {lo}–{hi} is not supported; use {allowed}",
                    "most CSAT surveys use 1–5; if yours used another range, rescale the "
                    "answers before loading",
                )
                return None
            satisfied = CSAT_SCALES[(lo, hi)]
            if "satisfied" in opts:
                value = self.integer(opts["satisfied"], f"{where}.satisfied", "satisfied: 4")
                if value is None:
                    return None
                if not lo < value <= hi:
                    self.error(
                        opts["satisfied"],
                        f"{where}.satisfied",
                        f"the satisfied threshold {value} is not above {lo} and at most {hi}",
                        f"choose the lowest score that counts as satisfied, e.g. {satisfied}",
                    )
                    return None
                satisfied = value
            return Scale(lo, hi, satisfied=satisfied)
        if key == "ces":
            if (lo, hi) not in CES_SCALES:
                self.error(
                    node,
                    where,
                    f"a CES scale of {lo}–{hi} is not supported; use 1–5 or 1–7",
                    "CES 2.0 uses 1–7 (strongly disagree … strongly agree that it was easy)",
                )
                return None
            direction = "higher_is_easier"
            if "direction" in opts:
                text = self.name(opts["direction"], f"{where}.direction", "higher_is_easier")
                if text not in _DIRECTIONS:
                    self.error(
                        opts["direction"],
                        f"{where}.direction",
                        f"direction must be higher_is_easier or higher_is_harder, not {text!r}",
                        "higher_is_easier when 7 means 'very easy'; higher_is_harder when it "
                        "means 'very difficult'",
                    )
                    return None
                direction = text
            return Scale(lo, hi, direction=direction)  # type: ignore[arg-type]
        if not lo < hi or hi - lo > 10:
            self.error(
                node,
                where,
                f"an item scale of {lo}–{hi} is not usable; min must be below max and the "
                "scale at most 11 points wide",
                "driver items are usually 1–5 or 1–7 agreement ratings",
            )
            return None
        return Scale(lo, hi)

    def name_list(self, node: Node, key: str) -> tuple[str, ...]:
        example = f"{key}: [first_column, second_column]"
        nodes = [node] if node.kind == "scalar" and node.value is not None else None
        if nodes is None:
            if not self.expect(node, "seq", key, example):
                return ()
            nodes = node.value
        names = []
        table = "responses" if key == "drivers" else "customers"
        for item in nodes:
            text = self.name(item, key, example)
            if text is not None and text not in names:
                names.append(text)
                self.lines[(key, table, text)] = item.line
        return tuple(names)

    def date_floor(self, node: Node) -> dt.date | None:
        """``date_floor:``: a date (``1990-01-01``) or a year (``1990``), not in the future."""
        value = node.value if node.kind == "scalar" else None
        floor: dt.date | None = None
        if isinstance(value, dt.datetime):
            floor = value.date()
        elif isinstance(value, dt.date):
            floor = value
        elif isinstance(value, int) and not isinstance(value, bool) and 1000 <= value <= 9999:
            floor = dt.date(value, 1, 1)
        elif isinstance(value, str):
            try:
                floor = dt.date.fromisoformat(value.strip())
            except ValueError:
                floor = None
        if floor is None:
            found = "nothing" if value is None and node.kind == "scalar" else quoted(node.text)
            self.error(
                node,
                "date_floor",
                f"expected a date such as 1990-01-01 or a year such as 1990, found {found}",
                f"dates before the floor are read as missing (default {DATE_FLOOR.isoformat()}); "
                "write it like: date_floor: 1990-01-01",
            )
            return None
        if floor > dt.date.today():
            self.error(
                node,
                "date_floor",
                f"the floor {floor.isoformat()} lies in the future, so every date would be "
                "read as missing",
                "choose a date before the client's first records, e.g. date_floor: 2000-01-01",
            )
            return None
        return floor

    def churn(self, node: Node) -> ChurnRule | None:
        example = "churn: {inactive_days: 120}   or   churn: {label: churned}"
        if not self.expect(node, "map", "churn", example):
            return None
        self.unknown_keys(node, "churn.", ("label", "inactive_days"), "churn settings")
        opts = node.value
        has_label, has_days = "label" in opts, "inactive_days" in opts
        if has_label == has_days:
            self.error(
                node,
                "churn",
                "give exactly one of 'label' or 'inactive_days'"
                + (", not both" if has_label else ""),
                example,
            )
            return None
        if has_label:
            label = self.name(opts["label"], "churn.label", "label: churned")
            if label is None:
                return None
            self.lines[("churn", "customers", label)] = opts["label"].line
            return ChurnRule(label=label)
        days = self.integer(opts["inactive_days"], "churn.inactive_days", "inactive_days: 120")
        if days is None:
            return None
        if days < 1:
            self.error(
                opts["inactive_days"],
                "churn.inactive_days",
                f"the number of inactive days must be positive, not {days}",
                "a common choice is two to three times the usual gap between purchases",
            )
            return None
        return ChurnRule(inactive_days=days)

    # -- mapping real exports -------------------------------------------------------------------

    def plain_key(self, key: str, node: Node, where: str) -> bool:
        """Refuse a list written as a key (``[a, b]: ...``) outside ``recode:``."""
        if not isinstance(key, GroupKey):
            return True
        self.error(
            node,
            f"{where}.{excerpt(key, 60)}",
            "a list of columns as a key is only allowed under 'recode:'",
            "write one entry per column",
        )
        return False

    def per_table(self, node: Node, section: str, example: str):
        """Yield (table, its mapping node) for a section keyed by table name."""
        if not self.expect(node, "map", section, example):
            return
        for key, child in node.value.items():
            table = self.table_name(key, child, section)
            if table is not None and self.expect(child, "map", f"{section}.{table}", example):
                yield table, child

    def scalar_text(self, node: Node) -> str:
        """Render a scalar as the text a cell would hold (dates in ISO form, booleans as words)."""
        value = node.value
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, dt.datetime | dt.date):
            return value.isoformat()
        if isinstance(value, str):
            return value.strip()
        return node.text.strip()

    def defaults(self, node: Node) -> dict[str, dict[str, Any]]:
        """Read ``defaults:``: table -> column -> a single value (``null`` is not a default)."""
        out: dict[str, dict[str, Any]] = {}
        example = "defaults: {responses: {date: 2024-05-01}}"
        for table, child in self.per_table(node, "defaults", example):
            values: dict[str, Any] = {}
            for col, value in child.value.items():
                where = f"defaults.{table}.{excerpt(col, 60)}"
                if not self.plain_key(col, value, "defaults." + table):
                    continue
                if value.kind != "scalar" or value.value is None:
                    found = "nothing" if value.kind == "scalar" else f"a {value.kind}"
                    self.error(
                        value,
                        where,
                        f"a default must be a single value (a date, a number or text), found "
                        f"{found.replace('seq', 'list').replace('map', 'mapping')}",
                        example,
                        table=table,
                        column=col,
                    )
                    continue
                values[col.strip()] = value.value
                self.lines[("defaults", table, col.strip())] = value.line
            out[table] = values
        return out

    def derive(self, node: Node) -> dict[str, dict[str, Any]]:
        """Read ``derive:``: table -> new column -> checked expression (columns checked later)."""
        out: dict[str, dict[str, Any]] = {}
        example = 'derive: {transactions: {amount: "Quantity * UnitPrice"}}'
        for table, child in self.per_table(node, "derive", example):
            exprs: dict[str, Any] = {}
            if len(child.value) > MAX_RULES:
                self.error(
                    child,
                    f"derive.{table}",
                    f"{len(child.value):,} derived columns are more than the {MAX_RULES} allowed",
                    "derive only the columns the analyses need",
                    table=table,
                )
                continue
            for col, value in child.value.items():
                where = f"derive.{table}.{excerpt(col, 60)}"
                if not self.plain_key(col, value, "derive." + table):
                    continue
                text = self.name(value, where, example)
                if text is None:
                    continue
                try:
                    expr = compile_expression(text)
                except ExpressionError as exc:
                    self.invalid.add(f"derive.{table}.{column_key(col)}")
                    self.error(
                        value,
                        where,
                        f"{exc.message}, in {quoted(text, 60)}",
                        exc.hint,
                        table=table,
                        column=col,
                    )
                    continue
                exprs[col.strip()] = expr
                for name in expr.columns:
                    self.lines[(f"derive.{table}.{col.strip()}", table, name)] = value.line
            out[table] = exprs
        return out

    def filters(self, node: Node) -> dict[str, tuple[RowFilter, ...]]:
        """Read ``filters:``: table -> list of ``keep:`` / ``drop:`` conditions."""
        out: dict[str, tuple[RowFilter, ...]] = {}
        example = "filters: {transactions: [{drop: {column: CustomerID, missing: true}}]}"
        if not self.expect(node, "map", "filters", example):
            return out
        for key, child in node.value.items():
            table = self.table_name(key, child, "filters")
            if table is None or not self.expect(child, "seq", f"filters.{table}", example):
                continue
            rules = []
            if len(child.value) > MAX_RULES:
                self.error(
                    child,
                    f"filters.{table}",
                    f"{len(child.value):,} filters are more than the {MAX_RULES} allowed",
                    "combine filters on one column into one, with a list of values",
                    table=table,
                )
                continue
            for n, item in enumerate(child.value, start=1):
                where = f"filters.{table}[{n}]"
                if not self.expect(item, "map", where, "- drop: {column: Country, equals: EIRE}"):
                    continue
                actions = [a for a in ("keep", "drop") if a in item.value]
                self.unknown_keys(item, where + ".", ("keep", "drop"), "filter actions")
                if len(actions) != 1:
                    self.error(
                        item,
                        where,
                        "a filter needs exactly one of 'keep:' or 'drop:'"
                        + (", not both" if len(actions) == 2 else ""),
                        "write it like: - drop: {column: CustomerID, missing: true}",
                        table=table,
                    )
                    continue
                action = actions[0]
                rule = self.condition(item.value[action], f"{where}.{action}", table)
                if rule is not None:
                    rules.append(RowFilter(action, rule, where, line=item.line))  # type: ignore[arg-type]
            out[table] = tuple(rules)
        return out

    def condition(self, node: Node, where: str, table: str) -> Condition | None:
        """Read a column and one test: equals, matches, starts_with, missing, or from/to."""
        example = "{column: InvoiceNo, starts_with: C}"
        if not self.expect(node, "map", where, example):
            return None
        self.unknown_keys(node, where + ".", ("column", *_CONDITION_TESTS), "condition keys")
        opts = node.value
        if "column" not in opts:
            self.error(node, where, "the condition needs 'column:'", example, table=table)
            return None
        column = self.name(opts["column"], where + ".column", "column: InvoiceNo")
        if column is None:
            return None
        column = column.strip()
        tests = [t for t in _CONDITION_TESTS if t in opts]
        ranged = [t for t in tests if t in ("from", "to")]
        others = [t for t in tests if t not in ("from", "to")]
        if len(others) + (1 if ranged else 0) != 1:
            self.error(
                node,
                where,
                "the condition needs exactly one test: equals, matches, starts_with, missing, "
                "or from/to" + (f" (found {', '.join(tests)})" if tests else ""),
                "write one condition per filter; add another filter for a second test",
                table=table,
                column=column,
            )
            return None
        # keyed by the rule (filters.transactions[2], credit_notes), for located messages
        rule_key = where.removesuffix(".keep").removesuffix(".drop")
        self.lines[(rule_key, table, column)] = opts["column"].line
        kw: dict[str, Any] = {"column": column, "line": node.line}
        if others and others[0] == "missing":
            if not isinstance(opts["missing"].value, bool):
                self.error(
                    opts["missing"],
                    where + ".missing",
                    f"expected true or false, found {quoted(opts['missing'].text)}",
                    "write missing: true to test for empty cells",
                    table=table,
                    column=column,
                )
                return None
            kw["missing"] = opts["missing"].value
        elif others:
            test = others[0]
            values = self.value_list(opts[test], f"{where}.{test}", table, column)
            if values is None:
                return None
            kw[test] = values
        else:
            bounds = self.range(opts, where, table, column)
            if bounds is None:
                return None
            kw["low"], kw["high"] = bounds
        return Condition(**kw)

    def value_list(self, node: Node, where: str, table: str, column: str) -> tuple[str, ...] | None:
        items = node.value if node.kind == "seq" else [node]
        out = []
        if len(items) > MAX_LIST:
            self.error(
                node,
                where,
                f"the list holds {len(items):,} values; at most {MAX_LIST:,} are allowed",
                "use a pattern with * for many similar values",
                table=table,
                column=column,
            )
            return None
        for item in items:
            if item.kind != "scalar" or item.value is None or not self.scalar_text(item):
                self.error(
                    item,
                    where,
                    "expected a value or a list of values",
                    f"write it like: {where.rsplit('.', 1)[-1]}: [POST, DOT]",
                    table=table,
                    column=column,
                )
                return None
            text = self.scalar_text(item)
            if len(text) > MAX_PATTERN:
                self.error(
                    item,
                    where,
                    f"the value is {len(text):,} characters long; at most {MAX_PATTERN} are "
                    "allowed",
                    "use a shorter value, or a pattern with *",
                    table=table,
                    column=column,
                )
                return None
            out.append(text)
        if not out:
            self.error(node, where, "the list is empty", "name at least one value", table=table)
            return None
        return tuple(dict.fromkeys(out))

    def range(self, opts: dict[str, Node], where: str, table: str, column: str):
        """Read ``from:`` / ``to:``: two dates or two numbers, from not after to."""
        bounds: list[Any] = []
        for key in ("from", "to"):
            if key not in opts:
                bounds.append(None)
                continue
            node = opts[key]
            value = node.value if node.kind == "scalar" else None
            bound: Any = None
            if isinstance(value, dt.datetime):
                bound = value.date() if value.time() == dt.time(0) else value
            elif isinstance(value, dt.date):
                bound = value
            elif isinstance(value, int | float) and not isinstance(value, bool):
                bound = float(value)
            elif isinstance(value, str):
                try:
                    bound = dt.date.fromisoformat(value.strip())
                except ValueError:
                    try:
                        bound = dt.datetime.fromisoformat(value.strip())
                    except ValueError:
                        bound = None
            if bound is None or (isinstance(bound, float) and not bound == bound):
                self.error(
                    node,
                    f"{where}.{key}",
                    f"expected a date such as 2024-01-31 or a number, found {quoted(node.text)}",
                    "write it like: {column: date, from: 2024-01-01, to: 2024-12-31}",
                    table=table,
                    column=column,
                )
                return None
            bounds.append(bound)
        low, high = bounds
        if low is not None and high is not None:
            if isinstance(low, float) != isinstance(high, float):
                self.error(
                    opts["to"],
                    where,
                    "from and to must both be dates or both be numbers",
                    "write it like: {column: date, from: 2024-01-01, to: 2024-12-31}",
                    table=table,
                    column=column,
                )
                return None
            if _sortable(low) > _sortable(high):
                self.error(
                    opts["to"],
                    where,
                    f"the range ends ({high}) before it starts ({low})",
                    "swap from and to",
                    table=table,
                    column=column,
                )
                return None
        return low, high

    def derived_table(self, table: str, node: Node, where: str) -> DerivedTable | None:
        example = "customers: {from: transactions, attributes: {Country: first}}"
        self.unknown_keys(node, where + ".", _DERIVED_KEYS, "keys of a derived table")
        opts = node.value
        if table not in _DERIVABLE:
            self.error(
                node,
                where + ".from",
                f"only {', '.join(_DERIVABLE)} can be built from another table, not {table}",
                f"map a file to {table}, or remove 'from:'",
                table=table,
            )
            return None
        source = self.name(opts["from"], where + ".from", example)
        if source is None:
            return None
        source = source.strip()
        if source not in _DERIVED_SOURCES:
            self.error(
                opts["from"],
                where + ".from",
                f"{table} can be built from {', '.join(_DERIVED_SOURCES)}, not {source!r}",
                example,
                table=table,
            )
            return None
        attributes: dict[str, str] = {}
        if "attributes" in opts:
            attr = opts["attributes"]
            if not self.expect(attr, "map", where + ".attributes", example):
                return None
            for col, rule_node in attr.value.items():
                if not self.plain_key(col, rule_node, where + ".attributes"):
                    continue
                rule = self.name(rule_node, f"{where}.attributes.{col}", "Country: first")
                if rule is None:
                    continue
                rule = rule.strip().lower().replace(" ", "_").replace("-", "_")
                if rule not in _ATTRIBUTE_RULES:
                    close = difflib.get_close_matches(rule, _ATTRIBUTE_RULES, n=1, cutoff=0.5)
                    self.error(
                        rule_node,
                        f"{where}.attributes.{excerpt(col, 60)}",
                        f"{rule!r} is not a way to choose one value per customer",
                        (f"did you mean {close[0]!r}? " if close else "")
                        + "use first (the value on the customer's earliest row), last or "
                        "most_frequent",
                        table=table,
                        column=col,
                    )
                    continue
                attributes[col.strip()] = rule
                self.lines[("attributes", source, col.strip())] = rule_node.line
        return DerivedTable(source, attributes, line=node.line)

    def stages(self, node: Node) -> Stages | None:
        example = "stages: {activities: {application: [A_Create Application]}, ignore: ['W_*']}"
        if not self.expect(node, "map", "stages", example):
            return None
        self.unknown_keys(node, "stages.", _STAGES_KEYS, "stages settings")
        opts = node.value
        kw: dict[str, Any] = {"line": node.line}
        lines: dict[str, int] = {}
        owner: dict[str, str] = {}
        ok = True

        def names(child: Node, where: str) -> list[tuple[str, int]] | None:
            items = child.value if child.kind == "seq" else [child]
            out = []
            for item in items:
                text = self.scalar_text(item) if item.kind == "scalar" else ""
                if not text or item.value is None:
                    self.error(item, where, "expected an activity name or a list of them", example)
                    return None
                if len(text) > MAX_PATTERN:
                    self.error(
                        item,
                        where,
                        f"the name is {len(text):,} characters long; at most {MAX_PATTERN} "
                        "are allowed",
                        "use a pattern with * for long activity names",
                    )
                    return None
                out.append((text, item.line))
            return out

        def claim(activity: str, line: int, what: str, where: str) -> bool:
            key = activity.casefold()
            if key in owner and owner[key] != what:
                self.error(
                    Node("scalar", activity, activity, line, 1),
                    where,
                    f"the activity {quoted(activity)} is listed both as {owner[key]} and as {what}",
                    "list each activity once: under one stage, as an outcome, or to ignore",
                )
                return False
            owner[key] = what
            lines.setdefault(activity, line)
            return True

        if "column" in opts:
            column = self.name(opts["column"], "stages.column", "column: event")
            if column is None:
                return None
            kw["column"] = column.strip()
        column = kw.get("column", "event")
        column_line = opts["column"].line if "column" in opts else node.line
        self.lines[("stages", "events", column)] = column_line
        order: list[str] = []
        if "order" in opts:
            found = names(opts["order"], "stages.order")
            if found is None:
                return None
            order = list(dict.fromkeys(t for t, _ in found))
        activities: dict[str, str] = {}
        if "activities" in opts:
            act = opts["activities"]
            if not self.expect(act, "map", "stages.activities", example):
                return None
            for stage, child in act.value.items():
                where = f"stages.activities.{excerpt(stage, 40)}"
                if not self.plain_key(stage, child, "stages.activities"):
                    ok = False
                    continue
                found = names(child, where)
                if found is None:
                    ok = False
                    continue
                stage = stage.strip()
                if order and stage not in order:
                    self.error(
                        child,
                        where,
                        f"the stage {quoted(stage)} is not in stages.order ({listing(order, 8)})",
                        "add it to stages.order, or correct its spelling",
                    )
                    ok = False
                    continue
                for activity, line in found:
                    ok = claim(activity, line, f"stage {stage!r}", where) and ok
                    activities[activity] = stage
            if not order:
                order = list(dict.fromkeys(activities.values()))
        outcomes: dict[str, str] = {}
        if "outcomes" in opts:
            out_node = opts["outcomes"]
            groups: list[tuple[str, Node]] = []
            if out_node.kind == "map":
                groups = [(label.strip(), child) for label, child in out_node.value.items()]
            else:
                groups = [("", out_node)]
            for label, child in groups:
                where = "stages.outcomes" + (f".{excerpt(label, 40)}" if label else "")
                found = names(child, where)
                if found is None:
                    ok = False
                    continue
                for activity, line in found:
                    outcome = label or activity
                    ok = claim(activity, line, f"outcome {outcome!r}", where) and ok
                    outcomes[activity] = outcome
        ignore: list[str] = []
        if "ignore" in opts:
            found = names(opts["ignore"], "stages.ignore")
            if found is None:
                return None
            for activity, line in found:
                ok = claim(activity, line, "ignored", "stages.ignore") and ok
                ignore.append(activity)
        patterns = [a for a in (*activities, *outcomes, *ignore) if "*" in a or "?" in a]
        if len(patterns) > MAX_STAGE_PATTERNS:
            self.error(
                node,
                "stages",
                f"{len(patterns):,} patterns (names with * or ?) are more than the "
                f"{MAX_STAGE_PATTERNS} allowed",
                "write activity names out, or use fewer, broader patterns such as W_*",
            )
            return None
        if not order and not activities:
            self.error(
                node,
                "stages",
                "stages needs 'activities:' (which activities make up each stage) or 'order:' "
                "(the order of the stages in the events' stage column)",
                example,
            )
            return None
        if not ok:
            return None
        kw.update(
            order=tuple(order),
            activities=activities,
            outcomes=outcomes,
            ignore=tuple(ignore),
            lines=lines,
        )
        return Stages(**kw)


def _sortable(value: Any) -> Any:
    """Make a range end comparable: dates as datetimes, numbers as they are."""
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    return value
