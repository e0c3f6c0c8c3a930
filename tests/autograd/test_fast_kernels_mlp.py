"""The MLP hot path (matmul, bias add, relu, log_softmax, ``.grad`` accumulation) against PyTorch.

The array-level kernels (``ops/_fast.py``) sum a broadcast bias's gradient themselves and
hand ``AccumulateGrad`` arrays it may keep uncopied. These tests check the gradients
against PyTorch on the shapes and dtypes that take those paths and on the ones that must
not (dtype mixes, size-1 dims, 1-D and 3-D matmul, non-contiguous operands, hooks,
retained graphs, double backward), and that no ``.grad`` ever shares memory with another
``.grad``, a saved tensor, a parameter or a tensor a hook kept.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

rng = np.random.default_rng(11)


def _arrays(shapes: list[tuple], dtype: Any = np.float32) -> list[np.ndarray]:
    return [rng.standard_normal(s).astype(dtype) for s in shapes]


def _both(arrays: list[np.ndarray], grad: bool = True) -> tuple[list[Any], list[Any]]:
    ours = [ember.tensor(a, requires_grad=grad) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=grad) for a in arrays]
    return ours, theirs


def _close(ours: Any, theirs: Any, dtype: Any) -> None:
    assert (ours is None) == (theirs is None)
    if ours is None:
        return
    tol = 1e-5 if np.dtype(dtype) == np.float32 else 1e-12
    a, b = ours.numpy(), theirs.detach().numpy()
    assert a.shape == b.shape and a.dtype == b.dtype
    np.testing.assert_allclose(a, b, rtol=tol, atol=tol)


def _no_shared_memory(arrays: list[np.ndarray]) -> None:
    for i, a in enumerate(arrays):
        for b in arrays[i + 1:]:
            assert not np.shares_memory(a, b)


def _mlp(lib: Any, params: list[Any], x: Any, y: Any) -> Any:
    h = x
    n = len(params) // 2
    for i in range(n):
        z = h @ params[2 * i] + params[2 * i + 1]
        h = z.relu() if i < n - 1 else z
    return lib.nn.functional.cross_entropy(h, y)


SIZES = [(20, 16), (16,), (16, 12), (12,), (12, 5), (5,)]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_mlp_step_matches_torch(dtype: Any) -> None:
    arrays = _arrays(SIZES, dtype)
    x = rng.standard_normal((8, 20)).astype(dtype)
    y = rng.integers(0, 5, 8)
    ours, theirs = _both(arrays)
    _mlp(ember, ours, ember.tensor(x), ember.tensor(y)).backward()
    _mlp(torch, theirs, torch.tensor(x), torch.tensor(y)).backward()
    for a, b in zip(ours, theirs, strict=True):
        _close(a.grad, b.grad, dtype)
    grads = [p.grad.numpy() for p in ours]
    _no_shared_memory(grads + [p.detach().numpy() for p in ours])
    # An SGD step in place, then a second step: the stolen arrays are the .grads' own.
    with ember.no_grad():
        for p in ours:
            p -= 0.1 * p.grad
            p.grad = None
    with torch.no_grad():
        for p in theirs:
            p -= 0.1 * p.grad
            p.grad = None
    _mlp(ember, ours, ember.tensor(x), ember.tensor(y)).backward()
    _mlp(torch, theirs, torch.tensor(x), torch.tensor(y)).backward()
    for a, b in zip(ours, theirs, strict=True):
        _close(a.grad, b.grad, dtype)
        _close(a.detach(), b, dtype)


def test_retain_graph_twice_accumulates_and_in_place_grad_changes_stay_out_of_the_graph() -> None:
    arrays = _arrays(SIZES)
    x = rng.standard_normal((8, 20)).astype(np.float32)
    y = rng.integers(0, 5, 8)
    ours, theirs = _both(arrays)
    loss = _mlp(ember, ours, ember.tensor(x), ember.tensor(y))
    tloss = _mlp(torch, theirs, torch.tensor(x), torch.tensor(y))
    loss.backward(retain_graph=True)
    first = [p.grad.numpy().copy() for p in ours]
    # The optimizer-like in-place change of every .grad must not reach the retained graph.
    for p in ours:
        p.grad.mul_(0.0)
    loss.backward()
    for p, g in zip(ours, first, strict=True):
        np.testing.assert_array_equal(p.grad.numpy(), g)
    tloss.backward(retain_graph=True)
    tloss.backward()
    for p in ours:
        p.grad.mul_(2.0)
    for a, b in zip(ours, theirs, strict=True):
        _close(a.grad, b.grad, np.float32)


def test_parameter_used_twice_sums_both_uses() -> None:
    (w, b), (tw, tb) = _both(_arrays([(6, 6), (6,)]))
    x = rng.standard_normal((4, 6)).astype(np.float32)
    for lib, (w_, b_) in ((ember, (w, b)), (torch, (tw, tb))):
        h = (lib.tensor(x) @ w_ + b_).relu()
        ((h @ w_ + b_).tanh() * 3).sum().backward()
    _close(w.grad, tw.grad, np.float32)
    _close(b.grad, tb.grad, np.float32)
    _no_shared_memory([w.grad.numpy(), b.grad.numpy(), w.detach().numpy(), b.detach().numpy()])


def test_leaf_hook_that_keeps_the_gradient_gets_its_own_memory() -> None:
    (w, b), _ = _both(_arrays([(5, 3), (3,)]))
    x = ember.tensor(rng.standard_normal((4, 5)).astype(np.float32))
    kept: dict[str, list[ember.Tensor]] = {"w": [], "b": []}
    w.register_hook(lambda g: kept["w"].append(g))
    b.register_hook(lambda g: kept["b"].append(g))
    out = (x @ w + b).sum()
    out.backward(retain_graph=True)
    first = {k: v[0] for k, v in kept.items()}
    for k in first.values():
        for p in (w, b):
            assert not np.shares_memory(k.numpy(), p.grad.numpy())
    before = {k: v.numpy().copy() for k, v in first.items()}
    out.backward()  # adds into .grad in place: the kept tensors must not change
    for k, v in first.items():
        np.testing.assert_array_equal(v.numpy(), before[k])
    np.testing.assert_allclose(w.grad.numpy(), 2 * before["w"], rtol=1e-6)
    np.testing.assert_allclose(b.grad.numpy(), 2 * before["b"], rtol=1e-6)


def test_hook_returning_a_new_gradient_and_post_accumulate_hooks() -> None:
    (w, b), (tw, tb) = _both(_arrays([(5, 3), (3,)]))
    x = rng.standard_normal((4, 5)).astype(np.float32)
    seen: list[str] = []
    for lib, (w_, b_) in ((ember, (w, b)), (torch, (tw, tb))):
        w_.register_hook(lambda g: g * 2)
        b_.register_post_accumulate_grad_hook(lambda p: seen.append("post"))
        (lib.tensor(x) @ w_ + b_).relu().sum().backward()
    assert seen == ["post", "post"]
    _close(w.grad, tw.grad, np.float32)
    _close(b.grad, tb.grad, np.float32)


def test_nested_backward_in_a_hook_never_takes_the_outer_gradient() -> None:
    (w, b), _ = _both(_arrays([(5, 3), (3,)]))
    other = ember.tensor(np.zeros((5, 3), np.float32), requires_grad=True)
    x = ember.tensor(rng.standard_normal((4, 5)).astype(np.float32))

    kept: list[ember.Tensor] = []

    def hook(g: ember.Tensor) -> None:
        kept.append(g)
        other.backward(g)  # a nested backward of a leaf, with the outer gradient as its seed
        return None

    w.register_hook(hook)
    (x @ w + b).sum().backward()
    _no_shared_memory([other.grad.numpy(), w.grad.numpy(), kept[0].numpy()])
    np.testing.assert_array_equal(other.grad.numpy(), w.grad.numpy())


BIAS_CASES: list[tuple[str, tuple, tuple, Any, Any]] = [
    ("vector", (7, 4), (4,), np.float32, np.float32),
    ("row", (7, 4), (1, 4), np.float32, np.float32),
    ("column", (7, 4), (7, 1), np.float32, np.float32),
    ("scalar", (7, 4), (), np.float32, np.float32),
    ("full", (7, 4), (7, 4), np.float32, np.float32),
    ("batch3d", (2, 7, 4), (4,), np.float64, np.float64),
    ("batch3d_row", (2, 7, 4), (1, 4), np.float64, np.float64),
    ("wider_bias_dtype", (7, 4), (4,), np.float32, np.float64),
    ("narrower_bias_dtype", (7, 4), (4,), np.float64, np.float32),
]


@pytest.mark.parametrize("name, zshape, bshape, zdtype, bdtype", BIAS_CASES, ids=[c[0] for c in BIAS_CASES])
@pytest.mark.parametrize("op", ["add", "sub", "mul", "rsub"])
def test_broadcast_gradients_match_torch(name: str, zshape: tuple, bshape: tuple, zdtype: Any, bdtype: Any,
                                         op: str) -> None:
    z0 = rng.standard_normal(zshape).astype(zdtype)
    b0 = rng.standard_normal(bshape).astype(bdtype)
    fns: dict[str, Callable[[Any, Any], Any]] = {
        "add": lambda z, b: z + b, "sub": lambda z, b: z - b, "mul": lambda z, b: z * b, "rsub": lambda z, b: b - z,
    }
    grads = []
    for lib in (ember, torch):
        z = lib.tensor(z0, requires_grad=True)
        b = lib.tensor(b0, requires_grad=True)
        (fns[op](z, b).tanh() * 1.5).sum().backward()
        grads.append((z.grad, b.grad))
    (zg, bg), (tzg, tbg) = grads
    _close(zg, tzg, np.float32)
    _close(bg, tbg, np.float32)
    assert not np.shares_memory(zg.numpy(), bg.numpy())


MATMUL_CASES: list[tuple[str, Callable[[Any, Any, Any], Any], list[tuple]]] = [
    ("2d", lambda lib, a, b: a @ b, [(5, 4), (4, 3)]),
    ("1d_2d", lambda lib, a, b: a @ b, [(4,), (4, 3)]),
    ("2d_1d", lambda lib, a, b: a @ b, [(5, 4), (4,)]),
    ("1d_1d", lambda lib, a, b: a @ b, [(4,), (4,)]),
    ("3d_2d", lambda lib, a, b: a @ b, [(2, 5, 4), (4, 3)]),
    ("2d_3d", lambda lib, a, b: a @ b, [(5, 4), (2, 4, 3)]),
    ("transposed", lambda lib, a, b: a.t() @ b.t(), [(4, 5), (3, 4)]),
    ("sliced", lambda lib, a, b: a[:, ::2] @ b[1:], [(5, 8), (5, 3)]),
    ("mm", lambda lib, a, b: lib.mm(a, b), [(5, 4), (4, 3)]),
    ("matmul_fn", lambda lib, a, b: lib.matmul(a, b), [(5, 4), (4, 3)]),
    ("addmm", lambda lib, a, b: lib.addmm(lib.ones(3, dtype=a.dtype), a, b), [(5, 4), (4, 3)]),
    ("linear", lambda lib, a, b: lib.nn.functional.linear(a, b.t(), lib.ones(3, dtype=a.dtype)), [(5, 4), (4, 3)]),
    ("linear_3d", lambda lib, a, b: lib.nn.functional.linear(a, b.t(), lib.ones(3, dtype=a.dtype)),
     [(2, 5, 4), (4, 3)]),
]


@pytest.mark.parametrize("name, fn, shapes", MATMUL_CASES, ids=[c[0] for c in MATMUL_CASES])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_matmul_gradients_match_torch(name: str, fn: Callable[..., Any], shapes: list[tuple], dtype: Any) -> None:
    arrays = _arrays(shapes, dtype)
    ours, theirs = _both(arrays)
    out = fn(ember, *ours)
    tout = fn(torch, *theirs)
    _close(out.detach(), tout, dtype)
    w = rng.standard_normal(tuple(out.shape)).astype(dtype)
    (out * ember.tensor(w)).sum().backward()
    (tout * torch.tensor(w)).sum().backward()
    for a, b in zip(ours, theirs, strict=True):
        _close(a.grad, b.grad, dtype)
    _no_shared_memory([p.grad.numpy() for p in ours] + [p.detach().numpy() for p in ours])


def test_matmul_one_side_without_grad_and_mixed_dtypes() -> None:
    a, b = _arrays([(5, 4), (4, 3)])
    for grad_a, grad_b in ((False, True), (True, False)):
        x, w = ember.tensor(a, requires_grad=grad_a), ember.tensor(b, requires_grad=grad_b)
        tx, tw = torch.tensor(a, requires_grad=grad_a), torch.tensor(b, requires_grad=grad_b)
        (x @ w).relu().sum().backward()
        (tx @ tw).relu().sum().backward()
        _close(x.grad, tx.grad, np.float32)
        _close(w.grad, tw.grad, np.float32)
    x, w = ember.tensor(a), ember.tensor(b.astype(np.float64), requires_grad=True)
    with pytest.raises(RuntimeError, match="same dtype"):
        x @ w


@pytest.mark.parametrize("fn", ["log_softmax", "softmax"])
@pytest.mark.parametrize("shape, dim", [((6, 5), 1), ((6, 5), 0), ((6, 5), -1), ((2, 3, 4), 1), ((7,), 0)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_softmax_gradients_match_torch(fn: str, shape: tuple, dim: int, dtype: Any) -> None:
    (x,), (tx,) = _both(_arrays([shape], dtype))
    w = rng.standard_normal(shape).astype(dtype)
    out = getattr(ember, fn)(x, dim)
    tout = getattr(torch, fn)(tx, dim)
    _close(out.detach(), tout, dtype)
    (out * ember.tensor(w)).sum().backward()
    (tout * torch.tensor(w)).sum().backward()
    _close(x.grad, tx.grad, dtype)


def test_relu_gradient_keeps_nan_and_inf_as_torch() -> None:
    a = np.array([[-1.0, 0.0, 2.0, np.nan], [3.0, -0.0, np.inf, -np.inf]], np.float32)
    g = np.array([[np.inf, np.nan, np.nan, 5.0], [np.inf, -np.inf, 1.0, np.nan]], np.float32)
    x, tx = ember.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    x.relu().backward(ember.tensor(g))
    tx.relu().backward(torch.tensor(g))
    np.testing.assert_array_equal(x.grad.numpy(), tx.grad.numpy())


def test_double_backward_through_the_mlp_matches_torch() -> None:
    arrays = _arrays(SIZES, np.float64)
    x = rng.standard_normal((8, 20))
    y = rng.integers(0, 5, 8)
    results = []
    for lib in (ember, torch):
        params = [lib.tensor(a, requires_grad=True) for a in arrays]
        loss = _mlp(lib, params, lib.tensor(x), lib.tensor(y))
        grads = lib.autograd.grad(loss, params, create_graph=True)
        sum(((g * g).sum() for g in grads), lib.tensor(0.0, dtype=lib.float64)).backward()
        results.append([p.grad for p in params])
    for a, b in zip(*results, strict=True):
        _close(a, b, np.float64)


def test_autograd_grad_returns_fresh_gradients_and_leaves_grad_alone() -> None:
    (w, b), (tw, tb) = _both(_arrays([(5, 3), (3,)]))
    x = rng.standard_normal((4, 5)).astype(np.float32)
    gw, gb = ember.autograd.grad((ember.tensor(x) @ w + b).relu().sum(), (w, b))
    tgw, tgb = torch.autograd.grad((torch.tensor(x) @ tw + tb).relu().sum(), (tw, tb))
    assert w.grad is None and b.grad is None
    _close(gw, tgw, np.float32)
    _close(gb, tgb, np.float32)
    # backward(inputs=...) accumulates only into the named leaves
    loss = (ember.tensor(x) @ w + b).sum()
    loss.backward(inputs=[b])
    assert w.grad is None
    np.testing.assert_allclose(b.grad.numpy(), np.full(3, 4.0, np.float32))


def test_nn_linear_training_matches_torch() -> None:
    layers = [(20, 16), (16, 5)]
    params = _arrays([s for i, o in layers for s in ((o, i), (o,))])
    x = rng.standard_normal((8, 20)).astype(np.float32)
    y = rng.integers(0, 5, 8)
    models = []
    for lib in (ember, torch):
        lin = [lib.nn.Linear(i, o) for i, o in layers]
        with lib.no_grad():
            for k, m in enumerate(lin):
                m.weight.copy_(lib.tensor(params[2 * k]))
                m.bias.copy_(lib.tensor(params[2 * k + 1]))
        model = lib.nn.Sequential(lin[0], lib.nn.ReLU(), lin[1])
        opt = lib.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        for _ in range(3):
            opt.zero_grad()
            lib.nn.functional.cross_entropy(model(lib.tensor(x)), lib.tensor(y)).backward()
            opt.step()
        models.append(model)
    for a, b in zip(models[0].parameters(), models[1].parameters(), strict=True):
        _close(a.detach(), b, np.float32)
        _close(a.grad, b.grad, np.float32)


def test_a_users_seed_gradient_is_never_kept_as_grad() -> None:
    for make in (lambda w: w, lambda w: w + 0, lambda w: w - 0, lambda w: w + ember.zeros(3)):
        w = ember.tensor(np.ones(3, np.float32), requires_grad=True)
        v = ember.tensor(np.arange(3, dtype=np.float32))
        make(w).backward(v)
        assert not np.shares_memory(w.grad.numpy(), v.numpy())
        v.mul_(0)
        np.testing.assert_array_equal(w.grad.numpy(), np.arange(3, dtype=np.float32))
