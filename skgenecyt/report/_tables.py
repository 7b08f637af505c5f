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


def flags_cell(texts):
    """A model's flags (a list of texts) in one table cell."""
    return "; ".join(texts) if texts else "none"


def cv_table(table, scoring, flags, *, prefix="cv", label="CV", caption=None, times=True):
    """Cross-validation: mean ± SD over splits per metric, fit time and the flags.

    ``prefix`` picks the columns of ``table`` (``cv`` or ``within``),
    ``label`` heads them; ``flags`` maps every model to its flag texts.
    """
    columns = ["Model"] + [f"{label} {METRIC_LABELS.get(m, m)}" for m in scoring]
    columns += ["Fit time per split (s)"] if times else []
    columns += ["Flags"]
    rows = []
    for _, r in table.iterrows():
        rows.append([r["model"]]
                    + [mean_sd(r[f"{prefix}_{m}_mean"], r[f"{prefix}_{m}_sd"]) for m in scoring]
                    + ([mean_sd(r["fit_time_mean"], r["fit_time_sd"], digits=1)] if times
                       else [])
                    + [flags_cell(flags[r["model"]])])
    if caption is None:
        n_splits = int(table["n_splits"].iloc[0])
        caption = (f"Mean ± SD over the {n_splits} cross-validation splits, identical for "
                   "every model.")
    return Table(columns, rows, caption=caption)


def holdout_table(table, scoring, confidence, flags):
    """Holdout: point estimate [bootstrap CI] per metric, fit and predict time, flags."""
    columns = ["Model"] + [f"Holdout {METRIC_LABELS.get(m, m)}" for m in scoring]
    columns += ["Fit time (s)", "Predict time (s)", "Flags"]
    rows = []
    for _, r in table.iterrows():
        rows.append([r["model"]]
                    + [with_ci(r[f"holdout_{m}"], r[f"holdout_{m}_ci_low"],
                               r[f"holdout_{m}_ci_high"]) for m in scoring]
                    + [fmt(r["holdout_fit_time"], 1), fmt(r["holdout_predict_time"], 2),
                       flags_cell(flags[r["model"]])])
    return Table(columns, rows, caption=(
        f"Models fitted on the whole training cohort, scored on the holdout; "
        f"[{confidence:.0%} percentile bootstrap interval] over resamples of the holdout rows."))


def held_out_cohorts_table(group_results, cohorts, metric):
    """One row per cohort: its size, RA share and every model's score when held out."""
    models = list(dict.fromkeys(group_results["model"]))
    scores = group_results.groupby(["cohort", "model"], sort=False)[metric].mean()
    label = METRIC_LABELS.get(metric, metric)
    rows = []
    for r in cohorts.itertuples():
        rows.append([str(r.cohort), int(r.n_samples), fmt(r.ra_share, 2)]
                    + [fmt(scores.get((r.cohort, m), float("nan"))) for m in models])
    return Table(["Held-out cohort", "Samples", "RA share", *(f"{label} {m}" for m in models)],
                 rows, caption=f"{label} of every model on each cohort, fitted on the other "
                               "cohorts; '-' where the cohort holds one class (no AUC) or the "
                               "fit failed.")


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
