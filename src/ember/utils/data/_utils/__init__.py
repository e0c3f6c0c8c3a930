"""Helpers of ember.utils.data (collate), as ``torch.utils.data._utils``."""

from . import collate

__all__ = ["collate"]
