"""Feature graphs: co-expression kNN, complete and prior graphs aligned by name."""

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from skgenecyt.graph import FeatureGraph, coexpression_graph, complete_graph, prior_graph
from skgenecyt.graph._construction import AUTO_COMPLETE_MAX_FEATURES, resolve_graph

NAMES = ["IL6", "TNF", "IL1B", "STAT3", "NFKB1"]


def edge_set(graph):
    return set(zip(graph.to_frame().source, graph.to_frame().target))


def check_invariants(graph):
    src, dst = graph.edge_index
    assert graph.edge_index.dtype == np.int64
    assert not np.any(src == dst), "self-loops are the layers' job"
    key = dst * graph.n_nodes + src
    assert np.all(np.diff(key) > 0), "sorted by target then source, no duplicates"


def test_complete_graph():
    g = complete_graph(NAMES)
    check_invariants(g)
    assert (g.n_nodes, g.n_edges, g.kind) == (5, 20, "complete")
    assert edge_set(g) == {(a, b) for a in NAMES for b in NAMES if a != b}
    assert repr(g) == "FeatureGraph(kind='complete', n_nodes=5, n_edges=20)"
    assert g.degree().tolist() == [4] * 5


def correlated_blocks(n_samples=80, seed=0):
    """Features 0-2 share one factor (2 flipped in sign), 3-5 another, 6 is noise."""
    rng = np.random.default_rng(seed)
    f1, f2 = rng.normal(size=(2, n_samples, 1))
    noise = 0.3 * rng.normal(size=(n_samples, 7))
    X = np.hstack([f1, f1, -f1, f2, f2, f2, rng.normal(size=(n_samples, 1))]) + noise
    return X


def test_coexpression_graph_joins_most_correlated_features_in_absolute_value():
    X = correlated_blocks()
    g = coexpression_graph(X, n_neighbors=2)
    check_invariants(g)
    edges = {(int(s), int(t)) for s, t in g.edge_index.T}
    # Each block member's two neighbours are the other members, the anti-correlated one included.
    for block in ([0, 1, 2], [3, 4, 5]):
        for i in block:
            assert {(j, i) for j in block if j != i} <= edges
    assert {(t, s) for s, t in edges} == edges, "undirected"
    assert g.kind == "coexpression"
    # Weights are the absolute correlations.
    corr = np.abs(np.corrcoef(X, rowvar=False))
    np.testing.assert_allclose(g.edge_weight, corr[g.edge_index[0], g.edge_index[1]], rtol=1e-5)
    assert list(g.node_names) == [f"x{i}" for i in range(7)]


def test_coexpression_graph_uses_only_the_rows_given_and_is_blockwise_exact():
    X = correlated_blocks(seed=1)
    whole = coexpression_graph(X, n_neighbors=3)
    blocked = coexpression_graph(X, n_neighbors=3, block_size=2)
    np.testing.assert_array_equal(whole.edge_index, blocked.edge_index)
    first_half = coexpression_graph(X[:40], n_neighbors=3)
    frame = pd.DataFrame(X[:40], columns=[f"g{i}" for i in range(7)])
    named = coexpression_graph(frame, n_neighbors=3)
    np.testing.assert_array_equal(first_half.edge_index, named.edge_index)
    assert list(named.node_names) == list(frame.columns)


def test_coexpression_graph_caps_neighbours_and_handles_constant_features():
    X = correlated_blocks()
    X[:, 6] = 1.0
    g = coexpression_graph(X, n_neighbors=50)
    assert g.n_edges == 7 * 6  # capped at n_features - 1: the complete graph
    one = coexpression_graph(X[:, :1], n_neighbors=3)
    assert one.n_edges == 0


def test_coexpression_graph_errors():
    with pytest.raises(ValueError, match="NaN or infinite"):
        coexpression_graph(np.array([[0.0, np.nan], [1.0, 2.0]]))
    with pytest.raises(ValueError, match="at least 2 samples"):
        coexpression_graph(np.ones((1, 3)))
    with pytest.raises(ValueError, match="3 entries but the data has 2"):
        coexpression_graph(np.ones((4, 2)), feature_names=["a", "b", "c"])
    with pytest.raises(ValueError, match="unique"):
        complete_graph(["a", "a"])


@pytest.mark.parametrize("form", [
    "tuples", "tuples_weighted", "frame", "frame_positional", "string_array", "feature_graph",
])
def test_prior_graph_from_edge_lists(form):
    pairs = [("IL6", "STAT3"), ("TNF", "NFKB1"), ("IL1B", "NFKB1")]
    edges = {
        "tuples": pairs,
        "tuples_weighted": [(*p, 0.5) for p in pairs],
        "frame": pd.DataFrame(pairs, columns=["source", "target"]),
        "frame_positional": pd.DataFrame(pairs, columns=["from", "to"]),
        "string_array": np.array(pairs),
        "feature_graph": prior_graph(pairs, NAMES),
    }[form]
    g = prior_graph(edges, NAMES)
    check_invariants(g)
    expected = set(pairs) | {(b, a) for a, b in pairs}
    assert edge_set(g) == expected
    assert g.kind == "prior"
    if form == "tuples_weighted":
        np.testing.assert_allclose(g.edge_weight, 0.5)
    elif form != "feature_graph":
        assert g.edge_weight is None


def test_prior_graph_from_adjacency_matrices():
    A = np.zeros((5, 5))
    A[0, 3] = 2.0  # IL6 -> STAT3
    A[1, 4] = 1.0  # TNF -> NFKB1
    A[2, 2] = 1.0  # a self-loop is ignored
    expected = {("IL6", "STAT3"), ("STAT3", "IL6"), ("TNF", "NFKB1"), ("NFKB1", "TNF")}
    for adjacency in (A, sp.csr_matrix(A)):
        g = prior_graph(adjacency, NAMES)
        check_invariants(g)
        assert edge_set(g) == expected
    # A labelled square DataFrame is aligned by name, whatever its order.
    order = NAMES[::-1]
    labelled = pd.DataFrame(A, index=NAMES, columns=NAMES).loc[order, order]
    assert edge_set(prior_graph(labelled, NAMES)) == expected
    with pytest.raises(ValueError, match="5 x 5"):
        prior_graph(np.zeros((4, 4)), NAMES)


def test_prior_graph_drops_unknown_names_with_a_counting_warning():
    edges = [("IL6", "STAT3"), ("IL6", "NOPE1"), ("NOPE2", "TNF"), ("TNF", "NFKB1")]
    message = r"2 of 4 prior edges .*\(2 unknown names: 'NOPE1', 'NOPE2'\)"
    with pytest.warns(UserWarning, match=message):
        g = prior_graph(edges, NAMES)
    assert edge_set(g) == {("IL6", "STAT3"), ("STAT3", "IL6"), ("TNF", "NFKB1"),
                           ("NFKB1", "TNF")}


def test_prior_graph_without_usable_edges_is_an_error():
    with (
        pytest.warns(UserWarning, match="2 of 2"),
        pytest.raises(ValueError, match="no usable edge"),
    ):
        prior_graph([("A", "B"), ("C", "IL6")], NAMES)
    with pytest.raises(ValueError, match="no usable edge"):
        prior_graph([("IL6", "IL6")], NAMES)
    with pytest.raises(ValueError, match="no usable edge"):
        prior_graph(np.eye(5), NAMES)


def test_prior_graph_rejects_malformed_input():
    with pytest.raises(ValueError, match=r"\(source, target\)"):
        prior_graph([("IL6",)], NAMES)
    with pytest.raises(ValueError, match="'source' and 'target'"):
        prior_graph(pd.DataFrame(np.zeros((2, 4)), columns=list("abcd")), NAMES)


def test_resolve_graph_auto_switches_on_the_number_of_features():
    rng = np.random.default_rng(0)
    small = rng.normal(size=(20, AUTO_COMPLETE_MAX_FEATURES))
    large = rng.normal(size=(20, AUTO_COMPLETE_MAX_FEATURES + 1))
    assert resolve_graph("auto", small, None, 3).kind == "complete"
    big = resolve_graph("auto", large, None, 3)
    assert big.kind == "coexpression"
    assert big.degree().min() >= 3
    assert isinstance(resolve_graph([("x0", "x1")], small, None, 3), FeatureGraph)
