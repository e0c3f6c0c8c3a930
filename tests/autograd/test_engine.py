"""The backward engine: values, accumulation, errors, graph shape, memory, deep graphs."""

from __future__ import annotations

import gc
import subprocess
import sys
import textwrap
import threading
import tracemalloc

import numpy as np
import pytest

import ember
from ember.autograd.graph import AccumulateGrad, Node


def leaf(values, dtype=ember.float64):
    return ember.tensor(values, dtype=dtype, requires_grad=True)


# -- values ------------------------------------------------------------------------------
def test_seed_example_gradient_is_four_and_a_half():
    x = ember.ones(2, 2, requires_grad=True)
    out = ((x + 2) * (x + 2) * 3).mean()
    out.backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.full((2, 2), 4.5, np.float32))
    assert x.grad.dtype is ember.float32


def test_diamond_sums_both_paths():
    x = leaf([1.0, 2.0, 3.0])
    a = x * 2
    y = (a * a + a.exp()).sum()  # a is used twice: gradients must add in its buffer
    y.backward()
    xv = np.array([1.0, 2.0, 3.0])
    np.testing.assert_allclose(x.grad.numpy(), 2 * (2 * 2 * xv) + 2 * np.exp(2 * xv))


def test_vector_jacobian_product():
    x = leaf([1.0, 2.0, 3.0])
    y = x * x
    y.backward(ember.tensor([0.1, 1.0, 0.0001], dtype=ember.float64))
    np.testing.assert_allclose(x.grad.numpy(), [0.2, 4.0, 0.0006])


def test_broadcast_gradient_is_summed_back_to_input_shape():
    w = leaf([[1.0, 2.0, 3.0]])      # (1, 3)
    b = leaf(5.0)                     # 0-d
    x = ember.ones(4, 3, dtype=ember.float64)
    (x * w + b).sum().backward()
    np.testing.assert_array_equal(w.grad.numpy(), [[4.0, 4.0, 4.0]])
    assert b.grad.shape == ()
    assert b.grad.item() == 12.0


def test_accumulates_across_calls_and_zero_():
    x = leaf([1.0, 2.0])
    for _ in range(3):
        (x * x).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [6.0, 12.0])
    g = x.grad
    x.grad.zero_()
    (x * x).sum().backward()
    assert x.grad is g, "accumulation is in place: .grad stays the same tensor"
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 4.0])


def test_grads_never_share_memory():
    a, b = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    v = ember.tensor([1.0, 1.0], dtype=ember.float64)
    (a + b).backward(v)  # AddBackward0 hands the same gradient to both inputs
    a.grad += 1
    np.testing.assert_array_equal(b.grad.numpy(), [1.0, 1.0])
    np.testing.assert_array_equal(v.numpy(), [1.0, 1.0])
    x = leaf([1.0, 2.0])
    (x + 0).backward(v)  # the user's gradient flows straight through to x
    v.add_(5)
    np.testing.assert_array_equal(x.grad.numpy(), [1.0, 1.0])


def test_expand_gradient_is_writable():
    x = leaf(2.0)
    x.expand(3).sum().backward()
    x.grad.add_(1)  # a broadcast (read-only) gradient must have been copied
    assert x.grad.item() == 4.0


# -- errors --------------------------------------------------------------------------------
def test_backward_twice_raises_pytorchs_error():
    x = leaf([1.0, 2.0])
    y = (x.exp()).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
        y.backward()


def test_second_backward_through_nodes_that_saved_no_tensor():
    # PyTorch raises only when a freed saved *tensor* is needed: add and sum save none.
    x = leaf([1.0, 2.0])
    y = (x + 2).sum()
    y.backward()
    y.backward()
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 2.0])
    w = leaf([3.0, 4.0])
    z = x * w + x * 2
    scaled = z.grad_fn.next_functions[1][0]
    assert scaled._saved_other == 2          # non-tensor saved values survive release
    z.sum().backward()
    assert scaled._saved_other == 2
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        _ = z.grad_fn.next_functions[0][0]._saved_self


def test_retain_graph_allows_a_second_backward():
    x = leaf([1.0, 2.0])
    y = (x.exp()).sum()
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * np.exp([1.0, 2.0]))


def test_non_scalar_needs_a_gradient():
    x = leaf([1.0, 2.0])
    with pytest.raises(RuntimeError, match="grad can be implicitly created only for scalar outputs"):
        (x * 2).backward()


def test_backward_on_tensor_without_grad():
    with pytest.raises(RuntimeError, match="element 0 of tensors does not require grad and does not have a grad_fn"):
        ember.ones(1).sum().backward()
    x = leaf([1.0])
    with ember.no_grad():
        y = x * 2
    with pytest.raises(RuntimeError, match="does not require grad"):
        y.backward()


def test_gradient_shape_mismatch():
    x = leaf([1.0, 2.0, 3.0])
    with pytest.raises(RuntimeError, match=r"Mismatch in shape: grad_output\[0\] has a shape of"):
        (x * 2).backward(ember.ones(2, dtype=ember.float64))


def test_gradient_dtype_mismatch_warns_and_converts():
    x = leaf([1.0, 2.0])
    with pytest.warns(UserWarning, match="converted"):
        (x * 2).backward(ember.ones(2, dtype=ember.float32))
    assert x.grad.dtype is ember.float64


def test_inplace_on_leaf_that_requires_grad():
    x = leaf([1.0])
    msg = "a leaf Variable that requires grad is being used in an in-place operation."
    with pytest.raises(RuntimeError, match=msg):
        x.add_(1)
    with ember.no_grad():
        x.add_(1)  # allowed: this is how optimizers update parameters
    assert x.item() == 2.0


def test_saved_tensor_modified_inplace():
    x = leaf([1.0, 2.0])
    y = x.exp()          # saves its result
    y.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation") as info:
        y.sum().backward()
    assert "is at version 1; expected version 0 instead" in str(info.value)
    assert "ember.DoubleTensor [2]" in str(info.value)


def test_inplace_op_on_non_leaf_records_history():
    x = leaf([1.0, 2.0])
    y = x * 1
    y.mul_(x)            # y = x * x, y's history moves to the new Node
    assert y.grad_fn.name() == "MulBackward0"
    assert y._version == 1
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 4.0])


def test_non_leaf_grad_access_warns():
    x = leaf([1.0])
    y = x * 2
    with pytest.warns(UserWarning, match="is not a leaf Tensor is being accessed"):
        assert y.grad is None


def test_requires_grad_only_for_floats_and_on_leaves():
    with pytest.raises(RuntimeError, match="only Tensors of floating point dtype can require gradients"):
        ember.tensor([1, 2]).requires_grad_()
    y = leaf([1.0]) * 2
    with pytest.raises(RuntimeError, match="you can only change requires_grad flags of leaf variables. If you want"):
        y.requires_grad = False
    with pytest.raises(RuntimeError, match=r"you can only change requires_grad flags of leaf variables.$"):
        y.requires_grad = True
    assert y.requires_grad_(True) is y


# -- autograd.grad and higher order --------------------------------------------------------
def test_autograd_grad_does_not_touch_dot_grad():
    x = leaf([1.0, 2.0])
    (g,) = ember.autograd.grad((x ** 3).sum(), x)
    np.testing.assert_allclose(g.numpy(), [3.0, 12.0])
    assert x.grad is None


def test_second_and_third_derivatives():
    x = leaf([1.0, 2.0])
    (g,) = ember.autograd.grad((x ** 3).sum(), x, create_graph=True)
    assert g.requires_grad
    (h,) = ember.autograd.grad(g.sum(), x, create_graph=True)
    np.testing.assert_allclose(h.detach().numpy(), [6.0, 12.0])
    (k,) = ember.autograd.grad(h.sum(), x)
    np.testing.assert_allclose(k.numpy(), [6.0, 6.0])


def test_grad_of_non_leaf_input():
    x = leaf([1.0, 2.0])
    y = x * 3
    z = (y * y).sum()
    (gy,) = ember.autograd.grad(z, y)
    np.testing.assert_allclose(gy.numpy(), [6.0, 12.0])


def test_unused_input():
    x, y = leaf([1.0]), leaf([2.0])
    with pytest.raises(RuntimeError, match="appears to not have been used in the graph"):
        ember.autograd.grad((x * 2).sum(), [x, y])
    gx, gy = ember.autograd.grad((x * 2).sum(), [x, y], allow_unused=True)
    assert gy is None and gx.item() == 2.0
    gx, gy = ember.autograd.grad((x * 2).sum(), [x, y], materialize_grads=True)
    assert gy.item() == 0.0


def test_input_that_does_not_require_grad():
    x = leaf([1.0])
    with pytest.raises(RuntimeError, match="One of the differentiated Tensors does not require grad"):
        ember.autograd.grad((x * 2).sum(), ember.ones(1))


def test_backward_inputs_limits_accumulation():
    x, y = leaf([1.0]), leaf([2.0])
    (x * y).sum().backward(inputs=[x])
    assert x.grad.item() == 2.0
    assert y.grad is None


def test_create_graph_gives_grad_with_history():
    x = leaf([3.0])
    (x ** 2).sum().backward(create_graph=True)
    assert x.grad.requires_grad
    (g2,) = ember.autograd.grad(x.grad.sum(), x)
    assert g2.item() == 2.0


# -- the graph users inspect -----------------------------------------------------------------
def test_learn_the_basics_graph():
    x = ember.ones(5)
    w = ember.randn(5, 3, requires_grad=True)
    b = ember.randn(3, requires_grad=True)
    z = ember.matmul(x, w) + b
    loss = ember.nn.functional.binary_cross_entropy_with_logits(z, ember.zeros(3))
    assert loss.grad_fn.name() == "BinaryCrossEntropyWithLogitsBackward0"
    (squeeze, _), (acc_b, _) = z.grad_fn.next_functions
    assert squeeze.name() == "SqueezeBackward4"
    assert isinstance(acc_b, AccumulateGrad) and acc_b.variable is b
    assert squeeze.next_functions[0][0].name() == "MmBackward0"
    assert isinstance(z.grad_fn, Node)
    assert "AddBackward0 object at 0x" in repr(z.grad_fn)


def test_next_functions_has_none_for_constants():
    x = leaf([1.0])
    y = x * ember.ones(1, dtype=ember.float64)
    assert y.grad_fn.next_functions[1] == (None, 0)


def test_one_accumulator_per_leaf():
    x = leaf([1.0])
    a, b = x * 2, x * 3
    assert a.grad_fn.next_functions[0][0] is b.grad_fn.next_functions[0][0]


def test_saved_values_are_exposed():
    x = leaf([1.0, 2.0])
    y = x.exp()
    np.testing.assert_allclose(y.grad_fn._saved_result.detach().numpy(), np.exp([1.0, 2.0]))
    z = x * 2
    assert z.grad_fn._saved_self is None     # only d/dother would need self, as in PyTorch
    w = leaf([1.0, 1.0])
    assert (x * w).grad_fn._saved_self is x


# -- hooks --------------------------------------------------------------------------------------
def test_tensor_hook_replaces_gradient_and_retain_grad():
    x = leaf([1.0, 2.0])
    y = x * 2
    y.retain_grad()
    handle = y.register_hook(lambda g: g * 10)
    y.sum().backward()
    np.testing.assert_array_equal(y.grad.numpy(), [10.0, 10.0])  # retain_grad sees the hooked grad
    np.testing.assert_array_equal(x.grad.numpy(), [20.0, 20.0])
    handle.remove()


def test_leaf_hook_and_post_accumulate_hook():
    x = leaf([1.0])
    seen = []
    x.register_hook(lambda g: g + 1)
    x.register_post_accumulate_grad_hook(lambda t: seen.append(t.grad.item()))
    (x * 3).sum().backward()
    assert x.grad.item() == 4.0
    assert seen == [4.0]


# -- grad modes -----------------------------------------------------------------------------------
def test_grad_modes_and_decorators():
    x = leaf([1.0])
    with ember.no_grad():
        assert not (x * 2).requires_grad
        with ember.enable_grad():
            assert (x * 2).requires_grad

    @ember.no_grad()
    def f():
        return x * 2

    assert not f().requires_grad
    assert ember.is_grad_enabled()
    with ember.set_grad_enabled(False):
        assert not ember.is_grad_enabled()
    assert ember.is_grad_enabled()

    @ember.no_grad()
    def gen():
        yield (x * 2).requires_grad

    assert list(gen()) == [False]


def test_grad_mode_is_thread_local():
    seen = []
    with ember.no_grad():
        t = threading.Thread(target=lambda: seen.append(ember.is_grad_enabled()))
        t.start()
        t.join()
    assert seen == [True]


def test_detach_and_data_share_memory():
    x = leaf([1.0, 2.0])
    d = x.detach()
    assert not d.requires_grad and d.is_leaf
    d[0] = 5.0
    assert x[0].item() == 5.0
    assert x._version == d._version == 1   # detach shares the version counter
    x.data.mul_(2)
    assert x[0].item() == 10.0
    assert x._version == 1                  # .data does not


# -- memory and deep graphs --------------------------------------------------------------------------
def test_saved_tensors_freed_after_backward_without_gc():
    gc.collect()
    gc.disable()
    try:
        tracemalloc.start()
        x = ember.ones(1000, 1000, requires_grad=True)   # 4 MB
        y = (x * 2).exp().tanh().sum()                    # intermediates: several 4 MB arrays
        during = tracemalloc.get_traced_memory()[0]
        y.backward()
        after_backward = tracemalloc.get_traced_memory()[0]
        del y
        after_del = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
        # While alive the graph holds x and the saved results of exp and tanh (x * 2 is
        # saved by nobody); after backward only x and x.grad (4 MB each) remain.
        assert during > 11.9e6
        assert after_backward < 8.5e6
        assert after_del < 8.5e6
        assert gc.collect() == 0, "the graph made reference cycles"
    finally:
        gc.enable()


def test_graph_has_no_reference_cycles():
    gc.collect()
    gc.disable()
    try:
        x = leaf([1.0, 2.0])
        for _ in range(3):
            y = (x * x).exp()
            y.retain_grad()
            y.register_hook(lambda g: g)
            y.sum().backward()
            del y
        assert gc.collect() == 0
    finally:
        gc.enable()


def test_million_node_chain_at_default_recursion_limit():
    code = textwrap.dedent("""
        import sys
        assert sys.getrecursionlimit() <= 1000
        import ember
        x = ember.tensor([1.0], dtype=ember.float64, requires_grad=True)
        y = x
        for _ in range(1_000_000):
            y = y * 1.000001
        y.backward(ember.ones(1, dtype=ember.float64))
        assert abs(x.grad.item() - 1.000001 ** 1_000_000) < 1e-6, x.grad
        del y   # tearing down a million Nodes must not recurse either
        print("ok")
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "ok"


def test_wide_shared_ladder_is_linear_time():
    # 2**60 paths from y to x: an engine that walks paths instead of Nodes would never end.
    x = leaf([1.0])
    y = x
    for _ in range(60):
        y = y + y
    y.backward()
    assert x.grad.item() == 2.0 ** 60


@pytest.mark.parametrize("fn,third", [
    # d3/dx3 tanh = (1 - t^2)(6 t^2 - 2); d3/dx3 sigmoid = s(1 - s)(1 - 6 s + 6 s^2); relu''' = 0
    ("tanh", lambda x: (1 - np.tanh(x) ** 2) * (6 * np.tanh(x) ** 2 - 2)),
    ("sigmoid", lambda x: (lambda s: s * (1 - s) * (1 - 6 * s + 6 * s * s))(1 / (1 + np.exp(-x)))),
    ("relu", lambda x: np.zeros_like(x)),
])
def test_third_derivatives_through_backward_kernels(fn, third):
    xv = np.array([-1.5, -0.3, 0.4, 2.0])
    x = ember.tensor(xv, requires_grad=True)
    y = getattr(ember, fn)(x).sum()
    (g1,) = ember.autograd.grad(y, x, create_graph=True)
    (g2,) = ember.autograd.grad(g1.sum(), x, create_graph=True)
    if fn == "relu":
        assert not g2.requires_grad or np.all(g2.detach().numpy() == 0)
        return
    (g3,) = ember.autograd.grad(g2.sum(), x)
    np.testing.assert_allclose(g3.numpy(), third(xv), rtol=1e-10)
