"""The sentences chapter 08 states, each with its numbers, true for whichever client is loaded."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from cxlab import present
from cxlab.ethics._fairness import FOUR_FIFTHS, FairnessReport, Mitigation, ModelAudit
from cxlab.ethics._privacy import MIN_CELL, KAnonymity
from cxlab.findings import Finding, join, md, noun

__all__ = [
    "consent_finding",
    "fairness_finding",
    "k_anonymity_finding",
    "mitigation_finding",
    "model_finding",
    "pii_finding",
    "skipped_finding",
    "styles_finding",
    "usage_finding",
]

#: Differences in extreme-response share between groups (in share units) worth a caution.
ERS_GAP = 0.10

_SKIPPED = {
    "fairness": "There is no fairness audit of benefits: {why}.",
    "model": "There is no fairness audit of a churn model: {why}.",
    "styles": "Response styles are not compared: {why}.",
    "k": "k-anonymity is not measured: {why}.",
    "mitigation": "The model's decisions are not post-processed for fairness: {why}.",
}


def skipped_finding(what: str, reason: str) -> Finding:
    """Say that a section is skipped, and why.

    Examples
    --------
    >>> skipped_finding("model", "the bundle has no sensitive attribute").text
    'There is no fairness audit of a churn model: the bundle has no sensitive attribute.'
    """
    return Finding.unsupported(_SKIPPED[what], why=reason)


def pii_finding(scan: pd.DataFrame, *, rows: int) -> Finding:
    """How many personal details were found in the bundle's text, where and of what kind.

    Parameters
    ----------
    scan : pandas.DataFrame
        Concatenated :func:`cxlab.pii.pii_scan` results with a ``table`` column.
    rows : int
        Text cells searched (for the denominator).

    Examples
    --------
    >>> s = pd.DataFrame(
    ...     {
    ...         "table": ["responses"] * 2,
    ...         "column": ["comment"] * 2,
    ...         "kind": ["email", "phone"],
    ...         "row": [3, 9],
    ...     }
    ... )
    >>> print(pii_finding(s, rows=100).text)  # doctest: +NORMALIZE_WHITESPACE
    The scan found 2 personal details (1 e-mail address, 1 phone number) in 2 of 100 rows
    searched, all in responses.comment. Reports and exports mask them.
    """
    if scan.empty:
        return md(
            "The scan found no e-mail address, phone, card or IBAN number in the {rows:,} rows "
            "searched.",
            rows=rows,
        )
    names = {
        "email": "e-mail address",
        "phone": "phone number",
        "card": "card number",
        "iban": "IBAN",
    }
    counts = scan["kind"].value_counts()
    kinds = ", ".join(
        f"{n} {names[k] + ('es' if k == 'email' and n != 1 else 's' if n != 1 else '')}"
        for k, n in counts.items()
    )
    where = sorted({f"{t}.{c}" for t, c in zip(scan["table"], scan["column"], strict=True)})
    cells = scan.drop_duplicates(["table", "column", "row"]).shape[0]
    return md(
        "The scan found **{n} personal {details}** ({kinds}) in {cells} of {rows:,} rows "
        "searched, all in {where}. Reports and exports mask them.",
        n=len(scan),
        details=noun(len(scan), "detail"),
        kinds=kinds,
        cells=cells,
        rows=rows,
        where=", ".join(where),
    )


def consent_finding(effect: pd.DataFrame, *, declared: bool, column: str | None = None) -> Finding:
    """How many customers honouring consent leaves out of targeting and modelling.

    Examples
    --------
    >>> e = pd.DataFrame(
    ...     {"rows": [10], "rows_usable": [6], "rows_left_out": [4], "share_left_out": [0.4]},
    ...     index=pd.Index(["customers"], name="table"),
    ... )
    >>> print(consent_finding(e, declared=True, column="marketing_consent").text)
    ... # doctest: +NORMALIZE_WHITESPACE
    Consent (marketing consent): 4 of 10 customers (40%) did not agree, so they are left out of
    personalisation, targeting and modelling; 6 remain.
    """
    if not declared:
        return Finding.unsupported(
            "The bundle records no consent (no consent: column in cxlab.yml), so nothing shows "
            "who agreed to personalised marketing or modelling."
        )
    c = effect.loc["customers"]
    return md(
        "Consent ({column}): {out:,} of {rows:,} customers ({share:.0%}) did not agree, so "
        "they are left out of personalisation, targeting and modelling; {usable:,} remain.",
        column=present.term(column),
        out=int(c["rows_left_out"]),
        rows=int(c["rows"]),
        share=float(c["share_left_out"]),
        usable=int(c["rows_usable"]),
    )


def usage_finding(usage: pd.DataFrame) -> Finding:
    """Which columns no analysis uses: candidates for deletion.

    Examples
    --------
    >>> u = pd.DataFrame(
    ...     {
    ...         "table": ["customers", "customers"],
    ...         "column": ["customer_id", "notes"],
    ...         "used_by": ["03", ""],
    ...         "unused": [False, True],
    ...     }
    ... )
    >>> print(usage_finding(u).text)  # doctest: +NORMALIZE_WHITESPACE
    Of 2 columns, 1 is used by no analysis: customers.notes. Unless the business needs it for
    another stated purpose, leave it out of future exports.
    """
    unused = usage[usage["unused"]]
    if unused.empty:
        return md("Every one of the {n} columns is used by at least one analysis.", n=len(usage))
    names = ", ".join(f"{t}.{c}" for t, c in zip(unused["table"], unused["column"], strict=True))
    return md(
        "Of {n} columns, {k} {verb} used by no analysis: {names}. Unless the business needs "
        "{them} for another stated purpose, leave {them} out of future exports.",
        n=len(usage),
        k=len(unused),
        verb="is" if len(unused) == 1 else "are",
        names=names,
        them="it" if len(unused) == 1 else "them",
    )


def k_anonymity_finding(result: KAnonymity, *, min_k: int = MIN_CELL) -> Finding:
    """How easily the customers table singles people out through its quasi-identifiers.

    Examples
    --------
    >>> from cxlab.ethics._privacy import k_anonymity
    >>> t = pd.DataFrame({"a": ["x"] * 6 + ["y"], "b": ["p"] * 7})
    >>> print(k_anonymity_finding(k_anonymity(t, quasi_identifiers=["a", "b"])).text)
    ... # doctest: +NORMALIZE_WHITESPACE
    Over a and b, the smallest group holds 1 customer (k = 1): 1 of 7 customers sit in groups
    of fewer than 5, where anyone who knows those attributes can single them out.
    """
    at_risk = result.at_risk(min_k)
    values: dict[str, Any] = {
        "qi": " and ".join(present.term(str(q)) for q in result.quasi_identifiers),
        "k": result.k,
        "who": noun(result.k, "customer"),
        "risk": at_risk,
        "n": result.n,
        "min_k": min_k,
    }
    if at_risk == 0:
        return md(
            "Over {qi}, every group holds at least {k} {who} (k = {k}), so no combination of "
            "these attributes singles anyone out.",
            **values,
        )
    return md(
        "Over {qi}, the smallest group holds {k} {who} (k = {k}): {risk:,} of {n:,} customers "
        "sit in groups of fewer than {min_k}, where anyone who knows those attributes can single "
        "them out.",
        **values,
    )


def _pct(x: float) -> str:
    return "–" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.0%}"


def fairness_finding(report: FairnessReport, *, what: str) -> Finding:
    """State a decision's parity across groups, with the interval and the four-fifths rule.

    Parameters
    ----------
    report : FairnessReport
    what : str
        What was decided, in a few words (``"offer_received"``, ``"predicted churn"``).

    Examples
    --------
    >>> from cxlab.ethics._fairness import fairness_report
    >>> r = fairness_report(
    ...     None,
    ...     [1] * 40 + [0] * 60 + [1] * 20 + [0] * 80,
    ...     sensitive=pd.Series(["a"] * 100 + ["b"] * 100, name="g"),
    ...     n_boot=200,
    ... )
    >>> fairness_finding(r, what="the offer").text.split(":")[0]
    'Of the groups of g, b receives the offer least often'
    """
    lo, hi = report.ratio_interval
    values = {
        "what": present.term(what),
        "attr": present.term(str(report.attribute)),
        "low_group": report.lowest,
        "low_rate": _pct(float(report.by_group.loc[report.lowest, "selection_rate"])),
        "high_group": report.highest,
        "high_rate": _pct(float(report.by_group.loc[report.highest, "selection_rate"])),
        "ratio": report.demographic_parity_ratio,
        "lo": lo,
        "hi": hi,
        "n": report.n,
    }
    if len(report.by_group) < 2:
        return Finding.unsupported(
            "Every customer is in one group of {attr}, so {what} cannot be compared across groups.",
            **values,
        )
    head = md(
        "Of the groups of {attr}, **{low_group}** receives {what} least often: {low_rate} "
        "against {high_rate} for {high_group}, a ratio of **{ratio:.2f}** (95% interval "
        "{lo:.2f} to {hi:.2f}, n = {n:,}).",
        **values,
    )
    if hi < FOUR_FIFTHS:
        verdict = (
            "Even the interval's upper end is below the four-fifths rule (0.8): this is "
            "adverse impact, not noise."
        )
    elif report.demographic_parity_ratio < FOUR_FIFTHS:
        verdict = (
            "The ratio is below the four-fifths rule (0.8), but the interval reaches above it: "
            "watch it and collect more data."
        )
    else:
        verdict = "That passes the four-fifths rule (0.8)."
    parts: list[Finding | str] = [head, verdict]
    if report.small_groups:
        parts.append(
            md(
                "{k} {groups} with fewer than {min_n} customers {verb} not shown.",
                k=len(report.small_groups),
                groups=noun(len(report.small_groups), "group"),
                min_n=report.min_n,
                verb="is" if len(report.small_groups) == 1 else "are",
            )
        )
    return join(parts)


def model_finding(audit: ModelAudit) -> Finding:
    """State a model's accuracy and the gaps in its error rates across groups.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> import numpy as np
    >>> from cxlab.ethics._fairness import audit_model
    >>> rng = np.random.default_rng(0)
    >>> X = pd.DataFrame({"x": rng.normal(size=200)})
    >>> y = (X["x"] > 0).astype(int)
    >>> a = audit_model(
    ...     LogisticRegression(), X, y, sensitive=pd.Series(["a", "b"] * 100, name="g"), n_boot=50
    ... )
    >>> model_finding(a).text.startswith("On 60 held-out customers")
    True
    """
    r = audit.report
    lo, hi = r.odds_interval or (float("nan"), float("nan"))
    return md(
        "On {n:,} held-out customers the model is right {acc:.0%} of the time. Across {attr}, "
        "its true and false positive rates differ by up to **{eod:.2f}** (equalized odds "
        "difference, 95% interval {lo:.2f} to {hi:.2f}); its selection-rate ratio is "
        "{ratio:.2f}.",
        n=r.n,
        acc=audit.accuracy,
        attr=present.term(str(r.attribute)),
        eod=r.equalized_odds_difference,
        lo=lo,
        hi=hi,
        ratio=r.demographic_parity_ratio,
    )


def mitigation_finding(m: Mitigation) -> Finding:
    """State what the threshold optimiser bought in parity and cost in accuracy.

    The change in the parity difference is given with its paired interval; when that interval
    holds zero the finding says the change could be the luck of the held-out split.
    """
    lo, hi = m.change_interval
    if math.isnan(lo):
        verdict = "too few held-out customers to put an interval on it"
    elif m.measurable:
        verdict = f"95% interval {lo:+.2f} to {hi:+.2f}, so the change is real"
    else:
        verdict = (
            f"95% interval {lo:+.2f} to {hi:+.2f}: the split alone could produce it, so the "
            "thresholds bought no measurable parity on customers they were not fitted to"
        )
    return md(
        "Group-specific thresholds ({constraint}) move the selection-rate ratio from "
        "{before:.2f} to **{after:.2f}** and the equalized odds difference from {eb:.2f} to "
        "{ea:.2f}; accuracy goes from {acc_b:.0%} to {acc_a:.0%} ({effect}). The parity "
        "difference changes by {change:+.2f} ({verdict}).",
        change=m.parity_change,
        verdict=verdict,
        constraint=m.constraint.replace("_", " "),
        before=m.before.demographic_parity_ratio,
        after=m.after.demographic_parity_ratio,
        eb=m.before.equalized_odds_difference,
        ea=m.after.equalized_odds_difference,
        effect=f"a cost of {100 * m.accuracy_cost:.1f} points"
        if m.accuracy_cost > 0
        else "no cost: these thresholds suit the data better than the model's own",
        acc_b=m.accuracy_before,
        acc_a=m.accuracy_after,
    )


def styles_finding(styles: pd.DataFrame, *, by: str) -> Finding:
    """Whether groups use the rating scale differently enough to distort a comparison.

    Examples
    --------
    >>> s = pd.DataFrame(
    ...     {"n": [50, 60], "ers": [0.40, 0.15], "ars": [0.6, 0.5], "small": [False, False]},
    ...     index=["North", "South"],
    ... )
    >>> styles_finding(s, by="region").text.split(";")[0][-38:]
    'ranges from 15% (South) to 40% (North)'
    """
    shown = styles[~styles["small"]].dropna(subset=["ers"]) if len(styles) else styles
    if len(shown) < 2:
        return Finding.unsupported(
            "Fewer than two groups of {by} have enough answers to compare response styles.", by=by
        )
    lo_g, hi_g = shown["ers"].idxmin(), shown["ers"].idxmax()
    gap = float(shown["ers"].max() - shown["ers"].min())
    values = {
        "by": by,
        "lo": float(shown.loc[lo_g, "ers"]),
        "lo_g": lo_g,
        "hi": float(shown.loc[hi_g, "ers"]),
        "hi_g": hi_g,
    }
    tail = (
        "a gap this large can move group means on its own, so compare within-person "
        "standardised scores or item rankings rather than raw means."
        if gap >= ERS_GAP
        else "the groups use the scale alike, so raw means can be compared."
    )
    return md(
        "Across {by}, the share of answers at the ends of the scale ranges from {lo:.0%} "
        "({lo_g}) to {hi:.0%} ({hi_g}); " + tail,
        **values,
    )
