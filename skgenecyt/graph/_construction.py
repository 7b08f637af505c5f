"""Feature graphs: which features exchange messages in a graph attention network.

A graph's nodes are the columns of the data, in column order; its edges are
directed ``source -> target`` pairs of node positions (messages flow from
source to target). Graphs built here hold no self-loops: the attention layers
add exactly one per node themselves.

Three kinds of graph:

* co-expression: each feature is joined to the ``n_neighbors`` features whose
  absolute Pearson correlation with it is highest, learned from the rows given
  (training rows only, inside ``fit``);
* complete: every feature with every other one (for few features, such as a
  VAE's latent factors);
* prior: a known network (for example protein interactions) given by feature
  name, aligned to the data's columns.

Co-expression and prior graphs are undirected: every edge is kept in both
directions.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from numbers import Integral

import numpy as np
import pandas as pd
import scipy.sparse as sp

from skgenecyt._sklearn_compat import Interval, validate_params
from skgenecyt._validation import listing

__all__ = [
    "AUTO_COMPLETE_MAX_FEATURES",
    "FeatureGraph",
    "coexpression_graph",
    "complete_graph",
    "prior_graph",
]

#: ``graph="auto"`` uses a complete graph up to this many features.
AUTO_COMPLETE_MAX_FEATURES = 64


@dataclass(frozen=True, eq=False)
class FeatureGraph:
    """A graph over the features of a data set.

    Attributes
    ----------
    edge_index : ndarray of shape (2, n_edges), dtype int64
        Source (row 0) and target (row 1) node of each edge, as positions in
        ``node_names``; sorted by target, then source; no self-loops.
    node_names : ndarray of shape (n_nodes,), dtype object
        Feature names in column order.
    edge_weight : ndarray of shape (n_edges,) or None
        For co-expression graphs the absolute correlation of each edge; for
        prior graphs the weights given, if any. The attention layers learn
        their own edge weights and do not use these.
    kind : str
        ``"coexpression"``, ``"complete"`` or ``"prior"``.

    Examples
    --------
    >>> from skgenecyt.graph import complete_graph
    >>> g = complete_graph(["IL6", "TNF", "IL1B"])
    >>> g.n_nodes, g.n_edges
    (3, 6)
    >>> g.to_frame().head(2)
      source target  weight
    0    TNF    IL6     NaN
    1   IL1B    IL6     NaN
    """

    edge_index: np.ndarray
    node_names: np.ndarray
    edge_weight: np.ndarray | None = None
    kind: str = "prior"
    params: dict = field(default_factory=dict)

    @property
    def n_nodes(self) -> int:
        return len(self.node_names)

    @property
    def n_edges(self) -> int:
        return self.edge_index.shape[1]

    def to_frame(self) -> pd.DataFrame:
        """Edges as a DataFrame with columns source, target and weight (names)."""
        weight = self.edge_weight if self.edge_weight is not None else np.nan
        return pd.DataFrame({
            "source": self.node_names[self.edge_index[0]],
            "target": self.node_names[self.edge_index[1]],
            "weight": weight,
        })

    def degree(self) -> pd.Series:
        """Number of incoming edges per node (self-loops excluded)."""
        counts = np.bincount(self.edge_index[1], minlength=self.n_nodes)
        return pd.Series(counts, index=pd.Index(self.node_names, name="node"), name="degree")

    def __repr__(self):
        return (f"FeatureGraph(kind={self.kind!r}, n_nodes={self.n_nodes}, "
                f"n_edges={self.n_edges})")


def _names(feature_names, n_features):
    if feature_names is None:
        return np.array([f"x{i}" for i in range(n_features)], dtype=object)
    names = np.asarray(feature_names, dtype=object)
    if names.ndim != 1 or len(names) != n_features:
        raise ValueError(
            f"feature_names has {names.size} entries but the data has {n_features} features."
        )
    if len(set(names)) != len(names):
        duplicated = pd.Index(names)[pd.Index(names).duplicated()].unique()[:5]
        raise ValueError(f"Feature names must be unique; duplicated: {list(duplicated)}.")
    return names


def _finalize(src, dst, weight, names, kind, symmetric=True, params=None):
    """Drop self-loops, add reverse edges, remove duplicates, sort by target."""
    n = len(names)
    src = np.asarray(src, dtype=np.int64)
    dst = np.asarray(dst, dtype=np.int64)
    keep = src != dst
    src, dst = src[keep], dst[keep]
    if weight is not None:
        weight = np.asarray(weight, dtype=np.float64)[keep]
    if symmetric:
        src, dst = np.concatenate([src, dst]), np.concatenate([dst, src])
        if weight is not None:
            weight = np.concatenate([weight, weight])
    key = dst * n + src
    if weight is not None:
        # Sort by key, larger weights first, and keep the first of each key.
        order = np.lexsort((-np.nan_to_num(weight, nan=-np.inf), key))
    else:
        order = np.argsort(key, kind="stable")
    key = key[order]
    first = np.ones(len(key), dtype=bool)
    first[1:] = key[1:] != key[:-1]
    order = order[first]
    edge_index = np.stack([src[order], dst[order]]).astype(np.int64)
    weight = None if weight is None else weight[order]
    return FeatureGraph(edge_index, names, weight, kind, dict(params or {}))


@validate_params({"feature_names": ["array-like"]}, prefer_skip_nested_validation=True)
def complete_graph(feature_names):
    """Join every feature to every other one (both directions).

    Parameters
    ----------
    feature_names : sequence of str
        The node names, in column order.

    Returns
    -------
    FeatureGraph
        ``n * (n - 1)`` edges.

    Examples
    --------
    >>> complete_graph(["z0", "z1"]).edge_index
    array([[1, 0],
           [0, 1]])
    """
    names = _names(feature_names, len(feature_names))
    n = len(names)
    dst, src = np.divmod(np.arange(n * n, dtype=np.int64), n)
    return _finalize(src, dst, None, names, "complete", symmetric=False)


@validate_params(
    {
        "X": ["array-like"],
        "n_neighbors": [Interval(Integral, 1, None, closed="left")],
        "feature_names": ["array-like", None],
        "block_size": [Interval(Integral, 1, None, closed="left")],
    },
    prefer_skip_nested_validation=True,
)
def coexpression_graph(X, n_neighbors=10, feature_names=None, block_size=512):
    """k-nearest-neighbour graph on absolute Pearson correlation between features.

    Each feature is joined to the ``n_neighbors`` other features most
    correlated with it (in absolute value) over the rows of ``X``; the union of
    these edges, in both directions, is returned, so a feature can have more
    than ``n_neighbors`` neighbours. Constant features correlate with nothing
    and get arbitrary (but reproducible) neighbours.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        The rows to learn the correlations from: pass training rows only.
    n_neighbors : int, default=10
        Neighbours per feature; capped at ``n_features - 1``.
    feature_names : sequence of str, optional
        Node names; the default is ``x0, x1, ...`` (or the columns of a DataFrame).
    block_size : int, default=512
        Features per block of the correlation matrix, which is never held whole.

    Returns
    -------
    FeatureGraph
        With the absolute correlation of each edge as ``edge_weight``.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> base = rng.normal(size=(50, 1))
    >>> X = np.hstack([base, base + 0.1 * rng.normal(size=(50, 1)), rng.normal(size=(50, 1))])
    >>> g = coexpression_graph(X, n_neighbors=1, feature_names=["a", "b", "c"])
    >>> g.to_frame().round(3)
      source target  weight
    0      b      a   0.994
    1      a      b   0.994
    2      c      b   0.024
    3      b      c   0.024
    """
    if isinstance(X, pd.DataFrame) and feature_names is None:
        feature_names = X.columns.astype(str)
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D (samples x features); got shape {X.shape}.")
    n_samples, n_features = X.shape
    names = _names(feature_names, n_features)
    if n_samples < 2:
        raise ValueError(f"Correlations need at least 2 samples; got {n_samples}.")
    if not np.isfinite(X).all():
        raise ValueError("X contains NaN or infinite values; correlations are undefined.")
    k = min(int(n_neighbors), n_features - 1)
    if k < 1:
        return _finalize([], [], [], names, "coexpression", params={"n_neighbors": n_neighbors})

    std = X.std(axis=0)
    Z = ((X - X.mean(axis=0)) / np.where(std > 0, std, 1.0)).astype(np.float32)
    Z /= np.sqrt(n_samples)
    sources, targets, weights = [], [], []
    for start in range(0, n_features, block_size):
        block = np.arange(start, min(start + block_size, n_features))
        corr = np.abs(Z[:, block].T @ Z)  # (len(block), n_features)
        corr[np.arange(len(block)), block] = -np.inf  # never one's own neighbour
        nearest = np.argpartition(-corr, k - 1, axis=1)[:, :k]
        sources.append(nearest.ravel())
        targets.append(np.repeat(block, k))
        weights.append(np.take_along_axis(corr, nearest, axis=1).ravel())
    return _finalize(
        np.concatenate(sources), np.concatenate(targets), np.concatenate(weights), names,
        "coexpression", params={"n_neighbors": n_neighbors},
    )


def _edges_from_adjacency(adjacency, n_features):
    """Positions and values of the non-zero entries of a square adjacency."""
    if adjacency.shape != (n_features, n_features):
        raise ValueError(
            f"An adjacency matrix must be n_features x n_features = "
            f"{n_features} x {n_features} in column order; got shape {adjacency.shape}."
        )
    coo = sp.coo_matrix(adjacency)
    keep = (coo.data != 0) & ~np.isnan(coo.data)
    return coo.row[keep], coo.col[keep], coo.data[keep].astype(np.float64)


def _edge_table(edges):
    """A prior given as edges or a labelled adjacency -> DataFrame(source, target, weight)."""
    if isinstance(edges, FeatureGraph):
        return edges.to_frame()
    if isinstance(edges, pd.DataFrame):
        cols = list(edges.columns)
        if {"source", "target"} <= set(cols):
            out = edges[["source", "target"]].copy()
            out["weight"] = edges["weight"] if "weight" in cols else np.nan
            return out
        if edges.shape[0] == edges.shape[1] and set(edges.index) == set(cols):
            stacked = edges.stack()
            stacked = stacked[(stacked != 0) & stacked.notna()]
            return pd.DataFrame({
                "source": stacked.index.get_level_values(0),
                "target": stacked.index.get_level_values(1),
                "weight": stacked.to_numpy(dtype=np.float64),
            })
        if len(cols) in (2, 3):
            out = edges.iloc[:, :2].copy()
            out.columns = ["source", "target"]
            out["weight"] = edges.iloc[:, 2].to_numpy() if len(cols) == 3 else np.nan
            return out
        raise ValueError(
            "A prior graph DataFrame needs 'source' and 'target' columns (and optionally "
            "'weight'), two or three columns, or a square adjacency whose index and columns "
            f"are the same feature names; got columns {cols[:5]}."
        )
    rows = list(edges)
    bad = [row for row in rows if np.ndim(row) != 1 or len(row) not in (2, 3)]
    if bad:
        raise ValueError(
            "A prior edge list holds (source, target) or (source, target, weight) "
            f"entries; got {bad[0]!r}."
        )
    return pd.DataFrame({
        "source": [row[0] for row in rows],
        "target": [row[1] for row in rows],
        "weight": [float(row[2]) if len(row) == 3 else np.nan for row in rows],
    })


@validate_params(
    {
        "edges": ["array-like", "sparse matrix", FeatureGraph],
        "feature_names": ["array-like"],
    },
    prefer_skip_nested_validation=True,
)
def prior_graph(edges, feature_names):
    """Align a known network, given by feature name, to the data's columns.

    Parameters
    ----------
    edges : DataFrame, sequence of tuples, ndarray, scipy sparse matrix or FeatureGraph
        * a DataFrame with ``source`` and ``target`` (optionally ``weight``)
          columns, or with two or three columns in that order;
        * a square DataFrame whose index and columns are feature names
          (non-zero entries are edges);
        * a sequence of ``(source, target)`` or ``(source, target, weight)``;
        * a numeric ``n_features x n_features`` ndarray or scipy sparse
          adjacency in column order (non-zero entries are edges); a string
          ndarray of shape ``(n_edges, 2)`` is an edge list;
        * a :class:`FeatureGraph` (its edges are matched by name).
    feature_names : sequence of str
        The data's columns. Data without column names has the names
        ``x0, x1, ...``.

    Returns
    -------
    FeatureGraph
        Undirected (both directions kept), without self-loops or duplicates.

    Warns
    -----
    UserWarning
        When edges name features that are not among ``feature_names``; they
        are dropped and counted.

    Raises
    ------
    ValueError
        When no edge between two different known features remains.

    Examples
    --------
    >>> g = prior_graph([("IL6", "STAT3"), ("TNF", "NFKB1")], ["IL6", "STAT3", "TNF", "NFKB1"])
    >>> g.n_edges
    4
    """
    names = _names(feature_names, len(feature_names))
    n = len(names)
    is_numeric_array = (
        isinstance(edges, np.ndarray) and np.issubdtype(edges.dtype, np.number)
    )
    if sp.issparse(edges) or is_numeric_array:
        src, dst, weight = _edges_from_adjacency(edges, n)
        n_given = len(src)
    else:
        if isinstance(edges, np.ndarray) and edges.ndim == 2 and edges.shape[1] in (2, 3):
            edges = [tuple(row) for row in edges]
        table = _edge_table(edges)
        n_given = len(table)
        position = pd.Series(np.arange(n), index=pd.Index(names))
        src = table["source"].map(position)
        dst = table["target"].map(position)
        known = src.notna() & dst.notna()
        n_unknown = int((~known).sum())
        if n_unknown:
            missing = pd.unique(pd.concat([  # in edge order
                table.loc[src.isna(), "source"], table.loc[dst.isna(), "target"],
            ]).sort_index(kind="stable"))
            warnings.warn(
                f"{n_unknown} of {n_given} prior edges name features that are not in the "
                f"data and were dropped ({len(missing)} unknown names: {listing(missing)}).",
                UserWarning,
                stacklevel=3,
            )
        src = src[known].to_numpy(dtype=np.int64)
        dst = dst[known].to_numpy(dtype=np.int64)
        weight = table.loc[known, "weight"].to_numpy(dtype=np.float64)
    if not np.any(src != dst):
        raise ValueError(
            f"The prior graph has no usable edge: none of its {n_given} edges joins two "
            "different features of the data. Check that its names match the columns "
            f"(for example {list(names[:3])})."
        )
    if np.isnan(weight).all():
        weight = None
    return _finalize(src, dst, weight, names, "prior")


def resolve_graph(graph, X, feature_names, n_neighbors):
    """Build the graph a ``graph`` parameter asks for, from the rows of ``X``."""
    n_features = X.shape[1]
    if isinstance(graph, str):
        if graph == "auto":
            graph = "complete" if n_features <= AUTO_COMPLETE_MAX_FEATURES else "coexpression"
        if graph == "complete":
            return complete_graph(_names(feature_names, n_features))
        if graph == "coexpression":
            return coexpression_graph(X, n_neighbors, feature_names=feature_names)
        raise ValueError(
            f"graph={graph!r} is not a known graph; use 'auto', 'coexpression', "
            "'complete' or a prior graph."
        )
    return prior_graph(graph, _names(feature_names, n_features))
