"""Pooling and resampling behind ``ember.nn.functional``: max/avg/adaptive pools, interpolate.

The 2-D kernels take (N, C, H, W) or unbatched (C, H, W) inputs and record one Node, as
PyTorch does; the 1-D forms add a unit height and squeeze it away again (PyTorch's
graph: ``SqueezeBackward1`` over the 2-D Node).

Two building blocks, each an op with its own derivative, so that every formula can be
differentiated again:

* **A separable linear map.** avg_pool, adaptive_avg_pool and interpolate ('nearest',
  'bilinear', 'linear') are y = A_h x A_w^T: along each spatial axis, output i is a
  weighted sum of a few inputs, ``y[..., i] = sum_j wts[i, j] * x[..., idx[i, j]]``,
  where ``idx == size`` points at an implicit zero (padding, short windows).
  ``axis_gather`` computes it (a gather and a sum: NaN and inf stay local, as in
  PyTorch's kernels) and ``axis_scatter`` its transpose (a scatter-add). Each one's
  derivative is the other:

      d/dx axis_gather(x)   = axis_scatter(grad)
      d/dg axis_scatter(g)  = axis_gather(grad)

* **An index scatter.** max_pool and adaptive_max_pool pick one input per output; the
  gradient goes back to the picked positions (the flat ``h * W + w`` indices PyTorch
  returns), and its own derivative gathers from them:

      d/dx max_pool(x)       = index_scatter(grad, indices)      (0 elsewhere; ties: the first max)
      d/dg index_scatter(g)  = index_gather(grad, indices)
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .._tensor import Tensor
from ._op import derivative, grad_state, record, wrap
from .pointwise import legacy_name
from .reduction import mean
from .shape import squeeze, unsqueeze

__all__ = ["max_pool1d", "max_pool2d", "avg_pool1d", "avg_pool2d", "adaptive_avg_pool1d", "adaptive_avg_pool2d",
           "adaptive_max_pool1d", "adaptive_max_pool2d", "interpolate"]


def _recording(input: Tensor) -> bool:
    return input._rg and grad_state.enabled


# ---------------------------------------------------------------------------------------
# Building block 1: a separable linear map along one axis
# ---------------------------------------------------------------------------------------
class AxisMap:
    """Output i along one axis = sum_j wts[i, j] * x[idx[i, j]]; ``idx == size`` reads a zero."""

    __slots__ = ("idx", "wts", "size")

    def __init__(self, idx: np.ndarray, wts: np.ndarray, size: int) -> None:
        self.idx, self.wts, self.size = idx, wts, size

    def gather(self, x: np.ndarray, axis: int) -> np.ndarray:
        x = np.moveaxis(x, axis, -1)
        ext = np.concatenate([x, np.zeros(x.shape[:-1] + (1,), x.dtype)], axis=-1)
        y = (ext[..., self.idx] * self.wts.astype(x.dtype, copy=False)).sum(-1)
        return np.ascontiguousarray(np.moveaxis(y, -1, axis))

    def scatter(self, g: np.ndarray, axis: int) -> np.ndarray:
        g = np.moveaxis(g, axis, -1)
        rows = math.prod(g.shape[:-1])
        width = self.size + 1
        flat = (np.arange(rows).reshape(-1, 1, 1) * width + self.idx).ravel()
        vals = (g.reshape(rows, -1, 1) * self.wts).ravel()
        out = np.bincount(flat, weights=vals, minlength=rows * width).astype(g.dtype, copy=False)
        out = out.reshape(g.shape[:-1] + (width,))[..., :self.size]
        return np.ascontiguousarray(np.moveaxis(out, -1, axis))


AxisGatherBackward0 = derivative("axis_gather", ("map", "axis"),
                                 lambda grad, m, axis: axis_scatter(grad, m, axis))
AxisScatterBackward0 = derivative("axis_scatter", ("map", "axis"),
                                  lambda grad, m, axis: axis_gather(grad, m, axis))


def axis_gather(x: Tensor, m: AxisMap, axis: int) -> Tensor:
    data = m.gather(x._data, axis)
    return record(AxisGatherBackward0, data, (x,), (m, axis)) if _recording(x) else wrap(data)


def axis_scatter(g: Tensor, m: AxisMap, axis: int) -> Tensor:
    data = m.scatter(g._data, axis)
    return record(AxisScatterBackward0, data, (g,), (m, axis)) if _recording(g) else wrap(data)


def _separable_backward(grad: Tensor, hmap: AxisMap | None, wmap: AxisMap) -> Tensor:
    grad = axis_scatter(grad, wmap, -1)
    return grad if hmap is None else axis_scatter(grad, hmap, -2)


def _separable(cls: type, input: Tensor, hmap: AxisMap | None, wmap: AxisMap, saved: tuple = ()) -> Tensor:
    """wmap along the last axis after hmap along the one before (None: a 1-D map), as one Node of cls."""
    data = input._data if hmap is None else hmap.gather(input._data, -2)
    data = wmap.gather(data, -1)
    if _recording(input):
        return record(cls, data, (input,), saved + (hmap, wmap))
    return wrap(data)


def _node(op: str, saved: tuple) -> type:
    """The Node of a separable op; the last two saved values are its maps."""
    return derivative(op, saved + ("hmap", "wmap"), lambda grad, *s: _separable_backward(grad, s[-2], s[-1]))


# ---------------------------------------------------------------------------------------
# Building block 2: scatter to / gather from flat indices per plane
# ---------------------------------------------------------------------------------------
def _scatter_array(g: np.ndarray, indices: np.ndarray, plane: tuple) -> np.ndarray:
    lead = g.shape[:-2]
    rows = math.prod(lead)
    size = math.prod(plane)
    flat = (np.arange(0, rows * size, size).reshape(-1, 1) + indices.reshape(rows, math.prod(g.shape[-2:]))).ravel()
    out = np.zeros(rows * size, g.dtype)
    # add.at, not a plain store: overlapping windows can pick one input more than once.
    np.add.at(out, flat, g.reshape(-1))
    return out.reshape(lead + plane)


def _gather_array(g: np.ndarray, indices: np.ndarray) -> np.ndarray:
    lead = indices.shape[:-2]
    flat = g.reshape(lead + (math.prod(g.shape[-2:]),))  # sizes, not -1: a batch of 0 has no -1
    return np.take_along_axis(flat, indices.reshape(lead + (math.prod(indices.shape[-2:]),)), -1).reshape(indices.shape)


def index_scatter(grad: Tensor, indices: np.ndarray, plane: tuple, cls: type) -> Tensor:
    """zeros(lead + plane) with grad added at the flat per-plane ``indices``."""
    data = _scatter_array(grad._data, indices, plane)
    return record(cls, data, (grad,), (indices, plane, cls)) if _recording(grad) else wrap(data)


IndexGatherBackward0 = derivative("index_gather", ("indices", "plane", "cls"),
                                  lambda grad, indices, plane, cls: index_scatter(grad, indices, plane, cls))


def index_gather(g: Tensor, indices: np.ndarray, plane: tuple, cls: type) -> Tensor:
    data = _gather_array(g._data, indices)
    return record(IndexGatherBackward0, data, (g,), (indices, plane, cls)) if _recording(g) else wrap(data)


def _index_scatter_class(op: str) -> type:
    """PyTorch's double-backward Node of ``op`` (e.g. MaxPool2DWithIndicesBackwardBackward0)."""
    return derivative(f"{op}_backward", ("indices", "plane", "cls"),
                      lambda grad, indices, plane, cls: index_gather(grad, indices, plane, cls))


_MAX_BACKWARD = _index_scatter_class("max_pool2d_with_indices")
_ADAPTIVE_MAX_BACKWARD = _index_scatter_class("adaptive_max_pool2d")
MaxPool2DWithIndicesBackward0 = derivative(
    "max_pool2d_with_indices", ("self_sym_sizes", "result1"),
    lambda grad, shape, indices: index_scatter(grad, indices, shape[-2:], _MAX_BACKWARD))
AdaptiveMaxPool2DBackward0 = derivative(
    "adaptive_max_pool2d", ("self_sym_sizes", "result1"),
    lambda grad, shape, indices: index_scatter(grad, indices, shape[-2:], _ADAPTIVE_MAX_BACKWARD))


def _windows_max(x: np.ndarray, hidx: np.ndarray, widx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Max over windows given per axis as (out, k) positions (out of range: not in the window).

    The first maximum wins and NaN propagates, as in PyTorch; a window of only -inf
    picks its first position. Returns the values and the flat h * W + w indices (int64).
    """
    h, w = x.shape[-2:]
    hv, wv = (hidx >= 0) & (hidx < h), (widx >= 0) & (widx < w)
    hc, wc = np.clip(hidx, 0, max(h - 1, 0)), np.clip(widx, 0, max(w - 1, 0))
    oh, kh = hidx.shape
    ow, kw = widx.shape
    win = x[..., hc[:, :, None, None], wc[None, None, :, :]]  # (..., oh, kh, ow, kw)
    valid = hv[:, :, None, None] & wv[None, None, :, :]
    low = -np.inf if x.dtype.kind in "fc" else np.iinfo(x.dtype).min
    win = np.where(valid, win, low)
    nd = win.ndim
    win = np.moveaxis(win, nd - 3, nd - 2).reshape(x.shape[:-2] + (oh, ow, kh * kw))
    valid = valid.transpose(0, 2, 1, 3).reshape(oh, ow, kh * kw)
    pick = np.argmax(win, axis=-1)
    # A pick outside the window happens only when its valid values are all the lowest.
    bad = ~np.take_along_axis(np.broadcast_to(valid, pick.shape + (kh * kw,)), pick[..., None], -1)[..., 0]
    if bad.any():
        pick = np.where(bad, np.argmax(valid, axis=-1), pick)
    values = np.take_along_axis(win, pick[..., None], -1)[..., 0]
    i = np.arange(oh).reshape(-1, 1)
    j = np.arange(ow).reshape(1, -1)
    rows = hidx[i, pick // kw]
    cols = widx[j, pick % kw]
    return np.ascontiguousarray(values), (rows * w + cols).astype(np.int64)


def _unpadded_max(x: np.ndarray, k: list[int], s: list[int], d: list[int],
                  out: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """``_windows_max`` for windows that lie inside the input (no padding, none cut by ceil_mode).

    Two passes of elementwise maxima over strided views, along W and then along H,
    instead of a gather and an argmax over a small last axis (NumPy's per-row loops
    make that one 3-5x slower). Each pass keeps the first maximum (a later position wins
    only when strictly greater), so the pick is the first maximum in row-major window
    order, as PyTorch's. A window's offsets grow with the position, so "take the new
    offset where it wins" is ``maximum(offset, wins * new)``, with no ``where``. A NaN
    breaks the comparisons: when one reaches the result the general kernel runs instead.
    """
    (kh, kw), (sh, sw), (dh, dw), (oh, ow) = k, s, d, out
    w = x.shape[-1]
    # Pass 1, along W: (*lead, H, ow) row maxima and their column offsets in the window.
    span = (ow - 1) * sw + 1
    rmax = x[..., 0:span:sw]
    col: np.ndarray | None = None
    for j in range(1, kw):
        c = x[..., j * dw:j * dw + span:sw]
        wins = c > rmax
        rmax = np.maximum(rmax, c)
        step = wins * np.int64(j * dw)
        col = step if col is None else np.maximum(col, step)
    if col is None:
        col = np.zeros(rmax.shape, np.int64)
    # Pass 2, along H: rows i * dh + oh_index * sh.
    span = (oh - 1) * sh + 1
    values = rmax[..., 0:span:sh, :]
    offset = col[..., 0:span:sh, :]
    for i in range(1, kh):
        r = rmax[..., i * dh:i * dh + span:sh, :]
        wins = r > values
        values = np.maximum(values, r)
        offset = np.maximum(offset, wins * (col[..., i * dh:i * dh + span:sh, :] + i * dh * w))
    if x.dtype.kind in "fc" and np.isnan(values).any():
        return _windows_max(x, _window_positions(oh, kh, sh, 0, dh), _window_positions(ow, kw, sw, 0, dw))
    base = (np.arange(oh) * (sh * w)).reshape(-1, 1) + np.arange(ow) * sw
    # (Copies only where the input's layout or a single-row window left a view or another order.)
    return np.ascontiguousarray(values), np.ascontiguousarray(np.add(offset, base, dtype=np.int64))


def _tiled_max(x: np.ndarray, k: list[int], out: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """``_windows_max`` for windows that tile the input (stride = kernel, no padding or dilation)."""
    return _unpadded_max(x, k, k, [1, 1], out)


# ---------------------------------------------------------------------------------------
# Argument checks
# ---------------------------------------------------------------------------------------
def _ints(value: Any) -> list[int]:
    if value is None:
        return []
    if isinstance(value, (int, np.integer)):
        return [int(value)]
    return [int(v) for v in value]


def _pair_arg(value: Any, message: str, allow_empty: bool = False) -> list[int]:
    vals = _ints(value)
    if not (len(vals) in (1, 2) or (allow_empty and not vals)):
        raise RuntimeError(message)
    return vals * 2 if len(vals) == 1 else vals


def _output_size(size: int, k: int, pad: int, stride: int, dilation: int, ceil_mode: bool) -> int:
    """PyTorch's pooling_output_shape, with its checks."""
    if stride == 0:
        raise RuntimeError("stride should not be zero")
    if pad < 0:
        raise RuntimeError(f"pad must be non-negative, but got pad: {pad}")
    if pad > ((k - 1) * dilation + 1) // 2:
        raise RuntimeError(f"pad should be at most half of effective kernel size, but got pad={pad}, "
                           f"kernel_size={k} and dilation={dilation}")
    out = (size + 2 * pad - dilation * (k - 1) - 1 + (stride - 1 if ceil_mode else 0)) // stride + 1
    if ceil_mode and (out - 1) * stride >= size + pad:
        out -= 1
    return out


def _shape_check(x: np.ndarray, k: list, s: list, p: list, d: list, out: tuple) -> None:
    """pool2d_shape_check of ATen's Pool.h."""
    if k[0] <= 0 or k[1] <= 0:
        raise RuntimeError(f"kernel size should be greater than zero, but got kH: {k[0]} kW: {k[1]}")
    if s[0] <= 0 or s[1] <= 0:
        raise RuntimeError(f"stride should be greater than zero, but got dH: {s[0]} dW: {s[1]}")
    if d[0] <= 0 or d[1] <= 0:
        raise RuntimeError(f"dilation should be greater than zero, but got dilationH: {d[0]} dilationW: {d[1]}")
    if x.ndim not in (3, 4) or any(v == 0 for v in x.shape[-3:]):
        raise RuntimeError("Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but "
                           f"got:{list(x.shape)}")
    if k[1] // 2 < p[1] or k[0] // 2 < p[0]:
        raise RuntimeError(f"pad should be smaller than or equal to half of kernel size, but got padW = {p[1]}, "
                           f"padH = {p[0]}, kW = {k[1]}, kH = {k[0]}")
    c, h, w = x.shape[-3:]
    if out[0] < 1 or out[1] < 1:
        raise RuntimeError(f"Given input size: ({c}x{h}x{w}). Calculated output size: ({c}x{out[0]}x{out[1]}). "
                           "Output size is too small")


def _window_positions(out: int, k: int, stride: int, pad: int, dilation: int) -> np.ndarray:
    """(out, k): the input positions of each window (may fall outside the input)."""
    return (np.arange(out) * stride - pad)[:, None] + np.arange(k)[None, :] * dilation


# ---------------------------------------------------------------------------------------
# max pooling
# ---------------------------------------------------------------------------------------
def _max_pool2d(input: Tensor, kernel_size: Any, stride: Any, padding: Any, dilation: Any, ceil_mode: bool,
                return_indices: bool) -> Any:
    k = _pair_arg(kernel_size, "max_pool2d: kernel_size must either be a single int, or a tuple of two ints")
    s = _pair_arg(stride, "max_pool2d: stride must either be omitted, a single int, or a tuple of two ints",
                  allow_empty=True) or k
    p = _pair_arg(padding, "max_pool2d: padding must either be a single int, or a tuple of two ints")
    d = _pair_arg(dilation, "max_pool2d: dilation must be either a single int, or a tuple of two ints")
    x = input._data
    if x.ndim not in (3, 4):
        raise RuntimeError("non-empty 3D or 4D (batch mode) tensor expected for input")
    if x.dtype.kind == "b":
        raise RuntimeError("\"max_pool2d\" not implemented for 'Bool'")
    out = tuple(_output_size(x.shape[-2 + i], k[i], p[i], s[i], d[i], ceil_mode) for i in range(2))
    _shape_check(x, k, s, p, d, out)
    if p == [0, 0] and all((out[i] - 1) * s[i] + (k[i] - 1) * d[i] < x.shape[-2 + i] for i in range(2)):
        values, indices = _unpadded_max(x, k, s, d, out)
    else:
        hidx = _window_positions(out[0], k[0], s[0], p[0], d[0])
        widx = _window_positions(out[1], k[1], s[1], p[1], d[1])
        values, indices = _windows_max(x, hidx, widx)
    if _recording(input):
        result = record(MaxPool2DWithIndicesBackward0, values, (input,), (x.shape, indices))
    else:
        result = wrap(values)
    return (result, wrap(indices)) if return_indices else result


def max_pool2d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0, dilation: Any = 1,
               ceil_mode: bool = False, return_indices: bool = False) -> Any:
    """Max over (dilated) windows of (N, C, H, W) or (C, H, W) input (a MaxPool2DWithIndicesBackward0 Node).

    ``stride`` defaults to ``kernel_size``; padding counts as -inf. With ``return_indices``
    also returns the int64 positions of the maxima, flattened per plane (h * W + w).

    >>> import ember
    >>> x = ember.arange(16.).reshape(1, 1, 4, 4)
    >>> max_pool2d(x, 2).tolist()
    [[[[5.0, 7.0], [13.0, 15.0]]]]
    """
    return _max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


def _pool1d_arg(name: str, what: str, value: Any, allow_empty: bool = False) -> int | None:
    vals = _ints(value)
    if not vals and allow_empty:
        return None
    if len(vals) != 1:
        kinds = {"kernel_size": "an int, list of ints or tuple of ints", "dilation": "an int, list of ints or tuple "
                 "of ints", "stride": "None, an int, list of ints, or tuple of ints",
                 "padding": "an int, list of ints, or tuple of ints"}
        raise RuntimeError(f"{name}() {what} must be {kinds[what]} of size 1 but got size {len(vals)}")
    return vals[0]


def max_pool1d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0, dilation: Any = 1,
               ceil_mode: bool = False, return_indices: bool = False) -> Any:
    """Max over windows of (N, C, L) or (C, L) input; the 2-D kernel on a unit height, squeezed."""
    x = input._data
    if x.ndim not in (2, 3):
        raise RuntimeError("max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size for "
                           f"input, but got:{list(x.shape)}")
    k = _pool1d_arg("max_pool1d", "kernel_size", kernel_size)
    s = _pool1d_arg("max_pool1d", "stride", stride, allow_empty=True)
    p = _pool1d_arg("max_pool1d", "padding", padding)
    d = _pool1d_arg("max_pool1d", "dilation", dilation)
    assert k is not None and p is not None and d is not None
    s = k if s is None else s
    if k <= 0:
        raise RuntimeError(f"max_pool1d() kernel_size must be greater than zero, but got {k}")
    if s <= 0:
        raise RuntimeError(f"max_pool1d() stride must be greater than zero, but got {s}")
    if p < 0:
        raise RuntimeError(f"max_pool1d() padding must be non-negative, but got {p}")
    if p > k // 2:
        raise RuntimeError(f"max_pool1d() padding should be at most half of kernel size, but got padding={p} and "
                           f"kernel_size={k}")
    if d <= 0:
        raise RuntimeError(f"max_pool1d() dilation must be greater than zero, but got {d}")
    ow = _output_size(x.shape[-1], k, p, s, d, ceil_mode)
    if ow <= 0:
        raise RuntimeError(f"max_pool1d() Invalid computed output size: {ow}")
    out = _max_pool2d(unsqueeze(input, -2), (1, k), (1, s), (0, p), (1, d), ceil_mode, return_indices)
    if return_indices:
        return squeeze(out[0], -2), squeeze(out[1], -2)
    return squeeze(out, -2)


# ---------------------------------------------------------------------------------------
# average pooling
# ---------------------------------------------------------------------------------------
AvgPool2DBackward0 = _node("avg_pool2d", ("self", "kernel_size", "stride", "padding", "ceil_mode",
                                          "count_include_pad", "divisor_override"))


def _avg_map(size: int, out: int, k: int, stride: int, pad: int, count_include_pad: bool,
             divisor: float | None) -> tuple[AxisMap, np.ndarray]:
    """The map of one axis (weights 1 / count, or 1 with divisor_override) and the counts."""
    start = np.arange(out) * stride - pad
    end = np.minimum(start + k, size + pad)
    pool = end - start
    lo, hi = np.maximum(start, 0), np.minimum(end, size)
    pos = start[:, None] + np.arange(k)[None, :]
    inside = (pos >= lo[:, None]) & (pos < hi[:, None])
    idx = np.where(inside, pos, size)
    count = pool if count_include_pad else hi - lo
    wts = inside / (count[:, None] if divisor is None else 1.0)
    return AxisMap(idx, wts, size), count


def avg_pool2d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0, ceil_mode: bool = False,
               count_include_pad: bool = True, divisor_override: int | None = None) -> Tensor:
    """Mean over windows of (N, C, H, W) or (C, H, W) input (an AvgPool2DBackward0 Node).

    The divisor is the window's size (padding included unless ``count_include_pad`` is
    False; windows that ``ceil_mode`` lets run past the padding are cut), or
    ``divisor_override``. Integer inputs give integer means rounded toward zero, as in
    PyTorch.
    """
    k = _pair_arg(kernel_size, "avg_pool2d: kernel_size must either be a single int, or a tuple of two ints")
    s = _pair_arg(stride, "avg_pool2d: stride must either be omitted, a single int, or a tuple of two ints",
                  allow_empty=True) or k
    p = _pair_arg(padding, "avg_pool2d: padding must either be a single int, or a tuple of two ints")
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    x = input._data
    if x.ndim < 3:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-max(x.ndim, 1)}, "
                         f"{max(x.ndim, 1) - 1}], but got -3)")
    if x.dtype.kind == "b":
        raise RuntimeError("\"avg_pool2d\" not implemented for 'Bool'")
    out = tuple(_output_size(x.shape[-2 + i], k[i], p[i], s[i], 1, ceil_mode) for i in range(2))
    _shape_check(x, k, s, p, [1, 1], out)
    h, w = x.shape[-2:]
    if x.dtype.kind in "iu":
        hmap, hc = _avg_map(h, out[0], k[0], s[0], p[0], count_include_pad, 1.0)
        wmap, wc = _avg_map(w, out[1], k[1], s[1], p[1], count_include_pad, 1.0)
        total = wmap.gather(hmap.gather(x, -2), -1)
        div = np.outer(hc, wc) if divisor_override is None else divisor_override
        return wrap((np.sign(total) * (np.abs(total) // div)).astype(x.dtype))
    hmap, _ = _avg_map(h, out[0], k[0], s[0], p[0], count_include_pad, divisor_override)
    wmap, _ = _avg_map(w, out[1], k[1], s[1], p[1], count_include_pad, divisor_override)
    if divisor_override is not None:
        wmap.wts = wmap.wts / divisor_override
    return _separable(AvgPool2DBackward0, input, hmap, wmap,
                      (input, tuple(k), tuple(s), tuple(p), ceil_mode, count_include_pad, divisor_override))


def avg_pool1d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0, ceil_mode: bool = False,
               count_include_pad: bool = True) -> Tensor:
    """Mean over windows of (N, C, L) or (C, L) input; the 2-D kernel on a unit height, squeezed."""
    x = input._data
    if x.ndim not in (2, 3):
        raise RuntimeError(f"Expected 2 to 3 dimensions, but got {x.ndim}-dimensional tensor for argument #1 'self' "
                           "(while checking arguments for avg_pool1d)")
    k = _ints(kernel_size)
    s = _ints(stride) or k
    p = _ints(padding)
    for name, v in (("kernel_size", k), ("stride", s), ("padding", p)):
        if len(v) != 1:
            raise RuntimeError(f"avg_pool1d() argument '{name}' should contain one int (got {len(v)})")
    out = avg_pool2d(unsqueeze(input, -2), (1, k[0]), (1, s[0]), (0, p[0]), ceil_mode, count_include_pad)
    return squeeze(out, -2)


# ---------------------------------------------------------------------------------------
# adaptive pooling
# ---------------------------------------------------------------------------------------
AdaptiveAvgPool2DBackward0 = _node("adaptive_avg_pool2d", ("self",))


def _adaptive_positions(size: int, out: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Windows [floor(i * size / out), ceil((i + 1) * size / out)): (out, kmax) positions, starts, ends."""
    i = np.arange(out)
    start = (i * size) // out
    end = -((-(i + 1) * size) // out)
    kmax = int((end - start).max()) if out else 0
    pos = start[:, None] + np.arange(kmax)[None, :]
    return pos, start, end


def _adaptive_avg_map(size: int, out: int) -> AxisMap:
    pos, start, end = _adaptive_positions(size, out)
    inside = pos < end[:, None]
    return AxisMap(np.where(inside, pos, size), inside / (end - start)[:, None], size)


def _adaptive_size(name: str, x: np.ndarray, output_size: Any) -> tuple[int, int]:
    sizes = [output_size] * 2 if isinstance(output_size, (int, np.integer)) or output_size is None \
        else list(output_size)
    if len(sizes) != 2:
        raise RuntimeError(f"{name}: output_size must be 2")
    out = tuple(int(x.shape[-2 + i]) if v is None else int(v) for i, v in enumerate(sizes))
    return out[0], out[1]


def adaptive_avg_pool2d(input: Tensor, output_size: Any) -> Tensor:
    """Mean over the windows that split H and W into ``output_size`` parts (an AdaptiveAvgPool2DBackward0 Node).

    ``None`` in ``output_size`` keeps that size. An output of 1 x 1 is ``mean((-1, -2),
    keepdim=True)``, as PyTorch records it.
    """
    x = input._data
    if x.ndim not in (3, 4):
        raise RuntimeError(f"adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got {list(x.shape)}")
    out = _adaptive_size("adaptive_avg_pool2d", x, output_size)
    if out[0] < 0 or out[1] < 0:
        raise RuntimeError("adaptive_avg_pool2d: elements of output_size must be greater than or equal to 0 but "
                           f"received {{{out[0]}, {out[1]}}}")
    if x.dtype.kind not in "fc":
        raise NotImplementedError(f"\"adaptive_avg_pool2d\" not implemented for '{legacy_name(x.dtype)}'")
    if out == (1, 1):
        return mean(input, (-1, -2), keepdim=True)
    h, w = x.shape[-2:]
    return _separable(AdaptiveAvgPool2DBackward0, input, _adaptive_avg_map(h, out[0]), _adaptive_avg_map(w, out[1]),
                      (input,))


def adaptive_avg_pool1d(input: Tensor, output_size: Any) -> Tensor:
    """adaptive_avg_pool2d on a unit height, squeezed."""
    x = input._data
    if x.ndim not in (2, 3):
        raise RuntimeError(f"Expected 2 to 3 dimensions, but got {x.ndim}-dimensional tensor for argument #1 'self' "
                           "(while checking arguments for adaptive_avg_pool1d)")
    size = _ints(output_size)
    if len(size) != 1:
        raise RuntimeError(f"adaptive_avg_pool1d: output_size must be 1, but got {len(size)}")
    return squeeze(adaptive_avg_pool2d(unsqueeze(input, -2), (1, size[0])), -2)


def adaptive_max_pool2d(input: Tensor, output_size: Any, return_indices: bool = False) -> Any:
    """Max over the windows of adaptive_avg_pool2d (an AdaptiveMaxPool2DBackward0 Node); indices as max_pool2d's."""
    x = input._data
    if x.ndim not in (3, 4):
        raise RuntimeError(f"adaptive_max_pool2d(): Expected 3D or 4D tensor, but got: {list(x.shape)}")
    out = _adaptive_size("adaptive_max_pool2d", x, output_size)
    if out[0] < 0 or out[1] < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {min(out)}: "
                           f"{list(x.shape[:-2]) + list(out)}")
    h, w = x.shape[-2:]
    (hpos, _, hend), (wpos, _, wend) = _adaptive_positions(h, out[0]), _adaptive_positions(w, out[1])
    hidx = np.where(hpos < hend[:, None], hpos, -1)
    widx = np.where(wpos < wend[:, None], wpos, -1)
    if 0 in out:
        values, indices = np.zeros(x.shape[:-2] + out, x.dtype), np.zeros(x.shape[:-2] + out, np.int64)
    else:
        values, indices = _windows_max(x, hidx, widx)
    if _recording(input):
        result = record(AdaptiveMaxPool2DBackward0, values, (input,), (x.shape, indices))
    else:
        result = wrap(values)
    return (result, wrap(indices)) if return_indices else result


def adaptive_max_pool1d(input: Tensor, output_size: Any, return_indices: bool = False) -> Any:
    """adaptive_max_pool2d on a unit height, squeezed."""
    x = input._data
    if x.ndim not in (2, 3):
        raise RuntimeError(f"adaptive_max_pool1d(): Expected 2D or 3D tensor, but got: {list(x.shape)}")
    size = _ints(output_size)
    if len(size) != 1:
        raise RuntimeError(f"adaptive_max_pool1d: output_size must be 1, but got {len(size)}")
    out = adaptive_max_pool2d(unsqueeze(input, -2), (1, size[0]), return_indices)
    if return_indices:
        return squeeze(out[0], -2), squeeze(out[1], -2)
    return squeeze(out, -2)


# ---------------------------------------------------------------------------------------
# interpolate
# ---------------------------------------------------------------------------------------
UpsampleNearest1DBackward0 = _node("upsample_nearest1d", ("output_size", "scales"))
UpsampleNearest2DBackward0 = _node("upsample_nearest2d", ("output_size", "scales_h", "scales_w"))
UpsampleLinear1DBackward0 = _node("upsample_linear1d", ("output_size", "align_corners", "scales"))
UpsampleBilinear2DBackward0 = _node("upsample_bilinear2d", ("output_size", "align_corners", "scales_h", "scales_w"))


def _nearest_map(size: int, out: int, scale: float | None) -> AxisMap:
    # PyTorch computes the source index in float32: min(floor(i * scale), size - 1).
    s = np.float32(1.0 / scale) if scale is not None and scale > 0 else np.float32(size) / np.float32(out)
    src = np.minimum(np.floor(np.arange(out, dtype=np.float32) * s).astype(np.int64), size - 1)
    return AxisMap(src[:, None], np.ones((out, 1)), size)


def _linear_map(size: int, out: int, align_corners: bool, scale: float | None, dt: np.dtype) -> AxisMap:
    i = np.arange(out).astype(dt)
    if align_corners:
        s = dt.type((size - 1) / (out - 1)) if out > 1 else dt.type(0)
        real = i * s
    else:
        s = dt.type(1.0 / scale) if scale is not None and scale > 0 else dt.type(size) / dt.type(out)
        real = np.maximum(s * (i + dt.type(0.5)) - dt.type(0.5), 0)
    i0 = real.astype(np.int64)
    lam = np.clip(real - i0, 0, 1)
    i1 = i0 + (i0 < size - 1)
    return AxisMap(np.stack([i0, i1], 1), np.stack([1 - lam, lam], 1), size)


_MODES = ("nearest", "linear", "bilinear", "bicubic", "trilinear", "area", "nearest-exact")


def interpolate(input: Tensor, size: Any = None, scale_factor: Any = None, mode: str = "nearest",
                align_corners: bool | None = None, recompute_scale_factor: bool | None = None,
                antialias: bool = False) -> Tensor:
    """Resize (N, C, L) or (N, C, H, W) input: mode 'nearest', 'linear' (3-D) or 'bilinear' (4-D).

    Give ``size`` or ``scale_factor`` (output size floor(input size * scale_factor)); the
    source coordinates follow PyTorch's (``align_corners`` for the linear modes). Other
    modes, 5-D inputs and ``antialias`` raise NotImplementedError.
    """
    x = input._data
    nd = x.ndim - 2
    if mode in ("nearest", "area", "nearest-exact"):
        if align_corners is not None:
            raise ValueError("align_corners option can only be set with the interpolating modes: linear | bilinear "
                             "| bicubic | trilinear")
    elif align_corners is None:
        align_corners = False
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is None and scale_factor is None:
        raise ValueError("either size or scale_factor should be defined")
    sp = list(x.shape[2:])
    scales: list[float | None]
    if size is not None:
        sizes = _ints(size)
        if len(sizes) == 1 and not isinstance(size, (list, tuple)):
            sizes = sizes * nd
        if len(sizes) != nd:
            raise ValueError(f"Input and output must have the same number of spatial dimensions, but got input with "
                             f"spatial dimensions of {sp} and output size of {size}. Please provide input tensor in "
                             "(N, C, d1, d2, ...,dK) format and output size in (o1, o2, ...,oK) format.")
        scales = [None] * nd
    else:
        factors = [float(scale_factor)] * nd if isinstance(scale_factor, (int, float)) \
            else [float(f) for f in scale_factor]
        if len(factors) != nd:
            raise ValueError(f"Input and scale_factor must have the same number of spatial dimensions, but got input "
                             f"with spatial dimensions of {sp} and scale_factor of shape {scale_factor}. Please "
                             "provide input tensor in (N, C, d1, d2, ...,dK) format and scale_factor in (s1, s2, "
                             "...,sK) format.")
        sizes = [math.floor(float(n) * f) for n, f in zip(sp, factors, strict=True)]
        scales = [None] * nd if recompute_scale_factor else list(factors)
    if antialias:
        raise NotImplementedError("ember: interpolate(antialias=True) is not supported")
    supported = {("nearest", 1), ("nearest", 2), ("linear", 1), ("bilinear", 2)}
    if (mode, nd) not in supported:
        if mode == "bilinear":
            raise NotImplementedError(f"Got {x.ndim}D input, but bilinear mode needs 4D input")
        if mode == "linear":
            raise NotImplementedError(f"Got {x.ndim}D input, but linear mode needs 3D input")
        if mode in _MODES:
            raise NotImplementedError(f"ember: interpolate(mode='{mode}') on {x.ndim}D input is not supported")
        raise NotImplementedError(f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {x.ndim}D) for the "
                                  "modes: nearest | linear | bilinear | bicubic | trilinear | lanczos | area | "
                                  f"nearest-exact (got {mode})")
    if any(n <= 0 for n in sp) or any(o <= 0 for o in sizes):
        dims = ("H", "W") if nd == 2 else ("W",)
        ins = ", ".join(f"{a}: {v}" for a, v in zip(dims, sp, strict=True))
        outs = ", ".join(f"{a}: {v}" for a, v in zip(dims, sizes, strict=True))
        raise RuntimeError(f"Input and output sizes should be greater than 0, but got input ({ins}) output ({outs})")
    if x.dtype.kind not in "fc":
        kernel = f"upsample_{'nearest' if mode == 'nearest' else mode}{nd}d"
        raise NotImplementedError(f"\"{kernel}{'_channels_last' if nd == 2 else ''}\" not implemented for "
                                  f"'{legacy_name(x.dtype)}'")
    if mode == "nearest":
        maps = [_nearest_map(n, o, sc) for n, o, sc in zip(sp, sizes, scales, strict=True)]
    else:
        maps = [_linear_map(n, o, bool(align_corners), sc, x.dtype) for n, o, sc in zip(sp, sizes, scales,
                                                                                          strict=True)]
    if nd == 1:
        cls = UpsampleNearest1DBackward0 if mode == "nearest" else UpsampleLinear1DBackward0
        saved: tuple = (tuple(sizes),) + (() if mode == "nearest" else (align_corners,)) + (scales[0],)
        return _separable(cls, input, None, maps[0], saved)
    cls = UpsampleNearest2DBackward0 if mode == "nearest" else UpsampleBilinear2DBackward0
    saved = (tuple(sizes),) + (() if mode == "nearest" else (align_corners,)) + tuple(scales)
    return _separable(cls, input, maps[0], maps[1], saved)
