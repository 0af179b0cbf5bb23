"""Whom to call: expected value saved, a spreadsheet-safe contact list, survey scores."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from statsmodels.discrete.discrete_model import Logit
from statsmodels.tools.tools import add_constant

from cxlab.churn._data import _purchases, churn_features, churn_labels
from cxlab.churn._evaluate import auc_interval
from cxlab.churn._model import ChurnModel
from cxlab.errors import DataError

if TYPE_CHECKING:  # pragma: no cover
    from cxlab.contract.bundle import Bundle

__all__ = [
    "FORMULA_START",
    "contact_list_csv",
    "customer_value",
    "driver_effects",
    "safe_cell",
    "scores",
    "survey_effect",
    "targeting",
]

#: Characters that make a spreadsheet read a cell as a formula (OWASP CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def customer_value(bundle: Bundle, *, months: int = 12) -> pd.Series:
    """Estimate what a customer is worth in a year, to weigh the risk of losing them.

    Net spend over the last ``months`` months of the transactions (scaled up when a customer
    has been around for less); without transactions, a monthly charge column of the customers
    table times 12; without either, 1 for everyone (the ranking is then by risk alone).

    Returns
    -------
    pandas.Series
        Named ``value``, indexed by ``customer_id``; ``attrs["basis"]`` says which.
    """
    if bundle.has("transactions") and "amount" in bundle.transactions:
        tx = bundle.transactions.dropna(subset=["customer_id", "date"])
        end = tx["date"].max()
        recent = tx[tx["date"] > end - pd.DateOffset(months=months)]
        first = tx.groupby("customer_id")["date"].min()
        span = ((end - first).dt.days.clip(lower=30) / (365.25 * months / 12)).clip(upper=1)
        value = (
            recent.groupby("customer_id")["amount"].sum().reindex(first.index, fill_value=0) / span
        ).clip(lower=0)
        value.attrs["basis"] = f"net spend over the last {months} months"
        return value.rename("value")
    if bundle.has("customers"):
        c = bundle.customers.drop_duplicates("customer_id").set_index("customer_id")
        monthly = [
            col
            for col in c.columns
            if "monthly" in str(col).lower() and pd.api.types.is_numeric_dtype(c[col].dtype)
        ]
        if monthly:
            value = (12 * pd.to_numeric(c[monthly[0]], errors="coerce")).fillna(0).rename("value")
            value.attrs["basis"] = f"12 × the {monthly[0]!r} column"
            return value
        value = pd.Series(1.0, index=c.index, name="value")
        value.attrs["basis"] = "none (no spend recorded): every customer counts as 1"
        return value
    raise DataError.make("No customers to value.", rule="missing_table", table="customers")


def targeting(
    risk: pd.Series,
    value: pd.Series,
    *,
    save_rate: float = 0.25,
    contact_cost: float = 5.0,
    budget: float | None = None,
) -> pd.DataFrame:
    """Rank customers by the expected value a retention contact saves.

    ``expected_saved = P(churn) × value × save_rate − contact_cost``: the chance the customer
    leaves, what leaving would cost, the share of leavers a contact keeps, less what the
    contact costs. Only customers with a positive expected saving are listed, best first, and
    with a ``budget`` only as many as it pays for.

    Parameters
    ----------
    risk : pandas.Series
        Calibrated P(churn) per customer (e.g. :func:`scores`).
    value : pandas.Series
        Value per customer (e.g. :func:`customer_value`); missing counts as 0.
    save_rate : float, default 0.25
        Share of would-be churners a contact keeps (between 0 and 1).
    contact_cost : float, default 5.0
    budget : float, optional

    Returns
    -------
    pandas.DataFrame
        ``customer_id``, ``rank``, ``churn_risk``, ``value``, ``expected_saved``,
        ``cumulative_cost``, ``cumulative_saved``.

    References
    ----------
    Neslin, S. A. et al. (2006). Defection detection: measuring and understanding the
    predictive accuracy of customer churn models. *Journal of Marketing Research*, 43(2),
    204–211.

    Examples
    --------
    >>> risk = pd.Series([0.8, 0.1, 0.5], index=["a", "b", "c"])
    >>> value = pd.Series([100.0, 1000.0, 20.0], index=["a", "b", "c"])
    >>> targeting(risk, value, save_rate=0.5, contact_cost=4)[["customer_id", "expected_saved"]]
      customer_id  expected_saved
    0           b            46.0
    1           a            36.0
    2           c             1.0
    """
    if not 0 <= save_rate <= 1:
        raise ValueError(f"save_rate must be between 0 and 1, not {save_rate}.")
    v = value.reindex(risk.index).fillna(0.0).astype(float)
    saved = risk.astype(float) * v * save_rate - contact_cost
    t = pd.DataFrame(
        {
            "customer_id": risk.index,
            "churn_risk": risk.to_numpy(float),
            "value": v.to_numpy(),
            "expected_saved": saved.to_numpy(),
        }
    )
    t = t[t["expected_saved"] > 0].sort_values(
        ["expected_saved", "customer_id"], ascending=[False, True], kind="stable"
    )
    t = t.reset_index(drop=True)
    t.insert(1, "rank", np.arange(1, len(t) + 1))
    t["cumulative_cost"] = contact_cost * t["rank"]
    t["cumulative_saved"] = t["expected_saved"].cumsum()
    if budget is not None:
        t = t[t["cumulative_cost"] <= budget + 1e-9]
    return t


def safe_cell(value: Any) -> str:
    """Text for one CSV cell that no spreadsheet will run as a formula.

    A cell starting with ``= + - @``, a tab or a carriage return gets a leading apostrophe,
    which spreadsheets show as text (OWASP, "CSV Injection").

    Examples
    --------
    >>> safe_cell("=HYPERLINK(1)"), safe_cell("C001"), safe_cell(-3)
    ("'=HYPERLINK(1)", 'C001', "'-3")
    """
    text = "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def contact_list_csv(
    targets: pd.DataFrame, path: str | Path | None = None, *, currency: str = ""
) -> str:
    """Write the contact list as CSV that is safe to open in a spreadsheet.

    Only the customer id, the rank, the churn risk (percent), the value and the expected
    saving go out: no names, e-mail addresses, phone numbers or comments, whatever the
    tables hold. Every cell passes :func:`safe_cell`.

    Parameters
    ----------
    targets : pandas.DataFrame
        From :func:`targeting`.
    path : path-like, optional
        Where to write; the text is returned either way.
    currency : str, optional
        Added to the money columns' headings.

    Returns
    -------
    str
        The CSV text.
    """
    money = f" ({currency})" if currency else ""
    header = [
        "customer_id",
        "rank",
        "churn_risk_percent",
        f"value{money}",
        f"expected_saved{money}",
    ]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([safe_cell(h) for h in header])
    for row in targets.itertuples(index=False):
        writer.writerow(
            [
                safe_cell(row.customer_id),
                safe_cell(int(row.rank)),
                safe_cell(f"{100 * row.churn_risk:.1f}"),
                safe_cell(f"{row.value:.2f}"),
                safe_cell(f"{row.expected_saved:.2f}"),
            ]
        )
    text = buffer.getvalue()
    if path is not None:
        Path(path).write_text(text, encoding="utf-8")
    return text


def driver_effects(features: pd.DataFrame, labels: pd.Series, columns: list[str]) -> pd.DataFrame:
    """Per-unit log-odds of churn for a few numeric columns, fitted together (statsmodels Logit).

    Customers missing any of the columns are left out. The coefficient is the change in the
    log-odds of churn per unit of the column (one CSAT point, one support contact), with its
    95 % interval and the odds ratio.

    Returns
    -------
    pandas.DataFrame
        Indexed by column: ``coefficient``, ``low``, ``high``, ``odds_ratio``, ``p_value``;
        ``attrs["n"]``.

    References
    ----------
    Hosmer, D. W., Lemeshow, S., & Sturdivant, R. X. (2013). *Applied Logistic Regression*
    (3rd ed.). Wiley.
    """
    cols = [c for c in columns if c in features]
    data = pd.concat(
        [features[cols].apply(pd.to_numeric, errors="coerce"), labels.rename("_y").astype(float)],
        axis=1,
    ).dropna()
    if not cols or len(data) < 30 or data["_y"].nunique() < 2:
        raise DataError.make(
            "Too few customers with these measures and both outcomes to estimate their effects.",
            rule="too_few",
            hint="More survey answers or customers are needed.",
        )
    fit = Logit(data["_y"], add_constant(data[cols])).fit(disp=0)
    ci = fit.conf_int()
    out = pd.DataFrame(
        {
            "coefficient": fit.params[cols],
            "low": ci.loc[cols, 0],
            "high": ci.loc[cols, 1],
            "p_value": fit.pvalues[cols],
        }
    )
    out["odds_ratio"] = np.exp(out["coefficient"])
    out.index.name = "column"
    out.attrs["n"] = len(data)
    return out


def survey_effect(
    features: pd.DataFrame,
    labels: pd.Series,
    *,
    score: str = "csat_mean",
    n_boot: int = 500,
    random_state: int = 0,
) -> dict[str, Any]:
    """Test whether a survey score predicts churn: its AUC and per-point odds ratio.

    Only customers who answered are used; the AUC is of *low* scores predicting churn (an AUC of
    0.5 means the score tells nothing).

    Returns
    -------
    dict
        ``score``, ``n``, ``churners``, ``auc`` (with ``low``, ``high``), ``odds_ratio``,
        ``or_low``, ``or_high``, ``p_value``, ``predicts`` (True when the odds-ratio interval
        excludes 1 and the AUC interval excludes 0.5).
    """
    if score not in features:
        return {"score": score, "n": 0, "churners": 0, "predicts": None}
    data = pd.concat(
        [pd.to_numeric(features[score], errors="coerce"), labels.astype(float)],
        axis=1,
        keys=["x", "y"],
    ).dropna()
    n, churners = len(data), int(data["y"].sum())
    out: dict[str, Any] = {"score": score, "n": n, "churners": churners, "predicts": None}
    if n < 30 or churners < 5 or n - churners < 5 or data["x"].nunique() < 2:
        return out
    auc = auc_interval(data["y"], -data["x"], n_boot=n_boot, random_state=random_state)
    fit = Logit(data["y"], add_constant(data[["x"]])).fit(disp=0)
    lo, hi = fit.conf_int().loc["x"]
    out.update(
        auc=auc["value"],
        low=auc["low"],
        high=auc["high"],
        odds_ratio=float(np.exp(fit.params["x"])),
        or_low=float(np.exp(lo)),
        or_high=float(np.exp(hi)),
        p_value=float(fit.pvalues["x"]),
    )
    out["predicts"] = bool((hi < 0 or lo > 0) and (auc["low"] > 0.5 or auc["high"] < 0.5))
    return out


def scores(bundle: Bundle, *, random_state: int = 0) -> pd.Series:
    """Calibrated P(churn) for the customers who can still churn.

    With an inactivity rule the model learns from the features at the cutoff and the churn
    seen after it, and scores every customer who bought within the last ``inactive_days``
    days, from their features today: the chance they go quiet for the next ``inactive_days``
    days. With a label column, the customers not (yet) churned are scored out of fold
    (five-fold ``cross_val_predict``), so no one is scored by a model that saw their own label.

    Parameters
    ----------
    bundle : cxlab.contract.Bundle
    random_state : int, default 0

    Returns
    -------
    pandas.Series
        Named ``churn_risk``, indexed by ``customer_id``.

    Raises
    ------
    cxlab.errors.DataError
        When the bundle cannot support a model (no churn rule's data, one class, too few
        churners, no features); the message says why.
    """
    labels = churn_labels(bundle)
    X = churn_features(bundle, labels=labels)
    if X.shape[1] == 0:
        raise DataError.make(
            "The bundle holds no customer attributes or activity to predict churn from.",
            rule="no_features",
            table="customers",
            hint="Add customer columns (plan, tenure, charges) or transactions, answers or events.",
        )
    model = ChurnModel(random_state=random_state)
    windows = labels.attrs["windows"]
    if windows.rule == "inactive_days":
        model.fit(X, labels.to_numpy())
        today = churn_features(bundle, cutoff=windows.end)
        tx = _purchases(bundle)
        active = tx.loc[
            tx["date"] > windows.end - pd.Timedelta(days=windows.inactive_days), "customer_id"
        ].unique()
        today = today.reindex(sorted(active))[list(X.columns)]
        risk = model.predict_proba(today)[:, 1]
        return pd.Series(risk, index=today.index, name="churn_risk")
    y = labels.to_numpy()
    model.fit(X, y)  # raises the DataError for one class or too few churners
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=random_state)
    risk = cross_val_predict(model, X, y, cv=folds, method="predict_proba")[:, 1]
    out = pd.Series(risk, index=X.index, name="churn_risk")
    return out[~labels.reindex(out.index).astype(bool)]
