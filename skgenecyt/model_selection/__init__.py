"""Fair comparisons: GeneCytNet against classical baselines on identical splits."""

from skgenecyt.model_selection._baselines import default_baselines
from skgenecyt.model_selection._benchmark import benchmark
from skgenecyt.model_selection._size_rules import (
    AdaptiveStratifiedKFold,
    LeafScaledGradientBoosting,
    TemperatureCalibratedClassifier,
)

__all__ = [
    "AdaptiveStratifiedKFold",
    "LeafScaledGradientBoosting",
    "TemperatureCalibratedClassifier",
    "benchmark",
    "default_baselines",
]
