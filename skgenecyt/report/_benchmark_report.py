"""benchmark_report(): GeneCytNet against the baselines on the user's own cohort."""

from __future__ import annotations

import os

from skgenecyt._sklearn_compat import validate_params
from skgenecyt.model_selection import benchmark, default_baselines
from skgenecyt.report._benchmark_notes import benchmark_notes
from skgenecyt.report._document import Paragraph
from skgenecyt.report._prior_sets import prior_set_blocks, prior_set_comparison, prior_set_models
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
        **dict.fromkeys(("groups", "cv", "n_repeats", "n_bootstrap", "random_state", "n_jobs",
                         "pos_label"), "no_validation"),
        "force": ["boolean"],
        "verbose": ["verbose"],
        "sources": [dict, None],
        "gene_sets": [None, dict, str, os.PathLike],
    },
    prefer_skip_nested_validation=False,
)
def benchmark_report(X, y, out, *, X_holdout=None, y_holdout=None, groups=None, cv=5,
                     n_repeats=1, n_bootstrap=1000, random_state=0, n_jobs=None, force=False,
                     verbose=1, sources=None, pos_label=None, gene_sets=None):
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

    With ``groups`` (the cohort of every sample, at least two cohorts) each
    cohort is held out in turn (leave-one-cohort-out): the report shows every
    model's score on each held-out cohort (``group_results.csv``,
    ``cohort_scores.png``) beside stratified ``cv``-fold cross-validation
    over all samples (``within_results.csv``, ``cv_auc.png``), and warns
    when the latter is more optimistic by more than the larger SD of the
    two.

    The report opens with notes, also in ``results.json`` (``notes``):
    models whose results are flagged (constant scores, one class predicted,
    failed fits; see :func:`~skgenecyt.benchmark`), and a small training
    cohort: fewer than 100 samples, or fewer than 30 in the smaller class,
    where cross-validation within the cohort is optimistic (the note points
    to nested cross-validation for tuning and to holding studies out).

    Parameters
    ----------
    X, y : DataFrame and Series (or array-likes)
        The training cohort (samples x genes, e.g. from
        :func:`~skgenecyt.load_expression`) and its binary labels.
    out : str or path
        Output folder; a folder that holds files is refused unless ``force``.
    X_holdout, y_holdout : default=None
        An independent cohort with the same genes.
    groups : array-like of shape (n_samples,), default=None
        The cohort (study) of every sample, e.g. the ``groups`` of
        :func:`~skgenecyt.combine_cohorts`.
    cv : int, default=5
        Folds of the stratified cross-validation (with ``groups``, over all
        samples, beside leave-one-cohort-out).
    n_repeats, n_bootstrap, random_state, n_jobs
        As in :func:`~skgenecyt.benchmark`.
    force : bool, default=False
        Overwrite the files this run writes in a non-empty ``out``.
    verbose : int, default=1
        Progress lines on stderr.
    sources : dict, default=None
        Where the data came from (e.g. file names), recorded in the report.
    pos_label : label, default=None
        The positive (RA) class; None takes the greater of the two labels.
    gene_sets : dict, str, path-like or None, default=None
        Prior gene sets (a dict ``name -> genes``, a GMT path or
        ``"cytokine"``): adds GeneCytNet guided by them
        (``make_genecytnet(gene_sets=...)``) and, as its control, the same
        model on random sets of the same sizes matched in expression
        (:func:`~skgenecyt.datasets.random_gene_sets`, drawn from the
        training rows' gene statistics, no labels), on the same splits, with a
        report section that says whether the sets beat their control (see
        :ref:`knowledge_guided`).

    Returns
    -------
    results : dict
        The content of ``results.json``.
    """
    from skgenecyt.pipeline import make_genecytnet

    with Report("benchmark", out, force=force, verbose=verbose, random_state=random_state,
                provenance={"sources": sources}) as report:
        guided = {} if gene_sets is None else prior_set_models(gene_sets, X, random_state)
        models = {"GeneCytNet": make_genecytnet(random_state=random_state), **guided,
                  **default_baselines(random_state=random_state)}
        with report.step(f"benchmark: {len(models)} models"):
            split_args = ({"cv": cv} if groups is None
                          else {"groups": groups, "within_cv": cv})
            table, details = benchmark(
                models, X, y, X_holdout, y_holdout, n_repeats=n_repeats,
                n_bootstrap=n_bootstrap, pos_label=pos_label, random_state=random_state,
                n_jobs=n_jobs, return_details=True, verbose=verbose, **split_args,
            )
        with report.step("writing the report"):
            blocks = [Paragraph(_design(X, X_holdout, details, cv, n_repeats)
                                + (f" Data: {sources}." if sources else ""))]
            blocks += benchmark_blocks(table, details, report.stage)
            prior = prior_set_comparison(table, guided) if guided else None
            if prior is not None:
                blocks += prior_set_blocks(prior)
            blocks += model_blocks()
            results = report.results({
                "seeds": {"models": random_state, "benchmark": details.seeds},
                "settings": {"cv": cv, "n_repeats": n_repeats, "n_bootstrap": n_bootstrap},
                "data": {"n_samples": X.shape[0], "n_features": X.shape[1],
                         "n_holdout": None if X_holdout is None else len(X_holdout),
                         "pos_label": details.pos_label},
                "notes": benchmark_notes(table, details),
                "models": {name: estimator_params(m) for name, m in models.items()},
                "benchmark": table, "cv_results": details.cv_results,
                **({} if groups is None else {"cohorts": details.cohorts,
                                              "group_results": details.group_results,
                                              "within_results": details.within_results}),
                **({} if prior is None else {"prior_gene_sets": prior}),
                "splits": [test for _, test in details.splits],
            })
            report.publish("GeneCytNet benchmark", blocks, results)
    return results


def _design(X, X_holdout, details, cv, n_repeats):
    """The first paragraph: the data and how they are split."""
    holdout = "no holdout" if X_holdout is None else f"holdout of {len(X_holdout)} samples"
    data = (f"{X.shape[0]} samples and {X.shape[1]:,} features ({holdout}); positive class "
            f"{details.pos_label!r}.")
    k_fold = (f"Stratified {cv}-fold cross-validation repeated {n_repeats} time(s), the same "
              "splits for every model.")
    if details.cohorts is None:
        return f"Training cohort of {data} {k_fold}"
    sizes = ", ".join(f"{r.cohort} ({r.n_samples} samples, RA share {r.ra_share:.2f})"
                      for r in details.cohorts.itertuples())
    return (f"Training data of {data} {len(details.cohorts)} cohorts: {sizes}. Each cohort "
            f"is held out in turn (leave one cohort out), and stratified {cv}-fold "
            f"cross-validation (repeated {n_repeats} time(s)) runs over all samples, cohorts "
            "mixed; every model gets the same splits.")
