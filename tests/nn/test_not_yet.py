"""PyTorch functions ember lacks raise a NotImplementedError naming them (and hasattr stays False)."""

from __future__ import annotations

import pytest

import ember
import ember.nn.functional as F  # noqa: N812 - the name PyTorch users write


def test_missing_function_is_named():
    assert not hasattr(F, "glu")
    with pytest.raises(NotImplementedError, match="ember.nn.functional.glu is not implemented yet"):
        ember.nn.GLU()(ember.ones(2, 4))
    with pytest.raises(AttributeError, match="has no attribute 'no_such_function'"):
        F.no_such_function  # noqa: B018 - the attribute access is the test
