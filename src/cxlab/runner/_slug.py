"""Client names to safe folder names."""

from __future__ import annotations

import hashlib
import re
import unicodedata

__all__ = ["slugify"]

_WINDOWS_RESERVED = frozenset(
    {"con", "prn", "aux", "nul"}
    | {f"com{i}" for i in range(1, 10)}
    | {f"lpt{i}" for i in range(1, 10)}
)
_MAX = 60


def slugify(name: str) -> str:
    r"""Turn a client's display name into a safe, readable folder name.

    The result holds only lower-case ASCII letters, digits and single hyphens, never starts with
    a dot or a hyphen, is at most 60 characters long and is never empty, so a name can neither
    climb out of the output folder (``../../x``), hide a folder (``.secret``), nor carry quotes
    or shell characters into a path. Accents are folded (``Café Zoë`` → ``cafe-zoe``). A name
    with nothing readable left (``"???"``, or a name in a script without a Latin transliteration)
    becomes ``client-`` and the start of its SHA-256, so different such names stay apart.

    Parameters
    ----------
    name : str
        The client's name as given.

    Returns
    -------
    str
        The folder name.

    Examples
    --------
    >>> slugify("Fennel & Flint")
    'fennel-flint'
    >>> slugify("../../etc/passwd")
    'etc-passwd'
    >>> slugify('O\'Brien "Bikes"; rm -rf /')
    'o-brien-bikes-rm-rf'
    >>> slugify("Café Zoë")
    'cafe-zoe'
    >>> slugify("???")
    'client-a03b221c'
    """
    folded = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")
    slug = slug[:_MAX].rstrip("-")
    if not slug or slug in _WINDOWS_RESERVED:
        digest = hashlib.sha256(str(name).encode("utf-8")).hexdigest()[:8]
        slug = f"client-{digest}" if not slug else f"{slug}-{digest}"
    return slug
