"""Tiny data and tiny fitted models shared by the persistence tests."""

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skgenecyt import GATClassifier, VAETransformer, make_genecytnet

GENES = [f"G{i}" for i in range(12)]


@pytest.fixture(autouse=True)
def _tiny_networks(one_torch_thread):
    """Every test here trains or runs tiny networks."""


@pytest.fixture(scope="package")
def data():
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(32, len(GENES))), columns=GENES,
                     index=[f"s{i}" for i in range(32)])
    y = np.repeat([0, 1], 16)
    X.iloc[y == 1, :3] += 1.5
    return X, y


def tiny_gat(**params):
    return GATClassifier(hidden_channels=8, heads=2, max_epochs=3, random_state=0, **params)


def tiny_genecytnet():
    return make_genecytnet(
        random_state=0, select__k=8, vae__n_components=3, vae__hidden_layer_sizes=(8,),
        vae__max_epochs=3, gat__hidden_channels=8, gat__heads=2, gat__max_epochs=3,
    )


@pytest.fixture(scope="package")
def fitted(data):
    """Fitted models; tests must not change them."""
    X, y = data
    return {
        "vae": VAETransformer(n_components=3, hidden_layer_sizes=(8,), max_epochs=3,
                              random_state=0).fit(X),
        "gat": tiny_gat(class_weight="balanced").fit(X, y),
        "genecytnet": tiny_genecytnet().fit(X, y),
        "baseline": make_pipeline(StandardScaler(), LogisticRegression()).fit(X, y),
    }


def _model_files_script():
    """``tests/data/make_model_files.py``: the owner of the committed model files' layout."""
    path = Path(__file__).resolve().parents[1] / "data" / "make_model_files.py"
    spec = importlib.util.spec_from_file_location("make_model_files", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


#: The script that wrote the committed model files (its functions name their paths).
MODEL_FILES = _model_files_script()
