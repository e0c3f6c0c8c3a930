"""More matrix products: vdot, addmv, addr, baddbmm, addbmm, einsum, tensordot, kron,
cross, trace, chain_matmul / linalg.multi_dot.

The ops PyTorch records as one Node (``AddmvBackward0``, ``LinalgCrossBackward0``,
``TraceBackward0``...) are one Node here; those PyTorch composes from other ops (einsum,
tensordot, kron, multi_dot) are composed the same way, so users see the same last Node
(``ViewBackward0``, ``UnsafeViewBackward0``, ``PermuteBackward0``...).

Derivatives (real dtypes; ``alpha``/``beta`` scale as in the forward):

==========  =============================================================================
addmv       input: beta*g          mat: alpha*outer(g, vec)       vec: alpha*mat^T g
addr        input: beta*g          vec1: alpha*g vec2             vec2: alpha*g^T vec1
baddbmm     input: beta*g          batch1: alpha*g batch2^T       batch2: alpha*batch1^T g
addbmm      input: beta*g          batch1: alpha*g batch2^T (g broadcast over the batch)
vdot        input: g*other         other: g*input
cross       input: cross(other, g) other: cross(g, input)
trace       input: g * eye(n, m)
==========  =============================================================================
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .._tensor import Tensor, _wrap_dim
from ._op import derivative, record, requires_grad, wrap
from .linalg import _check, _dtypes_match, bmm, mm, mv, outer
from .pointwise import legacy_name, mul
from .reduction import sum as _sum
from .shape import permute, reshape, transpose, unsafe_view, unsqueeze, view


def _scaled(x: Tensor, s: Any) -> Tensor:
    """``s * x``, without a Node when ``s`` is 1 (as PyTorch's maybe_multiply)."""
    return x if s == 1 else mul(x, s)


def _t3(x: Tensor) -> Tensor:
    return transpose(x, -2, -1)


VdotBackward0 = derivative("vdot", ("self", "other"),
                           lambda grad, self, other: mul(grad, other),
                           lambda grad, self, other: mul(grad, self))
AddmvBackward0 = derivative("addmv", ("beta", "alpha", "mat", "vec"),
                            lambda grad, beta, alpha, mat, vec: _scaled(grad, beta),
                            lambda grad, beta, alpha, mat, vec: _scaled(outer(grad, vec), alpha),
                            lambda grad, beta, alpha, mat, vec: _scaled(mv(_t3(mat), grad), alpha))
AddrBackward0 = derivative("addr", ("beta", "alpha", "vec1", "vec2"),
                           lambda grad, beta, alpha, vec1, vec2: _scaled(grad, beta),
                           lambda grad, beta, alpha, vec1, vec2: _scaled(mv(grad, vec2), alpha),
                           lambda grad, beta, alpha, vec1, vec2: _scaled(mv(_t3(grad), vec1), alpha))
BaddbmmBackward0 = derivative("baddbmm", ("beta", "alpha", "batch1", "batch2"),
                              lambda grad, beta, alpha, b1, b2: _scaled(grad, beta),
                              lambda grad, beta, alpha, b1, b2: _scaled(bmm(grad, _t3(b2)), alpha),
                              lambda grad, beta, alpha, b1, b2: _scaled(bmm(_t3(b1), grad), alpha))
AddbmmBackward0 = derivative("addbmm", ("beta", "alpha", "batch1", "batch2"),
                             lambda grad, beta, alpha, b1, b2: _scaled(grad, beta),
                             lambda grad, beta, alpha, b1, b2: _scaled(_batch_mm(grad, _t3(b2), True), alpha),
                             lambda grad, beta, alpha, b1, b2: _scaled(_batch_mm(_t3(b1), grad, False), alpha))
LinalgCrossBackward0 = derivative("linalg_cross", ("dim", "other", "self"),
                                  lambda grad, dim, other, self: linalg_cross(other, grad, dim=dim),
                                  lambda grad, dim, other, self: linalg_cross(grad, self, dim=dim))
TraceBackward0 = derivative("trace", ("self_sym_sizes",), lambda grad, shape: mul(grad, _eye(shape, grad)))


def _batch_mm(a: Tensor, b: Tensor, grad_first: bool) -> Tensor:
    """``a @ b`` with the 2-D gradient broadcast over the batch of the other operand."""
    from .shape import expand

    if grad_first:
        a = expand(a, (b._data.shape[0],) + a._data.shape)
    else:
        b = expand(b, (a._data.shape[0],) + b._data.shape)
    return bmm(a, b)


def _eye(shape: tuple, like: Tensor) -> Tensor:
    return wrap(np.eye(shape[0], shape[1], dtype=like._data.dtype))


def _same_dtype(name: str, *xs: Tensor) -> None:
    dts = [x._data.dtype for x in xs]
    if len(set(dts)) > 1:
        names = ", ".join(legacy_name(d) for d in dts[:-1]) + f", and {legacy_name(dts[-1])}"
        raise RuntimeError(f"{name} input tensors must have the same dtype, but got {names}")


def _broadcast_input(name: str, input: Tensor, shape: tuple) -> np.ndarray:
    x = input._data
    try:
        return np.broadcast_to(x, shape)
    except ValueError:
        raise RuntimeError(
            f"The expanded size of the tensor ({shape[-1]}) must match the existing size "
            f"({x.shape[-1] if x.ndim else 1}) "
            f"at non-singleton dimension {len(shape) - 1}.  Target sizes: {list(shape)}.  Tensor sizes: {list(x.shape)}"
        ) from None


def _combine(beta: Any, x: np.ndarray, alpha: Any, prod: np.ndarray) -> np.ndarray:
    """beta*x + alpha*prod, with x ignored when beta is 0 (its nan and inf too), as in PyTorch."""
    prod = prod if alpha == 1 else prod * alpha
    if beta == 0:
        return np.array(np.broadcast_to(prod, prod.shape), dtype=prod.dtype)
    out = (x if beta == 1 else x * beta) + prod
    return np.asarray(out, dtype=prod.dtype)


# ---------------------------------------------------------------------------------------
# vdot, addmv, addr, baddbmm, addbmm
# ---------------------------------------------------------------------------------------
def vdot(input: Tensor, other: Tensor) -> Tensor:
    """Inner product of two 1-D tensors, the first conjugated (the same as dot for reals)."""
    _check("vdot", input, other)
    a, b = input._data, other._data
    if a.ndim != 1 or b.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {a.ndim}D and {b.ndim}D tensors")
    if a.shape[0] != b.shape[0]:
        raise RuntimeError(
            f"inconsistent tensor size, expected tensor [{a.shape[0]}] and src [{b.shape[0]}] to have the same "
            f"number of elements, but got {a.shape[0]} and {b.shape[0]} elements respectively"
        )
    _dtypes_match("dot", input, other)
    data = np.asarray(np.vdot(a, b), dtype=a.dtype)
    if requires_grad(input, other):
        return record(VdotBackward0, data, (input, other), (input, other))
    return wrap(data)


def addmv(input: Tensor, mat: Tensor, vec: Tensor, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
    """``beta * input + alpha * (mat @ vec)``."""
    m, v = mat._data, vec._data
    if m.ndim != 2 or v.ndim != 1 or input._data.ndim > 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got {input._data.ndim}, {m.ndim}, {v.ndim}")
    if m.shape[1] != v.shape[0] or (input._data.ndim == 1 and input._data.shape[0] not in (1, m.shape[0])):
        n = input._data.shape[0] if input._data.ndim else 1
        raise RuntimeError(f"size mismatch, got input ({n}), mat ({m.shape[0]}x{m.shape[1]}), vec ({v.shape[0]})")
    _same_dtype("addmv", input, mat, vec)
    data = _combine(beta, _broadcast_input("addmv", input, (m.shape[0],)), alpha, m @ v)
    if requires_grad(input, mat, vec):
        return record(AddmvBackward0, data, (input, mat, vec), (beta, alpha, mat, vec))
    return wrap(data)


def addr(input: Tensor, vec1: Tensor, vec2: Tensor, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
    """``beta * input + alpha * outer(vec1, vec2)``."""
    for name, v in (("vec1", vec1), ("vec2", vec2)):
        if v._data.ndim != 1:
            raise RuntimeError(f"addr: Expected 1-D argument {name}, but got {v._data.ndim}-D")
    _same_dtype("addr", input, vec1, vec2)
    a, b = vec1._data, vec2._data
    shape = (a.shape[0], b.shape[0])
    data = _combine(beta, _broadcast_input("addr", input, shape), alpha, np.multiply.outer(a, b))
    if requires_grad(input, vec1, vec2):
        return record(AddrBackward0, data, (input, vec1, vec2), (beta, alpha, vec1, vec2))
    return wrap(data)


def _check_batches(b1: np.ndarray, b2: np.ndarray) -> None:
    if b1.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if b2.ndim != 3:
        raise RuntimeError("batch2 must be a 3D tensor")


def baddbmm(input: Tensor, batch1: Tensor, batch2: Tensor, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
    """``beta * input + alpha * bmm(batch1, batch2)``."""
    a, b = batch1._data, batch2._data
    _check_batches(a, b)
    if a.shape[0] != b.shape[0] or a.shape[2] != b.shape[1]:
        raise RuntimeError(
            f"Expected size for first two dimensions of batch2 tensor to be: [{a.shape[0]}, {a.shape[2]}] but got: "
            f"[{b.shape[0]}, {b.shape[1]}]."
        )
    _same_dtype("baddbmm", input, batch1, batch2)
    data = _combine(beta, _broadcast_input("baddbmm", input, (a.shape[0], a.shape[1], b.shape[2])), alpha,
                    np.matmul(a, b))
    if requires_grad(input, batch1, batch2):
        return record(BaddbmmBackward0, data, (input, batch1, batch2), (beta, alpha, batch1, batch2))
    return wrap(data)


def addbmm(input: Tensor, batch1: Tensor, batch2: Tensor, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
    """``beta * input + alpha * sum_b batch1[b] @ batch2[b]``."""
    a, b = batch1._data, batch2._data
    _check_batches(a, b)
    if a.shape[0] != b.shape[0]:
        raise RuntimeError(
            f"batch1 and batch2 must have same number of batches, got {a.shape[0]} and {b.shape[0]}"
        )
    if a.shape[2] != b.shape[1]:
        raise RuntimeError(
            f"Incompatible matrix sizes for bmm ({a.shape[1]}x{a.shape[2]} and {b.shape[1]}x{b.shape[2]})")
    _same_dtype("addbmm", input, batch1, batch2)
    prod = np.matmul(a, b).sum(axis=0) if a.shape[0] else np.zeros((a.shape[1], b.shape[2]), a.dtype)
    data = _combine(beta, _broadcast_input("addbmm", input, (a.shape[1], b.shape[2])), alpha, prod)
    if requires_grad(input, batch1, batch2):
        return record(AddbmmBackward0, data, (input, batch1, batch2), (beta, alpha, batch1, batch2))
    return wrap(data)


# ---------------------------------------------------------------------------------------
# cross, trace
# ---------------------------------------------------------------------------------------
def linalg_cross(input: Tensor, other: Tensor, *, dim: int = -1) -> Tensor:
    """The cross product of 3-vectors along ``dim`` (operands broadcast)."""
    _check("linalg.cross", input, other)
    a, b = input._data, other._data
    if a.ndim != b.ndim:
        raise RuntimeError(f"linalg.cross: inputs must have the same number of dimensions. Got {a.ndim} and {b.ndim}")
    d = _wrap_dim(dim, max(a.ndim, 1))
    if a.shape[d] != 3 or b.shape[d] != 3:
        raise RuntimeError(
            f"linalg.cross: inputs dimension {dim} must have length 3. Got {a.shape[d]} and {b.shape[d]}")
    if a.dtype != b.dtype:
        raise RuntimeError(f"expected scalar type {legacy_name(a.dtype)} but found {legacy_name(b.dtype)}")
    try:
        shape = np.broadcast_shapes(a.shape, b.shape)
    except ValueError:
        from .pointwise import broadcast_error

        raise broadcast_error(a, b) from None
    data = np.cross(np.broadcast_to(a, shape), np.broadcast_to(b, shape), axis=d)
    if requires_grad(input, other):
        return record(LinalgCrossBackward0, data, (input, other), (dim, other, input))
    return wrap(data)


def cross(input: Tensor, other: Tensor, dim: int | None = None) -> Tensor:
    """torch.cross: linalg.cross, or along the first dim of size 3 when ``dim`` is None (deprecated)."""
    if dim is None:
        try:
            shape = np.broadcast_shapes(input._data.shape, other._data.shape)
        except ValueError:
            shape = input._data.shape
        dim = next((i for i, s in enumerate(shape) if s == 3), None)
        if dim is None:
            raise RuntimeError("no dimension of size 3 in input")
    return linalg_cross(input, other, dim=dim)


def trace(input: Tensor) -> Tensor:
    """The sum of the diagonal of a 2-D tensor (integers sum as int64)."""
    x = input._data
    if x.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {x.ndim}")
    if x.dtype == np.bool_:
        raise NotImplementedError("\"trace\" not implemented for 'Bool'")
    dt = np.int64 if x.dtype.kind in "iu" else x.dtype
    data = np.asarray(np.trace(x, dtype=dt))
    if requires_grad(input):
        return record(TraceBackward0, data, (input,), (x.shape,))
    return wrap(data)


# ---------------------------------------------------------------------------------------
# kron, tensordot
# ---------------------------------------------------------------------------------------
def kron(input: Tensor, other: Tensor) -> Tensor:
    """The Kronecker product, as PyTorch computes it: one broadcast mul between two views."""
    _check("kron", input, other)
    a, b = input._data.shape, other._data.shape
    n = max(len(a), len(b))
    a = (1,) * (n - len(a)) + a
    b = (1,) * (n - len(b)) + b
    a_shape = tuple(s for i in range(n) for s in (a[i], 1))
    b_shape = tuple(s for i in range(n) for s in (1, b[i]))
    out = tuple(a[i] * b[i] for i in range(n))
    return unsafe_view(mul(unsafe_view(input, a_shape), unsafe_view(other, b_shape)), out)


def tensordot(a: Tensor, b: Tensor, dims: Any = 2, out: Tensor | None = None) -> Tensor:
    """Contract ``dims`` of ``a`` with ``dims`` of ``b`` (one mm between two permuted reshapes)."""
    _check("tensordot", a, b)
    if isinstance(dims, Tensor):
        dims = dims.tolist()
    if isinstance(dims, int):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        if dims > min(a.dim(), b.dim()):
            raise RuntimeError(f"tensordot expects dims < ndim_a or ndim_b, but got dims={dims}")
        dims_a, dims_b = list(range(-dims, 0)), list(range(dims))
    else:
        dims_a, dims_b = dims
        dims_a = [dims_a] if isinstance(dims_a, int) else list(dims_a)
        dims_b = [dims_b] if isinstance(dims_b, int) else list(dims_b)
    if len(dims_a) != len(dims_b):
        raise RuntimeError("both dimension lists should have same length")
    if a._data.dtype != b._data.dtype:
        raise RuntimeError("both inputs should have same dtype")
    x, y = a, b
    csize = 1
    for da, db in zip(dims_a, dims_b, strict=True):
        s1, s2 = a._data.shape[da], b._data.shape[db]
        if s2 == 1:
            x = _sum(x, da, True)
        elif s1 == 1:
            y = _sum(y, db, True)
        else:
            if s1 != s2:
                raise RuntimeError(f"contracted dimensions need to match, but first has size {s1} in dim {da} and "
                                   f"second has size {s2} in dim {db}")
            csize *= s1
    ca = {_wrap_dim(d, a.dim()) for d in dims_a}
    cb = {_wrap_dim(d, b.dim()) for d in dims_b}
    p1 = [i for i in range(a.dim()) if i not in ca]
    p2 = [i for i in range(b.dim()) if i not in cb]
    rsizes = tuple(x._data.shape[i] for i in p1) + tuple(y._data.shape[i] for i in p2)
    size1 = int(np.prod([x._data.shape[i] for i in p1]))
    size2 = int(np.prod([y._data.shape[i] for i in p2]))
    x = reshape(permute(x, p1 + [_wrap_dim(d, a.dim()) for d in dims_a]), (size1, csize))
    y = reshape(permute(y, [_wrap_dim(d, b.dim()) for d in dims_b] + p2), (csize, size2))
    return reshape(mm(x, y), rsizes)


# ---------------------------------------------------------------------------------------
# einsum: PyTorch's algorithm (aten/native/Linear.cpp), so that the Nodes are the same
# ---------------------------------------------------------------------------------------
_ELL = -1


def _label_index(c: str) -> int:
    return ord(c) - ord("A") if c.isupper() else ord(c) - ord("a") + 26


def _diagonal_into(op: Tensor, prev: int, dim: int) -> Tensor:
    """``op.diagonal(0, prev, dim).movedim(-1, prev)``: the diagonal kept at ``prev``."""
    n = op._data.shape[dim]
    shape = [1] * op._data.ndim
    shape[prev] = shape[dim] = n
    mask = wrap(np.eye(n, dtype=op._data.dtype).reshape(shape))
    return _sum(mul(op, mask), dim)


def _parse_labels(lhs: str, num_ops: int) -> list[list[int]]:
    labels: list[list[int]] = [[] for _ in range(num_ops)]
    cur, ell, i = 0, False, 0
    while i < len(lhs):
        c = lhs[i]
        if c == " ":
            pass
        elif c == ".":
            if ell:
                raise RuntimeError(f"einsum(): found '.' for operand {cur} for which an ellipsis was already found")
            if not (i + 2 < len(lhs) + 0 and lhs[i + 1:i + 3] == ".."):
                raise RuntimeError(f"einsum(): found '.' for operand {cur} that is not part of any ellipsis")
            labels[cur].append(_ELL)
            ell = True
            i += 2
        elif c == ",":
            cur += 1
            if cur >= num_ops:
                raise RuntimeError("einsum(): fewer operands were provided than specified in the equation")
            ell = False
        else:
            if not (c.isascii() and c.isalpha()):
                raise RuntimeError(f"einsum(): invalid subscript given at index {i} in the equation string, "
                                   "subscripts must be in [a-zA-Z]")
            labels[cur].append(_label_index(c))
        i += 1
    if cur != num_ops - 1:
        raise RuntimeError("einsum(): more operands were provided than specified in the equation")
    return labels


def _label_char(s: int) -> str:
    return chr(s + ord("A")) if s < 26 else chr(s - 26 + ord("a"))


def einsum(equation: str, *operands: Any) -> Tensor:
    """Einstein summation, computed (and recorded) as PyTorch does without opt_einsum:
    diagonals and permutes per operand, then left-to-right pairwise bmm contractions."""
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    if not operands:
        raise RuntimeError("einsum(): must provide at least one operand")
    ops_in: list[Tensor] = list(operands)
    num_ops = len(ops_in)
    lhs, arrow, rhs = equation.partition("->")
    op_labels = _parse_labels(lhs, num_ops)
    label_count = [0] * 52
    ell_num_dim = 0
    for i, (op, labels) in enumerate(zip(ops_in, op_labels, strict=True)):
        nlabels = sum(1 for s in labels if s != _ELL)
        has_ell = _ELL in labels
        for s in labels:
            if s != _ELL:
                label_count[s] += 1
        ndims = op._data.ndim
        if has_ell:
            ell_num_dim = max(ell_num_dim, ndims - nlabels)
        if (nlabels > ndims) if has_ell else (nlabels != ndims):
            raise RuntimeError(
                f"einsum(): the number of subscripts in the equation ({nlabels}) "
                + ("is more than" if has_ell else "does not match") + f" the number of dimensions ({ndims}) for "
                f"operand {i}" + ("" if has_ell else " and no ellipsis was given"))
    perm_index_of = [-1] * 52
    perm_index = 0
    ell_index = 0
    ell_in_output = False
    if not arrow:
        perm_index = ell_num_dim
        ell_in_output = True
        for s in range(52):
            if label_count[s] == 1:
                perm_index_of[s] = perm_index
                perm_index += 1
    else:
        i = 0
        while i < len(rhs):
            c = rhs[i]
            if c == " ":
                pass
            elif c == ".":
                if ell_in_output:
                    raise RuntimeError("einsum(): found '.' for output but an ellipsis (...) was already found")
                if rhs[i + 1:i + 3] != "..":
                    raise RuntimeError("einsum(): found '.' for output that is not part of any ellipsis (...)")
                i += 2
                ell_index = perm_index
                perm_index += ell_num_dim
                ell_in_output = True
            else:
                if not (c.isascii() and c.isalpha()):
                    raise RuntimeError(f"einsum(): invalid subscript given at index {len(lhs) + 2 + i} in the "
                                       "equation string, subscripts must be in [a-zA-Z]")
                s = _label_index(c)
                if label_count[s] == 0 or perm_index_of[s] != -1:
                    why = (" appears more than once in the output" if perm_index_of[s] > -1
                           else " does not appear in the equation for any input operand")
                    raise RuntimeError(f"einsum(): output subscript {c}{why}")
                perm_index_of[s] = perm_index
                perm_index += 1
            i += 1
    out_num_dim = perm_index
    if not ell_in_output:
        ell_index = perm_index
        perm_index += ell_num_dim
    for s in range(52):
        if label_count[s] > 0 and perm_index_of[s] == -1:
            perm_index_of[s] = perm_index
            perm_index += 1

    label_size = [1] * 52
    ell_sizes = [1] * ell_num_dim
    dim_counts = [0] * perm_index
    ops: list[Tensor] = []
    for i, op in enumerate(ops_in):
        permutation = [-1] * perm_index
        dim = 0
        labels = op_labels[i]
        for s in labels:
            shape = op._data.shape
            if s == _ELL:
                ndim = ops_in[i]._data.ndim - (len(labels) - 1)
                for j in range(ell_num_dim - ndim, ell_num_dim):
                    if shape[dim] != 1:
                        if ell_sizes[j] not in (1, shape[dim]):
                            raise RuntimeError(
                                f"einsum(): dimension {dim} covered by ellipsis in operand {i}has size {shape[dim]} "
                                f"which does not broadcast with previously seen ellipsis with size {ell_sizes[j]} "
                                "for the respective dimension")
                        ell_sizes[j] = shape[dim]
                        dim_counts[ell_index + j] += 1
                    permutation[ell_index + j] = dim
                    dim += 1
            elif permutation[perm_index_of[s]] == -1:
                if shape[dim] != 1:
                    if label_size[s] not in (1, shape[dim]):
                        raise RuntimeError(
                            f"einsum(): subscript {_label_char(s)} has size {shape[dim]} for operand {i} which does "
                            f"not broadcast with previously seen size {label_size[s]}")
                    label_size[s] = shape[dim]
                    dim_counts[perm_index_of[s]] += 1
                permutation[perm_index_of[s]] = dim
                dim += 1
            else:
                prev = permutation[perm_index_of[s]]
                if shape[dim] != shape[prev]:
                    raise RuntimeError(
                        f"einsum(): subscript {_label_char(s)} is repeated for operand {i} but the sizes don't "
                        f"match, {shape[dim]} != {shape[prev]}")
                op = _diagonal_into(op, prev, dim)
        for k, val in enumerate(permutation):
            if val == -1:
                op = unsqueeze(op, dim)
                permutation[k] = dim
                dim += 1
        ops.append(permute(op, permutation))

    while len(ops) > 1:
        a, b = ops[0], ops[1]
        del ops[:2]
        sum_dims: list[int] = []
        a_sum: list[int] = []
        b_sum: list[int] = []
        for d in range(out_num_dim, perm_index):
            sa, sb = a._data.shape[d] != 1, b._data.shape[d] != 1
            if sa and sb:
                dim_counts[d] -= 1
                if dim_counts[d] == 1:
                    sum_dims.append(d)
                    dim_counts[d] = 0
            elif dim_counts[d] == 1:
                if sa:
                    a_sum.append(d)
                    dim_counts[d] = 0
                elif sb:
                    b_sum.append(d)
                    dim_counts[d] = 0
        if a_sum:
            a = _sum(a, a_sum, True)
        if b_sum:
            b = _sum(b, b_sum, True)
        ops.insert(0, _sumproduct_pair(a, b, sum_dims))

    if perm_index - out_num_dim > 0:
        if num_ops > 1:
            return view(ops[0], ops[0]._data.shape[:out_num_dim])
        return _sum(ops[0], list(range(out_num_dim, perm_index)))
    return ops[0]


def _sumproduct_pair(left: Tensor, right: Tensor, sum_dims: list[int]) -> Tensor:
    """``(left * right).sum(sum_dims, keepdim=True)`` as one bmm between permuted reshapes."""
    if not sum_dims:
        return mul(left, right)
    ndim = left._data.ndim
    lro: list[int] = []
    lo: list[int] = []
    ro: list[int] = []
    lro_size = lo_size = ro_size = sum_size = 1
    for i in range(ndim):
        sl, sr = left._data.shape[i] != 1, right._data.shape[i] != 1
        if i in sum_dims:
            if sl and sr:
                if left._data.shape[i] != right._data.shape[i]:
                    raise RuntimeError("non-broadcast dimensions must match")
                sum_size *= left._data.shape[i]
            elif sl:
                left = _sum(left, i, True)
            elif sr:
                right = _sum(right, i, True)
        elif sl and sr:
            lro.append(i)
            lro_size *= left._data.shape[i]
        elif sl:
            lo.append(i)
            lo_size *= left._data.shape[i]
        else:
            ro.append(i)
            ro_size *= right._data.shape[i]
    out_size = ([left._data.shape[d] for d in lro] + [left._data.shape[d] for d in lo] + [1] * len(sum_dims)
                + [right._data.shape[d] for d in ro])
    lperm = lro + lo + sum_dims + ro
    rperm = lro + sum_dims + ro + lo
    operm = [0] * len(lperm)
    for i, d in enumerate(lperm):
        operm[d] = i
    left = reshape(permute(left, lperm), (lro_size, lo_size, sum_size))
    right = reshape(permute(right, rperm), (lro_size, sum_size, ro_size))
    return permute(view(bmm(left, right), out_size), operm)


# ---------------------------------------------------------------------------------------
# linalg.multi_dot, chain_matmul
# ---------------------------------------------------------------------------------------
_SCALAR_NAMES = {"float32": "float", "float64": "double", "float16": "c10::Half", "int64": "long int",
                 "int32": "int"}


def multi_dot(tensors: Sequence[Tensor]) -> Tensor:
    """The product of a chain of matrices, multiplied in the cheapest order (the first
    and last may be vectors)."""
    n = len(tensors)
    if n < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {n}")
    ts = list(tensors)
    first, last = ts[0]._data.ndim, ts[-1]._data.ndim
    if first not in (1, 2):
        raise RuntimeError(f"multi_dot(): the first tensor must be 1D or 2D but got {first}D")
    if last not in (1, 2):
        raise RuntimeError(f"multi_dot(): the last tensor must be 1D or 2D but got {last}D")
    for i in range(1, n - 1):
        if ts[i]._data.ndim != 2:
            raise RuntimeError(f"multi_dot(): tensor {i} must be 2D but got {ts[i]._data.ndim}D")
    dt = ts[0]._data.dtype
    for i, t_ in enumerate(ts):
        if t_._data.dtype != dt:
            raise RuntimeError(f"multi_dot(): all tensors must have be the same dtype but tensor 0 is "
                               f"{_SCALAR_NAMES.get(str(dt), str(dt))} and tensor {i} "
                               f"{_SCALAR_NAMES.get(str(t_._data.dtype), str(t_._data.dtype))}")
    out_shape: tuple = ()
    if first == 1:
        ts[0] = unsqueeze(ts[0], 0)
    else:
        out_shape += (ts[0]._data.shape[0],)
    if last == 1:
        ts[-1] = unsqueeze(ts[-1], -1)
    else:
        out_shape += (ts[-1]._data.shape[1],)
    for i in range(n - 1):
        if ts[i]._data.shape[1] != ts[i + 1]._data.shape[0]:
            raise RuntimeError(f"multi_dot(): tensors {i} and {i + 1} with shapes {list(ts[i]._data.shape)} and "
                               f"{list(ts[i + 1]._data.shape)} cannot be multiplied")
    if n == 2:
        return view(mm(ts[0], ts[1]), out_shape)
    if n == 3:
        a, b, c = ts
        p, q, r, s = a._data.shape[0], b._data.shape[0], c._data.shape[0], c._data.shape[1]
        cost_1 = (p * r) * (q + s)  # (ab)c
        cost_2 = (q * s) * (p + r)  # a(bc)
        out = mm(a, mm(b, c)) if cost_1 > cost_2 else mm(mm(a, b), c)
        return view(out, out_shape)
    order = _chain_order(ts)
    return view(_chain_product(ts, order, 0, n - 1), out_shape)


def _chain_order(ts: list[Tensor]) -> list[list[int]]:
    """The split points of the cheapest product (the classic dynamic program)."""
    n = len(ts)
    p = [t_._data.shape[0] for t_ in ts] + [ts[-1]._data.shape[1]]
    cost = [[0] * n for _ in range(n)]
    split = [[0] * n for _ in range(n)]
    for length in range(1, n):
        for i in range(n - length):
            j = i + length
            cost[i][j] = -1
            for k in range(i, j):
                q = cost[i][k] + cost[k + 1][j] + p[i] * p[k + 1] * p[j + 1]
                if cost[i][j] == -1 or q < cost[i][j]:
                    cost[i][j] = q
                    split[i][j] = k
    return split


def _chain_product(ts: list[Tensor], split: list[list[int]], i: int, j: int) -> Tensor:
    if i == j:
        return ts[i]
    k = split[i][j]
    return mm(_chain_product(ts, split, i, k), _chain_product(ts, split, k + 1, j))


def chain_matmul(*matrices: Tensor) -> Tensor:
    """The product of 2-D matrices (deprecated in PyTorch for linalg.multi_dot)."""
    if not matrices:
        raise RuntimeError("chain_matmul(): Expected one or more matrices")
    for m in matrices:
        if m._data.ndim != 2:
            raise RuntimeError(f"Tensor dimension is {m._data.ndim}, expected 2 instead.")
    if len(matrices) == 1:
        from .shape import clone

        return clone(matrices[0])
    return multi_dot(list(matrices))


TENSOR_METHODS: dict[str, Callable[..., Any]] = {
    "vdot": vdot, "addmv": addmv, "addr": addr, "baddbmm": baddbmm, "addbmm": addbmm, "kron": kron,
    "cross": cross, "trace": trace,
}
