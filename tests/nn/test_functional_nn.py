"""ember.nn.functional beyond the registry: graphs as PyTorch records them, errors, warnings,
dropout statistics, batch_norm's running statistics, stability at extreme inputs.

(Named test_functional_nn.py: tests/autograd/test_functional.py already takes the
basename, and the suite has no packages.)
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest

import ember
import ember.nn.functional as F  # noqa: N812 - the name PyTorch users write

torch = pytest.importorskip("torch")
TF = torch.nn.functional


def _chain(fn: Any) -> list:
    """Node names breadth-first (AccumulateGrad left out), torch's spelled as ember's."""
    out, stack = [], [fn]
    while stack:
        node = stack.pop(0)
        if node is None:
            continue
        name = type(node).__name__
        if name != "AccumulateGrad":
            out.append(name)
        stack.extend(n for n, _ in node.next_functions)
    return out


def _pair(*shape: int, requires_grad: bool = True) -> tuple:
    a = np.random.default_rng(0).standard_normal(shape)
    e, t = ember.tensor(a), torch.tensor(a)
    return e.requires_grad_(requires_grad), t.requires_grad_(requires_grad)


# ---------------------------------------------------------------------------------------
# linear records PyTorch's graph
# ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("shape", [(3,), (2, 3), (2, 2, 3), (2, 1, 2, 3)])
@pytest.mark.parametrize("bias", [False, True])
def test_linear_graph_matches_torch(shape: tuple, bias: bool) -> None:
    xe, xt = _pair(*shape)
    we, wt = _pair(4, 3)
    be, bt = _pair(4)
    ye = F.linear(xe, we, be if bias else None)
    yt = TF.linear(xt, wt, bt if bias else None)
    assert _chain(ye.grad_fn) == _chain(yt.grad_fn)
    np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), rtol=1e-12)


def test_linear_addmm_saves_what_torch_saves() -> None:
    xe, xt = _pair(2, 3)
    we, wt = _pair(4, 3)
    be, bt = _pair(4)
    ne, nt = F.linear(xe, we, be).grad_fn, TF.linear(xt, wt, bt).grad_fn
    for attr in ("_saved_alpha", "_saved_beta", "_saved_mat1_sym_sizes", "_saved_mat2_sym_sizes"):
        assert getattr(ne, attr) == getattr(nt, attr)


@pytest.mark.parametrize("name, kwargs, node", [
    ("relu6", {}, "HardtanhBackward0"), ("selu", {}, "EluBackward0"), ("celu", {}, "CeluBackward0"),
    ("softmin", {"dim": 1}, "SoftmaxBackward0"), ("softsign", {}, "DivBackward0"),
    ("tanhshrink", {}, "SubBackward0"), ("normalize", {}, "DivBackward0"),
])
def test_composite_nodes(name: str, kwargs: dict, node: str) -> None:
    xe, xt = _pair(2, 3)
    assert getattr(F, name)(xe, **kwargs).grad_fn.name() == node == getattr(TF, name)(xt, **kwargs).grad_fn.name()


def test_cross_entropy_graph_is_log_softmax_then_nll() -> None:
    xe, xt = _pair(3, 4)
    target = [0, 3, 1]
    ye = F.cross_entropy(xe, ember.tensor(target))
    yt = TF.cross_entropy(xt, torch.tensor(target))
    assert _chain(ye.grad_fn) == _chain(yt.grad_fn) == ["NllLossBackward0", "LogSoftmaxBackward0"]


# ---------------------------------------------------------------------------------------
# Errors: same type as PyTorch, same meaning
# ---------------------------------------------------------------------------------------
def _both(fn_e: Any, fn_t: Any) -> tuple:
    with pytest.raises(Exception) as te:  # noqa: PT011 - whatever torch raises
        fn_t()
    with pytest.raises(Exception) as ee:  # noqa: PT011
        fn_e()
    return ee.value, te.value


def _builtin(exc: BaseException) -> type:
    return next(c for c in type(exc).__mro__ if c.__module__ == "builtins")


ERRORS = [
    ("linear_0d", lambda m: m.nn.functional.linear(m.ones(()), m.ones(4, 3)), "both arguments to linear"),
    ("linear_inner", lambda m: m.nn.functional.linear(m.ones(2, 3), m.ones(4, 2)), "cannot be multiplied"),
    ("mse_reduction", lambda m: m.nn.functional.mse_loss(m.ones(3), m.ones(3), reduction="avg"),
     "avg is not a valid value for reduction"),
    ("l1_reduction", lambda m: m.nn.functional.l1_loss(m.ones(3), m.ones(3), reduction="x"), "not a valid value"),
    ("nll_batch", lambda m: m.nn.functional.nll_loss(m.ones(3, 4), m.tensor([0, 1])), "batch_size"),
    ("nll_bounds", lambda m: m.nn.functional.nll_loss(m.ones(3, 4), m.tensor([0, 1, 4])), "out of bounds"),
    ("nll_dtype", lambda m: m.nn.functional.nll_loss(m.ones(3, 4), m.tensor([0.0, 1.0, 1.0])), "Long"),
    ("nll_0d", lambda m: m.nn.functional.nll_loss(m.ones(()), m.tensor(0)), "Expected 1 or more dimensions"),
    ("ce_smoothing", lambda m: m.nn.functional.cross_entropy(m.ones(2, 3), m.tensor([0, 1]), label_smoothing=2.0),
     "label_smoothing must be between 0.0 and 1.0"),
    ("ce_probs_ignore", lambda m: m.nn.functional.cross_entropy(m.ones(2, 3), m.ones(2, 3), ignore_index=0),
     "ignore_index is not supported for floating point target"),
    ("bce_range", lambda m: m.nn.functional.binary_cross_entropy(m.tensor([1.5]), m.tensor([1.0])),
     "between 0 and 1"),
    ("bce_size", lambda m: m.nn.functional.binary_cross_entropy(m.ones(2) / 2, m.ones(3) / 2),
     "different to the input size"),
    ("kl_reduction", lambda m: m.nn.functional.kl_div(m.ones(2), m.ones(2), reduction="avg"), "not a valid value"),
    ("softmax_dim", lambda m: m.nn.functional.softmax(m.ones(2, 3), dim=2), "Dimension out of range"),
    ("log_softmax_int", lambda m: m.nn.functional.log_softmax(m.tensor([1, 2]), dim=0), "not implemented"),
    ("gelu_approx", lambda m: m.nn.functional.gelu(m.ones(2), approximate="fast"), "approximate"),
    ("elu_int", lambda m: m.nn.functional.elu(m.tensor([1, 2])), "not implemented for 'Long'"),
    ("dropout_p", lambda m: m.nn.functional.dropout(m.ones(2), p=1.5), "dropout probability has to be between"),
    ("one_hot_big", lambda m: m.nn.functional.one_hot(m.tensor([0, 3]), 3), "smaller than num_classes"),
    ("one_hot_float", lambda m: m.nn.functional.one_hot(m.tensor([0.0])), "LongTensor"),
    ("pad_odd", lambda m: m.nn.functional.pad(m.ones(2, 3), (1,)), "divisible by 2"),
    ("pad_mode", lambda m: m.nn.functional.pad(m.ones(2, 3), (1, 1), mode="wrap"), "Unrecognised padding mode"),
    ("pad_reflect", lambda m: m.nn.functional.pad(m.ones(1, 3), (3, 0), mode="reflect"), "Padding size should be less"),
    ("layer_norm_shape", lambda m: m.nn.functional.layer_norm(m.ones(2, 3), (2,)), "normalized_shape"),
    ("group_norm_groups", lambda m: m.nn.functional.group_norm(m.ones(2, 3, 4), 2), "divisible by num_groups"),
    ("batch_norm_one", lambda m: m.nn.functional.batch_norm(m.ones(1, 3), None, None, training=True),
     "Expected more than 1 value per channel"),
    ("batch_norm_size", lambda m: m.nn.functional.batch_norm(m.ones(2, 3), m.zeros(4), m.ones(3)),
     "running_mean should contain 3 elements not 4"),
    ("embedding_range", lambda m: m.nn.functional.embedding(m.tensor([3]), m.ones(3, 2)), "index out of range"),
    ("triplet_dims", lambda m: m.nn.functional.triplet_margin_loss(m.ones(2, 3), m.ones(3), m.ones(2, 3)),
     "same number of dimensions"),
    ("margin_dims", lambda m: m.nn.functional.margin_ranking_loss(m.ones(3), m.ones(3, 1), m.ones(3)),
     "same dimension"),
]


@pytest.mark.parametrize("name, call, text", ERRORS, ids=[e[0] for e in ERRORS])
def test_errors_match_torch(name: str, call: Any, text: str) -> None:
    e, t = _both(lambda: call(ember), lambda: call(torch))
    assert _builtin(e) is _builtin(t), f"ember raises {type(e).__name__}, torch {type(t).__name__}"
    assert text in str(t), f"torch's message changed: {t}"
    assert text in str(e), f"ember's message: {e}"


# ---------------------------------------------------------------------------------------
# Warnings
# ---------------------------------------------------------------------------------------
def test_softmax_implicit_dim_warns_and_picks_torchs_dim() -> None:
    for shape in [(3,), (2, 3), (2, 3, 4), (2, 3, 4, 5)]:
        xe, xt = _pair(*shape, requires_grad=False)
        with pytest.warns(UserWarning, match="Implicit dimension choice for softmax"):
            ye = F.softmax(xe)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yt = TF.softmax(xt)
        np.testing.assert_allclose(ye.numpy(), yt.numpy(), rtol=1e-12)


def test_mse_loss_warns_on_broadcast() -> None:
    with pytest.warns(UserWarning, match="Using a target size"):
        F.mse_loss(ember.ones(2, 1), ember.ones(2, 3))


def test_kl_div_mean_warns() -> None:
    with pytest.warns(UserWarning, match="batchmean"):
        F.kl_div(ember.zeros(2, 2), ember.ones(2, 2) / 2)


# ---------------------------------------------------------------------------------------
# Dropout: masks from ember's generator
# ---------------------------------------------------------------------------------------
def test_dropout_statistics_and_scale() -> None:
    ember.manual_seed(0)
    x = ember.ones(200, 100, requires_grad=True)
    y = F.dropout(x, p=0.3)
    kept = y.detach().numpy() != 0
    assert abs(kept.mean() - 0.7) < 0.01
    np.testing.assert_allclose(y.detach().numpy()[kept], 1 / 0.7)
    assert y.grad_fn.name() == "MulBackward0"
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), y.detach().numpy())


def test_dropout_is_reproducible_with_manual_seed() -> None:
    ember.manual_seed(3)
    a = F.dropout(ember.ones(50))
    ember.manual_seed(3)
    b = F.dropout(ember.ones(50))
    assert ember.equal(a, b)


def test_dropout_eval_returns_input_and_inplace_writes() -> None:
    x = ember.ones(4)
    assert F.dropout(x, training=False) is x
    ember.manual_seed(1)
    y = F.dropout(x, p=0.5, inplace=True)
    assert y is x and set(np.unique(x.numpy())) <= {0.0, 2.0}


def test_dropout2d_zeroes_whole_channels() -> None:
    ember.manual_seed(0)
    y = F.dropout2d(ember.ones(8, 16, 3, 3), p=0.5).numpy()
    per_channel = y.reshape(8, 16, 9)
    assert np.all((per_channel == 0).all(axis=2) | (per_channel == 2).all(axis=2))


# ---------------------------------------------------------------------------------------
# batch_norm's running statistics, numerics at extremes
# ---------------------------------------------------------------------------------------
def test_batch_norm_updates_running_stats_in_place_like_torch() -> None:
    xe, xt = _pair(4, 3, 2, requires_grad=False)
    rme, rve = ember.zeros(3, dtype=ember.float64), ember.ones(3, dtype=ember.float64)
    rmt, rvt = torch.zeros(3, dtype=torch.float64), torch.ones(3, dtype=torch.float64)
    before = rme._version
    for _ in range(2):
        F.batch_norm(xe, rme, rve, training=True, momentum=0.2)
        TF.batch_norm(xt, rmt, rvt, training=True, momentum=0.2)
    np.testing.assert_allclose(rme.numpy(), rmt.numpy(), rtol=1e-12)
    np.testing.assert_allclose(rve.numpy(), rvt.numpy(), rtol=1e-12)
    assert rme._version > before


def test_stable_at_extremes() -> None:
    big = ember.tensor([[1e4, -1e4, 0.0]], dtype=ember.float32)
    assert np.isfinite(F.log_softmax(big, 1).numpy()).all()
    assert np.isfinite(F.softmax(big, 1).numpy()).all()
    assert np.isfinite(F.softplus(big).numpy()).all()
    assert np.isfinite(F.logsigmoid(big).numpy()).all()
    assert np.isfinite(F.cross_entropy(big, ember.tensor([1])).numpy())
    p = ember.tensor([0.0, 1.0])
    assert F.binary_cross_entropy(p, ember.tensor([1.0, 0.0])).item() == pytest.approx(100.0)


def test_gelu_erf_matches_math_erf() -> None:
    import math

    xs = np.linspace(-7, 7, 1001)
    got = ember.tensor(xs).erf().numpy()
    np.testing.assert_allclose(got, [math.erf(v) for v in xs], rtol=1e-14, atol=1e-16)


def test_double_backward_through_softmax_and_layer_norm() -> None:
    xe, xt = _pair(2, 3)
    for fe, ft in [(lambda x: F.softmax(x, 1), lambda x: TF.softmax(x, 1)),
                   (lambda x: F.layer_norm(x, (3,)), lambda x: TF.layer_norm(x, (3,))),
                   (lambda x: F.gelu(x), lambda x: TF.gelu(x))]:
        (ge,) = ember.autograd.grad((fe(xe) ** 2).sum(), xe, create_graph=True)
        (gt,) = torch.autograd.grad((ft(xt) ** 2).sum(), xt, create_graph=True)
        (hge,) = ember.autograd.grad(ge.sum(), xe)
        (hgt,) = torch.autograd.grad(gt.sum(), xt)
        np.testing.assert_allclose(hge.numpy(), hgt.numpy(), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("name", ["elu", "selu", "celu", "relu6", "hardtanh", "leaky_relu", "silu", "mish",
                                  "hardsigmoid", "hardswish"])
def test_inplace_activations_give_torchs_gradient(name: str) -> None:
    xe, xt = _pair(2, 3)
    ye, yt = xe * 1, xt * 1
    assert getattr(F, name)(ye, inplace=True) is ye
    getattr(TF, name)(yt, inplace=True)
    np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), rtol=1e-12)
    (ye * ye).sum().backward()
    (yt * yt).sum().backward()
    np.testing.assert_allclose(xe.grad.numpy(), xt.grad.numpy(), rtol=1e-10)
