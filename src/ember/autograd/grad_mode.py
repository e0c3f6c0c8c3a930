"""Grad modes: no_grad, enable_grad, set_grad_enabled, inference_mode.

Grad mode is thread-local, as in PyTorch: turning it off in one thread leaves the
others recording. Each mode is a context manager and a decorator (also for
generator functions, where the mode holds while the generator runs).

>>> import ember
>>> x = ember.ones(2, requires_grad=True)
>>> with ember.no_grad():
...     (x * 2).requires_grad
False
"""

from __future__ import annotations

import functools
import inspect
import threading
from collections.abc import Callable
from typing import Any, TypeVar

__all__ = [
    "no_grad", "enable_grad", "set_grad_enabled", "inference_mode",
    "is_grad_enabled", "is_inference_mode_enabled",
]

F = TypeVar("F", bound=Callable[..., Any])


class _State(threading.local):
    enabled: bool = True
    inference: bool = False


#: Read by every op on its hot path: ``_state.enabled``.
_state = _State()


def is_grad_enabled() -> bool:
    """True when operations are being recorded for autograd in this thread."""
    return _state.enabled


def is_inference_mode_enabled() -> bool:
    """True inside ``inference_mode()`` in this thread."""
    return _state.inference


class _DecoratorContextManager:
    """Base for grad-mode context managers that also decorate functions and generators."""

    def __call__(self, func: F) -> F:
        if inspect.isclass(func):
            raise RuntimeError("Cannot decorate classes; it is ambiguous")
        if inspect.isgeneratorfunction(func):
            return self._wrap_generator(func)  # type: ignore[return-value]

        @functools.wraps(func)
        def decorated(*args: Any, **kwargs: Any) -> Any:
            with self.clone():
                return func(*args, **kwargs)

        return decorated  # type: ignore[return-value]

    def _wrap_generator(self, func: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(func)
        def generator(*args: Any, **kwargs: Any) -> Any:
            gen = func(*args, **kwargs)
            try:
                with self.clone():
                    request = gen.send(None)
                while True:
                    try:
                        response = yield request
                    except GeneratorExit:
                        with self.clone():
                            gen.close()
                        raise
                    except BaseException as exc:  # forward throw() into the generator
                        with self.clone():
                            request = gen.throw(exc)
                    else:
                        with self.clone():
                            request = gen.send(response)
            except StopIteration as stop:
                return stop.value

        return generator

    def clone(self) -> _DecoratorContextManager:
        return self.__class__()

    def __enter__(self) -> None:
        raise NotImplementedError

    def __exit__(self, *exc: object) -> None:
        raise NotImplementedError


class no_grad(_DecoratorContextManager):  # noqa: N801 - PyTorch's name
    """Disable gradient recording in this thread (context manager or decorator)."""

    def __init__(self) -> None:
        self.prev = False

    def __enter__(self) -> None:
        self.prev = _state.enabled
        _state.enabled = False

    def __exit__(self, *exc: object) -> None:
        _state.enabled = self.prev


class enable_grad(_DecoratorContextManager):  # noqa: N801 - PyTorch's name
    """Enable gradient recording in this thread, even inside ``no_grad``."""

    def __init__(self) -> None:
        self.prev = False

    def __enter__(self) -> None:
        self.prev = _state.enabled
        _state.enabled = True

    def __exit__(self, *exc: object) -> None:
        _state.enabled = self.prev


class set_grad_enabled(_DecoratorContextManager):  # noqa: N801 - PyTorch's name
    """Set grad mode to ``mode``; takes effect at once, and as a context manager restores it.

    As in PyTorch, ``set_grad_enabled(False)`` called as a plain function changes the mode
    immediately.
    """

    def __init__(self, mode: bool) -> None:
        if not isinstance(mode, bool):
            raise TypeError(f"set_grad_enabled(): argument 'mode' must be bool, not {type(mode).__name__}")
        self.prev = _state.enabled
        self.mode = mode
        _state.enabled = mode

    def __call__(self, func: F) -> F:
        _state.enabled = self.prev  # as a decorator, the mode applies only inside calls
        return super().__call__(func)

    def __enter__(self) -> None:
        _state.enabled = self.mode

    def __exit__(self, *exc: object) -> None:
        _state.enabled = self.prev

    def clone(self) -> set_grad_enabled:
        return self.__class__(self.mode)


class inference_mode(_DecoratorContextManager):  # noqa: N801 - PyTorch's name
    """Like ``no_grad``, and tensors made inside are inference tensors.

    ember records no graph inside, as ``no_grad``; ``is_inference_mode_enabled()`` reports it.
    """

    def __init__(self, mode: bool = True) -> None:
        self.mode = mode
        self.prev = (True, False)

    def __enter__(self) -> None:
        self.prev = (_state.enabled, _state.inference)
        if self.mode:
            _state.enabled = False
            _state.inference = True
        else:
            _state.inference = False

    def __exit__(self, *exc: object) -> None:
        _state.enabled, _state.inference = self.prev

    def clone(self) -> inference_mode:
        return self.__class__(self.mode)
