"""EMBER_LOGS / ember.set_logs: each Node run by backward is logged, and the engine pays nothing when off."""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys

import pytest

import ember
from ember import _logs
from ember.autograd import engine

LINE = re.compile(r"^D\d{4} \d\d:\d\d:\d\d\.\d{6} \d+ ember\.autograd\] (\S+) grad_outputs: (.*); "
                  r"grad_inputs: (.*); \d+\.\d us$")


@pytest.fixture
def logs_on():
    ember.set_logs(autograd=True)
    yield
    ember.set_logs(autograd=False)


def logged(err: str) -> list[tuple[str, str, str]]:
    out = []
    for line in err.splitlines():
        match = LINE.match(line)
        assert match, line
        out.append(match.groups())
    return out


def test_each_node_is_logged_with_shapes_and_time(logs_on, capsys):
    x = ember.ones(2, 3, requires_grad=True)
    w = ember.ones(3, requires_grad=True)
    (x * w).sum().backward()
    assert logged(capsys.readouterr().err) == [
        ("SumBackward0", "[]", "[2, 3]"),
        ("MulBackward0", "[2, 3]", "[2, 3], [2, 3]"),  # the engine sums w's gradient to [3] afterwards
        ("AccumulateGrad", "[2, 3]", "(none)"),
        ("AccumulateGrad", "[3]", "(none)"),
    ]
    assert x.grad.shape == (2, 3) and w.grad.tolist() == [2.0, 2.0, 2.0]


def test_autograd_grad_and_none_gradients(logs_on, capsys):
    x = ember.ones(3, requires_grad=True)
    (g,) = ember.autograd.grad((x * 2).sum(), x)
    assert g.tolist() == [2.0, 2.0, 2.0]
    names = [name for name, _, _ in logged(capsys.readouterr().err)]
    assert names == ["SumBackward0", "MulBackward0"]  # AccumulateGrad does not run for autograd.grad


def test_logs_with_hooks_and_anomaly_mode(logs_on, capsys):
    x = ember.ones(2, requires_grad=True)
    y = x * 3
    y.register_hook(lambda g: g * 2)
    with pytest.warns(UserWarning, match="Anomaly Detection"), ember.autograd.detect_anomaly(check_nan=True):
        y.sum().backward()
    assert x.grad.tolist() == [6.0, 6.0]
    assert [r[0] for r in logged(capsys.readouterr().err)] == ["SumBackward0", "MulBackward0", "AccumulateGrad"]


def test_off_logs_nothing_and_takes_the_fast_path(monkeypatch, capsys):
    assert _logs.autograd is False

    def fail(*args):
        raise AssertionError("_call_node ran with logging off and no hooks")

    monkeypatch.setattr(engine, "_call_node", fail)
    x = ember.ones(3, requires_grad=True)
    (x * 2).sum().backward()
    assert x.grad.tolist() == [2.0, 2.0, 2.0]
    assert capsys.readouterr().err == ""


def test_set_logs_off_restores_the_logger():
    logger = logging.getLogger("ember.autograd")
    ember.set_logs(autograd=True)
    assert logger.level == logging.DEBUG and not logger.propagate and _logs._handler in logger.handlers
    ember.set_logs(autograd=True)  # twice: one handler
    assert logger.handlers.count(_logs._handler) == 1
    ember.set_logs()  # None: unchanged
    assert _logs.autograd is True
    ember.set_logs(autograd=False)
    assert logger.level == logging.NOTSET and logger.propagate and _logs._handler not in logger.handlers
    assert _logs.autograd is False


def test_records_reach_the_users_own_handlers(logs_on):
    records = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(record)

    handler = Keep()
    logging.getLogger("ember.autograd").addHandler(handler)
    try:
        x = ember.ones(1, requires_grad=True)
        (x * 2).backward()
    finally:
        logging.getLogger("ember.autograd").removeHandler(handler)
    assert [r.levelno for r in records] == [logging.DEBUG] * 2
    assert records[0].getMessage().startswith("MulBackward0 grad_outputs: [1]; grad_inputs: [1], None; ")


CODE = "import ember\nx = ember.ones(3, requires_grad=True)\n(x * 2).sum().backward()\nprint(x.grad)"


def run_with(value: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, EMBER_LOGS=value)
    return subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, timeout=60, env=env)


def test_the_environment_variable():
    result = run_with("+autograd")
    assert result.returncode == 0, result.stderr
    assert [r[0] for r in logged(result.stderr)] == ["SumBackward0", "MulBackward0", "AccumulateGrad"]
    assert result.stdout == "tensor([2., 2., 2.])\n"
    for off in ("", "-autograd", "+autograd,-autograd"):
        result = run_with(off)
        assert result.returncode == 0 and result.stderr == "", (off, result.stderr)
    result = run_with("autograd,dynamo")
    assert "EMBER_LOGS: unknown log name 'dynamo' (known: autograd)" in result.stderr
    assert "SumBackward0 grad_outputs" in result.stderr
