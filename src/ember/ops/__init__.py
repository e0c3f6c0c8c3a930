"""Every differentiable operation: forward on arrays, derivative in ember ops.

One module per family; each declares its Nodes with ``_op.derivative`` and lists the
functions PyTorch also offers as Tensor methods in ``TENSOR_METHODS``.
"""

from . import linalg, nn_activation, pointwise, reduction, shape

METHOD_TABLES = (
    pointwise.TENSOR_METHODS, reduction.TENSOR_METHODS, shape.TENSOR_METHODS, linalg.TENSOR_METHODS,
    nn_activation.TENSOR_METHODS,
)
