"""Higher-level autograd: vjp, jvp, jacobian, hessian, hvp and vhp of a whole function.

Each function takes a Python callable ``func`` and the point ``inputs`` at which to
differentiate it, and is built from ``autograd.grad`` alone, as PyTorch's
``torch.autograd.functional`` is:

- ``vjp``      one backward pass with ``v`` as the gradient of the outputs;
- ``jvp``      the double-backward trick: the backward pass is linear in its incoming
               gradient ``u``, so ``J^T u`` differentiated with respect to ``u`` and
               contracted with ``v`` is ``J v``. No forward-mode AD is needed;
- ``jacobian`` one backward pass per output element (a row of the Jacobian);
- ``hessian``  the Jacobian of the gradient;
- ``vhp``      the gradient of ``<grad f, v>``;
- ``hvp``      the double-backward trick applied to the gradient.

Semantics follow PyTorch's: a Tensor ``inputs`` (or output) gives Tensor results, a
tuple gives tuples, and both give a tuple of tuples; results are detached unless
``create_graph=True``; an input that the outputs do not depend on gets zeros, or an
error with ``strict=True``.

Deviations from PyTorch:

- ``jacobian(..., vectorize=True)`` has no vmap to run on: it builds the same one-hot
  ``grad_outputs`` and calls ``autograd.grad(..., is_grads_batched=True)``, which ember
  runs as one backward pass whose gradients carry the batch as a leading dimension
  (``autograd/batched.py``); Nodes without a batching rule run once per row there.
- ``strategy="forward-mode"`` needs forward-mode AD, which ember lacks: after the checks
  PyTorch makes first (``create_graph``, ``strict``, then ``vectorize=False``), it
  raises ``NotImplementedError``.
- A function with an empty output gets an empty Jacobian of the right shape, where
  PyTorch fails inside ``stack``.
- In strict mode with ``create_graph=True``, the error for a Jacobian entry that does
  not depend on the inputs names that input; PyTorch names the output's index there.

>>> import ember
>>> from ember.autograd.functional import jacobian
>>> jacobian(lambda x: x ** 2, ember.tensor([1.0, 2.0]))
tensor([[2., 0.],
        [0., 4.]])
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .._creation import eye, zeros, zeros_like
from .._tensor import Tensor
from ..ops.shape import expand, getitem, reshape, stack, view, view_as
from .engine import make_plan, run_backward
from .grad_mode import enable_grad, is_grad_enabled, set_grad_enabled

__all__ = ["vjp", "jvp", "jacobian", "hessian", "hvp", "vhp"]

_OUTPUTS = "outputs of the user-provided function"


# --- bookkeeping shared by all six functions ------------------------------------------------------


def _as_tuple(value: Any, arg_name: str, fn_name: str) -> tuple[bool, tuple[Tensor, ...]]:
    """``(was_a_tuple, value as a tuple of Tensors)``; a TypeError names anything else.

    Only a tuple counts as a tuple (a list is one bad value), as in PyTorch.
    """
    is_tuple = isinstance(value, tuple)
    items = value if is_tuple else (value,)
    for i, item in enumerate(items):
        if not isinstance(item, Tensor):
            where = f"value at index {i}" if is_tuple else f"given {arg_name}"
            raise TypeError(
                f"The {arg_name} given to {fn_name} must be either a Tensor or a tuple of Tensors but the "
                f"{where} has type {type(item)}."
            )
    return is_tuple, items


def _unpack(result: Any, was_tuple: bool | tuple[bool, bool]) -> Any:
    """Undo ``_as_tuple`` on a result: one level for a bool, two (outer, inner) for a pair."""
    if isinstance(was_tuple, tuple):
        outer, inner = was_tuple
        if not inner:
            result = tuple(row[0] for row in result)
        return result if outer else result[0]
    return result if was_tuple else result[0]


def _prepare(tensors: tuple[Tensor, ...], create_graph: bool, need_graph: bool) -> tuple[Tensor, ...]:
    """Fresh Tensor objects to differentiate with respect to.

    With ``create_graph`` an input that requires grad is viewed, so the result stays
    connected to it; otherwise it is detached (and made to require grad when
    ``need_graph``). A new object is made either way, so that the function's own
    captured use of the same Tensor is not mistaken for a use of the argument.
    """
    return tuple(view_as(t, t) if create_graph and t.requires_grad else t.detach().requires_grad_(need_graph)
                 for t in tensors)


def _finish(tensors: Any, create_graph: bool) -> Any:
    """Detach every Tensor of a (nested) tuple of results, unless ``create_graph``."""
    if create_graph:
        return tensors
    if isinstance(tensors, Tensor):
        return tensors.detach()
    return tuple(_finish(t, create_graph) for t in tensors)


def _validate_v(v: tuple[Tensor, ...], like: tuple[Tensor, ...], like_is_tuple: bool) -> None:
    """``v`` must have one Tensor per Tensor of ``like``, each of the same size."""
    if len(v) != len(like):
        if like_is_tuple:
            raise RuntimeError(f"v is a tuple of invalid length: should be {len(like)} but got {len(v)}.")
        raise RuntimeError("The given v should contain a single Tensor.")
    for i, (v_i, like_i) in enumerate(zip(v, like, strict=True)):
        if v_i.shape != like_i.shape:
            entry = f"Entry {i} in " if like_is_tuple else ""
            raise RuntimeError(f"{entry}v has invalid size: should be {like_i.size()} but got {v_i.size()}.")


def _prepare_v(v: Any, like: tuple[Tensor, ...], like_is_tuple: bool, create_graph: bool, fn_name: str,
               none_error: str) -> tuple[Tensor, ...] | None:
    """Check the user's ``v`` against ``like``; ``None`` is allowed only for one single-element Tensor."""
    if v is None:
        if len(like) != 1 or like[0].numel() != 1:
            raise RuntimeError(none_error)
        return None
    _, v = _as_tuple(v, "v", fn_name)
    v = _prepare(v, create_graph, need_graph=False)
    _validate_v(v, like, like_is_tuple)
    return v


_V_NONE_FOR_OUTPUT = ("The vector v can only be None if the user-provided function returns a single Tensor with "
                      "a single element.")
_V_NONE_FOR_INPUT = ("The vector v can only be None if the input to the user-provided function is a single "
                     "Tensor with a single element.")

# Raised in strict mode by _check_requires_grad when a Tensor does not require grad.
_NO_GRAD_ERRORS = {
    "outputs": ("Output {i} of the user-provided function does not require gradients. The outputs must be "
                "computed in a differentiable manner from the input when running in strict mode."),
    "grad_inputs": ("The gradient with respect to input {i} is independent of the inputs of the user-provided "
                    "function. This is not allowed in strict mode."),
    "jacobian": ("While computing the hessian, found that the jacobian of the user-provided function with "
                 "respect to input {i} is independent of the input. This is not allowed in strict mode. You "
                 "should ensure that your function is twice differentiable and that the jacobian depends on the "
                 "inputs (this would be violated by a linear function for example)."),
}


def _check_requires_grad(tensors: tuple[Tensor | None, ...], kind: str, strict: bool) -> None:
    """In strict mode, every Tensor (``outputs``, ``grad_inputs``, a ``jacobian``) must require grad."""
    if not strict:
        return
    for i, t in enumerate(tensors):
        if t is None:
            raise RuntimeError(
                f"The output of the user-provided function is independent of input {i}. "
                "This is not allowed in strict mode."
            )
        if not t.requires_grad:
            raise RuntimeError(_NO_GRAD_ERRORS[kind].format(i=i))


def _grad(outputs: tuple[Tensor | None, ...], inputs: tuple[Tensor, ...], grad_outputs: Any = None,
          create_graph: bool = False, retain_graph: bool | None = None,
          is_grads_batched: bool = False) -> tuple[Tensor | None, ...]:
    """``autograd.grad`` that skips outputs which are None or do not require grad.

    Gives None for every input when no output is differentiable, and for an input no
    output depends on.
    """
    from . import grad

    if grad_outputs is None:
        grad_outputs = (None,) * len(outputs)
    kept = [(out, g) for out, g in zip(outputs, grad_outputs, strict=True) if out is not None and out.requires_grad]
    if not kept:
        return (None,) * len(inputs)
    return grad(tuple(out for out, _ in kept), inputs, tuple(g for _, g in kept), retain_graph=retain_graph,
                create_graph=create_graph, allow_unused=True, is_grads_batched=is_grads_batched)


# The first-order pass is "back", the double-backward trick's is "back_trick"; "double_*"
# differentiate a gradient (vhp, hvp).
_INDEPENDENT_ERRORS = {
    "back": "The output of the user-provided function is independent of input {i}. This is not allowed in "
            "strict mode.",
    "back_trick": "The gradient with respect to the input is independent of entry {i} in the grad_outputs when "
                  "using the double backward trick to compute forward mode gradients. This is not allowed in "
                  "strict mode.",
    "double_back": "The jacobian of the user-provided function is independent of input {i}. This is not allowed "
                   "in strict mode.",
    "double_back_trick": "The hessian of the user-provided function is independent of entry {i} in the "
                         "grad_jacobian. This is not allowed in strict mode as it prevents from using the double "
                         "backward trick to replace forward mode AD.",
}


def _zeros_for_none(grads: tuple[Tensor | None, ...], like: tuple[Tensor, ...], strict: bool, create_graph: bool,
                    stage: str) -> tuple[Tensor, ...]:
    """Zeros shaped like ``like[i]`` where ``grads[i]`` is None; in strict mode, errors instead.

    In strict mode with ``create_graph``, a gradient that does not require grad is an
    error too: its derivative would silently be zero.
    """
    result = []
    for i, g in enumerate(grads):
        if g is None:
            if strict:
                raise RuntimeError(_INDEPENDENT_ERRORS[stage].format(i=i))
            g = zeros_like(like[i])
        elif strict and create_graph and not g.requires_grad:
            what = "hessian" if stage.startswith("double") else "jacobian"
            raise RuntimeError(
                f"The {what} of the user-provided function is independent of input {i}. This is not allowed in "
                "strict mode when create_graph=True."
            )
        result.append(g)
    return tuple(result)


def _single_scalar_output(outputs: tuple[Tensor, ...], outputs_is_tuple: bool, fn_name: str) -> None:
    """hvp, vhp and hessian need a function that returns one Tensor with one element."""
    if outputs_is_tuple:
        raise RuntimeError(f"The function given to {fn_name} should return a single Tensor")
    if outputs[0].numel() != 1:
        raise RuntimeError(f"The Tensor returned by the function given to {fn_name} should contain a single element")


# --- the public API -------------------------------------------------------------------------------


def vjp(func: Callable[..., Any], inputs: Any, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple[Any, Any]:
    """The vector-Jacobian product ``v^T J`` of ``func`` at ``inputs``: ``(func_output, vjp)``.

    ``v`` is shaped like the output (optional when that is one single-element Tensor);
    ``vjp`` is shaped like ``inputs``, zeros for an input the outputs do not depend on
    (an error when ``strict``). Both are detached unless ``create_graph``.

    >>> import ember
    >>> from ember.autograd.functional import vjp
    >>> out, g = vjp(lambda x: x ** 2, ember.tensor([1.0, 2.0]), ember.tensor([1.0, 10.0]))
    >>> out, g
    (tensor([1., 4.]), tensor([ 2., 40.]))
    """
    with enable_grad():
        inputs_is_tuple, inputs = _as_tuple(inputs, "inputs", "vjp")
        inputs = _prepare(inputs, create_graph, need_graph=True)
        outputs_is_tuple, outputs = _as_tuple(func(*inputs), _OUTPUTS, "vjp")
        _check_requires_grad(outputs, "outputs", strict)
        v = _prepare_v(v, outputs, outputs_is_tuple, create_graph, "vjp", _V_NONE_FOR_OUTPUT)

    with set_grad_enabled(create_graph or is_grad_enabled()):
        grads = _grad(outputs, inputs, v, create_graph=create_graph)
        result = _zeros_for_none(grads, inputs, strict, create_graph, "back")

    return (_unpack(_finish(outputs, create_graph), outputs_is_tuple),
            _unpack(_finish(result, create_graph), inputs_is_tuple))


def jvp(func: Callable[..., Any], inputs: Any, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple[Any, Any]:
    """The Jacobian-vector product ``J v`` of ``func`` at ``inputs``: ``(func_output, jvp)``.

    ``v`` is shaped like ``inputs`` (optional when that is one single-element Tensor);
    ``jvp`` is shaped like the output. Computed by the double-backward trick: with
    ``u`` a dummy gradient for the outputs, ``g(u) = J^T u`` is linear in ``u``, and
    the vjp of ``g`` with ``v`` is ``J v``.

    >>> import ember
    >>> from ember.autograd.functional import jvp
    >>> out, t = jvp(lambda x, y: x * y, (ember.tensor([1.0, 2.0]), ember.tensor([3.0, 4.0])),
    ...              (ember.tensor([1.0, 1.0]), ember.tensor([0.0, 1.0])))
    >>> out, t
    (tensor([3., 8.]), tensor([3., 6.]))
    """
    with enable_grad():
        inputs_is_tuple, inputs = _as_tuple(inputs, "inputs", "jvp")
        inputs = _prepare(inputs, create_graph, need_graph=True)
        v = _prepare_v(v, inputs, inputs_is_tuple, create_graph, "jvp", _V_NONE_FOR_INPUT)
        outputs_is_tuple, outputs = _as_tuple(func(*inputs), _OUTPUTS, "jvp")
        _check_requires_grad(outputs, "outputs", strict)
        # The backward pass is linear in these, so their value is irrelevant as long as it
        # is finite: zeros keep NaN and inf out of the double-backward graph.
        dummies = tuple(zeros_like(out, requires_grad=True) for out in outputs)
        grad_inputs = _grad(outputs, inputs, dummies, create_graph=True)
        _check_requires_grad(grad_inputs, "grad_inputs", strict)

    with set_grad_enabled(create_graph or is_grad_enabled()):
        grads = _grad(grad_inputs, dummies, v, create_graph=create_graph)
        result = _zeros_for_none(grads, outputs, strict, create_graph, "back_trick")

    return (_unpack(_finish(outputs, create_graph), outputs_is_tuple),
            _unpack(_finish(result, create_graph), outputs_is_tuple))


def _standard_basis(outputs: tuple[Tensor, ...], numels: tuple[int, ...]) -> tuple[Tensor, ...]:
    """The rows of the ``N x N`` identity (``N = sum(numels)``), split by columns among ``outputs``.

    Row ``r`` of the result, taken across all chunks, is the one-hot ``grad_outputs``
    that picks element ``r`` of the flattened, concatenated outputs.
    """
    total = sum(numels)
    eyes: dict[tuple[Any, Any], Tensor] = {}  # one identity per dtype and device; chunks are views of it
    chunks, start = [], 0
    for out, n in zip(outputs, numels, strict=True):
        key = (out.dtype, out.device)
        if key not in eyes:
            eyes[key] = eye(total, dtype=out.dtype, device=out.device)
        chunks.append(getitem(eyes[key], (slice(None), slice(start, start + n))))
        start += n
    return tuple(chunks)


def _jacobian_vectorized(inputs: tuple[Tensor, ...], outputs: tuple[Tensor, ...],
                         create_graph: bool) -> tuple[tuple[Tensor, ...], ...]:
    """All rows at once, as ``vjp`` of the flat outputs with the standard basis as a batch of ``v``."""
    numels = tuple(out.numel() for out in outputs)
    total = sum(numels)
    per_input: tuple[Tensor | None, ...] = (None,) * len(inputs)
    if total:
        flat = tuple(reshape(out, -1) for out in outputs)
        per_input = _grad(flat, inputs, _standard_basis(outputs, numels), create_graph=create_graph,
                          is_grads_batched=True)
    rows = [expand(zeros_like(inp), (total, *inp.shape)) if g is None else g
            for g, inp in zip(per_input, inputs, strict=True)]
    jac = []
    for i, out in enumerate(outputs):
        start = sum(numels[:i])
        jac.append(tuple(reshape(getitem(rows[j], slice(start, start + numels[i])), (*out.shape, *inp.shape))
                         for j, inp in enumerate(inputs)))
    return tuple(jac)


def _jacobian_rows(inputs: tuple[Tensor, ...], outputs: tuple[Tensor, ...], create_graph: bool,
                   strict: bool) -> tuple[tuple[Tensor, ...], ...]:
    """One backward pass per element of each output, each giving one row per input."""
    jac = []
    for i, out in enumerate(outputs):
        rows: list[list[Tensor]] = [[] for _ in inputs]
        flat = reshape(out, -1)
        n = out.numel()
        # Row k is the backward pass of the one-hot gradient e_k from the flattened output
        # (what PyTorch's ``flat[k]`` and its SelectBackward give), every row through one
        # plan: the graph is walked once, not once per row.
        plan = make_plan((flat,), inputs, accumulate=False) if out.requires_grad and n else None
        for k in range(n):
            if plan is None:
                grads: Any = (None,) * len(inputs)
            else:
                onehot = np.zeros(n, flat._data.dtype)
                onehot[k] = 1
                grads = run_backward((flat,), (Tensor._make(onehot, None),), True, create_graph, inputs,
                                     accumulate=False, plan=plan)
            for j, (g, inp) in enumerate(zip(grads, inputs, strict=True)):
                if g is None:
                    if strict:
                        raise RuntimeError(
                            f"Output {i} of the user-provided function is independent of input {j}. This is not "
                            "allowed in strict mode."
                        )
                    g = zeros_like(inp)
                elif strict and create_graph and not g.requires_grad:
                    raise RuntimeError(
                        f"The jacobian of the user-provided function is independent of input {j}. This is not "
                        "allowed in strict mode when create_graph=True."
                    )
                rows[j].append(g)
        jac.append(tuple(view(stack(r), (*out.shape, *inp.shape)) if r else
                         zeros((*out.shape, *inp.shape), dtype=inp.dtype, device=inp.device)
                         for r, inp in zip(rows, inputs, strict=True)))
    return tuple(jac)


def jacobian(func: Callable[..., Any], inputs: Any, create_graph: bool = False, strict: bool = False,
             vectorize: bool = False, strategy: str = "reverse-mode") -> Any:
    """The Jacobian of ``func`` at ``inputs``.

    A Tensor for one input and one output, of shape ``output.shape + input.shape``; a
    tuple over inputs (or over outputs) when one of them is a tuple, and a tuple of
    tuples ``J[i][j]`` (output ``i``, input ``j``) when both are. Zeros where an output
    does not depend on an input (an error when ``strict``). ``vectorize=True`` gives the
    same values through ``autograd.grad(..., is_grads_batched=True)``, which ember runs
    as a loop. ``strategy="forward-mode"`` raises NotImplementedError: ember has no
    forward-mode AD.

    >>> import ember
    >>> from ember.autograd.functional import jacobian
    >>> jacobian(lambda x, y: x * y, (ember.tensor([1.0, 2.0]), ember.tensor([3.0, 4.0])))
    (tensor([[3., 0.],
            [0., 4.]]), tensor([[1., 0.],
            [0., 2.]]))
    """
    if strategy not in ("forward-mode", "reverse-mode"):
        raise AssertionError(
            'Expected strategy to be either "forward-mode" or "reverse-mode". Hint: If your function has more '
            'outputs than inputs, "forward-mode" tends to be more performant. Otherwise, prefer to use '
            '"reverse-mode".'
        )
    if strategy == "forward-mode":
        _forward_mode_jacobian(inputs, create_graph, strict, vectorize)

    with enable_grad():
        inputs_is_tuple, inputs = _as_tuple(inputs, "inputs", "jacobian")
        inputs = _prepare(inputs, create_graph, need_graph=True)
        outputs_is_tuple, outputs = _as_tuple(func(*inputs), _OUTPUTS, "jacobian")
        _check_requires_grad(outputs, "outputs", strict)
        if vectorize:
            if strict:
                raise RuntimeError(
                    "ember.autograd.functional.jacobian: `strict=True` and `vectorized=True` are not supported "
                    "together. Please either set `strict=False` or `vectorize=False`."
                )
            jac = _jacobian_vectorized(inputs, outputs, create_graph)
        else:
            jac = _jacobian_rows(inputs, outputs, create_graph, strict)
        return _unpack(_finish(jac, create_graph), (outputs_is_tuple, inputs_is_tuple))


def _forward_mode_jacobian(inputs: Any, create_graph: bool, strict: bool, vectorize: bool) -> None:
    """``strategy="forward-mode"``: PyTorch's argument checks in its order, then ember's missing feature."""
    if create_graph:
        raise NotImplementedError(
            'ember.autograd.functional.jacobian: `create_graph=True` and `strategy="forward-mode"` are not '
            'supported together (yet). Please either set `create_graph=False` or `strategy="reverse-mode"`.'
        )
    if strict:
        raise RuntimeError(
            'ember.autograd.functional.jacobian: `strict=True` and `strategy="forward-mode"` are not supported '
            'together (yet). Please either set `strict=False` or `strategy="reverse-mode"`.'
        )
    _as_tuple(inputs, "inputs", "jacobian")
    if not vectorize:
        raise NotImplementedError(
            "Computing Jacobian using forward-AD or forward-over-reverse Hessian is only implemented for "
            "`vectorize=True`."
        )
    raise NotImplementedError(
        'jacobian(..., strategy="forward-mode") needs forward-mode AD, which ember does not implement; '
        'use strategy="reverse-mode" (the default; see docs/differences.md#forward-mode-ad).'
    )


def hessian(func: Callable[..., Any], inputs: Any, create_graph: bool = False, strict: bool = False,
            vectorize: bool = False, outer_jacobian_strategy: str = "reverse-mode") -> Any:
    """The Hessian of the scalar function ``func`` at ``inputs``: the Jacobian of its gradient.

    A Tensor of shape ``input.shape + input.shape`` for one input; a tuple of tuples
    ``H[i][j]`` of shape ``inputs[i].shape + inputs[j].shape`` for a tuple of inputs.
    ``func`` must return one Tensor with one element.

    >>> import ember
    >>> from ember.autograd.functional import hessian
    >>> hessian(lambda x: (x ** 3).sum(), ember.tensor([1.0, 2.0]))
    tensor([[ 6.,  0.],
            [ 0., 12.]])
    """
    inputs_is_tuple, inputs = _as_tuple(inputs, "inputs", "hessian")
    if outer_jacobian_strategy not in ("forward-mode", "reverse-mode"):
        raise AssertionError('Expected strategy to be either "forward-mode" or "reverse-mode".')

    def scalar_func(*args: Tensor) -> Tensor:
        out = func(*args)
        out_is_tuple, outs = _as_tuple(out, _OUTPUTS, "hessian")
        _check_requires_grad(outs, "outputs", strict)
        _single_scalar_output(outs, out_is_tuple, "hessian")
        return out.squeeze()

    def gradient(*args: Tensor) -> tuple[Tensor, ...]:
        if outer_jacobian_strategy == "forward-mode":
            args = tuple(a.requires_grad_(True) for a in args)
        grads = jacobian(scalar_func, args, create_graph=True)
        _check_requires_grad(grads, "jacobian", strict)
        return grads

    result = jacobian(gradient, inputs, create_graph=create_graph, strict=strict, vectorize=vectorize,
                      strategy=outer_jacobian_strategy)
    return _unpack(result, (inputs_is_tuple, inputs_is_tuple))


def vhp(func: Callable[..., Any], inputs: Any, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple[Any, Any]:
    """The vector-Hessian product ``v^T H`` of the scalar ``func`` at ``inputs``: ``(func_output, vhp)``.

    ``v`` is shaped like ``inputs`` (optional when that is one single-element Tensor).
    Computed as the gradient of ``<grad func, v>``: two backward passes.

    >>> import ember
    >>> from ember.autograd.functional import vhp
    >>> out, h = vhp(lambda x: (x ** 3).sum(), ember.tensor([1.0, 2.0]), ember.tensor([1.0, 1.0]))
    >>> out, h
    (tensor(9.), tensor([ 6., 12.]))
    """
    with enable_grad():
        inputs_is_tuple, inputs = _as_tuple(inputs, "inputs", "vhp")
        inputs = _prepare(inputs, create_graph, need_graph=True)
        v = _prepare_v(v, inputs, inputs_is_tuple, create_graph, "vhp", _V_NONE_FOR_INPUT)
        outputs_is_tuple, outputs = _as_tuple(func(*inputs), _OUTPUTS, "vhp")
        _check_requires_grad(outputs, "outputs", strict)
        _single_scalar_output(outputs, outputs_is_tuple, "vhp")
        first = _grad(outputs, inputs, create_graph=True)
        _check_requires_grad(first, "jacobian", strict)

    with set_grad_enabled(create_graph or is_grad_enabled()):
        grads = _grad(first, inputs, v, create_graph=create_graph)
        result = _zeros_for_none(grads, inputs, strict, create_graph, "double_back")

    return (_unpack(_finish(outputs, create_graph), outputs_is_tuple),
            _unpack(_finish(result, create_graph), inputs_is_tuple))


def hvp(func: Callable[..., Any], inputs: Any, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple[Any, Any]:
    """The Hessian-vector product ``H v`` of the scalar ``func`` at ``inputs``: ``(func_output, hvp)``.

    ``v`` is shaped like ``inputs`` (optional when that is one single-element Tensor).
    Computed by the double-backward trick on the gradient (three backward passes); for
    a twice continuously differentiable ``func``, ``H`` is symmetric and ``vhp`` gives
    the same values more cheaply.

    >>> import ember
    >>> from ember.autograd.functional import hvp
    >>> out, h = hvp(lambda x: (x ** 3).sum(), ember.tensor([1.0, 2.0]), ember.tensor([1.0, 0.0]))
    >>> out, h
    (tensor(9.), tensor([6., 0.]))
    """
    with enable_grad():
        inputs_is_tuple, inputs = _as_tuple(inputs, "inputs", "hvp")
        inputs = _prepare(inputs, create_graph, need_graph=True)
        v = _prepare_v(v, inputs, inputs_is_tuple, create_graph, "hvp", _V_NONE_FOR_INPUT)
        outputs_is_tuple, outputs = _as_tuple(func(*inputs), _OUTPUTS, "hvp")
        _check_requires_grad(outputs, "outputs", strict)
        _single_scalar_output(outputs, outputs_is_tuple, "hvp")
        first = _grad(outputs, inputs, create_graph=True)
        _check_requires_grad(first, "jacobian", strict)
        # H^T u for a dummy u (linear in u, so zeros serve); its vjp with v is H v.
        dummies = tuple(zeros_like(inp, requires_grad=True) for inp in inputs)
        second = _grad(first, inputs, dummies, create_graph=True)

    with set_grad_enabled(create_graph or is_grad_enabled()):
        grads = _grad(second, dummies, v, create_graph=create_graph)
        result = _zeros_for_none(grads, inputs, strict, create_graph, "double_back_trick")

    return (_unpack(_finish(outputs, create_graph), outputs_is_tuple),
            _unpack(_finish(result, create_graph), inputs_is_tuple))
