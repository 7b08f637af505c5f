"""perturbation_summary: effects, dose-response, coverage and figures of a fitted model."""

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import skgenecyt
from skgenecyt import LowCoverageWarning, dose_response, perturbation_effects
from skgenecyt.report import perturbation_summary

N_GENES = 60


def _cohort(n_samples, seed):
    """Expression whose first 5 genes (module A) are raised by 1.2 SD in RA samples."""
    rng = np.random.default_rng(seed)
    y = np.tile([0, 1], n_samples // 2)
    X = 6.0 + rng.normal(size=(n_samples, N_GENES))
    X[:, :5] += 1.2 * y[:, None]
    index = [f"s{seed}_{i}" for i in range(n_samples)]
    return pd.DataFrame(X, columns=[f"G{i}" for i in range(N_GENES)], index=index), y


@pytest.fixture(scope="module")
def fitted():
    X, y = _cohort(120, seed=1)
    X_test, _ = _cohort(60, seed=2)
    model = make_pipeline(StandardScaler(), LogisticRegression(C=0.1)).fit(X, y)
    modules = {"A": [f"G{i}" for i in range(5)], "B": [f"G{i}" for i in range(10, 15)],
               "partial": ["G20", "G21", "NOPE"]}
    return model, X, X_test, modules


SETTINGS = dict(n_bootstrap=50, n_null=20, random_state=0)


def test_tables_coverage_and_figures(fitted):
    model, X, X_test, modules = fitted
    summary = perturbation_summary(model, X_test, modules=modules, X_train=X,
                                   doses=[-1.0, 0.0, 1.0], reference={"A": (0.12, 0.03)},
                                   **SETTINGS)
    assert list(summary.effects.module) == ["A", "B", "partial"]
    assert len(summary.dose_response) == 3 * 3
    assert summary.coverage.loc["partial", "missing"] == ["NOPE"]
    assert summary.coverage.loc["partial", ["n_genes", "n_found"]].tolist() == [3, 2]
    assert summary.coverage.loc["A", "n_found"] == 5
    assert set(summary.figures) == {"forest", "dose_response"}
    assert all(isinstance(f, Figure) for f in summary.figures.values())
    # The same numbers as the functions it summarises, called on their own.
    pd.testing.assert_frame_equal(
        summary.effects, perturbation_effects(model, X_test, modules=modules, X_train=X,
                                              **SETTINGS))
    pd.testing.assert_frame_equal(
        summary.dose_response,
        dose_response(model, X_test, ["A", "B", "partial"], [-1.0, 0.0, 1.0],
                      modules=modules, X_train=X, n_bootstrap=50, random_state=0))


def test_no_doses_no_curve(fitted):
    model, X, X_test, modules = fitted
    summary = perturbation_summary(model, X_test, modules=modules, X_train=X, doses=None,
                                   **SETTINGS)
    assert summary.dose_response is None
    assert set(summary.figures) == {"forest"}


def test_low_coverage_is_reported_in_the_table_and_by_a_warning(fitted):
    model, _, X_test, _ = fitted
    modules = {"A": ["G0", "G1", "NOPE1", "NOPE2", "NOPE3"]}
    with pytest.warns(LowCoverageWarning, match=r"A 2/5"):
        summary = perturbation_summary(model, X_test, modules=modules, doses=None,
                                       **SETTINGS)
    row = summary.coverage.loc["A"]
    assert (row["n_genes"], row["n_found"], row["coverage"]) == (5, 2, 0.4)
    assert row["missing"] == ["NOPE1", "NOPE2", "NOPE3"]


def test_modules_of_column_indices_on_an_array(fitted):
    _, X, X_test, _ = fitted
    array_model = LogisticRegression(C=0.1).fit(X.to_numpy(), np.tile([0, 1], 60))
    summary = perturbation_summary(array_model, X_test.to_numpy(),
                                   modules={"A": [0, 1, 2, 3, 4, 4], "B": [10, 11]},
                                   doses=[1.0], **SETTINGS)
    assert summary.coverage.to_dict("index") == {
        "A": {"n_genes": 5, "n_found": 5, "coverage": 1.0, "missing": []},
        "B": {"n_genes": 2, "n_found": 2, "coverage": 1.0, "missing": []},
    }


def test_bad_parameters_name_perturbation_summary(fitted):
    model, _, X_test, modules = fitted
    # checked by perturbation_effects, reported under the name the user called
    with pytest.raises(ValueError, match=r"'n_null' parameter of perturbation_summary must"):
        perturbation_summary(model, X_test, modules=modules, n_null=-1)
    with pytest.raises(TypeError, match=r"'reference' parameter of perturbation_summary must"):
        perturbation_summary(model, X_test, modules=modules, reference=[0.12])


def test_public_at_the_top_level_and_not_in_the_perturbation_package():
    assert skgenecyt.perturbation_summary is perturbation_summary
    assert not hasattr(skgenecyt.perturbation, "perturbation_summary")
    assert not hasattr(skgenecyt.perturbation, "PAPER_EFFECTS")
