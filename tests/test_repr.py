"""Tensor.__repr__ end to end: the same tensor made in ember and in PyTorch prints the same.

tests/test_printing.py checks the formatter on arrays; this checks what users see from
tensors: requires_grad and grad_fn suffixes, dtype suffixes under set_default_dtype,
str() and f-strings, results of ops.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

ADDRESS = re.compile(r"0x[0-9a-f]+")


def same(ember_obj, torch_obj):
    got = ADDRESS.sub("0x?", str(ember_obj))
    want = ADDRESS.sub("0x?", str(torch_obj)).replace("torch.", "ember.")
    assert got == want


CASES = [
    ("ones(2, 2, requires_grad=True)", lambda m: m.ones(2, 2, requires_grad=True)),
    ("x + 2", lambda m: m.ones(2, 2, requires_grad=True) + 2),
    ("y * y * 3", lambda m: (lambda y: y * y * 3)(m.ones(2, 2, requires_grad=True) + 2)),
    ("mean", lambda m: (m.ones(2, 2, requires_grad=True) * 27).mean()),
    ("vjp grad", lambda m: m.tensor([102.4, 1024.0, 0.1024])),
    ("eq.all", lambda m: m.ones(3).eq(m.ones(3)).all()),
    ("float64 leaf", lambda m: m.tensor([1.5, -2.25], dtype=m.float64, requires_grad=True)),
    ("float64 op", lambda m: m.tensor([1.5, -2.25], dtype=m.float64, requires_grad=True).exp()),
    ("int", lambda m: m.arange(12).reshape(3, 4)),
    ("bool", lambda m: m.tensor([True, False])),
    ("empty float", lambda m: m.zeros(0, 3)),
    ("empty int", lambda m: m.zeros(0, dtype=m.int64)),
    ("0-d", lambda m: m.tensor(3.0, requires_grad=True) * 2),
    ("large", lambda m: m.arange(5000, dtype=m.float32) / 7),
    ("nan inf", lambda m: m.tensor([float("nan"), float("inf"), -0.0, 1e-10])),
    ("matmul", lambda m: m.matmul(m.ones(5), m.ones(5, 3, requires_grad=True))),
    ("bce", lambda m: m.nn.functional.binary_cross_entropy_with_logits(
        m.zeros(3, requires_grad=True), m.ones(3))),
    ("eye", lambda m: (m.eye(4, 5, requires_grad=True) + 1).pow(2).t()),
    ("float16", lambda m: m.tensor([1.0, 2.5], dtype=m.float16)),
    ("uint8", lambda m: m.tensor([1, 255], dtype=m.uint8)),
]


@pytest.mark.parametrize("name,make", CASES, ids=[c[0] for c in CASES])
def test_repr_matches_torch(name, make):
    same(make(ember), make(torch))
    same(repr(make(ember)), repr(make(torch)))


def test_fstring_and_grad_fn_repr():
    e = ember.ones(2, requires_grad=True) + 1
    t = torch.ones(2, requires_grad=True) + 1
    same(f"Gradient function for z = {e.grad_fn}", f"Gradient function for z = {t.grad_fn}")
    same(f"{e}", f"{t}")
    same(ember.ones(2, 3).shape, torch.ones(2, 3).shape)
    same(ember.float64, torch.float64)
    same(ember.device("cpu"), torch.device("cpu"))
    same(repr(ember.device("cpu")), repr(torch.device("cpu")))


@pytest.mark.parametrize("default", ["float64", "float32"])
def test_repr_under_set_default_dtype(default):
    prev_e, prev_t = ember.get_default_dtype(), torch.get_default_dtype()
    try:
        ember.set_default_dtype(getattr(ember, default))
        torch.set_default_dtype(getattr(torch, default))
        for make in (lambda m: m.tensor([1.5]), lambda m: m.ones(2, dtype=m.float32),
                     lambda m: m.ones(2, dtype=m.float64), lambda m: m.zeros(0, 2, dtype=m.float32),
                     lambda m: m.tensor([1, 2]) / 3):
            same(make(ember), make(torch))
    finally:
        ember.set_default_dtype(prev_e)
        torch.set_default_dtype(prev_t)


def test_random_tensors_print_alike():
    rng = np.random.default_rng(7)
    for _ in range(200):
        shape = tuple(rng.integers(1, 5, size=rng.integers(0, 4)))
        scale = 10.0 ** rng.integers(-6, 9)
        arr = (rng.standard_normal(shape) * scale).astype(rng.choice([np.float32, np.float64]))
        rg = bool(rng.integers(2))
        same(ember.tensor(arr, requires_grad=rg), torch.tensor(arr, requires_grad=rg))
