"""Custom differentiable functions: ``ember.autograd.Function``.

Subclass ``Function`` with static ``forward`` and ``backward`` and call ``apply``::

    class Exp(Function):
        @staticmethod
        def forward(ctx, i):
            result = i.exp()
            ctx.save_for_backward(result)
            return result

        @staticmethod
        def backward(ctx, grad_output):
            (result,) = ctx.saved_tensors
            return grad_output * result

``forward`` may instead take only the inputs, with a ``setup_context(ctx, inputs, output)``
beside it (PyTorch's newer style). As in PyTorch, ``ctx`` *is* the Node: the outputs'
``grad_fn`` is an instance of ``<Name>Backward``, made for each Function subclass.

>>> import ember
>>> class Cube(ember.autograd.Function):
...     @staticmethod
...     def forward(ctx, x):
...         ctx.save_for_backward(x)
...         return x ** 3
...     @staticmethod
...     def backward(ctx, grad):
...         (x,) = ctx.saved_tensors
...         return 3 * x ** 2 * grad
>>> x = ember.tensor([2.0], requires_grad=True)
>>> y = Cube.apply(x)
>>> y
tensor([8.], grad_fn=<CubeBackward>)
>>> y.backward(); x.grad
tensor([12.])
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from .grad_mode import _state as _grad
from .grad_mode import no_grad
from .graph import Node, pack_saved, user_frame

__all__ = ["Function", "FunctionCtx", "once_differentiable", "BackwardCFunction"]


def _tensor_cls() -> Any:
    from .graph import _tensor_cls as get

    return get()


class FunctionCtx:
    """The methods a ``ctx`` offers in ``forward``/``setup_context`` and ``backward``."""

    __slots__ = ()

    def save_for_backward(self, *tensors: Any) -> None:
        """Keep tensors (or None) for backward; read them back with ``ctx.saved_tensors``."""
        tensor = _tensor_cls()
        for t in tensors:
            if t is not None and not isinstance(t, tensor):
                raise TypeError(
                    "save_for_backward can only save variables, but argument 0 is of type " + type(t).__name__
                )
        self.to_save = tensors  # type: ignore[misc]  # ctx objects have a __dict__

    def mark_dirty(self, *tensors: Any) -> None:
        """Declare inputs that forward modified in place (they become outputs with this history)."""
        self.dirty_tensors = tensors  # type: ignore[misc]  # ctx objects have a __dict__

    def mark_non_differentiable(self, *tensors: Any) -> None:
        """Declare outputs that never need a gradient (indices, masks)."""
        self.non_differentiable = tensors  # type: ignore[misc]  # ctx objects have a __dict__

    def set_materialize_grads(self, value: bool) -> None:
        """Whether backward gets zeros (True, the default) or None for outputs that got no gradient."""
        self.materialize_grads = value  # type: ignore[misc]  # ctx objects have a __dict__


class BackwardCFunction(Node, FunctionCtx):
    """The Node (and ctx) of a custom Function call. Its class is ``<Name>Backward``."""

    __slots__ = ("__dict__",)
    _forward_cls: Any = None

    def apply(self, grads: list) -> tuple:
        fwd = type(self)._forward_cls
        if self.__dict__.get("materialize_grads", True):
            import numpy as np

            from ..ops._op import wrap

            grads = [g if g is not None or dtype is None else wrap(np.zeros(shape, dtype))
                     for g, (shape, dtype) in zip(grads, self._out_meta, strict=True)]
        result = fwd.backward(self, *grads)
        if not isinstance(result, tuple):
            result = (result,)
        is_tensor = self._arg_is_tensor
        n = len(is_tensor)
        if len(result) != n:
            if len(result) > n and all(r is None for r in result[n:]):
                result = result[:n]
            else:
                raise RuntimeError(
                    f"function {self.name()} returned an incorrect number of gradients "
                    f"(expected {n}, got {len(result)})"
                )
        tensor = _tensor_cls()
        out = []
        for i, (g, was_tensor) in enumerate(zip(result, is_tensor, strict=True)):
            if g is not None and not isinstance(g, tensor):
                raise RuntimeError(f"expected Variable or None (got {type(g).__name__})")
            if not was_tensor:
                if g is not None:
                    raise RuntimeError(
                        f"function {self.name()} returned a gradient different than None at position {i + 1}, but "
                        "the corresponding forward input was not a Variable"
                    )
                continue
            out.append(g)
        return tuple(out)

    def __repr__(self) -> str:
        return f"<ember.autograd.function.{type(self).__name__} object at {hex(id(self))}>"

    @property
    def saved_tensors(self) -> tuple:
        """The tensors given to ``save_for_backward``, checked against in-place changes."""
        return tuple(self.saved_values())

    @property
    def saved_variables(self) -> tuple:
        return tuple(self.saved_values())

    @property
    def needs_input_grad(self) -> tuple[bool, ...]:
        return self.__dict__["_needs_input_grad"]


class FunctionMeta(type):
    """Gives each Function subclass its own Node class, ``<Name>Backward``."""

    def __init__(cls, name: str, bases: tuple, attrs: dict) -> None:
        backward_cls = type(name + "Backward", (BackwardCFunction,), {"_forward_cls": cls, "__slots__": ()})
        backward_cls.__module__ = "ember.autograd.function"
        cls._backward_cls = backward_cls
        super().__init__(name, bases, attrs)


class Function(FunctionCtx, metaclass=FunctionMeta):
    """Base class of custom differentiable operations (see the module docstring)."""

    _backward_cls: Any

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise RuntimeError(
            "Legacy autograd function with non-static forward method is deprecated. Please use new-style "
            "autograd function with static forward method. (Example: "
            "https://pytorch.org/docs/stable/autograd.html#torch.autograd.Function)"
        )

    @staticmethod
    def forward(ctx: Any, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError("You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def setup_context(ctx: Any, inputs: tuple, output: Any) -> Any:
        return _SETUP_NOT_OVERRIDDEN

    @staticmethod
    def backward(ctx: Any, *grad_outputs: Any) -> Any:
        raise NotImplementedError(
            "You must implement either the backward or vjp method for your custom autograd.Function to use it "
            "with backward mode AD."
        )

    vjp = backward

    @staticmethod
    def jvp(ctx: Any, *grad_inputs: Any) -> Any:
        raise NotImplementedError("ember: forward-mode AD (Function.jvp) is not supported")

    @classmethod
    def apply(cls, *args: Any, **kwargs: Any) -> Any:
        """Run ``forward`` without recording, and make its outputs' ``grad_fn`` this call's Node."""
        return _apply(cls, args, kwargs)


_SETUP_NOT_OVERRIDDEN = object()


def _apply(cls: Any, args: tuple, kwargs: dict) -> Any:
    tensor = _tensor_cls()
    ctx = cls._backward_cls.__new__(cls._backward_cls)
    Node.__init__(ctx)
    arg_is_tensor = tuple(isinstance(a, tensor) for a in args)
    needs = tuple(isinstance(a, tensor) and a._rg for a in args)
    ctx._needs_input_grad = needs
    ctx._arg_is_tensor = arg_is_tensor
    recording = _grad.enabled and any(needs)
    new_style = cls.setup_context is not Function.setup_context
    with no_grad():
        if new_style:
            outputs = cls.forward(*args, **kwargs)
        else:
            outputs = cls.forward(ctx, *args, **kwargs)
    if new_style:
        cls.setup_context(ctx, args, outputs)
    single = not isinstance(outputs, tuple)
    outs = (outputs,) if single else outputs
    if not recording:
        _check_dirty(ctx, args, needs, recording=False)
        return outputs
    from ..ops._op import new_node

    inputs = tuple(a for a in args if isinstance(a, tensor))
    edges = new_node(type(ctx), inputs)
    ctx.next_functions, ctx._meta, ctx._trace = edges.next_functions, edges._meta, edges._trace
    ctx.n_outputs = len(outs)  # the engine sizes this Node's gradient buffer from it
    dirty = _check_dirty(ctx, args, needs, recording=True)
    non_diff = {id(t) for t in ctx.__dict__.get("non_differentiable", ())}
    wrapped = []
    out_meta = []
    for i, o in enumerate(outs):
        if not isinstance(o, tensor):
            wrapped.append(o)
            out_meta.append(((), None))
            continue
        out_meta.append((o._data.shape, o._data.dtype))
        if id(o) in non_diff or o._data.dtype.kind not in "fc":
            wrapped.append(o)
            continue
        if id(o) in dirty:
            o._grad_fn, o._out_nr, o._rg = ctx, i, True
            wrapped.append(o)
        else:
            # A new tensor on the same data, so an input returned as is keeps its own history.
            w = tensor._make(o._data, ctx, i, o._vc if any(o is a for a in args) else None)
            wrapped.append(w)
    ctx._out_meta = tuple(out_meta)
    _save_tensors(ctx, ctx.__dict__.pop("to_save", ()), outs, wrapped)
    return wrapped[0] if single else tuple(wrapped)


def _save_tensors(ctx: Any, to_save: tuple, outs: tuple, wrapped: list) -> None:
    """Save inputs as they are and outputs as SavedOutput, so ctx never holds its own output."""
    values: list = []
    versions: list = []
    for t in to_save:
        k = next((i for i, o in enumerate(outs) if t is not None and t is o), None)
        if t is None:
            values.append(None)
            versions.append(None)
            continue
        value, version = pack_saved(wrapped[k], True, k) if k is not None else pack_saved(t, False)
        values.append(value)
        versions.append(version)
    ctx._saved = tuple(values)
    ctx._versions = tuple(versions) if values else None
    f = user_frame()
    if f is not None:
        ctx._site, ctx._site_at = f.f_code, f.f_lasti


def _check_dirty(ctx: Any, args: tuple, needs: tuple, recording: bool) -> set[int]:
    dirty = ctx.__dict__.get("dirty_tensors", ())
    ids = {id(t) for t in dirty}
    for a in args:
        if id(a) in ids and a._grad_fn is None and a._rg and recording:
            raise RuntimeError("a leaf Variable that requires grad has been used in an in-place operation.")
    return ids


def once_differentiable(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a backward as not differentiable: it runs without recording, even under create_graph."""

    @functools.wraps(fn)
    def wrapper(ctx: Any, *args: Any) -> Any:
        with no_grad():
            return fn(ctx, *args)

    return wrapper
