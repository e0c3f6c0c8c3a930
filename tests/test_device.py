"""Devices: ember.device parsing and printing, the default device, and the absent
accelerators (ember.cuda, ember.backends), which answer as PyTorch does without them."""

from __future__ import annotations

import pickle

import pytest

import ember

try:
    import torch
except ImportError:  # the oracle is optional
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="torch (the oracle) is not installed")

CUDA_ERROR = "^Torch not compiled with CUDA enabled$"


@pytest.mark.parametrize("args,type_,index,text,rep", [
    (("cpu",), "cpu", None, "cpu", "device(type='cpu')"),
    (("cuda",), "cuda", None, "cuda", "device(type='cuda')"),
    (("cuda:0",), "cuda", 0, "cuda:0", "device(type='cuda', index=0)"),
    (("cuda", 1), "cuda", 1, "cuda:1", "device(type='cuda', index=1)"),
    (("cpu:0",), "cpu", 0, "cpu:0", "device(type='cpu', index=0)"),
    (("mps",), "mps", None, "mps", "device(type='mps')"),
    (("meta",), "meta", None, "meta", "device(type='meta')"),
])
def test_device_parsing(args, type_, index, text, rep):
    d = ember.device(*args)
    assert (d.type, d.index, str(d), repr(d)) == (type_, index, text, rep)
    assert ember.device(d) == d and ember.device(d) is not d
    assert pickle.loads(pickle.dumps(d)) == d


def test_device_keywords():
    assert ember.device(type="cuda", index=2) == ember.device("cuda:2")


def test_device_equality_and_hash():
    assert ember.device("cuda:0") == ember.device("cuda", 0)
    assert ember.device("cuda:0") != ember.device("cuda")
    assert ember.device("cpu", 0) != ember.device("cpu")
    assert ember.device("cpu") != "cpu"  # as in torch: a device never equals a string
    assert hash(ember.device("cpu")) == hash(ember.device("cpu"))
    assert len({ember.device("cuda:0"), ember.device("cuda", 0), ember.device("cpu")}) == 2


@pytest.mark.parametrize("args,error,message", [
    (("gpu",), RuntimeError, "Expected one of cpu, cuda, ipu, xpu, mkldnn, opengl, opencl, ideep, hip, ve, fpga, maia, "
                             "xla, lazy, vulkan, mps, meta, hpu, mtia, privateuseone device type at start of device "
                             "string: gpu"),
    (("CPU",), RuntimeError, None),
    (("cuda:a",), RuntimeError, "Invalid device string: 'cuda:a'"),
    (("cuda:-1",), RuntimeError, "Invalid device string: 'cuda:-1'"),
    (("cuda:0:1",), RuntimeError, "Invalid device string: 'cuda:0:1'"),
    (("cuda", -1), RuntimeError, "Device index must not be negative"),
    (("cuda", 1.5), TypeError, "device(): argument 'index' (position 2) must be int, not float"),
    ((0,), RuntimeError, "Cannot access accelerator device when none is available."),
])
def test_device_errors(args, error, message):
    with pytest.raises(error) as err:
        ember.device(*args)
    if message is not None:
        assert str(err.value) == message


@needs_torch
@pytest.mark.parametrize("args", [("cpu",), ("cuda",), ("cuda:0",), ("cuda", 3), ("cpu:0",), ("mps",), ("meta",),
                                  ("gpu",), ("CPU",), ("cuda:a",), ("cuda:-1",), ("cuda", -1), ("cuda", 1.5), (0,),
                                  ("cuda:0:1",), ("xla:1",)])
def test_device_matches_torch(args):
    def result(m):
        try:
            d = m.device(*args)
        except Exception as err:  # noqa: BLE001 - the exception is the outcome
            return type(err).__name__, str(err)
        return d.type, d.index, str(d), repr(d)

    assert result(ember) == result(torch)


def test_tensor_device():
    t = ember.ones(2)
    assert t.device == ember.device("cpu")
    assert repr(t.device) == "device(type='cpu')" and str(t.device) == "cpu"
    assert not t.is_cuda and t.is_cpu and t.get_device() == -1
    assert ember.ones(2, device="cpu:0").device == ember.device("cpu")


def test_to_cpu_returns_self():
    t = ember.ones(2)
    assert t.to("cpu") is t and t.to(ember.device("cpu")) is t and t.cpu() is t
    assert t.to("cpu:0") is t


@pytest.mark.parametrize("move", [
    lambda t: t.to("cuda"), lambda t: t.to("cuda:0"), lambda t: t.to(ember.device("cuda", 0)),
    lambda t: t.to(device="cuda"), lambda t: t.to("cuda", ember.float64), lambda t: t.cuda(),
    lambda t: t.cuda(0),
])
def test_cuda_is_not_compiled(move):
    with pytest.raises(AssertionError, match=CUDA_ERROR):
        move(ember.ones(2))


def test_cuda_factory():
    with pytest.raises(AssertionError, match=CUDA_ERROR):
        ember.ones(2, device="cuda")
    with pytest.raises(AssertionError, match=CUDA_ERROR):
        ember.tensor([1.0], device=ember.device("cuda"))


def test_other_devices_are_absent():
    with pytest.raises(RuntimeError, match="^PyTorch is not linked with support for mps devices$"):
        ember.ones(2).to("mps")
    with pytest.raises(RuntimeError):
        ember.ones(2).to("foo")


def test_cuda_module():
    assert ember.cuda.is_available() is False
    assert ember.cuda.device_count() == 0
    assert ember.cuda.is_initialized() is False
    assert ember.cuda.manual_seed(0) is None and ember.cuda.manual_seed_all(0) is None
    assert ember.cuda.empty_cache() is None
    for fn in (ember.cuda.current_device, ember.cuda.get_device_name, ember.cuda.synchronize):
        with pytest.raises(AssertionError, match=CUDA_ERROR):
            fn()


def test_backends():
    assert ember.backends.mps.is_available() is False
    assert ember.backends.mps.is_built() is False
    assert ember.backends.cuda.is_built() is False
    assert ember.backends.cudnn.is_available() is False
    assert ember.backends.cudnn.version() is None


@needs_torch
def test_backends_match_torch():
    for name in ("is_available", "device_count", "is_initialized"):
        assert getattr(ember.cuda, name)() == getattr(torch.cuda, name)()
    assert ember.backends.mps.is_available() == torch.backends.mps.is_available()
    assert ember.backends.mps.is_built() == torch.backends.mps.is_built()
    assert ember.backends.cudnn.is_available() == torch.backends.cudnn.is_available()


def test_default_device():
    assert ember.get_default_device() == ember.device("cpu")
    ember.set_default_device("cpu")
    assert ember.get_default_device() == ember.device("cpu")
    ember.set_default_device(ember.device("cpu"))
    ember.set_default_device(None)
    assert ember.get_default_device() == ember.device("cpu")
    assert ember.ones(2).device == ember.device("cpu")


def test_set_default_device_cuda_raises_and_keeps_cpu():
    with pytest.raises(AssertionError, match=CUDA_ERROR):
        ember.set_default_device("cuda")
    assert ember.get_default_device() == ember.device("cpu")


def test_device_as_context_manager():
    with ember.device("cpu") as d:
        assert d == ember.device("cpu") and ember.get_default_device() == d
        assert ember.zeros(1).device == d
    assert ember.get_default_device() == ember.device("cpu")
