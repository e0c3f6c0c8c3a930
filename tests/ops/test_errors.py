"""Error behaviour of the registry's ops against PyTorch: the same exception type, and
the same message once ``torch.`` is read as ``ember.`` (DESIGN.md, "Errors").

Each case is ``name: (exception type, fn(module))``. Without torch, the tests still
check that ember raises the tabled type; with torch, that torch raises it too (the
table is right) and that ember's message is torch's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import ember

try:
    import torch  # noqa: F401 - the oracle, when installed
except ImportError:
    HAS_TORCH = False
else:
    HAS_TORCH = True
oracle = pytest.mark.skipif(not HAS_TORCH, reason="PyTorch (the oracle) is not installed")

#: Cases whose torch message is an accident of its implementation: type compared only.
TYPE_ONLY = {"expand_negative"}


def t(m: Any, *shape: int, dtype: str = "float32", rg: bool = False) -> Any:
    """1, 2, 3, ... in ``shape`` (bool: alternating), as a tensor of ``m`` (ember or torch)."""
    a = np.asarray(np.arange(int(np.prod(shape))).reshape(shape) + 1)
    x = m.from_numpy((a % 2 == 0) if dtype == "bool" else a.astype(dtype))
    if rg:
        x.requires_grad_(True)
    return x


def bce(m: Any, *args: Any, **kwargs: Any) -> Any:
    return m.nn.functional.binary_cross_entropy_with_logits(*args, **kwargs)


def _floor_divide_backward(m: Any) -> None:
    x = t(m, 3, rg=True)
    m.floor_divide(x, 2).sum().backward()


def _remainder_scalar_backward(m: Any) -> None:
    x = t(m, 3, rg=True)
    m.remainder(2, x).sum().backward()


def _bce_weight_requires_grad(m: Any) -> Any:
    return bce(m, t(m, 3, rg=True), t(m, 3) / 4, weight=t(m, 3, rg=True))


CASES: dict[str, tuple[type[Exception], Callable[[Any], Any]]] = {
    # pointwise
    "add_shape": (RuntimeError, lambda m: t(m, 2, 3) + t(m, 4)),
    "add_shape_3d": (RuntimeError, lambda m: m.add(t(m, 2, 3, 4), t(m, 3, 3, 1))),
    "mul_shape": (RuntimeError, lambda m: m.mul(t(m, 2, 3), t(m, 2, 1, 2))),
    "sub_shape": (RuntimeError, lambda m: t(m, 5) - t(m, 4)),
    "div_shape": (RuntimeError, lambda m: t(m, 5) / t(m, 4)),
    "pow_shape": (RuntimeError, lambda m: t(m, 5) ** t(m, 4)),
    "where_shape": (RuntimeError, lambda m: m.where(t(m, 3) > 1, t(m, 3), t(m, 2))),
    "where_cond_dtype": (RuntimeError, lambda m: m.where(t(m, 3), t(m, 3), t(m, 3))),
    "remainder_shape": (RuntimeError, lambda m: m.remainder(t(m, 3), t(m, 2))),
    "eq_shape": (RuntimeError, lambda m: t(m, 3) == t(m, 2)),
    "add_string": (TypeError, lambda m: t(m, 2) + "a"),
    "exp_number": (TypeError, lambda m: m.exp(1.0)),
    "add_alpha_float_int": (RuntimeError, lambda m: m.add(t(m, 2, dtype="int64"), t(m, 2, dtype="int64"),
                                                          alpha=0.5)),
    "add_alpha_bool": (RuntimeError, lambda m: m.add(t(m, 2), t(m, 2), alpha=True)),
    "sub_bools": (RuntimeError, lambda m: t(m, 2, dtype="bool") - t(m, 2, dtype="bool")),
    "sub_bool_int": (RuntimeError, lambda m: t(m, 2, dtype="bool") - t(m, 2, dtype="int64")),
    "neg_bool": (RuntimeError, lambda m: -t(m, 2, dtype="bool")),
    "relu_bool": (RuntimeError, lambda m: m.relu(t(m, 2, dtype="bool"))),
    "abs_bool": (NotImplementedError, lambda m: m.abs(t(m, 2, dtype="bool"))),
    "pow_int_neg": (RuntimeError, lambda m: t(m, 2, dtype="int64") ** -1),
    "div_rounding_mode": (RuntimeError, lambda m: m.div(t(m, 2), t(m, 2), rounding_mode="round")),
    "div_int_by_zero_floor": (RuntimeError, lambda m: m.div(t(m, 2, dtype="int64"), t(m, 2, dtype="int64") * 0,
                                                            rounding_mode="floor")),
    "remainder_bool": (NotImplementedError, lambda m: m.remainder(t(m, 2, dtype="bool"), t(m, 2, dtype="bool"))),
    # reductions
    "sum_dim_range": (IndexError, lambda m: t(m, 2, 3).sum(2)),
    "sum_dim_neg_range": (IndexError, lambda m: t(m, 2, 3).sum(-3)),
    "sum_dim_repeat": (RuntimeError, lambda m: t(m, 2, 3).sum((1, 1))),
    "sum_0d_dim": (IndexError, lambda m: t(m).sum(1)),
    "mean_int": (RuntimeError, lambda m: t(m, 3, dtype="int64").mean()),
    "mean_dim_range": (IndexError, lambda m: t(m, 3).mean(1)),
    "norm_int": (RuntimeError, lambda m: m.norm(t(m, 3, dtype="int64"))),
    "max_empty": (RuntimeError, lambda m: t(m, 0, 3).max()),
    "max_empty_dim": (IndexError, lambda m: t(m, 0, 3).max(0)),
    "max_dim_range": (IndexError, lambda m: t(m, 2, 3).max(2)),
    "min_empty": (RuntimeError, lambda m: t(m, 0).min()),
    "amax_empty": (IndexError, lambda m: m.amax(t(m, 0, 3), 0)),
    "argmax_bool": (RuntimeError, lambda m: m.argmax(t(m, 3, dtype="bool"))),
    "argmax_empty": (IndexError, lambda m: m.argmax(t(m, 0))),
    "all_dim_range": (IndexError, lambda m: m.all(t(m, 3), 1)),
    # shape
    "view_noncontig": (RuntimeError, lambda m: t(m, 3, 4).t().view(12)),
    "view_bad_size": (RuntimeError, lambda m: t(m, 3, 4).view(5, 2)),
    "view_two_infer": (RuntimeError, lambda m: t(m, 3, 4).view(-1, -1)),
    "view_negative": (RuntimeError, lambda m: t(m, 3, 4).view(-2, 6)),
    "view_infer_bad": (RuntimeError, lambda m: t(m, 3, 4).view(-1, 5)),
    "reshape_bad_size": (RuntimeError, lambda m: t(m, 3, 4).reshape(7)),
    "flatten_start_after_end": (RuntimeError, lambda m: t(m, 2, 3, 4).flatten(2, 1)),
    "flatten_dim_range": (IndexError, lambda m: t(m, 2, 3).flatten(0, 5)),
    "t_3d": (RuntimeError, lambda m: t(m, 2, 3, 4).t()),
    "transpose_dim_range": (IndexError, lambda m: t(m, 2, 3).transpose(0, 2)),
    "permute_len": (RuntimeError, lambda m: t(m, 2, 3).permute(0)),
    "permute_dup": (RuntimeError, lambda m: t(m, 2, 3).permute(1, 1)),
    "permute_range": (IndexError, lambda m: t(m, 2, 3).permute(0, 2)),
    "permute_no_dims": (TypeError, lambda m: t(m, 2, 3).permute()),
    "expand_size": (RuntimeError, lambda m: t(m, 2, 3).expand(2, 4)),
    "expand_fewer": (RuntimeError, lambda m: t(m, 2, 3).expand(3)),
    # torch's message here ("numel: integer multiplication overflow") is an accident:
    # only the exception type is compared.
    "expand_negative": (RuntimeError, lambda m: t(m, 2, 1).expand(-1, -2)),
    "sum_to_size_bad": (RuntimeError, lambda m: t(m, 2, 3).sum_to_size(4)),
    "sum_to_size_longer": (RuntimeError, lambda m: t(m, 2, 3).sum_to_size(1, 2, 3)),
    "squeeze_dim_range": (IndexError, lambda m: t(m, 1, 3).squeeze(2)),
    "unsqueeze_dim_range": (IndexError, lambda m: t(m, 2, 3).unsqueeze(3)),
    "unsqueeze_neg_range": (IndexError, lambda m: t(m, 2, 3).unsqueeze(-4)),
    "select_index_range": (IndexError, lambda m: t(m, 2, 3).select(1, 3)),
    "select_neg_index_range": (IndexError, lambda m: t(m, 2, 3).select(0, -3)),
    "select_dim_range": (IndexError, lambda m: t(m, 2, 3).select(2, 0)),
    "select_0d": (IndexError, lambda m: t(m).select(0, 0)),
    "getitem_int_range": (IndexError, lambda m: t(m, 2, 3)[2]),
    "getitem_neg_range": (IndexError, lambda m: t(m, 2, 3)[:, -4]),
    "getitem_too_many": (IndexError, lambda m: t(m, 2, 3)[0, 0, 0]),
    "getitem_0d_int": (IndexError, lambda m: t(m)[0]),
    "getitem_0d_slice": (IndexError, lambda m: t(m)[:]),
    "getitem_neg_step": (ValueError, lambda m: t(m, 4)[::-1]),
    "getitem_zero_step": (ValueError, lambda m: t(m, 4)[::0]),
    "getitem_float_index": (IndexError, lambda m: t(m, 4)[t(m, 2)]),
    "getitem_list_range": (IndexError, lambda m: t(m, 4)[[0, 4]]),
    "getitem_tensor_range": (IndexError, lambda m: t(m, 4)[t(m, 2, dtype="int64") * 3]),
    "getitem_mask_shape": (IndexError, lambda m: t(m, 4)[t(m, 3, dtype="bool")]),
    "getitem_lists_shape": (IndexError, lambda m: t(m, 3, 3)[[0, 1], [0, 1, 2]]),
    "getitem_float": (IndexError, lambda m: t(m, 4)[1.5]),
    "cat_ndim": (RuntimeError, lambda m: m.cat([t(m, 2, 3), t(m, 3)])),
    "cat_sizes": (RuntimeError, lambda m: m.cat([t(m, 2, 3), t(m, 2, 4)])),
    "cat_empty_list": (ValueError, lambda m: m.cat([])),
    "cat_tensor": (TypeError, lambda m: m.cat(t(m, 2, 3))),
    "cat_dim_range": (IndexError, lambda m: m.cat([t(m, 2, 3), t(m, 2, 3)], 2)),
    "cat_0d": (RuntimeError, lambda m: m.cat([t(m), t(m)])),
    "stack_sizes": (RuntimeError, lambda m: m.stack([t(m, 2, 3), t(m, 3, 2)])),
    "stack_empty_list": (RuntimeError, lambda m: m.stack([])),
    "stack_dim_range": (IndexError, lambda m: m.stack([t(m, 2), t(m, 2)], 3)),
    "unbind_dim_range": (IndexError, lambda m: m.unbind(t(m, 2, 3), 2)),
    "unbind_0d": (IndexError, lambda m: m.unbind(t(m))),
    "to_bad": (RuntimeError, lambda m: t(m, 2).to("bad")),
    # linalg
    "matmul_2d_2d": (RuntimeError, lambda m: t(m, 2, 3) @ t(m, 4, 5)),
    "matmul_1d_1d": (RuntimeError, lambda m: m.matmul(t(m, 3), t(m, 4))),
    "matmul_2d_1d": (RuntimeError, lambda m: m.matmul(t(m, 2, 3), t(m, 4))),
    "matmul_1d_2d": (RuntimeError, lambda m: m.matmul(t(m, 3), t(m, 4, 2))),
    "matmul_3d_2d": (RuntimeError, lambda m: m.matmul(t(m, 2, 2, 3), t(m, 4, 2))),
    "matmul_2d_3d": (RuntimeError, lambda m: m.matmul(t(m, 2, 3), t(m, 2, 4, 2))),
    "matmul_3d_3d": (RuntimeError, lambda m: m.matmul(t(m, 2, 2, 3), t(m, 2, 4, 2))),
    "matmul_batch": (RuntimeError, lambda m: m.matmul(t(m, 2, 2, 3), t(m, 3, 3, 2))),
    "matmul_0d": (RuntimeError, lambda m: m.matmul(t(m), t(m, 3))),
    "matmul_dtype": (RuntimeError, lambda m: m.matmul(t(m, 2, 3), t(m, 3, 2, dtype="float64"))),
    "matmul_number": (TypeError, lambda m: m.matmul(t(m, 2, 3), 2)),
    "mm_1d": (RuntimeError, lambda m: m.mm(t(m, 3), t(m, 3, 2))),
    "mm_1d_second": (RuntimeError, lambda m: m.mm(t(m, 2, 3), t(m, 3))),
    "mm_shapes": (RuntimeError, lambda m: m.mm(t(m, 2, 3), t(m, 2, 3))),
    "mm_dtype": (RuntimeError, lambda m: m.mm(t(m, 2, 3), t(m, 3, 2, dtype="float64"))),
    "mm_int_float": (RuntimeError, lambda m: m.mm(t(m, 2, 3, dtype="int64"), t(m, 3, 2))),
    "mv_shapes": (RuntimeError, lambda m: m.mv(t(m, 2, 3), t(m, 2))),
    "mv_2d_vec": (RuntimeError, lambda m: m.mv(t(m, 2, 3), t(m, 3, 1))),
    "dot_sizes": (RuntimeError, lambda m: m.dot(t(m, 3), t(m, 4))),
    "dot_2d": (RuntimeError, lambda m: m.dot(t(m, 3, 1), t(m, 3))),
    "dot_dtype": (RuntimeError, lambda m: m.dot(t(m, 3), t(m, 3, dtype="float64"))),
    "bmm_2d": (RuntimeError, lambda m: m.bmm(t(m, 2, 3), t(m, 2, 3, 2))),
    "bmm_2d_second": (RuntimeError, lambda m: m.bmm(t(m, 2, 2, 3), t(m, 3, 2))),
    "bmm_batch": (RuntimeError, lambda m: m.bmm(t(m, 2, 2, 3), t(m, 3, 3, 2))),
    "bmm_inner": (RuntimeError, lambda m: m.bmm(t(m, 2, 2, 3), t(m, 2, 4, 2))),
    "outer_2d": (RuntimeError, lambda m: m.outer(t(m, 2, 2), t(m, 3))),
    # nn
    "bce_target_shape": (ValueError, lambda m: bce(m, t(m, 3), t(m, 3, 1))),
    "bce_reduction": (ValueError, lambda m: bce(m, t(m, 3), t(m, 3), reduction="bad")),
    "bce_int_target": (RuntimeError, lambda m: bce(m, t(m, 3), t(m, 3, dtype="int64"))),
    "bce_weight_shape": (RuntimeError, lambda m: bce(m, t(m, 3), t(m, 3), weight=t(m, 2))),
    "floor_divide_backward": (RuntimeError, _floor_divide_backward),
    "remainder_scalar_backward": (RuntimeError, _remainder_scalar_backward),
    "bce_weight_requires_grad": (RuntimeError, _bce_weight_requires_grad),
}


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


def test_failed_in_place_op_changes_nothing() -> None:
    x = ember.tensor([1.0, 2.0, 3.0])
    with pytest.raises(RuntimeError, match="must match the size"):
        x.add_(ember.tensor([1.0, 2.0]))
    assert x.tolist() == [1.0, 2.0, 3.0] and x._version == 0
    w = ember.tensor([1.0, 2.0], requires_grad=True)
    w.sum().backward()
    with pytest.raises(RuntimeError, match="cannot be multiplied"):
        ember.mm(w.view(1, 2), ember.ones(3, 1)).sum().backward()
    assert w.grad.tolist() == [1.0, 1.0]
