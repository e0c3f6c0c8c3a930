"""Making tensors: tensor(), zeros/ones/full/empty/eye/arange/linspace, random factories.

Random numbers come from a NumPy Generator seeded by ``manual_seed``: the same seed
gives the same numbers in ember every time, but not the numbers PyTorch draws.

>>> import ember
>>> ember.tensor([[1, 2], [3, 4]]).dtype, ember.tensor([1.5]).dtype, ember.tensor(True).dtype
(ember.int64, ember.float32, ember.bool)
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from . import _dtype as D
from ._device import check as _check_device
from ._tensor import Tensor, _init_slots

__all__ = [
    "tensor", "as_tensor", "asarray", "from_numpy", "zeros", "ones", "full", "empty", "eye", "arange",
    "linspace", "logspace", "zeros_like", "ones_like", "full_like", "empty_like", "rand", "randn",
    "randint", "randperm", "rand_like", "randn_like", "randint_like", "normal", "manual_seed", "seed",
    "initial_seed", "Generator", "default_generator", "is_tensor", "numel",
]


# ---------------------------------------------------------------------------------------
# Results: a fresh leaf with the requested dtype and requires_grad
# ---------------------------------------------------------------------------------------
def _leaf(data: np.ndarray, requires_grad: bool = False, device: Any = None) -> Tensor:
    _check_device(device)
    t = Tensor.__new__(Tensor)
    _init_slots(t, data, False, None)
    if requires_grad:
        t.requires_grad = True
    return t


def _size(size: tuple) -> tuple[int, ...]:
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    for s in size:
        if not isinstance(s, (int, np.integer)) or isinstance(s, bool):
            raise TypeError(
                f"zeros(): argument 'size' (position 1) must be tuple of ints, but found element of type "
                f"{type(s).__name__} at pos 0"
            )
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {list(size)}")
    return tuple(int(s) for s in size)


def _float(dtype: D.dtype | None) -> np.dtype:
    return (dtype or D.get_default_dtype()).np


def _infer_np_dtype(arr: np.ndarray, source: Any) -> np.dtype:
    """The dtype torch.tensor infers: Python floats -> default float, ints -> int64, ..."""
    kind = arr.dtype.kind
    if isinstance(source, np.ndarray) or isinstance(source, np.generic):
        return arr.dtype
    if kind == "f":
        return arr.dtype if _has_float_tensor(source) else D.get_default_dtype().np
    if kind == "c":
        return D.default_complex_dtype().np
    if kind in "iu":
        return arr.dtype if _has_tensor(source) else np.dtype(np.int64)
    if kind == "b":
        return arr.dtype
    raise TypeError(f"new(): invalid data type '{type(_first_leaf(source)).__name__}'")


def _first_leaf(x: Any) -> Any:
    while isinstance(x, (list, tuple)) and x:
        x = x[0]
    return x


def _has_tensor(x: Any) -> bool:
    return isinstance(_first_leaf(x), Tensor)


def _has_float_tensor(x: Any) -> bool:
    leaf = _first_leaf(x)
    return isinstance(leaf, Tensor) and leaf._data.dtype.kind == "f"


def _ragged_error(data: Any) -> ValueError:
    """Name the first dim whose lengths differ, as torch does."""
    level = [data]
    dim = 0
    while level:
        lengths = [len(x) for x in level if isinstance(x, (list, tuple))]
        if not lengths:
            break
        for x in level:
            if isinstance(x, (list, tuple)) and len(x) != lengths[0]:
                return ValueError(f"expected sequence of length {lengths[0]} at dim {dim} (got {len(x)})")
            if not isinstance(x, (list, tuple)):
                return ValueError(f"expected sequence of length {lengths[0]} at dim {dim} (got 0)")
        level = [y for x in level for y in x]
        dim += 1
    return ValueError("could not infer the shape of the given nested sequence")


def _to_array(data: Any, dtype: D.dtype | None) -> np.ndarray:
    if isinstance(data, Tensor):
        arr = np.array(data._data, copy=True)
    elif isinstance(data, str):
        raise TypeError(f"new(): invalid data type '{type(data).__name__}'")
    else:
        try:
            arr = np.array(data)
        except ValueError:
            raise _ragged_error(data) from None
        if arr.dtype.kind in "OUSV":
            raise TypeError(f"new(): invalid data type '{type(_first_leaf(data)).__name__}'")
    target = dtype.np if dtype is not None else _infer_np_dtype(arr, data)
    if arr.dtype != target:
        with np.errstate(invalid="ignore", over="ignore"):
            arr = arr.astype(target)
    return arr


def tensor(data: Any, *, dtype: D.dtype | None = None, device: Any = None, requires_grad: bool = False,
           pin_memory: bool = False) -> Tensor:
    """A new leaf tensor with a copy of ``data`` (nested lists, scalars, arrays or tensors)."""
    if isinstance(data, Tensor):
        warnings.warn(
            "To copy construct from a tensor, it is recommended to use sourceTensor.detach().clone() or "
            "sourceTensor.detach().clone().requires_grad_(True), rather than ember.tensor(sourceTensor).",
            UserWarning,
            stacklevel=2,
        )
    arr = _to_array(data, dtype)
    if isinstance(data, np.ndarray) and arr is data:
        arr = arr.copy()
    return _leaf(arr, requires_grad, device)


def as_tensor(data: Any, dtype: D.dtype | None = None, device: Any = None) -> Tensor:
    """Like ``tensor`` but shares memory with a Tensor or ndarray when no conversion is needed."""
    if isinstance(data, Tensor):
        return data if dtype is None or data.dtype is dtype else data.to(dtype)
    if isinstance(data, np.ndarray) and (dtype is None or data.dtype == dtype.np):
        D.from_numpy_dtype(data.dtype)
        return _leaf(data, False, device)
    return _leaf(_to_array(data, dtype), False, device)


def asarray(obj: Any, *, dtype: D.dtype | None = None, device: Any = None, copy: bool | None = None,
            requires_grad: bool = False) -> Tensor:
    t = as_tensor(obj, dtype, device) if not copy else tensor(obj, dtype=dtype)
    if requires_grad:
        t.requires_grad_(True)
    return t


def from_numpy(ndarray: np.ndarray) -> Tensor:
    """A tensor sharing memory with ``ndarray`` (changes to one show in the other)."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    D.from_numpy_dtype(ndarray.dtype)
    return _leaf(ndarray)


def is_tensor(obj: Any) -> bool:
    return isinstance(obj, Tensor)


def numel(input: Tensor) -> int:
    return input.numel()


# ---------------------------------------------------------------------------------------
# Filled tensors
# ---------------------------------------------------------------------------------------
def zeros(*size: Any, dtype: D.dtype | None = None, device: Any = None, requires_grad: bool = False,
          out: Tensor | None = None, layout: Any = None) -> Tensor:
    """A tensor of zeros (default float dtype)."""
    return _leaf(np.zeros(_size(size), _float(dtype)), requires_grad, device)


def ones(*size: Any, dtype: D.dtype | None = None, device: Any = None, requires_grad: bool = False,
         out: Tensor | None = None, layout: Any = None) -> Tensor:
    """A tensor of ones (default float dtype)."""
    return _leaf(np.ones(_size(size), _float(dtype)), requires_grad, device)


def empty(*size: Any, dtype: D.dtype | None = None, device: Any = None, requires_grad: bool = False,
          out: Tensor | None = None, layout: Any = None, memory_format: Any = None, pin_memory: bool = False) -> Tensor:
    """A tensor whose values are unspecified (ember fills it with zeros)."""
    return _leaf(np.zeros(_size(size), _float(dtype)), requires_grad, device)


def full(size: Sequence[int], fill_value: Any, *, dtype: D.dtype | None = None, device: Any = None,
         requires_grad: bool = False) -> Tensor:
    """A tensor filled with ``fill_value``; its dtype follows the value (bool, int64 or float)."""
    if dtype is None:
        v = fill_value.item() if isinstance(fill_value, Tensor) else fill_value
        dtype = D.scalar_dtype(v)
    return _leaf(np.full(_size((size,)), fill_value, dtype.np), requires_grad, device)


def eye(n: int, m: int | None = None, *, dtype: D.dtype | None = None, device: Any = None,
        requires_grad: bool = False) -> Tensor:
    """Ones on the diagonal of an n x m matrix."""
    return _leaf(np.eye(n, n if m is None else m, dtype=_float(dtype)), requires_grad, device)


def arange(start: Any, end: Any = None, step: Any = 1, *, dtype: D.dtype | None = None, device: Any = None,
           requires_grad: bool = False) -> Tensor:
    """Values from ``start`` to ``end`` (excluded) by ``step``; int64 unless an argument is a float."""
    if end is None:
        start, end = 0, start
    vals = [v.item() if isinstance(v, Tensor) else v for v in (start, end, step)]
    if vals[2] == 0:
        raise RuntimeError("step must be nonzero")
    if (vals[1] - vals[0]) * vals[2] < 0:
        raise RuntimeError("upper bound and larger bound inconsistent with step sign")
    if dtype is None:
        dtype = D.get_default_dtype() if any(isinstance(v, float) for v in vals) else D.int64
    n = int(np.ceil((vals[1] - vals[0]) / vals[2]))
    data = (vals[0] + np.arange(n, dtype=np.float64 if dtype.is_floating_point else np.int64) * vals[2]).astype(dtype.np)
    return _leaf(data, requires_grad, device)


def linspace(start: Any, end: Any, steps: int, *, dtype: D.dtype | None = None, device: Any = None,
             requires_grad: bool = False) -> Tensor:
    """``steps`` evenly spaced values from ``start`` to ``end`` inclusive."""
    return _leaf(np.linspace(float(start), float(end), steps).astype(_float(dtype)), requires_grad, device)


def logspace(start: Any, end: Any, steps: int, base: float = 10.0, *, dtype: D.dtype | None = None,
             device: Any = None, requires_grad: bool = False) -> Tensor:
    return _leaf(np.logspace(float(start), float(end), steps, base=base).astype(_float(dtype)), requires_grad, device)


def _like(input: Tensor, dtype: D.dtype | None) -> tuple[tuple, np.dtype]:
    return input._data.shape, (dtype.np if dtype is not None else input._data.dtype)


def zeros_like(input: Tensor, *, dtype: D.dtype | None = None, device: Any = None, requires_grad: bool = False,
               memory_format: Any = None, layout: Any = None) -> Tensor:
    shape, dt = _like(input, dtype)
    return _leaf(np.zeros(shape, dt), requires_grad, device)


def ones_like(input: Tensor, *, dtype: D.dtype | None = None, device: Any = None, requires_grad: bool = False,
              memory_format: Any = None, layout: Any = None) -> Tensor:
    shape, dt = _like(input, dtype)
    return _leaf(np.ones(shape, dt), requires_grad, device)


def empty_like(input: Tensor, *, dtype: D.dtype | None = None, device: Any = None, requires_grad: bool = False,
               memory_format: Any = None, layout: Any = None) -> Tensor:
    return zeros_like(input, dtype=dtype, device=device, requires_grad=requires_grad)


def full_like(input: Tensor, fill_value: Any, *, dtype: D.dtype | None = None, device: Any = None,
              requires_grad: bool = False, memory_format: Any = None) -> Tensor:
    shape, dt = _like(input, dtype)
    return _leaf(np.full(shape, fill_value, dt), requires_grad, device)


# ---------------------------------------------------------------------------------------
# Random numbers
# ---------------------------------------------------------------------------------------
class Generator:
    """A random number generator (NumPy's PCG64 underneath) with torch's seeding methods."""

    def __init__(self, device: Any = "cpu") -> None:
        self._seed = 67280421310721
        self.rng = np.random.default_rng(self._seed)
        self.device = device

    def manual_seed(self, seed: int) -> Generator:
        self._seed = int(seed)
        self.rng = np.random.default_rng(self._seed & 0xFFFFFFFFFFFFFFFF)
        return self

    def seed(self) -> int:
        s = int(np.random.SeedSequence().entropy) & 0xFFFFFFFFFFFFFFFF
        self.manual_seed(s)
        return s

    def initial_seed(self) -> int:
        return self._seed

    def get_state(self) -> Tensor:
        import pickle

        return _leaf(np.frombuffer(pickle.dumps(self.rng.bit_generator.state), dtype=np.uint8).copy())

    def set_state(self, state: Tensor) -> Generator:
        import pickle

        self.rng.bit_generator.state = pickle.loads(state._data.tobytes())  # noqa: S301 - our own state bytes
        return self


default_generator = Generator()


def manual_seed(seed: int) -> Generator:
    """Seed the default generator; returns it, as torch does."""
    return default_generator.manual_seed(seed)


def seed() -> int:
    return default_generator.seed()


def initial_seed() -> int:
    return default_generator.initial_seed()


def get_rng_state() -> Tensor:
    return default_generator.get_state()


def set_rng_state(new_state: Tensor) -> None:
    default_generator.set_state(new_state)


def _rng(generator: Generator | None) -> np.random.Generator:
    return (generator or default_generator).rng


def rand(*size: Any, generator: Generator | None = None, dtype: D.dtype | None = None, device: Any = None,
         requires_grad: bool = False, out: Tensor | None = None) -> Tensor:
    """Uniform samples from [0, 1)."""
    dt = _float(dtype)
    data = _rng(generator).random(_size(size), dtype=dt if dt in (np.float32, np.float64) else np.float64).astype(dt, copy=False)
    return _leaf(data, requires_grad, device)


def randn(*size: Any, generator: Generator | None = None, dtype: D.dtype | None = None, device: Any = None,
          requires_grad: bool = False, out: Tensor | None = None) -> Tensor:
    """Standard normal samples."""
    dt = _float(dtype)
    rng = _rng(generator)
    data = rng.standard_normal(_size(size), dtype=dt if dt in (np.float32, np.float64) else np.float64).astype(dt, copy=False)
    return _leaf(data, requires_grad, device)


def randint(low: int, high: int | None = None, size: Sequence[int] | None = None, *,
            generator: Generator | None = None, dtype: D.dtype | None = None, device: Any = None,
            requires_grad: bool = False) -> Tensor:
    """Integers uniform in [low, high) (int64 by default)."""
    if size is None:
        if high is None or not isinstance(high, (tuple, list)):
            raise TypeError("randint() missing required argument 'size'")
        low, high, size = 0, low, high
    elif high is None:
        low, high = 0, low
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    data = _rng(generator).integers(low, high, size=_size((size,)), dtype=np.int64)
    return _leaf(data.astype((dtype or D.int64).np, copy=False), requires_grad, device)


def randperm(n: int, *, generator: Generator | None = None, dtype: D.dtype | None = None, device: Any = None,
             requires_grad: bool = False) -> Tensor:
    """A random permutation of 0..n-1."""
    return _leaf(_rng(generator).permutation(n).astype((dtype or D.int64).np), requires_grad, device)


def rand_like(input: Tensor, *, dtype: D.dtype | None = None, requires_grad: bool = False, **_: Any) -> Tensor:
    return rand(*input._data.shape, dtype=dtype or input.dtype, requires_grad=requires_grad)


def randn_like(input: Tensor, *, dtype: D.dtype | None = None, requires_grad: bool = False, **_: Any) -> Tensor:
    return randn(*input._data.shape, dtype=dtype or input.dtype, requires_grad=requires_grad)


def randint_like(input: Tensor, low: int, high: int | None = None, *, dtype: D.dtype | None = None,
                 **_: Any) -> Tensor:
    return randint(low, high, input._data.shape, dtype=dtype or input.dtype)


def normal(mean: Any = 0.0, std: Any = 1.0, size: Sequence[int] | None = None, *,
           generator: Generator | None = None, dtype: D.dtype | None = None, requires_grad: bool = False) -> Tensor:
    """Normal samples with the given mean and std (scalars with ``size``, or tensors)."""
    m = mean._data if isinstance(mean, Tensor) else mean
    s = std._data if isinstance(std, Tensor) else std
    shape = _size((size,)) if size is not None else np.broadcast_shapes(np.shape(m), np.shape(s))
    dt = _float(dtype) if not isinstance(mean, Tensor) else mean._data.dtype
    data = (m + s * _rng(generator).standard_normal(shape)).astype(dt)
    return _leaf(data, requires_grad)


# ---------------------------------------------------------------------------------------
# Legacy constructors: ember.Tensor(2, 3), FloatTensor([1, 2]), isinstance(t, LongTensor)
# ---------------------------------------------------------------------------------------
def _legacy_construct(dtype: D.dtype, args: tuple, kwargs: dict) -> np.ndarray:
    kwargs.pop("device", None)
    if kwargs:
        raise TypeError(f"new() received an invalid combination of arguments - got {sorted(kwargs)}")
    if not args:
        return np.zeros((0,), dtype.np)
    if all(isinstance(a, (int, np.integer)) and not isinstance(a, bool) for a in args):
        return np.zeros(tuple(int(a) for a in args), dtype.np)
    if len(args) == 1 and isinstance(args[0], Tensor):
        return args[0]._data.astype(dtype.np, copy=False)
    if len(args) == 1:
        return _to_array(args[0], dtype)
    raise TypeError("new() received an invalid combination of arguments")


class _LegacyMeta(type):
    _dtype: D.dtype

    def __instancecheck__(cls, obj: Any) -> bool:
        return isinstance(obj, Tensor) and obj._data.dtype == cls._dtype.np


def _legacy_type(name: str, dtype: D.dtype) -> type:
    def __new__(cls: type, *args: Any, **kwargs: Any) -> Tensor:  # noqa: N807
        return _leaf(_legacy_construct(dtype, args, kwargs))

    return _LegacyMeta(name, (), {"__new__": __new__, "_dtype": dtype, "__module__": "ember"})


FloatTensor = _legacy_type("FloatTensor", D.float32)
DoubleTensor = _legacy_type("DoubleTensor", D.float64)
HalfTensor = _legacy_type("HalfTensor", D.float16)
LongTensor = _legacy_type("LongTensor", D.int64)
IntTensor = _legacy_type("IntTensor", D.int32)
ShortTensor = _legacy_type("ShortTensor", D.int16)
CharTensor = _legacy_type("CharTensor", D.int8)
ByteTensor = _legacy_type("ByteTensor", D.uint8)
BoolTensor = _legacy_type("BoolTensor", D.bool)


def _rebuild(data: np.ndarray, requires_grad: bool) -> Tensor:
    """Unpickling: a leaf with the pickled data."""
    return _leaf(data, requires_grad)
