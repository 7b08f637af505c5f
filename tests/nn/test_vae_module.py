"""The pure torch VAE: likelihood, KL, reparameterisation, module and loss."""

import math

import numpy as np
import pytest
import torch
from torch.distributions import Normal, kl_divergence

from skgenecyt.nn._vae import (
    ELBOLoss,
    VAEModule,
    VAEOutput,
    gaussian_log_likelihood,
    kl_to_standard_normal,
    reparameterize,
)

N_FEATURES, N_PCS, N_LATENT = 12, 4, 2


def _orthonormal(n_rows, n_cols, seed=0):
    rng = np.random.default_rng(seed)
    q, _ = np.linalg.qr(rng.normal(size=(n_rows, n_cols)))
    return q.astype(np.float32)


def _module(seed=0, **kwargs):
    torch.manual_seed(seed)
    params = dict(n_components=N_LATENT, hidden_layer_sizes=(8,), dropout=0.0)
    params.update(kwargs)
    return VAEModule(
        basis=_orthonormal(N_FEATURES, N_PCS),
        center=np.linspace(-1, 1, N_FEATURES, dtype=np.float32),
        feature_scale=np.linspace(0.5, 2.0, N_FEATURES, dtype=np.float32),
        pc_std=np.array([3.0, 2.0, 1.0, 0.5], dtype=np.float32),
        noise_var=0.3,
        **params,
    )


def test_log_likelihood_equals_the_feature_space_gaussian():
    """The score-space split is exact: it is the feature-space Gaussian density."""
    torch.manual_seed(0)
    module = _module()
    x = torch.randn(5, N_FEATURES)
    recon_scores = torch.randn(5, N_PCS)
    scores = module.project(x)
    ours = gaussian_log_likelihood(
        scores, module.residual_sq(x, scores), recon_scores, 0.3, N_FEATURES,
        module.log_scale_sum,
    )
    mean = module.unproject(recon_scores)
    sd = math.sqrt(0.3) * module.feature_scale
    direct = Normal(mean, sd).log_prob(x).sum(dim=1)
    torch.testing.assert_close(ours, direct, rtol=1e-5, atol=1e-4)


def test_kl_matches_torch_distributions():
    torch.manual_seed(0)
    mean, log_var = torch.randn(6, 3), torch.randn(6, 3)
    expected = kl_divergence(
        Normal(mean, torch.exp(0.5 * log_var)), Normal(torch.zeros(3), torch.ones(3))
    ).sum(dim=1)
    torch.testing.assert_close(kl_to_standard_normal(mean, log_var), expected)
    assert torch.all(kl_to_standard_normal(torch.zeros(2, 3), torch.zeros(2, 3)) == 0)


def test_reparameterize_draws_the_posterior_and_passes_gradients():
    torch.manual_seed(0)
    mean = torch.full((20000, 1), 2.0, requires_grad=True)
    log_var = torch.full((20000, 1), math.log(0.25), requires_grad=True)
    z = reparameterize(mean, log_var)
    assert abs(z.mean().item() - 2.0) < 0.02
    assert abs(z.std().item() - 0.5) < 0.02
    z.sum().backward()
    assert torch.all(mean.grad == 1)
    assert log_var.grad.abs().sum() > 0


def test_project_and_reconstruct_use_the_fixed_axes():
    module = _module()
    torch.testing.assert_close(module.project(module.center[None]), torch.zeros(1, N_PCS))
    inside = module.unproject(torch.tensor([[1.0, -2.0, 0.5, 3.0]]))
    torch.testing.assert_close(inside, module.center + (torch.tensor(
        [[1.0, -2.0, 0.5, 3.0]]) @ module.basis.T) * module.feature_scale)
    scores = module.project(inside)
    torch.testing.assert_close(scores, torch.tensor([[1.0, -2.0, 0.5, 3.0]]), atol=1e-5, rtol=0)
    assert module.residual_sq(inside, scores).item() == pytest.approx(0.0, abs=1e-4)
    # Any decoded mean lies in the principal subspace around the center.
    recon = module.unproject(module.decode(torch.randn(3, N_LATENT)))
    back = module.unproject(module.project(recon))
    torch.testing.assert_close(recon, back, atol=1e-5, rtol=0)


def test_the_axes_are_buffers_not_trained_parameters():
    module = _module()
    names = {name for name, _ in module.named_parameters()}
    fixed = {"basis", "center", "feature_scale", "projection", "offset", "pc_std"}
    assert not names & fixed
    assert fixed <= {name for name, _ in module.named_buffers()}


def test_forward_shapes_and_bounded_log_variance():
    module = _module()
    out = module(torch.randn(7, N_PCS) * 1e4)
    assert out.recon_scores.shape == (7, N_PCS)
    assert out.latent_mean.shape == out.latent_log_var.shape == (7, N_LATENT)
    assert torch.isfinite(torch.exp(out.latent_log_var)).all()


def test_dropout_acts_in_training_only():
    module = _module(dropout=0.5)
    s = torch.randn(4, N_PCS)
    module.eval()
    torch.testing.assert_close(module.encode(s)[0], module.encode(s)[0])
    module.train()
    torch.manual_seed(1)
    first = module.encode(s)[0]
    torch.manual_seed(2)
    assert not torch.equal(first, module.encode(s)[0])


def test_elbo_and_loss_agree_with_beta_one():
    """-loss in eval mode is the module's ELBO for the same posterior draw."""
    module = _module().eval()
    loss = ELBOLoss(N_FEATURES, noise_var=0.3, beta=1.0,
                    log_scale_sum=module.log_scale_sum).eval()
    summary = module.summarise(torch.randn(5, N_FEATURES))
    torch.manual_seed(3)
    elbo = module.elbo(summary)
    torch.manual_seed(3)
    value = loss(module(summary[:, :-1]), summary)
    assert value.item() == pytest.approx(-elbo.mean().item(), rel=1e-6)


def test_loss_uses_the_warmup_weight_only_in_training():
    module = _module().eval()
    target = module.summarise(torch.randn(5, N_FEATURES))
    out = module.encode(target[:, :-1])
    output = VAEOutput(module.decode(out[0]), *out)
    kl = kl_to_standard_normal(*out).mean().item()
    loss = ELBOLoss(N_FEATURES, noise_var=0.3, beta=2.0)
    loss.kl_scale = 0.25
    loss.eval()
    full = loss(output, target).item()
    loss.train()
    warm = loss(output, target).item()
    assert full - warm == pytest.approx((2.0 - 0.5) * kl, rel=1e-4)
