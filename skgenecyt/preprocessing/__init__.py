"""Preprocessing: checks on expression input, in-fold gene selection scores, gene-set scores."""

from ._gene_sets import GeneSetScores
from ._selection import anova_f
from ._validator import ExpressionValidator

__all__ = ["ExpressionValidator", "GeneSetScores", "anova_f"]
