"""Every differentiable operation: forward on arrays, derivative in ember ops.

One module per family; each declares its Nodes with ``_op.derivative`` and lists the
functions PyTorch also offers as Tensor methods in ``TENSOR_METHODS``.
"""

from . import (
    decomposition,
    indexing,
    linalg,
    linalg_more,
    nn_activation,
    pointwise,
    pointwise_math,
    reduction,
    scan,
    shape,
    shape_more,
    sorting,
    statistics,
)

METHOD_TABLES = (
    pointwise.TENSOR_METHODS, reduction.TENSOR_METHODS, shape.TENSOR_METHODS, linalg.TENSOR_METHODS,
    nn_activation.TENSOR_METHODS,
    statistics.TENSOR_METHODS, sorting.TENSOR_METHODS, scan.TENSOR_METHODS,
    pointwise_math.TENSOR_METHODS,
    linalg_more.TENSOR_METHODS, decomposition.TENSOR_METHODS,
    shape_more.TENSOR_METHODS, indexing.TENSOR_METHODS,
)
