"""Preprocessing: input checks, normalisation, in-fold gene selection and gene-set scores."""

from ._gene_sets import GeneSetScores
from ._normalization import QuantileNormalizer
from ._selection import SelectKPerSample, anova_f
from ._validator import ExpressionValidator

__all__ = [
    "ExpressionValidator",
    "GeneSetScores",
    "QuantileNormalizer",
    "SelectKPerSample",
    "anova_f",
]
