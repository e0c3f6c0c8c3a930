"""Registry rows of the ops a differential fuzzer found missing: ember/ops/shape_extra.py
(in-place view ops, unfold, type_as, broadcast_tensors, cartesian_prod, block_diag, diff,
vander), statistics.py (histc, renorm, trapezoid), search.py (searchsorted, bucketize) and
distance.py (cdist).

In-place ops run on ``x * 1`` (a non-leaf, as in-place ops on leaves that require grad are
refused), so each row checks the Node the in-place op rebases the tensor's history onto.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from op_info import INF, OpInfo, Sample, T, func, ints, method, rnd, shaped


def _x(rng: np.random.Generator, dt: np.dtype) -> Callable[..., T]:
    return lambda *shape, **k: T(rnd(rng, shape, dt), **k)


def _fixed(a: Any, dt: Any = None, requires_grad: bool = False) -> T:
    return T(np.asarray(a, dt), requires_grad=requires_grad)


def _err(name: str, args: tuple, kwargs: dict | None = None) -> Sample:
    """A sample PyTorch refuses: test_forward checks that ember raises the same exception type."""
    return Sample(name, args, kwargs or {}, gradcheck=False, gradgradcheck=False)


def _with_errors(gen: Callable[..., list[Sample]], *specs: tuple) -> Callable[..., list[Sample]]:
    """``gen``'s samples and, from (name, shape, args) specs, samples PyTorch refuses."""

    def samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
        return gen(dt, rng) + [_err(name, (T(rnd(rng, shape, dt)), *args)) for name, shape, args in specs]

    return samples


def _inplace(name: str) -> Callable[..., Any]:
    """``(x * 1).<name>(...)``: the in-place op on a tensor with history."""
    return lambda m, x, *args, **kwargs: getattr(x * 1, name)(*args, **kwargs)


def _inplace_on_view(name: str) -> Callable[..., Any]:
    """``(x * 1)[1:].<name>(...)``: on a view of a tensor with history (the view stays a view)."""
    return lambda m, x, *args, **kwargs: getattr((x * 1)[1:], name)(*args, **kwargs)


# ---------------------------------------------------------------------------------------
# shape_extra
# ---------------------------------------------------------------------------------------
def _unfold_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    x = _x(rng, dt)
    return [
        Sample("step", (x(2, 7), 1, 3, 2)), Sample("overlap", (x(6,), 0, 3, 1)), Sample("neg_dim", (x(3, 2), -2, 2, 1)),
        Sample("whole", (x(2, 3), 1, 3, 5)), Sample("dim0", (x(4, 2), 0, 2, 2)), Sample("0d", (x(), 0, 1, 1)),
        Sample("0d_empty", (x(), 0, 0, 1)), Sample("size0", (x(2, 3), 1, 0, 1)), Sample("twice", (x(5,), 0, 2, 3)),
    ]


def _unfold_twice(m: Any, x: Any, *args: Any) -> Any:
    """A view of a view: unfold, then unfold the windows again (and a transpose in between)."""
    return x.unfold(0, 3, 1).t().unfold(0, 2, 1)


def _squeeze_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    x = _x(rng, dt)
    return [
        Sample("all", (x(2, 1, 3, 1),)), Sample("dim", (x(2, 1, 3), 1)), Sample("dim_not_one", (x(2, 1, 3), 0)),
        Sample("neg_dim", (x(2, 1), -1)), Sample("dims", (x(1, 2, 1), (0, 2))), Sample("0d", (x(),)),
        Sample("0d_dim", (x(), 0)),
    ]


def _broadcast_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    x = _x(rng, dt)
    return [
        Sample("pair", (x(3, 1), x(4))), Sample("same", (x(2, 2), x(2, 2))), Sample("0d", (x(), x(2, 3))),
        Sample("three", (x(2, 1, 1), x(1, 3), x(3))), Sample("one", (x(2),)), _err("bad", (x(2), x(3))),
        Sample("no_grad", (x(2, 1), x(2, requires_grad=False))),
    ]


def _broadcast_extra(rng: np.random.Generator) -> list[Sample]:
    return [Sample("mixed", (T(ints(rng, (2, 1))), T(rnd(rng, (3,), np.dtype(np.float32)))))]


def _block_diag_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    x = _x(rng, dt)
    return [
        Sample("mixed", (x(2, 3), x(2), x())), Sample("one", (x(2, 2),)),
        Sample("empty_blocks", (x(0, 2), x(2, 0), x(2))),
        Sample("no_grad", (x(1, 2), x(2, 1, requires_grad=False))), _err("3d", (x(1, 1, 1),)),
    ]


def _block_diag_extra(rng: np.random.Generator) -> list[Sample]:
    return [
        Sample("ints", (T(ints(rng, (2, 2), np.int32)), T(ints(rng, (1,))))),
        Sample("int_float", (T(ints(rng, (2, 2), np.int32)), T(rnd(rng, (1,), np.dtype(np.float32))))),
        Sample("0d_float64", (T(rnd(rng, (2,), np.dtype(np.float32))), T(rnd(rng, (), np.dtype(np.float64))))),
        Sample("bool", (T(np.array([True, False])),)),
    ]


def _diff_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    x = _x(rng, dt)
    return [
        # (n=0 is a copy, CopyBackwards: ember names that Node without PyTorch's torch::autograd:: prefix, so
        # test_ops_added.py checks it)
        Sample("default", (x(3, 4),)), Sample("n2_dim0", (x(4, 3), 2, 0)),
        Sample("n_big", (x(2, 3), 5)), Sample("prepend", (x(2, 3),), {"prepend": x(2, 1), "append": x(2, 2)}),
        Sample("append_dim0", (x(2, 3), 1, 0), {"append": x(1, 3, requires_grad=False)}),
        Sample("1d", (x(5), 3)), _err("0d", (x(),)), _err("bad_prepend", (x(2, 3),), {"prepend": x(3, 1)}),
        _err("negative_n", (x(3,), -1)),
    ]


def _diff_extra(rng: np.random.Generator) -> list[Sample]:
    return [
        Sample("bool", (T(np.array([True, False, False, True])),)), Sample("int32", (T(ints(rng, (3, 4), np.int32)),)),
        Sample("uint8", (T(np.array([1, 4, 2], np.uint8)),)),
        Sample("int_prepend_float", (T(ints(rng, (3,))),), {"prepend": T(rnd(rng, (1,), np.dtype(np.float32)))}),
    ]


def _vander_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    x = _x(rng, dt)
    return [
        Sample("default", (x(3),)), Sample("N2_increasing", (x(3),), {"N": 2, "increasing": True}),
        Sample("N4_increasing", (x(2),), {"N": 4, "increasing": True}), Sample("N4", (x(3), 4)),
        Sample("N1", (x(3),), {"N": 1}), Sample("N0", (x(2),), {"N": 0}), Sample("empty", (x(0),)),
        _err("2d", (x(2, 2),)), _err("N_negative", (x(2),), {"N": -1}),
    ]


def _vander_extra(rng: np.random.Generator) -> list[Sample]:
    return [
        Sample("int32", (T(ints(rng, (3,), np.int32)),)), Sample("bool", (T(np.array([True, False])),)),
        Sample("uint8", (T(np.array([1, 2, 3], np.uint8)),), {"increasing": True}),
    ]


def _cartesian_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    x = _x(rng, dt)
    return [
        Sample("two", (x(3), x(2))), Sample("three", (x(2), x(1), x(2))), Sample("one", (x(3),)),
        _err("2d", (x(2, 2), x(2))), Sample("empty", (x(0), x(2))),
    ]


def _type_as_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    x = _x(rng, dt)
    return [
        # float64 -> float32 narrows: compared with PyTorch, too coarse for gradcheck
        Sample("float32", (x(2, 3), _fixed([0.0], np.float32)), gradcheck=dt != np.float64),
        Sample("float64", (x(3,), _fixed(0.0, np.float64))),
        Sample("int64", (x(2), _fixed([1]))),
    ]


ADDED_SHAPE = [
    OpInfo("t_", _inplace("t_"), _with_errors(shaped(("2d", (2, 3), ()), ("1d", (3,), ()), ("0d", (), ())),
                                               ("3d", (2, 1, 2), ()))),
    OpInfo("t_on_view", _inplace_on_view("t_"), shaped(("2d", (3, 2), ()))),
    OpInfo("transpose_", _inplace("transpose_"), _with_errors(shaped(
        ("dims", (2, 3, 4), (0, 2)), ("neg", (2, 3), (-1, 0)), ("same", (2, 3), (1, 1)), ("0d", (), (0, -1)),
    ), ("out_of_range", (2, 3), (0, 2)))),
    OpInfo("transpose_on_view", _inplace_on_view("transpose_"), shaped(("x", (3, 2, 2), (0, 1)))),
    OpInfo("swapaxes_", _inplace("swapaxes_"), shaped(("x", (2, 3), (0, 1)))),
    OpInfo("swapdims_", _inplace("swapdims_"), shaped(("x", (2, 1, 3), (2, 0)))),
    OpInfo("squeeze_", _inplace("squeeze_"), _squeeze_samples),
    OpInfo("squeeze_on_view", _inplace_on_view("squeeze_"), shaped(("x", (2, 1, 3), (1,)))),
    OpInfo("unsqueeze_", _inplace("unsqueeze_"), _with_errors(shaped(
        ("first", (2, 3), (0,)), ("last", (2, 3), (-1,)), ("mid", (2, 3), (1,)), ("0d", (), (0,)),
    ), ("out_of_range", (2,), (3,)))),
    OpInfo("unsqueeze_on_view", _inplace_on_view("unsqueeze_"), shaped(("x", (3, 2), (1,)))),
    OpInfo("Tensor.unfold", method("unfold"), _with_errors(
        _unfold_samples,
        ("too_big", (2, 3), (1, 4, 1)), ("step0", (2, 3), (1, 2, 0)), ("negative_size", (2, 3), (1, -1, 1)),
        ("bad_dim", (2, 3), (2, 1, 1)), ("0d_too_big", (), (0, 2, 1)),
    )),
    OpInfo("Tensor.unfold_of_views", _unfold_twice, shaped(("x", (5,), ()))),
    OpInfo("type_as", method("type_as"), _type_as_samples),
    OpInfo("broadcast_tensors", func("broadcast_tensors"), _broadcast_samples, _broadcast_extra),
    OpInfo("cartesian_prod", func("cartesian_prod"), _cartesian_samples,
           lambda rng: [Sample("ints", (T(ints(rng, (2,))), T(ints(rng, (3,))))),
                        Sample("mixed", (T(ints(rng, (2,))), T(rnd(rng, (3,), np.dtype(np.float32)))))]),
    OpInfo("block_diag", func("block_diag"), _block_diag_samples, _block_diag_extra),
    OpInfo("diff", func("diff"), _diff_samples, _diff_extra),
    OpInfo("Tensor.diff", method("diff"), lambda dt, rng: [Sample("x", (T(rnd(rng, (3, 4), dt)), 1, 0))]),
    # PyTorch's vander writes its columns in place and cumprod saves the tensor it then overwrites, so its
    # backward always raises "modified by an inplace operation"; ember's, recorded the same way, too.
    OpInfo("vander", func("vander"), _vander_samples, _vander_extra, differentiable=False),
]


# ---------------------------------------------------------------------------------------
# statistics: histc, renorm, trapezoid
# ---------------------------------------------------------------------------------------
def _renorm_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    x = _x(rng, dt)
    # maxnorm 1.0 against rows of norm ~1-3: some rows are scaled, some not (none at the boundary).
    return [
        Sample("p2_dim0", (x(3, 4), 2, 0, 1.5)), Sample("p1_dim1", (x(2, 3), 1, 1, 1.0)),
        Sample("p_inf", (x(3, 2), INF, 0, 0.5)), Sample("p3_neg_dim", (x(2, 3), 3, -1, 1.2)),
        Sample("p1_5", (x(2, 2), 1.5, 0, 1.0)), Sample("no_scaling", (x(2, 3), 2, 0, 100.0)),
        Sample("3d", (x(2, 2, 2), 2, 1, 1.0)), Sample("int_p", (x(2, 2), 2, 1, 1)),
        Sample("maxnorm_zero", (x(2, 2), 2, 0, 0.0)),
        _err("1d", (x(3), 2, 0, 1.0)), _err("p0", (x(2, 2), 0, 0, 1.0)),
        _err("negative_maxnorm", (x(2, 2), 2, 0, -1.0)), _err("bad_dim", (x(2, 2), 2, 2, 1.0)),
    ]


def _trapezoid_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    x = _x(rng, dt)
    pts = _fixed(np.array([0.0, 0.5, 2.0, 2.5], dt))
    return [
        Sample("default", (x(3, 4),)), Sample("dx", (x(3, 4),), {"dx": 0.5, "dim": 0}),
        Sample("dx_int", (x(4),), {"dx": 2}), Sample("x_1d", (x(3, 4), pts)),
        Sample("x_1d_grad", (x(2, 4), x(4)), {"dim": 1}), Sample("x_same_shape", (x(3, 2), x(3, 2)), {"dim": 0}),
        Sample("x_broadcast", (x(2, 3), x(1, 3))), Sample("x_fewer_dims", (x(2, 2, 3), x(2, 3)), {"dim": 1}),
        Sample("len1", (x(3, 1),)), Sample("empty_dim", (x(3, 0),)), _err("0d", (x(),)),
        _err("x_wrong_length", (x(3, 4), x(3))),
    ]


def _trapezoid_extra(rng: np.random.Generator) -> list[Sample]:
    return [
        Sample("int", (T(ints(rng, (4,))),)), Sample("int_dx", (T(ints(rng, (2, 3))),), {"dx": 2}),
        Sample("x_int", (T(rnd(rng, (4,), np.dtype(np.float64))), T(np.array([0, 1, 3, 4])))),
        Sample("x_float32", (T(rnd(rng, (4,), np.dtype(np.float64))), T(np.array([0, 1, 3, 4], np.float32)))),
        Sample("bool", (T(np.array([True, False])),)),
    ]


def _histc_extra(rng: np.random.Generator) -> list[Sample]:
    f32, f64 = np.dtype(np.float32), np.dtype(np.float64)
    x = T(np.array([1.0, 2, 1, 2.5, 7, -1, 3], np.float32), requires_grad=False)
    return [
        Sample("default", (T(rnd(rng, (50,), f32), requires_grad=False),)),
        Sample("range", (x,), {"bins": 4, "min": 0, "max": 3}), Sample("data_range", (x,), {"bins": 5}),
        Sample("edges", (T(np.array([0.0, 1, 2, 3, 0.9999999, 1.5, 3.0000001], np.float32)),), {"bins": 3, "max": 3}),
        Sample("float64", (T(rnd(rng, (4, 5), f64)),), {"bins": 7, "min": -1, "max": 1}),
        Sample("requires_grad", (T(rnd(rng, (6,), f64)),), {"bins": 3}),
        Sample("constant", (T(np.array([2.0, 2.0], np.float32)),), {"bins": 4}),
        Sample("empty", (T(np.zeros(0, np.float32)),), {"bins": 3}),
        Sample("nan_inside", (T(np.array([1.0, 2, np.nan], np.float32)),), {"bins": 2, "min": 0, "max": 3}),
        Sample("float16", (T(np.array([0.1, 0.5, 0.7, 0.9], np.float16)),), {"bins": 3, "min": 0, "max": 1}),
        Sample("min_eq_max", (x,), {"bins": 3, "min": 1, "max": 1}),
        Sample("bins0", (x,), {"bins": 0}), Sample("max_below_min", (x,), {"bins": 3, "min": 3, "max": 1}),
        Sample("inf_range", (x,), {"bins": 2, "min": 0, "max": INF}), Sample("int", (T(ints(rng, (3,))),)),
    ]


ADDED_REDUCTIONS = [
    OpInfo("renorm", func("renorm"), _renorm_samples),
    OpInfo("renorm_", _inplace("renorm_"), lambda dt, rng: _renorm_samples(dt, rng)[:3]),
    OpInfo("Tensor.renorm", method("renorm"), lambda dt, rng: [Sample("x", (T(rnd(rng, (2, 3), dt)), 2, 1, 1.0))]),
    OpInfo("trapezoid", func("trapezoid"), _trapezoid_samples, _trapezoid_extra),
    OpInfo("trapz", func("trapz"), lambda dt, rng: [Sample("x", (T(rnd(rng, (2, 3), dt)),), {"dx": 1.5})]),
    OpInfo("histc", func("histc"), extra=_histc_extra, differentiable=False, records=False),
    OpInfo("Tensor.histc", method("histc"), extra=lambda rng: [
        Sample("x", (T(rnd(rng, (5,), np.dtype(np.float64))), 3, -2, 2))], differentiable=False, records=False),
]


# ---------------------------------------------------------------------------------------
# search: searchsorted, bucketize
# ---------------------------------------------------------------------------------------
def _sorted(rng: np.random.Generator, shape: tuple, dt: Any = np.float32) -> T:
    return T(np.sort(rng.integers(-5, 6, shape).astype(dt), axis=-1), requires_grad=False)


def _searchsorted_extra(rng: np.random.Generator) -> list[Sample]:
    vals = T(rng.integers(-6, 7, (2, 5)).astype(np.float32), requires_grad=False)
    nan_bounds = T(np.array([1.0, 3.0, np.nan], np.float32))
    perm = rng.permutation(6)
    unsorted = np.sort(rng.uniform(-3, 3, 6))[np.argsort(perm)]
    return [
        Sample("1d", (_sorted(rng, (6,)), vals)), Sample("right", (_sorted(rng, (6,)), vals), {"right": True}),
        Sample("side_right", (_sorted(rng, (6,)), vals), {"side": "right"}),
        Sample("side_left", (_sorted(rng, (6,)), vals), {"side": "left"}),
        Sample("side_right_right_false", (_sorted(rng, (6,)), vals), {"right": False, "side": "right"}),
        Sample("nd", (_sorted(rng, (2, 4)), vals)), Sample("nd_3d", (_sorted(rng, (2, 1, 4)), T(np.zeros((2, 1, 3))))),
        Sample("scalar", (_sorted(rng, (6,)), 0.5)), Sample("int_scalar", (_sorted(rng, (6,), np.int64), 2)),
        Sample("0d_value", (_sorted(rng, (6,)), T(np.array(1.0, np.float32)))),
        Sample("out_int32", (_sorted(rng, (6,)), vals), {"out_int32": True}),
        Sample("int_bounds_float_values", (_sorted(rng, (6,), np.int64), vals)),
        Sample("float64_values", (_sorted(rng, (6,)), T(rng.uniform(-6, 6, 4)))),
        Sample("nan_values", (_sorted(rng, (4,)), T(np.array([np.nan, -np.inf, np.inf], np.float32)))),
        Sample("nan_bounds", (nan_bounds, T(np.array([0.0, 2.0, 4.0, np.nan], np.float32)))),
        Sample("sorter", (T(unsorted), T(rng.uniform(-4, 4, 5))), {"sorter": T(np.argsort(unsorted))}),
        Sample("sorter_right", (T(unsorted), T(unsorted[:3].copy())),
               {"sorter": T(np.argsort(unsorted)), "right": True}),
        Sample("empty_bounds", (T(np.zeros(0, np.float32)), vals)),
        Sample("empty_values", (_sorted(rng, (6,)), T(np.zeros((0,), np.float32)))),
        Sample("bad_side", (_sorted(rng, (6,)), vals), {"side": "middle"}),
        Sample("opposite_side", (_sorted(rng, (6,)), vals), {"right": True, "side": "left"}),
        Sample("nd_mismatch", (_sorted(rng, (2, 4)), T(np.zeros((3, 1), np.float32)))),
        Sample("nd_scalar", (_sorted(rng, (2, 4)), 1.0)), Sample("0d_bounds", (T(np.array(1.0)), vals)),
        Sample("sorter_size", (_sorted(rng, (6,)), vals), {"sorter": T(np.arange(5))}),
        Sample("sorter_dtype", (_sorted(rng, (3,)), vals), {"sorter": T(np.arange(3, dtype=np.int32))}),
        Sample("sorter_range", (_sorted(rng, (3,)), vals), {"sorter": T(np.array([0, 1, 3]))}),
    ]


def _bucketize_extra(rng: np.random.Generator) -> list[Sample]:
    bounds = T(np.array([1.0, 3.0, 5.0], np.float32))
    vals = T(rng.integers(0, 7, (2, 3)).astype(np.float32))
    return [
        Sample("2d", (vals, bounds)), Sample("right", (vals, bounds), {"right": True}),
        Sample("scalar", (3, bounds)), Sample("0d", (T(np.array(3.0, np.float32)), bounds)),
        Sample("int32", (vals, bounds), {"out_int32": True}), Sample("int_input", (T(ints(rng, (4,))), bounds)),
        Sample("2d_bounds", (vals, T(np.ones((2, 2), np.float32)))),
    ]


ADDED_SEARCH = [
    OpInfo("searchsorted", func("searchsorted"), extra=_searchsorted_extra, differentiable=False, records=False),
    OpInfo("bucketize", func("bucketize"), extra=_bucketize_extra, differentiable=False, records=False),
]


# ---------------------------------------------------------------------------------------
# cdist
# ---------------------------------------------------------------------------------------
def _cdist_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    x = _x(rng, dt)
    out = [Sample(f"p{p}", (x(2, 2), x(3, 2)), {"p": p}) for p in (2.0, 1.0, 0.0, 1.5, 3.0, 0.5, INF)]
    return out + [
        Sample("default", (x(2, 3), x(2, 3))), Sample("batch_broadcast", (x(2, 1, 2, 2), x(3, 1, 2))),
        Sample("batch_p1", (x(2, 2, 2), x(1, 2, 2)), {"p": 1.0}),
        Sample("mm", (x(2, 2), x(3, 2)), {"compute_mode": "use_mm_for_euclid_dist"}),
        Sample("mm_batch", (x(2, 2, 1), x(1, 2, 1)), {"compute_mode": "use_mm_for_euclid_dist"}),
        Sample("mm_large", (x(26, 2), x(2, 2))), Sample("mm_large_never", (x(26, 1), x(2, 1)),
                                                        {"compute_mode": "donot_use_mm_for_euclid_dist"}),
        Sample("no_grad_x2", (x(2, 2), x(2, 2, requires_grad=False))),
        Sample("empty_rows", (x(0, 2), x(2, 2))), Sample("empty_cols", (x(2, 0), x(3, 0))),
        _err("1d", (x(3), x(2, 3))), _err("columns", (x(2, 3), x(2, 2))),
        _err("negative_p", (x(2, 2), x(2, 2), -1.0)),
        _err("bad_mode", (x(2, 2), x(2, 2)), {"compute_mode": "foo"}),
        _err("bad_batch", (x(2, 1, 2), x(3, 1, 2))),
    ]


def _cdist_extra(rng: np.random.Generator) -> list[Sample]:
    f32, f64 = np.dtype(np.float32), np.dtype(np.float64)
    return [
        Sample("int", (T(ints(rng, (2, 2))), T(ints(rng, (2, 2))))),
        Sample("mixed_dtypes", (T(rnd(rng, (2, 2), f64)), T(rnd(rng, (2, 2), f32)))),
    ]


ADDED_LINALG = [OpInfo("cdist", func("cdist"), _cdist_samples, _cdist_extra)]
