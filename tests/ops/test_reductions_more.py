"""The reductions of statistics.py, sorting.py and scan.py beyond the registry's generic checks:
errors against PyTorch, result types and their printing, tie and order rules the
registry cannot compare, second derivatives at zeros, and the no-grad path.
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import ember
from ember.ops import scan, sorting, statistics

try:
    import torch  # noqa: F401 - the oracle, when installed
except ImportError:
    HAS_TORCH = False
else:
    HAS_TORCH = True
oracle = pytest.mark.skipif(not HAS_TORCH, reason="PyTorch (the oracle) is not installed")

_KERNELS = {
    "nansum": statistics.nansum, "nanmean": statistics.nanmean, "prod": statistics.prod, "var": statistics.var,
    "std": statistics.std, "var_mean": statistics.var_mean, "std_mean": statistics.std_mean,
    "logsumexp": statistics.logsumexp, "count_nonzero": statistics.count_nonzero, "median": statistics.median,
    "nanmedian": statistics.nanmedian, "mode": statistics.mode, "sort": sorting.sort, "argsort": sorting.argsort,
    "msort": sorting.msort, "topk": sorting.topk, "kthvalue": sorting.kthvalue, "unique": sorting.unique,
    "unique_consecutive": sorting.unique_consecutive, "cumsum": scan.cumsum, "cumprod": scan.cumprod,
    "cummax": scan.cummax, "cummin": scan.cummin, "logcumsumexp": scan.logcumsumexp,
}


def f(m: Any, name: str) -> Callable[..., Any]:
    """``m.<name>``; for ember, the ops kernel while ember/__init__.py does not export it."""
    if m is ember and not hasattr(ember, name):
        return _KERNELS[name]
    return getattr(m, name)


def matrix_norm(m: Any, *args: Any, **kwargs: Any) -> Any:
    fn = getattr(m.linalg, "matrix_norm", None) or statistics.linalg_matrix_norm
    return fn(*args, **kwargs)


def t(m: Any, *shape: int, dtype: str = "float32", rg: bool = False) -> Any:
    """1, 2, 3, ... in ``shape`` as a tensor of ``m`` (bool: alternating)."""
    a = np.asarray(np.arange(int(np.prod(shape))).reshape(shape) + 1)
    x = m.from_numpy((a % 2 == 0) if dtype == "bool" else a.astype(dtype))
    if rg:
        x.requires_grad_(True)
    return x


def _backward(m: Any, out: Any) -> None:
    out.sum().backward()


# ---------------------------------------------------------------------------------------
# Errors: same type as PyTorch, and the same message unless listed in TYPE_ONLY
# ---------------------------------------------------------------------------------------
CASES: dict[str, tuple[type[Exception], Callable[[Any], Any]]] = {
    "nanmean_int": (RuntimeError, lambda m: f(m, "nanmean")(t(m, 3, dtype="int64"))),
    "var_int": (RuntimeError, lambda m: f(m, "var")(t(m, 3, dtype="int64"))),
    "std_bool": (RuntimeError, lambda m: f(m, "std")(t(m, 3, dtype="bool"), 0)),
    "var_mean_int": (RuntimeError, lambda m: f(m, "var_mean")(t(m, 3, dtype="int64"))),
    "std_mean_int": (RuntimeError, lambda m: f(m, "std_mean")(t(m, 3, dtype="int64"))),
    "nanmedian_empty_dim0": (IndexError, lambda m: f(m, "nanmedian")(m.zeros(0, 2), -2)),
    "var_dim_range": (IndexError, lambda m: f(m, "var")(t(m, 2, 3), 2)),
    "var_dup_dims": (RuntimeError, lambda m: f(m, "var")(t(m, 2, 3), (1, 1))),
    "nansum_dim_range": (IndexError, lambda m: f(m, "nansum")(t(m, 2, 3), -3)),
    "prod_dim_range": (IndexError, lambda m: f(m, "prod")(t(m, 2, 3), 2)),
    "prod_tuple_dim": (TypeError, lambda m: f(m, "prod")(t(m, 2, 3), (0, 1))),
    "logsumexp_no_dim": (TypeError, lambda m: f(m, "logsumexp")(t(m, 2, 3))),
    "logsumexp_none_dim": (TypeError, lambda m: f(m, "logsumexp")(t(m, 2, 3), None)),
    "count_nonzero_dup": (RuntimeError, lambda m: f(m, "count_nonzero")(t(m, 2, 3), (0, -2))),
    "median_bool": (NotImplementedError, lambda m: f(m, "median")(t(m, 3, dtype="bool"))),
    "median_bool_dim": (NotImplementedError, lambda m: f(m, "median")(t(m, 3, dtype="bool"), 0)),
    "nanmedian_bool": (NotImplementedError, lambda m: f(m, "nanmedian")(t(m, 3, dtype="bool"))),
    "median_empty_dim": (IndexError, lambda m: f(m, "median")(m.zeros(0, 3), 0)),
    "nanmedian_empty_dim": (IndexError, lambda m: f(m, "nanmedian")(m.zeros(2, 0), 1)),
    "mode_empty_dim": (IndexError, lambda m: f(m, "mode")(m.zeros(0, 3), 0)),
    "median_dim_range": (IndexError, lambda m: f(m, "median")(t(m, 3), 1)),
    "sort_dim_range": (IndexError, lambda m: f(m, "sort")(t(m, 2, 3), 2)),
    "argsort_dim_range": (IndexError, lambda m: f(m, "argsort")(t(m, 2, 3), -3)),
    "topk_k_too_big": (RuntimeError, lambda m: f(m, "topk")(t(m, 2, 3), 4)),
    "topk_k_negative": (RuntimeError, lambda m: f(m, "topk")(t(m, 2, 3), -1)),
    "topk_bool": (RuntimeError, lambda m: f(m, "topk")(t(m, 3, dtype="bool"), 1)),
    "kthvalue_k_too_big": (RuntimeError, lambda m: f(m, "kthvalue")(t(m, 2, 3), 4)),
    "kthvalue_k0_dim0": (RuntimeError, lambda m: f(m, "kthvalue")(t(m, 2, 3), 0, 0)),
    "kthvalue_bool": (NotImplementedError, lambda m: f(m, "kthvalue")(t(m, 3, dtype="bool"), 1)),
    "cumsum_dim_range": (IndexError, lambda m: f(m, "cumsum")(t(m, 2, 3), 2)),
    "cumprod_dim_range_0d": (IndexError, lambda m: f(m, "cumprod")(m.tensor(2.0), 1)),
    "cummax_dim_range": (IndexError, lambda m: f(m, "cummax")(t(m, 3), -2)),
    "logcumsumexp_int": (NotImplementedError, lambda m: f(m, "logcumsumexp")(t(m, 3, dtype="int64"), 0)),
    "unique_backward": (NotImplementedError, lambda m: _backward(m, f(m, "unique")(t(m, 4, rg=True)))),
    "unique_dim_backward": (NotImplementedError, lambda m: _backward(m, f(m, "unique")(t(m, 2, 2, rg=True), dim=0))),
    "unique_consecutive_backward": (NotImplementedError,
                                    lambda m: _backward(m, f(m, "unique_consecutive")(t(m, 4, rg=True)))),
    "matrix_norm_int": (RuntimeError, lambda m: matrix_norm(m, t(m, 2, 2, dtype="int64"))),
    "matrix_norm_1d": (RuntimeError, lambda m: matrix_norm(m, t(m, 3))),
    "matrix_norm_ord3": (RuntimeError, lambda m: matrix_norm(m, t(m, 2, 2), 3)),
    "matrix_norm_same_dims": (RuntimeError, lambda m: matrix_norm(m, t(m, 2, 2), dim=(0, -2))),
    "matrix_norm_dim_range": (IndexError, lambda m: matrix_norm(m, t(m, 2, 2), dim=(0, 2))),
}

#: Cases whose torch message comes from its argument parser: type compared only.
TYPE_ONLY = {"prod_tuple_dim", "logsumexp_no_dim", "logsumexp_none_dim"}


def _normalise(message: str) -> str:
    return message.replace("torch.", "ember.")


@pytest.mark.parametrize("name", list(CASES))
def test_ember_raises(name: str) -> None:
    exc, fn = CASES[name]
    with pytest.raises(exc):
        fn(ember)


@oracle
@pytest.mark.parametrize("name", list(CASES))
def test_error_matches_torch(name: str) -> None:
    import torch

    exc, fn = CASES[name]
    with pytest.raises(exc) as expected:
        fn(torch)
    with pytest.raises(exc) as got:
        fn(ember)
    if name not in TYPE_ONLY:
        assert _normalise(str(got.value)) == _normalise(str(expected.value))


# ---------------------------------------------------------------------------------------
# Result types and printing
# ---------------------------------------------------------------------------------------
_TYPED = {
    "sort": lambda m, x: f(m, "sort")(x, descending=True),
    "topk": lambda m, x: f(m, "topk")(x, 2),
    "kthvalue": lambda m, x: f(m, "kthvalue")(x, 2, 0),
    "median": lambda m, x: f(m, "median")(x, 1),
    "nanmedian": lambda m, x: f(m, "nanmedian")(x, 1, True),
    "mode": lambda m, x: f(m, "mode")(x, 0),
    "cummax": lambda m, x: f(m, "cummax")(x, 1),
    "cummin": lambda m, x: f(m, "cummin")(x, 0),
}


@oracle
@pytest.mark.parametrize("name", list(_TYPED))
def test_return_type_prints_as_torch(name: str) -> None:
    import torch

    a = np.array([[0.5, -1.25, 2.0], [3.0, 0.25, -0.75]])
    got = _TYPED[name](ember, ember.tensor(a, requires_grad=True))
    expected = _TYPED[name](torch, torch.tensor(a, requires_grad=True))
    assert type(got).__name__ == type(expected).__name__ == name
    assert type(got) is getattr(statistics.return_types, name)
    assert repr(got) == repr(expected).replace("torch.", "ember.")
    values, indices = got
    assert values is got.values and indices is got.indices


def test_var_mean_and_unique_return_plain_tuples() -> None:
    x = ember.tensor([[1.0, 2.0], [3.0, 5.0]])
    assert type(f(ember, "var_mean")(x)) is tuple and type(f(ember, "std_mean")(x, 0)) is tuple
    assert type(f(ember, "unique")(x, return_inverse=True)) is tuple
    assert isinstance(f(ember, "unique")(x), ember.Tensor)


# ---------------------------------------------------------------------------------------
# What the registry cannot compare: orders PyTorch leaves open, warnings, second order
# ---------------------------------------------------------------------------------------
@oracle
def test_topk_unsorted_and_ties_give_torch_values() -> None:
    import torch

    a = np.array([[0.5, 0.5, 0.5, -1.0, 4.0, 4.0], [3.0, 1.0, 3.0, 1.0, 2.0, 2.0]])
    for kwargs in ({"sorted": False}, {"largest": False}, {}):
        got = f(ember, "topk")(ember.tensor(a), 3, **kwargs)
        expected = torch.topk(torch.tensor(a), 3, **kwargs)
        np.testing.assert_array_equal(np.sort(got.values.numpy()), np.sort(expected.values.numpy()))
        # Each index points at its value.
        np.testing.assert_array_equal(np.take_along_axis(a, got.indices.numpy(), 1), got.values.numpy())
    for k in range(1, 7):
        got = f(ember, "kthvalue")(ember.tensor(a), k)
        assert got.values.tolist() == torch.kthvalue(torch.tensor(a), k).values.tolist()
        np.testing.assert_array_equal(np.take_along_axis(a, got.indices.numpy()[:, None], 1)[:, 0],
                                      got.values.numpy())


@oracle
def test_unique_sorted_false_matches_torch() -> None:
    import torch

    a = np.array([3, 1, 2, 1, 3, 3])
    got = f(ember, "unique")(ember.tensor(a), sorted=False, return_inverse=True, return_counts=True)
    expected = torch.unique(torch.tensor(a), sorted=False, return_inverse=True, return_counts=True)
    for g, e in zip(got, expected, strict=True):
        assert g.tolist() == e.tolist()


@oracle
def test_var_warns_without_degrees_of_freedom() -> None:
    import torch

    with pytest.warns(UserWarning, match="degrees of freedom is <= 0"):
        v = f(ember, "var")(ember.tensor([[1.0, 2.0]]), 0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = torch.var(torch.tensor([[1.0, 2.0]]), 0)
    assert all(math.isnan(a) for a in v.tolist()) and all(math.isnan(a) for a in expected.tolist())


@oracle
@pytest.mark.parametrize("values", [[2.0, 0.0, 3.0, -1.5], [0.0, 2.0, 0.0, 3.0], [0.0, 0.0, 0.0, 1.5]])
@pytest.mark.parametrize("op", ["prod", "cumprod"])
def test_second_derivative_at_zeros_matches_torch(op: str, values: list[float]) -> None:
    """The Hessian-vector product of prod/cumprod where the input has one or more zeros."""
    import torch

    def hvp(m: Any) -> tuple[np.ndarray, np.ndarray]:
        x = m.tensor(values, dtype=m.float64, requires_grad=True)
        y = f(m, op)(x) if op == "prod" else f(m, op)(x, 0)
        w = m.tensor([0.5, -1.0, 2.0, 0.25], dtype=m.float64)
        (g,) = m.autograd.grad((y * (w if op == "cumprod" else 1.0)).sum(), x, create_graph=True)
        (h,) = m.autograd.grad((g * w).sum(), x)
        return g.detach().numpy(), h.numpy()

    (g, h), (tg, th) = hvp(ember), hvp(torch)
    np.testing.assert_allclose(g, tg, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(h, th, rtol=1e-12, atol=1e-12)


@oracle
def test_logsumexp_and_logcumsumexp_are_stable() -> None:
    import torch

    a = np.array([[1e4, 1e4 - 1.0, -1e4], [-1e4, -1e4, -1e4]])
    for name, args in (("logsumexp", (1,)), ("logcumsumexp", (1,))):
        got = f(ember, name)(ember.tensor(a), *args).numpy()
        expected = getattr(torch, name)(torch.tensor(a), *args).numpy()
        assert np.isfinite(got).all()
        np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_no_graph_without_grad() -> None:
    x = ember.tensor([[1.0, 0.0], [2.0, 3.0]], requires_grad=True)
    with ember.no_grad():
        outs = [f(ember, "prod")(x), f(ember, "cumprod")(x, 1), f(ember, "sort")(x)[0], f(ember, "var_mean")(x)[0],
                f(ember, "cummax")(x, 0)[0], f(ember, "logsumexp")(x, 1), f(ember, "unique")(x)]
    assert all(o.grad_fn is None and not o.requires_grad for o in outs)


def test_cumprod_with_zeros_backward_is_linear_time() -> None:
    """First-order backward through zeros takes the O(n) path (the O(n^2) one is for create_graph)."""
    a = np.random.default_rng(0).uniform(0.5, 1.5, 200_000)
    a[[10, 5000, 150_000]] = 0.0
    x = ember.tensor(a, requires_grad=True)
    start = time.perf_counter()
    f(ember, "cumprod")(x, 0).sum().backward()
    f(ember, "prod")(x).backward()
    assert time.perf_counter() - start < 2.0
    # Past a slice's first zero every partial product holds that zero, and prod has three zeros.
    assert not x.grad.numpy()[11:].any()


def test_tensor_methods_are_bound() -> None:
    x = ember.tensor([[3.0, 1.0], [2.0, 2.0]])
    for name in ("nansum", "nanmean", "prod", "var", "std", "logsumexp", "count_nonzero", "median", "nanmedian",
                 "mode", "sort", "argsort", "msort", "topk", "kthvalue", "unique", "unique_consecutive", "cumsum",
                 "cumprod", "cummax", "cummin", "logcumsumexp"):
        assert callable(getattr(x, name)), name
    assert x.argsort(dim=0, descending=True).tolist() == [[0, 1], [1, 0]]
    assert x.msort().tolist() == [[2.0, 1.0], [3.0, 2.0]]
