"""NAdam (Adam with Nesterov momentum), as ``torch.optim.NAdam``.

Per step, with ``mu_t = beta1 * (1 - 0.5 * 0.96**(t * momentum_decay))`` and ``mu_product``
the running product of the ``mu_t`` (kept as a 0-d float32 tensor, as PyTorch does):
``m = lerp(m, g, 1 - beta1)``; ``v = beta2 * v + (1 - beta2) * g * g``;
``d = sqrt(v / (1 - beta2**t)) + eps``; ``p -= lr * (1 - mu_t) / (1 - mu_product) * g / d``
and ``p -= lr * mu_{t+1} / (1 - mu_product * mu_{t+1}) * m / d``.

>>> import ember
>>> from ember.optim import NAdam
>>> w = ember.tensor([1.0], requires_grad=True)
>>> opt = NAdam([w], lr=0.1)
>>> w.grad = ember.tensor([1.0])
>>> _ = opt.step()
>>> round(w.item(), 4)
0.8944
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

__all__ = ["NAdam"]


class NAdam(Optimizer):
    """The NAdam algorithm (Dozat), with PyTorch's options and defaults (lr=2e-3).

    ``foreach`` and ``capturable`` are accepted and ignored; ``differentiable=True`` raises
    NotImplementedError.
    """

    def __init__(self, params: Any, lr: float | Tensor = 2e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0, momentum_decay: float = 4e-3,
                 decoupled_weight_decay: bool = False, *, foreach: bool | None = None, maximize: bool = False,
                 capturable: bool = False, differentiable: bool = False) -> None:
        _check_lr(lr)
        _check_nonneg(eps, "epsilon value")
        _check_betas(betas)
        _check_nonneg(weight_decay, "weight_decay value")
        _check_nonneg(momentum_decay, "momentum_decay value")
        _check_unsupported(differentiable)
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay,
                    "momentum_decay": momentum_decay, "decoupled_weight_decay": decoupled_weight_decay,
                    "maximize": maximize, "foreach": foreach, "capturable": capturable,
                    "differentiable": differentiable}
        super().__init__(params, defaults)

    def __setstate__(self, state: dict[str, Any]) -> None:
        super().__setstate__(state)
        for group in self.param_groups:
            for p in group["params"]:
                p_state = self.state.get(p)
                if p_state and "mu_product" in p_state and not isinstance(p_state["mu_product"], Tensor):
                    p_state["mu_product"] = _scalar_tensor(float(p_state["mu_product"]))

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Perform one optimization step; ``closure`` re-evaluates the model and returns the loss."""
        loss = _closure_loss(closure)
        for group in self.param_groups:
            lr = _to_scalar(group["lr"])
            beta1, beta2 = group["betas"]
            eps, wd, momentum_decay = group["eps"], group["weight_decay"], group["momentum_decay"]
            for p in self._params_with_grad(group):
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = _scalar_tensor(0.0)
                    state["mu_product"] = _scalar_tensor(1.0)
                    state["exp_avg"] = _zeros_like(p)
                    state["exp_avg_sq"] = _zeros_like(p)
                param = _real(p._data)
                grad = _real(_grad_of(p, group["maximize"]))
                exp_avg, exp_avg_sq = _real(state["exp_avg"]._data), _real(state["exp_avg_sq"]._data)
                step = _bump_step(state)
                bias_correction2 = 1 - beta2**step
                if wd != 0:
                    if group["decoupled_weight_decay"]:
                        param *= 1 - lr * wd
                    else:
                        grad = grad + wd * param
                mu = beta1 * (1.0 - 0.5 * (0.96 ** (step * momentum_decay)))
                mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * momentum_decay)))
                mu_product = state["mu_product"]
                mu_product._data *= mu
                mu_product._vc[0] += 1
                mu_product_value = float(mu_product._data)
                _lerp_(exp_avg, grad, 1 - beta1)
                exp_avg_sq *= exp_avg_sq.dtype.type(beta2)
                _addcmul_(exp_avg_sq, grad, grad, 1 - beta2)
                denom = np.sqrt(exp_avg_sq / bias_correction2)
                denom += eps
                _addcdiv_(param, grad, denom, -lr * (1.0 - mu) / (1.0 - mu_product_value))
                _addcdiv_(param, exp_avg, denom, (-lr * mu_next) / (1.0 - mu_product_value * mu_next))
                p._vc[0] += 1
        return loss
