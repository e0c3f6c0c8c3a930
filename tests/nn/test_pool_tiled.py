"""max_pool2d's fast path for windows that tile the input (stride = kernel, no padding,
no dilation): values, indices and gradients against PyTorch, with ties, NaN, -inf,
leftover rows and columns, 3-D input and integers."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import ember


def _inputs() -> list[tuple[str, np.ndarray, Any]]:
    rng = np.random.default_rng(3)
    ties = np.ones((2, 3, 4, 4))
    ties[0, 0, 1, 1] = 2.0
    nan = rng.standard_normal((1, 2, 6, 6))
    nan[0, 0, 0, 1] = np.nan
    nan[0, 1, 3, 3] = np.nan
    neg_inf = np.full((1, 1, 4, 4), -np.inf)
    return [
        ("random", rng.standard_normal((4, 3, 8, 8)).astype(np.float32), 2),
        ("ties", ties, 2),
        ("nan", nan, 2),
        ("neg_inf", neg_inf, 2),
        ("leftover", rng.standard_normal((2, 2, 7, 9)), (2, 3)),
        ("3d", rng.standard_normal((3, 6, 6)), 3),
        ("int", rng.integers(-5, 5, (2, 2, 4, 4)), 2),
    ]


@pytest.mark.parametrize("name, x, k", _inputs(), ids=[c[0] for c in _inputs()])
def test_tiled_max_pool_matches_torch(name: str, x: np.ndarray, k: Any) -> None:
    torch = pytest.importorskip("torch")
    results = []
    for m in (ember, torch):
        t = m.from_numpy(x.copy())
        floating = x.dtype.kind == "f"
        if floating:
            t.requires_grad_(True)
        values, indices = m.nn.functional.max_pool2d(t, k, return_indices=True)
        grad = None
        if floating:
            g = m.from_numpy(np.arange(values.numel(), dtype=x.dtype).reshape(tuple(values.shape)))
            values.backward(g)
            grad = t.grad.numpy()
        results.append((values.detach().numpy(), indices.numpy(), grad))
    (ev, ei, eg), (tv, ti, tg) = results
    np.testing.assert_array_equal(ev, tv)
    assert ev.dtype == tv.dtype
    np.testing.assert_array_equal(ei, ti)
    if eg is not None:
        np.testing.assert_array_equal(eg, tg)


@pytest.mark.parametrize("shape, k", [((2, 3, 8, 8), [2, 2]), ((3, 7, 10), [3, 2]), ((1, 1, 5, 5), [5, 5])])
def test_tiled_and_general_paths_agree(shape: tuple, k: list) -> None:
    from ember.ops import nn_pool

    x = np.random.default_rng(0).standard_normal(shape)
    x[..., 0, 0] = np.nan
    out = (shape[-2] // k[0], shape[-1] // k[1])
    fast = nn_pool._tiled_max(x, k, out)
    general = nn_pool._windows_max(x, nn_pool._window_positions(out[0], k[0], k[0], 0, 1),
                                   nn_pool._window_positions(out[1], k[1], k[1], 0, 1))
    for a, b in zip(fast, general, strict=True):
        np.testing.assert_array_equal(a, b)
        assert a.dtype == b.dtype
