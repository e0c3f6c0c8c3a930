"""dtypes and type promotion: known answers, and PyTorch as the oracle for every pair.

The oracle tests take dtype *names* as parameters (so they collect without torch) and
skip when torch is absent.
"""

from __future__ import annotations

import itertools
import operator
import pickle
import warnings

import numpy as np
import pytest

import ember
from ember import _dtype as D  # noqa: N812 - the name ember's own modules use

try:
    import torch
except ImportError:  # the oracle is optional
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="torch (the oracle) is not installed")

NAMES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64", "complex64", "complex128"]
BAREBONES = ["uint16", "uint32", "uint64"]
ALIASES = {"float": "float32", "double": "float64", "half": "float16", "long": "int64", "int": "int32",
           "short": "int16", "cfloat": "complex64", "cdouble": "complex128"}
SCALARS = [True, False, 2, -3, 2.5, 1 + 2j]


def name_of(d) -> str:
    """'float32' from ember.float32 or torch.float32."""
    return str(d).split(".")[-1]


@pytest.fixture
def default_float64():
    """Run a test with float64 as the default dtype, and restore float32 afterwards."""
    ember.set_default_dtype(ember.float64)
    try:
        yield
    finally:
        ember.set_default_dtype(ember.float32)


# ---------------------------------------------------------------------------------------
# dtype objects
# ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", NAMES)
def test_dtype_object(name):
    d = getattr(ember, name)
    assert isinstance(d, ember.dtype)
    assert repr(d) == str(d) == f"ember.{name}"
    assert d.is_floating_point == (name.startswith("float"))
    assert d.is_complex == name.startswith("complex")
    assert d.itemsize == np.dtype(name).itemsize
    assert d.is_signed == (name not in ("bool", "uint8"))
    assert pickle.loads(pickle.dumps(d)) is d


@pytest.mark.parametrize("alias,name", sorted(ALIASES.items()))
def test_aliases_are_the_same_object(alias, name):
    assert getattr(ember, alias) is getattr(ember, name)
    assert getattr(ember, alias) == getattr(ember, name)


@needs_torch
@pytest.mark.parametrize("name", NAMES + sorted(ALIASES))
def test_dtype_attributes_match_torch(name):
    t, e = getattr(torch, name), getattr(ember, name)
    assert name_of(t) == name_of(e)
    for attr in ("is_floating_point", "is_complex", "is_signed", "itemsize"):
        assert getattr(e, attr) == getattr(t, attr), attr
    assert name_of(e.to_real()) == name_of(t.to_real())
    if name in ("float16", "half"):  # torch: float16 -> complex32, which ember lacks
        return
    try:
        expected = name_of(t.to_complex())
    except RuntimeError as err:
        with pytest.raises(RuntimeError, match=f"^{err}$"):
            e.to_complex()
    else:
        assert name_of(e.to_complex()) == expected


def test_dtypes_are_distinct_and_hashable():
    dtypes = [getattr(ember, n) for n in NAMES]
    assert len(set(dtypes)) == len(NAMES)
    assert ember.float32 != ember.float64
    assert {ember.float: 1}[ember.float32] == 1


@pytest.mark.parametrize("name", BAREBONES)
def test_barebones_unsigned_dtypes(name):
    d = getattr(D, name)
    assert repr(d) == f"ember.{name}"
    assert not d.is_signed and d.itemsize == np.dtype(name).itemsize
    assert ember.from_numpy(np.array([1, 2], dtype=name)).dtype is d
    assert D.promote_types(d, d) is d
    assert D.promote_types(d, ember.float16) is ember.float16
    with pytest.raises(RuntimeError, match="Promotion for uint16, uint32, uint64 types is not supported"):
        D.promote_types(d, ember.int64)


def test_barebones_unsigned_exported():
    assert ember.uint16 is D.uint16 and ember.uint32 is D.uint32 and ember.uint64 is D.uint64


# ---------------------------------------------------------------------------------------
# promote_types and can_cast
# ---------------------------------------------------------------------------------------
KNOWN_PROMOTIONS = [
    ("bool", "bool", "bool"), ("bool", "uint8", "uint8"), ("uint8", "int8", "int16"), ("int8", "int64", "int64"),
    ("int64", "float16", "float16"), ("uint8", "float32", "float32"), ("float16", "float32", "float32"),
    ("float64", "complex64", "complex128"), ("float32", "complex64", "complex64"), ("int64", "complex64", "complex64"),
    ("bool", "complex128", "complex128"), ("float16", "complex64", "complex64"),
]


@pytest.mark.parametrize("a,b,expected", KNOWN_PROMOTIONS)
def test_promote_types_known(a, b, expected):
    assert ember.promote_types(getattr(ember, a), getattr(ember, b)) is getattr(ember, expected)
    assert ember.promote_types(getattr(ember, b), getattr(ember, a)) is getattr(ember, expected)


@needs_torch
@pytest.mark.parametrize("a,b", list(itertools.product(NAMES + BAREBONES, repeat=2)))
def test_promote_types_matches_torch(a, b):
    try:
        expected = name_of(torch.promote_types(getattr(torch, a), getattr(torch, b)))
    except RuntimeError as err:
        with pytest.raises(RuntimeError) as got:
            D.promote_types(getattr(D, a), getattr(D, b))
        assert str(got.value) == str(err)
        return
    assert D.promote_types(getattr(D, a), getattr(D, b)).name == expected


@needs_torch
@pytest.mark.parametrize("a,b", list(itertools.product(NAMES, repeat=2)))
def test_can_cast_matches_torch(a, b):
    assert ember.can_cast(getattr(ember, a), getattr(ember, b)) == torch.can_cast(getattr(torch, a), getattr(torch, b))


# ---------------------------------------------------------------------------------------
# result_type and the dtype of binary operators
# ---------------------------------------------------------------------------------------
def make(m, name: str, dim: bool):
    """A tensor of dtype ``name``: 1-d when ``dim``, else 0-d."""
    d = getattr(m, name)
    if name == "bool":
        return m.tensor([True, False]) if dim else m.tensor(True)
    return m.ones(2, dtype=d) if dim else m.tensor(1, dtype=d)


KNOWN_RESULT_TYPES = [
    # (a, a is dimensioned, b, b is dimensioned, expected)
    ("int32", True, "int64", False, "int32"),      # a 0-d tensor of the same category does not promote
    ("int32", True, "float64", False, "float64"),  # ... a higher category gives the 0-d tensor's dtype
    ("float16", True, "float64", False, "float16"),
    ("uint8", True, "int8", False, "uint8"),
    ("int32", False, "int64", False, "int64"),     # two 0-d tensors promote normally
    ("bool", True, "int8", False, "int8"),
    ("float32", True, "complex128", False, "complex64"),
    ("float64", True, "complex64", False, "complex128"),
    ("int64", True, "complex128", False, "complex128"),
    ("int64", True, "float16", False, "float16"),
]


@pytest.mark.parametrize("a,da,b,db,expected", KNOWN_RESULT_TYPES)
def test_result_type_known(a, da, b, db, expected):
    x, y = make(ember, a, da), make(ember, b, db)
    assert ember.result_type(x, y).name == expected
    assert ember.result_type(y, x).name == expected
    assert (x + y).dtype.name == expected


KNOWN_SCALAR_RESULTS = [
    ("int32", 2, "int32"), ("int32", 2.5, "float32"), ("uint8", -3, "uint8"), ("bool", 2, "int64"),
    ("bool", 2.5, "float32"), ("float16", 2.5, "float16"), ("float64", 1j, "complex128"),
    ("float16", True, "float16"), ("int8", 1j, "complex64"), ("bool", True, "bool"),
]


@pytest.mark.parametrize("a,scalar,expected", KNOWN_SCALAR_RESULTS)
def test_result_type_with_scalar_known(a, scalar, expected):
    x = make(ember, a, True)
    assert ember.result_type(x, scalar).name == expected
    assert ember.result_type(scalar, x).name == expected
    assert (x * scalar).dtype.name == expected and (scalar * x).dtype.name == expected


# torch gives complex32 for float16 meeting a complex number of lower priority; ember has
# no complex32 (NumPy has none) and gives complex64.
def _complex32(expected) -> bool:
    return name_of(expected) == "complex32"


def _skip_complex32(expected) -> None:
    if _complex32(expected):
        pytest.skip("torch gives complex32, which ember does not have (it gives complex64)")


PAIRS = [(a, da, b, db) for a, b in itertools.product(NAMES, repeat=2) for da in (True, False) for db in (True, False)]


def _pair_id(p) -> str:
    a, da, b, db = p
    return f"{a}{'' if da else '0d'}-{b}{'' if db else '0d'}"


@needs_torch
@pytest.mark.parametrize("a,da,b,db", PAIRS, ids=[_pair_id(p) for p in PAIRS])
def test_result_type_and_operators_match_torch(a, da, b, db):
    tx, ty = make(torch, a, da), make(torch, b, db)
    ex, ey = make(ember, a, da), make(ember, b, db)
    expected = torch.result_type(tx, ty)
    _skip_complex32(expected)
    assert ember.result_type(ex, ey).name == name_of(expected)
    for op in (operator.add, operator.mul, operator.truediv):
        assert name_of((op(ex, ey)).dtype) == name_of(op(tx, ty).dtype), op.__name__


SCALAR_CASES = [(a, da, s) for a in NAMES for da in (True, False) for s in SCALARS]


@needs_torch
@pytest.mark.parametrize("a,da,scalar", SCALAR_CASES,
                         ids=[f"{a}{'' if da else '0d'}-{s!r}" for a, da, s in SCALAR_CASES])
def test_result_type_with_python_scalar_matches_torch(a, da, scalar):
    tx, ex = make(torch, a, da), make(ember, a, da)
    expected = torch.result_type(tx, scalar)
    _skip_complex32(expected)
    assert ember.result_type(ex, scalar).name == name_of(expected)
    assert ember.result_type(scalar, ex).name == name_of(torch.result_type(scalar, tx))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch warns that ComplexHalf is experimental
        for op in (operator.add, operator.mul, operator.truediv):
            for left in (True, False):
                args_t = (tx, scalar) if left else (scalar, tx)
                args_e = (ex, scalar) if left else (scalar, ex)
                try:
                    want = name_of(op(*args_t).dtype)
                except (RuntimeError, NotImplementedError):
                    continue
                assert name_of(op(*args_e).dtype) == want, (op.__name__, left)


@needs_torch
@pytest.mark.parametrize("a", NAMES)
def test_result_type_with_default_float64_matches_torch(a, default_float64):
    torch.set_default_dtype(torch.float64)
    try:
        for dim in (True, False):
            tx, ex = make(torch, a, dim), make(ember, a, dim)
            for scalar in SCALARS:
                want = name_of(torch.result_type(tx, scalar))
                if want == "complex32":  # ember has no complex32
                    continue
                assert ember.result_type(ex, scalar).name == want, (dim, scalar)
                assert name_of((ex * scalar).dtype) == name_of((tx * scalar).dtype), (dim, scalar)
            assert name_of(ember.tensor([1.5]).dtype) == name_of(torch.tensor([1.5]).dtype)
            assert name_of((ex / 2).dtype) == name_of((tx / 2).dtype), dim
    finally:
        torch.set_default_dtype(torch.float32)


def test_result_type_of_scalars_only():
    assert ember.result_type(1, 2.5) is ember.float32
    assert ember.result_type(True, 2) is ember.int64
    assert ember.result_type(2, 1j) is ember.complex64


def test_result_type_barebones_with_python_scalars():
    x = ember.from_numpy(np.array([1, 2], dtype=np.uint16))
    assert ember.result_type(x, 1) is D.uint16
    assert ember.result_type(x, 1.5) is ember.float32
    with pytest.raises(RuntimeError, match="attempted to promote UInt16 and Long"):
        ember.result_type(x, ember.ones(2, dtype=ember.int64))


# ---------------------------------------------------------------------------------------
# The default dtype
# ---------------------------------------------------------------------------------------
def test_default_dtype_is_float32():
    assert ember.get_default_dtype() is ember.float32
    assert ember.tensor([1.5]).dtype is ember.float32
    assert ember.tensor([1j]).dtype is ember.complex64
    assert ember.ones(2).dtype is ember.float32


def test_set_default_dtype_float64(default_float64):
    assert ember.get_default_dtype() is ember.float64
    assert ember.tensor([1.5]).dtype is ember.float64
    assert ember.tensor([1, 2]).dtype is ember.int64
    assert ember.tensor([1j]).dtype is ember.complex128
    assert ember.zeros(2).dtype is ember.float64
    assert ember.arange(0.0, 1.0, 0.5).dtype is ember.float64
    assert ember.full((2,), 1.5).dtype is ember.float64
    assert ember.rand(2).dtype is ember.float64
    assert (ember.tensor([1, 2]) / 2).dtype is ember.float64
    assert (ember.tensor([1, 2]) * 2.5).dtype is ember.float64
    assert (ember.ones(2, dtype=ember.float32) * 2.5).dtype is ember.float32
    assert ember.result_type(ember.tensor([1, 2]), 2.5) is ember.float64
    # Printing: the default dtype loses its suffix, float32 gains one.
    assert repr(ember.tensor([1.5, 2.0])) == "tensor([1.5000, 2.0000])"
    assert repr(ember.tensor([1.5], dtype=ember.float32)) == "tensor([1.5000], dtype=ember.float32)"
    assert repr(ember.tensor([1j])) == "tensor([0.+1.j])"


def test_default_dtype_restored():
    # Runs after test_set_default_dtype_float64: the fixture must have restored float32.
    assert ember.get_default_dtype() is ember.float32
    assert repr(ember.tensor([1.5], dtype=ember.float64)) == "tensor([1.5000], dtype=ember.float64)"


@needs_torch
def test_set_default_dtype_printing_matches_torch(default_float64):
    torch.set_default_dtype(torch.float64)
    try:
        for make_t in (lambda m: m.tensor([1.5, 2.0]), lambda m: m.tensor([1.5], dtype=m.float32),
                       lambda m: m.tensor([1j]), lambda m: m.arange(3) / 2):
            assert repr(make_t(ember)) == repr(make_t(torch)).replace("torch.", "ember.")
    finally:
        torch.set_default_dtype(torch.float32)


def test_set_default_dtype_float16():
    ember.set_default_dtype(ember.float16)
    try:
        assert ember.tensor([1.5]).dtype is ember.float16
    finally:
        ember.set_default_dtype(ember.float32)


@pytest.mark.parametrize("bad", ["int64", "complex64", "bool"])
def test_set_default_dtype_rejects_non_float(bad):
    with pytest.raises(TypeError, match="^only floating-point types are supported as the default type$"):
        ember.set_default_dtype(getattr(ember, bad))
    assert ember.get_default_dtype() is ember.float32


def test_set_default_dtype_rejects_non_dtype():
    with pytest.raises(TypeError, match="invalid dtype object"):
        ember.set_default_dtype("float")
