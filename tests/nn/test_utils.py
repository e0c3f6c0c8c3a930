"""ember.nn.utils against torch.nn.utils: gradient clipping and parameters as a vector."""

from __future__ import annotations

import math

import numpy as np
import pytest

import ember
from ember import nn

torch = pytest.importorskip("torch")


def _params(ns, grads):
    out = []
    for g in grads:
        p = ns.nn.Parameter(ns.zeros(g.shape))
        p.grad = ns.tensor(g)
        out.append(p)
    return out


def _grads(rng):
    return [rng.standard_normal((3, 4)).astype(np.float32), rng.standard_normal(5).astype(np.float32),
            rng.standard_normal((2, 2, 2)).astype(np.float32) * 3]


@pytest.mark.parametrize("norm_type", [2.0, 1, 3.5, math.inf, "inf", 0.5])
@pytest.mark.parametrize("max_norm", [0.5, 1e6])
def test_clip_grad_norm_matches_torch(norm_type, max_norm):
    grads = _grads(np.random.default_rng(0))
    ep, tp = _params(ember, grads), _params(torch, grads)
    ep.append(nn.Parameter(ember.zeros(2)))  # no grad: skipped
    tp.append(torch.nn.Parameter(torch.zeros(2)))
    norm_type = float(norm_type) if norm_type == "inf" else norm_type
    en = nn.utils.clip_grad_norm_(ep, max_norm, norm_type=norm_type)
    tn = torch.nn.utils.clip_grad_norm_(tp, max_norm, norm_type=norm_type)
    assert isinstance(en, ember.Tensor) and en.dim() == 0 and en.dtype == ember.float32
    np.testing.assert_allclose(en.item(), tn.item(), rtol=1e-5)
    for e, t in zip(ep[:-1], tp[:-1], strict=True):
        np.testing.assert_allclose(e.grad.numpy(), t.grad.numpy(), rtol=1e-5, atol=1e-7)
    assert ep[-1].grad is None


def test_clip_grad_norm_edge_cases():
    p = nn.Parameter(ember.zeros(2))
    p.grad = ember.tensor([3.0, 4.0])
    total = nn.utils.clip_grad_norm_(p, 1.0)  # a single tensor is accepted
    assert total.item() == pytest.approx(5.0)
    np.testing.assert_allclose(p.grad.numpy(), [0.6, 0.8], rtol=1e-5)
    assert nn.utils.clip_grad_norm_([nn.Parameter(ember.zeros(1))], 1.0).item() == 0.0
    p.grad = ember.tensor([float("nan"), 1.0])
    with pytest.raises(RuntimeError) as ours:
        nn.utils.clip_grad_norm_([p], 1.0, error_if_nonfinite=True)
    q = torch.nn.Parameter(torch.zeros(2))
    q.grad = torch.tensor([float("nan"), 1.0])
    with pytest.raises(RuntimeError) as theirs:
        torch.nn.utils.clip_grad_norm_([q], 1.0, error_if_nonfinite=True)
    assert str(ours.value) == str(theirs.value)
    assert np.isnan(p.grad.numpy()[0]) and p.grad.numpy()[1] == 1.0  # nothing changed
    with pytest.warns(FutureWarning, match="clip_grad_norm` is now deprecated"):
        nn.utils.clip_grad_norm([p], 1.0)


def test_clip_grad_value_matches_torch():
    grads = _grads(np.random.default_rng(1))
    ep, tp = _params(ember, grads), _params(torch, grads)
    assert nn.utils.clip_grad_value_(ep, 0.7) is None
    torch.nn.utils.clip_grad_value_(tp, 0.7)
    for e, t in zip(ep, tp, strict=True):
        np.testing.assert_array_equal(e.grad.numpy(), t.grad.numpy())


def test_clipping_a_model_after_backward():
    model = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 1))
    (model(ember.randn(16, 4)) * 100).sum().backward()
    before = nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    assert before.item() > 1.0
    after = math.sqrt(sum(float((p.grad * p.grad).sum()) for p in model.parameters()))
    assert after == pytest.approx(1.0, rel=1e-4)


def test_parameters_to_vector_and_back():
    torch.manual_seed(0)
    tm = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Linear(4, 2))
    em = nn.Sequential(nn.Linear(3, 4), nn.Linear(4, 2))
    em.load_state_dict({k: ember.tensor(v.numpy().copy()) for k, v in tm.state_dict().items()})
    ev = nn.utils.parameters_to_vector(em.parameters())
    tv = torch.nn.utils.parameters_to_vector(tm.parameters())
    np.testing.assert_array_equal(ev.detach().numpy(), tv.detach().numpy())
    assert ev.grad_fn is not None and ev.grad_fn.name() == tv.grad_fn.name()
    (ev * ember.arange(float(ev.numel()))).sum().backward()
    np.testing.assert_array_equal(em[0].weight.grad.numpy().ravel(), np.arange(12.0))
    new = ember.arange(float(ev.numel()))
    nn.utils.vector_to_parameters(new, em.parameters())
    np.testing.assert_array_equal(em[0].bias.detach().numpy(), [12.0, 13.0, 14.0, 15.0])
    assert tuple(em[1].weight.shape) == (2, 4)
    with pytest.raises(TypeError, match="expected ember.Tensor, but got: list"):
        nn.utils.vector_to_parameters([1.0], em.parameters())
