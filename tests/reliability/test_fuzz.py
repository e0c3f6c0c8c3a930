"""A short run of the differential fuzzer (tools/fuzz.py): random programs of ember ops
(views, in-place writes, broadcasting, dtypes, reductions, registry ops, first and second
derivatives) must agree with PyTorch, the oracle, line by line.

The long run is ``python tools/fuzz.py --programs 5000 --seed 0``; here hypothesis draws a
bounded number of programs (derandomized, so the suite is reproducible) and shrinks a
failure to a small program.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

pytest.importorskip("torch")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))
import fuzz  # noqa: E402

import ember  # noqa: E402


def _fail(prog: fuzz.Program, d: fuzz.Discrepancy) -> str:
    small, d2 = fuzz.minimize(prog, d)
    return "\n" + fuzz.report(small, d2)


@settings(max_examples=120, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
@given(st.data())
def test_random_programs_agree_with_torch(data: st.DataObject) -> None:
    prog = fuzz.generate(fuzz.HypothesisChooser(data), steps=8)
    d = fuzz.check(prog)
    assert d is None, _fail(prog, d)


def test_a_seeded_cli_run_finds_nothing() -> None:
    lines: list[str] = []
    stats = fuzz.fuzz(programs=40, seed=12345, budget=None, steps=10, out=lines.append)
    assert stats.programs == 40
    assert not stats.found, "\n".join(lines)


def test_the_fuzzer_sees_a_wrong_op(monkeypatch: pytest.MonkeyPatch) -> None:
    """Test the test: a planted bug (ember.sin computing cos) is found and shrunk."""
    prog = fuzz.Program([
        fuzz.Line("x1 = m.tensor([0.5, -1.25], dtype=m.float64, requires_grad=True)", ("x1",)),
        fuzz.Line("v2 = x1 * 2", ("v2",)),
        fuzz.Line("v3 = m.sin(x1)", ("v3",)),
    ], ["x1", "v2", "v3"])
    assert fuzz.check(prog) is None
    monkeypatch.setattr(ember, "sin", ember.cos)
    d = fuzz.check(prog)
    assert d is not None and d.kind == "value" and d.line == 2
    small, _ = fuzz.minimize(prog, d)
    assert [ln.src for ln in small.lines] == [prog.lines[0].src, prog.lines[2].src]


def test_the_fuzzer_compares_gradients_and_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    prog = fuzz.Program([
        fuzz.Line("x1 = m.tensor([0.5, -1.25], dtype=m.float64, requires_grad=True)", ("x1",)),
        fuzz.Line("v2 = m.exp(x1)", ("v2",)),
        fuzz.Line("v3 = x1.view(3)"),  # torch refuses: ember must refuse with the same type
        fuzz.Line("L = (v2 * 2).sum()"),
        fuzz.Line("L.backward()", ("x1.grad",)),
    ], ["x1", "v2"])
    assert fuzz.check(prog) is None
    monkeypatch.setattr(ember.Tensor, "view", lambda self, *s: self)
    d = fuzz.check(prog)
    assert d is not None and d.kind == "torch-raises" and d.line == 2


def test_documented_deviations_are_filtered() -> None:
    # docs/design.md: a view of a base that did not require grad is not regenerated when
    # the base gains history in place.
    prog = fuzz.Program([
        fuzz.Line("x1 = m.tensor([0.665], dtype=m.float32)", ("x1",)),
        fuzz.Line("v2 = x1.view_as(x1)", ("v2",)),
        fuzz.Line("x3 = m.tensor([0.768], dtype=m.float32, requires_grad=True)", ("x3",)),
        fuzz.Line("x1.div_(x3)", ("x1",), inplace=True, target="x1"),
    ], ["x1", "v2", "x3"])
    _, d = fuzz.run(prog)
    assert d is not None and d.kind == "stale-view"
    assert fuzz.deliberate(d) is not None
    assert fuzz.check(prog) is None
