"""The trust rules: which types a model file may hold, by their stable names.

skops trusts builtin containers, numpy and scipy types and scikit-learn's
estimators by default. On top of those, :data:`DEFAULT_TRUSTED_TYPES` lists
the types skgenecyt vouches for. Each is named by its *stable name*, the
public path it is imported from (``skgenecyt.VAETransformer``, never the
private module that defines it), and model files use the same names (see
:mod:`skgenecyt.persistence._names`), so moving a class between private
modules changes neither a file nor what it is trusted as.

Anything else must be named in ``load_model(trusted=[...])``: as a type, or
by the name the file uses for it (which the error for an untrusted file lists).
"""

from __future__ import annotations

import skops.io as sio
import skorch
import torch
from sklearn import feature_selection


def _exported(module, *objects):
    """``module.name`` of objects taken from the public ``module``: where users import them."""
    return tuple(f"{module.__name__}.{obj.__name__}" for obj in objects)


#: Types that :func:`~skgenecyt.load_model` trusts without being told, beyond
#: those skops trusts itself (builtins, numpy, scipy and scikit-learn
#: estimators), by their stable names: the public paths they are imported from.
#: Model files name these types so (and every other type as skops does).
DEFAULT_TRUSTED_TYPES = (
    # skgenecyt's estimators and the objects they hold
    "skgenecyt.VAETransformer",
    "skgenecyt.GATClassifier",
    "skgenecyt.GeneCytNet",
    "skgenecyt.ExpressionValidator",
    "skgenecyt.QuantileNormalizer",
    "skgenecyt.GeneSetScores",
    "skgenecyt.SelectKPerSample",
    "skgenecyt.AdaptiveStratifiedKFold",
    "skgenecyt.TemperatureCalibratedClassifier",
    "skgenecyt.LeafScaledGradientBoosting",
    "skgenecyt.FeatureGraph",
    "skgenecyt.CytokinePerturbation",
    "skgenecyt.anova_f",
    # the records a model file holds in place of nets and pandas objects
    "skgenecyt.persistence._SavedNet",
    "skgenecyt.persistence._SavedPandas",
    # the classes a saved net is rebuilt from
    "skgenecyt.nn.VAEModule",
    "skgenecyt.nn.ELBOLoss",
    "skgenecyt.nn.GATNet",
    *_exported(skorch, skorch.NeuralNet),
    *_exported(torch.nn, torch.nn.CrossEntropyLoss),
    *_exported(torch.optim, torch.optim.AdamW),
    # scikit-learn's univariate scoring functions (SelectKBest's score_func)
    *_exported(
        feature_selection, feature_selection.f_classif, feature_selection.f_regression,
        feature_selection.chi2, feature_selection.r_regression,
        feature_selection.mutual_info_classif, feature_selection.mutual_info_regression,
    ),
)


def trusted_names(trusted, name_of):
    """The names in ``load_model(trusted=...)``, types named with ``name_of``."""
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
            names.add(name_of(item))
        elif isinstance(item, str):
            names.add(item)
        else:
            raise TypeError(f"trusted holds {item!r}, which is neither a type nor a type name.")
    return names


def refuse_untrusted(path, untrusted):
    """Raise skops' error listing ``untrusted`` names, if there are any."""
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
