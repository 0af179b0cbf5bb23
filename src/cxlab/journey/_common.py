"""What the journey map and journey health share: bundle unpacking, scales, touchpoint stages."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from cxlab.errors import DataError
from cxlab.journey._stages import stages_of
from cxlab.metrics import METRICS

__all__ = ["Inputs", "check_metrics", "metric_options", "touchpoint_stages", "unpack"]

#: Stage label of a touchpoint that has survey answers but no events.
NO_STAGE = "(no events)"


@dataclass(frozen=True)
class Inputs:
    """The tables and settings of one analysis, after unpacking a bundle if one was given."""

    events: pd.DataFrame
    responses: pd.DataFrame | None
    customers: pd.DataFrame | None
    stages: Sequence[str] | str | None
    csat_scale: Any
    ces_scale: Any


def unpack(
    events: Any,
    responses: pd.DataFrame | None,
    customers: pd.DataFrame | None,
    stages: Sequence[str] | str | None,
    csat_scale: Any,
    ces_scale: Any,
) -> Inputs:
    """Take tables and scales from a Bundle passed as ``events``; explicit arguments win."""
    if hasattr(events, "events") and hasattr(events, "config"):
        bundle = events
        if bundle.events is None:
            raise DataError.make(
                "the bundle has no events table, so there is no journey to map",
                rule="missing_table",
                table="events",
                hint="add an events file (customer_id, timestamp, stage, touchpoint) to the "
                "bundle folder, or name it under tables: in cxlab.yml",
            )
        return Inputs(
            events=bundle.events,
            responses=bundle.responses if responses is None else responses,
            customers=bundle.customers if customers is None else customers,
            stages=stages_of(bundle.config) if stages is None else stages,
            csat_scale=bundle.config.csat_scale if csat_scale is None else csat_scale,
            ces_scale=bundle.config.ces_scale if ces_scale is None else ces_scale,
        )
    return Inputs(events, responses, customers, stages, csat_scale, ces_scale)


def check_metrics(metrics: Sequence[str]) -> tuple[str, ...]:
    """Validate a ``metrics`` argument."""
    if isinstance(metrics, str):
        metrics = (metrics,)
    out = tuple(metrics)
    bad = [m for m in out if m not in METRICS]
    if bad:
        raise ValueError(f"metrics must be among {', '.join(METRICS)}; got {bad}")
    return out


def metric_options(metric: str, csat_scale: Any, ces_scale: Any) -> dict[str, Any]:
    """Scale options of a metric for :mod:`cxlab.metrics` (None: the metric's default)."""
    if metric == "csat" and csat_scale is not None:
        return {"scale": csat_scale}
    if metric == "ces" and ces_scale is not None:
        return {"scale": ces_scale}
    return {}


def answered(responses: pd.DataFrame, column: str) -> bool:
    """Whether the responses hold the column with at least one answer."""
    return column in responses.columns and bool(responses[column].notna().any())


def touchpoint_stages(
    events: pd.DataFrame, *, touchpoint: str, stage: str, names: Sequence[str]
) -> pd.Series:
    """Find the stage of each touchpoint: the stage of most of its events (ties: earlier stage).

    Returns a Series indexed by touchpoint (str), in journey order (stage, then most events
    first, then name), with the stage name as value and ``attrs``-free.
    """
    ev = events[[touchpoint, stage]].dropna()
    if ev.empty:
        return pd.Series([], dtype="str", index=pd.Index([], dtype="str", name=touchpoint))
    position = {s: i for i, s in enumerate(names)}
    counts = ev.astype("str").value_counts().rename("n").reset_index()
    counts["order"] = counts[stage].map(position).astype("float64")
    counts = counts.sort_values(["n", "order"], ascending=[False, True], kind="stable")
    main = counts.drop_duplicates(touchpoint)
    total = ev[touchpoint].astype("str").value_counts()
    main = main.assign(total=main[touchpoint].map(total).to_numpy())
    main = main.sort_values(
        ["order", "total", touchpoint], ascending=[True, False, True], kind="stable"
    )
    return pd.Series(
        main[stage].to_numpy(),
        index=pd.Index(main[touchpoint].to_numpy(), dtype="str", name=touchpoint),
        dtype="str",
        name=stage,
    )


def as_float(values: Any) -> np.ndarray:
    """Return a column as float64 (missing as NaN)."""
    return pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype="float64")
