"""QuantileNormalizer: each sample put on a reference distribution learned in fit."""

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skgenecyt import QuantileNormalizer, make_ra_cohort, perturbation_effects


@pytest.fixture(scope="module")
def cohort():
    return make_ra_cohort(n_ra=40, n_control=30, n_holdout_ra=20, n_holdout_control=20,
                          n_genes=300, random_state=0)


def test_reference_is_the_mean_of_the_sorted_training_samples():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(6, 150))
    normalizer = QuantileNormalizer().fit(X)
    np.testing.assert_allclose(normalizer.reference_, np.sort(X, axis=1).mean(axis=0))
    out = normalizer.transform(X)
    # Every sample now has exactly the reference distribution, its genes in their own order.
    np.testing.assert_allclose(np.sort(out, axis=1), np.tile(normalizer.reference_, (6, 1)))
    np.testing.assert_array_equal(np.argsort(out, axis=1), np.argsort(X, axis=1))


def test_tied_values_share_the_mean_of_their_reference_values():
    normalizer = QuantileNormalizer(min_genes=4).fit([[0.0, 1.0, 2.0, 10.0], [0.0, 1.0, 2.0, 10.0]])
    out = normalizer.transform([[5.0, 5.0, 5.0, 9.0], [3.0, 1.0, 3.0, 0.0]])
    np.testing.assert_allclose(out, [[1.0, 1.0, 1.0, 10.0], [6.0, 1.0, 6.0, 0.0]])


def test_matches_ranking_each_sample_with_ties_averaged():
    """The blockwise sort gives what ranking each row (ties averaged) and looking up gives."""
    rng = np.random.default_rng(1)
    X = np.round(rng.normal(size=(150, 120)), 1)  # many ties, more rows than one block
    normalizer = QuantileNormalizer().fit(rng.normal(size=(10, 120)))
    reference = normalizer.reference_
    expected = np.empty_like(X)
    for i, row in enumerate(X):
        for value in np.unique(row):
            tied = row == value
            first = int((row < value).sum())
            expected[i, tied] = reference[first:first + tied.sum()].mean()
    np.testing.assert_allclose(normalizer.transform(X), expected, rtol=0, atol=1e-12)


def test_a_monotone_distortion_of_a_whole_sample_is_undone(cohort):
    """A scale factor, a background and a log or none: the platform effects it removes."""
    normalizer = QuantileNormalizer().fit(cohort.X.to_numpy())
    X = cohort.X_holdout.to_numpy()
    expected = normalizer.transform(X)
    distorted = {
        "threefold intensity": X + np.log2(3.0),
        "background before the log": np.log2(np.exp2(X) + 12.0),
        "linear scale": np.exp2(X),
        "compressed fold changes": 0.8 * X + 1.0,
    }
    for name, values in distorted.items():
        np.testing.assert_allclose(normalizer.transform(values), expected, err_msg=name)


def test_each_sample_is_transformed_on_its_own(cohort):
    normalizer = QuantileNormalizer().fit(cohort.X.to_numpy())
    X = cohort.X_holdout.to_numpy()
    together = normalizer.transform(X)
    alone = np.vstack([normalizer.transform(X[[i]]) for i in range(len(X))])
    np.testing.assert_array_equal(alone, together)
    # Shifting every other sample (a perturbation applied to the whole batch) leaves it alone.
    shifted = X.copy()
    shifted[1:, :10] += 3.0
    np.testing.assert_array_equal(normalizer.transform(shifted)[0], together[0])


def test_learns_only_from_the_rows_it_is_fitted_on(cohort):
    normalizer = QuantileNormalizer().fit(cohort.X)
    reference = normalizer.reference_.copy()
    normalizer.transform(cohort.X_holdout + 5.0)
    np.testing.assert_array_equal(normalizer.reference_, reference)
    other = QuantileNormalizer().fit(cohort.X_holdout)
    assert not np.allclose(other.reference_, reference)


def test_shifted_genes_stay_shifted(cohort):
    """A module shift survives normalisation: the shifted genes rise, the others barely move."""
    normalizer = QuantileNormalizer().fit(cohort.X.to_numpy())
    X = cohort.X_holdout.to_numpy()
    shifted = X.copy()
    genes = np.arange(10)
    shifted[:, genes] += 1.0
    change = normalizer.transform(shifted) - normalizer.transform(X)
    assert (change[:, genes] > 0).all()
    assert change[:, genes].mean() > 0.5
    assert np.abs(change[:, 10:]).mean() < 0.05


def test_gene_names_flow_through_and_pandas_output(cohort):
    normalizer = QuantileNormalizer().set_output(transform="pandas").fit(cohort.X)
    out = normalizer.transform(cohort.X_holdout)
    assert isinstance(out, pd.DataFrame)
    assert out.columns.equals(cohort.X.columns)
    assert list(normalizer.get_feature_names_out()) == list(cohort.X.columns)


def test_works_in_cross_validation_and_grid_search(cohort):
    model = make_pipeline(QuantileNormalizer(), StandardScaler(), LogisticRegression(C=0.1))
    scores = cross_val_score(model, cohort.X, cohort.y, cv=3, scoring="roc_auc")
    assert scores.mean() > 0.7
    search = GridSearchCV(model, {"quantilenormalizer__min_genes": [50, 100]}, cv=3)
    assert search.fit(cohort.X, cohort.y).best_estimator_[0].reference_.shape == (300,)


def test_too_few_genes_is_an_error_that_says_what_to_do():
    with pytest.raises(ValueError, match=r"min_genes=100.*X has 20 feature\(s\).*before selecting"):
        QuantileNormalizer().fit(np.random.default_rng(0).normal(size=(5, 20)))
    QuantileNormalizer(min_genes=20).fit(np.random.default_rng(0).normal(size=(5, 20)))
    with pytest.raises(ValueError, match="min_genes"):
        QuantileNormalizer(min_genes=1).fit(np.ones((3, 5)))


def test_genes_missing_from_a_new_cohort_are_named(cohort):
    normalizer = QuantileNormalizer().fit(cohort.X)
    fewer = cohort.X_holdout.drop(columns=cohort.X.columns[:3])
    with pytest.raises(ValueError, match=cohort.X.columns[0]):
        normalizer.transform(fewer)
    with pytest.raises(ValueError, match="300 features"):
        QuantileNormalizer().fit(cohort.X.to_numpy()).transform(fewer.to_numpy())


def test_nan_and_text_are_errors_naming_the_gene(cohort):
    X = cohort.X.copy()
    X.iloc[2, 5] = np.nan
    with pytest.raises(ValueError, match=f"'{X.columns[5]}' \\(1 NaN\\)"):
        QuantileNormalizer().fit(X)
    X = cohort.X.astype(object)
    X.iloc[0, 7] = "high"
    with pytest.raises(ValueError, match=f"'{X.columns[7]}' \\(e.g. 'high'"):
        QuantileNormalizer().fit(X)


def test_perturbation_effects_survive_the_step(cohort):
    """The planted IL-6 effect is found with the step as without it."""
    effects = {}
    for normalize in (False, True):
        steps = [QuantileNormalizer()] if normalize else []
        model = make_pipeline(*steps, StandardScaler(), LogisticRegression(C=0.05))
        model.fit(cohort.X, cohort.y)
        table = perturbation_effects(model, cohort.X_holdout, X_train=cohort.X,
                                     modules=None, n_bootstrap=50, n_null=20, random_state=0)
        effects[normalize] = table.set_index("module").delta_mean
    assert effects[False]["IL6"] > 0.02
    assert effects[True]["IL6"] > 0.5 * effects[False]["IL6"]
    assert np.sign(effects[True]).equals(np.sign(effects[False]))
