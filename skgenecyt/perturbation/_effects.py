"""The effects engine: from a fitted model and data to the effects table.

:func:`perturbation_effects` (genes perturbed in the input),
:func:`dose_response` (the same over many shifts) and
:func:`~skgenecyt.perturbation.latent_perturbation_effects` (latent codes
moved) differ only in how a perturbed copy of the rows is made and predicted.
Checking the inputs, locating the modules and drawing their null gene sets
from the one seed, finding which module genes the model uses at all,
summarising the per-sample changes and assembling the table are done here for
all of them.
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np
import pandas as pd
from sklearn.feature_selection import SelectorMixin
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import FLOAT_DTYPES, check_array, check_is_fitted

from skgenecyt._sklearn_compat import HasMethods, Interval, StrOptions, validate_params
from skgenecyt._validation import non_numeric_columns, non_numeric_error
from skgenecyt.datasets._modules import locate_modules, resolve_modules
from skgenecyt.preprocessing import GeneSetScores

from ._batch import StackedPredictor
from ._modes import MODES, fit_gene_stats, perturb_values
from ._statistics import (
    bootstrap_means,
    bootstrap_rng,
    draw_null_sets,
    stream_seeds,
    summary_row,
)

#: Parameter constraints of the arguments every effects function takes.
SHARED_CONSTRAINTS = {
    "X": ["array-like"],
    "y": ["array-like", None],
    "modules": [None, dict, str, os.PathLike],
    "shifts": ["array-like", Real],
    "on": [StrOptions({"all", "controls", "ra"})],
    "X_train": ["array-like", None],
    "pos_label": "no_validation",
    "n_bootstrap": [Interval(Integral, 0, None, closed="left")],
    "confidence_level": [Interval(Real, 0, 1, closed="neither")],
    "n_null": [Interval(Integral, 0, None, closed="left")],
    "null_bins": [None, Interval(Integral, 1, None, closed="left")],
    "alternative": [StrOptions({"two-sided", "greater", "less"})],
    "max_batch_bytes": [Interval(Integral, 1, None, closed="left")],
    "random_state": ["random_state"],
    "n_jobs": [Integral, None],
}


def positive_class(estimator, pos_label):
    """Index of the positive class in ``predict_proba``'s columns, and its label."""
    check_is_fitted(estimator)
    classes = getattr(estimator, "classes_", None)
    if classes is None:
        raise TypeError(
            f"{type(estimator).__name__} has no classes_; a fitted classifier is needed."
        )
    classes = list(classes)
    if pos_label is None:
        if len(classes) != 2:
            raise ValueError(
                f"The estimator has {len(classes)} classes {classes}; pass pos_label to say "
                "which one is RA."
            )
        pos_label = classes[1]
    if pos_label not in classes:
        raise ValueError(f"pos_label={pos_label!r} is not one of the classes {classes}.")
    return classes.index(pos_label), pos_label


def as_expression(X, name="X"):
    """``(values, columns, index)``: a finite float matrix plus the DataFrame labels."""
    columns = index = None
    if isinstance(X, pd.DataFrame):
        columns, index = X.columns, X.index
        # One conversion of the whole frame: check_array on a DataFrame inspects
        # every column's dtype, which is slow for 15,000 genes.
        _, problems = non_numeric_columns(X)
        if problems:
            raise non_numeric_error(problems, f"Convert them to numbers or drop them from {name}.")
        X = X.to_numpy()
    values = check_array(X, dtype=FLOAT_DTYPES, input_name=name)
    if index is None:
        index = pd.RangeIndex(values.shape[0])
    return values, columns, index


def perturbed_rows(on, y, n_rows, pos_label):
    """Boolean mask of the rows to perturb: all, the controls or the RA samples."""
    if on == "all":
        return np.ones(n_rows, dtype=bool)
    if y is None:
        raise ValueError(f"on={on!r} needs the labels y of X to pick the rows.")
    y = np.asarray(y)
    if y.shape[0] != n_rows:
        raise ValueError(f"y has {y.shape[0]} labels but X has {n_rows} rows.")
    mask = y == pos_label if on == "ra" else y != pos_label
    if not mask.any():
        raise ValueError(f"No row of X falls in on={on!r} (positive label {pos_label!r}).")
    return mask


def reference_values(X, columns, X_train, y, y_train, name="X_train"):
    """The rows reference statistics are learned from: X_train (if given) or X."""
    if X_train is None:
        return X, y
    values, train_columns, _ = as_expression(X_train, name)
    if values.shape[1] != X.shape[1]:
        raise ValueError(f"{name} has {values.shape[1]} columns but X has {X.shape[1]}.")
    if columns is not None and train_columns is not None and not columns.equals(train_columns):
        raise ValueError(f"{name} and X must have the same columns in the same order.")
    return values, y_train


def as_shifts(shifts):
    shifts = np.atleast_1d(np.asarray(shifts, dtype=float))
    if shifts.ndim != 1 or shifts.size == 0 or not np.all(np.isfinite(shifts)):
        raise ValueError(f"shifts must be a non-empty list of finite numbers, got {shifts!r}.")
    return shifts


def passes_names(estimator):
    """Whether the estimator was fitted on a DataFrame (so expects column names)."""
    fitted_on_array = hasattr(estimator, "n_features_in_") and not hasattr(
        estimator, "feature_names_in_"
    )
    return not fitted_on_array


@dataclass(frozen=True)
class EffectsInputs:
    """The checked inputs of an effects function."""

    pos_index: int  # column of the positive class in predict_proba's output
    pos_label: object
    values: np.ndarray  # X as floats
    columns: pd.Index | None  # X's gene names, if X was a DataFrame
    index: pd.Index  # X's row labels
    shifts: np.ndarray
    on: str
    perturbed: np.ndarray  # boolean mask of the rows of X that are perturbed
    ref_X: np.ndarray  # rows the reference statistics are learned from
    ref_y: object  # their labels (None where unknown)


def check_inputs(estimator, X, y, *, shifts, on, pos_label, X_train, y_train):
    """Check the arguments every effects function takes, in the order errors are reported."""
    pos_index, pos_label = positive_class(estimator, pos_label)
    values, columns, index = as_expression(X)
    shifts = as_shifts(shifts)
    perturbed = perturbed_rows(on, y, values.shape[0], pos_label)
    ref_X, ref_y = reference_values(values, columns, X_train, y, y_train)
    return EffectsInputs(pos_index, pos_label, values, columns, index, shifts, on, perturbed,
                         ref_X, ref_y)


def modules_and_nulls(inputs, modules, *, n_null, null_bins, level, random_state):
    """``(matched, seed, null_sets)``: the modules found in X and their null gene sets.

    ``seed`` is the one seed drawn from ``random_state``; the null sets and the
    bootstrap (in :func:`effects_table`) derive their streams from it.
    """
    n_features = inputs.values.shape[1]
    names = None if inputs.columns is None else list(inputs.columns)
    matched = locate_modules(resolve_modules(modules), names, n_features=n_features)
    seed = stream_seeds(random_state)
    null_sets = draw_null_sets(matched, n_features, n_null, seed, level, null_bins)
    return matched, seed, null_sets


def compute_effects(predict_jobs, matched, shifts, null_sets, *, n_bootstrap,
                    confidence_level, alternative, seed, n_jobs):
    """Run every (gene set, shift) through ``predict_jobs`` and summarise.

    ``predict_jobs(jobs, n_jobs)`` returns the positive-class probabilities of
    each job (a ``(columns, shift)`` pair) as an array (n_jobs, n_samples); the
    first job is the unperturbed baseline. Returns the summary rows and the
    per-sample deltas of each (module, shift).
    """
    jobs = [(np.empty(0, dtype=np.intp), 0.0)]
    layout = []  # (module, shift, index of the module's job; its null jobs follow it)
    for module in matched:
        for shift in shifts:
            first = len(jobs)
            jobs.append((module.indices, float(shift)))
            jobs.extend((gene_set, float(shift)) for gene_set in null_sets[module.name])
            layout.append((module, float(shift), first))
    proba = predict_jobs(jobs, n_jobs)
    deltas = proba[1:] - proba[0]  # job i + 1 -> row i
    module_rows = np.array([first - 1 for _, _, first in layout], dtype=np.intp)
    boot = bootstrap_means(deltas[module_rows], n_bootstrap, bootstrap_rng(seed))
    rows, per_sample = [], []
    for k, (module, shift, first) in enumerate(layout):
        n_null = len(null_sets[module.name])
        null = deltas[first : first + n_null].mean(axis=1)
        stats = summary_row(deltas[first - 1], boot[:, k], null, confidence_level, alternative)
        rows.append({"module": module.name, "shift": shift, "n_genes": len(module.genes),
                     "coverage": module.coverage, **stats})
        per_sample.append(deltas[first - 1])
    return rows, np.array(per_sample)


class ModuleNotUsedWarning(UserWarning):
    """Warning raised when a fitted model uses none of a module's genes.

    Perturbing such a module cannot change the model's output, so its effect
    is zero by construction: it says nothing about the cytokine, only that the
    model (for example after an in-fold feature selection) never sees these
    genes.
    """


#: Rows on which each module gene is shifted alone to see whether a model
#: uses it, and the smallest change of P(RA) that counts as a change (float32
#: models can differ in the last bits between batches).
_USAGE_ROWS = 16
_USAGE_TOLERANCE = 1e-6


def _selected_inputs(estimator, n_features):
    """Boolean mask of the input columns that pass a pipeline's selection, or None.

    The steps before the final estimator are followed while each one keeps
    its columns (``"passthrough"``, or output names equal to its input names,
    as scalers have) or keeps a subset of them (a ``SelectorMixin`` such as
    ``SelectKBest``, through ``get_support``; or any step whose output names
    are some of its input names). A :class:`~skgenecyt.preprocessing.GeneSetScores`
    step ends the walk with the genes of its sets (every one counts) and the
    columns its ``latent_`` pipeline keeps, found the same way. The first
    other step (an encoder, a projection) ends the walk: every column that
    reaches it counts as used. None when the estimator is not a Pipeline or
    no step dropped a column.
    """
    if not isinstance(estimator, Pipeline):
        return None
    kept = _kept_columns(estimator, n_features)
    if len(kept) == n_features:
        return None
    mask = np.zeros(n_features, dtype=bool)
    mask[kept] = True
    return mask


def _kept_columns(pipeline, n_features):
    """The input columns (indices) that reach the first step that is not a selection."""
    names = getattr(pipeline, "feature_names_in_", None)
    if names is None:
        names = [f"x{i}" for i in range(n_features)]
    names = np.asarray(names, dtype=object)
    kept = np.arange(n_features)  # the input column behind each current column
    for _, step in pipeline.steps[:-1]:
        if step is None or isinstance(step, str):  # "passthrough"
            continue
        if isinstance(step, GeneSetScores):
            return kept[_set_scores_inputs(step, len(kept))]
        if isinstance(step, SelectorMixin):
            support = np.asarray(step.get_support(), dtype=bool)
            if support.shape != kept.shape:
                break
            kept, names = kept[support], names[support]
            continue
        try:
            out = list(step.get_feature_names_out(names))
        except (AttributeError, TypeError, ValueError):
            break
        position = {name: i for i, name in enumerate(names)}
        if len(position) < len(names) or len(set(out)) < len(out) or not set(out) <= set(position):
            break
        pick = np.array([position[name] for name in out], dtype=np.intp)
        kept, names = kept[pick], names[pick]
    return kept


def _set_scores_inputs(step, n_features):
    """Boolean mask of a fitted GeneSetScores' inputs that reach its output."""
    latent = step.latent_
    if latent is None:
        used = np.zeros(n_features, dtype=bool)
    elif isinstance(latent, Pipeline):
        used = np.zeros(n_features, dtype=bool)
        used[_kept_columns(latent, n_features)] = True
    else:
        used = np.ones(n_features, dtype=bool)
    for columns in step.set_indices_.values():
        used[columns] = True
    return used


def model_gene_usage(estimator, X, genes, *, scale=None, columns=None, pos_index=1,
                     max_batch_bytes=256 * 2**20, n_jobs=None):
    """Which of ``genes`` a fitted classifier uses: a boolean per gene.

    For a Pipeline whose leading steps select columns (see
    :func:`_selected_inputs`), a gene is used when it passes the selection.
    For any other estimator it is found out: each gene alone is shifted by
    ``scale`` (one training standard deviation) in up to ``_USAGE_ROWS``
    rows of ``X``, and the gene is used when P(RA) of any of these rows moves
    by more than ``_USAGE_TOLERANCE``.

    Parameters
    ----------
    estimator : fitted classifier
    X : ndarray of shape (n_samples, n_features)
        Rows to test on (e.g. the rows that are perturbed).
    genes : array-like of int
        Column indices of the genes to test.
    scale : ndarray of shape (n_features,), default=None
        Shift of each gene; None uses the standard deviation over ``X``.
        Zero entries (constant genes) shift by 1.
    columns : pandas.Index, default=None
        Column names to pass the estimator, as in ``StackedPredictor``.
    pos_index : int, default=1
        Column of ``predict_proba`` that holds P(RA).
    max_batch_bytes, n_jobs
        As in :func:`perturbation_effects`.

    Returns
    -------
    used : ndarray of bool of shape (len(genes),)
    """
    genes = np.asarray(genes, dtype=np.intp)
    selected = _selected_inputs(estimator, X.shape[1])
    if selected is not None:
        return selected[genes]
    if len(genes) == 0:
        return np.zeros(0, dtype=bool)
    rows = X[np.unique(np.linspace(0, len(X) - 1, min(len(X), _USAGE_ROWS)).round().astype(int))]
    scale = rows.std(axis=0) if scale is None else np.asarray(scale)
    step = np.where(scale[genes] > 0, scale[genes], 1.0)

    def shift_one_gene(segment, job):  # job -1 is the unperturbed baseline
        if job < 0:
            return genes[:0]
        segment[:, genes[job]] += step[job]
        return genes[job : job + 1]

    predictor = StackedPredictor(estimator.predict_proba, np.ascontiguousarray(rows), columns,
                                 shift_one_gene, pos_index, max_batch_bytes)
    proba = predictor([-1, *range(len(genes))], n_jobs)
    return np.abs(proba[1:] - proba[0]).max(axis=1) > _USAGE_TOLERANCE


def module_usage(estimator, inputs, matched, scale, *, max_batch_bytes, n_jobs):
    """The per-module columns ``n_genes_used`` and ``model_coverage`` of the effects table.

    Returns ``column -> {module name: value}``, as ``effects_table`` takes
    them; the genes are tested on the rows that are perturbed.
    """
    genes = np.unique(np.concatenate([m.indices for m in matched]))
    used = model_gene_usage(
        estimator, inputs.values[inputs.perturbed], genes, scale=scale,
        columns=inputs.columns if passes_names(estimator) else None,
        pos_index=inputs.pos_index, max_batch_bytes=max_batch_bytes, n_jobs=n_jobs,
    )
    is_used = np.zeros(inputs.values.shape[1], dtype=bool)
    is_used[genes[used]] = True
    n_used = {m.name: int(is_used[m.indices].sum()) for m in matched}
    return {"n_genes_used": n_used,
            "model_coverage": {m.name: n_used[m.name] / len(m.genes) for m in matched}}


def invisible_modules(matched, usage):
    """Names of the modules of which the model uses no gene, with a warning naming them."""
    hidden = [m for m in matched if usage["n_genes_used"][m.name] == 0]
    if hidden:
        details = ", ".join(f"{m.name} (0 of {len(m.genes)} genes)" for m in hidden)
        warnings.warn(
            f"The model uses none of the genes of module(s) {details}, so perturbing them "
            "cannot change its output: their effect is 0 by construction and says nothing "
            "about the cytokine. Their rows have visible=False and no confidence interval or "
            "p-value. A feature selection inside the model (e.g. SelectKBest) probably "
            "dropped these genes; see the n_genes_used column.",
            ModuleNotUsedWarning,
            stacklevel=4,
        )
    return {m.name for m in hidden}


COLUMNS = [
    "module", "shift", "mode", "on", "n_samples", "n_genes", "coverage",
    "delta_mean", "delta_sd", "delta_se", "ci_low", "ci_high",
    "null_mean", "null_sd", "null_low", "null_high", "z", "p_value",
]


def effects_frame(rows):
    """The effects table: the standard columns first, then any extra ones."""
    extra = [c for c in (rows[0] if rows else {}) if c not in COLUMNS]
    return pd.DataFrame(rows, columns=COLUMNS + extra)


def deltas_frame(per_sample, rows, index):
    columns = pd.MultiIndex.from_tuples(
        [(r["module"], r["shift"]) for r in rows], names=["module", "shift"]
    )
    return pd.DataFrame(per_sample.T, index=index, columns=columns)


def effects_table(inputs, predict_jobs, matched, null_sets, seed, *, mode, n_bootstrap,
                  confidence_level, alternative, n_jobs, return_deltas, per_module=None,
                  hidden=frozenset()):
    """The effects table (and, with ``return_deltas``, the per-sample deltas).

    ``predict_jobs`` is as in :func:`compute_effects`; ``mode`` fills the
    ``mode`` column and ``per_module`` (``column -> {module name: value}``)
    adds columns after the standard ones. The modules named in ``hidden``
    (the model uses none of their genes) get no null, which is not predicted,
    and no interval or p-value.
    """
    null_sets = {name: sets[:0] if name in hidden else sets for name, sets in null_sets.items()}
    rows, per_sample = compute_effects(
        predict_jobs, matched, inputs.shifts, null_sets, n_bootstrap=n_bootstrap,
        confidence_level=confidence_level, alternative=alternative, seed=seed, n_jobs=n_jobs,
    )
    for row in rows:
        row.update(mode=mode, on=inputs.on, n_samples=int(inputs.perturbed.sum()))
        row.update({column: values[row["module"]] for column, values in
                    (per_module or {}).items()})
        if row["module"] in hidden:
            row.update(delta_se=np.nan, ci_low=np.nan, ci_high=np.nan)
    table = effects_frame(rows)
    if return_deltas:
        return table, deltas_frame(per_sample, rows, inputs.index[inputs.perturbed])
    return table


#: The default doses of :func:`dose_response`: -2 to 2 in steps of 0.5.
DEFAULT_DOSES = tuple(np.linspace(-2, 2, 9))

# The constraints of perturbation_effects and dose_response.
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
        ci_high, null_mean, null_sd, null_low, null_high, z, p_value,
        n_genes_used, model_coverage, visible``.
        ``n_genes`` counts the module's genes present in ``X`` and
        ``coverage`` is their share of the module's definition.
        ``delta_sd`` is the per-sample standard deviation, ``delta_se`` the
        bootstrap standard error of the mean; ``null_low``/``null_high`` bound
        the central ``confidence_level`` range of the null means; ``z`` is
        ``(delta_mean - null_mean) / null_sd``; ``p_value`` is
        ``(1 + #extreme null sets) / (1 + n_null)``.
        ``n_genes_used`` counts the present module genes that the model uses
        (see Notes), ``model_coverage`` is ``n_genes_used / n_genes`` and
        ``visible`` is False when the model uses none of them: such a
        module's effect is 0 by construction, so its row has no interval,
        null or p-value (NaN in ``delta_se``, ``ci_low``, ``ci_high``, the
        ``null_*`` columns, ``z`` and ``p_value``) and a
        :class:`ModuleNotUsedWarning` names it.
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

    What the model can see. A model may ignore some genes: GeneCytNet keeps
    only the genes its in-fold selection picked, a sparse model zeroes some
    coefficients. A module none of whose genes the model uses has an effect of
    exactly 0 whatever the cytokine does, and a p-value against random gene
    sets would read as "no effect" when it means "not looked at"; hence
    ``visible`` and the missing p-value. For a Pipeline whose leading steps
    select columns (any ``SelectorMixin`` such as ``SelectKBest``, with
    ``"passthrough"`` steps and column-keeping transformers such as
    ``StandardScaler`` around them), a gene is used when it passes the
    selection; in GeneCytNet guided by gene sets (``make_genecytnet(gene_sets=...)``)
    every gene of a set is used besides those selected, so a module given
    as a set has ``model_coverage`` 1. For any other estimator, each module gene alone is shifted by
    one training standard deviation in up to 16 of the perturbed rows, and it
    is used when P(RA) of any of them changes by more than ``1e-6``; a model
    whose response to single genes is a step function (a tree) can be
    counted as ignoring a gene whose single shift crosses no threshold.

    Efficiency. The perturbed copies (modules x shifts x (1 + n_null)) are
    stacked and predicted in blocks of at most ``max_batch_bytes``; the
    bootstrap reuses the per-sample deltas and never predicts again. The
    null of a module the model does not see is not predicted. Finding which
    genes the model uses costs nothing for a Pipeline that selects columns,
    and one perturbed copy of up to 16 rows per module gene otherwise.

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
    usage = module_usage(estimator, inputs, matched, stats.scale,
                         max_batch_bytes=max_batch_bytes, n_jobs=n_jobs)
    hidden = invisible_modules(matched, usage)
    usage["visible"] = {m.name: m.name not in hidden for m in matched}
    return effects_table(
        inputs, predictor, matched, null_sets, seed, mode=mode, n_bootstrap=n_bootstrap,
        confidence_level=confidence_level, alternative=alternative, n_jobs=n_jobs,
        return_deltas=return_deltas, per_module=usage, hidden=hidden,
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
        ci_low, ci_high``, ..., ``n_genes_used, model_coverage, visible``). A
        module the model does not use has ``visible=False`` and no interval.

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
