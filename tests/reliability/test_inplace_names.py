"""The in-place error names the saved tensor's Node as PyTorch does: ``Mul`` for
``MulBackward0``, but ``T1`` and ``Squeeze4`` for overloads other than 0."""

from __future__ import annotations

import re

import pytest

import ember


def _message(m, make):
    b = make(m)
    c = b * b
    with m.no_grad():
        b.mul_(2)
    with pytest.raises(RuntimeError) as info:
        c.sum().backward()
    return re.search(r"which is output 0 of (\w+),", str(info.value)).group(1)


CASES = {
    "t_": lambda m: (m.ones(2, 3, requires_grad=True) * 1).t_(),
    "squeeze_dim": lambda m: (m.ones(2, 1, requires_grad=True) * 1).squeeze_(1),
    "exp": lambda m: m.ones(2, requires_grad=True).exp(),
}
EXPECTED = {"t_": "T1", "squeeze_dim": "Squeeze4", "exp": "Exp"}


@pytest.mark.parametrize("case", CASES)
def test_node_named_as_pytorch_names_it(case):
    got = _message(ember, CASES[case])
    torch = pytest.importorskip("torch")
    assert got == _message(torch, CASES[case])


@pytest.mark.parametrize("case", CASES)
def test_node_names_known_answers(case):
    assert _message(ember, CASES[case]) == EXPECTED[case]
