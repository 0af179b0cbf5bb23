"""The curriculum map: which notebook teaches what, with which module and which data.

The suite is a sequence of ten chapter notebooks, ``00`` to ``09``. Each :class:`Chapter` records
its number, title, notebook file, the analytics module behind it and any other analytics modules
it calls, the contract tables it needs, and whether the notebook is already part of the suite
(``"available"``) or still being written (``"planned"``).

The chapter's module names everything else that belongs to it: for chapter 03, notebook
``03_journey_mapping.ipynb`` ↔ module ``cxlab.journey`` ↔ its figures in ``cxlab/plots/_journey.py``
↔ its exercises in ``cxlab/teaching/_journey.py`` ↔ its tests in ``tests/test_journey*.py``
(:attr:`Chapter.topic`, :attr:`Chapter.plots_module`, :attr:`Chapter.teaching_module`,
:attr:`Chapter.tests`). ``docs/architecture.md`` shows the whole map.

The welcome notebook renders this map, and the runner reads it to decide which chapters a client
bundle can feed: a chapter runs only when the bundle holds every table the chapter ``requires``.
Each notebook repeats its requirements in its own metadata (``metadata["cxlab"]["requires"]``);
the notebook tests check that the two agree.

Examples
--------
>>> from cxlab import curriculum
>>> curriculum.chapter("00").notebook
'00_welcome.ipynb'
>>> [c.number for c in curriculum.CHAPTERS][:3]
['00', '01', '02']
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import pandas as pd

from cxlab.contract.bundle import TABLES

if TYPE_CHECKING:  # pragma: no cover
    from cxlab.contract.bundle import Bundle

__all__ = ["CHAPTERS", "STATUSES", "Chapter", "available", "chapter", "runnable", "to_frame"]

Status = Literal["available", "planned"]

#: The two states a chapter can be in.
STATUSES: tuple[str, ...] = ("available", "planned")


@dataclass(frozen=True)
class Chapter:
    """One notebook of the suite.

    Parameters
    ----------
    number : str
        Two-digit chapter number, ``"00"`` to ``"09"``.
    title : str
        Title as it appears in the notebook's first heading (after ``NN ·``).
    notebook : str
        File name under ``notebooks/``.
    module : str
        Dotted name of the analytics module the chapter calls.
    requires : tuple of str
        Contract tables the chapter cannot run without.
    covers : str
        One line on what the chapter teaches.
    status : {"available", "planned"}
        Whether the notebook is part of the suite yet.
    uses : tuple of str
        Further analytics modules the chapter's notebook calls, besides ``module`` (chapter 02
        reads scores with :mod:`cxlab.metrics` before ranking drivers with
        :mod:`cxlab.drivers`).
    """

    number: str
    title: str
    notebook: str
    module: str
    requires: tuple[str, ...]
    covers: str
    status: Status = "planned"
    uses: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if len(self.number) != 2 or not self.number.isdigit():
            raise ValueError(f"chapter number must be two digits, got {self.number!r}")
        if not self.notebook.startswith(self.number + "_") or not self.notebook.endswith(".ipynb"):
            raise ValueError(
                f"notebook {self.notebook!r} must be named {self.number}_<topic>.ipynb"
            )
        unknown = [t for t in self.requires if t not in TABLES]
        if unknown:
            raise ValueError(f"chapter {self.number} requires unknown tables {unknown}")
        if self.status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}, got {self.status!r}")
        for name in (self.module, *self.uses):
            if not name.startswith("cxlab.") or name.count(".") != 1:
                raise ValueError(f"modules must be named cxlab.<topic>, got {name!r}")

    @property
    def topic(self) -> str:
        """The chapter module's name without ``cxlab.``: what its other pieces are named after.

        Examples
        --------
        >>> chapter("02").topic
        'drivers'
        """
        return self.module.removeprefix("cxlab.")

    @property
    def modules(self) -> tuple[str, ...]:
        """Every analytics module the chapter calls: its own first, then :attr:`uses`."""
        return (self.module, *self.uses)

    @property
    def plots_module(self) -> str:
        """Dotted name of the module holding the chapter's figures (``cxlab.plots._<topic>``)."""
        return f"cxlab.plots._{self.topic}"

    @property
    def teaching_module(self) -> str:
        """Dotted name of the module holding the chapter's exercises."""
        return f"cxlab.teaching._{self.topic}"

    @property
    def tests(self) -> str:
        """Glob pattern, from the repository root, of the chapter module's test files."""
        return f"tests/test_{self.topic}*.py"

    @property
    def solutions(self) -> str:
        """File name of the worked solutions under ``notebooks/solutions/``."""
        return self.notebook.removesuffix(".ipynb") + "_solutions.ipynb"

    def runs_on(self, bundle: Bundle) -> bool:
        """Whether ``bundle`` holds every table this chapter requires."""
        return bundle.has(*self.requires)


#: The ten chapters, in teaching order.
CHAPTERS: tuple[Chapter, ...] = (
    Chapter(
        "00",
        "Welcome to cxlab",
        "00_welcome.ipynb",
        "cxlab.overview",
        ("customers",),
        "why satisfaction and customer-centricity matter; a tour of the data; the data contract",
        status="available",
    ),
    Chapter(
        "01",
        "Satisfaction metrics",
        "01_satisfaction_metrics.ipynb",
        "cxlab.metrics",
        ("responses",),
        "CSAT, NPS and CES, their uncertainty at small samples, first improvement strategies",
        status="available",
        uses=("cxlab.overview",),
    ),
    Chapter(
        "02",
        "Metrics in depth",
        "02_metrics_in_depth.ipynb",
        "cxlab.drivers",
        ("responses",),
        "score breakdowns, benchmarking and goals, significance of change, key drivers",
        status="available",
        uses=("cxlab.metrics", "cxlab.journey"),
    ),
    Chapter(
        "03",
        "Customer journey mapping",
        "03_journey_mapping.ipynb",
        "cxlab.journey",
        ("events",),
        "personas, touchpoints, pain points and delights, stage-by-stage journey analytics",
        status="available",
        uses=("cxlab.metrics",),
    ),
    Chapter(
        "04",
        "Segmentation and personalization",
        "04_segmentation_and_personalization.ipynb",
        "cxlab.segmentation",
        ("customers", "transactions"),
        "behavioural, needs, value and psychographic segments; clustering; offers and loyalty",
        status="available",
    ),
    Chapter(
        "05",
        "Churn",
        "05_churn.ipynb",
        "cxlab.churn",
        ("customers",),
        "predicting which customers are about to leave, and acting before they do",
        status="available",
    ),
    Chapter(
        "06",
        "Customer lifetime value and ROI",
        "06_clv_and_roi.ipynb",
        "cxlab.clv",
        ("transactions",),
        "lifetime value, customer equity, acquisition cost and the return on customer-centricity",
        uses=("cxlab.present",),
        status="available",
    ),
    Chapter(
        "07",
        "Voice of the customer",
        "07_voice_of_the_customer.ipynb",
        "cxlab.text",
        ("responses",),
        "sentiment and themes in comments and reviews; closing the feedback loop",
        status="available",
    ),
    Chapter(
        "08",
        "Ethics audit",
        "08_ethics_audit.ipynb",
        "cxlab.ethics",
        ("customers",),
        "privacy, consent, data minimisation, fairness of offers, oversight and portability",
        uses=("cxlab.churn", "cxlab.present"),
        status="available",
    ),
    Chapter(
        "09",
        "Proactive service and action plan",
        "09_proactive_service.ipynb",
        "cxlab.actions",
        ("customers",),
        "proactive service, tools, culture, automation versus the human touch; an action plan",
        status="available",
        uses=("cxlab.churn", "cxlab.clv"),
    ),
)


def chapter(number: str | int) -> Chapter:
    """Look a chapter up by its number.

    Parameters
    ----------
    number : str or int
        ``"03"``, ``"3"`` or ``3``.

    Returns
    -------
    Chapter

    Raises
    ------
    KeyError
        When there is no such chapter.

    Examples
    --------
    >>> chapter(3).title
    'Customer journey mapping'
    """
    key = f"{int(number):02d}" if str(number).strip().isdigit() else str(number)
    for c in CHAPTERS:
        if c.number == key:
            return c
    raise KeyError(f"no chapter {number!r}; chapters run from 00 to {CHAPTERS[-1].number}")


def available(chapters: Iterable[Chapter] = CHAPTERS) -> tuple[Chapter, ...]:
    """Return the chapters whose notebooks are part of the suite.

    Examples
    --------
    >>> "00" in [c.number for c in available()]
    True
    """
    return tuple(c for c in chapters if c.status == "available")


def runnable(bundle: Bundle, chapters: Iterable[Chapter] = CHAPTERS) -> tuple[Chapter, ...]:
    """Return the available chapters that ``bundle`` holds enough tables for.

    Parameters
    ----------
    bundle : Bundle
        A loaded client bundle.
    chapters : iterable of Chapter, optional
        Defaults to the whole curriculum.

    Returns
    -------
    tuple of Chapter
    """
    return tuple(c for c in available(chapters) if c.runs_on(bundle))


def to_frame(bundle: Bundle | None = None, chapters: Iterable[Chapter] = CHAPTERS) -> pd.DataFrame:
    """Return the curriculum map as a table, one row per chapter.

    Parameters
    ----------
    bundle : Bundle, optional
        When given, a column ``"your data"`` says whether the bundle can feed each chapter
        (``"ready"``) or which tables it lacks.
    chapters : iterable of Chapter, optional
        Defaults to the whole curriculum.

    Returns
    -------
    pandas.DataFrame
        Indexed by chapter number, with columns ``title``, ``notebook``, ``module``,
        ``requires`` (comma-separated), ``covers``, ``status`` and optionally ``your data``.

    Examples
    --------
    >>> to_frame().loc["00", "status"]
    'available'
    """
    rows = []
    for c in chapters:
        row = {
            "chapter": c.number,
            "title": c.title,
            "notebook": c.notebook,
            "module": c.module,
            "requires": ", ".join(c.requires),
            "covers": c.covers,
            "status": c.status,
        }
        if bundle is not None:
            missing = [t for t in c.requires if not bundle.has(t)]
            row["your data"] = "ready" if not missing else "needs " + ", ".join(missing)
        rows.append(row)
    return pd.DataFrame(rows).set_index("chapter")
