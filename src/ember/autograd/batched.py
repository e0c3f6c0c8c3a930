"""``autograd.grad(..., is_grads_batched=True)`` in one backward pass.

PyTorch runs the backward pass under vmap. ember has no vmap; instead every gradient of
this pass carries the batch as its first dimension, and each Node runs in one of three
ways:

* elementwise Nodes, whose formulas broadcast the gradient against saved tensors from
  the right (``grad * other``, ``tanh_backward(grad, result)``), run as they are: the
  batch dimension rides along in front;
* Nodes with a *batching rule* here (the matmul family, views, sums and means) run
  the rule, which places the batch dimension where the Node's own formula cannot;
* every other Node runs once per batch element and its results are stacked, which is
  what the loop of backward passes computed, one Node at a time.

Where a gradient reaches an edge it is brought to ``(batch, *shape of the input)``: sums
over broadcast dimensions keep the batch dimension, and a gradient that does not
depend on the batch (a Node that returns zeros) is expanded. Everything is done with
ember ops, so ``create_graph=True`` records as usual. A graph with hooks, or a pass in
anomaly mode, takes the loop (``None`` from :func:`run_batched`), so hooks see the
gradients they would see without batching.

>>> import ember
>>> x = ember.tensor([1.0, 2.0], requires_grad=True)
>>> y = x * x
>>> ember.autograd.grad(y, x, ember.eye(2), is_grads_batched=True)
(tensor([[2., 0.],
        [0., 4.]]),)
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from . import anomaly_mode
from .engine import _dependencies, _edge_of, _needed
from .grad_mode import _state
from .graph import AccumulateGrad, Node

if TYPE_CHECKING:
    from .._tensor import Tensor

# Nodes whose formulas are elementwise in the gradient: correct with a leading batch dim.
# (A class missing here only costs speed: it runs once per batch element.)
_ELEMENTWISE = frozenset("""
AbsBackward0 AcosBackward0 AcoshBackward0 AddBackward0 AddBackward1 AddcdivBackward0 AddcmulBackward0
AsinBackward0 AsinhBackward0 AtanBackward0 Atan2Backward0 AtanhBackward0 CeilBackward0 ClampBackward0
ClampBackward1 ClampMaxBackward0 ClampMinBackward0 CosBackward0 CoshBackward0 DivBackward0 DivBackward1
EluBackward0 ErfBackward0 ErfcBackward0 ExpBackward0 Exp2Backward0 Expm1Backward0 FloorBackward0
GeluBackward0 HardtanhBackward0 HypotBackward0 LeakyReluBackward0 LerpBackward0 LerpBackward1 LogBackward0
Log10Backward0 Log1pBackward0 Log2Backward0 LogSigmoidBackward0 MaximumBackward0 MinimumBackward0
MulBackward0 MulBackward1 NegBackward0 PowBackward0 PowBackward1 PowBackward2 ReciprocalBackward0
ReluBackward0 RoundBackward0 RsqrtBackward0 RsubBackward0 RsubBackward1 SigmoidBackward0
SigmoidBackwardBackward0 SignBackward0 SiluBackward0 SinBackward0 SinhBackward0 SoftplusBackward0
SqrtBackward0 SubBackward0 SubBackward1 TanBackward0 TanhBackward0 TanhBackwardBackward0
ThresholdBackward0 ThresholdBackwardBackward0 TruncBackward0 WhereBackward0 XlogyBackward0
""".split())


# -- batching rules: (node, batched grads, batch size) -> gradients of the inputs -------------
def _in_shape(node: Node, i: int = 0) -> tuple[int, ...]:
    return node._meta[i][0]


def _reshaped(node: Node, grads: list, n: int) -> list:
    """Views that only rearrange the dims' sizes: the gradient is reshaped back."""
    from ..ops.shape import reshape

    return [reshape(grads[0], (n, *_in_shape(node)))]


def _summed(node: Node, grads: list, n: int) -> list:
    """sum/mean: the gradient, with the reduced dims put back as 1s, expanded to the input."""
    from ..ops.shape import expand, reshape

    shape = _in_shape(node)
    dims = _reduced_dims(node, len(shape))
    kept = tuple(1 if d in dims else s for d, s in enumerate(shape))
    g = expand(reshape(grads[0], (n, *kept)), (n, *shape))
    if type(node).__name__.startswith("Mean"):
        g = g / (math.prod(shape) // max(math.prod(kept), 1) or 1)
    return [g]


def _reduced_dims(node: Node, ndim: int) -> set[int]:
    names = type(node)._saved_names
    if "dim" not in names or not ndim:
        return set(range(ndim))
    dim = node._saved[names.index("dim")]
    if dim is None:
        return set(range(ndim))
    dims = (dim,) if isinstance(dim, int) else tuple(dim)
    if not dims:
        return set(range(ndim))
    return {d % ndim for d in dims}


def _transposed(node: Node, grads: list, n: int) -> list:
    from ..ops.shape import transpose

    ndim = len(_in_shape(node))
    names = type(node)._saved_names
    d0, d1 = (node._saved[names.index(k)] for k in ("dim0", "dim1")) if names else (0, 1)
    if ndim < 2:
        return [grads[0]]
    return [transpose(grads[0], d0 % ndim + 1, d1 % ndim + 1)]


def _permuted(node: Node, grads: list, n: int) -> list:
    from ..ops.shape import permute

    dims = node._saved[type(node)._saved_names.index("dims")]
    ndim = len(dims)
    inverse = [0] * ndim
    for i, d in enumerate(dims):
        inverse[d % ndim] = i
    return [permute(grads[0], 0, *(i + 1 for i in inverse))]


def _expanded(node: Node, grads: list, n: int) -> list:
    return [grads[0]]  # summed back to the input's shape, batch kept, where it reaches the edge


def _saved(node: Node) -> Any:
    return node.saved_values()


def _mm(node: Node, grads: list, n: int) -> list:
    from ..ops.linalg import matmul
    from ..ops.shape import transpose

    self, mat2 = _saved(node)[:2]
    g = grads[0]
    return [None if node.next_functions[0][0] is None else matmul(g, transpose(mat2, 0, 1)),
            None if node.next_functions[1][0] is None else matmul(transpose(self, 0, 1), g)]


def _mv(node: Node, grads: list, n: int) -> list:
    from ..ops.linalg import matmul
    from ..ops.shape import unsqueeze

    self, vec = _saved(node)
    g = grads[0]
    return [None if node.next_functions[0][0] is None else unsqueeze(g, -1) * vec,
            None if node.next_functions[1][0] is None else matmul(g, self)]


def _dot(node: Node, grads: list, n: int) -> list:
    from ..ops.shape import unsqueeze

    self, other = _saved(node)
    g = unsqueeze(grads[0], -1)
    return [None if node.next_functions[0][0] is None else g * other,
            None if node.next_functions[1][0] is None else g * self]


_RULES: dict[str, Callable[[Node, list, int], list]] = {
    "ViewBackward0": _reshaped, "UnsafeViewBackward0": _reshaped, "ReshapeAliasBackward0": _reshaped,
    "SqueezeBackward0": _reshaped, "SqueezeBackward1": _reshaped, "SqueezeBackward2": _reshaped,
    "SqueezeBackward4": _reshaped, "UnsqueezeBackward0": _reshaped,
    "SumBackward0": _summed, "SumBackward1": _summed, "MeanBackward0": _summed, "MeanBackward1": _summed,
    "TBackward0": _transposed, "TransposeBackward0": _transposed, "PermuteBackward0": _permuted,
    "ExpandBackward0": _expanded, "MmBackward0": _mm, "MvBackward0": _mv, "DotBackward0": _dot,
}


def _per_element(node: Node, grads: list, n: int) -> list:
    """Any other Node: its formulas once per batch element, the results stacked."""
    from ..ops.shape import select, stack

    per = [node.apply([None if g is None else select(g, 0, b) for g in grads]) for b in range(n)]
    out: list = []
    for k in range(len(node.next_functions)):
        column = [p[k] if k < len(p) else None for p in per]
        if all(c is None for c in column):
            out.append(None)
        else:
            out.append(stack([_zeros_for(node, k) if c is None else c for c in column]))
    return out


def _zeros_for(node: Node, k: int) -> Tensor:
    import numpy as np

    from .._tensor import Tensor

    shape, dtype = node._meta[k]
    return Tensor._make(np.zeros(shape, dtype), None)


def _to_edge(node: Node, i: int, grad: Tensor, n: int) -> Tensor:
    """``grad`` as ``(n, *shape)`` of input ``i``: broadcast dims summed, a batch-free gradient expanded."""
    from ..ops.reduction import sum as sum_
    from ..ops.shape import expand, sum_to_size

    shape, dtype = node._meta[i]
    have = grad._data.shape
    if have != (n, *shape):
        if len(have) <= len(shape):  # no batch dim: a gradient that does not depend on the batch
            grad = expand(sum_to_size(grad, shape), (n, *shape))
        else:
            grad = _sum_to_batched(node, i, grad, (n, *shape), sum_)
    if grad._data.dtype != dtype:
        grad = grad.to(grad._dtype_of(dtype))
    return grad


def _sum_to_batched(node: Node, i: int, grad: Tensor, target: tuple[int, ...], sum_: Any) -> Tensor:
    have = grad._data.shape
    rest, want = have[1:], target[1:]
    lead = len(rest) - len(want)
    if lead < 0 or have[0] != target[0]:
        raise RuntimeError(
            f"Function {node.name()} returned an invalid gradient at index {i} - got {list(have[1:])} but "
            f"expected shape compatible with {list(want)}"
        )
    if lead:
        grad = sum_(grad, tuple(range(1, 1 + lead)))
    dims = tuple(1 + d for d, (h, w) in enumerate(zip(rest[lead:], want, strict=True)) if w == 1 and h != 1)
    if dims:
        grad = sum_(grad, dims, keepdim=True)
    if grad._data.shape != target:
        raise RuntimeError(
            f"Function {node.name()} returned an invalid gradient at index {i} - got {list(have[1:])} but "
            f"expected shape compatible with {list(want)}"
        )
    return grad


def run_batched(outputs: Sequence[Tensor], grad_outputs: Sequence[Tensor], inputs: Sequence[Tensor],
                retain_graph: bool, create_graph: bool) -> list[Tensor | None] | None:
    """Gradients of ``inputs``, each ``(n, *input.shape)``; None where hooks or anomaly mode need the loop."""
    if anomaly_mode._state.enabled:
        return None
    n = grad_outputs[0]._data.shape[0]
    root_edges = [_edge_of(t) for t in outputs]
    roots = [node for node, _ in root_edges]
    captures: dict[Node, list[tuple[int, int]]] = {}
    targets: set[Node] = set()
    for k, t in enumerate(inputs):
        node, slot = _edge_of(t)
        targets.add(node)
        captures.setdefault(node, []).append((slot, k))
    needed = _needed(roots, targets)
    deps = _dependencies(roots)
    for node in needed:
        if node._thooks or node._pre_hooks or node._hooks:
            return None
    captured: list[Tensor | None] = [None] * len(inputs)

    buffers: dict[Node, list] = {}
    for (node, slot), g in zip(root_edges, grad_outputs, strict=True):
        buf = buffers.setdefault(node, [None] * node.n_outputs)
        buf[slot] = g if buf[slot] is None else buf[slot] + g
    ready: list[tuple[int, int, Node]] = []
    tie = 0
    for node in buffers:
        if deps.get(node, 0) == 0:
            heapq.heappush(ready, (-node._seq, tie, node))
            tie += 1

    prev = _state.enabled
    _state.enabled = create_graph
    try:
        while ready:
            node = heapq.heappop(ready)[2]
            grads = buffers.pop(node)
            if node in captures:
                for slot, k in captures[node]:
                    captured[k] = grads[slot]
            outputs_: Sequence[Any] = ()
            if node in needed and not isinstance(node, AccumulateGrad) and any(g is not None for g in grads):
                outputs_ = _apply_node(node, grads, n)
                if not retain_graph and node._versions is not None:
                    node.release_variables()
            for i, (child, slot) in enumerate(node.next_functions):
                if child is None:
                    continue
                g = outputs_[i] if i < len(outputs_) else None
                if g is not None:
                    g = _to_edge(node, i, g, n)
                    buf = buffers.setdefault(child, [None] * child.n_outputs)
                    buf[slot] = g if buf[slot] is None else buf[slot] + g
                deps[child] -= 1
                if deps[child] == 0:
                    buffers.setdefault(child, [None] * child.n_outputs)
                    heapq.heappush(ready, (-child._seq, tie, child))
                    tie += 1
    finally:
        _state.enabled = prev
    return captured


def _apply_node(node: Node, grads: list, n: int) -> Sequence[Any]:
    name = type(node).__name__
    if name in _ELEMENTWISE:
        return node.apply(grads)
    rule = _RULES.get(name)
    if rule is not None:
        return rule(node, grads, n)
    return _per_element(node, grads, n)
