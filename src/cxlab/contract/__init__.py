"""The contract layer: read a client bundle, map it onto the contract, validate it.

Every notebook and analytics module reads client data through :func:`load_bundle`. This layer
owns reading files (CSV, Excel, Parquet, XES event logs, and CSV or XES compressed as ``.gz`` or
``.zip``), applying ``cxlab.yml`` (renames, recodes, scales, date formats, and the mapping of
real exports: derived columns, filters, credit notes, derived tables, stages), validation, and
the errors a client sees; :func:`draft_config` drafts a ``cxlab.yml`` for a new client's exports.
"""

from typing import TYPE_CHECKING

from cxlab.contract.bundle import TABLES, Bundle, SourceFile
from cxlab.contract.config import (
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
from cxlab.contract.load import load_bundle, read_config, validate_bundle

__all__ = [
    "TABLES",
    "Bundle",
    "BundleConfig",
    "ChurnRule",
    "Condition",
    "CreditNotes",
    "DerivedTable",
    "Draft",
    "DraftSource",
    "RowFilter",
    "Scale",
    "SourceFile",
    "Stages",
    "TableSource",
    "draft_config",
    "load_bundle",
    "read_config",
    "validate_bundle",
    "write_draft",
]

#: Names of ``cxlab init``'s drafting module, imported on first use: it reads workbooks and
#: guesses columns, which no chapter needs.
_DRAFTING = frozenset({"Draft", "DraftSource", "draft_config", "write_draft"})

if TYPE_CHECKING:  # pragma: no cover
    from cxlab.contract._init import Draft, DraftSource, draft_config, write_draft


def __getattr__(name: str):
    if name in _DRAFTING:
        from cxlab.contract import _init

        return getattr(_init, name)
    raise AttributeError(f"module 'cxlab.contract' has no attribute {name!r}")
