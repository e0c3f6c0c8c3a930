"""The long tail of elementwise ops: trigonometry, rounding, clamping, bits, closeness.

The same design as ``pointwise.py`` (whose helpers this module uses): one derivative
row per op, written in ember ops so that it can be differentiated again. ``grad`` is the
incoming gradient, ``result`` the forward output, inputs keep their forward names.

    exp2        d = grad * result * ln 2             log2   d = grad / (x ln 2)
    tan         d = grad * (1 + result^2)            log10  d = grad / (x ln 10)
    asin        d = grad / sqrt(1 - x^2)             acos   d = -grad / sqrt(1 - x^2)
    atan        d = grad / (1 + x^2)                 sinh   d = grad * cosh x
    asinh       d = grad / sqrt(x^2 + 1)             cosh   d = grad * sinh x
    acosh       d = grad / sqrt(x^2 - 1)             atanh  d = grad / (1 - x^2)
    erfc        d = -grad * 2/sqrt(pi) exp(-x^2)     erfinv d = grad * sqrt(pi)/2 exp(result^2)
    logit       d = grad / (x (1 - x)); 0 outside [eps, 1 - eps], nan outside [0, 1] without eps
    sinc        d = grad * (cos(pi x) pi x - sin(pi x)) / (pi x^2), 0 at x = 0
    atan2(y, x) dy = grad * x / (x^2 + y^2), dx = -grad * y / (x^2 + y^2)
    hypot       dx = grad * x / result
    logaddexp   dx = grad / (1 + exp(y - x))         logaddexp2  dx = grad / (1 + 2^(y - x))
    fmod        dx = grad, dy = -grad * trunc(x / y)
    lerp        dx = grad (1 - w), dend = grad w, dw = grad (end - x)
    addcmul     dx = grad, dt1 = grad t2 value       addcdiv  dt1 = grad value / t2,
                                                              dt2 = -grad value t1 / t2^2
    copysign    dx = grad * result / x (0 at x = 0), dother = 0
    clamp       dx = grad where min <= x <= max (the bounds pass the gradient, as in torch);
                dmin = grad where x < min (and min < max); dmax = grad where x > max (or max < min)
    fmax/fmin   the winner takes the gradient; ties and a nan ``other`` go to ``input``
    round, frac-like jumps, sgn: zero gradient (frac's is 1); nan_to_num: grad where x is finite

>>> import ember
>>> ember.tensor([-2.0, 0.5, 3.0]).clamp(min=-1, max=1)
tensor([-1.0000,  0.5000,  1.0000])
>>> ember.tensor([1.0]).atan2(ember.tensor([-1.0]))
tensor([2.3562])
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from .. import _dtype as D  # noqa: N812 - D reads as a namespace of dtypes
from .._tensor import Tensor
from . import nn_activation as _act
from ._op import OUTPUT, as_float, binary_operands, derivative, grad_state, record, requires_grad, wrap
from .nn_loss import xlogy
from .pointwise import (
    _apply,
    _arr_dtype,
    _check_integer_divisor,
    _check_tensor,
    _fit_scalar,
    _inplace_method,
    _make_unary,
    _NotDifferentiable,
    _zeros_like,
    broadcast_error,
    cos,
    div,
    eq,
    exp,
    ge,
    gt,
    inplace,
    isfinite,
    isnan,
    le,
    legacy_name,
    logical_and,
    logical_or,
    lt,
    pow,
    rsqrt,
    sin,
    where,
)
from .shape import to

__all__ = [
    "exp2", "log2", "log10", "tan", "asin", "acos", "atan", "sinh", "cosh", "asinh", "acosh", "atanh",
    "arcsin", "arccos", "arctan", "arcsinh", "arccosh", "arctanh", "arctan2", "erfc", "erfinv", "deg2rad",
    "rad2deg", "sinc", "logit", "round", "frac", "sgn", "nan_to_num", "signbit", "isneginf", "isposinf",
    "isreal", "atan2", "hypot", "logaddexp", "logaddexp2", "fmax", "fmin", "fmod", "copysign", "heaviside",
    "float_power", "lerp", "addcmul", "addcdiv", "clamp", "clip", "clamp_min", "clamp_max", "isclose",
    "allclose", "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not", "bitwise_left_shift",
    "bitwise_right_shift", "xlogy",
]

_LN2, _LN10 = math.log(2.0), math.log(10.0)
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)
_HALF_SQRT_PI = 0.5 * math.sqrt(math.pi)


def _tensors(name: str, *named: tuple[str, Any]) -> None:
    """torch's TypeError for an argument that must be a Tensor."""
    for i, (arg, v) in enumerate(named):
        if not isinstance(v, Tensor):
            raise TypeError(f"{name}(): argument '{arg}' (position {i + 1}) must be Tensor, not {type(v).__name__}")


def _not_implemented(kernel: str, dt: np.dtype) -> NotImplementedError:
    return NotImplementedError(f"\"{kernel}\" not implemented for '{legacy_name(dt)}'")


# ---------------------------------------------------------------------------------------
# erfc and erfinv on arrays (Cephes' erfc rational approximations, then Halley steps)
# ---------------------------------------------------------------------------------------
def _erfc_array(x: np.ndarray) -> np.ndarray:
    """erfc elementwise without the cancellation of 1 - erf(x) for large x (in float64)."""
    x64 = x.astype(np.float64)
    a = np.abs(x64)
    big = np.minimum(a, 30.0)  # erfc(30) underflows to 0 already
    e = np.exp(-big * big)
    tail = np.where(big < 8.0, e * _act._polyval(_act._ERFC_P, big) / _act._polyval(_act._ERFC_Q, big),
                    e * _act._polyval(_act._ERFC_R, big) / _act._polyval(_act._ERFC_S, big))
    out = np.where(a < 1.0, 1.0 - _act._erf_array(x64), np.where(x64 < 0, 2.0 - tail, tail))
    return out.astype(x.dtype, copy=False)


def _erfinv_array(y: np.ndarray) -> np.ndarray:
    """erfinv elementwise: Winitzki's estimate refined by Halley's method (in float64).

    Near |y| = 1 the iteration solves erfc(x) = 1 - |y| (exact there) to keep precision.
    """
    y64 = y.astype(np.float64)
    a = np.abs(y64)
    inside = a < 1.0
    ac = np.where(inside, a, 0.0)
    ln = np.log((1.0 - ac) * (1.0 + ac))
    k = 0.147
    s = 2.0 / (math.pi * k) + ln / 2.0
    x = np.sqrt(np.sqrt(s * s - ln / k) - s)
    tail = ac > 0.5
    target = np.where(tail, 1.0 - ac, ac)
    for _ in range(4):
        f = np.where(tail, _erfc_array(x) - target, _act._erf_array(x) - target)
        slope = _TWO_OVER_SQRT_PI * np.exp(-x * x) * np.where(tail, -1.0, 1.0)
        u = np.where(slope != 0, f / np.where(slope != 0, slope, 1.0), 0.0)
        x = x - u / (1.0 + x * u)
    out = np.copysign(x, y64)
    out = np.where(a == 1.0, np.copysign(np.inf, y64), np.where(inside, out, np.nan))
    return out.astype(y.dtype, copy=False)


def _sinc_array(x: np.ndarray) -> np.ndarray:
    px = x * x.dtype.type(math.pi)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(x == 0, x.dtype.type(1), np.sin(px) / px).astype(x.dtype, copy=False)


def _sinc_backward(grad: Tensor, self: Tensor) -> Tensor:
    px = self * math.pi
    return where(eq(self, 0), 0, grad * ((cos(px) * px - sin(px)) / (px * self)))


# ---------------------------------------------------------------------------------------
# Unary ops. One row each: name, forward on arrays, what is saved, d/dself. Integer and
# bool inputs are computed in the default float dtype, as torch does.
# ---------------------------------------------------------------------------------------
_UNARY: list[tuple[str, Callable[..., Any], tuple[str, ...], Callable[..., Tensor]]] = [
    ("exp2", np.exp2, ("result",), lambda grad, result: grad * result * _LN2),
    ("log2", np.log2, ("self",), lambda grad, self: grad / (self * _LN2)),
    ("log10", np.log10, ("self",), lambda grad, self: grad / (self * _LN10)),
    ("tan", np.tan, ("result",), lambda grad, result: grad * (result * result + 1)),
    # asin, acos: infinite derivative at |x| = 1 (and nan beyond), as in torch.
    ("asin", np.arcsin, ("self",), lambda grad, self: grad * rsqrt(1 - self * self)),
    ("acos", np.arccos, ("self",), lambda grad, self: grad * -rsqrt(1 - self * self)),
    ("atan", np.arctan, ("self",), lambda grad, self: grad / (self * self + 1)),
    ("sinh", np.sinh, ("self",), lambda grad, self: grad * cosh(self)),
    ("cosh", np.cosh, ("self",), lambda grad, self: grad * sinh(self)),
    ("asinh", np.arcsinh, ("self",), lambda grad, self: grad * rsqrt(self * self + 1)),
    ("acosh", np.arccosh, ("self",), lambda grad, self: grad * rsqrt(self * self - 1)),
    ("atanh", np.arctanh, ("self",), lambda grad, self: grad / (1 - self * self)),
    ("erfc", _erfc_array, ("self",), lambda grad, self: grad * -_TWO_OVER_SQRT_PI * exp(-(self * self))),
    ("erfinv", _erfinv_array, ("result",), lambda grad, result: grad * _HALF_SQRT_PI * exp(result * result)),
    ("deg2rad", lambda x: x * x.dtype.type(math.pi / 180), (), lambda grad: grad * (math.pi / 180)),
    ("rad2deg", lambda x: x * x.dtype.type(180 / math.pi), (), lambda grad: grad * (180 / math.pi)),
    # sinc'(0) = 0 (the formula's 0/0 is masked), as in torch.
    ("sinc", _sinc_array, ("self",), _sinc_backward),
]

_MADE: dict[str, Callable[[Tensor], Tensor]] = {row[0]: _make_unary(*row) for row in _UNARY}
exp2 = _MADE["exp2"]
log2 = _MADE["log2"]
log10 = _MADE["log10"]
tan = _MADE["tan"]
asin = arcsin = _MADE["asin"]
acos = arccos = _MADE["acos"]
atan = arctan = _MADE["atan"]
sinh: Callable[[Tensor], Tensor] = _MADE["sinh"]
cosh: Callable[[Tensor], Tensor] = _MADE["cosh"]
asinh = arcsinh = _MADE["asinh"]
acosh = arccosh = _MADE["acosh"]
atanh = arctanh = _MADE["atanh"]
erfc = _MADE["erfc"]
erfinv = _MADE["erfinv"]
deg2rad = _MADE["deg2rad"]
rad2deg = _MADE["rad2deg"]
sinc = _MADE["sinc"]


def _sgn_array(x: np.ndarray) -> np.ndarray:
    if x.dtype.kind == "c":
        return np.sign(x)  # z / |z| (0 at 0)
    return np.where(np.isnan(x), x.dtype.type(0), np.sign(x))  # torch: sgn(nan) = 0


# sgn is sign for real tensors (z / |z| for complex); its gradient is zero for real inputs.
# PyTorch's SgnBackward0 saves self and the result (its formula serves complex inputs), so
# an in-place change of either makes backward raise; ember saves them too.
SgnBackward0 = derivative("sgn", ("self", "result"), lambda grad, self, result: _zeros_like(grad))


def sgn(input: Tensor) -> Tensor:
    """Elementwise sgn, as torch.sgn: sign for real tensors, z / |z| for complex."""
    _check_tensor("sgn", input)
    x = input._data
    data = x.copy() if x.dtype == np.bool_ else _sgn_array(x)
    if input._rg and grad_state.enabled:
        return record(SgnBackward0, data, (input,), (input, OUTPUT))
    return wrap(data)


def _logit_backward(grad: Tensor, self: Tensor, eps: float | None) -> Tensor:
    inner = grad / (self * (1 - self))
    if eps is None:
        return where(logical_or(lt(self, 0), gt(self, 1)), math.nan, inner)
    # Outside [eps, 1 - eps] the input was clamped: no gradient (the bounds themselves pass it).
    return where(logical_or(lt(self, eps), gt(self, 1 - eps)), 0, inner)


LogitBackward0 = derivative("logit", ("self", "eps"), _logit_backward)
# round and frac: piecewise constant / piecewise identity; the jumps are ignored, as in torch.
RoundBackward0 = derivative("round", (), lambda grad: _zeros_like(grad))
RoundBackward1 = derivative("round", ("decimals",), lambda grad, decimals: _zeros_like(grad), overload=1)
FracBackward0 = derivative("frac", (), lambda grad: grad)
NanToNumBackward0 = derivative("nan_to_num", ("self",), lambda grad, self: where(isfinite(self), grad, 0))


def _unary_out(cls: type, data: Any, input: Tensor, saved: tuple = ()) -> Tensor:
    if input._rg and grad_state.enabled:
        return record(cls, data, (input,), saved)
    return wrap(data)


def logit(input: Tensor, eps: float | None = None) -> Tensor:
    """log(x / (1 - x)), with x first clamped to [eps, 1 - eps] when ``eps`` is given."""
    _check_tensor("logit", input)
    x = as_float(input)
    z = x
    if eps is not None:
        lo, hi = x.dtype.type(eps), x.dtype.type(1 - eps)
        z = np.where(x < lo, lo, np.where(x > hi, hi, x))  # torch's order: a bound above 1 - eps wins
    with np.errstate(divide="ignore", invalid="ignore"):
        data = np.log(z / (1 - z)).astype(x.dtype, copy=False)
    return _unary_out(LogitBackward0, data, input, (input, eps))


def round(input: Tensor, *, decimals: int | None = None) -> Tensor:  # noqa: A001 - torch.round
    """Round half to even; with ``decimals``, to that many decimal places (RoundBackward1).

    ``decimals`` defaults to None rather than torch's 0 so that, as in torch, passing it
    (even 0) selects the ``round.decimals`` overload, which refuses integer tensors.
    """
    _check_tensor("round", input)
    x = input._data
    if decimals is None:
        if x.dtype == np.bool_:
            raise _not_implemented("round_vml_cpu", x.dtype)
        data = np.rint(x) if x.dtype.kind in "fc" else x.copy()
        return _unary_out(RoundBackward0, data, input)
    if not isinstance(decimals, (int, np.integer)) or isinstance(decimals, bool):
        raise TypeError(f"round(): argument 'decimals' must be int, not {type(decimals).__name__}")
    if x.dtype.kind not in "f":
        raise _not_implemented("round_vml_cpu" if decimals == 0 else "round_cpu", x.dtype)
    if decimals >= 0:
        p = x.dtype.type(10.0 ** decimals)
        data = np.rint(x * p) / p
    else:
        p = x.dtype.type(10.0 ** -decimals)
        data = np.rint(x / p) * p
    return _unary_out(RoundBackward1, data.astype(x.dtype, copy=False), input, (int(decimals),))


def frac(input: Tensor) -> Tensor:
    """x - trunc(x), with the sign of x (floating-point tensors only, as in torch)."""
    _check_tensor("frac", input)
    x = input._data
    if x.dtype.kind != "f":
        raise _not_implemented("frac_cpu", x.dtype)
    return _unary_out(FracBackward0, x - np.trunc(x), input)


def nan_to_num(input: Tensor, nan: float = 0.0, posinf: float | None = None, neginf: float | None = None) -> Tensor:
    """nan, +inf and -inf replaced (by default with 0 and the dtype's largest finite values)."""
    _check_tensor("nan_to_num", input)
    x = input._data
    if x.dtype.kind != "f":  # integers and bools hold no nan or inf: a copy
        return _unary_out(NanToNumBackward0, x.copy(), input, (input,))
    info = np.finfo(x.dtype)
    with np.errstate(over="ignore"):
        v_nan = np.asarray(nan).astype(x.dtype)
        v_pos = np.asarray(info.max if posinf is None else posinf).astype(x.dtype)
        v_neg = np.asarray(info.min if neginf is None else neginf).astype(x.dtype)
    data = np.where(np.isnan(x), v_nan, np.where(x == np.inf, v_pos, np.where(x == -np.inf, v_neg, x)))
    return _unary_out(NanToNumBackward0, data.astype(x.dtype, copy=False), input, (input,))


# Predicates: bool results, never differentiable.
def signbit(input: Tensor) -> Tensor:
    """True where the sign bit is set (-0.0 included)."""
    _check_tensor("signbit", input)
    x = input._data
    if x.dtype.kind == "c":
        raise NotImplementedError("signbit is not implemented for complex tensors.")
    if x.dtype == np.bool_:
        return wrap(np.zeros(x.shape, np.bool_))
    return wrap(np.signbit(x))


def isposinf(input: Tensor) -> Tensor:
    _check_tensor("isposinf", input)
    x = input._data
    return wrap(x == np.inf if x.dtype.kind == "f" else np.zeros(x.shape, np.bool_))


def isneginf(input: Tensor) -> Tensor:
    _check_tensor("isneginf", input)
    x = input._data
    return wrap(x == -np.inf if x.dtype.kind == "f" else np.zeros(x.shape, np.bool_))


def isreal(input: Tensor) -> Tensor:
    """True where the imaginary part is zero (everywhere for real tensors)."""
    _check_tensor("isreal", input)
    x = input._data
    return wrap(x.imag == 0 if x.dtype.kind == "c" else np.ones(x.shape, np.bool_))


# ---------------------------------------------------------------------------------------
# Binary ops: d/dself, d/dother. The engine sums broadcast gradients back.
# ---------------------------------------------------------------------------------------
def _atan2_grad(grad: Tensor, self: Tensor, other: Tensor, first: bool) -> Tensor:
    recip = 1 / (self * self + other * other)
    return grad * other * recip if first else grad * -self * recip


def _copysign_grad(grad: Tensor, self: Tensor, result: Tensor) -> Tensor:
    # d|x|sign(y)/dx = result / x, taken as 0 at x = 0 (torch's copysign_tensor_self_backward).
    return grad * where(eq(self, 0), 0, result / self)


def _fmax_self(self: Tensor, other: Tensor, ge_or_le: Callable[..., Tensor]) -> Tensor:
    return logical_or(ge_or_le(self, other), isnan(other))


Atan2Backward0 = derivative("atan2", ("self", "other"),
                            lambda grad, self, other: _atan2_grad(grad, self, other, True),
                            lambda grad, self, other: _atan2_grad(grad, self, other, False))
HypotBackward0 = derivative("hypot", ("self", "other", "result"),
                            lambda grad, self, other, result: grad * self / result,
                            lambda grad, self, other, result: grad * other / result)
LogaddexpBackward0 = derivative("logaddexp", ("self", "other"),
                                lambda grad, self, other: grad / (1 + exp(other - self)),
                                lambda grad, self, other: grad / (1 + exp(self - other)))
Logaddexp2Backward0 = derivative("logaddexp2", ("self", "other"),
                                 lambda grad, self, other: grad / (1 + pow(2, other - self)),
                                 lambda grad, self, other: grad / (1 + pow(2, self - other)))
# fmax/fmin: input wins ties and against a nan other; other takes the rest.
FmaxBackward0 = derivative("fmax", ("self", "other"),
                           lambda grad, self, other: where(_fmax_self(self, other, ge), grad, 0),
                           lambda grad, self, other: where(_fmax_self(self, other, ge), 0, grad))
FminBackward0 = derivative("fmin", ("self", "other"),
                           lambda grad, self, other: where(_fmax_self(self, other, le), grad, 0),
                           lambda grad, self, other: where(_fmax_self(self, other, le), 0, grad))
# fmod(x, y) = x - y * trunc(x / y): Backward0 for a scalar y, Backward1 for a tensor y.
FmodBackward0 = derivative("fmod", (), lambda grad: grad)
FmodBackward1 = derivative("fmod", ("self", "other"),
                           lambda grad, self, other: grad,
                           lambda grad, self, other: -grad * div(self, other, rounding_mode="trunc"), overload=1)
CopysignBackward0 = derivative("copysign", ("self", "result"),
                               _copysign_grad,
                               lambda grad, self, result: _zeros_like(grad))
CopysignBackward1 = derivative("copysign", ("self", "result"), _copysign_grad, overload=1)


def _float_binary(name: str, input: Any, other: Any, ints: bool = True) -> tuple[Any, Any]:
    """Operands in torch's result dtype, integers computed in the default float dtype
    (``ints=False``: refused, as torch's float-only kernels refuse them)."""
    a, b = binary_operands(input, other)
    dt = _arr_dtype(a) if isinstance(a, np.ndarray) else _arr_dtype(b)
    if dt.kind not in "fc":
        if not ints:
            raise _not_implemented(f"{name}_cpu", dt)
        # From the original operands: a number keeps its value (uint8 with -1 is not 255).
        default = D.get_default_dtype().np
        a, b = (v._data.astype(default) if isinstance(v, Tensor) else v for v in (input, other))
    return a, b


def atan2(input: Tensor, other: Tensor) -> Tensor:
    """The angle of (other, input) in (-pi, pi], elementwise (``other`` is the x coordinate)."""
    _tensors("atan2", ("input", input), ("other", other))
    a, b = _float_binary("atan2", input, other)
    data = _apply(np.arctan2, a, b)
    if requires_grad(input, other):
        return record(Atan2Backward0, data, (input, other), (input, other))
    return wrap(data)


arctan2 = atan2


def hypot(input: Tensor, other: Tensor) -> Tensor:
    """sqrt(input^2 + other^2) without overflow (floating-point tensors only, as in torch)."""
    _tensors("hypot", ("input", input), ("other", other))
    a, b = _float_binary("hypot", input, other, ints=False)
    data = _apply(np.hypot, a, b)
    if requires_grad(input, other):
        return record(HypotBackward0, data, (input, other), (input, other, OUTPUT))
    return wrap(data)


def logaddexp(input: Tensor, other: Tensor) -> Tensor:
    """log(exp(input) + exp(other)), computed stably."""
    _tensors("logaddexp", ("input", input), ("other", other))
    a, b = _float_binary("logaddexp", input, other, ints=False)
    data = _apply(np.logaddexp, a, b)
    if requires_grad(input, other):
        return record(LogaddexpBackward0, data, (input, other), (input, other))
    return wrap(data)


def logaddexp2(input: Tensor, other: Tensor) -> Tensor:
    """log2(2^input + 2^other), computed stably."""
    _tensors("logaddexp2", ("input", input), ("other", other))
    a, b = _float_binary("logaddexp2", input, other, ints=False)
    data = _apply(np.logaddexp2, a, b)
    if requires_grad(input, other):
        return record(Logaddexp2Backward0, data, (input, other), (input, other))
    return wrap(data)


def _make_fextremum(name: str, fn: Callable[..., Any], cls: type) -> Callable[[Tensor, Tensor], Tensor]:
    def op(input: Tensor, other: Tensor) -> Tensor:
        _tensors(name, ("input", input), ("other", other))
        a, b = binary_operands(input, other)
        data = _apply(fn, a, b)
        if requires_grad(input, other):
            return record(cls, data, (input, other), (input, other))
        return wrap(data)

    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"Elementwise {name[1:]}imum ignoring nan (nan only where both are), as torch.{name}."
    return op


fmax = _make_fextremum("fmax", np.fmax, FmaxBackward0)
fmin = _make_fextremum("fmin", np.fmin, FminBackward0)


def fmod(input: Tensor, other: Any) -> Tensor:
    """C's fmod: the remainder of truncated division, with the sign of ``input``."""
    _check_tensor("fmod", input)
    a, b = binary_operands(input, other)
    dt = _arr_dtype(a)
    if dt == np.bool_:
        raise _not_implemented("fmod_cpu", dt)
    _check_integer_divisor(a, b)
    data = _apply(np.fmod, a, b)
    if requires_grad(input, other):
        if isinstance(other, Tensor):
            return record(FmodBackward1, data, (input, other), (input, other))
        return record(FmodBackward0, data, (input,))
    return wrap(data)


def copysign(input: Tensor, other: Any) -> Tensor:
    """|input| with the sign of ``other`` (integers give the default float dtype)."""
    _check_tensor("copysign", input)
    a, b = _float_binary("copysign", input, other)
    data = _apply(np.copysign, a, b)
    if requires_grad(input, other):
        if isinstance(other, Tensor):
            return record(CopysignBackward0, data, (input, other), (input, OUTPUT))
        return record(CopysignBackward1, data, (input,), (input, OUTPUT))
    return wrap(data)


def heaviside(input: Tensor, values: Tensor) -> Tensor:
    """0 where input < 0, 1 where input > 0, ``values`` where input == 0 (torch: no derivative)."""
    _tensors("heaviside", ("input", input), ("values", values))
    x, v = input._data, values._data
    if x.dtype != v.dtype:
        raise RuntimeError("heaviside is not yet implemented for tensors with different dtypes.")
    if x.dtype.kind == "c":
        raise _not_implemented("heaviside_cpu", x.dtype)
    try:
        data = np.where(x == 0, v, x > 0).astype(x.dtype)
    except ValueError:
        raise broadcast_error(x, v) from None
    if requires_grad(input, values):
        return record(_NotDifferentiable, data, (input, values), ("heaviside",))
    return wrap(data)


def float_power(input: Any, exponent: Any) -> Tensor:
    """input ** exponent computed in double precision (complex128 if either is complex).

    Recorded as torch does: a ToCopyBackward0 for each cast tensor, then pow's Node.
    """
    if not isinstance(input, Tensor) and not isinstance(exponent, Tensor):
        raise TypeError(f"float_power(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    is_complex = any(
        (v._data.dtype.kind == "c") if isinstance(v, Tensor) else isinstance(v, complex) for v in (input, exponent)
    )
    dt = D.complex128 if is_complex else D.float64
    cast = complex if is_complex else float
    a = to(input, dt) if isinstance(input, Tensor) else cast(input)
    b = to(exponent, dt) if isinstance(exponent, Tensor) else cast(exponent)
    return pow(a, b)


def float_power_(self: Tensor, exponent: Any) -> Tensor:
    """In-place float_power; self must already be float64 (complex128), as in torch."""
    is_complex = self._data.dtype.kind == "c" or (isinstance(exponent, Tensor) and exponent._data.dtype.kind == "c") \
        or isinstance(exponent, complex)
    want = np.dtype(np.complex128 if is_complex else np.float64)
    if self._data.dtype != want:
        raise RuntimeError(f"the base given to float_power_ has dtype {legacy_name(self._data.dtype)} but the "
                           f"operation's result requires dtype {legacy_name(want)}")
    return inplace(self, float_power, exponent)


# ---------------------------------------------------------------------------------------
# Ternary ops: lerp, addcmul, addcdiv
# ---------------------------------------------------------------------------------------
_C_NAMES = {
    "float32": "float", "float64": "double", "float16": "c10::Half", "int64": "long int", "int32": "int",
    "int16": "short int", "int8": "signed char", "uint8": "unsigned char", "bool": "bool",
    "complex64": "c10::complex<float>", "complex128": "c10::complex<double>",
}


def _c_name(dt: np.dtype) -> str:
    """A dtype as torch's C++ messages name it (``float``, ``long int``)."""
    return _C_NAMES.get(str(dt), str(dt))


LerpBackward0 = derivative("lerp", ("weight",),
                           lambda grad, weight: grad * (1 - weight),
                           lambda grad, weight: grad * weight)
LerpBackward1 = derivative("lerp", ("self", "end", "weight"),
                           lambda grad, self, end, weight: grad * (1 - weight),
                           lambda grad, self, end, weight: grad * weight,
                           lambda grad, self, end, weight: grad * (end - self), overload=1)


def lerp(input: Tensor, end: Tensor, weight: Any) -> Tensor:
    """input + weight * (end - input); ``end`` (and a dimensioned ``weight``) must have input's dtype."""
    _tensors("lerp", ("input", input), ("end", end))
    x, e = input._data, end._data
    if e.dtype != x.dtype:
        raise RuntimeError(f"expected dtype {_c_name(x.dtype)} for `end` but got dtype {_c_name(e.dtype)}")
    tensor_weight = isinstance(weight, Tensor)
    if tensor_weight:
        w = weight._data
        if w.dtype != x.dtype and w.ndim:
            raise RuntimeError(f"expected dtype {_c_name(x.dtype)} for `weight` but got dtype {_c_name(w.dtype)}")
        w = w.astype(x.dtype, copy=False)
    else:
        w = weight
    if x.dtype.kind not in "fc":
        raise _not_implemented("lerp_kernel_tensor" if tensor_weight else "lerp_kernel_scalar", x.dtype)
    if not tensor_weight and isinstance(w, complex) and x.dtype.kind != "c":
        raise RuntimeError(f"value cannot be converted to type {_c_name(x.dtype)} without overflow")
    try:
        np.broadcast_shapes(x.shape, e.shape, np.shape(w))
    except ValueError:
        raise broadcast_error(x, e, w) from None
    # torch's formula: from the nearer end, for accuracy at weight = 1.
    data = np.where(np.abs(w) < 0.5, x + w * (e - x), e - (e - x) * (1 - w)).astype(x.dtype, copy=False)
    if requires_grad(input, end, weight):
        if tensor_weight:
            return record(LerpBackward1, data, (input, end, weight), (input, end, weight))
        return record(LerpBackward0, data, (input, end), (weight,))
    return wrap(data)


def _addc_value(value: Any, dt: np.dtype) -> Any:
    """``value`` as torch casts it to the result dtype (truncated for integers)."""
    if isinstance(value, Tensor):
        value = value.item()
    if isinstance(value, complex) and dt.kind != "c":
        raise RuntimeError(f"value cannot be converted to type {_c_name(dt)} without overflow")
    if dt.kind in "iu":
        return _fit_scalar(int(value), dt)
    return value


def _addc_operands(name: str, input: Tensor, tensor1: Tensor, tensor2: Tensor) -> tuple[np.ndarray, ...]:
    _tensors(name, ("input", input), ("tensor1", tensor1), ("tensor2", tensor2))
    dt = D.result_type(input, tensor1, tensor2).np
    arrays = tuple(t._data.astype(dt, copy=False) for t in (input, tensor1, tensor2))
    try:
        np.broadcast_shapes(*(a.shape for a in arrays))
    except ValueError:
        raise broadcast_error(*arrays) from None
    return arrays


AddcmulBackward0 = derivative("addcmul", ("tensor1", "tensor2", "value"),
                              lambda grad, tensor1, tensor2, value: grad,
                              lambda grad, tensor1, tensor2, value: grad * (tensor2 * value),
                              lambda grad, tensor1, tensor2, value: grad * (tensor1 * value))
AddcdivBackward0 = derivative("addcdiv", ("tensor1", "tensor2", "value"),
                              lambda grad, tensor1, tensor2, value: grad,
                              lambda grad, tensor1, tensor2, value: grad * (value / tensor2),
                              lambda grad, tensor1, tensor2, value: -grad * value * tensor1 / (tensor2 * tensor2))


def addcmul(input: Tensor, tensor1: Tensor, tensor2: Tensor, *, value: Any = 1) -> Tensor:
    """input + value * tensor1 * tensor2."""
    x, t1, t2 = _addc_operands("addcmul", input, tensor1, tensor2)
    if x.dtype == np.bool_:
        raise _not_implemented("addcmul_cpu_out", x.dtype)
    v = _addc_value(value, x.dtype)
    data = (x + v * t1 * t2).astype(x.dtype, copy=False)
    if requires_grad(input, tensor1, tensor2):
        return record(AddcmulBackward0, data, (input, tensor1, tensor2),
                      (tensor1 if tensor2._rg else None, tensor2 if tensor1._rg else None, value))
    return wrap(data)


def addcdiv(input: Tensor, tensor1: Tensor, tensor2: Tensor, *, value: Any = 1) -> Tensor:
    """input + value * tensor1 / tensor2 (integer tensor1 and tensor2 are refused, as in torch)."""
    _tensors("addcdiv", ("input", input), ("tensor1", tensor1), ("tensor2", tensor2))
    if tensor1._data.dtype.kind in "iub" and tensor2._data.dtype.kind in "iub":
        raise RuntimeError(
            "Integer division with addcdiv is no longer supported, and in a future  release addcdiv will perform "
            "a true division of tensor1 and tensor2. The historic addcdiv behavior can be implemented as "
            "(input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for integer inputs and as "
            "(input + value * tensor1 / tensor2) for float inputs. The future addcdiv behavior is just the latter "
            "implementation: (input + value * tensor1 / tensor2), for all dtypes.")
    x, t1, t2 = _addc_operands("addcdiv", input, tensor1, tensor2)
    v = _addc_value(value, x.dtype)
    data = (x + v * t1 / t2).astype(x.dtype, copy=False)
    if requires_grad(input, tensor1, tensor2):
        return record(AddcdivBackward0, data, (input, tensor1, tensor2),
                      (tensor1 if tensor2._rg else None, tensor2, value))
    return wrap(data)


# ---------------------------------------------------------------------------------------
# clamp. The gradient passes where min <= x <= max: at a bound the input is the result,
# and torch gives it the gradient (not the bound). A nan input gets none.
# ---------------------------------------------------------------------------------------
def _between(self: Tensor, min: Any, max: Any) -> Tensor:
    if min is None:
        return le(self, max)
    if max is None:
        return ge(self, min)
    return logical_and(ge(self, min), le(self, max))


def _clamp_min_grad(grad: Tensor, self: Tensor, min: Tensor, max: Tensor | None) -> Tensor:
    below = lt(self, min) if max is None else logical_and(lt(self, min), lt(min, max))
    return where(below, grad, 0)


def _clamp_max_grad(grad: Tensor, self: Tensor, min: Tensor | None, max: Tensor) -> Tensor:
    # With min > max the result is max everywhere: max takes every gradient.
    above = gt(self, max) if min is None else logical_or(gt(self, max), lt(max, min))
    return where(above, grad, 0)


# Tensor bounds (ClampBackward0) and scalar bounds (ClampBackward1), as torch names them.
ClampBackward0 = derivative("clamp", ("self", "min", "max"),
                            lambda grad, self, min, max: where(_between(self, min, max), grad, 0),
                            _clamp_min_grad, _clamp_max_grad)
ClampBackward1 = derivative("clamp", ("self", "min", "max"),
                            lambda grad, self, min, max: where(_between(self, min, max), grad, 0), overload=1)
ClampMinBackward0 = _act.ClampMinBackward0
ClampMinBackward1 = derivative("clamp_min", ("self", "min"),
                               lambda grad, self, min: where(ge(self, min), grad, 0),
                               lambda grad, self, min: where(lt(self, min), grad, 0), overload=1)
ClampMaxBackward0 = derivative("clamp_max", ("self", "max"),
                               lambda grad, self, max: where(le(self, max), grad, 0))
ClampMaxBackward1 = derivative("clamp_max", ("self", "max"),
                               lambda grad, self, max: where(le(self, max), grad, 0),
                               lambda grad, self, max: where(gt(self, max), grad, 0), overload=1)


def _clamp_arrays(x: np.ndarray, lo: Any, hi: Any) -> np.ndarray:
    """max(x, lo) then min(., hi): nan anywhere gives nan; lo > hi gives hi."""
    try:
        data = x if lo is None else np.maximum(x, lo)
        data = data if hi is None else np.minimum(data, hi)
    except ValueError:
        raise broadcast_error(*(v for v in (x, lo, hi) if v is not None)) from None
    return np.asarray(data)


def _scalar_bounds(name: str, input: Tensor, lo: Any, hi: Any) -> tuple[np.ndarray, Any, Any]:
    """The input array and Python-number bounds in torch's result dtype."""
    dt = D.result_type(input, *(v for v in (lo, hi) if v is not None)).np
    x = input._data
    if dt == np.bool_:
        raise _not_implemented(f"{name}_scalar_cpu", x.dtype)
    x = x.astype(dt, copy=False)
    fit = lambda v: None if v is None else _fit_scalar(v, dt)  # noqa: E731
    return x, fit(lo), fit(hi)


def _tensor_bounds(name: str, input: Tensor, bounds: tuple, allow_bool: bool) -> tuple:
    tensors = [input, *(b for b in bounds if b is not None)]
    dt = D.result_type(*tensors).np
    if dt == np.bool_ and not allow_bool:
        raise _not_implemented(f"{name}_cpu", dt)
    return tuple(None if b is None else b._data.astype(dt, copy=False) for b in (input, *bounds))


def clamp(input: Tensor, min: Any = None, max: Any = None) -> Tensor:  # noqa: A002 - torch's names
    """Elementwise min(max(input, min), max); bounds are numbers or tensors (broadcast)."""
    _check_tensor("clamp", input)
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        if all(v is None or isinstance(v, Tensor) for v in (min, max)):
            # one tensor bound runs torch's clamp_min/clamp_max kernels, which take bools
            x, lo, hi = _tensor_bounds("clamp", input, (min, max), allow_bool=min is None or max is None)
            data = _clamp_arrays(x, lo, hi)
            if requires_grad(input, min, max):
                return record(ClampBackward0, data, (input, min, max), (input, min, max))
            return wrap(data)
        # A number with a tensor: torch's parser takes the Number overload, where only a
        # 0-d tensor converts to a number.
        if any(isinstance(v, Tensor) and v._data.ndim for v in (min, max)):
            names = ", ".join(type(v).__name__ if not isinstance(v, Tensor) else "Tensor" for v in (input, min, max))
            raise TypeError(f"clamp() received an invalid combination of arguments - got ({names}), but expected "
                            "one of:\n * (Tensor input, Tensor min = None, Tensor max = None, *, Tensor out = None)\n"
                            " * (Tensor input, Number min = None, Number max = None, *, Tensor out = None)\n")
        min, max = (v.item() if isinstance(v, Tensor) else v for v in (min, max))
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    x, lo, hi = _scalar_bounds("clamp", input, min, max)
    data = _clamp_arrays(x, lo, hi)
    return _unary_out(ClampBackward1, data, input, (input, min, max))


clip = clamp


def clamp_min(input: Tensor, min: Any) -> Tensor:  # noqa: A002 - torch's name
    """max(input, min); ``min`` a number (ClampMinBackward0) or a tensor (ClampMinBackward1)."""
    _check_tensor("clamp_min", input)
    if isinstance(min, Tensor):
        x, lo = _tensor_bounds("clamp_min", input, (min,), allow_bool=True)
        data = _clamp_arrays(x, lo, None)
        if requires_grad(input, min):
            return record(ClampMinBackward1, data, (input, min), (input, min))
        return wrap(data)
    x, lo, _ = _scalar_bounds("clamp_min", input, min, None)
    if x is input._data:
        return _act.clamp_min(input, min)  # the float kernel and Node live there
    return wrap(_clamp_arrays(x, lo, None))  # a promoted (integer or bool) input: no gradient


def clamp_max(input: Tensor, max: Any) -> Tensor:  # noqa: A002 - torch's name
    """min(input, max); ``max`` a number (ClampMaxBackward0) or a tensor (ClampMaxBackward1)."""
    _check_tensor("clamp_max", input)
    if isinstance(max, Tensor):
        x, hi = _tensor_bounds("clamp_max", input, (max,), allow_bool=True)
        data = _clamp_arrays(x, None, hi)
        if requires_grad(input, max):
            return record(ClampMaxBackward1, data, (input, max), (input, max))
        return wrap(data)
    x, _, hi = _scalar_bounds("clamp_max", input, None, max)
    data = _clamp_arrays(x, None, hi)
    return _unary_out(ClampMaxBackward0, data, input, (input, max))


def clamp_(self: Tensor, min: Any = None, max: Any = None) -> Tensor:  # noqa: A002 - torch's names
    """In-place clamp; tensor bounds given by keyword are recorded too."""
    return inplace(self, clamp, min, max)


# ---------------------------------------------------------------------------------------
# Closeness: bool results, never differentiable.
# ---------------------------------------------------------------------------------------
def isclose(input: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> Tensor:
    """|input - other| <= atol + rtol * |other| elementwise (equal infinities are close)."""
    _tensors("isclose", ("input", input), ("other", other))
    a, b = input._data, other._data
    if a.dtype != b.dtype:
        raise RuntimeError(f"{legacy_name(a.dtype)} did not match {legacy_name(b.dtype)}")
    for name, v in (("rtol", rtol), ("atol", atol)):
        if v < 0:
            raise RuntimeError(f"{name} must be greater than or equal to zero, but got {v:g}")
    close = _apply(np.equal, a, b)
    if equal_nan and a.dtype.kind in "fc":
        close = close | (np.isnan(a) & np.isnan(b))
    if rtol == 0 and atol == 0:
        return wrap(close)
    if a.dtype.kind not in "fc":
        default = D.get_default_dtype().np
        a, b = a.astype(default), b.astype(default)
    with np.errstate(invalid="ignore", over="ignore"):
        actual = np.abs(a - b)
        allowed = atol + np.abs(rtol * b)
        close = close | (np.isfinite(actual) & (actual <= allowed))
    return wrap(close)


def allclose(input: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> bool:
    """True when every element of input is close to other's (``isclose``)."""
    return bool(isclose(input, other, rtol, atol, equal_nan)._data.all())


# ---------------------------------------------------------------------------------------
# Bitwise ops on integer and bool tensors (no gradient).
# ---------------------------------------------------------------------------------------
def _lshift(a: Any, b: Any) -> np.ndarray:
    """a << b, 0 where b is negative or at least the bit width (torch's rule)."""
    a, b = np.asarray(a), np.asarray(b)
    dt = np.result_type(a, b)
    b = b.astype(dt, copy=False)
    ok = (b >= 0) & (b < dt.itemsize * 8)
    shifted = np.left_shift(a.astype(dt, copy=False), np.where(ok, b, 0).astype(dt))
    return np.where(ok, shifted, 0).astype(dt)


def _rshift(a: Any, b: Any) -> np.ndarray:
    """a >> b; a negative or too large b shifts out every bit but the sign (torch's rule)."""
    a, b = np.asarray(a), np.asarray(b)
    dt = np.result_type(a, b)
    a, b = a.astype(dt, copy=False), b.astype(dt, copy=False)
    most = dt.itemsize * 8 - (1 if dt.kind == "i" else 0)
    ok = (b >= 0) & (b < most)
    shifted = np.right_shift(a, np.where(ok, b, 0).astype(dt))
    fill = np.right_shift(a, dt.type(most)) if dt.kind == "i" else np.zeros((), dt)
    return np.where(ok, shifted, fill).astype(dt)


def _make_bitwise(name: str, fn: Callable[..., Any], kernel: str, bools: bool = True) -> Callable[..., Tensor]:
    def op(input: Any, other: Any) -> Tensor:
        if not isinstance(input, Tensor) and not isinstance(other, Tensor):
            raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
        a, b = binary_operands(input, other)
        dt = _arr_dtype(a) if isinstance(a, np.ndarray) else _arr_dtype(b)
        if dt.kind not in ("iub" if bools else "iu"):
            raise _not_implemented(kernel, dt)
        return wrap(_apply(fn, a, b))

    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"Elementwise {name} of integer or bool tensors (or a tensor and a number), as torch.{name}."
    return op


bitwise_and = _make_bitwise("bitwise_and", np.bitwise_and, "bitwise_and_cpu")
bitwise_or = _make_bitwise("bitwise_or", np.bitwise_or, "bitwise_or_cpu")
bitwise_xor = _make_bitwise("bitwise_xor", np.bitwise_xor, "bitwise_xor_cpu")
bitwise_left_shift = _make_bitwise("bitwise_left_shift", _lshift, "lshift_cpu", bools=False)
bitwise_right_shift = _make_bitwise("bitwise_right_shift", _rshift, "rshift_cpu", bools=False)


def bitwise_not(input: Tensor) -> Tensor:
    """~input for integer tensors, logical not for bool tensors."""
    _check_tensor("bitwise_not", input)
    x = input._data
    if x.dtype.kind not in "iub":
        raise _not_implemented("bitwise_not_cpu", x.dtype)
    return wrap(np.invert(x))


# ---------------------------------------------------------------------------------------
# The Tensor methods these ops provide, with their in-place forms.
# ---------------------------------------------------------------------------------------
def _operator(fn: Callable[..., Tensor], reflected: bool = False) -> Callable[..., Any]:
    def method(self: Tensor, other: Any) -> Any:
        if not isinstance(other, (Tensor, int, bool, float, complex, np.generic)):
            return NotImplemented
        return fn(other, self) if reflected else fn(self, other)

    return method


_FUNCTIONS: dict[str, Callable[..., Any]] = {
    **_MADE, "arcsin": arcsin, "arccos": arccos, "arctan": arctan, "arcsinh": arcsinh, "arccosh": arccosh,
    "arctanh": arctanh, "sgn": sgn, "logit": logit, "round": round, "frac": frac, "nan_to_num": nan_to_num,
    "atan2": atan2, "arctan2": arctan2, "hypot": hypot, "fmod": fmod, "copysign": copysign,
    "heaviside": heaviside, "float_power": float_power, "lerp": lerp, "addcmul": addcmul, "addcdiv": addcdiv,
    "clamp": clamp, "clip": clip, "clamp_min": clamp_min, "clamp_max": clamp_max, "xlogy": xlogy,
    "bitwise_and": bitwise_and, "bitwise_or": bitwise_or, "bitwise_xor": bitwise_xor, "bitwise_not": bitwise_not,
    "bitwise_left_shift": bitwise_left_shift, "bitwise_right_shift": bitwise_right_shift, "erf": _act.erf,
}

TENSOR_METHODS: dict[str, Callable[..., Any]] = {
    **_FUNCTIONS,
    "signbit": signbit, "isposinf": isposinf, "isneginf": isneginf, "isreal": isreal, "fmax": fmax, "fmin": fmin,
    "logaddexp": logaddexp, "logaddexp2": logaddexp2, "isclose": isclose, "allclose": allclose,
    **{name + "_": _inplace_method(fn) for name, fn in _FUNCTIONS.items() if name != "float_power"},
    "float_power_": float_power_, "clamp_": clamp_, "clip_": clamp_,
    "__lshift__": _operator(bitwise_left_shift), "__rshift__": _operator(bitwise_right_shift),
    "__rlshift__": _operator(bitwise_left_shift, True), "__rrshift__": _operator(bitwise_right_shift, True),
    "__ilshift__": _inplace_method(bitwise_left_shift), "__irshift__": _inplace_method(bitwise_right_shift),
    "__iand__": _inplace_method(bitwise_and), "__ior__": _inplace_method(bitwise_or),
    "__ixor__": _inplace_method(bitwise_xor),
}


def _checked_inplace(name: str, argnames: tuple[str, ...]) -> Callable[..., Tensor]:
    """``name_`` with its tensor arguments checked first, as torch's parser does before the
    in-place checks (a leaf that requires grad)."""
    method = TENSOR_METHODS[name + "_"]

    def checked(self: Tensor, *args: Any, **kwargs: Any) -> Tensor:
        _tensors(name + "_", *zip(argnames, args, strict=False))
        return method(self, *args, **kwargs)

    checked.__name__ = checked.__qualname__ = method.__name__
    checked.__doc__ = method.__doc__
    return checked


TENSOR_METHODS.update({"lerp_": _checked_inplace("lerp", ("end",)),
                       "addcmul_": _checked_inplace("addcmul", ("tensor1", "tensor2")),
                       "addcdiv_": _checked_inplace("addcdiv", ("tensor1", "tensor2"))})
