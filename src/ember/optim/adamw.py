"""AdamW: Adam with decoupled weight decay (``p *= 1 - lr * weight_decay`` before the update).

>>> import ember
>>> from ember.optim import AdamW
>>> w = ember.tensor([1.0], requires_grad=True)
>>> opt = AdamW([w], lr=0.1, weight_decay=0.5)
>>> w.grad = ember.tensor([0.0])
>>> _ = opt.step()
>>> w
tensor([0.9500], requires_grad=True)
"""

from __future__ import annotations

from typing import Any

from .._tensor import Tensor
from .adam import Adam

__all__ = ["AdamW"]


class AdamW(Adam):
    """The AdamW algorithm (Loshchilov and Hutter), as ``torch.optim.AdamW`` (weight_decay defaults to 1e-2)."""

    def __init__(self, params: Any, lr: float | Tensor = 1e-3, betas: tuple[Any, Any] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 1e-2, amsgrad: bool = False, *,
                 maximize: bool = False, foreach: bool | None = None, capturable: bool = False,
                 differentiable: bool = False, fused: bool | None = None) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, foreach=foreach, maximize=maximize,
                         capturable=capturable, differentiable=differentiable, fused=fused,
                         decoupled_weight_decay=True)

    def __setstate__(self, state: dict[str, Any]) -> None:
        super().__setstate__(state)
        for group in self.param_groups:
            group["decoupled_weight_decay"] = True
