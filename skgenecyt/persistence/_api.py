"""Saving fitted models to a file and loading them back safely.

:func:`save_model` writes a fitted estimator or pipeline to one file;
:func:`load_model` reads it back. Unlike pickle or joblib (which also work,
but run arbitrary code when a file is loaded), loading refuses any type it has
not been told to trust, so a model file received from someone else cannot
execute code on your machine.

Design
------
The file is a zip archive with two members:

``skgenecyt-model.json``
    What the file holds, readable without loading it (see
    :func:`model_metadata`): the format version, the estimator's class, the
    training feature names and count, the devices the torch networks were
    on, and the versions of skgenecyt, scikit-learn, torch, skorch, numpy and
    Python that wrote it.
``estimator.skops``
    The estimator, written with :mod:`skops.io`. skops stores every object
    as a description of its type and attributes and rebuilds it on load
    without pickle; arrays are stored with ``numpy.save`` and read back with
    ``allow_pickle=False``. Its loader refuses types that are not trusted.

skops cannot store torch objects: a skorch ``NeuralNet`` holds torch
modules, optimisers and tensors whose pickled form runs code on load. So
before writing, every skorch net inside the estimator (also deep inside a
pipeline or a search) is replaced by a plain record of how to rebuild it: the
names of its module, criterion and optimiser classes, its constructor
parameters (the fitted shapes, such as the number of genes and the graph's
edge index), the module's and criterion's ``state_dict`` as numpy arrays and
the training history. Loading rebuilds the net from that record, after
checking that each class named in it is trusted, and copies the weights in.
The weights never pass through ``torch.load``, so no pickle is involved at
all, and they are plain CPU arrays: a model fitted on a GPU loads on a
machine without one (it is then put on the CPU, with a warning). pandas
objects (a ``history_`` DataFrame, a prior graph given as a DataFrame), which
skops cannot store either, are recorded as their columns, index and values.
Training-only parts of a net (callbacks, the validation split, the optimiser's
running moments) are not stored: a loaded model predicts and transforms
exactly as the saved one did, and ``fit`` trains a new net as always.

Trusted types
-------------
skops trusts builtin containers, numpy and scipy types and scikit-learn's
estimators by default. On top of those, :data:`DEFAULT_TRUSTED_TYPES` lists
the types this package vouches for: its own estimators and graph objects, the
records that stand in for nets and pandas objects, the torch network classes
its estimators build (and the loss and optimiser they use), and
scikit-learn's univariate feature-scoring functions (``SelectKBest(f_classif)``
in :func:`~skgenecyt.make_genecytnet`). Anything else, for example your own
estimator class or a ``HistGradientBoostingClassifier`` (whose tree arrays
skops deliberately does not trust), must be named in ``trusted=[...]``; the
error lists the names to review.

Determinism on a GPU
--------------------
On the CPU, the same ``random_state`` gives bitwise identical models and
predictions, in this process or another. On a GPU some kernels (atomic adds
in scatter operations, cuBLAS reductions) are not deterministic by default.
For repeatable GPU training set the environment variable
``CUBLAS_WORKSPACE_CONFIG=:4096:8`` before starting Python, call
``torch.use_deterministic_algorithms(True)`` and keep
``torch.backends.cudnn.benchmark = False``; expect slower training, and an
error from any operation that has no deterministic implementation. Results
on a GPU and on the CPU agree to floating-point tolerance, not bitwise.
"""

from __future__ import annotations

import copy
import json
import platform
import warnings
import zipfile
from importlib import import_module
from pathlib import Path

import numpy as np
import pandas as pd
import skops.io as sio
import torch
from sklearn.utils.validation import check_is_fitted
from skorch import NeuralNet
from skorch.history import History

__all__ = [
    "DEFAULT_TRUSTED_TYPES",
    "ModelVersionWarning",
    "load_model",
    "model_metadata",
    "save_model",
]

FORMAT = "skgenecyt-model"
FORMAT_VERSION = 1
_METADATA = "skgenecyt-model.json"
_PAYLOAD = "estimator.skops"
_VERSIONED = ("skgenecyt", "scikit-learn", "torch", "skorch", "numpy")

#: Types that :func:`load_model` trusts without being told, beyond those skops
#: trusts itself (builtins, numpy, scipy and scikit-learn estimators).
DEFAULT_TRUSTED_TYPES = (
    # skgenecyt's estimators and the objects they hold
    "skgenecyt.decomposition._vae.VAETransformer",
    "skgenecyt.graph._classifier.GATClassifier",
    "skgenecyt.preprocessing._validator.ExpressionValidator",
    "skgenecyt.graph._construction.FeatureGraph",
    "skgenecyt.perturbation._transformer.CytokinePerturbation",
    "skgenecyt.perturbation._core.GeneStats",
    "skgenecyt.preprocessing._selection.anova_f",
    # the records this module writes in place of nets and pandas objects
    "skgenecyt.persistence._SavedNet",
    "skgenecyt.persistence._SavedPandas",
    # the classes a saved net is rebuilt from
    "skorch.net.NeuralNet",
    "skgenecyt.nn._vae.VAEModule",
    "skgenecyt.nn._vae.ELBOLoss",
    "skgenecyt.nn._gat.GATNet",
    "torch.nn.modules.loss.CrossEntropyLoss",
    "torch.optim.adamw.AdamW",
    # scikit-learn's univariate scoring functions (SelectKBest's score_func)
    "sklearn.feature_selection._univariate_selection.f_classif",
    "sklearn.feature_selection._univariate_selection.f_regression",
    "sklearn.feature_selection._univariate_selection.chi2",
    "sklearn.feature_selection._univariate_selection.r_regression",
    "sklearn.feature_selection._mutual_info.mutual_info_classif",
    "sklearn.feature_selection._mutual_info.mutual_info_regression",
)

# NeuralNet parameters needed to use a trained net; the training-only ones
# (callbacks, train_split, iterators, dataset) keep their defaults.
_NET_PARAMS = ("lr", "max_epochs", "batch_size", "predict_nonlinearity", "verbose",
               "iterator_train__shuffle")
_NET_PARAM_PREFIXES = ("module__", "criterion__", "optimizer__")
_NET_CLASSES = ("module", "criterion", "optimizer")
_PLAIN = (bool, int, float, str, type(None), np.bool_, np.integer, np.floating)


class ModelVersionWarning(UserWarning):
    """A model file was written by other versions of skgenecyt or its dependencies."""


# -- records standing in for what skops cannot store -------------------------------------------

class _SavedNet:
    """A skorch net as plain data: class names, parameters, weights and history."""

    @classmethod
    def from_net(cls, net):
        check_is_fitted(net, "module_")
        record = cls()
        record.net_class = _type_name(type(net))
        record.classes = {}
        record.params = {}
        record.arrays = {}  # array-valued parameters, tensors among them
        record.tensors = []
        for name, value in net.get_params(deep=False).items():
            if name in _NET_CLASSES:
                record.classes[name] = _type_name(value)
            elif _kept(name):
                if isinstance(value, torch.Tensor):
                    record.arrays[name] = _to_numpy(value, name)
                    record.tensors.append(name)
                elif isinstance(value, np.ndarray) and value.dtype != object:
                    record.arrays[name] = value
                else:
                    record.params[name] = _plain(value, name)
        record.device = str(net.device)
        record.module_state = _state_arrays(net.module_, "module")
        record.criterion_state = _state_arrays(net.criterion_, "criterion")
        record.history = [_plain(row, "history") for row in net.history]
        return record

    def class_names(self):
        return {self.net_class, *self.classes.values()}

    def rebuild(self, device):
        """A ready-to-use net on ``device`` with the saved weights."""
        classes = {name: _import_type(path) for name, path in self.classes.items()
                   if name in _NET_CLASSES}
        # Only the parameters save_model writes, whatever else a file may hold.
        params = {name: value for name, value in self.params.items() if _kept(name)}
        params.update({
            name: torch.from_numpy(np.array(a)) if name in self.tensors else a
            for name, a in self.arrays.items() if _kept(name)
        })
        net = _import_type(self.net_class)(**classes, **params, device=device, train_split=None)
        # Fresh weights are drawn before ours are copied in: keep the global RNG untouched.
        with torch.random.fork_rng(devices=[]):
            net.initialize()
        _load_state(net.module_, self.module_state, "module")
        _load_state(net.criterion_, self.criterion_state, "criterion")
        net.history_ = History(self.history)
        return net


def _kept(name):
    """Whether a NeuralNet parameter is stored (and, on load, accepted)."""
    return name in _NET_PARAMS or name.startswith(_NET_PARAM_PREFIXES)


class _SavedPandas:
    """A DataFrame, Series or Index as its values, labels and dtypes."""

    @classmethod
    def from_pandas(cls, obj):
        record = cls()
        record.kind = type(obj).__name__
        if isinstance(obj, pd.Index):
            record.index = _index_state(obj)
            return record
        record.index = _index_state(obj.index)
        if isinstance(obj, pd.Series):
            record.name = _plain(obj.name, "Series name")
            record.columns = None
            record.values = [_column_state(obj)]
        else:
            record.name = None
            record.columns = _index_state(obj.columns)
            record.values = [_column_state(obj.iloc[:, j]) for j in range(obj.shape[1])]
        return record

    def rebuild(self):
        index = _index_from_state(self.index)
        if self.kind.endswith("Index"):
            return index
        columns = [_column_from_state(state, index) for state in self.values]
        if self.kind == "Series":
            return columns[0].rename(self.name)
        frame = pd.concat(columns, axis=1) if columns else pd.DataFrame(index=index)
        frame.columns = _index_from_state(self.columns)
        return frame


def _index_state(index):
    if isinstance(index, pd.MultiIndex):
        raise TypeError("save_model cannot store a pandas MultiIndex; flatten it first.")
    if isinstance(index, pd.RangeIndex):
        return {"range": [index.start, index.stop, index.step], "name": index.name}
    return {"values": _values_array(index), "dtype": str(index.dtype), "name": index.name}


def _index_from_state(state):
    if "range" in state:
        return pd.RangeIndex(*state["range"], name=state["name"])
    return pd.Index(state["values"], name=state["name"]).astype(state["dtype"])


def _column_state(series):
    return {"values": _values_array(series), "dtype": str(series.dtype)}


def _column_from_state(state, index):
    return pd.Series(state["values"], index=index).astype(state["dtype"])


def _values_array(obj):
    values = np.asarray(obj)
    if values.dtype.kind not in "biufcUSO":  # datetimes, periods, ...: keep their text
        values = np.asarray(obj.astype(str), dtype=object)
    return values


# -- conversions ----------------------------------------------------------------------------------

def _type_name(obj):
    return f"{obj.__module__}.{obj.__qualname__}"


def _import_type(path):
    module, _, name = path.rpartition(".")
    return getattr(import_module(module), name)


def _plain(value, where):
    """``value`` if it is built from plain Python/numpy scalars, lists, tuples and dicts."""
    if isinstance(value, _PLAIN):
        return value
    if isinstance(value, list | tuple):
        return type(value)(_plain(v, where) for v in value)
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return {k: _plain(v, where) for k, v in value.items()}
    raise TypeError(
        f"save_model cannot store {where} of type {type(value).__name__}: a net's "
        "parameters and history must be numbers, strings, tensors, lists or dicts."
    )


def _to_numpy(tensor, where):
    if tensor.dtype == torch.bfloat16:
        raise TypeError(f"save_model cannot store the bfloat16 tensor {where}; use float32.")
    return tensor.detach().cpu().numpy().copy()


def _state_arrays(module, where):
    return {key: _to_numpy(t, f"{where}.{key}") for key, t in module.state_dict().items()}


def _load_state(module, arrays, where):
    state = {key: torch.from_numpy(np.array(a)) for key, a in arrays.items()}
    try:
        module.load_state_dict(state)
    except RuntimeError as exc:  # shapes or names do not match the rebuilt module
        raise ValueError(
            f"The saved {where} weights do not fit the rebuilt network: {exc}"
        ) from None


def _transform(obj, fn, memo):
    """Apply ``fn`` to every object reachable from ``obj``; copy containers that change.

    ``fn(x)`` returns a replacement for ``x`` or None to look inside it. The
    original objects are never modified: a list, tuple, dict or object whose
    contents change is copied (shallowly).
    """
    key = id(obj)
    if key in memo:
        return memo[key]
    replaced = fn(obj)
    if replaced is not None:
        memo[key] = replaced
        return replaced
    memo[key] = obj  # a cycle leads back here: keep the original
    result = obj
    if type(obj) in (list, tuple) or (isinstance(obj, tuple) and hasattr(obj, "_fields")):
        items = [_transform(item, fn, memo) for item in obj]
        if any(new is not old for new, old in zip(items, obj)):
            result = items if isinstance(obj, list) else (
                type(obj)(*items) if hasattr(obj, "_fields") else tuple(items)
            )
    elif isinstance(obj, dict):
        items = {k: _transform(v, fn, memo) for k, v in obj.items()}
        if any(items[k] is not v for k, v in obj.items()):
            result = copy.copy(obj)
            result.update(items)
    elif hasattr(obj, "__dict__") and not isinstance(obj, type) and not callable(obj):
        attrs = {k: _transform(v, fn, memo) for k, v in vars(obj).items()}
        if any(attrs[k] is not v for k, v in vars(obj).items()):
            result = copy.copy(obj)
            vars(result).update(attrs)
    memo[key] = result
    return result


def _to_records(obj):
    if isinstance(obj, NeuralNet):
        return _SavedNet.from_net(obj)
    if isinstance(obj, pd.DataFrame | pd.Series | pd.Index):
        return _SavedPandas.from_pandas(obj)
    return None


# -- public functions -----------------------------------------------------------------------------

def save_model(estimator, path, *, overwrite=False):
    """Save a fitted estimator or pipeline to a file that loads without pickle.

    The file holds the estimator (via :mod:`skops.io`), the weights of every
    torch network in it as plain arrays, the training feature names and the
    versions of skgenecyt, scikit-learn, torch, skorch and numpy. It is
    written to a temporary file first and moved into place, so an
    interrupted save leaves no half-written file, and with ``overwrite=True``
    an existing file is replaced whole or not at all. See the module
    documentation for the format.

    Parameters
    ----------
    estimator : fitted estimator or Pipeline
        Any fitted scikit-learn compatible estimator built from trusted types
        (see :data:`DEFAULT_TRUSTED_TYPES`); others need ``trusted=`` when
        loading.
    path : str or path-like
        The file to write; by convention ending in ``.skgenecyt``.
    overwrite : bool, default=False
        Replace an existing file at ``path``. By default an existing file is
        an error, so a saved model is never lost by accident.

    Returns
    -------
    path : pathlib.Path

    Raises
    ------
    sklearn.exceptions.NotFittedError
        If the estimator is not fitted.
    FileExistsError
        If ``path`` exists and ``overwrite`` is False.
    IsADirectoryError
        If ``path`` is a folder.
    TypeError
        If it holds an object that cannot be stored safely.

    See Also
    --------
    load_model : Read the file back.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import numpy as np
    >>> from skgenecyt import GATClassifier, load_model, save_model
    >>> rng = np.random.default_rng(0)
    >>> X, y = rng.normal(size=(30, 4)), np.repeat([0, 1], 15)
    >>> clf = GATClassifier(max_epochs=2, early_stopping=False, random_state=0).fit(X, y)
    >>> path = save_model(clf, pathlib.Path(tempfile.mkdtemp()) / "clf.skgenecyt")
    >>> same = load_model(path)
    >>> bool((same.predict_proba(X) == clf.predict_proba(X)).all())
    True
    """
    check_is_fitted(estimator)
    path = Path(path)
    if path.is_dir():
        raise IsADirectoryError(
            f"{str(path)!r} is a folder; give the model file's name, e.g. "
            f"{str(path / 'model.skgenecyt')!r}."
        )
    if path.exists() and not overwrite:
        raise FileExistsError(
            f"{str(path)!r} exists; pass overwrite=True to replace it, or choose another name."
        )
    nets = []

    def records(obj):
        record = _to_records(obj)
        if isinstance(record, _SavedNet):
            nets.append(record)
        return record

    payload = sio.dumps(_transform(estimator, records, {}),
                        compression=zipfile.ZIP_DEFLATED)
    metadata = _metadata(estimator, nets)

    def write(tmp):
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_STORED) as archive:
            archive.writestr(_METADATA, json.dumps(metadata, indent=2))
            archive.writestr(_PAYLOAD, payload)

    from skgenecyt.report._io import atomic_write

    return atomic_write(path, write)


def _metadata(estimator, nets):
    names = getattr(estimator, "feature_names_in_", None)
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "estimator": _type_name(type(estimator)),
        "n_features_in": _n_features(estimator),
        "feature_names_in": None if names is None else [str(n) for n in names],
        "devices": sorted({net.device for net in nets}),
        "versions": {**_versions(), "python": platform.python_version()},
    }


def _n_features(estimator):
    try:
        return int(estimator.n_features_in_)
    except AttributeError:
        return None


def _versions():
    from importlib.metadata import PackageNotFoundError, version

    found = {}
    for name in _VERSIONED:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = None
    if found["skgenecyt"] is None:  # a source tree that is not installed
        from skgenecyt import __version__

        found["skgenecyt"] = __version__
    return found


def model_metadata(path):
    """What a model file written by :func:`save_model` holds, without loading it.

    Parameters
    ----------
    path : str or path-like

    Returns
    -------
    metadata : dict
        ``format``, ``format_version``, ``estimator`` (class path),
        ``n_features_in``, ``feature_names_in`` (list or None), ``devices``
        (where its torch networks were) and ``versions`` (skgenecyt,
        scikit-learn, torch, skorch, numpy and Python that wrote it).

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    ValueError
        If it is not a model file written by :func:`save_model`.
    """
    metadata, _ = _read(path, payload=False)
    return metadata


def _read(path, payload=True):
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"Model file not found: {str(path)!r}.")
    not_ours = (
        f"{str(path)!r} is not a skgenecyt model file (one written by "
        "skgenecyt.save_model). A pickle or joblib file is read with joblib.load, "
        "which runs code from the file: only do that for files you trust."
    )
    try:
        with zipfile.ZipFile(path) as archive:
            metadata = json.loads(archive.read(_METADATA))
            data = archive.read(_PAYLOAD) if payload else None
    except (zipfile.BadZipFile, KeyError, json.JSONDecodeError, UnicodeDecodeError):
        raise ValueError(not_ours) from None
    if not isinstance(metadata, dict) or metadata.get("format") != FORMAT:
        raise ValueError(not_ours)
    if metadata.get("format_version", 0) > FORMAT_VERSION:
        raise ValueError(
            f"{str(path)!r} uses model file format {metadata['format_version']}, newer than "
            f"this skgenecyt reads ({FORMAT_VERSION}); upgrade skgenecyt."
        )
    return metadata, data


def load_model(path, trusted=None, *, device=None):
    """Load a model written by :func:`save_model`, refusing untrusted types.

    Only types that skops trusts by default, those in
    :data:`DEFAULT_TRUSTED_TYPES` and those named in ``trusted`` may occur
    in the file; no code from the file is run.

    Parameters
    ----------
    path : str or path-like
        The model file.
    trusted : list of str or type, default=None
        Further types to trust, by full name (as the error for an untrusted
        file lists them) or as the types themselves. Review them first: a
        trusted type is instantiated from the file's data.
    device : str, default=None
        Where to put the torch networks, e.g. ``"cpu"`` or ``"cuda"``. None
        keeps the device they were saved from when it is available here and
        uses the CPU otherwise (with a warning). The estimators' ``device``
        parameter is set to match.

    Returns
    -------
    estimator
        The fitted estimator, predicting exactly as the saved one did (on the
        same device).

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    ValueError
        If it is not a model file written by :func:`save_model`.
    TypeError
        If the file holds types that are not trusted (the message lists
        them), or ``trusted`` is not a list.

    Warns
    -----
    ModelVersionWarning
        When the file was written with other versions of skgenecyt,
        scikit-learn, torch or skorch.
    UserWarning
        When a network saved from a GPU is put on the CPU.

    See Also
    --------
    save_model : Write a model file.
    model_metadata : Read a model file's versions and feature names only.
    """
    trusted_names = set(DEFAULT_TRUSTED_TYPES) | _trusted_names(trusted)
    if device is not None and not isinstance(device, str | torch.device):
        raise TypeError(f"device must be a string such as 'cpu' or 'cuda'; got {device!r}.")
    metadata, data = _read(path)
    _warn_versions(path, metadata.get("versions", {}))
    untrusted = set(sio.get_untrusted_types(data=data)) - trusted_names
    _refuse_untrusted(path, untrusted)
    loaded = sio.loads(data, trusted=sorted(trusted_names))
    _refuse_untrusted(path, _net_classes(loaded) - trusted_names)
    estimator = _transform(loaded, _rebuilder(device), {})
    _transform(estimator, _sync_devices, {})
    return estimator


def _trusted_names(trusted):
    if trusted is None:
        return set()
    if isinstance(trusted, str | bool) or not isinstance(trusted, list | tuple | set):
        raise TypeError(
            "trusted must be a list of type names (or types) to trust in addition to the "
            f"defaults; got {trusted!r}."
        )
    names = set()
    for item in trusted:
        if isinstance(item, type):
            names.add(_type_name(item))
        elif isinstance(item, str):
            names.add(item)
        else:
            raise TypeError(f"trusted holds {item!r}, which is neither a type nor a type name.")
    return names


def _refuse_untrusted(path, untrusted):
    if not untrusted:
        return
    # skops' own exception type, with its notes on types it knows to be risky.
    error = sio.exceptions.UntrustedTypesFoundException(untrusted)
    notes = error.args[0].partition("\n\n")[2]
    listed = ", ".join(repr(name) for name in sorted(untrusted))
    error.args = (
        f"{str(path)!r} holds types that are not trusted: {listed}. Review them and, if you "
        "trust the file's source, pass trusted=[...] with these names to load_model."
        + (f"\n\n{notes}" if notes else ""),
    )
    raise error


def _net_classes(loaded):
    names = set()

    def collect(obj):
        if isinstance(obj, _SavedNet):
            names.update(obj.class_names())
            return obj
        return None

    _transform(loaded, collect, {})
    return names


def _rebuilder(device):
    def rebuild(obj):
        if isinstance(obj, _SavedPandas):
            return obj.rebuild()
        if isinstance(obj, _SavedNet):
            return obj.rebuild(_target_device(obj.device, device))
        return None

    return rebuild


def _sync_devices(obj):
    """Set an estimator's ``device`` parameter to where its rebuilt net now is."""
    net = getattr(obj, "net_", None) if hasattr(obj, "__dict__") else None
    if isinstance(net, NeuralNet) and isinstance(vars(obj).get("device"), str):
        obj.device = str(net.device)
    return None


def _target_device(saved, requested):
    if requested is not None:
        return str(requested)
    if saved.startswith("cuda") and not torch.cuda.is_available():
        warnings.warn(
            f"The model's network was saved from device {saved!r}, which is not available "
            "here; it was loaded on the CPU (pass device=... to choose).",
            UserWarning,
            stacklevel=5,
        )
        return "cpu"
    return saved


def _warn_versions(path, saved):
    current = _versions()
    differing = [
        f"{name} {saved.get(name)} (now {current[name]})"
        for name in ("skgenecyt", "scikit-learn", "torch", "skorch")
        if saved.get(name) != current[name]
    ]
    if differing:
        warnings.warn(
            f"{str(path)!r} was saved with other versions: {', '.join(differing)}. "
            "Check its predictions on data with known results before relying on them.",
            ModelVersionWarning,
            stacklevel=3,
        )
