"""Adadelta, as ``torch.optim.Adadelta``.

Per step: ``v = rho * v + (1 - rho) * g * g``; ``d = sqrt(u + eps) / sqrt(v + eps) * g``;
``u = rho * u + (1 - rho) * d * d``; ``p -= lr * d``. The state is ``step``, ``square_avg``
(v) and ``acc_delta`` (u).

>>> import ember
>>> from ember.optim import Adadelta
>>> w = ember.tensor([1.0], requires_grad=True)
>>> opt = Adadelta([w])
>>> w.grad = ember.tensor([1.0])
>>> _ = opt.step()
>>> round(w.item(), 6)
0.996838
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
    _check_lr,
    _check_nonneg,
    _check_unsupported,
    _closure_loss,
    _grad_of,
    _real,
    _scalar_tensor,
    _to_scalar,
    _zeros_like,
)

__all__ = ["Adadelta"]


class Adadelta(Optimizer):
    """The Adadelta algorithm (Zeiler), with PyTorch's options and defaults (lr=1.0).

    ``foreach`` and ``capturable`` are accepted and ignored; ``differentiable=True`` raises
    NotImplementedError.
    """

    def __init__(self, params: Any, lr: float | Tensor = 1.0, rho: float = 0.9, eps: float = 1e-6,
                 weight_decay: float = 0, foreach: bool | None = None, *, capturable: bool = False,
                 maximize: bool = False, differentiable: bool = False) -> None:
        _check_lr(lr)
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        _check_nonneg(eps, "epsilon value")
        _check_nonneg(weight_decay, "weight_decay value")
        _check_unsupported(differentiable)
        defaults = {"lr": lr, "rho": rho, "eps": eps, "weight_decay": weight_decay, "maximize": maximize,
                    "capturable": capturable, "foreach": foreach, "differentiable": differentiable}
        super().__init__(params, defaults)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Perform one optimization step; ``closure`` re-evaluates the model and returns the loss."""
        loss = _closure_loss(closure)
        for group in self.param_groups:
            lr = _to_scalar(group["lr"])
            rho, eps, wd = group["rho"], group["eps"], group["weight_decay"]
            for p in self._params_with_grad(group):
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = _scalar_tensor(0.0)
                    state["square_avg"] = _zeros_like(p)
                    state["acc_delta"] = _zeros_like(p)
                _bump_step(state)
                param = p._data
                grad = _grad_of(p, group["maximize"])
                if wd != 0:
                    grad = grad + wd * param
                grad = _real(grad)
                square_avg, acc_delta = _real(state["square_avg"]._data), _real(state["acc_delta"]._data)
                square_avg *= square_avg.dtype.type(rho)
                _addcmul_(square_avg, grad, grad, 1 - rho)
                std = np.sqrt(square_avg + eps)
                delta = np.sqrt(acc_delta + eps)
                delta /= std
                delta *= grad
                acc_delta *= acc_delta.dtype.type(rho)
                _addcmul_(acc_delta, delta, delta, 1 - rho)
                if param.dtype.kind == "c":
                    delta = delta.view(param.dtype).reshape(param.shape)
                param -= lr * delta
                p._vc[0] += 1
        return loss
