"""Datasets: cytokine modules, gene-set files, expression loading, synthetic cohorts."""

from skgenecyt._validation import RawCountsWarning

from ._expression import load_expression
from ._gmt import read_gmt
from ._modules import LowCoverageWarning, load_cytokine_modules, match_modules
from ._synthetic import make_ra_cohort

__all__ = [
    "LowCoverageWarning",
    "RawCountsWarning",
    "load_cytokine_modules",
    "load_expression",
    "make_ra_cohort",
    "match_modules",
    "read_gmt",
]
