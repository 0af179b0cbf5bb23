"""The four segmentation strategies of the curriculum: behavioural, value, needs, psychographic."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from cxlab.checks import require_columns
from cxlab.segmentation._features import customer_features
from cxlab.segmentation._micro import MicroSegmenter, name_segments, profile
from cxlab.segmentation._rfm import rfm

__all__ = [
    "BEHAVIOURAL_FEATURES",
    "MAX_CATEGORIES",
    "Segmentation",
    "behavioural_segments",
    "needs_segments",
    "psychographic_segments",
    "value_segments",
]

#: Most category share columns :func:`behavioural_segments` clusters on by default.
MAX_CATEGORIES: int = 10

#: Default features of :func:`behavioural_segments` (those present are used), plus the
#: category shares.
BEHAVIOURAL_FEATURES: tuple[str, ...] = (
    "recency",
    "orders_per_year",
    "avg_order_value",
    "units_per_line",
    "price_per_unit",
)


@dataclass(frozen=True, eq=False)
class Segmentation:
    """Customers assigned to segments, and what the segments look like.

    Parameters
    ----------
    strategy : {"behavioural", "value", "needs", "psychographic"}
    segments : pandas.DataFrame
        Indexed by customer id: ``segment`` (the name) and, for clusterings, ``label`` (the
        cluster number, 0 = largest).
    profile : pandas.DataFrame
        Indexed by segment name: ``n``, ``share`` and what describes the segment.
    model : MicroSegmenter, optional
        The fitted clustering, for behavioural and needs segments.
    notes : tuple of str
        What was dropped or assumed, in plain sentences.
    """

    strategy: str
    segments: pd.DataFrame
    profile: pd.DataFrame
    model: MicroSegmenter | None = None
    notes: tuple[str, ...] = field(default=())

    def to_frame(self) -> pd.DataFrame:
        """Return the customer → segment table."""
        return self.segments

    def counts(self) -> pd.Series:
        """Count customers per segment, in profile order."""
        return self.segments["segment"].value_counts().reindex(self.profile.index, fill_value=0)


def _describe(out: pd.DataFrame, described: pd.DataFrame | None) -> pd.DataFrame:
    """Join the means of extra features (by segment) onto a profile."""
    if described is None:
        return out
    common = out.attrs.get("_seg")
    extra = profile(described.loc[described.index.intersection(common.index)], common)
    extra = extra.drop(columns=["n", "share"]).drop(index="all", errors="ignore")
    return out.join(extra, how="left")


def _top_shares(feats: pd.DataFrame, *, prefix: str, keep: int) -> tuple[pd.DataFrame, list[str]]:
    """Keep the ``keep`` most bought share columns of ``prefix`` and pool the rest as ``other``.

    Shares are weighted by each customer's purchase lines (``lines_per_order × frequency``),
    so "most bought" counts lines over all customers, as the shares themselves do.
    """
    if isinstance(keep, bool) or int(keep) != keep or keep < 1:
        raise ValueError(f"max_categories must be a whole number of at least 1; got {keep!r}")
    share_cols = [c for c in feats.columns if str(c).startswith(prefix)]
    if len(share_cols) <= keep:
        return feats, share_cols
    lines = (feats["lines_per_order"] * feats["frequency"]).to_numpy()
    volume = feats[share_cols].to_numpy().T @ lines
    order = sorted(range(len(share_cols)), key=lambda j: (-volume[j], str(share_cols[j])))
    top = [share_cols[j] for j in sorted(order[: int(keep)])]
    other = f"{prefix}other"
    while other in feats.columns:  # a category literally named "other"
        other += "_"
    pooled = [c for c in share_cols if c not in top]
    rest = feats[pooled].to_numpy().sum(axis=1)
    return feats.assign(**{other: rest}), [*top, other]


def behavioural_segments(
    transactions: pd.DataFrame,
    *,
    features: Sequence[str] | None = None,
    k: int | None = None,
    method: str = "kmeans",
    k_range: tuple[int, int] = (2, 8),
    random_state: int = 0,
    customer: str = "customer_id",
    date: str = "date",
    amount: str = "amount",
    order: str | None = "order_id",
    quantity: str | None = "quantity",
    category: str | None = "category",
    channel: str | None = "channel",
    asof: Any = None,
    max_categories: int = MAX_CATEGORIES,
) -> Segmentation:
    """Group customers by how they buy: how often and how lately, basket, price and category mix.

    *SMB use:* find the groups that buy differently (frequent small baskets, rare big ones,
    bargain hunters, one-timers who never came back) and tailor offers and the timing of
    messages to each. The features are those of :func:`customer_features`; they are clustered
    by :class:`MicroSegmenter` and each segment is named by :func:`name_segments`.

    Parameters
    ----------
    transactions : pandas.DataFrame
        The transactions log.
    features : sequence of str, optional
        Feature columns to cluster on; default :data:`BEHAVIOURAL_FEATURES` (those present)
        and the ``category:`` shares (see ``max_categories``).
    k, method, k_range, random_state
        As in :class:`MicroSegmenter`.
    customer, date, amount, order, quantity, category, channel, asof
        As in :func:`customer_features`.
    max_categories : int, default :data:`MAX_CATEGORIES`
        With the default features, the share columns of at most this many categories are
        clustered on: the most bought (by purchase lines over all customers, ties by name),
        with the rest pooled into one ``<category>:other`` share. A line-item log whose item
        column holds hundreds of products would otherwise give hundreds of sparse share
        columns, each standardised to weigh as much as spend or frequency, so the clusters
        would follow single products and the search for ``k`` would slow down with every
        column.

    Returns
    -------
    Segmentation
        ``segments``: ``label`` and ``segment`` per buying customer; ``profile``: per segment
        name, ``label``, ``n``, ``share``, every feature's mean and its ratio to all customers.

    Examples
    --------
    >>> from cxlab.datasets import load_demo
    >>> tx = load_demo("consulting").transactions
    >>> seg = behavioural_segments(tx, k=3)
    >>> seg.profile[["label", "n"]]  # doctest: +NORMALIZE_WHITESPACE
                                                  label    n
    segment
    low spenders · low units per line                 0  534
    mid spenders · more process improvement           1  474
    frequent high spenders · more transformation      2  177
    """
    feats = customer_features(
        transactions,
        customer=customer,
        date=date,
        amount=amount,
        order=order,
        quantity=quantity,
        category=category,
        channel=channel,
        asof=asof,
    )
    if features is None:
        cols = [c for c in BEHAVIOURAL_FEATURES if c in feats.columns]
        feats, shares = _top_shares(feats, prefix=f"{category}:", keep=max_categories)
        cols += shares
    else:
        cols = list(features)
        require_columns(feats, dict.fromkeys(cols, "features=[...]"), table="customer features")
    model = MicroSegmenter(k=k, method=method, k_range=k_range, random_state=random_state).fit(
        feats[cols]
    )
    labels = pd.Series(model.labels_, index=feats.index, name="label")
    names = name_segments(feats[cols], labels)
    prof = profile(feats[cols], labels).drop(index="all")
    prof.index = pd.Index(names.reindex(prof.index).to_numpy(), name="segment")
    prof.insert(0, "label", names.index.to_numpy())
    segments = pd.DataFrame({"label": labels, "segment": names.reindex(labels).to_numpy()})
    return Segmentation("behavioural", segments, prof, model, tuple(feats.attrs["notes"]))


def value_segments(
    transactions: pd.DataFrame,
    *,
    customers: pd.DataFrame | None = None,
    tiers: tuple[float, ...] = (0.2, 0.5),
    labels: tuple[str, ...] = ("top", "middle", "low"),
    customer: str = "customer_id",
    date: str = "date",
    amount: str = "amount",
    asof: Any = None,
) -> Segmentation:
    """Tier customers by what they are worth: top 20 %, the next 30 %, the rest (Pareto).

    Customers are ranked by net spend (purchases minus refunds), highest first, ties broken by
    customer id. With the default ``tiers=(0.2, 0.5)`` the first 20 % of customers (rounded up)
    are ``top``, those up to 50 % ``middle`` and the rest ``low``. Customers of ``customers``
    who bought nothing are tier ``no purchase``.

    *SMB use:* a few customers usually bring most of the revenue (the Pareto or 80/20 pattern);
    knowing who they are tells a small team where personal service, early access and a call
    before renewal pay off, and where cheaper automated offers are enough.

    Parameters
    ----------
    transactions : pandas.DataFrame
        The transactions log (cleaned as in :func:`rfm`).
    customers : pandas.DataFrame, optional
        The customers table, to include customers who never bought.
    tiers : tuple of float, default (0.2, 0.5)
        Cumulative shares of buying customers where each tier ends (increasing, below 1).
    labels : tuple of str, default ("top", "middle", "low")
        Tier names, one more than ``tiers``.
    customer, date, amount, asof
        As in :func:`rfm`.

    Returns
    -------
    Segmentation
        ``segments``: ``segment`` (categorical, tiers in order) and ``monetary`` per customer;
        ``profile`` per tier: ``n``, ``share`` (of customers), ``revenue``,
        ``revenue_share``, ``mean_spend``, ``min_spend``, ``max_spend``. ``profile.attrs
        ["pareto"]``: the revenue share of the first tier.

    Examples
    --------
    >>> tx = pd.DataFrame(
    ...     {
    ...         "customer_id": list("ABCDEFGHIJ"),
    ...         "date": ["2024-01-01"] * 10,
    ...         "amount": [500.0, 300, 60, 40, 30, 25, 20, 10, 10, 5],
    ...     }
    ... )
    >>> v = value_segments(tx)
    >>> v.profile[["n", "revenue", "revenue_share"]]  # doctest: +NORMALIZE_WHITESPACE
             n  revenue  revenue_share
    segment
    top      2    800.0           0.80
    middle   3    130.0           0.13
    low      5     70.0           0.07
    """
    t = np.asarray(tiers, dtype=float)
    if len(t) == 0 or np.any(np.diff(t) <= 0) or t[0] <= 0 or t[-1] >= 1:
        raise ValueError(f"tiers must increase strictly between 0 and 1; got {tiers!r}")
    if len(labels) != len(t) + 1:
        raise ValueError(f"labels must have {len(t) + 1} names for {len(t)} tier ends")
    r = rfm(transactions, customer=customer, date=date, amount=amount, order=None, asof=asof)
    spend = r["monetary"]
    order = np.lexsort((np.arange(len(spend)), -spend.to_numpy()))  # index is sorted by id
    n = len(spend)
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(1, n + 1)
    ends = np.ceil(t * n - 1e-9)
    tier = np.searchsorted(ends, rank, side="left")
    names = list(labels)
    seg = pd.Series(np.array(names, dtype=object)[tier], index=spend.index)
    money = spend.copy()
    categories = names
    if customers is not None:
        require_columns(customers, {customer: "customer"}, table="customers")
        others = pd.Index(customers[customer].dropna().unique()).difference(spend.index)
        if len(others):
            categories = [*names, "no purchase"]
            seg = pd.concat([seg, pd.Series("no purchase", index=others, dtype=object)])
            money = pd.concat([money, pd.Series(0.0, index=others)])
            seg = seg.sort_index()
            money = money.reindex(seg.index)
    seg.index.name = customer
    segments = pd.DataFrame(
        {"segment": pd.Categorical(seg.to_numpy(), categories=categories), "monetary": money}
    )
    g = segments.groupby("segment", observed=False)["monetary"]
    total = float(spend.sum())
    prof = pd.DataFrame(
        {
            "n": g.size(),
            "share": g.size() / max(len(segments), 1),
            "revenue": g.sum(),
            "revenue_share": g.sum() / total if total else np.nan,
            "mean_spend": g.mean(),
            "min_spend": g.min(),
            "max_spend": g.max(),
        }
    )
    prof.index = pd.Index(prof.index.astype(str), name="segment")
    prof.attrs["pareto"] = float(prof["revenue_share"].iloc[0])
    notes = list(r.attrs["notes"])
    notes.append(
        f"the {labels[0]} {t[0]:.0%} of buying customers bring "
        f"{prof['revenue_share'].iloc[0]:.0%} of net revenue"
    )
    return Segmentation("value", segments, prof, None, tuple(notes))


def needs_segments(
    responses: pd.DataFrame,
    *,
    items: Sequence[str],
    customer: str = "customer_id",
    k: int | None = None,
    method: str = "kmeans",
    k_range: tuple[int, int] = (2, 6),
    random_state: int = 0,
    centre: bool = True,
) -> Segmentation:
    """Group customers by their answers to the survey's driver items: what matters to them.

    Each customer's answers are averaged per item over their responses (anonymous responses
    are dropped and counted; an item a customer skipped gets that customer's own mean). With
    ``centre=True`` (default) each customer's mean over the items is subtracted, so customers
    are grouped by which items they rate *relatively* high or low — their priorities — rather
    than by overall mood (which a CSAT or NPS already measures). The profiles are clustered by
    :class:`MicroSegmenter` (no log scaling) and a segment is named after the items on which
    it differs most from everyone: ``"rates value for money high, delivery speed low"``. With
    importance items ("how important is …") this groups customers by what they rate important;
    with satisfaction items, by where each group is happy and where it is let down.

    *SMB use:* the same product can be bought for different jobs; knowing that one group cares
    about speed and another about price tells a small business which promise to lead with for
    whom, and which fix helps which customers.

    Parameters
    ----------
    responses : pandas.DataFrame
        The responses table.
    items : sequence of str
        The driver item columns (e.g. ``bundle.config.drivers``).
    customer : str, default "customer_id"
    k, method, k_range, random_state
        As in :class:`MicroSegmenter`.
    centre : bool, default True
        Subtract each customer's own mean first.

    Returns
    -------
    Segmentation
        ``segments``: ``label`` and ``segment`` per customer who answered an item;
        ``profile`` per segment: ``label``, ``n``, ``share``, the mean (uncentred) answer to
        every item and ``overall`` (the mean over items).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> fast = rng.integers(4, 6, (30, 2)) * [1, 0] + rng.integers(1, 3, (30, 2)) * [0, 1]
    >>> cheap = rng.integers(1, 3, (30, 2)) * [1, 0] + rng.integers(4, 6, (30, 2)) * [0, 1]
    >>> r = pd.DataFrame(np.vstack([fast, cheap]), columns=["speed", "price"])
    >>> r["customer_id"] = [f"C{i:02d}" for i in range(60)]
    >>> seg = needs_segments(r, items=["speed", "price"], k=2)
    >>> sorted(seg.profile.index)
    ['rates price high, speed low', 'rates speed high, price low']
    """
    items = list(items)
    if not items:
        raise ValueError("items must name at least one driver column")
    require_columns(
        responses, {customer: "customer"} | dict.fromkeys(items, "items=[...]"), table="responses"
    )
    ids = responses[customer]
    anonymous = int(ids.isna().sum())
    answers = responses.loc[ids.notna(), items].apply(pd.to_numeric, errors="coerce")
    answers[customer] = ids[ids.notna()].to_numpy()
    per = answers.groupby(customer, sort=True)[items].mean()
    per = per.loc[per.notna().any(axis=1)]
    own = per.mean(axis=1)
    filled = per.apply(lambda col: col.fillna(own))
    x = filled.sub(own, axis=0) if centre else filled
    model = MicroSegmenter(
        k=k, method=method, k_range=k_range, random_state=random_state, log=None
    ).fit(x)
    labels = pd.Series(model.labels_, index=per.index, name="label")
    z = (x.groupby(labels).mean() - x.mean()) / x.std(ddof=0).replace(0, np.nan)
    z = z.fillna(0.0)
    names = {}
    for lab, row in z.iterrows():
        hi, lo = row.idxmax(), row.idxmin()
        names[lab] = f"rates {hi.replace('_', ' ')} high, {lo.replace('_', ' ')} low"
    seen: dict[str, int] = {}
    for lab in sorted(names):
        seen[names[lab]] = seen.get(names[lab], 0) + 1
        if seen[names[lab]] > 1:
            names[lab] = f"{names[lab]} ({seen[names[lab]]})"
    prof = per.groupby(labels).mean()
    prof["overall"] = own.groupby(labels).mean()
    size = labels.value_counts().sort_index()
    prof.insert(0, "share", size / len(labels))
    prof.insert(0, "n", size)
    prof.insert(0, "label", prof.index.to_numpy())
    prof.index = pd.Index([names[i] for i in prof.index], name="segment")
    segments = pd.DataFrame({"label": labels, "segment": labels.map(names)})
    notes = []
    if anonymous:
        notes.append(f"{anonymous:,} anonymous response(s) were left out")
    return Segmentation("needs", segments, prof, model, tuple(notes))


def psychographic_segments(
    customers: pd.DataFrame,
    *,
    columns: Sequence[str],
    customer: str = "customer_id",
    min_size: int = 20,
    other: str = "other",
    features: pd.DataFrame | None = None,
) -> Segmentation:
    """Group customers by what they declared about themselves: lifestyle, diet, plan, sector.

    A segment is a combination of the values of ``columns`` (joined with ``" · "``; a missing
    value reads ``unknown``). Combinations with fewer than ``min_size`` customers are pooled
    into ``other``, so that no segment is too small to act on or identifies a few people.

    *SMB use:* declared attributes are what a small business already holds (a sign-up form, a
    loyalty app, a CRM field). They explain *why* customers choose — a vegan diner, a
    growing firm — and let messages speak to values and occasions rather than to spend alone.
    Use them with care: attributes such as age or gender are sensitive, and a play must not
    treat people worse because of them (see the ethics chapter).

    Parameters
    ----------
    customers : pandas.DataFrame
        The customers table.
    columns : sequence of str
        Declared attribute columns, e.g. ``["dietary_preference"]`` or ``["industry"]``.
    customer : str, default "customer_id"
    min_size : int, default 20
        Smallest segment kept on its own.
    other : str, default "other"
        Name of the pooled small combinations.
    features : pandas.DataFrame, optional
        Numeric features by customer id (e.g. :func:`customer_features`) whose segment means
        are added to the profile.

    Returns
    -------
    Segmentation
        ``segments``: ``segment`` per customer; ``profile``: ``n``, ``share`` per segment
        (largest first, ``other`` last) and the feature means if ``features`` is given.

    Examples
    --------
    >>> c = pd.DataFrame(
    ...     {
    ...         "customer_id": list("ABCDEF"),
    ...         "diet": ["vegan", "vegan", "none", "none", "none", None],
    ...     }
    ... )
    >>> psychographic_segments(c, columns=["diet"], min_size=2).profile
    ... # doctest: +NORMALIZE_WHITESPACE
             n     share
    segment
    none     3  0.500000
    vegan    2  0.333333
    other    1  0.166667
    """
    columns = list(columns)
    if not columns:
        raise ValueError("columns must name at least one attribute")
    require_columns(
        customers,
        {customer: "customer"} | dict.fromkeys(columns, "columns=[...]"),
        table="customers",
    )
    c = customers.loc[customers[customer].notna()]
    text = c[columns].astype("string").fillna("unknown")
    label = text.iloc[:, 0].astype(object)
    for col in columns[1:]:
        label = label + " · " + text[col].astype(object)
    label.index = pd.Index(c[customer].to_numpy(), name=customer)
    counts = label.value_counts()
    small = counts.index[counts < min_size]
    label = label.where(~label.isin(small), other)
    segments = pd.DataFrame({"segment": label}).sort_index()
    counts = segments["segment"].value_counts()
    order = sorted(counts.index, key=lambda s: (s == other, -counts[s], str(s)))
    prof = pd.DataFrame({"n": counts.reindex(order)})
    prof["share"] = prof["n"] / len(segments)
    prof.index.name = "segment"
    if features is not None:
        inter = features.index.intersection(segments.index)
        extra = profile(features.loc[inter], segments.loc[inter, "segment"])
        extra = extra.drop(columns=["n", "share"]).drop(index="all", errors="ignore")
        prof = prof.join(extra, how="left")
    notes = []
    if len(small):
        notes.append(
            f"{len(small)} combination(s) with fewer than {min_size} customers pooled as {other!r}"
        )
    return Segmentation("psychographic", segments, prof, None, tuple(notes))
