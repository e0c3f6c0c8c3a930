"""ember.nn: neural-network building blocks (the functional forms today; Modules come with issue 5)."""

from . import functional

__all__ = ["functional"]
