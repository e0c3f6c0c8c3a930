"""Factory functions: tensor, as_tensor, from_numpy, zeros/ones/full/empty, eye, arange,
linspace, random factories, *_like, legacy constructors.

Known answers run always; the ORACLE table runs each case through ember and torch (when
installed) and compares dtype, shape and values, or the exception type and message.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import ember

try:
    import torch
except ImportError:  # the oracle is optional
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="torch (the oracle) is not installed")


def outcome(m, fn, values=True):
    """What ``fn(m)`` gives, in a form comparable across ember and torch."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            r = fn(m)
    except Exception as err:  # noqa: BLE001 - the exception is the outcome
        return ("raises", type(err).__name__, str(err).replace("torch.", "ember.").split("\n")[0])
    return normalize(m, r, values)


def normalize(m, r, values=True):
    if isinstance(r, m.Tensor):
        vals = None
        if values:
            arr = np.asarray(r.detach().tolist(), dtype=complex if r.is_complex() else None)
            vals = [repr(v) for v in (arr.ravel() + 0).tolist()]  # + 0 makes -0.0 equal 0.0
        return ("tensor", str(r.dtype).split(".")[-1], tuple(r.shape), vals, r.requires_grad)
    if isinstance(r, (tuple, list)):
        return type(r).__name__, [normalize(m, x, values) for x in r]
    if isinstance(r, m.dtype):
        return ("dtype", str(r).split(".")[-1])
    return ("value", repr(r).replace("torch.", "ember.").replace("torch", "ember"))


# Each case: id -> (function of the library, whether to compare values and messages).
# "shape" compares dtype and shape only (random or uninitialised values); "type" compares
# only the exception type where torch's message is an argument-parser dump.
ORACLE = {
    # tensor(): dtype inference
    "bool_list": lambda m: m.tensor([True, False]),
    "int_list": lambda m: m.tensor([1, 2]),
    "float_list": lambda m: m.tensor([1.5, -2.0]),
    "complex_list": lambda m: m.tensor([1 + 2j, 3]),
    "bool_int": lambda m: m.tensor([True, 2]),
    "int_float": lambda m: m.tensor([1, 2.5]),
    "bool_complex": lambda m: m.tensor([True, 2j]),
    "nested_mix": lambda m: m.tensor([[1, 2], [3, 4.5]]),
    "tuples": lambda m: m.tensor(((1, 2), (3, 4))),
    "list_of_tuples": lambda m: m.tensor([(1, 2.5), (3, 4)]),
    "ranges": lambda m: m.tensor([range(2), range(2)]),
    "range": lambda m: m.tensor(range(4)),
    "scalar_int": lambda m: m.tensor(3),
    "scalar_float": lambda m: m.tensor(2.5),
    "scalar_bool": lambda m: m.tensor(False),
    "scalar_complex": lambda m: m.tensor(1j),
    "empty": lambda m: m.tensor([]),
    "empty_2d": lambda m: m.tensor([[]]),
    "empty_rows": lambda m: m.tensor([[], []]),
    "empty_3d": lambda m: m.tensor([[[]]]),
    "empty_then_scalar": lambda m: m.tensor([[], 1]),
    "empty_int_dtype": lambda m: m.tensor([[], []], dtype=m.int64),
    "np_int32": lambda m: m.tensor(np.array([1, 2], dtype=np.int32)),
    "np_float64": lambda m: m.tensor(np.array([1.0, 2.5])),
    "np_float16": lambda m: m.tensor(np.array([1.0, 2.5], dtype=np.float16)),
    "np_bool": lambda m: m.tensor(np.array([True])),
    "np_uint16": lambda m: m.tensor(np.array([1, 2], dtype=np.uint16)),
    "np_transposed": lambda m: m.tensor(np.arange(6).reshape(2, 3).T),
    "np_column": lambda m: m.tensor(np.array([[1, 2], [3, 4]])[:, 0]),
    "np_to_dtype": lambda m: m.tensor(np.array([1, 2], dtype=np.int16), dtype=m.float64),
    "np_str": lambda m: m.tensor(np.array(["a"])),
    "np_scalar_f64": lambda m: m.tensor(np.float64(1.5)),
    "np_scalar_f32": lambda m: m.tensor(np.float32(1.5)),
    "np_scalar_i8": lambda m: m.tensor(np.int8(1)),
    "np_scalars_f64": lambda m: m.tensor([np.float64(1.5), np.float64(2)]),
    "np_scalars_i32": lambda m: m.tensor([np.int32(1), np.int32(2)]),
    "np_scalars_mixed": lambda m: m.tensor([np.float64(1.5), np.float32(2.5)]),
    "np_scalar_and_float": lambda m: m.tensor([np.float32(1.5), 2.5]),
    "np_int8_uint8": lambda m: m.tensor([np.int8(1), np.uint8(2)]),
    "np_int16_and_int": lambda m: m.tensor([1, np.int16(2)]),
    "np_float16_and_int": lambda m: m.tensor([np.float16(1), 2]),
    "arrays_in_list": lambda m: m.tensor([np.array([1, 2]), np.array([3, 4])]),
    "arrays_in_list_i32": lambda m: m.tensor([np.array([1, 2], dtype=np.int32), np.array([3, 4], dtype=np.int32)]),
    "array_and_list": lambda m: m.tensor([np.array([1.0, 2.0], dtype=np.float32), [3, 4]]),
    "list_and_array": lambda m: m.tensor([[1, 2], np.array([3, 4])]),
    "zero_d_tensors": lambda m: m.tensor([m.tensor(1.5), m.tensor(2.0)]),
    "zero_d_int32_tensors": lambda m: m.tensor([m.tensor(1, dtype=m.int32), m.tensor(2, dtype=m.int32)]),
    "zero_d_float64_and_float32": lambda m: m.tensor([m.tensor(1.0, dtype=m.float64), m.tensor(2.0)]),
    "zero_d_int_and_float": lambda m: m.tensor([m.tensor(1), 2.5]),
    "float_and_zero_d_int": lambda m: m.tensor([2.5, m.tensor(1)]),
    "int_and_zero_d_float64": lambda m: m.tensor([1, m.tensor(1.5, dtype=m.float64)]),
    "zero_d_requiring_grad": lambda m: m.tensor([m.tensor(1.0, requires_grad=True), 2.0]),
    "one_element_tensors": lambda m: m.tensor([m.tensor(1), m.tensor([2])]),
    "list_and_tensor_row": lambda m: m.tensor([[1, 2], m.tensor([3.0, 4.0])]),
    "float_tensors_as_leaves": lambda m: m.tensor([m.tensor([1.0, 2.0]), m.tensor([3.0, 4.0])]),
    "int_tensors_as_leaves": lambda m: m.tensor([m.tensor([1, 2]), m.tensor([3, 4])]),
    "from_Size": lambda m: m.tensor(m.Size([2, 3])),
    "list_of_Sizes": lambda m: m.tensor([m.Size([2, 3]), m.Size([4, 5])]),
    "from_tensor": lambda m: m.tensor(m.tensor([1, 2], dtype=m.int16)),
    "from_tensor_dtype": lambda m: m.tensor(m.tensor([1, 2]), dtype=m.float64),
    "from_tensor_rg": lambda m: m.tensor(m.ones(2, requires_grad=True)),
    # tensor(): explicit dtypes and conversions
    "dtype_int32": lambda m: m.tensor([1.7, -2.7], dtype=m.int32),
    "dtype_bool": lambda m: m.tensor([0, 2], dtype=m.bool),
    "dtype_bool_2d": lambda m: m.tensor([[1, 2], [3, 0]], dtype=m.bool),
    "dtype_float16": lambda m: m.tensor(5, dtype=m.float16),
    "dtype_int_from_float": lambda m: m.tensor(2.5, dtype=m.int64),
    "dtype_int_from_negative_float": lambda m: m.tensor(-2.5, dtype=m.int64),
    "dtype_int_from_bools_floats": lambda m: m.tensor([True, 2.5], dtype=m.int64),
    "dtype_complex_from_float": lambda m: m.tensor([1.5], dtype=m.complex64),
    "dtype_complex128": lambda m: m.tensor([1j], dtype=m.complex128),
    "dtype_float64_nested": lambda m: m.tensor([[1, 2], [3, 4]], dtype=m.float64),
    "dtype_uint8_wraps_minus_one": lambda m: m.tensor([-1], dtype=m.uint8),
    "dtype_uint8_wraps_minus_255": lambda m: m.tensor([-255], dtype=m.uint8),
    "dtype_uint8_overflow": lambda m: m.tensor([300], dtype=m.uint8),
    "dtype_uint8_overflow_negative": lambda m: m.tensor([-256], dtype=m.uint8),
    "dtype_uint8_negative_float": lambda m: m.tensor([-0.5], dtype=m.uint8),
    "dtype_uint8_floats": lambda m: m.tensor([1.7, -2.7], dtype=m.uint8),
    "dtype_int8_overflow": lambda m: m.tensor([200], dtype=m.int8),
    "dtype_int32_overflow": lambda m: m.tensor([2**40], dtype=m.int32),
    "dtype_int32_inf": lambda m: m.tensor([float("inf")], dtype=m.int32),
    "dtype_int64_nan": lambda m: m.tensor(float("nan"), dtype=m.int64),
    "dtype_float32_overflow_is_inf": lambda m: m.tensor([1e300], dtype=m.float32),
    "dtype_float16_overflow_is_inf": lambda m: m.tensor([1e300], dtype=m.float16),
    "dtype_float_from_complex": lambda m: m.tensor([1 + 2j], dtype=m.float32),
    "default_float_overflow_is_inf": lambda m: m.tensor([1e300, 1]),
    "int64_min": lambda m: m.tensor([-(2**63)]),
    "int64_overflow": lambda m: m.tensor([2**63]),
    "int64_overflow_scalar": lambda m: m.tensor(2**63),
    "int64_overflow_2_64": lambda m: m.tensor([2**64]),
    "big_int_with_float": lambda m: m.tensor([2**63, 1.5]),
    # tensor(): errors
    "ragged_dim1": lambda m: m.tensor([[1, 2], [3]]),
    "ragged_dim1_longer": lambda m: m.tensor([[1], [2, 3]]),
    "ragged_dim2": lambda m: m.tensor([[[1, 2], [3, 4]], [[1, 2], [3]]]),
    "ragged_depth_first": lambda m: m.tensor([[[1], [2, 3]], [1]]),
    "ragged_tensor_row": lambda m: m.tensor([[1, 2], m.tensor([3])]),
    "scalar_where_list": lambda m: m.tensor([[1, 2], 3]),
    "list_where_int": lambda m: m.tensor([1, [2, 3]]),
    "list_where_float": lambda m: m.tensor([1.5, [2, 3]]),
    "list_where_bool": lambda m: m.tensor([True, [2, 3]]),
    "string": lambda m: m.tensor("abc"),
    "bytes": lambda m: m.tensor(b"ab"),
    "list_of_strings": lambda m: m.tensor(["a"]),
    "list_of_strings_2": lambda m: m.tensor(["ab", "cd"]),
    "string_in_nested_list": lambda m: m.tensor([[1, 2], "ab"]),
    "none": lambda m: m.tensor(None),
    "none_in_list": lambda m: m.tensor([1, None]),
    "none_nested": lambda m: m.tensor([[1, 2], [3, None]]),
    "none_with_dtype": lambda m: m.tensor([1, None], dtype=m.float32),
    "dict": lambda m: m.tensor({1: 2}),
    "set": lambda m: m.tensor({1, 2}),
    "object": lambda m: m.tensor(object()),
    "requires_grad_int": lambda m: m.tensor([1, 2], requires_grad=True),
    "requires_grad_bool": lambda m: m.tensor([True], requires_grad=True),
    "requires_grad_complex": lambda m: m.tensor([1j], requires_grad=True),
    "requires_grad_float": lambda m: m.tensor([1.0], requires_grad=True),
    # as_tensor / from_numpy
    "as_tensor_np": lambda m: m.as_tensor(np.array([1, 2], dtype=np.int16)),
    "as_tensor_list": lambda m: m.as_tensor([1, 2.0]),
    "as_tensor_dtype": lambda m: m.as_tensor(np.array([1, 2]), dtype=m.float32),
    "as_tensor_tensor_dtype": lambda m: m.as_tensor(m.tensor([1, 2]), dtype=m.float64),
    "from_numpy_list": lambda m: m.from_numpy([1]),
    "from_numpy_uint16": lambda m: m.from_numpy(np.array([1], dtype=np.uint16)),
    "from_numpy_uint64": lambda m: m.from_numpy(np.array([2**63], dtype=np.uint64)),
    "from_numpy_str": lambda m: m.from_numpy(np.array(["a"])),
    "from_numpy_object": lambda m: m.from_numpy(np.array([None])),
    "from_numpy_float16": lambda m: m.from_numpy(np.array([1.5], dtype=np.float16)),
    "from_numpy_0d": lambda m: m.from_numpy(np.array(3.0)),
    # zeros / ones / empty / full
    "zeros_varargs": lambda m: m.zeros(2, 3),
    "zeros_tuple": lambda m: m.zeros((2, 3)),
    "zeros_list": lambda m: m.zeros([2, 3]),
    "zeros_size": lambda m: m.zeros(m.Size([2, 3])),
    "zeros_size_kw": lambda m: m.zeros(size=(2, 3)),
    "zeros_scalar_shape": lambda m: m.zeros(()),
    "zeros_empty_dim": lambda m: m.zeros(0, 3),
    "zeros_np_int": lambda m: m.zeros(np.int64(3)),
    "zeros_tensor_dim": lambda m: m.zeros(2, m.tensor(3)),
    "zeros_0d_tensor": lambda m: m.zeros(m.tensor(3)),
    "zeros_dtype": lambda m: m.zeros(2, dtype=m.int32),
    "zeros_no_size": lambda m: m.zeros(),
    "zeros_negative": lambda m: m.zeros(2, -1),
    "zeros_float": lambda m: m.zeros(2.5),
    "zeros_float_in_varargs": lambda m: m.zeros(2, 2.5),
    "zeros_float_in_tuple": lambda m: m.zeros((2, 2.5)),
    "zeros_str": lambda m: m.zeros("a"),
    "zeros_bool": lambda m: m.zeros(True),
    "zeros_none": lambda m: m.zeros(None),
    "zeros_two_lists": lambda m: m.zeros([2], [3]),
    "zeros_float_tensor": lambda m: m.zeros(m.tensor(2.0)),
    "zeros_requires_grad_int": lambda m: m.zeros(2, dtype=m.int64, requires_grad=True),
    "ones_bool": lambda m: m.ones(2, 3, dtype=m.bool),
    "ones_negative": lambda m: m.ones(2, -1),
    "ones_nested": lambda m: m.ones((2, 3), 4),
    "ones_requires_grad": lambda m: m.ones(2, requires_grad=True),
    "empty_shape": lambda m: (m.empty(2, 3).shape, m.empty(2, 3).dtype),
    "empty_dtype": lambda m: m.empty((2, 3), dtype=m.int64).dtype,
    "empty_negative": lambda m: m.empty(-1),
    "full_int": lambda m: m.full((2,), 3),
    "full_float": lambda m: m.full((2,), 3.0),
    "full_bool": lambda m: m.full((2,), True),
    "full_complex": lambda m: m.full((2,), 1j),
    "full_list_size": lambda m: m.full([2, 2], 1),
    "full_Size": lambda m: m.full(m.Size([2]), 1),
    "full_scalar_shape": lambda m: m.full((), 7),
    "full_dtype": lambda m: m.full((2,), 1.7, dtype=m.int32),
    "full_float_to_bool": lambda m: m.full((2,), 2.5, dtype=m.bool),
    "full_0d_float_tensor": lambda m: m.full((2,), m.tensor(2.5)),
    "full_0d_float64_tensor": lambda m: m.full((2,), m.tensor(2.5, dtype=m.float64)),
    "full_0d_int_tensor": lambda m: m.full((2,), m.tensor(2)),
    "full_0d_int32_tensor": lambda m: m.full((2,), m.tensor(1, dtype=m.int32)),
    "full_0d_uint8_tensor": lambda m: m.full((2,), m.tensor(2, dtype=m.uint8)),
    "full_0d_bool_tensor": lambda m: m.full((2,), m.tensor(True)),
    "full_0d_complex_tensor": lambda m: m.full((2,), m.tensor(1j)),
    "full_np_float": lambda m: m.full((2,), np.float64(1.5)),
    "full_np_int": lambda m: m.full((2,), np.int32(1)),
    "full_keywords": lambda m: m.full(size=(2,), fill_value=1),
    "full_int_size": lambda m: m.full(2, 1),
    "full_negative": lambda m: m.full((2, -1), 1),
    "full_str": lambda m: m.full((2,), "a"),
    "full_none": lambda m: m.full((2,), None),
    "full_1d_tensor": lambda m: m.full((2,), m.tensor([1.0])),
    "full_int64_overflow": lambda m: m.full((2,), 2**63),
    "full_int8_overflow": lambda m: m.full((2,), 200, dtype=m.int8),
    "full_int16_overflow": lambda m: m.full((2,), 2**40, dtype=m.int16),
    "full_int32_overflow": lambda m: m.full((2,), 2**40, dtype=m.int32),
    "full_uint8_overflow": lambda m: m.full((2,), 300, dtype=m.uint8),
    "full_uint8_wraps": lambda m: m.full((2,), -1, dtype=m.uint8),
    "full_uint8_wraps_200": lambda m: m.full((2,), -200, dtype=m.uint8),
    "full_uint8_float": lambda m: m.full((2,), 2.5, dtype=m.uint8),
    "full_uint8_negative_float": lambda m: m.full((2,), -2.5, dtype=m.uint8),
    "full_int_inf": lambda m: m.full((2,), float("inf"), dtype=m.int64),
    "full_int_nan": lambda m: m.full((2,), float("nan"), dtype=m.int32),
    "full_float32_overflow": lambda m: m.full((2,), 1e300, dtype=m.float32),
    "full_float16_overflow": lambda m: m.full((2,), 2**40, dtype=m.float16),
    "full_float32_inf": lambda m: m.full((2,), float("inf")),
    "full_float16_nan": lambda m: m.full((2,), float("nan"), dtype=m.float16),
    "full_float64_big": lambda m: m.full((2,), 1e300, dtype=m.float64),
    "full_complex_to_float": lambda m: m.full((2,), 1j, dtype=m.float32),
    "full_big_int_to_float": lambda m: m.full((2,), 2**63, dtype=m.float32),
    # eye
    "eye_3": lambda m: m.eye(3),
    "eye_2x3": lambda m: m.eye(2, 3),
    "eye_3x2_int32": lambda m: m.eye(3, 2, dtype=m.int32),
    "eye_bool": lambda m: m.eye(2, dtype=m.bool),
    "eye_complex": lambda m: m.eye(2, dtype=m.complex64),
    "eye_0": lambda m: m.eye(0),
    "eye_0x3": lambda m: m.eye(0, 3),
    "eye_keywords": lambda m: m.eye(n=2, m=3),
    "eye_np_int": lambda m: m.eye(np.int64(2)),
    "eye_0d_tensor": lambda m: m.eye(m.tensor(2)),
    "eye_requires_grad": lambda m: m.eye(2, requires_grad=True),
    "eye_negative": lambda m: m.eye(-1),
    "eye_negative_m": lambda m: m.eye(2, -1),
    "eye_float": lambda m: m.eye(2.5),
    "eye_bool_n": lambda m: m.eye(True),
    # arange
    "arange_int": lambda m: m.arange(5),
    "arange_float_end": lambda m: m.arange(5.0),
    "arange_start_end": lambda m: m.arange(1, 4),
    "arange_step": lambda m: m.arange(1, 10, 3),
    "arange_negative_step": lambda m: m.arange(10, 0, -3),
    "arange_negative_float_step": lambda m: m.arange(10, 0, -3.0),
    "arange_float_step_down": lambda m: m.arange(1, 0, -0.1),
    "arange_tenth": lambda m: m.arange(0, 1, 0.1),
    "arange_three_tenths": lambda m: m.arange(0, 0.3, 0.1),
    "arange_from_tenth": lambda m: m.arange(0.1, 0.5, 0.1),
    "arange_halves": lambda m: m.arange(1, 2.5, 0.5),
    "arange_quarters": lambda m: m.arange(-1, 1, 0.25),
    "arange_almost_one": lambda m: m.arange(0, 1.0000001, 0.1),
    "arange_one_to_two": lambda m: m.arange(1, 2, 0.1),
    "arange_minus_one_to_one": lambda m: m.arange(-1.0, 1.0, 0.1),
    "arange_eleven_tenths": lambda m: m.arange(0.0, 3.3, 1.1),
    "arange_third": lambda m: m.arange(0, 1, 1 / 3),
    "arange_large": lambda m: m.arange(0, 1e10, 1e9),
    "arange_float_ints": lambda m: m.arange(0.0, 10.0, 1.0),
    "arange_big_ints": lambda m: m.arange(0, 10**18, 10**17),
    "arange_near_int64_max": lambda m: m.arange(2**62, 2**62 + 3),
    "arange_empty": lambda m: m.arange(0),
    "arange_empty_range": lambda m: m.arange(3, 3),
    "arange_wrong_sign": lambda m: m.arange(3, 1),
    "arange_wrong_sign_negative_step": lambda m: m.arange(1, 3, -1),
    "arange_zero_step": lambda m: m.arange(1, 3, 0),
    "arange_zero_float_step": lambda m: m.arange(1.0, 3, 0),
    "arange_nan_step": lambda m: m.arange(0, 3, float("nan")),
    "arange_inf": lambda m: m.arange(float("inf")),
    "arange_nan": lambda m: m.arange(float("nan")),
    "arange_dtype_float": lambda m: m.arange(5, dtype=m.float32),
    "arange_dtype_float64": lambda m: m.arange(3, dtype=m.float64),
    "arange_dtype_float16": lambda m: m.arange(0, 1, 0.3, dtype=m.float16),
    "arange_float_step_int32": lambda m: m.arange(0, 2.5, 0.5, dtype=m.int32),
    "arange_float_step_uint8": lambda m: m.arange(0, 3, 0.5, dtype=m.uint8),
    "arange_float_step_int64": lambda m: m.arange(0, 2.5, 0.5, dtype=m.int64),
    "arange_float_bounds_int64": lambda m: m.arange(0.5, 3.7, dtype=m.int64),
    "arange_float_bounds_int32": lambda m: m.arange(0.5, 3.7, dtype=m.int32),
    "arange_float_args_int64": lambda m: m.arange(-2.5, 3.7, 1.5, dtype=m.int64),
    "arange_float_args_int16": lambda m: m.arange(-2.5, 3.7, 1.5, dtype=m.int16),
    "arange_float_step_int64_values": lambda m: m.arange(0, 5, 1.5, dtype=m.int64),
    "arange_uint8_wraps": lambda m: m.arange(-3, 3, dtype=m.uint8),
    "arange_bool_dtype": lambda m: m.arange(3, dtype=m.bool),
    "arange_complex_dtype": lambda m: m.arange(3, dtype=m.complex64),
    "arange_0d_tensor": lambda m: m.arange(m.tensor(3)),
    "arange_0d_float_tensor": lambda m: m.arange(m.tensor(2.5)),
    "arange_0d_int32_tensor": lambda m: m.arange(m.tensor(3, dtype=m.int32)),
    "arange_1d_tensor": lambda m: m.arange(m.tensor([3])),
    "arange_end_kw": lambda m: m.arange(end=3),
    "arange_start_end_kw": lambda m: m.arange(start=1, end=3),
    "arange_np_int": lambda m: m.arange(np.int64(3)),
    "arange_np_float": lambda m: m.arange(np.float32(2.5)),
    "arange_bool": lambda m: m.arange(True),
    "arange_str": lambda m: m.arange("a"),
    "arange_none": lambda m: m.arange(None),
    "arange_requires_grad": lambda m: m.arange(3.0, requires_grad=True),
    # linspace / logspace
    "linspace_5": lambda m: m.linspace(0, 1, 5),
    "linspace_7": lambda m: m.linspace(0, 1, 7),
    "linspace_11": lambda m: m.linspace(-3, 7, 11),
    "linspace_thirds": lambda m: m.linspace(0, 1, 4),
    "linspace_float64": lambda m: m.linspace(-1, 1, 6, dtype=m.float64),
    "linspace_float16": lambda m: m.linspace(0, 1, 7, dtype=m.float16),
    "linspace_reversed": lambda m: m.linspace(3, -3, 4),
    "linspace_odd_count": lambda m: m.linspace(0.1, 0.9, 9),
    "linspace_1": lambda m: m.linspace(0, 1, 1),
    "linspace_0": lambda m: m.linspace(0, 1, 0),
    "linspace_same": lambda m: m.linspace(2, 2, 1),
    "linspace_negative": lambda m: m.linspace(0, 1, -1),
    "linspace_int64": lambda m: m.linspace(0, 10, 5, dtype=m.int64),
    "linspace_int64_4": lambda m: m.linspace(0, 10, 4, dtype=m.int64),
    "linspace_int32_4": lambda m: m.linspace(0, 10, 4, dtype=m.int32),
    "linspace_int64_float_start": lambda m: m.linspace(-5.5, 10, 4, dtype=m.int64),
    "linspace_tensors": lambda m: m.linspace(m.tensor(0.0), m.tensor(1.0), 3),
    "linspace_int_tensor": lambda m: m.linspace(m.tensor(1), 3, 3),
    "linspace_float64_tensor": lambda m: m.linspace(m.tensor(1.0, dtype=m.float64), 3, 3),
    "linspace_bool_start": lambda m: m.linspace(True, 3, 3),
    "linspace_steps_kw": lambda m: m.linspace(0, 1, steps=3),
    "linspace_complex": lambda m: m.linspace(0, 1j, 3),
    "linspace_complex_dtype": lambda m: m.linspace(0, 1, 3, dtype=m.complex64),
    "linspace_bool_dtype": lambda m: m.linspace(0, 1, 3, dtype=m.bool),
    "linspace_float_steps": lambda m: m.linspace(0, 1, 2.5),
    "logspace": lambda m: m.logspace(0, 2, 3),
    "logspace_base2": lambda m: m.logspace(0, 2, 3, base=2),
    "logspace_int64": lambda m: m.logspace(0, 2, 3, dtype=m.int64),
    "logspace_negative": lambda m: m.logspace(0, 2, -1),
    # *_like
    "zeros_like_int16": lambda m: m.zeros_like(m.tensor([1, 2], dtype=m.int16)),
    "zeros_like_dtype": lambda m: m.zeros_like(m.tensor([1, 2]), dtype=m.float64),
    "zeros_like_strides": lambda m: m.zeros_like(m.ones(2, 3).T).stride(),
    "empty_like_strides": lambda m: m.empty_like(m.ones(2, 3).T).stride(),
    "zeros_like_requires_grad_int": lambda m: m.zeros_like(m.ones(2), dtype=m.int64, requires_grad=True),
    "zeros_like_list": lambda m: m.zeros_like([1, 2]),
    "ones_like_bool": lambda m: m.ones_like(m.tensor([[True]])),
    "ones_like_requires_grad_not_inherited": lambda m: m.ones_like(m.ones(2, requires_grad=True)),
    "ones_like_requires_grad": lambda m: m.ones_like(m.ones(2), requires_grad=True),
    "full_like_int": lambda m: m.full_like(m.tensor([1, 2]), 2.7),
    "full_like_int32": lambda m: m.full_like(m.ones(2, dtype=m.int32), 2.7),
    "full_like_bool": lambda m: m.full_like(m.ones(2, dtype=m.bool), 2),
    "full_like_dtype": lambda m: m.full_like(m.tensor([1, 2]), 2.7, dtype=m.float32),
    "empty_like_dtype": lambda m: m.empty_like(m.tensor([1.0, 2])).dtype,
    "rand_like": lambda m: (m.rand_like(m.ones(2, dtype=m.float64)).dtype, m.rand_like(m.ones(2, 3)).shape),
    "randn_like_dtype": lambda m: m.randn_like(m.ones(2), dtype=m.float64).dtype,
    "rand_like_int": lambda m: m.rand_like(m.tensor([1, 2])),
    "randn_like_int": lambda m: m.randn_like(m.tensor([1, 2])),
    "randint_like": lambda m: (m.randint_like(m.ones(2), 5).dtype, m.randint_like(m.tensor([1, 2]), 3, 5).dtype),
    "randint_like_keywords": lambda m: m.randint_like(m.ones(2), low=3, high=5).dtype,
    # random factories (dtypes, shapes, errors; the values are ember's own)
    "rand_shape": lambda m: (m.rand(2, 3).shape, m.rand(2, 3).dtype, m.rand((2, 3)).shape, m.rand([4]).shape),
    "rand_dtypes": lambda m: [m.rand(2, dtype=d).dtype for d in (m.float16, m.float64, m.complex64)],
    "randn_dtypes": lambda m: [m.randn(2, dtype=d).dtype for d in (m.float16, m.float64, m.complex128)],
    "randn_scalar_shape": lambda m: m.randn(()).shape,
    "rand_int": lambda m: m.rand(2, dtype=m.int64),
    "rand_bool": lambda m: m.rand(2, dtype=m.bool),
    "randn_int": lambda m: m.randn(2, dtype=m.int64),
    "randn_uint8": lambda m: m.randn(2, dtype=m.uint8),
    "rand_negative": lambda m: m.rand(2, -3),
    "randn_negative": lambda m: m.randn(-1),
    "rand_requires_grad": lambda m: m.rand(2, requires_grad=True).requires_grad,
    "randint_high": lambda m: (m.randint(5, (3,)).dtype, m.randint(5, (3,)).shape),
    "randint_low_high": lambda m: m.randint(2, 5, (3, 2)).shape,
    "randint_list_size": lambda m: m.randint(0, 3, [2, 2]).shape,
    "randint_Size": lambda m: m.randint(0, 3, m.Size([2])).shape,
    "randint_dtype": lambda m: [m.randint(2, 5, (3,), dtype=d).dtype for d in (m.int32, m.float32, m.float16)],
    "randint_bool": lambda m: m.randint(0, 2, (3,), dtype=m.bool).dtype,
    "randint_bool_out_of_bounds": lambda m: m.randint(3, (2,), dtype=m.bool),
    "randint_uint8_out_of_bounds": lambda m: m.randint(-1, 300, (2,), dtype=m.uint8),
    "randint_complex": lambda m: m.randint(3, (2,), dtype=m.complex64),
    "randint_empty_range": lambda m: m.randint(5, 5, (3,)),
    "randint_reversed_range": lambda m: m.randint(5, 2, (3,)),
    "randint_size_kw": lambda m: m.randint(5, size=(2,)).shape,
    "randint_all_kw": lambda m: m.randint(low=1, high=5, size=(2,)).shape,
    "randint_int_size": lambda m: m.randint(5, 3),
    "randint_float_high": lambda m: m.randint(2.5, (2,)),
    "randint_int64_overflow": lambda m: m.randint(0, 2**63, (2,)),
    "randperm": lambda m: (m.randperm(5).dtype, m.randperm(5).shape),
    "randperm_dtypes": lambda m: [m.randperm(3, dtype=d).dtype for d in (m.float32, m.float16, m.int8)],
    "randperm_0": lambda m: m.randperm(0),
    "randperm_negative": lambda m: m.randperm(-1),
    "randperm_float": lambda m: m.randperm(2.5),
    "randperm_bool": lambda m: m.randperm(3, dtype=m.bool),
    # legacy constructors
    "FloatTensor_sizes": lambda m: (m.FloatTensor(2, 3).shape, m.FloatTensor(2, 3).dtype),
    "FloatTensor_list": lambda m: m.FloatTensor([1, 2]),
    "FloatTensor_tuple": lambda m: m.FloatTensor((2, 3)),
    "FloatTensor_nothing": lambda m: m.FloatTensor(),
    "FloatTensor_empty_list": lambda m: m.FloatTensor([]),
    "FloatTensor_ndarray": lambda m: m.FloatTensor(np.array([1, 2])),
    "FloatTensor_Size": lambda m: m.FloatTensor(m.Size([2, 3])).shape,
    "FloatTensor_np_int": lambda m: m.FloatTensor(np.int64(2)).shape,
    "FloatTensor_float": lambda m: m.FloatTensor(2.5),
    "FloatTensor_bool": lambda m: m.FloatTensor(True),
    "FloatTensor_np_float": lambda m: m.FloatTensor(np.float64(2)),
    "FloatTensor_str": lambda m: m.FloatTensor("a"),
    "FloatTensor_ragged": lambda m: m.FloatTensor([[1, 2], [3]]),
    "FloatTensor_mixed_sizes": lambda m: m.FloatTensor(2, 3.5),
    "FloatTensor_negative": lambda m: m.FloatTensor(2, -1),
    "FloatTensor_same_dtype_tensor": lambda m: m.FloatTensor(m.tensor([1.0, 2])),
    "FloatTensor_other_dtype_tensor": lambda m: m.FloatTensor(m.tensor([1, 2])),
    "FloatTensor_cpu": lambda m: m.FloatTensor(2, device="cpu").shape,
    "FloatTensor_cuda": lambda m: m.FloatTensor(2, device="cuda"),
    "FloatTensor_dtype_attr": lambda m: (m.FloatTensor.dtype, m.LongTensor.dtype, m.FloatTensor.is_cuda),
    "LongTensor_list": lambda m: m.LongTensor([1, 2]),
    "LongTensor_floats": lambda m: m.LongTensor([1.7, 2]),
    "LongTensor_size": lambda m: m.LongTensor(3).shape,
    "LongTensor_Size": lambda m: m.LongTensor(m.Size([2, 1])).shape,
    "DoubleTensor_list": lambda m: m.DoubleTensor([1, 2]),
    "BoolTensor_list": lambda m: m.BoolTensor([1, 0]),
    "ByteTensor_list": lambda m: m.ByteTensor([1, 0]),
    "IntTensor_list": lambda m: m.IntTensor([1, 0]),
    "HalfTensor_list": lambda m: m.HalfTensor([1, 0]),
    "ShortTensor_list": lambda m: m.ShortTensor([1, 0]),
    "CharTensor_list": lambda m: m.CharTensor([1, 0]),
    "isinstance_legacy": lambda m: (isinstance(m.ones(2), m.FloatTensor), isinstance(m.ones(2), m.DoubleTensor),
                                    isinstance(m.ones(2, dtype=m.long), m.LongTensor), isinstance(m.ones(2), m.Tensor),
                                    isinstance(m.FloatTensor(2), m.Tensor),
                                    isinstance(np.ones(2, np.float32), m.FloatTensor)),
    "isinstance_legacy_requires_grad": lambda m: (isinstance(m.ones(2, requires_grad=True), m.FloatTensor),
                                                  isinstance(m.ones(2, requires_grad=True).detach(), m.FloatTensor)),
    "legacy_type_relations": lambda m: (issubclass(m.FloatTensor, m.Tensor), type(m.FloatTensor(2)) is m.Tensor,
                                        repr(m.FloatTensor), m.FloatTensor.__name__),
    "Tensor_sizes": lambda m: (m.Tensor(2, 3).shape, m.Tensor(2, 3).dtype),
    "Tensor_list": lambda m: m.Tensor([1, 2]),
    "Tensor_bool_int": lambda m: m.Tensor([True, 2]),
    "Tensor_nothing": lambda m: m.Tensor(),
    "Tensor_Size": lambda m: m.Tensor(m.Size([2])).shape,
    "Tensor_of_tensor": lambda m: m.Tensor(m.tensor([1, 2])),
    "Tensor_of_tensor_shares": lambda m: (lambda t: m.Tensor(t).data_ptr() == t.data_ptr())(m.ones(2, dtype=m.long)),
    "Tensor_float": lambda m: m.Tensor(2.5),
    "Tensor_str": lambda m: m.Tensor("a"),
    "Tensor_ragged": lambda m: m.Tensor([[1, 2], [3]]),
    "Tensor_ndarray": lambda m: m.Tensor(np.array([1, 2], dtype=np.int32)),
    "Tensor_0d_ndarray": lambda m: m.Tensor(np.array(1.5)),
    "Tensor_range": lambda m: m.Tensor(range(3)),
    "Tensor_negative": lambda m: m.Tensor(-1),
    "Tensor_negative_2": lambda m: m.Tensor(2, -1),
    "Tensor_requires_grad": lambda m: m.Tensor([1.0], requires_grad=True),
    # is_tensor / numel
    "is_tensor": lambda m: (m.is_tensor(m.ones(1)), m.is_tensor(np.ones(1)), m.is_tensor([1]), m.is_tensor(1.0)),
    "numel": lambda m: (m.numel(m.ones(2, 3)), m.numel(m.tensor(1.0)), m.numel(m.ones(0, 4))),
}

# Cases whose values are uninitialised or random in torch: compare everything but values.
NO_VALUES = {"FloatTensor_sizes", "Tensor_sizes", "empty_shape"}
# Cases where torch's message is an argument-parser dump: compare the exception type only.
TYPE_ONLY = {
    "linspace_float_steps", "randint_int_size", "Tensor_requires_grad", "FloatTensor_other_dtype_tensor",
    "FloatTensor_cuda_message", "dict", "set",
}


@needs_torch
@pytest.mark.parametrize("case", sorted(ORACLE))
def test_matches_torch(case):
    fn = ORACLE[case]
    values = case not in NO_VALUES
    want, got = outcome(torch, fn, values), outcome(ember, fn, values)
    if case in TYPE_ONLY and want[0] == "raises":
        assert got[:2] == want[:2]
    else:
        assert got == want


# ---------------------------------------------------------------------------------------
# Known answers (no oracle needed)
# ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("data,dtype", [
    ([True, False], "bool"), ([1, 2], "int64"), ([1.0, 2], "float32"), ([1, 2j], "complex64"),
    ([[True, 1], [2, 3]], "int64"), ([[1, 2], [3, 4.5]], "float32"), ((1, 2), "int64"), (7, "int64"),
    (7.0, "float32"), (True, "bool"), ([], "float32"), ([[]], "float32"),
])
def test_tensor_dtype_inference(data, dtype):
    assert ember.tensor(data).dtype is getattr(ember, dtype)


def test_tensor_values_and_shape():
    t = ember.tensor([[1, 2, 3], [4, 5, 6]])
    assert t.shape == (2, 3) and t.tolist() == [[1, 2, 3], [4, 5, 6]]
    assert ember.tensor([[]]).shape == (1, 0)
    assert ember.tensor(2.5).shape == () and ember.tensor(2.5).item() == 2.5


def test_tensor_keeps_numpy_dtypes():
    for np_dtype, name in [(np.int32, "int32"), (np.float64, "float64"), (np.float16, "float16"), (np.uint8, "uint8"),
                           (np.bool_, "bool"), (np.complex128, "complex128"), (np.int8, "int8")]:
        assert ember.tensor(np.zeros(2, np_dtype)).dtype is getattr(ember, name)
        assert ember.tensor(np_dtype(1)).dtype is getattr(ember, name)
    assert ember.tensor([np.float64(1.5), np.float64(2)]).dtype is ember.float64
    assert ember.tensor([np.int32(1), 2.5]).dtype is ember.float32


def test_tensor_copies():
    a = np.array([1.0, 2.0])
    t = ember.tensor(a)
    a[0] = 9
    assert t.tolist() == [1.0, 2.0]
    src = ember.tensor([1.0, 2.0])
    with pytest.warns(UserWarning, match="To copy construct from a tensor"):
        c = ember.tensor(src)
    src.add_(1)
    assert c.tolist() == [1.0, 2.0] and c.is_leaf and not c.requires_grad


def test_tensor_of_zero_d_tensors():
    t = ember.tensor([ember.tensor(1.5), ember.tensor(2.0)])
    assert t.dtype is ember.float32 and t.tolist() == [1.5, 2.0]
    t = ember.tensor([ember.tensor(1, dtype=ember.int32), ember.tensor(2, dtype=ember.int32)])
    assert t.dtype is ember.int32
    assert ember.tensor([1, ember.tensor(1.5, dtype=ember.float64)]).dtype is ember.float64
    x = ember.tensor(3.0, requires_grad=True)
    t = ember.tensor([x, 1.0])
    assert not t.requires_grad and t.grad_fn is None and t.tolist() == [3.0, 1.0]


@pytest.mark.parametrize("data,message", [
    ([[1, 2], [3]], "expected sequence of length 2 at dim 1 (got 1)"),
    ([[1], [2, 3]], "expected sequence of length 1 at dim 1 (got 2)"),
    ([[[1, 2], [3, 4]], [[1, 2], [3]]], "expected sequence of length 2 at dim 2 (got 1)"),
    ([[[1], [2, 3]], [1]], "expected sequence of length 1 at dim 2 (got 2)"),
])
def test_ragged_lists(data, message):
    with pytest.raises(ValueError) as err:
        ember.tensor(data)
    assert str(err.value) == message


def test_tensor_type_errors():
    with pytest.raises(TypeError, match=r"^new\(\): invalid data type 'str'$"):
        ember.tensor("abc")
    with pytest.raises(ValueError, match=r"^too many dimensions 'str'$"):
        ember.tensor(["a", "b"])
    with pytest.raises(RuntimeError, match="^Could not infer dtype of NoneType$"):
        ember.tensor([1, None])
    with pytest.raises(TypeError, match="^not a sequence$"):
        ember.tensor([[1, 2], 3])
    with pytest.raises(ValueError, match="^Overflow when unpacking long long$"):
        ember.tensor([2**63])


@pytest.mark.parametrize("dtype", ["int64", "int32", "uint8", "bool"])
def test_requires_grad_needs_float(dtype):
    message = "^Only Tensors of floating point and complex dtype can require gradients$"
    with pytest.raises(RuntimeError, match=message):
        ember.tensor([1, 0], dtype=getattr(ember, dtype), requires_grad=True)
    with pytest.raises(RuntimeError, match=message):
        ember.zeros(2, dtype=getattr(ember, dtype), requires_grad=True)


def test_requires_grad_float_and_complex():
    for t in (ember.tensor([1.0], requires_grad=True), ember.tensor([1j], requires_grad=True),
              ember.ones(2, requires_grad=True), ember.eye(2, requires_grad=True)):
        assert t.requires_grad and t.is_leaf and t.grad_fn is None


def test_as_tensor_shares_memory_with_ndarray():
    a = np.array([1.0, 2.0])
    t = ember.as_tensor(a)
    a[0] = 5.0
    assert t.tolist() == [5.0, 2.0] and t.dtype is ember.float64
    t[1] = 7.0
    assert a[1] == 7.0
    converted = ember.as_tensor(a, dtype=ember.float32)
    a[0] = -1.0
    assert converted.tolist() == [5.0, 7.0]
    same = ember.tensor([1.0])
    assert ember.as_tensor(same) is same
    assert ember.as_tensor([1, 2]).dtype is ember.int64


def test_from_numpy_shares_memory():
    a = np.arange(6, dtype=np.int32).reshape(2, 3)
    t = ember.from_numpy(a)
    assert t.dtype is ember.int32 and t.shape == (2, 3)
    a[0, 0] = 100
    assert t[0, 0].item() == 100
    t.add_(1)
    assert a[0, 0] == 101
    assert np.shares_memory(t.numpy(), a)


def test_from_numpy_errors():
    with pytest.raises(TypeError, match=r"^expected np.ndarray \(got list\)$"):
        ember.from_numpy([1, 2])
    with pytest.raises(TypeError, match=r"^can't convert np.ndarray of type numpy.str_\. The only supported types are"):
        ember.from_numpy(np.array(["a"]))
    with pytest.raises(TypeError, match=r"of type numpy.object_"):
        ember.from_numpy(np.array([None]))


@pytest.mark.parametrize("args", [(2, 3), ((2, 3),), ([2, 3],), (ember.Size([2, 3]),), (np.int64(2), 3)])
@pytest.mark.parametrize("factory", ["zeros", "ones", "empty", "rand", "randn"])
def test_size_arguments(factory, args):
    t = getattr(ember, factory)(*args)
    assert t.shape == (2, 3) and t.dtype is ember.float32
    assert isinstance(t.shape, ember.Size)


def test_filled_values():
    assert ember.zeros(2, 2).tolist() == [[0.0, 0.0], [0.0, 0.0]]
    assert ember.ones(3, dtype=ember.int32).tolist() == [1, 1, 1]
    assert ember.ones(()).shape == () and ember.ones(()).item() == 1.0
    assert ember.full((2,), 7).tolist() == [7, 7] and ember.full((2,), 7).dtype is ember.int64
    assert ember.full((2,), 0.5).dtype is ember.float32
    assert ember.full((2,), False).dtype is ember.bool
    assert ember.full((1,), 1j).dtype is ember.complex64
    assert ember.full([2, 1], 1.7, dtype=ember.int32).tolist() == [[1], [1]]
    assert ember.zeros(size=(1, 2)).shape == (1, 2)


def test_size_errors():
    with pytest.raises(RuntimeError, match=r"^Trying to create tensor with negative dimension -1: \[2, -1\]$"):
        ember.ones(2, -1)
    with pytest.raises(RuntimeError, match="^zeros: Dimension size must be non-negative.$"):
        ember.zeros(-1)
    with pytest.raises(TypeError, match=r"^ones\(\): argument 'size' \(position 1\) must be tuple of ints, not float$"):
        ember.ones(2.5)
    with pytest.raises(TypeError, match=r'^zeros\(\) missing 1 required positional arguments: "size"$'):
        ember.zeros()
    with pytest.raises(TypeError, match=r"^full\(\): argument 'size' \(position 1\) must be tuple of ints, not int$"):
        ember.full(2, 1)


def test_eye():
    assert ember.eye(2).tolist() == [[1.0, 0.0], [0.0, 1.0]]
    assert ember.eye(2, 3).tolist() == [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]
    assert ember.eye(2, dtype=ember.int64).dtype is ember.int64
    with pytest.raises(RuntimeError, match="^n must be greater or equal to 0, got -1$"):
        ember.eye(-1)


@pytest.mark.parametrize("args,kwargs,expected,dtype", [
    ((5,), {}, [0, 1, 2, 3, 4], "int64"),
    ((1, 4), {}, [1, 2, 3], "int64"),
    ((10, 0, -3), {}, [10, 7, 4, 1], "int64"),
    ((5.0,), {}, [0.0, 1.0, 2.0, 3.0, 4.0], "float32"),
    ((0, 1, 0.25), {}, [0.0, 0.25, 0.5, 0.75], "float32"),
    ((1, 2.5, 0.5), {}, [1.0, 1.5, 2.0], "float32"),
    ((3,), {"dtype": ember.float64}, [0.0, 1.0, 2.0], "float64"),
    ((0.5, 3.7), {"dtype": ember.int64}, [0, 1, 2], "int64"),
    ((-3, 3), {"dtype": ember.uint8}, [253, 254, 255, 0, 1, 2], "uint8"),
    ((0,), {}, [], "int64"),
])
def test_arange_known(args, kwargs, expected, dtype):
    t = ember.arange(*args, **kwargs)
    assert t.tolist() == expected and t.dtype is getattr(ember, dtype)


@pytest.mark.parametrize("start,end,step,count", [
    (0, 1, 0.1, 10), (0, 0.3, 0.1, 3), (1, 2, 0.1, 10), (-1.0, 1.0, 0.1, 20), (0.0, 3.3, 1.1, 3),
    (0, 1.0000001, 0.1, 11), (1, 0, -0.1, 10),
])
def test_arange_float_count(start, end, step, count):
    # The count is ceil((end - start) / step) in double precision, as in torch.
    assert ember.arange(start, end, step).numel() == count == math.ceil((end - start) / step)


def test_arange_errors():
    with pytest.raises(RuntimeError, match="^upper bound and lower bound inconsistent with step sign$"):
        ember.arange(3, 1)
    with pytest.raises(RuntimeError, match="^step must be nonzero$"):
        ember.arange(1, 3, 0)
    with pytest.raises(RuntimeError, match=r"^unsupported range: 0 -> inf$"):
        ember.arange(float("inf"))


def test_linspace_known():
    assert ember.linspace(0, 1, 5).tolist() == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert ember.linspace(0, 10, 4, dtype=ember.int64).tolist() == [0, 3, 6, 10]
    assert ember.linspace(3, -3, 3).tolist() == [3.0, 0.0, -3.0]
    assert ember.linspace(0, 1, 0).shape == (0,)
    assert ember.linspace(0, 1, 1).tolist() == [0.0]
    # torch's kernel counts down from the end for the second half: exact end points.
    t = ember.linspace(0, 1, 7)
    assert t[-1].item() == 1.0 and t.dtype is ember.float32
    with pytest.raises(RuntimeError, match="^number of steps must be non-negative$"):
        ember.linspace(0, 1, -1)


def test_like_factories():
    x = ember.tensor([[1, 2]], dtype=ember.int16)
    for fn in (ember.zeros_like, ember.ones_like, ember.empty_like):
        y = fn(x)
        assert y.dtype is ember.int16 and y.shape == (1, 2)
        assert fn(x, dtype=ember.float64).dtype is ember.float64
    assert ember.full_like(x, 2.7).tolist() == [[2, 2]]
    assert ember.full_like(x, 2.7, dtype=ember.float32).tolist() == [[pytest.approx(2.7), pytest.approx(2.7)]]
    assert ember.zeros_like(ember.ones(2, requires_grad=True)).requires_grad is False
    f = ember.ones(3, 2)
    assert ember.rand_like(f).shape == (3, 2) and ember.randn_like(f).dtype is ember.float32
    assert ember.randint_like(f, 10).dtype is ember.float32
    r = ember.randint_like(ember.zeros(100, dtype=ember.int64), 3, 5)
    assert r.dtype is ember.int64 and set(r.tolist()) <= {3, 4}


# ---------------------------------------------------------------------------------------
# Random numbers
# ---------------------------------------------------------------------------------------
def test_rand_ranges_and_dtypes():
    ember.manual_seed(0)
    u = ember.rand(1000)
    assert u.dtype is ember.float32 and 0.0 <= u.numpy().min() and u.numpy().max() < 1.0
    assert ember.rand(3, dtype=ember.float64).dtype is ember.float64
    assert ember.rand(3, dtype=ember.float16).dtype is ember.float16
    n = ember.randn(10000, dtype=ember.float64).numpy()
    assert abs(n.mean()) < 0.05 and abs(n.std() - 1) < 0.05
    c = ember.randn(10000, dtype=ember.complex64).numpy()
    assert c.dtype == np.complex64 and abs(c.real.var() - 0.5) < 0.05 and abs(c.imag.var() - 0.5) < 0.05
    cu = ember.rand(1000, dtype=ember.complex128).numpy()
    assert 0 <= cu.real.min() and cu.real.max() < 1 and 0 <= cu.imag.min() and cu.imag.max() < 1
    i = ember.randint(3, 7, (1000,))
    assert i.dtype is ember.int64 and set(i.tolist()) == {3, 4, 5, 6}
    assert set(ember.randint(2, (100,)).tolist()) == {0, 1}
    assert set(ember.randint(0, 2, (100,), dtype=ember.bool).tolist()) == {False, True}
    p = ember.randperm(10)
    assert p.dtype is ember.int64 and sorted(p.tolist()) == list(range(10))


@pytest.mark.parametrize("dtype,kernel,name", [("int64", "check_uniform_bounds", "Long"),
                                               ("bool", "check_uniform_bounds", "Bool")])
def test_rand_rejects_integer_dtypes(dtype, kernel, name):
    with pytest.raises(NotImplementedError, match=f"^\"{kernel}\" not implemented for '{name}'$"):
        ember.rand(2, dtype=getattr(ember, dtype))


def test_randint_errors():
    with pytest.raises(RuntimeError, match="^random_ expects 'from' to be less than 'to', but got from=5 >= to=2$"):
        ember.randint(5, 2, (3,))
    message = r"^randint\(\): argument 'size' \(position 2\) must be tuple of ints, not int$"
    with pytest.raises(TypeError, match=message):
        ember.randint(5, 3)


def _draws():
    return (ember.rand(4).tolist(), ember.randn(2, 2).tolist(), ember.randint(0, 100, (5,)).tolist(),
            ember.randperm(6).tolist(), ember.rand(2, dtype=ember.complex64).tolist(),
            ember.normal(0.0, 1.0, (3,)).tolist())


def test_manual_seed_reproducible():
    g = ember.manual_seed(1234)
    assert g is ember.default_generator and ember.initial_seed() == 1234
    first = _draws()
    ember.manual_seed(1234)
    assert _draws() == first
    ember.manual_seed(4321)
    assert _draws() != first


def test_generator_argument():
    g1 = ember.Generator().manual_seed(7)
    g2 = ember.Generator().manual_seed(7)
    ember.manual_seed(0)
    a = ember.rand(5, generator=g1).tolist()
    ember.rand(3)  # the default generator does not disturb g2
    assert ember.rand(5, generator=g2).tolist() == a
    assert ember.randn(3, generator=g1).tolist() == ember.randn(3, generator=g2).tolist()
    assert ember.randint(0, 9, (4,), generator=g1).tolist() == ember.randint(0, 9, (4,), generator=g2).tolist()
    assert ember.randperm(8, generator=g1).tolist() == ember.randperm(8, generator=g2).tolist()
    assert g1.initial_seed() == 7 and g1.device == ember.device("cpu")


def test_rng_state_round_trip():
    ember.manual_seed(3)
    state = ember.get_rng_state()
    a = ember.rand(4).tolist()
    ember.set_rng_state(state)
    assert ember.rand(4).tolist() == a


# ---------------------------------------------------------------------------------------
# Legacy constructors
# ---------------------------------------------------------------------------------------
def test_legacy_constructors():
    t = ember.FloatTensor(2, 3)
    assert t.shape == (2, 3) and t.dtype is ember.float32 and type(t) is ember.Tensor
    assert ember.FloatTensor([1, 2]).tolist() == [1.0, 2.0]
    assert ember.LongTensor([1.7, 2]).tolist() == [1, 2]
    assert ember.LongTensor(3).shape == (3,) and ember.LongTensor(3).dtype is ember.int64
    assert ember.DoubleTensor([1]).dtype is ember.float64
    assert ember.BoolTensor([1, 0]).tolist() == [True, False]
    assert ember.FloatTensor(ember.Size([2, 3])).shape == (2, 3)
    assert ember.FloatTensor().shape == (0,)
    assert isinstance(ember.ones(2), ember.FloatTensor)
    assert not isinstance(ember.ones(2), ember.DoubleTensor)
    assert isinstance(ember.tensor([1]), ember.LongTensor)
    assert not isinstance([1.0], ember.FloatTensor)
    assert ember.FloatTensor.dtype is ember.float32


def test_tensor_constructor():
    assert ember.Tensor(2, 3).shape == (2, 3) and ember.Tensor(2, 3).dtype is ember.float32
    t = ember.Tensor([1, 2])
    assert t.dtype is ember.float32 and t.tolist() == [1.0, 2.0]
    assert ember.Tensor().shape == (0,)
    src = ember.tensor([1, 2])
    alias = ember.Tensor(src)
    assert alias.dtype is ember.int64
    src[0] = 5
    assert alias.tolist() == [5, 2]
    with pytest.raises(TypeError, match=r"^new\(\): data must be a sequence \(got float\)$"):
        ember.Tensor(2.5)


def test_is_tensor():
    assert ember.is_tensor(ember.ones(1)) and not ember.is_tensor(np.ones(1)) and not ember.is_tensor([1])


# ---------------------------------------------------------------------------------------
# Devices in factories
# ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("factory", [
    lambda **kw: ember.tensor([1.0], **kw), lambda **kw: ember.zeros(2, **kw), lambda **kw: ember.ones(2, **kw),
    lambda **kw: ember.full((2,), 1.0, **kw), lambda **kw: ember.arange(3, **kw), lambda **kw: ember.eye(2, **kw),
    lambda **kw: ember.rand(2, **kw), lambda **kw: ember.randn(2, **kw), lambda **kw: ember.randint(3, (2,), **kw),
    lambda **kw: ember.linspace(0, 1, 3, **kw), lambda **kw: ember.zeros_like(ember.ones(1), **kw),
])
def test_factories_take_a_device(factory):
    assert factory(device="cpu").device == ember.device("cpu")
    assert factory(device=ember.device("cpu")).device.type == "cpu"
    with pytest.raises(AssertionError, match="^Torch not compiled with CUDA enabled$"):
        factory(device="cuda")
