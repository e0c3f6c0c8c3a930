"""Making tensors: tensor(), zeros/ones/full/empty/eye/arange/linspace, random factories.

``tensor(data)`` follows torch's conversion of nested sequences: the shape comes from the
first element at each depth, the dtype from promoting the type of every leaf (Python
bools, ints, floats, complexes; NumPy scalars and arrays; tensors), and a ragged
sequence raises torch's ``expected sequence of length N at dim D (got M)``.

Random numbers come from a NumPy Generator seeded by ``manual_seed``: the same seed
gives the same numbers in ember every time, but not the numbers PyTorch draws.

>>> import ember
>>> ember.tensor([[1, 2], [3, 4]]).dtype, ember.tensor([1.5]).dtype, ember.tensor(True).dtype
(ember.int64, ember.float32, ember.bool)
>>> ember.arange(0, 1, 0.25)
tensor([0.0000, 0.2500, 0.5000, 0.7500])
"""

from __future__ import annotations

import itertools
import math
import operator
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from . import _dtype as D  # noqa: N812 - D reads as a namespace of dtypes
from ._device import check as _check_device
from ._device import device as _device_t
from ._tensor import Size, Tensor, _init_slots
from .autograd.grad_mode import _state as _grad_state

__all__ = [
    "tensor", "as_tensor", "asarray", "from_numpy", "zeros", "ones", "full", "empty", "eye", "arange",
    "linspace", "logspace", "zeros_like", "ones_like", "full_like", "empty_like", "rand", "randn",
    "randint", "randperm", "rand_like", "randn_like", "randint_like", "normal", "manual_seed", "seed",
    "initial_seed", "Generator", "default_generator", "is_tensor", "numel", "tril_indices", "triu_indices",
]


# ---------------------------------------------------------------------------------------
# Results: a fresh leaf with the requested dtype and requires_grad
# ---------------------------------------------------------------------------------------
def _leaf(data: np.ndarray, requires_grad: bool = False, device: Any = None) -> Tensor:
    _check_device(device)
    if requires_grad and data.dtype.kind not in "fc":
        raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
    t = Tensor.__new__(Tensor)
    _init_slots(t, data, bool(requires_grad), None)
    if _grad_state.inference:
        t._extra = {"inference": True}
    return t


def _typename(x: Any) -> str:
    """A type's name as torch's argument errors print it (``numpy.float64``, ``float``)."""
    cls = type(x)
    module = cls.__module__
    if module == "numpy":
        return "numpy." + cls.__name__
    if module.startswith("ember"):
        return cls.__name__
    return cls.__name__ if module == "builtins" else f"{module}.{cls.__name__}"


def _is_int(x: Any) -> bool:
    """True for what torch accepts as an int argument (ints, NumPy ints, integer 0-d tensors)."""
    if isinstance(x, bool):
        return False
    if isinstance(x, (int, np.integer)):
        return True
    if isinstance(x, Tensor):
        return x._data.dtype.kind in "iu" and x._data.size == 1
    return False


def _size(size: tuple, name: str) -> tuple[int, ...]:
    """The shape from ``f(2, 3)``, ``f((2, 3))``, ``f([2, 3])`` or ``f(ember.Size([2, 3]))``."""
    if not size:
        raise TypeError(f'{name}() missing 1 required positional arguments: "size"')
    if len(size) == 1 and not _is_int(size[0]):
        s = size[0]
        if not isinstance(s, (tuple, list)):
            raise TypeError(f"{name}(): argument 'size' (position 1) must be tuple of ints, not {_typename(s)}")
        size = tuple(s)
    elif len(size) > 1 and any(isinstance(s, (tuple, list)) for s in size):
        raise TypeError(f"{name}() takes 1 positional argument but {len(size)} were given")
    dims = []
    for pos, s in enumerate(size, 1):
        if not (_is_int(s) or isinstance(s, bool)):
            raise TypeError(
                f"{name}(): argument 'size' failed to unpack the object at pos {pos} with error "
                f'"type must be tuple of ints,but got {_typename(s)}"'
            )
        dims.append(operator.index(s))
    for s in dims:
        if s < 0:
            if name == "zeros":
                raise RuntimeError("zeros: Dimension size must be non-negative.")
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {dims}")
    return tuple(dims)


def _float(dtype: D.dtype | None) -> np.dtype:
    return (dtype or D.get_default_dtype()).np


# ---------------------------------------------------------------------------------------
# tensor(): torch's conversion of nested sequences
# ---------------------------------------------------------------------------------------
_PY_SCALARS = frozenset((bool, int, float, complex))


def _is_seq(x: Any) -> bool:
    """A sequence in torch's shape inference (not a Tensor, not a 0-d array)."""
    return isinstance(x, (list, tuple, range)) or (isinstance(x, np.ndarray) and x.ndim > 0)


def _compute_sizes(data: Any) -> list[int]:
    """The shape torch infers: the length at each depth along the first elements."""
    sizes = []
    obj = data
    while _is_seq(obj) or isinstance(obj, str):
        if isinstance(obj, str):
            raise ValueError("too many dimensions 'str'")
        n = len(obj)
        sizes.append(n)
        if n == 0:
            break
        obj = obj[0]
    return sizes


def _scalar_type(x: Any) -> D.dtype:
    """The dtype of one leaf, as torch's ``infer_scalar_type`` gives it."""
    if isinstance(x, (np.ndarray, np.generic)):  # before float: np.float64 is a float
        return D.from_numpy_dtype(x.dtype)
    if isinstance(x, bool):
        return D.bool
    if isinstance(x, int):
        return D.int64
    if isinstance(x, float):
        return D.get_default_dtype()
    if isinstance(x, complex):
        return D.default_complex_dtype()
    if isinstance(x, Tensor):
        return D.FROM_NP[x._data.dtype]
    if isinstance(x, (str, bytes)):
        raise TypeError(f"new(): invalid data type '{_typename(x)}'")
    raise RuntimeError(f"Could not infer dtype of {_typename(x)}")


_SEQ_TYPES = frozenset((list, tuple, range))


def _category(types: set) -> D.dtype:
    """The dtype of a set of Python scalar types (bool < int < float < complex)."""
    if complex in types:
        return D.default_complex_dtype()
    if float in types:
        return D.get_default_dtype()
    return D.int64 if int in types else D.bool


def _infer_dtype(data: Any) -> tuple[D.dtype, bool]:
    """The promoted dtype of every leaf, and whether any leaf is not a plain Python scalar.

    Walks the nesting one level at a time; a level made only of lists, or only of Python
    scalars, is handled by C-level ``map``/``chain`` without a Python loop per element.
    """
    result: D.dtype | None = None
    special = False

    def merge(d: D.dtype) -> None:
        nonlocal result
        result = d if result is None else D.promote_types(result, d)

    level = [data]
    while level:
        types = set(map(type, level))
        if types <= _PY_SCALARS:
            merge(_category(types))
            break
        if types <= _SEQ_TYPES:
            if not all(level):  # an empty sequence counts as the default dtype, as in torch
                merge(D.get_default_dtype())
            level = list(itertools.chain.from_iterable(level))
            continue
        deeper: list = []
        for obj in level:
            if type(obj) in _PY_SCALARS:
                merge(_category({type(obj)}))
            elif isinstance(obj, (list, tuple, range)):
                if obj:
                    deeper.extend(obj)
                else:
                    merge(D.get_default_dtype())
            else:
                merge(_scalar_type(obj))
                special = True
        level = deeper
    assert result is not None
    return result, special


def _leaf_value(x: Any, target: D.dtype) -> Any:
    """One leaf as a value NumPy can take (tensors and arrays give their single element)."""
    if isinstance(x, Tensor):
        if x._data.size != 1 and not (target.is_floating_point or target.is_complex):
            raise TypeError("only integer tensors of a single element can be converted to an index")
        x = x._data
    if isinstance(x, np.ndarray):
        if x.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return x.reshape(()).item()
    if isinstance(x, np.generic):
        return x.item()
    if type(x) in _PY_SCALARS:
        return x
    if isinstance(x, (str, bytes)):
        raise TypeError(f"new(): invalid data type '{_typename(x)}'")
    if target.is_floating_point or target.is_complex:
        raise TypeError(f"must be real number, not {_typename(x)}")
    raise TypeError(f"'{_typename(x)}' object cannot be interpreted as an integer")


def _store(data: Any, sizes: list[int], target: D.dtype) -> list:
    """Walk ``data`` depth-first as torch's ``recursive_store`` does: the flat leaf values,
    or torch's error for the first element whose length or kind does not fit ``sizes``."""
    out: list = []
    ndim = len(sizes)

    def visit(obj: Any, dim: int) -> None:
        if dim == ndim:
            out.append(_leaf_value(obj, target))
            return
        if isinstance(obj, Tensor) and obj._data.ndim:
            obj = obj._data
        if not _is_seq(obj):
            raise TypeError("not a sequence")
        n = sizes[dim]
        if len(obj) != n:
            raise ValueError(f"expected sequence of length {n} at dim {dim} (got {len(obj)})")
        if isinstance(obj, np.ndarray) and obj.shape == tuple(sizes[dim:]):
            out.extend(obj.ravel().tolist())
            return
        for item in obj:
            visit(item, dim + 1)

    visit(data, 0)
    return out


#: C++ names of the integer types, as torch's overflow errors print them.
_CPP_NAMES = {
    "int8": "int8_t", "uint8": "uint8_t", "int16": "int16_t", "int32": "int", "int64": "int64_t",
    "uint16": "uint16_t", "uint32": "uint32_t", "uint64": "uint64_t", "float16": "c10::Half",
    "float32": "float", "float64": "double",
}


def _check_fits(arr: np.ndarray, target: D.dtype, type_name: str) -> None:
    """torch's overflow check when Python numbers are stored into ``target``.

    Integers may wrap into an unsigned type from its negated range (-1 -> 255) but not
    beyond it; floats must lie within the integer type's range, and must be finite.
    """
    kind = arr.dtype.kind
    if target is D.bool or kind == "b" or not arr.size:
        return
    if kind == "c" and not target.is_complex:
        raise TypeError("must be real number, not complex")
    if target.is_floating_point or target.is_complex:
        return
    info = np.iinfo(target.name)
    lo = -int(info.max) if info.min == 0 and kind in "iu" else int(info.min)
    with np.errstate(invalid="ignore"):
        bad = (not np.isfinite(arr).all()) if kind == "f" else False
        bad = bad or bool((arr < lo).any()) or bool((arr > int(info.max)).any())
    if bad:
        raise RuntimeError(f"value cannot be converted to type {type_name} without overflow")


def _from_values(values: Any, target: D.dtype, explicit: bool, arr: np.ndarray | None = None) -> np.ndarray:
    """An array of ``target`` from Python numbers (nested lists of them, or a flat list);
    ``arr`` is ``np.array(values)`` when the caller has made it already."""
    if arr is None:
        arr = np.array(values)
    if arr.dtype == object or (arr.dtype.kind == "u" and target.np.kind in "biu" and target.np != arr.dtype):
        # Python ints beyond int64: torch unpacks ints as int64 and refuses them.
        if target.is_floating_point or target.is_complex:
            arr = np.array(values, dtype=np.complex128 if target.is_complex else np.float64)
        else:
            raise ValueError("Overflow when unpacking long long")
    if explicit:
        _check_fits(arr, target, target.name)
    if arr.dtype != target.np:
        with np.errstate(invalid="ignore", over="ignore"):
            arr = arr.astype(target.np)
    return arr


def _to_array(data: Any, dtype: D.dtype | None) -> np.ndarray:
    """A new array holding ``data`` (a tensor, array, scalar or nested sequence), as torch.tensor."""
    if isinstance(data, Tensor):
        arr = data._data
        return arr.astype(dtype.np) if dtype is not None and arr.dtype != dtype.np else arr.copy()
    if isinstance(data, np.ndarray):
        D.from_numpy_dtype(data.dtype)
        return data.astype(dtype.np) if dtype is not None and data.dtype != dtype.np else data.copy()
    if isinstance(data, (str, bytes)):
        raise TypeError(f"new(): invalid data type '{_typename(data)}'")
    sizes = _compute_sizes(data)
    if dtype is None:
        target, special = _infer_dtype(data)
    else:
        target, special = dtype, not _only_python_scalars(data)
    if not special:
        try:
            arr = np.array(data)
        except ValueError:
            arr = None
        if arr is not None and arr.shape == tuple(sizes) and arr.dtype.kind in "biufcO":
            return _from_values(data, target, dtype is not None, arr)
    if 0 in sizes:
        return np.zeros(sizes, target.np)  # torch stores (and checks) nothing when there are no elements
    values = _store(data, sizes, target)
    return _from_values(values, target, dtype is not None).reshape(sizes)


def _only_python_scalars(data: Any) -> bool:
    level = [data]
    while level:
        types = set(map(type, level))
        if types <= _PY_SCALARS:
            return True
        if not types <= _SEQ_TYPES | _PY_SCALARS:
            return False
        level = list(itertools.chain.from_iterable(x for x in level if type(x) in _SEQ_TYPES))
    return True


def tensor(data: Any, *, dtype: D.dtype | None = None, device: Any = None, requires_grad: bool = False,
           pin_memory: bool = False) -> Tensor:
    """A new leaf tensor with a copy of ``data`` (nested lists, scalars, arrays or tensors).

    The dtype is inferred as in torch: bools give ``bool``, ints ``int64``, floats the
    default dtype, complexes the default complex dtype; NumPy scalars and arrays and
    tensors keep their own dtype; a mix promotes (``[1, 2.5]`` is float32).
    """
    if isinstance(data, Tensor):
        warnings.warn(
            "To copy construct from a tensor, it is recommended to use sourceTensor.detach().clone() or "
            "sourceTensor.detach().clone().requires_grad_(True), rather than ember.tensor(sourceTensor).",
            UserWarning,
            stacklevel=2,
        )
    _check_device(device)
    return _leaf(_to_array(data, dtype), requires_grad)


def as_tensor(data: Any, dtype: D.dtype | None = None, device: Any = None) -> Tensor:
    """Like ``tensor`` but shares memory with a Tensor or ndarray when no conversion is needed."""
    _check_device(device)
    if isinstance(data, Tensor):
        return data if dtype is None or data._data.dtype == dtype.np else data.to(dtype)  # type: ignore[attr-defined]
    if isinstance(data, np.ndarray) and (dtype is None or data.dtype == dtype.np):
        D.from_numpy_dtype(data.dtype)
        return _leaf(data)
    return _leaf(_to_array(data, dtype))


def asarray(obj: Any, *, dtype: D.dtype | None = None, device: Any = None, copy: bool | None = None,
            requires_grad: bool = False) -> Tensor:
    """Convert ``obj`` to a tensor, sharing memory where possible unless ``copy=True``."""
    t = as_tensor(obj, dtype, device) if not copy else _leaf(_to_array(obj, dtype), False, device)
    if requires_grad:
        t.requires_grad_(True)
    return t


def from_numpy(ndarray: np.ndarray) -> Tensor:
    """A tensor sharing memory with ``ndarray`` (changes to one show in the other)."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {_typename(ndarray)})")
    D.from_numpy_dtype(ndarray.dtype)
    return _leaf(ndarray)


def is_tensor(obj: Any) -> bool:
    """True if ``obj`` is an ember Tensor."""
    return isinstance(obj, Tensor)


def numel(input: Tensor) -> int:
    """The number of elements of ``input``."""
    return input.numel()


# ---------------------------------------------------------------------------------------
# Filled tensors
# ---------------------------------------------------------------------------------------
def _shape_arg(name: str, args: tuple, size: Any) -> tuple[int, ...]:
    if size is not None:
        if args:
            raise TypeError(f"{name}() got multiple values for argument 'size'")
        args = (size,)
    return _size(args, name)


def zeros(*args: Any, size: Any = None, dtype: D.dtype | None = None, device: Any = None,
          requires_grad: bool = False, out: Tensor | None = None, layout: Any = None,
          pin_memory: bool = False) -> Tensor:
    """A tensor of zeros (default float dtype); the size as varargs, a tuple, a list or a Size."""
    return _leaf(np.zeros(_shape_arg("zeros", args, size), _float(dtype)), requires_grad, device)


def ones(*args: Any, size: Any = None, dtype: D.dtype | None = None, device: Any = None,
         requires_grad: bool = False, out: Tensor | None = None, layout: Any = None,
         pin_memory: bool = False) -> Tensor:
    """A tensor of ones (default float dtype)."""
    return _leaf(np.ones(_shape_arg("ones", args, size), _float(dtype)), requires_grad, device)


def empty(*args: Any, size: Any = None, dtype: D.dtype | None = None, device: Any = None,
          requires_grad: bool = False, out: Tensor | None = None, layout: Any = None, memory_format: Any = None,
          pin_memory: bool = False) -> Tensor:
    """A tensor whose values are unspecified (ember fills it with zeros)."""
    return _leaf(np.zeros(_shape_arg("empty", args, size), _float(dtype)), requires_grad, device)


def _fill_dtype(value: Any) -> D.dtype:
    """The dtype ``full`` infers from its fill value (torch's rule, by category)."""
    if isinstance(value, Tensor):
        kind = value._data.dtype.kind
        return (D.bool if kind == "b" else D.int64 if kind in "iu" else D.default_complex_dtype() if kind == "c"
                else D.get_default_dtype())
    if isinstance(value, bool):
        return D.bool
    if isinstance(value, (int, np.integer)):
        return D.int64
    if isinstance(value, (complex, np.complexfloating)):
        return D.default_complex_dtype()
    return D.get_default_dtype()


def _fill_value(value: Any, name: str, position: int) -> Any:
    if isinstance(value, Tensor):
        if value._data.ndim != 0:
            raise TypeError(f"{name}(): argument 'fill_value' (position {position}) must be Number, not Tensor")
        return value._data.item()
    if isinstance(value, np.generic):
        return value.item()
    if type(value) not in _PY_SCALARS and not isinstance(value, (int, float, complex)):
        raise TypeError(f"{name}(): argument 'fill_value' (position {position}) must be Number, not {_typename(value)}")
    return value


def _check_fill(value: Any, target: D.dtype) -> None:
    """torch's overflow check of a fill value (floats too: 1e300 does not fit a float32)."""
    if target is D.bool or target.is_complex:
        return
    cpp = _CPP_NAMES.get(target.name, target.name)
    if isinstance(value, complex):
        raise RuntimeError(f"value cannot be converted to type {cpp} without overflow")
    if target.is_floating_point:
        if isinstance(value, float) and math.isfinite(value) and abs(value) > float(np.finfo(target.np).max):
            raise RuntimeError(f"value cannot be converted to type {cpp} without overflow")
        if isinstance(value, int) and abs(value) > float(np.finfo(target.np).max):
            raise RuntimeError(f"value cannot be converted to type {cpp} without overflow")
        return
    if isinstance(value, int) and not (-(2**63) <= value < 2**63):
        raise RuntimeError(f"value cannot be converted to type {cpp} without overflow")
    _check_fits(np.array([value]), target, cpp)


def full(size: Sequence[int], fill_value: Any, *, dtype: D.dtype | None = None, device: Any = None,
         requires_grad: bool = False, out: Tensor | None = None, layout: Any = None,
         pin_memory: bool = False) -> Tensor:
    """A tensor filled with ``fill_value``; without ``dtype``, bool, int64, float or complex by the value."""
    if not isinstance(size, (tuple, list)):
        raise TypeError(f"full(): argument 'size' (position 1) must be tuple of ints, not {_typename(size)}")
    shape = _size((size,), "full")
    target = dtype if dtype is not None else _fill_dtype(fill_value)
    value = _fill_value(fill_value, "full", 2)
    _check_fill(value, target)
    return _leaf(_filled(shape, value, target.np), requires_grad, device)


def _filled(shape: Any, value: Any, np_dtype: np.dtype, like: np.ndarray | None = None) -> np.ndarray:
    with np.errstate(invalid="ignore", over="ignore"):
        v = np.array(value).astype(np_dtype) if not isinstance(value, bool) else value
        if like is not None:
            return np.full_like(like, v, dtype=np_dtype)
        return np.full(shape, v, np_dtype)


def _eye_dim(x: Any, arg: str, position: int) -> int:
    if not _is_int(x):
        raise TypeError(f"eye(): argument '{arg}' (position {position}) must be int, not {_typename(x)}")
    n = operator.index(x)
    if n < 0:
        raise RuntimeError(f"{arg} must be greater or equal to 0, got {n}")
    return n


def eye(n: int, m: int | None = None, *, dtype: D.dtype | None = None, device: Any = None,
        requires_grad: bool = False, out: Tensor | None = None, layout: Any = None,
        pin_memory: bool = False) -> Tensor:
    """Ones on the diagonal of an n x m matrix (m defaults to n)."""
    rows = _eye_dim(n, "n", 1)
    cols = rows if m is None else _eye_dim(m, "m", 2)
    return _leaf(np.eye(rows, cols, dtype=_float(dtype)), requires_grad, device)


def _triangle_indices(name: str, row: Any, col: Any, offset: Any, dtype: D.dtype | None, device: Any,
                      requires_grad: bool) -> Tensor:
    r = _int_arg(row, name, "row", 1)
    c = _int_arg(col, name, "col", 2)
    k = _int_arg(offset, name, "offset", 3)
    if r < 0:
        raise RuntimeError(f"row must be non-negative, got{r}")
    if c < 0:
        raise RuntimeError(f"col must be non-negative, got{c}")
    dt = D.int64 if dtype is None else dtype
    if dt not in (D.int64, D.int32):
        raise _not_implemented(name, dt)
    rows, cols = (np.tril_indices if name == "tril_indices" else np.triu_indices)(r, k, c)
    data = np.stack([rows, cols]).astype(dt.np).reshape(2, -1)
    return _leaf(data, requires_grad, device)


def tril_indices(row: int, col: int, offset: int = 0, *, dtype: D.dtype | None = None, device: Any = None,
                 layout: Any = None, requires_grad: bool = False) -> Tensor:
    """The (row, column) indices of the lower triangle of a ``row`` x ``col`` matrix, as a 2 x N
    tensor in row-major order; ``offset`` moves the diagonal up (> 0) or down (< 0).

    >>> import ember
    >>> ember.tril_indices(3, 3)
    tensor([[0, 1, 1, 2, 2, 2],
            [0, 0, 1, 0, 1, 2]])
    """
    return _triangle_indices("tril_indices", row, col, offset, dtype, device, requires_grad)


def triu_indices(row: int, col: int, offset: int = 0, *, dtype: D.dtype | None = None, device: Any = None,
                 layout: Any = None, requires_grad: bool = False) -> Tensor:
    """The (row, column) indices of the upper triangle of a ``row`` x ``col`` matrix (see ``tril_indices``)."""
    return _triangle_indices("triu_indices", row, col, offset, dtype, device, requires_grad)


def _number(x: Any, fn: str, arg: str, position: int) -> Any:
    """A Python number from a number-like argument (0-d tensors and NumPy scalars included)."""
    if isinstance(x, Tensor):
        if x._data.ndim != 0:
            raise TypeError(f"{fn}(): argument '{arg}' (position {position}) must be Number, not Tensor")
        return x._data.item()
    if isinstance(x, np.generic):
        return x.item()
    if not isinstance(x, (int, float, complex)):
        raise TypeError(f"{fn}(): argument '{arg}' (position {position}) must be Number, not {_typename(x)}")
    return x


def _not_implemented(kernel: str, dtype: D.dtype) -> NotImplementedError:
    return NotImplementedError(f"\"{kernel}\" not implemented for '{D.SCALAR_NAMES[dtype]}'")


_MISSING: Any = object()


def arange(start: Any = 0, end: Any = _MISSING, step: Any = 1, *, dtype: D.dtype | None = None,
           device: Any = None, requires_grad: bool = False, out: Tensor | None = None, layout: Any = None,
           pin_memory: bool = False) -> Tensor:
    """Values from ``start`` to ``end`` (excluded) by ``step``; int64 unless an argument is a float.

    As in torch, the count is ``ceil((end - start) / step)`` computed in double precision
    (so ``arange(0, 1, 0.1)`` has 10 values) and the values are ``start + i * step``.
    With an integer dtype the arguments are truncated to integers first.
    """
    if end is _MISSING:  # arange(end)
        s, e, st = 0, _number(start, "arange", "end", 1), _number(step, "arange", "step", 2)
    else:
        s = _number(start, "arange", "start", 1)
        e = _number(end, "arange", "end", 2)
        st = _number(step, "arange", "step", 3)
    if any(isinstance(v, complex) for v in (s, e, st)):
        raise RuntimeError("value cannot be converted to type double without overflow")
    if dtype is None:
        dtype = D.get_default_dtype() if any(isinstance(v, float) for v in (s, e, st)) else D.int64
    if dtype is D.bool or dtype.is_complex:
        raise _not_implemented("arange_cpu", dtype)
    if dtype is D.int64:
        xs, xe, xstep = int(s), int(e), int(st)
        if xstep == 0:
            raise (RuntimeError if st == 0 else ValueError)("step must be nonzero")
        _check_range_sign(xs, xe, xstep)
        n = len(range(xs, xe, xstep))
        return _leaf(xs + np.arange(n, dtype=np.int64) * xstep, requires_grad, device)
    fs, fe, fstep = float(s), float(e), float(st)
    if not (fstep > 0 or fstep < 0):
        raise RuntimeError("step must be nonzero")
    if not (math.isfinite(fs) and math.isfinite(fe)):
        raise RuntimeError(f"unsupported range: {fs:g} -> {fe:g}")
    _check_range_sign(fs, fe, fstep)
    n = math.ceil((fe - fs) / fstep)
    if dtype.is_floating_point:
        data = _arange_values(fs, fstep, n, dtype)
    else:
        # Other integer dtypes: the count from doubles, the values from truncated integers.
        data = (int(fs) + np.arange(n, dtype=np.int64) * int(fstep)).astype(dtype.np)
    return _leaf(data, requires_grad, device)


#: Lanes per vector of torch's x86 CPU arange kernel, which runs two vectors per iteration.
_ARANGE_LANES = {np.dtype(np.float32): 8, np.dtype(np.float16): 16}


def _arange_values(start: float, step: float, n: int, dtype: D.dtype) -> np.ndarray:
    """``start + i * step`` rounded as torch's CPU kernel rounds it, so values match to the bit.

    The kernel computes in double, but its vectorised part fills each vector from the
    vector's first value rounded to the dtype (``base + lane * step``); the tail past the
    last pair of whole vectors is ``start + i * step``. float32 ``arange(-1, 1, 0.1)[10]``
    is therefore -2.98e-09, not 0, in torch and in ember. float64 uses the plain formula.
    """
    i = np.arange(n, dtype=np.int64)
    values = start + step * i
    lanes = _ARANGE_LANES.get(dtype.np)
    if lanes is None:
        return values.astype(dtype.np)
    vectorised = (n // (2 * lanes)) * 2 * lanes
    first = (i // lanes) * lanes
    base = (start + step * first).astype(dtype.np).astype(np.float64)
    in_vector = (base + (i - first) * step).astype(dtype.np)
    return np.where(i < vectorised, in_vector, values.astype(dtype.np))


def _check_range_sign(start: float, end: float, step: float) -> None:
    if not ((step > 0 and end >= start) or (step < 0 and end <= start)):
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")


def _steps_arg(steps: Any, fn: str) -> int:
    if not _is_int(steps):
        raise TypeError(f"{fn}(): argument 'steps' (position 3) must be int, not {_typename(steps)}")
    n = operator.index(steps)
    if n < 0:
        raise RuntimeError("number of steps must be non-negative")
    return n


def _linspace_values(start: Any, end: Any, steps: int, dtype: D.dtype) -> np.ndarray:
    """torch's linspace kernel: the first half counts up from ``start``, the second down from ``end``.

    Floating dtypes compute in their own precision; integer dtypes step in double from the
    truncated end points and truncate each value.
    """
    if steps == 0:
        return np.zeros((0,), dtype.np)
    integral = not (dtype.is_floating_point or dtype.is_complex)
    if integral:
        step_t = np.float64
        s, e = step_t(int(_real(start))), step_t(int(_real(end)))
    else:
        step_t = dtype.np.type
        s, e = step_t(start), step_t(end)
    if steps == 1:
        return np.array([s]).astype(dtype.np)
    idx = np.arange(steps)
    halfway = steps // 2
    step = (e - s) / step_t(steps - 1)
    up = s + step * idx[:halfway].astype(step_t)
    down = e - step * (steps - idx[halfway:] - 1).astype(step_t)
    return np.concatenate([up, down]).astype(dtype.np)


def _real(x: Any) -> Any:
    return x.real if isinstance(x, complex) else x


def linspace(start: Any, end: Any, steps: int, *, dtype: D.dtype | None = None, device: Any = None,
             requires_grad: bool = False, out: Tensor | None = None, layout: Any = None,
             pin_memory: bool = False) -> Tensor:
    """``steps`` evenly spaced values from ``start`` to ``end`` inclusive (default float dtype)."""
    s = _number(start, "linspace", "start", 1)
    e = _number(end, "linspace", "end", 2)
    n = _steps_arg(steps, "linspace")
    if dtype is None:
        dtype = D.default_complex_dtype() if isinstance(s, complex) or isinstance(e, complex) else D.get_default_dtype()
    if dtype is D.bool:
        raise _not_implemented("linspace_cpu", dtype)
    with np.errstate(invalid="ignore", over="ignore"):
        return _leaf(_linspace_values(s, e, n, dtype), requires_grad, device)


def logspace(start: Any, end: Any, steps: int, base: float = 10.0, *, dtype: D.dtype | None = None,
             device: Any = None, requires_grad: bool = False, out: Tensor | None = None, layout: Any = None,
             pin_memory: bool = False) -> Tensor:
    """``base ** linspace(start, end, steps)``."""
    s = _number(start, "logspace", "start", 1)
    e = _number(end, "logspace", "end", 2)
    n = _steps_arg(steps, "logspace")
    dtype = dtype or D.get_default_dtype()
    if dtype is D.bool:
        raise _not_implemented("logspace_cpu", dtype)
    exponents = _linspace_values(s, e, n, dtype if not (dtype.is_floating_point or dtype.is_complex) else D.float64)
    with np.errstate(invalid="ignore", over="ignore"):
        return _leaf(np.power(float(base), exponents).astype(dtype.np), requires_grad, device)


def _like_input(input: Any, name: str) -> np.ndarray:
    if not isinstance(input, Tensor):
        raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not {_typename(input)}")
    return input._data


def _like_dtype(x: np.ndarray, dtype: D.dtype | None) -> np.dtype:
    return dtype.np if dtype is not None else x.dtype


def zeros_like(input: Tensor, *, dtype: D.dtype | None = None, device: Any = None, requires_grad: bool = False,
               memory_format: Any = None, layout: Any = None) -> Tensor:
    """Zeros with the shape (and strides, where dense) and dtype of ``input``."""
    x = _like_input(input, "zeros_like")
    return _leaf(np.zeros_like(x, dtype=_like_dtype(x, dtype)), requires_grad, device)


def ones_like(input: Tensor, *, dtype: D.dtype | None = None, device: Any = None, requires_grad: bool = False,
              memory_format: Any = None, layout: Any = None) -> Tensor:
    """Ones with the shape and dtype of ``input``."""
    x = _like_input(input, "ones_like")
    return _leaf(np.ones_like(x, dtype=_like_dtype(x, dtype)), requires_grad, device)


def empty_like(input: Tensor, *, dtype: D.dtype | None = None, device: Any = None, requires_grad: bool = False,
               memory_format: Any = None, layout: Any = None) -> Tensor:
    """A tensor shaped like ``input`` with unspecified values (ember fills it with zeros)."""
    x = _like_input(input, "empty_like")
    return _leaf(np.zeros_like(x, dtype=_like_dtype(x, dtype)), requires_grad, device)


def full_like(input: Tensor, fill_value: Any, *, dtype: D.dtype | None = None, device: Any = None,
              requires_grad: bool = False, memory_format: Any = None, layout: Any = None) -> Tensor:
    """``fill_value`` in the shape and dtype of ``input`` (the value is converted, not the dtype)."""
    x = _like_input(input, "full_like")
    value = _fill_value(fill_value, "full_like", 2)
    dt = _like_dtype(x, dtype)
    _check_fill(value, D.FROM_NP[dt])
    return _leaf(_filled(x.shape, value, dt, like=x), requires_grad, device)


# ---------------------------------------------------------------------------------------
# Random numbers
# ---------------------------------------------------------------------------------------
class Generator:
    """A random number generator (NumPy's PCG64 underneath) with torch's seeding methods."""

    def __init__(self, device: Any = "cpu") -> None:
        _check_device(device)
        self._seed = 67280421310721
        self.rng = np.random.default_rng(self._seed)
        self.device = device if isinstance(device, _device_t) else _device_t(device)

    def manual_seed(self, seed: int) -> Generator:
        """Reseed; the same seed gives the same sequence. Returns self."""
        self._seed = int(seed) & 0xFFFFFFFFFFFFFFFF
        self.rng = np.random.default_rng(self._seed)
        return self

    def seed(self) -> int:
        """Reseed from fresh entropy and return the seed."""
        s = int(np.random.SeedSequence().generate_state(1, np.uint64)[0])
        self.manual_seed(s)
        return s

    def initial_seed(self) -> int:
        return self._seed

    def get_state(self) -> Tensor:
        """The generator's state as a uint8 tensor (for ``set_state``)."""
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
    """Seed the default generator from fresh entropy; returns the seed."""
    return default_generator.seed()


def initial_seed() -> int:
    """The seed the default generator was last seeded with."""
    return default_generator.initial_seed()


def get_rng_state() -> Tensor:
    """The default generator's state (a uint8 tensor)."""
    return default_generator.get_state()


def set_rng_state(new_state: Tensor) -> None:
    """Restore a state from ``get_rng_state``."""
    default_generator.set_state(new_state)


def _rng(generator: Generator | None) -> np.random.Generator:
    return (generator or default_generator).rng


def _sample(shape: tuple, dtype: D.dtype, draw: Any, scale: float) -> np.ndarray:
    """Draw in float64 (float32 directly) and cast; complex dtypes draw real and imaginary parts."""
    if dtype.is_complex:
        real = dtype.to_real().np
        parts = draw(shape + (2,), real if real in (np.float32, np.float64) else np.float64) * scale
        return (parts[..., 0] + 1j * parts[..., 1]).astype(dtype.np)
    dt = dtype.np
    return draw(shape, dt if dt in (np.float32, np.float64) else np.float64).astype(dt, copy=False)


def rand(*args: Any, size: Any = None, generator: Generator | None = None, dtype: D.dtype | None = None,
         device: Any = None, requires_grad: bool = False, out: Tensor | None = None, layout: Any = None,
         pin_memory: bool = False) -> Tensor:
    """Uniform samples from [0, 1) (for complex dtypes, both parts)."""
    shape = _shape_arg("rand", args, size)
    dt = dtype or D.get_default_dtype()
    if not (dt.is_floating_point or dt.is_complex):
        raise _not_implemented("check_uniform_bounds", dt)
    rng = _rng(generator)
    return _leaf(_sample(shape, dt, lambda s, d: rng.random(s, dtype=d), 1.0), requires_grad, device)


def randn(*args: Any, size: Any = None, generator: Generator | None = None, dtype: D.dtype | None = None,
          device: Any = None, requires_grad: bool = False, out: Tensor | None = None, layout: Any = None,
          pin_memory: bool = False) -> Tensor:
    """Standard normal samples (for complex dtypes, variance 1/2 in each part, as torch)."""
    shape = _shape_arg("randn", args, size)
    dt = dtype or D.get_default_dtype()
    if not (dt.is_floating_point or dt.is_complex):
        raise _not_implemented("normal_kernel_cpu", dt)
    rng = _rng(generator)
    data = _sample(shape, dt, lambda s, d: rng.standard_normal(s, dtype=d), math.sqrt(0.5))
    return _leaf(data, requires_grad, device)


def _int_arg(x: Any, fn: str, arg: str, position: int) -> int:
    if not _is_int(x) and not isinstance(x, bool):
        raise TypeError(f"{fn}(): argument '{arg}' (position {position}) must be int, not {_typename(x)}")
    v = operator.index(x)
    if not -(2**63) <= v < 2**63:
        raise ValueError("Overflow when unpacking long long")
    return v


#: The C names torch's random bounds errors use.
_C_TYPE_NAMES = {np.uint8: "unsigned char", np.int8: "signed char", np.int16: "short", np.int32: "int"}


def randint(low: int, high: Any = None, size: Any = None, *, generator: Generator | None = None,
            dtype: D.dtype | None = None, device: Any = None, requires_grad: bool = False,
            out: Tensor | None = None, layout: Any = None, pin_memory: bool = False) -> Tensor:
    """Integers uniform in [low, high) (int64 by default): ``randint(high, size)`` or ``randint(low, high, size)``."""
    if size is None:
        if high is None:
            raise TypeError("randint() missing required argument 'size' (pos 2)")
        if not isinstance(high, (tuple, list)):
            raise TypeError(f"randint(): argument 'size' (position 2) must be tuple of ints, not {_typename(high)}")
        low, high, size = 0, low, high
        size_pos = 2
    elif high is None:
        low, high = 0, low
        size_pos = 2
    else:
        size_pos = 3
    if not isinstance(size, (tuple, list)):
        raise TypeError(
            f"randint(): argument 'size' (position {size_pos}) must be tuple of ints, not {_typename(size)}"
        )
    lo = _int_arg(low, "randint", "low", 1)
    hi = _int_arg(high, "randint", "high", 1 if size_pos == 2 else 2)
    shape = _size((size,), "randint")
    dt = dtype or D.int64
    if dt.is_complex:
        raise RuntimeError("check_random_bounds handles only integral, floating-point and boolean types")
    if lo >= hi:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={lo} >= to={hi}")
    if dt is D.bool and (lo < 0 or hi - 1 > 1):
        raise RuntimeError("to - 1 is out of bounds for bool" if hi - 1 > 1 else "from is out of bounds for bool")
    if dt.np.kind in "iu":
        info = np.iinfo(dt.name)
        cname = _C_TYPE_NAMES.get(dt.np.type, "long")
        if lo < info.min:
            raise RuntimeError(f"from is out of bounds for {cname}")
        if hi - 1 > info.max:
            raise RuntimeError(f"to - 1 is out of bounds for {cname}")
    data = _rng(generator).integers(lo, hi, size=shape, dtype=np.int64)
    return _leaf(data.astype(dt.np, copy=False), requires_grad, device)


def randperm(n: int, *, generator: Generator | None = None, dtype: D.dtype | None = None, device: Any = None,
             requires_grad: bool = False, out: Tensor | None = None, layout: Any = None,
             pin_memory: bool = False) -> Tensor:
    """A random permutation of 0..n-1 (int64 by default)."""
    count = _int_arg(n, "randperm", "n", 1)
    if count < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {count}: [{count}]")
    dt = dtype or D.int64
    if dt is D.bool or dt.is_complex:
        raise _not_implemented("randperm", dt)
    return _leaf(_rng(generator).permutation(count).astype(dt.np), requires_grad, device)


def rand_like(input: Tensor, *, dtype: D.dtype | None = None, device: Any = None, requires_grad: bool = False,
              generator: Generator | None = None, memory_format: Any = None, layout: Any = None) -> Tensor:
    """``rand`` with the shape and dtype of ``input``."""
    x = _like_input(input, "rand_like")
    return rand(x.shape, dtype=dtype or D.FROM_NP[x.dtype], generator=generator, device=device,
                requires_grad=requires_grad)


def randn_like(input: Tensor, *, dtype: D.dtype | None = None, device: Any = None, requires_grad: bool = False,
               generator: Generator | None = None, memory_format: Any = None, layout: Any = None) -> Tensor:
    """``randn`` with the shape and dtype of ``input``."""
    x = _like_input(input, "randn_like")
    return randn(x.shape, dtype=dtype or D.FROM_NP[x.dtype], generator=generator, device=device,
                 requires_grad=requires_grad)


def randint_like(input: Tensor, low: int = 0, high: int | None = None, *, dtype: D.dtype | None = None,
                 device: Any = None, requires_grad: bool = False, generator: Generator | None = None,
                 memory_format: Any = None, layout: Any = None) -> Tensor:
    """``randint`` with the shape and dtype of ``input``: ``randint_like(x, high)`` or ``(x, low, high)``."""
    x = _like_input(input, "randint_like")
    if high is None:
        low, high = 0, low
    return randint(low, high, x.shape, dtype=dtype or D.FROM_NP[x.dtype], generator=generator, device=device,
                   requires_grad=requires_grad)


def normal(mean: Any = 0.0, std: Any = 1.0, size: Sequence[int] | None = None, *,
           generator: Generator | None = None, dtype: D.dtype | None = None, requires_grad: bool = False,
           out: Tensor | None = None) -> Tensor:
    """Normal samples with the given mean and std (scalars with ``size``, or tensors)."""
    m = mean._data if isinstance(mean, Tensor) else mean
    s = std._data if isinstance(std, Tensor) else std
    shape = _size((size,), "normal") if size is not None else np.broadcast_shapes(np.shape(m), np.shape(s))
    if isinstance(mean, Tensor):
        dt = mean._data.dtype
    elif isinstance(std, Tensor):
        dt = std._data.dtype
    else:
        dt = _float(dtype)
    data = (m + s * _rng(generator).standard_normal(shape)).astype(dt)
    return _leaf(data, requires_grad)


# ---------------------------------------------------------------------------------------
# Legacy constructors: ember.Tensor(2, 3), FloatTensor([1, 2]), isinstance(t, LongTensor)
# ---------------------------------------------------------------------------------------
def _legacy_construct(dtype: D.dtype, args: tuple, kwargs: dict, typed: bool = False) -> np.ndarray:
    """The array of a legacy constructor call: sizes give zeros, a sequence gives its data.

    ``ember.Tensor(t)`` (``typed=False``) shares ``t``'s memory whatever its dtype, as torch
    does; ``FloatTensor(t)`` accepts only a float32 ``t``.
    """
    dev = kwargs.pop("device", None)
    if dev is not None:
        d = dev if isinstance(dev, _device_t) else _device_t(dev)
        if d.type != "cpu":
            raise RuntimeError(f"legacy constructor expects device type: cpu but device type: {d.type} was passed")
    if kwargs:
        got = ", ".join([_typename(a) for a in args] + [f"{k}={_typename(v)}" for k, v in kwargs.items()])
        raise TypeError(f"new() received an invalid combination of arguments - got ({got})")
    if not args:
        return np.zeros((0,), dtype.np)
    if len(args) == 1:
        a = args[0]
        if isinstance(a, Tensor):
            if typed and a._data.dtype != dtype.np:
                raise TypeError(f"expected TensorOptions(dtype={dtype.name}) (got TensorOptions(dtype={a.dtype.name}))")
            return a._data
        if isinstance(a, Size):
            return np.zeros(_size((a,), "new"), dtype.np)
        if not _is_int(a):
            if isinstance(a, (list, tuple, range, np.ndarray, str, bytes)):
                return _to_array(a, dtype)
            raise TypeError(f"new(): data must be a sequence (got {_typename(a)})")
    return np.zeros(_size(args, "new"), dtype.np)


class _LegacyMeta(type):
    """The metaclass of FloatTensor & co: ``isinstance`` checks the dtype, as in torch."""

    dtype: D.dtype

    def __instancecheck__(cls, obj: Any) -> bool:
        return isinstance(obj, Tensor) and obj._data.dtype == cls.dtype.np


def _legacy_type(name: str, dtype: D.dtype) -> type:
    def __new__(cls: type, *args: Any, **kwargs: Any) -> Tensor:  # noqa: N807
        return _leaf(_legacy_construct(dtype, args, kwargs, typed=True))

    namespace = {"__new__": __new__, "dtype": dtype, "is_cuda": False, "is_sparse": False, "__module__": "ember",
                 "__doc__": f"The legacy constructor of {dtype.name} tensors: ``{name}(2, 3)``, ``{name}([1, 2])``."}
    return _LegacyMeta(name, (), namespace)


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
