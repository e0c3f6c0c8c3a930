"""Device objects. ember computes on the CPU with NumPy; other device types are named but absent.

>>> import ember
>>> ember.device("cpu")
device(type='cpu')
>>> ember.get_default_device()
device(type='cpu')
"""

from __future__ import annotations

from typing import Any

__all__ = ["device", "get_default_device", "set_default_device"]

_KNOWN = ("cpu", "cuda", "mps", "meta", "xpu")


class device:
    """Where a tensor lives: ``device('cpu')``, ``device('cuda', 0)``, ``device('cuda:0')``."""

    __slots__ = ("type", "index", "_prev")

    def __init__(self, type: Any, index: int | None = None) -> None:  # noqa: A002 - torch's name
        if isinstance(type, device):
            self.type, self.index = type.type, type.index
            return
        if isinstance(type, int):
            raise RuntimeError("Device index without a device type is not supported; use 'cuda:N'")
        kind, _, idx = str(type).partition(":")
        if kind not in _KNOWN:
            raise RuntimeError(
                "Expected one of cpu, cuda, mps, meta, xpu device type at start of device string: " + str(type)
            )
        if idx:
            if index is not None:
                raise RuntimeError("type (string) must not include an index because index was passed explicitly: " + str(type))
            index = int(idx)
        self.type = kind
        self.index = index

    def __repr__(self) -> str:
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str):
            other = device(other)
        return isinstance(other, device) and (self.type, self.index) == (other.type, other.index)

    def __hash__(self) -> int:
        return hash((self.type, self.index))

    def __enter__(self) -> device:
        self._prev = get_default_device()
        set_default_device(self)
        return self

    def __exit__(self, *exc: object) -> None:
        set_default_device(self._prev)


cpu = device("cpu")
_default = [cpu]


def check(dev: Any) -> None:
    """Raise for a device ember cannot compute on (everything but the CPU today)."""
    if dev is None:
        return
    d = dev if isinstance(dev, device) else device(dev)
    if d.type != "cpu":
        if d.type == "cuda":
            raise AssertionError("Torch not compiled with CUDA enabled")
        raise RuntimeError(f"ember has no backend for device type '{d.type}' (only 'cpu' is available)")


def get_default_device() -> device:
    return _default[0]


def set_default_device(dev: Any) -> None:
    """Set the device new tensors are made on (only 'cpu' is available)."""
    d = cpu if dev is None else (dev if isinstance(dev, device) else device(dev))
    check(d)
    _default[0] = d
