"""Datasets: cytokine modules, gene-set files, expression loading, synthetic cohorts."""

from ._modules import load_cytokine_modules

__all__ = [
    "load_cytokine_modules",
]
