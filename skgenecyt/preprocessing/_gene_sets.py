"""GeneSetScores: one score per prior gene set, beside a model's own features."""

from __future__ import annotations

import os
from typing import ClassVar

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin, clone
from sklearn.utils.validation import check_is_fitted

from skgenecyt._sklearn_compat import HasMethods, _check_feature_names_in, _fit_context
from skgenecyt._validation import listing, validate_expression
from skgenecyt.datasets._modules import coverage_frame, locate_modules, resolve_modules

__all__ = ["GeneSetScores"]


def set_score(values, columns, mean, scale):
    """A gene set's score in each row: the mean of its genes, each in training SD units.

    ``mean`` and ``scale`` hold every gene's training mean and standard
    deviation (1 where a gene was constant); ``columns`` are the set's genes.
    """
    return ((values[:, columns] - mean[columns]) / scale[columns]).mean(axis=1)


class GeneSetScores(TransformerMixin, BaseEstimator):
    """Score every prior gene set in each sample, beside the output of another transformer.

    The score of a gene set is the mean of its genes, each standardised with
    the mean and standard deviation of the training rows (learned in
    ``fit``): how far, in SD units, the set's genes lie above their usual
    level in that sample. Every gene of a set that is present in X counts,
    whatever a feature selection elsewhere keeps, so a set's score moves
    with each of its genes. The scores suit sets whose genes move together in
    one direction, such as the genes a cytokine switches on.

    With ``latent``, the output is the latent transformer's output followed
    by one column per set. In :func:`~skgenecyt.make_genecytnet` with
    ``gene_sets`` this step holds the gene selection, scaling and VAE as
    ``latent``, so the graph attention network gets one node per gene set
    beside the latent factors; ``gene_sets=None`` then passes the latent
    factors on alone, exactly as the model without gene sets.

    Parameters
    ----------
    gene_sets : dict, str, path-like or None, default=None
        The sets: a dict ``name -> genes`` (gene names, or column indices for
        arrays without names), the path of a GMT file, or ``"cytokine"`` for
        the built-in IL6, TNF and IL1B modules (see
        :func:`~skgenecyt.datasets.match_modules`). Genes absent from X are
        left out (with a :class:`~skgenecyt.datasets.LowCoverageWarning`
        when more than half of a set is missing); a set without any gene in X
        is an error. None scores no set.
    latent : transformer or None, default=None
        Fitted on the same rows (a clone of it); its output comes first.
        None outputs the scores alone. ``gene_sets`` and ``latent`` cannot
        both be None.

    Attributes
    ----------
    latent_ : transformer or None
        The fitted clone of ``latent``, fitted on the values of X as an array
        (without the column names, which ``get_feature_names_out`` passes on).
    set_names_ : list of str
        The scored sets, in the order of their output columns.
    set_indices_ : dict of str to ndarray of int
        The column indices of X scored for each set.
    coverage_ : DataFrame
        Per set (index ``module``): ``n_genes`` (defined), ``n_found`` (in X
        and scored), ``coverage`` and ``missing`` (genes not in X).
    mean_, scale_ : ndarray of shape (n_features_in_,)
        Training mean and standard deviation of every gene (1 for constant
        genes); only the genes of some set are used.
    n_features_in_ : int
        Number of features seen in ``fit``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Gene names seen in ``fit``; only when X had string column names.

    See Also
    --------
    skgenecyt.make_genecytnet : GeneCytNet guided by gene sets (``gene_sets=``).
    skgenecyt.datasets.random_gene_sets : Random sets of the same sizes, the control.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from skgenecyt.preprocessing import GeneSetScores
    >>> X = pd.DataFrame(np.arange(12.0).reshape(4, 3) ** 2, columns=["A", "B", "C"])
    >>> scores = GeneSetScores({"AB": ["A", "B"], "C": ["C"]}).fit(X)
    >>> scores.transform(X).round(2)
    array([[-1.03, -1.11],
           [-0.69, -0.64],
           [ 0.17,  0.24],
           [ 1.56,  1.52]])
    >>> scores.get_feature_names_out()
    array(['AB', 'C'], dtype=object)
    """

    _parameter_constraints: ClassVar[dict] = {
        "gene_sets": [None, dict, str, os.PathLike],
        "latent": [HasMethods(["fit", "transform"]), None],
    }

    def __init__(self, gene_sets=None, latent=None):
        self.gene_sets = gene_sets
        self.latent = latent

    def fit(self, X, y=None):
        """Learn the genes' training statistics and fit ``latent``.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Expression values; DataFrame columns are matched to gene names.
        y : array-like of shape (n_samples,), default=None
            Passed to ``latent`` (e.g. for an in-fold gene selection).

        Returns
        -------
        self : GeneSetScores
        """
        self._fit(X, y)
        return self

    def fit_transform(self, X, y=None):
        """Fit, then return the latent output and the set scores of X.

        ``latent`` is fitted and applied in one ``fit_transform`` call.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
        y : array-like of shape (n_samples,), default=None

        Returns
        -------
        X_out : ndarray of shape (n_samples, n_latent + n_sets)
        """
        return self._fit(X, y)

    @_fit_context(prefer_skip_nested_validation=False)  # latent checks its own parameters
    def _fit(self, X, y):
        if self.gene_sets is None and self.latent is None:
            raise ValueError(
                "GeneSetScores has nothing to output: give gene_sets, latent or both."
            )
        values = validate_expression(self, X, reset=True)
        self._locate_sets()  # a set without genes in X stops fit before the latent's fit
        self.latent_ = None
        latent_out = None
        if self.latent is not None:
            self.latent_ = clone(self.latent)
            latent_out = np.asarray(self.latent_.fit_transform(values, y))
            self._n_latent = latent_out.shape[1]
        mean = values.mean(axis=0, dtype=np.float64)
        std = values.std(axis=0, dtype=np.float64)
        self.mean_, self.scale_ = mean, np.where(std > 0, std, 1.0)
        self._check_names()
        return self._output(latent_out, values)

    def transform(self, X):
        """The latent output, then one score per set.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features_in_)

        Returns
        -------
        X_out : ndarray of shape (n_samples, n_latent + n_sets)
            The scores take the latent output's dtype (float64 alone).
        """
        check_is_fitted(self)
        values = validate_expression(self, X, reset=False)
        latent_out = None if self.latent_ is None else self.latent_.transform(values)
        return self._output(latent_out, values)

    def get_feature_names_out(self, input_features=None):
        """The latent transformer's output names, then the set names.

        Parameters
        ----------
        input_features : array-like of str or None
            Only checked against the names seen in ``fit``.

        Returns
        -------
        feature_names_out : ndarray of str objects
        """
        check_is_fitted(self)
        _check_feature_names_in(self, input_features)
        return np.asarray([*self._latent_names(), *self.set_names_], dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = False
        return tags

    # -- helpers ------------------------------------------------------------------------------

    def _locate_sets(self):
        if self.gene_sets is None:
            matched = []
        else:
            names = getattr(self, "feature_names_in_", None)
            matched = locate_modules(resolve_modules(self.gene_sets),
                                     None if names is None else list(names),
                                     n_features=self.n_features_in_)
        self.set_names_ = [str(m.name) for m in matched]
        self.set_indices_ = {str(m.name): m.indices for m in matched}
        self.coverage_ = coverage_frame(matched)

    def _latent_names(self):
        if self.latent_ is None:
            return []
        try:
            # latent_ is fitted on the values alone (a copy of a large DataFrame
            # saved); the gene names are given here
            names = getattr(self, "feature_names_in_", None)
            return [str(n) for n in self.latent_.get_feature_names_out(names)]
        except (AttributeError, TypeError, ValueError):
            return [f"latent{i}" for i in range(self._n_latent)]

    def _check_names(self):
        names = self._latent_names()
        clash = sorted(set(names) & set(self.set_names_))
        if clash:
            raise ValueError(
                f"Gene set name(s) {listing(clash)} are also names of the latent transformer's "
                "outputs; rename the sets so that every output column has its own name."
            )

    def _output(self, latent_out, values):
        scores = self._scores(values)
        if latent_out is None:
            return scores
        latent_out = np.asarray(latent_out)  # a DataFrame where latent outputs pandas
        if not self.set_names_:
            return latent_out  # no set: the latent output as it is
        return np.hstack([latent_out, scores.astype(latent_out.dtype, copy=False)])

    def _scores(self, values):
        scores = np.empty((values.shape[0], len(self.set_names_)), dtype=np.float64)
        for k, name in enumerate(self.set_names_):
            scores[:, k] = set_score(values, self.set_indices_[name], self.mean_, self.scale_)
        return scores
