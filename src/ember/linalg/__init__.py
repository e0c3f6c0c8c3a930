"""ember.linalg: PyTorch's torch.linalg namespace (the vector norm today; the rest is issue 4)."""

from ..ops.reduction import linalg_vector_norm as vector_norm

__all__ = ["vector_norm"]
