"""Graph inspection: the _saved_<name> attributes PyTorch exposes on common Nodes exist in ember too."""

from __future__ import annotations

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

CASES = {
    "mul": lambda m, x, w: x * w, "add": lambda m, x, w: x + w, "sub": lambda m, x, w: x - w,
    "div": lambda m, x, w: x / w, "mul_scalar": lambda m, x, w: x * 2, "pow": lambda m, x, w: x ** 2,
    "pow_tensor": lambda m, x, w: x ** w, "exp": lambda m, x, w: x.exp(), "log": lambda m, x, w: x.log(),
    "tanh": lambda m, x, w: x.tanh(), "sigmoid": lambda m, x, w: x.sigmoid(), "relu": lambda m, x, w: x.relu(),
    "sqrt": lambda m, x, w: x.sqrt(), "abs": lambda m, x, w: x.abs(), "sum": lambda m, x, w: x.sum(),
    "sum_dim": lambda m, x, w: x.sum(0), "mean": lambda m, x, w: x.mean(),
    "mean_dim": lambda m, x, w: x.mean(1, keepdim=True), "mm": lambda m, x, w: x.mm(w),
    "mm_constant": lambda m, x, w: x.mm(w.detach()), "t": lambda m, x, w: x.t(), "view": lambda m, x, w: x.view(4),
    "transpose": lambda m, x, w: x.transpose(0, 1), "permute": lambda m, x, w: x.permute(1, 0),
    "expand": lambda m, x, w: x[0:1].expand(3, 2), "select": lambda m, x, w: x[0], "slice": lambda m, x, w: x[0:1],
    "norm": lambda m, x, w: x.norm(), "max": lambda m, x, w: x.max(), "unsqueeze": lambda m, x, w: x.unsqueeze(0),
    "squeeze": lambda m, x, w: x[0:1].squeeze(0), "mv": lambda m, x, w: x.mv(w[0]),
    "dot": lambda m, x, w: x[0].dot(w[0]), "sin": lambda m, x, w: x.sin(), "neg": lambda m, x, w: -x,
    "clone": lambda m, x, w: x.clone(),
}


def nodes(make):
    out = []
    for m in (torch, ember):
        x = m.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
        w = m.tensor([[0.5, -1.0], [2.0, 1.0]], requires_grad=True)
        out.append(make(m, x, w).grad_fn)
    return out


def plain(v):
    if hasattr(v, "detach"):
        return np.asarray(v.detach().numpy())
    if isinstance(v, (tuple, list)):
        return [plain(a) for a in v]
    return v


@pytest.mark.parametrize("name", sorted(CASES))
def test_saved_attributes_match_torch(name):
    t_node, e_node = nodes(CASES[name])
    attrs = [a for a in dir(t_node) if a.startswith("_saved_")]
    for attr in attrs:
        want, got = plain(getattr(t_node, attr)), plain(getattr(e_node, attr))
        if isinstance(want, np.ndarray):
            np.testing.assert_allclose(got, want, rtol=1e-6, err_msg=attr)   # libm differs by an ulp
        else:
            assert got == want, (attr, got, want)
