"""What the registry rows (op_db_linalg_more.py) cannot say: PyTorch's errors for singular,
non-square and wrongly typed inputs, the raw factors of svd/eigh/qr and their Nodes, the
Tensor methods, and LinAlgError itself."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from types import ModuleType
from typing import Any

import numpy as np
import pytest

import ember
from ember.ops import decomposition as dc
from ember.ops import linalg_more as lm

torch = pytest.importorskip("torch")

#: The functions ember/__init__.py does not export yet, by their torch names.
_TOP = {
    "vdot": lm.vdot, "addmv": lm.addmv, "addr": lm.addr, "baddbmm": lm.baddbmm, "addbmm": lm.addbmm,
    "einsum": lm.einsum, "tensordot": lm.tensordot, "kron": lm.kron, "cross": lm.cross, "trace": lm.trace,
    "chain_matmul": lm.chain_matmul, "inverse": dc.linalg_inv, "det": dc.linalg_det, "slogdet": dc.slogdet,
    "logdet": dc.logdet, "cholesky": dc.cholesky, "svd": dc.svd,
}


def fn(m: ModuleType, name: str) -> Callable[..., Any]:
    """``m.<name>`` (dotted names reach into linalg); ember's own function where not exported."""
    f: Any = m
    for part in name.split("."):
        f = getattr(f, part, None)
        if f is None:
            return _TOP[name]
    return f


def arr(m: ModuleType, a: Any, dtype: Any = np.float64) -> Any:
    return m.from_numpy(np.array(a, dtype=dtype))


_EYE = np.eye(3)
_ONES = np.ones((3, 3))
_NSQ = np.arange(6.0).reshape(2, 3)
_NEG = -np.eye(3)
_R = np.random.default_rng(0).standard_normal((3, 3)) + 3 * np.eye(3)

ERRORS: dict[str, Callable[[ModuleType], Any]] = {
    "inv_singular": lambda m: fn(m, "linalg.inv")(arr(m, _ONES)),
    "inv_batch_singular": lambda m: fn(m, "linalg.inv")(arr(m, np.stack([_EYE, _ONES]))),
    "inv_non_square": lambda m: fn(m, "linalg.inv")(arr(m, _NSQ)),
    "inv_1d": lambda m: fn(m, "linalg.inv")(arr(m, [1.0, 2.0])),
    "inv_int": lambda m: fn(m, "linalg.inv")(arr(m, _EYE, np.int64)),
    "inv_half": lambda m: fn(m, "linalg.inv")(arr(m, _EYE, np.float16)),
    "inv_ex_check_errors": lambda m: fn(m, "linalg.inv_ex")(arr(m, _ONES), check_errors=True),
    "inverse_singular": lambda m: fn(m, "inverse")(arr(m, _ONES)),
    "det_non_square": lambda m: fn(m, "linalg.det")(arr(m, _NSQ)),
    "det_int": lambda m: fn(m, "linalg.det")(arr(m, _EYE, np.int64)),
    "slogdet_non_square": lambda m: fn(m, "linalg.slogdet")(arr(m, _NSQ)),
    "solve_singular": lambda m: fn(m, "linalg.solve")(arr(m, _ONES), arr(m, [1.0, 2.0, 3.0])),
    "solve_non_square": lambda m: fn(m, "linalg.solve")(arr(m, _NSQ), arr(m, [1.0, 2.0])),
    "solve_shapes": lambda m: fn(m, "linalg.solve")(arr(m, _R), arr(m, np.ones(4))),
    "solve_dtypes": lambda m: fn(m, "linalg.solve")(arr(m, _R), arr(m, np.ones(3), np.float32)),
    "solve_int": lambda m: fn(m, "linalg.solve")(arr(m, _EYE, np.int64), arr(m, _EYE, np.int64)),
    "cholesky_not_pd": lambda m: fn(m, "linalg.cholesky")(arr(m, _NEG)),
    "cholesky_batch_not_pd": lambda m: fn(m, "linalg.cholesky")(arr(m, np.stack([_EYE, np.diag([1.0, -1, 1])]))),
    "cholesky_non_square": lambda m: fn(m, "linalg.cholesky")(arr(m, _NSQ)),
    "cholesky_int": lambda m: fn(m, "linalg.cholesky")(arr(m, _EYE, np.int64)),
    "qr_mode": lambda m: fn(m, "linalg.qr")(arr(m, _R), mode="foo"),
    "qr_1d": lambda m: fn(m, "linalg.qr")(arr(m, [1.0, 2.0])),
    "qr_int": lambda m: fn(m, "linalg.qr")(arr(m, _EYE, np.int64)),
    "eigh_non_square": lambda m: fn(m, "linalg.eigh")(arr(m, _NSQ)),
    "eigh_uplo": lambda m: fn(m, "linalg.eigh")(arr(m, _R), UPLO="X"),
    "eigh_int": lambda m: fn(m, "linalg.eigh")(arr(m, _EYE, np.int64)),
    "eigvalsh_non_square": lambda m: fn(m, "linalg.eigvalsh")(arr(m, _NSQ)),
    "svd_1d": lambda m: fn(m, "linalg.svd")(arr(m, [1.0, 2.0])),
    "svd_int": lambda m: fn(m, "linalg.svd")(arr(m, _EYE, np.int64)),
    "svdvals_int": lambda m: fn(m, "linalg.svdvals")(arr(m, _EYE, np.int64)),
    "pinv_int": lambda m: fn(m, "linalg.pinv")(arr(m, _EYE, np.int64)),
    "matrix_power_non_square": lambda m: fn(m, "linalg.matrix_power")(arr(m, _NSQ), 2),
    "matrix_power_singular": lambda m: fn(m, "linalg.matrix_power")(arr(m, _ONES), -1),
    "matrix_rank_int": lambda m: fn(m, "linalg.matrix_rank")(arr(m, _EYE, np.int64)),
    "trace_3d": lambda m: fn(m, "trace")(arr(m, np.ones((2, 2, 2)))),
    "trace_bool": lambda m: fn(m, "trace")(arr(m, _EYE, bool)),
    "cross_length": lambda m: fn(m, "linalg.cross")(arr(m, _NSQ), arr(m, _NSQ), dim=0),
    "cross_no_dim_3": lambda m: fn(m, "cross")(arr(m, np.ones((2, 2))), arr(m, np.ones((2, 2)))),
    "cross_dtypes": lambda m: fn(m, "linalg.cross")(arr(m, _R), arr(m, _R, np.float32)),
    "vdot_2d": lambda m: fn(m, "vdot")(arr(m, _R), arr(m, _R)),
    "vdot_sizes": lambda m: fn(m, "vdot")(arr(m, np.ones(3)), arr(m, np.ones(4))),
    "vdot_dtypes": lambda m: fn(m, "vdot")(arr(m, np.ones(3)), arr(m, np.ones(3), np.float32)),
    "addmv_sizes": lambda m: fn(m, "addmv")(arr(m, np.ones(3)), arr(m, _R), arr(m, np.ones(4))),
    "addmv_dtypes": lambda m: fn(m, "addmv")(arr(m, np.ones(3), np.float32), arr(m, _R), arr(m, np.ones(3))),
    "addr_2d": lambda m: fn(m, "addr")(arr(m, _R), arr(m, _R), arr(m, np.ones(3))),
    "baddbmm_sizes": lambda m: fn(m, "baddbmm")(arr(m, np.ones((2, 3, 3))), arr(m, np.ones((2, 3, 3))),
                                                arr(m, np.ones((3, 3, 3)))),
    "addbmm_sizes": lambda m: fn(m, "addbmm")(arr(m, _R), arr(m, np.ones((2, 3, 3))), arr(m, np.ones((2, 4, 3)))),
    "einsum_few_operands": lambda m: fn(m, "einsum")("ij,jk", arr(m, _R)),
    "einsum_many_operands": lambda m: fn(m, "einsum")("ij", arr(m, _R), arr(m, _R)),
    "einsum_sizes": lambda m: fn(m, "einsum")("ij,jk->ik", arr(m, _R), arr(m, _NSQ)),
    "einsum_output": lambda m: fn(m, "einsum")("ij->k", arr(m, _R)),
    "einsum_output_twice": lambda m: fn(m, "einsum")("ij->ii", arr(m, _R)),
    "einsum_subscript": lambda m: fn(m, "einsum")("i1->i", arr(m, _R)),
    "einsum_ndim": lambda m: fn(m, "einsum")("ijk->i", arr(m, _R)),
    "einsum_repeated_sizes": lambda m: fn(m, "einsum")("ii->i", arr(m, _NSQ)),
    "tensordot_sizes": lambda m: fn(m, "tensordot")(arr(m, _R), arr(m, _NSQ), dims=1),
    "tensordot_dtypes": lambda m: fn(m, "tensordot")(arr(m, _R, np.float32), arr(m, _R), dims=1),
    "multi_dot_one": lambda m: fn(m, "linalg.multi_dot")([arr(m, _R)]),
    "multi_dot_3d": lambda m: fn(m, "linalg.multi_dot")([arr(m, _R), arr(m, np.ones((2, 3, 3)))]),
    "multi_dot_middle_1d": lambda m: fn(m, "linalg.multi_dot")([arr(m, _R), arr(m, np.ones(3)), arr(m, _R)]),
    "multi_dot_sizes": lambda m: fn(m, "linalg.multi_dot")([arr(m, _R), arr(m, _NSQ)]),
    "multi_dot_dtypes": lambda m: fn(m, "linalg.multi_dot")([arr(m, _R, np.float32), arr(m, _R)]),
    "chain_matmul_1d": lambda m: fn(m, "chain_matmul")(arr(m, _R), arr(m, np.ones(3))),
}


def _run(m: ModuleType, f: Callable[[ModuleType], Any]) -> BaseException:
    """The exception ``f(m)`` raises."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            f(m)
        except Exception as e:  # noqa: BLE001 - the error is what is compared
            return e
    raise AssertionError(f"{m.__name__} raised nothing")


@pytest.mark.parametrize("name", list(ERRORS))
def test_error_matches_torch(name: str) -> None:
    expected = _run(torch, ERRORS[name])
    got = _run(ember, ERRORS[name])
    if isinstance(expected, torch.linalg.LinAlgError):
        assert isinstance(got, ember.linalg.LinAlgError), f"{type(got).__name__}: {got}"
    else:
        builtin = next(c for c in type(expected).__mro__ if c.__module__ == "builtins")
        assert type(got) is builtin, f"{type(got).__name__} where torch raises {builtin.__name__}"
    assert str(got) == str(expected).replace("torch.", "")


def test_linalg_error_is_a_runtime_error() -> None:
    assert issubclass(ember.linalg.LinAlgError, RuntimeError)


def _names(out: Any) -> list:
    return [None if o.grad_fn is None else o.grad_fn.name() for o in out]


@pytest.mark.parametrize("call", [
    lambda m, a: fn(m, "linalg.svd")(a),
    lambda m, a: fn(m, "linalg.svd")(a[:2], full_matrices=False),
    lambda m, a: fn(m, "svd")(a),
    lambda m, a: fn(m, "linalg.qr")(a),
    lambda m, a: fn(m, "linalg.qr")(a, mode="r"),
    lambda m, a: fn(m, "linalg.eigh")(a + a.mT),
    lambda m, a: fn(m, "linalg.slogdet")(a),
    lambda m, a: fn(m, "slogdet")(a),
    lambda m, a: fn(m, "linalg.inv_ex")(a),
], ids=["linalg.svd", "linalg.svd_wide", "svd", "qr", "qr_r", "eigh", "linalg.slogdet", "slogdet", "inv_ex"])
def test_factors_types_nodes_and_reconstruction(call: Callable[..., Any]) -> None:
    """The named tuple, each output's shape and Node as in torch, and the factors' product."""
    t_out = call(torch, torch.from_numpy(_R.copy()).requires_grad_())
    e_out = call(ember, ember.from_numpy(_R.copy()).requires_grad_())
    assert type(e_out).__name__ == type(t_out).__name__
    assert e_out._fields == t_out._fields if hasattr(t_out, "_fields") else True
    assert [tuple(o.shape) for o in e_out] == [tuple(o.shape) for o in t_out]
    assert [str(o.dtype).split(".")[1] for o in e_out] == [str(o.dtype).split(".")[1] for o in t_out]
    assert _names(e_out) == [n.replace("torch::", "ember::") if n else n for n in _names(t_out)]
    name = type(t_out).__name__
    if name in ("linalg_svd", "svd"):
        u, s, v = (o.detach().numpy() for o in e_out)
        k = s.shape[-1]
        vh = v[:k] if name == "linalg_svd" else v[:, :k].T
        a = _R if u.shape[0] == 3 else _R[:2]
        np.testing.assert_allclose((u[:, :k] * s) @ vh, a, atol=1e-12)
        np.testing.assert_allclose(u.T @ u, np.eye(u.shape[1]), atol=1e-12)
    elif name == "linalg_eigh":
        w, v = (o.detach().numpy() for o in e_out)
        np.testing.assert_allclose((v * w) @ v.T, _R + _R.T, atol=1e-12)


def test_tensor_methods_match_torch() -> None:
    rng = np.random.default_rng(1)
    a, v = _R, rng.standard_normal(3)
    b = rng.standard_normal((2, 3, 3))
    spd = a @ a.T
    calls = {
        "inverse": lambda m: arr(m, a).inverse(), "det": lambda m: arr(m, a).det(),
        "logdet": lambda m: arr(m, spd).logdet(), "slogdet": lambda m: arr(m, a).slogdet()[1],
        "cholesky": lambda m: arr(m, spd).cholesky(), "matrix_power": lambda m: arr(m, a).matrix_power(3),
        "pinverse": lambda m: arr(m, a[:2]).pinverse(), "trace": lambda m: arr(m, a).trace(),
        "kron": lambda m: arr(m, a).kron(arr(m, v)), "cross": lambda m: arr(m, a).cross(arr(m, a), dim=0),
        "vdot": lambda m: arr(m, v).vdot(arr(m, v)), "addmv": lambda m: arr(m, v).addmv(arr(m, a), arr(m, v)),
        "addr": lambda m: arr(m, a).addr(arr(m, v), arr(m, v)),
        "baddbmm": lambda m: arr(m, b).baddbmm(arr(m, b), arr(m, b), alpha=2),
        "addbmm": lambda m: arr(m, a).addbmm(arr(m, b), arr(m, b), beta=0.5),
        "svd": lambda m: arr(m, spd).svd()[1],
    }
    for name, call in calls.items():
        with warnings.catch_warnings():  # torch.cholesky's deprecation notice
            warnings.simplefilter("ignore")
            expected = call(torch).numpy()
        np.testing.assert_allclose(call(ember).numpy(), expected, rtol=1e-10, atol=1e-12, err_msg=name)


def test_no_node_without_grad() -> None:
    a = ember.from_numpy(_R.copy()).requires_grad_()
    with ember.no_grad():
        outs = [ember.linalg.inv(a), ember.linalg.det(a), ember.linalg.svdvals(a), ember.linalg.eigvalsh(a),
                *ember.linalg.qr(a), ember.linalg.solve(a, a), ember.linalg.pinv(a), lm.einsum("ij,jk", a, a)]
    assert all(o.grad_fn is None and not o.requires_grad for o in outs)


def test_inv_ex_info_matches_torch() -> None:
    x = np.stack([_R, _ONES, np.diag([1.0, 0.0, 2.0])])
    e = ember.linalg.inv_ex(ember.from_numpy(x.copy()))
    t = torch.linalg.inv_ex(torch.from_numpy(x.copy()))
    np.testing.assert_array_equal(e.info.numpy(), t.info.numpy())
    np.testing.assert_allclose(e.inverse.numpy()[0], t.inverse.numpy()[0], rtol=1e-12)


def test_second_derivative_matches_torch() -> None:
    """create_graph through inv, det, eigh and svd gives torch's second derivatives."""
    def loss(m: ModuleType, a: Any) -> Any:
        s = a + a.mT
        w = fn(m, "linalg.eigh")(s)[0]
        return (fn(m, "linalg.inv")(a).sum() * fn(m, "linalg.det")(a) + (w * w).sum()
                + fn(m, "linalg.svdvals")(a).sum())

    grads = []
    for m in (ember, torch):
        a = m.from_numpy(_R.copy()).requires_grad_()
        (g,) = m.autograd.grad(loss(m, a), [a], create_graph=True)
        (gg,) = m.autograd.grad((g * g).sum(), [a])
        grads.append((g.detach().numpy(), gg.numpy()))
    np.testing.assert_allclose(grads[0][0], grads[1][0], rtol=1e-9)
    np.testing.assert_allclose(grads[0][1], grads[1][1], rtol=1e-8)


def test_det_gradient_at_singular_matrices() -> None:
    """At a singular matrix det's gradient is its cofactor matrix (from the SVD, as PyTorch
    does). Where LU finds an exact zero pivot of a rank n-1 matrix, PyTorch 2.13 returns 0
    instead (det = 0 times a finite LU inverse); ember returns the cofactors."""
    rank2 = np.array([[1.0, 2.0, 3.0], [2.0, 4.0, 6.5], [0.5, 1.0, 1.5]])
    x = np.stack([_ONES, rank2, _R])
    a = ember.from_numpy(x.copy()).requires_grad_()
    ember.linalg.det(a).sum().backward()
    t = torch.from_numpy(x.copy()).requires_grad_()
    torch.linalg.det(t).sum().backward()
    np.testing.assert_allclose(a.grad.numpy()[[0, 2]], t.grad.numpy()[[0, 2]], rtol=1e-9, atol=1e-12)
    cof = np.array([[(-1) ** (i + j) * np.linalg.det(np.delete(np.delete(rank2, i, 0), j, 1)) for j in range(3)]
                    for i in range(3)])
    np.testing.assert_allclose(a.grad.numpy()[1], cof, atol=1e-12)
