"""GeneCytNet on a cohort far larger than the paper's: 5,000 samples x 20,000 genes.

Fits ``make_genecytnet(random_state=0)`` with all its defaults (the default
number of genes selected in the fold, the VAE's and the GAT's default epochs
with early stopping) on a float32 matrix built directly with numpy, in a fresh
subprocess, and measures:

* peak resident memory of that process against the 4 GiB budget
  (target: ratio at most 1); the note gives the input's own size and the
  peak after building the data, so the model's share can be read off;
* CPU time (user + system) of the fit per 1,000 samples at 5,000 samples
  against the same figure at 1,000 samples (same genes, same defaults,
  measured in this run): a ratio near 1 means the cost grows linearly with
  the cohort (target: at most 1.5). CPU time rather than wall time, because
  on a shared machine the wall time of a fit depends mostly on what else is
  running; the note gives both. The epochs each network ran are in the note
  too: early stopping may stop the two fits at different epochs, which moves
  the ratio by itself.

The data: standard normal expression, half the samples RA with a shift of
0.5 SD in 200 genes. Only sizes matter here, not the signal.

Run ``python benchmarks/run.py scale`` (heavy: about 20 minutes on a busy
two-core machine, under 2 GiB), or ``python benchmarks/bench_scale.py
[N_SAMPLES N_GENES]`` for another size.

Where the memory goes (measured at 5,000 x 20,000): about 490 MiB for Python,
numpy, torch and skorch, 381 MiB for the input, and the peak of about
1.8 GiB is reached inside the ``select`` step: scikit-learn's ``f_classif``
copies the rows of each class and squares them (about 2.5 times the input).
The VAE (on the selected genes) and the GAT (on the few latent factors)
stay below that: no n_genes x n_genes matrix is ever formed over all genes.
"""

from __future__ import annotations

import sys

from _harness import Figure, run_in_subprocess

BUDGET_BYTES = 4 * 1024**3

_FIT = """
import resource, time
import numpy as np, pandas as pd
from skgenecyt import make_genecytnet

def cpu():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime

n, p = {n_samples}, {n_genes}
rng = np.random.default_rng(0)
X = rng.standard_normal((n, p), dtype=np.float32)
y = np.repeat([0, 1], [n - n // 2, n // 2])
X[y == 1, :200] += np.float32(0.5)
X = pd.DataFrame(X, columns=[f"G{{j}}" for j in range(p)], copy=False)
after_data = peak_rss()
model = make_genecytnet(random_state=0)
start, start_cpu = time.perf_counter(), cpu()
model.fit(X, y)
fit_seconds, fit_cpu_seconds = time.perf_counter() - start, cpu() - start_cpu
after_fit = peak_rss()
proba = model.predict_proba(X)
result = dict(
    fit_seconds=fit_seconds, fit_cpu_seconds=fit_cpu_seconds,
    data_bytes=int(X.memory_usage(index=False).sum()),
    peak_after_data=after_data, peak_after_fit=after_fit,
    vae_epochs=int(model["vae"].n_epochs_), gat_epochs=int(model["gat"].n_epochs_),
    finite=bool(np.isfinite(proba).all()),
)
"""


def _fit(n_samples, n_genes):
    result = run_in_subprocess(_FIT.format(n_samples=n_samples, n_genes=n_genes))
    if not result["finite"]:
        raise RuntimeError(f"non-finite probabilities at {n_samples} x {n_genes}")
    result["cpu_seconds_per_1000"] = result["fit_cpu_seconds"] / (n_samples / 1000)
    return result


def run(n_samples=5000, n_genes=20000, n_reference=1000) -> list[Figure]:
    large = _fit(n_samples, n_genes)
    small = _fit(n_reference, n_genes)
    mib = 1024**2
    return [
        Figure(
            name=f"GeneCytNet fit peak RSS, {n_samples} x {n_genes} float32 / 4 GiB budget",
            value=large["peak_rss_bytes"] / mib, reference=BUDGET_BYTES / mib, unit="MiB",
            target=1.0,
            note=(f"input {large['data_bytes'] / mib:.0f} MiB; peak after building the data "
                  f"{large['peak_after_data'] / mib:.0f} MiB, after fit "
                  f"{large['peak_after_fit'] / mib:.0f} MiB, after predict_proba "
                  f"{large['peak_rss_bytes'] / mib:.0f} MiB"),
        ),
        Figure(
            name=(f"GeneCytNet fit CPU time per 1,000 samples, {n_samples} / {n_reference} "
                  "samples"),
            value=large["cpu_seconds_per_1000"], reference=small["cpu_seconds_per_1000"],
            unit="CPU s", target=1.5,
            note=(f"{n_samples} samples: {large['fit_cpu_seconds']:.0f} CPU s, "
                  f"{large['fit_seconds']:.0f} s wall (VAE {large['vae_epochs']} epochs, "
                  f"GAT {large['gat_epochs']}); {n_reference}: "
                  f"{small['fit_cpu_seconds']:.0f} CPU s, {small['fit_seconds']:.0f} s wall "
                  f"(VAE {small['vae_epochs']}, GAT {small['gat_epochs']})"),
        ),
    ]


if __name__ == "__main__":
    sizes = [int(a) for a in sys.argv[1:3]]
    for figure in run(*sizes):
        print(f"{figure.name}: {figure.value:.1f} {figure.unit} / {figure.reference:.1f} "
              f"{figure.unit} = {figure.ratio:.2f} (target {figure.target}; "
              f"{'pass' if figure.passed else 'FAIL'})\n    {figure.note}")
