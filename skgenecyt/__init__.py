"""skgenecyt: GeneCytNet for scikit-learn.

A variational autoencoder and a graph attention network that classify
rheumatoid arthritis against controls from bulk transcriptomes, an in-silico
cytokine perturbation with uncertainty, and fair benchmarks against classical
models, all as ordinary scikit-learn estimators.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("skgenecyt")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+unknown"

# Public API: each subpackage adds one import line here and its names to __all__.
from .datasets import (
    CohortWarning,
    LowCoverageWarning,
    RawCountsWarning,
    combine_cohorts,
    labels_from_metadata,
    load_cytokine_modules,
    load_expression,
    make_ra_cohort,
    make_ra_studies,
    match_modules,
    random_gene_sets,
    read_geo_series_matrix,
    read_gmt,
    write_geo_studies,
)
from .decomposition import VAETransformer
from .graph import FeatureGraph, GATClassifier, coexpression_graph, complete_graph, prior_graph
from .inspection import attention_table, node_importance
from .model_selection import (
    AdaptiveStratifiedKFold,
    LeafScaledGradientBoosting,
    TemperatureCalibratedClassifier,
    benchmark,
    default_baselines,
)
from .persistence import ModelVersionWarning, load_model, save_model
from .perturbation import (
    CytokinePerturbation,
    ModuleNotUsedWarning,
    dose_response,
    latent_module_direction,
    latent_perturbation_effects,
    perturbation_effects,
)
from .pipeline import GeneCytNet, make_genecytnet
from .plotting import plot_dose_response, plot_perturbation_effects
from .preprocessing import (
    ExpressionValidator,
    GeneSetScores,
    QuantileNormalizer,
    SelectKPerSample,
    anova_f,
)
from .report import perturbation_summary

__all__ = [
    "AdaptiveStratifiedKFold",
    "CohortWarning",
    "CytokinePerturbation",
    "ExpressionValidator",
    "FeatureGraph",
    "GATClassifier",
    "GeneCytNet",
    "GeneSetScores",
    "LeafScaledGradientBoosting",
    "LowCoverageWarning",
    "ModelVersionWarning",
    "ModuleNotUsedWarning",
    "QuantileNormalizer",
    "RawCountsWarning",
    "SelectKPerSample",
    "TemperatureCalibratedClassifier",
    "VAETransformer",
    "__version__",
    "anova_f",
    "attention_table",
    "benchmark",
    "coexpression_graph",
    "combine_cohorts",
    "complete_graph",
    "default_baselines",
    "dose_response",
    "labels_from_metadata",
    "latent_module_direction",
    "latent_perturbation_effects",
    "load_cytokine_modules",
    "load_expression",
    "load_model",
    "make_genecytnet",
    "make_ra_cohort",
    "make_ra_studies",
    "match_modules",
    "node_importance",
    "perturbation_effects",
    "perturbation_summary",
    "plot_dose_response",
    "plot_perturbation_effects",
    "prior_graph",
    "random_gene_sets",
    "read_geo_series_matrix",
    "read_gmt",
    "save_model",
    "write_geo_studies",
]
