"""dropout, embedding, one_hot, pad and the normalisations behind ``ember.nn.functional``.

Normalisation derivatives, with xhat = (x - mean) * rstd over the normalised dims and
g = grad * weight (broadcast), means taken over the same dims:

    d/dinput  = rstd * (g - mean(g) - xhat * mean(g * xhat))      (training statistics)
    d/dinput  = g * rstd                                          (batch_norm in eval: fixed statistics)
    d/dweight = sum(grad * xhat) over the other dims;  d/dbias = sum(grad) over the other dims

They are written in ember ops on the saved input, so they can be differentiated again.
Gathers (embedding, the non-constant pads) scatter-add their gradient back; the scatter's
own derivative is the gather.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from .._tensor import Tensor
from ._op import derivative, grad_state, record, requires_grad, wrap
from .pointwise import legacy_name, mul, rsqrt
from .reduction import mean
from .reduction import sum as _sum
from .shape import reshape

__all__ = ["dropout", "dropout1d", "dropout2d", "embedding", "one_hot", "pad", "layer_norm", "group_norm",
           "batch_norm"]


# ---------------------------------------------------------------------------------------
# dropout
# ---------------------------------------------------------------------------------------
def _rng() -> np.random.Generator:
    from .._creation import default_generator

    return default_generator.rng


def _check_p(p: float) -> None:
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def _apply_mask(input: Tensor, keep: np.ndarray, p: float, inplace: bool) -> Tensor:
    scale = 0.0 if p == 1 else 1.0 / (1.0 - p)
    mask = wrap((keep * scale).astype(input._data.dtype))
    if inplace:
        from .pointwise import inplace as _inplace

        return _inplace(input, mul, mask)
    return mul(input, mask)


def dropout(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero each element with probability ``p`` and scale the rest by 1 / (1 - p) (a MulBackward0 Node).

    The mask comes from ember's default generator (``ember.manual_seed``), so runs are
    reproducible, though the masks differ from PyTorch's.
    """
    _check_p(p)
    if not training or p == 0:
        return input
    keep = _rng().random(input._data.shape) >= p
    return _apply_mask(input, keep, p, inplace)


def _channel_dropout(input: Tensor, p: float, training: bool, inplace: bool, batched: bool) -> Tensor:
    _check_p(p)
    if not training or p == 0:
        return input
    x = input._data
    lead = 2 if batched else 1
    shape = x.shape[:lead] + (1,) * (x.ndim - lead)
    keep = _rng().random(shape) >= p
    return _apply_mask(input, keep, p, inplace)


def dropout1d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero whole channels of (N, C, L) or (C, L) inputs."""
    nd = input.dim()
    if nd not in (2, 3):
        raise RuntimeError(f"dropout1d: Expected 2D or 3D input, but received a {nd}D input. Note that dropout1d "
                           "exists to provide channel-wise dropout on inputs with 1 spatial dimension, a channel "
                           "dimension, and an optional batch dimension (i.e. 2D or 3D inputs).")
    return _channel_dropout(input, p, training, inplace, nd == 3)


def dropout2d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero whole channels of (N, C, H, W) inputs (a 3-D input is read as (N, C, L), as PyTorch does)."""
    nd = input.dim()
    if nd not in (3, 4):
        warnings.warn(
            f"dropout2d: Received a {nd}-D input to dropout2d, which is deprecated and will result in an error in a "
            "future release. To retain the behavior and silence this warning, please use dropout instead. Note "
            "that dropout2d exists to provide channel-wise dropout on inputs with 2 spatial dimensions, a channel "
            "dimension, and an optional batch dimension (i.e. 3D or 4D inputs).", UserWarning, stacklevel=2)
    if nd == 3:
        warnings.warn(
            "dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout behavior is "
            "desired - input is interpreted as shape (N, C, L), where C is the channel dim. This behavior will "
            "change in a future release to interpret the input as one without a batch dimension, i.e. shape "
            "(C, H, W). To maintain the 1D channel-wise dropout behavior, please switch to using dropout1d "
            "instead.", UserWarning, stacklevel=2)
    if nd < 2:
        return dropout(input, p, training, inplace)
    return _channel_dropout(input, p, training, inplace, True)


# ---------------------------------------------------------------------------------------
# Gather / scatter-add pairs (embedding, reflect / replicate / circular pads)
# ---------------------------------------------------------------------------------------
def _gather(input: Tensor, key: tuple, cls: type, extra: tuple) -> Tensor:
    data = input._data[key]
    if input._rg and grad_state.enabled:
        return record(cls, data, (input,), extra + (input._data.shape, key))
    return wrap(data)


def scatter_add(grad: Tensor, shape: tuple, key: tuple) -> Tensor:
    """zeros(shape) with ``grad`` added at ``key`` (repeated positions sum)."""
    z = np.zeros(shape, grad._data.dtype)
    np.add.at(z, key, grad._data)
    if grad._rg and grad_state.enabled:
        return record(ScatterAddBackward0, z, (grad,), (key,))
    return wrap(z)


def _gather_plain(grad: Tensor, key: tuple) -> Tensor:
    data = grad._data[key]
    if grad._rg and grad_state.enabled:
        return record(GatherBackward0, data, (grad,), (grad._data.shape, key))
    return wrap(data)


def _pad_class(name: str) -> type:
    return derivative(name, ("padding", "self_sym_sizes", "key"),
                      lambda grad, padding, shape, key: scatter_add(grad, shape, key))


ScatterAddBackward0 = derivative("scatter_add", ("key",), lambda grad, key: _gather_plain(grad, key))
GatherBackward0 = derivative("gather", ("self_sym_sizes", "key"),
                             lambda grad, shape, key: scatter_add(grad, shape, key))
_PAD_NODES = {
    (mode, k): _pad_class(f"{mode}_pad{k}d") for mode in ("reflection", "replication") for k in (1, 2, 3)
}


def _embedding_backward(grad: Tensor, num_weights: int, padding_idx: int, indices: np.ndarray,
                        shape: tuple, key: tuple) -> Tensor:
    if padding_idx >= 0:
        keep = (indices != padding_idx).astype(grad._data.dtype)
        grad = grad * wrap(keep[..., None])
    return scatter_add(grad, shape, key)


EmbeddingBackward0 = derivative(
    "embedding", ("weight_sym_argsize_0", "padding_idx", "indices", "self_sym_sizes", "key"),
    None,
    lambda grad, n, padding_idx, indices, shape, key: _embedding_backward(grad, n, padding_idx, indices, shape, key),
)


def embedding(input: Tensor, weight: Tensor, padding_idx: int | None = None, max_norm: float | None = None,
              norm_type: float = 2.0, scale_grad_by_freq: bool = False, sparse: bool = False) -> Tensor:
    """Rows of ``weight`` picked by the indices in ``input`` (an EmbeddingBackward0 Node).

    The row ``padding_idx`` gets no gradient. ``max_norm``, ``scale_grad_by_freq`` and
    ``sparse`` are not supported yet (NotImplementedError).
    """
    idx = input._data
    if idx.dtype not in (np.int64, np.int32):
        raise RuntimeError(
            "Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but "
            f"got ember.{legacy_name(idx.dtype)}Tensor instead (while checking arguments for embedding)")
    n = weight._data.shape[0]
    if padding_idx is not None:
        if padding_idx > 0:
            if padding_idx >= n:
                raise AssertionError("Padding_idx must be within num_embeddings")
        elif padding_idx < 0:
            if padding_idx < -n:
                raise AssertionError("Padding_idx must be within num_embeddings")
            padding_idx = n + padding_idx
    else:
        padding_idx = -1
    if max_norm is not None or scale_grad_by_freq or sparse:
        raise NotImplementedError("ember: embedding(max_norm=, scale_grad_by_freq=, sparse=) is not supported yet")
    if weight._data.ndim != 2:
        raise RuntimeError("'weight' must be 2-D")
    if idx.size and (idx.min() < 0 or idx.max() >= n):
        raise IndexError("index out of range in self")
    key = (idx.astype(np.int64),)
    data = weight._data[key]
    if weight._rg and grad_state.enabled:
        return record(EmbeddingBackward0, data, (input, weight),
                      (n, padding_idx, idx, weight._data.shape, key))
    return wrap(data)


def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    """int64 one-hot encoding along a new last dim (num_classes=-1: max + 1)."""
    x = tensor._data
    if x.dtype != np.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    if num_classes == -1:
        if x.size == 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        num_classes = int(x.max()) + 1
    if x.size:
        if x.min() < 0:
            raise RuntimeError("Class values must be non-negative.")
        if x.max() >= num_classes:
            raise RuntimeError("Class values must be smaller than num_classes.")
    return wrap((x[..., None] == np.arange(num_classes)).astype(np.int64))


# ---------------------------------------------------------------------------------------
# pad
# ---------------------------------------------------------------------------------------
ConstantPadNdBackward0 = derivative("constant_pad_nd", ("pad", "self_sym_sizes", "key"),
                                    lambda grad, pad, shape, key: _constant_pad_backward(grad, shape, key))


def _constant_pad_backward(grad: Tensor, shape: tuple, key: tuple) -> Tensor:
    """The part of grad that came from the input; zeros where the pad cropped the input."""
    dst, src = key
    g = _gather_plain(grad, dst)
    return g if g._data.shape == shape else scatter_add(g, shape, src)
# Circular padding is a chain of slice copies in PyTorch, recorded as CopySlices.
CopySlices = type("CopySlices", (ConstantPadNdBackward0.__mro__[1],), {
    "__slots__": (), "_formulas": (lambda grad, padding, shape, key: scatter_add(grad, shape, key),),
    "_saved_names": ("padding", "self_sym_sizes", "key"), "n_outputs": 1,
    "__module__": "ember.autograd.generated", "__qualname__": "CopySlices",
    "name": lambda self: "ember::autograd::CopySlices"})


def _pad_pairs(pad: Any, ndim: int) -> list[tuple[int, int]]:
    """Per padded dim, from the last one backwards: (before, after)."""
    pad = tuple(int(p) for p in pad)
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    if len(pad) // 2 > ndim:
        raise RuntimeError(f"Padding length should be less than or equal to two times the input dimension but got "
                           f"padding length {len(pad)} and input of dimension {ndim}")
    return [(pad[2 * i], pad[2 * i + 1]) for i in range(len(pad) // 2)]


def _constant_pad(input: Tensor, pairs: list, value: float) -> Tensor:
    x = input._data
    nd = x.ndim
    out_shape = list(x.shape)
    src, dst = [slice(None)] * nd, [slice(None)] * nd
    for i, (lo, hi) in enumerate(pairs):
        d = nd - 1 - i
        size = x.shape[d]
        new = size + lo + hi
        if new < 0:
            raise RuntimeError(f"The input size {size}, plus negative padding {lo} and {hi} resulted in a negative "
                               f"output size, which is invalid. Check dimension {d} of your input.")
        out_shape[d] = new
        src[d] = slice(max(-lo, 0), size - max(-hi, 0))
        dst[d] = slice(max(lo, 0), new - max(hi, 0))
    data = np.full(out_shape, value, x.dtype)
    data[tuple(dst)] = x[tuple(src)]
    if input._rg and grad_state.enabled:
        # The gradient is the part of grad that came from the input: zeros where cropped.
        return record(ConstantPadNdBackward0, data, (input,), (_flat_pad(pairs), x.shape, (tuple(dst), tuple(src))))
    return wrap(data)


def _flat_pad(pairs: list) -> tuple:
    return tuple(v for pair in pairs for v in pair)


def _pad_index(size: int, lo: int, hi: int, mode: str) -> np.ndarray:
    i = np.arange(-lo, size + hi)
    if mode == "reflect":
        period = 2 * (size - 1)
        j = np.abs(i) % period if period else np.zeros_like(i)
        return np.where(j >= size, period - j, j)
    if mode == "replicate":
        return np.clip(i, 0, size - 1)
    return i % size  # circular


def pad(input: Tensor, pad: Any, mode: str = "constant", value: float | None = None) -> Tensor:
    """Pad the last len(pad) // 2 dims: constant (negative pads crop), reflect, replicate or circular."""
    x = input._data
    if mode == "constant":
        return _constant_pad(input, _pad_pairs(pad, x.ndim), 0.0 if value is None else value)
    if mode not in ("reflect", "replicate", "circular"):
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    if value is not None and value != 0:
        raise AssertionError(f"Padding mode \"{mode}\" doesn't take in value argument.")
    pairs = _pad_pairs(pad, x.ndim)
    k = len(pairs)
    if k not in (1, 2, 3) or x.ndim not in (k + 1, k + 2):
        raise NotImplementedError(
            f"Padding size {len(pad)} is not supported for {x.ndim}D input tensor.\nSupported combinations for "
            "non-constant padding:\n  - 2D or 3D input: padding size = 2 (pads last dimension)\n  - 3D or 4D input: "
            "padding size = 4 (pads last 2 dimensions)\n  - 4D or 5D input: padding size = 6 (pads last 3 "
            "dimensions)")
    idxs = []
    for i, (lo, hi) in enumerate(pairs):
        d = x.ndim - 1 - i
        size = x.shape[d]
        limit = size if mode != "circular" else size + 1
        if mode == "reflect" and (lo >= limit or hi >= limit):
            raise RuntimeError(f"Argument #4: Padding size should be less than the corresponding input dimension, "
                               f"but got: padding ({lo}, {hi}) at dimension {d} of input {list(x.shape)}")
        if mode == "circular" and (lo > size or hi > size):
            raise RuntimeError("Padding value causes wrapping around more than once.")
        if mode == "replicate" and size == 0 and (lo or hi):
            raise RuntimeError(f"input tensor must have non-zero size in dimension {d}")
        idxs.append(_pad_index(size, lo, hi, mode))
    key = (Ellipsis,) + np.ix_(*reversed(idxs))
    if mode == "circular":
        cls: type = CopySlices
    else:
        cls = _PAD_NODES[("reflection" if mode == "reflect" else "replication", k)]
    return _gather(input, key, cls, (_flat_pad(pairs),))


# ---------------------------------------------------------------------------------------
# Normalisation
# ---------------------------------------------------------------------------------------
def _xhat(x: Tensor, dims: tuple, eps: float) -> tuple[Tensor, Tensor]:
    mu = mean(x, dims, keepdim=True)
    centered = x - mu
    rstd = rsqrt(mean(centered * centered, dims, keepdim=True) + eps)
    return centered * rstd, rstd


def _norm_input_grad(g: Tensor, xhat: Tensor, rstd: Tensor, dims: tuple) -> Tensor:
    return rstd * (g - mean(g, dims, keepdim=True) - xhat * mean(g * xhat, dims, keepdim=True))


def _layer_norm_grads(grad: Tensor, self: Tensor, shape: tuple, weight: Any, bias: Any, eps: float,
                      which: int) -> Tensor:
    nd = self._data.ndim
    dims = tuple(range(nd - len(shape), nd))
    xhat, rstd = _xhat(self, dims, eps)
    batch = tuple(range(nd - len(shape)))
    if which == 0:
        g = grad * weight if weight is not None else grad
        return _norm_input_grad(g, xhat, rstd, dims)
    if which == 1:
        return _sum(grad * xhat, batch) if batch else grad * xhat
    return _sum(grad, batch) if batch else grad


NativeLayerNormBackward0 = derivative(
    "native_layer_norm", ("input", "normalized_shape", "weight", "bias", "eps"),
    lambda grad, x, shape, w, b, eps: _layer_norm_grads(grad, x, shape, w, b, eps, 0),
    lambda grad, x, shape, w, b, eps: _layer_norm_grads(grad, x, shape, w, b, eps, 1),
    lambda grad, x, shape, w, b, eps: _layer_norm_grads(grad, x, shape, w, b, eps, 2),
)


def _normalize_array(x: np.ndarray, axes: tuple, eps: float) -> np.ndarray:
    mu = x.mean(axis=axes, keepdims=True)
    c = x - mu
    var = (c * c).mean(axis=axes, keepdims=True)
    return c / np.sqrt(var + eps)


def layer_norm(input: Tensor, normalized_shape: Any, weight: Tensor | None = None, bias: Tensor | None = None,
               eps: float = 1e-5) -> Tensor:
    """Normalise over the last dims (biased variance), then scale and shift elementwise."""
    if isinstance(normalized_shape, int):
        raise TypeError("layer_norm(): argument 'normalized_shape' (position 2) must be tuple of ints, not int")
    shape = tuple(int(s) for s in normalized_shape)
    x = input._data
    k = len(shape)
    if x.ndim < k or x.shape[x.ndim - k:] != shape:
        raise RuntimeError(f"Given normalized_shape={list(shape)}, expected input with shape [*, "
                           f"{', '.join(str(s) for s in shape)}], but got input of size{list(x.shape)}")
    for name, v in (("weight", weight), ("bias", bias)):
        if v is not None and v._data.shape != shape:
            raise RuntimeError(f"Expected {name} to be of same shape as normalized_shape, but got {name} of shape "
                               f"{list(v._data.shape)} and normalized_shape = {list(shape)}")
    data = _normalize_array(x, tuple(range(x.ndim - k, x.ndim)), eps) if x.size else x.copy()
    if weight is not None:
        data = data * weight._data
    if bias is not None:
        data = data + bias._data
    data = data.astype(x.dtype, copy=False)
    if requires_grad(input, weight, bias):
        return record(NativeLayerNormBackward0, data, (input, weight, bias), (input, shape, weight, bias, eps))
    return wrap(data)


def _group_norm_grads(grad: Tensor, self: Tensor, weight: Any, groups: int, eps: float, which: int) -> Tensor:
    shape = self._data.shape
    n, c = shape[0], shape[1]
    cshape = (1, c) + (1,) * (len(shape) - 2)
    xg = reshape(self, (n, groups, -1))
    xhat_g, rstd = _xhat(xg, (2,), eps)
    xhat = reshape(xhat_g, shape)
    others = (0,) + tuple(range(2, len(shape)))
    if which == 0:
        g = grad * reshape(weight, cshape) if weight is not None else grad
        return reshape(_norm_input_grad(reshape(g, (n, groups, -1)), xhat_g, rstd, (2,)), shape)
    if which == 1:
        return _sum(grad * xhat, others)
    return _sum(grad, others)


NativeGroupNormBackward0 = derivative(
    "native_group_norm", ("input", "weight", "group", "eps"),
    lambda grad, x, w, groups, eps: _group_norm_grads(grad, x, w, groups, eps, 0),
    lambda grad, x, w, groups, eps: _group_norm_grads(grad, x, w, groups, eps, 1),
    lambda grad, x, w, groups, eps: _group_norm_grads(grad, x, w, groups, eps, 2),
)


def group_norm(input: Tensor, num_groups: int, weight: Tensor | None = None, bias: Tensor | None = None,
               eps: float = 1e-5) -> Tensor:
    """Normalise each group of channels of each sample, then scale and shift per channel."""
    x = input._data
    if x.ndim < 2:
        raise RuntimeError(f"Expected at least 2 dimensions for input tensor but received {x.ndim}")
    n, c = x.shape[0], x.shape[1]
    if c % num_groups:
        raise RuntimeError(f"Expected number of channels in input to be divisible by num_groups, but got input of "
                           f"shape {list(x.shape)} and num_groups={num_groups}")
    for name, v in (("weight", weight), ("bias", bias)):
        if v is not None and v._data.shape != (c,):
            raise RuntimeError(f"Expected {name} to be a vector of size equal to the number of channels in input, "
                               f"but got {name} of shape {list(v._data.shape)} and input of shape {list(x.shape)}")
    cshape = (1, c) + (1,) * (x.ndim - 2)
    if x.size:
        data = _normalize_array(x.reshape(n, num_groups, -1), (2,), eps).reshape(x.shape)
    else:
        data = x.copy()
    if weight is not None:
        data = data * weight._data.reshape(cshape)
    if bias is not None:
        data = data + bias._data.reshape(cshape)
    data = data.astype(x.dtype, copy=False)
    if requires_grad(input, weight, bias):
        return record(NativeGroupNormBackward0, data, (input, weight, bias), (input, weight, num_groups, eps))
    return wrap(data)


def _batch_norm_grads(grad: Tensor, self: Tensor, weight: Any, running_mean: Any, running_var: Any,
                      training: bool, eps: float, which: int) -> Tensor:
    shape = self._data.shape
    cshape = (1, shape[1]) + (1,) * (len(shape) - 2)
    dims = (0,) + tuple(range(2, len(shape)))
    if training:
        xhat, rstd = _xhat(self, dims, eps)
    else:
        rstd = wrap((1 / np.sqrt(running_var + eps)).reshape(cshape).astype(self._data.dtype))
        xhat = (self - wrap(running_mean.reshape(cshape).astype(self._data.dtype))) * rstd
    if which == 0:
        g = grad * reshape(weight, cshape) if weight is not None else grad
        return _norm_input_grad(g, xhat, rstd, dims) if training else g * rstd
    if which == 1:
        return _sum(grad * xhat, dims)
    return _sum(grad, dims)


NativeBatchNormBackward0 = derivative(
    "native_batch_norm", ("input", "weight", "running_mean", "running_var", "training", "eps"),
    lambda grad, x, w, rm, rv, training, eps: _batch_norm_grads(grad, x, w, rm, rv, training, eps, 0),
    lambda grad, x, w, rm, rv, training, eps: _batch_norm_grads(grad, x, w, rm, rv, training, eps, 1),
    lambda grad, x, w, rm, rv, training, eps: _batch_norm_grads(grad, x, w, rm, rv, training, eps, 2),
)


def batch_norm(input: Tensor, running_mean: Tensor | None, running_var: Tensor | None, weight: Tensor | None = None,
               bias: Tensor | None = None, training: bool = False, momentum: float = 0.1,
               eps: float = 1e-5) -> Tensor:
    """Normalise each channel (dim 1) over the batch and spatial dims.

    Training uses the batch statistics and updates ``running_mean`` / ``running_var`` in
    place (``(1 - momentum) * running + momentum * batch``, with the unbiased variance),
    as PyTorch does; evaluation uses the running statistics.
    """
    x = input._data
    if x.ndim < 2:
        raise ValueError(f"Expected 2D or 3D input (got {x.ndim}D input)")
    c = x.shape[1]
    for name, v in (("running_mean", running_mean), ("running_var", running_var), ("weight", weight),
                    ("bias", bias)):
        if v is not None and v._data.size != c:
            raise RuntimeError(f"{name} should contain {c} elements not {v._data.size}")
    dims = (0,) + tuple(range(2, x.ndim))
    cshape = (1, c) + (1,) * (x.ndim - 2)
    count = x.size // c if c else 0
    if training:
        if count <= 1:
            raise ValueError(f"Expected more than 1 value per channel when training, got input size {input.shape}")
        mu = x.mean(axis=dims)
        var = x.var(axis=dims)
        data = (x - mu.reshape(cshape)) / np.sqrt(var.reshape(cshape) + eps)
        if running_mean is not None:
            rm = running_mean._data
            rm[...] = (1 - momentum) * rm + momentum * mu
            running_mean._vc[0] += 1
        if running_var is not None:
            rv = running_var._data
            rv[...] = (1 - momentum) * rv + momentum * var * count / (count - 1)
            running_var._vc[0] += 1
        saved_rm = saved_rv = None
    else:
        if running_mean is None or running_var is None:
            raise RuntimeError("running_mean and running_var must be defined in evaluation mode")
        saved_rm, saved_rv = running_mean._data.copy(), running_var._data.copy()
        data = (x - saved_rm.reshape(cshape)) / np.sqrt(saved_rv.reshape(cshape) + eps)
    if weight is not None:
        data = data * weight._data.reshape(cshape)
    if bias is not None:
        data = data + bias._data.reshape(cshape)
    data = data.astype(x.dtype, copy=False)
    if requires_grad(input, weight, bias):
        return record(NativeBatchNormBackward0, data, (input, weight, bias),
                      (input, weight, saved_rm, saved_rv, training, eps))
    return wrap(data)
