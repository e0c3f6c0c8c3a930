"""Anomaly detection: detect_anomaly and set_detect_anomaly.

While enabled, every recorded Node keeps the traceback of the forward call that made
it. If its backward fails, that traceback is printed (as a warning, as PyTorch does)
before the error propagates; with ``check_nan`` a NaN in a Node's output gradients
raises a RuntimeError naming the Node.
"""

from __future__ import annotations

import os
import threading
import traceback
import warnings
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .graph import Node

__all__ = ["detect_anomaly", "set_detect_anomaly", "is_anomaly_enabled", "is_anomaly_check_nan_enabled"]


class _State(threading.local):
    enabled: bool = False
    check_nan: bool = True


_state = _State()


def is_anomaly_enabled() -> bool:
    return _state.enabled


def is_anomaly_check_nan_enabled() -> bool:
    return _state.check_nan


class detect_anomaly:  # noqa: N801 - PyTorch's name
    """Context manager that turns anomaly detection on for the forward and backward inside it."""

    def __init__(self, check_nan: bool = True) -> None:
        self.prev = (_state.enabled, _state.check_nan)
        self.check_nan = check_nan
        warnings.warn(
            "Anomaly Detection has been enabled. This mode will increase the runtime and "
            "should only be enabled for debugging.",
            stacklevel=2,
        )

    def __enter__(self) -> None:
        self.prev = (_state.enabled, _state.check_nan)
        _state.enabled = True
        _state.check_nan = self.check_nan

    def __exit__(self, *exc: object) -> None:
        _state.enabled, _state.check_nan = self.prev


class set_detect_anomaly:  # noqa: N801 - PyTorch's name
    """Turn anomaly detection on or off at once; as a context manager, restore it on exit."""

    def __init__(self, mode: bool, check_nan: bool = True) -> None:
        self.prev = (_state.enabled, _state.check_nan)
        _state.enabled = mode
        _state.check_nan = check_nan

    def __enter__(self) -> None:
        pass

    def __exit__(self, *exc: object) -> None:
        _state.enabled, _state.check_nan = self.prev


_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def record_trace() -> list[str]:
    """The forward traceback stored on a Node made while anomaly mode is on: the user's frames,
    not ember's own."""
    frames = [f for f in traceback.extract_stack()[:-1] if not f.filename.startswith(_PACKAGE_DIR)]
    return traceback.format_list(frames)


def run_checked(node: Node, grads: list) -> Any:
    """Run ``node.apply`` with anomaly checks: forward traceback on error, NaN detection."""
    try:
        outputs = node.apply(grads)
    except Exception:
        _warn_trace(node)
        raise
    if _state.check_nan:
        import numpy as np

        for i, g in enumerate(outputs):
            if g is not None and np.isnan(g._data).any():
                _warn_trace(node)
                raise RuntimeError(f"Function '{node.name()}' returned nan values in its {i}th output.")
    return outputs


def _warn_trace(node: Node) -> None:
    if node._trace is not None:
        warnings.warn(
            f"Error detected in {node.name()}. Traceback of forward call that caused the error:\n"
            + "".join(node._trace),
            stacklevel=3,
        )
