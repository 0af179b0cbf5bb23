"""Voice of the customer: sentiment, keywords, themes and their impact on NPS, in English.

Sentiment
---------
sentiment
    VADER (Hutto & Gilbert, 2014) with a documented customer-experience layer: domain lexicon
    entries (:data:`CX_LEXICON`) and phrase rules (:data:`PHRASE_RULES`) for negated problems
    and service complaints. Returns ``compound``, ``pos``, ``neu``, ``neg``, ``label``,
    ``status``.
plain_vader, explain, compare_with_vader, label_of
    The baseline, how one sentence is scored (which rules fired), both side by side, the
    ±0.05 labels.
cx_sentences
    Our labelled customer-experience sentence set, with its tuning and held-out parts.

Words, phrases and themes
-------------------------
tokens, keywords_by_group, phrases
    NLTK tokenising and Porter stemming; the words typical of promoters, passives and
    detractors; two-word collocations.
ThemeModel
    NMF on TF-IDF (scikit-learn) with readable labels and per-comment mentions.

What it means for the business
------------------------------
score_comments, negative_share, sentiment_by, segment_column
    The commented responses with their scores; the share of negative comments with a Wilson
    interval, overall and per group (touchpoint, segment, month).
theme_impact, theme_sentiment
    Overall NPS minus the NPS of those not mentioning a theme, with an interval; theme ×
    sentiment.
mismatches, nps_group
    Promoters with a strongly negative comment, detractors with a glowing one.
compare_businesses
    The client and competitors side by side from public reviews.
example_comments, export_comments
    Comments to show or export — PII-redacted by default.
loop_actions
    Closing the loop: who to call back, what to fix, what to tell customers.

Only English text is scored; other languages are detected roughly and left unscored (status
``not_english``). Nothing downloads at run time: VADER's lexicon ships with ``vaderSentiment``
and the NLTK parts used (regular-expression tokenizer, Porter stemmer, collocations) need no
data files. Why VADER rather than a trained model: it needs no training data, explains every
score and runs offline; the customer-experience layer is ours because no library ships one.
"""

from __future__ import annotations

from importlib.resources import files

import pandas as pd

from cxlab.text._analysis import (
    MIN_N,
    keywords_by_group,
    mismatches,
    negative_share,
    nps_group,
    phrases,
    score_comments,
    segment_column,
    sentiment_by,
    theme_impact,
    theme_sentiment,
    tokens,
)
from cxlab.text._display import example_comments, export_comments
from cxlab.text._findings import (
    chapter_headlines,
    comments_finding,
    group_finding,
    loop_actions,
    loop_finding,
    mismatch_finding,
    negative_share_finding,
    reviews_finding,
    skipped_finding,
    themes_finding,
    top_themes,
)
from cxlab.text._reviews import REVIEW_SCORES, compare_businesses
from cxlab.text._sentiment import (
    CX_LEXICON,
    MAX_CHARS,
    PHRASE_RULES,
    THRESHOLD,
    PhraseRule,
    compare_with_vader,
    explain,
    label_of,
    plain_vader,
    sentiment,
)
from cxlab.text._themes import MENTION_SHARE, ThemeModel

__all__ = [
    "CX_LEXICON",
    "MAX_CHARS",
    "MENTION_SHARE",
    "MIN_N",
    "PHRASE_RULES",
    "REVIEW_SCORES",
    "THRESHOLD",
    "PhraseRule",
    "ThemeModel",
    "chapter_headlines",
    "comments_finding",
    "compare_businesses",
    "compare_with_vader",
    "cx_sentences",
    "example_comments",
    "explain",
    "export_comments",
    "group_finding",
    "keywords_by_group",
    "label_of",
    "loop_actions",
    "loop_finding",
    "mismatch_finding",
    "mismatches",
    "negative_share",
    "negative_share_finding",
    "nps_group",
    "phrases",
    "plain_vader",
    "reviews_finding",
    "score_comments",
    "scorer_accuracy",
    "segment_column",
    "sentiment",
    "sentiment_by",
    "skipped_finding",
    "theme_impact",
    "theme_sentiment",
    "themes_finding",
    "tokens",
    "top_themes",
]


def cx_sentences() -> pd.DataFrame:
    """Our labelled customer-experience sentences (written for cxlab; English).

    Returns
    -------
    pandas.DataFrame
        ``id``, ``split`` (``tune``: used to set the layer's rules; ``holdout``: written after
        the rules were fixed, never used to change one), ``domain`` (retail, saas, restaurant,
        services), ``label`` (positive / neutral / negative, assigned by the author) and
        ``text``.

    Examples
    --------
    >>> s = cx_sentences()
    >>> sorted(s["split"].unique()), sorted(s["domain"].unique())
    (['holdout', 'tune'], ['restaurant', 'retail', 'saas', 'services'])
    """
    path = files("cxlab.text").joinpath("data/cx_sentences.csv")
    with path.open("r", encoding="utf-8") as fh:
        return pd.read_csv(fh, dtype=str, keep_default_na=False)


def scorer_accuracy(
    sentences: pd.DataFrame | None = None, *, split: str = "holdout"
) -> pd.DataFrame:
    """Return the share of labelled sentences plain VADER and our CX layer label correctly.

    Parameters
    ----------
    sentences : pandas.DataFrame, optional
        ``text``, ``label`` and ``split`` columns; default: :func:`cx_sentences`.
    split : str, default "holdout"
        Which sentences to score (``"holdout"`` were never used to set a rule; ``"all"`` for
        every sentence).

    Returns
    -------
    pandas.DataFrame
        One row per scorer: ``scorer``, ``accuracy`` (0–1) and ``n``.

    Examples
    --------
    >>> s = pd.DataFrame(
    ...     {
    ...         "text": ["I had no issues with the checkout", "The wait was too long"],
    ...         "label": ["positive", "negative"],
    ...         "split": ["holdout", "holdout"],
    ...     }
    ... )
    >>> scorer_accuracy(s)["accuracy"].tolist()
    [0.0, 1.0]
    """
    sentences = cx_sentences() if sentences is None else sentences
    if split != "all":
        sentences = sentences[sentences["split"] == split]
    truth = sentences["label"].to_numpy()
    return pd.DataFrame(
        {
            "scorer": ["plain VADER", "with the CX layer"],
            "accuracy": [
                float((score(sentences["text"])["label"].to_numpy() == truth).mean())
                for score in (plain_vader, sentiment)
            ],
            "n": len(sentences),
        }
    )
