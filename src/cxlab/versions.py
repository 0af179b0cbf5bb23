"""Report the versions of cxlab and the libraries it runs on, for bug reports and reports."""

from __future__ import annotations

import platform
import sys
from importlib.metadata import PackageNotFoundError, version

__all__ = ["show_versions", "versions"]

_PACKAGES = (
    "cxlab",
    "numpy",
    "pandas",
    "pandera",
    "matplotlib",
    "seaborn",
    "scikit-learn",
    "nltk",
    "ipywidgets",
    "papermill",
    "nbconvert",
    "openpyxl",
    "pyarrow",
    "pyyaml",
)


def versions() -> dict[str, str]:
    """Return the Python, platform and package versions as a dictionary.

    Returns
    -------
    dict of str to str
        ``"python"``, ``"platform"`` and one entry per package (``"not installed"`` if absent).

    Examples
    --------
    >>> "pandas" in versions()
    True
    """
    out = {"python": sys.version.split()[0], "platform": platform.platform()}
    for name in _PACKAGES:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "not installed"
    return out


def show_versions() -> None:
    """Print the versions from :func:`versions`, one per line."""
    info = versions()
    width = max(map(len, info))
    for key, value in info.items():
        print(f"{key:<{width}}  {value}")
