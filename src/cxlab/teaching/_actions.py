"""Chapter 09 · proactive service: the exercises on follow-ups, consent and weekly demand.

Every expected answer is computed here with plain pandas from the learner's bundle, not by
calling :mod:`cxlab.actions`, so a check is an independent second calculation. The questions ask
for numbers the chapter does not print: detractors in one half-year, customers who may receive
marketing, the busiest week. Each exercise lists the wrong answers learners predictably give
(answers counted instead of customers, consent counted over every sign-up year, the week with
the most revenue instead of the most orders, weeks labelled by their Sunday).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from cxlab.teaching._core import (
    Exercise,
    ExerciseSet,
    Mistake,
    Option,
    Question,
    Quiz,
    Unavailable,
    register,
)

if TYPE_CHECKING:  # pragma: no cover
    from cxlab.contract.bundle import Bundle

__all__ = ["actions"]


def _half_year_answers(bundle: Bundle, *, worst: int = 6) -> pd.Series:
    r = bundle.responses
    if "nps" not in r or "customer_id" not in r or "date" not in r or r["date"].isna().all():
        raise Unavailable("the responses need nps, customer_id and date columns")
    nps = pd.to_numeric(r["nps"], errors="coerce")
    when = r["date"]
    keep = (nps <= worst) & when.ge("2025-01-01") & when.lt("2025-07-01")
    ids = r.loc[keep, "customer_id"].astype("string").str.strip()
    return ids[ids.notna() & (ids != "")]


def _identified_detractors_2025h1(bundle: Bundle) -> int:
    return int(_half_year_answers(bundle).nunique())


def _detractor_answers_2025h1(bundle: Bundle) -> int:
    """Count answers, not customers (the mistake: a customer who answered twice counts twice)."""
    return len(_half_year_answers(bundle))


def _passives_too_2025h1(bundle: Bundle) -> int:
    """Count passives (7 and 8) as detractors too (the mistake)."""
    return int(_half_year_answers(bundle, worst=8).nunique())


#: The sign-up year whose customers exercise 2 asks about (the chapter counts everyone).
SIGNUP_YEAR = 2025


def _consent_column(bundle: Bundle, *, every_year: bool = False) -> pd.Series:
    col = bundle.config.consent
    c = bundle.customers
    if not col or col not in c:
        raise Unavailable("the data record no marketing consent (consent: in cxlab.yml)")
    if "signup_date" not in c or c["signup_date"].isna().all():
        raise Unavailable("the customers table has no sign-up dates")
    return c[col] if every_year else c.loc[c["signup_date"].dt.year == SIGNUP_YEAR, col]


def _consenting(bundle: Bundle) -> int:
    return int(_consent_column(bundle).eq(True).sum())


def _consenting_every_year(bundle: Bundle) -> int:
    """Count the consenting customers of every sign-up year (the mistake)."""
    return int(_consent_column(bundle, every_year=True).eq(True).sum())


def _refusing(bundle: Bundle) -> int:
    """Count the customers who said no, the complement (the mistake)."""
    return int(_consent_column(bundle).eq(False).sum())


def _orders(bundle: Bundle, *, lines: bool = False) -> pd.DataFrame:
    tx = bundle.transactions
    if tx is None or "order_id" not in tx or tx["date"].isna().all():
        raise Unavailable("the transactions need dates and order ids")
    bought = tx[tx["amount"] > 0].dropna(subset=["date", "order_id"])
    return bought if lines else bought.drop_duplicates("order_id")


def _top_monday(rows: pd.DataFrame, *, weight: str | None = None) -> pd.Timestamp:
    monday = rows["date"].dt.normalize() - pd.to_timedelta(rows["date"].dt.day_of_week, "D")
    if weight is None:
        counts = monday.value_counts()
    else:
        counts = rows[weight].groupby(monday).sum().sort_values(ascending=False)
    if len(counts) > 1 and counts.iloc[0] == counts.iloc[1]:
        raise Unavailable("two weeks tie for the most orders")
    return counts.index[0]


def _busiest_week(bundle: Bundle) -> pd.Timestamp:
    return _top_monday(_orders(bundle))


def _busiest_week_by_revenue(bundle: Bundle) -> pd.Timestamp:
    """Take the week with the most revenue, so a few large orders weigh most (the mistake)."""
    return _top_monday(_orders(bundle, lines=True), weight="amount")


def _busiest_week_sunday(bundle: Bundle) -> pd.Timestamp:
    """Label the week by its Sunday, as ``resample("W")`` does (the mistake)."""
    return _busiest_week(bundle) + pd.Timedelta(days=6)


QUIZ = Quiz(
    (
        Question(
            "A detractor answered two surveys in a month, both with NPS 3. How many rows does "
            "the follow-up queue give them?",
            (
                Option(
                    "Two, one per answer",
                    "Two calls to the same person about the same trouble look disorganised; "
                    "the queue is one row per customer.",
                ),
                Option(
                    "One, with both reasons",
                    "Right: one customer, one call, carrying everything they told us.",
                ),
                Option(
                    "None, because they answered twice",
                    "Answering twice is a stronger signal, not a reason to drop them.",
                ),
            ),
            answer="b",
        ),
        Question(
            "On the 13 held-out weeks, the model's mean absolute error is 41 orders and the "
            "seasonal-naive forecast's is 35. What do you plan staff with?",
            (
                Option(
                    "The model: it has intervals",
                    "Intervals around a forecast that loses to the baseline do not make it better.",
                ),
                Option(
                    "The seasonal-naive forecast, until a model beats it on unseen weeks",
                    "Right: a method earns its place by beating the simple baseline.",
                ),
                Option(
                    "The average of the last 13 weeks",
                    "That ignores the season, which is why the seasonal-naive baseline exists.",
                ),
            ),
            answer="b",
        ),
        Question(
            "A valuable customer at high churn risk gave no marketing consent and reported a "
            "failed delivery last week. What is their next-best-action?",
            (
                Option(
                    "A retention offer by e-mail",
                    "An offer is marketing; without consent it may not be sent.",
                ),
                Option(
                    "No action, since there is no consent",
                    "Consent governs marketing; putting right a problem with their own order "
                    "is service.",
                ),
                Option(
                    "A service-recovery call about the failed delivery",
                    "Right: a call about their own order is service, allowed without "
                    "marketing consent, and it addresses the reason they may leave.",
                ),
            ),
            answer="c",
        ),
        Question(
            "Why does the CRM export put a quote before a comment that starts with '='?",
            (
                Option(
                    "A spreadsheet would run it as a formula, which can leak data or run commands",
                    "Right: formula injection through exported text is a known attack; the "
                    "quote makes the cell plain text.",
                ),
                Option(
                    "To make the file smaller",
                    "A quote adds a character; the reason is safety.",
                ),
                Option(
                    "Because the CRM cannot read the equals sign",
                    "CRMs read it fine; the danger is the spreadsheet someone opens the file in.",
                ),
            ),
            answer="a",
        ),
    )
)


actions = register(
    ExerciseSet(
        "09",
        (
            Exercise(
                1,
                "identified customers who were detractors in the first half of 2025",
                _identified_detractors_2025h1,
                requires=("responses",),
                why="A detractor answers NPS 0 to 6; only answers that carry a customer id can be "
                "followed up, and a customer who answered twice is one call, not two.",
                hint="Keep answers dated 1 January to 30 June 2025 with nps <= 6 and a "
                "customer_id, then count distinct customer_id values (not answers).",
                mistakes=(
                    Mistake(
                        "counted answers rather than customers",
                        _detractor_answers_2025h1,
                        why="A customer who answered twice is one call: use .nunique() on "
                        "customer_id.",
                    ),
                    Mistake(
                        "counted passives (7 and 8) as detractors",
                        _passives_too_2025h1,
                        why="Detractors answer 0 to 6; keep nps <= 6.",
                    ),
                ),
            ),
            Exercise(
                2,
                f"customers who signed up in {SIGNUP_YEAR} and may receive a marketing action",
                _consenting,
                requires=("customers",),
                why="Only customers whose consent column is True may get marketing; a blank is not "
                "a yes. Service contacts about their own account are a different matter.",
                hint="Keep the customers whose signup_date falls in "
                f"{SIGNUP_YEAR}, read the consent column's name from bundle.config.consent and "
                "count those where it equals True (blanks do not count).",
                mistakes=(
                    Mistake(
                        f"counted the consenting customers of every sign-up year, not only "
                        f"{SIGNUP_YEAR}",
                        _consenting_every_year,
                        why=f"Keep the customers whose signup_date falls in {SIGNUP_YEAR} first.",
                    ),
                    Mistake(
                        "counted the customers who refused",
                        _refusing,
                        why="The question asks who may be contacted: consent equal to True.",
                    ),
                ),
            ),
            Exercise(
                3,
                "the Monday of the week with the most orders",
                _busiest_week,
                requires=("transactions",),
                why="Staffing plans start from the busiest week, and the work comes in orders: "
                "count orders (distinct order ids among positive amounts), not lines or money — "
                "a basket of three items is one order, and one large order is not three times "
                "the work of a small one.",
                hint="Drop duplicate order_id among lines with amount > 0, move each date back to "
                "its Monday (date - day_of_week days), count per Monday, and take the largest.",
                mistakes=(
                    Mistake(
                        "took the week with the most revenue rather than the most orders",
                        _busiest_week_by_revenue,
                        why="Staff serve orders, not pounds: a week of a few large orders can "
                        "bring the most money with less work. Count distinct order ids.",
                    ),
                    Mistake(
                        "gave the Sunday that ends the week, as resample('W') labels it",
                        _busiest_week_sunday,
                        why="resample('W') labels each week by its last day; give the Monday "
                        "(or use resample('W-MON', label='left', closed='left')).",
                    ),
                ),
            ),
        ),
        quiz=QUIZ,
    )
)
