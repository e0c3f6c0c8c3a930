"""A catalogue of API misuse, run on ember and on PyTorch side by side.

Each case is ``name: (exception type, fn(module), phrases)``. ``fn`` misuses the API of
``module`` (ember or torch). ember must raise the tabled type; with torch installed, torch
must raise it too (so the table is right), and the messages must agree: equal once
``torch.`` is read as ``ember.`` when ``phrases`` is None, else both must contain every
phrase (used where ember's message says more than torch's, or torch's names internals).

tests/ops/test_errors.py holds the ops' own argument errors; this file is about using
autograd, tensors, nn and optim wrongly. The last tests check that a failing op leaves
every tensor, ``.grad`` and version counter as it was.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import ember

try:
    import torch  # noqa: F401 - the oracle, when installed
except ImportError:
    HAS_TORCH = False
else:
    HAS_TORCH = True
oracle = pytest.mark.skipif(not HAS_TORCH, reason="PyTorch (the oracle) is not installed")


def t(m: Any, *shape: int, dtype: str = "float32", rg: bool = False) -> Any:
    """1, 2, 3, ... in ``shape`` as a tensor of ``m`` (ember or torch)."""
    a = np.asarray(np.arange(int(np.prod(shape))).reshape(shape) + 1)
    x = m.from_numpy((a % 2 == 0) if dtype == "bool" else a.astype(dtype))
    if rg:
        x.requires_grad_(True)
    return x


# -- autograd: backward ------------------------------------------------------------------
def _backward_twice(m: Any) -> None:
    x = t(m, 2, rg=True)
    y = (x * x).sum()
    y.backward()
    y.backward()


def _backward_twice_saved_output(m: Any) -> None:
    x = t(m, 2, rg=True)
    y = x.exp().sum()
    y.backward()
    y.backward()


def _backward_twice_tanh(m: Any) -> None:
    x = t(m, 2, rg=True)
    y = x.tanh().sum()
    y.backward()
    y.backward()


def _grad_twice(m: Any) -> None:
    x = t(m, 2, rg=True)
    y = (x * x).sum()
    m.autograd.grad(y, x)
    m.autograd.grad(y, x)


def _grad_then_backward(m: Any) -> None:
    x = t(m, 2, rg=True)
    y = (x.sin() * 2).sum()
    m.autograd.grad(y, x)
    y.backward()


def _saved_after_backward(m: Any) -> Any:
    x = t(m, 2, rg=True)
    y = x * x
    y.sum().backward()
    return y.grad_fn._saved_self


def _no_grad_result(m: Any) -> None:
    x = t(m, 2, rg=True)
    with m.no_grad():
        y = (x * 2).sum()
    y.backward()


def _set_grad_enabled_result(m: Any) -> None:
    x = t(m, 2, rg=True)
    with m.set_grad_enabled(False):
        y = x.exp().sum()
    y.backward()


def _detached_result(m: Any) -> None:
    x = t(m, 2, rg=True)
    (x * 2).detach().sum().backward()


def _second_of_two_no_grad(m: Any) -> None:
    x = t(m, 2, rg=True)
    m.autograd.backward([(x * 2).sum(), t(m, 2).sum()])


def _grad_mismatched_shape(m: Any) -> None:
    x = t(m, 2, 3, rg=True)
    (x * 2).backward(t(m, 3, 2))


def _grad_outputs_mismatched_shape(m: Any) -> Any:
    x = t(m, 2, rg=True)
    return m.autograd.grad(x * 2, x, grad_outputs=t(m, 3))


def _backward_too_few_grads(m: Any) -> None:
    x = t(m, 2, rg=True)
    m.autograd.backward([x * 2, x * 3], [t(m, 2)])


def _grad_outputs_wrong_length(m: Any) -> Any:
    x = t(m, 2, rg=True)
    return m.autograd.grad([x * 2, x * 3], [x], grad_outputs=[t(m, 2)])


def _backward_grad_not_tensor(m: Any) -> None:
    x = t(m, 2, rg=True)
    (x * 2).backward([1.0, 1.0])


def _backward_complex_grad_dtype(m: Any) -> None:
    x = t(m, 2, rg=True)
    (x * 2).backward(t(m, 2).to(m.complex64))


def _backward_integer_output(m: Any) -> None:
    x = t(m, 2, rg=True)
    (x * 2).sum().to(m.int64).backward()


def _backward_inputs_empty(m: Any) -> None:
    x = t(m, 2, rg=True)
    (x * 2).sum().backward(inputs=[])


def _backward_inputs_no_grad(m: Any) -> None:
    x = t(m, 2, rg=True)
    (x * 2).sum().backward(inputs=[t(m, 2)])


# -- autograd.grad ---------------------------------------------------------------------
def _grad_unused(m: Any) -> Any:
    x, w = t(m, 2, rg=True), t(m, 2, rg=True)
    return m.autograd.grad((x * 2).sum(), [x, w])


def _grad_unused_allow_false(m: Any) -> Any:
    x, w = t(m, 2, rg=True), t(m, 2, rg=True)
    return m.autograd.grad((x * 2).sum(), [w], allow_unused=False)


def _grad_input_no_grad(m: Any) -> Any:
    x = t(m, 2, rg=True)
    return m.autograd.grad((x * 2).sum(), [t(m, 2)])


def _grad_output_no_grad(m: Any) -> Any:
    x = t(m, 2, rg=True)
    return m.autograd.grad(t(m, 2).sum(), [x])


def _grad_nonscalar(m: Any) -> Any:
    x = t(m, 2, rg=True)
    return m.autograd.grad(x * 2, x)


def _grad_empty_inputs(m: Any) -> Any:
    x = t(m, 2, rg=True)
    return m.autograd.grad((x * 2).sum(), [])


def _grad_materialize_allow_unused_false(m: Any) -> Any:
    x = t(m, 2, rg=True)
    return m.autograd.grad((x * 2).sum(), [x], materialize_grads=True, allow_unused=False)


def _grad_of_detached_input(m: Any) -> Any:
    x = t(m, 2, rg=True)
    return m.autograd.grad((x * 2).sum(), [x.detach()])


def _grad_input_used_only_under_no_grad(m: Any) -> Any:
    x, w = t(m, 2, rg=True), t(m, 2, rg=True)
    with m.no_grad():
        v = w * 2
    return m.autograd.grad((x * v).sum(), [w])


# -- requires_grad -----------------------------------------------------------------------
def _requires_grad_attr_int(m: Any) -> None:
    x = t(m, 2, dtype="int64")
    x.requires_grad = True


def _requires_grad_non_leaf_off(m: Any) -> None:
    x = t(m, 2, rg=True)
    (x * 2).requires_grad_(False)


def _requires_grad_non_leaf_attr(m: Any) -> None:
    x = t(m, 2, rg=True)
    y = x * 2
    y.requires_grad = False


def _requires_grad_of_int_result(m: Any) -> Any:
    x = t(m, 2, rg=True)
    return x.argmax().requires_grad_()


# -- in place --------------------------------------------------------------------------
def _inplace_leaf(op: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def fn(m: Any) -> Any:
        return op(t(m, 2, 2, rg=True))

    return fn


def _inplace_view_of_leaf(m: Any) -> Any:
    x = t(m, 2, 2, rg=True)
    return x[0].add_(1)


def _inplace_view_of_leaf_view(m: Any) -> Any:
    x = t(m, 2, 2, rg=True)
    return x.view(4).mul_(2)


def _inplace_view_of_leaf_transpose(m: Any) -> Any:
    x = t(m, 2, 2, rg=True)
    return x.t().zero_()


def _inplace_unbind_output(m: Any) -> Any:
    x = t(m, 2, 2, rg=True) * 1
    return x.unbind(0)[0].mul_(2)


def _inplace_split_output(m: Any) -> Any:
    x = t(m, 4, rg=True) * 1
    return x.split(2)[1].add_(1)


def _inplace_no_grad_view(m: Any) -> Any:
    x = t(m, 2, 2, rg=True) * 1
    with m.no_grad():
        v = x[0]
    return v.add_(1)


def _saved_input_modified(m: Any) -> None:
    x = t(m, 2, rg=True)
    y = x * 2
    z = y * y
    y.add_(1)
    z.sum().backward()


def _saved_output_modified(m: Any) -> None:
    x = t(m, 3, rg=True)
    y = x.exp()
    y.mul_(2)
    y.sum().backward()


def _saved_constant_modified(m: Any) -> None:
    x = t(m, 2, rg=True)
    a = t(m, 2)
    y = x * a
    a.add_(1)
    y.sum().backward()


def _saved_modified_under_no_grad(m: Any) -> None:
    w = t(m, 2, 2, rg=True)
    y = (w.sin() * w).sum()
    with m.no_grad():
        w.sub_(0.1)
    y.backward()


def _saved_modified_through_view(m: Any) -> None:
    x = t(m, 4, rg=True)
    a = t(m, 4)
    y = x * a
    a[1:].zero_()
    y.sum().backward()


def _saved_modified_twice(m: Any) -> None:
    x = t(m, 2, 3, rg=True)
    y = x.sigmoid()
    y.add_(1)
    y.add_(1)
    y.sum().backward()


def _saved_modified_setitem(m: Any) -> None:
    x = t(m, 3, rg=True)
    a = t(m, 3)
    y = x * a
    a[0] = 5.0
    y.sum().backward()


def _fn_saved_output_modified(m: Any) -> None:
    class Sq(m.autograd.Function):
        @staticmethod
        def forward(ctx: Any, x: Any) -> Any:
            out = x * x
            ctx.save_for_backward(out)
            return out

        @staticmethod
        def backward(ctx: Any, grad: Any) -> Any:
            (out,) = ctx.saved_tensors
            return grad * out

    y = Sq.apply(t(m, 2, rg=True))
    with m.no_grad():
        y.mul_(2)
    y.sum().backward()


def _inplace_int_add_float(m: Any) -> Any:
    return t(m, 2, dtype="int64").add_(t(m, 2))


def _inplace_int_mul_scalar(m: Any) -> Any:
    return t(m, 2, dtype="int64").mul_(1.5)


def _inplace_int_div(m: Any) -> Any:
    return t(m, 2, dtype="int64").div_(2)


def _inplace_bool_add(m: Any) -> Any:
    return t(m, 2, dtype="bool").add_(t(m, 2, dtype="int64"))


def _inplace_float_add_complex(m: Any) -> Any:
    return t(m, 2).add_(t(m, 2).to(m.complex64))


def _inplace_float_sub_double_grad(m: Any) -> Any:
    return t(m, 2, dtype="int32").sub_(t(m, 2, dtype="float64"))


def _inplace_broadcast_grows(m: Any) -> Any:
    return t(m, 2).add_(t(m, 2, 2))


def _inplace_broadcast_grows_3d(m: Any) -> Any:
    return t(m, 3, 1).mul_(t(m, 2, 3, 4))


def _inplace_expanded(m: Any) -> Any:
    return t(m, 1, 3).expand(2, 3).add_(1)


def _inplace_exp_int(m: Any) -> Any:
    return t(m, 2, dtype="int64").exp_()


def _inplace_sqrt_int(m: Any) -> Any:
    return t(m, 2, dtype="int64").sqrt_()


def _copy_wrong_shape(m: Any) -> Any:
    return t(m, 2, 3).copy_(t(m, 3, 2))


def _copy_not_tensor(m: Any) -> Any:
    return t(m, 2).copy_([1.0, 2.0])


def _setitem_wrong_shape(m: Any) -> None:
    x = t(m, 2, 3)
    x[0] = t(m, 2)


def _setitem_mask_value_shape(m: Any) -> None:
    x = t(m, 4)
    x[x > 1] = t(m, 2)


def _setitem_out_of_range(m: Any) -> None:
    x = t(m, 3)
    x[3] = 0.0


# -- .grad ----------------------------------------------------------------------------------
def _assign_grad_shape(m: Any) -> None:
    x = t(m, 2, rg=True)
    x.grad = t(m, 3)


def _assign_grad_dtype(m: Any) -> None:
    x = t(m, 2, rg=True)
    x.grad = t(m, 2, dtype="float64")


def _assign_grad_not_tensor(m: Any) -> None:
    x = t(m, 2, rg=True)
    x.grad = [1.0, 2.0]


def _assign_grad_int_to_float(m: Any) -> None:
    x = t(m, 2, rg=True)
    x.grad = t(m, 2, dtype="int64")


# -- conversions ----------------------------------------------------------------------------
def _numpy_requires_grad(m: Any) -> Any:
    return t(m, 2, rg=True).numpy()


def _numpy_non_leaf(m: Any) -> Any:
    return (t(m, 2, rg=True) * 2).numpy()


def _tolist_ok_item_many(m: Any) -> Any:
    return t(m, 3).item()


def _item_of_empty(m: Any) -> Any:
    return m.zeros(0).item()


def _item_2d(m: Any) -> Any:
    return t(m, 2, 2).item()


def _float_many(m: Any) -> Any:
    return float(t(m, 3))


def _int_many(m: Any) -> Any:
    return int(t(m, 2, 2))


def _bool_many(m: Any) -> Any:
    return bool(t(m, 2))


def _bool_empty(m: Any) -> Any:
    return bool(m.zeros(0))


def _if_tensor(m: Any) -> Any:
    x = t(m, 3)
    if x > 1:
        return 1
    return 0


def _index_float_tensor(m: Any) -> Any:
    return [1, 2, 3][t(m, 1)]


def _index_many(m: Any) -> Any:
    return [1, 2, 3][t(m, 2, dtype="int64")]


def _len_0d(m: Any) -> Any:
    return len(m.tensor(1.0))


def _iter_0d(m: Any) -> Any:
    return list(m.tensor(1.0))


def _complex_many(m: Any) -> Any:
    return complex(t(m, 2))


# -- custom Functions -------------------------------------------------------------------
def _function(m: Any, backward: Callable[..., Any], n_inputs: int = 2) -> Any:
    class MyFn(m.autograd.Function):
        @staticmethod
        def forward(ctx: Any, *args: Any) -> Any:
            return args[0] * 2

        @staticmethod
        def backward(ctx: Any, grad: Any) -> Any:
            return backward(m, grad)

    return MyFn


def _fn_too_few(m: Any) -> None:
    f = _function(m, lambda m, g: g)
    f.apply(t(m, 2, rg=True), t(m, 2, rg=True)).sum().backward()


def _fn_too_many(m: Any) -> None:
    f = _function(m, lambda m, g: (g, g, g))
    f.apply(t(m, 2, rg=True), t(m, 2, rg=True)).sum().backward()


def _fn_wrong_shape(m: Any) -> None:
    f = _function(m, lambda m, g: (m.ones(3), None))
    f.apply(t(m, 2, rg=True), t(m, 2)).sum().backward()


def _fn_wrong_shape_2d(m: Any) -> None:
    f = _function(m, lambda m, g: (m.ones(2, 5), None))
    f.apply(t(m, 2, 3, rg=True), t(m, 2)).sum().backward()


def _fn_wrong_shape_second(m: Any) -> None:
    f = _function(m, lambda m, g: (g, m.ones(4)))
    f.apply(t(m, 2, rg=True), t(m, 2, rg=True)).sum().backward()


def _fn_not_a_tensor(m: Any) -> None:
    f = _function(m, lambda m, g: ("gradient", None))
    f.apply(t(m, 2, rg=True), t(m, 2)).sum().backward()


def _fn_grad_for_int_input(m: Any) -> None:
    f = _function(m, lambda m, g: (g, g))
    f.apply(t(m, 2, rg=True), 3).sum().backward()


def _fn_saved_tensors_twice(m: Any) -> None:
    class Sq(m.autograd.Function):
        @staticmethod
        def forward(ctx: Any, x: Any) -> Any:
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx: Any, grad: Any) -> Any:
            (x,) = ctx.saved_tensors
            return 2 * x * grad

    y = Sq.apply(t(m, 2, rg=True)).sum()
    y.backward()
    y.backward()


def _fn_saved_tensor_modified(m: Any) -> None:
    class Sq(m.autograd.Function):
        @staticmethod
        def forward(ctx: Any, x: Any) -> Any:
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx: Any, grad: Any) -> Any:
            (x,) = ctx.saved_tensors
            return 2 * x * grad

    x = t(m, 2, rg=True) * 1
    y = Sq.apply(x).sum()
    x.add_(1)
    y.backward()


def _fn_instantiate_forward(m: Any) -> Any:
    class F(m.autograd.Function):
        @staticmethod
        def forward(ctx: Any, x: Any) -> Any:
            return x

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # torch warns before it raises
        return F()(t(m, 2))


def _fn_backward_not_implemented(m: Any) -> None:
    class F(m.autograd.Function):
        @staticmethod
        def forward(ctx: Any, x: Any) -> Any:
            return x * 2

    F.apply(t(m, 2, rg=True)).sum().backward()


def _fn_raises_in_backward(m: Any) -> None:
    def boom(m: Any, g: Any) -> Any:
        raise ValueError("my backward failed")

    f = _function(m, boom)
    f.apply(t(m, 2, rg=True), t(m, 2)).sum().backward()


# -- hooks ---------------------------------------------------------------------------------
def _hook_wrong_shape(m: Any) -> None:
    x = t(m, 3, rg=True)
    y = x * 2

    def half(g: Any) -> Any:
        return g[:1]

    y.register_hook(half)
    y.sum().backward()


def _hook_wrong_dtype(m: Any) -> None:
    x = t(m, 3, rg=True)
    y = x * 2

    def widen(g: Any) -> Any:
        return g.double()

    y.register_hook(widen)
    y.sum().backward()


def _leaf_hook_wrong_shape(m: Any) -> None:
    x = t(m, 3, rg=True)

    def grow(g: Any) -> Any:
        return m.ones(4)

    x.register_hook(grow)
    (x * 2).sum().backward()


def _hook_not_tensor(m: Any) -> None:
    x = t(m, 3, rg=True)
    y = x * 2

    def listify(g: Any) -> Any:
        return [1.0, 2.0, 3.0]

    y.register_hook(listify)
    y.sum().backward()


def _hook_no_grad(m: Any) -> Any:
    return t(m, 2).register_hook(lambda g: g)


def _retain_grad_no_grad(m: Any) -> Any:
    return t(m, 2).retain_grad()


def _post_accumulate_hook_non_leaf(m: Any) -> Any:
    x = t(m, 2, rg=True)
    return (x * 2).register_post_accumulate_grad_hook(lambda p: None)


def _post_accumulate_hook_no_grad(m: Any) -> Any:
    return t(m, 2).register_post_accumulate_grad_hook(lambda p: None)


def _hook_raises(m: Any) -> None:
    x = t(m, 3, rg=True)
    y = x * 2

    def bad(g: Any) -> Any:
        raise ValueError("hook says no")

    y.register_hook(bad)
    y.sum().backward()


# -- anomaly, inference mode ---------------------------------------------------------------------
def _anomaly_nan(m: Any) -> None:
    x = m.tensor([0.0, 1.0], requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with m.autograd.detect_anomaly():
            (x.sqrt() * 0).sum().backward()


def _anomaly_nan_div(m: Any) -> None:
    x = m.tensor([0.0, 1.0], requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with m.autograd.detect_anomaly():
            (x / x).sum().backward()


def _inference_requires_grad(m: Any) -> Any:
    with m.inference_mode():
        x = t(m, 2)
    return x.requires_grad_()


def _inference_saved(m: Any) -> Any:
    with m.inference_mode():
        a = t(m, 2)
    return t(m, 2, rg=True) * a


def _inference_inplace_outside(m: Any) -> Any:
    with m.inference_mode():
        a = t(m, 2)
    return a.add_(1)


# -- indexing out of range -------------------------------------------------------------------
def _gather_out_of_range(m: Any) -> Any:
    return m.gather(t(m, 3), 0, m.tensor([0, 5]))


def _index_select_out_of_range(m: Any) -> Any:
    return m.index_select(t(m, 3), 0, m.tensor([3]))


def _index_select_float_index(m: Any) -> Any:
    return m.index_select(t(m, 3), 0, m.tensor([1.0]))


def _take_out_of_range(m: Any) -> Any:
    return m.take(t(m, 2, 2), m.tensor([4]))


def _scatter_out_of_range(m: Any) -> Any:
    return m.zeros(3).scatter(0, m.tensor([3]), t(m, 1))


def _embedding_out_of_range(m: Any) -> Any:
    return m.nn.functional.embedding(m.tensor([5]), t(m, 3, 2))


def _cross_entropy_target_range(m: Any) -> Any:
    return m.nn.functional.cross_entropy(t(m, 2, 3), m.tensor([0, 3]))


def _nll_target_range(m: Any) -> Any:
    return m.nn.functional.nll_loss(t(m, 2, 3), m.tensor([0, -2]))


def _one_hot_range(m: Any) -> Any:
    return m.nn.functional.one_hot(m.tensor([0, 4]), 3)


# -- nn ---------------------------------------------------------------------------------------
def _linear_wrong_in_features(m: Any) -> Any:
    m.manual_seed(0)
    return m.nn.Linear(4, 5)(t(m, 2, 3))


def _linear_wrong_dtype(m: Any) -> Any:
    m.manual_seed(0)
    return m.nn.Linear(3, 5)(t(m, 2, 3, dtype="float64"))


def _linear_int_input(m: Any) -> Any:
    m.manual_seed(0)
    return m.nn.Linear(3, 5)(t(m, 2, 3, dtype="int64"))


def _conv_channels(m: Any) -> Any:
    m.manual_seed(0)
    return m.nn.Conv2d(3, 4, 3)(m.zeros(1, 2, 5, 5))


def _conv_kernel_too_big(m: Any) -> Any:
    m.manual_seed(0)
    return m.nn.Conv2d(1, 1, 5)(m.zeros(1, 1, 3, 3))


def _cross_entropy_float_target_shape(m: Any) -> Any:
    return m.nn.functional.cross_entropy(t(m, 2, 3), t(m, 2, 4))


def _cross_entropy_batch(m: Any) -> Any:
    return m.nn.functional.cross_entropy(t(m, 2, 3), m.tensor([0, 1, 2]))


def _nll_float_target(m: Any) -> Any:
    return m.nn.functional.nll_loss(t(m, 2, 3), m.tensor([0.0, 1.0]))


def _mse_bad_reduction(m: Any) -> Any:
    return m.nn.functional.mse_loss(t(m, 3), t(m, 3), reduction="avg")


def _mse_shapes(m: Any) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return m.nn.functional.mse_loss(t(m, 3), t(m, 4))


def _batchnorm_features(m: Any) -> Any:
    return m.nn.BatchNorm1d(3)(t(m, 2, 4))


def _layernorm_shape(m: Any) -> Any:
    return m.nn.LayerNorm(3)(t(m, 2, 4))


def _embedding_float_index(m: Any) -> Any:
    m.manual_seed(0)
    return m.nn.Embedding(3, 2)(m.tensor([0.0]))


def _module_setattr_param_type(m: Any) -> None:
    lin = m.nn.Linear(2, 2)
    lin.weight = t(m, 2, 2)


def _register_parameter_bad(m: Any) -> None:
    m.nn.Module().register_parameter("w", t(m, 2))


def _register_parameter_dot(m: Any) -> None:
    m.nn.Module().register_parameter("a.b", None)


def _register_buffer_bad(m: Any) -> None:
    m.nn.Module().register_buffer("b", [1, 2])


def _add_module_bad(m: Any) -> None:
    m.nn.Module().add_module("x", 3)


def _load_state_dict_missing(m: Any) -> None:
    m.manual_seed(0)
    m.nn.Linear(2, 2).load_state_dict({"weight": m.zeros(2, 2)})


def _load_state_dict_shape(m: Any) -> None:
    m.manual_seed(0)
    m.nn.Linear(2, 2).load_state_dict({"weight": m.zeros(3, 2), "bias": m.zeros(2)})


def _module_forward_missing(m: Any) -> Any:
    return m.nn.Module()(t(m, 2))


def _sequential_index(m: Any) -> Any:
    return m.nn.Sequential(m.nn.ReLU())[3]


def _parameter_int(m: Any) -> Any:
    return m.nn.Parameter(t(m, 2, dtype="int64"))


# -- optim ------------------------------------------------------------------------------------
def _optim_non_leaf(m: Any) -> Any:
    return m.optim.SGD([t(m, 2, rg=True) * 2], lr=0.1)


def _optim_empty(m: Any) -> Any:
    return m.optim.SGD([], lr=0.1)


def _optim_not_tensor(m: Any) -> Any:
    return m.optim.SGD([1.0], lr=0.1)


def _optim_bad_lr(m: Any) -> Any:
    return m.optim.SGD([t(m, 2, rg=True)], lr=-1.0)


def _optim_adam_betas(m: Any) -> Any:
    return m.optim.Adam([t(m, 2, rg=True)], betas=(1.5, 0.9))


def _optim_adam_eps(m: Any) -> Any:
    return m.optim.Adam([t(m, 2, rg=True)], eps=-1.0)


def _optim_sgd_momentum(m: Any) -> Any:
    return m.optim.SGD([t(m, 2, rg=True)], lr=0.1, momentum=-0.5)


def _optim_nesterov(m: Any) -> Any:
    return m.optim.SGD([t(m, 2, rg=True)], lr=0.1, nesterov=True)


def _optim_tensor_params(m: Any) -> Any:
    return m.optim.SGD(t(m, 2, rg=True), lr=0.1)


def _optim_duplicate_groups(m: Any) -> Any:
    p = t(m, 2, rg=True)
    return m.optim.SGD([{"params": [p]}, {"params": [p]}], lr=0.1)


def _optim_load_state_groups(m: Any) -> None:
    p = t(m, 2, rg=True)
    opt = m.optim.SGD([p], lr=0.1)
    opt.load_state_dict({"state": {}, "param_groups": []})


# -- creation and dtype/shape misuse -----------------------------------------------------------
def _tensor_ragged(m: Any) -> Any:
    return m.tensor([[1.0, 2.0], [3.0]])


def _tensor_of_strings(m: Any) -> Any:
    return m.tensor(["a"])


def _zeros_negative(m: Any) -> Any:
    return m.zeros(2, -1)


def _ones_float_size(m: Any) -> Any:
    return m.ones(2.5)


def _arange_zero_step(m: Any) -> Any:
    return m.arange(0, 5, 0)


def _arange_wrong_sign(m: Any) -> Any:
    return m.arange(0, 5, -1)


def _to_bad_string(m: Any) -> Any:
    return t(m, 2).to("gpu0")


def _full_like_rg_int(m: Any) -> Any:
    return m.full((2,), 3, dtype=m.int64, requires_grad=True)


def _randn_int(m: Any) -> Any:
    return m.randn(2, dtype=m.int64)


def _linspace_negative(m: Any) -> Any:
    return m.linspace(0, 1, -1)


#: ember's message is torch's, followed by more (where ember is clearer than PyTorch).
EXTENDS = ("<extends>",)

# -- the table ---------------------------------------------------------------------------------------
Case = tuple[type[BaseException], Callable[[Any], Any], tuple[str, ...] | None]

CASES: dict[str, Case] = {
    # backward
    "backward_non_scalar": (RuntimeError, lambda m: (t(m, 2, rg=True) * 2).backward(), None),
    "backward_non_scalar_2d": (RuntimeError, lambda m: t(m, 2, 3, rg=True).exp().backward(), None),
    "backward_leaf_without_grad": (RuntimeError, lambda m: t(m, 2).sum().backward(), None),
    "backward_int_output": (RuntimeError, lambda m: t(m, 2, dtype="int64").sum().backward(), None),
    "backward_twice": (RuntimeError, _backward_twice, None),
    "backward_twice_saved_output": (RuntimeError, _backward_twice_saved_output, None),
    "backward_twice_tanh": (RuntimeError, _backward_twice_tanh, None),
    "grad_twice": (RuntimeError, _grad_twice, None),
    "grad_then_backward": (RuntimeError, _grad_then_backward, None),
    "saved_after_backward": (RuntimeError, _saved_after_backward, None),
    "backward_of_no_grad_result": (RuntimeError, _no_grad_result, None),
    "backward_of_set_grad_enabled_false": (RuntimeError, _set_grad_enabled_result, None),
    "backward_of_detached": (RuntimeError, _detached_result, None),
    "backward_second_without_grad_fn": (RuntimeError, _second_of_two_no_grad, None),
    "backward_grad_wrong_shape": (RuntimeError, lambda m: (t(m, 2, rg=True) * 2).backward(t(m, 3)), None),
    "backward_grad_wrong_shape_2d": (RuntimeError, _grad_mismatched_shape, None),
    "backward_grad_wrong_shape_scalar": (RuntimeError, lambda m: (t(m, 2, rg=True) * 2).sum().backward(t(m, 1)),
                                         None),
    "grad_outputs_wrong_shape": (RuntimeError, _grad_outputs_mismatched_shape, None),
    "backward_too_few_grads": (RuntimeError, _backward_too_few_grads, None),
    "grad_outputs_wrong_length": (RuntimeError, _grad_outputs_wrong_length, None),
    "backward_grad_not_tensor": (TypeError, _backward_grad_not_tensor, None),
    "backward_complex_grad": (RuntimeError, _backward_complex_grad_dtype, None),
    "backward_int_cast_output": (RuntimeError, _backward_integer_output, None),
    "backward_inputs_empty": (RuntimeError, _backward_inputs_empty, None),
    # torch: "can't retain_grad on Tensor that has requires_grad=False" (how it implements inputs=)
    "backward_inputs_no_grad": (RuntimeError, _backward_inputs_no_grad, ()),
    # autograd.grad
    "grad_unused_input": (RuntimeError, _grad_unused, None),
    "grad_unused_allow_unused_false": (RuntimeError, _grad_unused_allow_false, None),
    "grad_input_no_grad": (RuntimeError, _grad_input_no_grad, None),
    "grad_output_no_grad": (RuntimeError, _grad_output_no_grad, None),
    "grad_non_scalar": (RuntimeError, _grad_nonscalar, None),
    "grad_empty_inputs": (RuntimeError, _grad_empty_inputs, None),
    "grad_materialize_allow_unused_false": (ValueError, _grad_materialize_allow_unused_false, None),
    "grad_of_detached_input": (RuntimeError, _grad_of_detached_input, None),
    "grad_input_used_under_no_grad": (RuntimeError, _grad_input_used_only_under_no_grad, None),
    # requires_grad
    "requires_grad_int": (RuntimeError, lambda m: t(m, 2, dtype="int64").requires_grad_(), None),
    "requires_grad_bool": (RuntimeError, lambda m: m.tensor([True, False], requires_grad=True), None),
    "requires_grad_int_factory": (RuntimeError, lambda m: m.ones(2, dtype=m.int64, requires_grad=True), None),
    "requires_grad_int_zeros": (RuntimeError, lambda m: m.zeros(2, 2, dtype=m.int32, requires_grad=True), None),
    "requires_grad_attr_int": (RuntimeError, _requires_grad_attr_int, None),
    "requires_grad_uint8": (RuntimeError, lambda m: t(m, 2, dtype="uint8").requires_grad_(True), None),
    "requires_grad_non_leaf_off": (RuntimeError, _requires_grad_non_leaf_off, None),
    "requires_grad_non_leaf_attr": (RuntimeError, _requires_grad_non_leaf_attr, None),
    "requires_grad_argmax": (RuntimeError, _requires_grad_of_int_result, None),
    "requires_grad_full_int": (RuntimeError, _full_like_rg_int, None),
    # in place on leaves and views
    "inplace_leaf_add": (RuntimeError, _inplace_leaf(lambda x: x.add_(1)), None),
    "inplace_leaf_mul": (RuntimeError, _inplace_leaf(lambda x: x.mul_(x)), None),
    "inplace_leaf_zero": (RuntimeError, _inplace_leaf(lambda x: x.zero_()), None),
    "inplace_leaf_fill": (RuntimeError, _inplace_leaf(lambda x: x.fill_(2.0)), None),
    "inplace_leaf_copy": (RuntimeError, _inplace_leaf(lambda x: x.copy_(x.detach() * 2)), None),
    "inplace_leaf_exp": (RuntimeError, _inplace_leaf(lambda x: x.exp_()), None),
    "inplace_leaf_clamp": (RuntimeError, _inplace_leaf(lambda x: x.clamp_(0, 1)), None),
    "inplace_leaf_uniform": (RuntimeError, _inplace_leaf(lambda x: x.uniform_()), None),
    "inplace_leaf_iadd": (RuntimeError, _inplace_leaf(lambda x: x.__iadd__(1)), None),
    "inplace_leaf_setitem": (RuntimeError, _inplace_leaf(lambda x: x.__setitem__(0, 1.0)), None),
    "inplace_view_of_leaf": (RuntimeError, _inplace_view_of_leaf, None),
    "inplace_view_of_leaf_view": (RuntimeError, _inplace_view_of_leaf_view, None),
    "inplace_view_of_leaf_t": (RuntimeError, _inplace_view_of_leaf_transpose, None),
    "inplace_unbind_output": (RuntimeError, _inplace_unbind_output, None),
    "inplace_split_output": (RuntimeError, _inplace_split_output, None),
    "inplace_no_grad_view": (RuntimeError, _inplace_no_grad_view, None),
    # saved tensors modified in place: ember's message is torch's, then the lines that saved and modified it
    "saved_input_modified": (RuntimeError, _saved_input_modified, EXTENDS),
    "saved_output_modified": (RuntimeError, _saved_output_modified, EXTENDS),
    "saved_constant_modified": (RuntimeError, _saved_constant_modified, EXTENDS),
    "saved_modified_under_no_grad": (RuntimeError, _saved_modified_under_no_grad, EXTENDS),
    "saved_modified_through_view": (RuntimeError, _saved_modified_through_view, EXTENDS),
    "saved_modified_twice": (RuntimeError, _saved_modified_twice, EXTENDS),
    "saved_modified_setitem": (RuntimeError, _saved_modified_setitem, EXTENDS),
    "function_saved_tensor_modified": (RuntimeError, _fn_saved_tensor_modified, EXTENDS),
    "function_saved_output_modified": (RuntimeError, _fn_saved_output_modified, EXTENDS),
    # in place with mismatched dtypes and shapes
    "inplace_int_add_float": (RuntimeError, _inplace_int_add_float, None),
    "inplace_int_mul_float_scalar": (RuntimeError, _inplace_int_mul_scalar, None),
    "inplace_int_div": (RuntimeError, _inplace_int_div, None),
    "inplace_bool_add_int": (RuntimeError, _inplace_bool_add, None),
    "inplace_float_add_complex": (RuntimeError, _inplace_float_add_complex, None),
    "inplace_int32_sub_double": (RuntimeError, _inplace_float_sub_double_grad, None),
    "inplace_broadcast_grows": (RuntimeError, _inplace_broadcast_grows, None),
    "inplace_broadcast_grows_3d": (RuntimeError, _inplace_broadcast_grows_3d, None),
    "inplace_on_expanded": (RuntimeError, _inplace_expanded, None),
    "inplace_exp_int": (RuntimeError, _inplace_exp_int, None),
    "inplace_sqrt_int": (RuntimeError, _inplace_sqrt_int, None),
    "copy_wrong_shape": (RuntimeError, _copy_wrong_shape, None),
    "copy_not_tensor": (TypeError, _copy_not_tensor, None),
    "setitem_wrong_shape": (RuntimeError, _setitem_wrong_shape, None),
    "setitem_mask_value_shape": (RuntimeError, _setitem_mask_value_shape, None),
    "setitem_out_of_range": (IndexError, _setitem_out_of_range, None),
    # .grad
    "assign_grad_shape": (RuntimeError, _assign_grad_shape, None),
    # ember has no grad_dtype attribute: its message leaves out torch's advice to set one
    "assign_grad_dtype": (RuntimeError, _assign_grad_dtype, (
        "attempting to assign a gradient with dtype 'double' to a tensor with grad_dtype 'Float'. The gradient "
        "must match the tensor's grad_dtype (defaults to the tensor's dtype).",)),
    "assign_grad_not_tensor": (TypeError, _assign_grad_not_tensor, None),
    "assign_grad_int": (RuntimeError, _assign_grad_int_to_float, (
        "attempting to assign a gradient with dtype 'long int' to a tensor with grad_dtype 'Float'.",)),
    # conversions
    "numpy_requires_grad": (RuntimeError, _numpy_requires_grad, None),
    "numpy_non_leaf": (RuntimeError, _numpy_non_leaf, None),
    "item_many": (RuntimeError, _tolist_ok_item_many, None),
    "item_empty": (RuntimeError, _item_of_empty, None),
    "item_2d": (RuntimeError, _item_2d, None),
    "float_many": (ValueError, _float_many, None),
    "int_many": (ValueError, _int_many, None),
    "complex_many": (ValueError, _complex_many, None),
    "bool_many": (RuntimeError, _bool_many, None),
    "bool_empty": (RuntimeError, _bool_empty, None),
    "if_tensor": (RuntimeError, _if_tensor, None),
    "index_float_tensor": (TypeError, _index_float_tensor, None),
    "index_many": (TypeError, _index_many, None),
    "len_0d": (TypeError, _len_0d, None),
    "iter_0d": (TypeError, _iter_0d, None),
    # custom Functions
    "function_too_few_grads": (RuntimeError, _fn_too_few, None),
    "function_too_many_grads": (RuntimeError, _fn_too_many, None),
    "function_wrong_shape": (RuntimeError, _fn_wrong_shape, None),
    "function_wrong_shape_2d": (RuntimeError, _fn_wrong_shape_2d, None),
    "function_wrong_shape_second": (RuntimeError, _fn_wrong_shape_second, None),
    "function_grad_not_tensor": (RuntimeError, _fn_not_a_tensor, None),
    "function_grad_for_int": (RuntimeError, _fn_grad_for_int_input, None),
    "function_saved_tensors_twice": (RuntimeError, _fn_saved_tensors_twice, None),
    "function_instantiated": (RuntimeError, _fn_instantiate_forward, None),
    "function_no_backward": (NotImplementedError, _fn_backward_not_implemented, None),
    "function_backward_raises": (ValueError, _fn_raises_in_backward, None),
    # hooks
    "hook_wrong_shape": (RuntimeError, _hook_wrong_shape, None),
    "hook_wrong_dtype": (RuntimeError, _hook_wrong_dtype, None),
    "leaf_hook_wrong_shape": (RuntimeError, _leaf_hook_wrong_shape, None),
    "hook_not_tensor": (TypeError, _hook_not_tensor, None),
    "hook_on_no_grad": (RuntimeError, _hook_no_grad, None),
    "retain_grad_on_no_grad": (RuntimeError, _retain_grad_no_grad, None),
    "post_accumulate_hook_non_leaf": (RuntimeError, _post_accumulate_hook_non_leaf, None),
    "post_accumulate_hook_no_grad": (RuntimeError, _post_accumulate_hook_no_grad, None),
    "hook_raises": (ValueError, _hook_raises, None),
    # anomaly mode, inference mode
    "anomaly_nan_sqrt": (RuntimeError, _anomaly_nan, None),
    "anomaly_nan_div": (RuntimeError, _anomaly_nan_div, None),
    "inference_requires_grad": (RuntimeError, _inference_requires_grad, None),
    "inference_saved": (RuntimeError, _inference_saved, None),
    "inference_inplace_outside": (RuntimeError, _inference_inplace_outside, None),
    # binary ops: shape mismatches (those not in tests/ops/test_errors.py)
    "maximum_shape": (RuntimeError, lambda m: m.maximum(t(m, 2, 3), t(m, 4)), None),
    "minimum_shape": (RuntimeError, lambda m: m.minimum(t(m, 3), t(m, 2, 2)), None),
    "atan2_shape": (RuntimeError, lambda m: m.atan2(t(m, 3), t(m, 4)), None),
    "fmod_shape": (RuntimeError, lambda m: m.fmod(t(m, 3), t(m, 4)), None),
    "hypot_shape": (RuntimeError, lambda m: m.hypot(t(m, 2, 3), t(m, 3, 2)), None),
    "lt_shape": (RuntimeError, lambda m: t(m, 3) < t(m, 2), None),
    "ge_shape": (RuntimeError, lambda m: t(m, 3) >= t(m, 5), None),
    "ne_shape": (RuntimeError, lambda m: t(m, 2, 3) != t(m, 2), None),
    "logical_and_shape": (RuntimeError, lambda m: m.logical_and(t(m, 3), t(m, 2)), None),
    "logical_xor_shape": (RuntimeError, lambda m: m.logical_xor(t(m, 3), t(m, 2)), None),
    "bitwise_and_shape": (RuntimeError, lambda m: t(m, 3, dtype="int64") & t(m, 2, dtype="int64"), None),
    "floor_divide_shape": (RuntimeError, lambda m: t(m, 3) // t(m, 2), None),
    "rsub_shape": (RuntimeError, lambda m: m.rsub(t(m, 3), t(m, 2)), None),
    "copysign_shape": (RuntimeError, lambda m: m.copysign(t(m, 3), t(m, 2)), None),
    "addcmul_shape": (RuntimeError, lambda m: m.addcmul(t(m, 3), t(m, 3), t(m, 2)), None),
    "lerp_shape": (RuntimeError, lambda m: m.lerp(t(m, 3), t(m, 2), 0.5), None),
    "mul_rg_shape": (RuntimeError, lambda m: t(m, 2, 3, rg=True) * t(m, 3, 2, rg=True), None),
    "add_rg_broadcast_3d": (RuntimeError, lambda m: t(m, 2, 1, 3, rg=True) + t(m, 4, 2), None),
    # the matmul family (those not in tests/ops/test_errors.py)
    "matmul_rg_shapes": (RuntimeError, lambda m: t(m, 2, 3, rg=True) @ t(m, 2, 3, rg=True), None),
    "matmul_4d_batch": (RuntimeError, lambda m: m.matmul(t(m, 2, 3, 2, 2), t(m, 4, 2, 2)), None),
    "addmm_shapes": (RuntimeError, lambda m: m.addmm(t(m, 2, 2), t(m, 2, 3), t(m, 4, 2)), None),
    "addmm_bias": (RuntimeError, lambda m: m.addmm(t(m, 3, 3), t(m, 2, 3), t(m, 3, 2)), None),
    "addmv_shapes": (RuntimeError, lambda m: m.addmv(t(m, 2), t(m, 2, 3), t(m, 4)), None),
    "baddbmm_shapes": (RuntimeError, lambda m: m.baddbmm(t(m, 2, 2, 2), t(m, 2, 2, 3), t(m, 2, 4, 2)), None),
    "linear_shapes": (RuntimeError, lambda m: m.nn.functional.linear(t(m, 2, 3), t(m, 4, 5)), None),
    "linear_bias": (RuntimeError, lambda m: m.nn.functional.linear(t(m, 2, 3), t(m, 4, 3), t(m, 3)), None),
    "tensordot_dims": (RuntimeError, lambda m: m.tensordot(t(m, 2, 3), t(m, 4, 5), dims=1), None),
    "einsum_dims": (RuntimeError, lambda m: m.einsum("ij,jk->ik", t(m, 2, 3), t(m, 4, 5)), None),
    "matmul_rg_1d": (RuntimeError, lambda m: t(m, 3, rg=True) @ t(m, 4), None),
    # out-of-range indices
    "gather_out_of_range": (RuntimeError, _gather_out_of_range, None),
    "index_select_out_of_range": (IndexError, _index_select_out_of_range, None),
    "index_select_float_index": (RuntimeError, _index_select_float_index, None),
    "take_out_of_range": (IndexError, _take_out_of_range, None),
    "scatter_out_of_range": (RuntimeError, _scatter_out_of_range, None),
    "embedding_out_of_range": (IndexError, _embedding_out_of_range, None),
    "cross_entropy_target_out_of_range": (IndexError, _cross_entropy_target_range, None),
    "nll_target_out_of_range": (IndexError, _nll_target_range, None),
    "one_hot_out_of_range": (RuntimeError, _one_hot_range, None),
    "getitem_second_dim": (IndexError, lambda m: t(m, 2, 3)[0, 3], None),
    "getitem_slice_then_int": (IndexError, lambda m: t(m, 2, 3)[:, -4], None),
    "narrow_out_of_range": (RuntimeError, lambda m: t(m, 4).narrow(0, 2, 3), None),
    "softmax_dim": (IndexError, lambda m: m.softmax(t(m, 2, 3), dim=2), None),
    # nn
    "linear_in_features": (RuntimeError, _linear_wrong_in_features, None),
    "linear_dtype": (RuntimeError, _linear_wrong_dtype, None),
    "linear_int_input": (RuntimeError, _linear_int_input, None),
    "conv_channels": (RuntimeError, _conv_channels, None),
    "conv_kernel_too_big": (RuntimeError, _conv_kernel_too_big, None),
    "cross_entropy_prob_target_shape": (RuntimeError, _cross_entropy_float_target_shape, None),
    "cross_entropy_batch": (ValueError, _cross_entropy_batch, None),
    "nll_float_target": (RuntimeError, _nll_float_target, None),
    "mse_bad_reduction": (ValueError, _mse_bad_reduction, None),
    "mse_shapes": (RuntimeError, _mse_shapes, None),
    "batchnorm_features": (RuntimeError, _batchnorm_features, None),
    "layernorm_shape": (RuntimeError, _layernorm_shape, None),
    "embedding_float_index": (RuntimeError, _embedding_float_index, None),
    "module_param_assign_tensor": (TypeError, _module_setattr_param_type, None),
    "register_parameter_tensor": (TypeError, _register_parameter_bad, None),
    "register_parameter_dot": (KeyError, _register_parameter_dot, None),
    "register_buffer_list": (TypeError, _register_buffer_bad, None),
    "add_module_not_module": (TypeError, _add_module_bad, None),
    "load_state_dict_missing": (RuntimeError, _load_state_dict_missing, None),
    "load_state_dict_shape": (RuntimeError, _load_state_dict_shape, None),
    "module_forward_missing": (NotImplementedError, _module_forward_missing, None),
    "sequential_index": (IndexError, _sequential_index, None),
    "parameter_int": (RuntimeError, _parameter_int, None),
    # optim
    "optim_non_leaf": (ValueError, _optim_non_leaf, None),
    "optim_empty": (ValueError, _optim_empty, None),
    "optim_not_tensor": (TypeError, _optim_not_tensor, None),
    "optim_negative_lr": (ValueError, _optim_bad_lr, None),
    "optim_adam_betas": (ValueError, _optim_adam_betas, None),
    "optim_adam_eps": (ValueError, _optim_adam_eps, None),
    "optim_sgd_momentum": (ValueError, _optim_sgd_momentum, None),
    "optim_nesterov_without_momentum": (ValueError, _optim_nesterov, None),
    "optim_tensor_params": (TypeError, _optim_tensor_params, None),
    "optim_duplicate_groups": (ValueError, _optim_duplicate_groups, None),
    "optim_load_state_groups": (ValueError, _optim_load_state_groups, None),
    # creation
    "tensor_ragged": (ValueError, _tensor_ragged, None),
    "tensor_strings": (ValueError, _tensor_of_strings, None),
    "zeros_negative": (RuntimeError, _zeros_negative, None),
    "ones_float_size": (TypeError, _ones_float_size, None),
    "arange_zero_step": (RuntimeError, _arange_zero_step, None),
    "arange_wrong_sign": (RuntimeError, _arange_wrong_sign, None),
    "to_bad_device": (RuntimeError, _to_bad_string, None),
    "randn_int": (RuntimeError, _randn_int, None),
    "linspace_negative": (RuntimeError, _linspace_negative, None),
}


# -- warnings: same category, same message --------------------------------------------------------
def _grad_of_non_leaf(m: Any) -> Any:
    return (t(m, 2, rg=True) * 2).grad


def _grad_of_non_leaf_sum(m: Any) -> Any:
    x = t(m, 2, rg=True)
    y = x.exp()
    y.sum().backward()
    return y.grad


def _mse_broadcast(m: Any) -> Any:
    return m.nn.functional.mse_loss(t(m, 3, 1), t(m, 3))


def _l1_broadcast(m: Any) -> Any:
    return m.nn.functional.l1_loss(t(m, 2, 1), t(m, 2, 2))


def _anomaly_warns(m: Any) -> Any:
    with m.autograd.detect_anomaly():
        return (t(m, 2, rg=True) * 2).sum().backward()


WARN_CASES: dict[str, tuple[type[Warning], Callable[[Any], Any], tuple[str, ...] | None]] = {
    "grad_of_non_leaf": (UserWarning, _grad_of_non_leaf, None),
    "grad_of_non_leaf_after_backward": (UserWarning, _grad_of_non_leaf_sum, None),
    "mse_loss_broadcast": (UserWarning, _mse_broadcast, None),
    "l1_loss_broadcast": (UserWarning, _l1_broadcast, None),
    "detect_anomaly_is_slow": (UserWarning, _anomaly_warns, ("Anomaly Detection has been enabled",)),
}


def _normalise(message: str) -> str:
    """torch's message as ember words it: ember names itself, and torch's C++ location goes."""
    message = re.sub(r"\s*\(Triggered internally at [^)]*\)", "", message)
    return re.sub(r"\btorch\b", "ember", message)


def _agree(name: str, got: str, expected: str, phrases: tuple[str, ...] | None) -> None:
    got, expected = _normalise(got), _normalise(expected)
    if phrases is EXTENDS:
        assert got.startswith(expected) and len(got) > len(expected), f"{name}:\n ember: {got}\n torch: {expected}"
        return
    if phrases is None:
        assert got == expected, f"{name}:\n ember: {got}\n torch: {expected}"
        return
    for phrase in phrases:
        assert phrase in expected, f"{name}: the table's phrase {phrase!r} is not in torch's message {expected!r}"
        assert phrase in got, f"{name}: {phrase!r} missing from ember's message {got!r}"


def test_catalogue_is_large() -> None:
    assert len(CASES) + len(WARN_CASES) >= 120


@pytest.mark.parametrize("name", list(CASES))
def test_ember_raises(name: str) -> None:
    exc, fn, _ = CASES[name]
    with pytest.raises(exc):
        fn(ember)


@oracle
@pytest.mark.parametrize("name", list(CASES))
def test_error_matches_torch(name: str) -> None:
    import torch

    exc, fn, phrases = CASES[name]
    with pytest.raises(exc) as expected:
        fn(torch)
    with pytest.raises(exc) as got:
        fn(ember)
    assert type(got.value) is type(expected.value)
    _agree(name, str(got.value), str(expected.value), phrases)


def _warnings_of(fn: Callable[[Any], Any], m: Any, category: type[Warning]) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fn(m)
    return [str(w.message) for w in caught if issubclass(w.category, category)]


@pytest.mark.parametrize("name", list(WARN_CASES))
def test_ember_warns(name: str) -> None:
    category, fn, _ = WARN_CASES[name]
    assert _warnings_of(fn, ember, category)


@oracle
@pytest.mark.parametrize("name", list(WARN_CASES))
def test_warning_matches_torch(name: str) -> None:
    import torch

    category, fn, phrases = WARN_CASES[name]
    expected = _warnings_of(fn, torch, category)
    got = _warnings_of(fn, ember, category)
    assert expected and got
    _agree(name, got[0], expected[0], phrases)


# -- a failing op changes nothing ----------------------------------------------------------
def _state() -> dict[str, Any]:
    """Tensors in every role: a leaf with a .grad, a non-leaf with history, plain and integer tensors, a view."""
    w = ember.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
    (w * w).sum().backward()
    h = w * 2
    h.retain_grad()
    c = ember.tensor([1.0, 2.0, 3.0])
    i = ember.tensor([1, 2, 3])
    base = ember.arange(6.0)
    v = base[1:4]
    loss = (h * c).sum()
    return {"w": w, "h": h, "c": c, "i": i, "base": base, "v": v, "loss": loss}


def _snapshot(state: dict[str, Any]) -> dict[str, Any]:
    snap = {}
    for k, x in state.items():
        g = x._grad
        snap[k] = (x._data.copy(), x._data.dtype, x._data.shape, x._version, x._grad_fn, g,
                   None if g is None else g._data.copy(), None if g is None else g._version)
    return snap


def _unchanged(before: dict[str, Any], after: dict[str, Any]) -> None:
    for k, (data, dtype, shape, version, fn, g, gdata, gversion) in before.items():
        data2, dtype2, shape2, version2, fn2, g2, gdata2, gversion2 = after[k]
        assert dtype2 == dtype and shape2 == shape and np.array_equal(data2, data, equal_nan=True), k
        assert version2 == version, f"{k}: version {version} -> {version2}"
        assert fn2 is fn, f"{k}: grad_fn changed"
        assert g2 is g, f"{k}: .grad replaced"
        if g is not None:
            assert np.array_equal(gdata2, gdata) and gversion2 == gversion, f"{k}: .grad changed"


def _raising_backward(s: dict[str, Any]) -> None:
    class Boom(ember.autograd.Function):
        @staticmethod
        def forward(ctx: Any, x: Any) -> Any:
            return x * 1

        @staticmethod
        def backward(ctx: Any, g: Any) -> Any:
            raise ValueError("boom")

    # w's own .grad is reached (and accumulated into) before Boom's backward raises
    (Boom.apply(s["w"]).sum() + (s["w"] * 3).sum()).backward()


FAILING: dict[str, Callable[[dict[str, Any]], Any]] = {
    "add_inplace_broadcast": lambda s: s["c"].add_(ember.ones(2, 3)),
    "mul_inplace_int_by_float": lambda s: s["i"].mul_(1.5),
    "add_inplace_int_float_tensor": lambda s: s["i"].add_(s["c"]),
    "sub_inplace_shape": lambda s: s["c"].sub_(ember.ones(4)),
    "inplace_on_leaf": lambda s: s["w"].add_(1),
    "inplace_on_view_of_leaf": lambda s: s["w"][0].mul_(2),
    "inplace_on_expanded": lambda s: s["c"].expand(2, 3).add_(1),
    "inplace_on_view_broadcast": lambda s: s["v"].add_(ember.ones(2, 3)),
    "copy_shape": lambda s: s["c"].copy_(ember.ones(4)),
    "copy_into_view_shape": lambda s: s["v"].copy_(ember.ones(2)),
    "setitem_shape": lambda s: s["c"].__setitem__(slice(0, 2), ember.ones(3)),
    "setitem_index": lambda s: s["c"].__setitem__(5, 1.0),
    "setitem_mask_shape": lambda s: s["c"].__setitem__(s["c"] > 0, ember.ones(2)),
    "setitem_on_leaf": lambda s: s["w"].__setitem__(0, 1.0),
    "index_add_out_of_range": lambda s: s["c"].index_add_(0, ember.tensor([5]), ember.ones(1)),
    "scatter_out_of_range": lambda s: s["c"].scatter_(0, ember.tensor([7]), ember.ones(1)),
    "index_fill_out_of_range": lambda s: s["c"].index_fill_(0, ember.tensor([3]), 0.0),
    "masked_fill_shape": lambda s: s["c"].masked_fill_(ember.tensor([True, False]), 0.0),
    "clamp_inplace_int_float": lambda s: s["i"].clamp_(0.5, 1.5),
    "div_inplace_int": lambda s: s["i"].div_(2),
    "fill_on_leaf": lambda s: s["w"].fill_(0.0),
    "zero_on_view_of_leaf": lambda s: s["w"][1].zero_(),
    "matmul_shapes": lambda s: s["w"] @ s["w"],
    "add_shapes": lambda s: s["w"] + s["c"][:2],
    "backward_wrong_grad_shape": lambda s: s["h"].backward(ember.ones(3)),
    "backward_non_scalar": lambda s: s["h"].backward(),
    "backward_through_raising_function": _raising_backward,
    "grad_unused": lambda s: ember.autograd.grad(s["loss"], [s["w"], ember.ones(2, requires_grad=True)]),
    "assign_grad_shape": lambda s: setattr(s["w"], "grad", ember.ones(3)),
    "assign_grad_dtype": lambda s: setattr(s["w"], "grad", ember.ones(2, 3, dtype=ember.float64)),
    "requires_grad_int": lambda s: s["i"].requires_grad_(),
    "requires_grad_non_leaf_off": lambda s: s["h"].requires_grad_(False),
    "item_many": lambda s: s["c"].item(),
    "numpy_requires_grad": lambda s: s["w"].numpy(),
    "view_bad_shape": lambda s: s["w"].view(4),
    "gather_out_of_range": lambda s: s["c"].gather(0, ember.tensor([9])),
    "cat_shapes": lambda s: ember.cat([s["w"], s["c"]]),
    "hook_changes_shape": lambda s: (s["h"].register_hook(lambda g: g[:1]), (s["h"] * 2).sum().backward()),
}


def test_failing_sample_is_large() -> None:
    assert len(FAILING) >= 30


@pytest.mark.parametrize("name", list(FAILING))
def test_failing_op_changes_nothing(name: str) -> None:
    state = _state()
    before = _snapshot(state)
    with pytest.raises((RuntimeError, IndexError, ValueError, TypeError)):
        FAILING[name](state)
    _unchanged(before, _snapshot(state))


def test_backward_after_failures_is_correct() -> None:
    """After every failure above, the graph still gives PyTorch's gradients."""
    state = _state()
    for name, fn in FAILING.items():
        # (a backward that fails midway has freed the saved tensors of the Nodes it ran, as in PyTorch)
        if name not in ("grad_unused", "backward_through_raising_function", "hook_changes_shape"):
            with pytest.raises((RuntimeError, IndexError, ValueError, TypeError)):
                fn(state)
    w = state["w"]
    state["loss"].backward()
    expected = 2 * w._data + 2 * np.array([1.0, 2.0, 3.0])
    assert np.allclose(w.grad._data, expected)


def test_empty_backward_list_is_a_no_op() -> None:
    ember.autograd.backward([])
    if HAS_TORCH:
        import torch

        torch.autograd.backward([])


# -- clearer than PyTorch ---------------------------------------------------------------------------
def test_backward_gradient_of_wrong_dtype_warns_and_is_converted() -> None:
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    with pytest.warns(UserWarning, match="grad_output\\[0\\] has dtype ember.float64 but output\\[0\\] has dtype "
                                         "ember.float32; the gradient is converted to ember.float32"):
        y.backward(ember.tensor([1.0, 0.5], dtype=ember.float64))
    assert x.grad.dtype == ember.float32 and x.grad.tolist() == [3.0, 1.5]
    if HAS_TORCH:
        import torch

        tx = torch.tensor([1.0, 2.0], requires_grad=True)
        (tx * 3).backward(torch.tensor([1.0, 0.5], dtype=torch.float64))
        assert tx.grad.tolist() == x.grad.tolist() and tx.grad.dtype == torch.float32


def test_modified_error_names_the_node_and_both_lines() -> None:
    x = ember.ones(2, requires_grad=True)
    y = x * 2
    z = y * y  # the line that saves y
    y.add_(1)  # the line that modifies it
    with pytest.raises(RuntimeError) as info:
        z.sum().backward()
    message = str(info.value)
    assert "It was saved for backward by MulBackward0, recorded at " in message
    assert f"{__file__}:" in message
    assert "(z = y * y  # the line that saves y)" in message
    assert "it was modified in place at " in message and "(y.add_(1)  # the line that modifies it)" in message


def test_modified_error_for_a_saved_output_and_a_module() -> None:
    lin = ember.nn.Linear(3, 2)
    x = ember.ones(4, 3)
    out = lin(x).tanh()  # tanh saves its output
    with ember.no_grad():
        out.mul_(2)
    with pytest.raises(RuntimeError) as info:
        out.sum().backward()
    message = str(info.value)
    assert "saved for backward by TanhBackward0" in message and "(out = lin(x).tanh()  # tanh" in message
    assert "(out.mul_(2))" in message
    lin2 = ember.nn.Linear(3, 2)
    h = ember.ones(4, 3, requires_grad=True) * 1
    y = lin2(h)  # addmm saves h
    h[0, 0] = 5.0
    with pytest.raises(RuntimeError) as info:
        y.sum().backward()
    message = str(info.value)
    assert "saved for backward by AddmmBackward0" in message and "(y = lin2(h)  # addmm" in message
    assert "(h[0, 0] = 5.0)" in message


def test_saving_keeps_no_frame_alive() -> None:
    """The saving line is kept as code and offset: the caller's locals are not kept alive."""
    import gc
    import weakref

    class Big:
        pass

    def make() -> tuple[Any, Any]:
        local = Big()
        x = ember.ones(2, requires_grad=True)
        return (x * x).sum(), weakref.ref(local)

    gc.disable()
    try:
        loss, ref = make()
        assert ref() is None
    finally:
        gc.enable()
    loss.backward()
