"""Kernels behind ``ember.nn.functional``: losses and activations that PyTorch records as one Node.

binary_cross_entropy_with_logits, with x the logits, t the target, w the weight and
p the pos_weight:

    loss = w * ((1 - t) * x + (1 + (p - 1) * t) * softplus(-x))
    d/dx = w * ((1 + (p - 1) * t) * sigmoid(x) - p * t)        (= w * (sigmoid(x) - t) for p = 1)
    d/dt = w * ((p - 1) * softplus(-x) - x)                     (= -w * x for p = 1)

softplus(-x) is computed as log1p(exp(-|x|)) + max(-x, 0), finite for any x.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _dtype as D  # noqa: N812 - D reads as a namespace of dtypes
from .._tensor import Tensor
from ._op import derivative, grad_state, record, requires_grad, wrap
from .pointwise import abs as _abs
from .pointwise import broadcast_error, exp, legacy_name, log1p, neg, relu, sigmoid

_REDUCTIONS = ("none", "mean", "sum")


def reduction_enum(reduction: str) -> str:
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return reduction


def legacy_reduction(size_average: Any, reduce: Any, reduction: str) -> str:
    """The reduction named by the deprecated ``size_average``/``reduce`` pair, as torch maps it."""
    if size_average is None and reduce is None:
        return reduction
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    if not reduce:
        return "none"
    return "mean" if size_average else "sum"


def _softplus_neg(x: Tensor) -> Tensor:
    return log1p(exp(-_abs(x))) + relu(neg(x))


def _reduce_grad(grad: Tensor, shape: tuple, reduction: str) -> Tensor:
    if reduction == "mean":
        n = 1
        for s in shape:
            n *= s
        return grad / n
    return grad


def _bce_logits_input(grad: Tensor, self: Tensor, target: Tensor, weight: Any, pos_weight: Any,
                      reduction: str) -> Tensor:
    g = _reduce_grad(grad, self._data.shape, reduction)
    if pos_weight is None:
        d = sigmoid(self) - target
    else:
        coef = (pos_weight - 1) * target + 1
        d = coef * sigmoid(self) - pos_weight * target
    if weight is not None:
        d = d * weight
    return d * g


def _bce_logits_target(grad: Tensor, self: Tensor, target: Tensor, weight: Any, pos_weight: Any,
                       reduction: str) -> Tensor:
    g = _reduce_grad(grad, self._data.shape, reduction)
    d = -self if pos_weight is None else (pos_weight - 1) * _softplus_neg(self) - self
    if weight is not None:
        d = d * weight
    return d * g


BinaryCrossEntropyWithLogitsBackward0 = derivative(
    "binary_cross_entropy_with_logits", ("self", "target", "weight", "pos_weight", "reduction"),
    _bce_logits_input,
    _bce_logits_target,
)


def binary_cross_entropy_with_logits(input: Tensor, target: Tensor, weight: Tensor | None = None,
                                     size_average: Any = None, reduce: Any = None, reduction: str = "mean",
                                     pos_weight: Tensor | None = None) -> Tensor:
    """Sigmoid + binary cross entropy in one stable step (one Node, as in PyTorch).

    The loss has the target's dtype, as in PyTorch (whose kernel starts from
    ``1 - target`` and works in place); ``weight`` and ``pos_weight`` broadcast.
    """
    reduction = reduction_enum(legacy_reduction(size_average, reduce, reduction))
    if target._data.shape != input._data.shape:
        raise ValueError(f"Target size ({target.shape}) must be the same as input size ({input.shape})")
    for name, extra in (("weight", weight), ("pos_weight", pos_weight)):
        if extra is not None and extra._rg and grad_state.enabled:
            raise RuntimeError(
                f"The function 'binary_cross_entropy_with_logits' is not differentiable with respect to argument "
                f"'{name}'. This input cannot have requires_grad True."
            )
    x, t = input._data, target._data
    if t.dtype.kind not in "fc":
        computed = D.promote_types(D.FROM_NP[x.dtype], D.FROM_NP[t.dtype]).np
        raise RuntimeError(
            f"result type {legacy_name(computed)} can't be cast to the desired output type {legacy_name(t.dtype)}"
        )
    sp = np.log1p(np.exp(-np.abs(x))) + np.maximum(-x, 0)
    if pos_weight is None:
        loss = (1 - t) * x + sp
    else:
        try:
            loss = (1 - t) * x + (1 + (pos_weight._data - 1) * t) * sp
        except ValueError:
            raise broadcast_error(t, pos_weight._data) from None
    if weight is not None:
        try:
            loss = loss * weight._data
        except ValueError:
            raise broadcast_error(loss, weight._data) from None
    loss = np.broadcast_to(loss, np.broadcast_shapes(loss.shape, x.shape)).astype(t.dtype)
    if reduction == "mean":
        loss = np.asarray(loss.mean(dtype=t.dtype))
    elif reduction == "sum":
        loss = np.asarray(loss.sum(dtype=t.dtype))
    if requires_grad(input, target):
        return record(BinaryCrossEntropyWithLogitsBackward0, loss, (input, target),
                      (input, target, weight, pos_weight, reduction))
    return wrap(loss)
