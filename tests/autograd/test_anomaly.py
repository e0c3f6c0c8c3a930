"""Anomaly detection: the forward traceback of a failing Node, NaN detection in backward."""

from __future__ import annotations

import warnings

import pytest

import ember


def test_nan_in_backward_names_the_node_and_the_forward_line():
    x = ember.tensor([0.0, 1.0], requires_grad=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with ember.autograd.detect_anomaly():
            y = x.sqrt()  # FORWARD-LINE
            with pytest.raises(RuntimeError, match=r"Function 'SqrtBackward0' returned nan values in its 0th output."):
                (y * 0).sum().backward()
    messages = [str(w.message) for w in caught]
    assert any("Anomaly Detection has been enabled" in m for m in messages)
    trace = next(m for m in messages if m.startswith("Error detected in SqrtBackward0."))
    assert "Traceback of forward call that caused the error" in trace
    assert "test_anomaly.py" in trace and "y = x.sqrt()  # FORWARD-LINE" in trace
    assert "ember/ops" not in trace, "only the user's frames"


def test_error_in_custom_backward_reports_forward_traceback():
    class Bad(ember.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            raise ValueError("boom")

    x = ember.ones(2, requires_grad=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with ember.autograd.detect_anomaly():
            y = Bad.apply(x)
            with pytest.raises(ValueError, match="boom"):
                y.sum().backward()
    assert any(str(w.message).startswith("Error detected in BadBackward.") for w in caught)


def test_without_anomaly_mode_nan_passes_silently():
    x = ember.tensor([0.0, 1.0], requires_grad=True)
    (x.sqrt() * 0).sum().backward()
    assert x.grad.isnan().tolist() == [True, False]


def test_set_detect_anomaly_and_check_nan_false():
    assert not ember.autograd.anomaly_mode.is_anomaly_enabled()
    with ember.autograd.set_detect_anomaly(True, check_nan=False):
        assert ember.autograd.anomaly_mode.is_anomaly_enabled()
        x = ember.tensor([0.0], requires_grad=True)
        (x.sqrt() * 0).sum().backward()   # NaN allowed with check_nan=False
    assert not ember.autograd.anomaly_mode.is_anomaly_enabled()
