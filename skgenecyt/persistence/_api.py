"""save_model, load_model and model_metadata: the three entry points of persistence."""

from __future__ import annotations

import os
import warnings
import zipfile
from pathlib import Path

import skops.io as sio
import torch
from sklearn.utils.validation import check_is_fitted
from skorch import NeuralNet

from skgenecyt._files import atomic_write
from skgenecyt._sklearn_compat import HasMethods, validate_params

from ._format import describe, read_archive, warn_versions, write_archive
from ._names import name_of, older_names, rename_types, stable_names, unstable_names
from ._records import SavedNet, from_record, to_record, unavailable
from ._trust import DEFAULT_TRUSTED_TYPES, refuse_untrusted, trusted_names
from ._walk import transform, visit


@validate_params(
    {"estimator": [HasMethods(["get_params"])], "path": [str, os.PathLike],
     "overwrite": ["boolean"]},
    prefer_skip_nested_validation=True,
)
def save_model(estimator, path, *, overwrite=False):
    """Save a fitted estimator or pipeline to a file that loads without pickle.

    The file holds the estimator (via :mod:`skops.io`), the weights of every
    torch network in it as plain arrays, the training feature names and the
    versions of skgenecyt, scikit-learn, torch, skorch and numpy. It names
    skgenecyt's types by their public names (``skgenecyt.VAETransformer``),
    so it keeps loading in later releases that reorganise the package's
    private modules. It is written to a temporary file first and moved into
    place, so an interrupted save leaves no half-written file, and with
    ``overwrite=True`` an existing file is replaced whole or not at all. See
    :mod:`skgenecyt.persistence` for the format.

    Parameters
    ----------
    estimator : fitted estimator or Pipeline
        Any fitted scikit-learn compatible estimator built from trusted types
        (see :data:`~skgenecyt.persistence.DEFAULT_TRUSTED_TYPES`); others
        need ``trusted=`` when loading.
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
        record = to_record(obj)
        if isinstance(record, SavedNet):
            nets.append(record)
        return record

    payload = sio.dumps(transform(estimator, records), compression=zipfile.ZIP_DEFLATED)
    payload = rename_types(payload, stable_names())
    names = set(sio.get_untrusted_types(data=payload))
    for net in nets:
        names |= net.class_names()
    if unstable := unstable_names(names):
        raise TypeError(
            f"save_model cannot name {', '.join(map(repr, unstable))} in a model file: it is "
            "not among the types with a stable name (skgenecyt.persistence."
            "DEFAULT_TRUSTED_TYPES)."
        )
    metadata = describe(estimator, name_of(type(estimator)), {net.device for net in nets})

    return atomic_write(path, lambda tmp: write_archive(tmp, metadata, payload))


def model_metadata(path):
    """What a model file written by :func:`save_model` holds, without loading it.

    Parameters
    ----------
    path : str or path-like

    Returns
    -------
    metadata : dict
        ``format``, ``format_version``, ``estimator`` (the class's name),
        ``n_features_in``, ``feature_names_in`` (list or None), ``devices``
        (where its torch networks were) and ``versions`` (skgenecyt,
        scikit-learn, torch, skorch, numpy and Python that wrote it).

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    ValueError
        If it is not a model file written by :func:`save_model`, or one of a
        newer format than this version of skgenecyt reads.
    """
    metadata, _ = read_archive(path, payload=False)
    return metadata


@validate_params(
    {"path": [str, os.PathLike],
     "trusted": "no_validation",  # types or names: trusted_names says what is wrong
     "device": [str, torch.device, None]},
    prefer_skip_nested_validation=True,
)
def load_model(path, trusted=None, *, device=None):
    """Load a model written by :func:`save_model`, refusing untrusted types.

    Only types that skops trusts by default, those in
    :data:`~skgenecyt.persistence.DEFAULT_TRUSTED_TYPES` and those named in
    ``trusted`` may occur in the file; no code from the file is run. Files
    written by earlier releases load too (their format version is older).

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
        If it is not a model file written by :func:`save_model`, or one of a
        newer format than this version of skgenecyt reads (the message names
        both format versions).
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
    trusted_here = set(DEFAULT_TRUSTED_TYPES) | trusted_names(trusted, name_of)
    metadata, payload = read_archive(path)
    warn_versions(path, metadata.get("versions") or {}, stacklevel=2)
    rename = older_names(metadata["format_version"])
    payload = rename_types(payload, rename)
    refuse_untrusted(path, set(sio.get_untrusted_types(data=payload)) - trusted_here)
    loaded = sio.loads(payload, trusted=sorted(trusted_here))
    nets = _saved_nets(loaded)
    for net in nets:
        net.rename_classes(rename)
    refuse_untrusted(path, set().union(*(net.class_names() for net in nets)) - trusted_here)
    if device is None and (lost := sorted({n.device for n in nets if unavailable(n.device)})):
        warnings.warn(
            f"The model's networks were saved from device {', '.join(map(repr, lost))}, which "
            "is not available here; they were loaded on the CPU (pass device=... to choose).",
            UserWarning,
            stacklevel=2,
        )
    estimator = transform(loaded, from_record(device))
    visit(estimator, _sync_device)
    return estimator


def _saved_nets(loaded):
    nets = []

    def collect(obj):
        if isinstance(obj, SavedNet):
            nets.append(obj)
            return True
        return False

    visit(loaded, collect)
    return nets


def _sync_device(obj):
    """Set an estimator's ``device`` parameter to where its rebuilt net now is."""
    net = getattr(obj, "net_", None) if hasattr(obj, "__dict__") else None
    if isinstance(net, NeuralNet) and isinstance(vars(obj).get("device"), str):
        obj.device = str(net.device)
    return False
