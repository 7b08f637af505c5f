"""Null gene sets and the empirical p-value."""

import numpy as np
import pytest

from skgenecyt.datasets._random_sets import expression_bins
from skgenecyt.perturbation._statistics import (
    bootstrap_means,
    empirical_p_value,
    null_gene_sets,
)


def test_null_sets_have_module_size_distinct_genes_outside_module():
    rng = np.random.default_rng(0)
    module = np.array([3, 17, 40, 41, 99])
    sets = null_gene_sets(module, 200, 500, rng)
    assert sets.shape == (500, 5)
    assert not np.isin(sets, module).any()
    assert all(len(set(row)) == 5 for row in sets)
    # Uniform over the 195 other genes: every gene is drawn about equally often.
    counts = np.bincount(sets.ravel(), minlength=200)
    assert counts[module].sum() == 0
    others = np.delete(counts, module)
    assert others.min() > 0
    assert others.max() < 3 * others.mean()


def test_null_sets_matched_on_expression_level():
    rng = np.random.default_rng(1)
    level = rng.uniform(0, 10, size=1000)
    module = np.argsort(level)[-20:]  # the 20 most expressed genes
    sets = null_gene_sets(module, 1000, 200, rng, level=level, n_bins=10)
    bins = expression_bins(level, 10)
    assert (bins[sets] == 9).all()  # all null genes from the top bin, like the module
    unmatched = null_gene_sets(module, 1000, 200, rng, level=None)
    assert level[unmatched].mean() < level[sets].mean() - 2


def test_matching_falls_back_to_fewer_bins_when_a_bin_is_too_small():
    level = np.arange(20.0)
    module = np.arange(16, 20)  # fills the top bin of 10 (2 genes per bin)
    sets = null_gene_sets(module, 20, 50, np.random.default_rng(0), level=level, n_bins=10)
    assert not np.isin(sets, module).any()
    assert level[sets].mean() > 9.5  # still biased to the upper half


def test_null_impossible_when_module_covers_almost_all_genes():
    with pytest.raises(ValueError, match="n_null=0"):
        null_gene_sets(np.arange(8), 10, 5, np.random.default_rng(0))
    assert null_gene_sets(np.arange(8), 10, 0, np.random.default_rng(0)).shape == (0, 8)


def test_empirical_p_value_plus_one_correction():
    null = np.array([-2.0, -1.0, 0.0, 1.0, 2.0])
    assert empirical_p_value(10.0, null, "greater") == pytest.approx(1 / 6)
    assert empirical_p_value(1.0, null, "greater") == pytest.approx(3 / 6)
    assert empirical_p_value(-1.5, null, "less") == pytest.approx(2 / 6)
    # two-sided: distance from the null mean (0) at least |obs|
    assert empirical_p_value(-1.5, null, "two-sided") == pytest.approx(3 / 6)
    assert empirical_p_value(0.0, null, "two-sided") == pytest.approx(1.0)
    assert np.isnan(empirical_p_value(1.0, np.array([]), "greater"))


def test_bootstrap_means_match_resampling_definition():
    deltas = np.random.default_rng(0).normal(size=(2, 50))
    boot = bootstrap_means(deltas, 4000, np.random.default_rng(1))
    assert boot.shape == (4000, 2)
    np.testing.assert_allclose(boot.mean(axis=0), deltas.mean(axis=1), atol=0.02)
    np.testing.assert_allclose(boot.std(axis=0), deltas.std(axis=1) / np.sqrt(50), rtol=0.1)
