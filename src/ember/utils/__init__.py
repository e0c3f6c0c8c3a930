"""ember.utils: checkpoint (and, with issue 5, data)."""

from . import checkpoint

__all__ = ["checkpoint"]
