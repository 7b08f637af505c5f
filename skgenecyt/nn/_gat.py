"""Graph attention over features that all samples share (pure torch + PyG).

Every sample is a graph whose nodes are its features; all samples share one
edge index. PyG's :class:`~torch_geometric.nn.GATConv` only takes one graph per
call, so a batch of ``B`` samples has to be copied into a block-diagonal graph
of ``B * N`` nodes, and every per-edge message tensor (``B * E * heads *
channels`` floats) is materialised, several times over, for autograd.

:class:`SharedGraphGATConv` computes the same function on a ``(B, N, F)``
tensor and one ``edge_index``:

* :func:`edge_attention` computes the logits per edge with the batch and head
  as trailing dimensions and normalises them with
  :func:`torch_geometric.utils.softmax` over the target index; its backward
  pass is written out, so that it keeps only the coefficients and the signs
  of the logits;
* :func:`edge_weighted_sum` is an autograd function that walks the edges in
  chunks (gather, weight, ``index_add_``), so no tensor of per-edge messages
  is ever held whole: memory is that of the node features plus a few numbers
  per edge, sample and head.

Internally nodes (and edges) come first and channels come before the batch
and head dimensions, ``(N, C, B, H)``: gathering and scattering along
dimension 0 then moves whole contiguous rows, and the per-edge weight
broadcasts over the leading dimension of each row. A complete graph
(``edge_index=None``) is computed densely with batched matrix products.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn
from torch_geometric.utils import add_self_loops as pyg_add_self_loops
from torch_geometric.utils import remove_self_loops, scatter, softmax

from ._dropout import Dropout

__all__ = [
    "AttentionReadout",
    "GATNet",
    "SharedGraphGATConv",
    "dense_attention",
    "edge_attention",
    "edge_weighted_sum",
    "with_self_loops",
]

#: Elements (floats) of one chunk of per-edge messages: small enough to stay in
#: cache, large enough that the Python loop over chunks costs little.
CHUNK_ELEMENTS = 1 << 20


def with_self_loops(edge_index: torch.Tensor, num_nodes: int) -> torch.Tensor:
    """Replace any self-loops by exactly one per node, as ``GATConv`` does."""
    edge_index, _ = remove_self_loops(edge_index)
    edge_index, _ = pyg_add_self_loops(edge_index, num_nodes=num_nodes)
    return edge_index


class _EdgeWeightedSum(torch.autograd.Function):
    """``out[i] = sum over edges e = (j -> i) of alpha[e] * x[j]``, chunk by chunk.

    ``x`` is ``(N, C, B, H)`` (channels before the batch and head dimensions),
    ``alpha`` is ``(E, B, H)``. Only ``x`` and ``alpha`` are saved for
    backward; the per-edge products are recomputed one chunk at a time.
    """

    @staticmethod
    def forward(ctx, x, alpha, src, dst, chunk):
        n_nodes, channels, rows = x.shape[0], x.shape[1], alpha[0].numel()
        x2 = x.reshape(n_nodes, channels, rows)
        alpha2 = alpha.reshape(-1, 1, rows)
        # index_add_ is fast on 2-D tensors and very slow on 4-D ones, hence the
        # flat rows; one reused buffer avoids a fresh allocation per chunk.
        out = x.new_zeros(n_nodes, rows * channels)
        buf = x.new_empty(min(chunk, src.numel()), channels, rows)
        for start in range(0, src.numel(), chunk):
            stop = min(start + chunk, src.numel())
            msg = buf[:stop - start]
            torch.index_select(x2, 0, src[start:stop], out=msg)
            msg.mul_(alpha2[start:stop])
            out.index_add_(0, dst[start:stop], msg.view(stop - start, -1))
        ctx.save_for_backward(x, alpha, src, dst)
        ctx.chunk = chunk
        return out.view(x.shape)

    @staticmethod
    def backward(ctx, grad_out):
        x, alpha, src, dst = ctx.saved_tensors
        chunk = ctx.chunk
        need_x, need_alpha = ctx.needs_input_grad[:2]
        n_nodes, channels, rows = x.shape[0], x.shape[1], alpha[0].numel()
        x2 = x.reshape(n_nodes, channels, rows)
        alpha2 = alpha.reshape(-1, 1, rows)
        grad2 = grad_out.reshape(n_nodes, channels, rows)
        grad_x = x.new_zeros(n_nodes, rows * channels) if need_x else None
        grad_alpha = alpha.new_empty(alpha.shape[0], rows) if need_alpha else None
        size = min(chunk, src.numel())
        g_buf = x.new_empty(size, channels, rows)
        x_buf = x.new_empty(size, channels, rows) if need_alpha else None
        for start in range(0, src.numel(), chunk):
            stop = min(start + chunk, src.numel())
            s = src[start:stop]
            g = g_buf[:stop - start]
            torch.index_select(grad2, 0, dst[start:stop], out=g)
            if need_alpha:
                xj = x_buf[:stop - start]
                torch.index_select(x2, 0, s, out=xj)
                grad_alpha[start:stop] = xj.mul_(g).sum(dim=1)
            if need_x:
                g.mul_(alpha2[start:stop])
                grad_x.index_add_(0, s, g.view(stop - start, -1))
        if need_x:
            grad_x = grad_x.view(x.shape)
        if need_alpha:
            grad_alpha = grad_alpha.view(alpha.shape)
        return grad_x, grad_alpha, None, None, None


class _EdgeAttention(torch.autograd.Function):
    """GAT attention coefficients with a hand-written backward pass.

    Forward: ``softmax over edges into each target of
    leaky_relu(score_src[src] + score_dst[dst])``. Autograd would keep and
    revisit about ten per-edge temporaries; the backward below needs only the
    coefficients and the signs of the logits:
    ``d logit_e = alpha_e * (g_e - sum over edges e' into the same target of
    alpha_e' * g_e')``, times the LeakyReLU slope where the logit is negative.
    """

    @staticmethod
    def forward(ctx, score_src, score_dst, src, dst, negative_slope):
        n_nodes = score_src.shape[0]
        logits = score_src.index_select(0, src)
        logits += score_dst.index_select(0, dst)
        positive = logits > 0  # one byte per entry; the logits themselves are not kept
        F.leaky_relu_(logits, negative_slope)
        alpha = softmax(logits, dst, num_nodes=n_nodes, dim=0)
        ctx.save_for_backward(alpha, positive, src, dst)
        ctx.negative_slope = negative_slope
        ctx.n_nodes = n_nodes
        return alpha

    @staticmethod
    def backward(ctx, grad_alpha):
        alpha, positive, src, dst = ctx.saved_tensors
        n_nodes = ctx.n_nodes
        weighted = alpha * grad_alpha
        per_target = scatter(weighted, dst, dim=0, dim_size=n_nodes, reduce="sum")
        grad = weighted.sub_(per_target.index_select(0, dst).mul_(alpha))
        grad.mul_(torch.where(positive, 1.0, ctx.negative_slope))  # LeakyReLU's slope
        grad_src = scatter(grad, src, dim=0, dim_size=n_nodes, reduce="sum")
        grad_dst = scatter(grad, dst, dim=0, dim_size=n_nodes, reduce="sum")
        return grad_src, grad_dst, None, None, None


class _DenseAttention(torch.autograd.Function):
    """Complete-graph attention of every (sample, head): coefficients and aggregated features.

    ``h`` is ``(M, N, C)`` and the scores ``(M, N)`` for ``M`` (sample, head)
    pairs. Returns ``alpha @ h`` and ``alpha = softmax_j(leaky_relu(score_dst[i]
    + score_src[j]))`` of shape ``(M, N, N)`` (not differentiable). The
    forward pass is the plain sequence of torch operations; the backward pass
    is written out with contiguous batched products and in-place updates.
    Autograd's own backward of that sequence multiplies transposed operands
    one (sample, head) at a time and allocates an ``(M, N, N)`` tensor per
    step, several times slower than the forward pass.
    """

    @staticmethod
    def forward(ctx, h, score_src, score_dst, negative_slope):
        logits = F.leaky_relu_(score_dst.unsqueeze(-1) + score_src.unsqueeze(-2), negative_slope)
        alpha = torch.softmax(logits, dim=-1)
        out = torch.bmm(alpha, h)
        ctx.save_for_backward(alpha, h, logits, out)
        ctx.negative_slope = negative_slope
        ctx.mark_non_differentiable(alpha)
        return out, alpha

    @staticmethod
    def backward(ctx, grad_out, _):
        alpha, h, logits, out = ctx.saved_tensors
        grad_out = grad_out.contiguous()
        grad_h = torch.bmm(alpha.transpose(1, 2), grad_out)
        grad = torch.bmm(grad_out, h.transpose(1, 2))  # d loss / d alpha
        # Softmax: alpha * (grad - sum_j alpha * grad) row by row, where
        # sum_j alpha_ij grad_ij = sum_c grad_out_ic out_ic (no (M, N, N) temporary).
        grad.sub_((grad_out * out).sum(dim=-1, keepdim=True)).mul_(alpha)
        # LeakyReLU: the slope where its output (the logit) is not positive.
        grad = torch.ops.aten.leaky_relu_backward(grad, logits, ctx.negative_slope, True)
        return grad_h, grad.sum(dim=1), grad.sum(dim=2), None


def dense_attention(h, score_src, score_dst, negative_slope=0.2):
    """Attention of every node over all nodes, for each of a batch of (sample, head) pairs.

    Parameters
    ----------
    h : Tensor of shape (M, n_nodes, channels)
        Node features of each (sample, head) pair.
    score_src, score_dst : Tensor of shape (M, n_nodes)
        Each node's attention score as a source and as a target.
    negative_slope : float

    Returns
    -------
    out : Tensor of shape (M, n_nodes, channels)
        ``alpha @ h``: each target's attention-weighted sum of the sources.
    alpha : Tensor of shape (M, n_nodes, n_nodes)
        ``softmax(leaky_relu(score_dst[i] + score_src[j]))`` over the sources
        ``j`` of each target ``i`` (no gradient flows through it).
    """
    return _DenseAttention.apply(h.contiguous(), score_src.contiguous(),
                                 score_dst.contiguous(), negative_slope)


def edge_attention(score_src, score_dst, src, dst, negative_slope=0.2):
    """Attention coefficient of every edge, normalised over each target's edges.

    Parameters
    ----------
    score_src, score_dst : Tensor of shape (n_nodes, *batch)
        Each node's attention score as a source and as a target (per sample
        and head, say).
    src, dst : LongTensor of shape (n_edges,)
    negative_slope : float

    Returns
    -------
    Tensor of shape (n_edges, *batch)
        ``softmax(leaky_relu(score_src[src] + score_dst[dst]))`` over the edges
        of each target, computed with :func:`torch_geometric.utils.softmax`.
    """
    return _EdgeAttention.apply(score_src, score_dst, src, dst, negative_slope)


def edge_weighted_sum(x, alpha, src, dst, chunk_elements=None):
    """Sum ``alpha``-weighted source features into each target node.

    Parameters
    ----------
    x : Tensor of shape (n_nodes, channels, *batch)
        Node features; ``*batch`` are any trailing dimensions (samples, heads).
        Channels come before them so that the per-edge weight broadcasts over
        the leading dimension of a row and the sums over channels in the
        backward pass are vectorised reductions.
    alpha : Tensor of shape (n_edges, *batch)
        One weight per edge and batch entry.
    src, dst : LongTensor of shape (n_edges,)
        Source and target node of each edge.
    chunk_elements : int, optional
        Approximate number of message elements materialised at once
        (default: ``CHUNK_ELEMENTS``).

    Returns
    -------
    Tensor of the same shape as ``x``.
    """
    chunk_elements = CHUNK_ELEMENTS if chunk_elements is None else chunk_elements
    per_edge = max(1, x[0].numel())
    chunk = max(1, chunk_elements // per_edge)
    return _EdgeWeightedSum.apply(x, alpha, src, dst, chunk)


class SharedGraphGATConv(nn.Module):
    """Multi-head graph attention layer for a batch of samples on one graph.

    Computes what :class:`torch_geometric.nn.GATConv` computes on each sample
    (with the same parameter names and initialisation), for a ``(B, N, F)``
    input and a single ``edge_index`` of shape ``(2, E)``, without copying the
    graph per sample.

    Parameters
    ----------
    in_channels, out_channels : int
        Input channels and output channels per head.
    heads : int
        Number of attention heads.
    concat : bool
        Concatenate the heads (``heads * out_channels`` outputs) or average them.
    negative_slope : float
        Slope of the LeakyReLU applied to the attention logits.
    dropout : float
        Dropout probability on the normalised attention coefficients.
    add_self_loops : bool
        Replace self-loops in ``edge_index`` by one per node at each call.
        Pass False when the edge index already holds them.
    bias : bool
        Learn an additive output bias.
    """

    def __init__(self, in_channels, out_channels, heads=1, concat=True, negative_slope=0.2,
                 dropout=0.0, add_self_loops=True, bias=True):
        super().__init__()
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.heads = heads
        self.concat = concat
        self.negative_slope = negative_slope
        self.dropout = dropout
        self.add_self_loops = add_self_loops
        self.lin = nn.Linear(in_channels, heads * out_channels, bias=False)
        self.att_src = nn.Parameter(torch.empty(1, heads, out_channels))
        self.att_dst = nn.Parameter(torch.empty(1, heads, out_channels))
        n_out = heads * out_channels if concat else out_channels
        self.bias = nn.Parameter(torch.empty(n_out)) if bias else None
        self.reset_parameters()

    def reset_parameters(self):
        # Glorot (Xavier) uniform, like PyG's ``glorot`` initialiser.
        nn.init.xavier_uniform_(self.lin.weight)
        for att in (self.att_src, self.att_dst):
            bound = math.sqrt(6.0 / (att.size(-2) + att.size(-1)))
            nn.init.uniform_(att, -bound, bound)
        if self.bias is not None:
            nn.init.zeros_(self.bias)

    def forward(self, x, edge_index, return_attention_weights=False):
        """Apply the layer.

        Parameters
        ----------
        x : Tensor of shape (batch, n_nodes, in_channels)
        edge_index : LongTensor of shape (2, n_edges) or None
            Messages flow from ``edge_index[0]`` (source) to ``edge_index[1]``.
            None means the complete graph (every node attends to every node,
            itself included), computed with dense batched matrix products.
        return_attention_weights : bool
            Also return ``(edge_index, alpha)`` with ``alpha`` of shape
            ``(n_edges', batch, heads)``, ``edge_index`` being the one used
            (self-loops included; for the complete graph ordered by target,
            then source).

        Returns
        -------
        Tensor of shape (batch, n_nodes, heads * out_channels) or
        (batch, n_nodes, out_channels) when ``concat=False``.
        """
        batch, n_nodes, _ = x.shape
        H, C = self.heads, self.out_channels
        if edge_index is None:
            out, alpha = self._complete(x)
        else:
            if self.add_self_loops:
                edge_index = with_self_loops(edge_index, n_nodes)
            out, alpha = self._sparse(x, edge_index)
        out = out.reshape(batch, n_nodes, H * C) if self.concat else out.mean(dim=2)
        if self.bias is not None:
            out = out + self.bias
        if return_attention_weights:
            if edge_index is None:  # dense (B, H, target, source) -> (E, B, H)
                edge_index = _complete_edge_index(n_nodes, x.device)
                alpha = alpha.permute(2, 3, 0, 1).reshape(n_nodes * n_nodes, batch, H)
            return out, (edge_index, alpha)
        return out

    def _drop(self, alpha):
        # F.dropout draws a mask even for p=0; skip it then (it is costly per edge).
        if self.dropout and self.training:
            return F.dropout(alpha, p=self.dropout, training=True)
        return alpha

    def _sparse(self, x, edge_index):
        """Per-edge attention on one shared edge index; output (B, N, H, C)."""
        batch, n_nodes, _ = x.shape
        H, C = self.heads, self.out_channels
        src, dst = edge_index[0], edge_index[1]
        # Nodes first, channels before batch and heads: (N, C, B, H).
        h = self.lin(x.transpose(0, 1)).view(n_nodes, batch, H, C)
        h = h.permute(0, 3, 1, 2).contiguous()
        score_src = (h * self.att_src.transpose(1, 2).unsqueeze(2)).sum(1)  # (N, B, H)
        score_dst = (h * self.att_dst.transpose(1, 2).unsqueeze(2)).sum(1)
        alpha = edge_attention(score_src, score_dst, src, dst, self.negative_slope)  # (E, B, H)
        alpha = self._drop(alpha)
        out = edge_weighted_sum(h, alpha, src, dst)
        return out.permute(2, 0, 3, 1), alpha  # (N, C, B, H) -> (B, N, H, C)

    def _complete(self, x):
        """Dense attention of every node over all nodes; output (B, N, H, C)."""
        batch, n_nodes, _ = x.shape
        H, C = self.heads, self.out_channels
        h = self.lin(x).view(batch, n_nodes, H, C)
        h = h.transpose(1, 2)  # (B, H, N, C)
        score_src = (h * self.att_src.unsqueeze(2)).sum(-1)  # (B, H, N)
        score_dst = (h * self.att_dst.unsqueeze(2)).sum(-1)
        if self.dropout and self.training:
            logits = F.leaky_relu(score_dst.unsqueeze(-1) + score_src.unsqueeze(-2),
                                  self.negative_slope)  # (B, H, target, source)
            alpha = self._drop(torch.softmax(logits, dim=-1))
            return torch.matmul(alpha, h).transpose(1, 2), alpha
        out, alpha = dense_attention(h.reshape(batch * H, n_nodes, C),
                                     score_src.reshape(batch * H, n_nodes),
                                     score_dst.reshape(batch * H, n_nodes), self.negative_slope)
        return (out.view(batch, H, n_nodes, C).transpose(1, 2),
                alpha.view(batch, H, n_nodes, n_nodes))


def _complete_edge_index(n_nodes, device):
    """All (source, target) pairs, self-loops included, ordered by target then source."""
    target, source = torch.meshgrid(
        torch.arange(n_nodes, device=device), torch.arange(n_nodes, device=device),
        indexing="ij",
    )
    return torch.stack([source.reshape(-1), target.reshape(-1)])


class AttentionReadout(nn.Module):
    """Pool node features into one vector per sample with learned node weights.

    A linear gate scores every node; a softmax over the nodes turns the scores
    into weights (per sample) that sum to one. At initialisation the weights are
    nearly uniform, so the readout starts as a mean.
    """

    def __init__(self, channels):
        super().__init__()
        self.gate = nn.Linear(channels, 1)

    def forward(self, h):
        """(batch, n_nodes, channels) -> pooled (batch, channels), weights (batch, n_nodes)."""
        weights = torch.softmax(self.gate(h).squeeze(-1), dim=1)
        return torch.einsum("bn,bnc->bc", weights, h), weights


class GATNet(nn.Module):
    """Classifier network: node tokens, residual GAT layers, readout and head.

    A sample's feature values become node tokens ``x_i * w_i + e_i``: a learned
    per-node scale vector ``w_i`` and node embedding ``e_i``, so that every
    node knows which feature it is. ``n_layers`` shared-graph GAT layers (ELU,
    residual connection) pass messages along the graph; an attention (or mean)
    readout pools the nodes and a linear head gives one logit per class.

    Parameters
    ----------
    edge_index : LongTensor of shape (2, n_edges)
        The feature graph, without self-loops (they are added here).
    n_nodes, n_classes : int
    node_embedding_dim : int
        Width of the node tokens.
    hidden_channels : int
        Width of the hidden node features, split evenly over the heads.
    heads, n_layers : int
    dropout : float
        Dropout on the hidden node features and before the head.
    readout : {"attention", "mean"}
    """

    def __init__(self, edge_index, n_nodes, n_classes, node_embedding_dim=8,
                 hidden_channels=32, heads=4, n_layers=2, dropout=0.1, readout="attention"):
        super().__init__()
        if hidden_channels % heads:
            raise ValueError(
                f"hidden_channels={hidden_channels} must be divisible by heads={heads}."
            )
        edge_index = torch.as_tensor(edge_index, dtype=torch.long)
        edge_index = with_self_loops(edge_index, n_nodes)
        # Sorting by target keeps the scatter writes local.
        order = torch.argsort(edge_index[1] * n_nodes + edge_index[0])
        self.register_buffer("edge_index", edge_index[:, order].contiguous())
        self.n_nodes = n_nodes
        # A complete graph is computed densely (faster, same result); its
        # edge_index above then lists the pairs in the dense layers' order.
        self.complete = edge_index.shape[1] == n_nodes * n_nodes
        scale = 1.0 / math.sqrt(node_embedding_dim)
        self.value_weight = nn.Parameter(torch.randn(n_nodes, node_embedding_dim) * scale)
        self.node_embedding = nn.Parameter(torch.randn(n_nodes, node_embedding_dim) * scale)
        self.convs = nn.ModuleList()
        self.skips = nn.ModuleList()
        in_channels = node_embedding_dim
        for _ in range(n_layers):
            # No dropout on the attention coefficients: drawing a mask per edge,
            # sample and head costs more than the rest of a small layer.
            self.convs.append(SharedGraphGATConv(
                in_channels, hidden_channels // heads, heads=heads, add_self_loops=False,
            ))
            skip = (nn.Identity() if in_channels == hidden_channels
                    else nn.Linear(in_channels, hidden_channels, bias=False))
            self.skips.append(skip)
            in_channels = hidden_channels
        self.readout = AttentionReadout(hidden_channels) if readout == "attention" else None
        self.dropout = Dropout(dropout)
        self.head = nn.Linear(hidden_channels, n_classes)

    def tokens(self, X):
        """(batch, n_nodes) feature values -> (batch, n_nodes, node_embedding_dim)."""
        return X.unsqueeze(-1) * self.value_weight + self.node_embedding

    def forward(self, X):
        """Class logits of shape (batch, n_classes)."""
        return self._run(X, keep_attention=False)[0]

    def forward_with_attention(self, X):
        """Logits, per-layer attention ``(n_edges, batch, heads)`` and readout weights.

        The attention of every layer is aligned with ``self.edge_index`` (which
        holds one self-loop per node). Readout weights are ``(batch, n_nodes)``;
        with a mean readout they are uniform.
        """
        return self._run(X, keep_attention=True)

    def _run(self, X, keep_attention):
        if X.dim() != 2 or X.shape[1] != self.n_nodes:
            raise ValueError(
                f"GATNet expects input of shape (batch, {self.n_nodes}); got {tuple(X.shape)}."
            )
        h = self.tokens(X)
        edge_index = None if self.complete else self.edge_index
        attention = []
        for conv, skip in zip(self.convs, self.skips):
            if keep_attention:
                out, (_, alpha) = conv(h, edge_index, return_attention_weights=True)
                attention.append(alpha)
            else:
                out = conv(h, edge_index)
            h = self.dropout(F.elu(out)) + skip(h)
        if self.readout is not None:
            pooled, weights = self.readout(h)
        else:
            pooled = h.mean(dim=1)
            weights = h.new_full(h.shape[:2], 1.0 / h.shape[1])
        pooled = self.dropout(pooled)
        # The head written out (not a matrix product): BLAS picks other kernels
        # for a single row than for many, and a sample's logits should not
        # depend on which other samples share its batch.
        logits = (pooled.unsqueeze(1) * self.head.weight).sum(-1) + self.head.bias
        return logits, attention, weights
