"""Containers for a generated demo and the ground truth planted in it."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from cxlab.datasets._costs import CostsTruth

__all__ = [
    "Affinity",
    "ChurnTruth",
    "DemoData",
    "DriverTruth",
    "PiiString",
    "PlantedTruth",
    "SeasonalityTruth",
    "UnfairTruth",
]


@dataclass(frozen=True)
class ChurnTruth:
    """How churn was planted.

    Parameters
    ----------
    rule : {"inactive_days", "label"}
        How the bundle declares churn (``churn:`` in ``cxlab.yml``).
    inactive_days : int or None
        The inactivity threshold, for ``rule == "inactive_days"``.
    coefficients : dict of str to float
        Log-odds coefficients of the logistic churn model: ``intercept``, ``csat`` (per point of
        the customer's expected CSAT above ``csat_ref``), ``ces`` (per point of expected CES
        above ``ces_ref``; higher CES is easier), ``support`` (per support contact), and one
        ``segment:<key>`` or ``<column>:<value>`` entry per shifted group.
    csat_ref, ces_ref : float
        Reference levels the CSAT and CES terms are centred on.
    description : str
        The model in words.
    """

    rule: str
    inactive_days: int | None
    coefficients: dict[str, float]
    csat_ref: float
    ces_ref: float
    description: str


@dataclass(frozen=True)
class SeasonalityTruth:
    """The planted seasonal pattern.

    Parameters
    ----------
    measure : {"transactions", "signups"}
        What follows the pattern: transaction dates, or new accounts (``signup_date``).
    month_weights : tuple of float
        Relative weight of each calendar month, January first (1.0 = an ordinary month).
    peak_months : tuple of int
        The month numbers that peak.
    description : str
        The pattern and its amplitude in words.
    """

    measure: str
    month_weights: tuple[float, ...]
    peak_months: tuple[int, ...]
    description: str


@dataclass(frozen=True)
class UnfairTruth:
    """The one planted unfair outcome.

    Parameters
    ----------
    column : str
        Boolean customers column holding the outcome.
    attribute, group : str
        Sensitive attribute and the group that receives the outcome less often at equal spend.
    control : str
        A sensitive attribute with no planted gap.
    odds_ratio : float
        Odds of the outcome for the group relative to others at equal spend.
    coefficients : dict of str to float
        ``intercept``, ``value`` (per standard deviation of log net spend among buying
        customers) and ``gap`` (for the group) of the logistic model.
    rate_group, rate_others : float
        Realised rates among buying customers.
    description : str
        What the outcome is and how it was given.
    """

    column: str
    attribute: str
    group: str
    control: str
    odds_ratio: float
    coefficients: dict[str, float]
    rate_group: float
    rate_others: float
    description: str


@dataclass(frozen=True)
class DriverTruth:
    """Planted key-driver weights.

    Parameters
    ----------
    outcome : str
        The outcome column (``nps``).
    weights : dict of str to float
        Change of the outcome per point of each item, before rounding and clipping.
    """

    outcome: str
    weights: dict[str, float]

    @property
    def ranking(self) -> tuple[str, ...]:
        """Items from the most to the least important."""
        return tuple(sorted(self.weights, key=lambda k: -self.weights[k]))


@dataclass(frozen=True)
class Affinity:
    """A pair of items planted to be bought together.

    Parameters
    ----------
    antecedent, consequent : str
        Values of the transactions' ``category`` column: an order holding ``antecedent`` and
        not yet ``consequent`` gains a ``consequent`` line with probability ``probability``.
    probability : float
        Chance that such an order gains the extra line.
    description : str
        Why customers buy the two together, in words.
    """

    antecedent: str
    consequent: str
    probability: float
    description: str


@dataclass(frozen=True)
class PiiString:
    """A piece of personal data planted in a comment.

    Parameters
    ----------
    response_id : str
        The response whose comment holds it.
    kind : {"email", "phone"}
    text : str
        The exact string.
    """

    response_id: str
    kind: str
    text: str


@dataclass(frozen=True, eq=False)
class PlantedTruth:
    """Everything planted in a demo, for teaching checks and tests.

    Parameters
    ----------
    name, business : str
        Demo name and fictional business name.
    customers : pandas.DataFrame
        Hidden per-customer labels, indexed by ``customer_id``: ``segment`` (key),
        ``converted`` (ever bought), ``existing`` (joined before the period), ``churned``,
        ``churn_date``, ``churn_probability``, ``expected_csat``, ``expected_ces``,
        ``support_contacts``, ``offer_probability``.
    segments : pandas.DataFrame
        One row per true segment: label, share, description and the behaviour planted for it
        (``purchases_per_year``: orders, visits or invoices — add-on purchases for the SaaS demo,
        whose subscriptions are billed monthly; ``median_amount``: of one line before quantity,
        per head at the restaurant, per day in consulting; ``expected_csat`` at an average
        touchpoint; ``churn_shift`` in log-odds; the most common category and sales channel).
    churn : ChurnTruth
    pain_point : str
        The touchpoint with planted high effort and low satisfaction.
    touchpoints : pandas.DataFrame
        Planted CSAT, CES and NPS shifts of every surveyed touchpoint (``csat_shift``,
        ``ces_shift``, ``nps_shift``; NPS on its 0–10 answer scale), indexed by touchpoint.
    seasonality : SeasonalityTruth
    unfair : UnfairTruth
    drivers : DriverTruth
    pii : tuple of PiiString
    period : tuple of pandas.Timestamp
        First and last day of the data.
    affinities : tuple of Affinity
        Item pairs planted to be bought in one order (empty where orders hold one item).
    nps_waves : tuple of pandas.Timestamp
        Days the relationship (NPS) survey went out, one per quarter; answers arrive within
        30 days, so inside the same quarter.
    reviews : dict, optional
        What the reviews table plants: ``businesses`` (name → mean stars), ``client`` (the
        client's name among them) and ``pain_aspect`` (the vocabulary of the client's pain
        point, which about a third of its reviews of three stars or fewer are about).
    costs : CostsTruth
        What the costs table plants (cost per new customer by channel, retention spend per
        active customer falling in the second year, cost per support contact).
    """

    name: str
    business: str
    customers: pd.DataFrame
    segments: pd.DataFrame
    churn: ChurnTruth
    pain_point: str
    touchpoints: pd.DataFrame
    seasonality: SeasonalityTruth
    unfair: UnfairTruth
    drivers: DriverTruth
    pii: tuple[PiiString, ...]
    period: tuple[pd.Timestamp, pd.Timestamp]
    affinities: tuple[Affinity, ...]
    nps_waves: tuple[pd.Timestamp, ...]
    reviews: dict | None = None
    costs: CostsTruth | None = None


@dataclass(frozen=True, eq=False)
class DemoData:
    """A generated demo client.

    Parameters
    ----------
    name : str
        Demo name.
    tables : dict of str to pandas.DataFrame
        The four contract tables in canonical form (``customers``, ``transactions``,
        ``responses``, ``events``).
    config : dict
        The content of the bundle's ``cxlab.yml``.
    truth : PlantedTruth
        What was planted.
    """

    name: str
    tables: dict[str, pd.DataFrame]
    config: dict
    truth: PlantedTruth
