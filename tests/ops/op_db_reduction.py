"""Registry rows of ember/ops/reduction.py."""

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
    _chain,
    away,
    bools,
    dtyped,
    ember_torch_dtype,
    func,
    ints,
    method,
    rnd,
)

import ember


# ---------------------------------------------------------------------------------------
# Reductions
# ---------------------------------------------------------------------------------------
def _reduce_samples(dims: bool = True, empty_full: bool = True, ties: bool = False,
                    full_kwargs: dict | None = None) -> Callable[..., list[Sample]]:
    def gen(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
        x = lambda s: T(rnd(rng, s, dt))  # noqa: E731
        out = [
            Sample("full", (x((3, 4)),), dict(full_kwargs or {})),
            Sample("0d", (x(()),), dict(full_kwargs or {})),
            Sample("size1", (x((1, 3, 1)),), dict(full_kwargs or {})),
        ]
        if empty_full:
            out.append(Sample("empty", (x((0, 3)),), dict(full_kwargs or {})))
        if dims:
            out += [
                Sample("dim", (x((3, 4)), 1)),
                Sample("dim_neg_keep", (x((2, 3, 2)), -1), {"keepdim": True}),
                Sample("dim_0d", (x(()), 0)),
                Sample("dim_0d_neg", (x(()), -1)),
                Sample("empty_dim", (x((0, 3)), 1)),
                Sample("size1_dim", (x((1, 3, 1)), 0)),
            ]
        if ties:
            t = np.array([[1.0, 3.0, 3.0, 2.0], [-1.0, -1.0, 0.5, -1.0]], dt)
            # Ties: PyTorch's subgradient choice is compared; gradcheck would straddle it.
            out.append(Sample("ties", (T(t),), dict(full_kwargs or {}), gradcheck=False, gradgradcheck=False))
            if dims:
                out.append(Sample("ties_dim", (T(t), 1), gradcheck=False, gradgradcheck=False))
                out.append(Sample("ties_dim0", (T(t), 0), {"keepdim": True}, gradcheck=False, gradgradcheck=False))
        return out

    return gen


def _multi_dim_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    x = lambda s: T(rnd(rng, s, dt))  # noqa: E731
    return [
        Sample("dims_tuple", (x((2, 3, 2)), (0, 2))),
        Sample("dims_tuple_neg_keep", (x((2, 3, 2)), (-1, 0)), {"keepdim": True}),
        Sample("dims_list", (x((2, 3, 2)), [1])),
        Sample("dims_all", (x((2, 3)), (0, 1))),
        Sample("dims_kw", (x((2, 3)),), {"dim": 0}),
        Sample("empty_dims", (x((0, 3)), (0,))),
    ]


def _sum_extra(rng: np.random.Generator) -> list[Sample]:
    return [
        Sample("int", (T(ints(rng, (2, 3))),)),
        Sample("int_dim", (T(ints(rng, (2, 3))), 1)),
        Sample("int32", (T(ints(rng, (2, 3), np.int32)),)),
        Sample("uint8", (T(ints(rng, (4,), np.uint8, 100, 200)),)),
        Sample("bool", (T(bools(rng, (2, 3))),)),
        Sample("bool_dim", (T(bools(rng, (2, 3))), 0)),
        Sample("dtype_f64", (T(rnd(rng, (2, 3), F32)),), {"dtype": ember_torch_dtype("float64")}),
        Sample("int_dtype_f32", (T(ints(rng, (2, 3))),), {"dtype": ember_torch_dtype("float32")}),
        Sample("f16", (T(rnd(rng, (3,), np.float16)),)),
    ]


def _mean_extra(rng: np.random.Generator) -> list[Sample]:
    return [
        Sample("int", (T(ints(rng, (2, 3))),)),  # torch: could not infer output dtype
        Sample("int_dtype", (T(ints(rng, (2, 3))),), {"dtype": ember_torch_dtype("float64")}),
        Sample("bool", (T(bools(rng, (2, 3))),)),
        Sample("dtype_f64", (T(rnd(rng, (2, 3), F32)), 1), {"dtype": ember_torch_dtype("float64")}),
    ]


def _norm_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    x = lambda s: T(away(rng, s, dt))  # noqa: E731
    out = []
    for p in (2, 1, INF, 3, -INF, 0.5, "fro"):
        smooth = p not in (INF, -INF)  # max/min of |x|: smooth away from ties and zeros
        out += [
            Sample(f"p{p}", (x((3, 4)),), {"p": p}),
            Sample(f"p{p}_dim", (x((3, 4)),), {"p": p, "dim": 1}),
            Sample(f"p{p}_dim_keep", (x((2, 3, 2)),), {"p": p, "dim": (0, 2), "keepdim": True}),
        ]
        if smooth:
            out.append(Sample(f"p{p}_0d", (x(()),), {"p": p}))
    # Zero vectors: the norm is not differentiable there; PyTorch's subgradient is 0.
    z = np.zeros((2, 3), dt)
    z[1] = [1.0, -2.0, 2.0]
    for p in (2, 1, 3, INF, 0.5, 1.5):
        out.append(Sample(f"p{p}_zero_rows", (T(z),), {"p": p, "dim": 1}, gradcheck=False, gradgradcheck=False))
    out.append(Sample("default", (x((2, 3)),)))
    out.append(Sample("empty", (T(rnd(rng, (0, 3), dt)),), {"p": 2}))
    out.append(Sample("empty_dim", (T(rnd(rng, (0, 3), dt)),), {"p": 2, "dim": 0}))
    return out


def _extreme_full_extra(rng: np.random.Generator) -> list[Sample]:
    return [
        Sample("int", (T(ints(rng, (2, 3))),)),
        Sample("int_dim", (T(ints(rng, (2, 3))), 1)),
        Sample("bool", (T(bools(rng, (2, 3))),)),
        Sample("uint8_dim", (T(ints(rng, (2, 3), np.uint8, 0, 9)), 0)),
        Sample("nan", (T(np.array([1.0, math.nan, 3.0])),)),
        Sample("nan_dim", (T(np.array([[1.0, math.nan, 3.0], [2.0, 1.0, 0.0]])), 1)),
        Sample("empty_full", (T(np.zeros((0, 3), F32)),)),  # torch: Expected reduction dim
        Sample("empty_dim0", (T(np.zeros((0, 3), F32)), 0)),  # torch: non-zero size
        Sample("empty_dim1", (T(np.zeros((0, 3), F32)), 1)),
    ]


def _amax_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    x = lambda s: T(rnd(rng, s, dt))  # noqa: E731
    t = np.array([[1.0, 3.0, 3.0, 2.0], [-1.0, -1.0, 0.5, -1.0]], dt)
    return [
        Sample("full", (x((3, 4)),)),
        Sample("0d", (x(()),)),
        Sample("dim", (x((3, 4)), 1)),
        Sample("dim_neg_keep", (x((2, 3, 2)), -1), {"keepdim": True}),
        Sample("dims", (x((2, 3, 2)), (0, 2))),
        Sample("dims_empty_tuple", (x((2, 3)), ())),
        Sample("size1", (x((1, 3, 1)), 0)),
        Sample("empty_dim", (x((0, 3)), 1)),
        # Ties share the gradient evenly (amax), unlike max(dim): compared with PyTorch only.
        Sample("ties", (T(t),), gradcheck=False, gradgradcheck=False),
        Sample("ties_dim", (T(t), 1), gradcheck=False, gradgradcheck=False),
        Sample("ties_dim0_keep", (T(t), 0), {"keepdim": True}, gradcheck=False, gradgradcheck=False),
    ]


def _arg_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    x = lambda s: T(rnd(rng, s, dt))  # noqa: E731
    t = np.array([[1.0, 3.0, 3.0, 2.0], [-1.0, -1.0, 0.5, -1.0]], dt)
    return [
        Sample("full", (x((3, 4)),)),
        Sample("0d", (x(()),)),
        Sample("dim", (x((3, 4)), 1)),
        Sample("dim_neg_keep", (x((2, 3, 2)), -1), {"keepdim": True}),
        Sample("full_keep", (x((2, 3)),), {"keepdim": True}),
        Sample("dim_0d", (x(()), 0)),
        Sample("ties", (T(t),)),
        Sample("ties_dim", (T(t), 1)),
        Sample("ties_dim0", (T(t), 0)),
        Sample("empty_dim", (x((0, 3)), 1)),
    ]


def _bool_reduce_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    x = np.array([[0.0, 1.0, 2.0], [3.0, 4.0, -1.0]], dt)
    return [
        Sample("full", (T(x),)),
        Sample("dim", (T(x), 1)),
        Sample("dim_keep", (T(x), 0), {"keepdim": True}),
        Sample("dims", (T(x), (0, 1))),
        Sample("0d", (T(np.array(0.0, dt)),)),
        Sample("empty", (T(np.zeros((0, 3), dt)),)),
        Sample("empty_dim", (T(np.zeros((0, 3), dt)), 0)),
        Sample("nan", (T(np.array([math.nan, 1.0], dt)),)),
    ]


def _bool_reduce_extra(rng: np.random.Generator) -> list[Sample]:
    return [
        Sample("bool", (T(np.array([[True, False], [True, True]])),)),
        Sample("bool_dim", (T(np.array([[True, False], [True, True]])), 1)),
        Sample("int", (T(np.array([[0, 3], [1, 1]])),)),
        Sample("uint8", (T(np.array([[0, 3], [1, 1]], np.uint8)),)),  # torch keeps uint8
        Sample("uint8_dim", (T(np.array([[0, 3], [1, 1]], np.uint8)), 1)),
    ]


REDUCTIONS = [
    OpInfo("sum", dtyped(func("sum")), _chain(_reduce_samples(), _multi_dim_samples), _sum_extra),
    OpInfo("sum_method", dtyped(method("sum")), _reduce_samples(dims=False)),
    OpInfo("mean", dtyped(func("mean")), _chain(_reduce_samples(), _multi_dim_samples), _mean_extra),
    OpInfo("norm", func("norm"), _norm_samples, lambda rng: [
        Sample("int", (T(ints(rng, (3,))),)),
        Sample("f32_keep_full", (T(rnd(rng, (2, 3), F32)),), {"keepdim": True}),
    ]),
    OpInfo("max", func("max"), _reduce_samples(ties=True, empty_full=False), _extreme_full_extra),
    OpInfo("min", func("min"), _reduce_samples(ties=True, empty_full=False), _extreme_full_extra),
    OpInfo("amax", func("amax"), _amax_samples, lambda rng: _extreme_full_extra(rng)[:5]),
    OpInfo("amin", func("amin"), _amax_samples, lambda rng: _extreme_full_extra(rng)[:5]),
    OpInfo("argmax", func("argmax"), _arg_samples, lambda rng: _extreme_full_extra(rng)[:5],
           differentiable=False, records=False),
    OpInfo("argmin", func("argmin"), _arg_samples, lambda rng: _extreme_full_extra(rng)[:5],
           differentiable=False, records=False),
    OpInfo("all", func("all"), _bool_reduce_samples, _bool_reduce_extra, differentiable=False,
           records=False),
    OpInfo("any", func("any"), _bool_reduce_samples, _bool_reduce_extra, differentiable=False,
           records=False),
]


def _vector_norm(m: ModuleType, *args: Any, **kwargs: Any) -> Any:
    """torch.linalg.vector_norm; ember has the kernel (ops.reduction) but no ember.linalg yet."""
    if m is ember:
        from ember.ops.reduction import linalg_vector_norm

        return linalg_vector_norm(*args, **kwargs)
    return m.linalg.vector_norm(*args, **kwargs)


def _vector_norm_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    x = lambda s: T(away(rng, s, dt))  # noqa: E731
    return [
        Sample("default", (x((3, 4)),)),
        Sample("ord0", (x((3, 4)),), {"ord": 0}),
        Sample("ord_neg_inf_dim", (x((3, 4)),), {"ord": -INF, "dim": 0}),
        Sample("ord1_keep", (x((2, 3)),), {"ord": 1, "dim": -1, "keepdim": True}),
        Sample("ord3_dims", (x((2, 3, 2)),), {"ord": 3, "dim": (0, 1)}),
        Sample("keep_all", (x((2, 3)),), {"keepdim": True}),
        # A float32 input: its finite differences are too coarse for gradcheck.
        Sample("dtype", (T(away(rng, (3,), F32)),), {"dtype": ember_torch_dtype("float64")},
               gradcheck=False, gradgradcheck=False),
        Sample("0d", (x(()),)),
    ]


MORE_REDUCTIONS = [
    OpInfo("linalg.vector_norm", dtyped(_vector_norm), _vector_norm_samples),
]


