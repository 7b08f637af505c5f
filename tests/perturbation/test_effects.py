"""perturbation_effects: planted effects come back, the null behaves, results are exact."""

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.ensemble import RandomForestClassifier
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from skgenecyt.perturbation import CytokinePerturbation, perturbation_effects

FAST = dict(n_bootstrap=300, n_null=99, random_state=0)


def test_planted_order_recovered_with_ci_and_null(toy):
    table = perturbation_effects(toy.model, toy.X_test, modules=toy.modules, X_train=toy.X, **FAST)
    assert list(table.module) == ["A", "B", "C"]
    mean = table.set_index("module").delta_mean
    assert mean["A"] > mean["B"] > mean["C"] > 0
    assert (table.ci_low > 0).all()
    assert (table.z > 2).all()
    assert (table.p_value <= 0.02).all()
    assert (table.delta_mean > table.null_high).all()
    assert set(table.columns) >= {"module", "shift", "n_genes", "delta_mean", "delta_sd",
                                  "ci_low", "ci_high", "null_mean", "null_sd", "z", "p_value"}


@pytest.mark.parametrize(("mode", "on"), [("shift", "all"), ("knockout", "controls"),
                                          ("set_to", "ra"), ("scale", "ra")])
def test_deltas_equal_transformer_predictions(toy, mode, on):
    """The stacked, chunked computation gives exactly the naive per-module answer."""
    table, deltas = perturbation_effects(
        toy.model, toy.X_test, toy.y_test, modules=toy.modules, shifts=[0.7, -1.0],
        mode=mode, on=on, X_train=toy.X, y_train=toy.y, n_null=3, n_bootstrap=10,
        max_batch_bytes=7_000, return_deltas=True, random_state=0,
    )
    rows = {"all": toy.y_test >= 0, "ra": toy.y_test == 1, "controls": toy.y_test == 0}[on]
    X_rows = toy.X_test[rows]
    assert deltas.index.equals(X_rows.index)
    assert (table.n_samples == rows.sum()).all()
    base = toy.model.predict_proba(X_rows)[:, 1]
    for module in toy.modules:
        for shift in (0.7, -1.0):
            pert = CytokinePerturbation(module=module, modules=toy.modules, shift=shift,
                                        mode=mode).fit(toy.X, toy.y)
            expected = toy.model.predict_proba(pert.transform(X_rows))[:, 1] - base
            np.testing.assert_allclose(deltas[(module, shift)], expected, atol=1e-12)
            row = table[(table.module == module) & (table["shift"] == shift)].iloc[0]
            assert row.delta_mean == pytest.approx(expected.mean(), abs=1e-12)


def test_set_to_controls_lowers_ra_probability(toy):
    table = perturbation_effects(toy.model, toy.X_test, toy.y_test, modules=toy.modules,
                                 mode="set_to", on="ra", X_train=toy.X, y_train=toy.y, **FAST)
    assert (table.delta_mean < 0).all()
    assert (table.ci_high < 0).all()


def test_random_gene_modules_are_not_significant(toy):
    """Modules drawn like the null (any genes) get roughly uniform p-values."""
    rng = np.random.default_rng(42)
    modules = {f"R{k}": list(rng.choice(toy.X.columns, 5, replace=False)) for k in range(20)}
    table = perturbation_effects(toy.model, toy.X_test, modules=modules, X_train=toy.X, **FAST)
    assert table.p_value.median() > 0.25
    assert (table.p_value < 0.05).sum() <= 3
    assert table.z.abs().median() < 1.5


def test_deterministic_and_independent_of_n_jobs_and_batch_size(toy):
    args = (toy.model, toy.X_test)
    kwargs = dict(modules=toy.modules, shifts=[-1.0, 1.0], X_train=toy.X, n_bootstrap=300,
                  n_null=20, random_state=0)
    first = perturbation_effects(*args, **kwargs)
    pd.testing.assert_frame_equal(first, perturbation_effects(*args, **kwargs))
    pd.testing.assert_frame_equal(first, perturbation_effects(*args, n_jobs=2, **kwargs))
    small = perturbation_effects(*args, max_batch_bytes=50_000, **kwargs)  # 31-row blocks
    pd.testing.assert_frame_equal(first, small, check_exact=False, atol=1e-12, rtol=0)
    other = perturbation_effects(*args, **{**kwargs, "random_state": 1})
    assert not np.allclose(first.null_mean, other.null_mean)
    np.testing.assert_allclose(first.delta_mean, other.delta_mean)  # no randomness in deltas


def test_null_sets_shared_across_shifts(toy):
    """A module's null does not change when shifts are added."""
    one = perturbation_effects(toy.model, toy.X_test, modules=toy.modules, **FAST)
    two = perturbation_effects(toy.model, toy.X_test, modules=toy.modules, shifts=[0.5, 1.0],
                               **FAST)
    pd.testing.assert_frame_equal(one, two[two["shift"] == 1.0].reset_index(drop=True))


def test_bootstrap_interval_and_standard_error(toy):
    table = perturbation_effects(toy.model, toy.X_test, modules=toy.modules, n_bootstrap=2000,
                                 n_null=0, random_state=0)
    assert ((table.ci_low < table.delta_mean) & (table.delta_mean < table.ci_high)).all()
    expected_se = table.delta_sd / np.sqrt(table.n_samples)
    np.testing.assert_allclose(table.delta_se, expected_se, rtol=0.15)
    assert table[["null_mean", "null_sd", "z", "p_value"]].isna().all().all()


def test_one_sided_alternatives(toy):
    kwargs = dict(modules={"A": toy.modules["A"]}, **FAST)
    greater = perturbation_effects(toy.model, toy.X_test, alternative="greater", **kwargs)
    less = perturbation_effects(toy.model, toy.X_test, alternative="less", **kwargs)
    assert greater.p_value[0] == pytest.approx(1 / 100)
    assert less.p_value[0] == pytest.approx(1.0)


def test_coverage_columns_for_partly_present_module(toy):
    modules = {"A": [*toy.modules["A"], "ABSENT1", "ABSENT2", "ABSENT3"]}
    table = perturbation_effects(toy.model, toy.X_test, modules=modules, n_null=5,
                                 n_bootstrap=5, random_state=0)
    assert table.n_genes[0] == 5
    assert table.coverage[0] == pytest.approx(5 / 8)


def test_any_classifier_and_arrays_with_index_modules(toy):
    X, y = toy.X.to_numpy(), toy.y.to_numpy()
    forest = RandomForestClassifier(n_estimators=30, random_state=0).fit(X, y)
    modules = {"A": list(range(5)), "noise": list(range(160, 165))}
    table = perturbation_effects(forest, toy.X_test.to_numpy(), modules=modules, shifts=2.0,
                                 **FAST)
    effect = table.set_index("module").delta_mean
    assert effect["A"] > 0.05 > abs(effect["noise"])


def test_string_labels_and_pos_label(toy):
    labels = np.where(toy.y == 1, "RA", "control")  # classes_ = ["RA", "control"]
    model = make_pipeline(StandardScaler(), LogisticRegression(C=0.1)).fit(toy.X, labels)
    table = perturbation_effects(model, toy.X_test, modules={"A": toy.modules["A"]},
                                 pos_label="RA", **FAST)
    assert table.delta_mean[0] > 0
    default = perturbation_effects(model, toy.X_test, modules={"A": toy.modules["A"]}, **FAST)
    assert default.delta_mean[0] == pytest.approx(-table.delta_mean[0])


class _NaNClassifier(ClassifierMixin, BaseEstimator):
    def fit(self, X, y):
        self.classes_ = np.unique(y)
        self.n_features_in_ = X.shape[1]
        return self

    def predict_proba(self, X):
        return np.full((len(X), 2), np.nan)


def test_clear_errors(toy):
    modules = {"A": toy.modules["A"]}
    with pytest.raises(NotFittedError):
        perturbation_effects(make_pipeline(StandardScaler(), LogisticRegression()), toy.X,
                             modules=modules)
    with pytest.raises(TypeError, match="predict_proba"):
        perturbation_effects(SVC().fit(toy.X, toy.y), toy.X, modules=modules)
    with pytest.raises(ValueError, match="no gene names"):
        perturbation_effects(toy.model, toy.X.to_numpy(), modules=modules)
    with pytest.raises(ValueError, match="No gene of module 'Z'"):
        perturbation_effects(toy.model, toy.X, modules={"Z": ["NOPE"]})
    with pytest.raises(ValueError, match="needs the labels"):
        perturbation_effects(toy.model, toy.X, modules=modules, on="ra")
    with pytest.raises(ValueError, match="pos_label"):
        perturbation_effects(toy.model, toy.X, modules=modules, pos_label=7)
    with pytest.raises(ValueError, match="same columns"):
        perturbation_effects(toy.model, toy.X, modules=modules,
                             X_train=toy.X.iloc[:, ::-1])
    with pytest.raises(ValueError, match=r"1 column\(s\) hold other values: 'G3'"):
        perturbation_effects(toy.model, toy.X.assign(G3="high"), modules=modules)
    with pytest.raises(ValueError, match="NaN"):
        perturbation_effects(toy.model, toy.X.assign(G3=np.nan), modules=modules)
    with pytest.raises(ValueError, match="shifts"):
        perturbation_effects(toy.model, toy.X, modules=modules, shifts=[np.inf])
    with pytest.raises(ValueError, match="on"):
        perturbation_effects(toy.model, toy.X, modules=modules, on="patients")
    three = make_pipeline(StandardScaler(), LogisticRegression()).fit(
        toy.X, np.arange(len(toy.X)) % 3
    )
    with pytest.raises(ValueError, match="3 classes"):
        perturbation_effects(three, toy.X, modules=modules)
    with pytest.raises(ValueError, match="non-finite"):
        perturbation_effects(_NaNClassifier().fit(toy.X, toy.y), toy.X, modules=modules,
                             n_null=2, n_bootstrap=2)


def test_input_left_untouched_and_in_place_estimators_safe(toy):
    """Blocks are reused between calls: an estimator that works in place must not
    corrupt them (scikit-learn copies the read-only blocks it is given)."""
    X_before = toy.X_test.copy()
    kwargs = dict(modules=toy.modules, n_null=5, n_bootstrap=5, random_state=0)
    expected = perturbation_effects(toy.model, toy.X_test, **kwargs)
    pd.testing.assert_frame_equal(toy.X_test, X_before)
    in_place = make_pipeline(StandardScaler(copy=False), LogisticRegression(C=0.1))
    in_place.fit(toy.X.copy(), toy.y)
    pd.testing.assert_frame_equal(perturbation_effects(in_place, toy.X_test, **kwargs), expected)


class _InPlaceClassifier(_NaNClassifier):
    def predict_proba(self, X):
        X = np.asarray(X)
        X[:, 0] = 0.0  # writes into its input
        return np.full((len(X), 2), 0.5)


def test_estimator_writing_into_its_input_is_a_clear_error(toy):
    model = _InPlaceClassifier().fit(toy.X, toy.y)
    with pytest.raises(ValueError, match="modifies its input in place"):
        perturbation_effects(model, toy.X_test, modules=toy.modules, n_null=2, n_bootstrap=2)
