"""Accumulating gradients into ``.grad``, PyTorch's AccumulateGrad semantics.

* First gradient: stored as is when nothing else can see its array (no copy), else
  copied; under ``create_graph`` it is cloned with history, so ``.grad`` can be
  differentiated again.
* Later gradients: added in place when not recording (``.grad`` stays the same
  tensor object), out of place (with history) under ``create_graph``.
"""

from __future__ import annotations

import sys
import weakref

import numpy as np

from .._tensor import Tensor
from ..autograd.grad_mode import _state as grad_state
from ..autograd.graph import AccumulateGrad

_getrefcount = sys.getrefcount


def grad_accumulator(t: Tensor) -> AccumulateGrad:
    """The leaf's AccumulateGrad Node: one per leaf while anything holds it."""
    ref = t._accum
    acc = ref() if ref is not None else None
    if acc is None:
        acc = AccumulateGrad(t)
        t._accum = weakref.ref(acc)
    return acc


def _private_array(grad: Tensor) -> np.ndarray:
    """The gradient's array if nothing else can see it (safe to keep and mutate), else a copy."""
    data = grad._data
    # References to ``data``: the grad Tensor's slot and getrefcount's argument. A view
    # of it (data.base), a second Tensor on it, or a read-only/broadcast array means
    # someone else shares the memory.
    if (
        data.base is None
        and _getrefcount(data) <= 2
        and _getrefcount(grad) <= _OWNED_TENSOR_REFS
        and data.flags.writeable
        and data.flags.c_contiguous
    ):
        return data
    return np.array(data, order="C", copy=True)


# References to a gradient Tensor that nothing but the engine holds, counted inside
# ``_private_array``: the engine's buffer list, the caller's argument, this argument,
# and getrefcount's own.
_OWNED_TENSOR_REFS = 4


def accumulate_into_leaf(var: Tensor, grad: Tensor, run_hooks: bool = True, may_steal: bool = True) -> None:
    """Add ``grad`` into ``var.grad`` as PyTorch's AccumulateGrad does.

    ``may_steal`` is False where the gradient goes on flowing through the graph after
    this (retain_grad, non-leaf ``inputs``), so its array is never kept uncopied.
    """
    old = var._grad
    if old is None:
        if grad_state.enabled:
            var._grad = grad.clone()
        elif may_steal:
            var._grad = Tensor._make(_private_array(grad), None)
        else:
            var._grad = Tensor._make(np.array(grad._data, order="C", copy=True), None)
    elif not grad_state.enabled:
        if old._data.shape == grad._data.shape and old._data.flags.writeable:
            np.add(old._data, grad._data, out=old._data, casting="unsafe")
            old._vc[0] += 1
        else:
            var._grad = Tensor._make(old._data + grad._data, None)
    else:
        var._grad = old + grad
    if run_hooks:
        extra = var._extra
        if extra is not None and extra.get("post_hooks"):
            for hook in list(extra["post_hooks"].values()):
                hook(var)
