"""Registry rows of ember/ops/nn_loss.py: the losses and distances of ember.nn.functional."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from op_info import F32, F64, OpInfo, Sample, T, func, rnd

REDUCTIONS = ("mean", "sum", "none")


def nn(name: str) -> Callable[..., Any]:
    return func(f"nn.functional.{name}")


def _nog(a: np.ndarray) -> T:
    return T(a, requires_grad=False)


def _labels(rng: np.random.Generator, shape: tuple, c: int) -> np.ndarray:
    return rng.integers(0, c, shape).astype(np.int64)


# ---------------------------------------------------------------------------------------
# Regression losses (input, target) -> loss
# ---------------------------------------------------------------------------------------
def _regression(extra_kwargs: dict | None = None, spread: float = 1.0) -> Callable[..., list[Sample]]:
    kw = extra_kwargs or {}

    def gen(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
        x = lambda *s: T(rnd(rng, s, dt) * spread)  # noqa: E731
        out = [Sample(red, (x(2, 3), x(2, 3)), dict(kw, reduction=red)) for red in REDUCTIONS]
        out += [
            Sample("big", (x(3, 4), x(3, 4)), dict(kw)),
            Sample("0d", (x(), x()), dict(kw)),
            Sample("target_no_grad", (x(2, 3), _nog(rnd(rng, (2, 3), dt))), dict(kw)),
            Sample("empty_sum", (x(0, 2), x(0, 2)), dict(kw, reduction="sum")),
            Sample("empty_mean", (x(0, 2), x(0, 2)), dict(kw)),
        ]
        return out

    return gen


def _regression_extra(rng: np.random.Generator) -> list[Sample]:
    return [
        Sample("bad_reduction", (T(rnd(rng, (3,), F64)), T(rnd(rng, (3,), F64))), {"reduction": "bad"}),
        # Forward only: torch's huber_loss backward refuses mixed dtypes ("Found dtype Double but expected Float").
        Sample("mixed", (_nog(rnd(rng, (3,), F32)), _nog(rnd(rng, (3,), F64)))),
        Sample("no_broadcast", (T(rnd(rng, (3,), F64)), T(rnd(rng, (4,), F64)))),
    ]


def _legacy_extra(rng: np.random.Generator) -> list[Sample]:
    x = lambda: T(rnd(rng, (3,), F64))  # noqa: E731
    return _regression_extra(rng) + [
        Sample("size_average", (x(), x()), {"size_average": False}),
        Sample("reduce", (x(), x()), {"reduce": False}),
    ]


def _smooth_samples(name: str, param: str) -> Callable[..., list[Sample]]:
    base = _regression(spread=1.5)

    def gen(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
        out = base(dt, rng)
        x = lambda *s: T(rnd(rng, s, dt) * 2)  # noqa: E731
        out += [Sample(f"{param}_half", (x(2, 3), x(2, 3)), {param: 0.5}),
                Sample(f"{param}_2", (x(2, 3), x(2, 3)), {param: 2.0, "reduction": "sum"})]
        if name == "smooth_l1_loss":
            out.append(Sample("beta0", (x(2, 3), x(2, 3)), {"beta": 0.0}))
        return out

    return gen


# ---------------------------------------------------------------------------------------
# Probabilities: binary_cross_entropy, kl_div
# ---------------------------------------------------------------------------------------
def _bce_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    p = lambda *s, **k: T(rng.uniform(0.1, 0.9, s).astype(dt), **k)  # noqa: E731
    out = [Sample(red, (p(2, 3), p(2, 3, requires_grad=False)), {"reduction": red}) for red in REDUCTIONS]
    out += [
        Sample("target_grad", (p(2, 3), p(2, 3))),
        Sample("weight", (p(2, 3), p(2, 3)), {"weight": _nog(rng.uniform(0, 1, (2, 3)).astype(dt))}),
        Sample("weight_bcast", (p(2, 3), p(2, 3, requires_grad=False)),
               {"weight": _nog(rng.uniform(0, 1, (3,)).astype(dt)), "reduction": "sum"}),
        Sample("0d", (p(), p())),
        Sample("clamped", (T(np.array([0.0, 1.0, 0.5], dt)), _nog(np.array([1.0, 0.0, 0.5], dt))),
               gradcheck=False),
    ]
    return out


def _bce_extra(rng: np.random.Generator) -> list[Sample]:
    u = lambda *s: rng.uniform(0.1, 0.9, s)  # noqa: E731
    return [
        Sample("out_of_range", (T(np.array([1.5, 0.5])), T(u(2)))),
        Sample("size_mismatch", (T(u(2, 3)), T(u(3)))),
        Sample("bad_reduction", (T(u(3)), T(u(3))), {"reduction": "batch"}),
        Sample("weight_grad", (T(u(3)), T(u(3))), {"weight": T(u(3))}),
    ]


def _kl_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    logq = lambda *s: T(np.log(rng.uniform(0.1, 1.0, s)).astype(dt))  # noqa: E731
    p = lambda *s: T(rng.uniform(0.1, 1.0, s).astype(dt))  # noqa: E731
    out = [Sample(red, (logq(2, 3), p(2, 3)), {"reduction": red}) for red in ("batchmean", "sum", "none")]
    out += [
        Sample("log_target", (logq(2, 3), logq(2, 3)), {"reduction": "batchmean", "log_target": True}),
        Sample("log_target_none", (logq(2, 3), logq(2, 3)), {"reduction": "none", "log_target": True}),
        Sample("zero_target", (logq(3), _nog(np.array([0.0, 0.5, 0.5], dt))), {"reduction": "sum"}),
    ]
    return out


# ---------------------------------------------------------------------------------------
# Classification: nll_loss, cross_entropy
# ---------------------------------------------------------------------------------------
def _nll_samples(logits: bool) -> Callable[..., list[Sample]]:
    def gen(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
        x = lambda *s: T(rnd(rng, s, dt))  # noqa: E731
        lab = lambda *s, c=3: _nog(_labels(rng, s, c))  # noqa: E731
        w = lambda c=3: _nog(rng.uniform(0.5, 2.0, (c,)).astype(dt))  # noqa: E731
        out = [Sample(red, (x(4, 3), lab(4)), {"reduction": red}) for red in REDUCTIONS]
        out += [
            Sample("small", (x(2, 3), lab(2))),
            Sample("1d", (x(3), _nog(np.array(1, np.int64)))),
            Sample("weight", (x(4, 3), lab(4)), {"weight": w()}),
            Sample("weight_none", (x(4, 3), lab(4)), {"weight": w(), "reduction": "none"}),
            Sample("ignore", (x(3, 3), _nog(np.array([0, 2, 2]))), {"ignore_index": 2}),
            Sample("ignore_weight", (x(3, 3), _nog(np.array([0, 2, 1]))), {"ignore_index": 2, "weight": w()}),
            Sample("ignore_all", (x(2, 3), _nog(np.array([1, 1]))), {"ignore_index": 1}, gradcheck=False),
            Sample("ignore_none", (x(3, 3), _nog(np.array([0, -100, 1]))), {"reduction": "none"}),
            Sample("3d", (x(2, 3, 2), lab(2, 2))),
            Sample("3d_none", (x(2, 3, 2), lab(2, 2)), {"reduction": "none"}),
            Sample("4d", (x(1, 3, 2, 2), lab(1, 2, 2)), {"weight": w()}),
            Sample("4d_none", (x(1, 3, 2, 2), lab(1, 2, 2)), {"reduction": "none"}),
            Sample("5d_none", (x(1, 2, 1, 2, 2), lab(1, 1, 2, 2, c=2)), {"reduction": "none"}),
            Sample("empty", (x(0, 3), lab(0)), {"reduction": "sum"}),
        ]
        if logits:
            out += [
                Sample("smoothing", (x(4, 3), lab(4)), {"label_smoothing": 0.2}),
                Sample("smoothing_none", (x(4, 3), lab(4)), {"label_smoothing": 0.2, "reduction": "none"}),
                Sample("smoothing_sum", (x(4, 3), lab(4)), {"label_smoothing": 0.2, "reduction": "sum"}),
                Sample("smoothing_weight_ignore", (x(3, 3), _nog(np.array([0, 2, 1]))),
                       {"label_smoothing": 0.1, "weight": w(), "ignore_index": 2}),
                Sample("smoothing_3d", (x(2, 3, 2), lab(2, 2)), {"label_smoothing": 0.3}),
            ]
            for red in REDUCTIONS:
                probs = rng.dirichlet(np.ones(3), 2).astype(dt)
                out.append(Sample(f"probs_{red}", (x(2, 3), _nog(probs)), {"reduction": red}))
            probs = rng.dirichlet(np.ones(3), 2).astype(dt)
            out += [
                Sample("probs_grad", (x(2, 3), T(probs))),
                Sample("probs_weight_smoothing", (x(2, 3), _nog(probs)), {"weight": w(), "label_smoothing": 0.1}),
                Sample("probs_3d", (x(1, 3, 2), _nog(rng.dirichlet(np.ones(3), (1, 2)).transpose(0, 2, 1)
                                                     .astype(dt))))
            ]
        return out

    return gen


def _nll_extra(logits: bool) -> Callable[..., list[Sample]]:
    def gen(rng: np.random.Generator) -> list[Sample]:
        x = lambda *s: T(rnd(rng, s, F64))  # noqa: E731
        out = [
            Sample("batch_mismatch", (x(3, 4), _nog(np.array([0, 1])))),
            Sample("out_of_bounds", (x(3, 4), _nog(np.array([0, 1, 5])))),
            Sample("negative_target", (x(3, 4), _nog(np.array([0, 1, -1])))),
            Sample("float_target", (x(3, 4), _nog(np.array([0.0, 1.0, 1.0])))),
            Sample("int32_target", (x(3, 4), _nog(np.array([0, 1, 1], np.int32)))),
            Sample("bad_weight", (x(3, 4), _nog(np.array([0, 1, 1]))), {"weight": _nog(np.ones(3))}),
            Sample("bad_reduction", (x(3, 4), _nog(np.array([0, 1, 1]))), {"reduction": "bad"}),
            Sample("0d", (x(), _nog(np.array(0)))),
            Sample("target_shape_3d", (x(2, 3, 4), _nog(np.zeros((2, 5), np.int64)))),
            Sample("target_2d", (x(2, 3), _nog(np.zeros((2, 1), np.int64)))),
            Sample("f32", (T(rnd(rng, (3, 4), F32)), _nog(np.array([0, 1, 3])))),
        ]
        if logits:
            out += [
                Sample("smoothing_range", (x(3, 4), _nog(np.array([0, 1, 1]))), {"label_smoothing": 1.5}),
                Sample("probs_ignore_index", (x(3, 4), _nog(rng.uniform(0, 1, (3, 4)))), {"ignore_index": 1}),
                Sample("probs_bad_shape", (x(3, 4), _nog(rng.uniform(0, 1, (3, 5))))),
            ]
        return out

    return gen


# ---------------------------------------------------------------------------------------
# Ranking and distances
# ---------------------------------------------------------------------------------------
def _margin_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    x = lambda *s: T(rnd(rng, s, dt))  # noqa: E731
    y = _nog(np.array([1.0, -1.0, 1.0, -1.0], dt))
    out = [Sample(red, (x(4), x(4), y), {"reduction": red, "margin": 0.1}) for red in REDUCTIONS]
    out.append(Sample("default", (x(4), x(4), y)))
    return out


def _distance_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    x = lambda *s: T(rnd(rng, s, dt))  # noqa: E731
    return [
        Sample("2d", (x(2, 3), x(2, 3))),
        Sample("bcast", (x(2, 3), x(1, 3))),
        Sample("1d", (x(3), x(3)), {"dim": 0}),
        Sample("1d_dim1", (x(3), x(3)), gradcheck=False),
        Sample("dim0", (x(3, 2), x(3, 2)), {"dim": 0}),
        Sample("eps", (x(2, 2), x(2, 2)), {"eps": 0.5}),
    ]


def _pairwise_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    x = lambda *s: T(rnd(rng, s, dt))  # noqa: E731
    return [
        Sample("2d", (x(2, 3), x(2, 3))),
        Sample("bcast", (x(2, 3), x(3))),
        Sample("1d", (x(3), x(3))),
        Sample("p1", (x(2, 3), x(2, 3)), {"p": 1.0}),
        Sample("p3_keepdim", (x(2, 3), x(2, 3)), {"p": 3.0, "keepdim": True}),
    ]


def _triplet_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    x = lambda *s: T(rnd(rng, s, dt))  # noqa: E731
    out = [Sample(red, (x(2, 2), x(2, 2), x(2, 2)), {"reduction": red}) for red in REDUCTIONS]
    out += [
        Sample("swap", (x(2, 2), x(2, 2), x(2, 2)), {"swap": True, "margin": 2.0}),
        Sample("p1", (x(2, 2), x(2, 2), x(2, 2)), {"p": 1, "margin": 3.0}),
        Sample("1d", (x(3), x(3), x(3)), {"margin": 3.0}),
    ]
    return out


LOSS = [
    OpInfo("mse_loss", nn("mse_loss"), _regression(), _legacy_extra),
    OpInfo("mse_loss_bcast", nn("mse_loss"), lambda dt, rng: [
        Sample("bcast", (T(rnd(rng, (2, 1), dt)), T(rnd(rng, (2, 3), dt))))]),
    OpInfo("l1_loss", nn("l1_loss"), _regression(), _legacy_extra),
    OpInfo("smooth_l1_loss", nn("smooth_l1_loss"), _smooth_samples("smooth_l1_loss", "beta"), _regression_extra),
    OpInfo("huber_loss", nn("huber_loss"), _smooth_samples("huber_loss", "delta"), _regression_extra),
    OpInfo("binary_cross_entropy", nn("binary_cross_entropy"), _bce_samples, _bce_extra),
    OpInfo("kl_div", nn("kl_div"), _kl_samples, lambda rng: [
        Sample("bad_reduction", (T(rnd(rng, (3,), F64)), T(rng.uniform(0, 1, 3))), {"reduction": "bad"})]),
    OpInfo("nll_loss", nn("nll_loss"), _nll_samples(False), _nll_extra(False)),
    OpInfo("cross_entropy", nn("cross_entropy"), _nll_samples(True), _nll_extra(True)),
    OpInfo("margin_ranking_loss", nn("margin_ranking_loss"), _margin_samples, lambda rng: [
        Sample("dims", (T(rnd(rng, (4,), F64)), T(rnd(rng, (4, 1), F64)), T(np.ones(4))))]),
    OpInfo("cosine_similarity", nn("cosine_similarity"), _distance_samples),
    OpInfo("pairwise_distance", nn("pairwise_distance"), _pairwise_samples),
    OpInfo("triplet_margin_loss", nn("triplet_margin_loss"), _triplet_samples, lambda rng: [
        Sample("dims", (T(rnd(rng, (2, 3), F64)), T(rnd(rng, (3,), F64)), T(rnd(rng, (2, 3), F64))))]),
]
