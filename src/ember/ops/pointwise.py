"""Elementwise ops: forward on arrays, derivatives in ember ops.

The tables below are the derivative rows (PyTorch's derivatives.yaml is the model):
``grad`` is the incoming gradient, ``result`` the forward output, inputs keep their
forward names (``self``, ``other``). Subgradient choices are commented where made.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from typing import Any

import numpy as np

from .. import _dtype as D  # noqa: N812 - D reads as a namespace of dtypes
from .._tensor import Tensor
from ..autograd.graph import note_write
from ._op import (
    OUTPUT,
    _fit_scalar,
    binary_operands,
    derivative,
    grad_state,
    record,
    requires_grad,
    wrap,
)


def _check_tensor(name: str, x: Any) -> None:
    if not isinstance(x, Tensor):
        raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not {type(x).__name__}")


# ---------------------------------------------------------------------------------------
# Unary ops. One row each: name, forward on arrays, what is saved, d/dself.
# Integer and bool inputs are computed in the default float dtype, as torch does.
# ---------------------------------------------------------------------------------------
def _pos_mask(x: Tensor) -> Tensor:
    return gt(x, 0)


_UNARY: list[tuple[str, Callable[..., Any], tuple[str, ...], Callable[..., Tensor]]] = [
    ("neg", np.negative, (), lambda grad: neg(grad)),
    ("exp", np.exp, ("result",), lambda grad, result: grad * result),
    ("log", np.log, ("self",), lambda grad, self: grad / self),
    ("tanh", np.tanh, ("result",), lambda grad, result: tanh_backward(grad, result)),
    ("sigmoid", lambda x: _sigmoid(x), ("result",), lambda grad, result: sigmoid_backward(grad, result)),
    # relu'(0) = 0, as PyTorch's threshold_backward chooses.
    ("relu", lambda x: np.maximum(x, 0), ("result",), lambda grad, result: threshold_backward(grad, result, 0)),
    # |x|'(0) = sign(0) = 0.
    ("abs", np.abs, ("self",), lambda grad, self: grad * sign(self)),
    ("sqrt", np.sqrt, ("result",), lambda grad, result: grad / (2 * result)),
    ("rsqrt", lambda x: 1 / np.sqrt(x), ("result",), lambda grad, result: -0.5 * grad * result * result * result),
    ("reciprocal", np.reciprocal, ("result",), lambda grad, result: -grad * (result * result)),
    ("sin", np.sin, ("self",), lambda grad, self: grad * cos(self)),
    ("cos", np.cos, ("self",), lambda grad, self: -grad * sin(self)),
    ("log1p", np.log1p, ("self",), lambda grad, self: grad / (self + 1)),
    ("expm1", np.expm1, ("result",), lambda grad, result: grad * (result + 1)),
]

# Unary ops with no gradient path (piecewise constant or integer-valued results).
_ZERO_GRAD = [
    ("sign", lambda x: np.where(np.isnan(x), 0, np.sign(x)).astype(x.dtype, copy=False)
     if x.dtype.kind == "f" else np.sign(x)),  # torch: sign(nan) is 0
    ("floor", np.floor),
    ("ceil", np.ceil),
    ("trunc", np.trunc),
]

# Ops that keep integer dtypes (the others compute integers in the default float
# dtype), with torch's error for bool inputs: (exception type, message).
_INTEGRAL: dict[str, tuple[type[Exception], str]] = {
    "neg": (RuntimeError, "Negation, the `-` operator, on a bool tensor is not supported. If you are trying to "
                          "invert a mask, use the `~` or `logical_not()` operator instead."),
    "relu": (RuntimeError, "Boolean inputs not supported for relu"),
    "abs": (NotImplementedError, "\"abs_cpu\" not implemented for 'Bool'"),
    "floor": (NotImplementedError, "\"floor_vml_cpu\" not implemented for 'Bool'"),
    "ceil": (NotImplementedError, "\"ceil_vml_cpu\" not implemented for 'Bool'"),
    "trunc": (NotImplementedError, "\"trunc_vml_cpu\" not implemented for 'Bool'"),
}

def _sigmoid(x: np.ndarray) -> np.ndarray:
    # Stable for large |x|: exp only of non-positive numbers.
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype, copy=False)


_SAVE_OUTPUT = (OUTPUT,)


def _make_unary(name: str, fn: Callable[..., Any], saved: tuple[str, ...],
                formula: Callable[..., Tensor]) -> Callable[[Tensor], Tensor]:
    cls = derivative(name, saved, formula)
    save_output = saved == ("result",)
    save_input = saved == ("self",)
    default = D.get_default_dtype
    integral = _INTEGRAL.get(name)

    def op(input: Tensor) -> Tensor:
        if not isinstance(input, Tensor):
            _check_tensor(name, input)
        x = input._data
        if x.dtype.kind not in "fc":
            if integral is None:
                x = x.astype(default().np)
            elif x.dtype == np.bool_:
                raise integral[0](integral[1])
        data = fn(x)
        if input._rg and grad_state.enabled:
            return record(cls, data, (input,), _SAVE_OUTPUT if save_output else (input,) if save_input else ())
        return wrap(data)

    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"Elementwise {name}, as torch.{name}; its Node is {cls.__name__}."
    return op


def _make_piecewise(name: str, fn: Callable[..., Any]) -> Callable[[Tensor], Tensor]:
    # The derivative is 0 almost everywhere; torch records a Node that returns zeros
    # (zeros_like(grad), not grad * 0, which keeps inf and nan).
    cls = derivative(name, (), lambda grad: _zeros_of(grad))

    error = _INTEGRAL.get(name)  # None for sign: the sign of a bool is itself, as in torch

    def op(input: Tensor) -> Tensor:
        _check_tensor(name, input)
        x = input._data
        if x.dtype == np.bool_:
            if error is not None:
                raise error[0](error[1])
            data = x.copy()
        else:
            data = fn(x)
        if input._rg and grad_state.enabled:
            return record(cls, data, (input,))
        return wrap(data)

    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"Elementwise {name}, as torch.{name}; its gradient is zero."
    return op


# The functions, one per row (named explicitly, so readers and linters can find them).
_MADE = {row[0]: _make_unary(*row) for row in _UNARY} | {name: _make_piecewise(name, fn) for name, fn in _ZERO_GRAD}
neg = _MADE["neg"]
exp = _MADE["exp"]
log = _MADE["log"]
tanh = _MADE["tanh"]
sigmoid = _MADE["sigmoid"]
relu = _MADE["relu"]
abs = _MADE["abs"]
sqrt = _MADE["sqrt"]
rsqrt = _MADE["rsqrt"]
reciprocal = _MADE["reciprocal"]
sin = _MADE["sin"]
cos = _MADE["cos"]
log1p = _MADE["log1p"]
expm1 = _MADE["expm1"]
sign = _MADE["sign"]
floor = _MADE["floor"]
ceil = _MADE["ceil"]
trunc = _MADE["trunc"]


# ---------------------------------------------------------------------------------------
# Binary ops: d/dself, d/dother. The engine sums broadcast gradients back.
# ---------------------------------------------------------------------------------------
def _scaled(grad: Tensor, alpha: Any) -> Tensor:
    return grad if alpha == 1 else grad * alpha


AddBackward0 = derivative("add", ("alpha",),
                          lambda grad, alpha: grad,
                          lambda grad, alpha: _scaled(grad, alpha))
SubBackward0 = derivative("sub", ("alpha",),
                          lambda grad, alpha: grad,
                          lambda grad, alpha: _scaled(-grad, alpha))
RsubBackward0 = derivative("rsub", ("alpha",),                      # other - alpha * self
                           lambda grad, alpha: _scaled(-grad, alpha),
                           lambda grad, alpha: grad)
RsubBackward1 = derivative("rsub", ("alpha",),
                           lambda grad, alpha: _scaled(-grad, alpha), overload=1)
MulBackward0 = derivative("mul", ("self", "other"),
                          lambda grad, self, other: grad * other,
                          lambda grad, self, other: grad * self)
DivBackward0 = derivative("div", ("self", "other"),
                          lambda grad, self, other: grad / other,
                          lambda grad, self, other: -grad * ((self / other) / other))
# x ** e with a scalar e. d/dx is 0 where e == 0 (also at x == 0, where 0 * 0 ** -1 is nan).
PowBackward0 = derivative("pow", ("self", "exponent"),
                          lambda grad, self, exponent: _pow_grad_base(grad, self, exponent))
# x ** y with tensors. d/dx is 0 where y == 0; d/dy is 0 where x == 0 and y >= 0 (log 0 would give nan).
PowBackward1 = derivative("pow", ("self", "exponent", "result"),
                          lambda grad, self, exponent, result: _pow_grad_base(grad, self, exponent),
                          lambda grad, self, exponent, result: _pow_grad_exponent(grad, self, exponent, result),
                          overload=1)
# c ** y with a scalar base c.
PowBackward2 = derivative("pow", ("self", "exponent", "result"),
                          lambda grad, self, exponent, result: None,
                          lambda grad, self, exponent, result: _pow_grad_exponent(grad, self, exponent, result),
                          overload=2)
# remainder(a, b) = a - b * floor(a / b): Backward0 for a scalar b, Backward1 for a tensor b.
RemainderBackward0 = derivative("remainder", (), lambda grad: grad)
RemainderBackward1 = derivative("remainder", ("self", "other"),
                                lambda grad, self, other: grad,
                                lambda grad, self, other: -grad * floor(div(self, other)), overload=1)
# maximum / minimum: the winning input gets the gradient, ties share it (as PyTorch).
MaximumBackward0 = derivative("maximum", ("self", "other"),
                              lambda grad, self, other: _winner_grad(grad, self, other, lt(self, other)),
                              lambda grad, self, other: _winner_grad(grad, self, other, gt(self, other)))
MinimumBackward0 = derivative("minimum", ("self", "other"),
                              lambda grad, self, other: _winner_grad(grad, self, other, gt(self, other)),
                              lambda grad, self, other: _winner_grad(grad, self, other, lt(self, other)))
# Backward kernels: one op (and one Node) each where the formula would take several, for
# speed; their own derivatives keep double backward working (PyTorch's *_backward ops).
TanhBackwardBackward0 = derivative("tanh_backward", ("output", "grad_output"),
                                   lambda grad, output, grad_output: tanh_backward(grad, output),
                                   lambda grad, output, grad_output: -2 * output * grad_output * grad)
SigmoidBackwardBackward0 = derivative("sigmoid_backward", ("output", "grad_output"),
                                      lambda grad, output, grad_output: sigmoid_backward(grad, output),
                                      lambda grad, output, grad_output: grad * grad_output * (1 - 2 * output))
# relu'(0) = 0: the gradient passes only where self > threshold; d/dself is zero almost everywhere.
ThresholdBackwardBackward0 = derivative("threshold_backward", ("self", "threshold"),
                                        lambda grad, self, threshold: threshold_backward(grad, self, threshold),
                                        lambda grad, self, threshold: _zeros_of(grad))
# where picks a branch; the unpicked branch gets zero.
WhereBackward0 = derivative("where", ("condition",),
                            lambda grad, condition: None,
                            lambda grad, condition: where(condition, grad, 0),
                            lambda grad, condition: where(condition, 0, grad))


def tanh_backward(grad_output: Tensor, output: Tensor) -> Tensor:
    """grad_output * (1 - output ** 2): tanh's derivative from its output, in one op."""
    g, y = grad_output._data, output._data
    data = g * (1 - y * y)
    if requires_grad(grad_output, output):
        return record(TanhBackwardBackward0, data, (grad_output, output), (output, grad_output))
    return wrap(data)


def sigmoid_backward(grad_output: Tensor, output: Tensor) -> Tensor:
    """grad_output * output * (1 - output): sigmoid's derivative from its output, in one op."""
    g, y = grad_output._data, output._data
    data = g * (y * (1 - y))
    if requires_grad(grad_output, output):
        return record(SigmoidBackwardBackward0, data, (grad_output, output), (output, grad_output))
    return wrap(data)


_SAME_WIDTH_INT = {2: np.int16, 4: np.int32, 8: np.int64}


def zero_where(condition: np.ndarray, g: np.ndarray) -> np.ndarray:
    """``where(condition, 0, g)``, e.g. relu's backward.

    For real floats: the bits of ``g`` ANDed with words of all zeros (where the
    condition holds) or all ones, exactly equal to ``np.where`` (nan and -0.0 included)
    and about 10x faster, as it never branches per element.
    """
    width = _SAME_WIDTH_INT.get(g.dtype.itemsize) if g.dtype.kind == "f" else None
    if width is None or condition.shape != g.shape:
        return np.where(condition, np.zeros((), g.dtype), g)
    words = condition.view(np.int8).astype(width)
    words -= 1
    return (np.ascontiguousarray(g).view(width) & words).view(g.dtype)


def threshold_backward(grad_output: Tensor, self: Tensor, threshold: Any) -> Tensor:
    """grad_output, but 0 where self <= threshold (relu's backward), in one op (nan passes grad, as in torch)."""
    data = zero_where(self._data <= threshold, grad_output._data)
    if requires_grad(grad_output, self):
        return record(ThresholdBackwardBackward0, data, (grad_output, self), (self, threshold))
    return wrap(data)


def _pow_grad_base(grad: Tensor, self: Tensor, exponent: Any) -> Tensor:
    if isinstance(exponent, Tensor):
        return where(eq(exponent, 0), 0, grad * (exponent * pow(self, exponent - 1)))
    if exponent == 0:
        return _zeros_like(self)
    return grad * (exponent * pow(self, exponent - 1))


def _pow_grad_exponent(grad: Tensor, self: Any, exponent: Tensor, result: Tensor) -> Tensor:
    if isinstance(self, Tensor):
        zero_base = logical_and(eq(self, 0), ge(exponent, 0))
        return grad * where(zero_base, 0, result * log(self))
    if self == 0:
        return grad * where(ge(exponent, 0), 0, result * -math.inf)
    return grad * (result * (math.log(self) if self > 0 else math.nan))


def _winner_grad(grad: Tensor, self: Tensor, other: Tensor, loses: Tensor) -> Tensor:
    return where(loses, 0, where(eq(self, other), grad / 2, grad))


def _zeros_like(x: Tensor) -> Tensor:
    """A zero gradient (a constant: its own derivative is zero too)."""
    return wrap(np.zeros_like(x._data))


def _binary_check(name: str, a: Any, b: Any) -> None:
    if not isinstance(a, Tensor) and not isinstance(b, Tensor):
        raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not {type(a).__name__}")


def broadcast_error(*operands: Any) -> RuntimeError:
    """PyTorch's error for operands whose shapes do not broadcast (the first mismatch from the right)."""
    shapes = [np.shape(x) for x in operands]
    acc = shapes[0]
    for shape in shapes[1:]:
        n = max(len(acc), len(shape))
        for i in range(n - 1, -1, -1):
            a = acc[i - n + len(acc)] if i - n + len(acc) >= 0 else 1
            b = shape[i - n + len(shape)] if i - n + len(shape) >= 0 else 1
            if a != b and a != 1 and b != 1:
                return RuntimeError(
                    f"The size of tensor a ({a}) must match the size of tensor b ({b}) at non-singleton dimension {i}"
                )
        acc = np.broadcast_shapes(acc, shape)
    return RuntimeError(f"shapes {[list(s) for s in shapes]} cannot be broadcast together")


def _apply(fn: Callable[..., Any], a: Any, b: Any) -> Any:
    """``fn(a, b)`` on arrays, with PyTorch's error where the shapes do not broadcast."""
    try:
        return fn(a, b)
    except ValueError:
        raise broadcast_error(a, b) from None


def add(input: Any, other: Any, *, alpha: Any = 1, out: Tensor | None = None) -> Tensor:
    """input + alpha * other, with broadcasting and torch's type promotion."""
    _binary_check("add", input, other)
    if out is not None:
        return _out(out, add(input, other, alpha=alpha))
    a, b = binary_operands(input, other)
    try:
        data = a + b if alpha == 1 and type(alpha) is int else a + _times_alpha(a, b, alpha)
    except ValueError:
        raise broadcast_error(a, b) from None
    if requires_grad(input, other):
        return record(AddBackward0, data, (input, other), (alpha,))
    return wrap(data)


def _times_alpha(a: Any, b: Any, alpha: Any) -> Any:
    """alpha * b in the result dtype, with torch's checks of alpha."""
    dt = _arr_dtype(a) if isinstance(a, np.ndarray) else _arr_dtype(b)
    if isinstance(alpha, bool) and dt != np.bool_:
        raise RuntimeError("Boolean alpha only supported for Boolean results.")
    if isinstance(alpha, float) and dt.kind in "iub":
        raise RuntimeError("For integral input tensors, argument alpha must not be a floating point number.")
    if dt == np.bool_:
        return np.logical_and(b, bool(alpha))
    return _fit_scalar(alpha, dt) * b


def _check_bool_sub(a: Any, b: Any) -> None:
    if _is_bool(a) and _is_bool(b):
        raise RuntimeError(
            "Subtraction, the `-` operator, with two bool tensors is not supported. "
            "Use the `^` or `logical_xor()` operator instead."
        )
    if _is_bool(a) or _is_bool(b):
        raise RuntimeError(
            "Subtraction, the `-` operator, with a bool tensor is not supported. "
            "If you are trying to invert a mask, use the `~` or `logical_not()` operator instead."
        )


def sub(input: Any, other: Any, *, alpha: Any = 1, out: Tensor | None = None) -> Tensor:
    """input - alpha * other."""
    _binary_check("sub", input, other)
    if out is not None:
        return _out(out, sub(input, other, alpha=alpha))
    _check_bool_sub(input, other)
    a, b = binary_operands(input, other)
    try:
        data = a - b if alpha == 1 and type(alpha) is int else a - _times_alpha(a, b, alpha)
    except ValueError:
        raise broadcast_error(a, b) from None
    if requires_grad(input, other):
        return record(SubBackward0, data, (input, other), (alpha,))
    return wrap(data)


subtract = sub


def rsub(input: Tensor, other: Any, *, alpha: Any = 1) -> Tensor:
    """other - alpha * input (what ``2 - x`` computes)."""
    _check_bool_sub(input, other)
    a, b = binary_operands(input, other)
    try:
        data = b - a if alpha == 1 and type(alpha) is int else b - _times_alpha(b, a, alpha)
    except ValueError:
        raise broadcast_error(b, a) from None
    if requires_grad(input, other):
        cls = RsubBackward0 if isinstance(other, Tensor) else RsubBackward1
        return record(cls, data, (input, other) if cls is RsubBackward0 else (input,), (alpha,))
    return wrap(data)


def mul(input: Any, other: Any, *, out: Tensor | None = None) -> Tensor:
    """input * other."""
    _binary_check("mul", input, other)
    if out is not None:
        return _out(out, mul(input, other))
    a, b = binary_operands(input, other)
    try:
        data = a * b
    except ValueError:
        raise broadcast_error(a, b) from None
    if requires_grad(input, other):
        return record(MulBackward0, data, (input, other), _needed_by_other(input, other))
    return wrap(data)


multiply = mul


def div(input: Any, other: Any, *, rounding_mode: str | None = None, out: Tensor | None = None) -> Tensor:
    """input / other: true division (ints give floats), or 'trunc' / 'floor' rounding."""
    _binary_check("div", input, other)
    if out is not None:
        return _out(out, div(input, other, rounding_mode=rounding_mode))
    if rounding_mode is not None:
        return _rounding_div(input, other, rounding_mode)
    if not _is_floating(input) and not _is_floating(other):
        # True division of integers gives the default float dtype, as in torch; the
        # integers are converted first, so that uint8 / -1 is not 255ths.
        default = D.get_default_dtype().np
        a, b = _as_float_operand(input, default), _as_float_operand(other, default)
    else:
        a, b = binary_operands(input, other)
    try:
        data = a / b
    except ValueError:
        raise broadcast_error(a, b) from None
    if requires_grad(input, other):
        return record(DivBackward0, data, (input, other), (_needed(input, other), other))
    return wrap(data)


true_divide = divide = div



_IN_PLACE_UFUNCS: dict[Callable[..., Tensor], np.ufunc] = {add: np.add, sub: np.subtract, mul: np.multiply,
                                                        div: np.true_divide}


def _is_floating(x: Any) -> bool:
    return x._data.dtype.kind in "fc" if isinstance(x, Tensor) else isinstance(x, (float, complex))


def _as_float_operand(x: Any, dt: np.dtype) -> Any:
    return x._data.astype(dt) if isinstance(x, Tensor) else x


def _arr_dtype(x: Any) -> np.dtype:
    return x.dtype if isinstance(x, np.ndarray) else np.result_type(x)


def _check_not_bool(kernel: str, a: Any, b: Any) -> None:
    if _arr_dtype(a) == np.bool_ and _arr_dtype(b) == np.bool_:
        raise NotImplementedError(f"\"{kernel}\" not implemented for 'Bool'")


def _check_not_complex(kernel: str, a: Any, b: Any) -> None:
    """Complex numbers have no order (nor floor or bits): torch's NotImplementedError."""
    dt = _arr_dtype(a) if isinstance(a, np.ndarray) else _arr_dtype(b)
    if dt.kind == "c":
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{legacy_name(dt)}'")


def _check_integer_divisor(a: Any, b: Any) -> None:
    """Integer division by zero raises, as in torch (NumPy would return 0 silently)."""
    if _arr_dtype(a).kind in "iub" and _arr_dtype(b).kind in "iub" and np.any(np.asarray(b) == 0):
        raise RuntimeError("ZeroDivisionError")


def _needed(value: Any, other: Any) -> Any:
    """Save ``value`` only when ``other``'s gradient needs it (as PyTorch saves), else None."""
    return value if isinstance(other, Tensor) and other._rg else None


def _needed_by_other(input: Any, other: Any) -> tuple[Any, Any]:
    """mul's saved (self, other): each only if the other input's gradient will use it."""
    return _needed(input, other), _needed(other, input)


def _rounding_div(input: Any, other: Any, mode: str) -> Tensor:
    if mode not in ("trunc", "floor"):
        raise RuntimeError(
            f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '{mode}'"
        )
    a, b = binary_operands(input, other)
    _check_not_bool(f"div_{mode}_cpu", a, b)
    if _arr_dtype(a).kind in "iu" and _arr_dtype(b).kind in "iu":
        _check_integer_divisor(a, b)
        q = _apply(np.floor_divide, a, b)
        if mode == "trunc":
            q = q + ((np.remainder(a, b) != 0) & ((np.asarray(a) < 0) != (np.asarray(b) < 0)))
        return wrap(q)
    q = _apply(np.true_divide, a, b)
    data = np.trunc(q) if mode == "trunc" else np.floor(q)
    if requires_grad(input, other):
        return record(_ZeroDivGrad, data, (input, other))
    return wrap(data)


_ZeroDivGrad = derivative("div", (), lambda grad: _zeros_of(grad), lambda grad: _zeros_of(grad), overload=2)


def floor_divide(input: Any, other: Any) -> Tensor:
    """input // other, rounding toward negative infinity (not differentiable, as in torch)."""
    _binary_check("floor_divide", input, other)
    a, b = binary_operands(input, other)
    _check_not_bool("div_floor_cpu", a, b)
    _check_not_complex("div_floor_cpu", a, b)
    _check_integer_divisor(a, b)
    data = _apply(np.floor_divide, a, b)
    if requires_grad(input, other):
        return record(_NotDifferentiable, data, (input, other), ("floor_divide",))
    return wrap(data)


_NotDifferentiable = derivative(
    "not_implemented", ("op",),
    lambda grad, op: _raise_not_differentiable(op), lambda grad, op: _raise_not_differentiable(op),
)
_NotDifferentiable.name = lambda self: "ember::autograd::NotImplemented"  # type: ignore[method-assign]


def _raise_not_differentiable(op: str) -> Tensor:
    raise RuntimeError(f"derivative for aten::{op} is not implemented")


def _remainder(a: Any, b: Any) -> Any:
    """PyTorch's float remainder: fmod, moved into the sign of ``b``; a zero keeps fmod's sign
    (NumPy's np.remainder gives it b's sign: 0 % -1.5 is -0.0 there, 0.0 in torch)."""
    if np.result_type(a, b).kind != "f":
        return np.remainder(a, b)
    mod = np.fmod(a, b)
    return np.where((mod != 0) & ((b < 0) != (mod < 0)), mod + b, mod)


def remainder(input: Any, other: Any) -> Tensor:
    """Python's modulus: the result has the sign of ``other``."""
    _binary_check("remainder", input, other)
    a, b = binary_operands(input, other)
    _check_not_bool("remainder_cpu", a, b)
    _check_not_complex("remainder_cpu", a, b)
    _check_integer_divisor(a, b)
    data = _apply(_remainder, a, b)
    if requires_grad(input, other):
        if not isinstance(input, Tensor):  # remainder(Scalar, Tensor) has no derivative in torch
            return record(_NotDifferentiable, data, (input, other), ("remainder",))
        if not isinstance(other, Tensor):
            return record(RemainderBackward0, data, (input,))
        return record(RemainderBackward1, data, (input, other), (input, other))
    return wrap(data)


def pow(input: Any, exponent: Any) -> Tensor:  # noqa: A001 - torch.pow
    """input ** exponent (PowBackward0 for a scalar exponent, 1 for tensors, 2 for a scalar base)."""
    _binary_check("pow", input, exponent)
    a, b = binary_operands(input, exponent)
    if _arr_dtype(a) == np.bool_ and _arr_dtype(b) == np.bool_:
        if isinstance(exponent, Tensor):
            raise NotImplementedError("\"pow\" not implemented for 'Bool'")
        # A scalar exponent of 1 keeps the tensor and 0 gives ones, as torch's pow(Tensor, Scalar) does.
        return wrap(np.logical_or(a, np.logical_not(b)))
    if _arr_dtype(a).kind in "iub" and _arr_dtype(b).kind in "iub":
        if not isinstance(exponent, Tensor) and exponent < 0:
            raise RuntimeError("Integers to negative integer powers are not allowed.")
        data = _apply(_int_power, a, b)
    else:
        data = _apply(np.power, a, b)
    if requires_grad(input, exponent):
        if not isinstance(exponent, Tensor):
            return record(PowBackward0, data, (input,), (input, exponent))
        if not isinstance(input, Tensor):
            return record(PowBackward2, data, (None, exponent), (input, exponent, OUTPUT))
        return record(PowBackward1, data, (input, exponent), (input, exponent, OUTPUT))
    return wrap(data)


def _int_power(a: Any, b: Any) -> np.ndarray:
    """Integer powers as torch computes them: a ** -n is 1 / a ** n truncated (0 unless |a| == 1)."""
    negative = np.asarray(b) < 0
    if not negative.any():
        return np.asarray(np.power(a, b))
    positive = np.power(a, np.where(negative, 0, b))
    inverse = np.where(np.asarray(a) == 1, 1, np.where(np.asarray(a) == -1, 1 - 2 * (np.asarray(b) % 2), 0))
    return np.where(negative, inverse, positive).astype(positive.dtype)


def _make_extremum(name: str, fn: Callable[..., Any], cls: type) -> Callable[[Tensor, Tensor], Tensor]:
    def op(input: Tensor, other: Tensor) -> Tensor:
        for i, (arg, x) in enumerate((("input", input), ("other", other))):
            if not isinstance(x, Tensor):
                raise TypeError(f"{name}(): argument '{arg}' (position {i + 1}) must be Tensor, not {type(x).__name__}")
        a, b = binary_operands(input, other)
        data = _apply(fn, a, b)
        if requires_grad(input, other):
            return record(cls, data, (input, other), (input, other))
        return wrap(data)

    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"Elementwise {name} of two tensors (nan wins), as torch.{name}; its Node is {cls.__name__}."
    return op


maximum = _make_extremum("maximum", np.maximum, MaximumBackward0)
minimum = _make_extremum("minimum", np.minimum, MinimumBackward0)


def square(input: Tensor) -> Tensor:
    """input ** 2, recorded as PyTorch does: a PowBackward0 Node (int stays int, bool gives int64)."""
    _check_tensor("square", input)
    return pow(input, 2)


def where(condition: Tensor, input: Any = None, other: Any = None) -> Any:
    """Elements of ``input`` where ``condition`` holds, else of ``other``."""
    if input is None and other is None:
        from .shape import nonzero

        return nonzero(condition, as_tuple=True)
    cond = condition._data
    if cond.dtype != np.bool_:
        raise RuntimeError(
            f"where expected condition to be a boolean tensor, but got a tensor with dtype {legacy_name(cond.dtype)}"
        )
    if isinstance(input, Tensor) or isinstance(other, Tensor):
        a, b = binary_operands(input, other)
    else:
        a, b = np.asarray(input), np.asarray(other)
    try:
        data = np.where(cond, a, b)
    except ValueError:
        raise broadcast_error(cond, a, b) from None
    if requires_grad(input, other):
        return record(WhereBackward0, data, (condition, input, other), (condition,))
    return wrap(data)


def logical_and(input: Tensor, other: Tensor) -> Tensor:
    return wrap(_apply(np.logical_and, input._data, _data(other)))


def logical_or(input: Tensor, other: Tensor) -> Tensor:
    return wrap(_apply(np.logical_or, input._data, _data(other)))


def logical_xor(input: Tensor, other: Tensor) -> Tensor:
    return wrap(_apply(np.logical_xor, input._data, _data(other)))


def logical_not(input: Tensor) -> Tensor:
    return wrap(np.logical_not(input._data))


def _data(x: Any) -> Any:
    return x._data if isinstance(x, Tensor) else x


def _is_bool(x: Any) -> bool:
    return isinstance(x, bool) or (isinstance(x, Tensor) and x._data.dtype == np.bool_)


# ---------------------------------------------------------------------------------------
# Comparisons: bool results, never differentiable.
# ---------------------------------------------------------------------------------------
def _make_compare(name: str, fn: Callable[..., Any]) -> Callable[[Any, Any], Tensor]:
    ordering = name in ("lt", "le", "gt", "ge")

    def op(input: Any, other: Any) -> Tensor:
        _binary_check(name, input, other)
        a, b = binary_operands(input, other)
        if ordering:
            _check_not_complex(f"{name}_cpu", a, b)
        return wrap(_apply(fn, a, b))

    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"Elementwise ``{name}`` comparison with broadcasting; a bool tensor."
    return op


eq = _make_compare("eq", np.equal)
ne = _make_compare("ne", np.not_equal)
lt = _make_compare("lt", np.less)
le = _make_compare("le", np.less_equal)
gt = _make_compare("gt", np.greater)
ge = _make_compare("ge", np.greater_equal)
greater, greater_equal, less, less_equal, not_equal = gt, ge, lt, le, ne


def isnan(input: Tensor) -> Tensor:
    return wrap(np.isnan(input._data))


def isinf(input: Tensor) -> Tensor:
    return wrap(np.isinf(input._data))


def isfinite(input: Tensor) -> Tensor:
    return wrap(np.isfinite(input._data))


def equal(input: Tensor, other: Tensor) -> bool:
    """True if both tensors have the same shape and elements."""
    return input._data.shape == other._data.shape and bool(np.array_equal(input._data, other._data))


# ---------------------------------------------------------------------------------------
# In place. A recorded in-place op is the out-of-place op on a snapshot of self,
# whose result is written back into self's memory; self takes over the new Node.
# ---------------------------------------------------------------------------------------
_LEGACY = {
    "float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long", "int32": "Int",
    "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool",
    "complex64": "ComplexFloat", "complex128": "ComplexDouble",
}


def legacy_name(dt: np.dtype) -> str:
    return _LEGACY.get(str(dt), str(dt))


def check_inplace(self: Tensor) -> None:
    """PyTorch's errors for in-place ops on tensors whose history must be kept."""
    if self._extra is not None and self._extra.get("inference") and not grad_state.inference:
        raise RuntimeError(
            "Inplace update to inference tensor outside InferenceMode is not allowed.You can make a clone to get "
            "a normal tensor before doing inplace update.See https://github.com/pytorch/rfcs/pull/17 for more "
            "details."
        )
    if grad_state.enabled:
        base = self._base
        if base is not None and base._rg:
            _check_view(self, base)
        elif self._rg and self._grad_fn is None:
            raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")


def _check_view(self: Tensor, base: Tensor) -> None:
    """The errors for an in-place op on a view of a tensor that requires grad."""
    if base._grad_fn is None:
        raise RuntimeError("a view of a leaf Variable that requires grad is being used in an in-place operation.")
    fn = self._grad_fn
    if fn is None:
        raise RuntimeError(
            "A view was created in no_grad mode and is being modified inplace with grad mode enabled. Given that "
            "this use case is ambiguous and error-prone, it is forbidden. You can clarify your code by moving both "
            "the view and the inplace either both inside the no_grad block (if you don't want the inplace to be "
            "tracked) or both outside (if you want the inplace to be tracked)."
        )
    if fn.n_outputs != 1:
        name = fn.name()
        name = name[:name.rindex("Backward")] if "Backward" in name else name
        raise RuntimeError(
            f"Output {self._out_nr} of {name} is a view and is being modified inplace. This view is the output of "
            "a function that returns multiple views. Such functions do not allow the output views to be modified "
            "inplace. You should replace the inplace operation by an out-of-place one."
        )


def inplace(self: Tensor, fn: Callable[..., Tensor], *args: Any, **kwargs: Any) -> Tensor:
    """Run ``fn(self, *args)`` and write its result into self, as ``op_`` does.

    On a view while recording, the base takes a CopySlices Node (``ops/views.py``).
    """
    check_inplace(self)
    for a in (*args, *kwargs.values()):
        if isinstance(a, Tensor) and a._data.dtype == self._data.dtype:
            check_partial_overlap(self._data, a._data)
    record_it = grad_state.enabled and (self._rg or any(
        isinstance(a, Tensor) and a._rg for a in (*args, *kwargs.values())))
    if not record_it and len(args) == 1 and (not kwargs or kwargs == {"alpha": 1} and fn in (add, sub)) \
            and _ufunc_in_place(self, fn, args[0]):
        return self
    if record_it:
        if self._base is not None:
            from .views import inplace_on_view

            return inplace_on_view(self, fn, args, kwargs, write_into)
        snapshot = Tensor._make(self._data.copy(), self._grad_fn, self._out_nr)
        snapshot._rg = self._rg
        result = fn(snapshot, *args, **kwargs)
    else:
        result = fn(self, *args, **kwargs)
    write_into(self, result._data)
    if record_it:
        adopt_saved_output(result, self)
        self._grad_fn = result._grad_fn
        self._out_nr = result._out_nr
        self._rg = result._rg
        if len(self._vc) > 1:  # views taken while recording: their history now starts here
            from .views import regenerate_views

            regenerate_views(self)
    return self


def _ufunc_in_place(self: Tensor, fn: Callable[..., Tensor], other: Any) -> bool:
    """``self op= other`` straight into self's memory, when nothing records (an optimizer step).

    Only for float/complex self where the result keeps self's dtype and shape, so the
    result and every error are those of ``write_into(self, fn(self, other))``; saves a
    temporary and a copy per step. False when it does not apply.
    """
    ufunc = _IN_PLACE_UFUNCS.get(fn)
    dst = self._data
    if ufunc is None or dst.dtype.kind not in "fc":
        return False
    if not (type(other) in (int, float) or isinstance(other, Tensor) and other._data.dtype == dst.dtype):
        return False
    a, b = binary_operands(self, other)
    if a is not dst:  # the result's dtype is not self's: the general path (and its error)
        return False
    if isinstance(b, np.ndarray) and b.shape != dst.shape:
        try:
            if np.broadcast_shapes(b.shape, dst.shape) != dst.shape:
                return False
        except ValueError:
            return False
    check_overlap(dst)
    ufunc(dst, b, out=dst)
    self._vc[0] += 1
    note_write(self._vc)
    return True


def check_overlap(dst: np.ndarray) -> None:
    """PyTorch's refusal to write into memory that several elements share (an expanded dim)."""
    if dst.size == 0:
        return
    if not dst.flags.writeable or any(s == 0 and n > 1 for s, n in zip(dst.strides, dst.shape, strict=True)):
        raise RuntimeError(
            "unsupported operation: more than one element of the written-to tensor refers to a single "
            "memory location. Please clone() the tensor before performing the operation."
        )


def _dense(a: np.ndarray) -> bool:
    """Whether ``a``'s elements fill a block of memory without gaps or repeats (any dim order)."""
    expected = a.itemsize
    for stride, n in sorted((s, n) for s, n in zip(a.strides, a.shape, strict=True) if n > 1):
        if stride != expected:
            return False
        expected *= n
    return True


_may_share_memory = np.may_share_memory


def _lowest_address(a: np.ndarray) -> int:
    return a.__array_interface__["data"][0] + sum(s * (n - 1) for s, n in zip(a.strides, a.shape, strict=True)
                                                  if s < 0)


def overlap_status(dst: np.ndarray, src: np.ndarray) -> str:
    """How two arrays share memory, as PyTorch decides it: "no", "full" (the same elements
    in the same order), "partial", or "unknown" (one of them is not a dense block)."""
    if dst.size == 0 or src.size == 0 or not _may_share_memory(dst, src):  # (bounds only: fast)
        return "no"
    if not (_dense(dst) and _dense(src)):
        return "unknown"
    a0, b0 = _lowest_address(dst), _lowest_address(src)
    a1, b1 = a0 + dst.size * dst.itemsize, b0 + src.size * src.itemsize
    if a0 == b0 and a1 == b1:
        return "full" if dst.strides == src.strides else "partial"
    return "partial" if a0 < b1 and b0 < a1 else "no"


def check_partial_overlap(dst: np.ndarray, src: np.ndarray) -> None:
    """PyTorch's refusal of an in-place op whose input overlaps the written-to memory in part
    (x.add_(x) is fine; overlaps PyTorch cannot prove, between strided views, are let through)."""
    if overlap_status(dst, src) == "partial":
        raise RuntimeError(
            "unsupported operation: some elements of the input tensor and the written-to tensor refer to a single "
            "memory location. Please clone() the tensor before performing the operation."
        )


def adopt_saved_output(result: Tensor, self: Tensor) -> None:
    """The op's saved result now lives in self: a later write into self must invalidate it.

    The op ran on a snapshot, so its Node saved its own output's version counter; PyTorch's
    in-place op saves self, and a later in-place change of self makes backward raise
    "modified by an inplace operation".
    """
    from ..autograd.graph import SavedOutput

    node = result._grad_fn
    saved = getattr(node, "_saved", None)
    if not saved:
        return
    for value in saved:
        if type(value) is SavedOutput and value.vc is result._vc:
            value.vc = self._vc
            value.version = self._vc[0]


# fill_ and zero_ may write into memory that several elements share (an expanded
# tensor): every element gets the same value, and PyTorch allows it. Per thread.
_filling = threading.local()


def write_into(self: Tensor, data: np.ndarray) -> None:
    """Copy ``data`` into self's memory, with torch's dtype and shape checks; bump the version."""
    dst = self._data
    if data.dtype != dst.dtype and not D.can_cast(D.FROM_NP[data.dtype], D.FROM_NP[dst.dtype]):
        raise RuntimeError(
            f"result type {legacy_name(data.dtype)} can't be cast to the desired output type {legacy_name(dst.dtype)}"
        )
    if data.shape != dst.shape:
        if np.broadcast_shapes(data.shape, dst.shape) != dst.shape:
            raise RuntimeError(
                f"output with shape {list(dst.shape)} doesn't match the broadcast shape "
                f"{list(np.broadcast_shapes(data.shape, dst.shape))}"
            )
    if not getattr(_filling, "on", False):
        check_overlap(dst)
    np.copyto(dst, data, casting="unsafe")
    self._vc[0] += 1
    note_write(self._vc)  # where, for the "modified by an inplace operation" error


def _out(out: Tensor, result: Tensor) -> Tensor:
    """The ``out=`` argument: resize-free copy of the result into ``out``."""
    if grad_state.enabled and (out._rg or result._rg):
        raise RuntimeError(
            "add(): functions with out=... arguments don't support automatic differentiation, "
            "but one of the arguments requires grad."
        )
    if out._data.shape != result._data.shape:
        out._data = np.empty(result._data.shape, out._data.dtype)
    write_into(out, result._data)
    return out


def _inplace_method(fn: Callable[..., Tensor]) -> Callable[..., Tensor]:
    def method(self: Tensor, *args: Any, **kwargs: Any) -> Tensor:
        return inplace(self, fn, *args, **kwargs)

    method.__name__ = method.__qualname__ = fn.__name__ + "_"
    method.__doc__ = f"In-place version of ``{fn.__name__}``."
    return method


def _zeros_of(grad: Tensor) -> Tensor:
    """The zero gradient of overwritten values (zeros, not ``grad * 0``: that keeps inf and nan)."""
    return wrap(np.zeros_like(grad._data))


# What PyTorch records for fill_ (a number, a 0-d tensor) and zero_: the old values get zeros.
FillBackward2 = derivative("fill", (), _zeros_of, overload=2)
FillBackward3 = derivative("fill", (), _zeros_of, lambda grad: _sum_all(grad), overload=3)
ZeroBackward0 = derivative("zero", (), _zeros_of)


def _sum_all(grad: Tensor) -> Tensor:
    from .reduction import sum as _sum

    return _sum(grad)


def _filled(self: Tensor, value: Any, cls: type) -> Tensor:
    data = np.full_like(self._data, value._data if isinstance(value, Tensor) else value)
    if isinstance(value, Tensor):
        return record(FillBackward3, data, (self, value)) if requires_grad(self, value) else wrap(data)
    return record(cls, data, (self,)) if requires_grad(self) else wrap(data)


def zero_(self: Tensor) -> Tensor:
    """Fill with zeros in place."""
    return _fill(self, 0, ZeroBackward0)


def fill_(self: Tensor, value: Any) -> Tensor:
    """Fill with ``value`` in place."""
    return _fill(self, value, FillBackward2)


def _fill(self: Tensor, value: Any, cls: type) -> Tensor:
    check_inplace(self)
    v = value._data if isinstance(value, Tensor) else value
    if grad_state.enabled and (self._rg or (isinstance(value, Tensor) and value._rg)):
        _filling.on = True
        try:
            return inplace(self, _filled, value, cls)
        finally:
            _filling.on = False
    if not self._data.flags.writeable:
        write_into(self, np.full_like(self._data, v))
        return self
    self._data[...] = v
    self._vc[0] += 1
    note_write(self._vc)
    return self


# copy_: self's old values get no gradient; src gets grad (summed back over broadcasting
# and cast to its dtype by the engine). PyTorch names this Node CopyBackwards.
CopyBackwards = derivative("copy", (), _zeros_of, lambda grad: grad)
CopyBackwards.__name__ = CopyBackwards.__qualname__ = "CopyBackwards"


def _copied(self: Tensor, src: Tensor) -> Tensor:
    """src broadcast to self's shape in self's dtype: what ``self.copy_(src)`` writes."""
    x = self._data
    try:
        data = np.broadcast_to(src._data, x.shape).astype(x.dtype)
    except ValueError:
        raise broadcast_error(x, src._data) from None
    if requires_grad(self, src) and x.dtype.kind in "fc":  # an integer self takes no history
        return record(CopyBackwards, data, (self, src))
    return wrap(data)


def copy_(self: Tensor, src: Tensor, non_blocking: bool = False) -> Tensor:
    """Copy ``src`` (broadcast, converted to self's dtype) into self, in place."""
    if isinstance(src, (bool, int, float, complex)):  # torch takes a number as a 0-d tensor
        src = wrap(np.asarray(src))
    elif not isinstance(src, Tensor):
        raise TypeError(f"copy_(): argument 'other' (position 1) must be Tensor, not {type(src).__name__}")
    x, y = self._data, src._data
    if (x.dtype == y.dtype and x.shape == y.shape and x.strides == y.strides
            and x.__array_interface__["data"][0] == y.__array_interface__["data"][0]):
        # self.copy_(self) (or an alias laid out the same): nothing changes; PyTorch skips
        # the overlap check, even for an expanded tensor
        _filling.on = True
        try:
            return inplace(self, _copied, src)
        finally:
            _filling.on = False
    return inplace(self, _copied, src)


def _random_fill(self: Tensor, draw: Callable[[np.random.Generator, tuple], np.ndarray], generator: Any) -> Tensor:
    """Overwrite self with random values (no gradient flows to the old values)."""
    from .._creation import default_generator

    check_inplace(self)
    rng = (generator or default_generator).rng
    data = np.asarray(draw(rng, self._data.shape))
    if grad_state.enabled and self._rg:
        return inplace(self, lambda s: wrap(data.astype(s._data.dtype)))
    write_into(self, data.astype(self._data.dtype, copy=False))
    return self


def uniform_(self: Tensor, a: float = 0.0, b: float = 1.0, *, generator: Any = None) -> Tensor:
    """Fill with samples from U(a, b), in place."""
    return _random_fill(self, lambda rng, shape: rng.uniform(a, b, shape), generator)


def normal_(self: Tensor, mean: float = 0.0, std: float = 1.0, *, generator: Any = None) -> Tensor:
    """Fill with samples from N(mean, std**2), in place."""
    return _random_fill(self, lambda rng, shape: rng.normal(mean, std, shape), generator)


def bernoulli_(self: Tensor, p: Any = 0.5, *, generator: Any = None) -> Tensor:
    """Fill with 0/1 samples that are 1 with probability ``p``, in place."""
    prob = p._data if isinstance(p, Tensor) else p
    return _random_fill(self, lambda rng, shape: rng.random(shape) < prob, generator)


def exponential_(self: Tensor, lambd: float = 1.0, *, generator: Any = None) -> Tensor:
    """Fill with samples from Exp(lambd), in place."""
    return _random_fill(self, lambda rng, shape: rng.exponential(1.0 / lambd, shape), generator)


def random_(self: Tensor, from_: int = 0, to: int | None = None, *, generator: Any = None) -> Tensor:
    """Fill with integers uniform in [from, to) (to defaults to 2**mantissa for floats), in place."""
    if to is None:
        to, from_ = (from_, 0) if from_ else (_random_bound(self._data.dtype), 0)
    return _random_fill(self, lambda rng, shape: rng.integers(from_, to, shape), generator)


def _random_bound(dt: np.dtype) -> int:
    if dt.kind == "f":
        return 2 ** (np.finfo(dt).nmant + 1)
    if dt == np.bool_:
        return 2
    return int(np.iinfo(dt).max) + 1


# ---------------------------------------------------------------------------------------
# The Tensor methods and operators these ops provide.
# ---------------------------------------------------------------------------------------
def _reflected(fn: Callable[..., Tensor]) -> Callable[..., Any]:
    def method(self: Tensor, other: Any) -> Any:
        if not isinstance(other, (Tensor, int, float, bool, complex, np.generic)):
            return NotImplemented
        return fn(other, self)

    return method


def _commuted(fn: Callable[..., Tensor]) -> Callable[..., Any]:
    """``2 + x`` and ``2 * x`` as PyTorch records them: ``x + 2`` and ``x * 2`` (the tensor is
    the first input, so ``next_functions`` and what is saved match; the values are the same)."""
    forward = _operator(fn, {add: AddBackward0, mul: MulBackward0}[fn])

    def method(self: Tensor, other: Any) -> Any:
        if not isinstance(other, (Tensor, int, float, bool, complex, np.generic)):
            return NotImplemented
        return forward(self, other)

    return method


def _inplace_operator(fn: Callable[..., Tensor]) -> Callable[..., Any]:
    """``p -= lr * g`` (``+=``, ``*=``) under no_grad, an optimizer's step: straight into p's
    memory when the operand is a Tensor of p's float dtype and shape that cannot share its
    memory, or a number; anything else through ``inplace`` with every check."""
    general = _inplace_method(fn)
    ufunc = _IN_PLACE_UFUNCS[fn]

    def method(self: Tensor, other: Any) -> Any:
        if not grad_state.enabled and self._extra is None and type(self) is Tensor:
            dst = self._data
            if dst.dtype.kind == "f" and dst.flags.writeable and 0 not in dst.strides:
                if type(other) is Tensor:
                    src = other._data
                    if src.dtype == dst.dtype and src.shape == dst.shape and not _may_share_memory(dst, src):
                        ufunc(dst, src, out=dst)
                        self._vc[0] += 1
                        note_write(self._vc)
                        return self
                elif type(other) is float or type(other) is int:
                    ufunc(dst, other, out=dst)
                    self._vc[0] += 1
                    note_write(self._vc)
                    return self
        return general(self, other)

    method.__name__ = method.__qualname__ = f"__i{fn.__name__}__"
    return method


def _forward(fn: Callable[..., Tensor]) -> Callable[..., Any]:
    def method(self: Tensor, other: Any) -> Any:
        if not isinstance(other, (Tensor, int, float, bool, complex, np.generic)):
            if isinstance(other, np.ndarray):  # torch reads an array on the right as a tensor
                return fn(self, as_tensor(other))
            return NotImplemented
        return fn(self, other)

    return method


_ONE_ALPHA = (1,)


def _operator(fn: Callable[..., Tensor], cls: type) -> Callable[..., Any]:
    """``a + b``, ``a - b``, ``a * b``: two plain Tensors of one dtype straight to NumPy (the
    hot path of every model), anything else through ``fn`` with its checks and promotion.

    The same dtype on both sides means no promotion, and NumPy's result dtype is torch's
    (bool - bool, an error in torch, goes through ``fn``).
    """
    general = _forward(fn)
    ufunc = {add: np.add, sub: np.subtract, mul: np.multiply}[fn]
    is_mul = fn is mul

    def method(self: Tensor, other: Any) -> Any:
        if type(other) is Tensor and type(self) is Tensor:
            a = self._data
            b = other._data
            if a.dtype == b.dtype and (is_mul or a.dtype != np.bool_ or ufunc is np.add):
                try:
                    data = ufunc(a, b)
                except ValueError:
                    raise broadcast_error(a, b) from None
                if grad_state.enabled and (self._rg or other._rg):
                    if is_mul:  # each factor saved only if the other's gradient needs it
                        return record(cls, data, (self, other),
                                      (self if other._rg else None, other if self._rg else None))
                    return record(cls, data, (self, other), _ONE_ALPHA)
                return wrap(data)
        elif (type(other) is float or type(other) is int) and type(self) is Tensor:
            a = self._data
            if a.dtype.kind == "f":  # a number keeps a float tensor's dtype, in NumPy 2 as in torch
                data = ufunc(a, other)
                if self._rg and grad_state.enabled:
                    return record(cls, data, (self, other), (None, other) if is_mul else _ONE_ALPHA)
                return wrap(data)
        return general(self, other)

    method.__name__ = method.__qualname__ = f"__{fn.__name__}__"
    return method


def as_tensor(array: np.ndarray) -> Tensor:
    """An ndarray operand as a tensor sharing its memory (its dtype must be one ember has)."""
    D.from_numpy_dtype(array.dtype)
    return wrap(array)


def _rtruediv(self: Tensor, other: Any) -> Any:
    # torch computes ``c / x`` as ``reciprocal(x) * c`` (a MulBackward0 Node).
    if not isinstance(other, (int, float, bool, complex, np.generic)):
        return NotImplemented
    return mul(reciprocal(self), other)


def _rpow(self: Tensor, other: Any) -> Any:
    if not isinstance(other, (int, float, bool, complex, np.generic)):
        return NotImplemented
    return pow(other, self)


def _rsub(self: Tensor, other: Any) -> Any:
    if not isinstance(other, (int, float, bool, complex, np.generic)):
        return NotImplemented
    return rsub(self, other)


def _invert(self: Tensor) -> Tensor:
    if self._data.dtype == np.bool_:
        return wrap(~self._data)
    if self._data.dtype.kind in "iu":
        return wrap(~self._data)
    raise TypeError("~ (operator.invert) is only implemented on integer and Boolean-type tensors")


def _pos(self: Tensor) -> Tensor:
    if self._data.dtype == np.bool_:
        raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
    return self


def _bitwise(fn: Callable[..., Any], name: str) -> Callable[..., Any]:
    def method(self: Tensor, other: Any) -> Any:
        if not isinstance(other, (Tensor, int, bool, float, complex)):
            return NotImplemented
        a, b = binary_operands(self, other)
        dt = _arr_dtype(a) if isinstance(a, np.ndarray) else _arr_dtype(b)
        if dt.kind not in "iub":
            raise NotImplementedError(f"\"{name}_cpu\" not implemented for '{legacy_name(dt)}'")
        return wrap(_apply(fn, a, b))

    return method


_ops = _MADE | {"square": square}
_binary = {
    "add": add, "sub": sub, "subtract": sub, "mul": mul, "multiply": mul, "div": div, "divide": div,
    "true_divide": div, "floor_divide": floor_divide, "remainder": remainder, "pow": pow,
    "eq": eq, "ne": ne, "lt": lt, "le": le, "gt": gt, "ge": ge, "greater": gt, "greater_equal": ge,
    "less": lt, "less_equal": le, "not_equal": ne, "logical_and": logical_and, "logical_or": logical_or,
    "logical_xor": logical_xor, "maximum": maximum, "minimum": minimum,
}
_inplace_of = {
    name: _ops[name] for name in ("neg", "exp", "log", "tanh", "sigmoid", "relu", "abs", "sqrt", "rsqrt",
                                  "reciprocal", "sin", "cos", "log1p", "expm1", "square", "sign",
                                  "floor", "ceil", "trunc")
} | {name: _binary[name] for name in ("add", "sub", "mul", "div", "pow", "remainder", "floor_divide")}

TENSOR_METHODS: dict[str, Callable[..., Any]] = {
    **_ops, **_binary, "where": lambda self, condition, other: where(condition, self, other),
    "logical_not": logical_not, "isnan": isnan, "isinf": isinf, "isfinite": isfinite, "equal": equal,
    "rsub": rsub, "zero_": zero_, "fill_": fill_, "copy_": copy_, "uniform_": uniform_, "normal_": normal_,
    "bernoulli_": bernoulli_, "exponential_": exponential_, "random_": random_, "negative": _ops["neg"],
    **{name + "_": _inplace_method(fn) for name, fn in _inplace_of.items()},
    "__add__": _operator(add, AddBackward0), "__radd__": _commuted(add), "__iadd__": _inplace_operator(add),
    "__sub__": _operator(sub, SubBackward0), "__rsub__": _rsub, "__isub__": _inplace_operator(sub),
    "__mul__": _operator(mul, MulBackward0), "__rmul__": _commuted(mul), "__imul__": _inplace_operator(mul),
    "__truediv__": _forward(div), "__rtruediv__": _rtruediv, "__itruediv__": _inplace_method(div),
    "__floordiv__": _forward(floor_divide), "__rfloordiv__": _reflected(floor_divide),
    "__mod__": _forward(remainder), "__rmod__": _reflected(remainder),
    "__pow__": _forward(pow), "__rpow__": _rpow, "__ipow__": _inplace_method(pow),
    "__neg__": _ops["neg"], "__pos__": _pos, "__abs__": _ops["abs"], "__invert__": _invert,
    "__eq__": _forward(eq), "__ne__": _forward(ne), "__lt__": _forward(lt), "__le__": _forward(le),
    "__gt__": _forward(gt), "__ge__": _forward(ge),
    "__and__": _bitwise(np.bitwise_and, "bitwise_and"), "__or__": _bitwise(np.bitwise_or, "bitwise_or"),
    "__xor__": _bitwise(np.bitwise_xor, "bitwise_xor"),
    "__rand__": _bitwise(np.bitwise_and, "bitwise_and"), "__ror__": _bitwise(np.bitwise_or, "bitwise_or"),
    "__rxor__": _bitwise(np.bitwise_xor, "bitwise_xor"),
}

negative = neg
