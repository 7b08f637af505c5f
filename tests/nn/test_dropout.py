"""Dropout drawn from uniform numbers behaves as torch's dropout."""

import pytest
import torch

from skgenecyt.nn._dropout import Dropout


@pytest.mark.parametrize("p", [0.1, 0.5])
def test_keeps_a_share_of_one_minus_p_scaled_up(p):
    torch.manual_seed(0)
    x = torch.ones(200_000, requires_grad=True)
    out = Dropout(p).train()(x)
    kept = out != 0
    assert kept.float().mean().item() == pytest.approx(1 - p, abs=0.005)
    torch.testing.assert_close(out[kept], torch.full_like(out[kept], 1 / (1 - p)))
    out.sum().backward()
    torch.testing.assert_close(x.grad, out.detach())  # the gradient is the same mask


def test_identity_in_evaluation_mode_and_for_p_zero_or_one():
    x = torch.randn(50)
    assert torch.equal(Dropout(0.3).eval()(x), x)
    assert torch.equal(Dropout(0.0).train()(x), x)
    assert torch.equal(Dropout(1.0).train()(x), torch.zeros_like(x))


def test_draws_follow_the_global_generator_and_leave_no_state():
    layer = Dropout(0.5).train()
    x = torch.ones(100)
    torch.manual_seed(3)
    first = layer(x)
    torch.manual_seed(3)
    assert torch.equal(layer(x), first)
    assert layer.state_dict() == {}
