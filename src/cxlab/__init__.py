"""cxlab: customer-experience analytics for small and medium businesses.

The package holds the logic behind the cxlab notebooks: the client data contract
(:func:`load_bundle`), demo clients (:mod:`cxlab.datasets`), and the analytics each chapter uses.
"""

from importlib.metadata import PackageNotFoundError, version

from cxlab.contract import Bundle, load_bundle, validate_bundle
from cxlab.errors import BundleError, ConfigError, CxlabError, DataError, ValidationReport
from cxlab.versions import show_versions

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
