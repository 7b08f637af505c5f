"""Latent-space (scGen-style) perturbation for pipelines with a VAETransformer.

Instead of shifting a module's genes in the input, the latent code of each
sample is moved along the direction that the module's activity takes in the
latent space, and the steps after the latent step classify the moved codes.
"""

from __future__ import annotations

import os
from numbers import Integral

import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline
from sklearn.utils import Bunch

from skgenecyt._sklearn_compat import HasMethods, StrOptions, validate_params
from skgenecyt.datasets._modules import locate_modules
from skgenecyt.preprocessing._gene_sets import set_score

from ._batch import StackedPredictor
from ._effects import (
    SHARED_CONSTRAINTS,
    as_expression,
    check_inputs,
    effects_table,
    module_usage,
    modules_and_nulls,
    passes_names,
)
from ._modes import fit_gene_stats

METHODS = ("mean_difference", "regression")


def find_latent_step(pipeline, latent_step=None) -> int:
    """Position of the latent step: the given one, or the last VAETransformer."""
    if not isinstance(pipeline, Pipeline):
        raise TypeError(
            "Latent-space perturbation needs a fitted Pipeline with a latent step (such as "
            f"a VAETransformer) followed by a classifier; got {type(pipeline).__name__}."
        )
    names = [name for name, _ in pipeline.steps]
    if latent_step is None:
        from skgenecyt.decomposition import VAETransformer

        found = [i for i, (_, step) in enumerate(pipeline.steps)
                 if isinstance(step, VAETransformer)]
        if not found:
            raise ValueError(
                f"The pipeline (steps {names}) has no VAETransformer; pass latent_step=<name "
                "or position> to use another transformer with a latent space (e.g. PCA)."
            )
        position = found[-1]
    elif isinstance(latent_step, str):
        if latent_step not in names:
            raise ValueError(f"latent_step={latent_step!r} is not a step name; steps: {names}.")
        position = names.index(latent_step)
    else:
        position = latent_step % len(names) if -len(names) <= latent_step < len(names) else -1
        if position < 0:
            raise ValueError(f"latent_step={latent_step} is out of range for {len(names)} steps.")
    if position == len(names) - 1:
        raise ValueError("latent_step must come before the final classifier of the pipeline.")
    return position


class ModuleDirections:
    """The latent direction of a gene set's activity, learned from training rows.

    A gene set's activity score is the mean of its genes standardised with the
    training mean and standard deviation. Its direction is the unit vector
    ``u`` from the low-score to the high-score samples (``"mean_difference"``:
    mean code of the top quarter minus that of the bottom quarter, as scGen
    uses differences of latent means) or the least-squares regression of the
    score on the codes (``"regression"``). A shift of 1 moves a code by one
    standard deviation of the training codes projected on ``u``.
    """

    def __init__(self, Z_train, X_train, method):
        self.Z = Z_train
        self.Zc = Z_train - Z_train.mean(axis=0)
        self.pinv = np.linalg.pinv(self.Zc)
        scale = X_train.std(axis=0)
        self.X_train, self.mean = X_train, X_train.mean(axis=0)
        self.scale = np.where(scale > 0, scale, 1.0)
        self.method = method
        self._cache = {}

    def score(self, cols):
        return set_score(self.X_train, cols, self.mean, self.scale)

    def __call__(self, cols):
        """``(step, r2)``: the latent move for shift 1 and the score's R^2 on the codes."""
        key = np.asarray(cols).tobytes()
        if key not in self._cache:
            self._cache[key] = self._direction(cols)
        return self._cache[key]

    def _direction(self, cols):
        s = self.score(cols)
        sc = s - s.mean()
        w = self.pinv @ sc
        total = sc @ sc
        r2 = 1 - np.sum((sc - self.Zc @ w) ** 2) / total if total > 0 else 0.0
        if self.method == "mean_difference":
            low, high = np.quantile(s, [0.25, 0.75])
            w = self.Z[s >= high].mean(axis=0) - self.Z[s <= low].mean(axis=0)
        norm = np.linalg.norm(w)
        if not np.isfinite(norm) or norm == 0:
            return np.zeros(self.Z.shape[1]), r2
        u = w / norm
        return u * (self.Zc @ u).std(), r2


def _latent_setup(pipeline, train_values, columns, latent_step, method):
    """Split the pipeline at its latent step; learn directions from the training rows."""
    position = find_latent_step(pipeline, latent_step)
    head, tail = pipeline[: position + 1], pipeline[position + 1 :]
    Z_train = _encode(head, train_values, columns if passes_names(pipeline) else None)
    return head, tail, ModuleDirections(Z_train, train_values, method)


def _encode(head, values, columns):
    data = values if columns is None else pd.DataFrame(values, columns=columns)
    return np.asarray(head.transform(data), dtype=np.float64)


_CONSTRAINTS = {
    **SHARED_CONSTRAINTS,
    "pipeline": [HasMethods(["predict_proba"])],
    "method": [StrOptions(set(METHODS))],
    "latent_step": [None, str, Integral],
    "return_deltas": ["boolean"],
}


@validate_params(_CONSTRAINTS, prefer_skip_nested_validation=True)
def latent_perturbation_effects(
    pipeline,
    X,
    y=None,
    *,
    modules=None,
    shifts=(1.0,),
    method="mean_difference",
    latent_step=None,
    on="all",
    X_train=None,
    pos_label=None,
    n_bootstrap=1000,
    confidence_level=0.95,
    n_null=200,
    null_bins=10,
    alternative="two-sided",
    max_batch_bytes=256 * 2**20,
    return_deltas=False,
    random_state=None,
    n_jobs=None,
):
    """Change in P(RA) when latent codes move along a module's direction.

    The pipeline is split at its latent step (the last :class:`VAETransformer`
    unless ``latent_step`` names another). Each module's direction in the
    latent space is learned from ``X_train`` (see Notes); the codes of the rows
    of ``X`` chosen by ``on`` are moved by ``shift`` along it and the steps
    after the latent step classify them. Effects, bootstrap intervals and the
    null of random gene sets of the same size (each with its own direction)
    are computed exactly as in :func:`perturbation_effects`, whose parameters
    not described here have the same meaning.

    Parameters
    ----------
    pipeline : fitted Pipeline
        Steps up to and including the latent step map genes to latent codes;
        the remaining steps classify codes. A :class:`~skgenecyt.GeneCytNet`
        trained as several members is read through its first member (each
        member has latent factors of its own).
    X : array-like or DataFrame of shape (n_samples, n_genes)
        The samples to perturb.
    y : array-like, default=None
        Labels of ``X``; needed when ``on`` is ``"ra"`` or ``"controls"``.
    shifts : float or array-like of float, default=(1.0,)
        Moves along the direction, in standard deviations of the training
        codes projected on it.
    method : {"mean_difference", "regression"}, default="mean_difference"
        How a gene set's direction is found: the difference between the mean
        codes of the training samples in the top and bottom quarter of its
        activity score, or the least-squares regression of that score on the
        codes.
    latent_step : str, int or None, default=None
        Name or position of the latent step; None finds the VAETransformer.
    X_train : array-like, default=None
        Training rows the directions and the null matching are learned from;
        None uses ``X``.

    Returns
    -------
    effects : DataFrame
        The columns of :func:`perturbation_effects` up to ``p_value``
        (``mode`` is ``"latent"``), then ``latent_r2``: the share of the
        module score's variance over ``X_train`` that a linear function of
        the codes explains, i.e. how much of the module the latent space
        holds; ``n_genes_used``: the module genes present in ``X`` that reach
        the latent step (through the pipeline's selection, found as in
        :func:`perturbation_effects`); ``model_coverage``: their share of the
        genes present. There is no ``visible`` column and no module loses its
        p-value: a module's direction is learned from its activity score,
        which the latent space can hold through co-varying genes even when
        the encoder reads none of the module's own genes (then
        ``n_genes_used`` is 0 and ``latent_r2`` says how much it holds).
    deltas : DataFrame, only with ``return_deltas=True``
        Per-sample deltas, as in :func:`perturbation_effects`.

    See Also
    --------
    perturbation_effects : Perturbation in the input (gene) space.
    latent_module_direction : One module's direction and the genes it moves.

    Notes
    -----
    Input-space and latent-space perturbation ask different questions.
    Shifting a module's genes in the input (:func:`perturbation_effects`)
    changes those genes only: it asks what the model attributes to the
    module's genes themselves, but the shifted samples may leave the data's
    manifold (a module's genes move while the genes that normally co-vary with
    them stay put), and the encoder sees such samples for the first time.
    Moving the latent code along the module's direction keeps the samples on
    the learned manifold and moves, on decoding, every gene that co-varies with
    the module in the training data (cross-talk, shared programmes), so it
    asks what the model attributes to the biological programme the module
    marks. Its effects therefore mix correlated programmes, depend on how
    well the latent space encodes the module (``latent_r2``) and on the
    direction method; neither reading is causal. Modules with a high
    ``latent_r2`` and similar effects in both spaces give the most robust
    conclusions.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.decomposition import PCA
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.pipeline import make_pipeline
    >>> from skgenecyt.perturbation import latent_perturbation_effects
    >>> rng = np.random.default_rng(0)
    >>> activity = rng.normal(size=(100, 1))
    >>> X = np.hstack([activity + 0.3 * rng.normal(size=(100, 4)), rng.normal(size=(100, 16))])
    >>> y = (activity[:, 0] + 0.5 * rng.normal(size=100) > 0).astype(int)
    >>> model = make_pipeline(PCA(n_components=5), LogisticRegression()).fit(X, y)
    >>> table = latent_perturbation_effects(model, X, modules={"m": [0, 1, 2, 3]},
    ...                                     latent_step="pca", n_null=50, random_state=0)
    >>> bool(table.delta_mean[0] > 0 and table.latent_r2[0] > 0.8)
    True
    """
    inputs = check_inputs(pipeline, X, y, shifts=shifts, on=on, pos_label=pos_label,
                          X_train=X_train, y_train=None)
    head, tail, directions = _latent_setup(pipeline, inputs.ref_X, inputs.columns,
                                           latent_step, method)
    stats = fit_gene_stats(inputs.ref_X)
    matched, seed, null_sets = modules_and_nulls(
        inputs, modules, n_null=n_null, null_bins=null_bins, level=stats.loc,
        random_state=random_state,
    )

    def perturb(segment, job):
        cols, shift = job
        if not len(cols):
            return cols
        segment += shift * directions(cols)[0]
        return slice(None)

    Z_rows = _encode(head, inputs.values[inputs.perturbed],
                     inputs.columns if passes_names(pipeline) else None)
    latent_columns = getattr(tail, "feature_names_in_", None)
    predictor = StackedPredictor(
        tail.predict_proba, np.ascontiguousarray(Z_rows),
        None if latent_columns is None else pd.Index(latent_columns),
        perturb, inputs.pos_index, max_batch_bytes,
    )
    r2 = {m.name: directions(m.indices)[1] for m in matched}
    usage = module_usage(pipeline, inputs, matched, stats.scale,
                         max_batch_bytes=max_batch_bytes, n_jobs=n_jobs)
    return effects_table(
        inputs, predictor, matched, null_sets, seed, mode="latent", n_bootstrap=n_bootstrap,
        confidence_level=confidence_level, alternative=alternative, n_jobs=n_jobs,
        return_deltas=return_deltas, per_module={"latent_r2": r2, **usage},
    )


@validate_params(
    {
        "pipeline": [Pipeline],
        "X_train": ["array-like"],
        "module": [str, "array-like"],
        "modules": [None, dict, str, os.PathLike],
        "method": [StrOptions(set(METHODS))],
        "latent_step": [None, str, Integral],
    },
    prefer_skip_nested_validation=True,
)
def latent_module_direction(pipeline, X_train, module, *, modules=None,
                            method="mean_difference", latent_step=None):
    """A module's direction in a pipeline's latent space, and the genes it moves.

    Parameters
    ----------
    pipeline : fitted Pipeline
        A pipeline with a latent step (see :func:`latent_perturbation_effects`).
    X_train : array-like or DataFrame of shape (n_samples, n_genes)
        Training rows the direction is learned from.
    module : str or list
        A module name in ``modules`` or a list of genes (names or indices).
    modules : None, dict or path, default=None
        Where module names are looked up (None: the built-in modules).
    method : {"mean_difference", "regression"}, default="mean_difference"
        How the direction is found.
    latent_step : str, int or None, default=None
        Name or position of the latent step; None finds the VAETransformer.

    Returns
    -------
    result : Bunch
        ``direction`` (unit vector), ``step`` (the move of shift 1),
        ``latent_r2`` (see :func:`latent_perturbation_effects`), ``genes`` (the
        module genes present) and ``decoded_change``: the change of every gene
        when the mean training code moves by ``step`` and is decoded back through
        the pipeline's steps (a Series over the columns; None when a step up to
        the latent one has no ``inverse_transform``).
    """
    from ._transformer import select_module

    values, columns, _ = as_expression(X_train, "X_train")
    head, _, directions = _latent_setup(pipeline, values, columns, latent_step, method)
    name, genes = select_module(module, modules)
    names = None if columns is None else list(columns)
    (matched,) = locate_modules({name: genes}, names, n_features=values.shape[1])
    step, r2 = directions(matched.indices)
    norm = np.linalg.norm(step)
    decoded = None
    if hasattr(head, "inverse_transform"):
        center = directions.Z.mean(axis=0)
        back = np.asarray(head.inverse_transform(np.vstack([center, center + step])))
        decoded = pd.Series(back[1] - back[0], index=columns, name=f"{name} direction")
    return Bunch(
        direction=step / norm if norm > 0 else step, step=step, latent_r2=r2,
        genes=matched.genes, decoded_change=decoded,
    )
