"""perturbation_effects against the bare predict_proba calls it cannot avoid.

On the default synthetic cohort, ``perturbation_effects`` with the three
built-in modules, one shift, ``n_bootstrap=1000`` and ``n_null=200`` must
predict (1 + 3 x 201) perturbed copies of the 150 holdout rows. The reference
is exactly those predictions with no perturbation work: the same number of
``predict_proba`` calls on blocks of the same size, prepared beforehand. The
ratio is the overhead of building the perturbed blocks, drawing the null gene
sets, bootstrapping and summarising (target: at most 1.5x).

Models: a fitted ``Pipeline(StandardScaler, LogisticRegression)`` and
GeneCytNet (when ``skgenecyt.pipeline.make_genecytnet`` is available), both
fitted on the training cohort, with the full workload. Both sides run
alternately (the median of several rounds decides) and single-threaded (see
``_single_threaded``).
"""

from __future__ import annotations

import contextlib

import numpy as np
import pandas as pd
from _harness import Figure, alternate
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from skgenecyt._training import torch_threads
from skgenecyt.datasets import make_ra_cohort
from skgenecyt.perturbation import perturbation_effects
from skgenecyt.perturbation._batch import StackedPredictor

N_BOOTSTRAP, N_NULL, SHIFTS = 1000, 200, (1.0,)
MAX_BATCH_BYTES = 256 * 2**20  # perturbation_effects' default


def _bare_predictions(model, X_rows, n_jobs_total):
    """The predict_proba calls perturbation_effects makes, on prepared blocks."""
    values = X_rows.to_numpy()
    blocks = StackedPredictor(None, values, None, None, 1, MAX_BATCH_BYTES).blocks(n_jobs_total)
    order = [sum(stop - start for _, start, stop in segments) for segments in blocks]
    tiled = np.resize(values, (max(order), values.shape[1]))  # rows repeated to fill a block
    prepared = {n: pd.DataFrame(tiled[:n], columns=X_rows.columns) for n in set(order)}

    def run():
        for n in order:
            model.predict_proba(prepared[n])

    return run, len(blocks)


def _figure(label, model, cohort, n_null=N_NULL, rounds=5):
    n_modules = len(cohort.modules)
    n_jobs_total = 1 + n_modules * len(SHIFTS) * (1 + n_null)
    bare, n_calls = _bare_predictions(model, cohort.X_holdout, n_jobs_total)

    def effects():
        perturbation_effects(model, cohort.X_holdout, modules=cohort.modules, shifts=SHIFTS,
                             X_train=cohort.X, n_bootstrap=N_BOOTSTRAP, n_null=n_null,
                             max_batch_bytes=MAX_BATCH_BYTES, random_state=0)

    # Alternated, so that both sides see the same load on a shared machine,
    # after an untimed warm-up call of each; the median round decides.
    timing = alternate(effects, bare, rounds=rounds)
    return Figure(
        name=f"perturbation_effects / bare predict_proba ({label})",
        unit="s", target=1.5, **timing.fields(),
        note=f"{n_modules} modules, {n_null} null sets, {n_calls} predict_proba calls",
    )


def _genecytnet():
    try:
        from skgenecyt.pipeline import make_genecytnet
    except ImportError:
        return None
    return make_genecytnet(random_state=0)


@contextlib.contextmanager
def _single_threaded():
    """One BLAS and one torch thread: on a busy shared machine, spinning worker
    threads make timings swing by an order of magnitude; one thread keeps the
    ratio stable (both sides run under the same setting)."""
    with threadpool_limits(limits=1), torch_threads(1):
        yield


def run() -> list[Figure]:
    cohort = make_ra_cohort(random_state=0)
    logistic = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    logistic.fit(cohort.X, cohort.y)
    genecytnet = _genecytnet()
    if genecytnet is not None:
        genecytnet.fit(cohort.X, cohort.y)
    with _single_threaded():
        figures = [_figure("logistic pipeline", logistic, cohort)]
        if genecytnet is not None:
            figures.append(_figure("GeneCytNet", genecytnet, cohort))
    return figures


if __name__ == "__main__":
    for fig in run():
        print(f"{fig.name}: {fig.value:.3f} s vs {fig.reference:.3f} s, ratio {fig.ratio:.2f} "
              f"(target <= {fig.target}) {fig.note}")
