"""The vectorised weighted metrics agree with scikit-learn's, resample by resample."""

import numpy as np
import pytest
from sklearn import metrics

from skgenecyt.model_selection._metrics import (
    METRICS,
    bootstrap_weights,
    check_scoring_names,
    score_all,
)

SKLEARN = {
    "roc_auc": lambda t, s, p, w: metrics.roc_auc_score(t, s, sample_weight=w),
    "accuracy": lambda t, s, p, w: metrics.accuracy_score(t, p, sample_weight=w),
    "balanced_accuracy": lambda t, s, p, w: metrics.balanced_accuracy_score(
        t, p, sample_weight=w),
    "f1": lambda t, s, p, w: metrics.f1_score(t, p, sample_weight=w, zero_division=0),
    "precision": lambda t, s, p, w: metrics.precision_score(t, p, sample_weight=w,
                                                            zero_division=0),
    "recall": lambda t, s, p, w: metrics.recall_score(t, p, sample_weight=w, zero_division=0),
    "specificity": lambda t, s, p, w: metrics.recall_score(1 - t, 1 - p, sample_weight=w,
                                                           zero_division=0),
}


@pytest.mark.parametrize("name", sorted(METRICS))
def test_weighted_metrics_match_sklearn(name):
    rng = np.random.default_rng(0)
    y_true = rng.integers(0, 2, 60)
    # rounded scores create ties, which AUC must count as one half
    y_score = np.round(y_true * 0.6 + rng.normal(size=60), 1)
    y_pred = (y_score > 0.3).astype(int)
    W = bootstrap_weights(60, 25, rng)
    ours = METRICS[name](y_true, y_score, y_pred, W)
    theirs = [SKLEARN[name](y_true, y_score, y_pred, w) for w in W]
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-12)


def test_unweighted_default_and_missing_class_gives_nan():
    y_true = np.array([0, 0, 1, 1])
    scores = score_all(["roc_auc", "accuracy"], y_true, [0.1, 0.4, 0.35, 0.8], [0, 1, 1, 1])
    assert scores["roc_auc"][0] == pytest.approx(0.75)
    assert scores["accuracy"][0] == pytest.approx(0.75)
    only_negatives = np.array([[1.0, 1.0, 0.0, 0.0]])
    assert np.isnan(METRICS["roc_auc"](y_true, np.arange(4.0), y_true, only_negatives)[0])


def test_bootstrap_weights_are_counts_of_n_draws():
    W = bootstrap_weights(10, 7, np.random.default_rng(1))
    assert W.shape == (7, 10)
    np.testing.assert_array_equal(W.sum(axis=1), 10)
    assert (W >= 0).all()
    assert np.allclose(W, np.round(W))


def test_scoring_names_are_checked():
    assert check_scoring_names("f1") == ("f1",)
    with pytest.raises(ValueError, match="Unknown scoring"):
        check_scoring_names(["roc_auc", "auc"])
    with pytest.raises(ValueError, match="unique"):
        check_scoring_names(["f1", "f1"])
    with pytest.raises(ValueError, match="at least one"):
        check_scoring_names([])
