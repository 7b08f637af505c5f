"""perturbation_summary(): a fitted model and data to the perturbation tables and figures."""

from __future__ import annotations

import os
from numbers import Integral

import numpy as np
import pandas as pd
from sklearn.utils import Bunch

from skgenecyt._sklearn_compat import validate_params
from skgenecyt.datasets import match_modules
from skgenecyt.perturbation import DEFAULT_DOSES, dose_response, perturbation_effects
from skgenecyt.plotting import plot_dose_response, plot_perturbation_effects


@validate_params(
    {
        # Passed on to perturbation_effects and dose_response, which validate them
        # (nested validation stays on, and errors name perturbation_summary).
        **dict.fromkeys(
            ("estimator", "X", "y", "shifts", "mode", "on", "X_train", "y_train", "pos_label",
             "n_bootstrap", "n_null", "random_state", "n_jobs"),
            "no_validation",
        ),
        "modules": [None, dict, str, os.PathLike],
        "doses": ["array-like", None],
        "reference": [dict, None],
    },
    prefer_skip_nested_validation=False,
)
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

    This is what the command line and the reports show for a fitted model; the
    parameters are those of :func:`~skgenecyt.perturbation_effects`.

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
        e.g. ``skgenecyt.report.PAPER["effects"]``.
    mode, on, X_train, y_train, pos_label, n_bootstrap, n_null, random_state, n_jobs
        As in :func:`~skgenecyt.perturbation_effects`.

    Returns
    -------
    summary : Bunch
        ``effects`` (DataFrame of :func:`~skgenecyt.perturbation_effects`),
        ``dose_response`` (DataFrame of :func:`~skgenecyt.dose_response`, or
        None), ``coverage`` (DataFrame indexed by module: ``n_genes, n_found,
        coverage, missing``) and ``figures``: a dict with the matplotlib
        Figures ``"forest"`` and ``"dose_response"`` (when computed).

    Warns
    -----
    LowCoverageWarning
        When few genes of a module are in ``X``; issued by
        :func:`~skgenecyt.perturbation_effects` (and again by
        :func:`~skgenecyt.dose_response`, from the same place, so Python's
        default filter shows it once).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skgenecyt import perturbation_summary
    >>> rng = np.random.default_rng(0)
    >>> X, y = rng.normal(size=(40, 6)), np.repeat([0, 1], 20)
    >>> X[y == 1, :2] += 1.0
    >>> model = LogisticRegression().fit(X, y)
    >>> summary = perturbation_summary(model, X, modules={"M": [0, 1]}, doses=[-1.0, 1.0],
    ...                                n_bootstrap=20, n_null=5, random_state=0)
    >>> summary.coverage[["n_genes", "n_found"]].to_dict("index")
    {'M': {'n_genes': 2, 'n_found': 2}}
    >>> sorted(summary.figures), bool(summary.effects.loc[0, "delta_mean"] > 0)
    (['dose_response', 'forest'], True)
    """
    common = dict(mode=mode, on=on, X_train=X_train, y_train=y_train, pos_label=pos_label,
                  n_bootstrap=n_bootstrap, random_state=random_state, n_jobs=n_jobs)
    effects = perturbation_effects(estimator, X, y, modules=modules, shifts=shifts,
                                   n_null=n_null, **common)
    curve = None
    if doses is not None and len(doses):
        names = list(dict.fromkeys(effects["module"]))
        curve = dose_response(estimator, X, names, doses, y=y, modules=modules, **common)
    figures = {"forest": plot_perturbation_effects(effects, reference=reference)}
    if curve is not None:
        figures["dose_response"] = plot_dose_response(curve)
    return Bunch(effects=effects, dose_response=curve, coverage=_coverage(modules, X),
                 figures=figures)


def _coverage(modules, X):
    """Genes defined, found and missing per module, as perturbation_effects matched them.

    Called after :func:`~skgenecyt.perturbation_effects` accepted the same
    ``modules`` and ``X``, so both are valid here. Modules given as column
    indices are found whole; gene names are matched by
    :func:`~skgenecyt.match_modules` (quietly: perturbation_effects warned).
    """
    if not isinstance(modules, dict):  # None (the built-in modules) or a GMT file: names
        return match_modules(modules, X, warn=False)[1]
    named = {name: genes for name, genes in modules.items() if not _is_index_list(genes)}
    by_name = match_modules(named, X, warn=False)[1] if named else None
    rows = []
    for name, genes in modules.items():
        if name in named:
            rows.append(by_name.loc[name].to_dict())
        else:
            n_genes = len(dict.fromkeys(int(g) for g in genes))
            rows.append({"n_genes": n_genes, "n_found": n_genes, "coverage": 1.0,
                         "missing": []})
    return pd.DataFrame(rows, index=pd.Index(list(modules), name="module"))


def _is_index_list(genes):
    """Whether a module lists column indices (integers) rather than gene names."""
    return all(isinstance(g, Integral | np.integer) and not isinstance(g, bool) for g in genes)
