"""Speed of the cross-study normalisation step.

``QuantileNormalizer().transform`` of 2,000 samples x 15,000 genes against
``numpy.argsort`` of the same matrix along its rows: the rank of every value
within its sample is the least any per-sample quantile normalisation must
find. Target ratio <= 2: the step adds the check of the input, a look at the
sorted values for ties and one pass that writes the reference values back at
their ranks.
"""

from __future__ import annotations

import numpy as np
from _harness import Figure, best_time

from skgenecyt import QuantileNormalizer

N_SAMPLES, N_GENES = 2000, 15000


def run() -> list[Figure]:
    rng = np.random.default_rng(0)
    X = rng.normal(8.0, 2.0, size=(N_SAMPLES, N_GENES))
    normalizer = QuantileNormalizer().fit(X[:300])
    reference = best_time(lambda: np.argsort(X, axis=1), repeat=3)
    value = best_time(lambda: normalizer.transform(X), repeat=3)
    return [Figure(
        name="QuantileNormalizer.transform, 2,000 x 15,000 (time)",
        value=value,
        reference=reference,
        unit="s",
        target=2.0,
        note=f"[{value:.2f} s vs {reference:.2f} s for numpy.argsort]",
    )]
