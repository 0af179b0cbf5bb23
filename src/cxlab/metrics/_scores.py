"""NPS, CSAT and CES of one group of answers, each with its interval, as small result objects."""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from typing import Any, ClassVar, Literal

import numpy as np
import pandas as pd

from cxlab import stats
from cxlab.metrics._input import NPS_SCALE, Sample, ScaleLike, ces_scale, csat_scale, sample

__all__ = [
    "METRICS",
    "SMALL_N",
    "CESScore",
    "CSATScore",
    "NPSScore",
    "Score",
    "Scorer",
    "ces",
    "csat",
    "nps",
    "scorer",
]

#: Below this many answers a score carries a warning that its interval is wide.
SMALL_N = 30

#: Resamples drawn by the CES bootstrap.
BOOTSTRAP_RESAMPLES = 2000


def plain(value: Any) -> Any:
    """Turn numpy scalars, tuples and NaN into plain JSON values (NaN becomes None)."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, tuple | list):
        return [plain(v) for v in value]
    return value


def small_sample_warning(n: int) -> str:
    """Return the warning a score carries below :data:`SMALL_N` answers (empty otherwise).

    Examples
    --------
    >>> small_sample_warning(12)
    'only 12 responses: the interval is wide; treat the score as indicative'
    >>> small_sample_warning(30)
    ''
    """
    if n >= SMALL_N:
        return ""
    noun = "response" if n == 1 else "responses"
    return f"only {n} {noun}: the interval is wide; treat the score as indicative"


def join_warnings(*parts: str) -> str:
    """Join non-empty warning texts with ``"; "``."""
    return "; ".join(p for p in parts if p)


def _fpc_text(population: int | None) -> str:
    return "" if population is None else f", finite-population corrected (N = {population:,})"


@dataclass(frozen=True, kw_only=True)
class Score:
    """A score with its confidence interval; the base of the three score results.

    :class:`NPSScore`, :class:`CSATScore` and :class:`CESScore` add their category counts.

    Parameters
    ----------
    value : float
        The score: NPS in points (−100..100), CSAT in percent satisfied (0–100), CES as the mean
        answer on its scale.
    low, high : float
        The confidence interval, in the same unit; ``low <= value <= high``.
    n : int
        Answers the score rests on (missing values excluded).
    method : str
        How the interval was computed, in words, with its source.
    confidence : float
        Confidence level of the interval.
    warning : str
        Empty, or why the score should be read with care (e.g. fewer than 30 answers).
    population : int or None
        Customer-base size used for the finite-population correction, if any.
    column : str
        Name of the column the answers came from.
    """

    metric: ClassVar[str] = ""
    label: ClassVar[str] = ""
    unit: ClassVar[str] = ""
    digits: ClassVar[int] = 1

    value: float
    low: float
    high: float
    n: int
    method: str
    confidence: float
    warning: str = ""
    population: int | None = None
    column: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Return the result as plain JSON-ready data (NaN becomes None).

        This is what :func:`cxlab.headlines.publish` files in ``metrics.json``.
        """
        out: dict[str, Any] = {"metric": self.metric}
        for f in fields(self):
            out[f.name] = plain(getattr(self, f.name))
        return out

    def to_frame(self) -> pd.DataFrame:
        """Return the result as a one-row DataFrame indexed by the metric name."""
        row = {f.name: getattr(self, f.name) for f in fields(self)}
        row = {k: (list(v) if isinstance(v, tuple) else v) for k, v in row.items()}
        return pd.DataFrame([row], index=pd.Index([self.metric], name="metric"))

    def __str__(self) -> str:
        level = f"{self.confidence:.0%}"
        if math.isnan(self.low):
            interval = "no interval"
        else:
            interval = f"{level} CI {self.low:.{self.digits}f} to {self.high:.{self.digits}f}"
        value = f"{self.value:.{self.digits}f}{self.unit}"
        text = f"{self.label} {value} ({interval}; n = {self.n:,}; {self.method})"
        return text + (f" — {self.warning}" if self.warning else "")


@dataclass(frozen=True, kw_only=True)
class NPSScore(Score):
    """Net Promoter Score with its interval; see :func:`nps`.

    Parameters
    ----------
    promoters, passives, detractors : int
        Answers of 9–10, 7–8 and 0–6.
    """

    metric: ClassVar[str] = "nps"
    label: ClassVar[str] = "NPS"
    unit: ClassVar[str] = ""

    promoters: int
    passives: int
    detractors: int

    @property
    def shares(self) -> dict[str, float]:
        """Share (0–1) of promoters, passives and detractors."""
        return {
            "promoters": self.promoters / self.n,
            "passives": self.passives / self.n,
            "detractors": self.detractors / self.n,
        }


@dataclass(frozen=True, kw_only=True)
class CSATScore(Score):
    """Percent satisfied with its interval; see :func:`csat`.

    Parameters
    ----------
    satisfied : int
        Answers at or above ``threshold``.
    satisfied_share : float
        ``satisfied / n`` (0–1).
    threshold : int
        Lowest score counted as satisfied.
    scale : tuple of int
        ``(min, max)`` of the scale.
    """

    metric: ClassVar[str] = "csat"
    label: ClassVar[str] = "CSAT"
    unit: ClassVar[str] = " %"

    satisfied: int
    satisfied_share: float
    threshold: int
    scale: tuple[int, int]


@dataclass(frozen=True, kw_only=True)
class CESScore(Score):
    """Mean customer effort with its interval; see :func:`ces`.

    Parameters
    ----------
    sd : float
        Standard deviation of the answers (NaN for one answer).
    low_effort : int
        Answers on the easy side (see ``easy_threshold``).
    low_effort_share : float
        ``low_effort / n`` (0–1).
    easy_threshold : int
        With ``higher_is_easier`` answers at or above it count as low effort, else at or below.
    higher_is_easier : bool
        Direction of the scale.
    scale : tuple of int
        ``(min, max)`` of the scale.
    """

    metric: ClassVar[str] = "ces"
    label: ClassVar[str] = "CES"
    unit: ClassVar[str] = ""
    digits: ClassVar[int] = 2

    sd: float
    low_effort: int
    low_effort_share: float
    easy_threshold: int
    higher_is_easier: bool
    scale: tuple[int, int]


# ----------------------------------------------------------------------------------------------
# NPS


def nps_counts(s: Sample) -> tuple[int, int, int]:
    """``(promoters, passives, detractors)`` of a 0–10 sample."""
    c = s.counts
    return int(c[9:].sum()), int(c[7:9].sum()), int(c[:7].sum())


def nps_score(s: Sample, *, confidence: float = 0.95, population: int | None = None) -> NPSScore:
    """Build an :class:`NPSScore` from a checked 0–10 sample."""
    promoters, passives, detractors = nps_counts(s)
    n = s.n
    f = stats.fpc_factor(n, population)
    low, high = stats.nps_adjusted_wald(promoters, detractors, n, confidence, f)
    return NPSScore(
        value=100 * ((promoters - detractors) / n),  # as in the interval, to the last bit
        low=100 * float(low),
        high=100 * float(high),
        n=n,
        method="adjusted Wald (Rocks 2016)" + _fpc_text(population),
        confidence=stats.check_confidence(confidence),
        warning=small_sample_warning(n),
        population=population,
        column=s.name,
        promoters=promoters,
        passives=passives,
        detractors=detractors,
    )


def nps(scores: Any, *, confidence: float = 0.95, population: int | None = None) -> NPSScore:
    """Net Promoter Score with its adjusted-Wald confidence interval.

    Answers of 9–10 are promoters, 7–8 passives, 0–6 detractors; the NPS is the percentage of
    promoters minus the percentage of detractors, in points from −100 to 100.

    The interval is Rocks' adjusted Wald: add 3/4 to the promoters and to the detractors (and
    3/2 to the passives, so ``n' = n + 3``), then
    ``(p' - d') ± z sqrt((p' + d' - (p' - d')²) / n')``, clipped to ±100. Rocks compared six
    interval methods on simulated and real NPS data and recommends this one for coverage close
    to nominal at small samples. Where
    the interval, centred on the slightly shrunken ``p' - d'``, misses the observed NPS (only at
    very small ``n`` or near ±100) it is extended to contain it.

    With ``population`` (the size ``N`` of the customer base the answers come from) the standard
    error is multiplied by ``f = sqrt((N - n) / (N - 1))`` and the pseudo-answers by ``f²``, so
    the adjustment fades as the sample approaches a census and a census (``n = N``) gives the
    observed NPS with an interval of zero width.

    Parameters
    ----------
    scores : pandas.Series or array-like
        Likelihood-to-recommend answers, whole numbers 0–10. Missing values are dropped.
    confidence : float, default 0.95
        Confidence level of the interval.
    population : int, optional
        Size of the customer base, for the finite-population correction.

    Returns
    -------
    NPSScore
        ``value``, ``low``, ``high`` (points), ``n``, ``method``, ``confidence``, ``warning``
        (non-empty below 30 answers), ``promoters``, ``passives``, ``detractors``; ``to_frame()``
        and ``to_dict()``.

    Raises
    ------
    cxlab.errors.DataError
        If there are no answers, all are missing, or some are outside 0–10 or not whole numbers;
        the message names the column and up to five rows.
    ValueError
        If ``confidence`` or ``population`` is invalid.

    See Also
    --------
    csat, ces, compare, nps_groups

    References
    ----------
    .. [1] Rocks, B. (2016). Interval estimation for the "net promoter score". *The American
       Statistician*, 70(4), 365–372. https://doi.org/10.1080/00031305.2016.1158124
    .. [2] Reichheld, F. F. (2003). The one number you need to grow. *Harvard Business
       Review*, 81(12), 46–54.
    .. [3] Cochran, W. G. (1977). *Sampling Techniques* (3rd ed.), section 2.6 (finite
       population correction). Wiley.

    Examples
    --------
    >>> answers = pd.Series([10] * 15 + [8] * 10 + [3] * 5, name="nps")
    >>> r = nps(answers)
    >>> round(r.value, 1), r.promoters, r.detractors, r.n
    (33.3, 15, 5, 30)
    >>> round(r.low, 1), round(r.high, 1)
    (4.8, 55.8)
    >>> print(nps([10, 9, 6]).warning)
    only 3 responses: the interval is wide; treat the score as indicative
    """
    s = sample(scores, metric="nps", lo=NPS_SCALE[0], hi=NPS_SCALE[1], whole=True)
    return nps_score(s, confidence=confidence, population=population)


# ----------------------------------------------------------------------------------------------
# CSAT


def csat_score(
    s: Sample,
    *,
    lo: int,
    hi: int,
    threshold: int,
    confidence: float = 0.95,
    population: int | None = None,
) -> CSATScore:
    """Build a :class:`CSATScore` from a checked sample."""
    n = s.n
    satisfied = s.count_at_least(threshold)
    f = stats.fpc_factor(n, population)
    low, high = stats.wilson(satisfied, n, confidence, f)
    return CSATScore(
        value=100 * (satisfied / n),
        low=100 * float(low),
        high=100 * float(high),
        n=n,
        method="Wilson score (Wilson 1927)" + _fpc_text(population),
        confidence=stats.check_confidence(confidence),
        warning=small_sample_warning(n),
        population=population,
        column=s.name,
        satisfied=satisfied,
        satisfied_share=satisfied / n,
        threshold=threshold,
        scale=(lo, hi),
    )


def csat(
    scores: Any,
    *,
    scale: ScaleLike = 5,
    threshold: int | None = None,
    confidence: float = 0.95,
    population: int | None = None,
) -> CSATScore:
    """Compute customer satisfaction: percent satisfied answers, with a Wilson interval.

    By default the satisfied answers are the top two boxes (4–5 on 1–5, 6–7 on 1–7, 4–5 on
    0–5) and 8–10 on 1–10, as in the data contract. Give ``threshold`` for another cut, or pass
    the bundle's declared scale (``scale=bundle.config.csat_scale``), which carries its own
    ``satisfied`` threshold.

    The interval is Wilson's score interval, computed by
    :func:`statsmodels.stats.proportion.proportion_confint`. With ``population`` the score
    test it inverts has its standard error multiplied by ``sqrt((N - n) / (N - 1))``, which is
    the Wilson interval with ``z`` replaced by ``z * sqrt((N - n) / (N - 1))``; a census gives
    zero width.

    Parameters
    ----------
    scores : pandas.Series or array-like
        Satisfaction answers on ``scale``. Missing values are dropped.
    scale : int, (int, int) or Scale, default 5
        The highest score (lowest 1), a ``(min, max)`` pair such as ``(0, 5)``, or a
        :class:`cxlab.contract.config.Scale`.
    threshold : int, optional
        Lowest score that counts as satisfied (default: the contract's cut for the scale, or
        the Scale's ``satisfied``).
    confidence : float, default 0.95
        Confidence level of the interval.
    population : int, optional
        Size of the customer base, for the finite-population correction.

    Returns
    -------
    CSATScore
        ``value``, ``low``, ``high`` (percent), ``n``, ``satisfied``, ``satisfied_share``
        (0–1), ``threshold``, ``scale``, ``method``, ``confidence``, ``warning``.

    Raises
    ------
    cxlab.errors.DataError
        If there are no answers, all are missing, or some are outside the scale; the message
        names the column and up to five rows.
    ValueError
        If the scale, threshold, confidence or population is invalid.

    References
    ----------
    .. [1] Wilson, E. B. (1927). Probable inference, the law of succession, and statistical
       inference. *Journal of the American Statistical Association*, 22(158), 209–212.
    .. [2] Brown, L. D., Cai, T. T., & DasGupta, A. (2001). Interval estimation for a binomial
       proportion. *Statistical Science*, 16(2), 101–133.

    Examples
    --------
    >>> r = csat([5] * 12 + [4] * 12 + [2] * 6)
    >>> r.value, r.satisfied, r.n
    (80.0, 24, 30)
    >>> round(r.low, 1), round(r.high, 1)
    (62.7, 90.5)
    >>> csat([9, 8, 7, 10], scale=10, threshold=8).value
    75.0
    """
    lo, hi, threshold = csat_scale(scale, threshold)
    s = sample(scores, metric="csat", lo=lo, hi=hi, whole=False)
    return csat_score(
        s, lo=lo, hi=hi, threshold=threshold, confidence=confidence, population=population
    )


# ----------------------------------------------------------------------------------------------
# CES


def ces_score(
    s: Sample,
    *,
    lo: int,
    hi: int,
    higher_is_easier: bool,
    easy_threshold: int,
    confidence: float = 0.95,
    population: int | None = None,
    method: Literal["t", "bootstrap"] = "t",
    seed: int | None = 0,
) -> CESScore:
    """Build a :class:`CESScore` from a checked sample."""
    n = s.n
    mean, sd = s.mean(), s.sd()
    f = stats.fpc_factor(n, population)
    if method == "t":
        low, high = (float(x) for x in stats.t_interval(mean, sd, n, confidence, f))
        text = "t interval (Student 1908)"
    elif method == "bootstrap":
        low, high = stats.bootstrap_mean(
            s.points, s.counts, confidence, resamples=BOOTSTRAP_RESAMPLES, seed=seed, fpc=f
        )
        text = f"percentile bootstrap ({BOOTSTRAP_RESAMPLES:,} resamples, seed {seed})"
    else:
        raise ValueError(f"method must be 't' or 'bootstrap'; got {method!r}")
    if not math.isnan(low):
        low, high = max(low, lo), min(high, hi)
    if higher_is_easier:
        easy = s.count_at_least(easy_threshold)
    else:
        easy = s.count_at_most(easy_threshold)
    warning = small_sample_warning(n)
    if n < 2:
        warning = join_warnings(warning, "a single answer has no interval")
    return CESScore(
        value=mean,
        low=low,
        high=high,
        n=n,
        method=text + _fpc_text(population),
        confidence=stats.check_confidence(confidence),
        warning=warning,
        population=population,
        column=s.name,
        sd=sd,
        low_effort=easy,
        low_effort_share=easy / n,
        easy_threshold=easy_threshold,
        higher_is_easier=higher_is_easier,
        scale=(lo, hi),
    )


def ces(
    scores: Any,
    *,
    scale: ScaleLike = 7,
    higher_is_easier: bool | None = None,
    easy_threshold: int | None = None,
    confidence: float = 0.95,
    population: int | None = None,
    method: Literal["t", "bootstrap"] = "t",
    seed: int | None = 0,
) -> CESScore:
    """Compute customer effort: the mean answer with its interval and the low-effort share.

    The interval is Student's t interval by default, or a percentile bootstrap
    (``method="bootstrap"``, 2,000 resamples drawn with ``seed``) when the answers pile up at
    one end of the scale and the mean's sampling distribution is skewed. The bootstrap resamples
    the counts per answer (a multinomial draw), which is the same as resampling the answers and
    costs the same for ten answers or ten million.

    With ``population`` the t interval's standard error, or the bootstrap's distances from the
    mean to its percentiles, are multiplied by ``sqrt((N - n) / (N - 1))``; a census gives zero
    width. Intervals are clipped to the scale.

    Parameters
    ----------
    scores : pandas.Series or array-like
        Effort answers on ``scale``; they need not be whole numbers (e.g. per-customer means).
        Missing values are dropped.
    scale : int, (int, int) or Scale, default 7
        The highest score (lowest 1), a ``(min, max)`` pair, or a
        :class:`cxlab.contract.config.Scale` (``bundle.config.ces_scale``), whose ``direction``
        is then used.
    higher_is_easier : bool, optional
        Direction of the scale; default True (the contract's default), or the Scale's direction.
    easy_threshold : int, optional
        Where low effort starts: answers at or above it (higher is easier) or at or below it
        (higher is harder) count as low effort. Default: the easy side of the midpoint, 5–7 on
        1–7 and 4–5 on 1–5.
    confidence : float, default 0.95
        Confidence level of the interval.
    population : int, optional
        Size of the customer base, for the finite-population correction.
    method : {"t", "bootstrap"}, default "t"
        Interval method.
    seed : int or None, default 0
        Seed of the bootstrap (``numpy.random.default_rng``); unused by the t interval.

    Returns
    -------
    CESScore
        ``value`` (mean), ``low``, ``high``, ``n``, ``sd``, ``low_effort``,
        ``low_effort_share`` (0–1), ``easy_threshold``, ``higher_is_easier``, ``scale``,
        ``method``, ``confidence``, ``warning``. With one answer ``low`` and ``high`` are NaN.

    Raises
    ------
    cxlab.errors.DataError
        If there are no answers, all are missing, or some are outside the scale.
    ValueError
        If an option is invalid.

    References
    ----------
    .. [1] Dixon, M., Freeman, K., & Toman, N. (2010). Stop trying to delight your customers.
       *Harvard Business Review*, 88(7/8), 116–122.
    .. [2] Student (1908). The probable error of a mean. *Biometrika*, 6(1), 1–25.
    .. [3] Efron, B., & Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*,
       chapter 13 (percentile intervals). Chapman & Hall.

    Examples
    --------
    >>> r = ces([6, 7, 5, 2, 6, 7, 3, 6])
    >>> r.value, r.low_effort, r.low_effort_share
    (5.25, 6, 0.75)
    >>> round(r.low, 2), round(r.high, 2)
    (3.72, 6.78)
    >>> b = ces([6, 7, 5, 2, 6, 7, 3, 6], method="bootstrap", seed=1)
    >>> bool(b.low < b.value < b.high), b.method
    (True, 'percentile bootstrap (2,000 resamples, seed 1)')
    """
    lo, hi, easier, easy = ces_scale(scale, higher_is_easier, easy_threshold)
    s = sample(scores, metric="ces", lo=lo, hi=hi, whole=False)
    return ces_score(
        s,
        lo=lo,
        hi=hi,
        higher_is_easier=easier,
        easy_threshold=easy,
        confidence=confidence,
        population=population,
        method=method,
        seed=seed,
    )


# ----------------------------------------------------------------------------------------------
# One entry point for the three metrics, used by comparisons, breakdowns and trends

#: The metrics, in the order they are reported.
METRICS: tuple[str, ...] = ("nps", "csat", "ces")

_OPTIONS: dict[str, tuple[str, ...]] = {
    "nps": (),
    "csat": ("scale", "threshold"),
    "ces": ("scale", "higher_is_easier", "easy_threshold", "method", "seed"),
}


@dataclass(frozen=True)
class Scorer:
    """A metric with its scale resolved once, to score many groups of answers alike.

    Parameters
    ----------
    metric : {"nps", "csat", "ces"}
    lo, hi : int
        The scale.
    settings : dict
        Keyword arguments of the metric's score builder (threshold, direction, method, seed).
    """

    metric: str
    lo: int
    hi: int
    settings: dict[str, Any]

    def sample(self, scores: Any) -> Sample:
        """Check answers on this metric's scale and reduce them to counts."""
        return sample(
            scores, metric=self.metric, lo=self.lo, hi=self.hi, whole=self.metric == "nps"
        )

    def score(self, s: Sample, *, confidence: float = 0.95, population: int | None = None) -> Score:
        """Score a checked sample."""
        if self.metric == "nps":
            return nps_score(s, confidence=confidence, population=population)
        builder = csat_score if self.metric == "csat" else ces_score
        return builder(
            s,
            lo=self.lo,
            hi=self.hi,
            confidence=confidence,
            population=population,
            **self.settings,
        )


def scorer(metric: str, **options: Any) -> Scorer:
    """Resolve a metric name and its scale options into a :class:`Scorer`.

    Parameters
    ----------
    metric : {"nps", "csat", "ces"}
        The metric.
    **options
        ``scale`` and ``threshold`` for CSAT; ``scale``, ``higher_is_easier``,
        ``easy_threshold``, ``method`` and ``seed`` for CES; none for NPS.

    Returns
    -------
    Scorer

    Raises
    ------
    ValueError
        If the metric is unknown or an option does not belong to it.

    Examples
    --------
    >>> s = scorer("csat", scale=10, threshold=8)
    >>> s.lo, s.hi, s.settings
    (1, 10, {'threshold': 8})
    """
    if metric not in METRICS:
        raise ValueError(f"metric must be one of {', '.join(METRICS)}; got {metric!r}")
    unknown = sorted(set(options) - set(_OPTIONS[metric]))
    if unknown:
        allowed = ", ".join(_OPTIONS[metric]) or "none"
        raise ValueError(
            f"option(s) {', '.join(unknown)} do not apply to {metric}; its options: {allowed}"
        )
    if metric == "nps":
        return Scorer("nps", NPS_SCALE[0], NPS_SCALE[1], {})
    if metric == "csat":
        lo, hi, threshold = csat_scale(options.get("scale", 5), options.get("threshold"))
        return Scorer("csat", lo, hi, {"threshold": threshold})
    lo, hi, easier, easy = ces_scale(
        options.get("scale", 7), options.get("higher_is_easier"), options.get("easy_threshold")
    )
    method = options.get("method", "t")
    if method not in ("t", "bootstrap"):
        raise ValueError(f"method must be 't' or 'bootstrap'; got {method!r}")
    settings = {
        "higher_is_easier": easier,
        "easy_threshold": easy,
        "method": method,
        "seed": options.get("seed", 0),
    }
    return Scorer("ces", lo, hi, settings)
