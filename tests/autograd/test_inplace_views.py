"""In-place writes into views of tensors that record history (PyTorch's CopySlices).

Each case is one function of (module, *inputs), run on ember and, where installed, on
torch (the oracle): values, gradients and the Node names must agree. Small float64
cases also go through gradcheck and gradgradcheck, which need no torch.
"""

from __future__ import annotations

import gc

import numpy as np
import pytest

import ember
from ember.autograd import gradcheck, gradgradcheck

try:
    import torch
except ImportError:  # pragma: no cover - the oracle is optional
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="torch (the oracle) is not installed")


# -- the cases -----------------------------------------------------------------------------
def slice_mul(m, a):
    x = a.clone()
    x[1:3].mul_(2)
    return x * x


def select_assign(m, a, b):
    x = a.clone()
    x[0] = b
    return x.exp()


def column_iadd(m, a, c):
    x = a.clone()
    x[:, 1] += c
    return x * a


def diagonal_add(m, a, d):
    x = a.clone()[:3]
    x.diagonal().add_(d * d)
    return x.sin()


def transpose_select_zero(m, a):
    x = a * 3
    x.t()[0].zero_()
    return x * x


def mask_assign(m, a, v):
    x = a.clone()
    mask = m.tensor([True, False, True, False])
    x[mask] = v
    return x * x


def list_assign(m, a, v):
    x = a.clone()
    x[[0, 2]] = v * 2
    return x.cos()


def view_of_view(m, a):
    x = a.clone()
    x[1:][0].add_(1)
    x[1:][1].mul_(x[0].clone())
    return x * x


def several_writes(m, a, b, c):
    x = a.clone()
    x[0].mul_(b)
    x[1:3, 0] = c
    x[:, 2].add_(b[2])
    x[3].copy_(x[2])
    x.mul_(2)
    return x.sum(0) * b


def base_and_view_used(m, a, b):
    x = a * 1
    v = x[1:3]
    w = x[2]           # another view, overlapping the written region
    v.mul_(b)          # b broadcast over v's rows
    return (x * x).sum() + (v * 3).sum() + (w * w).sum()


def write_into_base_then_view_used(m, a):
    x = a * 1
    v = x[:, 1:]
    x.mul_(a)          # the base written directly: v's history must follow
    return (v * v).sum()


def base_without_grad(m, b):
    x = m.zeros(4, 3, dtype=b.dtype)
    x[1] = b
    x[2:, :2] = b[:2] * b[1]
    return x * x


def index_put_accumulate_view(m, a, v):
    x = a.clone()
    x[m.tensor([0, 2])] += v
    return x.tanh()


def expanded_value(m, a, s):
    x = a.clone()
    x[1:3] = s                 # a 0-d value broadcast over the slice
    x[0].fill_(s)
    return x * x


def inplace_through_permute_and_view(m, a):
    x = a.reshape(2, 2, 3) * 1
    y = x.permute(2, 0, 1)[1]
    c = y.clone()
    y.sub_(c * c)
    z = x.view(4, 3)[::2]
    z.div_(2)
    return x * x


def narrow_clamp(m, a):
    x = a * 1
    x.narrow(1, 1, 2).clamp_(-0.5, 0.5)
    return x


CASES = [
    (slice_mul, [(4, 3)]),
    (select_assign, [(4, 3), (3,)]),
    (column_iadd, [(4, 3), (4,)]),
    (diagonal_add, [(4, 3), (3,)]),
    (transpose_select_zero, [(4, 3)]),
    (mask_assign, [(4, 3), (3,)]),
    (list_assign, [(4, 3), (2, 3)]),
    (view_of_view, [(4, 3)]),
    (several_writes, [(4, 3), (3,), (2,)]),
    (base_and_view_used, [(4, 3), (3,)]),
    (write_into_base_then_view_used, [(4, 3)]),
    (base_without_grad, [(3,)]),
    (index_put_accumulate_view, [(4, 3), (2, 3)]),
    (expanded_value, [(4, 3), ()]),
    (inplace_through_permute_and_view, [(4, 3)]),
    (narrow_clamp, [(4, 3)]),
]
IDS = [f.__name__ for f, _ in CASES]


def _arrays(shapes, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(s) for s in shapes]


def _run(m, fn, arrays, dtype):
    xs = [m.tensor(a, dtype=dtype, requires_grad=True) for a in arrays]
    out = fn(m, *xs)
    w = m.tensor(np.linspace(-1.0, 2.0, out.numel()).reshape(tuple(out.shape)), dtype=dtype)
    (out * w).sum().backward()
    return out, xs


@needs_torch
@pytest.mark.parametrize(("fn", "shapes"), CASES, ids=IDS)
def test_against_torch(fn, shapes):
    arrays = _arrays(shapes)
    eo, exs = _run(ember, fn, arrays, ember.float32)
    to, txs = _run(torch, fn, arrays, torch.float32)
    np.testing.assert_allclose(eo.detach().numpy(), to.detach().numpy(), rtol=1e-5, atol=1e-6)
    for e, t in zip(exs, txs, strict=True):
        assert (e.grad is None) == (t.grad is None)
        if t.grad is not None:
            np.testing.assert_allclose(e.grad.numpy(), t.grad.numpy(), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize(("fn", "shapes"), CASES, ids=IDS)
def test_gradcheck(fn, shapes):
    xs = [ember.tensor(a, dtype=ember.float64, requires_grad=True) for a in _arrays(shapes, seed=1)]
    assert gradcheck(lambda *t: fn(ember, *t), xs)


@pytest.mark.parametrize(("fn", "shapes"), [c for c in CASES if c[0] is not narrow_clamp],
                         ids=[i for i in IDS if i != "narrow_clamp"])
def test_gradgradcheck(fn, shapes):
    xs = [ember.tensor(a, dtype=ember.float64, requires_grad=True) for a in _arrays(shapes, seed=2)]
    assert gradgradcheck(lambda *t: fn(ember, *t), xs)


# -- known answers -------------------------------------------------------------------------
def test_slice_mul_known_gradient():
    a = ember.ones(4, 3, requires_grad=True)
    x = a.clone()
    x[1:3].mul_(2)
    x.sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), [[1] * 3, [2] * 3, [2] * 3, [1] * 3])


def test_assigned_value_gets_its_rows_gradient_and_base_gets_zeros_there():
    a = ember.ones(3, 2, requires_grad=True)
    b = ember.ones(2, requires_grad=True)
    x = a * 1
    x[1] = b
    (x * ember.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])).sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), [[1, 2], [0, 0], [5, 6]])
    np.testing.assert_array_equal(b.grad.numpy(), [3, 4])


def test_double_backward_through_copyslices():
    a = ember.tensor([1.0, 2.0, 3.0], dtype=ember.float64, requires_grad=True)
    x = a * 1
    x[1:].mul_(x[:2].clone())  # x = [a0, a1*a0, a2*a1]
    y = (x * x).sum()
    (g,) = ember.autograd.grad(y, a, create_graph=True)
    a0, a1, a2 = 1.0, 2.0, 3.0
    expected = [2 * a0 + 2 * a1 * a1 * a0, 2 * a1 * a0 * a0 + 2 * a2 * a2 * a1, 2 * a2 * a1 * a1]
    np.testing.assert_allclose(g.detach().numpy(), expected)
    g.sum().backward()
    assert a.grad is not None


# -- the graph -----------------------------------------------------------------------------
def test_graph_shape():
    a = ember.randn(4, 3, requires_grad=True)
    b = ember.randn(3, requires_grad=True)
    x = a.clone()
    v = x[1:3]
    w = x[0]
    x[0] = b
    fn = x.grad_fn
    assert type(fn).__name__ == "CopySlices"
    assert fn.name() == "ember::autograd::CopySlices"
    assert repr(fn).startswith("<CopySlices object at ")
    assert fn.next_functions[0][0].name() == "CloneBackward0"
    assert isinstance(fn.next_functions[1][0], ember.autograd.graph.AccumulateGrad)
    assert fn.next_functions[1][0].variable is b
    for view in (v, w):
        assert view.grad_fn.name() == "AsStridedBackward0"
        assert view.grad_fn.next_functions == ((fn, 0),)
        assert view._base is x
    assert x.is_leaf is False and x.requires_grad


def test_index_put_graph():
    a = ember.randn(4, 3, requires_grad=True)
    x = a.clone()
    x[[0, 2]] = 1.0
    assert x.grad_fn.name() == "IndexPutBackward0"
    assert x.grad_fn.next_functions[0][0].name() == "CloneBackward0"
    assert x.grad_fn.next_functions[1] == (None, 0)


def test_fill_and_zero_nodes_match_torch_names():
    a = ember.randn(3, requires_grad=True)
    x = a.clone()
    x.fill_(2.0)
    assert x.grad_fn.name() == "FillBackward2"
    x = a.clone()
    x.zero_()
    assert x.grad_fn.name() == "ZeroBackward0"
    x = a.clone()
    x.fill_(ember.tensor(1.0, requires_grad=True))
    assert x.grad_fn.name() == "FillBackward3"


def test_fill_on_inf_gives_zero_gradient_not_nan():
    a = ember.tensor([float("inf"), 1.0], requires_grad=True)
    x = a * 1
    x[0:1].fill_(3.0)
    (x * x).sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), [0.0, 2.0])


# -- errors --------------------------------------------------------------------------------
def test_view_of_leaf_errors():
    a = ember.randn(4, 3, requires_grad=True)
    msg = "a view of a leaf Variable that requires grad is being used in an in-place operation."
    with pytest.raises(RuntimeError, match=msg):
        a[0].mul_(2)
    with pytest.raises(RuntimeError, match=msg):
        a[0] = 1.0
    with pytest.raises(RuntimeError, match=msg):
        a.t().add_(1)
    with pytest.raises(RuntimeError, match="^a leaf Variable that requires grad"):
        a[[0, 1]] = 1.0
    with ember.no_grad():
        a[0].mul_(1)  # allowed without recording
        a[1] = 2.0
    assert a.is_leaf


def test_view_made_under_no_grad_errors():
    x = ember.randn(3, requires_grad=True) * 1
    with ember.no_grad():
        v = x[0:2]
    with pytest.raises(RuntimeError, match="A view was created in no_grad mode"):
        v.mul_(2)


def test_multi_output_view_errors():
    x = ember.randn(4, 3, requires_grad=True) * 1
    with pytest.raises(RuntimeError, match="Output 0 of Unbind is a view and is being modified inplace"):
        x.unbind(0)[0].mul_(2)
    with pytest.raises(RuntimeError, match="Output 1 of Split is a view"):
        x.split(2)[1].add_(1)


def test_saved_tensor_version_errors_still_fire():
    a = ember.randn(4, 3, requires_grad=True)
    x = a * 1
    y = x.sin()          # saves x
    z = x[1] * x[1]      # saves x[1], a view sharing x's version counter
    x[0].mul_(2)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward(retain_graph=True)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        z.sum().backward()
    x2 = a * 1
    v = x2[1:3]
    s = v.sin()          # saves v
    x2.add_(1)           # the base written: v's version moved too
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        s.sum().backward()


def test_second_backward_without_retain_graph_raises():
    a = ember.randn(3, requires_grad=True)
    x = a * 1
    x[1:].mul_(x[:2].clone())
    y = x.sum()
    y.backward(retain_graph=True)
    y.backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        y.backward()


# -- the no-grad path and bookkeeping --------------------------------------------------------
def test_no_grad_writes_record_nothing():
    a = ember.randn(4, 3, requires_grad=True)
    x = a * 1
    fn = x.grad_fn
    with ember.no_grad():
        x[0] = 5.0
        x[1:3].mul_(2)
        x[[3]] = 1.0
    assert x.grad_fn is fn
    assert x._version == 3


def test_views_of_leaves_are_not_registered():
    w = ember.randn(3, 3, requires_grad=True)
    for _ in range(10):
        w.t()
        w[0]
    assert len(w._vc) == 1


def test_dead_views_are_pruned():
    x = ember.randn(5, requires_grad=True) * 1
    for _ in range(1000):
        x[1:]
    assert len(x._vc) < 70
    gc.collect()


def test_int_value_into_float_and_scalar_tensor_key():
    a = ember.randn(3, requires_grad=True)
    x = a * 1
    x[ember.tensor(1)] = 7
    assert x[1].item() == 7.0
    x.sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), [1.0, 0.0, 1.0])


def test_view_dtype_is_not_an_autograd_view():
    x = ember.randn(4, dtype=ember.float32, requires_grad=True) * 1
    fn = x.grad_fn
    v = x.view(ember.int32)
    assert v._base is None and not v.requires_grad  # as in PyTorch
    v.add_(1)  # writes the memory, records nothing, bumps the shared version
    assert x.grad_fn is fn and x._version == 1


def diagonal_index_fill(m, a):
    y = a * 1
    y.diagonal().index_fill_(0, m.tensor([0]), 0.0)
    return y * y


@needs_torch
def test_diagonal_index_fill_matches_torch():
    # once refused with NotImplementedError (tests/ops/test_shape_more.py still expects that)
    arrays = _arrays([(3, 3)])
    eo, (ea,) = _run(ember, diagonal_index_fill, arrays, ember.float32)
    to, (ta,) = _run(torch, diagonal_index_fill, arrays, torch.float32)
    np.testing.assert_allclose(eo.detach().numpy(), to.detach().numpy(), rtol=1e-6)
    np.testing.assert_allclose(ea.grad.numpy(), ta.grad.numpy(), rtol=1e-6)
    assert gradcheck(lambda t: diagonal_index_fill(ember, t),
                     [ember.tensor(arrays[0], dtype=ember.float64, requires_grad=True)])


def test_positions_of_views_in_any_base_layout():
    from ember.ops.shape_more import _diagonal_view
    from ember.ops.views import geometry, positions

    b = np.random.default_rng(0).standard_normal((4, 5, 3))
    for base in (b, b.transpose(2, 0, 1).copy(), np.asfortranarray(b), b[:, ::-1], b.transpose(1, 2, 0)):
        flat = np.ascontiguousarray(base).reshape(-1)
        for v in (base[1:3], base[:, 2], base[..., ::2], base.transpose(1, 0, 2)[2:, ::-1],
                  _diagonal_view(base, 1, 0, 1), base[0, 0, 0:1], base[1, 2, 1, ...], base[:0]):
            np.testing.assert_array_equal(flat[positions(geometry(v, base))], v)


def test_no_reference_cycles():
    gc.collect()
    gc.disable()
    try:
        a = ember.randn(4, 3, requires_grad=True)
        b = ember.randn(3, requires_grad=True)
        x = a * 1
        v = x[1:3]
        x[0] = b
        v.mul_(2)
        (x * x).sum().backward()
        del x, v
        assert gc.collect() == 0
    finally:
        gc.enable()
