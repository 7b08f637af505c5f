"""Pieces shared by the reproduce and benchmark reports: progress, benchmark blocks, files."""

from __future__ import annotations

import contextlib
import sys
import time

from skgenecyt.plotting import plot_cv_scores, plot_roc_curves
from skgenecyt.report._document import (
    Bullets,
    Code,
    Heading,
    Image,
    Paragraph,
    to_html,
    to_markdown,
)
from skgenecyt.report._results import dumps
from skgenecyt.report._tables import cv_table, holdout_table


class Progress:
    """One line on stderr when a long step starts and when it ends (with its time)."""

    def __init__(self, verbose=1, stream=None):
        self.verbose = verbose
        self.stream = stream

    def say(self, text):
        if self.verbose:
            print(f"[skgenecyt] {text}", file=self.stream or sys.stderr, flush=True)

    @contextlib.contextmanager
    def step(self, text):
        self.say(f"{text} ...")
        start = time.perf_counter()
        yield
        self.say(f"{text}: done in {time.perf_counter() - start:.1f} s")


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


def write_documents(stage, title, blocks, results):
    stage.write_text("results.json", dumps(results))
    stage.write_text("report.html", to_html(title, blocks))
    stage.write_text("report.md", to_markdown(title, blocks))


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


def reproducibility_blocks(results, command):
    env = results["environment"]
    versions = ", ".join(f"{k} {v}" for k, v in env["packages"].items() if v)
    return [
        Heading("Reproducibility"),
        Bullets([
            f"Random state {results['random_state']}; seeds drawn from it by the benchmark: "
            f"{results['seeds']['benchmark']}.",
            f"Python {env['python']} on {env['platform']}, {env['cpu_count']} CPUs.",
            f"Packages: {versions}.",
            f"Wall time {results['wall_time_s']:.0f} s.",
            "results.json holds every number, the exact parameters of every model, the "
            "seeds and the versions.",
        ]),
        Code(command),
    ]
