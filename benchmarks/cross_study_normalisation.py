"""Leave-one-study-out with and without cross-study normalisation.

Not a speed benchmark (``run.py`` does not run it): it produces the table of
the user guide's cross-study page. For every seed,
``make_ra_studies(n_studies=3, random_state=seed)`` gives three studies on
their shared genes; every model is fitted on two studies and scored on the
third (``LeaveOneGroupOut`` in ``cross_validate``): ROC AUC and accuracy at
the 0.5 threshold per held-out study.

Normalisations compared (``--methods``):

``none``
    the models as they are;
``quantile``
    ``normalize=True``: :class:`skgenecyt.QuantileNormalizer` as the first
    step (after ``check`` in GeneCytNet), a reference learned from the
    training rows, every sample mapped onto it on its own;
``median``
    a simpler per-sample alternative defined here: each sample's median
    moved to the training rows' median (a global intensity scale only);
``study_centred``
    not a pipeline step: every study, the held-out one included, is centred
    gene by gene on its own mean before the split. It uses the held-out
    study's statistics (not its labels), so it needs that whole study at
    once; shown for what such an adaptation could add.

With ``--perturbation`` it also fits GeneCytNet with and without
normalisation on the default cohort and compares the effects of
``perturbation_effects`` on the built-in modules.

Usage, from the repository root (about 20 minutes on 2 cores)::

    python benchmarks/cross_study_normalisation.py --out cross_study.jsonl
    python benchmarks/cross_study_normalisation.py --summary cross_study.jsonl

The first command appends one JSON line per held-out study to ``--out`` (a
rerun skips what the file holds) and prints the summary, as the second does.
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
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin
from sklearn.metrics import accuracy_score, roc_auc_score
from sklearn.model_selection import LeaveOneGroupOut
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted, validate_data

from skgenecyt import default_baselines, make_genecytnet, make_ra_studies

METHODS = ("none", "quantile", "median", "study_centred")
MODELS = ("GeneCytNet", "logistic_regression", "svm_rbf", "random_forest", "gradient_boosting")


class MedianCentring(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Each sample's median moved to the median of the training samples' medians."""

    def fit(self, X, y=None):
        X = validate_data(self, X)
        self.median_ = float(np.median(np.median(X, axis=1)))
        return self

    def transform(self, X):
        check_is_fitted(self)
        X = validate_data(self, X, reset=False)
        return X - np.median(X, axis=1, keepdims=True) + self.median_


def study_centred(X, groups):
    """Every study's genes centred on that study's own means (no labels used)."""
    return X - X.groupby(groups.to_numpy()).transform("mean")


def build(model, method):
    normalize = method == "quantile"
    if model == "GeneCytNet":
        estimator = make_genecytnet(random_state=0, normalize=normalize)
        if method == "median":
            estimator.steps.insert(1, ("normalize", MedianCentring()))
        return estimator
    estimator = default_baselines(random_state=0, normalize=normalize)[model]
    if method == "median":
        steps = estimator.steps if isinstance(estimator, Pipeline) else [("model", estimator)]
        estimator = Pipeline([("normalize", MedianCentring()), *steps])
    return estimator


def run(out, models, methods, seeds):
    done = set()
    if out.exists():
        for line in out.read_text().splitlines():
            r = json.loads(line)
            done.add((r["seed"], r["model"], r["method"], r["study"]))
    for seed in seeds:
        studies = make_ra_studies(n_studies=3, random_state=seed)
        X, y, groups = studies.X, studies.y, studies.groups
        for method in methods:
            data = study_centred(X, groups) if method == "study_centred" else X
            for model in models:
                for train, test in LeaveOneGroupOut().split(data, y, groups):
                    study = str(groups.iloc[test[0]])
                    if (seed, model, method, study) in done:
                        continue
                    start = time.perf_counter()
                    estimator = build(model, method)
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        estimator.fit(data.iloc[train], y.iloc[train])
                    proba = estimator.predict_proba(data.iloc[test])[:, 1]
                    predicted = estimator.predict(data.iloc[test])
                    row = dict(
                        seed=seed, model=model, method=method, study=study, n=len(test),
                        ra_share=float(y.iloc[test].mean()),
                        auc=roc_auc_score(y.iloc[test], proba),
                        accuracy=accuracy_score(y.iloc[test], predicted),
                        predicted_ra=float(np.mean(predicted == 1)),
                        seconds=time.perf_counter() - start,
                    )
                    print(json.dumps(row), flush=True)
                    with out.open("a") as f:
                        f.write(json.dumps(row) + "\n")


def summary(path):
    rows = pd.DataFrame([json.loads(line) for line in Path(path).read_text().splitlines()])
    table = rows.groupby(["model", "method"]).agg(
        auc_mean=("auc", "mean"), auc_sd=("auc", "std"), auc_min=("auc", "min"),
        accuracy_mean=("accuracy", "mean"), accuracy_sd=("accuracy", "std"),
        accuracy_min=("accuracy", "min"), held_out_studies=("auc", "size"),
    )
    order = [m for m in MODELS if m in table.index.get_level_values(0)]
    methods = [m for m in METHODS if m in table.index.get_level_values(1)]
    table = table.reindex(pd.MultiIndex.from_product([order, methods])).dropna(how="all")
    return table.round(3)


def perturbation_check():
    """GeneCytNet's module effects on the default cohort's holdout, without and with the step."""
    from skgenecyt import make_ra_cohort, perturbation_effects

    cohort = make_ra_cohort(random_state=0)
    tables = {}
    for normalize in (False, True):
        model = make_genecytnet(random_state=0, normalize=normalize).fit(cohort.X, cohort.y)
        proba = model.predict_proba(cohort.X_holdout)[:, 1]
        one_by_one = np.concatenate([model.predict_proba(cohort.X_holdout.iloc[[i]])[:, 1]
                                     for i in range(5)])
        print(f"normalize={normalize}: holdout AUC "
              f"{roc_auc_score(cohort.y_holdout, proba):.3f}; first 5 rows alone vs in the "
              f"batch, largest difference {np.abs(one_by_one - proba[:5]).max():.1e}")
        table = perturbation_effects(model, cohort.X_holdout, cohort.y_holdout,
                                     X_train=cohort.X, n_bootstrap=200, n_null=50,
                                     random_state=0)
        tables[normalize] = table.set_index("module")[["delta_mean", "ci_low", "ci_high",
                                                       "p_value"]]
    both = pd.concat([tables[False], tables[True]], axis=1,
                     keys=["normalize=False", "normalize=True"])
    print(both.round(3).to_string())
    return both


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="JSON lines file to append results to")
    parser.add_argument("--summary", type=Path, help="only summarise this results file")
    parser.add_argument("--models", nargs="+", default=list(MODELS), choices=MODELS)
    parser.add_argument("--methods", nargs="+", default=list(METHODS), choices=METHODS)
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2, 3, 4])
    parser.add_argument("--perturbation", action="store_true",
                        help="also compare perturbation effects with and without the step")
    args = parser.parse_args()
    if args.summary:
        print(summary(args.summary).to_string())
        return
    print(json.dumps(provenance()), flush=True)
    if args.out:
        run(args.out, args.models, args.methods, args.seeds)
        print(summary(args.out).to_string())
    if args.perturbation:
        perturbation_check()


if __name__ == "__main__":
    main()
