"""The size rules of the baselines: each rule on its own, on tiny data."""

import numpy as np
import pytest
from sklearn.calibration import CalibratedClassifierCV
from sklearn.datasets import make_classification
from sklearn.feature_selection import SelectKBest
from sklearn.model_selection import StratifiedKFold
from sklearn.neighbors import NearestCentroid
from sklearn.svm import SVC
from sklearn.utils.estimator_checks import parametrize_with_checks

from skgenecyt import (
    AdaptiveStratifiedKFold,
    LeafScaledGradientBoosting,
    SelectKPerSample,
    TemperatureCalibratedClassifier,
    anova_f,
)
from skgenecyt.model_selection._size_rules import TEMPERATURE_BOUNDS


@parametrize_with_checks([
    SelectKPerSample(),
    TemperatureCalibratedClassifier(SVC(random_state=0)),
    LeafScaledGradientBoosting(random_state=0),
])
def test_sklearn_compatible(estimator, check):
    check(estimator)


# -- inner folds: min(5, smallest class), at least 2 ---------------------------------------------

@pytest.mark.parametrize(("n_ra", "n_control", "expected"),
                         [(240, 120, 5), (12, 8, 5), (13, 4, 4), (14, 3, 3), (15, 2, 2)])
def test_folds_follow_the_smallest_class(n_ra, n_control, expected):
    y = np.array([1] * n_ra + [0] * n_control)
    cv = AdaptiveStratifiedKFold(5, shuffle=True, random_state=0)
    assert cv.get_n_splits(y=y) == expected
    folds = list(cv.split(np.zeros((len(y), 1)), y))
    assert len(folds) == expected
    for _, test in folds:
        assert set(y[test]) == {0, 1}


def test_enough_samples_give_stratified_kfolds_exactly():
    y = np.array([1] * 240 + [0] * 120)
    ours = AdaptiveStratifiedKFold(5, shuffle=True, random_state=7).split(y, y)
    theirs = StratifiedKFold(5, shuffle=True, random_state=7).split(y, y)
    for (a_train, a_test), (b_train, b_test) in zip(ours, theirs, strict=True):
        np.testing.assert_array_equal(a_test, b_test)
        np.testing.assert_array_equal(a_train, b_train)


def test_folds_without_labels_and_errors():
    assert AdaptiveStratifiedKFold(4).get_n_splits() == 4
    with pytest.raises(ValueError, match=r"at least 2 samples of each.*\[1, 9\]"):
        AdaptiveStratifiedKFold().get_n_splits(y=[1] * 9 + [0])
    with pytest.raises(ValueError, match="max_splits must be an int >= 2"):
        AdaptiveStratifiedKFold(1).get_n_splits()


# -- genes kept: a number per training sample, capped ---------------------------------------------

@pytest.mark.parametrize(("n_samples", "per_sample", "max_genes", "expected"),
                         [(16, 10, 1000, 160), (60, 10, 1000, 600), (288, 10, 1000, 1000),
                          (20, 50, None, 1000), (60, 50, None, 1500)])
def test_genes_kept_follow_the_training_rows(n_samples, per_sample, max_genes, expected):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(n_samples, 1500))
    y = np.arange(n_samples) % 2
    selector = SelectKPerSample(genes_per_sample=per_sample, max_genes=max_genes).fit(X, y)
    assert selector.k_ == expected
    reference = SelectKBest(anova_f, k=expected).fit(X, y)
    np.testing.assert_array_equal(selector.get_support(), reference.get_support())


# -- boosted leaves: 8 % of the rows, from 2 to 20 ----------------------------------------------

@pytest.mark.parametrize(("n_samples", "expected"),
                         [(16, 2), (20, 2), (60, 5), (100, 8), (288, 20)])
def test_smallest_leaf_follows_the_training_rows(n_samples, expected):
    X, y = make_classification(n_samples=n_samples, n_features=5, random_state=0)
    model = LeafScaledGradientBoosting(random_state=0).fit(X, y)
    assert model.min_samples_leaf_ == expected
    assert model.estimator_.min_samples_leaf == expected


def test_twenty_samples_give_trees_that_split():
    X, y = make_classification(n_samples=20, n_features=5, random_state=0)
    proba = LeafScaledGradientBoosting(random_state=0).fit(X, y).predict_proba(X)[:, 1]
    assert np.ptp(proba) > 0.5


# -- SVM probabilities: temperature scaling, increasing by construction ---------------------------

def _anti_informative():
    """Pure noise: nearest-centroid out-of-fold scores then rank the classes worse than chance."""
    rng = np.random.default_rng(3)
    return rng.normal(size=(20, 30)), np.repeat([0, 1], 10)


class _CentroidScores(NearestCentroid):
    """Nearest centroid with a decision function (distance to class 0 minus class 1)."""

    def decision_function(self, X):
        d = ((X[:, None, :] - self.centroids_[None]) ** 2).sum(axis=2)
        return d[:, 0] - d[:, 1]


def test_temperature_never_reverses_or_flattens_the_ranking():
    X, y = _anti_informative()
    cv = StratifiedKFold(5, shuffle=True, random_state=0)
    model = TemperatureCalibratedClassifier(_CentroidScores(), cv=cv).fit(X, y)
    scores = model.estimator_.decision_function(X)
    proba = model.predict_proba(X)[:, 1]
    order = np.argsort(scores)
    assert (np.diff(proba[order]) > 0).all()  # strictly increasing: neither reversed nor flat
    assert TEMPERATURE_BOUNDS[0] <= model.temperature_ <= TEMPERATURE_BOUNDS[1]
    np.testing.assert_array_equal(model.predict(X), model.estimator_.predict(X))
    # A Platt sigmoid fitted on the same out-of-fold scores turns the ranking around.
    platt = CalibratedClassifierCV(_CentroidScores(), method="sigmoid", cv=cv,
                                   ensemble=False).fit(X, y)
    assert (np.diff(platt.predict_proba(X)[order, 1]) < 0).all()


def test_separable_folds_give_a_finite_temperature():
    X, y = make_classification(n_samples=30, n_features=4, class_sep=5.0, random_state=0)
    model = TemperatureCalibratedClassifier(SVC(random_state=0)).fit(X, y)
    assert TEMPERATURE_BOUNDS[0] < model.temperature_ < TEMPERATURE_BOUNDS[1]
    proba = model.predict_proba(X)[:, 1]
    assert proba.min() > 0
    assert proba.max() < 1


def test_temperature_needs_two_classes():
    X = np.random.default_rng(0).normal(size=(10, 3))
    with pytest.raises(ValueError, match="one class"):
        TemperatureCalibratedClassifier().fit(X, np.zeros(10))
    with pytest.raises(ValueError, match="Only binary classification"):
        TemperatureCalibratedClassifier().fit(X, np.arange(10) % 3)
