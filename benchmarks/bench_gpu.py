"""GeneCytNet on a GPU against the same work on the CPU, at 5,000 samples x 20,000 genes.

Fits ``make_genecytnet(random_state=0)`` with its networks on ``device="cuda"``
(``vae__device`` and ``gat__device``) and predicts the training rows, against
the same fit and prediction with the networks on the CPU, in the same run.
The figure is the speed-up (CPU time / GPU time, higher is better), the
median of alternated rounds. The data are built as in ``bench_scale.py``:
standard normal float32 expression, half the samples RA with a shift of 0.5
SD in 200 genes.

Only the networks move to the GPU: gene selection and scaling are
scikit-learn's and stay on the CPU, and GeneCytNet's networks are small (8
latent factors of 100 selected genes by default), so the speed-up measures
how much of the pipeline's time the networks take at this size. The figure
has no target: it is reported where CUDA exists and skipped, with the reason,
elsewhere, and the CPU figures of the other benchmarks never depend on it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import torch
from _harness import Figure, alternate, skipped

from skgenecyt import make_genecytnet

N_SAMPLES, N_GENES = 5000, 20000
ROUNDS = 3
NAME = f"GeneCytNet fit + predict_proba {N_SAMPLES:,} x {N_GENES:,}: CPU time / CUDA time"


def _data():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((N_SAMPLES, N_GENES), dtype=np.float32)
    y = np.repeat([0, 1], [N_SAMPLES - N_SAMPLES // 2, N_SAMPLES // 2])
    X[y == 1, :200] += np.float32(0.5)
    return pd.DataFrame(X, columns=[f"G{j}" for j in range(N_GENES)], copy=False), y


def run() -> list[Figure]:
    if not torch.cuda.is_available():
        return [skipped(NAME, "CUDA is not available on this machine", unit="s",
                        target=None, higher_is_better=True)]
    X, y = _data()
    epochs = {}

    def fit_predict(device):
        model = make_genecytnet(random_state=0, vae__device=device, gat__device=device)
        model.fit(X, y).predict_proba(X)
        epochs[device] = (model["vae"].n_epochs_, model["gat"].n_epochs_)

    def on_cuda():
        fit_predict("cuda")
        torch.cuda.synchronize()

    timing = alternate(lambda: fit_predict("cpu"), on_cuda, rounds=ROUNDS)
    return [Figure(
        name=NAME, unit="s", target=None, higher_is_better=True,
        note=(f"[{torch.cuda.get_device_name(0)}; epochs (VAE, GAT) on the CPU "
              f"{epochs['cpu']}, on CUDA {epochs['cuda']}]"),
        **timing.fields(),
    )]
