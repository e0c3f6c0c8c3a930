"""gradcheck and gradgradcheck: derivatives against central finite differences.

``gradcheck`` compares, for every differentiable input and every output, the
Jacobian that backward computes (one backward per output element) with the
numerical Jacobian from central differences ``(f(x + eps) - f(x - eps)) / (2 eps)``,
element by element: ``|analytical - numerical| <= atol + rtol * |numerical|``.
``gradgradcheck`` runs gradcheck on the function ``(inputs, v) -> grad(f, inputs, v)``
built with ``create_graph=True``, which checks the second derivatives.

Use float64 inputs: in float32 the differences are too coarse (a warning says so).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from .._tensor import Tensor

__all__ = ["gradcheck", "gradgradcheck", "GradcheckError"]


class GradcheckError(RuntimeError):
    """Raised by gradcheck when an analytical and a numerical derivative differ."""


def _tensors(x: Any) -> tuple:
    from .._tensor import Tensor

    return (x,) if isinstance(x, Tensor) else tuple(x)


def _outputs(func: Callable[..., Any], inputs: tuple) -> tuple[Tensor, ...]:
    from .._tensor import Tensor

    out = func(*inputs)
    outs = (out,) if isinstance(out, Tensor) else tuple(out)
    return tuple(o for o in outs if isinstance(o, Tensor))


def _numerical_jacobians(func: Callable[..., Any], inputs: tuple, index: int, eps: float) -> list[np.ndarray]:
    """d output_k / d inputs[index] by central differences, one (numel_in, numel_out_k) matrix per output.

    The input's array is perturbed directly (not through autograd), and ``func`` runs with
    grad mode as it is, since for gradgradcheck ``func`` itself calls ``autograd.grad``.
    """
    x = inputs[index]
    flat = x._data.reshape(-1)  # a view: perturbing it perturbs the input
    if x._data.size and not np.shares_memory(flat, x._data):
        raise ValueError("gradcheck needs inputs whose memory can be perturbed in place (a contiguous tensor)")
    sizes = [o._data.size for o in _outputs(func, inputs)]
    jac = [np.zeros((flat.size, n)) for n in sizes]
    for i in range(flat.size):
        orig = flat[i]
        flat[i] = orig + eps
        plus = [o._data.astype(np.float64).reshape(-1).copy() for o in _outputs(func, inputs)]
        flat[i] = orig - eps
        minus = [o._data.astype(np.float64).reshape(-1).copy() for o in _outputs(func, inputs)]
        flat[i] = orig
        for k in range(len(sizes)):
            jac[k][i] = (plus[k] - minus[k]) / (2 * eps)
    return jac


def _analytical_jacobians(func: Callable[..., Any], inputs: tuple, diff: list[int]) -> list[list[np.ndarray]]:
    """d output_k / d inputs[j] from backward, one backward per output element."""
    from .._tensor import Tensor
    from . import grad as autograd_grad

    outs = _outputs(func, inputs)
    result = [[np.zeros((inputs[j]._data.size, o._data.size)) for o in outs] for j in diff]
    for k, out in enumerate(outs):
        if not out._rg:
            continue
        for e in range(out._data.size):
            v = np.zeros(out._data.size, out._data.dtype)
            v[e] = 1
            grads = autograd_grad(out, [inputs[j] for j in diff], Tensor._make(v.reshape(out._data.shape), None),
                                  retain_graph=True, allow_unused=True)
            for m, g in enumerate(grads):
                if g is not None:
                    result[m][k][:, e] = g._data.astype(np.float64).reshape(-1)
    return result


def gradcheck(func: Callable[..., Any], inputs: Any, *, eps: float = 1e-6, atol: float = 1e-5,
              rtol: float = 1e-3, raise_exception: bool = True, nondet_tol: float = 0.0,
              check_undefined_grad: bool = True, check_grad_dtypes: bool = False,
              check_batched_grad: bool = False, check_batched_forward_grad: bool = False,
              check_forward_ad: bool = False, check_backward_ad: bool = True, fast_mode: bool = False,
              masked: bool | None = None) -> bool:
    """True if backward's Jacobians match finite differences for every input that requires grad."""
    from .._tensor import Tensor

    inputs = _tensors(inputs)
    diff = [i for i, x in enumerate(inputs) if isinstance(x, Tensor) and x._rg]
    if not diff:
        raise ValueError(
            "gradcheck expects at least one input tensor to require gradient, but none of the them have "
            "requires_grad=True."
        )
    for i in diff:
        if inputs[i]._data.dtype != np.float64 and inputs[i]._data.dtype != np.complex128:
            warnings.warn(
                f"Input #{i} requires gradient and is not a double precision floating point or complex. This check "
                "will likely fail if all the inputs are not of double precision floating point or complex.",
                UserWarning,
                stacklevel=2,
            )
    if check_forward_ad:
        raise NotImplementedError(
            "ember: gradcheck(check_forward_ad=True) needs forward-mode AD (see docs/differences.md#forward-mode-ad)"
        )
    analytical = _analytical_jacobians(func, inputs, diff)
    for m, j in enumerate(diff):
        numerical = _numerical_jacobians(func, inputs, j, eps)
        for k, (num, ana) in enumerate(zip(numerical, analytical[m], strict=True)):
            if not np.allclose(ana, num, rtol=rtol, atol=atol, equal_nan=True):
                msg = (
                    f"Jacobian mismatch for output {k} with respect to input {j},\n"
                    f"numerical:{_show(num)}\nanalytical:{_show(ana)}\n"
                )
                if raise_exception:
                    raise GradcheckError(msg)
                return False
    return True


def _show(a: np.ndarray) -> str:
    from .._tensor import Tensor

    return repr(Tensor._make(a, None))


def gradgradcheck(func: Callable[..., Any], inputs: Any, grad_outputs: Any = None, *, eps: float = 1e-6,
                  atol: float = 1e-5, rtol: float = 1e-3, gen_non_contig_grad_outputs: bool = False,
                  raise_exception: bool = True, nondet_tol: float = 0.0, check_undefined_grad: bool = True,
                  check_grad_dtypes: bool = False, check_batched_grad: bool = False,
                  check_fwd_over_rev: bool = False, check_rev_over_rev: bool = True,
                  fast_mode: bool = False, masked: bool = False) -> bool:
    """True if the second derivatives of ``func`` (through backward with create_graph) match finite differences."""
    from .._tensor import Tensor
    from . import grad as autograd_grad

    inputs = _tensors(inputs)
    diff = [i for i, x in enumerate(inputs) if isinstance(x, Tensor) and x._rg]
    outs = _outputs(func, inputs)
    if grad_outputs is None:
        rng = np.random.default_rng(0)
        grad_outputs = tuple(
            Tensor._make(rng.standard_normal(o._data.shape).astype(o._data.dtype), None).requires_grad_(True)
            for o in outs if o._rg
        )
    else:
        grad_outputs = _tensors(grad_outputs)
    n_in = len(inputs)

    def first_derivative(*args: Any) -> tuple:
        xs, vs = args[:n_in], args[n_in:]
        ys = [o for o in _outputs(func, xs) if o._rg]
        grads = autograd_grad(ys, [xs[i] for i in diff], vs, create_graph=True, allow_unused=True)
        return tuple(g for g in grads if g is not None)

    return gradcheck(first_derivative, tuple(inputs) + tuple(grad_outputs), eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception)
