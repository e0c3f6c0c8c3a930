"""MultiheadAttention and the Transformer layers against torch.nn: names, shapes, reprs,
outputs, attention weights and gradients from the same weights, with every kind of mask."""

from __future__ import annotations

import numpy as np
import pytest

import ember
from ember import nn

torch = pytest.importorskip("torch")

TOL = {"rtol": 1e-4, "atol": 1e-5}


def _copy(tm, em):
    em.load_state_dict({k: ember.tensor(v.detach().numpy().copy()) for k, v in tm.state_dict().items()})


def _both(make):
    torch.manual_seed(0)
    tm, em = make(torch.nn), make(nn)
    assert repr(em) == repr(tm)
    assert ([(k, tuple(v.shape)) for k, v in em.state_dict().items()]
            == [(k, tuple(v.shape)) for k, v in tm.state_dict().items()])
    assert [n for n, _ in em.named_parameters()] == [n for n, _ in tm.named_parameters()]
    _copy(tm, em)
    tm.eval()
    em.eval()
    return tm, em


def _compare_grads(tm, em, pairs):
    for e, t in pairs:
        np.testing.assert_allclose(e.grad.numpy(), t.grad.numpy(), **TOL)
    tgrads = dict(tm.named_parameters())
    for name, p in em.named_parameters():
        tg = tgrads[name].grad
        assert (p.grad is None) == (tg is None), name
        if tg is not None:
            np.testing.assert_allclose(p.grad.numpy(), tg.numpy(), err_msg=name, **TOL)


MHA_CASES = [
    ({}, {}),
    ({"batch_first": True}, {"average_attn_weights": False}),
    ({"kdim": 3, "vdim": 5, "add_bias_kv": True, "bias": False}, {}),
    ({"add_zero_attn": True}, {"key_padding_mask": "kpm"}),
    ({}, {"attn_mask": "bool", "key_padding_mask": "kpm"}),
    ({}, {"attn_mask": "float", "need_weights": False}),
    ({}, {"unbatched": True, "attn_mask": "bool"}),
]


@pytest.mark.parametrize("ctor,call", MHA_CASES, ids=str)
def test_multihead_attention_matches_torch(ctor, call):
    tm, em = _both(lambda n: n.MultiheadAttention(8, 2, **ctor))
    rng = np.random.default_rng(0)
    call = dict(call)
    unbatched = call.pop("unbatched", False)
    L, S, N = 4, 5, 3
    kdim, vdim = ctor.get("kdim", 8), ctor.get("vdim", 8)
    lead = (lambda n, length: (length,)) if unbatched else (
        (lambda n, length: (n, length)) if ctor.get("batch_first") else (lambda n, length: (length, n)))
    arrays = [rng.standard_normal((*lead(N, L), 8)), rng.standard_normal((*lead(N, S), kdim)),
              rng.standard_normal((*lead(N, S), vdim))]
    arrays = [a.astype(np.float32) for a in arrays]
    kwargs_t, kwargs_e = {}, {}
    if call.get("attn_mask") == "bool":
        m = rng.random((L, S)) < 0.3
        m[:, 0] = False  # every query attends to something
        kwargs_t["attn_mask"], kwargs_e["attn_mask"] = torch.tensor(m), ember.tensor(m)
    elif call.get("attn_mask") == "float":
        m = rng.standard_normal((N * 2, L, S)).astype(np.float32)
        kwargs_t["attn_mask"], kwargs_e["attn_mask"] = torch.tensor(m), ember.tensor(m)
    if call.get("key_padding_mask") == "kpm":
        m = rng.random((N, S)) < 0.3
        m[:, 1] = False
        kwargs_t["key_padding_mask"], kwargs_e["key_padding_mask"] = torch.tensor(m), ember.tensor(m)
    for k in ("need_weights", "average_attn_weights"):
        if k in call:
            kwargs_t[k] = kwargs_e[k] = call[k]
    tx = [torch.tensor(a, requires_grad=True) for a in arrays]
    ex = [ember.tensor(a, requires_grad=True) for a in arrays]
    tout, tw = tm(*tx, **kwargs_t)
    eout, ew = em(*ex, **kwargs_e)
    np.testing.assert_allclose(eout.detach().numpy(), tout.detach().numpy(), **TOL)
    assert (ew is None) == (tw is None)
    if tw is not None:
        np.testing.assert_allclose(ew.detach().numpy(), tw.detach().numpy(), **TOL)
    w = rng.standard_normal(tuple(tout.shape)).astype(np.float32)
    (tout * torch.tensor(w)).sum().backward()
    (eout * ember.tensor(w)).sum().backward()
    _compare_grads(tm, em, zip(ex, tx, strict=True))


@pytest.mark.parametrize("kwargs", [{}, {"norm_first": True, "activation": "gelu", "batch_first": True},
                                    {"bias": False}])
def test_encoder_and_decoder_layers_match_torch(kwargs):
    rng = np.random.default_rng(1)
    bf = kwargs.get("batch_first", False)
    src = rng.standard_normal((2, 5, 8) if bf else (5, 2, 8)).astype(np.float32)
    tgt = rng.standard_normal((2, 4, 8) if bf else (4, 2, 8)).astype(np.float32)
    mask = torch.nn.Transformer.generate_square_subsequent_mask(4).numpy()
    np.testing.assert_array_equal(nn.Transformer.generate_square_subsequent_mask(4).numpy(), mask)

    tm, em = _both(lambda n: n.TransformerEncoder(n.TransformerEncoderLayer(8, 2, 16, **kwargs), 2,
                                                  enable_nested_tensor=False))
    ts, es = torch.tensor(src, requires_grad=True), ember.tensor(src, requires_grad=True)
    tout, eout = tm(ts), em(es)
    np.testing.assert_allclose(eout.detach().numpy(), tout.detach().numpy(), **TOL)
    tout.pow(2).sum().backward()
    eout.pow(2).sum().backward()
    _compare_grads(tm, em, [(es, ts)])

    tm, em = _both(lambda n: n.TransformerDecoderLayer(8, 2, 16, **kwargs))
    tt, et = torch.tensor(tgt, requires_grad=True), ember.tensor(tgt, requires_grad=True)
    tmem, emem = torch.tensor(src, requires_grad=True), ember.tensor(src, requires_grad=True)
    tout = tm(tt, tmem, tgt_mask=torch.tensor(mask), tgt_is_causal=True)
    eout = em(et, emem, tgt_mask=ember.tensor(mask), tgt_is_causal=True)
    np.testing.assert_allclose(eout.detach().numpy(), tout.detach().numpy(), **TOL)
    tout.pow(2).sum().backward()
    eout.pow(2).sum().backward()
    _compare_grads(tm, em, [(et, tt), (emem, tmem)])


def test_transformer_structure_matches_torch():
    def make(n):
        return n.Transformer(d_model=8, nhead=2, num_encoder_layers=2, num_decoder_layers=1, dim_feedforward=16)

    with pytest.warns(UserWarning):  # torch warns about nested tensors and norm_first; not compared
        tm = make(torch.nn)
    em = make(nn)
    assert repr(em) == repr(tm)
    assert list(em.state_dict()) == list(tm.state_dict())
    w = em.encoder.layers[0].linear1.weight.detach().numpy()
    assert np.abs(w).max() <= np.sqrt(6 / (8 + 16))  # xavier_uniform_
    assert repr(nn.TransformerEncoderLayer(8, 2, 16, activation=nn.GELU())) == repr(
        torch.nn.TransformerEncoderLayer(8, 2, 16, activation=torch.nn.GELU()))


def test_attention_errors():
    with pytest.raises(AssertionError, match="embed_dim must be divisible by num_heads"):
        nn.MultiheadAttention(5, 2)
    mha = nn.MultiheadAttention(4, 2)
    x = ember.randn(3, 2, 4)
    with pytest.raises(RuntimeError, match=r"The shape of the 2D attn_mask is ember.Size\(\[2, 2\]\), but should be"):
        mha(x, x, x, attn_mask=ember.zeros(2, 2))
    with pytest.raises(RuntimeError, match="Need attn_mask if specifying the is_causal hint"):
        mha(x, x, x, is_causal=True)
