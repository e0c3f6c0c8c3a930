"""ember.linalg: PyTorch's torch.linalg namespace."""

from ..ops.decomposition import LinAlgError
from ..ops.decomposition import linalg_cholesky as cholesky
from ..ops.decomposition import linalg_det as det
from ..ops.decomposition import linalg_eigh as eigh
from ..ops.decomposition import linalg_eigvalsh as eigvalsh
from ..ops.decomposition import linalg_inv as inv
from ..ops.decomposition import linalg_inv_ex as inv_ex
from ..ops.decomposition import linalg_matrix_power as matrix_power
from ..ops.decomposition import linalg_matrix_rank as matrix_rank
from ..ops.decomposition import linalg_pinv as pinv
from ..ops.decomposition import linalg_qr as qr
from ..ops.decomposition import linalg_slogdet as slogdet
from ..ops.decomposition import linalg_solve as solve
from ..ops.decomposition import linalg_svd as svd
from ..ops.decomposition import linalg_svdvals as svdvals
from ..ops.linalg import matmul
from ..ops.linalg_more import linalg_cross as cross
from ..ops.linalg_more import multi_dot
from ..ops.reduction import linalg_vector_norm as vector_norm
from ..ops.statistics import linalg_matrix_norm as matrix_norm

__all__ = [
    "LinAlgError", "cholesky", "cross", "det", "eigh", "eigvalsh", "inv", "inv_ex", "matmul", "matrix_norm",
    "matrix_power", "matrix_rank", "multi_dot", "pinv", "qr", "slogdet", "solve", "svd", "svdvals", "vector_norm",
]
