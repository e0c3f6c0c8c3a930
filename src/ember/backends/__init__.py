"""ember.backends: which accelerator backends exist (none but the CPU)."""

from . import mps

__all__ = ["mps"]
