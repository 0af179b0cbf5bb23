"""Fairness of decisions across groups: rates by group with intervals, gaps, and mitigation.

A decision — a model's prediction, a targeting list, a benefit handed out — is audited by
comparing, across the groups of a sensitive attribute (or the intersection of several):

* the **selection rate** P(selected | group); *demographic parity* asks for equal rates. Its
  difference is max − min over groups and its ratio min / max; a ratio below 0.8 fails the
  *four-fifths rule* of the US Uniform Guidelines on Employee Selection (29 CFR 1607.4(D)), the
  usual screen for adverse impact;
* the **true and false positive rates**; *equalized odds* (Hardt, Price & Srebro 2016) asks for
  both to be equal, and its difference is the larger of the two gaps.

The figures are computed as fairlearn computes them (Bird et al. 2020) — the tests check
equality with ``fairlearn.metrics`` — and each comes with a bootstrap interval. The bootstrap is
stratified by group (each group's rows resampled within the group, Efron & Tibshirani 1993,
§8.3), which for counts of a yes/no outcome is exactly a multinomial draw of each group's
cells, so a thousand replicates cost microseconds. Groups with fewer than ``min_n`` members are
flagged and their rates blanked in the shown table (see :func:`suppress_small_cells`).

Mitigation uses fairlearn's :class:`~fairlearn.postprocessing.ThresholdOptimizer` (Hardt et al.
2016), which picks group-specific thresholds on a model's scores; its cost is the drop in
accuracy on held-out customers. Note that such thresholds treat groups differently by design,
which some jurisdictions forbid for some decisions; that is a judgement for the business.

References
----------
.. [1] Hardt, M., Price, E., & Srebro, N. (2016). Equality of opportunity in supervised learning.
   *Advances in Neural Information Processing Systems*, 29.
.. [2] Bird, S., et al. (2020). *Fairlearn: A toolkit for assessing and improving fairness in
   AI*. Microsoft technical report MSR-TR-2020-32.
.. [3] Equal Employment Opportunity Commission (1978). *Uniform Guidelines on Employee Selection
   Procedures*, 29 CFR 1607.4(D) (the four-fifths rule).
.. [4] Efron, B., & Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*. Chapman & Hall.
.. [5] Crenshaw, K. (1989). Demarginalizing the intersection of race and sex. *University of
   Chicago Legal Forum*, 1989(1), 139–167 (why intersections are audited, not only attributes).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from cxlab.errors import DataError
from cxlab.ethics._consent import consenting, to_bool
from cxlab.ethics._privacy import MIN_CELL, suppress_small_cells

if TYPE_CHECKING:  # pragma: no cover
    from cxlab.contract.bundle import Bundle

__all__ = [
    "FOUR_FIFTHS",
    "FairnessReport",
    "Mitigation",
    "ModelAudit",
    "ModelData",
    "audit_model",
    "churn_frame",
    "fairness_report",
    "gap_at_equal_spend",
    "intersect",
    "mitigate",
    "offer_fairness",
]

#: The four-fifths rule: a selection-rate ratio below this suggests adverse impact.
FOUR_FIFTHS = 0.8

MISSING_GROUP = "(not recorded)"


def intersect(
    df: pd.DataFrame, columns: Sequence[str] | None = None, *, sep: str = " · "
) -> pd.Series:
    """Combine several attributes into intersectional groups (``"female · 55+"``).

    Parameters
    ----------
    df : pandas.DataFrame
        The attributes.
    columns : sequence of str, optional
        Which columns (default all).
    sep : str, default " · "

    Returns
    -------
    pandas.Series of str
        One group label per row; a missing value shows as ``"(not recorded)"``.

    Examples
    --------
    >>> intersect(pd.DataFrame({"g": ["f", "m"], "a": ["55+", None]})).tolist()
    ['f · 55+', 'm · (not recorded)']
    """
    cols = list(columns) if columns is not None else list(df.columns)
    parts = [df[c].astype("string").fillna(MISSING_GROUP) for c in cols]
    out = parts[0]
    for p in parts[1:]:
        out = out + sep + p
    return out.astype(str).rename(" · ".join(map(str, cols)))


def _groups(sensitive: Any, n: int) -> pd.Series:
    if isinstance(sensitive, pd.DataFrame):
        g = intersect(sensitive) if sensitive.shape[1] > 1 else sensitive.iloc[:, 0]
    else:
        g = pd.Series(sensitive)
    if len(g) != n:
        raise ValueError(f"sensitive has {len(g)} values but there are {n} predictions")
    return g.astype("string").fillna(MISSING_GROUP).astype(str).reset_index(drop=True)


def _binary(values: Any, name: str) -> np.ndarray:
    s = pd.Series(values).reset_index(drop=True)
    if not (pd.api.types.is_bool_dtype(s) or pd.api.types.is_numeric_dtype(s)):
        s = to_bool(s)
    if s.isna().any():
        bad = s.index[s.isna()][:5].tolist()
        raise ValueError(
            f"{name} must be yes/no (0/1 or True/False) with no missing values; rows {bad} are not"
        )
    arr = s.astype(int).to_numpy()
    if not set(np.unique(arr)) <= {0, 1}:
        raise ValueError(
            f"{name} must hold only 0 and 1 (or True/False); found {sorted(set(arr))[:5]}"
        )
    return arr


def _percentile(draws: np.ndarray, confidence: float) -> tuple[float, float]:
    alpha = (1 - confidence) / 2
    ok = draws[np.isfinite(draws)]
    if len(ok) < 0.5 * len(draws) or not len(ok):
        return float("nan"), float("nan")
    lo, hi = np.quantile(ok, [alpha, 1 - alpha])
    return float(lo), float(hi)


def _rate(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1), np.nan)


def _spread(rates: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return max - min and min / max over groups (last axis), ignoring groups without a rate."""
    known = np.isfinite(rates)
    hi = np.where(known, rates, -np.inf).max(axis=-1)
    lo = np.where(known, rates, np.inf).min(axis=-1)
    some = known.any(axis=-1)
    diff = np.where(some, hi - lo, np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(some & (hi > 0), lo / np.where(hi > 0, hi, 1), np.nan)
    return diff, ratio


@dataclass(frozen=True)
class FairnessReport:
    """A decision's rates by group, parity gaps and intervals; see :func:`fairness_report`.

    Attributes
    ----------
    by_group : pandas.DataFrame
        Index: group. ``n``, ``selected``, ``selection_rate`` with ``selection_low`` and
        ``selection_high``; with true outcomes also ``positives``, ``tpr``/``tpr_low``/
        ``tpr_high``, ``fpr``/``fpr_low``/``fpr_high`` and ``accuracy``.
    demographic_parity_difference, demographic_parity_ratio : float
        As fairlearn defines them (max − min and min / max of the selection rates).
    difference_interval, ratio_interval : tuple of float
        Bootstrap percentile intervals.
    equalized_odds_difference : float or None
        Larger of the TPR and FPR gaps (None without true outcomes); ``odds_interval`` likewise.
    n : int
    attribute : str
    min_n : int
    confidence : float
    """

    by_group: pd.DataFrame
    demographic_parity_difference: float
    demographic_parity_ratio: float
    difference_interval: tuple[float, float]
    ratio_interval: tuple[float, float]
    equalized_odds_difference: float | None
    odds_interval: tuple[float, float] | None
    n: int
    attribute: str
    min_n: int = MIN_CELL
    confidence: float = 0.95
    overall: dict[str, float] = field(default_factory=dict)

    @property
    def lowest(self) -> str:
        """The group with the lowest selection rate."""
        return str(self.by_group["selection_rate"].idxmin())

    @property
    def highest(self) -> str:
        """The group with the highest selection rate."""
        return str(self.by_group["selection_rate"].idxmax())

    @property
    def small_groups(self) -> list[str]:
        """Groups with fewer than ``min_n`` members."""
        return [str(g) for g in self.by_group.index[self.by_group["n"] < self.min_n]]

    @property
    def passes_four_fifths(self) -> bool:
        """Whether the selection-rate ratio is at least 0.8."""
        return bool(self.demographic_parity_ratio >= FOUR_FIFTHS)

    def ratio_headline(self) -> dict[str, Any]:
        """Return the parity ratio as a headline card: value, low, high, n (rounded)."""
        lo, hi = self.ratio_interval
        return {
            "value": round(self.demographic_parity_ratio, 3),
            "low": None if np.isnan(lo) else round(lo, 3),
            "high": None if np.isnan(hi) else round(hi, 3),
            "n": int(self.n),
        }

    def table(self) -> pd.DataFrame:
        """Return the by-group table for showing: small groups' rates blanked (see ``min_n``)."""
        return suppress_small_cells(self.by_group, min_n=self.min_n, count="n")

    def to_frame(self) -> pd.DataFrame:
        """One row per measure: value, interval and what it means."""
        lo, hi = self.difference_interval
        rlo, rhi = self.ratio_interval
        rows = [
            ("demographic parity difference", self.demographic_parity_difference, lo, hi),
            ("demographic parity ratio", self.demographic_parity_ratio, rlo, rhi),
        ]
        if self.equalized_odds_difference is not None and self.odds_interval is not None:
            rows.append(
                ("equalized odds difference", self.equalized_odds_difference, *self.odds_interval)
            )
        return pd.DataFrame(rows, columns=["measure", "value", "low", "high"]).set_index("measure")


def fairness_report(
    y_true: Any,
    y_pred: Any,
    *,
    sensitive: Any,
    n_boot: int = 1000,
    confidence: float = 0.95,
    min_n: int = MIN_CELL,
    seed: int = 0,
) -> FairnessReport:
    """Audit a yes/no decision across groups: rates, parity gaps, intervals.

    Parameters
    ----------
    y_true : array-like of 0/1, or None
        The true outcomes (e.g. churned). None for a decision with no "right answer", such as
        who was sent an offer: only selection rates and demographic parity are computed.
    y_pred : array-like of 0/1
        The decision (predicted class, selected for a campaign, benefit received).
    sensitive : array-like or pandas.DataFrame
        The group of each row; a DataFrame of several columns gives intersectional groups
        (see :func:`intersect`).
    n_boot : int, default 1000
        Bootstrap replicates.
    confidence : float, default 0.95
    min_n : int, default 5
        Groups smaller than this are flagged and blanked in :meth:`FairnessReport.table`.
    seed : int, default 0

    Returns
    -------
    FairnessReport

    Raises
    ------
    ValueError
        If the inputs differ in length, are not yes/no, or are empty.

    Examples
    --------
    >>> r = fairness_report(
    ...     [1, 0, 1, 0, 1, 0],
    ...     [1, 0, 1, 1, 0, 0],
    ...     sensitive=["a", "a", "a", "b", "b", "b"],
    ...     n_boot=200,
    ... )
    >>> r.by_group["selection_rate"].round(3).to_dict()
    {'a': 0.667, 'b': 0.333}
    >>> round(r.demographic_parity_ratio, 3), round(r.equalized_odds_difference, 3)
    (0.5, 1.0)
    """
    pred = _binary(y_pred, "y_pred")
    n = len(pred)
    if n == 0:
        raise ValueError("fairness_report needs at least one decision; got none")
    truth = None if y_true is None else _binary(y_true, "y_true")
    if truth is not None and len(truth) != n:
        raise ValueError(f"y_true has {len(truth)} values but y_pred has {n}")
    groups = _groups(sensitive, n)
    attribute = str(getattr(sensitive, "name", None) or "group")
    if isinstance(sensitive, pd.DataFrame):
        attribute = " · ".join(map(str, sensitive.columns))
    names = sorted(groups.unique())
    code = pd.Categorical(groups, categories=names).codes
    k = len(names)
    # cells per group: (TP, FN, FP, TN) with outcomes, else (selected, not selected)
    if truth is not None:
        cell = (1 - truth) * 2 + (1 - pred)  # 0 TP, 1 FN, 2 FP, 3 TN
        m = 4
    else:
        cell = 1 - pred
        m = 2
    counts = np.zeros((k, m), dtype=np.int64)
    np.add.at(counts, (code, cell), 1)
    sizes = counts.sum(axis=1)
    rng = np.random.default_rng(seed)
    boot = np.stack(
        [rng.multinomial(sizes[g], counts[g] / sizes[g], size=n_boot) for g in range(k)], axis=1
    )  # (n_boot, k, m)

    def rates(c: np.ndarray) -> dict[str, np.ndarray]:
        size = c.sum(axis=-1)
        if truth is None:
            return {"selection": _rate(c[..., 0], size)}
        return {
            "selection": _rate(c[..., 0] + c[..., 2], size),
            "tpr": _rate(c[..., 0], c[..., 0] + c[..., 1]),
            "fpr": _rate(c[..., 2], c[..., 2] + c[..., 3]),
            "accuracy": _rate(c[..., 0] + c[..., 3], size),
        }

    point, draws = rates(counts.astype(float)), rates(boot.astype(float))
    table = pd.DataFrame(index=pd.Index(names, name=attribute))
    table["n"] = sizes
    table["selected"] = counts[:, 0] + (counts[:, 2] if truth is not None else 0)
    for key in ("selection", "tpr", "fpr"):
        if key not in point:
            continue
        col = "selection_rate" if key == "selection" else key
        table[col] = point[key]
        bounds = [_percentile(draws[key][:, g], confidence) for g in range(k)]
        table[f"{'selection' if key == 'selection' else key}_low"] = [b[0] for b in bounds]
        table[f"{'selection' if key == 'selection' else key}_high"] = [b[1] for b in bounds]
        if key == "selection" and truth is not None:
            table.insert(2, "positives", counts[:, 0] + counts[:, 1])
    if truth is not None:
        table["accuracy"] = point["accuracy"]
    diff, ratio = _spread(point["selection"])
    bdiff, bratio = _spread(draws["selection"])
    eod = odds_interval = None
    if truth is not None:
        tdiff, _ = _spread(point["tpr"])
        fdiff, _ = _spread(point["fpr"])
        eod = float(max(tdiff, fdiff))
        btd, _ = _spread(draws["tpr"])
        bfd, _ = _spread(draws["fpr"])
        odds_interval = _percentile(np.fmax(btd, bfd), confidence)
    overall = {"selection_rate": float(pred.mean())}
    if truth is not None:
        overall["accuracy"] = float((pred == truth).mean())
    return FairnessReport(
        by_group=table,
        demographic_parity_difference=float(diff),
        demographic_parity_ratio=float(ratio),
        difference_interval=_percentile(bdiff, confidence),
        ratio_interval=_percentile(bratio, confidence),
        equalized_odds_difference=eod,
        odds_interval=odds_interval,
        n=n,
        attribute=attribute,
        min_n=min_n,
        confidence=confidence,
        overall=overall,
    )


# -- offers and benefits ------------------------------------------------------------------------


def _buyers(bundle: Bundle) -> pd.Index | None:
    if not bundle.has("transactions") or "amount" not in bundle.transactions:
        return None
    tx = bundle.transactions
    amount = pd.to_numeric(tx["amount"], errors="coerce")
    return pd.Index(tx.loc[amount > 0, "customer_id"].dropna().astype(str).unique())


def _benefit_frame(
    bundle: Bundle, column: str, attributes: Sequence[str], among: str
) -> pd.DataFrame:
    customers = bundle.customers
    missing = [c for c in [column, *attributes] if c not in customers]
    if missing:
        raise DataError.make(
            f"the customers table has no column {missing[0]!r}",
            rule="missing_column",
            table="customers",
            column=missing[0],
            hint="name a yes/no benefit column and attributes that the customers table holds "
            "(sensitive: in cxlab.yml lists the attributes)",
        )
    frame = customers.assign(customer_id=customers["customer_id"].astype(str))
    if among == "buyers":
        buyers = _buyers(bundle)
        if buyers is not None:
            frame = frame[frame["customer_id"].isin(buyers)]
    selected = to_bool(frame[column])
    bad = selected.isna()
    if bad.all():
        raise DataError.make(
            f"the benefit column {column!r} holds no yes/no values",
            rule="not_boolean",
            table="customers",
            column=column,
            hint="use true/false (or yes/no, 1/0) for who received the benefit",
        )
    frame = frame[~bad.to_numpy()].assign(_selected=selected[~bad].astype(bool).to_numpy())
    return frame.reset_index(drop=True)


def offer_fairness(
    bundle: Bundle,
    *,
    column: str,
    attribute: str | Sequence[str],
    among: str = "buyers",
    n_boot: int = 1000,
    seed: int = 0,
    min_n: int = MIN_CELL,
) -> FairnessReport:
    """Audit who received a benefit (an offer list, a reward, a discount) across groups.

    Parameters
    ----------
    bundle : cxlab.Bundle
    column : str
        The yes/no customers column recording who received it.
    attribute : str or sequence of str
        The sensitive attribute(s); several give intersectional groups.
    among : {"buyers", "all"}, default "buyers"
        Whom the benefit could go to: customers with a purchase (when the bundle has
        transactions), or every customer.
    n_boot, seed, min_n
        As in :func:`fairness_report`.

    Returns
    -------
    FairnessReport
        Selection rates only (a benefit has no "true" outcome).

    Examples
    --------
    >>> from cxlab import datasets
    >>> r = offer_fairness(
    ...     datasets.load_demo("clothing_retailer"),
    ...     column="offer_received",
    ...     attribute="age_band",
    ...     n_boot=200,
    ... )
    >>> r.lowest, r.passes_four_fifths
    ('55+', False)
    """
    if among not in ("buyers", "all"):
        raise ValueError(f"among must be 'buyers' or 'all'; got {among!r}")
    attrs = [attribute] if isinstance(attribute, str) else list(attribute)
    frame = _benefit_frame(bundle, column, attrs, among)
    sensitive = frame[attrs[0]].rename(attrs[0]) if len(attrs) == 1 else frame[attrs]
    return fairness_report(
        None, frame["_selected"], sensitive=sensitive, n_boot=n_boot, seed=seed, min_n=min_n
    )


def gap_at_equal_spend(
    bundle: Bundle, *, column: str, attribute: str, group: str, bins: int = 10
) -> dict[str, Any]:
    """Compare a group's benefit rate with everyone else's within bands of equal spend.

    Buyers are split into ``bins`` bands of net spend (deciles by default); within each band
    the group's rate is compared with the others', and the differences are averaged with
    weights equal to the band's size (the Cochran–Mantel–Haenszel idea of comparing like with
    like; Mantel & Haenszel 1959). A gap that survives this is not explained by spend.

    Returns
    -------
    dict
        ``difference`` (weighted mean of group − others, in rate units), ``bands`` (a DataFrame
        per band: n_group, n_others, rate_group, rate_others), ``n`` (buyers compared).
        ``difference`` is NaN without transactions or when no band holds both.

    Examples
    --------
    >>> from cxlab import datasets
    >>> g = gap_at_equal_spend(
    ...     datasets.load_demo("clothing_retailer"),
    ...     column="offer_received",
    ...     attribute="age_band",
    ...     group="55+",
    ... )
    >>> bool(g["difference"] < -0.15)
    True
    """
    frame = _benefit_frame(bundle, column, [attribute], "buyers")
    if not bundle.has("transactions"):
        return {"difference": float("nan"), "bands": pd.DataFrame(), "n": 0}
    tx = bundle.transactions
    spend = (
        pd.to_numeric(tx["amount"], errors="coerce").groupby(tx["customer_id"].astype(str)).sum()
    )
    frame = frame.assign(spend=frame["customer_id"].map(spend)).dropna(subset=["spend"])
    frame["band"] = pd.qcut(
        frame["spend"].rank(method="first"), bins, labels=False, duplicates="drop"
    )
    member = frame[attribute].astype("string") == group
    rows = []
    for band, part in frame.groupby("band"):
        m = member.loc[part.index]
        if m.any() and (~m).any():
            rows.append(
                (
                    band,
                    int(m.sum()),
                    int((~m).sum()),
                    part.loc[m, "_selected"].mean(),
                    part.loc[~m, "_selected"].mean(),
                )
            )
    bands = pd.DataFrame(rows, columns=["band", "n_group", "n_others", "rate_group", "rate_others"])
    if bands.empty:
        return {"difference": float("nan"), "bands": bands, "n": len(frame)}
    weight = bands["n_group"] + bands["n_others"]
    diff = float(((bands["rate_group"] - bands["rate_others"]) * weight).sum() / weight.sum())
    return {"difference": diff, "bands": bands.set_index("band"), "n": len(frame)}


# -- models -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ModelData:
    """Features, a churn label and sensitive attributes per customer; see :func:`churn_frame`."""

    X: pd.DataFrame
    y: pd.Series
    sensitive: pd.DataFrame
    left_out: int = 0
    reason: str = ""

    @property
    def available(self) -> bool:
        """Whether there is enough to fit a model (both classes, 20 customers or more)."""
        return not self.reason


def _churn_label(bundle: Bundle, ids: pd.Index) -> tuple[pd.Series | None, str]:
    rule = bundle.config.churn
    customers = bundle.customers.assign(customer_id=bundle.customers["customer_id"].astype(str))
    if rule.label:
        if rule.label not in customers:
            return None, f"the churn label column {rule.label!r} is not in the customers table"
        label = to_bool(customers.set_index("customer_id")[rule.label])
        return label.reindex(ids), ""
    if not bundle.has_dates("transactions"):
        return None, "churn is defined by inactivity, but the transactions have no dates"
    tx = bundle.transactions.dropna(subset=["customer_id", "date"])
    last = tx.groupby(tx["customer_id"].astype(str))["date"].max()
    cutoff = tx["date"].max() - pd.Timedelta(days=int(rule.inactive_days or 180))
    return (last.reindex(ids) < cutoff).astype("boolean"), ""


def churn_frame(bundle: Bundle, *, consent: bool = True) -> ModelData:
    """Build a small churn-modelling table: what a model may use, the label, and who is who.

    Features, one row per buying customer (every customer when the bundle has no
    transactions): ``support_contacts`` (events at a ``support`` touchpoint), ``csat_mean`` and
    ``ces_mean`` (the customer's identified survey answers; missing ones set to the average,
    with ``surveyed`` saying whether they answered) and ``tenure_days`` (from sign-up to the
    end of the data). The sensitive attributes of ``cxlab.yml`` are returned apart and never
    used as features. The label follows the bundle's churn rule (a label column, or no
    purchase in the last ``inactive_days``). Spend and order counts are left out on purpose:
    under an inactivity rule they are partly the label itself.

    Parameters
    ----------
    bundle : cxlab.Bundle
    consent : bool, default True
        Leave out customers who did not consent to modelling (see :func:`consenting`).

    Returns
    -------
    ModelData
        ``reason`` says why no model can be fitted (no sensitive attribute, a single class, too
        few customers); empty when one can.

    Examples
    --------
    >>> from cxlab import datasets
    >>> d = churn_frame(datasets.load_demo("saas"))
    >>> d.available, list(d.X.columns)
    (True, ['support_contacts', 'csat_mean', 'ces_mean', 'surveyed', 'tenure_days'])
    """
    empty = ModelData(pd.DataFrame(), pd.Series(dtype=bool), pd.DataFrame())
    if not bundle.has("customers"):
        return ModelData(
            empty.X, empty.y, empty.sensitive, reason="the bundle has no customers table"
        )
    customers = bundle.customers.assign(customer_id=bundle.customers["customer_id"].astype(str))
    sensitive = [c for c in bundle.config.sensitive if c in customers]
    if not sensitive:
        return ModelData(
            empty.X,
            empty.y,
            empty.sensitive,
            reason="cxlab.yml declares no sensitive attribute the customers table holds",
        )
    ids = pd.Index(customers["customer_id"])
    buyers = _buyers(bundle)
    if buyers is not None:
        ids = ids[ids.isin(buyers)]
    left_out = 0
    if consent:
        ok = consenting(bundle)
        ok = ok[~ok.index.duplicated()]
        keep = ok.reindex(ids).fillna(False).to_numpy(dtype=bool)
        left_out = int((~keep).sum())
        ids = ids[keep]
    label, why = _churn_label(bundle, ids)
    if label is None:
        return ModelData(empty.X, empty.y, empty.sensitive, left_out, why)
    X = pd.DataFrame(index=pd.Index(ids, name="customer_id"))
    support = pd.Series(dtype=float)
    if bundle.has("events") and {"customer_id", "touchpoint"} <= set(bundle.events.columns):
        ev = bundle.events
        at_support = ev["touchpoint"].astype("string").str.lower() == "support"
        support = ev.loc[at_support.fillna(False), "customer_id"].astype(str).value_counts()
    X["support_contacts"] = support.reindex(X.index).fillna(0).astype(float)
    answered = pd.Series(False, index=X.index)
    for score in ("csat", "ces"):
        mean = pd.Series(dtype=float)
        if bundle.has("responses") and {"customer_id", score} <= set(bundle.responses.columns):
            r = bundle.responses.dropna(subset=["customer_id"])
            mean = (
                pd.to_numeric(r[score], errors="coerce")
                .groupby(r["customer_id"].astype(str))
                .mean()
            )
        values = mean.reindex(X.index)
        answered |= values.notna()
        X[f"{score}_mean"] = values.fillna(values.mean() if values.notna().any() else 0.0).astype(
            float
        )
    X["surveyed"] = answered.astype(float)
    tenure = pd.Series(0.0, index=X.index)
    if bundle.has_dates("customers"):
        end = bundle.period[1] if bundle.period else customers["signup_date"].max()
        sign = customers.set_index("customer_id")["signup_date"]
        sign = sign[~sign.index.duplicated()].reindex(X.index)
        tenure = (end - sign).dt.days.astype(float).fillna(0.0)
    X["tenure_days"] = tenure
    y = label.reindex(X.index)
    known = y.notna().to_numpy()
    X, y = X[known], y[known].astype(bool)
    attrs = (
        customers.drop_duplicates("customer_id")
        .set_index("customer_id")[sensitive]
        .reindex(X.index)
    )
    reason = ""
    if len(y) < 20:
        reason = f"only {len(y)} customers can be modelled; at least 20 are needed"
    elif y.nunique() < 2:
        reason = "every modelled customer has the same churn label, so there is nothing to predict"
    return ModelData(X, y.rename("churned"), attrs, left_out, reason)


@dataclass(frozen=True)
class ModelAudit:
    """A fitted model's fairness on held-out customers; see :func:`audit_model`."""

    model: Any
    report: FairnessReport
    accuracy: float
    X_train: pd.DataFrame
    y_train: pd.Series
    s_train: pd.Series
    X_test: pd.DataFrame
    y_test: pd.Series
    s_test: pd.Series
    seed: int


def audit_model(
    model: Any,
    X: pd.DataFrame,
    y: Any,
    *,
    sensitive: Any,
    test_size: float = 0.3,
    seed: int = 0,
    n_boot: int = 1000,
    min_n: int = MIN_CELL,
) -> ModelAudit:
    """Fit any scikit-learn classifier and audit its predictions on held-out rows.

    The rows are split (stratified by label) into a training and a test part; the model is
    fitted on the first and its predictions on the second go to :func:`fairness_report`. The
    sensitive attribute is used only to audit, never as a feature.

    Parameters
    ----------
    model : scikit-learn classifier
        Unfitted estimator (a clone is fitted), e.g. a ``Pipeline`` ending in
        ``LogisticRegression``; any estimator with ``fit`` and ``predict``.
    X : pandas.DataFrame
        Features.
    y : array-like of 0/1
        The true outcome.
    sensitive : pandas.Series or DataFrame
        Group of each row (a DataFrame of several columns: intersectional groups).
    test_size : float, default 0.3
    seed : int, default 0
    n_boot, min_n
        As in :func:`fairness_report`.

    Returns
    -------
    ModelAudit

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> rng = np.random.default_rng(0)
    >>> X = pd.DataFrame({"x": rng.normal(size=200)})
    >>> y = (X["x"] + rng.normal(size=200) > 0).astype(int)
    >>> a = audit_model(
    ...     LogisticRegression(), X, y, sensitive=pd.Series(["a", "b"] * 100), n_boot=100
    ... )
    >>> 0.5 < a.accuracy <= 1, sorted(a.report.by_group.index)
    (True, ['a', 'b'])
    """
    from sklearn.base import clone
    from sklearn.model_selection import train_test_split

    y_arr = pd.Series(_binary(y, "y"), index=X.index)
    groups = _groups(sensitive, len(X))
    groups.index = X.index
    X_tr, X_te, y_tr, y_te, s_tr, s_te = train_test_split(
        X, y_arr, groups, test_size=test_size, random_state=seed, stratify=y_arr
    )
    fitted = clone(model).fit(X_tr, y_tr)
    pred = fitted.predict(X_te)
    name = sensitive.name if isinstance(sensitive, pd.Series) else None
    report = fairness_report(
        y_te.to_numpy(),
        pred,
        sensitive=s_te.rename(name or "group"),
        n_boot=n_boot,
        seed=seed,
        min_n=min_n,
    )
    accuracy = float((np.asarray(pred).astype(int) == y_te.to_numpy()).mean())
    return ModelAudit(fitted, report, accuracy, X_tr, y_tr, s_tr, X_te, y_te, s_te, seed)


@dataclass(frozen=True)
class Mitigation:
    """Before and after a fairness mitigation; see :func:`mitigate`."""

    before: FairnessReport
    after: FairnessReport
    accuracy_before: float
    accuracy_after: float
    constraint: str
    optimizer: Any
    change_interval: tuple[float, float] = (float("nan"), float("nan"))

    @property
    def accuracy_cost(self) -> float:
        """Accuracy lost (before − after; negative if it rose)."""
        return self.accuracy_before - self.accuracy_after

    @property
    def parity_change(self) -> float:
        """Held-out demographic parity difference after minus before (negative: fairer)."""
        return self.after.demographic_parity_difference - self.before.demographic_parity_difference

    @property
    def measurable(self) -> bool:
        """Whether the paired interval of :attr:`parity_change` leaves out zero."""
        lo, hi = self.change_interval
        return bool(hi < 0 or lo > 0)

    def to_frame(self) -> pd.DataFrame:
        """Accuracy and the parity measures, before and after."""

        def row(r: FairnessReport, acc: float) -> dict[str, float]:
            return {
                "accuracy": acc,
                "selection rate": r.overall["selection_rate"],
                "demographic parity ratio": r.demographic_parity_ratio,
                "demographic parity difference": r.demographic_parity_difference,
                "equalized odds difference": r.equalized_odds_difference,
            }

        return pd.DataFrame(
            {
                "before": row(self.before, self.accuracy_before),
                "after": row(self.after, self.accuracy_after),
            }
        )


def mitigate(
    audit: ModelAudit, *, constraint: str = "demographic_parity", n_boot: int = 1000
) -> Mitigation:
    """Post-process an audited model with fairlearn's ThresholdOptimizer, and measure the cost.

    Group-specific thresholds on the model's predicted probabilities are chosen on the training
    rows to satisfy ``constraint`` while keeping accuracy as high as possible (Hardt et al.
    2016), then applied to the held-out rows of the audit.

    The thresholds equalise the groups' rates on the training rows only. When the model was not
    unfair to begin with, the held-out gap is mostly the luck of the split, which thresholds
    fitted elsewhere cannot remove: the gap after can then be larger than before. So the change
    in the parity difference comes with a paired bootstrap interval (held-out rows resampled
    within each group, the decisions before and after kept together; Efron and Tibshirani
    1993): :attr:`Mitigation.measurable` says whether it leaves out zero.

    Parameters
    ----------
    audit : ModelAudit
        From :func:`audit_model` (its model must have ``predict_proba``).
    constraint : {"demographic_parity", "equalized_odds", "true_positive_rate_parity", ...}
        Any constraint ThresholdOptimizer accepts.
    n_boot : int, default 1000

    Returns
    -------
    Mitigation
        With ``change_interval``, the interval of ``after − before`` parity difference.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> rng = np.random.default_rng(1)
    >>> s = pd.Series(np.repeat(["a", "b"], 200), name="g")
    >>> X = pd.DataFrame({"x": rng.normal(size=400) + (s == "a")})
    >>> y = (X["x"] + rng.normal(size=400) > 0.5).astype(int)
    >>> m = mitigate(audit_model(LogisticRegression(), X, y, sensitive=s, n_boot=100), n_boot=100)
    >>> m.after.demographic_parity_difference < m.before.demographic_parity_difference
    True
    >>> m.measurable, m.change_interval[1] < 0
    (True, True)
    """
    from fairlearn.postprocessing import ThresholdOptimizer

    outcomes = pd.Series(np.asarray(audit.y_train)).groupby(audit.s_train.to_numpy()).nunique()
    one_outcome = [str(g) for g, k in outcomes.items() if k < 2]
    if one_outcome:
        raise DataError.make(
            f"in the training rows every customer of {', '.join(one_outcome)} has the same "
            "outcome, so no threshold for that group can trade one outcome against the other",
            rule="one_outcome_group",
            column=str(audit.report.attribute),
            hint="merge the group with a similar one, or audit a larger sample",
        )
    opt = ThresholdOptimizer(
        estimator=audit.model, constraints=constraint, prefit=True, predict_method="predict_proba"
    )
    opt.fit(audit.X_train, audit.y_train, sensitive_features=audit.s_train.to_numpy())
    pred = opt.predict(
        audit.X_test, sensitive_features=audit.s_test.to_numpy(), random_state=audit.seed
    )
    after = fairness_report(
        audit.y_test.to_numpy(),
        pred,
        sensitive=audit.s_test.rename(audit.report.attribute),
        n_boot=n_boot,
        seed=audit.seed,
        min_n=audit.report.min_n,
    )
    acc = float((np.asarray(pred).astype(int) == audit.y_test.to_numpy()).mean())
    before_pred = _binary(audit.model.predict(audit.X_test), "the model's predictions")
    change = _paired_parity_change(
        before_pred,
        _binary(pred, "the mitigated predictions"),
        audit.s_test,
        n_boot=n_boot,
        seed=audit.seed,
        confidence=audit.report.confidence,
    )
    return Mitigation(audit.report, after, audit.accuracy, acc, constraint, opt, change)


def _paired_parity_change(
    before: np.ndarray,
    after: np.ndarray,
    groups: pd.Series,
    *,
    n_boot: int,
    seed: int,
    confidence: float,
) -> tuple[float, float]:
    """Bootstrap interval of the change in demographic parity difference on the same rows."""
    names = sorted(groups.unique())
    code = pd.Categorical(groups, categories=names).codes
    counts = np.zeros((len(names), 4), dtype=np.int64)  # cell = before * 2 + after
    np.add.at(counts, (code, before * 2 + after), 1)
    sizes = counts.sum(axis=1)
    rng = np.random.default_rng(seed)
    boot = np.stack(
        [rng.multinomial(sizes[g], counts[g] / sizes[g], size=n_boot) for g in range(len(names))],
        axis=1,
    ).astype(float)  # (n_boot, k, 4)
    diff_before, _ = _spread(_rate(boot[..., 2] + boot[..., 3], sizes))
    diff_after, _ = _spread(_rate(boot[..., 1] + boot[..., 3], sizes))
    return _percentile(diff_after - diff_before, confidence)
