"""Where the time of a default VAETransformer fit and a default GATClassifier fit goes.

Usage::

    python benchmarks/profile_fits.py            # both
    python benchmarks/profile_fits.py gat        # one of them

Profiles one fit of each (after an unprofiled warm-up fit) with cProfile and
splits its time into parts that do not overlap: input checks and the fixed
part of the model (outside the training loop), making batches, the training
forward pass and loss, backward, the optimiser update, the validation pass,
callbacks and history, and the rest of the loop. cProfile adds a cost per
Python call, so the shares of Python-heavy parts come out somewhat high; the
plain (unprofiled) CPU time of the fit is printed beside them. Then it times
the arithmetic floor of one epoch: one forward and backward pass over all
training rows as a single batch, with the fitted network, which no way of
batching or looping can undercut by much.

The data are those of the benchmarks: the standardised default cohort
(``make_ra_cohort(random_state=0)``, 360 x 15,000) for the VAE, and 360 x 32
standard normal values with a shift of one SD in 4 columns for the 240 of
class 1 for the GAT (see ``bench_vae.py`` and ``bench_gat.py``).
"""

from __future__ import annotations

import cProfile
import pstats
import sys
import time

import numpy as np
import torch
from sklearn.preprocessing import StandardScaler

from skgenecyt import GATClassifier, VAETransformer, make_ra_cohort
from skgenecyt._training import torch_threads


def _vae_case():
    X, _ = make_ra_cohort(random_state=0, return_X_y=True)
    X = StandardScaler().fit_transform(X.to_numpy())
    return (lambda: VAETransformer(random_state=0).fit(X)), X


def _gat_case():
    rng = np.random.default_rng(0)
    y = np.r_[np.ones(240, int), np.zeros(120, int)]
    latent = rng.normal(size=(360, 32))
    latent[:, :4] += y[:, None]
    return (lambda: GATClassifier(random_state=0).fit(latent, y)), (latent, y)


def _cum(stats, file_part, function, caller=None):
    """Cumulative seconds of a function (optionally only when called from ``caller``)."""
    total = 0.0
    for (file, _, name), (_, _, _, cum, callers) in stats.stats.items():
        if name != function or file_part not in file:
            continue
        if caller is None:
            total += cum
        else:
            total += sum(entry[3] for (cfile, _, cname), entry in callers.items()
                         if cname == caller[1] and caller[0] in cfile)
    return total


def breakdown(stats):
    """Non-overlapping parts of a fit, in profiled seconds."""
    total = _cum(stats, "sklearn/base.py", "wrapper")
    loop = _cum(stats, "skorch/net.py", "fit_loop")
    batches = (_cum(stats, "dataloader.py", "__next__")
               + _cum(stats, "skgenecyt/_training.py", "__iter__"))
    train_step = _cum(stats, "skorch/net.py", "train_step")
    closure = _cum(stats, "skorch/net.py", "step_fn")
    forward = (_cum(stats, "skorch/net.py", "infer", ("skorch/net.py", "train_step_single"))
               + _cum(stats, "skorch/net.py", "get_loss", ("skorch/net.py", "train_step_single")))
    backward = _cum(stats, "torch/_tensor.py", "backward")
    validation = _cum(stats, "skorch/net.py", "validation_step")
    callbacks = (_cum(stats, "skorch/net.py", "notify")
                 + _cum(stats, "skorch/history.py", "record")
                 + _cum(stats, "skorch/history.py", "record_batch"))
    parts = {
        "outside the loop (input checks, fixed model part, net set-up)": total - loop,
        "making batches": batches,
        "forward pass and loss (training)": forward,
        "backward pass": backward,
        "optimiser update": train_step - closure,
        "validation pass": validation,
        "callbacks and history": callbacks,
    }
    parts["rest of the loop (skorch bookkeeping, zeroing gradients, ...)"] = (
        loop - sum(v for k, v in parts.items() if not k.startswith("outside")))
    return total, parts


def arithmetic_floor(model, X, y=None):
    """Seconds of one forward + backward over all training rows as one batch."""
    net = model.net_
    module, criterion = net.module_, net.criterion_
    if y is None:  # the VAE trains on its principal-component summary of X
        X_t = torch.as_tensor(np.ascontiguousarray(X, dtype=np.float32))
        with torch.no_grad():
            target = module.summarise(X_t)
        inputs = target[:, :-1].contiguous()
    else:
        inputs = torch.as_tensor(model._standardize(X))
        target = torch.as_tensor(np.searchsorted(model.classes_, y))
    n_train = round(len(inputs) * (1 - model.validation_fraction))
    inputs, target = inputs[:n_train], target[:n_train]
    module.train()
    criterion.train()

    def step():
        module.zero_grad()
        criterion(module(inputs), target).backward()

    with torch_threads(1):
        step()
        times = []
        for _ in range(7):
            start = time.process_time()
            step()
            times.append(time.process_time() - start)
    module.eval()
    return float(np.median(times))


def profile(name):
    fit, data = {"vae": _vae_case, "gat": _gat_case}[name]()
    fit()  # warm-up: imports, caches, the allocator's first pages
    start = time.process_time()
    model = fit()
    plain = time.process_time() - start
    profiler = cProfile.Profile()
    profiler.enable()
    fit()
    profiler.disable()
    total, parts = breakdown(pstats.Stats(profiler))
    steps = sum(row["train_batch_count"] for row in model.net_.history)
    print(f"\n{type(model).__name__}(random_state=0).fit: {plain:.2f} CPU s unprofiled, "
          f"{model.n_epochs_} epochs, {steps} training steps "
          f"({1e3 * plain / steps:.2f} ms per step, everything included)")
    print(f"  profiled: {total:.2f} s")
    for part, seconds in parts.items():
        print(f"  {part:<66} {seconds:6.2f} s  {100 * seconds / total:5.1f} %")
    floor = arithmetic_floor(model, *(data if isinstance(data, tuple) else (data,)))
    print(f"  arithmetic floor: {1e3 * floor:.2f} ms per epoch (one batch of all training "
          f"rows, forward + backward) x {model.n_epochs_} epochs = "
          f"{floor * model.n_epochs_:.2f} s, {100 * floor * model.n_epochs_ / plain:.0f} % "
          "of the unprofiled fit")


if __name__ == "__main__":
    for name in sys.argv[1:] or ["vae", "gat"]:
        profile(name)
