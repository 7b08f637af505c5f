"""The model file: a zip archive of a metadata document and a skops payload, and its versions.

``skgenecyt-model.json``
    What the file holds, readable without loading it: the format and its
    version, the estimator's class, the training feature names and count, the
    devices of its torch networks and the versions of skgenecyt,
    scikit-learn, torch, skorch, numpy and Python that wrote it.
``estimator.skops``
    The estimator, written with :mod:`skops.io`.

Format versions:

1. The first format: skops payload naming every type by its defining module.
2. skgenecyt's types named by their stable, public names (see
   :mod:`skgenecyt.persistence._names`); otherwise as format 1.

A file of an older version is read by mapping its names to stable names;
a file of a newer version is refused with an error naming both versions.
"""

from __future__ import annotations

import json
import platform
import warnings
import zipfile
from pathlib import Path

FORMAT = "skgenecyt-model"
#: The format version :func:`~skgenecyt.save_model` writes.
FORMAT_VERSION = 2
#: The oldest format version :func:`~skgenecyt.load_model` reads.
OLDEST_FORMAT_VERSION = 1

_METADATA = "skgenecyt-model.json"
_PAYLOAD = "estimator.skops"
_VERSIONED = ("skgenecyt", "scikit-learn", "torch", "skorch", "numpy")
_CHECKED = ("skgenecyt", "scikit-learn", "torch", "skorch")  # a difference warns


class ModelVersionWarning(UserWarning):
    """A model file was written by other versions of skgenecyt or its dependencies."""


def describe(estimator, estimator_name, devices):
    """The metadata document of a model file holding ``estimator``."""
    names = getattr(estimator, "feature_names_in_", None)
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "estimator": estimator_name,
        "n_features_in": _n_features(estimator),
        "feature_names_in": None if names is None else [str(n) for n in names],
        "devices": sorted(devices),
        "versions": {**versions(), "python": platform.python_version()},
    }


def _n_features(estimator):
    try:
        return int(estimator.n_features_in_)
    except AttributeError:
        return None


def versions():
    """The installed versions of skgenecyt and the libraries a model depends on."""
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


def write_archive(path, metadata, payload):
    """Write a model file to ``path`` (not atomically: see :func:`save_model`)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr(_METADATA, json.dumps(metadata, indent=2))
        archive.writestr(_PAYLOAD, payload)


def read_archive(path, payload=True):
    """``(metadata, payload bytes or None)`` of a model file whose version this code reads."""
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
    _check_format_version(path, metadata)
    return metadata, data


def _check_format_version(path, metadata):
    version = metadata.get("format_version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise ValueError(f"{str(path)!r} has no valid format_version ({version!r}); it was not "
                         "written by skgenecyt.save_model, or it was changed since.")
    writer = (metadata.get("versions") or {}).get("skgenecyt")
    by = f" (written by skgenecyt {writer})" if isinstance(writer, str) else ""
    if version > FORMAT_VERSION:
        raise ValueError(
            f"{str(path)!r} uses model file format {version}{by}, newer than this "
            f"skgenecyt reads (format {FORMAT_VERSION}, and older ones down to "
            f"{OLDEST_FORMAT_VERSION}); upgrade skgenecyt to load it."
        )
    if version < OLDEST_FORMAT_VERSION:
        raise ValueError(
            f"{str(path)!r} uses model file format {version}{by}, older than this skgenecyt "
            f"reads (formats {OLDEST_FORMAT_VERSION} to {FORMAT_VERSION})."
        )


def warn_versions(path, saved, stacklevel):
    """Warn with :class:`ModelVersionWarning` when the file was written by other versions."""
    current = versions()
    differing = [
        f"{name} {saved.get(name)} (now {current[name]})"
        for name in _CHECKED
        if saved.get(name) != current[name]
    ]
    if differing:
        warnings.warn(
            f"{str(path)!r} was saved with other versions: {', '.join(differing)}. "
            "Check its predictions on data with known results before relying on them.",
            ModelVersionWarning,
            stacklevel=stacklevel + 1,
        )
