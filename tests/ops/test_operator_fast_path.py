"""``a + b``, ``a - b``, ``a * b`` on two plain Tensors of one dtype skip the general op's
checks; their results, dtypes, errors, saved tensors and gradients must be the general op's."""

from __future__ import annotations

import operator

import numpy as np
import pytest

import ember

OPS = {"add": (operator.add, ember.add), "sub": (operator.sub, ember.sub), "mul": (operator.mul, ember.mul)}
DTYPES = [ember.float32, ember.float64, ember.int64, ember.uint8, ember.bool, ember.complex64]


def _make(dtype, shape, seed):
    r = np.random.default_rng(seed)
    return ember.tensor((r.standard_normal(shape) * 3).astype(np.float64)).to(dtype)


@pytest.mark.parametrize("name", OPS)
@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("shapes", [((2, 3), (2, 3)), ((2, 3), (3,)), ((), (2,)), ((4, 1), (1, 5)), ((), ())])
def test_operator_equals_function(name, dtype, shapes):
    op, fn = OPS[name]
    a, b = _make(dtype, shapes[0], 0), _make(dtype, shapes[1], 1)
    try:
        want = fn(a, b)
    except Exception as e:  # noqa: BLE001 - the operator must raise the same
        with pytest.raises(type(e), match=str(e)[:40].replace("(", r"\(").replace(")", r"\)")):
            op(a, b)
        return
    got = op(a, b)
    assert got.dtype == want.dtype and got.shape == want.shape
    np.testing.assert_array_equal(got.numpy(), want.numpy())


@pytest.mark.parametrize("name", OPS)
def test_operator_gradients_and_saved_tensors(name):
    op, _ = OPS[name]
    a = ember.tensor([[1.0, -2.0, 3.0]], dtype=ember.float64, requires_grad=True)
    b = ember.tensor([[0.5], [4.0]], dtype=ember.float64, requires_grad=True)
    c = ember.tensor([[2.0], [3.0]], dtype=ember.float64)  # no grad: mul saves only what is needed
    out = op(a, b)
    assert out.grad_fn.name() == f"{name.title()}Backward0"
    out.backward(ember.ones_like(out))
    ga = {"add": [[2.0, 2.0, 2.0]], "sub": [[2.0, 2.0, 2.0]], "mul": [[4.5, 4.5, 4.5]]}[name]
    gb = {"add": [[3.0], [3.0]], "sub": [[-3.0], [-3.0]], "mul": [[2.0], [2.0]]}[name]
    np.testing.assert_array_equal(a.grad.numpy(), ga)
    np.testing.assert_array_equal(b.grad.numpy(), gb)
    assert ember.autograd.gradcheck(lambda x, y: op(x, y), (a, b))
    assert ember.autograd.gradgradcheck(lambda x, y: op(x, y) * op(x, y), (a, b))
    if name == "mul":
        node = op(a, c).grad_fn
        assert node._saved_self is None and node._saved_other is c
    else:
        assert op(a, c).grad_fn._saved_alpha == 1


def test_mismatched_shapes_and_bool_sub_raise_as_pytorch():
    with pytest.raises(RuntimeError, match=r"The size of tensor a \(2\) must match the size of tensor b \(3\)"):
        ember.ones(2) * ember.ones(3)
    with pytest.raises(RuntimeError, match="Subtraction, the `-` operator, with two bool tensors"):
        ember.tensor([True]) - ember.tensor([False])
    x = ember.ones(2, requires_grad=True)
    y = x * 1
    before = y._vc[0]
    with pytest.raises(RuntimeError):
        y + ember.ones(3)
    assert y._vc[0] == before and x.grad is None


def test_no_grad_and_inference_mode_results_record_nothing():
    x = ember.ones(2, requires_grad=True)
    with ember.no_grad():
        assert (x * x).grad_fn is None and not (x + x).requires_grad
    with ember.inference_mode():
        assert (x - x).is_inference()


@pytest.mark.parametrize("name", OPS)
@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("number", [2, -3, 0.5, True, 2.5j])
def test_operator_with_a_number_equals_function(name, dtype, number):
    op, fn = OPS[name]
    a = _make(dtype, (2, 3), 0)
    for left in (False, True):
        if left and name == "sub":
            continue  # number - tensor is rsub, its own path
        try:
            want = fn(number, a) if left else fn(a, number)
        except Exception as e:  # noqa: BLE001 - the operator must raise the same
            with pytest.raises(type(e)):
                op(number, a) if left else op(a, number)
            continue
        got = op(number, a) if left else op(a, number)
        assert got.dtype == want.dtype and got.shape == want.shape
        np.testing.assert_array_equal(got.numpy(), want.numpy())


@pytest.mark.parametrize("expr", ["x * 2.5", "2.5 * x", "x + 2", "2 + x", "x - 1.5"])
def test_number_operands_recorded_as_pytorch_records_them(expr):
    # The tensor is the first input (next_functions order) and what is saved matches.
    torch = pytest.importorskip("torch")
    got = eval(expr, {"x": ember.ones(2, requires_grad=True)}).grad_fn  # noqa: S307 - a fixed table
    want = eval(expr, {"x": torch.ones(2, requires_grad=True)}).grad_fn  # noqa: S307
    assert got.name() == want.name()
    assert [f is None for f, _ in got.next_functions] == [f is None for f, _ in want.next_functions]
    if got.name() == "MulBackward0":
        assert got._saved_self is None and want._saved_self is None
        assert float(got._saved_other) == float(want._saved_other)
    else:
        assert got._saved_alpha == want._saved_alpha


@pytest.mark.parametrize("name", ["add", "sub", "mul"])
@pytest.mark.parametrize("operand", ["same", "broadcast", "number", "int64", "self", "overlap"])
def test_in_place_operators_under_no_grad_equal_the_general_path(name, operand):
    import operator as op

    iop = {"add": op.iadd, "sub": op.isub, "mul": op.imul}[name]
    fn = {"add": ember.Tensor.add_, "sub": ember.Tensor.sub_, "mul": ember.Tensor.mul_}[name]

    def run(apply):
        p = _make(ember.float32, (3, 4), 0)
        other = {"same": _make(ember.float32, (3, 4), 1), "broadcast": _make(ember.float32, (4,), 1),
                 "number": 0.25, "int64": _make(ember.int64, (3, 4), 1), "self": p, "overlap": None}[operand]
        if operand == "overlap":
            other = p[:, :2].repeat(1, 2)  # a copy: cannot share memory
        version = p._version
        with ember.no_grad():
            try:
                out = apply(p, other)
            except RuntimeError as e:
                return type(e), str(e)
        assert out is p and p._version == version + 1
        return p.numpy().copy()

    want = run(fn)
    got = run(iop)
    if isinstance(want, tuple):
        assert got == want
    else:
        np.testing.assert_array_equal(got, want)


def test_in_place_operator_errors_are_kept():
    # A leaf that requires grad, under grad mode, and an expanded (shared-memory) tensor.
    x = ember.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
        x -= 1
    e = ember.ones(1).expand(3)
    with ember.no_grad(), pytest.raises(RuntimeError, match="more than one element of the written-to tensor"):
        e += ember.ones(3)
    with ember.inference_mode():
        t = ember.ones(2)
    with ember.no_grad(), pytest.raises(RuntimeError, match="Inplace update to inference tensor"):
        t += 1
