"""Dropout whose mask comes from uniform draws: the same layer, cheaper on the CPU."""

from __future__ import annotations

import torch
from torch import nn

__all__ = ["Dropout"]


class Dropout(nn.Dropout):
    """:class:`torch.nn.Dropout` drawing its mask as ``uniform >= p`` on the CPU.

    Each element is kept with probability ``1 - p`` and scaled by
    ``1 / (1 - p)``, as by :class:`torch.nn.Dropout`, whose CPU kernel draws
    Bernoulli numbers at several times the cost of uniform ones: for the
    small networks here, dropout took a tenth of a training step. Other
    devices use torch's fused kernel. No parameters or buffers, so state
    dicts are those of :class:`torch.nn.Dropout`.

    Examples
    --------
    >>> import torch
    >>> from skgenecyt.nn._dropout import Dropout
    >>> layer = Dropout(0.5).train()
    >>> x = torch.ones(10_000)
    >>> sorted(torch.unique(layer(x)).tolist())
    [0.0, 2.0]
    >>> torch.equal(layer.eval()(x), x)
    True
    """

    def forward(self, x):
        if not self.training or self.p == 0 or x.device.type != "cpu" or self.p == 1:
            return super().forward(x)
        keep = torch.rand(x.shape, dtype=x.dtype, device=x.device).ge_(self.p)
        return x * keep.mul_(1.0 / (1.0 - self.p))
