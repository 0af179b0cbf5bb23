"""The churn classifier: raw customer columns in, calibrated probabilities out."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import check_is_fitted, column_or_1d, validate_data

from cxlab.errors import DataError

__all__ = ["KINDS", "ChurnModel", "RawCleaner", "coerce_column"]

#: The model families :class:`ChurnModel` offers.
KINDS = ("logistic", "boosting")

#: What a blank category becomes (a category of its own: being blank can tell something).
MISSING = "(missing)"

_YES = frozenset("yes y true t 1 ja oui si churned churn left".split())
_NO = frozenset("no n false f 0 nein non stayed active".split())
_NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?$")


def coerce_column(values: pd.Series) -> pd.Series:
    """Read one raw column as numbers when its filled cells all are numbers or yes/no words.

    Blank and whitespace-only text counts as missing; numbers may carry thousands separators
    (``"1,234.50"``); yes/no, true/false and 1/0 words become 1.0 and 0.0. A column whose
    filled cells are not all of one of these kinds is returned as text (a category), with
    blanks as missing.

    Parameters
    ----------
    values : pandas.Series

    Returns
    -------
    pandas.Series
        ``float64`` when numeric or yes/no, else ``object`` text.

    Examples
    --------
    >>> coerce_column(pd.Series(["1,200.5", " ", "3"])).tolist()
    [1200.5, nan, 3.0]
    >>> coerce_column(pd.Series(["Yes", "no", None])).tolist()
    [1.0, 0.0, nan]
    >>> coerce_column(pd.Series(["basic", "", "pro"])).tolist()
    ['basic', nan, 'pro']
    """
    s = pd.Series(values)
    if pd.api.types.is_bool_dtype(s.dtype):
        return s.astype("float64")
    if pd.api.types.is_numeric_dtype(s.dtype):
        return pd.to_numeric(s, errors="coerce").astype("float64")
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        return s.astype("object").where(s.notna(), np.nan)
    text = s.astype("string").str.strip()
    text = text.mask(text == "")
    filled = text.dropna()
    if filled.empty:
        return pd.Series(np.nan, index=s.index, dtype="float64")
    uniq = pd.Series(filled.unique(), dtype="string")
    lower = set(uniq.str.lower())
    if lower <= (_YES | _NO) and len(lower) <= 2:
        yes = text.str.lower().isin(_YES).to_numpy(dtype=bool, na_value=False)
        return pd.Series(np.where(text.isna().to_numpy(), np.nan, yes.astype(float)), index=s.index)
    if uniq.str.fullmatch(_NUMBER).all():
        plain = text.str.replace(",", "", regex=False)
        return pd.to_numeric(plain, errors="coerce").astype("float64")
    return pd.Series(text.astype(object).where(text.notna(), np.nan), index=s.index, dtype=object)


class RawCleaner(TransformerMixin, BaseEstimator):
    """Turn a raw customer frame into numbers and categories, column by column.

    Learns at ``fit`` which columns are numeric (numbers, numbers stored as text, yes/no) and
    which are categories, and converts them the same way at ``transform``. Dates become the
    days since 1970 (a rough "how early" number) so a model can use them.

    Attributes
    ----------
    numeric_ : list of str
    categorical_ : list of str
    feature_names_in_ : ndarray of str
    """

    def fit(self, X: Any, y: Any = None) -> RawCleaner:
        frame = _frame(X)
        self.feature_names_in_ = np.asarray([str(c) for c in frame.columns], dtype=object)
        self.n_features_in_ = frame.shape[1]
        self.numeric_, self.categorical_, self.kinds_ = [], [], {}
        for name in frame.columns:
            col, key = frame[name], str(name)
            if pd.api.types.is_datetime64_any_dtype(col.dtype):
                kind = "date"
            elif pd.api.types.is_numeric_dtype(col.dtype) or pd.api.types.is_bool_dtype(col.dtype):
                kind = "number"
            elif pd.api.types.is_float_dtype(coerce_column(col).dtype):
                kind = "text_number"
            else:
                kind = "category"
            self.kinds_[key] = kind
            (self.categorical_ if kind == "category" else self.numeric_).append(key)
        return self

    def transform(self, X: Any) -> pd.DataFrame:
        check_is_fitted(self, "numeric_")
        frame = _frame(X)
        if frame.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X has {frame.shape[1]} features, but RawCleaner is expecting "
                f"{self.n_features_in_} features as input."
            )
        frame.columns = [str(c) for c in frame.columns]
        out = {}
        for name in self.numeric_ + self.categorical_:
            col, kind = frame[name], self.kinds_[name]
            if kind == "date" and pd.api.types.is_datetime64_any_dtype(col.dtype):
                out[name] = (col - pd.Timestamp("1970-01-01")).dt.days.astype("float64")
            elif kind in ("number", "date") and pd.api.types.is_numeric_dtype(col.dtype):
                out[name] = pd.to_numeric(col, errors="coerce").astype("float64")
            elif kind == "category":
                text = col.astype("string").str.strip()
                out[name] = text.mask(text == "").fillna(MISSING).astype(object)
            else:
                out[name] = pd.to_numeric(coerce_column(col), errors="coerce").astype("float64")
        return pd.DataFrame(out, index=frame.index)[self.numeric_ + self.categorical_]

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        return np.asarray(self.numeric_ + self.categorical_, dtype=object)


def _frame(X: Any) -> pd.DataFrame:
    if isinstance(X, pd.DataFrame):
        return X.copy()
    arr = np.asarray(X, dtype=object) if not hasattr(X, "toarray") else None
    if arr is None:
        raise TypeError("ChurnModel takes a dense table; sparse matrices are not supported.")
    if arr.ndim != 2:
        raise ValueError(
            f"Expected a 2D table of customers, got an array with {arr.ndim} dimension(s)."
        )
    return pd.DataFrame(arr, columns=[f"x{i}" for i in range(arr.shape[1])])


def _preprocessor(cleaner: RawCleaner, *, scale: bool) -> ColumnTransformer:
    numeric = [SimpleImputer(strategy="median", add_indicator=True, keep_empty_features=True)]
    if scale:
        numeric.append(StandardScaler())
    categorical = [
        OneHotEncoder(
            handle_unknown="infrequent_if_exist",
            min_frequency=5,
            max_categories=15,
            sparse_output=False,
        ),
    ]
    return ColumnTransformer(
        [
            ("numeric", Pipeline([(f"n{i}", s) for i, s in enumerate(numeric)]), cleaner.numeric_),
            (
                "category",
                Pipeline([(f"c{i}", s) for i, s in enumerate(categorical)]),
                cleaner.categorical_,
            ),
        ],
        verbose_feature_names_out=True,
    )


class ChurnModel(ClassifierMixin, BaseEstimator):
    """A churn classifier that takes a raw customer table and gives calibrated probabilities.

    Preprocessing lives inside: a :class:`RawCleaner` reads numbers stored as text (blanks are
    missing), yes/no words and categories; a ``ColumnTransformer`` imputes medians (with a
    missing-value indicator) and standardises numbers, and one-hot encodes categories (rare
    ones pooled, unseen ones ignored). The classifier is an L2-regularised logistic regression
    (``kind="logistic"``, the interpretable default) or histogram gradient boosting
    (``kind="boosting"``); its probabilities are calibrated by cross-validation with Platt's
    sigmoid (``CalibratedClassifierCV``). A second, uncalibrated pipeline fitted on all rows is
    kept as ``pipeline_`` for the coefficients (logistic only; None for boosting).

    Parameters
    ----------
    kind : {"logistic", "boosting"}, default "logistic"
    C : float, default 1.0
        Inverse regularisation strength of the logistic regression.
    calibration_folds : int, default 3
        Folds of the calibration.
    min_class_size : int, default 10
        Fewest customers of each class (churned and stayed) needed to fit and validate;
        fewer raise :class:`cxlab.errors.DataError`.
    random_state : int, default 0

    Attributes
    ----------
    classes_ : ndarray
        The two labels, the churn label second.
    calibrated_ : CalibratedClassifierCV
    pipeline_ : sklearn.pipeline.Pipeline or None
        The uncalibrated logistic pipeline; None for ``kind="boosting"``.
    feature_names_in_ : ndarray of str

    References
    ----------
    Platt, J. (1999). Probabilistic outputs for support vector machines and comparisons to
    regularized likelihood methods. *Advances in Large Margin Classifiers*, 61–74.
    Ke, G. et al. (2017). LightGBM: a highly efficient gradient boosting decision tree. NeurIPS 30
    (the histogram method scikit-learn's ``HistGradientBoostingClassifier`` follows).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = pd.DataFrame(
    ...     {
    ...         "plan": rng.choice(["basic", "pro"], 200),
    ...         "charges": [f"{v:.2f}" if v > 25 else " " for v in rng.uniform(20, 90, 200)],
    ...     }
    ... )
    >>> y = (X["plan"] == "basic") & (rng.random(200) < 0.6)
    >>> m = ChurnModel().fit(X, y)
    >>> m.predict_proba(X).shape
    (200, 2)
    """

    def __init__(
        self,
        kind: str = "logistic",
        *,
        C: float = 1.0,
        calibration_folds: int = 3,
        min_class_size: int = 10,
        random_state: int | None = 0,
    ):
        self.kind = kind
        self.C = C
        self.calibration_folds = calibration_folds
        self.min_class_size = min_class_size
        self.random_state = random_state

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.categorical = True
        tags.input_tags.string = True
        tags.classifier_tags.multi_class = False
        return tags

    def _pipeline(self, cleaner: RawCleaner) -> Pipeline:
        if self.kind == "logistic":
            clf: Any = LogisticRegression(C=self.C, solver="newton-cholesky", max_iter=200)
        else:
            clf = HistGradientBoostingClassifier(
                max_iter=100,
                learning_rate=0.1,
                max_leaf_nodes=15,
                l2_regularization=1.0,
                early_stopping=False,
                random_state=self.random_state,
            )
        prep = _preprocessor(cleaner, scale=self.kind == "logistic")
        return Pipeline([("prepare", prep), ("model", clf)])

    def fit(self, X: Any, y: Any) -> ChurnModel:
        """Fit the model to a customer table and its churn labels.

        Parameters
        ----------
        X : pandas.DataFrame or array-like of shape (n_customers, n_columns)
        y : array-like of shape (n_customers,)
            Two classes; the larger label (True, 1, "yes" sorted last) is churn.

        Returns
        -------
        ChurnModel

        Raises
        ------
        cxlab.errors.DataError
            If the label has one class, or a class has fewer than ``min_class_size`` rows.
        """
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, not {self.kind!r}.")
        if isinstance(X, pd.DataFrame):
            frame = X
        else:
            validate_data(
                self,
                X,
                reset=True,
                ensure_all_finite="allow-nan",
                dtype=None,
                skip_check_array=hasattr(X, "columns"),
            )
            frame = _frame(X)
        if y is None:
            raise ValueError("ChurnModel requires y to be passed, but the target y is None.")
        y = column_or_1d(y, warn=True)
        if len(y) != len(frame):
            raise ValueError(f"X has {len(frame)} rows but y has {len(y)} labels.")
        if len(frame) == 0:
            raise ValueError(
                "Found array with 0 sample(s) (shape=(0, ...)); ChurnModel needs rows."
            )
        if y.dtype.kind == "f" and np.isinf(y).any():
            raise ValueError("Input y contains infinity; churn labels are two classes.")
        if y.dtype.kind == "f" and np.isnan(y).any():
            raise ValueError("Input y contains NaN; drop the customers whose churn is unknown.")
        target = type_of_target(y)
        if target == "multiclass":
            raise ValueError(
                "Only binary classification is supported. ChurnModel tells churned customers "
                "from the others."
            )
        if target != "binary":
            raise ValueError(
                f"Unknown label type: {target}. ChurnModel predicts a two-class label "
                "(churned or not)."
            )
        if pd.isna(pd.Series(y)).any():
            raise DataError.make(
                "The churn label has missing values.",
                rule="label_missing",
                column="churned",
                hint="Drop the customers whose churn status is unknown before fitting.",
            )
        self.classes_, counts = np.unique(y, return_counts=True)
        if len(self.classes_) < 2:
            raise DataError.make(
                f"The churn label has one class only ({self.classes_[0]!r} for all {len(y)} "
                "customers), so there is nothing to tell apart.",
                rule="one_class",
                column="churned",
                hint="Check the churn rule: with an inactivity rule, a longer data period or a "
                "shorter number of inactive days; with a label column, that it is filled for "
                "churned customers too.",
            )
        if counts.min() < self.min_class_size:
            small = self.classes_[np.argmin(counts)]
            raise DataError.make(
                f"Only {counts.min()} customers have the label {small!r}; at least "
                f"{self.min_class_size} of each class are needed to fit and validate a model.",
                rule="too_few",
                column="churned",
                hint="Use a longer period or a broader churn rule, or report the churn rate "
                "alone without a model.",
            )
        yy = (y == self.classes_[1]).astype(int)
        cleaner = RawCleaner().fit(frame)
        self.cleaner_ = cleaner
        clean = cleaner.transform(frame)
        if isinstance(X, pd.DataFrame):
            self.feature_names_in_ = cleaner.feature_names_in_
        elif hasattr(self, "feature_names_in_"):
            del self.feature_names_in_
        self.n_features_in_ = frame.shape[1]
        folds = StratifiedKFold(
            n_splits=max(2, min(self.calibration_folds, int(counts.min()))),
            shuffle=True,
            random_state=self.random_state,
        )
        self.calibrated_ = CalibratedClassifierCV(
            self._pipeline(cleaner), method="sigmoid", cv=folds
        ).fit(clean, yy)
        # the coefficients' pipeline: boosting has no coefficients, so it is not fitted twice
        self.pipeline_ = self._pipeline(cleaner).fit(clean, yy) if self.kind == "logistic" else None
        return self

    def _input(self, X: Any) -> pd.DataFrame:
        check_is_fitted(self, "calibrated_")
        if not isinstance(X, pd.DataFrame):
            validate_data(self, X, reset=False, ensure_all_finite="allow-nan", dtype=None)
        return self.cleaner_.transform(X)

    def predict_proba(self, X: Any) -> np.ndarray:
        """Calibrated probabilities, one column per class (churn second)."""
        clean = self._input(X)  # checks that the model is fitted first
        return self.calibrated_.predict_proba(clean)

    def decision_function(self, X: Any) -> np.ndarray:
        """Log-odds of churn from the calibrated probabilities."""
        check_is_fitted(self, "calibrated_")
        p = np.clip(self.predict_proba(X)[:, 1], 1e-12, 1 - 1e-12)
        return np.log(p / (1 - p))

    def predict(self, X: Any) -> np.ndarray:
        """Predict churn where the calibrated probability is above one half."""
        check_is_fitted(self, "calibrated_")
        p = self.predict_proba(X)[:, 1]
        return self.classes_[(p > 0.5).astype(int)]

    def coefficients(self) -> pd.DataFrame:
        """Standardised log-odds coefficients of the uncalibrated logistic pipeline.

        Returns
        -------
        pandas.DataFrame
            ``feature`` (the encoded feature), ``column`` (the raw column it comes from) and
            ``coefficient`` (log-odds per standard deviation, or for one category against
            the others), largest in absolute value first.

        Raises
        ------
        ValueError
            For ``kind="boosting"``, which has no coefficients.
        """
        check_is_fitted(self, "pipeline_")
        if self.kind != "logistic":
            raise ValueError(
                "Only the logistic model has coefficients; use permutation importance."
            )
        prep = self.pipeline_.named_steps["prepare"]
        names = prep.get_feature_names_out()
        coef = self.pipeline_.named_steps["model"].coef_[0]
        cleaner = self.cleaner_
        columns = []
        for name in names:
            inner = name.split("__", 1)[1]
            inner = inner.removeprefix("missingindicator_")
            match = next(
                (
                    c
                    for c in sorted(cleaner.numeric_ + cleaner.categorical_, key=len, reverse=True)
                    if inner == c or inner.startswith(c + "_")
                ),
                inner,
            )
            columns.append(match)
        out = pd.DataFrame({"feature": names, "column": columns, "coefficient": coef})
        order = out["coefficient"].abs().sort_values(ascending=False).index
        return out.loc[order].reset_index(drop=True)
