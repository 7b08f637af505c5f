"""Matplotlib figures of skgenecyt results.

Every function draws on a given Axes or on a new Figure (made without pyplot,
so it works headless) and returns the Figure.
"""

from ._perturbation import plot_dose_response, plot_perturbation_effects

__all__ = [
    "plot_dose_response",
    "plot_perturbation_effects",
]
