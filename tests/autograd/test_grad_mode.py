"""Grad modes: inference_mode and its restrictions, is_grad_enabled, decorators on generators."""

from __future__ import annotations

import pytest

import ember


def test_inference_tensors_and_their_restrictions():
    with ember.inference_mode():
        assert ember.is_inference_mode_enabled() and not ember.is_grad_enabled()
        a = ember.ones(2)
        b = a * 2
    assert a.is_inference() and b.is_inference() and not ember.ones(1).is_inference()
    assert not ember.is_inference_mode_enabled() and ember.is_grad_enabled()
    x = ember.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="Inference tensors cannot be saved for backward"):
        x * b                       # mul would save b for x's gradient
    (x + b).sum().backward()        # add saves nothing: allowed, as in PyTorch
    assert x.grad.tolist() == [1.0, 1.0]
    with pytest.raises(RuntimeError, match="Inplace update to inference tensor outside InferenceMode is not allowed"):
        b.add_(1)
    with ember.inference_mode():
        b.add_(1)                   # inside inference mode it is allowed
        y = x * 2
    assert not y.requires_grad and y.is_inference()
    c = b.clone()
    assert not c.is_inference()


def test_inference_mode_false_and_nesting():
    with ember.inference_mode():
        with ember.inference_mode(False):
            assert not ember.is_inference_mode_enabled()
            assert not ember.ones(1).is_inference()
        assert ember.is_inference_mode_enabled()


def test_modes_decorate_functions_and_generators():
    x = ember.ones(1, requires_grad=True)

    @ember.inference_mode()
    def f():
        return x * 2

    @ember.enable_grad()
    def gen():
        for _ in range(2):
            yield (x * 2).requires_grad

    assert f().is_inference()
    with ember.no_grad():
        assert list(gen()) == [True, True]
        assert not ember.is_grad_enabled()


def test_set_grad_enabled_as_function_and_decorator():
    ember.set_grad_enabled(False)
    try:
        assert not ember.is_grad_enabled()
    finally:
        ember.set_grad_enabled(True)

    @ember.set_grad_enabled(False)
    def g():
        return ember.is_grad_enabled()

    assert ember.is_grad_enabled()   # decorating does not change the mode
    assert g() is False
    assert ember.is_grad_enabled()
    with pytest.raises(TypeError, match="set_grad_enabled"):
        ember.set_grad_enabled("yes")
