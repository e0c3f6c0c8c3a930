"""Tests of ember/ops/pointwise_math.py beyond the registry rows (op_db_pointwise_math.py).

* errors against PyTorch: the same exception type and, once ``torch.`` reads ``ember.``,
  the same message (as tests/ops/test_errors.py);
* subgradients at the points the registry keeps out of gradcheck (clamp's bounds, round,
  sgn), accuracy of erfc/erfinv over their range, in-place semantics, the exports.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import ember
from ember.ops import pointwise_math as pm

try:
    import torch  # noqa: F401 - the oracle, when installed
except ImportError:
    HAS_TORCH = False
else:
    HAS_TORCH = True
oracle = pytest.mark.skipif(not HAS_TORCH, reason="PyTorch (the oracle) is not installed")


def _fn(m: Any, name: str) -> Any:
    """``m.<name>``; for ember, from pointwise_math (the top level may not export it yet)."""
    return getattr(pm, name) if m is ember else getattr(m, name)


def t(m: Any, *shape: int, dtype: str = "float32", rg: bool = False) -> Any:
    """1, 2, 3, ... in ``shape`` (bool: alternating), as a tensor of ``m`` (ember or torch)."""
    a = np.asarray(np.arange(int(np.prod(shape))).reshape(shape) + 1)
    x = m.from_numpy((a % 2 == 0) if dtype == "bool" else a.astype(dtype))
    if rg:
        x.requires_grad_(True)
    return x


def _heaviside_backward(m: Any) -> None:
    x = t(m, 3, rg=True)
    _fn(m, "heaviside")(x, t(m, 3)).sum().backward()


def _inplace_leaf(m: Any) -> Any:
    return t(m, 3, rg=True).clamp_(0, 1)


def _f(name: str, *args: Any, **kwargs: Any) -> Callable[[Any], Any]:
    """``m.<name>(*args(m), **kwargs)`` with the arguments built per module."""
    return lambda m: _fn(m, name)(*(a(m) if callable(a) else a for a in args), **kwargs)


F3 = lambda m: t(m, 3)  # noqa: E731
F2 = lambda m: t(m, 2)  # noqa: E731
D3 = lambda m: t(m, 3, dtype="float64")  # noqa: E731
I3 = lambda m: t(m, 3, dtype="int64")  # noqa: E731
B3 = lambda m: t(m, 3, dtype="bool")  # noqa: E731

CASES: dict[str, tuple[type[Exception], Callable[[Any], Any]]] = {
    "exp2_number": (TypeError, _f("exp2", 1.0)),
    "tan_list": (TypeError, _f("tan", [1.0])),
    "atan2_scalar_other": (TypeError, _f("atan2", F3, 2)),
    "atan2_shape": (RuntimeError, _f("atan2", F3, F2)),
    "hypot_int": (NotImplementedError, _f("hypot", I3, I3)),
    "hypot_bool": (NotImplementedError, _f("hypot", B3, B3)),
    "logaddexp_int": (NotImplementedError, _f("logaddexp", I3, I3)),
    "logaddexp2_scalar": (TypeError, _f("logaddexp2", F3, 1.0)),
    "fmax_scalar": (TypeError, _f("fmax", F3, 1)),
    "fmin_shape": (RuntimeError, _f("fmin", F3, F2)),
    "frac_int": (NotImplementedError, _f("frac", I3)),
    "frac_bool": (NotImplementedError, _f("frac", B3)),
    "round_bool": (NotImplementedError, _f("round", B3)),
    "round_int_decimals": (NotImplementedError, _f("round", I3, decimals=1)),
    "round_float_decimals": (TypeError, _f("round", F3, decimals=1.5)),
    "clamp_none": (RuntimeError, _f("clamp", F3)),
    "clamp_bool_bounds": (NotImplementedError, _f("clamp", B3, False, True)),
    "clamp_bool_tensors": (NotImplementedError, _f("clamp", B3, B3, B3)),
    "clamp_shape": (RuntimeError, _f("clamp", F3, F2)),
    "clamp_tensor_number": (TypeError, _f("clamp", F3, F3, 1)),
    "clamp_min_bool": (NotImplementedError, _f("clamp_min", B3, True)),
    "clamp_max_bool": (NotImplementedError, _f("clamp_max", B3, False)),
    "clamp_inplace_leaf": (RuntimeError, _inplace_leaf),
    "clamp_inplace_int": (RuntimeError, lambda m: t(m, 3, dtype="int64").clamp_(0.5)),
    "fmod_int_zero": (RuntimeError, lambda m: _fn(m, "fmod")(t(m, 3, dtype="int64"), 0)),
    "fmod_bool": (NotImplementedError, _f("fmod", B3, B3)),
    "fmod_scalar_input": (TypeError, _f("fmod", 2, F3)),
    "copysign_shape": (RuntimeError, _f("copysign", F3, F2)),
    "heaviside_dtypes": (RuntimeError, _f("heaviside", F3, D3)),
    "heaviside_scalar": (TypeError, _f("heaviside", F3, 0.5)),
    "heaviside_backward": (RuntimeError, _heaviside_backward),
    "lerp_end_dtype": (RuntimeError, _f("lerp", F3, D3, 0.5)),
    "lerp_weight_dtype": (RuntimeError, _f("lerp", F3, F3, D3)),
    "lerp_int": (NotImplementedError, _f("lerp", I3, I3, 0.5)),
    "lerp_int_weight_tensor": (NotImplementedError, _f("lerp", I3, I3, I3)),
    "lerp_half_end": (RuntimeError, lambda m: _fn(m, "lerp")(t(m, 3), t(m, 3, dtype="float16"), 0.5)),
    "lerp_complex_weight": (RuntimeError, _f("lerp", F3, F3, 1j)),
    "lerp_shape": (RuntimeError, _f("lerp", F3, F2, 0.5)),
    "addcmul_bool": (NotImplementedError, _f("addcmul", B3, B3, B3)),
    "addcmul_shape": (RuntimeError, _f("addcmul", F3, F2, F3)),
    "addcmul_complex_value": (RuntimeError, _f("addcmul", F3, F3, F3, value=1j)),
    "addcdiv_int": (RuntimeError, _f("addcdiv", I3, I3, I3)),
    "addcdiv_float_int_int": (RuntimeError, _f("addcdiv", F3, I3, I3)),
    "isclose_dtypes": (RuntimeError, _f("isclose", F3, D3)),
    "isclose_int_float": (RuntimeError, _f("isclose", F3, I3)),
    "isclose_rtol": (RuntimeError, _f("isclose", F3, F3, rtol=-1.5)),
    "isclose_atol": (RuntimeError, _f("isclose", F3, F3, atol=-1)),
    "allclose_shape": (RuntimeError, _f("allclose", F3, F2)),
    "signbit_complex": (NotImplementedError, lambda m: _fn(m, "signbit")(m.tensor([1j]))),
    "bitwise_and_float": (NotImplementedError, _f("bitwise_and", F3, F3)),
    "bitwise_or_float_scalar": (NotImplementedError, _f("bitwise_or", I3, 1.5)),
    "bitwise_not_float": (NotImplementedError, _f("bitwise_not", F3)),
    "lshift_bool": (NotImplementedError, _f("bitwise_left_shift", B3, B3)),
    "rshift_float": (NotImplementedError, _f("bitwise_right_shift", F3, 1)),
    "lshift_operator_float": (NotImplementedError, lambda m: t(m, 3) << 1),
    "float_power_scalars": (TypeError, _f("float_power", 2, 3)),
    "float_power_inplace_f32": (RuntimeError, lambda m: t(m, 3).float_power_(2)),
    "exp2_inplace_int": (RuntimeError, lambda m: t(m, 3, dtype="int64").exp2_()),
    "logit_inplace_leaf": (RuntimeError, lambda m: t(m, 3, rg=True).logit_()),
}

#: Cases whose torch message comes from its argument parser (the overloads it tried):
#: only the exception type is compared.
TYPE_ONLY = {"fmod_scalar_input", "float_power_scalars", "round_float_decimals", "clamp_inplace_int"}


def _normalise(message: str) -> str:
    return message.replace("torch.", "ember.")


@pytest.mark.parametrize("name", list(CASES))
def test_ember_raises(name: str) -> None:
    exc, fn = CASES[name]
    with pytest.raises(exc):
        fn(ember)


@oracle
@pytest.mark.parametrize("name", list(CASES))
def test_error_matches_torch(name: str) -> None:
    import torch

    exc, fn = CASES[name]
    with pytest.raises(exc) as expected:
        fn(torch)
    with pytest.raises(exc) as got:
        fn(ember)
    if name not in TYPE_ONLY:
        assert _normalise(str(got.value)) == _normalise(str(expected.value))


def test_failed_ops_change_nothing() -> None:
    x = ember.tensor([1, 2, 3])
    with pytest.raises(RuntimeError):
        x.clamp_(0.5)
    with pytest.raises(RuntimeError):
        x.exp2_()
    assert x.tolist() == [1, 2, 3] and x._version == 0


# ---------------------------------------------------------------------------------------
# Subgradients and values at the edges
# ---------------------------------------------------------------------------------------
def _grad(fn: Callable[..., Any], *values: list[float]) -> list[list[float]]:
    xs = [ember.tensor(v, dtype=ember.float64, requires_grad=True) for v in values]
    fn(*xs).sum().backward()
    return [x.grad.tolist() for x in xs]


def test_clamp_passes_the_gradient_at_its_bounds() -> None:
    # torch: the gradient flows where min <= x <= max (both bounds included); nan gets none.
    x = [-2.0, -1.0, 0.0, 1.0, 2.0, float("nan")]
    assert _grad(lambda a: pm.clamp(a, -1.0, 1.0), x) == [[0.0, 1.0, 1.0, 1.0, 0.0, 0.0]]
    assert _grad(lambda a: pm.clamp(a, min=-1.0), x) == [[0.0, 1.0, 1.0, 1.0, 1.0, 0.0]]
    assert _grad(lambda a: pm.clamp_max(a, 1.0), x) == [[1.0, 1.0, 1.0, 1.0, 0.0, 0.0]]
    # Tensor bounds: a bound gets the gradient only where it is the result and x is not.
    lo, hi = [-1.0] * 6, [1.0] * 6
    assert _grad(pm.clamp, x, lo, hi) == [[0.0, 1.0, 1.0, 1.0, 0.0, 0.0], [1.0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 1.0, 0]]
    # min > max: the result is max everywhere, and max takes every gradient.
    assert _grad(pm.clamp, [0.0, 5.0], [2.0, 2.0], [1.0, 1.0]) == [[0.0, 0.0], [0.0, 0.0], [1.0, 1.0]]


def test_piecewise_constant_ops_have_zero_gradient() -> None:
    for fn in (pm.round, lambda a: pm.round(a, decimals=1), pm.sgn):
        assert _grad(fn, [0.5, 1.5, -0.25, 0.0]) == [[0.0, 0.0, 0.0, 0.0]]
    assert _grad(pm.frac, [0.5, 1.5, -0.25]) == [[1.0, 1.0, 1.0]]
    assert pm.round(ember.tensor([1.0], requires_grad=True)).grad_fn.name() == "RoundBackward0"
    assert pm.round(ember.tensor([1.0], requires_grad=True), decimals=0).grad_fn.name() == "RoundBackward1"


@oracle
def test_erfc_and_erfinv_match_torch_over_their_range() -> None:
    import torch

    x = np.concatenate([np.linspace(-6, 6, 2001), np.linspace(6, 27, 200)])
    np.testing.assert_allclose(pm.erfc(ember.from_numpy(x)).numpy(), torch.erfc(torch.from_numpy(x)).numpy(),
                               rtol=1e-13, atol=0)
    y = np.concatenate([np.linspace(-1, 1, 4001), 1 - np.logspace(-15, -1, 50), -np.logspace(-300, -1, 50)])
    np.testing.assert_allclose(pm.erfinv(ember.from_numpy(y)).numpy(), torch.erfinv(torch.from_numpy(y)).numpy(),
                               rtol=1e-12, atol=0)
    y32 = y.astype(np.float32)
    np.testing.assert_allclose(pm.erfinv(ember.from_numpy(y32)).numpy(),
                               torch.erfinv(torch.from_numpy(y32)).numpy(), rtol=2e-6, atol=0)


@oracle
@pytest.mark.parametrize("dtype", ["int8", "uint8", "int16", "int32", "int64"])
def test_shifts_match_torch_for_every_shift(dtype: str) -> None:
    import torch

    bits = np.dtype(dtype).itemsize * 8
    lo = -3 if dtype != "uint8" else 0
    a = np.array([1, 5, -7 if dtype != "uint8" else 200, np.iinfo(dtype).max, np.iinfo(dtype).min], dtype)
    b = np.arange(lo, bits + 3).astype(dtype)
    a2, b2 = np.broadcast_arrays(a[:, None], b[None, :])
    for name in ("bitwise_left_shift", "bitwise_right_shift"):
        got = getattr(pm, name)(ember.from_numpy(a2.copy()), ember.from_numpy(b2.copy())).numpy()
        expected = getattr(torch, name)(torch.from_numpy(a2.copy()), torch.from_numpy(b2.copy())).numpy()
        np.testing.assert_array_equal(got, expected, err_msg=name)


@oracle
def test_double_backward_matches_torch() -> None:
    import torch

    cases = [("atan2", 2), ("hypot", 2), ("logaddexp", 2), ("asinh", 1), ("erfinv", 1), ("logit", 1), ("tan", 1)]
    rng = np.random.default_rng(0)
    for name, n in cases:
        arrays = [rng.uniform(0.2, 0.8, (3,)) for _ in range(n)]
        grads = []
        for m in (ember, torch):
            xs = [m.tensor(a, requires_grad=True) for a in arrays]
            y = _fn(m, name)(*xs).sum()
            g = m.autograd.grad(y, xs, create_graph=True)
            gg = m.autograd.grad(sum(gi.sum() for gi in g), xs)
            grads.append([x.detach().numpy() for x in gg])
        for a, b in zip(*grads, strict=True):
            np.testing.assert_allclose(a, b, rtol=1e-10, err_msg=name)


# ---------------------------------------------------------------------------------------
# In place, results, exports
# ---------------------------------------------------------------------------------------
def test_inplace_ops_record_and_bump_the_version() -> None:
    x = ember.tensor([0.2, 0.5, 2.0], dtype=ember.float64, requires_grad=True)
    y = x * 1
    v = y._version
    assert y.clamp_(max=1.0) is y and y._version == v + 1
    assert y.grad_fn.name() == "ClampBackward1"
    y.atan2_(ember.tensor([1.0, 1.0, 1.0], dtype=ember.float64)).sum().backward()
    expected = np.where(np.array([0.2, 0.5, 2.0]) <= 1, 1 / (1 + np.array([0.2, 0.5, 1.0]) ** 2), 0)
    np.testing.assert_allclose(x.grad.numpy(), expected)


def test_allclose_returns_a_python_bool() -> None:
    a = ember.tensor([1.0, 2.0])
    assert pm.allclose(a, a + 1e-9) is True
    assert pm.allclose(a, a + 1) is False
    assert a.allclose(a) is True


def test_no_grad_path_records_nothing() -> None:
    x = ember.tensor([0.5, 0.25], requires_grad=True)
    with ember.no_grad():
        for out in (pm.tan(x), pm.clamp(x, 0, 1), pm.lerp(x, x, 0.5), pm.atan2(x, x), pm.addcmul(x, x, x)):
            assert out.grad_fn is None and not out.requires_grad


def test_exports_are_the_ops_of_this_module() -> None:
    # Where ember's top level exports a name of this module, it must be this module's op.
    # (clamp_min: until ember/__init__.py imports it from here, it is nn_activation's
    # scalar-only op, which this module's clamp_min calls for a number bound.)
    for name in pm.__all__:
        exported = getattr(ember, name, getattr(pm, name))
        assert exported is getattr(pm, name) or (name == "clamp_min" and exported is pm._act.clamp_min), name
    for name in ("exp2", "clamp", "clip", "lerp", "bitwise_and", "isclose", "clamp_", "addcdiv_", "__lshift__"):
        assert hasattr(ember.Tensor, name), name
