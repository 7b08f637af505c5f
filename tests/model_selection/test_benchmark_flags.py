"""benchmark() names what went wrong: constant scores, one class predicted, failed fits."""

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.datasets import make_classification
from sklearn.dummy import DummyClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from skgenecyt import benchmark
from skgenecyt.model_selection._flags import prediction_flags, summary


@pytest.fixture(scope="module")
def cohort():
    X, y = make_classification(n_samples=90, n_features=8, n_informative=3, random_state=0)
    X = pd.DataFrame(X, columns=[f"G{i}" for i in range(8)],
                     index=[f"S{i}" for i in range(90)])
    return X.iloc[:60], y[:60], X.iloc[60:], y[60:]


class Fragile(ClassifierMixin, BaseEstimator):
    """A logistic regression that fails when a given sample is not among its training rows,
    or when it is fitted on more than ``max_rows`` rows."""

    def __init__(self, needs=None, max_rows=None):
        self.needs = needs
        self.max_rows = max_rows

    def fit(self, X, y):
        if self.needs is not None and self.needs not in X.index:
            raise RuntimeError(f"{self.needs} is missing")
        if self.max_rows is not None and len(X) > self.max_rows:
            raise MemoryError("too many rows")
        self.model_ = LogisticRegression().fit(X, y)
        self.classes_ = self.model_.classes_
        return self

    def predict_proba(self, X):
        return self.model_.predict_proba(X)

    def predict(self, X):
        return self.model_.predict(X)


def test_a_dummy_is_flagged_and_a_clean_model_is_not(cohort):
    X, y, _, _ = cohort
    table, details = benchmark({"dummy": DummyClassifier(strategy="prior"),
                                "lr": LogisticRegression()}, X=X, y=y, cv=3, random_state=0,
                               return_details=True)
    rows = table.set_index("model")
    assert rows.loc["dummy", "flags"] == ("constant scores in 3/3 splits; "
                                          "one class predicted in 3/3 splits")
    assert rows.loc["lr", "flags"] == ""
    assert table.columns[-1] == "flags"
    assert rows.loc["dummy", "cv_roc_auc_mean"] == 0.5  # the number the flag explains
    res = details.cv_results
    assert (res.loc[res.model == "dummy", "flags"]
            == "constant scores; one class predicted").all()
    assert (res.loc[res.model == "lr", "flags"] == "").all()
    assert details.flags["dummy"]["cv"] == ["constant scores in 3/3 splits",
                                            "one class predicted in 3/3 splits"]
    assert details.flags["lr"] == {"cv": [], "within": [], "holdout": []}


def test_a_model_failing_on_one_split_is_reported_not_dropped(cohort):
    X, y, _, _ = cohort
    splits = list(StratifiedKFold(4, shuffle=True, random_state=0).split(X, y))
    needed = X.index[splits[2][1][0]]  # a test sample of split 3: missing from its training
    table, details = benchmark({"fragile": Fragile(needs=needed), "lr": LogisticRegression()},
                               X, y, cv=splits, return_details=True)
    rows = table.set_index("model")
    assert rows.loc["fragile", "flags"] == (
        f"failed in 1/4 splits, first: RuntimeError: {needed} is missing")
    assert rows.loc["lr", "flags"] == ""
    res = details.cv_results.set_index(["model", "split"])
    assert np.isnan(res.loc[("fragile", 2), ["roc_auc", "accuracy", "f1", "fit_time"]]
                    .to_numpy(float)).all()
    assert res.loc[("fragile", 2), "flags"] == f"failed: RuntimeError: {needed} is missing"
    # the other splits count: they match logistic regression, split by split
    for k in (0, 1, 3):
        assert res.loc[("fragile", k), "roc_auc"] == res.loc[("lr", k), "roc_auc"]
    assert rows.loc["fragile", "cv_roc_auc_mean"] == pytest.approx(
        np.mean([res.loc[("lr", k), "roc_auc"] for k in (0, 1, 3)]))
    assert rows.loc["fragile", "n_splits"] == 4
    preds = details.cv_predictions
    assert preds.loc[(preds.model == "fragile") & (preds.split == 2), "y_score"].isna().all()
    assert preds.loc[(preds.model == "fragile") & (preds.split != 2), "y_score"].notna().all()


def test_a_failed_holdout_fit_is_flagged(cohort, capsys):
    X, y, Xh, yh = cohort
    table, details = benchmark({"fragile": Fragile(max_rows=50), "lr": LogisticRegression()},
                               X, y, Xh, yh, cv=3, n_bootstrap=20, random_state=0,
                               return_details=True, verbose=1)
    rows = table.set_index("model")
    # folds of 40 training rows fit; the 60 rows of the holdout fit do not
    assert rows.loc["fragile", "flags"] == "holdout: failed: MemoryError: too many rows"
    assert np.isnan(rows.loc["fragile", ["holdout_roc_auc", "holdout_roc_auc_ci_low",
                                         "holdout_f1_ci_high"]].to_numpy(float)).all()
    assert rows.loc["fragile", "cv_roc_auc_mean"] == rows.loc["lr", "cv_roc_auc_mean"]
    assert np.isfinite(rows.loc["lr", "holdout_roc_auc"])
    assert set(details.estimators) == {"lr"}
    assert details.holdout_predictions["fragile"].isna().all()
    assert details.holdout_bootstrap["fragile"].isna().all().all()
    assert details.flags["fragile"]["holdout"] == ["failed: MemoryError: too many rows"]
    assert "failed: MemoryError: too many rows" in capsys.readouterr().err


def test_when_every_fit_fails_benchmark_raises_the_first_error(cohort):
    X, y, _, _ = cohort
    with pytest.raises(ValueError, match=r"Every fit failed, so there is nothing to compare\. "
                                         r"The first: model 'f' failed on split 1: "
                                         r"nobody is missing"):
        benchmark({"f": Fragile(needs="nobody")}, X, y, cv=3)


def test_a_models_parameter_error_is_raised_at_once_even_beside_good_models(cohort):
    X, y, _, _ = cohort
    with pytest.raises(ValueError, match=r"model 'bad' failed on split 1: The 'C' parameter"):
        benchmark({"lr": LogisticRegression(), "bad": LogisticRegression(C=-1.0)}, X, y, cv=3)


def test_one_class_test_rows_have_no_auc_and_are_flagged(cohort):
    X, y, _, _ = cohort
    positives, negatives = np.flatnonzero(y == 1), np.flatnonzero(y == 0)
    test_one_class = positives[:5]
    train = np.setdiff1d(np.arange(len(y)), test_one_class)
    splits = [(train, test_one_class), (np.arange(30), np.arange(30, 60))]
    table, details = benchmark([LogisticRegression()], X, y, cv=splits, return_details=True)
    assert table.loc[0, "flags"] == "test rows of one class in 1/2 splits, no AUC"
    assert np.isnan(details.cv_results.loc[0, "roc_auc"])
    assert table.loc[0, "cv_roc_auc_mean"] == details.cv_results.loc[1, "roc_auc"]
    assert len(negatives)  # the second split holds both classes


def test_prediction_flags():
    y = np.array([0, 1, 0, 1])
    assert prediction_flags(y, [0.1, 0.9, 0.2, 0.8], [0, 1, 0, 1]) == []
    # equal up to rounding noise still counts as constant
    assert prediction_flags(y, [0.3, 0.3 + 1e-12, 0.3, 0.3], [0, 0, 0, 0]) == [
        "constant scores", "one class predicted"]
    assert prediction_flags(y, [-5e3, -5e3, -5e3, -5e3 + 1e-7], [0, 1, 0, 1]) == [
        "constant scores"]
    assert prediction_flags(y, [0.3, 0.30001, 0.3, 0.3], [0, 1, 0, 0]) == []
    assert prediction_flags(np.array([1]), [0.4], [0]) == []  # one test sample: nothing to say
    assert prediction_flags(np.array([1, 1]), [0.4, 0.6], [1, 1]) == ["test rows of one class"]
    assert prediction_flags(y, [np.nan] * 4, [np.nan] * 4, failed=True) == ["failed"]


def test_flag_summaries_count_and_name_rows():
    rows = [(["constant scores"], None), ([], None), (["failed"], "ValueError: x")]
    assert summary(rows, unit="held-out cohorts", names=["A", "B", "C"]) == [
        "failed in 1/3 held-out cohorts ('C'), first: ValueError: x",
        "constant scores in 1/3 held-out cohorts ('A')"]
    # every row flagged: the names add nothing
    assert summary([(["constant scores"], None)] * 2, names=["A", "B"]) == [
        "constant scores in 2/2 splits"]
    assert summary([([], None)]) == []
