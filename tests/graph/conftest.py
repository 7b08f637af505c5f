import pytest
import torch


@pytest.fixture(autouse=True)
def one_thread():
    # The networks in these tests are tiny: extra threads only add
    # synchronisation cost, which dominates on a busy machine.
    n_threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(n_threads)
