"""GeneSetScores: set scores from training statistics, beside a latent transformer's output."""

import numpy as np
import pandas as pd
import pytest
from sklearn.decomposition import PCA
from sklearn.preprocessing import StandardScaler

from skgenecyt import LowCoverageWarning
from skgenecyt.datasets import load_cytokine_modules
from skgenecyt.preprocessing import GeneSetScores


@pytest.fixture(scope="module")
def expression():
    rng = np.random.default_rng(0)
    genes = [f"G{i}" for i in range(12)]
    X = pd.DataFrame(rng.normal(5.0, 2.0, size=(30, 12)) + np.arange(12), columns=genes)
    return X


def test_score_is_the_mean_of_training_standardised_genes(expression):
    train, test = expression.iloc[:20], expression.iloc[20:]
    sets = {"first": ["G0", "G1", "G2"], "last": ["G11"]}
    scores = GeneSetScores(sets).fit(train)
    z = (test - train.mean()) / train.std(ddof=0)  # training statistics only
    expected = np.column_stack([z[["G0", "G1", "G2"]].mean(axis=1), z["G11"]])
    np.testing.assert_allclose(scores.transform(test), expected)
    assert scores.set_names_ == ["first", "last"]
    assert scores.set_indices_["first"].tolist() == [0, 1, 2]
    assert scores.coverage_.loc["first", "n_found"] == 3
    assert list(scores.get_feature_names_out()) == ["first", "last"]


def test_constant_gene_counts_as_zero(expression):
    X = expression.copy()
    X["G3"] = 4.0
    scores = GeneSetScores({"s": ["G3", "G4"]}).fit(X)
    z4 = (X["G4"] - X["G4"].mean()) / X["G4"].std(ddof=0)
    np.testing.assert_allclose(scores.transform(X)[:, 0], z4 / 2)


def test_latent_output_comes_first_then_the_sets(expression):
    step = GeneSetScores({"s": ["G0", "G5"]}, latent=PCA(n_components=2)).fit(expression)
    out = step.transform(expression)
    assert out.shape == (30, 3)
    np.testing.assert_allclose(out[:, :2], step.latent_.transform(expression.to_numpy()))
    assert list(step.get_feature_names_out()) == ["pca0", "pca1", "s"]
    # fit_transform fits the latent transformer once and gives the same output
    np.testing.assert_allclose(GeneSetScores({"s": ["G0", "G5"]}, latent=PCA(n_components=2))
                               .fit_transform(expression), out)


def test_no_sets_passes_the_latent_output_on_unchanged(expression):
    step = GeneSetScores(None, latent=StandardScaler()).fit(expression)
    np.testing.assert_allclose(step.transform(expression),
                               StandardScaler().fit_transform(expression))
    assert list(step.get_feature_names_out()) == list(expression.columns)


def test_pandas_output_names_the_set_columns(expression):
    step = GeneSetScores({"IL6": ["G0"]}, latent=PCA(n_components=1)).set_output(
        transform="pandas")
    out = step.fit_transform(expression)
    assert list(out.columns) == ["pca0", "IL6"]


def test_arrays_take_sets_by_column_index(expression):
    scores = GeneSetScores({"s": [0, 1]}).fit(expression.to_numpy())
    np.testing.assert_allclose(scores.transform(expression.to_numpy()),
                               GeneSetScores({"s": ["G0", "G1"]}).fit(expression)
                               .transform(expression))


def test_builtin_modules_by_name():
    genes = sorted({g for genes in load_cytokine_modules().values() for g in genes})
    X = pd.DataFrame(np.random.default_rng(0).normal(size=(10, len(genes))), columns=genes)
    scores = GeneSetScores("cytokine").fit(X)
    assert scores.set_names_ == ["IL6", "TNF", "IL1B"]
    assert (scores.coverage_["coverage"] == 1).all()


def test_set_without_any_gene_in_x_is_an_error(expression):
    with pytest.raises(ValueError, match="No gene of module 'gone'"):
        GeneSetScores({"ok": ["G0"], "gone": ["NOPE1", "NOPE2"]}).fit(expression)


def test_mostly_missing_set_warns_with_its_coverage(expression):
    with pytest.warns(LowCoverageWarning, match="s 1/4"):
        scores = GeneSetScores({"s": ["G0", "X1", "X2", "X3"]}).fit(expression)
    assert scores.coverage_.loc["s", "n_found"] == 1


def test_set_named_like_a_latent_output_is_an_error(expression):
    with pytest.raises(ValueError, match=r"'pca0'.*rename the sets"):
        GeneSetScores({"pca0": ["G0"]}, latent=PCA(n_components=1)).fit(expression)


def test_nothing_to_output_is_an_error(expression):
    with pytest.raises(ValueError, match="give gene_sets, latent or both"):
        GeneSetScores().fit(expression)


def test_bad_gene_sets_type_is_an_error(expression):
    with pytest.raises(TypeError, match="gene_sets"):
        GeneSetScores(gene_sets=3).fit(expression)


def test_unseen_genes_at_transform_are_an_error(expression):
    scores = GeneSetScores({"s": ["G0"]}).fit(expression)
    with pytest.raises(ValueError, match="feature names"):
        scores.transform(expression.rename(columns={"G0": "other"}))


def test_float32_latent_output_keeps_its_dtype(expression):
    X = expression.astype(np.float32)
    out = GeneSetScores({"s": ["G0"]}, latent=StandardScaler()).fit_transform(X)
    assert out.dtype == np.float32


class _Unnamed(StandardScaler):
    """A latent transformer without output names."""

    def get_feature_names_out(self, input_features=None):
        raise AttributeError("no names")


def test_latent_without_output_names_gets_numbered_names(expression):
    step = GeneSetScores({"s": ["G0"]}, latent=_Unnamed()).fit(expression)
    assert list(step.get_feature_names_out())[:2] == ["latent0", "latent1"]
    assert step.get_feature_names_out()[-1] == "s"
