"""Registry rows of ember/ops/nn_conv.py and nn_pool.py: convolutions, unfold/fold, pooling, interpolate.

Each row mixes samples of the size a layer sees (compared with PyTorch and gradchecked)
with tiny ones (at most 12 elements that require grad, so gradgradcheck runs on them).
Random inputs make ties of max pooling improbable; gradcheck would straddle one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from op_info import F64, OpInfo, Sample, T, func, rnd


def nn(name: str) -> Callable[..., Any]:
    return func(f"nn.functional.{name}")


def _gen(*specs: tuple) -> Callable[[np.dtype, np.random.Generator], list[Sample]]:
    """Samples from (name, shapes of the tensor arguments, kwargs[, requires_grad flags])."""

    def gen(dt: np.dtype, rng: np.random.Generator) -> list[Sample]:
        out = []
        for spec in specs:
            name, shapes, kwargs = spec[0], spec[1], spec[2]
            flags = spec[3] if len(spec) > 3 else (None,) * len(shapes)
            args = tuple(T(rnd(rng, s, dt), requires_grad=f) for s, f in zip(shapes, flags, strict=True))
            out.append(Sample(name, args, dict(kwargs)))
        return out

    return gen


def _ints_extra(*specs: tuple) -> Callable[[np.random.Generator], list[Sample]]:
    """int64 samples (forward only): (name, shapes, kwargs)."""

    def gen(rng: np.random.Generator) -> list[Sample]:
        return [Sample(name, tuple(T(rng.integers(-5, 6, s)) for s in shapes), dict(kwargs))
                for name, shapes, kwargs in specs]

    return gen


_CONV1D = _gen(
    ("basic", ((1, 2, 5), (3, 2, 3), (3,)), {}),
    ("stride_pad_dil", ((2, 2, 9), (3, 2, 3)), {"stride": 2, "padding": 1, "dilation": 2}),
    ("groups", ((1, 4, 6), (4, 2, 3), (4,)), {"groups": 2}),
    ("same_even", ((1, 2, 5), (2, 2, 4)), {"padding": "same"}),
    ("same_dil", ((1, 2, 6), (2, 2, 3)), {"padding": "same", "dilation": 2}),
    ("valid", ((1, 2, 5), (2, 2, 3)), {"padding": "valid"}),
    ("unbatched", ((2, 5), (3, 2, 3), (3,)), {}),
    ("tuple_args", ((1, 1, 7), (2, 1, 2)), {"stride": (3,), "padding": [1], "dilation": (2,)}),
    ("frozen_weight", ((1, 2, 5), (3, 2, 3)), {}, (None, False)),
    ("frozen_input", ((1, 2, 5), (3, 2, 3), (3,)), {}, (False, None, None)),
    ("empty_batch", ((0, 2, 5), (3, 2, 3)), {}),
    ("tiny", ((1, 1, 4), (1, 1, 2), (1,)), {}),
    ("tiny_strided", ((1, 1, 6), (1, 1, 2)), {"stride": 2, "padding": 1}),
)
_CONV2D = _gen(
    ("basic", ((1, 2, 5, 5), (3, 2, 3, 3), (3,)), {}),
    ("stride_pad_dil", ((1, 2, 6, 5), (2, 2, 2, 3)), {"stride": (2, 1), "padding": (1, 2), "dilation": (1, 2)}),
    ("depthwise", ((2, 3, 4, 4), (3, 1, 2, 2), (3,)), {"groups": 3}),
    ("groups", ((1, 4, 4, 3), (6, 2, 2, 2)), {"groups": 2, "padding": 1}),
    ("same_even", ((1, 1, 4, 4), (2, 1, 2, 3)), {"padding": "same"}),
    ("same_dil", ((1, 1, 5, 4), (1, 1, 3, 2)), {"padding": "same", "dilation": (1, 2)}),
    ("unbatched", ((2, 4, 4), (3, 2, 2, 2)), {}),
    ("kernel_1x1", ((2, 3, 2, 3), (2, 3, 1, 1), (2,)), {}),
    ("unused_tail", ((1, 1, 6, 6), (1, 1, 2, 2)), {"stride": 3}),
    ("tiny", ((1, 1, 3, 3), (1, 1, 2, 1)), {}),
    ("tiny_bias", ((1, 1, 2, 3), (1, 1, 2, 2), (1,)), {}),
    ("tiny_groups", ((1, 2, 2, 2), (2, 1, 1, 2)), {"groups": 2, "stride": (1, 2), "padding": (0, 1)}),
)
_CONV3D = _gen(
    ("basic", ((1, 1, 3, 3, 3), (2, 1, 2, 2, 2), (2,)), {"padding": 1, "stride": 2}),
    ("tiny", ((1, 1, 2, 2, 2), (1, 1, 1, 1, 2)), {}),
)
_CONV_T1D = _gen(
    ("basic", ((1, 2, 4), (2, 3, 3), (3,)), {}),
    ("stride_pad_outpad", ((2, 2, 4), (2, 3, 3)), {"stride": 2, "padding": 1, "output_padding": 1}),
    ("groups_dil", ((1, 4, 3), (4, 1, 2), (2,)), {"groups": 2, "dilation": 2}),
    ("outpad_dil", ((1, 1, 3), (1, 2, 2)), {"dilation": 3, "output_padding": 2}),
    ("unbatched", ((2, 4), (2, 3, 3)), {}),
    ("tiny", ((1, 1, 3), (1, 2, 2), (2,)), {}),
)
_CONV_T2D = _gen(
    ("basic", ((1, 2, 3, 3), (2, 3, 3, 3), (3,)), {"stride": 2, "padding": 1, "output_padding": 1}),
    ("groups_dil", ((1, 4, 3, 2), (4, 1, 2, 2)), {"groups": 2, "stride": (1, 2), "dilation": (2, 1),
                                                   "output_padding": (1, 0)}),
    ("unbatched", ((2, 2, 3), (2, 1, 2, 2), (1,)), {}),
    ("frozen_weight", ((1, 2, 3, 3), (2, 3, 2, 2)), {"stride": 2}, (None, False)),
    ("tiny", ((1, 1, 2, 2), (1, 2, 2, 1)), {"stride": (2, 1)}),
)
_CONV_T3D = _gen(
    ("basic", ((1, 2, 2, 2, 2), (2, 1, 2, 2, 2), (1,)), {"stride": 2}),
    ("tiny", ((1, 1, 2, 1, 2), (1, 1, 2, 2, 1)), {}),
)
_CONV_INTS = _ints_extra(
    ("int64", ((1, 2, 4, 4), (3, 2, 2, 2)), {}),
)

_MAX_POOL2D = _gen(
    ("basic", ((1, 2, 5, 5),), {"kernel_size": 2}),
    ("overlap", ((1, 2, 5, 4),), {"kernel_size": 3, "stride": 1}),
    ("all_args", ((2, 1, 7, 6),), {"kernel_size": (3, 2), "stride": (2, 1), "padding": (1, 1), "dilation": (2, 1),
                                   "ceil_mode": True}),
    ("indices", ((1, 2, 5, 5),), {"kernel_size": 3, "stride": 2, "padding": 1, "return_indices": True}),
    ("ceil_indices", ((1, 1, 6, 5),), {"kernel_size": 2, "ceil_mode": True, "return_indices": True}),
    ("unbatched", ((2, 4, 5),), {"kernel_size": 2, "stride": (1, 2)}),
    ("tiny", ((1, 1, 3, 3),), {"kernel_size": 2, "stride": 1}),
    ("tiny_pad", ((1, 1, 3, 4),), {"kernel_size": 2, "padding": 1}),
)
_MAX_POOL1D = _gen(
    ("basic", ((1, 2, 9),), {"kernel_size": 3, "stride": 2, "padding": 1}),
    ("indices", ((2, 1, 7),), {"kernel_size": 2, "dilation": 2, "ceil_mode": True, "return_indices": True}),
    ("unbatched", ((2, 6),), {"kernel_size": 2}),
    ("tiny", ((1, 1, 6),), {"kernel_size": 2, "stride": 1}),
)
_AVG_POOL2D = _gen(
    ("basic", ((1, 2, 5, 5),), {"kernel_size": 2}),
    ("pad_ceil", ((1, 1, 7, 6),), {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True}),
    ("exclude_pad", ((1, 2, 5, 6),), {"kernel_size": (3, 2), "stride": (2, 1), "padding": (1, 1),
                                      "ceil_mode": True, "count_include_pad": False}),
    ("divisor", ((1, 1, 5, 5),), {"kernel_size": 3, "stride": 2, "padding": 1, "divisor_override": 5}),
    ("unbatched", ((2, 4, 5),), {"kernel_size": 2, "stride": 1}),
    ("tiny", ((1, 1, 3, 3),), {"kernel_size": 2, "stride": 1}),
    ("tiny_pad", ((1, 1, 3, 4),), {"kernel_size": 2, "padding": 1, "count_include_pad": False}),
)
_AVG_POOL1D = _gen(
    ("basic", ((1, 2, 8),), {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True}),
    ("exclude_pad", ((2, 1, 5),), {"kernel_size": 2, "padding": 1, "count_include_pad": False}),
    ("tiny", ((1, 1, 6),), {"kernel_size": 2}),
)
_POOL_INTS = _ints_extra(
    ("int64", ((1, 1, 5, 5),), {"kernel_size": 2, "padding": 1}),
    ("int64_divisor", ((1, 1, 5, 5),), {"kernel_size": 3, "divisor_override": 4}),
)
_ADAPTIVE_AVG2D = _gen(
    ("shrink", ((1, 2, 5, 7),), {"output_size": (3, 4)}),
    ("none", ((1, 1, 5, 3),), {"output_size": (2, None)}),
    ("grow", ((1, 1, 2, 3),), {"output_size": (3, 5)}),
    ("global", ((2, 3, 3, 2),), {"output_size": 1}),
    ("unbatched", ((2, 4, 4),), {"output_size": 3}),
    ("tiny", ((1, 1, 3, 3),), {"output_size": 2}),
)
_ADAPTIVE_AVG1D = _gen(
    ("shrink", ((1, 2, 7),), {"output_size": 3}),
    ("global", ((2, 2, 5),), {"output_size": 1}),
    ("tiny", ((1, 1, 5),), {"output_size": (3,)}),
)
_ADAPTIVE_MAX2D = _gen(
    ("shrink", ((1, 2, 5, 7),), {"output_size": (3, 4), "return_indices": True}),
    ("grow", ((1, 1, 2, 3),), {"output_size": (3, 4)}),
    ("unbatched", ((2, 4, 4),), {"output_size": (2, None)}),
    ("tiny", ((1, 1, 3, 3),), {"output_size": 2}),
)
_ADAPTIVE_MAX1D = _gen(
    ("shrink", ((1, 2, 7),), {"output_size": 3, "return_indices": True}),
    ("tiny", ((1, 1, 5),), {"output_size": 2}),
)
_INTERPOLATE = _gen(
    ("nearest_size", ((1, 2, 3, 4),), {"size": (5, 3)}),
    ("nearest_scale", ((1, 1, 3, 4),), {"scale_factor": 1.7}),
    ("nearest_int_size", ((1, 1, 2, 3),), {"size": 4}),
    ("bilinear", ((1, 2, 3, 4),), {"size": (5, 7), "mode": "bilinear"}),
    ("bilinear_corners", ((1, 1, 4, 3),), {"size": (6, 2), "mode": "bilinear", "align_corners": True}),
    ("bilinear_scale", ((1, 1, 3, 3),), {"scale_factor": (2, 0.7), "mode": "bilinear"}),
    ("bilinear_recompute", ((1, 1, 3, 3),), {"scale_factor": 2.3, "mode": "bilinear",
                                             "recompute_scale_factor": True}),
    ("linear", ((1, 2, 4),), {"scale_factor": 2.5, "mode": "linear"}),
    ("linear_corners", ((1, 1, 4),), {"size": 7, "mode": "linear", "align_corners": True}),
    ("nearest_1d", ((1, 2, 4),), {"size": 6}),
    ("tiny_bilinear", ((1, 1, 2, 3),), {"size": (3, 4), "mode": "bilinear"}),
    ("tiny_nearest", ((1, 1, 3, 2),), {"scale_factor": 2}),
)

_UNFOLD = _gen(
    ("basic", ((1, 2, 4, 4),), {"kernel_size": 2}),
    ("all_args", ((2, 1, 5, 4),), {"kernel_size": (2, 3), "dilation": (2, 1), "padding": 1, "stride": (1, 2)}),
    ("unbatched", ((2, 3, 3),), {"kernel_size": 2}),
    ("tiny", ((1, 1, 3, 3),), {"kernel_size": 2}),
)
_FOLD = _gen(
    ("basic", ((1, 8, 16),), {"output_size": (5, 5), "kernel_size": 2}),
    ("all_args", ((2, 6, 12),), {"output_size": (4, 5), "kernel_size": (2, 3), "dilation": (2, 1), "padding": 1,
                                "stride": (1, 2)}),
    ("unbatched", ((4, 4),), {"output_size": 3, "kernel_size": 2}),
    ("tiny", ((1, 4, 2),), {"output_size": (2, 3), "kernel_size": 2}),
)


def _interpolate_extra(rng: np.random.Generator) -> list[Sample]:
    x = T(rnd(rng, (1, 1, 3, 3), F64))
    return [
        Sample("both", (x,), {"size": 2, "scale_factor": 2.0}),
        Sample("neither", (x,)),
        Sample("bad_mode", (x,), {"size": 2, "mode": "cubic"}),
        Sample("align_corners_nearest", (x,), {"size": 2, "align_corners": True}),
        Sample("bilinear_3d", (T(rnd(rng, (1, 1, 3), F64)),), {"size": 2, "mode": "bilinear"}),
        Sample("int64", (T(rng.integers(0, 5, (1, 1, 2, 2))),), {"size": 3}),
    ]


CONV = [
    OpInfo("conv1d", nn("conv1d"), _CONV1D),
    OpInfo("conv2d", nn("conv2d"), _CONV2D, _CONV_INTS),
    OpInfo("conv3d", nn("conv3d"), _CONV3D),
    OpInfo("conv_transpose1d", nn("conv_transpose1d"), _CONV_T1D),
    OpInfo("conv_transpose2d", nn("conv_transpose2d"), _CONV_T2D),
    OpInfo("conv_transpose3d", nn("conv_transpose3d"), _CONV_T3D),
    OpInfo("max_pool1d", nn("max_pool1d"), _MAX_POOL1D),
    OpInfo("max_pool2d", nn("max_pool2d"), _MAX_POOL2D, _POOL_INTS),
    OpInfo("avg_pool1d", nn("avg_pool1d"), _AVG_POOL1D),
    OpInfo("avg_pool2d", nn("avg_pool2d"), _AVG_POOL2D, _POOL_INTS),
    OpInfo("adaptive_avg_pool1d", nn("adaptive_avg_pool1d"), _ADAPTIVE_AVG1D),
    OpInfo("adaptive_avg_pool2d", nn("adaptive_avg_pool2d"), _ADAPTIVE_AVG2D),
    OpInfo("adaptive_max_pool1d", nn("adaptive_max_pool1d"), _ADAPTIVE_MAX1D),
    OpInfo("adaptive_max_pool2d", nn("adaptive_max_pool2d"), _ADAPTIVE_MAX2D),
    OpInfo("interpolate", nn("interpolate"), _INTERPOLATE, _interpolate_extra),
    OpInfo("unfold", nn("unfold"), _UNFOLD),
    OpInfo("fold", nn("fold"), _FOLD),
]
