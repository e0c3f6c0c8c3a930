"""Registry rows of ember/ops/linalg.py and ember/ops/nn.py."""

from __future__ import annotations

import operator
from collections.abc import Callable

import numpy as np
from op_info import (
    F32,
    F64,
    OpInfo,
    Sample,
    T,
    func,
    ints,
    op,
    rnd,
)


# ---------------------------------------------------------------------------------------
# Matrix products
# ---------------------------------------------------------------------------------------
def _matmul_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    x = lambda *s: T(rnd(rng, s, dt))  # noqa: E731
    return [
        Sample("1d_1d", (x(3), x(3))),
        Sample("2d_1d", (x(2, 3), x(3))),
        Sample("1d_2d", (x(3), x(3, 2))),
        Sample("2d_2d", (x(2, 3), x(3, 2))),
        Sample("3d_2d", (x(2, 2, 3), x(3, 2))),
        Sample("3d_1d", (x(2, 2, 3), x(3))),
        Sample("2d_3d", (x(2, 3), x(2, 3, 2))),
        Sample("1d_3d", (x(3), x(2, 3, 2))),
        Sample("3d_3d", (x(2, 2, 3), x(2, 3, 2))),
        Sample("bcast_4d", (x(2, 1, 2, 3), x(2, 3, 1))),
        Sample("bcast_4d_3d", (x(1, 2, 1, 3), x(2, 3, 2))),
        Sample("empty_inner", (x(2, 0), x(0, 2))),
        Sample("empty_outer", (x(0, 3), x(3, 2))),
        Sample("one_grad", (x(2, 3), T(rnd(rng, (3, 2), dt), requires_grad=False))),
    ]


def _mm_extra(*shapes: tuple) -> Callable[..., list[Sample]]:
    def gen(rng: np.random.Generator) -> list[Sample]:
        return [Sample("int", tuple(T(ints(rng, s)) for s in shapes))]

    return gen


LINALG = [
    OpInfo("matmul", func("matmul"), _matmul_samples, lambda rng: [
        Sample("int_2d", (T(ints(rng, (2, 3))), T(ints(rng, (3, 2))))),
        Sample("int_3d_1d", (T(ints(rng, (2, 2, 3))), T(ints(rng, (3,))))),
    ]),
    OpInfo("__matmul__", op(operator.matmul), _matmul_samples),
    OpInfo("mm", func("mm"), lambda dt, rng: [
        Sample("2d", (T(rnd(rng, (2, 3), dt)), T(rnd(rng, (3, 4), dt)))),
        Sample("small", (T(rnd(rng, (2, 2), dt)), T(rnd(rng, (2, 3), dt)))),
        Sample("empty", (T(rnd(rng, (0, 3), dt)), T(rnd(rng, (3, 2), dt)))),
        Sample("empty_inner", (T(rnd(rng, (2, 0), dt)), T(rnd(rng, (0, 2), dt)))),
    ], _mm_extra((2, 3), (3, 2))),
    OpInfo("mv", func("mv"), lambda dt, rng: [
        Sample("2d", (T(rnd(rng, (2, 3), dt)), T(rnd(rng, (3,), dt)))),
        Sample("empty", (T(rnd(rng, (0, 3), dt)), T(rnd(rng, (3,), dt)))),
    ], _mm_extra((2, 3), (3,))),
    OpInfo("dot", func("dot"), lambda dt, rng: [
        Sample("1d", (T(rnd(rng, (4,), dt)), T(rnd(rng, (4,), dt)))),
        Sample("empty", (T(rnd(rng, (0,), dt)), T(rnd(rng, (0,), dt)))),
    ], _mm_extra((3,), (3,))),
    OpInfo("bmm", func("bmm"), lambda dt, rng: [
        Sample("3d", (T(rnd(rng, (2, 2, 3), dt)), T(rnd(rng, (2, 3, 2), dt)))),
        Sample("small", (T(rnd(rng, (2, 1, 2), dt)), T(rnd(rng, (2, 2, 2), dt)))),
        Sample("empty", (T(rnd(rng, (0, 2, 3), dt)), T(rnd(rng, (0, 3, 2), dt)))),
    ], _mm_extra((2, 2, 3), (2, 3, 2))),
    OpInfo("outer", func("outer"), lambda dt, rng: [
        Sample("1d", (T(rnd(rng, (3,), dt)), T(rnd(rng, (4,), dt)))),
        Sample("empty", (T(rnd(rng, (0,), dt)), T(rnd(rng, (3,), dt)))),
    ], lambda rng: _mm_extra((3,), (2,))(rng) + [
        Sample("int_f32", (T(ints(rng, (3,))), T(rnd(rng, (2,), F32)))),
    ]),
]


# ---------------------------------------------------------------------------------------
# nn.functional kernels
# ---------------------------------------------------------------------------------------
def _bce_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    x = lambda *s: T(rnd(rng, s, dt) * 2)  # noqa: E731
    tgt = lambda *s, **k: T(rng.uniform(0, 1, s).astype(dt), **k)  # noqa: E731
    nog = lambda a: T(a.array, requires_grad=False)  # noqa: E731
    out = []
    for red in ("mean", "none", "sum"):
        k = {"reduction": red}
        out += [
            Sample(f"{red}", (x(3, 4), tgt(3, 4, requires_grad=False)), dict(k)),
            Sample(f"{red}_target_grad", (x(3, 4), tgt(3, 4)), dict(k)),
            Sample(f"{red}_weight", (x(3, 4), tgt(3, 4)), dict(k, weight=nog(tgt(3, 4)))),
            Sample(f"{red}_weight_bcast", (x(3, 4), tgt(3, 4, requires_grad=False)), dict(k, weight=nog(tgt(4)))),
            Sample(f"{red}_pos_weight", (x(3, 4), tgt(3, 4)), dict(k, pos_weight=nog(tgt(4)))),
            Sample(f"{red}_both", (x(2, 3), tgt(2, 3)), dict(k, weight=nog(tgt(2, 3)), pos_weight=nog(tgt(3)))),
        ]
    out += [
        Sample("0d", (x(), tgt())),
        Sample("empty_none", (x(0, 3), tgt(0, 3)), {"reduction": "none"}),
        Sample("empty_sum", (x(0, 3), tgt(0, 3)), {"reduction": "sum"}),
        Sample("big_logits", (T(np.array([50.0, -50.0, 0.0], dt)), tgt(3))),
        Sample("hard_targets", (x(4), T(np.array([0.0, 1.0, 1.0, 0.0], dt))), {"pos_weight": nog(tgt(4))}),
    ]
    return out


def _bce_extra(rng: np.random.Generator) -> list[Sample]:
    u = lambda *s: rng.uniform(0, 1, s)  # noqa: E731
    return [
        # The loss takes the target's dtype (torch works in place on 1 - target).
        Sample("f32_target_f64", (T(rnd(rng, (3,), F32)), T(u(3), requires_grad=False))),
        Sample("f64_target_f32", (T(rnd(rng, (3,), F64)), T(u(3).astype(F32)))),
        Sample("f32_weight_f64", (T(rnd(rng, (3,), F32)), T(u(3).astype(F32))),
               {"weight": T(u(3), requires_grad=False), "pos_weight": T(u(3), requires_grad=False)}),
        Sample("int_target", (T(rnd(rng, (3,), F32)), T(np.array([0, 1, 1])))),
        Sample("weight_requires_grad", (T(rnd(rng, (3,), F64)), T(u(3))), {"weight": T(u(3))}),
        Sample("pos_weight_requires_grad", (T(rnd(rng, (3,), F64)), T(u(3))), {"pos_weight": T(u(3))}),
        Sample("legacy_reduce", (T(rnd(rng, (3,), F64)), T(rng.uniform(0, 1, 3))),
               {"size_average": False}),
    ]


NN = [
    OpInfo("binary_cross_entropy_with_logits", func("nn.functional.binary_cross_entropy_with_logits"),
           _bce_samples, _bce_extra),
]


