"""ember.nn.init: values follow the documented distributions (statistics and bounds, not
torch's random stream); gains, fans and errors match torch.nn.init."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import ember
from ember import nn
from ember.nn import init


@pytest.fixture(autouse=True)
def _seed():
    ember.manual_seed(0)


def values(t):
    return t.detach().numpy().astype(np.float64)


def test_calculate_gain():
    cases = {"linear": 1, "conv2d": 1, "conv_transpose3d": 1, "sigmoid": 1, "tanh": 5 / 3, "relu": math.sqrt(2),
             "selu": 0.75}
    for name, gain in cases.items():
        assert init.calculate_gain(name) == pytest.approx(gain)
    assert init.calculate_gain("leaky_relu") == pytest.approx(math.sqrt(2 / (1 + 0.01**2)))
    assert init.calculate_gain("leaky_relu", 0.2) == pytest.approx(math.sqrt(2 / 1.04))
    with pytest.raises(ValueError, match="Unsupported nonlinearity foo"):
        init.calculate_gain("foo")
    with pytest.raises(ValueError, match="negative_slope x not a valid number"):
        init.calculate_gain("leaky_relu", "x")


def test_in_place_without_history_and_version_bump():
    w = nn.Parameter(ember.empty(10, 10))
    v = w._version
    out = init.normal_(w)
    assert out is w and w.grad_fn is None and w.requires_grad and w._version == v + 1
    assert w.dtype == ember.float32


def test_uniform_normal_constant():
    w = ember.empty(300, 400)
    x = values(init.uniform_(w, -2.0, 3.0))
    assert x.min() >= -2 and x.max() < 3
    assert x.mean() == pytest.approx(0.5, abs=0.02) and x.var() == pytest.approx(25 / 12, rel=0.02)
    x = values(init.normal_(w, 1.5, 0.5))
    assert x.mean() == pytest.approx(1.5, abs=0.01) and x.std() == pytest.approx(0.5, rel=0.01)
    assert (values(init.constant_(w, 0.3)) == np.float32(0.3)).all()
    assert (values(init.ones_(w)) == 1).all() and (values(init.zeros_(w)) == 0).all()
    xi = ember.empty(3, 4, dtype=ember.int64)
    assert init.constant_(xi, 2).dtype == ember.int64


def test_trunc_normal():
    w = ember.empty(200, 300)
    x = values(init.trunc_normal_(w, mean=0.5, std=1.0, a=-1.0, b=1.5))
    assert x.min() >= -1.0 and x.max() <= 1.5
    # The mean of N(0.5, 1) truncated to [-1, 1.5] (phi/Phi from math.erf).
    phi = lambda z: math.exp(-z * z / 2) / math.sqrt(2 * math.pi)  # noqa: E731
    cdf = lambda z: 0.5 * (1 + math.erf(z / math.sqrt(2)))  # noqa: E731
    alpha, beta = -1.5, 1.0
    mean = 0.5 + (phi(alpha) - phi(beta)) / (cdf(beta) - cdf(alpha))
    assert x.mean() == pytest.approx(mean, abs=0.01)
    with pytest.warns(UserWarning, match="mean is more than 2 std from"):
        far = values(init.trunc_normal_(ember.empty(1000), mean=0.0, std=1.0, a=5.0, b=6.0))  # a far tail
    assert far.min() >= 5.0 and far.max() <= 6.0 and far.mean() < 5.4


def test_eye_and_dirac():
    np.testing.assert_array_equal(values(init.eye_(ember.empty(3, 5))), np.eye(3, 5))
    with pytest.raises(ValueError, match="Only tensors with 2 dimensions are supported"):
        init.eye_(ember.empty(3))
    w = init.dirac_(ember.empty(4, 2, 3))
    expected = np.zeros((4, 2, 3))
    expected[0, 0, 1] = expected[1, 1, 1] = 1
    np.testing.assert_array_equal(values(w), expected)
    w = init.dirac_(ember.empty(4, 2, 3, 3), groups=2)
    assert values(w).sum() == 4 and values(w)[2, 0, 1, 1] == 1 and values(w)[3, 1, 1, 1] == 1
    with pytest.raises(ValueError, match="Only tensors with 3, 4, or 5 dimensions are supported"):
        init.dirac_(ember.empty(3, 3))
    with pytest.raises(ValueError, match="dim 0 must be divisible by groups"):
        init.dirac_(ember.empty(3, 3, 3), groups=2)


@pytest.mark.parametrize("shape", [(400, 300), (64, 32, 3, 3)])
def test_xavier(shape):
    fan_in = shape[1] * int(np.prod(shape[2:]))
    fan_out = shape[0] * int(np.prod(shape[2:]))
    std = 2.0 * math.sqrt(2.0 / (fan_in + fan_out))
    x = values(init.xavier_uniform_(ember.empty(*shape), gain=2.0))
    bound = math.sqrt(3) * std
    assert np.abs(x).max() <= bound and np.abs(x).max() > 0.99 * bound
    assert x.std() == pytest.approx(std, rel=0.02)
    x = values(init.xavier_normal_(ember.empty(*shape), gain=2.0))
    assert x.std() == pytest.approx(std, rel=0.02) and abs(x.mean()) < 0.02 * std * 10


@pytest.mark.parametrize("mode", ["fan_in", "fan_out"])
@pytest.mark.parametrize("nonlinearity,a", [("relu", 0), ("leaky_relu", 0.2), ("leaky_relu", math.sqrt(5))])
def test_kaiming(mode, nonlinearity, a):
    shape = (256, 64, 3, 3)
    fan = (64 if mode == "fan_in" else 256) * 9
    std = init.calculate_gain(nonlinearity, a) / math.sqrt(fan)
    x = values(init.kaiming_uniform_(ember.empty(*shape), a=a, mode=mode, nonlinearity=nonlinearity))
    assert np.abs(x).max() <= math.sqrt(3) * std and x.std() == pytest.approx(std, rel=0.02)
    x = values(init.kaiming_normal_(ember.empty(*shape), a=a, mode=mode, nonlinearity=nonlinearity))
    assert x.std() == pytest.approx(std, rel=0.02)


def test_fan_errors_and_zero_element_warning():
    with pytest.raises(ValueError, match="Fan in and fan out can not be computed for tensor with fewer than 2"):
        init.xavier_uniform_(ember.empty(3))
    with pytest.raises(ValueError, match=r"Mode x not supported, please use one of \['fan_in', 'fan_out'\]"):
        init.kaiming_uniform_(ember.empty(3, 3), mode="x")
    with pytest.warns(UserWarning, match="Initializing zero-element tensors is a no-op"):
        init.kaiming_uniform_(ember.empty(0, 3))


@pytest.mark.parametrize("shape", [(6, 4), (4, 6), (8, 2, 3)])
def test_orthogonal(shape):
    w = values(init.orthogonal_(ember.empty(*shape), gain=2.0))
    flat = w.reshape(shape[0], -1)
    gram = flat @ flat.T if flat.shape[0] <= flat.shape[1] else flat.T @ flat
    np.testing.assert_allclose(gram, 4.0 * np.eye(gram.shape[0]), atol=1e-5)
    with pytest.raises(ValueError, match="Only tensors with 2 or more dimensions are supported"):
        init.orthogonal_(ember.empty(3))


def test_sparse():
    w = values(init.sparse_(ember.empty(10, 300), sparsity=0.3, std=0.5))
    assert ((w == 0).sum(axis=0) >= 3).all()
    nz = w[w != 0]
    assert nz.std() == pytest.approx(0.5, rel=0.05)
    with pytest.raises(ValueError, match="Only tensors with 2 dimensions are supported"):
        init.sparse_(ember.empty(3), 0.1)


def test_generator_makes_draws_reproducible():
    g = ember.Generator().manual_seed(123)
    a = values(init.normal_(ember.empty(5), generator=g))
    g.manual_seed(123)
    b = values(init.normal_(ember.empty(5), generator=g))
    np.testing.assert_array_equal(a, b)
    ember.manual_seed(7)
    c = values(init.kaiming_uniform_(ember.empty(4, 4)))
    ember.manual_seed(7)
    np.testing.assert_array_equal(c, values(init.kaiming_uniform_(ember.empty(4, 4))))


def test_deprecated_aliases_warn():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        init.xavier_uniform(ember.empty(3, 3))
    assert "`nn.init.xavier_uniform` is now deprecated in favor of `nn.init.xavier_uniform_`." in str(
        caught[0].message)


def test_against_torch_fan_and_gain():
    torch = pytest.importorskip("torch")
    for shape in [(3, 4), (2, 3, 5), (4, 2, 3, 3)]:
        assert (init._calculate_fan_in_and_fan_out(ember.empty(*shape))
                == torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(*shape)))
    for name in ["linear", "tanh", "relu", "leaky_relu", "selu", "sigmoid"]:
        assert init.calculate_gain(name) == torch.nn.init.calculate_gain(name)
