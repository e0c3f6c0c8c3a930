"""Hooks: tensor hooks, retain_grad, Node pre/post hooks, post-accumulate hooks; PyTorch's order."""

from __future__ import annotations

import pytest

import ember


def run_hooks(torch):
    """The same program for ember and PyTorch; returns the log of hook calls."""
    log = []
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    z = y * 3
    y.register_hook(lambda g: log.append(("tensor_hook_y", g.tolist())))
    y.retain_grad()
    y.register_hook(lambda g: (log.append(("tensor_hook_y2", g.tolist())), g * 10)[1])
    z.grad_fn.register_prehook(lambda gout: log.append(("z_prehook", [t.tolist() for t in gout])))
    z.grad_fn.register_hook(lambda gin, gout: log.append(
        ("z_hook", [None if t is None else t.tolist() for t in gin], [t.tolist() for t in gout])))
    y.grad_fn.register_hook(lambda gin, gout: (
        log.append(("y_hook", [None if t is None else t.tolist() for t in gin])), (gin[0] + 1, gin[1]))[1])
    x.register_hook(lambda g: log.append(("x_hook", g.tolist())))
    x.register_post_accumulate_grad_hook(lambda t: log.append(("x_post", t.grad.tolist())))
    z.sum().backward()
    log.append(("y.grad", y.grad.tolist()))
    log.append(("x.grad", x.grad.tolist()))
    return log


# PyTorch 2.13's log for run_hooks: Node pre-hook, Node hook, then the tensor hooks of
# the output y (in registration order, retain_grad after them all, seeing the hooked
# gradient), then the Node hook of y's Node (whose returned tuple replaces its
# gradients), then the leaf's hook and its post-accumulate hook.
EXPECTED = [
    ("z_prehook", [[1.0, 1.0]]),
    ("z_hook", [[3.0, 3.0], None], [[1.0, 1.0]]),
    ("tensor_hook_y", [3.0, 3.0]),
    ("tensor_hook_y2", [3.0, 3.0]),
    ("y_hook", [[60.0, 60.0], None]),
    ("x_hook", [61.0, 61.0]),
    ("x_post", [61.0, 61.0]),
    ("y.grad", [30.0, 30.0]),
    ("x.grad", [61.0, 61.0]),
]


def test_hook_order_and_values():
    assert run_hooks(ember) == EXPECTED


def test_hook_order_matches_torch():
    torch = pytest.importorskip("torch")
    assert run_hooks(torch) == EXPECTED


def test_removed_hook_does_not_run():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    h = x.register_hook(lambda g: g * 0)
    h.remove()
    (x * 1).sum().backward()
    assert x.grad.tolist() == [1.0, 1.0]
    with x.register_hook(lambda g: g * 0):   # handles are context managers too
        pass
    x.grad = None
    (x * 1).sum().backward()
    assert x.grad.tolist() == [1.0, 1.0]


def test_hook_errors():
    with pytest.raises(RuntimeError, match="cannot register a hook on a tensor that doesn't require gradient"):
        ember.ones(2).register_hook(lambda g: g)
    w = ember.ones(2, requires_grad=True)
    w.register_hook(lambda g: ember.ones(3))
    with pytest.raises(RuntimeError, match="hook '<lambda>' has changed the size of value"):
        (w * 2).sum().backward()

    def widen(g):
        return g.double()

    v = ember.ones(2, requires_grad=True)
    y = v * 2
    y.register_hook(widen)
    with pytest.raises(RuntimeError, match=r"hook 'widen' has changed the type of value \(was ember.FloatTensor got "
                                           r"ember.DoubleTensor\)"):
        y.sum().backward()
    u = ember.ones(2, requires_grad=True)
    u.register_hook(lambda g: "a")
    with pytest.raises(TypeError, match="expected Variable, but hook returned 'str'"):
        (u * 2).sum().backward()


def test_node_metadata_and_name():
    x = ember.ones(2, requires_grad=True)
    y = x.exp()
    y.grad_fn.metadata["tag"] = "mine"
    assert y.grad_fn.metadata == {"tag": "mine"}
    assert y.grad_fn.name() == "ExpBackward0"
    assert isinstance(y.grad_fn, ember.autograd.graph.Node)
