"""The training example learns: a short MLP run on the digits reaches high accuracy."""

from __future__ import annotations

import importlib.util
import pathlib
import sys

import pytest

pytest.importorskip("sklearn")

EXAMPLE = pathlib.Path(__file__).resolve().parents[2] / "examples" / "train_digits.py"


def load_example():
    spec = importlib.util.spec_from_file_location("train_digits", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    sys.modules["train_digits"] = module
    spec.loader.exec_module(module)
    return module


def test_mlp_learns_the_digits():
    result = load_example().train("ember", "mlp", epochs=6, quiet=True)
    assert result["accuracy"] >= 0.95, result
    assert result["loss"] < 0.5, result
