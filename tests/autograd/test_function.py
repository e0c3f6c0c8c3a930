"""Custom autograd.Function: PyTorch's "Extending PyTorch" examples and its errors."""

from __future__ import annotations

import numpy as np
import pytest

import ember
from ember.autograd import Function, gradcheck, gradgradcheck, once_differentiable


class LinearFunction(Function):
    @staticmethod
    def forward(ctx, input, weight, bias=None):
        ctx.save_for_backward(input, weight, bias)
        output = input.mm(weight.t())
        if bias is not None:
            output += bias.unsqueeze(0).expand_as(output)
        return output

    @staticmethod
    def backward(ctx, grad_output):
        input, weight, bias = ctx.saved_tensors
        grad_input = grad_weight = grad_bias = None
        if ctx.needs_input_grad[0]:
            grad_input = grad_output.mm(weight)
        if ctx.needs_input_grad[1]:
            grad_weight = grad_output.t().mm(input)
        if bias is not None and ctx.needs_input_grad[2]:
            grad_bias = grad_output.sum(0)
        return grad_input, grad_weight, grad_bias


class MulConstant(Function):
    @staticmethod
    def forward(ctx, tensor, constant):
        ctx.constant = constant
        return tensor * constant

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output * ctx.constant, None


class MyCube(Function):
    @staticmethod
    def forward(x):
        return x ** 3, 3 * x ** 2

    @staticmethod
    def setup_context(ctx, inputs, output):
        (x,) = inputs
        _, dx = output
        ctx.save_for_backward(x, dx)

    @staticmethod
    def backward(ctx, grad_output, grad_dx):
        x, dx = ctx.saved_tensors
        return grad_output * dx + grad_dx * 6 * x


def f64(*shape, seed=0):
    rng = np.random.default_rng(seed)
    return ember.tensor(rng.standard_normal(shape), dtype=ember.float64, requires_grad=True)


def test_linear_function_gradcheck_and_node():
    x, w, b = f64(4, 3), f64(2, 3, seed=1), f64(2, seed=2)
    assert gradcheck(LinearFunction.apply, (x, w, b))
    y = LinearFunction.apply(x, w, b)
    assert y.grad_fn.name() == "LinearFunctionBackward"
    assert repr(y).endswith("grad_fn=<LinearFunctionBackward>)")
    assert len(y.grad_fn.next_functions) == 3


def test_mul_constant_non_tensor_argument():
    x = f64(3)
    y = MulConstant.apply(x, 5.0)
    assert y.grad_fn.needs_input_grad == (True, False)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [5.0, 5.0, 5.0])


def test_setup_context_style_first_and_second_order():
    x = f64(3)
    assert gradcheck(lambda t: MyCube.apply(t)[0], (x,))
    assert gradgradcheck(lambda t: MyCube.apply(t)[0], (x,))


def test_saved_output_makes_no_cycle_and_second_backward_raises():
    class Exp(Function):
        @staticmethod
        def forward(ctx, i):
            result = i.exp()
            ctx.save_for_backward(result)
            return result

        @staticmethod
        def backward(ctx, grad_output):
            (result,) = ctx.saved_tensors
            return grad_output * result

    import gc

    x = f64(2)
    gc.collect()
    gc.disable()
    try:
        y = Exp.apply(x)
        y.sum().backward()
        with pytest.raises(RuntimeError, match="backward through the graph a second time"):
            y.sum().backward()
        del y
        assert gc.collect() == 0
    finally:
        gc.enable()
    np.testing.assert_allclose(x.grad.numpy(), np.exp(x.detach().numpy()))


def test_wrong_number_of_gradients():
    class F(Function):
        @staticmethod
        def forward(ctx, x, k):
            return x * k

        @staticmethod
        def backward(ctx, g):
            return g

    msg = r"function FBackward returned an incorrect number of gradients \(expected 2, got 1\)"
    with pytest.raises(RuntimeError, match=msg):
        F.apply(f64(2), 3.0).sum().backward()


def test_gradient_for_non_tensor_input():
    class G(Function):
        @staticmethod
        def forward(ctx, x, k):
            return x * k

        @staticmethod
        def backward(ctx, g):
            return g, g

    with pytest.raises(RuntimeError, match="returned a gradient different than None at position 2"):
        G.apply(f64(2), 2.0).sum().backward()


def test_gradient_of_wrong_shape():
    class H(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g[:1]

    with pytest.raises(RuntimeError, match=r"Function HBackward returned an invalid gradient at index 0 - got \[1\] "
                                           r"but expected shape compatible with \[2\]"):
        H.apply(f64(2)).sum().backward()


def test_multiple_outputs_materialize_zeros_and_none():
    seen = {}

    class Two(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2, x * 3

        @staticmethod
        def backward(ctx, g1, g2):
            seen["g2"] = g2
            return g1 * 2 + g2 * 3

    x = f64(2)
    a, _ = Two.apply(x)
    a.sum().backward()
    np.testing.assert_array_equal(seen["g2"].numpy(), [0.0, 0.0])
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 2.0])

    class NoMat(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.set_materialize_grads(False)
            return x * 2, x * 3

        @staticmethod
        def backward(ctx, g1, g2):
            seen["g2_none"] = g2
            return g1 * 2

    a, _ = NoMat.apply(f64(2))
    a.sum().backward()
    assert seen["g2_none"] is None


def test_mark_dirty_and_non_differentiable():
    class Double_(Function):  # noqa: N801 - an in-place op's name
        @staticmethod
        def forward(ctx, x):
            x.mul_(2)
            ctx.mark_dirty(x)
            return x

        @staticmethod
        def backward(ctx, g):
            return g * 2

    leaf = f64(2)
    msg = "a leaf Variable that requires grad has been used in an in-place operation."
    with pytest.raises(RuntimeError, match=msg):
        Double_.apply(leaf)
    y = leaf.clone()
    out = Double_.apply(y)
    assert out is y and out.grad_fn.name() == "Double_Backward"
    out.sum().backward()
    np.testing.assert_array_equal(leaf.grad.numpy(), [2.0, 2.0])

    class ArgMax(Function):
        @staticmethod
        def forward(ctx, x):
            idx = x.argmax()
            m = x.max()
            ctx.mark_non_differentiable(idx)
            return m, idx

        @staticmethod
        def backward(ctx, g, g_idx):
            return g * 0

    m, idx = ArgMax.apply(f64(3))
    assert m.requires_grad and not idx.requires_grad


def test_once_differentiable_records_nothing():
    class Sq(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 2

        @staticmethod
        @once_differentiable
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return 2 * x * g

    x = f64(2)
    (g,) = ember.autograd.grad(Sq.apply(x).sum(), x, create_graph=True)
    assert not g.requires_grad


def test_no_recording_without_grad():
    x = f64(2)
    with ember.no_grad():
        y = MulConstant.apply(x, 2.0)
    assert y.grad_fn is None and not y.requires_grad


def test_legacy_instantiation_raises():
    with pytest.raises(RuntimeError, match="Legacy autograd function with non-static forward method is deprecated"):
        MulConstant()


def test_matches_torch():
    torch = pytest.importorskip("torch")

    class TorchLinear(torch.autograd.Function):
        forward = staticmethod(LinearFunction.forward.__func__ if hasattr(LinearFunction.forward, "__func__")
                               else LinearFunction.forward)
        backward = staticmethod(LinearFunction.backward)

    rng = np.random.default_rng(3)
    x, w, b = (rng.standard_normal(s) for s in ((4, 3), (2, 3), (2,)))
    ex, ew, eb = (ember.tensor(a, requires_grad=True) for a in (x, w, b))
    tx, tw, tb = (torch.tensor(a, requires_grad=True) for a in (x, w, b))
    LinearFunction.apply(ex, ew, eb).pow(2).sum().backward()
    TorchLinear.apply(tx, tw, tb).pow(2).sum().backward()
    for e, t in ((ex, tx), (ew, tw), (eb, tb)):
        np.testing.assert_allclose(e.grad.numpy(), t.grad.numpy(), rtol=1e-12)
