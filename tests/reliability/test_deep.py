"""Deep and wide graphs: a million-Node chain backpropagates, prints and is torn down at
a low recursion limit (nothing recurses: not the engine, not repr, not deallocation),
and a ladder with 2**60 paths backpropagates in milliseconds with the exact gradient.

The deep cases run in a subprocess, whose stack is shallow enough to lower the
recursion limit to a few dozen frames.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time

import pytest

import ember

LOW_LIMIT = 40


def _run(code: str, timeout: int = 120) -> str:
    out = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                         timeout=timeout)
    assert out.returncode == 0, out.stderr[-3000:]
    return out.stdout


def test_million_node_chain_backward_print_and_teardown_at_a_low_recursion_limit() -> None:
    out = _run(f"""
        import gc, sys, weakref
        import ember
        gc.disable()  # teardown by reference counting alone
        x = ember.tensor([1.0], dtype=ember.float64, requires_grad=True)
        y = x
        for _ in range(1_000_000):
            y = y * 1.000001
        sys.setrecursionlimit({LOW_LIMIT})
        print(repr(y))
        print(repr(y.grad_fn), y.grad_fn.name(), len(y.grad_fn.next_functions))
        print(str(y), y.grad_fn.next_functions[0][0].name())
        y.backward(ember.ones(1, dtype=ember.float64), retain_graph=True)
        assert abs(x.grad.item() - 1.000001 ** 1_000_000) < 1e-6, x.grad
        print(repr(x.grad))
        first = weakref.ref(x._accum())
        del y  # drops a million Nodes
        assert first() is None, "the graph was not freed"
        print("ok")
    """)
    lines = out.splitlines()
    assert lines[-1] == "ok"
    assert lines[0] == "tensor([2.7183], dtype=ember.float64, grad_fn=<MulBackward0>)"
    assert "MulBackward0 object at" in lines[1]


def test_chains_with_saved_tensors_are_torn_down_without_recursion() -> None:
    """Node -> saved Tensor -> its Node -> ...: freed at a low limit, before and after backward."""
    out = _run(f"""
        import gc, sys, weakref
        import ember
        gc.disable()
        def chain(n, op):
            x = ember.tensor([0.5], dtype=ember.float64, requires_grad=True)
            y = x
            for i in range(n):
                y = op(y, i)
            return x, y
        ops = {{
            "mul_tensor": lambda y, i: y * ember.tensor([1.0], dtype=ember.float64),
            "sin_cos": lambda y, i: y.sin() if i % 2 else y.cos(),
            "exp_output": lambda y, i: (y * 1e-3).exp(),
        }}
        for name, op in ops.items():
            for do_backward in (False, True):
                x, y = chain(30_000, op)
                leaf_node = weakref.ref(x._accum())
                old = sys.getrecursionlimit()
                sys.setrecursionlimit({LOW_LIMIT})
                if do_backward:
                    y.sum().backward(retain_graph=True)
                repr(y)
                del y
                sys.setrecursionlimit(old)
                assert leaf_node() is None, name
        print("ok")
    """)
    assert out.splitlines()[-1] == "ok"


def test_repr_of_deep_graphs_needs_no_stack() -> None:
    x = ember.ones(2, requires_grad=True)
    y = x
    for _ in range(5000):
        y = y.sin()
    depth = _depth()
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(depth + 25)
    try:
        text = repr(y) + str(y) + repr(y.grad_fn) + repr(y.grad_fn.next_functions)
        text += repr(y.detach()) + format(y.grad_fn)
    finally:
        sys.setrecursionlimit(old)
    assert "SinBackward0" in text


def _depth() -> int:
    f, n = sys._getframe(), 0
    while f is not None:
        f, n = f.f_back, n + 1
    return n


@pytest.mark.parametrize("rungs", [60, 200])
def test_ladder_with_two_to_the_rungs_paths(rungs: int) -> None:
    """y <- y*a + y*b, each rung sharing the previous one: 2**rungs paths from y to x."""
    x = ember.tensor([1.0], dtype=ember.float64, requires_grad=True)
    a = ember.tensor([0.75], dtype=ember.float64, requires_grad=True)
    b = ember.tensor([1.25], dtype=ember.float64, requires_grad=True)
    y = x
    for _ in range(rungs):
        y = y * a + y * b
    start = time.perf_counter()
    y.backward()
    elapsed = time.perf_counter() - start
    assert elapsed < 1.0, f"{elapsed:.3f}s: the engine must visit Nodes, not paths"
    # y = (a + b)**n x with a + b = 2: every value below is a power of two times a small integer
    assert x.grad.item() == 2.0 ** rungs
    assert a.grad.item() == rungs * 2.0 ** (rungs - 1)
    assert b.grad.item() == rungs * 2.0 ** (rungs - 1)


def test_ladder_autograd_grad_and_second_order() -> None:
    x = ember.tensor([1.0], dtype=ember.float64, requires_grad=True)
    y = x
    for _ in range(60):
        y = y * 0.5 + y * 1.5 + (y * 0).detach()
    (g,) = ember.autograd.grad(y, x, create_graph=True)
    assert g.item() == 2.0 ** 60
    z = y * x  # z = 2**60 x**2: dz/dx = 2**61 x, d2z/dx2 = 2**61
    (g,) = ember.autograd.grad(z, x, create_graph=True)
    (g2,) = ember.autograd.grad(g, x)
    assert g.item() == 2.0 ** 61 and g2.item() == 2.0 ** 61


def test_wide_graph_many_leaves_into_one_node() -> None:
    leaves = [ember.tensor([float(i)], requires_grad=True) for i in range(20_000)]
    total = ember.stack(leaves).sum() + ember.cat(leaves).pow(2).sum()
    total.backward()
    assert all(w.grad.item() == 1.0 + 2.0 * i for i, w in enumerate(leaves))
