"""Model files name types by stable public names and keep loading after a class moves."""

import io
import json
import sys
import types
import zipfile

import numpy as np
import pytest
import skops.io as sio
from sklearn.feature_selection import SelectKBest, f_classif
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

import skgenecyt
from skgenecyt import load_model, save_model
from skgenecyt.nn import GATNet, VAEModule
from skgenecyt.persistence import DEFAULT_TRUSTED_TYPES, model_metadata
from skgenecyt.persistence._names import resolve

from .conftest import MODEL_FILES, tiny_genecytnet


def _payload(path):
    with zipfile.ZipFile(path) as archive:
        return archive.read("estimator.skops")


def _modules_in(node):
    """Every ``__module__`` of the nodes in a skops schema."""
    if isinstance(node, list):
        return set().union(*map(_modules_in, node)) if node else set()
    if not isinstance(node, dict):
        return set()
    found = {node["__module__"]} if isinstance(node.get("__module__"), str) else set()
    return found.union(*map(_modules_in, node.values()))


def _names_in(path):
    """Every type name a model file holds: skops' nodes and the records of nets."""
    payload = _payload(path)
    names = set(sio.get_untrusted_types(data=payload))
    loaded = sio.loads(payload, trusted=sorted(names))
    steps = [s for _, s in loaded.steps] if hasattr(loaded, "steps") else [loaded]
    for step in steps:
        net = getattr(step, "net_", None)
        if net is not None:
            names |= net.class_names()
    return names


@pytest.mark.parametrize("name", DEFAULT_TRUSTED_TYPES)
def test_stable_names_are_public_import_paths(name):
    module = name.rpartition(".")[0]
    assert not any(part.startswith("_") for part in module.split("."))
    assert callable(resolve(name))


def test_file_names_skgenecyt_types_by_public_names(fitted, tmp_path):
    path = save_model(fitted["genecytnet"], tmp_path / "m.skgenecyt")
    assert _names_in(path) == {
        "skgenecyt.GeneCytNet",
        "skgenecyt.ExpressionValidator", "skgenecyt.anova_f", "skgenecyt.VAETransformer",
        "skgenecyt.GATClassifier", "skgenecyt.FeatureGraph",
        "skgenecyt.persistence._SavedNet", "skgenecyt.persistence._SavedPandas",
        "skorch.NeuralNet", "skgenecyt.nn.VAEModule", "skgenecyt.nn.ELBOLoss",
        "skgenecyt.nn.GATNet", "torch.nn.CrossEntropyLoss", "torch.optim.AdamW",
    }
    with zipfile.ZipFile(io.BytesIO(_payload(path))) as payload:
        modules = _modules_in(json.loads(payload.read("schema.json")))
    ours = {m for m in modules if m.split(".")[0] == "skgenecyt"}
    assert ours == {"skgenecyt", "skgenecyt.persistence"}  # no private module
    assert model_metadata(path)["estimator"] == "skgenecyt.GeneCytNet"
    gat = save_model(fitted["gat"], tmp_path / "gat.skgenecyt")
    assert model_metadata(gat)["estimator"] == "skgenecyt.GATClassifier"


def test_scikit_learn_scoring_function_is_named_by_its_public_path(data, tmp_path):
    X, y = data
    model = make_pipeline(SelectKBest(f_classif, k=4), LogisticRegression()).fit(X, y)
    path = save_model(model, tmp_path / "m.skgenecyt")
    names = _names_in(path)
    assert "sklearn.feature_selection.f_classif" in names
    assert f"{f_classif.__module__}.f_classif" not in names
    loaded = load_model(path)
    assert loaded[0].score_func is f_classif
    np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))


class _Unnamed:
    """Stands for a skgenecyt class that has no stable name."""


def test_save_refuses_a_skgenecyt_type_without_a_stable_name(data, tmp_path, monkeypatch):
    X, y = data
    monkeypatch.setattr(_Unnamed, "__module__", "skgenecyt.graph._internal")
    model = LogisticRegression().fit(X, y)
    model.extra_ = _Unnamed()
    with pytest.raises(TypeError, match=r"cannot name 'skgenecyt\.graph\._internal\._Unnamed'"):
        save_model(model, tmp_path / "m.skgenecyt")
    assert not (tmp_path / "m.skgenecyt").exists()


# -- a class moving to another private module -------------------------------------------------

#: What the relocation moves: estimators, a net class, a scoring function.
MOVED = (skgenecyt.VAETransformer, skgenecyt.GATClassifier, skgenecyt.ExpressionValidator,
         skgenecyt.FeatureGraph, skgenecyt.CytokinePerturbation, skgenecyt.anova_f,
         GATNet, VAEModule)


def _relocate(monkeypatch, obj):
    """Move ``obj`` to a new private module, as a refactoring would: gone from the old one."""
    old = sys.modules[obj.__module__]
    new_name = f"{obj.__module__.rpartition('.')[0]}._relocated_{obj.__name__.lower()}"
    new = types.ModuleType(new_name)
    setattr(new, obj.__name__, obj)
    monkeypatch.setitem(sys.modules, new_name, new)
    monkeypatch.setattr(obj, "__module__", new_name)
    monkeypatch.delattr(old, obj.__name__)
    return old


@pytest.fixture
def relocated(monkeypatch):
    """Run the test with every class of MOVED defined in another private module."""
    def relocate():
        for obj in MOVED:
            old = _relocate(monkeypatch, obj)
            assert not hasattr(old, obj.__name__)  # the old path no longer leads to it

    return relocate


def test_file_loads_after_its_classes_move(data, relocated, tmp_path):
    X, y = data
    model = tiny_genecytnet().fit(X, y)
    before = save_model(model, tmp_path / "before.skgenecyt")
    expected = model.predict_proba(X)
    relocated()
    loaded = load_model(before)
    np.testing.assert_array_equal(loaded.predict_proba(X), expected)
    # Saved after the move: the same names, so the file loads as well.
    after = save_model(loaded, tmp_path / "after.skgenecyt")
    assert _names_in(after) == _names_in(before)
    np.testing.assert_array_equal(load_model(after).predict_proba(X), expected)


@pytest.mark.filterwarnings("ignore::skgenecyt.ModelVersionWarning")
@pytest.mark.parametrize("name", ["genecytnet", "cytokine_perturbation"])
def test_format_1_file_loads_after_its_classes_move(name, relocated):
    """Format 1 named the defining modules; the names are mapped, not imported."""
    relocated()
    model = load_model(MODEL_FILES.model_path(1, name))
    recorded = np.load(MODEL_FILES.output_path(1, name))
    np.testing.assert_allclose(MODEL_FILES.output(name, model, MODEL_FILES.read_input()[0]),
                               recorded, rtol=1e-5, atol=1e-7)


def test_relocation_is_visible_to_plain_skops(fitted, relocated, tmp_path):
    """The check above can fail: skops alone, naming defining modules, cannot load the move."""
    payload = sio.dumps(fitted["gat"].graph_)
    relocated()
    with pytest.raises(AttributeError, match="FeatureGraph"):
        sio.loads(payload, trusted=sio.get_untrusted_types(data=payload))
