"""GeneCytNet: the model as one scikit-learn Pipeline (a seed ensemble on small cohorts)."""

from __future__ import annotations

import math
import os
from numbers import Integral
from typing import ClassVar

import numpy as np
from scipy.special import log_softmax, softmax
from sklearn.base import clone
from sklearn.feature_selection import SelectKBest
from sklearn.metrics import accuracy_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.validation import check_is_fitted

from skgenecyt._sklearn_compat import Interval, StrOptions, _num_samples, validate_params
from skgenecyt._training import member_random_states
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

#: ``n_members="auto"`` trains ceil(MEMBER_SAMPLE_BUDGET / n_samples) members ...
MEMBER_SAMPLE_BUDGET = 200
#: ... and at most this many.
MAX_MEMBERS = 10


def auto_n_members(n_samples):
    """Members of ``n_members="auto"``: 10 at 20 samples, 2 at 100, 1 from 200 on.

    A fit on a few dozen samples depends on its seed (weights, batch order,
    dropout): at 20 samples one seed's holdout AUC differs from another's by
    an SD of about 0.04. Averaging members trained with different seeds cuts
    that spread by about the square root of their number, and small fits are
    cheap, so the members of one fit see about MEMBER_SAMPLE_BUDGET sample
    rows in all. From 200 samples on a fit is one member, as it always was.
    """
    return int(min(MAX_MEMBERS, max(1, math.ceil(MEMBER_SAMPLE_BUDGET / n_samples))))


class GeneCytNet(Pipeline):
    """A Pipeline that averages members trained with different seeds.

    :func:`make_genecytnet` builds it. The steps before the first step with
    a ``random_state`` (checks, normalisation, gene selection, scaling) are
    fitted once; the steps from there on (the VAE and the GAT) are trained
    ``n_members_`` times, with seeds derived from each step's
    ``random_state``, and the predictions come from the members' mean
    logits (see :meth:`predict_proba`). The first member is the pipeline's
    own steps, trained with the steps' own seeds, so with one member the
    model is exactly a ``Pipeline`` of the same steps.

    What reads one network rather than predictions (``named_steps``,
    slicing, :func:`~skgenecyt.inspection.attention_table`,
    :func:`~skgenecyt.inspection.node_importance`, latent-space
    perturbation) reads the first member: the latent factors of different
    members are not the same factors, so their attention cannot be averaged.
    Input-space perturbation (:func:`~skgenecyt.perturbation_effects`)
    goes through ``predict_proba`` and so through every member.

    Parameters
    ----------
    steps : list of (str, estimator) tuples
        As for :class:`~sklearn.pipeline.Pipeline`; the last a classifier.
    n_members : "auto" or int, default="auto"
        Members to train. ``"auto"`` follows :func:`auto_n_members`: ten at
        20 training samples, two at 100, one from 200 on. A pipeline without
        a step that has a ``random_state`` trains one member whatever this
        says (its members would all be the same).
    memory : str, object with a ``cache`` method or None, default=None
        As for :class:`~sklearn.pipeline.Pipeline` (used by the first member).
    verbose : bool, default=False
        As for :class:`~sklearn.pipeline.Pipeline`.

    Attributes
    ----------
    n_members_ : int
        Members trained.
    members_ : list of Pipeline
        The trained steps of the members after the first (empty with one
        member), each a Pipeline of the steps from the first random step on.
    classes_ : ndarray of shape (n_classes,)
        The class labels.

    Examples
    --------
    >>> from skgenecyt import GeneCytNet, make_genecytnet, make_ra_cohort
    >>> cohort = make_ra_cohort(n_ra=12, n_control=8, n_genes=200, random_state=0)
    >>> model = make_genecytnet(random_state=0, n_members=3, gat__max_epochs=5)
    >>> model.fit(cohort.X, cohort.y).n_members_
    3
    >>> model.predict_proba(cohort.X).shape
    (20, 2)
    >>> isinstance(model, GeneCytNet)
    True
    """

    _parameter_constraints: ClassVar[dict] = {
        **Pipeline._parameter_constraints,
        "n_members": [StrOptions({"auto"}), Interval(Integral, 1, None, closed="left")],
    }

    #: Read by Pipeline in scikit-learn >= 1.7; not a parameter here (the
    #: steps' own inputs are what every member sees).
    transform_input = None

    def __init__(self, steps, *, n_members="auto", memory=None, verbose=False):
        super().__init__(steps, memory=memory, verbose=verbose)
        self.n_members = n_members

    def __getitem__(self, ind):
        """A slice is a plain Pipeline of this model's (first member's) steps."""
        if isinstance(ind, slice):
            if ind.step not in (1, None):
                raise ValueError("Pipeline slicing only supports a step of 1")
            return Pipeline(self.steps[ind], memory=self.memory, verbose=self.verbose)
        return super().__getitem__(ind)

    def fit(self, X, y=None, **params):
        """Fit the steps, then the other members' random steps on the same rows.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        **params
            Fit parameters by step, ``<step>__<parameter>``, as for a
            Pipeline; every member's steps get theirs.

        Returns
        -------
        self : GeneCytNet
        """
        super().fit(X, y, **params)
        start = self._first_random_step()
        n_members = 1 if start is None else self._n_members_for(_num_samples(X))
        self.members_ = []
        if n_members > 1:
            Xt = self._shared_transform(X, start)
            tail_params = {name: value for name, value in params.items()
                           if name.split("__", 1)[0] in dict(self.steps[start:])}
            for member_params in self._member_params(start, n_members)[1:]:
                tail = clone(self[start:]).set_params(**member_params)
                self.members_.append(tail.fit(Xt, y, **tail_params))
        self.n_members_ = n_members
        return self

    def predict_proba(self, X, **params):
        """Class probabilities from the members' mean log-odds.

        Each member's logits (its final step's ``decision_function``) are
        averaged and turned into probabilities: for two classes, the
        probability of ``classes_[1]`` is the logistic function of the mean
        logit. Averaging logits rather than probabilities keeps the ranking
        when members are confident: on a few dozen samples each member's
        probabilities sit near 0 or 1, and their mean would only count votes.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
        **params
            Passed to every member's final step, as for a Pipeline.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
        """
        check_is_fitted(self)
        if not self.members_:
            return super().predict_proba(X, **params)
        return softmax(self._mean_logits(X, params), axis=1)

    def predict_log_proba(self, X, **params):
        """Log of :meth:`predict_proba`, without rounding to 0 first."""
        check_is_fitted(self)
        if not self.members_:
            return super().predict_log_proba(X, **params)
        return log_softmax(self._mean_logits(X, params), axis=1)

    def decision_function(self, X, **params):
        """The members' mean logit (two classes), or mean logits per class.

        With one member this is the final step's own decision function.
        """
        check_is_fitted(self)
        if not self.members_:
            return super().decision_function(X, **params)
        logits = self._mean_logits(X, params)
        return logits[:, 1] - logits[:, 0] if logits.shape[1] == 2 else logits

    def predict(self, X, **params):
        """The class with the highest mean logit."""
        check_is_fitted(self)
        if not self.members_:
            return super().predict(X, **params)
        return self.classes_[np.argmax(self._mean_logits(X, params), axis=1)]

    def score(self, X, y=None, sample_weight=None, **params):
        """Accuracy of :meth:`predict` on ``(X, y)``."""
        check_is_fitted(self)
        if not self.members_:
            return super().score(X, y, sample_weight=sample_weight, **params)
        return accuracy_score(y, self.predict(X), sample_weight=sample_weight)

    def _mean_logits(self, X, params):
        """The members' logits averaged: shape (n_samples, n_classes)."""
        start = self._first_random_step()
        Xt = self._shared_transform(X, start)
        return np.mean([_logits(tail, Xt, params) for tail in (self[start:], *self.members_)],
                       axis=0)

    def _n_members_for(self, n_samples):
        if self.n_members == "auto":
            return auto_n_members(n_samples)
        return int(self.n_members)

    def _shared_transform(self, X, start):
        """X through the steps that every member shares (those before ``start``)."""
        return self[:start].transform(X) if start else X

    def _first_random_step(self):
        """Position of the first step with a ``random_state``, or None."""
        for position, (_, step) in enumerate(self.steps):
            if step is None or isinstance(step, str):  # "passthrough"
                continue
            if any(name.rsplit("__", 1)[-1] == "random_state" for name in step.get_params()):
                return position
        return None

    def _member_params(self, start, n_members):
        """Per member, ``{parameter: random_state}`` for the steps from ``start`` on."""
        tail_params = self[start:].get_params(deep=True)
        names = [name for name in tail_params if name.rsplit("__", 1)[-1] == "random_state"]
        states = {name: member_random_states(tail_params[name], n_members) for name in names}
        return [{name: states[name][m] for name in names} for m in range(n_members)]


def _logits(tail, Xt, params):
    """A member's logits, (n_samples, n_classes), from its decision function or probabilities."""
    if hasattr(tail, "decision_function"):
        scores = np.asarray(tail.decision_function(Xt, **params), dtype=np.float64)
        if scores.ndim == 1:  # two classes: the logit of classes_[1] against classes_[0]
            return np.column_stack([np.zeros_like(scores), scores])
        return scores
    proba = np.asarray(tail.predict_proba(Xt, **params), dtype=np.float64)
    return np.log(np.clip(proba, np.finfo(np.float64).tiny, None))




@validate_params(
    {"random_state": ["random_state"], "normalize": ["boolean"],
     "n_members": [StrOptions({"auto"}), Interval(Integral, 1, None, closed="left")],
     "gene_sets": [None, dict, str, os.PathLike]},
    prefer_skip_nested_validation=True,
)
def make_genecytnet(random_state=None, *, normalize=False, n_members="auto", gene_sets=None,
                    **params):
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
    n_members : "auto" or int, default="auto"
        How many times the ``vae`` and ``gat`` steps are trained, with
        derived seeds, for predictions averaged over them (see
        :class:`GeneCytNet`): ``"auto"`` trains ten at 20 samples, two at
        100 and one from 200 on (:func:`auto_n_members`), which makes small
        cohorts' results far less dependent on the seed at little cost.
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
    GeneCytNet
        A :class:`~sklearn.pipeline.Pipeline`, unfitted; use it like any
        classifier (``fit``, ``predict_proba``, ``cross_val_score``,
        ``GridSearchCV``, ``clone``, pickling).

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
    pipeline = GeneCytNet([*steps, ("gat", GATClassifier(random_state=gat_seed))],
                          n_members=n_members)
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
