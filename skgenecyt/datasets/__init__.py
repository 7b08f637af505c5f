"""Datasets: cytokine modules, gene-set files, expression and GEO loading, cohorts, simulators."""

from skgenecyt._validation import RawCountsWarning

from ._cohorts import combine_cohorts
from ._expression import load_expression
from ._geo import read_geo_series_matrix
from ._geo_write import write_geo_studies
from ._gmt import read_gmt
from ._labels import labels_from_metadata
from ._modules import LowCoverageWarning, load_cytokine_modules, match_modules
from ._random_sets import random_gene_sets
from ._studies import make_ra_studies
from ._synthetic import make_ra_cohort
from ._warnings import CohortWarning

__all__ = [
    "CohortWarning",
    "LowCoverageWarning",
    "RawCountsWarning",
    "combine_cohorts",
    "labels_from_metadata",
    "load_cytokine_modules",
    "load_expression",
    "make_ra_cohort",
    "make_ra_studies",
    "match_modules",
    "random_gene_sets",
    "read_geo_series_matrix",
    "read_gmt",
    "write_geo_studies",
]
