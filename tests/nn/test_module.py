"""ember.nn.Module and Parameter against torch.nn: registration, traversal, state_dict,
conversion, hooks, reprs and error messages.

Architectures are built by one function from either namespace (``build(torch.nn)`` and
``build(ember.nn)``), so names, orders, shapes and reprs can be compared directly.
"""

from __future__ import annotations

import copy
import pickle
import warnings
from collections import OrderedDict

import numpy as np
import pytest

import ember
from ember import nn
from ember.nn import Parameter

torch = pytest.importorskip("torch")
tnn = torch.nn


def as_torch_text(text: str) -> str:
    """ember's messages name ember where PyTorch's name torch."""
    return text.replace("ember", "torch")


def copy_weights(tmodel, emodel) -> None:
    """Load torch's parameters and buffers into ember's model (tests load_state_dict too)."""
    state = {k: ember.tensor(v.detach().numpy().copy()) for k, v in tmodel.state_dict().items()}
    emodel.load_state_dict(state)


class Net:
    """Net(nn) makes the same small CNN-ish model from torch.nn or ember.nn."""

    def __new__(cls, nn_):
        class Net(nn_.Module):
            def __init__(self):
                super().__init__()
                self.fc1 = nn_.Linear(4, 8)
                self.act = nn_.ReLU()
                self.block = nn_.Sequential(nn_.Linear(8, 8), nn_.Tanh(), nn_.Linear(8, 3, bias=False))
                self.register_buffer("steps", nn_.Linear(1, 1).weight.new_zeros(()))
                self.register_buffer("cache", nn_.Linear(1, 1).weight.new_zeros(2), persistent=False)
                self.scale = nn_.Parameter(nn_.Linear(1, 1).weight.new_ones(3))

            def forward(self, x):
                return self.block(self.act(self.fc1(x))) * self.scale

        return Net()


# -- Parameter --------------------------------------------------------------------------------
def test_parameter_is_a_leaf_tensor_sharing_storage():
    t = ember.ones(2, 3)
    p = Parameter(t)
    assert isinstance(p, ember.Tensor) and isinstance(p, Parameter)
    assert p.requires_grad and p.is_leaf and p.grad_fn is None
    assert p.data_ptr() == t.data_ptr()
    t.add_(1)
    assert p._version == t._version == 1
    assert type(p * 2) is ember.Tensor and type(p.detach()) is ember.Tensor
    assert not Parameter(t, requires_grad=False).requires_grad
    assert tuple(Parameter().shape) == (0,)


@pytest.mark.parametrize("make", [
    lambda m: m.nn.Parameter(m.ones(2)),
    lambda m: m.nn.Parameter(m.ones(2, 2, dtype=m.float64)),
    lambda m: m.nn.Parameter(m.ones(2), requires_grad=False),
    lambda m: m.nn.Parameter(),
])
def test_parameter_repr_matches_torch(make):
    assert as_torch_text(repr(make(ember))) == repr(make(torch))
    assert as_torch_text(str(make(ember))) == str(make(torch))


def test_parameter_errors_and_copies():
    with pytest.raises(RuntimeError, match="Only Tensors of floating point and complex dtype can require gradients"):
        Parameter(ember.ones(2, dtype=ember.int64))
    p = Parameter(ember.tensor([1.0, 2.0]))
    p.grad = ember.tensor([0.5, 0.5])
    q = copy.deepcopy(p)
    assert type(q) is Parameter and q.requires_grad and q.data_ptr() != p.data_ptr()
    np.testing.assert_array_equal(q.grad.numpy(), [0.5, 0.5])
    r = pickle.loads(pickle.dumps(p))
    assert type(r) is Parameter and r.requires_grad
    np.testing.assert_array_equal(r.detach().numpy(), [1.0, 2.0])


# -- registration ------------------------------------------------------------------------------
def test_setattr_registers_parameters_buffers_and_modules():
    m = nn.Module()
    m.w = Parameter(ember.ones(2))
    m.sub = nn.Linear(2, 2)
    m.register_buffer("buf", ember.zeros(2))
    m.plain = ember.zeros(1)  # a plain tensor attribute is not registered, as in torch
    assert list(m._parameters) == ["w"] and list(m._modules) == ["sub"] and list(m._buffers) == ["buf"]
    assert "plain" in m.__dict__
    m.buf = ember.ones(3)  # assigning to a buffer name keeps it a buffer
    assert tuple(m._buffers["buf"].shape) == (3,)
    m.w = None
    assert m._parameters["w"] is None and m.w is None
    m.sub = None
    assert m._modules["sub"] is None
    m.w = Parameter(ember.ones(1))
    del m.w, m.buf, m.sub
    assert not m._parameters and not m._buffers and not m._modules
    # Re-registering a name as another kind moves it.
    m.x = nn.ReLU()
    m.x = Parameter(ember.ones(1))
    assert "x" in m._parameters and "x" not in m._modules
    m.b = nn.Buffer(ember.ones(2), persistent=False)
    assert type(m.b) is ember.Tensor and "b" in m._buffers and list(m.state_dict()) == ["x"]
    assert "w" not in dir(m) and "x" in dir(m) and "b" in dir(m)


def _errors(ns, make_param, make_tensor):
    """Every registration mistake; returns [(exception type, message)] for one namespace."""
    m = ns.nn.Linear(2, 3)
    cases = [
        lambda: setattr(m, "weight", make_tensor()),
        lambda: m.register_parameter("a.b", None),
        lambda: m.register_parameter("", None),
        lambda: m.register_parameter("training", None),
        lambda: m.register_parameter("x", make_tensor()),
        lambda: m.register_parameter(3, None),
        lambda: m.register_buffer("a.b", None),
        lambda: m.register_buffer("", None),
        lambda: m.register_buffer("weight", None),
        lambda: m.register_buffer("x", 3),
        lambda: m.register_buffer(3, None),
        lambda: m.add_module("x", 3),
        lambda: m.add_module("a.b", None),
        lambda: m.add_module("", None),
        lambda: m.add_module("weight", None),
        lambda: m.add_module(1, None),
        lambda: m.foo,
        lambda: m.get_submodule("a"),
        lambda: m.get_submodule("bias.x"),
        lambda: m.get_parameter("bias.x"),
        lambda: m.get_parameter("foo"),
        lambda: m.get_parameter("in_features"),
        lambda: m.get_buffer("weight"),
        lambda: m.to(ns.int64),
        lambda: m.train(1),
        lambda: ns.nn.Module(3),
        lambda: ns.nn.Module().forward(),
        lambda: ns.nn.Module()(1),
    ]
    out = []
    for case in cases:
        with pytest.raises(Exception) as info:
            case()
        out.append((type(info.value).__name__, str(info.value)))
    s = ns.nn.Sequential(ns.nn.ReLU())
    for case in [lambda: setattr(s, "0", 3), lambda: s[5], lambda: ns.nn.ModuleList([ns.nn.ReLU()])[-2]]:
        with pytest.raises(Exception) as info:
            case()
        out.append((type(info.value).__name__, str(info.value)))

    class Early(ns.nn.Module):
        def __init__(self, what):
            if what == "param":
                self.p = make_param()
            elif what == "module":
                self.m = ns.nn.ReLU()
            else:
                self.register_buffer("b", None)

    for what in ("param", "module", "buffer"):
        with pytest.raises(AttributeError) as info:
            Early(what)
        out.append(("AttributeError", str(info.value)))
    return out


def test_registration_errors_match_torch():
    ours = _errors(ember, lambda: Parameter(ember.ones(1)), lambda: ember.ones(3, 2))
    theirs = _errors(torch, lambda: tnn.Parameter(torch.ones(1)), lambda: torch.ones(3, 2))
    assert [(t, as_torch_text(m)) for t, m in ours] == theirs


def test_non_leaf_parameter_is_refused():
    m = nn.Module()
    p = Parameter(ember.ones(1))
    q = p * 2
    q.__class__ = Parameter  # a Parameter that has history (torch reaches this through subclasses)
    with pytest.raises(ValueError, match="Cannot assign non-leaf Tensor to parameter 'x'"):
        m.register_parameter("x", q)


# -- traversal ---------------------------------------------------------------------------------
def test_named_members_match_torch():
    em, tm = Net(nn), Net(tnn)

    def names(m):
        return {
            "params": [(n, tuple(p.shape)) for n, p in m.named_parameters()],
            "params_prefix": [n for n, _ in m.named_parameters(prefix="model")],
            "params_local": [n for n, _ in m.named_parameters(recurse=False)],
            "buffers": [n for n, _ in m.named_buffers()],
            "modules": [(n, type(x).__name__) for n, x in m.named_modules()],
            "modules_prefix": [n for n, _ in m.named_modules(prefix="top")],
            "children": [(n, type(x).__name__) for n, x in m.named_children()],
            "n_params": len(list(m.parameters())), "n_buffers": len(list(m.buffers())),
            "n_modules": len(list(m.modules())), "n_children": len(list(m.children())),
            "block": [n for n, _ in m.block.named_parameters()],
        }

    assert names(em) == names(tm)


def test_shared_parameters_and_modules_are_listed_once():
    def build(nn_):
        lin = nn_.Linear(2, 2)
        return nn_.Sequential(lin, nn_.ReLU(), lin)

    for make in (lambda m: list(m.named_parameters()), lambda m: list(m.named_modules())):
        assert [n for n, _ in make(build(nn))] == [n for n, _ in make(build(tnn))]
    em, tm = build(nn), build(tnn)
    assert ([n for n, _ in em.named_parameters(remove_duplicate=False)]
            == [n for n, _ in tm.named_parameters(remove_duplicate=False)])
    assert ([n for n, _ in em.named_modules(remove_duplicate=False)]
            == [n for n, _ in tm.named_modules(remove_duplicate=False)])
    assert list(em.state_dict()) == list(tm.state_dict())


def test_apply_train_eval_requires_grad_zero_grad():
    m = Net(nn)
    seen = []
    assert m.apply(lambda mod: seen.append(type(mod).__name__)) is m
    assert seen == [type(x).__name__ for x in [Net(tnn).fc1]] + ["ReLU", "Linear", "Tanh", "Linear",
                                                                  "Sequential", "Net"]
    assert m.eval() is m and not any(x.training for x in m.modules())
    assert m.train() is m and all(x.training for x in m.modules())
    m.block.train(False)
    assert m.training and not m.block[0].training
    assert m.requires_grad_(False) is m and not any(p.requires_grad for p in m.parameters())
    m.requires_grad_()
    m(ember.randn(5, 4)).sum().backward()
    assert all(p.grad is not None for p in m.parameters())
    grads = [p.grad for p in m.parameters()]
    m.zero_grad(set_to_none=False)
    assert all(p.grad is g and not g.any() for p, g in zip(m.parameters(), grads, strict=True))
    m.zero_grad()
    assert all(p.grad is None for p in m.parameters())


# -- conversion --------------------------------------------------------------------------------
def test_dtype_conversion_keeps_parameter_identity():
    m = nn.Sequential(nn.Linear(3, 2), nn.BatchNorm1d(2))
    params = list(m.parameters())
    m(ember.randn(4, 3)).sum().backward()
    assert m.double() is m
    assert [id(p) for p in m.parameters()] == [id(p) for p in params]
    assert all(p.dtype == ember.float64 and p.grad.dtype == ember.float64 for p in m.parameters())
    assert m[1].running_mean.dtype == ember.float64
    assert m[1].num_batches_tracked.dtype == ember.int64  # integer buffers are left alone
    m.to(ember.float32)
    assert all(p.dtype == ember.float32 for p in m.parameters())
    m.half()
    assert m[0].weight.dtype == ember.float16
    m.float()
    m.to("cpu")
    m.to(device="cpu", dtype=ember.float64)
    assert m[0].weight.dtype == ember.float64 and isinstance(m[0].weight, Parameter)
    m.to(ember.zeros(1, dtype=ember.float32))
    assert m[0].bias.dtype == ember.float32
    m.type(ember.float64)
    assert m[1].num_batches_tracked.dtype == ember.float64  # type() converts every tensor, as in torch
    assert m.cpu() is m


# -- state_dict --------------------------------------------------------------------------------
def test_state_dict_keys_shapes_and_values_match_torch():
    em, tm = Net(nn), Net(tnn)
    es, ts = em.state_dict(), tm.state_dict()
    assert isinstance(es, OrderedDict)
    assert [(k, tuple(v.shape)) for k, v in es.items()] == [(k, tuple(v.shape)) for k, v in ts.items()]
    assert list(es._metadata) == list(ts._metadata)
    assert es._metadata == ts._metadata
    assert all(not v.requires_grad and type(v) is ember.Tensor for v in es.values())
    assert es["fc1.weight"].data_ptr() == em.fc1.weight.data_ptr()  # detached, not copied
    kept = em.state_dict(keep_vars=True)
    assert kept["fc1.weight"] is em.fc1.weight
    assert list(em.state_dict(prefix="net.")) == list(tm.state_dict(prefix="net."))
    copy_weights(tm, em)
    for k, v in tm.state_dict().items():
        np.testing.assert_array_equal(em.state_dict()[k].numpy(), v.numpy())


def test_load_state_dict_round_trip_and_results():
    a, b = Net(nn), Net(nn)
    ptr, version = b.fc1.weight.data_ptr(), b.fc1.weight._version
    result = b.load_state_dict(a.state_dict())
    assert result.missing_keys == [] and result.unexpected_keys == []
    assert repr(result) == "<All keys matched successfully>"
    assert b.fc1.weight.data_ptr() == ptr and b.fc1.weight._version == version + 1  # copied in place
    for (k, x), y in zip(a.state_dict().items(), b.state_dict().values(), strict=True):
        np.testing.assert_array_equal(x.numpy(), y.numpy(), err_msg=k)
    sd = a.state_dict()
    del sd["fc1.bias"]
    sd["extra.weight"] = ember.zeros(1)
    result = b.load_state_dict(sd, strict=False)
    assert result == (["fc1.bias"], ["extra.weight"])
    assert repr(result) == "_IncompatibleKeys(missing_keys=['fc1.bias'], unexpected_keys=['extra.weight'])"
    # assign=True takes the checkpoint's tensors (as Parameters, keeping requires_grad).
    sd = a.state_dict()
    b.load_state_dict(sd, assign=True)
    assert b.fc1.weight.data_ptr() == sd["fc1.weight"].data_ptr() and isinstance(b.fc1.weight, Parameter)
    assert b.fc1.weight.requires_grad
    with pytest.raises(TypeError, match="Expected state_dict to be dict-like, got <class 'list'>."):
        b.load_state_dict([])


def test_load_state_dict_errors_match_torch():
    em, tm = Net(nn), Net(tnn)

    def mutate(sd, ns):
        del sd["fc1.bias"]
        del sd["block.0.weight"]
        sd["block.5.weight"] = ns.zeros(1)
        sd["bogus"] = ns.zeros(1)
        sd["fc1.weight"] = ns.zeros(3, 3)
        sd["steps"] = "not a tensor"
        return sd

    messages = []
    for model, ns in ((em, ember), (tm, torch)):
        with pytest.raises(RuntimeError) as info:
            model.load_state_dict(mutate(model.state_dict(), ns))
        messages.append(str(info.value))
    assert as_torch_text(messages[0]) == messages[1]
    assert messages[1].startswith("Error(s) in loading state_dict for Net:\n\tMissing key(s) in state_dict: ")
    # Non-strict still refuses size mismatches.
    for model, ns in ((em, ember), (tm, torch)):
        sd = model.state_dict()
        sd["fc1.weight"] = ns.zeros(1, 1)
        with pytest.raises(RuntimeError) as info:
            model.load_state_dict(sd, strict=False)
        messages.append(str(info.value))
    assert as_torch_text(messages[2]) == messages[3]


def test_load_state_dict_hooks_and_batchnorm_without_num_batches_tracked():
    bn = nn.BatchNorm1d(3)
    sd = {k: v for k, v in nn.BatchNorm1d(3).state_dict().items() if k != "num_batches_tracked"}
    assert bn.load_state_dict(sd) == ([], [])  # a plain dict (no version) may lack it, as in torch
    seen = []
    handle = bn.register_load_state_dict_post_hook(lambda mod, keys: seen.append(list(keys.missing_keys)))
    bn.load_state_dict(sd, strict=False)
    handle.remove()
    bn.load_state_dict(sd, strict=False)
    assert seen == [[]]


def test_extra_state_is_saved_and_loaded():
    class WithExtra(nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = nn.Linear(1, 1)
            self.value = 1

        def get_extra_state(self):
            return {"value": self.value}

        def set_extra_state(self, state):
            self.value = state["value"]

    a, b = WithExtra(), WithExtra()
    a.value = 7
    sd = a.state_dict()
    assert list(sd) == ["_extra_state", "lin.weight", "lin.bias"]  # own state first, as in torch
    b.load_state_dict(sd)
    assert b.value == 7


# -- hooks -------------------------------------------------------------------------------------
def test_forward_hooks():
    m = nn.Linear(2, 2)
    calls = []
    h1 = m.register_forward_pre_hook(lambda mod, args: calls.append("pre") or (args[0] * 0,))
    h2 = m.register_forward_hook(lambda mod, args, out: calls.append("post") or out + 1)
    h3 = m.register_forward_pre_hook(lambda mod, args: calls.append("first"), prepend=True)
    out = m(ember.ones(1, 2))
    assert calls == ["first", "pre", "post"]
    np.testing.assert_allclose(out.detach().numpy(), m.bias.detach().numpy()[None] + 1)
    for h in (h1, h2, h3):
        h.remove()
    calls.clear()
    m(ember.ones(1, 2))
    assert calls == []

    class KW(nn.Module):
        def forward(self, x, scale=1.0):
            return x * scale

    k = KW()
    k.register_forward_pre_hook(lambda mod, args, kwargs: (args, {"scale": 3.0}), with_kwargs=True)
    k.register_forward_hook(lambda mod, args, kwargs, out: out + kwargs["scale"], with_kwargs=True)
    np.testing.assert_array_equal(k(ember.ones(2)).numpy(), [6.0, 6.0])

    class Fails(nn.Module):
        def forward(self, x):
            raise ValueError("boom")

    f = Fails()
    always = []
    f.register_forward_hook(lambda mod, args, out: always.append(out), always_call=True)
    with pytest.raises(ValueError, match="boom"):
        f(1)
    assert always == [None]
    with nn.Linear(1, 1).register_forward_hook(lambda *a: None) as handle:
        assert handle is not None


def test_global_forward_hooks():
    from ember.nn.modules.module import register_module_forward_hook

    seen = []
    handle = register_module_forward_hook(lambda mod, args, out: seen.append(type(mod).__name__))
    try:
        nn.Sequential(nn.Linear(2, 2), nn.ReLU())(ember.ones(1, 2))
    finally:
        handle.remove()
    assert seen == ["Linear", "ReLU", "Sequential"]


def _backward_hook_run(ns, weights):
    lin = ns.nn.Linear(3, 2)
    lin.load_state_dict({"weight": ns.tensor(weights[0]), "bias": ns.tensor(weights[1])})
    seen = {}

    def pre(mod, grad_output):
        seen["pre"] = [g.numpy().copy() for g in grad_output]
        return (grad_output[0] * 2,)

    def hook(mod, grad_input, grad_output):
        seen["gi"] = [None if g is None else g.numpy().copy() for g in grad_input]
        seen["go"] = [g.numpy().copy() for g in grad_output]
        return (grad_input[0] + 1,)

    lin.register_full_backward_pre_hook(pre)
    lin.register_full_backward_hook(hook)
    x = ns.tensor([[1.0, 2.0, 3.0], [0.5, -1.0, 2.0]], requires_grad=True)
    (lin(x) ** 2).sum().backward()
    seen["x.grad"] = x.grad.numpy().copy()
    seen["w.grad"] = lin.weight.grad.numpy().copy()
    return seen


def test_full_backward_hooks_match_torch():
    rng = np.random.default_rng(0)
    weights = (rng.standard_normal((2, 3)).astype(np.float32), rng.standard_normal(2).astype(np.float32))
    ours, theirs = _backward_hook_run(ember, weights), _backward_hook_run(torch, weights)
    assert ours.keys() == theirs.keys()
    for k in theirs:
        for a, b in zip(ours[k] if isinstance(ours[k], list) else [ours[k]],
                        theirs[k] if isinstance(theirs[k], list) else [theirs[k]], strict=True):
            np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-6, err_msg=k)


def test_full_backward_hook_without_input_grad():
    lin = nn.Linear(2, 2)
    seen = []
    lin.register_full_backward_hook(lambda mod, gi, go: seen.append((gi, tuple(go[0].shape))))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lin(ember.ones(3, 2)).sum().backward()
    assert seen == [((None,), (3, 2))]


# -- repr --------------------------------------------------------------------------------------
def test_nested_repr_matches_torch():
    def build(nn_):
        inner = nn_.Sequential(nn_.Conv2d(1, 4, 3), nn_.ReLU(), nn_.MaxPool2d(2))
        return nn_.Sequential(OrderedDict([
            ("features", inner), ("flat", nn_.Flatten()), ("fc", nn_.Linear(784, 256)), ("drop", nn_.Dropout(0.2)),
            ("heads", nn_.ModuleList([nn_.Linear(256, 10) for _ in range(3)] + [nn_.Identity()])),
            ("dict", nn_.ModuleDict({"a": nn_.Tanh(), "b": nn_.BatchNorm1d(4)})),
            ("none", None),
        ]))

    assert repr(build(nn)) == repr(build(tnn))
    assert repr(Net(nn)) == repr(Net(tnn))
    assert repr(nn.Module()) == "Module()"

    class Multi(nn.Module):
        def extra_repr(self):
            return "a=1\nb=2"

    assert repr(Multi()) == "Multi(\n  a=1\n  b=2\n)"


# -- copies and training -------------------------------------------------------------------------
def test_pickle_and_deepcopy_of_a_model():
    m = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.ReLU())
    for other in (pickle.loads(pickle.dumps(m)), copy.deepcopy(m)):
        assert repr(other) == repr(m) and isinstance(other[0].weight, Parameter)
        assert other[0].weight.data_ptr() != m[0].weight.data_ptr()
        for (k, a), b in zip(m.state_dict().items(), other.state_dict().values(), strict=True):
            np.testing.assert_array_equal(a.numpy(), b.numpy(), err_msg=k)


def test_a_training_loop_with_ember_optim():
    ember.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 16), nn.Tanh(), nn.Linear(16, 1))
    opt = ember.optim.SGD(model.parameters(), lr=0.1)
    x = ember.randn(64, 3)
    y = x.sum(1, keepdim=True)
    first = None
    for _ in range(100):
        opt.zero_grad()
        loss = nn.MSELoss()(model(x), y)
        loss.backward()
        opt.step()
        first = loss.item() if first is None else first
    assert loss.item() < 0.05 * first
