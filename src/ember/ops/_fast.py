"""Array-level backward kernels for the commonest Nodes, used when nothing records.

A Node's formulas are ember ops, so that ``create_graph=True`` can differentiate them
again. When the backward pass records nothing (``create_graph=False``, the usual case)
that generality costs an op dispatch per formula: operand checks, type promotion and a
result Tensor for each intermediate. For the Nodes that dominate training and long
chains, the kernels here compute the same values straight from the arrays.

A kernel takes the Node and its list of output gradients and returns one gradient (or
None) per input edge, exactly as ``Node.apply`` would, or None to leave the Node to its
formulas: whenever dtypes differ (NumPy's promotion is not PyTorch's) or anything is
unusual. Saved tensors are read through ``saved_values()``, so the checks against
in-place changes and freed buffers hold as on the formula path. The registry's gradient
tests (against PyTorch) run through these kernels, its gradgradchecks through the
formulas.

Two things the formulas leave to the engine are done here, where the arrays are at hand:

* Broadcasting undone: a gradient for an input that was broadcast along leading dims
  (the bias of ``x @ W + b``) is summed here with one ``np.add.reduce``, the same sum as
  the engine's ``sum_to_size`` (other shapes are left to the engine).
* Gradients kept uncopied: an array a kernel has just made for an edge that leads to an
  ``AccumulateGrad`` (a weight's ``h.T @ g``, a bias's sum) is noted as held by the
  engine alone (``_accumulate.note_private``), and the ``AccumulateGrad`` kernel stores
  it as ``.grad`` without the copy that it would otherwise make.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .._tensor import Tensor
from ..autograd.graph import AccumulateGrad, Node, SavedOutput
from ._accumulate import accumulate_into_leaf, note_private, take_private
from ._op import grad_state as _grad_state
from ._op import wrap
from .pointwise import zero_where

Kernel = Callable[[Node, list], "list | None"]

_ndarray = np.ndarray
_add_reduce = np.add.reduce
_asarray = np.asarray
_make = Tensor._make
_multiply, _subtract = np.multiply, np.subtract
# Integers as wide as each float, for relu's backward by bit masking.
_SAME_WIDTH_INT = {2: np.int16, 4: np.int32, 8: np.int64}
# Where a kernel's NumPy arithmetic is exactly the formula's ember ops (no half-precision upcasts).
_F32_F64 = (np.dtype(np.float32), np.dtype(np.float64))


def _same_dtype(g: np.ndarray, x: Any) -> bool:
    return not isinstance(x, Tensor) or x._data.dtype == g.dtype


def _operand(x: Any) -> Any:
    return x._data if isinstance(x, Tensor) else x


def _scalar_ok(x: Any) -> bool:
    return isinstance(x, Tensor) or type(x) in (int, float)


def _fresh(node: Node, i: int, data: Any) -> Tensor:
    """The gradient for input ``i`` from ``data``, an array this kernel has just made and
    gives to that edge alone: broadcast leading dims summed away (``_summed``), and noted
    as held by the engine alone when the edge leads to an ``AccumulateGrad``."""
    if type(data) is not _ndarray:  # a NumPy scalar from 0-d operands
        data = _asarray(data)
    meta = node._meta[i]
    if meta is not None and data.ndim > len(meta[0]):  # (only leading dims are summed here)
        summed = _summed(data, meta)
        if summed is None:
            return wrap(data)  # the engine sums it (and names a wrong shape)
        data = summed
    if type(node.next_functions[i][0]) is AccumulateGrad:
        note_private(data)
    if _grad_state.inference:
        return wrap(data)
    return _make(data, None)


def _shared(node: Node, i: int, g: Tensor) -> Tensor:
    """The gradient for input ``i`` when it is the incoming gradient ``g`` itself (add's), which
    other edges may share: as it is, or summed over broadcast leading dims into a new array."""
    meta = node._meta[i]
    gd = g._data
    if meta is None or gd.shape == meta[0]:
        return g
    summed = _summed(gd, meta)
    if summed is None:
        return g
    if type(node.next_functions[i][0]) is AccumulateGrad:
        note_private(summed)
    return wrap(summed)


def _summed(gd: np.ndarray, meta: tuple) -> np.ndarray | None:
    """``gd`` summed over the leading dims that broadcasting added, when that alone gives the
    input's shape and the dtypes agree: the sum ``sum_to_size`` takes, in a new array. None
    otherwise (dims of size 1 expanded, a cast), for the engine's general path."""
    shape, dtype = meta
    if gd.dtype != dtype:
        return None
    lead = gd.ndim - len(shape)
    if lead <= 0:
        return None
    if not shape:  # a 0-d input: everything summed, as sum() does
        return np.asarray(_add_reduce(gd, axis=None, dtype=dtype))
    if gd.shape[lead:] != shape:
        return None
    return _add_reduce(gd, axis=0 if lead == 1 else tuple(range(lead)), dtype=dtype)


def _accumulate_grad(node: Node, grads: list) -> list | tuple | None:
    """AccumulateGrad without hooks: ``.grad`` takes an array noted by a kernel uncopied."""
    g = grads[0]
    if g is None:
        return None
    var = node.variable  # type: ignore[attr-defined]
    private = take_private(g._data)
    extra = var._extra
    if extra is not None and extra.get("hooks"):
        return None  # the leaf's hooks run in AccumulateGrad.apply (and may keep the gradient)
    accumulate_into_leaf(var, g, private=private)
    return ()


def _result_array(node: Node) -> np.ndarray:
    """The array of a Node's one saved value, its own output: read from the SavedOutput
    when unchanged, else through ``saved_values`` (which raises the in-place or freed error)."""
    saved = node._saved
    if saved is not None:
        kept = saved[0]
        if type(kept) is SavedOutput and kept.vc[0] == kept.version:
            return kept.data
    (y,) = node.saved_values()
    return y._data


def _mul(node: Node, grads: list) -> list | None:
    g = grads[0]
    if g is None:
        return None
    self, other = node.saved_values()
    gd = g._data
    edges = node.next_functions
    # Each saved factor: a Tensor of the gradient's dtype, a Python number, or None
    # (not saved: the other input needs no gradient). Anything else: the formulas.
    if isinstance(other, Tensor):
        b = other._data
        if b.dtype != gd.dtype:
            return None
    elif other is None or type(other) is int or type(other) is float:
        b = other
    else:
        return None
    if isinstance(self, Tensor):
        a = self._data
        if a.dtype != gd.dtype:
            return None
    elif self is None or type(self) is int or type(self) is float:
        a = self
    else:
        return None
    first = edges[0][0] is not None
    second = len(edges) > 1 and edges[1][0] is not None
    if (first and b is None) or (second and a is None):
        return None
    return [_fresh(node, 0, gd * b) if first else None, _fresh(node, 1, gd * a) if second else None]


def _add(node: Node, grads: list) -> list | None:
    g = grads[0]
    (alpha,) = node.saved_values()
    if g is None or alpha != 1:
        return None
    edges = node.next_functions
    if len(edges) == 2:
        return [_shared(node, 0, g) if edges[0][0] is not None else None,
                _shared(node, 1, g) if edges[1][0] is not None else None]
    return [_shared(node, i, g) if e[0] is not None else None for i, e in enumerate(edges)]


def _sub(node: Node, grads: list) -> list | None:
    g = grads[0]
    (alpha,) = node.saved_values()
    if g is None or alpha != 1:
        return None
    edges = node.next_functions
    return [_shared(node, 0, g) if edges[0][0] is not None else None,
            _fresh(node, 1, np.negative(g._data)) if len(edges) > 1 and edges[1][0] is not None else None]


def _neg(node: Node, grads: list) -> list | None:
    g = grads[0]
    if g is None:
        return None
    return [_fresh(node, 0, np.negative(g._data))]


def _tanh(node: Node, grads: list) -> list | None:
    g = grads[0]
    if g is None:
        return None
    yd = _result_array(node)
    gd = g._data
    if gd.dtype != yd.dtype:
        return None
    if gd.shape != yd.shape or not yd.ndim:  # (0-d arithmetic gives NumPy scalars: no out=)
        return [_fresh(node, 0, gd * (1 - yd * yd))]
    # gd * (1 - y * y) in one new array: the same roundings in the same order, two fewer
    # temporaries (on large tensors, allocating them costs as much as the arithmetic).
    out = _multiply(yd, yd)
    _subtract(1, out, out=out)
    _multiply(gd, out, out=out)
    return [_fresh(node, 0, out)]


def _sigmoid(node: Node, grads: list) -> list | None:
    g = grads[0]
    if g is None:
        return None
    yd = _result_array(node)
    gd = g._data
    if gd.dtype != yd.dtype:
        return None
    if gd.shape != yd.shape or not yd.ndim:
        return [_fresh(node, 0, gd * (yd * (1 - yd)))]
    out = _subtract(1, yd)  # gd * (y * (1 - y)), in one new array
    _multiply(yd, out, out=out)
    _multiply(gd, out, out=out)
    return [_fresh(node, 0, out)]


def _relu(node: Node, grads: list) -> list | None:
    """``threshold_backward(g, y, 0)``: g, but 0 where y <= 0 (nan passes g), by bit masking.

    Three passes into one new array (PyTorch's values, nan, inf and -0.0 included):
    ``y <= 0`` as bytes, ``mask - 1`` cast to same-width integers (all ones where g
    passes, zeros where it does not) written into the result's memory, then AND g's bits.
    """
    g = grads[0]
    if g is None:
        return None
    yd = _result_array(node)
    gd = g._data
    width = _SAME_WIDTH_INT.get(gd.itemsize) if gd.dtype.kind == "f" else None
    if width is None or gd.shape != yd.shape:
        return [wrap(zero_where(yd <= 0, gd))]
    out = np.empty(gd.shape, gd.dtype)
    words = out.view(width)
    np.subtract(np.less_equal(yd, 0).view(np.int8), 1, out=words)
    np.bitwise_and(words, gd.view(width), out=words)
    return [_fresh(node, 0, out)]


def _exp(node: Node, grads: list) -> list | None:
    g = grads[0]
    if g is None:
        return None
    yd = _result_array(node)
    if g._data.dtype != yd.dtype:
        return None
    return [_fresh(node, 0, g._data * yd)]


_matmul = np.matmul


def _mm(node: Node, grads: list) -> list | None:
    g = grads[0]
    if g is None:
        return None
    saved = node.saved_values()
    self, mat2 = saved[0], saved[1]
    gd = g._data
    edges = node.next_functions
    out: list = [None, None]
    if edges[0][0] is not None and mat2._data.dtype != gd.dtype:
        return None
    if edges[1][0] is not None and self._data.dtype != gd.dtype:
        return None
    if edges[0][0] is not None:
        out[0] = _fresh(node, 0, _matmul(gd, mat2._data.T))
    if edges[1][0] is not None:
        out[1] = _fresh(node, 1, _matmul(self._data.T, gd))
    return out


def _addmm(node: Node, grads: list) -> list | None:
    g = grads[0]
    if g is None:
        return None
    alpha, beta, mat1, mat2 = node.saved_values()[:4]
    if alpha != 1 or beta != 1:
        return None
    gd = g._data
    edges = node.next_functions
    if edges[1][0] is not None and mat2._data.dtype != gd.dtype:
        return None
    if edges[2][0] is not None and mat1._data.dtype != gd.dtype:
        return None
    out: list = [_shared(node, 0, g) if edges[0][0] is not None else None, None, None]
    if edges[1][0] is not None:
        out[1] = _fresh(node, 1, _matmul(gd, mat2._data.T))
    if edges[2][0] is not None:
        out[2] = _fresh(node, 2, _matmul(mat1._data.T, gd))
    return out


def _softmax_operands(node: Node, grads: list) -> tuple | None:
    """(dim, gradient array, saved result array) of a (log_)softmax Node, when a kernel fits."""
    g = grads[0]
    if g is None:
        return None
    dim, y = node.saved_values()
    gd, yd = g._data, y._data
    if gd.dtype != yd.dtype or gd.dtype not in _F32_F64 or gd.shape != yd.shape or not yd.ndim:
        return None
    return dim, gd, yd


def _log_softmax(node: Node, grads: list) -> list | None:
    """``g - exp(y) * g.sum(dim, keepdim=True)``, the formula's values in one new array."""
    found = _softmax_operands(node, grads)
    if found is None:
        return None
    dim, gd, yd = found
    total = _add_reduce(gd, axis=dim, keepdims=True, dtype=gd.dtype)
    out = np.exp(yd)
    np.multiply(out, total, out=out)
    np.subtract(gd, out, out=out)
    return [_fresh(node, 0, out)]


def _softmax(node: Node, grads: list) -> list | None:
    """``y * (g - (g * y).sum(dim, keepdim=True))``, the formula's values in one new array."""
    found = _softmax_operands(node, grads)
    if found is None:
        return None
    dim, gd, yd = found
    out = gd * yd
    total = _add_reduce(out, axis=dim, keepdims=True, dtype=gd.dtype)
    np.subtract(gd, total, out=out)
    np.multiply(yd, out, out=out)
    return [_fresh(node, 0, out)]


def _t(node: Node, grads: list) -> list | None:
    g = grads[0]
    if g is None:
        return None
    return [wrap(g._data.T)]


def _sum_all(node: Node, grads: list) -> list | None:
    g = grads[0]
    if g is None:
        return None
    (shape,) = node.saved_values()
    return [wrap(np.broadcast_to(g._data, tuple(shape)))]


def _mean_all(node: Node, grads: list) -> list | None:
    g = grads[0]
    if g is None:
        return None
    shape, n = node.saved_values()
    return [wrap(np.broadcast_to(g._data, tuple(shape)) / n)]


# (Node class name, what it saves) -> kernel. Matching the saved names too keeps a kernel
# off a class that shares a name but saves other things.
def _pow_scalar(node: Node, grads: list) -> list | None:
    """PowBackward0, ``x ** e`` with a number ``e``: ``grad * (e * x ** (e - 1))``, zeros for e == 0."""
    g = grads[0]
    if g is None:
        return None
    self, exponent = node.saved_values()
    gd, x = g._data, self._data
    if type(exponent) not in (int, float) or x.dtype not in _F32_F64 or gd.dtype != x.dtype:
        return None
    if exponent == 0:
        return [_fresh(node, 0, np.zeros_like(x))]
    return [_fresh(node, 0, gd * (exponent * np.power(x, exponent - 1)))]


def _tanh_backward(node: Node, grads: list) -> list | None:
    """TanhBackwardBackward0, the Node of tanh's backward kernel (met by second derivatives)."""
    g = grads[0]
    if g is None:
        return None
    output, grad_output = node.saved_values()
    gd, yd, god = g._data, output._data, grad_output._data
    if not (gd.dtype == yd.dtype == god.dtype) or gd.dtype not in _F32_F64:
        return None
    edges = node.next_functions
    return [_fresh(node, 0, gd * (1 - yd * yd)) if edges[0][0] is not None else None,
            _fresh(node, 1, -2 * yd * god * gd) if edges[1][0] is not None else None]


def _mv(node: Node, grads: list) -> list | None:
    """MvBackward0: ``outer(grad, vec)`` for the matrix, ``self.T @ grad`` for the vector."""
    g = grads[0]
    if g is None:
        return None
    self, vec = node.saved_values()
    edges = node.next_functions
    gd = g._data
    a = self._data if edges[1][0] is not None else None
    v = vec._data if edges[0][0] is not None else None
    if gd.dtype not in _F32_F64 or (a is not None and a.dtype != gd.dtype) or (v is not None and v.dtype != gd.dtype):
        return None
    return [_fresh(node, 0, np.multiply.outer(gd, v)) if v is not None else None,
            _fresh(node, 1, a.T @ gd) if a is not None else None]


KERNELS: dict[tuple[str, tuple[str, ...]], Kernel] = {
    ("PowBackward0", ("self", "exponent")): _pow_scalar,
    ("TanhBackwardBackward0", ("output", "grad_output")): _tanh_backward,
    ("MvBackward0", ("self", "vec")): _mv,
    ("MulBackward0", ("self", "other")): _mul,
    ("AddBackward0", ("alpha",)): _add,
    ("SubBackward0", ("alpha",)): _sub,
    ("NegBackward0", ()): _neg,
    ("TanhBackward0", ("result",)): _tanh,
    ("SigmoidBackward0", ("result",)): _sigmoid,
    ("ReluBackward0", ("result",)): _relu,
    ("ExpBackward0", ("result",)): _exp,
    ("MmBackward0", ("self", "mat2", "self_sym_sizes", "self_sym_strides", "mat2_sym_sizes",
                     "mat2_sym_strides")): _mm,
    ("AddmmBackward0", ("alpha", "beta", "mat1", "mat2", "mat1_sym_sizes", "mat1_sym_strides",
                        "mat2_sym_sizes", "mat2_sym_strides")): _addmm,
    ("TBackward0", ()): _t,
    ("LogSoftmaxBackward0", ("dim", "result")): _log_softmax,
    ("SoftmaxBackward0", ("dim", "result")): _softmax,
    ("AccumulateGrad", ()): _accumulate_grad,
    ("SumBackward0", ("self_sym_sizes",)): _sum_all,
    ("MeanBackward0", ("self_sym_sizes", "self_sym_numel")): _mean_all,
}


def install() -> list[type[Node]]:
    """Give each Node class that has a kernel its ``_fast`` attribute; the classes fitted."""
    fitted = []
    stack = list(Node.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        kernel = KERNELS.get((cls.__name__, getattr(cls, "_saved_names", None)))
        if kernel is not None:
            cls._fast = staticmethod(kernel)
            fitted.append(cls)
    return fitted
