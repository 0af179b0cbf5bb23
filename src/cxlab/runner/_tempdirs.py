"""The hidden temporary folder a run assembles its results in, and cleaning up after dead runs.

A run writes everything into ``OUT/.<slug>.tmp-<random>/`` and renames it to ``OUT/<slug>/`` at
the end, so the client's folder is never half-written. The previous results are first renamed
to the same name plus ``.old`` and deleted once the new folder is in place. A run stopped by
SIGINT or SIGTERM removes its own temporary folder; one killed outright (SIGKILL, a power cut)
cannot, so every run first removes what dead runs left in ``OUT`` (:func:`remove_stale`).

Whose folder is it? Each temporary folder holds an owner file (``.cxlab-run-owner.json``)
with the host name, the process id, the process's start time and, on Linux, the process-id
namespace of the run that made it. A folder is stale when:

- its owner ran on this host, in this process-id namespace, and is no longer running (no
  process with that id, or one that started at another time: the id was recycled) — at any
  age, since a dead owner cannot come back; or
- its owner cannot be checked from here (no owner file, or a run on another machine sharing
  the folder) and nothing in it has changed for :data:`STALE_AFTER` seconds, a day: far
  longer than any cell runs, so a live run elsewhere is never taken for a dead one.

The folder of a live run on this host is never touched. When a dead run had already renamed
the previous results aside but not yet moved its own into place (the one moment in which
``OUT/<slug>/`` is missing), the previous results are put back, so ``OUT/<slug>/`` again holds
the last complete run.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import tempfile
import time
from pathlib import Path

import psutil

__all__ = ["OWNER_FILE", "STALE_AFTER", "make_temp", "release", "remove_stale"]

#: Name of the owner file inside a temporary folder.
OWNER_FILE = ".cxlab-run-owner.json"
#: Seconds without a change after which a folder whose owner cannot be checked counts as stale.
STALE_AFTER = 24 * 3600.0

_TEMP = re.compile(r"^\.(?P<slug>[a-z0-9-]+)\.tmp-(?P<token>[A-Za-z0-9_]+)(?P<old>\.old)?$")


def _pid_namespace() -> int | None:
    try:
        return os.stat("/proc/self/ns/pid").st_ino
    except OSError:
        return None


def _owner_record() -> dict:
    return {
        "host": socket.gethostname(),
        "pid_namespace": _pid_namespace(),
        "pid": os.getpid(),
        "started": psutil.Process().create_time(),
    }


def make_temp(out: Path, slug: str) -> Path:
    """Create the run's temporary folder in ``out`` and record this process as its owner.

    Parameters
    ----------
    out : pathlib.Path
        The results' parent folder (it must exist).
    slug : str
        The client's folder name.

    Returns
    -------
    pathlib.Path
        ``out/.<slug>.tmp-<random>``.
    """
    tmp = Path(tempfile.mkdtemp(prefix=f".{slug}.tmp-", dir=out))
    (tmp / OWNER_FILE).write_text(json.dumps(_owner_record()) + "\n", encoding="utf-8")
    return tmp


def release(folder: Path) -> None:
    """Remove the owner file from a finished results folder (it is not part of the results)."""
    (folder / OWNER_FILE).unlink(missing_ok=True)


def _alive(owner: dict) -> bool | None:
    """Say whether an owner on this host and namespace runs; None when it cannot be checked."""
    if owner.get("host") != socket.gethostname() or owner.get("pid_namespace") != _pid_namespace():
        return None
    try:
        proc = psutil.Process(int(owner["pid"]))
        started = proc.create_time()
        zombie = proc.status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False
    except (psutil.Error, KeyError, TypeError, ValueError):
        return None
    return not zombie and abs(started - float(owner.get("started", 0))) < 1.0


def _read_owner(folder: Path) -> dict | None:
    try:
        owner = json.loads((folder / OWNER_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return owner if isinstance(owner, dict) else None


def _last_change(folder: Path) -> float:
    """Newest modification time of the folder and of anything directly in it."""
    newest = folder.stat().st_mtime
    try:
        for entry in os.scandir(folder):
            try:
                newest = max(newest, entry.stat(follow_symlinks=False).st_mtime)
            except OSError:
                pass
    except OSError:
        pass
    return newest


def _stale(folder: Path, now: float) -> tuple[bool, str]:
    """Whether ``folder`` belongs to a dead run, and a few words on why."""
    owner = _read_owner(folder)
    alive = _alive(owner) if owner is not None else None
    if alive is True:
        return False, "its run is still going"
    if alive is False:
        return True, f"its run (process {owner['pid']}) has ended"
    idle = now - _last_change(folder)
    if idle > STALE_AFTER:
        return True, f"it has not changed for {idle / 3600:.0f} hours"
    return False, "its run cannot be checked from here and it changed recently"


def remove_stale(out: Path, *, now: float | None = None) -> list[str]:
    """Remove the temporary folders that dead runs left in ``out``.

    Parameters
    ----------
    out : pathlib.Path
        The results' parent folder; nothing happens when it does not exist.
    now : float, optional
        The current time (seconds since the epoch); for tests.

    Returns
    -------
    list of str
        One line per folder removed or restored, for the run log.
    """
    now = time.time() if now is None else now
    try:
        names = [e.name for e in os.scandir(out) if e.is_dir(follow_symlinks=False)]
    except OSError:
        return []
    done = []
    for name in sorted(names):
        match = _TEMP.match(name)
        if not match:
            continue
        folder = out / name
        final = out / match["slug"]
        if not folder.is_dir():
            continue  # removed with its temporary folder earlier in this loop
        if match["old"]:
            # Previous results renamed aside. While the new folder still exists, that folder's
            # owner decides (handled below, with the new folder). Without it, the swap has
            # finished and only the deletion of the previous results is left, unless the run
            # that made the swap is still finishing it.
            if (out / name.removesuffix(".old")).exists():
                continue
            owner = _read_owner(final)
            alive = _alive(owner) if owner is not None else False
            if alive or (alive is None and now - _last_change(folder) <= STALE_AFTER):
                continue
            shutil.rmtree(folder, ignore_errors=True)
            release(final)
            done.append(f"removed {name}: previous results a finished run had left")
            continue
        stale, why = _stale(folder, now)
        if not stale:
            continue
        previous = out / f"{name}.old"
        if previous.is_dir() and not final.exists():
            try:
                os.rename(previous, final)
                done.append(f"restored {final.name}/ from {previous.name}: {why}")
            except OSError:
                pass
        shutil.rmtree(folder, ignore_errors=True)
        shutil.rmtree(previous, ignore_errors=True)
        done.append(f"removed {name}: {why}")
    return done
