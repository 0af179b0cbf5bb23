"""Where the published reference data lives, for conformance tests.

One setting: the environment variable ``CXLAB_REFERENCE_DATA``; when it is unset, the folder
``../shared/reference-data`` beside the repository, if it exists. Tests that need the data use the
``reference_data`` fixture (``tests/conftest.py``), which skips with the reason when it is absent.
The data is never copied into the repository.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT.parent / "shared" / "reference-data"


def reference_data_dir() -> tuple[Path | None, str]:
    """Return the reference-data folder (or None) and a sentence saying how it was found."""
    configured = os.environ.get("CXLAB_REFERENCE_DATA")
    if configured:
        path = Path(configured).expanduser()
        if path.is_dir():
            return path, f"CXLAB_REFERENCE_DATA={configured}"
        return None, f"CXLAB_REFERENCE_DATA={configured} is not a folder"
    if DEFAULT.is_dir():
        return DEFAULT, f"default location {DEFAULT}"
    return None, (
        "reference data not found: set CXLAB_REFERENCE_DATA to the folder holding cdnow/ and vader/"
    )
