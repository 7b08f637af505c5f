"""benchmark(): every model on the very same splits, then on a holdout cohort."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable
from numbers import Integral, Real

import numpy as np
import pandas as pd
from sklearn.base import clone, is_classifier
from sklearn.model_selection import RepeatedStratifiedKFold
from sklearn.utils import Bunch, check_random_state
from sklearn.utils.parallel import Parallel, delayed

from skgenecyt._sklearn_compat import (
    HasMethods,
    Interval,
    InvalidParameterError,
    _safe_indexing,
    validate_params,
)
from skgenecyt._validation import warn_if_counts
from skgenecyt.model_selection._metrics import bootstrap_weights, check_scoring_names, score_all


@validate_params(
    {
        "estimators": "no_validation",  # a dict or an iterable of classifiers: checked below
        "X": ["array-like", None],
        "y": ["array-like", None],
        "X_holdout": ["array-like", None],
        "y_holdout": ["array-like", None],
        "cv": [Integral, HasMethods(["split"]), Iterable],
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
def benchmark(estimators=None, X=None, y=None, X_holdout=None, y_holdout=None, *, cv=5,
              n_repeats=1, scoring=("roc_auc", "accuracy", "f1"), n_bootstrap=1000,
              confidence=0.95, pos_label=None, n_jobs=None, random_state=None,
              return_details=False, verbose=0):
    """Cross-validate several classifiers on identical splits and score them on a holdout.

    The splits are computed once (stratified k-fold, repeated ``n_repeats``
    times with one seed) and every model is fitted and scored on exactly the
    same training and test rows, so differences between models are not
    differences between splits. When a holdout cohort is given, every model
    is then fitted on all training rows and scored on the holdout, with
    percentile bootstrap confidence intervals; the bootstrap resamples are
    shared by all models (a paired bootstrap).

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
    cv : int, cross-validation splitter or iterable of (train, test), default=5
        Number of stratified folds, or the splits themselves. A splitter or
        iterable is evaluated once and reused for every model.
    n_repeats : int, default=1
        Repetitions of the k-fold split (only when ``cv`` is an int).
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
        ``holdout_predict_time``.
    details : Bunch
        Only when ``return_details=True``. ``cv_results`` (one row per model
        and split), ``cv_predictions`` (out-of-fold scores, long format),
        ``holdout_predictions`` (a DataFrame indexed like the holdout, column
        ``y_true`` (0/1) and one column of positive-class scores per model),
        ``holdout_bootstrap`` (dict model -> DataFrame of the bootstrap
        metric values), ``estimators`` (dict model -> model fitted on all
        training rows; only with a holdout), ``splits`` (list of (train,
        test) index arrays), ``seeds`` (of the splits, the default models,
        None for models given, and the bootstrap), ``pos_label`` and
        ``scoring``.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.naive_bayes import GaussianNB
    >>> from skgenecyt import benchmark
    >>> X, y = make_classification(n_samples=120, n_features=20, random_state=0)
    >>> table = benchmark({"logistic": LogisticRegression(), "naive_bayes": GaussianNB()},
    ...                   X[:80], y[:80], X[80:], y[80:], cv=4, random_state=0)
    >>> table[["model", "cv_roc_auc_mean", "holdout_roc_auc"]].round(2).shape
    (2, 3)
    """
    names = check_scoring_names(scoring)
    _check_cv_args(cv, n_repeats)
    X, y, classes = _check_cohort(X, y, "X", "y")
    pos_label = _check_pos_label(pos_label, classes)
    X_holdout, y_holdout = _check_holdout(X, X_holdout, y_holdout, classes)
    has_holdout = X_holdout is not None

    rng = check_random_state(random_state)
    seeds = dict(zip(("splits", "models", "bootstrap"),
                     (int(s) for s in rng.randint(np.iinfo(np.int32).max, size=3))))
    models = _named_estimators(estimators, seeds["models"])
    if estimators is not None:
        seeds["models"] = None  # the given models keep their own random_state
    splits, k_per_repeat = _make_splits(cv, n_repeats, X, y, seeds["splits"], classes)

    tasks = [(name, k, train, test) for name in models for k, (train, test) in enumerate(splits)]
    if has_holdout:
        tasks += [(name, "holdout", None, None) for name in models]
    outputs = Parallel(n_jobs=n_jobs, return_as="generator")(
        delayed(_fit_and_predict)(
            models[name], X, y, train, test, pos_label, name, where,
            X_holdout=X_holdout if where == "holdout" else None,
            keep_model=return_details and where == "holdout",
        )
        for name, where, train, test in tasks
    )
    results = {}
    for (name, where, _, _), out in zip(tasks, outputs):
        results[name, where] = out
        if verbose:
            print(f"[benchmark] {name}: {_where_text(where, len(splits))} done "
                  f"(fit {out['fit_time']:.1f} s)", file=sys.stderr, flush=True)

    y01 = (y == pos_label).astype(int)
    cv_results, cv_predictions = _cv_tables(
        models, splits, k_per_repeat, results, y01, names, X
    )
    table = _summarise(models, cv_results, names)
    details = Bunch(cv_results=cv_results, cv_predictions=cv_predictions,
                    holdout_predictions=None, holdout_bootstrap={}, estimators={},
                    splits=splits, seeds=seeds, pos_label=pos_label, scoring=names)
    if has_holdout:
        holdout = _holdout_tables(models, results, y_holdout, X_holdout, pos_label, names,
                                  n_bootstrap, confidence, seeds["bootstrap"])
        table = table.merge(holdout.table, on="model", how="left")
        details.holdout_predictions = holdout.predictions
        details.holdout_bootstrap = holdout.bootstrap
        details.estimators = {name: results[name, "holdout"]["model"] for name in models
                              if results[name, "holdout"]["model"] is not None}
    return (table, details) if return_details else table


# -- checks ---------------------------------------------------------------------------------

def _check_cv_args(cv, n_repeats):
    """What validate_params cannot say: how many folds, and repeats of an int cv only."""
    if isinstance(cv, Integral) and cv < 2:
        raise ValueError(f"cv must be at least 2 folds; got cv={cv}.")
    if not isinstance(cv, Integral) and n_repeats != 1:
        raise ValueError("n_repeats applies only when cv is an int; repeat your splitter instead.")


def _check_cohort(X, y, x_name, y_name):
    if X is None or y is None:
        raise ValueError(f"benchmark needs both {x_name} and {y_name}.")
    if not hasattr(X, "shape"):
        X = np.asarray(X)
    if len(X.shape) != 2:
        raise ValueError(f"{x_name} must be 2-d (samples x features); got shape {X.shape}.")
    warn_if_counts(X)
    n_labels = y.shape[0] if hasattr(y, "shape") else len(y)
    if n_labels != X.shape[0]:
        raise ValueError(f"{x_name} has {X.shape[0]} samples but {y_name} has {n_labels} labels.")
    if isinstance(X, pd.DataFrame) and isinstance(y, pd.Series | pd.DataFrame) and not (
            y.index.equals(X.index)):
        raise ValueError(
            f"The index of {y_name} does not match the sample ids of {x_name} (in the same "
            f"order); align them first, e.g. {y_name} = {y_name}.loc[{x_name}.index]."
        )
    y = np.asarray(y.to_numpy() if isinstance(y, pd.Series | pd.DataFrame) else y)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y.ravel()
    if y.ndim != 1:
        raise ValueError(f"{y_name} must be 1-d; got shape {y.shape}.")
    if pd.isna(y).any():
        raise ValueError(f"{y_name} contains missing labels.")
    classes = np.unique(y)
    if classes.size != 2:
        raise ValueError(
            f"benchmark compares binary classifiers; {y_name} has {classes.size} "
            f"class(es): {classes.tolist()[:10]}."
        )
    return X, y, classes


def _check_pos_label(pos_label, classes):
    if pos_label is None:
        return classes[1]
    if pos_label not in classes:
        raise ValueError(f"pos_label={pos_label!r} is not one of the labels {classes.tolist()}.")
    return pos_label


def _check_holdout(X, X_holdout, y_holdout, classes):
    if X_holdout is None and y_holdout is None:
        return None, None
    if X_holdout is None or y_holdout is None:
        raise ValueError("Give both X_holdout and y_holdout, or neither.")
    X_holdout, y_holdout, holdout_classes = _check_cohort(
        X_holdout, y_holdout, "X_holdout", "y_holdout"
    )
    if set(holdout_classes) != set(classes):
        raise ValueError(
            f"y_holdout has labels {holdout_classes.tolist()} but y has {classes.tolist()}."
        )
    if isinstance(X, pd.DataFrame) and isinstance(X_holdout, pd.DataFrame):
        missing = X.columns.difference(X_holdout.columns, sort=False)
        extra = X_holdout.columns.difference(X.columns, sort=False)
        if len(missing) or len(extra):
            raise ValueError(
                f"X_holdout's features differ from X's: {len(missing)} missing "
                f"{list(missing[:10])}, {len(extra)} extra {list(extra[:10])}."
            )
        if not X_holdout.columns.equals(X.columns):
            raise ValueError("X_holdout has X's features in another order; reorder its "
                             "columns first, e.g. X_holdout = X_holdout[X.columns].")
    if X_holdout.shape[1] != X.shape[1]:
        raise ValueError(
            f"X_holdout has {X_holdout.shape[1]} features but X has {X.shape[1]}."
        )
    return X_holdout, y_holdout


def _named_estimators(estimators, seed):
    if estimators is None:
        from skgenecyt.model_selection._baselines import default_baselines
        from skgenecyt.pipeline import make_genecytnet

        return {"GeneCytNet": make_genecytnet(random_state=seed),
                **default_baselines(random_state=seed)}
    if isinstance(estimators, dict):
        models = dict(estimators)
    elif hasattr(estimators, "fit"):
        raise TypeError(
            "estimators must be a dict name -> estimator or a list of estimators; "
            f"got a single {type(estimators).__name__}: wrap it in a list."
        )
    else:
        models = {}
        for est in estimators:
            name, k = type(est).__name__, 2
            while name in models:
                name, k = f"{type(est).__name__}_{k}", k + 1
            models[name] = est
    if not models:
        raise ValueError("estimators is empty: give at least one classifier.")
    for name, est in models.items():
        if not isinstance(name, str):
            raise TypeError(f"Model names must be str; got {name!r}.")
        if not hasattr(est, "fit") or not is_classifier(est):
            raise TypeError(f"Model {name!r} ({type(est).__name__}) is not a classifier.")
    return models


def _make_splits(cv, n_repeats, X, y, seed, classes):
    """The (train, test) index pairs, and how many make one repetition of the k-fold."""
    k_per_repeat = None
    if isinstance(cv, Integral):
        k_per_repeat = int(cv)
        smallest = min(int(np.sum(y == c)) for c in classes)
        if smallest < cv:
            raise ValueError(
                f"cv={cv} folds need at least {cv} samples of each class; the smallest "
                f"class has {smallest}. Use fewer folds."
            )
        cv = RepeatedStratifiedKFold(n_splits=cv, n_repeats=n_repeats, random_state=seed)
    splits = list(cv.split(X, y)) if hasattr(cv, "split") else list(cv)
    if not splits:
        raise ValueError("cv produced no split.")
    splits = [(np.asarray(train), np.asarray(test)) for train, test in splits]
    return splits, k_per_repeat or len(splits)


# -- one task ------------------------------------------------------------------------------

def _fit_and_predict(estimator, X, y, train, test, pos_label, name, where, *,
                     X_holdout=None, keep_model=False):
    """Fit a clone on the training rows; positive-class scores and labels on the test rows.

    For the holdout task (``where == "holdout"``) it fits on all of X and
    predicts ``X_holdout``.
    """
    if where == "holdout":
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
        y_pred = np.asarray(model.predict(X_test)) == pos_label
        predict_time = time.perf_counter() - start
    except Exception as exc:
        raise _with_context(exc, f"model {name!r} failed on {_where_text(where)}") from exc
    return {"fit_time": fit_time, "predict_time": predict_time, "y_score": y_score,
            "y_pred": y_pred.astype(int), "model": model if keep_model else None}


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


def _with_context(exc, context):
    """The same exception type with ``context`` prefixed, or the original when impossible."""
    kind = _ModelParameterError if isinstance(exc, InvalidParameterError) else type(exc)
    try:
        return kind(f"{context}: {exc}")
    except Exception:
        return exc


def _where_text(where, n_splits=None):
    if where == "holdout":
        return "the full training cohort (for the holdout)"
    return f"split {where + 1}" + (f"/{n_splits}" if n_splits else "")


# -- tables ------------------------------------------------------------------------------

def _cv_tables(models, splits, k_per_repeat, results, y01, names, X):
    rows, preds = [], []
    sample_ids = X.index.to_numpy() if isinstance(X, pd.DataFrame) else np.arange(X.shape[0])
    for name in models:
        for k, (train, test) in enumerate(splits):
            out = results[name, k]
            scores = score_all(names, y01[test], out["y_score"], out["y_pred"])
            rows.append({
                "model": name, "split": k, "repeat": k // k_per_repeat,
                "fold": k % k_per_repeat, "n_train": len(train), "n_test": len(test),
                **{m: float(v[0]) for m, v in scores.items()},
                "fit_time": out["fit_time"], "predict_time": out["predict_time"],
            })
            preds.append(pd.DataFrame({
                "model": name, "split": k, "sample": sample_ids[test], "y_true": y01[test],
                "y_score": out["y_score"], "y_pred": out["y_pred"],
            }))
    return pd.DataFrame(rows), pd.concat(preds, ignore_index=True)


def _summarise(models, cv_results, names):
    rows = []
    for name in models:
        part = cv_results[cv_results["model"] == name]
        row = {"model": name, "n_splits": len(part)}
        for m in names:
            row[f"cv_{m}_mean"] = part[m].mean()
            row[f"cv_{m}_sd"] = part[m].std(ddof=1) if len(part) > 1 else np.nan
        row["fit_time_mean"] = part["fit_time"].mean()
        row["fit_time_sd"] = part["fit_time"].std(ddof=1) if len(part) > 1 else np.nan
        row["predict_time_mean"] = part["predict_time"].mean()
        rows.append(row)
    return pd.DataFrame(rows)


def _holdout_tables(models, results, y_holdout, X_holdout, pos_label, names, n_bootstrap,
                    confidence, seed):
    y01 = (y_holdout == pos_label).astype(int)
    index = X_holdout.index if isinstance(X_holdout, pd.DataFrame) else None
    predictions = pd.DataFrame({"y_true": y01}, index=index)
    W = bootstrap_weights(y01.size, n_bootstrap, np.random.default_rng(seed))
    alpha = (1.0 - confidence) / 2.0
    rows, bootstrap = [], {}
    for name in models:
        out = results[name, "holdout"]
        predictions[name] = out["y_score"]
        point = score_all(names, y01, out["y_score"], out["y_pred"])
        boot = score_all(names, y01, out["y_score"], out["y_pred"], W)
        bootstrap[name] = pd.DataFrame(boot)
        row = {"model": name}
        for m in names:
            row[f"holdout_{m}"] = float(point[m][0])
            row[f"holdout_{m}_ci_low"] = float(np.nanquantile(boot[m], alpha))
            row[f"holdout_{m}_ci_high"] = float(np.nanquantile(boot[m], 1.0 - alpha))
        row["holdout_fit_time"] = out["fit_time"]
        row["holdout_predict_time"] = out["predict_time"]
        rows.append(row)
    return Bunch(table=pd.DataFrame(rows), predictions=predictions, bootstrap=bootstrap)
