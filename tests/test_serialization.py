"""ember.save / ember.load: round trips, the archive's safety, and its errors."""

from __future__ import annotations

import collections
import io
import math
import pickle
import zipfile

import numpy as np
import pytest

import ember
import ember.optim as eoptim
from ember.serialization import load, save


def _round_trip(obj, **kwargs):
    buf = io.BytesIO()
    save(obj, buf)
    buf.seek(0)
    return load(buf, **kwargs)


def _equal(a, b):
    assert type(a) is type(b), (type(a), type(b))
    if isinstance(a, ember.Tensor):
        assert a.dtype == b.dtype and a.shape == b.shape and a.requires_grad == b.requires_grad and b.is_leaf
        np.testing.assert_array_equal(a.detach()._data, b._data)
    elif isinstance(a, dict):
        assert list(a) == list(b)
        for k in a:
            _equal(a[k], b[k])
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b)
        for x, y in zip(a, b, strict=True):
            _equal(x, y)
    elif isinstance(a, float) and math.isnan(a):
        assert math.isnan(b)
    elif isinstance(a, np.ndarray):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)
    else:
        assert a == b


@pytest.mark.parametrize("dtype", [ember.float32, ember.float64, ember.float16, ember.int64, ember.int32,
                                   ember.int8, ember.uint8, ember.bool, ember.complex64, ember.complex128])
def test_tensors_of_every_dtype(dtype):
    for shape in [(), (0,), (3,), (2, 3, 4)]:
        t = (ember.arange(int(np.prod(shape))) % 3).reshape(shape).to(dtype)
        _equal(t, _round_trip(t))


def test_requires_grad_and_non_contiguous_tensors():
    w = ember.randn(3, 4, requires_grad=True)
    _equal(w, _round_trip(w))
    y = w * 2  # a non-leaf: loads as a leaf that requires grad, as in PyTorch
    loaded = _round_trip(y)
    assert loaded.is_leaf and loaded.requires_grad
    x = ember.arange(12.0).reshape(3, 4).t()
    _equal(x, _round_trip(x))
    assert _round_trip(ember.ones(2)).requires_grad is False


def test_nested_structures_and_python_values():
    obj = {
        "none": None, "true": True, "int": 2**70, "neg": -3, "float": 0.1, "nan": float("nan"), "inf": -math.inf,
        "complex": 1 + 2j, "str": "héllo", "bytes": b"\x00\xff", "list": [1, [2.5, (3, "x")]], "tuple": (),
        1: "int key", 2.5: "float key", (1, 2): "tuple key", None: "none key", False: "bool key",
        "tensors": [ember.ones(2), {"deep": (ember.zeros(1, dtype=ember.int64),)}],
        "size": ember.Size([2, 3]), "dtype": ember.float64, "device": ember.device("cpu"),
        "np": np.arange(6, dtype=np.int16).reshape(2, 3), "np_scalar": np.float32(1.5),
    }
    loaded = _round_trip(obj)
    _equal(obj, loaded)
    assert type(loaded["np_scalar"]) is np.float32 and type(loaded["size"]) is ember.Size


def test_ordered_dict_keeps_order_and_metadata():
    sd = collections.OrderedDict([("b.weight", ember.ones(2, 2)), ("a.bias", ember.zeros(2))])
    sd._metadata = collections.OrderedDict([("", {"version": 1}), ("b", {"version": 2})])
    loaded = _round_trip(sd)
    assert type(loaded) is collections.OrderedDict and list(loaded) == ["b.weight", "a.bias"]
    assert loaded._metadata == sd._metadata


def test_a_tensor_saved_twice_is_loaded_once():
    t = ember.ones(3)
    a, b, c = _round_trip([t, {"again": t}, ember.ones(3)])
    assert a is b["again"] and c is not a


def test_optimizer_state_dict_round_trip_continues_identically():
    rng = np.random.default_rng(0)
    grads = [rng.standard_normal(4).astype(np.float32) for _ in range(20)]
    w = ember.tensor(rng.standard_normal(4).astype(np.float32), requires_grad=True)
    opt = eoptim.Adam([w], lr=0.01, amsgrad=True)
    for g in grads[:10]:
        w.grad = ember.tensor(g)
        opt.step()
    loaded = _round_trip({"model": {"w": w}, "optim": opt.state_dict()})
    assert loaded["optim"]["state"][0]["step"].dtype == ember.float32
    assert loaded["optim"]["param_groups"] == opt.state_dict()["param_groups"]
    w2 = loaded["model"]["w"]
    assert w2.requires_grad and w2.is_leaf
    opt2 = eoptim.Adam([w2])
    opt2.load_state_dict(loaded["optim"])
    for g in grads[10:]:
        for p, o in ((w, opt), (w2, opt2)):
            p.grad = ember.tensor(g)
            o.step()
    np.testing.assert_array_equal(w._data, w2._data)


def test_paths_and_file_objects(tmp_path):
    path = tmp_path / "ckpt.pt"
    obj = {"w": ember.ones(2)}
    save(obj, path)
    _equal(obj, load(path))
    save(obj, str(path))
    _equal(obj, load(str(path), weights_only=False, map_location="cpu"))
    with open(path, "rb") as fh:
        _equal(obj, load(fh))
    assert zipfile.is_zipfile(path)


def test_nothing_is_pickled():
    buf = io.BytesIO()
    save({"w": ember.ones(2), "k": [1, "a"]}, buf)
    raw = buf.getvalue()
    assert b"ember/structure.json" in raw and pickle.PROTO not in raw[:1]
    with zipfile.ZipFile(io.BytesIO(raw)) as zf:
        for name in zf.namelist():
            assert not name.endswith(".pkl")
            if name.endswith(".npy"):
                np.load(io.BytesIO(zf.read(name)), allow_pickle=False)


class _Evil:
    def __reduce__(self):
        return (print, ("pwned",))


@pytest.mark.parametrize("obj", [_Evil(), {1, 2}, lambda: 0, np.array([object()]), [ember.ones(1), object()],
                                 {"k": 1j * np.ones(1, dtype=object)}])
def test_unstorable_objects_raise_type_error_naming_the_type(obj):
    with pytest.raises(TypeError, match="ember.save cannot store"):
        save(obj, io.BytesIO())
    buf = io.BytesIO()
    with pytest.raises(TypeError, match="_Evil"):
        save({"x": [_Evil()]}, buf)
    assert buf.getvalue() == b""  # nothing half-written


def _archive(replace=None, drop=None):
    buf = io.BytesIO()
    save({"w": ember.ones(3), "n": 1}, buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name in src.namelist():
            if name == drop:
                continue
            zf.writestr(name, (replace or {}).get(name, src.read(name)))
    return out.getvalue()


@pytest.mark.parametrize(("raw", "match"), [
    (b"", "is empty"),
    (b"definitely not a zip file", "not an ember archive"),
    (None, "truncated or corrupt"),  # the real archive cut in half
    (_archive(drop="ember/format"), "not an ember archive"),
    (_archive(drop="ember/structure.json"), "the structure is missing"),
    (_archive(drop="ember/tensors/0.npy"), "array 0 is missing"),
    (_archive(replace={"ember/structure.json": b"{not json"}), "the structure cannot be read"),
    (_archive(replace={"ember/structure.json": b'{"t": "whatever"}'}), "unknown tag"),
    (_archive(replace={"ember/tensors/0.npy": b"\x93NUMPY garbage"}), "array 0 cannot be read"),
    (_archive(replace={"ember/format": b"ember-archive 99"}), "unknown format"),
])
def test_corrupt_files_raise_runtime_error(raw, match):
    if raw is None:
        buf = io.BytesIO()
        save({"w": ember.ones(1000)}, buf)
        raw = buf.getvalue()[: len(buf.getvalue()) // 2]
    with pytest.raises(RuntimeError, match=match):
        load(io.BytesIO(raw))


def test_object_arrays_in_the_archive_are_refused():
    buf = io.BytesIO()
    np.save(buf, np.array([_Evil()], dtype=object), allow_pickle=True)
    raw = _archive(replace={"ember/tensors/0.npy": buf.getvalue()})
    with pytest.raises(RuntimeError, match="array 0 cannot be read"):
        load(io.BytesIO(raw))


def test_torch_checkpoints_are_recognised(tmp_path):
    torch = pytest.importorskip("torch")
    path = tmp_path / "torch.pt"
    torch.save({"w": torch.ones(2)}, path)
    with pytest.raises(RuntimeError, match="PyTorch \\(pickle\\) checkpoint"):
        load(path)


def test_map_location():
    with pytest.raises(RuntimeError, match="map_location"):
        _round_trip(ember.ones(1), map_location="cuda:0")


def test_nn_parameter_if_available():
    parameter = pytest.importorskip("ember.nn.parameter").Parameter
    p = parameter(ember.ones(2))
    loaded = _round_trip({"p": p})["p"]
    assert type(loaded) is parameter and loaded.requires_grad
