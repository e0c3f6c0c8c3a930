"""The machinery of the op registry (op_db.py): arguments, samples, rows, array helpers.

A tensor argument is written ``T(array)``; it becomes an ember tensor and a torch
tensor holding copies of the same array. Float arrays require grad unless
``T(array, requires_grad=False)``. A row (``OpInfo``) says how to call the op given a
module (``ember`` or ``torch``: the same expression serves both, so the two calls
cannot drift apart) and how to make its samples.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import numpy as np

import ember

F64, F32 = np.dtype(np.float64), np.dtype(np.float32)
INF = float("inf")


# ---------------------------------------------------------------------------------------
# Arguments and samples
# ---------------------------------------------------------------------------------------
class T:
    """A tensor argument: the same array becomes an ember tensor and a torch tensor."""

    __slots__ = ("array", "requires_grad")

    def __init__(self, array: Any, requires_grad: bool | None = None) -> None:
        self.array = np.asarray(array)
        self.requires_grad = self.array.dtype.kind == "f" if requires_grad is None else requires_grad

    def __repr__(self) -> str:
        return f"T({self.array.dtype}{list(self.array.shape)})"


@dataclass
class Sample:
    """One call of an op: positional and keyword arguments, with T for tensors.

    ``gradcheck=False`` keeps a sample out of gradcheck/gradgradcheck: the samples at
    points of non-differentiability (relu or abs at 0, ties of max) whose subgradient is
    still compared with PyTorch's, but where finite differences straddle a kink.
    """

    name: str
    args: tuple
    kwargs: dict = field(default_factory=dict)
    gradcheck: bool = True
    gradgradcheck: bool = True

    def leaves(self) -> list[T]:
        """The T arguments in call order (args, then kwargs)."""
        found: list[T] = []
        _walk(self.args, found)
        _walk(tuple(self.kwargs.values()), found)
        return found

    def build(self, module: ModuleType, tensors: list | None = None) -> tuple[tuple, dict, list]:
        """The arguments for ``module``, and the leaf tensors made (or taken from ``tensors``)."""
        made: list = []
        it = iter(tensors) if tensors is not None else None

        def conv(obj: Any) -> Any:
            if isinstance(obj, T):
                t = next(it) if it is not None else make_tensor(module, obj)
                made.append(t)
                return t
            if isinstance(obj, list):
                return [conv(o) for o in obj]
            if isinstance(obj, tuple):
                return tuple(conv(o) for o in obj)
            if isinstance(obj, dict):
                return {k: conv(v) for k, v in obj.items()}
            return obj

        args = conv(self.args)
        kwargs = conv(self.kwargs)
        return args, kwargs, made


def _walk(obj: Any, found: list[T]) -> None:
    if isinstance(obj, T):
        found.append(obj)
    elif isinstance(obj, (list, tuple)):
        for o in obj:
            _walk(o, found)
    elif isinstance(obj, dict):
        for o in obj.values():
            _walk(o, found)


def make_tensor(module: ModuleType, arg: T) -> Any:
    """A fresh leaf of ``module`` (ember or torch) holding a copy of ``arg.array``."""
    a = np.array(arg.array, copy=True, order="C")
    t = module.from_numpy(a)
    if arg.requires_grad:
        t.requires_grad_(True)
    return t


@dataclass
class OpInfo:
    """A registry row: how to call the op in either module, and its samples.

    ``fn(module, *args, **kwargs)`` calls the op; ``differentiable`` says whether
    gradcheck/gradgradcheck run on its float64 samples; ``records`` is False for ops
    whose outputs never have a grad_fn (comparisons, argmax, all/any), which then skip
    the gradient test (test_forward checks that their outputs do not require grad).
    """

    name: str
    fn: Callable[..., Any]
    samples: Callable[[np.dtype, np.random.Generator], list[Sample]] = lambda dt, rng: []
    extra: Callable[[np.random.Generator], list[Sample]] = lambda rng: []
    differentiable: bool = True
    gradgradcheck: bool = True
    records: bool = True

    def ember_fn(self, *args: Any, **kwargs: Any) -> Any:
        return self.fn(ember, *args, **kwargs)

    def torch_fn(self, *args: Any, **kwargs: Any) -> Any:
        import torch

        return self.fn(torch, *args, **kwargs)

    def all_samples(self) -> Iterator[tuple[str, Sample, bool]]:
        """(id, sample, is_float64_sample) for every sample of the row."""
        for dt in (F64, F32):
            rng = np.random.default_rng(zlib.crc32(self.name.encode()))
            for s in self.samples(dt, rng):
                yield f"{s.name}-{'f64' if dt == F64 else 'f32'}", s, dt == F64
        rng = np.random.default_rng(zlib.crc32(self.name.encode()) + 1)
        for s in self.extra(rng):
            yield s.name, s, False


def func(name: str) -> Callable[..., Any]:
    """``module.<name>(*args)`` (dotted names reach into submodules: ``nn.functional.x``)."""
    parts = name.split(".")

    def call(m: ModuleType, *args: Any, **kwargs: Any) -> Any:
        f: Any = m
        for p in parts:
            f = getattr(f, p)
        return f(*args, **kwargs)

    return call


def method(name: str) -> Callable[..., Any]:
    """``args[0].<name>(*args[1:])``."""
    return lambda m, x, *args, **kwargs: getattr(x, name)(*args, **kwargs)


def op(fn: Callable[..., Any]) -> Callable[..., Any]:
    """A Python operator (``operator.add``...), the same for both modules."""
    return lambda m, *args: fn(*args)


# ---------------------------------------------------------------------------------------
# Array helpers
# ---------------------------------------------------------------------------------------
def rnd(rng: np.random.Generator, shape: tuple, dt: np.dtype, lo: float = -2.0, hi: float = 2.0) -> np.ndarray:
    return rng.uniform(lo, hi, shape).astype(dt)


def away(rng: np.random.Generator, shape: tuple, dt: np.dtype, lo: float = 0.5, hi: float = 2.0) -> np.ndarray:
    """Values with lo <= |v| <= hi and random signs: away from 0 (kinks of abs, relu, sign)."""
    return (rng.uniform(lo, hi, shape) * rng.choice([-1.0, 1.0], shape)).astype(dt)


def noninteger(rng: np.random.Generator, shape: tuple, dt: np.dtype) -> np.ndarray:
    """Values at least 0.1 away from integers (floor/ceil/trunc are smooth there)."""
    return (rng.integers(-3, 3, shape) + rng.uniform(0.1, 0.9, shape)).astype(dt)


def ints(rng: np.random.Generator, shape: tuple, dt: Any = np.int64, lo: int = -5, hi: int = 6) -> np.ndarray:
    return rng.integers(lo, hi, shape).astype(dt)


def bools(rng: np.random.Generator, shape: tuple) -> np.ndarray:
    return rng.integers(0, 2, shape).astype(bool)


# ---------------------------------------------------------------------------------------
# Composing sample generators, and dtype arguments
# ---------------------------------------------------------------------------------------
def _chain(*gens: Callable[..., list[Sample]]) -> Callable[..., list[Sample]]:
    return lambda *a: [s for g in gens for s in g(*a)]


def _named(prefix: str, gen: Callable[..., list[Sample]]) -> Callable[..., list[Sample]]:
    """The samples of ``gen`` with ``prefix/`` before their names (to chain generators)."""

    def named(*a: Any) -> list[Sample]:
        out = gen(*a)
        for s in out:
            s.name = f"{prefix}/{s.name}"
        return out

    return named


class ember_torch_dtype:  # noqa: N801 - a value that reads like a dtype
    """A dtype argument, resolved per module (ember.float64 or torch.float64) when built."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


def _resolve_dtypes(m: ModuleType, args: tuple, kwargs: dict) -> tuple[tuple, dict]:
    fix = lambda v: getattr(m, v.name) if isinstance(v, ember_torch_dtype) else v  # noqa: E731
    return tuple(fix(a) for a in args), {k: fix(v) for k, v in kwargs.items()}


def dtyped(f: Callable[..., Any]) -> Callable[..., Any]:
    """Resolve ``ember_torch_dtype`` arguments to the module's dtype before calling ``f``."""

    def call(m: ModuleType, *args: Any, **kwargs: Any) -> Any:
        args, kwargs = _resolve_dtypes(m, args, kwargs)
        return f(m, *args, **kwargs)

    return call


def shaped(*specs: tuple) -> Callable[..., list[Sample]]:
    """Samples from (name, input shape, extra positional args[, kwargs])."""

    def gen(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
        out = []
        for spec in specs:
            name, shape, args = spec[0], spec[1], spec[2]
            kwargs = spec[3] if len(spec) > 3 else {}
            out.append(Sample(name, (T(rnd(rng, shape, dt)), *args), dict(kwargs)))
        return out

    return gen


