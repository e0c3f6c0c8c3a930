"""Registry rows of ember/ops/linalg_more.py and ember/ops/decomposition.py.

Decompositions get inputs where they are smooth: well-conditioned matrices (``_wc``),
symmetric positive definite ones for cholesky, distinct eigenvalues for eigh, full rank
for svd/qr. eigh and cholesky read one triangle only, so their rows call the op on
``A + A.mT`` (PyTorch's own OpInfos do the same: gradcheck then perturbs a function of
the whole matrix). The factors' signs are LAPACK's in both libraries (the same
routines), so Q, V, U and Vh are compared as they are; ``*_invariant`` rows also
compare sign-invariant functions of them.
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

import numpy as np
from op_info import F32, OpInfo, Sample, T, ints, rnd

import ember
from ember.ops import decomposition as dc
from ember.ops import linalg_more as lm


def top(name: str, fallback: Callable[..., Any]) -> Callable[..., Any]:
    """``module.<name>(...)``; for ember, the op's own function until ember/__init__ exports it."""
    parts = name.split(".")

    def call(m: ModuleType, *args: Any, **kwargs: Any) -> Any:
        f: Any = m
        for p in parts:
            f = getattr(f, p, None)
            if f is None:
                assert m is ember, name
                return fallback(*args, **kwargs)
        return f(*args, **kwargs)

    return call


def _wc(rng: np.random.Generator, shape: tuple, dt: np.dtype) -> np.ndarray:
    """Well-conditioned square matrices: small entries plus n on the diagonal, random sign."""
    n = shape[-1]
    a = rng.uniform(-1, 1, shape) + n * np.eye(n) * rng.choice([-1.0, 1.0], shape[:-2] + (1, 1))
    return a.astype(dt)


def _full_rank(rng: np.random.Generator, shape: tuple, dt: np.dtype) -> np.ndarray:
    """m x n matrices with well-separated singular values (2, 1.5, 1, ...)."""
    m, n = shape[-2:]
    k = min(m, n)
    out = []
    for _ in range(int(np.prod(shape[:-2], dtype=int))):
        u, _r = np.linalg.qr(rng.standard_normal((m, m)))
        v, _r = np.linalg.qr(rng.standard_normal((n, n)))
        s = np.zeros((m, n))
        s[range(k), range(k)] = 2.0 - 0.5 * np.arange(k)
        out.append(u @ s @ v.T)
    return np.array(out).reshape(shape).astype(dt)


def _sym_half(rng: np.random.Generator, shape: tuple, dt: np.dtype, spd: bool = True) -> np.ndarray:
    """X with X + X^T symmetric positive definite (or with distinct eigenvalues), X itself not symmetric."""
    n = shape[-1]
    out = []
    for _ in range(int(np.prod(shape[:-2], dtype=int))):
        q, _r = np.linalg.qr(rng.standard_normal((n, n)))
        w = 1.0 + np.arange(n) if spd else np.linspace(-1.5, 2.0, n)
        s = q @ np.diag(w) @ q.T
        k = rng.uniform(-0.5, 0.5, (n, n))
        out.append(s / 2 + k - k.T)
    return np.array(out).reshape(shape).astype(dt)


def _sym(f: Callable[..., Any]) -> Callable[..., Any]:
    """The op on ``A + A.mT`` (a symmetric function of the leaf)."""
    return lambda m, A, *args, **kwargs: f(m, A + A.mT, *args, **kwargs)  # noqa: N803


# ---------------------------------------------------------------------------------------
# linalg_more.py: products
# ---------------------------------------------------------------------------------------
def _x(rng: np.random.Generator, dt: np.dtype) -> Callable[..., T]:
    return lambda *s, **k: T(rnd(rng, s, dt), **k)


def _int_extra(*shapes: tuple, kwargs: dict | None = None) -> Callable[..., list[Sample]]:
    return lambda rng: [Sample("int", tuple(T(ints(rng, s)) for s in shapes), dict(kwargs or {}))]


def _addmv(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    x = _x(rng, dt)
    return [
        Sample("plain", (x(2), x(2, 3), x(3))),
        Sample("bcast_input", (x(1), x(2, 3), x(3))),
        Sample("0d_input", (x(), x(2, 3), x(3))),
        Sample("alpha_beta", (x(2), x(2, 3), x(3)), {"beta": 0.5, "alpha": -2.0}),
        Sample("beta0_nan", (T(np.full(2, np.nan, dt)), x(2, 3), x(3)), {"beta": 0}, gradcheck=False),
        Sample("empty", (x(0), x(0, 3), x(3))),
    ]


def _addr(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    x = _x(rng, dt)
    return [
        Sample("plain", (x(2, 3), x(2), x(3))),
        Sample("bcast_input", (x(3), x(2), x(3))),
        Sample("alpha_beta", (x(2, 2), x(2), x(2)), {"beta": 2.0, "alpha": 0.5}),
    ]


def _baddbmm(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    x = _x(rng, dt)
    return [
        Sample("plain", (x(2, 2, 2), x(2, 2, 3), x(2, 3, 2))),
        Sample("small", (x(), x(2, 1, 2), x(2, 2, 1))),
        Sample("bcast_alpha_beta", (x(2), x(2, 2, 3), x(2, 3, 2)), {"beta": -1.0, "alpha": 3.0}),
    ]


def _addbmm(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    x = _x(rng, dt)
    return [
        Sample("plain", (x(2, 2), x(3, 2, 3), x(3, 3, 2))),
        Sample("small", (x(1), x(2, 1, 2), x(2, 2, 1))),
        Sample("alpha_beta", (x(2, 2), x(2, 2, 3), x(2, 3, 2)), {"beta": 0.5, "alpha": 2.0}),
    ]


def _einsum(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    x = _x(rng, dt)
    return [
        Sample("mm", ("ij,jk->ik", x(2, 3), x(3, 2))),
        Sample("trace", ("ii", x(3, 3))),
        Sample("diag", ("ii->i", x(3, 3))),
        Sample("transpose", ("ij->ji", x(2, 3))),
        Sample("sum", ("ij->", x(2, 3))),
        Sample("dot", ("i,i->", x(4), x(4))),
        Sample("outer", ("i,j->ij", x(2), x(3))),
        Sample("bmm", ("bij,bjk->bik", x(2, 2, 3), x(2, 3, 2))),
        Sample("implicit", ("ij,jk", x(2, 2), x(2, 3))),
        Sample("ellipsis", ("...ij,...jk->...ik", x(2, 2, 2), x(2, 2))),
        Sample("ellipsis_sum", ("...i,i", x(2, 3), x(3))),
        Sample("three", ("ij,jk,kl->il", x(2, 2), x(2, 2), x(2, 2))),
        Sample("list_arg", ("i,i", [x(3), x(3)])),
        Sample("bcast_1", ("ij,ij->i", x(1, 3), x(2, 3))),
        Sample("repeated_two", ("iij,j->i", x(2, 2, 3), x(3))),
        Sample("spaces", ("i j , j k -> i k", x(2, 2), x(2, 2))),
        Sample("empty", ("ij,jk->ik", x(0, 3), x(3, 2))),
    ]


def _tensordot(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    x = _x(rng, dt)
    return [
        Sample("dims2", (x(2, 2, 3), x(2, 3, 2))),
        Sample("dims1", (x(2, 3), x(3, 2)), {"dims": 1}),
        Sample("dims0", (x(2), x(3)), {"dims": 0}),
        Sample("lists", (x(2, 3, 2), x(2, 3)), {"dims": ([1, 0], [1, 0])}),
        Sample("bcast", (x(2, 1), x(3, 2)), {"dims": ([1], [0])}),
    ]


def _kron(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    x = _x(rng, dt)
    return [
        Sample("2d", (x(2, 2), x(2, 3))),
        Sample("1d_2d", (x(2), x(2, 2))),
        Sample("3d_2d", (x(2, 1, 2), x(2, 2))),
        Sample("0d", (x(), x(3))),
    ]


def _cross(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    x = _x(rng, dt)
    return [
        Sample("last", (x(2, 3), x(2, 3))),
        Sample("bcast", (x(1, 3), x(2, 3))),
        Sample("dim0", (x(3, 2), x(3, 2)), {"dim": 0}),
        Sample("1d", (x(3), x(3))),
    ]


def _multi_dot(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    x = _x(rng, dt)
    return [
        Sample("two", ([x(2, 3), x(3, 2)],)),
        Sample("three_left", ([x(3, 1), x(1, 3), x(3, 2)],)),
        Sample("three_right", ([x(1, 3), x(3, 1), x(1, 2)],)),
        Sample("vectors", ([x(2), x(2, 2), x(2)],)),
        Sample("four", ([x(2, 1), x(1, 2), x(2, 1), x(1, 1)],)),
        Sample("five", ([x(3, 1), x(1, 2), x(2, 1), x(1, 2), x(2, 3)],)),
    ]


MORE_PRODUCTS = [
    OpInfo("vdot", top("vdot", lm.vdot), lambda dt, rng: [
        Sample("1d", (T(rnd(rng, (4,), dt)), T(rnd(rng, (4,), dt)))),
        Sample("empty", (T(rnd(rng, (0,), dt)), T(rnd(rng, (0,), dt)))),
    ], _int_extra((3,), (3,))),
    OpInfo("addmv", top("addmv", lm.addmv), _addmv, _int_extra((2,), (2, 3), (3,))),
    OpInfo("addr", top("addr", lm.addr), _addr, _int_extra((2, 3), (2,), (3,))),
    OpInfo("baddbmm", top("baddbmm", lm.baddbmm), _baddbmm, _int_extra((2, 2, 2), (2, 2, 3), (2, 3, 2))),
    OpInfo("addbmm", top("addbmm", lm.addbmm), _addbmm, _int_extra((2, 2), (3, 2, 3), (3, 3, 2))),
    OpInfo("einsum", top("einsum", lm.einsum), _einsum, lambda rng: [
        Sample("int", ("ij,jk->ik", T(ints(rng, (2, 3))), T(ints(rng, (3, 2))))),
    ]),
    OpInfo("tensordot", top("tensordot", lm.tensordot), _tensordot, _int_extra((2, 3), (3, 2), kwargs={"dims": 1})),
    OpInfo("kron", top("kron", lm.kron), _kron, lambda rng: _int_extra((2, 2), (2,))(rng) + [
        Sample("int_f32", (T(ints(rng, (2,))), T(rnd(rng, (2,), F32)))),
    ]),
    OpInfo("linalg.cross", top("linalg.cross", lm.linalg_cross), _cross, _int_extra((2, 3), (2, 3))),
    OpInfo("cross", top("cross", lm.cross), lambda dt, rng: [
        Sample("dim_none", (T(rnd(rng, (2, 3), dt)), T(rnd(rng, (2, 3), dt)))),
        Sample("dim_none_first", (T(rnd(rng, (3, 3), dt)), T(rnd(rng, (3, 3), dt)))),
        Sample("dim1", (T(rnd(rng, (2, 3), dt)), T(rnd(rng, (2, 3), dt))), {"dim": 1}),
    ]),
    OpInfo("trace", top("trace", lm.trace), lambda dt, rng: [
        Sample("square", (T(rnd(rng, (3, 3), dt)),)),
        Sample("wide", (T(rnd(rng, (2, 3), dt)),)),
        Sample("empty", (T(rnd(rng, (0, 2), dt)),)),
    ], lambda rng: _int_extra((3, 3))(rng) + [Sample("int32", (T(ints(rng, (2, 2), np.int32)),))]),
    OpInfo("linalg.multi_dot", top("linalg.multi_dot", lm.multi_dot), _multi_dot, lambda rng: [
        Sample("int", ([T(ints(rng, (2, 3))), T(ints(rng, (3, 2)))],)),
    ]),
    OpInfo("chain_matmul", top("chain_matmul", lm.chain_matmul), lambda dt, rng: [
        Sample("one", (T(rnd(rng, (2, 3), dt)),)),
        Sample("two", (T(rnd(rng, (2, 3), dt)), T(rnd(rng, (3, 2), dt)))),
        Sample("three", (T(rnd(rng, (1, 3), dt)), T(rnd(rng, (3, 2), dt)), T(rnd(rng, (2, 2), dt)))),
    ]),
]


# ---------------------------------------------------------------------------------------
# decomposition.py
# ---------------------------------------------------------------------------------------
def _square(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    return [
        Sample("3x3", (T(_wc(rng, (3, 3), dt)),)),
        Sample("batch", (T(_wc(rng, (2, 2, 2), dt)),)),
        Sample("1x1", (T(_wc(rng, (1, 1), dt)),)),
        Sample("empty_batch", (T(_wc(rng, (0, 2, 2), dt)),)),
    ]


def _solve(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    x = _x(rng, dt)
    a = lambda *s: T(_wc(rng, s, dt))  # noqa: E731
    return [
        Sample("matrix", (a(3, 3), x(3, 2))),
        Sample("vector", (a(3, 3), x(3))),
        Sample("batch_vectors", (a(2, 2, 2), x(2, 2))),
        Sample("bcast_a", (a(2, 2), x(2, 2, 1))),
        Sample("bcast_b", (a(2, 2, 2), x(2, 1))),
        Sample("left_false", (a(2, 2), x(3, 2)), {"left": False}),
        Sample("b_only", (T(_wc(rng, (2, 2), dt), requires_grad=False), x(2, 2))),
    ]


def _rect(dt: np.dtype, rng: np.random.Generator, shapes: tuple = ((3, 2), (2, 3), (3, 3), (2, 3, 2))) -> list[Sample]:
    return [Sample("x".join(map(str, s)), (T(_full_rank(rng, s, dt)),)) for s in shapes]


def _qr(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    f = lambda *s: T(_full_rank(rng, s, dt))  # noqa: E731
    return _rect(dt, rng) + [
        Sample("complete_square", (f(3, 3),), {"mode": "complete"}),
        Sample("complete_wide", (f(2, 3),), {"mode": "complete"}),
        Sample("complete_tall", (f(3, 2),), {"mode": "complete"}, gradcheck=False),
        Sample("r", (f(3, 2),), {"mode": "r"}, gradcheck=False),
    ]


def _sym_samples(spd: bool) -> Callable[..., list[Sample]]:
    def gen(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
        s = lambda *shape: T(_sym_half(rng, shape, dt, spd))  # noqa: E731
        return [
            Sample("3x3", (s(3, 3),)),
            Sample("batch", (s(2, 2, 2),)),
            Sample("1x1", (s(1, 1),)),
            Sample("upper", (s(3, 3),), {"upper": True} if spd else {"UPLO": "U"}),
        ]

    return gen


def _svd(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    f = lambda *s: T(_full_rank(rng, s, dt))  # noqa: E731
    return [
        Sample("reduced_tall", (f(3, 2),), {"full_matrices": False}),
        Sample("reduced_wide", (f(2, 3),), {"full_matrices": False}),
        Sample("reduced_batch", (f(2, 2, 2),), {"full_matrices": False}),
        Sample("full_square", (f(3, 3),)),
        Sample("full_tall", (f(3, 2),)),
    ]


def _svd_invariant(m: ModuleType, A: Any, **kwargs: Any) -> tuple:  # noqa: N803
    """Sign-invariant functions of linalg.svd: S, U diag(S) Vh and U Vh, over the first
    k = min(m, n) singular vectors (the others of ``full_matrices`` are not unique)."""
    u, s, vh = top("linalg.svd", dc.linalg_svd)(m, A, **kwargs)
    k = s.shape[-1]
    u, vh = u[..., :, :k], vh[..., :k, :]
    return s, (u * s.unsqueeze(-2)) @ vh, u @ vh


def _torch_svd_invariant(m: ModuleType, A: Any, **kwargs: Any) -> tuple:  # noqa: N803
    """The same for torch.svd, whose V is not transposed."""
    u, s, v = top("svd", dc.svd)(m, A, **kwargs)
    k = s.shape[-1]
    u, v = u[..., :, :k], v[..., :, :k]
    return s, (u * s.unsqueeze(-2)) @ v.mT, u @ v.mT


def _eigh_invariant(m: ModuleType, A: Any, UPLO: str = "L") -> tuple:  # noqa: N803
    """Sign-invariant functions of eigh: the eigenvalues and the projector V V^T."""
    w, v = m.linalg.eigh(A, UPLO=UPLO)
    return w, v * v


def _pinv(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    return _rect(dt, rng) + [
        Sample("rtol", (T(_full_rank(rng, (3, 2), dt)),), {"rtol": 0.6}, gradcheck=False),
        Sample("atol", (T(_full_rank(rng, (2, 2), dt)),), {"atol": 1.75}, gradcheck=False),
    ]


def _matrix_power(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    a = lambda *s: T((_wc(rng, s, dt) / s[-1]).astype(dt))  # noqa: E731
    return [Sample(f"n{n}", (a(2, 2), n)) for n in (0, 1, 2, 3, 5, 6, -1, -2, -3)] + [
        Sample("batch", (a(2, 2, 2), 3)),
        Sample("batch_neg", (a(2, 2, 2), -2)),
    ]


def _rank(rng: np.random.Generator) -> list[Sample]:
    u = rng.standard_normal((3, 1))
    low = u @ u.T
    return [
        Sample("full", (T(_wc(rng, (3, 3), np.float64)),)),
        Sample("rank1", (T(low),)),
        Sample("rank1_f32", (T(low.astype(F32)),)),
        Sample("batch", (T(np.stack([low, np.eye(3)])),)),
        Sample("tall", (T(_full_rank(rng, (3, 2), np.float64)),)),
        Sample("atol", (T(_full_rank(rng, (3, 3), np.float64)),), {"atol": 1.2}),
        Sample("rtol", (T(_full_rank(rng, (3, 3), np.float64)),), {"rtol": 0.6}),
        Sample("hermitian", (T(low),), {"hermitian": True}),
    ]


DECOMPOSITIONS = [
    OpInfo("linalg.inv", top("linalg.inv", dc.linalg_inv), _square),
    OpInfo("inverse", lambda m, A: A.inverse(), _square),  # noqa: N803
    OpInfo("linalg.inv_ex", top("linalg.inv_ex", dc.linalg_inv_ex), _square),
    OpInfo("linalg.det", top("linalg.det", dc.linalg_det), lambda dt, rng: _square(dt, rng) + [
        Sample("empty", (T(np.zeros((0, 0), dt)),)),
    ]),
    OpInfo("det", top("det", dc.linalg_det), _square),
    OpInfo("linalg.slogdet", top("linalg.slogdet", dc.linalg_slogdet), _square),
    OpInfo("slogdet", top("slogdet", dc.slogdet), _square),
    OpInfo("logdet", top("logdet", dc.logdet), lambda dt, rng: [
        Sample("spd", (T(_sym_half(rng, (3, 3), dt) * 2),)),
        Sample("batch", (T(_wc(rng, (2, 2, 2), dt)),), gradcheck=False),
    ]),
    OpInfo("linalg.solve", top("linalg.solve", dc.linalg_solve), _solve),
    OpInfo("linalg.cholesky", _sym(top("linalg.cholesky", dc.linalg_cholesky)), _sym_samples(True)),
    OpInfo("cholesky", _sym(top("cholesky", dc.cholesky)), _sym_samples(True)),
    OpInfo("linalg.qr", top("linalg.qr", dc.linalg_qr), _qr),
    OpInfo("linalg.eigh", _sym(top("linalg.eigh", dc.linalg_eigh)), _sym_samples(False)),
    OpInfo("linalg.eigh_invariant", _sym(_eigh_invariant), _sym_samples(False)),
    OpInfo("linalg.eigvalsh", _sym(top("linalg.eigvalsh", dc.linalg_eigvalsh)), _sym_samples(False)),
    # U and Vh themselves (and their Nodes) are compared in test_linalg_more.py: LAPACK's
    # signs differ between NumPy and PyTorch for wide matrices.
    OpInfo("linalg.svd", _svd_invariant, _svd),
    OpInfo("svd", _torch_svd_invariant, lambda dt, rng: _rect(dt, rng, ((3, 2), (2, 2, 3))) + [
        Sample("some_false", (T(_full_rank(rng, (3, 3), dt)),), {"some": False}),
    ]),
    OpInfo("linalg.svdvals", top("linalg.svdvals", dc.linalg_svdvals), lambda dt, rng: _rect(dt, rng)),
    OpInfo("linalg.pinv", top("linalg.pinv", dc.linalg_pinv), _pinv),
    OpInfo("linalg.matrix_power", top("linalg.matrix_power", dc.linalg_matrix_power), _matrix_power),
    OpInfo("linalg.matrix_rank", top("linalg.matrix_rank", dc.linalg_matrix_rank), extra=_rank,
           differentiable=False, records=False),
]

LINALG_MORE = MORE_PRODUCTS + DECOMPOSITIONS
