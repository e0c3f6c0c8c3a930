"""Registry rows of ember/ops/pointwise.py: unary, binary, comparisons, in-place, operators."""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from typing import Any

import numpy as np
from op_info import (
    F32,
    F64,
    OpInfo,
    Sample,
    T,
    _chain,
    _named,
    away,
    bools,
    func,
    ints,
    method,
    noninteger,
    op,
    rnd,
)


# ---------------------------------------------------------------------------------------
# Pointwise: unary
# ---------------------------------------------------------------------------------------
def unary_samples(domain: Callable[..., np.ndarray], edge: list[float] | None = None,
                  edge_smooth: bool = False) -> Callable[..., list[Sample]]:
    """0-d, 2-D, size-1 dims, empty and edge values (kinks are kept out of gradcheck)."""

    def gen(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
        out = [
            Sample("0d", (T(domain(rng, (), dt)),)),
            Sample("2d", (T(domain(rng, (3, 4), dt)),)),
            Sample("size1", (T(domain(rng, (1, 3, 1), dt)),)),
            Sample("empty", (T(domain(rng, (0, 3), dt)),)),
        ]
        if edge:
            # Points of non-differentiability: compared with PyTorch's subgradient only.
            out.append(Sample("edge", (T(np.array(edge, dt)),), gradcheck=edge_smooth, gradgradcheck=edge_smooth))
        return out

    return gen


def unary_extra(rng: np.random.Generator) -> list[Sample]:
    """Integer and bool inputs: torch computes most float ops in the default dtype."""
    return [
        Sample("int64", (T(ints(rng, (2, 3), np.int64, 1, 5)),)),
        Sample("int32", (T(ints(rng, (3,), np.int32, -3, 4)),)),
        Sample("uint8", (T(ints(rng, (3,), np.uint8, 0, 5)),)),
        Sample("bool", (T(bools(rng, (4,))),)),
    ]


def pos(rng: np.random.Generator, shape: tuple, dt: np.dtype) -> np.ndarray:
    return rnd(rng, shape, dt, 0.5, 2.0)


def _unary(name: str, domain: Callable[..., np.ndarray] = rnd, edge: list[float] | None = None,
           edge_smooth: bool = False, differentiable: bool = True) -> OpInfo:
    return OpInfo(name, func(name), unary_samples(domain, edge, edge_smooth), unary_extra,
                  differentiable=differentiable)


UNARY = [
    _unary("neg"),
    _unary("exp"),
    _unary("log", pos, edge=[0.0, 1.0]),  # log(0) = -inf, grad inf
    _unary("tanh", edge=[0.0, 10.0, -10.0], edge_smooth=True),
    _unary("sigmoid", edge=[0.0, 40.0, -40.0], edge_smooth=True),
    _unary("relu", away, edge=[0.0, -1.0, 1.0]),  # relu'(0) = 0
    _unary("abs", away, edge=[0.0, -1.0, 1.0]),  # abs'(0) = 0
    _unary("sqrt", pos, edge=[0.0, 4.0]),  # sqrt'(0) = inf
    _unary("rsqrt", pos, edge=[0.0, 4.0]),
    _unary("reciprocal", away, edge=[0.0, 2.0]),
    _unary("sin"),
    _unary("cos"),
    _unary("log1p", lambda rng, s, dt: rnd(rng, s, dt, -0.5, 2.0), edge=[-1.0, 0.0]),
    _unary("expm1"),
    _unary("square", edge=[0.0], edge_smooth=True),
    # Piecewise constant: the derivative is zero away from the jumps.
    _unary("sign", away, edge=[0.0, -0.0, 2.0]),
    _unary("floor", noninteger, edge=[1.0, -1.0, 0.0]),
    _unary("ceil", noninteger, edge=[1.0, -1.0, 0.0]),
    _unary("trunc", noninteger, edge=[1.0, -1.0, 0.0]),
]


# ---------------------------------------------------------------------------------------
# Pointwise: binary
# ---------------------------------------------------------------------------------------
def binary_samples(a: Callable[..., np.ndarray] = rnd, b: Callable[..., np.ndarray] = rnd,
                   scalar: float = 2.5, rscalar: bool = False, **kwargs: Any) -> Callable[..., list[Sample]]:
    """Same shapes, broadcasting pairs, 0-d with dims, size-1 dims, empty, a Python scalar."""

    def gen(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
        out = [
            Sample("same", (T(a(rng, (3, 4), dt)), T(b(rng, (3, 4), dt))), dict(kwargs)),
            Sample("bcast", (T(a(rng, (3, 1), dt)), T(b(rng, (1, 4), dt))), dict(kwargs)),
            Sample("bcast_rank", (T(a(rng, (2, 1, 3), dt)), T(b(rng, (3,), dt))), dict(kwargs)),
            Sample("0d_dim", (T(a(rng, (), dt)), T(b(rng, (2, 3), dt))), dict(kwargs)),
            Sample("dim_0d", (T(a(rng, (2, 3), dt)), T(b(rng, (), dt))), dict(kwargs)),
            Sample("0d_0d", (T(a(rng, (), dt)), T(b(rng, (), dt))), dict(kwargs)),
            Sample("empty", (T(a(rng, (0, 3), dt)), T(b(rng, (1, 3), dt))), dict(kwargs)),
            Sample("scalar", (T(a(rng, (2, 3), dt)), scalar), dict(kwargs)),
            Sample("one_grad", (T(a(rng, (2, 3), dt)), T(b(rng, (2, 3), dt), requires_grad=False)), dict(kwargs)),
        ]
        if rscalar:
            out.append(Sample("rscalar", (scalar, T(b(rng, (2, 3), dt))), dict(kwargs)))
        return out

    return gen


def promotion_samples(ops_on_ints: bool = True, scalar: float = 2.5, **kwargs: Any) -> Callable[..., list[Sample]]:
    """torch's type promotion: integer widths, bool, Python scalars, 0-d versus dimensioned."""

    def gen(rng: np.random.Generator) -> list[Sample]:
        i64 = lambda s, lo=1, hi=5: T(ints(rng, s, np.int64, lo, hi))  # noqa: E731
        out = [
            Sample("f32_0d_f64", (T(rnd(rng, (3,), F32)), T(rnd(rng, (), F64))), dict(kwargs)),
            Sample("0d_f64_f32", (T(rnd(rng, (), F64)), T(rnd(rng, (3,), F32))), dict(kwargs)),
            Sample("f32_f64", (T(rnd(rng, (3,), F32)), T(rnd(rng, (3,), F64))), dict(kwargs)),
            Sample("int_float_scalar", (i64((3,)), scalar), dict(kwargs)),
            Sample("int_f32", (i64((3,)), T(rnd(rng, (3,), F32))), dict(kwargs)),
            Sample("int_0d_f64", (i64((3,)), T(rnd(rng, (), F64))), dict(kwargs)),
            Sample("f16_int_scalar", (T(rnd(rng, (3,), np.float16, 0.5, 2)), 3), dict(kwargs)),
        ]
        if ops_on_ints:
            out += [
                Sample("int_int", (i64((2, 3)), i64((3,))), dict(kwargs)),
                Sample("int_int_scalar", (i64((3,)), 2), dict(kwargs)),
                Sample("int32_int64", (T(ints(rng, (3,), np.int32, 1, 5)), i64((3,))), dict(kwargs)),
                Sample("uint8_int8", (T(ints(rng, (3,), np.uint8, 1, 5)), T(ints(rng, (3,), np.int8, 1, 5))),
                       dict(kwargs)),
                Sample("int32_0d_int64", (T(ints(rng, (3,), np.int32, 1, 5)), T(np.int64(3))), dict(kwargs)),
                Sample("uint8_neg_scalar", (T(ints(rng, (3,), np.uint8, 1, 5)), -1), dict(kwargs)),
                Sample("bool_bool", (T(bools(rng, (4,))), T(bools(rng, (4,)))), dict(kwargs)),
                Sample("bool_int", (T(bools(rng, (3,))), i64((3,))), dict(kwargs)),
                Sample("bool_scalar_true", (T(bools(rng, (3,))), True), dict(kwargs)),
                Sample("int_bool_scalar", (i64((3,)), True), dict(kwargs)),
            ]
        return out

    return gen


def _binary(name: str, fn: Callable[..., Any] | None = None, samples: Callable[..., list[Sample]] | None = None,
            extra: Callable[..., list[Sample]] | None = None, differentiable: bool = True, **kw: Any) -> OpInfo:
    return OpInfo(name, fn or func(name), samples or binary_samples(**kw), extra or promotion_samples(),
                  differentiable=differentiable)


def _div_extra(rng: np.random.Generator) -> list[Sample]:
    return promotion_samples()(rng) + [
        Sample("int_by_zero", (T(np.array([1, -1, 0])), T(np.array([0, 0, 0]))), {}),
        Sample("float_by_zero", (T(np.array([1.0, -1.0, 0.0])), T(np.array([0.0, 0.0, 0.0]))), {}),
    ]


def _div_round_extra(mode: str) -> Callable[..., list[Sample]]:
    def gen(rng: np.random.Generator) -> list[Sample]:
        k = {"rounding_mode": mode}
        return [
            Sample("int_int", (T(np.array([7, -7, 7, -7, 0])), T(np.array([2, 2, -2, -2, 3]))), k),
            Sample("int_scalar", (T(np.array([7, -7, 5])), 2), k),
            Sample("int_float_scalar", (T(np.array([7, -7, 5])), 2.5), k),
            Sample("uint8_int8", (T(np.array([7, 9], np.uint8)), T(np.array([2, -2], np.int8))), k),
            Sample("f32_0d_f64", (T(rnd(rng, (3,), F32)), T(rnd(rng, (), F64))), k),
            Sample("float_by_zero", (T(np.array([1.0, -1.0, 0.0])), T(np.array([0.0, 0.0, 0.0]))), k),
        ]

    return gen


def _pow_scalar_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    """x ** e for scalar e (PowBackward0), including the zero-exponent and zero-base edges."""
    x = lambda s: T(pos(rng, s, dt))  # noqa: E731
    return [
        Sample("sq", (T(rnd(rng, (3, 4), dt)), 2)),
        Sample("cube_0d", (T(rnd(rng, (), dt)), 3)),
        Sample("half", (x((2, 3)), 0.5)),
        Sample("neg_float", (x((2, 3)), -1.5)),
        Sample("neg_int", (x((3,)), -2)),
        Sample("zero_exp", (T(rnd(rng, (3,), dt)), 0)),
        Sample("one_exp", (T(rnd(rng, (3,), dt)), 1)),
        Sample("empty", (x((0, 2)), 2.0)),
        Sample("size1", (x((1, 3, 1)), 3.0)),
        # x ** 3 and x ** 2 at x = 0 are smooth; x ** 0 at 0 is 1 with derivative 0.
        Sample("zero_base", (T(np.array([0.0, 1.0, -1.0], dt)), 3)),
        Sample("zero_base_sq", (T(np.array([0.0, 2.0], dt)), 2)),
        Sample("zero_base_zero_exp", (T(np.array([0.0, 2.0], dt)), 0), gradcheck=False, gradgradcheck=False),
        # 0 ** 0.5 has an infinite derivative: compared with PyTorch only.
        Sample("zero_base_half", (T(np.array([0.0, 4.0], dt)), 0.5), gradcheck=False, gradgradcheck=False),
    ]


def _pow_scalar_extra(rng: np.random.Generator) -> list[Sample]:
    i = T(np.array([1, 2, 3, -2]))
    return [
        Sample("int_int_scalar", (i, 2)),
        Sample("int_float_scalar", (i, 2.5)),
        Sample("int_zero", (i, 0)),
        Sample("int_neg_scalar", (i, -1)),  # torch: integers to negative integer powers
        Sample("uint8_scalar", (T(np.array([1, 2, 3], np.uint8)), 2)),
        Sample("bool_scalar", (T(np.array([True, False])), 2)),
        Sample("f16_scalar", (T(np.array([0.5, 2.0], np.float16)), 2)),
        Sample("f32_f64_0d", (T(rnd(rng, (3,), F32, 0.5, 2)), T(np.float64(2.0)))),
    ]


def _pow_tensor_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    """x ** y with two tensors (PowBackward1): positive bases for the log in d/dy."""
    return [
        Sample("same", (T(pos(rng, (3, 4), dt)), T(rnd(rng, (3, 4), dt)))),
        Sample("bcast", (T(pos(rng, (3, 1), dt)), T(rnd(rng, (1, 4), dt)))),
        Sample("0d_dim", (T(pos(rng, (), dt)), T(rnd(rng, (2, 3), dt)))),
        Sample("dim_0d", (T(pos(rng, (2, 3), dt)), T(rnd(rng, (), dt)))),
        Sample("empty", (T(pos(rng, (0, 3), dt)), T(rnd(rng, (1, 3), dt)))),
        Sample("exp_only", (T(pos(rng, (3,), dt), requires_grad=False), T(rnd(rng, (3,), dt)))),
        # d/dy of 0 ** y is taken as 0 for y >= 0, as PyTorch does (masked log 0).
        Sample("zero_base", (T(np.array([0.0, 0.0, 2.0], dt)), T(np.array([2.0, 0.0, 1.5], dt))),
               gradcheck=False, gradgradcheck=False),
    ]


def _pow_tensor_extra(rng: np.random.Generator) -> list[Sample]:
    return [
        Sample("int_int", (T(np.array([1, 2, 3])), T(np.array([2, 0, 1])))),
        Sample("int_neg_int", (T(np.array([1, 2, 3])), T(np.array([2, -1, 1])))),
        Sample("int_f32", (T(np.array([1, 2, 3])), T(np.array([0.5, 1.0, 2.0], F32)))),
        Sample("f32_f64", (T(pos(rng, (3,), F32)), T(rnd(rng, (3,), F64)))),
        Sample("f32_0d_f64", (T(pos(rng, (3,), F32)), T(rnd(rng, (), F64)))),
        Sample("uint8_int8", (T(np.array([1, 2], np.uint8)), T(np.array([2, 3], np.int8)))),
    ]


def _rpow_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    """c ** y with a Python scalar base (PowBackward2)."""
    return [
        Sample("two", (2.0, T(rnd(rng, (3, 4), dt)))),
        Sample("int_base", (3, T(rnd(rng, (2, 3), dt)))),
        Sample("half_0d", (0.5, T(rnd(rng, (), dt)))),
        Sample("empty", (2.0, T(rnd(rng, (0, 3), dt)))),
        # 0 ** y: d/dy is 0 where y >= 0, as in PyTorch.
        Sample("zero_base", (0.0, T(np.array([1.0, 2.0, 0.0], dt))), gradcheck=False, gradgradcheck=False),
        Sample("one_base", (1.0, T(rnd(rng, (3,), dt)))),
    ]


def _rpow_extra(rng: np.random.Generator) -> list[Sample]:
    return [
        Sample("int_base_int", (2, T(np.array([0, 1, 3])))),
        Sample("float_base_int", (2.5, T(np.array([0, 1, 3])))),
        Sample("int_base_uint8", (2, T(np.array([0, 1, 3], np.uint8)))),
        Sample("int_base_bool", (2, T(np.array([True, False])))),
    ]


def _remainder_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    # Away from the jumps of remainder (where a / b is an integer) for gradcheck.
    a = lambda s: T(noninteger(rng, s, dt) * 2)  # noqa: E731
    b = lambda s: T(np.full(s, 2.0, dt) * rng.choice([-1, 1], s))  # noqa: E731
    return [
        Sample("same", (a((3, 4)), b((3, 4)))),
        Sample("bcast", (a((3, 1)), b((1, 4)))),
        Sample("0d_dim", (a(()), b((2, 3)))),
        Sample("empty", (a((0, 3)), b((1, 3)))),
        Sample("scalar", (a((2, 3)), 2.0)),
        Sample("neg_scalar", (a((2, 3)), -2.0)),
    ]


def _where_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    c = lambda s: T(bools(rng, s))  # noqa: E731
    x = lambda s: T(rnd(rng, s, dt))  # noqa: E731
    return [
        Sample("same", (c((3, 4)), x((3, 4)), x((3, 4)))),
        Sample("bcast", (c((3, 1)), x((1, 4)), x((3, 4)))),
        Sample("bcast_cond", (c((2, 3)), x((3,)), x(()))),
        Sample("scalar_other", (c((2, 3)), x((2, 3)), 0.0)),
        Sample("scalar_input", (c((2, 3)), 1.5, x((2, 3)))),
        Sample("0d", (c(()), x(()), x(()))),
        Sample("empty", (c((0, 3)), x((0, 3)), x((3,)))),
    ]


def _where_extra(rng: np.random.Generator) -> list[Sample]:
    c = T(np.array([True, False, True]))
    return [
        Sample("int_int", (c, T(np.array([1, 2, 3])), T(np.array([4, 5, 6])))),
        Sample("int_float", (c, T(np.array([1, 2, 3])), T(np.array([4.0, 5.0, 6.0], F32)))),
        Sample("f32_f64", (c, T(rnd(rng, (3,), F32)), T(rnd(rng, (3,), F64)))),
        Sample("f32_0d_f64", (c, T(rnd(rng, (3,), F32)), T(rnd(rng, (), F64)))),
        Sample("f32_scalar", (c, T(rnd(rng, (3,), F32)), 0.0)),
        Sample("int_int_scalar", (c, T(np.array([1, 2, 3])), 0)),
        Sample("int_float_scalar", (c, T(np.array([1, 2, 3])), 0.5)),
        Sample("uint8_int8", (c, T(np.array([1, 2, 3], np.uint8)), T(np.array([1, 2, 3], np.int8)))),
    ]


def _compare_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    x = rnd(rng, (3, 4), dt)
    y = x.copy()
    y[0] += 1
    y[1] -= 1
    return [
        Sample("same", (T(x), T(y))),
        Sample("bcast", (T(rnd(rng, (3, 1), dt)), T(rnd(rng, (1, 4), dt)))),
        Sample("scalar", (T(np.array([0.5, 1.0, 1.5], dt)), 1.0)),
        Sample("0d", (T(np.array(1.0, dt)), T(np.array([0.5, 1.0, 1.5], dt)))),
        Sample("empty", (T(rnd(rng, (0, 3), dt)), T(rnd(rng, (3,), dt)))),
        Sample("nan", (T(np.array([math.nan, 1.0], dt)), T(np.array([math.nan, 1.0], dt)))),
    ]


def _compare_extra(rng: np.random.Generator) -> list[Sample]:
    return [
        Sample("int_float", (T(np.array([1, 2, 3])), T(np.array([1.0, 2.5, 2.0], F32)))),
        Sample("int_float_scalar", (T(np.array([1, 2, 3])), 2.0)),
        Sample("uint8_int8", (T(np.array([1, 200], np.uint8)), T(np.array([1, -1], np.int8)))),
        Sample("bool_int", (T(np.array([True, False])), T(np.array([1, 1])))),
        Sample("int_0d_f64", (T(np.array([1, 2, 3])), T(np.float64(2.0)))),
    ]


def _logical_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    return [
        Sample("float", (T(np.array([0.0, 1.5, 0.0, -2.0], dt)), T(np.array([0.0, 0.0, 3.0, 1.0], dt)))),
        Sample("bcast", (T(np.array([[0.0], [1.0]], dt)), T(np.array([0.0, 2.0, 0.0], dt)))),
        Sample("0d", (T(np.array(0.0, dt)), T(np.array([0.0, 2.0], dt)))),
        Sample("empty", (T(np.zeros((0, 2), dt)), T(np.zeros((2,), dt)))),
    ]


def _logical_extra(rng: np.random.Generator) -> list[Sample]:
    return [
        Sample("bool", (T(np.array([True, False, True, False])), T(np.array([True, True, False, False])))),
        Sample("int", (T(np.array([0, 1, 2, 0])), T(np.array([0, 0, 5, 7])))),
        Sample("int_bool", (T(np.array([0, 1, 2])), T(np.array([True, False, True])))),
    ]


def _compare(name: str, fn: Callable[..., Any] | None = None) -> OpInfo:
    return OpInfo(name, fn or func(name), _compare_samples, _compare_extra, differentiable=False, records=False)


_floor_div_smooth = binary_samples(rnd, lambda rng, s, dt: away(rng, s, dt, 0.5, 2.0))

BINARY = [
    _binary("add"),
    _binary("add_alpha", func("add"), samples=binary_samples(alpha=2.0),
            extra=promotion_samples(alpha=2)),
    _binary("sub"),
    _binary("sub_alpha", func("sub"), samples=binary_samples(alpha=0.5),
            extra=promotion_samples(alpha=3)),
    _binary("mul"),
    _binary("div", samples=binary_samples(rnd, lambda rng, s, dt: away(rng, s, dt)), extra=_div_extra),
    _binary("div_trunc", lambda m, *a, **k: m.div(*a, rounding_mode="trunc", **k),
            samples=_floor_div_smooth, extra=_div_round_extra("trunc")),
    _binary("div_floor", lambda m, *a, **k: m.div(*a, rounding_mode="floor", **k),
            samples=_floor_div_smooth, extra=_div_round_extra("floor")),
    _binary("rsub", samples=binary_samples(), extra=promotion_samples(ops_on_ints=False)),
    _binary("rsub_alpha", func("rsub"), samples=binary_samples(alpha=2.0)),
    _binary("pow_scalar", func("pow"), samples=_pow_scalar_samples, extra=_pow_scalar_extra),
    _binary("pow_tensor", func("pow"), samples=_pow_tensor_samples, extra=_pow_tensor_extra),
    _binary("pow_scalar_base", func("pow"), samples=_rpow_samples, extra=_rpow_extra),
    _binary("remainder", samples=_remainder_samples,
            extra=_chain(promotion_samples(), lambda rng: [
                Sample("int_signs", (T(np.array([7, -7, 7, -7])), T(np.array([3, 3, -3, -3])))),
                Sample("float_signs", (T(np.array([7.5, -7.5, 7.5, -7.5])), T(np.array([2.0, 2.0, -2.0, -2.0])))),
            ])),
    # floor_divide is not differentiable in torch (a NotImplemented Node that raises).
    _binary("floor_divide", samples=_floor_div_smooth, differentiable=False,
            extra=_chain(promotion_samples(), lambda rng: [
                Sample("int_signs", (T(np.array([7, -7, 7, -7])), T(np.array([2, 2, -2, -2])))),
            ])),
    OpInfo("where", func("where"), _where_samples, _where_extra),
    _compare("eq"), _compare("ne"), _compare("lt"), _compare("le"), _compare("gt"), _compare("ge"),
    OpInfo("logical_and", func("logical_and"), _logical_samples, _logical_extra, differentiable=False, records=False),
    OpInfo("logical_or", func("logical_or"), _logical_samples, _logical_extra, differentiable=False, records=False),
    OpInfo("logical_xor", func("logical_xor"), _logical_samples, _logical_extra, differentiable=False, records=False),
    OpInfo("logical_not", func("logical_not"), lambda dt, rng: [s for s in (
        Sample("float", (T(np.array([0.0, 1.5, -0.0, math.nan], dt)),)),
        Sample("0d", (T(np.array(0.0, dt)),)),
        Sample("empty", (T(np.zeros((0, 2), dt)),)),
    )], lambda rng: [Sample("bool", (T(np.array([True, False])),)), Sample("int", (T(np.array([0, 3])),))],
        differentiable=False, records=False),
]

def _special_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    return [
        Sample("special", (T(np.array([0.0, -1.5, math.inf, -math.inf, math.nan], dt)),)),
        Sample("0d", (T(np.array(math.nan, dt)),)),
        Sample("empty", (T(np.zeros((0, 2), dt)),)),
    ]


def _int_only(rng: np.random.Generator) -> list[Sample]:
    return [Sample("int", (T(np.array([0, -3, 7])),)), Sample("bool", (T(np.array([True, False])),))]


def _extremum_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    # Ties share the gradient (a kink): compared with PyTorch, kept out of gradcheck.
    ties = (T(np.array([1.0, 2.0, 3.0], dt)), T(np.array([1.0, 3.0, 2.0], dt)))
    return [s for s in binary_samples()(dt, rng) if s.name != "scalar"] + [
        Sample("ties", ties, gradcheck=False, gradgradcheck=False),
        Sample("nan", (T(np.array([math.nan, 1.0], dt)), T(np.array([1.0, math.nan], dt))), gradcheck=False),
    ]


def _extremum_extra(rng: np.random.Generator) -> list[Sample]:
    return [s for s in promotion_samples()(rng) if not any(not isinstance(a, T) for a in s.args)]


def _inplace(name: str) -> Callable[..., Any]:
    """``x.clone().<name>_(...)``: in place on a non-leaf (a leaf that requires grad may not be)."""
    return lambda m, x, *args, **kwargs: getattr(x.clone(), name + "_")(*args, **kwargs)


def _inplace_binary_extra(rng: np.random.Generator) -> list[Sample]:
    return [
        Sample("int_float_scalar", (T(np.array([1, 2])), 2.5)),  # torch: result type Float can't be cast
        Sample("int_int", (T(np.array([1, 2])), T(np.array([3, 4])))),
        Sample("f32_f64", (T(rnd(rng, (3,), F32)), T(rnd(rng, (3,), F64)))),
        Sample("f32_0d_f64", (T(rnd(rng, (3,), F32)), T(rnd(rng, (), F64)))),
        Sample("bcast_out", (T(rnd(rng, (3, 1), F32)), T(rnd(rng, (1, 4), F32)))),  # output shape differs
        Sample("bool_bool", (T(np.array([True, False])), T(np.array([True, True])))),
    ]


def _inplace_binary_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    # In place the result keeps self's shape: no broadcasting of self.
    return [
        Sample("same", (T(rnd(rng, (3, 4), dt)), T(away(rng, (3, 4), dt)))),
        Sample("bcast_other", (T(rnd(rng, (2, 3), dt)), T(away(rng, (3,), dt)))),
        Sample("0d_other", (T(rnd(rng, (2, 3), dt)), T(away(rng, (), dt)))),
        Sample("scalar", (T(rnd(rng, (2, 3), dt)), 2.5)),
        Sample("0d", (T(rnd(rng, (), dt)), T(away(rng, (), dt)))),
    ]


def _bitwise_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    # Float operands: torch refuses ("bitwise_and_cpu" not implemented for 'Float').
    return [Sample("float", (T(rnd(rng, (3,), dt)), T(rnd(rng, (3,), dt))))]


def _bitwise_extra(rng: np.random.Generator) -> list[Sample]:
    return [
        Sample("bool", (T(np.array([True, False, True, False])), T(np.array([True, True, False, False])))),
        Sample("int", (T(np.array([12, 10, -3])), T(np.array([10, 6, 5])))),
        Sample("int_scalar", (T(np.array([12, 10, -3])), 6)),
        Sample("bool_scalar", (T(np.array([True, False])), True)),
        Sample("uint8_int8", (T(np.array([12, 10], np.uint8)), T(np.array([-1, 6], np.int8)))),
        Sample("bcast", (T(np.array([[1], [2]])), T(np.array([3, 1, 0])))),
        Sample("int_float_scalar", (T(np.array([1, 2])), 1.5)),
    ]


MORE_POINTWISE = [
    OpInfo("isnan", func("isnan"), _special_samples, _int_only, differentiable=False, records=False),
    OpInfo("isinf", func("isinf"), _special_samples, _int_only, differentiable=False, records=False),
    OpInfo("isfinite", func("isfinite"), _special_samples, _int_only, differentiable=False, records=False),
    OpInfo("equal", func("equal"), lambda dt, rng: [
        Sample("same", (T(np.array([1.0, 2.0], dt)), T(np.array([1.0, 2.0], dt)))),
        Sample("differ", (T(np.array([1.0, 2.0], dt)), T(np.array([1.0, 3.0], dt)))),
        Sample("shapes", (T(np.array([1.0, 1.0], dt)), T(np.array([[1.0, 1.0]], dt)))),
        Sample("nan", (T(np.array([math.nan], dt)), T(np.array([math.nan], dt)))),
    ], differentiable=False, records=False),
    OpInfo("max_other", func("max"), _extremum_samples, _extremum_extra),
    OpInfo("min_other", func("min"), _extremum_samples, _extremum_extra),
    OpInfo("Tensor.maximum", method("maximum"), _extremum_samples),
    OpInfo("Tensor.minimum", method("minimum"), _extremum_samples),
    _binary("subtract", samples=binary_samples(alpha=2.0), extra=lambda rng: []),
    _binary("multiply", extra=lambda rng: []),
    _binary("divide", b=lambda rng, s, dt: away(rng, s, dt), extra=lambda rng: []),
    _binary("true_divide", b=lambda rng, s, dt: away(rng, s, dt), extra=lambda rng: []),
    _unary("negative"),
    _compare("greater"), _compare("less_equal"), _compare("not_equal"),
    _binary("Tensor.add", method("add"), samples=binary_samples(alpha=2.0)),
    _binary("Tensor.pow", method("pow"), samples=_pow_scalar_samples, extra=_pow_scalar_extra),
    OpInfo("Tensor.exp", method("exp"), unary_samples(rnd), unary_extra),
    # In place: the Node is the out-of-place op's (AddBackward0...), self keeps its dtype.
    OpInfo("add_", _inplace("add"), _inplace_binary_samples, _inplace_binary_extra),
    OpInfo("add_alpha_", lambda m, x, y: x.clone().add_(y, alpha=-0.5), _inplace_binary_samples),
    OpInfo("sub_", _inplace("sub"), _inplace_binary_samples, _inplace_binary_extra),
    OpInfo("mul_", _inplace("mul"), _inplace_binary_samples, _inplace_binary_extra),
    OpInfo("div_", _inplace("div"), _inplace_binary_samples, _inplace_binary_extra),
    OpInfo("pow_", _inplace("pow"), lambda dt, rng: [
        Sample("scalar", (T(pos(rng, (2, 3), dt)), 2.5)),
        Sample("tensor", (T(pos(rng, (2, 3), dt)), T(rnd(rng, (3,), dt)))),
    ]),
    OpInfo("remainder_", _inplace("remainder"),
           lambda dt, rng: [s for s in _remainder_samples(dt, rng) if s.name in ("same", "scalar", "neg_scalar")]),
    OpInfo("exp_", _inplace("exp"), unary_samples(rnd), unary_extra),
    OpInfo("neg_", _inplace("neg"), unary_samples(rnd), unary_extra),
    OpInfo("relu_", _inplace("relu"), unary_samples(away), unary_extra),
    OpInfo("sigmoid_", _inplace("sigmoid"), unary_samples(rnd), unary_extra),
    OpInfo("sqrt_", _inplace("sqrt"), unary_samples(pos), unary_extra),
    OpInfo("floor_", _inplace("floor"), unary_samples(noninteger), unary_extra),
    OpInfo("__iadd__", lambda m, x, y: operator.iadd(x.clone(), y), _inplace_binary_samples, _inplace_binary_extra),
    OpInfo("__imul__", lambda m, x, y: operator.imul(x.clone(), y), _inplace_binary_samples, _inplace_binary_extra),
    OpInfo("__and__", op(operator.and_), _bitwise_samples, _bitwise_extra, differentiable=False, records=False),
    OpInfo("__or__", op(operator.or_), _bitwise_samples, _bitwise_extra, differentiable=False, records=False),
    OpInfo("__xor__", op(operator.xor), _bitwise_samples, _bitwise_extra, differentiable=False, records=False),
    OpInfo("__invert__", op(operator.invert), lambda dt, rng: [Sample("float", (T(rnd(rng, (3,), dt)),))],
           _int_only, differentiable=False, records=False),
]


# The Python operators, whose Nodes are torch's (2 / x is reciprocal(x) * 2: MulBackward0).
OPERATORS = [
    _binary("__add__", op(operator.add), rscalar=True),
    _binary("__sub__", op(operator.sub), rscalar=True),
    _binary("__mul__", op(operator.mul), rscalar=True),
    _binary("__truediv__", op(operator.truediv), b=lambda rng, s, dt: away(rng, s, dt), rscalar=True,
            extra=_chain(promotion_samples(), lambda rng: [Sample("rscalar_int", (2, T(np.array([1, 2, 4]))))])),
    _binary("__floordiv__", op(operator.floordiv), samples=_floor_div_smooth, differentiable=False),
    _binary("__mod__", op(operator.mod), samples=_remainder_samples),
    _binary("__pow__", op(operator.pow),
            samples=_chain(_named("scalar_exp", _pow_scalar_samples), _named("tensor_exp", _pow_tensor_samples),
                           _named("scalar_base", _rpow_samples)),
            extra=_chain(_named("scalar_exp", _pow_scalar_extra), _named("tensor_exp", _pow_tensor_extra),
                         _named("scalar_base", _rpow_extra))),
    OpInfo("__neg__", op(operator.neg), unary_samples(rnd), unary_extra),
    OpInfo("__abs__", op(operator.abs), unary_samples(away, [0.0, 1.0]), unary_extra),
]


