"""What the model can see: modules whose genes a fitted model ignores."""

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.compose import ColumnTransformer
from sklearn.decomposition import PCA
from sklearn.feature_selection import SelectKBest, VarianceThreshold, f_classif
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

from skgenecyt import ModuleNotUsedWarning
from skgenecyt.perturbation import (
    dose_response,
    latent_perturbation_effects,
    perturbation_effects,
)
from skgenecyt.perturbation._effects import _selected_inputs, model_gene_usage

FAST = dict(n_bootstrap=50, n_null=20, random_state=0)
NO_INTERVAL = ["delta_se", "ci_low", "ci_high", "null_mean", "null_sd", "null_low",
               "null_high", "z", "p_value"]


def _selecting(k):
    return make_pipeline(StandardScaler(), SelectKBest(f_classif, k=k),
                         LogisticRegression(C=0.1))


def _used_by_selection(model, X, genes):
    """The module genes that SelectKBest kept, read straight off the fitted step."""
    kept = set(X.columns[model.named_steps["selectkbest"].get_support()])
    return [g for g in genes if g in kept]


@pytest.fixture(scope="module")
def selected(toy):
    """A model whose selection keeps module A's 5 genes and no gene of B or C."""
    model = _selecting(5).fit(toy.X, toy.y)
    assert _used_by_selection(model, toy.X, toy.modules["A"]) == toy.modules["A"]
    return model


def test_module_outside_the_selection_is_invisible_without_p_value(toy, selected):
    with pytest.warns(ModuleNotUsedWarning, match=r"module\(s\) B \(0 of 5 genes\), "
                                                  r"C \(0 of 5 genes\)"):
        table = perturbation_effects(selected, toy.X_test, modules=toy.modules,
                                     X_train=toy.X, shifts=[-1.0, 1.0], **FAST)
    table = table.set_index(["module", "shift"])
    assert table.n_genes_used.to_dict() == {(m, s): n for m, n in [("A", 5), ("B", 0), ("C", 0)]
                                            for s in (-1.0, 1.0)}
    assert table.visible.to_dict() == {(m, s): m == "A" for m in "ABC" for s in (-1.0, 1.0)}
    hidden = table.loc[["B", "C"]]
    assert (hidden.delta_mean == 0).all()
    assert (hidden.model_coverage == 0).all()
    assert hidden[NO_INTERVAL].isna().all().all()
    assert (hidden.n_genes == 5).all()
    assert (hidden.coverage == 1).all()
    seen = table.loc["A"]
    assert (seen.model_coverage == 1).all()
    # The null sets come from genes this model ignores: all 0, so z is undefined.
    assert seen[[c for c in NO_INTERVAL if c != "z"]].notna().all().all()
    assert (seen.p_value < 0.1).all()


def test_visible_modules_keep_their_numbers(toy, selected):
    """Hiding B does not change A's row: A alone gives the same table."""
    with pytest.warns(ModuleNotUsedWarning):
        both = perturbation_effects(selected, toy.X_test, modules=toy.modules, **FAST)
    alone = perturbation_effects(selected, toy.X_test, modules={"A": toy.modules["A"]}, **FAST)
    pd.testing.assert_frame_equal(both.iloc[[0]], alone, check_exact=False, rtol=1e-12,
                                  atol=1e-15)


def test_partial_selection_counts_the_genes_kept(toy):
    model = _selecting(12).fit(toy.X, toy.y)
    table = perturbation_effects(model, toy.X_test, modules=toy.modules, **FAST)
    for row in table.itertuples():
        kept = _used_by_selection(model, toy.X, toy.modules[row.module])
        assert row.n_genes_used == len(kept) > 0
        assert row.model_coverage == pytest.approx(len(kept) / 5)
    assert table.n_genes_used.sum() < 15  # the selection dropped some module genes


def test_model_using_every_gene_has_full_coverage(toy):
    table = perturbation_effects(toy.model, toy.X_test, modules=toy.modules, **FAST)
    assert (table.n_genes_used == 5).all()
    assert (table.model_coverage == 1.0).all()
    assert table.visible.all()
    assert list(table.columns[-3:]) == ["n_genes_used", "model_coverage", "visible"]


class _FirstColumns(ClassifierMixin, BaseEstimator):
    """Logistic regression on the first ``n_used`` columns only; not a Pipeline."""

    def __init__(self, n_used=7):
        self.n_used = n_used

    def fit(self, X, y):
        X = np.asarray(X)
        self.model_ = LogisticRegression().fit(X[:, : self.n_used], y)
        self.classes_ = self.model_.classes_
        self.n_features_in_ = X.shape[1]
        return self

    def predict_proba(self, X):
        return self.model_.predict_proba(np.asarray(X)[:, : self.n_used])


def test_empirical_usage_on_an_estimator_that_ignores_columns(toy):
    model = _FirstColumns(n_used=7).fit(toy.X.to_numpy(), toy.y)
    modules = {"A": [0, 1, 2, 3, 4], "B": [5, 6, 7, 8, 9], "C": [10, 11, 12, 13, 14]}
    with pytest.warns(ModuleNotUsedWarning, match=r"C \(0 of 5 genes\)"):
        table = perturbation_effects(model, toy.X_test.to_numpy(), modules=modules, **FAST)
    assert table.n_genes_used.tolist() == [5, 2, 0]
    assert table.model_coverage.tolist() == [1.0, 0.4, 0.0]
    assert table.visible.tolist() == [True, True, False]
    assert np.isnan(table.p_value[2])
    assert not np.isnan(table.p_value[1])


def test_empirical_usage_through_a_column_transformer(toy):
    """A ColumnTransformer renames its columns, so usage is found by perturbing."""
    keep = toy.modules["A"] + toy.modules["B"][:3] + [f"G{i}" for i in range(50, 60)]
    model = Pipeline([
        ("pick", ColumnTransformer([("keep", StandardScaler(), keep)])),
        ("clf", LogisticRegression()),
    ]).fit(toy.X, toy.y)
    assert _selected_inputs(model, toy.X.shape[1]) is None
    with pytest.warns(ModuleNotUsedWarning, match=r"module\(s\) C "):
        table = perturbation_effects(model, toy.X_test, modules=toy.modules, **FAST)
    assert table.n_genes_used.tolist() == [5, 3, 0]


def test_selection_walk_through_passthrough_and_several_selectors(toy):
    X = toy.X.assign(G199=1.0)  # a constant gene, dropped by VarianceThreshold
    model = Pipeline([
        ("skip", "passthrough"),
        ("var", VarianceThreshold()),
        ("scale", StandardScaler()),
        ("best", SelectKBest(f_classif, k=20)),
        ("clf", LogisticRegression()),
    ]).fit(X, toy.y)
    mask = _selected_inputs(model, X.shape[1])
    expected = np.zeros(X.shape[1], dtype=bool)
    survivors = np.flatnonzero(model.named_steps["var"].get_support())
    expected[survivors[model.named_steps["best"].get_support()]] = True
    np.testing.assert_array_equal(mask, expected)
    assert mask.sum() == 20
    assert not mask[199]


def test_selection_walk_stops_at_a_step_that_mixes_columns(toy):
    # PCA before the selection: the selected components mix every gene.
    model = make_pipeline(PCA(n_components=10), SelectKBest(f_classif, k=2),
                          LogisticRegression()).fit(toy.X, toy.y)
    assert _selected_inputs(model, toy.X.shape[1]) is None
    used = model_gene_usage(model, toy.X_test.to_numpy(), [0, 100, 199], columns=toy.X.columns)
    assert used.tolist() == [True, True, True]
    # A step without feature names ends the walk too.
    opaque = make_pipeline(FunctionTransformer(np.abs), SelectKBest(f_classif, k=3),
                           LogisticRegression()).fit(toy.X, toy.y)
    assert _selected_inputs(opaque, toy.X.shape[1]) is None


def test_latent_table_reports_usage_but_keeps_p_values(toy):
    model = make_pipeline(SelectKBest(f_classif, k=5), PCA(n_components=2),
                          LogisticRegression()).fit(toy.X, toy.y)
    table = latent_perturbation_effects(model, toy.X_test, modules=toy.modules,
                                        X_train=toy.X, latent_step="pca", **FAST)
    assert table.n_genes_used.tolist() == [5, 0, 0]
    assert table.model_coverage.tolist() == [1.0, 0.0, 0.0]
    assert "visible" not in table.columns
    assert table.p_value.notna().all()
    assert list(table.columns[-3:]) == ["latent_r2", "n_genes_used", "model_coverage"]


def test_dose_response_of_an_invisible_module(toy, selected):
    with pytest.warns(ModuleNotUsedWarning, match=r"module\(s\) C \("):
        curve = dose_response(selected, toy.X_test, ["A", "C"], shifts=[-1, 0, 1],
                              modules=toy.modules, n_bootstrap=50, random_state=0)
    hidden = curve[curve.module == "C"]
    assert (~hidden.visible).all()
    assert (hidden.delta_mean == 0).all()
    assert hidden[["ci_low", "ci_high"]].isna().all().all()
    shown = curve[curve.module == "A"]
    assert shown.visible.all()
    assert shown[["ci_low", "ci_high"]].notna().all().all()


# -- edge cases ---------------------------------------------------------------------------------

def test_every_module_invisible_gives_one_warning_naming_all(toy, selected):
    modules = {"B": toy.modules["B"], "C": toy.modules["C"]}
    with pytest.warns(ModuleNotUsedWarning) as record:
        table = perturbation_effects(selected, toy.X_test, modules=modules, n_null=5,
                                     n_bootstrap=5, random_state=0)
    assert len(record) == 1
    assert "B (0 of 5 genes), C (0 of 5 genes)" in str(record[0].message)
    assert not table.visible.any()
    assert table.p_value.isna().all()


class _SumOfFirstColumns(_FirstColumns):
    """P(RA) from the sum of the first ``n_used`` columns, with fixed weights."""

    def predict_proba(self, X):
        p = 1 / (1 + np.exp(-0.1 * np.asarray(X)[:, : self.n_used].sum(axis=1)))
        return np.column_stack([1 - p, p])


def test_usage_on_a_single_row_and_a_constant_gene(toy):
    """One perturbed row, and a gene constant in training (its test shift is 1, not 0 SD)."""
    X = toy.X.assign(G7=3.0)
    model = _SumOfFirstColumns(n_used=10).fit(X.to_numpy(), toy.y)
    table = perturbation_effects(model, X.to_numpy()[:1], modules={"B": [5, 6, 7, 8, 9]},
                                 X_train=X.to_numpy(), n_null=5, n_bootstrap=5, random_state=0)
    assert table.n_samples.tolist() == [1]
    assert table.n_genes_used.tolist() == [5]


def test_usage_needs_a_proper_predict_proba(toy):
    class _FlatProba(_FirstColumns):
        def predict_proba(self, X):
            return np.full(len(X), 0.5)  # one column only

    model = _FlatProba().fit(toy.X.to_numpy(), toy.y)
    with pytest.raises(ValueError, match=r"predict_proba returned shape"):
        perturbation_effects(model, toy.X_test.to_numpy(), modules={"A": [0, 1]}, n_null=0,
                             n_bootstrap=0)
