"""The shared-graph GAT layer computes what PyG's GATConv computes per sample."""

import pytest
import torch
import torch.nn.functional as F
from torch_geometric.nn import GATConv

from skgenecyt.nn._gat import (
    GATNet,
    SharedGraphGATConv,
    dense_attention,
    edge_weighted_sum,
    with_self_loops,
)

N_NODES, BATCH, IN = 7, 5, 6


pytestmark = pytest.mark.usefixtures("one_torch_thread")


def random_graph(n_nodes=N_NODES, n_edges=20, seed=0):
    gen = torch.Generator().manual_seed(seed)
    edge_index = torch.randint(0, n_nodes, (2, n_edges), generator=gen)
    edge_index[:, 0] = torch.tensor([3, 3])  # an explicit self-loop, replaced by the layer
    return edge_index


def complete_edges(n_nodes=N_NODES):
    src, dst = torch.meshgrid(torch.arange(n_nodes), torch.arange(n_nodes), indexing="ij")
    keep = src != dst
    return torch.stack([src[keep], dst[keep]])


def paired_layers(out_channels, heads, concat):
    """Our layer and a GATConv holding the same weights (and a non-zero bias)."""
    torch.manual_seed(0)
    ours = SharedGraphGATConv(IN, out_channels, heads=heads, concat=concat)
    pyg = GATConv(IN, out_channels, heads=heads, concat=concat)
    with torch.no_grad():
        ours.bias.normal_()
        pyg.lin.weight.copy_(ours.lin.weight)
        pyg.att_src.copy_(ours.att_src)
        pyg.att_dst.copy_(ours.att_dst)
        pyg.bias.copy_(ours.bias)
    return ours, pyg


def replicate(edge_index, n_nodes, batch):
    """The block-diagonal graph GATConv needs: one copy of the graph per sample."""
    return torch.cat([edge_index + b * n_nodes for b in range(batch)], dim=1)


@pytest.mark.parametrize("heads", [1, 3])
@pytest.mark.parametrize("concat", [True, False])
@pytest.mark.parametrize("graph", ["sparse", "complete"])
def test_matches_gatconv_on_replicated_batch(heads, concat, graph):
    ours, pyg = paired_layers(4, heads, concat)
    edge_index = random_graph() if graph == "sparse" else complete_edges()
    x = torch.randn(BATCH, N_NODES, IN)
    x_ours = x.clone().requires_grad_(True)
    x_pyg = x.reshape(BATCH * N_NODES, IN).clone().requires_grad_(True)

    # The complete graph also runs through the dense path (edge_index=None).
    out = ours(x_ours, None if graph == "complete" else edge_index)
    expected = pyg(x_pyg, replicate(edge_index, N_NODES, BATCH))
    assert out.shape == (BATCH, N_NODES, heads * 4 if concat else 4)
    torch.testing.assert_close(out.reshape(BATCH * N_NODES, -1), expected, atol=1e-5, rtol=1e-5)

    # Same gradients for the input and every parameter.
    weights = torch.randn_like(expected)
    (out.reshape(BATCH * N_NODES, -1) * weights).sum().backward()
    (expected * weights).sum().backward()
    torch.testing.assert_close(x_ours.grad.reshape(BATCH * N_NODES, IN), x_pyg.grad,
                               atol=1e-5, rtol=1e-5)
    for name in ["att_src", "att_dst", "bias"]:
        torch.testing.assert_close(getattr(ours, name).grad, getattr(pyg, name).grad,
                                   atol=1e-4, rtol=1e-4)
    torch.testing.assert_close(ours.lin.weight.grad, pyg.lin.weight.grad, atol=1e-4, rtol=1e-4)


@pytest.mark.parametrize("graph", ["sparse", "complete"])
def test_attention_weights_match_gatconv(graph):
    ours, pyg = paired_layers(4, 2, True)
    edge_index = random_graph() if graph == "sparse" else complete_edges()
    x = torch.randn(BATCH, N_NODES, IN)
    _, (used, alpha) = ours(x, None if graph == "complete" else edge_index,
                            return_attention_weights=True)
    _, (pyg_edges, pyg_alpha) = pyg(x.reshape(-1, IN), replicate(edge_index, N_NODES, BATCH),
                                    return_attention_weights=True)
    assert alpha.shape == (used.shape[1], BATCH, 2)
    # Look up each of PyG's (sample, source, target) edges in ours.
    position = {(int(s), int(t)): e for e, (s, t) in enumerate(used.T.tolist())}
    for e, (s, t) in enumerate(pyg_edges.T.tolist()):
        b = s // N_NODES
        mine = alpha[position[(s % N_NODES, t % N_NODES)], b]
        torch.testing.assert_close(mine, pyg_alpha[e], atol=1e-6, rtol=1e-5)


def test_graph_is_not_copied_per_sample():
    # The layer's edge tensors stay as long as the graph, whatever the batch.
    ours, _ = paired_layers(4, 2, True)
    edge_index = random_graph()
    for batch in (1, 9):
        _, (used, alpha) = ours(torch.randn(batch, N_NODES, IN), edge_index,
                                return_attention_weights=True)
        assert used.shape == with_self_loops(edge_index, N_NODES).shape
        assert alpha.shape[:2] == (used.shape[1], batch)


def test_edge_weighted_sum_chunks_give_the_same_result_and_gradient():
    torch.manual_seed(1)
    edge_index = with_self_loops(random_graph(n_edges=30), N_NODES)
    src, dst = edge_index
    x = torch.randn(N_NODES, 3, BATCH, 2, dtype=torch.float64, requires_grad=True)
    alpha = torch.rand(src.numel(), BATCH, 2, dtype=torch.float64, requires_grad=True)
    # One edge per chunk versus everything in one chunk.
    assert torch.autograd.gradcheck(
        lambda x, a: edge_weighted_sum(x, a, src, dst, chunk_elements=1), (x, alpha),
        fast_mode=True,
    )
    small = edge_weighted_sum(x, alpha, src, dst, chunk_elements=1)
    whole = edge_weighted_sum(x, alpha, src, dst, chunk_elements=10**9)
    torch.testing.assert_close(small, whole)
    # Against a dense reference: out[i] = sum_j A[i, j] x[j] per batch entry.
    dense = torch.zeros(BATCH, 2, N_NODES, N_NODES, dtype=torch.float64)
    for e in range(src.numel()):
        dense[:, :, dst[e], src[e]] += alpha[e]
    expected = torch.einsum("bhij,jcbh->icbh", dense, x)
    torch.testing.assert_close(whole, expected)


def _plain_dense_attention(h, score_src, score_dst, negative_slope=0.2):
    logits = F.leaky_relu(score_dst.unsqueeze(-1) + score_src.unsqueeze(-2), negative_slope)
    alpha = torch.softmax(logits, dim=-1)
    return torch.matmul(alpha, h), alpha


def test_dense_attention_is_the_plain_sequence_with_a_cheaper_backward():
    """Same forward values (bit for bit), same gradients as autograd of the plain operations."""
    gen = torch.Generator().manual_seed(0)
    h, src, dst = (torch.randn(*shape, generator=gen) for shape in [(6, 5, 3), (6, 5), (6, 5)])
    ours = [t.clone().requires_grad_(True) for t in (h, src, dst)]
    plain = [t.clone().requires_grad_(True) for t in (h, src, dst)]
    out, alpha = dense_attention(*ours)
    out_plain, alpha_plain = _plain_dense_attention(*plain)
    assert torch.equal(out, out_plain)
    assert torch.equal(alpha, alpha_plain)
    assert not alpha.requires_grad
    weights = torch.randn(out.shape, generator=gen)
    (out * weights).sum().backward()
    (out_plain * weights).sum().backward()
    for a, b in zip(ours, plain):
        torch.testing.assert_close(a.grad, b.grad, rtol=1e-5, atol=1e-6)
    doubles = [t.double().requires_grad_(True) for t in (h[:2, :4, :2], src[:2, :4], dst[:2, :4])]
    assert torch.autograd.gradcheck(lambda *t: dense_attention(*t)[0], doubles)


def test_dense_and_sparse_paths_of_the_network_agree():
    torch.manual_seed(0)
    net = GATNet(complete_edges(), N_NODES, 3, node_embedding_dim=4, hidden_channels=8,
                 heads=2, n_layers=2).eval()
    assert net.complete
    X = torch.randn(BATCH, N_NODES)
    dense_logits, dense_attention, _ = net.forward_with_attention(X)
    net.complete = False
    sparse_logits, sparse_attention, _ = net.forward_with_attention(X)
    torch.testing.assert_close(dense_logits, sparse_logits, atol=1e-5, rtol=1e-5)
    for a, b in zip(dense_attention, sparse_attention):
        torch.testing.assert_close(a, b, atol=1e-6, rtol=1e-5)


@pytest.mark.parametrize("readout", ["attention", "mean"])
def test_network_outputs_and_attention_shapes(readout):
    torch.manual_seed(0)
    edge_index = random_graph()
    net = GATNet(edge_index, N_NODES, 2, node_embedding_dim=4, hidden_channels=6, heads=3,
                 n_layers=2, readout=readout).eval()
    X = torch.randn(BATCH, N_NODES)
    logits, attention, weights = net.forward_with_attention(X)
    assert logits.shape == (BATCH, 2)
    torch.testing.assert_close(net(X), logits)
    assert len(attention) == 2
    n_edges = net.edge_index.shape[1]
    for alpha in attention:
        assert alpha.shape == (n_edges, BATCH, 3)
        per_target = torch.zeros(N_NODES, BATCH, 3).index_add_(0, net.edge_index[1], alpha)
        torch.testing.assert_close(per_target, torch.ones_like(per_target))
    assert weights.shape == (BATCH, N_NODES)
    torch.testing.assert_close(weights.sum(1), torch.ones(BATCH))


def test_network_rejects_wrong_width_and_uneven_heads():
    net = GATNet(random_graph(), N_NODES, 2, hidden_channels=8, heads=2)
    with pytest.raises(ValueError, match=r"shape \(batch, 7\)"):
        net(torch.randn(2, N_NODES + 1))
    with pytest.raises(ValueError, match="divisible by heads"):
        GATNet(random_graph(), N_NODES, 2, hidden_channels=8, heads=3)
