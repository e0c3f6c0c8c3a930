"""The array-level paths of conv, max_pool2d and nll_loss (ops/nn_conv.py, nn_pool.py,
nn_loss.py): forward values and gradients against PyTorch on odd shapes, the array
kernels (backward without create_graph) against the ember-op formulas (create_graph=True),
and gradcheck/gradgradcheck in float64.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import ember
from ember.autograd import gradcheck, gradgradcheck
from ember.ops import nn_conv, nn_loss, nn_pool

torch = pytest.importorskip("torch")


def _tol(dtype: Any) -> dict:
    return {"rtol": 1e-4, "atol": 1e-5} if np.dtype(dtype) == np.float32 else {"rtol": 1e-10, "atol": 1e-12}


def _arrays(*shapes: tuple, dtype: Any = np.float64, seed: int = 0) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(s).astype(dtype) for s in shapes]


class _Spy:
    """Counts the calls of a Node class's array kernel that returned gradients (not None)."""

    def __init__(self, cls: type) -> None:
        self.cls, self.used = cls, 0

    def __enter__(self) -> _Spy:
        self.kernel = self.cls.__dict__["_fast"]
        inner = self.kernel.__func__

        def spy(node: Any, grads: list) -> Any:
            out = inner(node, grads)
            self.used += out is not None
            return out

        self.cls._fast = staticmethod(spy)
        return self

    def __exit__(self, *exc: Any) -> None:
        self.cls._fast = self.kernel


# ---------------------------------------------------------------------------------------
# Convolutions
# ---------------------------------------------------------------------------------------
# (name, conv function, input shape, weight shape, kwargs, input transposed to a non-contiguous view)
CONV_CASES = [
    ("w6", "conv2d", (64, 1, 8, 8), (8, 1, 3, 3), {"padding": 1}, False),
    ("pad0", "conv2d", (2, 3, 6, 5), (4, 3, 3, 2), {"padding": 0}, False),
    ("pad2_stride2", "conv2d", (2, 3, 7, 6), (4, 3, 3, 3), {"padding": 2, "stride": 2}, False),
    ("stride_hw", "conv2d", (1, 2, 9, 7), (3, 2, 3, 2), {"stride": (2, 3), "padding": (1, 0)}, False),
    ("dilation", "conv2d", (2, 2, 9, 9), (3, 2, 3, 3), {"dilation": 2, "padding": 1}, False),
    ("groups", "conv2d", (2, 4, 6, 6), (6, 2, 3, 3), {"groups": 2, "padding": 1}, False),
    ("depthwise", "conv2d", (1, 3, 5, 5), (3, 1, 3, 3), {"groups": 3, "stride": 2}, False),
    ("batch1_noncontig", "conv2d", (1, 3, 6, 7), (2, 3, 2, 2), {"padding": 1}, True),
    ("noncontig_stride", "conv2d", (3, 2, 7, 7), (4, 2, 3, 3), {"stride": 2, "dilation": (1, 2)}, True),
    ("kernel_is_input", "conv2d", (2, 2, 3, 3), (4, 2, 3, 3), {}, False),
    ("1x1", "conv2d", (2, 3, 4, 4), (5, 3, 1, 1), {}, False),
    ("conv1d", "conv1d", (2, 3, 11), (4, 3, 3), {"stride": 2, "padding": 2, "dilation": 2}, False),
    ("conv3d", "conv3d", (1, 2, 4, 5, 4), (3, 2, 2, 3, 2), {"padding": 1, "stride": (1, 2, 1)}, False),
]


def _conv_grads(m: Any, fn: str, x: np.ndarray, w: np.ndarray, b: np.ndarray | None, kwargs: dict,
                noncontig: bool, g: np.ndarray | None = None) -> tuple[np.ndarray, list[np.ndarray]]:
    xt = m.tensor(np.ascontiguousarray(np.swapaxes(x, -1, -2)) if noncontig else x, requires_grad=True)
    wt = m.tensor(w, requires_grad=True)
    bt = None if b is None else m.tensor(b, requires_grad=True)
    y = getattr(m.nn.functional, fn)(xt.transpose(-1, -2) if noncontig else xt, wt, bt, **kwargs)
    if g is None:
        g = np.cos(np.arange(y.numel())).reshape(tuple(y.shape)).astype(x.dtype)
    y.backward(m.tensor(g))
    grads = [xt.grad.numpy(), wt.grad.numpy()] + ([] if bt is None else [bt.grad.numpy()])
    if noncontig:
        grads[0] = np.swapaxes(grads[0], -1, -2)
    return y.detach().numpy(), grads


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("name, fn, xs, ws, kwargs, noncontig", CONV_CASES, ids=[c[0] for c in CONV_CASES])
def test_conv_values_and_grads_match_torch(name: str, fn: str, xs: tuple, ws: tuple, kwargs: dict, noncontig: bool,
                                           bias: bool, dtype: Any) -> None:
    x, w, b = _arrays(xs, ws, ws[:1], dtype=dtype)
    bias_arr = b if bias else None
    with _Spy(nn_conv.ConvolutionBackward0) as spy:
        ey, eg = _conv_grads(ember, fn, x, w, bias_arr, kwargs, noncontig)
    assert spy.used == 1  # the array kernel ran
    ty, tg = _conv_grads(torch, fn, x, w, bias_arr, kwargs, noncontig)
    assert ey.dtype == ty.dtype
    np.testing.assert_allclose(ey, ty, **_tol(dtype))
    for e, t in zip(eg, tg, strict=True):
        assert e.dtype == t.dtype and e.shape == t.shape
        np.testing.assert_allclose(e, t, **_tol(dtype))


@pytest.mark.parametrize("name, fn, xs, ws, kwargs, noncontig", CONV_CASES, ids=[c[0] for c in CONV_CASES])
def test_conv_kernel_matches_formulas(name: str, fn: str, xs: tuple, ws: tuple, kwargs: dict,
                                      noncontig: bool) -> None:
    """Backward without create_graph (the array kernel) equals backward with it (the ember-op formulas)."""
    x, w, b, = _arrays(xs, ws, ws[:1])
    inputs = [ember.tensor(a, requires_grad=True) for a in (x, w, b)]
    xin = inputs[0].transpose(-1, -2).contiguous().transpose(-1, -2) if noncontig else inputs[0]
    y = getattr(ember.nn.functional, fn)(xin, inputs[1], inputs[2], **kwargs)
    g = ember.tensor(np.sin(np.arange(y.numel())).reshape(tuple(y.shape)))
    fast = ember.autograd.grad(y, inputs, g, retain_graph=True)
    formulas = ember.autograd.grad(y, inputs, g, create_graph=True)
    for a, f in zip(fast, formulas, strict=True):
        np.testing.assert_allclose(a.numpy(), f.detach().numpy(), rtol=1e-12, atol=1e-12)


def test_conv_kernel_only_for_inputs_that_need_grad() -> None:
    x, w, b = _arrays((2, 1, 5, 5), (3, 1, 3, 3), (3,))
    xt, wt, bt = ember.tensor(x), ember.tensor(w, requires_grad=True), ember.tensor(b)
    ember.nn.functional.conv2d(xt, wt, bt, padding=1).sum().backward()
    assert xt.grad is None and bt.grad is None
    tw = torch.tensor(w, requires_grad=True)
    torch.nn.functional.conv2d(torch.tensor(x), tw, torch.tensor(b), padding=1).sum().backward()
    np.testing.assert_allclose(wt.grad.numpy(), tw.grad.numpy(), rtol=1e-12, atol=1e-12)


def test_conv_transposed_takes_the_formulas() -> None:
    x, w = _arrays((2, 3, 4, 4), (3, 2, 3, 3))
    with _Spy(nn_conv.ConvolutionBackward0) as spy:
        ex, ew = ember.tensor(x, requires_grad=True), ember.tensor(w, requires_grad=True)
        ember.nn.functional.conv_transpose2d(ex, ew, stride=2, padding=1).pow(2).sum().backward()
    assert spy.used == 0
    tx, tw = torch.tensor(x, requires_grad=True), torch.tensor(w, requires_grad=True)
    torch.nn.functional.conv_transpose2d(tx, tw, stride=2, padding=1).pow(2).sum().backward()
    np.testing.assert_allclose(ex.grad.numpy(), tx.grad.numpy(), rtol=1e-10)
    np.testing.assert_allclose(ew.grad.numpy(), tw.grad.numpy(), rtol=1e-10)


@pytest.mark.parametrize("kwargs, xs, ws", [
    ({"padding": 1}, (2, 1, 5, 5), (3, 1, 3, 3)),
    ({"stride": 2, "padding": 2, "dilation": 2}, (1, 2, 7, 6), (2, 2, 2, 3)),
    ({"groups": 2, "stride": (1, 2)}, (2, 4, 5, 5), (4, 2, 2, 2)),
], ids=["w6_like", "stride_pad_dilation", "groups"])
def test_conv_gradcheck_and_gradgradcheck(kwargs: dict, xs: tuple, ws: tuple) -> None:
    x, w, b = (ember.tensor(a, requires_grad=True) for a in _arrays(xs, ws, ws[:1]))

    def f(x: Any, w: Any, b: Any) -> Any:
        return ember.nn.functional.conv2d(x, w, b, **kwargs)

    assert gradcheck(f, (x, w, b))
    assert gradgradcheck(f, (x, w, b))


# ---------------------------------------------------------------------------------------
# max_pool2d: windows inside the input (any stride and dilation, no padding)
# ---------------------------------------------------------------------------------------
def _pool_inputs() -> list[tuple[str, np.ndarray, dict]]:
    rng = np.random.default_rng(7)
    ties = np.zeros((2, 2, 6, 6))
    ties[0, 0, 1, :] = 3.0  # a row of equal maxima across windows
    ties[1, 1, :, 4] = 3.0  # a column of them
    ties[0, 1, 2:4, 2:4] = 5.0  # a whole window of them
    nan = rng.standard_normal((2, 2, 7, 7))
    nan[0, 0, 1, 1] = np.nan
    nan[1, 1, 4, 4] = np.nan
    neg_inf = np.full((1, 2, 5, 5), -np.inf)
    neg_inf[0, 1, 3, 3] = 1.0
    return [
        ("w6", rng.standard_normal((64, 8, 8, 8)).astype(np.float32), {"kernel_size": 2}),
        ("overlap_stride1", rng.standard_normal((2, 3, 6, 7)), {"kernel_size": 3, "stride": 1}),
        ("stride_lt_kernel", rng.standard_normal((1, 2, 9, 8)), {"kernel_size": (3, 2), "stride": (2, 1)}),
        ("stride_gt_kernel", rng.standard_normal((2, 1, 9, 10)), {"kernel_size": 2, "stride": 3}),
        ("dilation", rng.standard_normal((2, 2, 9, 9)), {"kernel_size": 2, "stride": 2, "dilation": 2}),
        ("dilation_hw", rng.standard_normal((1, 2, 8, 11)), {"kernel_size": (2, 3), "stride": 1,
                                                             "dilation": (3, 2)}),
        ("ceil_mode_fits", rng.standard_normal((1, 1, 8, 8)), {"kernel_size": 2, "ceil_mode": True}),
        ("ceil_mode_cut", rng.standard_normal((1, 2, 7, 7)), {"kernel_size": 2, "ceil_mode": True}),
        ("padding_general_path", rng.standard_normal((1, 2, 6, 6)), {"kernel_size": 3, "stride": 2,
                                                                     "padding": 1}),
        ("1x1", rng.standard_normal((2, 2, 3, 3)), {"kernel_size": 1}),
        ("whole_plane", rng.standard_normal((2, 3, 4, 5)), {"kernel_size": (4, 5)}),
        ("unbatched", rng.standard_normal((3, 7, 7)), {"kernel_size": 3, "stride": 2}),
        ("ties", ties, {"kernel_size": 2}),
        ("ties_overlap", ties, {"kernel_size": 3, "stride": 1}),
        ("nan", nan, {"kernel_size": 2}),
        ("nan_overlap", nan, {"kernel_size": 3, "stride": 2}),
        ("neg_inf", neg_inf, {"kernel_size": 2, "stride": 1}),
        ("int", rng.integers(-3, 3, (2, 2, 6, 6)), {"kernel_size": 3, "stride": 1}),
    ]


@pytest.mark.parametrize("noncontig", [False, True])
@pytest.mark.parametrize("name, x, kwargs", _pool_inputs(), ids=[c[0] for c in _pool_inputs()])
def test_max_pool2d_matches_torch(name: str, x: np.ndarray, kwargs: dict, noncontig: bool) -> None:
    results = []
    for m in (ember, torch):
        base = m.from_numpy(np.ascontiguousarray(np.swapaxes(x, -1, -2)) if noncontig else x.copy())
        floating = x.dtype.kind == "f"
        if floating:
            base.requires_grad_(True)
        t = base.transpose(-1, -2) if noncontig else base
        values, indices = m.nn.functional.max_pool2d(t, return_indices=True, **kwargs)
        grad = None
        if floating:
            g = m.from_numpy(np.cos(np.arange(values.numel())).astype(x.dtype).reshape(tuple(values.shape)))
            values.backward(g)
            grad = base.grad.numpy()
        results.append((values.detach().numpy(), indices.numpy(), grad))
    (ev, ei, eg), (tv, ti, tg) = results
    assert ev.dtype == tv.dtype and ei.dtype == ti.dtype
    np.testing.assert_array_equal(ev, tv)
    np.testing.assert_array_equal(ei, ti)
    if eg is not None:
        # Overlapping windows add up to kh * kw gradients in one place, in either order.
        np.testing.assert_allclose(eg, tg, **_tol(x.dtype))


@pytest.mark.parametrize("shape, k, s, d", [
    ((2, 3, 8, 8), [2, 2], [2, 2], [1, 1]),
    ((3, 7, 10), [3, 2], [1, 2], [1, 1]),
    ((2, 2, 9, 9), [2, 3], [2, 1], [3, 2]),
    ((1, 1, 5, 5), [5, 5], [5, 5], [1, 1]),
])
@pytest.mark.parametrize("special", ["none", "nan", "ties", "neg_inf"])
def test_unpadded_and_general_paths_agree(shape: tuple, k: list, s: list, d: list, special: str) -> None:
    x = np.random.default_rng(1).standard_normal(shape)
    if special == "nan":
        x[..., 0, 0] = np.nan
        x[..., -1, 1] = np.nan
    elif special == "ties":
        x = np.round(x)
    elif special == "neg_inf":
        x[..., :3, :] = -np.inf
    out = tuple((shape[-2 + i] - d[i] * (k[i] - 1) - 1) // s[i] + 1 for i in range(2))
    fast = nn_pool._unpadded_max(x, k, s, d, out)
    general = nn_pool._windows_max(x, nn_pool._window_positions(out[0], k[0], s[0], 0, d[0]),
                                   nn_pool._window_positions(out[1], k[1], s[1], 0, d[1]))
    for a, b in zip(fast, general, strict=True):
        np.testing.assert_array_equal(a, b)
        assert a.dtype == b.dtype and a.flags.c_contiguous


def test_max_pool2d_gradcheck_and_gradgradcheck() -> None:
    x = ember.tensor(np.random.default_rng(2).standard_normal((2, 2, 7, 6)), requires_grad=True)
    for kwargs in ({"kernel_size": 2}, {"kernel_size": 3, "stride": 1}, {"kernel_size": 2, "dilation": 2}):
        def f(x: Any, kwargs: dict = kwargs) -> Any:
            return ember.nn.functional.max_pool2d(x, **kwargs)

        assert gradcheck(f, (x,))
        assert gradgradcheck(f, (x,))


# ---------------------------------------------------------------------------------------
# nll_loss and cross_entropy
# ---------------------------------------------------------------------------------------
def _nll_case(shape: tuple, ignore: int, some_ignored: bool, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    c = shape[1] if len(shape) > 1 else shape[0]
    x = rng.standard_normal(shape)
    tshape = (shape[0],) + shape[2:] if len(shape) > 1 else ()
    t = rng.integers(0, c, tshape)
    if some_ignored:
        if t.ndim:
            t.flat[::3] = ignore
        else:
            t = np.array(ignore)
    return x, t


NLL_SHAPES = [(6, 5), (5,), (3, 4, 2, 3), (2, 3, 4)]


@pytest.mark.parametrize("loss", ["nll_loss", "cross_entropy"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("ignored", ["none", "some", "all"])
@pytest.mark.parametrize("shape", NLL_SHAPES, ids=[str(s) for s in NLL_SHAPES])
def test_nll_values_and_grads_match_torch(shape: tuple, ignored: str, weighted: bool, reduction: str, dtype: Any,
                                          loss: str) -> None:
    ignore = 1 if ignored == "all" else -100
    x, t = _nll_case(shape, ignore, ignored == "some")
    if ignored == "all":
        t = np.full_like(t, 1)
    x = x.astype(dtype)
    c = shape[1] if len(shape) > 1 else shape[0]
    w = np.linspace(0.5, 2.0, c).astype(dtype)
    results = []
    for m in (ember, torch):
        xt = m.tensor(x, requires_grad=True)
        out = getattr(m.nn.functional, loss)(xt, m.tensor(t), weight=m.tensor(w) if weighted else None,
                                             ignore_index=ignore, reduction=reduction)
        g = np.linspace(-1.0, 2.0, out.numel()).reshape(tuple(out.shape)).astype(dtype)
        out.backward(m.tensor(g))
        results.append((out.detach().numpy(), xt.grad.numpy()))
    (ev, eg), (tv, tg) = results
    assert ev.dtype == tv.dtype and eg.dtype == tg.dtype
    np.testing.assert_allclose(ev, tv, equal_nan=True, **_tol(dtype))
    np.testing.assert_allclose(eg, tg, **_tol(dtype))


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("shape", NLL_SHAPES, ids=[str(s) for s in NLL_SHAPES])
def test_nll_kernel_matches_formula(shape: tuple, weighted: bool, reduction: str) -> None:
    x, t = _nll_case(shape, -100, True, seed=4)
    c = shape[1] if len(shape) > 1 else shape[0]
    weight = ember.tensor(np.linspace(0.0, 2.0, c)) if weighted else None  # a zero weight too
    xt = ember.tensor(x, requires_grad=True)
    out = ember.nn.functional.nll_loss(xt, ember.tensor(t), weight=weight, reduction=reduction)
    g = ember.tensor(np.linspace(-1.0, 2.0, out.numel()).reshape(tuple(out.shape)))
    cls = type(out.grad_fn) if type(out.grad_fn).__name__.startswith("Nll") else nn_loss.NllLoss2DBackward0
    with _Spy(cls) as spy:
        (fast,) = ember.autograd.grad(out, xt, g, retain_graph=True)
    assert spy.used == 1
    (formula,) = ember.autograd.grad(out, xt, g, create_graph=True)
    np.testing.assert_array_equal(fast.numpy(), formula.detach().numpy())


@pytest.mark.parametrize("value", [np.inf, np.nan])
def test_nll_kernel_keeps_nonfinite_grads_at_targets_only(value: float) -> None:
    x, t = _nll_case((4, 3), -100, True)
    results = []
    for m in (ember, torch):
        xt = m.tensor(x, requires_grad=True)
        out = m.nn.functional.nll_loss(xt, m.tensor(t), reduction="none")
        out.backward(m.tensor(np.full(4, value)))
        results.append(xt.grad.numpy())
    np.testing.assert_array_equal(results[0], results[1])


@pytest.mark.parametrize("target", [5, -1, -7])
def test_nll_target_out_of_bounds(target: int) -> None:
    x, t = _nll_case((4, 5), -100, False)
    t[2] = target
    with pytest.raises(IndexError, match=f"Target {target} is out of bounds."):
        ember.nn.functional.nll_loss(ember.tensor(x), ember.tensor(t))
    t[2] = -100  # ignored, not out of bounds
    ember.nn.functional.nll_loss(ember.tensor(x), ember.tensor(t))


def test_nll_uint8_target() -> None:
    x, t = _nll_case((6, 4), -100, False)
    e = ember.nn.functional.cross_entropy(ember.tensor(x), ember.tensor(t.astype(np.uint8)), reduction="sum")
    tr = torch.nn.functional.cross_entropy(torch.tensor(x), torch.tensor(t.astype(np.uint8)).long(), reduction="sum")
    np.testing.assert_allclose(e.item(), tr.item(), rtol=1e-12)


def test_cross_entropy_gradcheck_and_gradgradcheck() -> None:
    x, t = _nll_case((5, 4), -100, True)
    xt = ember.tensor(x, requires_grad=True)
    w = ember.tensor(np.linspace(0.5, 1.5, 4))
    for reduction in ("mean", "sum", "none"):
        def f(x: Any, reduction: str = reduction) -> Any:
            return ember.nn.functional.cross_entropy(x, ember.tensor(t), weight=w, reduction=reduction)

        assert gradcheck(f, (xt,))
        assert gradgradcheck(f, (xt,))


def test_nll_target_changed_in_place_after_forward() -> None:
    """The Node keeps its own copy of the targets, so a later in-place change does not move the gradient."""
    x, t = _nll_case((4, 3), -100, False)
    target = ember.tensor(t)
    xt = ember.tensor(x, requires_grad=True)
    loss = ember.nn.functional.cross_entropy(xt, target)
    target.fill_(0)
    loss.backward()
    tx = torch.tensor(x, requires_grad=True)
    torch.nn.functional.cross_entropy(tx, torch.tensor(t)).backward()
    np.testing.assert_allclose(xt.grad.numpy(), tx.grad.numpy(), rtol=1e-12)


@pytest.mark.parametrize("op", ["conv2d", "max_pool2d", "adaptive_max_pool2d"])
def test_empty_batch_backward(op: str) -> None:
    """A batch of 0: gradients of the right (empty) shape, first and second order."""
    x_np = np.zeros((0, 2, 6, 6))
    w_np = np.random.default_rng(0).standard_normal((3, 2, 3, 3))
    shapes = []
    for m in (ember, torch):
        x = m.tensor(x_np, requires_grad=True)
        w = m.tensor(w_np, requires_grad=True)
        f = m.nn.functional
        if op == "conv2d":
            y = f.conv2d(x, w, padding=1)
        elif op == "max_pool2d":
            y = f.max_pool2d(x, 2)
        else:
            y = f.adaptive_max_pool2d(x, 3)
        (gx,) = m.autograd.grad(y.sum(), x, create_graph=True)
        y.sum().backward()
        w_grad = None if w.grad is None else float(w.grad.abs().sum())
        shapes.append((tuple(y.shape), tuple(x.grad.shape), tuple(gx.shape), w_grad))
    assert shapes[0] == shapes[1]
