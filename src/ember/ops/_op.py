"""How an op is declared and recorded.

An op module declares each differentiable op once:

* its Node class, from ``derivative(name, saved_names, *formulas)``, one formula per
  differentiable input, each ``formula(grad, *saved) -> Tensor`` written with ember
  ops (so every gradient is itself differentiable);
* a forward function that computes on arrays and, only when grad mode is on and an
  input requires grad, calls ``record`` to make the Node and save what the formulas
  need (``OUTPUT`` stands for the op's own result).

Broadcasting is undone by the engine, not by the formulas: a formula may return a
gradient of the broadcast shape, and the engine sums it back to the input's shape.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import numpy as np

from .. import _dtype as D  # noqa: N812 - D reads as a namespace of dtypes
from .._tensor import Tensor
from ..autograd import anomaly_mode
from ..autograd.grad_mode import _state as grad_state
from ..autograd.graph import _INTERNAL, Node, SavedOutput, _saved_hooks, next_sequence_nr, pack_saved, user_frame
from ._accumulate import grad_accumulator

__all__ = ["derivative", "record", "wrap", "OUTPUT", "binary_operands", "as_float", "grad_state"]

#: In a ``saved`` tuple: save the op's own output (kept without a reference cycle).
OUTPUT = object()
_anomaly = anomaly_mode._state
_NO_EDGE = (None, 0)
_new = object.__new__
_ndarray = np.ndarray
_getframe = sys._getframe
_asarray = np.asarray


def backward_name(op: str, overload: int = 0) -> str:
    """PyTorch's Node class name for an op.

    ``binary_cross_entropy_with_logits`` gives ``BinaryCrossEntropyWithLogitsBackward0``.
    """
    # Each part is titled, as torch's codegen does: log1p -> Log1PBackward0, max_pool2d -> MaxPool2D...
    return "".join(part.title() for part in op.split("_") if part) + f"Backward{overload}"


def derivative(op: str, saved: tuple[str, ...], *formulas: Callable[..., Any], overload: int = 0,
               n_outputs: int = 1) -> type[Node]:
    """Declare the Node class of ``op``: the names of what it saves and one formula per input."""
    name = backward_name(op, overload)
    return type(name, (Node,), {
        "__slots__": (), "_formulas": formulas, "_saved_names": saved, "n_outputs": n_outputs,
        "__module__": "ember.autograd.generated", "__qualname__": name,
    })


def wrap(data: Any) -> Tensor:
    """A result without history (the path taken when nothing records)."""
    if type(data) is not _ndarray:
        data = _asarray(data)
    t = Tensor._make(data, None)
    if grad_state.inference:
        t._extra = {"inference": True}
    return t


# Immutable per-Node records that recur (input shapes and dtypes, saved versions), kept
# once each: about 160 bytes less per Node of a long graph. Bounded, so that programs with
# ever-new shapes do not grow it without end.
_SHARED: dict[tuple, tuple] = {}
_SHARED_MAX = 1024


def _share(value: tuple) -> tuple:
    if len(_SHARED) >= _SHARED_MAX:
        _SHARED.clear()
    _SHARED[value] = value
    return value


def _edge_and_meta(t: Any) -> tuple[tuple[Any, int], tuple[tuple, np.dtype] | None]:
    if isinstance(t, Tensor) and t._rg:
        fn = t._grad_fn
        d = t._data
        return (fn, t._out_nr) if fn is not None else (grad_accumulator(t), 0), (d.shape, d.dtype)
    return _NO_EDGE, None


def new_node(cls: type[Node], inputs: tuple) -> Node:
    """A Node of ``cls`` with one edge per input (``(None, 0)`` where no gradient flows)."""
    node = _new(cls)
    if len(inputs) == 1:  # unary and binary ops spelled out: the recording hot path
        t = inputs[0]
        if isinstance(t, Tensor) and t._rg:
            fn = t._grad_fn
            d = t._data
            node.next_functions = ((fn, t._out_nr) if fn is not None else (grad_accumulator(t), 0),)
            metas: tuple = ((d.shape, d.dtype),)
        else:
            node.next_functions = (_NO_EDGE,)
            metas = (None,)
    elif len(inputs) == 2:
        a, b = inputs
        if isinstance(a, Tensor) and a._rg:
            fn = a._grad_fn
            d = a._data
            ea, ma = (fn, a._out_nr) if fn is not None else (grad_accumulator(a), 0), (d.shape, d.dtype)
        else:
            ea, ma = _NO_EDGE, None
        if isinstance(b, Tensor) and b._rg:
            fn = b._grad_fn
            d = b._data
            eb, mb = (fn, b._out_nr) if fn is not None else (grad_accumulator(b), 0), (d.shape, d.dtype)
        else:
            eb, mb = _NO_EDGE, None
        node.next_functions = (ea, eb)
        metas = (ma, mb)
    else:
        pairs = [_edge_and_meta(t) for t in inputs]
        node.next_functions = tuple([e for e, _ in pairs])
        metas = tuple([m for _, m in pairs])
    # One shared tuple per distinct (shapes, dtypes): a long graph of like Nodes keeps one.
    node._meta = _SHARED.get(metas) or _share(metas)
    node._seq = next_sequence_nr()
    node._saved = ()
    node._versions = None
    node._hooks = None
    node._pre_hooks = None
    node._metadata = None
    node._thooks = None
    node._trace = anomaly_mode.record_trace() if _anomaly.enabled else None
    return node


def save(node: Node, saved: tuple, outputs: tuple[Tensor, ...], depth: int = 3) -> None:
    """Store what the formulas need; Tensors are checked against in-place changes on use.

    ``depth``: how many frames above ``save`` the user's line usually is (3 from
    ``record``: save <- record <- the op <- the user; 2 for an op that calls ``save``
    itself); frames inside ember are skipped from there, so a wrapper more costs a step.
    """
    if len(saved) == 1 and not _saved_hooks.stack:
        # One saved tensor, the commonest case, spelled out: the op's own output (as a
        # SavedOutput: no reference cycle) or an input without anything unusual.
        v = saved[0]
        if v is OUTPUT:
            out = outputs[0]
            kept = _new(SavedOutput)
            kept.data = out._data
            kept.vc = out._vc
            kept.version = version = out._vc[0]
            kept.out_nr = 0
            node._saved = (kept,)
        elif isinstance(v, Tensor) and v._extra is None:
            node._saved = saved
            version = v._vc[0]
        else:
            return _save(node, saved, outputs, depth + 1)
        node._versions = _ZERO if version == 0 else (version,)
        return _capture_site(node, depth + 1)
    return _save(node, saved, outputs, depth + 1)


_ZERO = (0,)


def _save(node: Node, saved: tuple, outputs: tuple[Tensor, ...], depth: int) -> None:
    if _saved_hooks.stack:
        values: Any = [pack_saved(outputs[0], True) if v is OUTPUT else pack_saved(v, False)
                       if isinstance(v, Tensor) else (v, None) for v in saved]
        versions = [ver for _, ver in values]
        values = tuple([v for v, _ in values])
    else:
        # Saved inputs kept as they are, the op's own output as a SavedOutput, non-tensors
        # (shapes, scalars) unversioned.
        values = saved
        versions = []
        i = 0
        for v in saved:
            if isinstance(v, Tensor):
                versions.append(v._vc[0] if v._extra is None else pack_saved(v, False)[1])
            elif v is OUTPUT:
                if values is saved:
                    values = list(saved)
                values[i], version = pack_saved(outputs[0], True)
                versions.append(version)
            else:
                versions.append(None)
            i += 1
        if values is not saved:
            values = tuple(values)
    node._saved = values
    if versions.count(None) == len(versions):
        node._versions = None
        return
    found = tuple(versions)
    # Shared only while all are 0 (fresh tensors): versions that count up (parameters
    # updated in place each step) would fill the table with one-off entries.
    node._versions = _SHARED.get(found) or (found if any(found) else _share(found))
    _capture_site(node, depth + 1)


def _capture_site(node: Node, depth: int) -> None:
    """Keep the user's line that recorded ``node`` (``depth`` frames above this one, or
    the first outside ember above that), named if a saved tensor is later modified in
    place: its code and offset, never the frame, which would keep the user's locals
    alive. ``user_frame`` inlined."""
    try:
        f = _getframe(depth)
    except ValueError:  # record() called from the top of the stack
        return
    code = f.f_code
    internal = _INTERNAL  # file name -> inside ember (filled in by user_frame)
    inside = internal.get(code.co_filename)
    if inside is not False:
        if inside:
            f = f.f_back  # one wrapper more (a Tensor operator method, say)
        if f is not None and internal.get(f.f_code.co_filename) is not False:
            f = user_frame(0, f)
        if f is None:
            return
        code = f.f_code
    node._site = code
    node._site_at = f.f_lasti


def record(cls: type[Node], data: Any, inputs: tuple, saved: tuple = ()) -> Tensor:
    """Make the Node of a single-output op and its result tensor."""
    if type(data) is not _ndarray:
        data = _asarray(data)
    node = new_node(cls, inputs)
    out = Tensor._make(data, node)
    if saved:
        save(node, saved, (out,))
    return out


def record_multi(cls: type[Node], datas: tuple, inputs: tuple, saved: tuple = ()) -> tuple[Tensor, ...]:
    """Make the Node of an op with several outputs; output ``i`` has ``output_nr`` i."""
    node = new_node(cls, inputs)
    outs = tuple(Tensor._make(_asarray(d), node, i) for i, d in enumerate(datas))
    if saved:
        save(node, saved, outs)
    return outs


def requires_grad(*xs: Any) -> bool:
    """True when grad mode is on and some input requires grad (the test before ``record``)."""
    if not grad_state.enabled:
        return False
    for x in xs:
        if isinstance(x, Tensor) and x._rg:
            return True
    return False


# -- operands and type promotion -----------------------------------------------------
_RANK: dict[np.dtype, int] = {d.np: d._rank for d in D.ALL}
_SCALAR_RANK = {bool: 0, int: 1, float: 2, complex: 3}


def scalar_rank(value: Any) -> int:
    rank = _SCALAR_RANK.get(type(value))
    if rank is None:
        if isinstance(value, (np.generic,)):
            return _RANK[value.dtype]
        raise TypeError(f"unsupported operand type {type(value).__name__}; expected a Tensor or a number")
    return rank


def _promote_arrays(x: np.ndarray, y: np.ndarray) -> np.dtype:
    """torch's result dtype for two tensors (0-d tensors rank below dimensioned ones)."""
    dx, dy = D.FROM_NP[x.dtype], D.FROM_NP[y.dtype]
    if (x.ndim == 0) == (y.ndim == 0):
        return D.promote_types(dx, dy).np
    dim, zero = (dx, dy) if x.ndim else (dy, dx)
    return D.result_type_of(dim, zero, None).np


def scalar_dtype_with(x: np.ndarray, value: Any) -> np.dtype:
    """torch's result dtype for a tensor with a Python scalar."""
    if scalar_rank(value) <= _RANK[x.dtype]:
        return x.dtype
    t = D.FROM_NP[x.dtype]
    w = D.scalar_dtype(value) if not isinstance(value, np.generic) else D.FROM_NP[value.dtype]
    if x.ndim:
        return D.result_type_of(t, None, w).np
    return D.result_type_of(None, t, w).np


def binary_operands(a: Any, b: Any) -> tuple[Any, Any]:
    """The arrays (or Python scalars) to compute ``a op b`` with, in torch's result dtype.

    A Python scalar stays a Python scalar when the tensor's dtype already holds its
    category: NumPy 2 then keeps the tensor's dtype, as torch does.
    """
    if isinstance(a, Tensor):
        x = a._data
        if isinstance(b, Tensor):
            y = b._data
            if x.dtype == y.dtype:
                return x, y
            dt = _promote_arrays(x, y)
            return x.astype(dt, copy=False), y.astype(dt, copy=False)
        if isinstance(b, np.generic):
            b = b.item()  # NumPy scalars promote as Python scalars do, as in torch
        dt = scalar_dtype_with(x, b)
        if dt == x.dtype:
            return x, _fit_scalar(b, dt)
        return x.astype(dt, copy=False), _fit_scalar(b, dt)
    y = b._data
    if isinstance(a, np.generic):
        a = a.item()
    dt = scalar_dtype_with(y, a)
    if dt == y.dtype:
        return _fit_scalar(a, dt), y
    return _fit_scalar(a, dt), y.astype(dt, copy=False)


def _fit_scalar(value: Any, dt: np.dtype) -> Any:
    """A Python scalar as NumPy should see it; out-of-range integers wrap, as in torch."""
    if dt.kind in "iu" and type(value) is int:
        info = np.iinfo(dt)
        if not info.min <= value <= info.max:
            return np.array(value).astype(dt)
    return value


def as_float(t: Tensor) -> np.ndarray:
    """The tensor's array, cast to the default float dtype when it is integral or bool."""
    x = t._data
    if x.dtype.kind in "fc":
        return x
    return x.astype(D.get_default_dtype().np)


def float_result_dtype(x: np.ndarray) -> np.dtype:
    return x.dtype if x.dtype.kind in "fc" else D.get_default_dtype().np
