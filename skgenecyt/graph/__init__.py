"""Feature graphs and graph attention classification.

:class:`GATClassifier` treats each sample as a graph over its features; the
graph is built in ``fit`` from the training rows (co-expression or complete)
or aligned from a prior network given by feature name.
"""

from ._classifier import GATClassifier
from ._construction import FeatureGraph, coexpression_graph, complete_graph, prior_graph

__all__ = [
    "FeatureGraph",
    "GATClassifier",
    "coexpression_graph",
    "complete_graph",
    "prior_graph",
]
