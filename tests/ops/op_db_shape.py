"""Registry rows of ember/ops/shape.py: views, reshapes, indexing, joins, casts."""

from __future__ import annotations

import operator
from types import ModuleType
from typing import Any

import numpy as np
from op_info import (
    F32,
    F64,
    OpInfo,
    Sample,
    T,
    bools,
    dtyped,
    func,
    ints,
    method,
    op,
    rnd,
    shaped,
)


# ---------------------------------------------------------------------------------------
# Shape ops and indexing
# ---------------------------------------------------------------------------------------
def _getitem_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    x = lambda: T(rnd(rng, (3, 4, 2), dt))  # noqa: E731
    keys: list[tuple[str, Any]] = [
        ("int", 1), ("neg_int", -1), ("int_int", (0, 2)), ("int3", (2, -1, 0)),
        ("slice", slice(1, 3)), ("full_slice", slice(None)), ("step", (slice(None), slice(None, None, 2))),
        ("step3", slice(0, None, 2)), ("neg_slice", (slice(-2, None), slice(None, -1))),
        ("slice_out_of_range", slice(1, 10)), ("empty_slice", slice(2, 1)),
        ("none", None), ("none_mid", (slice(None), None, 1)), ("ellipsis", Ellipsis),
        ("ellipsis_int", (Ellipsis, 0)), ("int_ellipsis", (1, Ellipsis)), ("ellipsis_none", (Ellipsis, None)),
        ("list", [0, 2]), ("list_repeat", [1, 1, 0, 1]), ("list_neg", [-1, 0]),
        ("tensor_idx", T(np.array([2, 0, 2]))), ("tensor_idx_2d", T(np.array([[0, 1], [1, 1]]))),
        ("int_list", (1, [0, 3, 3])), ("slice_list", (slice(None), [3, 0])),
        ("two_lists", ([0, 2], [1, 3])), ("lists_bcast", ([[0], [2]], [1, 3])),
        ("list_slice_list", ([0, 1], slice(None), [1, 0])),
        ("mask", T(np.array([True, False, True]))), ("mask_2d", T(bools(rng, (3, 4)))),
        ("mask_full", T(bools(rng, (3, 4, 2)))), ("mask_dim1", (slice(None), T(np.array([True, False, True, True])))),
        ("none_list", (None, [0, 1])), ("ellipsis_list", (Ellipsis, [1, 0, 1])),
        ("int_tensor_0d", T(np.int64(1))), ("int32_idx", T(np.array([0, 2], np.int32))),
        ("empty_list", T(np.zeros((0,), np.int64))),
    ]
    out = [Sample(name, (x(), key)) for name, key in keys]
    out.append(Sample("0d_ellipsis", (T(rnd(rng, (), dt)), Ellipsis)))
    out.append(Sample("0d_none", (T(rnd(rng, (), dt)), None)))
    out.append(Sample("1d_slice", (T(rnd(rng, (5,), dt)), slice(None, None, 2))))
    return out


def _cat_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    x = lambda s, **k: T(rnd(rng, s, dt), **k)  # noqa: E731
    return [
        Sample("dim0", ([x((2, 3)), x((1, 3))],)),
        Sample("dim1", ([x((2, 3)), x((2, 1)), x((2, 2))], 1)),
        Sample("dim_neg", ([x((2, 3)), x((2, 2))], -1)),
        Sample("tuple", ((x((2,)), x((3,))),)),
        Sample("one", ([x((2, 3))],)),
        Sample("empty_part", ([x((2, 3)), x((0, 3))],)),
        Sample("legacy_empty_1d", ([x((2, 3)), x((0,))],)),
        Sample("no_grad_part", ([x((2, 3)), x((1, 3), requires_grad=False)],)),
        Sample("kw_dim", ([x((2, 3)), x((2, 3))],), {"dim": 1}),
    ]


def _cat_extra(rng: np.random.Generator) -> list[Sample]:
    return [
        Sample("f32_f64", ([T(rnd(rng, (2,), F32)), T(rnd(rng, (3,), F64))],)),
        Sample("int_f32", ([T(ints(rng, (2,))), T(rnd(rng, (3,), F32))],)),
        Sample("int32_int64", ([T(ints(rng, (2,), np.int32)), T(ints(rng, (3,)))],)),
        Sample("bool_int", ([T(bools(rng, (2,))), T(ints(rng, (3,), np.uint8, 0, 5))],)),
    ]


def _stack_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    x = lambda s, **k: T(rnd(rng, s, dt), **k)  # noqa: E731
    return [
        Sample("dim0", ([x((2, 3)), x((2, 3))],)),
        Sample("dim_last", ([x((2, 3)), x((2, 3)), x((2, 3))], 2)),
        Sample("dim_neg", ([x((2, 3)), x((2, 3))], -1)),
        Sample("0d", ([x(()), x(())],)),
        Sample("empty", ([x((0, 3)), x((0, 3))], 1)),
        Sample("no_grad_part", ([x((2,)), x((2,), requires_grad=False)],)),
    ]


def _unbind_fn(m: ModuleType, x: Any, *args: Any) -> Any:
    return m.unbind(x, *args)


def _to_fn(m: ModuleType, x: Any, name: str) -> Any:
    return x.to(getattr(m, name))


def _cast_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    x = lambda s: T(rnd(rng, s, dt) * 3)  # noqa: E731
    other = "float32" if dt == F64 else "float64"
    # A float64 -> float32 cast is differentiable, but finite differences of a float32
    # output are too coarse for gradcheck: compared with PyTorch only.
    narrowing = dt == F64
    return [
        Sample("other_float", (x((2, 3)), other), gradcheck=not narrowing, gradgradcheck=not narrowing),
        Sample("same", (x((2, 3)), str(dt))),
        Sample("to_int", (x((2, 3)), "int64"), gradcheck=False, gradgradcheck=False),
        Sample("to_bool", (x((2, 3)), "bool"), gradcheck=False, gradgradcheck=False),
        Sample("to_f16", (x((3,)), "float16"), gradcheck=False, gradgradcheck=False),
        Sample("0d", (x(()), other), gradcheck=not narrowing, gradgradcheck=not narrowing),
        Sample("empty", (x((0, 3)), other)),
    ]


SHAPE = [
    OpInfo("view", method("view"), shaped(
        ("flat", (3, 4), (12,)), ("infer", (3, 4), (2, -1)), ("tuple", (3, 4), ((4, 3),)),
        ("to_0d", (1,), ((),)), ("from_0d", (), (1, 1)), ("empty", (0, 3), (3, 0)),
        ("empty_infer", (0, 3), (-1, 3)), ("same", (2, 3), (2, 3)),
    )),
    OpInfo("view_noncontig", lambda m, x, *s: x.t().view(*s), shaped(
        ("split_dim", (4, 6), (3, 2, 4)),  # a view of a transposed tensor that keeps strides
        ("add_ones", (3, 4), (1, 4, 3, 1)),
    )),
    OpInfo("reshape", method("reshape"), shaped(
        ("flat", (3, 4), (12,)), ("infer", (3, 4), (-1, 2)), ("to_0d", (1, 1), ((),)),
        ("empty", (0, 3), (3, 0, 1)), ("same", (2, 3), ((2, 3),)),
    )),
    OpInfo("reshape_copy", lambda m, x, *s: x.t().reshape(*s), shaped(
        ("flat", (3, 4), (-1,)), ("3d", (3, 4), (2, 2, 3)),
    )),
    OpInfo("torch_reshape", func("reshape"), shaped(("flat", (3, 4), ((12,),)))),
    OpInfo("flatten", func("flatten"), shaped(
        ("all", (2, 3, 2), ()), ("start", (2, 3, 2), (1,)), ("start_end", (2, 3, 2), (0, 1)),
        ("neg", (2, 3, 2), (-2, -1)), ("same_dim", (2, 3), (1, 1)), ("0d", (), ()), ("1d", (4,), ()),
        ("empty", (0, 3), ()),
    )),
    OpInfo("flatten_noncontig", lambda m, x: x.t().flatten(), shaped(("x", (3, 4), ()))),
    OpInfo("t", func("t"), shaped(("2d", (3, 4), ()), ("1d", (3,), ()), ("0d", (), ()), ("empty", (0, 3), ()))),
    OpInfo("transpose", func("transpose"), shaped(
        ("02", (2, 3, 4), (0, 2)), ("neg", (2, 3, 4), (-1, 0)), ("same", (2, 3), (1, 1)),
        ("0d", (), (0, -1)), ("empty", (0, 3), (0, 1)),
    )),
    OpInfo("permute", method("permute"), shaped(
        ("varargs", (2, 3, 4), (2, 0, 1)), ("tuple", (2, 3, 4), ((1, 2, 0),)), ("neg", (2, 3, 4), (-1, -3, -2)),
        ("0d", (), ((),)), ("identity", (2, 3), (0, 1)),
    )),
    OpInfo("torch_permute", func("permute"), shaped(("tuple", (2, 3, 2), ((2, 0, 1),)))),
    OpInfo("expand", method("expand"), shaped(
        ("bcast", (3, 1), (2, 3, 4)), ("minus1", (3, 1), (-1, 4)), ("0d", (), (2, 3)), ("tuple", (1, 3), ((2, 3),)),
        ("same", (2, 3), (2, 3)), ("to_empty", (1, 3), (0, 3)), ("new_empty_lead", (3,), (0, 3)),
    )),
    OpInfo("sum_to_size", method("sum_to_size"), shaped(
        ("lead", (2, 3, 4), (3, 4)), ("keep1", (2, 3, 4), (3, 1)), ("both", (2, 3, 4), (1, 4)),
        ("same", (2, 3), (2, 3)), ("to_1", (2, 3), (1,)), ("tuple", (2, 3, 4), ((1, 1, 4),)),
        ("to_0d_shape", (2, 3), ((),)),
    )),
    OpInfo("squeeze", func("squeeze"), shaped(
        ("all", (1, 3, 1, 2), ()), ("dim", (1, 3, 1), (0,)), ("dim_neg", (1, 3, 1), (-1,)),
        ("dim_not1", (2, 3), (1,)), ("dims", (1, 3, 1), ((0, 2),)), ("dims_mixed", (1, 3, 1), ((0, 1),)),
        ("0d", (), ()), ("0d_dim", (), (0,)), ("none1", (2, 3), ()), ("empty", (0, 1), (1,)),
        ("empty_all", (1, 0, 1), ()),
    )),
    OpInfo("unsqueeze", func("unsqueeze"), shaped(
        ("0", (2, 3), (0,)), ("last", (2, 3), (2,)), ("neg", (2, 3), (-1,)), ("neg_first", (2, 3), (-3,)),
        ("0d", (), (0,)), ("0d_neg", (), (-1,)), ("empty", (0, 3), (1,)),
    )),
    OpInfo("getitem", op(operator.getitem), _getitem_samples,
           lambda rng: [Sample("int_tensor_idx", (T(ints(rng, (3, 4))), ([0, 2], slice(None, None, 2))))]),
    OpInfo("select", func("select"), shaped(
        ("dim0", (3, 4), (0, 1)), ("dim1_neg_idx", (3, 4), (1, -1)), ("neg_dim", (2, 3, 2), (-2, 2)),
        ("1d", (4,), (0, 3)), ("empty_other", (2, 0), (0, 1)),
    )),
    OpInfo("cat", func("cat"), _cat_samples, _cat_extra),
    OpInfo("stack", func("stack"), _stack_samples, _cat_extra),
    OpInfo("unbind", _unbind_fn, shaped(
        ("dim0", (3, 2), ()), ("dim1", (2, 3), (1,)), ("neg", (2, 3, 2), (-1,)), ("1d", (3,), ()),
        ("empty_other", (2, 0), (0,)),
    )),
    OpInfo("clone", func("clone"), shaped(("2d", (2, 3), ()), ("0d", (), ()), ("empty", (0, 3), ()))),
    OpInfo("contiguous", method("contiguous"), shaped(("contig", (2, 3), ()), ("0d", (), ()))),
    OpInfo("contiguous_noncontig", lambda m, x: x.t().contiguous(), shaped(("x", (2, 3), ()))),
    OpInfo("to", _to_fn, _cast_samples, lambda rng: [
        Sample("int_to_f32", (T(ints(rng, (3,))), "float32")),
        Sample("bool_to_int", (T(bools(rng, (3,))), "int64")),
        Sample("f64_to_int8_wrap", (T(np.array([1.7, -1.7, 2.5])), "int8")),
    ]),
]


def _setitem(m: ModuleType, x: Any, key: Any, value: Any) -> Any:
    """``y = x.clone(); y[key] = value``: assignment on tensors that do not require grad."""
    y = x.clone()
    y[key] = value
    return y


def _setitem_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    x = lambda: T(rnd(rng, (3, 4), dt), requires_grad=False)  # noqa: E731
    v = lambda s: T(rnd(rng, s, dt), requires_grad=False)  # noqa: E731
    return [
        Sample("int_scalar", (x(), 1, 5.0)),
        Sample("slice_tensor", (x(), (slice(None), slice(1, 3)), v((3, 2)))),
        Sample("bcast_value", (x(), slice(0, 2), v((4,)))),
        Sample("mask", (x(), T(bools(rng, (3, 4))), 0.0)),
        Sample("list", (x(), [0, 2], v((1, 4)))),
        Sample("ellipsis", (x(), (Ellipsis, 0), v((3,)))),
        Sample("int_value_into_float", (x(), 0, 7)),
    ]


def _nonzero_samples(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
    x = np.array([[0.0, 1.5, 0.0], [2.0, 0.0, -1.0]], dt)
    return [
        Sample("2d", (T(x),)), Sample("as_tuple", (T(x),), {"as_tuple": True}),
        Sample("0d", (T(np.array(2.0, dt)),)), Sample("empty", (T(np.zeros((0, 2), dt)),)),
        Sample("all_zero", (T(np.zeros(3, dt)),)),
    ]


MORE_SHAPE = [
    OpInfo("view_as", method("view_as"), lambda dt, rng: [
        Sample("x", (T(rnd(rng, (2, 3), dt)), T(rnd(rng, (3, 2), dt), requires_grad=False))),
    ]),
    OpInfo("reshape_as", method("reshape_as"), lambda dt, rng: [
        Sample("x", (T(rnd(rng, (2, 3), dt)), T(rnd(rng, (6,), dt), requires_grad=False))),
    ]),
    OpInfo("expand_as", method("expand_as"), lambda dt, rng: [
        Sample("x", (T(rnd(rng, (3, 1), dt)), T(rnd(rng, (2, 3, 4), dt), requires_grad=False))),
    ]),
    OpInfo("broadcast_to", func("broadcast_to"), shaped(("x", (3, 1), ((2, 3, 4),)), ("0d", (), ((2,),)))),
    OpInfo("swapaxes", func("swapaxes"), shaped(("x", (2, 3, 2), (0, -1)))),
    OpInfo("swapdims", func("swapdims"), shaped(("x", (2, 3, 2), (1, 2)))),
    OpInfo("Tensor.T", lambda m, x: x.T, shaped(("2d", (3, 4), ()), ("1d", (3,), ()), ("0d", (), ()))),
    OpInfo("Tensor.mT", lambda m, x: x.mT, shaped(("2d", (3, 4), ()), ("3d", (2, 3, 2), ()))),
    # float64 -> float32: differentiable, but too coarse for gradcheck (as for `to`).
    OpInfo("Tensor.float", method("float"), lambda dt, rng: [
        Sample("x", (T(rnd(rng, (2, 3), dt)),), gradcheck=dt != F64, gradgradcheck=dt != F64)]),
    OpInfo("Tensor.double", method("double"), shaped(("x", (2, 3), ()))),
    OpInfo("Tensor.long", method("long"), shaped(("x", (2, 3), ())), differentiable=False),
    OpInfo("nonzero", dtyped(func("nonzero")), _nonzero_samples, differentiable=False, records=False),
    OpInfo("where_cond_only", func("where"), lambda dt, rng: [Sample("x", (T(bools(rng, (2, 3))),))],
           differentiable=False, records=False),
    OpInfo("setitem", _setitem, _setitem_samples, lambda rng: [
        Sample("int_tensor_float_value", (T(np.array([1, 2, 3])), 0, 2.7)),
        Sample("bool_tensor", (T(np.array([True, False])), 1, True)),
    ], differentiable=False, records=False),
]


