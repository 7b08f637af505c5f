"""Simulated cohorts round-trip through the files that load_expression reads."""

import numpy as np
import pandas as pd
import pytest

from skgenecyt import load_expression, make_ra_cohort
from skgenecyt.report import OutputExistsError, write_cohort
from skgenecyt.report._cohort_files import cohort_paths


@pytest.fixture(scope="module")
def cohort():
    return make_ra_cohort(n_ra=8, n_control=6, n_holdout_ra=4, n_holdout_control=3,
                          n_genes=150, random_state=0)


@pytest.mark.parametrize("name", ["c.csv", "c.tsv.gz", "c.parquet"])
def test_round_trip(tmp_path, cohort, name):
    paths = write_cohort(cohort, tmp_path / name)
    assert [p.name for p in paths] == [name, "c.labels.csv", name.replace("c.", "c.holdout."),
                                       "c.holdout.labels.csv"]
    X, y = load_expression(paths[0], paths[1], return_X_y=True)
    pd.testing.assert_index_equal(X.index, cohort.X.index, check_names=False)
    assert list(X.columns) == list(cohort.X.columns)
    np.testing.assert_allclose(X.to_numpy(), cohort.X.to_numpy(), rtol=1e-6)
    np.testing.assert_array_equal(y.to_numpy(), cohort.y.to_numpy())
    Xh, yh = load_expression(paths[2], paths[3], return_X_y=True)
    assert Xh.shape == cohort.X_holdout.shape
    np.testing.assert_array_equal(yh.to_numpy(), cohort.y_holdout.to_numpy())


def test_existing_files_are_refused_unless_forced(tmp_path, cohort):
    write_cohort(cohort, tmp_path / "c.csv")
    (tmp_path / "c.csv").write_text("mine")
    with pytest.raises(OutputExistsError, match="exists"):
        write_cohort(cohort, tmp_path / "c.csv")
    assert (tmp_path / "c.csv").read_text() == "mine"
    write_cohort(cohort, tmp_path / "c.csv", force=True)
    assert (tmp_path / "c.csv").read_text() != "mine"


def test_unknown_format_and_no_holdout(tmp_path, cohort):
    with pytest.raises(ValueError, match="Cannot tell the format"):
        cohort_paths(tmp_path / "c.xlsx")
    assert list(cohort_paths(tmp_path / "c.csv", holdout=False)) == ["X", "y"]
