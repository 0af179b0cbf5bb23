"""Comparisons: one group's score against another's, or against a target."""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from typing import Any, Literal

import pandas as pd
from scipy import stats as scipy_stats

from cxlab import stats
from cxlab.metrics._scores import (
    METRICS,
    CESScore,
    CSATScore,
    NPSScore,
    Score,
    join_warnings,
    plain,
    scorer,
    small_sample_warning,
)

__all__ = ["Comparison", "TargetTest", "against_target", "compare", "compare_scores"]

_METHODS = {
    "nps": "difference of adjusted-Wald NPS, z test (Rocks 2016)",
    "csat": (
        "Newcombe hybrid score interval (Newcombe 1998), score test (Miettinen & Nurminen 1985)"
    ),
    "ces": "Welch t interval and test (Welch 1947)",
}


@dataclass(frozen=True, kw_only=True)
class Comparison:
    """The difference between two groups' scores, its interval and a p-value; see :func:`compare`.

    Parameters
    ----------
    metric : {"nps", "csat", "ces"}
    difference : float
        Score of ``a`` minus score of ``b``: NPS points, CSAT percentage points, CES scale
        points.
    low, high : float
        Confidence interval of the difference.
    p_value : float
        Two-sided p-value of "no difference".
    value_a, value_b : float
        The two scores.
    n_a, n_b : int
        Answers in each group.
    method : str
        The interval and test used, with sources.
    confidence : float
        Confidence level of the interval.
    warning : str
        Empty, or why the result should be read with care.
    """

    metric: str
    difference: float
    low: float
    high: float
    p_value: float
    value_a: float
    value_b: float
    n_a: int
    n_b: int
    method: str
    confidence: float
    warning: str = ""

    @property
    def significant(self) -> bool:
        """Whether ``p_value`` is below ``1 - confidence``."""
        return bool(self.p_value < 1 - self.confidence)

    def to_dict(self) -> dict[str, Any]:
        """Return the comparison as plain JSON-ready data (NaN becomes None)."""
        return {f.name: plain(getattr(self, f.name)) for f in fields(self)}

    def to_frame(self) -> pd.DataFrame:
        """Return the comparison as a one-row DataFrame indexed by the metric name."""
        row = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "metric"}
        return pd.DataFrame([row], index=pd.Index([self.metric], name="metric"))


@dataclass(frozen=True, kw_only=True)
class TargetTest:
    """A score tested against a target; see :func:`against_target`.

    Parameters
    ----------
    metric : {"nps", "csat", "ces"}
    value, low, high : float
        The score and its confidence interval.
    n : int
        Answers.
    target : float
        The target, in the score's unit.
    difference : float
        ``value - target``.
    p_value : float
        Two-sided p-value of "the score equals the target".
    p_above, p_below : float
        One-sided p-values of "the score is not above the target" and "... not below it": a
        small ``p_above`` is evidence that the score is above the target.
    verdict : {"above target", "below target", "not distinguishable from target"}
        At level ``1 - confidence``, two-sided.
    method : str
        The test used, with its source.
    confidence : float
    warning : str
    """

    metric: str
    value: float
    low: float
    high: float
    n: int
    target: float
    difference: float
    p_value: float
    p_above: float
    p_below: float
    verdict: str
    method: str
    confidence: float
    warning: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Return the test as plain JSON-ready data (NaN becomes None)."""
        return {f.name: plain(getattr(self, f.name)) for f in fields(self)}

    def to_frame(self) -> pd.DataFrame:
        """Return the test as a one-row DataFrame indexed by the metric name."""
        row = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "metric"}
        return pd.DataFrame([row], index=pd.Index([self.metric], name="metric"))


def _as_score(x: Any, metric: str, options: dict[str, Any], population: int | None) -> Score:
    if isinstance(x, Score):
        if x.metric != metric:
            raise ValueError(f"cannot treat a {x.metric} result as {metric}")
        return x
    sc = scorer(metric, **options)
    return sc.score(sc.sample(x), population=population)


def _metric_of(a: Any, b: Any, metric: str | None) -> str:
    found = {x.metric for x in (a, b) if isinstance(x, Score)}
    if len(found) > 1:
        raise ValueError(f"cannot compare results of different metrics: {sorted(found)}")
    if metric is None:
        return found.pop() if found else "nps"
    if metric not in METRICS:
        raise ValueError(f"metric must be one of {', '.join(METRICS)}; got {metric!r}")
    if found and found != {metric}:
        raise ValueError(f"metric={metric!r} but the results given are {found.pop()}")
    return metric


def compare_scores(a: Score, b: Score, *, confidence: float = 0.95) -> Comparison:
    """Compare two score results of the same metric (see :func:`compare`)."""
    level = stats.check_confidence(confidence)
    metric = a.metric
    if isinstance(a, NPSScore) and isinstance(b, NPSScore):
        low, high, p = stats.nps_difference(
            (a.promoters, a.detractors, a.n), (b.promoters, b.detractors, b.n), level
        )
        low, high = 100 * low, 100 * high
    elif isinstance(a, CSATScore) and isinstance(b, CSATScore):
        low, high, p = stats.csat_difference((a.satisfied, a.n), (b.satisfied, b.n), level)
        low, high = 100 * low, 100 * high
    elif isinstance(a, CESScore) and isinstance(b, CESScore):
        low, high, p = stats.ces_difference((a.value, a.sd, a.n), (b.value, b.sd, b.n), level)
    else:
        raise ValueError(f"cannot compare a {a.metric} result with a {b.metric} result")
    notes = []
    for label, r in (("a", a), ("b", b)):
        if r.n < 30:
            notes.append(f"group {label}: {small_sample_warning(r.n)}")
    if metric == "ces" and math.isnan(p):
        notes.append("a group with a single answer cannot be compared")
    return Comparison(
        metric=metric,
        difference=a.value - b.value,
        low=low,
        high=high,
        p_value=p,
        value_a=a.value,
        value_b=b.value,
        n_a=a.n,
        n_b=b.n,
        method=_METHODS[metric],
        confidence=level,
        warning=join_warnings(*notes),
    )


def compare(
    a: Any,
    b: Any,
    *,
    metric: Literal["nps", "csat", "ces"] | None = None,
    confidence: float = 0.95,
    **options: Any,
) -> Comparison:
    """Compare the scores of two independent groups of answers.

    * **NPS**: the difference of the two adjusted-Wald scores (each group gets its 3/4
      promoter and 3/4 detractor, as in :func:`nps`), with standard error
      ``sqrt(se_a² + se_b²)`` and a two-sided z test of the adjusted difference, so the
      p-value is below ``1 - confidence`` exactly when the interval excludes 0. ``difference``
      itself is the plain difference of the two scores.
    * **CSAT**: Newcombe's hybrid score interval for a difference of proportions (his method
      10, built from the two Wilson intervals) and the Miettinen–Nurminen score test, both from
      :mod:`statsmodels.stats.proportion`.
    * **CES**: Welch's t interval and test (unequal variances, Welch–Satterthwaite degrees of
      freedom).

    The groups must be independent (different respondents), e.g. two touchpoints or two
    quarters with different customers.

    Parameters
    ----------
    a, b : pandas.Series, array-like or score result
        The two groups' answers, or results of :func:`nps` / :func:`csat` / :func:`ces`.
    metric : {"nps", "csat", "ces"}, optional
        Default: the metric of the results given, else ``"nps"``.
    confidence : float, default 0.95
        Confidence level of the interval of the difference.
    **options
        Scale options of the metric for raw answers (see :func:`csat` and :func:`ces`).

    Returns
    -------
    Comparison
        ``difference`` (a − b), ``low``, ``high``, ``p_value``, ``value_a``, ``value_b``,
        ``n_a``, ``n_b``, ``method``, ``confidence``, ``warning``; ``significant``,
        ``to_frame()`` and ``to_dict()``.

    Raises
    ------
    cxlab.errors.DataError
        If a group's answers are empty or invalid.
    ValueError
        If the metric or an option is invalid, or results of different metrics are given.

    References
    ----------
    .. [1] Rocks, B. (2016). Interval estimation for the "net promoter score". *The American
       Statistician*, 70(4), 365–372.
    .. [2] Newcombe, R. G. (1998). Interval estimation for the difference between independent
       proportions: comparison of eleven methods. *Statistics in Medicine*, 17(8), 873–890.
    .. [3] Miettinen, O., & Nurminen, M. (1985). Comparative analysis of two rates.
       *Statistics in Medicine*, 4(2), 213–226.
    .. [4] Welch, B. L. (1947). The generalization of "Student's" problem when several
       different population variances are involved. *Biometrika*, 34(1–2), 28–35.

    Examples
    --------
    >>> c = compare([5] * 40 + [2] * 10, [5] * 25 + [2] * 25, metric="csat")
    >>> c.difference, round(c.low, 1), round(c.high, 1), round(c.p_value, 4)
    (30.0, 11.3, 46.0, 0.0018)
    >>> c.significant
    True
    """
    metric = _metric_of(a, b, metric)
    sa = _as_score(a, metric, options, None)
    sb = _as_score(b, metric, options, None)
    return compare_scores(sa, sb, confidence=confidence)


def _check_target(metric: str, target: float, score: Score) -> float:
    if isinstance(target, bool):
        raise ValueError(f"target must be a number; got {target!r}")
    t = float(target)
    if metric == "nps" and not -100 <= t <= 100:
        raise ValueError(f"an NPS target is in points from -100 to 100; got {target!r}")
    if metric == "csat" and not 0 < t < 100:
        raise ValueError(
            f"a CSAT target is a percentage strictly between 0 and 100 (e.g. 85); got {target!r}"
        )
    if isinstance(score, CESScore) and not score.scale[0] <= t <= score.scale[1]:
        raise ValueError(
            f"a CES target lies on the scale {score.scale[0]}–{score.scale[1]}; got {target!r}"
        )
    return t


def against_target(
    scores: Any,
    *,
    metric: Literal["nps", "csat", "ces"] | None = None,
    target: float,
    confidence: float = 0.95,
    population: int | None = None,
    **options: Any,
) -> TargetTest:
    """Test whether a score is above or below a target, with its interval.

    One-sample tests matched to each score's interval, so the verdict agrees with whether the
    target lies inside the interval (up to the interval's clipping and extension to contain the
    observed score):

    * **NPS**: z test of the adjusted-Wald score, ``(p' - d' - target) / se'`` (Rocks 2016).
    * **CSAT**: the score test of one proportion,
      ``(p̂ - target) / sqrt(target (1 - target) / n)``, whose inversion is the Wilson interval.
    * **CES**: one-sample t test.

    With ``population`` each standard error is multiplied by ``sqrt((N - n) / (N - 1))``, as in
    the intervals.

    Parameters
    ----------
    scores : pandas.Series, array-like or score result
        The answers, or a result of :func:`nps` / :func:`csat` / :func:`ces` (its own
        ``population`` is then used).
    metric : {"nps", "csat", "ces"}, optional
        Default: the result's metric, else ``"nps"``.
    target : float
        NPS points, CSAT percent (strictly between 0 and 100) or CES on its scale.
    confidence : float, default 0.95
        Confidence level of the interval; the verdict uses level ``1 - confidence``.
    population : int, optional
        Size of the customer base, for the finite-population correction.
    **options
        Scale options of the metric (see :func:`csat` and :func:`ces`).

    Returns
    -------
    TargetTest
        ``value``, ``low``, ``high``, ``n``, ``target``, ``difference``, ``p_value``,
        ``p_above``, ``p_below``, ``verdict``, ``method``, ``confidence``, ``warning``.

    Raises
    ------
    cxlab.errors.DataError
        If the answers are empty or invalid.
    ValueError
        If the target or an option is invalid.

    References
    ----------
    .. [1] Rocks, B. (2016). Interval estimation for the "net promoter score". *The American
       Statistician*, 70(4), 365–372.
    .. [2] Wilson, E. B. (1927). Probable inference, the law of succession, and statistical
       inference. *Journal of the American Statistical Association*, 22(158), 209–212.

    Examples
    --------
    >>> t = against_target([5] * 45 + [4] * 40 + [2] * 15, metric="csat", target=75)
    >>> t.value, t.verdict, round(t.p_above, 4)
    (85.0, 'above target', 0.0105)
    """
    found = scores.metric if isinstance(scores, Score) else None
    metric = metric or found or "nps"
    if metric not in METRICS:
        raise ValueError(f"metric must be one of {', '.join(METRICS)}; got {metric!r}")
    level = stats.check_confidence(confidence)
    if isinstance(scores, Score):
        s = _as_score(scores, metric, {}, None)
        if options:
            raise ValueError("scale options apply to raw answers, not to a score result")
        if s.confidence != level:
            # re-express the interval at the requested level from the same counts
            s = _rescore(s, level)
    else:
        sc = scorer(metric, **options)
        s = sc.score(sc.sample(scores), confidence=level, population=population)
    t = _check_target(metric, target, s)
    f = stats.fpc_factor(s.n, s.population)
    if isinstance(s, NPSScore):
        centre, se = stats.nps_adjusted(s.promoters, s.detractors, s.n, f)
        stat, se = 100 * float(centre) - t, 100 * float(se)
        dist: Any = scipy_stats.norm
        method = "z test of the adjusted-Wald NPS (Rocks 2016)"
    elif isinstance(s, CSATScore):
        p0 = t / 100
        stat, se = s.value - t, 100 * f * math.sqrt(p0 * (1 - p0) / s.n)
        dist = scipy_stats.norm
        method = "score test of one proportion (Wilson 1927)"
    else:
        stat, se = s.value - t, f * s.sd / math.sqrt(s.n) if s.n >= 2 else float("nan")
        dist = scipy_stats.t(s.n - 1) if s.n >= 2 else None
        method = "one-sample t test (Student 1908)"
    if dist is None or math.isnan(se):
        p_above = p_below = float("nan")
    elif se == 0:  # a census, or answers without spread: the score is known exactly
        p_above = 0.0 if stat > 0 else 1.0
        p_below = 0.0 if stat < 0 else 1.0
    else:
        z = stat / se
        p_above, p_below = float(dist.sf(z)), float(dist.cdf(z))
    p_value = min(1.0, 2 * min(p_above, p_below)) if not math.isnan(p_above) else float("nan")
    alpha = 1 - level
    if p_value < alpha:
        verdict = "above target" if p_above < p_below else "below target"
    else:
        verdict = "not distinguishable from target"
    if s.population is not None:
        method += f", finite-population corrected (N = {s.population:,})"
    return TargetTest(
        metric=metric,
        value=s.value,
        low=s.low,
        high=s.high,
        n=s.n,
        target=t,
        difference=s.value - t,
        p_value=p_value,
        p_above=p_above,
        p_below=p_below,
        verdict=verdict,
        method=method,
        confidence=level,
        warning=s.warning,
    )


def _rescore(s: Score, level: float) -> Score:
    """Recompute a result's interval at another confidence level from the same counts."""
    from dataclasses import replace

    f = stats.fpc_factor(s.n, s.population)
    if isinstance(s, NPSScore):
        low, high = stats.nps_adjusted_wald(s.promoters, s.detractors, s.n, level, f)
        return replace(s, low=100 * float(low), high=100 * float(high), confidence=level)
    if isinstance(s, CSATScore):
        low, high = stats.wilson(s.satisfied, s.n, level, f)
        return replace(s, low=100 * float(low), high=100 * float(high), confidence=level)
    if isinstance(s, CESScore) and s.method.startswith("t interval"):
        low, high = stats.t_interval(s.value, s.sd, s.n, level, f)
        lo, hi = s.scale
        return replace(s, low=max(float(low), lo), high=min(float(high), hi), confidence=level)
    raise ValueError(
        "a bootstrap CES result keeps the confidence it was computed with; pass the same "
        "confidence or the raw answers"
    )
