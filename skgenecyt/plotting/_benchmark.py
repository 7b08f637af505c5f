"""Benchmark scores of several models: every split (or held-out cohort), the mean and its spread."""

from __future__ import annotations

import numpy as np
import pandas as pd

from skgenecyt._sklearn_compat import validate_params
from skgenecyt.plotting._perturbation import AXES_CONSTRAINTS, _axes

_MARKERS = "oDv^<>ph*X"


def _require(table, columns, name, source):
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise ValueError(f"{name} lacks the column(s) {missing}; pass benchmark's {source}.")


def _mean_sd(ax, x, values, **style):
    """The mean ± SD (sample SD) of the finite values, as one error bar."""
    values = values[np.isfinite(values)]
    if values.size == 0:
        return
    sd = values.std(ddof=1) if values.size > 1 else 0.0
    ax.errorbar(x, values.mean(), yerr=sd, capsize=4, **style)


def _finish(ax, models, metric, prefix, title):
    ax.set_xticks(range(len(models)), models, rotation=20, ha="right")
    ax.set_xlim(-0.6, len(models) - 0.4)
    label = {"roc_auc": "ROC AUC"}.get(metric, metric.replace("_", " "))
    ax.set_ylabel(f"{prefix} {label}" if prefix else label)
    ax.legend(loc="lower left", fontsize=8)
    if title:
        ax.set_title(title)


@validate_params(
    {"cv_results": [pd.DataFrame], "metric": [str], "reference": [tuple, list, None],
     **AXES_CONSTRAINTS},
    prefer_skip_nested_validation=True,
)
def plot_cv_scores(cv_results, metric="roc_auc", *, reference=None, ax=None, title=None):
    """Per-model cross-validation scores: one dot per split, mean +- SD beside them.

    Splits without a score (a failed fit, NaN) are left out.

    Parameters
    ----------
    cv_results : DataFrame
        One row per (model, split) with a ``model`` column and a column per
        metric, e.g. the ``cv_results`` of :func:`~skgenecyt.benchmark` with
        ``return_details=True``. Models are drawn in order of appearance.
    metric : str, default="roc_auc"
        The metric column to draw.
    reference : tuple (label, mean, sd) or None, default=None
        A published value drawn as a line with a +- SD band, e.g. the paper's
        ``("paper", *skgenecyt.report.PAPER["cv_roc_auc"])``.
    ax : matplotlib Axes, default=None
        Where to draw; None creates a new Figure.
    title : str, default=None

    Returns
    -------
    fig : matplotlib Figure

    Examples
    --------
    >>> import pandas as pd
    >>> from skgenecyt.plotting import plot_cv_scores
    >>> res = pd.DataFrame({"model": ["a", "a", "b", "b"], "roc_auc": [0.9, 0.8, 0.7, 0.75]})
    >>> fig = plot_cv_scores(res, reference=("paper", 0.85, 0.01))
    >>> [t.get_text() for t in fig.axes[0].get_xticklabels()]
    ['a', 'b']
    """
    _require(cv_results, ["model", metric], "cv_results", "details.cv_results")
    models = list(dict.fromkeys(cv_results["model"]))
    fig, ax = _axes(ax, (1.2 * len(models) + 2.5, 4.2))
    rng = np.random.default_rng(0)  # horizontal jitter only, for legibility
    for i, name in enumerate(models):
        values = cv_results.loc[cv_results["model"] == name, metric].to_numpy(float)
        values = values[np.isfinite(values)]
        jitter = rng.uniform(-0.08, 0.08, values.size)
        ax.plot(i - 0.12 + jitter, values, "o", color="C0", alpha=0.55, markersize=4,
                label="split" if i == 0 else None)
        _mean_sd(ax, i + 0.15, values, fmt="s", color="C1",
                 label="mean ± SD" if i == 0 else None)
    if reference is not None:
        label, mean, sd = reference
        ax.axhline(mean, color="C3", linewidth=1, linestyle="--", label=label)
        ax.axhspan(mean - sd, mean + sd, color="C3", alpha=0.12)
    _finish(ax, models, metric, "CV", title)
    return fig


@validate_params(
    {"group_results": [pd.DataFrame], "metric": [str], "within_results": [pd.DataFrame, None],
     **AXES_CONSTRAINTS},
    prefer_skip_nested_validation=True,
)
def plot_cohort_scores(group_results, metric="roc_auc", *, within_results=None, ax=None,
                       title=None):
    """Per-model scores on each held-out cohort, beside within-cohort cross-validation.

    Every cohort has its own marker, the same for every model, so a cohort
    that is hard for all models stands out. Cohorts without a score (one
    class only, or a failed fit) are left out.

    Parameters
    ----------
    group_results : DataFrame
        One row per model and held-out cohort with the columns ``model``,
        ``cohort`` and ``metric``: the ``group_results`` of
        :func:`~skgenecyt.benchmark` with ``groups`` and
        ``return_details=True``. Models are drawn in order of appearance.
    metric : str, default="roc_auc"
        The metric column to draw.
    within_results : DataFrame, default=None
        Per-split scores of cross-validation within the cohorts (the
        ``within_results`` of :func:`~skgenecyt.benchmark` with
        ``within_cv``), drawn as mean ± SD beside each model.
    ax : matplotlib Axes, default=None
        Where to draw; None creates a new Figure.
    title : str, default=None

    Returns
    -------
    fig : matplotlib Figure

    Examples
    --------
    >>> import pandas as pd
    >>> from skgenecyt.plotting import plot_cohort_scores
    >>> res = pd.DataFrame({"model": ["a", "a", "b", "b"], "cohort": ["S1", "S2"] * 2,
    ...                     "roc_auc": [0.9, 0.7, 0.6, 0.65]})
    >>> fig = plot_cohort_scores(res)
    >>> [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    ['S1', 'S2', 'mean ± SD over cohorts']
    """
    _require(group_results, ["model", "cohort", metric], "group_results",
             "details.group_results")
    if within_results is not None:
        _require(within_results, ["model", metric], "within_results", "details.within_results")
    models = list(dict.fromkeys(group_results["model"]))
    cohorts = list(dict.fromkeys(group_results["cohort"]))
    fig, ax = _axes(ax, (1.2 * len(models) + 3.0, 4.2))
    for j, cohort in enumerate(cohorts):
        rows = group_results[group_results["cohort"] == cohort]
        x = np.array([models.index(m) for m in rows["model"]], dtype=float)
        offset = 0.2 * (j / max(len(cohorts) - 1, 1) - 0.5)  # cohorts side by side
        ax.plot(x - 0.15 + offset, rows[metric].to_numpy(float), _MARKERS[j % len(_MARKERS)],
                color=f"C{j % 10}", alpha=0.8, markersize=5, linestyle="none",
                label=str(cohort))
    for i, name in enumerate(models):
        values = group_results.loc[group_results["model"] == name, metric].to_numpy(float)
        _mean_sd(ax, i + 0.1, values, fmt="s", color="k",
                 label="mean ± SD over cohorts" if i == 0 else None)
        if within_results is not None:
            within = within_results.loc[within_results["model"] == name, metric]
            _mean_sd(ax, i + 0.25, within.to_numpy(float), fmt="s", color="0.55",
                     markerfacecolor="white",
                     label="within-cohort CV, mean ± SD" if i == 0 else None)
    _finish(ax, models, metric, "", title)
    return fig
