"""random_gene_sets: the control for prior gene sets."""

import numpy as np
import pandas as pd
import pytest

from skgenecyt import make_ra_cohort, random_gene_sets


@pytest.fixture(scope="module")
def cohort():
    return make_ra_cohort(n_ra=20, n_control=20, n_holdout_ra=2, n_holdout_control=2,
                          n_genes=3000, random_state=0)


def test_same_names_and_sizes_no_overlap(cohort):
    control = random_gene_sets("cytokine", cohort.X, random_state=0)
    assert list(control) == list(cohort.modules)
    for name, genes in cohort.modules.items():
        assert len(control[name]) == len(genes)
        assert len(set(control[name])) == len(genes)
    given = {g for genes in cohort.modules.values() for g in genes}
    drawn = [g for genes in control.values() for g in genes]
    assert not set(drawn) & given  # no gene of any given set
    assert len(set(drawn)) == len(drawn)  # nor shared between random sets


def test_genes_matched_in_mean_and_variance(cohort):
    X = cohort.X
    mean, log_var = X.mean(), np.log(X.var(ddof=0))
    uniform = np.random.default_rng(0)
    for seed in range(3):
        control = random_gene_sets("cytokine", X, random_state=seed)
        for name, genes in cohort.modules.items():
            chance = X.columns[uniform.choice(X.shape[1], len(genes), replace=False)]
            gap = abs(mean[control[name]].mean() - mean[genes].mean())
            assert gap < 0.15 * mean.std(), (seed, name)  # chance: about 0.6
            assert gap < abs(mean[chance].mean() - mean[genes].mean())
            gap = abs(log_var[control[name]].mean() - log_var[genes].mean())
            assert gap < 0.15 * log_var.std(), (seed, name)


def test_matching_is_bin_by_bin(cohort):
    # quantile bins of the mean: every drawn gene's bin count equals the set's
    X = cohort.X
    control = random_gene_sets({"s": cohort.modules["IL6"]}, X, random_state=1, n_bins=2)
    mean, var = X.mean(), X.var(ddof=0)

    def cells(genes):
        high_mean = mean[genes] > mean.median()
        high_var = var[genes] > var.median()
        return sorted(zip(high_mean, high_var))

    assert cells(control["s"]) == cells(cohort.modules["IL6"])


def test_reproducible_and_seed_dependent(cohort):
    a = random_gene_sets("cytokine", cohort.X, random_state=3)
    assert a == random_gene_sets("cytokine", cohort.X, random_state=3)
    assert a != random_gene_sets("cytokine", cohort.X, random_state=4)


def test_sets_only_of_present_genes(cohort):
    sets = {"part": ["absent1", *cohort.modules["TNF"][:4]]}
    control = random_gene_sets(sets, cohort.X, random_state=0)
    assert len(control["part"]) == 4


def test_arrays_give_column_indices():
    X = np.random.default_rng(0).normal(size=(10, 50))
    control = random_gene_sets({"a": [0, 1, 2]}, X, random_state=0)
    assert all(isinstance(j, int) and 3 <= j < 50 for j in control["a"])
    assert len(control["a"]) == 3


def test_too_few_genes_left_is_an_error():
    X = pd.DataFrame(np.random.default_rng(0).normal(size=(5, 6)),
                     columns=[f"G{i}" for i in range(6)])
    with pytest.raises(ValueError, match="too few"):
        random_gene_sets({"a": ["G0", "G1", "G2", "G3"]}, X, random_state=0)


def test_bad_input_is_an_error():
    X = pd.DataFrame({"G0": [1.0, np.nan], "G1": [1.0, 2.0]})
    with pytest.raises(ValueError, match="G0"):
        random_gene_sets({"a": ["G1"]}, X)
    with pytest.raises(ValueError, match="n_bins"):
        random_gene_sets({"a": ["G1"]}, X.fillna(0), n_bins=0)
    with pytest.raises(ValueError, match="No gene of module 'a'"):
        random_gene_sets({"a": ["absent"]}, X.fillna(0))
