"""Committed model files of every format version keep loading and giving the same outputs.

The files under ``tests/data/model_files`` were written by earlier releases
(see ``tests/data/make_model_files.py``); they are the compatibility
contract and are never regenerated. Their versions of skgenecyt and its
dependencies differ from the running ones sooner or later, so the version
warnings that loading them gives are expected here (they are tested in
``test_save_load.py``); what must not change is the output.
"""

import numpy as np
import pytest

from skgenecyt import load_model
from skgenecyt.persistence import FORMAT_VERSION, OLDEST_FORMAT_VERSION, model_metadata

from .conftest import MODEL_FILES

VERSIONS = range(OLDEST_FORMAT_VERSION, FORMAT_VERSION + 1)
CASES = [(version, name) for version in VERSIONS for name in MODEL_FILES.METHODS]

pytestmark = [
    pytest.mark.filterwarnings("ignore::skgenecyt.ModelVersionWarning"),
    pytest.mark.filterwarnings("ignore::sklearn.exceptions.InconsistentVersionWarning"),
]


def test_every_readable_format_version_has_committed_files():
    written = sorted(int(p.name.removeprefix("format"))
                     for p in MODEL_FILES.HERE.glob("format*"))
    assert written == list(VERSIONS), (
        "every format version load_model reads needs model files written by it: run "
        "tests/data/make_model_files.py once when FORMAT_VERSION changes"
    )


@pytest.mark.parametrize(("version", "name"), CASES)
def test_committed_model_file_gives_the_recorded_output(version, name):
    path = MODEL_FILES.model_path(version, name)
    X, _ = MODEL_FILES.read_input()
    metadata = model_metadata(path)
    assert metadata["format_version"] == version
    assert metadata["feature_names_in"] == list(X.columns)
    recorded = np.load(MODEL_FILES.output_path(version, name), allow_pickle=False)
    # Same code and libraries reproduce it bitwise; other CPUs or library
    # versions may round float32 network arithmetic differently.
    np.testing.assert_allclose(MODEL_FILES.output(name, load_model(path), X), recorded,
                               rtol=1e-5, atol=1e-7)


def test_committed_files_are_small():
    sizes = {p.name: p.stat().st_size for p in MODEL_FILES.HERE.rglob("*") if p.is_file()}
    assert max(sizes.values()) < 100_000, sizes
