"""cxlab: customer-experience analytics for small and medium businesses.

The package holds the logic behind the cxlab notebooks: the client data contract
(:func:`load_bundle`), demo clients (:mod:`cxlab.datasets`), and the analytics each chapter uses.
"""

from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

from cxlab.errors import BundleError, ConfigError, CxlabError, DataError, ValidationReport
from cxlab.versions import show_versions

if TYPE_CHECKING:  # pragma: no cover
    from cxlab.contract import Bundle, load_bundle, validate_bundle

#: Names the root takes from :mod:`cxlab.contract` when first asked for them. The contract
#: loads pandas; the notebook runner's worker processes import ``cxlab`` but never a bundle, and
#: each of them would pay for pandas once per chapter.
_FROM_CONTRACT = frozenset({"Bundle", "load_bundle", "validate_bundle"})


def __getattr__(name: str) -> Any:
    if name in _FROM_CONTRACT:
        import cxlab.contract

        value = getattr(cxlab.contract, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'cxlab' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | _FROM_CONTRACT)


try:
    __version__ = version("cxlab")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0+unknown"

__all__ = [
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
]
