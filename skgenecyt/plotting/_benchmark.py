"""Cross-validated scores of several models: every split, the mean and its spread."""

from __future__ import annotations

import numpy as np
import pandas as pd

from skgenecyt._sklearn_compat import validate_params
from skgenecyt.plotting._perturbation import AXES_CONSTRAINTS, _axes


@validate_params(
    {"cv_results": [pd.DataFrame], "metric": [str], "reference": [tuple, list, None],
     **AXES_CONSTRAINTS},
    prefer_skip_nested_validation=True,
)
def plot_cv_scores(cv_results, metric="roc_auc", *, reference=None, ax=None, title=None):
    """Per-model cross-validation scores: one dot per split, mean +- SD beside them.

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
    missing = [c for c in ("model", metric) if c not in cv_results.columns]
    if missing:
        raise ValueError(
            f"cv_results lacks the column(s) {missing}; pass benchmark's details.cv_results."
        )
    models = list(dict.fromkeys(cv_results["model"]))
    fig, ax = _axes(ax, (1.2 * len(models) + 2.5, 4.2))
    rng = np.random.default_rng(0)  # horizontal jitter only, for legibility
    for i, name in enumerate(models):
        values = cv_results.loc[cv_results["model"] == name, metric].to_numpy(float)
        jitter = rng.uniform(-0.08, 0.08, values.size)
        ax.plot(i - 0.12 + jitter, values, "o", color="C0", alpha=0.55, markersize=4,
                label="split" if i == 0 else None)
        sd = values.std(ddof=1) if values.size > 1 else 0.0
        ax.errorbar(i + 0.15, values.mean(), yerr=sd, fmt="s", color="C1", capsize=4,
                    label="mean ± SD" if i == 0 else None)
    if reference is not None:
        label, mean, sd = reference
        ax.axhline(mean, color="C3", linewidth=1, linestyle="--", label=label)
        ax.axhspan(mean - sd, mean + sd, color="C3", alpha=0.12)
    ax.set_xticks(range(len(models)), models, rotation=20, ha="right")
    ax.set_xlim(-0.6, len(models) - 0.4)
    ax.set_ylabel("CV " + {"roc_auc": "ROC AUC"}.get(metric, metric.replace("_", " ")))
    ax.legend(loc="lower left", fontsize=8)
    if title:
        ax.set_title(title)
    return fig
