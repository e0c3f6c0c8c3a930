"""ember.cuda: ember has no CUDA backend yet, so nothing here is available."""

from __future__ import annotations


def is_available() -> bool:
    """False: ember computes on the CPU with NumPy."""
    return False


def device_count() -> int:
    return 0


def _lazy_init() -> None:
    raise AssertionError("Torch not compiled with CUDA enabled")


def manual_seed(seed: int) -> None:
    """Does nothing without a GPU, as in PyTorch."""


def manual_seed_all(seed: int) -> None:
    """Does nothing without a GPU, as in PyTorch."""
