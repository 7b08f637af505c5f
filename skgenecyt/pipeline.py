"""make_genecytnet(): the GeneCytNet model as one scikit-learn Pipeline."""

from __future__ import annotations

import os

import numpy as np
from sklearn.feature_selection import SelectKBest
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from skgenecyt._sklearn_compat import validate_params
from skgenecyt.decomposition import VAETransformer
from skgenecyt.graph import GATClassifier
from skgenecyt.preprocessing import (
    ExpressionValidator,
    GeneSetScores,
    QuantileNormalizer,
    anova_f,
)

#: Genes kept by the default in-fold ANOVA selection in front of the VAE.
DEFAULT_N_GENES = 100

#: Latent factors of the default VAE (the nodes of the GAT's graph).
DEFAULT_N_COMPONENTS = 8


#: The steps that a model guided by gene sets holds inside ``features`` (as ``latent``).
LATENT_STEPS = ("select", "scale", "vae")


@validate_params(
    {
        "random_state": ["random_state"],
        "normalize": ["boolean"],
        "gene_sets": [None, dict, str, os.PathLike],
    },
    prefer_skip_nested_validation=True,
)
def make_genecytnet(random_state=None, *, normalize=False, gene_sets=None, **params):
    """Build GeneCytNet: gene selection, scaling, a VAE and a graph attention classifier.

    The pipeline has five named steps (six with ``normalize=True``; with
    ``gene_sets``, ``select``, ``scale`` and ``vae`` are held inside one step
    ``features``, see below):

    ``check``
        :class:`~skgenecyt.preprocessing.ExpressionValidator`: stops text
        columns, NaN, infinite or out-of-range values and unseen genes with
        messages that name the genes, and warns when the values look like raw
        counts instead of log-scale expression. It passes the values on
        unchanged.
    ``normalize`` (only with ``normalize=True``)
        :class:`~skgenecyt.preprocessing.QuantileNormalizer`: every sample's
        expression distribution is mapped onto a reference learned from the
        training rows, one sample at a time, so that a model fitted on one
        study can score another study measured on a different scale (see
        :ref:`cross_study`).
    ``select``
        :class:`~sklearn.feature_selection.SelectKBest` with the ANOVA F
        statistic (:func:`~skgenecyt.preprocessing.anova_f`), keeping the
        ``DEFAULT_N_GENES`` (100) genes that best
        separate the classes **in the rows the pipeline is fitted on**. In a
        cohort of 15,000 genes only a few hundred carry the disease signal;
        without selection the unsupervised VAE spends its latent factors on
        the strongest co-expression programmes, whatever their relation to
        disease, and trains far more slowly. Being a pipeline step, the
        selection is redone inside every cross-validation fold, so it cannot
        leak. ``select="passthrough"`` removes it; ``select__k`` changes the
        number of genes (more genes than the data has keeps all of them, with
        a warning).
    ``scale``
        :class:`~sklearn.preprocessing.StandardScaler`, so every gene enters
        the VAE in SD units of the training rows.
    ``vae``
        :class:`~skgenecyt.VAETransformer` compressing the selected genes into
        ``DEFAULT_N_COMPONENTS`` (8) latent factors.
    ``gat``
        :class:`~skgenecyt.GATClassifier` over the latent factors, which are
        few, so its ``graph="auto"`` uses a complete graph: attention decides
        which factors inform which.

    The number of genes and of latent factors were chosen by stratified
    5-fold cross-validation repeated twice on the training part of the
    default synthetic cohort only (the holdout played no part), among 100 to
    500 genes and 8 or 16 factors. What the defaults achieve is measured by
    ``skgenecyt reproduce`` and shown on the :ref:`reproduction` page. On your
    own data, tune ``select__k`` and ``vae__n_components`` with
    ``GridSearchCV``.

    Parameters
    ----------
    random_state : int, RandomState instance or None, default=None
        Seeds every step that has randomness (the VAE and the GAT). An int is
        passed to both as is; a RandomState instance is turned into one int
        per step, so the returned pipeline is reproducible on its own.
    normalize : bool, default=False
        Whether to add the ``normalize`` step after ``check``, for a model
        that will score cohorts other than the one it is trained on. False
        gives the five steps above, unchanged.
    gene_sets : dict, str, path-like or None, default=None
        Prior gene sets that guide the model: a dict ``name -> genes``, the
        path of a GMT file, or ``"cytokine"`` for the built-in IL6, TNF and
        IL1B modules. ``select``, ``scale`` and ``vae`` then move inside a
        step ``features`` (a :class:`~skgenecyt.preprocessing.GeneSetScores`
        holding them as ``latent``), which adds one score per set (the mean
        of its genes in training SD units) to the latent factors: the GAT
        gets one node per set, named by the set, beside the factors. Every
        gene of a set present in the data reaches the model whatever the
        selection keeps, so :func:`~skgenecyt.perturbation_effects` of a
        module given as a set acts on all of its genes. Step parameters keep
        their short names here (``vae__n_components`` sets
        ``features__latent__vae__n_components``); ``features__gene_sets``
        switches the sets off (None) or changes them, e.g. in
        ``GridSearchCV``. Compare with the same model on
        :func:`~skgenecyt.datasets.random_gene_sets` before crediting the
        biology (see :ref:`knowledge_guided`).
    **params
        Step parameters by their pipeline names, as ``GridSearchCV`` uses
        them, e.g. ``vae__n_components=16``, ``gat__heads=2``,
        ``select__k=500``.

    Returns
    -------
    sklearn.pipeline.Pipeline
        Unfitted; use it like any classifier (``fit``, ``predict_proba``,
        ``cross_val_score``, ``GridSearchCV``, ``clone``, pickling).

    Raises
    ------
    ValueError
        For a parameter name that is not a parameter of a step; the message
        lists the steps.

    Examples
    --------
    >>> from skgenecyt import make_genecytnet
    >>> model = make_genecytnet(random_state=0, vae__n_components=8, gat__heads=2)
    >>> list(model.named_steps)
    ['check', 'select', 'scale', 'vae', 'gat']
    >>> model.get_params()["vae__n_components"], model.get_params()["gat__random_state"]
    (8, 0)
    >>> list(make_genecytnet(normalize=True).named_steps)
    ['check', 'normalize', 'select', 'scale', 'vae', 'gat']
    >>> guided = make_genecytnet(random_state=0, gene_sets="cytokine", select__k=200)
    >>> list(guided.named_steps)
    ['check', 'features', 'gat']
    >>> guided.get_params()["features__latent__select__k"]
    200
    """
    if isinstance(random_state, np.random.RandomState):
        vae_seed, gat_seed = (int(s) for s in random_state.randint(np.iinfo(np.int32).max, size=2))
    else:
        vae_seed = gat_seed = random_state
    latent = [
        ("select", SelectKBest(anova_f, k=DEFAULT_N_GENES)),
        ("scale", StandardScaler()),
        ("vae", VAETransformer(n_components=DEFAULT_N_COMPONENTS, random_state=vae_seed)),
    ]
    front = [
        ("check", ExpressionValidator()),
        *([("normalize", QuantileNormalizer())] if normalize else []),
    ]
    if gene_sets is None:
        steps = [*front, *latent]
    else:
        steps = _guided_steps(front, latent, gene_sets)
        params = {_guided_name(name): value for name, value in params.items()}
    pipeline = Pipeline([*steps, ("gat", GATClassifier(random_state=gat_seed))])
    _set_step_params(pipeline, params)
    return pipeline


def _guided_steps(front, latent, gene_sets):
    """The steps before the GAT in a model guided by gene sets.

    Gene names flow (as pandas) from ``check`` to the scores, and the scores'
    names (latent factors, then sets) become the GAT's node names.
    """
    return [
        *((name, step.set_output(transform="pandas")) for name, step in front),
        ("features", GeneSetScores(gene_sets, latent=Pipeline(latent))
         .set_output(transform="pandas")),
    ]


def _guided_name(name):
    """``vae__n_components`` -> ``features__latent__vae__n_components`` in a guided model."""
    step = name.split("__", 1)[0]
    return f"features__latent__{name}" if step in LATENT_STEPS else name


def _set_step_params(pipeline, params):
    valid = pipeline.get_params(deep=True)
    unknown = sorted(name for name in params if name not in valid)
    if unknown:
        steps = ", ".join(pipeline.named_steps)
        raise ValueError(
            f"Unknown GeneCytNet parameter(s) {unknown}. Name a step parameter as "
            f"<step>__<parameter> with the steps {steps}, e.g. vae__n_components or "
            "gat__heads (a whole step can be replaced by its name, e.g. select='passthrough')."
        )
    pipeline.set_params(**params)
