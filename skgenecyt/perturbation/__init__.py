"""In-silico cytokine perturbation.

:class:`CytokinePerturbation` changes the genes of one cytokine-responsive
module; :func:`perturbation_effects` measures how such changes move a fitted
classifier's P(RA), with a bootstrap interval and a null of random gene sets of
the same size; :func:`dose_response` does so over a range of shifts;
:func:`latent_perturbation_effects` moves a VAE's latent codes along a module's
direction instead.

Where things live: ``_modes`` (per-gene reference statistics and the
perturbation modes), ``_statistics`` (seeds, matched null gene sets,
bootstrap, p-values), ``_effects`` (input checks, the effects engine shared by
gene and latent perturbation, :func:`perturbation_effects`,
:func:`dose_response`), ``_batch`` (memory-bounded batched prediction),
``_latent`` and ``_transformer``. Gene modules are resolved and located by
:mod:`skgenecyt.datasets`.
"""

from ._effects import DEFAULT_DOSES, ModuleNotUsedWarning, dose_response, perturbation_effects
from ._latent import latent_module_direction, latent_perturbation_effects
from ._transformer import CytokinePerturbation

__all__ = [
    "DEFAULT_DOSES",
    "CytokinePerturbation",
    "ModuleNotUsedWarning",
    "dose_response",
    "latent_module_direction",
    "latent_perturbation_effects",
    "perturbation_effects",
]
