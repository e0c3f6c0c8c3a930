"""Tests for ember._printing: known answers, plus PyTorch as an oracle when installed."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pytest

try:
    from ember._printing import (
        get_printoptions,
        printoptions,
        set_printoptions,
        tensor_repr,
    )
except ImportError:  # running from a bare checkout without an installed package
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from ember._printing import (
        get_printoptions,
        printoptions,
        set_printoptions,
        tensor_repr,
    )

DEFAULT_DTYPES = {"float32", "int64", "bool", "complex64"}


def rep(array: np.ndarray, **kwargs) -> str:
    """tensor_repr with the dtype flags PyTorch's default dtype (float32) implies."""
    name = str(array.dtype)
    return tensor_repr(
        array,
        dtype_name=name,
        is_default_dtype=name in DEFAULT_DTYPES,
        is_default_float_dtype=name == "float32",
        **kwargs,
    )


@pytest.fixture(autouse=True)
def _restore_defaults():
    yield
    set_printoptions(profile="default")


f32 = np.float32
f64 = np.float64

KNOWN = [
    (
        np.ones((2, 2), f32),
        {"requires_grad": True},
        "tensor([[1., 1.],\n        [1., 1.]], requires_grad=True)",
    ),
    (
        np.array([102.4, 1024, 0.1024], f32),
        {},
        "tensor([1.0240e+02, 1.0240e+03, 1.0240e-01])",
    ),
    (
        np.array(27.0, f32),
        {"grad_fn_name": "MeanBackward0"},
        "tensor(27., grad_fn=<MeanBackward0>)",
    ),
    (np.array([4.5, 4.5], f32), {}, "tensor([4.5000, 4.5000])"),
    (np.zeros((0, 3), f32), {}, "tensor([], size=(0, 3))"),
    (np.zeros((0,), np.int64), {}, "tensor([], dtype=ember.int64)"),
    (np.zeros((0,), f32), {}, "tensor([])"),
    (np.zeros((2, 0, 3), f64), {}, "tensor([], size=(2, 0, 3), dtype=ember.float64)"),
    (np.arange(5), {}, "tensor([0, 1, 2, 3, 4])"),
    (np.array([True, False]), {}, "tensor([ True, False])"),
    (np.array([1.5, 2], f64), {}, "tensor([1.5000, 2.0000], dtype=ember.float64)"),
    (np.array(1.5, f64), {}, "tensor(1.5000, dtype=ember.float64)"),
    (np.array(3, np.uint8), {}, "tensor(3, dtype=ember.uint8)"),
    (
        np.array([np.nan, np.inf, -np.inf, -0.0, 1.0], f32),
        {},
        "tensor([nan, inf, -inf, -0., 1.])",
    ),
    (np.array([-0.0, 0.0], f32), {}, "tensor([-0., 0.])"),
    (np.array([np.nan], f32), {}, "tensor([nan])"),
    (np.array([1e-5, 1.0], f32), {}, "tensor([1.0000e-05, 1.0000e+00])"),
    (np.array([1e9, 1.0], f32), {}, "tensor([1.0000e+09, 1.0000e+00])"),
    (np.array([1e-8, 2e-8], f32), {}, "tensor([1.0000e-08, 2.0000e-08])"),
    (np.array([1.0, 2.0], np.float16), {}, "tensor([1., 2.], dtype=ember.float16)"),
    (
        np.array([0.1, 0.2], np.float16),
        {},
        "tensor([0.1000, 0.2000], dtype=ember.float16)",
    ),
    (
        np.array([1 + 2j, -0.5 - 1j], np.complex64),
        {},
        "tensor([ 1.0000+2.j, -0.5000-1.j])",
    ),
    (
        np.arange(12, dtype=np.int32).reshape(2, 3, 2),
        {},
        (
            "tensor([[[ 0,  1],\n         [ 2,  3],\n         [ 4,  5]],\n\n"
            "        [[ 6,  7],\n         [ 8,  9],\n         [10, 11]]], dtype=ember.int32)"
        ),
    ),
    (
        np.zeros((3, 2), f64),
        {"grad_fn_name": "CloneBackward0", "requires_grad": True},
        "tensor([[0., 0.],\n        [0., 0.],\n        [0., 0.]], dtype=ember.float64, grad_fn=<CloneBackward0>)",
    ),
    (
        np.arange(2000, dtype=f32),
        {},
        "tensor([0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.9970e+03, 1.9980e+03,\n        1.9990e+03])",
    ),
    (
        np.arange(3000, dtype=np.int16).reshape(3, 1000),
        {},
        (
            "tensor([[   0,    1,    2,  ...,  997,  998,  999],\n"
            "        [1000, 1001, 1002,  ..., 1997, 1998, 1999],\n"
            "        [2000, 2001, 2002,  ..., 2997, 2998, 2999]], dtype=ember.int16)"
        ),
    ),
    (
        np.arange(40, dtype=f32) / f32(7),
        {},
        (
            "tensor([0.0000, 0.1429, 0.2857, 0.4286, 0.5714, 0.7143, 0.8571, 1.0000, 1.1429,\n"
            "        1.2857, 1.4286, 1.5714, 1.7143, 1.8571, 2.0000, 2.1429, 2.2857, 2.4286,\n"
            "        2.5714, 2.7143, 2.8571, 3.0000, 3.1429, 3.2857, 3.4286, 3.5714, 3.7143,\n"
            "        3.8571, 4.0000, 4.1429, 4.2857, 4.4286, 4.5714, 4.7143, 4.8571, 5.0000,\n"
            "        5.1429, 5.2857, 5.4286, 5.5714])"
        ),
    ),
    # The dtype suffix no longer fits on the last line, so it wraps.
    (
        np.arange(30, dtype=f64) * 1.5,
        {},
        (
            "tensor([ 0.0000,  1.5000,  3.0000,  4.5000,  6.0000,  7.5000,  9.0000, 10.5000,\n"
            "        12.0000, 13.5000, 15.0000, 16.5000, 18.0000, 19.5000, 21.0000, 22.5000,\n"
            "        24.0000, 25.5000, 27.0000, 28.5000, 30.0000, 31.5000, 33.0000, 34.5000,\n"
            "        36.0000, 37.5000, 39.0000, 40.5000, 42.0000, 43.5000],\n"
            "       dtype=ember.float64)"
        ),
    ),
    (
        np.array([1, 2], f64),
        {"device": "cuda:0", "requires_grad": True},
        "tensor([1., 2.], device='cuda:0', dtype=ember.float64, requires_grad=True)",
    ),
    (
        np.arange(9, dtype=f64) / 7,
        {"device": "cuda:0", "grad_fn_name": "AddBackward0"},
        (
            "tensor([0.0000, 0.1429, 0.2857, 0.4286, 0.5714, 0.7143, 0.8571, 1.0000, 1.1429],\n"
            "       device='cuda:0', dtype=ember.float64, grad_fn=<AddBackward0>)"
        ),
    ),
    (
        np.arange(40, dtype=f32).reshape(2, 20) / f32(7),
        {"prefix": "MyTensor("},
        (
            "MyTensor([[0.0000, 0.1429, 0.2857, 0.4286, 0.5714, 0.7143, 0.8571, 1.0000,\n"
            "           1.1429, 1.2857, 1.4286, 1.5714, 1.7143, 1.8571, 2.0000, 2.1429,\n"
            "           2.2857, 2.4286, 2.5714, 2.7143],\n"
            "          [2.8571, 3.0000, 3.1429, 3.2857, 3.4286, 3.5714, 3.7143, 3.8571,\n"
            "           4.0000, 4.1429, 4.2857, 4.4286, 4.5714, 4.7143, 4.8571, 5.0000,\n"
            "           5.1429, 5.2857, 5.4286, 5.5714]])"
        ),
    ),
]


@pytest.mark.parametrize("array, kwargs, expected", KNOWN)
def test_known_answers(array, kwargs, expected):
    before = array.copy()
    assert rep(array, **kwargs) == expected
    np.testing.assert_array_equal(array, before)


def test_summarised_2d_known_answer():
    expected = (
        "tensor([[0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 4.7000e+01, 4.8000e+01,\n"
        "         4.9000e+01],\n"
        "        [5.0000e+01, 5.1000e+01, 5.2000e+01,  ..., 9.7000e+01, 9.8000e+01,\n"
        "         9.9000e+01],\n"
        "        [1.0000e+02, 1.0100e+02, 1.0200e+02,  ..., 1.4700e+02, 1.4800e+02,\n"
        "         1.4900e+02],\n"
        "        ...,\n"
        "        [2.3500e+03, 2.3510e+03, 2.3520e+03,  ..., 2.3970e+03, 2.3980e+03,\n"
        "         2.3990e+03],\n"
        "        [2.4000e+03, 2.4010e+03, 2.4020e+03,  ..., 2.4470e+03, 2.4480e+03,\n"
        "         2.4490e+03],\n"
        "        [2.4500e+03, 2.4510e+03, 2.4520e+03,  ..., 2.4970e+03, 2.4980e+03,\n"
        "         2.4990e+03]])"
    )
    assert rep(np.arange(2500, dtype=f32).reshape(50, 50)) == expected


def test_non_contiguous_input():
    base = np.arange(24, dtype=np.int64).reshape(4, 6)
    assert (
        rep(base.T[::2, 1:3])
        == "tensor([[ 6, 12],\n        [ 8, 14],\n        [10, 16]])"
    )


def test_huge_tensor_is_fast():
    big = np.zeros(10**7, dtype=f32)
    big[-1] = 0.5
    start = time.perf_counter()
    out = rep(big.reshape(1000, 10000))
    assert time.perf_counter() - start < 1.0
    assert out.startswith(
        "tensor([[0.0000, 0.0000, 0.0000,  ..., 0.0000, 0.0000, 0.0000],"
    )
    assert out.endswith("[0.0000, 0.0000, 0.0000,  ..., 0.0000, 0.0000, 0.5000]])")


OPTION_KNOWN = [
    (
        {"precision": 2},
        np.arange(10, dtype=f32) / f32(3),
        "tensor([0.00, 0.33, 0.67, 1.00, 1.33, 1.67, 2.00, 2.33, 2.67, 3.00])",
    ),
    (
        {"profile": "short"},
        np.arange(10, dtype=f32) / f32(3),
        "tensor([0.00, 0.33, 0.67, 1.00, 1.33, 1.67, 2.00, 2.33, 2.67, 3.00])",
    ),
    ({"threshold": 5}, np.arange(10), "tensor([0, 1, 2,  ..., 7, 8, 9])"),
    (
        {"edgeitems": 0},
        np.arange(10),
        "tensor([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], size=(10,))",
    ),
    ({"edgeitems": 0}, np.array(1.0, f32), "tensor(1., size=())"),
    (
        {"edgeitems": 0, "threshold": 3},
        np.ones((2, 3), f32),
        "tensor([...], size=(2, 3))",
    ),
    ({"sci_mode": True}, np.array([1.5, 2.0], f32), "tensor([1.5000e+00, 2.0000e+00])"),
    (
        {"sci_mode": False},
        np.array([1e-6, 2e5], f32),
        "tensor([     0.0000, 200000.0000])",
    ),
    (
        {"linewidth": 30},
        np.arange(6, dtype=f32) / f32(7),
        "tensor([0.0000, 0.1429,\n        0.2857, 0.4286,\n        0.5714, 0.7143])",
    ),
]


@pytest.mark.parametrize("opts, array, expected", OPTION_KNOWN)
def test_option_known_answers(opts, array, expected):
    with printoptions(**opts):
        assert rep(array) == expected
    assert get_printoptions() == {
        "precision": 4,
        "threshold": 1000,
        "edgeitems": 3,
        "linewidth": 80,
        "sci_mode": None,
    }


def test_set_get_printoptions_and_profiles():
    set_printoptions(precision=2, linewidth=100, sci_mode=True)
    assert get_printoptions() == {
        "precision": 2,
        "threshold": 1000,
        "edgeitems": 3,
        "linewidth": 100,
        "sci_mode": True,
    }
    set_printoptions(profile="full")  # sci_mode goes back to None, like torch
    assert get_printoptions()["threshold"] == float("inf")
    assert get_printoptions()["sci_mode"] is None
    assert "..." not in rep(np.arange(2000))
    set_printoptions(profile="default")
    assert "..." in rep(np.arange(2000))


def test_printoptions_restores_on_error():
    with pytest.raises(RuntimeError), printoptions(precision=1):
        assert get_printoptions()["precision"] == 1
        raise RuntimeError
    assert get_printoptions()["precision"] == 4


def test_printoptions_as_decorator():
    @printoptions(precision=1)
    def show():
        return rep(np.array([1.25, 2.5], f32))

    assert show() == "tensor([1.2, 2.5])"
    assert get_printoptions()["precision"] == 4


# --------------------------------------------------------------------------- oracle

DTYPES = [
    "float16",
    "float32",
    "float64",
    "int8",
    "int16",
    "int32",
    "int64",
    "uint8",
    "bool",
    "complex64",
    "complex128",
]
SHAPES = [
    (),
    (1,),
    (5,),
    (7,),
    (2, 3),
    (3, 1, 4),
    (2, 2, 2, 2),
    (0,),
    (0, 3),
    (2, 0, 3),
    (2000,),
    (50, 50),
    (3, 400, 3),
    (1, 1001),
    (30,),
    (4, 25),
    (2, 3, 2, 3),
]
SCALES = [1e-8, 1e-5, 1e-3, 0.1, 1.0, 10.0, 1e3, 1e5, 1e8, 1e10]


def _values(rng, shape, dtype, scale, kind):
    size = int(np.prod(shape))
    if dtype == "bool":
        return np.asarray(rng.random(size).reshape(shape) < 0.5)
    if dtype[0] in "iu":
        info = np.iinfo(dtype)
        hi = min(info.max, int(scale) + 2)
        lo = 0 if dtype[0] == "u" else max(info.min, -hi)
        return (
            rng.integers(lo, hi, size=size, endpoint=True).astype(dtype).reshape(shape)
        )
    vals = rng.standard_normal(size) * scale
    if kind == "int":
        vals = np.rint(vals * 10)
    elif kind == "positive":
        vals = np.abs(vals)
    elif kind == "special" and size:
        specials = np.array([np.nan, np.inf, -np.inf, -0.0, 0.0])
        pick = rng.random(size) < 0.3
        vals[pick] = rng.choice(specials, size=int(pick.sum()))
    elif kind == "zeros":
        vals = np.where(rng.random(size) < 0.5, 0.0, -0.0)
    if dtype.startswith("complex"):
        vals = vals + 1j * rng.standard_normal(size) * scale * (kind != "int")
    with np.errstate(over="ignore"):
        return vals.astype(dtype).reshape(shape)


def _oracle_cases():
    rng = np.random.default_rng(20240613)
    cases = []
    for i in range(360):
        dtype = DTYPES[i % len(DTYPES)]
        shape = SHAPES[rng.integers(len(SHAPES))]
        scale = SCALES[rng.integers(len(SCALES))]
        kind = ["normal", "int", "positive", "special", "zeros"][rng.integers(5)]
        array = _values(rng, shape, dtype, scale, kind)
        if i % 9 == 0 and array.ndim >= 2:
            array = array.swapaxes(0, -1)  # non-contiguous input
        grad = "none"
        if dtype.startswith("float") and i % 3:
            grad = ["requires_grad", "grad_fn"][i % 3 - 1]
        cases.append(
            pytest.param(array, grad, id=f"{i}-{dtype}-{shape}-{kind}-{scale:g}-{grad}")
        )
    return cases


def _torch_repr(torch, array, grad):
    t = torch.from_numpy(array.copy(order="C"))
    if grad != "none":
        t.requires_grad_()
        if grad == "grad_fn":
            t = t.clone()
    return repr(t).replace("torch.", "ember.")


def _ember_repr(array, grad):
    kwargs = {}
    if grad != "none":
        kwargs["requires_grad"] = True
        if grad == "grad_fn":
            kwargs["grad_fn_name"] = "CloneBackward0"
    return rep(array, **kwargs)


@pytest.mark.parametrize("array, grad", _oracle_cases())
def test_matches_torch(array, grad):
    torch = pytest.importorskip("torch")
    assert _ember_repr(array, grad) == _torch_repr(torch, array, grad)


OPTION_SETS = [
    {"precision": 2},
    {"precision": 0},
    {"precision": 7},
    {"threshold": 5},
    {"threshold": 0},
    {"edgeitems": 1},
    {"edgeitems": 0},
    {"edgeitems": 5, "threshold": 10},
    {"linewidth": 40},
    {"linewidth": 120},
    {"sci_mode": True},
    {"sci_mode": False},
    {"profile": "short"},
    {"profile": "full"},
    {"profile": "short", "precision": 6},
]


@pytest.mark.parametrize("opts", OPTION_SETS, ids=[str(o) for o in OPTION_SETS])
def test_printoptions_match_torch(opts):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(7)
    arrays = [
        rng.standard_normal(()).astype(f32),
        rng.standard_normal((3, 9)) * 1e3,
        rng.standard_normal((2, 12, 5)).astype(f32),
        np.rint(rng.standard_normal(40) * 100).astype(f32),
        rng.integers(-500, 500, size=(6, 30)),
        rng.random(17) < 0.5,
        (rng.standard_normal(11) + 1j * rng.standard_normal(11)).astype(np.complex64),
        np.array([1e-6, 3.0, np.nan, -np.inf], f32),
        np.zeros((0, 4), np.int64),
        rng.standard_normal(1500).astype(np.float16),
    ]
    torch.set_printoptions(**opts)
    set_printoptions(**opts)
    try:
        for array in arrays:
            assert rep(array) == _torch_repr(torch, array, "none")
    finally:
        torch.set_printoptions(profile="default")
