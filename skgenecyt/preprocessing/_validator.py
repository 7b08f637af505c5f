"""ExpressionValidator: the checks a model's input should pass, as a pipeline step."""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin
from sklearn.utils.validation import check_array, check_is_fitted

from skgenecyt._validation import check_no_missing_labels, validate_expression, warn_if_counts

__all__ = ["ExpressionValidator"]


class ExpressionValidator(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Check an expression matrix on its way into a model and pass it on unchanged.

    The first step of :func:`~skgenecyt.make_genecytnet`. Scikit-learn's own
    steps (gene selection, scaling) would take a messy table further before
    anything complains, or with messages that do not say where the problem
    is; this step stops it at the door with messages that name the genes:

    * a DataFrame without columns, or a column holding text, is a
      ``ValueError`` naming the column and a bad value;
    * NaN, infinite values and values beyond the float32 range (which the
      networks compute in) are a ``ValueError`` naming the genes;
    * at ``transform`` (so at ``predict``), genes missing or unseen at fit
      time are a ``ValueError`` listing them;
    * missing labels (None or NaN) given to ``fit`` are a ``ValueError``;
    * values that look like raw counts (non-negative integers above 100)
      rather than log-scale expression give a
      :class:`~skgenecyt.RawCountsWarning`, in ``fit`` and ``transform``:
      counts at prediction time after a fit on log values give wrong
      probabilities without any other sign.

    The values pass through as they are (as a float array).

    Attributes
    ----------
    n_features_in_ : int
        Number of genes seen in ``fit``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Gene names seen in ``fit``; defined only when X has string column names.

    Examples
    --------
    >>> import pandas as pd
    >>> from skgenecyt.preprocessing import ExpressionValidator
    >>> X = pd.DataFrame({"IL6": [1.0, 2.0], "TNF": [0.5, "high"]})
    >>> ExpressionValidator().fit(X)
    Traceback (most recent call last):
    ...
    ValueError: Expression values must be numeric; 1 column(s) hold other values: 'TNF' (e.g. 'high' for sample 1). Convert them to numbers or drop them first.
    """  # noqa: E501

    def __init__(self):
        # No parameters: every check always applies.
        pass

    def fit(self, X, y=None):
        """Check X and record its genes.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Expression values.
        y : array-like of shape (n_samples,), default=None
            Labels, when the step starts a classifier's pipeline: missing ones
            (None or NaN) are an error here, before any step tries to sort them.

        Returns
        -------
        self : ExpressionValidator
        """
        self._validate(X, reset=True)
        check_no_missing_labels(y)
        return self

    def transform(self, X):
        """Check X against the genes seen in ``fit``; return its values unchanged.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features_in_)

        Returns
        -------
        X_checked : ndarray of shape (n_samples, n_features_in_)
            The values of X, float64 (float32 input stays float32).
        """
        check_is_fitted(self)
        return self._validate(X, reset=False)

    def inverse_transform(self, X):
        """The identity, so that a pipeline starting with this step can decode.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features_in_)

        Returns
        -------
        X : ndarray of shape (n_samples, n_features_in_)
        """
        check_is_fitted(self)
        # Arrays come back from the next step's inverse_transform without names.
        X = check_array(X, dtype=[np.float64, np.float32], ensure_all_finite=False)
        if X.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X has {X.shape[1]} features, but ExpressionValidator is expecting "
                f"{self.n_features_in_} features as input."
            )
        return X

    def _validate(self, X, *, reset):
        # A model needs two samples at least to learn anything from.
        X = validate_expression(self, X, reset=reset, min_samples=2 if reset else 1)
        warn_if_counts(X, stacklevel=4)
        return X

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags
