"""GeneCytNet guided by the cytokine gene sets, against random sets, the default and baselines.

Not a speed benchmark (``run.py`` does not run it): it produces the tables of
the user guide's page on prior gene sets. Models compared:

``genecytnet``
    ``make_genecytnet(random_state=0)``, no gene sets;
``genecytnet_cytokine``
    ``make_genecytnet(random_state=0, gene_sets="cytokine")``: one score per
    built-in module (IL6, TNF, IL1B) beside the 8 latent factors;
``genecytnet_random<k>``
    the same model on ``random_gene_sets("cytokine", X_train,
    random_state=k)``: sets of the same sizes, genes matched in mean and
    variance, drawn from the training rows' statistics (no labels);
the baselines of ``default_baselines(random_state=0)``.

Parts (``--parts``):

``default``
    ``make_ra_cohort(random_state=0)`` (360 training samples):
    ``benchmark`` with stratified 5-fold CV repeated 3 times
    (``random_state=0``; identical splits for every model) and the
    150-sample holdout. The random sets are drawn from the 360 training
    rows' gene means and variances (the labels play no part, the holdout
    none at all).
``small``
    ``make_ra_cohort(n_ra=12, n_control=8, n_holdout_ra=100,
    n_holdout_control=50, random_state=seed)``: every model fitted on the 20
    samples (random sets drawn from those 20 rows), scored on the holdout.
``studies``
    ``make_ra_studies(n_studies=3, random_state=seed)``: leave-one-study-out,
    every GeneCytNet with ``normalize=True`` and the baselines with
    ``default_baselines(normalize=True)``; the random sets are drawn from
    the training studies only.
``planted``
    ``make_ra_cohort(module_effects={"IL6": 0.5, "TNF": 1.0, "IL1B": 1.5},
    random_state=0)``: ``perturbation_effects`` of the guided and of the
    default model on the holdout (``n_null=200``).
``time``
    fit of the guided and of the default model on the default cohort,
    alternated for ``--rounds`` rounds; the median ratio (target <= 1.5).
``alternatives``
    other designs of the guided model, each on the cytokine sets and on one
    random control, on tuning cohorts ``make_ra_cohort(random_state=seed)``
    for ``--tuning-seeds`` (1 and 2; not the evaluation cohort, seed 0),
    stratified 5-fold CV: ``pc1`` (a set's score is its genes' first
    principal component in the training rows instead of their mean),
    ``forced`` (the set genes always pass the ANOVA selection, so the VAE
    sees them too), ``sets_only`` (the GAT over the set nodes alone) and
    ``sets_lr`` (logistic regression on the set scores alone).

Usage, from the repository root::

    python benchmarks/knowledge_guided.py --out knowledge_guided.json
    python benchmarks/knowledge_guided.py --parts small studies --seeds 0 1 2

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
from sklearn.base import BaseEstimator, TransformerMixin, clone
from sklearn.feature_selection import SelectKBest
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import FeatureUnion, make_pipeline
from sklearn.utils.validation import check_is_fitted, validate_data

from skgenecyt import (
    GeneSetScores,
    anova_f,
    benchmark,
    default_baselines,
    make_genecytnet,
    make_ra_cohort,
    make_ra_studies,
    perturbation_effects,
    random_gene_sets,
)

PARTS = ("default", "small", "studies", "planted", "time", "alternatives")
PLANTED = {"IL6": 0.5, "TNF": 1.0, "IL1B": 1.5}


def _quiet(function, *args, **kwargs):
    # Small cohorts make the models warn (e.g. few genes pass a check); the
    # tables report the outcome, not the warnings.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return function(*args, **kwargs)


def models(X_train, draws, normalize=False):
    """The compared models; the random sets are drawn from ``X_train`` (no labels)."""
    out = {
        "genecytnet": make_genecytnet(random_state=0, normalize=normalize),
        "genecytnet_cytokine": make_genecytnet(random_state=0, normalize=normalize,
                                               gene_sets="cytokine"),
    }
    for k in draws:
        sets = random_gene_sets("cytokine", X_train, random_state=k)
        out[f"genecytnet_random{k}"] = make_genecytnet(random_state=0, normalize=normalize,
                                                       gene_sets=sets)
    out.update(default_baselines(random_state=0, normalize=normalize))
    return out


def default_part(draws, n_repeats):
    cohort = make_ra_cohort(random_state=0)
    table = _quiet(benchmark, models(cohort.X, draws), cohort.X, cohort.y,
                   cohort.X_holdout, cohort.y_holdout, cv=5, n_repeats=n_repeats,
                   scoring=("roc_auc",), n_bootstrap=200, random_state=0, n_jobs=1)
    keep = [c for c in table.columns if c.startswith(("model", "n_splits", "cv_", "holdout_"))]
    table = table[keep]
    print(table.round(4).to_string(index=False), flush=True)
    return table.to_dict("records")


def _holdout_row(name, model, X, y, X_test, y_test, **keys):
    start = time.perf_counter()
    fitted = _quiet(clone(model).fit, X, y)
    auc = roc_auc_score(y_test, fitted.predict_proba(X_test)[:, 1])
    row = dict(**keys, model=name, auc=auc, seconds=time.perf_counter() - start)
    print(json.dumps(row), flush=True)
    return row


def small_part(seeds, draws):
    rows = []
    for seed in seeds:
        cohort = make_ra_cohort(n_ra=12, n_control=8, n_holdout_ra=100, n_holdout_control=50,
                                random_state=seed)
        for name, model in models(cohort.X, draws).items():
            rows.append(_holdout_row(name, model, cohort.X, cohort.y, cohort.X_holdout,
                                     cohort.y_holdout, seed=seed))
    return rows


def studies_part(seeds, draws):
    rows = []
    for seed in seeds:
        studies = make_ra_studies(n_studies=3, random_state=seed)
        X, y, groups = studies.X, studies.y, studies.groups
        for study in groups.unique():
            train, test = groups != study, groups == study
            for name, model in models(X[train], draws, normalize=True).items():
                rows.append(_holdout_row(name, model, X[train], y[train], X[test], y[test],
                                         seed=seed, study=str(study)))
    return rows


def summary(rows, by):
    frame = pd.DataFrame(rows)
    table = frame.groupby("model", sort=False)["auc"].agg(["mean", "std", "min", "size"])
    print(f"{by}:\n{table.round(3).to_string()}", flush=True)
    return table


def planted_part():
    cohort = make_ra_cohort(module_effects=PLANTED, random_state=0)
    out = {}
    for name, gene_sets in (("genecytnet", None), ("genecytnet_cytokine", "cytokine")):
        model = _quiet(make_genecytnet(random_state=0, gene_sets=gene_sets).fit,
                       cohort.X, cohort.y)
        table = _quiet(perturbation_effects, model, cohort.X_holdout, cohort.y_holdout,
                       X_train=cohort.X, n_bootstrap=1000, n_null=200, random_state=0)
        table = table.set_index("module")[["delta_mean", "ci_low", "ci_high", "null_mean",
                                           "null_high", "p_value", "model_coverage"]]
        print(f"{name}:\n{table.round(4).to_string()}", flush=True)
        out[name] = table.reset_index().to_dict("records")
    return out


def time_part(rounds):
    cohort = make_ra_cohort(random_state=0)
    seconds = {"genecytnet": [], "genecytnet_cytokine": []}
    for _ in range(rounds):
        for name, gene_sets in (("genecytnet", None), ("genecytnet_cytokine", "cytokine")):
            model = make_genecytnet(random_state=0, gene_sets=gene_sets)
            start = time.perf_counter()
            _quiet(model.fit, cohort.X, cohort.y)
            seconds[name].append(time.perf_counter() - start)
    ratio = float(np.median(np.divide(seconds["genecytnet_cytokine"], seconds["genecytnet"])))
    result = dict(seconds=seconds, median_ratio=ratio, target=1.5)
    print(json.dumps(result), flush=True)
    return result


class SetPC1Scores(TransformerMixin, BaseEstimator):
    """Each set's first principal component (of its training-standardised genes) per sample."""

    def __init__(self, gene_sets=None):
        self.gene_sets = gene_sets

    def fit(self, X, y=None):
        names = list(X.columns)
        X = validate_data(self, X)
        self.mean_, self.scale_ = X.mean(axis=0), np.where(X.std(axis=0) > 0, X.std(axis=0), 1)
        self.columns_, self.weights_ = [], []
        for genes in self.gene_sets.values():
            cols = [names.index(g) for g in genes if g in names]
            z = (X[:, cols] - self.mean_[cols]) / self.scale_[cols]
            w = np.linalg.svd(z - z.mean(axis=0), full_matrices=False)[2][0]
            w = w * np.sign(w.sum())  # oriented as the set's mean
            self.columns_.append(cols)
            self.weights_.append(w / np.abs(w).sum())
        return self

    def transform(self, X):
        check_is_fitted(self)
        X = validate_data(self, X, reset=False)
        return np.column_stack([(X[:, c] - self.mean_[c]) / self.scale_[c] @ w
                                for c, w in zip(self.columns_, self.weights_)])

    def get_feature_names_out(self, input_features=None):
        return np.asarray(list(self.gene_sets), dtype=object)


def _forced_selection(columns, sets, k):
    """SelectKBest(anova_f) that always keeps the set genes, and ``k`` genes besides."""
    forced = np.flatnonzero(columns.isin([g for genes in sets.values() for g in genes]))

    def score(X, y):
        f, p = anova_f(X, y)
        f = np.array(f, dtype=float)
        f[forced] = np.inf
        return f, p

    return SelectKBest(score, k=k + len(forced))


def alternative_models(X, sets, tag):
    pc1 = make_genecytnet(random_state=0)
    pc1.steps[0][1].set_output(transform="pandas")  # gene names on to the set scores
    latent = pc1.steps[1:-1]
    pc1.steps[1:-1] = [("features", FeatureUnion([
        ("latent", make_pipeline(*(clone(step) for _, step in latent))),
        ("sets", SetPC1Scores(sets)),
    ]))]
    forced = make_genecytnet(random_state=0, gene_sets=sets)
    forced.set_params(features__latent__select=_forced_selection(X.columns, sets, 100))
    return {
        f"{tag}_mean": make_genecytnet(random_state=0, gene_sets=sets),
        f"{tag}_pc1": pc1,
        f"{tag}_forced": forced,
        f"{tag}_sets_only": make_genecytnet(random_state=0, gene_sets=sets, features__latent=None),
        f"{tag}_sets_lr": make_pipeline(GeneSetScores(sets), LogisticRegression()),
    }


def alternatives_part(seeds):
    rows = []
    for seed in seeds:
        cohort = make_ra_cohort(random_state=seed)
        sets = dict(cohort.modules)
        control = random_gene_sets(sets, cohort.X, random_state=1)
        compared = {"genecytnet": make_genecytnet(random_state=0),
                    **alternative_models(cohort.X, sets, "cytokine"),
                    **alternative_models(cohort.X, control, "random")}
        table = _quiet(benchmark, compared, cohort.X, cohort.y, cv=5, scoring=("roc_auc",),
                       random_state=0, n_jobs=1)
        table = table[["model", "cv_roc_auc_mean", "cv_roc_auc_sd"]].assign(seed=seed)
        print(table.round(4).to_string(index=False), flush=True)
        rows.extend(table.to_dict("records"))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parts", nargs="+", default=list(PARTS), choices=PARTS)
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2, 3, 4])
    parser.add_argument("--draws", nargs="+", type=int, default=[1, 2, 3],
                        help="random_state of each random-set control")
    parser.add_argument("--tuning-seeds", nargs="+", type=int, default=[1, 2],
                        help="cohorts of the alternatives part")
    parser.add_argument("--repeats", type=int, default=3, help="CV repeats on the default cohort")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of the fit-time figure")
    parser.add_argument("--out", type=Path, help="write the results as JSON here")
    args = parser.parse_args()

    result = provenance()
    print(json.dumps(result), flush=True)
    for part in args.parts:
        if part == "default":
            result["default"] = default_part(args.draws, args.repeats)
        elif part == "small":
            result["small"] = small_part(args.seeds, args.draws)
            summary(result["small"], "20-sample cohorts, holdout AUC")
        elif part == "studies":
            result["studies"] = studies_part(args.seeds, args.draws)
            summary(result["studies"], "leave-one-study-out AUC")
        elif part == "planted":
            result["planted"] = planted_part()
        elif part == "time":
            result["time"] = time_part(args.rounds)
        else:
            result["alternatives"] = alternatives_part(args.tuning_seeds)
        if args.out:
            args.out.write_text(json.dumps(result, indent=1, default=str))


if __name__ == "__main__":
    main()
