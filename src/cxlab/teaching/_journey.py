"""Chapter 03 · journey mapping: the exercises on funnels, paths and time between stages.

Every expected answer is computed here with plain pandas from the learner's event log — not by
calling :mod:`cxlab.journey` — so a check is an independent second calculation of what the
chapter teaches. The rules are the chapter's: events are ordered per customer by time (ties by
the stage order), a customer counts at a stage when their furthest stage is at or after it, and
a path merges consecutive repeats of a stage. Exercises that name a stage (``purchase``,
``service``) are skipped for a client whose log has no such stage.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from cxlab.journey import DEFAULT_STAGES
from cxlab.teaching._core import (
    Exercise,
    ExerciseSet,
    Mistake,
    Option,
    Question,
    Quiz,
    Unavailable,
    customers_where,
    on_demo,
    register,
    within,
)
from cxlab.teaching._drivers import MIN_ANSWERS, wilson95

if TYPE_CHECKING:  # pragma: no cover
    from cxlab.contract.bundle import Bundle

__all__ = ["journey"]

#: The customers exercises 2 and 3 ask about: a region the chapter never breaks out, whose
#: funnel and paths differ from the whole base's.
REGION = "Wales"
CUSTOMERS = customers_where("region", REGION)

#: The last stage of "before the sale" in exercise 2.
SALE = "purchase"


def _events(bundle: Bundle) -> pd.DataFrame:
    """Return the usable events: those with a customer, a timestamp and a stage."""
    events = bundle.events
    missing = [c for c in ("customer_id", "timestamp", "stage") if c not in events]
    if missing:
        raise Unavailable(f"the events table has no {', '.join(repr(c) for c in missing)} column")
    events = events.dropna(subset=["customer_id", "timestamp", "stage"])
    if events.empty:
        raise Unavailable("the events table has no event with a customer, a time and a stage")
    return events.assign(stage=events["stage"].astype("str"))


def _default_stages(events: pd.DataFrame) -> dict[str, int]:
    """Position of each default stage; Unavailable when the log uses other stage names."""
    unknown = sorted(set(events["stage"]) - set(DEFAULT_STAGES))
    if unknown:
        more = f" and {len(unknown) - 3:,} more" if len(unknown) > 3 else ""
        raise Unavailable(
            "this exercise uses the default stages (awareness … loyalty); the log names "
            "activities of its own ("
            + ", ".join(repr(s) for s in unknown[:3])
            + more
            + "), whose funnel the chapter infers or reads from stages: in cxlab.yml"
        )
    return {s: i for i, s in enumerate(DEFAULT_STAGES)}


def _needs_stage(events: pd.DataFrame, *stages: str) -> None:
    for stage in stages:
        if not (events["stage"] == stage).any():
            raise Unavailable(f"the event log has no {stage!r} stage")


def _latest_year_purchases(bundle: Bundle) -> pd.DataFrame:
    events = _events(bundle)
    _needs_stage(events, "purchase")
    year = events["timestamp"].dt.year.max()
    return events[(events["stage"] == "purchase") & (events["timestamp"].dt.year == year)]


def _customers_at_purchase(bundle: Bundle) -> int:
    return int(_latest_year_purchases(bundle)["customer_id"].nunique())


def _purchase_events(bundle: Bundle) -> int:
    return len(_latest_year_purchases(bundle))


def _customers_at_purchase_all_years(bundle: Bundle) -> int:
    events = _events(bundle)
    _needs_stage(events, "purchase")
    return int(events.loc[events["stage"] == "purchase", "customer_id"].nunique())


def _days_mean(bundle: Bundle) -> float:
    events = _events(bundle)
    _needs_stage(events, "purchase", "service")
    first = (
        events[events["stage"].isin(["purchase", "service"])]
        .groupby(["customer_id", "stage"])["timestamp"]
        .min()
        .unstack("stage")
        .dropna()
    )
    gap = first["service"] - first["purchase"]
    gap = gap[gap > pd.Timedelta(0)]
    if gap.empty:
        raise Unavailable("no customer has a service event after their first purchase")
    return float(gap.dt.total_seconds().mean() / 86400)


def _biggest_drop(bundle: Bundle) -> list[str]:
    """Return the step up to the sale that keeps the smallest share of the customers."""
    events = _events(bundle)
    order = _default_stages(events)
    furthest = events["stage"].map(order).groupby(events["customer_id"]).max()
    reached = [int((furthest >= k).sum()) for k in range(order[SALE] + 1)]
    steps = [(reached[k] / reached[k - 1], k) for k in range(1, len(reached)) if reached[k - 1] > 0]
    if not steps:
        raise Unavailable("no customer gets past the first stage")
    _, k = min(steps)
    return [DEFAULT_STAGES[k - 1], DEFAULT_STAGES[k]]


def _most_common_path(bundle: Bundle) -> list[str]:
    events = _events(bundle)
    order = _default_stages(events)
    ordered = events.assign(_rank=events["stage"].map(order)).sort_values(
        ["customer_id", "timestamp", "_rank"], kind="stable"
    )
    new_run = (ordered["stage"] != ordered["stage"].shift()) | (
        ordered["customer_id"] != ordered["customer_id"].shift()
    )
    runs = ordered[new_run]
    paths = runs.groupby("customer_id", sort=True)["stage"].agg(" → ".join)
    counts = paths.value_counts()
    top = counts[counts == counts.max()]
    if len(top) > 1:
        raise Unavailable("two or more paths are equally common, so there is no single answer")
    return str(top.index[0]).split(" → ")


def _days_purchase_to_service(bundle: Bundle) -> float:
    events = _events(bundle)
    _needs_stage(events, "purchase", "service")
    first = (
        events[events["stage"].isin(["purchase", "service"])]
        .groupby(["customer_id", "stage"])["timestamp"]
        .min()
        .unstack("stage")
        .dropna()
    )
    gap = first["service"] - first["purchase"]
    gap = gap[gap > pd.Timedelta(0)]
    if gap.empty:
        raise Unavailable("no customer has a service event after their first purchase")
    return float(gap.dt.total_seconds().median() / 86400)


def _csat_by_touchpoint(bundle: Bundle, *, latest: bool) -> tuple[pd.Series, pd.Series]:
    """Satisfied counts and answers per touchpoint (30 or more answers), latest year or all."""
    responses = bundle.responses
    missing = [c for c in ("touchpoint", "csat", "date") if c not in responses]
    if missing:
        raise Unavailable(f"the responses table has no {', '.join(map(repr, missing))} column")
    answered = responses.dropna(subset=["touchpoint", "csat"])
    if latest:
        years = pd.to_datetime(answered["date"]).dt.year
        answered = answered[years == years.max()]
    satisfied = answered["csat"].astype("float64") >= bundle.config.csat_scale.satisfied_threshold
    groups = satisfied.groupby(answered["touchpoint"].astype(str))
    k, n = groups.sum().astype(int), groups.size()
    keep = n.index[n >= MIN_ANSWERS]
    if len(keep) < 2:
        raise Unavailable(f"fewer than two touchpoints have {MIN_ANSWERS} or more CSAT answers")
    return k[keep], n[keep]


def _mapped_pain_point(bundle: Bundle) -> str:
    """Return the draft map's second pain point: the second-lowest share satisfied, all years."""
    k, n = _csat_by_touchpoint(bundle, latest=False)
    return str((k / n).sort_values(kind="stable").index[1])


def _map_pain_point_holds(bundle: Bundle) -> str:
    """Apply the rule to the latest year: "yes" when the map's touchpoint stands out below."""
    claim = _mapped_pain_point(bundle)
    k, n = _csat_by_touchpoint(bundle, latest=True)
    if claim not in n.index:
        return "no"
    rest = (k.sum() - k[claim]) / (n.sum() - n[claim])
    return "yes" if wilson95(int(k[claim]), int(n[claim]))[1] < rest else "no"


def _map_pain_point_by_points(bundle: Bundle) -> str:
    claim = _mapped_pain_point(bundle)
    k, n = _csat_by_touchpoint(bundle, latest=True)
    return "yes" if claim in n.index and (k / n).idxmin() == claim else "no"


QUIZ = Quiz(
    (
        Question(
            "What should a persona on a journey map be built from?",
            (
                Option(
                    "The acquisition channel alone",
                    "A channel says how customers arrived, not what they need or feel; "
                    "personas also need needs, motives and circumstances.",
                ),
                Option(
                    "A group of real customers who share needs, goals and circumstances",
                    "A persona is a composite of a real segment, grounded in data and in "
                    "listening to customers.",
                ),
                Option(
                    "The owner's idea of the ideal customer",
                    "That maps the business's hopes, not its customers' experience.",
                ),
            ),
            answer="b",
        ),
        Question(
            "Checkout's CSAT gap is −0.40 of the scale and its CES gap −0.28. Its impact is...",
            (
                Option(
                    "−0.68",
                    "Adding the gaps counts one problem twice: the same customers answered "
                    "both questions about the same moment.",
                ),
                Option("−0.40", "The worst single flagged gap, as a share of its scale."),
                Option("−0.28", "That is the smaller gap; impact takes the worse one."),
            ),
            answer="b",
        ),
        Question(
            "A real-time alert for a touchpoint should fire when...",
            (
                Option(
                    "any single answer is below 3",
                    "One unhappy answer is normal; an alert on each would drown the owner.",
                ),
                Option(
                    "the rolling score of its recent answers falls below control limits set "
                    "from its own baseline",
                    "The limits say how far a window of w answers can drift by chance; "
                    "beyond them something has changed.",
                ),
                Option(
                    "its monthly score is lower than last month's",
                    "Month-to-month changes are mostly noise, and a month is too slow to be "
                    "called real time.",
                ),
            ),
            answer="b",
        ),
    )
)


journey = register(
    ExerciseSet(
        "03",
        (
            Exercise(
                1,
                "customers with a purchase event in the latest year",
                _customers_at_purchase,
                requires=("events",),
                why="Each customer counts once however many purchases they made. The funnel's "
                "'visited' column holds the same number; its 'customers' column can be larger, "
                "because it also counts customers seen only at later stages.",
                hint="Keep the events whose stage is 'purchase' and whose timestamp falls in the "
                "latest calendar year of the log, and count the distinct customer_id values "
                "(nunique), not the rows.",
                mistakes=(
                    Mistake(
                        "counted purchase events rather than distinct customers",
                        _purchase_events,
                        why="A customer who bought three times counts once: use .nunique().",
                    ),
                    Mistake(
                        "counted every year of the log",
                        _customers_at_purchase_all_years,
                        why="Keep the latest calendar year of the timestamps first.",
                    ),
                ),
            ),
            Exercise(
                2,
                f"step before the sale with the biggest drop-off, customers in {REGION}",
                within(CUSTOMERS, _biggest_drop),
                requires=("events",),
                why="This is where the way to a first sale loses the largest share of the "
                "customers who got that far — the first place to look for a missing nudge. A "
                "region's funnel can leak at another step than the whole base's.",
                hint=f"Keep the events of the customers whose region is {REGION!r} in the "
                "customers table. Use the funnel's rule: a customer counts at a stage when their "
                "furthest stage is that stage or a later one. Compare the counts at awareness, "
                "consideration and purchase, each with the one before, and answer with a list "
                "of two stage names, e.g. ['purchase', 'service'].",
                mistakes=(
                    Mistake(
                        f"used every customer, not only those in {REGION}",
                        _biggest_drop,
                        why=f"Keep the events of the customers whose region is {REGION!r} first.",
                    ),
                ),
            ),
            Exercise(
                3,
                f"most common path of the customers in {REGION}",
                within(CUSTOMERS, _most_common_path),
                requires=("events",),
                why="Process mining calls a path a variant; a handful of variants usually cover "
                "most customers, and the most common one is the journey the business actually "
                "runs — which is often not the one drawn in a workshop, nor the same in every "
                "region.",
                hint=f"Keep the events of the customers in {REGION}, sort each customer's events "
                "by time, merge consecutive repeats of a stage, join the stages into one path "
                "per customer and count the paths; answer with the list of stages in order.",
                mistakes=(
                    Mistake(
                        f"used every customer, not only those in {REGION}",
                        _most_common_path,
                        why=f"Keep the events of the customers whose region is {REGION!r} first.",
                    ),
                ),
            ),
            Exercise(
                4,
                "median days from first purchase to first service",
                _days_purchase_to_service,
                requires=("events",),
                tolerance=0.5,
                why="Durations are skewed — most customers move on quickly and a few take months "
                "— so the median describes the typical customer better than the mean.",
                hint="Per customer, take the earliest purchase and the earliest service "
                "timestamp, keep customers whose first service comes after their first "
                "purchase, and take the median difference in days (total_seconds() / 86400); "
                "answers within half a day count.",
                mistakes=(
                    Mistake(
                        "took the mean instead of the median",
                        _days_mean,
                        why="A few customers who wait months pull the mean up; the median is "
                        "the typical customer.",
                    ),
                ),
            ),
            Exercise(
                5,
                "does the draft map's second pain point hold in the latest year",
                _map_pain_point_holds,
                requires=("responses",),
                why="A map can hold more than one pain point, and a map drawn from every year "
                "can carry an old problem forward. The rule keeps a pain point on the map while "
                "the data show it now: the top of its 95 % interval in the latest year is below "
                "the share satisfied at the other touchpoints that year — whether or not "
                "another touchpoint is lower still.",
                hint="Find the touchpoint with the second-lowest share satisfied over all years "
                "(the draft's second pain point). In the latest year, take its 95 % Wilson "
                "interval and the pooled share satisfied of the other touchpoints (30 or more "
                'answers each); answer "yes" if the upper bound is below that share, else "no".',
                mistakes=(
                    Mistake(
                        "kept only the touchpoint with the lowest share that year, without "
                        "the intervals",
                        _map_pain_point_by_points,
                        why="A touchpoint is a pain point when its whole interval lies below the "
                        "other touchpoints, even if another one is lower still.",
                    ),
                ),
            ),
            Exercise(
                6,
                "median days from first purchase to first service at the saas demo",
                on_demo("saas", _days_purchase_to_service),
                requires=("events",),  # the chapter's own tables, as every exercise
                tolerance=0.5,
                why="The same method on another business gives another rhythm: a subscription "
                "starts its service soon after the sale, a shop only when something goes wrong.",
                hint='Load cxlab.datasets.load_demo("saas") and repeat exercise 4 on its events.',
                mistakes=(
                    Mistake(
                        "used the chapter's client instead of the saas demo",
                        _days_purchase_to_service,
                        why='Load the second client with cxlab.datasets.load_demo("saas").',
                    ),
                ),
            ),
        ),
        quiz=QUIZ,
    )
)
