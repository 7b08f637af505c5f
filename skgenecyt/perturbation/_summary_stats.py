"""From per-sample changes in P(RA) to one summary row: mean, CI, null, p-value.

The bootstrap resamples the per-sample deltas (no re-prediction), with the
same resamples for every module and shift so that their intervals are paired.
"""

from __future__ import annotations

import zlib

import numpy as np
import pandas as pd
from sklearn.utils import check_random_state

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


COLUMNS = [
    "module", "shift", "mode", "on", "n_samples", "n_genes", "coverage",
    "delta_mean", "delta_sd", "delta_se", "ci_low", "ci_high",
    "null_mean", "null_sd", "null_low", "null_high", "z", "p_value",
]


def effects_frame(rows):
    """The effects table: the standard columns first, then any extra ones."""
    extra = [c for c in (rows[0] if rows else {}) if c not in COLUMNS]
    return pd.DataFrame(rows, columns=COLUMNS + extra)
