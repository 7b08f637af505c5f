"""benchmark()'s inputs: the cohorts, labels, models, cohorts of samples and splits."""

from __future__ import annotations

from numbers import Integral

import numpy as np
import pandas as pd
from sklearn.base import is_classifier
from sklearn.model_selection import LeaveOneGroupOut, RepeatedStratifiedKFold

from skgenecyt._validation import listing, warn_if_counts


def check_cv_args(cv, within_cv, n_repeats, grouped):
    """What validate_params cannot say: how many folds, which cv goes with groups, repeats."""
    if grouped:
        if isinstance(cv, Integral):
            raise ValueError(
                f"With groups, cv is a group splitter (None for leave-one-group-out, or e.g. "
                f"GroupKFold({cv})) or an iterable of (train, test); got cv={cv}. For "
                f"stratified k-fold cross-validation as well, pass within_cv={cv}."
            )
        if n_repeats != 1 and within_cv is None:
            raise ValueError("With groups, n_repeats applies only to within_cv; repeat your "
                             "group splitter instead.")
        return
    if within_cv is not None:
        raise ValueError("within_cv goes with groups (it adds stratified k-fold "
                         "cross-validation to the held-out cohorts); without groups, cv is "
                         "the k-fold.")
    if isinstance(cv, Integral) and cv < 2:
        raise ValueError(f"cv must be at least 2 folds; got cv={cv}.")
    if cv is not None and not isinstance(cv, Integral) and n_repeats != 1:
        raise ValueError("n_repeats applies only when cv is an int; repeat your splitter instead.")


def check_cohort(X, y, x_name, y_name):
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


def check_pos_label(pos_label, classes):
    if pos_label is None:
        return classes.tolist()[1]  # a plain Python label, e.g. 1 rather than np.int64(1)
    if pos_label not in classes:
        raise ValueError(f"pos_label={pos_label!r} is not one of the labels {classes.tolist()}.")
    return pos_label


def check_holdout(X, X_holdout, y_holdout, classes):
    if X_holdout is None and y_holdout is None:
        return None, None
    if X_holdout is None or y_holdout is None:
        raise ValueError("Give both X_holdout and y_holdout, or neither.")
    X_holdout, y_holdout, holdout_classes = check_cohort(
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


def named_estimators(estimators, seed):
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


def make_splits(cv, n_repeats, X, y, seed, classes, groups=None):
    """The (train, test) index pairs, and how many make one repetition of the k-fold.

    ``cv=None`` is stratified 5-fold, or leave-one-group-out when ``groups``
    is given; a splitter gets ``groups`` when they are given.
    """
    if cv is None:
        cv = LeaveOneGroupOut() if groups is not None else 5
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
    if not hasattr(cv, "split"):
        splits = list(cv)
    elif groups is None:
        splits = list(cv.split(X, y))
    else:
        splits = list(cv.split(X, y, groups))
    if not splits:
        raise ValueError("cv produced no split.")
    splits = [(np.asarray(train), np.asarray(test)) for train, test in splits]
    return splits, k_per_repeat or len(splits)


def check_groups(groups, X):
    """The cohort of every sample as a 1-d array; at least two cohorts."""
    if groups is None:
        return None
    if isinstance(X, pd.DataFrame) and isinstance(groups, pd.Series) and not (
            groups.index.equals(X.index)):
        raise ValueError(
            "The index of groups does not match the sample ids of X (in the same order); "
            "align them first, e.g. groups = groups.loc[X.index]."
        )
    groups = np.asarray(groups.to_numpy() if isinstance(groups, pd.Series | pd.DataFrame)
                        else groups)
    if groups.ndim == 2 and groups.shape[1] == 1:
        groups = groups.ravel()
    if groups.ndim != 1:
        raise ValueError(f"groups must be 1-d (the cohort of every sample); got shape "
                         f"{groups.shape}.")
    groups = np.array(groups.tolist(), dtype=object)  # plain Python names, e.g. str
    if groups.shape[0] != X.shape[0]:
        raise ValueError(f"X has {X.shape[0]} samples but groups has {groups.shape[0]} "
                         "entries; give the cohort of every sample.")
    missing = pd.isna(groups)
    if missing.any():
        raise ValueError(f"groups has {int(missing.sum())} missing value(s), the first at "
                         f"row {int(np.flatnonzero(missing)[0])}; give the cohort of every "
                         "sample.")
    names = pd.unique(groups)
    if names.size < 2:
        raise ValueError(
            f"groups names one cohort ({listing(names)}); holding cohorts out needs at "
            "least 2. For one cohort, leave groups out."
        )
    return groups


def check_group_splits(splits, groups):
    """Refuse splits that put samples of one cohort in both training and test rows."""
    for k, (train, test) in enumerate(splits):
        shared = pd.Index(pd.unique(groups[test])).intersection(pd.unique(groups[train]))
        if len(shared):
            raise ValueError(
                f"Split {k + 1} has samples of cohort(s) {listing(shared)} in both its "
                "training and its test rows; with groups, use a group splitter such as "
                "LeaveOneGroupOut or GroupKFold, which holds every cohort out whole."
            )


def cohort_table(groups, y01):
    """One row per cohort (in order of appearance): its samples and share of positives."""
    frame = pd.DataFrame({"cohort": groups, "positive": y01})
    table = frame.groupby("cohort", sort=False)["positive"].agg(["size", "mean"])
    return pd.DataFrame({"cohort": table.index, "n_samples": table["size"].to_numpy(),
                         "ra_share": table["mean"].to_numpy()})
