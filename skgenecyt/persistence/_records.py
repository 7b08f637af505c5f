"""Records standing in for what skops cannot store: skorch nets and pandas objects.

A skorch ``NeuralNet`` holds torch modules, optimisers and tensors whose
pickled form runs code on load, so :class:`SavedNet` keeps it as plain data:
the stable names of its module, criterion and optimiser classes, its
constructor parameters, the ``state_dict`` of its module and criterion as
numpy arrays, and its training history. :class:`SavedPandas` keeps a
DataFrame, Series or Index as its values, labels and dtypes. Both rebuild the
original object on load; the weights never pass through ``torch.load``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import torch
from sklearn.utils.validation import check_is_fitted
from skorch import NeuralNet
from skorch.history import History

from ._names import name_of, resolve

# NeuralNet parameters needed to use a trained net; the training-only ones
# (callbacks, train_split, iterators, dataset) keep their defaults.
_NET_PARAMS = ("lr", "max_epochs", "batch_size", "predict_nonlinearity", "verbose",
               "iterator_train__shuffle")
_NET_PARAM_PREFIXES = ("module__", "criterion__", "optimizer__")
_NET_CLASSES = ("module", "criterion", "optimizer")
_PLAIN = (bool, int, float, str, type(None), np.bool_, np.integer, np.floating)


class SavedNet:
    """A skorch net as plain data: class names, parameters, weights and history."""

    @classmethod
    def from_net(cls, net):
        check_is_fitted(net, "module_")
        record = cls()
        record.net_class = name_of(type(net))
        record.classes = {}
        record.params = {}
        record.arrays = {}  # array-valued parameters, tensors among them
        record.tensors = []
        for name, value in net.get_params(deep=False).items():
            if name in _NET_CLASSES:
                record.classes[name] = name_of(value)
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
        """The names of the classes the net is rebuilt from (to check they are trusted)."""
        return {self.net_class, *self.classes.values()}

    def rename_classes(self, rename):
        """Rename the classes by ``rename`` (names an older format wrote -> stable names)."""
        self.net_class = rename.get(self.net_class, self.net_class)
        self.classes = {key: rename.get(name, name) for key, name in self.classes.items()}

    def rebuild(self, device):
        """A ready-to-use net on ``device`` with the saved weights."""
        classes = {name: resolve(path) for name, path in self.classes.items()
                   if name in _NET_CLASSES}
        # Only the parameters save_model writes, whatever else a file may hold.
        params = {name: value for name, value in self.params.items() if _kept(name)}
        params.update({
            name: torch.from_numpy(np.array(a)) if name in self.tensors else a
            for name, a in self.arrays.items() if _kept(name)
        })
        net = resolve(self.net_class)(**classes, **params, device=device, train_split=None)
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


class SavedPandas:
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


# -- the walker's functions: to records and back ----------------------------------------------

def to_record(obj):
    """The record standing in for ``obj``, or None if skops stores it as it is."""
    if isinstance(obj, NeuralNet):
        return SavedNet.from_net(obj)
    if isinstance(obj, pd.DataFrame | pd.Series | pd.Index):
        return SavedPandas.from_pandas(obj)
    return None


def from_record(device):
    """A function rebuilding a record's object (nets on ``device``), None for others."""
    def rebuild(obj):
        if isinstance(obj, SavedPandas):
            return obj.rebuild()
        if isinstance(obj, SavedNet):
            return obj.rebuild(target_device(obj.device, device))
        return None

    return rebuild


def unavailable(device):
    """Whether a net saved on ``device`` cannot be put there on this machine."""
    return device.startswith("cuda") and not torch.cuda.is_available()


def target_device(saved, requested):
    """Where a net saved on ``saved`` goes: ``requested``, else ``saved`` if here, else CPU."""
    if requested is not None:
        return str(requested)
    return "cpu" if unavailable(saved) else saved
