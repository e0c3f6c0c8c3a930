"""The backward pass: an iterative, dependency-counted walk of the graph.

1. From the roots, walk ``next_functions`` with an explicit stack and count, for each
   reachable Node, how many edges lead into it.
2. With ``inputs`` given (``autograd.grad`` or ``backward(inputs=...)``), keep only the
   Nodes from which a target is reachable, as PyTorch's ``exec_info`` does.
3. Run ready Nodes (all consumers delivered) from a heap, the latest-created first,
   as PyTorch's ready queue does. Gradients for a Node are summed in its buffer; a
   Node's buffer is dropped once it has run, and its saved values are released unless
   ``retain_graph``.

No step recurses, so a graph of a million Nodes needs no recursion limit.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .. import _logs
from . import anomaly_mode
from .grad_mode import _state
from .graph import FREED_MESSAGE, AccumulateGrad, Node, run_tensor_hooks

#: Node -> the backward call running it now (see ``run_backward``, without retain_graph).
_claims: dict[Node, Any] = {}

if TYPE_CHECKING:
    from .._tensor import Tensor


def _edge_of(t: Tensor) -> tuple[Node, int]:
    if t._grad_fn is not None:
        return t._grad_fn, t._out_nr
    from ..ops._accumulate import grad_accumulator

    return grad_accumulator(t), 0


def _all_none(grads: list) -> bool:
    for g in grads:
        if g is not None:
            return False
    return True


def _dependencies(roots: Sequence[Node]) -> dict[Node, int]:
    """Count the edges into each Node reachable from ``roots`` (an explicit-stack walk)."""
    deps: dict[Node, int] = {}
    seen = set(roots)
    stack = list(seen)
    while stack:
        node = stack.pop()
        for child, _ in node.next_functions:
            if child is None:
                continue
            deps[child] = deps.get(child, 0) + 1
            if child not in seen:
                seen.add(child)
                stack.append(child)
    return deps


def _needed(roots: Sequence[Node], targets: set[Node]) -> set[Node]:
    """The Nodes from which some target can be reached (post-order, explicit stack)."""
    needed: set[Node] = set()
    done: set[Node] = set()
    for root in roots:
        if root in done:
            continue
        stack: list[tuple[Node, int]] = [(root, 0)]
        while stack:
            node, i = stack.pop()
            edges = node.next_functions
            while i < len(edges):
                child = edges[i][0]
                i += 1
                if child is not None and child not in done:
                    stack.append((node, i))
                    stack.append((child, 0))
                    break
            else:
                done.add(node)
                if node in targets or any(c in needed for c, _ in edges if c is not None):
                    needed.add(node)
    return needed


def _validate(node: Node, index: int, grad: Tensor, meta: Any) -> Tensor:
    """Shape and dtype bookkeeping for one gradient, in one place for all formulas."""
    shape, dtype = meta
    data = grad._data
    if data.shape != shape:
        from ..ops.shape import sum_to_size

        try:
            grad = sum_to_size(grad, shape)
        except RuntimeError:
            raise RuntimeError(
                f"Function {node.name()} returned an invalid gradient at index {index} - got "
                f"{list(data.shape)} but expected shape compatible with {list(shape)}"
            ) from None
    if grad._data.dtype != dtype:
        grad = grad.to(grad._dtype_of(dtype))
    return grad


def _call_node(node: Node, grads: list) -> tuple:
    logged = _logs.node_started(grads) if _logs.autograd else None
    hooks = node._tensor_pre_hooks()
    if hooks:
        for slot, fns in hooks:
            grads[slot] = run_tensor_hooks(fns, grads[slot])
    if node._pre_hooks:
        for fn in list(node._pre_hooks.values()):
            new = fn(tuple(grads))
            if new is not None:
                grads = list(new)
    if anomaly_mode._state.enabled:
        outputs = anomaly_mode.run_checked(node, grads)
    else:
        outputs = node.apply(grads)
    if node._hooks:
        for fn in list(node._hooks.values()):
            new = fn(outputs, tuple(grads))
            if new is not None:
                outputs = tuple(new)
    if logged is not None:
        _logs.node_finished(node, logged, outputs)
    return outputs


def run_backward(
    tensors: Sequence[Tensor],
    grad_tensors: Sequence[Tensor],
    retain_graph: bool,
    create_graph: bool,
    inputs: Sequence[Tensor] | None = None,
    accumulate: bool = True,
) -> list[Tensor | None]:
    """Backpropagate ``grad_tensors`` from ``tensors``.

    With ``accumulate`` (``backward``), gradients land in the ``.grad`` of leaves (only
    those in ``inputs`` when given, and non-leaf ``inputs`` too). Without it
    (``autograd.grad``), nothing is accumulated and the gradients of ``inputs`` are
    returned, None where no path leads to an input.
    """
    root_edges = [_edge_of(t) for t in tensors]
    roots = [node for node, _ in root_edges]

    captures: dict[Node, list[tuple[int, int]]] = {}
    needed: set[Node] | None = None
    if inputs is not None:
        targets: set[Node] = set()
        for k, t in enumerate(inputs):
            node, slot = _edge_of(t)
            targets.add(node)
            if not accumulate or not isinstance(node, AccumulateGrad):
                captures.setdefault(node, []).append((slot, k))
        needed = _needed(roots, targets)
    captured: list[Tensor | None] = [None] * (len(inputs) if inputs is not None else 0)

    deps = _dependencies(roots)
    buffers: dict[Node, list] = {}
    for (node, slot), root_grad in zip(root_edges, grad_tensors, strict=True):
        buf = buffers.get(node)
        if buf is None:
            buf = buffers[node] = [None] * node.n_outputs
        buf[slot] = root_grad if buf[slot] is None else buf[slot] + root_grad

    ready: list[tuple[int, int, Node]] = []
    tie = 0
    for node in buffers:
        if deps.get(node, 0) == 0:
            heapq.heappush(ready, (-node._seq, tie, node))
            tie += 1

    prev_mode = _state.enabled
    _state.enabled = create_graph
    anomaly = anomaly_mode._state.enabled
    fast_ok = not create_graph  # array-level kernels (ops/_fast.py) where nothing records
    slow_path = anomaly or _logs.autograd  # Nodes go through _call_node (anomaly checks, autograd logs)
    heappop, heappush = heapq.heappop, heapq.heappush
    # All or nothing: every change to a .grad is logged, and undone if anything below
    # raises (KeyboardInterrupt included), so a failed backward leaves no leaf half-done.
    from ..ops._accumulate import begin_undo_log, commit_undo_log, undo

    undo_token = begin_undo_log()
    # Without retain_graph, a Node that saved tensors is claimed (an atomic dict.setdefault)
    # while it runs, until it has freed them: threads that backward through one graph at
    # once run its Nodes in the same order, so all but one raise "backward through the
    # graph a second time" at the first Node they share, instead of running a Node twice.
    claimed: Node | None = None
    try:
        while ready:
            node = heappop(ready)[2]
            grads = buffers.pop(node)
            if captures and node in captures:
                for slot, k in captures[node]:
                    captured[k] = grads[slot]
                if accumulate:
                    _accumulate_non_leaf(captures[node], inputs, grads)
            if needed is not None and (node not in needed or (not accumulate and isinstance(node, AccumulateGrad))):
                outputs: tuple | list = ()
            elif _all_none(grads):   # (not list.count(None): that calls Tensor.__eq__ on each)
                outputs = ()
            else:
                if not retain_graph and node._versions is not None:
                    if _claims.setdefault(node, undo_token) is not undo_token:
                        raise RuntimeError(FREED_MESSAGE)
                    claimed = node
                if slow_path or node._thooks is not None or node._pre_hooks is not None or node._hooks is not None:
                    outputs = _call_node(node, grads)
                else:
                    fast = node._fast if fast_ok else None
                    if fast is None or (outputs := fast(node, grads)) is None:  # type: ignore[assignment]
                        outputs = node.apply(grads)
                if not retain_graph and node._versions is not None:
                    node.release_variables()
                    if claimed is not None:
                        del _claims[claimed]
                        claimed = None
            for i, (child, slot) in enumerate(node.next_functions):
                if child is None:
                    continue
                grad: Tensor | None = outputs[i] if i < len(outputs) else None
                if grad is not None:
                    meta = node._meta[i]
                    if meta is not None and (grad._data.shape != meta[0] or grad._data.dtype != meta[1]):
                        grad = _validate(node, i, grad, meta)
                    buf = buffers.get(child)
                    if buf is None:
                        buf = buffers[child] = [None] * child.n_outputs
                    old = buf[slot]
                    buf[slot] = grad if old is None else old + grad
                left = deps[child] - 1
                deps[child] = left
                if left == 0:
                    if child not in buffers:
                        buffers[child] = [None] * child.n_outputs
                    heappush(ready, (-child._seq, tie, child))
                    tie += 1
    except BaseException:
        if undo_token is not None:
            undo(undo_token)
            undo_token = None
        raise
    finally:
        _state.enabled = prev_mode
        if claimed is not None:
            _claims.pop(claimed, None)
    if undo_token is not None:
        commit_undo_log(undo_token)
    return captured


def _accumulate_non_leaf(slots: list[tuple[int, int]], inputs: Sequence[Tensor] | None, grads: list) -> None:
    """backward(inputs=[non_leaf]) accumulates into that tensor's ``.grad``, as PyTorch does."""
    from ..ops._accumulate import accumulate_into_leaf

    assert inputs is not None
    for slot, k in slots:
        if grads[slot] is not None:
            accumulate_into_leaf(inputs[k], grads[slot], may_steal=False)
