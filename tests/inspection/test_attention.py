"""Attention tables and node importance of a fitted GATClassifier."""

import numpy as np
import pandas as pd
import pytest

from skgenecyt import GATClassifier
from skgenecyt.inspection import attention_table, node_importance

N_FEATURES = 12


pytestmark = pytest.mark.usefixtures("one_torch_thread")


def make_data(n_samples=40, seed=0):
    rng = np.random.default_rng(seed)
    y = np.where(np.arange(n_samples) % 3 == 0, "control", "RA")
    X = rng.normal(size=(n_samples, N_FEATURES))
    X[:, 0] += 1.5 * (y == "RA")
    return pd.DataFrame(X, columns=[f"g{i}" for i in range(N_FEATURES)]), y


@pytest.fixture(scope="module")
def fitted():
    X, y = make_data()
    prior = [(f"g{i}", f"g{i + 1}") for i in range(N_FEATURES - 1)]  # a chain
    clf = GATClassifier(graph=prior, max_epochs=5, hidden_channels=6, heads=3, n_layers=2,
                        node_embedding_dim=4, early_stopping=False, random_state=0)
    return clf.fit(X, y), X, y


def test_table_shape_names_and_self_loops(fitted):
    clf, X, _ = fitted
    table = clf.attention()
    n_edges = clf.graph_.n_edges + N_FEATURES  # one self-loop per node
    assert clf.graph_.n_edges == 2 * (N_FEATURES - 1)
    assert table.shape == (n_edges * 2 * 3, 6)  # edges x layers x heads
    assert list(table.columns) == ["source", "target", "layer", "head", "attention",
                                   "self_loop"]
    assert set(table.layer) == {0, 1}
    assert set(table["head"]) == {0, 1, 2}
    assert set(table.source) == set(table.target) == set(X.columns)
    loops = table[table.self_loop]
    assert len(loops) == N_FEATURES * 6
    assert (loops.source == loops.target).all()
    assert not (table[~table.self_loop].source == table[~table.self_loop].target).any()
    # Chain edges only (plus self-loops): g0 listens to g1 and itself, nobody else.
    into_g0 = table[(table.target == "g0") & (table.layer == 0) & (table["head"] == 0)]
    assert set(into_g0.source) == {"g0", "g1"}
    # The weights into every target sum to one per layer and head.
    sums = table.groupby(["layer", "head", "target"])["attention"].sum()
    np.testing.assert_allclose(sums, 1.0, rtol=1e-5)
    assert ((table.attention > 0) & (table.attention < 1)).all()


def test_training_summary_equals_the_average_over_training_rows(fitted):
    clf, X, y = fitted
    from_fit = clf.attention()
    recomputed = attention_table(clf, X)
    pd.testing.assert_frame_equal(from_fit, recomputed, rtol=1e-5, atol=1e-7)
    per_class_fit = clf.attention(per_class=True)
    per_class_y = clf.attention(X, y=y, per_class=True)
    pd.testing.assert_frame_equal(per_class_fit, per_class_y, rtol=1e-5, atol=1e-7)


def test_per_class_tables(fitted):
    clf, X, y = fitted
    table = clf.attention(X, y=y, per_class=True)
    assert list(table.columns)[-1] == "class"
    assert set(table["class"]) == {"RA", "control"}
    one = table[table["class"] == "control"].drop(columns="class").reset_index(drop=True)
    direct = attention_table(clf, X[y == "control"])
    pd.testing.assert_frame_equal(one, direct, rtol=1e-5, atol=1e-7)
    # The overall mean is the sample-weighted mean of the class means.
    n_ra, n_control = (y == "RA").sum(), (y == "control").sum()
    ra = table[table["class"] == "RA"].attention.to_numpy()
    pooled = (n_ra * ra + n_control * one.attention.to_numpy()) / len(y)
    np.testing.assert_allclose(attention_table(clf, X).attention, pooled, rtol=1e-5)
    # Without y, samples are grouped by their predicted class.
    predicted = clf.predict(X)
    by_prediction = clf.attention(X, per_class=True)
    assert set(by_prediction["class"]) == set(predicted)


def test_attention_depends_on_the_samples(fitted):
    clf, X, _ = fitted
    a = attention_table(clf, X.iloc[:5]).attention.to_numpy()
    b = attention_table(clf, X.iloc[5:10] * 3).attention.to_numpy()
    assert not np.allclose(a, b)


def test_attention_errors(fitted):
    clf, X, y = fitted
    with pytest.raises(ValueError, match="not trained on: \\['healthy'\\]"):
        clf.attention(X, y=np.where(y == "RA", "RA", "healthy"))
    with pytest.raises(ValueError, match="y was given without X"):
        clf.attention(y=y)
    with pytest.raises(ValueError, match="40 rows but y has 39"):
        clf.attention(X, y=y[:-1])
    with pytest.raises(ValueError, match="g3"):
        clf.attention(X.drop(columns="g3"))
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        attention_table(GATClassifier())


def test_node_importance_table(fitted):
    clf, X, _ = fitted
    imp = node_importance(clf, X)
    assert list(imp.index) == list(X.columns)
    assert imp.index.name == "node"
    assert list(imp.columns) == ["attention_received", "readout_weight",
                                 "gradient_x_input", "degree"]
    assert imp.degree.tolist() == [1] + [2] * (N_FEATURES - 2) + [1]
    np.testing.assert_allclose(imp.readout_weight.sum(), 1.0, rtol=1e-5)
    # Attention received by all nodes = attention not spent on self-loops.
    table = attention_table(clf, X)
    loops = table[table.self_loop].groupby(["layer", "head"]).attention.sum()
    np.testing.assert_allclose(imp.attention_received.sum(), (N_FEATURES - loops).mean(),
                               rtol=1e-5)
    assert (imp.gradient_x_input >= 0).all()


def test_gradient_x_input_matches_a_finite_difference(fitted):
    clf, X, _ = fitted
    row = X.iloc[:1]
    imp = node_importance(clf, row, target_class="RA")
    k = list(clf.classes_).index("RA")
    eps = 1e-2
    for j in (0, 5):
        # Moving the standardised value z_j by eps changes log P(RA) by about grad * eps.
        step = row.copy()
        step.iloc[0, j] += eps * clf.scale_[j]
        delta = np.log(clf.predict_proba(step)[0, k]) - np.log(clf.predict_proba(row)[0, k])
        z = (row.iloc[0, j] - clf.mean_[j]) / clf.scale_[j]
        np.testing.assert_allclose(imp.gradient_x_input.iloc[j], abs(delta / eps * z),
                                   rtol=0.05, atol=1e-4)
    with pytest.raises(ValueError, match="target_class='healthy'"):
        node_importance(clf, X, target_class="healthy")
