"""benchmark_report(): GeneCytNet against the baselines on the user's own cohort."""

from __future__ import annotations

import os

from skgenecyt._sklearn_compat import validate_params
from skgenecyt.model_selection import benchmark, default_baselines
from skgenecyt.report._document import Paragraph
from skgenecyt.report._results import estimator_params
from skgenecyt.report._sections import benchmark_blocks, model_blocks
from skgenecyt.report._skeleton import Report


@validate_params(
    {
        "X": ["array-like"],
        "y": ["array-like"],
        "out": [str, os.PathLike],
        "X_holdout": ["array-like", None],
        "y_holdout": ["array-like", None],
        # Passed on to benchmark, which validates them (nested validation stays on,
        # and errors name benchmark_report).
        **dict.fromkeys(("cv", "n_repeats", "n_bootstrap", "random_state", "n_jobs",
                         "pos_label"), "no_validation"),
        "force": ["boolean"],
        "verbose": ["verbose"],
        "sources": [dict, None],
    },
    prefer_skip_nested_validation=False,
)
def benchmark_report(X, y, out, *, X_holdout=None, y_holdout=None, cv=5, n_repeats=1,
                     n_bootstrap=1000, random_state=0, n_jobs=None, force=False, verbose=1,
                     sources=None, pos_label=None):
    """Compare GeneCytNet with the default baselines on a cohort and write a report.

    Runs :func:`~skgenecyt.benchmark` with GeneCytNet
    (:func:`~skgenecyt.make_genecytnet`) and
    :func:`~skgenecyt.default_baselines` (identical stratified splits for
    every model; the holdout, when given, scored with bootstrap intervals)
    and writes ``report.md``, ``report.html``, ``benchmark.csv``,
    ``cv_results.csv``, the figures (``cv_auc.png`` and, with a holdout,
    ``roc_holdout.png`` and ``holdout_predictions.csv``) and
    ``results.json`` into ``out``, atomically, as
    :func:`~skgenecyt.report.reproduce` does.

    Parameters
    ----------
    X, y : DataFrame and Series (or array-likes)
        The training cohort (samples x genes, e.g. from
        :func:`~skgenecyt.load_expression`) and its binary labels.
    out : str or path
        Output folder; a folder that holds files is refused unless ``force``.
    X_holdout, y_holdout : default=None
        An independent cohort with the same genes.
    cv, n_repeats, n_bootstrap, random_state, n_jobs
        As in :func:`~skgenecyt.benchmark`.
    force : bool, default=False
        Overwrite the files this run writes in a non-empty ``out``.
    verbose : int, default=1
        Progress lines on stderr.
    sources : dict, default=None
        Where the data came from (e.g. file names), recorded in the report.
    pos_label : label, default=None
        The positive (RA) class; None takes the greater of the two labels.

    Returns
    -------
    results : dict
        The content of ``results.json``.
    """
    from skgenecyt.pipeline import make_genecytnet

    with Report("benchmark", out, force=force, verbose=verbose, random_state=random_state,
                provenance={"sources": sources}) as report:
        models = {"GeneCytNet": make_genecytnet(random_state=random_state),
                  **default_baselines(random_state=random_state)}
        with report.step(f"benchmark: {len(models)} models"):
            table, details = benchmark(
                models, X, y, X_holdout, y_holdout, cv=cv, n_repeats=n_repeats,
                n_bootstrap=n_bootstrap, pos_label=pos_label, random_state=random_state,
                n_jobs=n_jobs, return_details=True, verbose=verbose,
            )
        with report.step("writing the report"):
            holdout = "no holdout" if X_holdout is None else f"holdout of {len(X_holdout)} samples"
            blocks = [Paragraph(
                f"Training cohort of {X.shape[0]} samples and {X.shape[1]:,} features "
                f"({holdout}); positive class {details.pos_label!r}. Stratified {cv}-fold "
                f"cross-validation repeated {n_repeats} time(s), the same splits for every "
                "model." + (f" Data: {sources}." if sources else ""))]
            blocks += benchmark_blocks(table, details, report.stage)
            blocks += model_blocks()
            results = report.results({
                "seeds": {"models": random_state, "benchmark": details.seeds},
                "settings": {"cv": cv, "n_repeats": n_repeats, "n_bootstrap": n_bootstrap},
                "data": {"n_samples": X.shape[0], "n_features": X.shape[1],
                         "n_holdout": None if X_holdout is None else len(X_holdout),
                         "pos_label": details.pos_label},
                "models": {name: estimator_params(m) for name, m in models.items()},
                "benchmark": table, "cv_results": details.cv_results,
                "splits": [test for _, test in details.splits],
            })
            report.publish("GeneCytNet benchmark", blocks, results)
    return results
