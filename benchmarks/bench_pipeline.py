"""GeneCytNet's cross-validation cost, and benchmark()'s own overhead.

1. ``cross_val_score`` of GeneCytNet (``make_genecytnet``, default settings)
   with 5 stratified folds on the default training cohort (360 x 15,000),
   against the same for ``RandomForestClassifier(n_estimators=500,
   n_jobs=-1)``, the classical model users reach for on such data. Target:
   at most 0.25x.
2. ``benchmark()`` with one cheap model (Gaussian naive Bayes, so that any
   overhead shows) on the same 5 folds plus the holdout, against the bare
   work it cannot avoid:
   ``cross_validate`` on the same splits plus one fit and one
   ``predict_proba`` on the holdout. The ratio is benchmark's overhead
   (bootstrap intervals, tables, per-split predictions). Target: at most 1.2x.

The two sides of each figure run alternately, several rounds each, so that
both see the same load on a shared machine; the figure is the median of the
per-round ratios.
"""

from __future__ import annotations

from _harness import Figure, alternate
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import StratifiedKFold, cross_val_score, cross_validate
from sklearn.naive_bayes import GaussianNB

from skgenecyt import benchmark, make_genecytnet, make_ra_cohort

CV_ROUNDS = 3  # a round is two 5-fold cross-validations (about a minute on 2 cores)
OVERHEAD_ROUNDS = 7


def _cross_validation_figure(cohort):
    cv = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)

    def genecytnet():
        cross_val_score(make_genecytnet(random_state=0), cohort.X, cohort.y, cv=cv,
                        scoring="roc_auc")

    def forest():
        model = RandomForestClassifier(n_estimators=500, n_jobs=-1, random_state=0)
        cross_val_score(model, cohort.X, cohort.y, cv=cv, scoring="roc_auc")

    timing = alternate(genecytnet, forest, rounds=CV_ROUNDS)
    return Figure(
        name="GeneCytNet 5-fold CV / RandomForest(500) 5-fold CV",
        unit="s", target=0.25, **timing.fields(),
        note=f"{cohort.X.shape[0]} x {cohort.X.shape[1]} training cohort",
    )


def _overhead_figure(cohort):
    def model():
        return GaussianNB()

    _, details = benchmark({"lr": model()}, cohort.X, cohort.y, cohort.X_holdout,
                           cohort.y_holdout, cv=5, random_state=0, return_details=True)
    splits = details.splits

    def ours():
        benchmark({"lr": model()}, cohort.X, cohort.y, cohort.X_holdout, cohort.y_holdout,
                  cv=5, random_state=0)

    def bare():
        cross_validate(model(), cohort.X, cohort.y, cv=splits,
                       scoring=("roc_auc", "accuracy", "f1"))
        model().fit(cohort.X, cohort.y).predict_proba(cohort.X_holdout)

    timing = alternate(ours, bare, rounds=OVERHEAD_ROUNDS)
    return Figure(
        name="benchmark() / cross_validate + holdout fit (same splits)",
        unit="s", target=1.2, **timing.fields(),
        note="GaussianNB, 5 folds, 1,000 bootstrap resamples",
    )


def run():
    cohort = make_ra_cohort(random_state=0)
    return [_cross_validation_figure(cohort), _overhead_figure(cohort)]
