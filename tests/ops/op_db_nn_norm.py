"""Registry rows of ember/ops/nn_norm.py: dropout (deterministic cases), embedding, one_hot, pad, norms.

Random dropout masks differ from PyTorch's (ember draws from NumPy's PCG64), so only
p=0, p=1 and training=False are compared here; tests/nn/test_functional_nn.py checks
the masks' statistics.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from op_info import F32, F64, OpInfo, Sample, T, func, rnd


def nn(name: str) -> Callable[..., Any]:
    return func(f"nn.functional.{name}")


def _nog(a: np.ndarray) -> T:
    return T(a, requires_grad=False)


def _dropout_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    x = lambda *s: T(rnd(rng, s, dt))  # noqa: E731
    return [
        Sample("eval", (x(2, 3),), {"p": 0.5, "training": False}),
        Sample("p0", (x(2, 3),), {"p": 0.0}),
        Sample("p1", (x(2, 3),), {"p": 1.0}),
    ]


def _embedding_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    w = lambda *s: T(rnd(rng, s, dt))  # noqa: E731
    return [
        Sample("2d", (_nog(np.array([[0, 2], [1, 1]])), w(3, 2))),
        Sample("1d", (_nog(np.array([1, 1, 0])), w(2, 3))),
        Sample("0d", (_nog(np.array(2)), w(3, 2))),
        # The padding row gets no gradient although the output uses it: not a true derivative.
        Sample("padding_idx", (_nog(np.array([[0, 2], [1, 1]])), w(3, 2)), {"padding_idx": 1}, gradcheck=False),
        Sample("padding_idx_neg", (_nog(np.array([0, 2, 1])), w(3, 2)), {"padding_idx": -1}, gradcheck=False),
        Sample("int32", (_nog(np.array([0, 2], np.int32)), w(3, 2))),
    ]


def _embedding_extra(rng: np.random.Generator) -> list[Sample]:
    return [
        Sample("out_of_range", (_nog(np.array([3])), T(rnd(rng, (3, 2), F64)))),
        Sample("float_index", (_nog(np.array([1.0])), T(rnd(rng, (3, 2), F64)))),
        Sample("bad_padding_idx", (_nog(np.array([1])), T(rnd(rng, (3, 2), F64))), {"padding_idx": 5}),
    ]


def _one_hot_extra(rng: np.random.Generator) -> list[Sample]:
    return [
        Sample("infer", (_nog(np.array([0, 3, 1])),)),
        Sample("num_classes", (_nog(np.array([[0, 1], [2, 0]])), 4)),
        Sample("0d", (_nog(np.array(2)), 3)),
        Sample("empty", (_nog(np.zeros((0,), np.int64)), 3)),
        Sample("too_big", (_nog(np.array([0, 3])), 3)),
        Sample("negative", (_nog(np.array([0, -1])), 3)),
        Sample("float", (_nog(np.array([0.0, 1.0])),)),
        Sample("empty_infer", (_nog(np.zeros((0,), np.int64)),)),
    ]


def _pad_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    x = lambda *s: T(rnd(rng, s, dt))  # noqa: E731
    out = [
        Sample("const_1d", (x(2, 3), (1, 2))),
        Sample("const_value", (x(2, 3), (0, 1, 1, 0)), {"value": 2.5}),
        Sample("const_crop", (x(2, 4), (-1, 2))),
        Sample("const_3dims", (x(1, 2, 2), (1, 0, 0, 1, 1, 1))),
        Sample("const_mode", (x(2, 2), (1, 1)), {"mode": "constant"}),
    ]
    for mode in ("reflect", "replicate", "circular"):
        out += [
            Sample(f"{mode}_1d", (x(1, 4), (2, 1)), {"mode": mode}),
            Sample(f"{mode}_1d_batch", (x(1, 2, 3), (1, 2)), {"mode": mode}),
            Sample(f"{mode}_2d", (x(1, 3, 3), (1, 1, 2, 0)), {"mode": mode}),
            Sample(f"{mode}_2d_batch", (x(1, 1, 2, 3), (1, 2, 1, 1)), {"mode": mode}),
            Sample(f"{mode}_3d", (x(1, 2, 2, 3), (1, 1, 0, 1, 1, 0)), {"mode": mode}),
        ]
    return out


def _pad_extra(rng: np.random.Generator) -> list[Sample]:
    x = lambda *s: T(rnd(rng, s, F64))  # noqa: E731
    return [
        Sample("odd", (x(2, 3), (1,))),
        Sample("too_long", (x(2, 3), (1, 1, 1, 1, 1, 1))),
        Sample("bad_mode", (x(2, 3), (1, 1)), {"mode": "bad"}),
        Sample("reflect_too_big", (x(1, 3), (3, 1)), {"mode": "reflect"}),
        Sample("reflect_1d", (x(4,), (1, 1)), {"mode": "reflect"}),
        Sample("reflect_dims", (x(2, 3, 4), (1, 1, 1, 1, 1, 1)), {"mode": "reflect"}),
        Sample("int_const", (T(np.arange(6).reshape(2, 3)), (1, 1)), {"value": 7}),
    ]


def _layer_norm_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    x = lambda *s: T(rnd(rng, s, dt))  # noqa: E731
    return [
        Sample("last", (x(2, 3, 4), (4,))),
        Sample("two_dims", (x(2, 2, 3), (2, 3))),
        Sample("affine", (x(3, 4), (4,), x(4), x(4))),
        Sample("small_affine", (x(2, 3), (3,), x(3), x(3))),
        Sample("weight_only", (x(2, 3), (3,), x(3))),
        Sample("eps", (x(2, 3), (3,)), {"eps": 0.1}),
        Sample("empty", (x(0, 3), (3,))),
    ]


def _group_norm_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    x = lambda *s: T(rnd(rng, s, dt))  # noqa: E731
    return [
        Sample("g1", (x(2, 3, 2), 1)),
        Sample("g2", (x(2, 4, 3), 2)),
        Sample("gC", (x(1, 2, 3), 2)),
        Sample("affine", (x(2, 4, 2, 2), 2, x(4), x(4))),
        Sample("small_affine", (x(1, 2, 2), 1, x(2), x(2)), {"eps": 0.1}),
        Sample("2d", (x(3, 4), 2)),
    ]


def _group_norm_extra(rng: np.random.Generator) -> list[Sample]:
    return [Sample("indivisible", (T(rnd(rng, (2, 3, 4), F64)), 2))]


def _bn(training: bool, stats: bool = False) -> Callable[..., Any]:
    def call(m: Any, x: Any, c: int, *args: Any, **kwargs: Any) -> Any:
        rm = m.from_numpy(np.linspace(-0.5, 0.5, c).astype(np.float64)).to(x.dtype)
        rv = m.from_numpy(np.linspace(0.5, 1.5, c).astype(np.float64)).to(x.dtype)
        out = m.nn.functional.batch_norm(x, rm, rv, *args, training=training, **kwargs)
        return (rm, rv) if stats else out

    return call


def _bn_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    x = lambda *s: T(rnd(rng, s, dt))  # noqa: E731
    return [
        Sample("2d", (x(3, 2), 2)),
        Sample("3d", (x(2, 2, 3), 2)),
        Sample("4d_affine", (x(2, 2, 2, 2), 2, x(2), x(2))),
        Sample("small_affine", (x(2, 2, 2), 2, x(2), x(2)), {"momentum": 0.3, "eps": 0.1}),
    ]


def _bn_no_stats(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    x = lambda *s: T(rnd(rng, s, dt))  # noqa: E731
    return [
        Sample("2d", (x(3, 2), None, None), {"training": True}),
        Sample("affine", (x(2, 2, 2), None, None, x(2), x(2)), {"training": True}),
    ]


def _bn_extra(rng: np.random.Generator) -> list[Sample]:
    return [Sample("one_value", (T(rnd(rng, (1, 3), F32)), 3)), Sample("bad_c", (T(rnd(rng, (2, 3), F64)), 4))]


NORM = [
    OpInfo("dropout", nn("dropout"), _dropout_samples),
    OpInfo("dropout2d", nn("dropout2d"), lambda dt, rng: [
        Sample("eval", (T(rnd(rng, (1, 2, 2, 2), dt)),), {"training": False}),
        Sample("p1", (T(rnd(rng, (1, 2, 2, 2), dt)),), {"p": 1.0}),
    ]),
    OpInfo("embedding", nn("embedding"), _embedding_samples, _embedding_extra),
    OpInfo("one_hot", nn("one_hot"), extra=_one_hot_extra, differentiable=False, records=False),
    OpInfo("pad", nn("pad"), _pad_samples, _pad_extra),
    OpInfo("layer_norm", nn("layer_norm"), _layer_norm_samples, lambda rng: [
        Sample("bad_shape", (T(rnd(rng, (2, 3), F64)), (2,))),
        Sample("int_shape", (T(rnd(rng, (2, 3), F64)), 3)),
        Sample("bad_weight", (T(rnd(rng, (2, 3), F64)), (3,), T(rnd(rng, (2,), F64)))),
    ]),
    OpInfo("group_norm", nn("group_norm"), _group_norm_samples, _group_norm_extra),
    OpInfo("batch_norm_train", _bn(True), _bn_samples, _bn_extra),
    OpInfo("batch_norm_eval", _bn(False), _bn_samples),
    OpInfo("batch_norm_running_stats", _bn(True, stats=True), _bn_samples, differentiable=False, records=False),
    OpInfo("batch_norm_no_stats", nn("batch_norm"), _bn_no_stats),
]
