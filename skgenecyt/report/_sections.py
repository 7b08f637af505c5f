"""Sections several reports share: the benchmark, the models, the perturbation figures."""

from __future__ import annotations

from skgenecyt.plotting import plot_cv_scores, plot_roc_curves
from skgenecyt.report._document import Bullets, Heading, Image, Paragraph
from skgenecyt.report._tables import cv_table, holdout_table

#: The file of each figure of a perturbation summary.
SUMMARY_FIGURE_FILES = {"forest": "perturbation_effects.png",
                        "dose_response": "dose_response.png"}


def benchmark_blocks(table, details, stage, *, confidence=0.95, cv_reference=None):
    """Report blocks of a benchmark; writes its tables and figures into ``stage``."""
    scoring = list(details.scoring)
    stage.write_text("benchmark.csv", table.to_csv(index=False))
    stage.write_text("cv_results.csv", details.cv_results.to_csv(index=False))
    blocks = [Heading("Cross-validation on the training cohort"), cv_table(table, scoring)]
    if "roc_auc" in scoring:
        fig = plot_cv_scores(details.cv_results, "roc_auc", reference=cv_reference,
                             title="Cross-validated ROC AUC per model")
        png = stage.write_figure("cv_auc.png", fig)
        blocks.append(Image("cv_auc.png", "Cross-validated ROC AUC: one dot per split, "
                                          "mean ± SD beside it.", png))
    if details.holdout_predictions is not None:
        stage.write_text("holdout_predictions.csv",
                         details.holdout_predictions.to_csv(index_label="sample"))
        blocks += [Heading("Independent holdout cohort"),
                   holdout_table(table, scoring, confidence)]
        fig = plot_roc_curves(details.holdout_predictions, title="ROC curves on the holdout")
        png = stage.write_figure("roc_holdout.png", fig)
        blocks.append(Image("roc_holdout.png", "ROC curves of every model on the holdout, "
                                               "AUC in the legend.", png))
    else:
        blocks.append(Paragraph("No holdout cohort was given: only cross-validated results."))
    return blocks


def model_blocks():
    from skgenecyt.model_selection._baselines import LOGISTIC_C_GRID, SELECTED_N_GENES
    from skgenecyt.pipeline import DEFAULT_N_GENES

    return [Heading("Models"), Bullets([
        f"GeneCytNet: the {DEFAULT_N_GENES:,} genes with the highest ANOVA F on the training "
        "rows, standardised, compressed by a variational autoencoder, classified by a graph "
        "attention network over the latent factors (make_genecytnet).",
        "logistic_regression: standardised genes, L2 logistic regression, C chosen by inner "
        f"stratified 5-fold CV on AUC among {len(LOGISTIC_C_GRID)} log-spaced values from "
        f"{min(LOGISTIC_C_GRID):g} to {max(LOGISTIC_C_GRID):g} (fitted on the full-rank "
        "principal axes of the genes: the same model, much faster).",
        f"svm_rbf: the {SELECTED_N_GENES:,} genes with the highest ANOVA F on the training "
        "rows, standardised, RBF SVC (C=1, gamma='scale') with sigmoid-calibrated "
        "probabilities (CalibratedClassifierCV on 5-fold out-of-fold scores).",
        "random_forest: 500 trees, max_features='sqrt'.",
        f"gradient_boosting: the same {SELECTED_N_GENES:,} selected genes, histogram gradient "
        "boosting with default settings.",
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
