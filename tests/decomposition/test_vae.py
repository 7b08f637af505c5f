"""VAETransformer: behaviour, errors, determinism and scikit-learn integration."""

import hashlib
import pickle
import subprocess
import sys
import textwrap

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skgenecyt import VAETransformer

# Small settings: every fit below takes a fraction of a second.
# Early stopping on (40 rows would otherwise train a fixed budget): several tests are about it.
FAST = dict(n_components=3, hidden_layer_sizes=(16,), max_epochs=40, batch_size=16, lr=1e-2,
            early_stopping=True, random_state=0)


def _low_rank(n_samples=40, n_features=30, rank=3, noise=0.3, seed=0):
    """Rows near a rank-3 subspace: structure a 3-factor VAE can learn."""
    rng = np.random.default_rng(seed)
    factors = rng.normal(size=(n_samples, rank))
    loadings = rng.normal(size=(rank, n_features))
    return factors @ loadings + noise * rng.normal(size=(n_samples, n_features))


def _frame(X):
    return pd.DataFrame(X.copy(), columns=[f"G{i}" for i in range(X.shape[1])],
                        index=[f"S{i}" for i in range(X.shape[0])])


@pytest.fixture(scope="module")
def data():
    X = _low_rank()
    X.setflags(write=False)  # shared by many tests: none may change it
    return X


@pytest.fixture(scope="module")
def fitted(data):
    return VAETransformer(**FAST).fit(data)


# -- the transformer API --------------------------------------------------------------------------

def test_transform_gives_float32_latent_means(fitted, data):
    Z = fitted.transform(data)
    assert Z.shape == (40, 3)
    assert Z.dtype == np.float32
    assert np.isfinite(Z).all()
    assert fitted.n_features_in_ == 30
    # Latent means are deterministic: no posterior draw in transform.
    np.testing.assert_array_equal(Z, fitted.transform(data))


def test_fit_transform_matches_fit_then_transform(data):
    Z1 = VAETransformer(**FAST).fit_transform(data)
    Z2 = VAETransformer(**FAST).fit(data).transform(data)
    np.testing.assert_array_equal(Z1, Z2)


def test_y_is_accepted_and_ignored(fitted, data):
    y = np.arange(40) % 2
    np.testing.assert_array_equal(
        VAETransformer(**FAST).fit(data, y).transform(data), fitted.transform(data)
    )


def test_history_and_epochs(fitted):
    history = fitted.history_
    assert list(history.columns) == ["epoch", "train_loss", "valid_loss", "dur"]
    assert len(history) == fitted.n_epochs_
    assert FAST["max_epochs"] >= fitted.n_epochs_ >= 1
    assert np.isfinite(history[["train_loss", "valid_loss"]].to_numpy()).all()
    # Training lowers the validation loss (the negative ELBO).
    assert history["valid_loss"].min() < history["valid_loss"].iloc[0]


def test_inverse_transform_reconstructs_held_out_rows():
    X = _low_rank(n_samples=80)
    train, test = X[:60], X[60:]
    vae = VAETransformer(**FAST).fit(train)
    recon = vae.inverse_transform(vae.transform(test))
    assert recon.shape == test.shape
    assert recon.dtype == np.float32
    r2 = 1 - ((test - recon) ** 2).sum() / ((test - test.mean(axis=0)) ** 2).sum()
    assert r2 > 0.5, r2


def test_inverse_transform_checks_the_latent_width(fitted):
    with pytest.raises(ValueError, match=r"X has 2 columns, but VAETransformer decodes 3"):
        fitted.inverse_transform(np.zeros((4, 2)))


def test_score_is_a_deterministic_mean_elbo(fitted, data):
    score = fitted.score(data)
    assert isinstance(score, float)
    assert np.isfinite(score)
    assert fitted.score(data) == score
    # The negative ELBO per sample is on the scale of the validation loss.
    assert -score == pytest.approx(fitted.history_["valid_loss"].min(), rel=0.5)


def test_score_prefers_data_like_the_training_data(fitted, data):
    rng = np.random.default_rng(1)
    scrambled = rng.permuted(data, axis=0)  # each gene shuffled on its own: no structure
    assert fitted.score(data) > fitted.score(scrambled) + 10


def test_grid_search_can_tune_without_labels():
    """score() lets GridSearchCV pick the latent size: 3 factors beat 1 on rank-3 data."""
    X = _low_rank(n_samples=120)
    vae = VAETransformer(**{**FAST, "max_epochs": 150})  # trained to convergence
    search = GridSearchCV(vae, {"n_components": [1, 3]}, cv=2).fit(X)
    assert search.best_params_ == {"n_components": 3}


def test_in_a_pipeline_with_cross_val_score(data):
    y = (data[:, 0] > np.median(data[:, 0])).astype(int)
    pipe = make_pipeline(StandardScaler(), VAETransformer(**FAST), LogisticRegression())
    scores = cross_val_score(pipe, data, y, cv=2, scoring="roc_auc")
    assert np.isfinite(scores).all()


def test_feature_names_and_pandas_output(data):
    X = _frame(data)
    vae = VAETransformer(**FAST).set_output(transform="pandas").fit(X)
    np.testing.assert_array_equal(vae.feature_names_in_, X.columns)
    np.testing.assert_array_equal(vae.get_feature_names_out(), ["vae0", "vae1", "vae2"])
    Z = vae.transform(X)
    assert isinstance(Z, pd.DataFrame)
    assert list(Z.columns) == ["vae0", "vae1", "vae2"]
    assert Z.index.equals(X.index)
    with pytest.raises(ValueError, match="input_features is not equal to feature_names_in_"):
        vae.get_feature_names_out(["a"] * 30)


@pytest.mark.parametrize("kind", ["float32", "int", "dataframe"])
def test_input_types_give_the_same_result(kind):
    X = np.round(_low_rank() * 10)  # integral values, so int input loses nothing
    converted = {
        "float32": X.astype(np.float32), "int": X.astype(np.int64), "dataframe": _frame(X),
    }[kind]
    expected = VAETransformer(**FAST).fit(X).transform(X)
    np.testing.assert_array_equal(VAETransformer(**FAST).fit(converted).transform(converted),
                                  expected)


def test_fewer_axes_when_the_data_have_fewer(data):
    vae = VAETransformer(**{**FAST, "pca_components": 25}).fit(data[:12])
    # 12 centred rows span at most 11 directions.
    assert vae.net_.module_.basis.shape == (30, 11)
    assert vae.transform(data).shape == (40, 3)


def test_feature_noise_is_estimated_per_gene():
    """Factor-analysis noise: each gene's noise SD is recovered, not one shared value."""
    rng = np.random.default_rng(2)
    noise_sd = rng.uniform(0.2, 1.0, size=50)
    X = rng.normal(size=(400, 3)) @ rng.normal(size=(3, 50)) + rng.normal(size=(400, 50)) * noise_sd
    module = VAETransformer(**{**FAST, "max_epochs": 1}).fit(X).net_.module_
    estimated = module.feature_scale.numpy() * np.sqrt(module.noise_var)
    np.testing.assert_allclose(estimated, noise_sd, rtol=0.2)  # a shared SD would be off 2x


# -- early stopping -------------------------------------------------------------------------------

def test_early_stopping_restores_the_best_epoch():
    """Weights after early stopping equal those of a run that ends at the best epoch."""
    X = _low_rank(n_samples=60, noise=1.0, seed=3)
    params = dict(FAST, lr=3e-2, patience=3, max_epochs=200)
    stopped = VAETransformer(**params).fit(X)
    best_epoch = int(stopped.history_["valid_loss"].idxmin()) + 1
    assert stopped.n_epochs_ == best_epoch + 3 < 200  # it stopped, 3 epochs after the best
    ends_at_best = VAETransformer(**{**params, "max_epochs": best_epoch}).fit(X)
    np.testing.assert_array_equal(stopped.transform(X), ends_at_best.transform(X))
    last = VAETransformer(**{**params, "max_epochs": stopped.n_epochs_,
                             "early_stopping": False}).fit(X)
    assert not np.array_equal(stopped.transform(X), last.transform(X))


@pytest.mark.parametrize("units", [1e-30, 1e30])
def test_the_latents_do_not_depend_on_the_units(data, units):
    """The fit divides out the scale, so float32 never sees squares of 1e30 or 1e-30."""
    Z = VAETransformer(**FAST).fit(data).transform(data)
    Z_units = VAETransformer(**FAST).fit(data * units).transform(data * units)
    # Equal up to float32 rounding, which 40 epochs of training amplify a little.
    assert np.abs(Z_units - Z).max() < 0.05 * Z.std()


# -- errors ---------------------------------------------------------------------------------------

def test_nan_or_inf_in_fit_names_the_genes(data):
    X = _frame(data)
    X.loc["S3", "G7"] = np.nan
    X.loc["S5", "G2"] = np.inf
    expected = r"NaN or infinite values in 2 column\(s\): 'G2' \(1 inf\), 'G7' \(1 NaN\)"
    with pytest.raises(ValueError, match=expected):
        VAETransformer(**FAST).fit(X)


def test_nan_or_too_large_values_in_transform_name_the_genes(data):
    vae = VAETransformer(**FAST).fit(_frame(data))
    X = _frame(data)
    X["G4"] = X["G4"] * 1e39  # beyond float32
    with pytest.raises(ValueError, match=r"infinite values in 1 column\(s\): 'G4' .*float32"):
        vae.transform(X)
    X = _frame(data)
    X.loc["S0", "G9"] = np.nan
    with pytest.raises(ValueError, match=r"1 column\(s\): 'G9' \(1 NaN\)"):
        vae.score(X)


def test_n_components_must_be_below_n_features(data):
    with pytest.raises(ValueError, match=r"n_components=30 must be smaller than the number of "
                                         r"features; X has 30 feature\(s\)"):
        VAETransformer(n_components=30).fit(data)


@pytest.mark.parametrize(("n_samples", "fraction", "message"), [
    (1, 0.1, r"needs at least 2 samples; got 1 sample"),
    (2, 0.1, r"Too few samples for the validation split: 2 sample\(s\) with "
             r"validation_fraction=0.1 leave 1 for training \(at least 2 are needed\)"),
    (4, 0.8, r"Too few samples for the validation split: 4 sample\(s\) with "
             r"validation_fraction=0.8 leave 1"),
])
def test_too_few_samples_is_a_clear_error(data, n_samples, fraction, message):
    with pytest.raises(ValueError, match=message):
        VAETransformer(**FAST, validation_fraction=fraction).fit(data[:n_samples])


def test_small_data_trains_without_early_stopping(data):
    Z = VAETransformer(**{**FAST, "early_stopping": False}).fit(data[:3]).transform(data)
    assert np.isfinite(Z).all()


@pytest.mark.parametrize(("n_samples", "stops_early", "epochs"), [
    (3, False, 100),  # a validation split of 0 rows: the fixed small-data budget
    (199, False, 100),  # 19 validation rows: still too few to judge an epoch by
    (200, True, None),  # 20 validation rows: early stopping, within max_epochs
])
def test_auto_early_stopping_needs_20_validation_rows(n_samples, stops_early, epochs):
    X = _low_rank(n_samples=n_samples, seed=1)
    vae = VAETransformer(**{**FAST, "early_stopping": "auto", "max_epochs": 150,
                            "lr": 3e-2, "patience": 2}).fit(X)
    assert vae.early_stopping_ is stops_early
    if epochs is not None:
        assert vae.n_epochs_ == epochs
        assert vae.history_["valid_loss"].isna().all()
    else:
        assert vae.n_epochs_ < 150
        assert vae.history_["valid_loss"].notna().all()


def test_auto_budget_never_exceeds_max_epochs(data):
    vae = VAETransformer(**{**FAST, "early_stopping": "auto", "max_epochs": 7}).fit(data)
    assert (vae.early_stopping_, vae.n_epochs_) == (False, 7)


def test_transform_rejects_a_different_number_of_features(fitted, data):
    with pytest.raises(ValueError, match=r"X has 29 features, but VAETransformer is expecting 30"):
        fitted.transform(data[:, :29])


def test_transform_names_missing_and_extra_genes(data):
    vae = VAETransformer(**FAST).fit(_frame(data))
    X = _frame(data).rename(columns={"G3": "NEW1"})
    with pytest.raises(ValueError, match=r"(?s)unseen at fit time:\n- NEW1\n.*missing:\n- G3"):
        vae.transform(X)


def test_hidden_layer_sizes_are_checked(data):
    with pytest.raises(ValueError, match=r"hidden_layer_sizes must be a sequence of positive"):
        VAETransformer(hidden_layer_sizes=(8, 0)).fit(data)


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the error without CUDA")
def test_cuda_without_a_gpu_is_a_clear_error(data):
    with pytest.raises(ValueError, match=r"device='cuda' was requested but CUDA is not available"):
        VAETransformer(**FAST, device="cuda").fit(data)


def test_constant_data_is_a_clear_error():
    with pytest.raises(ValueError, match=r"X has no variance"):
        VAETransformer(**FAST).fit(np.ones((20, 10)))


# -- determinism, side effects, persistence -------------------------------------------------------

def test_same_seed_same_model_other_seed_other_model(fitted, data):
    np.testing.assert_array_equal(VAETransformer(**FAST).fit(data).transform(data),
                                  fitted.transform(data))
    other = VAETransformer(**{**FAST, "random_state": 1}).fit(data)
    assert not np.array_equal(other.transform(data), fitted.transform(data))


def test_global_random_state_and_threads_are_left_alone(data):
    torch_state, numpy_state = torch.random.get_rng_state(), np.random.get_state()  # noqa: NPY002
    threads = torch.get_num_threads()
    VAETransformer(**FAST).fit(data).score(data)
    assert torch.equal(torch.random.get_rng_state(), torch_state)
    assert np.random.get_state()[1].tolist() == numpy_state[1].tolist()  # noqa: NPY002
    assert torch.get_num_threads() == threads


_CHILD = textwrap.dedent("""
    import hashlib, sys
    import numpy as np
    from skgenecyt import VAETransformer
    X = np.random.default_rng(0).normal(size=(40, 30))
    vae = VAETransformer(n_components=3, hidden_layer_sizes=(16,), max_epochs=10,
                         random_state=7).fit(X)
    blob = vae.transform(X).tobytes() + vae.inverse_transform(vae.transform(X)).tobytes()
    sys.stdout.write(hashlib.sha256(blob).hexdigest() + " " + repr(vae.score(X)))
""")


@pytest.mark.slow
def test_same_seed_same_bytes_across_processes():
    children = [subprocess.Popen([sys.executable, "-c", _CHILD], stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = []
    for child in children:
        out, err = child.communicate(timeout=300)
        assert child.returncode == 0, err[-2000:]
        outputs.append(out)
    assert outputs[0] == outputs[1]
    assert len(outputs[0].split()[0]) == 64


def test_pickle_round_trip(fitted, data):
    clone = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(clone.transform(data), fitted.transform(data))
    assert clone.score(data) == fitted.score(data)
    digest = hashlib.sha256(clone.inverse_transform(clone.transform(data)).tobytes())
    assert digest.hexdigest() == hashlib.sha256(
        fitted.inverse_transform(fitted.transform(data)).tobytes()
    ).hexdigest()


def test_device_switch_keeps_a_fitted_model_usable(data):
    """set_params(device=...) after fit moves the net (here CPU to CPU: a no-op path)."""
    vae = VAETransformer(**FAST).fit(data)
    Z = vae.transform(data)
    vae.set_params(device="cpu")
    np.testing.assert_array_equal(vae.transform(data), Z)
    if not torch.cuda.is_available():
        vae.set_params(device="cuda")
        with pytest.raises(ValueError, match="CUDA is not available"):
            vae.transform(data)
