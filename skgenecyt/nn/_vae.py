"""A Gaussian variational autoencoder on principal-component scores, in pure torch.

With far more features than samples (15,000 genes, a few hundred samples) a
VAE whose first and last layers are learned over every gene overfits the
training rows and trains slowly. Here those two layers are fixed when the
module is built, from the training data: each feature is divided by its
noise standard deviation (``feature_scale``) and projected onto the top
principal axes (``basis``) of the rescaled data. The encoder reads the
scores ``s = ((x - center) / feature_scale) @ basis``; the decoder predicts
scores, mapped back to features as ``center + feature_scale * (s_hat @ basis.T)``.

The generative model lives in feature space: ``z ~ N(0, I)`` and
``x | z ~ N(center + feature_scale * (basis @ g(z)), noise_var * diag(feature_scale^2))``,
a factor-analysis-like model with per-feature noise and a nonlinear map
``g``. Because ``basis`` has orthonormal columns, the Gaussian log-likelihood
splits exactly into the part inside the principal subspace, ``|s - g(z)|^2``,
and the squared norm of the rescaled part outside it, which does not depend
on the networks. So training touches only the small score vectors, yet every
loss and ELBO is the full one in feature space, in nats per sample.

The encoder gives ``q(z | x) = N(mu, diag(exp(log_var)))``.
"""

from __future__ import annotations

import itertools
import math
from typing import NamedTuple

import torch
from torch import nn

from ._dropout import Dropout

__all__ = [
    "ELBOLoss",
    "VAEModule",
    "VAEOutput",
    "gaussian_log_likelihood",
    "kl_to_standard_normal",
    "reparameterize",
]

_LOG_2PI = math.log(2.0 * math.pi)
# Bounds on the posterior log-variance so that exp() cannot overflow.
_MIN_LOG_VAR, _MAX_LOG_VAR = -12.0, 8.0


class VAEOutput(NamedTuple):
    """What :class:`VAEModule` returns for a batch of scores."""

    recon_scores: torch.Tensor  # (n, n_pcs): principal-component scores decoded from z
    latent_mean: torch.Tensor  # (n, n_components)
    latent_log_var: torch.Tensor  # (n, n_components)


def reparameterize(mean: torch.Tensor, log_var: torch.Tensor) -> torch.Tensor:
    """Draw ``z ~ N(mean, exp(log_var))`` so that gradients reach both arguments."""
    return mean + torch.exp(0.5 * log_var) * torch.randn_like(mean)


def gaussian_log_likelihood(scores, residual_sq, recon_scores, noise_var, n_features,
                            log_scale_sum=0.0):
    """Per-sample Gaussian log-likelihood of feature rows ``x`` given decoded scores.

    The density is ``N(x; center + feature_scale * (basis @ recon_scores),
    noise_var * diag(feature_scale^2))``. ``scores`` and ``residual_sq``
    describe ``x``: its principal-component scores and the squared norm of its
    rescaled part outside the principal subspace; ``log_scale_sum`` is
    ``sum(log(feature_scale))``, the Jacobian of the rescaling.
    """
    sq_error = (scores - recon_scores).pow(2).sum(dim=1) + residual_sq
    log_norm = n_features * (math.log(noise_var) + _LOG_2PI)
    return -0.5 * (sq_error / noise_var + log_norm) - log_scale_sum


def kl_to_standard_normal(mean, log_var) -> torch.Tensor:
    """Per-sample ``KL(N(mean, exp(log_var)) || N(0, I))``, summed over dimensions."""
    return 0.5 * (mean.pow(2) + torch.exp(log_var) - 1.0 - log_var).sum(dim=1)


def _mlp(sizes, dropout):
    """Linear -> ReLU (-> Dropout) blocks through ``sizes``."""
    layers = []
    for n_in, n_out in itertools.pairwise(sizes):
        layers += [nn.Linear(n_in, n_out), nn.ReLU()]
        if dropout > 0:
            layers.append(Dropout(dropout))
    return nn.Sequential(*layers)


class VAEModule(nn.Module):
    """Gaussian VAE whose outer layers are fixed, rescaled principal axes.

    Parameters
    ----------
    basis : array-like of shape (n_features, n_pcs)
        Orthonormal principal axes of the rescaled training data.
    center : array-like of shape (n_features,)
        Feature means of the training data.
    feature_scale : array-like of shape (n_features,)
        Noise standard deviation of each feature (positive).
    pc_std : array-like of shape (n_pcs,)
        Standard deviation of each principal-component score; the encoder
        reads whitened scores and the decoder predicts whitened scores, which
        keeps every learned layer at unit scale.
    noise_var : float
        Noise variance of the rescaled features under ``p(x | z)``.
    n_components : int
        Latent width.
    hidden_layer_sizes : sequence of int
        Encoder hidden widths, input side first; the decoder mirrors them.
    dropout : float
        Dropout after every encoder hidden layer (training only).
    """

    def __init__(self, basis, center, feature_scale, pc_std, noise_var=1.0, n_components=32,
                 hidden_layer_sizes=(256,), dropout=0.1):
        super().__init__()
        basis = torch.as_tensor(basis, dtype=torch.float32)
        center = torch.as_tensor(center, dtype=torch.float32)
        scale = torch.as_tensor(feature_scale, dtype=torch.float32)
        self.register_buffer("basis", basis)
        self.register_buffer("center", center)
        self.register_buffer("feature_scale", scale)
        # The first layer as one product: x @ projection - offset.
        projection = basis / scale[:, None]
        self.register_buffer("projection", projection)
        self.register_buffer("offset", center @ projection)
        self.register_buffer("pc_std", torch.as_tensor(pc_std, dtype=torch.float32))
        self.noise_var = float(noise_var)
        self.log_scale_sum = float(torch.log(scale.double()).sum())
        n_pcs = basis.shape[1]
        hidden = [int(h) for h in hidden_layer_sizes]
        last = hidden[-1] if hidden else n_pcs
        self.encoder = _mlp([n_pcs, *hidden], dropout)
        self.to_mean = nn.Linear(last, n_components)
        self.to_log_var = nn.Linear(last, n_components)
        decoder_sizes = [n_components, *hidden[::-1]]
        self.decoder = _mlp(decoder_sizes, 0.0)
        self.to_scores = nn.Linear(decoder_sizes[-1], n_pcs)

    @property
    def n_features(self):
        return self.basis.shape[0]

    def project(self, x):
        """Principal-component scores of feature rows ``x`` (the first layer)."""
        return x @ self.projection - self.offset

    def residual_sq(self, x, scores):
        """Squared norm of the rescaled part of ``x - center`` outside the principal subspace."""
        rescaled_sq = ((x - self.center) / self.feature_scale).pow(2).sum(dim=1)
        return (rescaled_sq - scores.pow(2).sum(dim=1)).clamp(min=0)

    def summarise(self, x):
        """What the likelihood needs of feature rows ``x``: ``(n, n_pcs + 1)``.

        The principal-component scores, then the squared norm of the part
        outside the principal subspace: the layout of :class:`ELBOLoss`'s
        target.
        """
        scores = self.project(x)
        return torch.column_stack([scores, self.residual_sq(x, scores)])

    def unproject(self, scores):
        """Feature rows with the given principal-component scores (the last layer)."""
        return self.center + (scores @ self.basis.T) * self.feature_scale

    def encode(self, scores):
        """Posterior parameters ``(mean, log_var)`` of ``q(z | x)`` from scores."""
        h = self.encoder(scores / self.pc_std)
        return self.to_mean(h), self.to_log_var(h).clamp(_MIN_LOG_VAR, _MAX_LOG_VAR)

    def decode(self, z):
        """Principal-component scores of the mean of ``p(x | z)``."""
        return self.to_scores(self.decoder(z)) * self.pc_std

    def forward(self, scores) -> VAEOutput:
        """Encode scores, draw one ``z`` from the posterior and decode it."""
        mean, log_var = self.encode(scores)
        return VAEOutput(self.decode(reparameterize(mean, log_var)), mean, log_var)

    def elbo(self, summary):
        """Per-sample ELBO (beta = 1) from one posterior draw.

        ``summary`` is the output of :meth:`summarise` for the feature rows.
        """
        out = self(summary[:, :-1])
        log_lik = gaussian_log_likelihood(
            summary[:, :-1], summary[:, -1], out.recon_scores, self.noise_var, self.n_features,
            self.log_scale_sum,
        )
        return log_lik - kl_to_standard_normal(out.latent_mean, out.latent_log_var)


class ELBOLoss(nn.Module):
    """Negative (beta-)ELBO averaged over the batch: ``-log p(x | z) + w * KL``.

    Called as ``loss(module_output, target)`` where ``target`` describes the
    feature rows as :meth:`VAEModule.summarise` does: shape ``(n, n_pcs + 1)``,
    their principal-component scores followed by the squared norm of their
    part outside the principal subspace.

    In training mode the KL weight is ``w = beta * kl_scale``; a warm-up
    schedule raises ``kl_scale`` from near 0 to 1 so that the decoder learns
    to use the latent space before the KL term pulls the posterior to the
    prior. In evaluation mode ``w = beta``, so validation losses measure the
    real objective and stay comparable while the warm-up runs.

    Parameters
    ----------
    n_features : int
        Dimension of the feature space.
    noise_var : float
        Noise variance of the rescaled features, as in the module.
    beta : float
        Weight of the KL term.
    log_scale_sum : float
        ``sum(log(feature_scale))`` of the module; a constant that makes the
        loss the negative ELBO of the original, not the rescaled, features.
    """

    def __init__(self, n_features, noise_var=1.0, beta=1.0, log_scale_sum=0.0):
        super().__init__()
        self.n_features = int(n_features)
        self.noise_var = float(noise_var)
        self.beta = float(beta)
        self.log_scale_sum = float(log_scale_sum)
        self.kl_scale = 1.0

    def forward(self, output: VAEOutput, target: torch.Tensor) -> torch.Tensor:
        log_lik = gaussian_log_likelihood(
            target[:, :-1], target[:, -1], output.recon_scores, self.noise_var, self.n_features,
            self.log_scale_sum,
        )
        kl = kl_to_standard_normal(output.latent_mean, output.latent_log_var)
        weight = self.beta * (self.kl_scale if self.training else 1.0)
        return (weight * kl - log_lik).mean()
