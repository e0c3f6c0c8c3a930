"""Matrix functions and decompositions: torch.linalg's inv, det, slogdet, solve, cholesky,
qr, eigh, svd, pinv, matrix_power, matrix_rank (and torch's inverse, det, logdet, ...).

Every op batches over leading dims, works in real floating dtypes (float32, float64)
and records the Node PyTorch records (``linalg.inv`` -> ``LinalgInvExBackward0``,
``linalg.eigvalsh`` -> ``LinalgEighBackward0``, ...). Each derivative is written in ember
ops, so it is differentiable again (gradgradcheck). ``A^-T`` is ``inv(A).mT``, ``g`` the
incoming gradient, ``E_ij = x_j - x_i`` (1 on the diagonal):

==========  ===========================================================================
inv         gA = -R^T g R^T                                    (R = A^-1, the result)
det         gA = (g det) A^-T
slogdet     gA = g_logabsdet A^-T
solve       gB = solve(A^T, g);  gA = -gB X^T                    (X the result)
cholesky    gA = L^-T P L^-1,  P = sym(tril(L^T gL)) with its diagonal halved
qr          gA = [gQ + Q copyltu(triu(gR R^T - Q^T gQ))] R^-T     (m >= n; m < n splits A)
eigh        gA = V (diag(gw) + skew(V^T gV) / E) V^T,  skew(X) = (X - X^T) / 2
svd         gA = U [(skew2(U^T gU) S + S skew2(V^T gV)) / E(S^2) + diag(gS)] V^T + the
            terms for the columns outside span(U) or span(V)   (skew2(X) = X - X^T)
pinv        PyTorch's pinv_backward (matrix products of g, A and pinv(A))
==========  ===========================================================================

Deviations: complex inputs are computed forward but their gradients are not
(NotImplementedError); det/slogdet's gradient at a singular matrix raises
nothing: at a singular matrix det's gradient is the cofactor matrix from the SVD, as in
PyTorch, while slogdet's raises LinAlgError (PyTorch's is inf/nan there).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .._tensor import Tensor
from ..autograd.graph import pack_saved
from ._op import derivative, record_multi, requires_grad, wrap
from .linalg import matmul
from .pointwise import add, div, legacy_name, mul, neg, sub, where
from .shape import clone, transpose, unsqueeze


class LinAlgError(RuntimeError):
    """torch.linalg.LinAlgError: a singular or non positive-definite input."""


def _np_svd(x: np.ndarray, **kwargs: Any) -> Any:
    """np.linalg.svd with PyTorch's error (a RuntimeError subclass) when it does not converge."""
    try:
        return np.linalg.svd(x, **kwargs)
    except np.linalg.LinAlgError:
        raise LinAlgError("linalg.svd: The algorithm failed to converge because the input matrix is "
                          "ill-conditioned or has too many repeated singular values (or contains non-finite "
                          "values).") from None


# ---------------------------------------------------------------------------------------
# Tensor helpers for the formulas (all differentiable)
# ---------------------------------------------------------------------------------------
def _mT(x: Tensor) -> Tensor:  # noqa: N802 - A.mT
    return transpose(x, -2, -1)


def _eye(n: int, like: Tensor) -> Tensor:
    return wrap(np.eye(n, dtype=like._data.dtype))


def _tril(x: Tensor, k: int = 0) -> Tensor:
    m, n = x._data.shape[-2:]
    return mul(x, wrap(np.tri(m, n, k, dtype=x._data.dtype)))


def _triu(x: Tensor, k: int = 0) -> Tensor:
    m, n = x._data.shape[-2:]
    return mul(x, wrap(1 - np.tri(m, n, k - 1, dtype=x._data.dtype)))


def _diag_embed(v: Tensor) -> Tensor:
    return mul(unsqueeze(v, -1), _eye(v._data.shape[-1], v))


def _mat(v: Tensor) -> Tensor:
    """A batch of scalars as a batch of 1x1 matrices (to scale matrices)."""
    return unsqueeze(unsqueeze(v, -1), -1)


def _diff(x: Tensor) -> Tensor:
    """E_ij = x_j - x_i, with ones on the diagonal (so that dividing by it is safe there)."""
    return add(sub(unsqueeze(x, -2), unsqueeze(x, -1)), _eye(x._data.shape[-1], x))


def _real_only(name: str, *xs: Tensor) -> None:
    if any(x._data.dtype.kind == "c" for x in xs):
        raise NotImplementedError(f"ember: the derivative of {name} for complex tensors is not implemented")


# ---------------------------------------------------------------------------------------
# Derivatives
# ---------------------------------------------------------------------------------------
def _inv_backward(grad: Tensor, inverse: Tensor) -> Tensor:
    r = _mT(inverse)
    return neg(matmul(matmul(r, grad), r))


def _det_backward(grad: Tensor, A: Tensor, det: Tensor) -> Tensor:  # noqa: N803 - the matrix A
    if np.any(det._data == 0) and np.any(_singular_info(A._data)):
        return _det_backward_singular(grad, A)
    return mul(_mat(mul(grad, det)), _mT(linalg_inv(A)))


def _det_backward_singular(grad: Tensor, A: Tensor) -> Tensor:  # noqa: N803
    """The cofactor matrix from the SVD, defined where A^-1 is not: with A = U S Vh,
    cof(A) = det(U) det(Vh) U diag(prod_{j != i} s_j) Vh (PyTorch's choice too)."""
    from .shape import stack

    u, s, vh = linalg_svd(A, full_matrices=False)
    sign = wrap(np.linalg.det(u._data) * np.linalg.det(vh._data))
    n = s._data.shape[-1]
    cols = [s[..., j] for j in range(n)]
    prods = []
    for i in range(n):
        others = [c for j, c in enumerate(cols) if j != i]
        p = others[0] if others else wrap(np.ones(s._data.shape[:-1], s._data.dtype))
        for c in others[1:]:
            p = mul(p, c)
        prods.append(p)
    cof = matmul(mul(u, unsqueeze(stack(prods, -1), -2)), vh)
    return mul(_mat(mul(grad, sign)), cof)


def _slogdet_backward(grads: tuple, A: Tensor) -> Tensor | None:  # noqa: N803
    g = grads[1]
    if g is None:
        return None
    return mul(_mat(g), _mT(linalg_inv(A)))


def _solve_backward_b(grad: Tensor, A: Tensor, left: bool, result: Tensor) -> Tensor:  # noqa: N803
    return linalg_solve(_mT(A), grad, left=left)


def _solve_backward_a(grad: Tensor, A: Tensor, left: bool, result: Tensor) -> Tensor:  # noqa: N803
    gb = linalg_solve(_mT(A), grad, left=left)
    if result._data.ndim == A._data.ndim - 1:  # the vector case: an outer product
        return neg(mul(unsqueeze(gb, -1), unsqueeze(result, -2)))
    return neg(matmul(gb, _mT(result)) if left else matmul(_mT(result), gb))


def _cholesky_backward(grad: Tensor, upper: bool, result: Tensor) -> Tensor:
    L, gL = (_mT(result), _mT(grad)) if upper else (result, grad)  # noqa: N806 - L as in A = LL^T
    p = _tril(matmul(_mT(L), gL))
    p = mul(add(p, _mT(_tril(p, -1))), 0.5)
    linv = linalg_inv(L)
    return matmul(matmul(_mT(linv), p), linv)


def _qr_backward(grads: tuple, mode: str, Q: Tensor, R: Tensor) -> Tensor:  # noqa: N803
    gQ, gR = grads  # noqa: N806
    if mode == "r":
        raise RuntimeError("The derivative of linalg.qr depends on Q, which is not computed when mode='r'. Please "
                           "use linalg.qr(A, mode='reduced') if you are going to differentiate through linalg.qr.")
    m, n = Q._data.shape[-2], R._data.shape[-1]
    if mode == "complete" and m > n:
        raise RuntimeError("The QR decomposition is not differentiable when mode='complete' and nrows > ncols.")
    if m >= n:
        return _qr_backward_tall(gQ, gR, Q, R)
    # A = Q [R1 R2] with X = A[:, :m] = Q R1 (square) and Y = A[:, m:] = Q R2, R2 = Q^T Y.
    R1, R2 = R[..., :, :m], R[..., :, m:]  # noqa: N806
    gR1 = gR[..., :, :m] if gR is not None else None  # noqa: N806
    gR2 = gR[..., :, m:] if gR is not None else None  # noqa: N806
    Y = matmul(Q, R2)  # noqa: N806 - equals A[:, m:], as a function of Q and R2
    if gR2 is not None:
        gQ = matmul(Y, _mT(gR2)) if gQ is None else add(gQ, matmul(Y, _mT(gR2)))  # noqa: N806
    gX = _qr_backward_tall(gQ, gR1, Q, R1)  # noqa: N806
    gY = matmul(Q, gR2) if gR2 is not None else mul(Y, 0.0)  # noqa: N806
    from .shape import cat

    return cat([gX, gY], -1)


def _qr_backward_tall(gQ: Tensor | None, gR: Tensor | None, Q: Tensor, R: Tensor) -> Tensor:  # noqa: N803
    if gR is not None and gQ is not None:
        m = sub(matmul(gR, _mT(R)), matmul(_mT(Q), gQ))
    elif gQ is not None:
        m = neg(matmul(_mT(Q), gQ))
    else:
        assert gR is not None
        m = matmul(gR, _mT(R))
    u = _triu(m)
    g = matmul(Q, add(u, _mT(_triu(m, 1))))  # copyltu: triu(M) + triu(M, 1)^T
    if gQ is not None:
        g = add(g, gQ)
    return matmul(g, _mT(linalg_inv(R)))


def _eigh_backward(grads: tuple, w: Tensor, V: Tensor) -> Tensor:  # noqa: N803
    gw, gV = grads  # noqa: N806
    parts = []
    if gV is not None:
        vgv = matmul(_mT(V), gV)
        parts.append(div(mul(sub(vgv, _mT(vgv)), 0.5), _diff(w)))
    if gw is not None:
        parts.append(_diag_embed(gw))
    inner = parts[0] if len(parts) == 1 else add(parts[0], parts[1])
    return matmul(V, matmul(inner, _mT(V)))


def _svd_backward(grads: tuple, full_matrices: bool, U: Tensor, S: Tensor, Vh: Tensor) -> Tensor:  # noqa: N803
    gU, gS, gVh = grads  # noqa: N806
    k = S._data.shape[-1]
    if full_matrices:  # only the first k singular vectors are determined by A
        U, Vh = U[..., :, :k], Vh[..., :k, :]  # noqa: N806
        gU = gU[..., :, :k] if gU is not None else None  # noqa: N806
        gVh = gVh[..., :k, :] if gVh is not None else None  # noqa: N806
    m, n = U._data.shape[-2], Vh._data.shape[-1]
    if gU is None and gVh is None:
        return matmul(U, mul(unsqueeze(gS, -1), Vh)) if m >= n else matmul(mul(U, unsqueeze(gS, -2)), Vh)
    s_row, s_col = unsqueeze(S, -2), unsqueeze(S, -1)
    e = _diff(mul(S, S))
    ret = None
    if gU is not None:
        uhgu = matmul(_mT(U), gU)
        ret = mul(sub(uhgu, _mT(uhgu)), s_row)
    if gVh is not None:
        vhgv = matmul(Vh, _mT(gVh))
        term = mul(s_col, sub(vhgv, _mT(vhgv)))
        ret = term if ret is None else add(ret, term)
    assert ret is not None
    ret = div(ret, e)
    if gS is not None:
        ret = add(ret, _diag_embed(gS))
    if m > n and gU is not None:
        g = matmul(U, ret)
        gus = div(gU, s_row)
        g = sub(add(g, gus), matmul(U, matmul(_mT(U), gus)))
        return matmul(g, Vh)
    if m < n and gVh is not None:
        g = matmul(ret, Vh)
        sgv = div(gVh, s_col)
        g = sub(add(g, sgv), matmul(matmul(sgv, _mT(Vh)), Vh))
        return matmul(U, g)
    return matmul(U, matmul(ret, Vh)) if m >= n else matmul(matmul(U, ret), Vh)


def _pinv_backward(grad: Tensor, A: Tensor, pinv: Tensor) -> Tensor:  # noqa: N803
    m, n = A._data.shape[-2:]
    pinvh, gradh = _mT(pinv), _mT(grad)
    if m <= n:
        k = matmul(gradh, pinv)
        kpinvh = matmul(k, pinvh)
        out = add(neg(_mT(matmul(pinv, k))), kpinvh)
        out = sub(out, matmul(matmul(A, pinv), kpinvh))
        return add(out, matmul(matmul(pinvh, pinv), sub(gradh, matmul(k, A))))
    k = matmul(pinv, gradh)
    pinvhk = matmul(pinvh, k)
    out = neg(_mT(matmul(k, pinv)))
    out = add(out, matmul(matmul(sub(gradh, matmul(A, k)), pinv), pinvh))
    return sub(add(out, pinvhk), matmul(matmul(pinvhk, pinv), A))


LinalgInvExBackward0 = derivative("linalg_inv_ex", ("inverse",), _inv_backward)
LinalgDetBackward0 = derivative("linalg_det", ("A", "result"), _det_backward)
LinalgSlogdetBackward0 = derivative("linalg_slogdet", ("A",), _slogdet_backward, n_outputs=2)
LinalgSolveExBackward0 = derivative("linalg_solve_ex", ("A", "left", "result"),
                                    _solve_backward_a, _solve_backward_b)
LinalgCholeskyExBackward0 = derivative("linalg_cholesky_ex", ("upper", "L"), _cholesky_backward)
CholeskyBackward0 = derivative("cholesky", ("upper", "result"), _cholesky_backward)
LinalgQrBackward0 = derivative("linalg_qr", ("mode", "Q", "R"), _qr_backward, n_outputs=2)
LinalgEighBackward0 = derivative("linalg_eigh", ("eigenvalues", "eigenvectors"), _eigh_backward, n_outputs=2)
LinalgSvdBackward0 = derivative("linalg_svd", ("full_matrices", "U", "S", "Vh"), _svd_backward, n_outputs=3)
LinalgPinvBackward0 = derivative("linalg_pinv", ("self", "result"), _pinv_backward)


class _Out:
    """In a ``saved`` tuple of ``_record``: output number ``i`` of the op (saved without a cycle)."""

    __slots__ = ("i",)

    def __init__(self, i: int) -> None:
        self.i = i


def _record(cls: type, datas: tuple, inputs: tuple, saved: tuple) -> tuple[Tensor, ...]:
    """Make the Node and its outputs; ``saved`` may hold inputs, ``_Out(i)`` and plain values."""
    outs = record_multi(cls, datas, inputs)
    node = outs[0]._grad_fn
    values: list[Any] = []
    versions: list[int | None] = []
    for v in saved:
        if isinstance(v, _Out):
            value, version = pack_saved(outs[v.i], True, v.i)
        elif isinstance(v, Tensor):
            value, version = pack_saved(v, False)
        else:
            value, version = v, None
        values.append(value)
        versions.append(version)
    node._saved = tuple(values)
    node._versions = tuple(versions) if any(x is not None for x in versions) else None
    return outs


# ---------------------------------------------------------------------------------------
# Checks and PyTorch's messages
# ---------------------------------------------------------------------------------------
def _check_float(name: str, x: np.ndarray) -> None:
    if x.dtype.kind not in "fc":
        raise RuntimeError(f"{name}: Expected a floating point or complex tensor as input. Got {legacy_name(x.dtype)}")
    if x.dtype == np.float16:
        raise RuntimeError(f"{name}: Low precision dtypes not supported. Got {legacy_name(x.dtype)}")


def _check_matrix(name: str, A: Tensor, square: bool = True) -> np.ndarray:  # noqa: N803
    if not isinstance(A, Tensor):
        raise TypeError(f"{name}(): argument 'A' (position 1) must be Tensor, not {type(A).__name__}")
    x = A._data
    if x.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")
    if square and x.shape[-1] != x.shape[-2]:
        raise RuntimeError(f"{name}: A must be batches of square matrices, but they are {x.shape[-2]} by "
                           f"{x.shape[-1]} matrices")
    _check_float(name, x)
    return x


def _batch_prefix(x: np.ndarray, index: int) -> str:
    return f"(Batch element {index}): " if x.ndim > 2 else ""


def _getrf_info(a: np.ndarray) -> int:
    """LAPACK getrf's ``info`` for one matrix: the 1-based index of the first zero pivot."""
    a = np.array(a, dtype=np.float64 if a.dtype.kind == "f" else np.complex128)
    n = a.shape[0]
    info = 0
    for j in range(n):
        p = j + int(np.argmax(np.abs(a[j:, j])))
        if a[p, j] == 0:
            info = info or j + 1
            continue
        a[[j, p]] = a[[p, j]]
        a[j + 1:, j] /= a[j, j]
        a[j + 1:, j + 1:] -= np.outer(a[j + 1:, j], a[j, j + 1:])
    return info


def _singular_info(x: np.ndarray) -> np.ndarray:
    """getrf's info for each matrix of the batch (int32, the batch's shape)."""
    flat = x.reshape((-1,) + x.shape[-2:])
    return np.array([_getrf_info(m) for m in flat], dtype=np.int32).reshape(x.shape[:-2])


def _raise_singular(name: str, x: np.ndarray) -> None:
    info = _singular_info(x).reshape(-1)
    bad = int(np.flatnonzero(info)[0]) if np.any(info) else 0
    raise LinAlgError(
        f"{name}: {_batch_prefix(x, bad)}The diagonal element {int(info[bad]) if info.size else 0} is zero, the "
        "inversion could not be completed because the input matrix is singular."
    )


# ---------------------------------------------------------------------------------------
# inv, det, slogdet, logdet
# ---------------------------------------------------------------------------------------
def _inv_data(name: str, x: np.ndarray) -> np.ndarray:
    try:
        return np.linalg.inv(x)
    except np.linalg.LinAlgError:
        _raise_singular(name, x)
        raise


def linalg_inv(A: Tensor) -> Tensor:  # noqa: N803 - PyTorch's argument name
    """The inverse of a square matrix (or batch); a singular one raises LinAlgError."""
    x = _check_matrix("linalg.inv", A)
    data = _inv_data("linalg.inv", x)
    if requires_grad(A):
        _real_only("linalg.inv", A)
        return _record(LinalgInvExBackward0, (data,), (A,), (_Out(0),))[0]
    return wrap(data)


def linalg_inv_ex(A: Tensor, *, check_errors: bool = False) -> Any:  # noqa: N803
    """(inverse, info): ``info`` is LAPACK's (0, or the index of a zero pivot) per matrix."""
    x = _check_matrix("linalg.inv_ex", A)
    info = _singular_info(x) if x.size else np.zeros(x.shape[:-2], np.int32)
    if check_errors and np.any(info):
        _raise_singular("linalg.inv_ex", x)
    if np.any(info):
        with np.errstate(all="ignore"):
            data = np.full(x.shape, np.nan, x.dtype)
            ok = info == 0
            if np.any(ok):
                data[ok] = np.linalg.inv(x[ok])
    else:
        data = np.linalg.inv(x)
    if requires_grad(A):
        _real_only("linalg.inv_ex", A)
        inverse = _record(LinalgInvExBackward0, (data,), (A,), (_Out(0),))[0]
    else:
        inverse = wrap(data)
    return return_types.linalg_inv_ex(inverse, wrap(info))


def linalg_det(A: Tensor) -> Tensor:  # noqa: N803
    """The determinant of a square matrix (or batch)."""
    x = _check_matrix("linalg.det", A)
    data = np.asarray(np.linalg.det(x), dtype=x.dtype)
    if requires_grad(A):
        _real_only("linalg.det", A)
        return _record(LinalgDetBackward0, (data,), (A,), (A, _Out(0)))[0]
    return wrap(data)


def linalg_slogdet(A: Tensor) -> Any:  # noqa: N803
    """(sign, logabsdet) of the determinant: stable where det over- or underflows."""
    return _slogdet("linalg.slogdet", A, "linalg_slogdet")


def slogdet(input: Tensor) -> Any:
    return _slogdet("linalg.slogdet", input, "slogdet")


def _slogdet(name: str, A: Tensor, result: str) -> Any:  # noqa: N803
    x = _check_matrix(name, A)
    sign, logabs = np.linalg.slogdet(x)
    sign, logabs = np.asarray(sign, dtype=x.dtype), np.asarray(logabs, dtype=x.real.dtype)
    if requires_grad(A):
        _real_only(name, A)
        outs = _record(LinalgSlogdetBackward0, (sign, logabs), (A,), (A,))
    else:
        outs = (wrap(sign), wrap(logabs))
    return getattr(return_types, result)(*outs)


def logdet(input: Tensor) -> Tensor:
    """log(det(A)): nan for a negative determinant, -inf for a singular matrix (as PyTorch)."""
    sign, logabs = _slogdet("logdet", input, "slogdet")
    return where(wrap(sign._data == -1), float("nan"), logabs)


# ---------------------------------------------------------------------------------------
# solve
# ---------------------------------------------------------------------------------------
def linalg_solve(A: Tensor, B: Tensor, *, left: bool = True) -> Tensor:  # noqa: N803
    """X with AX = B (or XA = B when ``left=False``); B may be a (batch of) vector(s)."""
    x = _check_matrix("linalg.solve", A)
    if not isinstance(B, Tensor):
        raise TypeError(f"linalg_solve(): argument 'B' (position 2) must be Tensor, not {type(B).__name__}")
    b = B._data
    _check_float("linalg.solve", b)
    if x.dtype != b.dtype:
        raise RuntimeError(f"linalg.solve: Expected A and B to have the same dtype, but found A of type "
                           f"{legacy_name(x.dtype)} and B of type {legacy_name(b.dtype)} instead")
    vector = b.ndim == 1 or (b.ndim == x.ndim - 1 and b.shape == x.shape[:-1])
    bm = b[..., None] if vector else b
    if left:
        ok = bm.shape[-2] == x.shape[-1]
    else:
        ok = not vector and bm.shape[-1] == x.shape[-2]
    if not ok:
        shape = f"{bm.shape[-2]}x{bm.shape[-1]}"
        eq = "AX = B" if left else "XA = B"
        raise RuntimeError(f"linalg.solve: Incompatible shapes of A and B for the equation {eq} "
                           f"({x.shape[-2]}x{x.shape[-1]} and {shape})")
    try:
        if left:
            batch = np.broadcast_shapes(x.shape[:-2], bm.shape[:-2])
            data = np.linalg.solve(np.broadcast_to(x, batch + x.shape[-2:]), np.broadcast_to(bm, batch + bm.shape[-2:]))
        else:
            batch = np.broadcast_shapes(x.shape[:-2], bm.shape[:-2])
            xt = np.swapaxes(np.broadcast_to(x, batch + x.shape[-2:]), -1, -2)
            data = np.swapaxes(np.linalg.solve(xt, np.swapaxes(np.broadcast_to(bm, batch + bm.shape[-2:]), -1, -2)),
                               -1, -2)
    except np.linalg.LinAlgError:
        raise LinAlgError("linalg.solve: The solver failed because the input matrix is singular.") from None
    except ValueError as e:
        raise RuntimeError(f"linalg.solve: {e}") from None
    if vector:
        data = data[..., 0]
    data = np.ascontiguousarray(data)
    if requires_grad(A, B):
        _real_only("linalg.solve", A, B)
        return _record(LinalgSolveExBackward0, (data,), (A, B), (A, left, _Out(0)))[0]
    return wrap(data)


# ---------------------------------------------------------------------------------------
# cholesky, qr, eigh, svd
# ---------------------------------------------------------------------------------------
def _cholesky_data(name: str, x: np.ndarray) -> np.ndarray:
    try:
        return np.linalg.cholesky(x)
    except np.linalg.LinAlgError:
        flat = x.reshape((-1,) + x.shape[-2:])
        for i, m in enumerate(flat):
            for k in range(1, m.shape[0] + 1):
                try:
                    np.linalg.cholesky(m[:k, :k])
                except np.linalg.LinAlgError:
                    raise LinAlgError(
                        f"{name}: {_batch_prefix(x, i)}The factorization could not be completed because the input "
                        f"is not positive-definite (the leading minor of order {k} is not positive-definite)."
                    ) from None
        raise


def linalg_cholesky(A: Tensor, *, upper: bool = False) -> Tensor:  # noqa: N803
    """L with A = L L^T (lower triangle of A read); U = L^T when ``upper``."""
    x = _check_matrix("linalg.cholesky", A)
    data = _cholesky_data("linalg.cholesky", x)
    if upper:
        data = np.ascontiguousarray(np.swapaxes(data, -1, -2))
    if requires_grad(A):
        _real_only("linalg.cholesky", A)
        return _record(LinalgCholeskyExBackward0, (data,), (A,), (upper, _Out(0)))[0]
    return wrap(data)


def cholesky(input: Tensor, upper: bool = False) -> Tensor:
    """torch.cholesky (deprecated in PyTorch for linalg.cholesky): its own Node, CholeskyBackward0."""
    x = _check_matrix("cholesky", input)
    data = _cholesky_data("cholesky", x)
    if upper:
        data = np.ascontiguousarray(np.swapaxes(data, -1, -2))
    if requires_grad(input):
        _real_only("cholesky", input)
        return _record(CholeskyBackward0, (data,), (input,), (upper, _Out(0)))[0]
    return wrap(data)


def linalg_qr(A: Tensor, mode: str = "reduced") -> Any:  # noqa: N803
    """(Q, R) with A = QR; ``mode`` 'reduced', 'complete' or 'r' (Q empty)."""
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of 'reduced' (default), 'r', "
                           "or 'complete'")
    x = _check_matrix("linalg.qr", A, square=False)
    q: Any
    r: Any
    if mode == "r":
        r = np.linalg.qr(x, mode="r")
        q = np.zeros((0,), x.dtype)
    else:
        mode_: Any = mode  # (NumPy's stubs want a Literal)
        q, r = np.linalg.qr(x, mode=mode_)
    q, r = np.ascontiguousarray(q), np.ascontiguousarray(r)
    if requires_grad(A):
        _real_only("linalg.qr", A)
        outs = _record(LinalgQrBackward0, (q, r), (A,), (mode, _Out(0), _Out(1)))
    else:
        outs = (wrap(q), wrap(r))
    return return_types.linalg_qr(*outs)


def _eigh_data(A: Tensor, UPLO: str, name: str) -> tuple[np.ndarray, np.ndarray]:  # noqa: N803
    if UPLO not in ("L", "U"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")
    x = A._data if isinstance(A, Tensor) else None
    if x is not None and x.ndim >= 2 and x.dtype.kind not in "fc":
        raise NotImplementedError(f"\"linalg_eigh_cpu\" not implemented for '{legacy_name(x.dtype)}'")
    x = _check_matrix(name, A)
    uplo: Any = UPLO
    w, v = np.linalg.eigh(x, UPLO=uplo)
    return np.ascontiguousarray(w), np.ascontiguousarray(v)


def linalg_eigh(A: Tensor, UPLO: str = "L") -> Any:  # noqa: N803
    """(eigenvalues ascending, eigenvectors) of a symmetric matrix (only the ``UPLO`` triangle is read)."""
    w, v = _eigh_data(A, UPLO, "linalg.eigh")
    if requires_grad(A):
        _real_only("linalg.eigh", A)
        outs = _record(LinalgEighBackward0, (w, v), (A,), (_Out(0), _Out(1)))
    else:
        outs = (wrap(w), wrap(v))
    return return_types.linalg_eigh(*outs)


def linalg_eigvalsh(A: Tensor, UPLO: str = "L") -> Tensor:  # noqa: N803
    """The eigenvalues of a symmetric matrix (its Node is eigh's, which keeps the eigenvectors)."""
    if requires_grad(A):
        return linalg_eigh(A, UPLO)[0]
    uplo: Any = UPLO
    w = np.linalg.eigvalsh(_check_matrix("linalg.eigh", A), UPLO=uplo) if UPLO in ("L", "U") else None
    if w is None:
        _eigh_data(A, UPLO, "linalg.eigh")
    return wrap(np.ascontiguousarray(w))


def linalg_svd(A: Tensor, full_matrices: bool = True, *, driver: str | None = None) -> Any:  # noqa: N803
    """(U, S, Vh) with A = U diag(S) Vh, singular values descending."""
    x = _check_matrix("linalg.svd", A, square=False)
    u, s, vh = (np.ascontiguousarray(a) for a in _np_svd(x, full_matrices=full_matrices))
    if requires_grad(A):
        _real_only("linalg.svd", A)
        outs = _record(LinalgSvdBackward0, (u, s, vh), (A,), (full_matrices, _Out(0), _Out(1), _Out(2)))
    else:
        outs = (wrap(u), wrap(s), wrap(vh))
    return return_types.linalg_svd(*outs)


def svd(input: Tensor, some: bool = True, compute_uv: bool = True) -> Any:
    """torch.svd (deprecated in PyTorch): (U, S, V), V not transposed."""
    if not compute_uv:
        s = linalg_svdvals(input)
        x = input._data
        m, n = x.shape[-2:]
        zeros = (np.zeros(x.shape[:-2] + (m, m if not some else min(m, n)), x.dtype),
                 np.zeros(x.shape[:-2] + (n, n if not some else min(m, n)), x.dtype))
        return return_types.svd(wrap(zeros[0]), s, wrap(zeros[1]))
    u, s, vh = linalg_svd(input, full_matrices=not some)
    return return_types.svd(u, s, _mT(vh))


def linalg_svdvals(A: Tensor, *, driver: str | None = None) -> Tensor:  # noqa: N803
    """The singular values, descending (its Node is svd's, which keeps U and Vh)."""
    if requires_grad(A):
        return linalg_svd(A, full_matrices=False)[1]
    x = _check_matrix("linalg.svd", A, square=False)
    return wrap(np.ascontiguousarray(_np_svd(x, compute_uv=False)))


# ---------------------------------------------------------------------------------------
# pinv, matrix_rank, matrix_power
# ---------------------------------------------------------------------------------------
def _tolerance(s: np.ndarray, shape: tuple, atol: Any, rtol: Any) -> np.ndarray:
    """max(atol, rtol * largest singular value), with PyTorch's defaults."""
    atol_v = 0.0 if atol is None else (atol._data if isinstance(atol, Tensor) else atol)
    if rtol is None:
        rtol_v = 0.0 if (atol is not None and np.all(np.asarray(atol_v) > 0)) else \
            np.finfo(s.dtype).eps * max(shape[-2:])
    else:
        rtol_v = rtol._data if isinstance(rtol, Tensor) else rtol
    smax = s[..., :1] if s.shape[-1] else np.zeros(s.shape[:-1] + (1,), s.dtype)
    return np.maximum(np.asarray(atol_v)[..., None] if np.ndim(atol_v) else atol_v,
                      (np.asarray(rtol_v)[..., None] if np.ndim(rtol_v) else rtol_v) * smax)


def linalg_pinv(A: Tensor, *, atol: Any = None, rtol: Any = None, hermitian: bool = False) -> Tensor:  # noqa: N803
    """The Moore-Penrose pseudoinverse, from the SVD with singular values <= tol dropped."""
    if not isinstance(A, Tensor) or A._data.ndim < 2 or A._data.dtype.kind not in "fc" or A._data.dtype == np.float16:
        x = A._data
        kind = {"float16": "Half", "int64": "Long", "int32": "Int", "bool": "Bool"}.get(str(x.dtype), str(x.dtype))
        raise RuntimeError(f"linalg.pinv({kind}{{{list(x.shape)}}}): expected a tensor with 2 or more dimensions "
                           "of float, double, cfloat or cdouble types")
    x = A._data
    u, s, vh = _np_svd(x, full_matrices=False)
    tol = _tolerance(s, x.shape, atol, rtol)
    with np.errstate(divide="ignore"):
        s_inv = np.where(s > tol, 1 / np.where(s > tol, s, 1), 0).astype(s.dtype)
    data = np.ascontiguousarray(np.swapaxes(vh, -1, -2) @ (s_inv[..., :, None] * np.swapaxes(u, -1, -2)))
    if requires_grad(A):
        _real_only("linalg.pinv", A)
        return _record(LinalgPinvBackward0, (data,), (A,), (A, _Out(0)))[0]
    return wrap(data)


def linalg_matrix_rank(A: Tensor, *, atol: Any = None, rtol: Any = None, hermitian: bool = False) -> Tensor:  # noqa: N803
    """The number of singular values above max(atol, rtol * largest), as int64."""
    x = A._data
    if x.dtype.kind not in "fc" or x.dtype == np.float16:
        raise RuntimeError("This function doesn't handle types other than float and double")
    if x.ndim < 2:
        raise RuntimeError("linalg.matrix_rank: The input tensor input must have at least 2 dimensions.")
    s = np.abs(np.linalg.eigvalsh(x))[..., ::-1] if hermitian else _np_svd(x, compute_uv=False)
    if hermitian:
        s = np.sort(s, axis=-1)[..., ::-1]
    tol = _tolerance(s, x.shape, atol, rtol)
    return wrap(np.asarray(np.sum(s > tol, axis=-1), dtype=np.int64))


def linalg_matrix_power(A: Tensor, n: int) -> Tensor:  # noqa: N803
    """A^n by repeated squaring (A^-n from inv(A)); recorded as PyTorch records it."""
    x = A._data
    if x.ndim < 2:
        raise RuntimeError("linalg.matrix_power: The input tensor A must have at least 2 dimensions.")
    if x.shape[-1] != x.shape[-2]:
        raise RuntimeError(f"linalg.matrix_power: A must be batches of square matrices, but they are {x.shape[-2]} "
                           f"by {x.shape[-1]} matrices")
    if n == 0:
        eye = np.broadcast_to(np.eye(x.shape[-1], dtype=x.dtype), x.shape)
        return _copy_from_eye(A, np.array(eye))  # a writable copy (broadcast_to's view is read-only)
    if n == 1:
        return clone(A)
    if n == -1:
        return linalg_inv(A)
    a = linalg_inv(A) if n < 0 else A
    n = abs(n)
    if n == 2:
        return matmul(a, a)
    if n == 3:
        return matmul(matmul(a, a), a)
    z: Tensor | None = None
    result: Tensor | None = None
    while n > 0:
        bit, n = n % 2, n // 2
        z = a if z is None else matmul(z, z)
        if bit:
            result = z if result is None else matmul(result, z)
    assert result is not None
    return result


class _CopyBackwards(derivative("copy_backwards", (), lambda grad: mul(grad, 0))):  # type: ignore[misc]
    """``self.clone().copy_(eye)``: PyTorch's CopyBackwards, whose gradient for self is 0."""

    __slots__ = ()

    def name(self) -> str:
        return "ember::autograd::CopyBackwards"


def _copy_from_eye(A: Tensor, data: np.ndarray) -> Tensor:  # noqa: N803
    if requires_grad(A):
        return record_multi(_CopyBackwards, (data,), (A,))[0]
    return wrap(data)


# ---------------------------------------------------------------------------------------
# Named results, as torch.return_types
# ---------------------------------------------------------------------------------------
def _item_getter(i: int) -> Callable[[tuple], Any]:
    return lambda self: self[i]


def _result_type(name: str, fields: tuple[str, ...]) -> type:
    def __new__(cls: type, *values: Any) -> Any:  # noqa: N807
        return tuple.__new__(cls, values)

    def __repr__(self: tuple) -> str:  # noqa: N807
        body = ",\n".join(f"{f}={v!r}" for f, v in zip(fields, self, strict=True))
        return f"ember.return_types.{name}(\n{body})"

    ns: dict[str, Any] = {"__new__": __new__, "__repr__": __repr__, "__slots__": (), "_fields": fields}
    for i, f in enumerate(fields):
        ns[f] = property(_item_getter(i))
    return type(name, (tuple,), ns)


class _ReturnTypes:
    linalg_inv_ex = _result_type("linalg_inv_ex", ("inverse", "info"))
    linalg_slogdet = _result_type("linalg_slogdet", ("sign", "logabsdet"))
    slogdet = _result_type("slogdet", ("sign", "logabsdet"))
    linalg_qr = _result_type("linalg_qr", ("Q", "R"))
    linalg_eigh = _result_type("linalg_eigh", ("eigenvalues", "eigenvectors"))
    linalg_svd = _result_type("linalg_svd", ("U", "S", "Vh"))
    svd = _result_type("svd", ("U", "S", "V"))


return_types = _ReturnTypes


def _inverse_method(self: Tensor) -> Tensor:
    return linalg_inv(self)


def pinverse(input: Tensor, rcond: float = 1e-15) -> Tensor:
    """torch.pinverse: linalg.pinv with ``rtol=rcond``."""
    return linalg_pinv(input, rtol=rcond)


TENSOR_METHODS: dict[str, Callable[..., Any]] = {
    "inverse": _inverse_method, "det": linalg_det, "slogdet": slogdet, "logdet": logdet, "cholesky": cholesky,
    "svd": svd, "pinverse": pinverse,
    "matrix_power": linalg_matrix_power,
}
