import pytest


@pytest.fixture(autouse=True)
def _tiny_networks(one_torch_thread):
    """Every test here trains or runs tiny networks."""
