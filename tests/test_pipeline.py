"""make_genecytnet: a Pipeline that works with sklearn's model selection tools."""

import pickle
import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import (
    GridSearchCV,
    LeaveOneGroupOut,
    StratifiedKFold,
    cross_val_score,
)
from sklearn.pipeline import Pipeline

from skgenecyt import (
    GeneSetScores,
    QuantileNormalizer,
    benchmark,
    load_model,
    make_genecytnet,
    make_ra_cohort,
    make_ra_studies,
    random_gene_sets,
    save_model,
)

#: Tiny settings so that a fit takes a fraction of a second.
TINY = {"select__k": 40, "vae__n_components": 4, "vae__hidden_layer_sizes": (16,),
        "vae__max_epochs": 4, "gat__max_epochs": 4, "gat__hidden_channels": 8,
        "vae__early_stopping": False, "gat__early_stopping": False}


@pytest.fixture(scope="module")
def data():
    cohort = make_ra_cohort(n_ra=30, n_control=20, n_holdout_ra=10, n_holdout_control=10,
                            n_genes=200, random_state=0)
    return cohort


def test_steps_and_parameters_by_name():
    model = make_genecytnet(random_state=3, vae__n_components=6, gat__heads=2)
    assert isinstance(model, Pipeline)
    assert list(model.named_steps) == ["check", "select", "scale", "vae", "gat"]
    params = model.get_params()
    assert params["vae__n_components"] == 6
    assert params["gat__heads"] == 2
    assert params["vae__random_state"] == params["gat__random_state"] == 3


def test_random_state_instance_gives_fixed_seeds_per_step():
    model = make_genecytnet(random_state=np.random.RandomState(0))
    vae_seed, gat_seed = model.get_params()["vae__random_state"], model.get_params()[
        "gat__random_state"]
    assert isinstance(vae_seed, int)
    assert isinstance(gat_seed, int)
    assert vae_seed != gat_seed
    again = make_genecytnet(random_state=np.random.RandomState(0))
    assert again.get_params()["vae__random_state"] == vae_seed
    with pytest.raises(TypeError, match="random_state"):
        make_genecytnet(random_state="zero")


def test_unknown_parameter_is_a_clear_error():
    with pytest.raises(ValueError, match=r"vae__n_component'.*select, scale, vae, gat"):
        make_genecytnet(vae__n_component=8)
    with pytest.raises(ValueError, match="Unknown GeneCytNet parameter"):
        make_genecytnet(heads=2)


def test_selection_can_be_removed():
    model = make_genecytnet(select="passthrough")
    assert model.named_steps["select"] == "passthrough"


def test_cross_val_score_is_deterministic(data):
    cv = StratifiedKFold(3, shuffle=True, random_state=0)
    model = make_genecytnet(random_state=0, **TINY)
    scores = cross_val_score(model, data.X, data.y, cv=cv, scoring="roc_auc")
    again = cross_val_score(make_genecytnet(random_state=0, **TINY), data.X, data.y, cv=cv,
                            scoring="roc_auc")
    assert np.isfinite(scores).all()
    np.testing.assert_array_equal(scores, again)


def test_inside_grid_search(data):
    search = GridSearchCV(
        make_genecytnet(random_state=0, **TINY),
        {"vae__n_components": [2, 4], "gat__heads": [1, 2]},
        cv=StratifiedKFold(2, shuffle=True, random_state=0), scoring="roc_auc",
    )
    search.fit(data.X, data.y)
    assert len(search.cv_results_["params"]) == 4
    assert search.best_params_["vae__n_components"] in (2, 4)
    proba = search.predict_proba(data.X_holdout)
    assert proba.shape == (20, 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-5)


def test_clone_and_pickle_round_trip(data):
    model = make_genecytnet(random_state=0, **TINY).fit(data.X, data.y)
    restored = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(model.predict_proba(data.X_holdout),
                                  restored.predict_proba(data.X_holdout))
    refit = clone(model).fit(data.X, data.y)
    np.testing.assert_array_equal(model.predict_proba(data.X_holdout),
                                  refit.predict_proba(data.X_holdout))
    # the selection is learned in fit: only the training rows decide the genes
    assert model.named_steps["select"].get_support().sum() == 40


def test_benchmark_defaults_compare_genecytnet_with_the_baselines(data):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tiny data: fewer genes than the default selection
        table = benchmark(X=data.X, y=data.y, cv=2, random_state=0, scoring="roc_auc", n_jobs=2)
    assert table["model"].tolist() == ["GeneCytNet", "logistic_regression", "svm_rbf",
                                       "random_forest", "gradient_boosting"]
    assert table["cv_roc_auc_mean"].between(0, 1).all()


# -- normalize=True: the model of one study scores another ---------------------------------------

def test_normalize_adds_one_step_after_check():
    model = make_genecytnet(random_state=0, normalize=True, normalize__min_genes=50)
    assert list(model.named_steps) == ["check", "normalize", "select", "scale", "vae", "gat"]
    assert isinstance(model.named_steps["normalize"], QuantileNormalizer)
    assert model.get_params()["normalize__min_genes"] == 50
    with pytest.raises(ValueError, match="Unknown GeneCytNet parameter"):
        make_genecytnet(normalize__min_genes=50)  # no such step without normalize=True
    with pytest.raises(ValueError, match="normalize"):
        make_genecytnet(normalize="quantile")


def test_normalized_model_scores_a_study_measured_on_another_scale(data):
    other_study = np.log2(3.0 * np.exp2(data.X_holdout) + 10.0)  # threefold scale, background
    plain = make_genecytnet(random_state=0, **TINY).fit(data.X, data.y)
    assert not np.allclose(plain.predict_proba(other_study), plain.predict_proba(data.X_holdout),
                           atol=1e-3)
    model = make_genecytnet(random_state=0, normalize=True, **TINY).fit(data.X, data.y)
    np.testing.assert_array_equal(model.predict_proba(other_study),
                                  model.predict_proba(data.X_holdout))


def test_normalized_model_in_leave_one_study_out_and_on_file(tmp_path):
    studies = make_ra_studies(n_studies=3, n_samples=24, n_genes=300, random_state=0)
    model = make_genecytnet(random_state=0, normalize=True, **TINY)
    scores = cross_val_score(model, studies.X, studies.y, groups=studies.groups,
                             cv=LeaveOneGroupOut(), scoring="roc_auc")
    assert scores.shape == (3,)
    assert np.isfinite(scores).all()
    model.fit(studies.X, studies.y)
    path = save_model(model, tmp_path / "normalized.skgenecyt")
    np.testing.assert_array_equal(load_model(path).predict_proba(studies.X),
                                  model.predict_proba(studies.X))


# -- gene_sets=: GeneCytNet guided by prior gene sets --------------------------------------------

def test_gene_sets_put_the_latent_steps_inside_features():
    model = make_genecytnet(random_state=0, gene_sets="cytokine", vae__n_components=6,
                            select__k=50, gat__heads=2)
    assert list(model.named_steps) == ["check", "features", "gat"]
    features = model.named_steps["features"]
    assert isinstance(features, GeneSetScores)
    assert list(features.latent.named_steps) == ["select", "scale", "vae"]
    params = model.get_params()
    assert params["features__latent__vae__n_components"] == 6
    assert params["features__latent__select__k"] == 50
    assert params["gat__heads"] == 2
    assert params["features__gene_sets"] == "cytokine"
    assert list(make_genecytnet(gene_sets={"s": ["A"]}, normalize=True).named_steps) == [
        "check", "normalize", "features", "gat"]
    with pytest.raises(ValueError, match="Unknown GeneCytNet parameter"):
        make_genecytnet(gene_sets="cytokine", vae__no_such=1)
    with pytest.raises(TypeError, match="gene_sets"):
        make_genecytnet(gene_sets=["IL6"])


def test_guided_model_has_one_node_per_set(data):
    model = make_genecytnet(random_state=0, gene_sets="cytokine", **TINY).fit(data.X, data.y)
    names = list(model.named_steps["gat"].feature_names_in_)
    assert names == ["vae0", "vae1", "vae2", "vae3", "IL6", "TNF", "IL1B"]
    features = model.named_steps["features"]
    # every gene of every set counts, whatever the selection keeps
    assert (features.coverage_["coverage"] == 1).all()
    selected = set(data.X.columns[features.latent_.named_steps["select"].get_support()])
    assert not all(set(genes) <= selected for genes in data.modules.values())
    proba = model.predict_proba(data.X_holdout)
    assert proba.shape == (20, 2)


def test_grid_search_switches_gene_sets_on_and_off(data):
    search = GridSearchCV(
        make_genecytnet(random_state=0, gene_sets="cytokine", **TINY),
        {"features__gene_sets": [None, "cytokine"], "gat__heads": [1, 2]},
        cv=StratifiedKFold(2, shuffle=True, random_state=0), scoring="roc_auc",
    )
    search.fit(data.X, data.y)
    assert len(search.cv_results_["params"]) == 4
    n_nodes = {None: 4, "cytokine": 7}[search.best_params_["features__gene_sets"]]
    assert search.best_estimator_.named_steps["gat"].n_features_in_ == n_nodes


def test_without_sets_the_features_step_is_the_default_model(data):
    plain = make_genecytnet(random_state=0, **TINY).fit(data.X, data.y)
    off = make_genecytnet(random_state=0, gene_sets="cytokine", **TINY)
    off.set_params(features__gene_sets=None).fit(data.X, data.y)
    np.testing.assert_allclose(off.predict_proba(data.X_holdout),
                               plain.predict_proba(data.X_holdout), rtol=1e-5, atol=1e-6)


def test_guided_model_round_trips_through_a_model_file(data, tmp_path):
    sets = {name: genes[:10] for name, genes in data.modules.items()}
    control = random_gene_sets(sets, data.X, random_state=0)
    model = make_genecytnet(random_state=0, gene_sets=control, **TINY).fit(data.X, data.y)
    save_model(model, tmp_path / "guided.skops")
    restored = load_model(tmp_path / "guided.skops")
    np.testing.assert_array_equal(model.predict_proba(data.X_holdout),
                                  restored.predict_proba(data.X_holdout))
    assert restored.named_steps["features"].set_names_ == ["IL6", "TNF", "IL1B"]


def test_benchmark_compares_guided_random_and_default_on_the_same_splits(data):
    sets = {name: genes[:10] for name, genes in data.modules.items()}
    control = random_gene_sets(sets, data.X, random_state=0)
    models = {"default": make_genecytnet(0, **TINY),
              "cytokine": make_genecytnet(0, gene_sets=sets, **TINY),
              "random": make_genecytnet(0, gene_sets=control, **TINY)}
    table, details = benchmark(models, data.X, data.y, cv=2, random_state=0,
                               scoring="roc_auc", return_details=True)
    assert table["model"].tolist() == ["default", "cytokine", "random"]
    assert table["cv_roc_auc_mean"].between(0, 1).all()
    rows = details.cv_predictions.groupby("model")[["split", "sample"]]
    tested = {name: list(map(tuple, part.to_numpy())) for name, part in rows}
    assert tested["default"] == tested["cytokine"] == tested["random"]  # same test rows
