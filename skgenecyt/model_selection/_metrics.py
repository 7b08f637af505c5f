"""Binary classification metrics computed for many row weightings at once.

A bootstrap resample is the same as weighting each row by how often it was
drawn, so every metric here takes a weight matrix ``W`` (one row per
resample, one column per sample) and returns one value per resample. The
plain, unweighted metric is ``W = ones((1, n))``. Computing all resamples in
one vectorised pass makes 1,000 bootstrap replicates cost about as much as a
handful of ``sklearn.metrics`` calls.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np


class _Confusion(NamedTuple):
    """Weighted confusion counts, each of shape (n_resamples,)."""

    tp: np.ndarray
    fp: np.ndarray
    fn: np.ndarray
    tn: np.ndarray


def _confusion(y_true, y_pred, W):
    pos, hit = y_true == 1, y_pred == 1
    return _Confusion(
        tp=W[:, pos & hit].sum(axis=1), fp=W[:, ~pos & hit].sum(axis=1),
        fn=W[:, pos & ~hit].sum(axis=1), tn=W[:, ~pos & ~hit].sum(axis=1),
    )


def _ratio(num, den):
    """num / den with 0 where den is 0 (sklearn's zero_division=0)."""
    out = np.zeros_like(num, dtype=float)
    np.divide(num, den, out=out, where=den > 0)
    return out


def roc_auc(y_true, y_score, y_pred, W):
    """Weighted Mann-Whitney AUC; NaN for resamples lacking a class.

    Tied scores count one half, as in ``sklearn.metrics.roc_auc_score``.
    """
    values, inverse = np.unique(y_score, return_inverse=True)
    onehot = np.zeros((y_score.size, values.size))
    onehot[np.arange(y_score.size), inverse] = 1.0
    pos = (y_true == 1).astype(float)
    pos_at = (W * pos) @ onehot  # weight of positives at each distinct score
    neg_at = (W * (1.0 - pos)) @ onehot
    neg_below = np.cumsum(neg_at, axis=1) - neg_at
    pairs = (pos_at * (neg_below + 0.5 * neg_at)).sum(axis=1)
    n_pos, n_neg = pos_at.sum(axis=1), neg_at.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where((n_pos > 0) & (n_neg > 0), pairs / (n_pos * n_neg), np.nan)


def accuracy(y_true, y_score, y_pred, W):
    c = _confusion(y_true, y_pred, W)
    return _ratio(c.tp + c.tn, c.tp + c.fp + c.fn + c.tn)


def balanced_accuracy(y_true, y_score, y_pred, W):
    c = _confusion(y_true, y_pred, W)
    return 0.5 * (_ratio(c.tp, c.tp + c.fn) + _ratio(c.tn, c.tn + c.fp))


def precision(y_true, y_score, y_pred, W):
    c = _confusion(y_true, y_pred, W)
    return _ratio(c.tp, c.tp + c.fp)


def recall(y_true, y_score, y_pred, W):
    c = _confusion(y_true, y_pred, W)
    return _ratio(c.tp, c.tp + c.fn)


def specificity(y_true, y_score, y_pred, W):
    c = _confusion(y_true, y_pred, W)
    return _ratio(c.tn, c.tn + c.fp)


def f1(y_true, y_score, y_pred, W):
    c = _confusion(y_true, y_pred, W)
    return _ratio(2 * c.tp, 2 * c.tp + c.fp + c.fn)


#: Metric name -> function(y_true, y_score, y_pred, W); y_true and y_pred are 0/1.
METRICS = {
    "roc_auc": roc_auc,
    "accuracy": accuracy,
    "balanced_accuracy": balanced_accuracy,
    "f1": f1,
    "precision": precision,
    "recall": recall,
    "specificity": specificity,
}


def check_scoring_names(scoring):
    """Return scoring as a tuple of known metric names, or raise ValueError."""
    if isinstance(scoring, str):
        scoring = (scoring,)
    names = tuple(scoring)
    if not names:
        raise ValueError("scoring must name at least one metric.")
    unknown = [name for name in names if name not in METRICS]
    if unknown:
        raise ValueError(
            f"Unknown scoring name(s) {unknown}; benchmark supports {sorted(METRICS)}."
        )
    if len(set(names)) != len(names):
        raise ValueError(f"scoring names must be unique; got {list(names)}.")
    return names


def score_all(names, y_true, y_score, y_pred, W=None):
    """Dict metric name -> array of values, one per row of W (default: one row of ones)."""
    y_true = np.asarray(y_true)
    if W is None:
        W = np.ones((1, y_true.size))
    return {name: METRICS[name](y_true, np.asarray(y_score), np.asarray(y_pred), W)
            for name in names}


def bootstrap_weights(n_samples, n_bootstrap, rng):
    """Row-count matrix of ``n_bootstrap`` resamples with replacement."""
    draws = rng.integers(0, n_samples, size=(n_bootstrap, n_samples))
    W = np.zeros((n_bootstrap, n_samples))
    np.add.at(W, (np.arange(n_bootstrap)[:, None], draws), 1.0)
    return W
