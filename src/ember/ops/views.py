"""In-place writes into views of tensors that record history: PyTorch's CopySlices.

A view shares its base's array, so writing through it changes the base. When that is
recorded, the base's history becomes a ``CopySlices`` Node: the base's old value with the
view's region replaced by the in-place op's result. The Node keeps the in-place op's own
Node (``fn``) and where the view lies in the base; its edges are the base's old history
followed by ``fn``'s edges for the op's other inputs (``fn``'s first edge, the view's old
history, is the base's old history seen through the view, so it is dropped). For a
gradient ``g`` of the base it computes, in ember ops (so ``create_graph`` works):

* ``gs = take(g, positions)``: the gradient of the view's region;
* ``res = fn(gs)``: the gradients of the view's old values and of the op's other inputs;
* ``put(g, positions, res[0])``: the base's old value gets ``g`` outside the region and
  ``res[0]`` inside it (zeros where the op does not depend on the old values).

Where a view lies in its base is read from the arrays themselves (byte offset, strides)
and turned into the flat (C-order) positions of its elements in the base, so every view
op (slicing, select, transpose, diagonal, unbind, ...) and views of views are replayed
the same way, and nothing is recorded when a view is made.

After the write, the views of the base whose history is out of date (the written one,
and the others taken while recording, kept as weak references after the count in the
shared version counter list ``_vc``) get a new Node, ``AsStridedBackward0``, reading
their region of the base's new history, as PyTorch regenerates them.
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Callable
from typing import Any

import numpy as np

from .._tensor import Tensor
from ..autograd.graph import Node
from ._op import derivative, new_node, wrap
from .indexing import put, take

__all__ = ["CopySlices", "AsStridedBackward0", "IndexPutBackward0", "inplace_on_view", "regenerate_views",
           "index_put", "positions"]

_ref = weakref.ref


def geometry(view: np.ndarray, base: np.ndarray) -> tuple:
    """Where ``view``'s elements lie in ``base``'s memory (cheap: nothing is computed yet)."""
    offset = view.__array_interface__["data"][0] - base.__array_interface__["data"][0]
    return (base.shape, base.strides, base.itemsize, view.shape, view.strides, view.itemsize, offset)


def positions(geom: tuple) -> np.ndarray:
    """The flat (C-order) position in the base of each element of the view (int64, view-shaped)."""
    bshape, bstrides, size, vshape, vstrides, vsize, offset = geom
    if vsize != size:
        raise NotImplementedError(
            "ember: an in-place write through a view with another dtype (Tensor.view(dtype)) of a tensor that "
            "requires grad cannot be replayed on its base"
        )
    if any(s % size for s in (*bstrides, *vstrides, offset)):
        raise NotImplementedError("ember: a view whose strides are not whole elements cannot be replayed on its base")
    n, m = math.prod(bshape), math.prod(vshape)
    if n == 0 or m == 0:
        return np.zeros(vshape, np.int64)
    bs = [s // size for s in bstrides]
    vs = [s // size for s in vstrides]
    o = offset // size
    if all(s == math.prod(bshape[k + 1:]) for k, s in enumerate(bs) if bshape[k] > 1):
        # A C-contiguous base (the usual case): memory order is the flat order.
        pos = np.full(vshape, o, np.int64)
        for k, (d, s) in enumerate(zip(vshape, vs, strict=True)):
            if d > 1 and s:
                pos += (np.arange(d, dtype=np.int64) * s).reshape((1,) * k + (d,) + (1,) * (len(vshape) - k - 1))
        if (pos < 0).any() or (pos >= n).any():
            raise NotImplementedError("ember: a view that reaches outside its base's memory cannot be replayed on it")
        return pos
    lo = sum(min(0, (d - 1) * s) for d, s in zip(bshape, bs, strict=True))
    hi = sum(max(0, (d - 1) * s) for d, s in zip(bshape, bs, strict=True))
    vlo = o + sum(min(0, (d - 1) * s) for d, s in zip(vshape, vs, strict=True))
    vhi = o + sum(max(0, (d - 1) * s) for d, s in zip(vshape, vs, strict=True))
    if vlo < lo or vhi > hi:
        raise NotImplementedError("ember: a view that reaches outside its base's memory cannot be replayed on it")
    buf = np.full(hi - lo + 1, -1, np.int64)
    item = buf.itemsize
    strided = np.lib.stride_tricks.as_strided
    strided(buf[-lo:], bshape, tuple(s * item for s in bs))[...] = np.arange(n, dtype=np.int64).reshape(bshape)
    out = strided(buf[o - lo:], vshape, tuple(s * item for s in vs)).copy()
    if (out < 0).any():
        raise NotImplementedError("ember: a view that reads memory its base does not own cannot be replayed on it")
    return out


def _overlapping(geom: tuple) -> bool:
    """True when some elements of the view share memory (an expanded view, overlapping unfold windows)."""
    return overlaps_itself(geom[3], geom[4])


def overlaps_itself(shape: tuple, strides: tuple) -> bool:
    """Whether two elements of an array of this shape and these (byte) strides share memory."""
    dims = sorted((abs(s), d) for d, s in zip(shape, strides, strict=True) if d > 1)
    extent = 0
    for s, d in dims:  # the common case: each stride steps over everything the smaller ones span
        if s <= extent:
            break
        extent += s * (d - 1)
    else:
        return False
    if any(s == 0 for s, _ in dims):
        return True
    offsets = np.zeros((), np.int64)
    for s, d in dims:
        offsets = (offsets[..., None] + np.arange(d, dtype=np.int64) * s).reshape(-1)
    return np.unique(offsets).size != offsets.size


def _as_strided_backward(grad: Tensor, geom: tuple) -> Tensor:
    """zeros shaped like the base, with ``grad`` written (summed, for an expanded view) at the view's region."""
    z = wrap(np.zeros(geom[0], grad._data.dtype))
    return put(z, wrap(positions(geom)), grad, accumulate=_overlapping(geom))


# A view regenerated from its base after an in-place write (PyTorch's name for it).
AsStridedBackward0 = derivative("as_strided", ("geometry",), _as_strided_backward)


def _zeros_at(grad: Tensor, index: Tensor) -> Tensor:
    return put(grad, index, wrap(np.zeros(index._data.shape, grad._data.dtype)))


# ``self[indices] = values`` with advanced indices (index_put_); ``index`` is the flat
# positions in self of the written elements, shaped like the indexing result.
IndexPutBackward0 = derivative("index_put", ("index",),
                               lambda grad, index: _zeros_at(grad, index),
                               lambda grad, index: take(grad, index))


class CopySlices(Node):
    """The base's history after an in-place op on one of its views (see the module docstring)."""

    __slots__ = ("fn", "_geom")
    fn: Node | None
    _geom: tuple

    def name(self) -> str:
        return "ember::autograd::CopySlices"  # torch::autograd::CopySlices, as ember names itself

    def apply(self, grads: list) -> list:
        from ..autograd.engine import _call_node, _validate

        g = grads[0]
        index = wrap(positions(self._geom))
        gs = take(g, index)
        fn = self.fn
        res = list(_call_node(fn, [gs])) if fn is not None else [None]
        r0 = res[0] if res else None
        if r0 is not None and fn is not None:
            meta = fn._meta[0]
            if meta is not None and (r0._data.shape != meta[0] or r0._data.dtype != meta[1]):
                r0 = _validate(fn, 0, r0, meta)
            if r0._data.dtype != g._data.dtype:
                r0 = r0.to(r0._dtype_of(g._data.dtype))
        else:
            r0 = wrap(np.zeros(index._data.shape, g._data.dtype))
        out: list[Tensor | None] = [put(g, index, r0)]
        out.extend(res[1:])
        out.extend([None] * (len(self.next_functions) - len(out)))
        return out

    def release_variables(self) -> None:
        if self.fn is not None:
            self.fn.release_variables()


def _route_saved_result(fn: Node, node: CopySlices) -> None:
    """Make ``fn``'s saved result unpack as the view it now is: a Tensor whose history is
    the view's region of the base's new history (AsStridedBackward0 -> this CopySlices).

    PyTorch unpacks an in-place op's saved output with the view's regenerated grad_fn. With
    ``fn`` itself as its grad_fn (a plain SavedOutput), a double backward reaches ``fn``
    twice, directly and through this CopySlices, and the first run frees what the second
    needs ("Trying to backward through the graph a second time").
    """
    from ..autograd.graph import PackedSaved, SavedOutput

    saved = fn._saved
    if not saved or not any(type(v) is SavedOutput for v in saved):
        return
    ref = _ref(node)
    fn._saved = tuple(
        PackedSaved((v.data, v.vc, v.version, v.out_nr, ref, _ref(fn)), _unpack_view_result)
        if type(v) is SavedOutput else v for v in saved)


def _unpack_view_result(packed: tuple) -> Tensor:
    from ..autograd.graph import _raise_modified

    data, vc, version, out_nr, node_ref, fn_ref = packed
    if vc[0] != version:
        fn = fn_ref()
        _raise_modified(data, vc, version, fn, out_nr, fn)
    node = node_ref()
    if node is None:  # no CopySlices left to route through: the op's own Node, as before
        return Tensor._make(data, fn_ref(), out_nr, vc)
    shape = node._geom[0]
    base = Tensor._make(np.broadcast_to(np.zeros((), data.dtype), shape), node, 0, vc)
    view_node = new_node(AsStridedBackward0, (base,))
    view_node._saved = (node._geom,)
    return Tensor._make(data, view_node, 0, vc)


def _regen(view: Tensor, base: Tensor) -> None:
    view._out_nr = 0
    if not base._rg:
        view._grad_fn = None
        view._rg = False
        return
    node = new_node(AsStridedBackward0, (base,))
    node._saved = (geometry(view._data, base._data),)
    view._grad_fn = node
    view._rg = True


def regenerate_views(base: Tensor, written: Tensor | None = None) -> None:
    """Give the views of ``base`` (``written`` and those registered in ``_vc``) a Node reading the new history."""
    vc: list[Any] = base._vc
    seen_written = written is None
    if len(vc) > 1:
        live = []
        for r in vc[1:]:
            w = r()
            if w is None:
                continue
            live.append(r)
            if w is written:
                seen_written = True
            elif w._base is base:
                _regen(w, base)
        vc[1:] = live
    if written is not None:
        _regen(written, base)
        if not seen_written:
            vc.append(_ref(written))


def inplace_on_view(self: Tensor, op: Callable[..., Tensor], args: tuple, kwargs: dict,
                    write_into: Callable[[Tensor, np.ndarray], None]) -> Tensor:
    """``op`` applied in place to the view ``self`` while recording: the base gets a CopySlices Node."""
    base = self._base
    assert base is not None
    x = self._data
    expanded = any(s == 0 and d > 1 for d, s in zip(x.shape, x.strides, strict=True))  # write_into refuses it
    if not expanded and overlaps_itself(x.shape, x.strides):
        raise NotImplementedError(
            "ember: an in-place write through a view whose elements overlap (unfold with step < size) cannot be "
            "recorded; write into a clone"
        )
    snapshot = Tensor._make(self._data.copy(), self._grad_fn, self._out_nr)
    snapshot._rg = self._rg
    result = op(snapshot, *args, **kwargs)
    write_into(self, result._data)
    if result is snapshot:  # the op changed nothing (and recorded nothing)
        return self
    from .pointwise import adopt_saved_output

    adopt_saved_output(result, self)
    fn = result._grad_fn if result._rg else None
    if fn is None and not base._rg:
        return self
    if fn is not None and (result._out_nr != 0 or fn.n_outputs != 1):
        raise NotImplementedError(f"ember: an in-place {fn.name()} on a view cannot be recorded")
    node = new_node(CopySlices, (base,))
    assert isinstance(node, CopySlices)
    if fn is not None:
        node.next_functions = node.next_functions + fn.next_functions[1:]
        node._meta = node._meta + fn._meta[1:]
    node.fn = fn
    node._geom = geometry(self._data, base._data)
    if fn is not None:
        _route_saved_result(fn, node)
    node._versions = ()  # not None: the engine then calls release_variables, which frees fn's saved values
    base._grad_fn = node
    base._out_nr = 0
    base._rg = True
    regenerate_views(base, self)
    return self


def index_put(input: Tensor, np_key: Any, value: Any) -> Tensor:
    """A copy of ``input`` with ``value`` written at the advanced index ``np_key`` (IndexPutBackward0)."""
    x = input._data
    pos = np.arange(x.size, dtype=np.int64).reshape(x.shape)[np_key]
    out = x.copy()
    v = value._data if isinstance(value, Tensor) else value
    out.reshape(-1)[pos] = v
    return _record_index_put(out, input, value, pos)


def _record_index_put(out: np.ndarray, input: Tensor, value: Any, pos: np.ndarray) -> Tensor:
    from ._op import record

    return record(IndexPutBackward0, out, (input, value), (wrap(pos),))
