"""The one training path: batches, validation draws, early stopping, optimiser."""

import pickle
import warnings

import numpy as np
import pytest
import torch
from skorch.dataset import Dataset

from skgenecyt import GATClassifier, VAETransformer
from skgenecyt._training import RowBatches, _fused_optimizer, _has_fused_adamw


def _rows(n_rows, n_cols=3):
    """Rows whose first column is their index, so batches show which rows they hold."""
    X = np.zeros((n_rows, n_cols), dtype=np.float32)
    X[:, 0] = np.arange(n_rows)
    return X, np.arange(n_rows) % 2


@pytest.mark.parametrize(("n_rows", "sizes"), [
    (324, {64, 65}),  # five batches, not five of 64 and one of 4
    (259, {64, 65}),  # four, not four of 64 and one of 3
    (100, {50}),
    (20, {20}),  # fewer rows than a batch: one batch
])
def test_training_batches_use_every_row_once_in_balanced_batches(n_rows, sizes):
    X, y = _rows(n_rows)
    batches = list(RowBatches(Dataset(X, y), batch_size=64, shuffle=True))
    assert {len(xb) for xb, _ in batches} == sizes
    assert len(batches) == len(RowBatches(Dataset(X, y), batch_size=64, shuffle=True))
    seen = torch.cat([xb[:, 0] for xb, _ in batches]).long()
    assert sorted(seen.tolist()) == list(range(n_rows))
    for xb, yb in batches:  # each row keeps its target
        assert torch.equal(yb, xb[:, 0].long() % 2)


def test_shuffling_follows_torchs_global_generator():
    X, y = _rows(50)
    batches = RowBatches(Dataset(X, y), batch_size=16, shuffle=True)

    def order(seed):
        torch.manual_seed(seed)
        return torch.cat([xb[:, 0] for xb, _ in batches])

    assert torch.equal(order(0), order(0))
    assert not torch.equal(order(0), order(1))
    torch.manual_seed(0)
    first, second = (torch.cat([xb[:, 0] for xb, _ in batches]) for _ in range(2))
    assert not torch.equal(first, second)  # a fresh order on every pass


def test_fixed_order_batches_and_subsets():
    X, y = _rows(10)
    subset = torch.utils.data.Subset(Dataset(X, y), [7, 2, 5, 9, 0])
    batches = list(RowBatches(subset, batch_size=2))
    assert [xb[:, 0].tolist() for xb, _ in batches] == [[7, 2], [5, 9], [0]]
    assert [yb.tolist() for _, yb in batches] == [[1, 0], [1, 1], [0]]


def test_read_only_arrays_and_missing_targets():
    X, y = _rows(6)
    X.setflags(write=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # torch warns when it is given read-only memory
        batches = list(RowBatches(Dataset(X, y), batch_size=4))
    assert sum(len(xb) for xb, _ in batches) == 6
    with pytest.raises(ValueError, match="needs targets"):
        RowBatches(Dataset(X, None), batch_size=4)


def _vae_data(seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(60, 3)) @ rng.normal(size=(3, 20)) + 0.3 * rng.normal(size=(60, 20))


def test_validation_passes_draw_the_same_numbers_every_epoch():
    """With the weights barely moving, the VAE's validation loss stays put: same draws."""
    vae = VAETransformer(n_components=2, hidden_layer_sizes=(8,), max_epochs=5, lr=1e-12,
                         kl_warmup_epochs=0, patience=10, random_state=0).fit(_vae_data())
    valid = vae.history_["valid_loss"].to_numpy()
    np.testing.assert_allclose(valid, valid[0], rtol=1e-6)
    train = vae.history_["train_loss"].to_numpy()
    assert np.ptp(train) > 1e-3 * abs(train).mean()  # training draws still differ


def test_early_stopping_keeps_no_copy_in_the_fitted_net():
    vae = VAETransformer(n_components=2, hidden_layer_sizes=(8,), max_epochs=300, lr=3e-2,
                         batch_size=16, patience=3, early_stopping=True,
                         random_state=0).fit(_vae_data())
    assert vae.n_epochs_ < 300
    stopping = dict(vae.net_.callbacks_)["early_stopping"]
    assert stopping.best_parameters_ is None
    assert stopping.best_epoch_ == int(vae.history_["valid_loss"].idxmin()) + 1
    pickle.dumps(vae)


@pytest.mark.skipif(not _has_fused_adamw("cpu"), reason="this torch has no fused AdamW on CPU")
def test_training_uses_the_fused_optimizer_where_torch_has_one():
    assert _fused_optimizer("cpu") == {"optimizer__fused": True}
    X = np.random.default_rng(0).normal(size=(40, 4))
    clf = GATClassifier(hidden_channels=4, heads=2, max_epochs=2, random_state=0)
    clf.fit(X, (X[:, 0] > 0).astype(int))
    assert clf.net_.optimizer_.defaults["fused"] is True
    # Not a parameter of the trained net: saved models must not ask for it.
    assert "optimizer__fused" not in clf.net_.get_params()
