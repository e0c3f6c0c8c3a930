"""Containers (Sequential, ModuleList, ModuleDict, ParameterList, ParameterDict) and
Identity/Flatten/Unflatten against torch.nn: indexing, mutation, keys and reprs."""

from __future__ import annotations

from collections import OrderedDict

import numpy as np
import pytest

import ember
from ember import nn

torch = pytest.importorskip("torch")
tnn = torch.nn


def as_torch_text(text: str) -> str:
    return text.replace("ember", "torch")


def keys(m):
    return list(m._modules)


def test_sequential_indexing_and_mutation_match_torch():
    def run(nn_):
        s = nn_.Sequential(nn_.ReLU(), nn_.Tanh(), nn_.Sigmoid(), nn_.ELU())
        out = [len(s), type(s[1]).__name__, type(s[-1]).__name__, repr(s[1:3]), type(s[::2]).__name__, keys(s[::2])]
        s[0] = nn_.GELU()
        del s[1]
        out += [keys(s), repr(s)]
        s.append(nn_.ReLU())
        s.insert(1, nn_.Hardtanh())
        s.insert(-1, nn_.SiLU())
        s.extend([nn_.Mish()])
        out += [repr(s), type(s.pop(0)).__name__, keys(s)]
        out += [repr(s + nn_.Sequential(nn_.ReLU())), repr(nn_.Sequential(nn_.ReLU()) * 2)]
        s += nn_.Sequential(nn_.Tanh())
        out += [repr(s)]
        del s[1:3]
        out += [repr(s), [type(m).__name__ for m in s]]
        od = nn_.Sequential(OrderedDict([("conv", nn_.Identity()), ("act", nn_.ReLU())]))
        out += [repr(od), keys(od[1:]), repr(nn_.Sequential())]
        return out

    assert run(nn) == run(tnn)


def test_sequential_forward_and_errors():
    s = nn.Sequential(nn.Linear(3, 2), nn.ReLU())
    assert tuple(s(ember.ones(4, 3)).shape) == (4, 2)
    with pytest.raises(IndexError, match="index 2 is out of range"):
        s[2]
    with pytest.raises(AssertionError, match="module should be of type"):
        s.insert(0, 3)
    with pytest.raises(IndexError, match="Index out of range: 9"):
        s.insert(9, nn.ReLU())
    with pytest.raises(ValueError, match="add operator supports only objects of Sequential class"):
        s + nn.ModuleList()


def test_module_list_matches_torch():
    def run(nn_):
        ml = nn_.ModuleList([nn_.Linear(2, 2) for _ in range(3)] + [nn_.ReLU(), nn_.ReLU(), nn_.Tanh()])
        out = [repr(ml), len(ml), type(ml[-1]).__name__, repr(ml[1:4]), [n for n, _ in ml.named_parameters()]]
        ml.append(nn_.Sigmoid())
        ml.extend([nn_.ELU()])
        ml.insert(1, nn_.GELU())
        ml[0] = nn_.Identity()
        del ml[2]
        out += [repr(ml), keys(ml), type(ml.pop(1)).__name__, keys(ml)]
        ml += [nn_.Softsign()]
        out += [repr(ml + nn_.ModuleList([nn_.ReLU()])), repr(nn_.ModuleList())]
        return out

    assert run(nn) == run(tnn)
    with pytest.raises(TypeError, match="ModuleList.extend should be called with an iterable, but got int"):
        nn.ModuleList(3)
    with pytest.raises(NotImplementedError, match=r'Module \[ModuleList\] is missing the required "forward"'):
        nn.ModuleList()(1)
    ml = nn.ModuleList([nn.ReLU(), nn.Tanh()])
    ml.insert(-1, nn.Sigmoid())  # torch raises KeyError here; ember inserts as list.insert does
    assert [type(m).__name__ for m in ml] == ["ReLU", "Sigmoid", "Tanh"]


def test_module_dict_matches_torch():
    def run(nn_):
        md = nn_.ModuleDict({"b": nn_.ReLU(), "a": nn_.Linear(1, 2)})
        out = [repr(md), list(md.keys()), len(md), "a" in md, type(md["a"]).__name__, list(md)]
        md["c"] = nn_.Tanh()
        md.update([("d", nn_.Sigmoid())])
        md.update(OrderedDict(e=nn_.ELU()))
        del md["b"]
        out += [repr(md), type(md.pop("c")).__name__, list(md.keys()), [type(v).__name__ for v in md.values()],
                [k for k, _ in md.items()], list(md.state_dict())]
        md.clear()
        out.append(len(md))
        return out

    assert run(nn) == run(tnn)
    for bad, err in ((3, TypeError), ([(1, 2, 3)], ValueError), ([3], TypeError)):
        with pytest.raises(err) as ours:
            nn.ModuleDict(bad)
        with pytest.raises(err) as theirs:
            tnn.ModuleDict(bad)
        assert str(ours.value) == str(theirs.value)


def test_parameter_list_matches_torch():
    def run(ns):
        pl = ns.nn.ParameterList([ns.nn.Parameter(ns.ones(2)), ns.ones(2, 3, dtype=ns.float64)])
        out = [as_torch_text(repr(pl)), len(pl), type(pl[1]).__name__, pl[1].requires_grad,
               [n for n, _ in pl.named_parameters()], list(pl.state_dict())]
        pl.append(ns.zeros(4))
        pl.extend([ns.zeros(1)])
        pl[0] = ns.zeros(5)
        pl.append(3)
        out += [as_torch_text(repr(pl)), len(pl), as_torch_text(repr(pl[1:3])),
                [tuple(p.shape) for p in pl if not isinstance(p, int)]]
        return out

    assert run(ember) == run(torch)
    with pytest.raises(RuntimeError, match="ParameterList should not be called."):
        nn.ParameterList()()
    with pytest.raises(TypeError, match="ParameterList.extend should be called with an iterable, but got Tensor"):
        nn.ParameterList(ember.ones(2))


def test_parameter_dict_matches_torch():
    def run(ns):
        pd = ns.nn.ParameterDict({"b": ns.nn.Parameter(ns.ones(1)), "a": ns.ones(2)})
        out = [as_torch_text(repr(pd)), list(pd.keys()), type(pd["a"]).__name__, "a" in pd, len(pd)]
        pd["c"] = ns.zeros(3)
        pd.update([("d", ns.zeros(1))])
        out += [list(pd), [k for k, _ in pd.items()], list(pd.state_dict()), tuple(pd.pop("c").shape), list(pd)]
        out += [pd.get("zz", "default"), list(pd.copy()), list(reversed(pd)),
                tuple(pd.setdefault("e", ns.ones(1)).shape)]
        out += [list(pd | ns.nn.ParameterDict({"z": ns.ones(1)})), pd.popitem()[0], list(pd)]
        pd.clear()
        out.append(len(pd))
        return out

    assert run(ember) == run(torch)
    with pytest.raises(TypeError, match="Index given to ParameterDict cannot be used as a key"):
        nn.ParameterDict()[1] = ember.ones(1)
    with pytest.raises(RuntimeError, match="ParameterDict should not be called."):
        nn.ParameterDict()(1)


def test_identity_flatten_unflatten_match_torch():
    x = np.arange(2 * 3 * 4 * 5, dtype=np.float32).reshape(2, 3, 4, 5)
    cases = [
        lambda n: n.Identity(3, k=4), lambda n: n.Flatten(), lambda n: n.Flatten(0, 2), lambda n: n.Flatten(-2),
        lambda n: n.Unflatten(1, (3, 1)), lambda n: n.Unflatten(-1, [5, 1]), lambda n: n.Unflatten(2, (2, -1)),
    ]
    for make in cases:
        em, tm = make(nn), make(tnn)
        assert repr(em) == repr(tm)
        ex = ember.tensor(x, requires_grad=True)
        tx = torch.tensor(x, requires_grad=True)
        ey, ty = em(ex), tm(tx)
        np.testing.assert_array_equal(ey.detach().numpy(), ty.detach().numpy())
        (ey * ey).sum().backward()
        (ty * ty).sum().backward()
        np.testing.assert_array_equal(ex.grad.numpy(), tx.grad.numpy())
    with pytest.raises(TypeError, match="unflattened_size must be tuple of ints, but found element of type float"):
        nn.Unflatten(1, (2, 1.5))
    with pytest.raises(TypeError, match="unflattened_size must be a tuple of ints, but found type int"):
        nn.Unflatten(1, 2)
