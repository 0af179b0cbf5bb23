"""A bundle's survey answers as the breakdowns use them: scales, one customer attribute, order.

:func:`survey_data` gathers what every breakdown of a chapter needs from a bundle once — the
responses, each score's declared scale, the direction of the effort scale, and one customer
attribute joined onto the responses — so that each analysis is a single call, and
:func:`touchpoint_order` lays touchpoints out in journey order from the event log.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from cxlab.errors import DataError
from cxlab.findings import Finding
from cxlab.metrics._breakdown import breakdown
from cxlab.metrics._scores import METRICS

__all__ = ["DEFAULT_ATTRIBUTES", "SurveyData", "survey_data", "touchpoint_order"]

#: Customer attributes tried, in this order, when no attribute is named for the breakdowns.
DEFAULT_ATTRIBUTES: tuple[str, ...] = ("age_band", "plan", "company_size", "region")

#: Label of the breakdown by the channel a survey was answered through.
CHANNEL_PANEL = "survey channel"


def _filled(df: pd.DataFrame | None, column: str) -> bool:
    return df is not None and column in df and bool(df[column].notna().any())


@dataclass(frozen=True, eq=False)
class SurveyData:
    """A bundle's responses with what the breakdowns need; see :func:`survey_data`.

    Parameters
    ----------
    responses : pandas.DataFrame
        The responses table.
    scored : pandas.DataFrame
        The responses with the customer attribute joined on as ``group_column`` (the same
        rows; a fresh index), or the responses themselves when there is no attribute.
    customers : pandas.DataFrame or None
        The customers table, when there is one and the responses name their customers.
    events : pandas.DataFrame or None
        The event log, when there is one.
    attribute : str or None
        The customers column used for breakdowns by customer group.
    group_column : str or None
        Its name in ``scored`` (``<attribute>_customer`` when the responses have a column of
        that name already).
    options : mapping
        For each metric, the scale options its score functions take (from ``cxlab.yml``).
    higher_is_easier : bool
        Direction of the effort scale.
    client : str
        The client's display name.
    """

    responses: pd.DataFrame
    scored: pd.DataFrame
    customers: pd.DataFrame | None
    events: pd.DataFrame | None
    attribute: str | None
    group_column: str | None
    options: Mapping[str, dict[str, Any]]
    higher_is_easier: bool
    client: str

    def has(self, *columns: str) -> bool:
        """Whether the responses have every named column and some response fills them all."""
        if not columns or any(c not in self.responses for c in columns):
            return False
        return bool(self.responses[list(columns)].notna().all(axis=1).any())

    def higher_is_better(self, metric: str) -> bool:
        """Whether a higher score is better (False only for effort on a harder-is-higher scale)."""
        return metric != "ces" or self.higher_is_easier

    def scores(self) -> list[str]:
        """Return the scores that have answers, in the order CSAT, CES, NPS."""
        return [m for m in ("csat", "ces", "nps") if self.has(m)]

    def segments(self) -> list[str]:
        """Return the columns to split by that have values: touchpoint, channel, the attribute."""
        candidates = ("touchpoint", "channel", self.group_column)
        return [c for c in candidates if c and _filled(self.scored, c)]

    def years(self) -> list[str]:
        """Return the calendar years with answers, as text, in order."""
        if not _filled(self.scored, "date"):
            return []
        return sorted({str(y) for y in self.scored["date"].dt.year.dropna().astype(int)})

    def summary(self) -> Finding:
        """Say whose data these are, how many responses, which scores and which attribute.

        Returns
        -------
        Finding
        """
        scores = ", ".join(m.upper() for m in METRICS if self.has(m)) or "none"
        values = {"client": self.client, "n": len(self.responses), "scores": scores}
        if self.attribute is None:
            return Finding(
                "Working with **{client}**: {n:,} survey responses; scores: {scores}; no "
                "customer attribute to break scores down by (that needs a customers table with "
                "an attribute such as age band, plan, company size or region, and responses "
                "that name their customer).",
                values,
            )
        return Finding(
            "Working with **{client}**: {n:,} survey responses; scores: {scores}; customer "
            "attribute for breakdowns: {attribute}.",
            values | {"attribute": self.attribute},
        )

    def panels(self, metric: str, *, min_n: int) -> dict[str, pd.DataFrame]:
        """Break a score down by survey channel and by the customer attribute.

        Parameters
        ----------
        metric : {"nps", "csat", "ces"}
            The score.
        min_n : int
            Smallest group that is scored (see :func:`cxlab.metrics.breakdown`).

        Returns
        -------
        dict of str to pandas.DataFrame
            ``"survey channel"`` and the attribute's name, each a :func:`breakdown` table with
            Holm's adjustment; a panel is left out when its column has no values.
        """
        out: dict[str, pd.DataFrame] = {}
        if not self.has(metric):
            return out
        opts = self.options[metric]
        if self.has("channel"):
            out[CHANNEL_PANEL] = breakdown(
                self.responses, by="channel", metric=metric, min_n=min_n, **opts
            )
        if self.group_column is not None and self.attribute is not None:
            out[self.attribute] = breakdown(
                self.scored, by=self.group_column, metric=metric, min_n=min_n, **opts
            )
        return out

    def linked(self, metric: str) -> tuple[int, int]:
        """Count a score's answers that carry the customer attribute, and all its answers.

        Parameters
        ----------
        metric : {"nps", "csat", "ces"}
            The score.

        Returns
        -------
        tuple of int
            ``(linked, answers)``; ``linked`` is 0 without an attribute.
        """
        if not _filled(self.scored, metric):
            return 0, 0
        answered = self.scored[metric].notna()
        if self.group_column is None:
            return 0, int(answered.sum())
        return int(self.scored.loc[answered, self.group_column].notna().sum()), int(answered.sum())

    def breakdown(
        self, metric: str, *, by: str, year: str | int = "all", min_n: int
    ) -> pd.DataFrame | None:
        """Break a score down by a segment column, over all years or in one.

        Parameters
        ----------
        metric : {"nps", "csat", "ces"}
            The score.
        by : str
            The segment column of ``scored`` (see :meth:`segments`).
        year : str or int, default "all"
            A calendar year, or ``"all"``.
        min_n : int
            Smallest group that is scored.

        Returns
        -------
        pandas.DataFrame or None
            The :func:`cxlab.metrics.breakdown` table, or None when no answer has a segment
            (in that year).
        """
        part = self.scored
        if str(year) != "all":
            if not _filled(part, "date"):
                return None
            part = part[part["date"].dt.year == int(year)]
        if metric not in part or by not in part:
            return None
        part = part.dropna(subset=[by, metric])
        if part.empty:
            return None
        return breakdown(part, by=by, metric=metric, min_n=min_n, **self.options[metric])

    def by_year(self, metric: str, *, by: str, min_n: int) -> pd.DataFrame | None:
        """Break a score down by a segment, year by year, side by side.

        Parameters
        ----------
        metric : {"nps", "csat", "ces"}
            The score.
        by : str
            The segment column.
        min_n : int
            Smallest group that is scored in a year.

        Returns
        -------
        pandas.DataFrame or None
            Indexed by segment, with columns ``(year, statistic)`` for the statistics ``n``,
            ``value``, ``low``, ``high`` and ``differs`` of each year's breakdown; None when no
            year has answers with a segment.
        """
        per_year = {}
        for year in self.years():
            table = self.breakdown(metric, by=by, year=year, min_n=min_n)
            if table is not None:
                per_year[year] = table
        if not per_year:
            return None
        stacked = pd.concat(per_year, names=["year"])[["n", "value", "low", "high", "differs"]]
        wide = stacked.unstack("year").swaplevel(axis=1)
        return wide.sort_index(axis=1, level=0, sort_remaining=False)


def survey_data(
    bundle: Any, *, attribute: str | None = None, client: str | None = None
) -> SurveyData:
    """Gather a bundle's responses with their scales and one customer attribute.

    The scales come from ``cxlab.yml`` (``csat_scale``, ``ces_scale`` and its direction), so no
    score assumes a 1–5 scale. The customer attribute — ``attribute`` when given, else the
    first of :data:`DEFAULT_ATTRIBUTES` that the customers table has — is joined onto the
    responses by ``customer_id``; responses without a customer, or whose customer lacks the
    attribute, keep a missing value.

    Parameters
    ----------
    bundle : cxlab.Bundle
        The client's bundle; it needs the responses table.
    attribute : str, optional
        The customers column to break scores down by; empty or None picks one.
    client : str, optional
        Display name; empty or None uses the bundle's name.

    Returns
    -------
    SurveyData

    Raises
    ------
    cxlab.errors.DataError
        If the bundle has no responses, or ``attribute`` names a column the customers table
        does not have (the message lists close names).

    Examples
    --------
    >>> from cxlab import datasets
    >>> survey = survey_data(datasets.load_demo("clothing_retailer"))
    >>> survey.attribute, survey.group_column
    ('age_band', 'age_band')

    Post-interaction surveys name a touchpoint, and some of them ask the NPS question about it;
    the demo's relationship surveys ask NPS with no touchpoint:

    >>> survey.has("csat", "touchpoint"), survey.has("nps", "touchpoint")
    (True, True)
    >>> survey.options["csat"]["scale"].satisfied
    4
    """
    bundle.require("responses")
    responses = bundle.responses
    config = bundle.config
    customers = bundle.customers if bundle.has("customers") else None
    if customers is not None and not (
        "customer_id" in customers and _filled(responses, "customer_id")
    ):
        customers = None
    if attribute:
        _check_attribute(attribute, bundle, customers)
    candidates = [attribute] if attribute else list(DEFAULT_ATTRIBUTES)
    chosen = next((c for c in candidates if customers is not None and c in customers), None)
    scored, group_column = responses, None
    if chosen is not None and customers is not None:
        group_column = chosen if chosen not in responses else f"{chosen}_customer"
        extra = customers[["customer_id", chosen]].rename(columns={chosen: group_column})
        scored = responses.merge(extra, on="customer_id", how="left", validate="many_to_one")
    return SurveyData(
        responses=responses,
        scored=scored,
        customers=customers,
        events=bundle.events if bundle.has("events") else None,
        attribute=chosen,
        group_column=group_column,
        options={
            "nps": {},
            "csat": {"scale": config.csat_scale},
            "ces": {"scale": config.ces_scale},
        },
        higher_is_easier=config.ces_scale.direction != "higher_is_harder",
        client=client or bundle.name,
    )


def _check_attribute(attribute: str, bundle: Any, customers: pd.DataFrame | None) -> None:
    if customers is not None and attribute in customers:
        return
    source = bundle.sources.get("customers")
    file = source.label if source is not None else None
    if customers is None:
        raise DataError.make(
            f"the customer attribute {attribute!r} needs a customers table and responses that "
            "name their customer (customer_id)",
            rule="missing_table",
            table="customers",
            column=attribute,
            file=file,
            hint="add customers.csv with customer_id and the attribute, or leave the "
            "attribute parameter empty",
        )
    close = difflib.get_close_matches(attribute, [str(c) for c in customers.columns], n=1)
    listed = ", ".join(repr(str(c)) for c in customers.columns[:12])
    raise DataError.make(
        f"the customers table has no column {attribute!r} to break scores down by",
        rule="missing_column",
        table="customers",
        column=attribute,
        file=file,
        hint=(f"did you mean {close[0]!r}? " if close else "") + f"its columns: {listed}",
    )


def touchpoint_order(
    touchpoints: Sequence[Any],
    events: pd.DataFrame | None = None,
    *,
    stages: Sequence[str] | None = None,
) -> pd.Series:
    """Put touchpoints in journey order, each with its stage.

    Each touchpoint sits in the stage where most of its events fall (as in
    :func:`cxlab.journey.journey_map`); touchpoints follow the stage order, the busier ones
    first within a stage, and touchpoints without events come last, by name. Without an event
    log (or one without touchpoints and stages) the order is alphabetical.

    Parameters
    ----------
    touchpoints : sequence
        The touchpoints to order (e.g. the index of a breakdown by touchpoint).
    events : pandas.DataFrame, optional
        The event log, with ``touchpoint`` and ``stage`` columns.
    stages : sequence of str, optional
        The stages in journey order; default :data:`cxlab.journey.DEFAULT_STAGES` when the
        log uses only those, else the order :func:`cxlab.journey.infer_stage_order` reads
        from the log.

    Returns
    -------
    pandas.Series
        Indexed by touchpoint in journey order; the values are the stages (None for a
        touchpoint without events).

    Examples
    --------
    >>> events = pd.DataFrame(
    ...     {
    ...         "touchpoint": ["web", "web", "till", "app"],
    ...         "stage": ["consideration", "consideration", "purchase", "consideration"],
    ...     }
    ... )
    >>> touchpoint_order(["till", "web", "app", "phone"], events).to_dict()
    {'web': 'consideration', 'app': 'consideration', 'till': 'purchase', 'phone': None}
    """
    stage_of: dict[Any, str] = {}
    volume: dict[Any, int] = {}
    order: list[str] = []
    if events is not None and {"touchpoint", "stage"} <= set(events.columns):
        known = events.dropna(subset=["touchpoint", "stage"])
        if not known.empty:
            if stages is None:
                from cxlab import journey  # cxlab.journey builds on cxlab.metrics

                default = set(known["stage"]) <= set(journey.DEFAULT_STAGES)
                stages = journey.DEFAULT_STAGES if default else journey.infer_stage_order(known)
            order = [str(s) for s in stages]
            stage_of = (
                known.groupby("touchpoint")["stage"].agg(lambda s: s.mode().iloc[0]).to_dict()
            )
            volume = known["touchpoint"].value_counts().to_dict()

    def place(t: Any) -> tuple[int, int, str]:
        stage = stage_of.get(t)
        rank = order.index(str(stage)) if stage is not None and str(stage) in order else len(order)
        return rank, -volume.get(t, 0), str(t)

    path = sorted(touchpoints, key=place)
    return pd.Series(
        [stage_of.get(t) for t in path],
        index=pd.Index(path, name="touchpoint"),
        name="stage",
        dtype=object,
    )
