"""Registry rows of ember/ops/statistics.py, sorting.py and scan.py.

Until ember/__init__.py exports these functions, ``efunc`` calls the kernel in
ember.ops for ember and the public function for torch (the expression is the same).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from types import ModuleType
from typing import Any

import numpy as np
from op_info import (
    F32,
    INF,
    OpInfo,
    Sample,
    T,
    bools,
    dtyped,
    ember_torch_dtype,
    ints,
    method,
    rnd,
)

import ember
from ember.ops import scan, sorting, statistics

NAN = math.nan


def efunc(name: str, kernel: Callable[..., Any]) -> Callable[..., Any]:
    """``module.<name>(*args)``; for ember, the ops kernel while ember does not export it."""
    parts = name.split(".")

    def call(m: ModuleType, *args: Any, **kwargs: Any) -> Any:
        f: Any = m
        for p in parts:
            f = getattr(f, p, None)
        if m is ember and f is None:
            f = kernel
        return f(*args, **kwargs)

    return call


def _no_check(name: str, args: tuple, kwargs: dict | None = None) -> Sample:
    """A sample at a kink or a tie (or whose result is NaN): compared with PyTorch only."""
    return Sample(name, args, kwargs or {}, gradcheck=False, gradgradcheck=False)


# ---------------------------------------------------------------------------------------
# nansum, nanmean, prod, count_nonzero, logsumexp
# ---------------------------------------------------------------------------------------
def _with_nans(dt: np.dtype, rng: np.random.Generator, shape: tuple = (3, 4)) -> np.ndarray:
    a = rnd(rng, shape, dt)
    a.flat[::3] = NAN
    return a


def _nansum_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    x = lambda s: T(rnd(rng, s, dt))  # noqa: E731
    return [
        Sample("full", (x((3, 4)),)),
        Sample("0d", (x(()),)),
        Sample("dim", (x((3, 4)), 1)),
        Sample("dims_keep", (x((2, 3, 2)), (0, 2)), {"keepdim": True}),
        Sample("empty", (x((0, 3)),)),
        Sample("empty_dim", (x((0, 3)), 0)),
        _no_check("nan", (T(_with_nans(dt, rng)),)),
        _no_check("nan_dim", (T(_with_nans(dt, rng)), 0)),
        _no_check("all_nan_row", (T(np.array([[NAN, NAN], [1.0, NAN]], dt)), 1), {"keepdim": True}),
    ]


def _nansum_extra(rng: np.random.Generator) -> list[Sample]:
    return [
        Sample("int", (T(ints(rng, (2, 3))),)),
        Sample("int32_dim", (T(ints(rng, (2, 3), np.int32)), 1)),
        Sample("bool", (T(bools(rng, (2, 3))),)),
        Sample("dtype_f64", (T(_with_nans(F32, rng, (2, 3))), 1), {"dtype": ember_torch_dtype("float64")}),
    ]


def _nanmean_extra(rng: np.random.Generator) -> list[Sample]:
    return [
        Sample("int", (T(ints(rng, (2, 3))),)),  # torch: expected floating point
        Sample("dtype_f64", (T(_with_nans(F32, rng, (2, 3))),), {"dtype": ember_torch_dtype("float64")}),
    ]


def _prod_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    x = lambda s: T(rnd(rng, s, dt))  # noqa: E731

    def zeros(shape: tuple, at: list[tuple]) -> T:
        a = rnd(rng, shape, dt)
        for i in at:
            a[i] = 0
        return T(a)

    # prod is a polynomial: smooth at zeros too, so gradcheck and gradgradcheck apply.
    return [
        Sample("full", (x((3, 4)),)),
        Sample("0d", (x(()),)),
        Sample("0d_dim", (x(()), 0)),
        Sample("dim", (x((3, 4)), 1)),
        Sample("dim_neg_keep", (x((2, 3, 2)), -1), {"keepdim": True}),
        Sample("size1_dim", (x((1, 3)), 0)),
        Sample("empty", (x((0, 3)),)),
        Sample("empty_dim", (x((0, 3)), 0)),
        Sample("one_zero", (zeros((2, 3), [(1, 1)]),)),
        Sample("two_zeros", (zeros((2, 3), [(0, 1), (1, 2)]),)),
        Sample("one_zero_dim", (zeros((3, 4), [(0, 1), (2, 0)]), 1)),
        Sample("two_zeros_dim", (zeros((2, 4), [(0, 1), (0, 3), (1, 0)]), 1), {"keepdim": True}),
        Sample("zero_dim0", (zeros((3, 2), [(2, 1)]), 0)),
        Sample("all_zero", (T(np.zeros((2, 2), dt)),)),
    ]


def _prod_extra(rng: np.random.Generator) -> list[Sample]:
    return [
        Sample("int", (T(ints(rng, (2, 3))),)),
        Sample("int_dim", (T(ints(rng, (2, 3), np.int32)), 1)),
        Sample("bool", (T(bools(rng, (2, 3))),)),
        Sample("dtype", (T(ints(rng, (2, 3))),), {"dtype": ember_torch_dtype("float32")}),
        Sample("dims_tuple", (T(rnd(rng, (2, 3), F32)), (0, 1))),  # torch: TypeError
    ]


def _count_nonzero_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    a = np.array([[0.0, 1.0, 2.0], [0.0, 0.0, -1.0]], dt)
    return [
        Sample("full", (T(a),)),
        Sample("dim", (T(a), 1)),
        Sample("dims", (T(a), (0, 1))),
        Sample("0d", (T(np.array(0.0, dt)),)),
        Sample("empty", (T(np.zeros((0, 3), dt)), 0)),
        Sample("nan", (T(np.array([NAN, 0.0], dt)),)),
        Sample("dup_dims", (T(a), (0, 0))),
    ]


def _logsumexp_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    x = lambda s: T(rnd(rng, s, dt))  # noqa: E731
    big = rnd(rng, (2, 3), dt) + 1000  # exp overflows without the shift
    ninf = np.array([[-INF, -INF], [-INF, 1.0]], dt)
    return [
        Sample("dim", (x((3, 4)), 1)),
        Sample("dim_keep", (x((3, 4)), 0), {"keepdim": True}),
        Sample("dims", (x((2, 3, 2)), (0, 2))),
        Sample("0d", (x(()), 0)),
        Sample("size1", (x((1, 3)), 0)),
        Sample("big", (T(big), 1)),
        _no_check("neg_inf", (T(ninf), 1)),
        Sample("empty_dim", (x((0, 3)), 0)),
        Sample("empty_other", (x((0, 3)), 1)),
    ]


# ---------------------------------------------------------------------------------------
# var, std, var_mean, std_mean
# ---------------------------------------------------------------------------------------
def _var_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    x = lambda s: T(rnd(rng, s, dt))  # noqa: E731
    const = np.array([[1.5, 1.5, 1.5], [0.5, -1.0, 2.0]], dt)
    return [
        Sample("full", (x((3, 4)),)),
        Sample("dim", (x((3, 4)), 1)),
        Sample("dims_keep", (x((2, 3, 2)), (0, 2)), {"keepdim": True}),
        Sample("correction0", (x((3, 4)),), {"dim": 0, "correction": 0}),
        Sample("correction2", (x((2, 5)),), {"dim": 1, "correction": 2, "keepdim": True}),
        Sample("correction_float", (x((3, 4)),), {"dim": 1, "correction": 0.5}),
        Sample("unbiased_false", (x((3, 4)), 1, False)),
        Sample("legacy_unbiased", (x((3, 4)), False)),
        Sample("legacy_positional", (x((3, 4)), 0, True, True)),
        Sample("full_keep", (x((2, 3)),), {"keepdim": True}),
        Sample("size1_c0", (x((1, 3)), 0), {"correction": 0}, gradgradcheck=False),  # std: a kink at 0
        # One element with correction 1: 0/0 = nan, as in PyTorch (and a nan gradient).
        _no_check("0d", (x(()),)),
        _no_check("single", (x((1, 3)), 0)),
        _no_check("empty", (x((0, 3)),)),
        _no_check("empty_dim", (x((0, 3)), 0)),
        # std at zero spread: PyTorch's subgradient 0.
        _no_check("constant_row", (T(const), 1)),
    ]


def _var_extra(rng: np.random.Generator) -> list[Sample]:
    return [Sample("int", (T(ints(rng, (2, 3))),)), Sample("bool_dim", (T(bools(rng, (2, 3))), 0))]


def _var_mean_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    x = lambda s: T(rnd(rng, s, dt))  # noqa: E731
    return [
        Sample("full", (x((3, 4)),)),
        Sample("dim", (x((3, 4)), 1)),
        Sample("dims_keep", (x((2, 3, 2)), (0, 2)), {"keepdim": True}),
        Sample("correction0", (x((3, 4)),), {"dim": 0, "correction": 0}),
        Sample("legacy_unbiased", (x((3, 4)), False)),
        Sample("legacy_positional", (x((3, 4)), 1, False, True)),
        _no_check("constant_row", (T(np.array([[2.0, 2.0], [1.0, 3.0]], dt)), 1)),
        _no_check("0d", (x(()),)),
    ]


# ---------------------------------------------------------------------------------------
# median, nanmedian, mode
# ---------------------------------------------------------------------------------------
_TIES = np.array([[3.0, 1.0, 3.0, 1.0, 2.0, 2.0], [0.5, 0.5, 0.5, -1.0, 4.0, 4.0]])


def _median_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    x = lambda s: T(rnd(rng, s, dt))  # noqa: E731
    # (Which index PyTorch's nanmedian(dim) returns for an all-NaN slice depends on its
    # nth_element: not compared.)
    nans = np.array([[1.0, NAN, 3.0, NAN], [2.0, 0.0, -1.0, 5.0], [NAN, 4.0, NAN, NAN]], dt)
    return [
        Sample("full", (x((3, 4)),)),
        Sample("full_odd", (x((3, 3)),)),
        Sample("0d", (x(()),)),
        Sample("dim", (x((3, 4)), 1)),
        Sample("dim_odd_keep", (x((2, 5)), 1), {"keepdim": True}),
        Sample("dim0", (x((4, 3)), 0)),
        Sample("0d_dim", (x(()), 0)),
        Sample("size1_dim", (x((1, 3)), 0)),
        Sample("empty_other", (x((0, 3)), 1)),
        _no_check("empty_full", (x((0, 3)),)),
        _no_check("empty_dim", (x((0, 3)), 0)),  # torch: IndexError
        _no_check("ties", (T(_TIES.astype(dt)),)),
        _no_check("ties_dim", (T(_TIES.astype(dt)), 1)),
        _no_check("ties_dim0", (T(_TIES.astype(dt)), 0)),
        _no_check("nan", (T(nans),)),
        _no_check("nan_dim", (T(nans), 1)),
        _no_check("nan_dim0", (T(nans), 0), {"keepdim": True}),
        _no_check("all_nan", (T(np.full((2, 2), NAN, dt)),)),
    ]


def _int_select_extra(rng: np.random.Generator) -> list[Sample]:
    return [
        Sample("int", (T(np.array([[3, 1, 3, 2], [0, 0, 5, 1]])),)),
        Sample("int_dim", (T(np.array([[3, 1, 3, 2], [0, 0, 5, 1]])), 1)),
        Sample("bool_dim", (T(np.array([[True, False, True], [False, False, True]])), 1)),
    ]


def _mode_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    x = lambda s: T(rnd(rng, s, dt))  # noqa: E731
    nans = np.array([[1.0, NAN, NAN], [NAN, 2.0, 2.0]], dt)
    return [
        Sample("distinct", (x((3, 4)),)),  # every value once: the smallest, a smooth choice
        Sample("dim0_keep", (x((3, 4)), 0), {"keepdim": True}),
        Sample("0d", (x(()),)),
        Sample("empty_other", (x((0, 3)), 1)),
        _no_check("empty_dim", (x((0, 3)), 0)),  # torch: IndexError
        _no_check("repeats", (T(_TIES.astype(dt)),)),
        _no_check("repeats_dim0", (T(_TIES.astype(dt)), 0)),
        _no_check("nan", (T(nans),)),
    ]


def _mode_extra(rng: np.random.Generator) -> list[Sample]:
    return [
        Sample("int", (T(np.array([[3, 1, 3, 2, 2], [0, 0, 5, 1, 5]])),)),
        Sample("int_dim0", (T(np.array([[3, 1], [3, 2], [1, 2]])), 0)),
        Sample("bool", (T(np.array([True, False, True])),)),
    ]


# ---------------------------------------------------------------------------------------
# sort, argsort, msort, topk, kthvalue, unique
# ---------------------------------------------------------------------------------------
def _sort_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    x = lambda s: T(rnd(rng, s, dt))  # noqa: E731
    nans = np.array([[1.0, NAN, 0.0, NAN], [2.0, -1.0, NAN, 2.0]], dt)
    return [
        Sample("default", (x((3, 4)),)),
        Sample("dim0", (x((3, 4)), 0)),
        Sample("descending", (x((3, 4)),), {"descending": True}),
        Sample("stable_desc_dim0", (x((3, 2)),), {"dim": 0, "descending": True, "stable": True}),
        Sample("0d", (x(()),)),
        Sample("size1", (x((1, 3)), 0)),
        Sample("empty", (x((0, 3)), 0)),
        _no_check("ties", (T(_TIES.astype(dt)),)),
        _no_check("ties_desc", (T(_TIES.astype(dt)),), {"descending": True}),
        _no_check("ties_stable_dim0", (T(_TIES.astype(dt)),), {"dim": 0, "stable": True}),
        _no_check("nan", (T(nans),)),
        _no_check("nan_desc", (T(nans),), {"descending": True}),
    ]


def _sort_extra(rng: np.random.Generator) -> list[Sample]:
    return [
        Sample("int", (T(ints(rng, (3, 5))),)),
        Sample("int_desc", (T(ints(rng, (3, 5))),), {"descending": True}),
        Sample("bool", (T(bools(rng, (6,))),)),
        Sample("uint8_desc", (T(ints(rng, (6,), np.uint8, 0, 4)),), {"descending": True, "stable": True}),
    ]


def _msort_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    x = lambda s: T(rnd(rng, s, dt))  # noqa: E731
    return [Sample("2d", (x((4, 3)),)), Sample("1d", (x((5,)),)), Sample("0d", (x(()),)),
            _no_check("ties", (T(_TIES.T.astype(dt)),))]


def _topk_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    x = lambda s: T(rnd(rng, s, dt))  # noqa: E731
    nans = np.array([1.0, NAN, 3.0, 0.0], dt)
    return [
        Sample("k2", (x((3, 4)), 2)),
        Sample("smallest_dim0", (x((4, 3)), 2), {"dim": 0, "largest": False}),
        Sample("k_all", (x((2, 3)), 3)),
        Sample("k0", (x((2, 3)), 0)),
        Sample("0d", (x(()), 1)),
        _no_check("k_too_big", (x((2, 3)), 4)),  # torch: RuntimeError
        # Ties and sorted=False: PyTorch's order and tie indices come from its partial sort
        # (not compared here; test_reductions_more.py checks the values).
        _no_check("ties_first_row", (T(_TIES[:1].astype(dt)), 3)),
        _no_check("nan", (T(nans), 2)),
    ]


def _kthvalue_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    x = lambda s: T(rnd(rng, s, dt))  # noqa: E731
    return [
        Sample("k2", (x((3, 4)), 2)),
        Sample("dim0_keep", (x((4, 3)), 4, 0, True)),
        Sample("k1", (x((5,)), 1)),
        Sample("0d", (x(()), 1)),
        _no_check("k_out_of_range", (x((2, 3)), 4)),  # torch: RuntimeError
        _no_check("k0", (x((2, 3)), 0)),
        # Which of tied values PyTorch's nth_element returns is its own: only unambiguous ties.
        _no_check("ties5", (T(_TIES[:1].astype(dt)), 5)),
        _no_check("nan", (T(np.array([[NAN, 1.0, 0.0], [2.0, 1.0, 3.0]], dt)), 3)),
    ]


def _select_int_extra(k: int) -> Callable[..., list[Sample]]:
    return lambda rng: [Sample("int", (T(np.array([[3, 1, 4, 2], [0, 7, 5, 1]])), k)),
                        Sample("bool", (T(np.array([True, False])), 1))]


def _unique_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    a = np.array([[3.0, 1.0, 2.0], [1.0, 3.0, 3.0]], dt)
    rows = np.array([[1.0, 2.0], [0.0, 3.0], [1.0, 2.0]], dt)
    return [
        Sample("plain", (T(a),)),
        Sample("inverse_counts", (T(a),), {"return_inverse": True, "return_counts": True}),
        Sample("counts", (T(a),), {"return_counts": True}),
        Sample("dim0", (T(rows),), {"dim": 0, "return_inverse": True, "return_counts": True}),
        Sample("dim1", (T(rows),), {"dim": 1}),
        Sample("0d", (T(np.array(2.0, dt)),), {"return_inverse": True}),
        Sample("nan", (T(np.array([NAN, 1.0, NAN], dt)),), {"return_counts": True}),
        Sample("empty", (T(np.zeros((0,), dt)),)),
    ]


def _unique_consecutive_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    a = np.array([1.0, 1.0, 2.0, 2.0, 3.0, 1.0, 1.0, 2.0], dt)
    rows = np.array([[1.0, 2.0], [1.0, 2.0], [0.0, 3.0], [1.0, 2.0]], dt)
    return [
        Sample("plain", (T(a),)),
        Sample("inverse_counts", (T(a.reshape(2, 4)),), {"return_inverse": True, "return_counts": True}),
        Sample("dim0", (T(rows),), {"dim": 0, "return_inverse": True, "return_counts": True}),
        Sample("dim1", (T(rows.T.copy()),), {"dim": 1, "return_counts": True}),
        Sample("empty", (T(np.zeros((0,), dt)),), {"return_counts": True}),
    ]


def _unique_extra(rng: np.random.Generator) -> list[Sample]:
    return [
        Sample("int", (T(np.array([3, 1, 3, 2, 2])),), {"return_inverse": True, "return_counts": True}),
        Sample("bool", (T(np.array([True, False, True])),)),
    ]


# ---------------------------------------------------------------------------------------
# cumsum, cumprod, cummax, cummin, logcumsumexp
# ---------------------------------------------------------------------------------------
def _scan_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    x = lambda s: T(rnd(rng, s, dt))  # noqa: E731
    return [
        Sample("dim1", (x((3, 4)), 1)),
        Sample("dim0", (x((3, 4)), 0)),
        Sample("neg_dim_3d", (x((2, 3, 2)), -2)),
        Sample("1d", (x((5,)), 0)),
        Sample("0d", (x(()), 0)),
        Sample("0d_neg", (x(()), -1)),
        Sample("size1", (x((1, 3)), 0)),
        Sample("empty", (x((0, 3)), 0)),
        Sample("empty_other", (x((0, 3)), 1)),
    ]


def _cumsum_extra(rng: np.random.Generator) -> list[Sample]:
    return [
        Sample("int", (T(ints(rng, (2, 3))), 1)),
        Sample("int32", (T(ints(rng, (2, 3), np.int32)), 0)),
        Sample("bool", (T(bools(rng, (5,))), 0)),
        Sample("dtype_f64", (T(rnd(rng, (2, 3), F32)), 1), {"dtype": ember_torch_dtype("float64")}),
        Sample("int_dtype", (T(ints(rng, (2, 3))), 1), {"dtype": ember_torch_dtype("float32")}),
    ]


def _cumprod_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    def zeros(shape: tuple, at: list[tuple]) -> T:
        a = rnd(rng, shape, dt)
        for i in at:
            a[i] = 0
        return T(a)

    # cumprod is polynomial in its input: gradcheck and gradgradcheck hold at zeros too.
    return _scan_samples(dt, rng) + [
        Sample("one_zero", (zeros((2, 4), [(0, 1), (1, 3)]), 1)),
        Sample("first_zero", (zeros((5,), [(0,)]), 0)),
        Sample("two_zeros", (zeros((2, 5), [(0, 1), (0, 3), (1, 2), (1, 4)]), 1)),
        Sample("adjacent_zeros", (zeros((6,), [(2,), (3,)]), 0)),
        Sample("zeros_dim0", (zeros((4, 2), [(1, 0), (0, 1), (2, 1)]), 0)),
        Sample("all_zero", (T(np.zeros((3,), dt)), 0)),
    ]


def _cum_extreme_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    nans = np.array([[1.0, NAN, 2.0, NAN, 3.0], [0.0, -1.0, 2.0, 2.0, 1.0]], dt)
    return _scan_samples(dt, rng) + [
        _no_check("ties", (T(_TIES.astype(dt)), 1)),
        _no_check("ties_dim0", (T(_TIES.astype(dt)), 0)),
        _no_check("nan", (T(nans), 1)),
    ]


def _cum_extreme_extra(rng: np.random.Generator) -> list[Sample]:
    return [
        Sample("int", (T(np.array([[3, 1, 3, 2], [0, 0, 5, 1]])), 1)),
        Sample("bool", (T(np.array([False, True, False, True])), 0)),
    ]


def _logcumsumexp_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    big = rnd(rng, (2, 3), dt) + 500
    return _scan_samples(dt, rng) + [
        Sample("big", (T(big), 1)),
        _no_check("neg_inf", (T(np.array([-INF, -INF, 0.0, -INF], dt)), 0)),
    ]


# ---------------------------------------------------------------------------------------
# linalg.matrix_norm
# ---------------------------------------------------------------------------------------
def _matrix_norm_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    x = lambda s: T(rnd(rng, s, dt, 0.3, 2.0) * rng.choice([-1.0, 1.0], s).astype(dt))  # noqa: E731
    out = [Sample("fro", (x((3, 4)),)), Sample("fro_batch_keep", (x((2, 2, 3)),), {"keepdim": True})]
    for o in (1, -1, INF, -INF):
        out += [
            Sample(f"ord{o}", (x((3, 4)), o)),
            Sample(f"ord{o}_dims", (x((2, 3, 2)), o), {"dim": (0, 2)}),
            Sample(f"ord{o}_dims_rev_keep", (x((2, 3, 2)), o), {"dim": (2, 0), "keepdim": True}),
        ]
    # Through the singular values (distinct for these random matrices: svd is smooth there).
    for o in (2, -2, "nuc"):
        out += [
            Sample(f"ord{o}", (x((3, 4)), o)),
            Sample(f"ord{o}_batch_keep", (x((2, 3, 2)), o), {"keepdim": True, "dim": (0, 2)}),
        ]
    out.append(Sample("dtype", (T(rnd(rng, (2, 2), F32)),), {"dtype": ember_torch_dtype("float64")},
                      gradcheck=False))
    return out


def _matrix_norm_extra(rng: np.random.Generator) -> list[Sample]:
    return [
        Sample("int", (T(ints(rng, (2, 2))),)),  # torch: RuntimeError
        Sample("1d", (T(rnd(rng, (3,), F32)),)),
        Sample("ord3", (T(rnd(rng, (2, 2), F32)), 3)),
        Sample("same_dims", (T(rnd(rng, (2, 2), F32)),), {"dim": (0, -2)}),
    ]


STATISTICS = [
    OpInfo("nansum", dtyped(efunc("nansum", statistics.nansum)), _nansum_samples, _nansum_extra),
    OpInfo("nansum_method", dtyped(method("nansum")), _nansum_samples),
    OpInfo("nanmean", dtyped(efunc("nanmean", statistics.nanmean)), _nansum_samples, _nanmean_extra),
    OpInfo("prod", dtyped(efunc("prod", statistics.prod)), _prod_samples, _prod_extra),
    OpInfo("prod_method", dtyped(method("prod")), _prod_samples),
    OpInfo("count_nonzero", efunc("count_nonzero", statistics.count_nonzero), _count_nonzero_samples,
           lambda rng: [Sample("int", (T(ints(rng, (3, 4))), 0)), Sample("bool", (T(bools(rng, (5,))),))],
           differentiable=False, records=False),
    OpInfo("logsumexp", efunc("logsumexp", statistics.logsumexp), _logsumexp_samples,
           lambda rng: [Sample("int", (T(ints(rng, (2, 3))), 1)), Sample("bool", (T(bools(rng, (4,))), 0))]),
    OpInfo("logsumexp_method", method("logsumexp"), _logsumexp_samples),
    OpInfo("var", efunc("var", statistics.var), _var_samples, _var_extra),
    OpInfo("var_method", method("var"), _var_samples),
    OpInfo("std", efunc("std", statistics.std), _var_samples, _var_extra),
    OpInfo("std_method", method("std"), _var_samples),
    OpInfo("var_mean", efunc("var_mean", statistics.var_mean), _var_mean_samples),
    OpInfo("std_mean", efunc("std_mean", statistics.std_mean), _var_mean_samples),
    OpInfo("median", efunc("median", statistics.median), _median_samples, _int_select_extra),
    OpInfo("median_method", method("median"), _median_samples),
    OpInfo("nanmedian", efunc("nanmedian", statistics.nanmedian), _median_samples, _int_select_extra),
    OpInfo("mode", efunc("mode", statistics.mode), _mode_samples, _mode_extra),
    OpInfo("mode_method", method("mode"), _mode_samples),
    OpInfo("linalg.matrix_norm", dtyped(efunc("linalg.matrix_norm", statistics.linalg_matrix_norm)),
           _matrix_norm_samples, _matrix_norm_extra),
]

SORTING = [
    OpInfo("sort", efunc("sort", sorting.sort), _sort_samples, _sort_extra),
    OpInfo("sort_method", method("sort"), _sort_samples),
    OpInfo("argsort", efunc("argsort", sorting.argsort), _sort_samples, _sort_extra,
           differentiable=False, records=False),
    OpInfo("msort", efunc("msort", sorting.msort), _msort_samples, lambda rng: _sort_extra(rng)[:1]),
    OpInfo("topk", efunc("topk", sorting.topk), _topk_samples, _select_int_extra(2)),
    OpInfo("topk_method", method("topk"), _topk_samples),
    OpInfo("kthvalue", efunc("kthvalue", sorting.kthvalue), _kthvalue_samples, _select_int_extra(3)),
    OpInfo("kthvalue_method", method("kthvalue"), _kthvalue_samples),
    OpInfo("unique", efunc("unique", sorting.unique), _unique_samples, _unique_extra, differentiable=False),
    OpInfo("unique_method", method("unique"), _unique_samples, differentiable=False),
    OpInfo("unique_consecutive", efunc("unique_consecutive", sorting.unique_consecutive),
           _unique_consecutive_samples, _unique_extra, differentiable=False),
]

SCAN = [
    OpInfo("cumsum", dtyped(efunc("cumsum", scan.cumsum)), _scan_samples, _cumsum_extra),
    OpInfo("cumsum_method", dtyped(method("cumsum")), _scan_samples),
    OpInfo("cumprod", dtyped(efunc("cumprod", scan.cumprod)), _cumprod_samples, _cumsum_extra),
    OpInfo("cumprod_method", dtyped(method("cumprod")), _cumprod_samples),
    OpInfo("cummax", efunc("cummax", scan.cummax), _cum_extreme_samples, _cum_extreme_extra),
    OpInfo("cummin", efunc("cummin", scan.cummin), _cum_extreme_samples, _cum_extreme_extra),
    OpInfo("cummax_method", method("cummax"), _cum_extreme_samples),
    OpInfo("logcumsumexp", efunc("logcumsumexp", scan.logcumsumexp), _logcumsumexp_samples,
           lambda rng: [Sample("int", (T(ints(rng, (2, 3))), 1))]),
    OpInfo("logcumsumexp_method", method("logcumsumexp"), _logcumsumexp_samples),
]
