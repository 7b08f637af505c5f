"""Fair comparisons: GeneCytNet against classical baselines on identical splits."""

from skgenecyt.model_selection._baselines import default_baselines
from skgenecyt.model_selection._benchmark import benchmark

__all__ = ["benchmark", "default_baselines"]
