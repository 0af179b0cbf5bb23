"""Findings of a segmentation: the sentences the chapter states, true for any client's data.

Each function reads a result of :mod:`cxlab.segmentation` (an RFM table, a
:class:`~cxlab.segmentation.Segmentation`, a fitted
:class:`~cxlab.segmentation.MicroSegmenter`, a summary table, co-purchase rules, satisfaction by
segment) and returns a :class:`cxlab.findings.Finding`: the sentence, the numbers it rests on
(``facts``), and whether the data support it. Segment, product and attribute names are client
text and are only ever values of the finding, so they show escaped wherever it is rendered.

A finding is **not supported** (``supported`` is False, and the sentence says why) when:

* there is nothing to say: no buyers, no rules, no answers;
* the sample is small: fewer than :data:`MIN_N` (30) customers, baskets or answers — the usual
  rule of thumb below which shares and means move a lot from one customer to the next;
* the result is degenerate: one segment holds :data:`DOMINANT_SHARE` (90 %) or more of the
  customers (no real split), two segments get the same name (they differ on features the
  name leaves out), no number of clusters is stable, or the silhouette is at most
  :data:`WEAK_SILHOUETTE` (0.25), which Kaufman & Rousseeuw (1990) read as "no substantial
  structure";
* the pattern is absent: no co-purchase rule has a lift above 1 (a pair bought together no
  more often than chance is not a link), or a playbook match rests on no feature at all.

References
----------
.. [1] Kaufman, L., & Rousseeuw, P. J. (1990). *Finding Groups in Data: An Introduction to
   Cluster Analysis*. New York: Wiley. (Silhouette widths of 0.25 or less: no substantial
   structure.)
.. [2] Hubert, L., & Arabie, P. (1985). Comparing partitions. *Journal of Classification*,
   2(1), 193–218.
.. [3] Brin, S., Motwani, R., Ullman, J. D., & Tsur, S. (1997). Dynamic itemset counting and
   implication rules for market basket data. *Proceedings of ACM SIGMOD*, 255–264. (Lift.)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import adjusted_rand_score

from cxlab import present
from cxlab.findings import Finding, join, md
from cxlab.segmentation._industry import FeatureChoice, industry_key
from cxlab.segmentation._personalize import INDUSTRIES
from cxlab.segmentation._strategies import Segmentation

__all__ = [
    "DOMINANT_SHARE",
    "MIN_N",
    "SILHOUETTE_MARGIN",
    "WEAK_SILHOUETTE",
    "clusters_finding",
    "feature_choice_finding",
    "industry_finding",
    "loyalty_finding",
    "micro_segments_finding",
    "planted_truth_finding",
    "plays_finding",
    "rfm_finding",
    "rfm_segments_finding",
    "rules_finding",
    "satisfaction_finding",
    "strategy_finding",
    "value_finding",
]

#: Fewest customers, baskets or answers a finding rests on.
MIN_N = 30
#: Share of customers above which one segment "holds nearly everyone".
DOMINANT_SHARE = 0.9
#: Silhouette at or below which a clustering shows no substantial structure.
WEAK_SILHOUETTE = 0.25
#: Silhouette difference below which two numbers of segments are not told apart. The mean
#: silhouette of a 2,000-customer sample (what :class:`~cxlab.segmentation.MicroSegmenter`
#: scores) moved by a standard deviation of about 0.005 between samples of one synthetic
#: shop, so a gap under 0.02 (four such deviations) is within what another sample or seed
#: could reverse.
SILHOUETTE_MARGIN = 0.02

_NUMBERED = re.compile(r" \((\d+)\)$")  # the " (2)" that name_segments adds to a repeated name


# ------------------------------------------------------------------------------ helpers
def _finding(parts: Sequence[Finding | str], *, supported: bool, **numbers: Any) -> Finding:
    """One finding from its sentences, with the given support and numbers."""
    return replace(join(list(parts)), supported=supported, numbers=numbers)


def _quoted(names: Sequence[Any]) -> str:
    """Quote names as one value: ``“a”``, ``“a” and “b”``, ``“a”, “b” and “c”``."""
    q = [f"“{n}”" for n in names]
    return q[0] if len(q) == 1 else ", ".join(q[:-1]) + " and " + q[-1]


def _tied(values: pd.Series, best: float) -> list[Any]:
    """Labels whose value equals ``best`` (within floating-point noise), in order."""
    return list(values.index[np.isclose(values.to_numpy(dtype=float), best, rtol=1e-12)])


def _degenerate(sizes: pd.Series) -> list[Finding]:
    """Sentences for one segment holding nearly everyone and for repeated names.

    ``sizes`` is customers per segment name.
    """
    out = []
    total = float(sizes.sum())
    if total > 0 and len(sizes) and sizes.max() / total >= DOMINANT_SHARE:
        out.append(
            md(
                "One segment, “{name}”, holds {share:.0%} of the customers — nearly everyone — "
                "so this is no real split of the customer base: treat the other segments as "
                "exceptions, not as groups to plan for.",
                name=sizes.idxmax(),
                share=sizes.max() / total,
            )
        )
    base: dict[str, list[str]] = {}
    for name in map(str, sizes.index):
        base.setdefault(_NUMBERED.sub("", name), []).append(name)
    for stem, shown in base.items():
        if len(shown) > 1:
            out.append(
                md(
                    "{count} segments get the same name, “{stem}” (shown as {shown}): they "
                    "differ on features the name leaves out, so read their profiles before "
                    "treating them differently.",
                    count="Two" if len(shown) == 2 else str(len(shown)),
                    stem=stem,
                    shown=_quoted(shown),
                )
            )
    return out


def _too_few(n: int, what: str, consequence: str) -> Finding:
    return Finding.unsupported(
        "Only {n:,} {what}: " + consequence + " (at least {min_n} are needed).",
        n=n,
        what=what,
        min_n=MIN_N,
    )


def _money(value: float, currency: str) -> str:
    return f"{value:,.0f} {currency}".strip()


# ------------------------------------------------------------------------------ industry
def industry_finding(industry: str | None) -> Finding:
    """Say which industry playbook applies, or in one line what would enable it.

    Parameters
    ----------
    industry : str or None
        The bundle's industry (``bundle.config.industry``, or a notebook's override).

    Returns
    -------
    Finding
        Supported when the industry has a playbook; otherwise the sentence says what to set
        in ``cxlab.yml``.

    Examples
    --------
    >>> print(industry_finding("saas").text)  # doctest: +NORMALIZE_WHITESPACE
    Industry: saas, which segments mainly by needs (company size, sector, the functions
    required) and value (plan tier, usage).
    >>> industry_finding(None).supported
    False
    """
    key = industry_key(industry)
    if key is not None:
        return md(
            "Industry: **{key}**, which segments mainly by {criteria}.",
            key=key,
            criteria=INDUSTRIES[key],
        )
    known = ", ".join(INDUSTRIES)
    if not industry:
        return Finding.unsupported(
            "The bundle's cxlab.yml names no industry, so the segments are clustered on general "
            "purchase features and not matched to a playbook; add `industry: ecommerce` (or "
            "{known}) to cxlab.yml to use them.",
            known=", ".join(list(INDUSTRIES)[1:]),
        )
    return Finding.unsupported(
        "There is no playbook for the industry “{industry}” (there is one for {known}), so the "
        "segments are clustered on general purchase features and not matched to a playbook.",
        industry=industry,
        known=known,
    )


def feature_choice_finding(choice: FeatureChoice) -> Finding:
    """Say which features the clustering uses and why.

    Parameters
    ----------
    choice : FeatureChoice
        From :func:`~cxlab.segmentation.clustering_features`.

    Returns
    -------
    Finding
        Always supported (it describes a choice); facts: ``customers``, ``features``.

    Examples
    --------
    >>> c = FeatureChoice(("price_per_unit", "units_per_line"), "industry", "ecommerce", 1767)
    >>> print(feature_choice_finding(c).text)  # doctest: +NORMALIZE_WHITESPACE
    Clustered 1,767 customers on the features that set ecommerce customers apart:
    price per unit, units per line.
    """
    values = {"n": choice.n_customers, "columns": ", ".join(map(present.term, choice.columns))}
    if choice.source == "requested":
        parts = [md("Clustered {n:,} customers on the features asked for: {columns}.", **values)]
    elif choice.source == "industry":
        parts = [
            md(
                "Clustered {n:,} customers on the features that set {industry} customers apart: "
                "{columns}.",
                industry=industry_key(choice.industry),
                **values,
            )
        ]
    else:
        parts = [md("Clustered {n:,} customers on general purchase features: {columns}.", **values)]
    if choice.missing:
        parts.append(
            md(
                "This bundle has no feature {missing}.",
                missing=", ".join(map(present.term, choice.missing)),
            )
        )
    return _finding(
        parts, supported=True, customers=choice.n_customers, features=list(choice.columns)
    )


# ------------------------------------------------------------------------------ RFM
def rfm_finding(table: pd.DataFrame, *, by_hand: pd.DataFrame | None = None) -> Finding:
    """Read the R × F grid: how many customers are recent and frequent, how many bought rarely.

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`~cxlab.segmentation.rfm`.
    by_hand : pandas.DataFrame, optional
        ``recency``, ``frequency`` and ``monetary`` by customer id, computed by hand; the
        finding then first says for how many customers the two agree.

    Returns
    -------
    Finding
        Facts: ``customers``, ``recent_and_frequent`` (both scores in the top two),
        ``lowest_frequency`` (frequency score 1) and, with ``by_hand``, ``agree``. Not
        supported without buyers or with fewer than :data:`MIN_N`.

    Examples
    --------
    >>> t = pd.DataFrame(
    ...     {"r_score": [5, 4, 1, 2] * 10, "f_score": [5, 4, 1, 1] * 10, "monetary": 1.0},
    ...     index=[f"C{i}" for i in range(40)],
    ... )
    >>> t.attrs.update(asof="2025-01-01", notes=[])
    >>> print(rfm_finding(t).text)  # doctest: +NORMALIZE_WHITESPACE
    Looking from 2025-01-01, 20 customers (50%) score 4 or 5 on both recency and frequency,
    while 20 sit in the lowest frequency column.
    """
    n = len(table)
    if n == 0:
        return Finding.unsupported(
            "No customer has a purchase in the log, so there are no RFM scores."
        )
    parts: list[Finding] = []
    numbers: dict[str, Any] = {"customers": n}
    if by_hand is not None:
        hand = by_hand.reindex(table.index)
        same = (
            hand["recency"].eq(table["recency"])
            & hand["frequency"].eq(table["frequency"])
            & np.isclose(hand["monetary"].astype(float), table["monetary"].astype(float))
        )
        agree = int(same.sum())
        numbers["agree"] = agree
        notes = "; ".join(table.attrs.get("notes", []))
        if agree == n:
            parts.append(
                md(
                    "The hand calculation agrees with `segmentation.rfm` for all {n:,} buying "
                    "customers.",
                    n=n,
                )
            )
        elif notes:
            parts.append(
                md(
                    "The hand calculation agrees with `segmentation.rfm` for {agree:,} of {n:,} "
                    "buying customers; before scoring, cxlab cleaned the log, which the hand "
                    "calculation does not: {notes}.",
                    agree=agree,
                    n=n,
                    notes=notes,
                )
            )
        else:
            parts.append(
                md(
                    "The hand calculation agrees with `segmentation.rfm` for {agree:,} of {n:,} "
                    "buying customers; compare the two tables for the other {other:,}.",
                    agree=agree,
                    n=n,
                    other=n - agree,
                )
            )
    if n < MIN_N:
        parts.append(
            _too_few(
                n,
                "customers have bought",
                "quintile scores of so few rest on a handful of customers each, so the grid is "
                "not read here",
            )
        )
        return _finding(parts, supported=False, **numbers)
    bins = int(table.attrs.get("bins", 5))
    top = table["r_score"].ge(bins - 1) & table["f_score"].ge(bins - 1)
    low = int(table["f_score"].eq(1).sum())
    numbers.update(recent_and_frequent=int(top.sum()), lowest_frequency=low)
    parts.append(
        md(
            "Looking from {asof}, {top:,} customers ({share:.0%}) score {hi} or {bins} on both "
            "recency and frequency, while {low:,} sit in the lowest frequency column.",
            asof=table.attrs.get("asof", "the last transaction"),
            top=int(top.sum()),
            share=top.mean(),
            hi=bins - 1,
            bins=bins,
            low=low,
        )
    )
    return _finding(parts, supported=True, **numbers)


def rfm_segments_finding(summary: pd.DataFrame) -> Finding:
    """Say which RFM segment brings the most revenue, which is largest, and its play.

    Parameters
    ----------
    summary : pandas.DataFrame
        From :func:`~cxlab.segmentation.segment_summary` of the RFM segments (with ``play``
        when the plays were given).

    Returns
    -------
    Finding
        Facts: ``lead`` (largest revenue share), ``revenue_share``, ``customer_share``,
        ``largest`` (most customers). Not supported without segments, with fewer than
        :data:`MIN_N` customers or without positive net revenue.

    Examples
    --------
    >>> s = pd.DataFrame(
    ...     {
    ...         "customers": [10, 30],
    ...         "share_of_customers": [0.25, 0.75],
    ...         "share_of_revenue": [0.6, 0.4],
    ...         "play": ["thank them", "remind them"],
    ...     },
    ...     index=["champions", "hibernating"],
    ... )
    >>> print(rfm_segments_finding(s).text)  # doctest: +NORMALIZE_WHITESPACE
    champions bring the largest share of revenue: 60% from 25% of the buying customers (10),
    while the largest group by head count is hibernating (30 customers, 40% of revenue). The
    play for champions: thank them.
    """
    if summary.empty:
        return Finding.unsupported(
            "No customer has an RFM segment, so there is nothing to compare."
        )
    n = int(summary["customers"].sum())
    if n < MIN_N:
        return _too_few(
            n, "customers have an RFM segment", "too few to compare segments by revenue"
        )
    revenue = summary["share_of_revenue"]
    if revenue.isna().all():
        return Finding.unsupported(
            "Net revenue is not positive, so the segments' shares of it cannot be compared."
        )
    leaders = _tied(revenue, revenue.max())
    lead = leaders[0]
    row = summary.loc[lead]
    if len(leaders) > 1:
        parts = [
            md(
                "{names} tie for the largest share of revenue, {share:.0%} each.",
                names=_quoted(leaders),
                share=row["share_of_revenue"],
            )
        ]
    else:
        largest = _tied(summary["customers"].astype(float), summary["customers"].max())
        head = (
            md("and they are also the largest group by head count.")
            if largest == [lead]
            else md(
                "while the largest group by head count is **{big}** ({n:,} customers, "
                "{share:.0%} of revenue).",
                big=largest[0],
                n=int(summary.loc[largest[0], "customers"]),
                share=summary.loc[largest[0], "share_of_revenue"],
            )
            if len(largest) == 1
            else md(
                "while {names} tie as the largest groups by head count ({n:,} customers each).",
                names=_quoted(largest),
                n=int(summary["customers"].max()),
            )
        )
        parts = [
            md(
                "**{lead}** bring the largest share of revenue: {rev:.0%} from {cust:.0%} of the "
                "buying customers ({n:,}),",
                lead=lead,
                rev=row["share_of_revenue"],
                cust=row["share_of_customers"],
                n=int(row["customers"]),
            ),
            head,
        ]
    if "play" in summary and isinstance(row.get("play"), str):
        parts.append(md("The play for **{lead}**: {play}.", lead=lead, play=row["play"]))
    largest_name = summary["customers"].idxmax()
    return _finding(
        parts,
        supported=True,
        lead=str(lead),
        revenue_share=float(row["share_of_revenue"]),
        customer_share=float(row["share_of_customers"]),
        largest=str(largest_name),
    )


# ------------------------------------------------------------------------------ the four strategies
def value_finding(value: Segmentation, *, currency: str = "") -> Finding:
    """Say how concentrated revenue is: what the top tier brings, and the bottom tier.

    Parameters
    ----------
    value : Segmentation
        From :func:`~cxlab.segmentation.value_segments`.
    currency : str, default ""
        Shown after amounts (``bundle.config.currency``).

    Returns
    -------
    Finding
        Facts: ``buyers``, ``top`` (customers in the top tier), ``top_share`` (of buyers),
        ``pareto`` (its share of net revenue), ``low_revenue_share``, ``never_bought``. Not
        supported without buyers, with fewer than :data:`MIN_N`, or without positive net
        revenue.

    Examples
    --------
    >>> prof = pd.DataFrame(
    ...     {"n": [8, 12, 20], "revenue_share": [0.6, 0.3, 0.1], "min_spend": [90.0, 40, 0]},
    ...     index=["top", "middle", "low"],
    ... )
    >>> prof.attrs["pareto"] = 0.6
    >>> v = Segmentation("value", pd.DataFrame(), prof)
    >>> print(value_finding(v, currency="EUR").text)  # doctest: +NORMALIZE_WHITESPACE
    The top 8 customers — 20% of the buyers, each spending at least 90 EUR — bring 60% of net
    revenue; the lowest 50% of the buyers bring 10%.
    """
    prof = value.profile
    tiers = [t for t in prof.index if t != "no purchase"]
    buyers = int(prof.loc[tiers, "n"].sum()) if tiers else 0
    if buyers == 0:
        return Finding.unsupported("No customer has bought, so there are no value tiers.")
    if buyers < MIN_N:
        return _too_few(
            buyers, "buying customers", "too few to tell a few big spenders from chance"
        )
    pareto = prof.attrs.get("pareto", prof["revenue_share"].iloc[0])
    if pd.isna(pareto):
        return Finding.unsupported(
            "Net revenue is not positive, so the value tiers' shares of it cannot be compared."
        )
    top, low = tiers[0], tiers[-1]
    never = int(prof.loc["no purchase", "n"]) if "no purchase" in prof.index else 0
    numbers = {
        "buyers": buyers,
        "top": int(prof.loc[top, "n"]),
        "top_share": prof.loc[top, "n"] / buyers,
        "pareto": float(pareto),
        "low_revenue_share": float(prof.loc[low, "revenue_share"]),
        "never_bought": never,
    }
    parts = [
        md(
            "The top {n:,} customers — {share:.0%} of the buyers, each spending at least "
            "{least} — bring {pareto:.0%} of net revenue; the lowest {low:.0%} of the buyers "
            "bring {low_rev:.0%}.",
            n=numbers["top"],
            share=numbers["top_share"],
            least=_money(float(prof.loc[top, "min_spend"]), currency),
            pareto=pareto,
            low=prof.loc[low, "n"] / buyers,
            low_rev=numbers["low_revenue_share"],
        )
    ]
    if never:
        parts.append(md("{n:,} customers on file never bought.", n=never))
    return _finding(parts, supported=True, **numbers)


def _clusters_of(seg: Segmentation, *, who: str, lead: str) -> Finding:
    prof = seg.profile
    n = int(prof["n"].sum())
    if n < MIN_N:
        return _too_few(n, who, "too few to cluster")
    sizes = prof["n"]
    largest = sizes.idxmax()
    problems = _degenerate(sizes)
    first = md(lead, k=len(prof), name=largest, share=sizes.max() / n, n=n)
    return _finding(
        [first, *problems], supported=not problems, segments=len(prof), largest=str(largest), n=n
    )


def _psychographic(seg: Segmentation, *, attribute: str | None, currency: str) -> Finding:
    prof = seg.profile
    n = int(prof["n"].sum())
    by = (attribute or "what customers declared").replace("_", " ")
    if len(prof) < 2:
        return Finding.unsupported(
            "By {by}, all {n:,} customers fall into one group, so there is nothing to compare.",
            by=by,
            n=n,
        )
    if "monetary" not in prof:
        largest = prof["n"].idxmax()
        return md(
            "By {by}, the largest group is “{name}” ({share:.0%} of {n:,} customers).",
            by=by,
            name=largest,
            share=prof.loc[largest, "n"] / n,
            n=n,
        )
    big = prof[(prof["n"] >= MIN_N) & prof["monetary"].notna()]
    if len(big) < 2:
        return Finding.unsupported(
            "By {by}, fewer than two groups have {min_n} customers or more, so their spending "
            "is not compared.",
            by=by,
            min_n=MIN_N,
        )
    spend = big["monetary"]
    hi, lo = spend.idxmax(), spend.idxmin()
    if np.isclose(spend.max(), spend.min()):
        return Finding.unsupported(
            "By {by}, every group spends the same on average ({spend} per buying customer).",
            by=by,
            spend=_money(spend.max(), currency),
        )
    parts = [
        md(
            "By {by}, the biggest spenders on average are “{hi}” ({hi_spend} per buying "
            "customer; {hi_n:,} customers) against {lo_spend} for “{lo}” ({lo_n:,} customers).",
            by=by,
            hi=hi,
            hi_spend=_money(spend.max(), currency),
            hi_n=int(big.loc[hi, "n"]),
            lo_spend=_money(spend.min(), currency),
            lo=lo,
            lo_n=int(big.loc[lo, "n"]),
        )
    ]
    if len(big) < len(prof):
        parts.append(
            md("Groups under {min_n} customers are left out of this comparison.", min_n=MIN_N)
        )
    return _finding(
        parts,
        supported=True,
        highest=str(hi),
        lowest=str(lo),
        high_spend=float(spend.max()),
        low_spend=float(spend.min()),
    )


def strategy_finding(
    seg: Segmentation, *, currency: str = "", attribute: str | None = None
) -> Finding:
    """State what one of the four segmentation strategies found.

    * behavioural: how many segments, and the largest with its share of buyers;
    * needs: the largest group of respondents and what it rates high and low;
    * psychographic: which declared group spends most and least on average (groups of at
      least :data:`MIN_N` customers);
    * value: see :func:`value_finding`.

    Clusterings are not supported with fewer than :data:`MIN_N` customers, when one segment
    holds :data:`DOMINANT_SHARE` of them or more, or when two segments get the same name.

    Parameters
    ----------
    seg : Segmentation
        From :func:`~cxlab.segmentation.behavioural_segments`,
        :func:`~cxlab.segmentation.needs_segments`,
        :func:`~cxlab.segmentation.psychographic_segments` or
        :func:`~cxlab.segmentation.value_segments`.
    currency : str, default ""
        Shown after amounts.
    attribute : str, optional
        The declared attribute of a psychographic segmentation, for the sentence.

    Returns
    -------
    Finding

    Examples
    --------
    >>> prof = pd.DataFrame({"n": [60, 40]}, index=["low spenders", "high spenders"])
    >>> strategy_finding(Segmentation("behavioural", pd.DataFrame(), prof)).text
    'Behavioural clustering finds 2 segments, the largest “low spenders” with 60% of buyers.'
    """
    if seg.strategy == "value":
        return value_finding(seg, currency=currency)
    if seg.strategy == "behavioural":
        return _clusters_of(
            seg,
            who="buying customers",
            lead="Behavioural clustering finds {k} segments, the largest “{name}” with "
            "{share:.0%} of buyers.",
        )
    if seg.strategy == "needs":
        return _clusters_of(
            seg,
            who="customers answered the driver items",
            lead="By their survey priorities, the largest group of respondents ({share:.0%} of "
            "{n:,}) {name}.",
        )
    if seg.strategy == "psychographic":
        return _psychographic(seg, attribute=attribute, currency=currency)
    raise ValueError(f"unknown segmentation strategy {seg.strategy!r}")


# ------------------------------------------------------------------------------ micro-segments
def clusters_finding(model: Any) -> Finding:
    """Say how the number of micro-segments was chosen, and whether the clustering holds up.

    Parameters
    ----------
    model : MicroSegmenter
        Fitted (``scores_``, ``k_``, ``labels_``, ``min_stability``).

    Returns
    -------
    Finding
        Facts: ``k``, ``silhouette``, ``stability``, ``stable`` (candidates that are),
        ``sizes`` and ``close`` (other stable candidates whose silhouette is within
        :data:`SILHOUETTE_MARGIN` of the chosen one's: then the sentence says that no ``k`` is
        clearly better). Not supported with fewer than :data:`MIN_N` customers, when no candidate is
        stable, when the silhouette is at most :data:`WEAK_SILHOUETTE`, or when one segment
        holds :data:`DOMINANT_SHARE` of the customers or more.

    Examples
    --------
    >>> from cxlab.segmentation import MicroSegmenter
    >>> rng = np.random.default_rng(0)
    >>> X = np.vstack([rng.normal(0, 1, (60, 2)), rng.normal(8, 1, (40, 2))])
    >>> print(
    ...     clusters_finding(MicroSegmenter(k_range=(2, 3)).fit(X)).text
    ... )  # doctest: +NORMALIZE_WHITESPACE
    Of the 2 candidates, 1 is stable (ARI between runs at least 0.80); k = 2 has the silhouette
    0.84 and the stability 1.00. Segment sizes: 60, 40 customers.
    """
    scores = model.scores_
    k = int(model.k_)
    sizes = np.bincount(np.asarray(model.labels_), minlength=k)
    n = int(sizes.sum())
    threshold = float(getattr(model, "min_stability", 0.8))
    stable = int((scores["stability"] >= threshold).sum())
    sil = float(scores.loc[k, "silhouette"])
    stab = float(scores.loc[k, "stability"])
    numbers = {
        "k": k,
        "silhouette": sil,
        "stability": stab,
        "stable": stable,
        "sizes": sizes.tolist(),
    }
    if n < MIN_N:
        return _finding(
            [_too_few(n, "customers", "too few for segments worth acting on")],
            supported=False,
            **numbers,
        )
    parts = [
        md(
            "Of the {c} candidates, {s} {verb} stable (ARI between runs at least {t:.2f}); "
            "k = {k} has the silhouette {sil:.2f} and the stability {stab:.2f}. Segment sizes: "
            "{sizes} customers.",
            c=len(scores),
            s=stable,
            verb="is" if stable == 1 else "are",
            t=threshold,
            k=k,
            sil=sil,
            stab=stab,
            sizes=", ".join(f"{s:,}" for s in sizes),
        )
    ]
    ok = scores[(scores["stability"] >= threshold) & scores["silhouette"].notna()]
    close = [
        int(c)
        for c in ok.index
        if c != k and abs(float(ok.loc[c, "silhouette"]) - sil) < SILHOUETTE_MARGIN
    ]
    numbers["close"] = close
    if close and np.isfinite(sil):
        parts.append(
            md(
                "No k is clearly better: k = {others} {verb} within {margin:.2f} of that "
                "silhouette, a gap another sample or seed could reverse, so the number of "
                "segments is a choice to make for the business (fewer is easier to act on), "
                "not a finding.",
                others=", ".join(map(str, close)),
                verb="comes" if len(close) == 1 else "come",
                margin=SILHOUETTE_MARGIN,
            )
        )
    problems: list[Finding] = []
    if stable == 0:
        problems.append(
            md(
                "No candidate is stable: the segments change with the random start, so they are "
                "noise rather than a strategy; k = {k} is only the least unstable.",
                k=k,
            )
        )
    if not np.isfinite(sil) or sil <= WEAK_SILHOUETTE:
        problems.append(
            md(
                "A silhouette of {limit:.2f} or less means no substantial structure (Kaufman & "
                "Rousseeuw, 1990): the segments cut through a continuum rather than separate "
                "distinct groups.",
                limit=WEAK_SILHOUETTE,
            )
        )
    problems += _degenerate(pd.Series(sizes, index=[f"segment {i}" for i in range(k)]))
    return _finding(parts + problems, supported=not problems, **numbers)


def micro_segments_finding(summary: pd.DataFrame, *, clusters: Finding | None = None) -> Finding:
    """List the micro-segments with their size and revenue, and which earns most per head.

    Parameters
    ----------
    summary : pandas.DataFrame
        From :func:`~cxlab.segmentation.segment_summary` of the named micro-segments.
    clusters : Finding, optional
        The :func:`clusters_finding` of the same clustering. When it is not supported, the
        segments are listed as a description of the data, not as groups to plan for, and the
        finding is not supported.

    Returns
    -------
    Finding
        Facts: ``segments``, ``best`` (highest revenue share per customer share) and
        ``per_head`` (that ratio). Not supported with fewer than :data:`MIN_N` customers, when
        one segment holds :data:`DOMINANT_SHARE` or more, or when two get the same name.

    Examples
    --------
    >>> s = pd.DataFrame(
    ...     {
    ...         "customers": [60, 40],
    ...         "share_of_customers": [0.6, 0.4],
    ...         "share_of_revenue": [0.2, 0.8],
    ...     },
    ...     index=["bargain hunters", "big baskets"],
    ... )
    >>> print(micro_segments_finding(s).text)  # doctest: +NORMALIZE_WHITESPACE
    The 2 micro-segments are: bargain hunters (60 customers, 20% of revenue); big baskets (40
    customers, 80% of revenue). “big baskets” carries the most revenue per head: 2.0 times its
    share of customers.
    """
    n = int(summary["customers"].sum()) if len(summary) else 0
    if n < MIN_N:
        return _too_few(n, "customers in micro-segments", "too few for segments worth acting on")
    listing = join(
        [
            md(
                "**{name}** ({n:,} customers, {rev:.0%} of revenue)",
                name=name,
                n=int(r["customers"]),
                rev=r["share_of_revenue"],
            )
            for name, r in summary.iterrows()
        ],
        sep="; ",
    )
    parts: list[Finding | str] = [
        md("The {k} micro-segments are:", k=len(summary)),
        join([listing, "."], sep=""),
    ]
    numbers: dict[str, Any] = {"segments": len(summary)}
    per_head = summary["share_of_revenue"] / summary["share_of_customers"]
    if per_head.notna().any():
        best = _tied(per_head, per_head.max())
        numbers.update(best=str(best[0]), per_head=float(per_head.max()))
        parts.append(
            md(
                "{names} {verb} the most revenue per head: {ratio:.1f} times {their} share of "
                "customers.",
                names=_quoted(best),
                verb="carries" if len(best) == 1 else "tie for",
                ratio=per_head.max(),
                their="its" if len(best) == 1 else "their",
            )
        )
    else:
        parts.append("Net revenue is not positive, so revenue per head is not compared.")
    problems = _degenerate(summary["customers"])
    if clusters is not None and not clusters.supported and not problems:
        problems = [
            md(
                "The clustering does not hold up (see how the segments were chosen), so these "
                "segments describe the data rather than groups to plan for."
            )
        ]
    return _finding([*parts, *problems], supported=not problems, **numbers)


def planted_truth_finding(
    segments: pd.Series, truth: pd.Series, *, demo: str | None = None
) -> Finding:
    """Compare found segments with the segments planted in a demo, by the adjusted Rand index.

    Parameters
    ----------
    segments : pandas.Series
        Found segment per customer id.
    truth : pandas.Series
        Planted segment per customer id (e.g. :func:`~cxlab.segmentation.planted_segments`).
    demo : str, optional
        The demo's name; default ``truth.attrs["demo"]``.

    Returns
    -------
    Finding
        Facts: ``ari`` (adjusted Rand index; 1 = the same grouping, about 0 = chance),
        ``customers`` compared, ``majority`` (found → planted segment most of its customers
        have). Not supported with fewer than :data:`MIN_N` customers in both.

    References
    ----------
    .. [1] Hubert, L., & Arabie, P. (1985). Comparing partitions. *Journal of
       Classification*, 2(1), 193–218.

    Examples
    --------
    >>> found = pd.Series(["a"] * 20 + ["b"] * 20, index=range(40))
    >>> planted = pd.Series(["x_y"] * 20 + ["z"] * 20, index=range(40))
    >>> print(
    ...     planted_truth_finding(found, planted, demo="toy").text
    ... )  # doctest: +NORMALIZE_WHITESPACE
    Against the 2 segments planted in the toy demo, the 2 found segments reach an adjusted Rand
    index of 1.00 over 40 customers (1 = the same grouping, 0 = no better than chance). Mostly:
    “a” ≈ x y; “b” ≈ z.
    """
    demo = demo or truth.attrs.get("demo", "demo")
    common = segments.dropna().index.intersection(truth.dropna().index)
    n = len(common)
    if n < MIN_N:
        return _too_few(
            n,
            "customers are in both the found and the planted segments",
            "too few to compare the two",
        )
    found, planted = segments.loc[common], truth.loc[common]
    ari = float(adjusted_rand_score(planted.astype(str), found.astype(str)))
    table = pd.crosstab(found, planted)
    majority = table.idxmax(axis=1)
    mostly = "; ".join(f"“{s}” ≈ {str(t).replace('_', ' ')}" for s, t in majority.items())
    parts = [
        md(
            "Against the {planted} segments planted in the {demo} demo, the {k} found segments "
            "reach an adjusted Rand index of {ari:.2f} over {n:,} customers (1 = the same "
            "grouping, 0 = no better than chance). Mostly: {mostly}.",
            planted=planted.nunique(),
            demo=demo,
            k=found.nunique(),
            ari=ari,
            n=n,
            mostly=mostly,
        )
    ]
    unmatched = [str(t).replace("_", " ") for t in table.columns if t not in set(majority)]
    if unmatched:
        parts.append(md("No found segment is mostly {names}.", names=" or ".join(unmatched)))
    return _finding(
        parts,
        supported=True,
        ari=ari,
        customers=n,
        majority={str(k): str(v) for k, v in majority.items()},
    )


# ------------------------------------------------------------------------------ acting on segments
def plays_finding(plays: pd.DataFrame, *, clusters: Finding | None = None) -> Finding:
    """Say which playbook entry each segment was matched to, and its first play.

    A match with a score of 0 or less rests on nothing: the segment does not stand out on
    any feature of the entry's signature (or the entry has none), so it is marked as weak.

    Parameters
    ----------
    plays : pandas.DataFrame
        From :func:`~cxlab.segmentation.match_plays`, indexed by segment name.
    clusters : Finding, optional
        The :func:`clusters_finding` of the segments matched. When it is not supported (too
        few customers, unstable, no structure, one segment holding nearly everyone), the
        matches are not stated: segments that do not hold up get no plays of their own.

    Returns
    -------
    Finding
        Facts: ``matches`` (segment → playbook label) and ``weak`` (segments whose match rests
        on nothing). Not supported when every match is weak.

    Examples
    --------
    >>> p = pd.DataFrame(
    ...     {"label": ["Regulars"], "score": [0.9], "plays": ["a loyalty card; a tasting"]},
    ...     index=["frequent diners"],
    ... )
    >>> plays_finding(p).text
    'Matched to the playbook: “frequent diners” → Regulars (first play: a loyalty card).'
    """
    if plays.empty:
        return Finding.unsupported("There are no segments to match to the playbook.")
    if clusters is not None and not clusters.supported:
        return Finding.unsupported(
            "The micro-segments do not hold up (see how they were chosen), so they are not "
            "matched to playbook plays of their own: the RFM plays apply instead."
        )
    weak = [s for s, score in plays["score"].items() if pd.notna(score) and score <= 0]
    items = []
    for seg, r in plays.iterrows():
        note = (
            " — a weak match: it does not stand out on that entry's features" if seg in weak else ""
        )
        items.append(
            md(
                "“{seg}” → **{label}** (first play: {play}){note}",
                seg=seg,
                label=r["label"],
                play=str(r["plays"]).split("; ")[0],
                note=note,
            )
        )
    parts: list[Finding | str] = [
        join([md("Matched to the playbook:"), join([join(items, sep="; "), "."], sep="")])
    ]
    if len(weak) == len(plays):
        parts.append(
            "None of the segments stands out on the features of its playbook entry, so these "
            "matches are guesses."
        )
    return _finding(
        parts,
        supported=len(weak) < len(plays),
        matches={str(s): str(r["label"]) for s, r in plays.iterrows()},
        weak=[str(s) for s in weak],
    )


def rules_finding(rules: pd.DataFrame) -> Finding:
    """Name the strongest co-purchase link (a lift above 1 only) and the most common pair.

    Parameters
    ----------
    rules : pandas.DataFrame
        From :func:`~cxlab.segmentation.co_purchase_rules` or
        :func:`~cxlab.segmentation.association_rules` (``attrs["baskets"]``).

    Returns
    -------
    Finding
        Facts: ``baskets``, ``rules``, ``top_lift`` and, for a link, ``antecedent``,
        ``consequent``, ``n_both``. Not supported without the item column, without rules,
        with fewer than :data:`MIN_N` baskets, when no rule has a lift above 1, or when the
        strongest link rests on fewer than :data:`MIN_N` baskets.

    Examples
    --------
    >>> r = pd.DataFrame(
    ...     {
    ...         "antecedent": ["tea", "cake"],
    ...         "consequent": ["cake", "tea"],
    ...         "n_both": [40, 40],
    ...         "support": [0.4, 0.4],
    ...         "confidence": [0.8, 0.5],
    ...         "lift": [1.25, 1.25],
    ...     }
    ... )
    >>> r.attrs["baskets"] = 100
    >>> print(rules_finding(r).text)  # doctest: +NORMALIZE_WHITESPACE
    The strongest link: 80% of baskets with “tea” also hold “cake”, 1.25 times the usual rate
    (support 40.0%, 40 baskets). It is also the most common pair.
    """
    baskets = int(rules.attrs.get("baskets", 0))
    if rules.attrs.get("missing"):
        return Finding.unsupported(
            "The transactions have no {column} column, so there is nothing to pair.",
            column=rules.attrs["missing"],
        )
    if rules.empty:
        return Finding.unsupported("No two items are bought together often enough to form a rule.")
    if baskets < MIN_N:
        return _too_few(baskets, "baskets", "too few to tell a link from chance")
    ranked = rules.sort_values(["lift", "confidence"], ascending=False, kind="mergesort")
    top = ranked.iloc[0]
    common = rules.sort_values(
        ["n_both", "lift", "confidence"], ascending=False, kind="mergesort"
    ).iloc[0]
    numbers: dict[str, Any] = {
        "baskets": baskets,
        "rules": len(rules),
        "top_lift": float(top["lift"]),
    }
    if top["lift"] <= 1:
        parts: list[Finding] = [
            md(
                "No pair is bought together more often than chance would give: the highest lift "
                "is {lift:.2f} (“{a}” → “{b}”), so suggestions should come from the segment's "
                "favourite items rather than from these rules.",
                lift=top["lift"],
                a=top["antecedent"],
                b=top["consequent"],
            )
        ]
        supported = False
    else:
        numbers.update(
            antecedent=str(top["antecedent"]),
            consequent=str(top["consequent"]),
            n_both=int(top["n_both"]),
        )
        parts = [
            md(
                "The strongest link: {conf:.0%} of baskets with “{a}” also hold “{b}”, "
                "{lift:.2f} times the usual rate (support {support:.1%}, {n:,} baskets).",
                conf=top["confidence"],
                a=top["antecedent"],
                b=top["consequent"],
                lift=top["lift"],
                support=top["support"],
                n=int(top["n_both"]),
            )
        ]
        supported = int(top["n_both"]) >= MIN_N
        if not supported:
            parts.append(
                md(
                    "It rests on only {n} baskets, too few to rely on (at least {min_n}).",
                    n=int(top["n_both"]),
                    min_n=MIN_N,
                )
            )
    if {common["antecedent"], common["consequent"]} == {
        top["antecedent"],
        top["consequent"],
    } and top["lift"] > 1:
        parts.append(md("It is also the most common pair."))
    else:
        parts.append(
            md(
                "The most common pair is “{a}” and “{b}” ({n:,} baskets, lift {lift:.2f}): a "
                "common pair is not necessarily a strong link.",
                a=common["antecedent"],
                b=common["consequent"],
                n=int(common["n_both"]),
                lift=common["lift"],
            )
        )
    return _finding(parts, supported=supported, **numbers)


def satisfaction_finding(satisfaction: pd.DataFrame, *, metric: str = "nps") -> Finding:
    """Say which segment is least satisfied, with its interval, and which are significantly so.

    Parameters
    ----------
    satisfaction : pandas.DataFrame
        From :func:`~cxlab.segmentation.satisfaction_by_segment`.
    metric : {"nps", "csat"}, default "nps"
        The score the lowest segment is read from.

    Returns
    -------
    Finding
        Facts: ``segment`` (the lowest; the first of ties), its ``score``, ``n``, ``low``,
        ``high``, and ``below`` (segments significantly below the rest on any metric). Not
        supported without scores, with one scored segment, or when the lowest rests on fewer
        than :data:`MIN_N` answers.

    Examples
    --------
    >>> s = pd.DataFrame(
    ...     {
    ...         "nps_n": [40, 50],
    ...         "nps": [-10.0, 30.0],
    ...         "nps_low": [-30.0, 12.0],
    ...         "nps_high": [10.0, 46.0],
    ...         "unhappy": [True, False],
    ...     },
    ...     index=["at risk", "champions"],
    ... )
    >>> print(satisfaction_finding(s).text)  # doctest: +NORMALIZE_WHITESPACE
    “at risk” has the lowest NPS, −10 from 40 answers (−30 to 10). Significantly below the rest
    on NPS or CSAT: “at risk” — fix what upsets them before offering them more.
    """
    label = metric.upper()
    scored = (
        satisfaction[satisfaction[metric].notna()]
        if metric in satisfaction
        else satisfaction.iloc[:0]
    )
    if scored.empty:
        return Finding.unsupported(
            "No segment has enough {label} answers to score, so satisfaction by segment is "
            "not compared.",
            label=label,
        )
    if len(scored) == 1:
        return Finding.unsupported(
            "Only one segment, “{seg}”, has {label} answers, so there is nothing to compare.",
            seg=scored.index[0],
            label=label,
        )
    lowest = _tied(scored[metric], scored[metric].min())
    seg = lowest[0]
    row = scored.loc[seg]
    n = int(row[f"{metric}_n"])
    below = [s for s, flag in satisfaction.get("unhappy", pd.Series(dtype=bool)).items() if flag]
    numbers = {
        "segment": str(seg),
        "score": float(row[metric]),
        "n": n,
        "low": float(row[f"{metric}_low"]),
        "high": float(row[f"{metric}_high"]),
        "below": [str(s) for s in below],
    }
    parts = [
        md(
            "{names} {verb} the lowest {label}, {score} from {n:,} answers ({low} to {high}).",
            names=_quoted(lowest),
            verb="has" if len(lowest) == 1 else "tie for",
            label=label,
            score=present.number(row[metric], 0),
            n=n,
            low=present.number(row[f"{metric}_low"], 0),
            high=present.number(row[f"{metric}_high"], 0),
        )
    ]
    if n < MIN_N:
        parts.append(
            md(
                "That rests on fewer than {min_n} answers: too few to call it the least "
                "satisfied segment.",
                min_n=MIN_N,
            )
        )
    if below:
        parts.append(
            md(
                "Significantly below the rest on NPS or CSAT: {names} — fix what upsets them "
                "before offering them more.",
                names=_quoted(below),
            )
        )
    else:
        parts.append(md("No segment is significantly less satisfied than the others."))
    return _finding(parts, supported=n >= MIN_N, **numbers)


def loyalty_finding(
    loyalty: pd.DataFrame,
    *,
    community: str = "community and ambassadors",
    win_back: str = "personal win-back",
) -> Finding:
    """Say who a community would start with and how many deserve a personal win-back.

    Parameters
    ----------
    loyalty : pandas.DataFrame
        From :func:`~cxlab.segmentation.loyalty_ideas`.
    community, win_back : str
        The ideas (rows) read.

    Returns
    -------
    Finding
        Facts: ``community`` and ``win_back`` customers and their revenue shares. Not
        supported with fewer than :data:`MIN_N` customers across the ideas, or without
        positive net revenue.

    Examples
    --------
    >>> t = pd.DataFrame(
    ...     {"customers": [20, 10, 5, 5], "share_of_revenue": [0.6, 0.2, 0.1, 0.1]},
    ...     index=[
    ...         "community and ambassadors",
    ...         "personal win-back",
    ...         "loyalty programme, first tier",
    ...         "low-cost reactivation",
    ...     ],
    ... )
    >>> print(loyalty_finding(t).text)  # doctest: +NORMALIZE_WHITESPACE
    A community of champions and loyal customers would start with 20 people who bring 60% of
    revenue; 10 customers (20% of revenue) deserve a personal win-back message rather than
    another mass mailing.
    """
    total = int(loyalty["customers"].sum())
    if total < MIN_N:
        return _too_few(total, "customers", "too few to plan a community or a win-back campaign")
    core, slipping = loyalty.loc[community], loyalty.loc[win_back]
    if pd.isna(core["share_of_revenue"]):
        return Finding.unsupported(
            "Net revenue is not positive, so the loyalty ideas cannot be weighed by revenue."
        )
    numbers = {
        "community": int(core["customers"]),
        "community_revenue_share": float(core["share_of_revenue"]),
        "win_back": int(slipping["customers"]),
        "win_back_revenue_share": float(slipping["share_of_revenue"]),
    }
    if numbers["community"] == 0:
        first = md(
            "No customer is a champion or loyal yet, so a community has no one to start with;"
        )
    else:
        first = md(
            "A community of champions and loyal customers would start with {n:,} people who "
            "bring {share:.0%} of revenue;",
            n=numbers["community"],
            share=numbers["community_revenue_share"],
        )
    second = md(
        "{n:,} customers ({share:.0%} of revenue) deserve a personal win-back message rather "
        "than another mass mailing.",
        n=numbers["win_back"],
        share=numbers["win_back_revenue_share"],
    )
    return _finding([first, second], supported=True, **numbers)
