"""Scans along one dim: cumsum, cumprod, cummax, cummin, logcumsumexp.

Every scan keeps the input's shape; a 0-d tensor scans as itself (dim 0 or -1). The
derivatives are those of PyTorch's derivatives.yaml, written in ember ops:

* ``cumsum``: the reversed cumulative sum of the gradient.
* ``cumprod``: without zeros, ``reversed_cumsum(grad * result) / self``. With zeros the
  division is undefined; the first-order gradient is then computed exactly in O(n)
  (only the first zero of a slice and the elements before it get a gradient), and under
  ``create_graph`` by an O(n^2) formula that is itself differentiable (PyTorch does the
  same, for the same reason).
* ``cummax``/``cummin``: the gradient goes to the index each output was taken from (a
  later index wins ties, and a NaN wins over numbers, as in PyTorch).
* ``logcumsumexp``: PyTorch's stable formula, which splits the gradient by sign.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .. import _dtype as D  # noqa: N812 - D reads as a namespace of dtypes
from .._tensor import Tensor, _wrap_dim
from ._op import OUTPUT, derivative, grad_state, record, wrap
from .pointwise import abs as _abs
from .pointwise import exp, gt, log, lt, where
from .reduction import _return_type
from .reduction import sum as _sum
from .shape import scatter_into_zeros, transpose, unsqueeze
from .shape_more import flip

# ---------------------------------------------------------------------------------------
# Derivatives
# ---------------------------------------------------------------------------------------
CumsumBackward0 = derivative("cumsum", ("dim",), lambda grad, dim: _reversed_cumsum(grad, dim))
CumprodBackward0 = derivative("cumprod", ("self", "dim", "result"),
                              lambda grad, self, dim, result: _cumprod_backward(grad, self, dim, result))
CummaxBackward0 = derivative("cummax", ("self_sym_sizes", "dim", "indices"),
                             lambda grads, shape, dim, idx: _cum_extreme_backward(grads[0], shape, dim, idx),
                             n_outputs=2)
CumminBackward0 = derivative("cummin", ("self_sym_sizes", "dim", "indices"),
                             lambda grads, shape, dim, idx: _cum_extreme_backward(grads[0], shape, dim, idx),
                             n_outputs=2)
LogcumsumexpBackward0 = derivative("logcumsumexp", ("self", "dim", "result"),
                                   lambda grad, self, dim, result: _logcumsumexp_backward(grad, self, dim, result))


def _reversed_cumsum(grad: Tensor, dim: int) -> Tensor:
    """sum_{i >= k} grad[i] along ``dim``."""
    if grad._data.ndim == 0:
        return grad
    return flip(cumsum(flip(grad, (dim,)), dim), (dim,))


def _cumprod_backward(grad: Tensor, self: Tensor, dim: int, result: Tensor) -> Tensor:
    x = self._data
    if x.ndim == 0 or x.shape[dim] <= 1:
        return grad
    if not (x == 0).any():
        return _reversed_cumsum(grad * result, dim) / self
    if not grad_state.enabled:
        return wrap(_cumprod_backward_array(grad._data, x, dim, result._data))
    return _cumprod_backward_differentiable(grad, self, dim)


def _cumprod_backward_array(g: np.ndarray, x: np.ndarray, dim: int, y: np.ndarray) -> np.ndarray:
    """The exact gradient with zeros, in O(n): grad[k] = sum_{i>=k} g[i] prod_{j<=i, j!=k} x[j].

    Before the first zero z, ``prod_{j<=i, j!=k} x[j]`` is ``y[i] / x[k]``; at z it is the
    cumulative product with x[z] read as 1; after z it contains x[z] and is 0.
    """
    zeros = np.cumsum(x == 0, axis=dim)
    before = zeros == 0
    first = (x == 0) & (zeros == 1)
    rev = np.flip(np.cumsum(np.flip(g * y, dim), dim), dim)
    out = np.where(before, rev / np.where(before, x, 1), 0)
    y1 = np.cumprod(np.where(first, 1, x), axis=dim)
    at_first = np.sum(np.where(zeros >= 1, g * y1, 0), axis=dim, keepdims=True)
    return np.where(first, at_first, out).astype(g.dtype, copy=False)


def _cumprod_backward_differentiable(grad: Tensor, self: Tensor, dim: int) -> Tensor:
    """The same gradient, in ember ops (for create_graph): O(n^2) along ``dim``.

    With dim moved last, row k of ``omit`` is the input with element k read as 1, so its
    cumulative product at i is prod_{j<=i, j!=k} x[j]; the terms i < k are masked out.
    """
    n = self._data.shape[dim]
    x = transpose(self, dim, -1)
    g = transpose(grad, dim, -1)
    eye = wrap(np.eye(n, dtype=bool))
    omit = cumprod(where(eye, 1.0, unsqueeze(x, -2)), -1)  # [..., k, i]
    upper = wrap(np.triu(np.ones((n, n), dtype=self._data.dtype)))  # i >= k
    out = _sum(omit * upper * unsqueeze(g, -2), -1)
    return transpose(out, dim, -1)


def _cum_extreme_backward(grad: Tensor | None, shape: tuple, dim: int, indices: Tensor) -> Tensor | None:
    if grad is None or not shape:
        return grad
    grid = list(np.indices(shape, sparse=True))
    grid[dim] = indices._data
    return scatter_into_zeros(grad, shape, tuple(grid), accumulate=True)


def _logcumsumexp_backward(grad: Tensor, self: Tensor, dim: int, result: Tensor) -> Tensor:
    """PyTorch's logcumsumexp_backward: the positive and negative parts of grad, in log space."""
    if self._data.ndim == 0:
        return grad
    lowest = float(np.finfo(grad._data.dtype).min)
    log_abs_grad = log(_abs(grad))
    log_pos = where(gt(grad, 0), log_abs_grad, lowest)
    log_neg = where(lt(grad, 0), log_abs_grad, lowest)

    def reversed_lcse(t: Tensor) -> Tensor:
        return flip(logcumsumexp(flip(t, (dim,)), dim), (dim,))

    return exp(reversed_lcse(log_pos - result) + self) - exp(reversed_lcse(log_neg - result) + self)


# ---------------------------------------------------------------------------------------
# Forwards
# ---------------------------------------------------------------------------------------
def _scan_dim(dim: Any, ndim: int) -> int:
    return _wrap_dim(int(dim), ndim)


def _int_to_long(x: np.ndarray, dtype: D.dtype | None) -> np.ndarray:
    if dtype is not None:
        return x.astype(dtype.np, copy=False)
    return x.astype(np.int64) if x.dtype.kind in "biu" else x


def _make_accumulate(name: str, fn: Callable[..., np.ndarray], cls: type, saved: Callable[..., tuple]) -> Callable:
    def op(input: Tensor, dim: int, *, dtype: D.dtype | None = None) -> Tensor:
        x = _int_to_long(input._data, dtype)
        d = _scan_dim(dim, x.ndim)
        # C-contiguous, as PyTorch's scans return (NumPy keeps a transposed input's order),
        # so that view() accepts what it accepts in PyTorch
        data = np.ascontiguousarray(fn(x, axis=d, dtype=x.dtype)) if x.ndim else x.copy()
        if input._rg and grad_state.enabled:
            return record(cls, data, (input,), saved(input, d))
        return wrap(data)

    op.__name__ = op.__qualname__ = name
    return op


cumsum = _make_accumulate("cumsum", np.cumsum, CumsumBackward0, lambda input, d: (d,))
cumsum.__doc__ = """Cumulative sum along ``dim``; integers and bools accumulate as int64.

>>> import ember
>>> ember.tensor([1., 2., 3.]).cumsum(0)
tensor([1., 3., 6.])
"""
cumprod = _make_accumulate("cumprod", np.cumprod, CumprodBackward0, lambda input, d: (input, d, OUTPUT))
cumprod.__doc__ = """Cumulative product along ``dim``; exact gradients where the input has zeros.

>>> import ember
>>> ember.tensor([1., 2., 3.]).cumprod(0)
tensor([1., 2., 6.])
"""


def _cum_extreme(name: str, input: Tensor, dim: int, cls: type, accumulate: Callable[..., np.ndarray]) -> Any:
    x = input._data
    d = _scan_dim(dim, x.ndim)
    if x.ndim == 0 or x.size == 0:
        vals, idx = x.copy(), np.zeros(x.shape, np.int64)
    else:
        vals = accumulate(x, axis=d)  # a NaN propagates, as in PyTorch
        # The index is where the running extreme was last reached: ties go to the later
        # index, and each later NaN takes over (PyTorch compares with >= and isnan).
        hit = x == vals
        if x.dtype.kind in "fc":
            hit |= np.isnan(x)
        shape = [1] * x.ndim
        shape[d] = x.shape[d]
        positions = np.arange(x.shape[d]).reshape(shape)
        idx = np.maximum.accumulate(np.where(hit, positions, 0), axis=d)
    indices = wrap(np.asarray(idx, order="C"))
    vals = np.asarray(vals, order="C")
    if input._rg and grad_state.enabled:
        values = record(cls, vals, (input,), (x.shape, d, indices))
    else:
        values = wrap(vals)
    return getattr(return_types, name)(values, indices)


def cummax(input: Tensor, dim: int) -> Any:
    """(values, indices): the running maximum along ``dim`` and where it was found.

    >>> import ember
    >>> ember.tensor([1., 3., 2., 3.]).cummax(0).indices
    tensor([0, 1, 1, 3])
    """
    return _cum_extreme("cummax", input, dim, CummaxBackward0, np.maximum.accumulate)


def cummin(input: Tensor, dim: int) -> Any:
    """(values, indices): the running minimum along ``dim`` and where it was found."""
    return _cum_extreme("cummin", input, dim, CumminBackward0, np.minimum.accumulate)


def logcumsumexp(input: Tensor, dim: int) -> Tensor:
    """log(cumsum(exp(input))) along ``dim``, computed stably (floating-point inputs only).

    >>> import ember
    >>> ember.tensor([0., 0.]).logcumsumexp(0)
    tensor([0.0000, 0.6931])
    """
    x = input._data
    if x.dtype.kind not in "fc":
        from .pointwise import legacy_name

        raise NotImplementedError(f'"logcumsumexp_out_cpu" not implemented for \'{legacy_name(x.dtype)}\'')
    d = _scan_dim(dim, x.ndim)
    data = np.ascontiguousarray(np.logaddexp.accumulate(x, axis=d)) if x.ndim and x.size else x.copy()
    if input._rg and grad_state.enabled:
        return record(LogcumsumexpBackward0, data, (input,), (input, d, OUTPUT))
    return wrap(data)


class _ScanReturnTypes:
    cummax = _return_type("cummax")
    cummin = _return_type("cummin")


return_types = _ScanReturnTypes

TENSOR_METHODS: dict[str, Callable[..., Any]] = {
    "cumsum": cumsum, "cumprod": cumprod, "cummax": cummax, "cummin": cummin, "logcumsumexp": logcumsumexp,
}

__all__ = ["cumsum", "cumprod", "cummax", "cummin", "logcumsumexp"]
