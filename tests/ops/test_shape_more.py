"""shape_more and indexing beyond the registry: errors against PyTorch, views and their
version counter, in-place forms, gradients over repeated indices.

The registry (op_db_shape_more.py) checks values, gradients, Node names, gradcheck and
gradgradcheck; here are the properties a row cannot state.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import ember
from ember.ops import indexing, shape_more

try:
    import torch  # noqa: F401 - the oracle, when installed
except ImportError:
    HAS_TORCH = False
else:
    HAS_TORCH = True
oracle = pytest.mark.skipif(not HAS_TORCH, reason="PyTorch (the oracle) is not installed")


def op(m: Any, name: str) -> Any:
    """``m.<name>``; for ember, from its ops module while ember/__init__.py does not export it."""
    f = getattr(m, name, None)
    if f is None and m is ember:
        f = getattr(shape_more, name, None) or getattr(indexing, name)
    return f


def t(m: Any, *shape: int, dtype: str = "float32") -> Any:
    return m.from_numpy(np.arange(int(np.prod(shape)), dtype=dtype).reshape(shape))


def i(m: Any, values: Any, dtype: str = "int64") -> Any:
    return m.from_numpy(np.asarray(values, dtype=dtype))


def mask(m: Any, values: Any) -> Any:
    return m.from_numpy(np.asarray(values, dtype=bool))


#: Cases whose message differs from PyTorch's by design (the type is still compared).
TYPE_ONLY = {
    "meshgrid_2d",  # PyTorch prints the tensor's values in its own format
    "ri_float",  # the dtype's name in the kernel's message
}

CASES: dict[str, tuple[type[Exception], Callable[[Any], Any]]] = {
    # gather / scatter
    "gather_oob": (RuntimeError, lambda m: t(m, 3, 4).gather(1, i(m, [[5]]))),
    "gather_neg": (RuntimeError, lambda m: t(m, 3, 4).gather(1, i(m, [[-1]]))),
    "gather_ndim": (RuntimeError, lambda m: t(m, 3, 4).gather(1, i(m, [0]))),
    "gather_size": (RuntimeError, lambda m: t(m, 3, 4).gather(0, i(m, [[0] * 5]))),
    "gather_float_index": (RuntimeError, lambda m: t(m, 3, 4).gather(1, i(m, [[0]], "float32"))),
    "gather_int16_index": (RuntimeError, lambda m: t(m, 3, 4).gather(1, i(m, [[0]], "int16"))),
    "gather_dim_oob": (IndexError, lambda m: t(m, 3, 4).gather(2, i(m, [[1]]))),
    "scatter_oob": (RuntimeError, lambda m: t(m, 3, 4).scatter(1, i(m, [[5]]), 1.0)),
    "scatter_src_small": (RuntimeError, lambda m: t(m, 3, 4).scatter(1, i(m, [[1, 2]]), t(m, 1, 1))),
    "scatter_self_small": (RuntimeError, lambda m: t(m, 3, 4).scatter(1, i(m, [[1]] * 4), 1.0)),
    "scatter_dtype": (RuntimeError, lambda m: t(m, 3, 4).scatter(1, i(m, [[1]]), t(m, 1, 1, dtype="float64"))),
    "scatter_add_dtype": (RuntimeError, lambda m: t(m, 3, 4).scatter_add(1, i(m, [[1]]), t(m, 1, 1, dtype="float64"))),
    "scatter_ndim": (RuntimeError, lambda m: t(m, 3, 4).scatter(1, i(m, [1]), 1.0)),
    "scatter_bad_reduce": (RuntimeError, lambda m: t(m, 3, 4).scatter(1, i(m, [[1]]), t(m, 1, 1), reduce="sum")),
    # index_*
    "index_select_2d": (IndexError, lambda m: t(m, 3, 4).index_select(0, i(m, [[0]]))),
    "index_select_int16": (RuntimeError, lambda m: t(m, 3, 4).index_select(0, i(m, [0], "int16"))),
    "index_select_oob": (IndexError, lambda m: t(m, 3, 4).index_select(0, i(m, [3]))),
    "index_select_neg": (IndexError, lambda m: t(m, 3, 4).index_select(0, i(m, [-1]))),
    "index_add_count": (RuntimeError, lambda m: t(m, 3, 4).index_add(0, i(m, [0]), t(m, 2, 4))),
    "index_add_oob": (RuntimeError, lambda m: t(m, 3, 4).index_add(0, i(m, [5]), t(m, 1, 4))),
    "index_add_dtype": (RuntimeError, lambda m: t(m, 3, 4).index_add(0, i(m, [0]), t(m, 1, 4, dtype="float64"))),
    "index_copy_count": (IndexError, lambda m: t(m, 3, 4).index_copy(0, i(m, [0]), t(m, 2, 4))),
    "index_copy_int32": (RuntimeError, lambda m: t(m, 3, 4).index_copy(0, i(m, [0], "int32"), t(m, 1, 4))),
    "index_copy_oob": (IndexError, lambda m: t(m, 3, 4).index_copy(0, i(m, [5]), t(m, 1, 4))),
    "index_fill_oob": (IndexError, lambda m: t(m, 3, 4).index_fill(0, i(m, [5]), 1.0)),
    "index_fill_int32": (IndexError, lambda m: t(m, 3, 4).index_fill(0, i(m, [0], "int32"), 1.0)),
    "index_fill_1d_value": (RuntimeError, lambda m: t(m, 3, 4).index_fill(0, i(m, [0]), t(m, 2))),
    # masks
    "masked_fill_long_mask": (RuntimeError, lambda m: t(m, 3, 4).masked_fill(t(m, 3, 4, dtype="int64"), 1.0)),
    "masked_fill_1d_value": (RuntimeError, lambda m: t(m, 3, 4).masked_fill(t(m, 3, 4) > 1, t(m, 2))),
    "masked_fill_shape": (RuntimeError, lambda m: t(m, 3, 4).masked_fill(mask(m, [True, False]), 1.0)),
    "masked_fill__bcast": (RuntimeError, lambda m: t(m, 4).masked_fill_(mask(m, np.ones((3, 4))), 1.0)),
    "masked_select_long": (RuntimeError, lambda m: t(m, 3, 4).masked_select(t(m, 3, 4, dtype="int64"))),
    "masked_select_shape": (RuntimeError, lambda m: t(m, 3, 4).masked_select(mask(m, [True, False]))),
    "masked_scatter_small": (RuntimeError, lambda m: t(m, 3, 4).masked_scatter(t(m, 3, 4) > 1, t(m, 3))),
    "masked_scatter_long": (RuntimeError, lambda m: t(m, 3, 4).masked_scatter(t(m, 3, 4, dtype="int64"), t(m, 12))),
    "masked_scatter_dtype": (RuntimeError,
                             lambda m: t(m, 3, 4).masked_scatter(t(m, 3, 4) > 1, t(m, 12, dtype="float64"))),
    # take / put / take_along_dim
    "take_oob": (IndexError, lambda m: t(m, 3, 4).take(i(m, [12]))),
    "take_neg_oob": (IndexError, lambda m: t(m, 3, 4).take(i(m, [-13]))),
    "take_int32": (RuntimeError, lambda m: t(m, 3, 4).take(i(m, [1], "int32"))),
    "put_oob": (IndexError, lambda m: t(m, 3, 4).put(i(m, [12]), t(m, 1))),
    "put_numel": (IndexError, lambda m: t(m, 3, 4).put(i(m, [1, 2]), t(m, 3))),
    "put_dtype": (RuntimeError, lambda m: t(m, 3, 4).put(i(m, [1]), t(m, 1, dtype="float64"))),
    "take_along_dim_int32": (RuntimeError, lambda m: op(m, "take_along_dim")(t(m, 3, 4), i(m, [[0]], "int32"), 1)),
    "take_along_dim_ndim": (RuntimeError, lambda m: op(m, "take_along_dim")(t(m, 3, 4), i(m, [0]), 1)),
    # shape_more
    "movedim_len": (RuntimeError, lambda m: op(m, "movedim")(t(m, 3, 4), (0, 1), (0,))),
    "movedim_repeat": (RuntimeError, lambda m: op(m, "movedim")(t(m, 3, 4), (0, 0), (0, 1))),
    "movedim_repeat_dst": (RuntimeError, lambda m: op(m, "movedim")(t(m, 3, 4), (0, 1), (1, 1))),
    "movedim_oob": (IndexError, lambda m: op(m, "movedim")(t(m, 3, 4), 2, 0)),
    "unflatten_product": (RuntimeError, lambda m: t(m, 3, 4).unflatten(1, (3, 2))),
    "unflatten_empty": (RuntimeError, lambda m: t(m, 3, 4).unflatten(1, ())),
    "repeat_few": (RuntimeError, lambda m: t(m, 3, 4).repeat(2)),
    "repeat_negative": (RuntimeError, lambda m: t(m, 3, 4).repeat(-1, 1)),
    "tile_negative": (RuntimeError, lambda m: t(m, 3, 4).tile((-1,))),
    "ri_negative": (RuntimeError, lambda m: t(m, 3, 4).repeat_interleave(-1)),
    "ri_tensor_negative": (RuntimeError, lambda m: t(m, 4).repeat_interleave(i(m, [1, -1, 1, 1]))),
    "ri_size": (RuntimeError, lambda m: t(m, 3, 4).repeat_interleave(i(m, [1, 2]), dim=0)),
    "ri_2d": (RuntimeError, lambda m: t(m, 3, 4).repeat_interleave(i(m, [[1]]), dim=0)),
    "ri_float": (NotImplementedError, lambda m: t(m, 3, 4).repeat_interleave(t(m, 1), dim=0)),
    "hstack_empty": (RuntimeError, lambda m: op(m, "hstack")([])),
    "vstack_empty": (RuntimeError, lambda m: op(m, "vstack")([])),
    "column_stack_empty": (RuntimeError, lambda m: op(m, "column_stack")([])),
    "column_stack_rows": (RuntimeError, lambda m: op(m, "column_stack")([t(m, 3, 4), t(m, 4)])),
    "split_negative": (RuntimeError, lambda m: t(m, 3, 4).split(-1)),
    "split_zero": (RuntimeError, lambda m: t(m, 3, 4).split(0)),
    "split_sizes_sum": (RuntimeError, lambda m: t(m, 3, 4).split([1, 1])),
    "split_sizes_negative": (RuntimeError, lambda m: t(m, 3, 4).split([4, -1])),
    "split_0d": (RuntimeError, lambda m: t(m).split(1)),
    "chunk_zero": (RuntimeError, lambda m: t(m, 3, 4).chunk(0)),
    "chunk_0d": (RuntimeError, lambda m: t(m).chunk(1)),
    "narrow_start": (IndexError, lambda m: t(m, 3, 4).narrow(0, 4, 0)),
    "narrow_start_negative": (IndexError, lambda m: t(m, 3, 4).narrow(0, -4, 0)),
    "narrow_length": (RuntimeError, lambda m: t(m, 3, 4).narrow(0, 1, 3)),
    "narrow_negative_length": (RuntimeError, lambda m: t(m, 3, 4).narrow(0, 1, -1)),
    "narrow_0d": (RuntimeError, lambda m: t(m).narrow(0, 0, 1)),
    "flip_repeated": (RuntimeError, lambda m: t(m, 3, 4).flip(0, -2)),
    "flip_oob": (IndexError, lambda m: t(m, 3, 4).flip(2)),
    "fliplr_1d": (RuntimeError, lambda m: t(m, 4).fliplr()),
    "flipud_0d": (RuntimeError, lambda m: t(m).flipud()),
    "roll_align": (RuntimeError, lambda m: t(m, 3, 4).roll((1, 2), 0)),
    "roll_no_dims": (RuntimeError, lambda m: t(m, 3, 4).roll((1, 2))),
    "rot90_three_dims": (RuntimeError, lambda m: t(m, 3, 4).rot90(1, (0, 1, 2))),
    "rot90_1d": (RuntimeError, lambda m: t(m, 4).rot90()),
    "rot90_same": (RuntimeError, lambda m: t(m, 3, 4).rot90(1, (0, -2))),
    "rot90_oob": (IndexError, lambda m: t(m, 3, 4).rot90(1, (0, 2))),
    "diag_3d": (RuntimeError, lambda m: op(m, "diag")(t(m, 2, 2, 2))),
    "diag_0d": (RuntimeError, lambda m: op(m, "diag")(t(m))),
    "diagonal_same": (RuntimeError, lambda m: t(m, 3, 4).diagonal(0, 0, 0)),
    "diagonal_1d": (IndexError, lambda m: t(m, 4).diagonal()),
    "diag_embed_same": (RuntimeError, lambda m: op(m, "diag_embed")(t(m, 4), 0, 0, 0)),
    "diag_embed_0d": (IndexError, lambda m: op(m, "diag_embed")(t(m))),
    "tril_1d": (RuntimeError, lambda m: t(m, 4).tril()),
    "triu_0d": (RuntimeError, lambda m: t(m).triu()),
    "meshgrid_2d": (RuntimeError, lambda m: op(m, "meshgrid")(t(m, 3, 4), t(m, 4), indexing="ij")),
    "meshgrid_dtype": (RuntimeError, lambda m: op(m, "meshgrid")(t(m, 4), t(m, 4, dtype="float64"), indexing="ij")),
    "meshgrid_indexing": (RuntimeError, lambda m: op(m, "meshgrid")(t(m, 4), t(m, 4), indexing="ab")),
    "meshgrid_empty": (RuntimeError, lambda m: op(m, "meshgrid")([], indexing="ij")),
}


@pytest.mark.parametrize("name", list(CASES))
def test_error_type(name: str) -> None:
    exc, f = CASES[name]
    with pytest.raises(exc):
        f(ember)


@oracle
@pytest.mark.parametrize("name", list(CASES))
def test_error_matches_torch(name: str) -> None:
    import torch

    exc, f = CASES[name]
    with pytest.raises(exc) as expected, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        f(torch)
    with pytest.raises(exc) as got:
        f(ember)
    if name not in TYPE_ONLY:
        assert str(got.value) == str(expected.value).replace("torch.", "ember.")


# ---------------------------------------------------------------------------------------
# Views share the base's memory and version counter
# ---------------------------------------------------------------------------------------
VIEWS: dict[str, Callable[[Any], Any]] = {
    "narrow": lambda x: x.narrow(1, 1, 2),
    "diagonal": lambda x: x.diagonal(),
    "diagonal_offset": lambda x: x.diagonal(-1),
    "movedim": lambda x: x.movedim(0, 1),
    "unflatten": lambda x: x.unflatten(1, (2, 2)),
    "split": lambda x: x.split(2)[1],
    "split_sizes": lambda x: x.split([1, 2])[1],
    "chunk": lambda x: x.chunk(2, 1)[1],
    "meshgrid": lambda x: op(ember, "meshgrid")(x[0], x[1], indexing="ij")[0],
}


@pytest.mark.parametrize("name", list(VIEWS))
def test_views_share_memory_and_version(name: str) -> None:
    x = ember.arange(12.0).reshape(3, 4).clone()
    y = VIEWS[name](x)
    assert y._base is x and y._vc is x._vc
    if name != "meshgrid":  # an expanded view cannot be written (as in PyTorch)
        before = x._vc[0]
        y.mul_(0)
        assert x._vc[0] == before + 1
        assert float(x.abs().sum()) < 66.0


def test_copies_are_not_views() -> None:
    x = ember.arange(6.0).reshape(2, 3)
    for y in (x.flip(0), x.roll(1), x.rot90(), x.repeat(1, 1), x.tril(), op(ember, "diag")(x)):
        assert y._base is None
        y.add_(1)
    assert float(x.sum()) == 15.0


def test_saved_view_modified_in_place_is_detected() -> None:
    x = ember.randn(3, 3, requires_grad=True)
    y = x * 1
    out = (y.gather(1, ember.tensor([[0], [1], [2]])) ** 2).sum()
    y.masked_fill_(y > 0, 0.0)  # changes nothing saved by gather, but pow saved its input
    out.backward()
    z = x * 1
    d = z.diagonal()
    loss = (d * d).sum()
    z.index_fill_(0, ember.tensor([0]), 1.0)  # d shares z's version counter
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        loss.backward()


# ---------------------------------------------------------------------------------------
# In-place forms
# ---------------------------------------------------------------------------------------
def test_inplace_forms_write_into_self_and_record() -> None:
    x = ember.zeros(3, 4)
    r = x.scatter_(1, ember.tensor([[0], [1], [2]]), 1.0)
    assert r is x and x.sum().item() == 3.0
    x.index_fill_(0, ember.tensor([2]), 5.0).put_(ember.tensor([0]), ember.tensor([7.0]))
    x.masked_fill_(x == 1.0, -1.0).index_add_(1, ember.tensor([3, 3]), ember.ones(3, 2))
    assert x.tolist() == [[7.0, 0.0, 0.0, 2.0], [0.0, -1.0, 0.0, 2.0], [5.0, 5.0, 5.0, 7.0]]
    w = ember.ones(3, requires_grad=True)
    y = w * 2
    y.index_copy_(0, ember.tensor([1]), w[:1] * 10)
    assert y.grad_fn.name() == "IndexCopyBackward0"
    y.sum().backward()
    assert w.grad.tolist() == [12.0, 0.0, 2.0]


def test_inplace_on_leaf_requiring_grad_is_refused() -> None:
    w = ember.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable"):
        w.masked_fill_(w > 0, 0.0)


@oracle
def test_inplace_index_fill_on_view_of_tensor_requiring_grad_matches_torch() -> None:
    import torch

    def run(m: Any) -> list:
        x = m.from_numpy(np.arange(1.0, 10.0).reshape(3, 3)).requires_grad_(True)
        y = x * 2
        y.diagonal().index_fill_(0, m.tensor([0]), 0.0)
        (y * m.from_numpy(np.arange(9.0).reshape(3, 3))).sum().backward()
        return [y.detach().numpy(), x.grad.numpy()]

    for a, b in zip(run(ember), run(torch), strict=True):
        np.testing.assert_array_equal(a, b)


# ---------------------------------------------------------------------------------------
# Gradients over repeated indices, and of higher order
# ---------------------------------------------------------------------------------------
@oracle
def test_repeated_indices_accumulate_and_double_backward_matches_torch() -> None:
    import torch

    def run(m: Any) -> list:
        x = m.from_numpy(np.linspace(-1, 1, 6).reshape(2, 3)).requires_grad_(True)
        index = m.from_numpy(np.array([[2, 2, 2, 0], [1, 1, 0, 0]]))
        y = (x.gather(1, index) ** 3).sum() + (x.index_select(1, index[0]) ** 2).sum()
        y = y + (x.take(index) ** 2).sum()
        (g,) = m.autograd.grad(y, x, create_graph=True)
        (gg,) = m.autograd.grad((g ** 2).sum(), x)
        return [g.detach().numpy(), gg.numpy()]

    for a, b in zip(run(ember), run(torch), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12)


@oracle
def test_double_backward_node_names_match_torch() -> None:
    import torch

    def names(m: Any) -> list:
        x = m.from_numpy(np.arange(6.0).reshape(2, 3)).requires_grad_(True)
        index = m.from_numpy(np.array([[0, 0], [1, 2]]))
        out = []
        for y in (x.gather(1, index), x.index_select(0, index[0]), x.take(index), x.diagonal(),
                  x.masked_select(x > 2), x.repeat(2, 1)):
            (g,) = m.autograd.grad(y.sum() if y.ndim else y, x, create_graph=True)
            out.append(g.grad_fn.name() if g.grad_fn is not None else None)
        return out

    assert names(ember) == names(torch)


def test_meshgrid_without_indexing_warns_and_uses_ij() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        a, b = op(ember, "meshgrid")(ember.arange(2.0), ember.arange(3.0))
    assert tuple(a.shape) == (2, 3) and any("indexing" in str(w.message) for w in caught)


def test_split_partial_gradients_are_zero_filled() -> None:
    x = ember.arange(5.0, requires_grad=True)
    parts = x.split(2)
    assert len(parts) == 3 and [tuple(p.shape) for p in parts] == [(2,), (2,), (1,)]
    (parts[1] * 3).sum().backward()
    assert x.grad.tolist() == [0.0, 0.0, 3.0, 3.0, 0.0]


def test_scatter_add_into_a_constant_records_src_only() -> None:
    src = ember.ones(2, 2, requires_grad=True)
    out = ember.zeros(3, 2).scatter_add_(0, ember.tensor([[0, 0], [0, 2]]), src * 2)
    assert out.grad_fn.name() == "ScatterAddBackward0" and out.requires_grad
    (out * ember.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])).sum().backward()
    assert src.grad.tolist() == [[2.0, 4.0], [2.0, 12.0]]


@oracle
def test_keyword_forms_match_torch() -> None:
    import torch

    for m in (ember, torch):
        x = m.from_numpy(np.arange(6.0).reshape(2, 3))
        assert op(m, "flip")(x, dims=(0,)).tolist() == [[3.0, 4.0, 5.0], [0.0, 1.0, 2.0]]
        assert tuple(op(m, "tile")(x, dims=(2, 1)).shape) == (4, 3)
        assert x.scatter(1, m.from_numpy(np.array([[0], [1]])), value=-1.0).tolist()[1] == [3.0, -1.0, 5.0]
