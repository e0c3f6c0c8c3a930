"""RAdam (rectified Adam), as ``torch.optim.RAdam``.

Per step: ``m`` and ``v`` as in Adam; ``rho_inf = 2 / (1 - beta2) - 1``, ``rho_t = rho_inf -
2 t beta2**t / (1 - beta2**t)``; when ``rho_t > 5`` the step is ``lr * m_hat *
sqrt(1 - beta2**t) / (sqrt(v) + eps) * r_t`` with the rectification ``r_t``, else
``lr * m_hat`` (plain momentum SGD while the variance estimate is unreliable).

>>> import ember
>>> from ember.optim import RAdam
>>> w = ember.tensor([1.0], requires_grad=True)
>>> opt = RAdam([w], lr=0.1)
>>> w.grad = ember.tensor([1.0])
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

__all__ = ["RAdam"]


class RAdam(Optimizer):
    """The RAdam algorithm (Liu et al.), with PyTorch's options and defaults.

    ``foreach`` and ``capturable`` are accepted and ignored; ``differentiable=True`` raises
    NotImplementedError.
    """

    def __init__(self, params: Any, lr: float | Tensor = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0, decoupled_weight_decay: bool = False, *,
                 foreach: bool | None = None, maximize: bool = False, capturable: bool = False,
                 differentiable: bool = False) -> None:
        _check_lr(lr)
        _check_nonneg(eps, "epsilon value")
        _check_betas(betas)
        _check_nonneg(weight_decay, "weight_decay value")
        _check_unsupported(differentiable)
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay, "maximize": maximize,
                    "foreach": foreach, "capturable": capturable,
                    "decoupled_weight_decay": decoupled_weight_decay, "differentiable": differentiable}
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
                    state["exp_avg_sq"] = _zeros_like(p)
                param = _real(p._data)
                grad = _real(_grad_of(p, group["maximize"]))
                exp_avg, exp_avg_sq = _real(state["exp_avg"]._data), _real(state["exp_avg_sq"]._data)
                step = _bump_step(state)
                if wd != 0:
                    if group["decoupled_weight_decay"]:
                        param *= 1 - lr * wd
                    else:
                        grad = grad + wd * param
                _lerp_(exp_avg, grad, 1 - beta1)
                exp_avg_sq *= exp_avg_sq.dtype.type(beta2)
                _addcmul_(exp_avg_sq, grad, grad, 1 - beta2)
                bias_correction1 = 1 - beta1**step
                bias_correction2 = 1 - beta2**step
                bias_corrected_exp_avg = exp_avg / bias_correction1
                rho_inf = 2 / (1 - beta2) - 1
                rho_t = rho_inf - 2 * step * (beta2**step) / bias_correction2
                if rho_t > 5.0:
                    rect = ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
                    denom = np.sqrt(exp_avg_sq)
                    denom += eps
                    # PyTorch computes ``number / tensor`` as ``tensor.reciprocal() * number``.
                    adaptive_lr = np.reciprocal(denom) * (bias_correction2**0.5)
                    param -= bias_corrected_exp_avg * lr * adaptive_lr * rect
                else:
                    param -= bias_corrected_exp_avg * lr
                p._vc[0] += 1
        return loss
