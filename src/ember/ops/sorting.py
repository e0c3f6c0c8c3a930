"""Sorting and selection: sort, argsort, msort, topk, kthvalue, unique, unique_consecutive.

Ties keep their order in the input (a stable sort), in both directions; NaN sorts as
larger than every number, as in PyTorch. ``topk`` and ``kthvalue`` select from that
order, which is what PyTorch's CPU kernels return on the inputs we compare with (they
promise no particular index among ties).

The gradient of a selection goes back to the index each value was taken from
(PyTorch's value_selecting_reduction_backward). ``unique`` records a Node whose backward
raises, as PyTorch's does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .._tensor import Tensor, _wrap_dim
from ._op import derivative, grad_state, record, wrap
from .reduction import _return_type, _value_selecting

# ---------------------------------------------------------------------------------------
# Derivatives
# ---------------------------------------------------------------------------------------
SortBackward0 = derivative("sort", ("self_sym_sizes", "dim", "indices"),
                           lambda grads, shape, dim, idx: _value_selecting(grads, shape, dim, True, idx),
                           n_outputs=2)
# sort(stable=...): PyTorch's stable overload, the same derivative.
SortBackward1 = derivative("sort", ("self_sym_sizes", "dim", "indices"),
                           lambda grads, shape, dim, idx: _value_selecting(grads, shape, dim, True, idx),
                           n_outputs=2, overload=1)
TopkBackward0 = derivative("topk", ("self_sym_sizes", "dim", "indices"),
                           lambda grads, shape, dim, idx: _value_selecting(grads, shape, dim, True, idx),
                           n_outputs=2)
KthvalueBackward0 = derivative("kthvalue", ("self_sym_sizes", "dim", "keepdim", "indices"),
                               lambda grads, shape, dim, keepdim, idx:
                               _value_selecting(grads, shape, dim, keepdim, idx),
                               n_outputs=2)


def _not_implemented(op: str) -> Callable[..., Any]:
    def formula(grads: Any, *saved: Any) -> Any:
        raise NotImplementedError(f"the derivative for '{op}' is not implemented.")

    return formula


# unique has no derivative in PyTorch: its Node exists, and raises when run.
Unique2Backward0 = derivative("_unique2", (), _not_implemented("_unique2"), n_outputs=3)
UniqueDimBackward0 = derivative("unique_dim", (), _not_implemented("unique_dim"), n_outputs=3)
UniqueConsecutiveBackward0 = derivative("unique_consecutive", (), _not_implemented("unique_consecutive"),
                                        n_outputs=3)


# ---------------------------------------------------------------------------------------
# Forwards
# ---------------------------------------------------------------------------------------
def stable_argsort(x: np.ndarray, axis: int, descending: bool = False) -> np.ndarray:
    """Indices that sort ``x`` along ``axis``; ties keep input order; NaN is the largest."""
    if not descending:
        return np.argsort(x, axis=axis, kind="stable")
    # Descending and stable: sort the reversed input ascending, then reverse the result.
    idx = np.flip(np.argsort(np.flip(x, axis), axis=axis, kind="stable"), axis)
    return x.shape[axis] - 1 - idx


def _selection(name: str, input: Tensor, cls: type, vals: np.ndarray, idx: np.ndarray, saved: tuple) -> Any:
    indices = wrap(np.asarray(idx, dtype=np.int64, order="C"))
    vals = np.asarray(vals, order="C")
    if input._rg and grad_state.enabled:
        values = record(cls, vals, (input,), (*saved, indices))
    else:
        values = wrap(vals)
    return getattr(return_types, name)(values, indices)


def _sorted(x: np.ndarray, d: int, descending: bool) -> tuple[np.ndarray, np.ndarray]:
    if x.ndim == 0:
        return x.copy(), np.zeros((), np.int64)
    idx = stable_argsort(x, d, descending)
    return np.take_along_axis(x, idx, d), idx


def sort(input: Tensor, dim: int = -1, descending: bool = False, stable: bool | None = None) -> Any:
    """(values, indices) sorted along ``dim``; always stable, so ``stable`` changes nothing
    (but the grad_fn: SortBackward1 when ``stable`` is given, as PyTorch's overload).

    >>> import ember
    >>> ember.tensor([2., 1., 2.]).sort(descending=True).indices
    tensor([0, 2, 1])
    """
    x = input._data
    d = _wrap_dim(dim, x.ndim)
    vals, idx = _sorted(x, d, descending)
    cls = SortBackward0 if stable is None else SortBackward1
    return _selection("sort", input, cls, vals, idx, (x.shape, d))


def argsort(input: Tensor, dim: int = -1, descending: bool = False, stable: bool = False) -> Tensor:
    """The indices that sort ``input`` along ``dim`` (int64; stable)."""
    x = input._data
    d = _wrap_dim(dim, x.ndim)
    return wrap(np.asarray(_sorted(x, d, descending)[1], dtype=np.int64, order="C"))


def msort(input: Tensor) -> Tensor:
    """``sort(input, dim=0).values``."""
    return sort(input, 0)[0]


def topk(input: Tensor, k: int, dim: int = -1, largest: bool = True, sorted: bool = True) -> Any:  # noqa: A002
    """The ``k`` largest (or smallest) values along ``dim`` and their indices.

    The values come sorted whatever ``sorted`` says (PyTorch leaves the order open then).
    """
    x = input._data
    if x.dtype == np.bool_:
        raise RuntimeError("topk does not support bool dtypes on CPU")
    d = _wrap_dim(dim, x.ndim)
    size = x.shape[d] if x.ndim else 1
    if not 0 <= k <= size:
        raise RuntimeError("selected index k out of range")
    if x.ndim == 0:
        vals, idx = _sorted(x, d, largest)
    else:
        idx = np.take(stable_argsort(x, d, largest), np.arange(k), axis=d)
        vals = np.take_along_axis(x, idx, d)
    return _selection("topk", input, TopkBackward0, vals, idx, (x.shape, d))


def kthvalue(input: Tensor, k: int, dim: int = -1, keepdim: bool = False) -> Any:
    """The ``k``-th smallest value along ``dim`` (1-based) and its index.

    >>> import ember
    >>> ember.tensor([3., 1., 2.]).kthvalue(2)
    ember.return_types.kthvalue(
    values=tensor(2.),
    indices=tensor(2))
    """
    x = input._data
    if x.dtype == np.bool_:
        raise NotImplementedError("\"kthvalue_cpu\" not implemented for 'Bool'")
    d = _wrap_dim(dim, x.ndim)
    size = x.shape[d] if x.ndim else 1
    if not 1 <= k <= size:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {d}")
    if x.ndim == 0:
        vals, idx = x.copy(), np.zeros((), np.int64)
    else:
        idx = np.take(stable_argsort(x, d), [k - 1], axis=d)
        vals = np.take_along_axis(x, idx, d)
        if not keepdim:
            idx, vals = np.squeeze(idx, d), np.squeeze(vals, d)
    return _selection("kthvalue", input, KthvalueBackward0, vals, idx, (x.shape, d, keepdim))


def _unique_result(input: Tensor, cls: type, vals: np.ndarray, inverse: np.ndarray, counts: np.ndarray,
                   return_inverse: bool, return_counts: bool) -> Any:
    vals = np.asarray(vals, order="C")
    values = record(cls, vals, (input,)) if input._rg and grad_state.enabled else wrap(vals)
    if not (return_inverse or return_counts):
        return values
    out: tuple = (values,)
    if return_inverse:
        out += (wrap(np.asarray(inverse, dtype=np.int64, order="C")),)
    if return_counts:
        out += (wrap(np.asarray(counts, dtype=np.int64, order="C")),)
    return out


def unique(input: Tensor, sorted: bool = True, return_inverse: bool = False, return_counts: bool = False,  # noqa: A002
           dim: int | None = None) -> Any:
    """The distinct elements (or slices along ``dim``), sorted; optionally the inverse and counts.

    Results are sorted even with ``sorted=False`` (PyTorch's CPU kernel sorts too). Each
    NaN is distinct, as in PyTorch.

    >>> import ember
    >>> ember.tensor([3, 1, 3]).unique(return_counts=True)
    (tensor([1, 3]), tensor([1, 2]))
    """
    x = input._data
    if dim is None:
        vals, inverse, counts = np.unique(x.reshape(-1), return_inverse=True, return_counts=True,
                                          equal_nan=False)
        return _unique_result(input, Unique2Backward0, vals, inverse.reshape(x.shape), counts,
                              return_inverse, return_counts)
    d = _wrap_dim(dim, x.ndim)
    vals, inverse, counts = np.unique(x, axis=d, return_inverse=True, return_counts=True, equal_nan=False)
    return _unique_result(input, UniqueDimBackward0, vals, inverse.reshape(-1), counts,
                          return_inverse, return_counts)


def unique_consecutive(input: Tensor, return_inverse: bool = False, return_counts: bool = False,
                       dim: int | None = None) -> Any:
    """Collapse runs of equal consecutive elements (or slices along ``dim``).

    >>> import ember
    >>> ember.tensor([1, 1, 2, 1]).unique_consecutive()
    tensor([1, 2, 1])
    """
    x = input._data
    if dim is None:
        rows, d = x.reshape(-1, 1), 0
        shape_of_inverse = x.shape
    else:
        d = _wrap_dim(dim, x.ndim)
        rows = np.moveaxis(x, d, 0).reshape(x.shape[d], -1)
        shape_of_inverse = (x.shape[d],)
    n = rows.shape[0]
    starts = np.ones(n, dtype=bool)
    if n:
        starts[1:] = np.any(rows[1:] != rows[:-1], axis=1)
    first = np.flatnonzero(starts)
    inverse = (np.cumsum(starts) - 1).reshape(shape_of_inverse)
    counts = np.diff(np.append(first, n))
    vals = x.reshape(-1)[first] if dim is None else np.take(x, first, axis=d)
    return _unique_result(input, UniqueConsecutiveBackward0, vals, inverse, counts, return_inverse, return_counts)


class _SortingReturnTypes:
    sort = _return_type("sort")
    topk = _return_type("topk")
    kthvalue = _return_type("kthvalue")


return_types = _SortingReturnTypes

TENSOR_METHODS: dict[str, Callable[..., Any]] = {
    "sort": sort, "argsort": argsort, "msort": msort, "topk": topk, "kthvalue": kthvalue, "unique": unique,
    "unique_consecutive": unique_consecutive,
}

__all__ = ["sort", "argsort", "msort", "topk", "kthvalue", "unique", "unique_consecutive"]
