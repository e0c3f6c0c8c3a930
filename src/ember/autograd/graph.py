"""The autograd graph: Node (what ``grad_fn`` is), AccumulateGrad and saved tensors.

A Node is made by an op when it records: it holds ``next_functions`` (one edge per
differentiable input: the input's Node and which of its outputs the input was), the
values its derivative formulas need, and hooks. It never holds its own output Tensor:
an output it saves is kept as (array, version counter, version) and re-wrapped on use,
so the graph has no reference cycles and is freed by reference counting alone.
"""

from __future__ import annotations

import itertools
import linecache
import os
import sys
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .._tensor import Tensor

__all__ = [
    "Node", "AccumulateGrad", "RemovableHandle", "saved_tensors_hooks", "save_on_cpu", "disable_saved_tensors_hooks",
]

#: Creation order of Nodes; the engine runs later Nodes first among the ready ones.
_sequence = itertools.count()
next_sequence_nr = _sequence.__next__

FREED_MESSAGE = (
    "Trying to backward through the graph a second time (or directly access saved "
    "tensors after they have already been freed). Saved intermediate values of the graph "
    "are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if "
    "you need to backward through the graph a second time or if you need to access saved "
    "tensors after calling backward."
)


#: What a released saved tensor is replaced with.
_FREED = object()
_ALL_FREED = [(_FREED,) * n for n in range(8)]


class RemovableHandle:
    """Returned by ``register_*hook``; ``remove()`` unregisters the hook."""

    __slots__ = ("_hooks_ref", "id")
    _next_id = itertools.count()

    def __init__(self, hooks: dict) -> None:
        self._hooks_ref = weakref.ref(hooks) if hasattr(hooks, "__weakref__") else (lambda: hooks)
        self.id = next(RemovableHandle._next_id)

    def remove(self) -> None:
        hooks = self._hooks_ref()
        if hooks is not None and self.id in hooks:
            del hooks[self.id]

    def __enter__(self) -> RemovableHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.remove()


class _HookDict(OrderedDict):
    """An ordered dict of hooks that a handle can refer to weakly."""


class SavedOutput:
    """An op's own output, saved without a reference to the output Tensor (no cycle)."""

    __slots__ = ("data", "vc", "version", "out_nr")

    def __init__(self, tensor: Tensor, out_nr: int = 0) -> None:
        self.data = tensor._data
        self.vc = tensor._vc
        self.version = tensor._vc[0]
        self.out_nr = out_nr


class PackedSaved:
    """A saved tensor that went through a ``saved_tensors_hooks`` pack hook."""

    __slots__ = ("packed", "unpack_hook")

    def __init__(self, packed: Any, unpack_hook: Callable[[Any], Any]) -> None:
        self.packed = packed
        self.unpack_hook = unpack_hook


class _SavedHooksState(threading.local):
    def __init__(self) -> None:
        self.stack: list[tuple[Callable[..., Any], Callable[..., Any]]] = []
        self.disabled: str | None = None


_saved_hooks = _SavedHooksState()


class saved_tensors_hooks:  # noqa: N801 - PyTorch's name
    """Pack every tensor saved for backward inside the block with ``pack_hook(tensor)``, and
    unpack it with ``unpack_hook(packed)`` when backward needs it (which must return a tensor).

    >>> import ember
    >>> seen = []
    >>> x = ember.ones(2, requires_grad=True)
    >>> with ember.autograd.graph.saved_tensors_hooks(lambda t: (seen.append("pack"), t)[1],
    ...                                             lambda t: (seen.append("unpack"), t)[1]):
    ...     y = x * x
    >>> y.sum().backward(); seen
    ['pack', 'pack', 'unpack', 'unpack']
    """

    def __init__(self, pack_hook: Callable[[Any], Any], unpack_hook: Callable[[Any], Any]) -> None:
        self.pack_hook = pack_hook
        self.unpack_hook = unpack_hook

    def __enter__(self) -> saved_tensors_hooks:
        if _saved_hooks.disabled is not None:
            raise RuntimeError(_saved_hooks.disabled)
        _saved_hooks.stack.append((self.pack_hook, self.unpack_hook))
        return self

    def __exit__(self, *exc: object) -> None:
        _saved_hooks.stack.pop()


class save_on_cpu(saved_tensors_hooks):  # noqa: N801 - PyTorch's name
    """Keep saved tensors in CPU memory (where ember's tensors always are: packing is a no-op)."""

    def __init__(self, pin_memory: bool = False, device_type: str = "cuda") -> None:
        super().__init__(lambda t: t, lambda t: t)


class disable_saved_tensors_hooks:  # noqa: N801 - PyTorch's name
    """Forbid ``saved_tensors_hooks`` inside the block; entering one raises with ``error_message``."""

    def __init__(self, error_message: str) -> None:
        self.error_message = error_message
        self.prev: str | None = None

    def __enter__(self) -> None:
        self.prev = _saved_hooks.disabled
        _saved_hooks.disabled = self.error_message

    def __exit__(self, *exc: object) -> None:
        _saved_hooks.disabled = self.prev


def pack_saved(tensor: Any, is_output: bool, out_nr: int = 0) -> tuple[Any, int | None]:
    """What a Node keeps for a saved tensor, and the version to check it against.

    Under ``saved_tensors_hooks`` the innermost pack hook's result (unchecked on unpack,
    as in PyTorch); else the input tensor itself, or a ``SavedOutput`` for the op's own output.
    """
    extra = tensor._extra
    if extra is not None and extra.get("inference"):
        raise RuntimeError(
            "Inference tensors cannot be saved for backward. Please do not use Tensors created in inference mode "
            "in computation tracked by autograd. To work around this, you can make a clone to get a normal tensor "
            "and use it in autograd, or use `ember.no_grad()` instead of `ember.inference_mode()`."
        )
    stack = _saved_hooks.stack
    if stack:
        pack_hook, unpack_hook = stack[-1]
        return PackedSaved(pack_hook(tensor), unpack_hook), -1
    if is_output:
        return SavedOutput(tensor, out_nr), tensor._vc[0]
    return tensor, tensor._vc[0]


class Node:
    """A recorded operation: the ``grad_fn`` of the tensors it produced.

    Subclasses made by ``ops`` set ``_formulas`` (one derivative per input) and
    ``_saved_names``. ``apply`` maps the gradients of the outputs to the gradients of
    the inputs, one per entry of ``next_functions`` (None where no gradient flows).
    """

    __slots__ = (
        "next_functions", "_meta", "_seq", "_saved", "_versions", "_hooks", "_pre_hooks",
        "_metadata", "_trace", "_thooks", "_site", "_site_at", "__weakref__",
    )
    _formulas: tuple[Callable[..., Any], ...] = ()
    _saved_names: tuple[str, ...] = ()
    #: Number of outputs; the engine sizes the gradient buffer of the Node from it.
    n_outputs = 1
    #: An array-level kernel for backward passes that record nothing (ops/_fast.py).
    _fast: Callable[..., Any] | None = None

    def __init__(self) -> None:
        self.next_functions: tuple[tuple[Node | None, int], ...] = ()
        self._meta: tuple = ()
        self._seq = next_sequence_nr()
        self._saved: tuple | None = ()
        self._versions: tuple | None = None
        self._hooks: _HookDict | None = None
        self._pre_hooks: _HookDict | None = None
        self._metadata: dict | None = None
        self._trace: Any = None
        self._thooks: dict[tuple[int, int], _HookDict] | None = None
        self._site: Any = None  # the code object of the user's line that recorded this Node...
        self._site_at = 0  # ... and the instruction offset in it (see ``user_frame``)

    # -- the part users see -------------------------------------------------------
    def name(self) -> str:
        """The Node's class name, e.g. ``'MulBackward0'``."""
        return type(self).__name__

    @property
    def metadata(self) -> dict:
        """A dict for the user's own annotations of this Node."""
        if self._metadata is None:
            self._metadata = {}
        return self._metadata

    def register_hook(self, fn: Callable[..., Any]) -> RemovableHandle:
        """Run ``fn(grad_inputs, grad_outputs)`` after this Node; a tuple it returns replaces grad_inputs."""
        if self._hooks is None:
            self._hooks = _HookDict()
        handle = RemovableHandle(self._hooks)
        self._hooks[handle.id] = fn
        return handle

    def register_prehook(self, fn: Callable[..., Any]) -> RemovableHandle:
        """Run ``fn(grad_outputs)`` before this Node; a tuple it returns replaces grad_outputs."""
        if self._pre_hooks is None:
            self._pre_hooks = _HookDict()
        handle = RemovableHandle(self._pre_hooks)
        self._pre_hooks[handle.id] = fn
        return handle

    def tensor_hooks(self, slot: int, retain: bool = False) -> _HookDict:
        """The hooks of this Node's output ``slot`` (registered through ``Tensor.register_hook``).

        ``retain_grad`` hooks live apart and run after the others, as in PyTorch.
        """
        if self._thooks is None:
            self._thooks = {}
        key = (int(retain), slot)
        hooks = self._thooks.get(key)
        if hooks is None:
            hooks = self._thooks[key] = _HookDict()
        return hooks

    def _tensor_pre_hooks(self) -> list[tuple[int, _HookDict]] | None:
        if not self._thooks:
            return None
        return [(slot, hooks) for (_, slot), hooks in sorted(self._thooks.items(), key=lambda kv: kv[0])]

    def __call__(self, *grads: Any) -> Any:
        out = self.apply(list(grads))
        return out[0] if len(out) == 1 else tuple(out)

    def __getattr__(self, name: str) -> Any:
        # ``_saved_<name>`` reads a saved value, as PyTorch exposes them.
        if name.startswith("_saved_"):
            names = type(self)._saved_names
            key = name[7:]
            if key in names:
                return self._unpack(names.index(key))
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    # -- saved values ---------------------------------------------------------------
    def save(self, values: tuple, versions: tuple | None) -> None:
        self._saved = values
        self._versions = versions

    def saved_values(self) -> tuple | list:
        """The saved values, Tensors re-wrapped and checked against in-place changes."""
        saved = self._saved
        if saved is None:
            raise RuntimeError(FREED_MESSAGE)
        versions = self._versions
        if versions is None:
            return saved
        out = None  # a copy only when some value must be unpacked
        i = 0
        for version in versions:
            if version is not None:
                value = saved[i]
                # The common case inline: a saved input, unchanged since it was saved.
                kind = type(value)
                if kind is SavedOutput or kind is PackedSaved or value is _FREED or value._vc[0] != version:
                    if out is None:
                        out = list(saved)
                    out[i] = self._unpack(i)
            i += 1
        return saved if out is None else out

    def _unpack(self, i: int) -> Any:
        """Saved value ``i``; a tensor is checked against in-place changes and freeing."""
        saved = self._saved
        if saved is None:
            raise RuntimeError(FREED_MESSAGE)
        value = saved[i]
        versions = self._versions
        version = None if versions is None else versions[i]
        if version is None:
            return value
        if value is _FREED:
            raise RuntimeError(FREED_MESSAGE)
        if type(value) is PackedSaved:
            out = value.unpack_hook(value.packed)
            if not isinstance(out, _tensor_cls()):
                raise TypeError(
                    "Output of saved tensor unpack_hook expected to be a Tensor but got result of type "
                    f"{type(out).__name__}"
                )
            return out
        if type(value) is SavedOutput:
            if value.vc[0] != value.version:
                _raise_modified(value.data, value.vc, value.version, self, value.out_nr, self)
            return _tensor_cls()._make(value.data, self, value.out_nr, value.vc)
        if value._vc[0] != version:
            _raise_modified(value._data, value._vc, version, value._grad_fn, value._out_nr, self)
        return value

    def release_variables(self) -> None:
        """Free the saved tensors; a later backward that needs them raises.

        Saved non-tensors (shapes, scalars) stay, so a Node that saved no tensor can be
        run through again, as in PyTorch.
        """
        versions = self._versions
        saved = self._saved
        if versions is not None and saved is not None:
            if None in versions:
                self._saved = tuple([_FREED if v is not None else s for s, v in zip(saved, versions, strict=True)])
            else:  # every saved value is a tensor (the common case)
                self._saved = _ALL_FREED[len(saved)] if len(saved) < 8 else (_FREED,) * len(saved)

    def apply(self, grads: list) -> tuple | list:
        """Gradients of the inputs from those of the outputs (``grads``, one per output)."""
        saved = self.saved_values()
        grad = grads[0] if self.n_outputs == 1 else tuple(grads)
        return [None if edge[0] is None else formula(grad, *saved)
                for edge, formula in zip(self.next_functions, self._formulas, strict=True)]

    def __repr__(self) -> str:
        return f"<{type(self).__name__} object at {hex(id(self))}>"


def _legacy_type_name(data: Any) -> str:
    names = {
        "float32": "FloatTensor", "float64": "DoubleTensor", "float16": "HalfTensor",
        "int64": "LongTensor", "int32": "IntTensor", "int16": "ShortTensor",
        "int8": "CharTensor", "uint8": "ByteTensor", "bool": "BoolTensor",
        "complex64": "ComplexFloatTensor", "complex128": "ComplexDoubleTensor",
    }
    return "ember." + names.get(str(data.dtype), "Tensor")


def _raise_modified(data: Any, vc: list, expected: int, node: Node | None, out_nr: int,
                    consumer: Node | None = None) -> None:
    """PyTorch's error for a saved tensor changed in place, followed by what ember knows more:
    the Node that saved it, the line that recorded that Node, and the line that modified it."""
    now = vc[0]
    shape = ", ".join(str(s) for s in data.shape)
    which = f", which is output {out_nr} of {_short_name(node)}," if node is not None else ""
    message = (
        "one of the variables needed for gradient computation has been modified by an "
        f"inplace operation: [{_legacy_type_name(data)} [{shape}]]{which} is at version {now}; "
        f"expected version {expected} instead. Hint: enable anomaly detection to find the "
        "operation that failed to compute its gradient, with "
        "ember.autograd.set_detect_anomaly(True, check_nan=False)."
    )
    if consumer is not None:
        message += f"\nIt was saved for backward by {consumer.name()}"
        code = getattr(consumer, "_site", None)
        saved_at = site_text((code, getattr(consumer, "_site_at", 0)) if code is not None else None)
        message += f", recorded at {saved_at}" if saved_at else ""
        write = _WRITES.get(id(vc))
        if write is not None and write[0] is vc and write[1] > expected:
            modified_at = site_text(write[2])
            if modified_at:
                message += f"; it was modified in place at {modified_at}"
        message += "."
    raise RuntimeError(message + "\n" + docs_pointer("inplace"))


def docs_pointer(anchor: str) -> str:
    """The line an ember-only message or warning ends with: where the docs explain it."""
    return f"Explained in ember's docs, 'Errors explained': docs/errors.md#{anchor}."


def _short_name(node: Node) -> str:
    """How PyTorch names a Node in this message: ``MulBackward0`` is ``Mul``, ``TBackward1``
    ``T1``, ``SqBackward`` ``Sq`` (the word goes, and an overload number 0)."""
    name = node.name()
    i = name.rfind("Backward")
    rest = name[i + 8:]
    if i <= 0 or (rest and not rest.isdigit()):
        return name
    return name[:i] + ("" if rest == "0" else rest)


# -- where the user's code saved and modified a tensor ---------------------------------------
#: ember's own source folder: frames in it are skipped when looking for the user's line.
_EMBER_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep
_INTERNAL: dict[str, bool] = {}
_getframe = sys._getframe


def user_frame(depth: int = 1, start: Any = None) -> Any:
    """The first frame outside ember, starting ``depth`` frames above the caller (or at ``start``).

    Cheap enough for the recording path when ``depth`` lands on the user's frame:
    ``sys._getframe(n)`` skips the frames below without making frame objects for them
    (making one costs about as much as a small op; the user's own frame object is made
    once per call of the user's function and reused). Callers keep only ``f_code`` and
    ``f_lasti``, never the frame, which would keep the user's locals alive; the line
    number is worked out from the offset when a message needs it.
    """
    f: Any = start
    if f is None:
        try:
            f = _getframe(depth + 1)
        except ValueError:  # the stack is shallower than that
            return None
    internal = _INTERNAL
    while f is not None:
        name = f.f_code.co_filename
        inside = internal.get(name)
        if inside is None:
            inside = internal[name] = name.startswith(_EMBER_DIR)
        if not inside:
            return f
        f = f.f_back
    return None


def user_site(depth: int = 1) -> tuple | None:
    """``(code, lasti)`` of ``user_frame``: where the user's code is now."""
    f = user_frame(depth + 1)
    return None if f is None else (f.f_code, f.f_lasti)


def site_text(site: tuple | None) -> str:
    """``file:line (source)`` of a site from ``user_site``, or '' when unknown."""
    if site is None:
        return ""
    code, lasti = site
    line = code.co_firstlineno
    for start, end, lineno in code.co_lines():
        if start <= lasti < end and lineno is not None:
            line = lineno
            break
    source = linecache.getline(code.co_filename, line).strip()
    return f"{code.co_filename}:{line}" + (f" ({source})" if source else "")


#: The last in-place write into each version counter seen by ``note_write``: id(vc) ->
#: (vc, version after the write, site). Bounded; the oldest entries go first.
_WRITES: dict[int, tuple[list, int, tuple | None]] = {}
_MAX_WRITES = 256


def note_write(vc: list) -> None:
    """Remember where the user's code wrote into the tensor of version counter ``vc`` (call after the bump)."""
    writes = _WRITES
    key = id(vc)
    if key not in writes and len(writes) >= _MAX_WRITES:
        try:
            del writes[next(iter(writes))]
        except (StopIteration, KeyError, RuntimeError):  # another thread got there first
            pass
    writes[key] = (vc, vc[0], user_site(2))


class AccumulateGrad(Node):
    """The Node of a leaf that requires grad: adds the incoming gradient into ``.grad``."""

    __slots__ = ("variable",)

    def __init__(self, variable: Tensor) -> None:
        super().__init__()
        # Runs as soon as it is ready, as in PyTorch (the largest sequence number).
        self._seq = 1 << 62
        self.variable = variable

    def apply(self, grads: list) -> tuple:
        # The leaf's own hooks (Tensor.register_hook on a leaf) run first, on this Node.
        grad = grads[0]
        extra = self.variable._extra
        if extra is not None and extra.get("hooks"):
            grad = run_tensor_hooks(extra["hooks"], grad)
            grads[0] = grad
        _accumulate_into_leaf()(self.variable, grad)
        return ()


def run_tensor_hooks(hooks: _HookDict, grad: Any) -> Any:
    """Run ``Tensor.register_hook`` hooks in order; a returned tensor must keep the size and type."""
    for fn in list(hooks.values()):
        new = fn(grad)
        if new is None:
            continue
        name = getattr(fn, "__name__", type(fn).__name__)
        if not isinstance(new, _tensor_cls()):
            raise TypeError(f"expected Variable, but hook returned '{type(new).__name__}'")
        if grad is not None and new._data.dtype != grad._data.dtype:
            raise RuntimeError(
                f"hook '{name}' has changed the type of value (was {_legacy_type_name(grad._data)} "
                f"got {_legacy_type_name(new._data)})"
            )
        if grad is not None and new._data.shape != grad._data.shape:
            raise RuntimeError(f"hook '{name}' has changed the size of value")
        grad = new
    return grad


def _tensor_cls() -> Any:
    """ember's Tensor class (imported once on first use: the graph module loads before it)."""
    global _TENSOR
    if _TENSOR is None:
        from .._tensor import Tensor

        _TENSOR = Tensor
    return _TENSOR


def _accumulate_into_leaf() -> Any:
    global _ACCUMULATE
    if _ACCUMULATE is None:
        from ..ops._accumulate import accumulate_into_leaf

        _ACCUMULATE = accumulate_into_leaf
    return _ACCUMULATE


_TENSOR: Any = None
_ACCUMULATE: Any = None


class GraphRoot(Node):
    """Stands for the roots of a backward call (never visible to users)."""

    __slots__ = ()
