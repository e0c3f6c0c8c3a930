"""Adamax (Adam with the infinity norm), as ``torch.optim.Adamax``.

Per step: ``m = lerp(m, g, 1 - beta1)``; ``u = max(beta2 * u, |g| + eps)``;
``p -= lr / (1 - beta1**step) * m / u``. The state is ``step``, ``exp_avg`` and ``exp_inf``.

>>> import ember
>>> from ember.optim import Adamax
>>> w = ember.tensor([1.0], requires_grad=True)
>>> opt = Adamax([w], lr=0.1)
>>> w.grad = ember.tensor([3.0])
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
    _bump_step,
    _check_betas,
    _check_lr,
    _check_nonneg,
    _check_unsupported,
    _closure_loss,
    _grad_of,
    _lerp_,
    _real,
    _scalar_tensor,
    _to_scalar,
    _zeros_like,
)

__all__ = ["Adamax"]


class Adamax(Optimizer):
    """The Adamax algorithm (Kingma and Ba), with PyTorch's options and defaults (lr=2e-3).

    ``foreach`` and ``capturable`` are accepted and ignored; ``differentiable=True`` raises
    NotImplementedError.
    """

    def __init__(self, params: Any, lr: float | Tensor = 2e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0, foreach: bool | None = None, *,
                 maximize: bool = False, differentiable: bool = False, capturable: bool = False) -> None:
        _check_lr(lr)
        _check_nonneg(eps, "epsilon value")
        _check_betas(betas)
        _check_nonneg(weight_decay, "weight_decay value")
        _check_unsupported(differentiable)
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay, "foreach": foreach,
                    "maximize": maximize, "differentiable": differentiable, "capturable": capturable}
        super().__init__(params, defaults)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Perform one optimization step; ``closure`` re-evaluates the model and returns the loss."""
        loss = _closure_loss(closure)
        for group in self.param_groups:
            lr = _to_scalar(group["lr"])
            beta1, beta2 = group["betas"]
            eps, wd = group["eps"], group["weight_decay"]
            for p in self._params_with_grad(group):
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = _scalar_tensor(0.0)
                    state["exp_avg"] = _zeros_like(p)
                    state["exp_inf"] = _zeros_like(p)
                step = _bump_step(state)
                param = p._data
                grad = _grad_of(p, group["maximize"])
                if wd != 0:
                    grad = grad + wd * param
                param, grad = _real(param), _real(grad)
                exp_avg, exp_inf = _real(state["exp_avg"]._data), _real(state["exp_inf"]._data)
                _lerp_(exp_avg, grad, 1 - beta1)
                exp_inf *= exp_inf.dtype.type(beta2)
                norm = np.abs(grad)
                norm += eps
                np.maximum(exp_inf, norm, out=exp_inf)
                clr = lr / (1 - beta1**step)
                _addcdiv_(param, exp_avg, exp_inf, -clr)
                p._vc[0] += 1
        return loss
