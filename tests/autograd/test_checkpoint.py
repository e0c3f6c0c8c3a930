"""saved_tensors_hooks and checkpoint: same results, fewer saved tensors."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

import ember
from ember.autograd.graph import disable_saved_tensors_hooks, saved_tensors_hooks
from ember.utils.checkpoint import checkpoint, checkpoint_sequential


def f64(*shape, seed=0):
    rng = np.random.default_rng(seed)
    return ember.tensor(rng.standard_normal(shape), dtype=ember.float64, requires_grad=True)


# -- saved_tensors_hooks ---------------------------------------------------------------------
def test_pack_and_unpack_see_every_saved_tensor():
    x = f64(3)
    packed, unpacked = [], []

    def pack(t):
        packed.append(t.shape)
        return ("box", t)

    def unpack(box):
        unpacked.append(box[0])
        return box[1]

    with saved_tensors_hooks(pack, unpack):
        y = (x * x).exp()          # mul saves self and other; exp saves its result
    y.sum().backward()
    assert len(packed) == 3 and unpacked == ["box"] * 3
    np.testing.assert_allclose(x.grad.numpy(), np.exp(x.detach().numpy() ** 2) * 2 * x.detach().numpy())


def test_unpack_hook_must_return_a_tensor():
    x = f64(2)
    with saved_tensors_hooks(lambda t: t, lambda t: 3):
        y = x * x
    with pytest.raises(TypeError, match="Output of saved tensor unpack_hook expected to be a Tensor"):
        y.sum().backward()


def test_hooks_apply_to_custom_functions_and_nest():
    class Sq(ember.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return 2 * x * g

    seen = []
    x = f64(2)
    with saved_tensors_hooks(lambda t: (seen.append("outer"), t)[1], lambda t: t):
        with saved_tensors_hooks(lambda t: (seen.append("inner"), t)[1], lambda t: t):
            y = Sq.apply(x)
        z = y.exp()
    assert seen == ["inner", "outer"]
    z.sum().backward()


def test_disable_saved_tensors_hooks():
    with disable_saved_tensors_hooks("no hooks here"):
        with pytest.raises(RuntimeError, match="no hooks here"):
            with saved_tensors_hooks(lambda t: t, lambda t: t):
                pass


# -- checkpoint ----------------------------------------------------------------------------------
def block(w):
    def run(x):
        return (x @ w).tanh().sin()
    return run


@pytest.mark.parametrize("use_reentrant", [False, True])
def test_checkpoint_gives_the_same_gradients(use_reentrant):
    w1, w2 = f64(4, 4, seed=1), f64(4, 4, seed=2)
    x = f64(3, 4, seed=3)
    out = checkpoint(block(w1), x, use_reentrant=use_reentrant)
    out = checkpoint(block(w2), out, use_reentrant=use_reentrant)
    out.pow(2).sum().backward()
    got = [t.grad.numpy().copy() for t in (x, w1, w2)]
    for t in (x, w1, w2):
        t.grad = None
    block(w2)(block(w1)(x)).pow(2).sum().backward()
    for g, t in zip(got, (x, w1, w2), strict=True):
        np.testing.assert_allclose(g, t.grad.numpy(), rtol=1e-12)


def test_reentrant_node_and_default_warning():
    x = f64(3)
    with pytest.warns(UserWarning, match="use_reentrant parameter should be passed explicitly"):
        y = checkpoint(lambda t: t.sin() * 2, x)
    assert y.grad_fn.name() == "CheckpointFunctionBackward"
    y2 = checkpoint(lambda t: t.sin() * 2, x, use_reentrant=False)
    assert y2.grad_fn.name() == "MulBackward0"


def test_non_reentrant_works_with_autograd_grad_and_retain_graph():
    x = f64(3)
    y = checkpoint(lambda t: (t * t).exp(), x, use_reentrant=False).sum()
    (g1,) = ember.autograd.grad(y, x, retain_graph=True)
    (g2,) = ember.autograd.grad(y, x)   # a second pass recomputes again
    xv = x.detach().numpy()
    np.testing.assert_allclose(g1.numpy(), np.exp(xv * xv) * 2 * xv)
    np.testing.assert_allclose(g2.numpy(), g1.numpy())


def test_random_state_is_replayed():
    x = ember.ones(1000, requires_grad=True)

    def noisy(t):
        return t * ember.rand(1000)

    ember.manual_seed(0)
    y = checkpoint(noisy, x, use_reentrant=False)
    ember.rand(5)  # move the generator on before backward
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), y.detach().numpy())  # d(x * r)/dx = r = y / x


def test_checkpoint_sequential():
    ws = [f64(4, 4, seed=i) for i in range(4)]
    x = f64(2, 4, seed=9)
    out = checkpoint_sequential([block(w) for w in ws], 2, x, use_reentrant=False)
    ref = x
    for w in ws:
        ref = block(w)(ref)
    np.testing.assert_allclose(out.detach().numpy(), ref.detach().numpy())


def test_checkpoint_lowers_peak_memory():
    ember.manual_seed(0)
    ws = [ember.randn(256, 256) * 0.05 for _ in range(8)]
    for w in ws:
        w.requires_grad_()
    x = ember.randn(512, 256, requires_grad=True)

    def run(use_checkpoint):
        tracemalloc.start()
        h = x
        for w in ws:
            h = checkpoint(block(w), h, use_reentrant=False) if use_checkpoint else block(w)(h)
        h.sum().backward()
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return peak

    plain, ckpt = run(False), run(True)
    # Each block saves three 0.5 MB tensors (the mm input, tanh's result, sin's input);
    # checkpointed, only the block's input is kept (and one block's worth during recompute).
    assert ckpt < 0.7 * plain, (plain, ckpt)
