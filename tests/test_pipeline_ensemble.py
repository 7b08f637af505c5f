"""GeneCytNet's seed ensemble: members by rule, averaged predictions, member 0 as the Pipeline."""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis
from sklearn.metrics import accuracy_score, roc_auc_score
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from skgenecyt import load_model, make_genecytnet, make_ra_cohort, save_model
from skgenecyt._training import member_random_states
from skgenecyt.pipeline import MAX_MEMBERS, GeneCytNet, auto_n_members

TINY = {"select__k": 40, "vae__n_components": 4, "vae__hidden_layer_sizes": (16,),
        "vae__max_epochs": 4, "gat__max_epochs": 4, "gat__hidden_channels": 8}


@pytest.fixture(scope="module")
def cohort():
    return make_ra_cohort(n_ra=12, n_control=8, n_holdout_ra=15, n_holdout_control=10,
                          n_genes=200, random_state=0)


@pytest.fixture(scope="module")
def three(cohort):
    return make_genecytnet(random_state=0, n_members=3, **TINY).fit(cohort.X, cohort.y)


@pytest.mark.parametrize(("n_samples", "expected"),
                         [(16, MAX_MEMBERS), (20, 10), (40, 5), (100, 2), (199, 2), (200, 1),
                          (288, 1), (5000, 1)])
def test_auto_rule(n_samples, expected):
    assert auto_n_members(n_samples) == expected


def test_auto_trains_ten_members_at_20_samples_and_one_at_360(cohort):
    small = make_genecytnet(random_state=0, **TINY).fit(cohort.X, cohort.y)
    assert small.n_members_ == 10
    assert len(small.members_) == 9
    large = make_ra_cohort(n_genes=200, random_state=0)
    fitted = make_genecytnet(random_state=0, **TINY).fit(large.X, large.y)
    assert fitted.n_members_ == 1
    assert fitted.members_ == []


def test_one_member_is_exactly_the_pipeline_of_the_same_steps(cohort):
    ensemble = make_genecytnet(random_state=0, n_members=1, **TINY).fit(cohort.X, cohort.y)
    plain = Pipeline(clone(ensemble).steps).fit(cohort.X, cohort.y)
    for method in ("predict_proba", "decision_function", "predict"):
        np.testing.assert_array_equal(getattr(ensemble, method)(cohort.X_holdout),
                                      getattr(plain, method)(cohort.X_holdout))


def test_predictions_average_the_members_logits(three, cohort):
    X = cohort.X_holdout
    start = [name for name, _ in three.steps].index("vae")
    Xt = three[:start].transform(X)
    tails = [three[start:], *three.members_]
    assert len(tails) == 3
    logits = np.array([tail.decision_function(Xt) for tail in tails])
    assert not np.allclose(logits[0], logits[1])  # the members have their own seeds
    mean = logits.mean(axis=0)
    np.testing.assert_allclose(three.decision_function(X), mean)
    p1 = 1 / (1 + np.exp(-mean))
    np.testing.assert_allclose(three.predict_proba(X), np.column_stack([1 - p1, p1]), rtol=1e-10)
    np.testing.assert_allclose(three.predict_log_proba(X), np.log(three.predict_proba(X)),
                               rtol=1e-10)
    np.testing.assert_array_equal(three.predict(X), three.classes_[(mean > 0).astype(int)])
    assert three.score(X, cohort.y_holdout) == accuracy_score(cohort.y_holdout, three.predict(X))
    assert roc_auc_score(cohort.y_holdout, three.decision_function(X)) == pytest.approx(
        roc_auc_score(cohort.y_holdout, three.predict_proba(X)[:, 1]))


def test_members_without_a_decision_function_average_log_probabilities(cohort):
    from sklearn.ensemble import RandomForestClassifier

    steps = [("scale", StandardScaler()),
             ("forest", RandomForestClassifier(n_estimators=5, random_state=0))]
    model = GeneCytNet(steps, n_members=2).fit(cohort.X, cohort.y)
    scale, forests = model[:1], [model[1:], *model.members_]
    Xt = scale.transform(cohort.X_holdout)
    tiny = np.finfo(np.float64).tiny
    log_p = np.mean([np.log(np.clip(f.predict_proba(Xt), tiny, None)) for f in forests], axis=0)
    expected = np.exp(log_p) / np.exp(log_p).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(model.predict_proba(cohort.X_holdout), expected)


def test_members_are_reproducible_and_take_derived_seeds(three, cohort):
    again = clone(three).fit(cohort.X, cohort.y)
    np.testing.assert_array_equal(three.predict_proba(cohort.X_holdout),
                                  again.predict_proba(cohort.X_holdout))
    seeds = [member.named_steps["vae"].random_state for member in three.members_]
    assert seeds == member_random_states(0, 3)[1:]
    assert three.named_steps["vae"].random_state == 0  # the first member keeps its seed


def test_member_random_states():
    assert member_random_states(None, 3) == [None, None, None]
    ints = member_random_states(7, 4)
    assert ints[0] == 7
    assert len(set(ints)) == 4
    assert ints == member_random_states(7, 4)
    rng = np.random.RandomState(0)
    state = rng.get_state()[1].copy()
    drawn = member_random_states(rng, 3)
    assert drawn[0] is rng
    assert all(isinstance(s, int) for s in drawn[1:])
    np.testing.assert_array_equal(rng.get_state()[1], state)  # the caller's generator is untouched


def test_a_pipeline_without_a_random_state_trains_one_member(cohort):
    steps = [("scale", StandardScaler()), ("lda", LinearDiscriminantAnalysis())]
    model = GeneCytNet(steps, n_members=5)
    assert model.fit(cohort.X, cohort.y).n_members_ == 1


def test_slices_are_plain_pipelines_of_the_first_member(three):
    head = three[:-1]
    assert type(head) is Pipeline
    assert head.steps[-1][1] is three.named_steps["vae"]


def test_n_members_is_a_parameter_for_grid_search(cohort):
    search = GridSearchCV(make_genecytnet(random_state=0, **TINY), {"n_members": [1, 2]}, cv=2,
                          scoring="roc_auc").fit(cohort.X, cohort.y)
    assert search.cv_results_["param_n_members"].tolist() == [1, 2]
    assert search.best_estimator_.n_members_ == search.best_params_["n_members"]


@pytest.mark.parametrize("bad", [0, -1, 1.5, "many"])
def test_bad_n_members_is_a_clear_error(bad, cohort):
    with pytest.raises((ValueError, TypeError), match="n_members"):
        make_genecytnet(n_members=bad)
    model = make_genecytnet(random_state=0, **TINY).set_params(n_members=bad)
    with pytest.raises((ValueError, TypeError), match="n_members"):
        model.fit(cohort.X, cohort.y)


def test_saved_ensemble_loads_with_its_members(three, cohort, tmp_path):
    path = tmp_path / "ensemble.skops"
    save_model(three, path)
    restored = load_model(path)
    assert type(restored) is GeneCytNet
    assert len(restored.members_) == 2
    np.testing.assert_allclose(restored.predict_proba(cohort.X_holdout),
                               three.predict_proba(cohort.X_holdout), rtol=1e-6)


def test_guided_normalised_ensemble_predicts_saves_and_names_its_set_nodes(cohort, tmp_path):
    from skgenecyt.inspection import node_importance

    model = make_genecytnet(random_state=0, gene_sets="cytokine", normalize=True, n_members=3,
                            normalize__min_genes=50, **TINY).fit(cohort.X, cohort.y)
    assert [name for name, _ in model.steps] == ["check", "normalize", "features", "gat"]
    assert len(model.members_) == 2
    # every member has set nodes of its own, fitted on the same rows
    member_sets = [member.named_steps["features"].set_names_ for member in model.members_]
    assert member_sets == [["IL6", "TNF", "IL1B"]] * 2
    proba = model.predict_proba(cohort.X_holdout)
    restored = load_model(save_model(model, tmp_path / "guided.skops"))
    np.testing.assert_allclose(restored.predict_proba(cohort.X_holdout), proba, rtol=1e-6)
    assert node_importance(model, cohort.X_holdout).index[-3:].tolist() == ["IL6", "TNF", "IL1B"]
