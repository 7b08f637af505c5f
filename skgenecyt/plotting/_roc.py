"""ROC curves of several models scored on the same samples."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score, roc_curve

from skgenecyt._sklearn_compat import validate_params
from skgenecyt.plotting._perturbation import AXES_CONSTRAINTS, _axes


@validate_params(
    {"predictions": [pd.DataFrame, dict], "y_true": ["array-like", None], **AXES_CONSTRAINTS},
    prefer_skip_nested_validation=True,
)
def plot_roc_curves(predictions, y_true=None, *, ax=None, title=None):
    """ROC curve of every model on the same samples, with its AUC in the legend.

    Parameters
    ----------
    predictions : DataFrame or dict of str to array-like
        Positive-class scores, one column (or entry) per model, e.g. the
        ``holdout_predictions`` of :func:`~skgenecyt.benchmark` with
        ``return_details=True``. A ``y_true`` column, when present, holds
        the true 0/1 labels.
    y_true : array-like of shape (n_samples,), default=None
        True labels (1 = positive class). Needed when ``predictions`` has no
        ``y_true`` column.
    ax : matplotlib Axes, default=None
        Where to draw; None creates a new Figure.
    title : str, default=None

    Returns
    -------
    fig : matplotlib Figure

    Examples
    --------
    >>> import pandas as pd
    >>> from skgenecyt.plotting import plot_roc_curves
    >>> scores = pd.DataFrame({"y_true": [0, 0, 1, 1], "model": [0.1, 0.6, 0.4, 0.9]})
    >>> fig = plot_roc_curves(scores)
    >>> [t.get_text() for t in fig.axes[0].get_legend().get_texts()][0]
    'model (AUC 0.750)'
    """
    scores = pd.DataFrame(predictions)
    if y_true is None:
        if "y_true" not in scores.columns:
            raise ValueError("Give y_true, or predictions with a 'y_true' column.")
        y_true = scores["y_true"]
    scores = scores.drop(columns="y_true", errors="ignore")
    y_true = np.asarray(y_true)
    if y_true.shape[0] != scores.shape[0]:
        raise ValueError(
            f"y_true has {y_true.shape[0]} labels but predictions have {scores.shape[0]} rows."
        )
    if scores.shape[1] == 0:
        raise ValueError("predictions hold no model column.")
    fig, ax = _axes(ax, (5.0, 4.6))
    for name in scores.columns:
        fpr, tpr, _ = roc_curve(y_true, scores[name])
        auc = roc_auc_score(y_true, scores[name])
        ax.plot(fpr, tpr, linewidth=1.6, label=f"{name} (AUC {auc:.3f})")
    ax.plot([0, 1], [0, 1], linestyle=":", color="0.5", linewidth=1)
    ax.set_xlim(-0.01, 1.01)
    ax.set_ylim(-0.01, 1.01)
    ax.set_aspect("equal")
    ax.set_xlabel("False positive rate (1 - specificity)")
    ax.set_ylabel("True positive rate (sensitivity)")
    ax.legend(loc="lower right", fontsize=8)
    if title:
        ax.set_title(title)
    return fig
