"""Classical models that GeneCytNet is compared against."""

from __future__ import annotations

from numbers import Integral

import numpy as np
from sklearn.decomposition import PCA
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from skgenecyt._sklearn_compat import validate_params
from skgenecyt._training import seed_from_random_state
from skgenecyt.preprocessing import QuantileNormalizer, SelectKPerSample, anova_f

from ._size_rules import (
    AdaptiveStratifiedKFold,
    LeafScaledGradientBoosting,
    TemperatureCalibratedClassifier,
)

#: Inverse regularisation strengths searched for the logistic regression.
LOGISTIC_C_GRID = tuple(float(c) for c in np.logspace(-5, 2, 15))

#: Most genes kept (by in-fold ANOVA F) in front of the RBF SVM and the gradient-boosted model.
SELECTED_N_GENES = 1000

#: Genes kept per training sample in front of the RBF SVM and the gradient-boosted model.
GENES_PER_SAMPLE = 10

#: Genes kept per training sample in front of the logistic regression (no upper limit).
LOGISTIC_GENES_PER_SAMPLE = 50

#: Most folds of the inner cross-validations (the logistic regression's C, the SVM's calibration).
INNER_MAX_SPLITS = 5

#: Smallest leaf of the boosted trees, as a share of the training rows, and its largest value.
LEAF_FRACTION, MAX_LEAF_SIZE = 0.08, 20


@validate_params(
    {"random_state": ["random_state"], "n_jobs": [Integral, None], "boosting": ["boolean"],
     "normalize": ["boolean"]},
    prefer_skip_nested_validation=True,
)
def default_baselines(random_state=None, *, n_jobs=None, boosting=True, normalize=False):
    """Fairly configured classical classifiers to compare GeneCytNet against.

    Every model takes the same input as GeneCytNet (samples x genes, e.g.
    log2 expression) and learns everything, scaling, gene selection and
    tuning included, from the rows it is fitted on, so each can be
    cross-validated as is.

    - ``"logistic_regression"``: the genes with the highest ANOVA F
      statistic on the training rows (see the rules below), standardised,
      then an L2-penalised logistic regression with balanced class weights
      whose ``C`` is chosen by an inner stratified cross-validation on ROC
      AUC over ``1e-5 ... 100`` (15 values, log spaced). The standardised
      genes are first rotated onto their full-rank principal axes (PCA
      keeping all ``min(n_samples, n_genes)`` components, no truncation):
      the L2 penalty is rotation invariant and the optimal weights lie in
      the span of the training rows, so this is exactly the same model as on
      the genes themselves, but each fit of the grid works on at most
      ``n_samples`` components instead of every gene.
    - ``"svm_rbf"``: the best genes by ANOVA F on the training rows,
      standardised, then an RBF-kernel SVC (``C=1``, ``gamma="scale"``, the
      usual defaults for standardised data, balanced class weights) whose
      scores become probabilities by temperature scaling fitted on
      out-of-fold scores
      (:class:`~skgenecyt.model_selection.TemperatureCalibratedClassifier`;
      one SVC on all rows, so predicting costs one SVC). On all 15,000
      genes the RBF kernel suffers from distance concentration (every pair
      of samples is about equally far apart); the selection makes this
      baseline stronger, not weaker.
    - ``"random_forest"``: 500 trees, ``max_features="sqrt"``, balanced
      class weights; trees are scale invariant, so no standardisation.
    - ``"gradient_boosting"`` (when ``boosting=True``): histogram gradient
      boosting (scikit-learn's defaults except the smallest leaf, below),
      after the same gene selection as the SVM.

    **What follows the number of training rows.** Settings that suit a few
    hundred samples break with 15 to 60: a boosted tree whose leaves need 20
    samples cannot split 20 samples (every prediction is one constant), a
    strongly penalised logistic regression on 15,000 genes keeps little more
    than its intercept (one class predicted for everyone), 5-fold inner
    cross-validation needs five samples of each class. Each rule below is
    applied when a model is fitted, from the rows it is given, so it holds
    inside every fold of a cross-validation too ("n" is the number of
    training rows; the last column is the default synthetic cohort, 360
    samples, whose 5-fold cross-validation fits on 288):

    ====================  ======================================  ====  =====  ==========
    Setting               Rule                                    n=16  n=60   n=288/360
    ====================  ======================================  ====  =====  ==========
    Inner CV folds        ``min(5, smallest class)``, at least 2  <= 5  5      5
    Genes, SVM, boosting  10 per training row, at most 1,000      160   600    1,000
    Genes, logistic       50 per training row (all 15,000 genes   800   3,000  14,400/all
                          from 300 rows on)
    Boosted leaf          8 % of the rows, from 2 to 20           2     5      20
    Class weights         balanced (logistic regression, SVM,     --    --     --
                          forest), at every size
    SVM probabilities     temperature scaling, at every size      --    --     --
    ====================  ======================================  ====  =====  ==========

    The inner folds choose the logistic regression's ``C`` and fit the
    SVM's temperature.

    The class weights put the 0.5 threshold between the classes whatever
    the cohort's share of patients, so a heavily penalised model does not
    predict the majority class for everyone. Temperature scaling maps the
    SVM's scores by an increasing function: unlike a Platt sigmoid fitted on
    a few out-of-fold scores it cannot reverse the ranking, unlike isotonic
    regression it cannot flatten it to a constant. The selection rules keep
    fewer genes when there are fewer samples to rank them, and leave the
    default cohort's models as they were. The user guide
    (:ref:`benchmarking`) shows what these rules give on small cohorts.

    Parameters
    ----------
    random_state : int, RandomState instance or None, default=None
        Seeds every model's randomness (inner CV splits, SVM calibration
        folds, trees). An int gives the same models on every call.
    n_jobs : int or None, default=None
        Cores used by the random forest. Leave at None when the folds of a
        benchmark already run in parallel.
    boosting : bool, default=True
        Whether to include the gradient-boosted model.
    normalize : bool, default=False
        Whether every model starts with a
        :class:`~skgenecyt.preprocessing.QuantileNormalizer` step named
        ``"normalize"``: each sample's expression distribution is mapped onto
        a reference learned from the training rows, so that a model fitted on
        one study can score a study measured on another scale (see
        :ref:`cross_study`). False leaves the models as they are.

    Returns
    -------
    dict of str to estimator
        Unfitted estimators by name, in a stable order.

    Examples
    --------
    >>> from skgenecyt import default_baselines
    >>> sorted(default_baselines(random_state=0))
    ['gradient_boosting', 'logistic_regression', 'random_forest', 'svm_rbf']
    >>> list(default_baselines(normalize=True)["random_forest"].named_steps)
    ['normalize', 'forest']
    """
    seed = seed_from_random_state(random_state)
    inner_cv = AdaptiveStratifiedKFold(INNER_MAX_SPLITS, shuffle=True, random_state=seed)

    def start():  # a new normalisation step for every model
        return [("normalize", QuantileNormalizer())] if normalize else []

    logistic = Pipeline([
        *start(),
        ("select", SelectKPerSample(anova_f, genes_per_sample=LOGISTIC_GENES_PER_SAMPLE)),
        ("scale", StandardScaler()),
        ("rotate", PCA(svd_solver="full")),
        ("logistic", GridSearchCV(
            LogisticRegression(class_weight="balanced", max_iter=5000),
            param_grid={"C": list(LOGISTIC_C_GRID)}, scoring="roc_auc", cv=inner_cv,
        )),
    ])
    svm = Pipeline([
        *start(),
        ("select", _selection()),
        ("scale", StandardScaler()),
        ("svm", TemperatureCalibratedClassifier(
            SVC(kernel="rbf", C=1.0, gamma="scale", class_weight="balanced", random_state=seed),
            cv=inner_cv,
        )),
    ])
    forest = RandomForestClassifier(
        n_estimators=500, max_features="sqrt", class_weight="balanced", n_jobs=n_jobs,
        random_state=seed,
    )
    if normalize:
        forest = Pipeline([*start(), ("forest", forest)])
    models = {"logistic_regression": logistic, "svm_rbf": svm, "random_forest": forest}
    if boosting:
        models["gradient_boosting"] = Pipeline([
            *start(),
            ("select", _selection()),
            ("boosting", LeafScaledGradientBoosting(
                leaf_fraction=LEAF_FRACTION, max_leaf_size=MAX_LEAF_SIZE, random_state=seed,
            )),
        ])
    return models


def _selection():
    return SelectKPerSample(anova_f, genes_per_sample=GENES_PER_SAMPLE,
                            max_genes=SELECTED_N_GENES)

