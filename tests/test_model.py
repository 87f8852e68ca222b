"""recsys/model.py: GNNRec shapes and the seeded dropout."""

import numpy as np
import pytest
import torch

from recsys.config import TrainConfig
from recsys.graph import build_graph
from recsys.model import GNNRec, SeededDropout, link_logits


def test_gnnrec_maps_every_node_to_an_out_dim_embedding(two_playlists):
    graph = build_graph(two_playlists, seed=0)
    model = GNNRec(graph.num_features, TrainConfig(hidden_dim=16, out_dim=8))
    z = model(graph.x, graph.adj_t)
    assert z.shape == (2 + 12, 8)
    assert torch.isfinite(z).all()


def test_gnnrec_is_deterministic_in_eval_mode(two_playlists):
    graph = build_graph(two_playlists, seed=0)
    model = GNNRec(graph.num_features, TrainConfig(hidden_dim=16, out_dim=8)).eval()
    assert torch.equal(model(graph.x, graph.adj_t), model(graph.x, graph.adj_t))


def test_link_logits_is_the_dot_product_of_each_pair():
    z = torch.tensor([[1.0, 0.0], [0.5, 2.0], [3.0, -1.0]])
    logits = link_logits(z, torch.tensor([0, 1, 2]), torch.tensor([1, 2, 2]))
    assert logits.tolist() == [0.5, -0.5, 10.0]


def test_dropout_is_the_identity_in_eval_mode():
    dropout = SeededDropout(0.5, seed=0).eval()
    h = torch.rand(50, 20)
    assert torch.equal(dropout(h), h)


def test_dropout_with_p_zero_is_the_identity_in_train_mode():
    h = torch.rand(10, 10)
    assert torch.equal(SeededDropout(0.0, seed=0).train()(h), h)


@pytest.mark.parametrize("p", [0.2, 0.5])
def test_dropout_zeros_about_p_and_scales_the_rest(p):
    dropout = SeededDropout(p, seed=0).train()
    h = torch.full((200, 100), 2.0)
    out = dropout(h)
    zeroed = (out == 0).float().mean().item()
    assert zeroed == pytest.approx(p, abs=0.02)  # 20,000 draws: σ ≈ 0.0035
    kept = out[out != 0]
    torch.testing.assert_close(kept, torch.full_like(kept, 2.0 / (1 - p)))


def test_dropout_masks_are_reproducible_per_seed_and_change_between_calls():
    h = torch.ones(30, 30)
    first, again, other = (SeededDropout(0.5, seed=s).train() for s in (3, 3, 4))
    mask = first(h)
    assert torch.equal(mask, again(h))
    assert not torch.equal(mask, other(h))
    assert not torch.equal(first(h), mask)  # a fresh mask every forward pass


def test_dropout_keeps_gradients_flowing_through_kept_entries():
    h = torch.ones(20, 20, requires_grad=True)
    SeededDropout(0.5, seed=0).train()(h).sum().backward()
    assert set(np.unique(h.grad.numpy()).tolist()) == {0.0, 2.0}
