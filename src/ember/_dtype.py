"""dtype objects and PyTorch's type-promotion rules.

An ember dtype wraps a NumPy dtype. Promotion follows ``torch.result_type``:
operands fall into three priority classes (tensors with dimensions, 0-d tensors,
Python scalars); a lower class only changes the result when it belongs to a
higher category (bool < integer < floating < complex).

>>> import ember
>>> ember.promote_types(ember.int64, ember.float16)
ember.float16
>>> (ember.tensor([1, 2]) * 2.5).dtype
ember.float32
"""

from __future__ import annotations

import threading

import numpy as np

__all__ = [
    "dtype", "bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32",
    "float64", "complex64", "complex128", "uint16", "uint32", "uint64", "get_default_dtype", "set_default_dtype",
    "promote_types", "result_type", "can_cast",
]

_builtin_bool = bool


class dtype:  # noqa: N801 - torch's public name
    """A tensor element type, printed as ``ember.<name>``."""

    __slots__ = ("name", "np", "is_floating_point", "is_complex", "is_signed", "itemsize", "_rank")

    def __init__(self, name: str, np_dtype: type, rank: int) -> None:
        self.name = name
        self.np = np.dtype(np_dtype)
        kind = self.np.kind
        self.is_floating_point = kind == "f"
        self.is_complex = kind == "c"
        self.is_signed = kind in "ifc"
        self.itemsize = self.np.itemsize
        self._rank = rank  # 0 bool, 1 integer, 2 floating, 3 complex

    def __repr__(self) -> str:
        return "ember." + self.name

    def __reduce__(self) -> str:
        return self.name

    def to_real(self) -> dtype:
        return {complex64: float32, complex128: float64}.get(self, self)

    def to_complex(self) -> dtype:
        """The complex dtype of this float dtype (float16 gives complex64: ember has no complex32)."""
        if self._rank < 2:
            raise RuntimeError(f"Unknown Complex ScalarType for {SCALAR_NAMES[self]}")
        return {float16: complex64, float32: complex64, float64: complex128}.get(self, self)


bool = dtype("bool", np.bool_, 0)  # noqa: A001 - torch.bool is the public name
uint8 = dtype("uint8", np.uint8, 1)
int8 = dtype("int8", np.int8, 1)
int16 = dtype("int16", np.int16, 1)
int32 = dtype("int32", np.int32, 1)
int64 = dtype("int64", np.int64, 1)
float16 = dtype("float16", np.float16, 2)
float32 = dtype("float32", np.float32, 2)
float64 = dtype("float64", np.float64, 2)
complex64 = dtype("complex64", np.complex64, 3)
complex128 = dtype("complex128", np.complex128, 3)
# The "barebones" unsigned types: torch 2.x stores them (from_numpy, tensor(ndarray)) but
# computes little with them, and refuses to promote them with any other integer or bool.
uint16 = dtype("uint16", np.uint16, 1)
uint32 = dtype("uint32", np.uint32, 1)
uint64 = dtype("uint64", np.uint64, 1)

ALL = (bool, uint8, int8, int16, int32, int64, float16, float32, float64, complex64, complex128,
       uint16, uint32, uint64)
_BAREBONES = frozenset((uint16, uint32, uint64))
#: torch's C++ names of the scalar types, as its error messages print them.
SCALAR_NAMES = {
    bool: "Bool", uint8: "Byte", int8: "Char", int16: "Short", int32: "Int", int64: "Long",
    float16: "Half", float32: "Float", float64: "Double", complex64: "ComplexFloat",
    complex128: "ComplexDouble", uint16: "UInt16", uint32: "UInt32", uint64: "UInt64",
}
#: NumPy dtype -> ember dtype; the lookup every Tensor.dtype does.
FROM_NP: dict[np.dtype, dtype] = {d.np: d for d in ALL}
ALIASES = {
    "half": float16, "float": float32, "double": float64, "short": int16, "int": int32,
    "long": int64, "cfloat": complex64, "cdouble": complex128,
}


def from_numpy_dtype(np_dtype: np.dtype) -> dtype:
    """The ember dtype of a NumPy dtype, or TypeError naming it."""
    try:
        return FROM_NP[np_dtype]
    except KeyError:
        raise TypeError(
            f"can't convert np.ndarray of type numpy.{np_dtype.type.__name__}. The only supported types are: "
            "float64, float32, float16, complex64, complex128, int64, int32, int16, int8, "
            "uint64, uint32, uint16, uint8, and bool."
        ) from None


class _DefaultState(threading.local):
    float_dtype: dtype = float32


_default = _DefaultState()


def get_default_dtype() -> dtype:
    """The dtype of floating-point tensors made from Python floats (float32 unless set)."""
    return _default.float_dtype


def set_default_dtype(d: dtype) -> None:
    """Set the default floating-point dtype (float32, float64 or float16), as torch does."""
    if not isinstance(d, dtype):
        raise TypeError("invalid dtype object: only floating-point types are supported as the default type")
    if not d.is_floating_point:
        raise TypeError("only floating-point types are supported as the default type")
    _default.float_dtype = d
    _result_cache.clear()


def default_complex_dtype() -> dtype:
    return complex128 if _default.float_dtype is float64 else complex64


def promote_types(a: dtype, b: dtype) -> dtype:
    """The smallest dtype both ``a`` and ``b`` convert to, by torch's table.

    Unlike NumPy, an integer meeting a float gives that float (int64 + float16 is
    float16, not float64).
    """
    if a is b:
        return a
    if (a in _BAREBONES or b in _BAREBONES) and not (a.is_floating_point or b.is_floating_point):
        raise RuntimeError(
            "Promotion for uint16, uint32, uint64 types is not supported, attempted to promote "
            f"{SCALAR_NAMES[a]} and {SCALAR_NAMES[b]}"
        )
    if a._rank != b._rank:
        hi, lo = (a, b) if a._rank > b._rank else (b, a)
        if hi.is_complex and lo.is_floating_point:
            return complex128 if lo is float64 or hi is complex128 else hi
        return hi
    return FROM_NP[np.promote_types(a.np, b.np)]


def _combine_categories(higher: dtype | None, lower: dtype | None) -> dtype | None:
    """Merge two priority classes: the higher class wins unless the lower is of a higher category."""
    if higher is None:
        return lower
    if lower is None:
        return higher
    if higher.is_complex:
        return higher
    if lower.is_complex:
        return higher.to_complex() if higher.is_floating_point else lower
    if higher.is_floating_point:
        return higher
    if higher is bool or lower.is_floating_point:
        return promote_types(higher, lower)
    return higher


def scalar_dtype(value: object) -> dtype:
    """The dtype a Python scalar takes when wrapped (torch's 'wrapped number' rule)."""
    if isinstance(value, _builtin_bool):
        return bool
    if isinstance(value, int):
        return int64
    if isinstance(value, float):
        return _default.float_dtype
    if isinstance(value, complex):
        return default_complex_dtype()
    raise TypeError(f"unsupported scalar type {type(value).__name__}")


_result_cache: dict[tuple, dtype] = {}


def result_type_of(dim: dtype | None, zero: dtype | None, wrapped: dtype | None) -> dtype:
    """Combine the promoted dtype of each priority class, as torch.result_type does."""
    key = (dim, zero, wrapped)
    hit = _result_cache.get(key)
    if hit is None:
        hit = _combine_categories(dim, _combine_categories(zero, wrapped))
        if hit is None:
            raise ValueError("result_type needs at least one operand")
        _result_cache[key] = hit
    return hit


def result_type(*operands: object) -> dtype:
    """torch.result_type over Tensors and Python scalars."""
    classes: list[dtype | None] = [None, None, None]
    for x in operands:
        d = getattr(x, "dtype", None)
        if isinstance(d, dtype):
            slot = 0 if x.dim() > 0 else 1  # type: ignore[attr-defined]
        else:
            d, slot = scalar_dtype(x), 2
        cur = classes[slot]
        classes[slot] = d if cur is None else promote_types(cur, d)
    return result_type_of(*classes)


def can_cast(from_: dtype, to: dtype) -> _builtin_bool:
    """torch.can_cast: False only when the cast lowers the category (float to int, ...)."""
    return from_._rank <= to._rank
