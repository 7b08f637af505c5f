"""benchmark(): every model on the very same splits, then on a holdout cohort."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable
from numbers import Integral, Real

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.utils import Bunch, check_random_state
from sklearn.utils.parallel import Parallel, delayed

from skgenecyt._sklearn_compat import (
    HasMethods,
    Interval,
    InvalidParameterError,
    _safe_indexing,
    validate_params,
)
from skgenecyt.model_selection._benchmark_inputs import (
    check_cohort,
    check_cv_args,
    check_group_splits,
    check_groups,
    check_holdout,
    check_pos_label,
    cohort_table,
    make_splits,
    named_estimators,
)
from skgenecyt.model_selection._benchmark_tables import (
    group_tables,
    holdout_tables,
    split_tables,
    summarise,
)
from skgenecyt.model_selection._flags import error_text
from skgenecyt.model_selection._flags import summary as flag_summary
from skgenecyt.model_selection._metrics import check_scoring_names


@validate_params(
    {
        "estimators": "no_validation",  # a dict or an iterable of classifiers: checked below
        "X": ["array-like", None],
        "y": ["array-like", None],
        "X_holdout": ["array-like", None],
        "y_holdout": ["array-like", None],
        "groups": ["array-like", None],
        "cv": [Integral, HasMethods(["split"]), Iterable, None],
        "within_cv": [Interval(Integral, 2, None, closed="left"), None],
        "n_repeats": [Interval(Integral, 1, None, closed="left")],
        "scoring": [str, "array-like"],
        "n_bootstrap": [Interval(Integral, 1, None, closed="left")],
        "confidence": [Interval(Real, 0, 1, closed="neither")],
        "pos_label": "no_validation",
        "n_jobs": [Integral, None],
        "random_state": ["random_state"],
        "return_details": ["boolean"],
        "verbose": ["verbose"],
    },
    # The models are fitted inside: their own parameter checks must run.
    prefer_skip_nested_validation=False,
)
def benchmark(estimators=None, X=None, y=None, X_holdout=None, y_holdout=None, *, groups=None,
              cv=None, within_cv=None, n_repeats=1, scoring=("roc_auc", "accuracy", "f1"),
              n_bootstrap=1000, confidence=0.95, pos_label=None, n_jobs=None,
              random_state=None, return_details=False, verbose=0):
    """Cross-validate several classifiers on identical splits and score them on a holdout.

    The splits are computed once (stratified k-fold, repeated ``n_repeats``
    times with one seed) and every model is fitted and scored on exactly the
    same training and test rows, so differences between models are not
    differences between splits. When a holdout cohort is given, every model
    is then fitted on all training rows and scored on the holdout, with
    percentile bootstrap confidence intervals; the bootstrap resamples are
    shared by all models (a paired bootstrap).

    **Several cohorts.** With ``groups`` (the cohort or study of every
    sample), each cohort is held out in turn (leave-one-group-out, or the
    group splitter given as ``cv``): the models are fitted on the other
    cohorts and every held-out cohort is scored on its own
    (``details.group_results``); the table gives the mean and SD over
    held-out cohorts. This is what a model does on a study it has not seen,
    which cross-validation within one study cannot tell: samples of one
    study share its laboratory, platform and patients. ``within_cv=k`` adds
    stratified k-fold cross-validation over all samples (cohorts mixed, as
    within-cohort CV sees them), for comparison. A held-out cohort of one
    class has no ROC AUC: it is flagged and its AUC left out of the mean.

    **Flags.** A model can give a number that means nothing: every test
    sample the same score (ROC AUC 0.500), one predicted class for every
    sample, or an error. The ``flags`` column names these. A model that
    fails on some splits is kept: its failed splits have NaN metrics (left
    out of the means) and are flagged. Only when every fit of every model
    fails does benchmark raise, and a model's own parameter error (an
    ``InvalidParameterError``, the same on every split) is raised at once,
    naming the model and the split.

    Each (model, split) fit is one joblib task: ``n_jobs`` runs them in
    parallel, and inside ``joblib.parallel_backend("dask")`` they run on a
    dask.distributed cluster. Results do not depend on ``n_jobs`` or the
    backend: every task fits a fresh clone with its own fixed seed.

    Parameters
    ----------
    estimators : dict of str to estimator, list of estimators or None, default=None
        The classifiers to compare (unfitted; each is cloned). A list gets
        names from the class names. None compares GeneCytNet
        (:func:`~skgenecyt.make_genecytnet`) with
        :func:`~skgenecyt.default_baselines`.
    X : array-like or DataFrame of shape (n_samples, n_features)
        Training cohort (e.g. log2 expression, samples x genes). DataFrames
        are passed to the models as they are, so gene names flow through.
    y : array-like of shape (n_samples,)
        Binary labels.
    X_holdout, y_holdout : array-like, default=None
        An independent cohort with the same features. Both or neither.
    groups : array-like of shape (n_samples,), default=None
        The cohort (study) of every sample, e.g. the ``groups`` of
        :func:`~skgenecyt.combine_cohorts`; at least two cohorts. A Series
        must be indexed like ``X``.
    cv : int, cross-validation splitter, iterable of (train, test) or None, default=None
        Number of stratified folds, or the splits themselves. A splitter or
        iterable is evaluated once and reused for every model. None means
        5 folds, or leave-one-group-out with ``groups``. With ``groups`` it
        must keep every cohort whole (e.g.
        :class:`~sklearn.model_selection.GroupKFold`); an int is refused.
    within_cv : int or None, default=None
        Only with ``groups``: also run stratified ``within_cv``-fold
        cross-validation over all samples (with the splits benchmark would
        use for ``cv=within_cv`` without groups).
    n_repeats : int, default=1
        Repetitions of the stratified k-fold split (an int ``cv``, or
        ``within_cv``).
    scoring : str or sequence of str, default=("roc_auc", "accuracy", "f1")
        Metrics among ``roc_auc``, ``accuracy``, ``balanced_accuracy``,
        ``f1``, ``precision``, ``recall`` and ``specificity``. ROC AUC uses
        ``predict_proba`` (or ``decision_function``); the others ``predict``.
    n_bootstrap : int, default=1000
        Bootstrap resamples of the holdout rows for the confidence intervals.
    confidence : float, default=0.95
        Level of the percentile bootstrap intervals.
    pos_label : label or None, default=None
        The positive class (RA). None takes the greater of the two sorted
        labels, i.e. 1 for 0/1 labels.
    n_jobs : int or None, default=None
        (model, split) fits run in parallel. None means 1 unless a
        ``joblib.parallel_backend`` context says otherwise; -1 uses all cores.
    random_state : int, RandomState instance or None, default=None
        Drives the splits, the default models' seeds and the bootstrap.
    return_details : bool, default=False
        Also return a :class:`~sklearn.utils.Bunch` with the per-split
        scores, the predictions and the fitted models (see Returns).
    verbose : int, default=0
        When > 0, print a line on stderr as each fit finishes.

    Returns
    -------
    table : DataFrame
        One row per model (in the given order) with columns ``model``,
        ``n_splits``, ``cv_<metric>_mean`` and ``cv_<metric>_sd`` (sample SD
        over the splits), ``fit_time_mean``, ``fit_time_sd``,
        ``predict_time_mean`` (seconds per split) and, with a holdout,
        ``holdout_<metric>``, ``holdout_<metric>_ci_low``,
        ``holdout_<metric>_ci_high``, ``holdout_fit_time`` and
        ``holdout_predict_time``. With ``groups``, ``n_cohorts`` (held-out
        cohorts scored) follows ``n_splits`` and the ``cv_`` columns are
        over held-out cohorts; with ``within_cv``, ``within_n_splits``,
        ``within_<metric>_mean`` and ``within_<metric>_sd`` follow the
        times. The last column, ``flags``, is empty for clean results and
        otherwise names, separated by ``"; "``: ``constant scores in k/n
        splits`` (all scores of a test set equal), ``one class predicted in
        k/n splits`` (the test rows hold both classes), ``failed in k/n
        splits, first: <error type>: <message>`` and ``test rows of one
        class in k/n splits, no AUC``; with ``groups`` they count held-out
        cohorts and name them; problems of ``within_cv`` start with
        ``within-cohort CV:``, those of the holdout with ``holdout:``.
    details : Bunch
        Only when ``return_details=True``. ``cv_results`` (one row per model
        and split, its flags in ``flags``; with ``groups`` the held-out
        cohorts in ``held_out``), ``cv_predictions`` (out-of-fold scores,
        long format; NaN where a split failed; with ``groups`` a ``cohort``
        column), ``group_results`` (with ``groups``: one row per model,
        split and held-out cohort with ``cohort``, ``n_samples``,
        ``ra_share`` (share of the positive class), the metrics and
        ``flags``; else None), ``cohorts`` (with ``groups``: ``cohort``,
        ``n_samples`` and ``ra_share`` of every cohort; else None),
        ``within_results``, ``within_predictions`` and ``within_splits``
        (as ``cv_results``, ``cv_predictions`` and ``splits``, for
        ``within_cv``; else None), ``holdout_predictions`` (a DataFrame
        indexed like the holdout, column ``y_true`` (0/1) and one column of
        positive-class scores per model), ``holdout_bootstrap`` (dict model
        -> DataFrame of the bootstrap metric values), ``estimators`` (dict
        model -> model fitted on all training rows; only with a holdout),
        ``flags`` (dict model -> dict with the lists of flag texts ``cv``,
        ``within`` and ``holdout``), ``splits`` (list of (train, test) index
        arrays), ``seeds`` (of the splits, the default models, None for
        models given, and the bootstrap), ``class_counts`` (dict label ->
        samples of the training cohort), ``pos_label`` and ``scoring``.

    Raises
    ------
    ValueError
        For invalid arguments (the message names the problem), and when every
        fit of every model failed (the first error is quoted).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.dummy import DummyClassifier
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.naive_bayes import GaussianNB
    >>> from skgenecyt import benchmark
    >>> X, y = make_classification(n_samples=120, n_features=20, random_state=0)
    >>> table = benchmark({"logistic": LogisticRegression(), "naive_bayes": GaussianNB()},
    ...                   X[:80], y[:80], X[80:], y[80:], cv=4, random_state=0)
    >>> table[["model", "cv_roc_auc_mean", "holdout_roc_auc"]].round(2).shape
    (2, 3)

    A model that scores every sample alike is flagged:

    >>> table = benchmark({"dummy": DummyClassifier()}, X, y, cv=4, random_state=0)
    >>> table.loc[0, "flags"]
    'constant scores in 4/4 splits; one class predicted in 4/4 splits'

    Four cohorts, each held out in turn:

    >>> groups = np.repeat(["A", "B", "C", "D"], 30)
    >>> table, details = benchmark([LogisticRegression()], X, y, groups=groups,
    ...                            return_details=True)
    >>> details.group_results[["cohort", "n_samples"]].values.tolist()
    [['A', 30], ['B', 30], ['C', 30], ['D', 30]]
    """
    names = check_scoring_names(scoring)
    grouped = groups is not None
    check_cv_args(cv, within_cv, n_repeats, grouped)
    X, y, classes = check_cohort(X, y, "X", "y")
    groups = check_groups(groups, X)
    pos_label = check_pos_label(pos_label, classes)
    X_holdout, y_holdout = check_holdout(X, X_holdout, y_holdout, classes)
    has_holdout = X_holdout is not None

    rng = check_random_state(random_state)
    seeds = dict(zip(("splits", "models", "bootstrap"),
                     (int(s) for s in rng.randint(np.iinfo(np.int32).max, size=3))))
    models = named_estimators(estimators, seeds["models"])
    if estimators is not None:
        seeds["models"] = None  # the given models keep their own random_state
    splits, k_per_repeat = make_splits(cv, n_repeats, X, y, seeds["splits"], classes, groups)
    parts = {"cv": splits}
    if grouped:
        check_group_splits(splits, groups)
        if within_cv is not None:
            parts["within"], within_k = make_splits(within_cv, n_repeats, X, y,
                                                    seeds["splits"], classes)

    tasks = [(name, part, k, train, test) for name in models
             for part, part_splits in parts.items()
             for k, (train, test) in enumerate(part_splits)]
    if has_holdout:
        tasks += [(name, "holdout", None, None, None) for name in models]
    outputs = Parallel(n_jobs=n_jobs, return_as="generator")(
        delayed(_fit_and_predict)(
            models[name], X, y, train, test, pos_label,
            f"model {name!r} failed on {_where_text(part, k)}",
            X_holdout=X_holdout if part == "holdout" else None,
            keep_model=return_details and part == "holdout",
        )
        for name, part, k, train, test in tasks
    )
    results = {}
    for (name, part, k, _, _), out in zip(tasks, outputs):
        results[name, part, k] = out
        if verbose:
            status = (f"fit {out['fit_time']:.1f} s" if out["error"] is None
                      else f"failed: {out['error']}")
            print(f"[benchmark] {name}: {_where_text(part, k, len(parts.get(part, ())))} "
                  f"done ({status})", file=sys.stderr, flush=True)
    _check_not_all_failed(tasks, results)

    y01 = (y == pos_label).astype(int)
    sample_ids = X.index.to_numpy() if isinstance(X, pd.DataFrame) else np.arange(X.shape[0])
    cv_results, cv_predictions, cv_flags = split_tables(
        models, splits, k_per_repeat, results, "cv", y01, names, sample_ids, groups)
    details = Bunch(cv_results=cv_results, cv_predictions=cv_predictions, group_results=None,
                    cohorts=None, within_results=None, within_predictions=None,
                    within_splits=None, holdout_predictions=None, holdout_bootstrap={},
                    estimators={}, flags={}, splits=splits, seeds=seeds,
                    class_counts={c: int(np.sum(y == c)) for c in classes},
                    pos_label=pos_label, scoring=names)
    within_flags = holdout_flags = cohort_names = None
    if grouped:
        details.group_results, cv_flags, cohort_names = group_tables(
            models, splits, results, y01, names, groups)
        details.cohorts = cohort_table(groups, y01)
    if "within" in parts:
        details.within_splits = parts["within"]
        details.within_results, details.within_predictions, within_flags = split_tables(
            models, parts["within"], within_k, results, "within", y01, names, sample_ids)
    table = summarise(models, cv_results, names, details.group_results,
                      details.within_results)
    if has_holdout:
        holdout = holdout_tables(models, results, y_holdout, X_holdout, pos_label, names,
                                 n_bootstrap, confidence, seeds["bootstrap"])
        table = table.merge(holdout.table, on="model", how="left")
        holdout_flags = holdout.flags
        details.holdout_predictions = holdout.predictions
        details.holdout_bootstrap = holdout.bootstrap
        details.estimators = {name: results[name, "holdout", None]["model"] for name in models
                              if results[name, "holdout", None]["model"] is not None}
    details.flags = {name: _flag_texts(name, cv_flags, within_flags, holdout_flags,
                                       cohort_names) for name in models}
    table["flags"] = [_flags_cell(details.flags[name]) for name in models]
    return (table, details) if return_details else table


# -- one task ------------------------------------------------------------------------------

def _fit_and_predict(estimator, X, y, train, test, pos_label, context, *, X_holdout=None,
                     keep_model=False):
    """Fit a clone on the training rows; positive-class scores and labels on the test rows.

    For the holdout task (``train is None``) it fits on all of X and predicts
    ``X_holdout``. A model's own parameter error is raised with ``context``
    (it is the user's, and fails every split alike); any other error is
    returned as text, with NaN scores and predictions, for the flags.
    """
    if train is None:
        X_fit, y_fit, X_test = X, y, X_holdout
    else:
        X_fit, y_fit = _safe_indexing(X, train), y[train]
        X_test = _safe_indexing(X, test)
    model = clone(estimator)
    try:
        start = time.perf_counter()
        model.fit(X_fit, y_fit)
        fit_time = time.perf_counter() - start
        start = time.perf_counter()
        y_score = _positive_scores(model, X_test, pos_label)
        y_pred = (np.asarray(model.predict(X_test)) == pos_label).astype(int)
        predict_time = time.perf_counter() - start
    except InvalidParameterError as exc:
        raise _ModelParameterError(f"{context}: {exc}") from exc
    except Exception as exc:
        missing = np.full(X_test.shape[0], np.nan)
        return {"fit_time": np.nan, "predict_time": np.nan, "y_score": missing,
                "y_pred": missing, "model": None, "error": error_text(exc),
                "error_message": f"{context}: {exc}"}
    return {"fit_time": fit_time, "predict_time": predict_time, "y_score": y_score,
            "y_pred": y_pred, "model": model if keep_model else None, "error": None}


def _positive_scores(model, X, pos_label):
    classes = list(model.classes_)
    if hasattr(model, "predict_proba"):
        return np.asarray(model.predict_proba(X))[:, classes.index(pos_label)]
    scores = np.asarray(model.decision_function(X)).ravel()
    return scores if classes.index(pos_label) == 1 else -scores


class _ModelParameterError(ValueError, TypeError):
    """A model's own parameter error, raised again with the model and split named.

    Not an InvalidParameterError: validate_params would rename the model's
    class in its message to ``benchmark`` (a parameter of the model is not one
    of benchmark's).
    """


def _where_text(part, k, n_splits=None):
    if part == "holdout":
        return "the full training cohort (for the holdout)"
    text = f"split {k + 1}" + (f"/{n_splits}" if n_splits else "")
    return f"within-cohort {text}" if part == "within" else text


def _check_not_all_failed(tasks, results):
    """Nothing to compare when every fit failed: raise the first error."""
    failed = [results[name, part, k] for name, part, k, _, _ in tasks
              if results[name, part, k]["error"] is not None]
    if len(failed) == len(tasks):
        raise ValueError(f"Every fit failed, so there is nothing to compare. The first: "
                         f"{failed[0]['error_message']}")


def _flag_texts(name, cv_flags, within_flags, holdout_flags, cohort_names):
    """A model's flags as texts, per part: ``{"cv": [...], "within": [...], "holdout": [...]}``."""
    unit = "splits" if cohort_names is None else "held-out cohorts"
    names = None if cohort_names is None else cohort_names[name]
    return {
        "cv": flag_summary(cv_flags[name], unit=unit, names=names),
        "within": [] if within_flags is None else flag_summary(within_flags[name]),
        "holdout": [] if holdout_flags is None or not holdout_flags[name]
        else [holdout_flags[name]],
    }


def _flags_cell(texts):
    """All of a model's flags in one table cell; empty when its results are clean."""
    return "; ".join([*texts["cv"], *(f"within-cohort CV: {t}" for t in texts["within"]),
                      *(f"holdout: {t}" for t in texts["holdout"])])
