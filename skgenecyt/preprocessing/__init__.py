"""Preprocessing: checks on expression input as a pipeline step."""

from ._validator import ExpressionValidator

__all__ = ["ExpressionValidator"]
