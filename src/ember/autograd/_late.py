"""Names from modules that themselves import ``ember.autograd``, bound on first use.

``ember._tensor`` imports ``ember.autograd.graph``, so ``autograd`` cannot import the
Tensor, the creation functions or ``ops`` at its top. A function-level ``import`` works
but runs the import machinery on every call (about a microsecond each, several per
``backward``); ``late.name`` costs one attribute lookup once the names are bound.
"""

from __future__ import annotations

from typing import Any


class _Late:
    def __getattr__(self, name: str) -> Any:
        from .._creation import ones_like, zeros_like
        from .._tensor import Tensor
        from ..ops._accumulate import (
            accumulate_into_leaf,
            begin_undo_log,
            commit_undo_log,
            grad_accumulator,
            undo,
        )
        from ..ops.shape import sum_to_size
        from .engine import run_backward

        self.__dict__.update(
            ones_like=ones_like, zeros_like=zeros_like, Tensor=Tensor, accumulate_into_leaf=accumulate_into_leaf,
            begin_undo_log=begin_undo_log, commit_undo_log=commit_undo_log, grad_accumulator=grad_accumulator,
            undo=undo, sum_to_size=sum_to_size, run_backward=run_backward,
        )
        try:
            return self.__dict__[name]
        except KeyError:
            raise AttributeError(name) from None


late = _Late()
