"""Preprocessing: checks on expression input and in-fold gene selection scores."""

from ._selection import anova_f
from ._validator import ExpressionValidator

__all__ = ["ExpressionValidator", "anova_f"]
