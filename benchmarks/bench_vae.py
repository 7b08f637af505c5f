"""Speed and memory of VAETransformer.

* Fit: ``VAETransformer().fit`` on the standardised default training cohort
  (``make_ra_cohort()``, 360 x 15,000) against
  ``RandomForestClassifier(n_estimators=500, n_jobs=-1, random_state=0).fit``
  on the same data. Target ratio <= 0.3.
* Transform: ``transform`` of 10,000 x 15,000 float32 rows (a larger cohort
  from the same generator, standardised with the training cohort's scaler)
  against the bare torch matrix product of the model's first layer on the
  same input, ``X @ basis`` (15,000 x ``pca_components``), the floor of any
  encoder. Target ratio <= 2.
* Memory: peak resident memory (VmHWM where Linux reports it) of a fresh
  Python process that loads the standardised cohort and runs the default fit
  (torch and the package imports included) against 1.5 GB. Target ratio <= 1.
"""

from __future__ import annotations

import os
import tempfile

import numpy as np
import torch
from _harness import Figure, alternate, run_in_subprocess
from sklearn.ensemble import RandomForestClassifier
from sklearn.preprocessing import StandardScaler

from skgenecyt import VAETransformer, make_ra_cohort

N_TRANSFORM = 10_000
ROUNDS = 5  # alternated rounds per timed figure (the median decides)
MEMORY_BUDGET = 1.5e9  # bytes


def _cohort():
    X, y = make_ra_cohort(random_state=0, return_X_y=True)
    scaler = StandardScaler().fit(X.to_numpy())
    return scaler, scaler.transform(X.to_numpy()), y.to_numpy()


def _fit_figure(X, y) -> Figure:
    forest = RandomForestClassifier(n_estimators=500, n_jobs=-1, random_state=0)
    holder = {}

    def fit():
        holder["vae"] = VAETransformer(random_state=0).fit(X)

    timing = alternate(fit, lambda: forest.fit(X, y), rounds=ROUNDS)
    return Figure(
        name="VAETransformer().fit 360 x 15,000 vs RF(500).fit",
        unit="s",
        target=0.3,
        note=f"[{holder['vae'].n_epochs_} epochs]",
        **timing.fields(),
    )


def _transform_figure(scaler, vae) -> Figure:
    n_ra = N_TRANSFORM * 2 // 3
    X_big, _ = make_ra_cohort(n_ra=n_ra, n_control=N_TRANSFORM - n_ra, n_holdout_ra=0,
                              n_holdout_control=0, random_state=1, return_X_y=True)
    X_big = np.ascontiguousarray(scaler.transform(X_big.to_numpy()), dtype=np.float32)
    basis = vae.net_.module_.basis
    X_torch = torch.from_numpy(X_big)

    def floor():
        with torch.no_grad():
            X_torch @ basis

    timing = alternate(lambda: vae.transform(X_big), floor, rounds=ROUNDS)
    return Figure(
        name="transform 10,000 x 15,000 vs first-layer matmul",
        unit="s",
        target=2.0,
        note=f"[first layer 15,000 x {basis.shape[1]}]",
        **timing.fields(),
    )


def _memory_figure(X) -> Figure:
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "X.npy")
        np.save(path, X)
        result = run_in_subprocess(f"""
            import numpy as np
            from skgenecyt import VAETransformer
            X = np.load({path!r})
            VAETransformer(random_state=0).fit(X)
            result = {{}}
        """)
    peak = result["peak_rss_bytes"]
    return Figure(
        name="peak RSS of the default fit (fresh process) vs 1.5 GB",
        value=peak / 1e9,
        reference=MEMORY_BUDGET / 1e9,
        unit="GB",
        target=1.0,
        note=f"[{peak / 2**20:.0f} MiB, imports and data included]",
    )


def run() -> list[Figure]:
    scaler, X, y = _cohort()
    memory = _memory_figure(X)  # first, while this process is still small
    fit = _fit_figure(X, y)
    vae = VAETransformer(random_state=0).fit(X)
    return [fit, _transform_figure(scaler, vae), memory]
