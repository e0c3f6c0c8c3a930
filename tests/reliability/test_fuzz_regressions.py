"""Regression tests for the bugs the differential fuzzer (tools/fuzz.py) found.

Each test is the fuzzer's shrunk reproducer, with PyTorch's answer written down (they
need no torch to run).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import ember

F64 = ember.float64
SHARED = "more than one element of the written-to tensor refers to a single memory location"
PARTIAL = "some elements of the input tensor and the written-to tensor refer to a single memory location"
MODIFIED = "modified by an inplace operation"


def _values(t: ember.Tensor) -> list:
    return t.detach().numpy().tolist()


# ---------------------------------------------------------------------------------------
# Indexing and setitem
# ---------------------------------------------------------------------------------------
def test_setitem_with_the_empty_tuple_key_on_a_0d_tensor() -> None:
    x = ember.tensor(-3)
    x[()] = ember.tensor(-4)
    assert x.item() == -4


def test_an_empty_list_index_is_an_integer_index() -> None:
    assert ember.zeros(2, 3)[[]].shape == (0, 3)
    assert ember.tensor([[1, 2]])[[], []].shape == (0,)


def test_index_put_refuses_a_value_of_another_dtype() -> None:
    y = ember.zeros(3, dtype=ember.int32)
    with pytest.raises(RuntimeError, match="Index put requires the source and destination dtypes match"):
        y[ember.tensor([0])] = ember.tensor(1.5, dtype=F64)
    y[y >= 0] = ember.tensor(2.5, dtype=F64)  # one mask and a 0-d value: masked_fill_, which casts
    assert _values(y) == [2, 2, 2]
    y[ember.tensor([1])] = 7.9  # a number is converted
    assert _values(y) == [2, 7, 2]


def test_index_put_refuses_a_value_that_is_the_tensor_itself() -> None:
    x = ember.tensor([[-2, -4, -4, 5]], dtype=ember.int32)
    with pytest.raises(RuntimeError, match=PARTIAL):
        x[[0]] = x
    d = ember.zeros(2, 3).diagonal()  # strided views: PyTorch cannot tell, and lets it through
    d.reshape((2,))[[1, -1]] = d


def test_setitem_of_an_integer_tensor_from_a_tensor_that_requires_grad() -> None:
    x = ember.tensor([3, 1], dtype=ember.int32)
    x[1] = ember.tensor(-1.927, dtype=F64, requires_grad=True)
    assert not x.requires_grad and _values(x) == [3, -1]


def test_setitem_with_two_ellipses() -> None:
    x = ember.tensor(0)
    x[..., ...] = ember.tensor(5)
    assert x.item() == 5
    with pytest.raises(IndexError):  # the second ... skips dims again, as in PyTorch
        ember.zeros(1, 2, 3)[..., ..., 1:2] = 5.0


def test_setitem_of_numbers_into_integer_tensors_checks_overflow() -> None:
    y = ember.tensor([1, 2], dtype=ember.uint8)
    y[0] = -1  # an integer wraps into an unsigned type, as in C
    assert _values(y) == [255, 2]
    for bad in (300, -1.5, 255.5):
        with pytest.raises(RuntimeError, match="value cannot be converted to type uint8_t without overflow"):
            y[0] = bad
    z = ember.tensor([1, 2], dtype=ember.int8)
    with pytest.raises(RuntimeError, match="without overflow"):
        z[0] = 200


# ---------------------------------------------------------------------------------------
# expand, overlapping memory
# ---------------------------------------------------------------------------------------
def test_in_place_ops_on_expand_results_that_repeat_nothing() -> None:
    x = ember.tensor(-1.409, dtype=F64, requires_grad=True)
    v = (x * 1).expand(())
    v.mul_(2)  # was: "more than one element ... refers to a single memory location"
    w = ember.zeros(4, 2).expand((4, 2))
    w.add_(1)
    assert _values(w) == [[1.0, 1.0]] * 4


def test_writes_through_an_expanded_tensor() -> None:
    x = ember.zeros(1, 2).expand(3, 2)
    x[0] = 5.0  # one row, which every row shares
    assert _values(x) == [[5.0, 5.0]] * 3
    with pytest.raises(RuntimeError, match=SHARED):
        x[:] = 1.0
    with pytest.raises(RuntimeError, match=SHARED):
        x.add_(1)


def test_fill_of_an_expanded_view_with_history() -> None:
    x = ember.tensor([[1.0, 2.0]], requires_grad=True) * 1
    x.expand(2, -1, -1).transpose(0, -1).fill_(0.5)
    assert _values(x) == [[0.5, 0.5]]


def test_in_place_ops_refuse_an_input_that_overlaps_in_part() -> None:
    x = ember.arange(6.0)
    x.add_(x)  # the same memory in the same order is fine
    x[:3].add_(x[3:])  # no overlap
    for a, b in ((x[1:], x[:5]), (x.view(2, 3).t(), x.view(3, 2))):
        with pytest.raises(RuntimeError, match=PARTIAL):
            a.add_(b)
    with pytest.raises(RuntimeError, match=PARTIAL):
        x[2:4].lerp_(x[3:5], 0.25)


# ---------------------------------------------------------------------------------------
# Autograd: saved results, views, double backward
# ---------------------------------------------------------------------------------------
def test_a_saved_result_of_an_in_place_op_is_invalidated_by_a_later_write() -> None:
    x = ember.tensor([0.1, 0.2, 0.3], dtype=F64, requires_grad=True)
    v = x * 1
    v.exp_()  # ExpBackward0 saves its result: v itself
    v.clamp_(-0.5, 1.2)
    with pytest.raises(RuntimeError, match=MODIFIED):
        v.sum().backward()
    b = x * 1
    b[1:].exp_()  # the same through a view
    b.mul_(2)
    with pytest.raises(RuntimeError, match=MODIFIED):
        b.sum().backward()


def test_sgn_saves_its_input_and_result() -> None:
    x = ember.tensor([1.5, -0.5], dtype=F64, requires_grad=True)
    v = x.sgn()
    v.neg_()
    with pytest.raises(RuntimeError, match=MODIFIED):
        v.sum().backward()


@pytest.mark.parametrize("op", ["relu_", "exp_", "sigmoid_", "sin_"])
def test_double_backward_through_in_place_ops_on_views(op: str) -> None:
    # An op that saves its result (relu_, exp_, sigmoid_) on a view, then a second view
    # write: the second grad raised "Trying to backward through the graph a second time".
    def f(x: ember.Tensor) -> ember.Tensor:
        v = x * 1
        getattr(v[:, 1], op)()
        w = 2 - v
        w[0].sin_()
        return (w * w).sum()

    x = ember.tensor([[-1.39, -1.89], [0.74, -0.38]], dtype=F64, requires_grad=True)
    (g,) = ember.autograd.grad(f(x), [x], create_graph=True)
    (gg,) = ember.autograd.grad((g * g).sum(), [x])
    assert np.isfinite(gg.numpy()).all()
    assert ember.autograd.gradgradcheck(f, [x])


def test_detach_in_place_refuses_every_view() -> None:
    x = ember.tensor([1.0, 2.0])
    for v in (x.view_as(x), x[:1], ember.max(x, 0)[1].view_as(ember.tensor(0))):
        with pytest.raises(RuntimeError, match="Can't detach views in-place"):
            v.detach_()


def test_zero_gradients_stay_zero_where_the_incoming_gradient_is_inf_or_nan() -> None:
    # torch's sign, floor, ceil, trunc, round backward return zeros_like(grad), not grad * 0
    for name in ("sign", "floor", "ceil", "trunc", "round", "sgn"):
        x = ember.tensor([1.0, -1.0], dtype=F64, requires_grad=True)
        with np.errstate(invalid="ignore"):  # the forward sum is inf - inf
            (getattr(ember, name)(x) * math.inf).sum().backward()
        assert _values(x.grad) == [0.0, 0.0], name


def test_relu_passes_the_gradient_at_nan() -> None:
    x = ember.tensor([math.nan, -1.0, 2.0], dtype=F64, requires_grad=True)
    ember.relu(x).sum().backward()
    assert _values(x.grad) == [1.0, 0.0, 1.0]  # threshold_backward: 0 only where x <= 0


def test_xlogy_gradient_is_zero_where_the_incoming_gradient_is() -> None:
    a = ember.tensor([0.5, 0.0, 0.0, 2.0], dtype=F64, requires_grad=True)
    b = ember.tensor([-0.5, -0.5, 0.5, 3.0], dtype=F64, requires_grad=True)
    y = ember.xlogy(a, b)
    ga, gb = ember.autograd.grad((y * ember.tensor([0.0, 1.0, 1.0, 2.0], dtype=F64)).sum(), [a, b])
    np.testing.assert_allclose(ga.numpy(), [0.0, 0.0, math.log(0.5), 2 * math.log(3.0)])
    np.testing.assert_allclose(gb.numpy(), [0.0, 0.0, 0.0, 4 / 3])


def test_cross_entropy_gradient_of_an_ignored_row_stays_zero() -> None:
    x = ember.tensor([[0.2, -1.0, 0.5], [0.3, 0.1, -0.2]], requires_grad=True)
    loss = ember.nn.functional.cross_entropy(x, ember.tensor([0, -100]), reduction="none")
    loss.sqrt().sum().backward()  # sqrt(0)' is inf for the ignored row
    assert _values(x.grad[1]) == [0.0, 0.0, 0.0]
    assert np.isfinite(x.grad.numpy()).all()


# ---------------------------------------------------------------------------------------
# Values, dtypes and errors of single ops
# ---------------------------------------------------------------------------------------
def test_remainder_keeps_the_sign_of_fmod_for_zeros() -> None:
    got = ember.remainder(ember.tensor([0.0, -0.0, 3.0, -3.0, 1.0]), -1.5).numpy()
    np.testing.assert_array_equal(np.signbit(got), [False, True, False, True, True])
    np.testing.assert_allclose(got, [0.0, 0.0, 0.0, 0.0, -0.5])
    assert _values(ember.remainder(ember.tensor([5, -5]), 3)) == [2, 1]


def test_copy_from_a_number() -> None:
    x = ember.tensor([[-0.278, 1.477]], dtype=F64)
    assert x.copy_(2) is x and _values(x) == [[2.0, 2.0]]
    with pytest.raises(TypeError):
        x.copy_("2")


def test_lerp_and_addcmul_in_place_check_their_arguments_first() -> None:
    x = ember.ones(2, requires_grad=True)
    with pytest.raises(TypeError):
        x.lerp_(3, 0.5)
    with pytest.raises(TypeError):
        x.addcmul_(3, 3)


def test_clamp_of_bools_with_one_tensor_bound() -> None:
    b = ember.tensor([True, False])
    assert _values(ember.clamp(b, min=ember.tensor(True))) == [True, True]
    with pytest.raises(NotImplementedError):
        ember.clamp(b, b, b)


def test_amin_over_an_empty_dim_named_explicitly() -> None:
    with pytest.raises(IndexError, match="Expected reduction dim 0 to have non-zero size"):
        ember.zeros(0, dtype=ember.bool).amin(0)
    with pytest.raises(RuntimeError, match="Expected reduction dim to be specified"):
        ember.zeros(0).amax()


def test_mse_loss_dtypes() -> None:
    f = ember.nn.functional
    with pytest.raises(NotImplementedError, match="mse_cpu"):
        f.mse_loss(ember.ones(2, dtype=ember.int64), ember.ones(2, dtype=ember.int64))
    with pytest.warns(UserWarning):  # a 0-d target promotes as a dimensioned tensor
        assert f.mse_loss(ember.ones(2), ember.tensor(0.5, dtype=F64)).dtype == F64
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    f.mse_loss(x, ember.tensor([True, False])).backward()  # a bool target
    assert _values(x.grad) == [0.0, 2.0]


def test_binary_cross_entropy_checks_the_target_range() -> None:
    f = ember.nn.functional
    for target in (2.0, -0.5, math.nan):
        with pytest.raises(RuntimeError, match="all elements of target should be between 0 and 1"):
            f.binary_cross_entropy(ember.tensor([0.5]), ember.tensor([target]))


def test_xlogy_broadcast_error_is_torchs() -> None:
    with pytest.raises(RuntimeError, match="must match the size of tensor b"):
        ember.xlogy(ember.ones(3), ember.ones(2))


def test_index_select_out_of_range_error_by_dim() -> None:
    with pytest.raises(IndexError, match="index out of range in self"):
        ember.index_select(ember.zeros(3, 2), 0, ember.tensor([1, 4]))
    with pytest.raises(RuntimeError, match="INDICES element is out of DATA bounds"):
        ember.index_select(ember.zeros(2, 3), -1, ember.tensor([1, 4]))


def test_matrix_power_zero_is_writable() -> None:
    x = ember.tensor([[-1.06, -0.36], [-0.15, -1.26]], dtype=F64, requires_grad=True)
    v = ember.linalg.matrix_power(x, 0)
    v[0, 1] = 0.5  # was: "assignment destination is read-only"
    assert _values(v) == [[1.0, 0.5], [0.0, 1.0]]


def test_mse_loss_with_a_bool_input_and_a_target_that_requires_grad() -> None:
    t = ember.tensor([[-1.695, 0.284]], dtype=F64, requires_grad=True)
    ember.nn.functional.mse_loss(ember.tensor([[False, True]]), t).backward()
    np.testing.assert_allclose(t.grad.numpy(), [[-1.695, -0.716]])


def test_index_add_out_of_range_error_type() -> None:
    with pytest.raises(IndexError, match="index out of range in self"):
        ember.tensor(0.5, dtype=F64).index_add_(0, ember.tensor([1]), ember.tensor(0.2, dtype=F64))
    with pytest.raises(RuntimeError, match="out of bounds for dimension 1"):
        ember.zeros(2, 3).index_add_(1, ember.tensor([5]), ember.ones(2, 1))


def test_scans_return_contiguous_results() -> None:
    x = ember.tensor([[-0.91, -1.018], [0.944, 0.997]]).mT
    for r in (ember.cumprod(x, -2), ember.cumsum(x, 0), ember.logcumsumexp(x, 0)):
        assert r.is_contiguous()
        r.view(-1)  # was: "view size is not compatible with input tensor's size and stride"


def test_expand_keeps_the_strides_of_kept_dims() -> None:
    assert ember.ones(2, 1).expand(3, 2, 4).stride() == (0, 1, 0)
    v = ember.tensor([[[1.63, 1.351, -0.493, -0.477]]], dtype=F64, requires_grad=True) * 1
    v.expand((-1, -1, 4)).div_(v)  # the same memory, the same strides: no overlap error


def test_copy_of_an_expanded_tensor_into_itself() -> None:
    v = ember.tensor([1], dtype=ember.int32).expand((2,))
    assert v.copy_(v) is v  # was: "more than one element ... refers to a single memory location"
    with pytest.raises(RuntimeError, match=SHARED):
        v.copy_(ember.tensor([3, 4], dtype=ember.int32))


def test_svd_that_does_not_converge_raises_linalg_error() -> None:
    x = ember.tensor([[math.nan, 1.0], [2.0, 3.0]], dtype=F64)
    with pytest.raises(RuntimeError, match="linalg.svd"):  # was NumPy's LinAlgError (a ValueError)
        ember.linalg.matrix_norm(x, 2)
