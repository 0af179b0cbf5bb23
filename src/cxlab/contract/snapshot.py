"""A validated bundle kept for the rest of one run, so that its chapters do not validate it again.

``cxlab run`` loads and validates a client's bundle once, then runs every chapter notebook, and
each notebook starts with ``cxlab.load_bundle(data_dir)``. Without help, each of them would read,
map and check every file again: on a large export that is most of a chapter's time. So the
runner writes the bundle it validated to a *snapshot* in a private folder of the run and tells
the chapters' kernels where it is and how to check it, through two environment variables:

``CXLAB_SNAPSHOT``
    The snapshot file.
``CXLAB_SNAPSHOT_KEY``
    A random key made for this run (never written to disk).

:func:`cxlab.load_bundle` uses the snapshot only when all of these hold, and otherwise loads and
validates as it always does:

* the file's HMAC-SHA256 under the run's key is right, so a snapshot changed by anyone without
  the key (or left by another run) is never unpickled;
* the fingerprint stored in it equals the fingerprint of the inputs now: the SHA-256 of every
  file the loader would read (each regular, non-hidden file in the bundle folder, ``cxlab.yml``
  included, or the workbook itself), the folder's resolved path, and the versions of cxlab,
  Python, pandas and NumPy;
* the bundle is loaded with ``validate=True`` (the default).

A notebook opened by a student, or run with papermill directly, sees neither variable and
behaves exactly as before. The snapshot is the pickled :class:`~cxlab.contract.bundle.Bundle`
itself, not a re-encoding of its tables, so a bundle read from it is the bundle the runner
validated: same dtypes, same configuration, same warnings. Pickle can run code when loaded,
which is why the key is checked before anything is unpickled.

Written here rather than taken from a caching library (joblib's ``Memory``, say) because what
matters is the trust boundary: a cache keyed on arguments would neither see a changed input file
nor refuse a planted cache entry.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import pickle
import platform
import secrets
from pathlib import Path
from typing import TYPE_CHECKING

from cxlab.contract._files import hidden

if TYPE_CHECKING:  # pragma: no cover
    from cxlab.contract.bundle import Bundle

__all__ = ["ENV_KEY", "ENV_PATH", "fingerprint", "new_key", "read_snapshot", "write_snapshot"]

#: Environment variable naming the snapshot file.
ENV_PATH = "CXLAB_SNAPSHOT"
#: Environment variable holding the run's key (hex).
ENV_KEY = "CXLAB_SNAPSHOT_KEY"

_MAC_SIZE = hashlib.sha256().digest_size
_CHUNK = 1 << 20


def new_key() -> str:
    """Return a fresh random key for one run, as hex text."""
    return secrets.token_hex(32)


def _inputs(path: Path) -> list[Path]:
    """Return the files the loader may read for ``path`` (see ``contract._read.discover``)."""
    if path.is_file():
        return [path]
    return sorted(p for p in path.iterdir() if not hidden(p.name) and p.is_file())


def _versions() -> str:
    import numpy
    import pandas

    import cxlab

    return "|".join(
        (cxlab.__version__, platform.python_version(), pandas.__version__, numpy.__version__)
    )


def fingerprint(path: str | Path) -> str:
    r"""Return the SHA-256 fingerprint of a bundle's inputs and the software reading them.

    Parameters
    ----------
    path : str or pathlib.Path
        The bundle folder or workbook.

    Returns
    -------
    str
        Hex digest over the resolved path, the versions of cxlab, Python, pandas and NumPy, and
        the name, size and SHA-256 of every file the loader would read.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "customers.csv").write_text("customer_id\nC1\n")
    >>> before = fingerprint(folder)
    >>> _ = (folder / "customers.csv").write_text("customer_id\nC2\n")
    >>> fingerprint(folder) == before
    False
    """
    path = Path(path).resolve()
    digest = hashlib.sha256()
    digest.update(f"{path}\0{_versions()}\0".encode())
    for file in _inputs(path):
        one = hashlib.sha256()
        with file.open("rb") as fh:
            while chunk := fh.read(_CHUNK):
                one.update(chunk)
        digest.update(f"{file.name}\0{file.stat().st_size}\0{one.hexdigest()}\0".encode())
    return digest.hexdigest()


def write_snapshot(bundle: Bundle, target: Path, key: str) -> None:
    """Write ``bundle`` (validated from ``bundle.path``) to ``target``, signed with ``key``.

    The file is created readable by its owner only, and written whole or not at all.
    """
    payload = pickle.dumps(
        {"fingerprint": fingerprint(bundle.path), "bundle": bundle},
        protocol=pickle.HIGHEST_PROTOCOL,
    )
    mac = hmac.new(bytes.fromhex(key), payload, hashlib.sha256).digest()
    partial = target.with_name(target.name + ".part")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(mac)
        fh.write(payload)
    partial.replace(target)


def read_snapshot(path: str | Path) -> Bundle | None:
    """Return the run's validated bundle for ``path``, or None when it cannot be trusted.

    None when no run set the environment variables, the file is missing or unreadable, its
    HMAC is wrong, or the inputs (or the software) changed since it was written; the caller then
    loads and validates as usual.
    """
    target, key = os.environ.get(ENV_PATH), os.environ.get(ENV_KEY)
    if not target or not key:
        return None
    try:
        data = Path(target).read_bytes()
        expected = hmac.new(bytes.fromhex(key), data[_MAC_SIZE:], hashlib.sha256).digest()
    except (OSError, ValueError):
        return None
    if not hmac.compare_digest(expected, data[:_MAC_SIZE]):
        return None
    try:
        stored = pickle.loads(data[_MAC_SIZE:])  # authenticated above: written by this run
        if stored["fingerprint"] != fingerprint(path):
            return None
        return stored["bundle"]
    except Exception:  # any doubt (a class that changed, a folder gone) means: validate as usual
        return None
