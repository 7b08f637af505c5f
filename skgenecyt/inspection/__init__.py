"""Inspect fitted models: attention tables and node (gene) importance."""

from ._attention import attention_table, node_importance

__all__ = ["attention_table", "node_importance"]
