"""benchmark(): identical splits, correct summaries, holdout CIs, parallel backends."""

import joblib
import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression, RidgeClassifier
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import RepeatedStratifiedKFold, cross_validate
from sklearn.naive_bayes import GaussianNB
from sklearn.tree import DecisionTreeClassifier

from skgenecyt import benchmark


@pytest.fixture(scope="module")
def cohort():
    X, y = make_classification(n_samples=150, n_features=12, n_informative=4,
                               weights=[0.4], random_state=0)
    X = pd.DataFrame(X, columns=[f"G{i}" for i in range(12)],
                     index=[f"S{i}" for i in range(150)])
    y = pd.Series(y, index=X.index)
    return X.iloc[:100], y.iloc[:100], X.iloc[100:], y.iloc[100:]


def models():
    return {"logistic": LogisticRegression(), "bayes": GaussianNB(),
            "tree": DecisionTreeClassifier(max_depth=3, random_state=0)}


def test_table_has_one_row_per_model_and_every_column(cohort):
    X, y, Xh, yh = cohort
    table = benchmark(models(), X, y, Xh, yh, cv=4, random_state=0, n_bootstrap=200)
    assert table["model"].tolist() == ["logistic", "bayes", "tree"]
    for m in ("roc_auc", "accuracy", "f1"):
        for col in (f"cv_{m}_mean", f"cv_{m}_sd", f"holdout_{m}", f"holdout_{m}_ci_low",
                    f"holdout_{m}_ci_high"):
            assert table[col].notna().all(), col
        assert (table[f"holdout_{m}_ci_low"] <= table[f"holdout_{m}"]).all()
        assert (table[f"holdout_{m}"] <= table[f"holdout_{m}_ci_high"]).all()
    assert (table["n_splits"] == 4).all()
    assert (table[["fit_time_mean", "predict_time_mean", "holdout_fit_time"]] > 0).all().all()
    # informative features: a real signal, not a perfect one
    assert 0.7 < table.loc[0, "cv_roc_auc_mean"] < 1.0


def test_every_model_gets_identical_splits(cohort):
    X, y, _, _ = cohort
    # Two copies of one model can only score identically on every split if
    # they were trained and tested on the same rows.
    table, details = benchmark({"a": LogisticRegression(C=0.1), "b": LogisticRegression(C=0.1),
                                "bayes": GaussianNB()},
                               X, y, cv=5, n_repeats=2, random_state=3, return_details=True)
    res = details.cv_results
    cols = ["roc_auc", "accuracy", "f1"]
    np.testing.assert_array_equal(res.loc[res.model == "a", cols].to_numpy(),
                                  res.loc[res.model == "b", cols].to_numpy())
    preds = details.cv_predictions
    for split in range(10):
        samples = [preds[(preds.model == m) & (preds.split == split)]["sample"].tolist()
                   for m in ("a", "b", "bayes")]
        assert samples[0] == samples[1] == samples[2]
    # the splits are RepeatedStratifiedKFold with the recorded seed, used for fitting too
    splitter = RepeatedStratifiedKFold(n_splits=5, n_repeats=2,
                                       random_state=details.seeds["splits"])
    for (train, test), (train2, test2) in zip(details.splits, splitter.split(X, y)):
        np.testing.assert_array_equal(train, train2)
        np.testing.assert_array_equal(test, test2)
    ref = cross_validate(GaussianNB(), X, y, cv=details.splits, scoring="roc_auc")
    np.testing.assert_allclose(res.loc[res.model == "bayes", "roc_auc"], ref["test_score"])
    assert res.loc[res.model == "a", "repeat"].tolist() == [0] * 5 + [1] * 5
    assert res.loc[res.model == "a", "fold"].tolist() == list(range(5)) * 2
    assert table.loc[0, "cv_roc_auc_mean"] == pytest.approx(
        res.loc[res.model == "a", "roc_auc"].mean())
    assert table.loc[0, "cv_roc_auc_sd"] == pytest.approx(
        res.loc[res.model == "a", "roc_auc"].std(ddof=1))


def test_same_seed_same_table_and_n_jobs_does_not_change_results(cohort):
    X, y, Xh, yh = cohort
    cols = ["cv_roc_auc_mean", "cv_f1_sd", "holdout_roc_auc", "holdout_roc_auc_ci_low"]
    one = benchmark(models(), X, y, Xh, yh, cv=3, random_state=7, n_bootstrap=100)
    two = benchmark(models(), X, y, Xh, yh, cv=3, random_state=7, n_bootstrap=100, n_jobs=2)
    pd.testing.assert_frame_equal(one[cols], two[cols])


def test_details_keep_holdout_predictions_and_fitted_models(cohort):
    X, y, Xh, yh = cohort
    _table, details = benchmark(models(), X, y, Xh, yh, cv=3, random_state=0,
                               n_bootstrap=50, return_details=True)
    preds = details.holdout_predictions
    assert preds.index.equals(Xh.index)
    assert list(preds.columns) == ["y_true", "logistic", "bayes", "tree"]
    fitted = details.estimators["logistic"]
    assert list(fitted.feature_names_in_) == list(X.columns)  # DataFrames flow through
    np.testing.assert_allclose(preds["logistic"], fitted.predict_proba(Xh)[:, 1])
    assert details.holdout_bootstrap["bayes"].shape == (50, 3)
    assert set(details.seeds) == {"splits", "models", "bootstrap"}


def test_decision_function_models_and_string_labels(cohort):
    X, y, Xh, yh = cohort
    labels = np.array(["control", "RA"])
    table = benchmark([RidgeClassifier(), GaussianNB()], X, labels[y], Xh, labels[yh],
                      cv=3, pos_label="RA", random_state=0, n_bootstrap=50)
    assert table["model"].tolist() == ["RidgeClassifier", "GaussianNB"]
    flipped = benchmark([RidgeClassifier()], X, labels[y], Xh, labels[yh], cv=3,
                        pos_label="control", random_state=0, n_bootstrap=50)
    # the AUC of the other class is the same ranking read backwards
    assert table.loc[0, "holdout_roc_auc"] == pytest.approx(flipped.loc[0, "holdout_roc_auc"])
    expected = roc_auc_score(yh, RidgeClassifier().fit(X, y).decision_function(Xh))
    assert table.loc[0, "holdout_roc_auc"] == pytest.approx(expected)


def test_without_holdout_there_are_no_holdout_columns(cohort):
    X, y, _, _ = cohort
    table = benchmark([GaussianNB()], X, y, cv=3, scoring="roc_auc", random_state=0)
    assert not any(c.startswith("holdout") for c in table.columns)
    assert "cv_accuracy_mean" not in table.columns


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"y": np.arange(100) % 3}, ValueError, "binary"),
        ({"y": np.zeros(99)}, ValueError, "100 samples but y has 99"),
        ({"X_holdout": None}, ValueError, "both X_holdout and y_holdout"),
        ({"cv": 1}, ValueError, "at least 2 folds"),
        ({"cv": 60}, ValueError, "smallest class"),
        ({"scoring": ("auc",)}, ValueError, "Unknown scoring"),
        ({"estimators": GaussianNB()}, TypeError, "wrap it in a list"),
        ({"estimators": {"r": "not a model"}}, TypeError, "not a classifier"),
        ({"pos_label": 5}, ValueError, "pos_label=5"),
        ({"X": None}, ValueError, "needs both X and y"),
    ],
)
def test_bad_arguments_get_clear_errors(cohort, kwargs, error, match):
    X, y, Xh, yh = cohort
    args = {"estimators": [GaussianNB()], "X": X, "y": y, "X_holdout": Xh, "y_holdout": yh,
            "cv": 3}
    args.update(kwargs)
    with pytest.raises(error, match=match):
        benchmark(**args)


def test_holdout_with_other_features_is_refused(cohort):
    X, y, Xh, yh = cohort
    with pytest.raises(ValueError, match=r"1 missing \['G0'\], 0 extra"):
        benchmark([GaussianNB()], X, y, Xh.iloc[:, 1:], yh, cv=3)
    with pytest.raises(ValueError, match="in another order"):
        benchmark([GaussianNB()], X, y, Xh[Xh.columns[::-1]], yh, cv=3)
    with pytest.raises(ValueError, match="X_holdout has 11 features but X has 12"):
        benchmark([GaussianNB()], X.to_numpy(), y, Xh.iloc[:, 1:].to_numpy(), yh, cv=3)


def test_labels_must_be_aligned_with_the_samples(cohort):
    X, y, _, _ = cohort
    with pytest.raises(ValueError, match="index of y does not match the sample ids of X"):
        benchmark([GaussianNB()], X, y.iloc[::-1], cv=3)
    # plain arrays are taken in row order
    benchmark([GaussianNB()], X, y.to_numpy(), cv=3)


def test_failing_model_is_named_in_the_error(cohort):
    X, y, _, _ = cohort
    bad = X.copy()
    bad.iloc[0, 0] = np.nan
    with pytest.raises(ValueError, match="model 'GaussianNB' failed on split"):
        benchmark([GaussianNB()], bad, y, cv=3)


def test_benchmark_runs_on_a_dask_cluster(cohort):
    distributed = pytest.importorskip("dask.distributed")
    X, y, Xh, yh = cohort
    local = benchmark(models(), X, y, Xh, yh, cv=3, random_state=1, n_bootstrap=50)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client, joblib.parallel_backend("dask"), \
            distributed.get_task_stream(client) as stream:
        remote = benchmark(models(), X, y, Xh, yh, cv=3, random_state=1, n_bootstrap=50)
    assert stream.data  # the fits ran as tasks on the cluster (joblib may batch them)
    pd.testing.assert_frame_equal(
        local.drop(columns=[c for c in local if "time" in c]),
        remote.drop(columns=[c for c in remote if "time" in c]),
    )
