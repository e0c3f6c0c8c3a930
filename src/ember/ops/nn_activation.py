"""Activations, softmax and linear layers behind ``ember.nn.functional``.

Each activation PyTorch records as one Node is one Node here, with a stable forward on
arrays and its derivative written in ember ops (so it can be differentiated again).
``self`` is the input, ``result`` the output, ``grad`` the incoming gradient.

    hardtanh    d = grad            where min_val < x < max_val, else 0 (0 at the bounds)
    leaky_relu  d = grad            where x > 0, else grad * negative_slope
    elu         d = grad * scale    where x > 0, else grad * scale * alpha * input_scale * exp(x * input_scale)
    celu        elu with input_scale = 1 / alpha
    gelu        d = grad * (Phi(x) + x * phi(x))                       (approximate='none')
    silu        d = grad * s * (1 + x * (1 - s)),  s = sigmoid(x)
    mish        d = grad * (t + x * (1 - t^2) * sigmoid(x)),  t = tanh(softplus(x))
    softplus    d = grad * sigmoid(beta * x)  where beta * x <= threshold, else grad
    hardsigmoid d = grad / 6        where -3 < x < 3, else 0
    hardswish   d = 0 (x <= -3), grad * (x / 3 + 1/2) (-3 < x < 3), grad (x >= 3)
    log_sigmoid d = grad * sigmoid(-x)
    softmax     d = result * (grad - sum(grad * result, dim))
    log_softmax d = grad - exp(result) * sum(grad, dim)
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from .. import _dtype as D  # noqa: N812 - D reads as a namespace of dtypes
from .._tensor import Tensor, _wrap_dim
from ._op import OUTPUT, derivative, grad_state, record, requires_grad, wrap
from .linalg import matmul, mm
from .pointwise import (
    _sigmoid,
    abs,
    add,
    exp,
    ge,
    gt,
    le,
    legacy_name,
    logical_and,
    lt,
    sigmoid,
    sub,
    tanh,
    where,
)
from .reduction import norm
from .reduction import sum as _sum
from .shape import expand, reshape, t, to, view

__all__ = [
    "erf", "hardtanh", "relu6", "leaky_relu", "elu", "selu", "celu", "gelu", "silu", "mish", "softplus",
    "softsign", "hardsigmoid", "hardswish", "tanhshrink", "logsigmoid", "softmax", "log_softmax", "softmin",
    "clamp_min", "normalize", "addmm", "linear", "bilinear",
]

_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946
_SQRT1_2 = 1 / math.sqrt(2)
_ONE_SIXTH = float(np.float32(1 / 6))  # PyTorch's hardsigmoid_backward multiplies by the float 1/6
_INV_SQRT_2PI = 1 / math.sqrt(2 * math.pi)


def _float_input(kernel: str, input: Tensor) -> np.ndarray:
    """The input's array; integer and bool inputs are refused as PyTorch's kernels refuse them."""
    if not isinstance(input, Tensor):
        raise TypeError(f"{kernel}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    x = input._data
    if x.dtype.kind not in "fc":
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{legacy_name(x.dtype)}'")
    return x


def _out(cls: type, data: np.ndarray, input: Tensor, saved: tuple) -> Tensor:
    if input._rg and grad_state.enabled:
        return record(cls, data, (input,), saved)
    return wrap(data)


# ---------------------------------------------------------------------------------------
# erf (for gelu): Cephes' rational approximations (S. Moshier, public domain), vectorised.
# ---------------------------------------------------------------------------------------
_ERF_T = (9.60497373987051638749e0, 9.00260197203842689217e1, 2.23200534594684319226e3,
          7.00332514112805075473e3, 5.55923013010394962768e4)
_ERF_U = (1.0, 3.35617141647503099647e1, 5.21357949780152679795e2, 4.59432382970980127987e3,
          2.26290000613890934246e4, 4.92673942608635921086e4)
_ERFC_P = (2.46196981473530512524e-10, 5.64189564831068821977e-1, 7.46321056442269912687e0,
           4.86371970985681366614e1, 1.96520832956077098242e2, 5.26445194995477358631e2,
           9.34528527171957607540e2, 1.02755188689515710272e3, 5.57535335369399327526e2)
_ERFC_Q = (1.0, 1.32281951154744992508e1, 8.67072140885989742329e1, 3.54937778887819891062e2,
           9.75708501743205489753e2, 1.82390916687909736289e3, 2.24633760818710981792e3,
           1.65666309194161350182e3, 5.57535340817727675546e2)
_ERFC_R = (5.64189583547755073984e-1, 1.27536670759978104416e0, 5.01905042251180477414e0,
           6.16021097993053585195e0, 7.40974269950448939160e0, 2.97886665372100240670e0)
_ERFC_S = (1.0, 2.26052863220117276590e0, 9.39603524938001434673e0, 1.20489539808096656605e1,
           1.70814450747565897222e1, 9.60896809063285878198e0, 3.36907645100081516050e0)


def _polyval(coefs: tuple, x: np.ndarray) -> np.ndarray:
    acc = np.full_like(x, coefs[0])
    for c in coefs[1:]:
        acc = acc * x + c
    return acc


def _erf_array(x: np.ndarray) -> np.ndarray:
    """erf elementwise, accurate to about 1e-16 (computed in float64)."""
    x64 = x.astype(np.float64)
    a = np.abs(x64)
    small = a <= 1.0
    z = x64 * x64
    y_small = x64 * _polyval(_ERF_T, z) / _polyval(_ERF_U, z)
    big = np.minimum(a, 30.0)  # erfc underflows to 0 long before
    e = np.exp(-big * big)
    mid = e * _polyval(_ERFC_P, big) / _polyval(_ERFC_Q, big)
    far = e * _polyval(_ERFC_R, big) / _polyval(_ERFC_S, big)
    erfc = np.where(big < 8.0, mid, far)
    y_big = np.copysign(1.0 - erfc, x64)
    return np.where(small, y_small, y_big).astype(x.dtype, copy=False)


ErfBackward0 = derivative("erf", ("self",),
                          lambda grad, self: grad * (2 / math.sqrt(math.pi)) * exp(-(self * self)))


def erf(input: Tensor) -> Tensor:
    """The error function, as torch.erf; its Node is ErfBackward0."""
    x = input._data
    if x.dtype.kind not in "fc":
        x = x.astype(D.get_default_dtype().np)
    return _out(ErfBackward0, _erf_array(x), input, (input,))


# ---------------------------------------------------------------------------------------
# Derivatives
# ---------------------------------------------------------------------------------------
def _inside(self: Tensor, lo: float, hi: float) -> Tensor:
    return logical_and(gt(self, lo), lt(self, hi))


def _elu_backward(grad: Tensor, alpha: float, scale: float, input_scale: float, self: Tensor) -> Tensor:
    neg_part = grad * (scale * alpha * input_scale) * exp(self * input_scale)
    return where(gt(self, 0), grad * scale, neg_part)


def _gelu_backward(grad: Tensor, approximate: str, self: Tensor) -> Tensor:
    if approximate == "tanh":
        k, c = math.sqrt(2 / math.pi), 0.044715
        x2 = self * self
        th = tanh((self + c * x2 * self) * k)
        return grad * (0.5 * (th + 1) + 0.5 * self * (1 - th * th) * (k * (1 + 3 * c * x2)))
    cdf = 0.5 * (erf(self * _SQRT1_2) + 1)
    pdf = exp(-0.5 * (self * self)) * _INV_SQRT_2PI
    return grad * (cdf + self * pdf)


def _silu_backward(grad: Tensor, self: Tensor) -> Tensor:
    s = sigmoid(self)
    return grad * (s * (1 + self * (1 - s)))


def _softplus_t(x: Tensor) -> Tensor:
    """softplus(x) = log1p(exp(x)) in ember ops (differentiable), finite for any x."""
    return softplus(x)


def _mish_backward(grad: Tensor, self: Tensor) -> Tensor:
    tsp = tanh(_softplus_t(self))
    return grad * (tsp + self * (1 - tsp * tsp) * sigmoid(self))


def _softplus_backward(grad: Tensor, beta: float, threshold: float, self: Tensor) -> Tensor:
    return where(gt(self * beta, threshold), grad, grad * sigmoid(self * beta))


def _hardswish_backward(grad: Tensor, self: Tensor) -> Tensor:
    # At the kinks PyTorch takes the outer pieces: 0 at x = -3, 1 at x = 3.
    return where(le(self, -3), 0, where(ge(self, 3), grad, grad * (self / 3 + 0.5)))


def _softmax_backward(grad: Tensor, dim: int, result: Tensor) -> Tensor:
    return result * (grad - _sum(grad * result, dim, keepdim=True))


def _log_softmax_backward(grad: Tensor, dim: int, result: Tensor) -> Tensor:
    return grad - exp(result) * _sum(grad, dim, keepdim=True)


HardtanhBackward0 = derivative("hardtanh", ("min_val", "max_val", "self"),
                               lambda grad, lo, hi, self: where(_inside(self, lo, hi), grad, 0))
# leaky_relu'(0) is negative_slope (the x > 0 test fails at 0), as in PyTorch.
LeakyReluBackward0 = derivative("leaky_relu", ("negative_slope", "self"),
                                lambda grad, slope, self: where(gt(self, 0), grad, grad * slope))
EluBackward0 = derivative("elu", ("alpha", "scale", "input_scale", "self"), _elu_backward)
CeluBackward0 = derivative("celu", ("alpha", "self"),
                           lambda grad, alpha, self: _elu_backward(grad, alpha, 1.0, 1.0 / alpha, self))
GeluBackward0 = derivative("gelu", ("approximate", "self"), _gelu_backward)
SiluBackward0 = derivative("silu", ("self",), _silu_backward)
MishBackward0 = derivative("mish", ("self",), _mish_backward)
SoftplusBackward0 = derivative("softplus", ("beta", "threshold", "self"), _softplus_backward)
HardsigmoidBackward0 = derivative("hardsigmoid", ("self",),
                                  lambda grad, self: where(_inside(self, -3, 3), grad * _ONE_SIXTH, 0))
HardswishBackward0 = derivative("hardswish", ("self",), _hardswish_backward)
LogSigmoidBackward0 = derivative("log_sigmoid", ("self",), lambda grad, self: grad * sigmoid(-self))
SoftmaxBackward0 = derivative("softmax", ("dim", "result"), _softmax_backward)
LogSoftmaxBackward0 = derivative("log_softmax", ("dim", "result"), _log_softmax_backward)
# clamp_min'(x) = 1 where x >= min (the bound itself passes the gradient), as in PyTorch.
ClampMinBackward0 = derivative("clamp_min", ("self", "min"),
                               lambda grad, self, lo: where(ge(self, lo), grad, 0))


# ---------------------------------------------------------------------------------------
# Activations
# ---------------------------------------------------------------------------------------
def hardtanh(input: Tensor, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False) -> Tensor:
    """Clamp to [min_val, max_val]; integer tensors stay integer, as in PyTorch."""
    if inplace:
        return _inplace(input, hardtanh, min_val, max_val)
    x = input._data
    if x.dtype == np.bool_:
        raise NotImplementedError("\"hardtanh_cpu\" not implemented for 'Bool'")
    if x.dtype.kind in "iu":
        lo, hi = math.ceil(min_val), math.floor(max_val)
    else:
        lo, hi = min_val, max_val
    data = np.clip(x, lo, hi).astype(x.dtype, copy=False)
    return _out(HardtanhBackward0, data, input, (min_val, max_val, input))


def relu6(input: Tensor, inplace: bool = False) -> Tensor:
    """min(max(0, x), 6): PyTorch records it as hardtanh(x, 0, 6)."""
    return hardtanh(input, 0.0, 6.0, inplace)


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    if inplace:
        return _inplace(input, leaky_relu, negative_slope)
    x = _float_input("leaky_relu_cpu", input)
    data = np.where(x > 0, x, x * negative_slope).astype(x.dtype, copy=False)
    return _out(LeakyReluBackward0, data, input, (negative_slope, input))


def _elu_array(x: np.ndarray, alpha: float, scale: float, input_scale: float) -> np.ndarray:
    neg = np.expm1(np.minimum(x, 0) * input_scale) * (alpha * scale)
    return np.where(x > 0, x * scale, neg).astype(x.dtype, copy=False)


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    if inplace:
        return _inplace(input, elu, alpha)
    x = _float_input("elu_cpu", input)
    data = _elu_array(x, alpha, 1.0, 1.0)
    return _out(EluBackward0, data, input, (alpha, 1, 1, input))


def selu(input: Tensor, inplace: bool = False) -> Tensor:
    """scale * elu(x, alpha) with SELU's constants; PyTorch records it as EluBackward0."""
    if inplace:
        return _inplace(input, selu)
    x = _float_input("elu_cpu", input)
    data = _elu_array(x, _SELU_ALPHA, _SELU_SCALE, 1.0)
    return _out(EluBackward0, data, input, (_SELU_ALPHA, _SELU_SCALE, 1, input))


def celu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    if inplace:
        return _inplace(input, celu, alpha)
    x = _float_input("elu_cpu", input)
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError")
    data = _elu_array(x, alpha, 1.0, 1.0 / alpha)
    return _out(CeluBackward0, data, input, (alpha, input))


def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    """x * Phi(x) (approximate='none') or its tanh approximation (approximate='tanh')."""
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    x = _float_input("GeluKernelImpl", input)
    if approximate == "tanh":
        k = math.sqrt(2 / math.pi)
        data = 0.5 * x * (1 + np.tanh(k * (x + 0.044715 * x * x * x)))
    else:
        data = 0.5 * x * (1 + _erf_array(x * _SQRT1_2))
    return _out(GeluBackward0, data.astype(x.dtype, copy=False), input, (approximate, input))


def silu(input: Tensor, inplace: bool = False) -> Tensor:
    if inplace:
        return _inplace(input, silu)
    x = _float_input("silu_cpu", input)
    return _out(SiluBackward0, x * _sigmoid(x), input, (input,))


def _softplus_array(x: np.ndarray, beta: float = 1.0, threshold: float = 20.0) -> np.ndarray:
    bx = x * beta
    # log1p(exp(bx)) = max(bx, 0) + log1p(exp(-|bx|)): no overflow for any x.
    smooth = (np.maximum(bx, 0) + np.log1p(np.exp(-np.abs(bx)))) / beta
    return np.where(bx > threshold, x, smooth).astype(x.dtype, copy=False)


def mish(input: Tensor, inplace: bool = False) -> Tensor:
    if inplace:
        return _inplace(input, mish)
    x = _float_input("mish_cpu", input)
    data = (x * np.tanh(_softplus_array(x))).astype(x.dtype, copy=False)
    return _out(MishBackward0, data, input, (input,))


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """log(1 + exp(beta * x)) / beta, linear where beta * x > threshold."""
    x = _float_input("softplus_cpu", input)
    return _out(SoftplusBackward0, _softplus_array(x, beta, threshold), input, (beta, threshold, input))


def softsign(input: Tensor) -> Tensor:
    """x / (1 + |x|), composed as PyTorch composes it (a DivBackward0 Node)."""
    return input / (abs(input) + 1)


def hardsigmoid(input: Tensor, inplace: bool = False) -> Tensor:
    if inplace:
        return _inplace(input, hardsigmoid)
    x = _float_input("hardsigmoid_cpu", input)
    data = (np.clip(x + 3, 0, 6) / 6).astype(x.dtype, copy=False)
    return _out(HardsigmoidBackward0, data, input, (input,))


def hardswish(input: Tensor, inplace: bool = False) -> Tensor:
    if inplace:
        return _inplace(input, hardswish)
    x = _float_input("hardswish_cpu", input)
    data = (x * np.clip(x + 3, 0, 6) / 6).astype(x.dtype, copy=False)
    return _out(HardswishBackward0, data, input, (input,))


def tanhshrink(input: Tensor) -> Tensor:
    """x - tanh(x) (a SubBackward0 Node, as in PyTorch)."""
    return sub(input, tanh(input))


def logsigmoid(input: Tensor) -> Tensor:
    """log(sigmoid(x)) = min(x, 0) - log1p(exp(-|x|)), finite for any x."""
    x = _float_input("log_sigmoid_cpu", input)
    data = (np.minimum(x, 0) - np.log1p(np.exp(-np.abs(x)))).astype(x.dtype, copy=False)
    return _out(LogSigmoidBackward0, data, input, (input,))


def _inplace(input: Tensor, fn: Callable[..., Tensor], *args: Any) -> Tensor:
    """``inplace=True``: the out-of-place op on a snapshot of ``input``, written back into it
    (ember's in-place mechanism, ``pointwise.inplace``: saved values stay valid)."""
    from .pointwise import inplace

    return inplace(input, fn, *args)


# ---------------------------------------------------------------------------------------
# softmax family
# ---------------------------------------------------------------------------------------
def _softmax_dim(name: str, ndim: int, dim: int | None, stacklevel: int) -> int:
    if dim is None:
        warnings.warn(
            f"Implicit dimension choice for {name} has been deprecated. Change the call to include dim=X as an "
            "argument.", UserWarning, stacklevel=stacklevel + 1)
        dim = 0 if ndim in (0, 1, 3) else 1
    return dim


def _softmax_input(name: str, input: Tensor, dim: int | None, dtype: Any, kernel: str) -> tuple[Tensor, int]:
    dim = _softmax_dim(name, input.dim(), dim, 4)
    if dtype is not None:
        input = to(input, dtype)
    if input._data.dtype.kind not in "fc":
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{legacy_name(input._data.dtype)}'")
    return input, _wrap_dim(dim, input._data.ndim)


def _shifted(x: np.ndarray, axis: int | None) -> np.ndarray:
    """x - max(x) along ``axis`` (a slice with an inf max gives nan, as in torch)."""
    if x.size == 0:
        return x
    return x - np.max(x, axis=axis, keepdims=True)


def softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype: Any = None) -> Tensor:
    """exp(x) / sum(exp(x)) along ``dim``, computed after subtracting the max (no overflow)."""
    input, d = _softmax_input("softmax", input, dim, dtype, "softmax_lastdim_kernel_impl")
    x = input._data
    if x.ndim and x.size:  # the ufuncs' own reductions (np.max/np.sum's wrappers cost more than a small op)
        e = np.exp(np.subtract(x, _max_reduce(x, axis=d, keepdims=True)))
        data = np.divide(e, _add_reduce(e, axis=d, keepdims=True), out=e)
    else:
        axis = d if x.ndim else None
        e = np.exp(_shifted(x, axis))
        data = e / np.sum(e, axis=axis, keepdims=True)
    return _out(SoftmaxBackward0, data.astype(x.dtype, copy=False), input, (d, OUTPUT))


def log_softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype: Any = None) -> Tensor:
    """x - logsumexp(x) along ``dim``, with the max shifted out first."""
    input, d = _softmax_input("log_softmax", input, dim, dtype, "log_softmax_lastdim_kernel_impl")
    x = input._data
    if x.ndim and x.size:  # as below, with the ufuncs' own reductions and s's memory reused
        s = np.subtract(x, _max_reduce(x, axis=d, keepdims=True))
        data = np.subtract(s, np.log(_add_reduce(np.exp(s), axis=d, keepdims=True)), out=s)
    else:
        axis = d if x.ndim else None
        s = _shifted(x, axis)
        data = s - np.log(np.sum(np.exp(s), axis=axis, keepdims=True))
    return _out(LogSoftmaxBackward0, data.astype(x.dtype, copy=False), input, (d, OUTPUT))


_max_reduce = np.maximum.reduce
_add_reduce = np.add.reduce


def softmin(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype: Any = None) -> Tensor:
    """softmax(-x): a SoftmaxBackward0 over a NegBackward0, as in PyTorch."""
    dim = _softmax_dim("softmin", input.dim(), dim, 3)
    if dtype is not None:
        return softmax(-to(input, dtype), dim)
    return softmax(-input, dim)


# ---------------------------------------------------------------------------------------
# clamp_min and normalize
# ---------------------------------------------------------------------------------------
def clamp_min(input: Tensor, min: float) -> Tensor:  # noqa: A002 - PyTorch's name
    """max(x, min) elementwise (nan stays nan); its Node is ClampMinBackward0."""
    x = input._data
    data = np.where(np.isnan(x) | (x >= min), x, min).astype(x.dtype, copy=False) if x.dtype.kind == "f" \
        else np.maximum(x, min)
    return _out(ClampMinBackward0, data, input, (input, min))


def normalize(input: Tensor, p: float = 2.0, dim: int = 1, eps: float = 1e-12, out: Tensor | None = None) -> Tensor:
    """x / max(||x||_p, eps) along ``dim``."""
    if input._data.dtype.kind not in "fc":
        raise RuntimeError(
            f"linalg.vector_norm: Expected a floating point or complex tensor as input. Got "
            f"{legacy_name(input._data.dtype)}")
    denom = expand(clamp_min(norm(input, p, dim, keepdim=True), eps), input._data.shape)
    return input / denom


# ---------------------------------------------------------------------------------------
# linear, as PyTorch dispatches it (addmm where it can, else matmul and add)
# ---------------------------------------------------------------------------------------
def _addmm_self(grad: Tensor, beta: Any) -> Tensor:
    return grad if beta == 1 else grad * beta


def _addmm_mat(grad: Tensor, other: Tensor, alpha: Any, first: bool) -> Tensor:
    g = mm(grad, t(other)) if first else mm(t(other), grad)
    return g if alpha == 1 else g * alpha


AddmmBackward0 = derivative(
    "addmm", ("alpha", "beta", "mat1", "mat2", "mat1_sym_sizes", "mat1_sym_strides", "mat2_sym_sizes",
              "mat2_sym_strides"),
    lambda grad, alpha, beta, mat1, mat2, *_: _addmm_self(grad, beta),
    lambda grad, alpha, beta, mat1, mat2, *_: _addmm_mat(grad, mat2, alpha, True),
    lambda grad, alpha, beta, mat1, mat2, *_: _addmm_mat(grad, mat1, alpha, False),
)


def addmm(input: Tensor, mat1: Tensor, mat2: Tensor, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
    """beta * input + alpha * (mat1 @ mat2), ``input`` broadcast to the product's shape."""
    a, b = mat1._data, mat2._data
    if a.ndim != 2:
        raise RuntimeError(f"mat1 must be a matrix, got {a.ndim}-D tensor")
    if b.ndim != 2:
        raise RuntimeError(f"mat2 must be a matrix, got {b.ndim}-D tensor")
    if a.shape[1] != b.shape[0]:
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({a.shape[0]}x{a.shape[1]} and {b.shape[0]}x{b.shape[1]})")
    # PyTorch's order: self against mat2, then mat1 against mat2.
    if input._data.dtype != b.dtype:
        raise RuntimeError(f"self and mat2 must have the same dtype, but got {legacy_name(input._data.dtype)} and "
                           f"{legacy_name(b.dtype)}")
    if a.dtype != b.dtype:
        raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got {legacy_name(a.dtype)} and "
                           f"{legacy_name(b.dtype)}")
    prod = a @ b
    target = prod.shape
    try:
        bias = np.broadcast_to(input._data, target)
    except ValueError:
        raise RuntimeError(
            f"The expanded size of the tensor ({target[-1]}) must match the existing size "
            f"({input._data.shape[-1]}) at non-singleton dimension {len(target) - 1}.  Target sizes: "
            f"{list(target)}.  Tensor sizes: {list(input._data.shape)}") from None
    if beta == 1 and alpha == 1 and prod.dtype == bias.dtype:
        data = np.add(prod, bias, out=prod)  # x @ W + b: the bias added into the product's memory
    else:
        data = (bias if beta == 1 else beta * bias) + (prod if alpha == 1 else alpha * prod)
    if requires_grad(input, mat1, mat2):
        return record(AddmmBackward0, data, (input, mat1, mat2), (
            alpha, beta, mat1 if mat2._rg else None, mat2 if mat1._rg else None, a.shape,
            mat1.stride() if mat2._rg else (), b.shape, mat2.stride() if mat1._rg else ()))
    return wrap(data)


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """x @ weight.T + bias, recorded with PyTorch's Nodes (AddmmBackward0 for 2-D with bias, ...)."""
    for i, (name, v) in enumerate((("input", input), ("weight", weight))):
        if not isinstance(v, Tensor):
            raise TypeError(f"linear(): argument '{name}' (position {i + 1}) must be Tensor, not {type(v).__name__}")
    nd, wd = input._data.ndim, weight._data.ndim
    if nd == 0 or wd == 0:
        raise RuntimeError(f"both arguments to linear need to be at least 1D, but they are {nd}D and {wd}D")
    wt = t(weight)
    if bias is not None:
        if nd == 2:
            return addmm(bias, input, wt)
        bshape = bias._data.shape
        if input.is_contiguous() and bshape and all(s == 1 for s in bshape[:-1]):
            # PyTorch's _flatten_nd_linear: one addmm on the flattened batch, viewed back.
            shape = input._data.shape
            flat = reshape(input, (int(np.prod(shape[:-1])), shape[-1]))
            out = addmm(bias, flat, wt)
            return view(out, shape[:-1] + (out._data.shape[1],))
        out = matmul(input, wt)
        # PyTorch adds the bias in place (output.add_(bias)): it may not grow the output.
        full = np.broadcast_shapes(out._data.shape, bshape)
        if full != out._data.shape:
            raise RuntimeError(f"output with shape {list(out._data.shape)} doesn't match the broadcast shape "
                               f"{list(full)}")
        return add(out, bias)
    return matmul(input, wt)


def bilinear(input1: Tensor, input2: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """y[..., k] = x1[..., i] W[k, i, j] x2[..., j] + b[k] (composed of ember ops)."""
    x1, x2, w = input1._data, input2._data, weight._data
    if x1.ndim != x2.ndim:
        raise RuntimeError(f"bilinear(): input dimensions do not match: got {x1.ndim} and {x2.ndim}")
    for i in range(x1.ndim - 1):
        if x1.shape[i] != x2.shape[i]:
            raise RuntimeError(
                f"bilinear(): input batch dimensions do not match: got {x1.shape[i]} and {x2.shape[i]}")
    if w.ndim != 3:
        raise RuntimeError(f"bilinear(): weight must be three-dimensional, but got {w.ndim}")
    if x1.shape[-1] != w.shape[1]:
        raise RuntimeError(f"bilinear(): input1 size does not match weight size: got {x1.shape[-1]} but expected "
                           f"{w.shape[1]}")
    if x2.shape[-1] != w.shape[2]:
        raise RuntimeError(f"bilinear(): input2 size does not match weight size: got {x2.shape[-1]} but expected "
                           f"{w.shape[2]}")
    if bias is not None and bias._data.shape != (w.shape[0],):
        got = bias._data.shape[0] if bias._data.ndim else 0
        raise RuntimeError(f"bilinear(): bias size does not match weight size: got {got} but expected {w.shape[0]}")
    lead = x1.shape[:-1]
    n = int(np.prod(lead))
    k, i, j = w.shape
    a = reshape(input1, (n, i))
    b = reshape(input2, (n, j))
    # (n, i) @ (i, k*j) -> (n, k, j), then contract j with x2.
    wm = reshape(_permute3(weight), (i, k * j))
    tmp = reshape(mm(a, wm), (n, k, j))
    out = reshape(_sum(tmp * reshape(b, (n, 1, j)), 2), lead + (k,))
    return out if bias is None else out + bias


def _permute3(w: Tensor) -> Tensor:
    from .shape import permute

    return permute(w, (1, 0, 2))


TENSOR_METHODS: dict[str, Callable[..., Any]] = {
    "softmax": lambda self, dim, dtype=None: softmax(self, dim, dtype=dtype),
    "log_softmax": lambda self, dim, dtype=None: log_softmax(self, dim, dtype=dtype),
    "clamp_min": clamp_min, "erf": erf,
}
