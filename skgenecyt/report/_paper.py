"""The reference paper's published numbers: the one place they are written down.

Chen, Li, Xu: "GeneCytNet: an interpretable deep learning framework for
rheumatoid arthritis classification and in silico cytokine perturbation
modeling". The reproduce report sets them beside its own results, the
perturbation figures draw them as reference points and the documentation
renders its table of them from here.
"""

from __future__ import annotations

#: The reference paper's results, as (value, +- value or None). The paper does
#: not say what its +- measures, nor the size of its perturbation.
PAPER = {
    "holdout_roc_auc": (0.962, 0.005),
    "holdout_accuracy": (0.914, None),
    "holdout_f1": (0.915, None),
    "cv_roc_auc": (0.957, 0.006),
    "effects": {"IL6": (0.12, 0.03), "TNF": (0.08, 0.02), "IL1B": (0.06, 0.02)},
}

#: What each classification number of :data:`PAPER` is, in the words of a table row.
PAPER_METRICS = {
    "holdout_roc_auc": "Holdout ROC AUC",
    "holdout_accuracy": "Holdout accuracy",
    "holdout_f1": "Holdout F1",
    "cv_roc_auc": "5-fold CV ROC AUC",
}

#: The modules of the paper's perturbation analysis, in its order, with display names.
MODULES = {"IL6": "IL-6", "TNF": "TNF", "IL1B": "IL-1β"}


def paper_text(value, signed=False):
    """A published ``(value, +- value or None)`` pair as the paper prints it.

    Examples
    --------
    >>> from skgenecyt.report._paper import PAPER, paper_text
    >>> paper_text(PAPER["holdout_roc_auc"]), paper_text(PAPER["effects"]["IL6"], signed=True)
    ('0.962 ± 0.005', '+0.12 ± 0.03')
    """
    mean, sd = value
    text = f"{mean:+g}" if signed else f"{mean:g}"
    return text if sd is None else f"{text} ± {sd:g}"


def paper_rows():
    """``(quantity, value)`` rows of every published number, classification first."""
    rows = [(label, paper_text(PAPER[key])) for key, label in PAPER_METRICS.items()]
    rows += [(f"{label} module: change in P(RA)", paper_text(PAPER["effects"][module], True))
             for module, label in MODULES.items()]
    return rows
