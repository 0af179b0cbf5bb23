"""Compressed table files: ``.gz`` and single-file ``.zip`` archives of CSV text or XES logs.

Exports arrive compressed as often as not: process-mining tools write ``.xes.gz``, shop systems
offer a ``.zip`` download, and e-mail attachments are zipped to fit. A bundle may hold such a
file as it came; it is unpacked while it is read, never onto the disk.

A compressed file is untrusted like any other bundle file, and it can be made to unpack to far
more than it holds (a "zip bomb": a few megabytes of zeros unpack to gigabytes). Unpacking
therefore counts the bytes it produces and stops with :class:`FileRefused` as soon as they pass
:data:`MAX_UNPACKED_BYTES`; a zip member whose declared size is already larger is refused before
a byte is unpacked. The count, not the declared size, is what protects: a damaged or crafted
archive can declare any size.

The standard library's :mod:`gzip` and :mod:`zipfile` do the unpacking; nothing here needs more.
"""

from __future__ import annotations

import gzip
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from cxlab.errors import listing, quoted

__all__ = [
    "MAX_UNPACKED_BYTES",
    "FileRefused",
    "name_parts",
    "open_unpacked",
    "read_unpacked",
    "table_format",
]

#: Most bytes a compressed table file may unpack to (1 GiB). A CSV table is read into memory
#: whole, so this also bounds what one compressed file can make cxlab hold; a larger export is
#: read from its unpacked file, which has no such limit.
MAX_UNPACKED_BYTES = 1024**3
#: Suffixes of the files a bundle may hold compressed, and of the files inside them.
TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
XES_SUFFIXES = (".xes",)
_INNER = TEXT_SUFFIXES + XES_SUFFIXES
_OUTER = (".gz", ".zip")
_CHUNK = 1024 * 1024


class FileRefused(Exception):
    """A table file cxlab will not read, with the rule, message and fix for the report.

    Parameters
    ----------
    rule : str
        The validation rule, e.g. ``"file_too_large"``.
    message, hint : str
        What is wrong, and how to fix it.
    """

    def __init__(self, rule: str, message: str, hint: str):
        super().__init__(message)
        self.rule, self.message, self.hint = rule, message, hint


def name_parts(name: str) -> tuple[str, str]:
    """Split a file name into its stem and its (perhaps double) suffix, in lower case.

    Parameters
    ----------
    name : str
        A file name.

    Returns
    -------
    stem : str
        The name without the suffix, as written.
    suffix : str
        ``".csv"``, ``".xes"``, ``".csv.gz"``, ``".xes.gz"``, ``".zip"``, ``".csv.zip"``…; an
        unknown inner suffix stays part of the stem (``"events.tar"`` + ``".gz"``).

    Examples
    --------
    >>> name_parts("Events.XES.gz")
    ('Events', '.xes.gz')
    >>> name_parts("transactions.zip"), name_parts("events.tar.gz")
    (('transactions', '.zip'), ('events.tar', '.gz'))
    """
    path = Path(name)
    outer = path.suffix.lower() if path.suffix.lower() in _OUTER else ""
    if outer:
        path = Path(path.stem)
    inner = path.suffix.lower()
    if outer and inner not in _INNER:
        return path.name, outer
    return path.stem, inner + outer


def _zip_member(archive: zipfile.ZipFile) -> zipfile.ZipInfo:
    """Find the one table file inside a zip archive; refuse archives holding none or several."""
    members = [
        info
        for info in archive.infolist()
        if not info.is_dir()
        and not info.filename.startswith("__MACOSX/")
        and not Path(info.filename).name.startswith(".")
    ]
    if len(members) != 1:
        names = [m.filename for m in members]
        held = f"{len(members)} files ({listing(names, 8, width=40)})" if names else "no file"
        raise FileRefused(
            "unsupported_format",
            f"the zip archive holds {held}; cxlab reads a zip archive that holds one table file",
            "unpack it and put the table files into the bundle folder, or zip each table on its "
            "own and name the archive like the table (e.g. transactions.zip)",
        )
    member = members[0]
    if member.flag_bits & 0x1:
        raise FileRefused(
            "unreadable_file",
            f"the zip archive's file {quoted(member.filename)} is protected by a password",
            "unpack it with the password and put the table file itself into the bundle folder",
        )
    if Path(member.filename).suffix.lower() not in _INNER:
        raise FileRefused(
            "unsupported_format",
            f"the zip archive holds {quoted(member.filename)}, and cxlab reads zip archives of a "
            "CSV text table (.csv, .tsv, .txt) or an XES event log (.xes) only",
            "unpack it and put the file itself into the bundle folder (.xlsx and .parquet files "
            "are compressed already)",
        )
    if member.file_size > MAX_UNPACKED_BYTES:
        raise _too_large(member.file_size)
    return member


def _open_zip(path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise FileRefused(
            "unsupported_format",
            "the file is named .zip but is not a zip archive",
            "check that it was downloaded completely; if it is a plain table, rename it to end "
            "in .csv",
        ) from None


def _too_large(size: int | None = None) -> FileRefused:
    cap = MAX_UNPACKED_BYTES
    what = f"would unpack to {size:,} bytes" if size else f"unpacks to more than {cap:,} bytes"
    return FileRefused(
        "file_too_large",
        f"the compressed file {what}; cxlab unpacks at most {_size(cap)} "
        f"({cap:,} bytes) from one file",
        "unpack it yourself and put the unpacked file into the bundle folder (plain files "
        "have no such limit); if it unpacks to far more than it could hold, it is not an export",
    )


def _size(n: int) -> str:
    for unit, factor in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if n >= factor:
            return f"{n / factor:g} {unit}"
    return f"{n} bytes"


def table_format(path: Path) -> str:
    """Say what a file holds by its name: ``"csv"``, ``"xes"``, ``"excel"`` or ``"parquet"``.

    A ``.zip`` archive is opened to read the name of the file it holds.

    Raises
    ------
    FileRefused
        For a zip archive holding no table file, several files, or a file of another kind.
    """
    _, suffix = name_parts(path.name)
    if suffix.endswith(".zip"):
        with _open_zip(path) as archive:
            suffix = Path(_zip_member(archive).filename).suffix.lower()
    elif suffix.endswith(".gz"):
        suffix = suffix[: -len(".gz")]
    if suffix in XES_SUFFIXES:
        return "xes"
    if suffix in (".xlsx", ".xlsm"):
        return "excel"
    if suffix in (".parquet", ".pq"):
        return "parquet"
    return "csv"


class _Capped:
    """A binary stream that refuses to produce more than :data:`MAX_UNPACKED_BYTES`."""

    def __init__(self, stream: BinaryIO):
        self.stream = stream
        self.total = 0

    def read(self, size: int = _CHUNK) -> bytes:
        data = self.stream.read(min(size, _CHUNK) if size and size > 0 else _CHUNK)
        self.total += len(data)
        if self.total > MAX_UNPACKED_BYTES:
            raise _too_large()
        return data


def _damaged(exc: Exception, kind: str) -> FileRefused:
    return FileRefused(
        "unreadable_file",
        f"the {kind} cannot be unpacked: it is cut off or damaged ({type(exc).__name__})",
        "download or export the file again; check that it was copied completely",
    )


@contextmanager
def open_unpacked(path: Path) -> Iterator[BinaryIO]:
    """Open a table file for reading its bytes, unpacking ``.gz`` and ``.zip`` on the way.

    Plain files are opened as they are. Compressed ones yield a stream whose reads stop with
    :class:`FileRefused` once more than :data:`MAX_UNPACKED_BYTES` have come out.

    Raises
    ------
    FileRefused
        For a file that is not the archive its name says, an archive that is damaged, holds
        several files or a password-protected one, or unpacks to too much.
    """
    _, suffix = name_parts(path.name)
    if suffix.endswith(".gz"):
        with path.open("rb") as fh:
            magic = fh.read(2)
        if magic != b"\x1f\x8b":
            inner = suffix[: -len(".gz")] or ".csv"
            raise FileRefused(
                "unsupported_format",
                "the file is named .gz but is not gzip-compressed",
                f"if it is a plain table, rename it to end in {inner}; otherwise compress it "
                "with gzip again",
            )
        try:
            with gzip.open(path, "rb") as fh:
                yield _Capped(fh)  # type: ignore[misc]
        except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
            raise _damaged(exc, "gzip file") from None
        return
    if suffix.endswith(".zip"):
        with _open_zip(path) as archive:
            member = _zip_member(archive)
            try:
                with archive.open(member) as fh:
                    yield _Capped(fh)  # type: ignore[misc]
            except (zipfile.BadZipFile, EOFError, zlib.error) as exc:
                raise _damaged(exc, "zip archive") from None
            except NotImplementedError:
                raise FileRefused(
                    "unreadable_file",
                    f"the zip archive's file {quoted(member.filename)} is compressed with a "
                    "method Python cannot unpack",
                    "unpack it with your archive tool and put the file itself into the bundle "
                    "folder, or zip it again with the usual (deflate) compression",
                ) from None
        return
    with path.open("rb") as fh:
        yield fh


def read_unpacked(path: Path) -> bytes:
    r"""Read a table file's bytes whole, unpacking ``.gz`` and ``.zip`` (see :func:`open_unpacked`).

    Examples
    --------
    >>> import gzip, pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "events.csv.gz"
    >>> _ = path.write_bytes(gzip.compress(b"customer_id,timestamp,stage\n"))
    >>> read_unpacked(path)
    b'customer_id,timestamp,stage\n'
    """
    _, suffix = name_parts(path.name)
    if not suffix.endswith(_OUTER):
        return path.read_bytes()
    parts = bytearray()
    with open_unpacked(path) as stream:
        while chunk := stream.read(_CHUNK):
            parts += chunk
    return bytes(parts)
