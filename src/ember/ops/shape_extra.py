"""Shape ops added after a differential fuzzer run against PyTorch: the in-place view ops
(``t_``, ``transpose_``/``swapaxes_``/``swapdims_``, ``squeeze_``, ``unsqueeze_``), ``unfold``
(a view), ``type_as``, ``broadcast_tensors``/``broadcast_shapes``, ``cartesian_prod``,
``block_diag``, ``diff`` and ``vander``.

The in-place view ops change the tensor's shape (and strides) without touching its memory,
as PyTorch does: the array is replaced by a view of the same memory, the version counter
is bumped (saved tensors then refuse to be used), and while recording the tensor's history
is rebased onto a new Node (``TBackward1``, ``SqueezeBackward3/4/5``, ``UnsqueezeBackward1``,
``TransposeBackward1``) whose edge is its old history. A view stays a view of its base.

``cartesian_prod``, ``diff`` and ``vander`` are compositions recorded as PyTorch records them
(its ATen code runs the same ops), so their Nodes are PyTorch's.

This module's ``TENSOR_METHODS`` joins ``shape_more.TENSOR_METHODS``.

>>> import ember
>>> x = ember.arange(5.)
>>> x.unfold(0, 2, 2)
tensor([[0., 1.],
        [2., 3.]])
>>> ember.broadcast_shapes((3, 1), (4,))
ember.Size([3, 4])
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from typing import Any

import numpy as np

from .. import _dtype as D  # noqa: N812 - D reads as a namespace of dtypes
from .._tensor import Size, Tensor, _wrap_dim
from ..autograd.graph import Node, note_write
from ._op import derivative, grad_state, new_node, record, save, wrap
from .shape import (
    SqueezeBackward4,
    _view_result,
    expand,
    flatten,
    reshape,
    select,
    slice_dim,
    squeeze,
    stack,
    t,
    t_array,
    to,
    transpose,
    transposed_array,
    unsqueeze,
)
from .shape_more import meshgrid, narrow

__all__ = [
    "t_", "transpose_", "squeeze_", "unsqueeze_", "unfold", "unfold_backward", "type_as", "broadcast_tensors",
    "broadcast_shapes", "cartesian_prod", "block_diag", "diff", "vander",
]

# ---------------------------------------------------------------------------------------
# Derivatives (PyTorch's overload numbers: the in-place forms are the later overloads)
# ---------------------------------------------------------------------------------------
TBackward1 = derivative("t", (), lambda grad: t(grad), overload=1)
TransposeBackward1 = derivative("transpose", ("dim0", "dim1"), lambda grad, d0, d1: transpose(grad, d0, d1),
                                overload=1)
SqueezeBackward3 = derivative("squeeze", ("self_sym_sizes",), lambda grad, shape: reshape(grad, shape), overload=3)
SqueezeBackward5 = derivative("squeeze", ("self_sym_sizes", "dim"), lambda grad, shape, dim: reshape(grad, shape),
                              overload=5)
UnsqueezeBackward1 = derivative("unsqueeze", ("dim",), lambda grad, dim: squeeze(grad, dim), overload=1)
UnfoldBackward0 = derivative("unfold", ("self_sym_sizes", "dimension", "size", "step"),
                             lambda grad, shape, d, size, step: unfold_backward(grad, shape, d, size, step))
# The kernel behind unfold's derivative, with its own row: linear in grad.
UnfoldBackwardBackward0 = derivative("unfold_backward", ("dim", "size", "step"),
                                     lambda grad, d, size, step: unfold(grad, d, size, step))


# ---------------------------------------------------------------------------------------
# In-place view ops
# ---------------------------------------------------------------------------------------
def _inplace_view(self: Tensor, data: np.ndarray, cls: type[Node], saved: tuple) -> Tensor:
    """Give ``self`` the array ``data`` (a view of its memory) and, when recording, the Node ``cls``."""
    from .pointwise import check_inplace

    check_inplace(self)  # PyTorch's errors: a leaf that requires grad, a view of one, no_grad views...
    if grad_state.enabled and self._rg:
        node = new_node(cls, (self,))  # its edge: self's history before the op
        if saved:
            save(node, saved, (self,))
        self._grad_fn = node
        self._out_nr = 0
    self._data = data
    self._vc[0] += 1  # as PyTorch: saved versions of self are now stale
    note_write(self._vc)
    return self


def t_(self: Tensor) -> Tensor:
    """Transpose a tensor of at most 2 dims in place (its memory is untouched)."""
    return _inplace_view(self, t_array(self._data, "t_"), TBackward1, ())


def transpose_(self: Tensor, dim0: int, dim1: int) -> Tensor:
    """Swap two dims in place."""
    data, dims = transposed_array(self._data, dim0, dim1)
    return _inplace_view(self, data, TransposeBackward1, dims)


def squeeze_(self: Tensor, dim: Any = None) -> Tensor:
    """Remove dims of size 1 (all, one, or a tuple of them) in place."""
    x = self._data
    if dim is None:
        return _inplace_view(self, np.squeeze(x), SqueezeBackward3, (x.shape,))
    dims = (dim,) if isinstance(dim, (int, np.integer)) else tuple(dim)
    dims = tuple(_wrap_dim(int(d), x.ndim) for d in dims)
    data = np.squeeze(x, axis=tuple(d for d in set(dims) if x.ndim and x.shape[d] == 1))
    cls = SqueezeBackward4 if isinstance(dim, (int, np.integer)) else SqueezeBackward5
    return _inplace_view(self, data, cls, (x.shape, dim))


def unsqueeze_(self: Tensor, dim: int) -> Tensor:
    """Insert a dim of size 1 at ``dim``, in place."""
    x = self._data
    d = _wrap_dim(dim, x.ndim + 1)
    return _inplace_view(self, np.expand_dims(x, d), UnsqueezeBackward1, (d,))


# ---------------------------------------------------------------------------------------
# unfold: the windows of size ``size`` every ``step`` along a dim (a view)
# ---------------------------------------------------------------------------------------
def unfold(input: Tensor, dimension: int, size: int, step: int) -> Tensor:
    """The slices of ``size`` elements every ``step`` along ``dimension``, as a new last dim (a view).

    >>> import ember
    >>> ember.arange(4.).unfold(0, 3, 1)
    tensor([[0., 1., 2.],
            [1., 2., 3.]])
    """
    x = input._data
    d = _wrap_dim(dimension, x.ndim)
    size, step = operator.index(size), operator.index(step)
    n = x.shape[d] if x.ndim else 1
    if size > n:
        raise RuntimeError(f"maximum size for tensor at dimension {d} is {n} but size is {size}")
    if size < 0:
        raise RuntimeError(f"size is {size} but must be >= 0")
    if step <= 0:
        raise RuntimeError(f"step is {step} but must be > 0")
    if x.ndim:
        shape = list(x.shape)
        strides = list(x.strides)
        shape[d] = (n - size) // step + 1
        strides[d] = x.strides[d] * step
        shape.append(size)
        strides.append(x.strides[d])
    else:  # a 0-d tensor unfolds into (size,), size 0 or 1
        shape, strides = [size], [x.itemsize]
    data = np.lib.stride_tricks.as_strided(x, tuple(shape), tuple(strides), writeable=x.flags.writeable)
    return _view_result(input, data, UnfoldBackward0, (x.shape, d, size, step))


def unfold_backward(grad: Tensor, input_sizes: tuple, dim: int, size: int, step: int) -> Tensor:
    """zeros(input_sizes) with each window of ``grad`` added back where it was taken (unfold's derivative)."""
    g = grad._data
    out = np.zeros(input_sizes, g.dtype)
    if not input_sizes:  # a 0-d input: one window of size 0 or 1
        if size:
            out[...] = g.reshape(-1)[0]
    else:
        windows = g.shape[dim]
        o = np.moveaxis(out, dim, -1)  # a view: writes land in out
        gw = np.moveaxis(g, dim, -2)  # (..., windows, size)
        for k in range(size):  # one window position at a time: no index repeats within it
            if windows:
                o[..., k:k + step * (windows - 1) + 1:step] += gw[..., k]
    if grad._rg and grad_state.enabled:
        return record(UnfoldBackwardBackward0, out, (grad,), (dim, size, step))
    return wrap(out)


# ---------------------------------------------------------------------------------------
# type_as, broadcasting
# ---------------------------------------------------------------------------------------
def type_as(input: Tensor, other: Tensor) -> Tensor:
    """``input`` converted to ``other``'s dtype (``input`` itself when it already has it)."""
    if not isinstance(other, Tensor):
        raise TypeError(f"type_as(): argument 'other' (position 1) must be Tensor, not {type(other).__name__}")
    return to(input, other.dtype)


def _infer_size(a: tuple, b: tuple) -> tuple:
    """PyTorch's infer_size: the broadcast of two shapes, with its error."""
    ndim = max(len(a), len(b))
    out = [0] * ndim
    for i in range(ndim - 1, -1, -1):
        offset = ndim - 1 - i
        sa = a[len(a) - 1 - offset] if len(a) - 1 - offset >= 0 else 1
        sb = b[len(b) - 1 - offset] if len(b) - 1 - offset >= 0 else 1
        if not (sa == sb or sa == 1 or sb == 1):
            raise RuntimeError(f"The size of tensor a ({sa}) must match the size of tensor b ({sb}) at "
                               f"non-singleton dimension {i}")
        out[i] = sb if sa == 1 else sa
    return tuple(out)


def broadcast_tensors(*tensors: Tensor) -> tuple[Tensor, ...]:
    """The tensors expanded to their common shape (views; a tensor already of that shape is returned as is).

    >>> import ember
    >>> [t.shape for t in ember.broadcast_tensors(ember.zeros(3, 1), ember.zeros(4))]
    [ember.Size([3, 4]), ember.Size([3, 4])]
    """
    for i, x in enumerate(tensors):
        if not isinstance(x, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got {type(x).__name__}")
    if not tensors:
        return ()
    shape: tuple = tensors[0]._data.shape
    for x in tensors[1:]:
        shape = _infer_size(shape, x._data.shape)
    return tuple(x if x._data.shape == shape else expand(x, shape) for x in tensors)


def broadcast_shapes(*shapes: Any) -> Size:
    """The shape that tensors of ``shapes`` broadcast to (an int stands for a 1-D shape).

    >>> import ember
    >>> ember.broadcast_shapes((2,), (3, 1), (1, 1, 1))
    ember.Size([1, 3, 2])
    """
    shapes = tuple((s,) if isinstance(s, int) else s for s in shapes if s is not None)
    if not shapes:
        return Size([])
    for s in shapes:
        if not isinstance(s, Sequence):
            raise RuntimeError(
                f"Input shapes should be of type ints, a tuple of ints, or a list of ints, got {s}")
    common: list = [1] * max(len(s) for s in shapes)
    for arg_idx, s in enumerate(shapes):  # PyTorch's _broadcast_shapes, step by step (and its messages)
        for idx in range(-1, -1 - len(s), -1):
            if s[idx] == common[idx]:
                continue
            if common[idx] == 1:
                if s[idx] < 0:
                    raise ValueError("Attempting to broadcast a dimension with negative length!")
                common[idx] = s[idx]
            if s[idx] == 1:
                continue
            if common[idx] != s[idx]:
                raise RuntimeError(
                    f"Attempting to broadcast a dimension of length {s[idx]} at {idx}! Mismatching argument at "
                    f"index {arg_idx} had {s}; but expected shape should be broadcastable to {common}")
    for i, v in enumerate(common):
        if not isinstance(v, (int, np.integer)):
            raise TypeError(f"ember.Size() takes an iterable of 'int' (item {i} is '{type(v).__name__}')")
    return Size(common)


# ---------------------------------------------------------------------------------------
# cartesian_prod, block_diag
# ---------------------------------------------------------------------------------------
def cartesian_prod(*tensors: Tensor) -> Tensor:
    """All tuples of one element from each 1-D tensor, as rows (meshgrid, flattened and stacked).

    >>> import ember
    >>> ember.cartesian_prod(ember.tensor([1, 2]), ember.tensor([3, 4]))
    tensor([[1, 3],
            [1, 4],
            [2, 3],
            [2, 4]])
    """
    for i, x in enumerate(tensors):
        if not isinstance(x, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got {type(x).__name__}")
        if x._data.ndim != 1:
            raise RuntimeError(f"Expect a 1D vector, but got shape {list(x._data.shape)}")
    if len(tensors) == 1:
        return tensors[0]
    grids = meshgrid(*tensors, indexing="ij")
    return stack([flatten(g) for g in grids], 1)


class BlockDiagBackward0(Node):
    """block_diag: each input gets its block of the gradient."""

    __slots__ = ()
    _saved_names = ("tensors_args_sizes",)

    def apply(self, grads: list) -> tuple:
        (shapes,) = self.saved_values()
        grad = grads[0]
        out: list[Tensor | None] = []
        r = c = 0
        for (node, _), shape in zip(self.next_functions, shapes, strict=True):
            d0, d1 = _block_size(shape)
            if node is None:
                out.append(None)
            else:
                block = slice_dim(slice_dim(grad, 0, r, r + d0, 1), 1, c, c + d1, 1)
                out.append(reshape(block, shape))
            r, c = r + d0, c + d1
        return tuple(out)


def _block_size(shape: tuple) -> tuple[int, int]:
    """The block of a 0-d (1x1), 1-D (one row) or 2-D input."""
    if len(shape) == 2:
        return shape[0], shape[1]
    return 1, (shape[0] if shape else 1)


def block_diag(*tensors: Tensor) -> Tensor:
    """A block diagonal matrix from 0-d, 1-D (a row) and 2-D tensors, in their promoted dtype.

    >>> import ember
    >>> ember.block_diag(ember.tensor([[1, 2]]), ember.tensor(3))
    tensor([[1, 2, 0],
            [0, 0, 3]])
    """
    if not tensors:
        return wrap(np.empty((1, 0), D.get_default_dtype().np))
    for i, x in enumerate(tensors):
        if not isinstance(x, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got {type(x).__name__}")
        if x._data.ndim > 2:
            raise RuntimeError(f"ember.block_diag: Input tensors must have 2 or fewer dimensions. Input {i} has "
                               f"{x._data.ndim} dimensions")
    dt = D.result_type(*tensors).np
    sizes = [_block_size(x._data.shape) for x in tensors]
    data = np.zeros((sum(s[0] for s in sizes), sum(s[1] for s in sizes)), dt)
    r = c = 0
    for x, (d0, d1) in zip(tensors, sizes, strict=True):
        data[r:r + d0, c:c + d1] = x._data.reshape(d0, d1)
        r, c = r + d0, c + d1
    if grad_state.enabled and any(x._rg for x in tensors):
        node = new_node(BlockDiagBackward0, tuple(tensors))
        node._saved = (tuple(x._data.shape for x in tensors),)
        return Tensor._make(data, node)
    return wrap(data)


# ---------------------------------------------------------------------------------------
# diff, vander (compositions, recorded as PyTorch's ATen code records them)
# ---------------------------------------------------------------------------------------
def _diff_check_other(input: Tensor, other: Tensor | None, dim: int) -> None:
    if other is None:
        return
    x = input._data
    d = _wrap_dim(dim, x.ndim)
    if other._data.ndim != x.ndim:
        raise RuntimeError("diff expects prepend or append to be the same dimension as input")
    for i in range(x.ndim):
        if i != d and other._data.shape[i] != x.shape[i]:
            raise RuntimeError(
                "diff expects the shape of tensor to prepend or append to match that of input except along the "
                f"differencing dimension; input.size({i}) = {x.shape[i]}, but got tensor.size({i}) = "
                f"{other._data.shape[i]}")


def diff(input: Tensor, n: int = 1, dim: int = -1, prepend: Tensor | None = None,
         append: Tensor | None = None) -> Tensor:
    """The ``n``-th forward difference along ``dim`` (``logical_xor`` for bool), after joining
    ``prepend`` and ``append`` to ``input`` along ``dim``.

    >>> import ember
    >>> ember.tensor([1, 3, 6, 10]).diff()
    tensor([2, 3, 4])
    """
    from .._creation import zeros_like
    from .pointwise import copy_, logical_xor, sub
    from .shape import cat

    if input._data.ndim < 1:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    n = operator.index(n)
    if n < 0:
        raise RuntimeError(f"order must be non-negative but got {n}")
    _diff_check_other(input, prepend, dim)
    _diff_check_other(input, append, dim)
    if n == 0:  # as PyTorch: a copy (CopyBackwards)
        return copy_(zeros_like(input), input)
    result = input
    if prepend is not None or append is not None:
        result = cat([t for t in (prepend, input, append) if t is not None], dim)
    d = _wrap_dim(dim, result._data.ndim)
    size = result._data.shape[d]
    out_len = size - 1
    for _ in range(min(n, size)):
        hi, lo = narrow(result, d, 1, out_len), narrow(result, d, 0, out_len)
        result = logical_xor(hi, lo) if result._data.dtype == np.bool_ else sub(hi, lo)
        out_len -= 1
    return result


def vander(x: Tensor, N: int | None = None, increasing: bool = False) -> Tensor:  # noqa: N803 - torch's name
    """The Vandermonde matrix of a 1-D tensor: column j is ``x ** (N - 1 - j)`` (``x ** j`` if increasing).

    Integer and bool inputs give int64, as the cumulative product PyTorch uses promotes them.

    >>> import ember
    >>> ember.vander(ember.tensor([1, 2, 3]))
    tensor([[1, 1, 1],
            [4, 2, 1],
            [9, 3, 1]])
    """
    from .pointwise import copy_, fill_
    from .scan import cumprod
    from .shape_more import flip

    if x._data.ndim != 1:
        raise RuntimeError("x must be a one-dimensional tensor.")
    n = x._data.shape[0]
    if N is not None:
        n = operator.index(N)
        if n < 0:
            raise RuntimeError("N must be non-negative.")
    dt = D.promote_types(x.dtype, D.int64).np
    result = wrap(np.empty((x._data.shape[0], n), dt))
    if n > 0:
        fill_(select(result, 1, 0), 1)
        if n > 1:
            copy_(slice_dim(result, 1, 1, None, 1), unsqueeze(x, 1))
            copy_(slice_dim(result, 1, 1, None, 1), cumprod(slice_dim(result, 1, 1, None, 1), 1))
    if not increasing:
        return flip(result, (1,))
    return result


def _swap_(self: Tensor, axis0: int, axis1: int) -> Tensor:
    return transpose_(self, axis0, axis1)


TENSOR_METHODS: dict[str, Any] = {
    "t_": t_, "transpose_": transpose_, "swapaxes_": _swap_, "swapdims_": _swap_, "squeeze_": squeeze_,
    "unsqueeze_": unsqueeze_, "unfold": unfold, "type_as": type_as, "diff": diff,
}
