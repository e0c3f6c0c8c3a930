"""torch.cdist: the p-norm distance between each pair of rows of two (batched) matrices.

As in PyTorch, p = 2 on large inputs (more than 25 rows, or ``compute_mode=
'use_mm_for_euclid_dist'``) goes through matrix products (``_euclidean_dist``,
EuclideanDistBackward0, then a view); every other case computes the differences
directly (CdistBackward0). Both derivatives are written in ember ops, so second
derivatives work (PyTorch's ``_cdist_backward`` has none). Their subgradients are
PyTorch's: 0 where a distance is 0, and for p = inf the gradient goes to every
coordinate whose difference reaches the maximum.

>>> import ember
>>> ember.cdist(ember.tensor([[0., 0.], [1., 1.]]), ember.tensor([[3., 4.]]))
tensor([[5.0000],
        [3.6056]])
"""

from __future__ import annotations

import math

import numpy as np

from .._tensor import Tensor
from ._op import OUTPUT, derivative, grad_state, record, wrap
from .linalg import matmul
from .pointwise import abs as _abs
from .pointwise import eq, sign, where
from .reduction import sum as _sum
from .shape import contiguous, expand, reshape, transpose, unsqueeze, view

__all__ = ["cdist"]

_MODES = {"use_mm_for_euclid_dist_if_necessary": 0, "use_mm_for_euclid_dist": 1, "donot_use_mm_for_euclid_dist": 2}


def _safe(t: Tensor, zero: Tensor) -> Tensor:
    """``t`` with 1 where ``zero``: a denominator (or a base of pow) whose masked entries stay finite,
    so that the gradients of the masked branch are 0 rather than NaN."""
    return where(zero, 1.0, t)


def _pair_terms(grad: Tensor, x1: Tensor, x2: Tensor, p: float, result: Tensor) -> Tensor:
    """d(dist[i, j]) / d(x1[i]) * grad[i, j], for every pair: shape (..., r1, r2, c)."""
    diff = unsqueeze(x1, -2) - unsqueeze(x2, -3)
    g = unsqueeze(grad, -1)
    if p == 1:
        return sign(diff) * g
    d = unsqueeze(result, -1)
    if math.isinf(p):  # every coordinate that reaches the maximum (PyTorch's idist backward)
        return where(eq(_abs(diff), d), sign(diff) * g, 0.0)
    zero = eq(d, 0)
    at0 = eq(diff, 0)
    if p == 2:
        t = diff * g / _safe(d, zero)
    elif p < 2:
        t = sign(diff) * where(at0, 0.0, _safe(_abs(diff), at0) ** (p - 1)) * g / _safe(d, zero) ** (p - 1)
    else:
        t = diff * where(at0, 0.0, _safe(_abs(diff), at0) ** (p - 2)) * g / _safe(d, zero) ** (p - 1)
    return where(zero, 0.0, t)


def _cdist_grad_x1(grad: Tensor, x1: Tensor, x2: Tensor, p: float, result: Tensor) -> Tensor:
    if p == 0:
        return wrap(np.zeros(x1._data.shape, grad._data.dtype))
    return _sum(_pair_terms(grad, x1, x2, p, result), -2)


def _cdist_grad_x2(grad: Tensor, x1: Tensor, x2: Tensor, p: float, result: Tensor) -> Tensor:
    if p == 0:
        return wrap(np.zeros(x2._data.shape, grad._data.dtype))
    return -_sum(_pair_terms(grad, x1, x2, p, result), -3)


CdistBackward0 = derivative("cdist", ("x1", "x2", "p", "result"), _cdist_grad_x1, _cdist_grad_x2)


def _euclid_ratio(grad: Tensor, result: Tensor) -> Tensor:
    zero = eq(result, 0)
    return where(zero, 0.0, grad / _safe(result, zero))


EuclideanDistBackward0 = derivative(
    "_euclidean_dist", ("x1", "x2", "result"),
    lambda grad, x1, x2, result: x1 * _sum(_euclid_ratio(grad, result), -1, keepdim=True)
    - matmul(_euclid_ratio(grad, result), x2),
    lambda grad, x1, x2, result: x2 * unsqueeze(_sum(_euclid_ratio(grad, result), -2), -1)
    - matmul(transpose(_euclid_ratio(grad, result), -1, -2), x1))


def _euclidean_dist(x1: Tensor, x2: Tensor) -> Tensor:
    """PyTorch's _euclidean_dist: sqrt(|a|^2 - 2 a.b + |b|^2) by one matrix product, clamped at 0."""
    a, b = x1._data, x2._data
    an = (a * a).sum(-1, keepdims=True)
    bn = (b * b).sum(-1, keepdims=True)
    a_ = np.concatenate([-2 * a, an, np.ones_like(an)], -1)
    b_ = np.concatenate([b, np.ones_like(bn), bn], -1)
    data = np.sqrt(np.maximum(a_ @ np.swapaxes(b_, -1, -2), 0))
    if grad_state.enabled and (x1._rg or x2._rg):
        return record(EuclideanDistBackward0, data, (x1, x2), (x1, x2, OUTPUT))
    return wrap(data)


def _direct(a: np.ndarray, b: np.ndarray, p: float) -> np.ndarray:
    diff = np.abs(a[..., :, None, :] - b[..., None, :, :])
    if p == 0:
        return (diff != 0).sum(-1).astype(a.dtype)
    if p == 1:
        return diff.sum(-1)
    if p == 2:
        return np.sqrt((diff * diff).sum(-1))
    if math.isinf(p):
        return diff.max(-1)
    return ((diff ** p).sum(-1)) ** (1 / p)


def cdist(x1: Tensor, x2: Tensor, p: float = 2.0,
          compute_mode: str = "use_mm_for_euclid_dist_if_necessary") -> Tensor:
    """The ``p``-norm distance between each row of ``x1`` (..., r1, c) and each row of ``x2`` (..., r2, c).

    The batch dims broadcast; the result is (..., r1, r2).
    """
    from .pointwise import legacy_name
    from .shape_extra import _infer_size

    mode = _MODES.get(compute_mode)
    if mode is None:
        raise ValueError(f"{compute_mode} is not a valid value for compute_mode")
    a, b = x1._data, x2._data
    if a.ndim < 2:
        raise RuntimeError(f"cdist only supports at least 2D tensors, X1 got: {a.ndim}D")
    if b.ndim < 2:
        raise RuntimeError(f"cdist only supports at least 2D tensors, X2 got: {b.ndim}D")
    if a.shape[-1] != b.shape[-1]:
        raise RuntimeError(f"X1 and X2 must have the same number of columns. X1: {a.shape[-1]} X2: {b.shape[-1]}")
    for name, x in (("X1", a), ("X2", b)):
        if x.dtype.kind != "f":
            raise RuntimeError(f"cdist only supports floating-point dtypes, {name} got: {legacy_name(x.dtype)}")
    if p < 0:
        raise RuntimeError("cdist only supports non-negative p values")
    if a.dtype == np.float16:
        raise NotImplementedError("\"cdist\" not implemented for 'Half'")
    if a.dtype != b.dtype:
        raise RuntimeError(f"expected scalar type {legacy_name(a.dtype)} but found {legacy_name(b.dtype)}")
    r1, r2, c = a.shape[-2], b.shape[-2], a.shape[-1]
    batch = _infer_size(a.shape[:-2], b.shape[:-2])
    out_shape = batch + (r1, r2)
    empty = a.size == 0 or b.size == 0
    if not empty and p == 2 and (mode == 1 or (mode == 0 and (r1 > 25 or r2 > 25))):
        if a.ndim == 2 and b.ndim == 2:
            return view(_euclidean_dist(x1, x2), out_shape)
        n = int(np.prod(batch))
        e1 = reshape(contiguous(expand(x1, batch + (r1, c))), (n, r1, c))
        e2 = reshape(contiguous(expand(x2, batch + (r2, c))), (n, r2, c))
        return view(_euclidean_dist(e1, e2), out_shape)
    if r1 == 0 or r2 == 0 or 0 in batch or c == 0:
        data = np.zeros(out_shape, a.dtype)
    else:
        data = _direct(a, b, float(p))
    if grad_state.enabled and (x1._rg or x2._rg):
        return record(CdistBackward0, data, (x1, x2), (x1, x2, float(p), OUTPUT))
    return wrap(data)
