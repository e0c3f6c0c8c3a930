"""Convolutions, pooling and interpolate beyond the registry (tests/ops/op_db_nn_conv.py):
errors against PyTorch's, second derivatives against PyTorch's, graphs, edge values,
the no-grad path, and a size a network would use.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import ember
import ember.nn.functional as F  # noqa: N812 - the name PyTorch users write

torch = pytest.importorskip("torch")


def _t(m: Any, *shape: int, dtype: str = "float32") -> Any:
    a = np.random.default_rng(0).standard_normal(shape).astype(dtype)
    return m.from_numpy(a)


def _f(m: Any) -> Any:
    return m.nn.functional


# ---------------------------------------------------------------------------------------
# Errors: the same exception type and message as PyTorch
# ---------------------------------------------------------------------------------------
ERRORS: dict[str, Callable[[Any], Any]] = {
    # conv: input dims
    "conv2d_5d_input": lambda m: _f(m).conv2d(_t(m, 1, 1, 2, 5, 5), _t(m, 3, 2, 3, 3)),
    "conv2d_2d_input": lambda m: _f(m).conv2d(_t(m, 5, 5), _t(m, 3, 2, 3, 3)),
    "conv1d_4d_input": lambda m: _f(m).conv1d(_t(m, 1, 2, 5, 5), _t(m, 3, 2, 3)),
    "conv_transpose2d_2d_input": lambda m: _f(m).conv_transpose2d(_t(m, 5, 5), _t(m, 2, 3, 3, 3)),
    "conv2d_weight_dims": lambda m: _f(m).conv2d(_t(m, 1, 2, 5, 5), _t(m, 3, 2, 3)),
    # channels and groups
    "conv2d_channels": lambda m: _f(m).conv2d(_t(m, 1, 2, 5, 5), _t(m, 3, 3, 3, 3)),
    "conv2d_groups_weight": lambda m: _f(m).conv2d(_t(m, 1, 2, 5, 5), _t(m, 3, 1, 3, 3), groups=2),
    "conv2d_groups_input": lambda m: _f(m).conv2d(_t(m, 1, 3, 5, 5), _t(m, 4, 1, 3, 3), groups=2),
    "conv2d_groups_zero": lambda m: _f(m).conv2d(_t(m, 1, 2, 5, 5), _t(m, 3, 2, 3, 3), groups=0),
    "conv_transpose2d_channels": lambda m: _f(m).conv_transpose2d(_t(m, 1, 2, 5, 5), _t(m, 3, 2, 3, 3)),
    "conv_transpose2d_groups": lambda m: _f(m).conv_transpose2d(_t(m, 1, 2, 5, 5), _t(m, 2, 3, 3, 3), groups=4),
    "conv_transpose2d_groups_div": lambda m: _f(m).conv_transpose2d(_t(m, 1, 3, 5, 5), _t(m, 3, 3, 3, 3),
                                                                    groups=2),
    # kernel larger than the input
    "conv2d_kernel_too_big": lambda m: _f(m).conv2d(_t(m, 1, 2, 5, 5), _t(m, 3, 2, 6, 6)),
    "conv2d_dilated_too_big": lambda m: _f(m).conv2d(_t(m, 1, 2, 5, 5), _t(m, 3, 2, 3, 3), dilation=3),
    "conv1d_kernel_too_big": lambda m: _f(m).conv1d(_t(m, 1, 2, 2), _t(m, 3, 2, 3)),
    "conv_transpose2d_too_small": lambda m: _f(m).conv_transpose2d(_t(m, 1, 2, 5, 5), _t(m, 2, 3, 3, 3), padding=5),
    # padding, stride, dilation, output_padding
    "conv2d_bad_padding_string": lambda m: _f(m).conv2d(_t(m, 1, 2, 5, 5), _t(m, 3, 2, 3, 3), padding="foo"),
    "conv2d_same_strided": lambda m: _f(m).conv2d(_t(m, 1, 2, 5, 5), _t(m, 3, 2, 3, 3), padding="same", stride=2),
    "conv_transpose2d_padding_string": lambda m: _f(m).conv_transpose2d(_t(m, 1, 2, 5, 5), _t(m, 2, 3, 3, 3),
                                                                        padding="same"),
    "conv2d_negative_padding": lambda m: _f(m).conv2d(_t(m, 1, 2, 5, 5), _t(m, 3, 2, 3, 3), padding=-1),
    "conv2d_zero_stride": lambda m: _f(m).conv2d(_t(m, 1, 2, 5, 5), _t(m, 3, 2, 3, 3), stride=0),
    "conv2d_zero_dilation": lambda m: _f(m).conv2d(_t(m, 1, 2, 5, 5), _t(m, 3, 2, 3, 3), dilation=0),
    "conv2d_stride_length": lambda m: _f(m).conv2d(_t(m, 1, 2, 5, 5), _t(m, 3, 2, 3, 3), stride=(1, 1, 1)),
    "conv2d_padding_length": lambda m: _f(m).conv2d(_t(m, 1, 2, 5, 5), _t(m, 3, 2, 3, 3), padding=(1, 1, 1)),
    "conv_transpose2d_output_padding": lambda m: _f(m).conv_transpose2d(_t(m, 1, 2, 5, 5), _t(m, 2, 3, 3, 3),
                                                                        output_padding=1),
    "conv_transpose2d_negative_output_padding": lambda m: _f(m).conv_transpose2d(
        _t(m, 1, 2, 5, 5), _t(m, 2, 3, 3, 3), output_padding=-1),
    # bias and dtypes
    "conv2d_bias_size": lambda m: _f(m).conv2d(_t(m, 1, 2, 5, 5), _t(m, 3, 2, 3, 3), _t(m, 2)),
    "conv_transpose2d_bias_size": lambda m: _f(m).conv_transpose2d(_t(m, 1, 2, 5, 5), _t(m, 2, 3, 3, 3), _t(m, 2)),
    "conv2d_weight_dtype": lambda m: _f(m).conv2d(_t(m, 1, 2, 5, 5), _t(m, 3, 2, 3, 3, dtype="float64")),
    "conv2d_bias_dtype": lambda m: _f(m).conv2d(_t(m, 1, 2, 5, 5), _t(m, 3, 2, 3, 3), _t(m, 3, dtype="float64")),
    # max pooling
    "max_pool2d_2d_input": lambda m: _f(m).max_pool2d(_t(m, 5, 5), 2),
    "max_pool2d_zero_kernel": lambda m: _f(m).max_pool2d(_t(m, 1, 2, 5, 5), 0),
    "max_pool2d_zero_stride": lambda m: _f(m).max_pool2d(_t(m, 1, 2, 5, 5), 2, stride=0),
    "max_pool2d_padding_too_big": lambda m: _f(m).max_pool2d(_t(m, 1, 2, 5, 5), 2, padding=2),
    "max_pool2d_negative_padding": lambda m: _f(m).max_pool2d(_t(m, 1, 2, 5, 5), 2, padding=-1),
    "max_pool2d_kernel_too_big": lambda m: _f(m).max_pool2d(_t(m, 1, 2, 5, 5), 6),
    "max_pool2d_zero_dilation": lambda m: _f(m).max_pool2d(_t(m, 1, 2, 5, 5), 2, dilation=0),
    "max_pool2d_kernel_length": lambda m: _f(m).max_pool2d(_t(m, 1, 2, 5, 5), (2, 2, 2)),
    "max_pool2d_empty_plane": lambda m: _f(m).max_pool2d(_t(m, 1, 2, 0, 5), 2),
    "max_pool1d_1d_input": lambda m: _f(m).max_pool1d(_t(m, 5), 2),
    "max_pool1d_zero_kernel": lambda m: _f(m).max_pool1d(_t(m, 2, 5), 0),
    "max_pool1d_padding_too_big": lambda m: _f(m).max_pool1d(_t(m, 2, 5), 2, padding=2),
    "max_pool1d_kernel_too_big": lambda m: _f(m).max_pool1d(_t(m, 2, 5), 7),
    # average pooling
    "avg_pool2d_padding_too_big": lambda m: _f(m).avg_pool2d(_t(m, 1, 2, 5, 5), 2, padding=2),
    "avg_pool2d_kernel_too_big": lambda m: _f(m).avg_pool2d(_t(m, 1, 2, 5, 5), 6),
    "avg_pool2d_2d_input": lambda m: _f(m).avg_pool2d(_t(m, 5, 5), 2),
    "avg_pool2d_5d_input": lambda m: _f(m).avg_pool2d(_t(m, 1, 1, 5, 5, 5), 2),
    "avg_pool2d_zero_divisor": lambda m: _f(m).avg_pool2d(_t(m, 1, 2, 5, 5), 2, divisor_override=0),
    "avg_pool2d_zero_kernel": lambda m: _f(m).avg_pool2d(_t(m, 1, 2, 5, 5), 0),
    "avg_pool1d_1d_input": lambda m: _f(m).avg_pool1d(_t(m, 5), 2),
    "avg_pool1d_kernel_too_big": lambda m: _f(m).avg_pool1d(_t(m, 2, 5, 5), 7),
    # adaptive pooling
    "adaptive_avg_pool2d_1d_input": lambda m: _f(m).adaptive_avg_pool2d(_t(m, 5), 2),
    "adaptive_avg_pool2d_negative": lambda m: _f(m).adaptive_avg_pool2d(_t(m, 1, 2, 5, 5), -1),
    "adaptive_avg_pool2d_length": lambda m: _f(m).adaptive_avg_pool2d(_t(m, 1, 2, 5, 5), (2, 2, 2)),
    "adaptive_avg_pool2d_int": lambda m: _f(m).adaptive_avg_pool2d(_t(m, 1, 2, 5, 5, dtype="int64"), 2),
    "adaptive_avg_pool1d_4d_input": lambda m: _f(m).adaptive_avg_pool1d(_t(m, 1, 1, 5, 5), 2),
    "adaptive_max_pool2d_1d_input": lambda m: _f(m).adaptive_max_pool2d(_t(m, 5), 2),
    "adaptive_max_pool2d_negative": lambda m: _f(m).adaptive_max_pool2d(_t(m, 1, 2, 5, 5), -1),
    # interpolate
    "interpolate_size_and_scale": lambda m: _f(m).interpolate(_t(m, 1, 2, 5, 5), size=3, scale_factor=2),
    "interpolate_neither": lambda m: _f(m).interpolate(_t(m, 1, 2, 5, 5)),
    "interpolate_bad_mode": lambda m: _f(m).interpolate(_t(m, 1, 2, 5, 5), size=3, mode="foo"),
    "interpolate_align_corners_nearest": lambda m: _f(m).interpolate(_t(m, 1, 2, 5, 5), size=3, align_corners=True),
    "interpolate_bilinear_3d": lambda m: _f(m).interpolate(_t(m, 2, 5, 5), size=3, mode="bilinear"),
    "interpolate_size_length": lambda m: _f(m).interpolate(_t(m, 1, 2, 5, 5), size=(3, 3, 3)),
    "interpolate_scale_length": lambda m: _f(m).interpolate(_t(m, 1, 2, 5, 5), scale_factor=(2, 2, 2)),
    "interpolate_zero_size": lambda m: _f(m).interpolate(_t(m, 1, 2, 5, 5), size=0),
    "interpolate_negative_scale": lambda m: _f(m).interpolate(_t(m, 1, 2, 5, 5), scale_factor=-1.0),
    "interpolate_int": lambda m: _f(m).interpolate(_t(m, 1, 2, 5, 5, dtype="int64"), size=3),
    # unfold / fold
    "unfold_2d_input": lambda m: _f(m).unfold(_t(m, 5, 5), 2),
    "unfold_5d_input": lambda m: _f(m).unfold(_t(m, 1, 1, 2, 5, 5), 2),
    "unfold_kernel_too_big": lambda m: _f(m).unfold(_t(m, 1, 2, 5, 5), 6),
    "unfold_zero_kernel": lambda m: _f(m).unfold(_t(m, 1, 2, 5, 5), 0),
    "unfold_zero_stride": lambda m: _f(m).unfold(_t(m, 1, 2, 5, 5), 2, stride=0),
    "unfold_zero_dilation": lambda m: _f(m).unfold(_t(m, 1, 2, 5, 5), 2, dilation=0),
    "unfold_negative_padding": lambda m: _f(m).unfold(_t(m, 1, 2, 5, 5), 2, padding=-1),
    "unfold_kernel_length": lambda m: _f(m).unfold(_t(m, 1, 2, 5, 5), (2, 2, 2)),
    "unfold_int": lambda m: _f(m).unfold(_t(m, 1, 2, 5, 5, dtype="int64"), 2),
    "fold_4d_input": lambda m: _f(m).fold(_t(m, 1, 1, 8, 16), (5, 5), 2),
    "fold_channels": lambda m: _f(m).fold(_t(m, 1, 7, 16), (5, 5), 2),
    "fold_blocks": lambda m: _f(m).fold(_t(m, 1, 8, 15), (5, 5), 2),
    "fold_output_size_length": lambda m: _f(m).fold(_t(m, 1, 8, 16), (5,), 2),
    "fold_int": lambda m: _f(m).fold(_t(m, 1, 8, 16, dtype="int64"), (5, 5), 2),
}


def _error(fn: Callable[[Any], Any], m: Any) -> BaseException:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            fn(m)
        except Exception as e:  # noqa: BLE001 - the error is the result
            return e
    raise AssertionError(f"{m.__name__} raised nothing")


def _builtin(exc: BaseException) -> type[BaseException]:
    return next(c for c in type(exc).__mro__ if c.__module__ == "builtins")


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_error_matches_torch(name: str) -> None:
    expected = _error(ERRORS[name], torch)
    got = _error(ERRORS[name], ember)
    assert type(got) is _builtin(expected), f"{type(got).__name__}: {got} (torch: {type(expected).__name__})"
    assert str(got) == str(expected).replace("torch.", "ember."), f"\nember: {got}\ntorch: {expected}"


# ---------------------------------------------------------------------------------------
# Second derivatives against PyTorch (create_graph), beyond gradgradcheck's tiny inputs
# ---------------------------------------------------------------------------------------
def _second_order(m: Any, fn: Callable[..., Any], arrays: list[np.ndarray], seed: int = 1) -> list[np.ndarray]:
    """d/d(inputs) of sum(grad(out . v) * w): a Hessian-vector product through the op."""
    rng = np.random.default_rng(seed)
    xs = [m.from_numpy(a.copy()).requires_grad_(True) for a in arrays]
    out = fn(m, *xs)
    v = m.from_numpy(rng.standard_normal(tuple(out.shape)))
    gs = m.autograd.grad((out * out * v).sum(), xs, create_graph=True)
    total = sum((g * m.from_numpy(rng.standard_normal(tuple(g.shape)))).sum() for g in gs)
    return [g.detach().numpy() for g in m.autograd.grad(total, xs, allow_unused=True)]


SECOND_ORDER: dict[str, tuple[Callable[..., Any], list[tuple]]] = {
    "conv2d": (lambda m, x, w, b: m.nn.functional.conv2d(x, w, b, stride=(2, 1), padding=1, dilation=(1, 2),
                                                         groups=2), [(2, 4, 6, 5), (4, 2, 3, 2), (4,)]),
    "conv1d_same": (lambda m, x, w: m.nn.functional.conv1d(x, w, padding="same"), [(2, 3, 7), (2, 3, 4)]),
    "conv_transpose2d": (lambda m, x, w, b: m.nn.functional.conv_transpose2d(
        x, w, b, stride=2, padding=1, output_padding=1, groups=2, dilation=(1, 2)), [(2, 4, 3, 3), (4, 3, 3, 2), (6,)]),
    "max_pool2d": (lambda m, x: m.nn.functional.max_pool2d(x, 3, 2, 1, ceil_mode=True), [(2, 3, 7, 6)]),
    "avg_pool2d": (lambda m, x: m.nn.functional.avg_pool2d(x, 3, 2, 1, ceil_mode=True, count_include_pad=False),
                   [(2, 3, 7, 6)]),
    "adaptive_max_pool2d": (lambda m, x: m.nn.functional.adaptive_max_pool2d(x, (3, 4)), [(2, 3, 7, 6)]),
    "adaptive_avg_pool2d": (lambda m, x: m.nn.functional.adaptive_avg_pool2d(x, (3, 4)), [(2, 3, 7, 6)]),
    "interpolate_bilinear": (lambda m, x: m.nn.functional.interpolate(x, scale_factor=1.5, mode="bilinear"),
                             [(2, 3, 4, 5)]),
    "unfold": (lambda m, x: m.nn.functional.unfold(x, (2, 3), dilation=(1, 2), padding=1, stride=2), [(2, 3, 5, 6)]),
    "fold": (lambda m, x: m.nn.functional.fold(x, (5, 6), (2, 3), dilation=(1, 2), padding=1, stride=2),
             [(2, 18, 6)]),
}


@pytest.mark.parametrize("name", sorted(SECOND_ORDER))
def test_second_derivative_matches_torch(name: str) -> None:
    fn, shapes = SECOND_ORDER[name]
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal(s) for s in shapes]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = _second_order(torch, fn, arrays)
    got = _second_order(ember, fn, arrays)
    for g, e in zip(got, expected, strict=True):
        np.testing.assert_allclose(g, e, rtol=1e-9, atol=1e-10)


# ---------------------------------------------------------------------------------------
# Graphs, the no-grad path, edge values
# ---------------------------------------------------------------------------------------
def test_one_node_per_conv_and_no_node_without_grad() -> None:
    x = ember.randn(1, 2, 5, 5, requires_grad=True)
    w = ember.randn(3, 2, 3, 3, requires_grad=True)
    b = ember.randn(3, requires_grad=True)
    y = F.conv2d(x, w, b)
    assert y.grad_fn.name() == "ConvolutionBackward0"
    assert [type(n).__name__ for n, _ in y.grad_fn.next_functions] == ["AccumulateGrad"] * 3
    with ember.no_grad():
        z = F.conv2d(x, w, b)
    assert z.grad_fn is None and not z.requires_grad
    assert F.max_pool2d(x.detach(), 2).grad_fn is None


def test_same_padding_with_even_kernel_pads_like_torch() -> None:
    xe = ember.randn(1, 2, 6).requires_grad_()
    xt = torch.from_numpy(xe.detach().numpy().copy()).requires_grad_()
    w = np.random.default_rng(0).standard_normal((3, 2, 4)).astype(np.float32)
    with pytest.warns(UserWarning, match="even kernel lengths"):
        ye = F.conv1d(xe, ember.from_numpy(w), padding="same")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yt = torch.nn.functional.conv1d(xt, torch.from_numpy(w), padding="same")
    assert ye.grad_fn.name() == yt.grad_fn.name() == "ConvolutionBackward0"
    assert ye.grad_fn.next_functions[0][0].name() == yt.grad_fn.next_functions[0][0].name() == \
        "ConstantPadNdBackward0"
    np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("fill", [float("nan"), float("inf"), -float("inf")])
def test_max_pool_edge_values_match_torch(fill: float) -> None:
    a = np.random.default_rng(0).standard_normal((1, 2, 5, 6))
    a[0, 0, 1, 2] = fill
    a[0, 1, :3, :3] = -np.inf  # a window of only -inf picks its first position
    for kwargs in ({"kernel_size": 2}, {"kernel_size": 3, "stride": 2, "padding": 1}):
        ye, ie = F.max_pool2d(ember.from_numpy(a), return_indices=True, **kwargs)
        yt, it = torch.nn.functional.max_pool2d(torch.from_numpy(a), return_indices=True, **kwargs)
        np.testing.assert_array_equal(ye.numpy(), yt.numpy())
        np.testing.assert_array_equal(ie.numpy(), it.numpy())
        assert ie.dtype == ember.int64


@pytest.mark.parametrize("op", ["avg_pool2d", "interpolate"])
def test_nan_stays_local(op: str) -> None:
    """A NaN reaches only the outputs whose windows hold it, as in PyTorch."""
    a = np.random.default_rng(0).standard_normal((1, 1, 6, 6))
    a[0, 0, 0, 0] = np.nan
    args: dict = {"kernel_size": 2} if op == "avg_pool2d" else {"size": (9, 9), "mode": "bilinear"}
    ye = getattr(F, op)(ember.from_numpy(a), **args)
    yt = getattr(torch.nn.functional, op)(torch.from_numpy(a), **args)
    np.testing.assert_array_equal(np.isnan(ye.numpy()), np.isnan(yt.numpy()))
    np.testing.assert_allclose(ye.numpy(), yt.numpy(), rtol=1e-12, equal_nan=True)


def test_int_inputs_match_torch() -> None:
    a = np.arange(-12, 13).reshape(1, 1, 5, 5)
    w = np.arange(-2, 2).reshape(1, 1, 2, 2)
    assert F.conv2d(ember.from_numpy(a), ember.from_numpy(w)).tolist() == \
        torch.nn.functional.conv2d(torch.from_numpy(a), torch.from_numpy(w)).tolist()
    ye = F.avg_pool2d(ember.from_numpy(a), 2)
    assert ye.dtype == ember.int64
    assert ye.tolist() == torch.nn.functional.avg_pool2d(torch.from_numpy(a), 2).tolist()


def test_network_sized_conv_is_fast_and_right() -> None:
    """A batch of 32 RGB 32x32 images through a 3x3 conv and back: BLAS, not Python loops."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((32, 3, 32, 32)).astype(np.float32)
    w = rng.standard_normal((16, 3, 3, 3)).astype(np.float32)
    xe, we = ember.from_numpy(x).requires_grad_(), ember.from_numpy(w).requires_grad_()
    start = time.perf_counter()
    ye = F.max_pool2d(F.conv2d(xe, we, padding=1), 2)
    ye.sum().backward()
    elapsed = time.perf_counter() - start
    xt, wt = torch.from_numpy(x).requires_grad_(), torch.from_numpy(w).requires_grad_()
    yt = torch.nn.functional.max_pool2d(torch.nn.functional.conv2d(xt, wt, padding=1), 2)
    yt.sum().backward()
    np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(we.grad.numpy(), wt.grad.numpy(), rtol=1e-3, atol=1e-2)
    assert elapsed < 2.0, f"{elapsed:.2f} s"
