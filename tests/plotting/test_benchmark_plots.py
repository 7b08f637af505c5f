"""ROC and cross-validation figures: structure, not pixels."""

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from sklearn.metrics import roc_auc_score

from skgenecyt.plotting import plot_cohort_scores, plot_cv_scores, plot_roc_curves
from skgenecyt.report import PAPER


def test_roc_curves_one_line_per_model_with_auc_in_legend():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 40)
    preds = pd.DataFrame({"y_true": y, "good": y + rng.normal(0, 0.5, 40),
                          "noise": rng.normal(size=40)})
    fig = plot_roc_curves(preds, title="holdout")
    ax = fig.axes[0]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == [f"good (AUC {roc_auc_score(y, preds['good']):.3f})",
                      f"noise (AUC {roc_auc_score(y, preds['noise']):.3f})"]
    assert len(ax.lines) == 3  # two models and the chance diagonal
    assert ax.get_title() == "holdout"


def test_roc_curves_take_labels_separately_and_draw_on_given_axes():
    fig = Figure()
    ax = fig.add_subplot()
    out = plot_roc_curves({"m": [0.2, 0.8, 0.3]}, y_true=[0, 1, 1], ax=ax)
    assert out is fig
    with pytest.raises(ValueError, match="y_true"):
        plot_roc_curves({"m": [0.2, 0.8]})
    with pytest.raises(ValueError, match="2 labels but predictions have 3"):
        plot_roc_curves({"m": [0.2, 0.8, 0.3]}, y_true=[0, 1])


def test_cv_scores_show_every_split_and_the_spread():
    res = pd.DataFrame({"model": ["a"] * 5 + ["b"] * 5,
                        "roc_auc": [0.9, 0.92, 0.88, 0.91, 0.95, 0.7, 0.8, 0.75, 0.72, 0.78]})
    fig = plot_cv_scores(res, reference=("paper", *PAPER["cv_roc_auc"]))
    ax = fig.axes[0]
    dots = [line for line in ax.lines if line.get_marker() == "o"]
    assert sorted(len(d.get_ydata()) for d in dots) == [5, 5]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b"]
    means = [c.lines[0].get_ydata()[0] for c in ax.containers]
    np.testing.assert_allclose(means, [0.912, 0.75])
    assert "paper" in [t.get_text() for t in ax.get_legend().get_texts()]
    with pytest.raises(ValueError, match="lacks the column"):
        plot_cv_scores(res, metric="f1")
    with pytest.raises(TypeError, match="'reference' parameter of plot_cv_scores must be"):
        plot_cv_scores(res, reference=0.957)
    with pytest.raises(TypeError, match="'predictions' parameter of plot_roc_curves must be"):
        plot_roc_curves([0.2, 0.8], y_true=[0, 1])


def test_cv_scores_leave_failed_splits_out():
    res = pd.DataFrame({"model": ["a"] * 3, "roc_auc": [0.8, np.nan, 0.9]})
    ax = plot_cv_scores(res).axes[0]
    dots = [line for line in ax.lines if line.get_marker() == "o"]
    assert len(dots[0].get_ydata()) == 2
    assert ax.containers[0].lines[0].get_ydata()[0] == pytest.approx(0.85)


def test_cohort_scores_one_marker_per_cohort_and_within_cv_beside():
    res = pd.DataFrame({"model": ["a"] * 3 + ["b"] * 3, "cohort": ["S1", "S2", "S3"] * 2,
                        "roc_auc": [0.9, 0.7, np.nan, 0.6, 0.65, 0.5]})
    within = pd.DataFrame({"model": ["a", "a", "b", "b"], "roc_auc": [1.0, 0.98, 0.7, 0.8]})
    fig = plot_cohort_scores(res, within_results=within, title="held out")
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "S1", "S2", "S3", "mean ± SD over cohorts", "within-cohort CV, mean ± SD"]
    cohorts = {line.get_label(): line for line in ax.lines if line.get_label() in
               ("S1", "S2", "S3")}
    np.testing.assert_allclose(cohorts["S2"].get_ydata(), [0.7, 0.65])
    assert len({line.get_marker() for line in cohorts.values()}) == 3
    # mean ± SD over cohorts (the NaN of S3 left out), then within-cohort CV, per model
    means = [c.lines[0].get_ydata()[0] for c in ax.containers]
    np.testing.assert_allclose(means, [0.8, 0.99, np.mean([0.6, 0.65, 0.5]), 0.75])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b"]
    assert ax.get_title() == "held out"
    with pytest.raises(ValueError, match=r"group_results lacks the column\(s\) \['cohort'\]"):
        plot_cohort_scores(within)
    with pytest.raises(ValueError, match=r"within_results lacks the column"):
        plot_cohort_scores(res, within_results=within.drop(columns="roc_auc"))
