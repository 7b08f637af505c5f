"""Speed and memory of the synthetic cohort generator.

* Time: ``make_ra_cohort()`` at its defaults (360 + 150 samples x 15,000 genes)
  against drawing the same number of standard normals with numpy
  (``default_rng().standard_normal((510, 15000))``), the least work any
  generator of such a cohort must do. Target ratio <= 10: the budget is 2 s,
  and numpy's draw takes about 0.07 s on the development machine, so a ratio
  of 10 (about 0.7 s there) keeps well inside it with room for slower machines.
* Memory: the peak of numpy/pandas allocations while generating (measured with
  tracemalloc, which sees numpy's buffers) against the bytes of the returned
  expression matrices. Target ratio <= 3: the output plus a few same-sized
  temporaries.
"""

from __future__ import annotations

import tracemalloc

import numpy as np
from _harness import Figure, alternate

from skgenecyt import make_ra_cohort

N_SAMPLES = 240 + 120 + 100 + 50
N_GENES = 15000


def _time_figure() -> Figure:
    make_ra_cohort(n_genes=500, random_state=0)  # warm up imports and caches
    timing = alternate(
        lambda: make_ra_cohort(random_state=0),
        lambda: np.random.default_rng(0).standard_normal((N_SAMPLES, N_GENES)),
        rounds=5,
    )
    return Figure(
        name="make_ra_cohort() defaults, 510 x 15,000 (time)",
        unit="s",
        target=10.0,
        note=f"[{timing.value:.3f} s absolute; budget 2 s]",
        **timing.fields(),
    )


def _memory_figure() -> Figure:
    tracemalloc.start()
    tracemalloc.reset_peak()
    cohort = make_ra_cohort(random_state=0)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    output = cohort.X.to_numpy().nbytes + cohort.X_holdout.to_numpy().nbytes
    return Figure(
        name="make_ra_cohort() defaults (peak memory / output)",
        value=peak / 2**20,
        reference=output / 2**20,
        unit="MiB",
        target=3.0,
        note=f"[peak {peak / 2**20:.0f} MiB for {output / 2**20:.0f} MiB of float32 output]",
    )


def run() -> list[Figure]:
    return [_time_figure(), _memory_figure()]
