"""Accumulating gradients into ``.grad``, PyTorch's AccumulateGrad semantics.

* First gradient: stored as is when nothing else can see its array (no copy), else
  copied; under ``create_graph`` it is cloned with history, so ``.grad`` can be
  differentiated again.
* Later gradients: added in place when not recording (``.grad`` stays the same
  tensor object), out of place (with history) under ``create_graph``.

Which first gradients are stored without a copy. Reference counts cannot tell from here:
the engine's own variables hold the gradient Tensor a varying number of times (the last
Node's outputs, the edge being delivered), so a count low enough to cover them all could
also miss a hook that kept the Tensor. Instead the array-level kernels (``ops/_fast.py``)
say so: an array a kernel has just made and hands to one edge that leads to an
``AccumulateGrad`` is noted with ``note_private``, and the ``AccumulateGrad`` kernel
stores it uncopied when it arrives unchanged, no hook has run on it (the kernel is not
used when one is registered) and its own reference count says no view or other Tensor
shares it. Notes live in the running backward call only (thread-local; a nested call
starts with none), so a Tensor seen by a hook can never be taken by a later call.

Two guarantees on top of PyTorch's:

* Thread safety: the read-modify-write of ``.grad`` holds a lock, so backward passes in
  several threads that reach one leaf add up exactly.
* All or nothing: while ``run_backward`` runs, each change to a ``.grad`` is logged
  (the leaf, its previous ``.grad`` object and, for an in-place add, a copy of the old
  values and version). If the backward raises (KeyboardInterrupt included), the engine
  undoes the log in reverse order, so every ``.grad`` is as it was before the call.
"""

from __future__ import annotations

import sys
import threading
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


def _private_array(grad: Tensor, extra_refs: int = 0) -> np.ndarray:
    """The gradient's array if nothing else can see it (safe to keep and mutate), else a copy.

    ``extra_refs``: references to ``grad`` the caller holds beyond the usual ones.
    """
    data = grad._data
    # References to ``data``: the grad Tensor's slot and getrefcount's argument. A view
    # of it (data.base), a second Tensor on it, or a read-only/broadcast array means
    # someone else shares the memory.
    if (
        data.base is None
        and _getrefcount(data) <= 2
        and _getrefcount(grad) <= _OWNED_TENSOR_REFS + extra_refs
        and data.flags.writeable
        and data.flags.c_contiguous
    ):
        return data
    return np.array(data, order="C", copy=True)


# References to a gradient Tensor that nothing but the engine holds, counted inside
# ``_private_array``: the engine's buffer list, the caller's argument, this argument,
# and getrefcount's own.
_OWNED_TENSOR_REFS = 4


_lock = threading.Lock()
# .log: this thread's innermost backward's undo log, or None; .private: that call's notes
# of arrays only the engine holds (id -> weak reference), or None.
_undo = threading.local()

Token = tuple  # (outer log, this call's log, outer private notes): opaque to callers


def begin_undo_log() -> Token:
    """Start logging changes to ``.grad`` for one backward call (nested calls stack)."""
    outer = getattr(_undo, "log", None)
    outer_private = getattr(_undo, "private", None)
    log: list = []
    _undo.log = log
    _undo.private = {}
    return outer, log, outer_private


def commit_undo_log(token: Token) -> None:
    """The backward succeeded: its changes stay (and join an enclosing backward's log)."""
    outer, log, outer_private = token
    _undo.log = outer
    _undo.private = outer_private
    if outer is not None:
        outer.extend(log)


def undo(token: Token) -> None:
    """The backward failed: put every ``.grad`` it changed back as it was, newest change first."""
    outer, log, outer_private = token
    _undo.log = outer
    _undo.private = outer_private
    with _lock:
        for var, old, values, version in reversed(log):
            if values is not None:
                np.copyto(old._data, values)
                old._vc[0] = version
            var._grad = old
    log.clear()


def note_private(data: np.ndarray) -> None:
    """An array-level kernel made ``data`` and gives it to one edge only, which leads to an
    ``AccumulateGrad``: until it arrives there, only the engine holds it (see the top)."""
    notes = getattr(_undo, "private", None)
    if notes is not None:
        if len(notes) > 256:  # notes of arrays that went elsewhere (hooks): forget them
            notes.clear()
        notes[id(data)] = weakref.ref(data)


def take_private(data: np.ndarray) -> bool:
    """Whether ``data`` was noted by ``note_private`` in this backward call (the note is used up)."""
    notes = getattr(_undo, "private", None)
    if not notes:
        return False
    ref = notes.pop(id(data), None)
    return ref is not None and ref() is data


def accumulate_into_leaf(var: Tensor, grad: Tensor, run_hooks: bool = True, may_steal: bool = True,
                         private: bool = False) -> None:
    """Add ``grad`` into ``var.grad`` as PyTorch's AccumulateGrad does.

    ``may_steal`` is False where the gradient goes on flowing through the graph after
    this (retain_grad, non-leaf ``inputs``), so its array is never kept uncopied.
    ``private``: the caller knows that nothing but the engine holds ``grad`` (the
    ``AccumulateGrad`` kernel, for an array noted by ``note_private``).
    """
    log = getattr(_undo, "log", None)
    with _lock:
        old = var._grad
        if old is None:
            if grad_state.enabled:
                new = grad.clone()
            elif private:
                data = grad._data
                # References to ``data``: the Tensor's slot, ``data`` here, getrefcount's
                # argument; more would be a view or another Tensor on it.
                if (data.base is None and _getrefcount(data) <= 3 and data.flags.writeable
                        and data.flags.c_contiguous):
                    new = Tensor._make(data, None)
                else:
                    new = Tensor._make(np.array(data, order="C", copy=True), None)
            elif may_steal:
                new = Tensor._make(_private_array(grad), None)
            else:
                new = Tensor._make(np.array(grad._data, order="C", copy=True), None)
            if log is not None:
                log.append((var, None, None, None))
            var._grad = new
        elif not grad_state.enabled:
            if old._data.shape == grad._data.shape and old._data.flags.writeable:
                if log is not None:
                    log.append((var, old, old._data.copy(), old._vc[0]))
                np.add(old._data, grad._data, out=old._data, casting="unsafe")
                old._vc[0] += 1
            else:
                if log is not None:
                    log.append((var, old, None, None))
                var._grad = Tensor._make(old._data + grad._data, None)
        else:
            if log is not None:
                log.append((var, old, None, None))
            var._grad = old + grad
    if run_hooks:
        extra = var._extra
        if extra is not None and extra.get("post_hooks"):
            for hook in list(extra["post_hooks"].values()):
                hook(var)
