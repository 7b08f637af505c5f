"""Settings of the classical baselines that follow the training rows they are fitted on.

Cohorts of 15 to 60 samples break settings that are sensible for a few
hundred: 5-fold inner cross-validation needs five samples of each class, a
boosted tree with leaves of 20 samples cannot split 20 samples, and a sigmoid
fitted on a dozen out-of-fold scores can turn the ranking upside down. Each
estimator here applies its rule at ``fit`` time, from the rows it is given,
so the rule also holds inside every fold of a cross-validation.
"""

from __future__ import annotations

from numbers import Integral, Real
from typing import ClassVar

import numpy as np
from scipy.optimize import minimize_scalar
from scipy.special import expit
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, clone
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.model_selection import BaseCrossValidator, StratifiedKFold, cross_val_predict
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import check_is_fitted, validate_data

from skgenecyt._sklearn_compat import HasMethods, Interval, StrOptions, _fit_context

__all__ = [
    "AdaptiveStratifiedKFold",
    "LeafScaledGradientBoosting",
    "TemperatureCalibratedClassifier",
]

#: Bounds of the fitted temperature (the scores' scale is divided by it).
TEMPERATURE_BOUNDS = (1e-3, 1e3)


def _class_counts(y):
    return np.unique(np.asarray(y), return_counts=True)[1]


class AdaptiveStratifiedKFold(BaseCrossValidator):
    """Stratified K-fold whose number of folds fits the smallest class.

    Every fold holds at least one sample of each class, so a score such as
    ROC AUC is defined in every fold: the number of folds is ``max_splits``
    or the size of the smallest class, whichever is smaller (and at least
    2). It is decided when ``split`` sees the labels, so a splitter given to
    ``GridSearchCV`` or a calibration adapts to the rows of each outer fold.
    With enough samples it gives exactly the folds of
    ``StratifiedKFold(max_splits, shuffle=shuffle, random_state=random_state)``.

    Parameters
    ----------
    max_splits : int, default=5
        Most folds (at least 2).
    shuffle : bool, default=False
        Whether to shuffle each class's samples before splitting them.
    random_state : int, RandomState instance or None, default=None
        Seeds the shuffling when ``shuffle`` is True, as in
        :class:`~sklearn.model_selection.StratifiedKFold`.

    Examples
    --------
    >>> from skgenecyt.model_selection import AdaptiveStratifiedKFold
    >>> cv = AdaptiveStratifiedKFold(max_splits=5, shuffle=True, random_state=0)
    >>> y = [1] * 9 + [0] * 3
    >>> cv.get_n_splits(y=y)
    3
    >>> [sorted(set(y[i] for i in test)) for _, test in cv.split(y, y)]
    [[0, 1], [0, 1], [0, 1]]
    """

    def __init__(self, max_splits=5, *, shuffle=False, random_state=None):
        self.max_splits = max_splits
        self.shuffle = shuffle
        self.random_state = random_state

    def get_n_splits(self, X=None, y=None, groups=None):
        """Number of folds: ``max_splits`` without labels, else limited by the smallest class.

        Parameters
        ----------
        X : object
            Ignored.
        y : array-like of shape (n_samples,), default=None
            Labels.
        groups : object
            Ignored.

        Returns
        -------
        n_splits : int
        """
        if not (isinstance(self.max_splits, Integral) and self.max_splits >= 2):
            raise ValueError(f"max_splits must be an int >= 2; got {self.max_splits!r}.")
        if y is None:
            return int(self.max_splits)
        counts = _class_counts(y)
        if len(counts) < 2 or counts.min() < 2:
            raise ValueError(
                "Stratified folds need at least 2 samples of each of at least 2 classes; "
                f"the classes have {sorted(counts.tolist())} samples."
            )
        return int(min(self.max_splits, counts.min()))

    def split(self, X, y, groups=None):
        """Generate train and test indices of each fold.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data (only its length is used).
        y : array-like of shape (n_samples,)
            Labels to stratify on.
        groups : object
            Ignored.

        Yields
        ------
        train, test : ndarray
            Indices of the training and test rows of a fold.
        """
        folds = StratifiedKFold(self.get_n_splits(X, y), shuffle=self.shuffle,
                                random_state=self.random_state if self.shuffle else None)
        yield from folds.split(X, y)


class TemperatureCalibratedClassifier(MetaEstimatorMixin, ClassifierMixin, BaseEstimator):
    """Probabilities from a binary classifier's scores by temperature scaling.

    ``P(positive) = 1 / (1 + exp(-d / T))`` with ``d`` the classifier's
    ``decision_function``. The temperature ``T > 0`` is fitted by log loss on
    out-of-fold scores (``cv``), with Platt's smoothed targets
    ``(n_pos + 1) / (n_pos + 2)`` and ``1 / (n_neg + 2)`` so that perfectly
    separated folds give a finite temperature; the classifier is then
    refitted on all rows, so predicting costs one classifier.

    Unlike Platt's sigmoid, which fits a slope and an intercept, the map is
    increasing by construction: it can neither reverse the classifier's
    ranking (a sigmoid fitted on a few out-of-fold scores can get a negative
    slope) nor flatten it to a constant (as isotonic regression does when the
    out-of-fold scores rank the classes badly), and the class predicted at
    0.5 is the classifier's own (the sign of ``d``). A ranking metric such
    as ROC AUC is that of the scores.

    Parameters
    ----------
    estimator : classifier with decision_function, default=None
        Binary classifier whose ``decision_function`` is positive for
        ``classes_[1]``; None uses ``SVC()``.
    cv : int, cross-validation splitter or None, default=None
        Folds for the out-of-fold scores; None uses
        :class:`AdaptiveStratifiedKFold` (5 folds at most, not shuffled).

    Attributes
    ----------
    estimator_ : classifier
        The classifier fitted on all rows.
    temperature_ : float
        The fitted temperature, within ``TEMPERATURE_BOUNDS``.
    classes_ : ndarray of shape (2,)
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Defined only when X has string column names.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.svm import SVC
    >>> from skgenecyt.model_selection import TemperatureCalibratedClassifier
    >>> X, y = make_classification(n_samples=40, random_state=0)
    >>> model = TemperatureCalibratedClassifier(SVC(random_state=0)).fit(X, y)
    >>> proba = model.predict_proba(X)[:, 1]
    >>> bool(((proba > 0.5) == (model.estimator_.decision_function(X) > 0)).all())
    True
    """

    _parameter_constraints: ClassVar[dict] = {
        "estimator": [HasMethods(["fit", "decision_function"]), None],
        "cv": ["cv_object"],
    }

    def __init__(self, estimator=None, *, cv=None):
        self.estimator = estimator
        self.cv = cv

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y):
        """Fit the temperature on out-of-fold scores, then the classifier on all rows.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
            Two classes.

        Returns
        -------
        self : TemperatureCalibratedClassifier
        """
        X, y = validate_data(self, X, y, ensure_all_finite=False, dtype=None)
        check_classification_targets(y)
        n_classes = len(np.unique(y))
        if n_classes < 2:
            raise ValueError("TemperatureCalibratedClassifier needs two classes; y has one class.")
        if type_of_target(y, input_name="y") != "binary":
            raise ValueError(
                "Only binary classification is supported by TemperatureCalibratedClassifier; "
                f"y has {n_classes} classes."
            )
        base = self._base()
        cv = AdaptiveStratifiedKFold() if self.cv is None else self.cv
        scores = cross_val_predict(clone(base), X, y, cv=cv, method="decision_function")
        self.estimator_ = clone(base).fit(X, y)
        self.classes_ = self.estimator_.classes_
        self.temperature_ = _fit_temperature(scores, y == self.classes_[1])
        return self

    def _base(self):
        if self.estimator is not None:
            return self.estimator
        from sklearn.svm import SVC

        return SVC()

    def decision_function(self, X):
        """The classifier's scores divided by the temperature (log-odds of ``classes_[1]``).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        scores : ndarray of shape (n_samples,)
        """
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, ensure_all_finite=False, dtype=None)
        return np.ravel(self.estimator_.decision_function(X)) / self.temperature_

    def predict_proba(self, X):
        """Probability of each class.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        proba : ndarray of shape (n_samples, 2)
        """
        positive = expit(self.decision_function(X))
        return np.column_stack([1.0 - positive, positive])

    def predict(self, X):
        """The classifier's class: ``classes_[1]`` where its score is positive.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
        """
        scores = self.decision_function(X)
        return self.classes_[(scores > 0).astype(int)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        tags.input_tags.allow_nan = False
        return tags


def _fit_temperature(scores, positive):
    """Temperature minimising the log loss of ``expit(scores / T)`` against Platt's targets."""
    scores = np.ravel(scores).astype(float)
    n_pos, n_neg = int(positive.sum()), int((~positive).sum())
    target = np.where(positive, (n_pos + 1.0) / (n_pos + 2.0), 1.0 / (n_neg + 2.0))

    def loss(log_temperature):
        z = scores / np.exp(log_temperature)
        # log(1 + exp(-z)) and log(1 + exp(z)), stable for large |z|.
        return float(np.mean(target * np.logaddexp(0.0, -z) + (1 - target) * np.logaddexp(0.0, z)))

    low, high = np.log(TEMPERATURE_BOUNDS)
    return float(np.exp(minimize_scalar(loss, bounds=(low, high), method="bounded").x))


class LeafScaledGradientBoosting(ClassifierMixin, BaseEstimator):
    """Histogram gradient boosting whose smallest leaf follows the number of training rows.

    scikit-learn's ``HistGradientBoostingClassifier`` splits a node only
    when both children keep ``min_samples_leaf`` samples (default 20): with
    20 training rows no tree can split and every prediction is the same
    constant. Here ``min_samples_leaf`` is ``leaf_fraction`` of the training
    rows, rounded, at least 2 and at most ``max_leaf_size``, and is set when
    ``fit`` sees the rows.

    Parameters
    ----------
    leaf_fraction : float, default=0.08
        Smallest leaf as a share of the training rows.
    max_leaf_size : int, default=20
        Largest smallest-leaf (scikit-learn's default; reached from 250 rows
        with the default fraction).
    class_weight : dict, "balanced" or None, default=None
        Passed to the boosting model.
    random_state : int, RandomState instance or None, default=None
        Passed to the boosting model.

    Attributes
    ----------
    estimator_ : HistGradientBoostingClassifier
        The fitted model.
    min_samples_leaf_ : int
        The smallest leaf it was fitted with.
    classes_ : ndarray of shape (n_classes,)
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Defined only when X has string column names.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from skgenecyt.model_selection import LeafScaledGradientBoosting
    >>> X, y = make_classification(n_samples=20, random_state=0)
    >>> model = LeafScaledGradientBoosting(random_state=0).fit(X, y)
    >>> model.min_samples_leaf_, len(set(model.predict_proba(X)[:, 1].round(6))) > 2
    (2, True)
    """

    _parameter_constraints: ClassVar[dict] = {
        "leaf_fraction": [Interval(Real, 0, 1, closed="neither")],
        "max_leaf_size": [Interval(Integral, 2, None, closed="left")],
        "class_weight": [dict, StrOptions({"balanced"}), None],
        "random_state": ["random_state"],
    }

    def __init__(self, leaf_fraction=0.08, max_leaf_size=20, class_weight=None,
                 random_state=None):
        self.leaf_fraction = leaf_fraction
        self.max_leaf_size = max_leaf_size
        self.class_weight = class_weight
        self.random_state = random_state

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Fit the boosting model with a smallest leaf scaled to the rows.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)

        Returns
        -------
        self : LeafScaledGradientBoosting
        """
        X, y = validate_data(self, X, y, ensure_all_finite=False, dtype=None)
        self.min_samples_leaf_ = leaf_size(len(y), self.leaf_fraction, self.max_leaf_size)
        self.estimator_ = HistGradientBoostingClassifier(
            min_samples_leaf=self.min_samples_leaf_, class_weight=self.class_weight,
            random_state=self.random_state,
        ).fit(X, y)
        self.classes_ = self.estimator_.classes_
        return self

    def _checked(self, X):
        check_is_fitted(self)
        return validate_data(self, X, reset=False, ensure_all_finite=False, dtype=None)

    def decision_function(self, X):
        """The boosting model's raw scores.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        scores : ndarray of shape (n_samples,) or (n_samples, n_classes)
        """
        X = self._checked(X)
        return self.estimator_.decision_function(X)

    def predict_proba(self, X):
        """Probability of each class.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
        """
        X = self._checked(X)
        return self.estimator_.predict_proba(X)

    def predict(self, X):
        """The most probable class.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
        """
        X = self._checked(X)
        return self.estimator_.predict(X)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags


def leaf_size(n_samples, fraction, maximum):
    """``fraction`` of ``n_samples``, rounded, clipped to ``[2, maximum]``."""
    return int(np.clip(round(fraction * n_samples), 2, maximum))
