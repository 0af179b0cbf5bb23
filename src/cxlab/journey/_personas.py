"""Personas from the data: the largest groups of one attribute, by who they are and what they do.

A persona (Cooper, 1999) is a composite character standing for a group of real customers.
Here it is grounded in data: the largest groups of one attribute every client records (say,
the acquisition channel) are described by their other attributes (the *profile*) and by their
own journey map (the *behaviour* and *feeling*: how far they get, how busy they are, how they
rate the touchpoints). Attributes that ``cxlab.yml`` marks as sensitive are never used, neither
to form personas nor to describe them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from cxlab import present
from cxlab.findings import Finding, join
from cxlab.journey._findings import _label, _names, _score_text
from cxlab.journey._map import JourneyMap, journey_map
from cxlab.journey._stages import resolve_stages, stages_of
from cxlab.metrics import SMALL_N

__all__ = [
    "Personas",
    "persona_cards",
    "persona_finding",
    "persona_gap_finding",
    "persona_scores",
    "personas",
]

#: Column added to events and answers to carry each customer's persona.
PERSONA = "persona"


@dataclass(frozen=True)
class Personas:
    """The personas of a bundle; see :func:`personas`.

    Parameters
    ----------
    by : str
        The customers column the personas are groups of.
    names : tuple of str
        The personas, largest group first.
    map : JourneyMap or None
        One journey map per persona (``by="persona"``).
    customers : pandas.DataFrame or None
        The customers table.
    stages : tuple of str
        The stages in journey order.
    metric : str or None
        The score the persona maps carry.
    sensitive : tuple of str
        Sensitive attributes of the customers table, left out of the personas.
    reason : Finding or None
        Why there are no personas, as an unsupported finding (None when there are).
    """

    by: str
    names: tuple[str, ...] = ()
    map: JourneyMap | None = None
    customers: pd.DataFrame | None = None
    stages: tuple[str, ...] = ()
    metric: str | None = None
    sensitive: tuple[str, ...] = ()
    reason: Finding | None = None

    @property
    def available(self) -> bool:
        """Whether there are personas to show."""
        return self.reason is None

    def funnel(self, name: str) -> pd.DataFrame | None:
        """Return the funnel of one persona (None when the persona has no events)."""
        if self.map is None or name not in self.map.funnel.index.get_level_values(0):
            return None
        return self.map.funnel.loc[name]


def _reach(p: Personas, name: str, stage: str) -> float:
    """Share of a persona's customers in the journey who reached ``stage`` or a later one."""
    f = p.funnel(name)
    if f is None or not f["customers"].iloc[0]:
        return np.nan
    return float(f.loc[stage, "customers"] / f["customers"].iloc[0])


def personas(
    bundle: Any,
    *,
    by: str = "channel",
    n: int = 3,
    stages: Sequence[str] | str | None = None,
    metric: str = "csat",
    min_n: int = 5,
) -> Personas:
    """Form personas from the ``n`` largest groups of a customer attribute, with a map for each.

    Every customer's group (``by`` in the customers table) is added to their events and survey
    answers as a ``persona`` column — a column of its own, because the events and answers may
    have a column of the same name that means something else (the channel of an event, say) —
    and :func:`cxlab.journey.journey_map` draws one map per persona.

    Parameters
    ----------
    bundle : cxlab.Bundle
        The client's data: customers, events (with touchpoints) and, optionally, answers that
        name a touchpoint.
    by : str, default "channel"
        The customers column whose largest groups become the personas.
    n : int, default 3
        How many personas.
    stages : sequence of str, "infer" or None
        The stages in journey order.
    metric : {"csat", "ces", "nps"}, default "csat"
        The score of the persona maps.
    min_n : int, default 5
        Fewest answers for a touchpoint to be scored within a persona.

    Returns
    -------
    Personas
        With ``reason`` set, and no personas, when the bundle cannot support them: no customers
        table, no ``by`` column, ``by`` marked sensitive, no touchpoints in the events, or no
        customer with a value of ``by``.

    References
    ----------
    .. [1] Cooper, A. (1999). *The Inmates Are Running the Asylum*. Sams.

    Examples
    --------
    >>> from pathlib import Path
    >>> from cxlab.contract import Bundle, BundleConfig
    >>> customers = pd.DataFrame(
    ...     {"customer_id": ["a", "b", "c"], "channel": ["web", "web", "shop"]}
    ... )
    >>> events = pd.DataFrame(
    ...     {
    ...         "customer_id": ["a", "b", "c"],
    ...         "timestamp": pd.to_datetime(["2024-01-01"] * 3),
    ...         "stage": ["purchase"] * 3,
    ...         "touchpoint": ["checkout"] * 3,
    ...     }
    ... )
    >>> b = Bundle(Path("demo"), BundleConfig(), customers=customers, events=events)
    >>> personas(b, n=2).names
    ('web', 'shop')
    """
    customers = getattr(bundle, "customers", None)
    events = bundle.events
    sensitive = tuple(str(s) for s in getattr(bundle.config, "sensitive", ()) or ())
    names = tuple(resolve_stages(stages_of(bundle.config) if stages is None else stages, events))
    base = {"by": by, "stages": names, "metric": metric, "customers": customers}
    present = tuple(s for s in sensitive if customers is not None and s in customers)
    base["sensitive"] = present
    if customers is None:
        reason = Finding.unsupported(
            "There are no personas: the bundle has no customers table to describe customers by."
        )
    elif by not in customers:
        reason = Finding.unsupported(
            "There are no personas: the customers table has no column **{by}**; choose one of "
            "its columns as the persona attribute.",
            by=by,
        )
    elif by in sensitive:
        reason = Finding.unsupported(
            "There are no personas: **{by}** is marked sensitive in cxlab.yml, and sensitive "
            "attributes are not used to group customers into personas.",
            by=by,
        )
    elif "touchpoint" not in events or not events["touchpoint"].notna().any():
        reason = Finding.unsupported(
            "There are no personas: the events name no touchpoints, so there is no journey to "
            "describe them by."
        )
    else:
        reason = None
    if reason is not None:
        return Personas(**base, reason=reason)
    persona_of = customers.dropna(subset=[by]).drop_duplicates("customer_id")
    persona_of = persona_of.set_index("customer_id")[by].astype("str")
    largest = tuple(persona_of.value_counts().head(n).index.tolist())
    if not largest:
        reason = Finding.unsupported(
            "There are no personas: no customer has a value of **{by}**.", by=by
        )
        return Personas(**base, reason=reason)
    tag = {PERSONA: lambda df: df["customer_id"].map(persona_of)}
    responses = bundle.responses
    tagged = dataclasses.replace(
        bundle,
        events=events.assign(**tag),
        responses=None if responses is None else responses.assign(**tag),
    )
    pmap = journey_map(tagged, by=PERSONA, stages=names, metrics=[metric], min_n=min_n)
    return Personas(**base, names=largest, map=pmap)


def persona_cards(p: Personas, *, watch: str) -> pd.DataFrame:
    """Build the persona card: one column per persona, its profile, behaviour and feeling.

    *Profile* rows give the most common value of each descriptive attribute of the customers
    table (text columns with 3 to 12 distinct values, sensitive ones left out) and its share
    within the persona. *Behaviour* rows come from the persona's funnel and map: the share
    reaching ``watch`` and the last stage, events per customer, the busiest touchpoint.
    *Feeling* rows give the persona's score over all its touchpoint answers and its lowest
    touchpoint, when the persona map carries the score.

    Parameters
    ----------
    p : Personas
        Output of :func:`personas`.
    watch : str
        A stage whose reach to show (e.g. ``"purchase"``).

    Returns
    -------
    pandas.DataFrame
        Rows as described, one column per persona, cells as text; empty without personas.

    Examples
    --------
    >>> from pathlib import Path
    >>> from cxlab.contract import Bundle, BundleConfig
    >>> customers = pd.DataFrame(
    ...     {"customer_id": ["a", "b", "c"], "channel": ["web", "web", "shop"]}
    ... )
    >>> events = pd.DataFrame(
    ...     {
    ...         "customer_id": ["a", "a", "b", "c"],
    ...         "timestamp": pd.to_datetime(
    ...             ["2024-01-01", "2024-01-02", "2024-01-01", "2024-01-01"]
    ...         ),
    ...         "stage": ["awareness", "purchase", "awareness", "awareness"],
    ...         "touchpoint": ["ad", "checkout", "ad", "ad"],
    ...     }
    ... )
    >>> p = personas(Bundle(Path("demo"), BundleConfig(), customers=customers, events=events))
    >>> persona_cards(p, watch="purchase").loc["behaviour: reached purchase"].tolist()
    ['50%', '0%']
    """
    if not p.available or p.customers is None or p.map is None:
        return pd.DataFrame()
    customers = p.customers
    skip = {"customer_id", p.by, *p.sensitive}
    profile = [
        c
        for c in customers.columns
        if c not in skip
        and not pd.api.types.is_numeric_dtype(customers[c])
        and not pd.api.types.is_bool_dtype(customers[c])
        and not pd.api.types.is_datetime64_any_dtype(customers[c])
        and 3 <= customers[c].nunique() <= 12
    ]
    last = p.stages[-1]
    metric = p.metric
    cards = {}
    for name in p.names:
        members = customers[customers[p.by].astype("str") == name]
        card = {"customers": f"{len(members):,} ({len(members) / len(customers):.0%} of all)"}
        for c in profile:
            top = members[c].value_counts(normalize=True)
            text = f"{top.index[0]} ({top.iloc[0]:.0%})" if len(top) else "—"
            card[f"profile: {present.term(c)}"] = text
        funnel = p.funnel(name)
        if funnel is None:
            cards[name] = card
            continue
        table = p.map.table.loc[name]
        first = funnel["customers"].iloc[0]
        card[f"behaviour: reached {watch}"] = f"{_reach(p, name, watch):.0%}"
        card[f"behaviour: reached {last}"] = f"{_reach(p, name, last):.0%}"
        card["behaviour: events per customer"] = f"{table['events'].sum() / first:.1f}"
        card["behaviour: busiest touchpoint"] = _label(table["customers"].idxmax()[1])
        if metric in p.map.metrics and table[metric].notna().any():
            score = p.map.overall.loc[(name, metric)]
            worst = table[metric].idxmin()
            card[f"feeling: {metric.upper()} of their answers"] = (
                f"{_score_text(score['value'], metric)} (n {int(score['n']):,})"
            )
            card["feeling: lowest touchpoint"] = (
                f"{_label(worst[1])} ({_score_text(table.loc[worst, metric], metric)})"
            )
        cards[name] = card
    return pd.DataFrame(cards)


def persona_finding(p: Personas) -> Finding:
    """State how much of the customer base the personas cover and which gets furthest.

    Parameters
    ----------
    p : Personas
        Output of :func:`personas`.

    Returns
    -------
    Finding
        The share of customers the personas cover, the persona that reaches the last stage
        most often and the one that reaches it least often (ties said as such), any persona
        with fewer than 30 customers in the journey, and the sensitive attributes left out.
        Unsupported without personas, saying why.

    Examples
    --------
    >>> from pathlib import Path
    >>> from cxlab.contract import Bundle, BundleConfig
    >>> customers = pd.DataFrame(
    ...     {"customer_id": ["a", "b", "c"], "channel": ["web", "web", "shop"]}
    ... )
    >>> events = pd.DataFrame(
    ...     {
    ...         "customer_id": ["a", "a", "b", "c"],
    ...         "timestamp": pd.to_datetime(
    ...             ["2024-01-01", "2024-01-02", "2024-01-01", "2024-01-01"]
    ...         ),
    ...         "stage": ["awareness", "loyalty", "awareness", "awareness"],
    ...         "touchpoint": ["ad", "review", "ad", "ad"],
    ...     }
    ... )
    >>> p = personas(Bundle(Path("demo"), BundleConfig(), customers=customers, events=events))
    >>> print(persona_finding(p).text)  # doctest: +NORMALIZE_WHITESPACE
    The 2 largest channel groups cover 100% of the customers. The *web* persona reaches
    loyalty most often (50%), the *shop* persona least often (0%). Few customers stand
    behind web (2) and shop (1), so their shares are rough. Sensitive attributes left out of
    the cards: none.
    """
    if not p.available or p.customers is None:
        return p.reason or Finding.unsupported("There are no personas.")
    last = p.stages[-1]
    known = p.customers.dropna(subset=[p.by])[p.by].astype("str")
    covered = float(known.isin(p.names).sum() / len(p.customers)) if len(p.customers) else 0.0
    opening = (
        "The {k} largest {by} groups cover {covered:.0%} of the customers."
        if len(p.names) > 1
        else "The largest {by} group covers {covered:.0%} of the customers."
    )
    parts = [Finding(opening, {"k": len(p.names), "by": p.by, "covered": covered})]
    reach = {name: _reach(p, name, last) for name in p.names}
    reach = {k: v for k, v in reach.items() if not np.isnan(v)}
    if len(reach) == 1:
        ((name, share),) = reach.items()
        parts.append(
            Finding(
                "The *{name}* persona reaches {last} in {share:.0%} of cases.",
                {"name": name, "last": _label(last), "share": share},
            )
        )
    elif len(reach) > 1:
        best, worst = max(reach.values()), min(reach.values())
        if best == 0:
            parts.append(Finding("No persona reaches {last}.", {"last": _label(last)}))
        elif np.isclose(best, worst):
            parts.append(
                Finding(
                    ("Both" if len(reach) == 2 else "All {k}")
                    + " personas reach {last} equally often ({share:.0%}).",
                    {"k": len(reach), "last": _label(last), "share": best},
                )
            )
        else:
            tops = [k for k, v in reach.items() if np.isclose(v, best)]
            lows = [k for k, v in reach.items() if np.isclose(v, worst)]
            parts.append(
                Finding(
                    "The *{best}* persona{s1} {verb1} {last} most often ({high:.0%}), the "
                    "*{worst}* persona{s2} least often ({low:.0%}).",
                    {
                        "best": _names(tops, label=False),
                        "s1": "s" if len(tops) > 1 else "",
                        "verb1": "reach" if len(tops) > 1 else "reaches",
                        "last": _label(last),
                        "high": best,
                        "worst": _names(lows, label=False),
                        "s2": "s" if len(lows) > 1 else "",
                        "low": worst,
                    },
                    numbers={"reach": reach},
                )
            )
    small = {
        name: int(f["customers"].iloc[0]) for name in p.names if (f := p.funnel(name)) is not None
    }
    small = {k: v for k, v in small.items() if v < SMALL_N}
    if small:
        parts.append(
            Finding(
                "Few customers stand behind {who}, so {their} shares are rough.",
                {
                    "who": _names([f"{k} ({v})" for k, v in small.items()], label=False),
                    "their": "their" if len(small) > 1 else "its",
                },
            )
        )
    parts.append(
        Finding(
            "Sensitive attributes left out of the cards: {left_out}.",
            {"left_out": ", ".join(present.term(str(s)) for s in sorted(p.sensitive)) or "none"},
        )
    )
    return join(parts)


def persona_scores(p: Personas) -> pd.DataFrame:
    """Each scored touchpoint's score per persona, with its n and a mark for its flag.

    ▼ marks a pain point within that persona's journey, ▲ a moment of delight.

    Parameters
    ----------
    p : Personas
        Output of :func:`personas`.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``(stage, touchpoint)``, one column per persona, cells as text ("68% (n 76)
        ▲"); empty without personas or scores.
    """
    metric = p.metric
    if not p.available or p.map is None or metric not in p.map.metrics:
        return pd.DataFrame()
    t = p.map.table.loc[list(p.names)].dropna(subset=[metric])
    if t.empty:
        return pd.DataFrame()
    mark = t["pain_point"].map({True: " ▼", False: ""}) + t["delight"].map({True: " ▲", False: ""})
    text = [_score_text(v, metric) for v in t[metric]]
    cell = (
        pd.Series(text, index=t.index)
        + " (n "
        + t[f"{metric}_n"].astype(int).astype(str)
        + ")"
        + mark
    )
    return cell.unstack(PERSONA).reindex(columns=list(p.names))


def persona_gap_finding(p: Personas) -> Finding:
    """State the touchpoint where the personas' scores lie furthest apart.

    The gap is descriptive — the lowest and the highest persona score at one touchpoint, each
    with its n — not a test; the pain points and delights within each persona's journey are the
    tested statements.

    Parameters
    ----------
    p : Personas
        Output of :func:`personas`.

    Returns
    -------
    Finding
        Unsupported without personas, without scores, or when no touchpoint is scored for two
        personas or more.
    """
    metric = p.metric
    if not p.available or p.map is None:
        return p.reason or Finding.unsupported("There are no personas.")
    if metric not in p.map.metrics:
        return Finding.unsupported(
            "The persona maps carry no scores, so there is no gap to compare."
        )
    t = p.map.table.loc[list(p.names)]
    spread = t[metric].unstack(PERSONA).reindex(columns=list(p.names))
    counts = t[f"{metric}_n"].unstack(PERSONA).reindex(columns=list(p.names))
    spread = spread[spread.notna().sum(axis=1) >= 2]
    if spread.empty:
        return Finding.unsupported(
            "No touchpoint has enough answers from two personas or more, so the personas cannot "
            "be compared touchpoint by touchpoint."
        )
    gaps = spread.max(axis=1) - spread.min(axis=1)
    if not gaps.max() > 0:
        return Finding("The personas score alike at every touchpoint scored for more than one.", {})
    at = gaps.idxmax()
    row = spread.loc[at]
    lo, hi = row.idxmin(), row.idxmax()
    return Finding(
        "The personas differ most at **{tp}**: from {low} ({lo}, n {n_lo}) to {high} ({hi}, n "
        "{n_hi}).",
        {
            "tp": _label(at[1]),
            "low": _score_text(row[lo], metric),
            "lo": lo,
            "n_lo": int(counts.loc[at, lo]),
            "high": _score_text(row[hi], metric),
            "hi": hi,
            "n_hi": int(counts.loc[at, hi]),
        },
        numbers={"touchpoint": at[1], "gap": float(gaps.max()), "low": lo, "high": hi},
    )
