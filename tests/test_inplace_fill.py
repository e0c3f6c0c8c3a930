"""copy_ and the random in-place fills (uniform_, normal_, bernoulli_, exponential_, random_)."""

from __future__ import annotations

import numpy as np
import pytest

import ember


def test_copy_broadcasts_converts_and_records():
    x = ember.ones(2, requires_grad=True)
    y = x * 1
    s = ember.tensor([3.0], requires_grad=True)
    y.copy_(s)
    assert y.grad_fn.name() == "CopyBackwards" and y._version == 1
    y.sum().backward()
    assert x.grad.tolist() == [0.0, 0.0] and s.grad.tolist() == [2.0]
    z = ember.ones(2, dtype=ember.float64)
    z.copy_(ember.tensor([1, 2]))
    assert z.tolist() == [1.0, 2.0] and z.dtype is ember.float64
    with pytest.raises(RuntimeError, match="The size of tensor a"):
        ember.ones(3).copy_(ember.ones(2))
    with ember.no_grad():
        p = ember.zeros(2, requires_grad=True)
        p.copy_(ember.ones(2))                 # how weights are loaded into parameters
    assert p.tolist() == [1.0, 1.0] and p.requires_grad and p.is_leaf


def test_copy_matches_torch():
    torch = pytest.importorskip("torch")
    outs = []
    for m in (ember, torch):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        src = m.tensor([[5.0], [6.0]], requires_grad=True)
        y = (x * 2).expand(2, 2).clone()
        y.copy_(src)
        (y * m.tensor([[1.0, 2.0], [3.0, 4.0]])).sum().backward()
        outs.append((y.tolist(), x.grad.tolist(), src.grad.tolist()))
    assert outs[0] == outs[1]


def test_random_fills_follow_their_distributions():
    ember.manual_seed(0)
    t = ember.empty(200_000)
    u = t.uniform_(-2, 3).numpy().copy()
    assert u.min() >= -2 and u.max() < 3 and abs(u.mean() - 0.5) < 0.02
    n = t.normal_(1.0, 2.0).numpy().copy()
    assert abs(n.mean() - 1.0) < 0.02 and abs(n.std() - 2.0) < 0.02
    b = t.bernoulli_(0.25).numpy().copy()
    assert set(np.unique(b)) == {0.0, 1.0} and abs(b.mean() - 0.25) < 0.01
    e = t.exponential_(4.0).numpy().copy()
    assert e.min() >= 0 and abs(e.mean() - 0.25) < 0.01
    r = ember.zeros(10_000, dtype=ember.int64).random_(3, 7).numpy()
    assert set(np.unique(r)) == {3, 4, 5, 6}
    assert t._version == 4


def test_random_fills_are_reproducible_and_respect_autograd_rules():
    g = ember.Generator().manual_seed(5)
    a = ember.empty(4).normal_(generator=g).tolist()
    g.manual_seed(5)
    assert ember.empty(4).normal_(generator=g).tolist() == a
    msg = "a leaf Variable that requires grad is being used in an in-place operation."
    with pytest.raises(RuntimeError, match=msg):
        ember.ones(2, requires_grad=True).uniform_()
    w = ember.ones(2, requires_grad=True)
    with ember.no_grad():
        w.uniform_()                          # nn.init does this
    assert w.requires_grad and w.is_leaf
