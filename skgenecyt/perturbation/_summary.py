"""One call from a fitted model and data to the perturbation tables and figures."""

from __future__ import annotations

import warnings

from sklearn.utils import Bunch

from skgenecyt.datasets import LowCoverageWarning
from skgenecyt.datasets._modules import coverage_frame, locate_modules, resolve_modules

from ._effects import DEFAULT_DOSES, as_expression, dose_response, perturbation_effects

#: Effects on P(RA) of the IL-6, TNF and IL-1beta modules reported in the
#: GeneCytNet paper, ``module -> (mean, sd)``; its protocol is not published.
PAPER_EFFECTS = {"IL6": (0.12, 0.03), "TNF": (0.08, 0.02), "IL1B": (0.06, 0.02)}


def perturbation_summary(
    estimator,
    X,
    y=None,
    *,
    modules=None,
    shifts=(1.0,),
    doses=DEFAULT_DOSES,
    mode="shift",
    on="all",
    X_train=None,
    y_train=None,
    pos_label=None,
    n_bootstrap=1000,
    n_null=200,
    reference=None,
    random_state=None,
    n_jobs=None,
):
    """Effects table, dose-response table, coverage and their figures in one call.

    This is what the command line and the report show for a fitted model; the
    parameters are those of :func:`perturbation_effects`.

    Parameters
    ----------
    estimator : fitted classifier or Pipeline
        Anything with ``predict_proba``.
    X : array-like or DataFrame of shape (n_samples, n_genes)
        The samples to perturb (typically held-out data).
    y : array-like, default=None
        Labels of ``X``; needed when ``on`` is ``"ra"`` or ``"controls"``.
    modules : None, dict or path, default=None
        The modules (None: the built-in IL6, TNF and IL1B modules).
    shifts : array-like of float, default=(1.0,)
        Shifts of the effects table.
    doses : array-like of float, default=-2 to 2 in steps of 0.5
        Shifts of the dose-response curves (no null is computed for them);
        None or empty skips the curves.
    reference : dict or None, default=None
        Published effects ``module -> (mean, sd)`` drawn beside the estimates,
        e.g. :data:`PAPER_EFFECTS`.
    mode, on, X_train, y_train, pos_label, n_bootstrap, n_null, random_state, n_jobs
        As in :func:`perturbation_effects`.

    Returns
    -------
    summary : Bunch
        ``effects`` (DataFrame of :func:`perturbation_effects`),
        ``dose_response`` (DataFrame of :func:`dose_response`, or None),
        ``coverage`` (DataFrame indexed by module: ``n_genes, n_found,
        coverage, missing``) and ``figures``: a dict with the matplotlib
        Figures ``"forest"`` and ``"dose_response"`` (when computed).
    """
    from skgenecyt.plotting import plot_dose_response, plot_perturbation_effects

    resolved = resolve_modules(modules)
    values, columns, _ = as_expression(X)
    names = None if columns is None else list(columns)
    coverage = coverage_frame(locate_modules(resolved, names, n_features=values.shape[1]))
    common = dict(mode=mode, on=on, X_train=X_train, y_train=y_train, pos_label=pos_label,
                  n_bootstrap=n_bootstrap, random_state=random_state, n_jobs=n_jobs)
    curve = None
    with warnings.catch_warnings():  # low coverage was reported once above
        warnings.simplefilter("ignore", LowCoverageWarning)
        effects = perturbation_effects(estimator, X, y, modules=resolved, shifts=shifts,
                                       n_null=n_null, **common)
        if doses is not None and len(doses):
            curve = dose_response(estimator, X, list(resolved), doses, y=y, modules=resolved,
                                  **common)
    figures = {"forest": plot_perturbation_effects(effects, reference=reference)}
    if curve is not None:
        figures["dose_response"] = plot_dose_response(curve)
    return Bunch(effects=effects, dose_response=curve, coverage=coverage, figures=figures)
