"""The sentences chapter 07 states, each true for whichever client is loaded."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from cxlab.findings import Finding, join
from cxlab.text._analysis import MIN_N

__all__ = [
    "chapter_headlines",
    "comments_finding",
    "group_finding",
    "loop_actions",
    "loop_finding",
    "mismatch_finding",
    "negative_share_finding",
    "reviews_finding",
    "skipped_finding",
    "themes_finding",
    "top_themes",
]

_SKIPPED = {
    "comments": "The bundle has no survey comments, so there is nothing to score; add a "
    "`comment` column to the responses to enable this chapter's analyses.",
    "nps": "The commenters gave no NPS answers, so theme impact on NPS, keywords by NPS group "
    "and score–comment mismatches are skipped; they need `nps` beside `comment`.",
    "reviews": "The bundle has no reviews table, so there is no competitor comparison; add "
    "`reviews.csv` (date, business, rating, text, source) to enable it.",
    "themes": "Too few comments with recurring words to find themes (at least {need} needed, "
    "{n} found).",
    "dates": "The comments are undated, so sentiment by month is skipped.",
    "touchpoint": "The responses name no touchpoint, so sentiment by touchpoint is skipped.",
    "segment": "No customers table with a column to group by is linked to the comments, so "
    "sentiment by segment is skipped; add customers.csv with a segment-like column (plan, "
    "region, channel) and the customer's id on each survey answer to enable it.",
}


def skipped_finding(section: str, **values: Any) -> Finding:
    """One line saying why a section is skipped and what would enable it.

    Examples
    --------
    >>> skipped_finding("reviews").supported
    False
    """
    return Finding.unsupported(_SKIPPED[section], **values)


def _pct(x: float) -> str:
    return f"{100 * x:.0f} %"


def negative_share_finding(share: dict[str, Any], *, client: str) -> Finding:
    """State the share of negative comments with its interval.

    Examples
    --------
    >>> negative_share_finding(
    ...     {"share": 0.25, "low": 0.2, "high": 0.3, "n": 400}, client="Shop"
    ... ).text
    '25 % of the 400 scored comments to Shop are negative (95 % interval 20 % to 30 %).'
    """
    n = share.get("n") or 0
    if not n:
        return Finding.unsupported("No comment could be scored (none is English text).")
    text = (
        "{share} of the {n:,} scored comments to **{client}** are negative (95 % interval "
        "{low} to {high})."
    )
    values = {
        "share": _pct(share["share"]),
        "n": n,
        "client": client,
        "low": _pct(share["low"]),
        "high": _pct(share["high"]),
    }
    if n < MIN_N:
        text += " With so few comments the share is indicative only."
    return Finding(text, values, numbers=dict(share))


def top_themes(impact: pd.DataFrame, *, k: int = 3) -> list[dict[str, Any]]:
    """List the themes that pull the NPS down most, as headline mappings.

    Parameters
    ----------
    impact : pandas.DataFrame
        :func:`cxlab.text.theme_impact`.
    k : int
        How many.

    Returns
    -------
    list of dict
        ``{"theme", "impact", "low", "high", "n"}``, impacts in NPS points (rounded to 0.1).

    Examples
    --------
    >>> t = pd.DataFrame(
    ...     {"impact": [-5.0, 2.0], "low": [-8.0, 0.5], "high": [-2.0, 3.0], "n": [50, 40]},
    ...     index=pd.Index(["price", "staff"], name="theme"),
    ... )
    >>> top_themes(t, k=1)
    [{'theme': 'price', 'impact': -5.0, 'low': -8.0, 'high': -2.0, 'n': 50}]
    """
    ok = impact.dropna(subset=["impact"]).sort_values("impact", kind="stable").head(k)
    return [
        {
            "theme": str(t),
            "impact": round(float(r["impact"]), 1) + 0.0,  # + 0.0: no "-0.0" in metrics.json
            "low": round(float(r["low"]), 1) + 0.0,
            "high": round(float(r["high"]), 1) + 0.0,
            "n": int(r["n"]),
        }
        for t, r in ok.iterrows()
    ]


def themes_finding(impact: pd.DataFrame) -> Finding:
    """Name the theme that costs the most NPS, and whether its interval excludes zero.

    Examples
    --------
    >>> t = pd.DataFrame(
    ...     {"impact": [-5.0], "low": [-8.0], "high": [-2.0], "n": [50]},
    ...     index=pd.Index(["price"], name="theme"),
    ... )
    >>> t.attrs["overall_nps"] = 20.0
    >>> themes_finding(t).text.split(":")[0]
    'The theme that costs the most NPS is "price"'
    """
    ok = impact.dropna(subset=["impact"])
    if ok.empty:
        return Finding.unsupported(
            "No theme has both mentioning and non-mentioning respondents with an NPS answer, "
            "so no impact can be estimated."
        )
    worst = ok.sort_values("impact").iloc[0]
    name = str(ok.sort_values("impact").index[0])
    values = {
        "theme": name,
        "impact": float(worst["impact"]),
        "low": float(worst["low"]),
        "high": float(worst["high"]),
        "n": int(worst["n"]),
        "overall": float(impact.attrs.get("overall_nps", np.nan)),
    }
    if worst["impact"] >= 0:
        return Finding(
            "No theme pulls the NPS down: without any single theme's mentioners the NPS would "
            "not be higher than {overall:+.0f}.",
            values,
        )
    text = (
        'The theme that costs the most NPS is "{theme}": without the {n:,} respondents '
        "who mention it, the NPS would be {impact_abs:.1f} points higher (95 % interval "
        "{high_abs:.1f} to {low_abs:.1f})."
    )
    values.update(impact_abs=-values["impact"], low_abs=-values["low"], high_abs=-values["high"])
    parts: list[Finding | str] = [Finding(text, values)]
    if worst["high"] >= 0:
        parts.append("The interval includes zero: the effect may be chance.")
    if worst["n"] < MIN_N:
        parts.append("Few respondents mention it, so treat the number as indicative.")
    return join(parts)


def mismatch_finding(flags: pd.Series) -> Finding:
    """Count the score–comment mismatches worth a call.

    Examples
    --------
    >>> mismatch_finding(pd.Series(["promoter, negative comment", None, None])).facts
    {'promoters': 1, 'detractors': 0}
    """
    pro = int((flags == "promoter, negative comment").sum())
    det = int((flags == "detractor, glowing comment").sum())
    total = pro + det
    if total == 0:
        return Finding(
            "No score disagrees strongly with its comment.",
            {"n": 0},
            numbers={"promoters": 0, "detractors": 0},
        )
    text = (
        "{total:,} {answers} strongly with {its} comment: {pro:,} {promoters} with a "
        "negative comment and {det:,} {detractors} with a glowing one."
    )
    values = {
        "total": total,
        "answers": "answer disagrees" if total == 1 else "answers disagree",
        "its": "its" if total == 1 else "their",
        "pro": pro,
        "promoters": "promoter" if pro == 1 else "promoters",
        "det": det,
        "detractors": "detractor" if det == 1 else "detractors",
    }
    return Finding(text, values, numbers={"promoters": pro, "detractors": det})


def reviews_finding(table: pd.DataFrame, *, client: str | None) -> Finding:
    """Compare the client's reviews with its competitors'.

    Examples
    --------
    >>> t = pd.DataFrame(
    ...     {
    ...         "n": [100, 80],
    ...         "rating": [4.2, 3.9],
    ...         "negative_share": [0.1, 0.2],
    ...         "low": [0.05, 0.12],
    ...         "high": [0.17, 0.3],
    ...     },
    ...     index=["Us", "Them"],
    ... )
    >>> reviews_finding(t, client="Us").text.split(";")[0]
    'Us has the fewest negative reviews of the 2 businesses (10 %, 95 % interval 5 % to 17 %)'
    """
    ok = table[table["n"] > 0].dropna(subset=["negative_share"])
    if len(ok) < 2:
        return Finding.unsupported(
            "The reviews cover fewer than two businesses, so there is nothing to compare."
        )
    if client not in ok.index:
        client = str(ok.index[0])
    order = ok.sort_values("negative_share")
    rank = list(order.index).index(client) + 1
    row = ok.loc[client]
    best = str(order.index[0])
    values = {
        "client": client,
        "k": len(ok),
        "share": _pct(row["negative_share"]),
        "low": _pct(row["low"]),
        "high": _pct(row["high"]),
        "best": best,
        "best_share": _pct(order.iloc[0]["negative_share"]),
    }
    if rank == 1:
        text = (
            "{client} has the fewest negative reviews of the {k} businesses ({share}, 95 % "
            "interval {low} to {high}); "
        )
    else:
        text = (
            "{client} ranks {rank} of {k} by negative reviews ({share}, 95 % interval {low} "
            "to {high}); {best} has the fewest ({best_share}); "
        )
        values["rank"] = rank
    others = order.drop(index=client)
    overlap = bool(((others["low"] <= row["high"]) & (others["high"] >= row["low"])).all())
    tail = (
        "the intervals overlap, so the difference may be chance."
        if overlap
        else "at least one difference is larger than chance explains."
    )
    return Finding(text + tail, values)


def comments_finding(scored: pd.DataFrame, *, client: str) -> Finding:
    """Say how many responses carry a comment and how many of those could be scored.

    Parameters
    ----------
    scored : pandas.DataFrame
        :func:`cxlab.text.score_comments` (its ``status`` column and ``attrs["responses"]``).
    client : str
        The client's name.

    Examples
    --------
    >>> s = pd.DataFrame({"status": ["ok", "ok", "not_english"]})
    >>> s.attrs["responses"] = 10
    >>> comments_finding(s, client="Shop").text.split(". ")[0]
    '3 of the 10 survey responses to Shop carry a comment; 2 could be scored (1 is not in English)'
    """
    total = int(scored.attrs.get("responses", len(scored)))
    n = len(scored)
    if n == 0:
        return Finding.unsupported(
            "None of the {total:,} responses carries a comment, so there is nothing to score.",
            total=total,
        )
    status = scored["status"].value_counts()
    ok = int(status.get("ok", 0) + status.get("truncated", 0))
    foreign = int(status.get("not_english", 0))
    text = (
        "{n:,} of the {total:,} survey responses to **{client}** carry a comment; {ok:,} could "
        "be scored"
    )
    values = {"n": n, "total": total, "client": client, "ok": ok, "foreign": foreign}
    if foreign:
        text += " ({foreign:,} {verb} not in English)"
        values["verb"] = "is" if foreign == 1 else "are"
    text += "."
    if ok < MIN_N:
        text += " That is too few to measure sentiment reliably; treat every share as indicative."
    return Finding(text, values)


def group_finding(table: pd.DataFrame, *, by: str, overall: dict[str, Any]) -> Finding:
    """Name the group whose comments are most negative, against the share of all comments.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`cxlab.text.sentiment_by`.
    by : str
        What the groups are, in words ("touchpoint", "month" ...).
    overall : dict
        :func:`cxlab.text.negative_share` of all comments.

    Examples
    --------
    >>> t = pd.DataFrame(
    ...     {"n": [40, 60], "negative_share": [0.5, 0.1], "low": [0.35, 0.05],
    ...      "high": [0.65, 0.2], "small": [False, False]},
    ...     index=["checkout", "delivery"],
    ... )  # fmt: skip
    >>> f = group_finding(t, by="touchpoint", overall={"share": 0.26, "low": 0.2, "high": 0.3})
    >>> f.text.split(":")[0], f.facts["apart"]
    ('By touchpoint, comments on checkout are the most negative', True)
    """
    ok = table[~table["small"].astype(bool)].dropna(subset=["negative_share"])
    if len(ok) < 2:
        return Finding.unsupported(
            "Fewer than two {by} groups have {need} or more scored comments, so they cannot "
            "be compared.",
            by=by,
            need=MIN_N,
        )
    worst = ok["negative_share"].idxmax()
    row = ok.loc[worst]
    values = {
        "by": by,
        "group": worst,
        "share": _pct(row["negative_share"]),
        "low": _pct(row["low"]),
        "high": _pct(row["high"]),
        "n": int(row["n"]),
        "all": _pct(overall["share"]),
    }
    apart = row["low"] > overall["high"]
    text = (
        "By {by}, comments on **{group}** are the most negative: {share} (95 % interval {low} "
        "to {high}, n = {n:,}), against {all} of all comments; "
    )
    text += (
        "the intervals do not overlap."
        if apart
        else "the intervals overlap, so it may not stand out beyond chance."
    )
    if by == "month":
        text = text.replace("comments on", "comments in")
    return Finding(text, values, numbers={"group": str(worst), "apart": bool(apart)})


def loop_actions(
    flags: pd.Series | None,
    labels: pd.Series,
    nps: pd.Series | None,
    themes: list[dict[str, Any]],
) -> pd.DataFrame:
    """Plan the closing of the loop: who to call back, what to fix, what to tell customers.

    Parameters
    ----------
    flags : pandas.Series or None
        :func:`cxlab.text.mismatches` (None without NPS answers).
    labels : pandas.Series
        Sentiment labels of the comments.
    nps : pandas.Series or None
        NPS answers of the commenters, aligned with ``labels`` (None without NPS).
    themes : list of dict
        :func:`cxlab.text.top_themes`.

    Returns
    -------
    pandas.DataFrame
        ``loop`` (inner / outer / tell), ``action``, ``who`` — one row per step that the data
        support.

    Examples
    --------
    >>> t = loop_actions(
    ...     pd.Series(["promoter, negative comment", None]),
    ...     pd.Series(["negative", "negative"]),
    ...     pd.Series([10, 3]),
    ...     [{"theme": "wait", "impact": -4.0, "low": -6.0, "high": -2.0, "n": 40}],
    ... )
    >>> t["loop"].tolist()
    ['inner', 'inner', 'outer', 'tell']
    """
    lab = pd.Series(list(labels), dtype=object)
    rows = []
    if nps is not None:
        score = pd.to_numeric(pd.Series(list(nps)), errors="coerce")
        unhappy = int(((score <= 6) & (lab == "negative")).sum())
        rows.append(
            {
                "loop": "inner",
                "action": "call back within two working days, listen, fix what can be fixed",
                "who": f"{unhappy:,} detractors with a negative comment",
            }
        )
    else:
        negative = int((lab == "negative").sum())
        rows.append(
            {
                "loop": "inner",
                "action": "reply to each negative comment that can be traced to a customer",
                "who": f"{negative:,} negative comments",
            }
        )
    if flags is not None:
        k = int(pd.Series(list(flags)).notna().sum())
        rows.append(
            {
                "loop": "inner",
                "action": "a personal call to understand the mixed signal",
                "who": f"{k:,} answer{'' if k == 1 else 's'} whose score and comment disagree",
            }
        )
    hurting = [t for t in themes if t["high"] < 0]
    for t in hurting[:2]:
        rows.append(
            {
                "loop": "outer",
                "action": f"fix the root cause behind “{t['theme']}” and track its mentions",
                "who": f"{t['n']:,} respondents mention it",
            }
        )
    if hurting:
        rows.append(
            {
                "loop": "tell",
                "action": f"“You told us about {hurting[0]['theme']}; here is what we changed” — "
                "in the next newsletter, on receipts and in replies to reviews",
                "who": "every customer, and the ones who raised it by name",
            }
        )
    return pd.DataFrame(rows, columns=["loop", "action", "who"])


def loop_finding(actions: pd.DataFrame) -> Finding:
    """Summarise the closing-the-loop plan in one sentence.

    Examples
    --------
    >>> a = pd.DataFrame({"loop": ["inner", "outer"], "action": ["x", "y"], "who": ["a", "b"]})
    >>> loop_finding(a).text
    'The plan has 1 follow-up with customers and 1 fix to the business behind the complaints.'
    """
    inner = int((actions["loop"] == "inner").sum())
    outer = int((actions["loop"] == "outer").sum())
    if outer == 0:
        return Finding(
            "No theme clearly costs NPS, so the loop closes with the customers themselves: "
            "{inner} follow-up {steps}.",
            {"inner": inner, "steps": "step" if inner == 1 else "steps"},
        )
    return Finding(
        "The plan has {inner} follow-up{s1} with customers and {outer} fix{s2} to the business "
        "behind the complaints.",
        {
            "inner": inner,
            "outer": outer,
            "s1": "" if inner == 1 else "s",
            "s2": "" if outer == 1 else "es",
        },
    )


def chapter_headlines(
    share: dict[str, Any],
    themes: list[dict[str, Any]] | None,
    flags: pd.Series | None,
    *,
    themes_note: str = "",
) -> tuple[dict[str, Any], dict[str, str]]:
    """Collect the chapter's headline numbers and, for each missing one, why it is missing.

    Parameters
    ----------
    share : dict
        :func:`cxlab.text.negative_share` of all comments.
    themes : list of dict or None
        :func:`top_themes` (None when themes or NPS were not available).
    flags : pandas.Series or None
        :func:`cxlab.text.mismatches` (None without NPS answers).
    themes_note : str
        Why there are no themes, when ``themes`` is None or empty.

    Returns
    -------
    dict, dict
        ``negative_comment_share`` ({share, low, high, n}), ``top_themes`` (list of {theme,
        impact, low, high, n}), ``costliest_theme`` ({theme, value, low, high, n}, the first of
        the top themes when its interval lies below zero), ``score_comment_mismatches``; and the
        notes.

    Examples
    --------
    >>> numbers, notes = chapter_headlines(
    ...     {"share": 0.2, "low": 0.1, "high": 0.3, "n": 50}, None, None, themes_note="no NPS"
    ... )
    >>> numbers["top_themes"], notes["top_themes"]
    (None, 'no NPS')
    """
    numbers: dict[str, Any] = {}
    notes: dict[str, str] = {}
    if share.get("n"):
        numbers["negative_comment_share"] = {
            k: round(float(share[k]), 4) for k in ("share", "low", "high")
        } | {"n": int(share["n"])}
    else:
        numbers["negative_comment_share"] = None
        notes["negative_comment_share"] = "no comment could be scored"
    numbers["top_themes"] = themes or None
    costly = [t for t in themes or [] if t["high"] < 0]
    numbers["costliest_theme"] = (
        {
            "theme": costly[0]["theme"],
            "value": costly[0]["impact"],
            "low": costly[0]["low"],
            "high": costly[0]["high"],
            "n": costly[0]["n"],
        }
        if costly
        else None
    )
    if not themes:
        notes["top_themes"] = notes["costliest_theme"] = themes_note or "no themes were found"
    elif not costly:
        notes["costliest_theme"] = "no theme's impact interval lies below zero"
    if flags is None:
        numbers["score_comment_mismatches"] = None
        notes["score_comment_mismatches"] = "the comments have no NPS answers beside them"
    else:
        numbers["score_comment_mismatches"] = int(pd.Series(list(flags)).notna().sum())
    return numbers, notes
