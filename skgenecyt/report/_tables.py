"""Report tables: benchmark results and perturbation effects as formatted rows."""

from __future__ import annotations

import math

from skgenecyt.report._document import Table

METRIC_LABELS = {
    "roc_auc": "AUC", "accuracy": "Accuracy", "balanced_accuracy": "Balanced accuracy",
    "f1": "F1", "precision": "Precision", "recall": "Recall", "specificity": "Specificity",
}


def fmt(value, digits=3, signed=False):
    """A number with fixed digits; a dash for a missing one."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "-"
    return f"{value:+.{digits}f}" if signed else f"{value:.{digits}f}"


def mean_sd(mean, sd, digits=3, signed=False):
    if sd is None or (isinstance(sd, float) and not math.isfinite(sd)):
        return fmt(mean, digits, signed)
    return f"{fmt(mean, digits, signed)} ± {fmt(sd, digits)}"


def with_ci(value, low, high, digits=3, signed=False):
    return f"{fmt(value, digits, signed)} [{fmt(low, digits, signed)}, {fmt(high, digits, signed)}]"


def cv_table(table, scoring):
    """Cross-validation: mean ± SD over splits per metric, and fit time."""
    columns = ["Model"] + [f"CV {METRIC_LABELS.get(m, m)}" for m in scoring]
    columns += ["Fit time per split (s)"]
    rows = []
    for _, r in table.iterrows():
        rows.append([r["model"]]
                    + [mean_sd(r[f"cv_{m}_mean"], r[f"cv_{m}_sd"]) for m in scoring]
                    + [mean_sd(r["fit_time_mean"], r["fit_time_sd"], digits=1)])
    n_splits = int(table["n_splits"].iloc[0])
    return Table(columns, rows, caption=f"Mean ± SD over the {n_splits} cross-validation "
                                        "splits, identical for every model.")


def holdout_table(table, scoring, confidence):
    """Holdout: point estimate [bootstrap CI] per metric, fit and predict time."""
    columns = ["Model"] + [f"Holdout {METRIC_LABELS.get(m, m)}" for m in scoring]
    columns += ["Fit time (s)", "Predict time (s)"]
    rows = []
    for _, r in table.iterrows():
        rows.append([r["model"]]
                    + [with_ci(r[f"holdout_{m}"], r[f"holdout_{m}_ci_low"],
                               r[f"holdout_{m}_ci_high"]) for m in scoring]
                    + [fmt(r["holdout_fit_time"], 1), fmt(r["holdout_predict_time"], 2)])
    return Table(columns, rows, caption=(
        f"Models fitted on the whole training cohort, scored on the holdout; "
        f"[{confidence:.0%} percentile bootstrap interval] over resamples of the holdout rows."))


def effects_table(effects_by_model):
    """Perturbation effects of every model and module, one row each."""
    columns = ["Model", "Module", "Genes", "Mean change in P(RA) ± SE", "95% CI",
               "Per-sample SD", "Null mean [range]", "p (vs null)"]
    rows = []
    for model, effects in effects_by_model.items():
        for _, r in effects.iterrows():
            rows.append([
                model, r["module"], int(r["n_genes"]),
                mean_sd(r["delta_mean"], r["delta_se"], signed=True),
                f"[{fmt(r['ci_low'], signed=True)}, {fmt(r['ci_high'], signed=True)}]",
                fmt(r["delta_sd"]),
                with_ci(r["null_mean"], r["null_low"], r["null_high"], signed=True),
                fmt(r["p_value"], 3),
            ])
    return Table(columns, rows)
