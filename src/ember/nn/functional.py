"""ember.nn.functional: the functional forms of layers, activations and losses."""

from __future__ import annotations

from ..ops.nn import binary_cross_entropy_with_logits
from ..ops.pointwise import relu, sigmoid, tanh

__all__ = ["binary_cross_entropy_with_logits", "relu", "sigmoid", "tanh"]
