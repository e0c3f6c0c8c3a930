"""Direct tests of the ops added after the differential fuzzer's report (ops/shape_extra.py,
search.py, distance.py, the histc/renorm/trapezoid part of statistics.py, tril/triu_indices).

The registry (op_db_added.py) checks values, dtypes, Node names and gradients on its
samples; here are what a row cannot say: that the views share memory and the version
counter, that the in-place view ops change the tensor itself, PyTorch's error messages,
and edge cases compared value by value with PyTorch. Tests marked ``oracle`` need torch
and are skipped without it; the others always run.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import ember

try:
    import torch
except ImportError:
    torch = None
oracle = pytest.mark.skipif(torch is None, reason="PyTorch (the oracle) is not installed")

MODULES = ("ember", "torch")


def _module(name: str) -> Any:
    return ember if name == "ember" else torch


def _builtin(exc: BaseException) -> type:
    return next(c for c in type(exc).__mro__ if c.__module__ == "builtins")


def same_error(fn: Callable[[Any], Any], message: bool = True) -> str:
    """``fn`` raises in torch and in ember: the same built-in exception type and (``torch.`` read as
    ``ember.``) the same message. Returns ember's message."""
    with pytest.raises(Exception) as expected:  # noqa: PT011 - whatever torch raises
        fn(torch)
    with pytest.raises(Exception) as got:  # noqa: PT011
        fn(ember)
    assert _builtin(got.value) is _builtin(expected.value), (got.value, expected.value)
    if message:
        assert str(got.value) == str(expected.value).replace("torch.", "ember."), (got.value, expected.value)
    return str(got.value)


def _np(t: Any) -> np.ndarray:
    return t.detach().numpy()


def assert_same(got: Any, expected: Any, rtol: float = 1e-6, atol: float = 1e-6) -> None:
    """Same structure, shapes, dtypes and values (NaN equal to NaN)."""
    if isinstance(expected, (tuple, list)):
        assert isinstance(got, (tuple, list)) and len(got) == len(expected)
        for g, e in zip(got, expected, strict=True):
            assert_same(g, e, rtol, atol)
        return
    if not isinstance(expected, torch.Tensor):
        assert got == expected
        return
    assert tuple(got.shape) == tuple(expected.shape)
    assert str(got.dtype).split(".")[-1] == str(expected.dtype).split(".")[-1]
    assert got.requires_grad == expected.requires_grad
    g, e = _np(got), _np(expected)
    if e.dtype.kind in "fc":
        np.testing.assert_allclose(g, e, rtol=rtol, atol=atol, equal_nan=True)
    else:
        np.testing.assert_array_equal(g, e)


def both(fn: Callable[[Any], Any], **tol: float) -> Any:
    """Run ``fn`` with torch and with ember and compare the results; return ember's."""
    expected = fn(torch)
    got = fn(ember)
    assert_same(got, expected, **tol)
    return got


def node_name(t: Any) -> str | None:
    fn = t.grad_fn
    return None if fn is None else fn.name().replace("torch::", "ember::")


def from_np(m: Any, a: Any, requires_grad: bool = False) -> Any:
    t = m.from_numpy(np.array(a, copy=True))
    return t.requires_grad_() if requires_grad else t


# ---------------------------------------------------------------------------------------
# What exists
# ---------------------------------------------------------------------------------------
FUNCTIONS = [
    "broadcast_tensors", "broadcast_shapes", "atleast_1d", "atleast_2d", "atleast_3d", "meshgrid", "cartesian_prod",
    "block_diag", "cdist", "diff", "searchsorted", "bucketize", "histc", "tril_indices", "triu_indices", "vander",
    "trapezoid", "trapz", "logcumsumexp", "renorm", "cummax", "swapaxes", "swapdims",
]
METHODS = [
    "t_", "squeeze_", "unsqueeze_", "transpose_", "swapaxes_", "swapdims_", "swapaxes", "swapdims", "type_as",
    "unfold", "diff", "histc", "renorm", "renorm_", "logcumsumexp", "cummax", "new_tensor", "new_zeros",
    "new_ones", "new_full", "new_empty",
]


@pytest.mark.parametrize("name", FUNCTIONS)
def test_function_exists(name: str) -> None:
    assert callable(getattr(ember, name))


@pytest.mark.parametrize("name", METHODS)
def test_method_exists(name: str) -> None:
    assert callable(getattr(ember.Tensor, name))


@oracle
@pytest.mark.parametrize("name", FUNCTIONS)
def test_function_exists_in_torch_too(name: str) -> None:
    assert callable(getattr(torch, name))


# ---------------------------------------------------------------------------------------
# In-place view ops
# ---------------------------------------------------------------------------------------
INPLACE_VIEW_OPS = [
    ("t_", (), (2, 3)), ("transpose_", (0, 2), (2, 1, 3)), ("swapaxes_", (1, 0), (2, 3)),
    ("swapdims_", (-1, 0), (2, 3)), ("squeeze_", (), (2, 1, 3, 1)), ("squeeze_", (1,), (2, 1, 3)),
    ("squeeze_", ((0, 2),), (1, 3, 1)), ("unsqueeze_", (1,), (2, 3)), ("unsqueeze_", (-1,), ()),
]


@pytest.mark.parametrize("op, args, shape", INPLACE_VIEW_OPS)
def test_inplace_view_op_changes_the_tensor_itself(op: str, args: tuple, shape: tuple) -> None:
    x = ember.from_numpy(np.arange(float(np.prod(shape))).reshape(shape))
    ptr, expected = x.data_ptr(), getattr(x.clone(), op.rstrip("_") if op != "t_" else "t")(*args)
    assert getattr(x, op)(*args) is x
    assert x.shape == expected.shape and x.stride() == expected.stride()
    assert x.data_ptr() == ptr  # the same memory, seen with another shape
    assert x._version == 1
    np.testing.assert_array_equal(x.numpy(), expected.numpy())


def test_inplace_view_op_on_a_view_keeps_it_a_view_of_the_same_memory() -> None:
    base = ember.tensor([[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]])
    v = base[:, 1:]
    v.t_()
    assert v._base is base and v.shape == (2, 2)
    v.mul_(10)  # writes through the transposed view
    assert base.tolist() == [[0.0, 10.0, 20.0], [3.0, 40.0, 50.0]]
    assert base._version == v._version == 2  # one shared counter: t_ and mul_


def test_inplace_view_op_on_a_leaf_that_requires_grad_is_refused_but_not_under_no_grad() -> None:
    x = ember.zeros(2, 3, requires_grad=True)
    for op, args in (("t_", ()), ("squeeze_", ()), ("unsqueeze_", (0,)), ("transpose_", (0, 1))):
        with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an in-place"):
            getattr(x, op)(*args)
    assert x.shape == (2, 3) and x._version == 0
    with ember.no_grad():
        x.t_()
    assert x.shape == (3, 2) and x.is_leaf and x.requires_grad and x.grad_fn is None


def test_inplace_view_op_rebases_the_history() -> None:
    a = ember.arange(6.0, requires_grad=True)
    b = a.view(2, 1, 3) * 2
    old = b.grad_fn
    b.squeeze_(1)
    assert b.grad_fn.name() == "SqueezeBackward4" and b.grad_fn.next_functions[0][0] is old
    assert b.grad_fn._saved_self_sym_sizes == (2, 1, 3) and b.grad_fn._saved_dim == 1
    b.t_()
    assert b.grad_fn.name() == "TBackward1" and b.shape == (3, 2)
    (b * ember.arange(6.0).view(3, 2)).sum().backward()
    assert a.grad.tolist() == [0.0, 4.0, 8.0, 2.0, 6.0, 10.0]


@oracle
@pytest.mark.parametrize("op, args, shape", INPLACE_VIEW_OPS)
def test_inplace_view_op_history_and_gradients_match_torch(op: str, args: tuple, shape: tuple) -> None:
    def run(m: Any) -> tuple:
        a = from_np(m, np.linspace(-1, 1, int(np.prod(shape))).reshape(shape), requires_grad=True)
        b = a * a
        getattr(b, op)(*args)
        w = from_np(m, np.random.default_rng(0).standard_normal(tuple(b.shape)))
        (g,) = m.autograd.grad((b * w).sum(), a, create_graph=True)
        (gg,) = m.autograd.grad(g.sum(), a)
        return node_name(b), b._version, tuple(b.stride()), b, g, gg

    e, t = run(ember), run(torch)
    assert e[:3] == t[:3]
    assert_same(e[3:], t[3:])


@oracle
def test_inplace_view_op_errors_match_torch() -> None:
    same_error(lambda m: m.zeros(2, 2, 2).t_())
    same_error(lambda m: m.zeros(2).squeeze_(3))
    same_error(lambda m: m.zeros(2).unsqueeze_(3))
    same_error(lambda m: m.zeros(2).transpose_(0, 2))
    same_error(lambda m: m.zeros(2, 3, requires_grad=True)[0].t_())  # a view of a leaf

    def no_grad_view(m: Any) -> Any:
        b = m.ones(2, 3, requires_grad=True) * 1
        with m.no_grad():
            v = b[0]
        return v.unsqueeze_(0)

    same_error(no_grad_view)
    same_error(lambda m: (m.ones(2, 3, requires_grad=True) * 1).unbind(0)[0].unsqueeze_(0))

    def inference(m: Any) -> Any:
        with m.inference_mode():
            x = m.zeros(2, 3)
        return x.t_()

    same_error(inference)


@oracle
def test_view_changed_in_place_then_its_base_written_matches_torch() -> None:
    def run(m: Any) -> Any:
        a = m.arange(6.0, requires_grad=True)
        b = a.view(2, 3) * 1
        v = b[:, 1:]
        v.t_()
        b.mul_(m.tensor([2.0, 3.0, 4.0]))  # v's history is regenerated from b's, with v's new layout
        (v * m.arange(4.0).view(2, 2)).sum().backward()
        return node_name(v), v, a.grad

    assert_same(run(ember), run(torch))


@oracle
def test_saved_tensor_changed_by_an_inplace_view_op_is_refused() -> None:
    def run(m: Any) -> Any:
        p = m.ones(3, 3, requires_grad=True)
        q = p * 1
        r = q * q  # saves q
        q.t_()
        r.sum().backward()

    message = same_error(run, message=False)
    assert "modified by an inplace operation" in message and "is at version 1; expected version 0" in message


# ---------------------------------------------------------------------------------------
# unfold
# ---------------------------------------------------------------------------------------
def test_unfold_is_a_view() -> None:
    x = ember.arange(7.0)
    u = x.unfold(0, 3, 2)
    assert u._base is x and u.data_ptr() == x.data_ptr()
    x.add_(100)
    assert u.tolist() == [[100.0, 101.0, 102.0], [102.0, 103.0, 104.0], [104.0, 105.0, 106.0]]
    assert u._version == x._version == 1
    u[0, 0] = -1  # write through the view
    assert x[0].item() == -1


def test_overlapping_unfold_windows_refuse_a_recorded_inplace_write() -> None:
    y = ember.arange(5.0, requires_grad=True) * 1
    with pytest.raises(NotImplementedError, match="overlap"):
        y.unfold(0, 2, 1).mul_(2)
    y.unfold(0, 2, 2).mul_(2)  # disjoint windows are fine


@oracle
@pytest.mark.parametrize("shape, args", [
    ((2, 7), (1, 3, 2)), ((6,), (0, 3, 1)), ((3, 4), (0, 2, 1)), ((2, 3), (-1, 3, 5)), ((), (0, 1, 1)),
    ((), (0, 0, 3)), ((4, 0), (1, 0, 1)), ((3, 2, 2), (1, 1, 1)),
])
def test_unfold_matches_torch(shape: tuple, args: tuple) -> None:
    def run(m: Any) -> tuple:
        x = from_np(m, np.linspace(-1, 2, int(np.prod(shape))).reshape(shape), requires_grad=True)
        u = x.unfold(*args)
        assert u._base is x
        if not u.numel():
            return u, tuple(u.stride())
        (g,) = m.autograd.grad((u ** 3).sum(), x, create_graph=True)
        (gg,) = m.autograd.grad((g * g).sum(), x)
        return u, tuple(u.stride()), node_name(g), g, gg

    assert_same(run(ember), run(torch))


@oracle
def test_writes_through_and_into_unfold_views_match_torch() -> None:
    def through(m: Any) -> Any:
        a = m.arange(6.0, requires_grad=True)
        y = a * 1
        u = y.unfold(0, 2, 2)  # disjoint windows
        u.mul_(m.tensor([2.0, 3.0]))
        (y * y).sum().backward()
        return node_name(y), node_name(u), y, a.grad

    def into_base(m: Any) -> Any:
        a = m.arange(5.0, requires_grad=True)
        y = a * 1
        u = y.unfold(0, 2, 1)  # overlapping windows, regenerated after the write into y
        y.mul_(2)
        (u * m.arange(8.0).view(4, 2)).sum().backward()
        return node_name(u), u, a.grad

    assert_same(through(ember), through(torch))
    assert_same(into_base(ember), into_base(torch))


# ---------------------------------------------------------------------------------------
# type_as, broadcast_tensors, broadcast_shapes
# ---------------------------------------------------------------------------------------
def test_type_as_returns_the_tensor_itself_when_the_dtype_agrees() -> None:
    x = ember.ones(2, requires_grad=True)
    assert x.type_as(ember.zeros(1)) is x
    y = x.type_as(ember.zeros(1, dtype=ember.float64))
    assert y.dtype == ember.float64 and y.grad_fn.name() == "ToCopyBackward0"
    with pytest.raises(TypeError, match="must be Tensor, not int"):
        x.type_as(1)


def test_broadcast_tensors_gives_views_or_the_tensors_themselves() -> None:
    a, b = ember.ones(3, 1), ember.zeros(3, 4)
    ra, rb = ember.broadcast_tensors(a, b)
    assert rb is b and ra._base is a and ra.data_ptr() == a.data_ptr() and ra.stride() == (1, 0)
    assert ember.broadcast_tensors() == ()


@oracle
def test_broadcast_tensors_matches_torch() -> None:
    both(lambda m: m.broadcast_tensors(m.ones(2, 1, dtype=m.int32), m.zeros(3), m.tensor(2.0)))
    same_error(lambda m: m.broadcast_tensors(m.zeros(2), m.zeros(1), m.zeros(4, 3)))
    same_error(lambda m: m.broadcast_tensors([m.zeros(2), m.zeros(2)]))

    def grads(m: Any) -> Any:
        a = m.tensor([[1.0], [2.0]], requires_grad=True)
        b = m.tensor([3.0, 4.0, 5.0], requires_grad=True)
        x, y = m.broadcast_tensors(a, b)
        (x * y * m.arange(6.0).view(2, 3)).sum().backward()
        return node_name(x), a.grad, b.grad

    assert_same(grads(ember), grads(torch))


@oracle
@pytest.mark.parametrize("shapes", [
    ((3, 1), (4,)), ((2,), (3, 1), (1, 1, 1)), (3, 1), ((0,), (1,)), ((), (2,)), ((3, 1), None, [1, 1, 4]),
    (), ((5,),), (True, (1, 1)),
])
def test_broadcast_shapes_matches_torch(shapes: tuple) -> None:
    got, expected = ember.broadcast_shapes(*shapes), torch.broadcast_shapes(*shapes)
    assert isinstance(got, ember.Size) and tuple(got) == tuple(expected)


@oracle
@pytest.mark.parametrize("shapes", [
    ((2,), (3,)), ((0,), (2,)), ((3, 1), (4,), 2), ((-1,),), ((2.0,),), ("a",), (np.int64(2), (1, 1)),
])
def test_broadcast_shapes_errors_match_torch(shapes: tuple) -> None:
    same_error(lambda m: m.broadcast_shapes(*shapes))


def test_broadcast_shapes_refuses_a_tensor() -> None:
    with pytest.raises(RuntimeError, match="Input shapes should be of type ints"):
        ember.broadcast_shapes(ember.tensor([2, 3]))


# ---------------------------------------------------------------------------------------
# cartesian_prod, block_diag, diff, vander
# ---------------------------------------------------------------------------------------
def test_cartesian_prod_of_one_tensor_is_the_tensor() -> None:
    x = ember.tensor([1, 2, 3])
    assert ember.cartesian_prod(x) is x


@oracle
def test_cartesian_prod_matches_torch() -> None:
    both(lambda m: m.cartesian_prod(m.tensor([1, 2]), m.tensor([3, 4, 5]), m.tensor([6])))
    both(lambda m: m.cartesian_prod(m.tensor([1.0, 2.0]), m.zeros(0)))
    same_error(lambda m: m.cartesian_prod(m.zeros(2, 2), m.zeros(2)))
    same_error(lambda m: m.cartesian_prod(m.tensor(1.0), m.zeros(2)))
    same_error(lambda m: m.cartesian_prod())
    same_error(lambda m: m.cartesian_prod(m.arange(2), m.arange(3.0)))


@oracle
def test_block_diag_matches_torch() -> None:
    both(lambda m: m.block_diag())
    both(lambda m: m.block_diag(m.ones(0, 2), m.ones(2, 0), m.ones(0)))
    both(lambda m: m.block_diag(m.ones(2, 2, dtype=m.int32), m.ones(1, dtype=m.int64), m.tensor(True)))
    both(lambda m: m.block_diag(m.ones(2, dtype=m.float32), m.tensor(2.0, dtype=m.float64)))
    same_error(lambda m: m.block_diag(m.ones(2), m.ones(2, 2, 2)))

    def grads(m: Any) -> Any:
        xs = [from_np(m, np.arange(1.0, 7.0).reshape(2, 3), True), from_np(m, [1.0, 2.0], True),
              from_np(m, np.array(3.0), True)]
        out = m.block_diag(*xs)
        (out * m.arange(float(out.numel())).view(out.shape)).sum().backward()
        return [node_name(out)] + [x.grad for x in xs]

    assert_same(grads(ember), grads(torch))


@oracle
def test_diff_matches_torch() -> None:
    x = np.array([[1.0, 4.0, 9.0, 16.0], [2.0, 3.0, 5.0, 7.0]])
    both(lambda m: m.diff(from_np(m, x), n=2))
    both(lambda m: m.diff(from_np(m, x), n=9, dim=0))
    both(lambda m: m.diff(m.tensor([True, False, False, True])))
    both(lambda m: m.diff(m.tensor([1, 4, 2], dtype=m.uint8)))
    both(lambda m: from_np(m, x).diff(1, 1, prepend=m.zeros(2, 1, dtype=m.float64), append=m.ones(2, 2)))
    both(lambda m: m.diff(m.tensor([1, 4, 2]), prepend=m.tensor([0.5])))
    same_error(lambda m: m.diff(m.tensor(1.0)))
    same_error(lambda m: m.diff(m.ones(3), n=-1))
    same_error(lambda m: m.diff(m.ones(3, 4), prepend=m.ones(2, 1)))
    same_error(lambda m: m.diff(m.ones(3, 4), append=m.ones(1)))
    same_error(lambda m: m.diff(m.ones(3, 4), dim=2))


def test_diff_of_order_0_is_a_copy() -> None:
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    y = ember.diff(x, n=0)
    assert y is not x and y.data_ptr() != x.data_ptr() and y.tolist() == [1.0, 2.0]
    assert y.grad_fn.name().endswith("CopyBackwards")  # PyTorch: torch::autograd::CopyBackwards
    y.sum().backward()
    assert x.grad.tolist() == [1.0, 1.0]


@oracle
def test_vander_matches_torch_and_its_backward_fails_as_torchs_does() -> None:
    for n, increasing in ((None, False), (4, True), (1, False), (0, True)):
        both(lambda m, n=n, inc=increasing: m.vander(m.tensor([2, -1, 3], dtype=m.int32), N=n, increasing=inc))
        both(lambda m, n=n, inc=increasing: m.vander(m.tensor([0.5, 2.0, -1.5]), N=n, increasing=inc))
    both(lambda m: m.vander(m.tensor([True, False])))
    same_error(lambda m: m.vander(m.ones(2, 2)))
    same_error(lambda m: m.vander(m.ones(2), N=-1))
    # PyTorch's vander fills its columns in place, then overwrites what cumprod saved
    same_error(lambda m: m.vander(m.tensor([1.0, 2.0], requires_grad=True)).sum().backward(), message=False)


# ---------------------------------------------------------------------------------------
# searchsorted, bucketize, histc, tril_indices, triu_indices
# ---------------------------------------------------------------------------------------
@oracle
@pytest.mark.parametrize("seed", range(6))
def test_searchsorted_and_bucketize_match_torch_on_random_data(seed: int) -> None:
    rng = np.random.default_rng(seed)
    bounds = np.sort(rng.integers(-4, 5, (3, 7)).astype(np.float64), axis=-1)  # many ties
    values = rng.integers(-5, 6, (3, 5)).astype(np.float64)
    values[0, :2] = [np.nan, np.inf]
    for right in (False, True):
        both(lambda m, r=right: m.searchsorted(from_np(m, bounds), from_np(m, values), right=r))
        both(lambda m, r=right: m.searchsorted(from_np(m, bounds[0]), from_np(m, values), right=r))
        both(lambda m, r=right: m.bucketize(from_np(m, values), from_np(m, bounds[1]), right=r, out_int32=True))
    unsorted = rng.permutation(bounds[2])
    order = np.argsort(unsorted, kind="stable")
    both(lambda m: m.searchsorted(from_np(m, unsorted), from_np(m, values[2]), sorter=from_np(m, order)))
    with_nan = np.array([1.0, 3.0, np.nan, np.nan])
    both(lambda m: m.searchsorted(from_np(m, with_nan), from_np(m, [0.0, 2.0, 5.0, np.nan]), side="right"))
    both(lambda m: m.searchsorted(from_np(m, bounds[0].astype(np.int64)), 1.5))
    both(lambda m: m.bucketize(2, from_np(m, bounds[0])))


@oracle
def test_searchsorted_errors_match_torch() -> None:
    s = np.array([1.0, 3.0, 5.0, 7.0])
    same_error(lambda m: m.searchsorted(from_np(m, s), m.tensor([3.0]), side="middle"))
    same_error(lambda m: m.searchsorted(from_np(m, s), m.tensor([3.0]), right=True, side="left"))
    same_error(lambda m: m.searchsorted(from_np(m, s), m.tensor([3.0]), sorter=m.tensor([0, 1])))
    same_error(lambda m: m.searchsorted(from_np(m, s), m.tensor([3.0]), sorter=m.tensor([0, 1, 2, 3],
                                                                                         dtype=m.int32)))
    same_error(lambda m: m.searchsorted(from_np(m, s), m.tensor([3.0]), sorter=m.tensor([0, 1, 2, 4])))
    same_error(lambda m: m.searchsorted(m.ones(2, 3), m.ones(1, 1)))
    same_error(lambda m: m.searchsorted(m.ones(2, 3), m.ones(2)))
    same_error(lambda m: m.searchsorted(m.ones(2, 3), 2.5))
    same_error(lambda m: m.searchsorted(m.tensor(1.0), m.ones(2)))
    same_error(lambda m: m.bucketize(m.ones(2), m.ones(2, 2)))
    same_error(lambda m: m.bucketize(m.ones(2), m.tensor(1.0)))


@oracle
@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
def test_histc_matches_torch(dtype: str) -> None:
    rng = np.random.default_rng(3)
    x = rng.standard_normal(200).astype(dtype)
    for kwargs in ({}, {"bins": 7}, {"bins": 10, "min": -1, "max": 1}, {"bins": 3, "min": 0.25, "max": 0.25}):
        both(lambda m, k=kwargs: m.histc(from_np(m, x), **k))
        both(lambda m, k=kwargs: from_np(m, x.reshape(20, 10)).histc(**k))
    edges = np.linspace(-1, 1, 41).astype(dtype)  # values on every bin edge
    both(lambda m: m.histc(from_np(m, edges), bins=8, min=-1, max=1))
    both(lambda m: m.histc(from_np(m, np.array([2.0, 2.0], dtype)), bins=4))
    both(lambda m: m.histc(m.zeros(0), bins=3))


@oracle
def test_histc_errors_match_torch() -> None:
    x = np.array([1.0, 2.0, 7.0], np.float32)
    same_error(lambda m: m.histc(from_np(m, x), bins=0))
    same_error(lambda m: m.histc(from_np(m, x), bins=-2))
    same_error(lambda m: m.histc(from_np(m, x), bins=3, min=3, max=1))
    same_error(lambda m: m.histc(from_np(m, x), bins=3, min=0, max=float("inf")))
    same_error(lambda m: m.histc(m.tensor([1.0, float("inf")]), bins=2))
    same_error(lambda m: m.histc(m.tensor([1, 2])))
    same_error(lambda m: m.histc(from_np(m, x), bins=2.0))


@oracle
def test_tril_and_triu_indices_match_torch() -> None:
    for name in ("tril_indices", "triu_indices"):
        for row in range(5):
            for col in range(5):
                for offset in (-6, -2, -1, 0, 1, 3, 6):
                    both(lambda m, n=name, r=row, c=col, k=offset: getattr(m, n)(r, c, k))
        both(lambda m, n=name: getattr(m, n)(3, 4, dtype=m.int32))
        both(lambda m, n=name: getattr(m, n)(row=2, col=3, offset=1))
        for bad in ((-1, 3), (3, -2)):
            same_error(lambda m, n=name, b=bad: getattr(m, n)(*b))
        same_error(lambda m, n=name: getattr(m, n)(3, 3, dtype=m.float32))
        same_error(lambda m, n=name: getattr(m, n)(3, 3, dtype=m.int16))
        same_error(lambda m, n=name: getattr(m, n)(3, 3, requires_grad=True))
        same_error(lambda m, n=name: getattr(m, n)(3.0, 3))
        same_error(lambda m, n=name: getattr(m, n)(3, 3, 1.5))


# ---------------------------------------------------------------------------------------
# renorm, trapezoid
# ---------------------------------------------------------------------------------------
@oracle
def test_renorm_matches_torch() -> None:
    x = np.array([[3.0, 4.0], [0.3, 0.4], [-1.0, 2.0]])
    for p, dim, maxnorm in ((2, 0, 1.0), (1, 1, 2.5), (float("inf"), 0, 1.5), (0.5, -1, 3.0), (3, 0, 0.0)):
        both(lambda m, a=(p, dim, maxnorm): m.renorm(from_np(m, x), *a))
        both(lambda m, a=(p, dim, maxnorm): from_np(m, x.astype(np.float32)).renorm(*a))
    both(lambda m: m.renorm(from_np(m, x.astype(np.float16)), 2, 0, 1.0), rtol=1e-3, atol=1e-3)

    def inplace(m: Any) -> Any:
        a = from_np(m, x, requires_grad=True)
        y = a * 1
        assert y.renorm_(2, 0, 1.0) is y
        (y * y).sum().backward()
        return node_name(y), y, a.grad

    assert_same(inplace(ember), inplace(torch))


@oracle
def test_renorm_errors_match_torch() -> None:
    same_error(lambda m: m.renorm(m.ones(2, 2), 0, 0, 1.0))
    same_error(lambda m: m.renorm(m.ones(2, 2), -1, 0, 1.0))
    same_error(lambda m: m.renorm(m.ones(2, 2), 2, 0, -1.0))
    same_error(lambda m: m.renorm(m.ones(2, 2), 2, 0, -1.5))
    same_error(lambda m: m.renorm(m.ones(3), 2, 0, 1.0))
    same_error(lambda m: m.renorm(m.ones(3, 3, dtype=m.int64), 2, 0, 1.0))
    same_error(lambda m: m.renorm(m.ones(3, 3), 2, 2, 1.0))
    same_error(lambda m: m.ones(2, 2, requires_grad=True).renorm_(2, 0, 1.0))


@oracle
def test_trapezoid_matches_torch() -> None:
    y = np.array([[1.0, 2.0, 4.0, 3.0], [0.0, -1.0, 1.0, 2.0]])
    both(lambda m: m.trapezoid(from_np(m, y)))
    both(lambda m: m.trapezoid(from_np(m, y), dx=0.25, dim=0))
    both(lambda m: m.trapezoid(from_np(m, y), from_np(m, [0.0, 1.0, 3.0, 3.5])))
    both(lambda m: m.trapezoid(from_np(m, y), m.tensor([0, 1, 3, 4])))
    both(lambda m: m.trapz(m.tensor([1, 2, 3]), dx=2))
    both(lambda m: m.trapezoid(m.ones(3, 0)))
    both(lambda m: m.trapezoid(m.ones(2, 0, dtype=m.int64), dim=1))
    same_error(lambda m: m.trapezoid(m.tensor(1.0)))
    same_error(lambda m: m.trapezoid(m.ones(3, 4), m.ones(3)))
    same_error(lambda m: m.trapezoid(m.tensor([True, False])))
    same_error(lambda m: m.trapezoid(m.ones(3), m.tensor([True, False, True])))
    same_error(lambda m: m.trapezoid(m.ones(3), dx=True))
    same_error(lambda m: m.trapezoid(m.ones(3), dim=1))


# ---------------------------------------------------------------------------------------
# cdist
# ---------------------------------------------------------------------------------------
@oracle
def test_cdist_errors_match_torch() -> None:
    same_error(lambda m: m.cdist(m.ones(3), m.ones(2, 3)))
    same_error(lambda m: m.cdist(m.ones(2, 3), m.ones(3)))
    same_error(lambda m: m.cdist(m.ones(2, 3), m.ones(2, 4)))
    same_error(lambda m: m.cdist(m.ones(2, 3), m.ones(2, 3), p=-1))
    same_error(lambda m: m.cdist(m.ones(2, 3, dtype=m.int64), m.ones(2, 3, dtype=m.int64)))
    same_error(lambda m: m.cdist(m.ones(2, 3, dtype=m.float64), m.ones(2, 3)))
    same_error(lambda m: m.cdist(m.ones(2, 3), m.ones(2, 3), compute_mode="foo"))
    same_error(lambda m: m.cdist(m.ones(2, 2, 3), m.ones(3, 2, 3)))


@oracle
@pytest.mark.parametrize("p", [0.0, 0.5, 1.0, 1.5, 2.0, 3.0, float("inf")])
@pytest.mark.parametrize("mode", ["use_mm_for_euclid_dist_if_necessary", "use_mm_for_euclid_dist",
                                  "donot_use_mm_for_euclid_dist"])
def test_cdist_gradients_match_torch_even_at_ties_and_zero_distances(p: float, mode: str) -> None:
    a = np.array([[0.0, 1.0, 2.0], [1.0, 1.0, 1.0], [2.0, -1.0, 0.5]])
    b = np.array([[0.0, 1.0, 2.0], [3.0, 1.0, -1.0]])  # row 0 of b is row 0 of a: distance 0

    def run(m: Any) -> Any:
        x1, x2 = from_np(m, a, True), from_np(m, b, True)
        d = m.cdist(x1, x2, p=p, compute_mode=mode)
        (d * m.tensor([[1.0, 2.0], [3.0, -1.0], [0.5, 1.0]], dtype=m.float64)).sum().backward()
        return node_name(d), d, x1.grad, x2.grad

    both(run, rtol=1e-6, atol=1e-6)


@oracle
def test_cdist_large_inputs_take_the_matrix_product_path_as_in_torch() -> None:
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((2, 30, 3)), rng.standard_normal((4, 3))

    def run(m: Any) -> Any:
        x1, x2 = from_np(m, a, True), from_np(m, b, True)
        d = m.cdist(x1, x2)
        (d ** 2).sum().backward()
        return node_name(d), d, x1.grad, x2.grad

    both(run, rtol=1e-8, atol=1e-8)


@pytest.mark.parametrize("mode", ["use_mm_for_euclid_dist", "donot_use_mm_for_euclid_dist"])
def test_cdist_has_second_derivatives(mode: str) -> None:
    rng = np.random.default_rng(1)
    x1 = ember.from_numpy(rng.standard_normal((2, 2, 2))).requires_grad_()
    x2 = ember.from_numpy(rng.standard_normal((1, 2))).requires_grad_()
    assert ember.autograd.gradgradcheck(lambda u, v: ember.cdist(u, v, compute_mode=mode), (x1, x2))


# ---------------------------------------------------------------------------------------
# Ops that already existed: meshgrid 'xy', logcumsumexp, cummax, swapaxes, new_*
# ---------------------------------------------------------------------------------------
@oracle
def test_existing_ops_from_the_list_match_torch() -> None:
    x = np.array([[0.5, -1.0, 2.0], [3.0, 0.0, -2.0]])
    both(lambda m: m.meshgrid(m.tensor([1, 2, 3]), m.tensor([4, 5]), indexing="xy"))
    both(lambda m: m.logcumsumexp(from_np(m, x), 1))
    both(lambda m: tuple(m.cummax(from_np(m, x), 0)))
    both(lambda m: from_np(m, x).swapaxes(0, 1))
    both(lambda m: from_np(m, x).new_full((2,), 7))
    both(lambda m: m.atleast_3d(m.tensor([1.0, 2.0])))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        both(lambda m: m.meshgrid(m.tensor([1, 2]), m.tensor([3])))
