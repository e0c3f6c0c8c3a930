"""Parameters as one flat vector, and back.

>>> import ember
>>> from ember import nn
>>> fc = nn.Linear(3, 2)
>>> v = nn.utils.parameters_to_vector(fc.parameters())
>>> v.shape
ember.Size([8])
>>> nn.utils.vector_to_parameters(ember.zeros(8), fc.parameters())
>>> float(fc.weight.abs().sum())
0.0
"""

from __future__ import annotations

from collections.abc import Iterable

from ..._tensor import Tensor
from ...ops.shape import cat

__all__ = ["parameters_to_vector", "vector_to_parameters"]


def parameters_to_vector(parameters: Iterable[Tensor]) -> Tensor:
    """All parameters flattened and concatenated into one 1-D tensor (differentiable)."""
    return cat([p.reshape(-1) for p in parameters])


def vector_to_parameters(vec: Tensor, parameters: Iterable[Tensor]) -> None:
    """Make each parameter's data the next slice of ``vec`` (shared, as ``param.data = ...``)."""
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected ember.Tensor, but got: {type(vec).__name__}")
    pointer = 0
    for param in parameters:
        n = param.numel()
        param._data = vec._data[pointer:pointer + n].reshape(param._data.shape)
        pointer += n
