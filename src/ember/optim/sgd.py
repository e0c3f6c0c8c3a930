"""SGD: stochastic gradient descent with momentum, dampening, Nesterov and weight decay.

The algorithm of ``torch.optim.SGD``: ``g = grad (+ weight_decay * p)``; with momentum,
``b = g`` on the first step, then ``b = momentum * b + (1 - dampening) * g``, and ``g = b``
(or ``g + momentum * b`` with Nesterov); then ``p -= lr * g`` (``+=`` with ``maximize``).

>>> import ember
>>> from ember.optim import SGD
>>> w = ember.tensor([1.0], requires_grad=True)
>>> opt = SGD([w], lr=0.1, momentum=0.9)
>>> for _ in range(2):
...     opt.zero_grad()
...     (w * w).sum().backward()
...     _ = opt.step()
>>> w
tensor([0.4600], requires_grad=True)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .._tensor import Tensor
from .optimizer import Optimizer, _check_lr, _check_unsupported, _closure_loss, _grad_of, _to_scalar

__all__ = ["SGD"]


class SGD(Optimizer):
    """Stochastic gradient descent (optionally with momentum), as ``torch.optim.SGD``.

    ``foreach`` and ``fused`` are accepted and ignored (ember has one NumPy implementation);
    ``differentiable=True`` raises NotImplementedError.
    """

    def __init__(self, params: Any, lr: float | Tensor = 1e-3, momentum: float = 0, dampening: float = 0,
                 weight_decay: float = 0, nesterov: bool = False, *, maximize: bool = False,
                 foreach: bool | None = None, differentiable: bool = False, fused: bool | None = None) -> None:
        _check_lr(lr)
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        _check_unsupported(differentiable)
        defaults = {"lr": lr, "momentum": momentum, "dampening": dampening, "weight_decay": weight_decay,
                    "nesterov": nesterov, "maximize": maximize, "foreach": foreach,
                    "differentiable": differentiable, "fused": fused}
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, defaults)
        if fused and foreach:
            raise RuntimeError("`fused` and `foreach` cannot be `True` together.")

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Perform one optimization step; ``closure`` re-evaluates the model and returns the loss."""
        loss = _closure_loss(closure)
        for group in self.param_groups:
            lr = _to_scalar(group["lr"])
            wd, momentum, dampening = group["weight_decay"], group["momentum"], group["dampening"]
            nesterov, maximize = group["nesterov"], group["maximize"]
            for p in self._params_with_grad(group):
                param = p._data
                grad = _grad_of(p, maximize)
                if wd != 0:
                    grad = grad + wd * param
                if momentum != 0:
                    state = self.state[p]
                    buf = state.get("momentum_buffer")
                    if buf is None:
                        buf = Tensor._make(grad.copy(), None)
                        state["momentum_buffer"] = buf
                    else:
                        b = buf._data
                        b *= b.dtype.type(momentum)
                        b += (1 - dampening) * grad
                        buf._vc[0] += 1
                    grad = grad + momentum * buf._data if nesterov else buf._data
                param -= lr * grad
                p._vc[0] += 1
        return loss
