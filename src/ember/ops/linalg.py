"""Matrix products: matmul, mm, mv, dot, bmm, outer.

``matmul`` dispatches as PyTorch does, so users see the same Nodes: dot for 1-D @ 1-D,
mv for 2-D @ 1-D, mm for 2-D @ 2-D, ``unsqueeze(0).mm().squeeze_(0)`` for 1-D @ 2-D,
and a folded mm or broadcast bmm for batches.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor
from ._op import derivative, grad_state, record, requires_grad, wrap
from .pointwise import mul
from .shape import SqueezeBackward4, expand, reshape, t, transpose, unsqueeze

MmBackward0 = derivative("mm", ("self", "mat2"),
                         lambda grad, self, mat2: mm(grad, t(mat2)),
                         lambda grad, self, mat2: mm(t(self), grad))
MvBackward0 = derivative("mv", ("self", "vec"),
                         lambda grad, self, vec: outer(grad, vec),
                         lambda grad, self, vec: mv(t(self), grad))
DotBackward0 = derivative("dot", ("self", "tensor"),
                          lambda grad, self, other: mul(grad, other),
                          lambda grad, self, other: mul(grad, self))
BmmBackward0 = derivative("bmm", ("self", "mat2"),
                          lambda grad, self, mat2: bmm(grad, transpose(mat2, 1, 2)),
                          lambda grad, self, mat2: bmm(transpose(self, 1, 2), grad))
OuterBackward0 = derivative("outer", ("self", "vec2"),
                            lambda grad, self, vec2: mv(grad, vec2),
                            lambda grad, self, vec2: mv(t(grad), self))


def _dtypes_match(name: str, a: Tensor, b: Tensor) -> None:
    if a._data.dtype != b._data.dtype:
        from .pointwise import legacy_name

        raise RuntimeError(
            f"expected m1 and m2 to have the same dtype, but got: {legacy_name(a._data.dtype).lower()} != "
            f"{legacy_name(b._data.dtype).lower()}" if name in ("mm", "matmul") else
            f"{name}: expected both arguments to have the same dtype, but got: "
            f"{D.FROM_NP[a._data.dtype].name} and {D.FROM_NP[b._data.dtype].name}"
        )


def _check(name: str, a: Any, b: Any) -> None:
    for i, x in enumerate((a, b)):
        if not isinstance(x, Tensor):
            arg = ("input", "other")[i]
            raise TypeError(f"{name}(): argument '{arg}' (position {i + 1}) must be Tensor, not {type(x).__name__}")


def mm(input: Tensor, mat2: Tensor) -> Tensor:
    """Matrix product of two 2-D tensors."""
    _check("mm", input, mat2)
    a, b = input._data, mat2._data
    if a.ndim != 2:
        raise RuntimeError(f"self must be a matrix")
    if b.ndim != 2:
        raise RuntimeError(f"mat2 must be a matrix")
    if a.shape[1] != b.shape[0]:
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({a.shape[0]}x{a.shape[1]} and {b.shape[0]}x{b.shape[1]})"
        )
    _dtypes_match("mm", input, mat2)
    data = a @ b
    if requires_grad(input, mat2):
        return record(MmBackward0, data, (input, mat2), (input, mat2))
    return wrap(data)


def mv(input: Tensor, vec: Tensor) -> Tensor:
    """Matrix-vector product."""
    _check("mv", input, vec)
    a, v = input._data, vec._data
    if a.ndim != 2 or v.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got 1, {a.ndim}, {v.ndim}")
    if a.shape[1] != v.shape[0]:
        raise RuntimeError(f"size mismatch, got input ({a.shape[0]}), mat ({a.shape[0]}x{a.shape[1]}), vec ({v.shape[0]})")
    _dtypes_match("mv", input, vec)
    data = a @ v
    if requires_grad(input, vec):
        return record(MvBackward0, data, (input, vec), (input, vec))
    return wrap(data)


def dot(input: Tensor, other: Tensor) -> Tensor:
    """Inner product of two 1-D tensors."""
    _check("dot", input, other)
    a, b = input._data, other._data
    if a.ndim != 1 or b.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {a.ndim}D and {b.ndim}D tensors")
    if a.shape[0] != b.shape[0]:
        raise RuntimeError(
            f"inconsistent tensor size, expected tensor [{a.shape[0]}] and src [{b.shape[0]}] to have the same "
            "number of elements, but got " + f"{a.shape[0]} and {b.shape[0]} elements respectively"
        )
    _dtypes_match("dot", input, other)
    data = np.asarray(np.dot(a, b))
    if requires_grad(input, other):
        return record(DotBackward0, data, (input, other), (input, other))
    return wrap(data)


def bmm(input: Tensor, mat2: Tensor) -> Tensor:
    """Batched matrix product of two 3-D tensors."""
    _check("bmm", input, mat2)
    a, b = input._data, mat2._data
    if a.ndim != 3:
        raise RuntimeError(f"batch1 must be a 3D tensor")
    if b.ndim != 3:
        raise RuntimeError(f"batch2 must be a 3D tensor")
    if a.shape[0] != b.shape[0] or a.shape[2] != b.shape[1]:
        raise RuntimeError(
            f"Expected size for first two dimensions of batch2 tensor to be: [{a.shape[0]}, {a.shape[2]}] but got: "
            f"[{b.shape[0]}, {b.shape[1]}]."
        )
    _dtypes_match("bmm", input, mat2)
    data = np.matmul(a, b)
    if requires_grad(input, mat2):
        return record(BmmBackward0, data, (input, mat2), (input, mat2))
    return wrap(data)


def outer(input: Tensor, vec2: Tensor) -> Tensor:
    """Outer product of two 1-D tensors."""
    _check("outer", input, vec2)
    data = np.outer(input._data, vec2._data)
    if requires_grad(input, vec2):
        return record(OuterBackward0, data, (input, vec2), (input, vec2))
    return wrap(data)


ger = outer


def _squeeze0(x: Tensor, shape_before: tuple) -> Tensor:
    data = x._data.reshape(x._data.shape[1:])
    if x._rg and grad_state.enabled:
        return record(SqueezeBackward4, data, (x,), (shape_before, 0))
    return wrap(data)


def matmul(input: Tensor, other: Tensor) -> Tensor:
    """Matrix product with NumPy's (and PyTorch's) rules for 1-D and batched operands."""
    _check("matmul", input, other)
    da, db = input._data.ndim, other._data.ndim
    if da == 0 or db == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are {da}D and {db}D")
    if da == 1 and db == 1:
        return dot(input, other)
    if da == 2 and db == 1:
        return mv(input, other)
    if da == 2 and db == 2:
        return mm(input, other)
    if da == 1 and db == 2:
        if input._data.shape[0] != other._data.shape[0]:
            raise RuntimeError(
                f"mat1 and mat2 shapes cannot be multiplied (1x{input._data.shape[0]} and "
                f"{other._data.shape[0]}x{other._data.shape[1]})"
            )
        row = mm(unsqueeze(input, 0), other)
        return _squeeze0(row, row._data.shape)
    if da >= 3 and db <= 2:
        # Fold the batch into the rows of one mm, as PyTorch does.
        a = input._data
        b2 = other if db == 2 else unsqueeze(other, 1)
        out = mm(reshape(input, (-1, a.shape[-1])), b2)
        shape = a.shape[:-1] + ((other._data.shape[-1],) if db == 2 else ())
        return reshape(out, shape)
    return _batched(input, other)


def _batched(input: Tensor, other: Tensor) -> Tensor:
    a, b = input._data, other._data
    a1 = input if a.ndim > 1 else unsqueeze(input, 0)
    b1 = other if b.ndim > 1 else unsqueeze(other, -1)
    sa, sb = a1._data.shape, b1._data.shape
    if sa[-1] != sb[-2]:
        raise RuntimeError(
            f"Expected size for first two dimensions of batch2 tensor to be: [{int(np.prod(sa[:-2]))}, {sa[-1]}] but "
            f"got: [{int(np.prod(sb[:-2]))}, {sb[-2]}]."
        )
    try:
        batch = np.broadcast_shapes(sa[:-2], sb[:-2])
    except ValueError:
        raise RuntimeError(
            f"The size of tensor a ({sa[-3]}) must match the size of tensor b ({sb[-3]}) at non-singleton dimension 0"
        ) from None
    n = int(np.prod(batch))
    x = reshape(expand(a1, batch + sa[-2:]), (n,) + sa[-2:])
    y = reshape(expand(b1, batch + sb[-2:]), (n,) + sb[-2:])
    out = bmm(x, y)
    shape = batch + ((sa[-2],) if a.ndim > 1 else ()) + ((sb[-1],) if b.ndim > 1 else ())
    return reshape(out, shape)


def _rmatmul(self: Tensor, other: Any) -> Any:
    if not isinstance(other, Tensor):
        return NotImplemented
    return matmul(other, self)


def _matmul_method(self: Tensor, other: Any) -> Any:
    if not isinstance(other, Tensor):
        return NotImplemented
    return matmul(self, other)


TENSOR_METHODS: dict[str, Callable[..., Any]] = {
    "matmul": matmul, "mm": mm, "mv": mv, "dot": dot, "bmm": bmm, "outer": outer, "ger": outer,
    "__matmul__": _matmul_method, "__rmatmul__": _rmatmul,
}
