"""The journey workshop as data: what a team expects, held against the client's measured map.

Two tables of our own writing, chosen by the ``industry:`` key of a bundle's ``cxlab.yml``:

* :data:`WORKSHOP_MAPS` — per industry, the rows a small business's team would typically put
  on the wall in a mapping workshop: a stage, a touchpoint, and whether the team expects a pain
  point or an opportunity there. Each row carries the words by which it is recognised among a
  client's own touchpoint names.
* :data:`IDEAS` — first improvement ideas by kind of touchpoint (checkout, booking, onboarding,
  support, delivery, returns, pages), some written for one industry, the rest for any.

:func:`compare_workshop` matches the workshop rows to the client's own touchpoints and reports
only the rows that have a counterpart: the comparison shows the client's touchpoints or
nothing, never another business's. Without a declared industry there is no workshop map, and
:func:`workshop_finding` says what to set in ``cxlab.yml``. :func:`improvements` ranks the
map's pain points by |impact| × customers and attaches the ideas to discuss.

Matching is by whole words of the touchpoint name (``social_ad`` is the words ``social`` and
``ad``; a final "s" is ignored), not by a language model: it is predictable, testable, and
a miss costs only a row of the comparison.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cxlab import present
from cxlab.findings import Finding, join
from cxlab.journey._findings import _label, _names, _score_text
from cxlab.journey._map import JourneyMap
from cxlab.metrics import SMALL_N

__all__ = [
    "FALLBACK_IDEA",
    "IDEAS",
    "INDUSTRY_ALIASES",
    "WORKSHOP_MAPS",
    "Idea",
    "WorkshopRow",
    "compare_workshop",
    "ideas_for",
    "improvements",
    "improvements_finding",
    "workshop_finding",
    "workshop_map",
]

PAIN, OPPORTUNITY = "pain point", "opportunity"


@dataclass(frozen=True)
class WorkshopRow:
    """One row of a workshop map: what a team expects at a touchpoint.

    Parameters
    ----------
    stage : str
        The stage (one of :data:`cxlab.journey.DEFAULT_STAGES`).
    touchpoint : str
        The touchpoint as the team would write it on the wall.
    expects : {"pain point", "opportunity"}
        What the team expects there.
    keywords : tuple of str
        Words by which the touchpoint is recognised in a client's touchpoint names; a keyword
        of several words must appear as those words in that order.
    """

    stage: str
    touchpoint: str
    expects: str
    keywords: tuple[str, ...]


@dataclass(frozen=True)
class Idea:
    """First improvement ideas for a kind of touchpoint.

    Parameters
    ----------
    keywords : tuple of str
        Words of the touchpoint names the ideas apply to.
    text : str
        The ideas, separated by semicolons.
    industries : tuple of str, default ()
        The industries the ideas are written for; empty for any industry.
    """

    keywords: tuple[str, ...]
    text: str
    industries: tuple[str, ...] = ()


#: Workshop maps per industry: what a small business's team typically expects, in our words.
#: The online shop's map is the one the chapter's theory section draws.
WORKSHOP_MAPS: dict[str, tuple[WorkshopRow, ...]] = {
    "ecommerce": (
        WorkshopRow("awareness", "ad on social media", OPPORTUNITY, ("social", "ad")),
        WorkshopRow("consideration", "product page", PAIN, ("product", "page", "catalogue")),
        WorkshopRow(
            "purchase", "checkout", PAIN, ("checkout", "basket", "cart", "payment", "order")
        ),
        WorkshopRow("purchase", "order confirmation", OPPORTUNITY, ("confirmation",)),
        WorkshopRow("service", "delivery", PAIN, ("delivery", "shipping", "parcel", "courier")),
        WorkshopRow(
            "loyalty",
            "follow-up asking for feedback",
            OPPORTUNITY,
            ("review", "feedback", "survey"),
        ),
    ),
    "saas": (
        WorkshopRow(
            "awareness", "search ads and review sites", OPPORTUNITY, ("ad", "review site", "search")
        ),
        WorkshopRow("consideration", "free trial", PAIN, ("trial",)),
        WorkshopRow("consideration", "pricing page", PAIN, ("pricing", "plan")),
        WorkshopRow(
            "purchase",
            "choosing a plan and paying",
            OPPORTUNITY,
            ("subscription", "checkout", "signup"),
        ),
        WorkshopRow("service", "onboarding", PAIN, ("onboarding", "setup")),
        WorkshopRow("service", "support tickets", PAIN, ("support", "ticket", "helpdesk")),
        WorkshopRow("service", "billing", PAIN, ("billing", "invoice", "invoicing")),
        WorkshopRow("loyalty", "upgrade or renewal", OPPORTUNITY, ("upgrade", "renewal")),
    ),
    "restaurant": (
        WorkshopRow(
            "awareness", "social media and local search", OPPORTUNITY, ("social", "local search")
        ),
        WorkshopRow("consideration", "the menu online", PAIN, ("menu",)),
        WorkshopRow("purchase", "booking a table", PAIN, ("booking", "reservation")),
        WorkshopRow("service", "the meal itself", OPPORTUNITY, ("dining", "meal", "visit")),
        WorkshopRow("service", "paying the bill", PAIN, ("payment", "bill")),
        WorkshopRow("service", "delivery and takeaway", PAIN, ("delivery", "takeaway")),
        WorkshopRow("loyalty", "loyalty app and reviews", OPPORTUNITY, ("loyalty", "review")),
    ),
    "consulting": (
        WorkshopRow("awareness", "referrals and events", OPPORTUNITY, ("referral", "event")),
        WorkshopRow("consideration", "first call", OPPORTUNITY, ("discovery", "call", "meeting")),
        WorkshopRow("consideration", "proposal", PAIN, ("proposal", "quote")),
        WorkshopRow("purchase", "engagement letter", PAIN, ("engagement", "letter", "contract")),
        WorkshopRow("service", "workshops with the client's team", OPPORTUNITY, ("workshop",)),
        WorkshopRow("service", "invoicing", PAIN, ("invoicing", "invoice", "billing")),
        WorkshopRow(
            "loyalty", "follow-on work and testimonials", OPPORTUNITY, ("follow", "testimonial")
        ),
    ),
}

#: Other names by which a ``cxlab.yml`` may give one of the industries above.
INDUSTRY_ALIASES: dict[str, str] = {
    "e_commerce": "ecommerce",
    "retail": "ecommerce",
    "online_retail": "ecommerce",
    "software": "saas",
    "hospitality": "restaurant",
    "professional_services": "consulting",
}

#: First improvement ideas by kind of touchpoint; the first entry that matches wins, so the
#: entries for one industry come before those for any.
IDEAS: tuple[Idea, ...] = (
    Idea(
        ("menu",),
        "prices, allergens and a photo for each dish; opening hours and a booking link on the "
        "same page; a page that loads fast on a phone",
        ("restaurant",),
    ),
    Idea(
        ("payment", "bill"),
        "bring the bill when asked and let guests pay at the table by card or phone; split bills "
        "without fuss; no service charge that comes as a surprise",
        ("restaurant",),
    ),
    Idea(
        ("delivery", "takeaway"),
        "a realistic time when ordering and a message when the food leaves; packaging that "
        "keeps it hot; put a late or wrong order right at once",
        ("restaurant",),
    ),
    Idea(
        ("pricing", "plan", "page"),
        "compare the plans in plain words, price per seat and per month side by side; say what "
        "happens at the end of the trial; a named person to ask",
        ("saas",),
    ),
    Idea(
        ("trial",),
        "show the one task that makes the product worth it on the first day; a check-in message "
        "in the middle of the trial; keep the trial's data after purchase",
        ("saas",),
    ),
    Idea(
        ("proposal", "quote", "engagement", "letter", "contract"),
        "scope, deliverables, dates and fees on one page; a short call to walk through it; "
        "sign-off that takes days, not weeks",
        ("consulting",),
    ),
    Idea(
        ("invoice", "invoicing", "billing"),
        "invoice against the milestones agreed at the start; itemise days and expenses; one "
        "person who answers questions about a bill",
        ("consulting",),
    ),
    Idea(
        ("checkout", "payment", "billing", "invoice", "invoicing", "subscription", "order"),
        "show the full price with every fee before the last step; offer the payment methods "
        "customers ask for; let people pay without creating an account; send a clear itemised "
        "confirmation",
    ),
    Idea(
        ("booking", "reservation"),
        "confirm at once and say what happens next; make changing or cancelling one click; send "
        "a reminder the day before",
    ),
    Idea(
        ("onboarding", "setup", "training"),
        "a short checklist for the first week; one named person to contact; help inside the "
        "product at the step where people stall",
    ),
    Idea(
        ("support", "contact", "help", "chat", "complaint"),
        "answer the most frequent questions before they are asked (tracking, FAQs); promise a "
        "reply time and keep it; let the first person who answers solve the problem",
        ("ecommerce",),
    ),
    Idea(
        ("support", "contact", "help", "chat", "complaint"),
        "answer the most frequent questions before they are asked (a short FAQ, news of "
        "progress); promise a reply time and keep it; let the first person who answers solve "
        "the problem",
    ),
    Idea(
        ("delivery", "shipping", "courier"),
        "give a delivery window and tracking; pack to protect; apologise and put it right "
        "quickly when something goes wrong",
    ),
    Idea(
        ("return", "refund", "exchange"),
        "a prepaid label and a simple form; refund as soon as the parcel is scanned; ask why, to "
        "fix the cause",
        ("ecommerce",),
    ),
    Idea(
        ("return", "refund", "exchange"),
        "one simple way to ask for a refund; pay it back promptly; ask why, to fix the cause",
    ),
    Idea(
        ("page", "site", "menu", "guide", "search"),
        "fuller descriptions, sizes and prices; customer reviews next to the product; pages that "
        "load fast on a phone",
        ("ecommerce",),
    ),
    Idea(
        ("page", "site", "menu", "guide", "search"),
        "say plainly what is offered and what it costs; reviews or references next to it; pages "
        "that load fast on a phone",
    ),
)

#: Ideas for a pain point no entry of :data:`IDEAS` fits.
FALLBACK_IDEA = (
    "ask five recent customers what went wrong at this step; fix the most frequent cause first "
    "and measure again"
)

_COMPARISON = ["stage", "workshop touchpoint", "workshop expects", "measured touchpoint"]
_COMPARISON += ["action in the log", "the data say"]
_IMPROVEMENTS = ["stage", "touchpoint", "score (n)", "impact", "customers", "priority"]
_IMPROVEMENTS += ["ideas to discuss"]


def _industry(industry: str | None) -> str | None:
    """Return the canonical industry name (aliases resolved), or None when none is declared."""
    if industry is None or not str(industry).strip():
        return None
    key = "_".join(str(industry).strip().lower().replace("-", " ").split())
    return INDUSTRY_ALIASES.get(key, key)


def _words(name: object) -> list[str]:
    """Split a touchpoint name into words, lower case, a final "s" dropped."""
    words = [w for w in re.split(r"[^0-9a-z]+", str(name).lower()) if w]
    return [w[:-1] if len(w) > 2 and w.endswith("s") else w for w in words]


def _matches(name: object, keywords: tuple[str, ...]) -> bool:
    """Whether a touchpoint name contains one of the keywords as whole words."""
    words = _words(name)
    for keyword in keywords:
        wanted = _words(keyword)
        k = len(wanted)
        if k and any(words[i : i + k] == wanted for i in range(len(words) - k + 1)):
            return True
    return False


def workshop_map(industry: str) -> pd.DataFrame:
    """Return the workshop map of an industry as a table.

    Parameters
    ----------
    industry : str
        One of :data:`WORKSHOP_MAPS` or :data:`INDUSTRY_ALIASES`.

    Returns
    -------
    pandas.DataFrame
        ``stage``, ``workshop touchpoint``, ``workshop expects`` and ``keywords``.

    Raises
    ------
    ValueError
        If there is no workshop map for the industry.

    Examples
    --------
    >>> workshop_map("ecommerce")["workshop touchpoint"].tolist()[:3]
    ['ad on social media', 'product page', 'checkout']
    """
    key = _industry(industry)
    if key not in WORKSHOP_MAPS:
        raise ValueError(
            f"there is no workshop map for the industry {industry!r}; choose one of "
            f"{', '.join(WORKSHOP_MAPS)}"
        )
    return pd.DataFrame(
        [(r.stage, r.touchpoint, r.expects, r.keywords) for r in WORKSHOP_MAPS[key]],
        columns=["stage", "workshop touchpoint", "workshop expects", "keywords"],
    )


def _no_workshop(industry: str | None, jmap: JourneyMap | None) -> Finding | None:
    key = _industry(industry)
    if key is None:
        return Finding.unsupported(
            "There is no workshop map to compare: cxlab.yml declares no industry. Add "
            "`industry: ecommerce` (or saas, restaurant, consulting) to it for the workshop "
            "comparison."
        )
    if key not in WORKSHOP_MAPS:
        return Finding.unsupported(
            "There is no workshop map for the industry **{industry}**; cxlab has workshop maps "
            "for {known}, so this comparison is left out.",
            industry=industry,
            known=", ".join(WORKSHOP_MAPS),
        )
    if jmap is None or jmap.table.empty:
        return Finding.unsupported(
            "The events name no touchpoints, so there is nothing to hold the workshop map against."
        )
    return None


def compare_workshop(
    jmap: JourneyMap | None,
    *,
    industry: str | None,
    events: pd.DataFrame | None = None,
    metric: str | None = None,
    touchpoint: str = "touchpoint",
    event: str = "event",
) -> pd.DataFrame:
    """Hold the industry's workshop map against the client's measured map.

    Each workshop row is matched to the client's touchpoints by its keywords — preferring
    touchpoints in the row's stage, then any stage, and among those the one that reaches the
    most customers — and then says what the data show there: a pain point, a moment of delight,
    no different from the rest, or not surveyed. Rows without a counterpart among the client's
    touchpoints are left out (and counted), so the table shows only the client's touchpoints.

    Parameters
    ----------
    jmap : JourneyMap or None
        Output of :func:`cxlab.journey.journey_map` (without ``by``).
    industry : str or None
        The bundle's industry (``bundle.config.industry``).
    events : pandas.DataFrame, optional
        The events, for the most common action at each matched touchpoint.
    metric : {"csat", "ces", "nps"} or None
        The score the map is read by.
    touchpoint, event : str
        Columns of the events.

    Returns
    -------
    pandas.DataFrame
        ``stage``, ``workshop touchpoint``, ``workshop expects``, ``measured touchpoint``,
        ``action in the log`` and ``the data say``. ``attrs`` holds ``industry``, ``rows``
        (rows of the industry's map), ``unmatched`` (their workshop touchpoints),
        ``verdicts`` (per row: "pain point", "delight", "no different", "too few answers" —
        not flagged on fewer than 30 answers, which cannot tell — or "not surveyed"),
        ``metric`` and, when there is nothing to compare, ``reason`` (a Finding).

    Examples
    --------
    >>> t = pd.DataFrame(
    ...     {
    ...         "customers": [40],
    ...         "events": [50],
    ...         "csat": [np.nan],
    ...         "csat_n": [0],
    ...         "pain_point": [False],
    ...         "delight": [False],
    ...     },
    ...     index=pd.MultiIndex.from_tuples(
    ...         [("purchase", "web_checkout")], names=["stage", "touchpoint"]
    ...     ),
    ... )
    >>> m = JourneyMap(table=t, funnel=pd.DataFrame(), overall=pd.DataFrame(), metrics=("csat",))
    >>> c = compare_workshop(m, industry="ecommerce", metric="csat")
    >>> c[["workshop touchpoint", "measured touchpoint", "the data say"]].values.tolist()
    [['checkout', 'web_checkout (purchase)', 'not surveyed; 40 customers pass here']]
    >>> len(c.attrs["unmatched"])
    5
    """
    out = pd.DataFrame(columns=_COMPARISON)
    key = _industry(industry)
    out.attrs.update(industry=key, rows=0, unmatched=[], verdicts=[], metric=metric)
    reason = _no_workshop(industry, jmap)
    if reason is not None:
        out.attrs["reason"] = reason
        return out
    assert jmap is not None and key is not None
    tps = jmap.table.reset_index()
    stage_col, tp_col = jmap.table.index.names[-2], jmap.table.index.names[-1]
    rows, verdicts, unmatched = [], [], []
    for row in WORKSHOP_MAPS[key]:
        hit = tps[[_matches(n, row.keywords) for n in tps[tp_col]]]
        same = hit[hit[stage_col] == row.stage]
        hit = same if len(same) else hit
        if hit.empty:
            unmatched.append(row.touchpoint)
            continue
        tp = hit.sort_values("customers", ascending=False, kind="stable").iloc[0]
        action = "—"
        if events is not None and event in events and touchpoint in events:
            done = events.loc[events[touchpoint].astype("str") == str(tp[tp_col]), event].dropna()
            action = str(done.mode().iloc[0]) if len(done) else "—"
        if metric is None or metric not in tp or pd.isna(tp[metric]):
            verdict, said = (
                "not surveyed",
                f"not surveyed; {int(tp['customers']):,} customers pass here",
            )
        else:
            n = int(tp[f"{metric}_n"])
            verdict = (
                "pain point"
                if tp["pain_point"]
                else "delight"
                if tp["delight"]
                else "no different"
                if n >= SMALL_N
                else "too few answers"
            )
            kind = {
                "delight": "moment of delight",
                "no different": "no different from the rest",
                "too few answers": "too few answers to tell",
            }
            said = (
                f"{kind.get(verdict, verdict)}: {metric.upper()} {_score_text(tp[metric], metric)} "
                f"(n {n:,})"
            )
        verdicts.append(verdict)
        rows.append(
            (
                row.stage,
                row.touchpoint,
                row.expects,
                f"{tp[tp_col]} ({tp[stage_col]})",
                action,
                said,
            )
        )
    out = pd.DataFrame(rows, columns=_COMPARISON)
    out.attrs.update(
        industry=key,
        rows=len(WORKSHOP_MAPS[key]),
        unmatched=unmatched,
        verdicts=verdicts,
        metric=metric,
    )
    if not rows:
        out.attrs["reason"] = Finding.unsupported(
            "None of the {rows} touchpoints of the {industry} workshop map has a counterpart among "
            "the client's {k} touchpoints, so there is nothing to compare.",
            rows=len(WORKSHOP_MAPS[key]),
            industry=key,
            k=len(tps),
        )
    return out


def workshop_finding(comparison: pd.DataFrame) -> Finding:
    """State which of the workshop's expected pain points the data confirm or contradict.

    Parameters
    ----------
    comparison : pandas.DataFrame
        Output of :func:`compare_workshop`.

    Returns
    -------
    Finding
        How many expected pain points the data confirm and contradict (naming them), how many
        rows the survey is silent on, any expected opportunity the data flag as a pain point,
        and how many rows of the industry's map have no counterpart in the log. Unsupported
        when there is nothing to compare (no industry, an industry without a workshop map, no
        touchpoints, no match), saying why.

    Examples
    --------
    >>> c = pd.DataFrame(
    ...     {
    ...         "workshop touchpoint": ["checkout", "delivery"],
    ...         "workshop expects": ["pain point"] * 2,
    ...     }
    ... )
    >>> c.attrs.update(
    ...     rows=2, unmatched=[], verdicts=["pain point", "delight"], industry="ecommerce"
    ... )
    >>> print(workshop_finding(c).text)  # doctest: +NORMALIZE_WHITESPACE
    Of the workshop's 2 expected pain points, the data confirm 1 (checkout) and contradict 1
    (delivery); for 0 of the 2 rows the data have no scores.
    """
    if "verdicts" not in comparison.attrs:
        raise ValueError(
            "workshop_finding reads the table compare_workshop returns (with its attrs)"
        )
    if "reason" in comparison.attrs:
        return comparison.attrs["reason"]
    verdicts = pd.Series(comparison.attrs["verdicts"], index=comparison.index, dtype="str")
    expects = comparison["workshop expects"]
    names = comparison["workshop touchpoint"]
    expected = expects == PAIN
    confirmed = names[expected & (verdicts == "pain point")].tolist()
    contradicted = names[expected & verdicts.isin(["delight", "no different"])].tolist()
    silent = int(verdicts.isin(["not surveyed", "too few answers"]).sum())
    few = bool((verdicts == "too few answers").any())
    verdict = (
        "Of the workshop's {k} expected pain points, the data confirm {c} ({confirmed}) and "
        "contradict {d} ({contradicted})"
        if confirmed or contradicted
        else "The data neither confirm nor contradict any of the workshop's {k} expected pain "
        "points"
    )
    parts = [
        Finding(
            verdict
            + "; for {s} of the {r} rows the data have no scores"
            + (" or too few answers" if few else "")
            + (", so only customers can tell how those steps feel." if silent else "."),
            {
                "k": int(expected.sum()),
                "c": len(confirmed),
                "confirmed": ", ".join(confirmed) or "none",
                "d": len(contradicted),
                "contradicted": ", ".join(contradicted) or "none",
                "s": silent,
                "r": len(comparison),
            },
        )
    ]
    surprise = names[(expects == OPPORTUNITY) & (verdicts == "pain point")].tolist()
    if surprise:
        parts.append(
            Finding(
                "The data flag {names} as {a}pain point{s} where the workshop expected an "
                "opportunity.",
                {
                    "names": _names(surprise),
                    "a": "" if len(surprise) > 1 else "a ",
                    "s": "s" if len(surprise) > 1 else "",
                },
            )
        )
    unmatched = comparison.attrs.get("unmatched", [])
    if unmatched:
        parts.append(
            Finding(
                "{u} of the {r} rows of the {industry} workshop map ({names}) "
                + ("has" if len(unmatched) == 1 else "have")
                + " no counterpart among the client's touchpoints and "
                + ("is" if len(unmatched) == 1 else "are")
                + " left out.",
                {
                    "u": len(unmatched),
                    "r": comparison.attrs.get("rows", len(comparison) + len(unmatched)),
                    "industry": comparison.attrs.get("industry"),
                    "names": ", ".join(unmatched),
                },
            )
        )
    return join(parts)


def ideas_for(touchpoint: object, industry: str | None = None) -> str:
    """Return first improvement ideas for a touchpoint, by its kind and the client's industry.

    Parameters
    ----------
    touchpoint : str
        The touchpoint's name (the client's own).
    industry : str, optional
        The bundle's industry; ideas written for it come first.

    Returns
    -------
    str
        The ideas of the first entry of :data:`IDEAS` that fits, else :data:`FALLBACK_IDEA`.

    Examples
    --------
    >>> ideas_for("menu_page", "restaurant").split(";")[0]
    'prices, allergens and a photo for each dish'
    >>> ideas_for("product_page", "ecommerce").split(";")[0]
    'fuller descriptions, sizes and prices'
    >>> ideas_for("menu_page").split(";")[0]
    'say plainly what is offered and what it costs'
    >>> ideas_for("loan_decision") == FALLBACK_IDEA
    True
    """
    key = _industry(industry)
    for idea in IDEAS:
        if idea.industries and key not in idea.industries:
            continue
        if _matches(touchpoint, idea.keywords):
            return idea.text
    return FALLBACK_IDEA


def improvements(
    jmap: JourneyMap | None, *, metric: str | None, industry: str | None = None
) -> pd.DataFrame:
    """Rank the map's pain points by |impact| × customers, with first ideas to discuss.

    Parameters
    ----------
    jmap : JourneyMap or None
        Output of :func:`cxlab.journey.journey_map` (without ``by``).
    metric : {"csat", "ces", "nps"} or None
        The score shown for each pain point.
    industry : str, optional
        The bundle's industry, for the ideas (:func:`ideas_for`).

    Returns
    -------
    pandas.DataFrame
        One row per pain point, highest priority first, numbered from 1: ``stage``,
        ``touchpoint``, ``score (n)``, ``impact`` (share of the scale, negative is worse),
        ``customers``, ``priority`` and ``ideas to discuss``. Empty (with the columns) without
        a map, a score or a pain point.

    Examples
    --------
    >>> t = pd.DataFrame(
    ...     {
    ...         "customers": [100, 400],
    ...         "csat": [30.0, 45.0],
    ...         "csat_n": [50, 60],
    ...         "impact": [-0.5, -0.2],
    ...         "pain_point": [True, True],
    ...         "delight": [False, False],
    ...     },
    ...     index=pd.MultiIndex.from_tuples(
    ...         [("purchase", "checkout"), ("service", "support")], names=["stage", "touchpoint"]
    ...     ),
    ... )
    >>> m = JourneyMap(table=t, funnel=pd.DataFrame(), overall=pd.DataFrame(), metrics=("csat",))
    >>> improvements(m, metric="csat")[["touchpoint", "priority"]]  # doctest: +NORMALIZE_WHITESPACE
      touchpoint  priority
    1    support      80.0
    2   checkout      50.0
    """
    if jmap is None or metric is None or metric not in jmap.table or jmap.pain_points.empty:
        return pd.DataFrame(columns=_IMPROVEMENTS)
    pain = jmap.pain_points.reset_index()
    stage_col, tp_col = jmap.table.index.names[-2], jmap.table.index.names[-1]
    out = pd.DataFrame(
        {
            "stage": pain[stage_col],
            "touchpoint": pain[tp_col],
            "score (n)": [
                f"{_score_text(v, metric)} (n {int(n):,})"
                for v, n in zip(pain[metric], pain[f"{metric}_n"], strict=True)
            ],
            "impact": pain["impact"].round(3),
            "customers": pain["customers"],
            "priority": (pain["impact"].abs() * pain["customers"]).round(0),
            "ideas to discuss": [ideas_for(t, industry) for t in pain[tp_col]],
        }
    ).sort_values("priority", ascending=False, ignore_index=True, kind="stable")
    out.index = out.index + 1
    return out


def improvements_finding(table: pd.DataFrame, jmap: JourneyMap | None = None) -> Finding:
    """State which pain point to work on first, and which moments of delight to protect.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`improvements`.
    jmap : JourneyMap, optional
        The map, for its moments of delight and the reason when nothing is ranked.

    Returns
    -------
    Finding
        The first pain point with its impact, customers and priority, the runner-up, ties said
        as such, and the moments of delight. Unsupported when there is no pain point to rank,
        saying why.

    Examples
    --------
    >>> t = pd.DataFrame(
    ...     {
    ...         "touchpoint": ["support", "checkout"],
    ...         "impact": [-0.2, -0.5],
    ...         "customers": [400, 100],
    ...         "priority": [80.0, 50.0],
    ...     },
    ...     index=[1, 2],
    ... )
    >>> print(improvements_finding(t).text)  # doctest: +NORMALIZE_WHITESPACE
    support comes first: an impact of −0.20 (share of the scale) for 400 customers (priority
    80), ahead of checkout (priority 50).
    """
    if table.empty:
        if jmap is None:
            why = "the events name no touchpoints"
        elif not jmap.metrics:
            why = "no survey answer names a touchpoint, so nothing is scored"
        else:
            why = "no touchpoint scores significantly worse than the rest of the journey"
        return Finding.unsupported("No pain point to rank: {why}.", why=why)
    first = table.iloc[0]
    tied = table[np.isclose(table["priority"], first["priority"])]
    parts: list[Finding] = []
    if len(tied) > 1:
        parts.append(
            Finding(
                "{names} share the first place, with a priority of {priority:,.0f} each",
                {"names": _names(tied["touchpoint"].tolist()), "priority": first["priority"]},
            )
        )
    else:
        parts.append(
            Finding(
                "**{tp}** comes first: an impact of {impact} (share of the scale) for "
                "{customers:,} customers (priority {priority:,.0f})",
                {
                    "tp": _label(first["touchpoint"]),
                    "impact": present.number(first["impact"], 2),
                    "customers": int(first["customers"]),
                    "priority": first["priority"],
                },
            )
        )
        if len(table) > 1:
            second = table.iloc[1]
            parts.append(
                Finding(
                    ", ahead of {tp} (priority {priority:,.0f})",
                    {"tp": _label(second["touchpoint"]), "priority": second["priority"]},
                )
            )
    parts.append(".")
    if jmap is not None:
        keep = [t for _, t in jmap.delights.index]
        parts.append(
            Finding(
                " The moments of delight to protect and copy: {keep}.",
                {"keep": ", ".join(map(_label, keep)) or "none"},
            )
        )
    return join(parts, sep="")
