"""Registry rows of ember/ops/nn_activation.py: linear layers, activations, softmax, normalize."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from op_info import (
    F32,
    F64,
    OpInfo,
    Sample,
    T,
    away,
    dtyped,
    ember_torch_dtype,
    func,
    ints,
    method,
    rnd,
)


def nn(name: str) -> Callable[..., Any]:
    return func(f"nn.functional.{name}")


# ---------------------------------------------------------------------------------------
# linear, bilinear
# ---------------------------------------------------------------------------------------
def _linear_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    x = lambda *s: T(rnd(rng, s, dt))  # noqa: E731
    nog = lambda *s: T(rnd(rng, s, dt), requires_grad=False)  # noqa: E731
    return [
        Sample("1d", (x(3), x(2, 3))),
        Sample("1d_bias", (x(3), x(2, 3), x(2))),
        Sample("2d", (x(2, 3), x(2, 3))),
        Sample("2d_bias", (x(2, 3), x(2, 3), x(2))),
        Sample("3d", (x(2, 1, 3), x(2, 3))),
        Sample("3d_bias", (x(2, 1, 3), x(2, 3), x(2))),
        Sample("4d_bias", (x(1, 2, 1, 2), x(2, 2), x(2))),
        Sample("bias_2d", (x(2, 1, 2), x(2, 2), x(1, 2))),
        Sample("bias_0d", (x(2, 1, 2), x(2, 2), x())),
        Sample("w_1d", (x(2, 3), x(3))),
        Sample("x_no_grad", (nog(2, 2, 3), x(2, 3), x(2))),
        Sample("w_no_grad", (x(2, 3), nog(2, 3), x(2))),
        Sample("empty", (x(0, 3), x(2, 3), x(2))),
        Sample("noncontig_3d", (T(np.swapaxes(rnd(rng, (2, 3, 2), dt), 1, 2)), x(2, 3), x(2))),
    ]


def _linear_extra(rng: np.random.Generator) -> list[Sample]:
    return [
        Sample("int", (T(ints(rng, (2, 3))), T(ints(rng, (4, 3))))),
        Sample("mixed_dtypes", (T(rnd(rng, (2, 3), F32)), T(rnd(rng, (4, 3), F64)))),
        Sample("bias_dtype", (T(rnd(rng, (2, 3), F32)), T(rnd(rng, (4, 3), F32)), T(rnd(rng, (4,), F64)))),
        Sample("bad_inner", (T(rnd(rng, (2, 3), F64)), T(rnd(rng, (4, 2), F64)), T(rnd(rng, (4,), F64)))),
        Sample("bad_bias", (T(rnd(rng, (2, 3), F64)), T(rnd(rng, (4, 3), F64)), T(rnd(rng, (5,), F64)))),
        Sample("0d", (T(rnd(rng, (), F64)), T(rnd(rng, (4, 3), F64)))),
    ]


def _bilinear_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    x = lambda *s: T(rnd(rng, s, dt))  # noqa: E731
    return [
        Sample("2d", (x(2, 2), x(2, 3), x(2, 2, 3))),
        Sample("2d_bias", (x(2, 2), x(2, 3), x(2, 2, 3), x(2))),
        Sample("1d", (x(2), x(1), x(2, 2, 1), x(2))),
        Sample("3d", (x(2, 1, 2), x(2, 1, 2), x(1, 2, 2))),
    ]


# ---------------------------------------------------------------------------------------
# Activations: away from the kinks for gradcheck, with the kinks compared separately.
# ---------------------------------------------------------------------------------------
def _act_samples(kwargs: dict | None = None, edge: list[float] | None = None, domain: Any = away,
                 scale: float = 1.0) -> Callable[..., list[Sample]]:
    kw = kwargs or {}

    def gen(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
        d = lambda *s: T(domain(rng, s, dt) * scale)  # noqa: E731
        out = [
            Sample("0d", (d(),), dict(kw)),
            Sample("2d", (d(3, 4),), dict(kw)),
            Sample("small", (d(2, 3),), dict(kw)),
            Sample("empty", (d(0, 2),), dict(kw)),
        ]
        if edge:
            out.append(Sample("edge", (T(np.array(edge, dt)),), dict(kw), gradcheck=False, gradgradcheck=False))
        return out

    return gen


def _act_extra(*kwargs: dict) -> Callable[..., list[Sample]]:
    def gen(rng: np.random.Generator) -> list[Sample]:
        out = [Sample("int", (T(ints(rng, (2, 3))),)), Sample("bool", (T(np.array([True, False])),))]
        for i, kw in enumerate(kwargs):
            out.append(Sample(f"kw{i}", (T(away(rng, (2, 3), F64) * 3),), dict(kw)))
        return out

    return gen


def _act(name: str, *kwargs: dict, edge: list[float] | None = None, scale: float = 1.0,
         first: dict | None = None) -> OpInfo:
    return OpInfo(name, nn(name), _act_samples(first, edge, scale=scale), _act_extra(*kwargs))


def _big(rng: np.random.Generator, shape: tuple, dt: np.dtype) -> np.ndarray:
    return away(rng, shape, dt, 0.5, 8.0)


def _softmax_samples(name: str) -> Callable[..., list[Sample]]:
    def gen(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
        x = lambda *s: T(rnd(rng, s, dt) * 2)  # noqa: E731
        return [
            Sample("dim1", (x(3, 4),), {"dim": 1}),
            Sample("dim0", (x(3, 4),), {"dim": 0}),
            Sample("dim_neg", (x(2, 2, 3),), {"dim": -1}),
            Sample("small", (x(2, 3),), {"dim": 1}),
            Sample("0d", (x(),), {"dim": 0}),
            Sample("1d", (x(4),), {"dim": 0}),
            Sample("empty", (x(0, 3),), {"dim": 1}),
            Sample("large", (T(np.array([[1000.0, 0.0, -1000.0], [3.0, 3.0, 3.0]], dt)),), {"dim": 1}),
            Sample("neg_inf", (T(np.array([[-np.inf, 0.0, 1.0]], dt)),), {"dim": 1},
                   gradcheck=False, gradgradcheck=False),
        ]

    return gen


def _softmax_extra(rng: np.random.Generator) -> list[Sample]:
    return [
        Sample("dtype", (T(rnd(rng, (2, 3), F32)),), {"dim": 1, "dtype": ember_torch_dtype("float64")}),
        Sample("int", (T(ints(rng, (2, 3))),), {"dim": 1}),
        Sample("int_dtype", (T(ints(rng, (2, 3))),), {"dim": 1, "dtype": ember_torch_dtype("float32")}),
        Sample("bad_dim", (T(rnd(rng, (2, 3), F64)),), {"dim": 2}),
    ]


def _normalize_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    x = lambda *s: T(rnd(rng, s, dt))  # noqa: E731
    return [
        Sample("default", (x(3, 4),)),
        Sample("small", (x(2, 3),)),
        Sample("dim0", (x(2, 3),), {"dim": 0}),
        Sample("p1", (x(2, 3),), {"p": 1.0}),
        Sample("p3", (x(2, 3),), {"p": 3.0, "dim": -1}),
        Sample("zero_row", (T(np.array([[0.0, 0.0], [1.0, 2.0]], dt)),), gradcheck=False),
        Sample("1d", (x(4),), {"dim": 0}),
    ]


ACTIVATION = [
    OpInfo("nn.functional.linear", nn("linear"), _linear_samples, _linear_extra),
    OpInfo("nn.functional.bilinear", nn("bilinear"), _bilinear_samples),
    _act("relu6", edge=[0.0, 6.0, -1.0, 7.0], scale=4.0),
    _act("hardtanh", {"min_val": -2.0, "max_val": 0.5}, edge=[-1.0, 1.0, 0.0]),
    _act("leaky_relu", {"negative_slope": 0.2}, edge=[0.0]),
    _act("elu", {"alpha": 0.5}, edge=[0.0]),
    _act("selu", edge=[0.0]),
    _act("celu", {"alpha": 2.0}, edge=[0.0]),
    _act("gelu", {"approximate": "tanh"}, {"approximate": "bad"}, scale=2.0),
    OpInfo("gelu_tanh", lambda m, x: m.nn.functional.gelu(x, approximate="tanh"), _act_samples(scale=2.0)),
    _act("silu", scale=2.0),
    _act("mish", scale=2.0),
    _act("softplus", {"beta": 2.0, "threshold": 1.0}, {"beta": 0.5}),
    OpInfo("softplus_threshold", lambda m, x: m.nn.functional.softplus(x, beta=2.0, threshold=3.0),
           _act_samples(domain=_big)),
    _act("softsign", scale=2.0),
    _act("hardsigmoid", edge=[-3.0, 3.0, 0.0], scale=2.0),
    OpInfo("hardsigmoid_wide", nn("hardsigmoid"), _act_samples(domain=_big)),
    _act("hardswish", edge=[-3.0, 3.0, 0.0], scale=2.0),
    OpInfo("hardswish_wide", nn("hardswish"), _act_samples(domain=_big)),
    _act("tanhshrink"),
    _act("logsigmoid", scale=2.0),
    OpInfo("logsigmoid_far", nn("logsigmoid"), lambda dt, rng: [
        Sample("far", (T(np.array([-800.0, 800.0, -30.0, 30.0], dt)),))]),
    OpInfo("softmax", nn("softmax"), _softmax_samples("softmax"), _softmax_extra),
    OpInfo("log_softmax", nn("log_softmax"), _softmax_samples("log_softmax"), _softmax_extra),
    OpInfo("softmin", nn("softmin"), _softmax_samples("softmin"), _softmax_extra),
    OpInfo("softmax_dtype", dtyped(nn("softmax")), lambda dt, rng: [
        Sample("f64", (T(rnd(rng, (2, 3), dt)),), {"dim": 1, "dtype": ember_torch_dtype("float64")})]),
    OpInfo("Tensor.softmax", method("softmax"), lambda dt, rng: [Sample("dim1", (T(rnd(rng, (2, 3), dt)), 1))]),
    OpInfo("Tensor.log_softmax", method("log_softmax"),
           lambda dt, rng: [Sample("dim0", (T(rnd(rng, (2, 3), dt)), 0))]),
    OpInfo("normalize", nn("normalize"), _normalize_samples),
]
# The dtype arguments of the softmax rows' extra samples are resolved per module.
for _row in ACTIVATION:
    if _row.name in ("softmax", "log_softmax", "softmin"):
        _row.fn = dtyped(_row.fn)
ACTIVATION += [
    OpInfo("Tensor.erf", method("erf"), _act_samples(scale=1.5, edge=[0.0, 5.0, -30.0]),
           lambda rng: [Sample("int", (T(ints(rng, (2, 3))),))]),
    OpInfo("Tensor.clamp_min", method("clamp_min"), lambda dt, rng: [
        Sample("2d", (T(away(rng, (3, 4), dt)), 0.25)),
        Sample("edge", (T(np.array([0.25, 1.0, -1.0], dt)), 0.25), gradcheck=False),
    ]),
]
