"""benchmark(groups=...): every cohort held out in turn, scored on its own."""

import numpy as np
import pandas as pd
import pytest
from sklearn.dummy import DummyClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, roc_auc_score
from sklearn.model_selection import GroupKFold, StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skgenecyt import benchmark, make_ra_studies


@pytest.fixture(scope="module")
def studies():
    return make_ra_studies(n_studies=3, n_samples=20, n_genes=400, random_state=0)


def lr():
    return make_pipeline(StandardScaler(), LogisticRegression(C=0.1))


def models():
    return {"lr": lr(), "dummy": DummyClassifier()}


def test_each_cohort_is_held_out_and_scored_on_its_own(studies):
    X, y, groups = studies.X, studies.y, studies.groups
    table, details = benchmark(models(), X, y, groups=groups, random_state=0,
                               return_details=True)
    res = details.group_results
    assert res["cohort"].tolist() == ["GSESIM1", "GSESIM2", "GSESIM3"] * 2
    assert list(res.columns) == ["model", "split", "cohort", "n_samples", "ra_share",
                                 "roc_auc", "accuracy", "f1", "flags"]
    for study in ("GSESIM1", "GSESIM2", "GSESIM3"):
        held_out = (groups == study).to_numpy()
        fitted = lr().fit(X[~held_out], y[~held_out])
        row = res[(res.model == "lr") & (res.cohort == study)].iloc[0]
        assert row["roc_auc"] == pytest.approx(
            roc_auc_score(y[held_out], fitted.predict_proba(X[held_out])[:, 1]))
        assert row["accuracy"] == pytest.approx(
            accuracy_score(y[held_out], fitted.predict(X[held_out])))
        assert row["n_samples"] == held_out.sum()
        assert row["ra_share"] == pytest.approx(y[held_out].mean())
    rows = table.set_index("model")
    lr_auc = res.loc[res.model == "lr", "roc_auc"]
    assert rows.loc["lr", "cv_roc_auc_mean"] == pytest.approx(lr_auc.mean())
    assert rows.loc["lr", "cv_roc_auc_sd"] == pytest.approx(lr_auc.std(ddof=1))
    assert rows.loc["lr", "n_splits"] == rows.loc["lr", "n_cohorts"] == 3
    assert "constant scores in 3/3 held-out cohorts" in rows.loc["dummy", "flags"]
    assert details.cv_results["held_out"].tolist() == ["GSESIM1", "GSESIM2", "GSESIM3"] * 2
    assert set(details.cv_predictions["cohort"]) == {"GSESIM1", "GSESIM2", "GSESIM3"}
    pd.testing.assert_frame_equal(details.cohorts, pd.DataFrame({
        "cohort": ["GSESIM1", "GSESIM2", "GSESIM3"],
        "n_samples": [20, 20, 20],
        "ra_share": [y[(groups == g).to_numpy()].mean() for g in ("GSESIM1", "GSESIM2",
                                                                     "GSESIM3")]}))
    assert details.within_results is None
    assert not any(c.startswith("within") for c in table.columns)


def test_within_cv_is_the_benchmark_without_groups(studies):
    X, y, groups = studies.X, studies.y, studies.groups
    table, details = benchmark(models(), X, y, groups=groups, within_cv=3, random_state=4,
                               return_details=True)
    plain, plain_details = benchmark(models(), X, y, cv=3, random_state=4,
                                     return_details=True)
    cols = ["model", "split", "roc_auc", "accuracy", "f1", "flags"]
    pd.testing.assert_frame_equal(details.within_results[cols], plain_details.cv_results[cols])
    for m in ("roc_auc", "f1"):
        np.testing.assert_allclose(table[f"within_{m}_mean"], plain[f"cv_{m}_mean"])
        np.testing.assert_allclose(table[f"within_{m}_sd"], plain[f"cv_{m}_sd"])
    assert (table["within_n_splits"] == 3).all()
    assert table.loc[1, "flags"] == (
        "constant scores in 3/3 held-out cohorts; one class predicted in 3/3 held-out "
        "cohorts; within-cohort CV: constant scores in 3/3 splits; within-cohort CV: one "
        "class predicted in 3/3 splits")


def test_a_group_splitter_and_repeated_held_out_cohorts(studies):
    X, y, groups = studies.X, studies.y, studies.groups
    table, details = benchmark({"lr": lr()}, X, y, groups=groups, cv=GroupKFold(2),
                               return_details=True)
    res = details.group_results
    assert table.loc[0, "n_splits"] == 2
    assert table.loc[0, "n_cohorts"] == 3
    assert sorted(res["cohort"]) == ["GSESIM1", "GSESIM2", "GSESIM3"]
    two = details.cv_results["held_out"].str.contains(", ")
    assert two.sum() == 1  # one split holds two cohorts out, each scored on its own
    assert table.loc[0, "cv_roc_auc_mean"] == pytest.approx(res["roc_auc"].mean())


def test_a_cohort_of_one_class_has_no_auc_and_is_named(studies):
    X, y, groups = studies.X, studies.y.copy(), studies.groups.copy()
    only_ra = ((groups == "GSESIM2") & (y == 1)).to_numpy()
    keep = (groups != "GSESIM2").to_numpy() | only_ra
    X, y, groups = X[keep], y[keep], groups[keep]
    table, details = benchmark({"lr": lr()}, X, y, groups=groups, return_details=True)
    res = details.group_results.set_index("cohort")
    assert np.isnan(res.loc["GSESIM2", "roc_auc"])
    assert np.isfinite(res.loc["GSESIM2", "accuracy"])
    assert res.loc["GSESIM2", "ra_share"] == 1.0
    assert "test rows of one class in 1/3 held-out cohorts ('GSESIM2'), no AUC" in (
        table.loc[0, "flags"])
    assert table.loc[0, "cv_roc_auc_mean"] == pytest.approx(
        res.loc[["GSESIM1", "GSESIM3"], "roc_auc"].mean())


def test_groups_work_with_a_holdout_and_arrays(studies):
    X, y, groups = studies.X.to_numpy(), studies.y.to_numpy(), studies.groups.to_numpy()
    table = benchmark({"lr": lr()}, X[:45], y[:45], X[45:], y[45:], groups=groups[:45],
                      n_bootstrap=20, random_state=0)
    assert table.loc[0, "n_cohorts"] == 3  # 20 + 20 + 5 samples
    assert np.isfinite(table.loc[0, "holdout_roc_auc"])


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"groups": ["A"] * 60}, r"groups names one cohort \('A'\); holding cohorts out needs "
                             r"at least 2"),
    ({"groups": ["A", "B"] * 20}, r"X has 60 samples but groups has 40 entries"),
    ({"groups": [None] + ["A", "B"] * 29 + ["A"]}, r"groups has 1 missing value\(s\), the "
                                                    r"first at row 0"),
    ({"groups": np.zeros((60, 2))}, r"groups must be 1-d"),
    ({"groups": "study", "cv": 3}, r"With groups, cv is a group splitter .* pass within_cv=3"),
    ({"within_cv": 3}, r"within_cv goes with groups"),
    ({"groups": "study", "n_repeats": 2}, r"With groups, n_repeats applies only to "
                                          r"within_cv"),
    ({"groups": "study", "cv": "stratified"}, r"Split 1 has samples of cohort\(s\) "
                                                    r"'GSESIM\d'.* in both its training and "
                                                    r"its test rows"),
    ({"groups": "shuffled"}, r"The index of groups does not match the sample ids of X"),
])
def test_bad_groups_get_clear_errors(studies, kwargs, match):
    named = {"study": studies.groups, "shuffled": studies.groups.iloc[::-1],
             "stratified": list(StratifiedKFold(3).split(studies.X, studies.y))}
    kwargs = {k: named[v] if isinstance(v, str) and v in named else v
              for k, v in kwargs.items()}
    with pytest.raises(ValueError, match=match):
        benchmark([LogisticRegression()], studies.X, studies.y, **kwargs)
