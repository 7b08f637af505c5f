"""What to know before reading a benchmark's numbers: flags, a small cohort, optimistic CV.

Each note is one sentence or a few, written into the report above the tables,
into ``results.json`` (``notes``) and on the command line's stderr.
"""

from __future__ import annotations

import math

from skgenecyt.report._tables import METRIC_LABELS, mean_sd

#: A training cohort is called small below this many samples ...
SMALL_COHORT_SAMPLES = 100
#: ... or below this many samples in its smaller class.
SMALL_CLASS_SAMPLES = 30


def benchmark_notes(table, details):
    """The notes of a benchmark (a list of str, possibly empty), most urgent first.

    ``table`` and ``details`` are :func:`~skgenecyt.benchmark`'s outputs
    (``return_details=True``).
    """
    notes = [_flagged(table), _small_cohort(details), _within_against_held_out(table, details)]
    return [note for note in notes if note]


def _flagged(table):
    flagged = table.loc[table["flags"] != "", ["model", "flags"]]
    if flagged.empty:
        return None
    listed = "; ".join(f"{r.model} ({r.flags})" for r in flagged.itertuples())
    return (f"Flagged results: {listed}. Constant scores give a ROC AUC of 0.500 whatever "
            "the data; a model that predicts one class for every sample scores that class's "
            "share as accuracy; a failed split has no score and is left out of the mean. "
            "Read these models' numbers with their flags.")


def _small_cohort(details):
    counts = details.class_counts
    n, smaller = sum(counts.values()), min(counts.values())
    if n >= SMALL_COHORT_SAMPLES and smaller >= SMALL_CLASS_SAMPLES:
        return None
    text = (f"The training data are small: {n} samples, {smaller} in the smaller class (small "
            f"here means fewer than {SMALL_COHORT_SAMPLES} samples, or fewer than "
            f"{SMALL_CLASS_SAMPLES} in the smaller class). With thousands of genes and a few "
            "dozen samples, cross-validation within one cohort is optimistic, and more so when "
            "settings are chosen on the same folds: tune inside each training fold (nested "
            "cross-validation, e.g. GridSearchCV inside cross_val_score) and read the spread "
            "over splits as well as the mean.")
    if details.group_results is not None:
        return text + (" The held-out cohort results are the better guide to how a model "
                       "does on a new study.")
    return text + (" With several studies, hold each out in turn (benchmark(..., "
                   "groups=...), or several --expression or --geo inputs to 'skgenecyt "
                   "benchmark'): that is how a model does on a study it has not seen.")


def _gap_metric(details):
    return "roc_auc" if "roc_auc" in details.scoring else details.scoring[0]


def within_gaps(table, details):
    """Per model: within-cohort CV mean minus held-out-cohort mean, and the larger SD.

    A DataFrame with ``model``, ``within_mean``, ``within_sd``,
    ``held_out_mean``, ``held_out_sd``, ``gap`` and ``spread`` for the
    metric of the comparison (ROC AUC when scored), or None without both.
    """
    if details.within_results is None or details.group_results is None:
        return None
    m = _gap_metric(details)
    frame = table[["model", f"within_{m}_mean", f"within_{m}_sd", f"cv_{m}_mean",
                   f"cv_{m}_sd"]].copy()
    frame.columns = ["model", "within_mean", "within_sd", "held_out_mean", "held_out_sd"]
    frame["gap"] = frame["within_mean"] - frame["held_out_mean"]
    frame["spread"] = frame[["within_sd", "held_out_sd"]].max(axis=1).fillna(0.0)
    return frame


def _within_against_held_out(table, details):
    gaps = within_gaps(table, details)
    if gaps is None:
        return None
    label = METRIC_LABELS.get(_gap_metric(details), _gap_metric(details))
    optimistic = [r for r in gaps.itertuples() if math.isfinite(r.gap) and r.gap > r.spread]
    if not optimistic:
        return (f"Cross-validation within the cohorts and the held-out cohorts agree within "
                f"their spread ({label}) for every model.")
    listed = "; ".join(
        f"{r.model} ({label} {mean_sd(r.within_mean, r.within_sd)} within the cohorts, "
        f"{mean_sd(r.held_out_mean, r.held_out_sd)} on held-out cohorts)" for r in optimistic)
    return (f"Cross-validation within the cohorts is more optimistic than holding cohorts "
            f"out, by more than the larger SD of the two, for: {listed}. Expect the "
            "held-out cohort numbers on a new study.")
