"""What the effects functions share: input checks, null gene sets and the effects table.

:func:`perturbation_effects` (genes perturbed in the input) and
:func:`latent_perturbation_effects` (latent codes moved) differ only in how a
perturbed copy of the rows is made and predicted; reading the inputs, drawing
the null gene sets from the one seed, summarising the per-sample changes and
assembling the table are done here for both.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np
import pandas as pd
from sklearn.utils.validation import FLOAT_DTYPES, check_array, check_is_fitted

from skgenecyt._sklearn_compat import Interval, StrOptions
from skgenecyt._validation import non_numeric_columns, non_numeric_error
from skgenecyt.datasets._modules import locate_modules, resolve_modules

from ._null import draw_null_sets
from ._summary_stats import (
    bootstrap_means,
    bootstrap_rng,
    effects_frame,
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


def deltas_frame(per_sample, rows, index):
    columns = pd.MultiIndex.from_tuples(
        [(r["module"], r["shift"]) for r in rows], names=["module", "shift"]
    )
    return pd.DataFrame(per_sample.T, index=index, columns=columns)


def effects_table(inputs, predict_jobs, matched, null_sets, seed, *, mode, n_bootstrap,
                  confidence_level, alternative, n_jobs, return_deltas, per_module=None):
    """The effects table (and, with ``return_deltas``, the per-sample deltas).

    ``predict_jobs`` is as in :func:`compute_effects`; ``mode`` fills the
    ``mode`` column and ``per_module`` (``column -> {module name: value}``)
    adds columns after the standard ones.
    """
    rows, per_sample = compute_effects(
        predict_jobs, matched, inputs.shifts, null_sets, n_bootstrap=n_bootstrap,
        confidence_level=confidence_level, alternative=alternative, seed=seed, n_jobs=n_jobs,
    )
    for row in rows:
        row.update(mode=mode, on=inputs.on, n_samples=int(inputs.perturbed.sum()))
        row.update({column: values[row["module"]] for column, values in
                    (per_module or {}).items()})
    table = effects_frame(rows)
    if return_deltas:
        return table, deltas_frame(per_sample, rows, inputs.index[inputs.perturbed])
    return table
