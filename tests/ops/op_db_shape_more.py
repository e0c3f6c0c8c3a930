"""Registry rows of ember/ops/shape_more.py and ember/ops/indexing.py.

The ember side calls the op from its ops module when ``ember`` does not export it
(yet), so the rows run before ember/__init__.py re-exports the new names.
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

import numpy as np
from op_info import OpInfo, Sample, T, bools, ints, method, rnd, shaped

import ember
from ember.ops import indexing, shape_more


def fn(name: str) -> Callable[..., Any]:
    """``module.<name>(*args)``; for ember, from its ops module when not exported at the top."""

    def call(m: ModuleType, *args: Any, **kwargs: Any) -> Any:
        f = getattr(m, name, None)
        if f is None and m is ember:
            f = getattr(shape_more, name, None) or getattr(indexing, name)
        return f(*args, **kwargs)

    return call


def idx(a: Any) -> T:
    return T(np.asarray(a, np.int64))


def _x(rng: np.random.Generator, dt: np.dtype) -> Callable[..., T]:
    return lambda *shape, **k: T(rnd(rng, shape, dt), **k)


# ---------------------------------------------------------------------------------------
# shape_more
# ---------------------------------------------------------------------------------------
def _stack_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    x = _x(rng, dt)
    # Some of these are refused by some stacks (1-D of different lengths by vstack, 1-D
    # with 2-D by hstack): test_forward checks the error; no gradcheck there.
    return [
        Sample("1d", ([x(2), x(2)],)), Sample("1d_lengths", ([x(2), x(3)],), gradcheck=False),
        Sample("2d", ([x(2, 3), x(2, 3)],)), Sample("0d", ([x(), x()],)), Sample("3d", ((x(1, 2, 2), x(1, 2, 2)),)),
        Sample("mixed_1d_2d", ([x(3), x(1, 3)],), gradcheck=False), Sample("one", ([x(2)],)),
    ]


def _column_stack_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    x = _x(rng, dt)
    return [Sample("1d", ([x(3), x(3)],)), Sample("mixed", ([x(3), x(3, 2)],)), Sample("0d", ([x(), x()],)),
            Sample("empty", ([x(0), x(0, 2)],))]


def _split_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    x = _x(rng, dt)
    return [
        Sample("int", (x(5, 2), 2)), Sample("int_dim", (x(2, 4), 3, 1)), Sample("neg_dim", (x(2, 3), 1, -1)),
        Sample("sizes", (x(4, 2), [1, 3])), Sample("sizes_zero", (x(3, 2), [0, 2, 1])),
        Sample("whole", (x(3,), 5)), Sample("empty_dim", (x(0, 2), 2)), Sample("sizes_tuple", (x(3, 2), (2, 1), 0)),
    ]


def _chunk_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    x = _x(rng, dt)
    return [Sample("even", (x(4, 2), 2)), Sample("uneven", (x(5, 2), 3)), Sample("fewer", (x(6,), 5)),
            Sample("more", (x(2,), 4)), Sample("dim", (x(2, 3), 2, -1)), Sample("empty", (x(0, 2), 3))]


def _split_first(name: str) -> Callable[..., Any]:
    """Only some outputs used: the missing gradients are zeros."""
    return lambda m, x, *args: getattr(x, name)(*args)[0] * 2


def _meshgrid_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    x = _x(rng, dt)
    return [Sample("ij", (x(3), x(2)), {"indexing": "ij"}), Sample("xy", (x(3), x(2)), {"indexing": "xy"}),
            Sample("three", (x(2), x(1), x(2)), {"indexing": "xy"}), Sample("0d", (x(), x(2)), {"indexing": "ij"}),
            Sample("list", ([x(2), x(3)],), {"indexing": "ij"})]


def _atleast_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    x = _x(rng, dt)
    return [Sample("0d", (x(),)), Sample("1d", (x(3),)), Sample("2d", (x(2, 2),)), Sample("3d", (x(1, 2, 2),)),
            Sample("many", (x(), x(2))), Sample("list", ([x(2), x(1, 2)],))]


def _ri_extra(rng: np.random.Generator) -> list[Sample]:
    return [Sample("repeats_only", (idx([2, 0, 1]),)), Sample("int_input", (T(ints(rng, (2, 2))), 2))]


SHAPE_MORE = [
    OpInfo("movedim", fn("movedim"), shaped(
        ("int", (2, 3, 4), (0, 2)), ("neg", (2, 3, 4), (-1, 0)), ("tuple", (2, 3, 4), ((0, 1), (2, 0))),
        ("same", (2, 3), (0, 0)), ("0d", (), (0, 0)), ("empty", (0, 3), (1, 0)),
    )),
    OpInfo("moveaxis", method("moveaxis"), shaped(("x", (2, 3, 1), ([0, 2], [1, 0])))),
    OpInfo("unflatten", method("unflatten"), shaped(
        ("mid", (3, 4), (1, (2, 2))), ("infer", (3, 4), (1, (-1, 2))), ("neg_dim", (6,), (-1, (3, 1, 2))),
        ("empty", (0, 4), (0, (0, 1))),
    )),
    OpInfo("repeat", method("repeat"), shaped(
        ("same_ndim", (2, 3), (2, 1)), ("more", (2, 3), (2, 1, 2)), ("0d", (), (3,)), ("tuple", (2,), ((2, 2),)),
        ("zero", (2, 3), (0, 1)), ("ones", (2, 2), (1, 1)), ("empty", (0, 2), (2, 2)),
    )),
    OpInfo("tile", method("tile"), shaped(
        ("fewer", (2, 3), ((2,),)), ("more", (2,), ((2, 1, 2),)), ("varargs", (2, 2), (1, 2)), ("0d", (), ((2,),)),
    )),
    OpInfo("repeat_interleave", fn("repeat_interleave"), lambda dt, rng: [
        Sample("int_flat", (T(rnd(rng, (2, 3), dt)), 2)), Sample("int_dim", (T(rnd(rng, (2, 3), dt)), 2, 1)),
        Sample("int_neg_dim", (T(rnd(rng, (2, 3), dt)), 3, -2)), Sample("1d", (T(rnd(rng, (3,), dt)), 2)),
        Sample("0d", (T(rnd(rng, (), dt)), 2)), Sample("zero", (T(rnd(rng, (2, 2), dt)), 0, 0)),
        Sample("tensor", (T(rnd(rng, (3, 2), dt)), idx([1, 2, 0]), 0)),
        Sample("tensor_one", (T(rnd(rng, (3, 2), dt)), idx([2]), 1)),
        Sample("tensor_flat", (T(rnd(rng, (2, 2), dt)), idx([1, 0, 3, 1]))),
        Sample("output_size", (T(rnd(rng, (2,), dt)), idx([1, 2]), 0), {"output_size": 3}),
    ], _ri_extra),
    OpInfo("hstack", fn("hstack"), _stack_samples),
    OpInfo("vstack", fn("vstack"), _stack_samples),
    OpInfo("row_stack", fn("row_stack"), lambda dt, rng: [
        Sample("1d", ([T(rnd(rng, (2,), dt)), T(rnd(rng, (2,), dt))],))]),
    OpInfo("dstack", fn("dstack"), _stack_samples),
    OpInfo("column_stack", fn("column_stack"), _column_stack_samples),
    OpInfo("split", method("split"), _split_samples),
    OpInfo("torch_split", fn("split"), lambda dt, rng: [Sample("x", (T(rnd(rng, (3, 2), dt)), 2, 1))]),
    OpInfo("split_partial", _split_first("split"), lambda dt, rng: [Sample("x", (T(rnd(rng, (3, 2), dt)), 1))]),
    OpInfo("chunk", method("chunk"), _chunk_samples),
    OpInfo("chunk_partial", _split_first("chunk"), lambda dt, rng: [Sample("x", (T(rnd(rng, (3, 2), dt)), 2))]),
    OpInfo("narrow", fn("narrow"), lambda dt, rng: [
        Sample("mid", (T(rnd(rng, (3, 4), dt)), 1, 1, 2)), Sample("full", (T(rnd(rng, (3, 4), dt)), 0, 0, 3)),
        Sample("neg_start", (T(rnd(rng, (3, 4), dt)), -1, -2, 2)), Sample("empty", (T(rnd(rng, (3, 4), dt)), 0, 3, 0)),
        Sample("tensor_start", (T(rnd(rng, (4,), dt)), 0, idx(1), 2)),
    ]),
    OpInfo("flip", fn("flip"), shaped(
        ("one", (3, 4), ((0,),)), ("both", (3, 4), ((0, 1),)), ("neg", (2, 3, 2), ((-1, 0),)), ("none", (3,), ((),)),
        ("0d", (), ((0,),)), ("empty", (0, 2), ((0, 1),)),
    )),
    OpInfo("Tensor.flip", method("flip"), shaped(("varargs", (3, 4), (0, 1)), ("int", (3, 2), (1,)))),
    OpInfo("fliplr", fn("fliplr"), shaped(("2d", (3, 4), ()), ("3d", (2, 2, 2), ()))),
    OpInfo("flipud", fn("flipud"), shaped(("1d", (3,), ()), ("2d", (3, 2), ()))),
    OpInfo("roll", fn("roll"), shaped(
        ("flat", (3, 4), (1,)), ("dim", (3, 4), (1, 0)), ("neg", (3, 4), (-5, 1)), ("multi", (3, 4), ((1, 2), (0, 1))),
        ("0d", (), (1,)), ("empty", (0, 3), (1, 0)), ("flat_tuple", (2, 3), ((2,),)),
    )),
    OpInfo("rot90", fn("rot90"), shaped(
        ("k1", (3, 4), ()), ("k2", (3, 4), (2,)), ("k3", (3, 4), (3,)), ("k0", (3, 4), (0,)), ("kneg", (3, 4), (-1,)),
        ("dims", (2, 3, 2), (1, (2, 0))), ("neg_dims", (2, 3), (1, [-1, -2])), ("empty", (0, 2), ()),
    )),
    OpInfo("diag", fn("diag"), shaped(
        ("1d", (3,), ()), ("1d_off", (3,), (1,)), ("1d_neg_off", (2,), (-2,)), ("2d", (3, 4), ()),
        ("2d_off", (3, 4), (2,)), ("2d_neg_off", (3, 4), (-1,)), ("2d_far", (3, 4), (5,)), ("empty", (0,), ()),
    )),
    OpInfo("diagonal", fn("diagonal"), shaped(
        ("2d", (3, 4), ()), ("off", (3, 4), (1,)), ("neg_off", (3, 4), (-2,)), ("dims", (2, 3, 4), (0, 2, 0)),
        ("neg_dims", (2, 3, 4), (1, -1, -3)), ("far", (3, 4), (5,)), ("empty", (0, 3), ()),
    )),
    OpInfo("diag_embed", fn("diag_embed"), shaped(
        ("1d", (3,), ()), ("2d", (2, 3), ()), ("off", (2, 2), (1,)), ("neg_off", (2,), (-1,)),
        ("dims", (2, 3), (0, 0, 2)), ("dims_swapped", (2, 2), (0, -1, 0)), ("empty", (0, 2), ()),
    )),
    OpInfo("tril", fn("tril"), shaped(
        ("2d", (3, 4), ()), ("k", (3, 4), (1,)), ("kneg", (3, 4), (-1,)), ("batch", (2, 3, 3), ()),
        ("empty", (0, 2), ()),
    )),
    OpInfo("triu", fn("triu"), shaped(("2d", (3, 4), ()), ("k", (3, 4), (2,)), ("kneg", (4, 3), (-2,)),
                                      ("batch", (2, 2, 3), (1,)))),
    OpInfo("tril_", lambda m, x, *a: (x * 1).tril_(*a), shaped(("x", (3, 3), ()), ("k", (3, 3), (1,)))),
    OpInfo("triu_", lambda m, x, *a: (x * 1).triu_(*a), shaped(("x", (3, 3), (-1,)))),
    OpInfo("atleast_1d", fn("atleast_1d"), _atleast_samples),
    OpInfo("atleast_2d", fn("atleast_2d"), _atleast_samples),
    OpInfo("atleast_3d", fn("atleast_3d"), _atleast_samples),
    OpInfo("meshgrid", fn("meshgrid"), _meshgrid_samples),
]


# ---------------------------------------------------------------------------------------
# indexing
# ---------------------------------------------------------------------------------------
def _gather_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    x = _x(rng, dt)
    return [
        Sample("dim0", (x(3, 2), 0, idx([[0, 2], [2, 2], [1, 0], [0, 0]]))),
        Sample("dim1_repeat", (x(2, 3), 1, idx([[0, 0, 0], [2, 1, 2]]))),
        Sample("neg_dim", (x(2, 3), -1, idx([[1], [0]]))),
        Sample("smaller", (x(3, 4), 1, idx([[3, 0]]))),
        Sample("0d", (x(), 0, idx(0))), Sample("0d_1d_index", (x(), 0, idx([0, 0]))),
        Sample("empty_index", (x(2, 3), 0, T(np.zeros((0, 3), np.int64)))),
        Sample("int32_index", (x(2, 2), 1, T(np.array([[1, 1], [0, 1]], np.int32)))),
    ]


def _scatter_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    x = _x(rng, dt)
    # Unique indices where src is differentiable: with repeats the last write wins, by an order
    # PyTorch leaves unspecified.
    return [
        Sample("src", (x(3, 4), 1, idx([[2, 0], [1, 3], [0, 1]]), x(3, 2))),
        # src larger than index: PyTorch's backward refuses the gradient of src (shape [1, 2]
        # for [2, 3]); test_gradient checks that ember refuses it too.
        Sample("src_larger", (x(3, 4), 0, idx([[2, 0]]), x(2, 3)), gradcheck=False),
        Sample("src_larger_no_grad", (x(3, 4), 0, idx([[2, 0]]), x(2, 3, requires_grad=False))),
        Sample("src_dim0", (x(2, 3), 0, idx([[1, 0, 1]]), x(1, 3))),
        Sample("value", (x(3, 4), 1, idx([[2, 2], [0, 1], [3, 3]]), 1.5)),
        Sample("value_kw", (x(2, 3), 0, idx([[1, 0, 1]])), {"value": -2.0}),
        Sample("no_grad_self", (x(2, 3, requires_grad=False), 1, idx([[2], [0]]), x(2, 1))),
        Sample("0d", (x(), 0, idx(0), x())),
        Sample("empty_index", (x(2, 3), 0, T(np.zeros((0, 3), np.int64)), x(1, 3))),
    ]


def _scatter_extra(rng: np.random.Generator) -> list[Sample]:
    return [
        Sample("reduce_add", (T(rnd(rng, (2, 3), np.dtype(np.float64))), 1, idx([[0, 0], [1, 1]]),
                              T(rnd(rng, (2, 2), np.dtype(np.float64)), requires_grad=False)), {"reduce": "add"}),
        Sample("reduce_multiply_int", (T(ints(rng, (2, 3))), 1, idx([[0, 0], [1, 1]]), T(ints(rng, (2, 2)))),
               {"reduce": "multiply"}),
        Sample("int", (T(ints(rng, (2, 3))), 1, idx([[2], [0]]), 7)),
    ]


def _scatter_add_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    x = _x(rng, dt)
    return [
        Sample("repeat", (x(3, 4), 1, idx([[2, 2, 0], [1, 1, 1], [0, 3, 3]]), x(3, 3))),
        Sample("dim0", (x(2, 3), 0, idx([[1, 1, 1], [1, 0, 1]]), x(2, 3))),
        Sample("no_grad_self", (x(2, 3, requires_grad=False), 1, idx([[2, 2], [0, 2]]), x(2, 2))),
        Sample("0d", (x(), 0, idx([0, 0]), x(2))),
        Sample("empty_index", (x(2, 3), 1, T(np.zeros((2, 0), np.int64)), x(2, 0))),
    ]


def _scatter_reduce_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    x = _x(rng, dt)
    index = idx([[0, 1, 0, 0], [0, 1, 2, 2]])
    small = idx([[0, 1], [0, 0]])  # (1, 0) untouched, (0, 0) reduced from three values
    out = []
    for reduce in ("sum", "prod", "mean", "amax", "amin"):
        for include_self in (True, False):
            out.append(Sample(f"{reduce}_{include_self}", (x(3, 4), 0, index, x(2, 4), reduce),
                              {"include_self": include_self}, gradgradcheck=False))
            # amax/amin: piecewise linear; their second derivative is zero (gradgradcheck still runs).
            out.append(Sample(f"{reduce}_{include_self}_small", (x(2, 2), 0, small, x(2, 2), reduce),
                              {"include_self": include_self}))
    zeros = np.array([[0.0, 1.5, -2.0], [0.0, 0.0, 0.5]], dt)
    out.append(Sample("prod_zeros", (T(np.array([[1.0, 0.0, 2.0]], dt)), 0, idx([[0, 0, 0], [0, 0, 0]]), T(zeros),
                                     "prod"), gradgradcheck=False))
    return out


def _index_select_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    x = _x(rng, dt)
    return [
        Sample("dim0_repeat", (x(3, 2), 0, idx([2, 0, 2, 2]))), Sample("dim1", (x(2, 3), 1, idx([1]))),
        Sample("neg_dim", (x(2, 3), -1, idx([0, 2]))), Sample("0d_index", (x(3,), 0, idx(1))),
        Sample("0d_self", (x(), 0, idx([0]))), Sample("empty", (x(3, 2), 0, T(np.zeros(0, np.int64)))),
        Sample("int32", (x(3,), 0, T(np.array([2, 1], np.int32)))),
    ]


def _index_add_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    x = _x(rng, dt)
    return [
        Sample("repeat", (x(3, 2), 0, idx([0, 2, 0]), x(3, 2))),
        Sample("dim1_alpha", (x(2, 3), 1, idx([2, 2]), x(2, 2)), {"alpha": 2.5}),
        Sample("neg_dim", (x(2, 3), -1, idx([1]), x(2, 1))),
        Sample("0d", (x(), 0, idx([0]), x())),
        Sample("no_grad_self", (x(3, requires_grad=False), 0, idx([1, 1]), x(2))),
        Sample("empty", (x(3,), 0, T(np.zeros(0, np.int64)), x(0))),
    ]


def _index_copy_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    x = _x(rng, dt)
    return [
        Sample("dim0", (x(3, 2), 0, idx([2, 0]), x(2, 2))), Sample("dim1", (x(2, 3), 1, idx([1]), x(2, 1))),
        Sample("neg_dim", (x(2, 3), -1, idx([0, 2]), x(2, 2))), Sample("0d", (x(), 0, idx([0]), x())),
    ]


def _index_fill_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    x = _x(rng, dt)
    return [
        Sample("scalar", (x(3, 2), 0, idx([2, 0]), 1.5)), Sample("repeat", (x(2, 3), 1, idx([1, 1]), -1.0)),
        Sample("neg_index", (x(2, 3), 1, idx([-1]), 0.5)),
        Sample("tensor_value", (x(3, 2), 0, idx([2, 0, 2]), x())),
        Sample("tensor_value_no_grad", (x(3, 2), 1, idx([1]), x(requires_grad=False))),
        Sample("0d", (x(), 0, idx([0]), 2.0)),
    ]


def _masked_fill_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    x = _x(rng, dt)
    return [
        Sample("scalar", (x(3, 4), T(bools(rng, (3, 4))), 1.5)),
        Sample("bcast_mask", (x(3, 4), T(bools(rng, (4,))), -1.0)),
        Sample("bcast_self", (x(4,), T(bools(rng, (2, 4))), 0.0)),
        Sample("tensor_value", (x(2, 3), T(bools(rng, (2, 3))), x())),
        Sample("0d", (x(), T(np.array(True)), 2.0)), Sample("empty", (x(0, 2), T(bools(rng, (0, 2))), 1.0)),
    ]


def _masked_select_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    x = _x(rng, dt)
    return [
        Sample("2d", (x(3, 4), T(bools(rng, (3, 4))))), Sample("bcast_mask", (x(3, 2), T(bools(rng, (2,))))),
        Sample("bcast_self", (x(3,), T(bools(rng, (2, 3))))), Sample("none", (x(2, 2), T(np.zeros((2, 2), bool)))),
        Sample("0d", (x(), T(np.array(True)))),
    ]


def _masked_scatter_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    x = _x(rng, dt)
    return [
        Sample("exact", (x(2, 3), T(np.array([[True, False, True], [False, True, True]])), x(4))),
        Sample("larger_source", (x(2, 2), T(np.array([[True, False], [True, True]])), x(2, 3))),
        Sample("bcast_mask", (x(2, 3), T(np.array([False, True, True])), x(4))),
        Sample("none", (x(3,), T(np.zeros(3, bool)), x(2))),
    ]


def _take_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    x = _x(rng, dt)
    return [
        Sample("repeat", (x(3, 2), idx([0, 5, 5, 1]))), Sample("neg", (x(2, 3), idx([[-1, 0], [-6, 2]]))),
        Sample("0d_index", (x(4,), idx(2))), Sample("0d_self", (x(), idx([0, 0]))),
        Sample("empty", (x(2, 2), T(np.zeros((0,), np.int64)))),
    ]


def _take_along_dim_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    x = _x(rng, dt)
    return [
        Sample("dim1", (x(3, 4), idx([[0], [3], [3]]), 1)), Sample("bcast", (x(3, 1), idx([[0, 2, 2]]), 0)),
        Sample("none", (x(2, 3), idx([5, 0, 5]))), Sample("neg_dim", (x(2, 3), idx([[2, 2, 1]]), -1)),
    ]


def _put_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    x = _x(rng, dt)
    return [
        Sample("unique", (x(3, 2), idx([0, 5, 2]), x(3))),
        Sample("acc_repeat", (x(2, 3), idx([[1, 1], [-1, 0]]), x(2, 2), True)),
        Sample("neg", (x(2, 2), idx([-1]), x(1))), Sample("0d", (x(), idx(0), x())),
    ]


def _inplace(name: str) -> Callable[..., Any]:
    """``(x * 1).<name>_(...)``: the in-place form on a non-leaf."""
    return lambda m, x, *args, **kwargs: getattr(x * 1, name + "_")(*args, **kwargs)


INDEXING = [
    OpInfo("gather", fn("gather"), _gather_samples),
    OpInfo("Tensor.gather", method("gather"), lambda dt, rng: [Sample("x", (T(rnd(rng, (2, 2), dt)), 0,
                                                                           idx([[1, 1]])))]),
    OpInfo("scatter", fn("scatter"), _scatter_samples, _scatter_extra),
    OpInfo("scatter_add", fn("scatter_add"), _scatter_add_samples),
    OpInfo("scatter_reduce", method("scatter_reduce"), _scatter_reduce_samples),
    OpInfo("index_select", fn("index_select"), _index_select_samples),
    OpInfo("index_add", fn("index_add"), _index_add_samples),
    OpInfo("index_copy", fn("index_copy"), _index_copy_samples),
    OpInfo("index_fill", fn("index_fill"), _index_fill_samples),
    OpInfo("masked_fill", fn("masked_fill"), _masked_fill_samples,
           lambda rng: [Sample("int", (T(ints(rng, (2, 3))), T(bools(rng, (2, 3))), 9))]),
    OpInfo("masked_select", fn("masked_select"), _masked_select_samples),
    OpInfo("masked_scatter", method("masked_scatter"), _masked_scatter_samples),
    OpInfo("take", fn("take"), _take_samples),
    OpInfo("take_along_dim", fn("take_along_dim"), _take_along_dim_samples),
    OpInfo("put", method("put"), _put_samples),
    OpInfo("scatter_", _inplace("scatter"), _scatter_samples),
    OpInfo("scatter_add_", _inplace("scatter_add"), _scatter_add_samples),
    OpInfo("scatter_reduce_", _inplace("scatter_reduce"), lambda dt, rng: _scatter_reduce_samples(dt, rng)[:4:2]),
    OpInfo("index_add_", _inplace("index_add"), _index_add_samples),
    OpInfo("index_copy_", _inplace("index_copy"), _index_copy_samples),
    OpInfo("index_fill_", _inplace("index_fill"), _index_fill_samples),
    OpInfo("masked_fill_", _inplace("masked_fill"), lambda dt, rng: _masked_fill_samples(dt, rng)[:2]),
    OpInfo("masked_scatter_", _inplace("masked_scatter"), _masked_scatter_samples),
    OpInfo("put_", _inplace("put"), _put_samples),
]
