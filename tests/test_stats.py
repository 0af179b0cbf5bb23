"""Tests for cxlab.stats: the shared intervals, tests and multiple-testing corrections.

Expected values are worked out by hand in each test from the published formulas.
"""

from __future__ import annotations

import math
from unittest import mock

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.multitest import multipletests

from cxlab import stats

Z = 1.959963984540054  # two-sided 95 % standard-normal quantile


def test_wilson_matches_the_closed_form():
    # 24 of 30: p = 0.8; centre (p + z²/2n) / (1 + z²/n), half-width z sqrt(p q / n + z²/4n²) / ...
    n, p = 30, 0.8
    denom = 1 + Z**2 / n
    centre = (p + Z**2 / (2 * n)) / denom
    half = Z * math.sqrt(p * (1 - p) / n + Z**2 / (4 * n**2)) / denom
    low, high = stats.wilson(24, 30)
    assert (float(low), float(high)) == pytest.approx((centre - half, centre + half), abs=1e-12)


def test_nps_adjusted_wald_adds_three_pseudo_answers():
    # 15 promoters, 5 detractors of 30: n' = 33, p' = 15.75/33, d' = 5.75/33
    p, d = 15.75 / 33, 5.75 / 33
    centre = p - d
    se = math.sqrt((p + d - centre**2) / 33)
    low, high = stats.nps_adjusted_wald(15, 5, 30)
    assert (float(low), float(high)) == pytest.approx((centre - Z * se, centre + Z * se))


def test_t_interval_is_missing_below_two_answers():
    low, high = stats.t_interval([5.0, 5.0], [1.0, 1.0], [1, 25])
    assert np.isnan(low[0]) and np.isnan(high[0])
    # n = 25: t(24, 0.975) = 2.0639 (tables), se = 1 / 5
    assert float(high[1]) == pytest.approx(5 + 2.0639 / 5, abs=1e-4)


def test_finite_population_factor_of_a_census_is_zero():
    assert stats.fpc_factor(40, 40) == 0.0
    assert stats.fpc_factor(10, 19) == pytest.approx(math.sqrt(9 / 18))


def test_holm_by_hand():
    # sorted 0.01, 0.03, 0.04 times 3, 2, 1 → 0.03, 0.06, 0.04 → running maximum 0.03, 0.06, 0.06
    assert stats.holm([0.01, 0.04, 0.03]) == pytest.approx([0.03, 0.06, 0.06])


def test_benjamini_hochberg_by_hand():
    # sorted 0.01, 0.03, 0.04 times 3/1, 3/2, 3/3 → 0.03, 0.045, 0.04 → running minimum from
    # the top 0.03, 0.04, 0.04
    adjusted = stats.adjust_pvalues([0.01, 0.04, 0.03], method="fdr_bh")
    assert adjusted == pytest.approx([0.03, 0.04, 0.04])


def test_holm_agrees_with_statsmodels_and_is_capped_at_one():
    rng = np.random.default_rng(3)
    for size in (1, 2, 7, 40):
        p = rng.uniform(size=size)
        assert stats.adjust_pvalues(p) == pytest.approx(multipletests(p, method="holm")[1])
    assert stats.holm([0.6, 0.7]).max() == 1.0


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.floats(min_value=0.0, max_value=1.0), min_size=1, max_size=30),
    st.sampled_from(["holm", "fdr_bh"]),
    st.sampled_from([0.01, 0.05, 0.1]),
)
def test_adjusted_at_most_alpha_rejects_what_statsmodels_rejects(p, method, alpha):
    """Breakdowns flag a group when its adjusted p-value is at most alpha, as multipletests does."""
    # multipletests' Holm branch runs gc.collect() on every call (why cxlab does not use it);
    # in a test worker's heap that is a quarter of a second per example, and it changes nothing
    with mock.patch("gc.collect", lambda *args: 0):
        reject, adjusted = multipletests(p, alpha=alpha, method=method)[:2]
    ours = stats.adjust_pvalues(p, method=method)
    assert ours == pytest.approx(adjusted)
    assert ((ours <= alpha) == reject).all()


def test_an_unknown_correction_is_refused():
    with pytest.raises(ValueError, match="'holm' or 'fdr_bh'"):
        stats.adjust_pvalues([0.1], method="bonferroni")


def test_confidence_must_lie_between_zero_and_one():
    with pytest.raises(ValueError, match="between 0 and 1"):
        stats.check_confidence(95)
    assert stats.z_value(0.95) == pytest.approx(Z)
