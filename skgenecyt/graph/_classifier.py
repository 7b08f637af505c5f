"""GATClassifier: graph attention over the features of each sample."""

from __future__ import annotations

from numbers import Integral, Real
from typing import ClassVar

import numpy as np
import torch
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from skgenecyt._sklearn_compat import Interval, StrOptions, _fit_context
from skgenecyt._training import (
    TRAINING_PARAMETER_CONSTRAINTS,
    TorchEstimatorMixin,
    torch_threads,
)
from skgenecyt._validation import (
    check_finite_input,
    check_frame,
    check_no_missing_labels,
    listing,
    warn_if_counts,
)
from skgenecyt.graph._construction import AUTO_COMPLETE_MAX_FEATURES, FeatureGraph, resolve_graph
from skgenecyt.inspection._attention import attention_sums, attention_table, node_importance
from skgenecyt.nn._gat import GATNet

__all__ = ["GATClassifier"]


class GATClassifier(TorchEstimatorMixin, ClassifierMixin, BaseEstimator):
    """Classify samples with graph attention over their features.

    Every sample is a graph whose nodes are its features (genes, or a VAE's
    latent factors); all samples share one graph, built in ``fit`` from the
    training rows. A node's input is a token ``x_i * w_i + e_i`` made of the
    feature's standardised value ``x_i``, a learned scale vector ``w_i`` and a
    learned node embedding ``e_i``. Multi-head graph attention layers (with
    residual connections) pass messages along the graph, an attention readout
    pools the nodes and a linear head gives the class probabilities. Training
    minimises the cross-entropy with AdamW and early stopping on a stratified
    validation split (best weights restored).

    The layers process a batch of samples over one edge index without copying
    the graph per sample (see :class:`skgenecyt.nn._gat.SharedGraphGATConv`), so
    thousands of genes with a sparse graph stay affordable. Networks over at
    most 64 features run on one CPU thread, which is fastest for their small
    tensors; larger ones use torch's thread setting.

    Parameters
    ----------
    graph : {"auto", "coexpression", "complete"} or prior graph, default="auto"
        * ``"auto"``: complete when there are at most 64 features (e.g. latent
          factors), co-expression otherwise;
        * ``"coexpression"``: each feature joined to its ``n_neighbors``
          features of highest absolute Pearson correlation over the training
          rows (both directions kept);
        * ``"complete"``: every feature joined to every other one; the cost
          grows with the square of the number of features;
        * a prior graph by feature name: a DataFrame or list of
          ``(source, target[, weight])`` edges, a labelled square DataFrame, a
          scipy sparse or dense adjacency in column order, or a
          :class:`~skgenecyt.graph.FeatureGraph`. See
          :func:`~skgenecyt.graph.prior_graph`. Edges naming unknown features
          are dropped with a warning that counts them; a prior without any
          usable edge is an error. Prior edges pass messages both ways.
    n_neighbors : int, default=10
        Neighbours per feature of the co-expression graph.
    hidden_channels : int, default=32
        Width of the hidden node features, split evenly over the heads (so it
        must be divisible by ``heads``).
    heads : int, default=4
        Attention heads per layer.
    n_layers : int, default=2
        Graph attention layers.
    node_embedding_dim : int, default=8
        Width of the node tokens.
    dropout : float, default=0.1
        Dropout on the hidden node features and before the head.
    readout : {"attention", "mean"}, default="attention"
        Pool nodes with learned attention weights, or average them.
    class_weight : "balanced", dict or None, default=None
        Class weights of the cross-entropy; ``"balanced"`` weighs classes
        inversely to their frequency in ``y``.
    max_epochs : int, default=60
        Maximum passes over the training data.
    batch_size : int, default=64
        Samples per gradient step: the training rows are shuffled every epoch
        and cut into ``round(n / batch_size)`` batches of equal size.
    lr : float, default=1e-2
        AdamW learning rate.
    weight_decay : float, default=1e-2
        AdamW (decoupled) weight decay.
    early_stopping : bool or "auto", default="auto"
        Hold out ``validation_fraction`` of the rows (stratified) and stop when
        the validation loss has not improved for ``patience`` epochs, restoring
        the best weights. With False, train ``max_epochs`` on all rows.
        ``"auto"`` stops early when the validation split holds at least 20
        rows (from 200 samples at the default fraction); with fewer, a loss
        over a handful of rows would pick the epoch by chance, so it trains
        ``min(max_epochs, 30)`` epochs on every row instead.
    validation_fraction : float, default=0.1
        Share of the rows held out for early stopping.
    patience : int, default=5
        Epochs without improvement before stopping.
    device : str, default="cpu"
        Torch device, e.g. ``"cuda"``.
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation, the validation split, batch order and
        dropout; the same value and data give the same model.
    verbose : int, default=0
        Print the per-epoch training log when > 0.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    graph_ : FeatureGraph
        The feature graph used: edge index and node names.
    net_ : skorch.NeuralNet
        The trained network (module :class:`skgenecyt.nn._gat.GATNet`).
    mean_, scale_ : ndarray of shape (n_features_in_,)
        Training mean and standard deviation used to standardise the inputs.
    class_weight_ : ndarray of shape (n_classes,) or None
        Weights used in the cross-entropy.
    history_ : DataFrame
        Per-epoch training and validation loss.
    n_epochs_ : int
        Epochs trained.
    early_stopping_ : bool
        Whether this fit stopped early (see ``early_stopping``).
    n_features_in_ : int
        Number of features seen in ``fit``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Feature names seen in ``fit``; defined only when X has string column names.

    See Also
    --------
    skgenecyt.inspection.attention_table : The attention weights as a tidy table.
    skgenecyt.inspection.node_importance : Nodes ranked by attention and gradient x input.

    Examples
    --------
    >>> import numpy as np
    >>> from skgenecyt import GATClassifier
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(60, 6))
    >>> y = (X[:, 0] + X[:, 1] > 0).astype(int)
    >>> clf = GATClassifier(max_epochs=30, early_stopping=False, random_state=0).fit(X, y)
    >>> clf.graph_
    FeatureGraph(kind='complete', n_nodes=6, n_edges=30)
    >>> clf.predict_proba(X[:2]).shape
    (2, 2)
    >>> clf.score(X, y) > 0.8
    True
    """

    #: Epochs trained when ``early_stopping="auto"`` finds too few rows to stop early.
    _small_data_epochs = 30

    _parameter_constraints: ClassVar[dict] = {
        "graph": [
            StrOptions({"auto", "coexpression", "complete"}),
            "array-like",
            "sparse matrix",
            FeatureGraph,
        ],
        "n_neighbors": [Interval(Integral, 1, None, closed="left")],
        "hidden_channels": [Interval(Integral, 1, None, closed="left")],
        "heads": [Interval(Integral, 1, None, closed="left")],
        "n_layers": [Interval(Integral, 1, None, closed="left")],
        "node_embedding_dim": [Interval(Integral, 1, None, closed="left")],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "readout": [StrOptions({"attention", "mean"})],
        "class_weight": [StrOptions({"balanced"}), dict, None],
        **TRAINING_PARAMETER_CONSTRAINTS,
    }

    def __init__(self, graph="auto", n_neighbors=10, hidden_channels=32, heads=4, n_layers=2,
                 node_embedding_dim=8, dropout=0.1, readout="attention", class_weight=None,
                 max_epochs=60, batch_size=64, lr=1e-2, weight_decay=1e-2, early_stopping="auto",
                 validation_fraction=0.1, patience=5, device="cpu", random_state=None,
                 verbose=0):
        self.graph = graph
        self.n_neighbors = n_neighbors
        self.hidden_channels = hidden_channels
        self.heads = heads
        self.n_layers = n_layers
        self.node_embedding_dim = node_embedding_dim
        self.dropout = dropout
        self.readout = readout
        self.class_weight = class_weight
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.lr = lr
        self.weight_decay = weight_decay
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.patience = patience
        self.device = device
        self.random_state = random_state
        self.verbose = verbose

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Build the feature graph from X and train the network.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Feature values; column names become node names.
        y : array-like of shape (n_samples,)
            Class labels (int or str), at least two classes.

        Returns
        -------
        self : GATClassifier
        """
        if self.hidden_channels % self.heads:
            raise ValueError(
                f"hidden_channels={self.hidden_channels} must be divisible by "
                f"heads={self.heads} (each head gets hidden_channels // heads channels)."
            )
        check_frame(X, type(self).__name__)
        X, y = validate_data(self, X, y, dtype=[np.float64, np.float32], ensure_all_finite=False)
        check_finite_input(self, X)  # before the graph's correlations and the scaling
        warn_if_counts(X)
        check_no_missing_labels(y)
        check_classification_targets(y)
        self.classes_, y_encoded = np.unique(y, return_inverse=True)
        if len(self.classes_) < 2:
            raise ValueError(
                f"{type(self).__name__} needs samples of at least 2 classes; y holds only "
                f"1 class ({self.classes_[0]!r})."
            )
        self.mean_ = X.mean(axis=0)
        std = X.std(axis=0)
        self.scale_ = np.where(std > 0, std, 1.0)
        self.graph_ = resolve_graph(
            self.graph, X, getattr(self, "feature_names_in_", None), self.n_neighbors
        )
        self.class_weight_ = (
            None if self.class_weight is None
            else compute_class_weight(self.class_weight, classes=self.classes_, y=y)
        )
        criterion_params = {}
        if self.class_weight_ is not None:
            criterion_params["weight"] = torch.as_tensor(self.class_weight_, dtype=torch.float32)
        Xs = self._standardize(X)
        self.net_ = self._train_net(
            GATNet, torch.nn.CrossEntropyLoss, Xs, y_encoded.astype(np.int64),
            stratify=True,
            module_params={
                "edge_index": torch.as_tensor(self.graph_.edge_index),
                "n_nodes": X.shape[1],
                "n_classes": len(self.classes_),
                "node_embedding_dim": self.node_embedding_dim,
                "hidden_channels": self.hidden_channels,
                "heads": self.heads,
                "n_layers": self.n_layers,
                "dropout": self.dropout,
                "readout": self.readout,
            },
            criterion_params=criterion_params,
            num_threads=self._num_threads(),
        )
        self.history_ = self._history_frame()
        self.n_epochs_ = len(self.net_.history)
        # Attention summed over the training rows, per class: what
        # ``attention()`` reports when no X is given.
        self._training_attention = attention_sums(self, Xs, y_encoded)
        return self

    def decision_function(self, X):
        """Class scores (logits).

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features_in_)

        Returns
        -------
        scores : ndarray of shape (n_samples,) or (n_samples, n_classes)
            For two classes the logit of ``classes_[1]`` minus that of
            ``classes_[0]`` (positive favours ``classes_[1]``); otherwise one
            logit per class.
        """
        logits = self._logits(X)
        if logits.shape[1] == 2:
            return logits[:, 1] - logits[:, 0]
        return logits

    def predict_proba(self, X):
        """Class probabilities.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features_in_)

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Columns in the order of ``classes_``.
        """
        logits = torch.from_numpy(self._logits(X))
        return torch.softmax(logits, dim=1).numpy()

    def predict(self, X):
        """Most probable class of each sample.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features_in_)

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
        """
        logits = self._logits(X)  # checks that the model is fitted
        return self.classes_[np.argmax(logits, axis=1)]

    def attention(self, X=None, y=None, per_class=False):
        """Attention weights of every edge, layer and head as a tidy table.

        Delegates to :func:`skgenecyt.inspection.attention_table`; see there
        for the columns. With ``X=None`` the weights are the average over the
        training rows, recorded at the end of ``fit``.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features_in_), optional
            Samples to average the attention over.
        y : array-like of shape (n_samples,), optional
            Classes of X for ``per_class``; by default the predicted classes.
        per_class : bool, default=False
            Average per class (an extra ``class`` column).

        Returns
        -------
        DataFrame
        """
        return attention_table(self, X, y=y, per_class=per_class)

    def node_importance(self, X, target_class=None):
        """Nodes ranked by attention received, readout weight and gradient x input.

        Delegates to :func:`skgenecyt.inspection.node_importance`.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features_in_)
        target_class : label, optional
            Class whose log-probability is differentiated; by default the
            last of ``classes_`` (the positive class of a binary problem).

        Returns
        -------
        DataFrame
        """
        return node_importance(self, X, target_class=target_class)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = True
        return tags

    # -- helpers shared with skgenecyt.inspection --------------------------------

    def _standardize(self, X):
        """``(X - mean_) / scale_`` in float32, or a ValueError naming what is not finite."""
        with np.errstate(over="ignore", invalid="ignore"):
            Xs = ((X - self.mean_) / self.scale_).astype(np.float32)
        if not np.isfinite(Xs).all():
            # One scan of the output on the way in; X is inspected only to name culprits.
            check_finite_input(self, X)
            # X itself is fine, but so far from the training data's scale that,
            # standardised, it overflows float32 (torch would turn it into NaN).
            far = np.flatnonzero(~np.isfinite(Xs).all(axis=0))
            names = getattr(self, "feature_names_in_", None)
            names = names[far] if names is not None else [f"column {j}" for j in far]
            raise ValueError(
                f"Standardised with the training mean and scale, X is too large for float32 "
                f"in {len(far)} feature(s): {listing(names)}. Its values are far outside the "
                "training data's range; check units and scale."
            )
        return Xs

    def _prepare(self, X):
        """Validate X against the fit and standardise it (float32)."""
        check_is_fitted(self)
        check_frame(X, type(self).__name__)
        X = validate_data(self, X, reset=False, dtype=[np.float64, np.float32],
                          ensure_all_finite=False)
        return self._standardize(X)

    def _num_threads(self):
        # Networks over few features (e.g. latent factors) are made of tiny
        # tensors: one CPU thread is fastest, and on a busy machine much faster,
        # since every operation would wait for the slowest thread. Large graphs
        # use torch's thread setting.
        return 1 if self.n_features_in_ <= AUTO_COMPLETE_MAX_FEATURES else None

    def _logits(self, X):
        Xs = self._prepare(X)
        with torch_threads(self._num_threads()):
            logits = self._forward(Xs, method="forward")
        return logits.numpy().astype(np.float64)
