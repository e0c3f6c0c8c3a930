"""Every layer against torch.nn, from one table.

For each case the same layer is built from ``torch`` and from ``ember``; the test compares
their reprs and state_dict keys and shapes, copies torch's initial weights into ember's
(through ``load_state_dict``), runs both on the same float32 inputs and compares the
outputs, the gradients of the inputs and of every parameter, and the buffers afterwards
(BatchNorm's running statistics). A case whose ``F`` function does not exist yet is
skipped, naming the function.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pytest

import ember
from ember import nn
from ember.nn import functional as F  # noqa: N812 - PyTorch's spelling

torch = pytest.importorskip("torch")


@dataclass
class Case:
    id: str
    make: Callable[[Any], Any]  # make(ns) builds the layer from ns.nn (ns is torch or ember)
    inputs: Callable[[np.random.Generator], list]  # the forward's arguments, as NumPy arrays
    needs: tuple = ()  # the F functions the layer calls
    train: bool = True
    no_grad_inputs: tuple = ()  # float inputs that get no requires_grad (targets)
    rtol: float = 1e-5
    atol: float = 1e-5
    calls: int = 1  # forward passes before the compared one (BatchNorm's running stats)
    eval_after: bool = False  # compare a final forward in eval mode too
    extra: dict = field(default_factory=dict)


def randn(*shape):
    return lambda rng: [rng.standard_normal(shape).astype(np.float32)]


def pair(*shape):
    return lambda rng: [rng.standard_normal(shape).astype(np.float32), rng.standard_normal(shape).astype(np.float32)]


def _class_inputs(rng, n=6, c=5, probs=False):
    x = rng.standard_normal((n, c)).astype(np.float32)
    if probs:
        t = rng.random((n, c)).astype(np.float32)
        return [x, t / t.sum(1, keepdims=True)]
    return [x, rng.integers(0, c, n).astype(np.int64)]


def _log_probs(rng):
    x = rng.standard_normal((6, 5)).astype(np.float32)
    x = x - np.log(np.exp(x).sum(1, keepdims=True))
    return [x, rng.integers(0, 5, 6).astype(np.int64)]


def _probs(rng):
    return [rng.uniform(0.05, 0.95, (4, 3)).astype(np.float32), rng.uniform(0, 1, (4, 3)).astype(np.float32)]


def _kl(rng):
    x = rng.standard_normal((4, 5)).astype(np.float32)
    t = rng.random((4, 5)).astype(np.float32)
    return [x - np.log(np.exp(x).sum(1, keepdims=True)), t / t.sum(1, keepdims=True)]


def _ranking(rng):
    return [rng.standard_normal(6).astype(np.float32), rng.standard_normal(6).astype(np.float32),
            np.sign(rng.standard_normal(6)).astype(np.float32)]


def _ints(rng):
    return [rng.integers(0, 10, (3, 4)).astype(np.int64)]


def _t(ns, values, dtype=None):
    return ns.tensor(values, dtype=dtype)


ACTIVATIONS = [
    ("ReLU", lambda ns: ns.nn.ReLU(), ()), ("ReLU_inplace", lambda ns: ns.nn.ReLU(inplace=True), ()),
    ("LeakyReLU", lambda ns: ns.nn.LeakyReLU(0.2), ("leaky_relu",)),
    ("ELU", lambda ns: ns.nn.ELU(0.7), ("elu",)), ("CELU", lambda ns: ns.nn.CELU(0.5), ("celu",)),
    ("SELU", lambda ns: ns.nn.SELU(), ("selu",)), ("GELU", lambda ns: ns.nn.GELU(), ("gelu",)),
    ("GELU_tanh", lambda ns: ns.nn.GELU("tanh"), ("gelu",)), ("SiLU", lambda ns: ns.nn.SiLU(), ("silu",)),
    ("Mish", lambda ns: ns.nn.Mish(), ("mish",)), ("Sigmoid", lambda ns: ns.nn.Sigmoid(), ()),
    ("Tanh", lambda ns: ns.nn.Tanh(), ()), ("Softplus", lambda ns: ns.nn.Softplus(2.0, 1.0), ("softplus",)),
    ("Softsign", lambda ns: ns.nn.Softsign(), ("softsign",)), ("Hardtanh", lambda ns: ns.nn.Hardtanh(-0.5, 0.7),
                                                              ("hardtanh",)),
    ("ReLU6", lambda ns: ns.nn.ReLU6(), ("relu6",)), ("Hardsigmoid", lambda ns: ns.nn.Hardsigmoid(), ("hardsigmoid",)),
    ("Hardswish", lambda ns: ns.nn.Hardswish(), ("hardswish",)),
    ("Tanhshrink", lambda ns: ns.nn.Tanhshrink(), ("tanhshrink",)),
    ("LogSigmoid", lambda ns: ns.nn.LogSigmoid(), ("logsigmoid",)),
    ("Softmax", lambda ns: ns.nn.Softmax(dim=1), ("softmax",)), ("Softmax0", lambda ns: ns.nn.Softmax(0), ("softmax",)),
    ("LogSoftmax", lambda ns: ns.nn.LogSoftmax(dim=-1), ("log_softmax",)),
    ("Softmin", lambda ns: ns.nn.Softmin(dim=1), ("softmin",)),
    ("Threshold", lambda ns: ns.nn.Threshold(0.1, 20.0), ("threshold",)),
    ("GLU", lambda ns: ns.nn.GLU(), ("glu",)), ("Hardshrink", lambda ns: ns.nn.Hardshrink(0.3), ("hardshrink",)),
    ("Softshrink", lambda ns: ns.nn.Softshrink(0.3), ("softshrink",)),
    ("PReLU", lambda ns: ns.nn.PReLU(), ("prelu",)), ("PReLU_channels", lambda ns: ns.nn.PReLU(4, 0.1), ("prelu",)),
]

CASES = [Case(name, make, randn(3, 4, 6), needs) for name, make, needs in ACTIVATIONS] + [
    Case("Softmax2d", lambda ns: ns.nn.Softmax2d(), randn(2, 3, 4, 5), ("softmax",)),
    Case("Identity", lambda ns: ns.nn.Identity(), randn(3, 4)),
    Case("Linear", lambda ns: ns.nn.Linear(5, 3), randn(4, 5), ("linear",)),
    Case("Linear_nobias_3d", lambda ns: ns.nn.Linear(5, 3, bias=False), randn(2, 4, 5), ("linear",)),
    Case("Linear_1d", lambda ns: ns.nn.Linear(5, 3), randn(5), ("linear",)),
    Case("Bilinear", lambda ns: ns.nn.Bilinear(4, 5, 3), lambda rng: [
        rng.standard_normal((6, 4)).astype(np.float32), rng.standard_normal((6, 5)).astype(np.float32)],
        ("bilinear",)),
    Case("Conv1d", lambda ns: ns.nn.Conv1d(3, 4, 3, stride=2, padding=1), randn(2, 3, 9), ("conv1d",)),
    Case("Conv2d", lambda ns: ns.nn.Conv2d(3, 4, 3, padding=1), randn(2, 3, 6, 5), ("conv2d",)),
    Case("Conv2d_groups", lambda ns: ns.nn.Conv2d(4, 6, (3, 2), stride=2, dilation=2, groups=2, bias=False),
         randn(2, 4, 9, 8), ("conv2d",)),
    Case("Conv2d_same_reflect", lambda ns: ns.nn.Conv2d(2, 3, 3, padding="same", padding_mode="reflect"),
         randn(1, 2, 5, 5), ("conv2d", "pad")),
    Case("Conv2d_unbatched", lambda ns: ns.nn.Conv2d(2, 3, 2), randn(2, 4, 4), ("conv2d",)),
    Case("ConvTranspose2d", lambda ns: ns.nn.ConvTranspose2d(4, 2, 3, stride=2, padding=1, output_padding=1),
         randn(2, 4, 3, 3), ("conv_transpose2d",)),
    Case("Conv1d_circular", lambda ns: ns.nn.Conv1d(2, 4, 3, padding=2, padding_mode="circular", dilation=2),
         randn(2, 2, 7), ("conv1d", "pad")),
    Case("Conv2d_replicate", lambda ns: ns.nn.Conv2d(2, 2, (2, 3), padding=(1, 2), padding_mode="replicate"),
         randn(1, 2, 4, 5), ("conv2d", "pad")),
    Case("Conv3d", lambda ns: ns.nn.Conv3d(2, 3, 2, stride=(1, 2, 1)), randn(1, 2, 3, 4, 3), ("conv3d",)),
    Case("ConvTranspose1d", lambda ns: ns.nn.ConvTranspose1d(4, 6, 3, stride=2, groups=2, dilation=2),
         randn(2, 4, 5), ("conv_transpose1d",)),
    Case("AvgPool1d", lambda ns: ns.nn.AvgPool1d(3, 2, 1), randn(2, 3, 8), ("avg_pool1d",)),
    Case("MaxPool2d_ceil_dilation", lambda ns: ns.nn.MaxPool2d(2, 2, 0, dilation=2, ceil_mode=True),
         randn(2, 3, 7, 7), ("max_pool2d",)),
    Case("AdaptiveMaxPool2d", lambda ns: ns.nn.AdaptiveMaxPool2d((3, 2)), randn(2, 3, 7, 5),
         ("adaptive_max_pool2d",)),
    Case("AdaptiveAvgPool1d", lambda ns: ns.nn.AdaptiveAvgPool1d(4), randn(2, 3, 9), ("adaptive_avg_pool1d",)),
    Case("MaxPool1d", lambda ns: ns.nn.MaxPool1d(2), randn(2, 3, 8), ("max_pool1d",)),
    Case("MaxPool2d", lambda ns: ns.nn.MaxPool2d(2), randn(2, 3, 6, 6), ("max_pool2d",)),
    Case("MaxPool2d_pad", lambda ns: ns.nn.MaxPool2d(3, 2, 1), randn(2, 3, 7, 6), ("max_pool2d",)),
    Case("AvgPool2d", lambda ns: ns.nn.AvgPool2d(2), randn(2, 3, 6, 6), ("avg_pool2d",)),
    Case("AvgPool2d_pad", lambda ns: ns.nn.AvgPool2d(3, 2, 1, count_include_pad=False), randn(2, 3, 7, 6),
         ("avg_pool2d",)),
    Case("AdaptiveAvgPool2d", lambda ns: ns.nn.AdaptiveAvgPool2d((2, 3)), randn(2, 3, 7, 8),
         ("adaptive_avg_pool2d",)),
    Case("BatchNorm1d", lambda ns: ns.nn.BatchNorm1d(4), randn(8, 4), ("batch_norm",), calls=3, eval_after=True),
    Case("BatchNorm1d_3d", lambda ns: ns.nn.BatchNorm1d(4, momentum=None), randn(5, 4, 3), ("batch_norm",),
         calls=3, eval_after=True),
    Case("BatchNorm1d_noaffine", lambda ns: ns.nn.BatchNorm1d(4, affine=False, track_running_stats=False),
         randn(8, 4), ("batch_norm",), eval_after=True),
    Case("BatchNorm2d", lambda ns: ns.nn.BatchNorm2d(3, eps=1e-3, momentum=0.3), randn(4, 3, 5, 5),
         ("batch_norm",), calls=2, eval_after=True),
    Case("LayerNorm", lambda ns: ns.nn.LayerNorm(5), randn(4, 5), ("layer_norm",)),
    Case("LayerNorm_2d", lambda ns: ns.nn.LayerNorm((3, 5), elementwise_affine=False), randn(2, 3, 5),
         ("layer_norm",)),
    Case("LayerNorm_nobias", lambda ns: ns.nn.LayerNorm([5], bias=False), randn(2, 3, 5), ("layer_norm",)),
    Case("GroupNorm", lambda ns: ns.nn.GroupNorm(2, 4), randn(3, 4, 5), ("group_norm",)),
    Case("RMSNorm", lambda ns: ns.nn.RMSNorm(5), randn(3, 5)),
    Case("Embedding", lambda ns: ns.nn.Embedding(10, 3, padding_idx=1), _ints, ("embedding",)),
    Case("Dropout_eval", lambda ns: ns.nn.Dropout(0.3), randn(4, 5), ("dropout",), train=False),
    Case("Dropout_p0", lambda ns: ns.nn.Dropout(0.0), randn(4, 5), ("dropout",)),
    Case("Flatten", lambda ns: ns.nn.Flatten(), randn(2, 3, 4)),
    # losses
    Case("MSELoss", lambda ns: ns.nn.MSELoss(), pair(4, 5), ("mse_loss",)),
    Case("MSELoss_sum", lambda ns: ns.nn.MSELoss(reduction="sum"), pair(4, 5), ("mse_loss",)),
    Case("L1Loss_none", lambda ns: ns.nn.L1Loss(reduction="none"), pair(4, 5), ("l1_loss",)),
    Case("SmoothL1Loss", lambda ns: ns.nn.SmoothL1Loss(beta=0.5), pair(4, 5), ("smooth_l1_loss",)),
    Case("HuberLoss", lambda ns: ns.nn.HuberLoss(delta=0.7), pair(4, 5), ("huber_loss",)),
    Case("CrossEntropyLoss", lambda ns: ns.nn.CrossEntropyLoss(), _class_inputs, ("cross_entropy",)),
    Case("CrossEntropyLoss_weighted", lambda ns: ns.nn.CrossEntropyLoss(
        weight=_t(ns, [1.0, 2.0, 0.5, 1.5, 1.0]), ignore_index=2, label_smoothing=0.1), _class_inputs,
        ("cross_entropy",)),
    Case("CrossEntropyLoss_probs", lambda ns: ns.nn.CrossEntropyLoss(reduction="sum"),
         lambda rng: _class_inputs(rng, probs=True), ("cross_entropy",), no_grad_inputs=(1,)),
    Case("NLLLoss", lambda ns: ns.nn.NLLLoss(), _log_probs, ("nll_loss",)),
    Case("NLLLoss_weighted", lambda ns: ns.nn.NLLLoss(weight=_t(ns, [1.0, 2.0, 0.5, 1.5, 1.0]), reduction="none"),
         _log_probs, ("nll_loss",)),
    Case("BCELoss", lambda ns: ns.nn.BCELoss(), _probs, ("binary_cross_entropy",), no_grad_inputs=(1,)),
    Case("BCELoss_weighted", lambda ns: ns.nn.BCELoss(weight=_t(ns, [1.0, 2.0, 0.5])), _probs,
         ("binary_cross_entropy",), no_grad_inputs=(1,)),
    Case("BCEWithLogitsLoss", lambda ns: ns.nn.BCEWithLogitsLoss(pos_weight=_t(ns, [1.0, 2.0, 0.5])), _probs,
         ("binary_cross_entropy_with_logits",)),
    Case("KLDivLoss", lambda ns: ns.nn.KLDivLoss(reduction="batchmean"), _kl, ("kl_div",)),
    Case("KLDivLoss_logtarget", lambda ns: ns.nn.KLDivLoss(reduction="sum", log_target=True), pair(4, 5),
         ("kl_div",)),
    Case("MarginRankingLoss", lambda ns: ns.nn.MarginRankingLoss(margin=0.2), _ranking, ("margin_ranking_loss",),
         no_grad_inputs=(2,)),
    Case("TripletMarginLoss", lambda ns: ns.nn.TripletMarginLoss(margin=0.5), lambda rng: [
        rng.standard_normal((4, 5)).astype(np.float32) for _ in range(3)], ("triplet_margin_loss",)),
    Case("CosineEmbeddingLoss", lambda ns: ns.nn.CosineEmbeddingLoss(0.1), lambda rng: [
        rng.standard_normal((4, 5)).astype(np.float32), rng.standard_normal((4, 5)).astype(np.float32),
        np.array([1, -1, 1, -1], dtype=np.float32)], ("cosine_embedding_loss",), no_grad_inputs=(2,)),
    Case("SoftMarginLoss", lambda ns: ns.nn.SoftMarginLoss(), _ranking, ("soft_margin_loss",)),
    Case("HingeEmbeddingLoss", lambda ns: ns.nn.HingeEmbeddingLoss(), _ranking, ("hinge_embedding_loss",)),
    Case("PoissonNLLLoss", lambda ns: ns.nn.PoissonNLLLoss(), _probs, ("poisson_nll_loss",)),
    Case("GaussianNLLLoss", lambda ns: ns.nn.GaussianNLLLoss(), lambda rng: _probs(rng) + [
        rng.uniform(0.5, 1.5, (4, 3)).astype(np.float32)], ("gaussian_nll_loss",)),
]


def _to(ns, arrays, grad_mask):
    out = []
    for a, g in zip(arrays, grad_mask, strict=True):
        out.append(ns.tensor(a.copy(), requires_grad=g))
    return out


def _forward(ns, layer, leaves):
    # Inputs enter as non-leaves, so in-place layers (ReLU(inplace=True)) may modify them.
    args = [x * 1 if x.requires_grad else x for x in leaves]
    return layer(*args)


def _np(t):
    return t.detach().numpy()


def _check(case, got, expected, what):
    np.testing.assert_allclose(got, expected, rtol=case.rtol, atol=case.atol, err_msg=f"{case.id}: {what}")


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_layer_matches_torch(case):
    missing = [name for name in case.needs if not hasattr(F, name)]
    if missing:
        pytest.skip(f"F.{missing[0]} not yet available")
    torch.manual_seed(0)
    tl, el = case.make(torch), case.make(ember)
    assert repr(el) == repr(tl)
    assert ([(k, tuple(v.shape)) for k, v in el.state_dict().items()]
            == [(k, tuple(v.shape)) for k, v in tl.state_dict().items()])
    assert [n for n, _ in el.named_parameters()] == [n for n, _ in tl.named_parameters()]
    el.load_state_dict({k: ember.tensor(v.numpy().copy()) for k, v in tl.state_dict().items()})
    tl.train(case.train)
    el.train(case.train)

    rng = np.random.default_rng(0)
    for _ in range(case.calls - 1):  # earlier batches (running statistics)
        arrays = case.inputs(rng)
        tl(*[torch.tensor(a) for a in arrays])
        el(*[ember.tensor(a) for a in arrays])
    arrays = case.inputs(rng)
    grad_mask = [a.dtype.kind == "f" and i not in case.no_grad_inputs for i, a in enumerate(arrays)]
    tx, ex = _to(torch, arrays, grad_mask), _to(ember, arrays, grad_mask)
    ty, ey = _forward(torch, tl, tx), _forward(ember, el, ex)
    assert tuple(ey.shape) == tuple(ty.shape) and ey.dtype.name == str(ty.dtype).split(".")[1]
    _check(case, _np(ey), _np(ty), "output")
    if ty.requires_grad:
        cot = rng.standard_normal(tuple(ty.shape)).astype(np.float32)
        (ty * torch.tensor(cot)).sum().backward()
        (ey * ember.tensor(cot)).sum().backward()
        for i, (a, b) in enumerate(zip(ex, tx, strict=True)):
            if b.requires_grad:
                _check(case, _np(a.grad), _np(b.grad), f"grad of input {i}")
        tparams = dict(tl.named_parameters())
        for name, p in el.named_parameters():
            assert (p.grad is None) == (tparams[name].grad is None), name
            if p.grad is not None:
                _check(case, _np(p.grad), _np(tparams[name].grad), f"grad of {name}")
    tstate = tl.state_dict()
    for k, v in el.state_dict().items():  # buffers after the forward passes
        _check(case, _np(v), tstate[k].numpy(), f"state {k}")
    if case.eval_after:
        tl.eval()
        el.eval()
        arrays = case.inputs(rng)
        with torch.no_grad(), ember.no_grad():
            _check(case, _np(el(*[ember.tensor(a) for a in arrays])), _np(tl(*[torch.tensor(a) for a in arrays])),
                   "eval output")


# -- initialisation -------------------------------------------------------------------------------
def _bounds_case(layer, fan_in):
    bound = 1 / math.sqrt(fan_in)
    w = _np(layer.weight)
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.9 * bound  # kaiming_uniform_(a=sqrt(5))
    assert w.std() == pytest.approx(bound / math.sqrt(3), rel=0.1)
    b = _np(layer.bias)
    assert np.abs(b).max() <= bound


def test_default_initialisation():
    ember.manual_seed(0)
    _bounds_case(nn.Linear(50, 400), 50)
    _bounds_case(nn.Conv2d(6, 64, 3), 54)
    _bounds_case(nn.ConvTranspose2d(64, 6, 3), 54)  # fan_in from weight.size(1) = out/groups
    bil = nn.Bilinear(30, 20, 50)
    assert np.abs(_np(bil.weight)).max() <= 1 / math.sqrt(30)
    emb = nn.Embedding(1000, 16, padding_idx=3)
    w = _np(emb.weight)
    assert w[3].tolist() == [0.0] * 16
    assert w.std() == pytest.approx(1.0, rel=0.05) and abs(w.mean()) < 0.05
    for norm in (nn.BatchNorm2d(3), nn.LayerNorm(3), nn.GroupNorm(1, 3)):
        assert _np(norm.weight).tolist() == [1.0] * 3 and _np(norm.bias).tolist() == [0.0] * 3
    bn = nn.BatchNorm1d(3)
    assert _np(bn.running_var).tolist() == [1.0] * 3 and bn.num_batches_tracked.item() == 0
    assert bn.num_batches_tracked.dtype == ember.int64
    assert _np(nn.PReLU(2).weight).tolist() == [0.25, 0.25]
    lin = nn.Linear(3, 2, dtype=ember.float64)
    assert lin.weight.dtype == ember.float64 and lin.bias.dtype == ember.float64


def test_constructor_errors_match_torch():
    def errors(ns):
        cases = [
            lambda: ns.nn.Conv2d(3, 4, 3, groups=2), lambda: ns.nn.Conv2d(4, 3, 3, groups=2),
            lambda: ns.nn.Conv2d(4, 4, 3, groups=0), lambda: ns.nn.Conv2d(2, 2, 3, padding="full"),
            lambda: ns.nn.Conv2d(2, 2, 3, stride=2, padding="same"),
            lambda: ns.nn.ConvTranspose2d(2, 2, 3, padding_mode="reflect"),
            lambda: ns.nn.GroupNorm(3, 4), lambda: ns.nn.Dropout(1.5), lambda: ns.nn.Dropout(-0.1),
            lambda: ns.nn.Embedding(5, 2, padding_idx=5), lambda: ns.nn.Embedding(5, 2, padding_idx=-6),
            lambda: ns.nn.Embedding.from_pretrained(ns.ones(3)),
            lambda: ns.nn.BatchNorm2d(3)(ns.ones(2, 3)), lambda: ns.nn.BatchNorm1d(3)(ns.ones(2, 3, 4, 5)),
            lambda: ns.nn.MultiMarginLoss(p=3), lambda: ns.nn.TripletMarginLoss(margin=0),
        ]
        out = []
        for make in cases:
            with pytest.raises(Exception) as info:
                make()
            out.append((type(info.value).__name__, str(info.value)))
        return out

    assert errors(ember) == errors(torch)
    # The valid modes print as a set, whose order varies between processes.
    with pytest.raises(ValueError, match="padding_mode must be one of .*, but got padding_mode='edge'"):
        nn.Conv2d(2, 2, 3, padding_mode="edge")


@pytest.mark.parametrize("make", [
    lambda n: n.Conv1d(2, 4, 3), lambda n: n.Conv2d(3, 6, (3, 5), stride=2, padding=1, dilation=2, groups=3,
                                                  bias=False, padding_mode="reflect"),
    lambda n: n.Conv2d(2, 2, 3, padding="same"), lambda n: n.Conv3d(2, 2, 3, padding="valid"),
    lambda n: n.ConvTranspose2d(4, 2, 3, stride=2, output_padding=1), lambda n: n.ConvTranspose1d(4, 2, 3),
    lambda n: n.MaxPool1d(2), lambda n: n.MaxPool2d((2, 3), 1, 1, return_indices=True, ceil_mode=True),
    lambda n: n.AvgPool1d(2), lambda n: n.AvgPool2d(3, 2, 1, True, False, 2), lambda n: n.AdaptiveAvgPool1d(3),
    lambda n: n.AdaptiveAvgPool2d((2, None)), lambda n: n.AdaptiveMaxPool2d(2), lambda n: n.LPPool2d(2, 3),
    lambda n: n.BatchNorm2d(3, momentum=None, affine=False, track_running_stats=False),
    lambda n: n.BatchNorm1d(3, bias=False), lambda n: n.InstanceNorm2d(3), lambda n: n.InstanceNorm1d(3, affine=True),
    lambda n: n.RMSNorm([2, 4], eps=1e-3), lambda n: n.LocalResponseNorm(2), lambda n: n.GroupNorm(1, 3, bias=False),
    lambda n: n.Dropout2d(0.2, True), lambda n: n.AlphaDropout(), lambda n: n.Dropout1d(),
    lambda n: n.Embedding(10, 3, padding_idx=-1, max_norm=1.0, norm_type=1.0, scale_grad_by_freq=True, sparse=True),
    lambda n: n.Threshold(0.1, 20, True), lambda n: n.RReLU(), lambda n: n.RReLU(0.1, 0.3, True),
    lambda n: n.Hardtanh(-2, 2, True), lambda n: n.ReLU6(True), lambda n: n.Hardsigmoid(True), lambda n: n.SiLU(True),
    lambda n: n.Mish(True), lambda n: n.Hardswish(True), lambda n: n.ELU(0.5, True), lambda n: n.CELU(1.5, True),
    lambda n: n.SELU(True), lambda n: n.LeakyReLU(0.2, True), lambda n: n.Softmin(), lambda n: n.LogSoftmax(),
    lambda n: n.L1Loss(), lambda n: n.NLLLoss(), lambda n: n.CTCLoss(), lambda n: n.MultiLabelMarginLoss(),
    lambda n: n.TripletMarginWithDistanceLoss(), lambda n: n.MultiLabelSoftMarginLoss(),
    lambda n: n.L1Loss(reduce=False), lambda n: n.Bilinear(2, 3, 4, bias=False),
], ids=lambda f: "")
@pytest.mark.filterwarnings("ignore:size_average and reduce args will be deprecated")
def test_repr_and_attributes_match_torch(make):
    em, tm = make(nn), make(torch.nn)
    assert repr(em) == repr(tm)
    public = {k: v for k, v in vars(tm).items() if not k.startswith("_") and not callable(v)}
    ours = {k: v for k, v in vars(em).items() if not k.startswith("_") and not callable(v)}
    assert ours == public
    assert ([(k, tuple(v.shape)) for k, v in em.state_dict().items()]
            == [(k, tuple(v.shape)) for k, v in tm.state_dict().items()])
    assert {k: None if v is None else tuple(v.shape) for k, v in em._buffers.items()} == {
        k: None if v is None else tuple(v.shape) for k, v in tm._buffers.items()}


def test_legacy_reduction_arguments_warn_as_torch():
    with pytest.warns(UserWarning) as ours:
        loss = nn.MSELoss(size_average=False)
    with pytest.warns(UserWarning) as theirs:
        torch.nn.MSELoss(size_average=False)
    assert loss.reduction == "sum" and str(ours[0].message) == str(theirs[0].message)


def test_conv_transpose_output_size_and_dirac_identity():
    if not hasattr(F, "conv_transpose2d") or not hasattr(F, "conv2d"):
        pytest.skip("F.conv_transpose2d not yet available")
    torch.manual_seed(0)
    tm, em = torch.nn.ConvTranspose2d(3, 2, 3, stride=2), nn.ConvTranspose2d(3, 2, 3, stride=2)
    em.load_state_dict({k: ember.tensor(v.numpy().copy()) for k, v in tm.state_dict().items()})
    x = np.random.default_rng(0).standard_normal((1, 3, 4, 4)).astype(np.float32)
    for size in ([10, 9], (1, 2, 9, 10)):
        np.testing.assert_allclose(_np(em(ember.tensor(x), output_size=size)),
                                   _np(tm(torch.tensor(x), output_size=size)), rtol=1e-5, atol=1e-5)
    with pytest.raises(ValueError, match="requested an output size of"):
        em(ember.tensor(x), output_size=[12, 12])
    conv = nn.Conv2d(3, 3, 3, padding=1, bias=False)
    nn.init.dirac_(conv.weight)
    np.testing.assert_allclose(_np(conv(ember.tensor(x))), x, atol=1e-6)


def test_dropout_statistics():
    if not hasattr(F, "dropout"):
        pytest.skip("F.dropout not yet available")
    ember.manual_seed(0)
    d = nn.Dropout(0.3)
    x = ember.ones(200, 500, requires_grad=True)
    y = d(x)
    kept = _np(y) != 0
    assert kept.mean() == pytest.approx(0.7, abs=0.01)
    np.testing.assert_allclose(_np(y)[kept], 1 / 0.7, rtol=1e-6)
    y.sum().backward()
    np.testing.assert_array_equal(_np(x.grad) != 0, kept)
    d.eval()
    assert d(x) is x or np.array_equal(_np(d(x)), _np(x))
    if hasattr(F, "dropout2d"):
        d2 = nn.Dropout2d(0.5)
        z = _np(d2(ember.ones(50, 40, 3, 3)))
        per_channel = z.reshape(50, 40, 9)
        assert (per_channel.min(-1) == per_channel.max(-1)).all()  # whole channels dropped or kept


def test_embedding_from_pretrained_and_padding_grad():
    if not hasattr(F, "embedding"):
        pytest.skip("F.embedding not yet available")
    w = ember.arange(12.0).reshape(4, 3)
    emb = nn.Embedding.from_pretrained(w)
    assert not emb.weight.requires_grad and emb.weight.data_ptr() == w.data_ptr()
    np.testing.assert_array_equal(_np(emb(ember.tensor([2]))), [[6.0, 7.0, 8.0]])
    emb = nn.Embedding(5, 2, padding_idx=0)
    emb(ember.tensor([0, 1, 0, 3])).sum().backward()
    np.testing.assert_array_equal(_np(emb.weight.grad), [[0, 0], [1, 1], [0, 0], [1, 1], [0, 0]])


def test_batchnorm_num_batches_and_reset():
    if not hasattr(F, "batch_norm"):
        pytest.skip("F.batch_norm not yet available")
    bn = nn.BatchNorm1d(2)
    for _ in range(3):
        bn(ember.randn(4, 2))
    assert bn.num_batches_tracked.item() == 3
    bn.eval()
    bn(ember.randn(4, 2))
    assert bn.num_batches_tracked.item() == 3
    bn.reset_running_stats()
    assert bn.num_batches_tracked.item() == 0 and _np(bn.running_mean).tolist() == [0.0, 0.0]
