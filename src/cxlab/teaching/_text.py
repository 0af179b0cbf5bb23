"""Chapter 07 · voice of the customer: exercises on comments, sentiment, impact and reviews.

The chapter scores the client's comments with :mod:`cxlab.text` and reads themes, mismatches
and competitor reviews from them. The exercises ask for numbers the chapter does not print:
the NPS of the customers who stayed silent, the NPS points that negative comments cost, the
detractors whose comment sounds happy at a looser threshold, the client's recent one- and
two-star reviews, and a judgement on which touchpoint to fix, asked of a quarter the chapter
does not break down.

Sentiment labels come from :func:`cxlab.text.sentiment` — scoring text by hand is not the
point here — and everything else is plain pandas on the bundle, so a check is a second,
independent calculation of what the chapter computes with the package.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from cxlab import stats
from cxlab.teaching._core import (
    Exercise,
    ExerciseSet,
    Mistake,
    Option,
    Question,
    Quiz,
    Unavailable,
    quarter_back,
    register,
    share_for_percent,
    within,
)

if TYPE_CHECKING:  # pragma: no cover
    from cxlab.contract.bundle import Bundle

__all__ = ["text"]

#: The looser threshold of exercise 3 (the chapter flags mismatches at 0.5).
STRICT = 0.3

#: The window of exercise 4, in months before the latest date.
RECENT_MONTHS = 6

#: The quarter exercise 5 judges: seven before the latest, the first of the demo's two years.
QUARTER = quarter_back(7)

#: Scored comments a touchpoint needs to be judged in exercise 5.
MIN_COMMENTS = 10


def _nps(scores: pd.Series) -> float:
    s = pd.to_numeric(scores, errors="coerce").dropna()
    if s.empty:
        raise Unavailable("no NPS answers to compute an NPS from")
    return float(100 * ((s >= 9).mean() - (s <= 6).mean()))


def _survey(bundle: Bundle) -> pd.DataFrame:
    r = bundle.responses
    if "comment" not in r or "nps" not in r:
        raise Unavailable("the responses need both a 'comment' and an 'nps' column")
    commented = r["comment"].map(lambda v: isinstance(v, str) and bool(v.strip()))
    return r.assign(commented=commented)


def _silent_nps(bundle: Bundle) -> float:
    r = _survey(bundle)
    return _nps(r.loc[~r["commented"], "nps"])


def _all_nps(bundle: Bundle) -> float:
    return _nps(_survey(bundle)["nps"])


def _commenters_nps(bundle: Bundle) -> float:
    r = _survey(bundle)
    return _nps(r.loc[r["commented"], "nps"])


def _scored(bundle: Bundle, *, plain: bool = False) -> pd.DataFrame:
    """Commenters with an NPS answer and the label and compound score of their comment."""
    from cxlab import text as cx_text  # loads VADER's lexicon: only when an exercise is checked

    r = _survey(bundle)
    r = r[r["commented"] & pd.to_numeric(r["nps"], errors="coerce").notna()]
    scores = (cx_text.plain_vader if plain else cx_text.sentiment)(r["comment"])
    out = r.join(scores)
    out = out[out["label"].notna()]
    if len(out) < 2:
        raise Unavailable("fewer than two scored comments with an NPS answer")
    return out


def _negative_cost(bundle: Bundle) -> float:
    s = _scored(bundle)
    negative = s["label"] == "negative"
    if negative.all() or not negative.any():
        raise Unavailable("the comments are all negative or none is")
    return _nps(s["nps"]) - _nps(s.loc[~negative, "nps"])


def _negative_gap(bundle: Bundle) -> float:
    s = _scored(bundle)
    negative = s["label"] == "negative"
    return _nps(s.loc[negative, "nps"]) - _nps(s.loc[~negative, "nps"])


def _negative_cost_flipped(bundle: Bundle) -> float:
    return -_negative_cost(bundle)


def _glowing_detractors(bundle: Bundle, *, strong: float = STRICT, plain: bool = False) -> int:
    s = _scored(bundle, plain=plain)
    return int(((pd.to_numeric(s["nps"]) <= 6) & (s["compound"] >= strong)).sum())


def _recent_reviews(bundle: Bundle, *, client_only: bool = True, recent: bool = True) -> float:
    rv = bundle.reviews.dropna(subset=["rating"])
    if client_only:
        if "business" not in rv or bundle.name not in set(rv["business"].astype(str)):
            raise Unavailable(f"no review in the reviews table is of {bundle.name!r}")
        rv = rv[rv["business"].astype(str) == bundle.name]
    if recent:
        if "date" not in rv or rv["date"].isna().all():
            raise Unavailable("the reviews are undated")
        start = rv["date"].max() - pd.DateOffset(months=RECENT_MONTHS)
        rv = rv[rv["date"] > start]
    if rv.empty:
        raise Unavailable("no reviews to count")
    return float(100 * (pd.to_numeric(rv["rating"]) <= 2).mean())


def _touchpoint_to_fix(bundle: Bundle, *, interval: bool = True) -> str:
    """Return the touchpoint whose negative share is above all comments' beyond chance.

    With ``interval=False`` (the mistake) a share above the overall one is enough.
    """
    from cxlab import text as cx_text

    r = bundle.responses
    if "touchpoint" not in r or "comment" not in r:
        raise Unavailable("the responses need a 'touchpoint' and a 'comment' column")
    s = r.join(cx_text.sentiment(r["comment"]))
    s = s[s["label"].notna()]
    overall = (s["label"] == "negative").mean()  # of every scored comment, named or not
    s = s[s["touchpoint"].notna()]
    if s.empty:
        raise Unavailable("no scored comment names a touchpoint")
    above = []
    for touchpoint, g in s.groupby("touchpoint", observed=True):
        k = int((g["label"] == "negative").sum())
        if len(g) < MIN_COMMENTS:
            continue
        low = stats.wilson(k, len(g), 0.95)[0] if interval else k / len(g)
        if low > overall:
            above.append((k / len(g), str(touchpoint)))
    return max(above)[1] if above else "none"


text = register(
    ExerciseSet(
        "07",
        (
            Exercise(
                1,
                "NPS of the respondents who left no comment",
                _silent_nps,
                requires=("responses",),
                tolerance=0.5,
                why="Customers who write are not a random sample: comparing the silent "
                "respondents' NPS with the commenters' tells how far the comments speak for "
                "everyone. A comment is a text that is not blank.",
                hint="Keep the responses whose comment is missing or blank, then NPS = 100 × "
                "(share of answers 9–10 − share of answers 0–6) among their NPS answers.",
                mistakes=(
                    Mistake(
                        "computed the NPS of all respondents",
                        solve=_all_nps,
                        why="Leave out every response that carries a comment first.",
                    ),
                    Mistake(
                        "computed the NPS of the commenters instead of the silent ones",
                        solve=_commenters_nps,
                        why="The question is about the responses without a comment.",
                    ),
                    Mistake(
                        "gave a share (−1 to 1) instead of NPS points",
                        solve=lambda b: _silent_nps(b) / 100,
                        why="NPS is in points from −100 to 100: multiply by 100.",
                    ),
                ),
            ),
            Exercise(
                2,
                "NPS points that negative comments cost",
                _negative_cost,
                requires=("responses",),
                tolerance=0.5,
                why="This is the theme-impact formula with 'negative comment' as the theme: the "
                "NPS of the commenters minus the NPS of those whose comment is not negative — "
                "how much higher the score would be if nobody had a reason to complain.",
                hint="Score the comments with cxlab.text.sentiment, keep the commenters with an "
                "NPS answer, and subtract the NPS of the non-negative ones from the NPS of all of "
                "them. The answer is negative when negative comments pull the score down.",
                mistakes=(
                    Mistake(
                        "compared the negative commenters with the others (the raw gap)",
                        solve=_negative_gap,
                        why="The impact is overall NPS minus NPS without them; the raw gap "
                        "ignores how few or many people wrote negatively.",
                    ),
                    Mistake(
                        "subtracted the other way round",
                        solve=_negative_cost_flipped,
                        why="Overall minus without: a cost comes out negative.",
                    ),
                ),
            ),
            Exercise(
                3,
                f"detractors whose comment scores at or above +{STRICT}",
                _glowing_detractors,
                requires=("responses",),
                why="A looser threshold than the chapter's flags more detractors whose words "
                "sound happier than their score: the threshold decides how long the call list "
                "gets, so choose it with the time the team has for calls.",
                hint="Score the comments with cxlab.text.sentiment and count the commenters with "
                f"an NPS of 0 to 6 whose compound is at least {STRICT}.",
                mistakes=(
                    Mistake(
                        "used the chapter's threshold of 0.5",
                        solve=lambda b: _glowing_detractors(b, strong=0.5),
                        why=f"This exercise asks for {STRICT}, which flags more comments.",
                    ),
                    Mistake(
                        "scored the comments with plain VADER",
                        solve=lambda b: _glowing_detractors(b, plain=True),
                        why="Use cxlab.text.sentiment: plain VADER misreads service phrases "
                        "such as 'no problems' and 'far too long'.",
                    ),
                ),
            ),
            Exercise(
                4,
                f"the client's 1–2 star reviews in the latest {RECENT_MONTHS} months",
                _recent_reviews,
                requires=("reviews",),
                tolerance=0.5,
                why="Recent reviews are what a prospective customer reads first; a share of "
                "one- and two-star reviews well above the long-run share is an early warning.",
                hint="Keep the reviews whose business is the client (bundle.name) and whose date "
                f"is after the latest review date minus {RECENT_MONTHS} months "
                "(pd.DateOffset), then take the percentage with a rating of 1 or 2.",
                mistakes=(
                    Mistake(
                        "counted every business's reviews, competitors included",
                        solve=lambda b: _recent_reviews(b, client_only=False),
                        why="Keep only the rows whose business is the client.",
                    ),
                    Mistake(
                        "used all the client's reviews, not only the latest months",
                        solve=lambda b: _recent_reviews(b, recent=False),
                        why=f"Keep the reviews of the last {RECENT_MONTHS} months only.",
                    ),
                    share_for_percent(lambda b: _recent_reviews(b)),
                ),
            ),
            Exercise(
                5,
                "the touchpoint to fix first, seven quarters before the latest (judgement)",
                within(QUARTER, _touchpoint_to_fix),
                requires=("responses",),
                why="A touchpoint earns a fix of its own only when its share of negative "
                "comments is above the share of all comments beyond chance — its whole 95 % "
                "interval above it; a higher share inside the noise does not. A single quarter "
                "holds few comments per touchpoint, so the rule often finds none: that is an "
                "answer too, and the right one to give the owner rather than a guess.",
                hint="Keep the scored comments dated in that quarter (pd.Period(date, 'Q') "
                "equal to the latest quarter minus 7); for each touchpoint with at least "
                f"{MIN_COMMENTS} of them compute the negative share and its Wilson interval "
                "(cxlab.stats.wilson); of those whose lower end is above the share of all the "
                "quarter's scored comments, take the highest share. Answer 'none' if none "
                "qualifies.",
                mistakes=(
                    Mistake(
                        "used the whole period instead of that quarter",
                        solve=_touchpoint_to_fix,
                        why="Keep only the comments dated in the quarter seven before the latest.",
                    ),
                    Mistake(
                        "took a share above the quarter's overall share without checking its "
                        "interval",
                        solve=within(QUARTER, lambda b: _touchpoint_to_fix(b, interval=False)),
                        why="A share a little above the overall one can be chance with a few "
                        "dozen comments: the interval's lower end must clear it.",
                    ),
                ),
            ),
        ),
        quiz=Quiz(
            (
                Question(
                    "Why does plain VADER score “I had no issues with the checkout” as negative?",
                    (
                        Option(
                            "Its lexicon rates 'no' and 'issues' as negative, and no rule "
                            "reads 'no issues' as praise",
                            "Right: a lexicon scores words; a negated problem needs a rule.",
                        ),
                        Option(
                            "It was trained on too few shop reviews",
                            "VADER is not trained on examples; it adds up rated words.",
                        ),
                        Option(
                            "It cannot handle sentences without an exclamation mark",
                            "Punctuation only strengthens a score; it does not set its sign.",
                        ),
                    ),
                    answer="a",
                ),
                Question(
                    "A theme's impact is −8 NPS points (95 % interval −11 to −5). What does "
                    "that say?",
                    (
                        Option(
                            "Those who mention it have an NPS 8 points below the rest",
                            "That is the raw gap; the impact also weighs how many mention it.",
                        ),
                        Option(
                            "Without the respondents who mention it, the NPS would be about "
                            "8 points higher",
                            "Right: overall NPS minus the NPS of those who do not mention it.",
                        ),
                        Option(
                            "Fixing the theme will raise the NPS by exactly 8 points",
                            "It is an association in past answers, not a promise: a fix may "
                            "win back some of the points, not all.",
                        ),
                    ),
                    answer="b",
                ),
                Question(
                    "A promoter (score 10) writes a strongly negative comment. What is the "
                    "best next step?",
                    (
                        Option(
                            "Ignore it: the score is what counts",
                            "The comment may name a problem that will cost the customer later.",
                        ),
                        Option(
                            "Re-code the answer as a detractor",
                            "Changing answers falsifies the survey; the score is theirs.",
                        ),
                        Option(
                            "Call them: they may have forgiven a problem once, or misread the "
                            "scale",
                            "Right: a mismatch is worth a personal conversation.",
                        ),
                    ),
                    answer="c",
                ),
                Question(
                    "Your negative-review share is 12 % and a competitor's 15 %, and the "
                    "95 % intervals overlap. What can you tell the owner?",
                    (
                        Option(
                            "We are clearly better than the competitor",
                            "The intervals overlap: the gap may be chance.",
                        ),
                        Option(
                            "The difference may be chance; keep watching as reviews come in",
                            "Right: say what the data support and no more.",
                        ),
                        Option(
                            "Reviews are worthless for comparisons",
                            "They are biased (who writes reviews), but the comparison is "
                            "still informative when the gap is beyond chance.",
                        ),
                    ),
                    answer="b",
                ),
            )
        ),
    )
)
