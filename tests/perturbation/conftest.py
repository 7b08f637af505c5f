"""Small synthetic data with planted module effects, and a model fitted on it."""

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils import Bunch

N_GENES = 200
#: Planted shift of each module's genes in RA samples (in noise SD units).
PLANTED = {"A": 1.2, "B": 0.8, "C": 0.5}


def make_toy(n_samples, seed):
    """Expression with three planted modules of 5 genes and 185 noise genes.

    Genes have different baseline levels (so that expression-matched nulls are
    exercised) and RA samples (y=1) have each module's genes raised by its
    planted amount; noise genes carry no signal.
    """
    rng = np.random.default_rng(seed)
    y = np.tile([0, 1], n_samples // 2)
    baseline = np.random.default_rng(0).permutation(np.linspace(2.0, 10.0, N_GENES))
    X = baseline + rng.normal(size=(n_samples, N_GENES))
    for k, effect in enumerate(PLANTED.values()):
        X[:, 5 * k : 5 * k + 5] += effect * y[:, None]
    genes = [f"G{i}" for i in range(N_GENES)]
    index = [f"s{seed}_{i}" for i in range(n_samples)]
    return pd.DataFrame(X, columns=genes, index=index), pd.Series(y, index=index, name="ra")


@pytest.fixture(scope="session")
def toy():
    X, y = make_toy(200, seed=1)
    X_test, y_test = make_toy(120, seed=2)
    modules = {name: [f"G{5 * k + j}" for j in range(5)] for k, name in enumerate(PLANTED)}
    model = make_pipeline(StandardScaler(), LogisticRegression(C=0.1)).fit(X, y)
    return Bunch(X=X, y=y, X_test=X_test, y_test=y_test, modules=modules, model=model)
