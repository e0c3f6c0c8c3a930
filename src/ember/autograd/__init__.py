"""ember.autograd: backward, grad, grad modes, Variable, anomaly mode, gradcheck.

>>> import ember
>>> x = ember.tensor([1.0, 2.0], requires_grad=True)
>>> (g,) = ember.autograd.grad((x * x).sum(), x)
>>> g
tensor([2., 4.])
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from . import anomaly_mode, graph
from ._late import late
from .anomaly_mode import detect_anomaly, set_detect_anomaly
from .grad_mode import (
    enable_grad,
    inference_mode,
    is_grad_enabled,
    is_inference_mode_enabled,
    no_grad,
    set_grad_enabled,
)

if TYPE_CHECKING:
    from .._tensor import Tensor

__all__ = [
    "backward", "grad", "Variable", "no_grad", "enable_grad", "set_grad_enabled", "inference_mode",
    "is_grad_enabled", "is_inference_mode_enabled", "detect_anomaly", "set_detect_anomaly", "gradcheck",
    "gradgradcheck", "graph", "anomaly_mode", "Function", "FunctionCtx", "once_differentiable", "GradcheckError",
]


def _as_tuple(x: Any) -> tuple:
    if isinstance(x, late.Tensor):
        return (x,)
    if x is None:
        return ()
    return tuple(x)


def _make_grads(outputs: Sequence[Tensor], grads: Sequence[Any]) -> list[Tensor]:
    """The gradients to start from: given ones checked against their outputs, or ones for scalars."""
    ones_like, Tensor = late.ones_like, late.Tensor  # noqa: N806 - the class, by its name
    result = []
    # Not strict: PyTorch checks the gradients it has first, then the counts.
    for i, (out, g) in enumerate(zip(outputs, grads, strict=False)):
        if g is None:
            if out._rg and out._data.size != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            if out._rg and out._data.dtype.kind not in "fc":
                raise RuntimeError(f"grad can be implicitly created only for real scalar outputs but got {out.dtype}")
            result.append(ones_like(out))
            continue
        if not isinstance(g, Tensor):
            raise TypeError(f"gradients can be either Tensors or None, but got {type(g).__name__}")
        if g._data.shape != out._data.shape:
            raise RuntimeError(
                f"Mismatch in shape: grad_output[{i}] has a shape of {g.shape} and output[{i}] has a shape "
                f"of {out.shape}."
            )
        if g._data.dtype != out._data.dtype:
            if g._data.dtype.kind == "c" or out._data.dtype.kind == "c":
                raise RuntimeError(
                    "For complex Tensors, both grad_output and output are required to have the same dtype. "
                    f"Mismatch in dtype: grad_output[{i}] has a dtype of {g.dtype} and output[{i}] has a dtype "
                    f"of {out.dtype}."
                )
            # PyTorch casts silently; ember says so, because a cast can hide a mistake.
            warnings.warn(
                f"grad_output[{i}] has dtype {g.dtype} but output[{i}] has dtype {out.dtype}; "
                f"the gradient is converted to {out.dtype}. {graph.docs_pointer('grad-dtype')}",
                UserWarning,
                stacklevel=4,
            )
            g = g.to(out.dtype)
        result.append(g)
    return result


def _check_outputs(outputs: Sequence[Tensor]) -> None:
    for i, out in enumerate(outputs):
        if not out._rg:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not have a grad_fn")


def backward(tensors: Any, grad_tensors: Any = None, retain_graph: bool | None = None,
             create_graph: bool = False, grad_variables: Any = None, inputs: Any = None) -> None:
    """Accumulate the gradients of ``tensors`` into the ``.grad`` of the leaves (or of ``inputs``)."""
    run_backward = late.run_backward
    if grad_variables is not None:
        grad_tensors = grad_variables
    outputs = _as_tuple(tensors)
    if not outputs:
        return  # as in PyTorch: nothing to do
    grads = _as_tuple(grad_tensors) if grad_tensors is not None else (None,) * len(outputs)
    input_list = None
    if inputs is not None:
        input_list = _as_tuple(inputs)
        if not input_list:
            raise RuntimeError("`inputs` argument to `backward()` cannot be empty.")
        for t in input_list:
            if not t._rg:
                raise RuntimeError("One of the differentiated Tensors does not require grad")
    grad_list = _make_grads(outputs, grads)
    if len(grad_list) != len(outputs):
        raise RuntimeError(f"got {len(outputs)} tensors and {len(grad_list)} gradients")
    _check_outputs(outputs)
    if retain_graph is None:
        retain_graph = create_graph
    run_backward(outputs, grad_list, retain_graph, create_graph, input_list, accumulate=True)


def grad(outputs: Any, inputs: Any, grad_outputs: Any = None, retain_graph: bool | None = None,
         create_graph: bool = False, only_inputs: bool = True, allow_unused: bool | None = None,
         is_grads_batched: bool = False, materialize_grads: bool = False) -> tuple[Tensor | None, ...]:
    """The gradients of ``outputs`` with respect to ``inputs``, without touching any ``.grad``."""
    run_backward = late.run_backward
    if materialize_grads and allow_unused is False:
        raise ValueError(
            "Expected allow_unused to be True or not passed when materialize_grads=True, but got: allow_unused=False."
        )
    if allow_unused is None:
        allow_unused = materialize_grads
    outs = _as_tuple(outputs)
    ins = _as_tuple(inputs)
    if not ins:
        raise RuntimeError("`inputs` argument to `grad()` cannot be empty.")
    for t in ins:
        if not t._rg:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    gouts = _as_tuple(grad_outputs) if grad_outputs is not None else (None,) * len(outs)
    if len(gouts) != len(outs) and not is_grads_batched:
        _make_grads(outs, gouts)  # PyTorch checks the gradients it has first
        raise RuntimeError(f"got {len(outs)} tensors and {len(gouts)} gradients")
    if retain_graph is None:
        retain_graph = create_graph
    if is_grads_batched:
        return _batched_grad(outs, ins, gouts, retain_graph, create_graph, allow_unused, materialize_grads)
    grad_list = _make_grads(outs, gouts)
    _check_outputs(outs)
    token = late.begin_undo_log()  # an unused input raises below: retain_grad's .grad writes are undone
    try:
        result = run_backward(outs, grad_list, retain_graph, create_graph, ins, accumulate=False)
        _check_used(result, ins, allow_unused, materialize_grads)
    except BaseException:
        late.undo(token)
        raise
    late.commit_undo_log(token)
    return tuple(result)


def _check_used(result: list, ins: tuple, allow_unused: bool, materialize_grads: bool) -> None:
    for i, g in enumerate(result):
        if g is None:
            if materialize_grads:
                result[i] = late.zeros_like(ins[i])
            elif not allow_unused:
                raise RuntimeError(
                    f"The differentiated Tensor at index {i} appears to not have been used in the graph. "
                    "Set allow_unused=True if this is the desired behavior."
                )


def _batched_grad(outs: tuple, ins: tuple, gouts: tuple, retain_graph: bool, create_graph: bool,
                  allow_unused: bool, materialize: bool) -> tuple:
    """``is_grads_batched``: the leading dim of each ``grad_outputs`` is a batch of gradients.

    One backward pass carries the whole batch (``batched.run_batched``); where hooks or
    anomaly mode need to see single gradients, one backward pass per batch element.
    """
    from .._creation import zeros_like
    from ..ops.shape import stack
    from .batched import run_batched

    for i, (g, out) in enumerate(zip(gouts, outs, strict=True)):
        if g is None:
            _make_grads(outs, gouts)  # PyTorch's error for an implicit gradient of a non-scalar
            raise RuntimeError("grad_outputs must be given (batched) when is_grads_batched=True")
        if g._data.shape[1:] != out._data.shape or not g._data.ndim:
            raise RuntimeError(
                "If `is_grads_batched=True`, we interpret the first dimension of each grad_output as the batch "
                "dimension. The sizes of the remaining dimensions are expected to match the shape of "
                f"corresponding output, but a mismatch was detected: grad_output[{i}] has a shape of {g.shape[1:]} "
                f"and output[{i}] has a shape of {out.shape}. If you only want some tensors in `grad_output` to "
                "be considered batched, consider using vmap."
            )
    n = gouts[0]._data.shape[0]
    _check_outputs(outs)
    batched = _make_grads_batched(outs, gouts)
    result = run_batched(outs, batched, ins, retain_graph, create_graph)
    if result is None:
        per = [grad(outs, ins, tuple(g[i] for g in gouts), retain_graph=True, create_graph=create_graph,
                    allow_unused=True) for i in range(n)]
        result = [None if per[0][k] is None else stack([p[k] for p in per]) for k in range(len(ins))]
    for k, g in enumerate(result):
        if g is None:
            if materialize:  # as PyTorch: zeros shaped like the input, without the batch dim
                result[k] = zeros_like(ins[k])
            elif not allow_unused:
                raise RuntimeError(
                    "One of the differentiated Tensors appears to not have been used in the graph. "
                    "Set allow_unused=True if this is the desired behavior."
                )
    return tuple(result)


def _make_grads_batched(outs: tuple, gouts: tuple) -> list:
    """The batched ``grad_outputs``, each in its output's dtype (checked one batch element at a time)."""
    _make_grads(outs, tuple(g[0] for g in gouts))  # the dtype checks and warnings of the unbatched case
    return [g if g._data.dtype == out._data.dtype else g.to(out.dtype) for g, out in zip(gouts, outs, strict=True)]


class _VariableMeta(type):
    def __instancecheck__(cls, other: Any) -> bool:
        from .._tensor import Tensor

        return isinstance(other, Tensor)


class Variable(metaclass=_VariableMeta):
    """The 2017 API: ``Variable(tensor, requires_grad=True)`` is a Tensor (sharing its data)."""

    __module__ = "ember.autograd.variable"

    def __new__(cls, data: Any = None, requires_grad: bool = False, volatile: bool = False) -> Any:  # type: ignore[misc]
        from .._tensor import Tensor

        if volatile:
            warnings.warn("volatile was removed and now has no effect. Use `with ember.no_grad():` instead.",
                          UserWarning, stacklevel=2)
        if data is None:
            from .._creation import tensor

            data = tensor([])
        if not isinstance(data, Tensor):
            raise TypeError(f"Variable data has to be a tensor, but got {type(data).__name__}")
        out = Tensor._make(data._data, None)
        out.requires_grad = requires_grad
        return out


from .function import Function, FunctionCtx, once_differentiable  # noqa: E402 - after the API it uses
from .gradcheck import GradcheckError, gradcheck, gradgradcheck  # noqa: E402


def __getattr__(name: str) -> Any:
    if name == "functional":
        import importlib

        return importlib.import_module(".functional", __name__)
    raise AttributeError(f"module 'ember.autograd' has no attribute '{name}'")
