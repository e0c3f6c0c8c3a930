"""Indexing ops: gather/scatter, index_select/add/copy/fill, masked_*, take/put.

Each gather-like op has a scatter-like derivative that sums over repeated indices
(``np.add.at``), and each scatter-like op has a gather-like derivative: both are
ordinary ops here with their own rows, so double backward needs no extra code.

>>> import ember
>>> x = ember.tensor([[1., 2.], [3., 4.]])
>>> ember.ops.indexing.gather(x, 1, ember.tensor([[0, 0], [1, 0]]))
tensor([[1., 1.],
        [4., 3.]])
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from .._tensor import Tensor, _wrap_dim
from ._op import OUTPUT, derivative, grad_state, record, wrap
from .pointwise import (
    _NotDifferentiable,
    broadcast_error,
    inplace,
    legacy_name,
    logical_not,
    where,
)
from .shape import cat, expand, reshape


# ---------------------------------------------------------------------------------------
# Derivatives, as PyTorch's derivatives.yaml states them.
# ---------------------------------------------------------------------------------------
def _zeros(shape: tuple, like: Tensor) -> Tensor:
    return wrap(np.zeros(shape, like._data.dtype))


GatherBackward0 = derivative("gather", ("self_sym_sizes", "dim", "index"),
                             lambda grad, shape, dim, index: scatter_add(_zeros(shape, grad), dim, index, grad))
ScatterBackward0 = derivative("scatter", ("dim", "index"),
                              lambda grad, dim, index: scatter(grad, dim, index, 0),
                              lambda grad, dim, index: gather(grad, dim, index))
ScatterBackward1 = derivative("scatter", ("dim", "index"),
                              lambda grad, dim, index: scatter(grad, dim, index, 0), overload=1)
ScatterAddBackward0 = derivative("scatter_add", ("dim", "index"),
                                 lambda grad, dim, index: grad,
                                 lambda grad, dim, index: gather(grad, dim, index))
ScatterReduceBackward0 = derivative(
    "scatter_reduce", ("self", "dim", "index", "src", "reduce", "include_self", "result"),
    lambda grad, *saved: _scatter_reduce_backward(grad, *saved)[0],
    lambda grad, *saved: _scatter_reduce_backward(grad, *saved)[1])
IndexSelectBackward0 = derivative(
    "index_select", ("self_sym_sizes", "dim", "index"),
    lambda grad, shape, dim, index: index_add(_zeros(shape, grad), dim, index, grad))
IndexAddBackward0 = derivative("index_add", ("dim", "index", "alpha"),
                               lambda grad, dim, index, alpha: grad,
                               lambda grad, dim, index, alpha: _times(index_select(grad, dim, index), alpha))
IndexCopyBackward0 = derivative("index_copy", ("dim", "index"),
                                lambda grad, dim, index: index_fill(grad, dim, index, 0),
                                lambda grad, dim, index: index_select(grad, dim, index))
IndexFillBackward0 = derivative("index_fill", ("dim", "index"),
                                lambda grad, dim, index: index_fill(grad, dim, index, 0))
# value: the sum of grad over the filled slices, each slice counted once.
IndexFillBackward1 = derivative("index_fill", ("dim", "index"),
                                lambda grad, dim, index: index_fill(grad, dim, index, 0),
                                lambda grad, dim, index: index_select(grad, dim, _unique(index)).sum(), overload=1)
MaskedFillBackward0 = derivative("masked_fill", ("mask",), lambda grad, mask: masked_fill(grad, mask, 0))
MaskedFillBackward1 = derivative("masked_fill", ("mask",),
                                 lambda grad, mask: masked_fill(grad, mask, 0),
                                 lambda grad, mask: masked_fill(grad, logical_not(mask), 0).sum(), overload=1)
MaskedSelectBackward0 = derivative("masked_select", ("self_sym_sizes", "mask"),
                                   lambda grad, shape, mask: masked_scatter(_zeros(shape, grad), mask, grad))
MaskedScatterBackward0 = derivative("masked_scatter", ("mask", "source_sym_sizes"),
                                    lambda grad, mask, shape: masked_fill(grad, mask, 0),
                                    lambda grad, mask, shape: _masked_scatter_backward(grad, mask, shape))
TakeBackward0 = derivative("take", ("self_sym_sizes", "index"),
                           lambda grad, shape, index: put(_zeros(shape, grad), index, grad, accumulate=True))
PutBackward0 = derivative("put", ("index", "source_sym_sizes", "accumulate"),
                          lambda grad, index, shape, acc: grad if acc else put(grad, index, _zeros(shape, grad)),
                          lambda grad, index, shape, acc: reshape(take(grad, index), shape))


def _times(grad: Tensor, alpha: Any) -> Tensor:
    return grad if alpha == 1 else grad * alpha


def _unique(index: Tensor) -> Tensor:
    return wrap(np.unique(index._data.reshape(-1)))


def _masked_scatter_backward(grad: Tensor, mask: Tensor, shape: tuple) -> Tensor:
    """The gradient of masked_scatter's source: grad where the mask holds, zeros for the unused rest."""
    selected = masked_select(grad, mask)
    n = int(np.prod(shape))
    if selected._data.size < n:
        selected = cat([selected, _zeros((n - selected._data.size,), grad)])
    return reshape(selected, shape)


def _scatter_reduce_backward(grad: Tensor, self: Tensor, dim: int, index: Tensor, src: Tensor, reduce: str,
                             include_self: bool, result: Tensor) -> tuple[Tensor, Tensor]:
    """The gradients of self and src of scatter_reduce (written in ember ops)."""
    shape = self._data.shape
    touched = wrap(_touched(shape, dim, index._data))
    keep_self = wrap(np.ones(shape, bool)) if include_self else logical_not(touched)
    src_part = _src_part(src, index)
    if reduce == "sum":
        return masked_fill(grad, logical_not(keep_self), 0), gather(grad, dim, index)
    if reduce == "mean":
        ones = _zeros(src_part._data.shape, grad) + 1
        n = scatter_add(masked_fill(_zeros(shape, grad), keep_self, 1), dim, index, ones)
        g = grad / masked_fill(n, n == 0, 1)
        return masked_fill(g, logical_not(keep_self), 0), gather(g, dim, index)
    if reduce in ("amax", "amin"):
        self_is_result = (self == result) & keep_self
        src_is_result = src_part == gather(result, dim, index)
        n = scatter_add(_as(self_is_result, grad), dim, index, _as(src_is_result, grad))
        g = grad / masked_fill(n, n == 0, 1)
        return (where(self_is_result, g, _zeros(shape, grad)),
                where(src_is_result, gather(g, dim, index), _zeros(src_part._data.shape, grad)))
    # prod: each input's gradient is grad times the product of the others, computed without
    # dividing by zero: count the zeros, and divide only the product of the nonzero values.
    one = _zeros(shape, grad) + 1
    others_of_self = scatter_reduce(one, dim, index, src_part, "prod")
    grad_self = where(keep_self, grad * others_of_self, _zeros(shape, grad))
    src_zero = src_part == 0
    base = where(keep_self, self, one)
    zeros = scatter_add(_as(base == 0, grad), dim, index, _as(src_zero, grad))
    nonzero_prod = scatter_reduce(masked_fill(base, base == 0, 1), dim, index, masked_fill(src_part, src_zero, 1),
                                  "prod")
    nz, prod = gather(zeros, dim, index), gather(nonzero_prod, dim, index)
    zero = _zeros(src_part._data.shape, grad)
    others = where(src_zero, where(nz == 1, prod, zero), where(nz == 0, prod / masked_fill(src_part, src_zero, 1),
                                                                zero))
    return grad_self, gather(grad, dim, index) * others


def _as(mask: Tensor, like: Tensor) -> Tensor:
    return wrap(mask._data.astype(like._data.dtype))


def _src_part(src: Tensor, index: Tensor) -> Tensor:
    """The part of src that scatter reads: its leading ``index.shape`` block."""
    if src._data.shape == index._data.shape:
        return src
    from .shape import getitem

    return getitem(src, tuple(slice(0, n) for n in index._data.shape))


def _touched(shape: tuple, dim: int, index: np.ndarray) -> np.ndarray:
    out = np.zeros(shape, bool)
    out.reshape(shape or (1,))[_key(index.reshape(index.shape or (1,)), dim)] = True
    return out


# ---------------------------------------------------------------------------------------
# Checks and keys
# ---------------------------------------------------------------------------------------
def _key(index: np.ndarray, dim: int) -> tuple:
    """The NumPy key that reads ``x[i][j]...`` with ``index`` in place of dim ``dim`` (gather's rule)."""
    n = index.ndim
    return tuple(index if k == dim else np.arange(index.shape[k]).reshape((-1,) + (1,) * (n - k - 1))
                 for k in range(n))


def _check_index_dtype(index: Any, message: str, allow_int32: bool = True, exc: type = RuntimeError) -> np.ndarray:
    if not isinstance(index, Tensor):
        raise TypeError(f"index must be a Tensor, not {type(index).__name__}")
    i = index._data
    if i.dtype != np.int64 and not (allow_int32 and i.dtype == np.int32):
        raise exc(message.format(legacy_name(i.dtype)))
    return i


def _check_bounds(i: np.ndarray, size: int, dim: int, prefix: str = "", exc: type = RuntimeError) -> None:
    bad = (i < 0) | (i >= size)
    if bad.any():
        raise exc(f"{prefix}index {i[bad].flat[0]} is out of bounds for dimension {dim} with size {size}")


def _scatter_gather_checks(x: np.ndarray, dim: int, i: np.ndarray, src: np.ndarray | None,
                           op: str) -> tuple[int, np.ndarray, np.ndarray]:
    """gather's and scatter's shape checks; the wrapped dim and the 0-d-as-1-d views."""
    xe = x.reshape(x.shape or (1,))
    ie = i.reshape(i.shape or (1,))
    d = _wrap_dim(dim, x.ndim)
    if i.size == 0:
        return d, xe, ie
    if ie.ndim != xe.ndim:
        what = "input" if op == "gather" else "self"
        raise RuntimeError(f"Index tensor must have the same number of dimensions as {what} tensor")
    if src is not None and max(src.ndim, 1) != ie.ndim:
        raise RuntimeError("Index tensor must have the same number of dimensions as src tensor")
    se = None if src is None else src.reshape(src.shape or (1,))
    for k in range(ie.ndim):
        if op == "gather" and k != d and ie.shape[k] > xe.shape[k]:
            raise RuntimeError(
                f"Size does not match at dimension {k} expected index {list(ie.shape)} to be no larger than self "
                f"{list(xe.shape)} apart from dimension {d}"
            )
        too_large = (k != d and ie.shape[k] > xe.shape[k]) or (se is not None and ie.shape[k] > se.shape[k])
        if op != "gather" and too_large:
            tail = "" if se is None else f" and to be no larger size than src {list(se.shape)}"
            raise RuntimeError(
                f"Expected index {list(ie.shape)} to be no larger than self {list(xe.shape)} apart from dimension "
                f"{d}{tail}"
            )
    _check_bounds(ie, xe.shape[d], d)
    return d, xe, ie


# ---------------------------------------------------------------------------------------
# gather and scatter
# ---------------------------------------------------------------------------------------
def gather(input: Tensor, dim: int, index: Tensor, *, sparse_grad: bool = False) -> Tensor:
    """``out[i][j][k] = input[index[i][j][k]][j][k]`` (for dim 0): values picked along ``dim``."""
    x = input._data
    i = _check_index_dtype(index, "gather(): Expected dtype int32/int64 for index")
    d, xe, ie = _scatter_gather_checks(x, dim, i, None, "gather")
    data = xe[_key(ie, d)].reshape(i.shape) if i.size else np.zeros(i.shape, x.dtype)
    if input._rg and grad_state.enabled:
        return record(GatherBackward0, data, (input,), (x.shape, d, index))
    return wrap(data)


def _scatter_arrays(name: str, input: Tensor, dim: int, index: Tensor, src: Any) -> tuple[np.ndarray, tuple, Any]:
    """A copy of input (as 1-d when 0-d), the key to write at, and the values to write."""
    x = input._data
    i = _check_index_dtype(index, f"{name}(): Expected dtype int32/int64 for index")
    s = src._data if isinstance(src, Tensor) else None
    if s is not None and s.dtype != x.dtype:
        raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
    d, _, ie = _scatter_gather_checks(x, dim, i, s, name)
    out = x.copy()
    oe = out.reshape(out.shape or (1,))
    if i.size == 0:
        return out, (), None
    key = _key(ie, d)
    if s is None:
        return out, (oe, key), src
    se = s.reshape(s.shape or (1,))
    return out, (oe, key), se[tuple(slice(0, n) for n in ie.shape)]


def scatter(input: Tensor, dim: int, index: Tensor, src: Any = None, *, value: Any = None,
            reduce: str | None = None) -> Tensor:
    """A copy of input with ``src`` (a tensor, or a number ``value``) written at ``index`` along ``dim``.

    Where indices repeat, the last write wins (PyTorch leaves the order unspecified).
    """
    if src is None:
        src = value
    if reduce is not None:
        if reduce not in ("add", "multiply"):
            raise RuntimeError("reduce argument must be either add or multiply.")
        if isinstance(src, Tensor):
            warnings.warn("The reduce argument of ember.scatter with Tensor src is deprecated and will be removed in "
                          "a future PyTorch release. Use ember.scatter_reduce instead for more reduction options.",
                          UserWarning, stacklevel=2)
    out, where_, vals = _scatter_arrays("scatter", input, dim, index, src)
    if where_:
        oe, key = where_
        if reduce is None:
            oe[key] = vals
        else:
            (np.add if reduce == "add" else np.multiply).at(oe, key, vals)
    is_tensor = isinstance(src, Tensor)
    if grad_state.enabled and (input._rg or (is_tensor and src._rg)):
        if reduce is not None:  # as PyTorch: the legacy reduce= form has no derivative
            return record(_NotDifferentiable, out, (input, src) if is_tensor else (input,), ("scatter",))
        if is_tensor:
            return record(ScatterBackward0, out, (input, src), (_wrap_dim(dim, out.ndim), index))
        return record(ScatterBackward1, out, (input,), (_wrap_dim(dim, out.ndim), index))
    return wrap(out)


def scatter_add(input: Tensor, dim: int, index: Tensor, src: Tensor) -> Tensor:
    """A copy of input with ``src`` added at ``index`` along ``dim`` (repeated indices sum)."""
    out, where_, vals = _scatter_arrays("scatter", input, dim, index, src)
    if where_:
        oe, key = where_
        np.add.at(oe, key, vals)
    if grad_state.enabled and (input._rg or src._rg):
        return record(ScatterAddBackward0, out, (input, src), (_wrap_dim(dim, out.ndim), index))
    return wrap(out)


_REDUCE_UFUNCS = {"sum": np.add, "prod": np.multiply, "mean": np.add, "amax": np.maximum, "amin": np.minimum}


def scatter_reduce(input: Tensor, dim: int, index: Tensor, src: Tensor, reduce: str, *,
                   include_self: bool = True) -> Tensor:
    """Reduce (sum, prod, mean, amax, amin) the values of ``src`` into input at ``index`` along ``dim``."""
    if reduce not in _REDUCE_UFUNCS:
        raise RuntimeError(f"reduce argument must be either sum, prod, mean, amax or amin, got {reduce}")
    out, where_, vals = _scatter_arrays("scatter_reduce", input, dim, index, src)
    if where_:
        oe, key = where_
        if not include_self:
            identity: Any = {"sum": 0, "mean": 0, "prod": 1}.get(reduce)
            if identity is None:
                info = np.finfo(oe.dtype) if oe.dtype.kind == "f" else np.iinfo(oe.dtype)
                identity = (-np.inf if reduce == "amax" else np.inf) if oe.dtype.kind == "f" else (
                    info.min if reduce == "amax" else info.max)
            oe[key] = identity
        _REDUCE_UFUNCS[reduce].at(oe, key, vals)
        if reduce == "mean":
            count = np.full(oe.shape, 1 if include_self else 0, np.int64)
            np.add.at(count, key, 1)
            count = np.maximum(count, 1)
            if oe.dtype.kind == "f":
                oe /= count
            else:
                oe //= count
    if grad_state.enabled and (input._rg or src._rg):
        d = _wrap_dim(dim, out.ndim)
        return record(ScatterReduceBackward0, out, (input, src), (input, d, index, src, reduce, include_self, OUTPUT))
    return wrap(out)


def take_along_dim(input: Tensor, indices: Tensor, dim: int | None = None) -> Tensor:
    """Values of input at ``indices`` along ``dim`` (other dims broadcast), or of the flattened input."""
    i = indices._data
    if i.dtype != np.int64:
        raise RuntimeError(f"ember.take_along_dim(): dtype of indices should be Long but got {legacy_name(i.dtype)}")
    if dim is None:
        return gather(reshape(input, (-1,)), 0, reshape(indices, (-1,)))
    x = input._data
    if x.ndim != i.ndim:
        raise RuntimeError(
            f"ember.take_along_dim(): input and indices should have the same number of dimensions, but got "
            f"{x.ndim} dimensions for input, and {i.ndim} dimensions for indices"
        )
    d = _wrap_dim(dim, x.ndim)
    xs, js = list(x.shape), list(i.shape)
    xs[d] = js[d] = 1
    try:
        common = list(np.broadcast_shapes(tuple(xs), tuple(js)))
    except ValueError:
        raise broadcast_error(x[(slice(None),) * d + (slice(0, 1),)], i[(slice(None),) * d + (slice(0, 1),)]) \
            from None
    xs, js = list(common), list(common)
    xs[d], js[d] = x.shape[d] if x.ndim else 1, i.shape[d] if i.ndim else 1
    return gather(expand(input, tuple(xs)), d, expand(indices, tuple(js)))


# ---------------------------------------------------------------------------------------
# index_* along one dim
# ---------------------------------------------------------------------------------------
def _vector_index(name: str, index: Any, message: str, allow_int32: bool = True,
                  exc: type = RuntimeError) -> np.ndarray:
    i = _check_index_dtype(index, message, allow_int32, exc)
    if i.ndim > 1:
        raise IndexError(f"{name}(): Index is supposed to be a vector")
    return i.reshape(-1)


def index_select(input: Tensor, dim: int, index: Tensor) -> Tensor:
    """The slices of input along ``dim`` at ``index`` (a 1-D index; repeats allowed)."""
    x = input._data
    i = _vector_index("index_select", index, "index_select(): Expected dtype int32 or int64 for index")
    d = _wrap_dim(dim, x.ndim)
    xe = x.reshape(x.shape or (1,))
    bad = (i < 0) | (i >= xe.shape[d])
    if bad.any():
        if d == 0:
            raise IndexError("index out of range in self")
        # PyTorch's kernel for the other dims words (and types) it differently
        raise RuntimeError(f"INDICES element is out of DATA bounds, id={int(i[bad][0])} axis_dim={xe.shape[d]}")
    data = np.take(xe, i, axis=d)
    if not x.ndim:
        data = data.reshape(())
    if input._rg and grad_state.enabled:
        return record(IndexSelectBackward0, data, (input,), (x.shape, d, index))
    return wrap(data)


def _index_source(name: str, x: np.ndarray, d: int, i: np.ndarray, s: np.ndarray, sep: str) -> np.ndarray:
    """The source as ``x[:, i]`` (for dim 1) reads: checked against the number of indices."""
    xe = x.reshape(x.shape or (1,))
    se = s.reshape(s.shape or (1,)) if s.ndim or x.ndim else s.reshape(1)
    n = se.shape[d] if se.ndim > d else 1
    if n != i.size:
        msg = f"{name}(): Number of indices ({i.size}) should be equal to source.size(dim){sep}({n})"
        if name == "index_add_":
            raise RuntimeError(msg + f", for dim: {d}")
        raise IndexError(msg)
    expected = xe.shape[:d] + (i.size,) + xe.shape[d + 1:]
    if se.size != int(np.prod(expected)) or (se.ndim == xe.ndim and se.shape != expected):
        raise RuntimeError(
            f"{name}(): Source/destination tensor must have same slice shapes. Destination slice shape: "
            f"{list(xe.shape[:d] + xe.shape[d + 1:])} at dimension {d} and source slice shape: "
            f"{list(se.shape[:d] + se.shape[d + 1:])} at dimension 0."
        )
    return se.reshape(expected)


def index_add(input: Tensor, dim: int, index: Tensor, source: Tensor, *, alpha: Any = 1) -> Tensor:
    """A copy of input with ``alpha * source`` added to the slices at ``index`` along ``dim`` (repeats sum)."""
    x = input._data
    i = _vector_index("index_add_", index, "index_add_(): Expected dtype int32/int64 for index")
    d = _wrap_dim(dim, x.ndim)
    s = source._data
    if s.dtype != x.dtype:
        raise RuntimeError(
            f"index_add_(): self ({legacy_name(x.dtype)}) and source ({legacy_name(s.dtype)}) must have the same "
            "scalar type"
        )
    se = _index_source("index_add_", x, d, i, s, ": ")
    out = x.copy()
    oe = out.reshape(out.shape or (1,))
    if x.ndim <= 1 and ((i < 0) | (i >= oe.shape[d])).any():
        raise IndexError("index out of range in self")  # PyTorch's 0-d and 1-D kernel says so
    _check_bounds(i, oe.shape[d], d)
    key: Any = (slice(None),) * d + (i,)
    np.add.at(oe, key, se * alpha if alpha != 1 else se)
    if grad_state.enabled and (input._rg or source._rg):
        return record(IndexAddBackward0, out, (input, source), (d, index, alpha))
    return wrap(out)


def index_copy(input: Tensor, dim: int, index: Tensor, source: Tensor) -> Tensor:
    """A copy of input with the slices at ``index`` along ``dim`` replaced by those of ``source``."""
    x = input._data
    i = _vector_index("index_copy_", index, "index_copy_(): Expected a long tensor for index, but got {}",
                      allow_int32=False)
    d = _wrap_dim(dim, x.ndim)
    s = source._data
    if s.dtype != x.dtype:
        raise RuntimeError(
            f"index_copy_(): self and source expected to have the same dtype, but got (self) {legacy_name(x.dtype)} "
            f"and (source) {legacy_name(s.dtype)}"
        )
    se = _index_source("index_copy_", x, d, i, s, " ")
    out = x.copy()
    oe = out.reshape(out.shape or (1,))
    _check_bounds(i, oe.shape[d], d, "index_copy_(): ", IndexError)
    oe[(slice(None),) * d + (i,)] = se
    if grad_state.enabled and (input._rg or source._rg):
        return record(IndexCopyBackward0, out, (input, source), (d, index))
    return wrap(out)


def index_fill(input: Tensor, dim: int, index: Tensor, value: Any) -> Tensor:
    """A copy of input with the slices at ``index`` along ``dim`` set to ``value`` (a number or 0-d tensor)."""
    x = input._data
    i = _vector_index("index_fill_", index, "index_fill_(): Expected dtype int64 for index.", allow_int32=False,
                      exc=IndexError)
    d = _wrap_dim(dim, x.ndim)
    is_tensor = isinstance(value, Tensor)
    if is_tensor and value._data.ndim:
        raise RuntimeError(
            f"index_fill_ only supports a 0-dimensional value tensor, but got tensor with {value._data.ndim} "
            "dimension(s)."
        )
    out = x.copy()
    oe = out.reshape(out.shape or (1,))
    n = int(oe.shape[d])
    if ((i < -n) | (i >= n)).any():
        bad = i[(i < -n) | (i >= n)][0]
        raise IndexError(f"index {bad} is out of bounds for dimension {d} with size {n}")
    oe[(slice(None),) * d + (i,)] = value._data if is_tensor else value
    if grad_state.enabled and (input._rg or (is_tensor and value._rg)):
        if is_tensor:
            return record(IndexFillBackward1, out, (input, value), (d, index))
        return record(IndexFillBackward0, out, (input,), (d, index))
    return wrap(out)


# ---------------------------------------------------------------------------------------
# masks
# ---------------------------------------------------------------------------------------
_CPP_NAMES = {"int64": "long int", "int32": "int", "int16": "short int", "int8": "signed char",
              "uint8": "unsigned char", "float32": "float", "float64": "double", "float16": "c10::Half"}


def _broadcast(x: np.ndarray, m: np.ndarray) -> tuple:
    try:
        return np.broadcast_shapes(m.shape, x.shape)
    except ValueError:
        raise broadcast_error(m, x) from None


def masked_fill(input: Tensor, mask: Tensor, value: Any) -> Tensor:
    """A copy of input (broadcast with ``mask``) with ``value`` where ``mask`` is True."""
    x, m = input._data, mask._data
    if m.dtype != np.bool_:
        raise RuntimeError(
            f"masked_fill_ only supports boolean masks, but got mask with dtype {_CPP_NAMES.get(str(m.dtype), m.dtype)}"
        )
    is_tensor = isinstance(value, Tensor)
    if is_tensor and value._data.ndim:
        raise RuntimeError(
            f"masked_fill_ only supports a 0-dimensional value tensor, but got tensor with {value._data.ndim} "
            "dimension(s)."
        )
    shape = _broadcast(x, m)
    data = np.broadcast_to(x, shape).copy()
    data[np.broadcast_to(m, shape)] = value._data if is_tensor else value
    if grad_state.enabled and (input._rg or (is_tensor and value._rg)):
        if is_tensor:
            return record(MaskedFillBackward1, data, (input, value), (mask,))
        return record(MaskedFillBackward0, data, (input,), (mask,))
    return wrap(data)


def masked_select(input: Tensor, mask: Tensor) -> Tensor:
    """The elements of input (broadcast with ``mask``) where ``mask`` is True, as a 1-D tensor."""
    x, m = input._data, mask._data
    if m.dtype != np.bool_:
        raise RuntimeError("masked_select: expected BoolTensor for mask")
    shape = _broadcast(x, m)
    data = np.broadcast_to(x, shape)[np.broadcast_to(m, shape)]
    if input._rg and grad_state.enabled:
        return record(MaskedSelectBackward0, data, (input,), (shape, mask))
    return wrap(data)


def masked_scatter(input: Tensor, mask: Tensor, source: Tensor) -> Tensor:
    """A copy of input (broadcast with ``mask``) with the first elements of ``source``, in order,
    written where ``mask`` is True."""
    x, m, s = input._data, mask._data, source._data
    if m.dtype != np.bool_:
        raise RuntimeError(
            f"masked_scatter_ only supports boolean masks, but got mask with dtype {legacy_name(m.dtype)}"
        )
    if s.dtype != x.dtype:
        raise RuntimeError(
            f"masked_scatter: expected self and source to have same dtypes but got{legacy_name(x.dtype)} and "
            f"{legacy_name(s.dtype)}"
        )
    shape = _broadcast(x, m)
    mb = np.broadcast_to(m, shape)
    count = int(mb.sum())
    if s.size < count:
        raise RuntimeError("Number of elements of source < number of ones in mask")
    data = np.broadcast_to(x, shape).copy()
    data[mb] = s.reshape(-1)[:count]
    if grad_state.enabled and (input._rg or source._rg):
        return record(MaskedScatterBackward0, data, (input, source), (mask, s.shape))
    return wrap(data)


# ---------------------------------------------------------------------------------------
# take and put (the tensor read as 1-D)
# ---------------------------------------------------------------------------------------
def _flat_index(name: str, index: Tensor, n: int) -> np.ndarray:
    i = _check_index_dtype(index, name + "(): Expected a long tensor for index, but got {}", allow_int32=False)
    bad = (i < -n) | (i >= n)
    if bad.any():
        raise IndexError(f"out of range: tried to access index {i[bad].flat[0]} on a tensor of {n} elements.")
    return i


def take(input: Tensor, index: Tensor) -> Tensor:
    """The elements of the flattened input at ``index`` (negative indices count from the end)."""
    x = input._data
    i = _flat_index("take", index, x.size)
    data = x.reshape(-1)[i]
    if input._rg and grad_state.enabled:
        return record(TakeBackward0, data, (input,), (x.shape, index))
    return wrap(data)


def put(input: Tensor, index: Tensor, source: Tensor, accumulate: bool = False) -> Tensor:
    """A copy of input with ``source`` written (or, with ``accumulate``, added) at ``index`` of its flattened form."""
    x, s = input._data, source._data
    i = _flat_index("put_", index, x.size)
    if s.size != i.size:
        raise IndexError(
            "put_(): Expected source and index to have the same number of elements, but got source.numel() = "
            f"{s.size}, index.numel() = {i.size}"
        )
    if s.dtype != x.dtype:
        raise RuntimeError(
            f"put_(): self and source expected to have the same dtype, but got self.dtype = {legacy_name(x.dtype)} "
            f"and source.dtype = {legacy_name(s.dtype)}"
        )
    out = x.copy()
    flat = out.reshape(-1)
    if accumulate:
        np.add.at(flat, i.reshape(-1), s.reshape(-1))
    else:
        flat[i.reshape(-1)] = s.reshape(-1)
    if grad_state.enabled and (input._rg or source._rg):
        return record(PutBackward0, out, (input, source), (index, s.shape, accumulate))
    return wrap(out)


# ---------------------------------------------------------------------------------------
# In-place forms (on tensors that are not views of tensors requiring grad)
# ---------------------------------------------------------------------------------------
def scatter_(self: Tensor, dim: int, index: Tensor, src: Any = None, *, value: Any = None,
             reduce: str | None = None) -> Tensor:
    """In-place ``scatter``."""
    return inplace(self, scatter, dim, index, value if src is None else src, reduce=reduce)


def scatter_add_(self: Tensor, dim: int, index: Tensor, src: Tensor) -> Tensor:
    """In-place ``scatter_add``."""
    return inplace(self, scatter_add, dim, index, src)


def scatter_reduce_(self: Tensor, dim: int, index: Tensor, src: Tensor, reduce: str, *,
                    include_self: bool = True) -> Tensor:
    """In-place ``scatter_reduce``."""
    return inplace(self, scatter_reduce, dim, index, src, reduce, include_self=include_self)


def index_add_(self: Tensor, dim: int, index: Tensor, source: Tensor, *, alpha: Any = 1) -> Tensor:
    """In-place ``index_add``."""
    return inplace(self, index_add, dim, index, source, alpha=alpha)


def index_copy_(self: Tensor, dim: int, index: Tensor, source: Tensor) -> Tensor:
    """In-place ``index_copy``."""
    return inplace(self, index_copy, dim, index, source)


def index_fill_(self: Tensor, dim: int, index: Tensor, value: Any) -> Tensor:
    """In-place ``index_fill``."""
    return inplace(self, index_fill, dim, index, value)


def masked_fill_(self: Tensor, mask: Tensor, value: Any) -> Tensor:
    """In-place ``masked_fill`` (the mask must broadcast to self's shape)."""
    return inplace(self, masked_fill, mask, value)


def masked_scatter_(self: Tensor, mask: Tensor, source: Tensor) -> Tensor:
    """In-place ``masked_scatter``."""
    return inplace(self, masked_scatter, mask, source)


def put_(self: Tensor, index: Tensor, source: Tensor, accumulate: bool = False) -> Tensor:
    """In-place ``put``."""
    return inplace(self, put, index, source, accumulate)


TENSOR_METHODS: dict[str, Any] = {
    "gather": gather, "scatter": scatter, "scatter_add": scatter_add, "scatter_reduce": scatter_reduce,
    "index_select": index_select, "index_add": index_add, "index_copy": index_copy, "index_fill": index_fill,
    "masked_fill": masked_fill, "masked_select": masked_select, "masked_scatter": masked_scatter,
    "take": take, "take_along_dim": take_along_dim, "put": put,
    "scatter_": scatter_, "scatter_add_": scatter_add_, "scatter_reduce_": scatter_reduce_,
    "index_add_": index_add_, "index_copy_": index_copy_, "index_fill_": index_fill_,
    "masked_fill_": masked_fill_, "masked_scatter_": masked_scatter_, "put_": put_,
}
