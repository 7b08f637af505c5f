"""Matplotlib figures of skgenecyt results.

Every function draws on a given Axes or on a new Figure (made without pyplot,
so it works headless) and returns the Figure.
"""

from ._benchmark import plot_cohort_scores, plot_cv_scores
from ._perturbation import plot_dose_response, plot_perturbation_effects
from ._roc import plot_roc_curves

__all__ = [
    "plot_cohort_scores",
    "plot_cv_scores",
    "plot_dose_response",
    "plot_perturbation_effects",
    "plot_roc_curves",
]
