"""Themes in comments: non-negative matrix factorisation of TF-IDF weights, with readable labels.

Each comment becomes a vector of TF-IDF weights over words and two-word phrases (English stop
words removed). NMF (Lee & Seung, 1999) writes that matrix as the product of two non-negative
ones: comments × themes and themes × terms. A theme is then a weighted list of terms that tend
to appear together ("refund", "returns", "weeks"); its label is its strongest terms. A comment
*mentions* a theme when the theme carries at least :data:`MENTION_SHARE` of the comment's total
theme weight — so one comment can mention two themes, and a comment with no content words
mentions none.

We use scikit-learn's ``TfidfVectorizer`` and ``NMF`` (NNDSVDa start, so a fixed
``random_state`` gives the same themes every run).

References
----------
Lee, D. D., & Seung, H. S. (1999). Learning the parts of objects by non-negative matrix
factorization. *Nature*, 401, 788–791.
"""

from __future__ import annotations

import re
import warnings
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.decomposition import NMF
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

from cxlab.errors import DataError, Problem

__all__ = ["MENTION_SHARE", "ThemeModel", "clean_texts"]

#: Share of a comment's theme weight a theme needs for the comment to mention it.
MENTION_SHARE = 0.35

# Words that say how a customer feels, not what about: left out of theme terms, so themes are
# topics and sentiment is measured separately.
_FEELING = frozenset(
    """good great bad really very just like love loved excellent terrible awful brilliant
    poor happy disappointed amazing fantastic lovely nice fine okay ok pretty quite bit
    absolutely extremely incredibly genuinely superb outstanding wonderful perfect pleasant
    helpful efficient impressive confusing disappointing frustrating annoying stressful
    horrible dreadful useless appalling shocking unhelpful overall experience thanks thank
    definitely slightly somewhat little rather fairly mostly reasonably impressed couldn
    fault wasn weren didn don isn won ll ve did say felt things thing got lot came went""".split()
)
_STOP = sorted(ENGLISH_STOP_WORDS | _FEELING)
_TOKEN = r"(?u)\b[a-zA-Z][a-zA-Z]+\b"


def clean_texts(texts: Any) -> pd.Series:
    """Texts as a string Series: non-strings and blanks become empty strings.

    Examples
    --------
    >>> clean_texts(["Fine", None, 3, "  "]).tolist()
    ['Fine', '', '', '']
    """
    s = pd.Series(list(texts) if not isinstance(texts, pd.Series) else texts, dtype=object)
    return s.map(lambda v: v.strip() if isinstance(v, str) else "").astype(str)


class ThemeModel(BaseEstimator):
    """Find themes in comments (scikit-learn estimator).

    Parameters
    ----------
    n_themes : int
        Number of themes.
    max_terms : int
        Vocabulary size (the most frequent terms).
    min_df : int
        A term must appear in at least this many comments.
    random_state : int
        Seed of the NMF start.

    Attributes
    ----------
    labels_ : list of str
        One readable label per theme: its two or three strongest terms.
    terms_ : list of list of str
        The ten strongest terms of each theme.
    weights_ : numpy.ndarray
        Comments × themes weights of the fitted texts.
    mentions_ : pandas.DataFrame
        Boolean comments × themes (columns are labels): which themes each comment mentions.
    n_texts_ : int
        Comments with at least one known term.
    converged_ : bool
        Whether NMF converged within its iteration cap (400 passes).

    Examples
    --------
    >>> texts = [
    ...     "late delivery again",
    ...     "delivery was late",
    ...     "rude staff at the till",
    ...     "staff were rude",
    ...     "late parcel delivery",
    ...     "the staff rude and slow",
    ... ] * 3
    >>> model = ThemeModel(n_themes=2, min_df=2).fit(texts)
    >>> sorted(label.split(" / ")[0] for label in model.labels_)
    ['delivery', 'rude']
    """

    def __init__(
        self, n_themes: int = 8, *, max_terms: int = 5000, min_df: int = 3, random_state: int = 0
    ):
        self.n_themes = n_themes
        self.max_terms = max_terms
        self.min_df = min_df
        self.random_state = random_state

    def _vectorizer(self) -> TfidfVectorizer:
        return TfidfVectorizer(
            stop_words=_STOP,
            token_pattern=_TOKEN,
            ngram_range=(1, 2),
            min_df=self.min_df,
            max_df=0.5,
            max_features=self.max_terms,
            sublinear_tf=True,
            dtype=np.float32,
        )

    def fit(self, texts: Any, y: Any = None) -> ThemeModel:
        """Fit the themes to comments; see the class docstring for the attributes set."""
        s = clean_texts(texts)
        k = int(self.n_themes)
        if k < 1:
            raise ValueError(f"n_themes must be at least 1; got {self.n_themes!r}")
        self.vectorizer_ = self._vectorizer()
        try:
            X = self.vectorizer_.fit_transform(s)
        except ValueError:
            X = None
        if X is None or X.shape[1] < k or X.shape[0] < k:
            raise DataError(
                Problem(
                    "error",
                    "too_few_texts",
                    f"{int((s != '').sum())} non-empty comment(s) do not hold enough recurring "
                    f"words for {k} themes",
                    table="responses",
                    column="comment",
                    hint="lower n_themes or min_df, or collect more comments",
                )
            )
        self.nmf_ = NMF(
            n_components=k, init="nndsvda", random_state=self.random_state, max_iter=400
        )
        with warnings.catch_warnings():
            # the iteration cap is reported through converged_ instead of a warning
            warnings.simplefilter("ignore", ConvergenceWarning)
            W = self.nmf_.fit_transform(X)
        self.converged_ = bool(self.nmf_.n_iter_ < self.nmf_.max_iter)
        vocab = np.asarray(self.vectorizer_.get_feature_names_out())
        self.terms_ = [list(vocab[np.argsort(-row)[:10]]) for row in self.nmf_.components_]
        self.labels_ = _labels(self.terms_)
        self.weights_ = W
        self.mentions_ = self._mentions(W)
        self.n_texts_ = int((X.getnnz(axis=1) > 0).sum())
        return self

    def _mentions(self, W: np.ndarray) -> pd.DataFrame:
        total = W.sum(axis=1, keepdims=True)
        share = np.divide(W, total, out=np.zeros_like(W), where=total > 0)
        return pd.DataFrame(share >= MENTION_SHARE, columns=self.labels_)

    def transform(self, texts: Any) -> np.ndarray:
        """Theme weights (comments × themes) of new comments."""
        return self.nmf_.transform(self.vectorizer_.transform(clean_texts(texts)))

    def mentions(self, texts: Any) -> pd.DataFrame:
        """Which themes each of some (new) comments mentions, as a boolean frame."""
        return self._mentions(self.transform(texts))


def _labels(terms: list[list[str]]) -> list[str]:
    """Two or three strongest terms, skipping words already inside a chosen phrase."""
    labels = []
    for row in terms:
        chosen: list[str] = []
        for term in row:
            words = set(term.split())
            if any(words & set(c.split()) for c in chosen):
                continue
            chosen.append(term)
            if len(chosen) == 3 or (len(chosen) == 2 and " " in chosen[0]):
                break
        label = " / ".join(chosen)
        while label in labels:
            label += " (2)"
        labels.append(label)
    return labels


def theme_words(label: str) -> set[str]:
    """Return the words of a theme label, for matching labels to vocabularies."""
    return set(re.findall(r"[a-z]+", label.lower()))
