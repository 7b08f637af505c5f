"""Sections several reports share: the benchmark, the models, the perturbation figures."""

from __future__ import annotations

from skgenecyt.plotting import plot_cohort_scores, plot_cv_scores, plot_roc_curves
from skgenecyt.report._benchmark_notes import benchmark_notes
from skgenecyt.report._document import Bullets, Heading, Image, Paragraph
from skgenecyt.report._tables import cv_table, held_out_cohorts_table, holdout_table

#: The file of each figure of a perturbation summary.
SUMMARY_FIGURE_FILES = {"forest": "perturbation_effects.png",
                        "dose_response": "dose_response.png"}


def benchmark_blocks(table, details, stage, *, confidence=0.95, cv_reference=None):
    """Report blocks of a benchmark; writes its tables and figures into ``stage``.

    Without cohorts (``groups``): the notes, the cross-validation table and
    figure, the holdout. With cohorts: the held-out cohorts (a table per
    model and one per cohort, a figure), then cross-validation within the
    cohorts, then the holdout.
    """
    scoring = list(details.scoring)
    flags = {part: {name: texts[part] for name, texts in details.flags.items()}
             for part in ("cv", "within", "holdout")}
    stage.write_text("benchmark.csv", table.to_csv(index=False))
    stage.write_text("cv_results.csv", details.cv_results.to_csv(index=False))
    notes = benchmark_notes(table, details)
    blocks = []
    if details.group_results is not None:
        blocks += _held_out_cohort_blocks(table, details, stage, flags, notes)
        split_scores = details.within_results
        if split_scores is not None:
            stage.write_text("within_results.csv", split_scores.to_csv(index=False))
            blocks += [Heading("Cross-validation within the cohorts"), cv_table(
                table, scoring, flags["within"], prefix="within", label="Within-cohort CV",
                times=False, caption=f"Stratified cross-validation over all samples, cohorts "
                f"mixed: mean ± SD over {int(table['within_n_splits'].iloc[0])} splits, "
                "identical for every model.")]
    else:
        split_scores = details.cv_results
        blocks += [Heading("Cross-validation on the training cohort")]
        blocks += [Bullets(notes)] if notes else []
        blocks.append(cv_table(table, scoring, flags["cv"]))
    if split_scores is not None and "roc_auc" in scoring:
        fig = plot_cv_scores(split_scores, "roc_auc", reference=cv_reference,
                             title="Cross-validated ROC AUC per model")
        png = stage.write_figure("cv_auc.png", fig)
        blocks.append(Image("cv_auc.png", "Cross-validated ROC AUC: one dot per split, "
                                          "mean ± SD beside it.", png))
    if details.holdout_predictions is not None:
        stage.write_text("holdout_predictions.csv",
                         details.holdout_predictions.to_csv(index_label="sample"))
        blocks += [Heading("Independent holdout cohort"),
                   holdout_table(table, scoring, confidence, flags["holdout"])]
        scored = details.holdout_predictions.dropna(axis=1, how="all")  # failed fits
        if scored.shape[1] > 1:
            fig = plot_roc_curves(scored, title="ROC curves on the holdout")
            png = stage.write_figure("roc_holdout.png", fig)
            blocks.append(Image("roc_holdout.png", "ROC curves of every model on the "
                                                   "holdout, AUC in the legend.", png))
    else:
        blocks.append(Paragraph("No holdout cohort was given: only cross-validated results."))
    return blocks


def _held_out_cohort_blocks(table, details, stage, flags, notes):
    scoring = list(details.scoring)
    stage.write_text("group_results.csv", details.group_results.to_csv(index=False))
    n_cohorts = len(details.cohorts)
    blocks = [
        Heading("Held-out cohorts"),
        Paragraph(f"Each of the {n_cohorts} cohorts is held out in turn: every model is "
                  "fitted on the other cohorts and scored on the held-out cohort alone. This "
                  "is how a model does on a study it has not seen; cross-validation within "
                  "the cohorts (below) shares laboratories, platforms and patients between "
                  "training and test rows."),
    ]
    blocks += [Bullets(notes)] if notes else []
    blocks.append(cv_table(table, scoring, flags["cv"], label="Held-out cohort",
                           caption=f"Mean ± SD over the {n_cohorts} held-out cohorts, each "
                                   "scored on its own; identical splits for every model."))
    metric = "roc_auc" if "roc_auc" in scoring else scoring[0]
    blocks.append(held_out_cohorts_table(details.group_results, details.cohorts, metric))
    fig = plot_cohort_scores(details.group_results, metric,
                             within_results=details.within_results,
                             title="Scores on held-out cohorts")
    png = stage.write_figure("cohort_scores.png", fig)
    blocks.append(Image("cohort_scores.png", "Score of every model on each held-out cohort "
                        "(one marker per cohort), the mean ± SD over cohorts (black) and, "
                        "when run, cross-validation within the cohorts (grey, open).", png))
    return blocks


def model_blocks():
    from skgenecyt.model_selection._baselines import (
        GENES_PER_SAMPLE,
        LEAF_FRACTION,
        LOGISTIC_C_GRID,
        LOGISTIC_GENES_PER_SAMPLE,
        MAX_LEAF_SIZE,
        SELECTED_N_GENES,
    )
    from skgenecyt.pipeline import DEFAULT_N_GENES

    return [Heading("Models"), Bullets([
        f"GeneCytNet: the {DEFAULT_N_GENES:,} genes with the highest ANOVA F on the training "
        "rows, standardised, compressed by a variational autoencoder, classified by a graph "
        "attention network over the latent factors (make_genecytnet).",
        f"logistic_regression: the {LOGISTIC_GENES_PER_SAMPLE} genes per training sample with "
        "the highest ANOVA F, standardised, L2 logistic regression with balanced class "
        "weights, C chosen by inner stratified CV (5 folds, fewer when a class is smaller) on "
        f"AUC among {len(LOGISTIC_C_GRID)} log-spaced values from {min(LOGISTIC_C_GRID):g} to "
        f"{max(LOGISTIC_C_GRID):g} (fitted on the full-rank principal axes of the genes: the "
        "same model, much faster).",
        f"svm_rbf: the {GENES_PER_SAMPLE} genes per training sample (at most "
        f"{SELECTED_N_GENES:,}) with the highest ANOVA F, standardised, RBF SVC (C=1, "
        "gamma='scale', balanced class weights) with probabilities by temperature scaling "
        "fitted on out-of-fold scores.",
        "random_forest: 500 trees, max_features='sqrt', balanced class weights.",
        "gradient_boosting: the same gene selection as svm_rbf, histogram gradient boosting "
        f"with a smallest leaf of {LEAF_FRACTION:.0%} of the training rows (2 to "
        f"{MAX_LEAF_SIZE}).",
        "Everything learned from data (selection, scaling, tuning) is learned inside each "
        "fit, from the training rows of that fit only.",
    ])]


def perturbation_figure_blocks(summary, stage, captions):
    """Write a perturbation summary's dose-response table and figures into ``stage``.

    ``summary`` is the output of :func:`~skgenecyt.report.perturbation_summary`;
    ``captions`` gives the caption of each of its figures (``"forest"``,
    ``"dose_response"``). Returns the Image blocks of the figures it has.
    """
    if summary.dose_response is not None:
        stage.write_text("dose_response.csv", summary.dose_response.to_csv(index=False))
    blocks = []
    for key, filename in SUMMARY_FIGURE_FILES.items():
        fig = summary.figures.get(key)
        if fig is not None:
            blocks.append(Image(filename, captions[key], stage.write_figure(filename, fig)))
    return blocks
