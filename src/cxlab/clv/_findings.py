"""The sentences chapter 06 states, true for whichever client is loaded."""

from __future__ import annotations

import numpy as np
import pandas as pd

from cxlab.clv._equity import EquityGrowth
from cxlab.clv._models import BetaGeo, GammaGamma
from cxlab.clv._value import ValueModel, ValueShare
from cxlab.findings import Finding, md
from cxlab.present import date

__all__ = [
    "chapter_headlines",
    "equity_finding",
    "equity_growth_finding",
    "fit_finding",
    "holdout_finding",
    "nps_value_finding",
    "skipped_finding",
    "spend_finding",
    "top_share_finding",
    "value_findings",
]

#: Why CAC and CRC are missing when the bundle has no (dated) costs table.
NO_COSTS = "the bundle has no costs table (costs.csv)"


def fit_finding(bgf: BetaGeo, ggf: GammaGamma | None = None) -> Finding:
    """Say in words what the fitted purchase (and spend) model says about the customers.

    Examples
    --------
    >>> bg = BetaGeo()
    >>> bg.params_ = pd.Series({"r": 0.24, "alpha": 4.4, "a": 0.79, "b": 2.43})
    >>> print(fit_finding(bg))  # doctest: +NORMALIZE_WHITESPACE
    While active, a typical customer buys about 0.055 times a week; after each purchase about
    25% drop out for good.
    """
    p = bgf.params_
    rate = p["r"] / p["alpha"]
    drop = p["a"] / (p["a"] + p["b"])
    bounds = getattr(getattr(bgf, "diagnostics_", None), "at_bound", ())
    text = md(
        "While active, a typical customer buys about {rate:.2g} times a week; after each "
        "purchase about {drop:.0%} drop out for good.",
        rate=rate,
        drop=drop,
    )
    parts = [text.template]
    values = dict(text.values)
    if {"r", "alpha"} & set(bounds):
        parts.append(
            "Customers hardly differ in how often they buy (regular billing, such as a "
            "subscription, looks like this), so this model adds little over a simple average."
        )
    if {"a", "b"} & set(bounds):
        parts.append("The chance of dropping out is about the same for every customer.")
    if ggf is not None:
        values["spend"] = ggf.population_mean_spend
        parts.append(
            "A typical purchase is worth about {spend:,.2f}."
            if np.isfinite(values["spend"])
            else "Spend per purchase varies so much that its average is not defined."
        )
    return Finding(" ".join(parts), values)


def holdout_finding(check: pd.DataFrame) -> Finding:
    """How well the model predicted purchases it had not seen."""
    a = check.attrs
    if not a.get("actual_total"):
        return Finding.unsupported(
            "No customer bought in the holdout period, so the model cannot be checked on it."
        )
    return md(
        "Fitted before the holdout, the model expected {pred:,.0f} repeat purchase days from "
        "these {n:,} customers in it; they made {actual:,.0f} ({err:+.0%}).",
        pred=a["predicted_total"],
        actual=a["actual_total"],
        err=a["error"],
        n=a["n"],
    )


def equity_finding(
    values: pd.Series, *, currency: str, horizon_months: int, discount_rate: float
) -> Finding:
    """State customer equity in the client's currency, and what it rests on.

    Examples
    --------
    >>> v = pd.Series([100.0, 50.0])
    >>> print(equity_finding(v, currency="GBP", horizon_months=12, discount_rate=0.1))
    ... # doctest: +NORMALIZE_WHITESPACE
    The 2 customers are expected to spend GBP 150 over the next 12 months, discounted at 10% a
    year: an average of GBP 75.00 each.
    """
    if len(values) == 0:
        return Finding.unsupported("No customer has a predicted value.")
    return md(
        "The {n:,} customers are expected to spend {cur} {total:,.0f} over the next {h} months, "
        "discounted at {d:.0%} a year: an average of {cur} {mean:,.2f} each.",
        n=len(values),
        cur=currency,
        total=float(values.sum()),
        h=horizon_months,
        d=discount_rate,
        mean=float(values.mean()),
    )


_PERIOD = {"Q": "quarter", "M": "month", "Y": "year"}


def equity_growth_finding(growth: EquityGrowth, *, currency: str) -> Finding:
    """Say how customer equity changed, refitted on what was known at each date, or why not.

    Parameters
    ----------
    growth : EquityGrowth
        From :func:`cxlab.clv.equity_growth`.
    currency : str

    Examples
    --------
    >>> g = EquityGrowth(
    ...     growth=0.5, low=0.2, high=0.9, first=pd.Timestamp("2024-06-30"),
    ...     last=pd.Timestamp("2024-12-31"), equity_first=100.0, equity_last=150.0,
    ...     customers_first=40, customers_last=80, points=3, dates=4, rises=1,
    ...     first_gap="only 5 customers have dated purchases",
    ... )  # fmt: skip
    >>> print(equity_growth_finding(g, currency="EUR"))  # doctest: +NORMALIZE_WHITESPACE
    Valued with the models refitted on the purchases known at each quarter end, customer
    equity went from EUR 100 on 30 Jun 2024 (40 customers) to EUR 150 on 31 Dec 2024 (80
    customers): +50% (95% interval +20% to +90%). Per customer it went from EUR 2.50 to EUR
    1.88, and equity rose in 1 of 2 quarters. At 1 date the models could not be
    fitted (only 5 customers have dated purchases).
    >>> print(
    ...     equity_growth_finding(
    ...         EquityGrowth(reason="the transactions have no dates"), currency="EUR"
    ...     )
    ... )  # doctest: +NORMALIZE_WHITESPACE
    Customer equity over time cannot be measured for this bundle: the transactions have no
    dates.
    """
    if not growth.ok:
        return Finding.unsupported(
            "Customer equity over time cannot be measured for this bundle: {why}.",
            why=growth.reason,
        )
    period = _PERIOD.get(growth.freq, "period")
    values = {
        "period": period,
        "cur": currency,
        "a": growth.equity_first,
        "b": growth.equity_last,
        "d1": date(growth.first),
        "d2": date(growth.last),
        "n1": growth.customers_first,
        "n2": growth.customers_last,
        "g": growth.growth,
        "lo": growth.low,
        "hi": growth.high,
        "level": growth.confidence,
        "pa": growth.equity_first / growth.customers_first if growth.customers_first else 0.0,
        "pb": growth.equity_last / growth.customers_last if growth.customers_last else 0.0,
        "rises": growth.rises,
        "steps": growth.points - 1,
    }
    parts = [
        "Valued with the models refitted on the purchases known at each {period} end, customer "
        "equity went from {cur} {a:,.0f} on {d1} ({n1:,} customers) to {cur} {b:,.0f} on {d2} "
        "({n2:,} customers): **{g:+.0%}**"
    ]
    if np.isfinite(growth.low) and np.isfinite(growth.high):
        parts[0] += " ({level:.0%} interval {lo:+.0%} to {hi:+.0%})."
        if growth.low <= 0 <= growth.high:
            parts.append("The interval includes no change, so these data do not show a trend.")
    else:
        parts[0] += (
            "; the fits are too poorly determined for an interval, so read it as a rough guide."
        )
    parts.append(
        "Per customer it went from {cur} {pa:,.2f} to {cur} {pb:,.2f}, and equity rose in "
        "{rises} of {steps} {period}s."
    )
    if growth.earlier:
        values["earlier"] = growth.earlier
        parts.append(
            (
                "The {earlier} earlier {period} ends rest"
                if growth.earlier > 1
                else "The earlier {period} end rests"
            )
            + " on too few months of purchases for a well-determined fit, so growth is measured "
            "from {d1}."
        )
    if growth.undetermined and np.isfinite(growth.low):
        values["undetermined"] = growth.undetermined
        parts.append(
            "At {undetermined} of these {period} ends the fit is too poorly determined for an "
            "interval."
        )
    missing = growth.dates - growth.earlier - growth.points
    if missing:
        values |= {"missing": missing, "gap": growth.first_gap}
        dates = "dates" if missing > 1 else "date"
        parts.append("At {missing} " + dates + " the models could not be fitted ({gap}).")
    return Finding(" ".join(parts), values)


def top_share_finding(share: ValueShare) -> Finding:
    """How concentrated predicted value is in the top customers."""
    return md(
        "The top {top:.0%} of customers hold **{share:.0%}** of the predicted value "
        "(95 % interval {low:.0%} to {high:.0%}, n = {n:,}).",
        top=share.top,
        share=share.share,
        low=share.low,
        high=share.high,
        n=share.n,
    )


def nps_value_finding(table: pd.DataFrame, *, currency: str) -> Finding:
    """Are promoters worth more? From :func:`clv_by_group` over NPS groups."""
    have = [g for g in ("promoter", "detractor") if g in table.index]
    if len(have) < 2:
        return Finding.unsupported(
            "Too few customers gave an NPS answer in both the promoter and the detractor group "
            "to compare their value."
        )
    pro, det = table.loc["promoter"], table.loc["detractor"]
    small = bool(pro["small"] or det["small"])
    separated = pro["low"] > det["high"] or det["low"] > pro["high"]
    verdict = (
        "Promoters are worth more here"
        if separated and pro["mean_clv"] > det["mean_clv"]
        else "Detractors are worth more here"
        if separated
        else "The intervals overlap, so these data do not show that promoters are worth more"
    )
    tail = " Few customers in a group: read this as a hint only." if small else ""
    return Finding(
        "{verdict}: promoters {cur} {pro:,.0f} on average (n = {n_pro:,}; {pro_low:,.0f} to "
        "{pro_high:,.0f}), detractors {cur} {det:,.0f} (n = {n_det:,}; {det_low:,.0f} to "
        "{det_high:,.0f})." + tail,
        {
            "verdict": verdict,
            "cur": currency,
            "pro": pro["mean_clv"],
            "n_pro": int(pro["n"]),
            "pro_low": pro["low"],
            "pro_high": pro["high"],
            "det": det["mean_clv"],
            "n_det": int(det["n"]),
            "det_low": det["low"],
            "det_high": det["high"],
        },
    )


def spend_finding(years: pd.DataFrame | None, *, currency: str) -> Finding:
    """Acquisition against retention spend, and whether CAC and CRC fell."""
    if years is None or years.empty:
        return Finding.unsupported(
            "The bundle has no costs table, so acquisition cost (CAC), retention cost (CRC) and "
            "payback cannot be measured; add costs.csv (period, channel, kind, amount)."
        )
    last = years.iloc[-1]
    total = last[["acquisition", "retention", "service"]].sum()
    values = {
        "year": int(years.index[-1]),
        "cur": currency,
        "acq": last["acquisition"] / total if total else np.nan,
        "ret": last["retention"] / total if total else np.nan,
        "cac": last["cac"],
        "crc": last["crc"],
    }
    template = (
        "In {year}, {acq:.0%} of customer spend went on winning customers and {ret:.0%} on "
        "keeping them"
    )
    if pd.notna(last["cac"]):
        template += "; a new customer cost {cur} {cac:,.2f}"
    if pd.notna(last["crc"]):
        template += "; keeping an active customer cost {cur} {crc:,.2f} a month"
    template += "."
    if (
        len(years) >= 2
        and years.iloc[-2][["cac", "crc"]].notna().all()
        and pd.notna(last[["cac", "crc"]]).all()
    ):
        prev = years.iloc[-2]
        values.update(
            cac_change=last["cac"] / prev["cac"] - 1, crc_change=last["crc"] / prev["crc"] - 1
        )
        template += " Against the year before: CAC {cac_change:+.0%}, CRC {crc_change:+.0%}."
    return Finding(template, values)


def skipped_finding(section: str, reason: str) -> Finding:
    """Say that a section is skipped for this bundle, and why.

    Examples
    --------
    >>> print(skipped_finding("Lifetime value", "the transactions have no dates"))
    Lifetime value is skipped for this bundle: the transactions have no dates.
    """
    return Finding.unsupported(
        "{section} is skipped for this bundle: {why}.", section=section, why=reason
    )


def value_findings(
    model: ValueModel,
    share: ValueShare | None,
    *,
    currency: str,
    horizon_months: int,
    discount_rate: float,
) -> list[Finding]:
    """State customer equity and how concentrated it is, or why the section is skipped.

    Parameters
    ----------
    model : ValueModel
        From :func:`cxlab.clv.prepare`.
    share : ValueShare or None
        :func:`cxlab.clv.top_share` of the model's values (None when the model failed).
    currency : str
    horizon_months, discount_rate : int, float
        What the values were computed with.

    Returns
    -------
    list of Finding
        :func:`equity_finding` and, with a share, :func:`top_share_finding`; a single
        :func:`skipped_finding` when the model could not be fitted.

    Examples
    --------
    >>> failed = ValueModel(reason="the transactions have no dates")
    >>> [
    ...     f.text
    ...     for f in value_findings(
    ...         failed, None, currency="GBP", horizon_months=12, discount_rate=0.1
    ...     )
    ... ]
    ['This section is skipped for this bundle: the transactions have no dates.']
    >>> ok = ValueModel(values=pd.Series([30.0, 10.0]))
    >>> share = ValueShare(share=0.75, low=0.5, high=1.0, n=2, top=0.5)
    >>> for f in value_findings(ok, share, currency="EUR", horizon_months=6, discount_rate=0.1):
    ...     print(f)  # doctest: +NORMALIZE_WHITESPACE
    The 2 customers are expected to spend EUR 40 over the next 6 months, discounted at 10% a
    year: an average of EUR 20.00 each.
    The top 50% of customers hold 75% of the predicted value (95 % interval 50% to 100%,
    n = 2).
    """
    if not model.ok or model.values is None:
        return [skipped_finding("This section", model.reason or "no customer could be valued")]
    found = [
        equity_finding(
            model.values,
            currency=currency,
            horizon_months=horizon_months,
            discount_rate=discount_rate,
        )
    ]
    if share is not None:
        found.append(top_share_finding(share))
    return found


def _last(years: pd.DataFrame | None, column: str) -> float | None:
    if years is None or years.empty or pd.isna(years[column].iloc[-1]):
        return None
    return round(float(years[column].iloc[-1]), 2)


def chapter_headlines(
    model: ValueModel,
    share: ValueShare | None,
    years: pd.DataFrame | None,
    check: pd.DataFrame | None = None,
    growth: EquityGrowth | None = None,
) -> tuple[dict[str, object], dict[str, str]]:
    """Collect chapter 06's headline numbers and, for each missing one, why it is missing.

    Parameters
    ----------
    model : ValueModel
        From :func:`cxlab.clv.prepare`.
    share : ValueShare or None
        The top decile's share of predicted value.
    years : pandas.DataFrame or None
        :func:`cxlab.clv.cost_by_year` (None without a dated costs table); CAC and CRC are
        its last year's.
    check : pandas.DataFrame or None
        :func:`cxlab.clv.holdout` result, for the BG/NBD holdout error.
    growth : EquityGrowth, optional
        :func:`cxlab.clv.equity_growth`, for ``customer_equity_growth``.

    Returns
    -------
    dict, dict
        ``customer_equity``, ``customer_equity_growth`` (``share``, ``low``, ``high``, ``n``
        customers at the last date, ``from``, ``to``, ``points``), ``top_decile_value_share``,
        ``cac``, ``crc``, ``bgnbd``; and the notes saying why each missing one is missing (a
        missing model and missing costs can both be noted).

    Examples
    --------
    >>> years = pd.DataFrame({"cac": [12.5, 9.456], "crc": [2.5, float("nan")]}, index=[2024, 2025])
    >>> numbers, notes = chapter_headlines(ValueModel(reason="too few customers"), None, years)
    >>> numbers["cac"], numbers["crc"], numbers["customer_equity"], numbers["bgnbd"]
    (9.46, None, None, None)
    >>> sorted(notes)
    ['crc', 'customer_equity', 'customer_equity_growth', 'top_decile_value_share']
    >>> notes["customer_equity"]
    'too few customers'
    >>> notes["customer_equity_growth"]
    'customer equity over time was not computed'
    >>> sorted(chapter_headlines(ValueModel(reason="no dates"), None, None)[1])
    ['cac', 'crc', 'customer_equity', 'customer_equity_growth', 'top_decile_value_share']
    """
    numbers: dict[str, object] = {
        "customer_equity": (
            round(float(model.values.sum()), 2) if model.ok and model.values is not None else None
        ),
        "customer_equity_growth": growth.to_dict() if growth is not None else None,
        "top_decile_value_share": share.to_dict() if share is not None else None,
        "cac": _last(years, "cac"),
        "crc": _last(years, "crc"),
        "bgnbd": model.diagnostics(check),
    }
    notes: dict[str, str] = {}
    for key in ("cac", "crc"):
        if numbers[key] is None:
            lacking = f"the last year of costs has no {key.upper()}"
            notes[key] = NO_COSTS if years is None else lacking
    if numbers["customer_equity_growth"] is None:
        notes["customer_equity_growth"] = (
            growth.reason if growth is not None else "customer equity over time was not computed"
        )
    if not model.ok:
        reason = model.reason or "the models could not be fitted"
        notes["customer_equity"] = notes["top_decile_value_share"] = reason
    return numbers, notes
