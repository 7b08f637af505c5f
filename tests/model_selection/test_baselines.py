"""default_baselines: fair at every cohort size, optionally normalised across studies."""

import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import Pipeline

from skgenecyt import QuantileNormalizer, default_baselines, make_ra_cohort

NAMES = ["logistic_regression", "svm_rbf", "random_forest", "gradient_boosting"]


@pytest.fixture(scope="module")
def small():
    """20 samples as in the smallest GEO cohorts, a 150-sample holdout."""
    return make_ra_cohort(n_ra=12, n_control=8, n_holdout_ra=100, n_holdout_control=50,
                          n_genes=600, random_state=0)


@pytest.fixture(scope="module")
def fitted(small):
    return {name: clone(model).fit(small.X, small.y)
            for name, model in default_baselines(random_state=0).items()}


def test_names_steps_and_options():
    models = default_baselines(random_state=0)
    assert list(models) == NAMES
    assert list(models["logistic_regression"].named_steps) == [
        "select", "scale", "rotate", "logistic"]
    assert list(models["svm_rbf"].named_steps) == ["select", "scale", "svm"]
    assert list(models["gradient_boosting"].named_steps) == ["select", "boosting"]
    assert not isinstance(models["random_forest"], Pipeline)
    assert list(default_baselines(boosting=False)) == NAMES[:3]
    with pytest.raises(ValueError, match="normalize"):
        default_baselines(normalize="yes")


def test_normalize_puts_a_fresh_normaliser_first_in_every_model():
    models = default_baselines(random_state=0, normalize=True)
    steps = [model.steps[0] for model in models.values()]
    assert all(name == "normalize" and isinstance(step, QuantileNormalizer)
               for name, step in steps)
    assert len({id(step) for _, step in steps}) == len(steps)
    assert list(models["random_forest"].named_steps) == ["normalize", "forest"]


@pytest.mark.parametrize("name", NAMES)
def test_twenty_samples_give_no_degenerate_model(fitted, small, name):
    """No constant, no single class, ranking better than chance (it was 0.5 and one class)."""
    model = fitted[name]
    proba = model.predict_proba(small.X_holdout)[:, 1]
    assert np.ptp(proba) > 0
    assert set(model.predict(small.X_holdout)) == {0, 1}
    assert roc_auc_score(small.y_holdout, proba) > 0.6


def test_rules_are_applied_to_the_rows_of_each_fit(fitted, small):
    assert fitted["svm_rbf"].named_steps["select"].k_ == 200  # 10 per sample
    assert fitted["gradient_boosting"].named_steps["select"].k_ == 200
    assert fitted["logistic_regression"].named_steps["select"].k_ == 600  # 50 x 20 > 600 genes
    assert fitted["gradient_boosting"].named_steps["boosting"].min_samples_leaf_ == 2
    assert fitted["logistic_regression"].named_steps["logistic"].n_splits_ == 5
    rows = np.r_[0:16]  # 16 rows of the same cohort: the rules follow
    refit = clone(default_baselines(random_state=0)["svm_rbf"]).fit(small.X.iloc[rows],
                                                                   small.y.iloc[rows])
    assert refit.named_steps["select"].k_ == 160


def test_a_cohort_with_three_controls_fits_and_cross_validates():
    cohort = make_ra_cohort(n_ra=14, n_control=3, n_holdout_ra=5, n_holdout_control=5,
                            n_genes=300, random_state=1)
    for name, model in default_baselines(random_state=0).items():
        fitted = clone(model).fit(cohort.X, cohort.y)
        assert fitted.predict_proba(cohort.X_holdout).shape == (10, 2), name
    folds = StratifiedKFold(3, shuffle=True, random_state=0)  # 2 controls per training fold
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no fold without a class, no undefined AUC
        scores = cross_val_score(default_baselines(random_state=0)["svm_rbf"], cohort.X,
                                 cohort.y, cv=folds, scoring="roc_auc")
    assert np.isfinite(scores).all()


def test_same_seed_same_predictions(small):
    a = clone(default_baselines(random_state=3)["svm_rbf"]).fit(small.X, small.y)
    b = clone(default_baselines(random_state=3)["svm_rbf"]).fit(small.X, small.y)
    np.testing.assert_array_equal(a.predict_proba(small.X_holdout),
                                  b.predict_proba(small.X_holdout))


@pytest.mark.parametrize("name", NAMES)
def test_normalised_models_ignore_another_studys_intensity_scale(small, name):
    model = clone(default_baselines(random_state=0, normalize=True)[name]).fit(small.X, small.y)
    other_study = np.log2(3.0 * np.exp2(small.X_holdout) + 10.0)  # threefold scale, background
    np.testing.assert_allclose(model.predict_proba(other_study),
                               model.predict_proba(small.X_holdout))
