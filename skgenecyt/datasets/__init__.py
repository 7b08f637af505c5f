"""Datasets: cytokine modules, gene-set files, expression loading, synthetic cohorts."""

from ._gmt import read_gmt
from ._modules import load_cytokine_modules

__all__ = [
    "load_cytokine_modules",
    "read_gmt",
]
