"""Activation checkpointing: trade compute for memory by recomputing a region in backward.

``checkpoint(fn, *args, use_reentrant=False)`` runs ``fn`` and keeps none of the tensors
its ops save for backward; when backward first needs one, ``fn`` runs again on the same
inputs (with the random state it had) and the saved tensors are taken from that run.
Results and gradients are the same as without checkpointing.

* ``use_reentrant=False`` (recommended): built on ``saved_tensors_hooks``; works with
  ``autograd.grad``, with parameters the function closes over, and with nested graphs.
* ``use_reentrant=True``: a custom Function (``CheckpointFunctionBackward``) that reruns
  ``fn`` and calls ``backward`` inside backward. Omitting ``use_reentrant`` warns and takes
  this path, as PyTorch 2.13 does.

>>> import ember
>>> from ember.utils.checkpoint import checkpoint
>>> x = ember.tensor([0.5, 1.0], requires_grad=True)
>>> y = checkpoint(lambda t: (t.sin() * 2).exp(), x, use_reentrant=False)
>>> y.sum().backward()
>>> x.grad  # exp(2 sin x) * 2 cos x
tensor([4.5787, 5.8151])
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Callable, Iterator
from typing import Any

from .. import _creation
from .._tensor import Tensor
from ..autograd import backward as autograd_backward
from ..autograd.function import Function
from ..autograd.grad_mode import enable_grad
from ..autograd.graph import saved_tensors_hooks

__all__ = ["checkpoint", "checkpoint_sequential", "CheckpointFunction"]


def noop_context_fn() -> tuple[contextlib.AbstractContextManager, contextlib.AbstractContextManager]:
    return contextlib.nullcontext(), contextlib.nullcontext()


@contextlib.contextmanager
def _rng_as(state: Tensor | None) -> Iterator[None]:
    """Run with the default generator in ``state``, then put back the state it had."""
    if state is None:
        yield
        return
    current = _creation.get_rng_state()
    _creation.set_rng_state(state)
    try:
        yield
    finally:
        _creation.set_rng_state(current)


def _detached(args: tuple) -> tuple:
    return tuple(a.detach().requires_grad_(a.requires_grad) if isinstance(a, Tensor) else a for a in args)


class CheckpointFunction(Function):
    """The reentrant checkpoint: forward without recording, recompute and backward in backward."""

    @staticmethod
    def forward(ctx: Any, run_function: Callable[..., Any], preserve_rng_state: bool, *args: Any) -> Any:
        ctx.run_function = run_function
        ctx.rng_state = _creation.get_rng_state() if preserve_rng_state else None
        ctx.tensor_index = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
        ctx.others = [None if isinstance(a, Tensor) else a for a in args]
        ctx.save_for_backward(*(a for a in args if isinstance(a, Tensor)))
        return run_function(*args)

    @staticmethod
    def backward(ctx: Any, *grads: Any) -> Any:
        args = list(ctx.others)
        for i, t in zip(ctx.tensor_index, ctx.saved_tensors, strict=True):
            args[i] = t
        inputs = _detached(tuple(args))
        with _rng_as(ctx.rng_state), enable_grad():
            outputs = ctx.run_function(*inputs)
        outputs = outputs if isinstance(outputs, tuple) else (outputs,)
        pairs = [(o, g) for o, g in zip(outputs, grads, strict=False)
                 if isinstance(o, Tensor) and o.requires_grad and g is not None]
        if not pairs:
            raise RuntimeError("none of output has requires_grad=True, this checkpoint() is not necessary")
        autograd_backward([o for o, _ in pairs], [g for _, g in pairs])
        return (None, None) + tuple(a.grad if isinstance(a, Tensor) else None for a in inputs)


def _checkpoint_without_reentrant(function: Callable[..., Any], preserve_rng_state: bool, context_fn: Any,
                                  args: tuple, kwargs: dict) -> Any:
    rng_state = _creation.get_rng_state() if preserve_rng_state else None
    storage: dict[int, Tensor] = {}
    count = [0]

    def pack(_tensor: Tensor) -> int:
        # Keep only the position of the saved tensor; the tensor itself is recomputed.
        count[0] += 1
        return count[0] - 1

    def unpack(index: int) -> Tensor:
        if index not in storage:
            recompute()
        return storage.pop(index)

    def recompute() -> None:
        position = [0]

        def keep(t: Tensor) -> None:
            storage[position[0]] = t
            position[0] += 1

        forward_ctx, recompute_ctx = context_fn()
        with saved_tensors_hooks(keep, lambda _: None), _rng_as(rng_state), enable_grad(), recompute_ctx:
            function(*_detached(args), **kwargs)

    forward_ctx, _ = context_fn()
    with saved_tensors_hooks(pack, unpack), forward_ctx:
        return function(*args, **kwargs)


def checkpoint(function: Callable[..., Any], *args: Any, use_reentrant: bool | None = None,
               context_fn: Callable[[], Any] = noop_context_fn, determinism_check: str = "default",
               debug: bool = False, preserve_rng_state: bool = True, **kwargs: Any) -> Any:
    """Run ``function(*args)`` without keeping its saved tensors; recompute them in backward."""
    if use_reentrant is None:
        warnings.warn(
            "ember.utils.checkpoint: the use_reentrant parameter should be passed explicitly. use_reentrant=False "
            "is recommended, but if you need to preserve the current default behavior, you can pass "
            "use_reentrant=True. Refer to docs for more details on the differences between the two variants.",
            UserWarning,
            stacklevel=2,
        )
        use_reentrant = True
    if use_reentrant:
        if context_fn is not noop_context_fn or debug:
            raise ValueError("Passing `context_fn` or `debug` is only supported when use_reentrant=False.")
        if kwargs:
            raise ValueError("Unexpected keyword arguments: " + ",".join(kwargs))
        return CheckpointFunction.apply(function, preserve_rng_state, *args)
    return _checkpoint_without_reentrant(function, preserve_rng_state, context_fn, args, kwargs)


def checkpoint_sequential(functions: Any, segments: int, input: Tensor, use_reentrant: bool | None = None,
                          **kwargs: Any) -> Any:
    """Run a sequence of functions in ``segments`` checkpointed chunks (the last runs normally)."""
    functions = list(functions.children()) if hasattr(functions, "children") else list(functions)
    size = max(len(functions) // segments, 1)
    end = -1
    for start in range(0, size * (segments - 1), size):
        end = start + size - 1
        chunk = functions[start:end + 1]

        def run(x: Any, chunk: list = chunk) -> Any:
            for f in chunk:
                x = f(x)
            return x

        input = checkpoint(run, input, use_reentrant=use_reentrant, **kwargs)
    for f in functions[end + 1:]:
        input = f(input)
    return input
