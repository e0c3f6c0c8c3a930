"""Parameter and Buffer: tensors that a Module registers when they are assigned to it.

A ``Parameter`` is a leaf Tensor that requires grad by default and shares storage (and
version counter) with the tensor it was made from, as ``torch.nn.Parameter`` does. Ops on
a Parameter give plain Tensors.

>>> import ember
>>> from ember.nn import Parameter
>>> p = Parameter(ember.ones(2))
>>> p
Parameter containing:
tensor([1., 1.], requires_grad=True)
>>> isinstance(p, ember.Tensor), type(p * 2).__name__
(True, 'Tensor')
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._tensor import Tensor

__all__ = ["Parameter", "Buffer"]


def _empty() -> np.ndarray:
    from .._dtype import get_default_dtype

    return np.empty((0,), dtype=get_default_dtype().np)


class Parameter(Tensor):
    """A Tensor that a Module treats as one of its parameters.

    ``Parameter(data=None, requires_grad=True)``: ``data`` is shared, not copied; with no
    data the parameter is an empty float tensor.
    """

    __slots__ = ()

    def __new__(cls, data: Tensor | None = None, requires_grad: bool = True) -> Parameter:
        self = object.__new__(cls)
        if data is None:
            arr, vc = _empty(), [0]
        elif isinstance(data, Tensor):
            arr, vc = data._data, data._vc
        else:
            raise TypeError(f"Parameter(): argument 'data' must be Tensor, not {type(data).__name__}")
        if requires_grad and arr.dtype.kind not in "fc":
            raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
        self._data = arr
        self._rg = bool(requires_grad)
        self._grad_fn = None
        self._out_nr = 0
        self._grad = None
        self._vc = vc
        self._base = None
        self._accum = None
        self._extra = None
        return self

    def __init__(self, data: Tensor | None = None, requires_grad: bool = True) -> None:
        pass  # everything is done in __new__ (Tensor.__init__ is the legacy constructor)

    def __repr__(self, *, tensor_contents: Any = None) -> str:  # type: ignore[override]
        return "Parameter containing:\n" + super().__repr__()

    __str__ = __repr__  # type: ignore[assignment]

    def __reduce_ex__(self, protocol: Any) -> Any:
        return (_rebuild_parameter, (np.array(self._data), self._rg))

    def __deepcopy__(self, memo: dict) -> Parameter:
        if id(self) in memo:
            return memo[id(self)]
        p = Parameter(Tensor._make(self._data.copy(), None), self._rg)
        if self._grad is not None:
            p._grad = self._grad.__deepcopy__(memo)
        memo[id(self)] = p
        return p


def _rebuild_parameter(data: np.ndarray, requires_grad: bool) -> Parameter:
    return Parameter(Tensor._make(data, None), requires_grad)


class Buffer(Tensor):
    """Marks a tensor to be registered as a buffer when assigned to a Module.

    ``Buffer(data=None, *, persistent=True)``. As in PyTorch, the Module stores a plain
    Tensor (sharing ``data``'s storage); ``persistent=False`` keeps it out of
    ``state_dict``.
    """

    __slots__ = ("persistent",)
    persistent: bool

    def __new__(cls, data: Tensor | None = None, *, persistent: bool = True) -> Buffer:
        self = object.__new__(cls)
        if data is None:
            arr, vc, rg = _empty(), [0], False
        elif isinstance(data, Tensor):
            arr, vc, rg = data._data, data._vc, data._rg and data._grad_fn is None
        else:
            raise TypeError(f"Buffer(): argument 'data' must be Tensor, not {type(data).__name__}")
        self._data = arr
        self._rg = rg
        self._grad_fn = None
        self._out_nr = 0
        self._grad = None
        self._vc = vc
        self._base = None
        self._accum = None
        self._extra = None
        self.persistent = persistent
        return self

    def __init__(self, data: Tensor | None = None, *, persistent: bool = True) -> None:
        pass

    def _as_tensor(self) -> Tensor:
        """The plain Tensor a Module stores (same storage and version counter)."""
        return Tensor._make(self._data, None, 0, self._vc)
