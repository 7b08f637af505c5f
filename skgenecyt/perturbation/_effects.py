"""perturbation_effects and dose_response: how module perturbations move P(RA)."""

from __future__ import annotations

from numbers import Real

import numpy as np

from skgenecyt._sklearn_compat import HasMethods, Interval, StrOptions, validate_params
from skgenecyt.datasets._modules import resolve_modules

from ._batch import StackedPredictor
from ._common import (
    SHARED_CONSTRAINTS,
    as_shifts,
    check_inputs,
    effects_table,
    modules_and_nulls,
    passes_names,
)
from ._core import MODES, fit_gene_stats, perturb_values

#: The default doses of :func:`dose_response`: -2 to 2 in steps of 0.5.
DEFAULT_DOSES = tuple(np.linspace(-2, 2, 9))

# The constraints of both functions of this module.
_CONSTRAINTS = {
    **SHARED_CONSTRAINTS,
    "estimator": [HasMethods(["predict_proba"])],
    "mode": [StrOptions(set(MODES))],
    "y_train": ["array-like", None],
    "knockout_quantile": [Interval(Real, 0, 1, closed="both")],
    "reference_class": "no_validation",
}


@validate_params(
    {**_CONSTRAINTS, "return_deltas": ["boolean"]},
    prefer_skip_nested_validation=True,
)
def perturbation_effects(
    estimator,
    X,
    y=None,
    *,
    modules=None,
    shifts=(1.0,),
    mode="shift",
    on="all",
    X_train=None,
    y_train=None,
    pos_label=None,
    n_bootstrap=1000,
    confidence_level=0.95,
    n_null=200,
    null_bins=10,
    alternative="two-sided",
    knockout_quantile=0.05,
    reference_class=None,
    max_batch_bytes=256 * 2**20,
    return_deltas=False,
    random_state=None,
    n_jobs=None,
):
    """Change in a classifier's P(RA) when cytokine modules are perturbed.

    For each module and shift, the module's genes are perturbed in the rows
    selected by ``on`` (as :class:`CytokinePerturbation` does) and the change
    ``delta = P(RA | perturbed x) - P(RA | x)`` is computed per sample. The
    table reports its mean, spread and a bootstrap confidence interval, and
    compares the mean with a null: the same perturbation applied to
    ``n_null`` random gene sets of the module's size drawn from the genes
    outside the module (matched on mean expression when ``null_bins > 1``).

    Parameters
    ----------
    estimator : fitted classifier or Pipeline
        Anything with ``predict_proba`` and ``classes_``, fitted on the same
        columns as ``X`` (GeneCytNet, a logistic-regression pipeline, a random
        forest, ...).
    X : array-like or DataFrame of shape (n_samples, n_genes)
        The samples to perturb, typically held-out data. DataFrame columns are
        matched to the modules' gene names.
    y : array-like of shape (n_samples,), default=None
        Labels of ``X``; needed when ``on`` is ``"ra"`` or ``"controls"``.
    modules : None, dict or path, default=None
        The modules to test: None for the built-in IL6, TNF and IL1B modules, a
        dict ``name -> genes`` (gene names or column indices), or a GMT file.
    shifts : float or array-like of float, default=(1.0,)
        Perturbation strengths; see :class:`CytokinePerturbation` for their
        meaning in each ``mode``.
    mode : {"shift", "scale", "knockout", "set_to"}, default="shift"
        The kind of perturbation.
    on : {"all", "controls", "ra"}, default="all"
        Which rows of ``X`` are perturbed and averaged: all of them, the
        controls or the RA samples (``y == pos_label``).
    X_train, y_train : array-like, default=None
        Rows the per-gene statistics (standard deviation, knockout level,
        reference group mean, expression level for null matching) are learned
        from; normally the estimator's training data. None uses ``X`` and ``y``.
    pos_label : label, default=None
        The RA class; None takes ``estimator.classes_[1]``.
    n_bootstrap : int, default=1000
        Bootstrap resamples of the per-sample deltas for the confidence
        interval (0 skips it).
    confidence_level : float, default=0.95
        Coverage of the bootstrap interval and of the null range.
    n_null : int, default=200
        Random gene sets for the null (0 skips it; null columns are then NaN).
    null_bins : int or None, default=10
        Number of quantile bins of mean expression within which null genes are
        matched to the module's genes; None or 1 draws them uniformly.
    alternative : {"two-sided", "greater", "less"}, default="two-sided"
        Direction of the empirical test against the null.
    knockout_quantile : float, default=0.05
        Low reference level of mode ``"knockout"``.
    reference_class : label, default=None
        Reference group of mode ``"set_to"``; None takes the smallest label.
    max_batch_bytes : int, default=256 MiB
        Size of the largest block of perturbed input passed to one
        ``predict_proba`` call. The estimator itself may need a few times this.
    return_deltas : bool, default=False
        Also return the per-sample deltas.
    random_state : int, RandomState instance or None, default=None
        Seeds the null gene sets and the bootstrap.
    n_jobs : int, default=None
        Parallel ``predict_proba`` calls (threads by default). Results do not
        depend on it.

    Returns
    -------
    effects : DataFrame
        One row per (module, shift), columns: ``module, shift, mode, on,
        n_samples, n_genes, coverage, delta_mean, delta_sd, delta_se, ci_low,
        ci_high, null_mean, null_sd, null_low, null_high, z, p_value``.
        ``delta_sd`` is the per-sample standard deviation, ``delta_se`` the
        bootstrap standard error of the mean; ``null_low``/``null_high`` bound
        the central ``confidence_level`` range of the null means; ``z`` is
        ``(delta_mean - null_mean) / null_sd``; ``p_value`` is
        ``(1 + #extreme null sets) / (1 + n_null)``.
    deltas : DataFrame, only with ``return_deltas=True``
        Per-sample deltas: rows are the perturbed samples (``X``'s index),
        columns a ``(module, shift)`` MultiIndex.

    See Also
    --------
    CytokinePerturbation : The perturbation as a transformer.
    dose_response : Effects over a range of shifts.
    latent_perturbation_effects : The same question asked in a VAE's latent space.

    Notes
    -----
    Protocol. Every gene's statistics come from ``X_train`` (or ``X``), so a
    shift of 1 moves a gene by one training standard deviation whatever its
    scale. Only the rows chosen by ``on`` are perturbed and averaged; the
    other rows play no part. The null is competitive: random gene sets drawn
    from all genes but the module's own (other modules' genes included), so a
    module must move P(RA) more than gene sets of its size typically do. The
    null sets are drawn once per module (the same for every shift, and the
    same whatever other modules are tested) and the bootstrap resamples are shared by all rows of
    the table, so differences between shifts are not blurred by resampling
    noise. The two-sided test asks whether the module moves P(RA) more, in
    either direction, than a random gene set of its size does; the smallest
    attainable p-value is ``1 / (1 + n_null)``.

    Efficiency. The perturbed copies (modules x shifts x (1 + n_null)) are
    stacked and predicted in blocks of at most ``max_batch_bytes``; the
    bootstrap reuses the per-sample deltas and never predicts again.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skgenecyt.perturbation import perturbation_effects
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(80, 30))
    >>> y = (X[:, :3].sum(axis=1) + rng.normal(size=80) > 0).astype(int)
    >>> clf = LogisticRegression().fit(X, y)
    >>> table = perturbation_effects(clf, X, modules={"up": [0, 1, 2]}, n_null=50,
    ...                              random_state=0)
    >>> table[["module", "shift", "n_genes"]]
      module  shift  n_genes
    0     up    1.0        3
    >>> bool(table.delta_mean[0] > 0 and table.p_value[0] < 0.05)
    True
    """
    inputs = check_inputs(estimator, X, y, shifts=shifts, on=on, pos_label=pos_label,
                          X_train=X_train, y_train=y_train)
    stats = fit_gene_stats(inputs.ref_X, inputs.ref_y, mode=mode,
                           knockout_quantile=knockout_quantile, reference_class=reference_class)
    matched, seed, null_sets = modules_and_nulls(
        inputs, modules, n_null=n_null, null_bins=null_bins, level=stats.loc,
        random_state=random_state,
    )

    def perturb(segment, job):
        cols, shift = job
        if len(cols):
            segment[:, cols] = perturb_values(segment[:, cols], stats.take(cols), mode, shift)
        return cols

    predictor = StackedPredictor(
        estimator.predict_proba,
        np.ascontiguousarray(inputs.values[inputs.perturbed]),
        inputs.columns if passes_names(estimator) else None,
        perturb, inputs.pos_index, max_batch_bytes,
    )
    return effects_table(
        inputs, predictor, matched, null_sets, seed, mode=mode, n_bootstrap=n_bootstrap,
        confidence_level=confidence_level, alternative=alternative, n_jobs=n_jobs,
        return_deltas=return_deltas,
    )


@validate_params(
    {**_CONSTRAINTS, "module": [str, "array-like"]},
    prefer_skip_nested_validation=True,
)
def dose_response(
    estimator,
    X,
    module,
    shifts=DEFAULT_DOSES,
    *,
    y=None,
    modules=None,
    mode="shift",
    on="all",
    X_train=None,
    y_train=None,
    pos_label=None,
    n_bootstrap=1000,
    confidence_level=0.95,
    n_null=0,
    null_bins=10,
    alternative="two-sided",
    knockout_quantile=0.05,
    reference_class=None,
    max_batch_bytes=256 * 2**20,
    random_state=None,
    n_jobs=None,
):
    """Mean change in P(RA) with its confidence interval over a range of shifts.

    A thin layer over :func:`perturbation_effects` for one module (or a few)
    and many shifts; the parameters not listed here have the same meaning.

    Parameters
    ----------
    estimator : fitted classifier or Pipeline
        Anything with ``predict_proba``.
    X : array-like or DataFrame of shape (n_samples, n_genes)
        The samples to perturb.
    module : str or list of str
        Name(s) of the module(s) in ``modules``; one curve each.
    shifts : array-like of float, default=-2 to 2 in steps of 0.5
        The doses; 0 means no perturbation.
    n_null : int, default=0
        Random gene sets per shift for a null band (0: no null, the fast
        default; the null columns are then NaN).

    Returns
    -------
    curve : DataFrame
        One row per (module, shift), sorted by shift within each module, with
        the columns of :func:`perturbation_effects` (``shift, delta_mean,
        ci_low, ci_high``, ...).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skgenecyt.perturbation import dose_response
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(60, 10))
    >>> y = (X[:, 0] > 0).astype(int)
    >>> clf = LogisticRegression().fit(X, y)
    >>> curve = dose_response(clf, X, "m", shifts=[-1, 0, 1], modules={"m": [0, 1]},
    ...                       random_state=0)
    >>> bool(np.all(np.diff(curve.delta_mean) > 0))
    True
    """
    names = [module] if isinstance(module, str) else list(module)
    available = resolve_modules(modules)
    unknown = [n for n in names if n not in available]
    if unknown:
        raise ValueError(
            f"Unknown module(s) {unknown}; available modules: {', '.join(map(str, available))}."
        )
    table = perturbation_effects(
        estimator, X, y, modules={n: available[n] for n in names},
        shifts=np.sort(as_shifts(shifts)),
        mode=mode, on=on, X_train=X_train, y_train=y_train, pos_label=pos_label,
        n_bootstrap=n_bootstrap, confidence_level=confidence_level, n_null=n_null,
        null_bins=null_bins, alternative=alternative, knockout_quantile=knockout_quantile,
        reference_class=reference_class, max_batch_bytes=max_batch_bytes,
        random_state=random_state, n_jobs=n_jobs,
    )
    return table
