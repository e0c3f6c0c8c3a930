"""Adagrad, as ``torch.optim.Adagrad``.

Per step: ``clr = lr / (1 + (step - 1) * lr_decay)``; ``s += g * g``; ``p -= clr * g /
(sqrt(s) + eps)``. As in PyTorch, the state (``step`` and ``sum``, which starts at
``initial_accumulator_value``) is made for every parameter when the optimizer is built.

>>> import ember
>>> from ember.optim import Adagrad
>>> w = ember.tensor([1.0], requires_grad=True)
>>> opt = Adagrad([w], lr=0.1)
>>> w.grad = ember.tensor([2.0])
>>> _ = opt.step()
>>> w
tensor([0.9000], requires_grad=True)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .._tensor import Tensor
from .optimizer import (
    Optimizer,
    _addcdiv_,
    _addcmul_,
    _bump_step,
    _check_lr,
    _check_nonneg,
    _check_unsupported,
    _closure_loss,
    _grad_of,
    _real,
    _scalar_tensor,
    _to_scalar,
)

__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    """The Adagrad algorithm (Duchi et al.), with PyTorch's options and defaults.

    ``foreach`` and ``fused`` are accepted and ignored; ``differentiable=True`` raises
    NotImplementedError. Sparse gradients do not exist in ember.
    """

    def __init__(self, params: Any, lr: float | Tensor = 1e-2, lr_decay: float = 0, weight_decay: float = 0,
                 initial_accumulator_value: float = 0, eps: float = 1e-10, foreach: bool | None = None, *,
                 maximize: bool = False, differentiable: bool = False, fused: bool | None = None) -> None:
        _check_lr(lr)
        _check_nonneg(lr_decay, "lr_decay value")
        _check_nonneg(weight_decay, "weight_decay value")
        _check_nonneg(initial_accumulator_value, "initial_accumulator_value value")
        _check_nonneg(eps, "epsilon value")
        _check_unsupported(differentiable)
        defaults = {"lr": lr, "lr_decay": lr_decay, "eps": eps, "weight_decay": weight_decay,
                    "initial_accumulator_value": initial_accumulator_value, "foreach": foreach,
                    "maximize": maximize, "differentiable": differentiable, "fused": fused}
        super().__init__(params, defaults)
        if fused and foreach:
            raise RuntimeError("`fused` and `foreach` cannot be `True` together.")
        for group in self.param_groups:
            for p in group["params"]:
                self._init_state(p, group)

    def _init_state(self, p: Tensor, group: dict[str, Any]) -> None:
        state = self.state[p]
        state["step"] = _scalar_tensor(0.0)
        init = group["initial_accumulator_value"]
        if p._data.dtype.kind == "c":
            init = complex(init, init)
        state["sum"] = Tensor._make(np.full_like(p._data, init), None)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Perform one optimization step; ``closure`` re-evaluates the model and returns the loss."""
        loss = _closure_loss(closure)
        for group in self.param_groups:
            lr = _to_scalar(group["lr"])
            wd, lr_decay, eps = group["weight_decay"], group["lr_decay"], group["eps"]
            for p in self._params_with_grad(group):
                state = self.state[p]
                if len(state) == 0:  # a group added after construction
                    self._init_state(p, group)
                step = _bump_step(state)
                param = p._data
                grad = _grad_of(p, group["maximize"])
                if wd != 0:
                    grad = grad + wd * param
                clr = lr / (1 + (step - 1) * lr_decay)
                param, grad, state_sum = _real(param), _real(grad), _real(state["sum"]._data)
                _addcmul_(state_sum, grad, grad, 1)
                std = np.sqrt(state_sum)
                std += eps
                _addcdiv_(param, grad, std, -clr)
                p._vc[0] += 1
        return loss
