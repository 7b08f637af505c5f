"""Stable names: what a model file calls the types it holds.

skops names a type by the module that defines it, such as
``skgenecyt.decomposition._vae.VAETransformer``: a private module, which a
later release may split or rename. A model file instead calls each type of
:data:`~skgenecyt.persistence.DEFAULT_TRUSTED_TYPES` by its stable name, the
public path it is imported from (``skgenecyt.VAETransformer``,
``sklearn.feature_selection.f_classif``). :func:`save_model` rewrites the
names skops wrote (in its payload's ``schema.json``, where every type is a
node with a ``__module__`` and a ``__class__``), and the records of nets name
their classes the same way. A stable name is an import path, so loading
needs no table: skops imports ``VAETransformer`` from ``skgenecyt``, wherever
it is defined by then. Which private module defines a type is looked up from
the object itself when a file is written, never written down here.

Format 1 wrote the defining modules. :data:`FORMAT_1_NAMES` records the
names it gave skgenecyt's types; they are rewritten to stable names when such
a file is read, so format-1 files keep loading after those classes move.
Those spellings are history, never imported.
"""

from __future__ import annotations

import io
import json
import zipfile
from importlib import import_module

from ._trust import DEFAULT_TRUSTED_TYPES

_SCHEMA = "schema.json"  # the skops payload's description of every object

#: The names format-1 files gave skgenecyt's types -> their stable names.
FORMAT_1_NAMES = {
    "skgenecyt.decomposition._vae.VAETransformer": "skgenecyt.VAETransformer",
    "skgenecyt.graph._classifier.GATClassifier": "skgenecyt.GATClassifier",
    "skgenecyt.preprocessing._validator.ExpressionValidator": "skgenecyt.ExpressionValidator",
    "skgenecyt.graph._construction.FeatureGraph": "skgenecyt.FeatureGraph",
    "skgenecyt.perturbation._transformer.CytokinePerturbation": "skgenecyt.CytokinePerturbation",
    "skgenecyt.preprocessing._selection.anova_f": "skgenecyt.anova_f",
    "skgenecyt.nn._vae.VAEModule": "skgenecyt.nn.VAEModule",
    "skgenecyt.nn._vae.ELBOLoss": "skgenecyt.nn.ELBOLoss",
    "skgenecyt.nn._gat.GATNet": "skgenecyt.nn.GATNet",
}


def resolve(name):
    """The object at the import path ``name``, e.g. ``"skgenecyt.VAETransformer"``.

    Only called with trusted names: importing a module runs its code.
    """
    module, _, attribute = name.rpartition(".")
    return getattr(import_module(module), attribute)


def defined_at(obj):
    """Where a class or function is defined, as skops names it: ``module.name``."""
    return f"{obj.__module__}.{obj.__name__}"


def stable_names():
    """``{defined_at(obj): stable name}`` for every type in DEFAULT_TRUSTED_TYPES.

    Looked up anew on each call: where a type is defined is a fact about the
    running code, not about any file.
    """
    return {defined_at(resolve(name)): name for name in DEFAULT_TRUSTED_TYPES}


def name_of(obj):
    """The name a model file uses for a class or function: stable if it has one."""
    where = defined_at(obj)
    return stable_names().get(where, where)


def unstable_names(names):
    """The skgenecyt names among ``names`` that are not stable (private module paths)."""
    stable = set(DEFAULT_TRUSTED_TYPES)
    return sorted(n for n in names if n.startswith("skgenecyt.") and n not in stable)


def older_names(format_version):
    """``{name: stable name}`` for the names files of an older format use."""
    if format_version == 1:
        return {**stable_names(), **FORMAT_1_NAMES}
    return {}


def rename_types(payload, rename):
    """The skops payload with every type named by a key of ``rename`` renamed."""
    if not rename:
        return payload
    with zipfile.ZipFile(io.BytesIO(payload)) as source:
        members = [(info, source.read(info)) for info in source.infolist()]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info, data in members:
            if info.filename == _SCHEMA:
                schema = json.loads(data)
                _rename_nodes(schema, rename)
                data = json.dumps(schema)
            target.writestr(info, data)
    return out.getvalue()


def _rename_nodes(node, rename):
    if isinstance(node, list):
        for item in node:
            _rename_nodes(item, rename)
    elif isinstance(node, dict):
        if "__loader__" in node and isinstance(node.get("__module__"), str):
            new = rename.get(f"{node['__module__']}.{node.get('__class__')}")
            if new is not None:
                node["__module__"], _, node["__class__"] = new.rpartition(".")
        for value in node.values():
            _rename_nodes(value, rename)
