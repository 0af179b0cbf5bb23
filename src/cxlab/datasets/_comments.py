"""A small grammar that writes survey comments whose tone follows the scores.

Each comment is assembled from slots: an optional opener, a main clause about one aspect of the
business (the touchpoint the survey followed, or a driver item of a relationship survey), an
optional second clause that either agrees with the first or turns against it with "but", and an
optional closing remark. Every slot has many fillers at seven strengths of feeling, from ``-3``
(angry) to ``+3`` (delighted), with hedges ("a bit", "fairly") for the mild levels, intensifiers
("really", "absolutely") for the strong ones, and negations that read the right way round ("no
problems at all", "wasn't hard", "not happy with"). A little noise is added the way people type:
some comments are all lower case, some lose their final full stop, a few carry a common
misspelling. The result reads like free text and is varied enough that most comments are unique.

The vocabulary of each demo (what its aspects are called and what goes right or wrong with them)
lives in :mod:`cxlab.datasets._archetypes`; this module holds the shared grammar.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["NEGATION_PHRASES", "Aspect", "compose_comments", "level_from_score"]


@dataclass(frozen=True)
class Aspect:
    """What customers call one part of the experience and what they say about it.

    Parameters
    ----------
    nouns : tuple of str
        Ways to name it, with article where needed ("the checkout", "paying online"); all of
        the same grammatical number.
    good : tuple of str
        Predicates that praise it ("went through in seconds").
    bad : tuple of str
        Predicates that complain about it ("kept timing out").
    plural : bool
        Whether the nouns are plural ("the staff were", "they").
    person : bool
        Whether the nouns name a person ("the account manager": "they", not "it").
    """

    nouns: tuple[str, ...]
    good: tuple[str, ...]
    bad: tuple[str, ...]
    plural: bool = False
    person: bool = False


#: Negation phrases the grammar uses, with the polarity a reader (and VADER) should give them.
NEGATION_PHRASES: dict[str, int] = {
    "no problems at all": +1,
    "no complaints whatsoever": +1,
    "wasn't hard to deal with at all": +1,
    "couldn't fault": +1,
    "nothing went wrong": +1,
    "not bad at all": +1,
    "not happy with": -1,
    "not impressed by": -1,
    "wasn't good enough": -1,
    "never again, what a waste of money": -1,
    "not great": -1,
    "not sure I'll be back": -1,
}

_OPENERS = (
    "Quick feedback:",
    "Just a note.",
    "Second time here.",
    "First time trying you.",
    "Where to start.",
    "Long-time customer here.",
    "Some thoughts.",
    "So,",
    "Overall,",
    "In short,",
    "As someone who comes back often,",
    "About last time:",
    "Feedback as requested:",
    "A few words:",
    "Right,",
)

_INTENS = ("really", "very", "extremely", "incredibly", "absolutely", "genuinely", "so")
_HEDGE_POS = ("fairly", "pretty", "mostly", "reasonably", "quite")
_HEDGE_NEG = ("a bit", "slightly", "somewhat", "a little", "rather")

_ADJ = {
    3: (
        "brilliant",
        "excellent",
        "fantastic",
        "superb",
        "outstanding",
        "amazing",
        "wonderful",
        "perfect",
        "great",
    ),
    2: ("good", "great", "lovely", "pleasant", "nice", "helpful", "efficient", "impressive"),
    1: ("good", "fine", "okay", "pleasant", "nice", "alright"),
    -1: ("confusing", "disappointing", "frustrating", "annoying", "stressful"),
    -2: ("poor", "disappointing", "frustrating", "bad", "annoying", "unhelpful", "stressful"),
    -3: ("awful", "terrible", "horrible", "dreadful", "useless", "appalling", "shocking"),
}

_MAIN = {
    3: (
        "{Noun} {was} {intens} {adj}",
        "{Noun} {good} - {intens} {adj}",
        "Loved it: {noun} {good}",
        "{Intens} {adj} experience, {noun} {good}",
        "Couldn't fault {noun}, {it} {good}",
        "{Noun} {good}, {intens} impressed",
        "Wow, {noun} {was} {adj}",
        "{Noun} {was} {adj}, {intens} happy",
    ),
    2: (
        "{Noun} {was} {adj}",
        "Happy with {noun}, {it} {good}",
        "No problems at all with {noun}",
        "{Noun} {wasnt} hard to deal with at all, {it} {good}",
        "Pleased with {noun}",
        "{Noun} {good}, which was {adj}",
        "No complaints whatsoever about {noun}",
        "Good experience: {noun} {good}",
    ),
    1: (
        "{Noun} {was} {hedge_pos} {adj}",
        "{Noun} {bad}, but overall it was {adj}",
        "{Noun} {was} {adj}, nothing went wrong",
        "Mostly satisfied with {noun}",
        "{Noun} {good}, though {it} could be a little better",
        "A {hedge_pos} good experience with {noun}",
    ),
    0: (
        "{Noun} did the job",
        "{Noun} {was} as expected",
        "Nothing to report about {noun}",
        "{Noun} {was} average, neither here nor there",
        "{Noun} {good}, but {noun2} {bad2}",
        "{Noun} {bad}, but {noun2} {good2}",
        "Can't say much about {noun}",
    ),
    -1: (
        "{Noun} {was} {hedge_neg} {adj}",
        "{Noun} {was} fine, but {noun2} {bad2}",
        "{Noun} {bad}, which was {hedge_neg} {adj}",
        "Not great: {noun} {bad}",
        "{Noun} could be better, {it} {bad}",
        "Expected more from {noun}, {it_was} {hedge_neg} {adj}",
    ),
    -2: (
        "{Noun} {was} {adj}",
        "Not happy with {noun}, {it} {bad}",
        "{Noun} {bad}, {adj}",
        "Not impressed by {noun}",
        "{Noun} {wasnt} good enough, {it} {bad}",
        "Disappointed with {noun}: {it} {bad}",
        "{Noun} {bad} and that was {adj}",
    ),
    -3: (
        "{Noun} {was} {intens} {adj}",
        "{Noun} {bad} - {intens} {adj}",
        "Terrible experience, {noun} {bad}",
        "Never again, what a waste of money: {noun} {bad}",
        "{Intens} {adj}, {noun} {bad}",
        "Furious: {noun} {bad}",
        "What a mess, {noun} {bad}",
    ),
}

_SECOND = {
    1: ("and {noun2} {good2}", "and {noun2} {was2} {adj2}", "plus {noun2} {good2}"),
    -1: ("and {noun2} {bad2}", "and {noun2} {was2} {adj2} too", "on top of that {noun2} {bad2}"),
}

_CLOSING = {
    3: (
        "Will definitely be back!",
        "Thank you so much!",
        "Would happily recommend.",
        "Keep up the great work.",
        "Best experience in ages.",
        "Love it, thanks!",
        "Already told my friends.",
        "Happy customer here.",
    ),
    2: (
        "Thanks!",
        "Would recommend.",
        "Good job, team.",
        "Happy customer here.",
        "Thanks to the team.",
        "Will definitely be back!",
    ),
    1: (
        "Thanks.",
        "Not bad at all.",
        "Fine for now.",
        "Good enough for me.",
        "Probably back again.",
    ),
    0: (
        "That's all.",
        "We'll see.",
        "Just saying.",
        "Might try again.",
        "Nothing more to add.",
        "Make of that what you will.",
        "It is what it is.",
    ),
    -1: (
        "A bit disappointed, honestly.",
        "Not sure I'll be back.",
        "Slightly annoying overall.",
        "Bit of a letdown.",
    ),
    -2: (
        "Not happy.",
        "Disappointed overall.",
        "Sadly, I'm looking elsewhere.",
        "Really not good enough.",
        "Poor show.",
    ),
    -3: (
        "Never again, sadly.",
        "Really disappointed overall.",
        "Absolutely unacceptable.",
        "Worst experience in a long time.",
        "Sadly, I'm done.",
        "I want my money back, this was awful.",
    ),
}

#: Common misspellings (correct → typo); none touches a sentiment-bearing word.
_TYPOS = {
    "received": "recieved",
    "definitely": "definately",
    "which": "wich",
    "because": "becuase",
    "though": "tho",
    "experience": "experiance",
    "expected": "expectd",
    "the ": "teh ",
    "order": "oder",
    "again": "agian",
}


def level_from_score(score: np.ndarray, lo: int, hi: int, *, nps: bool = False) -> np.ndarray:
    """Map scores to comment strength levels from -3 (angry) to +3 (delighted).

    Parameters
    ----------
    score : numpy.ndarray
        Scores on the ``lo``–``hi`` scale (float, may hold NaN).
    lo, hi : int
        The scale.
    nps : bool
        NPS scores (0–10): detractors (0–6) get negative levels, passives about zero, promoters
        positive ones.

    Returns
    -------
    numpy.ndarray
        Integer levels (0 where the score is missing).

    Examples
    --------
    >>> level_from_score(np.array([1.0, 3.0, 5.0]), 1, 5).tolist()
    [-3, 0, 3]
    """
    score = np.asarray(score, dtype=float)
    out = np.zeros(score.shape, dtype=np.int64)
    ok = ~np.isnan(score)
    if nps:
        table = np.array([-3, -3, -3, -2, -2, -2, -1, 0, 1, 2, 3])
        out[ok] = table[np.clip(score[ok], 0, 10).astype(int)]
        return out
    u = (score[ok] - lo) / (hi - lo)
    out[ok] = np.clip(np.round(u * 6 - 3), -3, 3).astype(np.int64)
    return out


def _pick(options: tuple[str, ...], u: float) -> str:
    return options[min(int(u * len(options)), len(options) - 1)]


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def compose_comments(
    levels: np.ndarray,
    aspects: list[str],
    second_aspects: list[str],
    vocabulary: dict[str, Aspect],
    rng: np.random.Generator,
) -> list[str]:
    """Write one comment per entry, in the tone of its level.

    Parameters
    ----------
    levels : numpy.ndarray
        Integer levels from -3 to +3 (see :func:`level_from_score`).
    aspects : list of str
        Key into ``vocabulary`` for the main clause of each comment.
    second_aspects : list of str
        Key for a second aspect each comment may mention.
    vocabulary : dict of str to Aspect
        The demo's aspects.
    rng : numpy.random.Generator
        Source of randomness (all draws are made up front, in bulk).

    Returns
    -------
    list of str
        The comments, in input order.

    Examples
    --------
    >>> vocab = {"x": Aspect(("the service",), ("was quick",), ("took ages",))}
    >>> out = compose_comments(
    ...     np.array([3, -3]), ["x", "x"], ["x", "x"], vocab, np.random.default_rng(1)
    ... )
    >>> len(out)
    2
    """
    n = len(levels)
    u = rng.random((n, 16))
    out: list[str] = []
    for i in range(n):
        row = u[i]
        level = int(levels[i])
        asp = vocabulary[aspects[i]]
        asp2 = vocabulary[second_aspects[i]]
        noun = _pick(asp.nouns, row[0])
        noun2 = _pick(asp2.nouns, row[1])
        plural2 = asp2.plural
        if noun2 == noun:
            noun2, plural2 = "everything else", False
        fields = {
            "noun": noun,
            "Noun": _cap(noun),
            "noun2": noun2,
            "was": "were" if asp.plural else "was",
            "wasnt": "weren't" if asp.plural else "wasn't",
            "it": "they" if asp.plural or asp.person else "it",
            "it_was": "they were" if asp.plural or asp.person else "it was",
            "was2": "were" if plural2 else "was",
            "good": _pick(asp.good, row[3]),
            "bad": _pick(asp.bad, row[3]),
            "good2": _pick(asp2.good, row[8]),
            "bad2": _pick(asp2.bad, row[8]),
            "adj": _pick(_ADJ[level], row[2]) if level else "okay",
            "adj2": "",
            "intens": _pick(_INTENS, row[4]),
            "Intens": _cap(_pick(_INTENS, row[4])),
            "hedge_pos": _pick(_HEDGE_POS, row[5]),
            "hedge_neg": _pick(_HEDGE_NEG, row[5]),
        }
        text = _pick(_MAIN[level], row[6]).format(**fields)
        sign = (level > 0) - (level < 0)
        if sign and row[7] < 0.4:
            fields["adj2"] = _pick(_ADJ[2 * sign], row[9])
            text += " " + _pick(_SECOND[sign], row[11]).format(**fields)
        text = text.rstrip(".") + "."
        if row[13] < 0.3:
            opener = _pick(_OPENERS, row[14])
            if opener.endswith(","):
                text = f"{opener} {text[:1].lower()}{text[1:]}"
            else:
                text = f"{opener} {text}"
        if row[13] >= 0.45:
            text += " " + _pick(_CLOSING[level], row[15])
        out.append(_roughen(text, row[10], row[12], row[9]))
    return out


def _roughen(text: str, a: float, b: float, c: float) -> str:
    """Add the small irregularities of typed text: lower case, no full stop, a typo."""
    if a > 0.82:
        text = text.lower()
    if b > 0.85 and text.endswith("."):
        text = text[:-1]
    if c > 0.93:
        for right, wrong in _TYPOS.items():
            if right in text:
                text = text.replace(right, wrong, 1)
                break
    return text
