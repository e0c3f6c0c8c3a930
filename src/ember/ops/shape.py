"""Shape ops and indexing: views, reshape, transpose, expand, squeeze, getitem, cat, ...

A view shares its array and version counter with its base, as in PyTorch, so an
in-place change through either is seen by both and by the saved-tensor checks.
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .. import _dtype as D  # noqa: N812 - D reads as a namespace of dtypes
from .._tensor import Tensor, _wrap_dim
from ..autograd.graph import Node, note_write
from ._op import derivative, grad_state, new_node, record, record_multi, wrap

_ref = weakref.ref

# ---------------------------------------------------------------------------------------
# Derivatives. ``self_sym_sizes`` is the input's shape, as PyTorch names it.
# ---------------------------------------------------------------------------------------
ViewBackward0 = derivative("view", ("self_sym_sizes",), lambda grad, shape: reshape(grad, shape))
UnsafeViewBackward0 = derivative("unsafe_view", ("self_sym_sizes",), lambda grad, shape: reshape(grad, shape))
ReshapeAliasBackward0 = derivative("reshape_alias", ("self_sym_sizes",), lambda grad, shape: reshape(grad, shape))
TBackward0 = derivative("t", (), lambda grad: t(grad))
TransposeBackward0 = derivative("transpose", ("dim0", "dim1"), lambda grad, d0, d1: transpose(grad, d0, d1))
PermuteBackward0 = derivative("permute", ("dims",), lambda grad, dims: permute(grad, _inverse_perm(dims)))
ExpandBackward0 = derivative("expand", ("self_sym_sizes",), lambda grad, shape: sum_to_size(grad, shape))
SqueezeBackward0 = derivative("squeeze", ("self_sym_sizes",), lambda grad, shape: reshape(grad, shape))
SqueezeBackward1 = derivative("squeeze", ("self_sym_sizes", "dim"),
                              lambda grad, shape, dim: reshape(grad, shape), overload=1)
SqueezeBackward2 = derivative("squeeze", ("self_sym_sizes", "dim"),
                              lambda grad, shape, dim: reshape(grad, shape), overload=2)
# squeeze_(dim), the in-place form matmul uses on its 1-D operand.
SqueezeBackward4 = derivative("squeeze", ("self_sym_sizes", "dim"),
                              lambda grad, shape, dim: reshape(grad, shape), overload=4)
UnsqueezeBackward0 = derivative("unsqueeze", ("dim",), lambda grad, dim: squeeze(grad, dim))
SelectBackward0 = derivative("select", ("self_sym_sizes", "dim", "index"),
                             lambda grad, shape, dim, index: _select_backward(grad, shape, dim, index))
SliceBackward0 = derivative("slice", ("self_sym_sizes", "dim", "start", "end", "step"),
                            lambda grad, shape, dim, start, end, step:
                            _slice_backward(grad, shape, dim, start, end, step))
IndexBackward0 = derivative("index", ("self_sym_sizes", "indices"),
                            lambda grad, shape, key: _index_backward(grad, shape, key))
CloneBackward0 = derivative("clone", (), lambda grad: grad)
AliasBackward0 = derivative("alias", (), lambda grad: grad)
ToCopyBackward0 = derivative("_to_copy", ("self_dtype",), lambda grad, dtype: to(grad, dtype))
# The derivatives of the scatter kernels below: they are linear in grad.
ScatterIntoZerosBackward0 = derivative("index_put_zeros", ("key",), lambda grad, key: getitem(grad, key))


def _inverse_perm(dims: Sequence[int]) -> tuple[int, ...]:
    inv = [0] * len(dims)
    for i, d in enumerate(dims):
        inv[d] = i
    return tuple(inv)


def _select_backward(grad: Tensor, shape: tuple, dim: int, index: int) -> Tensor:
    return scatter_into_zeros(grad, shape, (slice(None),) * dim + (index,))


def _slice_backward(grad: Tensor, shape: tuple, dim: int, start: int, end: int, step: int) -> Tensor:
    return scatter_into_zeros(grad, shape, (slice(None),) * dim + (slice(start, end, step),))


def _index_backward(grad: Tensor, shape: tuple, key: Any) -> Tensor:
    return scatter_into_zeros(grad, shape, key, accumulate=True)


def scatter_into_zeros(grad: Tensor, shape: tuple, key: Any, accumulate: bool = False) -> Tensor:
    """zeros(shape) with ``grad`` written (or, for repeated indices, summed) at ``key``."""
    z = np.zeros(shape, dtype=grad._data.dtype)
    if accumulate:
        np.add.at(z, key, grad._data)
    else:
        z[key] = grad._data
    if grad._rg and grad_state.enabled:
        return record(ScatterIntoZerosBackward0, z, (grad,), (key,))
    return wrap(z)


# ---------------------------------------------------------------------------------------
# Views
# ---------------------------------------------------------------------------------------
def _as_view(out: Tensor, base: Tensor) -> Tensor:
    """Make ``out`` a view of ``base``'s root: same version counter, ``_base`` the root.

    A view recorded from a root that has history is listed (weakly) after the count in
    the shared version counter, so an in-place write into the root or one of its views
    can give it a Node reading the new history (``ops/views.py``).
    """
    vc: list[Any] = base._vc
    out._vc = vc
    root = out._base = base if base._base is None else base._base
    if out._grad_fn is not None and root._grad_fn is not None:
        vc.append(_ref(out))
        n = len(vc)
        if n >= 64 and not n & (n - 1):  # at each power of two: drop the views that died
            vc[1:] = [r for r in vc[1:] if r() is not None]
    return out


def _view_result(input: Tensor, data: np.ndarray, cls: type[Node], saved: tuple) -> Tensor:
    if input._rg and grad_state.enabled:
        return _as_view(record(cls, data, (input,), saved), input)
    return _as_view(wrap(data), input)


def _shape_arg(shape: tuple) -> tuple:
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    return tuple(int(s) for s in shape)


def _infer(shape: tuple, numel: int, input_shape: tuple) -> tuple:
    if shape.count(-1) > 1:
        raise RuntimeError("only one dimension can be inferred")
    known = 1
    for i, s in enumerate(shape):
        if s != -1:
            if s < 0:
                raise RuntimeError(f"invalid shape dimension {s} at index {i} of shape {list(shape)}")
            known *= s
    if -1 in shape:
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
        shape = tuple(numel // known if s == -1 else s for s in shape)
    elif known != numel:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
    return shape


def view(input: Tensor, *shape: Any) -> Tensor:
    """A view with a new shape; the memory layout must allow it (else use reshape)."""
    if len(shape) == 1 and isinstance(shape[0], D.dtype):
        return _view_dtype(input, shape[0])
    x = input._data
    new = _infer(_shape_arg(shape), x.size, x.shape)
    try:
        data = x.reshape(new, copy=False)
    except ValueError:
        raise RuntimeError(
            "view size is not compatible with input tensor's size and stride (at least one dimension "
            "spans across two contiguous subspaces). Use .reshape(...) instead."
        ) from None
    return _view_result(input, data, ViewBackward0, (x.shape,))


def _view_dtype(input: Tensor, dtype: D.dtype) -> Tensor:
    # Shares memory and version counter but is no view for autograd (``_base`` None), as in PyTorch.
    out = wrap(input._data.view(dtype.np))
    out._vc = input._vc
    return out


def reshape(input: Tensor, *shape: Any) -> Tensor:
    """The same elements in a new shape: a view when the layout allows, else a copy.

    Recorded as PyTorch records it: ``view`` for a contiguous input, ``_reshape_alias``
    for another input whose strides allow a view, and ``_unsafe_view`` of a copy else.
    """
    x = input._data
    new = _infer(_shape_arg(shape), x.size, x.shape)
    try:
        data = x.reshape(new, copy=False)
    except ValueError:
        return unsafe_view(input, new)  # NumPy copies
    cls = ViewBackward0 if x.flags.c_contiguous else ReshapeAliasBackward0
    return _view_result(input, data, cls, (x.shape,))


def unsafe_view(input: Tensor, shape: tuple) -> Tensor:
    """``input`` reshaped, recorded as ``_unsafe_view`` (UnsafeViewBackward0): not tracked as a view.

    For results nothing else can see (a fresh copy, a product), as PyTorch uses it.
    """
    x = input._data
    data = x.reshape(shape)
    if input._rg and grad_state.enabled:
        return record(UnsafeViewBackward0, data, (input,), (x.shape,))
    return wrap(data)


def view_as(input: Tensor, other: Tensor) -> Tensor:
    return view(input, other._data.shape)


def reshape_as(input: Tensor, other: Tensor) -> Tensor:
    return reshape(input, other._data.shape)


def flatten(input: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """Merge dims ``start_dim`` to ``end_dim`` into one."""
    shape = input._data.shape
    if not shape:
        return reshape(input, (1,))
    s = _wrap_dim(start_dim, len(shape))
    e = _wrap_dim(end_dim, len(shape))
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if s == e:
        return input
    n = 1
    for d in shape[s:e + 1]:
        n *= d
    return reshape(input, shape[:s] + (n,) + shape[e + 1:])


def t(input: Tensor) -> Tensor:
    """Transpose a tensor of at most 2 dims."""
    return _view_result(input, t_array(input._data, "t"), TBackward0, ())


def t_array(x: np.ndarray, name: str) -> np.ndarray:
    """``x.T`` for ``t`` and ``t_`` (``name``), with their error beyond 2 dims."""
    if x.ndim > 2:
        raise RuntimeError(f"{name}() expects a tensor with <= 2 dimensions, but self is {x.ndim}D")
    return x.T


def transpose(input: Tensor, dim0: int, dim1: int) -> Tensor:
    """Swap two dims (a view)."""
    data, dims = transposed_array(input._data, dim0, dim1)
    return _view_result(input, data, TransposeBackward0, dims)


def transposed_array(x: np.ndarray, dim0: int, dim1: int) -> tuple[np.ndarray, tuple[int, int]]:
    """``x`` with two dims swapped, and the dims wrapped (for ``transpose`` and ``transpose_``)."""
    d0, d1 = _wrap_dim(dim0, x.ndim), _wrap_dim(dim1, x.ndim)
    return (np.swapaxes(x, d0, d1) if x.ndim else x[...]), (d0, d1)  # a 0-d tensor's dims 0 and -1 are itself


swapaxes = swapdims = transpose


def permute(input: Tensor, *dims: Any) -> Tensor:
    """Reorder the dims (a view)."""
    x = input._data
    if not dims:
        raise TypeError('permute() missing 1 required positional arguments: "dims"')
    dims = _shape_arg(dims)
    if len(dims) != x.ndim:
        raise RuntimeError(
            f"permute(sparse_coo): number of dimensions in the tensor input does not match the length of the "
            f"desired ordering of dimensions i.e. input.dim() = {x.ndim} is not equal to len(dims) = {len(dims)}"
        )
    dims = tuple(_wrap_dim(d, x.ndim) for d in dims)
    if len(set(dims)) != len(dims):
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return _view_result(input, x.transpose(dims), PermuteBackward0, (dims,))


def _T(input: Tensor) -> Tensor:  # noqa: N802 - Tensor.T
    n = input._data.ndim
    return permute(input, tuple(range(n - 1, -1, -1)))


def _mT(input: Tensor) -> Tensor:  # noqa: N802 - Tensor.mT
    if input._data.ndim < 2:
        raise RuntimeError("tensor.mT is only supported on matrices or batches of matrices. Got 1-D tensor.")
    return transpose(input, -2, -1)


def expand(input: Tensor, *sizes: Any) -> Tensor:
    """Broadcast to a larger shape without copying (-1 keeps a dim)."""
    x = input._data
    sizes = _shape_arg(sizes)
    if len(sizes) < x.ndim:
        from ..autograd.graph import _legacy_type_name

        raise RuntimeError(
            f"expand({_legacy_type_name(x)}{{{list(x.shape)}}}, size={list(sizes)}): the number of sizes provided "
            f"({len(sizes)}) must be greater or equal to the number of dimensions in the tensor ({x.ndim})"
        )
    lead = len(sizes) - x.ndim
    target = tuple(x.shape[i - lead] if s == -1 and i >= lead else s for i, s in enumerate(sizes))
    for i, s in enumerate(x.shape):
        if s != 1 and s != target[lead + i]:
            raise RuntimeError(
                f"The expanded size of the tensor ({target[lead + i]}) must match the existing size ({s}) at "
                f"non-singleton dimension {lead + i}.  Target sizes: {list(sizes)}.  Tensor sizes: {list(x.shape)}"
            )
    for i, s in enumerate(target):
        if s < 0:
            raise RuntimeError(
                f"The expanded size of the tensor ({s}) isn't allowed in a leading, non-existing dimension {i}"
                if i < lead else f"expand: invalid size {s} at dimension {i} of {list(sizes)}"
            )
    # As in PyTorch, the result shares memory and is writable (np.broadcast_to's is
    # read-only); in-place ops refuse it only where an expanded dim repeats elements
    # (pointwise.write_into's overlap check).
    # a kept dim keeps its stride (even of size 1: PyTorch's overlap checks compare strides)
    strides = tuple(0 if i < lead or x.shape[i - lead] != s else x.strides[i - lead] for i, s in enumerate(target))
    data = np.lib.stride_tricks.as_strided(x, target, strides, writeable=x.flags.writeable)
    return _view_result(input, data, ExpandBackward0, (x.shape,))


def expand_as(input: Tensor, other: Tensor) -> Tensor:
    return expand(input, other._data.shape)


def broadcast_to(input: Tensor, shape: Sequence[int]) -> Tensor:
    return expand(input, tuple(shape))


def sum_to_size(input: Tensor, *size: Any) -> Tensor:
    """Sum broadcast dims away so the result has ``size`` (the reverse of expand)."""
    from .reduction import sum as _sum

    shape = _shape_arg(size)
    x = input._data
    if x.shape == shape:
        return input
    if not shape:  # as PyTorch's sum_to: everything summed, one SumBackward0 Node
        return _sum(input)
    lead = x.ndim - len(shape)
    if lead < 0 or any(s != 1 and s != x.shape[lead + i] for i, s in enumerate(shape)):
        raise RuntimeError(f"size {{{list(shape)}}} is not expandable to size {{{list(x.shape)}}}.")
    dims = tuple(range(lead)) + tuple(lead + i for i, s in enumerate(shape) if s == 1 and x.shape[lead + i] != 1)
    out = _sum(input, dims, keepdim=True) if dims else input
    return view(out, shape) if lead else out


def squeeze(input: Tensor, dim: Any = None) -> Tensor:
    """Remove dims of size 1 (all, one, or a tuple of them)."""
    x = input._data
    if dim is None:
        data = x.reshape(tuple(s for s in x.shape if s != 1))
        return _view_result(input, data, SqueezeBackward0, (x.shape,))
    dims = (dim,) if isinstance(dim, int) else tuple(dim)
    dims = tuple(_wrap_dim(d, x.ndim) for d in dims)
    data = x.reshape(tuple(s for i, s in enumerate(x.shape) if not (i in dims and s == 1)))
    cls = SqueezeBackward1 if isinstance(dim, int) else SqueezeBackward2
    return _view_result(input, data, cls, (x.shape, dim))


def unsqueeze(input: Tensor, dim: int) -> Tensor:
    """Insert a dim of size 1 at ``dim``."""
    x = input._data
    d = _wrap_dim(dim, x.ndim + 1)
    return _view_result(input, np.expand_dims(x, d), UnsqueezeBackward0, (d,))


# ---------------------------------------------------------------------------------------
# Indexing. Basic keys decompose into select / slice / unsqueeze views, as PyTorch
# records them; keys with tensors, lists or masks make one IndexBackward0 Node.
# ---------------------------------------------------------------------------------------
def select(input: Tensor, dim: int, index: int) -> Tensor:
    """The slice at ``index`` along ``dim`` (that dim removed)."""
    x = input._data
    if x.ndim == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    d = _wrap_dim(dim, x.ndim)
    size = x.shape[d]
    if not -size <= index < size:
        raise IndexError(f"select(): index {index} out of range for tensor of size {list(x.shape)} at dimension {d}")
    i = index + size if index < 0 else index
    data = x[(slice(None),) * d + (i, Ellipsis)]  # a 0-d view, not a copied scalar
    return _view_result(input, data, SelectBackward0, (x.shape, d, i))


def slice_dim(input: Tensor, dim: int, start: int | None, end: int | None, step: int | None,
              record_full: bool = False) -> Tensor:
    """The elements ``start:end:step`` along ``dim`` (a view).

    A full slice records nothing inside a longer key; alone (``x[:]``) PyTorch records
    it, so ``record_full`` asks for the Node anyway.
    """
    x = input._data
    s = slice(start, end, step)
    begin, stop, stride = s.indices(x.shape[dim])
    if stride <= 0:
        raise ValueError("step must be greater than zero")
    if begin == 0 and stop >= x.shape[dim] and stride == 1 and not record_full:
        return input
    data = x[(slice(None),) * dim + (slice(begin, stop, stride),)]
    return _view_result(input, data, SliceBackward0, (x.shape, dim, begin, stop, stride))


def _is_basic(item: Any) -> bool:
    return item is None or item is Ellipsis or isinstance(item, slice) or (
        isinstance(item, (int, np.integer)) and not isinstance(item, bool)
    )


_INVALID_INDEX = (
    "only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid indices (got {})"
)


def _to_index(item: Any) -> Any:
    if isinstance(item, (float, complex)):
        raise IndexError(_INVALID_INDEX.format(type(item).__name__))
    if isinstance(item, Tensor):
        data = item._data
        if data.dtype.kind not in "biu":
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
        return data
    if isinstance(item, (list, tuple)):
        arr = np.asarray([i._data if isinstance(i, Tensor) else i for i in item])
        # an empty list indexes nothing (NumPy would read [] as float64, torch as int64)
        return arr.astype(np.int64) if arr.size == 0 and arr.dtype.kind == "f" else arr
    return item


def getitem(input: Tensor, key: Any) -> Tensor:
    """``tensor[key]`` with NumPy's (and PyTorch's) indexing rules."""
    if isinstance(key, Tensor) and key._data.ndim == 0 and key._data.dtype.kind in "iu":
        key = int(key._data)  # a 0-d integer tensor indexes like an int (a select), as in torch
    if isinstance(key, slice):
        if input._data.ndim == 0:
            raise IndexError("slice() cannot be applied to a 0-dim tensor.")
        return slice_dim(input, 0, key.start, key.stop, key.step, record_full=True)
    items = key if isinstance(key, tuple) else (key,)
    if all(_is_basic(i) for i in items):
        return _basic_index(input, items)
    np_key = tuple(_to_index(i) for i in items)
    if len(np_key) == 1:
        np_key = np_key[0]
    x = input._data
    try:
        data = x[np_key]
    except IndexError as e:
        raise _index_error(e, x, np_key) from None
    if input._rg and grad_state.enabled:
        return record(IndexBackward0, np.array(data), (input,), (x.shape, np_key))
    return wrap(np.array(data))


def _index_error(e: IndexError, x: np.ndarray, key: Any) -> IndexError:
    """NumPy's indexing error in PyTorch's words."""
    msg = str(e)
    items = key if isinstance(key, tuple) else (key,)
    if msg.startswith("shape mismatch"):
        shapes = ", ".join(str(list(np.shape(i))) for i in items if isinstance(i, np.ndarray))
        return IndexError(f"shape mismatch: indexing tensors could not be broadcast together with shapes {shapes}")
    if msg.startswith("boolean index did not match"):
        dim = 0
        for i in items:
            if isinstance(i, np.ndarray) and i.dtype == np.bool_:
                for k, n in enumerate(i.shape):
                    if x.shape[dim + k] != n:
                        return IndexError(
                            f"The shape of the mask {list(i.shape)} at index {k} does not match the shape of the "
                            f"indexed tensor {list(x.shape)} at index {dim + k}"
                        )
            dim += i.ndim if isinstance(i, np.ndarray) and i.dtype == np.bool_ else (i is not None)
    return IndexError(msg.replace("axis", "dimension").replace("array", "tensor"))


def _basic_index(input: Tensor, items: tuple) -> Tensor:
    ndim = input._data.ndim
    consumed = sum(1 for i in items if i is not None and i is not Ellipsis)
    if consumed and ndim == 0 and not isinstance(items[0], slice):
        raise IndexError(
            "invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` in C++ to "
            "convert a 0-dim tensor to a number"
        )
    if consumed > ndim:
        raise IndexError(f"too many indices for tensor of dimension {ndim}")
    out = input
    dim = 0
    src_dim = 0  # the dimension of ``input`` the item indexes (PyTorch's messages name it)
    for item in items:
        if item is None:
            out = unsqueeze(out, dim)
            dim += 1
        elif item is Ellipsis:
            dim += ndim - consumed
            src_dim += ndim - consumed
        elif isinstance(item, slice):
            out = slice_dim(out, dim, item.start, item.stop, item.step)
            dim += 1
            src_dim += 1
        else:
            size = out._data.shape[dim]
            if not -size <= item < size:
                raise IndexError(f"index {item} is out of bounds for dimension {src_dim} with size {size}")
            src_dim += 1
            out = select(out, dim, int(item))
    if out is input:
        # x[...] or x[:] is a new view of the same data (AliasBackward0, as in PyTorch).
        out = _view_result(input, input._data[...], AliasBackward0, ())
    return out


def setitem(input: Tensor, key: Any, value: Any) -> None:
    """``tensor[key] = value`` in place.

    While recording, as PyTorch does it: a basic key is ``copy_`` (or ``fill_``) into the
    view ``tensor[key]`` (a CopySlices Node on the base); a key with tensors, lists or
    masks is ``index_put_`` (IndexPutBackward0).
    """
    from .pointwise import check_inplace

    if isinstance(key, Tensor) and key._data.ndim == 0 and key._data.dtype.kind in "iu":
        key = int(key._data)
    value = _number_for(input, value)
    items = key if isinstance(key, tuple) else (key,)
    if grad_state.enabled and (input._rg or (isinstance(value, Tensor) and value._rg)):
        _setitem_recorded(input, key, items, value)  # checks the view it writes into, as PyTorch does
        return
    check_inplace(input)
    v = value._data if isinstance(value, Tensor) else value
    if all(_is_basic(i) for i in items):
        # through the view, as PyTorch does (and as its getitem reads the key: NumPy
        # refuses a second ``...``, PyTorch does not)
        target = getitem(input.detach(), key)._data
        _check_setitem(input, key, items, (), value)
        try:
            target[...] = v
        except ValueError:
            raise _setitem_error(input, key, items, v) from None
    else:
        np_key = tuple(_to_index(i) for i in items)
        try:
            _check_setitem(input, key, items, np_key, value)
            input._data[np_key if len(np_key) != 1 else np_key[0]] = v
        except (IndexError, ValueError):
            raise _setitem_error(input, key, items, v) from None
    input._vc[0] += 1
    note_write(input._vc)


def _setitem_error(input: Tensor, key: Any, items: tuple, v: Any) -> Exception:
    """PyTorch's error for a failed ``tensor[key] = value`` (NumPy's words name axes, not dims)."""
    target = getitem(input.detach(), key)  # raises PyTorch's error for a bad key itself
    shape = target._data.shape
    if all(_is_basic(i) for i in items):
        try:
            expand(wrap(np.asarray(v)), shape)
        except RuntimeError as e:
            return e
    return RuntimeError(f"shape mismatch: value tensor of shape {list(np.shape(v))} cannot be broadcast to "
                        f"indexing result of shape {list(shape)}")


_C_TYPES = {"uint8": "uint8_t", "int8": "int8_t", "int16": "int16_t", "int32": "int", "int64": "int64_t"}


def _number_for(input: Tensor, value: Any) -> Any:
    """A Python number written into an integer tensor, with PyTorch's overflow check.

    An integer may wrap into an unsigned type as in C (-1 -> 255 for uint8) but must
    otherwise fit; a float must fit before it is truncated.
    """
    dt = input._data.dtype
    if dt.kind not in "iu" or isinstance(value, bool) or not isinstance(value, (int, float)):
        return value
    info = np.iinfo(dt)
    if isinstance(value, int):
        bad = value > info.max or (value < info.min and not (dt.kind == "u" and -value <= info.max))
    else:
        bad = not math.isfinite(value) or not info.min <= value <= info.max
    if bad:
        raise RuntimeError(f"value cannot be converted to type {_C_TYPES.get(dt.name, dt.name)} without overflow")
    return np.array(int(value)).astype(dt)


def _check_setitem(input: Tensor, key: Any, items: tuple, np_key: tuple, value: Any) -> None:
    """PyTorch's refusals of ``tensor[key] = value`` that NumPy would let through.

    A basic key writes through a view (copy_): it must not repeat elements (an expanded
    dim). Any other key is index_put_, which wants ``value`` in the tensor's dtype, unless
    the key is one boolean mask and the value 0-d (PyTorch's masked_fill_ path).
    """
    from .pointwise import check_overlap, legacy_name, overlap_status

    if all(_is_basic(i) for i in items):
        check_overlap(getitem(input.detach(), key)._data)
        return
    if not isinstance(value, Tensor):
        return
    if overlap_status(input._data, value._data) in ("full", "partial"):  # index_put_'s check
        raise RuntimeError("unsupported operation: some elements of the input tensor and the written-to tensor "
                           "refer to a single memory location. Please clone() the tensor before performing the "
                           "operation.")
    if value._data.dtype == input._data.dtype:
        return
    advanced = [i for i in np_key if isinstance(i, np.ndarray)]
    if len(advanced) == 1 and advanced[0].dtype == np.bool_ and value._data.ndim == 0:
        return
    raise RuntimeError(f"Index put requires the source and destination dtypes match, got "
                       f"{legacy_name(input._data.dtype)} for the destination and "
                       f"{legacy_name(value._data.dtype)} for the source.")


def _setitem_recorded(input: Tensor, key: Any, items: tuple, value: Any) -> None:
    from .pointwise import copy_, inplace
    from .views import index_put

    _check_setitem(input, key, items, tuple(_to_index(i) for i in items), value)
    if all(_is_basic(i) for i in items):
        target = getitem(input, key)
        if target is input:
            target = _view_result(input, input._data[...], AliasBackward0, ())
        if not isinstance(value, Tensor):  # a number is copied as a 0-d tensor, as in PyTorch
            value = wrap(np.asarray(value))
        copy_(target, value)
        return
    np_key = tuple(_to_index(i) for i in items)
    if len(np_key) == 1:
        np_key = np_key[0]
    try:
        input._data[np_key]
    except IndexError as e:
        raise _index_error(e, input._data, np_key) from None
    inplace(input, index_put, np_key, value)


# ---------------------------------------------------------------------------------------
# Joining and splitting (several inputs or outputs: Nodes with their own apply)
# ---------------------------------------------------------------------------------------
class CatBackward0(Node):
    """cat: each input gets its slice of the gradient along ``dim``."""

    __slots__ = ()
    _saved_names = ("dim", "sizes")

    def apply(self, grads: list) -> tuple:
        dim, sizes = self.saved_values()
        grad = grads[0]
        out, start = [], 0
        for (node, _), size in zip(self.next_functions, sizes, strict=True):
            if size is None:  # a legacy empty 1-D input, skipped by the forward
                out.append(None if node is None else wrap(np.zeros((0,), grad._data.dtype)))
                continue
            out.append(None if node is None else slice_dim(grad, dim, start, start + size, 1))
            start += size
        return tuple(out)


class StackBackward0(Node):
    """stack: each input gets its ``select`` of the gradient along ``dim``."""

    __slots__ = ()
    _saved_names = ("dim",)

    def apply(self, grads: list) -> tuple:
        (dim,) = self.saved_values()
        edges = self.next_functions
        return tuple(None if node is None else select(grads[0], dim, i) for i, (node, _) in enumerate(edges))


class UnbindBackward0(Node):
    """unbind: stack the output gradients (zeros for outputs that got none)."""

    __slots__ = ()
    _saved_names = ("self_sym_sizes", "dim")
    n_outputs = -1  # set per instance through _nout

    def apply(self, grads: list) -> tuple:
        shape, dim = self.saved_values()
        part = shape[:dim] + shape[dim + 1:]
        ref = next(g for g in grads if g is not None)
        filled = [g if g is not None else wrap(np.zeros(part, ref._data.dtype)) for g in grads]
        return (stack(filled, dim),)


def _tensors_arg(name: str, tensors: Any) -> list[Tensor]:
    if isinstance(tensors, Tensor) or not isinstance(tensors, (list, tuple)):
        raise TypeError(
            f"{name}(): argument 'tensors' (position 1) must be tuple of Tensors, not {type(tensors).__name__}"
        )
    if not tensors:
        if name == "cat":
            raise ValueError("ember.cat(): expected a non-empty list of Tensors")
        raise RuntimeError(f"{name} expects a non-empty TensorList")
    return list(tensors)


def _common(tensors: list[Tensor]) -> list[np.ndarray]:
    dt = tensors[0].dtype
    for x in tensors[1:]:
        dt = D.promote_types(dt, x.dtype)
    return [x._data.astype(dt.np, copy=False) for x in tensors]


def cat(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    """Join tensors along an existing dim."""
    ts = _tensors_arg("cat", tensors)
    arrays = _common(ts)
    for i, a in enumerate(arrays):
        if a.ndim == 0:
            raise RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be concatenated")
    d = _wrap_dim(dim, max(a.ndim for a in arrays))
    try:
        data = np.concatenate([a for a in arrays if not (a.ndim == 1 and a.size == 0)] or arrays[:1], axis=d)
    except ValueError:
        ref = arrays[0].shape
        for i, a in enumerate(arrays):
            if a.ndim != len(ref):
                raise RuntimeError(
                    f"Tensors must have same number of dimensions: got {len(ref)} and {a.ndim}"
                ) from None
            for k, (p, q) in enumerate(zip(ref, a.shape, strict=True)):
                if k != d and p != q:
                    raise RuntimeError(
                        f"Sizes of tensors must match except in dimension {d}. Expected size {p} but got size {q} "
                        f"for tensor number {i} in the list."
                    ) from None
        raise
    if any(x._rg for x in ts) and grad_state.enabled:
        node = new_node(CatBackward0, tuple(ts))
        node._saved = (d, tuple(None if a.ndim == 1 and a.size == 0 else a.shape[d] for a in arrays))
        return Tensor._make(data, node)
    return wrap(data)


concat = concatenate = cat


def stack(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    """Join tensors of one shape along a new dim."""
    ts = _tensors_arg("stack", tensors)
    arrays = _common(ts)
    d = _wrap_dim(dim, arrays[0].ndim + 1)
    for i, a in enumerate(arrays):
        if a.shape != arrays[0].shape:
            raise RuntimeError(
                f"stack expects each tensor to be equal size, but got {list(arrays[0].shape)} at entry 0 and "
                f"{list(a.shape)} at entry {i}"
            )
    data = np.stack(arrays, axis=d)
    if any(x._rg for x in ts) and grad_state.enabled:
        node = new_node(StackBackward0, tuple(ts))
        node._saved = (d,)
        return Tensor._make(data, node)
    return wrap(data)


def unbind(input: Tensor, dim: int = 0) -> tuple[Tensor, ...]:
    """Split into the slices along ``dim`` (that dim removed)."""
    x = input._data
    if x.ndim == 0:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    d = _wrap_dim(dim, x.ndim)
    parts = tuple(x[(slice(None),) * d + (i, Ellipsis)] for i in range(x.shape[d]))  # views, never scalars
    if input._rg and grad_state.enabled:
        cls = _unbind_class(len(parts))
        outs = record_multi(cls, parts, (input,), (x.shape, d))
    else:
        outs = tuple(wrap(p) for p in parts)
    return tuple(_as_view(o, input) for o in outs)


_unbind_classes: dict[int, type[Node]] = {}


def _unbind_class(n: int) -> type[Node]:
    cls = _unbind_classes.get(n)
    if cls is None:
        cls = _unbind_classes[n] = type("UnbindBackward0", (UnbindBackward0,), {"__slots__": (), "n_outputs": n})
    return cls


def nonzero(input: Tensor, *, as_tuple: bool = False) -> Any:
    """Indices of the nonzero elements (int64), as an (n, ndim) tensor or a tuple of 1-D ones."""
    x = input._data
    if x.ndim == 0:  # as torch: one element and no dims, so (n, 0) indices, or one 1-D tensor as a tuple
        n = int(bool(x))
        return (wrap(np.zeros(n, np.int64)),) if as_tuple else wrap(np.zeros((n, 0), np.int64))
    idx = np.nonzero(x)
    if as_tuple:
        return tuple(wrap(i.astype(np.int64)) for i in idx)
    return wrap(np.stack(idx, axis=1).astype(np.int64) if idx else np.zeros((0, 0), np.int64))


# ---------------------------------------------------------------------------------------
# Copies and conversions
# ---------------------------------------------------------------------------------------
def clone(input: Tensor, *, memory_format: Any = None) -> Tensor:
    """A copy with its own memory, differentiable."""
    data = input._data.copy()
    if input._rg and grad_state.enabled:
        return record(CloneBackward0, data, (input,))
    return wrap(data)


def contiguous(input: Tensor, memory_format: Any = None) -> Tensor:
    """Self if already C-contiguous, else a contiguous copy (CloneBackward0)."""
    if input._data.flags.c_contiguous:
        return input
    return clone(input)


def to(input: Tensor, *args: Any, **kwargs: Any) -> Tensor:
    """Convert dtype (and check device): ``to(dtype)``, ``to(device)``, ``to(other)``, ``to(device, dtype)``."""
    from .._device import check

    dtype = kwargs.pop("dtype", None)
    copy = kwargs.pop("copy", False)
    kwargs.pop("non_blocking", None)
    kwargs.pop("memory_format", None)
    check(kwargs.pop("device", None))
    if kwargs:
        raise TypeError(f"to() got an unexpected keyword argument '{next(iter(kwargs))}'")
    for a in args:
        if isinstance(a, D.dtype):
            dtype = a
        elif isinstance(a, Tensor):
            dtype = a.dtype
        elif isinstance(a, bool):
            continue
        else:
            check(a)
    if dtype is None or dtype.np == input._data.dtype:
        return clone(input) if copy else input
    return _to_dtype(input, dtype)


def _to_dtype(input: Tensor, dtype: D.dtype) -> Tensor:
    with np.errstate(invalid="ignore", over="ignore"):
        data = input._data.astype(dtype.np)
    if input._rg and grad_state.enabled and data.dtype.kind in "fc":
        return record(ToCopyBackward0, data, (input,), (input.dtype,))
    return wrap(data)


def _matrix_only(input: Tensor, name: str) -> Tensor:
    if input._data.ndim not in (0, 2):
        raise RuntimeError(
            f"tensor.{name} is only supported on matrices (2-D tensors). Got {input._data.ndim}-D tensor."
        )
    return input


def _conj_view(t: Tensor) -> Tensor:
    """The conjugate for complex tensors (a copy in ember), the tensor itself for real ones."""
    if t._data.dtype.kind != "c":
        return t
    raise NotImplementedError("ember: the conjugate transpose of complex tensors (H, mH) is not supported yet")


def _converter(dtype: D.dtype) -> Callable[..., Tensor]:
    def method(self: Tensor, memory_format: Any = None) -> Tensor:
        return to(self, dtype)

    method.__name__ = dtype.name
    return method


def type_(input: Tensor, dtype: Any = None, non_blocking: bool = False) -> Any:
    """``t.type()`` names the legacy type; ``t.type(dtype)`` converts."""
    from ..autograd.graph import _legacy_type_name

    if dtype is None:
        return _legacy_type_name(input._data)
    if isinstance(dtype, str):
        for name, cls_dtype in _LEGACY_TYPES.items():
            if dtype in (name, "ember." + name, "torch." + name):
                return to(input, cls_dtype)
        raise ValueError(f"invalid type: '{dtype}'")
    legacy = getattr(dtype, "dtype", None) if isinstance(dtype, type) else None
    if isinstance(legacy, D.dtype):
        return to(input, legacy)  # a legacy class: ember.DoubleTensor
    return to(input, dtype)


_LEGACY_TYPES = {
    "FloatTensor": D.float32, "DoubleTensor": D.float64, "HalfTensor": D.float16, "LongTensor": D.int64,
    "IntTensor": D.int32, "ShortTensor": D.int16, "CharTensor": D.int8, "ByteTensor": D.uint8,
    "BoolTensor": D.bool,
}


TENSOR_METHODS: dict[str, Any] = {  # functions, and properties (T, mT, H, mH)
    "view": view, "reshape": reshape, "view_as": view_as, "reshape_as": reshape_as, "flatten": flatten,
    "t": t, "transpose": transpose, "swapaxes": transpose, "swapdims": transpose, "permute": permute,
    "expand": expand, "expand_as": expand_as, "broadcast_to": broadcast_to, "sum_to_size": sum_to_size,
    "squeeze": squeeze, "unsqueeze": unsqueeze, "select": select, "unbind": unbind, "nonzero": nonzero,
    "clone": clone, "contiguous": contiguous, "to": to, "type": type_,
    "__getitem__": getitem, "__setitem__": setitem,
    "T": property(_T), "mT": property(_mT),
    "float": _converter(D.float32), "double": _converter(D.float64), "half": _converter(D.float16),
    "cfloat": _converter(D.complex64), "cdouble": _converter(D.complex128),
    "H": property(lambda self: _conj_view(_T(self) if self._data.ndim == 2 else _matrix_only(self, "H"))),
    "mH": property(lambda self: _conj_view(_mT(self))),
    "long": _converter(D.int64), "int": _converter(D.int32), "short": _converter(D.int16),
    "char": _converter(D.int8), "byte": _converter(D.uint8), "bool": _converter(D.bool),
}
