"""benchmark()'s tables: per split, per held-out cohort, per model, on the holdout."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.utils import Bunch

from skgenecyt.model_selection._flags import prediction_flags, row_text
from skgenecyt.model_selection._metrics import bootstrap_weights, score_all


def _scores(names, y_true, out, mask=slice(None)):
    """Metric name -> value on the rows ``mask`` of a task's test rows; NaN when it failed."""
    if out["error"] is not None:
        return {m: np.nan for m in names}
    scores = score_all(names, y_true, out["y_score"][mask], out["y_pred"][mask])
    return {m: float(v[0]) for m, v in scores.items()}


def _flags(y_true, out, mask=slice(None)):
    return prediction_flags(y_true, out["y_score"][mask], out["y_pred"][mask],
                            failed=out["error"] is not None)


def split_tables(models, splits, k_per_repeat, results, part, y01, names, sample_ids,
                 groups=None):
    """One row per model and split, the out-of-fold predictions, every split's (flags, error).

    ``results[name, part, k]`` is the output of split ``k``. With ``groups``,
    the rows name the held-out cohorts and the predictions their cohort.
    """
    rows, preds = [], []
    flags = {name: [] for name in models}
    for name in models:
        for k, (train, test) in enumerate(splits):
            out = results[name, part, k]
            split_flags = _flags(y01[test], out)
            flags[name].append((split_flags, out["error"]))
            row = {"model": name, "split": k, "repeat": k // k_per_repeat,
                   "fold": k % k_per_repeat, "n_train": len(train), "n_test": len(test)}
            if groups is not None:
                row["held_out"] = ", ".join(map(str, pd.unique(groups[test])))
            rows.append({**row, **_scores(names, y01[test], out),
                         "fit_time": out["fit_time"], "predict_time": out["predict_time"],
                         "flags": row_text(split_flags, out["error"])})
            pred = {"model": name, "split": k, "sample": sample_ids[test],
                    "y_true": y01[test], "y_score": out["y_score"], "y_pred": out["y_pred"]}
            if groups is not None:
                pred["cohort"] = groups[test]
            preds.append(pd.DataFrame(pred))
    return pd.DataFrame(rows), pd.concat(preds, ignore_index=True), flags


def group_tables(models, splits, results, y01, names, groups):
    """One row per model, split and held-out cohort: each cohort scored on its own.

    Returns the table, and per model the (flags, error) and the cohort of its rows.
    """
    rows = []
    flags = {name: [] for name in models}
    cohorts = {name: [] for name in models}
    for name in models:
        for k, (_, test) in enumerate(splits):
            out = results[name, "cv", k]
            held_out = groups[test]
            for cohort in pd.unique(held_out):
                mask = held_out == cohort
                y_true = y01[test][mask]
                cohort_flags = _flags(y_true, out, mask)
                flags[name].append((cohort_flags, out["error"]))
                cohorts[name].append(str(cohort))
                rows.append({"model": name, "split": k, "cohort": cohort,
                             "n_samples": int(mask.sum()), "ra_share": float(y_true.mean()),
                             **_scores(names, y_true, out, mask),
                             "flags": row_text(cohort_flags, out["error"])})
    return pd.DataFrame(rows), flags, cohorts


def _mean_sd(frame, names, prefix):
    row = {}
    for m in names:
        row[f"{prefix}_{m}_mean"] = frame[m].mean()
        row[f"{prefix}_{m}_sd"] = frame[m].std(ddof=1) if len(frame) > 1 else np.nan
    return row


def summarise(models, cv_results, names, group_results=None, within_results=None):
    """One row per model: mean and SD of every metric over splits (or held-out cohorts)."""
    rows = []
    for name in models:
        part = cv_results[cv_results["model"] == name]
        row = {"model": name, "n_splits": len(part)}
        scored = part
        if group_results is not None:
            scored = group_results[group_results["model"] == name]
            row["n_cohorts"] = len(scored)
        row.update(_mean_sd(scored, names, "cv"))
        row["fit_time_mean"] = part["fit_time"].mean()
        row["fit_time_sd"] = part["fit_time"].std(ddof=1) if len(part) > 1 else np.nan
        row["predict_time_mean"] = part["predict_time"].mean()
        if within_results is not None:
            within = within_results[within_results["model"] == name]
            row["within_n_splits"] = len(within)
            row.update(_mean_sd(within, names, "within"))
        rows.append(row)
    return pd.DataFrame(rows)


def holdout_tables(models, results, y_holdout, X_holdout, pos_label, names, n_bootstrap,
                   confidence, seed):
    """Holdout metrics with paired bootstrap intervals, the scores, and each model's flags."""
    y01 = (y_holdout == pos_label).astype(int)
    index = X_holdout.index if isinstance(X_holdout, pd.DataFrame) else None
    predictions = pd.DataFrame({"y_true": y01}, index=index)
    W = bootstrap_weights(y01.size, n_bootstrap, np.random.default_rng(seed))
    alpha = (1.0 - confidence) / 2.0
    rows, bootstrap, flags = [], {}, {}
    for name in models:
        out = results[name, "holdout", None]
        predictions[name] = out["y_score"]
        flags[name] = row_text(_flags(y01, out), out["error"])
        row = {"model": name}
        if out["error"] is None:
            point = score_all(names, y01, out["y_score"], out["y_pred"])
            boot = score_all(names, y01, out["y_score"], out["y_pred"], W)
            for m in names:
                row[f"holdout_{m}"] = float(point[m][0])
                row[f"holdout_{m}_ci_low"] = float(np.nanquantile(boot[m], alpha))
                row[f"holdout_{m}_ci_high"] = float(np.nanquantile(boot[m], 1.0 - alpha))
        else:
            boot = {m: np.full(n_bootstrap, np.nan) for m in names}
            for m in names:
                row.update(dict.fromkeys(
                    (f"holdout_{m}", f"holdout_{m}_ci_low", f"holdout_{m}_ci_high"), np.nan))
        bootstrap[name] = pd.DataFrame(boot)
        row["holdout_fit_time"] = out["fit_time"]
        row["holdout_predict_time"] = out["predict_time"]
        rows.append(row)
    return Bunch(table=pd.DataFrame(rows), predictions=predictions, bootstrap=bootstrap,
                 flags=flags)
