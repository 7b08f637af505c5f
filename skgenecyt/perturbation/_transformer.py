"""CytokinePerturbation: change one module's genes, leave every other column alone."""

from __future__ import annotations

import os
from numbers import Real
from typing import ClassVar

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin
from sklearn.utils.validation import FLOAT_DTYPES, check_is_fitted, validate_data

from skgenecyt._sklearn_compat import Interval, StrOptions, _fit_context
from skgenecyt._validation import check_frame
from skgenecyt.datasets._modules import locate_modules, resolve_modules

from ._modes import MODES, GeneStats, fit_gene_stats, perturb_values


def select_module(module, modules):
    """Return ``(name, genes)`` for a module name looked up in ``modules`` or a gene list."""
    if isinstance(module, str):
        available = resolve_modules(modules)
        if module not in available:
            raise ValueError(
                f"Unknown module {module!r}; available modules: {', '.join(map(str, available))}."
            )
        return module, list(available[module])
    return "custom", list(module)


class CytokinePerturbation(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Perturb the genes of one cytokine-responsive module.

    ``fit`` learns per-gene reference statistics (mean, standard deviation and,
    depending on ``mode``, a low knockout level or a reference group's mean)
    from the training rows. ``transform`` returns a copy of ``X`` in which only
    the module's genes are changed; every other column is returned unchanged.

    Parameters
    ----------
    module : str or list, default="IL6"
        The module to perturb: a name in ``modules``, or directly a list of gene
        names (matched to the columns of a DataFrame) or column indices.
    modules : None, dict or path, default=None
        Where module names are looked up: None uses the built-in cytokine
        modules (:func:`skgenecyt.datasets.load_cytokine_modules`); a dict maps
        names to lists of gene names or column indices; a string or path is read
        as a GMT file. Column indices work with arrays that have no gene names.
    shift : float, default=1.0
        Strength of the perturbation; ``shift=0`` changes nothing. Its meaning
        depends on ``mode``:

        - ``"shift"``: add ``shift`` training standard deviations to each gene
          (negative values model inhibition);
        - ``"scale"``: multiply each gene's deviation from its training mean by
          ``2**shift``;
        - ``"knockout"``: move each gene the fraction ``shift`` of the way to its
          low reference level (``shift=1`` sets it there);
        - ``"set_to"``: move each gene the fraction ``shift`` of the way to the
          reference group's mean (``shift=1`` sets it there).
    mode : {"shift", "scale", "knockout", "set_to"}, default="shift"
        The kind of perturbation, see ``shift``.
    subset : list or None, default=None
        Perturb only these genes of the module (names or indices, each of which
        must belong to the module). None perturbs every module gene present.
    knockout_quantile : float, default=0.05
        The low reference level of mode ``"knockout"``: this quantile of each
        gene over the training rows.
    reference_class : label or None, default=None
        The reference group of mode ``"set_to"``: training rows with this label.
        None takes the smallest label (the controls when 1 = RA). Mode
        ``"set_to"`` needs ``y`` in ``fit``.

    Attributes
    ----------
    module_name_ : str
        The module's name (``"custom"`` for a gene list).
    genes_ : list
        The perturbed genes present in the data, in module order.
    missing_genes_ : list
        The module's genes absent from the data.
    coverage_ : float
        Fraction of the module's genes found in the data.
    module_indices_ : ndarray of int
        Column indices of ``genes_``.
    loc_, scale_ : ndarray
        Training mean and standard deviation (``ddof=0``) of ``genes_``.
    low_ : ndarray or None
        Knockout level of ``genes_`` (mode ``"knockout"`` only).
    target_ : ndarray or None
        Reference group mean of ``genes_`` (mode ``"set_to"`` only).
    n_features_in_ : int
        Number of columns seen in ``fit``.
    feature_names_in_ : ndarray of str
        Column names seen in ``fit``, when ``X`` had string column names.

    See Also
    --------
    perturbation_effects : Effect of such perturbations on a classifier's P(RA).

    Notes
    -----
    A DataFrame input gives a DataFrame output with the same index and columns;
    ``set_output(transform="pandas")`` also names array outputs.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from skgenecyt.perturbation import CytokinePerturbation
    >>> X = pd.DataFrame([[1.0, 5.0, 0.0], [3.0, 5.0, 2.0]], columns=["IL6", "GAPDH", "SOCS3"])
    >>> pert = CytokinePerturbation(module="M", modules={"M": ["IL6", "SOCS3", "OSM"]}, shift=2.0)
    >>> pert.fit_transform(X)
       IL6  GAPDH  SOCS3
    0  3.0    5.0    2.0
    1  5.0    5.0    4.0
    >>> round(pert.coverage_, 3), pert.missing_genes_
    (0.667, ['OSM'])
    """

    _parameter_constraints: ClassVar[dict] = {
        "module": [str, "array-like"],
        "modules": [None, dict, str, os.PathLike],
        "shift": [Real],
        "mode": [StrOptions(set(MODES))],
        "subset": [None, "array-like"],
        "knockout_quantile": [Interval(Real, 0, 1, closed="both")],
        "reference_class": "no_validation",
    }

    def __init__(
        self,
        module="IL6",
        modules=None,
        shift=1.0,
        mode="shift",
        subset=None,
        knockout_quantile=0.05,
        reference_class=None,
    ):
        self.module = module
        self.modules = modules
        self.shift = shift
        self.mode = mode
        self.subset = subset
        self.knockout_quantile = knockout_quantile
        self.reference_class = reference_class

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Locate the module's genes and learn their reference statistics.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Training expression; DataFrame columns are matched to gene names.
        y : array-like of shape (n_samples,), default=None
            Labels; needed only by mode ``"set_to"`` to find the reference group.

        Returns
        -------
        self : CytokinePerturbation
        """
        check_frame(X, type(self).__name__)
        # Standard deviations, which scale the shifts, need two samples at least.
        X = validate_data(self, X, dtype=FLOAT_DTYPES, ensure_min_samples=2)
        if y is not None:
            y = np.asarray(y)
            if y.shape[0] != X.shape[0]:
                raise ValueError(f"y has {y.shape[0]} labels but X has {X.shape[0]} rows.")
        name, genes = select_module(self.module, self.modules)
        if self.subset is not None:
            outside = [g for g in self.subset if g not in genes]
            if outside:
                raise ValueError(f"subset names genes that are not in module {name!r}: {outside}")
            genes = list(self.subset)
        names = getattr(self, "feature_names_in_", None)
        names = None if names is None else list(names)
        (matched,) = locate_modules({name: genes}, names, n_features=X.shape[1])

        self.module_name_ = name
        self.genes_ = matched.genes
        self.missing_genes_ = matched.missing
        self.coverage_ = matched.coverage
        self.module_indices_ = matched.indices
        stats = fit_gene_stats(
            X[:, matched.indices],
            y,
            mode=self.mode,
            knockout_quantile=self.knockout_quantile,
            reference_class=self.reference_class,
        )
        self.loc_, self.scale_ = stats.loc, stats.scale
        self.low_, self.target_ = stats.low, stats.target
        return self

    def transform(self, X):
        """Return a copy of ``X`` with the module's genes perturbed.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Expression with the same columns as in ``fit``.

        Returns
        -------
        X_perturbed : ndarray or DataFrame of shape (n_samples, n_features)
            A DataFrame (same index and columns) when ``X`` is one.
        """
        check_is_fitted(self)
        check_frame(X, type(self).__name__)
        values = validate_data(self, X, dtype=FLOAT_DTYPES, reset=False, copy=True)
        cols = self.module_indices_
        stats = GeneStats(self.loc_, self.scale_, self.low_, self.target_)
        values[:, cols] = perturb_values(values[:, cols], stats, self.mode, self.shift)
        if isinstance(X, pd.DataFrame):
            return pd.DataFrame(values, index=X.index, columns=X.columns)
        return values

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags
