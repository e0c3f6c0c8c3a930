"""Losses behind ``ember.nn.functional`` (binary_cross_entropy_with_logits lives in nn.py).

One Node per loss where PyTorch records one; the others are composed of ember ops in
the order PyTorch composes them, so ``grad_fn`` reads the same. With d = input - target
and n the number of elements averaged over:

    mse_loss        d/dinput = 2 d grad / n                         (d/dtarget = -d/dinput)
    smooth_l1_loss  d/dinput = (d / beta if |d| < beta else sign(d)) grad / n
    huber_loss      d/dinput = clamp(d, -delta, delta) grad / n
    binary_cross_entropy
                    loss = -w (t max(log x, -100) + (1 - t) max(log(1 - x), -100))
                    d/dinput = w (x - t) / max(x (1 - x), 1e-12) grad / n
                    d/dtarget = w (max(log(1 - x), -100) - max(log x, -100)) grad / n
    nll_loss        loss_i = -w[t_i] x[i, t_i]   (0 where t_i == ignore_index)
                    d/dinput = -w[t_i] grad / total_weight at [i, t_i], 0 elsewhere
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from .. import _dtype as D  # noqa: N812 - D reads as a namespace of dtypes
from .._tensor import Tensor, _wrap_dim
from ..autograd.graph import Node
from ._op import OUTPUT, binary_operands, derivative, grad_state, record, requires_grad, wrap
from .nn import legacy_reduction, reduction_enum
from .nn_activation import clamp_min, log_softmax
from .pointwise import abs as _abs
from .pointwise import exp, legacy_name, log, lt, maximum, minimum, sign, sub, where
from .reduction import _norm_backward, linalg_vector_norm, mean
from .reduction import sum as _sum
from .shape import clone, expand, reshape, unsqueeze, view

__all__ = [
    "mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss", "binary_cross_entropy", "nll_loss", "cross_entropy",
    "kl_div", "margin_ranking_loss", "cosine_similarity", "pairwise_distance", "triplet_margin_loss", "xlogy",
]


# ---------------------------------------------------------------------------------------
# Shared pieces
# ---------------------------------------------------------------------------------------
def _reduce_array(loss: np.ndarray, reduction: str) -> np.ndarray:
    if reduction == "mean":
        return np.asarray(loss.mean(dtype=loss.dtype))
    if reduction == "sum":
        return np.asarray(loss.sum(dtype=loss.dtype))
    return loss


def _grad_of_reduced(grad: Tensor, shape: tuple, reduction: str) -> Tensor:
    """The incoming gradient spread over the unreduced loss's elements."""
    if reduction == "none":
        return grad
    g = expand(grad, shape)
    if reduction == "mean":
        n = int(np.prod(shape))
        return g / n
    return g


def _reduce(loss: Tensor, reduction: str) -> Tensor:
    if reduction == "mean":
        return mean(loss)
    if reduction == "sum":
        return _sum(loss)
    return loss


def _reduction(size_average: Any, reduce: Any, reduction: str) -> str:
    return reduction_enum(legacy_reduction(size_average, reduce, reduction))


def _same_size(name: str, input: Tensor, target: Tensor) -> tuple:
    """The broadcast shape, with PyTorch's warning when the sizes differ."""
    a, b = input._data.shape, target._data.shape
    if a != b:
        warnings.warn(
            f"Using a target size ({target.shape}) that is different to the input size ({input.shape}). This will "
            "likely lead to incorrect results due to broadcasting. Please ensure they have the same size.",
            UserWarning, stacklevel=3)
    try:
        return np.broadcast_shapes(a, b)
    except ValueError:
        from .pointwise import broadcast_error

        raise broadcast_error(input._data, target._data) from None


def _div_scalar(x: Tensor, other: float) -> Tensor:
    """x / other with a Python number, recorded as PyTorch's C++ code records it (DivBackward1)."""
    data = np.asarray(x._data / other).astype(x._data.dtype, copy=False)
    if x._rg and grad_state.enabled:
        return record(DivBackward1, data, (x,), (other,))
    return wrap(data)


DivBackward1 = derivative("div", ("other",), lambda grad, other: grad / other, overload=1)


# ---------------------------------------------------------------------------------------
# Pointwise losses: one Node each
# ---------------------------------------------------------------------------------------
def _minus(self: Tensor, target: Tensor) -> Tensor:
    """self - target; a bool one (it has no gradient) counts as 0/1, as PyTorch's loss kernels read it."""
    if target._data.dtype == np.bool_:
        target = wrap(target._data.astype(self._data.dtype))
    if self._data.dtype == np.bool_:
        self = wrap(self._data.astype(target._data.dtype))
    return self - target


def _mse_input(grad: Tensor, self: Tensor, target: Tensor, reduction: str) -> Tensor:
    d = _minus(self, target)
    return 2 * d * _grad_of_reduced(grad, d._data.shape, reduction)


def _smooth_l1_input(grad: Tensor, self: Tensor, target: Tensor, reduction: str, beta: float) -> Tensor:
    d = self - target
    slope = where(lt(_abs(d), beta), d / beta, sign(d))
    return slope * _grad_of_reduced(grad, d._data.shape, reduction)


def _huber_input(grad: Tensor, self: Tensor, target: Tensor, reduction: str, delta: float) -> Tensor:
    d = self - target
    slope = maximum(minimum(d, _full_like(d, delta)), _full_like(d, -delta))
    return slope * _grad_of_reduced(grad, d._data.shape, reduction)


def _full_like(x: Tensor, value: float) -> Tensor:
    return wrap(np.full(x._data.shape, value, x._data.dtype))


MseLossBackward0 = derivative("mse_loss", ("self", "target", "reduction"),
                              _mse_input,
                              lambda grad, self, target, reduction: -_mse_input(grad, self, target, reduction))
SmoothL1LossBackward0 = derivative(
    "smooth_l1_loss", ("self", "target", "reduction", "beta"),
    _smooth_l1_input,
    lambda grad, self, target, reduction, beta: -_smooth_l1_input(grad, self, target, reduction, beta))
HuberLossBackward0 = derivative(
    "huber_loss", ("self", "target", "reduction", "delta"),
    _huber_input,
    lambda grad, self, target, reduction, delta: -_huber_input(grad, self, target, reduction, delta))


def _pointwise_loss(name: str, input: Tensor, target: Tensor) -> tuple[np.ndarray, np.ndarray]:
    for i, (arg, v) in enumerate((("input", input), ("target", target))):
        if not isinstance(v, Tensor):
            raise TypeError(f"{name}(): argument '{arg}' (position {i + 1}) must be Tensor, not {type(v).__name__}")
    shape = _same_size(name, input, target)
    # PyTorch broadcasts the two first (broadcast_tensors), so a 0-d target promotes as a
    # dimensioned tensor: mse_loss(float32 [2], float64 0-d) is float64.
    x, y = binary_operands(wrap(np.broadcast_to(input._data, shape)), wrap(np.broadcast_to(target._data, shape)))
    return np.broadcast_to(x, shape), np.broadcast_to(y, shape)


def mse_loss(input: Tensor, target: Tensor, size_average: Any = None, reduce: Any = None,
             reduction: str = "mean", weight: Tensor | None = None) -> Tensor:
    """Mean squared error; one MseLossBackward0 Node."""
    reduction = _reduction(size_average, reduce, reduction)
    x, y = _pointwise_loss("mse_loss", input, target)
    if x.dtype.kind not in "fc":
        raise NotImplementedError(f"\"mse_cpu\" not implemented for '{legacy_name(x.dtype)}'")
    if weight is not None:
        raise NotImplementedError("ember: mse_loss(weight=...) is not supported yet")
    d = x - y
    data = _reduce_array(d * d, reduction)
    if requires_grad(input, target):
        return record(MseLossBackward0, data, (input, target), (input, target, reduction))
    return wrap(data)


def l1_loss(input: Tensor, target: Tensor, size_average: Any = None, reduce: Any = None,
            reduction: str = "mean", weight: Tensor | None = None) -> Tensor:
    """Mean absolute error, composed as PyTorch composes it: abs(input - target), then reduced."""
    reduction = _reduction(size_average, reduce, reduction)
    _pointwise_loss("l1_loss", input, target)
    if weight is not None:
        raise NotImplementedError("ember: l1_loss(weight=...) is not supported yet")
    return _reduce(_abs(sub(input, target)), reduction)


def smooth_l1_loss(input: Tensor, target: Tensor, size_average: Any = None, reduce: Any = None,
                   reduction: str = "mean", beta: float = 1.0) -> Tensor:
    """0.5 d^2 / beta where |d| < beta, else |d| - 0.5 beta (beta = 0 is l1_loss)."""
    reduction = _reduction(size_average, reduce, reduction)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    if beta == 0:
        return l1_loss(input, target, reduction=reduction)
    x, y = _pointwise_loss("smooth_l1_loss", input, target)
    a = np.abs(x - y)
    loss = np.where(a < beta, 0.5 * a * a / beta, a - 0.5 * beta).astype(a.dtype, copy=False)
    data = _reduce_array(loss, reduction)
    if requires_grad(input, target):
        return record(SmoothL1LossBackward0, data, (input, target), (input, target, reduction, beta))
    return wrap(data)


def huber_loss(input: Tensor, target: Tensor, reduction: str = "mean", delta: float = 1.0,
               weight: Tensor | None = None) -> Tensor:
    """0.5 d^2 where |d| <= delta, else delta (|d| - 0.5 delta)."""
    reduction = reduction_enum(reduction)
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    if weight is not None:
        raise NotImplementedError("ember: huber_loss(weight=...) is not supported yet")
    x, y = _pointwise_loss("huber_loss", input, target)
    dt = input._data.dtype  # PyTorch's huber_loss keeps the input's dtype
    x, y = x.astype(dt, copy=False), y.astype(dt, copy=False)
    a = np.abs(x - y)
    loss = np.where(a <= delta, 0.5 * a * a, delta * (a - 0.5 * delta)).astype(a.dtype, copy=False)
    data = _reduce_array(loss, reduction)
    if requires_grad(input, target):
        return record(HuberLossBackward0, data, (input, target), (input, target, reduction, delta))
    return wrap(data)


# ---------------------------------------------------------------------------------------
# binary_cross_entropy
# ---------------------------------------------------------------------------------------
def _clamped_log(x: Tensor) -> Tensor:
    return maximum(log(x), _full_like(x, -100.0))


_BCE_EPS = float(np.float32(1e-12))  # PyTorch's EPSILON is a float


def _bce_input(grad: Tensor, self: Tensor, target: Tensor, weight: Any, reduction: str) -> Tensor:
    d = (self - target) / clamp_min((1 - self) * self, _BCE_EPS)
    if weight is not None:
        d = d * weight
    return d * _grad_of_reduced(grad, self._data.shape, reduction)


def _bce_target(grad: Tensor, self: Tensor, target: Tensor, weight: Any, reduction: str) -> Tensor:
    d = _clamped_log(1 - self) - _clamped_log(self)
    if weight is not None:
        d = d * weight
    return d * _grad_of_reduced(grad, self._data.shape, reduction)


BinaryCrossEntropyBackward0 = derivative("binary_cross_entropy", ("self", "target", "weight", "reduction"),
                                         _bce_input, _bce_target)


def binary_cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None, size_average: Any = None,
                         reduce: Any = None, reduction: str = "mean") -> Tensor:
    """-w (t log x + (1 - t) log(1 - x)), each log clamped at -100 as PyTorch does."""
    reduction = _reduction(size_average, reduce, reduction)
    if target._data.shape != input._data.shape:
        raise ValueError(f"Using a target size ({target.shape}) that is different to the input size "
                         f"({input.shape}) is deprecated. Please ensure they have the same size.")
    x, t = input._data, target._data
    if x.dtype.kind not in "fc":
        raise NotImplementedError(f"\"binary_cross_entropy\" not implemented for '{legacy_name(x.dtype)}'")
    if x.size and (np.any(x < 0) or np.any(x > 1) or np.any(np.isnan(x))):
        raise RuntimeError("all elements of input should be between 0 and 1")
    if t.size and (np.any(t < 0) or np.any(t > 1) or np.any(np.isnan(t))):
        raise RuntimeError("all elements of target should be between 0 and 1")
    if t.dtype != x.dtype:
        raise RuntimeError(f"Found dtype {legacy_name(t.dtype)} but expected {legacy_name(x.dtype)}")
    if weight is not None:
        if weight._rg and grad_state.enabled:
            raise RuntimeError("the derivative for 'weight' is not implemented.")
        try:
            np.broadcast_to(weight._data, x.shape)
        except ValueError:
            raise RuntimeError(f"The size of tensor a ({x.shape[-1] if x.ndim else 1}) must match the size of "
                               f"tensor b ({weight._data.shape[-1]}) at non-singleton dimension "
                               f"{x.ndim - 1}") from None
    log_x = np.maximum(np.log(x), -100)
    log_1mx = np.maximum(np.log1p(-x), -100)
    loss = -(t * log_x + (1 - t) * log_1mx)
    if weight is not None:
        loss = loss * weight._data
    data = _reduce_array(loss.astype(x.dtype, copy=False), reduction)
    if requires_grad(input, target):
        return record(BinaryCrossEntropyBackward0, data, (input, target), (input, target, weight, reduction))
    return wrap(data)


# ---------------------------------------------------------------------------------------
# nll_loss and cross_entropy
# ---------------------------------------------------------------------------------------
def _nll_grad(grad: Tensor, target: np.ndarray, weight: Any, reduction: str, ignore_index: int,
              total_weight: float, shape: tuple) -> Tensor:
    """-w[t_i] * grad (/ total_weight for 'mean') at [i, t_i] of an input of ``shape``; linear in grad."""
    coef = _nll_coef(target, weight, ignore_index, shape)
    tshape = target.shape
    if reduction == "none":
        g = reshape(grad, tshape)
    else:
        g = expand(grad, tshape)
        if reduction == "mean":
            # Every target ignored: the loss is nan (0 / 0) but the gradient 0, as in PyTorch.
            g = g / total_weight if total_weight else g * 0
    g = unsqueeze(g, 1) if len(shape) > 1 else g
    # Only each row's target entry gets a gradient; the others are 0 even where the
    # incoming gradient is inf or nan (0 * nan would be nan), as PyTorch writes them.
    hot = wrap(_nll_coef(target, None, ignore_index, shape) != 0)
    return where(hot, wrap(coef.astype(grad._data.dtype, copy=False)) * g, 0)


def _nll_coef(target: np.ndarray, weight: Any, ignore_index: int, shape: tuple) -> np.ndarray:
    """-w[t] one-hot along the class dim (dim 1, or 0 for a (C,) input); 0 for ignored targets."""
    c = shape[1] if len(shape) > 1 else shape[0]
    valid = target != ignore_index
    safe = np.where(valid, target, 0)
    w = np.ones(c) if weight is None else weight._data
    wt = np.where(valid, w[safe], 0)
    classes = np.arange(c).reshape((1, c) + (1,) * (len(shape) - 2)) if len(shape) > 1 else np.arange(c)
    picked = np.expand_dims(safe, 1) if len(shape) > 1 else safe
    onehot = classes == picked
    return np.where(onehot, -(np.expand_dims(wt, 1) if len(shape) > 1 else wt), 0)


NllLossBackward0 = derivative(
    "nll_loss", ("target", "weight", "reduction", "ignore_index", "total_weight", "self_sym_sizes"),
    lambda grad, target, weight, reduction, ignore, total, shape:
    _nll_grad(grad, target, weight, reduction, ignore, total, shape))
NllLoss2DBackward0 = derivative(
    "nll_loss2d", ("target", "weight", "reduction", "ignore_index", "total_weight", "self_sym_sizes"),
    lambda grad, target, weight, reduction, ignore, total, shape:
    _nll_grad(grad, target, weight, reduction, ignore, total, shape))


def _nll_fast(node: Node, grads: list) -> list | None:
    """NllLossBackward0 / NllLoss2DBackward0 on arrays, for backward passes that record nothing.

    The formula's values in one scatter: zeros, and -w[t_i] * grad (/ total_weight) at
    each target that is not ignored (where the formula's ``hot`` mask is true).
    """
    g = grads[0]
    if g is None or node.next_functions[0][0] is None:
        return None
    target, weight, reduction, ignore_index, total, shape = node.saved_values()
    gd = g._data
    if reduction == "none":
        scale = gd.reshape(target.shape)
    elif reduction == "mean":
        # Every target ignored: the loss is nan (0 / 0) but the gradient 0, as in PyTorch.
        scale = gd / total if total else gd * 0
    else:
        scale = gd
    if weight is None:
        vals = -scale
    else:
        vals = (-weight._data[np.where(target != ignore_index, target, 0)]).astype(gd.dtype, copy=False) * scale
    out = np.zeros(shape, gd.dtype)
    valid = target != ignore_index
    if valid.all():
        safe = target
    else:
        safe = np.where(valid, target, 0)
        vals = np.where(valid, vals, 0).astype(gd.dtype, copy=False)
    if len(shape) == 1:
        out[safe] = vals
    elif len(shape) == 2:
        out[np.arange(shape[0]), safe] = vals
    else:
        np.put_along_axis(out, np.expand_dims(safe, 1), np.broadcast_to(vals, safe.shape)[:, None], axis=1)
    return [wrap(out)]


NllLossBackward0._fast = staticmethod(_nll_fast)
NllLoss2DBackward0._fast = staticmethod(_nll_fast)


def _check_nll(input: Tensor, target: Tensor, weight: Tensor | None) -> None:
    x, t = input._data, target._data
    if x.ndim < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {x.ndim})")
    if x.ndim >= 2 and t.ndim >= 1 and x.shape[0] != t.shape[0]:
        raise ValueError(f"Expected input batch_size ({x.shape[0]}) to match target batch_size ({t.shape[0]}).")
    if x.ndim <= 2 and t.ndim > 1:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if x.ndim == 2 and t.ndim != 1 or x.ndim == 1 and t.ndim != 0 and t.shape != (1,):
        raise RuntimeError(f"Expected target size {[x.shape[0]] if x.ndim == 2 else []}, got {list(t.shape)}")
    if x.ndim >= 3 and t.shape != x.shape[:1] + x.shape[2:]:
        raise RuntimeError(f"Expected target size {list(x.shape[:1] + x.shape[2:])}, got {list(t.shape)}")
    if t.dtype not in (np.int64, np.uint8):
        raise RuntimeError(f"expected target dtype to be Long or Byte, but got {legacy_name(t.dtype)}")
    c = x.shape[1] if x.ndim > 1 else x.shape[0]
    if weight is not None and weight._data.shape != (c,):
        raise RuntimeError(f"weight tensor should be defined either for all {c} classes or no classes but got "
                           f"weight tensor of shape: {list(weight._data.shape)}")


def nll_loss(input: Tensor, target: Tensor, weight: Tensor | None = None, size_average: Any = None,
             ignore_index: int = -100, reduce: Any = None, reduction: str = "mean") -> Tensor:
    """Negative log likelihood of class indices; inputs (C,), (N, C) or (N, C, d1, ...).

    One NllLossBackward0 Node for (C,) and (N, C) inputs, NllLoss2DBackward0 beyond, as
    in PyTorch. 'mean' divides by the summed weights of the targets not ignored (nan
    when every target is ignored).
    """
    reduction = _reduction(size_average, reduce, reduction)
    _check_nll(input, target, weight)
    # A copy even when int64: the Node keeps it, and the caller may change the target in place.
    x, t = input._data, target._data.astype(np.int64)
    if x.ndim == 1 and t.ndim == 1:
        t = t.reshape(())
    c = x.shape[1] if x.ndim > 1 else x.shape[0]
    valid = t != ignore_index
    # One test for both bounds: a negative target is a huge unsigned one.
    outside = t.view(np.uint64) >= c
    if outside.any():
        bad = t[valid & outside]
        if bad.size:
            raise IndexError(f"Target {bad.flat[0]} is out of bounds.")
    all_valid = bool(valid.all())
    safe = t if all_valid else np.where(valid, t, 0)
    if x.ndim == 2:
        picked = x[np.arange(x.shape[0]), safe]
    elif x.ndim > 2:
        picked = np.take_along_axis(x, np.expand_dims(safe, 1), axis=1).squeeze(1)
    else:
        picked = x[safe]
    if weight is None and all_valid:
        losses = -picked
        total = float(t.size)
    else:
        w = weight._data if weight is not None else np.ones(c, x.dtype)
        wt = np.where(valid, w[safe], 0).astype(x.dtype)
        losses = -picked * wt
        total = float(wt.sum())
    if reduction == "none":
        data = losses.astype(x.dtype, copy=False)
    elif reduction == "sum":
        data = np.asarray(losses.sum(), x.dtype)
    else:
        data = np.asarray(losses.sum() / total if total else np.nan, x.dtype)
    cls = NllLoss2DBackward0 if x.ndim >= 3 else NllLossBackward0
    if not requires_grad(input):
        return wrap(data)
    if weight is not None and weight._rg:
        raise RuntimeError("the derivative for 'weight' is not implemented.")
    saved = (t, weight, reduction, ignore_index, total, x.shape)
    if reduction == "none" and (x.ndim == 3 or x.ndim > 4):
        # PyTorch runs the 2-D kernel on a 4-D view and views the result back.
        out = record(cls, data.reshape(t.shape[:1] + (1, -1) if x.ndim > 4 else t.shape + (1,)), (input,), saved)
        return view(out, t.shape)
    return record(cls, data, (input,), saved)


def cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None, size_average: Any = None,
                  ignore_index: int = -100, reduce: Any = None, reduction: str = "mean",
                  label_smoothing: float = 0.0) -> Tensor:
    """log_softmax over the class dim, then nll_loss (class indices) or -sum(p log q) (probabilities)."""
    reduction = _reduction(size_average, reduce, reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    x = input._data
    if target._data.shape == x.shape:  # class probabilities
        if target._data.dtype.kind != "f":
            raise RuntimeError(f"Expected floating point type for target with class probabilities, got "
                               f"{legacy_name(target._data.dtype)}")
    elif x.ndim < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {x.ndim})")
    class_dim = 0 if x.ndim < 2 else 1
    c = x.shape[class_dim] if x.ndim else 1
    logp = log_softmax(input, class_dim)
    if target._data.shape == x.shape:
        if ignore_index != -100:
            raise RuntimeError("ignore_index is not supported for floating point target")
        p = target
        if label_smoothing > 0:
            p = p * (1 - label_smoothing) + label_smoothing / c
        prod = logp * p
        if weight is not None:
            prod = prod * reshape(weight, tuple(c if i == class_dim else 1 for i in range(x.ndim)))
        if reduction == "none":
            return -_sum(prod, class_dim)
        if reduction == "sum":
            return -_sum(prod)
        return _div_scalar(-_sum(prod), x.size / c if c else 0.0)
    nll = nll_loss(logp, target, weight, ignore_index=ignore_index, reduction=reduction)
    if label_smoothing == 0:
        return nll
    t = target._data
    ignored = wrap(t == ignore_index)
    if weight is not None:
        wl = logp * reshape(weight, tuple(c if i == class_dim else 1 for i in range(x.ndim)))
        smooth = -_sum(wl, class_dim)
    else:
        smooth = -_sum(logp, class_dim)
    smooth = where(ignored, 0, smooth)
    if reduction == "mean":
        if weight is not None:
            keep = t[t != ignore_index]
            smooth = _sum(smooth) / wrap(np.asarray(weight._data[keep].sum(), x.dtype))
        else:
            smooth = _sum(smooth) / wrap(np.asarray(np.sum(t != ignore_index), np.int64))
    elif reduction == "sum":
        smooth = _sum(smooth)
    return nll * (1 - label_smoothing) + smooth * (label_smoothing / c)


# ---------------------------------------------------------------------------------------
# kl_div, margin_ranking_loss
# ---------------------------------------------------------------------------------------
def _xlogy_self(grad: Tensor, self: Tensor, other: Any) -> Tensor:
    # PyTorch's formula: xlogy(grad, other), 0 where self == 0 and other <= 0. A zero grad
    # gives 0 even where log(other) is nan (grad * log(other) would give nan).
    o = other._data if isinstance(other, Tensor) else np.asarray(other)
    return where(wrap((self._data == 0) & (o <= 0)), 0, xlogy(grad, other))


XlogyBackward0 = derivative("xlogy", ("self", "other"),
                            _xlogy_self,
                            lambda grad, self, other: grad * self / other)
# A Python number as self (overload 1) or as other (overload 2), as torch records them.
XlogyBackward1 = derivative("xlogy", ("self", "other"),
                            lambda grad, self, other: None,
                            lambda grad, self, other: grad * self / other, overload=1)
XlogyBackward2 = derivative("xlogy", ("self", "other"), _xlogy_self, overload=2)


def xlogy(input: Tensor, other: Tensor) -> Tensor:
    """input * log(other), 0 where input == 0 (nan where other is nan), as torch.xlogy."""
    a, b = binary_operands(input, other)
    try:
        np.broadcast_shapes(np.shape(a), np.shape(b))
    except ValueError:
        from .pointwise import broadcast_error

        raise broadcast_error(a, b) from None
    dt = np.result_type(a, b)
    if dt.kind not in "fc":   # integers compute in the default float dtype, as torch does
        dt = D.get_default_dtype().np
    data = np.where(a == 0, 0, a * np.log(np.asarray(b, dtype=dt)))
    data = np.where(np.isnan(b), np.nan, data).astype(dt, copy=False)
    if requires_grad(input, other):
        if not isinstance(input, Tensor):
            return record(XlogyBackward1, data, (None, other), (input, other))
        if not isinstance(other, Tensor):
            return record(XlogyBackward2, data, (input,), (input, other))
        return record(XlogyBackward0, data, (input, other), (input, other))
    return wrap(data)


def kl_div(input: Tensor, target: Tensor, size_average: Any = None, reduce: Any = None, reduction: str = "mean",
           log_target: bool = False) -> Tensor:
    """target * (log target - input) (log_target: exp(target) * (target - input)), then reduced."""
    if size_average is not None or reduce is not None:
        reduction = legacy_reduction(size_average, reduce, reduction)
    elif reduction == "mean":
        warnings.warn(
            "reduction: 'mean' divides the total loss by both the batch size and the support size.'batchmean' "
            "divides only by the batch size, and aligns with the KL div math definition.'mean' will be changed "
            "to behave the same as 'batchmean' in the next major release.", UserWarning, stacklevel=2)
    if reduction not in ("none", "mean", "sum", "batchmean"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    if log_target:
        loss = exp(target) * (target - input)
    else:
        loss = sub(xlogy(target, target), target * input)
    if reduction == "batchmean":
        if input.dim() == 0:
            return _sum(loss)
        return _sum(loss) / input._data.shape[0]
    return _reduce(loss, reduction)


def margin_ranking_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0.0,
                        size_average: Any = None, reduce: Any = None, reduction: str = "mean") -> Tensor:
    """max(0, -target * (input1 - input2) + margin)."""
    reduction = _reduction(size_average, reduce, reduction)
    if not (input1.dim() == input2.dim() == target.dim()):
        raise RuntimeError(
            f"margin_ranking_loss : All input tensors should have same dimension but got sizes: input1: "
            f"{input1.shape}, input2: {input2.shape}, target: {target.shape} ")
    return _reduce(clamp_min(-target * (input1 - input2) + margin, 0), reduction)


# ---------------------------------------------------------------------------------------
# Distances: cosine_similarity, pairwise_distance, triplet_margin_loss
# ---------------------------------------------------------------------------------------
def cosine_similarity(x1: Tensor, x2: Tensor, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """sum((x1 / max(||x1||, eps)) * (x2 / max(||x2||, eps)), dim); the clamp is not differentiated."""
    shape = np.broadcast_shapes(x1._data.shape, x2._data.shape)
    a = x1 if x1._data.shape == shape else expand(x1, shape)
    b = x2 if x2._data.shape == shape else expand(x2, shape)
    d = _wrap_dim(dim, len(shape))

    def unit(v: Tensor) -> Tensor:
        n = clone(linalg_vector_norm(v, 2, d, keepdim=True))
        np.maximum(n._data, eps, out=n._data)  # PyTorch clamps in place under no_grad
        return v / n

    return _sum(unit(a) * unit(b), d)


NormBackward1 = derivative("norm", ("self", "p", "dim", "keepdim", "result"),
                           lambda grad, self, p, dim, keepdim, result:
                           _norm_backward(grad, self, p, dim, keepdim, result), overload=1)


def _norm_dim(input: Tensor, p: float, dim: int, keepdim: bool) -> Tensor:
    """at::norm(input, p, dim): a NormBackward1 Node (torch.norm from C++)."""
    from ..autograd.grad_mode import no_grad

    with no_grad():
        data = linalg_vector_norm(input, p, dim, keepdim)._data
    if input._rg and grad_state.enabled:
        return record(NormBackward1, data, (input,), (input, p, (_wrap_dim(dim, input.dim()),), keepdim, OUTPUT))
    return wrap(data)



def pairwise_distance(x1: Tensor, x2: Tensor, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False) -> Tensor:
    """||x1 - x2 + eps||_p over the last dim."""
    nd = max(x1.dim(), x2.dim())
    dim = nd - 1 if nd else 0
    return _norm_dim(x1 - x2 + eps, p, dim, keepdim)


def triplet_margin_loss(anchor: Tensor, positive: Tensor, negative: Tensor, margin: float = 1.0, p: float = 2,
                        eps: float = 1e-6, swap: bool = False, size_average: Any = None, reduce: Any = None,
                        reduction: str = "mean") -> Tensor:
    """max(d(a, p) - d(a, n) + margin, 0), d the pairwise distance (swap: the smaller of d(a, n), d(p, n))."""
    reduction = _reduction(size_average, reduce, reduction)
    da, dp, dn = anchor.dim(), positive.dim(), negative.dim()
    if not (da == dp == dn):
        raise RuntimeError(
            f"The anchor, positive, and negative tensors are expected to have the same number of dimensions, but "
            f"got: anchor {da}D, positive {dp}D, and negative {dn}D inputs")
    d_pos = pairwise_distance(anchor, positive, p, eps)
    d_neg = pairwise_distance(anchor, negative, p, eps)
    if swap:
        d_neg = minimum(d_neg, pairwise_distance(positive, negative, p, eps))
    return _reduce(clamp_min(margin + d_pos - d_neg, 0), reduction)

