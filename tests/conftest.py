"""Fixtures shared across the test folders."""

import os
from pathlib import Path

import pytest

from skgenecyt._training import torch_threads

#: Public GMT files laid beside the clone (``../shared``), never part of the package.
SHARED_GENESETS = Path(__file__).resolve().parents[2] / "shared" / "data" / "genesets"

# CI lays ../shared beside the clone and sets this, so that a missing folder
# fails there instead of skipping silently; a user's plain clone skips.
_REQUIRE_SHARED = os.environ.get("SKGENECYT_REQUIRE_SHARED") == "1"


@pytest.fixture(scope="session")
def shared_genesets():
    """The folder of public GMT files, or a skip that says why it is absent."""
    if not sorted(SHARED_GENESETS.glob("*.gmt")):
        message = (f"the public gene-set files are not beside the clone ({SHARED_GENESETS}); "
                   "CI provides them")
        if _REQUIRE_SHARED:
            pytest.fail(message + ", but SKGENECYT_REQUIRE_SHARED=1 says they must be there")
        pytest.skip(message)
    return SHARED_GENESETS


@pytest.fixture
def one_torch_thread():
    """Tiny networks: extra torch threads only add synchronisation cost on a busy machine."""
    with torch_threads(1):
        yield


@pytest.fixture
def fast_benchmark_models(monkeypatch):
    """benchmark_report's models (GeneCytNet and the baselines) replaced by fast ones.

    "GeneCytNet" becomes a scaled logistic regression and the baselines one
    dummy, for tests of the report and the command line, not of the models.
    """
    from sklearn.dummy import DummyClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    import skgenecyt.pipeline
    import skgenecyt.report._benchmark_report as benchmark_report_module

    monkeypatch.setattr(skgenecyt.pipeline, "make_genecytnet",
                        lambda random_state=None, **params: make_pipeline(
                            StandardScaler(), LogisticRegression(C=0.1)))
    monkeypatch.setattr(benchmark_report_module, "default_baselines",
                        lambda random_state=None: {"dummy": DummyClassifier()})
