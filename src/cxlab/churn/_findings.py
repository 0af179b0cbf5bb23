"""The sentences chapter 05 states, each true for whichever bundle is loaded."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from cxlab import present
from cxlab.churn._data import Windows
from cxlab.churn._evaluate import Evaluation, plain_name
from cxlab.findings import Finding, md, noun

__all__ = [
    "MIN_CHURNERS",
    "churn_headlines",
    "drivers_finding",
    "evaluation_finding",
    "labels_finding",
    "leakage_finding",
    "skipped_finding",
    "survey_finding",
    "survival_finding",
    "targeting_finding",
]

#: Fewest churners (and stayers) the chapter fits a model on.
MIN_CHURNERS = 10


def _wilson(k: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    if n == 0:
        return (np.nan, np.nan)
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


def churn_rate(labels: pd.Series) -> dict[str, Any]:
    """Churn rate with a Wilson 95 % interval: ``share``, ``low``, ``high``, ``n``.

    Examples
    --------
    >>> r = churn_rate(pd.Series([True, False, False, False]))
    >>> r["share"], r["n"]
    (0.25, 4)
    """
    n, k = len(labels), int(labels.sum())
    low, high = _wilson(k, n)
    return {"share": k / n if n else np.nan, "low": low, "high": high, "n": n}


def labels_finding(labels: pd.Series) -> Finding:
    """How churn is defined here, the windows, and the churn rate with its interval."""
    w: Windows = labels.attrs["windows"]
    r = churn_rate(labels)
    if r["n"] == 0:
        return Finding.unsupported("No customer has a churn status, so there is no churn rate.")
    if w.rule == "label":
        head = md("Churn is the yes/no column **{label}** of the customers table.", label=w.label)
    else:
        head = md(
            "A customer who bought on or before **{cutoff}** (the observation window, from "
            "{start}) churned when they bought nothing in the {days} days after it, up to {end} "
            "(the prediction window); every feature uses data up to the cutoff only.",
            cutoff=w.cutoff.date().isoformat(),
            start=w.start.date().isoformat(),
            days=w.inactive_days,
            end=w.end.date().isoformat(),
        )
    rate = md(
        "**{k:,}** of {n:,} customers churned: **{share:.1%}** (95 % interval {low:.1%} to "
        "{high:.1%}).",
        k=int(labels.sum()),
        n=r["n"],
        share=r["share"],
        low=r["low"],
        high=r["high"],
    )
    f = Finding(head.template + " " + rate.template, {**head.values, **rate.values})
    if min(int(labels.sum()), r["n"] - int(labels.sum())) < MIN_CHURNERS:
        return Finding(
            f.template + " Too few in one group to fit a model.", f.values, supported=False
        )
    return f


def evaluation_finding(ev: Evaluation, *, name: str = "the model") -> Finding:
    """State what the out-of-fold scores say: the AUC with its interval, against chance."""
    m = ev.metrics.set_index("metric")
    auc = ev.auc
    top = ev.gains.iloc[0]
    split = (
        "trained on earlier customers and tested on later ones"
        if ev.split == "time"
        else f"tested out of fold ({ev.folds}-fold, stratified)"
    )
    if auc["low"] <= 0.5:
        return Finding.unsupported(
            "{name} does no better than chance: ROC-AUC {auc:.2f} (95 % interval {low:.2f} to "
            "{high:.2f}, n = {n:,}), so its scores should not be used to choose whom to call.",
            name=name,
            auc=auc["value"],
            low=auc["low"],
            high=auc["high"],
            n=auc["n"],
        )
    return md(
        "{name}, " + split + ", ranks a churner above a stayer {auc:.0%} of the time (ROC-AUC "
        "{auc:.2f}, 95 % interval {low:.2f} to {high:.2f}, n = {n:,}; chance is 0.50). Its "
        "Brier score is {brier:.3f} against {base:.3f} for always predicting the churn rate, "
        "and the riskiest tenth holds {lift:.1f} times the average churn rate.",
        name=name,
        auc=auc["value"],
        low=auc["low"],
        high=auc["high"],
        n=auc["n"],
        brier=m.loc["Brier score", "model"],
        base=m.loc["Brier score", "baseline"],
        lift=top["lift"],
    )


def leakage_finding(honest: Evaluation, leaky: Evaluation) -> Finding:
    """Compare the AUC with and without the leaked features."""
    return md(
        "With activity counted past the cutoff the AUC jumps to **{leak:.2f}** from an honest "
        "{auc:.2f}: the leaked features contain the silence that defines churn, so that model "
        "would look near perfect here and fail on the day it is used.",
        leak=leaky.auc["value"],
        auc=honest.auc["value"],
    )


def drivers_finding(table: pd.DataFrame, *, top: int = 3) -> Finding:
    """Name the top drivers by permutation importance, with the correlated-features caveat."""
    useful = table[table["importance"] > 0]
    if useful.empty:
        return Finding.unsupported(
            "No column changes the model's ranking when shuffled, so no driver stands out."
        )
    names = list(useful["driver"].head(top))
    coupled = [
        (plain_name(c), plain_name(p)) for c, p in useful["correlated_with"].head(top).items() if p
    ]
    text = "The model leans most on {names}." + (
        " Correlated columns share their credit ({pairs}): shuffling one leaves the other to "
        "carry the signal, so read their importance together, and none of this is proof of "
        "cause."
        if coupled
        else " Importance shows what the model uses, not what causes churn."
    )
    return md(text, names=", ".join(names), pairs="; ".join(f"{a} with {b}" for a, b in coupled))


def survival_finding(km: pd.DataFrame, test: dict[str, Any], *, by: str, unit: str) -> Finding:
    """Which segment keeps its customers longest, and whether the log-rank test backs it."""
    if km.empty or test["groups"] < 2:
        return Finding.unsupported(
            "Too few customers or churn events per {by} group for survival curves.", by=by
        )
    last = km.groupby("group").tail(1).set_index("group")["survival"]
    best, worst = last.idxmax(), last.idxmin()
    verdict = (
        "the difference is unlikely to be chance (log-rank {p})"
        if test["p_value"] < 0.05
        else "but the log-rank test does not rule out chance ({p})"
    )
    return md(
        "By **{by}**, {best} customers stay longest ({sb:.0%} still customers at the end of the "
        "curve) and {worst} customers leave soonest ({sw:.0%}); " + verdict + ". Time is in "
        "{unit}.",
        by=present.term(by),
        best=best,
        worst=worst,
        sb=last[best],
        sw=last[worst],
        p=present.p_phrase(test["p_value"]),
        unit=unit,
    )


def targeting_finding(
    targets: pd.DataFrame, *, save_rate: float, contact_cost: float, currency: str, basis: str
) -> Finding:
    """How many customers are worth a call and what it should save."""
    if targets.empty:
        return Finding.unsupported(
            "At a save rate of {rate:.0%} and {cost:,.2f} {cur} a contact, no customer's expected "
            "saving exceeds the cost of calling, so no one is listed.",
            rate=save_rate,
            cost=contact_cost,
            cur=currency,
        )
    return md(
        "Calling the **{n:,}** {customers} whose expected saving beats the {cost:,.2f} {cur} a "
        "contact costs should keep about **{saved:,.0f} {cur}** (net of the calls) at a save "
        "rate of {rate:.0%}; value is {basis}. The first {k} on the list carry {share:.0%} of it.",
        n=len(targets),
        customers=noun(len(targets), "customer"),
        cost=contact_cost,
        cur=currency,
        saved=targets["expected_saved"].sum(),
        rate=save_rate,
        basis=basis,
        k=min(len(targets), max(1, len(targets) // 5)),
        share=targets["expected_saved"].head(max(1, len(targets) // 5)).sum()
        / targets["expected_saved"].sum(),
    )


def survey_finding(effect: dict[str, Any], *, label: str) -> Finding:
    """Say plainly whether the survey score predicts churn here."""
    if effect.get("predicts") is None:
        return Finding.unsupported(
            "Too few customers answered {label} (n = {n:,}, {k:,} churners) to say whether it "
            "predicts churn here.",
            label=label,
            n=effect.get("n", 0),
            k=effect.get("churners", 0),
        )
    values = dict(
        label=label,
        auc=effect["auc"],
        low=effect["low"],
        high=effect["high"],
        n=effect["n"],
        orr=effect["odds_ratio"],
        orl=effect["or_low"],
        orh=effect["or_high"],
    )
    if effect["predicts"]:
        return md(
            "**{label} predicts churn here.** Each point higher multiplies the odds of churn by "
            "{orr:.2f} (95 % interval {orl:.2f} to {orh:.2f}); on its own it ranks churners "
            "with an AUC of {auc:.2f} ({low:.2f} to {high:.2f}, n = {n:,}).",
            **values,
        )
    return Finding(
        "**{label} does not predict churn here**: its AUC of {auc:.2f} (95 % interval {low:.2f} "
        "to {high:.2f}, n = {n:,}) and odds ratio of {orr:.2f} per point ({orl:.2f} to {orh:.2f}) "
        "are consistent with no link.",
        values,
        supported=False,
    )


_SKIPS = {
    "model": "No model is fitted: {why}",
    "leakage": "The leakage example is skipped: {why}",
    "survival": "Survival curves are skipped: {why}",
    "survey": "The survey-meets-behaviour check is skipped: {why}",
    "segments": "No customer attribute with 2 to 8 groups to compare survival by.",
    "planted": "The planted-truth check runs on a demo client only.",
}


def skipped_finding(section: str, reason: str = "") -> Finding:
    """One line saying why a section does not apply to this bundle."""
    return Finding.unsupported(_SKIPS[section], why=reason.rstrip("."))


def churn_headlines(
    labels: pd.Series | None,
    ev: Evaluation | None,
    driver_table: pd.DataFrame | None,
    targets: pd.DataFrame | None,
    *,
    reasons: dict[str, str],
) -> tuple[dict, dict]:
    """Return the chapter's headline numbers and the notes for those that are missing."""
    notes: dict[str, str] = {}
    rate = None if labels is None else churn_rate(labels)
    auc = None if ev is None else {k: ev.auc[k] for k in ("value", "low", "high", "n")}
    drivers = None
    if driver_table is not None:
        drivers = list(driver_table.loc[driver_table["importance"] > 0, "driver"].head(3)) or None
    numbers = {
        "churn_rate": rate,
        "auc": auc,
        "top_drivers": drivers,
        "contact_list_customers": None if targets is None else len(targets),
        "contact_list_value": None
        if targets is None
        else round(float(targets["expected_saved"].sum()), 2),
    }
    for key, value in numbers.items():
        if value is None:
            notes[key] = reasons.get(key) or reasons.get("model") or "the bundle cannot support it"
    return numbers, notes
