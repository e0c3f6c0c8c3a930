"""Reductions: sum, mean, norm, max/min, argmax/argmin, all/any.

Derivatives broadcast the gradient back over the reduced dims (``_expand_back``).
Subgradients: ``max()``/``min()`` over everything share the gradient evenly among
tied elements (PyTorch's evenly_distribute_backward); ``max(dim)`` gives it to the
index it returned (the first of the ties).
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable
from typing import Any

import numpy as np

from .. import _dtype as D  # noqa: N812 - D reads as a namespace of dtypes
from .._tensor import Tensor, _wrap_dim
from ._op import OUTPUT, derivative, grad_state, record, wrap
from .pointwise import abs as _abs
from .pointwise import eq, isnan, maximum, minimum, sign, where
from .shape import expand, reshape, scatter_into_zeros


def _dims(dim: Any, ndim: int) -> tuple[int, ...]:
    """Normalise ``dim`` (None, int, tuple or list) to a sorted tuple of non-negative dims."""
    if isinstance(dim, (int, np.integer)):
        dim = (int(dim),)
    if dim is None or len(dim) == 0:  # torch: no dims (None or ()) reduces over all of them
        return tuple(range(ndim))
    out = tuple(sorted({_wrap_dim(int(d), ndim) for d in dim}))
    if len(out) != len(dim):
        raise RuntimeError(f"dim {dim[0]} appears multiple times in the list of dims")
    # A 0-d tensor accepts dim 0 or -1, which name no axis of its array.
    return out if ndim else ()


def _expand_back(grad: Tensor, shape: tuple, dims: tuple[int, ...] | None, keepdim: bool) -> Tensor:
    """Broadcast a reduction's gradient back to the input's shape."""
    if dims is not None and not keepdim and len(shape):
        kept = tuple(1 if i in dims else s for i, s in enumerate(shape))
        grad = reshape(grad, kept)
    return expand(grad, shape)


def _numel(shape: tuple, dims: tuple[int, ...] | None) -> int:
    n = 1
    for i, s in enumerate(shape):
        if dims is None or i in dims:
            n *= s
    return n


# ---------------------------------------------------------------------------------------
# Derivatives
# ---------------------------------------------------------------------------------------
SumBackward0 = derivative("sum", ("self_sym_sizes",), lambda grad, shape: expand(grad, shape))
SumBackward1 = derivative("sum", ("self_sym_sizes", "dim", "keepdim"),
                          lambda grad, shape, dims, keepdim: _expand_back(grad, shape, dims, keepdim), overload=1)
MeanBackward0 = derivative("mean", ("self_sym_sizes", "self_sym_numel"),
                           lambda grad, shape, n: expand(grad, shape) / n)
MeanBackward1 = derivative("mean", ("self_sym_sizes", "dim", "keepdim", "self_sym_numel"),
                           lambda grad, shape, dims, keepdim, numel:
                           _expand_back(grad, shape, dims, keepdim) / _numel(shape, dims),
                           overload=1)
LinalgVectorNormBackward0 = derivative("linalg_vector_norm", ("self", "ord", "dim", "keepdim", "result"),
                                       lambda grad, self, ord, dims, keepdim, result:
                                       _norm_backward(grad, self, ord, dims, keepdim, result))
MaxBackward1 = derivative("max", ("self", "result"),
                          lambda grad, self, result: _evenly_distribute(grad, self, result), overload=1)
MinBackward1 = derivative("min", ("self", "result"),
                          lambda grad, self, result: _evenly_distribute(grad, self, result), overload=1)
MaxBackward0 = derivative("max", ("self_sym_sizes", "dim", "keepdim", "indices"),
                          lambda grad, shape, dim, keepdim, idx: _value_selecting(grad, shape, dim, keepdim, idx),
                          n_outputs=2)
MinBackward0 = derivative("min", ("self_sym_sizes", "dim", "keepdim", "indices"),
                          lambda grad, shape, dim, keepdim, idx: _value_selecting(grad, shape, dim, keepdim, idx),
                          n_outputs=2)
AmaxBackward0 = derivative("amax", ("self", "dim", "keepdim", "result"),
                           lambda grad, self, dims, keepdim, result: _amax_backward(grad, self, dims, keepdim, result))
AminBackward0 = derivative("amin", ("self", "dim", "keepdim", "result"),
                           lambda grad, self, dims, keepdim, result: _amax_backward(grad, self, dims, keepdim, result))


def _evenly_distribute(grad: Tensor, self: Tensor, result: Tensor) -> Tensor:
    # Ties share the gradient evenly; a nan maximum sends it to the nans (as PyTorch).
    mask = isnan(self) if np.isnan(result._data) else eq(self, result)
    return where(mask, grad / mask._data.sum(), 0)


def _amax_backward(grad: Tensor, self: Tensor, dims: tuple, keepdim: bool, result: Tensor) -> Tensor:
    # PyTorch's scale_grad_by_count: ties share evenly; a nan result gives nan (0 * inf).
    shape = self._data.shape
    mask = eq(self, _expand_back(result, shape, dims, keepdim))
    return mask * (_expand_back(grad, shape, dims, keepdim) / sum(mask, dims, keepdim=True))


def _value_selecting(grads: tuple, shape: tuple, dim: int, keepdim: bool, indices: Tensor) -> Tensor:
    grad = grads[0]
    if grad is None:
        return None  # type: ignore[return-value]
    if not shape:  # max(dim) of a 0-d tensor is the tensor itself
        return grad
    idx = indices._data if keepdim else np.expand_dims(indices._data, dim)
    g = grad if keepdim else reshape(grad, idx.shape)
    grid = list(np.indices(idx.shape, sparse=True))
    grid[dim] = idx
    return scatter_into_zeros(g, shape, tuple(grid))


def _norm_backward(grad: Tensor, self: Tensor, ord: float, dims: tuple | None, keepdim: bool, result: Tensor) -> Tensor:
    """PyTorch's linalg_vector_norm_backward; at a zero norm the subgradient 0 is chosen."""
    shape = self._data.shape
    if ord == 0:
        return None  # type: ignore[return-value]  # piecewise constant: PyTorch gives no gradient
    g = _expand_back(grad, shape, dims, keepdim)
    if ord == 1:
        return sign(self) * g
    r = _expand_back(result, shape, dims, keepdim)
    if ord == 2:
        return self * where(eq(r, 0), 0, g / r)
    if ord in (float("inf"), float("-inf")):
        mask = eq(_abs(self), r)
        count = _expand_back(wrap(np.asarray(mask._data.sum(axis=dims, keepdims=keepdim))), shape, dims, keepdim)
        return where(mask, sign(self) * g / count, 0)
    if ord < 1:
        scaled = where(eq(self, 0), 0, sign(self) * _abs(self) ** (ord - 1))
        return scaled * g * r ** (1 - ord)
    scaled = sign(self) * _abs(self) ** (ord - 1) if ord < 2 else self * _abs(self) ** (ord - 2)
    return scaled * where(eq(r, 0), 0, g / r ** (ord - 1))


# ---------------------------------------------------------------------------------------
# Forwards
# ---------------------------------------------------------------------------------------
def _dtype_arg(x: np.ndarray, dtype: D.dtype | None, integral_to_long: bool) -> np.ndarray:
    if dtype is not None:
        return x.astype(dtype.np, copy=False)
    if integral_to_long and x.dtype.kind in "biu":
        return x.astype(np.int64)
    return x


def sum(input: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: D.dtype | None = None) -> Tensor:  # noqa: A001
    """Sum over all elements (SumBackward0) or over ``dim`` (SumBackward1); integers sum as int64."""
    x = _dtype_arg(input._data, dtype, True)
    if dim is None:
        data = np.asarray(x.sum(dtype=x.dtype))
        if input._rg and grad_state.enabled:
            return record(SumBackward0, data, (input,), (input._data.shape,))
        return wrap(data)
    dims = _dims(dim, x.ndim)
    data = np.asarray(x.sum(axis=dims, keepdims=keepdim, dtype=x.dtype))
    if input._rg and grad_state.enabled:
        return record(SumBackward1, data, (input,), (input._data.shape, dims, keepdim))
    return wrap(data)


def mean(input: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: D.dtype | None = None) -> Tensor:
    """Mean over all elements or over ``dim``; integer inputs need ``dtype``, as in torch."""
    x = input._data
    if dtype is None and x.dtype.kind not in "fc":
        from .pointwise import legacy_name

        raise RuntimeError(
            "mean(): could not infer output dtype. Input dtype must be either a floating point or complex "
            f"dtype. Got: {legacy_name(x.dtype)}"
        )
    x = _dtype_arg(x, dtype, False)
    if dim is None:
        with np.errstate(invalid="ignore", divide="ignore"):
            data = np.asarray(x.mean(dtype=x.dtype))
        if input._rg and grad_state.enabled:
            return record(MeanBackward0, data, (input,), (x.shape, x.size))
        return wrap(data)
    dims = _dims(dim, x.ndim)
    with np.errstate(invalid="ignore", divide="ignore"):
        data = np.asarray(x.mean(axis=dims, keepdims=keepdim, dtype=x.dtype))
    if input._rg and grad_state.enabled:
        return record(MeanBackward1, data, (input,), (x.shape, dims, keepdim, x.size))
    return wrap(data)


def linalg_vector_norm(input: Tensor, ord: float = 2, dim: Any = None, keepdim: bool = False, *,
                       dtype: D.dtype | None = None) -> Tensor:
    """The vector ``ord``-norm over all elements or over ``dim``."""
    x = input._data
    if x.dtype.kind not in "fc":
        from .pointwise import legacy_name

        raise RuntimeError(
            f"linalg.vector_norm: Expected a floating point or complex tensor as input. Got {legacy_name(x.dtype)}"
        )
    x = _dtype_arg(x, dtype, False)
    dims = None if dim is None else _dims(dim, x.ndim)
    axis = dims if dims is not None else None
    a = np.abs(x)
    if ord == 2:
        data = np.sqrt(np.sum(a * a, axis=axis, keepdims=keepdim))
    elif ord == float("inf"):
        data = np.max(a, axis=axis, keepdims=keepdim)
    elif ord == float("-inf"):
        data = np.min(a, axis=axis, keepdims=keepdim)
    elif ord == 0:
        data = np.sum(a != 0, axis=axis, keepdims=keepdim).astype(a.dtype)
    elif ord == 1:
        data = np.sum(a, axis=axis, keepdims=keepdim)
    else:
        data = np.sum(a ** ord, axis=axis, keepdims=keepdim) ** (1.0 / ord)
    if dims is None and keepdim:
        data = np.reshape(data, (1,) * x.ndim)
    data = np.asarray(data, dtype=a.dtype)
    if input._rg and grad_state.enabled:
        return record(LinalgVectorNormBackward0, data, (input,), (input, ord, dims, keepdim, OUTPUT))
    return wrap(data)


def norm(input: Tensor, p: Any = "fro", dim: Any = None, keepdim: bool = False, dtype: D.dtype | None = None) -> Tensor:
    """torch.norm: the vector p-norm ('fro' is 2) over all elements or ``dim``."""
    if p == "fro" or p is None:
        p = 2
    if p == "nuc":
        raise NotImplementedError("ember: norm(p='nuc') is not supported yet")
    return linalg_vector_norm(input, p, dim, keepdim, dtype=dtype)


# ---------------------------------------------------------------------------------------
# max / min / argmax / argmin / all / any
# ---------------------------------------------------------------------------------------
class _ReturnType(tuple):
    """A (values, indices) result printed as PyTorch's ``torch.return_types.<name>``."""

    _name = ""
    _fields = ("values", "indices")

    def __new__(cls, values: Tensor, indices: Tensor) -> _ReturnType:
        return super().__new__(cls, (values, indices))

    @property
    def values(self) -> Tensor:
        return self[0]

    @property
    def indices(self) -> Tensor:
        return self[1]

    def __repr__(self) -> str:
        return f"ember.return_types.{self._name}(\nvalues={self[0]!r},\nindices={self[1]!r})"


def _return_type(name: str) -> type[_ReturnType]:
    return type(name, (_ReturnType,), {"_name": name})


return_types = namedtuple("return_types", ["max", "min"])(_return_type("max"), _return_type("min"))


def _extreme(name: str, input: Tensor, dim: Any, keepdim: bool, full_cls: Any, dim_cls: Any,
             arg: Callable[..., np.ndarray]) -> Any:
    x = input._data
    if dim is None:
        if x.size == 0:
            raise RuntimeError(
                f"{name}(): Expected reduction dim to be specified for input.numel() == 0. "
                "Specify the reduction dim with the 'dim' argument."
            )
        data = np.asarray(np.max(x) if name == "max" else np.min(x))
        if input._rg and grad_state.enabled:
            return record(full_cls, data, (input,), (input, OUTPUT))
        return wrap(data)
    if isinstance(dim, Tensor):  # max(input, other): the elementwise maximum (MaximumBackward0)
        return (maximum if name == "max" else minimum)(input, dim)
    d = _wrap_dim(dim, x.ndim)
    if x.ndim and x.shape[d] == 0:
        raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")
    idx = arg(x, axis=d, keepdims=keepdim) if x.ndim else np.asarray(0)
    vals = np.take_along_axis(x, idx if keepdim else np.expand_dims(idx, d), d) if x.ndim else x.copy()
    if not keepdim and x.ndim:
        vals = np.squeeze(vals, d)
    indices = wrap(np.asarray(idx, dtype=np.int64))
    if input._rg and grad_state.enabled:
        values = record(dim_cls, vals, (input,), (x.shape, d, keepdim, indices))
    else:
        values = wrap(vals)
    return getattr(return_types, name)(values, indices)


def max(input: Tensor, dim: Any = None, keepdim: bool = False) -> Any:  # noqa: A001
    """The largest element, or (values, indices) along ``dim`` (first index among ties)."""
    return _extreme("max", input, dim, keepdim, MaxBackward1, MaxBackward0, np.argmax)


def min(input: Tensor, dim: Any = None, keepdim: bool = False) -> Any:  # noqa: A001
    """The smallest element, or (values, indices) along ``dim`` (first index among ties)."""
    return _extreme("min", input, dim, keepdim, MinBackward1, MinBackward0, np.argmin)


def _check_nonempty(name: str, x: np.ndarray, dims: tuple | None, full_error: type[Exception]) -> None:
    """PyTorch's errors for a max/min-like reduction over no elements."""
    if dims is None:  # no dim given (an explicit dim that is empty is refused below, by name)
        if x.size == 0:
            raise full_error(
                f"{name}(): Expected reduction dim to be specified for input.numel() == 0."
                + (" Specify the reduction dim with the 'dim' argument." if full_error is RuntimeError else "")
            )
        return
    for d in dims:
        if x.shape[d] == 0:
            raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")


def _make_extreme_over(name: str, fn: Callable[..., Any], cls: Any) -> Callable[..., Tensor]:
    def op(input: Tensor, dim: Any = (), keepdim: bool = False) -> Tensor:
        x = input._data
        dims = _dims(dim, x.ndim)
        _check_nonempty(name, x, None if dim == () else dims, RuntimeError)
        data = np.asarray(fn(x, axis=dims, keepdims=keepdim))
        if input._rg and grad_state.enabled:
            return record(cls, data, (input,), (input, dims, keepdim, OUTPUT))
        return wrap(data)

    op.__name__ = op.__qualname__ = name
    op.__doc__ = (f"{name[1:].capitalize()} over dims (all when ``dim`` is ()), sharing the gradient evenly "
                  "among ties.")
    return op


amax = _make_extreme_over("amax", np.max, AmaxBackward0)
amin = _make_extreme_over("amin", np.min, AminBackward0)


def _arg_extreme(name: str, fn: Callable[..., Any], input: Tensor, dim: int | None, keepdim: bool) -> Tensor:
    x = input._data
    if x.dtype == np.bool_:
        raise RuntimeError(f"{name}(): does not support bool input")
    if dim is None:
        _check_nonempty(name, x, None, IndexError)
        return wrap(np.asarray(fn(x), dtype=np.int64).reshape((1,) * x.ndim if keepdim else ()))
    d = _wrap_dim(dim, x.ndim)
    _check_nonempty(name, x, (d,) if x.ndim else None, IndexError)
    return wrap(np.asarray(fn(x, axis=d if x.ndim else None, keepdims=keepdim), dtype=np.int64))


def argmax(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    """Index of the largest element (flattened when ``dim`` is None), int64."""
    return _arg_extreme("argmax", np.argmax, input, dim, keepdim)


def argmin(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    """Index of the smallest element (flattened when ``dim`` is None), int64."""
    return _arg_extreme("argmin", np.argmin, input, dim, keepdim)


def _logical_reduction(fn: Callable[..., Any], input: Tensor, dim: Any, keepdim: bool) -> Tensor:
    x = input._data
    data = np.asarray(fn(x, axis=_dims(dim, x.ndim), keepdims=keepdim))
    # bool results, except that uint8 stays uint8, as in torch.
    return wrap(data.astype(np.uint8) if x.dtype == np.uint8 else data)


def all(input: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:  # noqa: A001
    """True where every element (over ``dim``) is nonzero."""
    return _logical_reduction(np.all, input, dim, keepdim)


def any(input: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:  # noqa: A001
    """True where some element (over ``dim``) is nonzero."""
    return _logical_reduction(np.any, input, dim, keepdim)


TENSOR_METHODS: dict[str, Callable[..., Any]] = {
    "sum": sum, "mean": mean, "norm": norm, "max": max, "min": min, "amax": amax, "amin": amin,
    "argmax": argmax, "argmin": argmin, "all": all, "any": any,
}
