"""A first look at a client's data: the small summaries behind the welcome tour.

Each function takes one contract table (or the :class:`~cxlab.contract.bundle.Bundle`) and returns
a DataFrame or a Series; none of them draws or prints. :mod:`cxlab.plots` turns the results into
figures, and the welcome notebook (chapter 00) strings them into a guided tour. The tour's
sentences are findings (:class:`cxlab.findings.Finding`), built here next to the summaries they
state, so client text in them is escaped and they say plainly what the data cannot support.

Functions
---------
key_figures, key_figure_notes, headline
    Headline counts for a bundle (customers, orders, net revenue, responses, events, period),
    as a Series, why a missing one is missing, and as a one-sentence finding.
tables_summary, table_profile
    Per table: source, size and dates; per column: dtype, filled and missing values, distinct
    values.
missing_table_finding
    The one-line note that stands in for a section whose table the bundle lacks.
attribute_counts
    How customers split over each categorical attribute (region, channel, plan, ...).
monthly_revenue
    Net revenue, sales, refunds, orders and buying customers per calendar month.
seasonal_index
    How far each calendar month sits above or below an ordinary month.
responses_per_month
    Survey responses per month, split by touchpoint (or another column).
answer_coverage
    Which questions responses answer, with and without a touchpoint.
score_scales, score_distributions
    The rating scales in use and how answers spread over them, each with its ``n``.
stage_counts
    Customers and events at each journey stage, in journey order, with step conversion.
largest_groups_finding, seasonality_finding, answers_finding, stages_finding
    The tour's sentences about those summaries, as findings.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from cxlab import pii, present
from cxlab.findings import Finding, join, md, noun, series

if TYPE_CHECKING:  # pragma: no cover
    from cxlab.contract.bundle import Bundle
    from cxlab.contract.config import BundleConfig

__all__ = [
    "MISSING",
    "answer_coverage",
    "answers_finding",
    "attribute_counts",
    "headline",
    "key_figure_notes",
    "key_figures",
    "largest_groups_finding",
    "missing_table_finding",
    "monthly_revenue",
    "responses_per_month",
    "score_distributions",
    "score_scales",
    "seasonal_index",
    "seasonality_finding",
    "stage_counts",
    "stages_finding",
    "table_profile",
    "tables_summary",
]

#: Label used for missing values when they are counted as a level of their own.
MISSING = "(missing)"

#: The rating metrics of the contract, in the order they are reported.
SCORE_METRICS: tuple[str, ...] = ("nps", "csat", "ces")


def key_figures(bundle: Bundle) -> pd.Series:
    """Headline numbers for a bundle, for the first paragraph of a report.

    Parameters
    ----------
    bundle : Bundle
        A loaded client bundle; absent tables give missing values.

    Returns
    -------
    pandas.Series
        Entries ``client``, ``currency``, ``customers``, ``transactions``, ``orders``,
        ``net_revenue``, ``responses``, ``events``, ``first_date`` and ``last_date``.

    Examples
    --------
    >>> from pathlib import Path
    >>> from cxlab.contract.bundle import Bundle
    >>> from cxlab.contract.config import BundleConfig
    >>> tx = pd.DataFrame(
    ...     {
    ...         "customer_id": ["a", "a", "b"],
    ...         "date": pd.to_datetime(["2024-01-05", "2024-02-01", "2024-02-03"]),
    ...         "amount": [10.0, -2.5, 20.0],
    ...     }
    ... )
    >>> kf = key_figures(Bundle(Path("shop"), BundleConfig(), transactions=tx))
    >>> float(kf["net_revenue"]), int(kf["orders"])
    (27.5, 2)
    """
    tx = bundle.transactions
    period = bundle.period
    values = {
        "client": bundle.name,
        "currency": bundle.config.currency,
        "customers": _count(bundle.customers),
        "transactions": _count(tx),
        "orders": _orders(tx) if tx is not None else pd.NA,
        "net_revenue": float(tx["amount"].sum()) if tx is not None else pd.NA,
        "responses": _count(bundle.responses),
        "events": _count(bundle.events),
        "first_date": period[0] if period else pd.NaT,
        "last_date": period[1] if period else pd.NaT,
    }
    return pd.Series(values, dtype=object, name=bundle.name)


#: Which table each key figure counts; without that table the figure is missing.
_FIGURE_TABLES: dict[str, str] = {
    "customers": "customers",
    "transactions": "transactions",
    "orders": "transactions",
    "net_revenue": "transactions",
    "responses": "responses",
    "events": "events",
}


def key_figure_notes(bundle: Bundle) -> dict[str, str]:
    """Why each missing key figure of :func:`key_figures` is missing, in a few words.

    For ``headlines.publish(key_figures(bundle), notes=key_figure_notes(bundle))``, which shows a
    missing figure as "not available, because ...".

    Parameters
    ----------
    bundle : Bundle
        A loaded client bundle.

    Returns
    -------
    dict of str to str
        Figure name -> reason, only for the figures that are missing (empty for a full bundle).

    Examples
    --------
    >>> from pathlib import Path
    >>> from cxlab.contract.bundle import Bundle
    >>> from cxlab.contract.config import BundleConfig
    >>> customers = pd.DataFrame({"customer_id": ["a", "b"]})
    >>> notes = key_figure_notes(Bundle(Path("shop"), BundleConfig(), customers=customers))
    >>> notes["orders"]
    'the data has no transactions table'
    >>> notes["first_date"]
    'no table of the data is dated (transactions, responses or events)'
    >>> "customers" in notes
    False
    """
    notes = {
        figure: f"the data has no {table} table"
        for figure, table in _FIGURE_TABLES.items()
        if not bundle.has(table)
    }
    if bundle.period is None:
        why = "no table of the data is dated (transactions, responses or events)"
        notes["first_date"] = notes["last_date"] = why
    return notes


def tables_summary(bundle: Bundle) -> pd.DataFrame:
    """List the bundle's tables, one row each, with the date range written out for reading.

    :meth:`Bundle.summary <cxlab.contract.bundle.Bundle.summary>` with ``from`` and ``to`` as
    ISO dates, and "not dated" for a table without dates (customers) instead of a missing
    timestamp.

    Parameters
    ----------
    bundle : Bundle
        A loaded client bundle.

    Returns
    -------
    pandas.DataFrame
        Indexed by table: ``source``, ``rows``, ``columns``, ``from``, ``to``.

    Examples
    --------
    >>> from pathlib import Path
    >>> from cxlab.contract.bundle import Bundle
    >>> from cxlab.contract.config import BundleConfig
    >>> tx = pd.DataFrame(
    ...     {"customer_id": ["a"], "date": pd.to_datetime(["2024-01-05 10:30"]), "amount": [9.0]}
    ... )
    >>> customers = pd.DataFrame({"customer_id": ["a"]})
    >>> b = Bundle(Path("shop"), BundleConfig(), customers=customers, transactions=tx)
    >>> tables_summary(b)["from"].to_dict()
    {'customers': 'not dated', 'transactions': '2024-01-05'}
    """
    table = bundle.summary()
    for col in ("from", "to"):
        dates = pd.to_datetime(table[col])
        table[col] = dates.dt.strftime("%Y-%m-%d").where(dates.notna(), "not dated")
    return table


#: What each table enables in the welcome tour and the chapters, for the note shown without it.
_ENABLES: dict[str, str] = {
    "transactions": "a file of purchases (who bought, when, and for how much) would add revenue "
    "by month and its seasonality here, and the customer segments",
    "responses": "a file of survey answers (a date and an NPS, CSAT or CES score) would add "
    "the survey overview here, and the satisfaction scores",
    "events": "a file of journey events (which customer, when, and at which stage) would add "
    "the journey stages here, and the journey map",
}


def missing_table_finding(bundle: Bundle, table: str) -> Finding | None:
    """Say in one line that a table is absent, what is left out, and what would enable it.

    Parameters
    ----------
    bundle : Bundle
        A loaded client bundle.
    table : {"transactions", "responses", "events"}
        The table a section of the tour needs.

    Returns
    -------
    Finding or None
        None when the bundle has the table; else an unsupported finding.

    Examples
    --------
    >>> from pathlib import Path
    >>> from cxlab.contract.bundle import Bundle
    >>> from cxlab.contract.config import BundleConfig
    >>> b = Bundle(Path("shop"), BundleConfig(), customers=pd.DataFrame({"customer_id": ["a"]}))
    >>> print(missing_table_finding(b, "events"))  # doctest: +NORMALIZE_WHITESPACE
    This data has no events table, so this section is left out: a file of journey events
    (which customer, when, and at which stage) would add the journey stages here, and the
    journey map.
    """
    if table not in _ENABLES:
        raise ValueError(f"table must be one of {', '.join(_ENABLES)}, not {table!r}")
    if bundle.has(table):
        return None
    return Finding.unsupported(
        "This data has no {table} table, so this section is left out: " + _ENABLES[table] + ".",
        table=table,
    )


def headline(bundle: Bundle, *, name: str | None = None) -> Finding:
    """Describe a bundle in one sentence built from :func:`key_figures`.

    Tables the bundle lacks are named as missing rather than reported as zero. The client's name
    and currency are client text: they are values of the finding, escaped when it is shown.

    Parameters
    ----------
    bundle : Bundle
        A loaded client bundle.
    name : str, optional
        Display name to use instead of ``bundle.name``.

    Returns
    -------
    Finding
        ``"**Shop**: **2** customers; **3** orders worth ..."``; its ``facts`` are the key
        figures.

    Examples
    --------
    >>> from pathlib import Path
    >>> from cxlab.contract.bundle import Bundle
    >>> from cxlab.contract.config import BundleConfig
    >>> customers = pd.DataFrame({"customer_id": ["a", "b"]})
    >>> bundle = Bundle(Path("shop"), BundleConfig(), customers=customers)
    >>> print(headline(bundle))
    shop: 2 customers; no transactions table; no responses table; no events table.
    >>> headline(bundle, name="<b>Shop</b>").to_markdown().split(":")[0]
    '**&#60;b&#62;Shop&#60;&#47;b&#62;**'
    """
    kf = key_figures(bundle)
    clauses: list[Finding | str] = []
    if bundle.customers is not None:
        n = kf["customers"]
        clauses.append(md("**{n:,}** " + noun(n, "customer"), n=n))
    else:
        clauses.append("no customers table")
    if bundle.transactions is not None:
        orders = kf["orders"]
        clauses.append(
            md(
                "**{orders:,}** " + noun(orders, "order") + " worth **{revenue:,.0f} {currency}** "
                "net of refunds",
                orders=orders,
                revenue=kf["net_revenue"],
                currency=kf["currency"],
            )
        )
    else:
        clauses.append("no transactions table")
    for table, word in (("responses", "survey response"), ("events", "journey event")):
        if getattr(bundle, table) is not None:
            clauses.append(md("**{n:,}** " + noun(kf[table], word), n=kf[table]))
        else:
            clauses.append(f"no {table} table")
    client = name or kf["client"]
    parts: list[Finding | str] = [md("**{client}**: ", client=client)]
    parts += series(clauses, sep="; ", last="; ")
    if pd.notna(kf["first_date"]):
        parts.append(
            md(
                ", dated {first} to {last}",
                first=present.date(kf["first_date"]),
                last=present.date(kf["last_date"]),
            )
        )
    parts.append(".")
    return replace(join(parts, sep=""), numbers=kf.to_dict() | {"client": client})


def _count(df: pd.DataFrame | None) -> object:
    return len(df) if df is not None else pd.NA


def _orders(tx: pd.DataFrame, *, amount: str = "amount", order: str = "order_id") -> int:
    """Count sales: distinct order ids among positive amounts, else positive rows."""
    sales = tx[tx[amount] > 0]
    if order in sales and sales[order].notna().any():
        return int(sales[order].nunique()) + int(sales[order].isna().sum())
    return len(sales)


def table_profile(df: pd.DataFrame) -> pd.DataFrame:
    """Describe every column of a table: type, completeness and variety.

    Parameters
    ----------
    df : pandas.DataFrame
        Any table.

    Returns
    -------
    pandas.DataFrame
        One row per column (index ``column``) with ``dtype``, ``filled`` (non-missing values),
        ``missing``, ``missing_share`` (0–1) and ``distinct`` (distinct non-missing values).
        Values themselves are not shown, so the profile is safe to share even when a column
        holds personal data.

    Examples
    --------
    >>> df = pd.DataFrame({"id": ["a", "b", "c", "d"], "plan": ["x", None, "x", None]})
    >>> table_profile(df).loc["plan", ["missing", "distinct"]].tolist()
    [2, 1]
    >>> float(table_profile(df).loc["plan", "missing_share"])
    0.5
    """
    n = len(df)
    rows = []
    for col in df.columns:
        s = df[col]
        missing = int(s.isna().sum())
        rows.append(
            {
                "column": str(col),
                "dtype": str(s.dtype),
                "filled": n - missing,
                "missing": missing,
                "missing_share": missing / n if n else 0.0,
                "distinct": int(s.nunique(dropna=True)),
            }
        )
    cols = ["column", "dtype", "filled", "missing", "missing_share", "distinct"]
    return pd.DataFrame(rows, columns=cols).set_index("column")


def attribute_counts(
    customers: pd.DataFrame,
    *,
    columns: Sequence[str] | None = None,
    id_column: str = "customer_id",
    max_levels: int = 12,
) -> pd.DataFrame:
    """How customers divide over each categorical attribute.

    Parameters
    ----------
    customers : pandas.DataFrame
        The customers table.
    columns : sequence of str, optional
        Attributes to count. By default every text, boolean or categorical column other than
        ``id_column`` with at most ``max_levels`` distinct values; columns with more levels
        (names, e-mail addresses, free text) are left out. Levels are shown with personal
        details masked (:func:`cxlab.pii.redact`).
    id_column : str, default "customer_id"
        The identifier column, never counted.
    max_levels : int, default 12
        Upper limit on distinct values for a column to be chosen automatically.

    Returns
    -------
    pandas.DataFrame
        Long form with columns ``attribute``, ``level``, ``n`` and ``share`` (of all
        customers). Within an attribute, levels run from the largest to the smallest, and
        missing values, if any, come last as :data:`MISSING`.

    Examples
    --------
    >>> df = pd.DataFrame({"customer_id": list("abcd"), "region": ["N", "S", "N", None]})
    >>> attribute_counts(df)[["level", "n"]].values.tolist()
    [['N', 2], ['S', 1], ['(missing)', 1]]
    """
    if columns is None:
        columns = [
            c
            for c in customers.columns
            if c != id_column
            and _is_categorical(customers[c])
            and customers[c].nunique(dropna=True) <= max_levels
        ]
    n = len(customers)
    parts = []
    for col in columns:
        s = customers[col]
        # a level is client text shown in the report: personal details in it are masked first
        # (values that differ only in the masked detail then count as one level)
        counts = pii.redact(s.dropna().astype(str)).value_counts()
        counts = counts.sort_values(ascending=False, kind="stable")
        frame = pd.DataFrame({"level": counts.index.astype(str), "n": counts.to_numpy()})
        missing = int(s.isna().sum())
        if missing:
            frame = pd.concat(
                [frame, pd.DataFrame({"level": [MISSING], "n": [missing]})], ignore_index=True
            )
        frame.insert(0, "attribute", str(col))
        parts.append(frame)
    if not parts:
        out = pd.DataFrame({"attribute": [], "level": [], "n": [], "share": []})
        return out.astype({"attribute": "str", "level": "str", "n": "int64", "share": "float64"})
    out = pd.concat(parts, ignore_index=True)
    out["n"] = out["n"].astype("int64")
    out["share"] = out["n"] / n if n else 0.0
    return out


def _is_categorical(s: pd.Series) -> bool:
    return (
        pd.api.types.is_string_dtype(s)
        or pd.api.types.is_bool_dtype(s)
        or isinstance(s.dtype, pd.CategoricalDtype)
        or s.dtype == object
    )


def monthly_revenue(
    transactions: pd.DataFrame,
    *,
    date: str = "date",
    amount: str = "amount",
    customer: str = "customer_id",
    order: str = "order_id",
) -> pd.DataFrame:
    """Revenue and activity per calendar month, with empty months kept as zeros.

    Parameters
    ----------
    transactions : pandas.DataFrame
        The transactions table; negative amounts are refunds.
    date, amount, customer, order : str
        Column names. ``order`` is optional: without it every positive row counts as an order.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``month`` (the first day of each month, every month from the first to the
        last transaction), with columns ``revenue`` (sales minus refunds), ``sales``,
        ``refunds`` (a positive number), ``orders`` and ``customers`` (distinct buyers).
        Rows with a missing date or amount are ignored.

    Examples
    --------
    >>> tx = pd.DataFrame(
    ...     {
    ...         "customer_id": ["a", "b", "a"],
    ...         "date": pd.to_datetime(["2024-01-05", "2024-03-01", "2024-03-09"]),
    ...         "amount": [10.0, 20.0, -5.0],
    ...     }
    ... )
    >>> monthly_revenue(tx)["revenue"].tolist()
    [10.0, 0.0, 15.0]
    """
    cols = ["revenue", "sales", "refunds", "orders", "customers"]
    tx = transactions.dropna(subset=[date, amount])
    if tx.empty:
        empty = pd.DataFrame(
            {c: pd.Series(dtype="float64" if c in cols[:3] else "int64") for c in cols}
        )
        empty.index = pd.DatetimeIndex([], name="month")
        return empty
    month = tx[date].dt.to_period("M").dt.to_timestamp()
    amounts = tx[amount].astype("float64")
    frame = pd.DataFrame(
        {
            "month": month,
            "sales": amounts.clip(lower=0),
            "refunds": (-amounts).clip(lower=0),
            "customer": tx[customer] if customer in tx else pd.NA,
        }
    )
    grouped = frame.groupby("month")
    out = pd.DataFrame(
        {
            "sales": grouped["sales"].sum(),
            "refunds": grouped["refunds"].sum(),
            "customers": grouped["customer"].nunique(),
        }
    )
    positive = tx[amounts > 0]
    pos_month = month[amounts > 0]
    if order in positive and positive[order].notna().any():
        orders = positive[order].groupby(pos_month).nunique()
    else:
        orders = pos_month.value_counts()
    out["orders"] = orders
    full = pd.date_range(out.index.min(), out.index.max(), freq="MS", name="month")
    out = out.reindex(full).fillna(0)
    out["revenue"] = out["sales"] - out["refunds"]
    out["orders"] = out["orders"].astype("int64")
    out["customers"] = out["customers"].astype("int64")
    return out[cols]


def seasonal_index(
    monthly: pd.DataFrame,
    *,
    value: str = "revenue",
    method: Literal["auto", "moving_average", "mean"] = "auto",
) -> pd.DataFrame:
    """How strong each calendar month is compared with an ordinary month.

    With two years of data or more the index is the classical ratio to a centred 12-month
    moving average, so growth over the period does not masquerade as a seasonal peak. With
    less data it falls back to the ratio of each month to the mean month, which mixes trend
    into the pattern and is reported as such in the ``method`` column.

    Parameters
    ----------
    monthly : pandas.DataFrame
        Output of :func:`monthly_revenue` (or any frame indexed by month-start dates).
    value : str, default "revenue"
        The column to analyse.
    method : {"auto", "moving_average", "mean"}, default "auto"
        ``"auto"`` picks ``"moving_average"`` when there are at least 24 months.

    Returns
    -------
    pandas.DataFrame
        Indexed by calendar month number (1–12, only months present), with columns
        ``month_name``, ``index`` (1.0 = an ordinary month; the indices average to 1),
        ``years`` (how many observations the index rests on) and ``method``.

    Raises
    ------
    ValueError
        If ``method="moving_average"`` is asked for with fewer than 24 months.

    References
    ----------
    .. [1] Hyndman, R. J., & Athanasopoulos, G. (2021). *Forecasting: Principles and Practice*
       (3rd ed.), section 3.4 "Classical decomposition". OTexts.

    Examples
    --------
    >>> months = pd.date_range("2022-01-01", periods=36, freq="MS")
    >>> level = [200.0 if m.month == 12 else 100.0 for m in months]
    >>> idx = seasonal_index(pd.DataFrame({"revenue": level}, index=months))
    >>> int(idx["index"].idxmax()), idx["method"].iloc[0]
    (12, 'moving_average')
    """
    series = monthly[value].astype("float64")
    if method == "auto":
        method = "moving_average" if len(series) >= 24 else "mean"
    if method == "moving_average":
        if len(series) < 24:
            raise ValueError(
                f"a moving-average seasonal index needs at least 24 months; got {len(series)}"
            )
        # centred 2x12 moving average: mean of two adjacent 12-month windows
        trend = series.rolling(12).mean().rolling(2).mean().shift(-6)
        ratio = (series / trend).replace([np.inf, -np.inf], np.nan).dropna()
    elif method == "mean":
        overall = series.mean()
        ratio = series / overall if overall else series * np.nan
        ratio = ratio.dropna()
    else:
        raise ValueError(f"method must be 'auto', 'moving_average' or 'mean', got {method!r}")
    by_month = ratio.groupby(ratio.index.month)
    raw = by_month.mean()
    out = pd.DataFrame(
        {
            "month_name": [calendar.month_name[m] for m in raw.index],
            "index": raw / raw.mean() if len(raw) else raw,
            "years": by_month.size().astype("int64"),
            "method": method,
        },
        index=pd.Index(raw.index.astype("int64"), name="month"),
    )
    return out


def responses_per_month(
    responses: pd.DataFrame, *, date: str = "date", by: str | None = "touchpoint"
) -> pd.DataFrame:
    """Survey responses per month, split by a column.

    Parameters
    ----------
    responses : pandas.DataFrame
        The responses table.
    date : str, default "date"
        Date column.
    by : str or None, default "touchpoint"
        Column to split by; ``None`` (or a column the table lacks) gives one column ``"all"``.
        Missing values form their own group, :data:`MISSING`, placed last.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``month`` (every month from the first to the last response), one integer
        column per group, groups ordered from the most to the fewest responses.

    Examples
    --------
    >>> r = pd.DataFrame(
    ...     {
    ...         "date": pd.to_datetime(["2024-01-02", "2024-01-20", "2024-03-01"]),
    ...         "touchpoint": ["web", "store", "web"],
    ...     }
    ... )
    >>> responses_per_month(r).to_dict("list")
    {'web': [1, 0, 1], 'store': [1, 0, 0]}
    """
    r = responses.dropna(subset=[date])
    month = r[date].dt.to_period("M").dt.to_timestamp().rename("month")
    if by is not None and by in r:
        group = r[by].astype("str").where(r[by].notna(), MISSING).rename(by)
    else:
        group = pd.Series("all", index=r.index, name="group")
    table = pd.crosstab(month, group)
    if table.empty:
        return table.astype("int64")
    full = pd.date_range(table.index.min(), table.index.max(), freq="MS", name="month")
    table = table.reindex(full, fill_value=0)
    order = table.sum().sort_values(ascending=False, kind="stable").index.tolist()
    order = [c for c in order if c != MISSING] + [c for c in order if c == MISSING]
    table = table[order].astype("int64")
    table.columns = pd.Index([str(c) for c in table.columns], name=group.name)
    return table


def answer_coverage(
    responses: pd.DataFrame, *, by: str = "touchpoint", metrics: Sequence[str] = SCORE_METRICS
) -> pd.DataFrame:
    """Which questions responses answer, with and without a value in ``by``.

    Post-interaction surveys are tied to a touchpoint and tend to ask CSAT or CES; relationship
    surveys go to the whole customer base in waves, ask NPS and name no touchpoint. Splitting
    the answer rates this way shows which kind of survey each metric comes from.

    Parameters
    ----------
    responses : pandas.DataFrame
        The responses table.
    by : str, default "touchpoint"
        The column whose presence splits the responses.
    metrics : sequence of str, default ("nps", "csat", "ces")
        Rating columns to report; those the table lacks are skipped.

    Returns
    -------
    pandas.DataFrame
        Index ``with <by>`` and ``without <by>`` (groups with no responses are dropped);
        column ``responses`` (count) and one column per metric with the share (0–1) of the
        group's responses that answer it.

    Examples
    --------
    >>> r = pd.DataFrame(
    ...     {
    ...         "touchpoint": pd.array(["web", None, "web"], dtype="str"),
    ...         "nps": pd.array([None, 9, None], dtype="Int64"),
    ...         "csat": pd.array([4, None, 5], dtype="Int64"),
    ...     }
    ... )
    >>> answer_coverage(r)[["nps", "csat"]].values.tolist()
    [[0.0, 1.0], [1.0, 0.0]]
    """
    present = [m for m in metrics if m in responses]
    has = responses[by].notna() if by in responses else pd.Series(False, index=responses.index)
    rows = {}
    for label, mask in ((f"with {by}", has), (f"without {by}", ~has)):
        part = responses[mask]
        if part.empty:
            continue
        rows[label] = {"responses": len(part)} | {m: float(part[m].notna().mean()) for m in present}
    out = pd.DataFrame.from_dict(rows, orient="index", columns=["responses", *present])
    return out.astype({"responses": "int64"})


def score_scales(config: BundleConfig | None = None) -> dict[str, tuple[int, int]]:
    """Return the scale of each rating metric, from a bundle's configuration.

    Parameters
    ----------
    config : BundleConfig, optional
        ``bundle.config``; defaults apply when omitted (CSAT 1–5, CES 1–7).

    Returns
    -------
    dict of str to (int, int)
        ``{"nps": (0, 10), "csat": (low, high), "ces": (low, high)}``.

    Examples
    --------
    >>> score_scales()
    {'nps': (0, 10), 'csat': (1, 5), 'ces': (1, 7)}
    """
    if config is None:
        from cxlab.contract.config import BundleConfig

        config = BundleConfig()
    return {
        "nps": (0, 10),
        "csat": (config.csat_scale.min, config.csat_scale.max),
        "ces": (config.ces_scale.min, config.ces_scale.max),
    }


def score_distributions(
    responses: pd.DataFrame,
    *,
    scales: Mapping[str, tuple[int, int]] | None = None,
    metrics: Sequence[str] = SCORE_METRICS,
) -> pd.DataFrame:
    """How the answers to each rating question spread over its scale.

    Parameters
    ----------
    responses : pandas.DataFrame
        The responses table.
    scales : mapping of str to (int, int), optional
        Lowest and highest score per metric; see :func:`score_scales` (the default).
    metrics : sequence of str, default ("nps", "csat", "ces")
        Columns to describe; those the table lacks, or that hold no answers, are skipped.

    Returns
    -------
    pandas.DataFrame
        Long form with columns ``metric``, ``score``, ``n``, ``share`` (of the metric's
        answers) and ``total`` (the metric's ``n``: how many responses answered it). Every
        point of the scale appears, with ``n = 0`` when nobody chose it; scores outside the
        scale, if any, are kept rather than hidden.

    Examples
    --------
    >>> r = pd.DataFrame({"csat": pd.array([5, 4, 4, None], dtype="Int64")})
    >>> d = score_distributions(r)
    >>> d[["score", "n"]].values.tolist()
    [[1, 0], [2, 0], [3, 0], [4, 2], [5, 1]]
    >>> int(d["total"].iloc[0])
    3
    """
    scales = dict(score_scales()) | dict(scales or {})
    parts = []
    for metric in metrics:
        if metric not in responses:
            continue
        answers = pd.to_numeric(responses[metric], errors="coerce").dropna()
        if answers.empty:
            continue
        answers = answers.round().astype("int64")
        low, high = scales.get(metric, (int(answers.min()), int(answers.max())))
        points = sorted(set(range(int(low), int(high) + 1)) | set(answers.unique().tolist()))
        counts = answers.value_counts().reindex(points, fill_value=0)
        total = int(counts.sum())
        parts.append(
            pd.DataFrame(
                {
                    "metric": metric,
                    "score": np.asarray(points, dtype="int64"),
                    "n": counts.to_numpy(dtype="int64"),
                    "share": counts.to_numpy(dtype="float64") / total,
                    "total": total,
                }
            )
        )
    if not parts:
        empty = {"metric": "str", "score": "int64", "n": "int64", "share": "float64"}
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in empty.items()}).assign(
            total=pd.Series(dtype="int64")
        )
    return pd.concat(parts, ignore_index=True)


def stage_counts(
    events: pd.DataFrame,
    *,
    stage: str = "stage",
    customer: str = "customer_id",
    timestamp: str = "timestamp",
    order: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Count customers and events at each stage of the journey.

    Parameters
    ----------
    events : pandas.DataFrame
        The events table.
    stage, customer, timestamp : str
        Column names.
    order : sequence of str, optional
        The stages in journey order. By default the order is read from the data with
        :func:`cxlab.journey.infer_stage_order`: for each customer the stages are ranked by
        when the customer first reached them, and stages are sorted by their mean rank (ties
        by name). Stages in the data but not in ``order`` follow it in that same data order.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``stage`` in journey order, with ``events``, ``customers`` (distinct
        customers with at least one event in the stage), ``share`` (of all customers in the
        events table) and ``step_conversion`` (customers in this stage over customers in the
        previous one; missing for the first stage). Events without a stage are ignored.

    Examples
    --------
    >>> ev = pd.DataFrame(
    ...     {
    ...         "customer_id": ["a", "a", "b", "c", "c"],
    ...         "timestamp": pd.to_datetime(
    ...             ["2024-01-01", "2024-01-03", "2024-01-02", "2024-01-01", "2024-01-05"]
    ...         ),
    ...         "stage": ["visit", "buy", "visit", "visit", "buy"],
    ...     }
    ... )
    >>> stage_counts(ev)[["customers", "step_conversion"]].round(2).values.tolist()
    [[3.0, nan], [2.0, 0.67]]
    """
    ev = events.dropna(subset=[stage])
    ev = ev.assign(**{stage: ev[stage].astype("str")})
    n_customers = ev[customer].nunique()
    grouped = ev.groupby(stage)
    table = pd.DataFrame(
        {"events": grouped.size(), "customers": grouped[customer].nunique()}
    ).astype("int64")
    # Imported here: cxlab.journey pulls in the statistics stack, which the tour does not need.
    from cxlab.journey import infer_stage_order

    inferred = infer_stage_order(ev, stage=stage, customer=customer, timestamp=timestamp)
    if order is None:
        sequence = inferred
    else:
        wanted = [s for s in order if s in table.index]
        sequence = wanted + [s for s in inferred if s not in wanted]
    table = table.reindex(sequence)
    table.index.name = "stage"
    table["share"] = table["customers"] / n_customers if n_customers else np.nan
    table["step_conversion"] = table["customers"] / table["customers"].shift(1)
    return table


# ----------------------------------------------------------------------------------------------
# Findings: the sentences the welcome tour states, true for whichever client is loaded


def _small_n() -> int:
    """Return the count of answers (or customers) below which a share is indicative."""
    # Imported here: cxlab.metrics pulls in the statistics stack, which the tour does not need.
    from cxlab.metrics import SMALL_N

    return SMALL_N


def _tied(values: pd.Series, best: float) -> list[str]:
    """Labels (index) of ``values`` equal to ``best``, within floating-point noise."""
    return [str(k) for k in values.index[np.isclose(values.to_numpy(dtype=float), best)]]


def _names(names: Sequence[str], *, bold: bool = False) -> list[Finding | str]:
    """List names as values of the sentence ("a, b and c"), each escaped when shown."""
    return series([md("**{name}**" if bold else "{name}", name=name) for name in names])


def largest_groups_finding(counts: pd.DataFrame) -> Finding:
    """State the largest group of customers in each attribute.

    Levels that tie for the largest are all named. Missing values are never called a group,
    but when more customers lack a value than belong to the largest group, the sentence says
    so. Below 30 customers (:data:`cxlab.metrics.SMALL_N`) the shares are called indicative.

    Parameters
    ----------
    counts : pandas.DataFrame
        Output of :func:`attribute_counts`: columns ``attribute``, ``level``, ``n`` and
        ``share``, every customer counted once per attribute (missing values as
        :data:`MISSING`).

    Returns
    -------
    Finding
        "Largest group in each attribute — region: London (20%); ...". Its ``facts`` map each
        attribute to ``levels`` (the largest, a list), ``n`` and ``share`` (0–1). Unsupported
        when the table has no attributes.

    Examples
    --------
    >>> df = pd.DataFrame({"customer_id": list("abcd"), "region": ["N", "S", "N", None]})
    >>> f = largest_groups_finding(attribute_counts(df))
    >>> f.text.split(".")[0]
    'Largest group in each attribute — region: N (50%)'
    >>> f.facts["region"]
    {'levels': ['N'], 'n': 2, 'share': 0.5}
    """
    if counts.empty:
        return Finding.unsupported(
            "The customers table has no descriptive attributes besides the identifier, so there "
            "are no groups to describe."
        )
    pieces: list[Finding | str] = []
    numbers: dict[str, dict[str, object]] = {}
    total = 0
    for attribute, part in counts.groupby("attribute", sort=False):
        total = int(part["n"].sum())
        levels = part[part["level"] != MISSING].set_index("level")["n"]
        missing = int(part.loc[part["level"] == MISSING, "n"].sum())
        if levels.empty:
            pieces.append(
                md("{attribute}: no value recorded", attribute=present.term(str(attribute)))
            )
            numbers[str(attribute)] = {"levels": [], "n": 0, "share": 0.0}
            continue
        top_n = int(levels.max())
        top = _tied(levels, top_n)
        share = top_n / total if total else 0.0
        each = " each" if len(top) > 1 else ""
        piece: list[Finding | str] = [md("{attribute}: ", attribute=present.term(str(attribute)))]
        piece += series([md("{level}", level=_level(level)) for level in top])
        piece.append(md(" ({share:.0%}" + each + ")", share=share))
        if missing > top_n:
            piece.append(md(", though {missing:.0%} have no value", missing=missing / total))
        pieces.append(join(piece, sep=""))
        numbers[str(attribute)] = {"levels": top, "n": top_n, "share": share}
    parts = ["Largest group in each attribute — ", *series(pieces, sep="; ", last="; "), "."]
    if total < _small_n():
        parts.append(md(" With only {n:,} customers, these shares are indicative.", n=total))
    return replace(join(parts, sep=""), numbers=numbers)


def _level(level: object) -> object:
    """Return a group's value as the reader sees it: booleans as yes/no, client text as written.

    :func:`attribute_counts` holds levels as text, so a yes/no column arrives as "True" and
    "False" (or as the "true" and "false" a file wrote); :func:`cxlab.present.level` reads
    them.
    """
    return present.level(level)


def seasonality_finding(monthly: pd.DataFrame, seasonal: pd.DataFrame) -> Finding:
    """State the strongest and weakest calendar months, the refund rate and the method.

    Says so when the data cannot show a season: no dated transactions, a single month, net
    revenue that sums to zero, or every month alike. It names every month that ties for
    strongest or weakest, notes when only some calendar months are covered or each index
    rests on a single year, and states the method of :func:`seasonal_index` in words.

    Parameters
    ----------
    monthly : pandas.DataFrame
        Output of :func:`monthly_revenue` (columns ``sales`` and ``refunds`` used).
    seasonal : pandas.DataFrame
        Output of :func:`seasonal_index` for ``monthly``.

    Returns
    -------
    Finding
        "Over 24 months, December is the strongest month (index 1.78) and February the weakest
        (0.62); refunds take back 9.2% of sales. ..." Its ``facts``: ``months``, ``strongest``
        and ``weakest`` (lists of month names), ``strongest_index``, ``weakest_index``,
        ``refunded`` (0–1, or None without sales) and ``method``.

    References
    ----------
    .. [1] Hyndman, R. J., & Athanasopoulos, G. (2021). *Forecasting: Principles and Practice*
       (3rd ed.), section 3.4 "Classical decomposition". OTexts.

    Examples
    --------
    >>> months = pd.date_range("2024-01-01", periods=3, freq="MS", name="month")
    >>> monthly = pd.DataFrame(
    ...     {"revenue": [80.0, 100.0, 120.0], "sales": [100.0, 100.0, 120.0]}, index=months
    ... ).assign(refunds=[20.0, 0.0, 0.0])
    >>> f = seasonality_finding(monthly, seasonal_index(monthly))
    >>> f.facts["strongest"], round(f.facts["strongest_index"], 2), round(f.facts["refunded"], 4)
    (['March'], 1.2, 0.0625)
    """
    months = len(monthly)
    if months == 0:
        return Finding.unsupported(
            "There are no dated transactions, so there is no monthly pattern to describe."
        )
    if months < 2:
        return Finding.unsupported(
            "The transactions cover a single month, so no month can be compared with another."
        )
    index = seasonal["index"].dropna()
    if index.empty:
        return Finding.unsupported(
            "Net revenue sums to zero over the {months} months, so no month can be measured "
            "against an ordinary one.",
            months=months,
        )
    names = seasonal.loc[index.index, "month_name"]
    index.index = names.to_numpy()
    strongest, weakest = _tied(index, index.max()), _tied(index, index.min())
    method = str(seasonal["method"].iloc[0])
    if len(strongest) == len(index):
        parts: list[Finding | str] = [
            md(
                "Over {months} months, no calendar month stands out: each has the index "
                "{index:.2f}",
                months=months,
                index=index.iloc[0],
            )
        ]
    else:
        parts = [md("Over {months} months, ", months=months), *_names(strongest)]
        parts.append(
            md(
                (
                    " are the strongest months (index {high:.2f} each) and "
                    if len(strongest) > 1
                    else " is the strongest month (index {high:.2f}) and "
                ),
                high=index.max(),
            )
        )
        parts += _names(weakest)
        parts.append(
            md(" the weakest ({low:.2f}" + (" each)" if len(weakest) > 1 else ")"), low=index.min())
        )
    sales, refunds = float(monthly["sales"].sum()), float(monthly["refunds"].sum())
    refunded = refunds / sales if sales > 0 else None
    if refunded is not None and refunds > 0:
        parts.append(md("; refunds take back {refunded:.1%} of sales", refunded=refunded))
    elif refunded is not None:
        parts.append("; there are no refunds")
    parts.append(".")
    if len(index) < 12:
        parts.append(
            md(
                " Only {k} of the 12 calendar months appear, so the comparison covers those alone.",
                k=len(index),
            )
        )
    if int(seasonal["years"].max()) == 1:
        parts.append(" Each month's index rests on a single year, so the pattern may not repeat.")
    if method == "moving_average":
        parts.append(" Method: ratio to a centred 12-month moving average.")
    else:
        parts.append(
            " Method: ratio to the average month, which does not separate season from growth."
        )
    numbers = {
        "months": months,
        "strongest": strongest,
        "weakest": weakest,
        "strongest_index": float(index.max()),
        "weakest_index": float(index.min()),
        "refunded": refunded,
        "method": method,
    }
    return replace(join(parts, sep=""), numbers=numbers)


def answers_finding(distributions: pd.DataFrame, *, responses: int) -> Finding:
    """State how many responses answer each rating question, and flag small ones.

    Parameters
    ----------
    distributions : pandas.DataFrame
        Output of :func:`score_distributions` (columns ``metric`` and ``total`` used).
    responses : int
        The number of responses in the table, answered or not.

    Returns
    -------
    Finding
        "Of 2,627 responses, each metric rests on its own n: NPS n = 907, ...". A metric with
        fewer than 30 answers (:data:`cxlab.metrics.SMALL_N`) is called indicative. Its
        ``facts`` map each metric to its ``n``. Unsupported when no question is answered.

    Examples
    --------
    >>> r = pd.DataFrame({"nps": [10, 9, None], "csat": [5, None, 4]})
    >>> print(answers_finding(score_distributions(r), responses=3))  # doctest: +ELLIPSIS
    Of 3 responses, each metric rests on its own n: NPS n = 2, CSAT n = 2. NPS and CSAT ...
    """
    totals = distributions.groupby("metric", sort=False)["total"].first().astype("int64")
    if totals.empty:
        return Finding.unsupported(
            "None of the {responses:,} responses answers a rating question (NPS, CSAT or CES), "
            "so there is no score to describe.",
            responses=responses,
        )
    counts = [
        md("{metric} n = {n:,}", metric=str(metric).upper(), n=int(n))
        for metric, n in totals.items()
    ]
    if len(counts) == 1:
        parts: list[Finding | str] = [
            md("Of {responses:,} responses, only one question is answered: ", responses=responses)
        ]
    else:
        parts = [
            md("Of {responses:,} responses, each metric rests on its own n: ", responses=responses)
        ]
    parts += [*series(counts, sep=", ", last=", "), "."]
    small = [str(m).upper() for m, n in totals.items() if n < _small_n()]
    if small:
        parts += [" ", *series([md("{m}", m=m) for m in small])]
        verb = " rests" if len(small) == 1 else " rest"
        parts.append(
            md(
                verb + " on fewer than {small_n} answers, so read it as indicative.",
                small_n=_small_n(),
            )
            if len(small) == 1
            else md(
                verb + " on fewer than {small_n} answers, so read them as indicative.",
                small_n=_small_n(),
            )
        )
    numbers = {str(m): int(n) for m, n in totals.items()}
    return replace(join(parts, sep=""), numbers=numbers)


def stages_finding(stages: pd.DataFrame) -> Finding:
    """State the most and the least observed journey stage, and whether the log is a funnel.

    Stage names are client text and are escaped when shown. Stages that tie are all named.
    When a stage is seen for more customers than the stage before it, the sentence warns that
    the log misses part of the early journey, so the bars are not a strict funnel. Below 30
    customers (:data:`cxlab.metrics.SMALL_N`) the shares are called indicative.

    Parameters
    ----------
    stages : pandas.DataFrame
        Output of :func:`stage_counts` (columns ``customers``, ``share`` and
        ``step_conversion``, indexed by stage in journey order).

    Returns
    -------
    Finding
        "Of 2,000 customers with events, 88% have at least one **purchase** event and 46% a
        **loyalty** event. ..." Its ``facts``: ``customers`` (with a staged event), ``most``
        and ``least`` (lists of stages), ``most_share``, ``least_share`` and ``funnel``
        (False when a stage outnumbers the one before). Unsupported without stages.

    Examples
    --------
    >>> ev = pd.DataFrame(
    ...     {
    ...         "customer_id": ["a", "a", "b", "c", "c"],
    ...         "timestamp": pd.to_datetime(
    ...             ["2024-01-01", "2024-01-03", "2024-01-02", "2024-01-01", "2024-01-05"]
    ...         ),
    ...         "stage": ["visit", "buy", "visit", "visit", "buy"],
    ...     }
    ... )
    >>> f = stages_finding(stage_counts(ev))
    >>> f.text.split(". ")[0]
    'Of 3 customers with events, 100% have at least one visit event and 67% a buy event'
    """
    seen = stages[stages["share"] > 0]
    if seen.empty:
        return Finding.unsupported(
            "The events table has no customers with a stage, so there is no journey to count."
        )
    # the shares are of every customer with a staged event; recover that number from them
    total = round(float(seen["customers"].iloc[0]) / float(seen["share"].iloc[0]))
    share = stages["share"].astype(float)
    most, least = _tied(share, share.max()), _tied(share, share.min())
    intro = md("Of {total:,} customers with events, ", total=total)
    if len(most) == len(stages):
        parts: list[Finding | str] = [intro, md("{share:.0%} are seen in ", share=share.max())]
        parts += [
            *_names(most, bold=True),
            (" — every stage alike." if len(most) > 1 else ", the only stage in the log."),
        ]
    elif len(most) == 1 and len(least) == 1:
        parts = [
            intro,
            md(
                "{most_share:.0%} have at least one **{most}** event and {least_share:.0%} a "
                "**{least}** event.",
                most_share=share.max(),
                most=most[0],
                least_share=share.min(),
                least=least[0],
            ),
        ]
    else:
        several = len(most) > 1
        parts = [intro, "the most observed stage" + ("s " if several else " ")]
        parts += _names(most, bold=True)
        seen_for = (
            " are each seen for {s:.0%} of them" if several else " is seen for {s:.0%} of them"
        )
        parts.append(md(seen_for, s=share.max()))
        parts.append(", and the least observed " + ("ones " if len(least) > 1 else ""))
        parts += _names(least, bold=True)
        parts.append(md((" each" if len(least) > 1 else "") + " for {s:.0%}.", s=share.min()))
    funnel = not bool((stages["step_conversion"].dropna() > 1).any())
    if not funnel:
        parts.append(
            " Some stages are seen for more customers than the stage before them, so the log "
            "misses part of the early journey: read the bars as where customers were observed, "
            "not as a strict funnel."
        )
    if total < _small_n():
        parts.append(md(" With only {n:,} customers, these shares are indicative.", n=total))
    numbers = {
        "customers": total,
        "most": most,
        "least": least,
        "most_share": float(share.max()),
        "least_share": float(share.min()),
        "funnel": funnel,
    }
    return replace(join(parts, sep=""), numbers=numbers)
