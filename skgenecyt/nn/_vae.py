"""A Gaussian variational autoencoder and its evidence lower bound, in pure torch.

The generative model is ``z ~ N(0, I)``, ``x | z ~ N(decoder(z), diag(sigma^2))``
with one learned standard deviation ``sigma_g`` per feature (gene). Learning
``sigma`` lets the model weigh each gene by how well the latent factors explain
it: noisy genes get a large ``sigma`` and pull less on the latent space, and the
balance between reconstruction and the KL term adapts to the data instead of
being fixed by the number of genes. The encoder gives the Gaussian posterior
``q(z | x) = N(mu(x), diag(exp(log_var(x))))``.

All terms are in nats per sample (summed over features or latent dimensions).
"""

from __future__ import annotations

import itertools
import math
from typing import NamedTuple

import torch
from torch import nn

__all__ = [
    "ELBOLoss",
    "VAEModule",
    "VAEOutput",
    "gaussian_log_likelihood",
    "kl_to_standard_normal",
    "reparameterize",
]

_LOG_2PI = math.log(2.0 * math.pi)


class VAEOutput(NamedTuple):
    """What :class:`VAEModule` returns for a batch: everything the ELBO needs."""

    recon_mean: torch.Tensor  # (n, n_features): mean of p(x | z) at the sampled z
    recon_log_scale: torch.Tensor  # (n_features,): log standard deviation of p(x | z)
    latent_mean: torch.Tensor  # (n, n_components)
    latent_log_var: torch.Tensor  # (n, n_components)


def reparameterize(mean: torch.Tensor, log_var: torch.Tensor) -> torch.Tensor:
    """Draw ``z ~ N(mean, exp(log_var))`` so that gradients reach both arguments."""
    return mean + torch.exp(0.5 * log_var) * torch.randn_like(mean)


def gaussian_log_likelihood(x, mean, log_scale) -> torch.Tensor:
    """Per-sample ``log N(x; mean, exp(log_scale)^2)``, summed over features."""
    z = (x - mean) * torch.exp(-log_scale)
    return -(0.5 * z.pow(2) + log_scale + 0.5 * _LOG_2PI).sum(dim=1)


def kl_to_standard_normal(mean, log_var) -> torch.Tensor:
    """Per-sample ``KL(N(mean, exp(log_var)) || N(0, I))``, summed over dimensions."""
    return 0.5 * (mean.pow(2) + torch.exp(log_var) - 1.0 - log_var).sum(dim=1)


def _mlp(sizes, dropout):
    """Linear -> ReLU -> Dropout blocks through ``sizes``."""
    layers = []
    for n_in, n_out in itertools.pairwise(sizes):
        layers += [nn.Linear(n_in, n_out), nn.ReLU()]
        if dropout > 0:
            layers.append(nn.Dropout(dropout))
    return nn.Sequential(*layers)


class VAEModule(nn.Module):
    """Encoder, decoder and per-feature noise scale of a Gaussian VAE.

    Parameters
    ----------
    n_features : int
        Input (and reconstruction) width.
    n_components : int
        Latent width.
    hidden_layer_sizes : sequence of int
        Encoder hidden widths, input side first; the decoder mirrors them.
    dropout : float
        Dropout after every hidden layer (training only).
    """

    def __init__(self, n_features, n_components=32, hidden_layer_sizes=(256,), dropout=0.1):
        super().__init__()
        hidden = [int(h) for h in hidden_layer_sizes]
        last = hidden[-1] if hidden else n_features
        self.encoder = _mlp([n_features, *hidden], dropout)
        self.to_mean = nn.Linear(last, n_components)
        self.to_log_var = nn.Linear(last, n_components)
        decoder_sizes = [n_components, *hidden[::-1]]
        self.decoder = _mlp(decoder_sizes, dropout)
        self.to_recon = nn.Linear(decoder_sizes[-1], n_features)
        # Start at sigma = 1, the scale of standardised input.
        self.recon_log_scale = nn.Parameter(torch.zeros(n_features))

    def encode(self, x):
        """Posterior parameters ``(mean, log_var)`` of ``q(z | x)``."""
        h = self.encoder(x)
        return self.to_mean(h), self.to_log_var(h)

    def decode(self, z):
        """Mean of ``p(x | z)``."""
        return self.to_recon(self.decoder(z))

    def forward(self, x) -> VAEOutput:
        """Encode, draw one ``z`` from the posterior and decode it."""
        mean, log_var = self.encode(x)
        recon = self.decode(reparameterize(mean, log_var))
        return VAEOutput(recon, self.recon_log_scale, mean, log_var)

    def elbo(self, x):
        """Per-sample ELBO ``E_q[log p(x | z)] - KL(q || p)`` from one posterior draw."""
        out = self(x)
        log_lik = gaussian_log_likelihood(x, out.recon_mean, out.recon_log_scale)
        return log_lik - kl_to_standard_normal(out.latent_mean, out.latent_log_var)


class ELBOLoss(nn.Module):
    """Negative (beta-)ELBO averaged over the batch: ``-log p(x | z) + w * KL``.

    Called as ``loss(module_output, x)``. In training mode the KL weight is
    ``w = beta * kl_scale``; a warm-up schedule raises ``kl_scale`` from 0 to 1
    so the decoder learns to use the latent space before the KL term pulls the
    posterior towards the prior. In evaluation mode the weight is always
    ``beta``, so validation losses measure the real objective and stay
    comparable across epochs while the warm-up runs.
    """

    def __init__(self, beta=1.0):
        super().__init__()
        self.beta = float(beta)
        self.kl_scale = 1.0

    def forward(self, output: VAEOutput, x: torch.Tensor) -> torch.Tensor:
        nll = -gaussian_log_likelihood(x, output.recon_mean, output.recon_log_scale)
        kl = kl_to_standard_normal(output.latent_mean, output.latent_log_var)
        weight = self.beta * (self.kl_scale if self.training else 1.0)
        return (nll + weight * kl).mean()
