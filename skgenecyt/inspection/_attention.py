"""What a fitted GATClassifier attends to: attention tables and node importance.

The functions take a fitted :class:`~skgenecyt.GATClassifier` (anything with
its ``net_``, ``graph_``, ``classes_``, ``_prepare`` and ``_num_threads``), or a
fitted Pipeline ending in one, such as GeneCytNet: its other steps transform
the samples into the GAT's nodes. Attention weights
depend on the sample (they are computed from its node features), so tables
report averages over samples.
"""

from __future__ import annotations

from numbers import Integral

import numpy as np
import pandas as pd
import torch
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted, column_or_1d

from skgenecyt._sklearn_compat import Interval, validate_params
from skgenecyt._training import torch_threads

__all__ = ["attention_sums", "attention_table", "node_importance"]

#: Samples per forward pass: bounds memory (attention is edges x samples x heads).
BATCH_SIZE = 64


def _module(estimator):
    check_is_fitted(estimator, "net_")
    module = estimator.net_.module_
    module.eval()
    return module, next(module.parameters()).device


def attention_sums(estimator, Xs, labels=None, batch_size=BATCH_SIZE):
    """Sum attention and readout weights over samples, per class.

    Parameters
    ----------
    estimator : fitted GATClassifier
    Xs : ndarray of shape (n_samples, n_features), float32
        Already standardised inputs (as the network sees them).
    labels : ndarray of shape (n_samples,) of class indices, optional
        Group of each sample; by default its predicted class.
    batch_size : int

    Returns
    -------
    dict
        ``attention``: (n_classes, n_layers, n_edges, heads) sums;
        ``readout``: (n_classes, n_nodes) sums of readout weights;
        ``counts``: (n_classes,) samples per class.
    """
    module, device = _module(estimator)
    n_classes = len(estimator.classes_)
    attention = readout = None
    counts = np.zeros(n_classes)
    X = torch.as_tensor(np.ascontiguousarray(Xs, dtype=np.float32))
    with torch.no_grad(), torch_threads(estimator._num_threads()):
        for start in range(0, len(X), batch_size):
            logits, alphas, weights = module.forward_with_attention(
                X[start:start + batch_size].to(device)
            )
            group = (logits.argmax(1) if labels is None
                     else torch.as_tensor(labels[start:start + batch_size], device=device))
            onehot = torch.nn.functional.one_hot(group.long(), n_classes).to(logits.dtype)
            batch_attention = torch.stack(
                [torch.einsum("ebh,bk->keh", alpha, onehot) for alpha in alphas], dim=1
            ).double().cpu().numpy()
            batch_readout = (onehot.T @ weights).double().cpu().numpy()
            attention = batch_attention if attention is None else attention + batch_attention
            readout = batch_readout if readout is None else readout + batch_readout
            counts += onehot.sum(0).double().cpu().numpy()
    return {"attention": attention, "readout": readout, "counts": counts}


def _graph_model(estimator, X):
    """The fitted GAT and X as its input: a Pipeline's last step and its other steps' output."""
    if not isinstance(estimator, Pipeline):
        check_is_fitted(estimator, "net_")
        return estimator, X
    check_is_fitted(estimator)
    head, final = estimator[:-1], estimator[-1]
    check_is_fitted(final, "net_")
    return final, (None if X is None else head.transform(X))


def _edges(estimator):
    """(source, target) node positions of the edges the attention is reported on."""
    module, _ = _module(estimator)
    edge_index = module.edge_index.cpu().numpy()
    return edge_index[0], edge_index[1]


def _class_indices(estimator, y):
    y = column_or_1d(y)
    position = {label: i for i, label in enumerate(estimator.classes_)}
    unknown = sorted({str(label) for label in y if label not in position})
    if unknown:
        raise ValueError(
            f"y holds labels the classifier was not trained on: {unknown[:5]}; "
            f"known classes: {list(estimator.classes_)}."
        )
    return np.array([position[label] for label in y], dtype=np.int64)


@validate_params(
    {
        "estimator": "no_validation",  # a fitted GATClassifier or Pipeline: checked below
        "X": ["array-like", None],
        "y": ["array-like", None],
        "per_class": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def attention_table(estimator, X=None, y=None, per_class=False):
    """Attention weights of a fitted GATClassifier as a tidy DataFrame.

    One row per edge, layer and head (and class, with ``per_class``). The
    weight of edge ``source -> target`` is the share of attention the target
    node pays to the source node when updating itself; the weights into each
    target sum to one per layer, head and sample. The table averages them over
    samples.

    Parameters
    ----------
    estimator : fitted GATClassifier or Pipeline
        A fitted :class:`~skgenecyt.GATClassifier`, or a fitted Pipeline whose
        last step is one (e.g. :func:`~skgenecyt.make_genecytnet`); X then goes
        through the steps before it. The nodes are the GAT's input features:
        in GeneCytNet the latent factors and, with ``gene_sets``, one node per
        gene set, named by the set.
    X : array-like or DataFrame of shape (n_samples, n_features_in_), optional
        Samples to average over. With None, the average over the training
        rows, recorded at the end of ``fit``, is reported.
    y : array-like of shape (n_samples,), optional
        Classes of X, used with ``per_class``; without it samples are grouped
        by their predicted class. Training rows (``X=None``) are grouped by
        their true class.
    per_class : bool, default=False
        Average within each class separately and add a ``class`` column.

    Returns
    -------
    DataFrame
        Columns ``source``, ``target`` (node names), ``layer``, ``head``
        (counting from 0), ``attention`` (mean weight), ``self_loop`` (True for
        the edge of a node to itself, which every layer adds) and, with
        ``per_class``, ``class``. Classes without samples are left out.

    Examples
    --------
    >>> import numpy as np
    >>> from skgenecyt import GATClassifier
    >>> from skgenecyt.inspection import attention_table
    >>> rng = np.random.default_rng(0)
    >>> X, y = rng.normal(size=(40, 3)), np.arange(40) % 2
    >>> clf = GATClassifier(max_epochs=2, n_layers=1, heads=2, hidden_channels=4,
    ...                     early_stopping=False, random_state=0).fit(X, y)
    >>> table = attention_table(clf)
    >>> table.shape  # 3 nodes: 6 edges + 3 self-loops, 1 layer, 2 heads
    (18, 6)
    >>> table.groupby(["layer", "head", "target"])["attention"].sum().round(6).unique()
    array([1.])
    """
    estimator, X = _graph_model(estimator, X)
    if X is None:
        if y is not None:
            raise ValueError("y was given without X; pass the samples y belongs to.")
        sums = estimator._training_attention
    else:
        Xs = estimator._prepare(X)
        labels = None if y is None else _class_indices(estimator, y)
        if labels is not None and len(labels) != len(Xs):
            raise ValueError(f"X has {len(Xs)} rows but y has {len(labels)} labels.")
        sums = attention_sums(estimator, Xs, labels)

    src, dst = _edges(estimator)
    names = np.asarray(estimator.graph_.node_names, dtype=object)
    n_layers, n_edges, n_heads = sums["attention"].shape[1:]
    layer = np.repeat(np.arange(n_layers), n_heads * n_edges)
    head = np.tile(np.repeat(np.arange(n_heads), n_edges), n_layers)
    edge = np.tile(np.arange(n_edges), n_layers * n_heads)
    base = pd.DataFrame({
        "source": names[src[edge]],
        "target": names[dst[edge]],
        "layer": layer,
        "head": head,
    })
    base["self_loop"] = src[edge] == dst[edge]

    def frame(total, count):
        # (layers, edges, heads) -> rows ordered by layer, head, edge
        mean = (total / count).transpose(0, 2, 1).ravel()
        out = base.copy()
        out.insert(4, "attention", mean)
        return out

    counts = sums["counts"]
    if not per_class:
        return frame(sums["attention"].sum(0), counts.sum())
    parts = []
    for k, label in enumerate(estimator.classes_):
        if counts[k] > 0:
            part = frame(sums["attention"][k], counts[k])
            part["class"] = label
            parts.append(part)
    return pd.concat(parts, ignore_index=True)


@validate_params(
    {
        "estimator": "no_validation",  # a fitted GATClassifier or Pipeline: checked below
        "X": ["array-like"],
        "target_class": "no_validation",  # one of estimator.classes_: checked below
        "batch_size": [Interval(Integral, 1, None, closed="left")],
    },
    prefer_skip_nested_validation=True,
)
def node_importance(estimator, X, target_class=None, batch_size=BATCH_SIZE):
    """Rank the nodes (features) of a fitted GATClassifier.

    Three views, averaged over the samples in X:

    * ``attention_received``: the attention other nodes pay to this node,
      summed over its outgoing edges (self-loops excluded) and averaged over
      layers and heads; well-connected nodes that their neighbours listen to
      score high;
    * ``readout_weight``: the node's weight in the readout that pools nodes
      into the sample representation (1 / n_nodes each with a mean readout);
    * ``gradient_x_input``: the mean absolute gradient x input of the
      log-probability of ``target_class`` with respect to the standardised
      feature value, i.e. how much the prediction moves with the feature's
      deviation from the training mean.

    Parameters
    ----------
    estimator : fitted GATClassifier or Pipeline
        A fitted :class:`~skgenecyt.GATClassifier`, or a fitted Pipeline whose
        last step is one (e.g. :func:`~skgenecyt.make_genecytnet`); X then goes
        through the steps before it. The nodes are the GAT's input features:
        in GeneCytNet the latent factors and, with ``gene_sets``, one node per
        gene set, named by the set.
    X : array-like or DataFrame of shape (n_samples, n_features_in_)
    target_class : label, optional
        Class whose log-probability is differentiated; by default the last of
        ``classes_`` (the positive class of a binary problem).
    batch_size : int, default=64

    Returns
    -------
    DataFrame
        Indexed by node name (in column order), with columns
        ``attention_received``, ``readout_weight``, ``gradient_x_input`` and
        ``degree`` (incoming edges, self-loops excluded).

    Examples
    --------
    >>> import numpy as np
    >>> from skgenecyt import GATClassifier
    >>> from skgenecyt.inspection import node_importance
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(40, 3))
    >>> y = (X[:, 0] > 0).astype(int)
    >>> clf = GATClassifier(max_epochs=20, early_stopping=False, random_state=0).fit(X, y)
    >>> imp = node_importance(clf, X)
    >>> list(imp.columns)
    ['attention_received', 'readout_weight', 'gradient_x_input', 'degree']
    >>> imp["gradient_x_input"].idxmax()
    'x0'
    """
    estimator, X = _graph_model(estimator, X)
    module, device = _module(estimator)
    Xs = estimator._prepare(X)
    classes = list(estimator.classes_)
    if target_class is None:
        k = len(classes) - 1
    elif target_class in classes:
        k = classes.index(target_class)
    else:
        raise ValueError(f"target_class={target_class!r} is not one of the classes {classes}.")

    # One group holding every sample: label all rows 0.
    sums = attention_sums(estimator, Xs, np.zeros(len(Xs), dtype=np.int64), batch_size)
    n = sums["counts"][0]
    mean_attention = sums["attention"][0].mean(axis=(0, 2)) / n  # over layers, heads
    src, dst = _edges(estimator)
    n_nodes = len(estimator.graph_.node_names)
    other = src != dst
    received = np.bincount(src[other], weights=mean_attention[other], minlength=n_nodes)

    X_t = torch.as_tensor(Xs)
    gxi = torch.zeros(n_nodes, dtype=torch.float64)
    with torch.enable_grad(), torch_threads(estimator._num_threads()):
        for start in range(0, len(X_t), batch_size):
            xb = X_t[start:start + batch_size].to(device).requires_grad_(True)
            logp = torch.log_softmax(module(xb), dim=1)[:, k]
            (grad,) = torch.autograd.grad(logp.sum(), xb)
            gxi += (grad * xb.detach()).abs().sum(0).double().cpu()

    index = pd.Index(estimator.graph_.node_names, name="node")
    return pd.DataFrame({
        "attention_received": received,
        "readout_weight": sums["readout"][0] / n,
        "gradient_x_input": gxi.numpy() / len(Xs),
        "degree": np.bincount(dst[other], minlength=n_nodes),
    }, index=index)
