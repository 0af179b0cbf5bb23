"""The executive summary: one page a client reads first, built from every chapter's headlines.

:func:`executive_summary` reads the run's ``metrics.json`` mapping — each chapter's headline
numbers under ``notebooks.<name>.headlines``, found by the chapter's two-digit number so a
renamed notebook still counts — and returns an :class:`ExecutiveSummary`: the scores with their
intervals and trend, what drives them, where the journey hurts, who the customers are, churn and
customer equity, what comments say, what the audit found, the outlook, and up to five
recommended actions (:func:`recommended_actions`), each with its expected impact and the
evidence behind it. Every sentence is a :class:`cxlab.findings.Finding`, so client text
(touchpoint, segment, theme and driver names) is escaped wherever the page is rendered.

Every read is defensive: a chapter that was skipped, failed or published a value of another
shape is left out and listed under "not covered" with its reason — the summary never raises on a
partial run, and says plainly when nothing supports a section.

How the five actions are chosen: the candidates below are tried in this order and each is kept
when its evidence is present; the first five kept are recommended.

1. **Fix the worst touchpoint** (chapters 02/03): expected impact = answers a year that would
   turn satisfied if the touchpoint reached the overall CSAT (gap in satisfied share × its n).
2. **Keep the customers at risk** (05, else 04's RFM segments): impact = value on the contact
   list × an assumed save rate of :data:`SAVE_RATE` (said as an assumption).
3. **Close the loop** (09, else 02's detractor share): follow up each flagged answer within the
   due date.
4. **Act on what customers talk about** (07's top negative theme, else 02's top driver).
5. **Correct the audit's findings** (08): high-severity findings or an offer parity ratio below
   the four-fifths rule's 0.8 (EEOC, 1978).
6. **Look after the best customers** (04's top-20 % or 06's top-decile value share).
7. **Lead customers over the biggest drop-off** (03).
8. **Staff and stock to the forecast** (09).

References
----------
.. [1] Equal Employment Opportunity Commission (1978). Uniform Guidelines on Employee Selection
   Procedures, 29 CFR § 1607.4(D) (the four-fifths rule).
.. [2] Reichheld, F. F., & Sasser, W. E. (1990). Zero defections: Quality comes to services.
   *Harvard Business Review*, 68(5), 105–111. (Why retention pays.)
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cxlab import present
from cxlab.findings import Finding, join, md, noun

__all__ = [
    "CHAPTER_TITLES",
    "SAVE_RATE",
    "ExecutiveSummary",
    "Recommendation",
    "executive_summary",
    "recommended_actions",
    "summary_markdown",
    "summary_page",
]

#: Share of at-risk customers a retention programme is assumed to keep (an assumption, stated).
SAVE_RATE = 0.2
#: Below this offer parity ratio an offer fails the four-fifths rule.
FOUR_FIFTHS = 0.8
#: Readable names of the chapters, by number, for "not covered" lines and evidence.
CHAPTER_TITLES = {
    "00": "About this data",
    "01": "Satisfaction metrics",
    "02": "Metrics in depth",
    "03": "Customer journey",
    "04": "Segmentation",
    "05": "Churn",
    "06": "Lifetime value and ROI",
    "07": "Voice of the customer",
    "08": "Ethics audit",
    "09": "Proactive service",
}


# ------------------------------------------------------------------------------ safe reads
def _num(x: Any) -> float | None:
    if isinstance(x, bool) or not isinstance(x, int | float):
        return None
    return float(x) if math.isfinite(x) else None


def _text(x: Any) -> str | None:
    return x if isinstance(x, str) and x.strip() else None


def _scored(x: Any, central: str = "value") -> dict | None:
    """Return a headline mapping with a numeric central value, or None."""
    if not isinstance(x, Mapping) or _num(x.get(central)) is None:
        return None
    return dict(x)


def _interval(x: Mapping, central: str = "value", *, share: bool = False) -> str:
    return present.score(
        x.get(central), _num(x.get("low")), _num(x.get("high")), _num(x.get("n")), share=share
    )


def _chapters(metrics: Mapping) -> dict[str, tuple[str, dict, str, str]]:
    """Chapter number → (name, headlines, status, reason)."""
    out: dict[str, tuple[str, dict, str, str]] = {}
    books = metrics.get("notebooks") if isinstance(metrics, Mapping) else None
    if not isinstance(books, Mapping):
        return out
    for name, entry in books.items():
        if not isinstance(name, str) or len(name) < 2 or not name[:2].isdigit():
            continue
        entry = entry if isinstance(entry, Mapping) else {}
        heads = entry.get("headlines")
        status = entry.get("status") if isinstance(entry.get("status"), str) else "ok"
        reason = entry.get("reason") if isinstance(entry.get("reason"), str) else ""
        out[name[:2]] = (name, dict(heads) if isinstance(heads, Mapping) else {}, status, reason)
    return out


class _Heads:
    """Look-ups into the chapters' headlines that never raise."""

    def __init__(self, metrics: Mapping):
        self.chapters = _chapters(metrics)

    def get(self, chapter: str, key: str) -> Any:
        entry = self.chapters.get(chapter)
        if entry is None or entry[2] != "ok":
            return None
        return entry[1].get(key)

    def ran(self, chapter: str) -> bool:
        entry = self.chapters.get(chapter)
        return entry is not None and entry[2] == "ok"


# ------------------------------------------------------------------------------ results
@dataclass(frozen=True)
class Recommendation:
    """One recommended action.

    Attributes
    ----------
    title : Finding
        What to do, in a few words.
    impact : Finding
        The expected impact, with any assumption stated.
    evidence : Finding
        The numbers it rests on.
    chapters : tuple of str
        The chapter numbers the evidence comes from.
    """

    title: Finding
    impact: Finding
    evidence: Finding
    chapters: tuple[str, ...]


@dataclass(frozen=True)
class ExecutiveSummary:
    """The executive summary's parts (see :func:`executive_summary`).

    Attributes
    ----------
    client : str
    sections : list of (str, list of Finding)
        Topic heading (ours) and its sentences, only topics with something to say.
    actions : list of Recommendation
        Up to five.
    not_covered : list of Finding
        One line per chapter that was skipped, failed or did not run.
    """

    client: str
    sections: list[tuple[str, list[Finding]]] = field(default_factory=list)
    actions: list[Recommendation] = field(default_factory=list)
    not_covered: list[Finding] = field(default_factory=list)

    @property
    def findings(self) -> list[Finding]:
        """Every sentence, in page order."""
        out = [f for _, fs in self.sections for f in fs]
        for a in self.actions:
            out += [a.title, a.impact, a.evidence]
        return out + self.not_covered

    def to_markdown(self) -> str:
        """Return the page as Markdown, client text escaped (see :func:`summary_markdown`)."""
        return summary_markdown(self)

    def _repr_markdown_(self) -> str:
        return self.to_markdown()


# ------------------------------------------------------------------------------ sections
def _scores(h: _Heads) -> list[Finding]:
    out = []
    names = {"nps": "NPS", "csat": "CSAT (share satisfied)", "ces": "CES (ease, mean)"}
    for key, label in names.items():
        s = _scored(h.get("01", key)) or _scored(h.get("02", key))
        if s is None:
            continue
        share = key == "csat"
        value = dict(s)
        if share:
            value = {k: (v / 100 if _num(v) is not None else v) for k, v in s.items()}
            value["n"] = s.get("n")
        text = _interval(value, share=share)
        change = h.get("02", f"{key}_change")
        trend = _trend(change)
        out.append(
            join(
                [md("**{label}**: {score}.", label=label, score=text)] + ([trend] if trend else [])
            )
        )
    if not out:
        return [Finding.unsupported("No satisfaction scores were computed for this data.")]
    return out


def _trend(change: Any) -> Finding | None:
    c = _scored(change, "difference")
    if c is None or _num(c.get("low")) is None or _num(c.get("high")) is None:
        return None
    periods = _periods(_text(c.get("periods")) or "the last two periods")
    moved = (
        "within what chance allows"
        if c["low"] <= 0 <= c["high"]
        else ("a real rise" if c["difference"] > 0 else "a real fall")
    )
    return md(
        "Change ({periods}): {diff} points ({low} to {high}), {moved}.",
        periods=periods,
        diff=present.signed(c["difference"], 1),
        low=present.signed(c["low"], 1),
        high=present.signed(c["high"], 1),
        moved=moved,
    )


def _drivers(h: _Heads) -> list[Finding]:
    out = []
    drivers = h.get("02", "top_drivers")
    if isinstance(drivers, list):
        named = [d for d in drivers if isinstance(d, Mapping) and _text(d.get("driver"))]
        named = [d for d in named if _num(d.get("weight")) is not None][:3]
        if named:
            parts = [
                md("{d} ({w:.0f}%)", d=present.label(d["driver"]).lower(), w=d["weight"])
                for d in named
            ]
            out.append(
                join(
                    [
                        md("What moves NPS most (share of the explained differences): "),
                        *_series(parts),
                        ".",
                    ],
                    sep="",
                )
            )
    churn = h.get("05", "top_drivers")
    if isinstance(churn, list) and any(_text(t) for t in churn):
        texts = [md("{t}", t=t) for t in churn if _text(t)][:3]
        out.append(join([md("What predicts churn: "), *_series(texts), "."], sep=""))
    return out


def _series(items: list) -> list:
    out: list = []
    for i, item in enumerate(items):
        if i:
            out.append(" and " if i == len(items) - 1 else ", ")
        out.append(item)
    return out


def _journey(h: _Heads) -> list[Finding]:
    out = []
    worst = _scored(h.get("02", "worst_touchpoint_csat")) or _scored(
        h.get("03", "worst_touchpoint")
    )
    if worst and _text(worst.get("touchpoint")):
        metric = str(worst.get("metric") or "csat").upper()
        share = metric == "CSAT"
        shown = {k: (v / 100 if share and _num(v) is not None else v) for k, v in worst.items()}
        shown["n"] = worst.get("n")
        out.append(
            md(
                "Worst touchpoint: **{tp}**, {metric} {score}.",
                tp=worst["touchpoint"],
                metric=metric,
                score=_interval(shown, share=share),
            )
        )
    drop = _scored(h.get("03", "biggest_drop_off"), "share")
    if drop and _text(drop.get("from")) and _text(drop.get("to")):
        out.append(
            md(
                "Customers lost at the journey's biggest drop-off, from {a} to {b}: {score}.",
                a=drop["from"],
                b=drop["to"],
                score=_interval(drop, "share", share=True),
            )
        )
    return out


def _segments(h: _Heads) -> list[Finding]:
    out = []
    top = _num(h.get("04", "top20_revenue_share"))
    if top is not None:
        out.append(md("The top 20% of buyers bring {s:.0%} of net revenue.", s=top))
    micro = h.get("04", "micro_segments")
    if isinstance(micro, Mapping) and isinstance(micro.get("segments"), Mapping):
        names = [n for n in micro["segments"] if _text(n)]
        if names:
            out.append(
                join(
                    [
                        md("Customer segments found: "),
                        *_series([md("{n}", n=n) for n in names[:4]]),
                        ".",
                    ],
                    sep="",
                )
            )
    unhappy = _text(h.get("04", "least_satisfied_segment"))
    if unhappy:
        out.append(md("Least satisfied segment: **{s}**.", s=unhappy))
    return out


_SMALL = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight"}
_SMALL |= {9: "nine", 10: "ten", 20: "twenty"}


def _in_words(k: int) -> str:
    """Write a small whole number in words, as a sentence reads it ("one in five").

    Examples
    --------
    >>> _in_words(5), _in_words(12)
    ('five', '12')
    """
    return _SMALL.get(k, str(k))


def _periods(text: str) -> str:
    """Write period labels as a reader says them: "2025Q4 vs 2025Q3" → "Q4 2025 against Q3 2025".

    Examples
    --------
    >>> _periods("2025Q4 vs 2025Q3")
    'Q4 2025 against Q3 2025'
    >>> _periods("2025-11 vs 2025-10")
    '2025-11 against 2025-10'
    """
    text = re.sub(r"\b(\d{4})Q([1-4])\b", r"Q\2 \1", text)
    return re.sub(r"\s+vs\.?\s+", " against ", text)


def _money(x: float, currency: str) -> str:
    return f"{present.number(x, 0)} {currency}".strip()


def _value(h: _Heads, currency: str) -> list[Finding]:
    out = []
    rate = _scored(h.get("05", "churn_rate"), "share")
    if rate:
        out.append(md("Churn rate: {s}.", s=_interval(rate, "share", share=True)))
    auc = _scored(h.get("05", "auc"))
    if auc:
        out.append(
            md("The churn model ranks leavers above stayers with AUC {s}.", s=_interval(auc))
        )
    n, v = _num(h.get("05", "contact_list_customers")), _num(h.get("05", "contact_list_value"))
    if n is not None and v is not None:
        out.append(
            md("Customers to contact first: {n:,.0f}, worth {v}.", n=n, v=_money(v, currency))
        )
    equity = _num(h.get("06", "customer_equity"))
    if equity is not None:
        out.append(
            md("Customer equity (the value of today's customers): {v}.", v=_money(equity, currency))
        )
    growth = _scored(h.get("06", "customer_equity_growth"), "share")
    if growth and _text(growth.get("from")) and _text(growth.get("to")):
        out.append(
            md(
                "Change in customer equity from {a} to {b}: {s}.",
                a=present.date(growth["from"]),
                b=present.date(growth["to"]),
                s=_interval(growth, "share", share=True),
            )
        )
    decile = _scored(h.get("06", "top_decile_value_share"), "share")
    if decile:
        out.append(
            md(
                "Share of customer equity held by the top 10% of customers: {s}.",
                s=_interval(decile, "share", share=True),
            )
        )
    return out


def _voice(h: _Heads) -> list[Finding]:
    out = []
    neg = _scored(h.get("07", "negative_comment_share"), "share")
    if neg:
        out.append(md("Negative comments: {s}.", s=_interval(neg, "share", share=True)))
    themes = _themes(h)
    if themes:
        parts = [md("{t}", t=t["theme"]) for t in themes[:3]]
        out.append(join([md("Top themes: "), *_series(parts), "."], sep=""))
    return out


def _themes(h: _Heads) -> list[dict]:
    themes = h.get("07", "top_themes")
    if not isinstance(themes, list):
        return []
    return [dict(t) for t in themes if isinstance(t, Mapping) and _text(t.get("theme"))]


def _audit(h: _Heads) -> list[Finding]:
    out = []
    found = h.get("08", "audit_findings")
    if isinstance(found, Mapping):
        counts = {k: int(_num(found.get(k)) or 0) for k in ("high", "medium", "low")}
        out.append(
            md(
                "Data and fairness audit: {high} high, {medium} medium and {low} low findings.",
                **counts,
            )
        )
    pii = _num(h.get("08", "pii_found"))
    if pii is not None:
        out.append(md("Personal details found in free text: {n:,.0f}.", n=pii))
    parity = _scored(h.get("08", "offer_parity_ratio"))
    if parity:
        verdict = "below" if parity["value"] < FOUR_FIFTHS else "at or above"
        out.append(
            md(
                "Offer parity ratio: {s}, {verdict} the {t} of the four-fifths rule.",
                s=_interval(parity),
                verdict=verdict,
                t=FOUR_FIFTHS,
            )
        )
    return out


def _outlook(h: _Heads) -> list[Finding]:
    out = []
    fc = h.get("09", "demand_forecast")
    if isinstance(fc, Mapping) and _num(fc.get("value")) is not None:
        history = _num(fc.get("n"))
        weeks = _num(fc.get("weeks")) or 13
        low, high = _num(fc.get("low")), _num(fc.get("high"))
        parts = [
            md(
                "Expected demand over the next {weeks:,.0f} weeks: about {v} {unit} a week",
                weeks=weeks,
                v=present.number(_num(fc.get("value")), 0),
                unit=_text(fc.get("unit")) or "orders",
            )
        ]
        if low is not None and high is not None:
            parts.append(
                md(
                    " (weekly range {lo} to {hi})",
                    lo=present.number(low, 0),
                    hi=present.number(high, 0),
                )
            )
        if history:
            parts.append(md(", forecast from {h:,.0f} weeks of history", h=history))
        out.append(join([*parts, "."], sep=""))
    q = _num(h.get("09", "follow_ups"))
    if q is not None:
        out.append(md("Customers waiting for a follow-up: {n:,.0f}.", n=q))
    return out


# ------------------------------------------------------------------------------ actions
def _act(title: Finding, impact: Finding, evidence: Finding, *chapters: str) -> Recommendation:
    return Recommendation(title, impact, evidence, tuple(chapters))


def _fix_touchpoint(h: _Heads, currency: str) -> Recommendation | None:
    worst = _scored(h.get("02", "worst_touchpoint_csat"))
    src = "02"
    if worst is None:
        worst, src = _scored(h.get("03", "worst_touchpoint")), "03"
        if worst and str(worst.get("metric", "csat")).lower() != "csat":
            worst = None
    overall = _scored(h.get("01", "csat"))
    if not worst or not _text(worst.get("touchpoint")):
        return None
    tp, n = worst["touchpoint"], _num(worst.get("n"))
    title = md("Fix the worst touchpoint: {tp}", tp=tp)
    evidence = md("{tp}: {a}% satisfied (n = {n:,.0f})", tp=tp, a=round(worst["value"]), n=n or 0)
    if overall and n:
        gap = max(overall["value"] - worst["value"], 0) / 100
        evidence = join([evidence, md("against {b}% overall.", b=round(overall["value"]))])
        impact = md(
            "Bringing it up to the overall level would turn about {k:,.0f} of its {n:,.0f} "
            "answers from not satisfied to satisfied.",
            k=gap * n,
            n=n,
        )
    else:
        impact = md("It scores lowest of all touchpoints; it is the first place to improve.")
    return _act(title, impact, evidence, src, "01")


def _retain(h: _Heads, currency: str) -> Recommendation | None:
    n, v = _num(h.get("05", "contact_list_customers")), _num(h.get("05", "contact_list_value"))
    rate = _scored(h.get("05", "churn_rate"), "share")
    if n is not None and v is not None and n > 0:
        evidence = md(
            "{n:,.0f} customers on the contact list, worth {v}", n=n, v=_money(v, currency)
        )
        if rate:
            evidence = join(
                [evidence, md("; churn rate {s}.", s=_interval(rate, "share", share=True))], sep=""
            )
        impact = md(
            "Keeping one in {k} of them (an assumed save rate) would protect about {v}.",
            k=_in_words(round(1 / SAVE_RATE)),
            v=_money(v * SAVE_RATE, currency),
        )
        return _act(md("Contact the customers most likely to leave"), impact, evidence, "05")
    segments = h.get("04", "rfm_segments")
    if isinstance(segments, Mapping):
        risky = [s for s in ("at risk", "can't lose them") if isinstance(segments.get(s), Mapping)]
        share = sum(_num(segments[s].get("share_of_revenue")) or 0 for s in risky)
        count = sum(_num(segments[s].get("customers")) or 0 for s in risky)
        if count > 0:
            evidence = md(
                "{n:,.0f} customers in the “at risk” and “can't lose them” groups carry "
                "{s:.0%} of revenue.",
                n=count,
                s=share,
            )
            impact = md(
                "Winning back one in {k} (an assumed save rate) would keep about {p:.1%} of "
                "revenue.",
                k=_in_words(round(1 / SAVE_RATE)),
                p=share * SAVE_RATE,
            )
            return _act(
                md("Win back valuable customers who stopped buying"), impact, evidence, "04"
            )
    return None


def _close_loop(h: _Heads, currency: str) -> Recommendation | None:
    q, value = _num(h.get("09", "follow_ups")), _num(h.get("09", "follow_up_value"))
    if q is not None and q > 0:
        evidence = md("{n:,.0f} customers with a poor recent answer", n=q)
        if value is not None:
            evidence = join(
                [evidence, md(", worth {v} in spend so far.", v=_money(value, currency))], sep=""
            )
        impact = md(
            "Each call within the due date turns a complaint into a recovery chance; a "
            "recovered complaint often leaves a customer more loyal than before."
        )
        return _act(md("Call back every unhappy customer"), impact, evidence, "09")
    groups = h.get("02", "nps_groups")
    if isinstance(groups, Mapping) and _num(groups.get("detractor")):
        evidence = md(
            "{s:.0%} of NPS answers are detractors (n = {n:,.0f}).",
            s=groups["detractor"],
            n=_num(groups.get("n")) or 0,
        )
        impact = md(
            "Following up detractors personally is the cheapest way to stop the "
            "word-of-mouth damage they do."
        )
        return _act(md("Call back every detractor"), impact, evidence, "02")
    return None


def _themes_or_driver(h: _Heads, currency: str) -> Recommendation | None:
    themes = _themes(h)
    if themes:
        t = themes[0]
        evidence = md("“{t}” is the top theme in negative comments", t=t["theme"])
        if _num(t.get("impact")) is not None:
            evidence = join(
                [
                    evidence,
                    md(
                        " (impact {s}).",
                        s=_interval(
                            {
                                "value": t["impact"],
                                "low": t.get("low"),
                                "high": t.get("high"),
                                "n": t.get("n"),
                            }
                        ),
                    ),
                ],
                sep="",
            )
        impact = md(
            "Fixing what customers complain about most, and telling them it is fixed, "
            "removes the most frequent reason for a poor answer."
        )
        return _act(md("Act on the top complaint theme: {t}", t=t["theme"]), impact, evidence, "07")
    drivers = h.get("02", "top_drivers")
    if isinstance(drivers, list):
        first = next(
            (
                d
                for d in drivers
                if isinstance(d, Mapping)
                and _text(d.get("driver"))
                and _num(d.get("weight")) is not None
            ),
            None,
        )
        if first:
            name = present.label(first["driver"]).lower()
            evidence = md(
                "{d} explains {w:.0f}% of the differences in NPS that the survey items explain.",
                d=name,
                w=first["weight"],
            )
            impact = md("Improving the strongest driver moves NPS more than any other item.")
            return _act(md("Improve {d}", d=name), impact, evidence, "02")
    return None


def _audit_action(h: _Heads, currency: str) -> Recommendation | None:
    found = h.get("08", "audit_findings")
    high = int(_num(found.get("high")) or 0) if isinstance(found, Mapping) else 0
    parity = _scored(h.get("08", "offer_parity_ratio"))
    unfair = parity is not None and parity["value"] < FOUR_FIFTHS
    if not high and not unfair:
        return None
    parts = []
    if high:
        parts.append(md("{n} high-severity audit {f}", n=high, f=noun(high, "finding")))
    if unfair:
        parts.append(md("an offer parity ratio of {s}", s=_interval(parity)))
    evidence = join([*_series(parts), "."], sep="")
    impact = md("Correcting them removes legal and reputational risk and treats customers alike.")
    return _act(md("Correct the audit's high-risk findings"), impact, evidence, "08")


def _best_customers(h: _Heads, currency: str) -> Recommendation | None:
    top = _num(h.get("04", "top20_revenue_share"))
    decile = _scored(h.get("06", "top_decile_value_share"), "share")
    if decile:
        evidence = md(
            "Share of customer value held by the top 10% of customers: {s}.",
            s=_interval(decile, "share", share=True),
        )
        share, who = decile["share"], "10%"
    elif top is not None:
        evidence = md("The top 20% of buyers bring {s:.0%} of net revenue.", s=top)
        share, who = top, "20%"
    else:
        return None
    impact = md(
        "Losing one in twenty of the top {who} would cost about {p:.1%} of revenue; a "
        "named contact for each of them guards against it.",
        who=who,
        p=share * 0.05,
    )
    return _act(
        md("Give the best customers a named contact"), impact, evidence, "06" if decile else "04"
    )


def _drop_off(h: _Heads, currency: str) -> Recommendation | None:
    drop = _scored(h.get("03", "biggest_drop_off"), "share")
    if not drop or not _text(drop.get("from")) or not _text(drop.get("to")):
        return None
    n = _num(drop.get("n")) or 0
    evidence = md(
        "{s} of customers who reach {a} never reach {b}.",
        s=_interval(drop, "share", share=True),
        a=drop["from"],
        b=drop["to"],
    )
    impact = md(
        "Moving one in ten of them on would add about {k:,.0f} customers at the next stage.",
        k=n * drop["share"] * 0.1,
    )
    return _act(
        md("Lead customers from {a} to {b}", a=drop["from"], b=drop["to"]), impact, evidence, "03"
    )


def _staff(h: _Heads, currency: str) -> Recommendation | None:
    fc = h.get("09", "demand_forecast")
    if not isinstance(fc, Mapping) or _num(fc.get("value")) is None:
        return None
    evidence = md(
        "Forecast {s} {unit} a week over the next {w} weeks.",
        s=_interval(fc),
        unit=_text(fc.get("unit")) or "orders",
        w=fc.get("weeks", 13),
    )
    skill = _num(fc.get("skill"))
    impact = (
        md(
            "Planning staff and stock on it cuts the weekly error by {p:.0%} against copying "
            "last year.",
            p=1 - skill,
        )
        if skill is not None and skill < 1
        else md("Plan staff and stock to the interval's upper end in peak weeks.")
    )
    return _act(md("Plan staff and stock to the demand forecast"), impact, evidence, "09")


_CANDIDATES = (
    _fix_touchpoint,
    _retain,
    _close_loop,
    _themes_or_driver,
    _audit_action,
    _best_customers,
    _drop_off,
    _staff,
)


def recommended_actions(
    metrics: Mapping, *, currency: str | None = None, limit: int = 5
) -> list[Recommendation]:
    """Up to ``limit`` recommended actions from a run's headlines (order in the module docstring).

    Parameters
    ----------
    metrics : mapping
        The run's ``metrics.json`` content.
    currency : str, optional
        For amounts; default the currency chapter 00 published.
    limit : int, default 5

    Returns
    -------
    list of Recommendation

    Examples
    --------
    >>> m = {
    ...     "notebooks": {
    ...         "03_journey_mapping": {
    ...             "status": "ok",
    ...             "headlines": {
    ...                 "biggest_drop_off": {
    ...                     "from": "service",
    ...                     "to": "loyalty",
    ...                     "share": 0.4,
    ...                     "low": 0.35,
    ...                     "high": 0.45,
    ...                     "n": 1000,
    ...                 }
    ...             },
    ...         }
    ...     }
    ... }
    >>> [a.title.text for a in recommended_actions(m)]
    ['Lead customers from service to loyalty']
    """
    h = _Heads(metrics)
    cur = currency or _text(h.get("00", "currency")) or ""
    out = []
    for build in _CANDIDATES:
        try:
            found = build(h, cur)
        except (TypeError, ValueError, KeyError, AttributeError):
            found = None  # a value of an unexpected shape: leave the action out
        if found is not None:
            out.append(found)
        if len(out) == limit:
            break
    return out


def _not_covered(h: _Heads) -> list[Finding]:
    out = []
    for number, title in CHAPTER_TITLES.items():
        entry = h.chapters.get(number)
        if entry is None:
            if number == "09":
                continue
            out.append(md("{t}: not run in this report.", t=title))
        elif entry[2] != "ok":
            word = "not covered" if entry[2] == "skipped" else "could not be completed"
            reason = entry[3] or "no reason recorded"
            out.append(md("{t}: {w} ({r}).", t=title, w=word, r=reason))
    return out


def executive_summary(
    metrics: Mapping, *, client: str | None = None, currency: str | None = None
) -> ExecutiveSummary:
    """Build the executive summary from a run's ``metrics.json`` content.

    Parameters
    ----------
    metrics : mapping
        The run's ``metrics.json`` (``notebooks.<name>.status``/``reason``/``headlines``).
    client : str, optional
        The client's name; default ``client.name`` in ``metrics``.
    currency : str, optional
        Default: the currency chapter 00 published.

    Returns
    -------
    ExecutiveSummary
        Never raises on missing or oddly shaped chapters; they are left out and listed.

    Examples
    --------
    >>> s = executive_summary(
    ...     {
    ...         "notebooks": {
    ...             "01_satisfaction_metrics": {
    ...                 "status": "ok",
    ...                 "headlines": {"nps": {"value": 21.0, "low": 15.4, "high": 26.4, "n": 738}},
    ...             }
    ...         }
    ...     }
    ... )
    >>> s.sections[0][1][0].text
    'NPS: 21 (15 to 26), n = 738.'
    """
    metrics = metrics if isinstance(metrics, Mapping) else {}
    h = _Heads(metrics)
    info = metrics.get("client")
    name = client or (info.get("name") if isinstance(info, Mapping) else None) or ""
    cur = currency or _text(h.get("00", "currency")) or ""
    sections = []
    for title, build in (
        ("How satisfied customers are", lambda: _scores(h)),
        ("What drives it", lambda: _drivers(h)),
        ("Where the journey hurts", lambda: _journey(h)),
        ("Who the customers are", lambda: _segments(h)),
        ("Churn and customer value", lambda: _value(h, cur)),
        ("What customers say", lambda: _voice(h)),
        ("Data, privacy and fairness", lambda: _audit(h)),
        ("Outlook", lambda: _outlook(h)),
    ):
        try:
            found = build()
        except (TypeError, ValueError, KeyError, AttributeError):
            found = []
        if found:
            sections.append((title, found))
    return ExecutiveSummary(
        client=str(name),
        sections=sections,
        actions=recommended_actions(metrics, currency=cur),
        not_covered=_not_covered(h),
    )


def summary_markdown(summary: ExecutiveSummary) -> str:
    """Return the executive summary as Markdown, every value escaped by :mod:`cxlab.findings`.

    Examples
    --------
    >>> s = ExecutiveSummary(
    ...     "A",
    ...     actions=[Recommendation(md("Fix {t}", t="<b>x</b>"), md("big"), md("n = 3"), ("02",))],
    ... )
    >>> "&#60;b&#62;" in summary_markdown(s) and "<b>" not in summary_markdown(s)
    True
    """
    lines: list[str] = []
    if summary.actions:
        lines.append(
            "### Five things to do next" if len(summary.actions) == 5 else "### What to do next"
        )
        for i, a in enumerate(summary.actions, 1):
            src = ", ".join(CHAPTER_TITLES.get(c, c) for c in a.chapters)
            lines.append(
                f"{i}. **{a.title.to_markdown()}.** {a.impact.to_markdown()} "
                f"*Evidence:* {a.evidence.to_markdown()} *Source:* {src}."
            )
        if len(summary.actions) < 5:
            lines.append("")
            lines.append(
                f"The data support {len(summary.actions)} recommended action"
                f"{'s' if len(summary.actions) != 1 else ''} rather than five; the chapters "
                "not covered below would add evidence for more."
            )
        lines.append("")
    else:
        lines += ["No chapter produced the evidence a recommended action needs.", ""]
    for title, found in summary.sections:
        lines.append(f"### {title}")
        lines += [f"- {f.to_markdown()}" for f in found]
        lines.append("")
    if summary.not_covered:
        lines.append("### Not covered")
        lines += [f"- {f.to_markdown()}" for f in summary.not_covered]
    return "\n".join(lines).strip() + "\n"


def summary_page(metrics: Mapping) -> str:
    """Return the executive summary of a run as Markdown: what ``cxlab run`` puts first.

    Chapter 09's notebook names this function in its metadata (``"cxlab": {"summary":
    "cxlab.actions:summary_page"}``), and the runner calls it with the run's ``metrics.json``
    content once every chapter has run.

    Examples
    --------
    >>> summary_page({}).splitlines()[0]
    'No chapter produced the evidence a recommended action needs.'
    """
    return executive_summary(metrics).to_markdown()
