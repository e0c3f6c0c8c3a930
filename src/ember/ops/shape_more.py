"""More shape ops: movedim, unflatten, repeat, tile, the stacks, split/chunk, narrow, flips,
roll, rot90, diagonals, tril/triu, atleast_nd and meshgrid.

Views where PyTorch returns views (movedim, unflatten, narrow, diagonal, the pieces of
split and chunk, meshgrid's outputs): they share the array and the version counter of
their base (``shape._as_view``). flip, roll, rot90, repeat, tril/triu copy, as in PyTorch.

>>> import ember
>>> x = ember.arange(6.).reshape(2, 3)
>>> ember.ops.shape_more.flip(x, (1,))
tensor([[2., 1., 0.],
        [5., 4., 3.]])
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .._tensor import Tensor, _wrap_dim
from ..autograd.graph import Node
from ._op import derivative, grad_state, record, record_multi, wrap
from .shape import (
    AliasBackward0,
    _as_view,
    _shape_arg,
    _tensors_arg,
    _view_result,
    cat,
    clone,
    expand,
    permute,
    reshape,
    slice_dim,
    unsqueeze,
    view,
)


# ---------------------------------------------------------------------------------------
# Derivatives (PyTorch's derivatives.yaml names the saved values).
# ---------------------------------------------------------------------------------------
def _renamed(cls: type[Node], name: str) -> type[Node]:
    """``cls`` under another Node name (PyTorch records ``diag`` of a matrix as DiagonalBackward0_copy)."""
    return type(name, (cls,), {"__slots__": (), "__qualname__": name, "__module__": cls.__module__})


RepeatBackward0 = derivative("repeat", ("self_sym_sizes", "repeats"),
                             lambda grad, shape, repeats: _repeat_backward(grad, shape, repeats))
FlipBackward0 = derivative("flip", ("dims",), lambda grad, dims: flip(grad, dims))
RollBackward0 = derivative("roll", ("shifts", "dims"),
                           lambda grad, shifts, dims: _roll(grad, tuple(-s for s in shifts), dims))
Rot90Backward0 = derivative("rot90", ("k", "dims"), lambda grad, k, dims: rot90(grad, -k, dims))
DiagonalBackward0 = derivative("diagonal", ("self_sym_sizes", "offset", "dim1", "dim2"),
                               lambda grad, shape, offset, d1, d2: diagonal_backward(grad, shape, offset, d1, d2))
DiagonalCopyBackward = _renamed(DiagonalBackward0, "DiagonalBackward0_copy")
DiagEmbedBackward0 = derivative("diag_embed", ("offset", "dim1", "dim2"),
                                lambda grad, offset, d1, d2: diagonal(grad, offset, d1, d2))
TrilBackward0 = derivative("tril", ("diagonal",), lambda grad, k: tril(grad, k))
TriuBackward0 = derivative("triu", ("diagonal",), lambda grad, k: triu(grad, k))
# The kernel behind diagonal's derivative, with its own row: linear in grad.
DiagonalBackwardBackward0 = derivative("diagonal_backward", ("offset", "dim1", "dim2"),
                                       lambda grad, offset, d1, d2: diagonal(grad, offset, d1, d2))


def _repeat_backward(grad: Tensor, shape: tuple, repeats: tuple) -> Tensor:
    """Sum the tiles: view grad as (r0, s0, r1, s1, ...) and sum over the r axes."""
    from .reduction import sum as _sum

    padded = (1,) * (len(repeats) - len(shape)) + tuple(shape)
    if not repeats:
        return grad
    g = reshape(grad, tuple(v for r, s in zip(repeats, padded, strict=True) for v in (r, s)))
    g = _sum(g, tuple(range(0, 2 * len(repeats), 2)))
    return reshape(g, shape)


class _SplitNode(Node):
    """split / split_with_sizes: the output gradients joined along ``dim`` (zeros for the missing)."""

    __slots__ = ()
    _saved_names = ("self_sym_sizes", "dim", "split_sizes")

    def apply(self, grads: list) -> tuple:
        shape, dim, sizes = self.saved_values()
        ref = next(g for g in grads if g is not None)
        parts = [g if g is not None else wrap(np.zeros(shape[:dim] + (s,) + shape[dim + 1:], ref._data.dtype))
                 for g, s in zip(grads, sizes, strict=True)]
        return (cat(parts, dim),)


_split_classes: dict[tuple[str, int], type[Node]] = {}


def _split_class(name: str, n: int) -> type[Node]:
    cls = _split_classes.get((name, n))
    if cls is None:
        cls = _split_classes[name, n] = type(name, (_SplitNode,), {"__slots__": (), "n_outputs": n,
                                                                   "__qualname__": name})
    return cls


# ---------------------------------------------------------------------------------------
# Views
# ---------------------------------------------------------------------------------------
def _dims(value: Any) -> tuple[int, ...]:
    return (int(value),) if isinstance(value, (int, np.integer)) else tuple(int(v) for v in value)


def movedim(input: Tensor, source: Any, destination: Any) -> Tensor:
    """Move dims ``source`` to positions ``destination`` (a view, recorded as permute)."""
    n = input._data.ndim
    src, dst = _dims(source), _dims(destination)
    if len(src) != len(dst):
        raise RuntimeError(
            f"movedim: Invalid source or destination dims: source ({list(src)} dims) should contain the same "
            f"number of dims as destination ({list(dst)} dims)"
        )
    ws = [_wrap_dim(d, n) for d in src]
    wd = [_wrap_dim(d, n) for d in dst]
    if len(set(ws)) != len(ws):
        raise RuntimeError(f"movedim: repeated dim in `source` ({list(src)})")
    if len(set(wd)) != len(wd):
        raise RuntimeError(f"movedim: repeated dim in `destination` ({list(dst)})")
    if n == 0:  # as PyTorch: a 0-d tensor moves nowhere, recorded as an alias
        return _view_result(input, input._data[...], AliasBackward0, ())
    order = [-1] * n
    for s, d in zip(ws, wd, strict=True):
        order[d] = s
    rest = iter(i for i in range(n) if i not in ws)
    return permute(input, tuple(o if o >= 0 else next(rest) for o in order))


moveaxis = movedim


def unflatten(input: Tensor, dim: int, sizes: Sequence[int]) -> Tensor:
    """Split dim ``dim`` into ``sizes`` (one of them may be -1): a view."""
    x = input._data
    d = _wrap_dim(dim, x.ndim)
    sizes = tuple(int(s) for s in sizes)
    if not sizes:
        raise RuntimeError("unflatten: sizes must be non-empty")
    if sizes.count(-1) > 1:
        raise RuntimeError("only one dimension can be inferred")
    known = math.prod(s for s in sizes if s != -1)
    n = x.shape[d] if x.ndim else 1
    if -1 in sizes:
        if known == 0 or n % known:
            raise RuntimeError(f"shape '{list(sizes)}' is invalid for input of size {n}")
        sizes = tuple(n // known if s == -1 else s for s in sizes)
    elif known != n:
        raise RuntimeError(
            f"unflatten: Provided sizes {list(sizes)} don't multiply up to the size of dim {dim} ({n}) in the "
            "input tensor"
        )
    return view(input, x.shape[:d] + sizes + x.shape[d + 1:])


def narrow(input: Tensor, dim: int, start: Any, length: int) -> Tensor:
    """The ``length`` elements from ``start`` along ``dim`` (a view, recorded as a slice)."""
    x = input._data
    if x.ndim == 0:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    if isinstance(start, Tensor):
        if start._data.ndim or start._data.dtype.kind not in "iu":
            raise RuntimeError("start must be an 0-dim integral Tensor.")
        start = int(start._data)
    if length < 0:
        raise RuntimeError("narrow(): length must be non-negative.")
    d = _wrap_dim(dim, x.ndim)
    size = x.shape[d]
    if not -size <= start <= size:
        raise IndexError(f"start out of range (expected to be in range of [{-size}, {size}], but got {start})")
    if start < 0:
        start += size
    if start + length > size:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({size}).")
    return slice_dim(input, d, start, start + length, 1, record_full=True)


def _diagonal_view(x: np.ndarray, offset: int, d1: int, d2: int) -> np.ndarray:
    """The diagonal of dims d1, d2 as a last dim: a writable view when ``x`` is writable."""
    dim, shift = (d2, offset) if offset >= 0 else (d1, -offset)
    xs = x[(slice(None),) * dim + (slice(min(shift, x.shape[dim]), None),)]
    n = min(xs.shape[d1], xs.shape[d2])
    other = [i for i in range(x.ndim) if i not in (d1, d2)]
    shape = tuple(xs.shape[i] for i in other) + (n,)
    strides = tuple(xs.strides[i] for i in other) + (xs.strides[d1] + xs.strides[d2],)
    return np.lib.stride_tricks.as_strided(xs, shape, strides, writeable=xs.flags.writeable)


def _diagonal_dims(ndim: int, dim1: int, dim2: int) -> tuple[int, int]:
    d1, d2 = _wrap_dim(dim1, ndim), _wrap_dim(dim2, ndim)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return d1, d2


def diagonal(input: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    """The diagonal ``offset`` of dims ``dim1``, ``dim2``, appended as the last dim (a view)."""
    x = input._data
    d1, d2 = _diagonal_dims(x.ndim, dim1, dim2)
    data = _diagonal_view(x, offset, d1, d2)
    return _view_result(input, data, DiagonalBackward0, (x.shape, offset, d1, d2))


def diagonal_backward(grad: Tensor, shape: tuple, offset: int, dim1: int, dim2: int) -> Tensor:
    """zeros(shape) with ``grad`` written on the diagonal (the derivative of diagonal)."""
    z = np.zeros(shape, grad._data.dtype)
    _diagonal_view(z, offset, dim1, dim2)[...] = grad._data
    if grad._rg and grad_state.enabled:
        return record(DiagonalBackwardBackward0, z, (grad,), (offset, dim1, dim2))
    return wrap(z)


def split(tensor: Tensor, split_size_or_sections: Any, dim: int = 0) -> tuple[Tensor, ...]:
    """Views of consecutive pieces along ``dim``: of ``split_size`` each (the last may be
    smaller), or of the given sizes."""
    x = tensor._data
    if x.ndim == 0:
        raise RuntimeError("split expects at least a 1-dimensional tensor")
    d = _wrap_dim(dim, x.ndim)
    n = x.shape[d]
    if isinstance(split_size_or_sections, (int, np.integer)):
        s = int(split_size_or_sections)
        if s < 0:
            raise RuntimeError(f"split expects split_size be non-negative, but got split_size={s}")
        if s == 0 and n != 0:
            raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got dimension size of {n}")
        sizes = [s] * (n // s) + [n % s] * bool(n % s) if s else []
        name = "SplitBackward0"
    else:
        sizes = [int(v) for v in split_size_or_sections]
        if any(v < 0 for v in sizes):
            raise RuntimeError(
                f"split_with_sizes expects split_sizes have only non-negative entries, but got split_sizes={sizes}"
            )
        if sum(sizes) != n:
            raise RuntimeError(
                f"split_with_sizes expects split_sizes to sum exactly to {n} (input tensor's size at dimension "
                f"{d}), but got split_sizes={sizes}"
            )
        name = "SplitWithSizesBackward0"
    return _split(tensor, d, sizes or [0], name)


def _split(tensor: Tensor, d: int, sizes: list[int], name: str) -> tuple[Tensor, ...]:
    x = tensor._data
    starts = np.cumsum([0] + sizes[:-1])
    parts = tuple(x[(slice(None),) * d + (slice(int(a), int(a) + s),)] for a, s in zip(starts, sizes, strict=True))
    if tensor._rg and grad_state.enabled:
        outs = record_multi(_split_class(name, len(parts)), parts, (tensor,), (x.shape, d, tuple(sizes)))
    else:
        outs = tuple(wrap(p) for p in parts)
    return tuple(_as_view(o, tensor) for o in outs)


def chunk(input: Tensor, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:
    """At most ``chunks`` views of equal size along ``dim`` (the last may be smaller)."""
    x = input._data
    if x.ndim == 0:
        raise RuntimeError("chunk expects at least a 1-dimensional tensor")
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    d = _wrap_dim(dim, x.ndim)
    n = x.shape[d]
    if n == 0:  # as PyTorch: `chunks` empty pieces
        return _split(input, d, [0] * chunks, "SplitWithSizesBackward0")
    return split(input, -(-n // chunks), d)


def meshgrid(*tensors: Any, indexing: str | None = None) -> tuple[Tensor, ...]:
    """Coordinate grids from 0-d or 1-d tensors ('ij': matrix indexing, 'xy': Cartesian)."""
    ts = list(tensors[0]) if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)) else list(tensors)
    if not ts:
        raise RuntimeError("meshgrid expects a non-empty TensorList")
    if indexing is None:
        warnings.warn("ember.meshgrid: in an upcoming release, it will be required to pass the indexing argument.",
                      UserWarning, stacklevel=2)
        indexing = "ij"
    elif indexing not in ("ij", "xy"):
        raise RuntimeError(f'ember.meshgrid: indexing must be one of "xy" or "ij", but received: {indexing}')
    for t in ts:
        if t._data.ndim > 1:
            raise RuntimeError(f"ember.meshgrid: Expected 0D or 1D tensor in the tensor list but got: {t}")
        if t.dtype != ts[0].dtype:
            raise RuntimeError("meshgrid expects all tensors to have the same dtype")
    n = len(ts)
    pos = list(range(n))
    if indexing == "xy" and n >= 2:
        pos[0], pos[1] = 1, 0
    full = [0] * n
    for t, p in zip(ts, pos, strict=True):
        full[p] = t._data.size
    out = []
    for t, p in zip(ts, pos, strict=True):
        shape = [1] * n
        shape[p] = -1
        out.append(expand(view(t, tuple(shape)), tuple(full)))
    return tuple(out)


# ---------------------------------------------------------------------------------------
# Copies
# ---------------------------------------------------------------------------------------
def repeat(input: Tensor, *sizes: Any) -> Tensor:
    """Tile the tensor ``sizes[i]`` times along each dim (new leading dims for extra sizes)."""
    x = input._data
    reps = _shape_arg(sizes)
    if len(reps) < x.ndim:
        raise RuntimeError(
            "Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor"
        )
    padded = (1,) * (len(reps) - x.ndim) + x.shape
    target = [r * s for r, s in zip(reps, padded, strict=True)]
    for r, s in zip(reps, padded, strict=True):
        if r < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {r * s}: {target}")
    data = np.tile(x.reshape(padded), reps) if reps else x.copy()
    if input._rg and grad_state.enabled:
        return record(RepeatBackward0, data, (input,), (x.shape, reps))
    return wrap(data)


def tile(input: Tensor, *args: Any, dims: Any = None) -> Tensor:
    """``repeat`` with ones prepended to ``dims`` when it has fewer entries than the tensor has dims."""
    reps = _shape_arg(args if dims is None else (dims,))
    return repeat(input, (1,) * (input._data.ndim - len(reps)) + reps)


def repeat_interleave(input: Tensor, repeats: Any = None, dim: int | None = None, *,
                      output_size: int | None = None) -> Tensor:
    """Repeat each element (or each slice along ``dim``) ``repeats`` times.

    With an int, recorded as PyTorch does (unsqueeze, expand, clone, view); with a tensor
    of repeats, as an index_select. ``repeat_interleave(repeats)`` alone gives the indices.
    """
    from .indexing import index_select

    if repeats is None:  # torch.repeat_interleave(repeats): arange(n) repeated
        reps = _repeats_array(input)
        return wrap(np.repeat(np.arange(reps.size, dtype=reps.dtype), reps))
    x = input
    if dim is None:
        x = reshape(input, (-1,)) if input._data.ndim != 1 else input
        dim = 0
    d = _wrap_dim(dim, x._data.ndim)
    size = x._data.shape[d] if x._data.ndim else 1
    if isinstance(repeats, Tensor):
        reps = _repeats_array(repeats)
        if reps.size != 1 and reps.size != size:
            raise RuntimeError(
                f"repeats must have the same size as input along dim, but got repeats.size(0) = {reps.size} and "
                f"input.size({dim}) = {size}"
            )
        reps = np.broadcast_to(reps.reshape(-1), (size,))
        return index_select(x, d, wrap(np.repeat(np.arange(size), reps)))
    if repeats < 0:
        raise RuntimeError("Repeats must be non-negative")
    shape = x._data.shape
    if not shape:
        return reshape(clone(expand(unsqueeze(x, 0), (repeats,))), (repeats,))
    y = expand(unsqueeze(x, d + 1), shape[:d + 1] + (repeats,) + shape[d + 1:])
    return view(clone(y), shape[:d] + (shape[d] * repeats,) + shape[d + 1:])


def _repeats_array(repeats: Tensor) -> np.ndarray:
    r = repeats._data
    if r.ndim > 1:
        raise RuntimeError("repeats must be 0-dim or 1-dim tensor")
    if r.dtype.kind not in "iu":
        raise NotImplementedError(f"\"repeat_interleave_cpu\" not implemented for '{repeats.dtype.name.title()}'")
    if (r < 0).any():
        raise RuntimeError("repeats can not be negative")
    return r.reshape(-1)


def flip(input: Tensor, *args: Any, dims: Any = None) -> Tensor:
    """Reverse the order of elements along ``dims`` (a copy, as in PyTorch)."""
    x = input._data
    if dims is not None:
        args = (dims,)
    ds = _dims(args[0]) if len(args) == 1 and not isinstance(args[0], (int, np.integer)) else _dims(args)
    wrapped = [_wrap_dim(d, x.ndim) for d in ds]
    for i, d in enumerate(wrapped):
        if d in wrapped[:i]:
            raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
    data = np.flip(x, tuple(wrapped)).copy() if x.ndim else x.copy()
    if input._rg and grad_state.enabled:
        return record(FlipBackward0, data, (input,), (tuple(wrapped),))
    return wrap(data)


def fliplr(input: Tensor) -> Tensor:
    """Flip dim 1 (left to right)."""
    if input._data.ndim < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return flip(input, (1,))


def flipud(input: Tensor) -> Tensor:
    """Flip dim 0 (up to down)."""
    if input._data.ndim < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return flip(input, (0,))


def roll(input: Tensor, shifts: Any, dims: Any = None) -> Tensor:
    """Shift elements cyclically along ``dims`` (of the flattened tensor when ``dims`` is None)."""
    sh = _dims(shifts)
    ds = () if dims is None else _dims(dims)
    if len(sh) != len(ds) and not (not ds and len(sh) == 1):
        raise RuntimeError(f"shifts and dimensions must align. shifts: {len(sh)}, dims:{len(ds)}")
    return _roll(input, sh, tuple(_wrap_dim(d, input._data.ndim) for d in ds))


def _roll(input: Tensor, shifts: tuple, dims: tuple) -> Tensor:
    x = input._data
    data = np.roll(x, shifts, dims) if dims else np.roll(x.reshape(-1), shifts[0]).reshape(x.shape)
    if input._rg and grad_state.enabled:
        return record(RollBackward0, data, (input,), (shifts, dims))
    return wrap(data)


def rot90(input: Tensor, k: int = 1, dims: Sequence[int] = (0, 1)) -> Tensor:
    """Rotate by 90 degrees ``k`` times in the plane of ``dims`` (from the first towards the second)."""
    x = input._data
    dims = tuple(dims)
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    if x.ndim < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {x.ndim}")
    d0, d1 = _wrap_dim(dims[0], x.ndim), _wrap_dim(dims[1], x.ndim)
    if d0 == d1:
        raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {dims[0]} and dim1 = {dims[1]}")
    data = np.rot90(x, k, (d0, d1)).copy()
    if input._rg and grad_state.enabled:
        return record(Rot90Backward0, data, (input,), (k, (d0, d1)))
    return wrap(data)


def diag(input: Tensor, diagonal: int = 0) -> Tensor:
    """A 1-D tensor made a diagonal matrix, or the diagonal of a matrix (a copy)."""
    x = input._data
    if x.ndim == 1:
        data = np.diag(x, diagonal)
        if input._rg and grad_state.enabled:
            return record(DiagEmbedBackward0, data, (input,), (diagonal, 0, 1))
        return wrap(data)
    if x.ndim != 2:
        raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {x.ndim}D")
    data = _diagonal_view(x, diagonal, 0, 1).copy()
    if input._rg and grad_state.enabled:
        return record(DiagonalCopyBackward, data, (input,), (x.shape, diagonal, 0, 1))
    return wrap(data)


def diag_embed(input: Tensor, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
    """Tensors whose diagonals (dims ``dim1``, ``dim2``) are filled by the last dim of ``input``."""
    x = input._data
    d1, d2 = _diagonal_dims(x.ndim + 1, dim1, dim2)
    n = (x.shape[-1] if x.ndim else 1) + abs(offset)
    rest = iter(x.shape[:-1])
    shape = tuple(n if i in (d1, d2) else next(rest) for i in range(x.ndim + 1))
    data = np.zeros(shape, x.dtype)
    _diagonal_view(data, offset, d1, d2)[...] = x
    if input._rg and grad_state.enabled:
        return record(DiagEmbedBackward0, data, (input,), (offset, d1, d2))
    return wrap(data)


def _triangle(name: str, fn: Any, cls: type[Node]) -> Any:
    def op(input: Tensor, diagonal: int = 0) -> Tensor:
        x = input._data
        if x.ndim < 2:
            raise RuntimeError(f"{name}: input tensor must have at least 2 dimensions")
        data = fn(x, diagonal)
        if input._rg and grad_state.enabled:
            return record(cls, data, (input,), (diagonal,))
        return wrap(data)

    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"The {'lower' if name == 'tril' else 'upper'} triangle of the last two dims (others zeroed)."
    return op


tril: Callable[..., Tensor] = _triangle("tril", np.tril, TrilBackward0)
triu: Callable[..., Tensor] = _triangle("triu", np.triu, TriuBackward0)


# ---------------------------------------------------------------------------------------
# atleast_nd and the stacks (compositions, recorded as PyTorch records them)
# ---------------------------------------------------------------------------------------
def _at1(x: Tensor) -> Tensor:
    return reshape(x, (1,)) if x._data.ndim == 0 else x


def _at2(x: Tensor) -> Tensor:
    n = x._data.ndim
    return reshape(x, (1, 1)) if n == 0 else unsqueeze(x, 0) if n == 1 else x


def _at3(x: Tensor) -> Tensor:
    n = x._data.ndim
    if n == 0:
        return reshape(x, (1, 1, 1))
    if n == 1:
        return unsqueeze(unsqueeze(x, 0), -1)
    return unsqueeze(x, -1) if n == 2 else x


def _atleast(fn: Any, tensors: tuple) -> Any:
    if len(tensors) == 1 and isinstance(tensors[0], Tensor):
        return fn(tensors[0])
    ts = tensors[0] if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)) else tensors
    return tuple(fn(t) for t in ts)


def atleast_1d(*tensors: Any) -> Any:
    """The tensor (or a tuple of them) with at least 1 dim."""
    return _atleast(_at1, tensors)


def atleast_2d(*tensors: Any) -> Any:
    """The tensor (or a tuple of them) with at least 2 dims."""
    return _atleast(_at2, tensors)


def atleast_3d(*tensors: Any) -> Any:
    """The tensor (or a tuple of them) with at least 3 dims."""
    return _atleast(_at3, tensors)


def hstack(tensors: Sequence[Tensor]) -> Tensor:
    """Join along dim 1 (dim 0 for 1-D tensors)."""
    ts = [_at1(t) for t in _tensors_arg("hstack", tensors)]
    return cat(ts, 0 if ts[0]._data.ndim == 1 else 1)


def vstack(tensors: Sequence[Tensor]) -> Tensor:
    """Join along dim 0, 1-D tensors taken as rows."""
    return cat([_at2(t) for t in _tensors_arg("vstack", tensors)], 0)


row_stack = vstack


def dstack(tensors: Sequence[Tensor]) -> Tensor:
    """Join along dim 2, after atleast_3d."""
    return cat([_at3(t) for t in _tensors_arg("dstack", tensors)], 2)


def column_stack(tensors: Sequence[Tensor]) -> Tensor:
    """Join along dim 1, 0-D and 1-D tensors taken as columns."""
    ts = _tensors_arg("column_stack", tensors)
    return cat([reshape(t, (t._data.size, 1)) if t._data.ndim <= 1 else t for t in ts], 1)


def _inplace_triangle(fn: Any) -> Any:
    def method(self: Tensor, diagonal: int = 0) -> Tensor:
        from .pointwise import inplace

        return inplace(self, fn, diagonal)

    method.__name__ = method.__qualname__ = fn.__name__ + "_"
    return method


TENSOR_METHODS: dict[str, Any] = {
    "movedim": movedim, "moveaxis": movedim, "unflatten": unflatten, "narrow": narrow, "diagonal": diagonal,
    "split": split, "chunk": chunk, "repeat": repeat, "tile": tile, "repeat_interleave": repeat_interleave,
    "flip": flip, "fliplr": fliplr, "flipud": flipud, "roll": roll, "rot90": rot90, "diag": diag,
    "diag_embed": diag_embed, "tril": tril, "triu": triu,
    "tril_": _inplace_triangle(tril), "triu_": _inplace_triangle(triu),
}

# The ops of shape_extra.py (in-place view ops, unfold, diff, ...) are Tensor methods too:
# their table joins this one, which ops/__init__.py binds.
from .shape_extra import TENSOR_METHODS as _EXTRA_METHODS  # noqa: E402 - needs the functions above

TENSOR_METHODS.update(_EXTRA_METHODS)
