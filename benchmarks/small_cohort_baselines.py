"""The default baselines and GeneCytNet on small cohorts, the baselines on the default cohort.

Not a speed benchmark (``run.py`` does not run it): it measures what the
size rules of :func:`skgenecyt.default_baselines` give, for the tables of the
user guide's benchmarking page.

* ``small``: cohorts of ``n_ra`` patients and ``n_control`` controls
  (``make_ra_cohort(..., n_holdout_ra=100, n_holdout_control=50,
  random_state=seed)``), each baseline fitted on the cohort and scored on
  its own 150-sample holdout: ROC AUC, accuracy at 0.5, and whether the
  predictions are one constant or one class for every holdout sample.
  GeneCytNet (``make_genecytnet(random_state=s)``) is fitted once per seed
  ``s`` of ``--model-seeds``, by default as it is (``n_members="auto"``) and
  with one member (``n_members=1``), so that the seed spread of both shows.
* ``default``: the default cohort (``make_ra_cohort(random_state=0)``, 360
  training samples), 5-fold stratified cross-validation
  (``StratifiedKFold(5, shuffle=True, random_state=0)``): ROC AUC and
  accuracy per fold.

Run it from the repository root; to measure another version of the package
(say the previous release) put its source first on ``PYTHONPATH``::

    python benchmarks/small_cohort_baselines.py --out small.json
    python benchmarks/small_cohort_baselines.py --sizes 10:6 12:8 40:20 --seeds 0 1 2 3 4

Results are printed as tables and, with ``--out``, written as JSON.
"""

from __future__ import annotations

import argparse
import json
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from _provenance import provenance
from sklearn.base import clone
from sklearn.metrics import accuracy_score, roc_auc_score
from sklearn.model_selection import StratifiedKFold, cross_validate

from skgenecyt import default_baselines, make_genecytnet, make_ra_cohort


def _quiet(function, *args, **kwargs):
    # Small folds make scikit-learn warn (e.g. a fold's AUC is undefined); the
    # tables report the outcome, not the warnings.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return function(*args, **kwargs)


def _models(model_seeds):
    """``(name, model seed, model)``: the baselines once, GeneCytNet per seed, two ways."""
    for name, model in default_baselines(random_state=0).items():
        yield name, 0, model
    for seed in model_seeds:
        yield "genecytnet", seed, make_genecytnet(random_state=seed)
        yield "genecytnet_one_member", seed, make_genecytnet(random_state=seed, n_members=1)


def small_cohorts(sizes, seeds, model_seeds):
    rows = []
    for size in sizes:
        n_ra, n_control = (int(v) for v in size.split(":"))
        for seed in seeds:
            cohort = make_ra_cohort(n_ra=n_ra, n_control=n_control, n_holdout_ra=100,
                                    n_holdout_control=50, random_state=seed)
            for name, model_seed, model in _models(model_seeds):
                start = time.perf_counter()
                fitted = _quiet(clone(model).fit, cohort.X, cohort.y)
                proba = fitted.predict_proba(cohort.X_holdout)[:, 1]
                predicted = fitted.predict(cohort.X_holdout)
                rows.append(dict(
                    size=size, seed=seed, model=name, model_seed=model_seed,
                    auc=roc_auc_score(cohort.y_holdout, proba),
                    accuracy=accuracy_score(cohort.y_holdout, predicted),
                    constant=bool(np.ptp(proba) == 0),
                    one_class=bool(len(np.unique(predicted)) == 1),
                    seconds=time.perf_counter() - start,
                ))
                print(json.dumps(rows[-1]), flush=True)
    return rows


def seed_spread(small):
    """Per size and model: the SD of holdout AUC over model seeds, averaged over cohorts."""
    per_cohort = small.groupby(["size", "model", "seed"])["auc"].std(ddof=1)
    return per_cohort.groupby(["size", "model"]).mean().rename("seed_sd")


def default_cohort():
    cohort = make_ra_cohort(random_state=0)
    folds = StratifiedKFold(5, shuffle=True, random_state=0)
    rows = []
    for name, model in default_baselines(random_state=0).items():
        start = time.perf_counter()
        scores = _quiet(cross_validate, model, cohort.X, cohort.y, cv=folds,
                        scoring=["roc_auc", "accuracy"])
        rows.append(dict(model=name, auc=scores["test_roc_auc"].tolist(),
                         accuracy=scores["test_accuracy"].tolist(),
                         seconds=time.perf_counter() - start))
        print(json.dumps(rows[-1]), flush=True)
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=["12:8"],
                        help="cohorts as n_ra:n_control (default: 12:8)")
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2, 3, 4])
    parser.add_argument("--model-seeds", nargs="+", type=int, default=[0, 1, 2],
                        help="GeneCytNet's random_state values on each cohort (default: 0 1 2)")
    parser.add_argument("--skip-default", action="store_true",
                        help="skip the 5-fold CV on the default cohort (the slow part)")
    parser.add_argument("--out", type=Path, help="write the results as JSON here")
    args = parser.parse_args()

    result = provenance()
    small = pd.DataFrame(small_cohorts(args.sizes, args.seeds, args.model_seeds))
    result["small"] = small.to_dict("records")
    if not args.skip_default:
        result["default"] = default_cohort()
    if args.out:
        args.out.write_text(json.dumps(result, indent=1))

    summary = small.groupby(["size", "model"]).agg(
        auc_mean=("auc", "mean"), auc_sd=("auc", "std"), accuracy_mean=("accuracy", "mean"),
        constant=("constant", "sum"), one_class=("one_class", "sum"), fits=("auc", "size"),
        seconds=("seconds", "mean"),
    ).join(seed_spread(small))
    print(summary.round(3).to_string())
    if "default" in result:
        table = pd.DataFrame([
            dict(model=r["model"], cv_auc_mean=np.mean(r["auc"]), cv_auc_sd=np.std(r["auc"]),
                 cv_accuracy_mean=np.mean(r["accuracy"])) for r in result["default"]
        ])
        print(table.round(4).to_string(index=False))


if __name__ == "__main__":
    main()
