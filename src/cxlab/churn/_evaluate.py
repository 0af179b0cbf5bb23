"""Honest evaluation of a churn model: out-of-fold scores, intervals, calibration, lift, drivers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.inspection import permutation_importance
from sklearn.metrics import average_precision_score, brier_score_loss
from sklearn.model_selection import StratifiedKFold, TimeSeriesSplit

__all__ = ["Evaluation", "auc_interval", "drivers", "evaluate", "gains_table", "plain_name"]

_PLAIN = {
    "csat_mean": "satisfaction (average CSAT)",
    "ces_mean": "ease of doing business (average CES)",
    "nps_latest": "likelihood to recommend (latest NPS answer)",
    "support_contacts": "support contacts",
    "answers": "survey answers given",
    "orders": "number of orders",
    "spend": "money spent",
    "recency_days": "days since the last purchase",
    "first_purchase_days": "days since the first purchase",
    "order_trend": "change in orders (last 90 days against the 90 before)",
    "tenure_days": "time as a customer",
}


def plain_name(column: str) -> str:
    """Return a feature's name in words.

    Examples
    --------
    >>> plain_name("support_contacts"), plain_name("MonthlyCharges")
    ('support contacts', 'monthly charges')
    """
    if column in _PLAIN:
        return _PLAIN[column]
    import re

    words = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", str(column)).replace("_", " ")
    return words.lower().strip()


def _weighted_auc(
    order_scores: np.ndarray, y: np.ndarray, w: np.ndarray, groups: np.ndarray
) -> float:
    """AUC with case weights, scores pre-sorted ascending, ties grouped by ``groups``."""
    wp, wn = w * y, w * (1 - y)
    gp = np.bincount(groups, weights=wp)
    gn = np.bincount(groups, weights=wn)
    below = np.cumsum(gn) - gn
    total_p, total_n = gp.sum(), gn.sum()
    if total_p == 0 or total_n == 0:
        return np.nan
    return float((gp * (below + 0.5 * gn)).sum() / (total_p * total_n))


def auc_interval(
    y: Any, score: Any, *, n_boot: int = 500, confidence: float = 0.95, random_state: int = 0
) -> dict[str, float]:
    """ROC-AUC with a percentile bootstrap interval.

    Customers are resampled ``n_boot`` times by the Poisson bootstrap (each customer weighted by
    a Poisson(1) count, which approximates resampling with replacement for all but tiny samples
    and costs one pass over the sorted scores per replicate).

    Parameters
    ----------
    y : array-like of bool or 0/1
    score : array-like of float
    n_boot : int, default 500
    confidence : float, default 0.95
    random_state : int, default 0

    Returns
    -------
    dict
        ``value``, ``low``, ``high``, ``n``, ``positives``.

    References
    ----------
    Efron, B., & Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*. Chapman & Hall.
    Hanley, J. A., & MacGibbon, B. (2006). Creating non-parametric bootstrap samples using
    Poisson frequencies. *Computer Methods and Programs in Biomedicine*, 83(1), 57–62.
    Hanley, J. A., & McNeil, B. J. (1982). The meaning and use of the area under a receiver
    operating characteristic (ROC) curve. *Radiology*, 143(1), 29–36.

    Examples
    --------
    >>> r = auc_interval([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    >>> r["value"]
    0.75
    """
    y = np.asarray(y).astype(float)
    s = np.asarray(score, dtype=float)
    order = np.argsort(s, kind="stable")
    y, s = y[order], s[order]
    groups = np.concatenate([[0], np.cumsum(np.diff(s) != 0)]).astype(np.int64)
    n = len(y)
    value = _weighted_auc(s, y, np.ones(n), groups)
    rng = np.random.default_rng(random_state)
    boot = np.array(
        [_weighted_auc(s, y, rng.poisson(1.0, n).astype(float), groups) for _ in range(n_boot)]
    )
    alpha = (1 - confidence) / 2
    low, high = np.nanquantile(boot, [alpha, 1 - alpha]) if n_boot else (np.nan, np.nan)
    return {
        "value": value,
        "low": float(low),
        "high": float(high),
        "n": int(n),
        "positives": int(y.sum()),
    }


def gains_table(y: Any, score: Any, *, bins: int = 10) -> pd.DataFrame:
    """Lift and cumulative gains by decile of predicted risk (decile 1 = highest risk).

    Returns
    -------
    pandas.DataFrame
        ``decile``, ``n``, ``churners``, ``churn_rate``, ``lift`` (rate against the overall
        rate), ``gain`` (share of all churners caught up to this decile), ``share_contacted``.

    Examples
    --------
    >>> t = gains_table([1, 1, 0, 0, 0, 0, 0, 0, 0, 0], list(range(10, 0, -1)), bins=5)
    >>> t["lift"].tolist()
    [5.0, 0.0, 0.0, 0.0, 0.0]
    """
    y = np.asarray(y).astype(float)
    s = np.asarray(score, dtype=float)
    order = np.argsort(-s, kind="stable")
    decile = np.empty(len(y), dtype=int)
    decile[order] = np.arange(len(y)) * bins // len(y) + 1
    frame = pd.DataFrame({"decile": decile, "y": y})
    t = frame.groupby("decile")["y"].agg(n="size", churners="sum").reset_index()
    base = y.mean()
    t["churn_rate"] = t["churners"] / t["n"]
    t["lift"] = t["churn_rate"] / base if base > 0 else np.nan
    t["gain"] = t["churners"].cumsum() / y.sum() if y.sum() else np.nan
    t["share_contacted"] = t["n"].cumsum() / len(y)
    return t


@dataclass(frozen=True)
class Evaluation:
    """Out-of-fold evaluation of a churn model.

    Attributes
    ----------
    scores : pandas.Series
        Out-of-fold P(churn) for every customer that was tested.
    labels : pandas.Series
    metrics : pandas.DataFrame
        ``metric``, ``model``, ``low``, ``high``, ``baseline`` (always predicting the churn
        rate): ROC-AUC, PR-AUC and Brier score.
    calibration : pandas.DataFrame
        ``bin``, ``n``, ``predicted`` (mean P), ``observed`` (churn rate).
    gains : pandas.DataFrame
    split : str
        ``"time"`` or ``"stratified"``.
    folds : int
    """

    scores: pd.Series
    labels: pd.Series
    metrics: pd.DataFrame
    calibration: pd.DataFrame
    gains: pd.DataFrame
    split: str
    folds: int
    auc: dict[str, float] = field(default_factory=dict)


def _calibration(y: np.ndarray, p: np.ndarray, bins: int = 10) -> pd.DataFrame:
    edges = np.unique(np.quantile(p, np.linspace(0, 1, bins + 1)))
    which = np.clip(np.searchsorted(edges, p, side="right") - 1, 0, max(len(edges) - 2, 0))
    frame = pd.DataFrame({"bin": which + 1, "p": p, "y": y})
    return (
        frame.groupby("bin")
        .agg(n=("y", "size"), predicted=("p", "mean"), observed=("y", "mean"))
        .reset_index()
    )


def evaluate(
    model: Any,
    X: pd.DataFrame,
    y: pd.Series,
    *,
    time: pd.Series | None = None,
    folds: int = 5,
    n_boot: int = 500,
    random_state: int = 0,
) -> Evaluation:
    """Evaluate a churn model out of fold, beside the naive baseline.

    With ``time`` (e.g. each customer's signup or first purchase date) the split is
    forward-chaining: customers are ordered by it and each fold is tested on later customers
    than it was trained on (``TimeSeriesSplit``), so the model never learns from the future;
    the first block is only ever trained on. Without dates it is stratified k-fold.

    Parameters
    ----------
    model : estimator
        A :class:`ChurnModel` (or any classifier with ``predict_proba``); cloned per fold.
    X : pandas.DataFrame
    y : pandas.Series of bool
    time : pandas.Series, optional
    folds : int, default 5
    n_boot : int, default 500
        Bootstrap replicates of the AUC interval.
    random_state : int, default 0

    Returns
    -------
    Evaluation

    References
    ----------
    Brier, G. W. (1950). Verification of forecasts expressed in terms of probability. *Monthly
    Weather Review*, 78(1), 1–3. Saito, T., & Rehmsmeier, M. (2015). The precision-recall plot
    is more informative than the ROC plot when evaluating binary classifiers on imbalanced
    datasets. *PLoS ONE*, 10(3), e0118432.
    """
    yv = np.asarray(y).astype(int)
    n = len(yv)
    oof = np.full(n, np.nan)
    if time is not None and pd.Series(time).notna().mean() > 0.9:
        rank = pd.Series(time).rank(method="first", na_option="top").to_numpy()
        order = np.argsort(rank, kind="stable")
        splits = [(order[a], order[b]) for a, b in TimeSeriesSplit(n_splits=folds).split(order)]
        split = "time"
    else:
        cv = StratifiedKFold(n_splits=folds, shuffle=True, random_state=random_state)
        splits = list(cv.split(np.zeros(n), yv))
        split = "stratified"
    for train, test in splits:
        m = clone(model).fit(X.iloc[train], yv[train])
        oof[test] = m.predict_proba(X.iloc[test])[:, 1]
    tested = ~np.isnan(oof)
    yt, pt = yv[tested], oof[tested]
    base = yt.mean()
    auc = auc_interval(yt, pt, n_boot=n_boot, random_state=random_state)
    metrics = pd.DataFrame(
        [
            ("ROC-AUC", auc["value"], auc["low"], auc["high"], 0.5),
            ("PR-AUC", average_precision_score(yt, pt), np.nan, np.nan, base),
            ("Brier score", brier_score_loss(yt, pt), np.nan, np.nan, base * (1 - base)),
        ],
        columns=["metric", "model", "low", "high", "baseline"],
    )
    index = X.index[tested]
    return Evaluation(
        scores=pd.Series(pt, index=index, name="churn_risk"),
        labels=pd.Series(yt.astype(bool), index=index, name="churned"),
        metrics=metrics,
        calibration=_calibration(yt, pt),
        gains=gains_table(yt, pt),
        split=split,
        folds=folds,
        auc=auc,
    )


class _OnCleanColumns(ClassifierMixin, BaseEstimator):
    """A fitted :class:`ChurnModel` that takes its table already through its ``RawCleaner``.

    The cleaner converts each column on its own, row by row, so shuffling a raw column and then
    cleaning gives the same table as cleaning and then shuffling. Permutation importance scores
    the model once per column and repeat; cleaning the table once instead of every time (text
    parsed to numbers, categories trimmed) takes about a quarter off its time with the same
    result. Columns keep the raw table's order, so every column gets the same shuffles.
    """

    def __init__(self, model: Any = None):
        self.model = model

    def fit(self, X: Any, y: Any = None) -> _OnCleanColumns:  # pragma: no cover - never refitted
        raise NotImplementedError("_OnCleanColumns wraps a model that is already fitted.")

    @property
    def classes_(self) -> np.ndarray:
        return self.model.classes_

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        order = self.model.cleaner_.numeric_ + self.model.cleaner_.categorical_
        return self.model.calibrated_.predict_proba(X[order])

    def decision_function(self, X: pd.DataFrame) -> np.ndarray:  # as ChurnModel's
        p = np.clip(self.predict_proba(X)[:, 1], 1e-12, 1 - 1e-12)
        return np.log(p / (1 - p))


def drivers(
    model: Any, X: pd.DataFrame, y: pd.Series, *, n_repeats: int = 5, random_state: int = 0
) -> pd.DataFrame:
    """Which columns drive the model: coefficients and permutation importance side by side.

    Permutation importance is the drop in ROC-AUC when one raw column is shuffled (on the
    rows given; pass held-out rows where possible). Coefficients (logistic model only) are the
    largest standardised log-odds among a column's encoded features, with their sign. Two
    correlated columns share the credit: shuffling one leaves the other to carry the signal,
    so both look less important than together; ``correlated_with`` names the partner
    (|r| ≥ 0.6 between numeric columns).

    Returns
    -------
    pandas.DataFrame
        Indexed by column: ``driver`` (words), ``coefficient``, ``importance``,
        ``importance_sd``, ``correlated_with``; most important first.

    References
    ----------
    Breiman, L. (2001). Random forests. *Machine Learning*, 45(1), 5–32 (permutation
    importance). Strobl, C. et al. (2008). Conditional variable importance for random forests.
    *BMC Bioinformatics*, 9, 307 (why correlated predictors share importance).
    """
    scored, table = model, X
    if hasattr(model, "cleaner_") and hasattr(model, "calibrated_"):  # a fitted ChurnModel
        table = model.cleaner_.transform(X)[[str(c) for c in X.columns]]
        scored = _OnCleanColumns(model)
    pi = permutation_importance(
        scored,
        table,
        np.asarray(y).astype(int),
        scoring="roc_auc",
        n_repeats=n_repeats,
        random_state=random_state,
    )
    out = pd.DataFrame(
        {"importance": pi.importances_mean, "importance_sd": pi.importances_std},
        index=pd.Index([str(c) for c in X.columns], name="column"),
    )
    out["coefficient"] = np.nan
    if getattr(model, "kind", None) == "logistic":
        coef = model.coefficients()
        top = coef.loc[coef.groupby("column")["coefficient"].apply(lambda s: s.abs().idxmax())]
        out["coefficient"] = top.set_index("column")["coefficient"].reindex(out.index)
    numeric = X.apply(pd.to_numeric, errors="coerce")
    numeric = numeric.loc[:, numeric.notna().mean() > 0.5]
    corr = numeric.corr().abs() if numeric.shape[1] > 1 else pd.DataFrame()
    partner = {}
    for col in corr.columns:
        others = corr[col].drop(col)
        if len(others) and others.max() >= 0.6:
            partner[col] = others.idxmax()
    out["correlated_with"] = [plain_name(partner[c]) if c in partner else "" for c in out.index]
    out.insert(0, "driver", [plain_name(c) for c in out.index])
    return out.sort_values("importance", ascending=False)
