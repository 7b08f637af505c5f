"""anova_f: scikit-learn's ANOVA F, quiet and defined on constant genes."""

import warnings

import numpy as np
import pytest
from sklearn.feature_selection import f_classif

from skgenecyt.preprocessing import anova_f


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("n_classes", [2, 3])
def test_matches_f_classif_bitwise_on_ordinary_genes(dtype, n_classes):
    rng = np.random.default_rng(n_classes)
    X = rng.normal(size=(40, 200)).astype(dtype)
    y = rng.integers(0, n_classes, size=40)
    f, p = anova_f(X, y)
    f_ref, p_ref = f_classif(X, y)
    np.testing.assert_array_equal(f, f_ref)
    np.testing.assert_array_equal(p, p_ref)


def test_constant_genes_score_zero_without_a_warning():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 5))
    y = np.repeat([0, 1], 15)
    X[:, 1] = 7.25  # never varies
    X[:, 3] = np.where(y == 1, 2.0, 1.0)  # constant within each class, differs between
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        f, p = anova_f(X, y)
    assert (f[1], p[1]) == (0.0, 1.0)
    assert (f[3], p[3]) == (np.inf, 0.0)
    assert np.isfinite(f[[0, 2, 4]]).all()
    assert (f[[0, 2, 4]] > 0).all()


def test_rejects_mismatched_labels():
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        anova_f(np.zeros((4, 2)), [0, 1, 0])
