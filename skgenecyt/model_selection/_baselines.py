"""Classical models that GeneCytNet is compared against."""

from __future__ import annotations

from numbers import Integral

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.decomposition import PCA
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.feature_selection import SelectKBest
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from skgenecyt._sklearn_compat import validate_params
from skgenecyt._training import seed_from_random_state
from skgenecyt.preprocessing import anova_f

#: Inverse regularisation strengths searched for the logistic regression.
LOGISTIC_C_GRID = tuple(float(c) for c in np.logspace(-5, 2, 15))

#: Genes kept (by in-fold ANOVA F) in front of the RBF SVM and the gradient-boosted model.
SELECTED_N_GENES = 1000


@validate_params(
    {"random_state": ["random_state"], "n_jobs": [Integral, None], "boosting": ["boolean"]},
    prefer_skip_nested_validation=True,
)
def default_baselines(random_state=None, *, n_jobs=None, boosting=True):
    """Fairly configured classical classifiers to compare GeneCytNet against.

    Every model takes the same input as GeneCytNet (samples x genes, e.g.
    log2 expression) and learns everything, scaling and tuning included,
    from the rows it is fitted on, so each can be cross-validated as is.

    - ``"logistic_regression"``: standardised genes, L2-penalised logistic
      regression whose ``C`` is chosen by an inner stratified 5-fold
      cross-validation on ROC AUC over ``1e-5 ... 100`` (15 values, log
      spaced). The standardised genes are first rotated onto their
      full-rank principal axes (PCA keeping all ``min(n_samples,
      n_genes)`` components, no truncation): the L2 penalty is rotation
      invariant and the optimal weights lie in the span of the training
      rows, so this is exactly the same model as on all genes, but each fit
      of the grid works on at most ``n_samples`` components instead of
      every gene, far faster when genes far outnumber samples.
    - ``"svm_rbf"``: the ``SELECTED_N_GENES`` (1,000) genes with the highest
      ANOVA F statistic on the training rows, standardised, then an
      RBF-kernel SVC (``C=1``, ``gamma="scale"``, the usual defaults for
      standardised data) whose scores are turned into probabilities by
      ``CalibratedClassifierCV`` (sigmoid, fitted on 5-fold out-of-fold
      scores, ``ensemble=False``: one SVC on all rows, so predicting costs
      one SVC, not five), the replacement for ``SVC(probability=True)``. On
      all 15,000 genes the RBF kernel suffers from distance concentration
      (every pair of samples is about equally far apart) and each kernel
      value costs 15 times more to compute; the selection makes this
      baseline stronger, not weaker.
    - ``"random_forest"``: 500 trees, ``max_features="sqrt"``; trees are
      scale invariant, so no standardisation.
    - ``"gradient_boosting"`` (when ``boosting=True``): histogram gradient
      boosting with default settings, after the same selection of 1,000
      genes. Histogram boosting over all 15,000 genes costs many times more
      per fit, and with a few hundred samples boosting cannot exploit more
      than a fraction of them.

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

    Returns
    -------
    dict of str to estimator
        Unfitted estimators by name, in a stable order.

    Examples
    --------
    >>> from skgenecyt import default_baselines
    >>> sorted(default_baselines(random_state=0))
    ['gradient_boosting', 'logistic_regression', 'random_forest', 'svm_rbf']
    """
    seed = seed_from_random_state(random_state)
    inner_cv = StratifiedKFold(n_splits=5, shuffle=True, random_state=seed)
    logistic = Pipeline([
        ("scale", StandardScaler()),
        ("rotate", PCA(svd_solver="full")),
        ("logistic", GridSearchCV(
            LogisticRegression(max_iter=5000),
            param_grid={"C": list(LOGISTIC_C_GRID)}, scoring="roc_auc", cv=inner_cv,
        )),
    ])
    svm = Pipeline([
        ("select", SelectKBest(anova_f, k=SELECTED_N_GENES)),
        ("scale", StandardScaler()),
        ("svm", CalibratedClassifierCV(
            SVC(kernel="rbf", C=1.0, gamma="scale", random_state=seed),
            method="sigmoid", cv=inner_cv, ensemble=False,
        )),
    ])
    forest = RandomForestClassifier(
        n_estimators=500, max_features="sqrt", n_jobs=n_jobs, random_state=seed,
    )
    models = {"logistic_regression": logistic, "svm_rbf": svm, "random_forest": forest}
    if boosting:
        models["gradient_boosting"] = Pipeline([
            ("select", SelectKBest(anova_f, k=SELECTED_N_GENES)),
            ("boosting", HistGradientBoostingClassifier(random_state=seed)),
        ])
    return models
