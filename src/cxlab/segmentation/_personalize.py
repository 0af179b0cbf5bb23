"""Acting on segments: industry plays, co-purchase recommendations, who is unhappy.

The industry playbook encodes, as data and in our own words, the content of the curriculum's
four-industry segmentation table (online clothing retail, SaaS, a local restaurant, a
consultancy): the criteria each industry segments by, its typical segments, what each values and
the personalisation that suits it. Each segment also carries a *signature*: the observable
purchase features (from :func:`customer_features`) in which we expect it to stand out — our own
operationalisation, used to match discovered segments to the playbook.

Association rules are computed here with a sparse basket × item matrix (one sparse product
gives every pair count) rather than with ``mlxtend``: cxlab only needs one-to-one rules, and
adding a dependency for one matrix product is not worth it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import linear_sum_assignment

from cxlab.checks import require_columns
from cxlab.metrics import breakdown
from cxlab.segmentation._micro import _labels

__all__ = [
    "INDUSTRIES",
    "PLAYBOOK",
    "RFM_PLAYS",
    "Play",
    "association_rules",
    "match_plays",
    "playbook",
    "recommend",
    "satisfaction_by_segment",
]


@dataclass(frozen=True)
class Play:
    """One segment of the industry playbook.

    Parameters
    ----------
    industry : str
        One of :data:`INDUSTRIES`.
    segment : str
        Key of the typical segment.
    label : str
        Its name.
    values : str
        What the segment cares about, in a few words.
    plays : tuple of str
        Personalisation that suits it.
    signature : dict of str to int
        Feature → +1 (stands out high) or −1 (low), for matching discovered segments.
    """

    industry: str
    segment: str
    label: str
    values: str
    plays: tuple[str, ...]
    signature: dict[str, int]


#: Industries of the playbook and what each segments by.
INDUSTRIES: dict[str, str] = {
    "ecommerce": "behaviour (what is bought and browsed), demographics (age, gender) and "
    "psychographics (taste in style)",
    "saas": "needs (company size, sector, the functions required) and value (plan tier, usage)",
    "restaurant": "behaviour (how often, what is ordered), demographics (area, household) and "
    "psychographics (diet, the occasion)",
    "consulting": "needs (the business problem, the sector know-how wanted) and value (size of "
    "the engagement, the client's turnover)",
}

#: The playbook: typical segments per industry, what they value and what to do for them.
PLAYBOOK: tuple[Play, ...] = (
    Play(
        "ecommerce",
        "trendy_young_adults",
        "Trendy young adults",
        "keeping up with fashion; active on social media",
        (
            "send new-arrival e-mails and app alerts to this group first",
            "recommend pieces from their browsing and the styles they buy",
        ),
        {"orders_per_year": 1, "channel:app": 1, "category:dresses": 1},
    ),
    Play(
        "ecommerce",
        "classic_professionals",
        "Classic professionals",
        "lasting styles and good quality",
        (
            "recommend from their style history: staples, fit and fabric over trends",
            "lead messages with quality and care rather than with discounts",
        ),
        {"price_per_unit": 1, "avg_order_value": 1, "category:outerwear": 1},
    ),
    Play(
        "ecommerce",
        "budget_shoppers",
        "Budget shoppers",
        "low prices; they look for deals",
        (
            "offer discounts reserved for this group",
            "tell them about sales and multi-buy bundles",
        ),
        {"price_per_unit": -1, "units_per_line": 1, "lines_per_order": 1},
    ),
    Play(
        "saas",
        "small_businesses",
        "Small businesses (basic needs)",
        "the essential features at a low cost",
        (
            "a plan tier with just the core features, priced for small teams",
            "light, self-serve onboarding sized to a small business",
        ),
        {"units_per_line": -1, "avg_order_value": -1},
    ),
    Play(
        "saas",
        "medium_enterprises",
        "Medium enterprises (advanced features)",
        "room to grow and integrations with their other tools",
        (
            "a tier with the advanced features and integrations they need",
            "onboarding tailored to a mid-sized team, with integration set-up",
        ),
        {},
    ),
    Play(
        "saas",
        "enterprise_clients",
        "Enterprise clients (custom solutions)",
        "functions tailored to them and support of their own",
        (
            "a named account manager",
            "custom set-up and onboarding planned with their team",
        ),
        {"units_per_line": 1, "avg_order_value": 1, "channel:bank_transfer": 1},
    ),
    Play(
        "restaurant",
        "regulars",
        "Regulars",
        "coming often; loyal to the place",
        ("a loyalty programme whose rewards fit each regular's habits",),
        {"orders_per_year": 1, "frequency": 1},
    ),
    Play(
        "restaurant",
        "families",
        "Families",
        "weekend dinners together; food the children like",
        ("family meal deals", "promote the children's menu"),
        {"units_per_line": 1, "category:dinner": 1},
    ),
    Play(
        "restaurant",
        "health_conscious",
        "Health-conscious",
        "vegetarian and vegan dishes; eating well",
        ("e-mails that feature the lighter, plant-based and healthy dishes",),
        {"category:lunch": 1, "category:brunch": 1, "category:dinner": -1},
    ),
    Play(
        "consulting",
        "startups",
        "Startups (growth strategy)",
        "guidance at an early stage; help to raise funds",
        (
            "proposals written around their growth problem",
            "small packages sized to an early-stage budget",
        ),
        {"units_per_line": -1, "category:growth_strategy": 1, "category:funding_support": 1},
    ),
    Play(
        "consulting",
        "established_businesses",
        "Established businesses (operational efficiency)",
        "smoother processes and lower costs",
        (
            "case studies and testimonials from their own sector",
            "proposals that quantify the saving",
        ),
        {"category:process_improvement": 1, "category:cost_review": 1},
    ),
    Play(
        "consulting",
        "large_corporations",
        "Large corporations (strategic transformation)",
        "complex, organisation-wide projects",
        (
            "consulting packages scaled to the project and the client's size",
            "a senior partner who owns the relationship",
        ),
        {"units_per_line": 1, "category:transformation": 1, "frequency": 1},
    ),
)

#: Generic plays for the RFM segments of :func:`rfm` (common practice, in our words).
RFM_PLAYS: dict[str, str] = {
    "champions": "thank and reward them; ask for reviews and referrals; early access",
    "loyal": "offer the loyalty programme's next tier and suggest related products",
    "potential loyalists": "invite them to join the loyalty programme; recommend a second line",
    "new": "a good welcome: onboarding tips, a reason to come back soon",
    "promising": "make a second purchase easy with a small, timely incentive",
    "need attention": "a limited-time offer based on what they bought before",
    "about to sleep": "remind them with popular items and a modest incentive",
    "can't lose them": "reach out personally; find out what changed; win them back",
    "at risk": "a personal win-back message with a reason to return",
    "hibernating": "low-cost reactivation: best-sellers and seasonal news",
    "lost": "one last reactivation attempt, then stop spending on them",
}

_ALIASES = {
    "ecommerce": "ecommerce",
    "e-commerce": "ecommerce",
    "retail": "ecommerce",
    "clothing": "ecommerce",
    "clothing_retailer": "ecommerce",
    "saas": "saas",
    "software": "saas",
    "restaurant": "restaurant",
    "hospitality": "restaurant",
    "consulting": "consulting",
    "professional_services": "consulting",
}


def _industry(industry: str) -> str:
    key = str(industry).strip().lower().replace(" ", "_")
    if key not in _ALIASES:
        raise ValueError(
            f"unknown industry {industry!r}; choose one of {', '.join(INDUSTRIES)} "
            "(or a demo name such as 'clothing_retailer')"
        )
    return _ALIASES[key]


def playbook(industry: str) -> pd.DataFrame:
    """Return the playbook of one industry as a table.

    Parameters
    ----------
    industry : str
        ``"ecommerce"`` (alias ``"clothing_retailer"``, ``"retail"``), ``"saas"``,
        ``"restaurant"`` or ``"consulting"`` (alias ``"professional_services"``).

    Returns
    -------
    pandas.DataFrame
        Indexed by segment key: ``label``, ``values``, ``plays`` (text, ``"; "``-separated)
        and ``signature`` (e.g. ``"+units_per_line −avg_order_value"``).
        ``attrs["criteria"]`` says what the industry segments by.

    Raises
    ------
    ValueError
        If the industry is unknown.

    Examples
    --------
    >>> playbook("restaurant")["label"].tolist()
    ['Regulars', 'Families', 'Health-conscious']
    """
    ind = _industry(industry)
    rows = [p for p in PLAYBOOK if p.industry == ind]
    out = pd.DataFrame(
        {
            "label": [p.label for p in rows],
            "values": [p.values for p in rows],
            "plays": ["; ".join(p.plays) for p in rows],
            "signature": [
                " ".join(f"{'+' if v > 0 else '−'}{k}" for k, v in p.signature.items())
                for p in rows
            ],
        },
        index=pd.Index([p.segment for p in rows], name="segment"),
    )
    out.attrs["criteria"] = INDUSTRIES[ind]
    return out


def match_plays(
    features: pd.DataFrame,
    labels: Any,
    *,
    industry: str,
    match: Mapping[Any, str] | None = None,
) -> pd.DataFrame:
    """Match discovered segments to the industry playbook and list the plays for each.

    Each segment is scored against each playbook segment by its signature: the mean, over the
    signature's features present in ``features``, of ``direction × z``, where ``z`` is the
    segment's mean minus the mean of all customers in standard deviations. With no more
    segments than playbook entries, the assignment maximising the total score is used
    (:func:`scipy.optimize.linear_sum_assignment`), so two segments never share an entry;
    with more, each segment takes its best entry. ``match`` overrides any segment by hand.

    Parameters
    ----------
    features : pandas.DataFrame
        Customer features (e.g. :func:`customer_features`), by customer.
    labels : array-like or pandas.Series
        Segment of each customer (a Series is aligned on the index).
    industry : str
        See :func:`playbook`.
    match : mapping of segment to playbook key, optional
        Fixed matches.

    Returns
    -------
    pandas.DataFrame
        Indexed by segment: ``n``, ``playbook`` (key), ``label``, ``score`` (NaN when set
        by hand), ``values`` and ``plays``.

    Examples
    --------
    >>> f = pd.DataFrame(
    ...     {"units_per_line": [1.0, 1.2, 6.0, 7.0], "avg_order_value": [40, 50, 400, 500]}
    ... )
    >>> m = match_plays(f, ["a", "a", "b", "b"], industry="saas")
    >>> m["playbook"].to_dict()
    {'a': 'small_businesses', 'b': 'enterprise_clients'}
    """
    book = playbook(industry)
    entries = [p for p in PLAYBOOK if p.industry == _industry(industry)]
    lab = _labels(features, labels)
    num = features.select_dtypes("number")
    sd = num.std(ddof=0).replace(0, np.nan)
    z = ((num.groupby(lab.to_numpy(), sort=True).mean() - num.mean()) / sd).fillna(0.0)
    score = np.zeros((len(z), len(entries)))
    for j, p in enumerate(entries):
        cols = [c for c in p.signature if c in z.columns]
        if cols:
            score[:, j] = (z[cols] * [p.signature[c] for c in cols]).mean(axis=1).to_numpy()
    if len(z) <= len(entries):
        rows, cols = linear_sum_assignment(-score)
        best = dict(zip(rows, cols, strict=True))
    else:
        best = dict(enumerate(score.argmax(axis=1)))
    keys = [entries[best[i]].segment for i in range(len(z))]
    scores = [score[i, best[i]] for i in range(len(z))]
    for seg, key in dict(match or {}).items():
        if key not in book.index:
            raise ValueError(f"{key!r} is not a segment of the {industry!r} playbook")
        if seg not in z.index:
            raise ValueError(f"{seg!r} is not one of the segments")
        i = list(z.index).index(seg)
        keys[i], scores[i] = key, np.nan
    out = pd.DataFrame(
        {
            "n": lab.value_counts().reindex(z.index).to_numpy(),
            "playbook": keys,
            "label": book.loc[keys, "label"].to_numpy(),
            "score": scores,
            "values": book.loc[keys, "values"].to_numpy(),
            "plays": book.loc[keys, "plays"].to_numpy(),
        },
        index=pd.Index(z.index, name="segment"),
    )
    return out


# -------------------------------------------------------------------- association rules
def _baskets(
    transactions: pd.DataFrame, *, basket: str, item: str, amount: str | None
) -> tuple[sparse.csr_matrix, pd.Index, int]:
    require_columns(transactions, {basket: "basket", item: "item"}, table="transactions")
    df = transactions
    keep = df[basket].notna() & df[item].notna()
    if amount is not None and amount in df.columns:
        keep &= pd.to_numeric(df[amount], errors="coerce").fillna(0) > 0
    b_codes, b_uni = pd.factorize(df.loc[keep, basket])
    i_codes, i_uni = pd.factorize(df.loc[keep, item], sort=True)
    m = sparse.csr_matrix(
        (np.ones(len(b_codes), dtype=np.int64), (b_codes, i_codes)),
        shape=(len(b_uni), len(i_uni)),
    )
    m.data[:] = 1  # an item counts once per basket
    m.sum_duplicates()
    m.data = np.minimum(m.data, 1)
    return m, pd.Index(i_uni, name=item), len(b_uni)


def association_rules(
    transactions: pd.DataFrame,
    *,
    item: str = "product",
    basket: str = "order_id",
    amount: str | None = "amount",
    min_support: float = 0.01,
    min_confidence: float = 0.0,
    min_lift: float = 0.0,
) -> pd.DataFrame:
    """Item → item rules from what is bought together.

    For items ``A`` and ``B`` over ``N`` baskets (orders, or customers with
    ``basket="customer_id"``), counting each item once per basket:

    * support = baskets with both / ``N``;
    * confidence(A → B) = baskets with both / baskets with ``A`` — the share of ``A``'s
      baskets that also hold ``B``;
    * lift = confidence / (baskets with ``B`` / ``N``) — above 1, ``B`` is more likely with
      ``A`` than without knowing anything.

    Only purchase lines count (positive ``amount``, when that column exists).

    Parameters
    ----------
    transactions : pandas.DataFrame
    item : str, default "product"
        The item column (the demos have ``category`` only).
    basket : str, default "order_id"
        What groups items into one basket.
    amount : str or None, default "amount"
        Amount column; refunds and zero lines are left out. None: every row counts.
    min_support, min_confidence, min_lift : float
        Rules below any of these are dropped.

    Returns
    -------
    pandas.DataFrame
        ``antecedent``, ``consequent``, ``n_both``, ``support``, ``confidence``, ``lift``;
        sorted by lift, then confidence (both descending), then names. ``attrs["baskets"]``:
        ``N``.

    References
    ----------
    .. [1] Agrawal, R., Imieliński, T., & Swami, A. (1993). Mining association rules between
       sets of items in large databases. *Proceedings of ACM SIGMOD*, 207–216.
    .. [2] Brin, S., Motwani, R., Ullman, J. D., & Tsur, S. (1997). Dynamic itemset counting
       and implication rules for market basket data. *Proceedings of ACM SIGMOD*, 255–264.

    Examples
    --------
    >>> tx = pd.DataFrame(
    ...     {
    ...         "order_id": [1, 1, 2, 2, 3, 4],
    ...         "product": ["tea", "cake", "tea", "cake", "tea", "coffee"],
    ...     }
    ... )
    >>> association_rules(tx, min_support=0.5)  # doctest: +NORMALIZE_WHITESPACE
      antecedent consequent  n_both  support  confidence      lift
    0       cake        tea       2      0.5    1.000000  1.333333
    1        tea       cake       2      0.5    0.666667  1.333333
    """
    for name, v in (("min_support", min_support), ("min_confidence", min_confidence)):
        if not 0 <= v <= 1:
            raise ValueError(f"{name} must be from 0 to 1; got {v!r}")
    m, items, n = _baskets(transactions, basket=basket, item=item, amount=amount)
    cols = ["antecedent", "consequent", "n_both", "support", "confidence", "lift"]
    if n == 0:
        out = pd.DataFrame(columns=cols)
        out.attrs["baskets"] = 0
        return out
    single = np.asarray(m.sum(axis=0)).ravel()
    co = (m.T @ m).tocoo()
    off = co.row != co.col
    a, b, both = co.row[off], co.col[off], co.data[off].astype(np.int64)
    support = both / n
    confidence = both / single[a]
    lift = confidence / (single[b] / n)
    out = pd.DataFrame(
        {
            "antecedent": items.to_numpy()[a],
            "consequent": items.to_numpy()[b],
            "n_both": both,
            "support": support,
            "confidence": confidence,
            "lift": lift,
        }
    )
    keep = (
        (out["support"] >= min_support - 1e-12)
        & (out["confidence"] >= min_confidence - 1e-12)
        & (out["lift"] >= min_lift - 1e-12)
    )
    out = out.loc[keep].sort_values(
        ["lift", "confidence", "antecedent", "consequent"],
        ascending=[False, False, True, True],
        kind="mergesort",
    )
    out = out.reset_index(drop=True)
    out.attrs["baskets"] = int(n)
    return out


def recommend(
    transactions: pd.DataFrame,
    who: Any,
    *,
    top: int = 5,
    rules: pd.DataFrame | None = None,
    customer: str = "customer_id",
    item: str = "product",
    basket: str = "order_id",
    amount: str | None = "amount",
    min_support: float = 0.01,
    min_confidence: float = 0.1,
    min_lift: float = 1.0,
) -> pd.DataFrame:
    """Suggest items a customer has not bought, from rules on what is bought together.

    A candidate is the consequent of a rule whose antecedent the customer has bought and
    whose lift is above ``min_lift``; its score is the highest confidence among those rules
    (ties: higher lift, then item name). Items the customer already bought are never
    suggested. With the default ``min_lift=1`` only rules where buying the antecedent makes
    the consequent *more* likely than usual count: a rule with a lift of 1 or less says the
    two are bought together no more often than chance, so it is no reason to suggest one for
    the other, however common the pair (Agrawal, Imieliński & Swami, 1993; Brin et al., 1997).
    When no rule clears it, the result is empty and suggestions should come from elsewhere
    (the segment's favourite items, say).

    Parameters
    ----------
    transactions : pandas.DataFrame
    who : customer id or iterable of ids
    top : int, default 5
        Suggestions per customer at most.
    rules : pandas.DataFrame, optional
        From :func:`association_rules`; default: computed with ``min_support`` and
        ``min_confidence``.
    customer, item, basket, amount : str
        Column names.
    min_support, min_confidence : float
        For the rules computed here.
    min_lift : float, default 1.0
        Only rules with a lift strictly above this are used; ``0`` uses every rule.

    Returns
    -------
    pandas.DataFrame
        ``customer_id`` (named after ``customer``), ``rank`` (1 = best), ``item``,
        ``confidence``, ``lift``, ``because`` (the antecedent of the rule used).

    References
    ----------
    Brin, S., Motwani, R., Ullman, J. D., & Tsur, S. (1997). Dynamic itemset counting and
    implication rules for market basket data. *SIGMOD '97*, 255–264.

    Examples
    --------
    >>> tx = pd.DataFrame(
    ...     {
    ...         "customer_id": ["A", "A", "B", "B", "C", "C", "D"],
    ...         "order_id": [1, 1, 2, 2, 3, 3, 4],
    ...         "product": ["tea", "cake", "tea", "cake", "tea", "jam", "tea"],
    ...     }
    ... )
    >>> recommend(tx, "D", min_support=0.2, min_lift=0)  # doctest: +NORMALIZE_WHITESPACE
      customer_id  rank  item  confidence  lift because
    0           D     1  cake        0.50   1.0     tea
    1           D     2   jam        0.25   1.0     tea
    >>> recommend(tx, "D", min_support=0.2).empty  # lift 1: no better than chance
    True
    """
    if isinstance(top, bool) or int(top) != top or top < 1:
        raise ValueError(f"top must be a whole number of at least 1; got {top!r}")
    require_columns(transactions, {customer: "customer", item: "item"}, table="transactions")
    if rules is None:
        rules = association_rules(
            transactions,
            item=item,
            basket=basket,
            amount=amount,
            min_support=min_support,
            min_confidence=min_confidence,
        )
    ids = [who] if isinstance(who, str) or not isinstance(who, Iterable) else list(who)
    buys = transactions[customer].isin(ids) & transactions[item].notna()
    if amount is not None and amount in transactions.columns:
        buys &= pd.to_numeric(transactions[amount], errors="coerce").fillna(0) > 0
    owned = transactions.loc[buys].groupby(customer)[item].agg(lambda s: set(s))
    if min_lift is None or isinstance(min_lift, bool) or not np.isfinite(min_lift):
        raise ValueError(f"min_lift must be a number such as 1.0; got {min_lift!r}")
    rules = rules[rules["lift"] > min_lift + 1e-12] if min_lift > 0 else rules
    ranked = rules.sort_values(
        ["confidence", "lift", "consequent"], ascending=[False, False, True], kind="mergesort"
    )
    rows = []
    for cid in ids:
        have = owned.get(cid, set())
        cand = ranked[ranked["antecedent"].isin(have) & ~ranked["consequent"].isin(have)]
        cand = cand.drop_duplicates("consequent").head(int(top))
        for rank, r in enumerate(cand.itertuples(index=False), start=1):
            rows.append((cid, rank, r.consequent, r.confidence, r.lift, r.antecedent))
    return pd.DataFrame(rows, columns=[customer, "rank", "item", "confidence", "lift", "because"])


# -------------------------------------------------------------------- satisfaction
def satisfaction_by_segment(
    responses: pd.DataFrame,
    segments: Any,
    *,
    customer: str = "customer_id",
    segment: str = "segment",
    metrics: tuple[Literal["nps", "csat"], ...] = ("nps", "csat"),
    csat_scale: Any = 5,
    min_n: int = 5,
    correction: Literal["holm", "fdr_bh"] = "holm",
) -> pd.DataFrame:
    """NPS and CSAT of each segment against the rest, to show who is unhappy.

    Responses are joined to segments on the customer id; anonymous responses and those of
    customers without a segment are left out (counted in ``attrs``). Each metric is then
    :func:`cxlab.metrics.breakdown` by segment: score, interval, the difference from all other
    segments' answers and a multiple-testing adjusted p-value.

    Parameters
    ----------
    responses : pandas.DataFrame
        The responses table (``nps`` and/or ``csat`` columns).
    segments : Segmentation, pandas.DataFrame or pandas.Series
        Segment per customer id (a DataFrame's ``segment`` column; a Segmentation's
        ``segments``).
    customer, segment : str
        Column names.
    metrics : tuple, default ("nps", "csat")
        Metrics to score (those whose column exists).
    csat_scale : int, tuple or Scale, default 5
        The CSAT scale, e.g. ``bundle.config.csat_scale``.
    min_n : int, default 5
        Smaller segments are masked (see :func:`~cxlab.metrics.breakdown`).
    correction : {"holm", "fdr_bh"}
        Multiple-testing adjustment.

    Returns
    -------
    pandas.DataFrame
        Indexed by segment; per metric ``<m>_n``, ``<m>`` (score), ``<m>_low``, ``<m>_high``,
        ``<m>_difference``, ``<m>_p_adjusted``; and ``unhappy``: True where a metric is
        significantly below the rest. ``attrs["left_out"]``: responses not joined.

    Examples
    --------
    >>> resp = pd.DataFrame(
    ...     {"customer_id": ["A"] * 30 + ["B"] * 30, "nps": [10, 9] * 15 + [2, 6] * 15}
    ... )
    >>> seg = pd.Series({"A": "champions", "B": "at risk"}, name="segment")
    >>> out = satisfaction_by_segment(resp, seg)
    >>> out[["nps_n", "nps", "unhappy"]]  # doctest: +NORMALIZE_WHITESPACE
               nps_n    nps  unhappy
    segment
    at risk       30 -100.0     True
    champions     30  100.0    False
    """
    seg = _segment_series(segments, segment)
    require_columns(responses, {customer: "customer"}, table="responses")
    ids = responses[customer]
    joined = ids.map(seg)
    left_out = int(joined.isna().sum())
    df = responses.loc[joined.notna()].copy()
    df["_segment"] = joined[joined.notna()].astype(str).to_numpy()
    parts = []
    present = [m for m in metrics if m in df.columns]
    if not present:
        raise ValueError(f"responses have none of the metric columns {list(metrics)}")
    flags = []
    for m in present:
        answered = df.loc[df[m].notna()]
        opts = {"scale": csat_scale} if m == "csat" else {}
        b = breakdown(answered, by="_segment", metric=m, min_n=min_n, correction=correction, **opts)
        part = b[["n", "value", "low", "high", "difference", "p_adjusted"]].copy()
        part.columns = [f"{m}_n", m, f"{m}_low", f"{m}_high", f"{m}_difference", f"{m}_p_adjusted"]
        parts.append(part)
        flags.append(b["differs"] & (b["difference"] < 0))
    out = pd.concat(parts, axis=1)
    out["unhappy"] = pd.concat(flags, axis=1).reindex(out.index).fillna(False).any(axis=1)
    for m in present:
        out[f"{m}_n"] = out[f"{m}_n"].fillna(0).astype("int64")
    out.index.name = "segment"
    out.attrs["left_out"] = left_out
    return out


def _segment_series(segments: Any, column: str) -> pd.Series:
    frame = getattr(segments, "segments", segments)
    if isinstance(frame, pd.DataFrame):
        require_columns(frame, {column: "segment"}, table="segments")
        return frame[column]
    if isinstance(frame, pd.Series):
        return frame
    raise TypeError("segments must be a Segmentation, a DataFrame or a Series by customer id")
