"""What comments say about the business: shares with intervals, keywords, theme impact, mismatches.

Keywords by NPS group use the log-odds ratio with an informative Dirichlet prior (Monroe,
Colaresi & Quinn, 2008): a word's log-odds in one group minus its log-odds in the others,
smoothed by its frequency in all comments and divided by its standard error, so rare words do
not top the list by chance. Tokens come from NLTK's regular-expression tokenizer and are
grouped by the Porter stemmer (Porter, 1980); two-word phrases by NLTK's collocation finder
with the likelihood-ratio score (Dunning, 1993). None of these needs NLTK data files.

Theme impact on NPS follows the question a manager asks: *how much higher would the NPS be if
nobody had this complaint?* It is the overall NPS minus the NPS of respondents who do not
mention the theme. With ``w`` the share who mention it, that equals ``w × (NPS_with −
NPS_without)``; its interval is ``w`` times the adjusted-Wald interval of the difference of two
independent NPS (Rocks, 2016; :func:`cxlab.stats.nps_difference`), treating ``w`` as fixed.

References
----------
Monroe, B. L., Colaresi, M. P., & Quinn, K. M. (2008). Fightin' words: Lexical feature selection
and evaluation for identifying the content of political conflict. *Political Analysis*, 16(4),
372–403.

Porter, M. F. (1980). An algorithm for suffix stripping. *Program*, 14(3), 130–137.

Dunning, T. (1993). Accurate methods for the statistics of surprise and coincidence.
*Computational Linguistics*, 19(1), 61–74.

Rocks, B. (2016). Interval estimation for the "Net Promoter Score". *The American
Statistician*, 70(4), 365–372.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np
import pandas as pd
from nltk.collocations import BigramAssocMeasures, BigramCollocationFinder
from nltk.stem import PorterStemmer
from nltk.tokenize import RegexpTokenizer

from cxlab import stats
from cxlab.errors import DataError, Problem
from cxlab.text._sentiment import sentiment
from cxlab.text._themes import _STOP, clean_texts

__all__ = [
    "MIN_N",
    "keywords_by_group",
    "mismatches",
    "negative_share",
    "nps_group",
    "phrases",
    "score_comments",
    "segment_column",
    "sentiment_by",
    "theme_impact",
    "theme_sentiment",
    "tokens",
]

#: Below this many scored comments a share or an impact is flagged as indicative.
MIN_N = 30

_TOKENIZER = RegexpTokenizer(r"[a-zA-Z]+(?:'[a-z]+)?")
_STEMMER = PorterStemmer()
_STOPSET = frozenset(_STOP) | {"s", "t", "d", "m"}


def tokens(text: Any, *, stem: bool = False) -> list[str]:
    """Lower-case content words of one text (stop words and feeling words left out).

    Parameters
    ----------
    text : object
        A comment; anything that is not a string gives no tokens.
    stem : bool
        Reduce each word to its Porter stem.

    Returns
    -------
    list of str

    Examples
    --------
    >>> tokens("The deliveries were LATE, again!")
    ['deliveries', 'late']
    >>> tokens("The deliveries were LATE, again!", stem=True)
    ['deliveri', 'late']
    """
    if not isinstance(text, str):
        return []
    words = [w.lower() for w in _TOKENIZER.tokenize(text)]
    words = [w for w in words if w not in _STOPSET and len(w) > 1]
    return [_STEMMER.stem(w) for w in words] if stem else words


def nps_group(nps: Any) -> pd.Series:
    """Promoter (9–10), passive (7–8) or detractor (0–6); missing stays missing.

    Examples
    --------
    >>> nps_group([10, 7, 3, None]).tolist()
    ['promoter', 'passive', 'detractor', nan]
    """
    s = pd.to_numeric(pd.Series(nps), errors="coerce")
    out = pd.Series(np.nan, index=s.index, dtype=object)
    out[s >= 9] = "promoter"
    out[(s >= 7) & (s < 9)] = "passive"
    out[s < 7] = "detractor"
    return out


def negative_share(labels: Any, *, confidence: float = 0.95) -> dict[str, Any]:
    """Share of scored comments that are negative, with its Wilson interval.

    Parameters
    ----------
    labels : array-like
        Sentiment labels (None for unscored comments, which are left out).
    confidence : float
        Confidence level.

    Returns
    -------
    dict
        ``share``, ``low``, ``high`` (0–1) and ``n`` (scored comments); share and interval are
        None when no comment was scored.

    Examples
    --------
    >>> out = negative_share(["negative", "positive", "positive", None])
    >>> out["n"], round(out["share"], 3)
    (3, 0.333)
    """
    s = pd.Series(labels, dtype=object).dropna()
    n = len(s)
    if n == 0:
        return {"share": None, "low": None, "high": None, "n": 0}
    k = int((s == "negative").sum())
    low, high = stats.wilson(k, n, confidence)
    return {"share": k / n, "low": float(low), "high": float(high), "n": n}


def sentiment_by(
    frame: pd.DataFrame,
    *,
    by: str,
    label: str = "label",
    compound: str = "compound",
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Sentiment per group: scored comments, mean compound, negative share with interval.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per comment with the group column and the sentiment columns.
    by : str
        The grouping column (touchpoint, segment, month …).
    label, compound : str
        Sentiment columns (as :func:`sentiment` returns them).
    confidence : float
        Confidence level of the Wilson interval.

    Returns
    -------
    pandas.DataFrame
        Indexed by group: ``n``, ``mean_compound``, ``negative_share``, ``low``, ``high`` and
        ``small`` (fewer than :data:`MIN_N` comments), sorted by negative share, worst first.

    Examples
    --------
    >>> df = pd.DataFrame(
    ...     {
    ...         "tp": ["a", "a", "b"],
    ...         "label": ["negative", "positive", "positive"],
    ...         "compound": [-0.5, 0.5, 0.7],
    ...     }
    ... )
    >>> sentiment_by(df, by="tp")["negative_share"].tolist()
    [0.5, 0.0]
    """
    if by not in frame:
        raise DataError(
            Problem(
                "error",
                "missing_column",
                f"there is no column {by!r} to group by",
                column=by,
                hint=f"choose one of {', '.join(map(str, frame.columns))}",
            )
        )
    scored = frame[frame[label].notna() & frame[by].notna()]
    rows = []
    for key, g in scored.groupby(by, sort=True, observed=True):
        out = negative_share(g[label], confidence=confidence)
        rows.append(
            {
                by: key,
                "n": out["n"],
                "mean_compound": float(g[compound].mean()),
                "negative_share": out["share"],
                "low": out["low"],
                "high": out["high"],
                "small": out["n"] < MIN_N,
            }
        )
    cols = [by, "n", "mean_compound", "negative_share", "low", "high", "small"]
    table = pd.DataFrame(rows, columns=cols).set_index(by)
    return table.sort_values("negative_share", ascending=False, kind="stable")


def keywords_by_group(
    texts: Any, groups: Any, *, top: int = 8, min_count: int = 5, stem: bool = True
) -> pd.DataFrame:
    """Find the words most typical of each group, by the log-odds ratio with a Dirichlet prior.

    Parameters
    ----------
    texts : array-like
        Comments.
    groups : array-like
        Group of each comment (e.g. from :func:`nps_group`); missing groups are left out.
    top : int
        Words per group.
    min_count : int
        A word must occur at least this often in all comments.
    stem : bool
        Count Porter stems (shown as their most common full word).

    Returns
    -------
    pandas.DataFrame
        ``group``, ``word``, ``count`` (in the group), ``z`` (the z-score of the log-odds
        ratio against the other groups), ``top`` rows per group, highest ``z`` first.

    Examples
    --------
    >>> texts = ["late parcel", "parcel late again", "great fit", "great fabric"] * 3
    >>> groups = ["detractor", "detractor", "promoter", "promoter"] * 3
    >>> kw = keywords_by_group(texts, groups, top=1, min_count=2)
    >>> kw.set_index("group")["word"].to_dict()
    {'detractor': 'late', 'promoter': 'great'}
    """
    t = clean_texts(texts)
    g = pd.Series(list(groups), index=t.index, dtype=object)
    ok = g.notna() & (t != "")
    surface: dict[str, Counter] = {}
    counts: dict[Any, Counter] = {}
    stop = _STOPSET - {"great", "good", "bad", "poor"}  # feeling words are keywords here
    for text, grp in zip(t[ok], g[ok], strict=True):
        words = [w.lower() for w in _TOKENIZER.tokenize(text)]
        words = [w for w in words if w not in stop and len(w) > 1]
        c = counts.setdefault(grp, Counter())
        for w in words:
            key = _STEMMER.stem(w) if stem else w
            surface.setdefault(key, Counter())[w] += 1
            c[key] += 1
    total = Counter()
    for c in counts.values():
        total.update(c)
    vocab = [w for w, n in total.items() if n >= min_count]
    cols = ["group", "word", "count", "z"]
    if not vocab or len(counts) < 2:
        return pd.DataFrame(columns=cols)
    prior = np.array([total[w] for w in vocab], dtype=float)
    a0 = prior.sum()
    rows = []
    for grp, c in counts.items():
        y_i = np.array([c[w] for w in vocab], dtype=float)
        y_j = prior - y_i
        n_i, n_j = y_i.sum(), y_j.sum()
        delta = np.log((y_i + prior) / (n_i + a0 - y_i - prior)) - np.log(
            (y_j + prior) / (n_j + a0 - y_j - prior)
        )
        z = delta / np.sqrt(1 / (y_i + prior) + 1 / (y_j + prior))
        order = np.argsort(-z)[:top]
        rows += [
            {
                "group": grp,
                "word": surface[vocab[k]].most_common(1)[0][0],
                "count": int(y_i[k]),
                "z": float(z[k]),
            }
            for k in order
            if y_i[k] > 0
        ]
    return pd.DataFrame(rows, columns=cols).sort_values(
        ["group", "z"], ascending=[True, False], ignore_index=True
    )


def phrases(texts: Any, *, top: int = 10, min_count: int = 5) -> pd.DataFrame:
    """Two-word phrases that occur together more than chance (likelihood-ratio collocations).

    Parameters
    ----------
    texts : array-like
        Comments.
    top : int
        Phrases returned.
    min_count : int
        A phrase must occur at least this often.

    Returns
    -------
    pandas.DataFrame
        ``phrase``, ``count``, ``score`` (Dunning's log-likelihood ratio), best first.

    Examples
    --------
    >>> phrases(
    ...     ["hidden fees again", "hidden fees at checkout", "more hidden fees"] * 2, min_count=3
    ... )["phrase"].tolist()[:1]
    ['hidden fees']
    """
    docs = [tokens(x) for x in clean_texts(texts)]
    finder = BigramCollocationFinder.from_documents(docs)
    finder.apply_freq_filter(min_count)
    scored = finder.score_ngrams(BigramAssocMeasures.likelihood_ratio)[:top]
    return pd.DataFrame(
        [{"phrase": " ".join(p), "count": finder.ngram_fd[p], "score": s} for p, s in scored],
        columns=["phrase", "count", "score"],
    )


def theme_impact(nps: Any, mentions: pd.DataFrame, *, confidence: float = 0.95) -> pd.DataFrame:
    """How much each theme moves the NPS: overall NPS minus NPS of those not mentioning it.

    Parameters
    ----------
    nps : array-like
        NPS answers (0–10) of the commenters, aligned with ``mentions``; missing answers are
        left out.
    mentions : pandas.DataFrame
        Boolean, one column per theme (e.g. ``ThemeModel.mentions_``).
    confidence : float
        Confidence level.

    Returns
    -------
    pandas.DataFrame
        Indexed by theme: ``n`` (mentioning respondents with an NPS), ``share``, ``nps_with``,
        ``nps_without``, ``impact`` (NPS points; negative: the theme pulls the score down),
        ``low``, ``high``, ``small``; sorted from the most negative impact.

    Examples
    --------
    >>> nps = [0, 0, 10, 10, 10, 10]
    >>> m = pd.DataFrame({"price": [True, True, False, False, False, False]})
    >>> round(float(theme_impact(nps, m).loc["price", "impact"]), 1)
    -66.7
    """
    s = pd.to_numeric(pd.Series(list(nps)), errors="coerce").to_numpy()
    has = ~np.isnan(s)
    m = mentions.to_numpy(dtype=bool)[has]
    s = s[has]
    n = len(s)
    pro, det = s >= 9, s <= 6
    overall = 100 * (pro.sum() - det.sum()) / n if n else np.nan
    rows = []
    for j, theme in enumerate(mentions.columns):
        w_mask = m[:, j]
        k = int(w_mask.sum())
        row = {
            "theme": theme,
            "n": k,
            "share": k / n if n else np.nan,
            "nps_with": np.nan,
            "nps_without": np.nan,
            "impact": np.nan,
            "low": np.nan,
            "high": np.nan,
            "small": k < MIN_N,
        }
        if 0 < k < n:
            a = (int(pro[w_mask].sum()), int(det[w_mask].sum()), k)
            b = (int(pro[~w_mask].sum()), int(det[~w_mask].sum()), n - k)
            without = 100 * (b[0] - b[1]) / b[2]
            lo, hi, _p = stats.nps_difference(a, b, confidence)
            w = k / n
            row.update(
                nps_with=100 * (a[0] - a[1]) / k,
                nps_without=without,
                impact=overall - without,
                low=min(100 * w * lo, overall - without),
                high=max(100 * w * hi, overall - without),
            )
        rows.append(row)
    table = pd.DataFrame(rows).set_index("theme")
    table.attrs["overall_nps"] = overall
    table.attrs["n"] = n
    return table.sort_values("impact", kind="stable", na_position="last")


def theme_sentiment(mentions: pd.DataFrame, labels: Any) -> pd.DataFrame:
    """Theme × sentiment: of the comments mentioning each theme, the share of each label.

    Parameters
    ----------
    mentions : pandas.DataFrame
        Boolean, one column per theme.
    labels : array-like
        Sentiment label of each comment (None for unscored).

    Returns
    -------
    pandas.DataFrame
        Indexed by theme: ``n``, ``negative``, ``neutral``, ``positive`` (shares).

    Examples
    --------
    >>> m = pd.DataFrame({"t": [True, True, False]})
    >>> theme_sentiment(m, ["negative", "positive", "positive"]).loc["t", "negative"]
    np.float64(0.5)
    """
    lab = pd.Series(list(labels), dtype=object)
    rows = []
    for theme in mentions.columns:
        sel = lab[mentions[theme].to_numpy(dtype=bool) & lab.notna().to_numpy()]
        n = len(sel)
        shares = {
            c: float((sel == c).mean()) if n else np.nan
            for c in ("negative", "neutral", "positive")
        }
        rows.append({"theme": theme, "n": n, **shares})
    return pd.DataFrame(rows).set_index("theme")


def mismatches(nps: Any, compound: Any, *, strong: float = 0.5) -> pd.Series:
    """Flag answers whose score and comment disagree strongly.

    A promoter (9–10) whose comment scores at or below ``-strong`` ("promoter, negative
    comment": perhaps a problem they forgave, worth fixing before they stop forgiving it), or a
    detractor (0–6) whose comment scores at or above ``strong`` ("detractor, glowing
    comment": perhaps a misread scale, worth a call).

    Parameters
    ----------
    nps : array-like
        NPS answers (0–10).
    compound : array-like
        Compound sentiment of the comments.
    strong : float
        How strong a comment must be.

    Returns
    -------
    pandas.Series
        ``"promoter, negative comment"``, ``"detractor, glowing comment"`` or None.

    Examples
    --------
    >>> mismatches([10, 2, 10, 2], [-0.8, 0.9, 0.8, -0.9]).tolist()
    ['promoter, negative comment', 'detractor, glowing comment', None, None]
    """
    s = pd.to_numeric(pd.Series(list(nps)), errors="coerce").to_numpy()
    c = pd.to_numeric(pd.Series(list(compound)), errors="coerce").to_numpy()
    out = np.full(len(s), None, dtype=object)
    out[(s >= 9) & (c <= -strong)] = "promoter, negative comment"
    out[(s <= 6) & (c >= strong)] = "detractor, glowing comment"
    return pd.Series(out, dtype=object)


def score_comments(responses: pd.DataFrame, *, text: str = "comment") -> pd.DataFrame:
    """Keep the responses that carry a comment and add its sentiment (and month, when dated).

    Parameters
    ----------
    responses : pandas.DataFrame
        The contract's ``responses`` table.
    text : str
        The comment column.

    Returns
    -------
    pandas.DataFrame
        The rows whose comment is a non-blank string (original index kept), with the columns
        of :func:`cxlab.text.sentiment` added and, when a ``date`` column holds dates, a
        ``month`` column (``YYYY-MM``). ``attrs["responses"]`` holds the number of responses.

    Raises
    ------
    DataError
        If the responses have no comment column.

    Examples
    --------
    >>> r = pd.DataFrame(
    ...     {
    ...         "date": pd.to_datetime(["2024-01-03", "2024-02-01", "2024-02-09"]),
    ...         "comment": ["No issues at all", "  ", "Far too slow"],
    ...     }
    ... )
    >>> out = score_comments(r)
    >>> out[["month", "label"]].values.tolist()
    [['2024-01', 'positive'], ['2024-02', 'negative']]
    >>> out.attrs["responses"]
    3
    """
    if text not in responses:
        raise DataError(
            Problem(
                "error",
                "missing_column",
                f"the responses have no {text!r} column to score",
                table="responses",
                column=text,
                hint="map the free-text answer column to 'comment' in cxlab.yml",
            )
        )
    has = responses[text].map(lambda v: isinstance(v, str) and bool(v.strip()))
    frame = responses[has].copy()
    scores = sentiment(frame[text])
    frame = frame.join(scores)
    if "date" in frame and pd.api.types.is_datetime64_any_dtype(frame["date"]):
        frame["month"] = frame["date"].dt.strftime("%Y-%m")
    frame.attrs["responses"] = len(responses)
    return frame


def segment_column(
    customers: pd.DataFrame | None, *, wanted: str = "", sensitive: Any = ()
) -> str | None:
    """Choose the customers column to compare comment sentiment by.

    Parameters
    ----------
    customers : pandas.DataFrame or None
        The customers table.
    wanted : str
        A column asked for by name; used when present and not sensitive.
    sensitive : sequence of str
        Columns marked sensitive in ``cxlab.yml``: never chosen.

    Returns
    -------
    str or None
        ``wanted`` if usable, else the first text column with 2 to 12 distinct values that is
        not an id, a date or sensitive; None when there is none.

    Examples
    --------
    >>> c = pd.DataFrame(
    ...     {"customer_id": ["a", "b", "c"], "gender": ["f", "m", "f"], "plan": ["x", "y", "x"]}
    ... )
    >>> segment_column(c, sensitive=["gender"])
    'plan'
    >>> segment_column(c, wanted="gender", sensitive=["gender"])
    'plan'
    """
    if customers is None:
        return None
    blocked = set(sensitive) | {"customer_id"}
    if wanted and wanted in customers and wanted not in blocked:
        return wanted
    for col in customers.columns:
        s = customers[col]
        if col in blocked or col.endswith("_id") or col.endswith("_date"):
            continue
        if pd.api.types.is_bool_dtype(s) or pd.api.types.is_numeric_dtype(s):
            continue
        if pd.api.types.is_datetime64_any_dtype(s):
            continue
        if 2 <= s.nunique(dropna=True) <= 12:
            return str(col)
    return None
