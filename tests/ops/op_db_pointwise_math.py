"""Registry rows of ember/ops/pointwise_math.py: trigonometry, rounding, clamping, bits, closeness.

Samples at points where an op is not differentiable (asin at +-1, clamp at its bounds,
round at halves, sinc's masked 0/0) are compared with PyTorch's subgradient only and kept
out of gradcheck (``gradcheck=False``), as in op_db_pointwise.py.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from types import ModuleType
from typing import Any

import numpy as np
from op_db_pointwise import (
    _bitwise_extra,
    _bitwise_samples,
    _extremum_extra,
    _extremum_samples,
    _inplace,
    _int_only,
    _special_samples,
    binary_samples,
    pos,
    promotion_samples,
    unary_extra,
    unary_samples,
)
from op_info import F32, F64, OpInfo, Sample, T, away, bools, method, noninteger, op, rnd

from ember.ops import pointwise_math

NAN, INF = math.nan, math.inf


def func(name: str) -> Callable[..., Any]:
    """``module.<name>(*args)``; for ember, the op of ember.ops.pointwise_math (which
    test_pointwise_math.py checks is what ``ember.<name>`` exports, where it does)."""

    def call(m: ModuleType, *args: Any, **kwargs: Any) -> Any:
        f = getattr(pointwise_math, name, None) if m.__name__ == "ember" else None
        return (f or getattr(m, name))(*args, **kwargs)

    return call


def _in(lo: float, hi: float) -> Callable[..., np.ndarray]:
    return lambda rng, s, dt: rnd(rng, s, dt, lo, hi)


def _unary(name: str, domain: Callable[..., np.ndarray] = rnd, edge: list[float] | None = None,
           edge_smooth: bool = False, fn: Callable[..., Any] | None = None, **kwargs: Any) -> OpInfo:
    gen = unary_samples(domain, edge, edge_smooth)
    if kwargs:
        base = gen

        def gen(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
            out = base(dt, rng)
            for s in out:
                s.kwargs = dict(kwargs)
            return out

    return OpInfo(name, fn or func(name), gen, unary_extra)


def _no_scalars(gen: Callable[..., list[Sample]]) -> Callable[..., list[Sample]]:
    """Samples of a tensor-only op: torch refuses a Python number for ``other`` (TypeError)."""
    return lambda dt, rng: [s for s in gen(dt, rng) if all(isinstance(a, T) for a in s.args)]


def _scalar_refused(rng: np.random.Generator) -> list[Sample]:
    x = T(rnd(rng, (3,), F32))
    return [Sample("scalar_other", (x, 2.0)), Sample("scalar_input", (2.0, x))]


# ---------------------------------------------------------------------------------------
# Unary
# ---------------------------------------------------------------------------------------
UNARY_MATH = [
    _unary("exp2", edge=[0.0, 30.0, -30.0], edge_smooth=True),
    _unary("log2", pos, edge=[0.0, 1.0]),  # log2(0) = -inf, grad inf
    _unary("log10", pos, edge=[0.0, 1.0]),
    _unary("tan", _in(-1.2, 1.2), edge=[0.0, 1.5], edge_smooth=True),
    # +-1 are the ends of the domain: infinite derivatives, compared with torch only.
    _unary("asin", _in(-0.9, 0.9), edge=[1.0, -1.0, 0.0, 1.5]),
    _unary("acos", _in(-0.9, 0.9), edge=[1.0, -1.0, 0.0, 1.5]),
    _unary("atan", edge=[0.0, 10.0, -10.0], edge_smooth=True),
    _unary("sinh", edge=[0.0, 5.0, -5.0], edge_smooth=True),
    _unary("cosh", edge=[0.0, 5.0, -5.0], edge_smooth=True),
    _unary("asinh", edge=[0.0, 10.0, -10.0], edge_smooth=True),
    _unary("acosh", _in(1.2, 3.0), edge=[1.0, 0.5, 10.0]),  # acosh'(1) = inf, nan below 1
    _unary("atanh", _in(-0.9, 0.9), edge=[1.0, -1.0, 0.0]),
    _unary("erfc", _in(-2.5, 2.5), edge=[0.0, 0.5, 1.0, 5.0, -5.0, 10.0, 30.0, -30.0], edge_smooth=True),
    _unary("erfinv", _in(-0.9, 0.9), edge=[1.0, -1.0, 0.0, 0.999, -0.99999, 1e-6, 1.5]),
    _unary("deg2rad"),
    _unary("rad2deg"),
    _unary("sinc", away, edge=[0.0, 1.0, -2.0, 0.5]),  # sinc'(0) = 0 (masked 0/0)
    # sgn's gradient is torch's ZeroTensor, which cannot be compared through .numpy():
    # test_pointwise_math.py checks it is zero; the Node name is still compared here.
    OpInfo("sgn", func("sgn"), unary_samples(away, [0.0, -0.0, 2.0, NAN]), unary_extra, records=False),
    _unary("logit", _in(0.1, 0.9), edge=[0.0, 1.0, -0.5, 1.5, 0.5]),  # nan gradient outside [0, 1]
    # Clamped to [0.2, 0.8] first: no gradient outside; the bounds themselves pass it.
    _unary("logit_eps", _in(0.25, 0.75), edge=[0.0, 0.1, 0.2, 0.8, 0.9, 1.0], fn=func("logit"), eps=0.2),
    _unary("round", noninteger, edge=[0.5, 1.5, 2.5, -0.5, -1.5, 0.0]),
    _unary("round_decimals", noninteger, edge=[0.125, 1.235, -2.5], fn=func("round"), decimals=2),
    _unary("round_decimals_neg", lambda rng, s, dt: noninteger(rng, s, dt) * 500, edge=[150.0, 250.0, -1234.5],
           fn=func("round"), decimals=-2),
    _unary("round_decimals_zero", noninteger, edge=[0.5, 1.5], fn=func("round"), decimals=0),
    _unary("frac", noninteger, edge=[1.0, -1.0, 0.0, INF]),
    _unary("Tensor.asin", _in(-0.9, 0.9), fn=method("asin")),
    _unary("arcsin", _in(-0.9, 0.9)),
    _unary("arctanh", _in(-0.9, 0.9)),
]


def _nan_to_num_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    special = np.array([NAN, INF, -INF, 1.5, -0.0], dt)
    return [
        Sample("special", (T(special),), gradcheck=False),  # nan/inf inputs: compared with torch only
        Sample("special_args", (T(special),), {"nan": 1.0, "posinf": 2.0, "neginf": -3.0}, gradcheck=False),
        Sample("overflow", (T(special),), {"posinf": 1e300}, gradcheck=False),
        Sample("finite", (T(rnd(rng, (2, 3), dt)),)),
        Sample("0d", (T(np.array(NAN, dt)),), gradcheck=False),
        Sample("empty", (T(rnd(rng, (0, 2), dt)),)),
    ]


def _signbit_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    return _special_samples(dt, rng) + [Sample("zeros", (T(np.array([-0.0, 0.0, -NAN], dt)),))]


PREDICATES = [
    OpInfo("signbit", func("signbit"), _signbit_samples, _int_only, differentiable=False, records=False),
    OpInfo("isposinf", func("isposinf"), _special_samples, _int_only, differentiable=False, records=False),
    OpInfo("isneginf", func("isneginf"), _special_samples, _int_only, differentiable=False, records=False),
    OpInfo("isreal", func("isreal"), _special_samples, _int_only, differentiable=False, records=False),
    OpInfo("nan_to_num", func("nan_to_num"), _nan_to_num_samples, unary_extra),
]


# ---------------------------------------------------------------------------------------
# Binary
# ---------------------------------------------------------------------------------------
def _fmod_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    # Away from the jumps (where x / y is an integer) for gradcheck; both signs.
    a = lambda s: T(noninteger(rng, s, dt) * 2)  # noqa: E731
    b = lambda s: T(np.full(s, 2.0, dt) * rng.choice([-1, 1], s))  # noqa: E731
    return [
        Sample("same", (a((3, 4)), b((3, 4)))),
        Sample("bcast", (a((3, 1)), b((1, 4)))),
        Sample("0d_dim", (a(()), b((2, 3)))),
        Sample("empty", (a((0, 3)), b((1, 3)))),
        Sample("scalar", (a((2, 3)), 2.0)),
        Sample("neg_scalar", (a((2, 3)), -2.0)),
        Sample("by_zero", (T(np.array([1.0, -1.0], dt)), T(np.array([0.0, 0.0], dt))), gradcheck=False),
    ]


def _fmod_extra(rng: np.random.Generator) -> list[Sample]:
    return promotion_samples()(rng) + [
        Sample("int_signs", (T(np.array([7, -7, 7, -7])), T(np.array([3, 3, -3, -3])))),
        Sample("int_by_zero", (T(np.array([7, -7])), T(np.array([0, 3])))),  # torch: ZeroDivisionError
        Sample("int_by_zero_scalar", (T(np.array([7, -7])), 0)),
    ]


def _copysign_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    # d/dself at self = 0 is taken as 0 (a kink of |x|): compared with torch only.
    return binary_samples(away, rnd)(dt, rng) + [
        Sample("zero_self", (T(np.array([0.0, -0.0, 1.0], dt)), T(np.array([-1.0, 1.0, -0.0], dt))),
               gradcheck=False),
        Sample("neg_zero_scalar", (T(away(rng, (3,), dt)), -0.0)),
    ]


def _heaviside_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    x = T(np.array([-1.5, 0.0, 2.0, NAN, -0.0], dt))
    return [
        Sample("same", (x, T(np.array([0.5, 0.5, 0.5, 0.5, 2.0], dt)))),
        Sample("bcast", (x, T(np.array([0.25], dt)))),
        Sample("0d", (T(np.array(0.0, dt)), T(np.array(0.75, dt)))),
        Sample("empty", (T(np.zeros((0, 2), dt)), T(np.zeros((2,), dt)))),
    ]


def _heaviside_extra(rng: np.random.Generator) -> list[Sample]:
    return [
        Sample("int", (T(np.array([-2, 0, 3])), T(np.array([7, 7, 7])))),
        Sample("bool", (T(np.array([True, False])), T(np.array([True, True])))),
        Sample("mixed", (T(np.array([-2, 0, 3])), T(np.array([0.5], F32)))),  # torch: different dtypes
        Sample("f32_0d_f64", (T(rnd(rng, (3,), F32)), T(np.float64(0.5)))),
        Sample("scalar", (T(rnd(rng, (3,), F32)), 0.5)),  # torch: TypeError
    ]


def _float_power_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    # Inputs not already float64 are cast (a ToCopyBackward0 Node before pow's).
    return [
        Sample("scalar_exp", (T(pos(rng, (2, 3), dt)), 2.5)),
        Sample("int_exp", (T(rnd(rng, (3,), dt)), 3)),
        Sample("tensor_exp", (T(pos(rng, (3, 1), dt)), T(rnd(rng, (1, 2), dt)))),
        Sample("scalar_base", (2.0, T(rnd(rng, (2, 3), dt)))),
        Sample("0d", (T(pos(rng, (), dt)), T(rnd(rng, (), dt)))),
        Sample("empty", (T(pos(rng, (0, 2), dt)), 2.0)),
        Sample("mixed", (T(pos(rng, (3,), F32)), T(rnd(rng, (3,), dt))), gradcheck=False),  # a float32 input
    ]


def _float_power_extra(rng: np.random.Generator) -> list[Sample]:
    return [
        Sample("int_int", (T(np.array([1, 2, 3])), T(np.array([2, -1, 0])))),
        Sample("int_scalar", (T(np.array([1, 2, 3])), 2)),
        Sample("bool_bool", (T(np.array([True, False])), T(np.array([True, True])))),
        Sample("neg_base_half", (T(np.array([-2.0, 4.0])), 0.5)),
        Sample("scalars", (2, 3)),  # torch: TypeError
    ]


def _tensor_binary(name: str, a: Callable[..., np.ndarray] = rnd, b: Callable[..., np.ndarray] = rnd,
                   extra: Callable[..., list[Sample]] | None = None, fn: Callable[..., Any] | None = None) -> OpInfo:
    return OpInfo(name, fn or func(name), _no_scalars(binary_samples(a, b)),
                  extra or (lambda rng: promotion_samples()(rng) + _scalar_refused(rng)))


BINARY_MATH = [
    _tensor_binary("atan2"),
    _tensor_binary("arctan2"),
    _tensor_binary("hypot", away, away),  # hypot'(0, 0) is 0/0
    _tensor_binary("logaddexp"),
    _tensor_binary("logaddexp2"),
    OpInfo("logaddexp_inf", func("logaddexp"), lambda dt, rng: [
        Sample("inf", (T(np.array([INF, -INF, -INF, 1.0], dt)), T(np.array([INF, -INF, 2.0, -INF], dt))),
               gradcheck=False),
    ]),
    OpInfo("fmax", func("fmax"), _extremum_samples, lambda rng: _extremum_extra(rng) + _scalar_refused(rng)),
    OpInfo("fmin", func("fmin"), _extremum_samples, _extremum_extra),
    OpInfo("fmod", func("fmod"), _fmod_samples, _fmod_extra),
    OpInfo("copysign", func("copysign"), _copysign_samples, promotion_samples()),
    OpInfo("heaviside", func("heaviside"), _heaviside_samples, _heaviside_extra, differentiable=False),
    OpInfo("float_power", func("float_power"), _float_power_samples, _float_power_extra),
    OpInfo("xlogy_float", func("xlogy"), _no_scalars(binary_samples(rnd, pos))),
    OpInfo("Tensor.xlogy", method("xlogy"), _no_scalars(binary_samples(rnd, pos))),
]


# ---------------------------------------------------------------------------------------
# Ternary: lerp, addcmul, addcdiv
# ---------------------------------------------------------------------------------------
def _lerp_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    x = lambda s: T(rnd(rng, s, dt))  # noqa: E731
    return [
        Sample("scalar_w", (x((3, 4)), x((3, 4)), 0.3)),
        Sample("scalar_w_big", (x((2, 3)), x((2, 3)), 0.8)),
        Sample("scalar_w_int", (x((3,)), x((3,)), 2)),
        Sample("bcast", (x((3, 1)), x((1, 4)), 0.6)),
        Sample("0d", (x(()), x(()), -0.25)),
        Sample("empty", (x((0, 3)), x((1, 3)), 0.5)),
        Sample("tensor_w", (x((3, 4)), x((3, 4)), x((3, 4)))),
        Sample("tensor_w_bcast", (x((3, 1)), x((4,)), x((2, 1, 1)))),
        Sample("tensor_w_0d", (x((2, 3)), x((2, 3)), x(()))),
        Sample("tensor_w_nograd", (x((2, 3)), T(rnd(rng, (2, 3), dt), requires_grad=False), x((3,)))),
    ]


def _lerp_extra(rng: np.random.Generator) -> list[Sample]:
    f = lambda s, dt=F32: T(rnd(rng, s, dt))  # noqa: E731
    return [
        Sample("end_f64", (f((3,)), f((3,), F64), 0.5)),  # torch: expected dtype float for `end`
        Sample("end_0d_f64", (f((3,)), f((), F64), 0.5)),
        Sample("weight_f64", (f((3,)), f((3,)), f((3,), F64))),  # torch: ... for `weight`
        Sample("weight_0d_f64", (f((3,)), f((3,)), f((), F64))),  # a 0-d weight may differ
        Sample("int", (T(np.array([1, 2])), T(np.array([3, 4])), 0.5)),  # torch: not implemented for 'Long'
        Sample("int_tensor_w", (T(np.array([1, 2])), T(np.array([3, 4])), T(np.array([1, 0])))),
        Sample("f16", (f((3,), np.float16), f((3,), np.float16), 0.25)),
        Sample("shape", (f((3,)), f((2,)), 0.5)),
    ]


def _addc_samples(value: Any) -> Callable[..., list[Sample]]:
    def gen(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
        x = lambda s: T(rnd(rng, s, dt))  # noqa: E731
        d = lambda s: T(away(rng, s, dt))  # noqa: E731 - divisors away from 0
        k = {"value": value}
        return [
            Sample("same", (x((3, 4)), x((3, 4)), d((3, 4))), k),
            Sample("bcast", (x((3, 1)), x((1, 4)), d((3, 1))), k),
            Sample("bcast_self", (x((4,)), x((2, 1)), d((2, 4))), k),
            Sample("0d", (x(()), x(()), d(())), k),
            Sample("empty", (x((0, 3)), x((1, 3)), d((3,))), k),
            Sample("default_value", (x((2, 3)), x((2, 3)), d((2, 3)))),
            Sample("one_grad", (x((2, 3)), T(rnd(rng, (2, 3), dt), requires_grad=False), d((2, 3))), k),
            Sample("self_only", (x((2, 3)), T(rnd(rng, (2, 3), dt), requires_grad=False),
                                 T(away(rng, (2, 3), dt), requires_grad=False)), k),
        ]

    return gen


def _addc_extra(div: bool) -> Callable[..., list[Sample]]:
    def gen(rng: np.random.Generator) -> list[Sample]:
        i = lambda: T(np.array([1, -2, 3]))  # noqa: E731
        f = lambda dt=F32: T(away(rng, (3,), dt))  # noqa: E731
        return [
            Sample("int", (i(), i(), i())),  # addcdiv: torch refuses integer division
            Sample("int_float_value", (i(), i(), i()), {"value": 2.5}),  # truncated to 2 for integers
            Sample("float_int_int", (f(), i(), i()), {"value": 2.5}),
            Sample("int_float_float", (i(), f(), f()), {"value": 2}),
            Sample("f32_f64", (f(), f(), f(F64)), {"value": 0.5}),
            Sample("f32_0d_f64", (f(), f(), T(np.float64(1.5))), {"value": 0.5}),
            Sample("bool_value", (f(), f(), f()), {"value": True}),
            Sample("complex_value", (f(), f(), f()), {"value": 1j}),
            Sample("bool", (T(bools(rng, (3,))), T(bools(rng, (3,))), T(bools(rng, (3,))))),
            Sample("shape", (f(), T(away(rng, (2,), F32)), f())),
        ]

    return gen


TERNARY = [
    OpInfo("lerp", func("lerp"), _lerp_samples, _lerp_extra),
    OpInfo("addcmul", func("addcmul"), _addc_samples(0.5), _addc_extra(False)),
    OpInfo("addcdiv", func("addcdiv"), _addc_samples(-2.0), _addc_extra(True)),
]


# ---------------------------------------------------------------------------------------
# clamp
# ---------------------------------------------------------------------------------------
def _clamp_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    # Inputs at least 0.1 from the bounds for gradcheck; the bounds themselves separately.
    x = lambda s: T(noninteger(rng, s, dt))  # noqa: E731
    lo = lambda s: T(np.full(s, -1.0, dt) + rng.integers(-1, 1, s))  # noqa: E731
    hi = lambda s: T(np.full(s, 1.0, dt) + rng.integers(0, 2, s))  # noqa: E731
    at_bounds = T(np.array([-1.0, 1.0, 0.0, -2.0, 2.0, NAN], dt))
    return [
        Sample("scalars", (x((3, 4)), -1, 1)),
        Sample("min_only", (x((3, 4)),), {"min": 0.0}),
        Sample("max_only", (x((3, 4)),), {"max": 0.0}),
        Sample("0d", (x(()), -1.0, 1.0)),
        Sample("empty", (x((0, 3)), -1.0, 1.0)),
        Sample("min_gt_max", (x((2, 3)), 1.0, -1.0)),
        # At the bounds the gradient passes (torch: min <= x <= max); nan gets none.
        Sample("at_bounds", (at_bounds, -1.0, 1.0), gradcheck=False),
        Sample("tensors", (x((3, 4)), lo((3, 4)), hi((3, 4)))),
        Sample("tensors_bcast", (x((3, 4)), lo((1, 4)), hi((3, 1)))),
        # (torch's backward fails for max's gradient when self is smaller than the
        # broadcast shape: an in-place logical_or_ into self's shape; so max has none here.)
        Sample("self_bcast", (x((3, 1)), lo((1, 4)), T(np.array(1.0, dt), requires_grad=False))),
        Sample("tensor_min", (x((2, 3)),), {"min": lo((3,))}),
        Sample("tensor_max", (x((2, 3)),), {"max": hi((2, 1))}),
        Sample("tensor_min_gt_max", (x((2, 3)), hi((2, 3)), lo((2, 3)))),
        Sample("tensors_at_bounds", (at_bounds, T(np.full(6, -1.0, dt)), T(np.full(6, 1.0, dt))), gradcheck=False),
        Sample("tensor_bounds_nograd", (x((2, 3)), T(np.full(3, -1.0, dt), requires_grad=False),
                                        T(np.full(3, 1.0, dt), requires_grad=False))),
        Sample("0d_tensor_and_number", (x((2, 3)), T(np.array(-1.0, dt), requires_grad=False), 1.0)),
        Sample("nan_bound", (x((3,)), NAN, 1.0), gradcheck=False),
    ]


def _clamp_extra(rng: np.random.Generator) -> list[Sample]:
    i = lambda: T(np.array([1, -2, 3, 0]))  # noqa: E731
    return [
        Sample("int", (i(), 0, 2)),
        Sample("int_float_bounds", (i(), 0.5, 2)),
        Sample("bool_int_bound", (T(np.array([True, False])), 0)),
        Sample("bool_bool_bounds", (T(np.array([True, False])), False, True)),  # torch: not implemented
        Sample("bool_tensors", (T(np.array([True, False])), T(np.array([False, False])), T(np.array([True, True])))),
        Sample("int_float_tensor", (i(), T(rnd(rng, (4,), F32)))),
        Sample("f32_f64_tensor", (T(rnd(rng, (3,), F32)), T(rnd(rng, (3,), F64)))),
        Sample("f32_0d_f64", (T(rnd(rng, (3,), F32)), T(np.float64(0.0)), T(np.float64(1.0)))),
        Sample("none", (T(rnd(rng, (3,), F32)),)),  # torch: at least one of min or max
        Sample("shape", (T(rnd(rng, (3,), F32)), T(rnd(rng, (2,), F32)))),
        Sample("nd_tensor_and_number", (T(rnd(rng, (3,), F32)), T(rnd(rng, (3,), F32)), 1)),  # torch: TypeError
        Sample("f16", (T(rnd(rng, (3,), np.float16)), -0.5, 0.5)),
    ]


def _clamp_min_samples(bound: str) -> Callable[..., list[Sample]]:
    def gen(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
        x = lambda s: T(noninteger(rng, s, dt))  # noqa: E731
        b = lambda s: T(np.zeros(s, dt) + rng.integers(-1, 2, s))  # noqa: E731
        return [
            Sample("scalar", (x((3, 4)), 0.0)),
            Sample("0d", (x(()), -1.0)),
            Sample("empty", (x((0, 3)), 0.0)),
            Sample("at_bound", (T(np.array([0.0, 1.0, -1.0, NAN], dt)), 0.0), gradcheck=False),
            Sample("tensor", (x((3, 4)), b((3, 4)))),
            Sample("tensor_bcast", (x((3, 1)), b((4,)))),
            Sample("tensor_0d", (x((2, 3)), b(()))),
            Sample("tensor_at_bound", (T(np.array([0.0, 1.0, -1.0, NAN], dt)), T(np.zeros(4, dt))), gradcheck=False),
        ]

    return gen


def _clamp_min_extra(rng: np.random.Generator) -> list[Sample]:
    return [
        Sample("int_float", (T(np.array([1, -2, 3])), 0.5)),
        Sample("int", (T(np.array([1, -2, 3])), 0)),
        Sample("bool_int", (T(np.array([True, False])), 0)),
        Sample("bool_bool", (T(np.array([True, False])), True)),  # torch: not implemented for 'Bool'
        Sample("bool_tensors", (T(np.array([True, False])), T(np.array([False, True])))),
        Sample("int_float_tensor", (T(np.array([1, -2, 3])), T(rnd(rng, (3,), F32)))),
    ]


CLAMP = [
    OpInfo("clamp", func("clamp"), _clamp_samples, _clamp_extra),
    OpInfo("clip", func("clip"), lambda dt, rng: _clamp_samples(dt, rng)[:3]),
    OpInfo("Tensor.clamp", method("clamp"), lambda dt, rng: [_clamp_samples(dt, rng)[i] for i in (0, 7, 9)]),
    OpInfo("clamp_min_fn", func("clamp_min"), _clamp_min_samples("min"), _clamp_min_extra),
    OpInfo("clamp_max", func("clamp_max"), _clamp_min_samples("max"), _clamp_min_extra),
    OpInfo("Tensor.clamp_max", method("clamp_max"), lambda dt, rng: _clamp_min_samples("max")(dt, rng)[:5]),
]


# ---------------------------------------------------------------------------------------
# isclose, allclose, bitwise
# ---------------------------------------------------------------------------------------
def _close_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    a = np.array([1.0, 1.0, 1.0, NAN, INF, -INF, INF, 0.0, 1e-9], dt)
    b = np.array([1.0, 1.0 + 1e-6, 1.1, NAN, INF, INF, 1.0, 1e-9, 0.0], dt)
    return [
        Sample("default", (T(a), T(b))),
        Sample("equal_nan", (T(a), T(b)), {"equal_nan": True}),
        Sample("tolerances", (T(a), T(b)), {"rtol": 0.2, "atol": 0.0}),
        Sample("exact", (T(a), T(b)), {"rtol": 0.0, "atol": 0.0}),
        Sample("bcast", (T(a[:3].reshape(3, 1)), T(b[:3]))),
        Sample("0d", (T(np.array(1.0, dt)), T(np.array(1.0, dt)))),
        Sample("empty", (T(np.zeros((0, 2), dt)), T(np.zeros((2,), dt)))),
        Sample("neg_rtol", (T(a), T(b)), {"rtol": -1.5}),  # torch: RuntimeError
        Sample("neg_atol", (T(a), T(b)), {"atol": -1}),
        Sample("shape", (T(a[:3]), T(b[:2]))),
    ]


def _close_extra(rng: np.random.Generator) -> list[Sample]:
    return [
        Sample("int", (T(np.array([1, 2, 100])), T(np.array([1, 3, 101]))), {"rtol": 0.1}),
        Sample("bool", (T(np.array([True, False])), T(np.array([True, True])))),
        Sample("mixed", (T(rnd(rng, (3,), F32)), T(rnd(rng, (3,), F64)))),  # torch: Float did not match Double
        Sample("f32_rtol", (T(np.array([1.0, 1.001], F32)), T(np.array([1.0005, 1.0], F32))), {"rtol": 1e-3}),
    ]


def _shift_extra(rng: np.random.Generator) -> list[Sample]:
    return [
        Sample("int", (T(np.array([1, -2, 3, -8])), T(np.array([1, 2, 0, 3])))),
        Sample("scalar", (T(np.array([1, -2, 3])), 2)),
        Sample("scalar_first", (1, T(np.array([0, 1, 3])))),
        Sample("out_of_range", (T(np.array([1, -2, 3, -1])), T(np.array([64, 70, -1, 63])))),
        Sample("int8", (T(np.array([-8, 8, 1], np.int8)), T(np.array([9, 7, 7], np.int8)))),
        Sample("uint8", (T(np.array([200, 200, 1], np.uint8)), T(np.array([8, 7, 7], np.uint8)))),
        Sample("bool", (T(np.array([True, False])), T(np.array([True, True])))),  # torch: not implemented
        Sample("float_scalar", (T(np.array([1, 2])), 1.5)),
    ]


def _bitwise_more(rng: np.random.Generator) -> list[Sample]:
    return _bitwise_extra(rng) + [
        Sample("int_bool", (T(np.array([1, 2, 3])), T(np.array([True, False, True])))),
        Sample("scalar_first", (3, T(np.array([1, 2, 4])))),
        Sample("0d", (T(np.array(6)), T(np.array([3, 5])))),
        Sample("empty", (T(np.zeros((0, 2), np.int64)), T(np.zeros((2,), np.int64)))),
    ]


def _bitwise_not_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    return [Sample("float", (T(rnd(rng, (3,), dt)),))]  # torch: not implemented for 'Float'


def _bitwise_not_extra(rng: np.random.Generator) -> list[Sample]:
    return _int_only(rng) + [
        Sample("uint8", (T(np.array([0, 1, 255], np.uint8)),)),
        Sample("int8_0d", (T(np.array(-5, np.int8)),)),
    ]


_NO_GRAD = {"differentiable": False, "records": False}

BITS_AND_CLOSENESS = [
    OpInfo("isclose", func("isclose"), _close_samples, _close_extra, **_NO_GRAD),
    OpInfo("allclose", func("allclose"), _close_samples, _close_extra, **_NO_GRAD),
    OpInfo("Tensor.isclose", method("isclose"), lambda dt, rng: _close_samples(dt, rng)[:2], **_NO_GRAD),
    OpInfo("bitwise_and", func("bitwise_and"), _bitwise_samples, _bitwise_more, **_NO_GRAD),
    OpInfo("bitwise_or", func("bitwise_or"), _bitwise_samples, _bitwise_more, **_NO_GRAD),
    OpInfo("bitwise_xor", func("bitwise_xor"), _bitwise_samples, _bitwise_more, **_NO_GRAD),
    OpInfo("bitwise_not", func("bitwise_not"), _bitwise_not_samples, _bitwise_not_extra, **_NO_GRAD),
    OpInfo("bitwise_left_shift", func("bitwise_left_shift"), _bitwise_samples, _shift_extra, **_NO_GRAD),
    OpInfo("bitwise_right_shift", func("bitwise_right_shift"), _bitwise_samples, _shift_extra, **_NO_GRAD),
    OpInfo("__lshift__", op(operator.lshift), _bitwise_samples, _shift_extra, **_NO_GRAD),
    OpInfo("__rshift__", op(operator.rshift), _bitwise_samples, _shift_extra, **_NO_GRAD),
    OpInfo("Tensor.bitwise_and", method("bitwise_and"), extra=lambda rng: _bitwise_extra(rng)[:3], **_NO_GRAD),
]


# ---------------------------------------------------------------------------------------
# In place: the Node is the out-of-place op's; self keeps its dtype.
# ---------------------------------------------------------------------------------------
def _inplace_unary(name: str, domain: Callable[..., np.ndarray] = rnd, **kwargs: Any) -> OpInfo:
    def call(m: Any, x: Any) -> Any:
        return getattr(x.clone(), name + "_")(**kwargs)

    return OpInfo(f"{name}_{'_'.join(map(str, kwargs.values()))}_" if kwargs else name + "_", call,
                  lambda dt, rng: unary_samples(domain)(dt, rng)[:3], lambda rng: unary_extra(rng)[:1])


def _inplace_samples(gen: Callable[..., list[Sample]], keep: tuple[str, ...]) -> Callable[..., list[Sample]]:
    return lambda dt, rng: [s for s in gen(dt, rng) if s.name in keep]


def _ibitwise(fn: Callable[..., Any]) -> Callable[..., Any]:
    return lambda m, x, y: fn(x.clone(), y)


INPLACE = [
    _inplace_unary("exp2"), _inplace_unary("tan", _in(-1.2, 1.2)), _inplace_unary("asin", _in(-0.9, 0.9)),
    _inplace_unary("arccos", _in(-0.9, 0.9)), _inplace_unary("sinh"), _inplace_unary("erfinv", _in(-0.9, 0.9)),
    _inplace_unary("erf"), _inplace_unary("erfc"), _inplace_unary("sinc", away),
    _inplace_unary("round", noninteger), _inplace_unary("round", noninteger, decimals=1),
    _inplace_unary("frac", noninteger), _inplace_unary("logit", _in(0.1, 0.9)),
    _inplace_unary("logit", _in(0.1, 0.9), eps=0.25), _inplace_unary("nan_to_num"), _inplace_unary("deg2rad"),
    OpInfo("clamp_", _inplace("clamp"), lambda dt, rng: _inplace_samples(
        _clamp_samples, ("scalars", "min_only", "tensor_min"))(dt, rng) + [
        # Only the bound (given by keyword) requires grad: the in-place result records it.
        Sample("bound_grad_only", (T(noninteger(rng, (3,), dt), requires_grad=False),),
               {"min": T(np.zeros(3, dt)), "max": T(np.ones(3, dt))}),
    ], lambda rng: _clamp_extra(rng)[:2]),
    OpInfo("clip_", _inplace("clip"), _inplace_samples(_clamp_samples, ("scalars",))),
    OpInfo("clamp_min_", _inplace("clamp_min"), _inplace_samples(_clamp_min_samples("min"), ("scalar", "tensor")),
           lambda rng: _clamp_min_extra(rng)[:1]),
    OpInfo("clamp_max_", _inplace("clamp_max"), _inplace_samples(_clamp_min_samples("max"), ("scalar", "tensor"))),
    OpInfo("lerp_", _inplace("lerp"), _inplace_samples(_lerp_samples, ("scalar_w", "0d", "tensor_w", "tensor_w_0d"))),
    OpInfo("addcmul_", _inplace("addcmul"), _inplace_samples(_addc_samples(0.5), ("same", "0d"))),
    OpInfo("addcdiv_", _inplace("addcdiv"), _inplace_samples(_addc_samples(2), ("same", "0d"))),
    OpInfo("fmod_", _inplace("fmod"), _inplace_samples(_fmod_samples, ("same", "scalar"))),
    OpInfo("copysign_", _inplace("copysign"), _inplace_samples(_copysign_samples, ("same", "scalar"))),
    OpInfo("atan2_", _inplace("atan2"), _inplace_samples(_no_scalars(binary_samples()), ("same", "dim_0d"))),
    OpInfo("hypot_", _inplace("hypot"), _inplace_samples(_no_scalars(binary_samples(away, away)), ("same", "0d_0d"))),
    OpInfo("xlogy_", _inplace("xlogy"), _inplace_samples(binary_samples(rnd, pos), ("same", "0d_0d"))),
    OpInfo("float_power_", _inplace("float_power"),
           _inplace_samples(_float_power_samples, ("scalar_exp", "int_exp"))),  # f32 self: torch refuses
    OpInfo("bitwise_and_", _ibitwise(lambda x, y: x.bitwise_and_(y)), extra=lambda rng: _bitwise_extra(rng)[:4],
           **_NO_GRAD),
    OpInfo("bitwise_not_", lambda m, x: x.clone().bitwise_not_(), extra=_int_only, **_NO_GRAD),
    OpInfo("bitwise_left_shift_", _ibitwise(lambda x, y: x.bitwise_left_shift_(y)),
           extra=lambda rng: _shift_extra(rng)[:2], **_NO_GRAD),
    OpInfo("__ilshift__", _ibitwise(operator.ilshift), extra=lambda rng: _shift_extra(rng)[:2], **_NO_GRAD),
    OpInfo("__irshift__", _ibitwise(operator.irshift), extra=lambda rng: _shift_extra(rng)[:2], **_NO_GRAD),
    OpInfo("__iand__", _ibitwise(operator.iand), extra=lambda rng: _bitwise_extra(rng)[:4], **_NO_GRAD),
    OpInfo("__ixor__", _ibitwise(operator.ixor), extra=lambda rng: _bitwise_extra(rng)[:4], **_NO_GRAD),
]

POINTWISE_MATH: list[OpInfo] = UNARY_MATH + PREDICATES + BINARY_MATH + TERNARY + CLAMP + BITS_AND_CLOSENESS + INPLACE
"""Every row of this file (op_db.py adds them to the registry)."""
