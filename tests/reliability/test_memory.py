"""Memory: saved tensors are freed by reference counting alone (``gc`` disabled) as soon
as backward has used them and when a graph goes out of scope, and a training loop does
not grow."""

from __future__ import annotations

import gc
import tracemalloc
import weakref
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

import ember


@pytest.fixture(autouse=True)
def no_gc() -> Iterator[None]:
    """Reference counting alone: a cycle anywhere would keep its memory."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _chain(n: int = 6) -> tuple[Any, list[Any], Any]:
    """x -> exp -> exp ... (each exp saves its output) -> sum; weak references to the saved arrays."""
    x = ember.tensor(np.linspace(0.0, 0.1, 1000), requires_grad=True)
    hs = []
    h = x
    for _ in range(n):
        h = (h * 0.1).exp()
        hs.append(h)
    refs = [weakref.ref(t._data) for t in hs]
    return x, refs, h.sum()


def test_saved_arrays_are_freed_as_backward_uses_them() -> None:
    x, refs, loss = _chain()
    alive_when_leaf_reached: list[int] = []
    x.register_hook(lambda g: alive_when_leaf_reached.append(sum(r() is not None for r in refs)))
    assert all(r() is not None for r in refs)  # the graph holds them (the tensors are gone)
    loss.backward()
    assert alive_when_leaf_reached == [0], "saved arrays outlived the Nodes that used them"
    assert all(r() is None for r in refs)


def test_saved_arrays_are_freed_during_backward_not_after() -> None:
    x, refs, loss = _chain(8)
    seen: list[int] = []
    # a hook on a middle Node's gradient: the Nodes after it have run and freed their arrays
    middle = loss.grad_fn.next_functions[0][0]
    for _ in range(3):
        middle = middle.next_functions[0][0].next_functions[0][0]
    middle.register_prehook(lambda grads: seen.append(sum(r() is not None for r in refs)))
    loss.backward()
    assert seen and seen[0] < len(refs)


def test_saved_tensors_freed_when_the_graph_is_dropped() -> None:
    x, refs, loss = _chain()
    node = weakref.ref(loss.grad_fn)
    del loss
    assert node() is None and all(r() is None for r in refs)
    assert x._accum is None or x._accum() is None


def test_retain_graph_keeps_them_until_the_graph_is_dropped() -> None:
    x, refs, loss = _chain()
    loss.backward(retain_graph=True)
    assert all(r() is not None for r in refs)
    loss.backward()
    assert all(r() is None for r in refs)
    x2, _, loss2 = _chain()
    loss2.backward()
    np.testing.assert_allclose(x.grad._data, 2 * x2.grad._data)


def test_autograd_grad_frees_saved_tensors() -> None:
    x, refs, loss = _chain()
    (g,) = ember.autograd.grad(loss, x)
    assert all(r() is None for r in refs)
    del g


def test_saved_input_tensors_are_freed() -> None:
    x = ember.ones(100, requires_grad=True)
    a = x * 2
    b = x * 3
    y = (a * b).sum()  # MulBackward0 saves a and b themselves
    ra, rb = weakref.ref(a), weakref.ref(b)
    del a, b
    assert ra() is not None and rb() is not None
    y.backward()
    assert ra() is None and rb() is None


def test_custom_function_saved_tensors_are_freed() -> None:
    class Square(ember.autograd.Function):
        @staticmethod
        def forward(ctx: Any, t: Any) -> Any:
            out = t * t
            ctx.save_for_backward(t, out)
            return out

        @staticmethod
        def backward(ctx: Any, g: Any) -> Any:
            t, _ = ctx.saved_tensors
            return 2 * t * g

    x = ember.ones(10, requires_grad=True)
    h = x * 1
    y = Square.apply(h)
    rh, ry = weakref.ref(h), weakref.ref(y._data)
    loss = y.sum()
    del h, y
    assert rh() is not None and ry() is not None
    loss.backward()
    assert rh() is None and ry() is None


def test_no_cycles_left_after_backward_and_teardown() -> None:
    model = ember.nn.Sequential(ember.nn.Linear(4, 8), ember.nn.ReLU(), ember.nn.Linear(8, 2))
    out = model(ember.randn(5, 4))
    ember.nn.functional.cross_entropy(out, ember.tensor([0, 1, 1, 0, 1])).backward()
    del out
    assert gc.collect() == 0


def test_two_thousand_training_steps_do_not_grow() -> None:
    ember.manual_seed(0)
    model = ember.nn.Sequential(ember.nn.Linear(3, 6), ember.nn.Tanh(), ember.nn.Linear(6, 1))
    opt = ember.optim.Adam(model.parameters(), lr=1e-3)
    x, y = ember.randn(8, 3), ember.randn(8, 1)

    def step() -> None:
        opt.zero_grad()
        loss = ember.nn.functional.mse_loss(model(x), y)
        loss.backward()
        opt.step()

    for _ in range(100):  # warm up: optimizer state, caches
        step()
    tracemalloc.start()
    try:
        for _ in range(200):
            step()
        # a full collection empties CPython's free lists (of tuples, floats, ...), which
        # otherwise fill up over the first couple of thousand steps and look like growth;
        # it must find no garbage: the loop makes no reference cycles
        assert gc.collect() == 0
        base, _ = tracemalloc.get_traced_memory()
        for _ in range(1800):
            step()
        assert gc.collect() == 0
        end, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert end - base < 8 * 1024, f"grew by {end - base} bytes over 1800 steps"


def test_a_long_chain_costs_under_500_bytes_per_node() -> None:
    """Issue 6's memory target: the graph of an N-Node chain, per Node (tracemalloc)."""
    def chain(n: int) -> ember.Tensor:
        y = ember.tensor([1.0], requires_grad=True)
        for _ in range(n):
            y = y * 1.0000001
        return y

    chain(1000)
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        y = chain(50_000)
        per_node = (tracemalloc.get_traced_memory()[0] - before) / 50_000
    finally:
        tracemalloc.stop()
    assert y.grad_fn is not None
    assert per_node < 500, f"{per_node:.0f} bytes per Node"
