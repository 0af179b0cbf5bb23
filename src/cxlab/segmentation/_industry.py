"""What sets an industry's customers apart: the clustering features and declared attributes.

A bundle states its industry in ``cxlab.yml`` (``industry: ecommerce``; read as
``bundle.config.industry``). This module turns that name into the playbook's key
(:func:`industry_key`), picks the customer features a clustering of that industry should use
(:data:`INDUSTRY_FEATURES`, :func:`clustering_features`) and finds the declared attributes a
psychographic segmentation can group by (:data:`DECLARED_ATTRIBUTES`,
:func:`declared_attributes`). Nothing here looks at file or folder names: a bundle without an
``industry:`` key simply has none, and the chapter says what to add.

The feature map is our own reading of the curriculum's four-industry table (see
:data:`~cxlab.segmentation.INDUSTRIES`): an online clothing shop's customers differ by the price
level they buy at and how many pieces they take, a software vendor's by the size of the bill
and the seats on it, a restaurant's by party size, price, the dinner occasion and how often
they come, and a consultancy's by the mix of services they buy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from cxlab.segmentation._personalize import _ALIASES
from cxlab.segmentation._strategies import BEHAVIOURAL_FEATURES

__all__ = [
    "DECLARED_ATTRIBUTES",
    "INDUSTRY_FEATURES",
    "FeatureChoice",
    "clustering_features",
    "declared_attributes",
    "industry_key",
]

#: Customer features (columns of :func:`~cxlab.segmentation.customer_features`) that tell the
#: customers of each playbook industry apart. A name ending in ``":"`` stands for every column
#: with that prefix (``"category:"``: the share of each category in a customer's purchases).
INDUSTRY_FEATURES: dict[str, tuple[str, ...]] = {
    "ecommerce": ("price_per_unit", "units_per_line"),  # price level and basket depth
    "saas": ("avg_order_value", "units_per_line", "price_per_unit"),  # bill, seats, seat price
    "restaurant": ("units_per_line", "price_per_unit", "category:dinner", "orders_per_year"),
    "consulting": ("category:",),  # the mix of services bought
}

#: Columns of a customers table that hold what customers declared about themselves (diet,
#: lifestyle, plan, sector, household, age band), in the order they are preferred for a
#: psychographic segmentation.
DECLARED_ATTRIBUTES: tuple[str, ...] = (
    "dietary_preference",
    "lifestyle",
    "plan",
    "industry",
    "household_size",
    "age_band",
)

# cxlab.yml stores the industry in lower case with words joined by "_" ("e-commerce" becomes
# "e_commerce"), so every alias is also known in that form.
_KEYS: dict[str, str] = {**_ALIASES, **{k.replace("-", "_"): v for k, v in _ALIASES.items()}}


def industry_key(industry: str | None) -> str | None:
    """Return the playbook key of an industry name, or None when it has no playbook.

    Parameters
    ----------
    industry : str or None
        An industry as written in ``cxlab.yml`` (``bundle.config.industry``) or by hand:
        ``"ecommerce"``, ``"E-commerce"``, ``"retail"``, ``"software"``, ``"hospitality"``,
        ``"professional services"`` ...

    Returns
    -------
    str or None
        One of ``"ecommerce"``, ``"saas"``, ``"restaurant"``, ``"consulting"``; None for None,
        an empty name or an industry without a playbook.

    Examples
    --------
    >>> industry_key("E-commerce"), industry_key("professional services")
    ('ecommerce', 'consulting')
    >>> industry_key("dentistry") is None, industry_key(None) is None
    (True, True)
    """
    if industry is None:
        return None
    key = "_".join(str(industry).strip().lower().replace("-", " ").split())
    return _KEYS.get(key)


@dataclass(frozen=True)
class FeatureChoice:
    """The customer features a clustering uses, and why those.

    Parameters
    ----------
    columns : tuple of str
        The feature columns chosen.
    source : {"requested", "industry", "default"}
        Asked for by name, the industry's features (:data:`INDUSTRY_FEATURES`), or the general
        behavioural features (:data:`~cxlab.segmentation.BEHAVIOURAL_FEATURES`).
    industry : str or None
        The industry as given (before :func:`industry_key`).
    n_customers : int
        Customers (rows of the features table).
    missing : tuple of str
        Names asked for, or named by the industry, that match no column.
    """

    columns: tuple[str, ...]
    source: str
    industry: str | None
    n_customers: int
    missing: tuple[str, ...] = ()


def _match(names: Sequence[str], columns: pd.Index) -> tuple[list[str], list[str]]:
    """Columns matching each name (exactly, or by prefix for a name ending in ":")."""
    chosen: list[str] = []
    missing: list[str] = []
    for name in names:
        hits = [c for c in columns if c == name or (name.endswith(":") and str(c).startswith(name))]
        if not hits:
            missing.append(name)
        chosen += [c for c in hits if c not in chosen]
    return chosen, missing


def clustering_features(
    features: pd.DataFrame,
    *,
    industry: str | None = None,
    wanted: str | Sequence[str] | None = None,
) -> FeatureChoice:
    """Choose the customer features to cluster on: asked for, the industry's, or general ones.

    In order: the columns named in ``wanted`` (a comma-separated text or a list); else the
    industry's features from :data:`INDUSTRY_FEATURES`; else, or when none of those names
    matches a column, the general behavioural features
    :data:`~cxlab.segmentation.BEHAVIOURAL_FEATURES` present in ``features``. A name ending in
    ``":"`` matches every column with that prefix.

    Parameters
    ----------
    features : pandas.DataFrame
        Customer features, e.g. :func:`~cxlab.segmentation.customer_features`.
    industry : str, optional
        The bundle's industry (``bundle.config.industry``), in any form :func:`industry_key`
        reads.
    wanted : str or sequence of str, optional
        Feature names asked for; empty or None to let the industry decide.

    Returns
    -------
    FeatureChoice

    Examples
    --------
    >>> f = pd.DataFrame(columns=["recency", "orders_per_year", "category:a", "category:b"])
    >>> clustering_features(f, industry="consulting").columns
    ('category:a', 'category:b')
    >>> choice = clustering_features(f, wanted="recency, tenure_days")
    >>> choice.columns, choice.missing
    (('recency',), ('tenure_days',))
    >>> clustering_features(f).source
    'default'
    """
    if isinstance(wanted, str):
        names = [w.strip() for w in wanted.split(",") if w.strip()]
    else:
        names = [str(w).strip() for w in (wanted or ()) if str(w).strip()]
    key = industry_key(industry)
    if names:
        source = "requested"
    elif key in INDUSTRY_FEATURES:
        source, names = "industry", list(INDUSTRY_FEATURES[key])
    else:
        source = "default"
    chosen, missing = _match(names, features.columns)
    if not chosen:
        source = "default"
        chosen = [c for c in BEHAVIOURAL_FEATURES if c in features.columns]
    return FeatureChoice(tuple(chosen), source, industry, len(features), tuple(missing))


def declared_attributes(
    customers: pd.DataFrame | None, *, sensitive: Sequence[str] = ()
) -> list[str]:
    """List the declared attributes a customers table holds, leaving out sensitive ones.

    Parameters
    ----------
    customers : pandas.DataFrame or None
        The customers table (None when the bundle has none: no attributes).
    sensitive : sequence of str, default ()
        Columns marked sensitive in ``cxlab.yml`` (``bundle.config.sensitive``): never used to
        group customers for offers.

    Returns
    -------
    list of str
        The columns of :data:`DECLARED_ATTRIBUTES` present and not sensitive, in that order.

    Examples
    --------
    >>> c = pd.DataFrame(columns=["customer_id", "age_band", "plan"])
    >>> declared_attributes(c, sensitive=["age_band"])
    ['plan']
    """
    if customers is None:
        return []
    blocked = set(sensitive)
    return [c for c in DECLARED_ATTRIBUTES if c in customers.columns and c not in blocked]
