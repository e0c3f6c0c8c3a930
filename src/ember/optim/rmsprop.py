"""RMSprop, as ``torch.optim.RMSprop`` (with ``centered`` and ``momentum``).

Per step: ``v = alpha * v + (1 - alpha) * g * g``; with ``centered``, ``m = lerp(m, g,
1 - alpha)`` and ``avg = sqrt(v - m * m)``, else ``avg = sqrt(v)``; ``avg += eps``; with
momentum ``b = momentum * b + g / avg`` and ``p -= lr * b``, else ``p -= lr * g / avg``.

>>> import ember
>>> from ember.optim import RMSprop
>>> w = ember.tensor([1.0], requires_grad=True)
>>> opt = RMSprop([w], lr=0.01)
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
    _lerp_,
    _real,
    _scalar_tensor,
    _to_scalar,
    _zeros_like,
)

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    """The RMSprop algorithm (Hinton), with PyTorch's options and defaults.

    ``foreach`` and ``capturable`` are accepted and ignored; ``differentiable=True`` raises
    NotImplementedError.
    """

    def __init__(self, params: Any, lr: float | Tensor = 1e-2, alpha: float = 0.99, eps: float = 1e-8,
                 weight_decay: float = 0, momentum: float = 0, centered: bool = False, capturable: bool = False,
                 foreach: bool | None = None, maximize: bool = False, differentiable: bool = False) -> None:
        _check_lr(lr)
        _check_nonneg(eps, "epsilon value")
        _check_nonneg(momentum, "momentum value")
        _check_nonneg(weight_decay, "weight_decay value")
        _check_nonneg(alpha, "alpha value")
        _check_unsupported(differentiable)
        defaults = {"lr": lr, "momentum": momentum, "alpha": alpha, "eps": eps, "centered": centered,
                    "weight_decay": weight_decay, "capturable": capturable, "foreach": foreach,
                    "maximize": maximize, "differentiable": differentiable}
        super().__init__(params, defaults)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Perform one optimization step; ``closure`` re-evaluates the model and returns the loss."""
        loss = _closure_loss(closure)
        for group in self.param_groups:
            lr = _to_scalar(group["lr"])
            alpha, eps, wd, momentum = group["alpha"], group["eps"], group["weight_decay"], group["momentum"]
            for p in self._params_with_grad(group):
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = _scalar_tensor(0.0)
                    state["square_avg"] = _zeros_like(p)
                    if momentum > 0:
                        state["momentum_buffer"] = _zeros_like(p)
                    if group["centered"]:
                        state["grad_avg"] = _zeros_like(p)
                _bump_step(state)
                param = p._data
                grad = _grad_of(p, group["maximize"])
                if wd != 0:
                    grad = grad + wd * param
                param, grad = _real(param), _real(grad)
                square_avg = _real(state["square_avg"]._data)
                square_avg *= square_avg.dtype.type(alpha)
                _addcmul_(square_avg, grad, grad, 1 - alpha)
                if group["centered"]:
                    grad_avg = _real(state["grad_avg"]._data)
                    _lerp_(grad_avg, grad, 1 - alpha)
                    avg = square_avg + grad_avg.dtype.type(-1) * grad_avg * grad_avg
                    np.sqrt(avg, out=avg)
                else:
                    avg = np.sqrt(square_avg)
                avg += eps
                if momentum > 0:
                    buf = _real(state["momentum_buffer"]._data)
                    buf *= buf.dtype.type(momentum)
                    _addcdiv_(buf, grad, avg, 1)
                    param -= lr * buf
                else:
                    _addcdiv_(param, grad, avg, -lr)
                p._vc[0] += 1
        return loss
