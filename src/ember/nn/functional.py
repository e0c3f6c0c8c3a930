"""ember.nn.functional: the functional forms of layers, activations and losses.

The kernels live in ``ember.ops.nn*`` (one Node each where PyTorch records one); this
module is the public namespace, with PyTorch's names, argument names and defaults.
"""

from __future__ import annotations

from typing import Any

from ..ops.nn import binary_cross_entropy_with_logits
from ..ops.nn_activation import (
    bilinear,
    celu,
    elu,
    gelu,
    hardsigmoid,
    hardswish,
    hardtanh,
    leaky_relu,
    linear,
    log_softmax,
    logsigmoid,
    mish,
    normalize,
    relu6,
    selu,
    silu,
    softmax,
    softmin,
    softplus,
    softsign,
    tanhshrink,
)
from ..ops.nn_conv import (
    conv1d,
    conv2d,
    conv3d,
    conv_transpose1d,
    conv_transpose2d,
    conv_transpose3d,
    fold,
    unfold,
)
from ..ops.nn_loss import (
    binary_cross_entropy,
    cosine_similarity,
    cross_entropy,
    huber_loss,
    kl_div,
    l1_loss,
    margin_ranking_loss,
    mse_loss,
    nll_loss,
    pairwise_distance,
    smooth_l1_loss,
    triplet_margin_loss,
)
from ..ops.nn_norm import (
    batch_norm,
    dropout,
    dropout1d,
    dropout2d,
    embedding,
    group_norm,
    layer_norm,
    one_hot,
    pad,
)
from ..ops.nn_pool import (
    adaptive_avg_pool1d,
    adaptive_avg_pool2d,
    adaptive_max_pool1d,
    adaptive_max_pool2d,
    avg_pool1d,
    avg_pool2d,
    interpolate,
    max_pool1d,
    max_pool2d,
)
from ..ops.pointwise import relu as _relu
from ..ops.pointwise import sigmoid, tanh


def relu(input: Any, inplace: bool = False) -> Any:
    """max(input, 0) elementwise (ReluBackward0); ``inplace`` writes into ``input``."""
    return input.relu_() if inplace else _relu(input)

__all__ = [
    "binary_cross_entropy_with_logits", "relu", "sigmoid", "tanh",
    "linear", "bilinear", "relu6", "leaky_relu", "elu", "selu", "celu", "gelu", "silu", "mish", "softplus",
    "softsign", "hardtanh", "hardsigmoid", "hardswish", "tanhshrink", "logsigmoid", "softmax", "log_softmax",
    "softmin", "normalize",
    "cross_entropy", "nll_loss", "mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss", "binary_cross_entropy",
    "kl_div", "margin_ranking_loss", "cosine_similarity", "pairwise_distance", "triplet_margin_loss",
    "dropout", "dropout1d", "dropout2d", "embedding", "one_hot", "pad", "layer_norm", "group_norm", "batch_norm",
    "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d",
    "max_pool1d", "max_pool2d", "avg_pool1d", "avg_pool2d", "adaptive_avg_pool1d", "adaptive_avg_pool2d",
    "adaptive_max_pool1d", "adaptive_max_pool2d", "interpolate", "unfold", "fold",
]


# PyTorch functions ember does not have yet: asking for one says so (the Modules that use
# them, e.g. nn.GLU or nn.CTCLoss, raise this when called). See the README's status table.
_NOT_YET = frozenset({
    "adaptive_avg_pool3d", "adaptive_max_pool3d", "alpha_dropout", "avg_pool3d", "cosine_embedding_loss",
    "ctc_loss", "dropout3d", "feature_alpha_dropout", "gaussian_nll_loss", "glu", "hardshrink",
    "hinge_embedding_loss", "instance_norm", "local_response_norm", "lp_pool1d", "lp_pool2d", "max_pool3d",
    "max_unpool1d", "max_unpool2d", "multi_margin_loss", "multilabel_margin_loss", "multilabel_soft_margin_loss",
    "poisson_nll_loss", "prelu", "rms_norm", "rrelu", "soft_margin_loss", "softshrink", "threshold",
    "triplet_margin_with_distance_loss",
})


class NotYetImplementedError(NotImplementedError, AttributeError):
    """A PyTorch function ember lacks: a NotImplementedError, and an AttributeError so that
    ``hasattr(F, name)`` stays False for code that checks before calling."""


def __getattr__(name: str) -> Any:
    if name in _NOT_YET:
        raise NotYetImplementedError(f"ember.nn.functional.{name} is not implemented yet")
    raise AttributeError(f"module 'ember.nn.functional' has no attribute '{name}'")
