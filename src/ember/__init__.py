"""ember: PyTorch's define-by-run autograd, in Python on NumPy.

Write ``import ember as torch`` and use the PyTorch API:

>>> import ember as torch
>>> x = torch.ones(2, 2, requires_grad=True)
>>> out = (3 * (x + 2) ** 2).mean()
>>> out.backward()
>>> x.grad
tensor([[4.5000, 4.5000],
        [4.5000, 4.5000]])
"""

from __future__ import annotations

import builtins as _builtins
import warnings as _warnings

# NumPy warns on 0/0, log(0), overflow...; PyTorch does not. Silence those warnings only
# where ember's own code calls NumPy (a filter costs nothing until a warning fires).
_warnings.filterwarnings("ignore", category=RuntimeWarning, module=r"ember(\.|$)")

from . import _dtype, _tensor
from ._device import device, get_default_device, set_default_device
from ._dtype import (
    bool, can_cast, complex64, complex128, dtype, float16, float32, float64, get_default_dtype, int8, int16,
    int32, int64, promote_types, result_type, set_default_dtype, uint8, uint16, uint32, uint64,
)
from ._printing import get_printoptions, printoptions, set_printoptions
from ._tensor import Size, Tensor

# The ops need Tensor; Tensor's methods need the ops: bind them once both exist.
from . import ops  # noqa: E402, I001
_tensor._bind_methods()

from . import autograd, backends, cuda, linalg, nn, optim, utils  # noqa: E402
from .serialization import load, save  # noqa: E402
from . import viz  # noqa: E402
from ._logs import set_logs  # noqa: E402
from .ops._fast import install as _install_fast_kernels  # noqa: E402

_install_fast_kernels()  # after every op module has declared its Node classes

from ._creation import (  # noqa: E402
    BoolTensor, ByteTensor, CharTensor, DoubleTensor, FloatTensor, Generator, HalfTensor, IntTensor,
    LongTensor, ShortTensor, arange, as_tensor, asarray, default_generator, empty, empty_like, eye,
    from_numpy, full, full_like, get_rng_state, initial_seed, is_tensor, linspace, logspace, manual_seed,
    normal, numel, ones, ones_like, rand, rand_like, randint, randint_like, randn, randn_like, randperm,
    seed, set_rng_state, tensor, zeros, zeros_like,
)
from .autograd.grad_mode import (  # noqa: E402
    enable_grad, inference_mode, is_grad_enabled, is_inference_mode_enabled, no_grad, set_grad_enabled,
)
from .ops.linalg import bmm, dot, ger, matmul, mm, mv, outer  # noqa: E402
from .ops.nn_activation import addmm, celu, erf, log_softmax, selu, softmax  # noqa: E402
from .ops.nn_loss import cosine_similarity, pairwise_distance, xlogy  # noqa: E402
from .ops.linalg_more import (  # noqa: E402
    addbmm, addmv, addr, baddbmm, chain_matmul, cross, einsum, kron, tensordot, trace, vdot,
)
from .ops.decomposition import cholesky, logdet, pinverse, slogdet, svd  # noqa: E402
from .ops.nn_conv import conv1d, conv2d, conv3d, conv_transpose1d, conv_transpose2d, conv_transpose3d  # noqa: E402
from .ops.nn_pool import adaptive_avg_pool1d, adaptive_max_pool1d, avg_pool1d, max_pool1d, max_pool2d  # noqa: E402
from .ops.pointwise_math import (  # noqa: E402
    acos, acosh, addcdiv, addcmul, allclose, arccos, arccosh, arcsin, arcsinh, arctan, arctan2, arctanh, asin,
    asinh, atan, atan2, atanh, bitwise_and, bitwise_left_shift, bitwise_not, bitwise_or, bitwise_right_shift,
    bitwise_xor, clamp, clamp_max, clamp_min, clip, copysign, cosh, deg2rad, erfc, erfinv, exp2, float_power,
    fmax, fmin, fmod, frac, heaviside, hypot, isclose, isneginf, isposinf, isreal, lerp, log2, log10, logaddexp,
    logaddexp2, logit, nan_to_num, rad2deg, round, sgn, signbit, sinc, sinh, tan,
)
from .ops.scan import cummax, cummin, cumprod, cumsum, logcumsumexp  # noqa: E402
from .ops.sorting import argsort, kthvalue, msort, sort, topk, unique, unique_consecutive  # noqa: E402
from .ops.statistics import (  # noqa: E402
    count_nonzero, logsumexp, median, mode, nanmean, nanmedian, nansum, prod, return_types, std, std_mean,
    var, var_mean,
)
from .ops.indexing import (  # noqa: E402
    gather, index_add, index_copy, index_fill, index_select, masked_fill, masked_scatter, masked_select, put,
    scatter, scatter_add, scatter_reduce, take, take_along_dim,
)
from .ops.shape_more import (  # noqa: E402
    atleast_1d, atleast_2d, atleast_3d, chunk, column_stack, diag, diag_embed, diagonal, dstack, flip, fliplr,
    flipud, hstack, meshgrid, moveaxis, movedim, narrow, repeat_interleave, roll, rot90, row_stack, split, tile,
    tril, triu, unflatten, vstack,
)
from .ops.shape_extra import (  # noqa: E402
    block_diag, broadcast_shapes, broadcast_tensors, cartesian_prod, diff, vander,
)
from ._creation import tril_indices, triu_indices  # noqa: E402
from .ops.distance import cdist  # noqa: E402
from .ops.search import bucketize, searchsorted  # noqa: E402
from .ops.statistics import histc, renorm, trapezoid, trapz  # noqa: E402
from .ops.decomposition import linalg_det as det  # noqa: E402
from .ops.decomposition import linalg_inv as inverse  # noqa: E402
from .ops.decomposition import linalg_matrix_power as matrix_power  # noqa: E402
from .ops.pointwise import (  # noqa: E402
    abs, add, ceil, cos, div, divide, eq, equal, exp, expm1, floor, floor_divide, ge, greater,
    greater_equal, gt, isfinite, isinf, isnan, le, less, less_equal, log, log1p, logical_and, logical_not,
    logical_or, logical_xor, lt, maximum, minimum, mul, multiply, ne, neg, negative, not_equal, pow,
    reciprocal, relu,
    remainder, rsqrt, rsub, sigmoid, sign, sin, sqrt, square, sub, subtract, tanh, true_divide, trunc,
    where,
)
from .ops.reduction import (  # noqa: E402
    all, amax, amin, any, argmax, argmin, max, mean, min, norm, sum,
)
from .ops.shape import (  # noqa: E402
    broadcast_to, cat, clone, concat, concatenate, flatten, nonzero, permute, reshape, select, squeeze,
    stack, swapaxes, swapdims, t, transpose, unbind, unsqueeze,
)

float = float32  # noqa: A001 - torch.float
double = float64
half = float16
long = int64
int = int32  # noqa: A001 - torch.int
short = int16
cfloat = complex64
cdouble = complex128
strided = "ember.strided"

__version__ = "0.1.0"


def is_floating_point(input: Tensor) -> _builtins.bool:
    return input.is_floating_point()


def is_complex(input: Tensor) -> _builtins.bool:
    return input.is_complex()


def typename(obj: object) -> str:
    if isinstance(obj, Tensor):
        return obj.type()
    return type(obj).__name__
