"""ember.cuda: ember has no CUDA backend yet, so nothing here is available.

The functions answer as PyTorch's do on a build without CUDA: queries say no, and
anything that would need a GPU raises ``AssertionError: Torch not compiled with CUDA
enabled``.

>>> import ember
>>> ember.cuda.is_available(), ember.cuda.device_count()
(False, 0)
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "is_available", "device_count", "is_initialized", "current_device", "get_device_name",
    "synchronize", "manual_seed", "manual_seed_all", "empty_cache",
]


def is_available() -> bool:
    """False: ember computes on the CPU with NumPy."""
    return False


def device_count() -> int:
    """0: there are no CUDA devices."""
    return 0


def is_initialized() -> bool:
    return False


def _lazy_init() -> None:
    raise AssertionError("Torch not compiled with CUDA enabled")


def current_device() -> int:
    _lazy_init()
    return 0  # pragma: no cover - _lazy_init raises


def get_device_name(device: Any = None) -> str:
    _lazy_init()
    return ""  # pragma: no cover - _lazy_init raises


def synchronize(device: Any = None) -> None:
    _lazy_init()


def manual_seed(seed: int) -> None:
    """Does nothing without a GPU, as in PyTorch."""


def manual_seed_all(seed: int) -> None:
    """Does nothing without a GPU, as in PyTorch."""


def empty_cache() -> None:
    """Does nothing without a GPU, as in PyTorch."""
