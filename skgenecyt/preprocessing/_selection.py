"""A gene-ranking score for in-fold selection that tolerates constant genes."""

from __future__ import annotations

import numpy as np
from scipy import special
from sklearn.utils import as_float_array, check_X_y

from skgenecyt._sklearn_compat import validate_params


@validate_params({"X": ["array-like"], "y": ["array-like"]}, prefer_skip_nested_validation=True)
def anova_f(X, y):
    """ANOVA F statistic per gene, as :func:`sklearn.feature_selection.f_classif`.

    Real cohorts hold genes that are constant in the training rows (never
    detected, or clipped at a floor). Their F statistic is 0/0: scikit-learn
    warns and returns NaN, or, when rounding leaves a tiny within-class sum
    of squares, an arbitrary number. Here they get ``F = 0`` and ``p = 1``
    without a warning, since they cannot separate the classes; a gene that is
    constant within each class but differs between them gets ``F = inf``.
    Every other gene gets exactly scikit-learn's value (same arithmetic), so
    selections are unchanged.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)

    Returns
    -------
    f_statistic : ndarray of shape (n_features,)
    p_values : ndarray of shape (n_features,)

    Examples
    --------
    >>> import numpy as np
    >>> from skgenecyt.preprocessing import anova_f
    >>> X = np.array([[1.0, 5.0], [2.0, 5.0], [8.0, 5.0], [9.0, 5.0]])
    >>> f, p = anova_f(X, [0, 0, 1, 1])
    >>> f.round(1).tolist(), float(p[1])
    ([98.0, 0.0], 1.0)
    """
    X, y = check_X_y(X, y)
    X = as_float_array(X)
    groups = [X[y == label] for label in np.unique(y)]
    # scikit-learn's f_oneway, step for step, so that the values match bitwise.
    n_per_group = np.array([g.shape[0] for g in groups])
    n_samples = n_per_group.sum()
    ss_all = sum((g**2).sum(axis=0) for g in groups)
    sums = [g.sum(axis=0) for g in groups]
    square_of_sums_all = sum(sums) ** 2
    ss_total = ss_all - square_of_sums_all / float(n_samples)
    ss_between = 0.0
    for group_sum, n in zip(sums, n_per_group):
        ss_between += group_sum**2 / n
    ss_between -= square_of_sums_all / float(n_samples)
    ms_between = ss_between / float(len(groups) - 1)
    ms_within = (ss_total - ss_between) / float(n_samples - len(groups))
    constant = X.min(axis=0) == X.max(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        f = np.where(constant, 0.0, ms_between / ms_within)
    f = np.where(~constant & (ms_within == 0), np.inf, f)
    return f, special.fdtrc(len(groups) - 1, n_samples - len(groups), f)
