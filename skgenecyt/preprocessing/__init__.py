"""Preprocessing: input checks, cross-cohort normalisation and in-fold gene selection."""

from ._normalization import QuantileNormalizer
from ._selection import SelectKPerSample, anova_f
from ._validator import ExpressionValidator

__all__ = ["ExpressionValidator", "QuantileNormalizer", "SelectKPerSample", "anova_f"]
