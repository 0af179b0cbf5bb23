"""Lexicon-and-rules sentiment: VADER plus a customer-experience layer.

VADER (Hutto & Gilbert, 2014) scores a text from a lexicon of about 7,500 words rated by people
on a −4..+4 scale and a handful of rules (negation, intensifiers, "but", capitals, exclamation
marks), then squashes the sum into a ``compound`` score in −1..1. We use the lexicon that the
``vaderSentiment`` package ships, so nothing downloads at run time (NLTK's copy of VADER needs
``nltk.download``).

Service language trips it up in predictable ways: "no" is a negative word in its lexicon, so "I
had no issues" scores negative; words such as "refund", "queue", "slow" or "late" are not in
it at all, so "the wait was too long" scores neutral. The customer-experience layer fixes
those cases in two documented ways, both applied before VADER scores the text:

1. **Domain lexicon entries** (:data:`CX_LEXICON`): words that carry a clear polarity when
   customers describe service and are missing from VADER's lexicon ("slow", "overcharged",
   "seamless", "knowledgeable"). Their valences are on VADER's scale and were set by us.
2. **Phrase rules** (:data:`PHRASE_RULES`): regular expressions for multi-word service
   expressions — negated problems ("no issues", "nothing to complain about", "didn't have
   to wait"), problems of time and effort ("too long", "took ages", "still waiting", "had to
   chase") and a few service praises ("went the extra mile", "sorted it straight away").
   A matched phrase is replaced by one marker word whose valence the rule sets.

The rules were tuned on the tuning part of our own customer-experience sentence set
(``data/cx_sentences.csv``, rows with ``split == "tune"``); the held-out part (``split ==
"holdout"``) was written after the rules were fixed and never used to change one. On the
three published VADER ground-truth corpora the layer must score no worse than plain VADER
(tests check the Pearson correlation with the human ratings).

Only English is supported: a comment of eight or more words that contains none of the common
English function words is reported as ``not_english`` and left unscored.

References
----------
Hutto, C. J., & Gilbert, E. (2014). VADER: A parsimonious rule-based model for sentiment
analysis of social media text. *Proceedings of the Eighth International AAAI Conference on
Weblogs and Social Media (ICWSM-14)*, 216–225.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import re
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

__all__ = [
    "CX_LEXICON",
    "MAX_CHARS",
    "PHRASE_RULES",
    "THRESHOLD",
    "PhraseRule",
    "compare_with_vader",
    "explain",
    "label_of",
    "plain_vader",
    "sentiment",
]

#: Compound scores at or above this are positive, at or below its negative negative (the
#: thresholds of Hutto & Gilbert 2014).
THRESHOLD = 0.05

#: Longer texts are cut to this many characters before scoring (the status says so).
MAX_CHARS = 5000

#: Words that carry polarity in service feedback and are missing from VADER's lexicon, with
#: valences on its −4..+4 scale. Ambiguous words ("cold", "cheap", "long", "wait") are left to
#: the phrase rules, where their context is known.
CX_LEXICON: dict[str, float] = {
    # time and effort
    "slow": -1.3,
    "slower": -1.1,
    "sluggishly": -1.3,
    "late": -1.1,
    "overdue": -1.2,
    "laggy": -1.5,
    "unresponsive": -1.6,
    "outage": -1.8,
    "outages": -1.8,
    "downtime": -1.4,
    "crashed": -1.8,
    "crashes": -1.7,
    "crashing": -1.8,
    "buggy": -1.8,
    "glitchy": -1.6,
    "glitch": -1.2,
    "glitches": -1.3,
    "clunky": -1.5,
    "fiddly": -1.1,
    "hassle": -1.3,
    "unanswered": -1.4,
    "unreachable": -1.4,
    # money
    "overcharged": -2.0,
    "overpriced": -1.8,
    "overpriced.": -1.8,
    "ripoff": -2.4,
    "extortionate": -2.2,
    "pricey": -0.8,
    "affordable": 1.2,
    "refunded": 0.6,
    # products and food
    "flimsy": -1.5,
    "defective": -1.9,
    "stale": -1.5,
    "soggy": -1.4,
    "bland": -1.2,
    "undercooked": -1.7,
    "overcooked": -1.4,
    "burnt": -1.3,
    "lukewarm": -1.0,
    "cramped": -1.0,
    "tasty": 1.9,
    "flavourful": 1.9,
    "flavorful": 1.9,
    "spotless": 1.8,
    # people and process
    "unhelpful": -1.8,
    "unprofessional": -2.0,
    "incompetent": -2.2,
    "dismissive": -1.8,
    "condescending": -1.9,
    "impolite": -1.8,
    "knowledgeable": 1.7,
    "attentive": 1.8,
    "polite": 1.5,
    "prompt": 1.3,
    "promptly": 1.3,
    "speedy": 1.5,
    "quick": 1.0,
    "quickly": 0.9,
    "seamless": 1.9,
    "seamlessly": 1.9,
    "effortless": 1.9,
    "intuitive": 1.6,
    "reliable": 1.6,
    "hassle-free": 1.9,
    "painless": 1.5,
    "smooth": 1.4,
    "smoothly": 1.4,
    "nightmare": -2.2,
    "rushed": -1.0,
    # words whose everyday sense is not their service sense
    "engagement": 0.0,
    "engagements": 0.0,
    "incorrect": -1.4,
    "inaccurate": -1.4,
    "wrongly": -1.6,
}


@dataclass(frozen=True)
class PhraseRule:
    """One multi-word service expression and the valence it is given.

    Parameters
    ----------
    name : str
        Short name, reported by :func:`explain`.
    pattern : str
        Regular expression (matched case-insensitively, on word boundaries).
    valence : float
        Valence on VADER's −4..+4 scale of the marker word that replaces a match.
    """

    name: str
    pattern: str
    valence: float


_PROBLEM = (
    r"(?:problems?|issues?|complaints?|hassle|fuss|trouble|glitch(?:es)?|hiccups?|delays?|"
    r"errors?|faults?|worries|concerns?|surprises|downtime|outages?|bugs?|crashes|mistakes?|"
    r"complications?|jargon|defects?|drama|stress)"
)

#: The phrase rules, in the order they are applied (earlier rules win where they overlap).
PHRASE_RULES: tuple[PhraseRule, ...] = (
    PhraseRule(
        "negated problem",
        rf"\b(?:no|zero|not (?:a|one|any|a single)|never (?:a|any|had (?:a|any)|had)|"
        rf"without (?:any|a)?|hardly any|didn't have (?:a|any)|did not have (?:a|any)|"
        rf"haven't had (?:a|any)|have not had (?:a|any))\s+(?:\w+\s+)?{_PROBLEM}\b",
        1.8,
    ),
    PhraseRule(
        "nothing to complain about",
        r"\bnothing (?:to complain about|to fault|went wrong|to report but praise)\b"
        r"|\bcan(?:'t|not) complain\b|\bcouldn't (?:ask for more|have been better)\b",
        1.8,
    ),
    PhraseRule(
        "no waiting",
        r"\b(?:no|without (?:a|any)?)\s*(?:wait|waiting|queue|queues|queueing)\b"
        r"|\b(?:didn't|did not|never) (?:have to|had to|need to) (?:wait|queue|chase)\b",
        1.6,
    ),
    PhraseRule(
        "too much of a bad thing",
        r"\b(?:too|far too|way too|much too|overly)\s+"
        r"(?:long|slow|late|expensive|pricey|busy|noisy|loud|salty|small|cold|hot|complicated|"
        r"complex|hard|difficult|many steps|much|often|crowded|cramped|pushy)\b",
        -1.9,
    ),
    PhraseRule(
        "long wait",
        r"\b(?:long|endless|ages|hour-long|forty-minute|forever)\s+(?:wait|waits|queue|queues|"
        r"hold)\b|\b(?:waited|waiting|queued|queueing|on hold)\s+(?:for\s+)?(?:ages|forever|"
        r"hours|an hour|over an hour|weeks|days|a week|\d+\s+(?:minutes|mins|hours|days|weeks))\b",
        -1.9,
    ),
    PhraseRule(
        "took ages",
        r"\b(?:took|takes|taking|take)\s+(?:ages|forever|weeks|days|months|an age|"
        r"an eternity|far too long|(?:two|three|four|five|six|several|many|\d+) "
        r"(?:weeks|days|months))\b",
        -1.8,
    ),
    PhraseRule(
        "still waiting",
        r"\b(?:still waiting|still no|still not|never (?:arrived|came|turned up|showed up|"
        r"replied|answered|responded|got back|heard back|called back))\b"
        r"|\b(?:no|zero) (?:reply|response|answer|call back|callback)\b",
        -2.0,
    ),
    PhraseRule(
        "never again",
        r"\bnever (?:again|going back|coming back|ordering again|using (?:them|it) again)\b"
        r"|\bfell apart\b|\b(?:did not|didn't|does not|doesn't|do not|don't) work\b"
        r"|\b(?:stopped|not|isn't|wasn't) working\b|\bnobody (?:answered|came|replied|called|"
        r"helped|picked up)\b|\bnever happened\b|\bwithout (?:warning|fixing|solving|"
        r"resolving|an apology|any explanation|explanation)\b",
        -1.8,
    ),
    PhraseRule(
        "later than promised",
        r"\b(?:later|longer|slower|higher|more) than (?:promised|quoted|agreed|expected|"
        r"advertised|the quote)\b",
        -1.6,
    ),
    PhraseRule(
        "had to chase",
        r"\b(?:had to|have to|having to|kept having to)\s+(?:chase|call back|ring back|"
        r"ask again|repeat myself|explain again|call three times|call twice)\b"
        r"|\bpassed (?:me )?(?:from person to person|around)\b|\bkept me waiting\b",
        -1.8,
    ),
    PhraseRule(
        "charged wrongly",
        r"\b(?:charged|billed) (?:twice|double|me twice|the wrong amount|for nothing)\b"
        r"|\bdouble[- ]charged\b|\bhidden (?:fees|charges|costs|extras)\b"
        r"|\bout of stock\b|\bwrong (?:order|item|size|address|dish)\b",
        -1.9,
    ),
    PhraseRule(
        "went the extra mile",
        r"\b(?:went|go|going) (?:the extra mile|above and beyond|out of (?:their|her|his) way)\b"
        r"|\bsorted (?:it|everything|my \w+)? ?(?:out )?(?:straight away|right away|in minutes|"
        r"quickly|immediately|on the spot)\b|\b(?:arrived|came|turned up|delivered) "
        r"(?:early|on time|a day early|ahead of schedule)\b|\bon time\b|\bin no time\b",
        1.9,
    ),
)

_RULES = [
    (rule, re.compile(rule.pattern, re.IGNORECASE), f"cxrule{chr(97 + i)}")
    for i, rule in enumerate(PHRASE_RULES)
]
#: Words that start or anchor some phrase rule: a text holding none of them is not searched
#: with the rules at all (most texts), which keeps the layer nearly as fast as VADER itself.
_TRIGGERS = frozenset(
    """problem problems issue issues complaint complaints hassle fuss trouble glitch glitches
    hiccup hiccups delay delays error errors fault faults worries concern concerns surprises
    downtime outage outages bug bugs crashes mistake mistakes complication complications jargon
    defect defects drama stress nothing complain couldn't wait waits waiting waited queue queues
    queued queueing chase too overly hold took takes taking take still never reply response
    answer call callback apart work working nobody without than ring ask repeat explain passed
    kept charged billed double double-charged hidden stock wrong mile above way sorted early
    time schedule""".split()
)
_TOKEN = re.compile(r"[a-z]+(?:['-][a-z]+)*")


def _rewrite(text: str) -> str:
    """Replace every phrase-rule match by its marker word."""
    if _TRIGGERS.isdisjoint(_TOKEN.findall(text.lower())):
        return text
    for _rule, compiled, marker in _RULES:
        text = compiled.sub(marker, text)
    return text


# A short list of English function words (ours), for the English-only check.
_ENGLISH = frozenset(
    """a about after all also am an and any are as at be because been but by can could
    did do does don't for from had has have he her here him his how i i'm if in is it it's
    its just me more my no not now of on once one only or our out over she so some than
    that the their them then there they this to too up us very was we were what when which
    who why will with would you your""".split()
)
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?", re.UNICODE)

_ANALYZERS: dict[bool, SentimentIntensityAnalyzer] = {}


def _foreign(text: str) -> bool:
    """Eight or more words and not one English function word or lexicon word among them."""
    known = _analyzer(True).lexicon
    count = 0
    for m in _WORD.finditer(text.lower()):
        word = m.group(0)
        if word in _ENGLISH or word in known:
            return False
        count += 1
    return count >= 8


def _analyzer(cx: bool) -> SentimentIntensityAnalyzer:
    """Return the analyser (one per process): VADER's lexicon, plus ours when ``cx``."""
    if cx not in _ANALYZERS:
        analyzer = SentimentIntensityAnalyzer()
        if cx:
            analyzer.lexicon = {**analyzer.lexicon, **CX_LEXICON}
            for _rule, _compiled, marker in _RULES:
                analyzer.lexicon[marker] = _rule.valence
        _ANALYZERS[cx] = analyzer
    return _ANALYZERS[cx]


def _status(value: Any) -> tuple[str, str | None]:
    """Classify one input: (status, the text to score or None)."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return "missing", None
    if not isinstance(value, str):
        return "not_text", None
    text = value.strip()
    if not text:
        return "empty", None
    status = "ok"
    if len(text) > MAX_CHARS:
        text, status = text[:MAX_CHARS], "truncated"
    if _foreign(text):
        return "not_english", None
    return status, text


def label_of(compound: Any) -> Any:
    """Positive, neutral or negative by the ±0.05 thresholds of Hutto & Gilbert (2014).

    Parameters
    ----------
    compound : float or array-like
        Compound scores; NaN stays unlabelled.

    Returns
    -------
    str or numpy.ndarray
        ``"positive"``, ``"neutral"``, ``"negative"`` (None where the score is missing).

    Examples
    --------
    >>> label_of(0.3), label_of(-0.05), label_of(0.0)
    ('positive', 'negative', 'neutral')
    """
    arr = np.asarray(compound, dtype=float)
    out = np.where(
        arr >= THRESHOLD, "positive", np.where(arr <= -THRESHOLD, "negative", "neutral")
    ).astype(object)
    out[np.isnan(arr)] = None
    return out.item() if out.ndim == 0 else out


def _score_chunk(args: tuple[list[str], bool]) -> np.ndarray:
    texts, cx = args
    analyzer = _analyzer(cx)
    out = np.empty((len(texts), 4))
    for i, text in enumerate(texts):
        s = analyzer.polarity_scores(_rewrite(text) if cx else text)
        out[i] = (s["compound"], s["pos"], s["neu"], s["neg"])
    return out


def _score(texts: list[str], cx: bool, n_jobs: int | None) -> np.ndarray:
    jobs = n_jobs if n_jobs is not None else 1
    jobs = max(1, min(int(jobs), os.cpu_count() or 1, len(texts) or 1))
    if jobs == 1 or "fork" not in multiprocessing.get_all_start_methods():
        return _score_chunk((texts, cx))
    _analyzer(cx)  # built once here, inherited by the forked workers
    bounds = np.linspace(0, len(texts), 4 * jobs + 1).astype(int)
    chunks = [(texts[a:b], cx) for a, b in itertools.pairwise(bounds)]
    ctx = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx) as pool:
        return np.vstack(list(pool.map(_score_chunk, chunks)))


def _run(texts: Any, cx: bool, n_jobs: int | None) -> pd.DataFrame:
    if isinstance(texts, str):
        raise TypeError(
            "sentiment() takes a list or Series of texts; wrap a single text in a list: "
            "sentiment([text])"
        )
    index = texts.index if isinstance(texts, pd.Series) else None
    values = list(texts) if isinstance(texts, Iterable) else None
    if values is None:
        raise TypeError(f"sentiment() takes a list or Series of texts, not {type(texts).__name__}")
    statuses, clean = zip(*(_status(v) for v in values), strict=True) if values else ((), ())
    todo = [t for t in clean if t is not None]
    unique = list(dict.fromkeys(todo))
    scores = _score(unique, cx, n_jobs) if unique else np.empty((0, 4))
    where = {t: i for i, t in enumerate(unique)}
    out = np.full((len(values), 4), np.nan)
    for i, t in enumerate(clean):
        if t is not None:
            out[i] = scores[where[t]]
    frame = pd.DataFrame(out, columns=["compound", "pos", "neu", "neg"], index=index)
    frame["label"] = pd.Series(
        label_of(frame["compound"].to_numpy()), index=frame.index, dtype=object
    )
    frame["status"] = list(statuses)
    return frame


def sentiment(texts: Any, *, n_jobs: int | None = None) -> pd.DataFrame:
    """Score customer comments with VADER and the customer-experience layer.

    Parameters
    ----------
    texts : list or pandas.Series
        Comments; missing values, non-text values (numbers), blank texts and non-English texts
        are kept in place and left unscored; texts longer than :data:`MAX_CHARS` characters are
        scored on their beginning.
    n_jobs : int, optional
        Processes to score with (forked workers, on systems that fork); default one, since
        on a busy two-core machine a second process did not pay (``benchmarks/bench_text.py``).
        Identical texts are scored once.

    Returns
    -------
    pandas.DataFrame
        One row per input (same index for a Series): ``compound`` (−1..1), ``pos``, ``neu``,
        ``neg`` (shares of the text, summing to 1), ``label`` (positive / neutral / negative at
        ±:data:`THRESHOLD`, None when unscored) and ``status`` (``ok``, ``truncated``,
        ``missing``, ``not_text``, ``empty``, ``not_english``).

    Raises
    ------
    TypeError
        If ``texts`` is a single string or not a sequence.

    Examples
    --------
    >>> out = sentiment(["I had no issues with the checkout", "The wait was far too long", None])
    >>> out["label"].tolist()
    ['positive', 'negative', None]
    >>> out["status"].tolist()
    ['ok', 'ok', 'missing']

    References
    ----------
    Hutto, C. J., & Gilbert, E. (2014). VADER: A parsimonious rule-based model for sentiment
    analysis of social media text. *ICWSM-14*, 216–225.
    """
    return _run(texts, True, n_jobs)


def plain_vader(texts: Any, *, n_jobs: int | None = None) -> pd.DataFrame:
    """Score texts with plain VADER (its shipped lexicon, no customer-experience layer).

    The baseline :func:`sentiment` is compared with; same input handling and output columns.

    Parameters
    ----------
    texts : list or pandas.Series
        As in :func:`sentiment`.
    n_jobs : int, optional
        As in :func:`sentiment`.

    Returns
    -------
    pandas.DataFrame
        As in :func:`sentiment`.

    Examples
    --------
    >>> plain_vader(["I had no issues with the checkout"])["label"].tolist()
    ['negative']
    """
    return _run(texts, False, n_jobs)


def explain(text: str) -> dict[str, Any]:
    """Show how one text is scored: plain VADER, ours, and which layer rules fired.

    Parameters
    ----------
    text : str
        One comment.

    Returns
    -------
    dict
        ``compound`` and ``label`` (ours), ``vader`` (plain VADER's compound), ``status``,
        ``rules`` (names of the phrase rules that matched, with the matched words) and
        ``words`` (our lexicon entries found in the text).

    Examples
    --------
    >>> e = explain("No problems at all, but the queue was far too long")
    >>> [r["rule"] for r in e["rules"]]
    ['negated problem', 'too much of a bad thing']
    """
    status, clean = _status(text)
    if clean is None:
        return {
            "compound": None,
            "label": None,
            "vader": None,
            "status": status,
            "rules": [],
            "words": [],
        }
    rules = []
    rewritten = clean
    for rule, compiled, marker in _RULES:
        rules += [
            {"rule": rule.name, "matched": m.group(0), "valence": rule.valence}
            for m in compiled.finditer(rewritten)
        ]
        rewritten = compiled.sub(marker, rewritten)
    words = [
        w for w in dict.fromkeys(re.findall(r"[a-z][a-z'-]*", rewritten.lower())) if w in CX_LEXICON
    ]
    ours = _analyzer(True).polarity_scores(rewritten)["compound"]
    plain = _analyzer(False).polarity_scores(clean)["compound"]
    return {
        "compound": ours,
        "label": label_of(ours),
        "vader": plain,
        "status": status,
        "rules": rules,
        "words": words,
    }


def compare_with_vader(texts: Any) -> pd.DataFrame:
    """Score texts both ways, side by side: plain VADER and VADER with the CX layer.

    Parameters
    ----------
    texts : list or pandas.Series
        Texts to score.

    Returns
    -------
    pandas.DataFrame
        ``text``, ``vader`` and ``vader_label`` (plain VADER), ``ours`` and ``label`` (with the
        customer-experience layer), ``rules`` (names of the phrase rules that fired, joined by
        "; ", empty when none did) and ``changed`` (the two labels differ).

    Examples
    --------
    >>> t = compare_with_vader(["I had no issues with the checkout", "Lovely staff"])
    >>> t[["vader_label", "label", "changed"]].values.tolist()
    [['negative', 'positive', True], ['positive', 'positive', False]]
    >>> t.loc[0, "rules"]
    'negated problem'
    """
    values = list(texts)
    plain = plain_vader(values)
    ours = sentiment(values)
    rules = [
        "; ".join(dict.fromkeys(r["rule"] for r in explain(v)["rules"]))
        if isinstance(v, str)
        else ""
        for v in values
    ]
    return pd.DataFrame(
        {
            "text": values,
            "vader": plain["compound"].to_numpy(),
            "vader_label": plain["label"].to_numpy(),
            "ours": ours["compound"].to_numpy(),
            "label": ours["label"].to_numpy(),
            "rules": rules,
            "changed": (plain["label"].to_numpy() != ours["label"].to_numpy()),
        }
    )
