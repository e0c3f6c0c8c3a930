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
import sys
from collections.abc import Sequence
from threading import active_count as _active_count
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import _logs
from . import anomaly_mode
from ._late import late
from .grad_mode import _state
from .graph import FREED_MESSAGE, AccumulateGrad, Node, run_tensor_hooks

#: Node -> the backward call running it now (see ``run_backward``, without retain_graph).
_claims: dict[Node, Any] = {}

if TYPE_CHECKING:
    from .._tensor import Tensor


def _edge_of(t: Tensor) -> tuple[Node, int]:
    if t._grad_fn is not None:
        return t._grad_fn, t._out_nr
    return late.grad_accumulator(t), 0


def _all_none(grads: list) -> bool:
    for g in grads:
        if g is not None:
            return False
    return True


def _dependencies(roots: Sequence[Node]) -> dict[Node, int]:
    """Count the edges into each Node reachable from ``roots`` (an explicit-stack walk)."""
    deps: dict[Node, int] = {}
    top = set(roots)  # walked from the start; every other Node when first counted
    stack = list(top)
    pop, push, get = stack.pop, stack.append, deps.get
    while stack:
        for child, _ in pop().next_functions:
            if child is not None:
                n = get(child)
                if n is None:
                    deps[child] = 1
                    if child not in top:
                        push(child)
                else:
                    deps[child] = n + 1
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


_add = np.add
_getrefcount = sys.getrefcount


def _summable_in_place(old: Tensor, grad: Tensor) -> bool:
    """Whether ``old``, a gradient in an engine buffer, may take ``+= grad`` in place.

    Only when nothing but the buffer can see it: no other reference to the Tensor (the
    buffer's, the caller's and the argument's are all there are; a gradient also given
    to another Node, or kept by a hook, has more) nor to its array (a view of it, another
    Tensor on it, or a saved tensor), and the array is its own, writeable and contiguous.
    """
    data = old._data
    return (
        _getrefcount(old) <= 4  # the buffer list, the caller's ``old``, this argument, getrefcount's
        and data.base is None
        and _getrefcount(data) <= 3  # old._data, ``data`` here, getrefcount's argument
        and data.flags.writeable
        and data.flags.c_contiguous
        and data.shape == grad._data.shape
        and data.dtype == grad._data.dtype
        and not data.flags.writebackifcopy
    )


def _validate(node: Node, index: int, grad: Tensor, meta: Any) -> Tensor:
    """Shape and dtype bookkeeping for one gradient, in one place for all formulas."""
    shape, dtype = meta
    data = grad._data
    if data.shape != shape:
        try:
            grad = late.sum_to_size(grad, shape)
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


class Plan:
    """What a backward pass over given roots and targets needs to know before it runs.

    The graph below a Node never changes once the Node exists (its ``next_functions``
    are fixed; in-place ops make new Nodes), so a plan stays valid for as long as its
    Nodes live: ``jacobian`` makes one and runs every row's backward pass with it.
    """

    __slots__ = ("root_edges", "captures", "needed", "deps")

    def __init__(self, root_edges: list, captures: dict, needed: set | None, deps: dict) -> None:
        self.root_edges = root_edges
        self.captures = captures
        self.needed = needed
        self.deps = deps


def make_plan(tensors: Sequence[Tensor], inputs: Sequence[Tensor] | None, accumulate: bool) -> Plan:
    """The edges of the roots, the Nodes to capture gradients at, those needed, dependency counts."""
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
    return Plan(root_edges, captures, needed, _dependencies(roots))


def run_backward(
    tensors: Sequence[Tensor],
    grad_tensors: Sequence[Tensor],
    retain_graph: bool,
    create_graph: bool,
    inputs: Sequence[Tensor] | None = None,
    accumulate: bool = True,
    plan: Plan | None = None,
) -> list[Tensor | None]:
    """Backpropagate ``grad_tensors`` from ``tensors``.

    With ``accumulate`` (``backward``), gradients land in the ``.grad`` of leaves (only
    those in ``inputs`` when given, and non-leaf ``inputs`` too). Without it
    (``autograd.grad``), nothing is accumulated and the gradients of ``inputs`` are
    returned, None where no path leads to an input. ``plan`` (from ``make_plan`` with the
    same tensors, inputs and accumulate) skips the walks that count dependencies, for a
    caller that backpropagates through one retained graph many times (a Jacobian's rows).
    """
    if plan is None:
        plan = make_plan(tensors, inputs, accumulate)
        deps = plan.deps
    else:
        deps = plan.deps.copy()  # counted down as the walk runs; the plan stays reusable
    root_edges, captures, needed = plan.root_edges, plan.captures, plan.needed
    captured: list[Tensor | None] = [None] * (len(inputs) if inputs is not None else 0)
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
    undo, commit_undo_log = late.undo, late.commit_undo_log
    undo_token = late.begin_undo_log()
    # Without retain_graph, a Node that saved tensors is claimed (an atomic dict.setdefault)
    # while it runs, until it has freed them: threads that backward through one graph at
    # once run its Nodes in the same order, so all but one raise "backward through the
    # graph a second time" at the first Node they share, instead of running a Node twice.
    claimed: Node | None = None
    # With one thread alive no other backward call can be running (claims are for threads).
    threaded = _active_count() > 1
    # A chain's next Node is often the only one ready: it is run next without the heap.
    nxt: Node | None = None
    try:
        while True:
            if nxt is not None:
                node, nxt = nxt, None
            elif ready:
                node = heappop(ready)[2]
            else:
                break
            grads = buffers.pop(node)
            if captures and node in captures:
                for slot, k in captures[node]:
                    captured[k] = grads[slot]
                if accumulate:
                    _accumulate_non_leaf(captures[node], inputs, grads)
            if needed is not None and (node not in needed or (not accumulate and isinstance(node, AccumulateGrad))):
                outputs: tuple | list = ()
            elif grads[0] is None if len(grads) == 1 else _all_none(grads):
                outputs = ()  # (not list.count(None): that calls Tensor.__eq__ on each)
            else:
                frees = not retain_graph and node._versions is not None
                if frees and threaded:
                    if _claims.setdefault(node, undo_token) is not undo_token:
                        raise RuntimeError(FREED_MESSAGE)
                    claimed = node
                if slow_path or node._thooks is not None or node._pre_hooks is not None or node._hooks is not None:
                    outputs = _call_node(node, grads)
                else:
                    fast = node._fast if fast_ok else None
                    if fast is None or (outputs := fast(node, grads)) is None:  # type: ignore[assignment]
                        outputs = node.apply(grads)
                if frees:
                    node.release_variables()
                    if claimed is not None:
                        del _claims[node]
                        claimed = None
            n_out = len(outputs)
            metas = node._meta
            i = -1
            for child, slot in node.next_functions:
                i += 1
                if child is None:
                    continue
                grad: Tensor | None = outputs[i] if i < n_out else None
                if grad is not None:
                    meta = metas[i]
                    if meta is not None:
                        data = grad._data
                        if data.shape != meta[0] or data.dtype != meta[1]:
                            grad = _validate(node, i, grad, meta)
                    buf = buffers.get(child)
                    if buf is None:
                        if child.n_outputs == 1:
                            buffers[child] = [grad]
                        else:
                            buf = buffers[child] = [None] * child.n_outputs
                            buf[slot] = grad
                    else:
                        old = buf[slot]
                        if old is None:
                            buf[slot] = grad
                        elif fast_ok and _summable_in_place(old, grad):
                            _add(old._data, grad._data, out=old._data)
                        else:
                            buf[slot] = old + grad
                left = deps[child] - 1
                deps[child] = left
                if left == 0:
                    if child not in buffers:
                        buffers[child] = [None] * child.n_outputs
                    if nxt is None and not ready:
                        nxt = child
                    else:
                        if nxt is not None:
                            heappush(ready, (-nxt._seq, tie, nxt))
                            tie += 1
                            nxt = None
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
    accumulate_into_leaf = late.accumulate_into_leaf
    assert inputs is not None
    for slot, k in slots:
        if grads[slot] is not None:
            accumulate_into_leaf(inputs[k], grads[slot], may_steal=False)
