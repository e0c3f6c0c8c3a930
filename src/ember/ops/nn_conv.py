"""Convolutions behind ``ember.nn.functional``: conv1d/2d/3d and conv_transpose1d/2d/3d.

Every call records one ``ConvolutionBackward0`` Node, as PyTorch does. The forward runs
on arrays: the windows of the input (padded into one zero buffer) are a strided view,
gathered once into columns and multiplied with the weight by BLAS (``matmul``, one per
group); a transposed convolution multiplies first and adds the columns back into place
(col2im, one slice-add per kernel offset).

A backward pass that records nothing (``create_graph=False``) runs
``_convolution_fast`` instead of the formulas below: the same gradients on arrays (the
weight's as grad @ columns^T, the input's by col2im), one Node call and no ember ops.

With x the input (N, C, *S), w the weight (O, C/g, *K), s stride, p padding, d
dilation, g groups and y = conv(x, w) + b:

    d/dx = conv_transpose(grad, w)          (same s, p, d, g; output_padding restores S)
    d/dw = correlation of x with grad:      dw[o, c, k] = sum_{n, i} grad[n, o, i] * xpad[n, c, i*s + k*d]
           computed as a convolution of x (channels as the batch) with grad as the
           weight, stride d and dilation s, cropped to K
    d/db = sum(grad) over the batch and spatial dims

and for y = conv_transpose(x, w) (w is (C, O/g, *K)):

    d/dx = conv(grad, w)                    (same s, p, d, g)
    d/dw = the same correlation, with the roles of x and grad swapped

All three are written with ``convolution`` itself and shape ops, so they can be
differentiated again (gradgradcheck) with no extra code.
"""

from __future__ import annotations

import itertools
import math
import warnings
from typing import Any

import numpy as np

from .._tensor import Tensor
from ..autograd.graph import Node
from ._op import derivative, record, requires_grad, wrap
from .pointwise import legacy_name
from .reduction import sum as _sum
from .shape import getitem, permute, reshape, squeeze, transpose, unsqueeze

__all__ = ["convolution", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
           "conv_transpose3d", "unfold", "fold"]

_window_view = np.lib.stride_tricks.sliding_window_view


# ---------------------------------------------------------------------------------------
# Array kernels
# ---------------------------------------------------------------------------------------
def _padded(x: np.ndarray, padding: tuple) -> np.ndarray:
    """x (N, C, *S) with ``padding`` zeros on both sides of each spatial dim: one zero buffer, one copy."""
    if not any(padding):
        return x
    out = np.zeros(x.shape[:2] + tuple(s + 2 * p for s, p in zip(x.shape[2:], padding, strict=True)), x.dtype)
    out[(slice(None), slice(None)) + tuple(slice(p, p + s) for s, p in zip(x.shape[2:], padding, strict=True))] = x
    return out


def _windows(x: np.ndarray, ks: tuple, stride: tuple, padding: tuple, dilation: tuple,
             kernel_major: bool) -> np.ndarray:
    """The convolution windows of x (N, C, *S) as a strided view of the padded input, no copy.

    (C, *K, N, *So) when ``kernel_major``, else (N, *So, C, *K): the order the columns are
    copied in, chosen so that the innermost (fastest) copy loop runs along the longer of
    So and K.
    """
    xp = _padded(x, padding)
    n, c = xp.shape[:2]
    sn, sc = xp.strides[:2]
    sp_strides = xp.strides[2:]
    out_sp = tuple((s_ - d * (k - 1) - 1) // st + 1
                   for s_, k, st, d in zip(xp.shape[2:], ks, stride, dilation, strict=True))
    k_strides = tuple(s_ * d for s_, d in zip(sp_strides, dilation, strict=True))
    o_strides = tuple(s_ * st for s_, st in zip(sp_strides, stride, strict=True))
    if kernel_major:
        shape, strides = (c,) + tuple(ks) + (n,) + out_sp, (sc,) + k_strides + (sn,) + o_strides
    else:
        shape, strides = (n,) + out_sp + (c,) + tuple(ks), (sn,) + o_strides + (sc,) + k_strides
    if xp.flags.c_contiguous and xp.size:
        # The ndarray constructor over the buffer: about 10x cheaper than as_strided's setup.
        return np.ndarray(shape, xp.dtype, xp, 0, strides)
    return np.lib.stride_tricks.as_strided(xp, shape, strides, writeable=False)


def _conv_array(x: np.ndarray, w: np.ndarray, stride: tuple, padding: tuple, dilation: tuple,
                groups: int) -> np.ndarray:
    """Cross-correlation of x (N, C, *S) with w (O, C/g, *K): im2col + one BLAS matmul per group."""
    n, c = x.shape[:2]
    o = w.shape[0]
    ks = w.shape[2:]
    ck = (c // groups) * math.prod(ks)
    wm = w.reshape(groups, o // groups, ck)
    out_sp = tuple((s_ + 2 * p - d * (k - 1) - 1) // st + 1
                   for s_, p, k, st, d in zip(x.shape[2:], padding, ks, stride, dilation, strict=True))
    m = math.prod(out_sp)
    if m >= math.prod(ks):
        # (C, *K, N, *So) -> (g, C/g * K, N * M): the columns, copied along the output positions
        cols = _windows(x, ks, stride, padding, dilation, True).reshape(groups, ck, n * m)
        out = _group_matmul(wm, cols)  # (g, O/g, N * M)
        out = out.reshape(o, n, m).transpose(1, 0, 2)
    else:
        # Kernels larger than the output (the weight gradient's correlation): copied along the kernel.
        cols = _windows(x, ks, stride, padding, dilation, False).reshape(n * m, groups, ck).transpose(1, 0, 2)
        out = _group_matmul(cols, wm.transpose(0, 2, 1))  # (g, N * M, O/g)
        out = out.transpose(1, 0, 2).reshape(n, m, o).transpose(0, 2, 1)
    return np.ascontiguousarray(out).reshape((n, o) + out_sp)


def _grad_matrix(g: np.ndarray, groups: int) -> np.ndarray:
    """The output gradient (N, O, *So) as (g, O/g, N * M), the layout of the forward's matmul result."""
    n, o = g.shape[:2]
    m = math.prod(g.shape[2:])
    return g.reshape(n, groups, o // groups, m).transpose(1, 2, 0, 3).reshape(groups, o // groups, n * m)


def _weight_grad_array(x: np.ndarray, gm: np.ndarray, ks: tuple, stride: tuple, padding: tuple, dilation: tuple,
                       groups: int) -> np.ndarray:
    """d/dw of conv(x, w) for the output gradient ``gm`` (``_grad_matrix``): grad @ columns^T, (O, C/g, *K)."""
    n, c = x.shape[:2]
    ck = (c // groups) * math.prod(ks)
    cols = _windows(x, ks, stride, padding, dilation, True).reshape(groups, ck, gm.shape[2])
    return _group_matmul(gm, cols.transpose(0, 2, 1)).reshape((-1, c // groups) + tuple(ks))


def _group_matmul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a[i] @ b[i] for each group i, each one 2-D BLAS product (NumPy's stacked matmul can miss BLAS)."""
    if a.shape[0] == 1:
        return (a[0] @ b[0])[None]
    out = np.empty((a.shape[0], a.shape[1], b.shape[2]), np.result_type(a, b))
    for i in range(a.shape[0]):
        np.matmul(a[i], b[i], out=out[i])
    return out


def _conv_transpose_array(x: np.ndarray, w: np.ndarray, stride: tuple, padding: tuple, dilation: tuple,
                          output_padding: tuple, groups: int) -> np.ndarray:
    """Transposed convolution of x (N, C, *S) with w (C, O/g, *K): matmul, then col2im."""
    n, c = x.shape[:2]
    sp = x.shape[2:]
    og = w.shape[1]
    ks = w.shape[2:]
    kp = math.prod(ks)
    cg = c // groups
    # (g, O/g * K, C/g) @ (g, C/g, N * S) -> (O, *K, N, *S), read as (O, N, *K, *S) without a copy
    wt = w.reshape(groups, cg, og * kp).transpose(0, 2, 1)
    xg = x.reshape(n, groups, cg, math.prod(sp)).transpose(1, 2, 0, 3).reshape(groups, cg, n * math.prod(sp))
    cols = _group_matmul(wt, xg).reshape((groups * og,) + ks + (n,) + sp)
    cols = np.moveaxis(cols, 1 + len(ks), 1)
    full = tuple((s_ - 1) * st + d * (k - 1) + 1 + op
                 for s_, st, d, k, op in zip(sp, stride, dilation, ks, output_padding, strict=True))
    return np.ascontiguousarray(np.swapaxes(_add_windows(cols, full, padding, stride, dilation), 0, 1))


def _add_windows(cols: np.ndarray, full: tuple, padding: tuple, stride: tuple, dilation: tuple) -> np.ndarray:
    """col2im: cols (*lead, *K, *So) added into zeros(*lead, *full) window by window, then the padding cropped.

    One strided slice-add per kernel offset (prod(K) of them), each over every window.
    """
    nd = len(full)
    ks, so = cols.shape[cols.ndim - 2 * nd:cols.ndim - nd], cols.shape[cols.ndim - nd:]
    lead = cols.shape[:cols.ndim - 2 * nd]
    out = np.zeros(lead + full, dtype=cols.dtype)
    head = (slice(None),) * len(lead)
    for k in itertools.product(*(range(k_) for k_ in ks)):
        dst = tuple(slice(ki * d, ki * d + (o - 1) * st + 1, st)
                    for ki, d, o, st in zip(k, dilation, so, stride, strict=True))
        out[head + dst] += cols[head + k]
    crop = tuple(slice(p, f - p) for p, f in zip(padding, full, strict=True))
    return np.ascontiguousarray(out[head + crop])


# ---------------------------------------------------------------------------------------
# Derivatives
# ---------------------------------------------------------------------------------------
def _crop(t: Tensor, sizes: tuple) -> Tensor:
    """The leading ``sizes`` of t's spatial dims (dims 2...), a no-op when they already match."""
    if tuple(t.shape[2:]) == tuple(sizes):
        return t
    return getitem(t, (slice(None), slice(None)) + tuple(slice(0, s) for s in sizes))


def _correlate(x: Tensor, grad: Tensor, ks: tuple, stride: tuple, padding: tuple, dilation: tuple,
               groups: int) -> Tensor:
    """dw[o, c, k] = sum_{n, i} grad[n, o, i] * xpad[n, g(o) * C/g + c, i*s + k*d], shape (O, C/g, *K).

    A convolution with the batch as channels: x as (C/g, g * N, *S), grad as the weight
    (O, N, *So), stride and dilation swapped; the result (C/g, O, *K') is cropped to K.
    """
    nd = len(ks)
    n, c = x.shape[:2]
    sp = tuple(x.shape[2:])
    spatial = tuple(range(3, 3 + nd))
    xt = permute(reshape(x, (n, groups, c // groups) + sp), (2, 1, 0) + spatial)
    xt = reshape(xt, (c // groups, groups * n) + sp)
    out = convolution(xt, transpose(grad, 0, 1), None, dilation, padding, stride, False, (0,) * nd, groups)
    return transpose(_crop(out, ks), 0, 1)


def _input_grad(grad: Tensor, input: Tensor, weight: Tensor, stride: tuple, padding: tuple, dilation: tuple,
                transposed: bool, output_padding: tuple, groups: int) -> Tensor:
    sp = tuple(input.shape[2:])
    nd = len(sp)
    if transposed:
        return _crop(convolution(grad, weight, None, stride, padding, dilation, False, (0,) * nd, groups), sp)
    ks = tuple(weight.shape[2:])
    so = tuple(grad.shape[2:])
    # The input elements past the last window get no gradient: output_padding covers them.
    extra = tuple(s_ + 2 * p - ((o - 1) * st + d * (k - 1) + 1)
                  for s_, p, o, st, d, k in zip(sp, padding, so, stride, dilation, ks, strict=True))
    return convolution(grad, weight, None, stride, padding, dilation, True, extra, groups)


def _weight_grad(grad: Tensor, input: Tensor, weight: Tensor, stride: tuple, padding: tuple, dilation: tuple,
                 transposed: bool, output_padding: tuple, groups: int) -> Tensor:
    ks = tuple(weight.shape[2:])
    if transposed:
        return _correlate(grad, input, ks, stride, padding, dilation, groups)
    return _correlate(input, grad, ks, stride, padding, dilation, groups)


def _bias_grad(grad: Tensor, *_: Any) -> Tensor:
    return _sum(grad, (0,) + tuple(range(2, grad.dim())))


ConvolutionBackward0 = derivative(
    "convolution", ("input", "weight", "stride", "padding", "dilation", "transposed", "output_padding", "groups"),
    _input_grad,
    _weight_grad,
    _bias_grad,
)


def _convolution_fast(node: Node, grads: list) -> list | None:
    """ConvolutionBackward0 on arrays, for backward passes that record nothing (see ops/_fast.py).

    The same three gradients as the formulas: the input's by col2im of w^T @ grad, the
    weight's by grad @ columns^T (columns recomputed from the saved input), the bias's by
    a sum over the rows of the same grad matrix. Transposed convolutions, mixed dtypes and
    absent gradients take the formulas.
    """
    g = grads[0]
    if g is None:
        return None
    input, weight, stride, padding, dilation, transposed, _, groups = node.saved_values()
    gd, x, w = g._data, input._data, weight._data
    if transposed or not gd.dtype == x.dtype == w.dtype:
        return None
    edges = node.next_functions
    out: list = [None, None, None]
    if edges[0][0] is not None:
        ks, sp, so = w.shape[2:], x.shape[2:], gd.shape[2:]
        extra = tuple(s_ + 2 * p - ((o - 1) * st + d * (k - 1) + 1)
                      for s_, p, o, st, d, k in zip(sp, padding, so, stride, dilation, ks, strict=True))
        out[0] = wrap(_conv_transpose_array(gd, w, stride, padding, dilation, extra, groups))
    if edges[1][0] is not None or edges[2][0] is not None:
        gm = _grad_matrix(gd, groups)  # one copy, shared by the weight's and the bias's gradients
        if edges[1][0] is not None:
            out[1] = wrap(_weight_grad_array(x, gm, w.shape[2:], stride, padding, dilation, groups))
        if edges[2][0] is not None:
            out[2] = wrap(gm.sum(-1).reshape(-1))
    return out


ConvolutionBackward0._fast = staticmethod(_convolution_fast)


def convolution(input: Tensor, weight: Tensor, bias: Tensor | None, stride: tuple, padding: tuple,
                dilation: tuple, transposed: bool, output_padding: tuple, groups: int) -> Tensor:
    """The kernel of every convolution (one ConvolutionBackward0 Node); arguments already checked.

    ``stride``, ``padding``, ``dilation`` and ``output_padding`` are tuples with one entry
    per spatial dim; ``output_padding`` may exceed the stride here (input gradients use it).
    """
    x, w = input._data, weight._data
    if transposed:
        data = _conv_transpose_array(x, w, stride, padding, dilation, output_padding, groups)
    else:
        data = _conv_array(x, w, stride, padding, dilation, groups)
    if bias is not None:
        data += bias._data.reshape((1, -1) + (1,) * (data.ndim - 2))
    if data.dtype != x.dtype:
        data = data.astype(x.dtype)
    if requires_grad(input, weight, bias):
        return record(ConvolutionBackward0, data, (input, weight, bias),
                      (input, weight, stride, padding, dilation, transposed, output_padding, groups))
    return wrap(data)


# ---------------------------------------------------------------------------------------
# Checks, as PyTorch makes them
# ---------------------------------------------------------------------------------------
def _expand(name: str, value: Any, nd: int) -> tuple:
    vals = [int(value)] if isinstance(value, (int, np.integer)) else [int(v) for v in value]
    if len(vals) == 1:
        vals = vals * nd
    if len(vals) != nd:
        raise RuntimeError(f"expected {name} to be a single integer value or a list of {nd} values to match the "
                           f"convolution dimensions, but got {name}={vals}")
    return tuple(vals)


def _per_dim(value: Any, nd: int) -> Any:
    return (int(value),) * nd if isinstance(value, (int, np.integer)) else value


def _sizes(sizes: tuple) -> str:
    return " x ".join(str(s) for s in sizes)


def _check(input: Tensor, weight: Tensor, bias: Tensor | None, stride: tuple, padding: tuple, dilation: tuple,
           transposed: bool, output_padding: tuple, groups: int) -> None:
    """check_input_shape_forward and friends of ATen's Convolution.cpp, in their order."""
    x, w = input._data, weight._data
    if any(s <= 0 for s in stride):
        raise RuntimeError("non-positive stride is not supported")
    if any(p < 0 for p in padding):
        raise RuntimeError("negative padding is not supported")
    if any(p < 0 for p in output_padding):
        raise RuntimeError("negative output_padding is not supported")
    if any(d <= 0 for d in dilation):
        raise RuntimeError(f"dilation should be greater than zero, but got {list(dilation)}")
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    if x.ndim != w.ndim:
        raise RuntimeError(f"Expected {w.ndim}-dimensional input for {w.ndim}-dimensional weight {list(w.shape)}, "
                           f"but got {x.ndim}-dimensional input of size {list(x.shape)} instead")
    if w.shape[0] < groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be at least {groups} at dimension 0, but got "
                           f"weight of size {list(w.shape)} instead")
    if w.shape[0] % groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, but "
                           f"got weight of size [{list(w.shape)}] instead")
    c = x.shape[1]
    if not transposed:
        if c != w.shape[1] * groups:
            raise RuntimeError(f"Given groups={groups}, weight of size {list(w.shape)}, expected input{list(x.shape)} "
                               f"to have {w.shape[1] * groups} channels, but got {c} channels instead")
        out_c = w.shape[0]
    else:
        if c != w.shape[0]:
            raise RuntimeError(f"Given transposed=1, weight of size {list(w.shape)}, expected input{list(x.shape)} "
                               f"to have {w.shape[0]} channels, but got {c} channels instead")
        out_c = w.shape[1] * groups
    if bias is not None and (bias._data.ndim != 1 or bias._data.shape[0] != out_c):
        kind = "transposed=1, weight" if transposed else "weight"
        raise RuntimeError(f"Given {kind} of size {list(w.shape)}, expected bias to be 1-dimensional with {out_c} "
                           f"elements, but got bias of size {list(bias._data.shape)} instead")
    ks = w.shape[2:]
    sp = x.shape[2:]
    if not transposed:
        padded = tuple(s + 2 * p for s, p in zip(sp, padding, strict=True))
        eff = tuple(d * (k - 1) + 1 for d, k in zip(dilation, ks, strict=True))
        if any(e > q for e, q in zip(eff, padded, strict=True)):
            raise RuntimeError(f"Calculated padded input size per channel: ({_sizes(padded)}). Kernel size: "
                               f"({_sizes(eff)}). Kernel size can't be greater than actual input size")
    else:
        for op, s, d in zip(output_padding, stride, dilation, strict=True):
            if op >= s and op >= d:
                raise RuntimeError(_output_padding_message(output_padding, stride, dilation))
        out = tuple((s_ - 1) * st - 2 * p + d * (k - 1) + op + 1
                    for s_, st, p, d, k, op in zip(sp, stride, padding, dilation, ks, output_padding, strict=True))
        if any(o <= 0 for o in out):
            raise RuntimeError(f"Given input size per channel: ({_sizes(sp)}). Calculated output size per channel: "
                               f"({_sizes(out)}). Output size is too small")
    for name, t in (("Input", x), ("bias", None if bias is None else bias._data)):
        if t is not None and name == "bias" and t.dtype != x.dtype:
            raise RuntimeError(f"Input type ({_ctype(x.dtype)}) and bias type ({_ctype(t.dtype)}) should be the same")
    if w.dtype != x.dtype:
        raise RuntimeError(f"expected scalar type {legacy_name(x.dtype)} but found {legacy_name(w.dtype)}")
    if x.dtype.kind == "b":
        raise NotImplementedError(f"\"slow_conv{len(ks)}d_cpu\" not implemented for 'Bool'")


def _ctype(dt: np.dtype) -> str:
    return {"float32": "float", "float64": "double", "float16": "c10::Half", "int64": "long int"}.get(str(dt), str(dt))


def _output_padding_message(output_padding: tuple, stride: tuple, dilation: tuple) -> str:
    axes = ("height", "width") if len(stride) == 2 else (("depth", "height", "width") if len(stride) == 3 else ("",))
    if len(stride) == 1:
        return (f"output padding must be smaller than either stride or dilation, but got output_padding: "
                f"{output_padding[0]} stride: {stride[0]} dilation: {dilation[0]}")
    parts = [f"output_padding_{a}: {v}" for a, v in zip(axes, output_padding, strict=True)]
    parts += [f"stride_{a}: {v}" for a, v in zip(axes, stride, strict=True)]
    parts += [f"dilation_{a}: {v}" for a, v in zip(axes, dilation, strict=True)]
    return "output padding must be smaller than either stride or dilation, but got " + " ".join(parts)


def _batchify(name: str, input: Tensor, nd: int) -> bool:
    """True when the input is unbatched (C, *S); an error unless it has nd + 1 or nd + 2 dims."""
    dim = input._data.ndim
    if dim not in (nd + 1, nd + 2):
        raise RuntimeError(f"Expected {nd + 1}D (unbatched) or {nd + 2}D (batched) input to {name}, but got input "
                           f"of size: {list(input._data.shape)}")
    return dim == nd + 1


def _same_padding(input: Tensor, weight: Tensor, stride: tuple, dilation: tuple) -> tuple[Tensor, tuple]:
    """padding='same': symmetric where it can be; the odd extra element padded on the right, as PyTorch does."""
    if any(s != 1 for s in stride):
        raise RuntimeError("padding='same' is not supported for strided convolutions")
    ks = weight._data.shape[2:]
    total = tuple(d * (k - 1) for d, k in zip(dilation, ks, strict=True))
    left = tuple(t // 2 for t in total)
    if all(t % 2 == 0 for t in total):
        return input, left
    from .nn_norm import pad

    warnings.warn("Using padding='same' with even kernel lengths and odd dilation may require a zero-padded copy "
                  "of the input be created", UserWarning, stacklevel=4)
    pads: list[int] = []
    for t in reversed(total):
        pads += [0, t % 2]
    return pad(input, tuple(pads)), left


def _conv(name: str, nd: int, input: Tensor, weight: Tensor, bias: Tensor | None, stride: Any, padding: Any,
          dilation: Any, groups: int) -> Tensor:
    unbatched = _batchify(name, input, nd)
    if unbatched:
        input = unsqueeze(input, 0)
    k = weight._data.ndim - 2
    # PyTorch's signature makes an int nd ints before the weight's dims are compared.
    stride_t = _expand("stride", _per_dim(stride, nd), k)
    dilation_t = _expand("dilation", _per_dim(dilation, nd), k)
    if isinstance(padding, str):
        if padding == "valid":
            padding_t = (0,) * k
        elif padding == "same":
            input, padding_t = _same_padding(input, weight, stride_t, dilation_t)
        else:
            raise RuntimeError(f"Invalid padding string: '{padding}'")
    else:
        padding_t = _expand("padding", _per_dim(padding, nd), k)
    zeros = (0,) * k
    _check(input, weight, bias, stride_t, padding_t, dilation_t, False, zeros, groups)
    out = convolution(input, weight, bias, stride_t, padding_t, dilation_t, False, zeros, groups)
    return squeeze(out, 0) if unbatched else out


def _conv_transpose(name: str, nd: int, input: Tensor, weight: Tensor, bias: Tensor | None, stride: Any,
                    padding: Any, output_padding: Any, groups: int, dilation: Any) -> Tensor:
    unbatched = _batchify(name, input, nd)
    if isinstance(padding, str):
        raise TypeError(f"{name}(): argument 'padding' must be tuple of ints, not str")
    if unbatched:
        input = unsqueeze(input, 0)
    k = weight._data.ndim - 2
    stride_t = _expand("stride", _per_dim(stride, nd), k)
    padding_t = _expand("padding", _per_dim(padding, nd), k)
    dilation_t = _expand("dilation", _per_dim(dilation, nd), k)
    op_t = _expand("output_padding", _per_dim(output_padding, nd), k)
    _check(input, weight, bias, stride_t, padding_t, dilation_t, True, op_t, groups)
    out = convolution(input, weight, bias, stride_t, padding_t, dilation_t, True, op_t, groups)
    return squeeze(out, 0) if unbatched else out


# ---------------------------------------------------------------------------------------
# The public functions
# ---------------------------------------------------------------------------------------
def conv1d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1, padding: Any = 0,
           dilation: Any = 1, groups: int = 1) -> Tensor:
    """1-D cross-correlation of (N, C, L) or (C, L) input with (O, C / groups, K) weight.

    ``padding`` is an int, a tuple, ``'valid'`` (no padding) or ``'same'`` (output as long
    as the input; stride 1 only).

    >>> import ember
    >>> x = ember.ones(1, 1, 4)
    >>> conv1d(x, ember.ones(1, 1, 2)).tolist()
    [[[2.0, 2.0, 2.0]]]
    """
    return _conv("conv1d", 1, input, weight, bias, stride, padding, dilation, groups)


def conv2d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1, padding: Any = 0,
           dilation: Any = 1, groups: int = 1) -> Tensor:
    """2-D cross-correlation of (N, C, H, W) or (C, H, W) input with (O, C / groups, kH, kW) weight.

    >>> import ember
    >>> conv2d(ember.ones(1, 1, 3, 3), ember.ones(1, 1, 2, 2), padding=1).shape
    ember.Size([1, 1, 4, 4])
    """
    return _conv("conv2d", 2, input, weight, bias, stride, padding, dilation, groups)


def conv3d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1, padding: Any = 0,
           dilation: Any = 1, groups: int = 1) -> Tensor:
    """3-D cross-correlation of (N, C, D, H, W) or (C, D, H, W) input with (O, C / groups, kD, kH, kW) weight."""
    return _conv("conv3d", 3, input, weight, bias, stride, padding, dilation, groups)


def conv_transpose1d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1, padding: Any = 0,
                     output_padding: Any = 0, groups: int = 1, dilation: Any = 1) -> Tensor:
    """The transpose (gradient) of conv1d: (N, C, L) input, (C, O / groups, K) weight.

    Output length (L - 1) * stride - 2 * padding + dilation * (K - 1) + output_padding + 1.

    >>> import ember
    >>> conv_transpose1d(ember.ones(1, 1, 2), ember.ones(1, 1, 2)).tolist()
    [[[1.0, 2.0, 1.0]]]
    """
    return _conv_transpose("conv_transpose1d", 1, input, weight, bias, stride, padding, output_padding, groups,
                           dilation)


def conv_transpose2d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1, padding: Any = 0,
                     output_padding: Any = 0, groups: int = 1, dilation: Any = 1) -> Tensor:
    """The transpose (gradient) of conv2d: (N, C, H, W) input, (C, O / groups, kH, kW) weight."""
    return _conv_transpose("conv_transpose2d", 2, input, weight, bias, stride, padding, output_padding, groups,
                           dilation)


def conv_transpose3d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1, padding: Any = 0,
                     output_padding: Any = 0, groups: int = 1, dilation: Any = 1) -> Tensor:
    """The transpose (gradient) of conv3d: (N, C, D, H, W) input, (C, O / groups, kD, kH, kW) weight."""
    return _conv_transpose("conv_transpose3d", 3, input, weight, bias, stride, padding, output_padding, groups,
                           dilation)


# ---------------------------------------------------------------------------------------
# unfold (im2col) and fold (col2im): each the other's derivative
# ---------------------------------------------------------------------------------------
def _im2col_array(x: np.ndarray, ks: tuple, dilation: tuple, padding: tuple, stride: tuple) -> np.ndarray:
    """(*lead, C, H, W) -> (*lead, C * kH * kW, L): the sliding blocks as columns."""
    lead = x.shape[:-2]
    if any(padding):
        x = np.pad(x, ((0, 0),) * len(lead) + tuple((p, p) for p in padding))
    eff = tuple(d * (k - 1) + 1 for d, k in zip(dilation, ks, strict=True))
    win = _window_view(x, eff, axis=(-2, -1))
    win = win[(Ellipsis,) + tuple(slice(None, None, st) for st in stride)
              + tuple(slice(None, None, d) for d in dilation)]  # (*lead, oh, ow, kh, kw)
    nl = len(lead)
    win = win.transpose(tuple(range(nl)) + (nl + 2, nl + 3, nl, nl + 1))
    return win.reshape(lead[:-1] + (lead[-1] * ks[0] * ks[1], win.shape[-2] * win.shape[-1]))


def _col2im_array(cols: np.ndarray, output_size: tuple, ks: tuple, dilation: tuple, padding: tuple,
                  stride: tuple) -> np.ndarray:
    """(*lead, C * kH * kW, L) -> (*lead, C, H, W), overlapping blocks summed."""
    blocks = _blocks(output_size, ks, dilation, padding, stride)
    lead = cols.shape[:-2]
    c = cols.shape[-2] // (ks[0] * ks[1])
    cols = cols.reshape(lead + (c,) + tuple(ks) + blocks)
    full = tuple(o + 2 * p for o, p in zip(output_size, padding, strict=True))
    return _add_windows(cols, full, padding, stride, dilation)


def _blocks(size: tuple, ks: tuple, dilation: tuple, padding: tuple, stride: tuple) -> tuple:
    return tuple((n + 2 * p - d * (k - 1) - 1) // st + 1
                 for n, k, d, p, st in zip(size, ks, dilation, padding, stride, strict=True))


def _im2col(input: Tensor, ks: tuple, dilation: tuple, padding: tuple, stride: tuple) -> Tensor:
    data = _im2col_array(input._data, ks, dilation, padding, stride)
    if requires_grad(input):
        return record(Im2ColBackward0, data, (input,), (tuple(input._data.shape[-2:]), ks, dilation, padding, stride))
    return wrap(data)


def _col2im(input: Tensor, output_size: tuple, ks: tuple, dilation: tuple, padding: tuple, stride: tuple) -> Tensor:
    data = _col2im_array(input._data, output_size, ks, dilation, padding, stride)
    if requires_grad(input):
        return record(Col2ImBackward0, data, (input,), (ks, dilation, padding, stride))
    return wrap(data)


Im2ColBackward0 = derivative("im2col", ("self_sym_argsize_minus_2", "kernel_size", "dilation", "padding", "stride"),
                             lambda grad, size, ks, d, p, s: _col2im(grad, size, ks, d, p, s))
Col2ImBackward0 = derivative("col2im", ("kernel_size", "dilation", "padding", "stride"),
                             lambda grad, ks, d, p, s: _im2col(grad, ks, d, p, s))


def _block_args(kernel_size: Any, dilation: Any, padding: Any, stride: Any) -> tuple[tuple, ...]:
    """The four pairs, checked as ATen's im2col/col2im_shape_check does."""
    out = []
    for name, v in (("kernel_size", kernel_size), ("dilation", dilation), ("padding", padding), ("stride", stride)):
        vals = [int(v)] * 2 if isinstance(v, (int, np.integer)) else [int(i) for i in v]
        if len(vals) != 2:
            raise RuntimeError(f"It is expected {name} equals to 2, but got size {len(vals)}")
        out.append(tuple(vals))
    ks, d, p, s = out
    if min(ks) <= 0:
        raise RuntimeError(f"kernel size should be greater than zero, but got kernel_height: {ks[0]} kernel_width: "
                           f"{ks[1]}")
    if min(d) <= 0:
        raise RuntimeError(f"dilation should be greater than zero, but got dilation_height: {d[0]} dilation_width: "
                           f"{d[1]}")
    if min(p) < 0:
        raise RuntimeError(f"padding should be non-negative, but got pad_height: {p[0]} pad_width: {p[1]}")
    if min(s) <= 0:
        raise RuntimeError(f"stride should be greater than zero, but got stride_height: {s[0]} stride_width: {s[1]}")
    return ks, d, p, s


def _pairs(*pairs: tuple) -> str:
    return ", ".join(f"{name}=({v[0]}, {v[1]})" for name, v in zip(("kernel_size", "dilation", "padding", "stride"),
                                                                     pairs, strict=False))


def unfold(input: Tensor, kernel_size: Any, dilation: Any = 1, padding: Any = 0, stride: Any = 1) -> Tensor:
    """The sliding blocks of (N, C, H, W) or (C, H, W) input as columns (N, C * kH * kW, L) (an Im2ColBackward0 Node).

    >>> import ember
    >>> unfold(ember.arange(9.).reshape(1, 1, 3, 3), 2).shape
    ember.Size([1, 4, 4])
    """
    ks, d, p, s = _block_args(kernel_size, dilation, padding, stride)
    x = input._data
    if x.ndim < 3:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-max(x.ndim, 1)}, "
                         f"{max(x.ndim, 1) - 1}], but got 2)")
    if x.ndim not in (3, 4) or 0 in x.shape[-3:] or (x.ndim == 3 and x.shape[0] == 0):
        raise RuntimeError("Expected 3D or 4D (batch mode) tensor with possibly 0 batch size and other non-zero "
                           f"dimensions for input, but got: {list(x.shape)}")
    if x.dtype.kind not in "fc":
        raise NotImplementedError(f"\"im2col_out_cpu\" not implemented for '{legacy_name(x.dtype)}'")
    blocks = _blocks(x.shape[-2:], ks, d, p, s)
    if min(blocks) < 1:
        raise RuntimeError(f"Given input with spatial size ({x.shape[-2]}, {x.shape[-1]}), {_pairs(ks, d, p)}, "
                           f"calculated shape of the array of sliding blocks as ({blocks[0]}, {blocks[1]}), but its "
                           "components must be at least one.")
    return _im2col(input, ks, d, p, s)


def fold(input: Tensor, output_size: Any, kernel_size: Any, dilation: Any = 1, padding: Any = 0,
         stride: Any = 1) -> Tensor:
    """Sum columns (N, C * kH * kW, L) or (C * kH * kW, L) back into (N, C, H, W) (a Col2ImBackward0 Node).

    The inverse of unfold where blocks do not overlap; overlapping blocks are summed.
    """
    size = [int(output_size)] * 2 if isinstance(output_size, (int, np.integer)) else [int(v) for v in output_size]
    if len(size) != 2:
        raise RuntimeError(f"It is expected output_size equals to 2, but got size {len(size)}")
    ks, d, p, s = _block_args(kernel_size, dilation, padding, stride)
    x = input._data
    if x.ndim not in (2, 3) or 0 in x.shape[-2:]:
        raise RuntimeError("Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch size and non-zero "
                           f"dimensions for input, but got: {list(x.shape)}")
    if x.shape[-2] % (ks[0] * ks[1]):
        raise RuntimeError(f"Expected size of input's dimension 1 to be divisible by the product of kernel_size, but "
                           f"got input.size(1)={x.shape[-2]} and kernel_size=({ks[0]}, {ks[1]}).")
    blocks = _blocks(tuple(size), ks, d, p, s)
    given = f"Given output_size=({size[0]}, {size[1]}), {_pairs(ks, d, p, s)}"
    if x.shape[-1] != blocks[0] * blocks[1]:
        raise RuntimeError(f"{given}, expected size of input's dimension 2 to match the calculated number of sliding "
                           f"blocks {blocks[0]} * {blocks[1]} = {blocks[0] * blocks[1]}, but got input.size(2)="
                           f"{x.shape[-1]}.")
    if min(blocks) < 1:
        raise RuntimeError(f"{given}, calculated shape of the array of sliding blocks as ({blocks[0]}, {blocks[1]}), "
                           "which is too small (non-positive)")
    if x.dtype.kind not in "fc":
        raise NotImplementedError(f"\"col2im_out_cpu\" not implemented for '{legacy_name(x.dtype)}'")
    return _col2im(input, tuple(size), ks, d, p, s)
