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

Stable names and format versions
--------------------------------
A file names each type it holds so that loading can rebuild it. The types
skgenecyt vouches for are named by their public import paths
(``skgenecyt.VAETransformer``, ``skgenecyt.nn.GATNet``,
``sklearn.feature_selection.f_classif``), never by the private module that
defines them, so a file keeps loading after a later release moves a class
between private modules. The metadata's ``format_version`` is
:data:`FORMAT_VERSION` (2) for files written now. Format 1, the first one,
named skgenecyt's types by their defining modules; such files still load: the
names they use are mapped to the stable ones. A file of a newer format than
this release reads is refused with an error naming both versions.

Trusted types
-------------
skops trusts builtin containers, numpy and scipy types and scikit-learn's
estimators by default. On top of those, :data:`DEFAULT_TRUSTED_TYPES` lists
the types this package vouches for: its own estimators and graph objects, the
records that stand in for nets and pandas objects, the torch network classes
its estimators build (and the loss and optimiser they use), and
scikit-learn's univariate feature-scoring functions (``SelectKBest``'s
``score_func``). Anything else, for example your own estimator class or a
``HistGradientBoostingClassifier`` (whose tree arrays skops deliberately does
not trust), must be named in ``trusted=[...]``; the error lists the names to
review.

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

from ._api import load_model, model_metadata, save_model
from ._format import FORMAT, FORMAT_VERSION, OLDEST_FORMAT_VERSION, ModelVersionWarning

# The stable names model files give the records (see DEFAULT_TRUSTED_TYPES):
# skops rebuilds them by importing these names from this package.
from ._records import SavedNet as _SavedNet  # noqa: F401
from ._records import SavedPandas as _SavedPandas  # noqa: F401
from ._trust import DEFAULT_TRUSTED_TYPES

__all__ = [
    "DEFAULT_TRUSTED_TYPES",
    "FORMAT",
    "FORMAT_VERSION",
    "OLDEST_FORMAT_VERSION",
    "ModelVersionWarning",
    "load_model",
    "model_metadata",
    "save_model",
]
