"""The house's structure, checked from the source: who may import whom, and how a Bundle is passed.

Every module under ``src/cxlab`` is parsed with :mod:`ast` (nothing is imported), so a rule
broken anywhere — in a lazy import inside a function too — fails here with the file and line.
``docs/architecture.md`` draws the layers these tests hold.
"""

from __future__ import annotations

import ast
import inspect
from dataclasses import dataclass
from pathlib import Path

import pytest

import cxlab
from cxlab.contract.bundle import Bundle

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "cxlab"

#: Which layer each top-level part of cxlab belongs to; a part not listed (a new chapter's
#: module) counts as analytics.
LAYER_OF = {
    "cxlab.errors": "foundation",
    "cxlab.checks": "foundation",
    "cxlab.stats": "foundation",
    "cxlab.findings": "foundation",
    "cxlab.pii": "foundation",
    "cxlab.versions": "foundation",
    "cxlab.headlines": "foundation",
    "cxlab.present": "foundation",  # formats numbers and tables for readers; imports no cxlab
    "cxlab.contract": "contract",
    "cxlab.datasets": "data",
    "cxlab.curriculum": "data",
    "cxlab.plots": "presentation",
    "cxlab.widgets": "presentation",
    "cxlab.teaching": "presentation",
    "cxlab.runner": "runner",
    "cxlab.cli": "interface",
    "cxlab.__main__": "interface",
}

#: The layers each layer may import from (besides the package root ``cxlab``, which only
#: re-exports the contract, the errors and the version). Data flows one way: nothing imports
#: upwards, analytics never draw or run notebooks, and the runner knows nothing of analytics.
MAY_IMPORT = {
    "foundation": {"foundation"},
    "contract": {"foundation", "contract"},
    "data": {"foundation", "contract", "data"},
    "analytics": {"foundation", "contract", "analytics"},
    "presentation": {"foundation", "contract", "data", "analytics", "presentation"},
    "runner": {"foundation", "contract", "runner"},
    "interface": {
        "foundation",
        "contract",
        "data",
        "analytics",
        "presentation",
        "runner",
        "interface",
    },
}


@dataclass(frozen=True)
class Import:
    """One import statement's target, as a dotted module name, and where it stands."""

    importer: str
    target: str
    file: Path
    line: int

    def __str__(self) -> str:
        where = f"{self.file.relative_to(SRC.parent)}:{self.line}"
        return f"{where}: {self.importer} imports {self.target}"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_module(dotted: str) -> bool:
    base = SRC.joinpath(*dotted.split("."))
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def _imports(path: Path, source: str | None = None) -> list[Import]:
    """Every cxlab module that ``path`` (or ``source`` in its place) imports, at any depth."""
    importer = _module_name(path)
    is_package = path.name == "__init__.py"
    text = path.read_text(encoding="utf-8") if source is None else source
    found = []
    for node in ast.walk(ast.parse(text, filename=str(path))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the importer's package
                base = importer.split(".")
                base = base[: len(base) - node.level + (1 if is_package else 0)]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            targets = [module]
            # ``from cxlab.metrics import _input`` imports the module cxlab.metrics._input
            targets += [
                f"{module}.{alias.name}"
                for alias in node.names
                if _is_module(f"{module}.{alias.name}")
            ]
        for target in targets:
            if target == "cxlab" or target.startswith("cxlab."):
                found.append(Import(importer, target, path, node.lineno))
    return found


def _all_imports() -> list[Import]:
    return [i for path in sorted(PACKAGE.rglob("*.py")) for i in _imports(path)]


def _top(dotted: str) -> str:
    """The top-level part a module belongs to: ``cxlab.metrics._input`` → ``cxlab.metrics``."""
    return ".".join(dotted.split(".")[:2])


def _layer(dotted: str) -> str:
    return LAYER_OF.get(_top(dotted), "analytics")


def _private_owner(target: str) -> str | None:
    """The package whose private module ``target`` is, or None when no part is private."""
    parts = target.split(".")
    for i, part in enumerate(parts):
        if part.startswith("_") and not part.startswith("__"):
            return ".".join(parts[:i])
    return None


def test_the_source_tree_is_found_and_parsed():
    imports = _all_imports()
    importers = {i.importer for i in imports}
    # a few imports every version of the house has; guards against a test that checks nothing
    assert {"cxlab.journey._flow", "cxlab.plots._metrics", "cxlab.segmentation._rfm"} <= importers
    assert len(imports) > 100


def test_no_module_imports_another_packages_private_module():
    crossing = []
    for imp in _all_imports():
        owner = _private_owner(imp.target)
        if owner is not None and not (imp.importer + ".").startswith(owner + "."):
            crossing.append(str(imp))
    assert not crossing, "private modules imported across packages:\n" + "\n".join(crossing)


def test_the_private_import_rule_catches_a_crossing():
    # the check above, run on made-up source in plots that breaks it, must find the crossing
    source = (
        "from cxlab.metrics._input import sample\n"
        "def f():\n"
        "    from cxlab.metrics import _scores\n"
        "from cxlab.plots._base import palette\n"
        "import cxlab.journey._log\n"
    )
    found = _imports(SRC / "cxlab" / "plots" / "_probe.py", source)
    owners = [(i.target, _private_owner(i.target)) for i in found]
    assert ("cxlab.metrics._input", "cxlab.metrics") in owners
    assert ("cxlab.metrics._scores", "cxlab.metrics") in owners
    crossing = [
        i.target
        for i in found
        if (o := _private_owner(i.target)) and not (i.importer + ".").startswith(o + ".")
    ]
    assert sorted(crossing) == [
        "cxlab.journey._log",
        "cxlab.metrics._input",
        "cxlab.metrics._scores",
    ]


def test_layers_import_only_downwards():
    upward = []
    for imp in _all_imports():
        if imp.target == "cxlab" or _top(imp.target) == _top(imp.importer):
            continue
        if _layer(imp.target) not in MAY_IMPORT[_layer(imp.importer)]:
            upward.append(f"{imp} ({_layer(imp.importer)} → {_layer(imp.target)})")
    assert not upward, "imports against the direction of the layers:\n" + "\n".join(upward)


@pytest.mark.parametrize(
    ("importer", "target", "allowed"),
    [
        ("cxlab.journey._flow", "cxlab.stats", True),
        ("cxlab.metrics._input", "cxlab.plots._base", False),
        ("cxlab.runner._run", "cxlab.metrics", False),
        ("cxlab.checks", "cxlab.contract", False),
        ("cxlab.churn", "cxlab.metrics", True),  # a new chapter's module is analytics
    ],
)
def test_layer_rule_examples(importer, target, allowed):
    assert (_layer(target) in MAY_IMPORT[_layer(importer)]) is allowed


def _public_functions():
    """(qualified name, function) of every public function in cxlab's public namespaces."""
    import cxlab.checks
    import cxlab.curriculum
    import cxlab.drivers
    import cxlab.journey
    import cxlab.metrics
    import cxlab.overview
    import cxlab.plots
    import cxlab.segmentation
    import cxlab.stats

    modules = [
        cxlab.checks,
        cxlab.curriculum,
        cxlab.drivers,
        cxlab.journey,
        cxlab.metrics,
        cxlab.overview,
        cxlab.plots,
        cxlab.segmentation,
        cxlab.stats,
    ]
    for module in modules:
        for name in getattr(module, "__all__", []):
            obj = getattr(module, name)
            if inspect.isfunction(obj):
                yield f"{module.__name__}.{name}", obj


def test_a_bundle_is_always_the_first_argument_named_bundle():
    # the convention of docs/architecture.md: a function that takes the whole Bundle takes it
    # first, as `bundle`; every other function takes tables and configuration pieces
    checked = 0
    wrong = []
    for qualified, func in _public_functions():
        hints = inspect.get_annotations(func, eval_str=False)
        for position, name in enumerate(inspect.signature(func).parameters):
            annotation = str(hints.get(name, ""))
            if "Bundle" in annotation and "BundleConfig" not in annotation:
                checked += 1
                if position != 0 or name != "bundle":
                    wrong.append(f"{qualified}: parameter {name!r} at position {position}")
    assert checked >= 3  # key_figures, headline, runnable at least
    assert not wrong, "\n".join(wrong)


def test_the_package_root_stays_light():
    # the root only re-exports the contract, the errors and the version; everything else is a
    # submodule a notebook imports by name
    assert set(cxlab.__all__) <= {
        "Bundle",
        "BundleError",
        "ConfigError",
        "CxlabError",
        "DataError",
        "ValidationReport",
        "__version__",
        "load_bundle",
        "show_versions",
        "validate_bundle",
    }
    assert cxlab.Bundle is Bundle
