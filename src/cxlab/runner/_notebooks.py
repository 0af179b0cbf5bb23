"""Which notebooks a run executes, and what each one needs.

A chapter notebook declares the contract tables it needs in its metadata::

    "metadata": {"cxlab": {"requires": ["responses"]}}

The runner reads that declaration, not the chapter's content: a bundle without one of those
tables skips the notebook with the reason instead of failing it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from cxlab.errors import Problem, RunError

__all__ = ["NotebookSpec", "check_layout", "discover", "notebooks_dir", "select"]

_NAME = re.compile(r"^(\d\d)_[a-z0-9_]+\.ipynb$")


@dataclass(frozen=True)
class NotebookSpec:
    """A chapter notebook the runner can execute.

    Parameters
    ----------
    path : pathlib.Path
        The notebook file.
    number : str
        Its two-digit chapter number.
    requires : tuple of str
        Contract tables it needs (from ``metadata.cxlab.requires``).
    requires_any : dict of str to tuple of str
        For some of those tables, columns of which at least one must hold a value (from
        ``metadata.cxlab.requires_any``, e.g. ``{"responses": ["nps", "csat", "ces"]}``).
    summary : str
        ``module:function`` of a function of the run's ``metrics.json`` mapping that returns
        the report's executive summary as Markdown (``metadata.cxlab.summary``); empty for
        most chapters. The function is named by the notebook, so the runner stays free of
        analytics; only functions inside the ``cxlab`` package are accepted.
    """

    path: Path
    number: str
    requires: tuple[str, ...]
    requires_any: dict[str, tuple[str, ...]] = field(default_factory=dict)
    summary: str = ""

    @property
    def name(self) -> str:
        """File name without ``.ipynb`` (``"00_welcome"``): the notebook's key in metrics.json."""
        return self.path.stem


def notebooks_dir() -> Path:
    """Return the chapter notebooks folder of the source tree cxlab runs from.

    Raises
    ------
    FileNotFoundError
        When cxlab is not running from a source tree (pass ``notebooks_dir=`` instead).
    """
    for parent in Path(__file__).resolve().parents:
        if (parent / "pyproject.toml").is_file() and (parent / "notebooks").is_dir():
            return parent / "notebooks"
    raise FileNotFoundError(
        "cannot find the cxlab notebooks folder (cxlab is not running from a source tree); "
        "pass the folder holding NN_topic.ipynb files with --notebooks-dir"
    )


def _requirements(path: Path) -> tuple[tuple[str, ...], dict[str, tuple[str, ...]], str]:
    try:
        meta = json.loads(path.read_text(encoding="utf-8")).get("metadata", {})
    except (OSError, ValueError) as exc:
        raise RunError(
            Problem(
                "error",
                "unreadable_notebook",
                f"cannot read the notebook: {exc}",
                file=path.name,
                hint="restore it from version control",
            )
        ) from None
    cx = meta.get("cxlab", {})
    any_of = {table: tuple(cols) for table, cols in cx.get("requires_any", {}).items()}
    summary = cx.get("summary", "")
    return tuple(cx.get("requires", ())), any_of, summary if isinstance(summary, str) else ""


def discover(folder: Path) -> list[NotebookSpec]:
    """Every chapter notebook (``NN_topic.ipynb``) directly in ``folder``, in chapter order."""
    found = [p for p in sorted(Path(folder).glob("*.ipynb")) if _NAME.match(p.name)]
    return [NotebookSpec(p, p.name[:2], *_requirements(p)) for p in found]


def select(available: list[NotebookSpec], choice: str | None) -> list[NotebookSpec]:
    """Pick notebooks by number: ``"all"`` (or None) or a comma list such as ``"00,3"``.

    Raises
    ------
    ConfigError
        For a number that is not a chapter notebook here, naming the ones that are.

    Examples
    --------
    >>> specs = [NotebookSpec(Path(f"{n}_x.ipynb"), n, ()) for n in ("00", "01", "05")]
    >>> [s.number for s in select(specs, "5,0")]
    ['00', '05']
    """
    if choice is None or choice.strip().lower() in ("", "all"):
        return list(available)
    by_number = {s.number: s for s in available}
    wanted: set[str] = set()
    for part in choice.split(","):
        part = part.strip()
        if not part:
            continue
        key = f"{int(part):02d}" if part.isdigit() else part
        if key not in by_number:
            raise RunError(
                Problem(
                    "error",
                    "unknown_notebook",
                    f"there is no chapter notebook {part!r}",
                    hint=f"choose from {', '.join(by_number) or 'none'} or 'all'",
                )
            )
        wanted.add(key)
    return [s for s in available if s.number in wanted]


def check_layout(specs: list[NotebookSpec]) -> None:
    """Check, before anything runs, that the report can tell each cell's reader.

    The report keeps or leaves out a cell by the template's ``## `` section it sits under
    (:mod:`cxlab.runner._audience`). A notebook of one's own (``--notebooks-dir``) that does not
    follow the template is refused here, naming the cell, instead of failing once its chapters
    have run.

    Raises
    ------
    RunError
        For the first notebook with a cell outside the template's sections, under a section
        the template does not know, or with two audience tags.
    """
    import nbformat
    from nbformat.v4.rwbase import rejoin_lines

    from cxlab.runner._audience import SECTIONS, audiences

    for spec in specs:
        try:
            # read as nbformat does, without its schema check (the notebook is checked as it runs)
            nb = rejoin_lines(nbformat.from_dict(json.loads(spec.path.read_text(encoding="utf-8"))))
            audiences(nb, name=spec.path.name)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise RunError(
                Problem(
                    "error",
                    "notebook_layout",
                    f"the report cannot place this notebook's cells: {exc}",
                    file=spec.path.name,
                    hint="start with a '# NN · Title' cell and put every other cell under one of "
                    f"the template's '## ' sections ({', '.join(SECTIONS)})",
                )
            ) from None
