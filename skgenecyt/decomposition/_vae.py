"""VAETransformer: a variational autoencoder as a scikit-learn transformer."""

from __future__ import annotations

from numbers import Integral, Real
from typing import ClassVar

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import (
    check_array,
    check_is_fitted,
    validate_data,
)
from skorch.callbacks import Callback
from threadpoolctl import threadpool_limits

from skgenecyt._sklearn_compat import Interval, _check_feature_names_in, _fit_context
from skgenecyt._training import (
    TRAINING_PARAMETER_CONSTRAINTS,
    TorchEstimatorMixin,
    seed_from_random_state,
    seeded,
    torch_threads,
)
from skgenecyt._validation import check_finite_input, check_frame, warn_if_counts
from skgenecyt.nn._vae import ELBOLoss, VAEModule

__all__ = ["VAETransformer"]

# Rows per inference batch: large enough for efficient matrix products, small
# enough to bound the temporaries of a feature-space pass (rows x n_features).
# The first-layer product makes no temporaries of that size, and BLAS is
# markedly faster on 4096-row blocks than on 1024-row ones.
_INFERENCE_ROWS = 1024
_PROJECTION_ROWS = 4096
# Rounds of principal-axis factoring for the per-feature noise scales.
_NOISE_REFINEMENTS = 2


class VAETransformer(TorchEstimatorMixin, TransformerMixin, BaseEstimator):
    """Compress features (genes) to the latent means of a variational autoencoder.

    The encoder maps each sample to a Gaussian posterior over ``n_components``
    latent factors; ``transform`` returns the posterior means and
    ``inverse_transform`` decodes latent values back to features.

    The generative model is ``z ~ N(0, I)`` and, for each feature ``j``,
    ``x_j | z ~ N(center_j + scale_j * (basis @ g(z))_j, noise_var * scale_j^2)``:
    factor analysis with a nonlinear map ``g``. Its outer layers are fixed in
    ``fit`` (from every row given to it, the rows held out for early stopping
    included). ``scale_j`` is the noise standard deviation of feature ``j``,
    estimated by principal-axis factoring (the variance a feature keeps
    outside the top ``n_components`` principal axes), so that genes without
    co-expression partners stop drowning small co-expressed modules.
    ``basis`` holds the top ``pca_components`` principal axes of the rescaled
    data: the encoder's first layer projects on them and the decoder's last
    layer maps back through them. Only the networks in between, on whitened
    principal-component scores, are trained. With many more genes than
    samples this keeps the model from memorising training rows through
    sample-specific noise directions, and it makes training cheap: the
    networks never touch the full gene vectors, yet the loss is the exact ELBO
    in gene space. ``noise_var`` is the probabilistic-PCA noise estimate on
    the rescaled data (close to 1).

    Training maximises the ELBO (reconstruction log-likelihood minus ``beta``
    times the KL divergence to the prior) with AdamW, a linear KL warm-up and
    early stopping on a validation split that restores the best weights. The
    validation loss draws the same posterior samples every epoch, so that it
    moves only with training and early stopping does not wait for a lucky
    draw. The small networks run on one CPU thread, where they are fastest;
    only the products with the principal axes use several.

    Put a :class:`~sklearn.preprocessing.StandardScaler` in front of it, so
    that every gene counts equally in the principal axes and the likelihood.

    Parameters
    ----------
    n_components : int, default=64
        Number of latent factors; must be smaller than the number of features.
        Too few factors squeeze out small co-expression modules (such as
        cytokine response modules of a few dozen genes) in favour of large
        programmes; 64 leaves room for the dozens of programmes typical of
        bulk tissue transcriptomes.
    hidden_layer_sizes : tuple of int, default=(256,)
        Encoder hidden widths from the input side; the decoder mirrors them.
        ``()`` gives a linear encoder and decoder.
    beta : float, default=1.0
        Weight of the KL term (``beta=1`` is the ordinary ELBO).
    kl_warmup_epochs : int, default=10
        The KL weight rises linearly from ``beta / kl_warmup_epochs`` to
        ``beta`` over this many epochs (0: no warm-up). Validation losses
        always use the full ``beta``.
    dropout : float, default=0.1
        Dropout after every encoder hidden layer during training.
    pca_components : int or None, default=None
        Number of principal axes forming the outer layers (fewer when the
        data have fewer non-degenerate axes). None uses ``n_components``:
        wider inputs let the encoder pick up noise directions and, on the
        built-in synthetic cohort, lose disease signal.
    max_epochs : int, default=300
        Most passes over the training rows.
    batch_size : int, default=64
        Rows per optimisation step: the training rows are shuffled every epoch
        and cut into ``round(n / batch_size)`` batches of equal size. The
        defaults suit a few hundred samples; with a few dozen, an epoch is a
        single step, so lower ``batch_size`` or raise ``lr`` for the model to
        train.
    lr : float, default=1e-3
        AdamW learning rate.
    weight_decay : float, default=1e-2
        AdamW decoupled weight decay.
    early_stopping : bool or "auto", default="auto"
        Hold out ``validation_fraction`` of the rows and stop when the
        validation loss has not improved for ``patience`` epochs, restoring
        the weights of the best epoch. ``"auto"`` does so when the validation
        split holds at least 20 rows (from 200 samples at the default
        fraction); with fewer, a loss over a handful of rows would pick the
        epoch by chance, so it trains ``min(max_epochs, 100)`` epochs on every
        row instead (about 100 optimisation steps for a few dozen samples).
    validation_fraction : float, default=0.1
        Share of rows held out for early stopping.
    patience : int, default=7
        Epochs without validation improvement before stopping.
    device : str, default="cpu"
        Torch device, e.g. ``"cuda"``. A model fitted on a GPU can be used on
        the CPU after ``set_params(device="cpu")``.
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation, the validation split, batch order,
        dropout and the posterior draws of training and ``score``. The same
        value gives the same model and output, also in another process on the
        same kind of machine. Global random state is left untouched.
    verbose : int, default=0
        Print per-epoch losses when positive.

    Attributes
    ----------
    net_ : skorch.NeuralNet
        The trained network; ``net_.module_`` is a
        :class:`skgenecyt.nn._vae.VAEModule`.
    n_features_in_ : int
        Number of features seen in ``fit``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Feature (gene) names seen in ``fit``; only when X had string column
        names.
    history_ : pandas.DataFrame
        Per-epoch ``train_loss`` and ``valid_loss`` (negative ELBO in nats per
        sample; the training loss uses the warm-up KL weight) and duration.
    n_epochs_ : int
        Number of epochs run.
    early_stopping_ : bool
        Whether this fit stopped early (see ``early_stopping``).

    See Also
    --------
    sklearn.decomposition.PCA : the linear, deterministic counterpart.

    Examples
    --------
    >>> import numpy as np
    >>> from skgenecyt import VAETransformer
    >>> X = np.random.default_rng(0).normal(size=(60, 40))
    >>> vae = VAETransformer(n_components=4, hidden_layer_sizes=(16,), max_epochs=5,
    ...                      random_state=0).fit(X)
    >>> vae.transform(X).shape
    (60, 4)
    >>> vae.get_feature_names_out()
    array(['vae0', 'vae1', 'vae2', 'vae3'], dtype=object)
    >>> vae.inverse_transform(vae.transform(X)).shape
    (60, 40)
    """

    #: Epochs trained when ``early_stopping="auto"`` finds too few rows to stop early.
    _small_data_epochs = 100

    _parameter_constraints: ClassVar[dict] = {
        **TRAINING_PARAMETER_CONSTRAINTS,
        "n_components": [Interval(Integral, 1, None, closed="left")],
        "hidden_layer_sizes": ["array-like"],
        "beta": [Interval(Real, 0, None, closed="left")],
        "kl_warmup_epochs": [Interval(Integral, 0, None, closed="left")],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "pca_components": [Interval(Integral, 1, None, closed="left"), None],
    }

    def __init__(
        self,
        n_components=64,
        hidden_layer_sizes=(256,),
        beta=1.0,
        kl_warmup_epochs=10,
        dropout=0.1,
        pca_components=None,
        max_epochs=300,
        batch_size=64,
        lr=1e-3,
        weight_decay=1e-2,
        early_stopping="auto",
        validation_fraction=0.1,
        patience=7,
        device="cpu",
        random_state=None,
        verbose=0,
    ):
        self.n_components = n_components
        self.hidden_layer_sizes = hidden_layer_sizes
        self.beta = beta
        self.kl_warmup_epochs = kl_warmup_epochs
        self.dropout = dropout
        self.pca_components = pca_components
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
    def fit(self, X, y=None):
        """Train the VAE on X.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Expression values, best standardised per feature.
        y : ignored
            Accepted so the transformer fits in a Pipeline with a classifier.

        Returns
        -------
        self : VAETransformer
        """
        hidden = _check_hidden_layer_sizes(self.hidden_layer_sizes)
        X = self._validate_X(X, reset=True)
        check_finite_input(self, X)
        warn_if_counts(X)
        n_samples, n_features = X.shape
        if self.n_components >= n_features:
            raise ValueError(
                f"n_components={self.n_components} must be smaller than the number of "
                f"features; X has {n_features} feature(s)."
            )
        if n_samples < 2:
            raise ValueError(f"VAETransformer needs at least 2 samples; got {n_samples} sample(s).")
        n_pcs = self.n_components if self.pca_components is None else self.pca_components
        # With a few hundred samples the products below take milliseconds on one
        # thread, while BLAS threads can stall for a second on a busy machine
        # (e.g. inside a parallel cross-validation).
        with threadpool_limits(limits=1 if min(X.shape) <= 1000 else None, user_api="blas"):
            fixed = _factor_model(X, n_pcs, self.n_components)
        # The network trains on the scores alone; the target adds each row's
        # squared residual outside the principal subspace for the exact ELBO.
        scores = fixed["scores"].astype(np.float32)
        target = np.column_stack([fixed["scores"], fixed["residual_sq"]]).astype(np.float32)
        self.net_ = self._train_net(
            VAEModule, ELBOLoss, scores, target,
            module_params={
                "basis": fixed["basis"],
                "center": fixed["center"],
                "feature_scale": fixed["feature_scale"],
                "pc_std": fixed["pc_std"],
                "noise_var": fixed["noise_var"],
                "n_components": self.n_components,
                "hidden_layer_sizes": hidden,
                "dropout": self.dropout,
            },
            criterion_params={
                "n_features": n_features, "noise_var": fixed["noise_var"], "beta": self.beta,
                "log_scale_sum": float(np.log(fixed["feature_scale"].astype(np.float64)).sum()),
            },
            callbacks=[("kl_warmup", KLWarmup(self.kl_warmup_epochs))],
            # The networks only see a few dozen scores per row: one thread is fastest.
            num_threads=1,
        )
        self.history_ = self._history_frame()
        self.n_epochs_ = len(self.net_.history)
        return self

    def transform(self, X):
        """Latent posterior means of X.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features_in_)

        Returns
        -------
        Z : ndarray of shape (n_samples, n_components), float32
        """
        check_is_fitted(self)
        X = self._validate_X(X, reset=False)
        # The first layer is one large product (all threads pay off); the
        # networks after it act on a few dozen scores per row (one thread is
        # fastest, and on a busy machine much faster).
        scores = self._run("project", X, rows=_PROJECTION_ROWS)
        with torch_threads(1):
            mean = self._run("encode", scores)[0]
        self._check_finite_output(mean, X)
        return mean

    def inverse_transform(self, X):
        """Decode latent values back to the feature space (the means of p(x | z)).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_components)
            Latent values, e.g. the output of :meth:`transform`.

        Returns
        -------
        X_original : ndarray of shape (n_samples, n_features_in_), float32
        """
        check_is_fitted(self)
        Z = check_array(X, dtype=np.float32, order="C")
        n_latent = self._n_latent()
        if Z.shape[1] != n_latent:
            raise ValueError(
                f"X has {Z.shape[1]} columns, but {type(self).__name__} decodes "
                f"{n_latent} latent components."
            )
        with torch_threads(1):
            scores = self._run("decode", Z)
        return self._run("unproject", scores)

    def score(self, X, y=None):
        """Mean ELBO of X under the model, in nats per sample (higher is better).

        The ELBO is a lower bound on the Gaussian log-likelihood ``log p(x)``
        of a sample, including the ``-0.5 * log(2 * pi)`` constant per
        feature; its expectation over the posterior is estimated with one draw
        per sample, seeded by ``random_state``. It is always computed with
        ``beta=1``, so models with different ``beta`` compare fairly. Values
        depend on the scale of X: compare models on identically preprocessed
        data (as in a Pipeline under GridSearchCV).

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features_in_)
        y : ignored

        Returns
        -------
        score : float
        """
        check_is_fitted(self)
        X = self._validate_X(X, reset=False)
        summary = self._run("summarise", X)
        with seeded(seed_from_random_state(self.random_state), self.device), torch_threads(1):
            elbo = self._run("elbo", summary)
        self._check_finite_output(elbo, X)
        return float(elbo.astype(np.float64).mean())

    def get_feature_names_out(self, input_features=None):
        """Output feature names ``vae0``, ``vae1``, ...

        Parameters
        ----------
        input_features : array-like of str or None
            Only checked against the names seen in ``fit``.

        Returns
        -------
        feature_names_out : ndarray of str objects
        """
        check_is_fitted(self)
        _check_feature_names_in(self, input_features)
        return np.asarray([f"vae{i}" for i in range(self._n_latent())], dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # Computation happens in float32; the output is float32 for any input.
        tags.transformer_tags.preserves_dtype = ["float32"]
        return tags

    def _run(self, method, X, rows=_INFERENCE_ROWS):
        """A module method on X in batches of ``rows``, as numpy array(s)."""
        out = self._forward(X, method=method, batch_size=rows)
        return tuple(o.numpy() for o in out) if isinstance(out, tuple) else out.numpy()

    def _n_latent(self):
        return self.net_.module_.to_mean.out_features

    def _validate_X(self, X, *, reset):
        check_frame(X, type(self).__name__)
        # Values beyond float32 become inf here; the finiteness checks report
        # them as an error, so numpy's overflow warning would only repeat it.
        with np.errstate(over="ignore"):
            return validate_data(
                self, X, reset=reset, dtype=np.float32, order="C", ensure_all_finite=False
            )

    def _check_finite_output(self, out, X):
        # Every output depends on every feature through the first layer, so
        # NaN or inf in X shows up in the output: scanning X (expensive for
        # large inputs) is only needed to name the culprits.
        if not np.isfinite(out).all():
            check_finite_input(self, X)
            raise ValueError("The output is not finite although X is; X may be too large.")


class KLWarmup(Callback):
    """Raise the KL weight of :class:`~skgenecyt.nn._vae.ELBOLoss` linearly.

    In epoch ``e`` (counting from 1) the criterion's ``kl_scale`` is
    ``min(1, e / epochs)``; with ``epochs=0`` it stays 1.
    """

    def __init__(self, epochs):
        self.epochs = epochs

    def on_epoch_begin(self, net, **kwargs):
        epoch = len(net.history)  # skorch has already added the row of this epoch
        net.criterion_.kl_scale = min(1.0, epoch / self.epochs) if self.epochs else 1.0


def _factor_model(X, n_pcs, n_latent):
    """The fixed part of the model: center, per-feature noise scales, principal axes.

    Per-feature noise standard deviations come from principal-axis
    factoring: the variance of each feature left after its top ``n_latent``
    principal axes, re-estimated ``_NOISE_REFINEMENTS`` times on the rescaled
    data. Dividing by them gives every feature unit noise, so pure-noise genes
    stop drowning small co-expressed modules in the principal axes. The axes
    are then those of the rescaled data; the noise variance there is the
    probabilistic-PCA estimate for ``n_latent`` factors (the mean variance per
    dimension outside the top ``n_latent`` axes; Tipping and Bishop, 1999),
    close to 1 by construction. Also returns the rows' scores and the squared
    norms of their (rescaled) parts outside the principal subspace.
    """
    n_samples, n_features = X.shape
    center = X.mean(axis=0, dtype=np.float64)
    # float32 for the large products (the axes need no more); float64 for sums.
    centered = (X - center).astype(np.float32)
    variances = (centered.astype(np.float64) ** 2).mean(axis=0)
    floor = np.maximum(1e-3 * variances, 1e-6 * variances.mean())
    # Start from the overall spread, so that the float32 products below see
    # values near 1 whatever the units (squares of 1e20 or 1e-20 would not fit).
    scale = np.full(n_features, np.sqrt(variances.mean()) or 1.0)
    for _ in range(_NOISE_REFINEMENTS):
        eigvals, axes = _principal_axes(centered / scale.astype(np.float32), n_latent)
        # A feature's variance beyond the top axes, from the decomposition:
        # its total minus sum_j lambda_j * axis_j[feature]^2.
        explained = (axes.astype(np.float64) ** 2) @ eigvals[: axes.shape[1]] / n_samples
        left = np.maximum(variances / scale**2 - explained, 0.0)
        scale = np.sqrt(np.maximum(left * scale**2, floor))
    scaled = centered / scale.astype(np.float32)
    eigvals, basis = _principal_axes(scaled, n_pcs)
    scores = (scaled @ basis).astype(np.float64)
    row_sq = (scaled.astype(np.float64) ** 2).sum(axis=1)
    left = max(row_sq.sum() - np.clip(eigvals[:n_latent], 0, None).sum(), 0.0)
    noise_var = max(left / (n_samples * (n_features - n_latent)), 1e-3 * row_sq.mean() / n_features)
    return {
        "basis": basis.astype(np.float32),
        "center": center.astype(np.float32),
        "feature_scale": scale.astype(np.float32),
        "pc_std": np.sqrt(eigvals[: basis.shape[1]] / n_samples).astype(np.float32),
        "noise_var": float(noise_var),
        "scores": scores,
        "residual_sq": np.maximum(row_sq - (scores**2).sum(axis=1), 0.0),
    }


def _principal_axes(centered, n_axes):
    """All eigenvalues of ``centered``'s scatter and its top principal axes.

    Works on the smaller of the Gram and covariance matrices. Axes whose
    variance is negligible next to the largest are dropped, so fewer than
    ``n_axes`` may come back.
    """
    n_samples, n_features = centered.shape
    gram_side = n_samples <= n_features
    small = centered @ centered.T if gram_side else centered.T @ centered
    eigvals, vecs = _eigh_descending(small.astype(np.float64))
    keep = _n_kept(eigvals, n_axes)
    vecs = vecs[:, :keep]
    # On the Gram side, eigenvectors are score directions: map them to axes.
    if gram_side:
        vecs = centered.T @ (vecs / np.sqrt(eigvals[:keep])).astype(centered.dtype)
    return eigvals, vecs.astype(np.float32)


def _eigh_descending(matrix):
    """Eigenvalues (descending) and eigenvectors of a symmetric matrix."""
    eigvals, vecs = np.linalg.eigh(matrix)
    return eigvals[::-1], vecs[:, ::-1]


def _n_kept(eigvals, n_pcs):
    """How many leading axes to keep: at most n_pcs, with non-negligible variance."""
    if eigvals[0] <= 0:
        raise ValueError("X has no variance: every feature is constant.")
    # float32 products leave rounding noise of about 1e-7 of the largest eigenvalue.
    significant = int(np.sum(eigvals > 1e-5 * eigvals[0]))
    return max(1, min(n_pcs, significant))


def _check_hidden_layer_sizes(sizes):
    sizes = tuple(np.ravel(np.asarray(sizes, dtype=object)))
    if not all(isinstance(s, Integral) and not isinstance(s, bool) and s > 0 for s in sizes):
        raise ValueError(
            f"hidden_layer_sizes must be a sequence of positive integers; got {sizes!r}."
        )
    return tuple(int(s) for s in sizes)
