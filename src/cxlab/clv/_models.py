"""BG/NBD and Gamma-Gamma, fitted by maximum likelihood with scipy.

Why written here: ``lifetimes`` has not been maintained since 2020 and its ``autograd`` dependency
fails on current NumPy; ``pymc-marketing`` fits the same models by MCMC, which is heavy for a
small-business laptop. Both models have closed-form likelihoods that take a few lines of
``scipy.special``, so we fit them directly: the parameters are optimised on the log scale (so they
stay positive) by L-BFGS-B with the analytic gradient (digamma terms); customers with the same
``(x, t_x, T)`` are pooled with weights (the likelihood of a large log is then a few thousand
terms); standard errors come from the inverse of a numerical Hessian of the negative
log-likelihood at the optimum.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize, special

from cxlab.errors import DataError

__all__ = ["BOUNDS", "BetaGeo", "FitDiagnostics", "GammaGamma"]


@dataclass(frozen=True)
class FitDiagnostics:
    """How a maximum-likelihood fit went.

    Parameters
    ----------
    log_likelihood : float
        The maximised log-likelihood (sum over customers).
    n : int
        Customers the fit used.
    converged : bool
        Whether the optimiser reported success.
    iterations : int
        Optimiser iterations.
    message : str
        The optimiser's message.
    at_bound : tuple of str
        Parameters that ended at an end of :data:`BOUNDS` (the data show no spread there).
    """

    log_likelihood: float
    n: int
    converged: bool
    iterations: int
    message: str
    at_bound: tuple[str, ...] = ()


def _as_arrays(*columns: Any, names: tuple[str, ...]) -> list[np.ndarray]:
    arrays = []
    for name, col in zip(names, columns, strict=True):
        a = np.asarray(col, dtype="float64").ravel()
        if a.size and not np.isfinite(a).all():
            raise ValueError(f"{name} holds missing or infinite values; drop those customers first")
        if (a < 0).any():
            raise ValueError(f"{name} must not be negative")
        arrays.append(a)
    sizes = {a.size for a in arrays}
    if len(sizes) != 1:
        raise ValueError(f"{', '.join(names)} must have the same length; got {sorted(sizes)}")
    return arrays


def _shaped(out: np.ndarray, *inputs) -> np.ndarray | float:
    """Return a float when every input was a scalar, else the array."""
    if all(np.ndim(i) == 0 for i in inputs) and np.size(out) == 1:
        return float(np.asarray(out).ravel()[0])
    return out


def _near_one(f, a: float, h: float = 1e-4):
    """Evaluate ``f(a)``; near ``a = 1`` (a removable 0/0) average ``f(1 - h)`` and ``f(1 + h)``."""
    if abs(a - 1) < h:
        return (f(1 - h) + f(1 + h)) / 2
    return f(a)


def _pool(*arrays: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    """Return the unique rows of the stacked arrays and how many customers share each."""
    stacked = np.column_stack(arrays)
    unique, counts = np.unique(stacked, axis=0, return_counts=True)
    return [unique[:, i] for i in range(unique.shape[1])], counts.astype("float64")


def _hessian(f, x: np.ndarray) -> np.ndarray:
    """Central-difference Hessian of ``f`` at ``x`` (relative steps)."""
    k = x.size
    h = 1e-4 * np.maximum(np.abs(x), 1e-2)
    hess = np.empty((k, k))
    for i in range(k):
        for j in range(i, k):
            ei = np.zeros(k)
            ej = np.zeros(k)
            ei[i] = h[i]
            ej[j] = h[j]
            value = (f(x + ei + ej) - f(x + ei - ej) - f(x - ei + ej) + f(x - ei - ej)) / (
                4 * h[i] * h[j]
            )
            hess[i, j] = hess[j, i] = value
    return hess


#: Parameters are searched between these values. Beyond them the models' closed forms lose
#: precision (the hypergeometric function fails near 1e5), and a value at either end says the
#: data show no spread in that quantity: customers buy at one rate, or drop out alike.
BOUNDS = (1e-4, 1e4)


def _fit(negll, k: int, start: np.ndarray | None = None):
    """Minimise ``negll`` (value and gradient in log-parameters) within :data:`BOUNDS`.

    SLSQP with the analytic gradient from ``start`` (default: every parameter 1); when it does
    not converge, L-BFGS-B from a second start.
    """
    bounds = [(np.log(BOUNDS[0]), np.log(BOUNDS[1]))] * k
    starts = [np.zeros(k)] if start is None else [np.log(np.clip(start, *BOUNDS))]
    starts.append(np.full(k, 0.5))
    best = None
    methods = [("SLSQP", {"ftol": 1e-12, "maxiter": 1000})]
    methods.append(("L-BFGS-B", {"ftol": 1e-15, "gtol": 1e-8, "maxiter": 5000}))
    for x0, (method, options) in zip(starts, methods, strict=True):
        with np.errstate(all="ignore"):
            res = optimize.minimize(
                negll, x0, jac=True, method=method, bounds=bounds, options=options
            )
        if not np.isfinite(res.fun):
            continue
        if best is None or res.fun < best.fun:
            best = res
        if res.success:
            break
    return best


def _at_bound(names: tuple[str, ...], params: np.ndarray) -> tuple[str, ...]:
    lo, hi = np.log(BOUNDS)
    logp = np.log(params)
    return tuple(n for n, v in zip(names, logp, strict=True) if v < lo + 1e-3 or v > hi - 1e-3)


def _standard_errors(negll_natural, params: np.ndarray) -> np.ndarray:
    with np.errstate(all="ignore"):
        hess = _hessian(negll_natural, params)
        try:
            cov = np.linalg.inv(hess)
        except np.linalg.LinAlgError:
            return np.full(params.size, np.nan)
    diag = np.diag(cov)
    return np.where(diag > 0, np.sqrt(np.abs(diag)), np.nan)


class _Fitted:
    _names: tuple[str, ...] = ()

    def _check_fitted(self) -> None:
        if not hasattr(self, "params_"):
            raise RuntimeError(f"{type(self).__name__} is not fitted yet; call fit(...) first")

    def _keep(self, res, negll_natural, n: int):
        """Store a finished fit: parameters, their standard errors and the diagnostics."""
        params = np.exp(res.x)
        self.params_ = pd.Series(dict(zip(self._names, params, strict=True)), name="estimate")
        se = _standard_errors(negll_natural, params)
        self.standard_errors_ = pd.Series(dict(zip(self._names, se, strict=True)), name="se")
        self.diagnostics_ = FitDiagnostics(
            -float(res.fun), n, bool(res.success), int(res.nit), res.message,
            _at_bound(self._names, params),
        )  # fmt: skip
        return self

    def _p(self) -> tuple[float, ...]:
        self._check_fitted()
        return tuple(float(self.params_[n]) for n in self._names)

    def summary(self) -> pd.DataFrame:
        """Parameters with standard errors and 95 % intervals.

        The interval is Wald's on the log scale (``estimate * exp(±1.96 se / estimate)``), so it
        stays positive like the parameter. A parameter at an end of :data:`BOUNDS` has no
        standard error or interval (the likelihood is flat there).

        Returns
        -------
        pandas.DataFrame
            Index: parameter names; columns ``estimate``, ``se``, ``low``, ``high``.
        """
        self._check_fitted()
        est = self.params_[list(self._names)].astype("float64")
        se = self.standard_errors_[list(self._names)].astype("float64")
        bound = list(getattr(getattr(self, "diagnostics_", None), "at_bound", ()))
        se[bound] = np.nan
        spread = np.exp(1.96 * se / est)
        return pd.DataFrame({"estimate": est, "se": se, "low": est / spread, "high": est * spread})


def bgnbd_loglik(params, x, t_x, T) -> np.ndarray:
    """Per-customer BG/NBD log-likelihood (Fader, Hardie & Lee 2005, equation 6)."""
    r, alpha, a, b = params
    x = np.asarray(x, dtype="float64")
    a1 = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha)
    a2 = special.betaln(a, b + x) - special.betaln(a, b)
    a3 = -(r + x) * np.log(alpha + T)
    with np.errstate(divide="ignore", invalid="ignore"):
        a4 = np.where(
            x > 0,
            np.log(a) - np.log(np.maximum(b + x - 1, 1e-300)) - (r + x) * np.log(alpha + t_x),
            -np.inf,
        )
    return a1 + a2 + np.logaddexp(a3, a4)


def _bgnbd_grad(params, x, t_x, T) -> tuple[np.ndarray, np.ndarray]:
    """Per-customer log-likelihood and its gradient in (r, alpha, a, b), shape (4, n)."""
    r, alpha, a, b = params
    ll = bgnbd_loglik(params, x, t_x, T)
    a3 = -(r + x) * np.log(alpha + T)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        a4 = np.where(
            x > 0,
            np.log(a) - np.log(np.maximum(b + x - 1, 1e-300)) - (r + x) * np.log(alpha + t_x),
            -np.inf,
        )
        norm = np.logaddexp(a3, a4)
        w3 = np.exp(a3 - norm)
        w4 = np.exp(a4 - norm)
        dg = special.digamma
        d_r = dg(r + x) - dg(r) + np.log(alpha) - w3 * np.log(alpha + T) - w4 * np.log(alpha + t_x)
        d_alpha = r / alpha - w3 * (r + x) / (alpha + T) - w4 * (r + x) / (alpha + t_x)
        d_a = dg(a + b) - dg(a + b + x) + w4 / a
        d_b = (
            dg(b + x) - dg(a + b + x) - dg(b) + dg(a + b)
            - np.where(x > 0, w4 / np.maximum(b + x - 1, 1e-300), 0.0)
        )  # fmt: skip
    return ll, np.vstack([d_r, d_alpha, d_a, d_b])


def _gamma_gamma_grad(params, x, zbar) -> np.ndarray:
    """Gradient of the per-customer Gamma-Gamma log-likelihood in (p, q, v), shape (3, n)."""
    p, q, v = params
    dg = special.digamma
    d_p = x * (dg(p * x + q) - dg(p * x) + np.log(zbar) + np.log(x) - np.log(v + x * zbar))
    d_q = dg(p * x + q) - dg(q) + np.log(v) - np.log(v + x * zbar)
    d_v = q / v - (p * x + q) / (v + x * zbar)
    return np.vstack([d_p, d_q, d_v])


def conditional_purchases(t, r, alpha, a, b, x, T) -> np.ndarray:
    """E[Y(t) | x, T] before the factor P(alive) (Fader, Hardie & Lee 2005, equation 10).

    Every argument broadcasts, so parameter draws (columns) meet customers (rows) in one call.
    At ``a = 1`` the formula is a removable 0/0; within 1e-4 of it, both sides are averaged.
    """
    z = t / (alpha + T + t)
    base = ((alpha + T) / (alpha + T + t)) ** (r + x)

    def at(a_):
        hyp = special.hyp2f1(r + x, b + x, a_ + b + x - 1, z)
        return (a_ + b + x - 1) / (a_ - 1) * (1 - base * hyp)

    h = 1e-4
    near = np.abs(np.asarray(a) - 1) < h
    value = at(np.where(near, 1 - h, a))
    if near.any():
        value = np.where(near, (value + at(np.where(near, 1 + h, a))) / 2, value)
    return value


def alive_probability(r, alpha, a, b, x, t_x, T) -> np.ndarray:
    """P(alive | x, t_x, T) (Fader, Hardie & Lee 2005, equation 11); arguments broadcast."""
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        log_odds = (
            np.log(a)
            - np.log(np.maximum(b + x - 1, 1e-300))
            + (r + x) * (np.log(alpha + T) - np.log(alpha + t_x))
        )
        return np.where(x > 0, 1.0 / (1.0 + np.exp(log_odds)), 1.0)


def spend_expectation(p, q, v, x, m) -> np.ndarray:
    """Gamma-Gamma E[spend | x, zbar] (Fader & Hardie 2013, equation 5); arguments broadcast.

    Where ``p x + q - 1 <= 0`` (possible when ``q <= 1``) the formula has no value and the
    customer gets the mean spend of the repeat buyers (along the last axis) whose value is
    defined, or 0 when there are none.
    """
    m = np.where(x > 0, m, 0.0)
    denominator = p * x + q - 1
    defined = denominator > 0
    spend = np.where(defined, (v + x * m) * p / np.where(defined, denominator, 1.0), np.nan)
    if defined.all():
        return spend
    repeat = (x > 0) & defined
    counts = repeat.sum(axis=-1, keepdims=True)
    total = np.where(repeat, m, 0.0).sum(axis=-1, keepdims=True)
    fallback = np.divide(total, counts, out=np.zeros(np.shape(total)), where=counts > 0)
    return np.where(defined, spend, fallback)


class BetaGeo(_Fitted):
    """The BG/NBD model of repeat buying ("buy till you die"), fitted by maximum likelihood.

    While alive, a customer buys as a Poisson process with rate ``lambda``; rates vary across
    customers as Gamma(``r``, ``alpha``). After every purchase the customer drops out for good
    with probability ``p``; ``p`` varies across customers as Beta(``a``, ``b``). Only three numbers
    per customer enter the likelihood: the repeat purchases ``x`` (``frequency``), the time of
    the last one ``t_x`` (``recency``) and the time observed ``T``, all from the first purchase.

    Follows scikit-learn's estimator contract: nothing happens in ``__init__``; :meth:`fit`
    returns the model with ``params_`` (a Series ``r``, ``alpha``, ``a``, ``b``),
    ``standard_errors_`` and ``diagnostics_``.

    Examples
    --------
    >>> bg = BetaGeo()
    >>> bg.params_ = pd.Series({"r": 0.25, "alpha": 4.4, "a": 0.8, "b": 2.4})
    >>> round(float(bg.p_alive(0, 0, 10)), 3)  # no repeat purchase yet: certainly alive
    1.0
    >>> bool(bg.p_alive(3, 5, 30) < bg.p_alive(3, 25, 30))  # a recent last purchase: more alive
    True

    References
    ----------
    Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). "Counting your customers" the easy way:
    an alternative to the Pareto/NBD model. *Marketing Science* 24(2), 275–284.
    """

    _names = ("r", "alpha", "a", "b")

    def fit(self, frequency, recency, T, *, weights=None) -> BetaGeo:
        """Fit the four parameters to one row per customer.

        Parameters
        ----------
        frequency, recency, T : array-like
            Repeat purchases, time of the last purchase and time observed, from the first
            purchase, in one time unit (see :func:`rfm_summary`).
        weights : array-like, optional
            How many customers each row stands for.

        Returns
        -------
        BetaGeo
            ``self``.

        Raises
        ------
        DataError
            When no customer bought more than once (the repeat rate cannot be estimated), or
            recency exceeds T.
        """
        x, t_x, T = _as_arrays(frequency, recency, T, names=("frequency", "recency", "T"))
        if x.size == 0:
            raise DataError.make(
                "there are no customers to fit the purchase model to",
                rule="no_customers",
                table="transactions",
                hint="the purchase model needs dated purchases of at least a few dozen customers",
            )
        if (t_x > T + 1e-9).any():
            raise ValueError("recency cannot exceed T; was the summary built with a later date?")
        if not (x > 0).any():
            raise DataError.make(
                f"every one of the {x.size:,} customers bought only once, so nothing says how "
                "often customers come back",
                rule="no_repeat_purchases",
                table="transactions",
                column="customer_id",
                hint="a repeat-purchase model needs customers who bought on at least two days; "
                "check that customer ids identify the same customer across orders",
            )
        w = np.ones_like(x) if weights is None else np.asarray(weights, dtype="float64")
        if weights is None:
            (x, t_x, T), w = _pool(x, t_x, T)

        def negll_natural(p):
            if (np.asarray(p) <= 0).any():
                return np.inf
            return -float(np.sum(w * bgnbd_loglik(p, x, t_x, T)))

        def negll(logp):
            p = np.exp(logp)
            ll, grad = _bgnbd_grad(p, x, t_x, T)
            value = -float(np.sum(w * ll))
            if not np.isfinite(value):
                return 1e300, np.zeros(4)
            return value, -(grad @ w) * p

        res = _fit(negll, 4)
        return self._keep(res, negll_natural, int(w.sum()))

    def log_likelihood(self, frequency, recency, T) -> np.ndarray:
        """Per-customer log-likelihood under the fitted parameters."""
        return bgnbd_loglik(
            self._p(), *_as_arrays(frequency, recency, T, names=("frequency", "recency", "T"))
        )

    def expected_purchases_new(self, t) -> np.ndarray:
        """E[X(t)]: repeat purchases a new customer makes in ``t`` time units (FHL eq. 7).

        Examples
        --------
        >>> bg = BetaGeo()
        >>> bg.params_ = pd.Series({"r": 1.0, "alpha": 1.0, "a": 2.0, "b": 1e9})
        >>> round(float(bg.expected_purchases_new(3.0)), 4)  # b huge: nobody dies, E = t r/alpha
        3.0
        """
        r, alpha, _, b = self._p()
        t = np.asarray(t, dtype="float64")
        z = t / (alpha + t)

        def at(a):
            hyp = special.hyp2f1(r, b, a + b - 1, z)
            return (a + b - 1) / (a - 1) * (1 - (alpha / (alpha + t)) ** r * hyp)

        return _near_one(at, self._p()[2])

    def expected_purchases(self, t, frequency, recency, T) -> np.ndarray:
        """E[Y(t) | x, t_x, T]: repeat purchases a known customer makes in the next ``t`` units.

        Fader, Hardie & Lee (2005), equation 10.

        Parameters
        ----------
        t : float or array-like
            Length of the future period, in the summary's time unit.
        frequency, recency, T : array-like
            The customer's history.

        Returns
        -------
        numpy.ndarray
        """
        r, alpha, a, b = self._p()
        inputs = (t, frequency, recency, T)
        x, t_x, T = _as_arrays(frequency, recency, T, names=("frequency", "recency", "T"))
        t = np.asarray(t, dtype="float64")
        value = conditional_purchases(t, r, alpha, a, b, x, T)
        return _shaped(value * alive_probability(r, alpha, a, b, x, t_x, T), *inputs)

    def p_alive(self, frequency, recency, T) -> np.ndarray:
        """P(alive | x, t_x, T): the chance the customer has not yet dropped out (FHL eq. 11).

        A customer who has not made a repeat purchase is alive for sure (the model lets
        customers drop out only right after a purchase).
        """
        r, alpha, a, b = self._p()
        scalar = all(np.ndim(i) == 0 for i in (frequency, recency, T))
        x, t_x, T = _as_arrays(frequency, recency, T, names=("frequency", "recency", "T"))
        out = alive_probability(r, alpha, a, b, x, t_x, T)
        return float(out[0]) if scalar else out


def gamma_gamma_loglik(params, x, zbar) -> np.ndarray:
    """Per-customer Gamma-Gamma log-likelihood of the mean spend ``zbar`` over ``x`` purchases."""
    p, q, v = params
    px = p * x
    return (
        special.gammaln(px + q)
        - special.gammaln(px)
        - special.gammaln(q)
        + q * np.log(v)
        + (px - 1) * np.log(zbar)
        + px * np.log(x)
        - (px + q) * np.log(v + x * zbar)
    )


class GammaGamma(_Fitted):
    """The Gamma-Gamma model of spend per transaction, fitted by maximum likelihood.

    A customer's transaction values are Gamma(``p``, ``nu``) around their own mean ``p/nu``;
    ``nu`` varies across customers as Gamma(``q``, ``v``) (``v`` is the papers' gamma). The model
    shrinks a customer's observed average spend towards the population mean, the more so the
    fewer transactions it rests on. It assumes spend does not depend on how often one buys
    (check the correlation of ``frequency`` and ``monetary`` among repeat buyers).

    Fitted attributes: ``params_`` (``p``, ``q``, ``v``), ``standard_errors_``, ``diagnostics_``.

    Examples
    --------
    >>> gg = GammaGamma()
    >>> gg.params_ = pd.Series({"p": 6.0, "q": 4.0, "v": 15.0})
    >>> float(gg.conditional_expected_spend(0, 0))  # no repeat purchase: population mean p v/(q-1)
    30.0
    >>> float(gg.conditional_expected_spend(2, 40.0))  # (v + x zbar) p / (p x + q - 1)
    38.0

    References
    ----------
    Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). RFM and CLV: using iso-value curves for
    customer base analysis. *Journal of Marketing Research* 42(4), 415–430.

    Fader, P. S. & Hardie, B. G. S. (2013). The Gamma-Gamma model of monetary value. Note,
    brucehardie.com/notes/025/.
    """

    _names = ("p", "q", "v")

    def fit(self, frequency, monetary, *, weights=None) -> GammaGamma:
        """Fit ``p``, ``q``, ``v`` to repeat buyers' number of repeat purchases and mean spend.

        Customers with ``frequency == 0`` carry no spend information beyond the first purchase
        and are left out (the papers do the same).

        Raises
        ------
        DataError
            When fewer than two repeat buyers with a positive mean spend remain.
        """
        x, m = _as_arrays(frequency, monetary, names=("frequency", "monetary"))
        keep = (x > 0) & (m > 0)
        x, m = x[keep], m[keep]
        if x.size < 2:
            raise DataError.make(
                f"only {x.size} customer(s) made a repeat purchase with a positive spend, too few "
                "to estimate how spend varies",
                rule="too_few_repeat_buyers",
                table="transactions",
                column="amount",
                hint="the spend model needs repeat buyers; check amounts and customer ids",
            )
        if np.ptp(m) == 0:
            raise DataError.make(
                "every repeat buyer spends exactly the same on average, so spend does not vary "
                "and the spend model has nothing to estimate",
                rule="constant_spend",
                table="transactions",
                column="amount",
                hint="use the fixed amount as the spend per purchase instead of a spend model",
            )
        w = np.ones_like(x) if weights is None else np.asarray(weights, dtype="float64")[keep]
        scale = float(np.median(m))

        def negll_natural(params):
            if (np.asarray(params) <= 0).any():
                return np.inf
            return -float(np.sum(w * gamma_gamma_loglik(params, x, m)))

        def negll(logp):
            params = np.exp(logp)
            value = negll_natural(params)
            if not np.isfinite(value):
                return 1e300, np.zeros(3)
            return value, -(_gamma_gamma_grad(params, x, m) @ w) * params

        res = _fit(negll, 3, start=np.array([1.0, 1.0, scale]))
        return self._keep(res, negll_natural, int(w.sum()))

    def conditional_expected_spend(self, frequency, monetary) -> np.ndarray:
        """E[spend per transaction | x, zbar] (Fader & Hardie 2013, equation 5).

        A weighted average of the population mean ``p v / (q - 1)`` and the customer's own
        average, with weight ``p x / (p x + q - 1)`` on the latter. When ``q <= 1`` the model's
        mean spend is not finite, so for a customer with ``p x + q - 1 <= 0`` (no repeat
        purchase, say) the formula has no value; such a customer gets the average spend of the
        customers with repeat purchases in the same call instead, never a negative amount.
        """
        p, q, v = self._p()
        x, m = _as_arrays(frequency, monetary, names=("frequency", "monetary"))
        return _shaped(spend_expectation(p, q, v, x, m), frequency, monetary)

    @property
    def population_mean_spend(self) -> float:
        """``p v / (q - 1)``: the mean spend per transaction across customers (inf if q <= 1)."""
        p, q, v = self._p()
        return p * v / (q - 1) if q > 1 else float("inf")
