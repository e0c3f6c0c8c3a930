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
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .._tensor import Tensor
from ..autograd.graph import Node
from ._op import wrap
from .pointwise import zero_where

Kernel = Callable[[Node, list], "list | None"]


def _same_dtype(g: np.ndarray, x: Any) -> bool:
    return type(x) is not Tensor or x._data.dtype == g.dtype


def _operand(x: Any) -> Any:
    return x._data if type(x) is Tensor else x


def _scalar_ok(x: Any) -> bool:
    return type(x) is Tensor or type(x) in (int, float)


def _mul(node: Node, grads: list) -> list | None:
    g = grads[0]
    if g is None:
        return None
    self, other = node.saved_values()
    gd = g._data
    edges = node.next_functions
    if not (_same_dtype(gd, self) and _same_dtype(gd, other)):
        return None
    out: list = [None, None]
    if edges[0][0] is not None:
        if not _scalar_ok(other):
            return None
        out[0] = wrap(gd * _operand(other))
    if len(edges) > 1 and edges[1][0] is not None:
        if not _scalar_ok(self):
            return None
        out[1] = wrap(gd * _operand(self))
    return out


def _add(node: Node, grads: list) -> list | None:
    g = grads[0]
    (alpha,) = node.saved_values()
    if g is None or alpha != 1:
        return None
    return [g if e[0] is not None else None for e in node.next_functions]


def _sub(node: Node, grads: list) -> list | None:
    g = grads[0]
    (alpha,) = node.saved_values()
    if g is None or alpha != 1:
        return None
    edges = node.next_functions
    return [g if edges[0][0] is not None else None,
            wrap(np.negative(g._data)) if len(edges) > 1 and edges[1][0] is not None else None]


def _neg(node: Node, grads: list) -> list | None:
    g = grads[0]
    if g is None:
        return None
    return [wrap(np.negative(g._data))]


def _tanh(node: Node, grads: list) -> list | None:
    g = grads[0]
    if g is None:
        return None
    (y,) = node.saved_values()
    gd, yd = g._data, y._data
    if gd.dtype != yd.dtype:
        return None
    return [wrap(gd * (1 - yd * yd))]


def _sigmoid(node: Node, grads: list) -> list | None:
    g = grads[0]
    if g is None:
        return None
    (y,) = node.saved_values()
    gd, yd = g._data, y._data
    if gd.dtype != yd.dtype:
        return None
    return [wrap(gd * (yd * (1 - yd)))]


def _relu(node: Node, grads: list) -> list | None:
    g = grads[0]
    if g is None:
        return None
    (y,) = node.saved_values()
    return [wrap(zero_where(y._data <= 0, g._data))]


def _exp(node: Node, grads: list) -> list | None:
    g = grads[0]
    if g is None:
        return None
    (y,) = node.saved_values()
    if g._data.dtype != y._data.dtype:
        return None
    return [wrap(g._data * y._data)]


def _mm(node: Node, grads: list) -> list | None:
    g = grads[0]
    if g is None:
        return None
    saved = node.saved_values()
    self, mat2 = saved[0], saved[1]
    gd = g._data
    edges = node.next_functions
    out: list = [None, None]
    if edges[0][0] is not None:
        if mat2._data.dtype != gd.dtype:
            return None
        out[0] = wrap(gd @ mat2._data.T)
    if edges[1][0] is not None:
        if self._data.dtype != gd.dtype:
            return None
        out[1] = wrap(self._data.T @ gd)
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
    out: list = [g if edges[0][0] is not None else None, None, None]
    if edges[1][0] is not None:
        if mat2._data.dtype != gd.dtype:
            return None
        out[1] = wrap(gd @ mat2._data.T)
    if edges[2][0] is not None:
        if mat1._data.dtype != gd.dtype:
            return None
        out[2] = wrap(mat1._data.T @ gd)
    return out


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
KERNELS: dict[tuple[str, tuple[str, ...]], Kernel] = {
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
