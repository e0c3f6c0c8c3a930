"""Binary search in sorted tensors: searchsorted and bucketize (integer results, no gradient).

The search is PyTorch's own bisection (``cus_lower_bound``/``cus_upper_bound``), run on all
values at once, so results agree with PyTorch's even where the boundaries hold NaN (NumPy's
searchsorted orders NaN last and answers differently there). The boundaries and values are
compared in their promoted dtype, as in PyTorch.

>>> import ember
>>> ember.searchsorted(ember.tensor([1., 3., 5., 7.]), ember.tensor([3., 6.]))
tensor([1, 3])
>>> ember.bucketize(ember.tensor([0., 3., 6.]), ember.tensor([1., 3., 5.]), right=True)
tensor([0, 2, 3])
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _dtype as D  # noqa: N812 - D reads as a namespace of dtypes
from .._tensor import Tensor
from ._op import wrap

__all__ = ["searchsorted", "bucketize"]


def _bisect(bounds: np.ndarray, values: np.ndarray, right: bool, sorter: np.ndarray | None) -> np.ndarray:
    """For rows ``bounds`` (B, n) and ``values`` (B, m): PyTorch's lower (or upper) bound of each value."""
    b, n = bounds.shape
    start = np.zeros(values.shape, np.int64)
    end = np.full(values.shape, n, np.int64)
    rows = np.arange(b)[:, None]
    while True:
        active = start < end
        if not active.any():
            return start
        mid = start + ((end - start) >> 1)
        at = np.minimum(mid, max(n - 1, 0))
        if sorter is not None:
            at = sorter[rows, at]
        mid_val = bounds[rows, at]
        # PyTorch's tests, NaN included: go right unless mid_val >= value (> for the upper bound)
        go_right = ~(mid_val > values) if right else ~(mid_val >= values)
        start = np.where(active & go_right, mid + 1, start)
        end = np.where(active & ~go_right, mid, end)


def _dims_match(bounds: np.ndarray, values: np.ndarray) -> bool:
    return bounds.ndim == values.ndim and bounds.shape[:-1] == values.shape[:-1]


def searchsorted(sorted_sequence: Tensor, input: Any, *, out_int32: bool = False, right: bool = False,
                 side: str | None = None, sorter: Tensor | None = None, out: Tensor | None = None) -> Tensor:
    """Indices where ``input`` would be inserted into the innermost dim of ``sorted_sequence`` to keep it sorted.

    ``right`` (or ``side='right'``) gives the last such index; ``sorter`` sorts an unsorted sequence.
    """
    if out is not None:
        raise NotImplementedError("ember: searchsorted(..., out=) is not supported")
    if side is not None:
        if side not in ("left", "right"):
            raise RuntimeError(f"ember.searchsorted(): side can only be 'left' or 'right' but got {side}")
        if right and side != "right":
            raise RuntimeError(f"ember.searchsorted(): side and right can't be set to opposites, got side of {side} "
                               "while right was True")
        right = side == "right"
    bounds = sorted_sequence._data
    scalar = not isinstance(input, Tensor)
    values = np.asarray(input) if scalar else input._data
    order = None
    if sorter is not None:
        s = sorter._data
        if s.shape != bounds.shape:
            raise RuntimeError(f"ember.searchsorted(): boundary and sorter must have the same size, but got boundary "
                               f"tensor {list(bounds.shape)}and got sorter tensor {list(s.shape)}")
        if s.dtype != np.int64:
            from .pointwise import legacy_name

            raise RuntimeError(f"ember.searchsorted(): sorter must be a tensor of long dtype but got dtype "
                               f"{legacy_name(s.dtype)}")
        if s.size and (s.min() < 0 or s.max() >= s.shape[-1]):
            raise RuntimeError("ember.searchsorted(): sorter index out of range")
        order = s
    if not (values.ndim > 0 or (values.size == 1 and bounds.ndim == 1)):
        raise RuntimeError(
            "ember.searchsorted(): input value can be a scalar only when boundaries tensor dimension is 1, but we "
            f"got boundaries tensor dim({bounds.ndim}) and input value's dim({values.ndim}) numel({values.size})")
    if bounds.ndim == 0:
        raise RuntimeError("ember.searchsorted(): boundaries tensor should have positive dimension, but got 0 "
                           "dimension")
    if bounds.ndim != 1 and not _dims_match(bounds, values):
        raise RuntimeError(
            "ember.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 dimensions of boundaries "
            f"tensor and input value tensor must match, but we got boundaries tensor {list(bounds.shape)} and input "
            f"value tensor {list(values.shape)}")
    common = D.result_type(sorted_sequence, input).np
    if bounds.dtype == np.bool_ or common == np.bool_:
        raise NotImplementedError("\"searchsorted_out_cpu\" not implemented for 'Bool'")
    b = bounds.astype(common, copy=False)
    v = values.astype(common, copy=False)
    if b.ndim == 1:
        rows_b, rows_v = b.reshape(1, -1), v.reshape(1, -1)
        rows_s = None if order is None else order.reshape(1, -1)
    else:
        rows_b, rows_v = b.reshape(-1, b.shape[-1]), v.reshape(-1, v.shape[-1])
        rows_s = None if order is None else order.reshape(-1, order.shape[-1])
    idx = _bisect(rows_b, rows_v, right, rows_s).reshape(values.shape)
    return wrap(idx.astype(np.int32 if out_int32 else np.int64))


def bucketize(input: Any, boundaries: Tensor, *, out_int32: bool = False, right: bool = False,
              out: Tensor | None = None) -> Tensor:
    """The index of the bucket of each element of ``input``, for the sorted 1-D ``boundaries``
    (``boundaries[i-1] < x <= boundaries[i]``; ``right=True``: ``boundaries[i-1] <= x < boundaries[i]``)."""
    if boundaries._data.ndim != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim({boundaries._data.ndim})")
    return searchsorted(boundaries, input, out_int32=out_int32, right=right, out=out)
