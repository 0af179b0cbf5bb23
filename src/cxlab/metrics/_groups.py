"""Promoters, passives and detractors: who they are and what they say."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cxlab.checks import require_columns
from cxlab.metrics._input import NPS_SCALE, sample

__all__ = ["GROUPS", "NPSGroups", "nps_groups"]

#: The NPS groups, from the least to the most loyal.
GROUPS: tuple[str, ...] = ("detractor", "passive", "promoter")

_MISSING = "(missing)"


@dataclass(frozen=True, eq=False)
class NPSGroups:
    """Responses labelled by NPS group, with counts and what distinguishes the groups.

    Parameters
    ----------
    responses : pandas.DataFrame
        The responses that answer the NPS question, with an ordered categorical column
        ``nps_group`` (detractor < passive < promoter) and, when customers were given, their
        attributes joined on.
    counts : pandas.DataFrame
        Indexed by group (detractor, passive, promoter): ``n`` and ``share`` (0–1).
    profile : pandas.DataFrame or None
        Indexed by ``(attribute, value)``: for each group the share (0–1) of its responses with
        that value, and ``gap`` = promoter share − detractor share. Within an attribute the
        values run from the largest gap down. None when there were no attributes to profile.
    comment : str
        The comment column.
    """

    responses: pd.DataFrame
    counts: pd.DataFrame
    profile: pd.DataFrame | None
    comment: str = "comment"

    def comments(self, group: str, n: int = 5, *, seed: int | None = 0) -> pd.Series:
        """Draw a random sample of a group's non-empty comments, to read in their own words.

        Parameters
        ----------
        group : {"detractor", "passive", "promoter"}
            The group (plural forms are accepted).
        n : int, default 5
            How many comments (fewer when the group has fewer).
        seed : int or None, default 0
            Seed of ``numpy.random.default_rng``: the same seed gives the same comments.

        Returns
        -------
        pandas.Series
            The comments, indexed like the responses table, in table order.

        Raises
        ------
        ValueError
            If the group is unknown or the table has no comment column.
        """
        key = group.rstrip("s") if isinstance(group, str) else group
        if key not in GROUPS:
            raise ValueError(f"group must be one of {', '.join(GROUPS)}; got {group!r}")
        if self.comment not in self.responses:
            raise ValueError(f"the responses have no comment column {self.comment!r}")
        if isinstance(n, bool) or int(n) != n or n < 0:
            raise ValueError(f"n must be a whole number of comments; got {n!r}")
        texts = self.responses.loc[self.responses["nps_group"] == key, self.comment]
        texts = texts[texts.notna() & (texts.astype("str").str.strip() != "")]
        take = min(int(n), len(texts))
        rng = np.random.default_rng(seed)
        chosen = np.sort(rng.choice(len(texts), size=take, replace=False))
        return texts.iloc[chosen].astype("str")


def _is_attribute(s: pd.Series, max_levels: int) -> bool:
    kind = (
        pd.api.types.is_string_dtype(s)
        or pd.api.types.is_bool_dtype(s)
        or isinstance(s.dtype, pd.CategoricalDtype)
        or s.dtype == object
    )
    return bool(kind) and s.nunique(dropna=True) <= max_levels


def nps_groups(
    responses: pd.DataFrame,
    *,
    customers: pd.DataFrame | None = None,
    score: str = "nps",
    comment: str = "comment",
    customer: str = "customer_id",
    attributes: Sequence[str] | None = None,
    max_levels: int = 12,
) -> NPSGroups:
    """Label responses as promoters, passives or detractors, and profile each group.

    Shares in the profile are per response: a customer who answered twice counts twice.
    Responses without a customer, or whose customer has no value for an attribute, are counted
    under ``"(missing)"``.

    Parameters
    ----------
    responses : pandas.DataFrame
        The responses table.
    customers : pandas.DataFrame, optional
        The customers table, joined on ``customer`` to profile the groups.
    score : str, default "nps"
        The NPS column (whole numbers 0–10); responses without an answer are left out.
    comment : str, default "comment"
        The free-text column sampled by :meth:`NPSGroups.comments`.
    customer : str, default "customer_id"
        The key joining responses to customers.
    attributes : sequence of str, optional
        Columns to profile: customers columns (joined on), else responses columns. Default:
        every text, boolean or categorical customers column (other than the key) with at most
        ``max_levels`` distinct values; none without customers. A customers column whose name
        the responses also use (e.g. ``channel``) is joined and profiled as
        ``<name>_customer``.
    max_levels : int, default 12
        Upper limit on distinct values for a column to be chosen automatically.

    Returns
    -------
    NPSGroups
        ``responses`` (labelled), ``counts``, ``profile`` and ``comments(group, n, seed)``.

    Raises
    ------
    cxlab.errors.DataError
        If a named column is missing (naming the table, the column, a close match and how to
        pass another), or if the NPS column has no answers or invalid ones.

    References
    ----------
    .. [1] Reichheld, F. F. (2003). The one number you need to grow. *Harvard Business
       Review*, 81(12), 46–54.

    Examples
    --------
    >>> responses = pd.DataFrame(
    ...     {
    ...         "customer_id": ["a", "b", "c", "d"],
    ...         "nps": [10, 9, 7, 2],
    ...         "comment": ["Great", "Fast", None, "Too slow"],
    ...     }
    ... )
    >>> customers = pd.DataFrame(
    ...     {"customer_id": list("abcd"), "plan": ["pro", "pro", "free", "free"]}
    ... )
    >>> g = nps_groups(responses, customers=customers)
    >>> g.counts["n"].tolist()
    [1, 1, 2]
    >>> g.profile.loc[("plan", "pro"), ["detractor", "promoter", "gap"]].tolist()
    [0.0, 1.0, 1.0]
    >>> g.comments("detractors").tolist()
    ['Too slow']
    """
    require_columns(responses, {score: "score"}, table="responses")
    sample(responses[score], metric="nps", lo=NPS_SCALE[0], hi=NPS_SCALE[1], whole=True)
    if attributes is not None:
        # an attribute comes from the customers table or, failing that, the responses
        table, frame = (
            ("customers", customers) if customers is not None else ("responses", responses)
        )
        absent = [c for c in attributes if c not in responses.columns and c not in frame.columns]
        require_columns(frame, dict.fromkeys(absent, "attributes=[...]"), table=table)
    answered = responses[responses[score].notna()].copy()
    values = answered[score].astype("float64").to_numpy()
    labels = np.where(values >= 9, "promoter", np.where(values >= 7, "passive", "detractor"))
    answered["nps_group"] = pd.Categorical(labels, categories=list(GROUPS), ordered=True)
    if customers is not None:
        require_columns(responses, {customer: "customer"}, table="responses")
        require_columns(customers, {customer: "customer"}, table="customers")
        if attributes is None:
            attributes = [
                c
                for c in customers.columns
                if c != customer and _is_attribute(customers[c], max_levels)
            ]
        joined = [c for c in attributes if c in customers.columns and c != customer]
        if joined:
            # a customers column that the responses also have (e.g. channel) joins as
            # <name>_customer, so the two are never mixed up
            renamed = {c: f"{c}_customer" for c in joined if c in answered.columns}
            extra = customers[[customer, *joined]].drop_duplicates(subset=customer)
            merged = answered.merge(
                extra.rename(columns=renamed), on=customer, how="left", validate="many_to_one"
            )
            merged.index = answered.index
            answered = merged
            attributes = [renamed.get(c, c) for c in attributes]
    counts = answered["nps_group"].value_counts().reindex(list(GROUPS), fill_value=0)
    table = pd.DataFrame(
        {"n": counts.astype("int64"), "share": counts / max(len(answered), 1)},
        index=pd.Index(list(GROUPS), name="nps_group"),
    )
    profile = None
    if attributes:
        profile = _profile(answered, list(attributes))
    return NPSGroups(responses=answered, counts=table, profile=profile, comment=comment)


def _profile(answered: pd.DataFrame, attributes: list[str]) -> pd.DataFrame:
    parts = []
    for col in attributes:
        level = answered[col].astype("str").where(answered[col].notna(), _MISSING)
        shares = pd.crosstab(level, answered["nps_group"], normalize="columns", dropna=False)
        shares = shares.reindex(columns=list(GROUPS), fill_value=0.0).fillna(0.0)
        shares.columns = list(GROUPS)
        shares["gap"] = shares["promoter"] - shares["detractor"]
        shares = shares.sort_values("gap", ascending=False, kind="stable")
        shares.index = pd.MultiIndex.from_arrays(
            [[col] * len(shares), shares.index.astype("str")], names=["attribute", "value"]
        )
        parts.append(shares)
    return pd.concat(parts).astype("float64")
