"""save_model / load_model: identical predictions, safe loading, clear errors; pickle too."""

import json
import pickle
import warnings
import zipfile
from importlib.metadata import version

import joblib
import numpy as np
import pandas as pd
import pytest
import skops.io as sio
import torch
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression

from skgenecyt import (
    GATClassifier,
    ModelVersionWarning,
    VAETransformer,
    load_model,
    make_genecytnet,
    save_model,
)
from skgenecyt.persistence import FORMAT_VERSION, OLDEST_FORMAT_VERSION, model_metadata
from skgenecyt.persistence._names import rename_types, stable_names

from .conftest import GENES, tiny_gat


def _output(name, model, X):
    return model.transform(X) if name == "vae" else model.predict_proba(X)


@pytest.mark.parametrize("name", ["vae", "gat", "genecytnet", "baseline"])
def test_round_trip_gives_identical_output(name, fitted, data, tmp_path):
    X, _ = data
    model = fitted[name]
    path = save_model(model, tmp_path / "model.skgenecyt")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # same versions, same device: no warning
        loaded = load_model(path)
    assert type(loaded) is type(model)
    expected, got = _output(name, model, X), _output(name, loaded, X)
    assert got.dtype == expected.dtype
    assert got.tobytes() == expected.tobytes()


@pytest.mark.parametrize(("dump", "load"), [
    (pickle.dump, pickle.load),
    (joblib.dump, joblib.load),
], ids=["pickle", "joblib"])
def test_pickle_and_joblib_round_trip(dump, load, fitted, data, tmp_path):
    X, _ = data
    model = fitted["genecytnet"]
    path = tmp_path / "model.bin"
    if dump is pickle.dump:
        with open(path, "wb") as f:
            dump(model, f)
        with open(path, "rb") as f:
            loaded = load(f)
    else:
        dump(model, path)
        loaded = load(path)
    assert loaded.predict_proba(X).tobytes() == model.predict_proba(X).tobytes()


def test_loaded_model_keeps_fitted_state(fitted, tmp_path):
    model = fitted["gat"]
    loaded = load_model(save_model(model, tmp_path / "gat.skgenecyt"))
    pd.testing.assert_frame_equal(loaded.history_, model.history_)
    assert list(loaded.feature_names_in_) == GENES
    np.testing.assert_array_equal(loaded.graph_.edge_index, model.graph_.edge_index)
    np.testing.assert_array_equal(loaded.class_weight_, model.class_weight_)
    assert len(loaded.net_.history) == len(model.net_.history)
    pd.testing.assert_frame_equal(loaded.attention(), model.attention())
    assert loaded.get_params() == model.get_params()


def test_prior_graph_dataframe_parameter_survives(data, tmp_path):
    X, y = data
    edges = pd.DataFrame({"source": GENES[:-1], "target": GENES[1:]})
    model = tiny_gat(graph=edges).fit(X, y)
    loaded = load_model(save_model(model, tmp_path / "prior.skgenecyt"))
    pd.testing.assert_frame_equal(loaded.graph, edges)
    assert loaded.predict_proba(X).tobytes() == model.predict_proba(X).tobytes()


def test_file_records_versions_and_feature_names(fitted, tmp_path):
    path = save_model(fitted["genecytnet"], tmp_path / "m.skgenecyt")
    meta = model_metadata(path)
    assert meta["estimator"] == "skgenecyt.GeneCytNet"
    assert meta["feature_names_in"] == GENES
    assert meta["n_features_in"] == len(GENES)
    assert meta["devices"] == ["cpu"]
    # the installed distribution's version: PyPI's torch wheels add "+cu121" and the
    # like to torch.__version__ only
    assert meta["versions"]["torch"] == version("torch")
    assert {"skgenecyt", "scikit-learn", "skorch", "numpy"} <= set(meta["versions"])


def _rewrite(path, metadata=None, payload=None):
    """Rewrite a model file with changed metadata or payload (as another writer would)."""
    with zipfile.ZipFile(path) as archive:
        meta = json.loads(archive.read("skgenecyt-model.json"))
        data = archive.read("estimator.skops")
    meta.update(metadata or {})
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("skgenecyt-model.json", json.dumps(meta))
        archive.writestr("estimator.skops", data if payload is None else payload(data))


def test_other_skgenecyt_version_warns(fitted, data, tmp_path):
    path = save_model(fitted["gat"], tmp_path / "old.skgenecyt")
    versions = model_metadata(path)["versions"]
    _rewrite(path, {"versions": {**versions, "skgenecyt": "0.0.1"}})
    with pytest.warns(ModelVersionWarning, match=r"skgenecyt 0\.0\.1 \(now "):
        loaded = load_model(path)
    assert loaded.predict_proba(data[0]).tobytes() == fitted["gat"].predict_proba(data[0]).tobytes()


def test_model_saved_from_gpu_loads_on_cpu(data, tmp_path):
    """A net recorded as on CUDA is put on the CPU here, and the estimator follows."""
    X, y = data
    model = tiny_gat().fit(X, y)
    expected = model.predict_proba(X)
    # What a GPU fit leaves behind: device="cuda" on the estimator and its net.
    # The weights are written as CPU arrays whatever their device.
    model.device = model.net_.device = "cuda"
    path = save_model(model, tmp_path / "gpu.skgenecyt")
    assert model_metadata(path)["devices"] == ["cuda"]
    if torch.cuda.is_available():
        loaded = load_model(path, device="cpu")
    else:
        with pytest.warns(UserWarning, match="'cuda', which is not available here"):
            loaded = load_model(path)
    assert loaded.device == "cpu"
    assert loaded.net_.device == "cpu"
    np.testing.assert_allclose(loaded.predict_proba(X), expected, rtol=0, atol=0)


def test_loading_leaves_global_rng_alone(fitted, tmp_path):
    path = save_model(fitted["gat"], tmp_path / "gat.skgenecyt")
    state = torch.random.get_rng_state()
    load_model(path)
    assert torch.equal(torch.random.get_rng_state(), state)


class _HomeMadeClassifier(ClassifierMixin, BaseEstimator):
    def fit(self, X, y):
        self.classes_ = np.unique(y)
        return self

    def predict(self, X):
        return np.full(len(X), self.classes_[0])


def test_unknown_type_needs_trust(data, tmp_path):
    X, y = data
    path = save_model(_HomeMadeClassifier().fit(X, y), tmp_path / "own.skgenecyt")
    name = f"{__name__}._HomeMadeClassifier"
    with pytest.raises(TypeError, match=rf"not trusted: '{name}'.*trusted=\[\.\.\.\]"):
        load_model(path)
    assert load_model(path, trusted=[name]).classes_.tolist() == [0, 1]
    assert load_model(path, trusted=[_HomeMadeClassifier]).classes_.tolist() == [0, 1]


def test_tampered_net_class_is_refused(fitted, tmp_path):
    """A file naming an untrusted class for a net is refused before anything is built."""
    path = save_model(fitted["gat"], tmp_path / "gat.skgenecyt")

    def swap_module_class(data):
        trusted = sio.get_untrusted_types(data=data)
        model = sio.loads(data, trusted=trusted)
        model.net_.classes["module"] = "os.system"
        return rename_types(sio.dumps(model), stable_names())  # as save_model names types

    _rewrite(path, payload=swap_module_class)
    with pytest.raises(TypeError, match=r"not trusted: 'os\.system'"):
        load_model(path)


@pytest.mark.parametrize(("content", "match"), [
    (None, "Model file not found"),
    (b"just some text", "is not a skgenecyt model file"),
    ("zip-without-metadata", "is not a skgenecyt model file"),
    ("joblib", "is not a skgenecyt model file.*joblib.load"),
])
def test_load_errors(content, match, tmp_path):
    path = tmp_path / "model.skgenecyt"
    if content == "zip-without-metadata":
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("other.txt", "x")
    elif content == "joblib":
        joblib.dump(LogisticRegression(), path)
    elif content is not None:
        path.write_bytes(content)
    error = FileNotFoundError if content is None else ValueError
    with pytest.raises(error, match=match):
        load_model(path)


def test_newer_format_is_refused_naming_both_versions(fitted, tmp_path):
    path = save_model(fitted["baseline"], tmp_path / "m.skgenecyt")
    _rewrite(path, {"format_version": 99})
    message = (rf"format 99 \(written by skgenecyt .+\), newer than this skgenecyt reads "
               rf"\(format {FORMAT_VERSION}, and older ones down to {OLDEST_FORMAT_VERSION}\)")
    with pytest.raises(ValueError, match=message):
        load_model(path)
    with pytest.raises(ValueError, match=message):
        model_metadata(path)


@pytest.mark.parametrize(("version", "match"), [
    (0, rf"format 0 .*older than this skgenecyt reads \(formats 1 to {FORMAT_VERSION}\)"),
    ("2", r"no valid format_version \('2'\)"),
    (None, r"no valid format_version \(None\)"),
])
def test_unknown_format_version_is_refused(version, match, fitted, tmp_path):
    path = save_model(fitted["baseline"], tmp_path / "m.skgenecyt")
    _rewrite(path, {"format_version": version})
    with pytest.raises(ValueError, match=match):
        load_model(path)


@pytest.mark.parametrize("trusted", [True, "sklearn.foo.Bar", [1]])
def test_trusted_must_be_a_list_of_names(trusted, fitted, tmp_path):
    path = save_model(fitted["baseline"], tmp_path / "m.skgenecyt")
    with pytest.raises(TypeError, match="trusted"):
        load_model(path, trusted=trusted)


@pytest.mark.parametrize("model", [
    VAETransformer(), GATClassifier(), make_genecytnet(), LogisticRegression(),
], ids=["vae", "gat", "genecytnet", "baseline"])
def test_unfitted_estimator_is_refused(model, tmp_path):
    with pytest.raises(NotFittedError, match="not fitted"):
        save_model(model, tmp_path / "m.skgenecyt")
    assert not (tmp_path / "m.skgenecyt").exists()


def test_save_refuses_to_overwrite_by_default(fitted, tmp_path):
    path = save_model(fitted["baseline"], tmp_path / "m.skgenecyt")
    before = path.read_bytes()
    with pytest.raises(FileExistsError, match="pass overwrite=True"):
        save_model(fitted["gat"], path)
    assert path.read_bytes() == before
    with pytest.raises(IsADirectoryError, match="is a folder"):
        save_model(fitted["gat"], tmp_path)


def test_save_replaces_a_file_whole(fitted, data, tmp_path):
    path = tmp_path / "m.skgenecyt"
    save_model(fitted["baseline"], path)
    save_model(fitted["gat"], path, overwrite=True)
    assert isinstance(load_model(path), GATClassifier)
    assert [p.name for p in tmp_path.iterdir()] == ["m.skgenecyt"]  # no temporary left
