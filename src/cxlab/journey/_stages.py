"""Journey stages: the default order, the order read from data, resolving ``stages=``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

__all__ = [
    "DEFAULT_STAGES",
    "declared_journey",
    "infer_stage_order",
    "resolve_stages",
    "stages_for",
    "stages_of",
]

#: The journey stages in order, as named in the data contract and the demo clients:
#: awareness → consideration → purchase (decision) → service (experience) → loyalty (advocacy).
DEFAULT_STAGES: tuple[str, ...] = ("awareness", "consideration", "purchase", "service", "loyalty")


def infer_stage_order(
    events: pd.DataFrame,
    *,
    stage: str = "stage",
    customer: str = "customer_id",
    timestamp: str = "timestamp",
) -> list[str]:
    """Read the order of the journey stages from when customers first reach them.

    For each customer the stages are ranked by when the customer first reached them (rank 1 for
    the earliest); stages are then sorted by their mean rank, ties by name. Stages that only
    occur on events without a customer or a timestamp follow, by name. Useful for a client
    whose stages are not the default ones, as a first guess to confirm with the client.

    Parameters
    ----------
    events : pandas.DataFrame
        The events table. Events without a stage are ignored.
    stage, customer, timestamp : str
        Column names. Without a customer or timestamp column the stages are sorted by name.

    Returns
    -------
    list of str
        Every stage in the data, in inferred journey order.

    Examples
    --------
    >>> ev = pd.DataFrame(
    ...     {
    ...         "customer_id": ["a", "a", "b", "b"],
    ...         "timestamp": pd.to_datetime(
    ...             ["2024-01-02", "2024-01-01", "2024-02-01", "2024-03-01"]
    ...         ),
    ...         "stage": ["buy", "browse", "browse", "buy"],
    ...     }
    ... )
    >>> infer_stage_order(ev)
    ['browse', 'buy']
    """
    ev = events.dropna(subset=[stage])
    if ev.empty:
        return []
    ev = ev.assign(**{stage: ev[stage].astype("str")})
    if timestamp not in ev or customer not in ev:
        return sorted(ev[stage].unique().tolist())
    first = ev.dropna(subset=[customer, timestamp]).groupby([customer, stage])[timestamp].min()
    if first.empty:
        return sorted(ev[stage].unique().tolist())
    ranks = first.groupby(level=0).rank(method="min")
    mean_rank = ranks.groupby(level=1).mean()
    ranked = pd.DataFrame({"rank": mean_rank, "name": mean_rank.index})
    ordered = ranked.sort_values(["rank", "name"], kind="stable").index.tolist()
    rest = sorted(set(ev[stage].unique().tolist()) - set(ordered))
    return ordered + rest


def declared_journey(config: Any) -> dict[str, Any]:
    """Read what a bundle's configuration declares about its journey, in whatever form it has.

    ``cxlab.yml``'s ``stages:`` key arrives as ``config.stages``, a
    :class:`cxlab.contract.Stages` that the contract has already applied to the events (so only
    the stage order and the outcome labels are left to read); other configurations may give a
    list of stages in journey order, or a mapping (or an object with these attributes) holding
    ``order`` (or ``stages``), ``outcomes``, ``ignore`` and the activities of each stage under
    ``stage_of``, ``activities`` or ``map`` (activity → stage, or stage → list of activities).

    Returns
    -------
    dict
        With the keys found among ``stages``, ``outcomes``, ``ignore`` and ``stage_of``
        (activity → stage); empty when nothing is declared.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> declared_journey(SimpleNamespace(stages=["apply", "offer"]))
    {'stages': ['apply', 'offer']}
    >>> cfg = SimpleNamespace(
    ...     stages={
    ...         "order": ["apply"],
    ...         "outcomes": ["declined"],
    ...         "activities": {"apply": ["A", "B"]},
    ...     }
    ... )
    >>> declared_journey(cfg)
    {'stages': ['apply'], 'outcomes': ['declined'], 'stage_of': {'A': 'apply', 'B': 'apply'}}
    >>> declared_journey(SimpleNamespace())
    {}
    """
    raw = getattr(config, "stages", None)
    if raw is None:
        return {}
    if isinstance(raw, str):
        names = [s.strip() for s in raw.split(",") if s.strip()]
        return {"stages": names} if names else {}
    if isinstance(raw, Sequence):
        names = [str(s) for s in raw]
        return {"stages": names} if names else {}

    from cxlab.contract import Stages

    if isinstance(raw, Stages):
        # The contract has already applied it while loading: the events' stage column holds
        # the stages (outcome rows their outcome label) and ignored activities are gone.
        applied: dict[str, Any] = {}
        if raw.order:
            applied["stages"] = list(raw.order)
        if raw.outcomes:
            applied["outcomes"] = list(dict.fromkeys(raw.outcomes.values()))
        return applied

    def get(*keys: str) -> Any:
        for key in keys:
            value = raw.get(key) if isinstance(raw, Mapping) else getattr(raw, key, None)
            if value:
                return value
        return None

    out: dict[str, Any] = {}
    order = get("order", "stages")
    if order:
        out["stages"] = [str(s) for s in order]
    for key in ("outcomes", "ignore"):
        value = get(key)
        if value:
            out[key] = [str(v) for v in value]
    mapping = get("stage_of", "activities", "map")
    if mapping:
        stage_of: dict[str, str] = {}
        for key, value in dict(mapping).items():
            if isinstance(value, (list, tuple, set, frozenset)):
                stage_of.update({str(v): str(key) for v in value})
            else:
                stage_of[str(key)] = str(value)
        out["stage_of"] = stage_of
    return out


def stages_of(config: Any) -> tuple[str, ...] | None:
    """Return the stages a bundle's configuration declares in journey order, or None.

    Read through :func:`declared_journey`, whatever form the ``stages:`` key has.
    """
    declared = declared_journey(config)
    if declared.get("stages"):
        return tuple(declared["stages"])
    if declared.get("stage_of"):
        return tuple(dict.fromkeys(declared["stage_of"].values()))
    return None


def stages_for(data: Any, order: Sequence[str] | str | None = None) -> list[str]:
    """Choose the stages of a client's journey, in order, the way the journey chapter does.

    In turn: the ``order`` given (a list, or names separated by commas); the stages the
    bundle's ``cxlab.yml`` declares; the default five (:data:`DEFAULT_STAGES`) when every
    stage in the log is one of them; otherwise the order read from the data
    (:func:`infer_stage_order`).

    Parameters
    ----------
    data : Bundle or pandas.DataFrame
        A bundle (its events and configuration are used) or an events table.
    order : sequence of str or str, optional
        Stages in journey order; an empty string or None leaves the choice to the data.

    Returns
    -------
    list of str

    Examples
    --------
    >>> ev = pd.DataFrame(
    ...     {
    ...         "customer_id": ["a", "a"],
    ...         "timestamp": pd.to_datetime(["2024-01-01", "2024-01-02"]),
    ...         "stage": ["applied", "approved"],
    ...     }
    ... )
    >>> stages_for(ev)
    ['applied', 'approved']
    >>> stages_for(ev, "approved, applied")
    ['approved', 'applied']
    >>> stages_for(ev.assign(stage=["awareness", "purchase"]))
    ['awareness', 'consideration', 'purchase', 'service', 'loyalty']
    """
    if isinstance(order, str):
        order = [s.strip() for s in order.split(",")]
    named = [str(s) for s in order or () if str(s).strip()]
    if named:
        return named
    events = data
    if hasattr(data, "events") and hasattr(data, "config"):
        declared = stages_of(data.config)
        if declared:
            return list(declared)
        events = data.events
    in_log = set(events["stage"].dropna().astype("str")) if "stage" in events else set()
    if in_log <= set(DEFAULT_STAGES):
        return list(DEFAULT_STAGES)
    return infer_stage_order(events)


def resolve_stages(
    stages: Sequence[str] | str | None,
    events: pd.DataFrame | None = None,
    *,
    stage: str = "stage",
    customer: str = "customer_id",
    timestamp: str = "timestamp",
) -> tuple[str, ...]:
    """Turn a ``stages`` argument into a tuple of distinct stage names in journey order.

    ``None`` gives :data:`DEFAULT_STAGES`; ``"infer"`` reads the order from ``events`` with
    :func:`infer_stage_order`; a sequence is taken as given.

    Raises
    ------
    ValueError
        If the sequence is empty, names a stage twice, or is a string other than ``"infer"``.
    """
    if stages is None:
        return DEFAULT_STAGES
    if isinstance(stages, str):
        if stages != "infer":
            raise ValueError(
                f"stages must be a list of stage names in journey order, None (the default "
                f"stages) or 'infer'; got the string {stages!r}"
            )
        if events is None or stage not in events:
            return DEFAULT_STAGES
        inferred = infer_stage_order(events, stage=stage, customer=customer, timestamp=timestamp)
        return tuple(inferred) or DEFAULT_STAGES
    names = tuple(str(s) for s in stages)
    if not names:
        raise ValueError("stages must name at least one stage")
    twice = sorted({s for s in names if names.count(s) > 1})
    if twice:
        raise ValueError(f"stages must be distinct; named more than once: {', '.join(twice)}")
    return names
