"""ember.optim against torch.optim: trajectories, state dicts, param groups, errors.

Each trajectory test starts torch and ember from the same float32 parameters and feeds
each side the gradient of the same quadratic plus the same precomputed noise, computed
from that side's own parameters, for 100 steps (the second parameter gets no gradient on
odd steps, which must skip it). Parameters and the final state agree to rtol=5e-5,
atol=5e-6: the float32 operations follow PyTorch's order, but PyTorch fuses some
multiply-adds (one rounding instead of two), and such 1-ulp differences feed back through
the gradients over the steps.
"""

from __future__ import annotations

import copy
import warnings

import numpy as np
import pytest
import torch

import ember
import ember.optim as eoptim

RTOL, ATOL = 5e-5, 5e-6

CASES = [
    ("SGD", {"lr": 0.1}),
    ("SGD", {"lr": 0.1, "momentum": 0.9}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "nesterov": True, "weight_decay": 0.1}),
    ("SGD", {"lr": 0.1, "momentum": 0.5, "dampening": 0.3, "maximize": True}),
    ("Adam", {"lr": 0.01}),
    ("Adam", {"lr": 0.01, "amsgrad": True, "weight_decay": 0.1}),
    ("Adam", {"lr": 0.01, "maximize": True, "betas": (0.8, 0.99), "eps": 1e-6}),
    ("Adam", {"lr": 0.01, "weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("AdamW", {"lr": 0.01}),
    ("AdamW", {"lr": 0.01, "amsgrad": True, "weight_decay": 0.3}),
    ("RMSprop", {"lr": 0.01}),
    ("RMSprop", {"lr": 0.01, "centered": True, "momentum": 0.9, "weight_decay": 0.1}),
    ("RMSprop", {"lr": 0.001, "centered": True, "alpha": 0.9}),
    ("RMSprop", {"lr": 0.01, "momentum": 0.5, "maximize": True}),
    ("Adagrad", {"lr": 0.1}),
    ("Adagrad", {"lr": 0.1, "lr_decay": 0.01, "weight_decay": 0.1, "initial_accumulator_value": 0.1}),
    ("Adadelta", {}),
    ("Adadelta", {"lr": 0.5, "rho": 0.95, "weight_decay": 0.1, "maximize": True}),
    ("Adamax", {"lr": 0.01}),
    ("Adamax", {"lr": 0.01, "weight_decay": 0.1, "betas": (0.8, 0.9)}),
    ("NAdam", {"lr": 0.01}),
    ("NAdam", {"lr": 0.01, "weight_decay": 0.1}),
    ("NAdam", {"lr": 0.01, "weight_decay": 0.1, "decoupled_weight_decay": True, "momentum_decay": 0.01}),
    ("RAdam", {"lr": 0.01}),
    ("RAdam", {"lr": 0.01, "weight_decay": 0.1}),
    ("RAdam", {"lr": 0.01, "weight_decay": 0.1, "decoupled_weight_decay": True}),
]

SHAPES = ((3, 4), (5,))


def _initial(seed: int = 0, steps: int = 100):
    rng = np.random.default_rng(seed)
    init = [rng.standard_normal(s).astype(np.float32) for s in SHAPES]
    noise = [[rng.standard_normal(s).astype(np.float32) for s in SHAPES] for _ in range(steps)]
    return init, noise


def _set_grads(tp, ep, noise_k, k):
    """The gradient of 0.25 * |p|^2 plus noise; the second parameter has none on odd steps."""
    for i, (a, b, n) in enumerate(zip(tp, ep, noise_k, strict=True)):
        if i == 1 and k % 2:
            a.grad, b.grad = None, None
            continue
        a.grad = a.detach() * 0.5 + torch.from_numpy(n)
        b.grad = ember.from_numpy(b._data * np.float32(0.5) + n)


def _assert_close(t, e, rtol=RTOL, atol=ATOL):
    np.testing.assert_allclose(e._data, t.detach().numpy(), rtol=rtol, atol=atol)


def _pair(name, kwargs, init):
    tp = [torch.tensor(a.copy(), requires_grad=True) for a in init]
    ep = [ember.tensor(a.copy(), requires_grad=True) for a in init]
    return tp, ep, getattr(torch.optim, name)(tp, **kwargs), getattr(eoptim, name)(ep, **kwargs)


@pytest.mark.parametrize(("name", "kwargs"), CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES)])
def test_trajectory_matches_torch(name, kwargs):
    init, noise = _initial()
    tp, ep, topt, eopt = _pair(name, kwargs, init)
    for k in range(100):
        _set_grads(tp, ep, noise[k], k)
        topt.step()
        eopt.step()
        for a, b in zip(tp, ep, strict=True):
            _assert_close(a, b)
    # The state: same keys, same dtypes, same values; the step count as a 0-d float32 tensor.
    tsd, esd = topt.state_dict(), eopt.state_dict()
    assert esd["param_groups"] == tsd["param_groups"]
    assert list(esd["state"]) == list(tsd["state"])
    for i, tstate in tsd["state"].items():
        estate = esd["state"][i]
        assert list(estate) == list(tstate)
        for key, tval in tstate.items():
            eval_ = estate[key]
            assert isinstance(eval_, ember.Tensor)
            assert str(eval_.dtype).split(".")[1] == str(tval.dtype).split(".")[1], key
            assert eval_.shape == tuple(tval.shape)
            _assert_close(tval, eval_, rtol=1e-4, atol=1e-5)
    assert repr(eopt) == repr(topt)


def test_parameters_bump_version_and_stay_leaves():
    w = ember.tensor([1.0, 2.0], requires_grad=True)
    opt = eoptim.Adam([w], lr=0.1)
    y = (w * w).sum()  # saves w
    y.backward(retain_graph=True)
    v = w._version
    opt.step()
    assert w._version == v + 1 and w.is_leaf and w.requires_grad and w.grad_fn is None
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.backward()


def test_training_with_autograd_matches_torch():
    """Linear regression: ember's autograd computes the gradients, ember.optim applies them."""
    rng = np.random.default_rng(1)
    x, y = rng.standard_normal((16, 3)).astype(np.float32), rng.standard_normal((16, 1)).astype(np.float32)
    w0 = rng.standard_normal((3, 1)).astype(np.float32)
    for name, kwargs in [("SGD", {"lr": 0.05, "momentum": 0.9}), ("Adam", {"lr": 0.05})]:
        tw, ew = torch.tensor(w0, requires_grad=True), ember.tensor(w0, requires_grad=True)
        topt, eopt = getattr(torch.optim, name)([tw], **kwargs), getattr(eoptim, name)([ew], **kwargs)
        tx, ty, ex, ey = torch.tensor(x), torch.tensor(y), ember.tensor(x), ember.tensor(y)
        for _ in range(30):
            for opt, loss in ((topt, ((tx @ tw - ty) ** 2).mean()), (eopt, ((ex @ ew - ey) ** 2).mean())):
                opt.zero_grad()
                loss.backward()
                opt.step()
            _assert_close(tw, ew)


def test_param_groups_with_their_own_options():
    init, noise = _initial(2, 20)
    tp = [torch.tensor(a.copy(), requires_grad=True) for a in init]
    ep = [ember.tensor(a.copy(), requires_grad=True) for a in init]
    for name in ("SGD", "Adam", "RMSprop"):
        tp = [torch.tensor(a.copy(), requires_grad=True) for a in init]
        ep = [ember.tensor(a.copy(), requires_grad=True) for a in init]
        topt = getattr(torch.optim, name)([{"params": [tp[0]]}, {"params": [tp[1]], "lr": 0.5}], lr=0.01)
        eopt = getattr(eoptim, name)([{"params": [ep[0]]}, {"params": [ep[1]], "lr": 0.5}], lr=0.01)
        assert [g["lr"] for g in eopt.param_groups] == [0.01, 0.5]
        for k in range(20):
            _set_grads(tp, ep, noise[k], 0)
            topt.step()
            eopt.step()
        for a, b in zip(tp, ep, strict=True):
            _assert_close(a, b)
        assert eopt.state_dict()["param_groups"] == topt.state_dict()["param_groups"]


def test_add_param_group():
    a, b = ember.ones(2, requires_grad=True), ember.ones(3, requires_grad=True)
    opt = eoptim.SGD([a], lr=0.1, momentum=0.9)
    opt.add_param_group({"params": b, "lr": 0.2})
    assert opt.param_groups[1]["params"] == [b]
    assert opt.param_groups[1]["momentum"] == 0.9 and opt.param_groups[1]["lr"] == 0.2
    with pytest.raises(ValueError, match="some parameters appear in more than one parameter group"):
        opt.add_param_group({"params": [a]})
    with pytest.raises(TypeError, match="param_group must be a dict"):
        opt.add_param_group([a])


def test_named_params():
    a, b = ember.ones(2, requires_grad=True), ember.ones(3, requires_grad=True)
    opt = eoptim.SGD([("a", a), ("b", b)], lr=0.1)
    assert opt.param_groups[0]["param_names"] == ["a", "b"]
    assert opt.state_dict()["param_groups"][0]["param_names"] == ["a", "b"]


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "Adamax", "NAdam",
                                  "RAdam"])
def test_state_dict_round_trip(name):
    """Save after 10 steps, load into a fresh optimizer on copies, and continue identically."""
    kwargs = {"lr": 0.01, "momentum": 0.9} if name in ("SGD", "RMSprop") else {}
    init, noise = _initial(3, 20)
    _, ep, _, eopt = _pair(name, kwargs, init)
    for k in range(10):
        for p, n in zip(ep, noise[k], strict=True):
            p.grad = ember.from_numpy(n.copy())
        eopt.step()
    saved = copy.deepcopy(eopt.state_dict())
    ep2 = [ember.tensor(p._data.copy(), requires_grad=True) for p in ep]
    eopt2 = getattr(eoptim, name)(ep2, lr=123.0)
    eopt2.load_state_dict(saved)
    assert eopt2.param_groups[0]["lr"] == eopt.param_groups[0]["lr"]
    assert eopt2.param_groups[0]["params"] == ep2
    for k in range(10, 20):
        for ps in (ep, ep2):
            for p, n in zip(ps, noise[k], strict=True):
                p.grad = ember.from_numpy(n.copy())
        eopt.step()
        eopt2.step()
    for a, b in zip(ep, ep2, strict=True):
        np.testing.assert_array_equal(a._data, b._data)


def test_state_dict_loads_into_torch_layout():
    """An ember state dict has torch's layout: torch can load one converted tensor by tensor."""
    init, noise = _initial(4, 5)
    tp, ep, topt, eopt = _pair("Adam", {"lr": 0.01, "amsgrad": True}, init)
    for k in range(5):
        _set_grads(tp, ep, noise[k], 0)
        topt.step()
        eopt.step()
    esd = eopt.state_dict()
    converted = {
        "state": {i: {k: torch.tensor(v._data) for k, v in s.items()} for i, s in esd["state"].items()},
        "param_groups": esd["param_groups"],
    }
    tp2 = [torch.tensor(p.detach().numpy().copy(), requires_grad=True) for p in tp]
    topt2 = torch.optim.Adam(tp2)
    topt2.load_state_dict(converted)
    for p, n in zip(tp2, noise[0], strict=True):
        p.grad = torch.from_numpy(n.copy())
    for p, n in zip(tp, noise[0], strict=True):
        p.grad = torch.from_numpy(n.copy())
    topt.step()
    topt2.step()
    for a, b in zip(tp, tp2, strict=True):
        torch.testing.assert_close(a, b, rtol=1e-5, atol=1e-6)


def test_load_state_dict_errors_and_casts():
    a = ember.ones(2, requires_grad=True)
    b = ember.ones(2, dtype=ember.float64, requires_grad=True)
    opt = eoptim.Adam([a])
    a.grad = ember.ones(2)
    opt.step()
    sd = opt.state_dict()
    with pytest.raises(ValueError, match="loaded state dict has a different number of parameter groups"):
        eoptim.Adam([{"params": [a]}, {"params": [b]}]).load_state_dict(sd)
    with pytest.raises(ValueError, match="doesn't match the size of optimizer's group"):
        eoptim.Adam([a, b]).load_state_dict(sd)
    opt64 = eoptim.Adam([b])
    opt64.load_state_dict(sd)
    assert opt64.state[b]["exp_avg"].dtype == ember.float64
    assert opt64.state[b]["step"].dtype == ember.float32  # "step" is never cast


def test_zero_grad():
    w = ember.tensor([1.0, 2.0], requires_grad=True)
    opt = eoptim.SGD([w], lr=0.1)
    w.grad = ember.tensor([3.0, 4.0])
    g = w.grad
    opt.zero_grad(set_to_none=False)
    assert w.grad is g and w.grad.tolist() == [0.0, 0.0]
    opt.zero_grad()
    assert w.grad is None


def test_closure_runs_with_grad_enabled_and_returns_loss():
    w = ember.tensor([1.0], requires_grad=True)
    opt = eoptim.SGD([w], lr=0.5)

    def closure():
        opt.zero_grad()
        loss = (w * w).sum()
        loss.backward()
        return loss

    with ember.no_grad():
        loss = opt.step(closure)
    assert loss.item() == 1.0
    assert w.tolist() == [0.0]


def test_step_hooks():
    w = ember.tensor([1.0], requires_grad=True)
    opt = eoptim.SGD([w], lr=0.5)
    calls = []
    h1 = opt.register_step_pre_hook(lambda o, args, kwargs: calls.append(("pre", o is opt)))
    opt.register_step_post_hook(lambda o, args, kwargs: calls.append(("post", o is opt)))
    opt.step()
    h1.remove()
    opt.step()
    assert calls == [("pre", True), ("post", True), ("post", True)]


def test_tensor_lr():
    init, noise = _initial(5, 10)
    tp = [torch.tensor(a.copy(), requires_grad=True) for a in init]
    ep = [ember.tensor(a.copy(), requires_grad=True) for a in init]
    topt, eopt = torch.optim.Adam(tp, lr=torch.tensor(0.01)), eoptim.Adam(ep, lr=ember.tensor(0.01))
    for k in range(10):
        _set_grads(tp, ep, noise[k], k)
        topt.step()
        eopt.step()
    for a, b in zip(tp, ep, strict=True):
        _assert_close(a, b)


def test_works_on_float64_and_complex_parameters():
    rng = np.random.default_rng(6)
    for dtype in (np.float64, np.complex64):
        x = rng.standard_normal(4).astype(dtype)
        if dtype == np.complex64:
            x = x + 1j * rng.standard_normal(4).astype(np.float32)
        for name in ("SGD", "Adam", "RMSprop", "Adagrad", "Adadelta", "Adamax", "NAdam", "RAdam"):
            tp, ep = torch.tensor(x.copy(), requires_grad=True), ember.tensor(x.copy(), requires_grad=True)
            kwargs = {"lr": 0.01}
            topt, eopt = getattr(torch.optim, name)([tp], **kwargs), getattr(eoptim, name)([ep], **kwargs)
            for _ in range(5):
                tp.grad = tp.detach() * 0.5
                ep.grad = ember.tensor(ep._data * 0.5)
                topt.step()
                eopt.step()
            assert ep.dtype == ember.float64 or ep.dtype == ember.complex64
            np.testing.assert_allclose(ep._data, tp.detach().numpy(), rtol=1e-5, atol=1e-6, err_msg=name)


def test_nn_parameter_if_available():
    parameter = pytest.importorskip("ember.nn.parameter").Parameter
    p = parameter(ember.ones(3))
    opt = eoptim.Adam([p], lr=0.1)
    p.grad = ember.ones(3)
    opt.step()
    assert type(p) is parameter
    np.testing.assert_allclose(p._data, 0.9, rtol=1e-6)


# -- errors, as torch raises them ---------------------------------------------------------
BAD = [
    ("SGD", {"lr": -1}), ("SGD", {"lr": 0.1, "momentum": -0.5}), ("SGD", {"lr": 0.1, "weight_decay": -1}),
    ("SGD", {"lr": 0.1, "nesterov": True}), ("SGD", {"lr": 0.1, "momentum": 0.9, "dampening": 0.1, "nesterov": True}),
    ("Adam", {"lr": -0.1}), ("Adam", {"eps": -1.0}), ("Adam", {"betas": (1.0, 0.999)}),
    ("Adam", {"betas": (0.9, -0.1)}), ("Adam", {"weight_decay": -1e-2}), ("Adam", {"betas": (0.9, 1)}),
    ("AdamW", {"lr": -1}), ("RMSprop", {"alpha": -1.0}), ("RMSprop", {"momentum": -1.0}), ("RMSprop", {"eps": -1.0}),
    ("Adagrad", {"lr_decay": -1}), ("Adagrad", {"initial_accumulator_value": -1}), ("Adadelta", {"rho": 1.5}),
    ("Adamax", {"betas": (0.9, 1.5)}), ("NAdam", {"momentum_decay": -1}), ("RAdam", {"eps": -1}),
]


@pytest.mark.parametrize(("name", "kwargs"), BAD)
def test_bad_hyperparameters_raise_as_torch(name, kwargs):
    with pytest.raises(Exception) as texc:
        getattr(torch.optim, name)([torch.ones(1, requires_grad=True)], **kwargs)
    with pytest.raises(type(texc.value)) as eexc:
        getattr(eoptim, name)([ember.ones(1, requires_grad=True)], **kwargs)
    assert str(eexc.value) == str(texc.value)


def test_bad_params_raise_as_torch():
    cases = [
        lambda m: m.ones(2, requires_grad=True),  # a tensor, not an iterable of tensors
        lambda m: [],
        lambda m: [m.ones(2, requires_grad=True) * 2],  # a non-leaf
        lambda m: [1.0],
    ]
    for make in cases:
        with pytest.raises(Exception) as texc:
            torch.optim.SGD(make(torch), lr=0.1)
        with pytest.raises(type(texc.value)) as eexc:
            eoptim.SGD(make(ember), lr=0.1)
        msg = str(texc.value).replace("torch.", "ember.")
        assert str(eexc.value) == msg
    with pytest.raises(TypeError, match="ordering of tensors in sets"):
        eoptim.SGD([{"params": {ember.ones(1, requires_grad=True)}}], lr=0.1)
    w = ember.ones(1, requires_grad=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        eoptim.SGD([w, w], lr=0.1)
    assert "duplicate parameters" in str(caught[0].message)


def test_required_option():
    from ember.optim.optimizer import required

    class Plain(eoptim.Optimizer):
        def __init__(self, params, lr=required):
            super().__init__(params, {"lr": lr})

        def step(self, closure=None):
            return None

    with pytest.raises(ValueError, match="didn't specify a value of required optimization parameter lr"):
        Plain([ember.ones(1, requires_grad=True)])
    assert Plain([{"params": [ember.ones(1, requires_grad=True)], "lr": 1.0}]).param_groups[0]["lr"] == 1.0


def test_differentiable_is_not_supported():
    with pytest.raises(NotImplementedError, match="differentiable"):
        eoptim.Adam([ember.ones(1, requires_grad=True)], differentiable=True)
