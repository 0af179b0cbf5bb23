"""Survival curves: how long customers stay, by segment, with Kaplan–Meier, log-rank and Cox."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from statsmodels.duration.hazard_regression import PHReg
from statsmodels.duration.survfunc import SurvfuncRight, survdiff

from cxlab.errors import DataError

if TYPE_CHECKING:  # pragma: no cover
    from cxlab.contract.bundle import Bundle

__all__ = ["cox_model", "kaplan_meier", "logrank", "segment_column", "survival_data"]

#: Columns preferred for survival curves by segment, in order.
PREFERRED_SEGMENTS = ("plan", "contract", "segment", "tier", "company_size", "channel")


def segment_column(features: pd.DataFrame, *, max_groups: int = 8) -> str | None:
    """Choose the attribute to compare survival by: a plan-like column with 2 to 8 groups.

    Examples
    --------
    >>> segment_column(pd.DataFrame({"x": [1.0, 2.0], "plan": ["a", "b"]}))
    'plan'
    """
    text = [c for c in features.columns if not pd.api.types.is_numeric_dtype(features[c].dtype)]
    fits = [c for c in text if 2 <= features[c].nunique() <= max_groups]
    for name in PREFERRED_SEGMENTS:
        if name in fits:
            return name
    return fits[0] if fits else None


def survival_data(bundle: Bundle, labels: pd.Series) -> pd.DataFrame:
    """Time as a customer and whether it ended in churn, per customer.

    The duration is a ``tenure`` column of the customers table when there is one (in its own
    units), else the days from the first to the last purchase for churners and from the first
    purchase to the last day of the data for the others (still customers: censored).

    Parameters
    ----------
    bundle : cxlab.contract.Bundle
    labels : pandas.Series
        From :func:`cxlab.churn.churn_labels`.

    Returns
    -------
    pandas.DataFrame
        ``duration``, ``churned``; ``attrs["unit"]`` says the unit.

    Raises
    ------
    cxlab.errors.DataError
        Without a tenure column or dated purchases.
    """
    if bundle.has("customers"):
        c = bundle.customers.drop_duplicates("customer_id").set_index("customer_id")
        tenure = [
            col
            for col in c.columns
            if "tenure" in str(col).lower() and pd.api.types.is_numeric_dtype(c[col].dtype)
        ]
        if tenure:
            d = pd.to_numeric(c[tenure[0]], errors="coerce").reindex(labels.index).astype(float)
            out = pd.DataFrame({"duration": d, "churned": labels.astype(bool)}).dropna()
            out.attrs["unit"] = f"the client's {tenure[0]!r} column"
            return out
    if bundle.has("transactions"):
        tx = bundle.transactions.dropna(subset=["customer_id", "date"])
        if "amount" in tx:
            tx = tx[pd.to_numeric(tx["amount"], errors="coerce") > 0]
        g = tx.groupby("customer_id")["date"]
        first, last, end = g.min(), g.max(), tx["date"].max()
        stop = pd.Series(
            np.where(labels.reindex(first.index).fillna(False).astype(bool), last, end),
            index=first.index,
        )
        d = (pd.to_datetime(stop) - first).dt.days.reindex(labels.index).astype(float)
        out = pd.DataFrame({"duration": d, "churned": labels.astype(bool)}).dropna()
        out.attrs["unit"] = "days"
        return out
    raise DataError.make(
        "Survival curves need how long each customer stayed: a tenure column or dated purchases.",
        rule="missing_column",
        table="customers",
        column="tenure",
        hint="Add a tenure column to the customers table or the transactions table.",
    )


def kaplan_meier(
    data: pd.DataFrame, groups: pd.Series | None = None, *, min_n: int = 10
) -> pd.DataFrame:
    """Kaplan–Meier survival with 95 % pointwise intervals, per group.

    Parameters
    ----------
    data : pandas.DataFrame
        ``duration`` and ``churned`` (from :func:`survival_data`).
    groups : pandas.Series, optional
        Segment per customer; groups with fewer than ``min_n`` customers are left out.

    Returns
    -------
    pandas.DataFrame
        ``group``, ``time``, ``survival``, ``low``, ``high``, ``at_risk``, ``n``.

    References
    ----------
    Kaplan, E. L., & Meier, P. (1958). Nonparametric estimation from incomplete observations.
    *Journal of the American Statistical Association*, 53(282), 457–481.

    Examples
    --------
    >>> d = pd.DataFrame({"duration": [1, 2, 3, 4], "churned": [True, False, True, False]})
    >>> kaplan_meier(d, min_n=1)["survival"].round(3).tolist()
    [0.75, 0.375]
    """
    g = pd.Series("all", index=data.index) if groups is None else groups.reindex(data.index)
    rows = []
    for name, part in data.groupby(g.astype("string").fillna("(missing)"), sort=True):
        if len(part) < min_n or part["churned"].sum() == 0:
            continue
        sf = SurvfuncRight(part["duration"].to_numpy(float), part["churned"].to_numpy(int))
        low, high = _pointwise(sf)
        rows.append(
            pd.DataFrame(
                {
                    "group": name,
                    "time": sf.surv_times,
                    "survival": sf.surv_prob,
                    "low": low,
                    "high": high,
                    "at_risk": sf.n_risk,
                    "n": len(part),
                }
            )
        )
    cols = ["group", "time", "survival", "low", "high", "at_risk", "n"]
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=cols)


def _pointwise(sf: SurvfuncRight) -> tuple[np.ndarray, np.ndarray]:
    # Log-log transformed Greenwood interval, which stays inside [0, 1].
    p = np.clip(sf.surv_prob, 1e-12, 1 - 1e-12)
    se = sf.surv_prob_se / (p * np.abs(np.log(p)))
    z = 1.959963984540054
    return p ** np.exp(z * se), p ** np.exp(-z * se)


def logrank(data: pd.DataFrame, groups: pd.Series) -> dict[str, Any]:
    """Test that survival is the same in every group (log-rank).

    Returns
    -------
    dict
        ``statistic``, ``df``, ``p_value``, ``groups``, ``n``.

    References
    ----------
    Mantel, N. (1966). Evaluation of survival data and two new rank order statistics arising
    in its consideration. *Cancer Chemotherapy Reports*, 50(3), 163–170.
    """
    g = groups.reindex(data.index).astype("string").fillna("(missing)")
    k = g.nunique()
    if k < 2:
        return {"statistic": np.nan, "df": 0, "p_value": np.nan, "groups": k, "n": len(data)}
    stat, p = survdiff(
        data["duration"].to_numpy(float), data["churned"].to_numpy(int), g.to_numpy(dtype=object)
    )
    return {"statistic": float(stat), "df": k - 1, "p_value": float(p), "groups": k, "n": len(data)}


def cox_model(data: pd.DataFrame, covariates: pd.DataFrame) -> pd.DataFrame:
    """Cox proportional hazards: hazard ratio per standard deviation of each numeric covariate.

    Rows with a missing covariate are left out; covariates are standardised first so the
    ratios compare.

    Returns
    -------
    pandas.DataFrame
        Indexed by covariate: ``hazard_ratio``, ``low``, ``high``, ``p_value``; ``attrs["n"]``.

    References
    ----------
    Cox, D. R. (1972). Regression models and life-tables. *Journal of the Royal Statistical
    Society B*, 34(2), 187–220.
    """
    x = covariates.reindex(data.index).apply(pd.to_numeric, errors="coerce")
    x = x.loc[:, (x.notna().mean() > 0.5) & (x.std() > 0)]
    both = pd.concat([data, x], axis=1).dropna()
    if x.shape[1] == 0 or len(both) < 20 or both["churned"].sum() < 5:
        raise DataError.make(
            "Too few customers with complete covariates and churn events for a Cox model.",
            rule="too_few",
            table="customers",
            hint="Use more customers or fewer covariates.",
        )
    z = (both[x.columns] - both[x.columns].mean()) / both[x.columns].std()
    fit = PHReg(
        both["duration"].to_numpy(float),
        z.to_numpy(float),
        status=both["churned"].to_numpy(int),
        ties="efron",
    ).fit()
    ci = fit.conf_int()
    out = pd.DataFrame(
        {
            "hazard_ratio": np.exp(fit.params),
            "low": np.exp(ci[:, 0]),
            "high": np.exp(ci[:, 1]),
            "p_value": fit.pvalues,
        },
        index=pd.Index(x.columns, name="covariate"),
    )
    out.attrs["n"] = len(both)
    return out
