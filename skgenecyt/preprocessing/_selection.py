"""In-fold gene selection: a ranking score that tolerates constant genes, a size-scaled selector."""

from __future__ import annotations

from numbers import Integral
from typing import ClassVar

import numpy as np
from scipy import special
from sklearn.base import BaseEstimator
from sklearn.feature_selection import SelectKBest, SelectorMixin
from sklearn.utils import as_float_array, check_X_y
from sklearn.utils.validation import check_is_fitted, validate_data

from skgenecyt._sklearn_compat import Interval, _fit_context, validate_params


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


class SelectKPerSample(SelectorMixin, BaseEstimator):
    """Keep the best-scoring genes, as many as a number per training sample.

    :class:`~sklearn.feature_selection.SelectKBest` with ``k`` set when
    ``fit`` sees the rows: ``genes_per_sample`` times the number of training
    samples, at most ``max_genes`` (None: no limit) and at most every gene.
    With few samples the genes ranked by a univariate score below the first
    few hundred are mostly noise, which a kernel or a penalised model then
    weighs as much as the real signal; with more samples more of them carry
    signal. Ties and the order of selection are exactly ``SelectKBest``'s.

    Parameters
    ----------
    score_func : callable, default=anova_f
        ``score_func(X, y)`` returning scores (or ``(scores, p-values)``), as
        for ``SelectKBest``.
    genes_per_sample : int, default=10
        Genes kept per training sample.
    max_genes : int or None, default=None
        Most genes kept.

    Attributes
    ----------
    k_ : int
        Number of genes kept.
    scores_ : ndarray of shape (n_features_in_,)
    pvalues_ : ndarray of shape (n_features_in_,) or None
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Defined only when X has string column names.

    Examples
    --------
    >>> import numpy as np
    >>> from skgenecyt.preprocessing import SelectKPerSample
    >>> rng = np.random.default_rng(0)
    >>> X, y = rng.normal(size=(20, 500)), np.repeat([0, 1], 10)
    >>> SelectKPerSample(genes_per_sample=10, max_genes=1000).fit(X, y).k_
    200
    >>> SelectKPerSample(genes_per_sample=10, max_genes=1000).fit(X[:12], y[4:16]).k_
    120
    """

    _parameter_constraints: ClassVar[dict] = {
        "score_func": [callable],
        "genes_per_sample": [Interval(Integral, 1, None, closed="left")],
        "max_genes": [Interval(Integral, 1, None, closed="left"), None],
    }

    def __init__(self, score_func=anova_f, *, genes_per_sample=10, max_genes=None):
        self.score_func = score_func
        self.genes_per_sample = genes_per_sample
        self.max_genes = max_genes

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Score the genes on the training rows and keep the best ``k_``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)

        Returns
        -------
        self : SelectKPerSample
        """
        X, y = validate_data(self, X, y)
        k = self.genes_per_sample * X.shape[0]
        if self.max_genes is not None:
            k = min(k, self.max_genes)
        self.k_ = int(min(k, X.shape[1]))
        self.selector_ = SelectKBest(self.score_func, k=self.k_).fit(X, y)
        self.scores_, self.pvalues_ = self.selector_.scores_, self.selector_.pvalues_
        return self

    def _get_support_mask(self):
        check_is_fitted(self)
        return self.selector_.get_support()

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = True
        return tags
