"""QuantileNormalizer: every sample's expression distribution mapped onto a fitted reference."""

from __future__ import annotations

from numbers import Integral
from typing import ClassVar

import numpy as np
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from skgenecyt._sklearn_compat import Interval, _fit_context
from skgenecyt._validation import validate_expression

__all__ = ["QuantileNormalizer"]

#: Default smallest number of genes a reference distribution is learned from.
MIN_GENES = 100

# Rows sorted per block in transform (a few MB of a 15,000-gene matrix).
_BLOCK_ROWS = 64


class QuantileNormalizer(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Map each sample's expression distribution onto a reference learned in ``fit``.

    Quantile normalisation with a frozen reference, as frozen RMA applies to
    single arrays (McCall, Bolstad and Irizarry, Biostatistics 2010,
    11:242): ``fit`` sorts the values of every training sample and averages
    them rank by rank into a reference distribution (one value per gene
    rank); ``transform`` replaces each value of a sample by the reference
    value at that value's rank within the sample (tied values share the mean
    of their ranks' reference values). Nothing about the genes' identities is
    learned, and no label is used.

    Studies of the same tissue differ in laboratory, scanner, labelling kit
    and processing, which move whole samples: a global intensity scale (GEO
    series on one platform can differ threefold in median intensity), an
    unsubtracted background that compresses the low end of the log scale,
    saturation at the top. Any transformation that is the same monotone
    function for every gene of a sample (a scale factor, a background, a
    log or no log at all) leaves the ranks within the sample unchanged, so
    the sample comes out on the training rows' scale. A model fitted on one
    cohort then sees another cohort on the scale it was trained on, without
    that cohort's labels or statistics.

    Each sample is transformed on its own: its output does not depend on the
    other samples passed with it, so predictions do not change with the
    composition of a batch, and perturbed copies of a sample (as
    :func:`~skgenecyt.perturbation_effects` makes them) are normalised like
    any other sample.

    What it assumes and what it cannot fix:

    * every sample holds the same genes, and the distribution of expression
      over those genes is the same in every sample up to the platform's
      monotone distortion: disease changes a minority of genes. A disease or
      tissue that shifts most genes in one direction is partly removed;
    * gene-wise differences between studies (a probe that binds better on
      one platform, a gene-specific fold-change compression) and biological
      differences (tissue composition, the share of patients) are not
      touched: removing them needs the new cohort's own gene statistics;
    * ranks carry no information about ties broken by noise: genes at a
      detection floor share one reference value.

    Parameters
    ----------
    min_genes : int, default=100
        Fewest genes to learn a reference distribution from: with a few genes
        the ranks within a sample mostly reflect the disease signal itself.

    Attributes
    ----------
    reference_ : ndarray of shape (n_features_in_,)
        The reference distribution: the mean over training samples of their
        sorted values, ascending.
    n_features_in_ : int
        Number of genes seen in ``fit``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Gene names seen in ``fit``; defined only when X has string column names.

    See Also
    --------
    skgenecyt.make_genecytnet : ``normalize=True`` adds this step after ``check``.
    skgenecyt.default_baselines : ``normalize=True`` adds it in front of every model.

    Examples
    --------
    >>> import numpy as np
    >>> from skgenecyt.preprocessing import QuantileNormalizer
    >>> X = np.array([[1.0, 2.0, 3.0, 4.0], [2.0, 3.0, 5.0, 6.0]])
    >>> normalizer = QuantileNormalizer(min_genes=4).fit(X)
    >>> normalizer.reference_
    array([1.5, 2.5, 4. , 5. ])

    A sample measured on another scale (here 3 log2 units higher, its two
    middle genes in the other order) is put on the reference's scale:

    >>> normalizer.transform([[4.0, 6.0, 5.0, 8.0]])
    array([[1.5, 4. , 2.5, 5. ]])
    """

    _parameter_constraints: ClassVar[dict] = {
        "min_genes": [Interval(Integral, 2, None, closed="left")],
    }

    def __init__(self, min_genes=MIN_GENES):
        self.min_genes = min_genes

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Learn the reference distribution from the training samples.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Expression values (any monotone scale; log2 is usual).
        y : None
            Ignored: the reference uses no labels.

        Returns
        -------
        self : QuantileNormalizer
        """
        X = self._validate(X, reset=True)
        if X.shape[1] < self.min_genes:
            raise ValueError(
                f"QuantileNormalizer learns an expression distribution over genes and needs "
                f"at least min_genes={self.min_genes} of them; X has {X.shape[1]} feature(s). "
                "Normalise before selecting genes, or lower min_genes."
            )
        self.reference_ = np.sort(X, axis=1).mean(axis=0)
        return self

    def transform(self, X):
        """Put every sample on the reference distribution, one sample at a time.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features_in_)
            The genes seen in ``fit``, in the same order.

        Returns
        -------
        X_normalized : ndarray of shape (n_samples, n_features_in_)
            Each value replaced by the reference value at its rank in its sample.
        """
        check_is_fitted(self)
        X = self._validate(X, reset=False)
        return _to_reference(X, self.reference_)

    def _validate(self, X, *, reset):
        # A reference distribution needs two samples at least, as a model does.
        return validate_expression(self, X, reset=reset, dtype=np.float64,
                                   min_samples=2 if reset else 1)


def _to_reference(X, reference):
    """Each row of X with its k-th smallest value replaced by ``reference[k]``.

    Tied values of a row get the mean of the reference values of their ranks.
    Sorting each row is the whole cost; rows are taken in blocks that stay in
    the processor's cache.
    """
    out = np.empty(X.shape, dtype=np.float64)
    for start in range(0, X.shape[0], _BLOCK_ROWS):
        block = X[start:start + _BLOCK_ROWS]
        order = np.argsort(block, axis=1)
        ordered = np.take_along_axis(block, order, axis=1)
        values = np.broadcast_to(reference, block.shape)
        starts_run = np.ones(block.shape, dtype=bool)
        starts_run[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
        if not starts_run.all():
            starts = np.flatnonzero(starts_run)  # each row starts a run: runs never span rows
            lengths = np.diff(np.append(starts, block.size))
            means = np.add.reduceat(values.ravel(), starts) / lengths
            values = np.repeat(means, lengths).reshape(block.shape)
        np.put_along_axis(out[start:start + _BLOCK_ROWS], order, values, axis=1)
    return out
