"""Speed and memory of the shared-graph GAT layer and of GATClassifier.

* Layer time: one forward + backward of
  :class:`skgenecyt.nn._gat.SharedGraphGATConv` on a 2,000-node co-expression
  kNN graph (k = 10, both directions, ~30,000 edges plus self-loops), batch of
  64 samples, 32 input channels, 4 heads x 8 channels (the hidden layer of
  GATClassifier's defaults), against PyG's ``GATConv`` with the same weights
  on the same batch replicated into one block-diagonal graph of 64 x 2,000
  nodes (the replicated edge index is built once, outside the timing, which
  favours the reference). Target ratio <= 1/3.
* Layer memory: peak resident memory added by one forward + backward, each
  layer in a fresh process: the process builds graph, inputs and layer, reads
  its current RSS (``VmRSS`` in ``/proc/self/status``), runs the pass (for
  GATConv including the replication of the edge index, which is part of its
  cost) and reports its peak RSS (``VmHWM``) minus that baseline.
  (``getrusage``'s ``ru_maxrss`` would not do: Linux carries the parent's
  peak into a child started with vfork/exec.) The processes run with
  ``MALLOC_MMAP_THRESHOLD_=65536``: glibc then maps every block of 64 KiB or
  more on its own and returns it to the system when it is freed, so the peak
  RSS is the most memory held at once. (By default glibc raises that
  threshold up to 32 MiB as blocks are freed and keeps smaller freed blocks in
  its heap, which adds a varying amount of free memory to the peak.) Target
  ratio <= 1/3.
* Fit time: ``GATClassifier(random_state=0).fit`` on 360 samples x 32
  features (as many as a VAE's latent factors; standard normal with a shift of
  one SD in 4 of them for the 240 of class 1, so that early stopping sees a
  learnable problem) against
  ``RandomForestClassifier(n_estimators=500, n_jobs=-1, random_state=0).fit``
  on 360 x 15,000 standard normal values. Target ratio <= 0.07.

Both layers are timed on one CPU thread (set with
``skgenecyt._training.torch_threads``), so that the ratio measures the two
algorithms rather than how a busy machine schedules threads (on an idle
16-core machine the ratio was about the same from 1 to 16 threads). The two
sides of each timed figure run alternately, ``ROUNDS`` rounds; the figure is
the median of the per-round ratios.
"""

from __future__ import annotations

import os

import numpy as np
from _harness import Figure, alternate, run_in_subprocess
from sklearn.ensemble import RandomForestClassifier

from skgenecyt import GATClassifier
from skgenecyt._training import torch_threads

N_NODES, N_NEIGHBORS, BATCH, IN_CHANNELS, HEADS, CHANNELS = 2000, 10, 64, 32, 4, 8
ROUNDS = 5  # alternated rounds per timed figure (the median decides)

# Builds the graph, inputs and both layers with shared weights; run in this
# process for timing and in fresh processes for memory.
SETUP = f"""
import numpy as np, torch
from torch_geometric.nn import GATConv
from skgenecyt.graph import coexpression_graph
from skgenecyt.nn._gat import SharedGraphGATConv

N, B, F, H, C = {N_NODES}, {BATCH}, {IN_CHANNELS}, {HEADS}, {CHANNELS}
rng = np.random.default_rng(0)
graph = coexpression_graph(rng.normal(size=(100, N)), n_neighbors={N_NEIGHBORS})
edge_index = torch.as_tensor(graph.edge_index)
torch.manual_seed(0)
x = torch.randn(B, N, F)
ours = SharedGraphGATConv(F, C, heads=H)
pyg = GATConv(F, C, heads=H)
with torch.no_grad():
    pyg.lin.weight.copy_(ours.lin.weight)
    pyg.att_src.copy_(ours.att_src)
    pyg.att_dst.copy_(ours.att_dst)

def replicate():
    return torch.cat([edge_index + b * N for b in range(B)], dim=1)

def run_ours():
    xs = x.clone().requires_grad_(True)
    ours(xs, edge_index).square().mean().backward()

def run_pyg(replicated):
    xs = x.reshape(B * N, F).clone().requires_grad_(True)
    pyg(xs, replicated).square().mean().backward()
"""

MEMORY = SETUP + """
from skgenecyt._training import torch_threads

def status(key):  # VmRSS (now) or VmHWM (peak) of this process, in bytes
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) * 1024 for line in f if line.startswith(key))
baseline = status("VmRSS:")
with torch_threads(1):
    CALL
result = {"delta": status("VmHWM:") - baseline}
"""


def _layer_figures() -> list[Figure]:
    namespace = {}
    exec(SETUP, namespace)
    run_ours, run_pyg = namespace["run_ours"], namespace["run_pyg"]
    replicated = [namespace["replicate"]()]
    with torch_threads(1):
        timing = alternate(run_ours, lambda: run_pyg(replicated[0]), rounds=ROUNDS)
    n_edges = namespace["graph"].n_edges
    namespace.clear()  # free the inputs before the memory runs
    replicated.clear()

    previous = os.environ.get("MALLOC_MMAP_THRESHOLD_")
    os.environ["MALLOC_MMAP_THRESHOLD_"] = "65536"  # see the module docstring
    try:
        ours = run_in_subprocess(MEMORY.replace("CALL", "run_ours()"))["delta"]
        pyg = run_in_subprocess(MEMORY.replace("CALL", "run_pyg(replicate())"))["delta"]
    finally:
        if previous is None:
            del os.environ["MALLOC_MMAP_THRESHOLD_"]
        else:
            os.environ["MALLOC_MMAP_THRESHOLD_"] = previous
    shape = f"{N_NODES} nodes, {n_edges} edges + self-loops, batch {BATCH}"
    return [
        Figure(
            name="GAT layer fwd+bwd vs GATConv on replicated batch",
            unit="s", target=1 / 3, note=f"[{shape}]", **timing.fields(),
        ),
        Figure(
            name="GAT layer fwd+bwd peak memory vs GATConv",
            value=ours / 2**20, reference=pyg / 2**20, unit="MiB", target=1 / 3,
            note=f"[{ours / 2**20:.0f} MiB vs {pyg / 2**20:.0f} MiB added to RSS]",
        ),
    ]


def _fit_figure() -> Figure:
    rng = np.random.default_rng(0)
    y = np.r_[np.ones(240, int), np.zeros(120, int)]
    latent = rng.normal(size=(360, 32))
    latent[:, :4] += y[:, None]
    genes = rng.normal(size=(360, 15_000)).astype(np.float32)
    forest = RandomForestClassifier(n_estimators=500, n_jobs=-1, random_state=0)
    holder = {}

    def fit():
        holder["gat"] = GATClassifier(random_state=0).fit(latent, y)

    timing = alternate(fit, lambda: forest.fit(genes, y), rounds=ROUNDS)
    return Figure(
        name="GATClassifier().fit 360 x 32 vs RF(500).fit 360 x 15,000",
        unit="s", target=0.07, note=f"[{holder['gat'].n_epochs_} epochs]", **timing.fields(),
    )


def run() -> list[Figure]:
    return [*_layer_figures(), _fit_figure()]
