"""The op registry: one row per op, with the sample inputs every generic check uses.

PyTorch's OpInfo is the model (STYLE.md habit 8). A row names the op, says how to call
it given a module (``ember`` or ``torch``: the same expression serves both, so the two
calls cannot drift apart), and lists sample inputs:

* ``samples(dtype, rng)``: floating-point samples, generated once for float64 and once
  for float32 (0-d, broadcasting pairs, size-1 and empty dims, edge values). They run
  forward and backward against PyTorch; the float64 ones also run ``gradcheck`` and
  ``gradgradcheck`` unless the row or the sample says otherwise.
* ``extra(rng)``: samples of other dtypes (integers, bool, mixed float widths, Python
  scalars) that check values and torch's type promotion; forward only unless a float
  input of them requires grad, then gradients are compared with PyTorch too.

A tensor argument is written ``T(array)``; it becomes an ember tensor and a torch
tensor holding copies of the same array. Float arrays require grad unless
``T(array, requires_grad=False)`` (op_info.py has this machinery).

The rows live with their family, one file per module of ember/ops: op_db_pointwise.py,
op_db_reduction.py, op_db_shape.py, op_db_linalg_nn.py. Adding an op means adding a
row there, and it gets every test of test_registry.py.

The registry imports without torch: the torch callables are only resolved when an
oracle test runs.
"""

from __future__ import annotations

from op_db_added import ADDED_LINALG, ADDED_REDUCTIONS, ADDED_SEARCH, ADDED_SHAPE
from op_db_linalg_more import LINALG_MORE
from op_db_linalg_nn import LINALG, NN
from op_db_nn_activation import ACTIVATION
from op_db_nn_conv import CONV
from op_db_nn_loss import LOSS
from op_db_nn_norm import NORM
from op_db_pointwise import BINARY, MORE_POINTWISE, OPERATORS, UNARY
from op_db_pointwise_math import POINTWISE_MATH
from op_db_reduction import MORE_REDUCTIONS, REDUCTIONS
from op_db_shape import MORE_SHAPE, SHAPE
from op_db_shape_more import INDEXING, SHAPE_MORE
from op_db_statistics import SCAN, SORTING, STATISTICS
from op_info import F32, F64, OpInfo, Sample, T, make_tensor

__all__ = ["OPS", "OpInfo", "Sample", "T", "make_tensor", "F32", "F64"]

OPS: list[OpInfo] = (UNARY + BINARY + MORE_POINTWISE + OPERATORS + REDUCTIONS + MORE_REDUCTIONS + SHAPE + MORE_SHAPE
                     + LINALG + NN + LINALG_MORE
                     + ACTIVATION + LOSS + NORM + CONV
                     + STATISTICS + SORTING + SCAN
                     + POINTWISE_MATH
                     + SHAPE_MORE + INDEXING
                     + ADDED_SHAPE + ADDED_REDUCTIONS + ADDED_SEARCH + ADDED_LINALG)
"""Every row; the generic tests in test_registry.py run over all of them."""

assert len({o.name for o in OPS}) == len(OPS), "row names must be unique"
