"""Matrix products: matmul, mm, mv, dot, bmm, outer.

``matmul`` dispatches as PyTorch does, so users see the same Nodes: dot for 1-D @ 1-D,
mv for 2-D @ 1-D, mm for 2-D @ 2-D, ``unsqueeze(0).mm().squeeze_(0)`` for 1-D @ 2-D,
and a folded mm or broadcast bmm for batches.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .._tensor import Tensor
from ._op import derivative, grad_state, record, requires_grad, wrap
from .pointwise import mul
from .shape import SqueezeBackward4, contiguous, expand, reshape, t, transpose, unsafe_view, unsqueeze

# The sizes and strides are saved for users who read them (_saved_self_sym_sizes, ...), as in PyTorch.
MmBackward0 = derivative("mm", ("self", "mat2", "self_sym_sizes", "self_sym_strides", "mat2_sym_sizes",
                                "mat2_sym_strides"),
                         lambda grad, self, mat2, *_: mm(grad, t(mat2)),
                         lambda grad, self, mat2, *_: mm(t(self), grad))
MvBackward0 = derivative("mv", ("self", "vec"),
                         lambda grad, self, vec: outer(grad, vec),
                         lambda grad, self, vec: mv(t(self), grad))
DotBackward0 = derivative("dot", ("self", "tensor"),
                          lambda grad, self, other: mul(grad, other),
                          lambda grad, self, other: mul(grad, self))
BmmBackward0 = derivative("bmm", ("self", "mat2"),
                          lambda grad, self, mat2: bmm(grad, transpose(mat2, 1, 2)),
                          lambda grad, self, mat2: bmm(transpose(self, 1, 2), grad))


# How PyTorch's kernels name dtypes in their messages: C++ types for mm, legacy names elsewhere.
_CPP_NAMES = {
    "float32": "float", "float64": "double", "float16": "c10::Half", "int64": "long int", "int32": "int",
    "int16": "short int", "int8": "signed char", "uint8": "unsigned char", "bool": "bool",
}


def _dtypes_match(name: str, a: Tensor, b: Tensor) -> None:
    """PyTorch's error (each kernel words it its own way) for operands of different dtypes."""
    da, db = a._data.dtype, b._data.dtype
    if da == db:
        return
    from .pointwise import legacy_name

    if name == "mm":
        msg = f"expected m1 and m2 to have the same dtype, but got: {_CPP_NAMES[str(da)]} != {_CPP_NAMES[str(db)]}"
    elif name == "mv":
        msg = (f"addmv input tensors must have the same dtype, but got {legacy_name(db)}, {legacy_name(da)}, "
               f"and {legacy_name(db)}")
    elif name == "dot":
        msg = f"dot : expected both vectors to have same dtype, but found {legacy_name(da)} and {legacy_name(db)}"
    else:
        msg = f"expected scalar type {legacy_name(da)} but found {legacy_name(db)}"
    raise RuntimeError(msg)


def _needed(value: Tensor, other: Tensor) -> Tensor | None:
    """Save ``value`` only when ``other``'s gradient needs it, as PyTorch does."""
    return value if other._rg else None


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
        raise RuntimeError("self must be a matrix")
    if b.ndim != 2:
        raise RuntimeError("mat2 must be a matrix")
    return _mm(input, mat2, a, b)


def _mm(input: Tensor, mat2: Tensor, a: np.ndarray, b: np.ndarray) -> Tensor:
    """``mm`` once both are known to be 2-D tensors (``a``, ``b`` their arrays): matmul's hot path."""
    if a.shape[1] != b.shape[0]:
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({a.shape[0]}x{a.shape[1]} and {b.shape[0]}x{b.shape[1]})"
        )
    if a.dtype != b.dtype:
        _dtypes_match("mm", input, mat2)
    data = _matmul(a, b)
    if grad_state.enabled and (input._rg or mat2._rg):
        # Each matrix is saved only where the other's gradient needs it, and its strides
        # are kept only when it requires grad, as PyTorch keeps them.
        rg_a, rg_b = input._rg, mat2._rg
        return record(MmBackward0, data, (input, mat2), (
            input if rg_b else None, mat2 if rg_a else None, a.shape, _strides2(a) if rg_a else (),
            b.shape, _strides2(b) if rg_b else ()))
    return wrap(data)


_matmul = np.matmul


def _strides2(a: np.ndarray) -> tuple[int, int]:
    """``Tensor.stride()`` of a 2-D array, in elements."""
    s0, s1 = a.strides
    n = a.itemsize
    return (s0 // n, s1 // n)


def mv(input: Tensor, vec: Tensor) -> Tensor:
    """Matrix-vector product."""
    _check("mv", input, vec)
    a, v = input._data, vec._data
    if a.ndim != 2 or v.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got 1, {a.ndim}, {v.ndim}")
    if a.shape[1] != v.shape[0]:
        raise RuntimeError(
            f"size mismatch, got input ({a.shape[0]}), mat ({a.shape[0]}x{a.shape[1]}), vec ({v.shape[0]})"
        )
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
        raise RuntimeError("batch1 must be a 3D tensor")
    if b.ndim != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
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
    """Outer product of two 1-D tensors: ``input.reshape(-1, 1) * vec2``, as PyTorch computes
    (and records) it, so it promotes dtypes and its Node is MulBackward0."""
    _check("outer", input, vec2)
    for name, v in (("self", input), ("vec2", vec2)):
        if v._data.ndim != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {name}, but got {v._data.ndim}-D")
    return mul(reshape(input, (input._data.shape[0], 1)), vec2)


ger = outer


def _squeeze0(x: Tensor, shape_before: tuple) -> Tensor:
    data = x._data.reshape(x._data.shape[1:])
    if x._rg and grad_state.enabled:
        return record(SqueezeBackward4, data, (x,), (shape_before, 0))
    return wrap(data)


def matmul(input: Tensor, other: Tensor) -> Tensor:
    """Matrix product with NumPy's (and PyTorch's) rules for 1-D and batched operands.

    Dispatched as PyTorch's ``_matmul_impl``, so the Nodes are the same: batches are
    folded into one mm/mv when that needs no copy of the larger operand (or when the
    smaller one requires grad), else broadcast into one bmm; both end in an
    ``_unsafe_view`` (and a 2-D @ N-D fold in ``mT().contiguous()``).
    """
    if isinstance(input, Tensor) and isinstance(other, Tensor):
        a, b = input._data, other._data
        if a.ndim == 2 and b.ndim == 2:  # the common case first: one mm
            return _mm(input, other, a, b)
    _check("matmul", input, other)
    da, db = input._data.ndim, other._data.ndim
    if da == 0 or db == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are {da}D and {db}D")
    if da == 1 and db == 1:
        return dot(input, other)
    if da == 2 and db == 1:
        return mv(input, other)
    if da == 1 and db == 2:
        if input._data.shape[0] != other._data.shape[0]:
            raise RuntimeError(
                f"mat1 and mat2 shapes cannot be multiplied (1x{input._data.shape[0]} and "
                f"{other._data.shape[0]}x{other._data.shape[1]})"
            )
        row = mm(unsqueeze(input, 0), other)
        return _squeeze0(row, row._data.shape)
    if da == 2 and db == 2:
        return mm(input, other)
    if _should_fold(input, other):
        return _folded(input, other)
    return _batched(input, other)


def _should_fold(a: Tensor, b: Tensor) -> bool:
    """PyTorch's should_fold: fold the larger operand's batch into an mm/mv without a copy."""
    a_larger = a._data.ndim >= b._data.ndim
    t1 = a._data if a_larger else np.swapaxes(b._data, -1, -2)
    smaller = b if a_larger else a
    if not (t1.ndim >= 3 and smaller._data.ndim <= 2):
        return False
    if smaller._rg:
        # Folding keeps the smaller operand's gradient one mm, not a sum over a batch.
        return True
    if a._data.ndim == 2:
        return False  # 2-D @ N-D would need a transposed copy of the result
    if t1.size == 0:
        return True
    shape, strides = t1.shape, t1.strides
    for i in range(t1.ndim - 2):
        if strides[i] != strides[i + 1] * shape[i + 1]:
            return False
    return True


def _folded(input: Tensor, other: Tensor) -> Tensor:
    swap = other._data.ndim > input._data.ndim
    t1 = transpose(other, -1, -2) if swap else input
    t2 = (t(input) if input._data.ndim == 2 else input) if swap else other
    sizes1 = t1._data.shape
    out_shape = sizes1[:-1]
    folded = reshape(t1, (int(np.prod(out_shape)), sizes1[-1]))
    if t2._data.ndim == 1:
        return unsafe_view(mv(folded, t2), out_shape)
    out = unsafe_view(mm(folded, t2), out_shape + (t2._data.shape[1],))
    return contiguous(transpose(out, -1, -2)) if swap else out


def _batched(input: Tensor, other: Tensor) -> Tensor:
    a, b = input._data, other._data
    n = a.shape[-2] if a.ndim > 1 else 1
    m1 = a.shape[-1]
    m2 = b.shape[-2] if b.ndim > 1 else b.shape[0]
    p = b.shape[-1] if b.ndim > 1 else 1
    batch1, batch2 = a.shape[:max(a.ndim - 2, 0)], b.shape[:max(b.ndim - 2, 0)]
    try:
        batch = np.broadcast_shapes(batch1, batch2)
    except ValueError:
        i = next(i for i in range(1, min(len(batch1), len(batch2)) + 1)
                 if batch1[-i] != batch2[-i] and 1 not in (batch1[-i], batch2[-i]))
        raise RuntimeError(
            f"The size of tensor a ({batch1[-i]}) must match the size of tensor b ({batch2[-i]}) at non-singleton "
            f"dimension {max(len(batch1), len(batch2)) - i}"
        ) from None
    n_batch = int(np.prod(batch))
    if m1 != m2:  # bmm's message, on the broadcast batch
        raise RuntimeError(
            f"Expected size for first two dimensions of batch2 tensor to be: [{n_batch}, {m1}] but "
            f"got: [{n_batch}, {m2}]."
        )
    x = reshape(expand(input, batch + (n, m1)), (n_batch, n, m1))
    y = reshape(expand(other if b.ndim > 1 else unsqueeze(other, -1), batch + (m2, p)), (n_batch, m2, p))
    shape = batch + ((n,) if a.ndim > 1 else ()) + ((p,) if b.ndim > 1 else ())
    return unsafe_view(bmm(x, y), shape)


def _rmatmul(self: Tensor, other: Any) -> Any:
    if not isinstance(other, Tensor):
        return NotImplemented
    return matmul(other, self)


def _matmul_method(self: Tensor, other: Any) -> Any:
    if isinstance(other, Tensor):
        a, b = self._data, other._data
        if a.ndim == 2 and b.ndim == 2:  # ``h @ W``: straight to mm
            return _mm(self, other, a, b)
        return matmul(self, other)
    if isinstance(other, np.ndarray):  # torch reads an array on the right as a tensor
        from .pointwise import as_tensor

        other = as_tensor(other)
    if not isinstance(other, Tensor):
        return NotImplemented
    return matmul(self, other)


TENSOR_METHODS: dict[str, Callable[..., Any]] = {
    "matmul": matmul, "mm": mm, "mv": mv, "dot": dot, "bmm": bmm, "outer": outer, "ger": outer,
    "__matmul__": _matmul_method, "__rmatmul__": _rmatmul,
}
