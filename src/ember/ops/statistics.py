"""Statistical reductions: nansum, nanmean, prod, var/std (and var_mean/std_mean), logsumexp,
count_nonzero, median, nanmedian, mode, and linalg.matrix_norm.

The derivatives follow PyTorch's derivatives.yaml; each is one row below, with the
longer ones as named helpers:

* ``prod``: ``grad * result / self`` when the input has no zero; otherwise each element
  gets the product of all the others, from exclusive cumulative products taken from both
  ends (PyTorch's prod_safe_zeros_backward), exact for one zero or many and itself
  differentiable.
* ``var``: ``2 (self - mean) / (N - correction)``; ``std`` divides by ``2 std`` and gives 0
  where std is 0 (PyTorch's subgradient).
* ``logsumexp``: ``grad * exp(self - result)``.
* ``median``/``nanmedian`` over everything share the gradient evenly among the elements
  equal to the result (as ``max()`` does); over a dim, and ``mode``, it goes to the index
  returned.

Ties: ``median(dim)`` and ``kthvalue`` return the index a stable sort puts at the
median's place; ``mode`` the smallest of the most frequent values and its last index.
"""

from __future__ import annotations

import warnings
from collections import namedtuple
from collections.abc import Callable
from typing import Any

import numpy as np

from .. import _dtype as D  # noqa: N812 - D reads as a namespace of dtypes
from .._tensor import Tensor, _wrap_dim
from ._op import OUTPUT, derivative, grad_state, record, record_multi, wrap
from .decomposition import linalg_svdvals
from .pointwise import div, eq, exp, legacy_name, where
from .reduction import (
    _dims,
    _evenly_distribute,
    _expand_back,
    _numel,
    _return_type,
    _value_selecting,
    amax,
    amin,
    linalg_vector_norm,
    mean,
)
from .reduction import return_types as _reduction_types
from .reduction import sum as _sum
from .scan import cumprod
from .scan import return_types as _scan_types
from .shape import cat, permute, reshape, slice_dim, to, unsqueeze
from .shape_more import flip
from .sorting import return_types as _sorting_types
from .sorting import stable_argsort

# ---------------------------------------------------------------------------------------
# Derivatives
# ---------------------------------------------------------------------------------------
# grad * ~isnan(self), a product as in PyTorch: an inf gradient at a NaN gives NaN there.
NansumBackward0 = derivative("nansum", ("self", "dim", "keepdim"),
                             lambda grad, self, dims, keepdim:
                             _expand_back(grad, self._data.shape, dims, keepdim) * _not_nan(self))
ProdBackward0 = derivative("prod", ("self", "result"),
                           lambda grad, self, result: _prod_backward(grad, self, result))
ProdBackward1 = derivative("prod", ("self", "dim", "keepdim", "result"),
                           lambda grad, self, dim, keepdim, result:
                           _prod_dim_backward(grad, self, dim, keepdim, result),
                           overload=1)
VarBackward0 = derivative("var", ("self", "dim", "correction", "keepdim"),
                          lambda grad, self, dims, c, keepdim: _var_backward(grad, self, dims, c, keepdim))
StdBackward0 = derivative("std", ("self", "dim", "correction", "keepdim", "result"),
                          lambda grad, self, dims, c, keepdim, result:
                          _var_backward(_std_to_var_grad(grad, result), self, dims, c, keepdim))
VarMeanBackward0 = derivative("var_mean", ("self", "dim", "correction", "keepdim"),
                              lambda grads, self, dims, c, keepdim:
                              _var_mean_backward(grads[0], grads[1], self, dims, c, keepdim),
                              n_outputs=2)
StdMeanBackward0 = derivative("std_mean", ("self", "dim", "correction", "keepdim", "result0"),
                              lambda grads, self, dims, c, keepdim, result:
                              _var_mean_backward(None if grads[0] is None else _std_to_var_grad(grads[0], result),
                                                 grads[1], self, dims, c, keepdim),
                              n_outputs=2)
LogsumexpBackward0 = derivative("logsumexp", ("self", "dim", "keepdim", "result"),
                                lambda grad, self, dims, keepdim, result:
                                _expand_back(grad, self._data.shape, dims, keepdim)
                                * exp(self - _expand_back(result, self._data.shape, dims, keepdim)))
MedianBackward0 = derivative("median", ("self", "result"),
                             lambda grad, self, result: _evenly_distribute(grad, self, result))
NanmedianBackward0 = derivative("nanmedian", ("self", "result"),
                                lambda grad, self, result: _evenly_distribute(grad, self, result))
MedianBackward1 = derivative("median", ("self_sym_sizes", "dim", "keepdim", "indices"),
                             lambda grads, shape, dim, keepdim, idx: _value_selecting(grads, shape, dim, keepdim, idx),
                             overload=1, n_outputs=2)
NanmedianBackward1 = derivative("nanmedian", ("self_sym_sizes", "dim", "keepdim", "indices"),
                                lambda grads, shape, dim, keepdim, idx:
                                _value_selecting(grads, shape, dim, keepdim, idx),
                                overload=1, n_outputs=2)
ModeBackward0 = derivative("mode", ("self_sym_sizes", "dim", "keepdim", "indices"),
                           lambda grads, shape, dim, keepdim, idx: _value_selecting(grads, shape, dim, keepdim, idx),
                           n_outputs=2)


def _not_nan(self: Tensor) -> Tensor:
    return wrap((~np.isnan(self._data)).astype(self._data.dtype))


def _prod_backward(grad: Tensor, self: Tensor, result: Tensor) -> Tensor:
    shape = self._data.shape
    if not shape:
        return grad
    if not (self._data == 0).any():
        return grad * (result / self)
    return grad * reshape(_prod_of_others(reshape(self, (-1,)), 0), shape)


def _prod_dim_backward(grad: Tensor, self: Tensor, dim: int, keepdim: bool, result: Tensor) -> Tensor:
    shape = self._data.shape
    if not shape:
        return grad
    g = _expand_back(grad, shape, (dim,), keepdim)
    if not (self._data == 0).any():
        return g * (_expand_back(result, shape, (dim,), keepdim) / self)
    return g * _prod_of_others(self, dim)


def _prod_of_others(x: Tensor, dim: int) -> Tensor:
    """prod_{j != i} x[j] along ``dim``, without division: exclusive cumprods from both ends."""
    n = x._data.shape[dim]
    ones_shape = list(x._data.shape)
    ones_shape[dim] = 1
    ones = wrap(np.ones(ones_shape, x._data.dtype))
    before = cumprod(cat([ones, slice_dim(x, dim, 0, n - 1, 1)], dim), dim)
    after = flip(cumprod(cat([ones, flip(slice_dim(x, dim, 1, n, 1), (dim,))], dim), dim), (dim,))
    return before * after


def _var_backward(grad: Tensor, self: Tensor, dims: tuple, correction: float, keepdim: bool) -> Tensor:
    shape = self._data.shape
    dof = _numel(shape, dims) - correction
    scale = 2.0 / dof if dof else float("inf")  # PyTorch divides by zero here (nan/inf gradients)
    return scale * _expand_back(grad, shape, dims, keepdim) * (self - mean(self, dims, keepdim=True))


def _std_to_var_grad(grad: Tensor, result: Tensor) -> Tensor:
    # d std = d var / (2 std); where std is 0 PyTorch chooses the subgradient 0.
    return where(eq(result, 0), 0, grad / (result * 2))


def _var_mean_backward(grad_var: Tensor | None, grad_mean: Tensor | None, self: Tensor, dims: tuple,
                       correction: float, keepdim: bool) -> Tensor | None:
    out = None if grad_var is None else _var_backward(grad_var, self, dims, correction, keepdim)
    if grad_mean is not None:
        shape = self._data.shape
        g = _expand_back(grad_mean, shape, dims, keepdim) / _numel(shape, dims)
        out = g if out is None else out + g
    return out


# ---------------------------------------------------------------------------------------
# nansum, nanmean, prod, count_nonzero, logsumexp
# ---------------------------------------------------------------------------------------
def _sum_dtype(x: np.ndarray, dtype: D.dtype | None) -> np.ndarray:
    if dtype is not None:
        return x.astype(dtype.np, copy=False)
    return x.astype(np.int64) if x.dtype.kind in "biu" else x


def nansum(input: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: D.dtype | None = None) -> Tensor:
    """Sum treating NaN as zero; integers and bools sum as int64.

    >>> import ember
    >>> ember.tensor([1., float("nan"), 2.]).nansum()
    tensor(3.)
    """
    x = _sum_dtype(input._data, dtype)
    dims = _dims(dim, x.ndim)
    data = np.asarray(np.nansum(x, axis=dims, keepdims=keepdim, dtype=x.dtype))
    if input._rg and grad_state.enabled:
        return record(NansumBackward0, data, (input,), (input, dims, keepdim))
    return wrap(data)


def nanmean(input: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: D.dtype | None = None) -> Tensor:
    """Mean of the non-NaN elements: ``nansum / count``, recorded as PyTorch does (DivBackward0)."""
    x = input._data
    if x.dtype.kind not in "fc":
        raise RuntimeError(
            f"nanmean(): expected input to have floating point or complex dtype but got {legacy_name(x.dtype)}"
        )
    count = np.asarray(np.sum(~np.isnan(x), axis=_dims(dim, x.ndim), keepdims=keepdim), dtype=np.int64)
    return div(nansum(input, dim, keepdim, dtype=dtype), wrap(count))


def prod(input: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: D.dtype | None = None) -> Tensor:
    """Product of all elements (ProdBackward0) or along one ``dim`` (ProdBackward1).

    Integers and bools multiply as int64. The gradient is exact where the input has zeros.

    >>> import ember
    >>> x = ember.tensor([2., 0., 3.], requires_grad=True)
    >>> x.prod().backward()
    >>> x.grad
    tensor([0., 6., 0.])
    """
    x = _sum_dtype(input._data, dtype)
    if dim is None:
        data = np.asarray(np.prod(x, dtype=x.dtype))
        if input._rg and grad_state.enabled:
            return record(ProdBackward0, data, (input,), (input, OUTPUT))
        return wrap(data)
    if not isinstance(dim, (int, np.integer)) or isinstance(dim, bool):
        raise TypeError(f"prod(): argument 'dim' must be int, not {type(dim).__name__}")
    d = _wrap_dim(int(dim), x.ndim)
    data = np.asarray(np.prod(x, axis=d, keepdims=keepdim, dtype=x.dtype)) if x.ndim else x.copy()
    if input._rg and grad_state.enabled:
        return record(ProdBackward1, data, (input,), (input, d, keepdim, OUTPUT))
    return wrap(data)


def count_nonzero(input: Tensor, dim: Any = None) -> Tensor:
    """The number of nonzero elements (over ``dim``), as int64."""
    x = input._data
    return wrap(np.asarray(np.count_nonzero(x, axis=_dims(dim, x.ndim)), dtype=np.int64))


def logsumexp(input: Tensor, dim: Any, keepdim: bool = False) -> Tensor:
    """log(sum(exp(input))) over ``dim``, shifted by the maximum so that it cannot overflow.

    >>> import ember
    >>> ember.tensor([1000., 1000.], dtype=ember.float64).logsumexp(0)
    tensor(1000.6931, dtype=ember.float64)
    """
    if dim is None:
        raise TypeError("logsumexp(): argument 'dim' must be tuple of ints, not NoneType")
    x = input._data
    if x.dtype.kind not in "fc":
        x = x.astype(D.get_default_dtype().np)
    dims = _dims(dim, x.ndim)
    if any(x.shape[d] == 0 for d in dims):
        data = np.full(np.sum(x, axis=dims, keepdims=keepdim).shape, -np.inf, x.dtype)
    else:
        m = np.max(x, axis=dims, keepdims=True)
        m = np.where(np.isfinite(m), m, 0)  # all -inf (or an inf): no shift, as PyTorch
        data = np.log(np.sum(np.exp(x - m), axis=dims, keepdims=True)) + m
        if not keepdim:
            data = np.squeeze(data, dims)
    data = np.asarray(data, dtype=x.dtype)
    if input._rg and grad_state.enabled:
        return record(LogsumexpBackward0, data, (input,), (input, dims, keepdim, OUTPUT))
    return wrap(data)


# ---------------------------------------------------------------------------------------
# var, std, var_mean, std_mean
# ---------------------------------------------------------------------------------------
def _var_args(input: Tensor, dim: Any, unbiased: bool | None, correction: float | None,
              name: str = "std and var") -> tuple:
    x = input._data
    if x.dtype.kind not in "fc":
        raise RuntimeError(f"{name} only support floating point and complex dtypes")
    if isinstance(dim, bool):  # var(input, unbiased): the legacy overload
        unbiased, dim = dim, None
    if correction is None:
        correction = 1 if unbiased is None or unbiased else 0
    return x, _dims(dim, x.ndim), correction


def _var_array(x: np.ndarray, dims: tuple, correction: float, keepdim: bool) -> tuple[np.ndarray, np.ndarray]:
    """(var, mean) in two passes; the divisor is max(0, N - correction), as in PyTorch."""
    n = _numel(x.shape, dims)
    dof = max(0, n - correction)
    if dof == 0:
        warnings.warn("var(): degrees of freedom is <= 0. Correction should be strictly less than the reduction "
                      "factor (input numel divided by output numel).", UserWarning, stacklevel=4)
    wide = x.astype(np.float64) if x.dtype.kind == "f" else x
    with np.errstate(invalid="ignore", divide="ignore"):
        m = np.sum(wide, axis=dims, keepdims=True) / n
        dev = wide - m
        var = np.sum((dev * np.conj(dev)).real, axis=dims, keepdims=keepdim) / dof
    if not keepdim:
        m = np.squeeze(m, dims)
    return np.asarray(var, dtype=x.real.dtype), np.asarray(m, dtype=x.dtype)


def var(input: Tensor, dim: Any = None, unbiased: bool | None = None, keepdim: bool = False, *,
        correction: float | None = None) -> Tensor:
    """Variance over ``dim`` (all when None), dividing by ``N - correction`` (default 1).

    ``unbiased`` is the legacy spelling: True is correction 1, False is 0.

    >>> import ember
    >>> ember.tensor([1., 2., 3., 4.]).var()
    tensor(1.6667)
    """
    x, dims, c = _var_args(input, dim, unbiased, correction)
    data = _var_array(x, dims, c, keepdim)[0]
    if input._rg and grad_state.enabled:
        return record(VarBackward0, data, (input,), (input, dims, c, keepdim))
    return wrap(data)


def std(input: Tensor, dim: Any = None, unbiased: bool | None = None, keepdim: bool = False, *,
        correction: float | None = None) -> Tensor:
    """Standard deviation: the square root of ``var`` with the same arguments."""
    x, dims, c = _var_args(input, dim, unbiased, correction)
    data = np.sqrt(_var_array(x, dims, c, keepdim)[0])
    if input._rg and grad_state.enabled:
        return record(StdBackward0, data, (input,), (input, dims, c, keepdim, OUTPUT))
    return wrap(data)


def var_mean(input: Tensor, dim: Any = None, unbiased: bool | None = None, keepdim: bool = False, *,
             correction: float | None = None) -> tuple[Tensor, Tensor]:
    """(var, mean) over ``dim``, one Node for both (VarMeanBackward0)."""
    x, dims, c = _var_args(input, dim, unbiased, correction, "var_mean")
    v, m = _var_array(x, dims, c, keepdim)
    if input._rg and grad_state.enabled:
        out = record_multi(VarMeanBackward0, (v, m), (input,), (input, dims, c, keepdim))
        return out[0], out[1]
    return wrap(v), wrap(m)


def std_mean(input: Tensor, dim: Any = None, unbiased: bool | None = None, keepdim: bool = False, *,
             correction: float | None = None) -> tuple[Tensor, Tensor]:
    """(std, mean) over ``dim``, one Node for both (StdMeanBackward0)."""
    x, dims, c = _var_args(input, dim, unbiased, correction, "std_mean")
    v, m = _var_array(x, dims, c, keepdim)
    s = np.sqrt(v)
    if input._rg and grad_state.enabled:
        out = record_multi(StdMeanBackward0, (s, m), (input,), (input, dims, c, keepdim, OUTPUT))
        return out[0], out[1]
    return wrap(s), wrap(m)


# ---------------------------------------------------------------------------------------
# median, nanmedian, mode
# ---------------------------------------------------------------------------------------
def _nan_count(x: np.ndarray, axis: int | None, keepdims: bool = False) -> Any:
    return np.sum(np.isnan(x), axis=axis, keepdims=keepdims) if x.dtype.kind in "fc" else 0


def _median_all(input: Tensor, ignore_nan: bool, cls: type) -> Tensor:
    _check_not_bool("median_cpu", input._data)
    x = input._data.reshape(-1)
    if ignore_nan and x.dtype.kind in "fc":
        x = x[~np.isnan(x)]
    if x.size == 0:
        data = np.asarray(np.nan, dtype=input._data.dtype)
    elif _nan_count(x, None):
        data = np.asarray(np.nan, dtype=x.dtype)
    else:
        data = np.asarray(np.sort(x)[(x.size - 1) // 2])
    if input._rg and grad_state.enabled:
        return record(cls, data, (input,), (input, OUTPUT))
    return wrap(data)


def _median_dim(name: str, input: Tensor, dim: int, keepdim: bool, ignore_nan: bool, cls: type) -> Any:
    x = input._data
    _check_not_bool("median_out", x)
    d = _wrap_dim(dim, x.ndim)
    if x.ndim == 0:
        vals, idx = x.copy(), np.zeros((), np.int64)
    else:
        n = x.shape[d]
        if n == 0:
            raise IndexError(f"median(): Expected reduction dim {d} to have non-zero size.")  # both, as torch
        order = stable_argsort(x, d)  # NaNs last, in input order
        k = n - _nan_count(x, d, True)  # the numbers in each slice
        if ignore_nan:
            pos = np.where(k > 0, (k - 1) // 2, 0)
        else:
            pos = np.where(k < n, k, (n - 1) // 2)  # a NaN is the median: the first NaN
        idx = np.take_along_axis(order, np.broadcast_to(pos, order.shape[:d] + (1,) + order.shape[d + 1:]), d)
        vals = np.take_along_axis(x, idx, d)
        if not keepdim:
            idx, vals = np.squeeze(idx, d), np.squeeze(vals, d)
    return _selected(name, input, cls, vals, idx, (x.shape, d, keepdim))


def _check_not_bool(kernel: str, x: np.ndarray) -> None:
    if x.dtype == np.bool_:
        raise NotImplementedError(f'"{kernel}" not implemented for \'Bool\'')


def _selected(name: str, input: Tensor, cls: type, vals: np.ndarray, idx: np.ndarray, saved: tuple) -> Any:
    indices = wrap(np.asarray(idx, dtype=np.int64, order="C"))
    vals = np.asarray(vals, order="C")
    if input._rg and grad_state.enabled:
        values = record(cls, vals, (input,), (*saved, indices))
    else:
        values = wrap(vals)
    return getattr(return_types, name)(values, indices)


def median(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Any:
    """The lower median of all elements, or (values, indices) along ``dim``; NaN if any is NaN.

    >>> import ember
    >>> ember.tensor([4., 1., 3., 2.]).median()
    tensor(2.)
    """
    if dim is None:
        return _median_all(input, False, MedianBackward0)
    return _median_dim("median", input, dim, keepdim, False, MedianBackward1)


def nanmedian(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Any:
    """``median`` ignoring NaNs (NaN only where a slice has nothing else)."""
    if dim is None:
        return _median_all(input, True, NanmedianBackward0)
    return _median_dim("nanmedian", input, dim, keepdim, True, NanmedianBackward1)


def mode(input: Tensor, dim: int = -1, keepdim: bool = False) -> Any:
    """(values, indices): the most frequent value along ``dim`` (the smallest among equally
    frequent ones) and the last index where it occurs.

    >>> import ember
    >>> ember.tensor([3., 1., 3., 1.]).mode()
    ember.return_types.mode(
    values=tensor(1.),
    indices=tensor(3))
    """
    x = input._data
    d = _wrap_dim(dim, x.ndim)
    if x.ndim == 0:
        return _selected("mode", input, ModeBackward0, x.copy(), np.zeros((), np.int64), (x.shape, d, keepdim))
    n = x.shape[d]
    if n == 0:
        raise IndexError(f"mode(): Expected reduction dim {d} to have non-zero size.")
    rows = np.moveaxis(x, d, -1).reshape(-1, n)
    order = np.argsort(rows, axis=1, kind="stable")
    s = np.take_along_axis(rows, order, 1)
    starts = np.ones(rows.shape, dtype=bool)
    starts[:, 1:] = s[:, 1:] != s[:, :-1]  # runs of equal values; each NaN is its own run
    run = (np.cumsum(starts.reshape(-1)) - 1).reshape(rows.shape)  # run ids, unique across rows
    length = np.bincount(run.reshape(-1))[run]
    best = np.take_along_axis(run, np.argmax(length, axis=1)[:, None], 1)  # the smallest most frequent
    idx = np.max(np.where(run == best, order, -1), axis=1)  # its last index
    out_shape = np.moveaxis(x, d, -1).shape[:-1]
    idx = np.expand_dims(idx.reshape(out_shape), d)
    vals = np.take_along_axis(x, idx, d)
    if not keepdim:
        idx, vals = np.squeeze(idx, d), np.squeeze(vals, d)
    return _selected("mode", input, ModeBackward0, vals, idx, (x.shape, d, keepdim))


# ---------------------------------------------------------------------------------------
# linalg.matrix_norm
# ---------------------------------------------------------------------------------------
def linalg_matrix_norm(A: Tensor, ord: Any = "fro", dim: tuple = (-2, -1), keepdim: bool = False, *,  # noqa: N803
                       dtype: D.dtype | None = None) -> Tensor:
    """torch.linalg.matrix_norm: 'fro', 'nuc', 1, -1, inf, -inf, 2, -2 over the two ``dim``.

    Composed of ember ops as PyTorch composes it (so grad_fn is LinalgVectorNormBackward0,
    AmaxBackward0, AminBackward0 or SumBackward1, as there). The orders 2, -2 and 'nuc'
    go through the singular values (decomposition.linalg_svdvals).

    >>> import ember
    >>> linalg_matrix_norm(ember.tensor([[1., -2.], [3., 4.]]), 1)
    tensor(6.)
    """
    x = A._data
    if x.dtype.kind not in "fc":
        raise RuntimeError(
            f"linalg.matrix_norm: Expected a floating point or complex tensor as input. Got {legacy_name(x.dtype)}"
        )
    if x.ndim < 2:
        raise RuntimeError("linalg.matrix_norm: The input tensor A must have at least 2 dimensions.")
    if len(dim) != 2:
        raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got {' '.join(map(str, dim))}")
    d0, d1 = _wrap_dim(dim[0], x.ndim), _wrap_dim(dim[1], x.ndim)
    if d0 == d1:
        raise RuntimeError(f"linalg.matrix_norm: dims must be different. Got ({d0}, {d1})")
    if ord == "fro":
        return linalg_vector_norm(A, 2, (d0, d1), keepdim, dtype=dtype)
    a = A if dtype is None else to(A, dtype)
    if ord in (1, -1, float("inf"), float("-inf")):
        if ord in (float("inf"), float("-inf")):
            d0, d1 = d1, d0
        if not keepdim and d0 < d1:
            d1 -= 1  # the first reduction removed a dim before d1
        extreme = amax if ord > 0 else amin
        return extreme(linalg_vector_norm(a, 1, d0, keepdim), d1, keepdim)
    if ord in (2, -2, "nuc"):
        perm = [i for i in range(x.ndim) if i not in (d0, d1)] + [d0, d1]
        s = linalg_svdvals(permute(a, perm))
        if ord == "nuc":
            result = _sum(s, -1, keepdim)
        else:
            result = (amax if ord == 2 else amin)(s, -1, keepdim)
        if keepdim:
            inverse = [0] * x.ndim
            for i, p in enumerate(perm):
                inverse[p] = i
            result = permute(unsqueeze(result, -1), inverse)
        return result
    raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")


# ---------------------------------------------------------------------------------------
# histc, renorm, trapezoid
# ---------------------------------------------------------------------------------------
def _fmt_double(v: float, from_data: bool = False) -> str:
    """A double as PyTorch's C++ messages print it (six significant digits)."""
    if np.isnan(v):
        return "-nan" if from_data or np.signbit(v) else "nan"
    return f"{v:g}"


def histc(input: Tensor, bins: int = 100, min: Any = 0, max: Any = 0, *,  # noqa: A002 - torch's names
          out: Tensor | None = None) -> Tensor:
    """A histogram of ``bins`` equal bins over [min, max] (the data's range when min == max); values
    outside and NaN are ignored. Floating-point inputs only; no gradient.

    >>> import ember
    >>> ember.histc(ember.tensor([1., 2., 1.]), bins=4, min=0, max=3)
    tensor([0., 2., 1., 0.])
    """
    if out is not None:
        raise NotImplementedError("ember: histc(..., out=) is not supported")
    if isinstance(bins, bool) or not isinstance(bins, (int, np.integer)):
        raise TypeError(f"histc(): argument 'bins' must be int, not {type(bins).__name__}")
    if bins <= 0:
        raise RuntimeError(f"ember.histogram(): bins must be > 0, but got {bins} for dimension 0")
    x = input._data
    lo, hi = float(min), float(max)
    from_data = False
    if lo == hi and x.size:
        lo, hi, from_data = float(np.min(x)), float(np.max(x)), True
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    if not (np.isfinite(lo) and np.isfinite(hi)):
        raise RuntimeError(f"ember.histc: range of [{_fmt_double(lo, from_data)}, {_fmt_double(hi, from_data)}] "
                           "is not finite")
    if not lo < hi:
        raise RuntimeError("ember.histc: max must be larger than min")
    if x.dtype.kind != "f":
        raise NotImplementedError(f"\"histogram_cpu\" not implemented for '{legacy_name(x.dtype)}'")
    kind = x.dtype.type
    left, right = kind(lo), kind(hi)
    flat = x.reshape(-1)
    v = flat[(flat >= left) & (flat <= right)]  # NaN fails both tests
    # PyTorch's LINEAR_INTERPOLATION, in the input's dtype: (v - left) * bins / (right - left), truncated
    pos = ((v - left) * kind(bins) / (right - left)).astype(np.int64)
    pos = np.where(pos == bins, bins - 1, pos)  # the last bin includes its right edge
    return wrap(np.bincount(pos, minlength=bins).astype(x.dtype))


RenormBackward0 = derivative("renorm", ("self", "p", "dim", "maxnorm"),
                             lambda grad, self, p, dim, maxnorm: _renorm_backward(grad, self, p, dim, maxnorm))


def _renorm_dims(ndim: int, dim: int) -> tuple:
    return tuple(i for i in range(ndim) if i != dim)


def _renorm_backward(grad: Tensor, self: Tensor, p: float, dim: int, maxnorm: float) -> Tensor:
    """PyTorch's renorm_backward, in ember ops (so that it is differentiable again)."""
    from .pointwise import gt, reciprocal
    from .reduction import _norm_backward

    dims = _renorm_dims(self._data.ndim, dim)
    norm = linalg_vector_norm(self, p, dims, True)
    grad_output = _sum(self * grad, dims, keepdim=True)
    nb = _norm_backward(grad_output, self, p, dims, True, norm)
    invnorm = reciprocal(norm + 1e-7)
    factor = invnorm * maxnorm
    if nb is None:  # p == 0 cannot happen (refused), but _norm_backward may give no gradient
        return where(gt(norm, maxnorm), factor * grad, grad)
    return where(gt(norm, maxnorm), factor * grad - (factor * invnorm) * nb, grad)


def renorm(input: Tensor, p: Any, dim: int, maxnorm: Any) -> Tensor:
    """Each slice along ``dim`` whose ``p``-norm exceeds ``maxnorm`` scaled down to norm ``maxnorm``.

    >>> import ember
    >>> ember.renorm(ember.tensor([[3., 4.], [0.3, 0.4]]), 2, 0, 1.0)
    tensor([[0.6000, 0.8000],
            [0.3000, 0.4000]])
    """
    if isinstance(p, complex):
        raise RuntimeError("renorm: p must be real-valued")
    if not p > 0:
        raise RuntimeError("renorm: non-positive-norm not supported")
    if isinstance(maxnorm, complex):
        raise RuntimeError("renorm: maxnorm must be real-valued")
    if maxnorm < 0:
        raise RuntimeError(f"renorm: expected maxnorm to be >= 0 but got {_fmt_double(float(maxnorm))}")
    x = input._data
    if x.ndim < 2:
        raise RuntimeError(f"renorm: input needs at least 2 dimensions, got {x.ndim} dimensions")
    d = _wrap_dim(dim, x.ndim)
    if x.dtype.kind not in "fc":
        raise RuntimeError(
            f"linalg.vector_norm: Expected a floating point or complex tensor as input. Got {legacy_name(x.dtype)}")
    acc = np.dtype(np.float32) if x.dtype == np.float16 else x.dtype  # PyTorch's accumulate type
    norm = linalg_vector_norm(wrap(x.astype(acc, copy=False)), p, _renorm_dims(x.ndim, d), True)._data
    m = acc.type(maxnorm)  # PyTorch's renorm_scale_factor, in the accumulate type
    factor = np.where(norm > m, m / (norm + acc.type(1e-7)), acc.type(1.0))
    data = (x * factor).astype(x.dtype, copy=False)
    if input._rg and grad_state.enabled:
        return record(RenormBackward0, data, (input,), (input, p, d, maxnorm))
    return wrap(data)


def _renorm_(self: Tensor, p: Any, dim: int, maxnorm: Any) -> Tensor:
    from .pointwise import inplace

    return inplace(self, renorm, p, dim, maxnorm)


# Tensor * number and Tensor / number as ATen records them from C++ (mul.Scalar, div.Scalar).
MulBackward1 = derivative("mul", ("other",), lambda grad, other: grad * other, overload=1)
DivBackward1 = derivative("div", ("other",), lambda grad, other: grad / other, overload=1)


def _by_scalar(input: Tensor, other: float, cls: type) -> Tensor:
    from ._op import binary_operands, requires_grad

    a, b = binary_operands(input, other)
    data = a * b if cls is MulBackward1 else a / b
    if requires_grad(input):
        return record(cls, data, (input,), (other,))
    return wrap(np.asarray(data))


def _trapezoid_signature_error(name: str, got: str) -> TypeError:
    return TypeError(
        f"{name}() received an invalid combination of arguments - got ({got}), but expected one of:\n"
        f" * (Tensor y, Tensor x, *, int dim = -1)\n * (Tensor y, *, Number dx = 1, int dim = -1)\n")


def trapezoid(y: Tensor, x: Tensor | None = None, *, dx: Any = None, dim: int = -1) -> Tensor:
    """The integral of ``y`` along ``dim`` by the trapezoid rule, at points ``x`` or spaced ``dx`` (default 1).

    >>> import ember
    >>> ember.trapezoid(ember.tensor([1., 2., 3.]))
    tensor(4.)
    """
    from .shape import select, view

    name = "trapezoid"
    if x is not None and dx is not None:
        raise _trapezoid_signature_error(name, f"Tensor, {type(x).__name__}, dx={type(dx).__name__}")
    if x is not None and not isinstance(x, Tensor):
        raise _trapezoid_signature_error(name, f"Tensor, {type(x).__name__}")
    yd = y._data
    if yd.ndim == 0:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    d = _wrap_dim(dim, yd.ndim)
    if yd.shape[d] == 0:  # as NumPy: the integral over no samples is 0
        return wrap(np.zeros(yd.shape[:d] + yd.shape[d + 1:], yd.dtype))
    if x is None:
        if yd.dtype == np.bool_:
            raise RuntimeError("trapezoid: received a bool input for `y`, but bool is not supported")
        step = 1 if dx is None else dx
        if isinstance(step, (bool, complex, np.bool_)):
            raise RuntimeError("trapezoid: Currently, we only support dx as a real number.")
        ends = _by_scalar(select(y, d, 0) + select(y, d, -1), 0.5, MulBackward1)
        return _by_scalar(_sum(y, d) - ends, float(step), MulBackward1)
    xd = x._data
    if yd.dtype == np.bool_ or xd.dtype == np.bool_:
        raise RuntimeError("trapezoid: received a bool input for `x` or `y`, but bool is not supported")
    if xd.ndim == 1:
        if xd.shape[0] != yd.shape[d]:
            raise RuntimeError("trapezoid: There must be one `x` value for each sample point")
        xv = view(x, tuple(xd.shape[0] if i == d else 1 for i in range(yd.ndim)))
    elif xd.ndim < yd.ndim:
        xv = view(x, (1,) * (yd.ndim - xd.ndim) + xd.shape)
    else:
        xv = x
    n = xv._data.shape[d]
    spacing = slice_dim(xv, d, 1, n, 1) - slice_dim(xv, d, 0, n - 1, 1)
    left, right = slice_dim(y, d, 0, yd.shape[d] - 1, 1), slice_dim(y, d, 1, yd.shape[d], 1)
    return _by_scalar(_sum((left + right) * spacing, d), 2.0, DivBackward1)


def trapz(y: Tensor, x: Tensor | None = None, *, dx: Any = None, dim: int = -1) -> Tensor:
    """Alias of ``trapezoid``."""
    return trapezoid(y, x, dx=dx, dim=dim)


# ---------------------------------------------------------------------------------------
# ember.return_types: every (values, indices) result type, PyTorch's names
# ---------------------------------------------------------------------------------------
_TYPES = {
    "max": getattr(_reduction_types, "max"), "min": getattr(_reduction_types, "min"),  # noqa: B009 - for mypy
    "median": _return_type("median"), "nanmedian": _return_type("nanmedian"), "mode": _return_type("mode"),
    "sort": _sorting_types.sort, "topk": _sorting_types.topk, "kthvalue": _sorting_types.kthvalue,
    "cummax": _scan_types.cummax, "cummin": _scan_types.cummin,
}
return_types = namedtuple("return_types", list(_TYPES))(*_TYPES.values())  # type: ignore[misc]

TENSOR_METHODS: dict[str, Callable[..., Any]] = {
    "nansum": nansum, "nanmean": nanmean, "prod": prod, "var": var, "std": std, "logsumexp": logsumexp,
    "count_nonzero": count_nonzero, "median": median, "nanmedian": nanmedian, "mode": mode,
    "histc": histc, "renorm": renorm, "renorm_": _renorm_,
}

__all__ = [
    "nansum", "nanmean", "prod", "var", "std", "var_mean", "std_mean", "logsumexp", "count_nonzero", "median",
    "nanmedian", "mode", "linalg_matrix_norm", "return_types", "histc", "renorm", "trapezoid", "trapz",
]
