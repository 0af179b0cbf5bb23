"""Milestones of a process log: which activities are journey stages, outcomes or work items.

A customer journey log names a handful of stages (awareness, purchase, ...). A *process* log —
a loan application, a claim, a support ticket — names every activity the organisation records,
often twenty or more, and most of them are not stages a customer passes through in order:

* **outcomes** end a case (declined, cancelled, withdrawn). A funnel that counts a case at an
  activity "when it reached it or a later one" would count nearly every case as having
  "reached declined", which is false; an outcome is reported as the share of cases ending in it.
* **work items** are the organisation's own tasks (call the applicant, check a document). They
  repeat within a case and happen at any point of it, so they have no place in a stage order.
* **milestones** are what is left: activities most cases pass through once, at a typical point.

:func:`plan` sorts the activities of a log into these roles with the documented rules below
(or takes the roles given, e.g. from the ``stages:`` key of ``cxlab.yml``), and returns a
:class:`JourneyPlan` whose :meth:`~JourneyPlan.apply` gives the log the funnel, transitions and
variants should read. :func:`outcomes` counts how cases end.

The rules are heuristics written for this package; the work-item rule follows the usual
distinction in process mining between case-level milestones and repeated, unordered activities
(van der Aalst 2016, ch. 6 and 15: activity frequency, self-loops and position in the trace).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from cxlab import stats
from cxlab.checks import require_columns
from cxlab.errors import DataError
from cxlab.findings import Finding, join
from cxlab.journey._stages import DEFAULT_STAGES, declared_journey, infer_stage_order

__all__ = [
    "MAX_STAGES",
    "MIN_MILESTONE_SHARE",
    "ORDER_MIX",
    "ORDER_SAMPLE",
    "OUTCOME_WORDS",
    "REPEATING_LOG_SHARE",
    "REPEAT_SHARE",
    "SPREAD_SHARE",
    "JourneyPlan",
    "activity_roles",
    "outcomes",
    "outcomes_finding",
    "plan",
    "plan_finding",
    "plan_for",
]

#: Word stems that mark an activity as an outcome (matched at the start of a word of its name,
#: case-insensitive): declined, cancelled, rejected, withdrawn, denied, refused, abandoned,
#: lost, expired, terminated, failed, churned, closed unsuccessfully, not taken up.
OUTCOME_WORDS: tuple[str, ...] = (
    "declin",
    "cancel",
    "reject",
    "withdr",
    "denied",
    "deny",
    "refus",
    "abandon",
    "lost",
    "expir",
    "terminat",
    "fail",
    "churn",
)

#: An activity is a work item when at least this share of the cases that have it have it twice
#: or more.
REPEAT_SHARE = 0.3

#: ... unless more than this share of the log's activities repeat so (outcomes and rare activities
#: not counted): then the log follows customers who come back — a shop's visits, orders and
#: service contacts all recur — and repetition marks no activity as a work item; only the order
#: rule below can.
REPEATING_LOG_SHARE = 0.5

#: ... or when it occurs in at least this share of all cases (below it, its order is read from
#: too few cases to judge) ...
SPREAD_SHARE = 0.2

#: ... and its order against the other activities is reversed this often (the median over the
#: other activities of the share of shared cases in which it comes on its less usual side, see
#: :func:`activity_roles`): it happens early and late alike, before and after the same steps.
ORDER_MIX = 0.1

#: Cases compared when reading the order of activities (a fixed random sample above it).
ORDER_SAMPLE = 20_000

#: Activities reached by fewer than this share of cases are left out of an inferred funnel.
MIN_MILESTONE_SHARE = 0.05

#: Most milestones an inferred funnel keeps (the most common ones, in journey order).
MAX_STAGES = 8

_ROLES = ("milestone", "outcome", "work item", "ignored")


def _is_outcome_name(name: str) -> bool:
    words = re.split(r"[^a-z]+", name.lower().replace("_", " "))
    return any(w.startswith(stem) for w in words if w for stem in OUTCOME_WORDS)


@dataclass(frozen=True)
class JourneyPlan:
    """Which activities of a log are journey stages (in order), outcomes, work items or ignored.

    Attributes
    ----------
    stages : tuple of str
        The milestones in journey order: the stages of the funnel, transitions and variants.
    outcomes : tuple of str
        Activities that end a case, reported by :func:`outcomes`.
    work_items : tuple of str
        Activities left out because they repeat within a case or occur throughout it.
    ignored : tuple of str
        Activities left out for another reason (declared, rare, beyond ``max_stages``).
    stage_of : dict of str to str
        The stage of each activity that belongs to one (a milestone maps to itself unless a
        mapping groups several activities into one stage).
    inferred : bool
        Whether the roles were inferred from the data rather than declared.
    roles : pandas.DataFrame
        One row per activity: ``cases``, ``share`` (of all cases), ``repeat_share``,
        ``order_mix``, ``role`` and ``reason``.
    """

    stages: tuple[str, ...]
    outcomes: tuple[str, ...]
    work_items: tuple[str, ...]
    ignored: tuple[str, ...]
    stage_of: dict[str, str]
    inferred: bool
    roles: pd.DataFrame = field(repr=False)
    stage: str = "stage"

    @property
    def activities(self) -> int:
        """Distinct activities in the log."""
        return len(self.roles)

    def apply(self, events: pd.DataFrame) -> pd.DataFrame:
        """Return the events of the journey's stages, with each activity replaced by its stage.

        Events of outcome, work-item and ignored activities are dropped; the table is otherwise
        unchanged (same columns, index and row order).
        """
        names = events[self.stage].astype("str")
        keep = names.isin(self.stage_of.keys()).to_numpy() & events[self.stage].notna().to_numpy()
        out = events.loc[keep].copy()
        out[self.stage] = names[keep].map(self.stage_of).astype("str")
        return out


def activity_roles(
    events: pd.DataFrame,
    *,
    customer: str = "customer_id",
    stage: str = "stage",
    timestamp: str = "timestamp",
) -> pd.DataFrame:
    """Describe each activity of a log by what decides its role: how often, how repeated, where.

    Parameters
    ----------
    events : pandas.DataFrame
        The event log; events without a customer, time or activity are left out.
    customer, stage, timestamp : str
        Column names (``stage`` holds the activity).

    Returns
    -------
    pandas.DataFrame
        Indexed by activity, most cases first: ``cases`` (cases with the activity), ``share``
        (of all cases), ``repeat_share`` (of the cases with it, those with it twice or more),
        ``order_mix`` (how often its order against the other activities is reversed: for each
        other activity seen with it, the share of their shared cases in which the two come in
        the less usual order, compared by each one's first event; the median over the other
        activities, 0 without any) and
        ``outcome_name`` (the name contains an :data:`OUTCOME_WORDS` stem).

    Examples
    --------
    >>> ev = pd.DataFrame(
    ...     {
    ...         "customer_id": ["a", "a", "a", "b", "b"],
    ...         "timestamp": pd.to_datetime(
    ...             ["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-01", "2024-01-02"]
    ...         ),
    ...         "stage": ["apply", "call", "call", "apply", "Declined"],
    ...     }
    ... )
    >>> activity_roles(ev)[["cases", "share", "repeat_share", "outcome_name"]]
    ... # doctest: +NORMALIZE_WHITESPACE
              cases  share  repeat_share  outcome_name
    activity
    apply         2    1.0           0.0         False
    Declined      1    0.5           0.0          True
    call          1    0.5           1.0         False
    """
    return _describe(events, customer=customer, stage=stage, timestamp=timestamp)[0]


def _describe(
    events: pd.DataFrame, *, customer: str, stage: str, timestamp: str
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Return the table of :func:`activity_roles` and the precedence counts, in its order."""
    ev = _clean(events, customer=customer, stage=stage, timestamp=timestamp)
    n_cases = int(ev[customer].nunique())
    columns = ["cases", "share", "repeat_share", "order_mix", "outcome_name"]
    if ev.empty:
        empty = pd.DataFrame(columns=columns, index=pd.Index([], name="activity", dtype="str"))
        return empty, np.zeros((0, 0), dtype="int64"), np.zeros((0, 0), dtype="int64")
    per_case = ev.groupby([stage, customer], sort=False).size()
    cases = per_case.groupby(level=0).size()
    repeated = (per_case > 1).groupby(level=0).sum()
    names, before, after = _precedence(ev, customer=customer, stage=stage, timestamp=timestamp)
    mix = pd.Series(_order_mix(before, after, cases.reindex(names).to_numpy()), index=names)
    out = pd.DataFrame(
        {
            "cases": cases.astype("int64"),
            "share": cases / n_cases,
            "repeat_share": repeated.reindex(cases.index) / cases,
            "order_mix": mix.reindex(cases.index),
        }
    )
    out["outcome_name"] = [_is_outcome_name(a) for a in out.index]
    out.index = pd.Index(out.index.astype("str"), name="activity")
    out = out.sort_index().sort_values("cases", ascending=False, kind="stable")
    at = names.get_indexer(out.index)
    return out, before[np.ix_(at, at)], after[np.ix_(at, at)]


def _clean(events: pd.DataFrame, *, customer: str, stage: str, timestamp: str) -> pd.DataFrame:
    require_columns(
        events, {customer: "customer", stage: "stage", timestamp: "timestamp"}, table="events"
    )
    ev = events[[customer, stage, timestamp]].dropna()
    return ev.assign(
        **{
            stage: ev[stage].astype("str"),
            timestamp: pd.to_datetime(ev[timestamp], errors="coerce"),
        }
    ).dropna(subset=[timestamp])


def _precedence(
    ev: pd.DataFrame, *, customer: str, stage: str, timestamp: str
) -> tuple[pd.Index, np.ndarray, np.ndarray]:
    """Count, for each pair of activities, the cases where the first comes first, and after.

    Compares each case's first event of each activity; equal times count neither way. Above
    :data:`ORDER_SAMPLE` cases, a fixed random sample of that many cases is used (seed 0).
    """
    first = ev.groupby([customer, stage], sort=True)[timestamp].min().unstack(stage)
    if len(first) > ORDER_SAMPLE:
        keep = np.random.default_rng(0).choice(len(first), ORDER_SAMPLE, replace=False)
        first = first.iloc[np.sort(keep)]
    names = pd.Index(first.columns.astype("str"))
    present = first.notna().to_numpy()
    t = np.where(present, first.apply(_as_ns).to_numpy(), 0)
    k = len(names)
    before = np.zeros((k, k), dtype="int64")
    after = np.zeros((k, k), dtype="int64")
    for i in range(k):
        both = present[:, [i]] & present
        before[i] = (both & (t[:, [i]] < t)).sum(axis=0)
        after[i] = (both & (t[:, [i]] > t)).sum(axis=0)
    return names, before, after


def _as_ns(column: pd.Series) -> pd.Series:
    return pd.Series(column.to_numpy(dtype="datetime64[ns]").view("int64"), index=column.index)


def _order_mix(
    before: np.ndarray, after: np.ndarray, cases: np.ndarray, among: np.ndarray | None = None
) -> np.ndarray:
    """Median, over the other activities, of how often the usual order between two is reversed.

    For activities X and Y seen in the same case at different times, the reversal share is
    ``min(before, after) / (before + after)``: 0 when X always comes on the same side of Y,
    0.5 when either order is as likely. Only partners ``Y`` (among ``among``, default all)
    seen with X in at least 5 % of X's cases (and at least once) count.
    """
    k = len(cases)
    among = np.ones(k, dtype=bool) if among is None else np.asarray(among, dtype=bool)
    out = np.zeros(k)
    together = before + after
    for i in range(k):
        enough = among & (together[i] >= max(1.0, 0.05 * cases[i]))
        enough[i] = False
        if enough.any():
            rev = np.minimum(before[i, enough], after[i, enough]) / together[i, enough]
            out[i] = float(np.median(rev))
    return out


def _names(values: Sequence[str] | str | None) -> list[str]:
    if values is None:
        return []
    if isinstance(values, str):
        return [s.strip() for s in values.split(",") if s.strip()]
    return [str(s) for s in values]


def _same_cases(cases_of: Mapping[str, frozenset], a: str, b: str) -> bool:
    return cases_of[a] == cases_of[b]


def plan(
    events: pd.DataFrame,
    *,
    stages: Sequence[str] | str | None = None,
    outcomes: Sequence[str] | None = None,
    ignore: Sequence[str] | None = None,
    stage_of: Mapping[str, str] | None = None,
    max_stages: int = MAX_STAGES,
    customer: str = "customer_id",
    stage: str = "stage",
    timestamp: str = "timestamp",
) -> JourneyPlan:
    """Decide which activities of a log are the journey's stages, and in which order.

    **Declared** (``stages`` given, or ``stage_of`` given, or every activity that is not an
    outcome or ignored one of :data:`DEFAULT_STAGES`): the stages are those named, in that
    order (with ``stage_of`` but no ``stages``, the mapped stages in the order the data
    suggest). Activities named in
    ``outcomes`` are outcomes, those in ``ignore`` are ignored; any other activity that is not a
    declared stage (nor mapped to one) is an outcome when its name has an :data:`OUTCOME_WORDS`
    stem, and ignored otherwise.

    **Inferred** (otherwise), each activity in turn, by the first rule that applies:

    1. named in ``ignore``: ignored;
    2. named in ``outcomes``, or its name has an :data:`OUTCOME_WORDS` stem: outcome;
    3. repeated — at least :data:`REPEAT_SHARE` of the cases with it have it twice or more,
       while repeating is the exception in the log (no more than :data:`REPEATING_LOG_SHARE`
       of the activities that are neither outcomes nor rare repeat so; in a log where most do,
       such as a shop's customers returning to browse and buy again, repetition is how the
       journey goes on, not a mark of work) — or unordered — in at least :data:`SPREAD_SHARE`
       of all cases, with an order mix of :data:`ORDER_MIX` or more against the activities not
       yet classed as outcomes or repeated (:func:`activity_roles`; the order is read from
       each case's first event of each activity): work item;
    4. in fewer than :data:`MIN_MILESTONE_SHARE` of the cases: ignored as rare;
    5. otherwise a milestone candidate. Candidates are ordered by :func:`infer_stage_order`
       on their events. When there are more than ``max_stages``, one reached by exactly the
       same cases as the candidate kept before it is left out (no case is lost between the
       two, so the funnel gains nothing), and if still too many, the first and the last are
       kept and, between them, the most common.

    Parameters
    ----------
    events : pandas.DataFrame
        The event log (``stage`` holds the activity).
    stages : sequence of str or str, optional
        Stages in journey order (a list, or names separated by commas). ``None`` or ``""``:
        decide from ``stage_of`` or the data.
    outcomes, ignore : sequence of str, optional
        Activities that are outcomes, and activities to leave out.
    stage_of : mapping of str to str, optional
        The stage each activity belongs to (several activities may share a stage).
    max_stages : int, default :data:`MAX_STAGES`
        Most milestones an inferred plan keeps.
    customer, stage, timestamp : str
        Column names.

    Returns
    -------
    JourneyPlan

    Raises
    ------
    cxlab.errors.DataError
        If a column is missing.
    ValueError
        If ``max_stages`` is below 1, or a declared stage is also declared an outcome.

    References
    ----------
    .. [1] van der Aalst, W. M. P. (2016). *Process Mining: Data Science in Action* (2nd ed.).
       Springer.

    Examples
    --------
    >>> ev = pd.DataFrame(
    ...     {
    ...         "customer_id": list("aaaabbbb"),
    ...         "timestamp": pd.to_datetime(["2024-01-0%d" % d for d in (1, 2, 3, 4)] * 2),
    ...         "stage": [
    ...             "submit",
    ...             "call",
    ...             "call",
    ...             "approve",
    ...             "submit",
    ...             "call",
    ...             "call",
    ...             "declined",
    ...         ],
    ...     }
    ... )
    >>> p = plan(ev)
    >>> p.stages, p.outcomes, p.work_items
    (('submit', 'approve'), ('declined',), ('call',))
    """
    if int(max_stages) < 1:
        raise ValueError(f"max_stages must be at least 1; got {max_stages!r}")
    roles, before, after = _describe(events, customer=customer, stage=stage, timestamp=timestamp)
    clean = _clean(events, customer=customer, stage=stage, timestamp=timestamp)
    ev_sets = clean.groupby(stage)[customer].agg(lambda c: frozenset(c.tolist())).to_dict()
    named_outcomes = _names(outcomes)
    named_ignore = set(_names(ignore))
    declared = _names(stages)
    mapping = {str(k): str(v) for k, v in (stage_of or {}).items()}
    clash = sorted(set(declared) & set(named_outcomes))
    if clash:
        raise ValueError(f"activities cannot be both stages and outcomes: {', '.join(clash)}")
    activities = list(roles.index)
    role: dict[str, str] = {}
    reason: dict[str, str] = {}
    core = {
        a
        for a in activities
        if a not in named_outcomes and a not in named_ignore and not roles.loc[a, "outcome_name"]
    }  # the default stages plus outcomes (a cancelled order, say) are still the default journey
    is_default = bool(core) and core <= set(DEFAULT_STAGES)
    inferred = not (declared or mapping or is_default)

    if not inferred:
        if is_default and not declared and not mapping:
            declared = list(DEFAULT_STAGES)
        for a in activities:
            if a in named_ignore:
                role[a], reason[a] = "ignored", "declared to ignore"
            elif a in named_outcomes:
                role[a], reason[a] = "outcome", "declared an outcome"
            elif a in mapping or a in declared:
                role[a], reason[a] = "milestone", "declared stage"
            elif bool(roles.loc[a, "outcome_name"]):
                role[a], reason[a] = "outcome", "outcome word in its name"
            else:
                role[a], reason[a] = "ignored", "not a declared stage"
        stage_map = {a: mapping.get(a, a) for a in activities if role[a] == "milestone"}
        if not declared:
            mapped = events.assign(**{stage: events[stage].astype("str").map(stage_map)})
            declared = infer_stage_order(
                mapped, stage=stage, customer=customer, timestamp=timestamp
            )
        order = tuple(dict.fromkeys(declared))
    else:
        common = [
            a
            for a in activities
            if a not in named_ignore
            and a not in named_outcomes
            and not roles.loc[a, "outcome_name"]
            and roles.loc[a, "share"] >= MIN_MILESTONE_SHARE
        ]
        repeating = sum(bool(roles.loc[a, "repeat_share"] >= REPEAT_SHARE) for a in common)
        returning = bool(common) and repeating / len(common) > REPEATING_LOG_SHARE
        for a in activities:
            row = roles.loc[a]
            if a in named_ignore:
                role[a], reason[a] = "ignored", "declared to ignore"
            elif a in named_outcomes:
                role[a], reason[a] = "outcome", "declared an outcome"
            elif bool(row["outcome_name"]):
                role[a], reason[a] = "outcome", "outcome word in its name"
            elif row["repeat_share"] >= REPEAT_SHARE and not returning:
                role[a], reason[a] = "work item", "repeats within cases"
        # the order of what is left is read against what is left, not against work items
        open_ = np.array([a not in role for a in activities])
        mix = _order_mix(before, after, roles["cases"].to_numpy(), among=open_)
        roles = roles.assign(order_mix=np.where(open_, mix, roles["order_mix"].to_numpy()))
        candidates: list[str] = []
        for a, m in zip(activities, mix, strict=True):
            if a in role:
                continue
            if roles.loc[a, "share"] >= SPREAD_SHARE and m >= ORDER_MIX:
                role[a], reason[a] = "work item", "occurs before and after the same steps"
            elif roles.loc[a, "share"] < MIN_MILESTONE_SHARE:
                role[a], reason[a] = "ignored", "rare"
            else:
                candidates.append(a)  # roles sorts by cases, most first
        sub = events[events[stage].astype("str").isin(candidates)]
        ordered = infer_stage_order(sub, stage=stage, customer=customer, timestamp=timestamp)
        ordered = [a for a in ordered if a in candidates]
        kept: list[str] = []
        too_many = len(ordered) > int(max_stages)
        for a in ordered:  # a step every case of the previous one also takes loses nobody
            if too_many and kept and _same_cases(ev_sets, kept[-1], a):
                role[a], reason[a] = "ignored", f"reached by the same cases as {kept[-1]}"
            else:
                kept.append(a)
        if len(kept) > int(max_stages):
            by_cases = sorted(kept[1:-1], key=lambda a: -int(roles.loc[a, "cases"]))
            middle = set(by_cases[: max(int(max_stages) - 2, 0)])
            keep = [kept[0], *(a for a in kept[1:-1] if a in middle), kept[-1]]
            keep = keep[: int(max_stages)]
            for a in kept:
                if a not in keep:
                    role[a], reason[a] = "ignored", f"beyond the {int(max_stages)} kept"
            kept = keep
        for a in kept:
            role[a], reason[a] = "milestone", "inferred milestone"
        stage_map = {a: a for a in kept}
        order = tuple(kept)
    table = roles.assign(
        role=pd.Series(role, dtype="str").reindex(roles.index),
        reason=pd.Series(reason, dtype="str").reindex(roles.index),
    )

    def of(kind: str) -> tuple[str, ...]:
        return tuple(a for a in activities if role[a] == kind)

    return JourneyPlan(
        stages=order,
        outcomes=of("outcome"),
        work_items=of("work item"),
        ignored=of("ignored"),
        stage_of=stage_map,
        inferred=inferred,
        roles=table,
        stage=stage,
    )


def plan_for(bundle: Any, order: Sequence[str] | str | None = None) -> JourneyPlan:
    """Plan a bundle's journey the way chapter 03 does: the order given, else ``cxlab.yml``.

    ``order`` (a list, or names separated by commas; empty leaves it to the bundle) wins over
    the stages ``cxlab.yml`` declares; the outcomes, activities to ignore and activity → stage
    mapping come from ``cxlab.yml`` (read by :func:`declared_journey`); anything not declared
    is inferred by :func:`plan`.

    Parameters
    ----------
    bundle : Bundle
        A loaded bundle with an events table.
    order : sequence of str or str, optional
        Stages in journey order, e.g. the chapter's ``stage_order`` parameter.

    Returns
    -------
    JourneyPlan

    Raises
    ------
    cxlab.errors.DataError
        If the bundle has no events table.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> ev = pd.DataFrame(
    ...     {
    ...         "customer_id": ["a", "a", "b"],
    ...         "timestamp": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-01"]),
    ...         "stage": ["apply", "Declined", "apply"],
    ...     }
    ... )
    >>> b = SimpleNamespace(events=ev, config=SimpleNamespace(stages=None))
    >>> p = plan_for(b)
    >>> p.stages, p.outcomes
    (('apply',), ('Declined',))
    """
    events = getattr(bundle, "events", None)
    if events is None:
        raise DataError.make(
            "the bundle has no events table, so there is no journey to follow",
            rule="missing_table",
            table="events",
            hint="add an events file (customer_id, timestamp, stage, touchpoint) to the bundle "
            "folder, or name it under tables: in cxlab.yml",
        )
    declared = declared_journey(getattr(bundle, "config", None))
    named = _names(order)
    if named:
        declared["stages"] = named
    return plan(events, **declared)


def outcomes(
    events: pd.DataFrame,
    *,
    outcomes: Sequence[str],
    confidence: float = 0.95,
    customer: str = "customer_id",
    stage: str = "stage",
    timestamp: str = "timestamp",
) -> pd.DataFrame:
    """Count how cases end: the share of cases whose last outcome event is each outcome.

    A case's outcome is its last event (in time) among the ``outcomes`` activities; a case
    without one has ``(no outcome yet)``. Shares are of all cases, with Wilson intervals.

    Parameters
    ----------
    events : pandas.DataFrame
        The event log (``stage`` holds the activity).
    outcomes : sequence of str
        The outcome activities (e.g. :attr:`JourneyPlan.outcomes`).
    confidence : float, default 0.95
        Level of the Wilson intervals.
    customer, stage, timestamp : str
        Column names.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``outcome`` (most cases first, ``(no outcome yet)`` last): ``cases``,
        ``share``, ``low``, ``high``. ``attrs`` holds ``cases``, ``confidence`` and
        ``outcomes`` (the outcome activities looked for).

    Raises
    ------
    cxlab.errors.DataError
        If a column is missing or the log has no cases.

    References
    ----------
    .. [1] Wilson, E. B. (1927). Probable inference, the law of succession, and statistical
       inference. *Journal of the American Statistical Association*, 22(158), 209–212.

    Examples
    --------
    >>> ev = pd.DataFrame(
    ...     {
    ...         "customer_id": ["a", "a", "b", "c"],
    ...         "timestamp": pd.to_datetime(["2024-01-01", "2024-01-02"] * 2),
    ...         "stage": ["apply", "declined", "apply", "apply"],
    ...     }
    ... )
    >>> outcomes(ev, outcomes=["declined"])[["cases", "share"]].round(2)
    ... # doctest: +NORMALIZE_WHITESPACE
                      cases  share
    outcome
    declined              1   0.33
    (no outcome yet)      2   0.67
    """
    level = stats.check_confidence(confidence)
    require_columns(
        events, {customer: "customer", stage: "stage", timestamp: "timestamp"}, table="events"
    )
    ev = events[[customer, stage, timestamp]].dropna(subset=[customer])
    n = int(ev[customer].nunique())
    if n == 0:
        raise DataError.make(
            "the events table has no cases, so no case has an outcome",
            rule="empty",
            table="events",
            hint="check the file and any filter applied before this call",
        )
    names = {str(o) for o in outcomes}
    ends = ev[ev[stage].astype("str").isin(names)]
    ends = ends.assign(_t=pd.to_datetime(ends[timestamp], errors="coerce"))
    last = ends.sort_values([customer, "_t"], kind="stable").groupby(customer).tail(1)
    counts = last[stage].astype("str").value_counts()
    counts = counts.sort_index().sort_values(ascending=False, kind="stable")
    none = n - int(counts.sum())
    if none:
        counts = pd.concat([counts, pd.Series({"(no outcome yet)": none})])
    k = counts.to_numpy(dtype="int64")
    low, high = stats.wilson(k, np.full(len(k), n), level)
    out = pd.DataFrame(
        {"cases": k, "share": k / n, "low": low, "high": high},
        index=pd.Index([str(i) for i in counts.index], name="outcome", dtype="str"),
    )
    out.attrs.update(cases=n, confidence=level, outcomes=tuple(sorted(names)))
    return out


# --------------------------------------------------------------------------------------------
# findings


def _listed(names: Sequence[str], limit: int = 6) -> str:
    items = [str(n).replace("_", " ") for n in names]
    if len(items) > limit:
        items = [*items[:limit], f"{len(names) - limit} more"]
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def plan_finding(journey_plan: JourneyPlan) -> Finding:
    """State which activities the funnel follows, and which it leaves out and why.

    Parameters
    ----------
    journey_plan : JourneyPlan
        Output of :func:`plan`.

    Returns
    -------
    Finding
        Unsupported when no activity is left to follow as a stage.

    Examples
    --------
    >>> ev = pd.DataFrame(
    ...     {
    ...         "customer_id": list("aaaabbbb"),
    ...         "timestamp": pd.to_datetime(["2024-01-0%d" % d for d in (1, 2, 3, 4)] * 2),
    ...         "stage": [
    ...             "submit",
    ...             "call",
    ...             "call",
    ...             "approve",
    ...             "submit",
    ...             "call",
    ...             "call",
    ...             "declined",
    ...         ],
    ...     }
    ... )
    >>> print(plan_finding(plan(ev)).text)  # doctest: +NORMALIZE_WHITESPACE
    The log has 4 activities. The funnel follows 2 milestones in the order the data suggest:
    submit → approve. Left out of it: 1 outcome (declined), reported as how cases end, and 1
    work item (call), which repeats within cases or occurs throughout them.
    """
    p = journey_plan
    if not p.stages:
        return Finding.unsupported(
            "None of the log's {n:,} activities can serve as a journey stage, so there is no "
            "funnel: declare the stages under stages: in cxlab.yml.",
            n=p.activities,
        )
    if p.inferred:
        how, word = "in the order the data suggest", "milestone"
    elif p.stages == DEFAULT_STAGES:
        how, word = "in the standard order", "stage"
    else:
        how, word = "in the declared order", "stage"
    parts = [
        Finding(
            "The log has {n:,} "
            + ("activity" if p.activities == 1 else "activities")
            + ". The funnel follows {k:,} "
            + (word if len(p.stages) == 1 else word + "s")
            + " "
            + how
            + ": {stages}.",
            {
                "n": p.activities,
                "k": len(p.stages),
                "stages": " → ".join(str(x).replace("_", " ") for x in p.stages),
            },
        )
    ]
    left = []
    values: dict[str, object] = {}
    if p.outcomes:
        left.append(
            "{n_out:,} "
            + ("outcome" if len(p.outcomes) == 1 else "outcomes")
            + " ({outcomes}), reported as how cases end"
        )
        values.update(n_out=len(p.outcomes), outcomes=_listed(p.outcomes))
    if p.work_items:
        left.append(
            "{n_work:,} "
            + ("work item" if len(p.work_items) == 1 else "work items")
            + " ({work}), which repeat within cases or occur throughout them"
        )
        values.update(n_work=len(p.work_items), work=_listed(p.work_items))
    if p.ignored:
        why = p.roles.loc[list(p.ignored), "reason"].astype("str")
        groups = {
            "rare": ("rare ", "", ", each in under 5% of cases", why == "rare"),
            "same": (
                "",
                "",
                " reached by the same cases as the milestone before",
                why.str.startswith("reached by"),
            ),
            "beyond": ("", "", " beyond the most common milestones", why.str.startswith("beyond")),
            "ignore": ("", "", " declared to ignore", why == "declared to ignore"),
            "undeclared": ("", "", " not among the declared stages", why == "not a declared stage"),
        }
        for j, (before, _, after, mask) in enumerate(groups.values()):
            names = list(why.index[mask.to_numpy()])
            if names:
                noun = "activity" if len(names) == 1 else "activities"
                left.append(f"{{n_ign{j}:,}} {before}{noun} ({{ignored{j}}}){after}")
                values.update({f"n_ign{j}": len(names), f"ignored{j}": _listed(names)})
    if left:
        text = ", and ".join(left) if len(left) < 3 else "; ".join(left[:-1]) + "; and " + left[-1]
        if len(p.work_items) == 1:
            text = text.replace(
                "which repeat within cases or occur", "which repeats within cases or occurs"
            )
        parts.append(Finding("Left out of it: " + text + ".", values))
    return join(parts)


def outcomes_finding(table: pd.DataFrame) -> Finding:
    """State how cases end: the most common outcome with its interval, and the cases still open.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`outcomes`.

    Returns
    -------
    Finding
        Unsupported when no outcome activity was looked for or no case has an outcome event;
        a sample under 30 cases is flagged.

    Examples
    --------
    >>> t = pd.DataFrame(
    ...     {"cases": [60, 40], "share": [0.6, 0.4], "low": [0.5, 0.31], "high": [0.69, 0.5]},
    ...     index=pd.Index(["declined", "(no outcome yet)"], name="outcome"),
    ... )
    >>> t.attrs.update(cases=100, confidence=0.95)
    >>> print(outcomes_finding(t).text)  # doctest: +NORMALIZE_WHITESPACE
    Of 100 cases, 60% end declined (95% interval 50% to 69%). 40% end without an outcome event
    (still open, or completed).
    """
    n = int(table.attrs.get("cases", table["cases"].sum()))
    level = f"{table.attrs.get('confidence', 0.95):.0%}"
    ended = table.drop(index="(no outcome yet)", errors="ignore")
    if not table.attrs.get("outcomes", True):
        return Finding.unsupported(
            "The log names no outcome activity (such as declined or cancelled), so how cases "
            "end is read from the funnel alone; list any under the outcomes of stages: in "
            "cxlab.yml."
        )
    if ended.empty or not int(ended["cases"].sum()):
        return Finding.unsupported(
            "None of the {n:,} cases has an outcome event, so the log says nothing yet about "
            "how cases end.",
            n=n,
        )
    top = ended.iloc[0]
    parts = [
        Finding(
            "Of {n:,} cases, {share:.0%} end {outcome} ("
            + level
            + " interval {low:.0%} to {high:.0%}).",
            {
                "n": n,
                "share": float(top["share"]),
                "outcome": str(ended.index[0]).replace("_", " "),
                "low": float(top["low"]),
                "high": float(top["high"]),
            },
        )
    ]
    if len(ended) > 1:
        rest = ended.iloc[1:4]
        parts.append(
            Finding(
                "Then {rest}.",
                {
                    "rest": _listed(
                        [
                            f"{share:.0%} {name.replace('_', ' ')}"
                            for name, share in zip(rest.index, rest["share"], strict=True)
                        ]
                    )
                },
            )
        )
    if "(no outcome yet)" in table.index:
        parts.append(
            Finding(
                "{open:.0%} end without an outcome event (still open, or completed).",
                {"open": float(table.loc["(no outcome yet)", "share"])},
            )
        )
    if n < 30:
        parts.append(Finding("With {n:,} cases these shares are rough (fewer than 30).", {"n": n}))
    return join(parts)
