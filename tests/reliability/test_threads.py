"""Threads: grad mode is per thread, independent graphs backpropagate correctly side by
side, accumulation into one shared leaf is exact, and a graph used by several threads
at once without retain_graph runs in one and raises PyTorch's error in the others."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import ember
from ember.autograd.graph import FREED_MESSAGE

N_THREADS = 8


@pytest.fixture(autouse=True)
def _switch_often() -> Any:
    """Make the interpreter switch threads often, so races show up."""
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(old)


def run_threads(fn: Callable[[int], Any], n: int = N_THREADS) -> list[Any]:
    """``fn(i)`` in ``n`` threads started together; their results, or the exceptions they raised."""
    barrier = threading.Barrier(n)
    results: list[Any] = [None] * n

    def body(i: int) -> None:
        barrier.wait()
        try:
            results[i] = fn(i)
        except BaseException as e:  # noqa: BLE001 - reported to the test
            results[i] = e

    threads = [threading.Thread(target=body, args=(i,)) for i in range(n)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=60)
    assert not any(th.is_alive() for th in threads)
    return results


def test_grad_mode_is_thread_local() -> None:
    inside = threading.Event()
    checked = threading.Event()
    seen: dict[str, Any] = {}

    def no_grad_thread() -> None:
        with ember.no_grad():
            inside.set()
            checked.wait(10)
            seen["inside"] = ember.is_grad_enabled()
            seen["inside_rg"] = (ember.ones(2, requires_grad=True) * 2).requires_grad

    th = threading.Thread(target=no_grad_thread)
    th.start()
    inside.wait(10)
    seen["main"] = ember.is_grad_enabled()
    seen["main_rg"] = (ember.ones(2, requires_grad=True) * 2).requires_grad
    checked.set()
    th.join(10)
    assert seen == {"main": True, "main_rg": True, "inside": False, "inside_rg": False}


def test_set_grad_enabled_and_inference_mode_are_thread_local() -> None:
    def body(i: int) -> tuple[bool, bool, bool]:
        if i % 3 == 0:
            ctx: Any = ember.set_grad_enabled(False)
        elif i % 3 == 1:
            ctx = ember.inference_mode()
        else:
            ctx = ember.enable_grad()
        with ctx:
            for _ in range(200):
                y = ember.ones(2, requires_grad=True) * 2
                if y.requires_grad != (i % 3 == 2):
                    return (False, False, False)
            return (True, ember.is_grad_enabled(), ember.is_inference_mode_enabled())

    results = run_threads(body, 9)
    for i, r in enumerate(results):
        assert r == (True, i % 3 == 2, i % 3 == 1), (i, r)
    assert ember.is_grad_enabled() and not ember.is_inference_mode_enabled()


def _mlp_grads(seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    w1 = ember.tensor(rng.standard_normal((4, 8)), requires_grad=True)
    w2 = ember.tensor(rng.standard_normal((8, 1)), requires_grad=True)
    x = ember.tensor(rng.standard_normal((16, 4)))
    for _ in range(20):
        loss = ((x @ w1).tanh() @ w2).pow(2).mean()
        loss.backward()
    return [w1.grad._data.copy(), w2.grad._data.copy()]


def test_independent_graphs_in_threads_match_serial_results() -> None:
    expected = [_mlp_grads(i) for i in range(N_THREADS)]
    results = run_threads(_mlp_grads)
    for got, want in zip(results, expected, strict=True):
        assert not isinstance(got, BaseException), got
        for g, w in zip(got, want, strict=True):
            np.testing.assert_array_equal(g, w)


def test_accumulation_into_a_shared_leaf_is_exact() -> None:
    # large enough that NumPy's in-place add releases the GIL: unguarded, updates get lost
    w = ember.zeros(200_000, dtype=ember.float64, requires_grad=True)
    steps = 30

    def body(i: int) -> None:
        for k in range(steps):
            (w * float(i + 1)).sum().backward()  # each adds i + 1 to every element
            if k % 7 == 0:
                (w * 0.0 + w * float(i + 1)).sum().backward()  # two paths into the leaf

    results = run_threads(body)
    assert not any(isinstance(r, BaseException) for r in results), results
    per_thread = [(i + 1) * (steps + len(range(0, steps, 7))) for i in range(N_THREADS)]
    np.testing.assert_array_equal(w.grad._data, np.full(200_000, float(sum(per_thread))))


def test_accumulation_of_first_gradients_is_exact() -> None:
    """Many leaves, each reached by all threads once: the first write must not be lost."""
    leaves = [ember.zeros(3, requires_grad=True) for _ in range(200)]

    def body(i: int) -> None:
        for w in leaves:
            (w + 1).sum().backward()

    run_threads(body)
    for w in leaves:
        assert w.grad.tolist() == [float(N_THREADS)] * 3


def test_shared_graph_without_retain_graph_runs_once() -> None:
    for trial in range(10):
        x = ember.tensor([1.0, 2.0, 3.0], requires_grad=True)
        h = x
        for _ in range(30):
            h = (h * 1.01).sin()
        loss = h.sum()

        results = run_threads(lambda i, loss=loss: loss.backward())
        errors = [r for r in results if isinstance(r, BaseException)]
        assert len(errors) == N_THREADS - 1, (trial, results)
        for e in errors:
            assert isinstance(e, RuntimeError) and str(e) == FREED_MESSAGE
        # exactly one backward's worth reached x
        y = ember.tensor([1.0, 2.0, 3.0], requires_grad=True)
        k = y
        for _ in range(30):
            k = (k * 1.01).sin()
        k.sum().backward()
        np.testing.assert_array_equal(x.grad._data, y.grad._data)


def test_shared_graph_with_retain_graph_runs_in_every_thread() -> None:
    x = ember.tensor([1.0, 2.0, 3.0], dtype=ember.float64, requires_grad=True)
    loss = (x * x).sin().sum()
    results = run_threads(lambda i: loss.backward(retain_graph=True))
    assert not any(isinstance(r, BaseException) for r in results), results
    expected = np.cos(x._data ** 2) * 2 * x._data * N_THREADS
    np.testing.assert_allclose(x.grad._data, expected, rtol=1e-12)


def test_autograd_grad_in_threads_on_a_shared_graph_with_retain_graph() -> None:
    x = ember.tensor([0.5, 1.5], dtype=ember.float64, requires_grad=True)
    loss = (x.exp() * x).sum()
    results = run_threads(lambda i: ember.autograd.grad(loss, x, retain_graph=True)[0])
    for r in results:
        np.testing.assert_allclose(r._data, np.exp(x._data) * (1 + x._data), rtol=1e-12)
    assert x.grad is None
