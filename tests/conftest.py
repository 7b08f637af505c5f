"""Fixtures shared across the test folders."""

import pytest

from skgenecyt._training import torch_threads


@pytest.fixture
def one_torch_thread():
    """Tiny networks: extra torch threads only add synchronisation cost on a busy machine."""
    with torch_threads(1):
        yield
