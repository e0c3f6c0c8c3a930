"""Tensor: an array plus autograd metadata.

No math lives here: operators and methods forward to the functions in ``ember.ops``
(bound at the end of this module from each ops module's ``TENSOR_METHODS``). A Tensor
is an array (``_data``), whether it requires grad (``_rg``), the Node that made it
(``_grad_fn``, with ``_out_nr`` saying which output of it), its gradient, and a
version counter (``_vc``, a one-element list shared with its views).

>>> import ember
>>> x = ember.ones(2, 2, requires_grad=True)
>>> y = x + 2
>>> y.grad_fn.name(), y.is_leaf, x.is_leaf
('AddBackward0', False, True)
"""

from __future__ import annotations

import operator
import weakref
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import numpy as np

from . import _dtype as D  # noqa: N812 - D reads as a namespace of dtypes
from . import _printing
from . import autograd as _autograd  # its functions look up the Tensor class late: no cycle
from ._device import cpu as _cpu
from ._device import device as _device_t
from .autograd.graph import RemovableHandle, _HookDict

__all__ = ["Tensor", "Size"]


class Size(tuple):
    """A tensor's shape: a tuple of ints that prints as ``ember.Size([2, 3])``.

    Slicing, ``+`` and ``*`` give a Size again, as torch.Size does.
    """

    def __new__(cls, sizes: Any = ()) -> Size:
        dims = []
        for i, s in enumerate(sizes):
            try:
                dims.append(operator.index(s))
            except TypeError:
                raise TypeError(f"ember.Size() takes an iterable of 'int' (item {i} is '{type(s).__name__}')") from None
        return tuple.__new__(cls, dims)

    def __getitem__(self, key: Any) -> Any:
        item = tuple.__getitem__(self, key)
        return tuple.__new__(Size, item) if isinstance(key, slice) else item

    def __add__(self, other: Any) -> Any:
        if not isinstance(other, tuple):
            return NotImplemented
        return tuple.__new__(Size, tuple.__add__(self, other))

    def __radd__(self, other: Any) -> Any:
        if not isinstance(other, tuple):
            return NotImplemented
        return tuple.__new__(Size, tuple.__add__(other, self))

    def __mul__(self, n: Any) -> Any:
        return tuple.__new__(Size, tuple.__mul__(self, n))

    __rmul__ = __mul__

    def __reduce__(self) -> tuple:
        return (Size, (tuple(self),))

    def __repr__(self) -> str:
        return f"ember.Size({list(self)})"

    __str__ = __repr__

    def numel(self) -> int:
        n = 1
        for s in self:
            n *= s
        return n


_new = object.__new__


class Tensor:
    """A multi-dimensional array that records the operations applied to it."""

    __slots__ = ("_data", "_rg", "_grad_fn", "_out_nr", "_grad", "_vc", "_base", "_accum", "_extra", "__weakref__")
    _data: np.ndarray
    _rg: bool
    _grad_fn: Any
    _out_nr: int
    _grad: Tensor | None
    _vc: list[int]
    _base: Tensor | None
    _accum: Any
    _extra: dict | None

    if TYPE_CHECKING:
        # The ops bind these at import (ember.ops.*.TENSOR_METHODS); type checkers see them here.
        def __getattr__(self, name: str) -> Any: ...
        def __neg__(self) -> Tensor: ...
        def __pos__(self) -> Tensor: ...
        def __abs__(self) -> Tensor: ...
        def __invert__(self) -> Tensor: ...
        def __getitem__(self, key: Any) -> Tensor: ...
        def __setitem__(self, key: Any, value: Any) -> None: ...
        def __eq__(self, other: Any) -> Tensor: ...  # type: ignore[override]
        def __ne__(self, other: Any) -> Tensor: ...  # type: ignore[override]
        def __add__(self, other: Any) -> Tensor: ...
        def __radd__(self, other: Any) -> Tensor: ...
        def __iadd__(self, other: Any) -> Tensor: ...
        def __sub__(self, other: Any) -> Tensor: ...
        def __rsub__(self, other: Any) -> Tensor: ...
        def __isub__(self, other: Any) -> Tensor: ...
        def __mul__(self, other: Any) -> Tensor: ...
        def __rmul__(self, other: Any) -> Tensor: ...
        def __imul__(self, other: Any) -> Tensor: ...
        def __truediv__(self, other: Any) -> Tensor: ...
        def __rtruediv__(self, other: Any) -> Tensor: ...
        def __itruediv__(self, other: Any) -> Tensor: ...
        def __floordiv__(self, other: Any) -> Tensor: ...
        def __rfloordiv__(self, other: Any) -> Tensor: ...
        def __mod__(self, other: Any) -> Tensor: ...
        def __rmod__(self, other: Any) -> Tensor: ...
        def __pow__(self, other: Any) -> Tensor: ...
        def __rpow__(self, other: Any) -> Tensor: ...
        def __ipow__(self, other: Any) -> Tensor: ...
        def __matmul__(self, other: Any) -> Tensor: ...
        def __rmatmul__(self, other: Any) -> Tensor: ...
        def __and__(self, other: Any) -> Tensor: ...
        def __rand__(self, other: Any) -> Tensor: ...
        def __or__(self, other: Any) -> Tensor: ...
        def __ror__(self, other: Any) -> Tensor: ...
        def __xor__(self, other: Any) -> Tensor: ...
        def __rxor__(self, other: Any) -> Tensor: ...
        def __lt__(self, other: Any) -> Tensor: ...
        def __le__(self, other: Any) -> Tensor: ...
        def __gt__(self, other: Any) -> Tensor: ...
        def __ge__(self, other: Any) -> Tensor: ...

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # torch.Tensor(2, 3) makes an uninitialised float tensor; torch.Tensor([1, 2])
        # converts data to the default float dtype (the legacy constructor).
        from ._creation import _legacy_construct

        _init_slots(self, _legacy_construct(D.get_default_dtype(), args, kwargs), False, None)

    # -- construction used by ops (the hot path) ----------------------------------
    @staticmethod
    def _make(data: np.ndarray, grad_fn: Any, out_nr: int = 0, vc: list | None = None) -> Tensor:
        t = _new(Tensor)
        t._data = data
        t._rg = grad_fn is not None
        t._grad_fn = grad_fn
        t._out_nr = out_nr
        t._grad = None
        t._vc = [0] if vc is None else vc
        t._base = None
        t._accum = None
        t._extra = None
        return t

    @staticmethod
    def _dtype_of(np_dtype: np.dtype) -> D.dtype:
        return D.FROM_NP[np_dtype]

    # -- autograd metadata ----------------------------------------------------------
    @property
    def requires_grad(self) -> bool:
        """Whether gradients are computed for this tensor (True for results that have a grad_fn)."""
        return self._rg

    @requires_grad.setter
    def requires_grad(self, value: bool) -> None:
        if self._grad_fn is not None:
            msg = "you can only change requires_grad flags of leaf variables."
            if not value:
                msg += (" If you want to use a computed variable in a subgraph that doesn't require "
                        "differentiation use var_no_grad = var.detach().")
            raise RuntimeError(msg)
        if value and self._data.dtype.kind not in "fc":
            # torch's wording differs between the setter and requires_grad_().
            raise RuntimeError("only Tensors of floating point and complex dtype can require gradients")
        if value and self._extra is not None and self._extra.get("inference") and not _inference_enabled():
            raise RuntimeError("Setting requires_grad=True on inference tensor outside InferenceMode is not allowed.")
        self._rg = bool(value)

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        """Set ``requires_grad`` in place and return self (a no-op True on results that have history)."""
        if requires_grad and self._grad_fn is not None:
            return self
        if requires_grad and self._data.dtype.kind not in "fc":
            raise RuntimeError("only Tensors of floating point dtype can require gradients")
        self.requires_grad = requires_grad
        return self

    @property
    def grad_fn(self) -> Any:
        """The Node that created this tensor, or None for leaves."""
        return self._grad_fn

    @property
    def creator(self) -> Any:
        """The 2017 name of ``grad_fn`` (``Variable.creator``)."""
        return self._grad_fn

    @property
    def is_leaf(self) -> bool:
        """True for tensors made by the user (or that do not require grad)."""
        return self._grad_fn is None

    @property
    def grad(self) -> Tensor | None:
        """The gradient accumulated by backward; None until then (and for non-leaves)."""
        if self._grad_fn is not None and not self.retains_grad and self._grad is None:
            import warnings

            warnings.warn(
                "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its "
                ".grad attribute won't be populated during autograd.backward(). If you indeed want "
                "the .grad field to be populated for a non-leaf Tensor, use .retain_grad() on the "
                "non-leaf Tensor. If you access the non-leaf Tensor by mistake, make sure you access "
                "the leaf Tensor instead. See github.com/pytorch/pytorch/pull/30531 for more information.",
                UserWarning,
                stacklevel=2,
            )
        return self._grad

    @grad.setter
    def grad(self, value: Tensor | None) -> None:
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(
                    f"assigned grad expected to be a Tensor or None but got grad of type {type(value).__name__}"
                )
            if value._data.dtype != self._data.dtype:
                from .ops.linalg import _CPP_NAMES
                from .ops.pointwise import legacy_name

                raise RuntimeError(
                    f"attempting to assign a gradient with dtype '{_CPP_NAMES.get(str(value._data.dtype))}' to a "
                    f"tensor with grad_dtype '{legacy_name(self._data.dtype)}'. The gradient must match the "
                    "tensor's grad_dtype (defaults to the tensor's dtype)."
                )
            if value._data.shape != self._data.shape:
                raise RuntimeError(
                    f"attempting to assign a gradient of size '{list(value._data.shape)}' to a tensor of size "
                    f"'{list(self._data.shape)}'. Please ensure that the gradient and the tensor are the same size"
                )
        self._grad = value

    @grad.deleter
    def grad(self) -> None:
        self._grad = None

    @property
    def retains_grad(self) -> bool:
        """True for a non-leaf whose ``.grad`` is populated (see ``retain_grad``)."""
        return bool(self._extra and self._extra.get("retains_grad"))

    @property
    def output_nr(self) -> int:
        return self._out_nr

    @property
    def _version(self) -> int:
        """How many times the tensor (or a view of it) was modified in place."""
        return self._vc[0]

    def _bump(self) -> None:
        self._vc[0] += 1

    def _extras(self) -> dict:
        if self._extra is None:
            self._extra = {}
        return self._extra

    def register_hook(self, hook: Callable[[Tensor], Tensor | None]) -> RemovableHandle:
        """Call ``hook(grad)`` when this tensor's gradient is computed; a returned tensor replaces it."""
        if not self._rg:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self._grad_fn is not None:
            hooks = self._grad_fn.tensor_hooks(self._out_nr)
        else:
            hooks = self._extras().setdefault("hooks", _HookDict())
        handle = RemovableHandle(hooks)
        hooks[handle.id] = hook
        return handle

    def register_post_accumulate_grad_hook(self, hook: Callable[[Tensor], None]) -> RemovableHandle:
        """Call ``hook(tensor)`` after a leaf's ``.grad`` has been accumulated."""
        if self._grad_fn is not None:
            raise RuntimeError("post accumulate grad hooks cannot be registered on non-leaf tensors")
        if not self._rg:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        hooks = self._extras().setdefault("post_hooks", _HookDict())
        handle = RemovableHandle(hooks)
        hooks[handle.id] = hook
        return handle

    def retain_grad(self) -> None:
        """Populate ``.grad`` for this non-leaf tensor during backward."""
        if not self._rg:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self._grad_fn is None or self.retains_grad:
            return
        from .ops._accumulate import accumulate_into_leaf

        ref = weakref.ref(self)

        def retain(grad: Tensor) -> None:
            t = ref()
            if t is not None:
                accumulate_into_leaf(t, grad, run_hooks=False, may_steal=False)

        self._grad_fn.tensor_hooks(self._out_nr, retain=True)[0] = retain
        self._extras()["retains_grad"] = True

    def backward(self, gradient: Tensor | None = None, retain_graph: bool | None = None,
                 create_graph: bool = False, inputs: Any = None) -> None:
        """Accumulate the gradient of this tensor into the ``.grad`` of the leaves."""
        _autograd.backward(self, gradient, retain_graph, create_graph, inputs=inputs)

    def detach(self) -> Tensor:
        """A tensor sharing data and version counter with self, without history."""
        return Tensor._make(self._data, None, 0, self._vc)

    def detach_(self) -> Tensor:
        """Detach self from the graph in place and make it a leaf."""
        if self._base is not None:  # any view, as in PyTorch
            raise RuntimeError("Can't detach views in-place. Use detach() instead.")
        self._grad_fn = None
        self._rg = False
        self._out_nr = 0
        return self

    @property
    def data(self) -> Tensor:
        """A tensor sharing storage with self, without history; changes to it are not tracked."""
        return Tensor._make(self._data, None)

    @data.setter
    def data(self, value: Tensor) -> None:
        if not isinstance(value, Tensor):
            raise TypeError(f"data must be a Tensor, not {type(value).__name__}")
        self._data = value._data

    # -- attributes -----------------------------------------------------------------
    @property
    def shape(self) -> Size:
        return _new_size(Size, self._data.shape)

    def size(self, dim: int | None = None) -> Any:
        """The shape as an ``ember.Size``, or the size of one dimension."""
        if dim is None:
            return _new_size(Size, self._data.shape)
        return self._data.shape[_wrap_dim_of_shape(dim, self._data.ndim)]

    @property
    def dtype(self) -> D.dtype:
        return D.FROM_NP[self._data.dtype]

    @property
    def device(self) -> _device_t:
        return _cpu

    @property
    def is_cuda(self) -> bool:
        return False

    @property
    def is_cpu(self) -> bool:
        return True

    @property
    def layout(self) -> str:
        return "ember.strided"

    @property
    def ndim(self) -> int:
        return self._data.ndim

    def dim(self) -> int:
        return self._data.ndim

    ndimension = dim

    def numel(self) -> int:
        return self._data.size

    nelement = numel

    def element_size(self) -> int:
        return self._data.itemsize

    @property
    def itemsize(self) -> int:
        return self._data.itemsize

    @property
    def nbytes(self) -> int:
        return self._data.nbytes

    def stride(self, dim: int | None = None) -> Any:
        strides = tuple(s // self._data.itemsize for s in self._data.strides)
        return strides if dim is None else strides[_wrap_dim_of_shape(dim, self._data.ndim)]

    def is_contiguous(self, memory_format: Any = None) -> bool:
        return bool(self._data.flags.c_contiguous)

    def is_inference(self) -> bool:
        """True for tensors made inside ``inference_mode()`` (they cannot join a recorded graph)."""
        return bool(self._extra and self._extra.get("inference"))

    def is_signed(self) -> bool:
        return self._data.dtype.kind in "ifc"

    @property
    def is_sparse(self) -> bool:
        return False

    def storage_offset(self) -> int:
        base = self._data.base if isinstance(self._data.base, np.ndarray) else None
        if base is None:
            return 0
        start = self._data.__array_interface__["data"][0] - base.__array_interface__["data"][0]
        return start // self._data.itemsize

    # -- new_*: tensors with this tensor's dtype (and device) unless told otherwise --------
    def new_tensor(self, data: Any, *, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
        from ._creation import tensor

        return tensor(data, dtype=dtype or self.dtype, device=device, requires_grad=requires_grad)

    def new_zeros(self, *size: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
        from ._creation import zeros

        return zeros(*size, dtype=dtype or self.dtype, device=device, requires_grad=requires_grad)

    def new_ones(self, *size: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
        from ._creation import ones

        return ones(*size, dtype=dtype or self.dtype, device=device, requires_grad=requires_grad)

    def new_empty(self, *size: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
        return self.new_zeros(*size, dtype=dtype, device=device, requires_grad=requires_grad)

    def new_full(self, size: Any, fill_value: Any, *, dtype: Any = None, device: Any = None,
                 requires_grad: bool = False) -> Tensor:
        from ._creation import full

        return full(size, fill_value, dtype=dtype or self.dtype, device=device, requires_grad=requires_grad)

    def is_floating_point(self) -> bool:
        return self._data.dtype.kind == "f"

    def is_complex(self) -> bool:
        return self._data.dtype.kind == "c"

    def data_ptr(self) -> int:
        return int(self._data.__array_interface__["data"][0])

    def get_device(self) -> int:
        return -1

    # -- conversions ----------------------------------------------------------------
    def item(self) -> Any:
        """The value of a one-element tensor as a Python number."""
        if self._data.size != 1:
            raise RuntimeError(f"a Tensor with {self._data.size} elements cannot be converted to Scalar")
        return self._data.item()

    def tolist(self) -> Any:
        return self._data.tolist()

    def numpy(self, *, force: bool = False) -> np.ndarray:
        """The array behind this tensor (shared, not copied)."""
        if self._rg and not force:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.")
        return self._data.copy() if force and self._rg else self._data

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        if self._rg:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.")
        if dtype is None:
            return self._data
        return self._data.astype(dtype, copy=False)

    def cpu(self) -> Tensor:
        return self

    def cuda(self, *args: Any, **kwargs: Any) -> Tensor:
        from . import cuda

        cuda._lazy_init()
        raise AssertionError("unreachable")  # pragma: no cover

    def __len__(self) -> int:
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self) -> Iterator[Tensor]:
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        from .ops.shape import unbind

        return iter(unbind(self, 0))

    def __bool__(self) -> bool:
        if self._data.size != 1:
            what = "no values" if self._data.size == 0 else "more than one value"
            raise RuntimeError(f"Boolean value of Tensor with {what} is ambiguous")
        return bool(self._data.item())

    def __float__(self) -> float:
        if self._data.dtype.kind == "c":
            raise RuntimeError("value cannot be converted to type double without overflow")
        return float(self._scalar())

    def __int__(self) -> int:
        if self._data.dtype.kind == "c":
            raise RuntimeError("value cannot be converted to type int64_t without overflow")
        return int(self._scalar())

    def __complex__(self) -> complex:
        return complex(self._scalar())

    def _scalar(self) -> Any:
        """The value of a one-element tensor, with the error Python's number conversions give."""
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return self._data.item()

    def __index__(self) -> int:
        if self._data.dtype.kind not in "biu" or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self._data.item())

    def __hash__(self) -> int:
        return id(self)

    def __contains__(self, element: Any) -> bool:
        if isinstance(element, (Tensor, int, float, bool)):
            return bool((self == element).any().item())
        raise RuntimeError(f"Tensor.__contains__ only supports Tensor or scalar, but you passed in a {type(element)}.")

    def __reduce_ex__(self, protocol: Any) -> Any:
        from ._creation import _rebuild

        return (_rebuild, (np.array(self._data), self._rg))

    def __deepcopy__(self, memo: dict) -> Tensor:
        if not self.is_leaf:
            raise RuntimeError(
                "Only Tensors created explicitly by the user (graph leaves) support the deepcopy protocol at the "
                "moment."
            )
        t = type(self).__new__(type(self))
        _init_slots(t, self._data.copy(), self._rg, None)
        if self._grad is not None:
            t._grad = self._grad.__deepcopy__(memo)
        memo[id(self)] = t
        return t

    # -- printing -------------------------------------------------------------------
    def __repr__(self, *, tensor_contents: Any = None) -> str:
        data = self._data
        dt = D.FROM_NP[data.dtype]
        default_float = D.get_default_dtype()
        fn = self._grad_fn
        return _printing.tensor_repr(
            data,
            dtype_name=dt.name,
            is_default_dtype=dt in (default_float, D.default_complex_dtype(), D.int64, D.bool),
            is_default_float_dtype=dt is default_float,
            grad_fn_name=fn.name() if fn is not None else None,
            requires_grad=self._rg,
        )

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        if self._data.ndim == 0:  # as torch: f"{t}" of a 0-d tensor formats its value
            return format(self._data.item(), spec)
        if spec:
            raise TypeError("unsupported format string passed to Tensor.__format__")
        return repr(self)

    # -- NumPy interop: ufuncs on tensors stay tensors --------------------------------
    __array_priority__ = 1000


# Users print type(x) and x.shape's type: show the public module, as torch shows torch.Tensor.
Tensor.__module__ = "ember"
Size.__module__ = "ember"


_new_size = tuple.__new__


def _wrap_dim_of_shape(dim: int, ndim: int) -> int:
    """``_wrap_dim`` for ``size(dim)`` and ``stride(dim)``, which a 0-d tensor does not have."""
    if ndim == 0:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    return _wrap_dim(dim, ndim)


def _wrap_dim(dim: int, ndim: int) -> int:
    """Resolve a negative dim, with PyTorch's IndexError for one out of range."""
    n = max(ndim, 1)
    if not -n <= dim < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
    return dim + n if dim < 0 else dim


def _init_slots(t: Tensor, data: np.ndarray, requires_grad: bool, grad_fn: Any) -> None:
    t._data = data
    t._rg = requires_grad
    t._grad_fn = grad_fn
    t._out_nr = 0
    t._grad = None
    t._vc = [0]
    t._base = None
    t._accum = None
    t._extra = None


def _bind_methods() -> None:
    """Bind every op that PyTorch offers as a Tensor method, from each ops module's table."""
    from .ops import METHOD_TABLES

    for table in METHOD_TABLES:
        for name, fn in table.items():
            setattr(Tensor, name, fn)


def _inference_enabled() -> bool:
    from .autograd.grad_mode import _state

    return _state.inference
