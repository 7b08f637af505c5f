"""torch's process-wide thread count survives overlapping capped blocks in threads."""

import threading

import numpy as np
import pandas as pd
import pytest
import torch

from skgenecyt import make_genecytnet, perturbation_effects
from skgenecyt._training import torch_threads


@pytest.fixture
def two_torch_threads():
    """Start from a count that differs from the caps, so that a lost restore shows."""
    before = torch.get_num_threads()
    torch.set_num_threads(2)
    yield 2
    torch.set_num_threads(before)


def _count_in_a_new_thread():
    """What a thread started now runs on (torch's process-wide default)."""
    seen = []
    thread = threading.Thread(target=lambda: seen.append(torch.get_num_threads()))
    thread.start()
    thread.join()
    return seen[0]


def test_interleaved_blocks_restore_the_original_count(two_torch_threads):
    # A enters, B enters, A leaves, B leaves: saving and restoring per block
    # would leave the process-wide default on B's saved value (A's cap), so
    # every thread started later would run on one thread.
    a_in, b_in, a_out = threading.Event(), threading.Event(), threading.Event()

    def block_a():
        with torch_threads(1):
            a_in.set()
            b_in.wait()
        a_out.set()

    seen_by_b = []

    def block_b():
        a_in.wait()
        with torch_threads(1):
            b_in.set()
            a_out.wait()
            seen_by_b.append(torch.get_num_threads())  # B's cap still holds after A left

    threads = [threading.Thread(target=block_a), threading.Thread(target=block_b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen_by_b == [1]
    assert torch.get_num_threads() == two_torch_threads
    assert _count_in_a_new_thread() == two_torch_threads


def test_nested_blocks_unwind(two_torch_threads):
    with torch_threads(3):
        assert torch.get_num_threads() == 3
        with torch_threads(1):
            assert torch.get_num_threads() == 1
        assert torch.get_num_threads() == 3
    assert torch.get_num_threads() == two_torch_threads


def test_the_count_comes_back_after_an_error(two_torch_threads):
    with pytest.raises(RuntimeError, match="boom"), torch_threads(1):
        raise RuntimeError("boom")
    assert torch.get_num_threads() == two_torch_threads


@pytest.mark.parametrize("bad", [0, -1, 1.5, "2"])
def test_a_cap_must_be_a_positive_int(bad):
    with pytest.raises(ValueError, match="num_threads"), torch_threads(bad):
        pass


def test_parallel_perturbation_leaves_the_thread_count_alone(two_torch_threads):
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(40, 30)), columns=[f"G{i}" for i in range(30)])
    y = np.repeat([0, 1], 20)
    X.iloc[y == 1, :5] += 1.0
    model = make_genecytnet(
        random_state=0, select__k=20, vae__n_components=3, vae__hidden_layer_sizes=(8,),
        vae__max_epochs=3, gat__hidden_channels=8, gat__heads=2, gat__max_epochs=3,
    ).fit(X, y)
    assert torch.get_num_threads() == two_torch_threads
    for _ in range(3):
        perturbation_effects(model, X, modules={"A": ["G0", "G1"], "B": ["G2", "G3", "G4"]},
                             n_null=10, n_bootstrap=20, random_state=0, n_jobs=2,
                             max_batch_bytes=2048)
        assert torch.get_num_threads() == two_torch_threads
        assert _count_in_a_new_thread() == two_torch_threads
