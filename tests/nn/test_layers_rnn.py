"""RNN, LSTM, GRU and their cells against torch.nn: parameter names and shapes, reprs,
outputs, final states and every gradient from the same weights; input and state checks."""

from __future__ import annotations

import math

import numpy as np
import pytest

import ember
from ember import nn

torch = pytest.importorskip("torch")

pytestmark = pytest.mark.filterwarnings("ignore:LSTM with projections is not supported with oneDNN")

TOL = {"rtol": 2e-5, "atol": 2e-5}

CONFIGS = [
    ("RNN", {}, (5, 3, 4)),
    ("RNN", {"nonlinearity": "relu", "num_layers": 2, "bias": False}, (4, 2, 4)),
    ("RNN", {"bidirectional": True, "batch_first": True}, (3, 5, 4)),
    ("LSTM", {}, (5, 3, 4)),
    ("LSTM", {"num_layers": 2, "bidirectional": True}, (4, 2, 4)),
    ("LSTM", {"proj_size": 3, "num_layers": 2, "batch_first": True}, (2, 4, 4)),
    ("LSTM", {}, (5, 4)),  # unbatched
    ("GRU", {}, (5, 3, 4)),
    ("GRU", {"num_layers": 3, "bidirectional": True, "batch_first": True}, (2, 3, 4)),
    ("GRU", {"bias": False}, (6, 4)),
]


def _build(ns, kind, kwargs):
    torch.manual_seed(0)
    return getattr(ns.nn, kind)(4, 6, **kwargs)


def _copy(tm, em):
    em.load_state_dict({k: ember.tensor(v.detach().numpy().copy()) for k, v in tm.state_dict().items()})


def _flat(out):
    if isinstance(out, tuple):
        return [t for o in out for t in _flat(o)]
    return [out]


@pytest.mark.parametrize("with_state", [False, True])
@pytest.mark.parametrize("kind,kwargs,shape", CONFIGS, ids=lambda v: str(v))
def test_recurrent_layer_matches_torch(kind, kwargs, shape, with_state):
    tm, em = _build(torch, kind, kwargs), _build(ember, kind, kwargs)
    assert repr(em) == repr(tm)
    assert ([(n, tuple(p.shape)) for n, p in em.named_parameters()]
            == [(n, tuple(p.shape)) for n, p in tm.named_parameters()])
    _copy(tm, em)
    rng = np.random.default_rng(1)
    x = rng.standard_normal(shape).astype(np.float32)
    tx, ex = torch.tensor(x, requires_grad=True), ember.tensor(x, requires_grad=True)
    targs, eargs = [tx], [ex]
    if with_state:
        layers = tm.num_layers * (2 if tm.bidirectional else 1)
        batch = () if len(shape) == 2 else (shape[0] if tm.batch_first else shape[1],)
        h_size = tm.proj_size or tm.hidden_size
        h = rng.standard_normal((layers, *batch, h_size)).astype(np.float32)
        th, eh = torch.tensor(h, requires_grad=True), ember.tensor(h, requires_grad=True)
        if kind == "LSTM":
            c = rng.standard_normal((layers, *batch, tm.hidden_size)).astype(np.float32)
            tc, ec = torch.tensor(c, requires_grad=True), ember.tensor(c, requires_grad=True)
            targs.append((th, tc))
            eargs.append((eh, ec))
        else:
            targs.append(th)
            eargs.append(eh)
    touts, eouts = _flat(tm(*targs)), _flat(em(*eargs))
    assert len(touts) == len(eouts)
    tloss, eloss = 0, 0
    for t, e in zip(touts, eouts, strict=True):
        assert tuple(e.shape) == tuple(t.shape)
        np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), **TOL)
        w = rng.standard_normal(tuple(t.shape)).astype(np.float32)
        tloss = tloss + (t * torch.tensor(w)).sum()
        eloss = eloss + (e * ember.tensor(w)).sum()
    tloss.backward()
    eloss.backward()
    np.testing.assert_allclose(ex.grad.numpy(), tx.grad.numpy(), **TOL)
    for e, t in zip(_flat(tuple(eargs[1:])), _flat(tuple(targs[1:])), strict=True):
        np.testing.assert_allclose(e.grad.numpy(), t.grad.numpy(), **TOL)
    tgrads = dict(tm.named_parameters())
    for name, p in em.named_parameters():
        np.testing.assert_allclose(p.grad.numpy(), tgrads[name].grad.numpy(), err_msg=name, **TOL)


@pytest.mark.parametrize("kind", ["RNNCell", "LSTMCell", "GRUCell"])
@pytest.mark.parametrize("batched", [True, False])
def test_cells_match_torch(kind, batched):
    torch.manual_seed(0)
    tm = getattr(torch.nn, kind)(4, 5)
    em = getattr(nn, kind)(4, 5)
    assert repr(em) == repr(tm)
    _copy(tm, em)
    rng = np.random.default_rng(2)
    shape = (3, 4) if batched else (4,)
    x = rng.standard_normal(shape).astype(np.float32)
    tx, ex = torch.tensor(x, requires_grad=True), ember.tensor(x, requires_grad=True)
    tout, eout = _flat(tm(tx)), _flat(em(ex))
    for t, e in zip(tout, eout, strict=True):
        np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), **TOL)
    sum(o.sum() for o in tout).backward()
    sum(o.sum() for o in eout).backward()
    np.testing.assert_allclose(ex.grad.numpy(), tx.grad.numpy(), **TOL)
    for (name, p), q in zip(em.named_parameters(), tm.parameters(), strict=True):
        np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), err_msg=name, **TOL)


def test_reprs_and_attributes():
    for make in (lambda n: n.RNN(3, 4, 2, nonlinearity="relu", bias=False, batch_first=True, dropout=0.5,
                                 bidirectional=True),
                 lambda n: n.LSTM(3, 4, proj_size=2), lambda n: n.GRU(3, 4, num_layers=2),
                 lambda n: n.RNNCell(3, 4, bias=False, nonlinearity="relu")):
        em, tm = make(nn), make(torch.nn)
        assert repr(em) == repr(tm)
        public = {k: v for k, v in vars(tm).items() if not k.startswith("_")}
        assert {k: v for k, v in vars(em).items() if not k.startswith("_")} == public


def test_initialisation_bounds():
    ember.manual_seed(0)
    m = nn.LSTM(10, 64, num_layers=2)
    bound = 1 / math.sqrt(64)
    values = np.concatenate([p.detach().numpy().ravel() for p in m.parameters()])
    assert np.abs(values).max() <= bound and np.abs(values).max() > 0.99 * bound
    assert values.std() == pytest.approx(bound / math.sqrt(3), rel=0.05)


def test_errors_match_torch():
    def errors(ns):
        r = ns.nn.RNN(3, 4)
        cases = [
            lambda: r(ns.ones(2, 3, 4, 3)), lambda: r(ns.ones(2, 3, 5)), lambda: r(ns.ones(2, 3, 3), ns.ones(1, 3)),
            lambda: r(ns.ones(2, 3, 3), ns.ones(1, 2, 4)), lambda: r(ns.ones(2, 3), ns.ones(1, 1, 4)),
            lambda: ns.nn.LSTM(3, 4)(ns.ones(2, 3, 3), (ns.ones(1, 3, 4), ns.ones(1, 2, 4))),
            lambda: ns.nn.RNN(3, 4, dropout=2), lambda: ns.nn.RNN(3, 0), lambda: ns.nn.RNN(3, 4, 0),
            lambda: ns.nn.LSTM(3, 4, proj_size=4), lambda: ns.nn.RNN(3, 4, nonlinearity="x"),
            lambda: ns.nn.GRU(3, 4, proj_size=2),
        ]
        out = []
        for case in cases:
            with pytest.raises(Exception) as info:
                case()
            out.append((type(info.value).__name__, str(info.value)))
        return out

    assert errors(ember) == errors(torch)
    with pytest.warns(UserWarning, match="dropout option adds dropout after all but last recurrent layer"):
        nn.RNN(3, 4, dropout=0.5)


def test_dropout_between_layers_only_in_training():
    ember.manual_seed(0)
    m = nn.GRU(3, 4, num_layers=2, dropout=0.5)
    x = ember.randn(5, 2, 3)
    m.eval()
    a, b = m(x)[0], m(x)[0]
    np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())
    m.train()
    c = m(x)[0]
    assert not np.allclose(c.detach().numpy(), a.detach().numpy())
