"""ember.autograd.functional: vjp, jvp, jacobian, hessian, hvp and vhp.

Closed-form answers always; PyTorch's torch.autograd.functional as the oracle for
values, nesting, requires_grad and errors where it is installed.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import ember
from ember.autograd import functional as ember_functional
from ember.autograd.functional import hessian, hvp, jacobian, jvp, vhp, vjp

try:
    import torch
    import torch.autograd.functional as torch_functional
except ImportError:  # pragma: no cover - the oracle is optional
    torch = None
    torch_functional = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")
# PyTorch's vectorized jacobian warns about its own use of torch.jit.script.
pytestmark = pytest.mark.filterwarnings("ignore:`torch.jit.script` is deprecated:DeprecationWarning")

RNG = np.random.default_rng(1234)
A = RNG.standard_normal((3, 3))


def t(values: Any, requires_grad: bool = False) -> ember.Tensor:
    return ember.tensor(np.asarray(values, dtype=np.float64), requires_grad=requires_grad)


def arr(x: ember.Tensor) -> np.ndarray:
    return x.detach().numpy()


def close(x: ember.Tensor, expected: Any) -> None:
    np.testing.assert_allclose(arr(x), np.asarray(expected, dtype=np.float64), rtol=1e-10, atol=1e-12)


# --- closed forms ----------------------------------------------------------------------------------


def test_jacobian_of_square_is_diag_2x():
    x = t([1.0, -2.0, 0.5])
    jac = jacobian(lambda x: x ** 2, x)
    close(jac, np.diag(2 * arr(x)))
    assert not jac.requires_grad and jac.grad_fn is None


def test_jacobian_of_matrix_function_has_output_then_input_shape():
    x = t(RNG.standard_normal((2, 3)))
    jac = jacobian(lambda x: x.exp().sum(1), x)
    expected = np.zeros((2, 2, 3))
    expected[0, 0], expected[1, 1] = np.exp(arr(x)[0]), np.exp(arr(x)[1])
    close(jac, expected)


@pytest.mark.parametrize("vectorize", [False, True])
def test_jacobian_tuple_inputs_and_outputs_nest_output_then_input(vectorize):
    x, y = t([1.0, 2.0]), t([3.0, 4.0, 5.0])
    jac = jacobian(lambda x, y: (x * 2, y.sum() * x), (x, y), vectorize=vectorize)
    assert isinstance(jac, tuple) and all(isinstance(row, tuple) and len(row) == 2 for row in jac)
    close(jac[0][0], 2 * np.eye(2))
    close(jac[0][1], np.zeros((2, 3)))
    close(jac[1][0], 12 * np.eye(2))
    close(jac[1][1], np.outer([1.0, 2.0], np.ones(3)))


def test_jacobian_single_input_tuple_output_and_the_reverse():
    x = t([1.0, 2.0])
    by_output = jacobian(lambda x: (x ** 2, x.sum()), x)
    assert isinstance(by_output, tuple) and len(by_output) == 2
    close(by_output[0], np.diag([2.0, 4.0]))
    close(by_output[1], [1.0, 1.0])
    by_input = jacobian(lambda x, y: x * y, (x, t([3.0, 4.0])))
    assert isinstance(by_input, tuple) and len(by_input) == 2
    close(by_input[0], np.diag([3.0, 4.0]))
    close(by_input[1], np.diag([1.0, 2.0]))


def test_jacobian_vectorize_equals_loop():
    x, y = t(RNG.standard_normal((2, 2))), t(RNG.standard_normal(3))

    def f(x, y):
        return (x.exp() * y.sum(), (x.sum() * y).sin(), (y ** 3).sum())

    loop, vec = jacobian(f, (x, y)), jacobian(f, (x, y), vectorize=True)
    for row_l, row_v in zip(loop, vec, strict=True):
        for a, b in zip(row_l, row_v, strict=True):
            assert a.shape == b.shape
            close(b, arr(a))


def test_jacobian_of_empty_output_is_empty():
    x = t([1.0, 2.0])
    for vectorize in (False, True):
        jac = jacobian(lambda x: x[:0] * 2, x, vectorize=vectorize)
        assert jac.shape == (0, 2)


def test_hessian_of_sum_cube_is_diag_6x():
    x = t([1.0, -2.0, 0.5])
    close(hessian(lambda x: (x ** 3).sum(), x), np.diag(6 * arr(x)))


@pytest.mark.parametrize("vectorize", [False, True])
def test_hessian_of_sum_tanh_squared(vectorize):
    # f = sum(tanh(Ax)^2): grad = A^T (2t(1 - t^2)), H = A^T diag((2 - 6t^2)(1 - t^2)) A.
    x = t(RNG.standard_normal(3))
    a = t(A)
    h = hessian(lambda x: ((a @ x).tanh() ** 2).sum(), x, vectorize=vectorize)
    th = np.tanh(A @ arr(x))
    close(h, A.T @ np.diag((2 - 6 * th ** 2) * (1 - th ** 2)) @ A)


def test_hessian_tuple_inputs_is_tuple_of_tuples():
    x, y = t([1.0, 2.0]), t([3.0])
    h = hessian(lambda x, y: (x ** 2 * y).sum() + (y ** 3).sum(), (x, y))
    # d2/dx2 = 2y I, d2/dxdy = 2x, d2/dy2 = 6y.
    close(h[0][0], 2 * 3.0 * np.eye(2))
    close(h[0][1], [[2.0], [4.0]])
    close(h[1][0], [[2.0, 4.0]])
    close(h[1][1], [[18.0]])


def scalar_f(x: ember.Tensor) -> ember.Tensor:
    return ((t(A) @ x).tanh() ** 2).sum() + (x ** 3).sum()


def test_hvp_and_vhp_equal_hessian_times_v():
    x, v = t(RNG.standard_normal(3)), t(RNG.standard_normal(3))
    h = arr(hessian(scalar_f, x))
    out_h, hv = hvp(scalar_f, x, v)
    out_v, vh = vhp(scalar_f, x, v)
    close(hv, h @ arr(v))
    close(vh, arr(v) @ h)
    close(out_h, arr(scalar_f(x)))
    close(out_v, arr(scalar_f(x)))


def test_vjp_and_jvp_equal_jacobian_products():
    x = t(RNG.standard_normal(3))

    def f(x):
        return (t(A) @ x).sin() * x

    jac = arr(jacobian(f, x))
    u, v = t(RNG.standard_normal(3)), t(RNG.standard_normal(3))
    out, uj = vjp(f, x, u)
    close(out, arr(f(x)))
    close(uj, arr(u) @ jac)
    out, jv = jvp(f, x, v)
    close(jv, jac @ arr(v))


def test_tuple_inputs_and_outputs_of_vjp_and_jvp():
    x, y = t([1.0, 2.0]), t([3.0, 4.0])
    out, (gx, gy) = vjp(lambda x, y: (x * y, x + y), (x, y), (t([1.0, 0.0]), t([0.0, 1.0])))
    assert isinstance(out, tuple) and len(out) == 2
    close(gx, [3.0, 1.0])
    close(gy, [1.0, 1.0])
    out, (tx, ty) = jvp(lambda x, y: (x * y, x + y), (x, y), (t([1.0, 0.0]), t([0.0, 1.0])))
    close(tx, [3.0, 2.0])
    close(ty, [1.0, 1.0])


def test_v_may_be_none_for_single_elements():
    x = t([2.0])
    out, g = vjp(lambda x: (x ** 3).sum(), x)
    close(g, [12.0])
    out, d = jvp(lambda x: x ** 3, x)
    close(d, [12.0])
    close(hvp(lambda x: (x ** 3).sum(), x)[1], [12.0])
    close(vhp(lambda x: (x ** 3).sum(), x)[1], [12.0])


def test_identity_function_jvp_is_v():
    x, v = t([1.0, 2.0]), t([5.0, 6.0])
    out, d = jvp(lambda x: x, x, v)
    close(out, [1.0, 2.0])
    close(d, [5.0, 6.0])


def test_independent_inputs_get_zeros_not_none():
    x, y = t([1.0, 2.0]), t([3.0, 4.0, 5.0])
    _, (gx, gy) = vjp(lambda x, y: (x ** 2).sum(), (x, y))
    close(gy, np.zeros(3))
    _, d = jvp(lambda x, y: x ** 2, (x, y), (t([1.0, 1.0]), t([1.0, 1.0, 1.0])))
    close(d, [2.0, 4.0])
    _, d = jvp(lambda x: (x * 0).detach(), x, t([1.0, 1.0]))
    close(d, [0.0, 0.0])
    jac = jacobian(lambda x, y: x ** 2, (x, y))
    close(jac[1], np.zeros((2, 3)))
    h = hessian(lambda x, y: (x ** 3).sum(), (x, y))
    close(h[0][1], np.zeros((2, 3)))
    close(h[1][1], np.zeros((3, 3)))
    _, (hx, hy) = hvp(lambda x, y: (x ** 3).sum(), (x, y), (t([1.0, 1.0]), t([1.0, 1.0, 1.0])))
    close(hy, np.zeros(3))
    _, (hx, hy) = vhp(lambda x, y: (x ** 3).sum() + (y * 2).sum(), (x, y), (t([1.0, 1.0]), t([1.0, 1.0, 1.0])))
    close(hx, [6.0, 12.0])
    close(hy, np.zeros(3))


def test_results_are_detached_and_inputs_untouched():
    x = t([1.0, 2.0], requires_grad=True)
    out, g = vjp(lambda x: (x ** 2).sum(), x)
    assert not out.requires_grad and not g.requires_grad
    assert x.grad is None
    assert not jacobian(lambda x: x ** 2, x).requires_grad
    assert not hessian(lambda x: (x ** 3).sum(), x).requires_grad


def test_works_under_no_grad():
    x = t([1.0, 2.0])
    with ember.no_grad():
        close(jacobian(lambda x: x ** 2, x), np.diag([2.0, 4.0]))
        close(vjp(lambda x: x ** 2, x, t([1.0, 1.0]))[1], [2.0, 4.0])
        close(hvp(lambda x: (x ** 3).sum(), x, t([1.0, 1.0]))[1], [6.0, 12.0])
        assert not ember.is_grad_enabled()


def test_argument_is_a_new_tensor_distinct_from_captured_one():
    # PyTorch issue 32576: the function may capture the very Tensor passed as input;
    # only the argument is differentiated.
    x = t([1.0, 2.0], requires_grad=True)
    close(jacobian(lambda arg: arg * x, x), np.diag([1.0, 2.0]))
    close(jacobian(lambda arg: arg * x, x, create_graph=True), np.diag([1.0, 2.0]))


# --- create_graph ----------------------------------------------------------------------------------


def test_create_graph_jacobian_is_differentiable_again():
    x = t([1.0, 2.0], requires_grad=True)
    jac = jacobian(lambda x: x ** 3, x, create_graph=True)
    assert jac.requires_grad
    close(jac, np.diag([3.0, 12.0]))
    (g,) = ember.autograd.grad(jac.sum(), x)
    close(g, [6.0, 12.0])


def test_create_graph_hessian_gives_third_derivative():
    x = t([1.0, 2.0], requires_grad=True)
    h = hessian(lambda x: (x ** 4).sum(), x, create_graph=True)
    close(h, np.diag([12.0, 48.0]))
    (g,) = ember.autograd.grad(h.sum(), x)
    close(g, [24.0, 48.0])


@pytest.mark.parametrize("fn", ["vjp", "jvp", "hvp", "vhp"])
def test_create_graph_products_are_differentiable_again(fn):
    x, v = t([1.0, 2.0], requires_grad=True), t([1.0, 1.0])
    if fn in ("vjp", "jvp"):
        out, res = getattr(ember_functional, fn)(lambda x: x ** 3, x, v, create_graph=True)
        expected_res, expected_grad = [3.0, 12.0], [6.0, 12.0]  # d/dx sum(3x^2 v)
    else:
        out, res = getattr(ember_functional, fn)(lambda x: (x ** 4).sum(), x, v, create_graph=True)
        expected_res, expected_grad = [12.0, 48.0], [24.0, 48.0]  # d/dx sum(12x^2 v)
    assert out.requires_grad and res.requires_grad
    close(res, expected_res)
    (g,) = ember.autograd.grad(res.sum(), x)
    close(g, expected_grad)


def test_create_graph_with_v_requiring_grad_flows_into_v():
    x, v = t([1.0, 2.0], requires_grad=True), t([1.0, 1.0], requires_grad=True)
    _, res = vjp(lambda x: x ** 2, x, v, create_graph=True)
    (gv,) = ember.autograd.grad(res.sum(), v)
    close(gv, [2.0, 4.0])


# --- errors ----------------------------------------------------------------------------------------


def test_v_none_needs_single_element():
    x = t([1.0, 2.0])
    with pytest.raises(RuntimeError, match="v can only be None if the user-provided function returns a single"):
        vjp(lambda x: x ** 2, x)
    for fn in (jvp, hvp, vhp):
        with pytest.raises(RuntimeError, match="v can only be None if the input to the user-provided function"):
            fn(lambda x: (x ** 2).sum(), x)


def test_v_shape_and_length_errors():
    x = t([1.0, 2.0])
    with pytest.raises(RuntimeError, match=r"v has invalid size: should be ember.Size\(\[2\]\) but got"):
        vjp(lambda x: x ** 2, x, t([1.0, 2.0, 3.0]))
    with pytest.raises(RuntimeError, match="The given v should contain a single Tensor."):
        jvp(lambda x: x ** 2, x, (t([1.0, 2.0]), t([1.0, 2.0])))
    with pytest.raises(RuntimeError, match="v is a tuple of invalid length: should be 2 but got 1."):
        hvp(lambda x, y: (x * y).sum(), (x, x), (t([1.0, 2.0]),))
    with pytest.raises(RuntimeError, match=r"Entry 1 in v has invalid size"):
        vhp(lambda x, y: (x * y).sum(), (x, x), (t([1.0, 2.0]), t([1.0])))


def test_non_tensor_inputs_outputs_and_v_raise_type_error():
    x = t([1.0, 2.0])
    with pytest.raises(TypeError, match="The inputs given to jacobian must be either a Tensor or a tuple of Tensors "
                                        "but the given inputs has type <class 'list'>."):
        jacobian(lambda x: x, [x])
    with pytest.raises(TypeError, match="but the value at index 1 has type <class 'int'>"):
        vjp(lambda x, y: x, (x, 3), x)
    with pytest.raises(TypeError, match="The outputs of the user-provided function given to jvp must be"):
        jvp(lambda x: 3.0, x, x)
    with pytest.raises(TypeError, match="The v given to vjp must be"):
        vjp(lambda x: x, x, [1.0, 2.0])


def test_scalar_function_required_by_hessian_hvp_vhp():
    x = t([1.0, 2.0])
    with pytest.raises(RuntimeError, match="The function given to hessian should return a single Tensor"):
        hessian(lambda x: (x.sum(), x.sum()), x)
    with pytest.raises(RuntimeError, match="given to hvp should contain a single element"):
        hvp(lambda x: x ** 2, x, x)
    with pytest.raises(RuntimeError, match="given to vhp should contain a single element"):
        vhp(lambda x: x ** 2, x, x)


def test_strict_mode_errors():
    x, y = t([1.0, 2.0]), t([3.0, 4.0])
    independent = "The output of the user-provided function is independent of input 1. This is not allowed"
    with pytest.raises(RuntimeError, match=independent):
        vjp(lambda x, y: (x ** 2).sum(), (x, y), strict=True)
    with pytest.raises(RuntimeError, match=independent):
        jvp(lambda x, y: x ** 2, (x, y), (x, y), strict=True)
    with pytest.raises(RuntimeError, match="Output 0 of the user-provided function is independent of input 1"):
        jacobian(lambda x, y: x ** 2, (x, y), strict=True)
    with pytest.raises(RuntimeError, match="Output 0 of the user-provided function does not require gradients"):
        vjp(lambda x: x.detach(), x, x, strict=True)
    with pytest.raises(RuntimeError, match="found that the jacobian of the user-provided function with respect to "
                                           "input 0 is independent of the input"):
        hessian(lambda x: (x * 2).sum(), x, strict=True)
    with pytest.raises(RuntimeError, match="The jacobian of the user-provided function is independent of input 0. "
                                           "This is not allowed in strict mode when create_graph=True."):
        vjp(lambda x: x * 2, x, x, strict=True, create_graph=True)
    with pytest.raises(RuntimeError, match="is not allowed in strict mode when create_graph=True"):
        jacobian(lambda x: x * 2, x, strict=True, create_graph=True)
    with pytest.raises(RuntimeError, match="`strict=True` and `vectorized=True` are not supported together"):
        jacobian(lambda x: x ** 2, x, strict=True, vectorize=True)


def test_strict_jvp_independent_grad_output_entry():
    # Output 1 requires grad but depends on no input: J^T u does not depend on u_1.
    x, c = t([1.0, 2.0]), t([1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="independent of entry 1 in the grad_outputs when using the double"):
        jvp(lambda x: (x ** 2, c * 2), x, x, strict=True)


def test_strategy_checks():
    x = t([1.0, 2.0])
    with pytest.raises(AssertionError, match='Expected strategy to be either "forward-mode" or "reverse-mode"'):
        jacobian(lambda x: x, x, strategy="sideways")
    with pytest.raises(NotImplementedError, match="`create_graph=True` and `strategy=\"forward-mode\"`"):
        jacobian(lambda x: x, x, strategy="forward-mode", create_graph=True)
    with pytest.raises(RuntimeError, match="`strict=True` and `strategy=\"forward-mode\"`"):
        jacobian(lambda x: x, x, strategy="forward-mode", strict=True)
    with pytest.raises(NotImplementedError, match="only implemented for `vectorize=True`"):
        jacobian(lambda x: x, x, strategy="forward-mode")
    with pytest.raises(NotImplementedError, match="forward-mode AD, which ember does not implement"):
        jacobian(lambda x: x, x, strategy="forward-mode", vectorize=True)
    with pytest.raises(NotImplementedError, match="forward-mode AD, which ember does not implement"):
        hessian(lambda x: (x ** 3).sum(), x, vectorize=True, outer_jacobian_strategy="forward-mode")
    with pytest.raises(AssertionError, match="Expected strategy"):
        hessian(lambda x: (x ** 3).sum(), x, outer_jacobian_strategy="sideways")


# --- PyTorch as the oracle -------------------------------------------------------------------------


def lib_tensor(lib: Any, a: np.ndarray) -> Any:
    return torch.from_numpy(a.copy()) if lib is torch else ember.from_numpy(a.copy())


def functions(lib: Any) -> dict[str, Callable[..., Any]]:
    a = lib_tensor(lib, A)
    return {
        "square": lambda x: x ** 2,
        "exp_sum": lambda x: x.exp().sum(1),
        "tuple_out": lambda x: (x ** 2, x.sum()),
        "tuple_in": lambda x, y: 2 * x.exp() + 3 * y,
        "tuple_both": lambda x, y: (x * y, x.sin() + y.sum()),
        "unused_input": lambda x, y: (x ** 2, x.sum()),
        "linear": lambda x: x * 2 + 1,
        "s_cube": lambda x: (x ** 3).sum(),
        "s_tanh": lambda x: ((a @ x).tanh() ** 2).sum(),
        "s_tuple": lambda x, y: (x ** 2 * y).sum() + (y ** 3).sum(),
        "s_unused": lambda x, y: (x ** 3).sum(),
        "s_linear_part": lambda x, y: (x * 2).sum() + (y ** 2).sum(),
    }


SHAPES = {
    "square": [(3,)], "exp_sum": [(2, 3)], "tuple_out": [(3,)], "tuple_in": [(3,), (3,)],
    "tuple_both": [(3,), (3,)], "unused_input": [(3,), (2,)], "linear": [(2, 2)], "s_cube": [(3,)],
    "s_tanh": [(3,)], "s_tuple": [(3,), (3,)], "s_unused": [(2,), (3,)], "s_linear_part": [(2,), (2,)],
}
CASES = [name for name in SHAPES if not name.startswith("s_")]
SCALAR_CASES = [name for name in SHAPES if name.startswith("s_")]


def assert_same(got: Any, want: Any, path: str = "result") -> None:
    """Same nesting, shapes, requires_grad and values (to 1e-10) as PyTorch's result."""
    if isinstance(want, torch.Tensor):
        assert isinstance(got, ember.Tensor), f"{path}: {type(got).__name__} where PyTorch has a Tensor"
        assert tuple(got.shape) == tuple(want.shape), f"{path}: shape {got.shape} vs {want.shape}"
        assert got.requires_grad == want.requires_grad, f"{path}: requires_grad {got.requires_grad}"
        assert str(got.dtype).split(".")[1] == str(want.dtype).split(".")[1], f"{path}: dtype {got.dtype}"
        np.testing.assert_allclose(arr(got), want.detach().numpy(), rtol=1e-10, atol=1e-10, err_msg=path)
        return
    assert isinstance(want, tuple), f"{path}: unexpected {type(want).__name__}"
    assert isinstance(got, tuple) and len(got) == len(want), f"{path}: {got!r} where PyTorch has a tuple"
    for i, (g, w) in enumerate(zip(got, want, strict=True)):
        assert_same(g, w, f"{path}[{i}]")


def run_both(name: str, call: Callable[[Any, Callable[..., Any], Callable[[Any], Any]], Any]) -> None:
    """Run ``call(functional, func, draw)`` with ember and with PyTorch on the same data and compare.

    ``draw(shape)`` gives a Tensor of that shape, ``draw([shapes])`` a tuple of them,
    the same numbers for both libraries.
    """
    results = []
    for lib, functional in ((ember, ember_functional), (torch, torch_functional)):
        rng = np.random.default_rng(zlib.crc32(name.encode()))

        def draw(shapes: Any, lib: Any = lib, rng: Any = rng) -> Any:
            if isinstance(shapes, list):
                return tuple(draw(s) for s in shapes)
            return lib_tensor(lib, rng.standard_normal(shapes))

        results.append(call(functional, functions(lib)[name], draw))
    assert_same(*results)


def output_shapes(name: str) -> Any:
    """The output shape, or a list of them for a tuple of outputs."""
    outs = functions(torch)[name](*[torch.zeros(s, dtype=torch.float64) for s in SHAPES[name]])
    return [tuple(o.shape) for o in outs] if isinstance(outs, tuple) else tuple(outs.shape)


def input_shapes(name: str) -> Any:
    """The input shape, or a list of them for a tuple of inputs."""
    shapes = SHAPES[name]
    return list(shapes) if len(shapes) > 1 else shapes[0]


@needs_torch
@pytest.mark.parametrize("create_graph", [False, True])
@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize("fn", ["vjp", "jvp", "jacobian", "jacobian_vectorized"])
def test_against_pytorch(fn, name, create_graph):
    def call(functional, func, draw):
        inputs = draw(input_shapes(name))
        if fn == "vjp":
            return functional.vjp(func, inputs, draw(output_shapes(name)), create_graph=create_graph)
        if fn == "jvp":
            return functional.jvp(func, inputs, draw(input_shapes(name)), create_graph=create_graph)
        return functional.jacobian(func, inputs, create_graph=create_graph, vectorize=fn == "jacobian_vectorized")

    run_both(name, call)


@needs_torch
@pytest.mark.parametrize("create_graph", [False, True])
@pytest.mark.parametrize("name", SCALAR_CASES)
@pytest.mark.parametrize("fn", ["hessian", "hessian_vectorized", "hvp", "vhp", "vjp_no_v"])
def test_scalar_functions_against_pytorch(fn, name, create_graph):
    def call(functional, func, draw):
        inputs = draw(input_shapes(name))
        if fn in ("hvp", "vhp"):
            return getattr(functional, fn)(func, inputs, draw(input_shapes(name)), create_graph=create_graph)
        if fn == "vjp_no_v":
            return functional.vjp(func, inputs, create_graph=create_graph)
        return functional.hessian(func, inputs, create_graph=create_graph, vectorize=fn == "hessian_vectorized")

    run_both(name, call)


def error_cases(lib: Any) -> dict[str, Callable[[Any], Any]]:
    """Calls that must fail the same way in ember and PyTorch, given the library's functional module."""
    def T(values, requires_grad=False):  # noqa: N802 - a tensor constructor
        return lib_tensor(lib, np.asarray(values, dtype=np.float64)).requires_grad_(requires_grad)

    x, y, c = T([1.0, 2.0]), T([3.0, 4.0]), T([1.0], requires_grad=True)
    return {
        "vjp_v_none": lambda fn: fn.vjp(lambda x: x ** 2, x),
        "jvp_v_none": lambda fn: fn.jvp(lambda x: x ** 2, x),
        "hvp_v_none": lambda fn: fn.hvp(lambda x: (x ** 2).sum(), x),
        "vhp_v_none": lambda fn: fn.vhp(lambda x: (x ** 2).sum(), (x, y)),
        "vjp_v_size": lambda fn: fn.vjp(lambda x: x ** 2, x, T([1.0, 2.0, 3.0])),
        "jvp_v_single": lambda fn: fn.jvp(lambda x: x ** 2, x, (x, x)),
        "hvp_v_length": lambda fn: fn.hvp(lambda x, y: (x * y).sum(), (x, y), (x,)),
        "vhp_v_entry": lambda fn: fn.vhp(lambda x, y: (x * y).sum(), (x, y), (x, T([1.0]))),
        "inputs_list": lambda fn: fn.jacobian(lambda x: x, [x]),
        "inputs_tuple_int": lambda fn: fn.vjp(lambda x, y: x, (x, 3), x),
        "outputs_float": lambda fn: fn.jvp(lambda x: 3.0, x, x),
        "outputs_list": lambda fn: fn.jacobian(lambda x: [x], x),
        "v_list": lambda fn: fn.vjp(lambda x: x, x, [x]),
        "hessian_tuple_out": lambda fn: fn.hessian(lambda x: (x.sum(),), x),
        "hessian_not_scalar": lambda fn: fn.hessian(lambda x: x * x, x),
        "hvp_tuple_out": lambda fn: fn.hvp(lambda x: (x.sum(),), x, x),
        "vhp_not_scalar": lambda fn: fn.vhp(lambda x: x * x, x, x),
        "strict_vjp": lambda fn: fn.vjp(lambda x, y: (x ** 2).sum(), (x, y), strict=True),
        "strict_jvp": lambda fn: fn.jvp(lambda x, y: x ** 2, (x, y), (x, y), strict=True),
        "strict_jvp_trick": lambda fn: fn.jvp(lambda x: (x ** 2, c * 2), x, x, strict=True),
        "strict_jacobian": lambda fn: fn.jacobian(lambda x, y: x ** 2, (x, y), strict=True),
        "strict_outputs": lambda fn: fn.vjp(lambda x: x.detach(), x, x, strict=True),
        "strict_hessian_linear": lambda fn: fn.hessian(lambda x: (x * 2).sum(), x, strict=True),
        "strict_hessian_unused": lambda fn: fn.hessian(lambda x, y: (x ** 3).sum(), (x, y), strict=True),
        "strict_vhp_linear": lambda fn: fn.vhp(lambda x: (x * 2).sum(), x, x, strict=True),
        "strict_hvp_linear": lambda fn: fn.hvp(lambda x: (x * 2).sum(), x, x, strict=True),
        "strict_vjp_create_graph": lambda fn: fn.vjp(lambda x: x * 2, x, x, strict=True, create_graph=True),
        "strict_jvp_create_graph": lambda fn: fn.jvp(lambda x: x * 2, x, x, strict=True, create_graph=True),
        "strict_jacobian_create_graph": lambda fn: fn.jacobian(lambda x: x * 2, x, strict=True, create_graph=True),
        "strict_vectorize": lambda fn: fn.jacobian(lambda x: x ** 2, x, strict=True, vectorize=True),
        "strategy_unknown": lambda fn: fn.jacobian(lambda x: x, x, strategy="sideways"),
        "hessian_strategy_unknown": lambda fn: fn.hessian(lambda x: x.sum(), x, outer_jacobian_strategy="up"),
        "forward_create_graph": lambda fn: fn.jacobian(lambda x: x, x, strategy="forward-mode", create_graph=True),
        "forward_strict": lambda fn: fn.jacobian(lambda x: x, x, strategy="forward-mode", strict=True),
        "forward_bad_inputs": lambda fn: fn.jacobian(lambda x: x, [x], strategy="forward-mode", vectorize=True),
        "forward_loop": lambda fn: fn.jacobian(lambda x: x, x, strategy="forward-mode"),
        "hessian_forward_loop": lambda fn: fn.hessian(lambda x: (x ** 3).sum(), x,
                                                    outer_jacobian_strategy="forward-mode"),
    }


def normalise(message: str) -> str:
    return " ".join(message.replace("torch.", "ember.").split())


@needs_torch
@pytest.mark.parametrize("case", list(error_cases(np)))
def test_errors_against_pytorch(case):
    with pytest.raises(Exception) as want:
        error_cases(torch)[case](torch_functional)
    with pytest.raises(Exception) as got:
        error_cases(ember)[case](ember_functional)
    assert type(got.value) is type(want.value)
    # PyTorch's one message missing a space ("isonly") is not copied.
    assert normalise(str(got.value)) == normalise(str(want.value)).replace("isonly", "is only")


@needs_torch
def test_forward_mode_vectorized_is_the_one_missing_feature():
    x = np.array([1.0, 2.0])
    want = torch_functional.jacobian(lambda x: x ** 2, torch.from_numpy(x), strategy="forward-mode", vectorize=True)
    np.testing.assert_allclose(want.numpy(), np.diag(2 * x))
    with pytest.raises(NotImplementedError, match="forward-mode AD"):
        ember_functional.jacobian(lambda x: x ** 2, t(x), strategy="forward-mode", vectorize=True)


@needs_torch
@pytest.mark.parametrize("fn", ["vjp", "jvp", "jacobian", "hessian", "hvp", "vhp"])
def test_create_graph_second_derivatives_against_pytorch(fn):
    """With inputs that require grad, the result's own gradient matches PyTorch's."""
    name = "s_tuple" if fn in ("hessian", "hvp", "vhp") else "tuple_both"

    def call(functional, func, draw):
        inputs = tuple(x.requires_grad_() for x in draw(input_shapes(name)))
        if fn == "vjp":
            _, res = functional.vjp(func, inputs, draw(output_shapes(name)), create_graph=True)
        elif fn == "jacobian":
            res = functional.jacobian(func, inputs, create_graph=True)
        elif fn == "hessian":
            res = functional.hessian(func, inputs, create_graph=True)
        else:
            _, res = getattr(functional, fn)(func, inputs, draw(input_shapes(name)), create_graph=True)
        flat = [r for row in res for r in (row if isinstance(row, tuple) else (row,))]
        total = sum((r * r).sum() for r in flat)
        lib = torch if isinstance(total, torch.Tensor) else ember
        return lib.autograd.grad(total, inputs, allow_unused=True, materialize_grads=True)

    run_both(name, call)


@needs_torch
def test_float32_results_keep_the_input_dtype():
    results = []
    for lib, functional in ((ember, ember_functional), (torch, torch_functional)):
        rng = np.random.default_rng(7)
        x = lib_tensor(lib, rng.standard_normal(3)).float()
        results.append((functional.jacobian(lambda x: x.exp(), x), functional.hvp(lambda x: (x ** 3).sum(), x, x)))
    got, want = results
    assert got[0].dtype == ember.float32 and got[1][1].dtype == ember.float32
    np.testing.assert_allclose(arr(got[0]), want[0].numpy(), rtol=1e-6)
    np.testing.assert_allclose(arr(got[1][1]), want[1][1].numpy(), rtol=1e-6)


def test_jacobian_rows_share_one_plan_without_sharing_values():
    # Every row runs through one precomputed walk of the graph; the rows must still be
    # distinct arrays (the identity's rows are the one-hot gradients themselves), and a
    # hook on the output sees each row's one-hot gradient, as PyTorch's select does.
    x = ember.tensor([1.0, 2.0, 3.0], dtype=ember.float64)
    jac = jacobian(lambda t: t, x)
    np.testing.assert_array_equal(jac.numpy(), np.eye(3))
    seen = []

    def f(t):
        out = t * t
        out.register_hook(lambda g: seen.append(g.numpy().copy()))
        return out

    jac = jacobian(f, x)
    np.testing.assert_array_equal(jac.numpy(), np.diag([2.0, 4.0, 6.0]))
    np.testing.assert_array_equal(np.array(seen), np.eye(3))


def test_jacobian_rows_of_a_function_with_branches_and_unused_input():
    # A shared subexpression (two paths to x) and an input no output reaches, row by row.
    def f(x, y):
        s = x.sin()
        return s * s + s.exp()

    x = ember.tensor([0.3, -1.2], dtype=ember.float64)
    y = ember.tensor([5.0], dtype=ember.float64)
    jx, jy = jacobian(f, (x, y))
    s = np.sin(x.numpy())
    np.testing.assert_allclose(jx.numpy(), np.diag((2 * s + np.exp(s)) * np.cos(x.numpy())), rtol=1e-14)
    np.testing.assert_array_equal(jy.numpy(), np.zeros((2, 1)))
