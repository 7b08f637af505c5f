"""GATClassifier: labels, graphs learned in fit, class weights, errors, determinism."""

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.base import clone
from sklearn.model_selection import cross_val_score

from skgenecyt import GATClassifier
from skgenecyt.graph import coexpression_graph

FAST = dict(max_epochs=15, hidden_channels=8, heads=2, n_layers=1, node_embedding_dim=4,
            batch_size=16, lr=1e-2, early_stopping=False, random_state=0)


def make_data(n_samples=40, n_features=12, n_classes=2, seed=0):
    """Class signal in features 0 and 1; feature names g0, g1, ..."""
    rng = np.random.default_rng(seed)
    y = np.arange(n_samples) % n_classes
    X = rng.normal(size=(n_samples, n_features))
    X[:, 0] += 2.0 * (y == 1)
    X[:, 1] -= 2.0 * (y == n_classes - 1)
    return pd.DataFrame(X, columns=[f"g{i}" for i in range(n_features)]), y


def test_binary_with_string_labels():
    X, y = make_data()
    labels = np.where(y == 1, "RA", "control")
    clf = GATClassifier(**FAST).fit(X, labels)
    assert list(clf.classes_) == ["RA", "control"]
    proba = clf.predict_proba(X)
    assert proba.shape == (40, 2)
    assert proba.dtype == np.float64
    np.testing.assert_allclose(proba.sum(1), 1.0, rtol=1e-6)
    scores = clf.decision_function(X)
    assert scores.shape == (40,)
    # Positive scores favour classes_[1]; they rank like its probability.
    np.testing.assert_array_equal(np.argsort(scores), np.argsort(proba[:, 1]))
    assert set(clf.predict(X)) <= {"RA", "control"}
    assert clf.score(X, labels) >= 0.8
    assert list(clf.feature_names_in_) == list(X.columns)
    assert list(clf.graph_.node_names) == list(X.columns)
    assert clf.history_.shape[0] == clf.n_epochs_ == 15


def test_multiclass():
    X, y = make_data(n_samples=60, n_classes=3)
    clf = GATClassifier(**FAST).fit(X, y)
    assert clf.predict_proba(X).shape == (60, 3)
    assert clf.decision_function(X).shape == (60, 3)
    np.testing.assert_array_equal(
        clf.predict(X), clf.classes_[clf.decision_function(X).argmax(1)]
    )
    assert clf.score(X, y) > 0.6


def test_learns_better_than_chance_under_cross_validation():
    X, y = make_data(n_samples=80)
    auc = cross_val_score(GATClassifier(**FAST), X, y, cv=3, scoring="roc_auc")
    assert auc.mean() > 0.8


def test_balanced_class_weight_enters_the_loss():
    X, y = make_data()
    y = np.r_[np.zeros(30, int), np.ones(10, int)]
    clf = GATClassifier(**FAST, class_weight="balanced").fit(X, y)
    np.testing.assert_allclose(clf.class_weight_, [40 / (2 * 30), 40 / (2 * 10)])
    np.testing.assert_allclose(clf.net_.criterion_.weight.numpy(), clf.class_weight_)
    assert GATClassifier(**FAST).fit(X, y).class_weight_ is None
    weighted = GATClassifier(**FAST, class_weight={0: 1.0, 1: 5.0}).fit(X, y)
    np.testing.assert_allclose(weighted.class_weight_, [1.0, 5.0])


def test_same_random_state_same_model_and_no_global_rng_side_effects():
    X, y = make_data()
    torch.manual_seed(123)
    before = torch.rand(1)
    torch.manual_seed(123)
    a = GATClassifier(**{**FAST, "early_stopping": True}).fit(X, y).predict_proba(X)
    after = torch.rand(1)
    assert torch.equal(before, after), "fit must not move the global torch RNG"
    b = GATClassifier(**{**FAST, "early_stopping": True}).fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(a, b)
    c = GATClassifier(**{**FAST, "random_state": 1}).fit(X, y).predict_proba(X)
    assert not np.allclose(a, c)


def test_graph_is_learned_from_training_rows_only():
    X, y = make_data(n_samples=40, n_features=70)  # > 64 features: "auto" is co-expression
    clf = GATClassifier(**FAST, n_neighbors=3).fit(X.iloc[:20], y[:20])
    expected = coexpression_graph(X.iloc[:20], n_neighbors=3)
    assert clf.graph_.kind == "coexpression"
    np.testing.assert_array_equal(clf.graph_.edge_index, expected.edge_index)
    assert not np.array_equal(
        clf.graph_.edge_index, coexpression_graph(X, n_neighbors=3).edge_index
    )


@pytest.mark.parametrize("graph", ["complete", "coexpression"])
def test_graph_options(graph):
    X, y = make_data()
    clf = GATClassifier(**FAST, graph=graph, n_neighbors=2).fit(X, y)
    assert clf.graph_.kind == graph
    if graph == "complete":
        assert clf.graph_.n_edges == 12 * 11


def test_prior_graph_by_name_with_unknown_genes():
    X, y = make_data()
    prior = pd.DataFrame({"source": ["g0", "g1", "GENE_X", "g3"],
                          "target": ["g1", "g2", "g0", "GENE_Y"]})
    with pytest.warns(UserWarning, match="2 of 4 prior edges"):
        clf = GATClassifier(**FAST, graph=prior).fit(X, y)
    assert clf.graph_.kind == "prior"
    assert set(zip(*clf.graph_.edge_index)) == {(0, 1), (1, 0), (1, 2), (2, 1)}
    clf.predict(X)
    # A fitted graph can be passed on as a prior (matched by name).
    again = clone(GATClassifier(**FAST, graph=clf.graph_)).fit(X, y)
    np.testing.assert_array_equal(again.graph_.edge_index, clf.graph_.edge_index)
    with pytest.raises(ValueError, match="no usable edge"), \
            pytest.warns(UserWarning, match="1 of 1 prior edges"):
        GATClassifier(**FAST, graph=[("A", "B")]).fit(X, y)


def test_features_that_differ_at_predict_time_are_named():
    X, y = make_data()
    clf = GATClassifier(**FAST).fit(X, y)
    renamed = X.rename(columns={"g3": "IL6"})
    with pytest.raises(ValueError, match=r"(?s)unseen at fit time.*IL6.*missing.*g3"):
        clf.predict(renamed)
    with pytest.raises(ValueError, match="11 features"), \
            pytest.warns(UserWarning, match="does not have valid feature names"):
        clf.predict(X.to_numpy()[:, :11])


def test_input_errors():
    X, y = make_data()
    with pytest.raises(ValueError, match="at least 2 classes"):
        GATClassifier(**FAST).fit(X, np.zeros(40))
    bad = X.copy()
    bad.iloc[3, 2] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        GATClassifier(**FAST).fit(bad, y)
    bad.iloc[3, 2] = np.inf
    with pytest.raises(ValueError, match=r"infinite values in 1 column\(s\): 'g2' \(1 inf\)"):
        GATClassifier(**FAST).fit(bad, y)
    clf = GATClassifier(**FAST).fit(X, y)
    with pytest.raises(ValueError, match="NaN"):
        clf.predict(X.where(X > 2))
    with pytest.raises(ValueError, match="Unknown label type"):
        GATClassifier(**FAST).fit(X, np.linspace(0, 1, 40))
    with pytest.raises(ValueError, match="divisible by heads=3"):
        GATClassifier(**{**FAST, "heads": 3}).fit(X, y)
    with pytest.raises(ValueError, match="'graph' parameter"):
        GATClassifier(graph="knn").fit(X, y)


def test_accepts_float32_int_and_arrays_and_standardises_inside():
    X, y = make_data()
    clf = GATClassifier(**FAST).fit(X.to_numpy(np.float32), y)
    assert list(clf.graph_.node_names)[:2] == ["x0", "x1"]
    np.testing.assert_allclose(clf.mean_, X.mean(), rtol=1e-5)
    np.testing.assert_allclose(clf.scale_, X.std(ddof=0), rtol=1e-5)
    # Shifting and scaling every feature gives the same model.
    moved = GATClassifier(**FAST).fit(X.to_numpy() * 100 + 5, y)
    np.testing.assert_allclose(moved.predict_proba(X.to_numpy() * 100 + 5),
                               clf.predict_proba(X.to_numpy()), atol=1e-4)
    GATClassifier(**FAST).fit(np.round(X.to_numpy() * 10).astype(int), y)


def test_clone_and_pickle_keep_predictions():
    import pickle

    X, y = make_data()
    clf = GATClassifier(**FAST).fit(X, y)
    restored = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(restored.predict_proba(X), clf.predict_proba(X))
    assert not hasattr(clone(clf), "net_")


def test_attention_and_node_importance_methods_delegate():
    X, y = make_data(n_samples=100)
    clf = GATClassifier(**FAST).fit(X, y)
    table = clf.attention()
    assert list(table.columns) == ["source", "target", "layer", "head", "attention",
                                   "self_loop"]
    assert set(table.source) == set(X.columns)
    imp = clf.node_importance(X)
    assert list(imp.index) == list(X.columns)
    # The planted signal is in g0 and g1 (of 12 features). Both carry the same
    # information, so one fit may lean on either: average a few fits.
    mean = sum(GATClassifier(**{**FAST, "random_state": seed}).fit(X, y)
               .node_importance(X)["gradient_x_input"] for seed in range(3)) / 3
    assert set(mean.nlargest(2).index) == {"g0", "g1"}
