"""An exception during backward (KeyboardInterrupt included) leaves every ``.grad`` as it
was before the call: all leaves get their gradient or none does, so a retry is correct.

Each test raises midway, after some leaves were accumulated (checked inside the raising
code), and compares every ``.grad`` (object, values, version) with its state before.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import ember


class Interrupt:
    """Builds a custom Function whose backward raises ``exc`` the first ``times`` times,
    recording which leaves already had a gradient when it raised."""

    def __init__(self, watch: list[Any], exc: type[BaseException] = KeyboardInterrupt, times: int = 1) -> None:
        self.watch = watch
        self.exc = exc
        self.left = times
        self.seen: list[bool] = []
        outer = self

        class Stop(ember.autograd.Function):
            @staticmethod
            def forward(ctx: Any, x: Any) -> Any:
                return x * 1

            @staticmethod
            def backward(ctx: Any, g: Any) -> Any:
                outer.seen = [w.grad is not None and bool((w.grad != 0).any()) for w in outer.watch]
                if outer.left > 0:
                    outer.left -= 1
                    raise outer.exc()
                return g

        self.fn = Stop


def _leaves(n: int, seed: int = 0) -> list[Any]:
    rng = np.random.default_rng(seed)
    return [ember.tensor(rng.standard_normal(3), requires_grad=True) for _ in range(n)]


def _loss(leaves: list[Any], stop: Interrupt, last: Any) -> Any:
    """Stop(last) is recorded first, so it runs last: every other leaf is accumulated before it."""
    total = stop.fn.apply(last).sum()
    for k, w in enumerate(leaves):
        total = total + (w * (k + 1)).sin().sum()
    return total


def _state(leaves: list[Any]) -> list[tuple]:
    return [(w._grad, None if w._grad is None else w._grad._data.copy(),
             None if w._grad is None else w._grad._version) for w in leaves]


def _assert_same(before: list[tuple], leaves: list[Any]) -> None:
    for (g, data, version), w in zip(before, leaves, strict=True):
        assert w._grad is g
        if g is not None:
            assert np.array_equal(g._data, data) and g._version == version


def _expected_grads(leaves: list[Any], last: Any) -> list[np.ndarray]:
    out = [np.cos(w._data * (k + 1)) * (k + 1) for k, w in enumerate(leaves)]
    return out + [np.ones_like(last._data)]


def test_interrupt_on_first_backward_leaves_no_grad() -> None:
    leaves, last = _leaves(20), _leaves(1, seed=1)[0]
    stop = Interrupt(leaves)
    loss = _loss(leaves, stop, last)
    with pytest.raises(KeyboardInterrupt):
        loss.backward(retain_graph=True)
    assert all(stop.seen), "the interrupt came before the leaves were accumulated"
    assert all(w.grad is None for w in [*leaves, last])
    loss.backward()  # the retry
    for w, e in zip([*leaves, last], _expected_grads(leaves, last), strict=True):
        np.testing.assert_allclose(w.grad._data, e, rtol=1e-6)


def test_interrupt_on_second_backward_restores_values_objects_and_versions() -> None:
    leaves, last = _leaves(10), _leaves(1, seed=1)[0]
    _loss(leaves, Interrupt([], times=0), last).backward()  # .grad holds one gradient each
    before = _state([*leaves, last])
    stop = Interrupt(leaves)
    loss = _loss(leaves, stop, last)
    with pytest.raises(KeyboardInterrupt):
        loss.backward(retain_graph=True)
    assert all(stop.seen[:1])
    _assert_same(before, [*leaves, last])
    loss.backward()
    for w, e in zip([*leaves, last], _expected_grads(leaves, last), strict=True):
        np.testing.assert_allclose(w.grad._data, 2 * e, rtol=1e-6)


def test_any_exception_rolls_back_and_a_fresh_forward_retries() -> None:
    leaves, last = _leaves(5), _leaves(1, seed=1)[0]
    stop = Interrupt(leaves, exc=MemoryError)
    with pytest.raises(MemoryError):
        _loss(leaves, stop, last).backward()
    assert all(w.grad is None for w in leaves)
    _loss(leaves, stop, last).backward()  # forward again, as a training loop would
    for w, e in zip([*leaves, last], _expected_grads(leaves, last), strict=True):
        np.testing.assert_allclose(w.grad._data, e, rtol=1e-6)


def test_interrupt_from_a_tensor_hook() -> None:
    a, b = _leaves(2)
    a.grad = ember.ones(3, dtype=ember.float64)
    before = _state([a, b])
    mid = b * 2
    calls = []

    def hook(g: Any) -> None:
        calls.append(a.grad.tolist())
        raise KeyboardInterrupt

    mid.register_hook(hook)
    loss = (a * 3).sum() + mid.sum()  # a's Node is recorded after mid's: a is accumulated first
    with pytest.raises(KeyboardInterrupt):
        loss.backward()
    assert calls == [[4.0, 4.0, 4.0]], "a was accumulated before the hook raised"
    _assert_same(before, [a, b])


def test_interrupt_from_a_post_accumulate_hook() -> None:
    a, b, c = _leaves(3)

    def hook(p: Any) -> None:
        raise KeyboardInterrupt

    c.register_post_accumulate_grad_hook(hook)
    loss = (c * 1).sum() + (a * b).sum()
    with pytest.raises(KeyboardInterrupt):
        loss.backward()
    assert a.grad is None and b.grad is None and c.grad is None


def test_retained_grad_and_non_leaf_inputs_roll_back() -> None:
    (a,) = _leaves(1)
    stop = Interrupt([])
    s = stop.fn.apply(a).sum()  # recorded first: runs last
    h = a * 2
    h.retain_grad()
    k = h.exp()
    stop.watch = [h]
    loss = (s + k.sum()) * 1
    with pytest.raises(KeyboardInterrupt):
        loss.backward(retain_graph=True)
    assert stop.seen == [True]
    assert h._grad is None and a.grad is None
    loss.backward(retain_graph=True)
    np.testing.assert_allclose(h.grad._data, np.exp(h._data), rtol=1e-6)
    stop.left = 1
    with pytest.raises(KeyboardInterrupt):
        loss.backward(inputs=[k, a], retain_graph=True)
    assert k._grad is None
    np.testing.assert_allclose(a.grad._data, 2 * np.exp(h._data) + 1, rtol=1e-6)


def test_create_graph_backward_rolls_back() -> None:
    leaves, last = _leaves(4), _leaves(1, seed=1)[0]
    stop = Interrupt(leaves)
    with pytest.raises(KeyboardInterrupt):
        _loss(leaves, stop, last).backward(create_graph=True)
    assert all(w.grad is None for w in leaves)
    _loss(leaves, stop, last).backward(create_graph=True)
    assert all(w.grad.grad_fn is not None for w in leaves)


def test_nested_backward_inside_a_failing_backward_is_undone() -> None:
    """A backward run inside another (as checkpointing does) is undone with it."""
    inner_leaf, outer_leaf = _leaves(2)

    class Nested(ember.autograd.Function):
        @staticmethod
        def forward(ctx: Any, x: Any) -> Any:
            return x * 1

        @staticmethod
        def backward(ctx: Any, g: Any) -> Any:
            with ember.enable_grad():
                (inner_leaf * 5).sum().backward()
            assert inner_leaf.grad is not None
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        (Nested.apply(outer_leaf).sum() + (outer_leaf * 2).sum()).backward()
    assert inner_leaf.grad is None and outer_leaf.grad is None


def test_autograd_grad_interrupted_touches_nothing() -> None:
    leaves, last = _leaves(3), _leaves(1, seed=1)[0]
    stop = Interrupt(leaves)
    with pytest.raises(KeyboardInterrupt):
        ember.autograd.grad(_loss(leaves, stop, last), [*leaves, last])
    assert all(w.grad is None for w in [*leaves, last])


def test_successful_backward_after_a_failed_one_in_an_optimizer_loop() -> None:
    ember.manual_seed(0)
    model = ember.nn.Sequential(ember.nn.Linear(4, 8), ember.nn.Tanh(), ember.nn.Linear(8, 1))
    opt = ember.optim.SGD(model.parameters(), lr=0.1)
    x, y = ember.randn(16, 4), ember.randn(16, 1)
    stop = Interrupt(list(model.parameters()))

    def step(interrupt: bool) -> None:
        opt.zero_grad()
        out = model(x)
        if interrupt:
            out = stop.fn.apply(out * 0) + out
        ember.nn.functional.mse_loss(out, y).backward()
        opt.step()

    stop.left = 1
    with pytest.raises(KeyboardInterrupt):
        step(True)
    assert all(p.grad is None for p in model.parameters())
    step(False)
    ember.manual_seed(0)
    ref = ember.nn.Sequential(ember.nn.Linear(4, 8), ember.nn.Tanh(), ember.nn.Linear(8, 1))
    ref_opt = ember.optim.SGD(ref.parameters(), lr=0.1)
    ember.nn.functional.mse_loss(ref(x), y).backward()
    ref_opt.step()
    for p, q in zip(model.parameters(), ref.parameters(), strict=True):
        np.testing.assert_allclose(p._data, q._data, rtol=1e-6)
