"""The statistics of perturbation effects: seeds, matched null gene sets, bootstrap, p-values.

One integer seed, drawn from ``random_state``, gives every random stream: one
per module for its null gene sets (random gene sets of the module's size,
matched on expression level by :mod:`skgenecyt.datasets._random_sets`, which
also draws :func:`~skgenecyt.datasets.random_gene_sets`) and one for the
bootstrap. The bootstrap resamples the per-sample deltas (no re-prediction),
with the same resamples for every module and shift so that their intervals
are paired.
"""

from __future__ import annotations

import zlib

import numpy as np
from sklearn.utils import check_random_state

from skgenecyt.datasets._random_sets import matched_gene_sets

_BOOTSTRAP_BLOCK = 4_000_000  # resample counts held in memory at once


def stream_seeds(random_state):
    """One integer seed from ``random_state`` from which every stream is derived."""
    return int(check_random_state(random_state).randint(np.iinfo(np.int32).max))


def bootstrap_rng(seed):
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(0,)))


def null_rng(seed, module_name):
    """A stream per module, keyed by its name: the same null sets whatever else is tested."""
    key = zlib.crc32(str(module_name).encode())
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(1, key)))


def null_gene_sets(module_indices, n_features, n_null, rng, level=None, n_bins=10):
    """Draw ``n_null`` gene sets of the module's size from the genes outside it.

    :func:`skgenecyt.datasets._random_sets.matched_gene_sets` with the
    perturbation's advice when the module leaves too few genes (``level`` is
    the training mean of every gene; None draws uniformly).
    """
    return matched_gene_sets(module_indices, n_features, n_null, rng, level=level,
                             n_bins=n_bins, advice="pass n_null=0 to skip the null")


def draw_null_sets(matched, n_features, n_null, seed, level, n_bins):
    """Null gene sets for each matched module, keyed by module name.

    Each module has its own random stream (keyed by its name), so its null sets
    are the same whatever other modules are tested, and they are shared by all
    shifts.
    """
    return {
        m.name: null_gene_sets(m.indices, n_features, n_null, null_rng(seed, m.name),
                               level=level, n_bins=n_bins)
        for m in matched
    }


def bootstrap_means(deltas, n_bootstrap, rng):
    """Bootstrap means of each row of ``deltas`` (jobs x samples): (n_bootstrap, jobs)."""
    n = deltas.shape[1]
    out = np.empty((n_bootstrap, deltas.shape[0]))
    block = max(1, _BOOTSTRAP_BLOCK // n)
    for start in range(0, n_bootstrap, block):
        b = min(block, n_bootstrap - start)
        draws = rng.integers(0, n, size=(b, n))
        offsets = (np.arange(b) * n)[:, None]
        counts = np.bincount((draws + offsets).ravel(), minlength=b * n).reshape(b, n)
        out[start : start + b] = counts @ deltas.T / n
    return out


def empirical_p_value(observed, null, alternative):
    """Empirical p-value with the +1 correction: ``(1 + #extreme) / (1 + n_null)``.

    ``"two-sided"`` counts null values at least as far from the null mean as
    the observed value; ``"greater"``/``"less"`` count null values at least as
    large/small as the observed value.
    """
    if len(null) == 0:
        return np.nan
    if alternative == "greater":
        extreme = null >= observed
    elif alternative == "less":
        extreme = null <= observed
    else:
        center = null.mean()
        extreme = np.abs(null - center) >= abs(observed - center)
    return (1 + np.count_nonzero(extreme)) / (1 + len(null))


def summary_row(deltas, boot, null, confidence_level, alternative):
    """Summary statistics of one (module, shift).

    ``deltas``: per-sample changes; ``boot``: their bootstrap means; ``null``:
    mean changes of the random gene sets.
    """
    alpha = 1 - confidence_level
    row = {
        "delta_mean": deltas.mean(),
        "delta_sd": deltas.std(ddof=1) if len(deltas) > 1 else np.nan,
        "delta_se": boot.std(ddof=1) if len(boot) > 1 else np.nan,
        "ci_low": np.quantile(boot, alpha / 2) if len(boot) else np.nan,
        "ci_high": np.quantile(boot, 1 - alpha / 2) if len(boot) else np.nan,
    }
    if len(null):
        null_sd = null.std(ddof=1) if len(null) > 1 else np.nan
        with np.errstate(divide="ignore", invalid="ignore"):
            z = (row["delta_mean"] - null.mean()) / null_sd if null_sd > 0 else np.nan
        row.update(
            null_mean=null.mean(), null_sd=null_sd,
            null_low=np.quantile(null, alpha / 2), null_high=np.quantile(null, 1 - alpha / 2),
            z=z, p_value=empirical_p_value(row["delta_mean"], null, alternative),
        )
    else:
        row.update(null_mean=np.nan, null_sd=np.nan, null_low=np.nan, null_high=np.nan,
                   z=np.nan, p_value=np.nan)
    return row
