"""Pure torch modules (no scikit-learn imports): the VAE and the shared-graph GAT.

The estimators build these for you; import them to reuse a layer in your own
torch code, e.g. ``SharedGraphGATConv`` for a batch of graphs sharing one
edge index.
"""

from ._gat import AttentionReadout, GATNet, SharedGraphGATConv
from ._vae import ELBOLoss, VAEModule, VAEOutput

__all__ = [
    "AttentionReadout",
    "ELBOLoss",
    "GATNet",
    "SharedGraphGATConv",
    "VAEModule",
    "VAEOutput",
]
