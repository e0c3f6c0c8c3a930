"""Adam (and, with ``decoupled_weight_decay=True``, AdamW), as ``torch.optim.Adam``.

Per step: ``step += 1``; ``g = grad (+ weight_decay * p)`` (or ``p *= 1 - lr * weight_decay``
when decoupled); ``m = lerp(m, g, 1 - beta1)``; ``v = beta2 * v + (1 - beta2) * g * g``;
``v_max = max(v_max, v)`` with amsgrad; ``p -= lr / (1 - beta1**step) * m /
(sqrt(v) / sqrt(1 - beta2**step) + eps)``. The state is ``step`` (a 0-d float32 tensor),
``exp_avg``, ``exp_avg_sq`` and, with amsgrad, ``max_exp_avg_sq``.

>>> import ember
>>> from ember.optim import Adam
>>> w = ember.tensor([1.0, -1.0], requires_grad=True)
>>> opt = Adam([w], lr=0.1)
>>> (w * w).sum().backward()
>>> _ = opt.step()
>>> w
tensor([ 0.9000, -0.9000], requires_grad=True)
>>> sorted(opt.state[w])
['exp_avg', 'exp_avg_sq', 'step']
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

__all__ = ["Adam"]


class Adam(Optimizer):
    """The Adam algorithm (Kingma and Ba), with PyTorch's options and defaults.

    ``foreach``, ``fused`` and ``capturable`` are accepted and ignored (ember has one NumPy
    implementation); ``differentiable=True`` raises NotImplementedError.
    """

    def __init__(self, params: Any, lr: float | Tensor = 1e-3, betas: tuple[Any, Any] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0, amsgrad: bool = False, *,
                 foreach: bool | None = None, maximize: bool = False, capturable: bool = False,
                 differentiable: bool = False, fused: bool | None = None,
                 decoupled_weight_decay: bool = False) -> None:
        _check_lr(lr)
        _check_nonneg(eps, "epsilon value")
        _check_betas(betas)
        _check_nonneg(weight_decay, "weight_decay value")
        if not (all(isinstance(b, float) for b in betas) or all(isinstance(b, Tensor) for b in betas)):
            raise ValueError("betas must be either both floats or both Tensors")
        _check_unsupported(differentiable)
        defaults = {"lr": lr, "betas": tuple(_to_scalar(b) for b in betas), "eps": eps,
                    "weight_decay": weight_decay, "amsgrad": amsgrad, "maximize": maximize, "foreach": foreach,
                    "capturable": capturable, "differentiable": differentiable, "fused": fused,
                    "decoupled_weight_decay": decoupled_weight_decay}
        super().__init__(params, defaults)
        if fused and foreach:
            raise RuntimeError("`fused` and `foreach` cannot be `True` together.")

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Perform one optimization step; ``closure`` re-evaluates the model and returns the loss."""
        loss = _closure_loss(closure)
        for group in self.param_groups:
            lr = _to_scalar(group["lr"])
            beta1, beta2 = (_to_scalar(b) for b in group["betas"])
            wd, eps, amsgrad = group["weight_decay"], group["eps"], group["amsgrad"]
            for p in self._params_with_grad(group):
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = _scalar_tensor(0.0)
                    state["exp_avg"] = _zeros_like(p)
                    state["exp_avg_sq"] = _zeros_like(p)
                    if amsgrad:
                        state["max_exp_avg_sq"] = _zeros_like(p)
                step = _bump_step(state)
                param = p._data
                grad = _grad_of(p, group["maximize"])
                if wd != 0:
                    if group["decoupled_weight_decay"]:
                        param *= 1 - lr * wd
                    else:
                        grad = grad + wd * param
                param, grad = _real(param), _real(grad)
                exp_avg, exp_avg_sq = _real(state["exp_avg"]._data), _real(state["exp_avg_sq"]._data)
                _lerp_(exp_avg, grad, 1 - beta1)
                exp_avg_sq *= exp_avg_sq.dtype.type(beta2)
                _addcmul_(exp_avg_sq, grad, grad, 1 - beta2)
                step_size = lr / (1 - beta1**step)
                bias_correction2_sqrt = (1 - beta2**step) ** 0.5
                if amsgrad:
                    max_sq = _real(state["max_exp_avg_sq"]._data)
                    np.maximum(max_sq, exp_avg_sq, out=max_sq)
                    denom = np.sqrt(max_sq) / bias_correction2_sqrt
                else:
                    denom = np.sqrt(exp_avg_sq) / bias_correction2_sqrt
                denom += eps
                _addcdiv_(param, exp_avg, denom, -step_size)
                p._vc[0] += 1
                for key in ("exp_avg", "exp_avg_sq", "max_exp_avg_sq"):
                    if key in state:
                        state[key]._vc[0] += 1
        return loss
