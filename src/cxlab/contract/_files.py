"""Which entries of a bundle folder cxlab may read: regular files inside the folder, nothing else.

A bundle comes from a client, so its folder is untrusted. A symbolic link named
``customers.csv`` could point at any file on the consultant's computer, and a named pipe or a
device (``/dev/zero``) would make reading hang or never end. Discovery and the configuration
reader ask :func:`unsafe_reason` about every entry before opening it, and refuse the ones that
are not regular files inside the bundle folder.
"""

from __future__ import annotations

import stat
from pathlib import Path

__all__ = ["unsafe_reason"]


def unsafe_reason(path: Path, root: Path) -> tuple[str, str] | None:
    r"""Say why ``path`` must not be read as part of the bundle in ``root``; None when it may.

    Parameters
    ----------
    path : pathlib.Path
        An entry of the bundle folder.
    root : pathlib.Path
        The bundle folder.

    Returns
    -------
    (rule, reason) or None
        ``("outside_bundle", ...)`` for a link that resolves outside the folder,
        ``("not_a_regular_file", ...)`` for a dangling link, a loop of links, a device, a pipe
        or a socket; None for a regular file or a folder inside the bundle folder.

    Examples
    --------
    >>> import os, pathlib, tempfile
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (root / "customers.csv").write_text("customer_id\nC1\n")
    >>> unsafe_reason(root / "customers.csv", root) is None
    True
    >>> os.symlink(os.devnull, root / "events.csv")
    >>> unsafe_reason(root / "events.csv", root)[0]
    'outside_bundle'
    """
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):  # a dangling link, or links that loop
        return "not_a_regular_file", "it is a link whose target does not exist"
    try:
        base = root.resolve(strict=True)
    except OSError:
        base = root.absolute()
    if target != base and not target.is_relative_to(base):
        return (
            "outside_bundle",
            "it is a link to a file outside the bundle folder, and cxlab reads only files "
            "inside the folder",
        )
    try:
        mode = target.stat().st_mode
    except OSError:
        return "not_a_regular_file", "its details cannot be read"
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    return "not_a_regular_file", "it is not a regular file (a device, a pipe or a socket)"


def hidden(name: str) -> bool:
    """Return whether a folder entry is left out of discovery (dot files, Office lock files).

    Examples
    --------
    >>> hidden(".DS_Store"), hidden("~$orders.xlsx"), hidden("__MACOSX"), hidden("orders.csv")
    (True, True, True, False)
    """
    return name.startswith((".", "~$", "__"))
