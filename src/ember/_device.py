"""Device objects. ember computes on the CPU with NumPy; other device types are named but absent.

A ``device`` is a (type, index) pair, parsed and printed as ``torch.device`` does. Asking
for a tensor on a device ember has no backend for raises what PyTorch raises on a machine
without it: ``AssertionError: Torch not compiled with CUDA enabled`` for CUDA.

>>> import ember
>>> ember.device("cpu")
device(type='cpu')
>>> ember.device("cuda:0"), str(ember.device("cuda", 1))
(device(type='cuda', index=0), 'cuda:1')
>>> ember.get_default_device()
device(type='cpu')
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["device", "get_default_device", "set_default_device"]

#: The device types torch knows, in the order its error message lists them.
_KNOWN = (
    "cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip", "ve", "fpga", "maia",
    "xla", "lazy", "vulkan", "mps", "meta", "hpu", "mtia", "privateuseone",
)
_DEVICE_STRING = re.compile(r"([a-zA-Z_]+)(?::([1-9]\d*|0))?")


class device:  # noqa: N801 - torch's public name
    """Where a tensor lives: ``device('cpu')``, ``device('cuda', 0)``, ``device('cuda:0')``."""

    __slots__ = ("type", "index", "_prev")
    type: str
    index: int | None

    def __init__(self, type: Any, index: int | None = None) -> None:  # noqa: A002 - torch's name
        if isinstance(type, device):
            self.type, self.index = type.type, type.index
            return
        if isinstance(type, int) and not isinstance(type, bool):
            # torch.device(0) means "accelerator 0"; there is none.
            raise RuntimeError("Cannot access accelerator device when none is available.")
        if not isinstance(type, str):
            raise TypeError(
                f"device() received an invalid combination of arguments - got ({_typename(type)}), but expected "
                "one of:\n * (torch.device device)\n * (str type, int index = -1)"
            )
        if index is not None and (not isinstance(index, int) or isinstance(index, bool)):
            raise TypeError(f"device(): argument 'index' (position 2) must be int, not {_typename(index)}")
        m = _DEVICE_STRING.fullmatch(type)
        if m is None:
            raise RuntimeError(f"Invalid device string: '{type}'")
        kind, idx = m.group(1), m.group(2)
        if kind not in _KNOWN:
            raise RuntimeError(
                f"Expected one of {', '.join(_KNOWN)} device type at start of device string: {type}"
            )
        if idx is not None:
            if index is not None:
                raise RuntimeError(
                    f"type (string) must not include an index because index was passed explicitly: {type}"
                )
            index = int(idx)
        if index is not None and index < 0:
            raise RuntimeError("Device index must not be negative")
        self.type = kind
        self.index = index

    def __repr__(self) -> str:
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other: object) -> bool:
        # As in torch, a device never equals a string: device('cpu') == 'cpu' is False.
        return isinstance(other, device) and (self.type, self.index) == (other.type, other.index)

    def __hash__(self) -> int:
        return hash((self.type, self.index))

    def __reduce__(self) -> tuple:
        return (device, (self.type, self.index))

    def __enter__(self) -> device:
        self._prev = get_default_device()
        set_default_device(self)
        return self

    def __exit__(self, *exc: object) -> None:
        set_default_device(self._prev)


def _typename(x: Any) -> str:
    return type(x).__name__


cpu = device("cpu")
_default = [cpu]


def check(dev: Any) -> None:
    """Raise for a device ember cannot compute on (everything but the CPU today)."""
    if dev is None or dev is cpu:
        return
    d = dev if isinstance(dev, device) else device(dev)
    if d.type == "cpu":
        return
    if d.type == "cuda":
        raise AssertionError("Torch not compiled with CUDA enabled")
    if d.type == "mps":
        raise RuntimeError("PyTorch is not linked with support for mps devices")
    raise RuntimeError(f"ember has no backend for device type '{d.type}' (only 'cpu' is available)")


def get_default_device() -> device:
    """The device factory functions use when given none (always the CPU in ember)."""
    return _default[0]


def set_default_device(dev: Any) -> None:
    """Set the device new tensors are made on; ``None`` restores the CPU.

    Only the CPU is available: naming another device raises now (PyTorch raises at the
    first tensor made there), with the same error.
    """
    d = cpu if dev is None else (dev if isinstance(dev, device) else device(dev))
    check(d)
    _default[0] = d
