"""Optimizer: the base class of ember's optimizers, with ``torch.optim.Optimizer``'s contract.

An optimizer holds ``param_groups`` (a list of dicts: ``"params"``, a list of leaf tensors,
and that group's options, which default to ``defaults``) and ``state`` (a dict keyed by the
parameter tensor, holding its buffers as ember tensors). ``state_dict()`` replaces tensors
by their index in the order of the groups, exactly as PyTorch does, so a state dict looks
the same as PyTorch's: ``{"state": {0: {"step": tensor(3.), ...}}, "param_groups": [{...,
"params": [0, 1]}]}``.

Subclasses update parameters in place on the arrays behind the tensors (``p._data``), with
NumPy, recording nothing, and bump each parameter's version counter once per write so that
autograd sees the change (a graph that saved the old value then raises PyTorch's "modified
by an inplace operation" error). The order of the float32 operations follows PyTorch's
single-tensor (``foreach=False``) implementations, which is what PyTorch runs on the CPU.

>>> import ember
>>> from ember.optim import SGD
>>> w = ember.tensor([1.0, 2.0], requires_grad=True)
>>> opt = SGD([w], lr=0.5)
>>> (w * w).sum().backward()
>>> opt.step()
>>> w
tensor([0., 0.], requires_grad=True)
>>> opt.zero_grad()
>>> w.grad is None
True
"""

from __future__ import annotations

import functools
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable
from copy import deepcopy
from itertools import chain
from typing import Any

import numpy as np

from .._tensor import Tensor
from ..autograd.grad_mode import enable_grad
from ..autograd.graph import RemovableHandle

__all__ = ["Optimizer", "required", "register_optimizer_step_pre_hook", "register_optimizer_step_post_hook"]


class _RequiredParameter:
    """Singleton marking an option that a param group must give (SGD's lr in old PyTorch)."""

    def __repr__(self) -> str:
        return "<required parameter>"


required = _RequiredParameter()

_global_step_pre_hooks: OrderedDict[int, Callable] = OrderedDict()
_global_step_post_hooks: OrderedDict[int, Callable] = OrderedDict()


def register_optimizer_step_pre_hook(hook: Callable) -> RemovableHandle:
    """Call ``hook(optimizer, args, kwargs)`` before every optimizer's ``step``."""
    handle = RemovableHandle(_global_step_pre_hooks)
    _global_step_pre_hooks[handle.id] = hook
    return handle


def register_optimizer_step_post_hook(hook: Callable) -> RemovableHandle:
    """Call ``hook(optimizer, args, kwargs)`` after every optimizer's ``step``."""
    handle = RemovableHandle(_global_step_post_hooks)
    _global_step_post_hooks[handle.id] = hook
    return handle


def _with_step_hooks(step: Callable) -> Callable:
    """Wrap a subclass's ``step`` so that the step pre- and post-hooks run around it."""

    @functools.wraps(step)
    def wrapper(self: Optimizer, *args: Any, **kwargs: Any) -> Any:
        for pre_hook in chain(_global_step_pre_hooks.values(), self._optimizer_step_pre_hooks.values()):
            result = pre_hook(self, args, kwargs)
            if result is not None:
                if isinstance(result, tuple) and len(result) == 2:
                    args, kwargs = result
                else:
                    raise RuntimeError(
                        f"{step} must return None or a tuple of (new_args, new_kwargs), but got {result}."
                    )
        out = step(self, *args, **kwargs)
        for post_hook in chain(self._optimizer_step_post_hooks.values(), _global_step_post_hooks.values()):
            post_hook(self, args, kwargs)
        return out

    wrapper._hooked = True  # type: ignore[attr-defined]
    return wrapper


def _typename(obj: Any) -> str:
    return obj.type() if isinstance(obj, Tensor) else type(obj).__name__


class Optimizer:
    """Base class for all optimizers.

    Args:
        params: an iterable of tensors, of ``(name, tensor)`` pairs, or of dicts (param
            groups, each with a ``"params"`` entry and any options that override
            ``defaults``).
        defaults: the default value of each option, for groups that do not set it.
    """

    def __init__(self, params: Any, defaults: dict[str, Any]) -> None:
        self.defaults = defaults
        self._optimizer_step_pre_hooks: OrderedDict[int, Callable] = OrderedDict()
        self._optimizer_step_post_hooks: OrderedDict[int, Callable] = OrderedDict()
        self._optimizer_state_dict_pre_hooks: OrderedDict[int, Callable] = OrderedDict()
        self._optimizer_state_dict_post_hooks: OrderedDict[int, Callable] = OrderedDict()
        self._optimizer_load_state_dict_pre_hooks: OrderedDict[int, Callable] = OrderedDict()
        self._optimizer_load_state_dict_post_hooks: OrderedDict[int, Callable] = OrderedDict()
        if isinstance(params, Tensor):
            raise TypeError(
                "params argument given to the optimizer should be an iterable of Tensors or dicts, but got "
                + _typename(params)
            )
        self.state: defaultdict[Any, dict[str, Any]] = defaultdict(dict)
        self.param_groups: list[dict[str, Any]] = []
        param_groups = list(params)
        if len(param_groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for param_group in param_groups:
            self.add_param_group(param_group)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        step = cls.__dict__.get("step")
        if step is not None and not getattr(step, "_hooked", False):
            cls.step = _with_step_hooks(step)  # type: ignore[method-assign]

    # -- pickling and repr ------------------------------------------------------------
    def __getstate__(self) -> dict[str, Any]:
        return {"defaults": self.defaults, "state": self.state, "param_groups": self.param_groups}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        for name in ("step_pre", "step_post", "state_dict_pre", "state_dict_post",
                     "load_state_dict_pre", "load_state_dict_post"):
            self.__dict__.setdefault(f"_optimizer_{name}_hooks", OrderedDict())
        self.defaults.setdefault("differentiable", False)
        # Options added since a state dict was written take their defaults (PyTorch does
        # this option by option in each subclass), and a step saved as a number becomes
        # the float32 0-d tensor that PyTorch 2.x keeps.
        for group in self.param_groups:
            for name, default in self.defaults.items():
                if default is not required and name != "lr":
                    group.setdefault(name, default)
            for p in group["params"]:
                p_state = self.state.get(p)
                if p_state and "step" in p_state and not isinstance(p_state["step"], Tensor):
                    p_state["step"] = _scalar_tensor(float(p_state["step"]))

    def __repr__(self) -> str:
        out = self.__class__.__name__ + " ("
        for i, group in enumerate(self.param_groups):
            out += f"\nParameter Group {i}\n"
            for key in sorted(group.keys()):
                if key != "params":
                    out += f"    {key}: {group[key]}\n"
        return out + ")"

    # -- hooks --------------------------------------------------------------------------
    def _register(self, hooks: OrderedDict[int, Callable], hook: Callable, prepend: bool = False) -> RemovableHandle:
        handle = RemovableHandle(hooks)
        hooks[handle.id] = hook
        if prepend:
            hooks.move_to_end(handle.id, last=False)
        return handle

    def register_step_pre_hook(self, hook: Callable) -> RemovableHandle:
        """Call ``hook(optimizer, args, kwargs)`` before ``step``; it may return new ``(args, kwargs)``."""
        return self._register(self._optimizer_step_pre_hooks, hook)

    def register_step_post_hook(self, hook: Callable) -> RemovableHandle:
        """Call ``hook(optimizer, args, kwargs)`` after ``step``."""
        return self._register(self._optimizer_step_post_hooks, hook)

    def register_state_dict_pre_hook(self, hook: Callable, prepend: bool = False) -> RemovableHandle:
        return self._register(self._optimizer_state_dict_pre_hooks, hook, prepend)

    def register_state_dict_post_hook(self, hook: Callable, prepend: bool = False) -> RemovableHandle:
        return self._register(self._optimizer_state_dict_post_hooks, hook, prepend)

    def register_load_state_dict_pre_hook(self, hook: Callable, prepend: bool = False) -> RemovableHandle:
        return self._register(self._optimizer_load_state_dict_pre_hooks, hook, prepend)

    def register_load_state_dict_post_hook(self, hook: Callable, prepend: bool = False) -> RemovableHandle:
        return self._register(self._optimizer_load_state_dict_post_hooks, hook, prepend)

    # -- state dicts ----------------------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        """The optimizer's state, with parameters replaced by their indices (PyTorch's format).

        As in PyTorch, the per-parameter dicts and their tensors are the live ones, not copies.
        """
        for pre_hook in self._optimizer_state_dict_pre_hooks.values():
            pre_hook(self)
        param_mappings: dict[int, int] = {}
        start_index = 0

        def pack_group(group: dict[str, Any]) -> dict[str, Any]:
            nonlocal start_index
            packed = {k: v for k, v in group.items() if k != "params"}
            param_mappings.update(
                {id(p): i for i, p in enumerate(group["params"], start_index) if id(p) not in param_mappings}
            )
            packed["params"] = [param_mappings[id(p)] for p in group["params"]]
            start_index += len(packed["params"])
            return packed

        param_groups = [pack_group(g) for g in self.param_groups]
        packed_state = {
            (param_mappings[id(k)] if isinstance(k, Tensor) else k): v for k, v in self.state.items()
        }
        state_dict: dict[str, Any] = {"state": packed_state, "param_groups": param_groups}
        for post_hook in self._optimizer_state_dict_post_hooks.values():
            result = post_hook(self, state_dict)
            if result is not None:
                state_dict = result
        return state_dict

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Load a state from ``state_dict()`` (the groups must match in number and size).

        Floating-point state tensors are cast to their parameter's dtype (``step`` is kept
        as it is); as in PyTorch, tensors that need no cast are shared with ``state_dict``,
        not copied.
        """
        state_dict = state_dict.copy()
        for pre_hook in self._optimizer_load_state_dict_pre_hooks.values():
            result = pre_hook(self, state_dict)
            if result is not None:
                state_dict = result
        groups = self.param_groups
        saved_groups = deepcopy(state_dict["param_groups"])
        if len(groups) != len(saved_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(g["params"]) != len(s["params"]) for g, s in zip(groups, saved_groups, strict=True)):
            raise ValueError(
                "loaded state dict contains a parameter group that doesn't match the size of optimizer's group"
            )
        id_map = dict(
            zip(
                chain.from_iterable(g["params"] for g in saved_groups),
                chain.from_iterable(g["params"] for g in groups),
                strict=True,
            )
        )

        def cast(param: Tensor, value: Any, key: Any = None) -> Any:
            if isinstance(value, Tensor):
                if key != "step" and param._data.dtype.kind in "fc" and value._data.dtype != param._data.dtype:
                    return Tensor._make(value._data.astype(param._data.dtype), None)
                return value
            if isinstance(value, dict):
                return {k: cast(param, v, k) for k, v in value.items()}
            if isinstance(value, (list, tuple)):
                return type(value)(cast(param, v) for v in value)
            return value

        state: defaultdict[Any, dict[str, Any]] = defaultdict(dict)
        for k, v in state_dict["state"].items():
            if k in id_map:
                state[id_map[k]] = cast(id_map[k], v)
            else:
                state[k] = v

        def update_group(group: dict[str, Any], new_group: dict[str, Any]) -> dict[str, Any]:
            new_group["params"] = group["params"]
            if "param_names" in group and "param_names" not in new_group:
                new_group["param_names"] = group["param_names"]
            return new_group

        param_groups = [update_group(g, ng) for g, ng in zip(groups, saved_groups, strict=True)]
        self.__setstate__({"state": state, "param_groups": param_groups})
        for post_hook in self._optimizer_load_state_dict_post_hooks.values():
            post_hook(self)

    # -- gradients and groups -------------------------------------------------------------
    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset the gradients of all parameters: to None (the default), or to zeros in place."""
        for group in self.param_groups:
            for p in group["params"]:
                g = p._grad
                if g is None:
                    continue
                if set_to_none:
                    p._grad = None
                else:
                    if g._grad_fn is not None:
                        g.detach_()
                    else:
                        g._rg = False
                    g._data[...] = 0
                    g._vc[0] += 1

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Perform one optimization step (each subclass implements it)."""
        raise NotImplementedError

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group of parameters (with its own options) to ``param_groups``."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group)}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            param_group["params"] = [params]
        elif isinstance(params, set):
            raise TypeError(
                "optimizer parameters need to be organized in ordered collections, but "
                "the ordering of tensors in sets will change between runs. Please use a list instead."
            )
        else:
            param_group["params"] = list(params)
        tensors, names = [], []
        for param in param_group["params"]:
            if isinstance(param, tuple):
                names.append(param[0])
                tensors.append(param[1])
            else:
                tensors.append(param)
        param_group["params"] = tensors
        if names:
            if len(names) != len(tensors):
                raise ValueError("all optimizer params should be with/without names. Some param names are missing")
            param_group["param_names"] = names
        for param in tensors:
            if not isinstance(param, Tensor):
                raise TypeError("optimizer can only optimize Tensors, but one of the params is " + _typename(param))
            if not self.defaults.get("differentiable", None) and not (param.is_leaf or param.retains_grad):
                raise ValueError("can't optimize a non-leaf Tensor")
        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError(f"parameter group didn't specify a value of required optimization parameter {name}")
            param_group.setdefault(name, default)
        if len(tensors) != len(set(tensors)):
            import warnings

            warnings.warn(
                "optimizer contains a parameter group with duplicate parameters; "
                "in future, this will cause an error; "
                "see github.com/pytorch/pytorch/issues/40967 for more information",
                stacklevel=3,
            )
        param_set: set[Tensor] = set()
        for group in self.param_groups:
            param_set.update(group["params"])
            if ("param_names" in param_group) != ("param_names" in group):
                which = "with names" if "param_names" in param_group else "without names"
                raise ValueError(
                    "all optimizer param groups should be with/without names. "
                    f"cannot add param group {which} to the optimizer"
                )
        if not param_set.isdisjoint(tensors):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    # -- helpers for subclasses ---------------------------------------------------------
    def _params_with_grad(self, group: dict[str, Any]) -> Iterable[Tensor]:
        """The group's parameters that have a gradient (the others are skipped, as in PyTorch)."""
        return [p for p in group["params"] if p._grad is not None]


# ---------------------------------------------------------------------------------------
# Shared pieces of the optimizers: option checks, state tensors, and the in-place kernels,
# written to round as PyTorch's CPU kernels do (a Python float is cast to the array's dtype).
# ---------------------------------------------------------------------------------------
def _to_scalar(x: Any) -> Any:
    """A learning rate or beta given as a one-element tensor, as a Python number."""
    return x.item() if isinstance(x, Tensor) else x


def _check_lr(lr: Any) -> None:
    if isinstance(lr, Tensor) and lr.numel() != 1:
        raise ValueError("Tensor lr must be 1-element")
    if not 0.0 <= _to_scalar(lr):
        raise ValueError(f"Invalid learning rate: {lr}")


def _check_nonneg(value: Any, what: str) -> None:
    if not 0.0 <= value:
        raise ValueError(f"Invalid {what}: {value}")


def _check_betas(betas: Any) -> None:
    if not 0.0 <= _to_scalar(betas[0]) < 1.0:
        raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
    if not 0.0 <= _to_scalar(betas[1]) < 1.0:
        raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")


def _check_unsupported(differentiable: bool) -> None:
    if differentiable:
        raise NotImplementedError("ember.optim: differentiable=True (recording the step for autograd) is not supported")


def _closure_loss(closure: Callable[[], Any] | None) -> Any:
    if closure is None:
        return None
    with enable_grad():
        return closure()


def _scalar_tensor(value: float) -> Tensor:
    """A 0-d float32 tensor: how PyTorch 2.x keeps ``state["step"]`` (and NAdam's ``mu_product``)."""
    return Tensor._make(np.array(value, dtype=np.float32), None)


def _zeros_like(p: Tensor) -> Tensor:
    return Tensor._make(np.zeros_like(p._data), None)


def _bump_step(state: dict[str, Any]) -> float:
    """``state["step"] += 1`` (in float32, as PyTorch), returning the new step as a Python float."""
    step = state["step"]
    step._data += 1
    step._vc[0] += 1
    return float(step._data)


def _grad_of(p: Tensor, maximize: bool) -> np.ndarray:
    g = p._grad._data  # type: ignore[union-attr]
    return -g if maximize else g


def _real(a: np.ndarray) -> np.ndarray:
    """A complex array as a real array of twice the last dimension (``view_as_real``), sharing memory."""
    if a.dtype.kind != "c":
        return a
    return a.view(a.real.dtype) if a.ndim else a.reshape(1).view(a.real.dtype)


def _lerp_(a: np.ndarray, b: np.ndarray, weight: float) -> None:
    """``a.lerp_(b, weight)``, with PyTorch's two formulas for small and large weights."""
    w = a.dtype.type(weight)
    if abs(w) < 0.5:
        a += w * (b - a)
    else:
        a[...] = b - (b - a) * (1 - w)


def _addcmul_(a: np.ndarray, t1: np.ndarray, t2: np.ndarray, value: float) -> None:
    """``a.addcmul_(t1, t2, value=value)``: ``a + value * t1 * t2``."""
    a += a.dtype.type(value) * t1 * t2


def _addcdiv_(a: np.ndarray, t1: np.ndarray, t2: np.ndarray, value: float) -> None:
    """``a.addcdiv_(t1, t2, value=value)``: ``a + value * t1 / t2``."""
    a += a.dtype.type(value) * t1 / t2
