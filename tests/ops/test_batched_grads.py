"""``is_grads_batched`` (the one-pass batched backward of autograd/batched.py) over the registry.

For every float64 differentiable sample, the Jacobian computed with ``vectorize=True``
(one batched backward pass) must equal the one computed row by row, for the op itself
and for its gradient (a second-order graph, whose Nodes are the formulas' own ops).
A Node class listed as elementwise that is not, or a wrong batching rule, fails here.
"""

from __future__ import annotations

import zlib
from typing import Any

import numpy as np
import pytest
from test_registry import GRADGRADCHECK, _differentiable_fn

import ember
from ember.autograd.functional import jacobian


def _float_outputs(f: Any) -> Any:
    def g(*xs: Any) -> tuple:
        return tuple(o for o in f(*xs) if o.requires_grad and o.is_floating_point())

    return g


def _gradient_of(f: Any, seed: int) -> Any:
    """x -> d/dx sum(w * f(x)) with fixed random weights, recorded (create_graph)."""
    def g(*xs: Any) -> tuple:
        outs = f(*xs)
        rng = np.random.default_rng(seed)
        total = sum((o * ember.from_numpy(rng.standard_normal(o.shape))).sum() for o in outs)
        grads = ember.autograd.grad(total, xs, create_graph=True, allow_unused=True)
        return tuple(ember.zeros_like(x) if d is None else d for d, x in zip(grads, xs, strict=True))

    return g


def _assert_same(a: Any, b: Any) -> None:
    if isinstance(a, ember.Tensor):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-10, atol=1e-12)
        return
    assert len(a) == len(b)
    for x, y in zip(a, b, strict=True):
        _assert_same(x, y)


@pytest.mark.parametrize("row, sample", GRADGRADCHECK)
def test_vectorized_jacobians_equal_row_by_row(row: Any, sample: Any) -> None:
    f, inputs = _differentiable_fn(row, sample)
    f = _float_outputs(f)
    outs = f(*inputs)
    if not outs or any(o.numel() == 0 for o in outs) or any(x.numel() == 0 for x in inputs):
        pytest.skip("no differentiable, non-empty output")
    inputs = tuple(inputs)
    first = jacobian(f, inputs, vectorize=True)
    _assert_same(first, jacobian(f, inputs, vectorize=False))
    second = _gradient_of(f, zlib.crc32(row.name.encode()))
    _assert_same(jacobian(second, inputs, vectorize=True), jacobian(second, inputs, vectorize=False))


def test_batched_grad_runs_one_pass_without_hooks_and_the_loop_with_them() -> None:
    from ember.autograd import batched

    x = ember.tensor([1.0, 2.0, 3.0], dtype=ember.float64, requires_grad=True)
    y = (x.tanh() * x).sum(0, keepdim=True) * x
    v = ember.eye(3, dtype=ember.float64)
    assert batched.run_batched((y,), [v], (x,), retain_graph=True, create_graph=False) is not None
    (fast,) = ember.autograd.grad(y, x, v, retain_graph=True, is_grads_batched=True)
    seen = []
    y.register_hook(lambda g: seen.append(g.shape))
    assert batched.run_batched((y,), [v], (x,), retain_graph=True, create_graph=False) is None
    (slow,) = ember.autograd.grad(y, x, v, is_grads_batched=True)
    assert seen == [ember.Size([3])] * 3  # hooks see single gradients, as without batching
    np.testing.assert_allclose(fast.numpy(), slow.numpy(), rtol=1e-14)


def test_batched_grad_output_of_the_wrong_shape_is_refused_as_in_torch() -> None:
    x = ember.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="we interpret the first dimension of each grad_output as the batch"):
        ember.autograd.grad(x * 2, x, ember.ones(3), is_grads_batched=True)


def test_hessian_vectorized_matches_closed_form() -> None:
    rng = np.random.default_rng(0)
    a = rng.standard_normal((6, 6))
    x0 = rng.standard_normal(6)
    h = ember.autograd.functional.hessian(lambda x: (ember.tanh(ember.from_numpy(a) @ x) ** 2).sum(),
                                          ember.from_numpy(x0), vectorize=True)
    t = np.tanh(a @ x0)
    s = 1 - t * t
    np.testing.assert_allclose(h.numpy(), (a.T * (2 * (s * s - 2 * t * t * s))) @ a, rtol=1e-12, atol=1e-12)


def test_batched_grad_unused_and_materialized_inputs_match_torch() -> None:
    torch = pytest.importorskip("torch")

    def run(m: Any) -> list:
        x = m.ones(3, requires_grad=True)
        y = m.ones(3, requires_grad=True)
        unused = m.autograd.grad(x * 2, [x, y], m.eye(3), is_grads_batched=True, allow_unused=True)
        zeros = m.autograd.grad(x * 2, [x, y], m.eye(3), is_grads_batched=True, materialize_grads=True)
        return [unused[1], zeros[0].numpy(), zeros[1].numpy()]

    got, want = run(ember), run(torch)
    assert got[0] is None and want[0] is None
    for a, b in zip(got[1:], want[1:], strict=True):
        assert a.shape == b.shape
        np.testing.assert_array_equal(a, b)


def test_batched_grad_shape_error_message_matches_torch() -> None:
    torch = pytest.importorskip("torch")
    messages = []
    for m in (ember, torch):
        x = m.ones(3, requires_grad=True)
        with pytest.raises(RuntimeError) as info:
            m.autograd.grad(x * 2, x, m.ones(3), is_grads_batched=True)
        messages.append(str(info.value).replace("torch.", "ember."))
    assert messages[0] == messages[1]
