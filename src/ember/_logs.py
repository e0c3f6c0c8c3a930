"""Logging of ember's internals, switched on by name, as PyTorch's ``TORCH_LOGS`` does.

``EMBER_LOGS="+autograd"`` in the environment (read when ember is imported), or
``ember.set_logs(autograd=True)``, logs each Node that backward runs: its name, the shapes
of the gradients it received and returned, and the time it took. Records go to the
``logging`` logger ``"ember.autograd"`` at level DEBUG, printed to stderr by a handler of
ember's own (the logger does not propagate to the root logger, as PyTorch's do not).

>>> import ember, io, logging
>>> stream = io.StringIO()
>>> ember.set_logs(autograd=True)
>>> handler = logging.StreamHandler(stream)
>>> logging.getLogger("ember.autograd").addHandler(handler)
>>> x = ember.ones(3, requires_grad=True)
>>> (x * 2).sum().backward()
>>> ember.set_logs(autograd=False)
>>> logging.getLogger("ember.autograd").removeHandler(handler)
>>> [line.split(";")[0] for line in stream.getvalue().splitlines()]
['SumBackward0 grad_outputs: []', 'MulBackward0 grad_outputs: [3]', 'AccumulateGrad grad_outputs: [3]']

When off, the engine reads one flag per backward call and nothing else.
"""

from __future__ import annotations

import logging
import os
import sys
import time
import warnings
from typing import Any

__all__ = ["set_logs", "autograd"]

#: Whether backward logs each Node (read once per backward by the engine).
autograd = False

LOGGER_NAME = "ember.autograd"
_logger = logging.getLogger(LOGGER_NAME)
_NAMES = ("autograd",)


class _Formatter(logging.Formatter):
    """PyTorch's TORCH_LOGS layout: ``D1122 08:22:00.123456 4242 ember.autograd] message``."""

    def format(self, record: logging.LogRecord) -> str:
        stamp = time.strftime("%m%d %H:%M:%S", time.localtime(record.created))
        micros = int((record.created % 1) * 1_000_000)
        return f"{record.levelname[0]}{stamp}.{micros:06d} {record.process} {record.name}] {record.getMessage()}"


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is when a record comes (pytest and notebooks replace it)."""

    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(_Formatter())

    @property  # type: ignore[override]
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        pass


_handler = _StderrHandler()


def set_logs(autograd: bool | None = None) -> None:
    """Switch logs on or off by name (None leaves one as it is).

    ``autograd=True`` logs each Node that backward runs, at DEBUG level, to the logger
    ``"ember.autograd"`` (printed to stderr), as ``EMBER_LOGS="+autograd"`` does.
    """
    if autograd is not None:
        _set_autograd(bool(autograd))


def _set_autograd(on: bool) -> None:
    global autograd
    autograd = on
    if on:
        _logger.setLevel(logging.DEBUG)
        _logger.propagate = False
        if _handler not in _logger.handlers:
            _logger.addHandler(_handler)
    else:
        _logger.setLevel(logging.NOTSET)
        _logger.propagate = True
        _logger.removeHandler(_handler)


def _from_env(value: str) -> None:
    """Apply ``EMBER_LOGS``: names separated by commas, ``+name`` or ``name`` on, ``-name`` off."""
    for token in value.replace(" ", ",").split(","):
        token = token.strip()
        if not token:
            continue
        on = not token.startswith("-")
        name = token.lstrip("+-")
        if name not in _NAMES:
            warnings.warn(f"EMBER_LOGS: unknown log name {name!r} (known: {', '.join(_NAMES)})", stacklevel=2)
            continue
        _set_autograd(on)


# -- what the engine calls while logging is on --------------------------------------------


def _shapes(grads: Any) -> str:
    return ", ".join("None" if g is None else "[" + ", ".join(map(str, g._data.shape)) + "]" for g in grads)


def node_started(grads: list) -> tuple[str, float]:
    """Note the incoming gradients' shapes and the time, before a Node runs."""
    return _shapes(grads), time.perf_counter()


def node_finished(node: Any, started: tuple[str, float], outputs: Any) -> None:
    """Log one Node: its name, the gradients it got and gave, and how long it took."""
    elapsed = time.perf_counter() - started[1]
    if _logger.isEnabledFor(logging.DEBUG):
        _logger.debug("%s grad_outputs: %s; grad_inputs: %s; %.1f us", node.name(), started[0],
                      _shapes(outputs) if outputs else "(none)", elapsed * 1e6)


_env = os.environ.get("EMBER_LOGS")
if _env:
    _from_env(_env)
