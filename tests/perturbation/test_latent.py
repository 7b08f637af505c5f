"""Latent-space perturbation: directions, effects and the link to input-space shifts."""

import numpy as np
import pytest
from sklearn.decomposition import PCA
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from skgenecyt.decomposition import VAETransformer
from skgenecyt.perturbation import latent_module_direction, latent_perturbation_effects
from skgenecyt.perturbation._latent import find_latent_step

FAST = dict(n_bootstrap=200, n_null=50, random_state=0)


@pytest.fixture(scope="module")
def pca_model(toy):
    return make_pipeline(StandardScaler(), PCA(n_components=5, random_state=0),
                         LogisticRegression()).fit(toy.X, toy.y)


def test_planted_module_moves_probability_in_latent_space(toy, pca_model):
    modules = {"A": toy.modules["A"], "noise": [f"G{i}" for i in range(100, 105)]}
    table = latent_perturbation_effects(pca_model, toy.X_test, modules=modules,
                                        latent_step="pca", X_train=toy.X, **FAST)
    row = table.set_index("module")
    assert row.loc["A", "delta_mean"] > 0
    assert row.loc["A", "ci_low"] > 0
    assert row.loc["A", "p_value"] < 0.05
    assert row.loc["A", "latent_r2"] > row.loc["noise", "latent_r2"]
    assert (table["mode"] == "latent").all()


def test_deltas_are_the_classifier_on_moved_codes(toy, pca_model):
    _table, deltas = latent_perturbation_effects(
        pca_model, toy.X_test, toy.y_test, modules=toy.modules, shifts=[-1.0, 0.5],
        latent_step=1, on="ra", X_train=toy.X, return_deltas=True, **FAST,
    )
    X_rows = toy.X_test[toy.y_test == 1]
    Z = pca_model[:2].transform(X_rows)
    base = pca_model[2:].predict_proba(Z)[:, 1]
    step = latent_module_direction(pca_model, toy.X, "B", modules=toy.modules,
                                   latent_step="pca").step
    expected = pca_model[2:].predict_proba(Z + 0.5 * step)[:, 1] - base
    np.testing.assert_allclose(deltas[("B", 0.5)], expected, atol=1e-12)
    assert deltas.index.equals(X_rows.index)


@pytest.mark.parametrize("method", ["mean_difference", "regression"])
def test_direction_scale_and_decoded_genes(toy, pca_model, method):
    result = latent_module_direction(pca_model, toy.X, "A", modules=toy.modules,
                                     method=method, latent_step="pca")
    Z = pca_model[:2].transform(toy.X)
    spread = ((Z - Z.mean(axis=0)) @ result.direction).std()
    assert np.linalg.norm(result.step) == pytest.approx(spread)  # shift 1 = one SD
    assert np.linalg.norm(result.direction) == pytest.approx(1.0)
    change = result.decoded_change
    assert change.index.equals(toy.X.columns)
    module_genes = change[toy.modules["A"]]
    noise = change.drop(toy.X.columns[:15])
    assert module_genes.min() > 0
    assert module_genes.mean() > 3 * noise.abs().mean()


def test_vae_pipeline_uses_the_vae_as_latent_step(toy):
    vae = VAETransformer(n_components=3, hidden_layer_sizes=(16,), max_epochs=15,
                         random_state=0)
    model = make_pipeline(StandardScaler(), vae, LogisticRegression()).fit(toy.X, toy.y)
    assert find_latent_step(model) == 1
    table = latent_perturbation_effects(model, toy.X_test, modules=toy.modules,
                                        X_train=toy.X, n_bootstrap=50, n_null=10,
                                        random_state=0)
    assert list(table.module) == ["A", "B", "C"]
    assert np.isfinite(table[["delta_mean", "ci_low", "latent_r2", "p_value"]]).all().all()
    again = latent_perturbation_effects(model, toy.X_test, modules=toy.modules,
                                        X_train=toy.X, n_bootstrap=50, n_null=10,
                                        random_state=0)
    np.testing.assert_array_equal(table.delta_mean, again.delta_mean)


def test_latent_step_errors(toy, pca_model):
    with pytest.raises(ValueError, match="no VAETransformer"):
        find_latent_step(pca_model)
    with pytest.raises(ValueError, match="not a step name"):
        find_latent_step(pca_model, "vae")
    with pytest.raises(ValueError, match="before the final classifier"):
        find_latent_step(pca_model, -1)
    with pytest.raises(ValueError, match="out of range"):
        find_latent_step(pca_model, 7)
    with pytest.raises(TypeError, match="Pipeline"):
        find_latent_step(LogisticRegression().fit(toy.X, toy.y))
    unfitted = Pipeline([("pca", PCA(2)), ("clf", LogisticRegression())])
    with pytest.raises(ValueError, match="not fitted"):
        latent_perturbation_effects(unfitted, toy.X, modules=toy.modules, latent_step="pca")


def test_genecytnet_decodes_a_latent_direction_back_to_genes(toy):
    from skgenecyt import make_genecytnet

    model = make_genecytnet(random_state=0, select__k=30, vae__n_components=3,
                            vae__hidden_layer_sizes=(16,), vae__max_epochs=5,
                            gat__hidden_channels=8, gat__heads=2, gat__max_epochs=3)
    model.fit(toy.X, toy.y)
    change = latent_module_direction(model, toy.X, "A", modules=toy.modules).decoded_change
    assert change is not None, "every step up to the VAE must have inverse_transform"
    assert change.index.equals(toy.X.columns)
    selected = model["select"].get_support()
    assert (change[~selected] == 0).all()  # genes the model never sees do not move
    assert change[selected].abs().max() > 0
