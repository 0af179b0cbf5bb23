"""scikit-learn's estimator checks for ChurnModel."""

from __future__ import annotations

import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from cxlab.churn import ChurnModel

# The checks fit on a few dozen rows, some with a handful of one class; the default minimum of
# ten customers per class (too few to validate a churn model) would refuse them with a
# DataError, so the checked instance lowers it to two, the least its calibration folds need.
# Every check then applies and passes, so nothing is expected to fail.
EXPECTED_FAILED: dict[str, str] = {}


@pytest.mark.slow
@parametrize_with_checks(
    [ChurnModel(min_class_size=2), ChurnModel("boosting", min_class_size=2)],
    expected_failed_checks=lambda est: EXPECTED_FAILED,
)
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)
